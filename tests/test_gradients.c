/* Finite-difference gradient checks of the dense engine (BP1-BP4), for every
   cost and activation, and the batch/per-example identity of chapter 2's
   last problem. Built twice: float (default) and -DNND_DOUBLE.

   The difference quotient is the sixth-order central stencil
     (C(w+3h) - 9C(w+2h) + 45C(w+h) - 45C(w-h) + 9C(w-2h) - C(w-3h)) / 60h
   (error O(h^6): with these h its own error is the rounding of the cost,
   eps |C| / h, which the large h keeps small), and a layer's error is the
   relative norm over its weights and biases,
     ||g_bp - g_fd|| / ||g_fd||,
   as exercises/common.h's fd_check measures it. The worst layer of every
   case must stay below BOUND. Measured (gcc and clang at -O3, gcc at
   -O1, NND_REFERENCE):
     double: h = 3e-3, worst 7.5e-11 .. 9.1e-11 here and at most 2.9e-10
             over 8 sets of random draws (other seeds); BOUND 1e-9.
     float:  h = 0.1, worst 1.9e-4 .. 3.6e-4 here (the first layer of [21,33,17,9],
             whose gradient is small beside the float rounding of a cost
             with saturated outputs) and up to 4.6e-3 over the 8 sets of
             draws; BOUND 5e-3, so that changing the cases or the seeds
             does not fail a correct engine.
   An engine sigma' off by 1% (1.01 sigma (1 - sigma)) puts every layer
   whose delta passes through one sigma' factor off by 1.00e-2, through two
   by 2.0e-2 (measured in both builds, in the 7 of the 10 cases that have
   a sigmoid layer), so both bounds catch it: double by 10^7, float by 2. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
static const double H = 3e-3, BOUND = 1e-9, SAME = 1e-12;
#else
static const double H = 0.1, BOUND = 5e-3, SAME = 1e-5;
#endif

static void fill(nnd_rng *rng, nnd_real *v, size_t n, double lo, double hi, double p_zero)
{
    size_t i;
    for (i = 0; i < n; ++i)
        v[i] = nnd_rng_uniform(rng) < p_zero ? 0 : (nnd_real)(lo + (hi - lo) * nnd_rng_uniform(rng));
}

static int worst_layer; /* the layer behind the worst error */

/* The stencil's slope of nnd_batch_cost along parameter p. */
static double fd_slope(nnd_net *net, const nnd_real *x, const nnd_real *y, const int *labels, int m,
                       size_t p)
{
    static const double step[6] = {3, 2, 1, -1, -2, -3}, coef[6] = {1, -9, 45, -45, 9, -1};
    nnd_real *w = nnd_params(net), keep = w[p];
    double c = 0.0, sum = 0.0;
    int s;
    for (s = 0; s < 6; ++s) {
        w[p] = (nnd_real)(keep + step[s] * H);
        if (batch_cost_m(net, x, y, labels, m, &c) != NND_OK) sum = NAN; /* fails the check */
        sum += coef[s] * c;
    }
    w[p] = keep;
    return sum / (60 * H);
}

/* Compare nnd_backprop with the stencil over every parameter, layer by
   layer. Returns the worst relative norm ||g_bp - g_fd|| / ||g_fd|| of a
   layer (worst_layer says which); *gmax gets max |grad|. */
static double fd_worst(nnd_net *net, const nnd_real *x, const nnd_real *y, const int *labels, int m,
                       double *gmax)
{
    size_t n = nnd_param_count(net), p;
    nnd_real *g = (nnd_real *)malloc(n * sizeof *g);
    double worst = 0.0;
    int l;
    *gmax = 0.0;
    worst_layer = -1;
    if (!g || backprop_m(net, x, y, labels, m, g, NULL) != NND_OK) {
        free(g);
        return 1e9;
    }
    for (p = 0; p < n; ++p)
        if (fabs((double)g[p]) > *gmax) *gmax = fabs((double)g[p]);
    for (l = 0; l < nnd_num_layers(net); ++l) {
        const nnd_layer_desc d = nnd_layer_info(net, l);
        const size_t first = d.weight_offset < d.bias_offset ? d.weight_offset : d.bias_offset;
        double err2 = 0.0, norm2 = 0.0, rel;
        for (p = first; p < first + d.n_weights + d.n_biases; ++p) {
            const double fd = fd_slope(net, x, y, labels, m, p);
            err2 += (fd - g[p]) * (fd - g[p]);
            norm2 += fd * fd;
        }
        rel = sqrt(err2 / fmax(norm2, 1e-300));
        if (rel > worst || rel != rel || worst_layer < 0) { /* a NaN is kept: it fails */
            worst = rel;
            worst_layer = l;
        }
    }
    free(g);
    return worst;
}

