/* onnx_export.c - the C side of tests/test_onnx.sh: nnd's nets exported to
   ONNX (nnd_onnx_save) and what ONNX Runtime computes from them
   (tests/onnx_run.js) checked against what nnd_feedforward computes.

   onnx_export export DATA OUT [NAME...]
                                 builds the nets below (or those named),
                                 trains each briefly
                                 (the first 5,000 training images, 1 epoch),
                                 writes OUT/NAME.onnx and OUT/NAME.nnd (its
                                 outputs on the test images, doubles, row by
                                 row) and prints the names
   onnx_export compare DATA OUT NAME...
                                 reads OUT/NAME.ort (ONNX Runtime's outputs,
                                 float32) and checks every argmax equal and
                                 the largest |difference| at most 1e-5
   onnx_export classes DATA ORT PREDICTIONS
                                 ONNX Runtime's classes against a file of
                                 predicted classes, one per line (build/network3
                                 --predictions), and the accuracy both give
   onnx_export accuracy DATA ORT COUNT
                                 ONNX Runtime's test accuracy against COUNT
                                 (build/network2's "Accuracy on test data")
   onnx_export bad OUT           the calls that must refuse, and say why
   onnx_export save PATH         a small net's model saved to PATH; on failure
                                 exit 1 and the message on stderr

   The nets: network2's [784,30,10] (cross-entropy) and a 784-60-30-10
   quadratic-cost net; network3's presets shallow, conv, conv2-relu and
   dropout with examples/network3.c's layer stacks; a LeNet-style stack of
   nnd_conv_layer / nnd_pool_layer layers (tanh); and a net whose conv layer
   reads a dense layer's rows as 3 x 4 x 16 maps (image_c/h/w), so that rows
   become multi-channel maps (Reshape to NHWC, Transpose to NCHW), with a
   3x5 filter and 2x3 pooling. */
#include <stdlib.h>

/* The allocator, with one allocation made to fail on request (bad()):
   fail_at counts down the allocations and the one that finds it 0 fails. */
static long fail_at = -1;
static void *test_malloc(size_t n) { return fail_at-- == 0 ? NULL : malloc(n); }
static void *test_realloc(void *p, size_t n) { return fail_at-- == 0 ? NULL : realloc(p, n); }
#define NND_MALLOC(sz) test_malloc(sz)
#define NND_REALLOC(p, sz) test_realloc(p, sz)
#define NND_FREE(p) free(p)

#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

/* The nets train on the first TRAIN training images for one epoch: with
   1,000 the sigmoid conv net and the dropout net still give one class for
   every test image (10.28% and 10.71% measured), and equal classes would
   say little; with 5,000 each is between 66% and 92% right. */
