/* network2 - the book's network2.py runs from the command line.

   build/network2 --sizes 784,30,10 --eta 0.5 --lambda 5 --init large \
                  --monitor-evaluation-accuracy

   Prints network2's per-epoch lines ("Epoch k training complete", "Accuracy on
   evaluation data: X / N", ...) with each epoch's wall time. See --help. */
#define _POSIX_C_SOURCE 199309L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "cli_files.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *usage =
    "usage: network2 [options]\n"
    "Train and evaluate a network2.py-style network (dense sigmoid layers) on MNIST.\n"
    "Options take their value as --name VALUE or --name=VALUE.\n"
    "\n"
    "  --data DIR                 MNIST IDX files (default data/mnist)\n"
    "  --sizes A,B,...            layer sizes (default 784,30,10): the first is the image's\n"
    "                             784 pixels, the last the data's 10 classes\n"
    "  --cost ce|quadratic        cost function (default ce = CrossEntropyCost)\n"
    "  --init default|large       weights N(0,1/n_in) or N(0,1) (default: default)\n"
    "  --epochs N                 training epochs (default 30; 0 = only evaluate)\n"
    "  --mini-batch M             mini-batch size (default 10)\n"
    "  --eta E                    learning rate (default 0.5)\n"
    "  --lambda L                 regularisation parameter (default 0)\n"
    "  --l1                       L1 instead of L2 regularisation (needs --lambda above 0)\n"
    "  --momentum MU              momentum coefficient (default 0)\n"
    "  --early-stopping N         stop after N epochs without a better evaluation accuracy\n"
    "  --train-size N             use the first N training images (default 50000)\n"
    "  --seed S                   random seed for initialisation and shuffling\n"
    "                             (default 12345678, the seed of the book's scripts)\n"
    "  --evaluate-on validation|test   evaluation data (default validation; with\n"
    "                                  --epochs 0, test)\n"
    "  --monitor-evaluation-accuracy   print and record accuracy on evaluation data\n"
    "                                  (the default when no --monitor-* flag is given)\n"
    "  --monitor-evaluation-cost       ... cost on evaluation data\n"
    "  --monitor-training-accuracy     ... accuracy on training data\n"
    "  --monitor-training-cost         ... cost on training data\n"
    "  --save FILE                save the net after the last epoch (network2.py JSON)\n"
    "  --save-best FILE           save the net of the epoch with the best evaluation\n"
    "                             accuracy, the one the 'Best accuracy' line names (the\n"
    "                             first of equal ones); written whenever an epoch beats\n"
    "                             the best so far, so it survives a run that fails later\n"
    "  --export-onnx FILE         write the net that --save writes (after the last epoch,\n"
    "                             or as loaded with --epochs 0) as an ONNX model for ONNX\n"
    "                             Runtime and other runtimes (input [N, 784], pixel/256)\n"
    "  --load FILE                start from a saved network (network2.py JSON, or an nnd\n"
    "                             file of dense sigmoid layers) instead of a new one\n"
    "  --plot-data FILE           write the per-epoch monitors as gnuplot data\n"
    "  --dense                    use the dense kernels for the input layer too\n"
    "  --threads T                OpenMP threads (default: OpenMP's; results do not depend on\n"
    "                             it; at mini-batch 10 one thread is fastest)\n"
    "  --help                     this text\n";
static const char *usage_rules =
    "\n"
    "With --epochs 0 nothing is trained: the net (loaded, or new) is evaluated on the\n"
    "test data (or the --evaluate-on data), and --save and --export-onnx write it as it is.\n"
    "An option that cannot apply to the run is refused, never ignored:\n"
    "  with --load: --sizes, --cost and --init (the file gives the net), and --seed\n"
    "    when nothing is trained;\n"
    "  with --epochs 0: every option of training (--mini-batch, --eta, --lambda, --l1,\n"
    "    --momentum, --early-stopping, --train-size, --monitor-*, --save-best,\n"
    "    --plot-data);\n"
    "  --l1 without --lambda above 0; --evaluate-on when nothing is evaluated (only\n"
    "    training monitors, no early stopping); --save-best without the evaluation\n"
    "    accuracy monitored; two outputs with the same file; an option given twice;\n"
    "  --threads above 1 in a build without OpenMP.\n"
    "On a terminal, an epoch that has run for 2 s (NND_PROGRESS_AFTER=S in the environment:\n"
    "S seconds) shows a progress line, redrawn in place; a log (output not a terminal) gets\n"
    "the per-epoch lines only.\nThe progress line: " CLI_PROGRESS_NOTE ".\n"
    "Every output path is checked before training; the model is saved before the plot data.\n"
    "Exit status: 0 done; 1 a file could not be read or written, or training failed; 2 a bad\n"
    "option; 3 done and saved, but training diverged (a parameter beyond 1e4: see the warning).\n";

