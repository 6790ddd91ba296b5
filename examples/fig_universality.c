/* fig_universality - chapter 4's pictures, each drawn by running a real nnd
   network whose weights carry out the book's construction.

   build/fig_universality        writes plots/<figure>.dat (see the list in main)

   One input x: networks [1, H sigmoid, 1 linear] compute a weighted sum of
   steps (a "bump" is a step up at s1 and down at s2); the goal-function
   approximations end in a sigmoid output neuron, so the hidden layer builds
   sigma^-1(f) and the output squashes it back to f. Two inputs (x, y): x- and
   y-steps, then "tower" neurons sigma(h (x-bump + y-bump) - 3h/2), then a
   linear output weighting the towers. Every value plotted (apart from the goal
   function itself and the book's invented activation s(z), which nnd.h has
   not got) comes out of nnd_feedforward. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#include <math.h>

#define SEED 12345678
#define N1 500 /* samples of x: (i + 1/2)/500, never on a step */
#define N2 100 /* grid side: (i + 1/2)/100 in [0, 1]^2 */

static double goal(double x) /* the book's f(x) */
{
    return 0.2 + 0.4 * x * x + 0.3 * x * sin(15 * x) + 0.05 * cos(50 * x);
}

/* a network n_in -> sizes[0] sigmoid -> ... with the last layer's activation `out` */
static nnd_net *net_make(int n_in, int n_layers, const int *sizes, nnd_activation out)
{
    nnd_layer_spec spec[4];
    int l, st;
    nnd_net *net;
    for (l = 0; l < n_layers; l++)
        spec[l] = nnd_dense_layer(sizes[l], l == n_layers - 1 ? out : NND_SIGMOID, 0.0);
    net = nnd_net_create(n_in, spec, n_layers, NND_QUADRATIC, &st);
    if (!net) fig_die("nnd_net_create: %s", nnd_strerror(st));
    return net;
}

static void set_bias(nnd_net *net, int l, int j, double b) { nnd_biases(net, l)[j] = (nnd_real)b; }

/* hidden neuron j of layer 0 as a step at s along input k: sigma(w (x_k - s)) */
static void step_neuron(nnd_net *net, int j, int k, double w, double s)
{
    nnd_set_weight(net, 0, j, k, w);
    set_bias(net, 0, j, -w * s);
}

/* A one-input network of `nb` bumps: bump i is the pair of hidden neurons
   2i, 2i+1 stepping up at s[i] and down at s[i] + width[i], weighted by
   +h[i] and -h[i] into the output. */
static nnd_net *bumps_net(int nb, const double *s, const double *width, const double *h, double w,
                          nnd_activation out)
{
    int sizes[2], i;
    nnd_net *net;
    sizes[0] = 2 * nb;
    sizes[1] = 1;
    net = net_make(1, 2, sizes, out);
    for (i = 0; i < nb; i++) {
        step_neuron(net, 2 * i, 0, w, s[i]);
        step_neuron(net, 2 * i + 1, 0, w, s[i] + width[i]);
        nnd_set_weight(net, 1, 0, 2 * i, h[i]);
        nnd_set_weight(net, 1, 0, 2 * i + 1, -h[i]);
    }
    return net;
}

static nnd_real xs[N1], grid[N2 * N2 * 2];

/* out[i] = net(x_i) */
static void run1(nnd_net *net, nnd_real *out)
{
    if (nnd_feedforward(net, xs, N1, out, N1) != NND_OK) fig_die("nnd_feedforward: %s", nnd_net_error(net)->message);
}

/* write x and ncol columns of N1 values */
static void write1(const char *name, const char *header, int ncol, nnd_real **cols)
{
    int i, c;
    FILE *f = fig_open(name, "%s", header);
    for (i = 0; i < N1; i++) {
        fprintf(f, "%.4f", (double)xs[i]);
        for (c = 0; c < ncol; c++) fprintf(f, " %.6f", (double)cols[c][i]);
        fputc('\n', f);
    }
    fig_close(f, name);
}

