/* nnd_sgd's contracts beyond the basic update rules: option checks, what the
   epoch callback and the history report, network3's L2 per mini-batch count
   and best-epoch bookkeeping, the fused step of a sparse input layer (L1 and
   L2), byte inputs, y targets and on-the-fly augmentation. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define TOL 1e-13
#else
#define TOL 2e-6
#endif

typedef struct toy {
    nnd_real *x;
    int *labels;
    nnd_data d;
} toy;

/* n examples of n_in inputs in [0,1) (a fraction `zeros` of them 0), labels i mod n_out */
static toy make_toy(int n, int n_in, int n_out, uint64_t seed, double zeros)
{
    toy t;
    nnd_rng r;
    int i;
    nnd_rng_seed(&r, seed);
    t.x = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)n * n_in);
    t.labels = (int *)malloc(sizeof(int) * (size_t)n);
    for (i = 0; i < n * n_in; ++i) t.x[i] = nnd_rng_uniform(&r) < zeros ? 0 : (nnd_real)nnd_rng_uniform(&r);
    for (i = 0; i < n; ++i) t.labels[i] = i % n_out;
    memset(&t.d, 0, sizeof t.d);
    t.d.n = n;
    t.d.n_in = n_in;
    t.d.x = t.x;
    t.d.labels = t.labels;
    return t;
}

static void free_toy(toy *t)
{
    free(t->x);
    free(t->labels);
}

static double worst_param_diff(nnd_net *a, const double *w)
{
    size_t p;
    double d = 0;
    for (p = 0; p < nnd_param_count(a); ++p) d = fmax(d, fabs(nnd_params(a)[p] - w[p]) / fmax(1.0, fabs(w[p])));
    return d;
}

/* One epoch of plain SGD in fixed order by the book's rules, applied in
   double to nnd_backprop's gradients of a copy of net: L2 (93) or L1 (97)
   with the decay divided by n_l2, biases with the gradient only. */
static double *by_the_rules(nnd_net *net, const toy *t, int m, double eta, double lmbda, int n_l2,
                            nnd_regularization reg)
{
    size_t n = nnd_param_count(net), p;
    double *w = (double *)malloc(n * sizeof *w);
    nnd_real *g = (nnd_real *)malloc(n * sizeof *g);
    nnd_net *ref;
    nnd_layer_spec specs[8];
    int l, k, st;
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        specs[l] = nnd_dense_layer(d.n_out, d.activation, 0.0);
    }
    ref = nnd_net_create(nnd_input_size(net), specs, nnd_num_layers(net), nnd_net_cost(net), &st);
    memcpy(nnd_params(ref), nnd_params(net), n * sizeof(nnd_real));
    for (p = 0; p < n; ++p) w[p] = nnd_params(net)[p];
    for (k = 0; k < t->d.n; k += m) {
        int b = t->d.n - k < m ? t->d.n - k : m;
        nnd_data batch = nnd_data_slice(&t->d, k, b);
        nnd_backprop(ref, &batch, g, n, NULL);
        for (l = 0; l < nnd_num_layers(ref); ++l) {
            nnd_layer_desc d = nnd_layer_info(ref, l);
            for (p = d.weight_offset; p < d.weight_offset + d.n_weights; ++p) {
                double sgn = (w[p] > 0) - (w[p] < 0);
                if (reg == NND_L1) w[p] = w[p] - eta * lmbda / n_l2 * sgn - eta / b * g[p];
                else w[p] = (1 - eta * lmbda / n_l2) * w[p] - eta / b * g[p];
            }
            for (p = d.bias_offset; p < d.bias_offset + d.n_biases; ++p) w[p] -= eta / b * g[p];
        }
        for (p = 0; p < n; ++p) nnd_params(ref)[p] = (nnd_real)w[p];
    }
    free(g);
    nnd_free(ref);
    return w;
}

