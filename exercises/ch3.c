/* Chapter 3 of the book, checked: every exercise and problem (ch3-ex1 ..
   ch3-ex13, ch3-prob1 .. ch3-prob14) and the chapter's numeric claims (the
   saturating toy neuron, its cross-entropy twin, eta/6, parameter counts,
   the 9th-order polynomial), each by a function named after its id in
   exercises/README.md.

   Every line reads "id  measured  expected  tol  PASS|FAIL"; lines starting
   with '#' say what the next check measures or report an experiment; the
   last line is "N passed, N failed". Runs in float (default) or with
   -DNND_DOUBLE; where the library computes in nnd_real the tolerance follows
   the precision (TOL(double, float)). The MNIST experiments (run from the
   repository root: data/mnist) are small versions, a few seconds each. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "../tests/check.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>


/* The larger of a and b, and NaN when either is NaN: fmax drops a NaN, which
   would let a NaN result pass as a small error. */
static double worst_of(double a, double b) { return a != a || b != b ? a + b : a > b ? a : b; }

/* Gradient of weight w_jk (book indexing) and bias b_j of layer l in a
   gradient block laid out like nnd_params (weights stored W^T). */
static double grad_w(const nnd_net *net, const nnd_real *g, int l, int j, int k)
{
    nnd_layer_desc d = nnd_layer_info(net, l);
    return g[d.weight_offset + (size_t)k * d.n_out + j];
}
static double grad_b(const nnd_net *net, const nnd_real *g, int l, int j)
{
    return g[nnd_layer_info(net, l).bias_offset + j];
}

/* Train a fresh [784,30,10] cross-entropy network (default initialiser). */
static nnd_net *train_784_30_10(const nnd_data *tr, int epochs, double eta, double lmbda, uint64_t seed)
{
    int sizes[] = {784, 30, 10}, st;
    nnd_rng rng;
    nnd_net *net;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_rng_seed(&rng, seed);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    opt.epochs = epochs;
    opt.mini_batch_size = 10;
    opt.eta = eta;
    opt.lmbda = lmbda;
    opt.rng = &rng;
    train(net, tr, &opt, NULL);
    return net;
}

/* ------------------------------------------------------------------ */

/* The logistic function written here, independent of the library. */
static double sig(double z) { return 1.0 / (1.0 + exp(-z)); }

/* Softmax of n values written here in double (the max shift included). */
static void hand_softmax(const double *z, double *a, int n)
{
    double mx = z[0], sum = 0.0;
    int j;
    for (j = 1; j < n; ++j) mx = fmax(mx, z[j]);
    for (j = 0; j < n; ++j) sum += a[j] = exp(z[j] - mx);
    for (j = 0; j < n; ++j) a[j] /= sum;
}

/* ch3-ex1: sigma'(z) = sigma(z)(1 - sigma(z)).
   The library has two public helpers for it, nnd_sigmoid_prime(z) and
   nnd_activation_prime(NND_SIGMOID, a) = a(1 - a); the engine's
   backpropagation calls neither (its kernels multiply by a(1 - a) in place;
   only an NND_REFERENCE build calls nnd_activation_prime). So the helpers
   are checked first, then the engine's own sigma' through nnd_backprop:
   in BP1 (a quadratic-cost output) and in BP2 (a hidden layer under a
   linear output, whose delta has no sigma' of its own). */
static void ch3_ex1(void)
{
    double worst = 0.0, worst_a = 0.0, worst_bp = 0.0, worst_bp2 = 0.0;
    int i;
    nnd_net *net = one_layer(1, 1, NND_SIGMOID, NND_QUADRATIC);
    static const int widths[] = {1, 1};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_LINEAR};
    nnd_net *two = make_net(1, widths, acts, 2, NND_QUADRATIC);
    for (i = -1000; i <= 1000; ++i) {
        double z = i * 0.01, h = 1e-5;
        double fd = (sig(z + h) - sig(z - h)) / (2 * h);
        worst = worst_of(worst, fabs(nnd_sigmoid_prime(z) - fd));
        worst_a = worst_of(worst_a, fabs(nnd_activation_prime(NND_SIGMOID, sig(z)) - fd));
    }
    /* measured max error 1.4e-11 for both (the central difference's own
       truncation and rounding); a helper off by 1 % is off by 2.5e-3 */
    note("ch3-ex1: public helper nnd_sigmoid_prime(z) against a central difference of 1/(1+e^-z), z in [-10,10] "
         "step 0.01 (max error; the engine does not call it)");
    CHECK_CLOSE("ch3-ex1", worst, 0, 1e-9);
    note("ch3-ex1: public helper nnd_activation_prime(NND_SIGMOID, a) = a(1 - a) from the output, the same "
         "(the engine does not call it either)");
    CHECK_CLOSE("ch3-ex1", worst_a, 0, 1e-9);
    note("ch3-ex1: nnd_sigmoid_prime(0) = 1/4");
    CHECK_CLOSE("ch3-ex1", nnd_sigmoid_prime(0), 0.25, 0);
    /* the engine, BP1: one neuron, w = 0, b = z, target 0, quadratic cost:
       dC/db = (a - y) sigma'(z) = a sigma'(z) */
    for (i = -20; i <= 20; ++i) {
        nnd_real x = 1, y = 0, g[2];
        double z = i * 0.5, s = sig(z), want = s * s * (1 - s);
        nnd_params(net)[0] = 0;
        nnd_biases(net, 0)[0] = (nnd_real)z;
        backprop_m(net, &x, &y, NULL, 1, g, NULL);
        worst_bp = worst_of(worst_bp, fabs(grad_b(net, g, 0, 0) - want) / want);
    }
    /* the engine, BP2: hidden sigmoid neuron (w = 0, b = z) feeding a linear
       output (w2 = 1.5, b2 = 0) with target y2 = 0: delta^2 = a^2 - y2 =
       1.5 a, delta^1 = w2 delta^2 sigma'(z) = 2.25 a sigma'(z) = dC/db^1 */
    for (i = -20; i <= 20; ++i) {
        nnd_real x = 1, y = 0, g[4];
        double z = i * 0.5, s = sig(z), want = 2.25 * s * s * (1 - s);
        nnd_weights(two, 0)[0] = 0;
        nnd_biases(two, 0)[0] = (nnd_real)z;
        nnd_weights(two, 1)[0] = (nnd_real)1.5;
        nnd_biases(two, 1)[0] = 0;
        backprop_m(two, &x, &y, NULL, 1, g, NULL);
        worst_bp2 = worst_of(worst_bp2, fabs(grad_b(two, g, 0, 0) - want) / want);
    }
    /* measured: double 2.0e-16 (BP1) and 2.4e-16 (BP2); float 4.6e-4 for
       both, at z = 10, where 1 - a = 4.5e-5 in float is a multiple of 6e-8;
       an engine sigma' scaled by 1.01 is off by 1e-2 */
    note("ch3-ex1: the engine's sigma' in BP1: nnd_backprop's dC/db = a sigma'(z) of one quadratic-cost neuron, z in "
         "[-10,10] step 0.5 (max relative error)");
    CHECK_CLOSE("ch3-ex1", worst_bp, 0, TOL(1e-15, 1e-3));
    note("ch3-ex1: the engine's sigma' in BP2: dC/db of a hidden sigmoid neuron under a linear output, "
         "= w2 (a2 - y2) sigma'(z) (max relative error)");
    CHECK_CLOSE("ch3-ex1", worst_bp2, 0, TOL(1e-15, 1e-3));
    nnd_free(net);
    nnd_free(two);
}

/* ch3-ex2: the cross-entropy is -[y ln a + (1-y) ln(1-a)], not the swapped
   -[a ln y + (1-a) ln(1-y)], which is infinite whenever y is 0 or 1.
   network2 passes each term through numpy's nan_to_num: NaN (0 ln 0) -> 0,
   +inf -> the largest double. */
static void ch3_ex2(void)
{
    nnd_real a = (nnd_real)0.3, y = 1, one = 1, zero = 0, x = 1, g[2];
    double swapped = -(0.3 * log(1.0) + (1 - 0.3) * log(1.0 - 1.0)), c = 0.0;
    nnd_net *net = one_layer(1, 1, NND_SIGMOID, NND_CROSS_ENTROPY);
    note("ch3-ex2: C(a = 0.3, y = 1) = -ln 0.3");
    CHECK_CLOSE("ch3-ex2", nnd_cost_fn(NND_CROSS_ENTROPY, &a, &y, 1), -log(0.3), TOL(1e-12, 1e-7));
    note("ch3-ex2: the swapped form at y = 1, a = 0.3 is %g (0.7 ln 0)", swapped);
    note("ch3-ex2: the library's cost with the roles swapped (a = 1, y = 0.3), over DBL_MAX: "
         "-0.7 ln 0 = +inf made finite");
    CHECK_CLOSE("ch3-ex2", nnd_cost_fn(NND_CROSS_ENTROPY, &one, &a, 1) / DBL_MAX, 1, 0);
    note("ch3-ex2: C(a = 1, y = 1) = 0 (nan_to_num turns 0 ln 0 = NaN into 0, as network2)");
    CHECK_CLOSE("ch3-ex2", nnd_cost_fn(NND_CROSS_ENTROPY, &one, &one, 1), 0, 0);
    note("ch3-ex2: C(a = 1, y = 0) is +inf made finite: DBL_MAX (as numpy's nan_to_num), over DBL_MAX");
    CHECK_CLOSE("ch3-ex2", nnd_cost_fn(NND_CROSS_ENTROPY, &one, &zero, 1) / DBL_MAX, 1, 0);
    /* the same through the network: a sigmoid output at z = 40 is exactly 1
       in float and double; with target 0 the cost is DBL_MAX */
    nnd_weights(net, 0)[0] = 0;
    nnd_biases(net, 0)[0] = 40;
    backprop_m(net, &x, &zero, NULL, 1, g, &c);
    note("ch3-ex2: nnd_backprop's cost of a neuron saturated at a = 1 with target 0, over DBL_MAX");
    CHECK_CLOSE("ch3-ex2", c / DBL_MAX, 1, 0);
    nnd_free(net);
}

/* Cross-entropy of one output a against target y, by the library. */
static double ce(double a, double y)
{
    nnd_real ar = (nnd_real)a, yr = (nnd_real)y;
    return nnd_cost_fn(NND_CROSS_ENTROPY, &ar, &yr, 1);
}

/* ch3-ex3: for 0 < y < 1 the cross-entropy is smallest at a = y, where it
   equals the binary entropy -[y ln y + (1-y) ln(1-y)] (64). */
static void ch3_ex3(void)
{
    static const double ys[2] = {0.3, 0.5};
    int t, i;
    for (t = 0; t < 2; ++t) {
        double y = (nnd_real)ys[t], lo = 0.01, hi = 0.99, g = (sqrt(5.0) - 1) / 2;
        double p = hi - g * (hi - lo), q = lo + g * (hi - lo), fp = ce(p, y), fq = ce(q, y);
        for (i = 0; i < 200 && hi - lo > 1e-9; ++i) { /* golden section */
            if (fp < fq) {
                hi = q;
                q = p;
                fq = fp;
                p = hi - g * (hi - lo);
                fp = ce(p, y);
            } else {
                lo = p;
                p = q;
                fp = fq;
                q = lo + g * (hi - lo);
                fq = ce(q, y);
            }
        }
        note("ch3-ex3: y = %g: argmin over a of the cross-entropy", ys[t]);
        CHECK_CLOSE("ch3-ex3", (lo + hi) / 2, ys[t], 1e-6);
        note("ch3-ex3: y = %g: minimum = binary entropy (%s)", ys[t], t ? "ln 2" : "0.6108643020548935");
        CHECK_CLOSE("ch3-ex3", fmin(fp, fq), t ? log(2.0) : 0.6108643020548935, TOL(1e-9, 1e-7));
    }
}

/* ch3-prob1: the cross-entropy's output gradient has no sigma' factor:
   dC/dw_jk = a^{L-1}_k (a_j - y_j) (67) against the quadratic's
   a^{L-1}_k (a_j - y_j) sigma'(z_j) (65); and how much that matters. */