/* a two-input network on the N2 x N2 grid -> plots/<name>.dat (gnuplot grid) */
static void write2(const char *name, const char *header, nnd_net *net)
{
    static nnd_real out[N2 * N2];
    int i, j;
    FILE *f;
    if (nnd_feedforward(net, grid, N2 * N2 * 2, out, N2 * N2) != NND_OK)
        fig_die("nnd_feedforward: %s", nnd_net_error(net)->message);
    f = fig_open(name, "%s\ncolumns: x y output (grid %d x %d, blank line after each x)", header,
                 N2, N2);
    for (i = 0; i < N2; i++) {
        for (j = 0; j < N2; j++)
            fprintf(f, "%.3f %.3f %.6f\n", (double)grid[2 * (i * N2 + j)],
                    (double)grid[2 * (i * N2 + j) + 1], (double)out[i * N2 + j]);
        fputc('\n', f);
    }
    fig_close(f, name);
}

/* ---------------------------------------------------------- one input */
static void single_neuron(void)
{
    static nnd_real a[5][N1];
    static const double w[5] = {8, 100, 999, 1000, 50}, b[5] = {-4, -40, -399.6, -400, -25};
    nnd_real *cols[5];
    int sizes[2] = {1, 1}, c;
    for (c = 0; c < 5; c++) {
        nnd_net *net = net_make(1, 2, sizes, NND_LINEAR);
        nnd_set_weight(net, 0, 0, 0, w[c]);
        set_bias(net, 0, 0, b[c]);
        nnd_set_weight(net, 1, 0, 0, 1.0); /* the output shows the hidden neuron */
        run1(net, a[c]);
        cols[c] = a[c];
        nnd_free(net);
    }
    write1("single_neuron",
           "network [1 -> 1 sigmoid -> 1 linear, weight 1]: the hidden neuron sigma(w x + b)\n"
           "columns: x (w=8,b=-4: basic_manipulation) (w=100,b=-40: step) (w=999,b=-399.6: "
           "high_weight) (w=1000,b=-400: step_parameterization s=0.40) (w=50,b=-25: failure)",
           5, cols);
}

static void weighted_pairs(void)
{
    static nnd_real a[6][N1];
    nnd_real *cols[6];
    int sizes[2] = {2, 1}, c;
    nnd_net *net = net_make(1, 2, sizes, NND_LINEAR);
    /* two_hn_network: steps at 0.40 and 0.60, output weights 0.6 and 1.2 */
    step_neuron(net, 0, 0, 1000, 0.40);
    step_neuron(net, 1, 0, 1000, 0.60);
    nnd_set_weight(net, 1, 0, 0, 0.6);
    nnd_set_weight(net, 1, 0, 1, 1.2);
    run1(net, a[0]);
    nnd_free(net);
    {   /* bump_fn: h = 0.6 on [0.40, 0.60) */
        double s = 0.4, wd = 0.2, h = 0.6;
        net = bumps_net(1, &s, &wd, &h, 1000, NND_LINEAR);
        run1(net, a[1]);
        nnd_free(net);
    }
    {   /* double_bump */
        double s[2] = {0.4, 0.7}, wd[2] = {0.2, 0.2}, h[2] = {-1.2, 0.3};
        net = bumps_net(2, s, wd, h, 1000, NND_LINEAR);
        run1(net, a[2]);
        nnd_free(net);
    }
    {   /* five_bumps: heights drawn from {-1.5, -1.4, ..., 1.5} */
        double s[5], wd[5], h[5];
        nnd_rng rng;
        int i;
        nnd_rng_seed(&rng, SEED);
        for (i = 0; i < 5; i++) {
            s[i] = 0.2 * i;
            wd[i] = 0.2;
            h[i] = -1.5 + 0.1 * nnd_rng_below(&rng, 31);
        }
        net = bumps_net(5, s, wd, h, 1000, NND_LINEAR);
        run1(net, a[3]);
        nnd_free(net);
    }
    for (c = 0; c < 4; c++) cols[c] = a[c];
    write1("bumps",
           "networks [1 -> 2k sigmoid steps (w = 1000) -> 1 linear], the output is sum_j w_j a_j\n"
           "two_hn_network: steps at 0.40, 0.60 weighted 0.6, 1.2; bump_fn: h = 0.6 on [0.4,0.6); "
           "double_bump: h = -1.2 on [0.4,0.6), 0.3 on [0.7,0.9);\n"
           "five_bumps: bins [k/5,(k+1)/5), heights uniform from {-1.5,...,1.5} step 0.1 "
           "(nnd_rng_below, seed 12345678)\n"
           "columns: x two_hn_network bump_fn double_bump five_bumps",
           4, cols);
}