static void option_checks(void)
{
    int sizes[] = {4, 3, 2}, st;
    toy t = make_toy(10, 4, 2, 1, 0), other = make_toy(10, 5, 2, 2, 0);
    nnd_net *net = nnd_network2(sizes, 3, NND_QUADRATIC, NULL, &st);
    nnd_sgd_options o;
    nnd_data nolab = t.d, empty = t.d;
    nnd_rng r;
    nnd_history h;
    nolab.labels = NULL;
    empty.n = 0;
    nnd_rng_seed(&r, 1);
#define BAD(field, value, expect)                                          \
    o = nnd_sgd_defaults();                                                \
    o.rng = &r;                                                            \
    o.field = value;                                                       \
    st = nnd_sgd(net, &t.d, &o, NULL);                                     \
    CHECK(st == (expect), #field " = " #value ": %s", nnd_strerror(st))
    BAD(regularization, (nnd_regularization)2, NND_ERR_ARG);
    BAD(early_stopping_patience, -1, NND_ERR_ARG);
    BAD(eta_halvings, -1, NND_ERR_ARG);
    BAD(lmbda, HUGE_VAL, NND_ERR_ARG);
    BAD(augment_rotate, 181.0, NND_ERR_ARG);
    BAD(augment_rotate, -1.0, NND_ERR_ARG);
    BAD(augment_rotate, HUGE_VAL - HUGE_VAL, NND_ERR_ARG);
    BAD(augment_shift, -0.5, NND_ERR_ARG);
    BAD(augment_shift, 1e7, NND_ERR_ARG);
    BAD(test_data, &other.d, NND_ERR_SHAPE);
    BAD(test_data, &nolab, NND_ERR_ARG);
    BAD(evaluation_data, &other.d, NND_ERR_SHAPE);
#undef BAD
    /* 4 inputs are a 2x2 image: augmentation needs only the rng */
    o = nnd_sgd_defaults();
    o.augment_shift = 1.0;
    CHECK(nnd_sgd(net, &t.d, &o, NULL) == NND_ERR_ARG, "augmentation without an rng");
    o.rng = &r;
    o.epochs = 1;
    CHECK(nnd_sgd(net, &t.d, &o, NULL) == NND_OK, "augmentation of 2x2 images with an rng");
    o = nnd_sgd_defaults();
    o.monitor_evaluation_cost = 1;
    o.evaluation_data = &empty;
    CHECK(nnd_sgd(net, &t.d, &o, NULL) == NND_ERR_ARG, "monitoring an empty evaluation set");
    o = nnd_sgd_defaults();
    CHECK(nnd_sgd(net, &t.d, NULL, NULL) == NND_ERR_ARG, "NULL options");
    CHECK(nnd_sgd(net, &nolab, &o, NULL) == NND_ERR_ARG, "training data without labels or targets");
    CHECK(nnd_sgd(net, &empty, &o, NULL) == NND_ERR_ARG, "no training examples");
    /* a failed call still leaves a history that can be freed */
    memset(&h, 0x55, sizeof h);
    CHECK(nnd_sgd(net, &empty, &o, &h) == NND_ERR_ARG && h.epochs == 0 && h.eta == NULL,
          "history after a refused call");
    nnd_history_free(&h);
    nnd_history_free(NULL);

    /* zero epochs: nothing changes */
    {
        nnd_real before[32];
        size_t n = nnd_param_count(net);
        nnd_rng_seed(&r, 3);
        nnd_default_weight_initializer(net, &r);
        memcpy(before, nnd_params(net), n * sizeof *before);
        o = nnd_sgd_defaults();
        o.epochs = 0;
        st = nnd_sgd(net, &t.d, &o, &h);
        CHECK(st == NND_OK && h.epochs == 0 && memcmp(before, nnd_params(net), n * sizeof *before) == 0,
              "0 epochs: %s, %d epochs", nnd_strerror(st), h.epochs);
        nnd_history_free(&h);
    }
    nnd_free(net);
    free_toy(&t);
    free_toy(&other);
}

typedef struct watch {
    int calls, bad;
    nnd_net *net, *copy; /* the net being trained, and one to evaluate its parameters on */
    const nnd_data *test, *ev;
    int best_seen;
} watch;

/* What the callback sees when only the training cost is monitored. */
static int only_training_cost(const nnd_epoch *e, void *user)
{
    watch *w = (watch *)user;
    w->bad += e->epoch != w->calls;
    w->bad += e->training_accuracy != -1 || e->evaluation_accuracy != -1 || e->test_accuracy != -1;
    w->bad += !(e->training_cost > 0) || e->evaluation_cost == e->evaluation_cost; /* NaN */
    w->bad += e->n_training != 12 || e->n_evaluation != 0 || e->n_test != 0 || e->best != 0;
    w->bad += e->eta != 0.25;
    ++w->calls;
    return 0;
}

static int only_training_accuracy(const nnd_epoch *e, void *user)
{
    watch *w = (watch *)user;
    w->bad += e->training_cost == e->training_cost || e->training_accuracy < 0 || e->training_accuracy > 12;
    ++w->calls;
    return 0;
}

static double eta_until_2(int epoch, double eta0, void *user)
{
    (void)user;
    return epoch < 2 ? eta0 : 0.0;
}

static double eta_infinite_at_1(int epoch, double eta0, void *user)
{
    (void)user;
    return epoch < 1 ? eta0 : HUGE_VAL;
}

static void reports(void)
{
    int sizes[] = {4, 5, 3}, st;
    toy t = make_toy(12, 4, 3, 4, 0);
    nnd_rng r;
    nnd_net *net;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_history h;
    watch w;
    nnd_rng_seed(&r, 5);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    memset(&w, 0, sizeof w);
    o.epochs = 3;
    o.mini_batch_size = 5;
    o.eta = 0.25;
    o.monitor_training_cost = 1;
    o.on_epoch = only_training_cost;
    o.user = &w;
    st = nnd_sgd(net, &t.d, &o, &h);
    CHECK(st == NND_OK && w.calls == 3 && w.bad == 0, "callback with the training cost only: %d calls, %d bad",
          w.calls, w.bad);
    CHECK(h.training_cost != NULL && h.training_accuracy == NULL && h.evaluation_cost == NULL &&
              h.evaluation_accuracy == NULL && h.test_accuracy == NULL && h.eta[2] == 0.25 && !h.stopped_early,
          "history holds the monitored quantities only");
    CHECK(h.best_epoch == -1 && h.best_evaluation_accuracy == -1 && h.best_test_accuracy == -1 &&
              h.best_iteration == -1,
          "no best epoch without the evaluation accuracy");
    nnd_history_free(&h);
    memset(&w, 0, sizeof w);
    o.monitor_training_cost = 0;
    o.monitor_training_accuracy = 1;
    o.on_epoch = only_training_accuracy;
    st = nnd_sgd(net, &t.d, &o, &h);
    CHECK(st == NND_OK && w.calls == 3 && w.bad == 0 && h.training_cost == NULL && h.training_accuracy != NULL,
          "callback with the training accuracy only: %d bad", w.bad);
    {
        int c;
        nnd_accuracy(net, &t.d, &c);
        CHECK(h.training_accuracy[2] == c, "last training accuracy %d, now %d", h.training_accuracy[2], c);
    }
    nnd_history_free(&h);
    /* an eta schedule that turns invalid stops training with NND_ERR_ARG after the good epochs */
    o.on_epoch = NULL;
    o.eta_schedule = eta_until_2;
    o.epochs = 5;
    st = nnd_sgd(net, &t.d, &o, &h);
    CHECK(st == NND_ERR_ARG && h.epochs == 2 && h.eta[1] == 0.25, "eta 0 at epoch 2: %s after %d epochs",
          nnd_strerror(st), h.epochs);
    nnd_history_free(&h);
    o.eta_schedule = eta_infinite_at_1;
    st = nnd_sgd(net, &t.d, &o, &h);
    CHECK(st == NND_ERR_ARG && h.epochs == 1, "an infinite eta at epoch 1: %s after %d epochs", nnd_strerror(st),
          h.epochs);
    nnd_history_free(&h);
    nnd_free(net);
    free_toy(&t);
}

/* network3's regime: the L2 decay divides by the number of mini-batches
   (n / m rounded down, at least 1) instead of n. */
static void network3_decay(void)
{
    int sizes[] = {5, 4, 3}, st, pass;
    nnd_rng r;
    for (pass = 0; pass < 2; ++pass) {
        const int n = pass ? 3 : 13, m = 4, batches = pass ? 1 : 3;
        toy t = make_toy(n, 5, 3, 6, 0);
        nnd_net *net;
        nnd_sgd_options o = nnd_network3_options(1, m, 0.3, NULL, NULL, 2.0);
        double *w;
        nnd_rng_seed(&r, 7);
        net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
        w = by_the_rules(net, &t, m, 0.3, 2.0, batches, NND_L2);
        CHECK(o.network3 == 1 && o.epochs == 1 && o.evaluation_data == NULL && !o.monitor_evaluation_accuracy &&
                  o.rng == NULL,
              "nnd_network3_options fields");
        st = nnd_sgd(net, &t.d, &o, NULL);
        CHECK(st == NND_OK && worst_param_diff(net, w) < 10 * TOL,
              "n = %d, mini-batch %d: L2 over %d batches, off by %g", n, m, batches, worst_param_diff(net, w));
        free(w);
        nnd_free(net);
        free_toy(&t);
    }
}

static int check_best(const nnd_epoch *e, void *user)
{
    watch *w = (watch *)user;
    int c = -2;
    if (e->evaluation_accuracy >= w->best_seen) {
        w->best_seen = e->evaluation_accuracy;
        w->bad += !e->best;
        memcpy(nnd_params(w->copy), nnd_params(w->net), nnd_param_count(w->net) * sizeof(nnd_real));
        nnd_accuracy(w->copy, w->test, &c);
        w->bad += e->test_accuracy != c;
    } else {
        w->bad += e->best || e->test_accuracy != -1;
    }
    w->bad += e->n_test != w->test->n || e->n_evaluation != w->ev->n;
    ++w->calls;
    return 0;
}

/* network3's bookkeeping: a new best (ties count) records the epoch, its
   iteration and the test accuracy then. */
static void network3_best(void)
{
    toy tr = make_toy(37, 6, 3, 8, 0), va = make_toy(15, 6, 3, 9, 0), te = make_toy(11, 6, 3, 10, 0);
    int sizes[] = {6, 8, 3}, st, e, best = -1, last_best = -1;
    nnd_rng r;
    nnd_net *net;
    nnd_sgd_options o = nnd_network3_options(9, 10, 0.8, &va.d, &te.d, 0.0);
    nnd_history h;
    watch w;
    nnd_rng_seed(&r, 11);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    memset(&w, 0, sizeof w);
    w.net = net;
    w.copy = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, NULL, &st);
    w.test = &te.d;
    w.ev = &va.d;
    w.best_seen = -1;
    o.on_epoch = check_best;
    o.user = &w;
    o.rng = &r;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 9 && w.calls == 9, "network3 run: %s", nnd_strerror(st));
    CHECK(w.bad == 0, "best-epoch flags and test accuracies: %d wrong", w.bad);
    for (e = 0; e < h.epochs; ++e)
        if (h.evaluation_accuracy[e] >= best) {
            best = h.evaluation_accuracy[e];
            last_best = e;
        }
    CHECK(h.best_epoch == last_best && h.best_evaluation_accuracy == best, "best epoch %d (by hand %d)", h.best_epoch,
          last_best);
    CHECK(h.best_iteration == (last_best + 1) * 4 - 1, "iteration %d: 4 mini-batches an epoch", h.best_iteration);
    CHECK(h.test_accuracy != NULL && h.best_test_accuracy == h.test_accuracy[last_best], "best test accuracy");
    for (e = 0; e < h.epochs; ++e)
        if (h.test_accuracy[e] != -1 && h.test_accuracy[e] < 0) break;
    CHECK(e == h.epochs, "test accuracies are counts or -1");
    nnd_history_free(&h);
    /* test data alone (no evaluation accuracy monitored): never evaluated */
    o = nnd_sgd_defaults();
    o.epochs = 2;
    o.test_data = &te.d;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.test_accuracy && h.test_accuracy[0] == -1 && h.test_accuracy[1] == -1 &&
              h.best_test_accuracy == -1,
          "test accuracy without evaluation accuracy");
    nnd_history_free(&h);
    nnd_free(net);
    nnd_free(w.copy);
    free_toy(&tr);
    free_toy(&va);
    free_toy(&te);
}

