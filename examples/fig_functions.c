/* fig_functions - the book's function plots, computed with nnd.h's own
   activation and cost functions.

   build/fig_functions            writes plots/<figure>.dat for:
     sigmoid_graph  sigma(z), z in [-5,5], 400 samples      (ch.1, ch.3)
     step_graph     the perceptron's step function           (ch.1)
     tanh           tanh(z), 400 samples                     (ch.3)
     relu           max(0,z), 100 samples                    (ch.3)
     sigmoid_prime_graph  sigma'(z), 400 samples             (ch.5)
     softmax        softmax bars at the slider defaults z = (2.5,-1,3.2,0.5) (F3-2)
     wide_gaussian, narrow_gaussian  the density of z = sum_j w_j x_j + b for
                    500 inputs of 1 (and 500 of 0), w ~ N(0,1) vs N(0,1/n_in),
                    b ~ N(0,1): the exact N(0,501) and N(0,3/2) densities
                    plus a histogram of 20,000 sampled z      (F3-16)
     simple_model, linear_fit, polynomial_fit  the 10 points of F3-11, the
                    line y = 2x, and the 9th-order polynomial through all
                    10 points (solved here, on [0,5) step 0.01)
     valley         C(v1,v2) = v1^2 + v2^2 on [-1,1)^2, step 0.1   (ch.1) */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#include <math.h>

#define SEED 12345678

/* a = f(z) on n samples from lo to hi, through nnd_activate */
static void curve(const char *name, nnd_activation fn, int n, const char *what)
{
    int i;
    FILE *f = fig_open(name, "%s on z in [-5,5], %d samples, computed by nnd_activate\n"
                             "columns: z f(z)", what, n);
    for (i = 0; i < n; i++) {
        nnd_real z = (nnd_real)(-5.0 + 10.0 * i / (n - 1)), a;
        nnd_activate(fn, &z, &a, 1);
        fprintf(f, "%.5f %.7f\n", (double)z, (double)a);
    }
    fig_close(f, name);
}

static void step_graph(void)
{
    int i;
    FILE *f = fig_open("step_graph", "the perceptron's output: 1 if z > 0 else 0 (z = 0 gives 0)\n"
                                     "columns: z output");
    /* two points per jump so the plot shows a vertical step */
    for (i = 0; i <= 400; i++) {
        double z = -5.0 + 10.0 * i / 400;
        fprintf(f, "%.4f %d\n", z, z > 0 ? 1 : 0);
        if (i == 200) fprintf(f, "%.4f %d\n", z, 1);
    }
    fig_close(f, "step_graph");
}

static void sigmoid_prime(void)
{
    int i;
    FILE *f = fig_open("sigmoid_prime_graph", "sigma'(z) = sigma(z)(1 - sigma(z)) by "
                                              "nnd_sigmoid_prime, 400 samples; maximum 1/4 at z = 0\n"
                                              "columns: z sigma_prime");
    for (i = 0; i < 400; i++) {
        double z = -5.0 + 10.0 * i / 399;
        fprintf(f, "%.5f %.7f\n", z, nnd_sigmoid_prime(z));
    }
    fig_close(f, "sigmoid_prime_graph");
}

static void softmax(void)
{
    nnd_real z[4] = {2.5f, -1.0f, 3.2f, 0.5f}, a[4];
    int j;
    FILE *f;
    nnd_softmax(z, a, 4);
    f = fig_open("softmax", "softmax of the slider defaults z = (2.5, -1, 3.2, 0.5) by nnd_softmax\n"
                            "columns: j z_j a_j");
    for (j = 0; j < 4; j++) fprintf(f, "%d %.2f %.6f\n", j + 1, (double)z[j], (double)a[j]);
    fig_close(f, "softmax");
}

/* Density of z = sum of 500 weights (inputs 1) + bias, and a sampled histogram. */
static void gaussian(const char *name, double wsd, double lo, double hi)
{
    enum { BINS = 80, SAMPLES = 40000 };
    static long count[BINS];
    double var = 500.0 * wsd * wsd + 1.0, width = (hi - lo) / BINS;
    nnd_rng rng;
    int i, k, s;
    FILE *f;
    memset(count, 0, sizeof count);
    nnd_rng_seed(&rng, SEED);
    for (s = 0; s < SAMPLES; s++) {
        double z = nnd_rng_normal(&rng); /* the bias */
        for (k = 0; k < 500; k++) z += wsd * nnd_rng_normal(&rng);
        i = (int)floor((z - lo) / width);
        if (i >= 0 && i < BINS) count[i]++;
    }
    f = fig_open(name,
                 "z = sum_{j<1000} w_j x_j + b with 500 inputs x_j = 1, 500 x_j = 0, w_j ~ N(0,%g), "
                 "b ~ N(0,1): z ~ N(0,%g)\n"
                 "sampled with nnd_rng_normal, %d draws, seed %d\n"
                 "columns: z exact_density sampled_density",
                 wsd * wsd, var, SAMPLES, SEED);
    for (i = 0; i < BINS; i++) {
        double z = lo + (i + 0.5) * width;
        fprintf(f, "%.4f %.7f %.7f\n", z, exp(-z * z / (2 * var)) / sqrt(2 * 3.14159265358979 * var),
                count[i] / (SAMPLES * width));
    }
    fig_close(f, name);
}

