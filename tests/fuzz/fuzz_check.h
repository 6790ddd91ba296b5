/* fuzz_check.h - the checks the fuzz harnesses share (include after nnd.h,
   which fuzz_alloc.h precedes).

   FUZZ_CHECK(cond, ...)   abort with a message when an invariant fails:
                           libFuzzer and the replay program then report the
                           input as a crash.
   fuzz_error_ok           a rejected input: a real status, the same in
                           err.status, and a one-line printable message.
   fuzz_parse_limit        the memory a parse of len bytes may allocate.
   fuzz_run_net            a parsed net run forward and back on fixed
                           inputs, with what the library guarantees about
                           the results checked; the results are kept so that
                           a net read back from its own file can be required
                           to give the same bits.
   fuzz_same_net           two nets with bit-identical parameters and equal
                           layer descriptions.                               */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_UNUSED
#if defined(__GNUC__)
#define FUZZ_UNUSED __attribute__((unused))
#else
#define FUZZ_UNUSED
#endif
#endif

#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz invariant failed (%s:%d): ", __FILE__, __LINE__);            \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, "\n");                                                             \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* An nnd_error with every byte set, so that a field a reader forgot to
   fill is seen (the message would have no NUL, the status a wrong value). */
static FUZZ_UNUSED void fuzz_error_poison(nnd_error *err) { memset(err, 0x55, sizeof *err); }

/* A rejection: status is one of the NND_ERR_* codes, err->status says the
   same, and err->message is a non-empty single line of printable text,
   NUL-terminated inside its array (a message goes to a terminal or a log
   as one line: a decoded \n or an escape sequence from the file must not
   reach it). */
static FUZZ_UNUSED void fuzz_error_ok(int status, const nnd_error *err, const char *reader)
{
    const char *nul = (const char *)memchr(err->message, '\0', sizeof err->message);
    size_t i;
    FUZZ_CHECK(status < NND_OK && status >= NND_ERR_ARG, "%s: status %d is not an NND_ERR_* code", reader,
               status);
    FUZZ_CHECK(err->status == status, "%s: returned %d but err.status is %d", reader, status, err->status);
    FUZZ_CHECK(nul != NULL, "%s: err.message is not NUL-terminated within its %lu bytes", reader,
               (unsigned long)sizeof err->message);
    FUZZ_CHECK(nul != err->message, "%s: empty err.message for status %d", reader, status);
    for (i = 0; err->message + i < nul; ++i) {
        unsigned char c = (unsigned char)err->message[i];
        FUZZ_CHECK(c >= 0x20 && c != 0x7f, "%s: err.message has byte 0x%02x at %lu: \"%s\"", reader, c,
                   (unsigned long)i, err->message);
    }
}

/* A success leaves err saying so. */
static FUZZ_UNUSED void fuzz_success_ok(const nnd_error *err, const char *reader)
{
    FUZZ_CHECK(err->status == NND_OK && err->message[0] == '\0', "%s: succeeded but err.status is %d",
               reader, err->status);
}

/* The memory a reader may allocate for len bytes of input. Its number
   store holds doubles (8 bytes, at most twice the count after growing, and
   the old block while it grows: 24 bytes a number) and the net a parameter
   and a gradient per number (2 x sizeof(nnd_real)); every number takes at
   least two bytes of text ("0,"), so 32 bytes an input byte is ample, plus
   a fixed 4 MB for the per-layer tables. A file that declares a layer
   without holding its weights must not get further than this. */
static FUZZ_UNUSED size_t fuzz_parse_limit(size_t len) { return 32 * len + ((size_t)4 << 20); }

/* ------------------------------------------------------------- running */
/* A net is run only when that is quick (the round trip is always done). */
#define FUZZ_MAX_PARAMS 200000
#define FUZZ_MAX_VALUES 100000 /* n_in or n_out of any layer */
#define FUZZ_MAX_WORK 2.5e5    /* multiply-adds and values of one example's pass */
/* Below this every value of the forward and backward passes is finite
   (float's largest is 3.4e38): rounding cannot add a factor of 1e8. */
#define FUZZ_FINITE_BOUND 1.0e30

#define FUZZ_M 3 /* examples run forward */
#define FUZZ_MB 2 /* examples of a mini-batch run back */

