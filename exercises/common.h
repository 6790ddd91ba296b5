/* exercises/common.h - the helpers every exercise program shares: include
   after nnd.h and tests/check.h. TOL(d, f) picks a tolerance by precision,
   H is the finite-difference step, note() prints a "# ..." comment line,
   make_net/one_layer build dense nets (a FAIL line and exit if they cannot),
   feedforward_m / backprop_m / batch_cost_m make the library's calls on m
   examples of a plain array (batch_m: their nnd_data view), fd_check compares nnd_backprop with a fourth-order finite difference of
   nnd_batch_cost, train() runs nnd_sgd and turns a refused run into a FAIL,
   load_mnist() reads data/mnist. */
#ifndef NND_EXERCISES_COMMON_H
#define NND_EXERCISES_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef NND_DOUBLE
#define TOL(d, f) (d)
CHECK_MAYBE_UNUSED static const double H = 1e-3;
#else
#define TOL(d, f) (f)
CHECK_MAYBE_UNUSED static const double H = 5e-2;
#endif

CHECK_MAYBE_UNUSED static void note(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

CHECK_MAYBE_UNUSED static nnd_net *make_net(int n_in, const int *widths, const nnd_activation *acts, int n_layers,
                         nnd_cost cost)
{
    nnd_layer_spec specs[8];
    int l, st;
    nnd_net *net;
    for (l = 0; l < n_layers; ++l) specs[l] = nnd_dense_layer(widths[l], acts[l], 0.0);
    net = nnd_net_create(n_in, specs, n_layers, cost, &st);
    if (!net) {
        printf("FAIL nnd_net_create: %s\n", nnd_strerror(st));
        exit(1);
    }
    return net;
}

/* One layer of n_out neurons with activation f on n_in inputs. */
CHECK_MAYBE_UNUSED static nnd_net *one_layer(int n_in, int n_out, nnd_activation f, nnd_cost cost)
{
    return make_net(n_in, &n_out, &f, 1, cost);
}

CHECK_MAYBE_UNUSED static void fill(nnd_rng *rng, nnd_real *v, int n, double lo, double hi)
{
    int i;
    for (i = 0; i < n; ++i) v[i] = (nnd_real)(lo + (hi - lo) * nnd_rng_uniform(rng));
}

/* A data set of n inputs x [n x n_in] with integer labels (no copy). */
CHECK_MAYBE_UNUSED static nnd_data labelled(const nnd_real *x, const int *labels, int n, int n_in)
{
    nnd_data d;
    memset(&d, 0, sizeof d);
    d.n = n;
    d.n_in = n_in;
    d.x = x;
    d.labels = labels;
    return d;
}

/* dC/dw for parameter p of net by the fourth-order central difference of
   nnd_batch_cost with step h:
     (-C(w+2h) + 8 C(w+h) - 8 C(w-h) + C(w-2h)) / 12h
   (the parameter is restored afterwards). y NULL: one-hot labels. */
CHECK_MAYBE_UNUSED static double fd_slope(nnd_net *net, const nnd_real *x, const nnd_real *y,
                                          const int *labels, int m, size_t p, double h)
{
    static const double step[4] = {2, 1, -1, -2};
    nnd_real *w = nnd_params(net), keep = w[p];
    double c[4];
    int s;
    for (s = 0; s < 4; ++s) {
        w[p] = (nnd_real)(keep + step[s] * h);
        batch_cost_m(net, x, y, labels, m, &c[s]);
    }
    w[p] = keep;
    return (-c[0] + 8 * c[1] - 8 * c[2] + c[3]) / (12 * h);
}

/* nnd_backprop against fd_slope: per layer |fd - bp| / |bp| over its
   parameters, worst layer returned (see exercises/ch2.c). y NULL: one-hot
   labels. */
CHECK_MAYBE_UNUSED static double fd_check(nnd_net *net, const nnd_real *x, const nnd_real *y, const int *labels, int m)
{
    size_t n = nnd_param_count(net), p;
    nnd_real *g = (nnd_real *)malloc(n * sizeof *g);
    double worst = 0.0;
    int l;
    backprop_m(net, x, y, labels, m, g, NULL);
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        size_t first = d.weight_offset < d.bias_offset ? d.weight_offset : d.bias_offset;
        double err2 = 0.0, norm2 = 0.0;
        for (p = first; p < first + d.n_weights + d.n_biases; ++p) {
            const double fd = fd_slope(net, x, y, labels, m, p, H);
            err2 += (fd - g[p]) * (fd - g[p]);
            norm2 += (double)g[p] * g[p];
        }
        {
            const double rel = sqrt(err2 / fmax(norm2, 1e-300));
            if (!(rel <= worst)) worst = rel; /* a NaN is kept (fmax would drop it) */
        }
    }
    free(g);
    return worst;
}

/* nnd_sgd; if it does not return NND_OK, a FAIL line (counted as a failed
   check), so a rejected option cannot pass for a bad experiment. */
CHECK_MAYBE_UNUSED static int train(nnd_net *net, const nnd_data *tr, const nnd_sgd_options *opt, nnd_history *hist)
{
    int st = nnd_sgd(net, tr, opt, hist);
    if (st != NND_OK) {
        printf("FAIL nnd_sgd: %s\n", nnd_strerror(st));
        ++check_failed;
    }
    return st;
}

CHECK_MAYBE_UNUSED static int load_mnist(nnd_mnist *m)
{
    nnd_error err;
    if (nnd_mnist_load("data/mnist", m, &err) != NND_OK) {
        printf("FAIL cannot load MNIST from data/mnist (run from the repo root after `make data`): %s\n",
               err.message);
        return 0;
    }
    return 1;
}

CHECK_MAYBE_UNUSED static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

CHECK_MAYBE_UNUSED static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
