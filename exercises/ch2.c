/* Chapter 2 of the book, checked: every exercise and problem (ch2-prob1,
   ch2-ex1, ch2-ex2, ch2-ex3, ch2-prob2) and the chapter's numeric claims
   (Hadamard product and vectorised f; backprop's cost against the forward
   pass), each by a function named after its id in
   exercises/README.md.

   Every line reads "id  measured  expected  tol  PASS|FAIL"; lines starting
   with '#' say what the next check measures; the last line is
   "N passed, N failed". Runs in float (default) or with -DNND_DOUBLE; where
   the library computes in nnd_real the tolerance follows the precision
   (TOL(double, float)).

   Finite differences: the fourth-order central stencil
     (-C(p+2h) + 8C(p+h) - 8C(p-h) + C(p-2h)) / 12h,
   compared layer by layer (see fd_check). Float forward passes carry ~1e-7
   relative rounding, which the quotient divides by h; on these small
   networks float still resolves a 1 % error in a layer's gradient. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "../tests/check.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>


/* ---------------------------------------------------------------------------
   A reference network in double, one example at a time, with an activation
   per neuron (the library has one activation per layer: this is the gap
   ch2-ex2 needs). It reads its parameters from a library net, so both run
   the same numbers. Sizes up to 8 wide, 4 layers. */
typedef struct refnet {
    int n_layers, n[5];                /* n[0] inputs, n[l+1] width of layer l */
    double w[4][8][8], b[4][8];        /* w[l][j][k] = w^{l+1}_jk of the book */
    nnd_activation f[4][8];
    double z[4][8], a[5][8], delta[4][8];
} refnet;

static void ref_from(refnet *r, const nnd_net *net)
{
    int l, j, k;
    r->n_layers = nnd_num_layers(net);
    r->n[0] = nnd_input_size(net);
    for (l = 0; l < r->n_layers; ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        r->n[l + 1] = d.n_out;
        for (j = 0; j < d.n_out; ++j) {
            r->b[l][j] = nnd_biases((nnd_net *)net, l)[j];
            r->f[l][j] = d.activation;
            for (k = 0; k < d.n_in; ++k) r->w[l][j][k] = nnd_weight(net, l, j, k);
        }
    }
}

static double ref_act(nnd_activation f, double z)
{
    switch (f) {
    case NND_SIGMOID: return nnd_sigmoid(z);
    case NND_TANH: return tanh(z);
    case NND_RELU: return z > 0 ? z : 0;
    default: return z;
    }
}

/* Forward pass; returns the quadratic cost 0.5 |a^L - y|^2. */
static double ref_forward(refnet *r, const double *x, const double *y)
{
    int l, j, k, L = r->n_layers;
    double c = 0.0;
    for (k = 0; k < r->n[0]; ++k) r->a[0][k] = x[k];
    for (l = 0; l < L; ++l)
        for (j = 0; j < r->n[l + 1]; ++j) {
            double z = r->b[l][j];
            for (k = 0; k < r->n[l]; ++k) z += r->w[l][j][k] * r->a[l][k];
            r->z[l][j] = z;
            r->a[l + 1][j] = ref_act(r->f[l][j], z);
        }
    for (j = 0; j < r->n[L]; ++j) c += 0.5 * (r->a[L][j] - y[j]) * (r->a[L][j] - y[j]);
    return c;
}

/* BP1 and BP2 with each neuron's own f'(z) (from its output, as the library
   does: nnd_activation_prime); BP3/BP4 then give the gradient. */
static void ref_backward(refnet *r, const double *y)
{
    int l, j, k, L = r->n_layers;
    for (j = 0; j < r->n[L]; ++j)
        r->delta[L - 1][j] = (r->a[L][j] - y[j]) * nnd_activation_prime(r->f[L - 1][j], r->a[L][j]);
    for (l = L - 2; l >= 0; --l)
        for (k = 0; k < r->n[l + 1]; ++k) {
            double s = 0.0;
            for (j = 0; j < r->n[l + 2]; ++j) s += r->w[l + 1][j][k] * r->delta[l + 1][j];
            r->delta[l][k] = s * nnd_activation_prime(r->f[l][k], r->a[l + 1][k]);
        }
}