/* A cost that becomes infinite while every parameter is finite (outputs
   saturated at exactly 0 or 1 against the opposite label) stops training
   with NND_ERR_DIVERGED and puts back the parameters of the epoch's start. */
static void infinite_cost(void)
{
    int sizes[] = {2, 2}, labels[4] = {0, 0, 1, 1}, which, st;
    nnd_real x[8] = {1, 0, 1, 0, 0, 1, 0, 1}, before[6];
    nnd_data d;
    for (which = 0; which < 2; ++which) {
        nnd_net *net = nnd_network2(sizes, 2, NND_CROSS_ENTROPY, NULL, &st);
        nnd_sgd_options o = nnd_sgd_defaults();
        nnd_history h;
        /* output j fires at +-500 for the opposite class: a = 1 where y = 0, and 0 where y = 1 */
        nnd_set_weight(net, 0, 1, 0, 500);
        nnd_set_weight(net, 0, 0, 0, -500);
        nnd_set_weight(net, 0, 0, 1, 500);
        nnd_set_weight(net, 0, 1, 1, -500);
        memcpy(before, nnd_params(net), sizeof before);
        memset(&d, 0, sizeof d);
        d.n = 4;
        d.n_in = 2;
        d.x = x;
        d.labels = labels;
        o.epochs = 3;
        o.mini_batch_size = 2;
        o.eta = 1e-3;
        o.evaluation_data = &d;
        if (which) o.monitor_evaluation_cost = o.monitor_evaluation_accuracy = 1;
        else o.monitor_training_cost = 1;
        st = nnd_sgd(net, &d, &o, &h);
        CHECK(st == NND_ERR_DIVERGED && h.epochs == 0, "infinite %s cost: %s after %d epochs",
              which ? "evaluation" : "training", nnd_strerror(st), h.epochs);
        CHECK(memcmp(before, nnd_params(net), sizeof before) == 0, "parameters not put back");
        CHECK(h.best_epoch == -1, "a diverged epoch is no best epoch");
        nnd_history_free(&h);
        nnd_free(net);
    }
}

