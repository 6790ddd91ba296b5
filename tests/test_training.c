/* nnd_sgd and the evaluation functions: network2's update rules checked
   step by step, determinism, divergence, bad hyper-parameters, monitors,
   callbacks, early stopping and eta schedules. */
/* every batch gets the threads it asks for, however small (nnd__plan_batch):
   these checks are about what threads compute */
#define NND__STEP_WORK 1.0
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define TOL 1e-14
#else
#define TOL 1e-6
#endif

/* A small data set: n examples of n_in inputs in [0,1), labels mod n_out. */
typedef struct toy {
    nnd_real *x;
    int *labels;
    nnd_data d;
} toy;

static toy make_toy(int n, int n_in, int n_out, uint64_t seed)
{
    toy t;
    nnd_rng rng;
    int i;
    nnd_rng_seed(&rng, seed);
    t.x = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)n * n_in);
    t.labels = (int *)malloc(sizeof(int) * (size_t)n);
    for (i = 0; i < n * n_in; ++i) t.x[i] = (nnd_real)nnd_rng_uniform(&rng);
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

static double max_diff(const nnd_real *a, const double *b, size_t n)
{
    size_t i;
    double d = 0.0;
    for (i = 0; i < n; ++i) d = fmax(d, fabs((double)a[i] - b[i]) / fmax(1.0, fabs(b[i])));
    return d;
}

/* One epoch over 5 examples in batches of 2, 2, 1 (fixed order), against the
   rules applied by hand to nnd_backprop's gradients. */
static void update_rules(nnd_regularization reg, double mu, const char *name)
{
    int sizes[] = {4, 3, 2}, st, k, b;
    nnd_rng rng;
    toy t = make_toy(5, 4, 2, 9);
    nnd_net *net, *ref;
    nnd_sgd_options opt = nnd_sgd_defaults();
    size_t n, p;
    double *w, *v;
    nnd_real *g;
    const double eta = 0.7, lmbda = 3.0;
    nnd_rng_seed(&rng, 2);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    nnd_params(net)[1] = 0; /* sgn(0) = 0 for L1 */
    n = nnd_param_count(net);
    ref = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, NULL, &st);
    memcpy(nnd_params(ref), nnd_params(net), n * sizeof(nnd_real));
    w = (double *)malloc(n * sizeof *w);
    v = (double *)calloc(n, sizeof *v);
    g = (nnd_real *)malloc(n * sizeof *g);
    for (p = 0; p < n; ++p) w[p] = nnd_params(net)[p];

    opt.epochs = 1;
    opt.mini_batch_size = 2;
    opt.eta = eta;
    opt.lmbda = lmbda;
    opt.regularization = reg;
    opt.momentum = mu;
    st = nnd_sgd(net, &t.d, &opt, NULL);
    CHECK(st == NND_OK, "%s: sgd: %s", name, nnd_strerror(st));

    for (k = 0; k < 5; k += 2) {
        int m = 5 - k < 2 ? 5 - k : 2;
        nnd_data batch = nnd_data_slice(&t.d, k, m);
        nnd_backprop(ref, &batch, g, n, NULL);
        for (b = 0; b < nnd_num_layers(ref); ++b) {
            nnd_layer_desc d = nnd_layer_info(ref, b);
            for (p = d.weight_offset; p < d.weight_offset + d.n_weights; ++p) {
                double sgn = (w[p] > 0) - (w[p] < 0), r = reg == NND_L1 ? sgn : w[p];
                if (mu != 0) {
                    v[p] = mu * v[p] - eta / m * g[p] - eta * lmbda / 5 * r; /* (107) */
                    w[p] += v[p];                                           /* (108) */
                } else if (reg == NND_L1) {
                    w[p] = w[p] - eta * lmbda / 5 * sgn - eta / m * g[p]; /* (97) */
                } else {
                    w[p] = (1 - eta * lmbda / 5) * w[p] - eta / m * g[p]; /* (93) */
                }
            }
            for (p = d.bias_offset; p < d.bias_offset + d.n_biases; ++p) {
                if (mu != 0) {
                    v[p] = mu * v[p] - eta / m * g[p];
                    w[p] += v[p];
                } else {
                    w[p] -= eta / m * g[p];
                }
            }
        }
        for (p = 0; p < n; ++p) nnd_params(ref)[p] = (nnd_real)w[p];
    }
    CHECK(max_diff(nnd_params(net), w, n) < 10 * TOL, "%s: parameters differ from the rule by %g",
          name, max_diff(nnd_params(net), w, n));
    if (reg == NND_L1 && mu == 0)
        CHECK(fabs(nnd_params(net)[1] - w[1]) < 10 * TOL, "L1 with w = 0 moved by sgn");
    free(w);
    free(v);
    free(g);
    nnd_free(net);
    nnd_free(ref);
    free_toy(&t);
}

