/* Out of memory: every allocation of every allocating call is made to fail
   in turn (through NND_MALLOC / NND_REALLOC / NND_FREE). Each failure must
   come back as NND_ERR_NOMEM (or NULL with that status), free everything
   it took, and leave a network usable: the same call without the failure
   then gives the result of a run that never failed. */
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>
static long alloc_calls, fail_at = -1, live_blocks;
static void *t_malloc(size_t n)
{
    if (++alloc_calls == fail_at) return NULL;
    ++live_blocks;
    return malloc(n);
}
static void *t_realloc(void *p, size_t n)
{
    void *q;
    if (++alloc_calls == fail_at) return NULL;
    q = realloc(p, n);
    if (!p && q) ++live_blocks;
    return q;
}
static void t_free(void *p)
{
    if (p) --live_blocks;
    free(p);
}
#define NND_MALLOC(n) t_malloc(n)
#define NND_REALLOC(p, n) t_realloc(p, n)
#define NND_FREE(p) t_free(p)
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <string.h>
#include <sys/stat.h>

/* Arm the failure of allocation k (1-based) of what follows; disarm. */
static void arm(long k)
{
    alloc_calls = 0;
    fail_at = k;
}
static int disarm(void) /* 1 when the armed allocation was reached */
{
    int hit = alloc_calls >= fail_at;
    fail_at = -1;
    return hit;
}

#define MAX_TRIES 2000

/* ------------------------------------------------------------ networks */
static nnd_layer_spec conv_specs[4];
static void make_specs(void)
{
    conv_specs[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_RELU); /* 8x8 -> 3 x 3x3 */
    conv_specs[1] = nnd_conv_layer(2, 2, 2, NND_TANH);             /* -> 2 x 2x2 */
    conv_specs[2] = nnd_fully_connected_layer(5, NND_SIGMOID, 0.5);
    conv_specs[3] = nnd_softmax_layer(3, 0.0);
}

static nnd_net *conv_net(void)
{
    int st;
    nnd_rng r;
    nnd_net *net = nnd_net_create(64, conv_specs, 4, NND_LOG_LIKELIHOOD, &st);
    nnd_rng_seed(&r, 1);
    if (net) nnd_network3_initializer(net, &r, 1);
    return net;
}

static void creation(void)
{
    long k, live0 = live_blocks;
    int sizes[70], i, st, failures = 0, bad = 0;
    nnd_net *net;
    for (i = 0; i < 70; ++i) sizes[i] = 3;
    for (k = 1; k < MAX_TRIES; ++k) { /* more layers than nnd_network2 keeps on its stack */
        st = 12345;
        arm(k);
        net = nnd_network2(sizes, 70, NND_QUADRATIC, NULL, &st);
        if (!disarm()) break;
        ++failures;
        bad += net != NULL || st != NND_ERR_NOMEM || live_blocks != live0;
        nnd_free(net);
    }
    CHECK(net != NULL && st == NND_OK && failures >= 4 && bad == 0,
          "nnd_network2: %d failures, %d handled badly", failures, bad);
    nnd_free(net);
    failures = bad = 0;
    for (k = 1; k < MAX_TRIES; ++k) {
        st = 12345;
        arm(k);
        net = nnd_net_create(64, conv_specs, 4, NND_LOG_LIKELIHOOD, &st);
        if (!disarm()) break;
        ++failures;
        bad += net != NULL || st != NND_ERR_NOMEM || live_blocks != live0;
    }
    CHECK(net != NULL && failures >= 3 && bad == 0, "nnd_net_create: %d failures, %d handled badly", failures, bad);
    nnd_free(net);
    CHECK(live_blocks == live0, "creation leaked %ld blocks", live_blocks - live0);
}

/* A call on a fresh net fails at every allocation in turn; the same net
   then repeats it without the failure and must match a net that never
   failed. */
