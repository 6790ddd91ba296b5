/* network3 - the chapter 6 runs of network3.py / conv.py from the command line.

   build/network3 --preset conv2-relu            (R6-4: two conv-pool layers, ReLU)
   build/network3 --preset ensemble --nets 5     (R6-8: five dropout nets voting)

   Prints network3's lines ("Epoch k: validation accuracy X%", "This is the best
   validation accuracy to date.", "The corresponding test accuracy is Y%", and the
   final summary) with each epoch's wall time. See --help. */
#define _POSIX_C_SOURCE 199309L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "cli_files.h"
#include "imgrid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --help, in pieces a C99 compiler must accept (4095 characters each) */
static const char *const usage[] = {
    "usage: network3 --preset NAME [options]\n"
    "       network3 --load FILE [options]\n"
    "Train network3.py's chapter 6 networks on MNIST (softmax output, log-likelihood).\n"
    "Options take their value as --name VALUE or --name=VALUE.\n"
    "\n"
    "presets (the book's chapter 6 table; epochs/eta/lambda as in conv.py):\n"
    "  shallow      FC(784->100, sigmoid) + softmax; 60 epochs, eta 0.1          (R6-1, 97.80%)\n"
    "  conv         ConvPool(20, 5x5, pool 2x2, sigmoid) + FC100 + softmax       (R6-2, 98.78%)\n"
    "  omit-fc      ConvPool(20) + softmax, no FC layer                          (ch6-ex1)\n"
    "  conv2        ConvPool(20) + ConvPool(40) + FC100 + softmax, sigmoid       (R6-3, 99.06%)\n"
    "  conv2-relu   conv2 with ReLU, eta 0.03, lambda 0.1                        (R6-4, 99.23%)\n"
    "  expanded     conv2-relu on the expanded training data (250,000 images)    (R6-5, 99.37%)\n"
    "  expanded-fc  expanded plus a second FC(100, ReLU)                         (R6-6, 99.43%)\n"
    "  dropout      ConvPool x2 + FC1000 + FC1000 + softmax, dropout 0.5 on each of the last\n"
    "               three layers' inputs, expanded data, 40 epochs, eta 0.03      (R6-7, 99.60%)\n"
    "  ensemble     --nets (default 5) dropout nets, plurality vote on the test set;\n"
    "               writes the misclassified digits and net 0's first-layer filters (R6-8, 99.67%)\n"
    "\n",
    "options:\n"
    "  --data DIR          MNIST IDX files (default data/mnist)\n"
    "  --epochs N          override the preset's epochs (0 = only evaluate)\n"
    "  --eta E             learning rate\n"
    "  --lambda L          L2 parameter (network3's: 0.5 L sum w^2 / number of mini-batches)\n"
    "  --mini-batch M      mini-batch size (default 10)\n"
    "  --seed S            seed for initialisation, expansion, dropout and --shuffle\n"
    "                      (default 12345678)\n"
    "  --train-size N      train on the first N training images (before expansion)\n"
    "  --threads T         threads (default: OpenMP's default; results do not depend on it)\n"
    "  --shuffle           shuffle the training data every epoch (network3 does not)\n"
    "  --fan-in            FC weights N(0,1/n_in) instead of network3's N(0,1/n_out)\n"
    "  --nets K            ensemble size (default 5)\n"
    "  --no-eval           training passes only, no validation/test (for benchmarks); prints\n"
    "                      RESULT seconds_per_epoch=S (the fastest epoch)\n"
    "  --plot-data FILE    per-epoch validation/test accuracy and seconds as gnuplot data\n"
    "  --save FILE         save the net after the last epoch (nnd JSON; ensemble: FILE.0,\n"
    "                      FILE.1, ...)\n"
    "  --save-best FILE    save the net of the best validation epoch, the one the summary's\n"
    "                      'Best validation accuracy' names (network3's rule: the last of equal\n"
    "                      ones); written whenever an epoch reaches the best so far, so that a\n"
    "                      run stopped or continued from a checkpoint keeps it (ensemble: FILE.k;\n"
    "                      a net that --resume loads keeps the file of the run that trained it)\n"
    "  --export-onnx FILE  write the net that --save writes (after the last epoch, or as\n"
    "                      loaded with --epochs 0) as an ONNX model for ONNX Runtime and other\n"
    "                      runtimes (input [N, 784], pixel/256; ensemble: FILE.0, FILE.1, ...)\n"
    "  --load FILE         start from a saved net (nnd JSON or network2.py JSON). Without\n"
    "                      --preset the file says what the net is: it is evaluated, or with\n"
    "                      --epochs N and --eta E trained (lambda 0, mini-batch 10 unless\n"
    "                      given); with --preset it must be that preset's net, trained with\n"
    "                      the preset's settings\n"
    "  --checkpoint FILE   after every epoch write the run's state (the net, the dropout stream,\n"
    "                      the accuracies so far) to FILE (ensemble: FILE.k); when FILE exists\n"
    "                      the run continues from it, to the bits an uninterrupted run gives\n"
    "  --stop-after N      with --checkpoint: stop after N epochs of this run (continue later\n"
    "                      with the same command)\n"
    "  --resume            with --save FILE: a net whose file already exists (FILE, or FILE.k\n"
    "                      for the ensemble) is loaded and evaluated instead of trained, so an\n"
    "                      ensemble stopped part-way continues with the nets it lacks\n"
    "  --net K             ensemble: train (or with --resume load) only net K of the --nets, with\n"
    "                      the seeds it has in the whole ensemble; no vote (see --vote)\n"
    "  --predictions FILE  write each net's predicted class of every test image to FILE\n"
    "                      (ensemble: FILE.k), one per line, for --vote\n"
    "  --vote F0,F1,...    ensemble: no training; the plurality vote of the nets whose\n"
    "                      --predictions files are given (in net order), as a whole run votes\n"
    "  --errors-png FILE   ensemble: misclassified test digits (default plots/ensemble_errors.png)\n"
    "  --filters-png FILE  first-layer filters of (the first) net, or of net K with --net K\n"
    "                      (default for the ensemble: plots/net_full_layer_0.png, from net 0)\n"
    "  --help              this text\n"
    "\n",
    "An option that cannot apply to the run is refused, never ignored:\n"
    "  with --load: --fan-in (nothing is initialised), --preset ensemble, --resume,\n"
    "    --checkpoint; without --preset, --epochs above 0 needs --eta; --seed when nothing\n"
    "    is random (no training, or a net without dropout and no --shuffle);\n"
    "  with --epochs 0: every option of training (--eta, --lambda, --mini-batch, --shuffle,\n"
    "    --train-size, --no-eval, --plot-data, --save-best, --checkpoint, --stop-after);\n"
    "  with --no-eval: --save-best, --plot-data, and the ensemble's vote (use --net K);\n"
    "  with --vote: every option of training or of a net;\n"
    "  --nets, --net and --errors-png without --preset ensemble, --errors-png with --net K;\n"
    "  --stop-after without --checkpoint, or not below the epochs; --resume without --save;\n"
    "  --filters-png for a net whose first layer is not convolutional; two outputs with\n"
    "    the same file; an option given twice; --threads above 1 without OpenMP.\n"
    "With --epochs 0 the net (loaded, or new) is evaluated and --save and --export-onnx\n"
    "write it as it is.\n"
    "On a terminal, an epoch that has run for 2 s (NND_PROGRESS_AFTER=S in the environment:\n"
    "S seconds) shows a progress line, redrawn in place; a log (output not a terminal) gets\n"
    "the per-epoch lines only.\nThe progress line: " CLI_PROGRESS_NOTE ".\n"
    "Every output path is checked before training; each net is saved before its side outputs.\n"
    "Exit status: 0 done; 1 a file could not be read or written; 2 a bad option or input file;\n"
    "3 done and saved, but training diverged (a parameter beyond 1e4: see the warning).\n",
    NULL};

