/* Chapter 6 - deep learning: network3's layers, checked.

   Checks (ids of exercises/README.md):
     ch6-prob1   backprop through conv -> max-pool -> softmax: finite differences
     ch6-ex1     conv-pool -> softmax without the fully connected layer (a
                 short run; the full one is build/network3 --preset omit-fc)
     ch6-prob2   tanh against sigmoid in the convolutional network (short;
                 the full run with its curves is build/ex_ch6_tanh)
     ch6-prob3   conv maps are shift-equivariant, max-pool + softmax are not;
                 shifted test images with and without expanded training data
     ch6-prob4   early stopping in the network3-style trainer
     ch6-prob5   accuracy on any data set, every example counted
     ch6-prob6   a learning rate that depends on the epoch
     ch6-prob7   on-the-fly rotations and shifts (nnd_transform_image,
                 nnd_sgd_options.augment_*)
     ch6-prob8   saving and loading network3-style networks (nnd_save/nnd_load)
     ch6-prob9   overfitting diagnostics: the train/validation gap, weight norms
     ch6-prob10  an all-ReLU network is positively homogeneous of degree L-1
     ch6-prob11  unstable gradients in ReLU chains and networks
     ch6-claim-params    parameter counts and map sizes of the chapter's layers
     ch6-claim-init      network3's N(0, 1/n_out) against the corrected 1/n_in
     ch6-claim-dropout   network3's dropout: (1-p) scaling at evaluation
     ch6-claim-ensemble  plurality vote of several networks (conv.py ensemble)

   MNIST from data/mnist (make data); run from the repository root. The
   training runs are short (a few thousand images, one or two epochs): they
   show the effect, they do not reproduce the book's 60-epoch accuracies.
   Build: cc -std=c99 -O2 exercises/ch6.c -o ch6 -lm  (add -DNND_DOUBLE). */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "../tests/check.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define REL 1e-12
#define FD_H 1e-4
#define FD_BOUND 1e-6
#define FD_FLOOR 1e-3
#define FD_AGG 1e-8
#else
#define FD_AGG 4e-3 /* measured noise ~9e-4; a 1% error in the layer's gradient gives ~1e-2 */
#define FD_FLOOR 1e-2
#define REL 1e-5
#define FD_H 3e-4 /* small: a larger step can flip a pooling argmax */
#define FD_BOUND 5e-2 /* float: the quotient divides ~1e-7 rounding by h */
#endif

static nnd_mnist mnist;
static int have_mnist;

static nnd_net *create(int n_in, const nnd_layer_spec *spec, int n, nnd_cost cost)
{
    int st;
    nnd_net *net = nnd_net_create(n_in, spec, n, cost, &st);
    if (!net) {
        printf("FAIL nnd_net_create: %s\n", nnd_strerror(st));
        exit(1);
    }
    return net;
}

/* MNIST images as reals: n examples of d starting at first. */
static nnd_real *images(const nnd_data *d, int first, int n)
{
    nnd_real *x = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)n * 784);
    size_t i;
    for (i = 0; i < (size_t)n * 784; ++i) x[i] = d->x8[(size_t)first * 784 + i] * d->x8_scale;
    return x;
}

static int accuracy(nnd_net *net, const nnd_data *d)
{
    int c = -1;
    nnd_accuracy(net, d, &c);
    return c;
}

static int no_mnist(const char *id)
{
    if (have_mnist) return 0;
    printf("FAIL %s: MNIST not found in data/mnist (make data; run from the repo root)\n", id);
    ++check_failed;
    return 1;
}

/* ----------------------------------------------------------- ch6-prob1 */

/* Every parameter's backprop gradient against the fourth-order central
   difference of the batch cost, (-C(w+2h) + 8C(w+h) - 8C(w-h) + C(w-2h))/12h;
   the worst relative error, components below FD_FLOOR of the largest
   measured against that level (as tests/test_gradients.c does).
   *agg gets ||fd - bp|| / ||bp|| over the first layer's parameters (the
   convolution's filters and biases): in float the per-component noise of
   the quotient averages out there, so a 1% error in the layer's gradient
   still shows. */
static double fd_worst(nnd_net *net, const nnd_real *x, const int *labels, int m, double *agg)
{
    size_t n = nnd_param_count(net), p, n0;
    nnd_real *g = (nnd_real *)malloc(n * sizeof *g);
    double gmax = 0, worst = 0, d2 = 0, g2 = 0;
    nnd_layer_desc d0 = nnd_layer_info(net, 0);
    n0 = d0.n_weights + d0.n_biases; /* the first layer: weights then biases */
    nnd_backprop(net, x, NULL, labels, m, g, NULL);
    for (p = 0; p < n; ++p) gmax = fmax(gmax, fabs((double)g[p]));
    for (p = 0; p < n; ++p) {
        const double fd = fd_slope(net, x, NULL, labels, m, p, FD_H);
        worst = fmax(worst, fabs(fd - (double)g[p]) / fmax(fabs(fd) + fabs((double)g[p]), FD_FLOOR * gmax));
        if (p >= d0.weight_offset && p < d0.weight_offset + n0) {
            d2 += (fd - (double)g[p]) * (fd - (double)g[p]);
            g2 += (double)g[p] * g[p];
        }
    }
    *agg = g2 > 0 ? sqrt(d2 / g2) : 1e9;
    free(g);
    return gmax > 0 ? worst : 1e9; /* a zero gradient proves nothing */
}

