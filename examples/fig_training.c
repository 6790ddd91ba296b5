/* fig_training - chapter 3's training figures on the full MNIST data.

   build/fig_training [GROUP ...]       (no argument: every group)

   overfitting_full   F3-7: [784,30,10], large init, 50k, 30 epochs, eta 0.5,
                      lambda 0; test and training accuracy per epoch
   regularized_full   F3-10: the same with lambda 5.0
   more_data          F3-12/13/15: validation accuracy after training on the
                      first N images, N = 100 ... 50,000; epochs 1,500,000/N,
                      lambda 0.0001 N, eta 0.5, large init re-drawn per size
   weight_init_30     F3-17: validation accuracy per epoch, [784,30,10],
                      eta 0.1, lambda 5: default N(0,1/n_in) init, then the
                      same network re-initialised N(0,1) and retrained
   weight_init_100    F3-18: the same with 100 hidden neurons
   multiple_eta       F3-19: training cost per epoch for eta 0.025, 0.25, 2.5
                      ([784,30,10], default init, lambda 5)

   Every run: cross-entropy, mini-batch 10, seed 12345678 (splitmix64), so a
   rerun writes the same plots/<group>.dat. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#define SEED 12345678

static const char *build = sizeof(nnd_real) == 4 ? "float" : "double";

static nnd_net *make_net(int hidden, nnd_rng *rng)
{
    int sizes[3], st;
    nnd_net *net;
    sizes[0] = 784;
    sizes[1] = hidden;
    sizes[2] = 10;
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, rng, &st);
    if (!net) fig_die("nnd_network2: %s", nnd_strerror(st));
    return net;
}

static void train(nnd_net *net, const nnd_data *tr, nnd_sgd_options *opt, nnd_history *h,
                  const char *label)
{
    int st;
    opt->mini_batch_size = 10;
    opt->on_epoch = label ? fig_print_epoch : NULL;
    opt->user = (void *)label;
    st = nnd_sgd(net, tr, opt, h);
    if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));
}

/* F3-7 and F3-10 */
static void full(const nnd_mnist *m, const char *name, double lmbda)
{
    nnd_rng rng;
    nnd_net *net;
    nnd_history h;
    nnd_sgd_options opt = nnd_sgd_defaults();
    int e, best = 0, tbest = 0;
    FILE *f;
    nnd_rng_seed(&rng, SEED);
    net = make_net(30, &rng);
    nnd_large_weight_initializer(net, &rng);
    opt.epochs = 30;
    opt.eta = 0.5;
    opt.lmbda = lmbda;
    opt.evaluation_data = &m->test;
    opt.monitor_evaluation_accuracy = opt.monitor_training_accuracy = 1;
    opt.rng = &rng;
    train(net, &m->training, &opt, &h, "");
    for (e = 0; e < h.epochs; e++) {
        if (h.evaluation_accuracy[e] > h.evaluation_accuracy[best]) best = e;
        if (h.training_accuracy[e] > h.training_accuracy[tbest]) tbest = e;
    }
    f = fig_open(name,
                 "network [784,30,10], cross-entropy, large_weight_initializer, training = 50000 "
                 "MNIST images, evaluation = 10000 test images\n"
                 "epochs 30, mini-batch 10, eta 0.5, lambda %g, seed %d, %s build\n"
                 "best test accuracy %.2f%% (epoch %d); best training accuracy %.2f%% (epoch %d)\n"
                 "columns: epoch test_accuracy_percent training_accuracy_percent",
                 lmbda, SEED, build, h.evaluation_accuracy[best] / 100.0, best,
                 h.training_accuracy[tbest] / 500.0, tbest);
    for (e = 0; e < h.epochs; e++)
        fprintf(f, "%d %.2f %.3f\n", e, h.evaluation_accuracy[e] / 100.0,
                h.training_accuracy[e] / 500.0);
    fig_close(f, name);
    nnd_history_free(&h);
    nnd_free(net);
}

/* F3-12, F3-13, F3-15 */
static void more_data(const nnd_mnist *m)
{
    static const int sizes[] = {100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000};
    nnd_rng rng;
    nnd_net *net;
    int i, correct;
    FILE *f;
    double acc[9];
    nnd_rng_seed(&rng, SEED);
    net = make_net(30, &rng);
    for (i = 0; i < 9; i++) {
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_data tr = nnd_data_slice(&m->training, 0, sizes[i]);
        nnd_large_weight_initializer(net, &rng);
        opt.epochs = 1500000 / sizes[i];
        opt.eta = 0.5;
        opt.lmbda = 0.0001 * sizes[i];
        opt.rng = &rng;
        train(net, &tr, &opt, NULL, NULL);
        if (nnd_accuracy(net, &m->validation, &correct) != NND_OK) fig_die("nnd_accuracy failed");
        acc[i] = 100.0 * correct / m->validation.n;
        printf("more_data: %d training images, %d epochs, lambda %g: validation accuracy %.2f%%\n",
               sizes[i], opt.epochs, opt.lmbda, acc[i]);
        fflush(stdout);
    }
    f = fig_open("more_data",
                 "network [784,30,10], cross-entropy, large_weight_initializer re-drawn for each "
                 "size (one network, one rng stream)\n"
                 "training = first N MNIST training images, epochs = 1500000/N, mini-batch 10, "
                 "eta 0.5, lambda = 0.0001 N; evaluation = 10000 validation images\n"
                 "seed %d, %s build\ncolumns: training_set_size validation_accuracy_percent",
                 SEED, build);
    for (i = 0; i < 9; i++) fprintf(f, "%d %.2f\n", sizes[i], acc[i]);
    fig_close(f, "more_data");
    nnd_free(net);
}

