/* Chapter 1 of the book, checked: every exercise (ch1-ex1 .. ch1-ex8) and the
   chapter's numeric claims (perceptrons, NAND adder, quadratic cost and the
   mini-batch rule), each by a function named after its id in
   exercises/README.md.

   Build from the repository root (MNIST in data/mnist, `make data`):
     cc -std=c99 -pedantic -Wall -Wextra -Werror -O3 exercises/ch1.c -o ch1 -lm
   Every line reads "id  measured  expected  tol  PASS|FAIL"; lines starting
   with '#' say what the next check measures. The last line is
   "N passed, N failed". Runs in float (default) or with -DNND_DOUBLE; where
   the library's own arithmetic is in nnd_real the tolerance follows the
   precision (TOL(double, float)). */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "../tests/check.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>


/* A stack of dense sigmoid layers on n_in inputs, all parameters zero. */
static nnd_net *sigmoid_net(int n_in, const int *widths, int n_layers, nnd_cost cost)
{
    nnd_layer_spec specs[8];
    int l, st;
    nnd_net *net;
    for (l = 0; l < n_layers; ++l) specs[l] = nnd_dense_layer(widths[l], NND_SIGMOID, 0.0);
    net = nnd_net_create(n_in, specs, n_layers, cost, &st);
    if (!net) {
        printf("FAIL nnd_net_create: %s\n", nnd_strerror(st));
        exit(1);
    }
    return net;
}

/* Gap worked around: the library has sigmoid, tanh, ReLU, linear and softmax
   neurons but no perceptron (step activation). This evaluates the same net as
   perceptrons: a_j = 1 if sum_k w_jk a_k + b_j > 0, else 0, layer by layer,
   reading the library's parameters. */
static void perceptron_forward(const nnd_net *net, const double *x, double *out)
{
    double a[16], next[16];
    int l, j, k, n = nnd_input_size(net);
    for (k = 0; k < n; ++k) a[k] = x[k];
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        const nnd_real *b = nnd_biases((nnd_net *)net, l);
        for (j = 0; j < d.n_out; ++j) {
            double z = b[j];
            for (k = 0; k < d.n_in; ++k) z += nnd_weight(net, l, j, k) * a[k];
            next[j] = z > 0 ? 1.0 : 0.0;
        }
        for (j = 0; j < d.n_out; ++j) a[j] = next[j];
        n = d.n_out;
    }
    for (k = 0; k < n; ++k) out[k] = a[k];
}

/* Set neuron j of layer l: weights w[0..n_in) and bias b. */
static void set_neuron(nnd_net *net, int l, int j, const double *w, double b)
{
    int k;
    for (k = 0; k < nnd_layer_info(net, l).n_in; ++k) nnd_set_weight(net, l, j, k, w[k]);
    nnd_biases(net, l)[j] = (nnd_real)b;
}

/* The book's two-bit adder made of NAND gates (weights -2, -2, bias 3), laid
   out in layers so the library can run it; "relay" neurons (weight 2, bias
   -1) carry an input to the next layer unchanged (step(2x - 1) = x for bits).
     layer 0: g1 = NAND(x1, x2), relay x1, relay x2
     layer 1: NAND(x1, g1), NAND(x2, g1), NAND(g1, g1) with one weight -4
              (the book's doubled connection: the carry x1 AND x2)
     layer 2: sum = NAND of the two above, relay of the carry
   Outputs (sum, carry) = (x1 XOR x2, x1 AND x2). Every |w.x + b| is >= 1. */
static nnd_net *nand_adder(void)
{
    static const int widths[] = {3, 3, 2};
    nnd_net *net = sigmoid_net(2, widths, 3, NND_QUADRATIC);
    const double nand01[] = {-2, -2}, relay0[] = {2, 0}, relay1[] = {0, 2};
    const double l1a[] = {-2, -2, 0}, l1b[] = {-2, 0, -2}, l1c[] = {-4, 0, 0};
    const double l2a[] = {-2, -2, 0}, l2b[] = {0, 0, 2};
    set_neuron(net, 0, 0, nand01, 3);
    set_neuron(net, 0, 1, relay0, -1);
    set_neuron(net, 0, 2, relay1, -1);
    set_neuron(net, 1, 0, l1a, 3); /* NAND(g1, x1) */
    set_neuron(net, 1, 1, l1b, 3); /* NAND(g1, x2) */
    set_neuron(net, 1, 2, l1c, 3); /* NAND(g1, g1) = carry */
    set_neuron(net, 2, 0, l2a, 3); /* sum */
    set_neuron(net, 2, 1, l2b, -1);
    return net;
}

