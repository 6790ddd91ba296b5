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

static const char *usage =
    "usage: network3 --preset NAME [options]\n"
    "Train network3.py's chapter 6 networks on MNIST (softmax output, log-likelihood).\n"
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
    "\n"
    "options:\n"
    "  --data DIR          MNIST IDX files (default data/mnist)\n"
    "  --epochs N          override the preset's epochs (0 = only evaluate, e.g. with --load)\n"
    "  --eta E             learning rate\n"
    "  --lambda L          L2 parameter (network3's: 0.5 L sum w^2 / number of mini-batches)\n"
    "  --mini-batch M      mini-batch size (default 10)\n"
    "  --seed S            seed for initialisation, expansion and dropout (default 12345678)\n"
    "  --train-size N      train on the first N training images (before expansion)\n"
    "  --threads T         threads (default: OpenMP's default; results do not depend on it)\n"
    "  --shuffle           shuffle the training data every epoch (network3 does not)\n"
    "  --fan-in            FC weights N(0,1/n_in) instead of network3's N(0,1/n_out)\n"
    "  --nets K            ensemble size (default 5)\n"
    "  --no-eval           training passes only, no validation/test (for benchmarks); prints\n"
    "                      RESULT seconds_per_epoch=S (the fastest epoch)\n"
    "  --plot-data FILE    per-epoch validation/test accuracy and seconds as gnuplot data\n"
    "  --save FILE         save the trained network (nnd JSON; ensemble: FILE.0, FILE.1, ...)\n"
    "  --load FILE         start from a saved network (nnd JSON)\n"
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
    "\n"
    "Every output path is checked before training; each net is saved before its side outputs.\n"
    "Exit status: 0 done; 1 a file could not be read or written; 2 a bad option or input file;\n"
    "3 done and saved, but training diverged (a parameter beyond 1e4: see the warning).\n";

typedef struct run {
    const char *preset;
    int epochs, mini_batch, train_size, threads, shuffle, fan_in, nets, no_eval, resume, only_net;
    /* --checkpoint: the file of the current net; epochs done before this
       run (done) and in it (ran); the best validation accuracy so far, its
       epoch and the test accuracy then (network3's rule: ties move it on). */
    const char *checkpoint;
    char ck_path[4096];
    int stop_after, done, ran, best_epoch, best_val, best_test, n_batches, net_index;
    int ck_failed, warned; /* the epoch count of a checkpoint that could not be written; warned */
    char ck_error[240];
    nnd_net *net;
    double fastest;
    double eta, lambda;
    unsigned long long seed;
    double *seconds;
    int *val, *test;
    double t_epoch;
    const nnd_data *validation, *testd;
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "network3: error: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    exit(2);
}

static double num_arg(const char *flag, const char *v, double lo, double hi)
{
    char *end;
    double x;
    if (!v) die("missing value for", flag);
    x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi)) die("bad value for", flag);
    return x;
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

static int on_epoch(const nnd_epoch *e, void *user)
{
    run *r = (run *)user;
    const int ep = e->epoch + r->done; /* the epoch's number in the whole run */
    double t = now();
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
        }
    }
    fflush(stdout);
    cli_warn_diverging(e, &r->warned, "network3");
    if (r->checkpoint && write_checkpoint(r, ep + 1) != NND_OK) return 1; /* stop: see main */
    r->t_epoch = now(); /* an epoch's time includes its evaluations */
    return r->stop_after > 0 && r->ran >= r->stop_after && ep + 1 < r->epochs;
}

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
    printf("continuing from %s: %d of %d epochs done (best validation accuracy %.2f%% at epoch %d)\n",
           r->ck_path, r->done, r->epochs, 100.0 * r->best_val / r->validation->n, r->best_epoch);
}