/* The goal f, sigma^-1(f), and f approximated with n/2 bumps of height
   sigma^-1(f(bin centre)) under a sigmoid output: 10, 50 and 200 hidden neurons. */
static void approximation(void)
{
    static const int hidden[3] = {10, 50, 200};
    static nnd_real a[6][N1];
    nnd_real *cols[6];
    double maxerr[3], meanerr[3];
    char header[1024];
    int c, i;
    for (i = 0; i < N1; i++) {
        double f = goal(xs[i]);
        a[0][i] = (nnd_real)f;
        a[1][i] = (nnd_real)log(f / (1 - f));
    }
    for (c = 0; c < 3; c++) {
        int nb = hidden[c] / 2;
        double *s = (double *)malloc(3 * sizeof(double) * (size_t)nb), *wd = s + nb, *h = s + 2 * nb;
        nnd_net *net;
        if (!s) fig_die("out of memory");
        for (i = 0; i < nb; i++) {
            double mid = (i + 0.5) / nb, f = goal(mid);
            s[i] = (double)i / nb;
            wd[i] = 1.0 / nb;
            h[i] = log(f / (1 - f)); /* sigma^-1(f(mid)) */
        }
        net = bumps_net(nb, s, wd, h, 10000.0, NND_SIGMOID);
        run1(net, a[2 + c]);
        maxerr[c] = 0;
        meanerr[c] = 0;
        for (i = 0; i < N1; i++) {
            double e = fabs((double)a[2 + c][i] - a[0][i]), pos = xs[i] * nb;
            meanerr[c] += e / N1;
            /* the max leaves out 0.002 either side of each step */
            if (fabs(pos - floor(pos + 0.5)) > 0.002 * nb && e > maxerr[c]) maxerr[c] = e;
        }
        free(s);
        nnd_free(net);
    }
    {   /* design_function: the weighted output of 5 bumps (before the sigmoid) */
        double s[5], wd[5], h[5];
        nnd_net *net;
        for (i = 0; i < 5; i++) {
            double f = goal(0.2 * i + 0.1);
            s[i] = 0.2 * i;
            wd[i] = 0.2;
            h[i] = log(f / (1 - f));
        }
        net = bumps_net(5, s, wd, h, 1000, NND_LINEAR);
        run1(net, a[5]);
        nnd_free(net);
    }
    for (c = 0; c < 6; c++) cols[c] = a[c];
    sprintf(header,
            "goal f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x) (closed form) and "
            "sigma^-1(f(x)) (closed form)\n"
            "approximations: networks [1 -> n sigmoid -> 1 sigmoid], n/2 bumps on equal bins, bump "
            "height sigma^-1(f(bin centre)), step weights 10000\n"
            "|network - f| on the samples: mean n=10 %.4f, n=50 %.4f, n=200 %.4f; max (0.002 "
            "away from the steps) %.4f, %.4f, %.4f\n"
            "design_function: [1 -> 10 sigmoid -> 1 linear], the weighted output for 5 bumps\n"
            "columns: x f sigma_inverse_f approx_10 approx_50 approx_200 design_5_bumps_weighted",
            meanerr[0], meanerr[1], meanerr[2], maxerr[0], maxerr[1], maxerr[2]);
    write1("approximation", header, 6, cols);
    printf("approximation of f, mean |error|: 10 neurons %.4f, 50: %.4f, 200: %.4f; max away from "
           "the steps: %.4f, %.4f, %.4f\n", meanerr[0], meanerr[1], meanerr[2], maxerr[0],
           maxerr[1], maxerr[2]);
}

