/* Chapter 2 of the book, checked: every exercise and problem (ch2-prob1,
   ch2-ex1, ch2-ex2, ch2-ex3, ch2-prob2) and the chapter's numeric claims
   (Hadamard product and vectorised f; backprop's cost against the forward
   pass), each by a function named after its id in
   exercises/README.md. Expected values come from plain loops in this file
   (a per-neuron reference network, BP1-BP4 written out, sigma' as
   sigma(1 - sigma)) or from finite differences of the library's cost,
   never from the library's own gradient.

   Every line reads "id  measured  expected  tol  PASS|FAIL"; lines starting
   with '#' say what the next check measures, or print a value that is not
   counted (arithmetic of this file, or the library against itself); the last line is
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

/* sigma and the derivatives f'(z) from a = f(z), written out for the
   expected values (the library's nnd_sigmoid, nnd_sigmoid_prime and
   nnd_activation_prime are what some lines below test). */
static double hand_sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static double hand_prime(nnd_activation f, double a)
{
    switch (f) {
    case NND_SIGMOID: return a * (1 - a); /* sigma' = sigma (1 - sigma) */
    case NND_TANH: return 1 - a * a;
    case NND_RELU: return a > 0 ? 1 : 0;
    default: return 1;
    }
}

/* Index of dC/dw_jk of dense layer l in a gradient (weights stored W^T:
   element (k, j) = w_jk, see nnd.h). */
static size_t w_index(const nnd_net *net, int l, int j, int k)
{
    nnd_layer_desc d = nnd_layer_info(net, l);
    return d.weight_offset + (size_t)k * d.n_out + j;
}

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
    case NND_SIGMOID: return hand_sigmoid(z);
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

/* BP1 and BP2 with each neuron's own f'(z), taken from its output a = f(z);
   BP3/BP4 then give the gradient (delta_j, and a_k delta_j). */
static void ref_backward(refnet *r, const double *y)
{
    int l, j, k, L = r->n_layers;
    for (j = 0; j < r->n[L]; ++j)
        r->delta[L - 1][j] = (r->a[L][j] - y[j]) * hand_prime(r->f[L - 1][j], r->a[L][j]);
    for (l = L - 2; l >= 0; --l)
        for (k = 0; k < r->n[l + 1]; ++k) {
            double s = 0.0;
            for (j = 0; j < r->n[l + 2]; ++j) s += r->w[l + 1][j][k] * r->delta[l + 1][j];
            r->delta[l][k] = s * hand_prime(r->f[l][k], r->a[l + 1][k]);
        }
}

/* The public helpers nnd_sigmoid_prime(z) and nnd_activation_prime(f, a)
   against sigma(z)(1 - sigma(z)) at the z of ch2-prob1's network. The
   engine does not call them: its BP1/BP2 multiply by a(1 - a) in a loop of
   their own, which the lines of ch2-prob1 before this one test through
   nnd_backprop. */