/* Weights N(0, 1/n_in), biases N(0, 1), drawn here rather than by the
   library's initialiser: the check is about backpropagation, and its
   bounds (set by the size of each layer's gradient against the rounding of
   the cost) must not move when an initialiser changes. */
static void draw_params(nnd_net *net, nnd_rng *rng)
{
    int l;
    for (l = 0; l < nnd_num_layers(net); ++l) {
        const nnd_layer_desc d = nnd_layer_info(net, l);
        nnd_real *w = nnd_weights(net, l), *b = nnd_biases(net, l);
        size_t q;
        for (q = 0; q < d.n_weights; ++q) w[q] = (nnd_real)(nnd_rng_normal(rng) / sqrt((double)d.n_in));
        for (q = 0; q < d.n_biases; ++q) b[q] = (nnd_real)nnd_rng_normal(rng);
    }
}

typedef struct gcase {
    const char *name;
    int n_in;
    int n_layers;
    int widths[4];
    nnd_activation acts[4];
    nnd_cost cost;
    int use_labels;
    double p_zero; /* fraction of zero inputs: > 0.5 exercises the sparse path */
} gcase;

static void run_case(const gcase *c, uint64_t seed)
{
    nnd_layer_spec specs[4];
    nnd_rng rng;
    nnd_net *net;
    int l, st, m = 7, i, n_out = c->widths[c->n_layers - 1];
    nnd_real *x, *y = NULL;
    int *labels = NULL;
    double worst, gmax;
    for (l = 0; l < c->n_layers; ++l) specs[l] = nnd_dense_layer(c->widths[l], c->acts[l], 0.0);
    net = nnd_net_create(c->n_in, specs, c->n_layers, c->cost, &st);
    CHECK(net != NULL, "%s: create: %s", c->name, nnd_strerror(st));
    if (!net) return;
    nnd_rng_seed(&rng, seed);
    draw_params(net, &rng);
    /* ReLU layers: weights x0.1 and biases alternately +-1.5 keep every unit
       firmly on or off, so no finite-difference step crosses the kink at 0
       (and both branches are exercised). */
    for (l = 0; l < c->n_layers; ++l)
        if (c->acts[l] == NND_RELU) {
            nnd_layer_desc d = nnd_layer_info(net, l);
            size_t q;
            for (q = 0; q < d.n_weights; ++q) nnd_weights(net, l)[q] *= (nnd_real)0.1;
            for (q = 0; q < d.n_biases; ++q) nnd_biases(net, l)[q] = (nnd_real)(q % 2 ? -1.5 : 1.5);
        }
    x = (nnd_real *)malloc(sizeof *x * (size_t)m * c->n_in);
    fill(&rng, x, (size_t)m * c->n_in, -1.0, 1.0, c->p_zero);
    if (c->use_labels) {
        labels = (int *)malloc(sizeof *labels * (size_t)m);
        for (i = 0; i < m; ++i) labels[i] = (int)nnd_rng_below(&rng, (uint32_t)n_out);
    } else {
        y = (nnd_real *)malloc(sizeof *y * (size_t)m * n_out);
        fill(&rng, y, (size_t)m * n_out, 0.05, 0.95, 0.0);
    }
    worst = fd_worst(net, x, y, labels, m, &gmax);
    printf("  %-44s worst layer %d: ||bp - fd|| / ||fd|| = %.3g (max |grad| %.3g)\n", c->name,
           worst_layer, worst, gmax);
    CHECK(worst < BOUND, "%s: gradient check: layer %d off by %g (relative norm) >= %g", c->name,
          worst_layer, worst, BOUND);
    CHECK(gmax > 1e-4, "%s: gradient is (nearly) all zero: max %g", c->name, gmax);

    /* Batch backprop = sum of per-example backprops (ch.2's matrix problem). */
    {
        size_t n = nnd_param_count(net), p;
        nnd_real *gb = (nnd_real *)malloc(n * sizeof *gb), *g1 = (nnd_real *)malloc(n * sizeof *g1);
        double *sum = (double *)calloc(n, sizeof *sum), diff = 0.0, scale = 0.0;
        backprop_m(net, x, y, labels, m, gb, NULL);
        for (i = 0; i < m; ++i) {
            backprop_m(net, x + (size_t)i * c->n_in, y ? y + (size_t)i * n_out : NULL,
                         labels ? labels + i : NULL, 1, g1, NULL);
            for (p = 0; p < n; ++p) sum[p] += g1[p];
        }
        for (p = 0; p < n; ++p) {
            diff = fmax(diff, fabs(sum[p] - gb[p]));
            scale = fmax(scale, fabs(sum[p]));
        }
        CHECK(diff <= SAME * fmax(scale, 1.0), "%s: batch gradient differs from the sum of "
              "per-example gradients by %g (scale %g)", c->name, diff, scale);
        free(gb);
        free(g1);
        free(sum);
    }
    free(x);
    free(y);
    free(labels);
    nnd_free(net);
}