static void ch3_prob1(void)
{
    int c, j, k;
    for (c = 0; c < 2; ++c) {
        nnd_cost cost = c ? NND_CROSS_ENTROPY : NND_QUADRATIC;
        nnd_net *net = one_layer(4, 3, NND_SIGMOID, cost);
        static const int widths[] = {4, 3};
        static const nnd_activation acts[] = {NND_SIGMOID, NND_SIGMOID};
        nnd_net *deep = make_net(5, widths, acts, 2, cost);
        nnd_rng rng;
        nnd_real x[4], y[3], a[3], g[15], xd[10], yd[6];
        double worst = 0.0;
        nnd_rng_seed(&rng, 101 + c);
        nnd_default_weight_initializer(net, &rng);
        fill(&rng, x, 4, -1, 1);
        fill(&rng, y, 3, 0.05, 0.95);
        feedforward_m(net, x, 1, a);
        backprop_m(net, x, y, NULL, 1, g, NULL);
        for (j = 0; j < 3; ++j)
            for (k = 0; k < 4; ++k) {
                double want = (double)x[k] * (a[j] - y[j]) * (c ? 1.0 : (double)a[j] * (1 - a[j]));
                worst = worst_of(worst, fabs(grad_w(net, g, 0, j, k) - want));
            }
        note("ch3-prob1: output-layer dC/dw_jk against %s (max difference)",
             c ? "(67) x_k (a_j - y_j)" : "(65) x_k (a_j - y_j) sigma'(z_j)");
        CHECK_CLOSE("ch3-prob1", worst, 0, TOL(1e-14, 1e-6));
        nnd_default_weight_initializer(deep, &rng);
        fill(&rng, xd, 10, -1, 1);
        fill(&rng, yd, 6, 0.05, 0.95);
        note("ch3-prob1: %s, [5,4,3], every layer: backprop against finite differences",
             c ? "cross-entropy" : "quadratic");
        CHECK_CLOSE("ch3-prob1", fd_check(deep, xd, yd, NULL, 2), 0, TOL(1e-7, 1e-3));
        nnd_free(net);
        nnd_free(deep);
    }
    {
        /* one neuron at z = 10 with target 0: the learning-slowdown in numbers */
        nnd_real x = 1, y = 0, g[2];
        nnd_net *q = one_layer(1, 1, NND_SIGMOID, NND_QUADRATIC), *e = one_layer(1, 1, NND_SIGMOID, NND_CROSS_ENTROPY);
        double s = nnd_sigmoid(10);
        nnd_params(q)[0] = nnd_params(e)[0] = 0;
        nnd_biases(q, 0)[0] = nnd_biases(e, 0)[0] = 10;
        backprop_m(q, &x, &y, NULL, 1, g, NULL);
        note("ch3-prob1: z = 10, y = 0, quadratic: dC/db = a sigma'(z) = 4.54e-5");
        CHECK_CLOSE("ch3-prob1", grad_b(q, g, 0, 0), s * s * (1 - s), TOL(1e-9, 2e-7));
        backprop_m(e, &x, &y, NULL, 1, g, NULL);
        note("ch3-prob1: z = 10, y = 0, cross-entropy: dC/db = a = 0.99995");
        CHECK_CLOSE("ch3-prob1", grad_b(e, g, 0, 0), s, TOL(1e-9, 1e-6));
        nnd_free(q);
        nnd_free(e);
    }
}

/* ch3-prob2: linear output neurons with the quadratic cost: delta^L = a - y
   (68), so (69)-(70) have no sigma' either. */
static void ch3_prob2(void)
{
    static const int widths[] = {4, 3};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_LINEAR};
    nnd_net *net = make_net(5, widths, acts, 2, NND_QUADRATIC);
    nnd_rng rng;
    nnd_real x[5], y[3], a[3], g[64];
    double worst = 0.0;
    int j;
    nnd_rng_seed(&rng, 111);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, x, 5, -1, 1);
    fill(&rng, y, 3, -1, 1);
    feedforward_m(net, x, 1, a);
    backprop_m(net, x, y, NULL, 1, g, NULL);
    for (j = 0; j < 3; ++j) worst = worst_of(worst, fabs(grad_b(net, g, 1, j) - ((double)a[j] - y[j])));
    note("ch3-prob2: linear output layer: delta^L = dC/db^L = a - y (68) (max difference)");
    CHECK_CLOSE("ch3-prob2", worst, 0, TOL(1e-14, 1e-6));
    note("ch3-prob2: (69)-(70) and the hidden layer against finite differences");
    CHECK_CLOSE("ch3-prob2", fd_check(net, x, y, NULL, 1), 0, TOL(1e-7, 1e-3));
    nnd_free(net);
}

/* ch3-prob3: for one neuron, whatever the cost, dC/dw_j = x_j dC/dz and
   dC/db = dC/dz, so (dC/dw_j)/(dC/db) = x_j: no cost removes the x_j. Four
   neuron/cost pairs of the library. */
static void ch3_prob3(void)
{
    static const nnd_activation f[4] = {NND_SIGMOID, NND_SIGMOID, NND_TANH, NND_SOFTMAX};
    static const nnd_cost cst[4] = {NND_QUADRATIC, NND_CROSS_ENTROPY, NND_QUADRATIC, NND_LOG_LIKELIHOOD};
    double worst = 0.0;
    int t, j, k;
    nnd_rng rng;
    nnd_rng_seed(&rng, 121);
    for (t = 0; t < 4; ++t) {
        int n_out = t == 3 ? 3 : 1, label = 1;
        nnd_net *net = one_layer(5, n_out, f[t], cst[t]);
        nnd_real x[5], y = (nnd_real)0.2, g[32];
        nnd_default_weight_initializer(net, &rng);
        fill(&rng, x, 5, 0.1, 1);
        backprop_m(net, x, t == 3 ? NULL : &y, t == 3 ? &label : NULL, 1, g, NULL);
        for (j = 0; j < n_out; ++j)
            for (k = 0; k < 5; ++k)
                worst = worst_of(worst, fabs(grad_w(net, g, 0, j, k) / grad_b(net, g, 0, j) - x[k]));
        nnd_free(net);
    }
    note("ch3-prob3: (dC/dw_j)/(dC/db) - x_j for sigmoid+quadratic, sigmoid+CE, tanh+quadratic, softmax+LL (max)");
    CHECK_CLOSE("ch3-prob3", worst, 0, TOL(1e-12, 1e-5));
}

/* ch3-ex4: sigmoid outputs need not sum to 1; softmax outputs do. */
static void ch3_ex4(void)
{
    nnd_net *net = one_layer(1, 3, NND_SIGMOID, NND_QUADRATIC);
    nnd_real x = 0, a[3], z[3] = {1, 2, 3};
    double zd[3] = {1, 2, 3}, want[3], worst = 0.0;
    int j;
    for (j = 0; j < 3; ++j) nnd_biases(net, 0)[j] = z[j];
    feedforward_m(net, &x, 1, a);
    /* measured: double 0, float under 5e-8 (the layer's float e^x) */
    note("ch3-ex4: three sigmoid outputs at z = (1,2,3) sum to sigma(1) + sigma(2) + sigma(3) = 2.56443");
    CHECK_CLOSE("ch3-ex4", (double)a[0] + a[1] + a[2], sig(1) + sig(2) + sig(3), TOL(1e-15, 3e-7));
    nnd_softmax(z, a, 3);
    hand_softmax(zd, want, 3);
    for (j = 0; j < 3; ++j) worst = worst_of(worst, fabs(a[j] - want[j]));
    note("ch3-ex4: the softmax of the same z sums to %.9f", (double)a[0] + a[1] + a[2]);
    /* measured: double 0, float 1.2e-8 */
    note("ch3-ex4: it is (e^1, e^2, e^3)/(e^1 + e^2 + e^3) = (0.0900, 0.2447, 0.6652) (max difference)");
    CHECK_CLOSE("ch3-ex4", worst, 0, TOL(1e-15, 1e-7));
    nnd_free(net);
}

/* The softmax Jacobian by finite differences of nnd_softmax. */
static void softmax_fd_jacobian(const double *z, int n, double J[8][8])
{
    static const double step[4] = {2, 1, -1, -2};
    int j, k, s;
    for (k = 0; k < n; ++k) {
        double a[4][8];
        for (s = 0; s < 4; ++s) {
            nnd_real zz[8], aa[8];
            for (j = 0; j < n; ++j) zz[j] = (nnd_real)(z[j] + (j == k ? step[s] * H : 0));
            nnd_softmax(zz, aa, n);
            for (j = 0; j < n; ++j) a[s][j] = aa[j];
        }
        for (j = 0; j < n; ++j) J[j][k] = (-a[0][j] + 8 * a[1][j] - 8 * a[2][j] + a[3][j]) / (12 * H);
    }
}

/* ch3-ex5: da_j/dz_k = a_j (delta_jk - a_k): positive on the diagonal,
   negative off it, and every column sums to 0 (the outputs always sum to 1). */
static void ch3_ex5(void)
{
    static const double defaults[4] = {2.5, -1, 3.2, 0.5};
    double worst = 0.0, colsum = 0.0, diag_min = HUGE_VAL, off_max = -HUGE_VAL;
    int t, j, k;
    nnd_rng rng;
    nnd_rng_seed(&rng, 131);
    for (t = 0; t < 6; ++t) {
        double z[4], J[8][8];
        nnd_real zr[4], a[4];
        for (j = 0; j < 4; ++j) z[j] = t == 0 ? defaults[j] : (double)(nnd_real)(6 * nnd_rng_uniform(&rng) - 3);
        for (j = 0; j < 4; ++j) zr[j] = (nnd_real)z[j];
        nnd_softmax(zr, a, 4);
        softmax_fd_jacobian(z, 4, J);
        for (k = 0; k < 4; ++k) {
            double s = 0.0;
            for (j = 0; j < 4; ++j) {
                worst = worst_of(worst, fabs(J[j][k] - (double)a[j] * ((j == k) - (double)a[k])));
                if (j == k) diag_min = fmin(diag_min, J[j][k]);
                else off_max = worst_of(off_max, J[j][k]);
                s += J[j][k];
            }
            colsum = worst_of(colsum, fabs(s));
        }
    }
    note("ch3-ex5: finite-difference Jacobian of nnd_softmax against a_j(delta_jk - a_k), defaults + 5 random z");
    CHECK_CLOSE("ch3-ex5", worst, 0, TOL(1e-8, 2e-5));
    note("ch3-ex5: smallest diagonal entry da_j/dz_j (> 0: raising z_j raises a_j)");
    CHECK_AT_LEAST("ch3-ex5", diag_min, 1e-6);
    note("ch3-ex5: largest off-diagonal entry da_j/dz_k (< 0: raising z_k lowers every other a_j)");
    CHECK_AT_MOST("ch3-ex5", off_max, -1e-6);
    /* follows from the first line (the columns of a_j(delta_jk - a_k) sum to
       a_k(1 - sum_j a_j) = 0), and a constant softmax would give 0 as well */
    note("ch3-ex5: largest |column sum| of the measured Jacobian: %.2g (the outputs always sum to 1)", colsum);
}

/* ch3-ex6: each softmax output depends on every z; a sigmoid output only on
   its own. Raise z_3 by 1 at the slider defaults (2.5, -1, 3.2, 0.5). */
static void ch3_ex6(void)
{
    nnd_real z[4] = {(nnd_real)2.5, -1, (nnd_real)3.2, (nnd_real)0.5}, a[4], a2[4], s[4], s2[4];
    static const double ref[4] = {0.3145, 0.0095, 0.6334, 0.0426};
    double worst = 0.0, worst_s = 0.0, z3 = z[2];
    int j, same = 1;
    nnd_softmax(z, a, 4);
    nnd_activate(NND_SIGMOID, z, s, 4);
    for (j = 0; j < 4; ++j) worst = worst_of(worst, fabs(a[j] - ref[j]));
    note("ch3-ex6: softmax at the defaults = (0.3145, 0.0095, 0.6334, 0.0426) (max difference)");
    CHECK_CLOSE("ch3-ex6", worst, 0, 5e-5);
    z[2] += 1;
    nnd_softmax(z, a2, 4);
    nnd_activate(NND_SIGMOID, z, s2, 4);
    note("ch3-ex6: a_1 of the softmax after z_3 += 1 (falls: %.4f -> %.4f)", a[0], a2[0]);
    CHECK_AT_MOST("ch3-ex6", a2[0] - a[0], -0.1);
    /* the sigmoid layer's change against (0, 0, sigma(4.2) - sigma(3.2), 0)
       computed here: it moves its own output only. Measured 0 in double,
       2.4e-8 in float (the layer's own e^x is within 3e-7 relative) */
    for (j = 0; j < 4; ++j) {
        double want = j == 2 ? sig((double)z[2]) - sig(z3) : 0.0;
        worst_s = worst_of(worst_s, fabs(((double)s2[j] - s[j]) - want));
        if (j != 2) same = same && s2[j] == s[j];
    }
    note("ch3-ex6: a sigmoid layer after the same change: only a_3 moves, by sigma(4.2) - sigma(3.2) = 0.0235 "
         "(max difference; a_1, a_2, a_4 bit for bit unchanged: %s)",
         same ? "yes" : "no");
    CHECK_CLOSE("ch3-ex6", worst_s, 0, TOL(1e-15, 1e-7));
}