#define PROG "network3"

static const char *const presets[] = {"shallow", "conv", "omit-fc", "conv2", "conv2-relu", "expanded",
                                      "expanded-fc", "dropout", "ensemble", NULL};

enum {
    O_PRESET, O_DATA, O_EPOCHS, O_ETA, O_LAMBDA, O_MINI_BATCH, O_SEED, O_TRAIN_SIZE, O_THREADS,
    O_SHUFFLE, O_FAN_IN, O_NETS, O_NO_EVAL, O_PLOT, O_SAVE, O_SAVE_BEST, O_EXPORT_ONNX, O_LOAD,
    O_CHECKPOINT, O_STOP_AFTER, O_RESUME, O_NET, O_PREDICTIONS, O_VOTE, O_ERRORS_PNG, O_FILTERS_PNG, N_OPTS
};

static cli_opt opts[N_OPTS] = {
    [O_PRESET] = {.name = "--preset", .kind = CLI_CHOICE, .choices = presets},
    [O_DATA] = {.name = "--data", .kind = CLI_TEXT, .what = "a folder"},
    [O_EPOCHS] = {.name = "--epochs", .kind = CLI_COUNT, .min = 0, .max = 1000000},
    [O_ETA] = {.name = "--eta", .kind = CLI_REAL, .what = "a positive number up to 1e6", .lo = 0, .lo_open = 1,
               .hi = 1e6},
    [O_LAMBDA] = {.name = "--lambda", .kind = CLI_REAL, .what = "a number in 0..1e9", .lo = 0, .hi = 1e9},
    [O_MINI_BATCH] = {.name = "--mini-batch", .kind = CLI_COUNT, .min = 1, .max = 1000000},
    [O_SEED] = {.name = "--seed", .kind = CLI_COUNT, .min = 0, .max = ULLONG_MAX},
    [O_TRAIN_SIZE] = {.name = "--train-size", .kind = CLI_COUNT, .min = 1, .max = 100000000},
    [O_THREADS] = {.name = "--threads", .kind = CLI_COUNT, .min = 1, .max = 4096},
    [O_SHUFFLE] = {.name = "--shuffle", .kind = CLI_SWITCH},
    [O_FAN_IN] = {.name = "--fan-in", .kind = CLI_SWITCH},
    [O_NETS] = {.name = "--nets", .kind = CLI_COUNT, .min = 1, .max = 1000},
    [O_NO_EVAL] = {.name = "--no-eval", .kind = CLI_SWITCH},
    [O_PLOT] = {.name = "--plot-data", .kind = CLI_TEXT, .what = "a file name"},
    [O_SAVE] = {.name = "--save", .kind = CLI_TEXT, .what = "a file name"},
    [O_SAVE_BEST] = {.name = "--save-best", .kind = CLI_TEXT, .what = "a file name"},
    [O_EXPORT_ONNX] = {.name = "--export-onnx", .kind = CLI_TEXT, .what = "a file name"},
    [O_LOAD] = {.name = "--load", .kind = CLI_TEXT, .what = "a file name"},
    [O_CHECKPOINT] = {.name = "--checkpoint", .kind = CLI_TEXT, .what = "a file name"},
    [O_STOP_AFTER] = {.name = "--stop-after", .kind = CLI_COUNT, .min = 1, .max = 1000000},
    [O_RESUME] = {.name = "--resume", .kind = CLI_SWITCH},
    [O_NET] = {.name = "--net", .kind = CLI_COUNT, .min = 0, .max = 999},
    [O_PREDICTIONS] = {.name = "--predictions", .kind = CLI_TEXT, .what = "a file name"},
    [O_VOTE] = {.name = "--vote", .kind = CLI_TEXT, .what = "a list of files F0,F1,..."},
    [O_ERRORS_PNG] = {.name = "--errors-png", .kind = CLI_TEXT, .what = "a file name"},
    [O_FILTERS_PNG] = {.name = "--filters-png", .kind = CLI_TEXT, .what = "a file name"},
};

#define GIVEN(o) (opts[o].given)

typedef struct run {
    const char *preset; /* NULL: a --load net without --preset */
    const char *load;
    int epochs, mini_batch, train_size, threads, shuffle, fan_in, nets, no_eval, resume, only_net;
    /* --checkpoint: the file of the current net; epochs done before this
       run (done) and in it (ran); the best validation accuracy so far, its
       epoch and the test accuracy then (network3's rule: ties move it on). */
    const char *checkpoint;
    char ck_path[4096];
    int stop_after, done, ran, best_epoch, best_val, best_test, n_batches, net_index;
    int ck_failed, warned; /* the epoch count of a checkpoint that could not be written; warned */
    char ck_error[240];
    /* --save-best: the current net's file, the epoch it holds (-1: none
       written by this run) and the error of a save that failed */
    char best_path[4096];
    int best_saved, best_failed;
    char best_error[240];
    nnd_net *net;
    double fastest;
    double eta, lambda;
    unsigned long long seed;
    double *seconds;
    int *val, *test;
    double t_epoch;
    cli_progress progress;
    const nnd_data *validation, *testd;
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* An error of an input file or of the run: one line, exit status 2 (a
   file that cannot be written exits 1, where it is met). */
static CLI_NORETURN void die(const char *msg, const char *arg)
{
    fflush(stdout);
    fprintf(stderr, PROG ": error: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    exit(2);
}

/* The preset's layers; returns their number. */
static int preset_layers(const char *p, nnd_layer_spec *L)
{
    const nnd_activation relu = NND_RELU, sig = NND_SIGMOID;
    if (!strcmp(p, "shallow")) {
        L[0] = nnd_fully_connected_layer(100, sig, 0.0);
        L[1] = nnd_softmax_layer(10, 0.0);
        return 2;
    }
    if (!strcmp(p, "conv")) {
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, sig);
        L[1] = nnd_fully_connected_layer(100, sig, 0.0);
        L[2] = nnd_softmax_layer(10, 0.0);
        return 3;
    }
    if (!strcmp(p, "omit-fc")) {
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, sig);
        L[1] = nnd_softmax_layer(10, 0.0);
        return 2;
    }
    if (!strcmp(p, "conv2") || !strcmp(p, "conv2-relu") || !strcmp(p, "expanded") ||
        !strcmp(p, "expanded-fc")) {
        const nnd_activation f = !strcmp(p, "conv2") ? sig : relu;
        int n = 0;
        L[n++] = nnd_conv_pool_layer(20, 5, 5, 2, 2, f);
        L[n++] = nnd_conv_pool_layer(40, 5, 5, 2, 2, f);
        L[n++] = nnd_fully_connected_layer(100, f, 0.0);
        if (!strcmp(p, "expanded-fc")) L[n++] = nnd_fully_connected_layer(100, f, 0.0);
        L[n++] = nnd_softmax_layer(10, 0.0);
        return n;
    }
    if (!strcmp(p, "dropout") || !strcmp(p, "ensemble")) {
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, relu);
        L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, relu);
        L[2] = nnd_fully_connected_layer(1000, relu, 0.5);
        L[3] = nnd_fully_connected_layer(1000, relu, 0.5);
        L[4] = nnd_softmax_layer(10, 0.5);
        return 5;
    }
    return 0;
}