static void public_sigma_prime(const refnet *r)
{
    double worst = 0.0;
    int l, j;
    for (l = 0; l < r->n_layers; ++l)
        for (j = 0; j < r->n[l + 1]; ++j) {
            const double s = hand_sigmoid(r->z[l][j]);
            worst = fmax(worst, fabs(nnd_sigmoid_prime(r->z[l][j]) - s * (1 - s)));
            worst = fmax(worst, fabs(nnd_activation_prime(NND_SIGMOID, s) - s * (1 - s)));
        }
    note("ch2-prob1: nnd_sigmoid_prime(z) and nnd_activation_prime(sigmoid, sigma(z)) against sigma(1 - sigma) "
         "(public helpers in double; the engine computes its own sigma', tested above)");
    /* measured 1.3e-17 (gcc) and 0 (clang), both precisions: the helpers are double in either build;
       1 % off is 2e-3 */
    CHECK_CLOSE("ch2-prob1", worst, 0, 1e-15);
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
    double worst_diag = 0.0, worst_full = 0.0, worst_lib33 = 0.0, worst_lib35 = 0.0;
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
        for (j = 0; j < r.n[l + 1]; ++j) {
            const double s = hand_sigmoid(r.z[l][j]);
            diag[l][j][j] = s * (1 - s);
        }
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
    backprop_m(net, xr, yr, NULL, 1, g, NULL);
    for (l = 0; l < L; ++l)
        for (j = 0; j < r.n[l + 1]; ++j) {
            const double lib = g[nnd_layer_info(net, l).bias_offset + j];
            worst_diag = fmax(worst_diag, fabs(d33[l][j] - r.delta[l][j]));
            worst_full = fmax(worst_full, fabs(d35[l][j] - r.delta[l][j]));
            worst_lib33 = fmax(worst_lib33, fabs(lib - d33[l][j]) / fmax(fabs(d33[l][j]), 1e-3));
            worst_lib35 = fmax(worst_lib35, fabs(lib - d35[l][j]) / fmax(fabs(d35[l][j]), 1e-3));
        }
    note("ch2-prob1: the three forms written out here agree: (33)-(34) and the Hadamard BP1/BP2 to %.2g, "
         "the product (35) to %.2g (arithmetic of this file, not counted)", worst_diag, worst_full);
    note("ch2-prob1: the library's delta^l (nnd_backprop's bias gradient of one example) against (33)-(34) "
         "(max relative difference, all layers)");
    /* measured 5.1e-7 (float) and 2.8e-16 (double); sigma' 1 % off moves it by 1e-2 */
    CHECK_CLOSE("ch2-prob1", worst_lib33, 0, TOL(1e-14, 5e-6));
    note("ch2-prob1: the library's delta^l against the product (35)");
    CHECK_CLOSE("ch2-prob1", worst_lib35, 0, TOL(1e-14, 5e-6));
    public_sigma_prime(&r);
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
        /* measured 9.2e-5 and 6.1e-5 (float), 7.5e-12 and 8.2e-12 (double); a gradient 1 % off in a
           layer gives 1e-2 */
        CHECK_CLOSE("ch2-ex1", fd_check(net, x, y, NULL, 2), 0, TOL(1e-10, 5e-4));
        nnd_free(net);
    }
}

/* The reference's backprop against a fourth-order central difference of
   its own cost: worst |fd - bp| / (|fd| + |bp|) over all parameters. */
static double ref_fd_error(const refnet *r, const double *x, const double *y)
{
    static const double step[4] = {2, 1, -1, -2};
    const double h = 1e-3;
    double worst = 0.0;
    int l, j, k, s;
    for (l = 0; l < r->n_layers; ++l)
        for (j = 0; j < r->n[l + 1]; ++j)
            for (k = -1; k < r->n[l]; ++k) { /* k = -1: the bias */
                double c[4], fd, bp;
                for (s = 0; s < 4; ++s) {
                    refnet t = *r;
                    *(k < 0 ? &t.b[l][j] : &t.w[l][j][k]) += step[s] * h;
                    c[s] = ref_forward(&t, x, y);
                }
                fd = (-c[0] + 8 * c[1] - 8 * c[2] + c[3]) / (12 * h);
                bp = r->delta[l][j] * (k < 0 ? 1.0 : r->a[l][k]);
                worst = fmax(worst, fabs(fd - bp) / fmax(fabs(fd) + fabs(bp), 1e-6));
            }
    return worst;
}

/* tanh z = 2 sigma(2z) - 1, so the reference's net with hidden neuron J
   made tanh computes the same function as an all-sigmoid library net in
   which J's weights and bias are doubled (its output is then s = sigma(2z))
   and the output layer reads 2 s - 1: its weights v_iJ from J doubled, v_iJ
   taken off its biases. With w' = 2w, b' = 2b, v' = 2v, c' = c - v the
   chain rule gives dC/dw = 2 dC/dw', dC/db = 2 dC/db',
   dC/dv = 2 dC/dv' - dC/dc'. Returns the largest |library's gradient so
   mapped - reference backprop's| over max |reference's|, all parameters. */