/* The sparse first layer (lists of nonzero inputs) and the dense one give
   the same outputs and gradients. */
static void sparse_equals_dense(void)
{
    int sizes[] = {57, 33, 24, 9}, st, m = 11;
    nnd_rng rng;
    nnd_net *net;
    size_t n, p;
    nnd_real *x, *gs, *gd, *os, *od;
    int labels[11], i;
    double worst = 0.0, worst_out = 0.0;
    nnd_rng_seed(&rng, 7);
    net = nnd_network2(sizes, 4, NND_CROSS_ENTROPY, &rng, &st);
    n = nnd_param_count(net);
    x = (nnd_real *)malloc(sizeof *x * 57 * (size_t)m);
    fill(&rng, x, 57 * (size_t)m, 0.0, 1.0, 0.8);
    for (i = 0; i < m; ++i) labels[i] = i % 9;
    gs = (nnd_real *)malloc(n * sizeof *gs);
    gd = (nnd_real *)malloc(n * sizeof *gd);
    os = (nnd_real *)malloc(9 * (size_t)m * sizeof *os);
    od = (nnd_real *)malloc(9 * (size_t)m * sizeof *od);
    nnd_set_sparse_input(net, NND_INPUT_SPARSE);
    backprop_m(net, x, NULL, labels, m, gs, NULL);
    feedforward_m(net, x, m, os);
    nnd_set_sparse_input(net, NND_INPUT_DENSE);
    backprop_m(net, x, NULL, labels, m, gd, NULL);
    feedforward_m(net, x, m, od);
    for (p = 0; p < n; ++p) worst = fmax(worst, fabs(gs[p] - gd[p]) / fmax(fabs(gd[p]), 1.0));
    for (p = 0; p < 9 * (size_t)m; ++p) worst_out = fmax(worst_out, fabs(os[p] - od[p]));
    CHECK(worst <= 50 * SAME, "sparse and dense first layer: gradients differ by %g", worst);
    CHECK(worst_out <= 50 * SAME, "sparse and dense first layer: outputs differ by %g", worst_out);
    free(x);
    free(gs);
    free(gd);
    free(os);
    free(od);
    nnd_free(net);
}