static nnd_net *trained(const toy *t, uint64_t seed, double mu, int shuffle)
{
    int sizes[] = {6, 5, 3}, st;
    nnd_rng rng;
    nnd_net *net;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_rng_seed(&rng, seed);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    opt.epochs = 3;
    opt.mini_batch_size = 4;
    opt.eta = 0.5;
    opt.lmbda = 1.0;
    opt.momentum = mu;
    opt.rng = shuffle ? &rng : NULL;
    nnd_sgd(net, &t->d, &opt, NULL);
    return net;
}

static int same_bits(nnd_net *a, nnd_net *b)
{
    return nnd_param_count(a) == nnd_param_count(b) &&
           memcmp(nnd_params(a), nnd_params(b), nnd_param_count(a) * sizeof(nnd_real)) == 0;
}

static void determinism(void)
{
    toy t = make_toy(50, 6, 3, 4);
    nnd_net *a = trained(&t, 1, 0, 1), *b = trained(&t, 1, 0, 1), *c = trained(&t, 2, 0, 1);
    nnd_net *d = trained(&t, 1, 0, 0);
    CHECK(same_bits(a, b), "same seed, different parameters");
    CHECK(!same_bits(a, c), "different seeds, same parameters");
    CHECK(!same_bits(a, d), "shuffled and unshuffled training agree");
    nnd_free(a);
    nnd_free(b);
    nnd_free(c);
    nnd_free(d);
    free_toy(&t);
}

/* On-the-fly augmentation reads a dense first layer's input as a square
   grey image; an input that is no square image is refused. */
static void augmentation_dense_input(void)
{
    toy sq = make_toy(40, 9, 3, 5), odd = make_toy(40, 6, 3, 6);
    int s9[] = {9, 4, 3}, s6[] = {6, 4, 3}, st;
    nnd_rng rng;
    nnd_net *a, *b;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_rng_seed(&rng, 3);
    a = nnd_network2(s9, 3, NND_CROSS_ENTROPY, &rng, &st);
    b = nnd_network2(s6, 3, NND_CROSS_ENTROPY, &rng, &st);
    opt.epochs = 2;
    opt.mini_batch_size = 4;
    opt.eta = 0.5;
    opt.rng = &rng;
    opt.augment_rotate = 10;
    opt.augment_shift = 0.5;
    CHECK(nnd_sgd(a, &sq.d, &opt, NULL) == NND_OK, "augmentation refused a dense 3x3-image input");
    CHECK(nnd_sgd(b, &odd.d, &opt, NULL) == NND_ERR_ARG, "augmentation accepted a 6-pixel input");
    opt.rng = NULL;
    CHECK(nnd_sgd(a, &sq.d, &opt, NULL) == NND_ERR_ARG, "augmentation without an rng accepted");
    nnd_free(a);
    nnd_free(b);
    free_toy(&sq);
    free_toy(&odd);
}