static double tanh_neuron_by_library(const refnet *r, int J, nnd_net *net, const nnd_real *x, const nnd_real *y)
{
    nnd_real g[64];
    double worst = 0.0, gmax = 0.0;
    int l, j, k, i;
    for (k = 0; k < r->n[0]; ++k) nnd_set_weight(net, 0, J, k, 2 * r->w[0][J][k]);
    nnd_biases(net, 0)[J] = (nnd_real)(2 * r->b[0][J]);
    for (i = 0; i < r->n[2]; ++i) {
        nnd_set_weight(net, 1, i, J, 2 * r->w[1][i][J]);
        nnd_biases(net, 1)[i] = (nnd_real)(r->b[1][i] - r->w[1][i][J]);
    }
    backprop_m(net, x, y, NULL, 1, g, NULL);
    for (l = 0; l < 2; ++l)
        for (j = 0; j < r->n[l + 1]; ++j)
            for (k = -1; k < r->n[l]; ++k) { /* k = -1: the bias */
                const double want = r->delta[l][j] * (k < 0 ? 1.0 : r->a[l][k]);
                const double gb = g[nnd_layer_info(net, l).bias_offset + j];
                double got = k < 0 ? gb : g[w_index(net, l, j, k)];
                if (l == 0 && j == J) got *= 2;
                if (l == 1 && k == J) got = 2 * got - gb;
                worst = fmax(worst, fabs(got - want));
                gmax = fmax(gmax, fabs(want));
            }
    return worst / gmax;
}

/* ch2-ex2: one neuron with f != sigma. Backprop is unchanged except that
   this neuron's delta uses f'(z) in place of sigma'(z). The library has one
   activation per layer, so (a) checks a layer where every neuron is tanh,
   and (b) the single modified neuron with the per-neuron reference above,
   first checked against the library when all neurons are sigmoid, then
   against the library's gradient of the same function written with
   sigmoids only (tanh_neuron_by_library). */