/* F3-11: the data points, y = 2x, and the interpolating polynomial of degree 9 */
static void polynomial(void)
{
    static const double px[10] = {0.7, 1.3, 1.9, 2.6, 2.9, 3.6, 3.8, 3.95, 4.4, 4.9};
    static const double py[10] = {1.8, 2.2, 4.0, 5.0, 6.1, 7.0, 7.4, 8.0, 9.1, 10.0};
    double a[10][11], c[10];
    int i, j, k;
    FILE *f;
    /* Vandermonde system in t = (x - 2.5)/2.5, solved by Gaussian elimination
       with partial pivoting */
    for (i = 0; i < 10; i++) {
        double t = (px[i] - 2.5) / 2.5, p = 1;
        for (j = 0; j < 10; j++, p *= t) a[i][j] = p;
        a[i][10] = py[i];
    }
    for (k = 0; k < 10; k++) {
        int piv = k;
        for (i = k + 1; i < 10; i++)
            if (fabs(a[i][k]) > fabs(a[piv][k])) piv = i;
        for (j = 0; j <= 10; j++) {
            double tmp = a[k][j];
            a[k][j] = a[piv][j];
            a[piv][j] = tmp;
        }
        for (i = k + 1; i < 10; i++) {
            double r = a[i][k] / a[k][k];
            for (j = k; j <= 10; j++) a[i][j] -= r * a[k][j];
        }
    }
    for (k = 9; k >= 0; k--) {
        double s = a[k][10];
        for (j = k + 1; j < 10; j++) s -= a[k][j] * c[j];
        c[k] = s / a[k][k];
    }
    f = fig_open("simple_model", "the 10 data points of the book's regularisation example\n"
                                 "columns: x y");
    for (i = 0; i < 10; i++) fprintf(f, "%.2f %.2f\n", px[i], py[i]);
    fig_close(f, "simple_model");
    f = fig_open("polynomial_fit",
                 "x, the line y = 2x, and p(x): the degree-9 polynomial through the 10 points "
                 "(plots/simple_model.dat),\nsolved in t = (x-2.5)/2.5; max |p(x_i) - y_i| checked "
                 "below\ncolumns: x linear polynomial");
    for (i = 0; i < 500; i++) {
        double x = 0.01 * i, t = (x - 2.5) / 2.5, p = 0;
        for (j = 9; j >= 0; j--) p = p * t + c[j];
        fprintf(f, "%.2f %.4f %.6f\n", x, 2 * x, p);
    }
    fig_close(f, "polynomial_fit");
    for (i = 0; i < 10; i++) {
        double t = (px[i] - 2.5) / 2.5, p = 0;
        for (j = 9; j >= 0; j--) p = p * t + c[j];
        if (fabs(p - py[i]) > 1e-6) fig_die("polynomial does not pass through point %d", i);
    }
}

static void valley(void)
{
    int i, j;
    FILE *f = fig_open("valley", "C(v1, v2) = v1^2 + v2^2 on [-1,1) x [-1,1), step 0.1 "
                                 "(gnuplot grid: blank line between rows)\ncolumns: v1 v2 C");
    for (i = 0; i < 20; i++) {
        for (j = 0; j < 20; j++) {
            double v1 = -1 + 0.1 * i, v2 = -1 + 0.1 * j;
            fprintf(f, "%.2f %.2f %.4f\n", v1, v2, v1 * v1 + v2 * v2);
        }
        fputc('\n', f);
    }
    fig_close(f, "valley");
}

int main(void)
{
    fig_program = "fig_functions";
    curve("sigmoid_graph", NND_SIGMOID, 400, "sigma(z) = 1/(1+e^-z)");
    curve("tanh", NND_TANH, 400, "tanh(z)");
    curve("relu", NND_RELU, 100, "max(0, z)");
    step_graph();
    sigmoid_prime();
    softmax();
    gaussian("wide_gaussian", 1.0, -30, 30);
    gaussian("narrow_gaussian", sqrt(1.0 / 1000), -5, 5);
    polynomial();
    valley();
    return 0;
}
