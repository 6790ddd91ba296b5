/* The reference path (NND_REFERENCE, nnd.h section 5) as the oracle of the
   fast one. The same source is built twice:

     test_reference --write FILE        default build: runs every case below
                                        through the kernels and saves all its
                                        numbers to FILE
     test_reference_ref --compare FILE  built with -DNND_REFERENCE: runs the
                                        same cases through the plain loops
                                        and checks each number against FILE

   (make test builds both, float and double; tests/run.sh runs the pairs.
   Either option works in either build: two fast builds compare too.)
   Every case is a small net, run with batches of m = 1, 7 and 10 examples:
   nnd_feedforward's outputs; nnd_backprop's gradient and cost in train mode
   (dropout seed fixed), and for the dropout nets also in evaluation mode;
   the parameters after one nnd_sgd step over the whole batch with L2, with
   L1, and with L2 and momentum (each from the same start). The 18 nets
   (build) cover every layer kind (dense, softmax, conv, pool, conv-pool),
   activation (sigmoid, tanh, ReLU, linear, softmax) and cost (quadratic,
   cross-entropy, log-likelihood), dropout, a LeNet-style stack, network2
   nets on sparse MNIST-like bytes (mostly zero, pixel/256: the fast build
   takes them through its sparse lists and fused steps), and conv and
   conv-pool nets on integers, whose maps hold exact ties, and a layer
   whose weights exceed the cache share (the fast build takes its BP2, its
   weight gradient and its plain SGD step in one pass).

   A number a from FILE and b recomputed agree when
       |a - b| <= TOL (1 + |a|),   float TOL = 3e-5, double TOL = 1e-12.
   The two paths add the same terms in different orders (the reference in
   double), so they differ by rounding only: the largest |a - b| / (1 + |a|)
   seen (gcc and clang, -O1 to -O3) is 7.7e-7 in float and 1.6e-15 in
   double, 40 and 600 times inside TOL, but for the large layer's case
   (gcc -O2): 2.0e-6 and 2.9e-15, 15 and 350 times inside. A wrong term is off by far more:
   BP3 without its sum over the batch, or a pooled Delta routed to the last
   maximum of its block instead of the first, fails groups by 6e-3 and up.

   FILE is text: a line "nnd-test-reference 1 float|double", then per group
   a line "ID COUNT" and COUNT numbers, one per line, with enough digits to
   read back exactly. Each group is one check, printed as tests/check.h's
   CHECK_AT_MOST lines (its worst |a - b| / (1 + |a|) against TOL). */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define TOL 1e-12
#define DIGITS 17
#define PRECISION "double"
#else
#define TOL 3e-5
#define DIGITS 9
#define PRECISION "float"
#endif

enum { MAX_M = 10, N_CASES = 18 };

static FILE *io;
static int writing;
static double largest_rel, largest_abs; /* over every number compared */
static char largest_at[256];

/* One group of numbers: saved (--write) or checked against the file. */
static void group(const char *id, const double *v, size_t n)
{
    char got[128] = "";
    unsigned long count = 0;
    size_t i, worst_i = 0;
    double worst = 0, a = 0, worst_a = 0;
    if (writing) {
        fprintf(io, "%s %lu\n", id, (unsigned long)n);
        for (i = 0; i < n; ++i) fprintf(io, "%.*g\n", DIGITS, v[i]);
        CHECK(!ferror(io), "%s: write failed", id);
        return;
    }
    if (fscanf(io, "%127s %lu", got, &count) != 2 || strcmp(got, id) != 0 ||
        count != n) {
        CHECK(0, "%s: the file has %s with %lu numbers here (written by another version?)", id,
              got, count);
        fseek(io, 0, SEEK_END);
        return;
    }
    for (i = 0; i < n; ++i) {
        double e, d;
        if (fscanf(io, "%lf", &a) != 1) {
            CHECK(0, "%s: the file ends after %lu numbers", id, (unsigned long)i);
            return;
        }
        d = fabs(a - v[i]);
        e = d / (1 + fabs(a));
        if (worst == worst && !(e <= worst)) { /* a NaN is the worst, and stays it */
            worst = e;
            worst_i = i;
            worst_a = a;
        }
        if (e > largest_rel) {
            largest_rel = e;
            snprintf(largest_at, sizeof largest_at, "%s[%lu]: file %.*g, now %.*g", id,
                     (unsigned long)i, DIGITS, a, DIGITS, v[i]);
        }
        if (d > largest_abs) largest_abs = d;
    }
    if (!(worst <= TOL))
        printf("  worst: %s[%lu]: file %.*g, now %.*g\n", id, (unsigned long)worst_i, DIGITS, worst_a,
               DIGITS, v[worst_i]);
    CHECK_AT_MOST(id, worst, TOL);
}