/* ch3-prob4: z_j = ln a_j + C with C = ln sum_k e^{z_k} (log-sum-exp). */
static void ch3_prob4(void)
{
    nnd_rng rng;
    double worst_spread = 0.0, worst_lse = 0.0;
    int t, j;
    nnd_rng_seed(&rng, 141);
    for (t = 0; t < 20; ++t) {
        nnd_real z[6], a[6];
        double c[6], lse = 0.0, lo = HUGE_VAL, hi = -HUGE_VAL;
        fill(&rng, z, 6, -4, 4);
        nnd_softmax(z, a, 6);
        for (j = 0; j < 6; ++j) {
            c[j] = z[j] - log((double)a[j]);
            lo = fmin(lo, c[j]);
            hi = worst_of(hi, c[j]);
            lse += exp((double)z[j]);
        }
        worst_spread = worst_of(worst_spread, hi - lo);
        worst_lse = worst_of(worst_lse, fabs(c[0] - log(lse)));
    }
    note("ch3-prob4: spread of z_j - ln a_j over j (constant), 20 random z of 6 outputs");
    CHECK_CLOSE("ch3-prob4", worst_spread, 0, TOL(1e-12, 1e-6));
    note("ch3-prob4: that constant minus ln sum_k e^{z_k}");
    CHECK_CLOSE("ch3-prob4", worst_lse, 0, TOL(1e-12, 1e-6));
}

/* ch3-prob5: softmax output with the log-likelihood: dC/db_j = a_j - y_j
   (81), dC/dw_jk = a^{L-1}_k (a_j - y_j) (82). */
static void ch3_prob5(void)
{
    static const int widths[] = {5, 4};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_SOFTMAX};
    nnd_net *net = one_layer(6, 4, NND_SOFTMAX, NND_LOG_LIKELIHOOD), *deep;
    nnd_rng rng;
    nnd_real x[6], a[4], g[64], xd[18];
    int label = 2, labels[3] = {0, 3, 1}, j, k;
    double worst = 0.0;
    nnd_rng_seed(&rng, 151);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, x, 6, -1, 1);
    feedforward_m(net, x, 1, a);
    backprop_m(net, x, NULL, &label, 1, g, NULL);
    for (j = 0; j < 4; ++j) {
        double d = (double)a[j] - (j == label);
        worst = worst_of(worst, fabs(grad_b(net, g, 0, j) - d));
        for (k = 0; k < 6; ++k) worst = worst_of(worst, fabs(grad_w(net, g, 0, j, k) - x[k] * d));
    }
    note("ch3-prob5: softmax + log-likelihood gradients against (81)-(82) (max difference)");
    CHECK_CLOSE("ch3-prob5", worst, 0, TOL(1e-14, 1e-6));
    deep = make_net(6, widths, acts, 2, NND_LOG_LIKELIHOOD);
    nnd_default_weight_initializer(deep, &rng);
    fill(&rng, xd, 18, -1, 1);
    note("ch3-prob5: [6,5,4] with a softmax output: backprop against finite differences");
    CHECK_CLOSE("ch3-prob5", fd_check(deep, xd, NULL, labels, 3), 0, TOL(1e-7, 1e-3));
    nnd_free(net);
    nnd_free(deep);
}

/* ch3-prob6: a_j = e^{c z_j} / sum_k e^{c z_k} sums to 1 for every c > 0 and
   tends to the one-hot argmax as c grows (shared equally on a tie). For
   large c z the exponentials overflow (e^89 in float, e^710 in double)
   unless computed as e^{c z_j - max_k c z_k}, which softmax allows. */
static void ch3_prob6(void)
{
    static const double z0[4] = {2.5, -1, 3.2, 0.5}, cs[3] = {0.1, 1, 10};
    nnd_real z[4], a[4], t[3], b[3], x = 0;
    double worst = 0.0, worst_sum = 0.0, zd[4], want[4];
    int i, j;
    nnd_net *net = one_layer(1, 3, NND_SOFTMAX, NND_LOG_LIKELIHOOD);
    for (i = 0; i < 3; ++i) {
        double s = 0.0;
        for (j = 0; j < 4; ++j) zd[j] = z[j] = (nnd_real)(cs[i] * z0[j]);
        nnd_softmax(z, a, 4);
        hand_softmax(zd, want, 4);
        for (j = 0; j < 4; ++j) {
            s += a[j];
            worst = worst_of(worst, fabs(a[j] - want[j]));
        }
        worst_sum = worst_of(worst_sum, fabs(s - 1));
    }
    note("ch3-prob6: c = 0.1, 1, 10: their sums differ from 1 by at most %.2g", worst_sum);
    /* measured 0 (double), 5.4e-8 (float) */
    note("ch3-prob6: c = 0.1, 1, 10: nnd_softmax against e^{c z_j} / sum_k e^{c z_k} done here (max difference)");
    CHECK_CLOSE("ch3-prob6", worst, 0, TOL(1e-15, 2e-7));
    for (j = 0; j < 4; ++j) z[j] = (nnd_real)(100 * z0[j]);
    nnd_softmax(z, a, 4);
    note("ch3-prob6: c = 100: the largest z takes everything, 1 - a_3");
    CHECK_AT_MOST("ch3-prob6", 1 - (double)a[2], 1e-12);
    t[0] = 200;
    t[1] = 200;
    t[2] = 0; /* c = 200 times (1, 1, 0) */
    nnd_softmax(t, b, 3);
    note("ch3-prob6: c = 200 on z = (1, 1, 0): a tie shares equally, max |a - (1/2, 1/2, 0)|");
    CHECK_CLOSE("ch3-prob6", worst_of(worst_of(fabs(b[0] - 0.5), fabs(b[1] - 0.5)), fabs(b[2])), 0, 1e-12);
    /* c = 1000 on z = (1, 0.999, 0): (1000, 999, 0) overflows e^z in both
       precisions; the answer is (sigma(1), 1 - sigma(1), e^-1000 ~ 0).
       Measured 0 (double), 1.9e-8 (float); unshifted it is NaN */
    t[0] = 1000;
    t[1] = 999;
    t[2] = 0;
    nnd_softmax(t, b, 3);
    note("ch3-prob6: c = 1000 on z = (1, 0.999, 0): max |a - (sigma(1), 1 - sigma(1), 0)| of nnd_softmax");
    CHECK_CLOSE("ch3-prob6", worst_of(worst_of(fabs(b[0] - sig(1)), fabs(b[1] - sig(-1))), fabs(b[2])), 0,
                TOL(1e-15, 1e-7));
    /* and in a network: a softmax layer whose biases are those z */
    for (j = 0; j < 3; ++j) nnd_biases(net, 0)[j] = t[j];
    nnd_weights(net, 0)[0] = nnd_weights(net, 0)[1] = nnd_weights(net, 0)[2] = 0;
    feedforward_m(net, &x, 1, b);
    note("ch3-prob6: the same z as the biases of a softmax layer: nnd_feedforward's output, max difference");
    CHECK_CLOSE("ch3-prob6", worst_of(worst_of(fabs(b[0] - sig(1)), fabs(b[1] - sig(-1))), fabs(b[2])), 0,
                TOL(1e-15, 1e-7));
    nnd_free(net);
}

/* A forward pass of a dense network done here in double: a[l] holds the
   input of layer l (a[0] = x, a[L] the output); each layer is sigmoid unless
   nnd_layer_info says softmax. Weights read through nnd_weights (W^T
   layout); at most 16 neurons a layer. */
static void hand_forward(nnd_net *net, const nnd_real *x, double a[][16])
{
    int l, j, k, L = nnd_num_layers(net);
    for (k = 0; k < nnd_input_size(net); ++k) a[0][k] = x[k];
    for (l = 0; l < L; ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        const nnd_real *W = nnd_weights(net, l), *b = nnd_biases(net, l);
        double z[16];
        for (j = 0; j < d.n_out; ++j) {
            z[j] = b[j];
            for (k = 0; k < d.n_in; ++k) z[j] += (double)W[(size_t)k * d.n_out + j] * a[l][k];
        }
        if (d.activation == NND_SOFTMAX) hand_softmax(z, a[l + 1], d.n_out);
        else
            for (j = 0; j < d.n_out; ++j) a[l + 1][j] = sig(z[j]);
    }
}

/* ch3-prob7: delta^L_j = dC/dz^L_j = a_j - y_j for softmax + log-likelihood
   (84). The engine's delta^L is nnd_backprop's output-bias gradient (BP3:
   dC/db^L = delta^L) of a [5,6,4] network (sigmoid hidden layer, softmax
   output); a - y from a forward pass done here. Then the definition:
   finite differences of the cost in the output biases (z = w a + b). */
static void ch3_prob7(void)
{
    static const int widths[] = {6, 4};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_SOFTMAX};
    nnd_net *net = make_net(5, widths, acts, 2, NND_LOG_LIKELIHOOD);
    nnd_rng rng;
    nnd_real x[5], g[64];
    int label = 3, j, s, t;
    double worst = 0.0, worst_fd = 0.0, a[3][16];
    nnd_rng_seed(&rng, 161);
    for (t = 0; t < 5; ++t) { /* five random nets and inputs, each label */
        nnd_default_weight_initializer(net, &rng);
        fill(&rng, x, 5, -1, 1);
        label = t % 4;
        hand_forward(net, x, a);
        backprop_m(net, x, NULL, &label, 1, g, NULL);
        for (j = 0; j < 4; ++j) worst = worst_of(worst, fabs(grad_b(net, g, 1, j) - (a[2][j] - (j == label))));
    }
    /* measured: double 1.1e-16, float 6.7e-8; a delta multiplied by
       a(1 - a) is off by 0.1 or more */
    note("ch3-prob7: nnd_backprop's delta^L = dC/db^L of [5,6,4] softmax + log-likelihood against a - y from a "
         "hand forward pass, 5 nets (max difference)");
    CHECK_CLOSE("ch3-prob7", worst, 0, TOL(1e-15, 3e-7));
    for (j = 0; j < 4; ++j) {
        static const double step[4] = {2, 1, -1, -2};
        nnd_real *b = nnd_biases(net, 1), keep = b[j];
        double c[4], fd;
        for (s = 0; s < 4; ++s) {
            b[j] = (nnd_real)(keep + step[s] * H);
            batch_cost_m(net, x, NULL, &label, 1, &c[s]);
        }
        b[j] = keep;
        fd = (-c[0] + 8 * c[1] - 8 * c[2] + c[3]) / (12 * H);
        worst_fd = worst_of(worst_fd, fabs(fd - (a[2][j] - (j == label))));
    }
    /* measured: double 1.7e-13, float 6.4e-7 (fourth-order differences,
       step 1e-3 in double, 5e-2 in float) */
    note("ch3-prob7: finite-difference dC/dz_j of nnd_batch_cost against the same a_j - y_j (max difference)");
    CHECK_CLOSE("ch3-prob7", worst_fd, 0, TOL(2e-12, 1e-5));
    nnd_free(net);
}

/* ch3-ex7: why rotations in training must stay small: a 6 turned over is a
   9. No numeric claim; the experiment: [784,30,10] trained on 10,000 images
   plus one copy of each turned by a uniform angle within +-15 deg or within
   +-180 deg (the library's nnd_transform_image), validation accuracy of each;
   and a network trained without rotations fed the test 6s turned by 180 deg.
   (nnd_sgd's on-the-fly augment_rotate would be the natural tool, but in
   this version it accepts only networks whose first layer reads one-channel
   images, i.e. convolutional ones.) */
static void ch3_ex7(const nnd_mnist *m)
{
    const int N = 10000;
    nnd_real *aug = (nnd_real *)malloc(sizeof *aug * 784 * 2 * (size_t)N);
    int *lab = (int *)malloc(sizeof *lab * 2 * (size_t)N), v, i, p, acc[2], n6 = 0, as9 = 0, as6 = 0;
    nnd_rng rng;
    nnd_net *plain;
    nnd_data tr, first = nnd_data_slice(&m->training, 0, N);
    nnd_rng_seed(&rng, 171);
    for (i = 0; i < N; ++i) {
        for (p = 0; p < 784; ++p)
            aug[784 * (size_t)i + p] = (nnd_real)(m->training.x8[784 * (size_t)i + p] * m->training.x8_scale);
        lab[i] = lab[N + i] = m->training.labels[i];
    }
    tr = labelled(aug, lab, 2 * N, 784);
    for (v = 0; v < 2; ++v) {
        double range = v ? 180.0 : 15.0;
        nnd_net *net;
        for (i = 0; i < N; ++i)
            nnd_transform_image(aug + 784 * (size_t)i, aug + 784 * ((size_t)N + i), 28, 28,
                                range * (2 * nnd_rng_uniform(&rng) - 1), 0.0, 0.0);
        net = train_784_30_10(&tr, 5, 0.5, 0.0, 172);
        nnd_accuracy(net, &m->validation, &acc[v]);
        note("ch3-ex7: rotations within +-%g deg: validation accuracy %.2f%%", range, acc[v] / 100.0);
        nnd_free(net);
    }
    plain = train_784_30_10(&first, 10, 0.5, 0.0, 173);
    {
        nnd_real img[784], rot[784], out[10];
        for (i = 0; i < m->test.n; ++i) {
            int j, best = 0;
            if (m->test.labels[i] != 6) continue;
            for (p = 0; p < 784; ++p) img[p] = (nnd_real)(m->test.x8[784 * (size_t)i + p] * m->test.x8_scale);
            nnd_transform_image(img, rot, 28, 28, 180.0, 0.0, 0.0);
            feedforward_m(plain, rot, 1, out);
            for (j = 1; j < 10; ++j)
                if (out[j] > out[best]) best = j;
            ++n6;
            as9 += best == 9;
            as6 += best == 6;
        }
    }
    note("ch3-ex7: test 6s turned by 180 deg, network trained without rotations: %d of %d read as 9 (%.1f%%), %d "
         "as 6",
         as9, n6, 100.0 * as9 / n6, as6);
    note("ch3-ex7: validation accuracy with +-15 deg rotations (percent)");
    CHECK_AT_LEAST("ch3-ex7", acc[0] / 100.0, 90);
    note("ch3-ex7: accuracy lost by allowing +-180 deg instead (percentage points)");
    CHECK_AT_LEAST("ch3-ex7", (acc[0] - acc[1]) / 100.0, 1);
    note("ch3-ex7: share of upside-down 6s read as 9 (percent; chance would be ~10)");
    CHECK_AT_LEAST("ch3-ex7", 100.0 * as9 / n6, 30);
    nnd_free(plain);
    free(aug);
    free(lab);
}