enum { N_NETS = 8, BATCH = 500, TRAIN = 5000 };
static const char *const names[N_NETS] = {"network2", "quadratic", "shallow",  "conv",
                                          "conv2-relu", "dropout",  "lenet", "reshaped"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "onnx_export: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

/* Net k's layers (examples/network3.c's presets for 2..5); returns their number. */
static int layers_of(int k, nnd_layer_spec *L, nnd_cost *cost)
{
    const nnd_activation sig = NND_SIGMOID, relu = NND_RELU, th = NND_TANH;
    *cost = NND_LOG_LIKELIHOOD;
    switch (k) {
    case 2: /* shallow */
        L[0] = nnd_fully_connected_layer(100, sig, 0.0);
        L[1] = nnd_softmax_layer(10, 0.0);
        return 2;
    case 3: /* conv */
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, sig);
        L[1] = nnd_fully_connected_layer(100, sig, 0.0);
        L[2] = nnd_softmax_layer(10, 0.0);
        return 3;
    case 4: /* conv2-relu */
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, relu);
        L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, relu);
        L[2] = nnd_fully_connected_layer(100, relu, 0.0);
        L[3] = nnd_softmax_layer(10, 0.0);
        return 4;
    case 5: /* dropout: 0.5 on the inputs of the last three layers */
        L[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, relu);
        L[1] = nnd_conv_pool_layer(40, 5, 5, 2, 2, relu);
        L[2] = nnd_fully_connected_layer(1000, relu, 0.5);
        L[3] = nnd_fully_connected_layer(1000, relu, 0.5);
        L[4] = nnd_softmax_layer(10, 0.5);
        return 5;
    case 6: /* LeNet-style: 28 -> conv 24 -> pool 12 -> conv 8 -> pool 4 */
        L[0] = nnd_conv_layer(6, 5, 5, th);
        L[1] = nnd_pool_layer(2, 2);
        L[2] = nnd_conv_layer(16, 5, 5, th);
        L[3] = nnd_pool_layer(2, 2);
        L[4] = nnd_dense_layer(120, th, 0.0);
        L[5] = nnd_dense_layer(84, th, 0.0);
        L[6] = nnd_softmax_layer(10, 0.0);
        return 7;
    default: /* 7, reshaped: 192 linear units read as 3 x 4 x 16 maps; nothing square,
                so that a height taken for a width shows: 4x16 -> conv 3x5 2x12 -> pool 2x3 1x4 */
        *cost = NND_CROSS_ENTROPY;
        L[0] = nnd_dense_layer(192, NND_LINEAR, 0.0);
        L[1] = nnd_conv_layer(6, 3, 5, relu);
        L[1].image_c = 3;
        L[1].image_h = 4;
        L[1].image_w = 16;
        L[2] = nnd_pool_layer(2, 3);
        L[3] = nnd_dense_layer(10, sig, 0.2); /* a p other than 1-p: Gemm's alpha is 0.8 */
        return 4;
    }
}

/* Net k, initialised from rng, and the options of its brief training. */
static nnd_net *make(int k, nnd_rng *rng, nnd_sgd_options *o)
{
    static const int sizes2[] = {784, 30, 10}, sizesq[] = {784, 60, 30, 10};
    /* network2's 0.5 and the presets' (conv.py's), but 0.1 for the dropout net, whose 0.03
       learns nothing in one short epoch (11.35% after it) */
    static const double eta[N_NETS] = {0.5, 3.0, 0.1, 0.1, 0.03, 0.1, 0.1, 0.1};
    nnd_layer_spec L[8];
    nnd_cost cost;
    nnd_net *net;
    int st, n;
    *o = nnd_sgd_defaults();
    o->epochs = 1;
    o->mini_batch_size = 10;
    o->eta = eta[k];
    if (k == 0) return nnd_network2(sizes2, 3, NND_CROSS_ENTROPY, rng, &st);
    if (k == 1) return nnd_network2(sizesq, 4, NND_QUADRATIC, rng, &st);
    n = layers_of(k, L, &cost);
    net = nnd_net_create(784, L, n, cost, &st);
    if (!net) die("nnd_net_create", nnd_strerror(st));
    if (k == 7) nnd_default_weight_initializer(net, rng);
    else {
        nnd_network3_initializer(net, rng, 0);
        o->network3 = 1;
        o->lmbda = k == 4 ? 0.1 : 0.0; /* conv2-relu's lambda */
    }
    nnd_set_dropout_seed(net, 7919u * (unsigned)(k + 1));
    return net;
}

static void path_of(char *out, size_t cap, const char *dir, const char *name, const char *ext)
{
    if ((size_t)snprintf(out, cap, "%s/%s%s", dir, name, ext) >= cap) die("path too long", dir);
}

/* The test images as the nets read them: byte * 1/256 (nnd_data_bytes' scale). */
static nnd_real *test_inputs(const nnd_mnist *m)
{
    const size_t n = (size_t)m->test.n * m->test.n_in;
    nnd_real *x = (nnd_real *)malloc(n * sizeof *x);
    size_t i;
    if (!x) die("out of memory", NULL);
    for (i = 0; i < n; ++i) x[i] = (nnd_real)m->test.x8[i] * m->test.x8_scale;
    return x;
}

/* Whether net k is among the names asked for (all when there are none). */
static int wanted(int k, char **asked, int n_asked)
{
    int i;
    for (i = 0; i < n_asked; ++i)
        if (!strcmp(asked[i], names[k])) return 1;
    return n_asked == 0;
}