static void divergence(void)
{
    nnd_layer_spec lin = nnd_dense_layer(2, NND_LINEAR, 0.0);
    int st;
    nnd_rng rng;
    toy t = make_toy(20, 3, 2, 5);
    nnd_net *net = nnd_net_create(3, &lin, 1, NND_QUADRATIC, &st);
    nnd_real *before;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_history h;
    nnd_rng_seed(&rng, 1);
    nnd_default_weight_initializer(net, &rng);
    before = (nnd_real *)malloc(nnd_param_count(net) * sizeof *before);
    memcpy(before, nnd_params(net), nnd_param_count(net) * sizeof *before);
    opt.eta = 1e30; /* the weights grow ~1e30-fold a step: inf within a few epochs */
    opt.epochs = 100;
    st = nnd_sgd(net, &t.d, &opt, &h);
    CHECK(st == NND_ERR_DIVERGED, "eta 1e30: status %s", nnd_strerror(st));
    CHECK(h.epochs < 100, "diverged epoch counted: %d", h.epochs);
    CHECK(nnd__all_finite(nnd_params(net), nnd_param_count(net)),
          "parameters not restored after divergence");
    if (h.epochs == 0) /* diverged in the first epoch: back to the initial values */
        CHECK(memcmp(before, nnd_params(net), nnd_param_count(net) * sizeof *before) == 0,
              "parameters not restored to their initial values");
    nnd_history_free(&h);
    free(before);
    nnd_free(net);
    free_toy(&t);
}