/* Least squares of y ~ a - b n^{-c}: for a given c, a and b are linear. */
static double fit_at(const double *n, const double *y, int k, double c, double *a, double *b)
{
    double s1 = 0, sx = 0, sxx = 0, sy = 0, sxy = 0, sse = 0.0, det;
    int i;
    for (i = 0; i < k; ++i) {
        double t = -pow(n[i], -c);
        s1 += 1;
        sx += t;
        sxx += t * t;
        sy += y[i];
        sxy += t * y[i];
    }
    det = s1 * sxx - sx * sx;
    *a = (sxx * sy - sx * sxy) / det;
    *b = (s1 * sxy - sx * sy) / det;
    for (i = 0; i < k; ++i) {
        double r = y[i] - (*a - *b * pow(n[i], -c));
        sse += r * r;
    }
    return sse;
}

/* Best c on a grid, then golden-section refinement. */
static double fit_curve(const double *n, const double *y, int k, double *a, double *b, double *c)
{
    double best = HUGE_VAL, bc = 0.1, lo, hi, g = (sqrt(5.0) - 1) / 2, p, q, fp, fq;
    int i;
    for (i = 1; i <= 300; ++i) {
        double cc = i * 0.005, aa, bb, s = fit_at(n, y, k, cc, &aa, &bb);
        if (s < best) {
            best = s;
            bc = cc;
        }
    }
    lo = bc - 0.005;
    hi = bc + 0.005;
    p = hi - g * (hi - lo);
    q = lo + g * (hi - lo);
    fp = fit_at(n, y, k, p, a, b);
    fq = fit_at(n, y, k, q, a, b);
    for (i = 0; i < 100; ++i) {
        if (fp < fq) {
            hi = q;
            q = p;
            fq = fp;
            p = hi - g * (hi - lo);
            fp = fit_at(n, y, k, p, a, b);
        } else {
            lo = p;
            p = q;
            fp = fq;
            q = lo + g * (hi - lo);
            fq = fit_at(n, y, k, q, a, b);
        }
    }
    *c = (lo + hi) / 2;
    return sqrt(fit_at(n, y, k, *c, a, b) / k);
}

/* ch3-prob8: a research problem (how accuracy behaves as data grows without
   bound). No numeric claim. The fit: a - b n^{-c} to the book's validation
   accuracies against training-set size (fig/more_data.json for the
   [784,30,10] network, more_data_svm.json for the SVM), asymptotes reported
   (arithmetic on the book's numbers, so notes). The check: the library's
   own [784,30,10] trained as more_data.py does (lambda = n/10^4, eta 0.5,
   mini-batch 10) but on a budget of 30,000 examples per size instead of
   1.5 million, for n = 500 .. 5,000; its accuracy must rise with n as the
   book's does (85.29 -> 93.24 % over the same range). */
static void ch3_prob8(const nnd_mnist *m)
{
    static const double n[9] = {100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000};
    static const double nn[9] = {69.09, 76.37, 85.29, 88.85, 91.27, 93.24, 94.89, 95.85, 95.97};
    static const double svm[9] = {25.07, 48.93, 75.13, 83.87, 88.49, 91.46, 92.45, 93.47, 94.48};
    static const int sizes[4] = {500, 1000, 2000, 5000};
    double a, b, c, rms, as, bs, cs, rmss, ours[4], nd[4];
    int k;
    rms = fit_curve(n, nn, 9, &a, &b, &c);
    rmss = fit_curve(n, svm, 9, &as, &bs, &cs);
    note("ch3-prob8: the book's network: accuracy ~ %.2f - %.1f n^-%.3f (rms residual %.2f points)", a, b, c, rms);
    note("ch3-prob8: the book's SVM:     accuracy ~ %.2f - %.1f n^-%.3f (rms residual %.2f points)", as, bs, cs,
         rmss);
    for (k = 0; k < 4; ++k) {
        int st, acc, layers[] = {784, 30, 10};
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_data tr = nnd_data_slice(&m->training, 0, sizes[k]);
        nnd_rng_seed(&rng, 185);
        net = nnd_network2(layers, 3, NND_CROSS_ENTROPY, &rng, &st);
        nnd_large_weight_initializer(net, &rng);
        opt.epochs = 30000 / sizes[k];
        opt.eta = 0.5;
        opt.lmbda = sizes[k] * 1e-4;
        opt.rng = &rng;
        train(net, &tr, &opt, NULL);
        nnd_accuracy(net, &m->validation, &acc);
        ours[k] = acc / 100.0;
        nd[k] = sizes[k];
        nnd_free(net);
    }
    rms = fit_curve(nd, ours, 4, &a, &b, &c);
    note("ch3-prob8: nnd, 30,000 examples per size: n = 500 / 1000 / 2000 / 5000 -> %.2f / %.2f / %.2f / %.2f %% "
         "(fit %.2f - %.1f n^-%.3f)",
         ours[0], ours[1], ours[2], ours[3], a, b, c);
    /* measured 11.45 points in float and double (the book gains 7.95 over the
       same range with 50 times the training); the bound asks for three
       quarters of the book's gain. Smallest step measured 2.11 points */
    note("ch3-prob8: validation accuracy gained from n = 500 to n = 5000 (percentage points)");
    CHECK_AT_LEAST("ch3-prob8", ours[3] - ours[0], 6);
    note("ch3-prob8: smallest gain from one size to the next (each doubling or so helps)");
    CHECK_AT_LEAST("ch3-prob8", fmin(fmin(ours[1] - ours[0], ours[2] - ours[1]), ours[3] - ours[2]), 1);
}

/* Sample standard deviation of z = w.x + b over many neurons with 1000
   inputs, half of them 1 and half 0, with w and b from the library's
   initialiser (linear neurons, so the outputs are z). */
static double z_std(int large, nnd_rng *rng)
{
    const int width = 1000, draws = 100;
    nnd_net *net = one_layer(1000, width, NND_LINEAR, NND_QUADRATIC);
    nnd_real x[1000], *z = (nnd_real *)malloc(sizeof *z * width);
    double s = 0.0, s2 = 0.0, cnt = 0.0, mean;
    int k, t, j;
    for (k = 0; k < 1000; ++k) x[k] = k < 500 ? 1 : 0;
    for (t = 0; t < draws; ++t) {
        if (large) nnd_large_weight_initializer(net, rng);
        else nnd_default_weight_initializer(net, rng);
        feedforward_m(net, x, 1, z);
        for (j = 0; j < width; ++j) {
            s += z[j];
            s2 += (double)z[j] * z[j];
            cnt += 1;
        }
    }
    mean = s / cnt;
    free(z);
    nnd_free(net);
    return sqrt((s2 - cnt * mean * mean) / (cnt - 1));
}

/* Sample variance of layer 0's weights or biases after one draw of the
   default initialiser: 1000 inputs, 200 neurons (2 x 10^5 weights). */
static double init_variance(int biases, nnd_rng *rng)
{
    nnd_net *net = one_layer(1000, 200, NND_SIGMOID, NND_CROSS_ENTROPY);
    nnd_layer_desc d = nnd_layer_info(net, 0);
    const nnd_real *v;
    size_t i, cnt = biases ? d.n_biases : d.n_weights;
    double s = 0.0, s2 = 0.0;
    nnd_default_weight_initializer(net, rng);
    v = biases ? nnd_biases(net, 0) : nnd_weights(net, 0);
    for (i = 0; i < cnt; ++i) {
        s += v[i];
        s2 += (double)v[i] * v[i];
    }
    nnd_free(net);
    return (s2 - s * s / cnt) / (cnt - 1);
}

/* ch3-ex8: with w ~ N(0, 1/n_in), 500 inputs at 1 and b ~ N(0,1),
   Var z = 500/1000 + 1 = 3/2; with w ~ N(0,1) it is 500 + 1 = 501. 10^5
   draws each (relative standard error of the std 0.22 %). First the
   premise: the default initialiser's weight variance is 1/n_in. */
static void ch3_ex8(void)
{
    nnd_rng rng;
    double vw, vb;
    nnd_rng_seed(&rng, 181);
    vw = init_variance(0, &rng);
    vb = init_variance(1, &rng);
    /* 2 x 10^5 weights: standard error of the variance sqrt(2/2e5) = 0.32 %;
       measured 0.99993 (float and double); a variance of 1/n_in^2 or 1 is
       off by a factor 1000 */
    note("ch3-ex8: nnd_default_weight_initializer, n_in = 1000: weight variance times n_in (1; 2 %% = 6 standard "
         "errors)");
    CHECK_CLOSE("ch3-ex8", vw * 1000, 1, 0.02);
    note("ch3-ex8: its bias variance over 200 biases (1; standard error 10 %%): %.3f", vb);
    note("ch3-ex8: std of z with nnd_default_weight_initializer = sqrt(3/2) (1 %%)");
    CHECK_CLOSE("ch3-ex8", z_std(0, &rng), sqrt(1.5), 0.01 * sqrt(1.5));
    note("ch3-ex8: std of z with nnd_large_weight_initializer = sqrt(501) (1 %%)");
    CHECK_CLOSE("ch3-ex8", z_std(1, &rng), sqrt(501.0), 0.01 * sqrt(501.0));
}

static double rms_weights(nnd_net *net, int l)
{
    nnd_layer_desc d = nnd_layer_info(net, l);
    const nnd_real *w = nnd_weights(net, l);
    double s = 0.0;
    size_t i;
    for (i = 0; i < d.n_weights; ++i) s += (double)w[i] * w[i];
    return sqrt(s / d.n_weights);
}

typedef struct rms_trace {
    nnd_net *net;
    int n;
    double rms[64];
} rms_trace;

static int record_rms(const nnd_epoch *e, void *user)
{
    rms_trace *t = (rms_trace *)user;
    (void)e;
    if (t->n < 64) t->rms[t->n++] = rms_weights(t->net, 0);
    return 0;
}

/* network2's update rule done here for one epoch: the mini-batches
   [k, k+m) of the given order (the last one short, of b = n mod m examples,
   when m does not divide n), each batch's summed gradient from nnd_backprop
   on ref after ref is set to the hand parameters, then
     weights  w <- w - (eta lmbda/n) w      - (eta/b) sum grad_w   (93), L2
              w <- w - (eta lmbda/n) sgn(w) - (eta/b) sum grad_w   (97), L1
     biases   b <- b - (eta/b) sum grad_b.
   hand[] holds the parameters in double; labels are one-hot classes. */
static void hand_epoch(nnd_net *ref, const nnd_real *x, const int *labels, const int *order, int n, int m,
                       double eta, double lmbda, nnd_regularization reg, double *hand)
{
    const size_t np = nnd_param_count(ref);
    const int n_in = nnd_input_size(ref);
    nnd_real *xb = (nnd_real *)malloc(sizeof *xb * (size_t)m * n_in), *g = (nnd_real *)malloc(sizeof *g * np);
    int *lb = (int *)malloc(sizeof *lb * m), k, i, l;
    unsigned char *is_w = (unsigned char *)calloc(np, 1);
    size_t p;
    for (l = 0; l < nnd_num_layers(ref); ++l) {
        nnd_layer_desc d = nnd_layer_info(ref, l);
        for (p = d.weight_offset; p < d.weight_offset + d.n_weights; ++p) is_w[p] = 1;
    }
    for (k = 0; k < n; k += m) {
        const int b = n - k < m ? n - k : m;
        for (i = 0; i < b; ++i) {
            memcpy(xb + (size_t)i * n_in, x + (size_t)order[k + i] * n_in, sizeof *xb * n_in);
            lb[i] = labels[order[k + i]];
        }
        for (p = 0; p < np; ++p) nnd_params(ref)[p] = (nnd_real)hand[p];
        backprop_m(ref, xb, NULL, lb, b, g, NULL);
        for (p = 0; p < np; ++p) {
            const double w = hand[p], r = reg == NND_L1 ? (double)((w > 0) - (w < 0)) : w;
            hand[p] = w - (is_w[p] ? eta * lmbda / n * r : 0.0) - eta / b * g[p];
        }
    }
    free(xb);
    free(g);
    free(lb);
    free(is_w);
}