static FUZZ_UNUSED int fuzz_small_net(const nnd_net *net)
{
    double work = 0;
    int l;
    if (nnd_param_count(net) > FUZZ_MAX_PARAMS) return 0;
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        if (d.n_in > FUZZ_MAX_VALUES || d.n_out > FUZZ_MAX_VALUES) return 0;
        work += (double)d.n_in + d.n_out;
        if (d.kind == NND_LAYER_DENSE) work += (double)d.n_weights;
        else if (d.kind != NND_LAYER_POOL)
            work += (double)d.n_weights * (d.in_h - d.filter_h + 1) * (d.in_w - d.filter_w + 1);
    }
    return work <= FUZZ_MAX_WORK;
}

/* Input k of example i: in [-0.25, 1]; example 0 is three quarters zeros,
   so that a batch of it alone takes the first layer's sparse kernels and
   the full batch the dense ones. */
static FUZZ_UNUSED nnd_real fuzz_input(int i, int k)
{
    if (i == 0) return k % 4 ? 0 : (nnd_real)((k * 37 % 19) / 18.0);
    return (nnd_real)(((i * 131 + k * 71) % 21) / 16.0 - 0.25);
}

/* Target j of example i, in [0, 1]. */
static FUZZ_UNUSED nnd_real fuzz_target(int i, int j) { return (nnd_real)(((i * 17 + j * 5) % 9) / 8.0); }

static FUZZ_UNUSED double fuzz_max_abs(const nnd_real *v, size_t n)
{
    double m = 0;
    size_t i;
    for (i = 0; i < n; ++i)
        if (fabs((double)v[i]) > m) m = fabs((double)v[i]);
    return m;
}

/* Whether every value of the forward pass of inputs |x| <= 1 and of the
   backward pass with targets in [0, 1] (mini-batch of mb examples) stays
   below FUZZ_FINITE_BOUND, from the largest weight and bias of each layer:
   a dense value is at most n_in |w|max |a|max + |b|max, a convolution's
   fh fw c_in |w|max |a|max + |b|max, pooling passes the largest value on;
   sigmoid, tanh and softmax bring it to 1. The output delta is at most
   |a|max + 1, BP2 multiplies a delta bound by n_out |w|max (dense) or
   filters fh fw |w|max (convolutions), and a weight gradient sums mb
   examples (times the conv positions) of |a| |delta|. Then the library
   must produce finite outputs and gradients: where this bound is larger
   it may overflow legitimately and only the ranges are checked. */
static FUZZ_UNUSED int fuzz_bounded(nnd_net *net, int mb)
{
    const int L = nnd_num_layers(net);
    const nnd_real *p = nnd_params(net);
    double *ain = (double *)malloc(sizeof(double) * (size_t)L), *mw = (double *)malloc(sizeof(double) * (size_t)L);
    double a = 1.0, d, g;
    int l, ok = 1;
    FUZZ_CHECK(ain && mw, "out of memory");
    for (l = 0; l < L && ok; ++l) {
        nnd_layer_desc D = nnd_layer_info(net, l);
        double mb_ = fuzz_max_abs(p + D.bias_offset, D.n_biases), z;
        mw[l] = fuzz_max_abs(p + D.weight_offset, D.n_weights);
        ain[l] = a;
        if (D.kind == NND_LAYER_DENSE) z = (double)D.n_in * mw[l] * a + mb_;
        else if (D.kind == NND_LAYER_POOL) z = a;
        else z = (double)D.filter_h * D.filter_w * D.in_c * mw[l] * a + mb_;
        ok = z <= FUZZ_FINITE_BOUND;
        a = D.activation == NND_SIGMOID || D.activation == NND_TANH || D.activation == NND_SOFTMAX ? 1.0 : z;
    }
    d = a + 1.0;
    for (l = L - 1; l >= 0 && ok; --l) {
        nnd_layer_desc D = nnd_layer_info(net, l);
        double positions = D.kind == NND_LAYER_DENSE ? 1.0
                           : (double)(D.in_h - D.filter_h + 1) * (D.in_w - D.filter_w + 1);
        if (D.kind != NND_LAYER_POOL) {
            g = mb * positions * (ain[l] > 1 ? ain[l] : 1) * d;
            ok = g <= FUZZ_FINITE_BOUND;
        }
        if (D.kind == NND_LAYER_DENSE) d *= (double)D.n_out * mw[l];
        else if (D.kind != NND_LAYER_POOL) d *= (double)D.out_c * D.filter_h * D.filter_w * mw[l];
        ok = ok && d <= FUZZ_FINITE_BOUND;
    }
    free(ain);
    free(mw);
    return ok;
}