/* An evaluation set that nothing monitors may be empty; test data may carry
   targets instead of labels (accuracy by argmax y). */
static void optional_sets(void)
{
    int sizes[] = {3, 4, 2}, st, i;
    toy t = make_toy(12, 3, 2, 21, 0);
    nnd_real y[12 * 2];
    nnd_data empty = t.d, targets = t.d;
    nnd_rng r;
    nnd_net *net;
    nnd_sgd_options o = nnd_network3_options(1, 4, 0.5, &t.d, &targets, 0.0); /* one epoch: the best */
    nnd_history h;
    for (i = 0; i < 12; ++i) {
        y[2 * i] = t.labels[i] == 0;
        y[2 * i + 1] = t.labels[i] == 1;
    }
    empty.n = 0;
    targets.labels = NULL;
    targets.y = y;
    targets.n_y = 2;
    nnd_rng_seed(&r, 22);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    st = nnd_sgd(net, &t.d, &o, &h);
    CHECK(st == NND_OK && h.best_epoch == 0, "test data with targets: %s", nnd_strerror(st));
    {
        int c = -1;
        nnd_accuracy(net, &t.d, &c);
        CHECK(h.best_test_accuracy == c, "test accuracy from targets %d, from labels %d", h.best_test_accuracy, c);
    }
    nnd_history_free(&h);
    o = nnd_sgd_defaults();
    o.epochs = 1;
    o.evaluation_data = &empty;
    CHECK(nnd_sgd(net, &t.d, &o, NULL) == NND_OK, "an empty evaluation set nothing monitors");
    nnd_free(net);
    free_toy(&t);
}

