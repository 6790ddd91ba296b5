/* network3's layers: finite-difference gradient checks of conv, pool,
   conv-pool, fully connected and softmax layers with every activation,
   softmax + log-likelihood (delta = a - y), dropout with a fixed mask; nnd JSON
   save/load (identical predictions, corrupt files rejected); the LeNet-5
   parameter count; expanded MNIST shifts; the ensemble vote; network3's SGD
   bookkeeping. Built twice: float (default) and -DNND_DOUBLE.

   The difference quotient is the fourth-order central stencil
     (-C(w+2h) + 8C(w+h) - 8C(w-h) + C(w-2h)) / 12h,
   and the error of a component is |fd - bp| / max(|fd| + |bp|, F max|bp|).
   double: h = 1e-5, F = 1e-3, worst < 1e-6. Inputs and parameters are
   continuous random numbers, so no max-pool window has an exact tie; the
   small h keeps the stencil (+-2h) from crossing a near-tie or a ReLU kink
   (with ~1000 windows, h = 1e-4 crossed one in one of these nets), and the
   rounding it costs, eps |C| / h ~ 1e-10, stays below the bound.
   float: a smoke check of the float code paths only - sigmoid nets and the
   dropout net, h = 1e-2, worst < 0.2: a float cost carries ~1e-7 relative
   rounding, which the quotient divides by h. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
static const double H = 1e-5, BOUND = 1e-6, FLOOR = 1e-3;
#else
static const double H = 1e-2, BOUND = 0.2, FLOOR = 1e-2;
#endif

static uint64_t mask_seed; /* dropout stream for train-mode checks */

static void fill(nnd_rng *rng, nnd_real *v, size_t n, double lo, double hi)
{
    size_t i;
    for (i = 0; i < n; ++i) v[i] = (nnd_real)(lo + (hi - lo) * nnd_rng_uniform(rng));
}

static double cost_at(nnd_net *net, const nnd_real *x, const int *labels, int m)
{
    double c = 0;
    nnd_set_dropout_seed(net, mask_seed); /* the same mask every time */
    batch_cost_m(net, x, NULL, labels, m, &c);
    return c;
}

/* Worst error of nnd_backprop against the stencil over every parameter;
   *gmax = max |grad| (the guard that the gradient is not trivially zero). */
static double fd_worst(nnd_net *net, const nnd_real *x, const int *labels, int m, double *gmax)
{
    size_t n = nnd_param_count(net), p;
    nnd_real *g = (nnd_real *)malloc(n * sizeof *g), *w = nnd_params(net);
    double worst = 0;
    *gmax = 0;
    nnd_set_dropout_seed(net, mask_seed);
    if (!g || backprop_m(net, x, NULL, labels, m, g, NULL) != NND_OK) {
        free(g);
        return 1e9;
    }
    for (p = 0; p < n; ++p)
        if (fabs((double)g[p]) > *gmax) *gmax = fabs((double)g[p]);
    for (p = 0; p < n; ++p) {
        const nnd_real keep = w[p];
        double c2, c1, cm1, cm2, fd, den, e;
        w[p] = (nnd_real)(keep + 2 * H);
        c2 = cost_at(net, x, labels, m);
        w[p] = (nnd_real)(keep + H);
        c1 = cost_at(net, x, labels, m);
        w[p] = (nnd_real)(keep - H);
        cm1 = cost_at(net, x, labels, m);
        w[p] = (nnd_real)(keep - 2 * H);
        cm2 = cost_at(net, x, labels, m);
        w[p] = keep;
        fd = (-c2 + 8 * c1 - 8 * cm1 + cm2) / (12 * H);
        den = fabs(fd) + fabs((double)g[p]);
        if (den < FLOOR * *gmax) den = FLOOR * *gmax;
        e = den > 0 ? fabs(fd - (double)g[p]) / den : 0;
        if (e > worst) worst = e;
    }
    free(g);
    return worst;
}

/* Random parameters (softmax layers start at zero in network3: give them
   values so every path carries gradient). */
static nnd_net *make(int n_in, const nnd_layer_spec *L, int n, nnd_rng *rng)
{
    int st;
    nnd_net *net = nnd_net_create(n_in, L, n, NND_LOG_LIKELIHOOD, &st);
    if (!net) return NULL;
    fill(rng, nnd_params(net), nnd_param_count(net), -0.8, 0.8);
    return net;
}