static void bad_arguments(void)
{
    int sizes[] = {6, 4, 3}, st;
    toy t = make_toy(10, 6, 3, 1);
    toy wrong = make_toy(10, 5, 3, 1);
    nnd_net *net = nnd_network2(sizes, 3, NND_QUADRATIC, NULL, &st);
    nnd_sgd_options o;
    double nan = HUGE_VAL - HUGE_VAL;
#define BAD(field, value, expect)                                                             \
    o = nnd_sgd_defaults();                                                                   \
    o.field = value;                                                                          \
    st = nnd_sgd(net, &t.d, &o, NULL);                                                        \
    CHECK(st == expect, #field " = " #value ": %s", nnd_strerror(st))
    BAD(eta, 0.0, NND_ERR_ARG);
    BAD(eta, -1.0, NND_ERR_ARG);
    BAD(eta, nan, NND_ERR_ARG);
    BAD(eta, HUGE_VAL, NND_ERR_ARG);
    BAD(lmbda, -1.0, NND_ERR_ARG);
    BAD(lmbda, nan, NND_ERR_ARG);
    BAD(mini_batch_size, 0, NND_ERR_ARG);
    BAD(epochs, -1, NND_ERR_ARG);
    BAD(momentum, nan, NND_ERR_ARG);
    BAD(monitor_evaluation_accuracy, 1, NND_ERR_ARG); /* no evaluation data */
    BAD(early_stopping_patience, 3, NND_ERR_ARG);
    BAD(evaluation_data, &wrong.d, NND_ERR_SHAPE);
#undef BAD
    o = nnd_sgd_defaults();
    st = nnd_sgd(net, &wrong.d, &o, NULL);
    CHECK(st == NND_ERR_SHAPE, "5 inputs for a 6-input net: %s", nnd_strerror(st));
    t.labels[3] = 3;
    st = nnd_sgd(net, &t.d, &o, NULL);
    CHECK(st == NND_ERR_SHAPE, "label 3 for 3 outputs: %s", nnd_strerror(st));
    t.labels[3] = -1;
    st = nnd_sgd(net, &t.d, &o, NULL);
    CHECK(st == NND_ERR_SHAPE, "label -1: %s", nnd_strerror(st));
    CHECK(nnd_sgd(NULL, &t.d, &o, NULL) == NND_ERR_ARG, "NULL network");
    CHECK(nnd_sgd(net, NULL, &o, NULL) == NND_ERR_ARG, "NULL data");
    {
        int bad_sizes[] = {6, 0, 3};
        nnd_layer_spec s1 = nnd_dense_layer(3, NND_SOFTMAX, 0.0), s2 = nnd_dense_layer(3, NND_RELU, 0.0);
        nnd_layer_spec s3 = nnd_dense_layer(3, NND_SIGMOID, 1.0);
        CHECK(nnd_network2(bad_sizes, 3, NND_QUADRATIC, NULL, &st) == NULL && st == NND_ERR_ARG,
              "a layer of 0 neurons");
        CHECK(nnd_network2(sizes, 1, NND_QUADRATIC, NULL, &st) == NULL && st == NND_ERR_ARG,
              "a network of one layer");
        CHECK(nnd_net_create(6, &s1, 1, NND_CROSS_ENTROPY, &st) == NULL && st == NND_ERR_ARG,
              "softmax with cross-entropy");
        CHECK(nnd_net_create(6, &s2, 1, NND_LOG_LIKELIHOOD, &st) == NULL && st == NND_ERR_ARG,
              "log-likelihood without softmax");
        CHECK(nnd_net_create(6, &s2, 1, NND_CROSS_ENTROPY, &st) == NULL && st == NND_ERR_ARG,
              "cross-entropy on a ReLU output");
        CHECK(nnd_net_create(6, &s3, 1, NND_QUADRATIC, &st) == NULL && st == NND_ERR_ARG,
              "dropout probability 1");
    }
    nnd_free(net);
    free_toy(&t);
    free_toy(&wrong);
}

typedef struct seen {
    int calls, last_epoch, stop_after;
    double eta[16];
} seen;

static int on_epoch(const nnd_epoch *e, void *user)
{
    seen *s = (seen *)user;
    s->eta[s->calls % 16] = e->eta;
    s->last_epoch = e->epoch;
    ++s->calls;
    return s->stop_after >= 0 && e->epoch >= s->stop_after;
}

static double halve(int epoch, double eta0, void *user)
{
    (void)user;
    return eta0 * pow(0.5, epoch);
}

static void monitors_and_callbacks(void)
{
    int sizes[] = {6, 5, 3}, st, correct, i;
    nnd_rng rng;
    toy tr = make_toy(40, 6, 3, 7), ev = make_toy(13, 6, 3, 8);
    nnd_net *net;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_history h;
    seen s;
    double cost, by_hand = 0.0;
    nnd_rng_seed(&rng, 3);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    memset(&s, 0, sizeof s);
    s.stop_after = -1;
    o.epochs = 4;
    o.mini_batch_size = 3;
    o.lmbda = 2.0;
    o.evaluation_data = &ev.d;
    o.monitor_evaluation_accuracy = o.monitor_evaluation_cost = 1;
    o.monitor_training_accuracy = o.monitor_training_cost = 1;
    o.rng = &rng;
    o.on_epoch = on_epoch;
    o.user = &s;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 4 && s.calls == 4 && s.last_epoch == 3,
          "4 epochs: status %s, %d epochs, %d callbacks", nnd_strerror(st), h.epochs, s.calls);
    nnd_accuracy(net, &ev.d, &correct);
    CHECK(h.evaluation_accuracy[3] == correct, "evaluation accuracy %d vs %d",
          h.evaluation_accuracy[3], correct);
    nnd_accuracy(net, &tr.d, &correct);
    CHECK(h.training_accuracy[3] == correct, "training accuracy");
    nnd_total_cost(net, &tr.d, 2.0, 0, &cost);
    CHECK(h.training_cost[3] == cost, "training cost %.17g vs %.17g", h.training_cost[3], cost);
    nnd_total_cost(net, &ev.d, 2.0, 0, &cost);
    CHECK(h.evaluation_cost[3] == cost, "evaluation cost");
    /* total_cost by hand: sum fn / n + 0.5 (lmbda / n) sum w^2, n = len(data) */
    {
        nnd_real out[13 * 3], y[3];
        double w2 = 0.0;
        int l;
        size_t q;
        nnd_feedforward(net, ev.x, (size_t)13 * ev.d.n_in, out, sizeof out / sizeof *out);
        for (i = 0; i < 13; ++i) {
            y[0] = y[1] = y[2] = 0;
            y[ev.labels[i]] = 1;
            by_hand += nnd_cost_fn(NND_CROSS_ENTROPY, out + 3 * i, y, 3);
        }
        for (l = 0; l < 2; ++l)
            for (q = 0; q < nnd_layer_info(net, l).n_weights; ++q)
                w2 += (double)nnd_weights(net, l)[q] * nnd_weights(net, l)[q];
        by_hand = by_hand / 13 + 0.5 * (2.0 / 13) * w2;
        CHECK(fabs(by_hand - cost) < 1e-9 * fabs(cost), "total_cost %.17g, by hand %.17g", cost,
              by_hand);
    }
    nnd_history_free(&h);

    /* the callback can stop training */
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    o.epochs = 10;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 2 && h.stopped_early, "callback stop: %d epochs", h.epochs);
    nnd_history_free(&h);

    /* an eta schedule */
    memset(&s, 0, sizeof s);
    s.stop_after = -1;
    o.epochs = 4;
    o.eta = 0.8;
    o.eta_schedule = halve;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.eta[0] == 0.8 && h.eta[1] == 0.4 && h.eta[3] == 0.1 && s.eta[3] == 0.1,
          "eta schedule: %g %g %g", h.eta[0], h.eta[1], h.eta[3]);
    nnd_history_free(&h);
    nnd_free(net);
    free_toy(&tr);
    free_toy(&ev);
}