/* ch2-prob1: BP1/BP2 in Hadamard form, as products with the diagonal
   matrices Sigma'(z) (33)-(34), and as the single product (35), on a random
   [5,4,3,2] network with the quadratic cost; plus the library's delta^l
   (its bias gradient for one example, BP3). */
static void ch2_prob1(void)
{
    static const int widths[] = {4, 3, 2};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_SIGMOID, NND_SIGMOID};
    nnd_net *net = make_net(5, widths, acts, 3, NND_QUADRATIC);
    nnd_rng rng;
    refnet r;
    nnd_real xr[5], yr[2], g[64];
    double x[5], y[2], diag[3][8][8], d33[3][8], d35[3][8], grad_a[8];
    double worst_diag = 0.0, worst_full = 0.0, worst_lib = 0.0;
    int l, i, j, k, L = 3;
    nnd_rng_seed(&rng, 21);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, xr, 5, -1, 1);
    fill(&rng, yr, 2, 0, 1);
    for (i = 0; i < 5; ++i) x[i] = xr[i];
    for (i = 0; i < 2; ++i) y[i] = yr[i];
    ref_from(&r, net);
    ref_forward(&r, x, y);
    ref_backward(&r, y); /* the Hadamard form */
    /* Sigma'(z^l) as full diagonal matrices */
    memset(diag, 0, sizeof diag);
    for (l = 0; l < L; ++l)
        for (j = 0; j < r.n[l + 1]; ++j) diag[l][j][j] = nnd_sigmoid_prime(r.z[l][j]);
    for (j = 0; j < r.n[L]; ++j) grad_a[j] = r.a[L][j] - y[j];
    /* (33): delta^L = Sigma'(z^L) grad_a C; (34): delta^l = Sigma'(z^l) (w^{l+1})^T delta^{l+1} */
    for (j = 0; j < r.n[L]; ++j) {
        d33[L - 1][j] = 0.0;
        for (k = 0; k < r.n[L]; ++k) d33[L - 1][j] += diag[L - 1][j][k] * grad_a[k];
    }
    for (l = L - 2; l >= 0; --l) {
        double t[8];
        for (k = 0; k < r.n[l + 1]; ++k) {
            t[k] = 0.0;
            for (j = 0; j < r.n[l + 2]; ++j) t[k] += r.w[l + 1][j][k] * d33[l + 1][j];
        }
        for (j = 0; j < r.n[l + 1]; ++j) {
            d33[l][j] = 0.0;
            for (k = 0; k < r.n[l + 1]; ++k) d33[l][j] += diag[l][j][k] * t[k];
        }
    }
    /* (35): delta^l = Sigma'(z^l) (w^{l+1})^T ... Sigma'(z^{L-1}) (w^L)^T Sigma'(z^L) grad_a C,
       the matrix product formed left to right, then applied to grad_a C. */
    for (l = 0; l < L; ++l) {
        double M[8][8], T[8][8];
        int rows = r.n[l + 1], cols = r.n[l + 1], q;
        for (i = 0; i < rows; ++i)
            for (j = 0; j < cols; ++j) M[i][j] = diag[l][i][j];
        for (q = l + 1; q < L; ++q) { /* M <- M (w^{q+1})^T Sigma'(z^{q+1}) */
            int n_next = r.n[q + 1];
            for (i = 0; i < rows; ++i)
                for (j = 0; j < n_next; ++j) {
                    T[i][j] = 0.0;
                    for (k = 0; k < cols; ++k) T[i][j] += M[i][k] * r.w[q][j][k];
                }
            for (i = 0; i < rows; ++i)
                for (j = 0; j < n_next; ++j) {
                    M[i][j] = 0.0;
                    for (k = 0; k < n_next; ++k) M[i][j] += T[i][k] * diag[q][k][j];
                }
            cols = n_next;
        }
        for (i = 0; i < rows; ++i) {
            d35[l][i] = 0.0;
            for (j = 0; j < cols; ++j) d35[l][i] += M[i][j] * grad_a[j];
        }
    }
    nnd_backprop(net, xr, yr, NULL, 1, g, NULL);
    for (l = 0; l < L; ++l)
        for (j = 0; j < r.n[l + 1]; ++j) {
            worst_diag = fmax(worst_diag, fabs(d33[l][j] - r.delta[l][j]));
            worst_full = fmax(worst_full, fabs(d35[l][j] - r.delta[l][j]));
            worst_lib = fmax(worst_lib, fabs((double)g[nnd_layer_info(net, l).bias_offset + j] - r.delta[l][j]) /
                                            fmax(fabs(r.delta[l][j]), 1e-3));
        }
    note("ch2-prob1: max |delta^l by (33)-(34) - delta^l by BP1/BP2 (Hadamard)|, all layers");
    CHECK_CLOSE("ch2-prob1", worst_diag, 0, 1e-13);
    note("ch2-prob1: max |delta^l by the full product (35) - Hadamard form|");
    CHECK_CLOSE("ch2-prob1", worst_full, 0, 1e-13);
    note("ch2-prob1: library delta^l (bias gradient of one example) against the Hadamard form (relative)");
    CHECK_CLOSE("ch2-prob1", worst_lib, 0, TOL(1e-12, 1e-5));
    nnd_free(net);
}

