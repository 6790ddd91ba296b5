/* Real MNIST (run `make data` first): the book's chapter 6 net (ii) -
   ConvPool(20, 5x5, pool 2x2, ReLU) -> ConvPool(40, 5x5, pool 2x2, ReLU) ->
   FC(100, ReLU) -> softmax, mini-batch 10, lambda 0.1 - trained for two
   epochs on the first 10,000 training images must reach >= 95.5% on the
   validation set (the full 60-epoch run reaches 99.23% in the book, R6-4).
   For a short run it takes eta 0.1 and the fan-in initialisation of the FC
   layer (the book's later correction): measured here, the book's eta 0.03
   reaches 93.0% after one such epoch, eta 0.1 with N(0,1/n_in) 94.8% after one
   and 96.05% after two. Also: the result does not depend on the thread count
   (when built with OpenMP), and a save/load round trip predicts the same. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

static nnd_net *make(void)
{
    nnd_layer_spec L[4];
    nnd_rng rng;
    int st;
    nnd_net *net;
    L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_RELU);
    L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, NND_RELU);
    L[2] = nnd_fully_connected_layer(100, NND_RELU, 0.0);
    L[3] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(784, L, 4, NND_LOG_LIKELIHOOD, &st);
    if (!net) return NULL;
    nnd_rng_seed(&rng, 12345678);
    nnd_network3_initializer(net, &rng, 1);
    return net;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/mnist";
    nnd_mnist m;
    nnd_error err;
    nnd_net *net, *back;
    nnd_data train;
    nnd_sgd_options o;
    nnd_history h;
    int st, correct = 0, again = -1;

    st = nnd_mnist_load(dir, &m, &err);
    CHECK(st == NND_OK, "MNIST: %s (run `make data`)", err.message);
    if (st != NND_OK) return check_summary();
    net = make();
    CHECK(net != NULL, "create net (ii)");
    if (!net) return check_summary();
    train = nnd_data_slice(&m.training, 0, 10000);
    o = nnd_network3_options(2, 10, 0.1, &m.validation, NULL, 0.1);
    st = nnd_sgd(net, &train, &o, &h);
    CHECK(st == NND_OK, "training: %s", nnd_strerror(st));
    correct = h.evaluation_accuracy && h.epochs == 2 ? h.evaluation_accuracy[1] : -1;
    printf("net (ii), 2 epochs on 10,000 images: validation accuracy %.2f%%\n", correct / 100.0);
    CHECK_AT_LEAST("ch6-net-ii-2ep", correct / 100.0, 95.5);
    nnd_history_free(&h);
#if defined(_OPENMP)
    { /* the same training with one thread gives the same parameters */
        nnd_net *one = make();
        nnd_set_threads(one, 1);
        nnd_set_threads(net, 2);
        nnd_sgd(one, &train, &o, NULL);
        CHECK(!memcmp(nnd_params(one), nnd_params(net), nnd_param_count(net) * sizeof(nnd_real)),
              "1 thread and 2 threads train to identical parameters");
        nnd_free(one);
    }
#endif
    if (nnd_save(net, "build/test_mnist_conv.json", &err) == NND_OK) {
        back = nnd_load("build/test_mnist_conv.json", &err);
        CHECK(back != NULL, "load: %s", err.message);
        if (back) nnd_accuracy(back, &m.validation, &again);
        CHECK(again == correct, "the loaded net scores the same (%d vs %d)", again, correct);
        nnd_free(back);
        remove("build/test_mnist_conv.json");
    }
    nnd_free(net);
    nnd_mnist_free(&m);
    return check_summary();
}