/* What a run produced, to compare with another net's run. */
typedef struct fuzz_results {
    int ran;
    size_t n_out, n_grad;
    nnd_real *out;    /* FUZZ_M examples forward */
    nnd_real *grad_l; /* gradient of FUZZ_MB examples with labels */
    nnd_real *grad_y; /* ... with targets, in training mode (dropout masks) */
    double cost_l, cost_y;
} fuzz_results;

static FUZZ_UNUSED void fuzz_results_free(fuzz_results *r)
{
    free(r->out);
    free(r->grad_l);
    free(r->grad_y);
    memset(r, 0, sizeof *r);
}

/* The outputs of an activation lie in its range (NaN aside: with large
   weights z itself can be NaN); with bounded weights they are finite, and a
   softmax row sums to 1. */
static FUZZ_UNUSED void fuzz_check_outputs(const nnd_real *out, int m, int n, nnd_activation f, int bounded)
{
    int i, j;
    for (i = 0; i < m; ++i) {
        double sum = 0;
        for (j = 0; j < n; ++j) {
            double v = out[(size_t)i * n + j];
            if (bounded) FUZZ_CHECK(isfinite(v), "output %d of example %d is %g with bounded weights", j, i, v);
            if (v != v) continue;
            if (f == NND_SIGMOID || f == NND_SOFTMAX)
                FUZZ_CHECK(v >= 0 && v <= 1, "a sigmoid/softmax output is %g", v);
            else if (f == NND_TANH)
                FUZZ_CHECK(v >= -1 && v <= 1, "a tanh output is %g", v);
            else if (f == NND_RELU)
                FUZZ_CHECK(v >= 0, "a ReLU output is %g", v);
            sum += v;
        }
        if (bounded && f == NND_SOFTMAX)
            FUZZ_CHECK(fabs(sum - 1) <= 1e-4 + 1e-6 * n, "a softmax row sums to %.9g", sum);
    }
}

static FUZZ_UNUSED void fuzz_check_cost(double cost, nnd_cost c, int bounded)
{
    if (!bounded) return;
    /* each term is >= 0 and never NaN for outputs in range; only the
       quadratic cost is finite for sure (the others are -ln of what may
       underflow to 0) */
    FUZZ_CHECK(cost >= 0, "the cost of a bounded net is %g", cost);
    if (c == NND_QUADRATIC) FUZZ_CHECK(isfinite(cost), "the quadratic cost of a bounded net is %g", cost);
}

/* Run net forward (FUZZ_M examples, then example 0 alone) and back (a
   mini-batch with labels, then with targets in training mode), checking:
   every call succeeds; the parameters are untouched; the same call twice
   gives the same bits (the workspace keeps no state that leaks into a
   result); nnd_batch_cost is the cost nnd_backprop reports; outputs are in
   their activation's range; and when the weights are bounded (fuzz_bounded)
   outputs, costs and gradients are finite. Fills r (r->ran = 0 when the
   net is too large to run quickly). */