/* ch2-ex1: BP3 dC/db = delta and BP4 dC/dw_jk = a_k delta_j, as computed by
   nnd_backprop, against finite differences, for both network2 costs. */
static void ch2_ex1(void)
{
    static const int widths[] = {5, 3};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_SIGMOID};
    int c;
    for (c = 0; c < 2; ++c) {
        nnd_net *net = make_net(4, widths, acts, 2, c ? NND_CROSS_ENTROPY : NND_QUADRATIC);
        nnd_rng rng;
        nnd_real x[8], y[6];
        nnd_rng_seed(&rng, 31 + c);
        nnd_default_weight_initializer(net, &rng);
        fill(&rng, x, 8, -1, 1);
        fill(&rng, y, 6, 0.05, 0.95);
        note("ch2-ex1: %s cost, [4,5,3], 2 examples: worst relative error of BP3/BP4 against finite differences",
             c ? "cross-entropy" : "quadratic");
        CHECK_CLOSE("ch2-ex1", fd_check(net, x, y, NULL, 2), 0, TOL(1e-7, 1e-3));
        nnd_free(net);
    }
}

/* ch2-ex2: one neuron with f != sigma. Backprop is unchanged except that
   this neuron's delta uses f'(z) in place of sigma'(z). The library has one
   activation per layer, so (a) checks a layer where every neuron is tanh,
   and (b) the single modified neuron with the per-neuron reference above,
   itself first checked against the library when all neurons are sigmoid. */