static int write_checkpoint(run *r, int done);
static int same_net(const nnd_net *net, const nnd_layer_spec *L, int n_layers);

/* --save-best: at an epoch that reaches the best validation accuracy so
   far (network3's rule, ties included), the net is written at once. */
static void save_best(run *r, int ep)
{
    nnd_error err;
    if (!r->best_path[0] || r->best_failed) return;
    if (nnd_save(r->net, r->best_path, &err) != NND_OK) {
        snprintf(r->best_error, sizeof r->best_error, "%s", err.message);
        r->best_failed = 1;
    } else
        r->best_saved = ep;
}

static int on_epoch(const nnd_epoch *e, void *user)
{
    run *r = (run *)user;
    const int ep = e->epoch + r->done; /* the epoch's number in the whole run */
    double t = now();
    cli_progress_clear(&r->progress, stdout);
    r->seconds[ep] = t - r->t_epoch;
    r->val[ep] = e->evaluation_accuracy;
    r->test[ep] = -1;
    ++r->ran;
    if (r->fastest == 0 || r->seconds[ep] < r->fastest) r->fastest = r->seconds[ep];
    if (r->no_eval) {
        printf("Epoch %d: trained on %d images   [%.2f s]\n", ep, e->n_training, r->seconds[ep]);
    } else {
        printf("Epoch %d: validation accuracy %.2f%%   [%.2f s]\n", ep,
               100.0 * e->evaluation_accuracy / e->n_evaluation, r->seconds[ep]);
        /* network3's best so far, over the whole run (nnd_sgd evaluated the
           test data: its own best, over this run's epochs, is lower still) */
        if (e->evaluation_accuracy >= r->best_val) {
            r->best_val = e->evaluation_accuracy;
            r->best_epoch = ep;
            r->best_test = r->test[ep] = e->test_accuracy;
            printf("This is the best validation accuracy to date.\n");
            if (e->test_accuracy >= 0)
                printf("The corresponding test accuracy is %.2f%%\n", 100.0 * e->test_accuracy / e->n_test);
            save_best(r, ep);
        }
    }
    fflush(stdout);
    cli_warn_diverging(e, &r->warned, PROG);
    if (r->checkpoint && write_checkpoint(r, ep + 1) != NND_OK) return 1; /* stop: see main */
    r->t_epoch = now(); /* an epoch's time includes its evaluations */
    cli_progress_start(&r->progress, r->t_epoch);
    return r->stop_after > 0 && r->ran >= r->stop_after && ep + 1 < r->epochs;
}

#ifdef NND_HAS_ON_BATCH
/* Called by nnd_sgd after every mini-batch: the progress line. */
static void on_batch(int epoch, int done, int n, void *user)
{
    run *r = (run *)user;
    cli_progress_batch(&r->progress, epoch + r->done, done, n, now(), stdout);
}
#endif

/* The line a checkpoint keeps of the run's settings: a checkpoint only
   continues the run that wrote it. */
static void run_line(const run *r, char *out, size_t cap)
{
    snprintf(out, cap, "run preset=%s seed=%llu train_size=%d epochs=%d mini_batch=%d eta=%.17g "
                       "lambda=%.17g fan_in=%d net=%d",
             r->preset, r->seed, r->train_size, r->epochs, r->mini_batch, r->eta, r->lambda, r->fan_in,
             r->net_index);
}

/* The checkpoint (cli_files.h) after epoch done-1, saved with
   nnd_save_file: a run killed at any moment leaves the previous checkpoint
   whole. A checkpoint that cannot be written stops the run (the previous
   one still continues it). */
static int write_checkpoint(run *r, int done)
{
    nnd_error err;
    ckpt c;
    size_t len;
    char *bytes;
    int st;
    memset(&c, 0, sizeof c);
    run_line(r, c.run, sizeof c.run);
    c.done = done;
    c.dropout = nnd_dropout_rng(r->net);
    c.best_epoch = r->best_epoch;
    c.best_val = r->best_val;
    c.best_test = r->best_test;
    c.val = r->val;
    c.test = r->test;
    c.seconds = r->seconds;
    c.net = r->net;
    bytes = ckpt_write(&c, &len, &err);
    st = bytes ? nnd_save_file(r->ck_path, bytes, len, &err) : err.status;
    free(bytes);
    if (st != NND_OK) {
        snprintf(r->ck_error, sizeof r->ck_error, "%s", err.message);
        r->ck_failed = done;
    }
    return st;
}

/* Continue from r->ck_path: the net (replacing *net), the dropout stream
   and the accuracies so far. A file of another run or a damaged one stops
   the program and is left as it is. */
static void read_checkpoint(run *r, nnd_net **net, const nnd_layer_spec *L, int n_layers)
{
    char want[1024];
    size_t len;
    char *bytes = nnd_load_file(r->ck_path, &len, NULL);
    nnd_error err;
    ckpt c;
    ckpt_limits lim;
    int e;
    if (!bytes) die("cannot read", r->ck_path);
    lim.max_epochs = r->epochs;
    lim.n_val = r->validation->n;
    lim.n_test = r->testd->n;
    if (ckpt_parse(bytes, len, &lim, &c, &err) != NND_OK) {
        fprintf(stderr, "network3: error: %s: %s\n", r->ck_path, err.message);
        exit(2);
    }
    nnd_free_text(bytes);
    run_line(r, want, sizeof want);
    if (strcmp(c.run, want)) die("the checkpoint is of another run (other preset or options):", r->ck_path);
    if (!same_net(c.net, L, n_layers)) die("the checkpoint holds another network:", r->ck_path);
    for (e = 0; e < c.done; ++e) {
        r->val[e] = c.val[e];
        r->test[e] = c.test[e];
        r->seconds[e] = c.seconds[e];
    }
    r->best_epoch = c.best_epoch;
    r->best_val = c.best_val;
    r->best_test = c.best_test;
    r->done = c.done;
    nnd_set_dropout_rng(c.net, &c.dropout);
    nnd_free(*net);
    *net = c.net;
    c.net = NULL;
    ckpt_free(&c);
    printf("continuing from %s: %d of %d epoch%s done (best validation accuracy %.2f%% at epoch %d)\n",
           r->ck_path, r->done, r->epochs, cli_s(r->epochs), 100.0 * r->best_val / r->validation->n, r->best_epoch);
}

