/* interop_outputs MODEL.json DATA_DIR N: load a network2 JSON model with
   nnd, feed it the first N MNIST test images and print each output vector
   (one line per image, %.17g) followed by "Accuracy on test data: X / 10000".
   tests/interop.sh compares these lines with what the book's network2.py
   computes from the same file. Built in double so the only difference from
   numpy is rounding order. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    nnd_error err;
    nnd_mnist mnist;
    nnd_net *net;
    nnd_real *out, *x;
    int n, i, j, correct = 0, st;
    size_t k;
    if (argc != 4 || (n = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: interop_outputs MODEL.json DATA_DIR N\n");
        return 2;
    }
    if (!(net = nnd_network2_load(argv[1], &err))) {
        fprintf(stderr, "interop_outputs: %s\n", err.message);
        return 1;
    }
    if (nnd_mnist_load(argv[2], &mnist, &err) != NND_OK) {
        fprintf(stderr, "interop_outputs: %s\n", err.message);
        nnd_free(net);
        return 1;
    }
    if (n > mnist.test.n) n = mnist.test.n;
    out = (nnd_real *)malloc((size_t)n * (size_t)nnd_output_size(net) * sizeof *out);
    x = (nnd_real *)malloc((size_t)n * (size_t)mnist.test.n_in * sizeof *x);
    if (x) /* the loader keeps the bytes; pixel/256 as the book's pickle holds */
        for (k = 0; k < (size_t)n * (size_t)mnist.test.n_in; ++k)
            x[k] = mnist.test.x8[k] * mnist.test.x8_scale;
    st = out && x ? nnd_feedforward(net, x, (size_t)n * (size_t)mnist.test.n_in, out,
                                    (size_t)n * (size_t)nnd_output_size(net))
                  : NND_ERR_NOMEM;
    if (st == NND_OK) st = nnd_accuracy(net, &mnist.test, &correct);
    if (st != NND_OK) {
        fprintf(stderr, "interop_outputs: %s\n", nnd_strerror(st));
    } else {
        for (i = 0; i < n; ++i)
            for (j = 0; j < nnd_output_size(net); ++j)
                printf("%.17g%c", (double)out[(size_t)i * nnd_output_size(net) + j],
                       j + 1 < nnd_output_size(net) ? ' ' : '\n');
        printf("Accuracy on test data: %d / %d\n", correct, mnist.test.n);
    }
    free(out);
    free(x);
    nnd_free(net);
    nnd_mnist_free(&mnist);
    return st == NND_OK ? 0 : 1;
}