/* Early stopping and eta halving run on evaluation accuracy; with eta so
   small that nothing changes, no epoch after the first improves. */
static void early_stopping(void)
{
    int sizes[] = {6, 5, 3}, st;
    nnd_rng rng;
    toy tr = make_toy(30, 6, 3, 7);
    nnd_net *net;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_history h;
    nnd_rng_seed(&rng, 3);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    o.epochs = 50;
    o.eta = 1e-30;
    o.evaluation_data = &tr.d;
    o.early_stopping_patience = 3;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 4 && h.stopped_early, "no-improvement-in-3: %d epochs",
          h.epochs);
    nnd_history_free(&h);
    o.early_stopping_patience = 2;
    o.eta_halvings = 3;
    st = nnd_sgd(net, &tr.d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 7 && h.eta[2] == 1e-30 && h.eta[3] == 0.5e-30 &&
              h.eta[5] == 0.25e-30 && h.stopped_early,
          "halving: %d epochs, eta %g %g %g", h.epochs, h.eta[2], h.eta[3], h.eta[5]);
    nnd_history_free(&h);
    nnd_free(net);
    free_toy(&tr);
}

static void plateau_rule(void)
{
    static const double stream[] = {50, 60, 70, 70, 65, 69, 70, 68};
    nnd_plateau p;
    int e, stop = -1, halvings[8], nh = 0;
    nnd_plateau_init(&p, 3, 0);
    for (e = 0; e < 8 && stop < 0; ++e)
        if (nnd_plateau_update(&p, stream[e]) == NND_STOP) stop = e;
    CHECK(stop == 5 && p.best_epoch == 2, "no-improvement-in-3 stopped at %d", stop);
    nnd_plateau_init(&p, 10, 7);
    stop = -1;
    for (e = 0; e < 200 && stop < 0; ++e) {
        int a = nnd_plateau_update(&p, e == 0 ? 1.0 : 0.5);
        if (a == NND_HALVE_ETA) halvings[nh++ % 8] = e;
        if (a == NND_STOP) stop = e;
    }
    CHECK(nh == 6 && halvings[0] == 10 && halvings[5] == 60 && stop == 70,
          "halve-until-1/128: %d halvings, stop at %d", nh, stop);
}

/* Accuracy and predictions cover every example, whatever the chunking. */
static void evaluation(void)
{
    int sizes[] = {6, 9, 47}, st, i, correct, hits = 0;
    nnd_rng rng;
    toy t = make_toy(301, 6, 47, 2);
    nnd_net *net;
    int *pred = (int *)malloc(301 * sizeof *pred);
    nnd_real out[47];
    nnd_rng_seed(&rng, 5);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    CHECK(nnd_predict(net, &t.d, pred) == NND_OK, "predict");
    CHECK(nnd_accuracy(net, &t.d, &correct) == NND_OK, "accuracy");
    for (i = 0; i < 301; ++i) {
        int j, best = 0;
        nnd_feedforward(net, t.x + 6 * i, 6, out, 47);
        for (j = 1; j < 47; ++j)
            if (out[j] > out[best]) best = j;
        CHECK(pred[i] == best, "prediction %d", i);
        hits += best == t.labels[i];
    }
    CHECK(correct == hits, "accuracy %d, by hand %d (47 classes)", correct, hits);
    {
        nnd_data s = nnd_data_slice(&t.d, 290, 50);
        CHECK(s.n == 11 && s.labels == t.labels + 290 && s.x == t.x + 290 * 6, "slice clipping");
    }
    free(pred);
    nnd_free(net);
    free_toy(&t);
}