/* --plot-data: the per-epoch accuracies and times as gnuplot data. */
static int write_plot(const char *path, const run *r, int k, int epochs)
{
    nnd_error err;
    text t;
    int e, st;
    memset(&t, 0, sizeof t);
    text_printf(&t, "# build/network3 %s %s: epochs=%d mini_batch=%d eta=%g lambda=%g seed=%llu "
                    "train_size=%d shuffle=%d net=%d\n",
                r->preset ? "--preset" : "--load", r->preset ? r->preset : r->load, r->epochs, r->mini_batch, r->eta, r->lambda, r->seed, r->train_size,
                r->shuffle, k);
    text_printf(&t, "# columns: epoch validation_accuracy_percent test_accuracy_percent(NaN: not a new best) "
                    "seconds\n");
    for (e = 0; e < epochs; ++e) {
        text_printf(&t, "%d %.2f ", e, 100.0 * r->val[e] / r->validation->n);
        if (r->test[e] >= 0) text_printf(&t, "%.2f", 100.0 * r->test[e] / r->testd->n);
        else text_printf(&t, "NaN");
        text_printf(&t, " %.3f\n", r->seconds[e]);
    }
    if ((st = text_save(&t, path, &err)) != NND_OK) fprintf(stderr, "network3: error: %s\n", err.message);
    text_free(&t);
    return st;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fclose(f);
    return 1;
}

/* Whether net has the preset's layers (L). */
static int same_net(const nnd_net *net, const nnd_layer_spec *L, int n_layers)
{
    int st, l;
    nnd_net *fresh = nnd_net_create(784, L, n_layers, NND_LOG_LIKELIHOOD, &st);
    if (!fresh) die("cannot create the network:", nnd_strerror(st));
    st = nnd_num_layers(net) == n_layers && nnd_param_count(net) == nnd_param_count(fresh);
    for (l = 0; st && l < n_layers; ++l) {
        nnd_layer_desc a = nnd_layer_info(net, l), b = nnd_layer_info(fresh, l);
        st = a.kind == b.kind && a.activation == b.activation && a.n_in == b.n_in &&
             a.n_out == b.n_out && a.p_dropout == b.p_dropout && a.filter_h == b.filter_h &&
             a.filter_w == b.filter_w && a.pool_h == b.pool_h && a.pool_w == b.pool_w;
    }
    nnd_free(fresh);
    return st;
}

/* --resume: net k was saved to path by an earlier run. Load it (a file that
   does not load, or holds another architecture than the preset's, stops the
   run and is left as it is) and print its accuracies. */
static nnd_net *resumed(const char *path, const nnd_layer_spec *L, int n_layers, const run *r,
                        const nnd_mnist *mnist, int k)
{
    nnd_error err;
    nnd_net *net = nnd_load(path, &err);
    int c;
    if (!net) die(err.message, NULL);
    if (!same_net(net, L, n_layers)) die("--resume: not a net of this preset:", path);
    if (r->threads) nnd_set_threads(net, r->threads);
    if (r->nets > 1) printf("--- network %d of %d ---\n", k + 1, r->nets);
    printf("loaded %s (trained by an earlier run; --resume)\n", path);
    if (nnd_accuracy(net, &mnist->validation, &c) == NND_OK)
        printf("validation accuracy %.2f%%\n", 100.0 * c / mnist->validation.n);
    if (nnd_accuracy(net, &mnist->test, &c) == NND_OK)
        printf("test accuracy %.2f%%\n", 100.0 * c / mnist->test.n);
    fflush(stdout);
    return net;
}

/* The file of net k from the name given: the name itself for one net,
   NAME.k in an ensemble (--save, --checkpoint, --plot-data, --predictions). */
static void net_file(char *out, size_t cap, const char *base, const run *r, int k)
{
    if (r->nets > 1) snprintf(out, cap, "%s.%d", base, k);
    else snprintf(out, cap, "%s", base);
}

/* --predictions: net k's predicted class of every test image, one per line
   after a '#' line saying which net it is. */
static int write_predictions(nnd_net *net, const run *r, const nnd_mnist *mnist, const char *base, int k)
{
    char path[4096];
    int *pred = (int *)malloc(sizeof(int) * (size_t)(mnist->test.n > 0 ? mnist->test.n : 1)), i, st;
    nnd_error err;
    text t;
    if (!pred) die("out of memory", NULL);
    net_file(path, sizeof path, base, r, k);
    if ((st = nnd_predict(net, &mnist->test, pred)) != NND_OK) die("prediction failed:", nnd_strerror(st));
    memset(&t, 0, sizeof t);
    text_printf(&t, "# build/network3 %s %s: net %d of %d, seed %llu, %d epoch%s, %d training images before "
                    "expansion; the predicted class of each of the %d test images\n",
                r->preset ? "--preset" : "--load", r->preset ? r->preset : r->load, k, r->nets, r->seed, r->epochs,
                cli_s(r->epochs), r->train_size, mnist->test.n);
    for (i = 0; i < mnist->test.n; ++i) text_printf(&t, "%d\n", pred[i]);
    free(pred);
    if ((st = text_save(&t, path, &err)) != NND_OK) fprintf(stderr, "network3: error: %s\n", err.message);
    else printf("wrote %s\n", path);
    text_free(&t);
    return st;
}

/* --vote: one --predictions file into row (n classes in [0, 10)); a file
   with another count, a value out of range or anything else is refused. */
static void read_predictions(const char *path, int n, int *row)
{
    nnd_error err;
    size_t len;
    char *bytes = nnd_load_file(path, &len, &err);
    if (!bytes || predictions_parse(bytes, len, n, 10, row, &err) != NND_OK) {
        fprintf(stderr, "network3: error: --vote: %s%s%s\n", bytes ? path : "cannot read ", bytes ? ": " : "",
                err.message);
        exit(2);
    }
    nnd_free_text(bytes);
}

/* The first layer's filters (channel 0) as a grid of images. */
static int write_filters(nnd_net *net, const char *path)
{
    nnd_layer_desc d = nnd_layer_info(net, 0);
    nnd_error err;
    imgrid g;
    nnd_real *img;
    int f, k, cols, st;
    if (d.kind != NND_LAYER_CONV && d.kind != NND_LAYER_CONV_POOL) {
        fprintf(stderr, "network3: the first layer is not convolutional: no %s\n", path);
        return NND_OK;
    }
    cols = d.out_c % 5 == 0 ? d.out_c / 4 : 8; /* 20 filters: 5 x 4, as the book */
    if (cols > d.out_c) cols = d.out_c;
    img = (nnd_real *)malloc(sizeof *img * (size_t)(d.filter_h * d.filter_w));
    if (!img || imgrid_init(&g, d.out_c, cols, d.filter_w, d.filter_h, 8, 2)) die("out of memory", NULL);
    for (f = 0; f < d.out_c; ++f) {
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (k = 0; k < d.filter_h * d.filter_w; ++k) { /* (ky, kx), channel 0 */
            img[k] = (nnd_real)nnd_weight(net, 0, f, k * d.in_c);
            if (img[k] < lo) lo = img[k];
            if (img[k] > hi) hi = img[k];
        }
        imgrid_put(&g, f, img, lo, hi > lo ? hi : lo + 1);
    }
    if ((st = imgrid_save_png(&g, path, &err)) != NND_OK) fprintf(stderr, "network3: error: %s\n", err.message);
    else printf("wrote %s\n", path);
    imgrid_free(&g);
    free(img);
    return st;
}