static void running(void)
{
    enum { M = 6 };
    nnd_real x[M * 64], out_ref[M * 3], out[M * 3], *g_ref, *g;
    int labels[M], i, what, st;
    nnd_rng r;
    nnd_net *ref = conv_net();
    size_t np = nnd_param_count(ref);
    long live0;
    g_ref = (nnd_real *)malloc(np * sizeof *g_ref);
    g = (nnd_real *)malloc(np * sizeof *g);
    nnd_rng_seed(&r, 2);
    for (i = 0; i < M * 64; ++i) x[i] = (nnd_real)nnd_rng_uniform(&r);
    for (i = 0; i < M; ++i) labels[i] = i % 3;
    nnd_feedforward(ref, x, M * 64, out_ref, M * 3);
    {
        nnd_data d = nnd_data_reals(x, M, 64, labels);
        nnd_backprop(ref, &d, g_ref, np, NULL);
    }
    for (what = 0; what < 4; ++what) {
        static const char *const names[4] = {"feedforward", "backprop", "predict", "total_cost"};
        long k;
        int failures = 0, bad = 0, same = 0;
        for (k = 1; k < MAX_TRIES; ++k) {
            nnd_net *net = conv_net();
            nnd_data d;
            int pred[M], pred_ref[M];
            double c = 0, c_ref = 0;
            memset(&d, 0, sizeof d);
            d.n = M;
            d.n_in = 64;
            d.x = x;
            d.labels = labels;
            live0 = live_blocks;
            arm(k);
            switch (what) {
            case 0: st = nnd_feedforward(net, x, M * 64, out, M * 3); break;
            case 1: st = nnd_backprop(net, &d, g, np, NULL); break;
            case 2: st = nnd_predict(net, &d, pred); break;
            default: st = nnd_total_cost(net, &d, 0.5, 0, &c); break;
            }
            if (!disarm()) {
                long a0 = alloc_calls;
                CHECK(st == NND_OK, "%s without a failure: %s", names[what], nnd_strerror(st));
                /* what a first call allocates is all the net's workspace, still held: no
                   temporary allocation besides it */
                CHECK(a0 >= 1 && live_blocks - live0 == a0, "%s: %ld allocations, %ld of them kept by the net",
                      names[what], a0, live_blocks - live0);
                /* with its workspace in place a call allocates nothing */
                switch (what) {
                case 0: st = nnd_feedforward(net, x, M * 64, out, M * 3); break;
                case 1: st = nnd_backprop(net, &d, g, np, NULL); break;
                case 2: st = nnd_predict(net, &d, pred); break;
                default: st = nnd_total_cost(net, &d, 0.5, 0, &c); break;
                }
                CHECK(st == NND_OK && alloc_calls == a0, "%s: a second call made %ld allocations", names[what],
                      alloc_calls - a0);
                nnd_free(net);
                break;
            }
            ++failures;
            bad += st != NND_ERR_NOMEM || live_blocks > live0;
            /* the same net, no failure: the result of one that never failed */
            switch (what) {
            case 0:
                st = nnd_feedforward(net, x, M * 64, out, M * 3);
                same += st == NND_OK && memcmp(out, out_ref, sizeof out) == 0;
                break;
            case 1:
                st = nnd_backprop(net, &d, g, np, NULL);
                same += st == NND_OK && memcmp(g, g_ref, np * sizeof *g) == 0;
                break;
            case 2:
                st = nnd_predict(net, &d, pred);
                nnd_predict(ref, &d, pred_ref);
                same += st == NND_OK && memcmp(pred, pred_ref, sizeof pred) == 0;
                break;
            default:
                st = nnd_total_cost(net, &d, 0.5, 0, &c);
                nnd_total_cost(ref, &d, 0.5, 0, &c_ref);
                same += st == NND_OK && c == c_ref;
                break;
            }
            nnd_free(net);
        }
        /* every allocation a first call makes (the workspace's block and each
           of its large buffers) fails once, and is handled */
        CHECK(failures >= 1 && bad == 0, "%s: %d failures, %d handled badly", names[what], failures, bad);
        CHECK(same == failures, "%s: %d of %d nets gave a different result after a failure", names[what],
              failures - same, failures);
    }
    nnd_free(ref);
    free(g_ref);
    free(g);
}

/* nnd_sgd with everything that allocates: history of every monitor, test
   data, momentum, augmentation; and plain SGD on a sparse input (the data
   sets' nonzero lists). */