static void ch2_ex2(void)
{
    static const int widths[] = {5, 3};
    static const nnd_activation sig[] = {NND_SIGMOID, NND_SIGMOID}, tanh_hidden[] = {NND_TANH, NND_SIGMOID};
    nnd_rng rng;
    nnd_net *net = make_net(4, widths, sig, 2, NND_QUADRATIC);
    nnd_real xr[4], yr[3], g[64];
    double x[4], y[3], worst = 0.0, gmax = 0.0;
    refnet r;
    int l, j, k, i;
    nnd_rng_seed(&rng, 41);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, xr, 4, -1, 1);
    fill(&rng, yr, 3, 0, 1);
    for (i = 0; i < 4; ++i) x[i] = xr[i];
    for (i = 0; i < 3; ++i) y[i] = yr[i];
    /* the reference agrees with the library on the plain network */
    ref_from(&r, net);
    ref_forward(&r, x, y);
    ref_backward(&r, y);
    nnd_backprop(net, xr, yr, NULL, 1, g, NULL);
    for (l = 0; l < 2; ++l)
        for (j = 0; j < r.n[l + 1]; ++j) {
            double d = r.delta[l][j];
            worst = fmax(worst, fabs(g[nnd_layer_info(net, l).bias_offset + j] - d));
            for (k = 0; k < r.n[l]; ++k)
                worst = fmax(worst, fabs(g[nnd_layer_info(net, l).weight_offset + (size_t)k * r.n[l + 1] + j] -
                                         r.a[l][k] * d)); /* W^T layout: (k, j) */
        }
    note("ch2-ex2: per-neuron reference backprop against nnd_backprop, all sigmoid (max difference)");
    CHECK_CLOSE("ch2-ex2", worst, 0, TOL(1e-14, 1e-6));
    /* (b) neuron 2 of the hidden layer becomes tanh */
    r.f[0][2] = NND_TANH;
    ref_forward(&r, x, y);
    ref_backward(&r, y);
    worst = 0.0;
    for (l = 0; l < 2; ++l)
        for (j = 0; j < r.n[l + 1]; ++j)
            for (k = -1; k < r.n[l]; ++k) { /* k = -1: the bias */
                double *p = k < 0 ? &r.b[l][j] : &r.w[l][j][k], keep = *p, c[4], fd, bp;
                static const double step[4] = {2, 1, -1, -2};
                const double h = 1e-3;
                int s;
                refnet t = r;
                for (s = 0; s < 4; ++s) {
                    *p = keep + step[s] * h;
                    t = r;
                    c[s] = ref_forward(&t, x, y);
                }
                *p = keep;
                fd = (-c[0] + 8 * c[1] - 8 * c[2] + c[3]) / (12 * h);
                bp = r.delta[l][j] * (k < 0 ? 1.0 : r.a[l][k]);
                gmax = fmax(gmax, fabs(bp));
                worst = fmax(worst, fabs(fd - bp) / fmax(fabs(fd) + fabs(bp), 1e-6));
            }
    note("ch2-ex2: one tanh neuron in a sigmoid [4,5,3]: backprop with its own f' against finite differences");
    CHECK_CLOSE("ch2-ex2", worst, 0, 1e-7);
    nnd_free(net);
    /* (a) the library with a tanh hidden layer */
    net = make_net(4, widths, tanh_hidden, 2, NND_QUADRATIC);
    nnd_default_weight_initializer(net, &rng);
    note("ch2-ex2: library, tanh hidden layer: nnd_backprop against finite differences");
    CHECK_CLOSE("ch2-ex2", fd_check(net, xr, yr, NULL, 1), 0, TOL(1e-7, 1e-3));
    nnd_free(net);
}

/* ch2-ex3: linear neurons everywhere. Then delta^L = a^L - y (quadratic
   cost), delta^l = (w^{l+1})^T delta^{l+1}, and the whole network is one
   affine map x -> W3 W2 W1 x + (W3 W2 b1 + W3 b2 + b3). */
static void ch2_ex3(void)
{
    static const int widths[] = {4, 4, 2};
    static const nnd_activation lin[] = {NND_LINEAR, NND_LINEAR, NND_LINEAR};
    nnd_net *net = make_net(3, widths, lin, 3, NND_QUADRATIC);
    nnd_rng rng;
    nnd_real x[3 * 6], y[2], out[2 * 6], g[64];
    refnet r;
    double A[8][8], c[8], worst = 0.0, worst_delta = 0.0;
    int l, i, j, k, n_rows;
    nnd_rng_seed(&rng, 51);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, x, 18, -1, 1);
    fill(&rng, y, 2, -1, 1);
    note("ch2-ex3: linear [3,4,4,2]: nnd_backprop against finite differences");
    CHECK_CLOSE("ch2-ex3", fd_check(net, x, y, NULL, 1), 0, TOL(1e-8, 1e-3));
    /* the deltas: bias gradients of one example */
    ref_from(&r, net);
    nnd_backprop(net, x, y, NULL, 1, g, NULL);
    nnd_feedforward(net, x, 1, out);
    for (j = 0; j < 2; ++j)
        worst_delta = fmax(worst_delta, fabs(g[nnd_layer_info(net, 2).bias_offset + j] - ((double)out[j] - y[j])));
    for (l = 1; l >= 0; --l)
        for (k = 0; k < r.n[l + 1]; ++k) {
            double s = 0.0;
            for (j = 0; j < r.n[l + 2]; ++j) s += r.w[l + 1][j][k] * g[nnd_layer_info(net, l + 1).bias_offset + j];
            worst_delta = fmax(worst_delta, fabs(g[nnd_layer_info(net, l).bias_offset + k] - s));
        }
    note("ch2-ex3: delta^L = a - y and delta^l = (w^{l+1})^T delta^{l+1} (max difference)");
    CHECK_CLOSE("ch2-ex3", worst_delta, 0, TOL(1e-13, 1e-5));
    /* the affine map, built up layer by layer: A <- W A, c <- W c + b */
    n_rows = 3;
    for (i = 0; i < 3; ++i) {
        for (j = 0; j < 3; ++j) A[i][j] = i == j;
        c[i] = 0.0;
    }
    for (l = 0; l < 3; ++l) {
        double A2[8][8], c2[8];
        for (j = 0; j < r.n[l + 1]; ++j) {
            c2[j] = r.b[l][j];
            for (k = 0; k < n_rows; ++k) c2[j] += r.w[l][j][k] * c[k];
            for (i = 0; i < 3; ++i) {
                A2[j][i] = 0.0;
                for (k = 0; k < n_rows; ++k) A2[j][i] += r.w[l][j][k] * A[k][i];
            }
        }
        n_rows = r.n[l + 1];
        memcpy(A, A2, sizeof A);
        memcpy(c, c2, sizeof c);
    }
    nnd_feedforward(net, x, 6, out);
    for (i = 0; i < 6; ++i)
        for (j = 0; j < 2; ++j) {
            double v = c[j];
            for (k = 0; k < 3; ++k) v += A[j][k] * x[3 * i + k];
            worst = fmax(worst, fabs(v - out[2 * i + j]));
        }
    note("ch2-ex3: the linear network equals x -> A x + c, A = W3 W2 W1 (max difference over 6 inputs)");
    CHECK_CLOSE("ch2-ex3", worst, 0, TOL(1e-12, 1e-5));
    nnd_free(net);
}