static void ch2_ex2(void)
{
    static const int widths[] = {5, 3};
    static const nnd_activation sig[] = {NND_SIGMOID, NND_SIGMOID}, tanh_hidden[] = {NND_TANH, NND_SIGMOID};
    nnd_rng rng;
    nnd_net *net = make_net(4, widths, sig, 2, NND_QUADRATIC);
    nnd_real xr[4], yr[3], g[64];
    double x[4], y[3], worst = 0.0;
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
    backprop_m(net, xr, yr, NULL, 1, g, NULL);
    for (l = 0; l < 2; ++l)
        for (j = 0; j < r.n[l + 1]; ++j) {
            double d = r.delta[l][j];
            worst = fmax(worst, fabs(g[nnd_layer_info(net, l).bias_offset + j] - d));
            for (k = 0; k < r.n[l]; ++k) worst = fmax(worst, fabs(g[w_index(net, l, j, k)] - r.a[l][k] * d));
        }
    note("ch2-ex2: per-neuron reference backprop against nnd_backprop, all sigmoid (max difference)");
    /* measured 7.1e-9 (float) and 1.1e-17 (double) */
    CHECK_CLOSE("ch2-ex2", worst, 0, TOL(1e-15, 1e-7));
    /* (b) neuron 2 of the hidden layer becomes tanh */
    r.f[0][2] = NND_TANH;
    ref_forward(&r, x, y);
    ref_backward(&r, y);
    note("ch2-ex2: one tanh neuron in a sigmoid [4,5,3]: the reference's backprop, with its own f', against finite "
         "differences of the reference's cost: %.2g (this file's arithmetic, not counted)", ref_fd_error(&r, x, y));
    note("ch2-ex2: the same against nnd_backprop of the equal all-sigmoid net, tanh z = 2 sigma(2z) - 1 "
         "(max difference / max |gradient|)");
    /* measured 4.9e-8 (float) and 7.8e-17 (double); taking sigma' for the tanh neuron is off by ~0.5 */
    CHECK_CLOSE("ch2-ex2", tanh_neuron_by_library(&r, 2, net, xr, yr), 0, TOL(1e-14, 1e-6));
    nnd_free(net);
    /* (a) the library with a tanh hidden layer */
    net = make_net(4, widths, tanh_hidden, 2, NND_QUADRATIC);
    nnd_default_weight_initializer(net, &rng);
    note("ch2-ex2: library, tanh hidden layer: nnd_backprop against finite differences");
    /* measured 2.5e-5 (float) and 3.4e-12 (double); the wrong layer's f' in BP2 gives ~0.5 */
    CHECK_CLOSE("ch2-ex2", fd_check(net, xr, yr, NULL, 1), 0, TOL(1e-10, 2.5e-4));
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
    double A[8][8], c[8], xd[3], yd[2], worst = 0.0, worst_delta = 0.0;
    int l, i, j, k, n_rows;
    nnd_rng_seed(&rng, 51);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, x, 18, -1, 1);
    fill(&rng, y, 2, -1, 1);
    note("ch2-ex3: linear [3,4,4,2]: nnd_backprop against finite differences");
    /* measured 1.6e-5 (float) and 1.4e-12 (double) */
    CHECK_CLOSE("ch2-ex3", fd_check(net, x, y, NULL, 1), 0, TOL(1e-10, 2e-4));
    /* the deltas, by the plain loops with f' = 1, against the library's bias gradients of one example */
    ref_from(&r, net);
    for (k = 0; k < 3; ++k) xd[k] = x[k];
    for (j = 0; j < 2; ++j) yd[j] = y[j];
    ref_forward(&r, xd, yd);
    ref_backward(&r, yd);
    backprop_m(net, x, y, NULL, 1, g, NULL);
    for (l = 0; l < 3; ++l)
        for (j = 0; j < r.n[l + 1]; ++j)
            worst_delta = fmax(worst_delta, fabs(g[nnd_layer_info(net, l).bias_offset + j] - r.delta[l][j]));
    note("ch2-ex3: the library's delta^l against delta^L = a - y, delta^l = (w^{l+1})^T delta^{l+1} "
         "(plain loops; max difference)");
    /* measured 1.6e-6 (float: deltas up to 4, each layer's rounding carried down) and 8.9e-16 (double) */
    CHECK_CLOSE("ch2-ex3", worst_delta, 0, TOL(1e-14, 5e-6));
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
    feedforward_m(net, x, 6, out);
    for (i = 0; i < 6; ++i)
        for (j = 0; j < 2; ++j) {
            double v = c[j];
            for (k = 0; k < 3; ++k) v += A[j][k] * x[3 * i + k];
            worst = fmax(worst, fabs(v - out[2 * i + j]));
        }
    note("ch2-ex3: the linear network equals x -> A x + c, A = W3 W2 W1 (max difference over 6 inputs)");
    /* measured 7.5e-7 (float) and 8.9e-16 (double): outputs are O(3) */
    CHECK_CLOSE("ch2-ex3", worst, 0, TOL(1e-14, 4e-6));
    nnd_free(net);
}

/* A two-layer sigmoid net read from the library into double, for the
   plain per-example backprop of ch2-prob2 (cross-entropy cost). */
typedef struct dense2 {
    int n0, n1, n2;
    double *w1, *b1, *w2, *b2; /* w1[j n0 + k] = w^1_jk, w2[i n1 + j] = w^2_ij */
} dense2;

static dense2 dense2_from(const nnd_net *net)
{
    dense2 D;
    int j, k;
    D.n0 = nnd_input_size(net);
    D.n1 = nnd_layer_info(net, 0).n_out;
    D.n2 = nnd_layer_info(net, 1).n_out;
    D.w1 = (double *)malloc(sizeof(double) * D.n1 * D.n0);
    D.b1 = (double *)malloc(sizeof(double) * D.n1);
    D.w2 = (double *)malloc(sizeof(double) * D.n2 * D.n1);
    D.b2 = (double *)malloc(sizeof(double) * D.n2);
    for (j = 0; j < D.n1; ++j) {
        D.b1[j] = nnd_biases((nnd_net *)net, 0)[j];
        for (k = 0; k < D.n0; ++k) D.w1[j * D.n0 + k] = nnd_weight(net, 0, j, k);
    }
    for (j = 0; j < D.n2; ++j) {
        D.b2[j] = nnd_biases((nnd_net *)net, 1)[j];
        for (k = 0; k < D.n1; ++k) D.w2[j * D.n1 + k] = nnd_weight(net, 1, j, k);
    }
    return D;
}