static void training(void)
{
    enum { N = 20 };
    nnd_real x[N * 64];
    int labels[N], i, pass, st;
    nnd_rng r;
    nnd_data d;
    nnd_rng_seed(&r, 3);
    for (i = 0; i < N * 64; ++i) x[i] = nnd_rng_uniform(&r) < 0.7 ? 0 : (nnd_real)nnd_rng_uniform(&r);
    for (i = 0; i < N; ++i) labels[i] = i % 3;
    memset(&d, 0, sizeof d);
    d.n = N;
    d.n_in = 64;
    d.x = x;
    d.labels = labels;
    for (pass = 0; pass < 2; ++pass) {
        long k, live0 = live_blocks;
        int failures = 0, bad = 0;
        for (k = 1; k < MAX_TRIES; ++k) {
            int sizes[] = {64, 7, 3};
            nnd_net *net = pass ? nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st) : conv_net();
            nnd_sgd_options o = pass ? nnd_sgd_defaults() : nnd_network3_options(2, 5, 0.1, &d, &d, 0.1);
            nnd_history h;
            nnd_rng ro;
            nnd_rng_seed(&ro, 4);
            o.epochs = 2;
            o.mini_batch_size = 5;
            o.rng = &ro;
            o.evaluation_data = &d;
            o.monitor_evaluation_cost = o.monitor_evaluation_accuracy = 1;
            o.monitor_training_cost = o.monitor_training_accuracy = 1;
            if (!pass) {
                o.momentum = 0.5;
                o.augment_rotate = 5;
                o.augment_shift = 0.5;
            }
            arm(k);
            st = nnd_sgd(net, &d, &o, &h);
            if (!disarm()) {
                CHECK(st == NND_OK && h.epochs == 2, "sgd without a failure: %s", nnd_strerror(st));
                nnd_history_free(&h);
                nnd_free(net);
                break;
            }
            ++failures;
            bad += st != NND_ERR_NOMEM;
            nnd_history_free(&h);
            /* the net still trains */
            st = nnd_sgd(net, &d, &o, &h);
            bad += st != NND_OK || h.epochs != 2;
            nnd_history_free(&h);
            nnd_free(net);
            bad += live_blocks != live0;
        }
        CHECK(failures > 5 && bad == 0, "sgd (%s): %d failures, %d handled badly",
              pass ? "sparse network2 net" : "conv net with everything", failures, bad);
    }
}

/* ------------------------------------------------------- text and data */
static void texts(void)
{
    int sizes[] = {30, 40, 10}, st, fmt;
    nnd_rng r;
    nnd_net *n2, *cn;
    nnd_error err;
    nnd_rng_seed(&r, 5);
    n2 = nnd_network2(sizes, 3, NND_QUADRATIC, &r, &st); /* its text is some 30 KB: the buffer grows */
    cn = conv_net();
    for (fmt = 0; fmt < 4; ++fmt) {
        static const char *const names[4] = {"network2_write", "nnd_write", "network2_parse", "nnd_parse"};
        nnd_net *src = fmt == 0 || fmt == 2 ? n2 : cn;
        size_t len;
        char *text = fmt < 2 ? NULL : fmt == 2 ? nnd_network2_write(src, &len, &err) : nnd_write(src, &len, &err);
        long k, live0 = live_blocks;
        int failures = 0, bad = 0;
        for (k = 1; k < MAX_TRIES; ++k) {
            char *out = NULL;
            nnd_net *back = NULL;
            memset(&err, 0, sizeof err);
            arm(k);
            switch (fmt) {
            case 0: out = nnd_network2_write(src, &len, &err); break;
            case 1: out = nnd_write(src, &len, &err); break;
            case 2: back = nnd_network2_parse(text, len, &err); break;
            default: back = nnd_parse(text, len, &err); break;
            }
            if (!disarm()) {
                CHECK(out || back, "%s without a failure: %s", names[fmt], err.message);
                if (back)
                    CHECK(memcmp(nnd_params(back), nnd_params(src), nnd_param_count(src) * sizeof(nnd_real)) == 0,
                          "%s: parameters read back", names[fmt]);
                nnd_free_text(out);
                nnd_free(back);
                break;
            }
            ++failures;
            bad += out != NULL || back != NULL || err.status != NND_ERR_NOMEM || live_blocks != live0;
        }
        CHECK(failures >= 1 && bad == 0, "%s: %d failures, %d handled badly", names[fmt], failures, bad);
        nnd_free_text(text);
    }
    nnd_free(n2);
    nnd_free(cn);
}