/* A sparse input layer takes its step fused with the gradient (no gradient
   block is formed); it must still be (93) and (97). */
static void sparse_fused_step(void)
{
    int sizes[] = {30, 6, 4}, st, pass;
    for (pass = 0; pass < 4; ++pass) {
        const nnd_regularization reg = pass % 2 ? NND_L1 : NND_L2;
        toy t = make_toy(23, 30, 4, 12, 0.8);
        nnd_rng r;
        nnd_net *net;
        nnd_sgd_options o = nnd_sgd_defaults();
        double *w;
        nnd_rng_seed(&r, 13);
        net = nnd_network2(sizes, 3, NND_QUADRATIC, &r, &st);
        nnd_params(net)[3] = 0; /* sgn(0) = 0 */
        nnd_set_sparse_input(net, pass < 2 ? NND_INPUT_SPARSE : NND_INPUT_AUTO);
        if (pass >= 2) nnd_set_threads(net, 2);
        w = by_the_rules(net, &t, 5, 0.4, 3.0, 23, reg);
        o.epochs = 1;
        o.mini_batch_size = 5;
        o.eta = 0.4;
        o.lmbda = 3.0;
        o.regularization = reg;
        st = nnd_sgd(net, &t.d, &o, NULL);
        CHECK(st == NND_OK && worst_param_diff(net, w) < 20 * TOL, "sparse input, %s, %s: off by %g",
              reg == NND_L1 ? "L1" : "L2", pass < 2 ? "always sparse" : "auto, 2 threads", worst_param_diff(net, w));
        free(w);
        nnd_free(net);
        free_toy(&t);
    }
}