static void check_net(const char *what, int n_in, const nnd_layer_spec *L, int n, int m,
                      nnd_rng *rng)
{
    nnd_net *net = make(n_in, L, n, rng);
    nnd_real *x = (nnd_real *)malloc(sizeof *x * (size_t)m * n_in);
    int *labels = (int *)malloc(sizeof *labels * (size_t)m), i;
    double worst, gmax;
    CHECK(net && x && labels, "%s: create", what);
    if (!net || !x || !labels) return;
    fill(rng, x, (size_t)m * n_in, 0.0, 1.0);
    for (i = 0; i < m; ++i) labels[i] = (int)nnd_rng_below(rng, (uint32_t)nnd_output_size(net));
    worst = fd_worst(net, x, labels, m, &gmax);
    CHECK(worst < BOUND, "%s: gradient check worst relative error %.3g (bound %.1g)", what, worst, BOUND);
    CHECK(gmax > 1e-3, "%s: gradient is trivially small (max %.3g)", what, gmax);
    nnd_free(net);
    free(x);
    free(labels);
}

static void gradient_checks(void)
{
    static const nnd_activation acts[4] = {NND_SIGMOID, NND_TANH, NND_RELU, NND_LINEAR};
    static const char *names[4] = {"sigmoid", "tanh", "relu", "linear"};
    nnd_rng rng;
    nnd_layer_spec L[6];
    int a;
    char what[96];
    nnd_rng_seed(&rng, 42);
    /* ch6-prob1: input 1x8x8, 2 filters 3x3, pool 2x2 -> softmax */
    L[0] = nnd_conv_pool_layer(2, 3, 3, 2, 2, NND_SIGMOID);
    L[1] = nnd_softmax_layer(10, 0.0);
    check_net("ch6-prob1 conv-pool(sigmoid) -> softmax", 64, L, 2, 3, &rng);
    /* 4 channels of 3x3: 36 weights per filter, past four vectors by less
       than one, so the weight gradient's row kernel adds the last columns of
       every example after the first term by term */
    L[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_SIGMOID);
    L[0].image_c = 4;
    L[0].image_h = 7;
    L[0].image_w = 7;
    L[1] = nnd_softmax_layer(6, 0.0);
    { /* its own stream, so the draws of the checks below stay as they were */
        nnd_rng r36;
        nnd_rng_seed(&r36, 36);
        check_net("conv-pool(sigmoid), 4 channels: 36 weights per filter", 196, L, 2, 5, &r36);
    }
    /* a one-channel first layer takes its weight gradient from the image
       (nnd__rows_image): the book's 5 x 5 filters (its own inlined copy),
       and filters as wide as a float vector (the widest it takes) */
    {
        nnd_rng r55;
        nnd_rng_seed(&r55, 55);
        L[0] = nnd_conv_pool_layer(3, 5, 5, 2, 2, NND_SIGMOID);
        L[0].image_c = 1;
        L[0].image_h = 12;
        L[0].image_w = 12;
        L[1] = nnd_softmax_layer(4, 0.0);
        check_net("conv-pool(sigmoid), one channel, 5x5 filters from the image", 144, L, 2, 3, &r55);
        L[0] = nnd_conv_pool_layer(2, 2, 8, 2, 1, NND_SIGMOID);
        L[0].image_c = 1;
        L[0].image_h = 7;
        L[0].image_w = 12;
        check_net("conv-pool(sigmoid), one channel, 2x8 filters from the image", 84, L, 2, 3, &r55);
    }
    for (a = 0; a < 4; ++a) {
#ifndef NND_DOUBLE
        if (acts[a] != NND_SIGMOID) continue; /* see the top comment */
#endif
        /* conv-pool and dense layers with activation a; 2 channels in; enough
           filters that the four-row kernels run */
        L[0] = nnd_conv_pool_layer(11, 3, 3, 2, 2, acts[a]);
        L[0].image_c = 2;
        L[0].image_h = 9;
        L[0].image_w = 9;
        L[1] = nnd_conv_pool_layer(9, 2, 2, 1, 1, acts[a]);
        L[2] = nnd_fully_connected_layer(12, acts[a], 0.0);
        L[3] = nnd_softmax_layer(4, 0.0);
        sprintf(what, "conv-pool(%s) x2 -> fc(%s) -> softmax", names[a], names[a]);
        check_net(what, 162, L, 4, 5, &rng);
        /* separate conv and pool blocks (LeNet style), activation a */
        L[0] = nnd_conv_layer(10, 3, 3, acts[a]);
        L[1] = nnd_pool_layer(2, 2);
        L[2] = nnd_conv_layer(9, 2, 2, acts[a]);
        L[3] = nnd_pool_layer(2, 1);
        L[4] = nnd_fully_connected_layer(9, acts[a], 0.0);
        L[5] = nnd_softmax_layer(3, 0.0);
        sprintf(what, "conv(%s) -> pool -> conv -> pool -> fc -> softmax", names[a]);
        check_net(what, 100, L, 6, 4, &rng);
    }
    /* dropout with a fixed mask (train mode, the stream reseeded per call) */
    {
        nnd_net *net;
        L[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_TANH);
        L[1] = nnd_fully_connected_layer(12, NND_TANH, 0.3);
        L[2] = nnd_fully_connected_layer(10, NND_SIGMOID, 0.5);
        L[3] = nnd_softmax_layer(5, 0.25);
        net = make(64, L, 4, &rng);
        if (net) {
            nnd_real x[4 * 64];
            int labels[4] = {0, 3, 4, 1};
            double worst, gmax, c_train, c_eval;
            fill(&rng, x, sizeof x / sizeof x[0], 0.0, 1.0);
            mask_seed = 77;
            nnd_set_train_mode(net, 1);
            worst = fd_worst(net, x, labels, 4, &gmax);
            CHECK(worst < BOUND, "dropout (fixed mask): worst relative error %.3g", worst);
            CHECK(gmax > 1e-3, "dropout: gradient trivially small");
            c_train = cost_at(net, x, labels, 4);
            mask_seed = 78;
            CHECK(cost_at(net, x, labels, 4) != c_train, "dropout: another mask, another cost");
            { /* the stream's state put back: the same masks again (checkpoints) */
                nnd_rng saved = nnd_dropout_rng(net);
                double c1 = 0, c2 = 0, c3 = 0;
                batch_cost_m(net, x, NULL, labels, 4, &c1);
                batch_cost_m(net, x, NULL, labels, 4, &c2);
                nnd_set_dropout_rng(net, &saved);
                batch_cost_m(net, x, NULL, labels, 4, &c3);
                CHECK(c1 != c2 && c3 == c1, "dropout stream state: %g %g %g", c1, c2, c3);
            }
            nnd_set_train_mode(net, 0);
            c_eval = cost_at(net, x, labels, 4);
            CHECK(c_eval != c_train, "dropout: evaluation pass differs from the training pass");
#ifdef NND_DOUBLE
            worst = fd_worst(net, x, labels, 4, &gmax); /* evaluation pass: (1-p) scaling */
            CHECK(worst < BOUND, "dropout (evaluation pass): worst relative error %.3g", worst);
#endif
            nnd_free(net);
        }
    }
}