static void data(void)
{
    unsigned char img[4 * 9], idx_bytes[8 + 16 * 9];
    nnd_real xr[4 * 9], y[4 * 2];
    int labels[4] = {0, 1, 1, 0}, votes[3 * 4] = {0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1}, pred[4], i, pass;
    nnd_data d;
    nnd_rng r;
    for (i = 0; i < 36; ++i) {
        img[i] = (unsigned char)(i * 7);
        xr[i] = img[i] / (nnd_real)256;
    }
    for (i = 0; i < 8; ++i) y[i] = (nnd_real)(i % 2);
    for (pass = 0; pass < 3; ++pass) { /* bytes and labels; reals and targets; reals and both */
        long k, live0 = live_blocks;
        int failures = 0, bad = 0;
        memset(&d, 0, sizeof d);
        d.n = 4;
        d.n_in = 9;
        if (pass == 0) {
            d.x8 = img;
            d.x8_scale = 1;
        } else {
            d.x = xr;
        }
        if (pass != 1) d.labels = labels;
        if (pass != 0) {
            d.y = y;
            d.n_y = 2;
        }
        for (k = 1; k < MAX_TRIES; ++k) {
            nnd_dataset ex;
            int st;
            nnd_rng_seed(&r, 6);
            arm(k);
            st = nnd_expand_mnist(&d, 3, 3, &r, &ex);
            if (!disarm()) {
                CHECK(st == NND_OK && ex.data.n == 20, "expand_mnist without a failure");
                nnd_dataset_free(&ex);
                break;
            }
            ++failures;
            bad += st != NND_ERR_NOMEM || live_blocks != live0 || ex.data.n != 0;
        }
        CHECK(failures >= 3 && bad == 0, "expand_mnist (pass %d): %d failures, %d handled badly", pass, failures, bad);
    }
    {
        long live0 = live_blocks;
        int st;
        arm(1);
        st = nnd_vote(votes, 3, 4, 2, labels, pred, NULL, NULL, NULL);
        disarm();
        CHECK(st == NND_ERR_NOMEM && live_blocks == live0, "nnd_vote out of memory: %s", nnd_strerror(st));
    }
    {
        nnd_net *nets[2];
        int sizes[] = {9, 2}, st, k, failures = 0, bad = 0;
        long live0;
        nnd_rng_seed(&r, 7);
        nets[0] = nnd_network2(sizes, 2, NND_QUADRATIC, &r, &st);
        nets[1] = nnd_network2(sizes, 2, NND_QUADRATIC, &r, &st);
        memset(&d, 0, sizeof d);
        d.n = 4;
        d.n_in = 9;
        d.x = xr;
        d.labels = labels;
        nnd_predict(nets[0], &d, pred); /* both nets get their workspace now */
        nnd_predict(nets[1], &d, pred);
        live0 = live_blocks;
        for (k = 1; k < 50; ++k) {
            int c = -1;
            arm(k);
            st = nnd_ensemble_vote(nets, 2, &d, pred, &c, NULL, NULL);
            if (!disarm()) {
                CHECK(st == NND_OK && c >= 0, "ensemble vote without a failure");
                break;
            }
            ++failures;
            bad += st != NND_ERR_NOMEM || live_blocks != live0;
        }
        CHECK(failures == 2 && bad == 0, "ensemble vote: %d failures, %d handled badly", failures, bad);
        nnd_free(nets[0]);
        nnd_free(nets[1]);
    }
    {
        nnd_idx idx;
        nnd_error err;
        int st;
        long live0 = live_blocks;
        memset(idx_bytes, 0, sizeof idx_bytes);
        idx_bytes[2] = 8;
        idx_bytes[3] = 1;
        idx_bytes[7] = 144;
        arm(1);
        st = nnd_idx_parse(idx_bytes, sizeof idx_bytes, &idx, &err);
        disarm();
        CHECK(st == NND_ERR_NOMEM && err.status == NND_ERR_NOMEM && live_blocks == live0, "idx_parse out of memory");
    }
}