/* Byte inputs train like the reals they stand for, in every input mode. */
static void byte_training(void)
{
    enum { N = 30, NIN = 19 };
    unsigned char x8[N * NIN];
    nnd_real x[N * NIN];
    int labels[N], i, mode, sizes[] = {NIN, 7, 3}, st;
    nnd_data db, dr;
    nnd_rng r;
    nnd_rng_seed(&r, 14);
    for (i = 0; i < N * NIN; ++i) {
        x8[i] = (unsigned char)(nnd_rng_uniform(&r) < 0.6 ? 0 : nnd_rng_below(&r, 256));
        x[i] = (nnd_real)(x8[i] / 256.0);
    }
    for (i = 0; i < N; ++i) labels[i] = i % 3;
    memset(&dr, 0, sizeof dr);
    dr.n = N;
    dr.n_in = NIN;
    dr.x = x;
    dr.labels = labels;
    db = dr;
    db.x = NULL;
    db.x8 = x8;
    db.x8_scale = (nnd_real)(1.0 / 256.0);
    for (mode = 0; mode <= 2; ++mode) {
        nnd_net *a, *b;
        nnd_sgd_options o = nnd_sgd_defaults();
        nnd_history ha, hb;
        double w[200];
        size_t p;
        nnd_rng ra, rb;
        nnd_rng_seed(&ra, 15);
        nnd_rng_seed(&rb, 15);
        a = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &ra, &st);
        b = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rb, &st);
        nnd_set_sparse_input(a, mode);
        nnd_set_sparse_input(b, mode);
        o.epochs = 2;
        o.mini_batch_size = 4;
        o.lmbda = 0.5;
        o.monitor_training_cost = o.monitor_evaluation_accuracy = 1;
        o.rng = &ra;
        o.evaluation_data = &db;
        st = nnd_sgd(a, &db, &o, &ha);
        o.rng = &rb;
        o.evaluation_data = &dr;
        CHECK(st == NND_OK && nnd_sgd(b, &dr, &o, &hb) == NND_OK, "mode %d: training", mode);
        for (p = 0; p < nnd_param_count(b) && p < 200; ++p) w[p] = nnd_params(b)[p];
        CHECK(worst_param_diff(a, w) < 10 * TOL, "mode %d: bytes and reals train differently (%g)", mode,
              worst_param_diff(a, w));
        CHECK(ha.evaluation_accuracy[1] == hb.evaluation_accuracy[1] &&
                  fabs(ha.training_cost[1] - hb.training_cost[1]) < 10 * TOL * fabs(hb.training_cost[1]),
              "mode %d: monitors on bytes and reals differ", mode);
        nnd_history_free(&ha);
        nnd_history_free(&hb);
        nnd_free(a);
        nnd_free(b);
    }
}

/* Targets y instead of labels: accuracy is argmax y; the cost uses y. */
static void target_training(void)
{
    enum { N = 16 };
    nnd_real x[N * 3], y[N * 2];
    int i, st, c;
    nnd_layer_spec L[2];
    nnd_net *net;
    nnd_data d;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_history h;
    nnd_rng r;
    nnd_rng_seed(&r, 16);
    for (i = 0; i < N * 3; ++i) x[i] = (nnd_real)nnd_rng_uniform(&r);
    for (i = 0; i < N; ++i) { /* soft targets whose larger entry says whether x0 > x1 */
        y[2 * i] = x[3 * i] > x[3 * i + 1] ? (nnd_real)0.8 : (nnd_real)0.2;
        y[2 * i + 1] = 1 - y[2 * i];
    }
    memset(&d, 0, sizeof d);
    d.n = N;
    d.n_in = 3;
    d.x = x;
    d.y = y;
    d.n_y = 2;
    L[0] = nnd_dense_layer(4, NND_RELU, 0.0);
    L[1] = nnd_dense_layer(2, NND_SIGMOID, 0.0);
    net = nnd_net_create(3, L, 2, NND_CROSS_ENTROPY, &st);
    nnd_default_weight_initializer(net, &r);
    o.epochs = 3;
    o.mini_batch_size = 4;
    o.evaluation_data = &d;
    o.monitor_evaluation_accuracy = o.monitor_evaluation_cost = 1;
    st = nnd_sgd(net, &d, &o, &h);
    CHECK(st == NND_OK, "training on targets: %s", nnd_strerror(st));
    {
        nnd_real out[N * 2];
        int hits = 0;
        double sum = 0;
        nnd_feedforward(net, x, (size_t)N * 3, out, sizeof out / sizeof *out);
        for (i = 0; i < N; ++i) {
            hits += (out[2 * i] < out[2 * i + 1]) == (y[2 * i] < y[2 * i + 1]);
            sum += nnd_cost_fn(NND_CROSS_ENTROPY, out + 2 * i, y + 2 * i, 2);
        }
        nnd_accuracy(net, &d, &c);
        CHECK(c == hits && h.evaluation_accuracy[2] == hits, "accuracy from targets %d, by hand %d", c, hits);
        CHECK(fabs(h.evaluation_cost[2] - sum / N) < 1e-5 * (sum / N), "cost from targets %g, by hand %g",
              h.evaluation_cost[2], sum / N);
    }
    nnd_history_free(&h);
    nnd_free(net);
}

