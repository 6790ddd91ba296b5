/* fig_overfitting - chapter 3's overfitting and regularisation figures
   (F3-3 ... F3-6 overfitting1-4, F3-8/F3-9 regularized1-2).

   build/fig_overfitting [overfitting] [regularized]      (no argument: both)

   The book's run: [784,30,10], cross-entropy, large_weight_initializer, the
   first 1,000 training images, 400 epochs, mini-batch 10, eta 0.5, evaluated
   on the 10,000 test images, lambda 0 (overfitting) or 0.1 (regularized).
   Writes plots/overfitting.dat and plots/regularized.dat, one line per epoch:
   epoch, training cost, test accuracy %, test cost, training accuracy %. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#define SEED 12345678

static void run(const nnd_mnist *m, const char *name, double lmbda)
{
    int sizes[] = {784, 30, 10}, st, e, best_e = 0, peak_e = 0;
    nnd_rng rng;
    nnd_net *net;
    nnd_history h;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_data train = nnd_data_slice(&m->training, 0, 1000);
    double t0 = fig_now();
    FILE *f;

    nnd_rng_seed(&rng, SEED);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    if (!net) fig_die("nnd_network2: %s", nnd_strerror(st));
    nnd_large_weight_initializer(net, &rng);
    opt.epochs = 400;
    opt.mini_batch_size = 10;
    opt.eta = 0.5;
    opt.lmbda = lmbda;
    opt.evaluation_data = &m->test;
    opt.monitor_evaluation_cost = opt.monitor_evaluation_accuracy = 1;
    opt.monitor_training_cost = opt.monitor_training_accuracy = 1;
    opt.rng = &rng;
    opt.on_epoch = fig_print_epoch;
    opt.user = (void *)"";
    st = nnd_sgd(net, &train, &opt, &h);
    if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));

    for (e = 0; e < h.epochs; e++) {
        if (h.evaluation_cost[e] < h.evaluation_cost[best_e]) best_e = e;
        if (h.evaluation_accuracy[e] > h.evaluation_accuracy[peak_e]) peak_e = e;
    }
    f = fig_open(name,
                 "network [784,30,10], cross-entropy, large_weight_initializer, training = first 1000 "
                 "MNIST training images, evaluation = 10000 test images\n"
                 "epochs 400, mini-batch 10, eta 0.5, lambda %g (L2; costs include the L2 term as "
                 "network2), seed %d (nnd_rng splitmix64), %s build\n"
                 "test cost minimum %.4f at epoch %d; test accuracy peak %.2f%% at epoch %d; %.1f cpu s\n"
                 "columns: epoch training_cost test_accuracy_percent test_cost "
                 "training_accuracy_percent",
                 lmbda, SEED, sizeof(nnd_real) == 4 ? "float" : "double", h.evaluation_cost[best_e],
                 best_e, h.evaluation_accuracy[peak_e] / 100.0, peak_e, fig_now() - t0);
    for (e = 0; e < h.epochs; e++)
        fprintf(f, "%d %.6f %.2f %.6f %.1f\n", e, h.training_cost[e],
                100.0 * h.evaluation_accuracy[e] / m->test.n, h.evaluation_cost[e],
                100.0 * h.training_accuracy[e] / train.n);
    fig_close(f, name);
    printf("%s: test cost minimum %.4f at epoch %d, test accuracy peak %.2f%% at epoch %d\n", name,
           h.evaluation_cost[best_e], best_e, h.evaluation_accuracy[peak_e] / 100.0, peak_e);
    nnd_history_free(&h);
    nnd_free(net);
}

int main(int argc, char **argv)
{
    nnd_mnist m;
    fig_program = "fig_overfitting";
    fig_mnist(&m);
    if (fig_wants(argc, argv, "overfitting")) run(&m, "overfitting", 0.0);
    if (fig_wants(argc, argv, "regularized")) run(&m, "regularized", 0.1);
    nnd_mnist_free(&m);
    return 0;
}