/* Loading files: the text buffer, the parse, the IDX payloads, the MNIST arrays. */
static void files(void)
{
    static const char *dir = "build/test_nomem";
    char n2path[256], nndpath[256], mdir[256];
    int sizes[] = {4, 3}, st, kind;
    nnd_rng r;
    nnd_net *net, *cn;
    nnd_error err;
    mkdir("build", 0755);
    mkdir(dir, 0755);
    snprintf(n2path, sizeof n2path, "%s/net2.json", dir);
    snprintf(nndpath, sizeof nndpath, "%s/net.json", dir);
    snprintf(mdir, sizeof mdir, "%s/mnist", dir);
    nnd_rng_seed(&r, 8);
    net = nnd_network2(sizes, 2, NND_CROSS_ENTROPY, &r, &st);
    cn = conv_net();
    CHECK(nnd_network2_save(net, n2path, &err) == NND_OK && nnd_save(cn, nndpath, &err) == NND_OK, "saves: %s",
          err.message);
    {
        /* a tiny MNIST folder: 3 training images of 2x2, 2 test images */
        static const unsigned char ti[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        static const unsigned char tl[] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
        static const unsigned char si[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
        static const unsigned char sl[] = {0, 0, 8, 1, 0, 0, 0, 2, 4, 5};
        static const char *const names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        const unsigned char *bytes[4] = {ti, tl, si, sl};
        const size_t lens[4] = {sizeof ti, sizeof tl, sizeof si, sizeof sl};
        int f;
        mkdir(mdir, 0755);
        for (f = 0; f < 4; ++f) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", mdir, names[f]);
            nnd_save_file(p, bytes[f], lens[f], &err);
        }
    }
    for (kind = 0; kind < 3; ++kind) {
        static const char *const names[3] = {"network2_load", "nnd_load", "mnist_load"};
        long k, live0 = live_blocks;
        int failures = 0, bad = 0;
        for (k = 1; k < MAX_TRIES; ++k) {
            nnd_net *back = NULL;
            nnd_mnist m;
            memset(&err, 0, sizeof err);
            st = NND_OK;
            arm(k);
            if (kind == 0) back = nnd_network2_load(n2path, &err);
            else if (kind == 1) back = nnd_load(nndpath, &err);
            else st = nnd_mnist_load(mdir, &m, &err);
            if (!disarm()) {
                if (kind == 2) {
                    CHECK(st == NND_OK && m.training.n == 3 && m.test.n == 2 && m.test.labels[1] == 5,
                          "mnist_load without a failure: %s", err.message);
                    nnd_mnist_free(&m);
                } else {
                    CHECK(back != NULL, "%s without a failure: %s", names[kind], err.message);
                    nnd_free(back);
                }
                break;
            }
            ++failures;
            bad += back != NULL || err.status != NND_ERR_NOMEM || (kind == 2 && st != NND_ERR_NOMEM) ||
                   live_blocks != live0;
        }
        CHECK(failures >= 3 && bad == 0, "%s: %d failures, %d handled badly", names[kind], failures, bad);
    }
    {
        /* a save whose text cannot be built leaves the file as it was */
        long k;
        int failures = 0, bad = 0;
        nnd_net *back;
        for (k = 1; k < MAX_TRIES; ++k) {
            memset(&err, 0, sizeof err);
            arm(k);
            st = nnd_save(net, nndpath, &err);
            if (!disarm()) break;
            ++failures;
            bad += st != NND_ERR_NOMEM || err.status != NND_ERR_NOMEM;
        }
        back = nnd_load(nndpath, &err);
        CHECK(failures >= 1 && bad == 0, "nnd_save: %d failures, %d handled badly", failures, bad);
        CHECK(back && nnd_param_count(back) == nnd_param_count(net), "the last save wrote the file: %s", err.message);
        nnd_free(back);
    }
    nnd_free(net);
    nnd_free(cn);
}

int main(void)
{
    long live0 = live_blocks;
    make_specs();
    creation();
    texts();
    data();
    files();
    /* the workspace of a running net (these come last: a crash here stops the program) */
    printf("feedforward, backprop, predict, total_cost and sgd, failing each allocation in turn\n");
    fflush(stdout);
    running();
    training();
    CHECK(live_blocks == live0, "%ld blocks still allocated at the end", live_blocks - live0);
    return check_summary();
}