static void dense2_free(dense2 *D)
{
    free(D->w1);
    free(D->b1);
    free(D->w2);
    free(D->b2);
}

/* Add example (x, label)'s gradient of the cross-entropy cost to sum, in
   the library's layout: forward (23), delta^2 = a^2 - y (66), BP2
   delta^1 = (w^2)^T delta^2 * a^1 (1 - a^1), BP3, BP4. */
static void dense2_gradient(const dense2 *D, const nnd_net *net, const nnd_real *x, int label, double *sum)
{
    double a1[64], a2[16], d1[64], d2[16];
    int i, j, k;
    for (j = 0; j < D->n1; ++j) {
        double z = D->b1[j];
        for (k = 0; k < D->n0; ++k) z += D->w1[j * D->n0 + k] * x[k];
        a1[j] = hand_sigmoid(z);
    }
    for (i = 0; i < D->n2; ++i) {
        double z = D->b2[i];
        for (j = 0; j < D->n1; ++j) z += D->w2[i * D->n1 + j] * a1[j];
        a2[i] = hand_sigmoid(z);
        d2[i] = a2[i] - (i == label);
    }
    for (j = 0; j < D->n1; ++j) {
        double t = 0.0;
        for (i = 0; i < D->n2; ++i) t += D->w2[i * D->n1 + j] * d2[i];
        d1[j] = t * a1[j] * (1 - a1[j]);
    }
    for (j = 0; j < D->n1; ++j) {
        sum[nnd_layer_info(net, 0).bias_offset + j] += d1[j];
        for (k = 0; k < D->n0; ++k) sum[w_index(net, 0, j, k)] += x[k] * d1[j];
    }
    for (i = 0; i < D->n2; ++i) {
        sum[nnd_layer_info(net, 1).bias_offset + i] += d2[i];
        for (j = 0; j < D->n1; ++j) sum[w_index(net, 1, i, j)] += a1[j] * d2[i];
    }
}

/* ch2-prob2: the whole mini-batch at once (nnd_backprop works on the batch
   matrix X, one example per row) gives the sum of the per-example
   gradients: [784,30,10] on 10 random examples, against the per-example
   backprop written out above; and the speed-up. */
static void ch2_prob2(void)
{
    int sizes[] = {784, 30, 10}, st, i, labels[1000], rep;
    nnd_rng rng;
    nnd_net *net;
    dense2 D;
    size_t n, p;
    nnd_real *x = (nnd_real *)malloc(sizeof *x * 784 * 1000), *g, *gi;
    double *sum, *lib_sum, worst = 0.0, worst_lib = 0.0, gmax = 0.0, t_batch, t_loop, t0;
    nnd_rng_seed(&rng, 61);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    n = nnd_param_count(net);
    g = (nnd_real *)malloc(n * sizeof *g);
    gi = (nnd_real *)malloc(n * sizeof *gi);
    sum = (double *)calloc(n, sizeof *sum);
    lib_sum = (double *)calloc(n, sizeof *lib_sum);
    fill(&rng, x, 784 * 1000, 0, 1);
    for (i = 0; i < 1000; ++i) labels[i] = (int)nnd_rng_below(&rng, 10);
    D = dense2_from(net);
    backprop_m(net, x, NULL, labels, 10, g, NULL);
    for (i = 0; i < 10; ++i) {
        dense2_gradient(&D, net, x + 784 * i, labels[i], sum);
        backprop_m(net, x + 784 * i, NULL, labels + i, 1, gi, NULL);
        for (p = 0; p < n; ++p) lib_sum[p] += gi[p];
    }
    for (p = 0; p < n; ++p) gmax = fmax(gmax, fabs(sum[p]));
    for (p = 0; p < n; ++p) {
        worst = fmax(worst, fabs(g[p] - sum[p]) / gmax);
        worst_lib = fmax(worst_lib, fabs(g[p] - lib_sum[p]) / gmax);
    }
    note("ch2-prob2: the batch gradient against the sum of the library's own 10 per-example gradients: %.2g "
         "(the library against itself, not counted)", worst_lib);
    note("ch2-prob2: batch gradient of 10 examples against the sum of 10 per-example gradients by plain loops "
         "(max error / max |grad|)");
    /* measured 2.1e-7 (float) and 1.6e-16 (double); the engine's sigma' 1 % off moves it by ~1e-2 */
    CHECK_CLOSE("ch2-prob2", worst, 0, TOL(1e-14, 1e-6));
    dense2_free(&D);
    /* speed: 1000 examples as 100 batches of 10, or one by one */
    t0 = cpu_seconds();
    for (rep = 0; rep < 3; ++rep)
        for (i = 0; i < 100; ++i) backprop_m(net, x + 784 * 10 * i, NULL, labels + 10 * i, 10, g, NULL);
    t_batch = cpu_seconds() - t0;
    t0 = cpu_seconds();
    for (rep = 0; rep < 3; ++rep)
        for (i = 0; i < 1000; ++i) backprop_m(net, x + 784 * i, NULL, labels + i, 1, g, NULL);
    t_loop = cpu_seconds() - t0;
    note("ch2-prob2: gradients of 3 x 1000 examples: batches of 10 %.3f s, one at a time %.3f s (speed-up %.1fx; "
         "the book saw about 2x in numpy); timing only, not asserted",
         t_batch, t_loop, t_loop / fmax(t_batch, 1e-9));
    free(x);
    free(g);
    free(gi);
    free(sum);
    free(lib_sum);
    nnd_free(net);
}