/* the book's invented activation s(z) = sigma(z) + 0.2 sin(10z) e^-|z|: nnd.h has
   only its standard activations, so s is evaluated here (sigma by nnd_sigmoid) */
static void sigmoid_like(void)
{
    int i;
    FILE *f = fig_open("sigmoid_like",
                       "sigma(z) (nnd_sigmoid) and s(z) = sigma(z) + 0.2 sin(10z) e^-|z| on [-3,3] "
                       "(closed form: not an nnd.h activation);\nramping: s(6x - 3) on [0,1] in "
                       "columns 4-5\ncolumns: z sigma s x s(6x-3)");
    for (i = 0; i < 301; i++) {
        double z = -3 + 0.02 * i, x = i / 300.0, r = 6 * x - 3;
        fprintf(f, "%.3f %.6f %.6f %.4f %.6f\n", z, nnd_sigmoid(z),
                nnd_sigmoid(z) + 0.2 * sin(10 * z) * exp(-fabs(z)), x,
                nnd_sigmoid(r) + 0.2 * sin(10 * r) * exp(-fabs(r)));
    }
    fig_close(f, "sigmoid_like");
}

/* series_of_bumps, half_bumps, shifted_bumps (w = 300, width 0.2) */
static void series(void)
{
    static const double full_h[5] = {-1.3, -1.8, -0.5, -0.9, 0.3};
    static const double shift_h[5] = {-1.55 / 2, -1.15 / 2, -0.7 / 2, -0.6 / 2, 0.3};
    static nnd_real a[4][N1];
    nnd_real *cols[4];
    double s[5], wd[5], h[5];
    int i, c;
    for (c = 0; c < 3; c++) {
        nnd_net *net;
        for (i = 0; i < 5; i++) {
            s[i] = 0.2 * i + (c == 2 ? 0.1 : 0.0);
            wd[i] = 0.2;
            h[i] = c == 0 ? full_h[i] : c == 1 ? full_h[i] / 2 : shift_h[i];
        }
        net = bumps_net(5, s, wd, h, 300, NND_LINEAR);
        run1(net, a[c]);
        nnd_free(net);
    }
    for (i = 0; i < N1; i++) a[3][i] = a[1][i] + a[2][i];
    for (c = 0; c < 4; c++) cols[c] = a[c];
    write1("series_of_bumps",
           "networks [1 -> 10 sigmoid (w = 300) -> 1 linear]: 5 bumps of width 0.2\n"
           "series: heights (-1.3,-1.8,-0.5,-0.9,0.3) from 0; half: the same halved; shifted: "
           "from 0.1, heights (-1.55,-1.15,-0.7,-0.6)/2 and 0.3\n"
           "columns: x series half shifted half_plus_shifted",
           4, cols);
}