/* Feedforward equals the book's component form a'_j = sigma(sum_k w_jk a_k + b_j). */
static void feedforward_components(void)
{
    int sizes[] = {13, 19, 6}, st, l, j, k, i;
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[2 * 13], out[2 * 6];
    double worst = 0.0;
    nnd_rng_seed(&rng, 3);
    net = nnd_network2(sizes, 3, NND_QUADRATIC, &rng, &st);
    fill(&rng, x, 26, -1, 1, 0.0);
    feedforward_m(net, x, 2, out);
    for (i = 0; i < 2; ++i) {
        double a[19], b[19];
        for (k = 0; k < 13; ++k) a[k] = x[i * 13 + k];
        for (l = 0; l < 2; ++l) {
            for (j = 0; j < sizes[l + 1]; ++j) {
                double z = nnd_biases(net, l)[j];
                for (k = 0; k < sizes[l]; ++k) z += nnd_weight(net, l, j, k) * a[k];
                b[j] = nnd_sigmoid(z);
            }
            memcpy(a, b, sizeof a);
        }
        for (j = 0; j < 6; ++j) worst = fmax(worst, fabs(a[j] - out[i * 6 + j]));
    }
    CHECK(worst < 50 * SAME, "feedforward differs from the component form by %g", worst);
    nnd_free(net);
}

#ifndef NND_DOUBLE
/* The vectorised float sigmoid stays within 3e-7 of 1/(1+e^-z). */
static void sigmoid_accuracy(void)
{
    double worst = 0.0, z;
    nnd_real v;
    for (z = -30.0; z <= 30.0; z += 0.001) {
        double ref = 1.0 / (1.0 + exp(-(double)(nnd_real)z));
        v = (nnd_real)z;
        nnd_activate(NND_SIGMOID, &v, &v, 1);
        worst = fmax(worst, fabs(v - ref) / ref);
    }
    CHECK(worst < 3.1e-7, "sigmoid: relative error %g", worst);
    v = 0;
    nnd_activate(NND_SIGMOID, &v, &v, 1);
    CHECK(v == (nnd_real)0.5, "sigmoid(0) = %g", (double)v);
}
#endif

int main(void)
{
    static const gcase cases[] = {
        {"[5,4,3] sigmoid, quadratic, labels", 5, 2, {4, 3}, {NND_SIGMOID, NND_SIGMOID}, NND_QUADRATIC, 1, 0.0},
        {"[6,5,4,3] sigmoid, cross-entropy, targets", 6, 3, {5, 4, 3}, {NND_SIGMOID, NND_SIGMOID, NND_SIGMOID}, NND_CROSS_ENTROPY, 0, 0.0},
        {"[21,33,17,9] sigmoid, cross-entropy", 21, 3, {33, 17, 9}, {NND_SIGMOID, NND_SIGMOID, NND_SIGMOID}, NND_CROSS_ENTROPY, 1, 0.0},
        {"[40,16,24,8] widths = vector multiples", 40, 3, {16, 24, 8}, {NND_SIGMOID, NND_SIGMOID, NND_SIGMOID}, NND_QUADRATIC, 0, 0.0},
        {"[60,30,10] sparse input, cross-entropy", 60, 2, {30, 10}, {NND_SIGMOID, NND_SIGMOID}, NND_CROSS_ENTROPY, 1, 0.8},
        {"[8,12,5] tanh hidden, linear out, quadratic", 8, 2, {12, 5}, {NND_TANH, NND_LINEAR}, NND_QUADRATIC, 0, 0.0},
        {"[8,12,5] ReLU hidden, sigmoid out, quadratic", 8, 2, {12, 5}, {NND_RELU, NND_SIGMOID}, NND_QUADRATIC, 0, 0.0},
        {"[9,11,7] linear everywhere, quadratic", 9, 2, {11, 7}, {NND_LINEAR, NND_LINEAR}, NND_QUADRATIC, 0, 0.0},
        {"[10,20,6] sigmoid, softmax + log-likelihood", 10, 2, {20, 6}, {NND_SIGMOID, NND_SOFTMAX}, NND_LOG_LIKELIHOOD, 1, 0.0},
        {"[10,17,6] tanh, softmax + log-likelihood", 10, 2, {17, 6}, {NND_TANH, NND_SOFTMAX}, NND_LOG_LIKELIHOOD, 1, 0.5},
    };
    size_t i;
    printf("gradient checks (%s): bound %g, h %g\n", sizeof(nnd_real) == 8 ? "double" : "float", BOUND, H);
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) run_case(&cases[i], 100 + i);
    sparse_equals_dense();
    feedforward_components();
#ifndef NND_DOUBLE
    sigmoid_accuracy();
#endif
    return check_summary();
}