static void group_real(const char *id, const nnd_real *v, size_t n)
{
    double *d = (double *)malloc((n ? n : 1) * sizeof *d);
    size_t i;
    for (i = 0; i < n; ++i) d[i] = v[i];
    group(id, d, n);
    free(d);
}

/* Case c: its net (parameters from nnd_default_weight_initializer), name,
   the fraction of zero inputs (> 0: MNIST-like bytes / 256), whether the
   cost reads real targets y (else labels), and whether the inputs are the
   integers 0, 1, 2 (ints; the first layer's parameters are then -1, 0, 1,
   so that its maps hold exact ties between patches that differ, which
   only the first maximum's rule decides). */
static nnd_net *build(int c, const char **name, double *zeros, int *use_y, int *ints)
{
    static const int n2a[] = {100, 20, 10}, n2b[] = {64, 16, 12, 8};
    nnd_layer_spec L[6];
    nnd_cost cost = NND_LOG_LIKELIHOOD;
    nnd_net *net = NULL;
    nnd_rng rng;
    int n = 2, n_in = 0, st;
    *zeros = 0;
    *use_y = *ints = 0;
    switch (c) {
    case 0:
        *name = "network2 [100,20,10] cross-entropy, sparse bytes, labels";
        *zeros = 0.8;
        net = nnd_network2(n2a, 3, NND_CROSS_ENTROPY, NULL, &st);
        break;
    case 1:
        *name = "network2 [64,16,12,8] quadratic, sparse bytes, targets";
        *zeros = 0.75;
        *use_y = 1;
        net = nnd_network2(n2b, 4, NND_QUADRATIC, NULL, &st);
        break;
    case 2:
        *name = "dense tanh -> linear, quadratic, targets";
        n_in = 12;
        L[0] = nnd_dense_layer(15, NND_TANH, 0.0);
        L[1] = nnd_dense_layer(5, NND_LINEAR, 0.0);
        cost = NND_QUADRATIC;
        *use_y = 1;
        break;
    case 3:
        *name = "dense relu -> sigmoid, cross-entropy, targets";
        n_in = 20;
        L[0] = nnd_dense_layer(24, NND_RELU, 0.0);
        L[1] = nnd_dense_layer(6, NND_SIGMOID, 0.0);
        cost = NND_CROSS_ENTROPY;
        *use_y = 1;
        break;
    case 4:
        *name = "dense sigmoid -> softmax, log-likelihood";
        n_in = 30;
        L[0] = nnd_dense_layer(17, NND_SIGMOID, 0.0);
        L[1] = nnd_softmax_layer(7, 0.0);
        break;
    case 5:
        *name = "dropout: fc(tanh, p .3) -> fc(relu, p .5) -> softmax(p .25)";
        n_in = 36;
        n = 3;
        L[0] = nnd_fully_connected_layer(20, NND_TANH, 0.3);
        L[1] = nnd_fully_connected_layer(14, NND_RELU, 0.5);
        L[2] = nnd_softmax_layer(6, 0.25);
        break;
    case 6:
        *name = "conv(sigmoid) 4 of 3x3 on 8x8 -> softmax";
        n_in = 64;
        L[0] = nnd_conv_layer(4, 3, 3, NND_SIGMOID);
        L[1] = nnd_softmax_layer(5, 0.0);
        break;
    case 7:
        *name = "conv(linear) on 2x7x7 -> pool 2x3 -> dense sigmoid, quadratic, targets";
        n_in = 98;
        n = 3;
        L[0] = nnd_conv_layer(3, 2, 2, NND_LINEAR);
        L[0].image_c = 2;
        L[0].image_h = L[0].image_w = 7;
        L[1] = nnd_pool_layer(2, 3);
        L[2] = nnd_dense_layer(4, NND_SIGMOID, 0.0);
        cost = NND_QUADRATIC;
        *use_y = 1;
        break;
    case 8:
        *name = "conv-pool(sigmoid) 3 of 3x3, pool 2x2, on 10x10 -> softmax";
        n_in = 100;
        L[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_SIGMOID);
        L[1] = nnd_softmax_layer(10, 0.0);
        break;
    case 9:
        *name = "conv-pool(relu) x2 on 3x10x10 -> fc(relu) -> softmax";
        n_in = 300;
        n = 4;
        L[0] = nnd_conv_pool_layer(5, 3, 3, 2, 2, NND_RELU);
        L[0].image_c = 3;
        L[0].image_h = L[0].image_w = 10;
        L[1] = nnd_conv_pool_layer(4, 2, 2, 1, 1, NND_RELU);
        L[2] = nnd_fully_connected_layer(10, NND_RELU, 0.0);
        L[3] = nnd_softmax_layer(4, 0.0);
        break;
    case 10:
        *name = "conv-pool(relu) 4 of 5x5, pool 2x2, on sparse 12x12 bytes -> softmax";
        n_in = 144;
        *zeros = 0.7;
        L[0] = nnd_conv_pool_layer(4, 5, 5, 2, 2, NND_RELU);
        L[1] = nnd_softmax_layer(10, 0.0);
        break;
    case 12:
        *name = "conv-pool(linear) on integers: exact ties -> dense sigmoid, quadratic";
        n_in = 64;
        *ints = *use_y = 1;
        L[0] = nnd_conv_pool_layer(3, 2, 2, 2, 2, NND_LINEAR);
        L[1] = nnd_dense_layer(5, NND_SIGMOID, 0.0);
        cost = NND_QUADRATIC;
        break;
    case 13:
        *name = "conv(linear) on integers: exact ties -> pool 2x2 -> softmax";
        n_in = 64;
        n = 3;
        *ints = 1;
        L[0] = nnd_conv_layer(3, 2, 2, NND_LINEAR);
        L[1] = nnd_pool_layer(2, 2);
        L[2] = nnd_softmax_layer(4, 0.0);
        break;
    case 14: /* filters as wide as one or more vectors: the direct conv-pool path */
        *name = "conv-pool(relu) 20 of 3x3 on 2x9x9 -> conv-pool(tanh) 40 of 2x2, pool 1x2 -> softmax";
        n_in = 162;
        n = 3;
        L[0] = nnd_conv_pool_layer(20, 3, 3, 2, 2, NND_RELU);
        L[0].image_c = 2;
        L[0].image_h = L[0].image_w = 9;
        L[1] = nnd_conv_pool_layer(40, 2, 2, 1, 2, NND_TANH);
        L[2] = nnd_softmax_layer(6, 0.0);
        break;
    case 15:
        *name = "conv-pool(linear) 17 of 2x2, pool 2x1, on integers: exact ties -> softmax";
        n_in = 64;
        *ints = 1;
        L[0] = nnd_conv_pool_layer(17, 2, 2, 2, 1, NND_LINEAR);
        L[1] = nnd_softmax_layer(5, 0.0);
        break;
    case 17: /* weights beyond the cache share (nnd__large): plain SGD fuses BP2, BP4 and the step */
        *name = "fc(sigmoid) 300 -> fc(relu, p .2) 250 (a large layer) -> softmax";
        n_in = 30;
        n = 3;
        L[0] = nnd_fully_connected_layer(300, NND_SIGMOID, 0.0);
        L[1] = nnd_fully_connected_layer(250, NND_RELU, 0.2);
        L[2] = nnd_softmax_layer(5, 0.0);
        break;
    case 16: /* a pooling window of nine: im2col and nnd__maxpool */
        *name = "conv-pool(sigmoid) 3 of 3x3, pool 2x2 -> conv-pool(relu) 18 of 2x2, pool 3x3 -> softmax";
        n_in = 256;
        n = 3;
        L[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_SIGMOID);
        L[1] = nnd_conv_pool_layer(18, 2, 2, 3, 3, NND_RELU);
        L[2] = nnd_softmax_layer(4, 0.0);
        break;
    default:
        *name = "LeNet: conv(relu) -> pool -> conv(tanh) -> pool -> fc(sigmoid, p .2) -> softmax";
        n_in = 144;
        n = 6;
        L[0] = nnd_conv_layer(6, 3, 3, NND_RELU);
        L[1] = nnd_pool_layer(2, 2);
        L[2] = nnd_conv_layer(8, 2, 2, NND_TANH);
        L[3] = nnd_pool_layer(2, 2);
        L[4] = nnd_fully_connected_layer(12, NND_SIGMOID, 0.2);
        L[5] = nnd_softmax_layer(10, 0.0);
        break;
    }
    if (!net) net = nnd_net_create(n_in, L, n, cost, &st);
    CHECK(net != NULL, "case %d: create: %s", c, nnd_strerror(st));
    if (!net) return NULL;
    nnd_rng_seed(&rng, 1000 + (uint64_t)c);
    nnd_default_weight_initializer(net, &rng);
    if (*ints) {
        nnd_layer_desc d = nnd_layer_info(net, 0);
        size_t q;
        for (q = 0; q < d.n_weights + d.n_biases; ++q)
            nnd_params(net)[d.weight_offset + q] = (nnd_real)((int)nnd_rng_below(&rng, 3) - 1);
    }
    return net;
}