/* BP1 for one sigmoid layer [3 -> 4] with the quadratic cost, one example:
   delta^L = grad_a C (.) sigma'(z^L) = (a - y) (.) sigma(z)(1 - sigma(z)),
   component by component, written out against nnd_backprop's bias
   gradient. Returns the largest relative difference. */
static double bp1_hadamard_error(void)
{
    nnd_net *net = one_layer(3, 4, NND_SIGMOID, NND_QUADRATIC);
    nnd_rng rng;
    nnd_real x[3], y[4], g[16];
    double worst = 0.0;
    int j, k;
    nnd_rng_seed(&rng, 28);
    nnd_default_weight_initializer(net, &rng);
    fill(&rng, x, 3, -1, 1);
    fill(&rng, y, 4, 0, 1);
    backprop_m(net, x, y, NULL, 1, g, NULL);
    for (j = 0; j < 4; ++j) {
        double z = nnd_biases(net, 0)[j], a, want;
        for (k = 0; k < 3; ++k) z += nnd_weight(net, 0, j, k) * x[k];
        a = hand_sigmoid(z);
        want = (a - y[j]) * (a * (1 - a));
        worst = fmax(worst, fabs(g[nnd_layer_info(net, 0).bias_offset + j] - want) / fmax(fabs(want), 1e-3));
    }
    nnd_free(net);
    return worst;
}

/* Equation (28) and the vectorised f of (24): the book's examples are
   arithmetic, printed; the library's activations act component by
   component, and its BP1 is the Hadamard product of (a - y) and sigma'(z). */