/* delta^L = a - y for softmax with log-likelihood (84): the softmax layer's
   bias gradient is the sum over the batch of a - y. */
static void softmax_delta(void)
{
    nnd_rng rng;
    nnd_layer_spec L[2];
    nnd_net *net;
    nnd_real x[3 * 16], out[3 * 6], *g;
    int labels[3] = {5, 0, 2}, i, j;
    double worst = 0;
    nnd_rng_seed(&rng, 7);
    L[0] = nnd_fully_connected_layer(8, NND_TANH, 0.0);
    L[1] = nnd_softmax_layer(6, 0.0);
    net = make(16, L, 2, &rng);
    g = (nnd_real *)malloc(sizeof *g * nnd_param_count(net));
    fill(&rng, x, 48, 0, 1);
    feedforward_m(net, x, 3, out);
    backprop_m(net, x, NULL, labels, 3, g, NULL);
    for (j = 0; j < 6; ++j) {
        double s = 0;
        for (i = 0; i < 3; ++i) s += out[i * 6 + j] - (labels[i] == j);
        s -= g[nnd_layer_info(net, 1).bias_offset + j];
        if (fabs(s) > worst) worst = fabs(s);
    }
    CHECK(worst < 1e-6, "softmax + log-likelihood: dC/db = sum (a - y), off by %.3g", worst);
    /* the stable softmax: huge z gives finite outputs */
    {
        nnd_real z[3] = {1000, 1001, 1002}, a[3];
        nnd_softmax(z, a, 3);
        CHECK(fabs(a[2] - 0.6652410) < 1e-6 && a[0] > 0, "stable softmax of (1000, 1001, 1002)");
    }
    free(g);
    nnd_free(net);
}

