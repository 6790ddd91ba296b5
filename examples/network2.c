/* network2 - the book's network2.py runs from the command line.

   build/network2 --sizes 784,30,10 --eta 0.5 --lambda 5 --init large \
                  --monitor-evaluation-accuracy

   Prints network2's per-epoch lines ("Epoch k training complete", "Accuracy on
   evaluation data: X / N", ...) with each epoch's wall time. See --help. */
#define _POSIX_C_SOURCE 199309L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "cli_files.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage =
    "usage: network2 [options]\n"
    "Train and evaluate a network2.py-style network (dense sigmoid layers) on MNIST.\n"
    "\n"
    "  --data DIR                 MNIST IDX files (default data/mnist)\n"
    "  --sizes A,B,...            layer sizes (default 784,30,10)\n"
    "  --cost ce|quadratic        cost function (default ce = CrossEntropyCost)\n"
    "  --init default|large       weights N(0,1/n_in) or N(0,1) (default: default)\n"
    "  --epochs N                 training epochs (default 30; 0 = only evaluate)\n"
    "  --mini-batch M             mini-batch size (default 10)\n"
    "  --eta E                    learning rate (default 0.5)\n"
    "  --lambda L                 regularisation parameter (default 0)\n"
    "  --l1                       L1 instead of L2 regularisation\n"
    "  --momentum MU              momentum coefficient (default 0)\n"
    "  --early-stopping N         stop after N epochs without a better evaluation accuracy\n"
    "  --train-size N             use the first N training images (default 50000)\n"
    "  --seed S                   random seed for initialisation and shuffling\n"
    "                             (default 12345678, the seed of the book's scripts)\n"
    "  --evaluate-on validation|test   evaluation data (default validation)\n"
    "  --monitor-evaluation-accuracy   print and record accuracy on evaluation data\n"
    "                                  (the default when no --monitor-* flag is given)\n"
    "  --monitor-evaluation-cost       ... cost on evaluation data\n"
    "  --monitor-training-accuracy     ... accuracy on training data\n"
    "  --monitor-training-cost         ... cost on training data\n"
    "  --save FILE                save the trained network (network2.py JSON)\n"
    "  --load FILE                start from a saved network instead of a new one\n"
    "  --plot-data FILE           write the per-epoch monitors as gnuplot data\n"
    "  --dense                    use the dense kernels for the input layer too\n"
    "  --threads T                OpenMP threads (default: OpenMP's; results do not depend on\n"
    "                             it; at mini-batch 10 one thread is fastest)\n"
    "  --help                     this text\n"
    "\n"
    "With --load FILE --epochs 0 it prints the saved network's accuracy on the test data.\n"
    "Every output path is checked before training; the model is saved before the plot data.\n"
    "Exit status: 0 done; 1 a file could not be read or written, or training failed; 2 a bad\n"
    "option; 3 done and saved, but training diverged (a parameter beyond 1e4: see the warning).\n";

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "network2: error: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(2);
}

static double parse_double(const char *flag, const char *s, double lo, double hi)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= lo && v <= hi)) {
        char range[64];
        sprintf(range, "%g..%g", lo, hi);
        fprintf(stderr, "network2: error: %s: '%s' is not a number in %s\n", flag, s, range);
        exit(2);
    }
    return v;
}

static long parse_int(const char *flag, const char *s, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "network2: error: %s: '%s' is not an integer in %ld..%ld\n", flag, s, lo,
                hi);
        exit(2);
    }
    return v;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct run {
    double t0, *seconds;
    int monitor_ea, monitor_ec, monitor_ta, monitor_tc, warned;
} run;

