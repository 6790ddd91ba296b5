/* Real MNIST (run `make data` first): the loader sees the book's data (the
   split, the first labels, a pixel of 255 read as 255/256 in each set), and
   one epoch of the book's [784,30,10] network reaches >= 90% on the test set
   (the book's chapter 1 run gets 91.29% after its first epoch). */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <string.h>

/* The first pixel of 255 in a 28 x 28 image, -1 if none. */
static int pixel_255(const unsigned char *image)
{
    int p;
    for (p = 0; p < 784; ++p)
        if (image[p] == 255) return p;
    return -1;
}

/* The value the library reads for a pixel byte of 255, the book's
   mnist.pkl.gz scale being 1/256: 255/256 = 0.99609375 exactly. It is read
   through the engine: a linear neuron 0 whose only weight, 1, is on that
   pixel, quadratic cost, label j != 0, so that total_cost = 0.5 (a_0^2 + 1)
   and a_0 = sqrt(2 cost - 1) (all of it exact in float: a_0^2 has 16 bits).
   A scale of 1/255 would give a_0 = 1. Both input paths of the first layer
   (dense and sparse kernels) are asked. */
static void pixel_scale(const char *name, const nnd_data *set)
{
    nnd_layer_spec layer = nnd_dense_layer(10, NND_LINEAR, 0.0);
    int e, p = -1, st, mode;
    nnd_net *net;
    for (e = 0; e < set->n && p < 0; ++e)
        if (set->labels[e] != 0) p = pixel_255(set->x8 + (size_t)e * 784);
    --e; /* the example the loop stopped after */
    CHECK(p >= 0, "%s: no pixel of 255 in an example whose label is not 0", name);
    if (p < 0) return;
    net = nnd_net_create(784, &layer, 1, NND_QUADRATIC, &st);
    CHECK(net != NULL, "linear net: %s", nnd_strerror(st));
    if (!net) return;
    memset(nnd_params(net), 0, nnd_param_count(net) * sizeof(nnd_real));
    nnd_set_weight(net, 0, 0, p, 1.0);
    for (mode = NND_INPUT_DENSE; mode <= NND_INPUT_SPARSE; ++mode) {
        nnd_data one = nnd_data_slice(set, e, 1);
        double cost = -1, a0;
        nnd_set_sparse_input(net, mode);
        st = nnd_total_cost(net, &one, 0.0, 0, &cost);
        a0 = sqrt(2 * cost - 1);
        printf("%s example %d, pixel %d = 255 reads %.10g (%s kernels)\n", name, e, p, a0,
               mode == NND_INPUT_DENSE ? "dense" : "sparse");
        CHECK(st == NND_OK && a0 == 0.99609375, "%s: pixel 255 reads %.10g, not 255/256 = 0.99609375", name,
              a0);
    }
    nnd_free(net);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/mnist";
    nnd_mnist m;
    nnd_error err;
    nnd_rng rng;
    nnd_net *net;
    int sizes[] = {784, 30, 10}, st, correct = 0, i, max = 0;
    nnd_sgd_options o = nnd_sgd_defaults();

    st = nnd_mnist_load(dir, &m, &err);
    CHECK(st == NND_OK, "MNIST: %s (run `make data`)", err.message);
    if (st != NND_OK) return check_summary();
    CHECK(m.training.n == 50000 && m.validation.n == 10000 && m.test.n == 10000,
          "split %d/%d/%d", m.training.n, m.validation.n, m.test.n);
    /* "504192": the first six training digits, as in chapter 1 */
    CHECK(m.training.labels[0] == 5 && m.training.labels[1] == 0 && m.training.labels[2] == 4 &&
              m.training.labels[3] == 1 && m.training.labels[4] == 9 && m.training.labels[5] == 2,
          "the first training labels are not 5 0 4 1 9 2");
    for (i = 0; i < 784 * m.training.n; ++i)
        if (m.training.x8[i] > max) max = m.training.x8[i];
    CHECK(max == 255, "the largest training pixel is %d, not 255", max);
    pixel_scale("training", &m.training);
    pixel_scale("validation", &m.validation);
    pixel_scale("test", &m.test);

    nnd_rng_seed(&rng, 1);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    o.epochs = 1;
    o.mini_batch_size = 10;
    o.eta = 0.5;
    o.lmbda = 5.0;
    o.rng = &rng;
    st = nnd_sgd(net, &m.training, &o, NULL);
    CHECK(st == NND_OK, "training: %s", nnd_strerror(st));
    nnd_accuracy(net, &m.test, &correct);
    printf("one epoch of [784,30,10]: %d / 10000 on the test set\n", correct);
    CHECK(correct >= 9000, "one epoch reached only %d / 10000", correct);
    nnd_free(net);
    nnd_mnist_free(&m);
    return check_summary();
}