/* Largest |library parameter - hand parameter|. */
static double param_gap(nnd_net *net, const double *hand)
{
    size_t p, np = nnd_param_count(net);
    double worst = 0.0;
    for (p = 0; p < np; ++p) worst = worst_of(worst, fabs(nnd_params(net)[p] - hand[p]));
    return worst;
}

/* nnd_sgd for `epochs` epochs of mini-batches of m on n labelled inputs x
   [n x n_in] of net (order fixed when rng is NULL). */
static void sgd_small(nnd_net *net, const nnd_real *x, const int *labels, int n, int m, int epochs, double eta,
                      double lmbda, nnd_regularization reg, nnd_rng *rng)
{
    nnd_data d = labelled(x, labels, n, nnd_input_size(net));
    nnd_sgd_options opt = nnd_sgd_defaults();
    opt.epochs = epochs;
    opt.mini_batch_size = m;
    opt.eta = eta;
    opt.lmbda = lmbda;
    opt.regularization = reg;
    opt.rng = rng;
    train(net, &d, &opt, NULL);
}

/* One epoch of nnd_sgd with L2 (n = 50,000 zero inputs, m = 10, eta = 0.5,
   lambda = 5) on a fresh one-layer net with N(0,1) weights, in the given
   input mode; the largest relative departure of a weight's ratio
   after/before from factor. */
static double pure_decay(int mode, double factor, nnd_rng *rng)
{
    const int n = 50000;
    nnd_net *net = one_layer(3, 2, NND_SIGMOID, NND_CROSS_ENTROPY);
    nnd_real *x = (nnd_real *)calloc((size_t)n * 3, sizeof *x), before[6];
    int *lab = (int *)malloc(sizeof *lab * n), i;
    double worst = 0.0;
    for (i = 0; i < n; ++i) lab[i] = i % 2;
    nnd_large_weight_initializer(net, rng);
    nnd_set_sparse_input(net, mode);
    memcpy(before, nnd_weights(net, 0), sizeof before);
    sgd_small(net, x, lab, n, 10, 1, 0.5, 5.0, NND_L2, NULL);
    for (i = 0; i < 6; ++i) worst = worst_of(worst, fabs(nnd_weights(net, 0)[i] / before[i] - factor) / factor);
    nnd_free(net);
    free(x);
    free(lab);
    return worst;
}

/* ch3-prob9: with L2 and the old N(0,1) weights, decay dominates at first:
   each step multiplies w by 1 - eta lambda/n, n/m steps per epoch, so an
   epoch shrinks w by (1 - eta lambda/n)^{n/m} ~ exp(-eta lambda/m).
   Exact check: zero inputs make every weight's data gradient 0, so one epoch
   of nnd_sgd (n = 50,000, m = 10, eta = 0.5, lambda = 5) is pure decay:
   (1 - 5e-5)^5000 = 0.7787959 (exp(-0.25) = 0.7788008). Zero inputs take
   the sparse-input kernels, so the same epoch is run again with the dense
   ones forced (nnd_set_sparse_input), and then (93) is checked step by step
   on a [4,3,2] network with nonzero inputs, where every layer is dense and
   n = 7 differs from m = 3 (batches 3, 3, 1). The book's "until the weights
   are about 1/sqrt(n)": the web text says n is the total number of weights,
   a LaTeX transcription says n_in; the diagnostic below reports the level
   reached next to both. */
static void ch3_prob9(const nnd_mnist *m)
{
    const int n = 50000;
    static const int order[7] = {0, 1, 2, 3, 4, 5, 6}, lab[7] = {0, 1, 1, 0, 1, 0, 0};
    int sizes[] = {4, 3, 2}, st;
    nnd_net *net, *ref;
    nnd_rng rng;
    nnd_real x[28];
    nnd_sgd_options opt;
    double factor = pow(1.0 - 0.5 * 5 / n, n / 10), hand[64];
    size_t p;
    nnd_rng_seed(&rng, 191);
    note("ch3-prob9: (1 - eta lambda/n)^(n/m) = %.7f, exp(-eta lambda/m) = exp(-0.25) = %.7f", factor, exp(-0.25));
    /* measured: double 3.0e-14 and 3.3e-14, float 9.4e-7 and 8.6e-7 (5000
       float steps of w - 5e-5 w); with m in place of n the factor is
       0.75^5000 = 0, without decay 1 */
    note("ch3-prob9: one epoch of pure decay, sparse-input kernels: every weight scaled by "
         "(1 - eta lambda/n)^(n/m) (max relative error)");
    CHECK_CLOSE("ch3-prob9", pure_decay(NND_INPUT_AUTO, factor, &rng), 0, TOL(1e-12, 5e-6));
    note("ch3-prob9: the same epoch with the dense kernels forced (max relative error)");
    CHECK_CLOSE("ch3-prob9", pure_decay(NND_INPUT_DENSE, factor, &rng), 0, TOL(1e-12, 5e-6));
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    ref = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, NULL, &st);
    nnd_large_weight_initializer(net, &rng);
    fill(&rng, x, 28, 0.1, 1);
    for (p = 0; p < nnd_param_count(net); ++p) hand[p] = nnd_params(net)[p];
    hand_epoch(ref, x, lab, order, 7, 3, 0.6, 2.0, NND_L2, hand);
    sgd_small(net, x, lab, 7, 3, 1, 0.6, 2.0, NND_L2, NULL);
    /* measured: double 0, float 6.9e-8; the decay is eta lambda/n w =
       0.17 w per step, so leaving it out on a layer, or using m for n, moves
       weights by 0.1 or more */
    note("ch3-prob9: [4,3,2], nonzero inputs (dense layers), n = 7, m = 3, eta 0.6, lambda 2: one epoch of nnd_sgd "
         "against (93) by hand (max difference over all parameters)");
    CHECK_CLOSE("ch3-prob9", param_gap(net, hand), 0, TOL(1e-14, 3e-7));
    nnd_free(net);
    nnd_free(ref);
    {
        /* diagnostic: [784,30,10], N(0,1), 5,000 images, eta 0.5, lambda 5 */
        int big[] = {784, 30, 10}, e;
        rms_trace t;
        nnd_data tr = nnd_data_slice(&m->training, 0, 5000);
        nnd_rng_seed(&rng, 192);
        net = nnd_network2(big, 3, NND_CROSS_ENTROPY, &rng, &st);
        nnd_large_weight_initializer(net, &rng);
        t.net = net;
        t.n = 1;
        t.rms[0] = rms_weights(net, 0);
        opt = nnd_sgd_defaults();
        opt.epochs = 20;
        opt.eta = 0.5;
        opt.lmbda = 5.0;
        opt.rng = &rng;
        opt.on_epoch = record_rms;
        opt.user = &t;
        train(net, &tr, &opt, NULL);
        printf("# ch3-prob9: RMS of first-layer weights per epoch (N(0,1) start, lambda 5, eta 0.5, n 5000):");
        for (e = 0; e < t.n; ++e) printf(" %.4f", t.rms[e]);
        printf("\n");
        note("ch3-prob9: it levels off near %.4f; 1/sqrt(n_in) = %.4f, 1/sqrt(#weights) = %.4f", t.rms[t.n - 1],
             1 / sqrt(784.0), 1 / sqrt(23820.0));
        note("ch3-prob9: first epoch shrinks the RMS by about exp(-eta lambda/m) = 0.7788 (ratio measured)");
        CHECK_CLOSE("ch3-prob9", t.rms[1] / t.rms[0], exp(-0.25), 0.02);
        /* measured 17.96 (float and double): pure decay would give 1, no
           decay at all exp(5) = 148 */
        note("ch3-prob9: the decay stops: RMS after epoch 20 over the pure-decay value exp(-0.25*20)");
        CHECK_CLOSE("ch3-prob9", t.rms[t.n - 1] / (t.rms[0] * exp(-0.25 * 20)), 18, 4);
        nnd_free(net);
    }
}

/* The mini-batch order of network2's random.shuffle, done here: each
   epoch, Fisher-Yates from the end of the list (for i = n-1 .. 1, swap item
   i with item j, j uniform in 0..i) applied to the previous epoch's order,
   drawing from rng as nnd_sgd does. */