/* Dropout: evaluation scales the layer's input by 1 - p (network3). */
static void dropout_evaluation(void)
{
    nnd_layer_spec specs[2];
    int st, j, k;
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[5] = {(nnd_real)0.1, (nnd_real)-0.4, (nnd_real)0.9, (nnd_real)0.3, (nnd_real)-0.7};
    nnd_real out[3];
    double worst = 0.0;
    specs[0] = nnd_dense_layer(4, NND_TANH, 0.0);
    specs[1] = nnd_dense_layer(3, NND_SOFTMAX, 0.25);
    net = nnd_net_create(5, specs, 2, NND_LOG_LIKELIHOOD, &st);
    nnd_rng_seed(&rng, 8);
    nnd_default_weight_initializer(net, &rng);
    nnd_feedforward(net, x, 5, out, 3);
    {
        double a1[4], z[3], mx, sum = 0.0;
        for (j = 0; j < 4; ++j) {
            double zz = nnd_biases(net, 0)[j];
            for (k = 0; k < 5; ++k) zz += nnd_weight(net, 0, j, k) * x[k];
            a1[j] = tanh(zz);
        }
        for (j = 0; j < 3; ++j) {
            double s = 0.0;
            for (k = 0; k < 4; ++k) s += nnd_weight(net, 1, j, k) * a1[k];
            z[j] = 0.75 * s + nnd_biases(net, 1)[j];
        }
        mx = fmax(z[0], fmax(z[1], z[2]));
        for (j = 0; j < 3; ++j) sum += exp(z[j] - mx);
        for (j = 0; j < 3; ++j) worst = fmax(worst, fabs(exp(z[j] - mx) / sum - out[j]));
    }
    CHECK(worst < 100 * TOL, "dropout evaluation differs by %g", worst);
    nnd_free(net);
}

/* Targets y instead of labels: a linear neuron learns y = 2x - 1. */
static void regression(void)
{
    nnd_layer_spec lin = nnd_dense_layer(1, NND_LINEAR, 0.0);
    nnd_real x[20], y[20];
    nnd_data d;
    int i, st;
    nnd_net *net = nnd_net_create(1, &lin, 1, NND_QUADRATIC, &st);
    nnd_sgd_options o = nnd_sgd_defaults();
    for (i = 0; i < 20; ++i) {
        x[i] = (nnd_real)(i / 20.0);
        y[i] = 2 * x[i] - 1;
    }
    memset(&d, 0, sizeof d);
    d.n = 20;
    d.n_in = 1;
    d.x = x;
    d.y = y;
    d.n_y = 1;
    o.epochs = 2000;
    o.mini_batch_size = 20;
    o.eta = 1.0;
    nnd_set_weight(net, 0, 0, 0, 0.0); /* start from w = b = 0, explicitly (an unset net is refused) */
    st = nnd_sgd(net, &d, &o, NULL);
    CHECK(st == NND_OK && fabs(nnd_weight(net, 0, 0, 0) - 2) < 1e-3 && fabs(nnd_biases(net, 0)[0] + 1) < 1e-3,
          "regression: w %g b %g", nnd_weight(net, 0, 0, 0), (double)nnd_biases(net, 0)[0]);
    nnd_free(net);
}

/* Threads (with -fopenmp) change nothing: 1, 2 and 3 threads give the same
   bits, on a batch big enough to run in parallel, through the sparse input
   path and the dense one. Without OpenMP this compares serial runs. */
static void thread_count_independence(void)
{
    int sizes[] = {200, 64, 40, 10}, st, mode, th;
    toy t = make_toy(400, 200, 10, 12);
    nnd_net *ref = NULL;
    int i;
    for (i = 0; i < 400 * 200; ++i)
        if (i % 3) t.x[i] = 0; /* two thirds zero: the sparse path */
    for (mode = 1; mode <= 2; ++mode) {
        for (th = 1; th <= 3; ++th) {
            nnd_rng rng;
            nnd_net *net;
            nnd_sgd_options o = nnd_sgd_defaults();
            nnd_rng_seed(&rng, 21);
            net = nnd_network2(sizes, 4, NND_CROSS_ENTROPY, &rng, &st);
            nnd_set_sparse_input(net, mode);
            nnd_set_threads(net, th);
            o.epochs = 2;
            o.mini_batch_size = 100;
            o.lmbda = 1.0;
            o.rng = &rng;
            nnd_sgd(net, &t.d, &o, NULL);
            if (th == 1) {
                nnd_free(ref);
                ref = net;
                continue;
            }
            CHECK(same_bits(ref, net), "%s input, %d threads: parameters differ from 1 thread",
                  mode == 1 ? "dense" : "sparse", th);
            nnd_free(net);
        }
    }
    nnd_free(ref);
    free_toy(&t);
}