static FUZZ_UNUSED void fuzz_run_net(nnd_net *net, fuzz_results *r)
{
    const int n_in = nnd_input_size(net), n_out = nnd_output_size(net), L = nnd_num_layers(net);
    const nnd_activation f = nnd_layer_info(net, L - 1).activation;
    const nnd_cost cost = nnd_net_cost(net);
    const size_t P = nnd_param_count(net);
    nnd_real *x, *y, *out1, *again, *params;
    int labels[FUZZ_MB], i, k, st, dropout = 0, bounded;
    double c;
    nnd_data batch;
    memset(r, 0, sizeof *r);
    FUZZ_CHECK(n_in >= 1 && n_out >= 1 && L >= 1 && (int)cost >= 0 && (int)cost <= 2,
               "a parsed net with %d inputs, %d outputs, %d layers, cost %d", n_in, n_out, L, (int)cost);
    if (!fuzz_small_net(net)) return;
    for (i = 0; i < L; ++i) dropout |= nnd_layer_info(net, i).p_dropout > 0;
    bounded = fuzz_bounded(net, FUZZ_MB);
    r->ran = 1;
    r->n_out = (size_t)FUZZ_M * n_out;
    r->n_grad = P;
    x = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)FUZZ_M * n_in);
    y = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)FUZZ_MB * n_out);
    out1 = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)n_out);
    again = (nnd_real *)malloc(sizeof(nnd_real) * (r->n_out > P ? r->n_out : P) + 1);
    params = (nnd_real *)malloc(sizeof(nnd_real) * P + 1);
    r->out = (nnd_real *)malloc(sizeof(nnd_real) * r->n_out);
    r->grad_l = (nnd_real *)malloc(sizeof(nnd_real) * P + 1);
    r->grad_y = (nnd_real *)malloc(sizeof(nnd_real) * P + 1);
    FUZZ_CHECK(x && y && out1 && again && params && r->out && r->grad_l && r->grad_y, "out of memory");
    for (i = 0; i < FUZZ_M; ++i)
        for (k = 0; k < n_in; ++k) x[(size_t)i * n_in + k] = fuzz_input(i, k);
    for (i = 0; i < FUZZ_MB; ++i) {
        labels[i] = (i * 7 + 3) % n_out;
        for (k = 0; k < n_out; ++k) y[(size_t)i * n_out + k] = fuzz_target(i, k);
    }
    memcpy(params, nnd_params(net), sizeof(nnd_real) * P);

    st = nnd_feedforward(net, x, (size_t)FUZZ_M * n_in, r->out, r->n_out);
    FUZZ_CHECK(st == NND_OK, "nnd_feedforward: %s", nnd_strerror(st));
    fuzz_check_outputs(r->out, FUZZ_M, n_out, f, bounded);
    st = nnd_feedforward(net, x, (size_t)n_in, out1, (size_t)n_out);
    FUZZ_CHECK(st == NND_OK, "nnd_feedforward of one example: %s", nnd_strerror(st));
    fuzz_check_outputs(out1, 1, n_out, f, bounded);
    st = nnd_feedforward(net, x, (size_t)FUZZ_M * n_in, again, r->n_out);
    FUZZ_CHECK(st == NND_OK && !memcmp(again, r->out, sizeof(nnd_real) * r->n_out),
               "nnd_feedforward gives other bits the second time");

    batch = nnd_data_reals(x, FUZZ_MB, n_in, labels);
    st = nnd_backprop(net, &batch, r->grad_l, P, &r->cost_l);
    FUZZ_CHECK(st == NND_OK, "nnd_backprop with labels: %s", nnd_strerror(st));
    fuzz_check_cost(r->cost_l, cost, bounded);
    if (bounded)
        for (k = 0; k < (int)P; ++k)
            FUZZ_CHECK(isfinite((double)r->grad_l[k]), "gradient %d is %g with bounded weights", k,
                       (double)r->grad_l[k]);
    st = nnd_batch_cost(net, &batch, &c);
    FUZZ_CHECK(st == NND_OK && !memcmp(&c, &r->cost_l, sizeof c),
               "nnd_batch_cost %.17g differs from nnd_backprop's cost %.17g", c, r->cost_l);
    st = nnd_backprop(net, &batch, again, P, NULL);
    FUZZ_CHECK(st == NND_OK && !memcmp(again, r->grad_l, sizeof(nnd_real) * P),
               "nnd_backprop gives other bits the second time");

    nnd_set_train_mode(net, dropout);
    nnd_set_dropout_seed(net, 12345);
    batch = nnd_data_targets(nnd_data_reals(x + n_in, FUZZ_MB, n_in, NULL), y, n_out);
    st = nnd_backprop(net, &batch, r->grad_y, P, &r->cost_y);
    FUZZ_CHECK(st == NND_OK, "nnd_backprop with targets: %s", nnd_strerror(st));
    fuzz_check_cost(r->cost_y, cost, bounded);
    if (bounded)
        for (k = 0; k < (int)P; ++k)
            FUZZ_CHECK(isfinite((double)r->grad_y[k]), "gradient %d (targets, dropout) is %g with bounded weights",
                       k, (double)r->grad_y[k]);
    nnd_set_dropout_seed(net, 12345);
    st = nnd_backprop(net, &batch, again, P, NULL);
    FUZZ_CHECK(st == NND_OK && !memcmp(again, r->grad_y, sizeof(nnd_real) * P),
               "nnd_backprop with the same dropout seed gives other bits");
    nnd_set_train_mode(net, 0);
    nnd_set_dropout_seed(net, 0);

    FUZZ_CHECK(!memcmp(params, nnd_params(net), sizeof(nnd_real) * P), "running the net changed its parameters");
    free(x);
    free(y);
    free(out1);
    free(again);
    free(params);
}

