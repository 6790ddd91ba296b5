/* bench_network2 - seconds per training epoch of a network2 net on MNIST.

   build/bench_network2 [--sizes 784,30,10] [--mini-batch M] [--epochs N]
                        [--lambda L] [--dense] [--threads T] [--data DIR]

   Trains N epochs (cross-entropy, eta 0.5, default initialisation) on the 50,000
   training images and prints one machine-readable line:
     RESULT seconds_per_epoch=S (fastest epoch) median=S gflops_dense=G
            gflops_executed=G peak_rss_mib=R
   gflops_dense counts the multiply-adds of dense layers (forward, weight
   gradients, deltas); gflops_executed counts what the sparse input layer
   really does (only nonzero pixels). --dense forces the dense kernels.
   --threads T uses T OpenMP threads (when built with -fopenmp). */
#define _POSIX_C_SOURCE 199309L
#define NND_IMPLEMENTATION
#include "../nnd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct clock_state {
    double t0, *seconds;
} clock_state;

static int on_epoch(const nnd_epoch *e, void *user)
{
    clock_state *c = (clock_state *)user;
    double t = now();
    c->seconds[e->epoch] = t - c->t0;
    c->t0 = t;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *data = "data/mnist", *sizes_arg = "784,30,10";
    int sizes[16], n_sizes = 0, i, st, dense = 0, threads = 1;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_mnist m;
    nnd_error err;
    nnd_rng rng;
    nnd_net *net;
    clock_state c;
    double dense_flops = 0, exec_flops = 0, nnz = 0, best, median;
    struct rusage ru;
    char *p;

    o.epochs = 5;
    o.lmbda = 5.0;
    for (i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--dense")) dense = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--sizes")) sizes_arg = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--mini-batch")) o.mini_batch_size = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--epochs")) o.epochs = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--lambda")) o.lmbda = atof(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--data")) data = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--threads")) threads = atoi(argv[++i]);
        else {
            fprintf(stderr, "bench_network2: bad argument '%s' (see the comment at the top)\n", argv[i]);
            return 2;
        }
    }
    if (o.epochs < 1 || o.mini_batch_size < 1 || threads < 1) {
        fprintf(stderr, "bench_network2: --epochs, --mini-batch and --threads must be positive\n");
        return 2;
    }
    for (p = (char *)sizes_arg; *p && n_sizes < 16; ++n_sizes) {
        sizes[n_sizes] = (int)strtol(p, &p, 10);
        if (*p == ',') ++p;
    }
    if (nnd_mnist_load(data, &m, &err) != NND_OK) {
        fprintf(stderr, "bench_network2: %s\n", err.message);
        return 1;
    }
    nnd_rng_seed(&rng, 1);
    net = nnd_network2(sizes, n_sizes, NND_CROSS_ENTROPY, &rng, &st);
    if (!net || sizes[0] != m.training.n_in) {
        fprintf(stderr, "bench_network2: bad --sizes\n");
        return 1;
    }
    if (dense) nnd_set_sparse_input(net, NND_INPUT_DENSE);
    nnd_set_threads(net, threads);
    for (i = 0; i < (int)(m.training.n * (size_t)m.training.n_in); ++i) nnz += m.training.x8[i] != 0;
    nnz /= m.training.n;
    for (i = 0; i + 1 < n_sizes; ++i) {
        double mac = (double)sizes[i] * sizes[i + 1];
        dense_flops += 2 * mac * (i ? 3 : 2); /* forward, weight gradient, delta (not for inputs) */
        exec_flops += i || dense ? 2 * mac * (i ? 3 : 2) : 2 * nnz * sizes[1] * 2;
    }
    c.seconds = (double *)calloc((size_t)o.epochs, sizeof(double));
    o.rng = &rng;
    o.on_epoch = on_epoch;
    o.user = &c;
    c.t0 = now();
    st = nnd_sgd(net, &m.training, &o, NULL);
    if (st != NND_OK) {
        fprintf(stderr, "bench_network2: %s\n", nnd_strerror(st));
        return 1;
    }
    /* the first epoch also builds the nonzero index: leave it out */
    qsort(c.seconds + (o.epochs > 1), (size_t)(o.epochs - (o.epochs > 1)), sizeof(double), cmp);
    best = c.seconds[o.epochs > 1];
    median = c.seconds[(o.epochs > 1) + (o.epochs - (o.epochs > 1)) / 2];
    getrusage(RUSAGE_SELF, &ru);
    printf("RESULT seconds_per_epoch=%.4f median=%.4f gflops_dense=%.1f gflops_executed=%.1f "
           "peak_rss_mib=%.0f\n",
           best, median, dense_flops * m.training.n / best * 1e-9,
           exec_flops * m.training.n / best * 1e-9, ru.ru_maxrss / 1024.0);
    free(c.seconds);
    nnd_free(net);
    nnd_mnist_free(&m);
    return 0;
}