/* Called by nnd_sgd after every epoch: network2's lines plus the time. */
static int on_epoch(const nnd_epoch *e, void *user)
{
    run *r = (run *)user;
    double t = now();
    r->seconds[e->epoch] = t - r->t0;
    printf("Epoch %d training complete (%.2f s)\n", e->epoch, t - r->t0);
    if (r->monitor_tc) printf("Cost on training data: %.10g\n", e->training_cost);
    if (r->monitor_ta)
        printf("Accuracy on training data: %d / %d\n", e->training_accuracy, e->n_training);
    if (r->monitor_ec) printf("Cost on evaluation data: %.10g\n", e->evaluation_cost);
    if (r->monitor_ea)
        printf("Accuracy on evaluation data: %d / %d\n", e->evaluation_accuracy, e->n_evaluation);
    printf("\n");
    fflush(stdout);
    cli_warn_diverging(e, &r->warned, "network2");
    r->t0 = now(); /* the monitors' time is not the next epoch's */
    return 0;
}

static int parse_sizes(const char *s, int *sizes, int max)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v;
        errno = 0;
        v = strtol(p, &end, 10);
        if (end == p || errno || v < 1 || v > 100000 || n == max || (*end && *end != ','))
            die("--sizes: '%s' is not a list like 784,30,10%s", s, "");
        sizes[n++] = (int)v;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p) die("--sizes: '%s' ends with a comma%s", s, "");
    }
    if (n < 2) die("--sizes: '%s' needs at least two layers%s", s, "");
    return n;
}