/* Two runs (of a net and of its copy read back) gave the same bits. */
static FUZZ_UNUSED void fuzz_same_results(const fuzz_results *a, const fuzz_results *b)
{
    FUZZ_CHECK(a->ran == b->ran && a->n_out == b->n_out && a->n_grad == b->n_grad,
               "the net read back is not run the same way");
    if (!a->ran) return;
    FUZZ_CHECK(!memcmp(a->out, b->out, sizeof(nnd_real) * a->n_out), "the net read back gives other outputs");
    FUZZ_CHECK(!memcmp(a->grad_l, b->grad_l, sizeof(nnd_real) * a->n_grad) &&
                   !memcmp(a->grad_y, b->grad_y, sizeof(nnd_real) * a->n_grad),
               "the net read back gives other gradients");
    FUZZ_CHECK(!memcmp(&a->cost_l, &b->cost_l, sizeof a->cost_l) && !memcmp(&a->cost_y, &b->cost_y, sizeof a->cost_y),
               "the net read back gives other costs");
}

/* ------------------------------------------------------------- comparing */
static FUZZ_UNUSED void fuzz_same_net(nnd_net *a, nnd_net *b, const char *how)
{
    int l;
    FUZZ_CHECK(nnd_num_layers(a) == nnd_num_layers(b) && nnd_input_size(a) == nnd_input_size(b) &&
                   nnd_output_size(a) == nnd_output_size(b) && nnd_net_cost(a) == nnd_net_cost(b) &&
                   nnd_param_count(a) == nnd_param_count(b),
               "%s: another shape of net (%d/%d layers, %lu/%lu parameters)", how, nnd_num_layers(a),
               nnd_num_layers(b), (unsigned long)nnd_param_count(a), (unsigned long)nnd_param_count(b));
    FUZZ_CHECK(!memcmp(nnd_params(a), nnd_params(b), sizeof(nnd_real) * nnd_param_count(a)),
               "%s: parameters are not bit-identical", how);
    for (l = 0; l < nnd_num_layers(a); ++l) {
        nnd_layer_desc x = nnd_layer_info(a, l), y = nnd_layer_info(b, l);
        FUZZ_CHECK(x.kind == y.kind && x.activation == y.activation && x.n_in == y.n_in && x.n_out == y.n_out &&
                       !memcmp(&x.p_dropout, &y.p_dropout, sizeof x.p_dropout) && x.n_weights == y.n_weights &&
                       x.n_biases == y.n_biases && x.weight_offset == y.weight_offset &&
                       x.bias_offset == y.bias_offset && x.in_c == y.in_c && x.in_h == y.in_h &&
                       x.in_w == y.in_w && x.out_c == y.out_c && x.out_h == y.out_h && x.out_w == y.out_w &&
                       x.filter_h == y.filter_h && x.filter_w == y.filter_w && x.pool_h == y.pool_h &&
                       x.pool_w == y.pool_w,
                   "%s: layer %d is described differently", how, l);
    }
}

/* Layer descriptions that hold together: offsets tile the parameter block,
   shapes are positive and multiply out, each kind has its fields. */