/* Augmentation rotates and shifts the first layer's one-channel image. */
static void augmentation(void)
{
    toy t = make_toy(20, 64, 3, 17, 0.3), rgb = make_toy(20, 3 * 16, 3, 18, 0);
    nnd_layer_spec L[2], C[2];
    nnd_net *a, *b, *plain, *c3;
    nnd_rng r, ra, rb, rp;
    nnd_sgd_options o = nnd_sgd_defaults();
    int st;
    size_t p, n;
    L[0] = nnd_conv_pool_layer(2, 3, 3, 2, 2, NND_RELU);
    L[1] = nnd_softmax_layer(3, 0.0);
    a = nnd_net_create(64, L, 2, NND_LOG_LIKELIHOOD, &st);
    nnd_rng_seed(&r, 19);
    nnd_network3_initializer(a, &r, 0);
    n = nnd_param_count(a);
    b = nnd_net_create(64, L, 2, NND_LOG_LIKELIHOOD, &st);
    plain = nnd_net_create(64, L, 2, NND_LOG_LIKELIHOOD, &st);
    memcpy(nnd_params(b), nnd_params(a), n * sizeof(nnd_real));
    memcpy(nnd_params(plain), nnd_params(a), n * sizeof(nnd_real));
    nnd_rng_seed(&ra, 20);
    nnd_rng_seed(&rb, 20);
    nnd_rng_seed(&rp, 20);
    o.epochs = 2;
    o.mini_batch_size = 5;
    o.eta = 0.1;
    o.augment_rotate = 15;
    o.augment_shift = 1.5;
    o.rng = &ra;
    CHECK(nnd_sgd(a, &t.d, &o, NULL) == NND_OK, "augmenting an 8x8 conv input");
    o.rng = &rb;
    nnd_sgd(b, &t.d, &o, NULL);
    o.rng = &rp;
    o.augment_rotate = o.augment_shift = 0;
    nnd_sgd(plain, &t.d, &o, NULL);
    CHECK(memcmp(nnd_params(a), nnd_params(b), n * sizeof(nnd_real)) == 0, "augmentation is deterministic for a seed");
    for (p = 0; p < n && nnd_params(a)[p] == nnd_params(plain)[p]; ++p) {
    }
    CHECK(p < n, "augmented training gave the plain result");
    /* a three-channel first layer is no grey image */
    C[0] = nnd_conv_pool_layer(2, 2, 2, 1, 1, NND_RELU);
    C[0].image_c = 3;
    C[0].image_h = C[0].image_w = 4;
    C[1] = nnd_softmax_layer(3, 0.0);
    c3 = nnd_net_create(48, C, 2, NND_LOG_LIKELIHOOD, &st);
    CHECK(c3 != NULL, "3-channel net: %s", nnd_strerror(st));
    o.augment_shift = 1;
    o.rng = &r;
    CHECK(nnd_sgd(c3, &rgb.d, &o, NULL) == NND_ERR_ARG, "augmenting a three-channel input");
    nnd_free(a);
    nnd_free(b);
    nnd_free(plain);
    nnd_free(c3);
    free_toy(&t);
    free_toy(&rgb);
}

int main(void)
{
    option_checks();
    reports();
    network3_decay();
    network3_best();
    infinite_cost();
    optional_sets();
    sparse_fused_step();
    byte_training();
    target_training();
    augmentation();
    return check_summary();
}