static void scale_params(nnd_net *net, double c)
{
    size_t p, n = nnd_param_count(net);
    nnd_real *w = nnd_params(net);
    for (p = 0; p < n; ++p) w[p] = (nnd_real)(w[p] * c);
}

/* Rows of the truth table (out of 4) where the perceptron adder gives
   (x1 XOR x2, x1 AND x2). */
static int adder_rows_right(const nnd_net *net)
{
    int r, right = 0;
    for (r = 0; r < 4; ++r) {
        double x[2], out[2];
        int x1 = r >> 1, x2 = r & 1;
        x[0] = x1;
        x[1] = x2;
        perceptron_forward(net, x, out);
        right += out[0] == (double)(x1 ^ x2) && out[1] == (double)(x1 & x2);
    }
    return right;
}

/* ch1-ex1: scaling every weight and bias of a perceptron network by c > 0
   leaves it unchanged, since step(c z) = step(z). */
static void ch1_ex1(void)
{
    static const double cs[] = {1e-3, 0.5, 7, 1e6};
    int i, r, nand_right = 0, adder_right = 0;
    int widths[] = {1};
    for (i = 0; i < 4; ++i) {
        nnd_net *nand = sigmoid_net(2, widths, 1, NND_QUADRATIC);
        nnd_net *adder = nand_adder();
        const double w[] = {-2, -2};
        set_neuron(nand, 0, 0, w, 3);
        scale_params(nand, cs[i]);
        scale_params(adder, cs[i]);
        for (r = 0; r < 4; ++r) {
            double x[2], out;
            x[0] = r >> 1;
            x[1] = r & 1;
            perceptron_forward(nand, x, &out);
            nand_right += out == (r == 3 ? 0.0 : 1.0);
        }
        adder_right += adder_rows_right(adder);
        nnd_free(nand);
        nnd_free(adder);
    }
    note("ch1-ex1: NAND and adder truth tables after scaling by c = 1e-3, 0.5, 7, 1e6 (rows right)");
    CHECK_CLOSE("ch1-ex1", nand_right, 16, 0);
    CHECK_CLOSE("ch1-ex1", adder_right, 16, 0);
}

/* Largest |sigmoid output - perceptron output| of the adder scaled by c. */
static double adder_sigmoid_error(double c)
{
    nnd_net *net = nand_adder();
    nnd_real x[8], out[8];
    double worst = 0.0;
    int r, j;
    scale_params(net, c);
    for (r = 0; r < 4; ++r) {
        x[2 * r] = (nnd_real)(r >> 1);
        x[2 * r + 1] = (nnd_real)(r & 1);
    }
    nnd_feedforward(net, x, 4, out);
    for (r = 0; r < 4; ++r) {
        double xd[2], p[2];
        xd[0] = x[2 * r];
        xd[1] = x[2 * r + 1];
        perceptron_forward(net, xd, p);
        for (j = 0; j < 2; ++j) worst = fmax(worst, fabs((double)out[2 * r + j] - p[j]));
    }
    nnd_free(net);
    return worst;
}

/* ch1-ex2: sigmoid neurons with parameters c w, c b tend to the perceptrons as
   c grows (when no w.x + b is 0); a neuron sitting at w.x + b = 0 stays at
   1/2 for every c, while the perceptron says 0. */