/* F3-17, F3-18 */
static void weight_init(const nnd_mnist *m, int hidden)
{
    char name[64];
    nnd_rng rng;
    nnd_net *net;
    nnd_history h[2];
    int r, e;
    FILE *f;
    nnd_rng_seed(&rng, SEED);
    net = make_net(hidden, &rng); /* default_weight_initializer: the "new approach" */
    for (r = 0; r < 2; r++) {
        nnd_sgd_options opt = nnd_sgd_defaults();
        if (r == 1) nnd_large_weight_initializer(net, &rng); /* the same net, "old approach" */
        opt.epochs = 30;
        opt.eta = 0.1;
        opt.lmbda = 5.0;
        opt.evaluation_data = &m->validation;
        opt.monitor_evaluation_accuracy = 1;
        opt.rng = &rng;
        train(net, &m->training, &opt, &h[r], r ? "old: " : "new: ");
    }
    sprintf(name, "weight_initialization_%d", hidden);
    f = fig_open(name,
                 "network [784,%d,10], cross-entropy, training = 50000 MNIST images, evaluation = "
                 "10000 validation images\n"
                 "epochs 30, mini-batch 10, eta 0.1, lambda 5.0, seed %d, %s build\n"
                 "new = default_weight_initializer N(0,1/n_in) first; then the same network is "
                 "re-initialised with large_weight_initializer N(0,1) (old) and retrained\n"
                 "epoch 0: old %.2f%% new %.2f%%; epoch 29: old %.2f%% new %.2f%%\n"
                 "columns: epoch old_accuracy_percent new_accuracy_percent",
                 hidden, SEED, build, h[1].evaluation_accuracy[0] / 100.0,
                 h[0].evaluation_accuracy[0] / 100.0, h[1].evaluation_accuracy[29] / 100.0,
                 h[0].evaluation_accuracy[29] / 100.0);
    for (e = 0; e < 30; e++)
        fprintf(f, "%d %.2f %.2f\n", e, h[1].evaluation_accuracy[e] / 100.0,
                h[0].evaluation_accuracy[e] / 100.0);
    fig_close(f, name);
    nnd_history_free(&h[0]);
    nnd_history_free(&h[1]);
    nnd_free(net);
}

/* F3-19 */
static void multiple_eta(const nnd_mnist *m)
{
    static const double etas[3] = {0.025, 0.25, 2.5};
    static const char *labels[3] = {"eta 0.025: ", "eta 0.25: ", "eta 2.5: "};
    nnd_history h[3];
    int r, e;
    FILE *f;
    for (r = 0; r < 3; r++) {
        nnd_rng rng;
        nnd_net *net;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_rng_seed(&rng, SEED); /* every eta starts from the same network */
        net = make_net(30, &rng);
        opt.epochs = 30;
        opt.eta = etas[r];
        opt.lmbda = 5.0;
        opt.monitor_training_cost = 1;
        opt.rng = &rng;
        train(net, &m->training, &opt, &h[r], labels[r]);
        nnd_free(net);
    }
    f = fig_open("multiple_eta",
                 "network [784,30,10], cross-entropy, default_weight_initializer, training = 50000 "
                 "MNIST images\n"
                 "epochs 30, mini-batch 10, lambda 5.0, eta 0.025 / 0.25 / 2.5, each run from "
                 "seed %d (same start), %s build\n"
                 "columns: epoch training_cost_eta_0.025 training_cost_eta_0.25 "
                 "training_cost_eta_2.5",
                 SEED, build);
    for (e = 0; e < 30; e++)
        fprintf(f, "%d %.6f %.6f %.6f\n", e, h[0].training_cost[e], h[1].training_cost[e],
                h[2].training_cost[e]);
    fig_close(f, "multiple_eta");
    for (r = 0; r < 3; r++) nnd_history_free(&h[r]);
}

int main(int argc, char **argv)
{
    nnd_mnist m;
    int i;
    static const char *groups[] = {"overfitting_full", "regularized_full", "more_data",
                                   "weight_init_30",   "weight_init_100",  "multiple_eta"};
    fig_program = "fig_training";
    for (i = 1; i < argc; i++) {
        int k, ok = !strcmp(argv[i], "all");
        for (k = 0; k < 6; k++) ok |= !strcmp(argv[i], groups[k]);
        if (!ok) fig_die("unknown group '%s' (overfitting_full regularized_full more_data "
                         "weight_init_30 weight_init_100 multiple_eta)", argv[i]);
    }
    fig_mnist(&m);
    if (fig_wants(argc, argv, "overfitting_full")) full(&m, "overfitting_full", 0.0);
    if (fig_wants(argc, argv, "regularized_full")) full(&m, "regularized_full", 5.0);
    if (fig_wants(argc, argv, "more_data")) more_data(&m);
    if (fig_wants(argc, argv, "weight_init_30")) weight_init(&m, 30);
    if (fig_wants(argc, argv, "weight_init_100")) weight_init(&m, 100);
    if (fig_wants(argc, argv, "multiple_eta")) multiple_eta(&m);
    nnd_mnist_free(&m);
    return 0;
}