static const char *const costs[] = {"ce", "cross-entropy", "quadratic", NULL};
static const char *const inits[] = {"default", "large", NULL};
static const char *const eval_sets[] = {"validation", "test", NULL};

enum {
    O_DATA, O_SIZES, O_COST, O_INIT, O_EPOCHS, O_MINI_BATCH, O_ETA, O_LAMBDA, O_L1, O_MOMENTUM,
    O_EARLY, O_TRAIN_SIZE, O_SEED, O_EVAL_ON, O_MEA, O_MEC, O_MTA, O_MTC, O_SAVE, O_SAVE_BEST,
    O_EXPORT_ONNX, O_LOAD, O_PLOT, O_DENSE, O_THREADS, N_OPTS
};

static cli_opt opts[N_OPTS] = {
    [O_DATA] = {.name = "--data", .kind = CLI_TEXT, .what = "a folder"},
    [O_SIZES] = {.name = "--sizes", .kind = CLI_TEXT, .what = "a list like 784,30,10"},
    [O_COST] = {.name = "--cost", .kind = CLI_CHOICE, .choices = costs},
    [O_INIT] = {.name = "--init", .kind = CLI_CHOICE, .choices = inits},
    [O_EPOCHS] = {.name = "--epochs", .kind = CLI_COUNT, .min = 0, .max = 1000000},
    [O_MINI_BATCH] = {.name = "--mini-batch", .kind = CLI_COUNT, .min = 1, .max = 1000000},
    [O_ETA] = {.name = "--eta", .kind = CLI_REAL, .what = "a positive number", .lo = 0, .lo_open = 1, .hi = 1e300},
    [O_LAMBDA] = {.name = "--lambda", .kind = CLI_REAL, .what = "a number >= 0", .lo = 0, .hi = 1e300},
    [O_L1] = {.name = "--l1", .kind = CLI_SWITCH},
    [O_MOMENTUM] = {.name = "--momentum", .kind = CLI_REAL, .what = "a number in -1000..1000", .lo = -1e3,
                    .hi = 1e3},
    [O_EARLY] = {.name = "--early-stopping", .kind = CLI_COUNT, .min = 1, .max = 1000000},
    [O_TRAIN_SIZE] = {.name = "--train-size", .kind = CLI_COUNT, .min = 1, .max = 1000000000},
    [O_SEED] = {.name = "--seed", .kind = CLI_COUNT, .min = 0, .max = ULLONG_MAX},
    [O_EVAL_ON] = {.name = "--evaluate-on", .kind = CLI_CHOICE, .choices = eval_sets},
    [O_MEA] = {.name = "--monitor-evaluation-accuracy", .kind = CLI_SWITCH},
    [O_MEC] = {.name = "--monitor-evaluation-cost", .kind = CLI_SWITCH},
    [O_MTA] = {.name = "--monitor-training-accuracy", .kind = CLI_SWITCH},
    [O_MTC] = {.name = "--monitor-training-cost", .kind = CLI_SWITCH},
    [O_SAVE] = {.name = "--save", .kind = CLI_TEXT, .what = "a file name"},
    [O_SAVE_BEST] = {.name = "--save-best", .kind = CLI_TEXT, .what = "a file name"},
    [O_EXPORT_ONNX] = {.name = "--export-onnx", .kind = CLI_TEXT, .what = "a file name"},
    [O_LOAD] = {.name = "--load", .kind = CLI_TEXT, .what = "a file name"},
    [O_PLOT] = {.name = "--plot-data", .kind = CLI_TEXT, .what = "a file name"},
    [O_DENSE] = {.name = "--dense", .kind = CLI_SWITCH},
    [O_THREADS] = {.name = "--threads", .kind = CLI_COUNT, .min = 1, .max = 4096},
};

