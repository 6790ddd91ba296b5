/* ex_ch6_tanh - chapter 6 problem (ch6-prob2): the double-conv network of
   the book (R6-3, 99.06% with sigmoid) trained with tanh and with sigmoid in
   its conv and FC layers, validation accuracy per epoch for both.

       build/ex_ch6_tanh [--epochs 60] [--train-size 50000] [--eta 0.1]
                         [--seed 1] [--plot-data plots/ch6_tanh.dat]

   Network: ConvPool(20, 5x5, pool 2x2) -> ConvPool(40, 5x5, pool 2x2) ->
   FC(640 -> 100) -> Softmax(10), log-likelihood, mini-batch 10, no L2,
   network3's SGD (fixed order), network3's initialisation with the
   corrected 1/n_in for the FC layer. Prints one line per epoch and, at the
   end, the first epoch at which each activation reaches 98.5% validation
   accuracy. The plot file has columns: epoch, sigmoid %, tanh %.
   The full run (60 epochs x 50,000 images, twice) takes hours on two cores;
   exercises/ch6.c runs a short version in the test suite. */
#define NND_IMPLEMENTATION
#include "../nnd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct curve {
    int n;
    double acc[1000];
    int n_val;
} curve;

static int on_epoch(const nnd_epoch *e, void *user)
{
    curve *c = (curve *)user;
    if (c->n < 1000) c->acc[c->n++] = 100.0 * e->evaluation_accuracy / e->n_evaluation;
    printf("  epoch %3d: validation accuracy %.2f%%\n", e->epoch, 100.0 * e->evaluation_accuracy / e->n_evaluation);
    fflush(stdout);
    return 0;
}

static int run(nnd_activation f, const nnd_mnist *m, int epochs, int train_size, double eta,
               uint64_t seed, curve *c)
{
    nnd_layer_spec L[4];
    nnd_rng rng;
    nnd_net *net;
    nnd_data tr = nnd_data_slice(&m->training, 0, train_size);
    nnd_sgd_options o;
    int st;
    L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, f);
    L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, f);
    L[2] = nnd_fully_connected_layer(100, f, 0.0);
    L[3] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(784, L, 4, NND_LOG_LIKELIHOOD, &st);
    if (!net) {
        fprintf(stderr, "nnd_net_create: %s\n", nnd_strerror(st));
        return st;
    }
    nnd_rng_seed(&rng, seed);
    nnd_network3_initializer(net, &rng, 1);
    o = nnd_network3_options(epochs, 10, eta, &m->validation, NULL, 0.0);
    o.on_epoch = on_epoch;
    o.user = c;
    st = nnd_sgd(net, &tr, &o, NULL);
    nnd_free(net);
    return st;
}

static int first_above(const curve *c, double level)
{
    int e;
    for (e = 0; e < c->n; ++e)
        if (c->acc[e] >= level) return e;
    return -1;
}

int main(int argc, char **argv)
{
    int epochs = 60, train_size = 50000, i, e, st;
    double eta = 0.1;
    uint64_t seed = 1;
    const char *plot = "plots/ch6_tanh.dat";
    static curve c[2];
    nnd_mnist m;
    nnd_error err;
    FILE *f;
    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--train-size")) train_size = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--eta")) eta = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = (uint64_t)strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--plot-data")) plot = argv[i + 1];
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (epochs < 1 || epochs > 1000 || train_size < 1) {
        fprintf(stderr, "bad --epochs or --train-size\n");
        return 2;
    }
    if (nnd_mnist_load("data/mnist", &m, &err) != NND_OK) {
        fprintf(stderr, "%s (run make data, from the repository root)\n", err.message);
        return 1;
    }
    for (i = 0; i < 2; ++i) {
        printf("%s, %d epochs, %d training images, eta %g, seed %llu\n", i ? "tanh" : "sigmoid", epochs,
               train_size, eta, (unsigned long long)seed);
        st = run(i ? NND_TANH : NND_SIGMOID, &m, epochs, train_size, eta, seed, &c[i]);
        if (st != NND_OK) {
            fprintf(stderr, "training failed: %s\n", nnd_strerror(st));
            nnd_mnist_free(&m);
            return 1;
        }
    }
    printf("first epoch at >= 98.5%% validation accuracy: sigmoid %d, tanh %d (-1: never)\n",
           first_above(&c[0], 98.5), first_above(&c[1], 98.5));
    printf("last epoch: sigmoid %.2f%%, tanh %.2f%%\n", c[0].acc[c[0].n - 1], c[1].acc[c[1].n - 1]);
    f = fopen(plot, "w");
    if (f) {
        fprintf(f, "# ex_ch6_tanh: epoch, sigmoid validation %%, tanh validation %% "
                   "(double conv net, eta %g, %d training images, seed %llu)\n",
                eta, train_size, (unsigned long long)seed);
        for (e = 0; e < c[0].n && e < c[1].n; ++e) fprintf(f, "%d %.2f %.2f\n", e, c[0].acc[e], c[1].acc[e]);
        fclose(f);
        printf("curves written to %s\n", plot);
    } else {
        fprintf(stderr, "could not write %s\n", plot);
    }
    nnd_mnist_free(&m);
    return 0;
}