/* ch2-prob2: the whole mini-batch at once (nnd_backprop works on the batch
   matrix X, one example per row) gives the sum of the per-example
   gradients. [784,30,10] on 10 random examples; and the speed-up. */
static void ch2_prob2(void)
{
    int sizes[] = {784, 30, 10}, st, i, labels[1000], rep;
    nnd_rng rng;
    nnd_net *net;
    size_t n, p;
    nnd_real *x = (nnd_real *)malloc(sizeof *x * 784 * 1000), *g, *gi;
    double *sum, worst = 0.0, gmax = 0.0, t_batch, t_loop, t0;
    nnd_rng_seed(&rng, 61);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    n = nnd_param_count(net);
    g = (nnd_real *)malloc(n * sizeof *g);
    gi = (nnd_real *)malloc(n * sizeof *gi);
    sum = (double *)calloc(n, sizeof *sum);
    fill(&rng, x, 784 * 1000, 0, 1);
    for (i = 0; i < 1000; ++i) labels[i] = (int)nnd_rng_below(&rng, 10);
    nnd_backprop(net, x, NULL, labels, 10, g, NULL);
    for (i = 0; i < 10; ++i) {
        nnd_backprop(net, x + 784 * i, NULL, labels + i, 1, gi, NULL);
        for (p = 0; p < n; ++p) sum[p] += gi[p];
    }
    for (p = 0; p < n; ++p) gmax = fmax(gmax, fabs(sum[p]));
    for (p = 0; p < n; ++p) worst = fmax(worst, fabs(g[p] - sum[p]) / gmax);
    note("ch2-prob2: batch gradient against the sum of 10 per-example gradients (max error / max |grad|)");
    CHECK_CLOSE("ch2-prob2", worst, 0, TOL(1e-12, 1e-5));
    /* speed: 1000 examples as 100 batches of 10, or one by one */
    t0 = cpu_seconds();
    for (rep = 0; rep < 3; ++rep)
        for (i = 0; i < 100; ++i) nnd_backprop(net, x + 784 * 10 * i, NULL, labels + 10 * i, 10, g, NULL);
    t_batch = cpu_seconds() - t0;
    t0 = cpu_seconds();
    for (rep = 0; rep < 3; ++rep)
        for (i = 0; i < 1000; ++i) nnd_backprop(net, x + 784 * i, NULL, labels + i, 1, g, NULL);
    t_loop = cpu_seconds() - t0;
    note("ch2-prob2: gradients of 3 x 1000 examples: batches of 10 %.3f s, one at a time %.3f s (speed-up %.1fx; "
         "the book saw about 2x in numpy); timing only, not asserted",
         t_batch, t_loop, t_loop / fmax(t_batch, 1e-9));
    free(x);
    free(g);
    free(gi);
    free(sum);
    nnd_free(net);
}