static void fisher_yates(nnd_rng *rng, int *order, int n)
{
    int i;
    for (i = n - 1; i > 0; --i) {
        const int j = (int)nnd_rng_below(rng, (uint32_t)i + 1u), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* ch3-prob10: L1, w -> w - (eta lambda/n) sgn(w) - (eta/m) dC0/dw (97), with
   sgn(0) = 0, checked step by step on a 2 -> 2 layer (one weight starts at
   0) with n = 5, m = 2 (batches 2, 2, 1): first in a fixed order, then for
   two epochs with the training order shuffled every epoch, against the
   order of a shuffle done here; then L1 on MNIST (small run). */
static void ch3_prob10(const nnd_mnist *m)
{
    static const nnd_real x[10] = {(nnd_real)0.3, (nnd_real)0.9, (nnd_real)0.6, (nnd_real)0.1, (nnd_real)0.8,
                                   (nnd_real)0.5, (nnd_real)0.2, (nnd_real)0.7, (nnd_real)0.4, (nnd_real)0.35};
    static const int lab[5] = {0, 1, 1, 0, 1};
    static const double w0[4] = {0.5, -0.25, 0.0, 1.5};
    const double eta = 0.7, lmbda = 3.0;
    nnd_net *net = one_layer(2, 2, NND_SIGMOID, NND_CROSS_ENTROPY), *ref = one_layer(2, 2, NND_SIGMOID,
                                                                                      NND_CROSS_ENTROPY);
    int order[5] = {0, 1, 2, 3, 4}, e, moved = 0, i;
    double hand[6];
    nnd_rng rng, copy;
    nnd_sgd_options opt;
    for (i = 0; i < 4; ++i) nnd_weights(net, 0)[i] = (nnd_real)w0[i];
    nnd_biases(net, 0)[0] = (nnd_real)0.1;
    nnd_biases(net, 0)[1] = (nnd_real)-0.2;
    for (i = 0; i < 6; ++i) hand[i] = nnd_params(net)[i];
    hand_epoch(ref, x, lab, order, 5, 2, eta, lmbda, NND_L1, hand);
    sgd_small(net, x, lab, 5, 2, 1, eta, lmbda, NND_L1, NULL);
    /* measured: double 0, float 8.0e-8; the L1 step eta lambda/n = 0.42 is
       what a wrong sign or m for n changes */
    note("ch3-prob10: one epoch of L1 (n = 5, m = 2, eta 0.7, lambda 3) on a 2x2 weight matrix, one weight 0, "
         "against (97) by hand (max difference)");
    CHECK_CLOSE("ch3-prob10", param_gap(net, hand), 0, TOL(1e-14, 3e-7));
    for (i = 0; i < 4; ++i) nnd_weights(net, 0)[i] = (nnd_real)w0[i];
    nnd_biases(net, 0)[0] = (nnd_real)0.1;
    nnd_biases(net, 0)[1] = (nnd_real)-0.2;
    for (i = 0; i < 6; ++i) hand[i] = nnd_params(net)[i];
    nnd_rng_seed(&rng, 202);
    copy = rng;
    for (e = 0; e < 2; ++e) {
        fisher_yates(&copy, order, 5);
        for (i = 0; i < 5; ++i) moved += order[i] != i;
        hand_epoch(ref, x, lab, order, 5, 2, eta, lmbda, NND_L1, hand);
    }
    sgd_small(net, x, lab, 5, 2, 2, eta, lmbda, NND_L1, &rng);
    note("ch3-prob10: two epochs with opt.rng: nnd_sgd against the same steps in the order of random.shuffle done "
         "here (max difference; %d of 10 places moved; a fixed order is off by 0.07)",
         moved);
    /* measured: double 0, float 4.3e-8 */
    CHECK_CLOSE("ch3-prob10", param_gap(net, hand), 0, TOL(1e-14, 3e-7));
    nnd_free(net);
    nnd_free(ref);
    {
        static const double lambdas[4] = {0, 0.1, 1, 5};
        nnd_data tr = nnd_data_slice(&m->training, 0, 10000);
        int k, acc[4];
        for (k = 0; k < 4; ++k) {
            int sizes[] = {784, 30, 10}, st;
            nnd_net *n2;
            nnd_rng_seed(&rng, 201);
            n2 = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
            opt = nnd_sgd_defaults();
            opt.epochs = 5;
            opt.eta = 0.5;
            opt.lmbda = lambdas[k];
            opt.regularization = NND_L1;
            opt.rng = &rng;
            train(n2, &tr, &opt, NULL);
            nnd_accuracy(n2, &m->validation, &acc[k]);
            nnd_free(n2);
        }
        note("ch3-prob10: [784,30,10], 10,000 images, 5 epochs, L1 lambda 0 / 0.1 / 1 / 5: validation %.2f / %.2f / "
             "%.2f / %.2f %%",
             acc[0] / 100.0, acc[1] / 100.0, acc[2] / 100.0, acc[3] / 100.0);
        note("ch3-prob10: worst of the four (percent; all train)");
        CHECK_AT_LEAST("ch3-prob10", fmin(fmin(acc[0], acc[1]), fmin(acc[2], acc[3])) / 100.0, 85);
    }
}

/* ch3-prob11: network.py's cost_derivative for the cross-entropy would be
   dC/da = (a - y)/(a(1 - a)), which divides by 0 once a rounds to 1;
   CrossEntropyCost.delta = a - y never divides. */
static void ch3_prob11(void)
{
    nnd_real z = 40, a, y = 0, delta, x = 1, g[2];
    nnd_net *net = one_layer(1, 1, NND_SIGMOID, NND_CROSS_ENTROPY);
    double dcda;
    nnd_activate(NND_SIGMOID, &z, &a, 1);
    dcda = ((double)a - y) / ((double)a * (1 - (double)a));
    note("ch3-prob11: sigma(40) rounds to exactly 1");
    CHECK_CLOSE("ch3-prob11", a, 1, 0);
    note("ch3-prob11: then (a - y)/(a(1 - a)) at y = 0 is %g", dcda);
    nnd_cost_delta(NND_CROSS_ENTROPY, NND_SIGMOID, &a, &y, &delta, 1);
    note("ch3-prob11: the library's delta a - y (nnd_cost_delta) is exactly 1");
    CHECK_CLOSE("ch3-prob11", delta, 1, 0);
    nnd_weights(net, 0)[0] = 0;
    nnd_biases(net, 0)[0] = 40;
    backprop_m(net, &x, &y, NULL, 1, g, NULL);
    note("ch3-prob11: nnd_backprop's dC/db of that saturated neuron (exactly 1: no division, no inf)");
    CHECK_CLOSE("ch3-prob11", grad_b(net, g, 0, 0), 1, 0);
    nnd_free(net);
}

/* nnd_sgd on a network whose accuracy can never improve after epoch 0: it
   always predicts class 0 and the one validation example is a 0, so the
   accuracy sequence is 1, 1, 1, ... (only epoch 0 is an improvement).
   Early stopping with the given patience and eta halvings. */
static void stuck_run(int patience, int halvings, nnd_history *h)
{
    nnd_net *net = one_layer(1, 2, NND_SIGMOID, NND_CROSS_ENTROPY);
    nnd_real x = 0;
    int lab = 0;
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_biases(net, 0)[0] = 10;
    nnd_biases(net, 0)[1] = -10;
    d = labelled(&x, &lab, 1, 1);
    opt.epochs = 1000;
    opt.mini_batch_size = 1;
    opt.eta = 0.01;
    opt.evaluation_data = &d;
    opt.monitor_evaluation_accuracy = 1;
    opt.early_stopping_patience = patience;
    opt.eta_halvings = halvings;
    train(net, &d, &opt, h);
    nnd_free(net);
}

/* ch3-prob12: early stopping by no-improvement-in-n (only a strict
   improvement counts). A hand-made accuracy stream with n = 3, then MNIST. */
static void ch3_prob12(const nnd_mnist *m)
{
    static const double stream[] = {50, 60, 70, 70, 65, 69, 70, 68};
    nnd_plateau p;
    int e, stop = -1;
    nnd_plateau_init(&p, 3, 0);
    for (e = 0; e < 8 && stop < 0; ++e)
        if (nnd_plateau_update(&p, stream[e]) == NND_STOP) stop = e;
    note("ch3-prob12: nnd_plateau, stream 50 60 70 70 65 69 70 68, n = 3: stops after epoch (best 70 at epoch "
         "2, then 3 epochs without a strict improvement)");
    CHECK_CLOSE("ch3-prob12", stop, 5, 0);
    {
        nnd_history h;
        stuck_run(3, 0, &h);
        note("ch3-prob12: nnd_sgd's early_stopping_patience = 3 on the accuracies 1, 1, 1, ...: epochs run (0..3 = "
             "4: the best is epoch 0, epochs 1, 2, 3 do not improve)");
        CHECK_CLOSE("ch3-prob12", h.epochs, 4, 0);
        nnd_history_free(&h);
    }
    {
        int sizes[] = {784, 30, 10}, st, best = -1, best_e = 0;
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_history h;
        nnd_data tr = nnd_data_slice(&m->training, 0, 1000), va = nnd_data_slice(&m->validation, 0, 1000);
        nnd_rng_seed(&rng, 211);
        net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
        opt.epochs = 300;
        opt.eta = 0.5;
        opt.lmbda = 0.1;
        opt.rng = &rng;
        opt.evaluation_data = &va;
        opt.monitor_evaluation_accuracy = 1;
        opt.early_stopping_patience = 10;
        train(net, &tr, &opt, &h);
        for (e = 0; e < h.epochs; ++e)
            if (h.evaluation_accuracy[e] > best) {
                best = h.evaluation_accuracy[e];
                best_e = e;
            }
        note("ch3-prob12: MNIST, 1,000 images, no-improvement-in-10 on 1,000 validation images: stopped after epoch "
             "%d, best %d/1000 at epoch %d",
             h.epochs - 1, best, best_e);
        note("ch3-prob12: epochs run after the best one (= n = 10)");
        CHECK_CLOSE("ch3-prob12", h.stopped_early ? h.epochs - 1 - best_e : -1, 10, 0);
        nnd_history_free(&h);
        nnd_free(net);
    }
}

/* Our own stopping rule for ch3-prob13: stop when the best accuracy of the
   last 5 epochs is no better than the best before them by more than 0.2 %
   of the data (a cheaper test of "still improving"). */
typedef struct gain_rule {
    int acc[1000], n, window, min_gain;
} gain_rule;

static int gain_stop(const nnd_epoch *e, void *user)
{
    gain_rule *r = (gain_rule *)user;
    int i, recent = -1, before = -1;
    r->acc[r->n++] = e->evaluation_accuracy;
    if (r->n <= r->window) return 0;
    for (i = 0; i < r->n; ++i) {
        if (i < r->n - r->window) before = before > r->acc[i] ? before : r->acc[i];
        else recent = recent > r->acc[i] ? recent : r->acc[i];
    }
    return recent - before < r->min_gain;
}

/* ch3-prob13: another early-stopping rule, compared over three seeds with
   no-improvement-in-10. No numeric claim; report epochs and accuracy. */
static void ch3_prob13(const nnd_mnist *m)
{
    nnd_data tr = nnd_data_slice(&m->training, 0, 1000), va = nnd_data_slice(&m->validation, 0, 1000);
    int s, rule, worst = 1000;
    for (s = 0; s < 3; ++s)
        for (rule = 0; rule < 2; ++rule) {
            int sizes[] = {784, 30, 10}, st, e, best = 0;
            nnd_rng rng;
            nnd_net *net;
            nnd_sgd_options opt = nnd_sgd_defaults();
            nnd_history h;
            static gain_rule g;
            nnd_rng_seed(&rng, 221 + s);
            net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
            opt.epochs = 300;
            opt.eta = 0.5;
            opt.lmbda = 0.1;
            opt.rng = &rng;
            opt.evaluation_data = &va;
            opt.monitor_evaluation_accuracy = 1;
            if (rule == 0) opt.early_stopping_patience = 10;
            else {
                g.n = 0;
                g.window = 5;
                g.min_gain = 2; /* 0.2 % of 1,000 */
                opt.on_epoch = gain_stop;
                opt.user = &g;
            }
            train(net, &tr, &opt, &h);
            for (e = 0; e < h.epochs; ++e)
                if (h.evaluation_accuracy[e] > best) best = h.evaluation_accuracy[e];
            note("ch3-prob13: seed %d, %-28s %3d epochs, best validation %d/1000", s,
                 rule ? "gain < 0.2% over last 5:" : "no-improvement-in-10:", h.epochs, best);
            worst = worst < best ? worst : best;
            nnd_history_free(&h);
            nnd_free(net);
        }
    note("ch3-prob13: worst best-validation accuracy of the six runs (of 1000; chance 100)");
    CHECK_AT_LEAST("ch3-prob13", worst, 800);
}

/* ch3-ex9: halve eta at each no-improvement-in-10, stop at eta0/128, on
   the accuracies 1, 1, 1, ... of stuck_run. */
static void ch3_ex9(void)
{
    int e, bad = 0;
    nnd_history h;
    stuck_run(10, 7, &h);
    for (e = 0; e < h.epochs; ++e) {
        int k = e <= 10 ? 0 : (e - 1) / 10; /* halvings before epoch e */
        bad += h.eta[e] != 0.01 / (1 << k);
    }
    note("ch3-ex9: halve eta at each no-improvement-in-10, end at eta0/128: epochs run (0..70 = 71)");
    CHECK_CLOSE("ch3-ex9", h.epochs, 71, 0);
    note("ch3-ex9: epochs whose recorded eta is not eta0 / 2^(halvings so far) (halvings after epochs 10..60)");
    CHECK_CLOSE("ch3-ex9", bad, 0, 0);
    note("ch3-ex9: smallest eta used, over eta0 (1/64: the 7th halving, to eta0/128, ends the run)");
    CHECK_CLOSE("ch3-ex9", h.eta[h.epochs - 1] / 0.01, 1.0 / 64, 0);
    nnd_history_free(&h);
}

/* ch3-ex10: why not learn lambda by gradient descent: on the regularised
   training cost, dC/dlambda = sum w^2 / 2n >= 0, so descent drives lambda to
   0 (and eta enters only through the whole trajectory). */
static void ch3_ex10(void)
{
    int sizes[] = {6, 5, 3}, st, i, lab[8];
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[48];
    nnd_data d;
    double cp, cm, h = 0.5, lam = 2.0, sw = 0.0;
    size_t p;
    nnd_rng_seed(&rng, 231);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    fill(&rng, x, 48, 0, 1);
    for (i = 0; i < 8; ++i) lab[i] = i % 3;
    d = labelled(x, lab, 8, 6);
    nnd_total_cost(net, &d, lam + h, 0, &cp);
    nnd_total_cost(net, &d, lam - h, 0, &cm);
    for (i = 0; i < 2; ++i) {
        nnd_layer_desc L = nnd_layer_info(net, i);
        for (p = 0; p < L.n_weights; ++p) sw += (double)nnd_weights(net, i)[p] * nnd_weights(net, i)[p];
    }
    note("ch3-ex10: dC/dlambda of nnd_total_cost (a central difference, exact: C is linear in lambda) = sum w^2/2n");
    CHECK_CLOSE("ch3-ex10", (cp - cm) / (2 * h), sw / (2 * 8), TOL(1e-12, 1e-5));
    note("ch3-ex10: so it is >= 0 (a sum of squares): %.6g", (cp - cm) / (2 * h));
    nnd_free(net);
}

/* Whether all four parts of a bowl state are below 1e-6. */
static int bowl_small(double a, double b, double c, double d)
{
    return fabs(a) < 1e-6 && fabs(b) < 1e-6 && fabs(c) < 1e-6 && fabs(d) < 1e-6;
}

/* Momentum on the bowl C = (w^2 + b^2)/2 through nnd_sgd: one linear
   neuron (weight w, bias b) with the two examples x = +1 and x = -1, both
   with target 0, in one mini-batch. Its summed gradient is
   ((w+b) + (w-b), (w+b) + (b-w)) = (2w, 2b), so the step (eta/2) sum is
   eta (w, b): the weight and the bias each descend the bowl u^2/2, as the
   step matrix [[mu, -eta], [mu, 1 - eta]] of ch3-ex11 says. Start
   (w, b) = (1, -0.5). The run is followed step by step against (107)-(108)
   done here in double,
     v <- mu v - eta u,   u <- u + v   (u = w and u = b, v starting at 0),
   the gap measured on the whole state (w, b, v_w, v_b) relative to its
   size (the library's v being the change of w or b over the step). */
typedef struct bowl {
    nnd_net *net;
    double mu, eta, hw, hb, hvw, hvb; /* the hand iteration */
    double w, b, gap;
    int t, steps, hand_steps, done;
} bowl;

/* One step of (107)-(108) done here, for the weight and the bias. */
static void bowl_hand_step(bowl *B)
{
    B->hvw = B->mu * B->hvw - B->eta * B->hw;
    B->hw += B->hvw;
    B->hvb = B->mu * B->hvb - B->eta * B->hb;
    B->hb += B->hvb;
    if (!B->hand_steps && bowl_small(B->hw, B->hb, B->hvw, B->hvb)) B->hand_steps = B->t + 1;
    ++B->t;
}

static int bowl_step(const nnd_epoch *e, void *user)
{
    bowl *B = (bowl *)user;
    const double w = nnd_weights(B->net, 0)[0], b = nnd_biases(B->net, 0)[0];
    const double vw = w - B->w, vb = b - B->b;
    double dw, db, dvw, dvb, size;
    bowl_hand_step(B);
    dw = w - B->hw;
    db = b - B->hb;
    dvw = vw - B->hvw;
    dvb = vb - B->hvb;
    size = sqrt(B->hw * B->hw + B->hb * B->hb + B->hvw * B->hvw + B->hvb * B->hvb);
    B->gap = worst_of(B->gap, sqrt(dw * dw + db * db + dvw * dvw + dvb * dvb) / size);
    if (!B->done && bowl_small(w, b, vw, vb)) {
        B->done = 1;
        B->steps = e->epoch + 1;
    }
    B->w = w;
    B->b = b;
    return B->done;
}

/* Runs the bowl with momentum mu (eta = 0.1) for at most max_steps; fills B:
   steps (and hand_steps) until |w|, |b|, |v_w|, |v_b| are all below 1e-6
   (0 if never), the last w, and the largest relative gap to the hand
   iteration. */
static void bowl_run(double mu, int max_steps, bowl *B)
{
    static const nnd_real x[2] = {1, -1}, y[2] = {0, 0};
    nnd_layer_spec spec = nnd_dense_layer(1, NND_LINEAR, 0.0);
    int st;
    nnd_net *net = nnd_net_create(1, &spec, 1, NND_QUADRATIC, &st);
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    memset(&d, 0, sizeof d);
    d.n = 2;
    d.n_in = 1;
    d.x = x;
    d.y = y;
    d.n_y = 1;
    nnd_weights(net, 0)[0] = 1;
    nnd_biases(net, 0)[0] = (nnd_real)-0.5;
    memset(B, 0, sizeof *B);
    B->net = net;
    B->mu = mu;
    B->eta = 0.1;
    B->w = B->hw = 1;
    B->b = B->hb = -0.5;
    opt.epochs = max_steps;
    opt.mini_batch_size = 2;
    opt.eta = 0.1;
    opt.momentum = mu;
    opt.on_epoch = bowl_step;
    opt.user = B;
    nnd_sgd(net, &d, &opt, NULL); /* a divergent run ends with NND_ERR_DIVERGED once w overflows */
    while (!B->hand_steps && B->t < max_steps) bowl_hand_step(B); /* if the library stopped first */
    B->net = NULL;
    nnd_free(net);
}

/* ch3-ex11: mu > 1 adds energy: on the bowl the iteration matrix
   [[mu, -eta], [mu, 1 - eta]] has determinant mu, so a spectral radius of at
   least sqrt(mu) > 1; for mu = 1.1, eta = 0.1 it is 1.0488. */
static void ch3_ex11(void)
{
    bowl B;
    bowl_run(1.1, 1000, &B);
    /* measured: double 5.0e-15, float 1.3e-5 (float rounding compounds over
       the 1000 growing steps); updating w with the old v before v (the order
       swapped) is off by 0.1 at the first step */
    note("ch3-ex11: mu = 1.1, eta = 0.1: nnd_sgd's (w, b, v_w, v_b) over 1000 steps against (107)-(108) by hand "
         "(largest relative gap)");
    CHECK_CLOSE("ch3-ex11", B.gap, 0, TOL(2e-14, 3e-5));
    note("ch3-ex11: |w| after 1000 steps (diverges; 1.0488^1000 ~ 4e20)");
    CHECK_AT_LEAST("ch3-ex11", fabs(B.w), 1e6);
}

/* ch3-ex12: mu < 0 makes the velocity fight the motion: slower than
   mu = 0, and divergent below -1. Steps to |w|, |b|, |v| < 1e-6 on the bowl
   (of the hand iteration): 132 (mu 0), 39 (0.5), 205 (-0.5), 263 (-0.9). */
static void ch3_ex12(void)
{
    static const double mus[4] = {0, 0.5, -0.5, -0.9};
    int i, steps[4];
    bowl B;
    for (i = 0; i < 4; ++i) {
        bowl_run(mus[i], 2000, &B);
        steps[i] = B.steps;
        /* measured: double at most 1.5e-15, float at most 1.4e-6 */
        note("ch3-ex12: mu = %4.1f: nnd_sgd's trajectory against (107)-(108) by hand (largest relative gap)",
             mus[i]);
        CHECK_CLOSE("ch3-ex12", B.gap, 0, TOL(1e-14, 5e-6));
        note("ch3-ex12: mu = %4.1f: steps to |w|, |b|, |v| < 1e-6, against the hand iteration's", mus[i]);
        CHECK_CLOSE("ch3-ex12", steps[i], B.hand_steps, 1);
    }
    note("ch3-ex12: steps(-0.5) = %d > steps(0) = %d > steps(0.5) = %d", steps[2], steps[0], steps[1]);
    bowl_run(-1.1, 1000, &B);
    note("ch3-ex12: mu = -1.1 diverges (spectral radius 1.154): |w| at the last finite step");
    CHECK_AT_LEAST("ch3-ex12", fabs(B.w), 1e6);
}

/* ch3-prob14: momentum in network2's SGD (nnd_sgd_options.momentum).
   (a) two mini-batch steps of nnd_sgd with mu = 0.6 against the rule
   v <- mu v - (eta/m) grad C, w <- w + v (107)-(108) applied by hand to
   nnd_backprop's gradients (mu = 0 is plain SGD by construction: the library
   takes the plain path); (b) on the bowl mu = 0.5 needs fewer steps;
   (c) MNIST with mu = 0, 0.5, 0.9 (small run, reported). */
static void ch3_prob14(const nnd_mnist *m)
{
    nnd_data tr = nnd_data_slice(&m->training, 0, 10000);
    int sizes[] = {784, 30, 10}, small_sizes[] = {3, 4, 2}, st, v, acc[3], lab[4] = {0, 1, 1, 0};
    static const double mus[3] = {0, 0.5, 0.9};
    const double mu = 0.6, eta = 0.8;
    double worst = 0.0, vel[64], hand[64];
    size_t p, n;
    nnd_net *a, *ref;
    nnd_rng rng;
    nnd_real x[12], g[64];
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_rng_seed(&rng, 241);
    a = nnd_network2(small_sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    ref = nnd_network2(small_sizes, 3, NND_CROSS_ENTROPY, NULL, &st);
    n = nnd_param_count(a);
    fill(&rng, x, 12, 0, 1);
    memcpy(nnd_params(ref), nnd_params(a), n * sizeof(nnd_real));
    for (p = 0; p < n; ++p) {
        hand[p] = nnd_params(a)[p];
        vel[p] = 0.0;
    }
    for (v = 0; v < 2; ++v) { /* mini-batches {0,1} and {2,3} */
        for (p = 0; p < n; ++p) nnd_params(ref)[p] = (nnd_real)hand[p];
        backprop_m(ref, x + 6 * v, NULL, lab + 2 * v, 2, g, NULL);
        for (p = 0; p < n; ++p) {
            vel[p] = mu * vel[p] - eta / 2 * g[p];
            hand[p] += vel[p];
        }
    }
    d = labelled(x, lab, 4, 3);
    opt.epochs = 1;
    opt.mini_batch_size = 2;
    opt.eta = eta;
    opt.momentum = mu;
    train(a, &d, &opt, NULL);
    for (p = 0; p < n; ++p) worst = worst_of(worst, fabs(nnd_params(a)[p] - hand[p]));
    note("ch3-prob14: two momentum steps (mu = 0.6) of nnd_sgd against (107)-(108) by hand (max difference)");
    CHECK_CLOSE("ch3-prob14", worst, 0, TOL(1e-14, 1e-6));
    nnd_free(a);
    nnd_free(ref);
    {
        bowl B0, B5;
        bowl_run(0.0, 2000, &B0);
        bowl_run(0.5, 2000, &B5);
        note("ch3-prob14: bowl: steps with mu = 0.5 (%d) and mu = 0 (%d)", B5.steps, B0.steps);
        note("ch3-prob14: bowl: steps saved by mu = 0.5 over plain descent, against the hand iterations' (%d)",
             B0.hand_steps - B5.hand_steps);
        CHECK_CLOSE("ch3-prob14", B0.steps - B5.steps, B0.hand_steps - B5.hand_steps, 2);
    }
    for (v = 0; v < 3; ++v) {
        nnd_net *net;
        nnd_rng_seed(&rng, 242);
        net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
        opt = nnd_sgd_defaults();
        opt.epochs = 3;
        opt.eta = 0.1;
        opt.momentum = mus[v];
        opt.rng = &rng;
        train(net, &tr, &opt, NULL);
        nnd_accuracy(net, &m->validation, &acc[v]);
        nnd_free(net);
    }
    note("ch3-prob14: [784,30,10], 10,000 images, 3 epochs, eta 0.1: validation with mu 0 / 0.5 / 0.9: "
         "%.2f / %.2f / %.2f %%",
         acc[0] / 100.0, acc[1] / 100.0, acc[2] / 100.0);
    note("ch3-prob14: accuracy with mu = 0.9 (percent)");
    CHECK_AT_LEAST("ch3-prob14", acc[2] / 100.0, 85);
}

/* ch3-ex13: sigma(z) = (1 + tanh(z/2))/2 (111). */
static void ch3_ex13(void)
{
    double worst = 0.0, worst_lib = 0.0;
    int i;
    for (i = -30000; i <= 30000; ++i) {
        double z = i * 0.001;
        worst = worst_of(worst, fabs(nnd_sigmoid(z) - (1 + tanh(z / 2)) / 2));
    }
    note("ch3-ex13: max |sigma(z) - (1 + tanh(z/2))/2|, z in [-30,30] step 0.001 (nnd_sigmoid, double)");
    CHECK_CLOSE("ch3-ex13", worst, 0, 1e-14);
    for (i = -300; i <= 300; ++i) {
        nnd_real z = (nnd_real)(i * 0.1), zh = (nnd_real)(i * 0.05), s, t;
        nnd_activate(NND_SIGMOID, &z, &s, 1);
        nnd_activate(NND_TANH, &zh, &t, 1);
        worst_lib = worst_of(worst_lib, fabs(s - (1 + (double)t) / 2));
    }
    note("ch3-ex13: the same with the library's sigmoid and tanh layers (nnd_activate, nnd_real)");
    CHECK_CLOSE("ch3-ex13", worst_lib, 0, TOL(1e-15, 1e-6));
}

/* ------------------------------------------------------------------ claims */

/* Toy neuron of the cross-entropy section: input 1, target 0, one step per
   epoch; returns the output after each step in out[0..steps]. */
static void toy_neuron(nnd_cost cost, double w, double b, double eta, int steps, double *out)
{
    nnd_net *net = one_layer(1, 1, NND_SIGMOID, cost);
    nnd_real x = 1, y = 0, a;
    int i;
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    memset(&d, 0, sizeof d);
    d.n = 1;
    d.n_in = 1;
    d.x = &x;
    d.y = &y;
    d.n_y = 1;
    nnd_weights(net, 0)[0] = (nnd_real)w;
    nnd_biases(net, 0)[0] = (nnd_real)b;
    opt.epochs = 1;
    opt.mini_batch_size = 1;
    opt.eta = eta;
    feedforward_m(net, &x, 1, &a);
    out[0] = a;
    for (i = 1; i <= steps; ++i) {
        train(net, &d, &opt, NULL);
        feedforward_m(net, &x, 1, &a);
        out[i] = a;
    }
    nnd_free(net);
}

/* The saturating neuron (js/saturation1-2.js): quadratic cost, eta = 0.15.
   From (0.6, 0.9) the output falls 0.8176 -> 0.0938 in 301 steps; from
   (2, 2) it starts at 0.9820, is still 0.9334 at step 150 and 0.2013 at the end. */
static void claim_ch3_saturation(void)
{
    static double o[302];
    toy_neuron(NND_QUADRATIC, 0.6, 0.9, 0.15, 301, o);
    note("ch3-claim-saturation: start (0.6, 0.9): output before and after 301 steps");
    CHECK_CLOSE("ch3-claim-saturation", o[0], 0.8176, 1e-4);
    CHECK_CLOSE("ch3-claim-saturation", o[301], 0.0938, 1e-3);
    toy_neuron(NND_QUADRATIC, 2, 2, 0.15, 301, o);
    note("ch3-claim-saturation: start (2, 2): output at steps 0, 150 (still saturated), 301");
    CHECK_CLOSE("ch3-claim-saturation", o[0], 0.9820, 1e-4);
    CHECK_CLOSE("ch3-claim-saturation", o[150], 0.9334, 1e-3);
    CHECK_CLOSE("ch3-claim-saturation", o[301], 0.2013, 1e-3);
}

/* The cross-entropy version (eta = 0.005). The book's animation
   (js/saturation3-4.js) steps w and b by eta/(1 - a), which is dC/da, not
   the gradient dC/dw = dC/db = a (x = 1): with it the output from (2, 2)
   falls 0.98 -> 0.047 in 300 steps. The true gradient, which the library
   follows, is slower at this eta: 0.98 -> 0.78. We assert the true-gradient
   value and report the animation's. */
static void claim_ch3_ce_toy(void)
{
    static double o[301];
    double w = 2, b = 2, a = 0;
    int i;
    toy_neuron(NND_CROSS_ENTROPY, 2, 2, 0.005, 300, o);
    for (i = 0; i < 300; ++i) { /* the animation's rule */
        a = sig(w + b);
        w -= 0.005 / (1 - a);
        b -= 0.005 / (1 - a);
    }
    a = nnd_sigmoid(w + b);
    for (i = 0, w = b = 2; i < 300; ++i) { /* the true gradient, done here: dC/dw = dC/db = a - y = a */
        const double g = sig(w + b);
        w -= 0.005 * g;
        b -= 0.005 * g;
    }
    note("ch3-claim-ce-toy: (2, 2), eta 0.005: true gradient 0.9820 -> %.4f; the animation's dC/da rule -> %.4f",
         o[300], a);
    /* measured: double 0 (to 1e-15), float 2e-7 */
    note("ch3-claim-ce-toy: output after 300 steps of nnd_sgd against the true-gradient iteration done here "
         "(%.4f)",
         sig(w + b));
    CHECK_CLOSE("ch3-claim-ce-toy", o[300], sig(w + b), TOL(1e-12, 1e-6));
    note("ch3-claim-ce-toy: the animation's rule, iterated here, reaches %.4f (the book's 0.047; reported "
         "discrepancy)",
         a);
}

/* The heuristic for eta: int_0^1 sigma(1 - sigma) dsigma = 1/6, by Simpson's
   rule on 101 points (exact for a quadratic). First on the public helper
   nnd_activation_prime(NND_SIGMOID, a) = a(1 - a), which the engine does not
   call; then on the engine's own sigma': one quadratic-cost neuron with
   b = ln(a/(1 - a)) (so its output is a) and target y = a - 1, whose
   nnd_backprop dC/db = (a - y) sigma'(z) is sigma'(z) itself. */
static void claim_ch3_eta6(void)
{
    const int n = 100;
    double s = 0.0, se = 0.0;
    int i;
    nnd_net *net = one_layer(1, 1, NND_SIGMOID, NND_QUADRATIC);
    nnd_weights(net, 0)[0] = 0;
    for (i = 0; i <= n; ++i) {
        double a = (double)i / n, wgt = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        double z = i == 0 ? -40 : i == n ? 40 : log(a / (1 - a));
        nnd_real x = 1, out, y, g[2];
        s += wgt * nnd_activation_prime(NND_SIGMOID, a);
        nnd_biases(net, 0)[0] = (nnd_real)z;
        feedforward_m(net, &x, 1, &out);
        y = out - 1;
        backprop_m(net, &x, &y, NULL, 1, g, NULL);
        se += wgt * grad_b(net, g, 0, 0);
    }
    s /= 3.0 * n;
    se /= 3.0 * n;
    note("ch3-claim-eta6: int_0^1 sigma'(z) dsigma = int_0^1 a(1-a) da, on the public helper nnd_activation_prime "
         "(minus 1/6)");
    CHECK_CLOSE("ch3-claim-eta6", s - 1.0 / 6, 0, 1e-15);
    /* measured: double -5.6e-17, float -5.0e-10 (each a within float rounding
       of its grid point, the errors of both signs averaging out); an engine
       sigma' off by 1 % is off by 1.7e-3 */
    note("ch3-claim-eta6: the same integral on the engine's sigma' (nnd_backprop's dC/db with a - y = 1; minus 1/6)");
    CHECK_CLOSE("ch3-claim-eta6", se - 1.0 / 6, 0, TOL(1e-15, 5e-9));
    nnd_free(net);
}

/* Parameter counts: [784,30,10] has 23,860, [784,100,10] 79,510. */
static void claim_ch3_params(void)
{
    int s1[] = {784, 30, 10}, s2[] = {784, 100, 10}, st;
    nnd_net *a = nnd_network2(s1, 3, NND_CROSS_ENTROPY, NULL, &st), *b = nnd_network2(s2, 3, NND_CROSS_ENTROPY, NULL, &st);
    note("ch3-claim-params: parameters of [784,30,10] and [784,100,10]");
    CHECK_CLOSE("ch3-claim-params", (double)nnd_param_count(a), 23860, 0);
    CHECK_CLOSE("ch3-claim-params", (double)nnd_param_count(b), 79510, 0);
    nnd_free(a);
    nnd_free(b);
}

/* network2.py's save(): json.dump of {"sizes", "weights", "biases", "cost"}
   in that order, each weight matrix as rows of w[j][k] and each bias vector
   as the column [[b_0], [b_1], ...] that numpy's tolist() gives for a
   (n, 1) array. The expected text is written here by hand for values that
   print exactly (multiples of 1/8), and read back it must give the same
   parameters. */
static void claim_ch3_network2_file(void)
{
    static const char want[] =
        "{\"sizes\": [3, 2, 2], \"weights\": [[[0.5, 0.375, 0.25], [1.0, 0.875, 0.75]], "
        "[[-0.5, -0.625], [0.0, -0.125]]], \"biases\": [[[0.25], [0.5]], [[-0.25], [-0.5]]], "
        "\"cost\": \"CrossEntropyCost\"}";
    int s[] = {3, 2, 2}, st, l, j, k, differ = -1, same = 1;
    size_t n = 0, i;
    nnd_error e;
    char *text;
    nnd_net *net = nnd_network2(s, 3, NND_CROSS_ENTROPY, NULL, &st), *back;
    for (l = 0; l < 2; ++l)
        for (j = 0; j < 2; ++j) {
            nnd_biases(net, l)[j] = (nnd_real)(0.25 * (j + 1) * (l ? -1 : 1));
            for (k = 0; k < s[l]; ++k) nnd_set_weight(net, l, j, k, 0.5 * (j + 1) - 0.125 * k - l);
        }
    text = nnd_network2_write(net, &n, &e);
    for (i = 0; text && differ < 0 && i <= n && i < sizeof want; ++i)
        if ((i < n ? text[i] : 0) != want[i]) differ = (int)i;
    if (!text) differ = 0;
    note("ch3-claim-network2-file: nnd_network2_write's text against network2.py's for a [3,2,2] net "
         "(measured: the first differing byte, -1 when identical)");
    if (differ >= 0 && text) note("  written: %.*s", (int)n, text);
    CHECK_CLOSE("ch3-claim-network2-file", differ, -1, 0);
    back = nnd_network2_parse(want, sizeof want - 1, &e);
    for (i = 0; back && i < nnd_param_count(net); ++i) same &= nnd_params(back)[i] == nnd_params(net)[i];
    note("ch3-claim-network2-file: the hand-written text read back by nnd_network2_parse (1: every parameter equal)");
    CHECK_CLOSE("ch3-claim-network2-file", back ? same : 0, 1, 0);
    nnd_free_text(text);
    nnd_free(back);
    nnd_free(net);
}

/* The least-squares line through the ten points: by nnd_sgd on a linear
   neuron, and in closed form (slope cov(x, y)/var(x), intercept
   mean(y) - slope mean(x)). */
static void line_fit(const double *px, const double *py)
{
    nnd_real x[10], y[10];
    double mx = 0, my = 0, sxx = 0, sxy = 0, slope, icpt;
    int i;
    nnd_net *net = one_layer(1, 1, NND_LINEAR, NND_QUADRATIC);
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    for (i = 0; i < 10; ++i) {
        x[i] = (nnd_real)px[i];
        y[i] = (nnd_real)py[i];
        mx += x[i] / 10.0;
        my += y[i] / 10.0;
    }
    for (i = 0; i < 10; ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    slope = sxy / sxx;
    icpt = my - slope * mx;
    memset(&d, 0, sizeof d);
    d.n = 10;
    d.n_in = 1;
    d.x = x;
    d.y = y;
    d.n_y = 1;
    nnd_weights(net, 0)[0] = 0;
    nnd_biases(net, 0)[0] = 0;
    /* full-batch descent on the mean cost: Hessian eigenvalues 11.6 and 0.136
       (mean x^2 = 10.6, var x = 1.57), so eta 0.16 < 2/11.6 is stable and the
       slow direction shrinks by 1 - 0.16 * 0.136 = 0.978 a step: 2500 steps
       take the start's error of about 3 down by 10^-24 */
    opt.epochs = 2500;
    opt.mini_batch_size = 10;
    opt.eta = 0.16;
    train(net, &d, &opt, NULL);
    note("ch3-claim-polyfit: least-squares line y = %.6f x + %.6f", slope, icpt);
    /* measured: double 0 (to 1e-15), float 2e-7 and 3e-7 at -O3, 1.1e-6 for
       the intercept at -O1 (where float descent settles) */
    note("ch3-claim-polyfit: nnd_sgd's slope on a linear neuron against the closed form (difference)");
    CHECK_CLOSE("ch3-claim-polyfit", nnd_weights(net, 0)[0], slope, TOL(1e-12, 2e-6));
    note("ch3-claim-polyfit: and its intercept (difference)");
    CHECK_CLOSE("ch3-claim-polyfit", nnd_biases(net, 0)[0], icpt, TOL(1e-12, 2e-6));
    nnd_free(net);
}

/* Section "Why does regularization help": the 10 points of js/simple_data.js
   are fitted exactly by a 9th-order polynomial (the coefficients of
   js/polynomial_model.js), and roughly by y = 2x. The polynomial is not a
   library matter: a Vandermonde solve (Gaussian elimination, partial
   pivoting) in double on the book's numbers, reported. The check: a linear
   neuron trained by nnd_sgd (quadratic cost, the ten points in one
   mini-batch) reaches the least-squares line y = w x + b, whose w and b are
   computed here in closed form. */
static void claim_ch3_polyfit(void)
{
    static const double px[10] = {0.7, 1.3, 1.9, 2.6, 2.9, 3.6, 3.8, 3.95, 4.4, 4.9};
    static const double py[10] = {1.8, 2.2, 4.0, 5.0, 6.1, 7.0, 7.4, 8.0, 9.1, 10.0};
    /* rows of 12, one unused: gcc 12.2 at -O3 -march=native (AVX-512) vectorises the
       elimination below with aligned loads that rows of 11 doubles do not keep, and
       the program crashes there */
    double A[10][12], c[10], resid = 0.0, sxy = 0.0, sxx = 0.0;
    int i, j, k;
    for (i = 0; i < 10; ++i) {
        for (j = 0; j < 10; ++j) A[i][j] = pow(px[i], j);
        A[i][10] = py[i];
    }
    for (k = 0; k < 10; ++k) {
        int piv = k;
        for (i = k + 1; i < 10; ++i)
            if (fabs(A[i][k]) > fabs(A[piv][k])) piv = i;
        for (j = 0; j <= 10; ++j) {
            double t = A[k][j];
            A[k][j] = A[piv][j];
            A[piv][j] = t;
        }
        for (i = k + 1; i < 10; ++i) {
            double f = A[i][k] / A[k][k];
            for (j = k; j <= 10; ++j) A[i][j] -= f * A[k][j];
        }
    }
    for (k = 9; k >= 0; --k) {
        double s = A[k][10];
        for (j = k + 1; j < 10; ++j) s -= A[k][j] * c[j];
        c[k] = s / A[k][k];
    }
    for (i = 0; i < 10; ++i) {
        double p = 0.0;
        for (j = 9; j >= 0; --j) p = p * px[i] + c[j];
        resid = worst_of(resid, fabs(p - py[i]));
        sxy += px[i] * py[i];
        sxx += px[i] * px[i];
    }
    note("ch3-claim-polyfit: coefficient of x^9 %.9f (js/polynomial_model.js: 0.220539187), constant term %.6f "
         "(-450.983951)",
         c[9], c[0]);
    note("ch3-claim-polyfit: the polynomial passes through all 10 points (max residual %.2g)", resid);
    note("ch3-claim-polyfit: least-squares slope of a line through 0: %.4f (the book draws y = 2x)", sxy / sxx);
    line_fit(px, py);
}

int main(void)
{
    nnd_mnist m;
    ch3_ex1();
    ch3_ex2();
    ch3_ex3();
    ch3_prob1();
    ch3_prob2();
    ch3_prob3();
    ch3_ex4();
    ch3_ex5();
    ch3_ex6();
    ch3_prob4();
    ch3_prob5();
    ch3_prob6();
    ch3_prob7();
    ch3_ex8();
    ch3_prob11();
    ch3_ex9();
    ch3_ex10();
    ch3_ex11();
    ch3_ex12();
    ch3_ex13();
    claim_ch3_saturation();
    claim_ch3_ce_toy();
    claim_ch3_eta6();
    claim_ch3_params();
    claim_ch3_network2_file();
    claim_ch3_polyfit();
    if (load_mnist(&m)) {
        ch3_ex7(&m);
        ch3_prob8(&m);
        ch3_prob9(&m);
        ch3_prob10(&m);
        ch3_prob12(&m);
        ch3_prob13(&m);
        ch3_prob14(&m);
        nnd_mnist_free(&m);
    } else {
        ++check_failed;
    }
    return check_summary();
}