static void ch1_ex2(void)
{
    static const double cs[] = {1, 5, 10, 50};
    double err[4];
    int i, falling = 1, widths[] = {1};
    for (i = 0; i < 4; ++i) {
        err[i] = adder_sigmoid_error(cs[i]);
        note("ch1-ex2: c = %-3g max |sigmoid adder - perceptron adder| = %.3g", cs[i], err[i]);
        if (i > 0 && !(err[i] < err[i - 1])) falling = 0;
    }
    note("ch1-ex2: the error falls as c = 1, 5, 10, 50 (1 = yes)");
    CHECK_CLOSE("ch1-ex2", falling, 1, 0);
    note("ch1-ex2: at c = 50 the error is below 1e-12 (smallest |z| is 1, sigma(-50) ~ 2e-22)");
    CHECK_AT_MOST("ch1-ex2", err[3], 1e-12);
    {
        static const double big[] = {1, 1e3, 1e6};
        nnd_net *net = sigmoid_net(2, widths, 1, NND_QUADRATIC);
        nnd_real x[2] = {1, 1}, out = 0;
        double worst = 0.0, p, xd[2] = {1, 1};
        for (i = 0; i < 3; ++i) {
            const double w[] = {big[i], -big[i]};
            set_neuron(net, 0, 0, w, 0);
            nnd_feedforward(net, x, 1, &out);
            worst = fmax(worst, fabs((double)out - 0.5));
        }
        perceptron_forward(net, xd, &p);
        note("ch1-ex2: failure case w = (c, -c), b = 0, x = (1, 1): sigmoid output stays 0.5 for c = 1, 1e3, 1e6");
        CHECK_CLOSE("ch1-ex2", 0.5 + worst, 0.5, 0);
        note("ch1-ex2: ... while the perceptron outputs 0");
        CHECK_CLOSE("ch1-ex2", p, 0, 0);
        nnd_free(net);
    }
}

/* ch1-ex3: a 4-neuron layer turning the 10 digit outputs into the digit's
   binary code. Bit order: output neuron k carries bit k of d (k = 0 is the
   least significant, the top neuron of the book's figure). Weight +A from
   digit neuron j when bit k of j is 1, else -A; bias -A/2; A = 10. */
static void ch1_ex3(void)
{
    const int N = 1000;
    int widths[] = {4}, d, k, t, right = 0;
    double min_on = 1.0, max_off = 0.0;
    nnd_net *net = sigmoid_net(10, widths, 1, NND_QUADRATIC);
    nnd_real *x = (nnd_real *)malloc(sizeof *x * 10 * 10 * N), *out = (nnd_real *)malloc(sizeof *out * 4 * 10 * N);
    nnd_rng rng;
    for (k = 0; k < 4; ++k)
        for (d = 0; d < 10; ++d) nnd_set_weight(net, 0, k, d, ((d >> k) & 1) ? 10.0 : -10.0);
    for (k = 0; k < 4; ++k) nnd_biases(net, 0)[k] = -5;
    nnd_rng_seed(&rng, 13);
    for (d = 0; d < 10; ++d)
        for (t = 0; t < N; ++t) {
            nnd_real *row = x + 10 * ((size_t)d * N + t);
            for (k = 0; k < 10; ++k)
                row[k] = (nnd_real)(k == d ? 0.99 + 0.01 * nnd_rng_uniform(&rng) : 0.01 * nnd_rng_uniform(&rng));
        }
    nnd_feedforward(net, x, 10 * N, out);
    for (d = 0; d < 10; ++d)
        for (t = 0; t < N; ++t) {
            const nnd_real *o = out + 4 * ((size_t)d * N + t);
            int ok = 1;
            for (k = 0; k < 4; ++k) {
                int bit = (d >> k) & 1;
                ok &= (o[k] > 0.5) == bit;
                if (bit) min_on = fmin(min_on, o[k]);
                else max_off = fmax(max_off, o[k]);
            }
            right += ok;
        }
    note("ch1-ex3: binary layer decodes 10 digits x %d random output vectors (count right)", N);
    CHECK_CLOSE("ch1-ex3", right, 10 * N, 0);
    note("ch1-ex3: smallest output where the bit is 1 (worst z = 0.4 A = 4, sigma(4) = 0.982)");
    CHECK_AT_LEAST("ch1-ex3", min_on, 0.98);
    note("ch1-ex3: largest output where the bit is 0 (worst z = -1.4 A = -14, sigma(-14) = 8.3e-7)");
    CHECK_AT_MOST("ch1-ex3", max_off, 1e-6);
    free(x);
    free(out);
    nnd_free(net);
}

/* ch1-ex4: among steps of length eps, dv = -eps grad/|grad| minimises
   grad . dv (Cauchy-Schwarz). The gradient is the library's: nnd_backprop of
   a [4,2] network (10 parameters) on two examples. */