static int export_all(const char *data, const char *out, char **asked, int n_asked)
{
    nnd_mnist m;
    nnd_error err;
    nnd_real *x, *y;
    char path[4096];
    int k, i, j;
    if (nnd_mnist_load(data, &m, &err) != NND_OK) die(err.message, NULL);
    x = test_inputs(&m);
    y = (nnd_real *)malloc((size_t)BATCH * 10 * sizeof *y);
    if (!y) die("out of memory", NULL);
    for (k = 0; k < N_NETS; ++k) {
        nnd_rng rng;
        nnd_sgd_options o;
        nnd_data train = nnd_data_slice(&m.training, 0, TRAIN);
        nnd_net *net;
        FILE *f;
        if (!wanted(k, asked, n_asked)) continue;
        nnd_rng_seed(&rng, 1000u + (unsigned)k);
        net = make(k, &rng, &o);
        nnd_set_threads(net, 1);
        if (nnd_sgd(net, &train, &o, NULL) != NND_OK) die("training failed", nnd_net_error(net)->message);
        path_of(path, sizeof path, out, names[k], ".onnx");
        if (nnd_onnx_save(net, path, &err) != NND_OK) die("nnd_onnx_save", err.message);
        path_of(path, sizeof path, out, names[k], ".nnd");
        if (!(f = fopen(path, "wb"))) die("cannot write", path);
        for (i = 0; i < m.test.n; i += BATCH) {
            const int b = m.test.n - i < BATCH ? m.test.n - i : BATCH;
            if (nnd_feedforward(net, x + (size_t)i * 784, (size_t)b * 784, y, (size_t)BATCH * 10) != NND_OK)
                die("nnd_feedforward", nnd_net_error(net)->message);
            for (j = 0; j < b * 10; ++j) {
                double v = (double)y[j];
                fwrite(&v, sizeof v, 1, f);
            }
        }
        if (fclose(f) != 0) die("cannot write", path);
        printf("%s\n", names[k]);
        nnd_free(net);
    }
    free(x);
    free(y);
    nnd_mnist_free(&m);
    return 0;
}

/* The whole of a file, *n bytes. */
static unsigned char *slurp(const char *path, size_t *n)
{
    nnd_error err;
    char *s = nnd_load_file(path, n, &err);
    if (!s) die("cannot read", path);
    return (unsigned char *)s;
}

/* The first largest of n values (nnd_predict's rule). */
static int argmax_d(const double *v, int n)
{
    int j, best = 0;
    for (j = 1; j < n; ++j)
        if (v[j] > v[best]) best = j;
    return best;
}

static int argmax_f(const float *v, int n)
{
    int j, best = 0;
    for (j = 1; j < n; ++j)
        if (v[j] > v[best]) best = j;
    return best;
}

static void compare(const nnd_mnist *m, const char *out, const char *name)
{
    nnd_error err;
    char path[4096], id[64];
    size_t nb, no, i;
    unsigned char *a, *b;
    const double *d;
    const float *f;
    int n = m->test.n, e, equal = 0, right_ort = 0, right_nnd = 0;
    double worst = 0;
    path_of(path, sizeof path, out, name, ".nnd");
    a = slurp(path, &nb);
    path_of(path, sizeof path, out, name, ".ort");
    b = (unsigned char *)nnd_load_file(path, &no, &err);
    CHECK(b != NULL, "%s: no outputs of ONNX Runtime: %s", name, err.message);
    if (!b) {
        free(a);
        return;
    }
    d = (const double *)(const void *)a;
    f = (const float *)(const void *)b;
    /* 10 outputs per test image from both */
    CHECK(nb == (size_t)n * 10 * sizeof(double) && no == (size_t)n * 10 * sizeof(float),
          "%s: %lu bytes of nnd outputs, %lu of ONNX Runtime's, for %d images", name,
          (unsigned long)nb, (unsigned long)no, n);
    if (nb != (size_t)n * 10 * sizeof(double) || no != (size_t)n * 10 * sizeof(float)) n = 0;
    for (e = 0; e < n; ++e) {
        const int cn = argmax_d(d + (size_t)e * 10, 10), co = argmax_f(f + (size_t)e * 10, 10);
        equal += cn == co;
        right_nnd += cn == m->test.labels[e];
        right_ort += co == m->test.labels[e];
    }
    for (i = 0; i < (size_t)n * 10; ++i) {
        const double diff = fabs((double)f[i] - d[i]);
        if (!(diff <= worst)) worst = diff; /* NaN sticks */
    }
    printf("%-11s classes equal %5d / %d, max |ONNX Runtime - nnd| %.3g, test accuracy %d (ONNX "
           "Runtime) %d (nnd)\n",
           name, equal, n, worst, right_ort, right_nnd);
    snprintf(id, sizeof id, "%s classes", name);
    CHECK_AT_LEAST(id, equal, m->test.n); /* every one of the 10,000 */
    snprintf(id, sizeof id, "%s maxdiff", name);
    CHECK_AT_MOST(id, worst, 1e-5); /* float rounding of sums in another order, see test_onnx.sh */
    free(a);
    free(b);
}