int main(int argc, char **argv)
{
    const char *data_dir = "data/mnist", *save = NULL, *load = NULL, *plot = NULL;
    const char *sizes_arg = "784,30,10", *init = "default", *eval_on = "validation";
    int sizes[64], n_sizes, i, st, train_size = 50000, dense = 0, threads = 0, diverged = 0;
    long seed = 12345678; /* the seed of the book's figure scripts */
    nnd_cost cost = NND_CROSS_ENTROPY;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_mnist mnist;
    nnd_error err;
    nnd_rng rng;
    nnd_net *net;
    nnd_history hist;
    nnd_data training;
    const nnd_data *evaluation;
    run r;

    opt.lmbda = 0.0;
    memset(&r, 0, sizeof r);
    for (i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE                                                                        \
    do {                                                                                   \
        if (!v) die("%s needs a value (see --help)%s", a, "");                              \
        ++i;                                                                               \
    } while (0)
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--data")) { NEEDS_VALUE; data_dir = v;
        } else if (!strcmp(a, "--sizes")) { NEEDS_VALUE; sizes_arg = v;
        } else if (!strcmp(a, "--cost")) {
            NEEDS_VALUE;
            if (!strcmp(v, "ce") || !strcmp(v, "cross-entropy")) cost = NND_CROSS_ENTROPY;
            else if (!strcmp(v, "quadratic")) cost = NND_QUADRATIC;
            else die("--cost: '%s' is not ce or quadratic%s", v, "");
        } else if (!strcmp(a, "--init")) {
            NEEDS_VALUE;
            if (strcmp(v, "default") && strcmp(v, "large"))
                die("--init: '%s' is not default or large%s", v, "");
            init = v;
        } else if (!strcmp(a, "--epochs")) { NEEDS_VALUE; opt.epochs = (int)parse_int(a, v, 0, 1000000);
        } else if (!strcmp(a, "--mini-batch")) { NEEDS_VALUE; opt.mini_batch_size = (int)parse_int(a, v, 1, 1000000);
        } else if (!strcmp(a, "--eta")) { NEEDS_VALUE; opt.eta = parse_double(a, v, 1e-300, 1e300);
        } else if (!strcmp(a, "--lambda")) { NEEDS_VALUE; opt.lmbda = parse_double(a, v, 0, 1e300);
        } else if (!strcmp(a, "--momentum")) { NEEDS_VALUE; opt.momentum = parse_double(a, v, -1e3, 1e3);
        } else if (!strcmp(a, "--early-stopping")) { NEEDS_VALUE; opt.early_stopping_patience = (int)parse_int(a, v, 1, 1000000);
        } else if (!strcmp(a, "--l1")) { opt.regularization = NND_L1;
        } else if (!strcmp(a, "--train-size")) { NEEDS_VALUE; train_size = (int)parse_int(a, v, 1, 1000000000);
        } else if (!strcmp(a, "--seed")) { NEEDS_VALUE; seed = parse_int(a, v, 0, 2147483647L);
        } else if (!strcmp(a, "--evaluate-on")) {
            NEEDS_VALUE;
            if (strcmp(v, "validation") && strcmp(v, "test"))
                die("--evaluate-on: '%s' is not validation or test%s", v, "");
            eval_on = v;
        } else if (!strcmp(a, "--monitor-evaluation-accuracy")) { opt.monitor_evaluation_accuracy = 1;
        } else if (!strcmp(a, "--monitor-evaluation-cost")) { opt.monitor_evaluation_cost = 1;
        } else if (!strcmp(a, "--monitor-training-accuracy")) { opt.monitor_training_accuracy = 1;
        } else if (!strcmp(a, "--monitor-training-cost")) { opt.monitor_training_cost = 1;
        } else if (!strcmp(a, "--save")) { NEEDS_VALUE; save = v;
        } else if (!strcmp(a, "--load")) { NEEDS_VALUE; load = v;
        } else if (!strcmp(a, "--plot-data")) { NEEDS_VALUE; plot = v;
        } else if (!strcmp(a, "--dense")) { dense = 1;
        } else if (!strcmp(a, "--threads")) { NEEDS_VALUE; threads = (int)parse_int(a, v, 1, 4096);
        } else {
            die("unknown option '%s' (see --help)%s", a, "");
        }
#undef NEEDS_VALUE
    }
    n_sizes = parse_sizes(sizes_arg, sizes, 64);
    /* the outputs are checked before the run, not after it */
    if ((save && output_check(save, &err) != NND_OK) || (plot && output_check(plot, &err) != NND_OK)) {
        fprintf(stderr, "network2: error: %s\n", err.message);
        return 1;
    }
    if (!opt.monitor_evaluation_accuracy && !opt.monitor_evaluation_cost &&
        !opt.monitor_training_accuracy && !opt.monitor_training_cost)
        opt.monitor_evaluation_accuracy = 1; /* a run should say how well it did */

    if (nnd_mnist_load(data_dir, &mnist, &err) != NND_OK) {
        fprintf(stderr, "network2: error: %s\n", err.message);
        if (err.status == NND_ERR_IO) fprintf(stderr, "network2: (run `make data` to fetch MNIST)\n");
        return 1;
    }
    if (train_size > mnist.training.n)
        die("--train-size: at most %s images are available%s", "50000", "");
    training = nnd_data_slice(&mnist.training, 0, train_size);
    evaluation = !strcmp(eval_on, "test") ? &mnist.test : &mnist.validation;

    nnd_rng_seed(&rng, (uint64_t)seed);
    if (load) {
        net = nnd_network2_load(load, &err);
        if (!net) {
            fprintf(stderr, "network2: error: %s\n", err.message);
            nnd_mnist_free(&mnist);
            return 1;
        }
        if (nnd_input_size(net) != training.n_in) {
            fprintf(stderr, "network2: error: %s: the network takes %d inputs, the images have %d\n",
                    load, nnd_input_size(net), training.n_in);
            nnd_free(net);
            nnd_mnist_free(&mnist);
            return 1;
        }
    } else {
        if (sizes[0] != training.n_in)
            die("--sizes: the first layer must match the %s pixels of an image%s", "784", "");
        net = nnd_network2(sizes, n_sizes, cost, &rng, &st);
        if (!net) {
            fprintf(stderr, "network2: error: %s\n", nnd_strerror(st));
            nnd_mnist_free(&mnist);
            return 1;
        }
        if (!strcmp(init, "large")) nnd_large_weight_initializer(net, &rng);
    }
    if (dense) nnd_set_sparse_input(net, NND_INPUT_DENSE);
    if (threads) nnd_set_threads(net, threads);

    if (opt.epochs == 0) {
        int correct = 0;
        if ((st = nnd_accuracy(net, &mnist.test, &correct)) != NND_OK) {
            fprintf(stderr, "network2: error: %s (does the network have %d outputs?)\n",
                    nnd_strerror(st), 10);
            nnd_free(net);
            nnd_mnist_free(&mnist);
            return 1;
        }
        printf("Accuracy on test data: %d / %d\n", correct, mnist.test.n);
        nnd_free(net);
        nnd_mnist_free(&mnist);
        return 0;
    }

    r.seconds = (double *)calloc((size_t)opt.epochs, sizeof(double));
    r.monitor_ea = opt.monitor_evaluation_accuracy;
    r.monitor_ec = opt.monitor_evaluation_cost;
    r.monitor_ta = opt.monitor_training_accuracy;
    r.monitor_tc = opt.monitor_training_cost;
    opt.evaluation_data = evaluation;
    opt.rng = &rng;
    opt.on_epoch = on_epoch;
    opt.user = &r;
    r.t0 = now();
    st = nnd_sgd(net, &training, &opt, &hist);
    if (st != NND_OK) {
        fprintf(stderr, "network2: error: training stopped after %d epoch%s: %s\n", hist.epochs,
                hist.epochs == 1 ? "" : "s", nnd_strerror(st));
    }
    diverged = hist.diverging_epoch >= 0;
    if (hist.evaluation_accuracy && hist.epochs > 0) {
        int best = 0, e;
        for (e = 1; e < hist.epochs; ++e)
            if (hist.evaluation_accuracy[e] > hist.evaluation_accuracy[best]) best = e;
        printf("Best accuracy on %s data: %d / %d (%.2f%%) at epoch %d\n", eval_on,
               hist.evaluation_accuracy[best], evaluation->n,
               100.0 * hist.evaluation_accuracy[best] / evaluation->n, best);
    }
    /* the model first: a side output that fails must not cost the run */
    if (save && hist.epochs > 0) {
        if (st != NND_OK)
            fprintf(stderr, "network2: error: %s not saved: training did not finish\n", save);
        else if (nnd_network2_save(net, save, &err) != NND_OK) {
            fprintf(stderr, "network2: error: %s\n", err.message);
            st = err.status;
        } else
            printf("saved %s\n", save);
    }
    if (plot && hist.epochs > 0) {
        text t;
        int e;
        memset(&t, 0, sizeof t);
        text_printf(&t, "# build/network2 run: sizes=%s cost=%s init=%s epochs=%d mini_batch=%d "
                        "eta=%g lambda=%g regularization=%s momentum=%g train_size=%d seed=%ld "
                        "evaluate_on=%s%s\n",
                    sizes_arg, cost == NND_CROSS_ENTROPY ? "ce" : "quadratic", load ? "loaded" : init,
                    opt.epochs, opt.mini_batch_size, opt.eta, opt.lmbda,
                    opt.regularization == NND_L1 ? "L1" : "L2", opt.momentum, train_size, seed,
                    eval_on, sizeof(nnd_real) == 8 ? " real=double" : " real=float");
        text_printf(&t, "# columns: epoch evaluation_accuracy_percent evaluation_cost "
                        "training_accuracy_percent training_cost seconds  (NaN = not monitored)\n");
        for (e = 0; e < hist.epochs; ++e) {
            text_printf(&t, "%d", e);
            if (hist.evaluation_accuracy)
                text_printf(&t, " %.2f", 100.0 * hist.evaluation_accuracy[e] / evaluation->n);
            else text_printf(&t, " NaN");
            if (hist.evaluation_cost) text_printf(&t, " %.8g", hist.evaluation_cost[e]);
            else text_printf(&t, " NaN");
            if (hist.training_accuracy)
                text_printf(&t, " %.3f", 100.0 * hist.training_accuracy[e] / training.n);
            else text_printf(&t, " NaN");
            if (hist.training_cost) text_printf(&t, " %.8g", hist.training_cost[e]);
            else text_printf(&t, " NaN");
            text_printf(&t, " %.3f\n", r.seconds[e]);
        }
        if (text_save(&t, plot, &err) != NND_OK) {
            fprintf(stderr, "network2: error: %s\n", err.message);
            if (st == NND_OK) st = err.status;
        }
        text_free(&t);
    }
    nnd_history_free(&hist);
    free(r.seconds);
    nnd_free(net);
    nnd_mnist_free(&mnist);
    /* 3: the run finished and its model is saved, but training diverged */
    return st != NND_OK ? 1 : diverged ? 3 : 0;
}