#define GIVEN(o) (opts[o].given)
#define PROG "network2"

/* A run's error (a file, the data, training): one line, exit status 1. */
static CLI_NORETURN void fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, PROG ": error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
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
    cli_progress progress;
    /* --save-best: the file, the net, the best evaluation accuracy so far
       and its epoch (-1: none yet), and the error of a save that failed */
    const char *best_path;
    const nnd_net *net;
    int best_accuracy, best_epoch, best_failed;
    char best_error[sizeof(((nnd_error *)0)->message)];
} run;

/* --save-best after epoch e: an accuracy above the best so far (the first
   of equal ones stays, as in the 'Best accuracy' line) is written now. */
static void save_best(run *r, const nnd_epoch *e)
{
    nnd_error err;
    if (!r->best_path || r->best_failed || e->evaluation_accuracy <= r->best_accuracy) return;
    if (nnd_network2_save(r->net, r->best_path, &err) != NND_OK) {
        snprintf(r->best_error, sizeof r->best_error, "%s", err.message);
        r->best_failed = 1;
        return;
    }
    r->best_accuracy = e->evaluation_accuracy;
    r->best_epoch = e->epoch;
}

/* Called by nnd_sgd after every epoch: network2's lines plus the time. */
static int on_epoch(const nnd_epoch *e, void *user)
{
    run *r = (run *)user;
    double t = now();
    cli_progress_clear(&r->progress, stdout);
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
    save_best(r, e);
    cli_warn_diverging(e, &r->warned, PROG);
    r->t0 = now(); /* the monitors' time is not the next epoch's */
    cli_progress_start(&r->progress, r->t0);
    return 0;
}

#ifdef NND_HAS_ON_BATCH
/* Called by nnd_sgd after every mini-batch: the progress line. */
static void on_batch(int epoch, int done, int n, void *user)
{
    run *r = (run *)user;
    cli_progress_batch(&r->progress, epoch, done, n, now(), stdout);
}
#endif

/* --sizes A,B,...: at least two sizes 1..100000, digits and commas only. */
static int parse_sizes(const char *s, int *sizes, int max)
{
    int n = 0;
    const char *p = s;
    for (;;) {
        long v = 0;
        const char *start = p;
        while (*p >= '0' && *p <= '9' && v <= 100000) v = 10 * v + (*p++ - '0');
        if (p == start || v < 1 || v > 100000 || n == max || (*p && *p != ','))
            cli_fail(PROG, "--sizes", "expected a list like 784,30,10 (sizes 1..100000), got '%s'", s);
        sizes[n++] = (int)v;
        if (!*p) break;
        ++p; /* ',' */
    }
    if (n < 2) cli_fail(PROG, "--sizes", "expected at least two layers (inputs and outputs), got '%s'", s);
    return n;
}

/* The option that cannot apply to this run, refused with why. */
static void refuse(int o, const char *why) { cli_fail(PROG, opts[o].name, "%s", why); }