static void lenet5(void)
{
    nnd_layer_spec L[7];
    nnd_net *net;
    int st;
    nnd_layer_desc d;
    L[0] = nnd_conv_layer(6, 5, 5, NND_TANH);
    L[1] = nnd_pool_layer(2, 2);
    L[2] = nnd_conv_layer(16, 5, 5, NND_TANH);
    L[3] = nnd_pool_layer(2, 2);
    L[4] = nnd_conv_layer(120, 5, 5, NND_TANH);
    L[5] = nnd_fully_connected_layer(84, NND_TANH, 0.0);
    L[6] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(32 * 32, L, 7, NND_LOG_LIKELIHOOD, &st);
    CHECK(net != NULL, "LeNet-5: create (%s)", nnd_strerror(st));
    if (!net) return;
    /* course-13: 156 + 2,416 + 48,120 + 10,164 + 850 */
    CHECK(nnd_param_count(net) == 61706, "LeNet-5 parameters: %lu, expected 61706",
          (unsigned long)nnd_param_count(net));
    d = nnd_layer_info(net, 4);
    CHECK(d.out_c == 120 && d.out_h == 1 && d.out_w == 1, "LeNet-5 C5 is 120 x 1 x 1");
    d = nnd_layer_info(net, 1);
    CHECK(d.out_c == 6 && d.out_h == 14 && d.out_w == 14 && d.n_weights == 0, "LeNet-5 S2 is 6 x 14 x 14");
    nnd_free(net);
    /* network3's shapes: 1x28x28 -> 20x12x12 -> 40x4x4 */
    L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_RELU);
    L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, NND_RELU);
    L[2] = nnd_fully_connected_layer(100, NND_RELU, 0.0);
    L[3] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(784, L, 4, NND_LOG_LIKELIHOOD, &st);
    CHECK(net && nnd_layer_info(net, 0).n_out == 2880 && nnd_layer_info(net, 1).n_out == 640,
          "conv-pool shapes 2880 and 640");
    if (net) {
        nnd_rng rng;
        nnd_real *p = nnd_params(net);
        double s = 0;
        size_t i;
        nnd_layer_desc sm = nnd_layer_info(net, 3), c1 = nnd_layer_info(net, 0);
        nnd_rng_seed(&rng, 1);
        nnd_network3_initializer(net, &rng, 0);
        for (i = 0; i < sm.n_weights + sm.n_biases; ++i) s += fabs((double)p[sm.weight_offset + i]);
        CHECK(s == 0, "network3: the softmax layer starts at zero");
        s = 0;
        for (i = 0; i < c1.n_weights; ++i) s += (double)p[c1.weight_offset + i] * p[c1.weight_offset + i];
        s /= (double)c1.n_weights; /* variance ~ 1/125 */
        CHECK(s > 0.6 / 125 && s < 1.4 / 125, "network3: conv weights N(0, 1/125), variance %.4g", s);
        nnd_free(net);
    }
    /* bad shapes are rejected */
    L[0] = nnd_conv_pool_layer(4, 9, 9, 2, 2, NND_RELU);
    L[1] = nnd_softmax_layer(10, 0.0);
    CHECK(nnd_net_create(64, L, 2, NND_LOG_LIKELIHOOD, &st) == NULL && st != NND_OK,
          "a 9x9 filter on an 8x8 image is rejected");
}