/* PREDICTIONS (one class per line; '#' lines are comments, as build/network3
   writes them) against the argmax of ORT's outputs. */
static void classes(const nnd_mnist *m, const char *ort, const char *pred)
{
    size_t no, np, i = 0;
    unsigned char *b = slurp(ort, &no), *p = slurp(pred, &np);
    const float *f = (const float *)(const void *)b;
    const char *s = (const char *)p;
    int e, equal = 0, right_ort = 0, right_pred = 0, n = m->test.n;
    CHECK(no == (size_t)n * 10 * sizeof(float), "%s: %lu bytes, expected %d rows of 10 floats", ort,
          (unsigned long)no, n);
    if (no != (size_t)n * 10 * sizeof(float)) n = 0;
    for (e = 0; e < n; ++e) {
        const int co = argmax_f(f + (size_t)e * 10, 10);
        int c = -1;
        while (i < np && s[i] == '#') /* a comment line */
            while (i < np && s[i++] != '\n') continue;
        if (i + 1 < np && s[i] >= '0' && s[i] <= '9' && s[i + 1] == '\n') {
            c = s[i] - '0';
            i += 2;
        }
        equal += c == co;
        right_pred += c == m->test.labels[e];
        right_ort += co == m->test.labels[e];
    }
    printf("classes equal %d / %d; test accuracy %d (ONNX Runtime) %d (the program)\n", equal, n,
           right_ort, right_pred);
    CHECK_AT_LEAST("cli classes", equal, m->test.n);
    CHECK_AT_LEAST("cli accuracy", right_ort, right_pred);
    CHECK_AT_MOST("cli accuracy", right_ort, right_pred);
    free(b);
    free(p);
}

/* The test accuracy of ORT's outputs against the count a program printed. */
static void accuracy(const nnd_mnist *m, const char *ort, int count)
{
    size_t no;
    unsigned char *b = slurp(ort, &no);
    const float *f = (const float *)(const void *)b;
    int e, right = 0, n = m->test.n;
    CHECK(no == (size_t)n * 10 * sizeof(float), "%s: %lu bytes, expected %d rows of 10 floats", ort,
          (unsigned long)no, n);
    if (no != (size_t)n * 10 * sizeof(float)) n = 0;
    for (e = 0; e < n; ++e) right += argmax_f(f + (size_t)e * 10, 10) == m->test.labels[e];
    printf("test accuracy %d (ONNX Runtime) %d (the program)\n", right, count);
    CHECK_AT_LEAST("cli accuracy", right, count);
    CHECK_AT_MOST("cli accuracy", right, count);
    free(b);
}

/* A small net with set parameters: [784,30,10] from a fixed seed. */
static nnd_net *small_net(void)
{
    static const int sizes[] = {784, 30, 10};
    nnd_rng rng;
    int st;
    nnd_rng_seed(&rng, 5);
    return nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
}

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

/* The refusals: each gives its status and a message naming the cause, and
   writes nothing. */