/* The rules of --help's "An option that cannot apply ...". */
static void check_combinations(void)
{
    static const int training_only[] = {O_MINI_BATCH, O_ETA, O_LAMBDA, O_L1, O_MOMENTUM, O_EARLY,
                                        O_TRAIN_SIZE, O_MEA, O_MEC, O_MTA, O_MTC, O_SAVE_BEST, O_PLOT};
    static const int outputs[] = {O_SAVE, O_SAVE_BEST, O_PLOT, O_EXPORT_ONNX};
    const int load = GIVEN(O_LOAD), train = !GIVEN(O_EPOCHS) || opts[O_EPOCHS].count > 0;
    const int any_monitor = GIVEN(O_MEA) || GIVEN(O_MEC) || GIVEN(O_MTA) || GIVEN(O_MTC);
    const int eval_acc = GIVEN(O_MEA) || !any_monitor; /* the default monitor */
    size_t i, j;
    if (load && GIVEN(O_SIZES)) refuse(O_SIZES, "the net comes from --load (its file gives the layers)");
    if (load && GIVEN(O_COST)) refuse(O_COST, "the net comes from --load (its file gives the cost)");
    if (load && GIVEN(O_INIT)) refuse(O_INIT, "the net comes from --load (its file gives the weights)");
    if (!train) {
        for (i = 0; i < sizeof training_only / sizeof *training_only; ++i)
            if (GIVEN(training_only[i])) refuse(training_only[i], "nothing is trained with --epochs 0");
        if (load && GIVEN(O_SEED))
            refuse(O_SEED, "nothing is random with --load and --epochs 0 (no initialisation, no shuffling)");
        return;
    }
    if (GIVEN(O_L1) && (!GIVEN(O_LAMBDA) || opts[O_LAMBDA].real == 0))
        refuse(O_L1, "needs --lambda above 0 (L1 with lambda 0 is no regularisation)");
    if (GIVEN(O_EVAL_ON) && !eval_acc && !GIVEN(O_MEC) && !GIVEN(O_EARLY))
        refuse(O_EVAL_ON, "nothing is evaluated (the --monitor-* options given are of the training data; "
                          "add --monitor-evaluation-accuracy)");
    if (GIVEN(O_SAVE_BEST) && !eval_acc)
        refuse(O_SAVE_BEST, "the best epoch is the one of the best evaluation accuracy: add "
                            "--monitor-evaluation-accuracy");
    for (i = 0; i < sizeof outputs / sizeof *outputs; ++i)
        for (j = 0; j < i; ++j)
            if (GIVEN(outputs[i]) && GIVEN(outputs[j]) && !strcmp(opts[outputs[i]].text, opts[outputs[j]].text))
                cli_fail(PROG, opts[outputs[i]].name, "'%s' is also the file of %s", opts[outputs[i]].text,
                         opts[outputs[j]].name);
}

/* Whether net is a network2 net: dense sigmoid layers without dropout,
   quadratic or cross-entropy cost (what network2.py's format holds). */
static int is_network2(const nnd_net *net)
{
    int l;
    if (nnd_net_cost(net) == NND_LOG_LIKELIHOOD) return 0;
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        if (d.kind != NND_LAYER_DENSE || d.activation != NND_SIGMOID || d.p_dropout != 0) return 0;
    }
    return 1;
}

/* "784,30,10": the net's sizes, for the plot data's header. */
static void sizes_text(const nnd_net *net, char *out, size_t cap)
{
    int l;
    snprintf(out, cap, "%d", nnd_input_size(net));
    for (l = 0; l < nnd_num_layers(net); ++l) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, ",%d", nnd_layer_info(net, l).n_out);
    }
}

/* --load: the net of FILE, which must be a network2 net (see --help). */
static nnd_net *load_net(const char *path)
{
    char desc[1024];
    nnd_error err;
    nnd_net *net = nnd_load(path, &err);
    if (!net) fail("%s", err.message);
    cli_describe_net(net, desc, sizeof desc);
    if (!is_network2(net)) {
        fprintf(stderr, PROG ": error: %s: not a network2 net (dense sigmoid layers, quadratic or cross-entropy "
                        "cost): %s; build/network3 --load trains any net\n", path, desc);
        exit(1);
    }
    printf("loaded %s: %s\n", path, desc);
    return net;
}

/* The number of classes of the data: one more than the largest label. */
static int classes_of(const nnd_data *d)
{
    int i, top = -1;
    for (i = 0; d->labels && i < d->n; ++i)
        if (d->labels[i] > top) top = d->labels[i];
    return top + 1;
}

/* --epochs 0: the net's accuracy on the evaluation data; --save writes it. */
static int evaluate_only(nnd_net *net, const nnd_data *data, const char *name, const char *save, const char *onnx,
                         int loaded)
{
    nnd_error err;
    int correct = 0;
    if (nnd_accuracy(net, data, &correct) != NND_OK)
        fail("evaluation failed: %s", nnd_net_error(net)->message);
    printf("Accuracy on %s data: %d / %d\n", name, correct, data->n);
    if (save) {
        if (nnd_network2_save(net, save, &err) != NND_OK) fail("%s", err.message);
        printf("saved %s (network2.py JSON): the net %s, untrained\n", save, loaded ? "as loaded" : "as initialised");
    }
    if (onnx && cli_export_onnx(PROG, net, onnx, loaded ? "the net as loaded" : "the net as initialised, untrained"))
        return 1;
    return 0;
}