static void save_load(void)
{
    nnd_rng rng;
    nnd_layer_spec L[5];
    nnd_net *net, *back;
    nnd_error err;
    nnd_real x[7 * 100], o1[7 * 4], o2[7 * 4];
    char *text;
    size_t len;
    const char *path = "build/test_layers_model.json";
    nnd_rng_seed(&rng, 3);
    L[0] = nnd_conv_pool_layer(4, 3, 3, 2, 2, NND_RELU);
    L[1] = nnd_conv_layer(5, 2, 2, NND_TANH);
    L[2] = nnd_pool_layer(1, 2);
    L[3] = nnd_fully_connected_layer(7, NND_SIGMOID, 0.5);
    L[4] = nnd_softmax_layer(4, 0.0);
    net = make(100, L, 5, &rng);
    fill(&rng, x, 700, 0, 1);
    feedforward_m(net, x, 7, o1);
    text = nnd_write(net, &len, &err);
    CHECK(text != NULL, "nnd_write: %s", err.message);
    back = text ? nnd_parse(text, len, &err) : NULL;
    CHECK(back != NULL, "nnd_parse: %s", err.message);
    if (back) {
        feedforward_m(back, x, 7, o2);
        CHECK(!memcmp(o1, o2, sizeof o1), "predictions after write/parse are bit-identical");
        CHECK(nnd_weight(back, 0, 2, 5) == nnd_weight(net, 0, 2, 5), "a filter weight survives");
        nnd_free(back);
    }
    if (nnd_save(net, path, &err) == NND_OK) {
        back = nnd_load(path, &err);
        CHECK(back != NULL, "nnd_load: %s", err.message);
        if (back) {
            feedforward_m(back, x, 7, o2);
            CHECK(!memcmp(o1, o2, sizeof o1), "predictions after save/load are bit-identical");
            nnd_free(back);
        }
        remove(path);
    } else {
        CHECK(0, "nnd_save: %s", err.message);
    }
    /* corrupt files: each is rejected with NND_ERR_FORMAT and a message */
    if (text) {
        static const char *const bad[][2] = {
            {"\"version\": 1", "\"version\": 2"},
            {"\"type\": \"conv_pool\"", "\"type\": \"convpool\""},
            {"\"activation\": \"relu\"", "\"activation\": \"elu\""},
            {"\"input\": [1, 10, 10]", "\"input\": [2, 10, 10]"},
            {"\"filters\": 4", "\"filters\": 5"},
            {"\"format\": \"nnd\"", "\"format\": \"nnx\""},
            {"\"weights\": [", "\"weights\": [1e999, "},
            {"\"p_dropout\": 0.5", "\"p_dropout\": 1.5"},
            {"\"version\": 1", "\"version\": 1, \"version\": 1"},      /* duplicate keys */
            {"\"type\": \"conv_pool\"", "\"type\": \"conv_pool\", \"type\": \"dense\""},
            {"\"filters\": 4", "\"filters\": 4, \"neurons\": 4"},
            {"\"format\": \"nnd\"", "\"format\": \"nn\\uZZZZ\""},     /* a \u escape that is not hex */
            {"\"input\": [1, 10, 10]", "\"input\": [1, 3, 3]"},        /* layer 0 does not fit */
        };
        size_t t;
        for (t = 0; t < sizeof bad / sizeof bad[0]; ++t) {
            const char *at = strstr(text, bad[t][0]);
            char *copy;
            size_t n0, n1;
            nnd_net *b;
            CHECK(at != NULL, "corrupt case %d: pattern %s present", (int)t, bad[t][0]);
            if (!at) continue;
            n0 = strlen(bad[t][0]);
            n1 = strlen(bad[t][1]);
            copy = (char *)malloc(len + n1 + 1);
            memcpy(copy, text, (size_t)(at - text));
            memcpy(copy + (at - text), bad[t][1], n1);
            strcpy(copy + (at - text) + n1, at + n0);
            b = nnd_parse(copy, strlen(copy), &err);
            CHECK(b == NULL && err.status == NND_ERR_FORMAT && err.message[0],
                  "corrupt case %d (%s) rejected", (int)t, bad[t][1]);
            nnd_free(b);
            free(copy);
        }
        /* truncated anywhere */
        for (t = 1; t < len; t += len / 13 + 1) {
            nnd_net *b = nnd_parse(text, t, &err);
            CHECK(b == NULL && err.status == NND_ERR_FORMAT, "truncated at %d of %d rejected", (int)t,
                  (int)len);
            nnd_free(b);
        }
        /* a weight list one short names the layer and field */
        {
            char *copy = (char *)malloc(len + 1);
            char *w = copy ? strstr(strcpy(copy, text), "\"weights\": [") : NULL;
            nnd_net *b;
            if (w) {
                char *comma = strchr(w, ',');
                memmove(w + 12, comma + 1, strlen(comma + 1) + 1); /* drop the first number */
                b = nnd_parse(copy, strlen(copy), &err);
                CHECK(b == NULL && err.line > 0 && strstr(err.message, "layers[0].weights"),
                      "short weight list: \"%s\"", err.message);
                nnd_free(b);
            }
            free(copy);
        }
        nnd_free_text(text);
    }
    CHECK(nnd_load("build/no/such/file.json", &err) == NULL && err.status == NND_ERR_IO,
          "a missing file is an I/O error");
    nnd_free(net);
}