static int has_dropout(const nnd_net *net)
{
    int l;
    for (l = 0; l < nnd_num_layers(net); ++l)
        if (nnd_layer_info(net, l).p_dropout > 0) return 1;
    return 0;
}

static void run_case(int c)
{
    static const int ms[3] = {1, 7, 10};
    const char *name = "";
    double zeros, cost = 0;
    int use_y, ints, n_in, n_out, i, k, mi, v;
    nnd_net *net = build(c, &name, &zeros, &use_y, &ints);
    size_t np;
    nnd_real *x, *y, *g, *out, *start;
    unsigned char *x8;
    int labels[MAX_M];
    char id[64];
    nnd_rng rng;
    if (!net) return;
    printf("case %d: %s\n", c, name);
    n_in = nnd_input_size(net);
    n_out = nnd_output_size(net);
    np = nnd_param_count(net);
    x = (nnd_real *)malloc(sizeof *x * MAX_M * n_in);
    x8 = (unsigned char *)malloc((size_t)MAX_M * n_in);
    y = (nnd_real *)malloc(sizeof *y * MAX_M * n_out);
    out = (nnd_real *)malloc(sizeof *out * MAX_M * n_out);
    g = (nnd_real *)malloc(sizeof *g * np);
    start = (nnd_real *)malloc(sizeof *start * np);
    memcpy(start, nnd_params(net), sizeof *start * np);
    nnd_rng_seed(&rng, 2000 + (uint64_t)c);
    for (i = 0; i < MAX_M * n_in; ++i) { /* bytes / 256 when sparse, else uniform [0, 1) */
        x8[i] = nnd_rng_uniform(&rng) < zeros ? 0 : (unsigned char)(1 + nnd_rng_below(&rng, 255));
        x[i] = zeros > 0 ? (nnd_real)(x8[i] / 256.0) : (nnd_real)nnd_rng_uniform(&rng);
        if (ints) x[i] = (nnd_real)nnd_rng_below(&rng, 3);
    }
    for (i = 0; i < MAX_M; ++i) labels[i] = (int)nnd_rng_below(&rng, (uint32_t)n_out);
    for (i = 0; i < MAX_M * n_out; ++i) y[i] = (nnd_real)(0.05 + 0.9 * nnd_rng_uniform(&rng));
    for (mi = 0; mi < 3; ++mi) {
        const int m = ms[mi];
        nnd_data d;
        CHECK(feedforward_m(net, x, m, out) == NND_OK, "case %d: feedforward", c);
        sprintf(id, "c%02d/m%d/feedforward", c, m);
        group_real(id, out, (size_t)m * n_out);
        for (k = 0; k < 1 + has_dropout(net); ++k) { /* train mode, then evaluation */
            nnd_set_train_mode(net, k == 0);
            nnd_set_dropout_seed(net, 77);
            CHECK(backprop_m(net, x, use_y ? y : NULL, labels, m, g, &cost) == NND_OK,
                  "case %d: backprop", c);
            sprintf(id, "c%02d/m%d/gradient%s", c, m, k ? "-evaluation" : "");
            group_real(id, g, np);
            sprintf(id, "c%02d/m%d/cost%s", c, m, k ? "-evaluation" : "");
            group(id, &cost, 1);
        }
        nnd_set_train_mode(net, 0);
        memset(&d, 0, sizeof d);
        d.n = m;
        d.n_in = n_in;
        if (zeros > 0) { /* network2's MNIST: the bytes themselves */
            d.x8 = x8;
            d.x8_scale = (nnd_real)(1.0 / 256);
        } else {
            d.x = x;
        }
        if (use_y) {
            d.y = y;
            d.n_y = n_out;
        } else {
            d.labels = labels;
        }
        for (v = 0; v < 3; ++v) { /* one step: L2, L1, L2 with momentum */
            static const char *what[3] = {"sgd-l2", "sgd-l1", "sgd-momentum"};
            nnd_sgd_options o = nnd_sgd_defaults();
            o.epochs = 1;
            o.mini_batch_size = m;
            o.eta = 0.5;
            o.lmbda = 0.3;
            o.regularization = v == 1 ? NND_L1 : NND_L2;
            o.momentum = v == 2 ? 0.9 : 0.0;
            memcpy(nnd_params(net), start, sizeof *start * np);
            nnd_set_dropout_seed(net, 78);
            CHECK(nnd_sgd(net, &d, &o, NULL) == NND_OK, "case %d: sgd", c);
            sprintf(id, "c%02d/m%d/%s", c, m, what[v]);
            group_real(id, nnd_params(net), np);
        }
        memcpy(nnd_params(net), start, sizeof *start * np);
    }
    free(x);
    free(x8);
    free(y);
    free(out);
    free(g);
    free(start);
    nnd_free(net);
}