/* The labels of the --errors-png tiles go beside it: FILE.png -> FILE.dat
   (for plots/ensemble_errors_labelled.gp); "" when the name does not end
   in .png. */
static void errors_dat(const char *png, char *out, size_t cap)
{
    size_t len = png ? strlen(png) : 0;
    out[0] = '\0';
    if (len > 4 && len < cap && !strcmp(png + len - 4, ".png")) {
        memcpy(out, png, len - 4);
        strcpy(out + len - 4, ".dat");
    }
}

/* Every file the run will write, checked before it starts (nnd_save_check):
   a missing folder or a write-protected file is reported now, not after
   hours of training. */
static void check_outputs(const run *r, const char *const *bases, int n_bases, const char *const *files,
                          int n_files)
{
    char path[4096];
    nnd_error err;
    int i, k;
    for (i = 0; i < n_bases; ++i)
        for (k = 0; bases[i] && k < r->nets; ++k) {
            if (r->only_net >= 0 && k != r->only_net) continue;
            net_file(path, sizeof path, bases[i], r, k);
            if (nnd_save_check(path, &err) != NND_OK) {
                fprintf(stderr, "network3: error: %s\n", err.message);
                exit(1);
            }
        }
    for (i = 0; i < n_files; ++i)
        if (files[i] && nnd_save_check(files[i], &err) != NND_OK) {
            fprintf(stderr, "network3: error: %s\n", err.message);
            exit(1);
        }
}

/* The run's settings: the preset's, then the options given. A --load net
   without --preset has no preset to give epochs (it is evaluated unless
   --epochs is given), eta (--eta must be given to train) or lambda (0). */
static void settings(run *r, int *expanded)
{
    const char *p = r->preset;
    if (p) {
        r->epochs = !strcmp(p, "dropout") || !strcmp(p, "ensemble") ? 40 : 60;
        r->eta = !strcmp(p, "shallow") || !strcmp(p, "conv") || !strcmp(p, "omit-fc") || !strcmp(p, "conv2") ? 0.1
                                                                                                           : 0.03;
        r->lambda = !strcmp(p, "conv2-relu") || !strcmp(p, "expanded") || !strcmp(p, "expanded-fc") ? 0.1 : 0.0;
    }
    *expanded = p && (!strcmp(p, "expanded") || !strcmp(p, "expanded-fc") || !strcmp(p, "dropout") ||
                      !strcmp(p, "ensemble"));
    if (GIVEN(O_EPOCHS)) r->epochs = (int)opts[O_EPOCHS].count;
    if (GIVEN(O_ETA)) r->eta = opts[O_ETA].real;
    if (GIVEN(O_LAMBDA)) r->lambda = opts[O_LAMBDA].real;
    r->mini_batch = GIVEN(O_MINI_BATCH) ? (int)opts[O_MINI_BATCH].count : 10;
    r->seed = GIVEN(O_SEED) ? opts[O_SEED].count : 12345678ull;
    r->train_size = GIVEN(O_TRAIN_SIZE) ? (int)opts[O_TRAIN_SIZE].count : 0;
    r->threads = GIVEN(O_THREADS) ? (int)opts[O_THREADS].count : 0;
    r->nets = p && !strcmp(p, "ensemble") ? GIVEN(O_NETS) ? (int)opts[O_NETS].count : 5 : 1;
    r->only_net = GIVEN(O_NET) ? (int)opts[O_NET].count : -1;
    r->stop_after = GIVEN(O_STOP_AFTER) ? (int)opts[O_STOP_AFTER].count : 0;
    r->checkpoint = opts[O_CHECKPOINT].text;
    r->shuffle = GIVEN(O_SHUFFLE);
    r->fan_in = GIVEN(O_FAN_IN);
    r->no_eval = GIVEN(O_NO_EVAL);
    r->resume = GIVEN(O_RESUME);
}

/* The option that cannot apply to this run, refused with why. */
static void refuse(int o, const char *why) { cli_fail(PROG, opts[o].name, "%s", why); }

static void refuse_all(const int *list, size_t n, const char *why)
{
    size_t i;
    for (i = 0; i < n; ++i)
        if (GIVEN(list[i])) refuse(list[i], why);
}

/* The rules of --help's "An option that cannot apply ..." that the options
   alone decide (the loaded net's are in check_loaded). */
static void check_combinations(const run *r, int ensemble, const nnd_layer_spec *L)
{
    static const int not_with_vote[] = {O_EPOCHS, O_ETA, O_LAMBDA, O_MINI_BATCH, O_SEED, O_TRAIN_SIZE,
                                        O_THREADS, O_SHUFFLE, O_FAN_IN, O_NETS, O_NO_EVAL, O_PLOT, O_SAVE,
                                        O_SAVE_BEST, O_EXPORT_ONNX, O_LOAD, O_CHECKPOINT, O_STOP_AFTER,
                                        O_RESUME, O_NET,
                                        O_PREDICTIONS, O_FILTERS_PNG};
    static const int training_only[] = {O_ETA, O_LAMBDA, O_MINI_BATCH, O_SHUFFLE, O_TRAIN_SIZE, O_NO_EVAL,
                                        O_PLOT, O_SAVE_BEST, O_CHECKPOINT, O_STOP_AFTER};
    if (GIVEN(O_VOTE)) {
        if (!ensemble) refuse(O_VOTE, "goes with --preset ensemble only (the vote of its nets)");
        refuse_all(not_with_vote, sizeof not_with_vote / sizeof *not_with_vote,
                   "--vote trains and runs no net: it votes from the --predictions files");
        return;
    }
    if (!ensemble) {
        if (GIVEN(O_NETS)) refuse(O_NETS, "only --preset ensemble has several nets");
        if (GIVEN(O_NET)) refuse(O_NET, "only --preset ensemble has nets to choose from");
        if (GIVEN(O_ERRORS_PNG)) refuse(O_ERRORS_PNG, "only --preset ensemble votes (the errors are the vote's)");
    } else if (GIVEN(O_NET) && r->only_net >= r->nets) {
        cli_fail(PROG, "--net", "expected a net below --nets %d, got %d", r->nets, r->only_net);
    } else if (GIVEN(O_NET) && GIVEN(O_ERRORS_PNG)) {
        refuse(O_ERRORS_PNG, "with --net K one net is trained and nothing is voted");
    }
    if (GIVEN(O_LOAD)) {
        if (ensemble) refuse(O_LOAD, "the ensemble trains its --nets nets from the start (continue one with --net K "
                                     "and --checkpoint or --resume)");
        if (GIVEN(O_FAN_IN)) refuse(O_FAN_IN, "the net comes from --load: nothing is initialised");
        if (r->resume) refuse(O_RESUME, "excludes --load (--resume loads the --save files)");
        if (!r->preset && r->epochs > 0 && !GIVEN(O_ETA))
            refuse(O_EPOCHS, "training a --load net without --preset needs --eta (no preset gives one)");
    }
    if (r->resume && !GIVEN(O_SAVE)) refuse(O_RESUME, "needs --save FILE (the nets it looks for)");
    if (r->checkpoint && (GIVEN(O_LOAD) || r->shuffle || r->no_eval))
        refuse(O_CHECKPOINT, "does not go with --load, --shuffle or --no-eval");
    if (r->stop_after && !r->checkpoint) refuse(O_STOP_AFTER, "needs --checkpoint FILE");
    if (r->epochs == 0) {
        refuse_all(training_only, sizeof training_only / sizeof *training_only, "nothing is trained with --epochs 0");
        if (GIVEN(O_LOAD) && GIVEN(O_SEED))
            refuse(O_SEED, "nothing is random with --load and --epochs 0 (no initialisation, no training)");
    } else if (r->stop_after >= r->epochs) {
        cli_fail(PROG, "--stop-after", "expected fewer epochs than the run's %d, got %d (it would never stop the run)",
                 r->epochs, r->stop_after);
    }
    if (r->no_eval) {
        if (GIVEN(O_SAVE_BEST)) refuse(O_SAVE_BEST, "with --no-eval no epoch is evaluated");
        if (GIVEN(O_PLOT)) refuse(O_PLOT, "with --no-eval there are no accuracies to plot");
        if (ensemble && r->only_net < 0)
            refuse(O_NO_EVAL, "the ensemble's vote is an evaluation (time one net with --net K)");
    }
    if (GIVEN(O_FILTERS_PNG) && r->preset && L[0].kind != NND_LAYER_CONV && L[0].kind != NND_LAYER_CONV_POOL)
        refuse(O_FILTERS_PNG, "the first layer of this preset is not convolutional (it has no filters)");
#ifndef _OPENMP
    if (r->threads > 1) refuse(O_THREADS, "this build has no OpenMP and runs on one thread (build with -fopenmp)");
#endif
}

