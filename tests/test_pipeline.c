/* The training pipeline of nnd_sgd against computations written out here:
   the order in which an epoch visits the examples (a fresh permutation of
   all of them every epoch, as network2's random.shuffle of the list), the
   short last mini-batch (its examples count, with the step eta/m' of its
   own size m', as update_mini_batch's len(mini_batch)), the L2 and L1 steps
   (93) and (97) with n != m on dense and on sparse first layers, and the
   network2 JSON text exactly as network2.py's save() writes it.

   The expected values come from plain loops in this file: a forward pass,
   BP1-BP4 and the update rule for a small sigmoid network in double, never
   nnd_backprop or any other part of the library. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* How far the library's parameters after an epoch may be from the plain
   loops' double ones (relative to max(1, |w|)). Measured: at most 7.3e-8 in
   float (a few roundings of 6e-8 each, the inputs rounded to float among
   them), 1.1e-16 in double; the bounds leave 5x and 9x for other compilers
   and flags. A wrong rule moves them by 1e-3 or more. */
#ifdef NND_DOUBLE
#define TOL 1e-15
#else
#define TOL 4e-7
#endif

/* ------------------------------------------------------------------------
   The plain loops: a network2 net of sigmoid layers with cross-entropy
   cost, w[l][j n_in + k] = w^l_jk in the book's indexing. */
enum { MAXL = 3, MAXW = 8 };

typedef struct hand_net {
    int layers, sizes[MAXL + 1];
    double w[MAXL][MAXW * MAXW], b[MAXL][MAXW];
} hand_net;