static void expand_and_vote(void)
{
    /* one 3x3 image with labels: the four shifts of expand_mnist */
    unsigned char img[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int label = 4, i, st;
    nnd_data d;
    nnd_dataset ex;
    memset(&d, 0, sizeof d);
    d.n = 1;
    d.n_in = 9;
    d.x8 = img;
    d.x8_scale = 1;
    d.labels = &label;
    st = nnd_expand_mnist(&d, 3, 3, NULL, &ex);
    CHECK(st == NND_OK && ex.data.n == 5, "expand: 5 images from 1");
    if (st == NND_OK) {
        static const unsigned char want[5][9] = {{1, 2, 3, 4, 5, 6, 7, 8, 9},
                                                 {0, 0, 0, 1, 2, 3, 4, 5, 6},  /* down */
                                                 {4, 5, 6, 7, 8, 9, 0, 0, 0},  /* up */
                                                 {0, 1, 2, 0, 4, 5, 0, 7, 8},  /* right */
                                                 {2, 3, 0, 5, 6, 0, 8, 9, 0}}; /* left */
        CHECK(!memcmp(ex.x8, want, 45), "expand: original, down, up, right, left with zero fill");
        for (i = 0; i < 5; ++i) CHECK(ex.labels[i] == 4, "expand: labels copied");
        nnd_dataset_free(&ex);
    }
    {
        nnd_real in[25], out[25];
        nnd_rng rng;
        double m0 = 0, m1 = 0;
        nnd_rng_seed(&rng, 5);
        fill(&rng, in, 25, 0, 1);
        in[0] = in[4] = in[20] = in[24] = 0;
        nnd_transform_image(in, out, 5, 5, 0, 0, 0);
        CHECK(!memcmp(in, out, sizeof in), "transform: identity is exact");
        nnd_transform_image(in, out, 5, 5, 0, 1, 0);
        CHECK(out[0] == 0 && out[1] == in[0] && out[7] == in[6], "transform: shift right by 1");
        nnd_transform_image(in, out, 5, 5, 90, 0, 0);
        for (i = 0; i < 25; ++i) {
            m0 += in[i];
            m1 += out[i];
        }
        CHECK(fabs(m0 - m1) < 1e-5 * m0, "transform: a 90 degree turn keeps the ink");
    }
    {
        /* nets that always answer a given class: zero weights, one-hot biases */
        nnd_layer_spec L[1];
        nnd_net *nets[3];
        static const int choice[3][3] = {{2, 5, 5}, {2, 5, 7}, {1, 1, 1}};
        nnd_real x[2 * 4] = {0};
        int labels[2] = {5, 0}, pred[2] = {-1, -1}, wrong[2] = {-1, -1}, correct = -1, n_wrong = -1, c;
        L[0] = nnd_softmax_layer(10, 0.0);
        for (c = 0; c < 3; ++c) {
            int j;
            for (j = 0; j < 3; ++j) {
                nets[j] = nnd_net_create(4, L, 1, NND_LOG_LIKELIHOOD, &st);
                nnd_biases(nets[j], 0)[choice[c][j]] = 1;
            }
            memset(&d, 0, sizeof d);
            d.n = 2;
            d.n_in = 4;
            d.x = x;
            d.labels = labels;
            st = nnd_ensemble_vote(nets, 3, &d, pred, &correct, wrong, &n_wrong);
            CHECK(st == NND_OK, "vote: status");
            if (c == 0) CHECK(pred[0] == 5 && correct == 1 && n_wrong == 1 && wrong[0] == 1, "vote: 2,5,5 -> 5");
            if (c == 1) CHECK(pred[0] == 2, "vote: a three-way tie goes to the first net's class (got %d)", pred[0]);
            if (c == 2) CHECK(pred[1] == 1 && correct == 0 && n_wrong == 2, "vote: unanimous");
            d.labels = NULL;
            CHECK(nnd_ensemble_vote(nets, 3, &d, pred, &correct, NULL, NULL) == NND_ERR_ARG,
                  "vote: counting the correct ones needs labels");
            for (j = 0; j < 3; ++j) nnd_free(nets[j]);
        }
    }
    {
        /* the vote from saved predictions: 3 nets (rows) x 4 examples */
        static const int votes[3 * 4] = {2, 2, 9, 4, /* net 0 */
                                         5, 2, 1, 4, /* net 1 */
                                         5, 3, 7, 0}; /* net 2 */
        static const int labels[4] = {5, 3, 7, 4};
        int bad[3 * 4], pred[4] = {-1, -1, -1, -1}, wrong[4] = {-1, -1, -1, -1}, correct = -1, n_wrong = -1;
        st = nnd_vote(votes, 3, 4, 10, labels, pred, &correct, wrong, &n_wrong);
        CHECK(st == NND_OK, "nnd_vote: status %d", st);
        CHECK(pred[0] == 5 && pred[1] == 2 && pred[3] == 4, "nnd_vote: majorities (%d %d %d)", pred[0], pred[1],
              pred[3]);
        CHECK(pred[2] == 9, "nnd_vote: a three-way tie goes to the first net's class (got %d)", pred[2]);
        CHECK(correct == 2 && n_wrong == 2 && wrong[0] == 1 && wrong[1] == 2, "nnd_vote: %d correct, %d wrong",
              correct, n_wrong);
        memcpy(bad, votes, sizeof bad);
        bad[7] = 10;
        pred[0] = -1;
        CHECK(nnd_vote(bad, 3, 4, 10, labels, pred, NULL, NULL, NULL) == NND_ERR_SHAPE && pred[0] == -1,
              "nnd_vote: a class out of range is refused before anything is written");
        CHECK(nnd_vote(votes, 3, 4, 10, NULL, pred, &correct, NULL, NULL) == NND_ERR_ARG,
              "nnd_vote: counting needs labels");
    }
}

/* network3's SGD on a tiny problem: the best epoch bookkeeping, accuracy that
   counts every example, L2 per mini-batch count. */
static void sgd3(void)
{
    nnd_rng rng;
    nnd_layer_spec L[3];
    nnd_net *net;
    nnd_real x[37 * 36];
    int labels[37], i, c;
    nnd_data tr;
    nnd_sgd_options o;
    nnd_history h;
    nnd_rng_seed(&rng, 11);
    for (i = 0; i < 37; ++i) {
        labels[i] = i % 3;
        fill(&rng, x + i * 36, 36, 0, 0.3);
        x[i * 36 + 7 + 10 * labels[i]] = 1; /* a bright pixel says the class */
    }
    memset(&tr, 0, sizeof tr);
    tr.n = 37;
    tr.n_in = 36;
    tr.x = x;
    tr.labels = labels;
    L[0] = nnd_conv_pool_layer(4, 3, 3, 2, 2, NND_RELU);
    L[1] = nnd_fully_connected_layer(10, NND_RELU, 0.0);
    L[2] = nnd_softmax_layer(3, 0.0);
    net = nnd_net_create(36, L, 3, NND_LOG_LIKELIHOOD, &i);
    nnd_network3_initializer(net, &rng, 1);
    o = nnd_network3_options(8, 10, 0.1, &tr, &tr, 0.1);
    CHECK(nnd_sgd(net, &tr, &o, &h) == NND_OK, "network3 SGD runs");
    CHECK(h.epochs == 8 && h.best_epoch >= 0 && h.best_test_accuracy >= 0, "best epoch recorded");
    CHECK(h.best_iteration == (h.best_epoch + 1) * 4 - 1, "iteration = 4 mini-batches per epoch");
    {
        int pred[37], count = 0;
        nnd_accuracy(net, &tr, &c);
        nnd_predict(net, &tr, pred);
        for (i = 0; i < 37; ++i) count += pred[i] == labels[i];
        CHECK(c == count && c > 12, "accuracy counts all 37 examples (%d correct, %d by hand)", c, count);
    }
    for (i = 0; i < h.epochs; ++i)
        if (h.evaluation_accuracy[i] == h.best_evaluation_accuracy && i > h.best_epoch)
            CHECK(0, "ties count as a new best (network3's >=)");
    nnd_history_free(&h);
    nnd_free(net);
}

int main(void)
{
    gradient_checks();
    softmax_delta();
    lenet5();
    save_load();
    expand_and_vote();
    sgd3();
    return check_summary();
}