/* Train the layers L on t with 1, 2, ... max_threads threads from the same
   start (initialiser seed init_seed, dropout seed 77, options o) and check
   that every thread count ends with the bits of one thread, and that the
   trained net's outputs for the first 37 examples (the evaluation pass:
   no dropout masks) are the same bits too. */
static void same_bits_over_threads(const char *what, const toy *t, const nnd_layer_spec *L, int n_layers,
                                   uint64_t init_seed, const nnd_sgd_options *o, int max_threads)
{
    nnd_net *ref = NULL;
    int th, st, m = t->d.n < 37 ? t->d.n : 37;
    nnd_real *out_ref = (nnd_real *)malloc(sizeof(nnd_real) * 10 * (size_t)m);
    nnd_real *out = (nnd_real *)malloc(sizeof(nnd_real) * 10 * (size_t)m);
    for (th = 1; th <= max_threads; ++th) {
        nnd_rng rng;
        nnd_net *net = nnd_net_create(t->d.n_in, L, n_layers, NND_LOG_LIKELIHOOD, &st);
        CHECK(net != NULL, "%s: status %d", what, st);
        if (!net) break;
        nnd_rng_seed(&rng, init_seed);
        nnd_network3_initializer(net, &rng, 0);
        nnd_set_dropout_seed(net, 77);
        nnd_set_threads(net, th);
        st = nnd_sgd(net, &t->d, o, NULL);
        CHECK(st == NND_OK, "%s, %d threads: sgd status %d", what, th, st);
        st = nnd_feedforward(net, t->x, (size_t)m * t->d.n_in, th == 1 ? out_ref : out, (size_t)m * 10);
        CHECK(st == NND_OK && nnd_output_size(net) == 10, "%s, %d threads: feedforward status %d", what,
              th, st);
        if (th == 1) {
            ref = net;
            continue;
        }
        CHECK(same_bits(ref, net), "%s, %d threads: parameters differ from 1 thread", what, th);
        CHECK(memcmp(out, out_ref, sizeof(nnd_real) * 10 * (size_t)m) == 0,
              "%s, %d threads: outputs differ from 1 thread", what, th);
        nnd_free(net);
    }
    nnd_free(ref);
    free(out_ref);
    free(out);
}

/* The same for the chapter 6 layers: conv-pool (two of them, so that the
   second one sends its Delta back through pooling and col2im), a dropout
   FC layer and a dropout softmax layer, at mini-batch 10 - the shapes where
   the products are cut into column strips for the threads and BP2 takes the
   transposed route. 1, 2 and 3 threads must give the same bits. */
static void thread_count_independence_conv(void)
{
    toy t = make_toy(200, 16 * 16, 10, 31);
    nnd_layer_spec L[4];
    nnd_sgd_options o = nnd_network3_options(2, 10, 0.05, NULL, NULL, 0.1);
    L[0] = nnd_conv_pool_layer(8, 5, 5, 2, 2, NND_RELU);  /* 16x16 -> 8 x 6x6 */
    L[1] = nnd_conv_pool_layer(16, 3, 3, 2, 2, NND_RELU); /* -> 16 x 2x2 */
    L[2] = nnd_fully_connected_layer(100, NND_SIGMOID, 0.5);
    L[3] = nnd_softmax_layer(10, 0.5);
    same_bits_over_threads("conv net", &t, L, 4, 5, &o, 3);
    free_toy(&t);
}

