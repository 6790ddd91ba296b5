/* Real MNIST (run `make data` first): the loader sees the book's data, and one
   epoch of the book's [784,30,10] network reaches >= 90% on the test set
   (the book's chapter 1 run gets 91.29% after its first epoch). */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <string.h>

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
    for (i = 0; i < 784 * 100; ++i)
        if (m.training.x8[i] > max) max = m.training.x8[i];
    CHECK(max == 255 && (double)(max * m.training.x8_scale) == 0.99609375,
          "largest pixel %d -> %g, expected 255/256", max, max * (double)m.training.x8_scale);

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