/* --plot-data: the per-epoch accuracies and times as gnuplot data. */
static int write_plot(const char *path, const run *r, int k, int epochs)
{
    nnd_error err;
    text t;
    int e, st;
    memset(&t, 0, sizeof t);
    text_printf(&t, "# build/network3 --preset %s: epochs=%d mini_batch=%d eta=%g lambda=%g seed=%llu "
                    "train_size=%d shuffle=%d net=%d\n",
                r->preset, r->epochs, r->mini_batch, r->eta, r->lambda, r->seed, r->train_size,
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
    text_printf(&t, "# build/network3 --preset %s: net %d of %d, seed %llu, %d epochs, %d training images before "
                    "expansion; the predicted class of each of the %d test images\n",
                r->preset, k, r->nets, r->seed, r->epochs, r->train_size, mnist->test.n);
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

int main(int argc, char **argv)
{
    run r;
    const char *data_dir = "data/mnist", *plot = NULL, *save = NULL, *load = NULL;
    const char *errors_png = NULL, *filters_png = NULL, *predictions = NULL, *vote_from = NULL;
    char dat[4096];
    int epochs = -1, i, k, st, n_layers, ensemble, expanded, stopped = 0, total, failed = 0, diverged = 0;
    double eta = -1, lambda = -1;
    nnd_layer_spec L[16];
    nnd_mnist mnist;
    nnd_dataset big;
    nnd_data training;
    nnd_error err;
    nnd_net **nets;
    memset(&r, 0, sizeof r);
    memset(&big, 0, sizeof big);
    r.mini_batch = 10;
    r.seed = 12345678ull;
    r.nets = 5;
    r.only_net = -1;
    for (i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--preset")) { if (!v) die("missing value for", a); r.preset = v; ++i; }
        else if (!strcmp(a, "--data")) { if (!v) die("missing value for", a); data_dir = v; ++i; }
        else if (!strcmp(a, "--plot-data")) { if (!v) die("missing value for", a); plot = v; ++i; }
        else if (!strcmp(a, "--save")) { if (!v) die("missing value for", a); save = v; ++i; }
        else if (!strcmp(a, "--load")) { if (!v) die("missing value for", a); load = v; ++i; }
        else if (!strcmp(a, "--errors-png")) { if (!v) die("missing value for", a); errors_png = v; ++i; }
        else if (!strcmp(a, "--filters-png")) { if (!v) die("missing value for", a); filters_png = v; ++i; }
        else if (!strcmp(a, "--epochs")) { epochs = (int)num_arg(a, v, 0, 1e6); ++i; }
        else if (!strcmp(a, "--eta")) { eta = num_arg(a, v, 1e-12, 1e6); ++i; }
        else if (!strcmp(a, "--lambda")) { lambda = num_arg(a, v, 0, 1e9); ++i; }
        else if (!strcmp(a, "--mini-batch")) { r.mini_batch = (int)num_arg(a, v, 1, 1e6); ++i; }
        else if (!strcmp(a, "--seed")) { r.seed = (unsigned long long)num_arg(a, v, 0, 1.8e19); ++i; }
        else if (!strcmp(a, "--train-size")) { r.train_size = (int)num_arg(a, v, 1, 1e8); ++i; }
        else if (!strcmp(a, "--threads")) { r.threads = (int)num_arg(a, v, 1, 4096); ++i; }
        else if (!strcmp(a, "--nets")) { r.nets = (int)num_arg(a, v, 1, 1000); ++i; }
        else if (!strcmp(a, "--shuffle")) r.shuffle = 1;
        else if (!strcmp(a, "--fan-in")) r.fan_in = 1;
        else if (!strcmp(a, "--no-eval")) r.no_eval = 1;
        else if (!strcmp(a, "--resume")) r.resume = 1;
        else if (!strcmp(a, "--checkpoint")) { if (!v) die("missing value for", a); r.checkpoint = v; ++i; }
        else if (!strcmp(a, "--stop-after")) { r.stop_after = (int)num_arg(a, v, 1, 1e6); ++i; }
        else if (!strcmp(a, "--net")) { r.only_net = (int)num_arg(a, v, 0, 999); ++i; }
        else if (!strcmp(a, "--predictions")) { if (!v) die("missing value for", a); predictions = v; ++i; }
        else if (!strcmp(a, "--vote")) { if (!v) die("missing value for", a); vote_from = v; ++i; }
        else die("unknown option (see --help):", a);
    }
    if (!r.preset) die("--preset is required (see --help)", NULL);
    n_layers = preset_layers(r.preset, L);
    if (!n_layers) die("unknown preset:", r.preset);
    ensemble = !strcmp(r.preset, "ensemble");
    expanded = !strcmp(r.preset, "expanded") || !strcmp(r.preset, "expanded-fc") ||
               !strcmp(r.preset, "dropout") || ensemble;
    r.epochs = !strcmp(r.preset, "dropout") || ensemble ? 40 : 60;
    r.eta = !strcmp(r.preset, "shallow") || !strcmp(r.preset, "conv") ||
                    !strcmp(r.preset, "omit-fc") || !strcmp(r.preset, "conv2") ? 0.1 : 0.03;
    r.lambda = !strcmp(r.preset, "conv2-relu") || !strcmp(r.preset, "expanded") ||
                       !strcmp(r.preset, "expanded-fc") ? 0.1 : 0.0;
    if (epochs >= 0) r.epochs = epochs;
    if (eta > 0) r.eta = eta;
    if (lambda >= 0) r.lambda = lambda;
    if (!ensemble) r.nets = 1;
    if (r.resume && !save) die("--resume needs --save FILE (the nets it looks for)", NULL);
    if (r.resume && load) die("--resume and --load exclude each other", NULL);
    if (r.checkpoint && (load || r.shuffle || r.no_eval))
        die("--checkpoint does not go with --load, --shuffle or --no-eval", NULL);
    if (r.stop_after && !r.checkpoint) die("--stop-after needs --checkpoint FILE", NULL);
    if (r.only_net >= 0 && (!ensemble || r.only_net >= r.nets))
        die("--net K needs --preset ensemble and K below --nets", NULL);
    if (vote_from && (!ensemble || r.only_net >= 0 || r.resume || load || r.checkpoint || save))
        die("--vote goes with --preset ensemble only (no --net, --resume, --load, --checkpoint, --save)", NULL);
    if (ensemble && !errors_png) errors_png = "plots/ensemble_errors.png";
    if (ensemble && !filters_png && r.only_net <= 0) filters_png = "plots/net_full_layer_0.png";
    if (vote_from) filters_png = NULL; /* no net here */
    errors_dat(errors_png, dat, sizeof dat);
    {
        const char *bases[4], *files[3];
        bases[0] = save;
        bases[1] = plot;
        bases[2] = r.checkpoint;
        bases[3] = predictions;
        files[0] = errors_png;
        files[1] = dat[0] ? dat : NULL;
        files[2] = filters_png;
        check_outputs(&r, bases, 4, files, 3);
    }

    if (nnd_mnist_load(data_dir, &mnist, &err) != NND_OK) die(err.message, NULL);
    if (mnist.validation.n < 1) die("no validation data in", data_dir);
    training = mnist.training;
    if (r.train_size) training = nnd_data_slice(&mnist.training, 0, r.train_size);
    r.train_size = training.n;
    if (expanded && !vote_from) {
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
            if (predictions) write_predictions(nets[k], &r, &mnist, predictions, k);
            continue;
        }
        if (load) {
            net = nnd_load(load, &err);
            if (!net) die(err.message, NULL);
        } else {
            net = nnd_net_create(784, L, n_layers, NND_LOG_LIKELIHOOD, &st);
            if (!net) die("cannot create the network:", nnd_strerror(st));
            nnd_network3_initializer(net, &rng, r.fan_in);
        }
        nnd_set_dropout_seed(net, r.seed + 7919ull * (k + 1));
        if (r.threads) nnd_set_threads(net, r.threads);
        nets[k] = net;
        if (r.nets > 1) printf("--- network %d of %d ---\n", k + 1, r.nets);
        printf("preset %s: %d layers, %lu parameters, %d epochs, mini-batch %d, eta %g, lambda %g, "
               "%d training images\n",
               r.preset, nnd_num_layers(net), (unsigned long)nnd_param_count(net), r.epochs,
               r.mini_batch, r.eta, r.lambda, training.n);
        fflush(stdout);
        r.net = net;
        r.net_index = k;
        r.done = r.ran = 0;
        r.best_epoch = r.best_val = r.best_test = -1;
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
        o.user = &r;
        t0 = now();
        r.t_epoch = t0;
        memset(&h, 0, sizeof h);
        h.diverging_epoch = -1; /* also when a finished checkpoint leaves nothing to train */
        if (r.done < r.epochs || r.epochs == 0) {
            st = nnd_sgd(net, &training, &o, &h);
            if (st != NND_OK) die("training failed:", nnd_strerror(st));
        }
        total = r.done + h.epochs;
        if (r.ck_failed) { /* on_epoch stopped the run */
            fprintf(stderr, "network3: error: checkpoint after epoch %d: %s; stopped (%s)\n", r.ck_failed - 1,
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
        /* the model first: a side output that fails must not cost the run */
        if (save && !stopped) {
            if (nnd_save(net, path, &err) != NND_OK) {
                fprintf(stderr, "network3: error: %s\n", err.message);
                failed = 1;
            } else
                printf("saved %s\n", path);
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
            printf("plurality vote of the %d nets' predictions (--vote)\n", voters);
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
                    text_printf(&t, "# ensemble of %d nets, voted from their --predictions files %s: "
                                    "%d of %d test images wrong;\n",
                                voters, vote_from, n_wrong, mnist.test.n);
                else
                    text_printf(&t, "# ensemble of %d nets (preset ensemble, %d epochs, first %d training "
                                    "images before expansion, seed %lu): %d of %d test images wrong;\n",
                                voters, r.epochs, r.train_size ? r.train_size : mnist.training.n,
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