/* ---------------------------------------------------------- two inputs */
static void two_inputs(void)
{
    int sizes[3];
    nnd_net *net;
    int j;
    /* ti_graph: sigma(8x - 5), the y weight 0 */
    sizes[0] = 1;
    sizes[1] = 1;
    net = net_make(2, 2, sizes, NND_LINEAR);
    nnd_set_weight(net, 0, 0, 0, 8);
    set_bias(net, 0, 0, -5);
    nnd_set_weight(net, 1, 0, 0, 1);
    write2("ti_graph", "network [2 -> 1 sigmoid (w_x = 8, w_y = 0, b = -5) -> 1 linear]", net);
    step_neuron(net, 0, 0, 1000, 0.5);
    write2("ti_graph_redux", "the same network, w_x = 1000, b = -500: a step in x at 0.5", net);
    nnd_set_weight(net, 0, 0, 0, 0);
    step_neuron(net, 0, 1, 1000, 0.5);
    write2("y_step", "the same network, w_x = 0, w_y = 1000, b = -500: a step in y at 0.5", net);
    nnd_free(net);

    /* bump_3d, bump_3d_y, xy_bump: [2 -> 4 sigmoid -> 1 linear] */
    sizes[0] = 4;
    net = net_make(2, 2, sizes, NND_LINEAR);
    step_neuron(net, 0, 0, 1000, 0.3);
    step_neuron(net, 1, 0, 1000, 0.7);
    nnd_set_weight(net, 1, 0, 0, 0.6);
    nnd_set_weight(net, 1, 0, 1, -0.6);
    write2("bump_3d", "network [2 -> 2 sigmoid x-steps at 0.3, 0.7 (w = 1000) -> 1 linear, "
                      "weights 0.6, -0.6]", net);
    for (j = 0; j < 2; j++) {
        nnd_set_weight(net, 0, j, 0, 0);
        nnd_set_weight(net, 0, j, 1, 1000);
    }
    write2("bump_3d_y", "the same with y-steps at 0.3, 0.7", net);
    step_neuron(net, 0, 0, 1000, 0.4);
    nnd_set_weight(net, 0, 0, 1, 0);
    step_neuron(net, 1, 0, 1000, 0.6);
    nnd_set_weight(net, 0, 1, 1, 0);
    step_neuron(net, 2, 1, 1000, 0.3);
    step_neuron(net, 3, 1, 1000, 0.7);
    for (j = 0; j < 4; j++) nnd_set_weight(net, 1, 0, j, (j % 2 ? -0.3 : 0.3));
    write2("xy_bump", "network [2 -> x-steps at 0.4, 0.6 and y-steps at 0.3, 0.7 (w = 1000) -> 1 "
                      "linear, weights h, -h, h, -h with h = 0.3]", net);
    nnd_free(net);

    /* tower_construction: sigma(h * (x-bump + y-bump) + b): [2 -> 4 -> 1 sigmoid] */
    sizes[0] = 4;
    sizes[1] = 1;
    net = net_make(2, 2, sizes, NND_SIGMOID);
    step_neuron(net, 0, 0, 1000, 0.4);
    step_neuron(net, 1, 0, 1000, 0.6);
    step_neuron(net, 2, 1, 1000, 0.3);
    step_neuron(net, 3, 1, 1000, 0.7);
    for (j = 0; j < 4; j++) nnd_set_weight(net, 1, 0, j, (j % 2 ? -0.3 : 0.3));
    set_bias(net, 1, 0, -0.5);
    write2("tower_construction", "network [2 -> 4 sigmoid steps -> 1 sigmoid]: sigma(h (x-bump + "
                                 "y-bump) + b), the slider defaults h = 0.3, b = -0.5", net);
    for (j = 0; j < 4; j++) nnd_set_weight(net, 1, 0, j, (j % 2 ? -10 : 10));
    set_bias(net, 1, 0, -15);
    write2("tower_solution", "the same network with the text's solution h = 10, b = -3h/2 = -15",
           net);
    nnd_free(net);

    /* tower: [2 -> 4 -> 1 sigmoid -> 1 linear weight 0.7] */
    sizes[0] = 4;
    sizes[1] = 1;
    sizes[2] = 1;
    net = net_make(2, 3, sizes, NND_LINEAR);
    step_neuron(net, 0, 0, 1000, 0.4);
    step_neuron(net, 1, 0, 1000, 0.6);
    step_neuron(net, 2, 1, 1000, 0.3);
    step_neuron(net, 3, 1, 1000, 0.7);
    for (j = 0; j < 4; j++) nnd_set_weight(net, 1, 0, j, (j % 2 ? -10 : 10));
    set_bias(net, 1, 0, -15);
    nnd_set_weight(net, 2, 0, 0, 0.7);
    write2("tower", "network [2 -> 4 sigmoid steps -> 1 sigmoid tower (h = 10, b = -15) -> 1 "
                    "linear, weight 0.7]: 0.7 on [0.4,0.6]x[0.3,0.7]", net);
    nnd_free(net);

    /* the_two_towers: [2 -> 8 -> 2 towers -> 1 linear] */
    sizes[0] = 8;
    sizes[1] = 2;
    sizes[2] = 1;
    net = net_make(2, 3, sizes, NND_LINEAR);
    {
        static const double box[2][4] = {{0.1, 0.2, 0.8, 0.9}, {0.7, 0.8, 0.2, 0.3}};
        static const double height[2] = {0.7, 0.5};
        int t;
        for (t = 0; t < 2; t++) {
            step_neuron(net, 4 * t + 0, 0, 1000, box[t][0]);
            step_neuron(net, 4 * t + 1, 0, 1000, box[t][1]);
            step_neuron(net, 4 * t + 2, 1, 1000, box[t][2]);
            step_neuron(net, 4 * t + 3, 1, 1000, box[t][3]);
            for (j = 0; j < 4; j++) nnd_set_weight(net, 1, t, 4 * t + j, (j % 2 ? -10 : 10));
            set_bias(net, 1, t, -15);
            nnd_set_weight(net, 2, 0, t, height[t]);
        }
    }
    write2("the_two_towers", "network [2 -> 8 sigmoid steps -> 2 sigmoid towers (h = 10, b = -15) "
                             "-> 1 linear]: 0.7 on [0.1,0.2]x[0.8,0.9], 0.5 on [0.7,0.8]x[0.2,0.3]",
           net);
    nnd_free(net);

    /* many_towers: 6 x-steps + 6 y-steps shared by 25 towers, heights (i^2 + j^2)/50 */
    sizes[0] = 12;
    sizes[1] = 25;
    sizes[2] = 1;
    net = net_make(2, 3, sizes, NND_LINEAR);
    for (j = 0; j < 6; j++) {
        step_neuron(net, j, 0, 1000, 0.2 * j);
        step_neuron(net, 6 + j, 1, 1000, 0.2 * j);
    }
    {
        int bx, by;
        for (bx = 0; bx < 5; bx++)
            for (by = 0; by < 5; by++) {
                int t = 5 * bx + by;
                nnd_set_weight(net, 1, t, bx, 10);
                nnd_set_weight(net, 1, t, bx + 1, -10);
                nnd_set_weight(net, 1, t, 6 + by, 10);
                nnd_set_weight(net, 1, t, 6 + by + 1, -10);
                set_bias(net, 1, t, -15);
                nnd_set_weight(net, 2, 0, t, (bx * bx + by * by) / 50.0);
            }
    }
    write2("many_towers", "network [2 -> 12 sigmoid steps (x and y at 0, 0.2, ..., 1.0) -> 25 "
                          "sigmoid towers (h = 10, b = -15) -> 1 linear]: tower (i,j) of the 5x5 "
                          "grid has height (i^2 + j^2)/50",
           net);
    nnd_free(net);
}

int main(void)
{
    int i, j;
    nnd_real *cols[1];
    static nnd_real f[N1];
    fig_program = "fig_universality";
    for (i = 0; i < N1; i++) xs[i] = (nnd_real)((i + 0.5) / N1);
    for (i = 0; i < N2; i++)
        for (j = 0; j < N2; j++) {
            grid[2 * (i * N2 + j)] = (nnd_real)((i + 0.5) / N2);
            grid[2 * (i * N2 + j) + 1] = (nnd_real)((j + 0.5) / N2);
        }
    for (i = 0; i < N1; i++) f[i] = (nnd_real)goal(xs[i]);
    cols[0] = f;
    write1("function", "the goal function f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x) "
                       "(closed form)\ncolumns: x f", 1, cols);
    single_neuron();
    weighted_pairs();
    approximation();
    series();
    sigmoid_like();
    two_inputs();
    return 0;
}