/* --plot-data: the per-epoch monitors as gnuplot data. */
static int write_plot(const char *path, const nnd_net *net, const nnd_history *hist, const run *r,
                      const nnd_sgd_options *opt, const nnd_data *training, const nnd_data *evaluation)
{
    nnd_error err;
    char sizes[1024];
    text t;
    int e, st;
    sizes_text(net, sizes, sizeof sizes);
    memset(&t, 0, sizeof t);
    text_printf(&t, "# build/network2 run: sizes=%s cost=%s init=%s epochs=%d mini_batch=%d "
                    "eta=%g lambda=%g regularization=%s momentum=%g train_size=%d seed=%llu "
                    "evaluate_on=%s%s\n",
                sizes, nnd_net_cost(net) == NND_CROSS_ENTROPY ? "ce" : "quadratic",
                GIVEN(O_LOAD) ? "loaded" : GIVEN(O_INIT) ? opts[O_INIT].text : "default", opt->epochs,
                opt->mini_batch_size, opt->eta, opt->lmbda, opt->regularization == NND_L1 ? "L1" : "L2",
                opt->momentum, training->n, GIVEN(O_SEED) ? opts[O_SEED].count : 12345678ull,
                GIVEN(O_EVAL_ON) ? opts[O_EVAL_ON].text : "validation",
                sizeof(nnd_real) == 8 ? " real=double" : " real=float");
    text_printf(&t, "# columns: epoch evaluation_accuracy_percent evaluation_cost "
                    "training_accuracy_percent training_cost seconds  (NaN = not monitored)\n");
    for (e = 0; e < hist->epochs; ++e) {
        text_printf(&t, "%d", e);
        if (hist->evaluation_accuracy) text_printf(&t, " %.2f", 100.0 * hist->evaluation_accuracy[e] / evaluation->n);
        else text_printf(&t, " NaN");
        if (hist->evaluation_cost) text_printf(&t, " %.8g", hist->evaluation_cost[e]);
        else text_printf(&t, " NaN");
        if (hist->training_accuracy) text_printf(&t, " %.3f", 100.0 * hist->training_accuracy[e] / training->n);
        else text_printf(&t, " NaN");
        if (hist->training_cost) text_printf(&t, " %.8g", hist->training_cost[e]);
        else text_printf(&t, " NaN");
        text_printf(&t, " %.3f\n", r->seconds[e]);
    }
    if ((st = text_save(&t, path, &err)) != NND_OK) fprintf(stderr, PROG ": error: %s\n", err.message);
    text_free(&t);
    return st;
}

