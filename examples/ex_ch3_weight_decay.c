/* ex_ch3_weight_decay - chapter 3, problem ch3-prob9 at full size: how L2
   weight decay shrinks the old N(0,1) weights, and where it stops.

   build/ex_ch3_weight_decay          (run from the repository root)

   [784,30,10], cross-entropy, large_weight_initializer (N(0,1)), the 50,000
   training images, mini-batch 10, lambda 5.0, 30 epochs, for eta = 0.1 (a smaller
   step that shows the decay) and eta = 0.5 (the book's chapter-3 run). While the
   weights are large, each epoch multiplies them by about exp(-eta lambda/m)
   (0.9512 and 0.7788 here); the decay stops where the data gradient balances
   it. Writes plots/ex_ch3_weight_decay.dat, one line per epoch (epoch -1 is
   the initial state): epoch, then for each eta the RMS of the first- and
   second-layer weights and the validation accuracy (%). The header reports
   the first-epoch ratio against exp(-eta lambda/m) and the final RMS next to
   1/sqrt(n_in) = 0.0357 and 1/sqrt(number of weights) = 0.0065, the two
   readings of the book's "about 1/sqrt(n)". */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#include <math.h>

#define SEED 12345678
#define EPOCHS 30

typedef struct trace {
    nnd_net *net;
    int n;
    double rms1[EPOCHS + 1], rms2[EPOCHS + 1];
    int acc[EPOCHS + 1];
} trace;

static double rms(nnd_net *net, int l)
{
    nnd_layer_desc d = nnd_layer_info(net, l);
    const nnd_real *w = nnd_weights(net, l);
    double s = 0.0;
    size_t i;
    for (i = 0; i < d.n_weights; ++i) s += (double)w[i] * w[i];
    return sqrt(s / (double)d.n_weights);
}

static int record(const nnd_epoch *e, void *user)
{
    trace *t = (trace *)user;
    if (t->n <= EPOCHS) {
        t->rms1[t->n] = rms(t->net, 0);
        t->rms2[t->n] = rms(t->net, 1);
        t->acc[t->n] = e->evaluation_accuracy;
        ++t->n;
    }
    printf("  epoch %2d: rms(w1) %.4f  rms(w2) %.4f  validation %d / %d\n", e->epoch, t->rms1[t->n - 1],
           t->rms2[t->n - 1], e->evaluation_accuracy, e->n_evaluation);
    fflush(stdout);
    return 0;
}

int main(void)
{
    static const double etas[2] = {0.1, 0.5};
    static trace tr[2];
    nnd_mnist m;
    int v, e, sizes[] = {784, 30, 10}, st;
    double t0 = fig_now();
    FILE *f;
    fig_program = "ex_ch3_weight_decay";
    fig_mnist(&m);
    for (v = 0; v < 2; ++v) {
        nnd_rng rng;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_net *net;
        nnd_rng_seed(&rng, SEED);
        net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
        if (!net) fig_die("nnd_network2: %s", nnd_strerror(st));
        nnd_large_weight_initializer(net, &rng);
        tr[v].net = net;
        tr[v].rms1[0] = rms(net, 0);
        tr[v].rms2[0] = rms(net, 1);
        tr[v].acc[0] = -1;
        tr[v].n = 1;
        opt.epochs = EPOCHS;
        opt.mini_batch_size = 10;
        opt.eta = etas[v];
        opt.lmbda = 5.0;
        opt.rng = &rng;
        opt.evaluation_data = &m.validation;
        opt.monitor_evaluation_accuracy = 1;
        opt.on_epoch = record;
        opt.user = &tr[v];
        printf("eta %g, lambda 5, large_weight_initializer:\n", etas[v]);
        st = nnd_sgd(net, &m.training, &opt, NULL);
        if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));
        nnd_free(net);
    }
    f = fig_open("ex_ch3_weight_decay",
                 "ch3-prob9: [784,30,10], cross-entropy, large_weight_initializer, 50000 training images, "
                 "mini-batch 10, lambda 5, %d epochs, seed %d, %s build, %.1f cpu s\n"
                 "eta 0.1: first-epoch rms ratio %.4f (exp(-eta lambda/m) = %.4f), final rms(w1) %.4f\n"
                 "eta 0.5: first-epoch rms ratio %.4f (exp(-eta lambda/m) = %.4f), final rms(w1) %.4f\n"
                 "1/sqrt(n_in) = %.4f, 1/sqrt(number of weights) = %.4f\n"
                 "columns: epoch rms_w1(eta 0.1) rms_w2(eta 0.1) validation_percent(eta 0.1) "
                 "rms_w1(eta 0.5) rms_w2(eta 0.5) validation_percent(eta 0.5); epoch -1 = initial",
                 EPOCHS, SEED, sizeof(nnd_real) == 4 ? "float" : "double", fig_now() - t0,
                 tr[0].rms1[1] / tr[0].rms1[0], exp(-0.1 * 5 / 10), tr[0].rms1[tr[0].n - 1],
                 tr[1].rms1[1] / tr[1].rms1[0], exp(-0.5 * 5 / 10), tr[1].rms1[tr[1].n - 1], 1 / sqrt(784.0),
                 1 / sqrt(23820.0));
    for (e = 0; e < tr[0].n && e < tr[1].n; ++e)
        fprintf(f, "%d %.6f %.6f %.2f %.6f %.6f %.2f\n", e - 1, tr[0].rms1[e], tr[0].rms2[e],
                tr[0].acc[e] / 100.0, tr[1].rms1[e], tr[1].rms2[e], tr[1].acc[e] / 100.0);
    fig_close(f, "ex_ch3_weight_decay");
    nnd_mnist_free(&m);
    return 0;
}