static void claim_ch2_hadamard(void)
{
    static const nnd_activation fs[3] = {NND_SIGMOID, NND_TANH, NND_RELU};
    nnd_real z[5] = {(nnd_real)-2, (nnd_real)-0.5, 0, (nnd_real)0.7, 3}, a[5];
    double worst = 0.0;
    int j, f;
    note("ch2-claim-hadamard: [1,2] (.) [3,4] = [%g,%g], and f([2,3]) = [%g,%g] for f(x) = x^2 (the book's "
         "examples; arithmetic, not counted)", 1.0 * 3, 2.0 * 4, 2.0 * 2, 3.0 * 3);
    for (f = 0; f < 3; ++f) {
        nnd_activate(fs[f], z, a, 5);
        for (j = 0; j < 5; ++j) {
            const double want = fs[f] == NND_SIGMOID ? hand_sigmoid(z[j]) : fs[f] == NND_TANH ? tanh(z[j])
                                : z[j] > 0 ? z[j] : 0.0;
            worst = fmax(worst, fabs(a[j] - want));
        }
    }
    note("ch2-claim-hadamard: nnd_activate (sigmoid, tanh, ReLU) on a vector of 5 against f of each component "
         "(max difference)");
    /* measured 3.2e-8 (float: each value rounded) and 0 (double) */
    CHECK_CLOSE("ch2-claim-hadamard", worst, 0, TOL(1e-15, 1e-7));
    note("ch2-claim-hadamard: nnd_backprop's delta^L against (a - y) (.) sigma'(z) for each neuron of a sigmoid "
         "[3 -> 4] layer, quadratic cost (max relative difference)");
    /* measured 8.4e-8 (float) and 0 (double); sigma' 1 % off moves it by 1e-2 */
    CHECK_CLOSE("ch2-claim-hadamard", bp1_hadamard_error(), 0, TOL(1e-14, 1e-6));
}

/* Minimum CPU time of `rounds` runs of reps forward passes (backprop 0) or
   forward-and-backward passes (backprop 1) of the batch of 100: the
   minimum is the run least disturbed by the rest of the machine. */
static double best_time(nnd_net *net, const nnd_real *x, const int *labels, nnd_real *out, int backprop)
{
    double best = HUGE_VAL;
    int round, rep;
    for (round = 0; round < 5; ++round) {
        const double t0 = cpu_seconds();
        for (rep = 0; rep < 60; ++rep) {
            if (backprop) backprop_m(net, x, NULL, labels, 100, out, NULL);
            else feedforward_m(net, x, 100, out);
        }
        best = fmin(best, cpu_seconds() - t0);
    }
    return best;
}

/* "In what sense is backpropagation a fast algorithm": the gradient costs a
   forward and a backward pass, a small multiple of one forward pass, while
   finite differences need one forward pass per parameter (+1). Measured on
   [784,30,10] (23,860 parameters) over batches of 100, as CPU time: the
   best of 5 runs of 60 batches each way, so that a busy machine does not
   decide the ratio. */
static void claim_ch2_speed(void)
{
    int sizes[] = {784, 30, 10}, st, i, labels[100];
    nnd_rng rng;
    nnd_net *net;
    nnd_real *x = (nnd_real *)malloc(sizeof *x * 784 * 100), *out;
    double t_fwd, t_bp, ratio;
    nnd_rng_seed(&rng, 71);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    out = (nnd_real *)malloc(nnd_param_count(net) * sizeof *out); /* room for outputs or a gradient */
    fill(&rng, x, 784 * 100, 0, 1);
    for (i = 0; i < 100; ++i) labels[i] = i % 10;
    backprop_m(net, x, NULL, labels, 100, out, NULL); /* warm the workspace */
    t_fwd = best_time(net, x, labels, out, 0);
    t_bp = best_time(net, x, labels, out, 1);
    ratio = t_bp / fmax(t_fwd, 1e-9);
    note("ch2-claim-speed: best of 5 x 60 batches of 100: forward %.4f s, forward+backward %.4f s: the gradient "
         "costs %.2f forward passes (the book: about 2); finite differences would need %lu",
         t_fwd, t_bp, ratio, (unsigned long)nnd_param_count(net) + 1);
    note("ch2-claim-speed: cost of one gradient in forward passes: at least 1 (it contains the forward pass) ...");
    /* measured 1.63 / 1.56 (float, gcc / clang) and 1.80 / 1.60 (double); the backward pass has about the forward's
       multiply-adds (dC/dw^1 as many as w^1 x), so 2 in theory. The bounds are loose for a CPU-time
       ratio - a gradient that skipped its work lands below 1, one by finite differences near 24,000 */
    CHECK_AT_LEAST("ch2-claim-speed", ratio, 1.0);
    note("ch2-claim-speed: ... and a small multiple, not the 23,861 of finite differences");
    CHECK_AT_MOST("ch2-claim-speed", ratio, 3.0);
    free(x);
    free(out);
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