static void ch6_prob1(void)
{
    /* 1 x 8 x 8 images -> 2 filters of 3 x 3 -> 6 x 6 maps -> 2 x 2 max-pool
       -> 2 x 3 x 3 -> softmax over 4 classes, log-likelihood */
    nnd_layer_spec spec[2];
    nnd_net *net;
    nnd_rng rng;
    nnd_real x[5 * 64];
    int labels[5] = {0, 1, 2, 3, 1}, i, f;
    double agg = 0;
    size_t p;
    spec[0] = nnd_conv_pool_layer(2, 3, 3, 2, 2, NND_TANH);
    spec[0].image_c = 1;
    spec[0].image_h = 8;
    spec[0].image_w = 8;
    spec[1] = nnd_softmax_layer(4, 0.0);
    for (f = 0; f < 2; ++f) {
        /* f = 0: a conv-pool layer; f = 1: the same as separate conv and pool
           layers (tanh is monotone, so they compute the same function) */
        nnd_layer_spec s3[3];
        nnd_rng_seed(&rng, 61);
        if (f == 0) net = create(64, spec, 2, NND_LOG_LIKELIHOOD);
        else {
            s3[0] = nnd_conv_layer(2, 3, 3, NND_TANH);
            s3[0].image_c = 1;
            s3[0].image_h = 8;
            s3[0].image_w = 8;
            s3[1] = nnd_pool_layer(2, 2);
            s3[2] = nnd_softmax_layer(4, 0.0);
            net = create(64, s3, 3, NND_LOG_LIKELIHOOD);
        }
        /* conv parameters in [-1/2, 1/2), softmax ones in [-2, 2): larger
           gradients reaching the filters, above the float quotient's noise */
        for (p = 0; p < nnd_param_count(net); ++p)
            nnd_params(net)[p] = (nnd_real)((nnd_rng_uniform(&rng) - 0.5) *
                                            (p >= nnd_layer_info(net, nnd_num_layers(net) - 1).weight_offset ? 4 : 1));
        /* continuous random pixels: no ties inside a pooling window */
        for (i = 0; i < 5 * 64; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
        CHECK_CLOSE("ch6-prob1", fd_worst(net, x, labels, 5, &agg), 0, FD_BOUND);
        CHECK_CLOSE("ch6-prob1", agg, 0, FD_AGG);
        nnd_free(net);
    }
}

/* ------------------------------------------------- shared training runs */

/* network3's conv net with one ConvPool(20 filters 5x5, pool 2x2, f) and an
   optional FC(100, f) before Softmax(10), initialised like network3. */
static nnd_net *conv_net(nnd_activation f, int fc, uint64_t seed)
{
    nnd_layer_spec spec[3];
    nnd_rng rng;
    int n = 0;
    nnd_net *net;
    spec[n++] = nnd_conv_pool_layer(20, 5, 5, 2, 2, f);
    if (fc) spec[n++] = nnd_fully_connected_layer(100, f, 0.0);
    spec[n++] = nnd_softmax_layer(10, 0.0);
    net = create(784, spec, n, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, seed);
    nnd_network3_initializer(net, &rng, 1);
    return net;
}

/* network3's SGD: epochs over training, mini-batch 10, no L2, fixed order. */
static void train3(nnd_net *net, const nnd_data *training, int epochs, double eta)
{
    nnd_sgd_options o = nnd_network3_options(epochs, 10, eta, NULL, NULL, 0.0);
    int st = nnd_sgd(net, training, &o, NULL);
    if (st != NND_OK) printf("FAIL nnd_sgd: %s\n", nnd_strerror(st));
}

/* ------------------------------------------------------------- ch6-ex1 */

static void ch6_ex1(void)
{
    nnd_data tr, va;
    nnd_net *net;
    int c;
    if (no_mnist("ch6-ex1")) return;
    tr = nnd_data_slice(&mnist.training, 0, 3000);
    va = nnd_data_slice(&mnist.validation, 0, 2000);
    net = conv_net(NND_SIGMOID, 0, 1);
    train3(net, &tr, 1, 0.1);
    c = accuracy(net, &va);
    nnd_free(net);
    printf("  ConvPool(20,5x5,sigmoid) -> Softmax(2880 -> 10), 3000 images, 1 epoch, eta 0.1: "
           "%.2f%% of 2000 validation images (book, with the FC layer, 60 epochs: 98.78%%)\n",
           c / 20.0);
    CHECK_AT_LEAST("ch6-ex1", c / 20.0, 70.0); /* far above chance (10%) */
}

/* ------------------------------------------------------------ ch6-prob2 */

static void ch6_prob2(void)
{
    nnd_data tr, va;
    nnd_net *net;
    int cs, ct;
    if (no_mnist("ch6-prob2")) return;
    tr = nnd_data_slice(&mnist.training, 0, 2000);
    va = nnd_data_slice(&mnist.validation, 0, 2000);
    net = conv_net(NND_SIGMOID, 0, 2);
    train3(net, &tr, 1, 0.1);
    cs = accuracy(net, &va);
    nnd_free(net);
    net = conv_net(NND_TANH, 0, 2);
    train3(net, &tr, 1, 0.1);
    ct = accuracy(net, &va);
    nnd_free(net);
    printf("  ConvPool -> Softmax after 2000 images (eta 0.1): sigmoid %.2f%%, tanh %.2f%%\n", cs / 20.0,
           ct / 20.0);
    CHECK_AT_LEAST("ch6-prob2", cs / 20.0, 50.0);
    CHECK_AT_LEAST("ch6-prob2", ct / 20.0, 50.0);
    /* the early lead of tanh (its slope at 0 is 1, sigmoid's 1/4) */
    CHECK_AT_LEAST("ch6-prob2", ct - cs, 0);
}

/* ------------------------------------------------------------ ch6-prob3 */

/* Shift a 28 x 28 image by (dx, dy) pixels with zero fill. */
static void shift_image(const nnd_real *in, nnd_real *out, int dx, int dy)
{
    int r, c;
    for (r = 0; r < 28; ++r)
        for (c = 0; c < 28; ++c) {
            int sr = r - dy, sc = c - dx;
            out[r * 28 + c] = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? in[sr * 28 + sc] : 0;
        }
}

static void ch6_prob3(void)
{
    /* (a) equivariance: a conv layer's maps of an image shifted right by one
       pixel are the maps of the image shifted right by one, exactly, where
       both are defined (the valid interior) */
    nnd_layer_spec spec[2];
    nnd_net *net;
    nnd_rng rng;
    nnd_real *img, *sh, *o1, *o2;
    int f, r, c, i;
    double worst = 0, pool_diff = 0;
    if (no_mnist("ch6-prob3")) return;
    spec[0] = nnd_conv_layer(3, 5, 5, NND_LINEAR);
    spec[1] = nnd_softmax_layer(10, 0.0);
    net = create(784, spec, 2, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, 3);
    nnd_network3_initializer(net, &rng, 1);
    img = images(&mnist.test, 0, 1);
    sh = (nnd_real *)malloc(sizeof(nnd_real) * 784);
    shift_image(img, sh, 1, 0);
    {
        /* read the conv maps through a network that stops at the conv layer */
        nnd_layer_spec one = nnd_conv_layer(3, 5, 5, NND_LINEAR);
        nnd_net *c1;
        int st;
        c1 = nnd_net_create(784, &one, 1, NND_QUADRATIC, &st);
        if (!c1) {
            printf("FAIL ch6-prob3: a conv-only network: %s\n", nnd_strerror(st));
            ++check_failed;
            nnd_free(net);
            free(img);
            free(sh);
            return;
        }
        memcpy(nnd_params(c1), nnd_params(net), sizeof(nnd_real) * nnd_param_count(c1));
        o1 = (nnd_real *)malloc(sizeof(nnd_real) * nnd_output_size(c1));
        o2 = (nnd_real *)malloc(sizeof(nnd_real) * nnd_output_size(c1));
        nnd_feedforward(c1, img, 1, o1);
        nnd_feedforward(c1, sh, 1, o2);
        /* 3 maps of 24 x 24, stored HWC: (f, r, c) at (r w + c) C + f */
        {
            nnd_layer_desc d = nnd_layer_info(c1, 0);
            for (f = 0; f < d.out_c; ++f)
                for (r = 0; r < d.out_h; ++r)
                    for (c = 1; c < d.out_w; ++c) {
                        /* map value (f, r, c) of the shifted image = (f, r, c-1)
                           of the original */
                        size_t a, b;
                        a = ((size_t)r * d.out_w + c) * d.out_c + f;
                        b = ((size_t)r * d.out_w + c - 1) * d.out_c + f;
                        worst = fmax(worst, fabs((double)o2[a] - (double)o1[b]));
                    }
        }
        nnd_free(c1);
        free(o1);
        free(o2);
    }
    CHECK_CLOSE("ch6-prob3", worst, 0, REL);
    nnd_free(net);

    /* (b) after a 2 x 2 max-pool the shifted image's maps are not a shift of
       the original's: pooling is invariant only to shifts within its window */
    spec[0] = nnd_conv_pool_layer(3, 5, 5, 2, 2, NND_LINEAR);
    {
        nnd_net *cp;
        int st;
        cp = nnd_net_create(784, spec, 1, NND_QUADRATIC, &st);
        if (cp) {
            nnd_layer_desc d = nnd_layer_info(cp, 0);
            nnd_rng_seed(&rng, 3);
            nnd_network3_initializer(cp, &rng, 1);
            o1 = (nnd_real *)malloc(sizeof(nnd_real) * nnd_output_size(cp));
            o2 = (nnd_real *)malloc(sizeof(nnd_real) * nnd_output_size(cp));
            nnd_feedforward(cp, img, 1, o1);
            nnd_feedforward(cp, sh, 1, o2);
            for (i = 0; i < d.out_c * d.out_h * d.out_w; ++i)
                pool_diff = fmax(pool_diff, fabs((double)o2[i] - (double)o1[i]));
            nnd_free(cp);
            free(o1);
            free(o2);
        }
    }
    printf("  after max-pool, max |maps(shifted) - maps| = %.4f (not invariant)\n", pool_diff);
    CHECK_AT_LEAST("ch6-prob3", pool_diff, 0.01);
    free(img);
    free(sh);

    /* (c) accuracy on test images shifted by one pixel, for a conv net
       trained on 1000 images and one trained on their expansion (5000) */
    {
        nnd_data src = nnd_data_slice(&mnist.training, 0, 1000), te;
        nnd_dataset ex;
        nnd_real *tx = images(&mnist.test, 0, 2000), *ts = (nnd_real *)malloc(sizeof(nnd_real) * 2000 * 784);
        nnd_data plain, shifted;
        int a[3][2], k, st;
        for (i = 0; i < 2000; ++i) {
            static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
            shift_image(tx + (size_t)i * 784, ts + (size_t)i * 784, dx[i % 4], dy[i % 4]);
        }
        plain = labelled(tx, mnist.test.labels, 2000, 784);
        shifted = labelled(ts, mnist.test.labels, 2000, 784);
        nnd_rng_seed(&rng, 33);
        st = nnd_expand_mnist(&src, 28, 28, &rng, &ex);
        if (st != NND_OK) {
            printf("FAIL ch6-prob3: nnd_expand_mnist: %s\n", nnd_strerror(st));
            ++check_failed;
        } else {
            /* k = 0: 1000 images once; 1: the same 5 times (as many steps
               as 2); 2: the 5000 of the expansion once */
            for (k = 0; k < 3; ++k) {
                net = conv_net(NND_RELU, 0, 4);
                te = k < 2 ? src : ex.data;
                train3(net, &te, k == 1 ? 5 : 1, 0.03);
                a[k][0] = accuracy(net, &plain);
                a[k][1] = accuracy(net, &shifted);
                nnd_free(net);
            }
            printf("  test / shifted test: 1000 images x 1 epoch %.2f%% / %.2f%%, x 5 epochs "
                   "%.2f%% / %.2f%%; expanded to 5000, 1 epoch %.2f%% / %.2f%%\n",
                   a[0][0] / 20.0, a[0][1] / 20.0, a[1][0] / 20.0, a[1][1] / 20.0, a[2][0] / 20.0,
                   a[2][1] / 20.0);
            CHECK_CLOSE("ch6-prob3", ex.data.n, 5000, 0);
            /* the shifted copies teach more than the same number of steps on
               the originals: the net is not shift-invariant by itself */
            CHECK_AT_LEAST("ch6-prob3", a[2][1] - a[1][1], 40); /* 2 points of 2000 */
            nnd_dataset_free(&ex);
        }
        free(tx);
        free(ts);
    }
}

/* ------------------------------------------------------------ ch6-prob4 */

typedef struct run_log {
    int n, acc[64], best[64], test[64], recount[64];
    nnd_net *net;
    const nnd_data *test_set;
    double b[64];
} run_log;

static int log_epoch(const nnd_epoch *e, void *user)
{
    run_log *L = (run_log *)user;
    if (L->n < 64) {
        L->acc[L->n] = e->evaluation_accuracy;
        L->best[L->n] = e->best;
        L->test[L->n] = e->test_accuracy;
        L->recount[L->n] = L->test_set && e->best ? accuracy(L->net, L->test_set) : -1;
        L->b[L->n] = (double)nnd_biases(L->net, nnd_num_layers(L->net) - 1)[0];
        ++L->n;
    }
    return 0;
}

/* A small network3-style classifier: [784 -> 30 sigmoid -> softmax 10]. */
static nnd_net *small_net(uint64_t seed, double p_dropout)
{
    nnd_layer_spec spec[2];
    nnd_rng rng;
    nnd_net *net;
    spec[0] = nnd_fully_connected_layer(30, NND_SIGMOID, 0.0);
    spec[1] = nnd_softmax_layer(10, p_dropout);
    net = create(784, spec, 2, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, seed);
    nnd_network3_initializer(net, &rng, 1);
    return net;
}

static void ch6_prob4(void)
{
    /* (a) the rule on a fixed stream of accuracies (as ch3-prob12): with
       patience 3 the run stops after the 3rd epoch that fails to beat 70 */
    static const double stream[8] = {50, 60, 70, 70, 65, 69, 70, 68};
    nnd_plateau p;
    int e, stop = -1, replay_stop = -1;
    nnd_data tr, va;
    nnd_sgd_options o;
    nnd_history h;
    run_log L;
    nnd_net *net;
    nnd_plateau_init(&p, 3, 0);
    for (e = 0; e < 8 && stop < 0; ++e)
        if (nnd_plateau_update(&p, stream[e]) == NND_STOP) stop = e;
    CHECK_CLOSE("ch6-prob4", stop, 5, 0);
    if (no_mnist("ch6-prob4")) return;
    /* (b) the network3 trainer with early stopping: it must stop exactly
       where the rule, replayed on its own logged accuracies, says */
    tr = nnd_data_slice(&mnist.training, 0, 500);
    va = nnd_data_slice(&mnist.validation, 0, 500);
    net = small_net(5, 0.0);
    o = nnd_network3_options(40, 10, 0.5, &va, NULL, 0.0);
    o.early_stopping_patience = 3;
    memset(&L, 0, sizeof L);
    L.net = net;
    o.on_epoch = log_epoch;
    o.user = &L;
    nnd_sgd(net, &tr, &o, &h);
    nnd_plateau_init(&p, 3, 0);
    for (e = 0; e < L.n && replay_stop < 0; ++e)
        if (nnd_plateau_update(&p, L.acc[e]) == NND_STOP) replay_stop = e;
    printf("  network3 trainer, patience 3: stopped after %d epochs (of 40)\n", h.epochs);
    CHECK(h.stopped_early == 1, "ch6-prob4: the run was not stopped early");
    CHECK_CLOSE("ch6-prob4", h.epochs, replay_stop + 1, 0);
    nnd_history_free(&h);
    nnd_free(net);
}

/* ------------------------------------------------------------ ch6-prob5 */

static void ch6_prob5(void)
{
    /* a test set of 1001 examples with mini-batches of 10: network3 would
       count 1000; the accuracy the trainer reports at each best epoch must
       equal nnd_accuracy on all 1001, recounted at that moment */
    nnd_data tr, va, te;
    nnd_sgd_options o;
    nnd_history h;
    run_log L;
    nnd_net *net;
    int e, agree = 0, bests = 0, *pred, i, byhand = 0;
    if (no_mnist("ch6-prob5")) return;
    tr = nnd_data_slice(&mnist.training, 0, 1000);
    va = nnd_data_slice(&mnist.validation, 0, 1000);
    te = nnd_data_slice(&mnist.test, 0, 1001);
    net = small_net(6, 0.0);
    o = nnd_network3_options(4, 10, 0.5, &va, &te, 0.0);
    memset(&L, 0, sizeof L);
    L.net = net;
    L.test_set = &te;
    o.on_epoch = log_epoch;
    o.user = &L;
    nnd_sgd(net, &tr, &o, &h);
    for (e = 0; e < L.n; ++e)
        if (L.best[e]) {
            ++bests;
            agree += L.test[e] == L.recount[e];
        }
    CHECK_CLOSE("ch6-prob5", agree, bests, 0);
    CHECK_AT_LEAST("ch6-prob5", bests, 1);
    /* nnd_accuracy counts every example: compare with nnd_predict by hand */
    pred = (int *)malloc(sizeof(int) * 1001);
    nnd_predict(net, &te, pred);
    for (i = 0; i < 1001; ++i) byhand += pred[i] == te.labels[i];
    CHECK_CLOSE("ch6-prob5", accuracy(net, &te), byhand, 0);
    free(pred);
    nnd_history_free(&h);
    nnd_free(net);
}

/* ------------------------------------------------------------ ch6-prob6 */

static double halving(int epoch, double eta0, void *user)
{
    (void)user;
    return eta0 * pow(0.5, epoch);
}

static void ch6_prob6(void)
{
    /* one parameter: a linear output neuron with only a bias that matters
       (input 0), quadratic cost, target 1. One example per epoch, so each
       epoch is one step b <- b - eta_e (b - 1); the observed change of b must
       follow eta_e = eta0 0.5^e */
    nnd_layer_spec spec[1];
    nnd_net *net;
    nnd_real x[1] = {0}, y[1] = {1};
    nnd_data d;
    nnd_sgd_options o = nnd_sgd_defaults();
    run_log L;
    double prev, worst = 0;
    int e;
    spec[0] = nnd_dense_layer(1, NND_LINEAR, 0.0);
    net = create(1, spec, 1, NND_QUADRATIC);
    nnd_biases(net, 0)[0] = 5;
    memset(&d, 0, sizeof d);
    d.n = 1;
    d.n_in = 1;
    d.x = x;
    d.y = y;
    d.n_y = 1;
    o.epochs = 10;
    o.mini_batch_size = 1;
    o.eta = 0.8;
    o.eta_schedule = halving;
    memset(&L, 0, sizeof L);
    L.net = net;
    o.on_epoch = log_epoch;
    o.user = &L;
    nnd_sgd(net, &d, &o, NULL);
    prev = 5;
    for (e = 0; e < L.n; ++e) {
        double eta_seen = (prev - L.b[e]) / (prev - 1);
        worst = fmax(worst, fabs(eta_seen - 0.8 * pow(0.5, e)) / (0.8 * pow(0.5, e)));
        prev = L.b[e];
    }
    CHECK_CLOSE("ch6-prob6", L.n, 10, 0);
    CHECK_CLOSE("ch6-prob6", worst, 0, REL * 100);
    nnd_free(net);
}

/* ------------------------------------------------------------ ch6-prob7 */

static void ch6_prob7(void)
{
    nnd_real *img, *out, *tmp;
    nnd_dataset ex;
    nnd_data src;
    double worst_id = 0, worst_rot0 = 0, worst_shift = 0, mass_lo = 1e9, mass_hi = 0;
    int i, k, sign;
    if (no_mnist("ch6-prob7")) return;
    img = images(&mnist.test, 0, 100);
    out = (nnd_real *)malloc(sizeof(nnd_real) * 784);
    tmp = (nnd_real *)malloc(sizeof(nnd_real) * 784);
    src = nnd_data_slice(&mnist.test, 0, 100);
    if (nnd_expand_mnist(&src, 28, 28, NULL, &ex) != NND_OK) {
        printf("FAIL ch6-prob7: nnd_expand_mnist\n");
        ++check_failed;
        free(img);
        free(out);
        free(tmp);
        return;
    }
    for (i = 0; i < 100; ++i) {
        const nnd_real *im = img + (size_t)i * 784;
        double m0 = 0;
        nnd_transform_image(im, out, 28, 28, 0, 0, 0);
        for (k = 0; k < 784; ++k) worst_id = fmax(worst_id, fabs((double)out[k] - (double)im[k]));
        nnd_transform_image(im, out, 28, 28, 0.0, 1, 0); /* one pixel right */
        for (k = 0; k < 784; ++k) {
            /* expand_mnist order per image: original, down, up, right, left */
            double e = ex.data.x8[((size_t)5 * i + 3) * 784 + k] * ex.data.x8_scale;
            worst_shift = fmax(worst_shift, fabs((double)out[k] - e));
        }
        nnd_transform_image(im, out, 28, 28, -0.0, 0, 0);
        for (k = 0; k < 784; ++k) worst_rot0 = fmax(worst_rot0, fabs((double)out[k] - (double)im[k]));
        for (k = 0; k < 784; ++k) m0 += im[k];
        for (sign = -1; sign <= 1; sign += 2) {
            double m1 = 0;
            nnd_transform_image(im, out, 28, 28, 15.0 * sign, 0, 0);
            for (k = 0; k < 784; ++k) m1 += out[k];
            mass_lo = fmin(mass_lo, m1 / m0);
            mass_hi = fmax(mass_hi, m1 / m0);
        }
    }
    nnd_dataset_free(&ex);
    CHECK_CLOSE("ch6-prob7", worst_id, 0, 0);    /* bit for bit */
    CHECK_CLOSE("ch6-prob7", worst_rot0, 0, 0);  /* rotation by 0 */
    CHECK_CLOSE("ch6-prob7", worst_shift, 0, 0); /* = expand_mnist's shift */
    printf("  ink mass after +-15 degrees: %.3f .. %.3f of the original\n", mass_lo, mass_hi);
    CHECK_AT_LEAST("ch6-prob7", mass_lo, 0.85);
    CHECK_AT_MOST("ch6-prob7", mass_hi, 1.15);
    free(img);
    free(out);
    free(tmp);

    /* the gain: the same conv net (ConvPool(20, 5x5, ReLU) -> Softmax) trained
       on 2000 images for 2 epochs, with and without on-the-fly rotations
       (<= 10 deg) and shifts (<= 1 px), scored on 2000 test images, plain and
       moved (rotated by up to 10 deg and shifted by up to a pixel). The
       library augments networks whose first layer takes one-channel images
       (a conv or pool layer), so this is a conv net. */
    {
        nnd_data tr = nnd_data_slice(&mnist.training, 0, 2000), te = nnd_data_slice(&mnist.test, 0, 2000);
        nnd_real *tx = images(&mnist.test, 0, 2000), *tt = (nnd_real *)malloc(sizeof(nnd_real) * 2000 * 784);
        nnd_data moved;
        nnd_rng rng, trng;
        int acc[2][2], a, st;
        nnd_rng_seed(&trng, 77);
        for (i = 0; i < 2000; ++i)
            nnd_transform_image(tx + (size_t)i * 784, tt + (size_t)i * 784, 28, 28,
                                20 * nnd_rng_uniform(&trng) - 10, (int)nnd_rng_below(&trng, 3) - 1,
                                (int)nnd_rng_below(&trng, 3) - 1);
        moved = labelled(tt, mnist.test.labels, 2000, 784);
        for (a = 0; a < 2; ++a) {
            nnd_net *net = conv_net(NND_RELU, 0, 7);
            nnd_sgd_options o = nnd_network3_options(2, 10, 0.03, NULL, NULL, 0.0);
            nnd_rng_seed(&rng, 7);
            o.rng = &rng;
            if (a) {
                o.augment_rotate = 10;
                o.augment_shift = 1;
            }
            st = nnd_sgd(net, &tr, &o, NULL);
            if (st != NND_OK) printf("FAIL ch6-prob7: nnd_sgd: %s\n", nnd_strerror(st));
            acc[a][0] = accuracy(net, &te);
            acc[a][1] = accuracy(net, &moved);
            nnd_free(net);
        }
        printf("  2000 images x 2 epochs: plain training %.2f%% (test), %.2f%% (moved test); "
               "augmented %.2f%%, %.2f%%\n",
               acc[0][0] / 20.0, acc[0][1] / 20.0, acc[1][0] / 20.0, acc[1][1] / 20.0);
        CHECK_AT_LEAST("ch6-prob7", acc[1][0] / 20.0, 75.0);
        CHECK_AT_LEAST("ch6-prob7", acc[1][1] - acc[0][1], 10); /* the gain on moved digits (of 2000) */
        free(tx);
        free(tt);
    }
}

/* ------------------------------------------------------------ ch6-prob8 */

static void ch6_prob8(void)
{
    nnd_layer_spec spec[3];
    nnd_net *net, *back;
    nnd_rng rng;
    nnd_error err;
    nnd_real *x, *o1, *o2;
    size_t len;
    char *text;
    int i, same = 1;
    const char *path = "build/ch6_prob8.json";
    spec[0] = nnd_conv_pool_layer(4, 5, 5, 2, 2, NND_RELU);
    spec[1] = nnd_fully_connected_layer(20, NND_TANH, 0.5);
    spec[2] = nnd_softmax_layer(10, 0.5);
    net = create(784, spec, 3, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, 8);
    nnd_network3_initializer(net, &rng, 1);
    for (i = 0; i < 10; ++i) nnd_biases(net, 2)[i] = (nnd_real)nnd_rng_normal(&rng);
    {
        size_t p, off = nnd_layer_info(net, 2).weight_offset, n = nnd_layer_info(net, 2).n_weights;
        for (p = 0; p < n; ++p) nnd_params(net)[off + p] = (nnd_real)(0.1 * nnd_rng_normal(&rng));
    }
    x = (nnd_real *)malloc(sizeof(nnd_real) * 200 * 784);
    for (i = 0; i < 200 * 784; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    o1 = (nnd_real *)malloc(sizeof(nnd_real) * 200 * 10);
    o2 = (nnd_real *)malloc(sizeof(nnd_real) * 200 * 10);
    nnd_feedforward(net, x, 200, o1);
    if (nnd_save(net, path, &err) != NND_OK) {
        /* build/ may not exist when run by hand elsewhere: use the cwd */
        path = "ch6_prob8.json";
        nnd_save(net, path, &err);
    }
    back = nnd_load(path, &err);
    if (!back) {
        printf("FAIL ch6-prob8: nnd_load: %s\n", err.message);
        ++check_failed;
    } else {
        nnd_feedforward(back, x, 200, o2);
        same = memcmp(o1, o2, sizeof(nnd_real) * 200 * 10) == 0;
        CHECK_CLOSE("ch6-prob8", same, 1, 0); /* bit for bit */
        nnd_free(back);
    }
    remove(path);
    /* a truncated text and one whose shapes disagree are refused */
    text = nnd_write(net, &len, &err);
    back = text ? nnd_parse(text, len / 2, &err) : NULL;
    CHECK(text && !back && err.status != NND_OK, "ch6-prob8: a truncated file was accepted");
    CHECK_CLOSE("ch6-prob8", back == NULL && err.status == NND_ERR_FORMAT, 1, 0);
    if (back) nnd_free(back);
    if (text) {
        char *p = strstr(text, "\"filters\"");
        if (p) {
            /* 4 filters -> 5: the weights no longer fit */
            char *q = p + strlen("\"filters\"");
            while (*q && (*q < '0' || *q > '9')) ++q;
            if (*q == '4') *q = '5';
        }
        back = nnd_parse(text, len, &err);
        printf("  wrong shape -> %s\n", back ? "accepted" : err.message);
        CHECK_CLOSE("ch6-prob8", back == NULL && err.status != NND_OK, 1, 0);
        if (back) nnd_free(back);
        nnd_free_text(text);
    }
    free(x);
    free(o1);
    free(o2);
    nnd_free(net);
}

/* ------------------------------------------------------------ ch6-prob9 */

static double weight_norm(nnd_net *net, int l)
{
    nnd_layer_desc d = nnd_layer_info(net, l);
    const nnd_real *w = nnd_params(net) + d.weight_offset;
    double s = 0;
    size_t i;
    for (i = 0; i < d.n_weights; ++i) s += (double)w[i] * w[i];
    return sqrt(s);
}

static void ch6_prob9(void)
{
    /* overfitting made visible: 1000 training images, 10 epochs; per epoch
       training and validation accuracy and their gap, and per-layer weight
       norms at the end. Then the same with dropout on the hidden layer's
       output (the softmax layer's input, p = 0.5). */
    nnd_data tr, va;
    int k, e;
    double gap[2] = {0, 0};
    if (no_mnist("ch6-prob9")) return;
    tr = nnd_data_slice(&mnist.training, 0, 1000);
    va = nnd_data_slice(&mnist.validation, 0, 2000);
    for (k = 0; k < 2; ++k) {
        nnd_layer_spec spec[2];
        nnd_net *net;
        nnd_rng rng;
        nnd_sgd_options o = nnd_sgd_defaults();
        nnd_history h;
        int ok = 1;
        spec[0] = nnd_fully_connected_layer(100, NND_RELU, 0.0);
        spec[1] = nnd_softmax_layer(10, k ? 0.5 : 0.0);
        net = create(784, spec, 2, NND_LOG_LIKELIHOOD);
        nnd_rng_seed(&rng, 9);
        nnd_network3_initializer(net, &rng, 1);
        o.epochs = 10;
        o.mini_batch_size = 10;
        o.eta = 0.1;
        o.rng = &rng;
        o.evaluation_data = &va;
        o.monitor_evaluation_accuracy = 1;
        o.monitor_training_accuracy = 1;
        nnd_sgd(net, &tr, &o, &h);
        printf("  %s: epoch, train %%, validation %%, gap:", k ? "dropout 0.5" : "no dropout ");
        for (e = 0; e < h.epochs; ++e) {
            double g = h.training_accuracy[e] / 10.0 - h.evaluation_accuracy[e] / 20.0;
            if (e % 3 == 0 || e == h.epochs - 1)
                printf(" [%d %.1f %.1f %.1f]", e, h.training_accuracy[e] / 10.0,
                       h.evaluation_accuracy[e] / 20.0, g);
        }
        printf("; |w| per layer %.2f %.2f\n", weight_norm(net, 0), weight_norm(net, 1));
        /* the logged accuracies are what nnd_accuracy says now */
        ok = h.training_accuracy[h.epochs - 1] == accuracy(net, &tr) &&
             h.evaluation_accuracy[h.epochs - 1] == accuracy(net, &va);
        CHECK_CLOSE("ch6-prob9", ok, 1, 0);
        gap[k] = h.training_accuracy[h.epochs - 1] / 10.0 - h.evaluation_accuracy[h.epochs - 1] / 20.0;
        nnd_history_free(&h);
        nnd_free(net);
    }
    CHECK_AT_LEAST("ch6-prob9", gap[0], 5.0); /* 1000 images: it overfits */
    CHECK_AT_MOST("ch6-prob9", gap[1], gap[0]); /* dropout narrows the gap */
}

/* ----------------------------------------------------------- ch6-prob10 */

static void ch6_prob10(void)
{
    /* a bias-free all-ReLU [10, 8, 8, 3] (L = 4 layers counting the input):
       scaling every weight by c scales the output by c^3 */
    static const double cs[3] = {0.5, 2, 10};
    nnd_layer_spec spec[3];
    nnd_net *net, *sm;
    nnd_rng rng;
    nnd_real x[20 * 10], o1[20 * 3], o2[20 * 3];
    size_t p, n;
    int i, k, argmax_same = 1;
    double worst = 0, pmax1 = 0, pmax10 = 0, biased = 0;
    for (k = 0; k < 3; ++k) spec[k] = nnd_dense_layer(k < 2 ? 8 : 3, NND_RELU, 0.0);
    net = create(10, spec, 3, NND_QUADRATIC);
    nnd_rng_seed(&rng, 10);
    nnd_default_weight_initializer(net, &rng);
    for (k = 0; k < 3; ++k) memset(nnd_biases(net, k), 0, sizeof(nnd_real) * (k < 2 ? 8 : 3));
    n = nnd_param_count(net);
    for (i = 0; i < 200; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    nnd_feedforward(net, x, 20, o1);
    for (k = 0; k < 3; ++k) {
        nnd_real *keep = (nnd_real *)malloc(n * sizeof *keep);
        double c = cs[k];
        memcpy(keep, nnd_params(net), n * sizeof *keep);
        for (p = 0; p < n; ++p) nnd_params(net)[p] = (nnd_real)(keep[p] * c);
        nnd_feedforward(net, x, 20, o2);
        for (i = 0; i < 60; ++i)
            worst = fmax(worst, fabs((double)o2[i] - c * c * c * (double)o1[i]) /
                                    fmax(1e-30, c * c * c * fabs((double)o1[i])));
        memcpy(nnd_params(net), keep, n * sizeof *keep);
        free(keep);
    }
    CHECK_CLOSE("ch6-prob10", worst, 0, 10 * REL);
    /* with biases the scaling fails unless layer l's biases get c^l */
    {
        double c = 2;
        nnd_real *keep = (nnd_real *)malloc(n * sizeof *keep), scaled_ok = 0;
        for (k = 0; k < 3; ++k)
            for (i = 0; i < (k < 2 ? 8 : 3); ++i) nnd_biases(net, k)[i] = (nnd_real)(0.3 * nnd_rng_normal(&rng));
        nnd_feedforward(net, x, 20, o1);
        memcpy(keep, nnd_params(net), n * sizeof *keep);
        for (k = 0; k < 3; ++k) {
            nnd_layer_desc d = nnd_layer_info(net, k);
            for (p = 0; p < d.n_weights; ++p) nnd_params(net)[d.weight_offset + p] *= (nnd_real)c;
        }
        nnd_feedforward(net, x, 20, o2);
        for (i = 0; i < 60; ++i) biased = fmax(biased, fabs((double)o2[i] - c * c * c * (double)o1[i]));
        for (k = 0; k < 3; ++k) {
            nnd_layer_desc d = nnd_layer_info(net, k);
            for (p = 0; p < d.n_biases; ++p) nnd_params(net)[d.bias_offset + p] *= (nnd_real)pow(c, k + 1);
        }
        nnd_feedforward(net, x, 20, o2);
        for (i = 0; i < 60; ++i)
            scaled_ok = (nnd_real)fmax(scaled_ok, fabs((double)o2[i] - c * c * c * (double)o1[i]) /
                                                      fmax(1e-6, c * c * c * fabs((double)o1[i])));
        printf("  with biases: max |f_cW - c^3 f_W| = %.3g; biases of layer l scaled by c^l: rel. %.2g\n",
               biased, (double)scaled_ok);
        CHECK_AT_LEAST("ch6-prob10", biased, 1e-3);
        CHECK_CLOSE("ch6-prob10", scaled_ok, 0, 10 * REL);
        free(keep);
    }
    nnd_free(net);
    /* softmax on top: c acts as an inverse temperature */
    spec[2] = nnd_softmax_layer(3, 0.0);
    sm = create(10, spec, 3, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, 10);
    nnd_default_weight_initializer(sm, &rng);
    for (k = 0; k < 3; ++k) memset(nnd_biases(sm, k), 0, sizeof(nnd_real) * (k < 2 ? 8 : 3));
    for (p = 0; p < nnd_param_count(sm); ++p) nnd_params(sm)[p] = (nnd_real)(nnd_rng_normal(&rng) * 0.5);
    for (k = 0; k < 3; ++k) memset(nnd_biases(sm, k), 0, sizeof(nnd_real) * (k < 2 ? 8 : 3));
    nnd_feedforward(sm, x, 20, o1);
    for (p = 0; p < nnd_param_count(sm); ++p) nnd_params(sm)[p] *= 10;
    nnd_feedforward(sm, x, 20, o2);
    for (i = 0; i < 20; ++i) {
        int a1 = 0, a2 = 0;
        for (k = 1; k < 3; ++k) {
            if (o1[i * 3 + k] > o1[i * 3 + a1]) a1 = k;
            if (o2[i * 3 + k] > o2[i * 3 + a2]) a2 = k;
        }
        argmax_same &= a1 == a2;
        pmax1 += o1[i * 3 + a1] / 20.0;
        pmax10 += o2[i * 3 + a2] / 20.0;
    }
    printf("  softmax output: mean max probability %.3f (c = 1), %.3f (c = 10)\n", pmax1, pmax10);
    CHECK_CLOSE("ch6-prob10", argmax_same, 1, 0);
    CHECK_AT_LEAST("ch6-prob10", pmax10, pmax1);
    nnd_free(sm);

    /* initialisation for ReLU: the mean square activation through 10 bias-free
       ReLU layers of 200 falls by ~1/2 per layer with N(0, 1/n_in); N(0, 2/n_in)
       (He et al.) keeps it */
    {
        nnd_layer_spec deep[10];
        nnd_real *in = (nnd_real *)malloc(sizeof(nnd_real) * 100 * 200), *out = (nnd_real *)malloc(sizeof(nnd_real) * 100 * 200);
        double ms_in = 0, ms_out, factor[2];
        int h;
        for (k = 0; k < 10; ++k) deep[k] = nnd_dense_layer(200, NND_RELU, 0.0);
        for (i = 0; i < 100 * 200; ++i) {
            in[i] = (nnd_real)nnd_rng_normal(&rng);
            ms_in += (double)in[i] * in[i] / (100 * 200);
        }
        for (h = 0; h < 2; ++h) {
            net = create(200, deep, 10, NND_QUADRATIC);
            nnd_rng_seed(&rng, 100);
            nnd_default_weight_initializer(net, &rng);
            for (k = 0; k < 10; ++k) {
                nnd_layer_desc d = nnd_layer_info(net, k);
                memset(nnd_params(net) + d.bias_offset, 0, d.n_biases * sizeof(nnd_real));
                if (h)
                    for (p = 0; p < d.n_weights; ++p) nnd_params(net)[d.weight_offset + p] *= (nnd_real)sqrt(2.0);
            }
            nnd_feedforward(net, in, 100, out);
            ms_out = 0;
            for (i = 0; i < 100 * 200; ++i) ms_out += (double)out[i] * out[i] / (100 * 200);
            factor[h] = pow(ms_out / ms_in, 0.1);
            nnd_free(net);
        }
        printf("  per-layer factor of the mean square activation: %.3f (N(0,1/n_in)), %.3f (N(0,2/n_in))\n",
               factor[0], factor[1]);
        CHECK_CLOSE("ch6-prob10", factor[0], 0.5, 0.1);
        CHECK_CLOSE("ch6-prob10", factor[1], 1.0, 0.2);
        free(in);
        free(out);
    }
}

/* ----------------------------------------------------------- ch6-prob11 */

static void relu_chain(double w, double *ratio)
{
    /* 10 ReLU neurons in a chain, positive biases so every unit is active */
    nnd_layer_spec spec[10];
    nnd_net *net;
    nnd_real x[1] = {0.5}, y[1] = {0}, *g;
    int j;
    for (j = 0; j < 10; ++j) spec[j] = nnd_dense_layer(1, NND_RELU, 0.0);
    net = create(1, spec, 10, NND_QUADRATIC);
    for (j = 0; j < 10; ++j) {
        nnd_set_weight(net, j, 0, 0, w);
        nnd_biases(net, j)[0] = (nnd_real)0.1;
    }
    g = (nnd_real *)malloc(sizeof(nnd_real) * nnd_param_count(net));
    nnd_backprop(net, x, y, NULL, 1, g, NULL);
    *ratio = (double)g[nnd_layer_info(net, 0).bias_offset] / (double)g[nnd_layer_info(net, 9).bias_offset];
    free(g);
    nnd_free(net);
}

static void ch6_prob11(void)
{
    double r;
    relu_chain(1.5, &r);
    CHECK_CLOSE("ch6-prob11", r / pow(1.5, 9), 1, REL * 100);
    relu_chain(0.5, &r);
    CHECK_CLOSE("ch6-prob11", r / pow(0.5, 9), 1, REL * 100);
    /* the speed of learning per hidden layer at initialisation (section 5's
       measurement), ReLU against sigmoid, for [784,30,30,30,30,10] with a
       softmax output, over 1000 training images, mean of 10 draws */
    if (no_mnist("ch6-prob11")) return;
    {
        nnd_real *x = images(&mnist.training, 0, 1000);
        double speed[2][4] = {{0}};
        int a, s, l, j;
        for (a = 0; a < 2; ++a)
            for (s = 1; s <= 10; ++s) {
                nnd_layer_spec spec[5];
                nnd_net *net;
                nnd_rng rng;
                nnd_real *g;
                for (l = 0; l < 4; ++l) spec[l] = nnd_dense_layer(30, a ? NND_RELU : NND_SIGMOID, 0.0);
                spec[4] = nnd_softmax_layer(10, 0.0);
                net = create(784, spec, 5, NND_LOG_LIKELIHOOD);
                nnd_rng_seed(&rng, (uint64_t)s);
                nnd_default_weight_initializer(net, &rng);
                g = (nnd_real *)malloc(sizeof(nnd_real) * nnd_param_count(net));
                nnd_backprop(net, x, NULL, mnist.training.labels, 1000, g, NULL);
                for (l = 0; l < 4; ++l) {
                    nnd_layer_desc d = nnd_layer_info(net, l);
                    double q = 0;
                    for (j = 0; j < 30; ++j) q += pow((double)g[d.bias_offset + j] / 1000, 2);
                    speed[a][l] += sqrt(q) / 10;
                }
                free(g);
                nnd_free(net);
            }
        printf("  ||dC/db^l||, layers 1..4: sigmoid %.4f %.4f %.4f %.4f; ReLU %.4f %.4f %.4f %.4f\n",
               speed[0][0], speed[0][1], speed[0][2], speed[0][3], speed[1][0], speed[1][1], speed[1][2],
               speed[1][3]);
        /* no 1/4 cap: the ReLU layers' speeds stay within a small factor of
           each other, where sigmoid's spread over two orders of magnitude */
        CHECK_AT_LEAST("ch6-prob11", speed[0][3] / speed[0][0], 20);
        CHECK_AT_MOST("ch6-prob11", speed[1][3] / speed[1][0], 5);
        free(x);
    }
}

/* ------------------------------------------------------------- §1.7 claims */

static void ch6_claim_params(void)
{
    nnd_layer_spec spec[4], fc[1];
    nnd_net *net, *dense;
    nnd_layer_desc c1, c2, f;
    spec[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_SIGMOID);
    spec[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, NND_SIGMOID);
    spec[2] = nnd_fully_connected_layer(100, NND_SIGMOID, 0.0);
    spec[3] = nnd_softmax_layer(10, 0.0);
    net = create(784, spec, 4, NND_LOG_LIKELIHOOD);
    fc[0] = nnd_dense_layer(30, NND_SIGMOID, 0.0);
    dense = create(784, fc, 1, NND_QUADRATIC);
    c1 = nnd_layer_info(net, 0);
    c2 = nnd_layer_info(net, 1);
    f = nnd_layer_info(dense, 0);
    CHECK_CLOSE("ch6-claim-params", (double)(c1.n_weights + c1.n_biases), 520, 0);
    CHECK_CLOSE("ch6-claim-params", (double)(f.n_weights + f.n_biases), 23550, 0);
    CHECK_AT_LEAST("ch6-claim-params", (double)(f.n_weights + f.n_biases) / (c1.n_weights + c1.n_biases), 40);
    CHECK_CLOSE("ch6-claim-params", c1.out_h, 12, 0); /* 28 - 5 + 1 = 24, pooled 12 */
    CHECK_CLOSE("ch6-claim-params", c1.n_out, 2880, 0); /* 20 x 12 x 12 */
    CHECK_CLOSE("ch6-claim-params", c2.out_h, 4, 0);    /* 12 - 5 + 1 = 8, pooled 4 */
    CHECK_CLOSE("ch6-claim-params", c2.n_out, 640, 0);  /* 40 x 4 x 4 */
    nnd_free(net);
    nnd_free(dense);
}

/* sample standard deviation of n values */
static double sd_of(const nnd_real *w, size_t n)
{
    double s = 0, q = 0;
    size_t i;
    for (i = 0; i < n; ++i) s += w[i];
    s /= n;
    for (i = 0; i < n; ++i) q += ((double)w[i] - s) * ((double)w[i] - s);
    return sqrt(q / (n - 1));
}

static void ch6_claim_init(void)
{
    /* FC(2880 -> 100): network3 draws w ~ N(0, 1/n_out), sd 0.1, which the
       book's later note calls a mistake; the corrected rule (fan_in = 1) is
       N(0, 1/n_in), sd 1/sqrt(2880) = 0.0186. Conv: n_out = 20*25/4 = 125. */
    nnd_layer_spec spec[3];
    nnd_net *net;
    nnd_rng rng;
    nnd_layer_desc d;
    int mode;
    spec[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_SIGMOID);
    spec[1] = nnd_fully_connected_layer(100, NND_SIGMOID, 0.0);
    spec[2] = nnd_softmax_layer(10, 0.0);
    net = create(784, spec, 3, NND_LOG_LIKELIHOOD);
    for (mode = 0; mode < 2; ++mode) {
        nnd_rng_seed(&rng, 12);
        nnd_network3_initializer(net, &rng, mode);
        d = nnd_layer_info(net, 1);
        CHECK_CLOSE("ch6-claim-init", sd_of(nnd_params(net) + d.weight_offset, d.n_weights),
                    mode ? 1 / sqrt(2880.0) : 0.1, mode ? 0.01 / sqrt(2880.0) : 0.001);
        d = nnd_layer_info(net, 0);
        CHECK_CLOSE("ch6-claim-init", sd_of(nnd_params(net) + d.weight_offset, d.n_weights),
                    1 / sqrt(125.0), 0.1 / sqrt(125.0)); /* 500 draws: ~3% */
        d = nnd_layer_info(net, 2);
        CHECK_CLOSE("ch6-claim-init", sd_of(nnd_params(net) + d.weight_offset, d.n_weights), 0, 0);
    }
    nnd_free(net);
}

static void ch6_claim_dropout(void)
{
    /* evaluation with p_dropout on a layer's input = the same layer without
       dropout and its weights times (1 - p) (network3's rule) */
    nnd_layer_spec spec[2];
    nnd_net *a, *b;
    nnd_rng rng;
    nnd_real x[8 * 12], oa[8 * 4], ob[8 * 4];
    nnd_layer_desc d;
    size_t p;
    int i;
    double worst = 0;
    spec[0] = nnd_fully_connected_layer(6, NND_TANH, 0.3);
    spec[1] = nnd_softmax_layer(4, 0.5);
    a = create(12, spec, 2, NND_LOG_LIKELIHOOD);
    spec[0].p_dropout = 0;
    spec[1].p_dropout = 0;
    b = create(12, spec, 2, NND_LOG_LIKELIHOOD);
    nnd_rng_seed(&rng, 13);
    for (p = 0; p < nnd_param_count(a); ++p) nnd_params(a)[p] = (nnd_real)nnd_rng_normal(&rng);
    memcpy(nnd_params(b), nnd_params(a), sizeof(nnd_real) * nnd_param_count(a));
    for (i = 0; i < 2; ++i) {
        d = nnd_layer_info(b, i);
        for (p = 0; p < d.n_weights; ++p) nnd_params(b)[d.weight_offset + p] *= (nnd_real)(i ? 0.5 : 0.7);
    }
    for (i = 0; i < 96; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    nnd_feedforward(a, x, 8, oa);
    nnd_feedforward(b, x, 8, ob);
    for (i = 0; i < 32; ++i) worst = fmax(worst, fabs((double)oa[i] - (double)ob[i]));
    CHECK_CLOSE("ch6-claim-dropout", worst, 0, 10 * REL);
    nnd_free(a);
    nnd_free(b);
}

static void ch6_claim_ensemble(void)
{
    /* three small networks from different seeds vote; the vote must be the
       plurality of their predictions (ties to the earliest network), and the
       ensemble should not be worse than its average member */
    nnd_net *nets[3];
    nnd_data tr, te;
    int *pred[3], *vote, i, k, correct = 0, byhand = 0, acc[3];
    double mean = 0;
    if (no_mnist("ch6-claim-ensemble")) return;
    tr = nnd_data_slice(&mnist.training, 0, 2000);
    te = nnd_data_slice(&mnist.test, 0, 2000);
    for (k = 0; k < 3; ++k) {
        nnd_sgd_options o = nnd_sgd_defaults();
        nnd_rng rng;
        nets[k] = small_net(20 + k, 0.0);
        nnd_rng_seed(&rng, 30 + k);
        o.epochs = 2;
        o.mini_batch_size = 10;
        o.eta = 0.5;
        o.rng = &rng;
        nnd_sgd(nets[k], &tr, &o, NULL);
        pred[k] = (int *)malloc(sizeof(int) * 2000);
        nnd_predict(nets[k], &te, pred[k]);
        acc[k] = accuracy(nets[k], &te);
        mean += acc[k] / 3.0;
    }
    vote = (int *)malloc(sizeof(int) * 2000);
    nnd_ensemble_vote(nets, 3, &te, vote, &correct, NULL, NULL);
    for (i = 0; i < 2000; ++i) {
        /* plurality of 3: two agreeing win, else the first network */
        int v = pred[1][i] == pred[2][i] ? pred[1][i] : pred[0][i];
        byhand += v == vote[i];
    }
    printf("  members %.2f%% %.2f%% %.2f%%, ensemble %.2f%%\n", acc[0] / 20.0, acc[1] / 20.0,
           acc[2] / 20.0, correct / 20.0);
    CHECK_CLOSE("ch6-claim-ensemble", byhand, 2000, 0);
    CHECK_AT_LEAST("ch6-claim-ensemble", correct, mean);
    for (k = 0; k < 3; ++k) {
        free(pred[k]);
        nnd_free(nets[k]);
    }
    free(vote);
}

int main(void)
{
    nnd_error err;
    have_mnist = nnd_mnist_load("data/mnist", &mnist, &err) == NND_OK;
    ch6_prob1();
    ch6_claim_params();
    ch6_claim_init();
    ch6_claim_dropout();
    ch6_prob10();
    ch6_prob11();
    ch6_prob6();
    ch6_prob8();
    ch6_prob4();
    ch6_prob5();
    ch6_prob9();
    ch6_prob7();
    ch6_claim_ensemble();
    ch6_ex1();
    ch6_prob2();
    ch6_prob3();
    if (have_mnist) nnd_mnist_free(&mnist);
    return check_summary();
}