static void bad(const char *out)
{
    nnd_layer_spec L[2];
    nnd_error err;
    nnd_net *net;
    unsigned char *model;
    char path[4096];
    size_t len = 12345;
    int st, k;
    FILE *f;
    L[0] = nnd_fully_connected_layer(30, NND_SIGMOID, 0.0);
    L[1] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(784, L, 2, NND_LOG_LIKELIHOOD, &st);
    if (!net) die("nnd_net_create", nnd_strerror(st));
    model = nnd_onnx_write(net, &len, &err); /* parameters never set */
    CHECK(!model && err.status == NND_ERR_ARG && contains(err.message, "never set"),
          "a net of unset parameters: status %d, '%s'", err.status, err.message);
    path_of(path, sizeof path, out, "unset", ".onnx");
    st = nnd_onnx_save(net, path, &err);
    f = fopen(path, "rb");
    CHECK(st == NND_ERR_ARG && !f, "saving it: status %d, %s", st, f ? "a file made" : "no file");
    if (f) fclose(f);
    nnd_free(net);

    net = small_net();
    nnd_params(net)[77] = (nnd_real)NAN; /* a diverged parameter */
    model = nnd_onnx_write(net, &len, &err);
    CHECK(!model && err.status == NND_ERR_DIVERGED && contains(err.message, "NaN"),
          "a NaN parameter: status %d, '%s'", err.status, err.message);
    nnd_params(net)[77] = 0;
    model = nnd_onnx_write(NULL, &len, &err);
    CHECK(!model && err.status == NND_ERR_ARG && contains(err.message, "NULL"),
          "no net: status %d, '%s'", err.status, err.message);

    for (k = 0; k < 1000; ++k) { /* the k-th allocation of the write fails */
        fail_at = k;
        model = nnd_onnx_write(net, &len, &err);
        fail_at = -1;
        if (model) break;
        if (err.status != NND_ERR_NOMEM) break;
    }
    /* every failure gives NND_ERR_NOMEM, none a model (measured: the write of [784,30,10]
       makes 10 allocations, float and double); k >= 1: at least one was made to fail */
    CHECK(model && k >= 1, "allocations failing one at a time: %d gave NND_ERR_NOMEM, then %s (status %d)", k,
          model ? "a model" : "no model", err.status);
    nnd_free_text((char *)model);

    path_of(path, sizeof path, out, "no-such-folder/model", ".onnx");
    st = nnd_onnx_save(net, path, &err);
    CHECK(st == NND_ERR_IO && contains(err.message, "does not exist") && contains(err.message, path),
          "a missing folder: status %d, '%s'", st, err.message);
    CHECK(nnd_onnx_save(net, out, &err) == NND_ERR_IO && contains(err.message, "not a regular file"),
          "a folder as the path: status %d, '%s'", err.status, err.message);
    nnd_free(net);
}

static int save(const char *path)
{
    nnd_error err;
    nnd_net *net = small_net();
    int st = nnd_onnx_save(net, path, &err);
    nnd_free(net);
    if (st != NND_OK) {
        fprintf(stderr, "onnx_export: %s\n", err.message);
        return 1;
    }
    printf("saved %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    nnd_mnist m;
    nnd_error err;
    int i;
    if (argc >= 4 && !strcmp(argv[1], "export")) return export_all(argv[2], argv[3], argv + 4, argc - 4);
    if (argc == 3 && !strcmp(argv[1], "save")) return save(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "bad")) {
        bad(argv[2]);
        return check_summary();
    }
    if ((argc >= 5 && !strcmp(argv[1], "compare")) ||
        (argc == 5 && (!strcmp(argv[1], "classes") || !strcmp(argv[1], "accuracy")))) {
        if (nnd_mnist_load(argv[2], &m, &err) != NND_OK) die(err.message, NULL);
        if (!strcmp(argv[1], "classes")) classes(&m, argv[3], argv[4]);
        else if (!strcmp(argv[1], "accuracy")) accuracy(&m, argv[3], atoi(argv[4]));
        else
            for (i = 4; i < argc; ++i) compare(&m, argv[3], argv[i]);
        nnd_mnist_free(&m);
        return check_summary();
    }
    die("usage: onnx_export export DATA OUT [NAME...] | compare DATA OUT NAME... | classes DATA ORT PREDICTIONS | "
        "accuracy DATA ORT COUNT | bad OUT | save PATH", NULL);
    return 2;
}