/* --export-onnx for net k of the run (FILE, or FILE.k in an ensemble). */
static int export_net(const run *r, const nnd_net *net, const char *onnx, int k, const char *what)
{
    char path[4096];
    net_file(path, sizeof path, onnx, r, k);
    return cli_export_onnx(PROG, net, path, what);
}

/* No two outputs in one file (the second would replace the first). */
static void check_distinct(const char *const *paths, const char *const *names, int n)
{
    int i, j;
    for (i = 0; i < n; ++i)
        for (j = 0; j < i; ++j)
            if (paths[i] && paths[j] && !strcmp(paths[i], paths[j]))
                cli_fail(PROG, names[i], "'%s' is also the file of %s", paths[i], names[j]);
}

static int has_dropout(const nnd_net *net)
{
    int l;
    for (l = 0; l < nnd_num_layers(net); ++l)
        if (nnd_layer_info(net, l).p_dropout > 0) return 1;
    return 0;
}

/* The rules a --load net decides: MNIST's 784 inputs and 10 classes; with
   --preset, the preset's layers; --seed only when something is random;
   --filters-png only for a convolutional first layer. */
static void check_loaded(const run *r, const nnd_net *net, const nnd_layer_spec *L, int n_layers, int expanded)
{
    char desc[2048], msg[2400];
    const nnd_layer_kind first = nnd_layer_info(net, 0).kind;
    cli_describe_net(net, desc, sizeof desc);
    if (nnd_input_size(net) != 784 || nnd_output_size(net) != 10) {
        snprintf(msg, sizeof msg, "%s: the net (%s) does not take MNIST's 784 pixels to its 10 classes", r->load,
                 desc);
        die(msg, NULL);
    }
    if (r->preset && !same_net(net, L, n_layers)) {
        snprintf(msg, sizeof msg, "%s is not a net of preset %s: it is %s", r->load, r->preset, desc);
        die(msg, NULL);
    }
    if (GIVEN(O_SEED) && r->epochs > 0 && !has_dropout(net) && !r->shuffle && !expanded)
        refuse(O_SEED, "nothing is random in this run (the loaded net has no dropout; no --shuffle, no expanded data)");
    if (GIVEN(O_FILTERS_PNG) && first != NND_LAYER_CONV && first != NND_LAYER_CONV_POOL)
        refuse(O_FILTERS_PNG, "the first layer of the loaded net is not convolutional (it has no filters)");
}