static FUZZ_UNUSED void fuzz_net_consistent(nnd_net *net)
{
    size_t off = 0;
    int l, n_in = nnd_input_size(net);
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        FUZZ_CHECK(d.n_in == n_in, "layer %d takes %d values, the layer below gives %d", l, d.n_in, n_in);
        FUZZ_CHECK(d.in_c >= 1 && d.in_h >= 1 && d.in_w >= 1 && (double)d.in_c * d.in_h * d.in_w == d.n_in &&
                       d.out_c >= 1 && d.out_h >= 1 && d.out_w >= 1 &&
                       (double)d.out_c * d.out_h * d.out_w == d.n_out,
                   "layer %d: maps do not multiply out to n_in %d / n_out %d", l, d.n_in, d.n_out);
        FUZZ_CHECK(d.weight_offset == off && d.bias_offset == off + d.n_weights,
                   "layer %d: parameters are not where the layer before ends", l);
        FUZZ_CHECK(d.p_dropout >= 0 && d.p_dropout < 1, "layer %d: p_dropout %g", l, d.p_dropout);
        switch (d.kind) {
        case NND_LAYER_DENSE:
            FUZZ_CHECK(d.n_weights == (size_t)d.n_in * d.n_out && d.n_biases == (size_t)d.n_out,
                       "dense layer %d: parameter counts", l);
            break;
        case NND_LAYER_POOL:
            FUZZ_CHECK(d.n_weights == 0 && d.n_biases == 0 && d.pool_h >= 1 && d.pool_w >= 1 &&
                           d.out_c == d.in_c && d.out_h == d.in_h / d.pool_h && d.out_w == d.in_w / d.pool_w,
                       "pool layer %d: shapes", l);
            break;
        default:
            FUZZ_CHECK(d.filter_h >= 1 && d.filter_w >= 1 && d.filter_h <= d.in_h && d.filter_w <= d.in_w &&
                           d.n_weights == (size_t)d.out_c * d.filter_h * d.filter_w * d.in_c &&
                           d.n_biases == (size_t)d.out_c,
                       "conv layer %d: shapes", l);
            if (d.kind == NND_LAYER_CONV)
                FUZZ_CHECK(d.out_h == d.in_h - d.filter_h + 1 && d.out_w == d.in_w - d.filter_w + 1,
                           "conv layer %d: output size", l);
            else
                FUZZ_CHECK(d.pool_h >= 1 && d.pool_w >= 1 && d.out_h == (d.in_h - d.filter_h + 1) / d.pool_h &&
                               d.out_w == (d.in_w - d.filter_w + 1) / d.pool_w,
                           "conv_pool layer %d: output size", l);
        }
        off += d.n_weights + d.n_biases;
        n_in = d.n_out;
    }
    FUZZ_CHECK(off == nnd_param_count(net), "the layers hold %lu parameters, the net %lu", (unsigned long)off,
               (unsigned long)nnd_param_count(net));
    FUZZ_CHECK(n_in == nnd_output_size(net), "the last layer gives %d values, the net %d", n_in,
               nnd_output_size(net));
    {
        const nnd_real *p = nnd_params(net);
        size_t i;
        for (i = 0; i < off; ++i) FUZZ_CHECK(isfinite((double)p[i]), "parameter %lu is %g", (unsigned long)i, (double)p[i]);
    }
}

/* ------------------------------------------------------------ round trips */
typedef char *(*fuzz_writer)(const nnd_net *, size_t *, nnd_error *);
typedef nnd_net *(*fuzz_reader)(const char *, size_t, nnd_error *);

/* net written by `write`, read back by `read`: the same net (parameters,
   layers, the bits of a run when r0 ran), and written again the same text.
   Works on the two model formats (nnd JSON and network2 JSON). */
static FUZZ_UNUSED void fuzz_round_trip(nnd_net *net, const fuzz_results *r0, fuzz_writer write, fuzz_reader read,
                                        const char *format)
{
    nnd_error err;
    size_t len1 = 0, len2 = 0;
    char *t1, *t2;
    nnd_net *back;
    fuzz_results r1;
    fuzz_error_poison(&err);
    t1 = write(net, &len1, &err);
    FUZZ_CHECK(t1 != NULL, "%s: a net that was read cannot be written: %s", format, err.message);
    fuzz_success_ok(&err, format);
    FUZZ_CHECK(t1[len1] == '\0' && strlen(t1) == len1, "%s: the written text is not one NUL-terminated string",
               format);
    fuzz_error_poison(&err);
    back = read(t1, len1, &err);
    FUZZ_CHECK(back != NULL, "%s: the text written cannot be read back: %s", format, err.message);
    fuzz_success_ok(&err, format);
    fuzz_same_net(net, back, format);
    if (r0) {
        fuzz_run_net(back, &r1);
        fuzz_same_results(r0, &r1);
        fuzz_results_free(&r1);
    }
    t2 = write(back, &len2, &err);
    FUZZ_CHECK(t2 != NULL && len2 == len1 && !memcmp(t1, t2, len1), "%s: writing the net read back gives other text",
               format);
    nnd_free_text(t1);
    nnd_free_text(t2);
    nnd_free(back);
}

/* Whether network2's format can hold net (dense sigmoid layers without
   dropout, quadratic or cross-entropy cost). */
static FUZZ_UNUSED int fuzz_is_network2(const nnd_net *net)
{
    int l;
    if (nnd_net_cost(net) != NND_QUADRATIC && nnd_net_cost(net) != NND_CROSS_ENTROPY) return 0;
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        if (d.kind != NND_LAYER_DENSE || d.activation != NND_SIGMOID || d.p_dropout != 0) return 0;
    }
    return 1;
}

#endif /* FUZZ_CHECK_H */