int main(int argc, char **argv)
{
    const char *data_dir, *save, *save_best, *plot, *eval_name, *onnx;
    int sizes[64], n_sizes = 0, st, train_size, diverged = 0, classes, pst_onnx;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_mnist mnist;
    nnd_error err;
    nnd_rng rng;
    nnd_net *net = NULL;
    nnd_history hist;
    nnd_data training;
    const nnd_data *evaluation;
    run r;

    if (cli_parse(PROG, opts, N_OPTS, argc, argv)) {
        fputs(usage, stdout);
        fputs(usage_rules, stdout);
        return 0;
    }
    check_combinations();
#ifndef _OPENMP
    if (GIVEN(O_THREADS) && opts[O_THREADS].count > 1)
        cli_fail(PROG, "--threads", "this build has no OpenMP and runs on one thread (build with -fopenmp)");
#endif
    data_dir = GIVEN(O_DATA) ? opts[O_DATA].text : "data/mnist";
    save = opts[O_SAVE].text;
    save_best = opts[O_SAVE_BEST].text;
    plot = opts[O_PLOT].text;
    onnx = opts[O_EXPORT_ONNX].text;
    if (GIVEN(O_EPOCHS)) opt.epochs = (int)opts[O_EPOCHS].count;
    if (GIVEN(O_MINI_BATCH)) opt.mini_batch_size = (int)opts[O_MINI_BATCH].count;
    if (GIVEN(O_ETA)) opt.eta = opts[O_ETA].real;
    opt.lmbda = GIVEN(O_LAMBDA) ? opts[O_LAMBDA].real : 0.0;
    if (GIVEN(O_MOMENTUM)) opt.momentum = opts[O_MOMENTUM].real;
    if (GIVEN(O_EARLY)) opt.early_stopping_patience = (int)opts[O_EARLY].count;
    if (GIVEN(O_L1)) opt.regularization = NND_L1;
    opt.monitor_evaluation_accuracy = GIVEN(O_MEA);
    opt.monitor_evaluation_cost = GIVEN(O_MEC);
    opt.monitor_training_accuracy = GIVEN(O_MTA);
    opt.monitor_training_cost = GIVEN(O_MTC);
    if (!opt.monitor_evaluation_accuracy && !opt.monitor_evaluation_cost &&
        !opt.monitor_training_accuracy && !opt.monitor_training_cost)
        opt.monitor_evaluation_accuracy = 1; /* a run should say how well it did */
    train_size = GIVEN(O_TRAIN_SIZE) ? (int)opts[O_TRAIN_SIZE].count : 50000;
    if (!GIVEN(O_LOAD)) n_sizes = parse_sizes(GIVEN(O_SIZES) ? opts[O_SIZES].text : "784,30,10", sizes, 64);
    /* the outputs are checked before the run, not after it */
    if ((save && output_check(save, &err) != NND_OK) || (save_best && output_check(save_best, &err) != NND_OK) ||
        (plot && output_check(plot, &err) != NND_OK) || (onnx && output_check(onnx, &err) != NND_OK))
        fail("%s", err.message);
    if (GIVEN(O_LOAD)) net = load_net(opts[O_LOAD].text);

    if (nnd_mnist_load(data_dir, &mnist, &err) != NND_OK) {
        fprintf(stderr, PROG ": error: %s\n", err.message);
        if (err.status == NND_ERR_IO) fprintf(stderr, PROG ": (run `make data` to fetch MNIST)\n");
        return 1;
    }
    if (train_size > mnist.training.n)
        cli_fail(PROG, "--train-size", "expected at most the %d training images there are, got %d", mnist.training.n,
                 train_size);
    training = nnd_data_slice(&mnist.training, 0, train_size);
    classes = classes_of(&mnist.training);
    /* the evaluation data: --evaluate-on's, else validation while training
       and test when only evaluating */
    eval_name = GIVEN(O_EVAL_ON) ? opts[O_EVAL_ON].text : opt.epochs > 0 ? "validation" : "test";
    evaluation = !strcmp(eval_name, "test") ? &mnist.test : &mnist.validation;

    nnd_rng_seed(&rng, GIVEN(O_SEED) ? (uint64_t)opts[O_SEED].count : 12345678u); /* the book's scripts' seed */
    if (net) {
        if (nnd_input_size(net) != training.n_in)
            fail("%s: the network takes %d inputs, the images have %d", opts[O_LOAD].text, nnd_input_size(net),
                 training.n_in);
        if (nnd_output_size(net) != classes)
            fail("%s: the network has %d outputs, the data %d classes", opts[O_LOAD].text, nnd_output_size(net),
                 classes);
    } else {
        if (sizes[0] != training.n_in)
            cli_fail(PROG, "--sizes", "the first layer must match the %d pixels of an image, got %d", training.n_in,
                     sizes[0]);
        if (sizes[n_sizes - 1] != classes)
            cli_fail(PROG, "--sizes", "the last layer must match the %d classes of the data, got %d", classes,
                     sizes[n_sizes - 1]);
        net = nnd_network2(sizes, n_sizes, GIVEN(O_COST) && opts[O_COST].choice == 2 ? NND_QUADRATIC
                                                                                   : NND_CROSS_ENTROPY,
                           &rng, &st);
        if (!net) fail("cannot create the network: %s", nnd_strerror(st));
        if (GIVEN(O_INIT) && opts[O_INIT].choice == 1) nnd_large_weight_initializer(net, &rng);
    }
    if (GIVEN(O_DENSE)) nnd_set_sparse_input(net, NND_INPUT_DENSE);
    if (GIVEN(O_THREADS)) nnd_set_threads(net, (int)opts[O_THREADS].count);

    if (opt.epochs == 0) {
        st = evaluate_only(net, evaluation, eval_name, save, onnx, GIVEN(O_LOAD));
        nnd_free(net);
        nnd_mnist_free(&mnist);
        return st;
    }

    memset(&r, 0, sizeof r);
    r.seconds = (double *)calloc((size_t)opt.epochs, sizeof(double));
    if (!r.seconds) fail("out of memory");
    r.monitor_ea = opt.monitor_evaluation_accuracy;
    r.monitor_ec = opt.monitor_evaluation_cost;
    r.monitor_ta = opt.monitor_training_accuracy;
    r.monitor_tc = opt.monitor_training_cost;
    cli_progress_init(&r.progress, isatty(fileno(stdout)), PROG);
    r.best_path = save_best;
    r.net = net;
    r.best_accuracy = r.best_epoch = -1;
    opt.evaluation_data = evaluation;
    opt.rng = &rng;
    opt.on_epoch = on_epoch;
#ifdef NND_HAS_ON_BATCH
    opt.on_batch = on_batch;
#endif
    opt.user = &r;
    r.t0 = now();
    cli_progress_start(&r.progress, r.t0);
    st = nnd_sgd(net, &training, &opt, &hist);
    cli_progress_clear(&r.progress, stdout);
    if (st != NND_OK)
        fprintf(stderr, PROG ": error: training stopped after %d epoch%s: %s\n", hist.epochs, cli_s(hist.epochs),
                nnd_net_error(net)->message[0] ? nnd_net_error(net)->message : nnd_strerror(st));
    diverged = hist.diverging_epoch >= 0;
    if (st == NND_OK && hist.stopped_early)
        printf("Early stopping: no better evaluation accuracy in the last %d epoch%s\n", opt.early_stopping_patience,
               cli_s(opt.early_stopping_patience));
    if (hist.evaluation_accuracy && hist.epochs > 0) {
        int best = 0, e;
        for (e = 1; e < hist.epochs; ++e)
            if (hist.evaluation_accuracy[e] > hist.evaluation_accuracy[best]) best = e;
        printf("Best accuracy on %s data: %d / %d (%.2f%%) at epoch %d\n", eval_name,
               hist.evaluation_accuracy[best], evaluation->n,
               100.0 * hist.evaluation_accuracy[best] / evaluation->n, best);
    }
    /* the models first: a side output that fails must not cost the run */
    if (save_best && r.best_failed) {
        fprintf(stderr, PROG ": error: %s\n", r.best_error);
        if (st == NND_OK) st = NND_ERR_IO;
    } else if (save_best && r.best_epoch >= 0)
        printf("saved %s (network2.py JSON): the net of epoch %d, the best accuracy on %s data, %d / %d\n",
               save_best, r.best_epoch, eval_name, r.best_accuracy, evaluation->n);
    if (save && hist.epochs > 0) {
        if (st != NND_OK)
            fprintf(stderr, PROG ": error: %s not saved: training did not finish\n", save);
        else if (nnd_network2_save(net, save, &err) != NND_OK) {
            fprintf(stderr, PROG ": error: %s\n", err.message);
            st = err.status;
        } else
            printf("saved %s (network2.py JSON): the net after the last epoch, %d (%d epoch%s of training)\n", save,
                   hist.epochs - 1, hist.epochs, cli_s(hist.epochs));
    }
    if (onnx && hist.epochs > 0) {
        char what[96];
        snprintf(what, sizeof what, "the net after the last epoch, %d", hist.epochs - 1);
        if (st != NND_OK)
            fprintf(stderr, PROG ": error: %s not written: training did not finish\n", onnx);
        else if ((pst_onnx = cli_export_onnx(PROG, net, onnx, what)) != NND_OK)
            st = pst_onnx;
    }
    if (plot && hist.epochs > 0) {
        int pst = write_plot(plot, net, &hist, &r, &opt, &training, evaluation);
        if (st == NND_OK) st = pst;
    }
    nnd_history_free(&hist);
    free(r.seconds);
    nnd_free(net);
    nnd_mnist_free(&mnist);
    /* 3: the run finished and its model is saved, but training diverged */
    return st != NND_OK ? 1 : diverged ? 3 : 0;
}