int main(int argc, char **argv)
{
    run r;
    const char *data_dir, *plot, *save, *save_best, *predictions, *vote_from, *errors_png, *filters_png, *onnx;
    char dat[4096], desc[2048];
    int i, k, st, n_layers = 0, ensemble, expanded, stopped = 0, total, failed = 0, diverged = 0;
    nnd_layer_spec L[16];
    nnd_mnist mnist;
    nnd_dataset big;
    nnd_data training;
    nnd_error err;
    nnd_net **nets, *loaded = NULL;
    if (cli_parse(PROG, opts, N_OPTS, argc, argv)) {
        for (i = 0; usage[i]; ++i) fputs(usage[i], stdout);
        return 0;
    }
    memset(&r, 0, sizeof r);
    memset(&big, 0, sizeof big);
    memset(L, 0, sizeof L);
    r.preset = opts[O_PRESET].text;
    r.load = opts[O_LOAD].text;
    if (!r.preset && !r.load) cli_fail(PROG, "--preset", "required, or --load FILE (see --help)");
    if (r.preset) n_layers = preset_layers(r.preset, L);
    ensemble = r.preset && !strcmp(r.preset, "ensemble");
    settings(&r, &expanded);
    check_combinations(&r, ensemble, L);
    data_dir = GIVEN(O_DATA) ? opts[O_DATA].text : "data/mnist";
    plot = opts[O_PLOT].text;
    save = opts[O_SAVE].text;
    save_best = opts[O_SAVE_BEST].text;
    onnx = opts[O_EXPORT_ONNX].text;
    predictions = opts[O_PREDICTIONS].text;
    vote_from = opts[O_VOTE].text;
    errors_png = opts[O_ERRORS_PNG].text;
    filters_png = opts[O_FILTERS_PNG].text;
    /* the ensemble's figures by default: the vote's errors, net 0's filters */
    if (ensemble && !errors_png && r.only_net < 0) errors_png = "plots/ensemble_errors.png";
    if (ensemble && !filters_png && r.only_net <= 0 && !vote_from) filters_png = "plots/net_full_layer_0.png";
    errors_dat(errors_png, dat, sizeof dat);
    {
        const char *paths[9], *names[9];
        paths[0] = save, names[0] = "--save";
        paths[1] = save_best, names[1] = "--save-best";
        paths[2] = plot, names[2] = "--plot-data";
        paths[3] = r.checkpoint, names[3] = "--checkpoint";
        paths[4] = predictions, names[4] = "--predictions";
        paths[5] = errors_png, names[5] = "--errors-png";
        paths[6] = dat[0] ? dat : NULL, names[6] = "--errors-png's labels";
        paths[7] = filters_png, names[7] = "--filters-png";
        paths[8] = onnx, names[8] = "--export-onnx";
        check_distinct(paths, names, 9);
    }
    if (r.load) {
        loaded = nnd_load(r.load, &err);
        if (!loaded) die(err.message, NULL);
        check_loaded(&r, loaded, L, n_layers, expanded);
    }
    {
        const char *bases[6], *files[3];
        bases[0] = save;
        bases[1] = plot;
        bases[2] = r.checkpoint;
        bases[3] = predictions;
        bases[4] = save_best;
        bases[5] = onnx;
        files[0] = errors_png;
        files[1] = dat[0] ? dat : NULL;
        files[2] = filters_png;
        check_outputs(&r, bases, 6, files, 3);
    }

    if (nnd_mnist_load(data_dir, &mnist, &err) != NND_OK) die(err.message, NULL);
    if (mnist.validation.n < 1) die("no validation data in", data_dir);
    training = mnist.training;
    if (r.train_size) training = nnd_data_slice(&mnist.training, 0, r.train_size);
    r.train_size = training.n;
    if (expanded && !vote_from && r.epochs > 0) {
        nnd_rng erng;
        nnd_rng_seed(&erng, r.seed ^ 0x5eedull);
        if (nnd_expand_mnist(&training, 28, 28, &erng, &big) != NND_OK) die("cannot expand the data", NULL);
        training = big.data;
        printf("expanded training data: %d images\n", training.n);
    }
    r.validation = &mnist.validation;
    r.testd = &mnist.test;
    r.seconds = (double *)calloc((size_t)r.epochs + 1, sizeof(double));
    r.val = (int *)calloc((size_t)r.epochs + 1, sizeof(int));
    r.test = (int *)calloc((size_t)r.epochs + 1, sizeof(int));
    nets = (nnd_net **)calloc((size_t)r.nets, sizeof *nets);
    if (!r.seconds || !r.val || !r.test || !nets) die("out of memory", NULL);
    cli_progress_init(&r.progress, isatty(fileno(stdout)), PROG);

    for (k = 0; k < r.nets && !stopped && !vote_from; ++k) {
        nnd_rng rng, shuffle_rng;
        nnd_sgd_options o;
        nnd_history h;
        nnd_net *net;
        double t0;
        char path[4096] = "";
        if (r.only_net >= 0 && k != r.only_net) continue;
        nnd_rng_seed(&rng, r.seed + (unsigned long long)k);
        nnd_rng_seed(&shuffle_rng, r.seed + 1000003ull * (k + 1));
        if (save) net_file(path, sizeof path, save, &r, k);
        if (r.resume && file_exists(path)) {
            nets[k] = resumed(path, L, n_layers, &r, &mnist, k);
            if (onnx) failed |= export_net(&r, nets[k], onnx, k, "the net of the file --resume found") != NND_OK;
            if (predictions) write_predictions(nets[k], &r, &mnist, predictions, k);
            continue;
        }
        if (loaded) {
            net = loaded;
            loaded = NULL;
        } else {
            net = nnd_net_create(784, L, n_layers, NND_LOG_LIKELIHOOD, &st);
            if (!net) die("cannot create the network:", nnd_strerror(st));
            nnd_network3_initializer(net, &rng, r.fan_in);
        }
        nnd_set_dropout_seed(net, r.seed + 7919ull * (k + 1));
        if (r.threads) nnd_set_threads(net, r.threads);
        nets[k] = net;
        if (r.nets > 1) printf("--- network %d of %d ---\n", k + 1, r.nets);
        cli_describe_net(net, desc, sizeof desc);
        if (r.load) printf("loaded %s: %s\n", r.load, desc);
        else printf("preset %s: %s\n", r.preset, desc);
        if (r.epochs > 0)
            printf("training: %d epoch%s, mini-batch %d, eta %g, lambda %g, %d training image%s\n", r.epochs,
                   cli_s(r.epochs), r.mini_batch, r.eta, r.lambda, training.n, cli_s(training.n));
        fflush(stdout);
        r.net = net;
        r.net_index = k;
        r.done = r.ran = 0;
        r.best_epoch = r.best_val = r.best_test = -1;
        r.best_saved = -1;
        r.best_failed = 0;
        r.best_path[0] = '\0';
        if (save_best) net_file(r.best_path, sizeof r.best_path, save_best, &r, k);
        r.n_batches = (training.n + r.mini_batch - 1) / r.mini_batch;
        if (r.checkpoint) {
            net_file(r.ck_path, sizeof r.ck_path, r.checkpoint, &r, k);
            if (file_exists(r.ck_path)) {
                read_checkpoint(&r, &net, L, n_layers);
                if (r.threads) nnd_set_threads(net, r.threads);
                nets[k] = r.net = net;
            }
        }
        o = nnd_network3_options(r.epochs - r.done, r.mini_batch, r.eta, &mnist.validation,
                                 &mnist.test, r.lambda);
        if (r.shuffle) o.rng = &shuffle_rng;
        if (r.no_eval) {
            o.evaluation_data = o.test_data = NULL;
            o.monitor_evaluation_accuracy = 0;
        }
        o.on_epoch = on_epoch;
#ifdef NND_HAS_ON_BATCH
        o.on_batch = on_batch;
#endif
        o.user = &r;
        t0 = now();
        r.t_epoch = t0;
        cli_progress_start(&r.progress, t0);
        memset(&h, 0, sizeof h);
        h.diverging_epoch = -1; /* also when nothing is trained */
        if (r.done < r.epochs) {
            st = nnd_sgd(net, &training, &o, &h);
            cli_progress_clear(&r.progress, stdout);
            if (st != NND_OK) die("training failed:", nnd_net_error(net)->message[0] ? nnd_net_error(net)->message
                                                                                     : nnd_strerror(st));
        }
        total = r.done + h.epochs;
        if (r.ck_failed) { /* on_epoch stopped the run */
            fprintf(stderr, PROG ": error: checkpoint after epoch %d: %s; stopped (%s)\n", r.ck_failed - 1,
                    r.ck_error, r.ck_failed > 1 ? "the same command continues from the previous checkpoint"
                                                : "no checkpoint was written");
            failed = stopped = 1;
        } else if (total < r.epochs && h.stopped_early) { /* --stop-after */
            printf("stopped after epoch %d of %d (--stop-after): the same command continues from %s\n",
                   total - 1, r.epochs, r.ck_path);
            stopped = 1;
        } else if (total > 0 && r.no_eval) {
            printf("RESULT seconds_per_epoch=%.3f threads=%d images=%d\n", r.fastest, r.threads, training.n);
        } else if (total > 0) {
            double seconds = 0;
            for (i = 0; i < total; ++i) seconds += r.seconds[i];
            printf("Finished training network.\n");
            printf("Best validation accuracy of %.2f%% obtained at iteration %.0f\n",
                   100.0 * r.best_val / mnist.validation.n, (r.best_epoch + 1.0) * r.n_batches - 1);
            printf("Corresponding test accuracy of %.2f%%\n", 100.0 * r.best_test / mnist.test.n);
            printf("Total training time %.1f s (%.2f s per epoch)\n", seconds, seconds / total);
        } else {
            int c;
            if (nnd_accuracy(net, &mnist.validation, &c) == NND_OK)
                printf("validation accuracy %.2f%%\n", 100.0 * c / mnist.validation.n);
            if (nnd_accuracy(net, &mnist.test, &c) == NND_OK)
                printf("test accuracy %.2f%%\n", 100.0 * c / mnist.test.n);
        }
        /* the models first: a side output that fails must not cost the run */
        if (save_best && !stopped && !failed) {
            if (r.best_failed) {
                fprintf(stderr, PROG ": error: %s\n", r.best_error);
                failed = 1;
            } else if (r.best_saved >= 0)
                printf("saved %s: the net of epoch %d, the best validation accuracy (%.2f%%)\n", r.best_path,
                       r.best_saved, 100.0 * r.best_val / mnist.validation.n);
            else if (r.best_epoch >= 0 && file_exists(r.best_path))
                printf("%s holds the net of epoch %d, the best validation accuracy (%.2f%%), saved before the "
                       "checkpoint\n", r.best_path, r.best_epoch, 100.0 * r.best_val / mnist.validation.n);
            else {
                fprintf(stderr, PROG ": error: %s: missing; the best epoch, %d, was trained before the checkpoint\n",
                        r.best_path, r.best_epoch);
                failed = 1;
            }
        }
        if (save && !stopped) {
            if (nnd_save(net, path, &err) != NND_OK) {
                fprintf(stderr, PROG ": error: %s\n", err.message);
                failed = 1;
            } else if (total > 0)
                printf("saved %s: the net after the last epoch, %d\n", path, total - 1);
            else
                printf("saved %s: the net %s, untrained\n", path, r.load ? "as loaded" : "as initialised");
        }
        if (onnx && !stopped) {
            char what[96];
            if (total > 0) snprintf(what, sizeof what, "the net after the last epoch, %d", total - 1);
            else snprintf(what, sizeof what, "the net %s, untrained", r.load ? "as loaded" : "as initialised");
            failed |= export_net(&r, net, onnx, k, what) != NND_OK;
        }
        if (predictions && !stopped) failed |= write_predictions(net, &r, &mnist, predictions, k) != NND_OK;
        if (plot && total > 0 && !r.no_eval && !stopped) {
            char pp[4096];
            net_file(pp, sizeof pp, plot, &r, k);
            failed |= write_plot(pp, &r, k, total) != NND_OK;
        }
        if (h.diverging_epoch >= 0) diverged = 1;
        nnd_history_free(&h);
        fflush(stdout);
    }
    if (ensemble && !stopped && r.only_net < 0) {
        int correct, n_wrong, voters = r.nets, *wrong = (int *)malloc(sizeof(int) * (size_t)mnist.test.n);
        int *voted = (int *)malloc(sizeof(int) * (size_t)mnist.test.n);
        if (!wrong || !voted) die("out of memory", NULL);
        if (vote_from) { /* the nets' saved predictions, in net order */
            const char *p = vote_from;
            int *votes;
            for (voters = 1; *p; ++p) voters += *p == ',';
            votes = (int *)malloc(sizeof(int) * (size_t)voters * (size_t)(mnist.test.n > 0 ? mnist.test.n : 1));
            if (!votes) die("out of memory", NULL);
            for (p = vote_from, k = 0; k < voters; ++k) {
                char path[4096];
                size_t len = strcspn(p, ",");
                if (len == 0 || len >= sizeof path) die("--vote: an empty or too long file name in", vote_from);
                memcpy(path, p, len);
                path[len] = 0;
                read_predictions(path, mnist.test.n, votes + (size_t)k * mnist.test.n);
                p += len + (p[len] == ',');
            }
            st = nnd_vote(votes, voters, mnist.test.n, 10, mnist.test.labels, voted, &correct, wrong, &n_wrong);
            free(votes);
            printf("plurality vote of %d --predictions file%s (--vote)\n", voters, cli_s(voters));
        } else {
            st = nnd_ensemble_vote(nets, r.nets, &mnist.test, voted, &correct, wrong, &n_wrong);
        }
        if (st != NND_OK) die("ensemble vote failed:", nnd_strerror(st));
        printf("Accuracy is %.2f%% (%d of %d correct, %d wrong)\n", 100.0 * correct / mnist.test.n,
               correct, mnist.test.n, n_wrong);
        if (errors_png && n_wrong > 0) {
            imgrid g;
            nnd_real img[784];
            const int shown = n_wrong < 40 ? n_wrong : 40;
            printf("misclassified test images:");
            for (i = 0; i < n_wrong; ++i) printf(" %d", wrong[i]);
            printf("\n");
            if (imgrid_init(&g, shown, 8, 28, 28, 2, 2)) die("out of memory", NULL);
            for (i = 0; i < shown; ++i) {
                int p;
                for (p = 0; p < 784; ++p)
                    img[p] = mnist.test.x8[(size_t)wrong[i] * 784 + p] * mnist.test.x8_scale;
                imgrid_put(&g, i, img, 0.0, 1.0);
            }
            if (imgrid_save_png(&g, errors_png, &err) != NND_OK) {
                fprintf(stderr, "network3: error: %s\n", err.message);
                failed = 1;
            } else
                printf("wrote %s\n", errors_png);
            imgrid_free(&g);
            if (dat[0]) { /* the tiles' labels, for plots/ensemble_errors_labelled.gp */
                text t;
                memset(&t, 0, sizeof t);
                if (vote_from)
                    text_printf(&t, "# ensemble of %d net%s, voted from their --predictions files %s: "
                                    "%d of %d test images wrong;\n",
                                voters, cli_s(voters), vote_from, n_wrong, mnist.test.n);
                else
                    text_printf(&t, "# ensemble of %d net%s (preset ensemble, %d epoch%s, first %d training "
                                    "images before expansion, seed %lu): %d of %d test images wrong;\n",
                                voters, cli_s(voters), r.epochs, cli_s(r.epochs),
                                r.train_size ? r.train_size : mnist.training.n,
                                (unsigned long)r.seed, n_wrong, mnist.test.n);
                text_printf(&t, "# the first %d, one per tile of %s\n# tile true predicted test_index\n", shown,
                            errors_png);
                for (i = 0; i < shown; ++i)
                    text_printf(&t, "%d %d %d %d\n", i, mnist.test.labels[wrong[i]], voted[wrong[i]], wrong[i]);
                if (text_save(&t, dat, &err) != NND_OK) {
                    fprintf(stderr, "network3: error: %s\n", err.message);
                    failed = 1;
                } else
                    printf("wrote %s\n", dat);
                text_free(&t);
            }
        }
        free(wrong);
        free(voted);
    }
    if (filters_png && !stopped)
        failed |= write_filters(nets[r.only_net > 0 ? r.only_net : 0], filters_png) != NND_OK;
    for (k = 0; k < r.nets; ++k) nnd_free(nets[k]);
    free(nets);
    free(r.seconds);
    free(r.val);
    free(r.test);
    nnd_dataset_free(&big);
    nnd_mnist_free(&mnist);
    /* 3: the run finished and its models are saved, but training diverged */
    return failed ? 1 : diverged ? 3 : 0;
}