/* A first layer reading a three-channel image with 6x6 filters: its patch
   rows have runs of 18 values, so with two threads each one copies the other
   slab's patches again from the input for the weight gradient (see
   nnd__gradients) - the copy must fit the slab's scratch and give the bits
   of one thread. */
static void thread_count_independence_channels(void)
{
    toy t = make_toy(120, 3 * 12 * 12, 10, 47);
    nnd_layer_spec L[2];
    nnd_sgd_options o = nnd_network3_options(2, 10, 0.05, NULL, NULL, 0.0);
    L[0] = nnd_conv_pool_layer(6, 6, 6, 2, 2, NND_TANH); /* 3 x 12x12 -> 6 x 3x3 */
    L[0].image_c = 3;
    L[0].image_h = L[0].image_w = 12;
    L[1] = nnd_softmax_layer(10, 0.0);
    same_bits_over_threads("3-channel conv net", &t, L, 2, 9, &o, 2);
    free_toy(&t);
}

/* A dense layer whose weights are more than a core's share of cache
   (nnd__split): with two or more threads it is split by its weights - the
   forward pass a pipeline over the threads (each adds its rows' terms to
   what the one before left), BP2 and the fused gradient-and-step by rows.
   The sizes take every path: 100 outputs (not a whole number of vectors in
   float: the pipeline's last column block), mini-batches whose groups of
   rows are 4 + 3 + 3 (10), 5 (5) and 3 + 3 (6), two split
   layers in a row with dropout (masks formed across the pipeline, and the
   evaluation rule z = (1-p) a w + b), L2, L1 and momentum (no fused step).
   1 to 4 threads (2 to 4 stages) must give the bits of one thread. */
static void thread_count_independence_split(void)
{
    toy t = make_toy(126, 900, 10, 53);
    nnd_layer_spec A[3], B[4];
    nnd_sgd_options o = nnd_network3_options(2, 10, 0.1, NULL, NULL, 0.5);
    A[0] = nnd_fully_connected_layer(720, NND_TANH, 0.0);
    A[1] = nnd_fully_connected_layer(100, NND_SIGMOID, 0.0); /* 720 x 100: split */
    A[2] = nnd_softmax_layer(10, 0.0);
    same_bits_over_threads("split layer, L2, mini-batch 10", &t, A, 3, 3, &o, 4);
    o.mini_batch_size = 5;
    o.regularization = NND_L1;
    same_bits_over_threads("split layer, L1, mini-batch 5", &t, A, 3, 3, &o, 3);
    o.mini_batch_size = 6;
    o.regularization = NND_L2;
    o.momentum = 0.5;
    same_bits_over_threads("split layer, momentum, mini-batch 6", &t, A, 3, 3, &o, 2);
    o.momentum = 0.0;
    o.mini_batch_size = 10;
    B[0] = nnd_fully_connected_layer(700, NND_RELU, 0.0);
    B[1] = nnd_fully_connected_layer(400, NND_SIGMOID, 0.5); /* 700 x 400 and */
    B[2] = nnd_fully_connected_layer(216, NND_TANH, 0.3);    /* 400 x 216: both split */
    B[3] = nnd_softmax_layer(10, 0.5);
    same_bits_over_threads("two split layers with dropout", &t, B, 4, 8, &o, 3);
    free_toy(&t);
}

static void strerror_all(void)
{
    int s;
    for (s = -6; s <= 0; ++s)
        CHECK(strcmp(nnd_strerror(s), "unknown status") != 0, "no text for status %d", s);
    CHECK(strcmp(nnd_strerror(42), "unknown status") == 0, "status 42");
}

int main(void)
{
    update_rules(NND_L2, 0.0, "L2 (93)");
    update_rules(NND_L1, 0.0, "L1 (97)");
    update_rules(NND_L2, 0.6, "momentum (107)-(108) with L2");
    update_rules(NND_L1, 0.3, "momentum with L1");
    determinism();
    augmentation_dense_input();
    divergence();
    bad_arguments();
    monitors_and_callbacks();
    early_stopping();
    plateau_rule();
    evaluation();
    dropout_evaluation();
    regression();
    thread_count_independence();
    thread_count_independence_conv();
    thread_count_independence_channels();
    thread_count_independence_split();
    strerror_all();
    return check_summary();
}
