/* fig_filters - chapter 6's learned filters (the book's net_full_layer_0) from
   a trained convolutional net saved by build/network3.

   build/fig_filters MODEL [RUN]
       reads MODEL (nnd_load: an nnd file or a network2.py file), measures its
       accuracy on the 10,000 test images, and writes plots/net_full_layer_0.dat:
       the first layer's filters (input channel 0), one gnuplot block each
       (index f = feature map f), fh rows of fw weights w_f(ky, kx) as network3
       stores them. RUN (optional) is the command that trained MODEL, copied
       into the header. Drawn by plots/net_full_layer_0.gp; plots/plots.sh
       trains network3's conv preset for a few epochs and calls this. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

static void write_filters(nnd_net *net, const char *model, const char *run, int correct, int n)
{
    nnd_layer_desc d = nnd_layer_info(net, 0);
    FILE *f;
    int j, k;
    if (d.kind != NND_LAYER_CONV && d.kind != NND_LAYER_CONV_POOL)
        fig_die("%s: the first layer is not convolutional", model);
    f = fig_open("net_full_layer_0",
                 "first-layer filters of %s (%s): %d feature maps of %d x %d weights, input channel 0 "
                 "of %d; test accuracy %.2f%% (%d of %d)\n"
                 "%d blocks (gnuplot index f = feature map f), each %d rows of %d weights w_f(ky, kx)",
                 model, run, d.out_c, d.filter_h, d.filter_w, d.in_c, 100.0 * correct / n, correct, n,
                 d.out_c, d.filter_h, d.filter_w);
    for (j = 0; j < d.out_c; ++j) {
        for (k = 0; k < d.filter_h * d.filter_w; ++k) /* (ky fw + kx) C + c, c = 0 */
            fprintf(f, "%.6g%c", nnd_weight(net, 0, j, k * d.in_c), k % d.filter_w == d.filter_w - 1 ? '\n' : ' ');
        if (j < d.out_c - 1) fputs("\n\n", f);
    }
    fig_close(f, "net_full_layer_0");
}

int main(int argc, char **argv)
{
    nnd_mnist m;
    nnd_error err;
    nnd_net *net;
    int correct, st;
    fig_program = "fig_filters";
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: fig_filters MODEL [RUN]\n");
        return 2;
    }
    if (!(net = nnd_load(argv[1], &err))) fig_die("%s", err.message);
    fig_mnist(&m);
    if ((st = nnd_accuracy(net, &m.test, &correct)) != NND_OK)
        fig_die("%s: cannot evaluate on the test images: %s", argv[1], nnd_strerror(st));
    write_filters(net, argv[1], argc > 2 ? argv[2] : "a saved net", correct, m.test.n);
    nnd_free(net);
    nnd_mnist_free(&m);
    return 0;
}
