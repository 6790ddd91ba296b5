/* ex_course15_sweeps.c - course-15 at full size: the training sweeps of the
   course homework on a second data set.

   On Fashion-MNIST (data/fashion, `make data-fashion`; MNIST from data/mnist
   when it is absent, with a note) it trains, on all 50,000 training images:
     - a learning-rate sweep of [784,100,10]: eta 0.05, 0.1, 0.5, 1, 5
     - hidden width 100, 500, 1000 (eta 0.5)
     - one against two hidden layers (100 / 100+100)
     - [784,100,10] with and without dropout (p = 0.5 on the output layer's input)
   sigmoid units, cross-entropy, mini-batch 10, no L2. Every epoch it records
   the training, validation and test error in plots/course15_<run>.dat
   (columns: epoch, training error, validation error, test error, in %) and at
   the end prints a table of the last epoch and the epoch of best validation.
   The numbers are reported, not judged: exercises/course.c runs a small
   version with only "well above chance" asserted.

       build/ex_course15_sweeps [epochs]   (default 10; nine runs on 50,000 images:
                                           long - try 1 or 2 epochs first) */
#define NND_IMPLEMENTATION
#include "../nnd.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct run_cfg {
    const char *name;
    int h1, h2;
    double eta, p_drop;
} run_cfg;

static double error_pct(nnd_net *net, const nnd_data *d)
{
    int correct = 0;
    if (nnd_accuracy(net, d, &correct) != NND_OK) return -1;
    return 100.0 * (d->n - correct) / d->n;
}

int main(int argc, char **argv)
{
    static const run_cfg runs[] = {
        {"eta0.05", 100, 0, 0.05, 0}, {"eta0.1", 100, 0, 0.1, 0},    {"eta0.5", 100, 0, 0.5, 0},
        {"eta1", 100, 0, 1.0, 0},     {"eta5", 100, 0, 5.0, 0},      {"width500", 500, 0, 0.5, 0},
        {"width1000", 1000, 0, 0.5, 0}, {"two_hidden", 100, 100, 0.5, 0}, {"dropout", 100, 0, 0.5, 0.5}};
    int epochs = argc > 1 ? atoi(argv[1]) : 10, r, e;
    const char *dir = "data/fashion";
    nnd_mnist ds;
    nnd_error err;
    if (epochs < 1) epochs = 1;
    if (nnd_mnist_load(dir, &ds, &err) != NND_OK) {
        printf("data/fashion absent (make data-fashion): running on MNIST instead\n");
        dir = "data/mnist";
        if (nnd_mnist_load(dir, &ds, &err) != NND_OK) {
            fprintf(stderr, "ex_course15_sweeps: %s (run `make data`)\n", err.message);
            return 1;
        }
    }
    printf("%-11s %6s %6s %6s   %s\n", "run", "train", "valid", "test", "(error %, last epoch; best validation)");
    for (r = 0; r < (int)(sizeof runs / sizeof runs[0]); ++r) {
        nnd_layer_spec spec[3];
        int n = 0, status, best_epoch = 0;
        double best_val = 101, test_at_best = 0, tr = 0, va = 0, te = 0;
        char path[128];
        FILE *f;
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        spec[n++] = nnd_dense_layer(runs[r].h1, NND_SIGMOID, 0.0);
        if (runs[r].h2) spec[n++] = nnd_dense_layer(runs[r].h2, NND_SIGMOID, 0.0);
        spec[n++] = nnd_dense_layer(10, NND_SIGMOID, runs[r].p_drop);
        net = nnd_net_create(784, spec, n, NND_CROSS_ENTROPY, &status);
        if (!net) {
            fprintf(stderr, "%s: %s\n", runs[r].name, nnd_strerror(status));
            continue;
        }
        nnd_rng_seed(&rng, 1500 + r);
        nnd_default_weight_initializer(net, &rng);
        opt.epochs = 1, opt.mini_batch_size = 10, opt.eta = runs[r].eta, opt.rng = &rng;
        snprintf(path, sizeof path, "plots/course15_%s.dat", runs[r].name);
        f = fopen(path, "w");
        if (f) fprintf(f, "# %s on %s: epoch, training / validation / test error (%%)\n", runs[r].name, dir);
        for (e = 1; e <= epochs; ++e) { /* one epoch at a time, evaluating in between */
            if (nnd_sgd(net, &ds.training, &opt, NULL) != NND_OK) {
                printf("%-11s diverged in epoch %d\n", runs[r].name, e);
                break;
            }
            tr = error_pct(net, &ds.training), va = error_pct(net, &ds.validation), te = error_pct(net, &ds.test);
            if (f) fprintf(f, "%d %.2f %.2f %.2f\n", e, tr, va, te);
            if (va < best_val) best_val = va, best_epoch = e, test_at_best = te;
        }
        if (f) fclose(f);
        printf("%-11s %6.2f %6.2f %6.2f   best validation %.2f at epoch %d (test %.2f)\n", runs[r].name, tr, va,
               te, best_val, best_epoch, test_at_best);
        fflush(stdout);
        nnd_free(net);
    }
    nnd_mnist_free(&ds);
    return 0;
}