static void ch1_ex4(void)
{
    int widths[] = {2}, i, p, labels[2] = {0, 1};
    nnd_net *net = sigmoid_net(4, widths, 1, NND_CROSS_ENTROPY);
    nnd_rng rng;
    nnd_real x[8], g[10], keep[10];
    double gn = 0.0, eps = 1e-3, worst = HUGE_VAL, c0 = 0.0, c1 = 0.0, best_random_drop = HUGE_VAL;
    nnd_rng_seed(&rng, 4);
    nnd_default_weight_initializer(net, &rng);
    for (i = 0; i < 8; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    nnd_backprop(net, x, NULL, labels, 2, g, &c0);
    for (p = 0; p < 10; ++p) gn += (double)g[p] * g[p];
    gn = sqrt(gn);
    for (i = 0; i < 100000; ++i) {
        double u[10], un = 0.0, dot = 0.0;
        for (p = 0; p < 10; ++p) {
            u[p] = nnd_rng_normal(&rng);
            un += u[p] * u[p];
        }
        un = sqrt(un);
        for (p = 0; p < 10; ++p) dot += g[p] * (eps * u[p] / un);
        worst = fmin(worst, dot);
    }
    note("ch1-ex4: min over 1e5 random steps of length eps of grad.dv, minus the bound -eps|grad| (>= 0)");
    CHECK_AT_LEAST("ch1-ex4", worst - (-eps * gn), -1e-12);
    {
        double dot = 0.0;
        for (p = 0; p < 10; ++p) dot += g[p] * (-eps * g[p] / gn);
        note("ch1-ex4: dv = -eps grad/|grad| attains grad.dv = -eps|grad| (ratio)");
        CHECK_CLOSE("ch1-ex4", dot / (-eps * gn), 1.0, 1e-12);
    }
    /* The same on the cost itself: moving the network's parameters by that
       step lowers C by eps |grad| to first order; random steps of the same
       length lower it less. */
    memcpy(keep, nnd_params(net), sizeof keep);
    for (p = 0; p < 10; ++p) nnd_params(net)[p] = (nnd_real)(keep[p] - 1e-2 * g[p] / gn);
    nnd_batch_cost(net, x, NULL, labels, 2, &c1);
    note("ch1-ex4: cost change along the steepest step of length 1e-2, over -1e-2 |grad|");
    CHECK_CLOSE("ch1-ex4", (c1 - c0) / (-1e-2 * gn), 1.0, TOL(1e-2, 2e-2));
    for (i = 0; i < 200; ++i) {
        double u[10], un = 0.0, c2 = 0.0;
        for (p = 0; p < 10; ++p) {
            u[p] = nnd_rng_normal(&rng);
            un += u[p] * u[p];
        }
        un = sqrt(un);
        for (p = 0; p < 10; ++p) nnd_params(net)[p] = (nnd_real)(keep[p] + 1e-2 * u[p] / un);
        nnd_batch_cost(net, x, NULL, labels, 2, &c2);
        best_random_drop = fmin(best_random_drop, c2 - c0);
    }
    note("ch1-ex4: best cost change of 200 random steps of the same length, minus the steepest one (>= 0)");
    CHECK_AT_LEAST("ch1-ex4", best_random_drop - (c1 - c0), 0.0);
    nnd_free(net);
}

/* Per-epoch record of the single bias of a one-neuron network. */
typedef struct trace {
    nnd_net *net;
    int n;
    double b[1001];
} trace;

static int record_bias(const nnd_epoch *e, void *user)
{
    trace *t = (trace *)user;
    (void)e;
    if (t->n < 1001) t->b[t->n++] = nnd_biases(t->net, 0)[0];
    return 0;
}

/* ch1-ex5: gradient descent in one variable, x' = x - eta C'(x), on
   C(x) = (x - 3)^2 with eta = 0.1 from x = 0. The library runs it: a single
   linear neuron whose input is 0, so only its bias b = x learns; the
   quadratic cost of the one example (target 3) is (b - 3)^2 / 2, half of C,
   so the library's eta = 0.2 is the book's eta = 0.1 on C. Each step
   multiplies the error by 1 - 0.2 = 0.8. */
static void ch1_ex5(void)
{
    nnd_layer_spec spec = nnd_dense_layer(1, NND_LINEAR, 0.0);
    int st, e, wrong_way = 0;
    nnd_net *net = nnd_net_create(1, &spec, 1, NND_QUADRATIC, &st);
    nnd_real x0 = 0, y0 = 3;
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    static trace t;
    double prev = 0.0;
    memset(&d, 0, sizeof d);
    d.n = 1;
    d.n_in = 1;
    d.x = &x0;
    d.y = &y0;
    d.n_y = 1;
    t.net = net;
    t.n = 0;
    opt.epochs = 100;
    opt.mini_batch_size = 1;
    opt.eta = 0.2;
    opt.on_epoch = record_bias;
    opt.user = &t;
    train(net, &d, &opt, NULL);
    for (e = 0; e < t.n; ++e) {
        double grad = 2 * (prev - 3), move = t.b[e] - prev; /* C'(x) at the old x */
        if (grad != 0 && move != 0 && (move > 0) == (grad > 0)) ++wrong_way;
        prev = t.b[e];
    }
    note("ch1-ex5: |x - 3| after 10 steps = 3 * 0.8^10");
    CHECK_CLOSE("ch1-ex5", fabs(t.b[9] - 3), 3 * pow(0.8, 10), TOL(1e-12, 1e-6));
    note("ch1-ex5: |x - 3| after 100 steps = 3 * 0.8^100 = 6.1e-10 (float: down to rounding)");
    CHECK_CLOSE("ch1-ex5", fabs(t.b[99] - 3), 3 * pow(0.8, 100), TOL(1e-12, 1e-6));
    note("ch1-ex5: steps that moved x in the direction of C'(x) (must be none)");
    CHECK_CLOSE("ch1-ex5", wrong_way, 0, 0);
    nnd_free(net);
}

/* ch1-ex6: online learning (mini-batch 1) against mini-batches of 20, one
   epoch of [784,30,10] network.py-style (quadratic cost, N(0,1) weights),
   eta = 3.0 in both (the update already averages over the mini-batch).
   No numeric claim: report accuracy and CPU time; assert well above chance. */
static void ch1_ex6(const nnd_mnist *m)
{
    static const int mbs[] = {1, 20};
    int i, sizes[] = {784, 30, 10}, st, correct[2];
    double secs[2];
    for (i = 0; i < 2; ++i) {
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        double t0;
        nnd_rng_seed(&rng, 6);
        net = nnd_network2(sizes, 3, NND_QUADRATIC, &rng, &st);
        nnd_large_weight_initializer(net, &rng);
        opt.epochs = 1;
        opt.mini_batch_size = mbs[i];
        opt.eta = 3.0;
        opt.rng = &rng;
        t0 = cpu_seconds();
        train(net, &m->training, &opt, NULL);
        secs[i] = cpu_seconds() - t0;
        nnd_accuracy(net, &m->test, &correct[i]);
        note("ch1-ex6: mini-batch %2d: test accuracy %d / 10000 after one epoch, %.2f s CPU (%d updates)",
             mbs[i], correct[i], secs[i], (m->training.n + mbs[i] - 1) / mbs[i]);
        nnd_free(net);
    }
    note("ch1-ex6: online (m = 1) is %.2fx the CPU time of m = 20 per epoch", secs[0] / secs[1]);
    note("ch1-ex6: test accuracy after one online epoch (chance is 1000)");
    CHECK_AT_LEAST("ch1-ex6", correct[0], 5000);
    note("ch1-ex6: test accuracy after one epoch with m = 20");
    CHECK_AT_LEAST("ch1-ex6", correct[1], 5000);
}

/* ch1-ex7: the matrix feedforward a' = sigma(w a + b) (22) is, component by
   component, a'_j = sigma(sum_k w_jk a_k + b_j) (4): a [3,4,2] network run by
   the library against explicit loops in double over nnd_weight. */
static void ch1_ex7(void)
{
    int sizes[] = {3, 4, 2}, st, l, j, k, i;
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[15], out[10];
    double worst = 0.0;
    nnd_rng_seed(&rng, 7);
    net = nnd_network2(sizes, 3, NND_QUADRATIC, &rng, &st);
    for (i = 0; i < 15; ++i) x[i] = (nnd_real)(2 * nnd_rng_uniform(&rng) - 1);
    nnd_feedforward(net, x, 5, out);
    for (i = 0; i < 5; ++i) {
        double a[4], next[4];
        int n = 3;
        for (k = 0; k < 3; ++k) a[k] = x[3 * i + k];
        for (l = 0; l < 2; ++l) {
            for (j = 0; j < sizes[l + 1]; ++j) {
                double z = nnd_biases(net, l)[j];
                for (k = 0; k < n; ++k) z += nnd_weight(net, l, j, k) * a[k];
                next[j] = nnd_sigmoid(z);
            }
            n = sizes[l + 1];
            for (j = 0; j < n; ++j) a[j] = next[j];
        }
        for (j = 0; j < 2; ++j) worst = fmax(worst, fabs(a[j] - out[2 * i + j]));
    }
    note("ch1-ex7: max |matrix feedforward - component loops| over 5 inputs of a [3,4,2] network");
    CHECK_CLOSE("ch1-ex7", worst, 0, TOL(1e-14, 1e-6));
    nnd_free(net);
}

/* ch1-ex8: a network with no hidden layer, [784,10]. The book gives no
   number; report what SGD reaches. network.py style (quadratic cost, N(0,1)
   weights, eta = 3.0, m = 10, 30 epochs; ~3 s), and for comparison
   cross-entropy with the 1/sqrt(n_in) initialisation, eta = 0.5, 5 epochs.
   With the quadratic cost the accuracy climbs in steps of roughly 10 %: each
   output neuron that starts saturated learns only once it leaves the flat
   part of the sigmoid. Assert only well above chance. */
static void ch1_ex8(const nnd_mnist *m)
{
    int sizes[] = {784, 10}, st, e, best[2] = {0, 0}, v;
    for (v = 0; v < 2; ++v) {
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_history hist;
        nnd_rng_seed(&rng, 8);
        net = nnd_network2(sizes, 2, v == 0 ? NND_QUADRATIC : NND_CROSS_ENTROPY, &rng, &st);
        if (v == 0) nnd_large_weight_initializer(net, &rng);
        opt.epochs = v == 0 ? 30 : 5;
        opt.mini_batch_size = 10;
        opt.eta = v == 0 ? 3.0 : 0.5;
        opt.rng = &rng;
        opt.evaluation_data = &m->test;
        opt.monitor_evaluation_accuracy = 1;
        train(net, &m->training, &opt, &hist);
        for (e = 0; e < hist.epochs; ++e)
            if (hist.evaluation_accuracy[e] > best[v]) best[v] = hist.evaluation_accuracy[e];
        note("ch1-ex8: [784,10] %s: test accuracy by epoch %d %d %d ... %d, best %.2f%%",
             v == 0 ? "quadratic, N(0,1), eta 3.0" : "cross-entropy, N(0,1/784), eta 0.5",
             hist.evaluation_accuracy[0], hist.evaluation_accuracy[1], hist.evaluation_accuracy[2],
             hist.evaluation_accuracy[hist.epochs - 1], best[v] / 100.0);
        nnd_history_free(&hist);
        nnd_free(net);
    }
    note("ch1-ex8: best test accuracy of [784,10], quadratic cost (percent; chance is 10)");
    CHECK_AT_LEAST("ch1-ex8", best[0] / 100.0, 60.0);
    note("ch1-ex8: best test accuracy of [784,10], cross-entropy (percent)");
    CHECK_AT_LEAST("ch1-ex8", best[1] / 100.0, 85.0);
}

/* Section "Perceptrons": the cheese-festival perceptron, weights 6 (weather),
   2 (partner), 2 (transport). Threshold 5: it follows the weather alone.
   Threshold 3: it fires when the weather is good or both other inputs are 1. */
static void claim_ch1_cheese(void)
{
    int widths[] = {1}, r, right5 = 0, right3 = 0;
    nnd_net *net = sigmoid_net(3, widths, 1, NND_QUADRATIC);
    const double w[] = {6, 2, 2};
    for (r = 0; r < 8; ++r) {
        double x[3], out;
        x[0] = (r >> 2) & 1;
        x[1] = (r >> 1) & 1;
        x[2] = r & 1;
        set_neuron(net, 0, 0, w, -5); /* bias = -threshold */
        perceptron_forward(net, x, &out);
        right5 += out == x[0];
        set_neuron(net, 0, 0, w, -3);
        perceptron_forward(net, x, &out);
        right3 += out == (double)(x[0] == 1 || (x[1] == 1 && x[2] == 1));
    }
    note("ch1-claim-cheese: threshold 5 follows the weather (rows right of 8)");
    CHECK_CLOSE("ch1-claim-cheese", right5, 8, 0);
    note("ch1-claim-cheese: threshold 3 = weather OR (partner AND transport) (rows right of 8)");
    CHECK_CLOSE("ch1-claim-cheese", right3, 8, 0);
    nnd_free(net);
}

/* The NAND perceptron (-2, -2, bias 3) and the NAND adder, unscaled. */
static void claim_ch1_nand(void)
{
    int widths[] = {1}, r, right = 0;
    nnd_net *net = sigmoid_net(2, widths, 1, NND_QUADRATIC), *adder = nand_adder();
    const double w[] = {-2, -2};
    set_neuron(net, 0, 0, w, 3);
    for (r = 0; r < 4; ++r) {
        double x[2], out;
        x[0] = r >> 1;
        x[1] = r & 1;
        perceptron_forward(net, x, &out);
        right += out == (r == 3 ? 0.0 : 1.0);
    }
    note("ch1-claim-nand: NAND truth table 00->1 01->1 10->1 11->0 (rows right)");
    CHECK_CLOSE("ch1-claim-nand", right, 4, 0);
    note("ch1-claim-nand: the NAND adder gives (XOR, AND) (rows right)");
    CHECK_CLOSE("ch1-claim-nand", adder_rows_right(adder), 4, 0);
    nnd_free(net);
    nnd_free(adder);
}

/* The quadratic cost (6), C = (1/2n) sum_x |y(x) - a|^2, is what
   nnd_total_cost reports, and one mini-batch step (20)-(21) is
   w -> w - (eta/m) sum_x grad C_x: checked on a [3,4,2] network and 6 examples. */
static void claim_ch1_sgd(void)
{
    int sizes[] = {3, 4, 2}, st, i, j;
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[18], y[12], out[12], g[26], before[26];
    nnd_data d;
    nnd_sgd_options opt = nnd_sgd_defaults();
    double sum = 0.0, cost, worst = 0.0;
    size_t p, n;
    nnd_rng_seed(&rng, 21);
    net = nnd_network2(sizes, 3, NND_QUADRATIC, &rng, &st);
    n = nnd_param_count(net);
    for (i = 0; i < 18; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    for (i = 0; i < 12; ++i) y[i] = (nnd_real)nnd_rng_uniform(&rng);
    memset(&d, 0, sizeof d);
    d.n = 6;
    d.n_in = 3;
    d.x = x;
    d.y = y;
    d.n_y = 2;
    nnd_feedforward(net, x, 6, out);
    for (i = 0; i < 6; ++i)
        for (j = 0; j < 2; ++j) sum += ((double)y[2 * i + j] - out[2 * i + j]) * ((double)y[2 * i + j] - out[2 * i + j]);
    nnd_total_cost(net, &d, 0.0, 0, &cost);
    note("ch1-claim-sgd: nnd_total_cost against (1/2n) sum |y - a|^2 (6)");
    CHECK_CLOSE("ch1-claim-sgd", cost, sum / 12, TOL(1e-14, 1e-6));
    memcpy(before, nnd_params(net), n * sizeof(nnd_real));
    nnd_backprop(net, x, y, NULL, 6, g, NULL);
    opt.epochs = 1;
    opt.mini_batch_size = 6;
    opt.eta = 0.7;
    train(net, &d, &opt, NULL);
    for (p = 0; p < n; ++p) worst = fmax(worst, fabs(nnd_params(net)[p] - (before[p] - 0.7 / 6 * g[p])));
    note("ch1-claim-sgd: one mini-batch step against w - (eta/m) sum grad C_x (20)-(21), max difference");
    CHECK_CLOSE("ch1-claim-sgd", worst, 0, TOL(1e-14, 1e-6));
    nnd_free(net);
}

int main(void)
{
    nnd_mnist m;
    ch1_ex1();
    ch1_ex2();
    ch1_ex3();
    ch1_ex4();
    ch1_ex5();
    ch1_ex7();
    claim_ch1_cheese();
    claim_ch1_nand();
    claim_ch1_sgd();
    if (load_mnist(&m)) {
        ch1_ex6(&m);
        ch1_ex8(&m);
        nnd_mnist_free(&m);
    } else {
        ++check_failed;
    }
    return check_summary();
}