/* Equation (28) and the vectorised f of (24): plain arithmetic, and the
   library's activations act component by component. */
static void claim_ch2_hadamard(void)
{
    const double s[2] = {1, 2}, t[2] = {3, 4}, v[2] = {2, 3};
    double had[2], f[2], worst = 0.0;
    nnd_real z[5] = {(nnd_real)-2, (nnd_real)-0.5, 0, (nnd_real)0.7, 3}, a[5];
    int j;
    for (j = 0; j < 2; ++j) {
        had[j] = s[j] * t[j];
        f[j] = v[j] * v[j];
    }
    note("ch2-claim-hadamard: [1,2] o [3,4] = [3,8] (first, second component)");
    CHECK_CLOSE("ch2-claim-hadamard", had[0], 3, 0);
    CHECK_CLOSE("ch2-claim-hadamard", had[1], 8, 0);
    note("ch2-claim-hadamard: f([2,3]) = [4,9] for f(x) = x^2 (first, second component)");
    CHECK_CLOSE("ch2-claim-hadamard", f[0], 4, 0);
    CHECK_CLOSE("ch2-claim-hadamard", f[1], 9, 0);
    nnd_activate(NND_SIGMOID, z, a, 5);
    for (j = 0; j < 5; ++j) worst = fmax(worst, fabs(a[j] - nnd_sigmoid(z[j])));
    note("ch2-claim-hadamard: nnd_activate(sigmoid) on a vector = sigma of each component (max difference)");
    CHECK_CLOSE("ch2-claim-hadamard", worst, 0, TOL(1e-15, 1e-6));
}

/* "In what sense is backpropagation a fast algorithm": the gradient costs a
   forward and a backward pass, a small multiple of one forward pass, while
   finite differences need one forward pass per parameter (+1). Measured on
   [784,30,10] (23,860 parameters) over batches of 100. */
static void claim_ch2_speed(void)
{
    int sizes[] = {784, 30, 10}, st, i, labels[100], rep;
    nnd_rng rng;
    nnd_net *net;
    nnd_real *x = (nnd_real *)malloc(sizeof *x * 784 * 100), *out = (nnd_real *)malloc(sizeof *out * 10 * 100), *g;
    double t_fwd, t_bp, t0, ratio;
    nnd_rng_seed(&rng, 71);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    g = (nnd_real *)malloc(nnd_param_count(net) * sizeof *g);
    fill(&rng, x, 784 * 100, 0, 1);
    for (i = 0; i < 100; ++i) labels[i] = i % 10;
    nnd_feedforward(net, x, 100, out); /* warm the workspace */
    t0 = cpu_seconds();
    for (rep = 0; rep < 300; ++rep) nnd_feedforward(net, x, 100, out);
    t_fwd = cpu_seconds() - t0;
    t0 = cpu_seconds();
    for (rep = 0; rep < 300; ++rep) nnd_backprop(net, x, NULL, labels, 100, g, NULL);
    t_bp = cpu_seconds() - t0;
    ratio = t_bp / fmax(t_fwd, 1e-9);
    note("ch2-claim-speed: forward %.3f s, forward+backward %.3f s for 300 batches of 100: gradient = %.2f forward "
         "passes (the book: about 2 in total); finite differences would need %lu",
         t_fwd, t_bp, ratio, (unsigned long)nnd_param_count(net) + 1);
    note("ch2-claim-speed: cost of one gradient in forward passes (a small multiple, far below 23,861)");
    CHECK_AT_MOST("ch2-claim-speed", ratio, 10);
    free(x);
    free(out);
    free(g);
    nnd_free(net);
}

int main(void)
{
    ch2_prob1();
    ch2_ex1();
    ch2_ex2();
    ch2_ex3();
    ch2_prob2();
    claim_ch2_hadamard();
    claim_ch2_speed();
    return check_summary();
}