int main(int argc, char **argv)
{
    char head[64] = "", prec[16] = "";
    int version = 0, c;
    if (argc != 3 || (strcmp(argv[1], "--write") != 0 && strcmp(argv[1], "--compare") != 0)) {
        fprintf(stderr, "usage: %s --write FILE | --compare FILE\n", argv[0]);
        return 2;
    }
    writing = strcmp(argv[1], "--write") == 0;
    io = fopen(argv[2], writing ? "w" : "r");
    CHECK(io != NULL, "cannot open %s", argv[2]);
    if (!io) return check_summary();
    printf("%s %s (%s path) %s\n", writing ? "writing" : "comparing with", argv[2],
           NND__REFERENCE ? "reference" : "fast", PRECISION);
    if (writing) {
        fprintf(io, "nnd-test-reference 1 %s\n", PRECISION);
    } else if (fscanf(io, "%63s %d %15s", head, &version, prec) != 3 ||
               strcmp(head, "nnd-test-reference") != 0 || version != 1 ||
               strcmp(prec, PRECISION) != 0) {
        CHECK(0, "%s is not a " PRECISION " file of this test (%s %d %s)", argv[2], head, version,
              prec);
        fclose(io);
        return check_summary();
    }
    for (c = 0; c < N_CASES; ++c) run_case(c);
    if (writing) CHECK(fclose(io) == 0, "closing %s", argv[2]);
    else {
        fclose(io);
        printf("largest difference: %.3g absolute, %.3g relative (tolerance %g) at %s\n",
               largest_abs, largest_rel, TOL, largest_at);
    }
    return check_summary();
}