/* The same parameters as the library's net, read one by one. */
static void hand_from(nnd_net *net, const int *sizes, int n_sizes, hand_net *H)
{
    int l, j, k;
    H->layers = n_sizes - 1;
    for (l = 0; l < n_sizes; ++l) H->sizes[l] = sizes[l];
    for (l = 0; l < H->layers; ++l)
        for (j = 0; j < sizes[l + 1]; ++j) {
            H->b[l][j] = nnd_biases(net, l)[j];
            for (k = 0; k < sizes[l]; ++k) H->w[l][j * sizes[l] + k] = nnd_weight(net, l, j, k);
        }
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static double sgn(double w) { return (double)((w > 0) - (w < 0)); }

/* Add example x's gradient of C = cross-entropy(a^L, y) to gw, gb:
   feedforward (23), delta^L = a^L - y (66), BP2 delta^l = (w^{l+1})^T
   delta^{l+1} * sigma'(z^l), BP3 dC/db = delta, BP4 dC/dw_jk = a_k delta_j. */
static void hand_gradient(const hand_net *H, const double *x, const double *y, double gw[][MAXW * MAXW],
                          double gb[][MAXW])
{
    double a[MAXL + 1][MAXW], d[MAXL][MAXW];
    int l, j, k;
    for (k = 0; k < H->sizes[0]; ++k) a[0][k] = x[k];
    for (l = 0; l < H->layers; ++l)
        for (j = 0; j < H->sizes[l + 1]; ++j) {
            double z = H->b[l][j];
            for (k = 0; k < H->sizes[l]; ++k) z += H->w[l][j * H->sizes[l] + k] * a[l][k];
            a[l + 1][j] = sigmoid(z);
        }
    l = H->layers - 1;
    for (j = 0; j < H->sizes[l + 1]; ++j) d[l][j] = a[l + 1][j] - y[j];
    for (l = H->layers - 2; l >= 0; --l)
        for (k = 0; k < H->sizes[l + 1]; ++k) {
            double s = 0;
            for (j = 0; j < H->sizes[l + 2]; ++j) s += H->w[l + 1][j * H->sizes[l + 1] + k] * d[l + 1][j];
            d[l][k] = s * a[l + 1][k] * (1 - a[l + 1][k]);
        }
    for (l = 0; l < H->layers; ++l)
        for (j = 0; j < H->sizes[l + 1]; ++j) {
            gb[l][j] += d[l][j];
            for (k = 0; k < H->sizes[l]; ++k) gw[l][j * H->sizes[l] + k] += a[l][k] * d[l][j];
        }
}

/* One epoch of network2's SGD in the fixed order 0..n-1: mini-batches
   [k, k+m), the last one m' = n - k long, and for each
     L2 (93): w <- (1 - eta lmbda/n) w - (eta/m') sum grad_w
     L1 (97): w <- w - (eta lmbda/n) sgn(w) - (eta/m') sum grad_w
     b <- b - (eta/m') sum grad_b.   */
static void hand_epoch(hand_net *H, const double *x, const double *y, int n, int m, double eta,
                       double lmbda, int l1)
{
    int k, i, l, p;
    for (k = 0; k < n; k += m) {
        const int mb = n - k < m ? n - k : m; /* len(mini_batch) */
        double gw[MAXL][MAXW * MAXW], gb[MAXL][MAXW];
        memset(gw, 0, sizeof gw);
        memset(gb, 0, sizeof gb);
        for (i = k; i < k + mb; ++i)
            hand_gradient(H, x + i * H->sizes[0], y + i * H->sizes[H->layers], gw, gb);
        for (l = 0; l < H->layers; ++l) {
            for (p = 0; p < H->sizes[l] * H->sizes[l + 1]; ++p) {
                double w = H->w[l][p];
                H->w[l][p] = l1 ? w - eta * lmbda / n * sgn(w) - eta / mb * gw[l][p]
                                : (1 - eta * lmbda / n) * w - eta / mb * gw[l][p];
            }
            for (p = 0; p < H->sizes[l + 1]; ++p) H->b[l][p] -= eta / mb * gb[l][p];
        }
    }
}

/* The largest |library - hand| / max(1, |hand|) over layer l's weights
   (part 0) or biases (part 1). */
static double layer_diff(nnd_net *net, const hand_net *H, int l, int part)
{
    double worst = 0;
    int j, k;
    for (j = 0; j < H->sizes[l + 1]; ++j) {
        if (part == 1) {
            double h = H->b[l][j];
            worst = fmax(worst, fabs(nnd_biases(net, l)[j] - h) / fmax(1.0, fabs(h)));
            continue;
        }
        for (k = 0; k < H->sizes[l]; ++k) {
            double h = H->w[l][j * H->sizes[l] + k];
            worst = fmax(worst, fabs(nnd_weight(net, l, j, k) - h) / fmax(1.0, fabs(h)));
        }
    }
    return worst;
}

/* One epoch of nnd_sgd in the fixed order (rng NULL) on reals x, targets y. */
static int library_epoch(nnd_net *net, const nnd_real *x, const nnd_real *y, int n, int m, double eta,
                         double lmbda, int l1)
{
    nnd_data d = nnd_data_targets(nnd_data_reals(x, n, nnd_input_size(net), NULL), y,
                                  nnd_output_size(net));
    nnd_sgd_options o = nnd_sgd_defaults();
    o.epochs = 1;
    o.mini_batch_size = m;
    o.eta = eta;
    o.lmbda = lmbda;
    o.regularization = l1 ? NND_L1 : NND_L2;
    return nnd_sgd(net, &d, &o, NULL);
}

/* ------------------------------------------------------------------------
   Shuffling. A linear neuron y = w.x + b with quadratic cost, trained with
   mini-batches of one on N one-hot examples x_i = e_i with target 1, from
   w = 0, b = 0, eta = 1/2: the example visited t-th (t = 0, 1, ...) finds
   b = 1 - 2^-t and w_i = 0, so its step leaves
     w_i = -eta (w_i + b - 1) = 2^-(t+1),      b = 1 - 2^-(t+1)
   (every number a power of two: exact in float). Weight i thus reads the
   position at which example i was visited. The callback puts the parameters
   back to zero after each epoch and records the positions. */
enum { N_SHUF = 16, EPOCHS_SHUF = 3 };

typedef struct visits {
    nnd_net *net;
    int epochs;
    /* the position of example i in epoch e's order; -1 when its weight is
       not a power of two (the example was not visited exactly once) */
    int position[EPOCHS_SHUF][N_SHUF];
} visits;

static int record_visits(const nnd_epoch *e, void *user)
{
    visits *V = (visits *)user;
    nnd_real *p = nnd_params(V->net);
    int i;
    if (e->epoch >= EPOCHS_SHUF) return 1;
    for (i = 0; i < N_SHUF; ++i) {
        const double w = nnd_weight(V->net, 0, 0, i);
        int t;
        V->position[e->epoch][i] = -1;
        for (t = 0; t < N_SHUF; ++t)
            if (w == ldexp(1.0, -(t + 1))) V->position[e->epoch][i] = t;
    }
    V->epochs = e->epoch + 1;
    memset(p, 0, nnd_param_count(V->net) * sizeof *p);
    return 0;
}

/* Whether position[] assigns the positions 0..N-1 to the N examples, each once. */
static int is_permutation(const int *position)
{
    int seen[N_SHUF] = {0}, i;
    for (i = 0; i < N_SHUF; ++i) {
        if (position[i] < 0 || position[i] >= N_SHUF || seen[position[i]]) return 0;
        seen[position[i]] = 1;
    }
    return 1;
}

static void test_shuffle(void)
{
    nnd_layer_spec layer = nnd_dense_layer(1, NND_LINEAR, 0.0);
    nnd_real x[N_SHUF * N_SHUF], y[N_SHUF];
    int order[N_SHUF], expect[EPOCHS_SHUF][N_SHUF];
    nnd_rng rng, replay;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_data d;
    visits V;
    int st, e, i, identity, same_as_before;
    nnd_net *net = nnd_net_create(N_SHUF, &layer, 1, NND_QUADRATIC, &st);
    CHECK(net != NULL, "linear neuron: %s", nnd_strerror(st));
    if (!net) return;
    memset(nnd_params(net), 0, nnd_param_count(net) * sizeof(nnd_real));
    memset(x, 0, sizeof x);
    for (i = 0; i < N_SHUF; ++i) {
        x[i * N_SHUF + i] = 1;
        y[i] = 1;
    }
    d = nnd_data_targets(nnd_data_reals(x, N_SHUF, N_SHUF, NULL), y, 1);
    memset(&V, 0, sizeof V);
    V.net = net;
    nnd_rng_seed(&rng, 2024);
    replay = rng;
    o.epochs = EPOCHS_SHUF;
    o.mini_batch_size = 1;
    o.eta = 0.5;
    o.rng = &rng;
    o.on_epoch = record_visits;
    o.user = &V;
    st = nnd_sgd(net, &d, &o, NULL);
    CHECK(st == NND_OK && V.epochs == EPOCHS_SHUF, "shuffle run: %s, %d epochs", nnd_strerror(st), V.epochs);

    /* The order random.shuffle gives: Fisher-Yates on the list as the last
       epoch left it (network2 shuffles training_data in place), j uniform
       in 0..i from the same stream. */
    for (i = 0; i < N_SHUF; ++i) order[i] = i;
    for (e = 0; e < EPOCHS_SHUF; ++e) {
        for (i = N_SHUF - 1; i > 0; --i) {
            const int j = (int)nnd_rng_below(&replay, (uint32_t)i + 1u), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (i = 0; i < N_SHUF; ++i) expect[e][order[i]] = i; /* example order[t] is visited t-th */
    }
    for (e = 0; e < V.epochs; ++e) {
        const int *pos = V.position[e];
        CHECK(is_permutation(pos), "epoch %d: the visits are not a permutation of the %d examples", e,
              N_SHUF);
        identity = same_as_before = 1;
        for (i = 0; i < N_SHUF; ++i) {
            if (pos[i] != i) identity = 0;
            if (e > 0 && pos[i] != V.position[e - 1][i]) same_as_before = 0;
        }
        CHECK(!identity, "epoch %d visits the examples in their stored order: no shuffle", e);
        if (e > 0) CHECK(!same_as_before, "epoch %d visits the examples in epoch %d's order", e, e - 1);
        CHECK(memcmp(pos, expect[e], sizeof expect[e]) == 0,
              "epoch %d: the order is not Fisher-Yates on the previous epoch's order", e);
    }
    printf("visiting order, epoch 0:");
    for (i = 0; i < N_SHUF; ++i) {
        int k;
        for (k = 0; k < N_SHUF; ++k)
            if (V.position[0][k] == i) printf(" %d", k);
    }
    printf("\n");
    nnd_free(net);
}

/* ------------------------------------------------------------------------
   The short last mini-batch. n = 5 examples in batches of m = 2: [0,1],
   [2,3], [4]. Input 2 is non-zero in example 4 only, so its weight moves
   in the last batch alone, by -(eta/1) delta x_2: the batch of one takes
   the full step eta/m' (m' = 1), not eta/m. */
static void test_short_batch(void)
{
    enum { N = 5, M = 2, NIN = 3 };
    static const double xs[N * NIN] = {0.9, 0.2, 0, 0.1, 0.8, 0, 0.5, 0.5, 0, 0.3, 0.7, 0, 0.6, 0.4, 1.0};
    static const double ys[N] = {1, 0, 1, 0, 0};
    const double eta = 0.8;
    int sizes[] = {NIN, 1}, st, i, part;
    nnd_real x[N * NIN], y[N];
    double w2_before, step_seen, step_hand;
    hand_net H;
    nnd_rng rng;
    nnd_net *net;
    nnd_rng_seed(&rng, 7);
    net = nnd_network2(sizes, 2, NND_CROSS_ENTROPY, &rng, &st);
    CHECK(net != NULL, "short batch net: %s", nnd_strerror(st));
    if (!net) return;
    for (i = 0; i < N * NIN; ++i) x[i] = (nnd_real)xs[i];
    for (i = 0; i < N; ++i) y[i] = (nnd_real)ys[i];
    hand_from(net, sizes, 2, &H);
    w2_before = H.w[0][2];
    hand_epoch(&H, xs, ys, N, M, eta, 0.0, 0);
    st = library_epoch(net, x, y, N, M, eta, 0.0, 0);
    CHECK(st == NND_OK, "short batch epoch: %s", nnd_strerror(st));
    for (part = 0; part < 2; ++part) {
        const double diff = layer_diff(net, &H, 0, part);
        printf("short batch: %s differ from the plain loops by %.3g\n", part ? "biases" : "weights", diff);
        CHECK(diff <= TOL, "short last batch: %s %.3g from the plain loops (m' = 1 takes eta/1)",
              part ? "biases" : "weights", diff);
    }
    /* w_2 moves in the last batch only: by -(eta/1) (a_4 - y_4) x_2 in the
       plain loops; dropping that batch leaves it where it was, and a step
       eta/m would move it half as far. */
    step_seen = nnd_weight(net, 0, 0, 2) - w2_before;
    step_hand = H.w[0][2] - w2_before;
    printf("short batch: w_2 moved by %.9g (plain loops: %.9g)\n", step_seen, step_hand);
    /* the data make the step large (0.526), so a lost step cannot hide */
    CHECK(fabs(step_hand) > 0.1 && fabs(step_seen - step_hand) <= TOL,
          "w_2, touched by the last batch only, moved by %.9g, not %.9g", step_seen, step_hand);
    nnd_free(net);
}

/* ------------------------------------------------------------------------
   L2 and L1 with n = 6, m = 4 (batches of 4 and 2), on a [4, 3, 2] net whose
   first layer reads its inputs densely or through the sparse kernels (half
   the inputs are zero); the second layer is a dense one either way. The
   result: the largest difference from the plain loops over both layers'
   weights and biases (printed layer by layer). */
static double regularised_epoch(int mode, int l1)
{
    enum { N = 6, M = 4, NIN = 4, NOUT = 2 };
    static const double xs[N * NIN] = {0.9, 0, 0.4, 0, 0, 0.7, 0, 0.2, 0.3, 0.6, 0, 0,
                                       0, 0, 0.8, 0.5, 0.1, 0, 0, 0.9, 0, 0.4, 0.6, 0};
    static const double ys[N * NOUT] = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
    const double eta = 0.5, lmbda = 2.0;
    int sizes[] = {NIN, 3, NOUT}, st, i, l, part;
    nnd_real x[N * NIN], y[N * NOUT];
    double worst = 0;
    hand_net H;
    nnd_rng rng;
    nnd_net *net;
    for (i = 0; i < N * NIN; ++i) x[i] = (nnd_real)xs[i];
    for (i = 0; i < N * NOUT; ++i) y[i] = (nnd_real)ys[i];
    nnd_rng_seed(&rng, 11);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    if (!net) return HUGE_VAL;
    nnd_set_sparse_input(net, mode);
    hand_from(net, sizes, 3, &H);
    hand_epoch(&H, xs, ys, N, M, eta, lmbda, l1);
    st = library_epoch(net, x, y, N, M, eta, lmbda, l1);
    if (st != NND_OK) worst = HUGE_VAL;
    for (l = 0; l < 2; ++l)
        for (part = 0; part < 2; ++part) {
            const double diff = layer_diff(net, &H, l, part);
            printf("%s, %s first layer: layer %d %s differ from the plain loops by %.3g\n", l1 ? "L1" : "L2",
                   mode == NND_INPUT_SPARSE ? "sparse" : "dense", l, part ? "biases" : "weights", diff);
            worst = fmax(worst, diff);
        }
    nnd_free(net);
    return worst;
}

static void test_regularisation(void)
{
    double d;
    d = regularised_epoch(NND_INPUT_DENSE, 0);
    CHECK(d <= TOL, "L2 (93), dense first layer, n = 6, m = 4: %.3g from the plain loops", d);
    d = regularised_epoch(NND_INPUT_SPARSE, 0);
    CHECK(d <= TOL, "L2 (93), sparse first layer, n = 6, m = 4: %.3g from the plain loops", d);
    d = regularised_epoch(NND_INPUT_DENSE, 1);
    CHECK(d <= TOL, "L1 (97), dense first layer, n = 6, m = 4: %.3g from the plain loops", d);
    d = regularised_epoch(NND_INPUT_SPARSE, 1);
    CHECK(d <= TOL, "L1 (97), sparse first layer, n = 6, m = 4: %.3g from the plain loops", d);
}

/* ------------------------------------------------------------------------
   network2 JSON. network2.py's save() is json.dump of
     {"sizes": sizes, "weights": [w.tolist() ...], "biases": [b.tolist() ...],
      "cost": str(cost.__name__)}
   with json's default separators ", " and ": ", floats as repr (0.5, 1.0,
   -0.25); a bias vector is a column (n, 1), so tolist() gives one-element
   lists [[b1], [b2], ...]; a weight matrix (n_out, n_in) gives its rows.
   Parameters chosen as exact binary fractions read the same in float and
   double, so the whole text is known. */
static const char json_ce[] =
    "{\"sizes\": [2, 3, 1], "
    "\"weights\": [[[0.5, -0.25], [1.0, 2.0], [-1.5, 0.125]], [[0.75, -2.0, 3.0]]], "
    "\"biases\": [[[0.5], [-1.0], [0.25]], [[2.0]]], "
    "\"cost\": \"CrossEntropyCost\"}";

static void set_json_params(nnd_net *net)
{
    static const double w0[3][2] = {{0.5, -0.25}, {1.0, 2.0}, {-1.5, 0.125}};
    static const double w1[3] = {0.75, -2.0, 3.0};
    static const double b0[3] = {0.5, -1.0, 0.25};
    int j, k;
    for (j = 0; j < 3; ++j) {
        for (k = 0; k < 2; ++k) nnd_set_weight(net, 0, j, k, w0[j][k]);
        nnd_set_weight(net, 1, 0, j, w1[j]);
        nnd_biases(net, 0)[j] = (nnd_real)b0[j];
    }
    nnd_biases(net, 1)[0] = 2.0;
}

/* The whole of a file as text (NULL if it cannot be read). */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    s = (char *)malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

/* Skip the literal s at *p; 0 if the text there is different. */
static int take(const char **p, const char *s)
{
    size_t n = strlen(s);
    if (strncmp(*p, s, n) != 0) return 0;
    *p += n;
    return 1;
}

/* Skip one JSON number at *p (as strtod reads it). */
static int take_number(const char **p)
{
    char *end;
    (void)strtod(*p, &end);
    if (end == *p) return 0;
    *p = end;
    return 1;
}

/* The value of key in a network2 text for the given sizes, one list per
   layer l = 1 .. n_sizes-1 of sizes[l] lists of numbers each: the weights'
   rows of sizes[l-1] numbers, or the biases' one-element lists, as numpy's
   tolist() gives them. *p is left after the value. */
static int layer_lists(const char **p, const char *key, const int *sizes, int n_sizes, int biases)
{
    int l, j, k;
    if (!take(p, key) || !take(p, ": [")) return 0;
    for (l = 1; l < n_sizes; ++l) {
        if ((l > 1 && !take(p, ", ")) || !take(p, "[")) return 0;
        for (j = 0; j < sizes[l]; ++j) {
            if ((j && !take(p, ", ")) || !take(p, "[")) return 0;
            for (k = 0; k < (biases ? 1 : sizes[l - 1]); ++k)
                if ((k && !take(p, ", ")) || !take_number(p)) return 0;
            if (!take(p, "]")) return 0;
        }
        if (!take(p, "]")) return 0;
    }
    return take(p, "]");
}

/* The whole text has network2.py's layout: sizes, weights as rows,
   biases as one-element lists, then the cost's class name. */
static int network2_layout(const char *text, const int *sizes, int n_sizes, const char *cost)
{
    char head[64], tail[64];
    const char *p = text;
    int l, n = snprintf(head, sizeof head, "{\"sizes\": [%d", sizes[0]);
    for (l = 1; l < n_sizes; ++l) n += snprintf(head + n, sizeof head - (size_t)n, ", %d", sizes[l]);
    snprintf(head + n, sizeof head - (size_t)n, "], ");
    snprintf(tail, sizeof tail, ", \"cost\": \"%s\"}", cost);
    return take(&p, head) && layer_lists(&p, "\"weights\"", sizes, n_sizes, 0) && take(&p, ", ") &&
           layer_lists(&p, "\"biases\"", sizes, n_sizes, 1) && take(&p, tail) && *p == '\0';
}

static void test_network2_json(void)
{
    /* one file per build (float, double), so that two runs never share it */
    const char *path =
        sizeof(nnd_real) == 4 ? "build/test_pipeline-float.json" : "build/test_pipeline-double.json";
    int sizes[] = {2, 3, 1}, big[] = {5, 4, 3}, st;
    nnd_error err;
    nnd_rng rng;
    size_t len = 0;
    char *text, *file;
    nnd_net *net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, NULL, &st);
    CHECK(net != NULL, "json net: %s", nnd_strerror(st));
    if (!net) return;
    set_json_params(net);
    text = nnd_network2_write(net, &len, &err);
    CHECK(text != NULL, "nnd_network2_write: %s", err.message);
    if (text) {
        CHECK(len == strlen(json_ce) && strcmp(text, json_ce) == 0, "network2 text %s is not network2.py's %s",
              text, json_ce);
        CHECK(network2_layout(text, sizes, 3, "CrossEntropyCost"),
              "not network2.py's layout (weights as rows, biases as [[b], ...]): %s", text);
    }
    nnd_free_text(text);
    /* the saver writes the same bytes to the file */
    st = nnd_network2_save(net, path, &err);
    if (st != NND_OK) path = path + strlen("build/"); /* no build folder: the current one */
    if (st != NND_OK) st = nnd_network2_save(net, path, &err);
    CHECK(st == NND_OK, "nnd_network2_save: %s", err.message);
    file = read_text(path);
    CHECK(file && strcmp(file, json_ce) == 0, "the saved file is not network2.py's text: %s",
          file ? file : "(none)");
    free(file);
    remove(path);
    nnd_free(net);

    /* QuadraticCost's name, and the layout of a net with random parameters
       (numbers of any length) */
    nnd_rng_seed(&rng, 3);
    net = nnd_network2(big, 3, NND_QUADRATIC, &rng, &st);
    CHECK(net != NULL, "json net: %s", nnd_strerror(st));
    if (!net) return;
    text = nnd_network2_write(net, &len, &err);
    CHECK(text != NULL, "nnd_network2_write: %s", err.message);
    if (text) {
        CHECK(network2_layout(text, big, 3, "QuadraticCost"),
              "a [5, 4, 3] quadratic net: not network2.py's layout (weights as rows, biases as [[b], ...]): %s",
              text);
    }
    nnd_free_text(text);
    nnd_free(net);
}

int main(void)
{
    test_shuffle();
    test_short_batch();
    test_regularisation();
    test_network2_json();
    return check_summary();
}
