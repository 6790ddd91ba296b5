/* make_corpus.c - writes the seed corpora of the fuzz harnesses
   (tests/fuzz/corpus/<harness>/) and the regression inputs of past reader
   bugs (tests/fuzz/findings/<harness>/). The files are committed; run this
   only to regenerate them, from the top of the repository:

     gcc -std=c99 -O1 tests/fuzz/make_corpus.c -o build/fuzz/make_corpus -lm
     build/fuzz/make_corpus tests/fuzz

   Valid models and checkpoints are made by the library's own writers from
   small nets with fixed seeds (so they are in exactly the written format);
   the invalid ones are small edits of those or written out here. Two IDX
   files are slices of MNIST when data/mnist is there. Every file is small
   (a corpus file is read many times a second). */
#define _POSIX_C_SOURCE 200809L
#define NND_IMPLEMENTATION
#include "../../nnd.h"
#include "../../examples/cli_files.h"

#include <sys/stat.h>
#include <sys/types.h>

static const char *root;

static void put(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", root, dir);
    mkdir(path, 0755); /* the parent exists: dir is corpus/X or findings/X, made in order */
    snprintf(path, sizeof path, "%s/%s/%s", root, dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "make_corpus: cannot write %s\n", path);
        exit(1);
    }
}

static void puts_file(const char *dir, const char *name, const char *s) { put(dir, name, s, strlen(s)); }

/* s with the first occurrence of from replaced by to (static buffer). */
static const char *edit(const char *s, const char *from, const char *to)
{
    static char buf[1 << 16];
    const char *at = strstr(s, from);
    size_t a;
    if (!at || strlen(s) - strlen(from) + strlen(to) >= sizeof buf) {
        fprintf(stderr, "make_corpus: edit \"%s\" not possible\n", from);
        exit(1);
    }
    a = (size_t)(at - s);
    memcpy(buf, s, a);
    strcpy(buf + a, to);
    strcat(buf, at + strlen(from));
    return buf;
}

/* Round every parameter to 3 significant digits so that the files stay short. */
static void shorten(nnd_net *net)
{
    nnd_real *p = nnd_params(net);
    size_t i;
    char num[32];
    for (i = 0; i < nnd_param_count(net); ++i) {
        snprintf(num, sizeof num, "%.3g", (double)p[i]);
        p[i] = (nnd_real)strtod(num, NULL);
    }
}

static nnd_net *make(int n_in, const nnd_layer_spec *L, int n, nnd_cost cost, uint64_t seed)
{
    int st;
    nnd_rng rng;
    nnd_net *net = nnd_net_create(n_in, L, n, cost, &st);
    if (!net) {
        fprintf(stderr, "make_corpus: net: %s\n", nnd_strerror(st));
        exit(1);
    }
    nnd_rng_seed(&rng, seed);
    nnd_default_weight_initializer(net, &rng);
    shorten(net);
    return net;
}

static char *nnd_text(const nnd_net *net)
{
    nnd_error err;
    char *t = nnd_write(net, NULL, &err);
    if (!t) {
        fprintf(stderr, "make_corpus: nnd_write: %s\n", err.message);
        exit(1);
    }
    return t;
}

/* ------------------------------------------------------------------ IDX */
static void idx_file(const char *name, int ndim, const int *dims, long extra, const char *dir)
{
    unsigned char buf[4096];
    size_t n = 4, count = 1, i;
    int d;
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = 8;
    buf[3] = (unsigned char)ndim;
    for (d = 0; d < ndim; ++d) {
        buf[n++] = (unsigned char)(dims[d] >> 24);
        buf[n++] = (unsigned char)(dims[d] >> 16);
        buf[n++] = (unsigned char)(dims[d] >> 8);
        buf[n++] = (unsigned char)dims[d];
        count *= (size_t)dims[d];
    }
    count = (size_t)((long)count + extra);
    for (i = 0; i < count && n < sizeof buf; ++i) buf[n++] = (unsigned char)(i * 37 + 11);
    put(dir, name, buf, n);
}

/* The first `count` items of an MNIST file as an IDX file of its own. */
static void mnist_slice(const char *file, int count, const char *name)
{
    char path[256];
    nnd_idx idx;
    nnd_error err;
    unsigned char buf[16 + 3 * 784];
    size_t item, n, i;
    int d;
    snprintf(path, sizeof path, "data/mnist/%s", file);
    if (nnd_idx_load(path, &idx, &err) != NND_OK) {
        fprintf(stderr, "make_corpus: %s (skipped)\n", err.message);
        return;
    }
    item = idx.count / (size_t)idx.dims[0];
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = 8;
    buf[3] = (unsigned char)idx.ndim;
    n = 4;
    for (d = 0; d < idx.ndim; ++d) {
        unsigned v = d == 0 ? (unsigned)count : (unsigned)idx.dims[d];
        buf[n++] = (unsigned char)(v >> 24);
        buf[n++] = (unsigned char)(v >> 16);
        buf[n++] = (unsigned char)(v >> 8);
        buf[n++] = (unsigned char)v;
    }
    for (i = 0; i < item * (size_t)count && n < sizeof buf; ++i) buf[n++] = idx.data[i];
    put("corpus/idx", name, buf, n);
    nnd_idx_free(&idx);
}

static void idx_corpus(void)
{
    const int d1[] = {5}, d2[] = {3, 4}, d3[] = {2, 4, 4}, d4[] = {1, 2, 3, 2}, d0[] = {2, 0, 3};
    const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3};
    const unsigned char type[] = {0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0};
    const unsigned char five[] = {0, 0, 8, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7};
    const unsigned char shorthdr[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0};
    const unsigned char huge[] = {0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 1, 2};
    const unsigned char neg[] = {0, 0, 8, 1, 0x80, 0, 0, 0, 1};
    idx_file("labels_1d.idx", 1, d1, 0, "corpus/idx");
    idx_file("matrix_2d.idx", 2, d2, 0, "corpus/idx");
    idx_file("images_3d.idx", 3, d3, 0, "corpus/idx");
    idx_file("tensor_4d.idx", 4, d4, 0, "corpus/idx");
    idx_file("bad_truncated.idx", 3, d3, -5, "corpus/idx");
    idx_file("bad_trailing.idx", 2, d2, 3, "corpus/idx");
    idx_file("bad_zero_dim.idx", 3, d0, 0, "corpus/idx");
    put("corpus/idx", "bad_gzip.idx", gz, sizeof gz);
    put("corpus/idx", "bad_float_type.idx", type, sizeof type);
    put("corpus/idx", "bad_5_dims.idx", five, sizeof five);
    put("corpus/idx", "bad_short_header.idx", shorthdr, sizeof shorthdr);
    put("corpus/idx", "bad_huge_dims.idx", huge, sizeof huge);
    put("corpus/idx", "bad_dim_2pow31.idx", neg, sizeof neg);
    put("corpus/idx", "bad_empty.idx", "", 0);
    mnist_slice("t10k-labels-idx1-ubyte", 100, "mnist_100_labels.idx");
    mnist_slice("t10k-images-idx3-ubyte", 3, "mnist_3_images.idx");
}

/* ------------------------------------------------------------- network2 */
static char *net2_text(const int *sizes, int n, nnd_cost cost, uint64_t seed)
{
    nnd_rng rng;
    nnd_error err;
    int st;
    char *t;
    nnd_net *net;
    nnd_rng_seed(&rng, seed);
    net = nnd_network2(sizes, n, cost, &rng, &st);
    shorten(net);
    t = nnd_network2_write(net, NULL, &err);
    if (!t) {
        fprintf(stderr, "make_corpus: network2: %s\n", err.message);
        exit(1);
    }
    nnd_free(net);
    return t;
}

static void network2_corpus(void)
{
    const int s1[] = {2, 3, 1}, s2[] = {4, 2}, s3[] = {5, 4, 3, 2}, s4[] = {1, 1};
    char *a = net2_text(s1, 3, NND_CROSS_ENTROPY, 1), *b = net2_text(s2, 2, NND_QUADRATIC, 2);
    char *c = net2_text(s3, 4, NND_CROSS_ENTROPY, 3), *d = net2_text(s4, 2, NND_QUADRATIC, 4);
    puts_file("corpus/network2", "ce_2_3_1.json", a);
    puts_file("corpus/network2", "quadratic_4_2.json", b);
    puts_file("corpus/network2", "ce_5_4_3_2.json", c);
    puts_file("corpus/network2", "quadratic_1_1.json", d);
    /* keys in another order, whitespace and newlines, an unknown key of every JSON kind, exponents */
    puts_file("corpus/network2", "reordered_unknown_keys.json",
              "{\n  \"cost\" : \"QuadraticCost\",\n\t\"comment\": {\"a\": [1, -2.5e-3, true, false, null], \"b\": \"x\\\"y\\u00e9\"},\n"
              "  \"biases\": [[[0.0], [1E+0]], [[-5e-1]]],\r\n  \"sizes\": [2, 2, 1],\n"
              "  \"weights\": [[[1.0, -1.0], [0.5, 0.25]], [[2.0, -3.0]]]\n}\n");
    puts_file("corpus/network2", "bad_missing_cost.json", edit(a, ", \"cost\": \"CrossEntropyCost\"", ""));
    puts_file("corpus/network2", "bad_cost_name.json", edit(a, "CrossEntropyCost", "LogLikelihoodCost"));
    puts_file("corpus/network2", "bad_sizes_mismatch.json", edit(a, "[2, 3, 1]", "[2, 4, 1]"));
    puts_file("corpus/network2", "bad_ragged_row.json", edit(b, "], [", ", 1.5], ["));
    puts_file("corpus/network2", "bad_nan.json", edit(b, "[[[", "[[[NaN, "));
    puts_file("corpus/network2", "bad_out_of_float.json", edit(d, "[[[", "[[[1e39, "));
    puts_file("corpus/network2", "bad_trailing_text.json", edit(d, "\"}", "\"} x"));
    puts_file("corpus/network2", "bad_duplicate_sizes.json", edit(d, "{\"sizes\": [1, 1],", "{\"sizes\": [1, 1], \"sizes\": [1, 1],"));
    puts_file("corpus/network2", "bad_one_size.json", "{\"sizes\": [3], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}");
    puts_file("corpus/network2", "bad_bias_shape.json", edit(d, "\"biases\": [[[", "\"biases\": [[[0.5, "));
    {
        char trunc[200];
        size_t n = strlen(a) / 2;
        memcpy(trunc, a, n < sizeof trunc ? n : sizeof trunc - 1);
        put("corpus/network2", "bad_truncated.json", trunc, n < sizeof trunc ? n : sizeof trunc - 1);
    }
    /* past bug: the cost name's decoded \n, \r and \b were echoed into the error message */
    puts_file("findings/network2", "cost_with_newline_escapes.json",
              "{\"sizes\": [1, 1], \"weights\": [[[0.5]]], \"biases\": [[[0.25]]], "
              "\"cost\": \"Cross\\nEntropy\\r\\bCost\\u001b[31m\"}");
    nnd_free_text(a);
    nnd_free_text(b);
    nnd_free_text(c);
    nnd_free_text(d);
}

/* ------------------------------------------------------------------ nnd */
static void nnd_corpus(void)
{
    char *t;
    nnd_net *net;
    {   /* every activation in dense layers; log-likelihood */
        nnd_layer_spec L[4];
        L[0] = nnd_dense_layer(3, NND_TANH, 0.0);
        L[1] = nnd_dense_layer(3, NND_RELU, 0.25);
        L[2] = nnd_dense_layer(2, NND_LINEAR, 0.0);
        L[3] = nnd_softmax_layer(3, 0.5);
        net = make(4, L, 4, NND_LOG_LIKELIHOOD, 11);
        t = nnd_text(net);
        puts_file("corpus/nnd", "dense_all_activations_ll.json", t);
        puts_file("corpus/nnd", "bad_softmax_not_last.json", edit(t, "\"linear\"", "\"softmax\""));
        puts_file("corpus/nnd", "bad_dropout_1.json", edit(t, "\"p_dropout\": 0.25", "\"p_dropout\": 1.0"));
        puts_file("corpus/nnd", "bad_activation_name.json", edit(t, "\"relu\"", "\"gelu\""));
        puts_file("corpus/nnd", "bad_version_2.json", edit(t, "\"version\": 1", "\"version\": 2"));
        puts_file("corpus/nnd", "bad_format_name.json", edit(t, "\"nnd\"", "\"nnd2\""));
        puts_file("corpus/nnd", "bad_weights_count.json", edit(t, "\"weights\": [", "\"weights\": [0.5, "));
        puts_file("corpus/nnd", "bad_input_two.json", edit(t, "\"input\": [4, 1, 1]", "\"input\": [4, 1]"));
        puts_file("corpus/nnd", "bad_trailing.json", edit(t, "\n ]}\n", "\n ]}\n}"));
        puts_file("corpus/nnd", "bad_missing_type.json", edit(t, "{\"type\": \"dense\", ", "{"));
        nnd_free_text(t);
        nnd_free(net);
    }
    {   /* sigmoid with cross-entropy, and quadratic */
        nnd_layer_spec L[2];
        L[0] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
        L[1] = nnd_dense_layer(2, NND_SIGMOID, 0.0);
        net = make(3, L, 2, NND_CROSS_ENTROPY, 12);
        t = nnd_text(net);
        puts_file("corpus/nnd", "dense_sigmoid_ce.json", t);
        puts_file("corpus/nnd", "bad_ce_needs_sigmoid.json", edit(t, "\"sigmoid\", \"neurons\": 2", "\"tanh\", \"neurons\": 2"));
        puts_file("corpus/nnd", "dense_sigmoid_quadratic.json", edit(t, "cross_entropy", "quadratic"));
        puts_file("corpus/nnd", "bad_cost_name.json", edit(t, "cross_entropy", "hinge"));
        puts_file("corpus/nnd", "bad_nan_weight.json", edit(t, "\"weights\": [", "\"weights\": [NaN, "));
        nnd_free_text(t);
        nnd_free(net);
    }
    {   /* LeNet style: conv, pool, dense softmax on a 1 x 6 x 6 image */
        nnd_layer_spec L[3];
        L[0] = nnd_conv_layer(2, 3, 3, NND_RELU);
        L[0].image_c = 1, L[0].image_h = 6, L[0].image_w = 6;
        L[1] = nnd_pool_layer(2, 2);
        L[2] = nnd_softmax_layer(3, 0.0);
        net = make(36, L, 3, NND_LOG_LIKELIHOOD, 13);
        t = nnd_text(net);
        puts_file("corpus/nnd", "conv_pool_dense.json", t);
        puts_file("corpus/nnd", "bad_filter_too_big.json", edit(t, "\"filter\": [3, 3]", "\"filter\": [7, 3]"));
        puts_file("corpus/nnd", "bad_pool_activation.json", edit(t, "{\"type\": \"pool\", \"activation\": \"linear\"",
                                                               "{\"type\": \"pool\", \"activation\": \"relu\""));
        puts_file("corpus/nnd", "bad_input_size.json", edit(t, "\"input\": [1, 6, 6]", "\"input\": [1, 6, 5]"));
        nnd_free_text(t);
        nnd_free(net);
    }
    {   /* network3's ConvPoolLayer on two channels, then a sigmoid output */
        nnd_layer_spec L[2];
        L[0] = nnd_conv_pool_layer(3, 2, 2, 2, 2, NND_TANH);
        L[0].image_c = 2, L[0].image_h = 5, L[0].image_w = 5;
        L[1] = nnd_dense_layer(2, NND_SIGMOID, 0.0);
        net = make(50, L, 2, NND_QUADRATIC, 14);
        t = nnd_text(net);
        puts_file("corpus/nnd", "conv_pool_2_channels.json", t);
        nnd_free_text(t);
        nnd_free(net);
    }
    {   /* a pool layer first, on an image, then conv_pool relu, then a linear dense layer */
        nnd_layer_spec L[3];
        L[0] = nnd_pool_layer(1, 2);
        L[0].image_c = 1, L[0].image_h = 6, L[0].image_w = 8;
        L[1] = nnd_conv_pool_layer(2, 3, 2, 2, 1, NND_RELU);
        L[2] = nnd_dense_layer(1, NND_LINEAR, 0.0);
        net = make(48, L, 3, NND_QUADRATIC, 15);
        t = nnd_text(net);
        puts_file("corpus/nnd", "pool_conv_pool_linear.json", t);
        nnd_free_text(t);
        nnd_free(net);
    }
    puts_file("corpus/nnd", "hand_written_unknown_keys.json",
              "{\"layers\": [{\"biases\": [0.5], \"weights\": [1.0, -2.0], \"type\": \"dense\", \"neurons\": 1,"
              " \"note\": [null, true, {\"x\": false}]}],\n"
              " \"cost\": \"quadratic\", \"input\": [2, 1, 1], \"version\": 1, \"format\": \"nnd\", \"extra\": \"\\u0041\"}");
    puts_file("corpus/nnd", "bad_empty_layers.json",
              "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 1], \"cost\": \"quadratic\", \"layers\": []}");
    /* past bug: decoded \n, \r and \b of the "type" value were echoed into the error message */
    puts_file("findings/nnd", "type_with_newline_escapes.json",
              "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 2], \"cost\": \"quadratic\",\n"
              " \"layers\": [{\"type\": \"de\\nnse\\r\\b\\u001b[2J\", \"neurons\": 1, \"weights\": [1.0, 2.0], \"biases\": [0.0]}]}\n");
    /* past bug: a dense 16384 x 16384 layer without its weights made nnd_parse allocate 2 GB before rejecting it */
    puts_file("findings/nnd", "dense_16384x16384_no_weights.json",
              "{\"format\": \"nnd\", \"version\": 1, \"input\": [16384, 1, 1], \"cost\": \"quadratic\", "
              "\"layers\": [{\"type\": \"dense\", \"neurons\": 16384}]}");
}

/* ----------------------------------------------------------- checkpoint */
static char *ckpt_text(nnd_net *net, int done, int best, int has_spare, double spare, uint64_t state, const char *run)
{
    ckpt c;
    nnd_error err;
    int val[8], test[8], e;
    double sec[8];
    char *t;
    size_t len;
    memset(&c, 0, sizeof c);
    snprintf(c.run, sizeof c.run, "%s", run);
    c.done = done;
    c.dropout.state = state;
    c.dropout.has_spare = has_spare;
    c.dropout.spare = spare;
    for (e = 0; e < done; ++e) {
        val[e] = 2632 + 911 * e;
        test[e] = e == best ? 2510 + 900 * e : -1;
        sec[e] = 0.088 + 0.011 * e;
    }
    c.best_epoch = best;
    c.best_val = best >= 0 ? val[best] : -1;
    c.best_test = best >= 0 ? test[best] : -1;
    c.val = val;
    c.test = test;
    c.seconds = sec;
    c.net = net;
    t = ckpt_write(&c, &len, &err);
    if (!t) {
        fprintf(stderr, "make_corpus: ckpt_write: %s\n", err.message);
        exit(1);
    }
    return t;
}

static void checkpoint_corpus(void)
{
    const char *run = "run preset=shallow seed=12345678 train_size=100 epochs=1 mini_batch=10 "
                      "eta=0.10000000000000001 lambda=0 fan_in=0 net=0";
    nnd_layer_spec L[3];
    nnd_net *dense, *conv;
    char *t;
    L[0] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    L[1] = nnd_softmax_layer(2, 0.5);
    dense = make(4, L, 2, NND_LOG_LIKELIHOOD, 21);
    L[0] = nnd_conv_pool_layer(2, 2, 2, 2, 2, NND_RELU);
    L[0].image_c = 1, L[0].image_h = 5, L[0].image_w = 5;
    L[1] = nnd_dense_layer(3, NND_RELU, 0.5);
    L[2] = nnd_softmax_layer(2, 0.0);
    conv = make(25, L, 3, NND_LOG_LIKELIHOOD, 22);

    t = ckpt_text(dense, 1, 0, 0, 0.0, 12353597, run);
    puts_file("corpus/checkpoint", "shallow_1_epoch.ckpt", t);
    puts_file("corpus/checkpoint", "bad_magic.ckpt", edit(t, "checkpoint 1", "checkpoint 2"));
    puts_file("corpus/checkpoint", "bad_no_model_line.ckpt", edit(t, "model\n", "modle\n"));
    puts_file("corpus/checkpoint", "bad_done_0.ckpt", edit(t, "done 1", "done 0"));
    puts_file("corpus/checkpoint", "bad_crlf.ckpt", edit(t, "done 1\n", "done 1\r\n"));
    puts_file("corpus/checkpoint", "bad_extra_word.ckpt", edit(t, "best 0 2632 2510", "best 0 2632 2510 7"));
    puts_file("corpus/checkpoint", "bad_best_without_val.ckpt", edit(t, "best 0 2632 2510", "best 0 -1 2510"));
    puts_file("corpus/checkpoint", "bad_spare_flag.ckpt", edit(t, "12353597 0 ", "12353597 2 "));
    puts_file("corpus/checkpoint", "bad_negative_seconds.ckpt", edit(t, " 0.088\n", " -0.088\n"));
    puts_file("corpus/checkpoint", "bad_model_json.ckpt", edit(t, "\"version\": 1", "\"version\": 1.5"));
    /* past bug: a best epoch of 2147483647 (beyond the epochs done) was accepted */
    puts_file("findings/checkpoint", "best_epoch_2147483647.ckpt", edit(t, "best 0 2632 2510", "best 2147483647 2632 2510"));
    /* a word that is a NUL byte is read as the number 0 (here epoch 0's validation accuracy) */
    {
        const char *u = edit(t, "epoch 0 2632 ", "epoch 0 \001 ");
        size_t n = strlen(u), i;
        char *z = (char *)malloc(n);
        memcpy(z, u, n);
        for (i = 0; i < n; ++i)
            if (z[i] == '\001') z[i] = '\0';
        put("findings/checkpoint", "epoch_val_nul_byte.ckpt", z, n);
        free(z);
    }
    /* a number word longer than the reader's 63-byte buffer: "0...07" (70 zeros) is 7, read as 0 */
    puts_file("findings/checkpoint", "epoch_val_70_leading_zeros.ckpt",
              edit(t, "epoch 0 2632 ", "epoch 0 00000000000000000000000000000000000000000000000000000000000000000000002632 "));
    free(t);

    t = ckpt_text(conv, 3, 1, 1, -0.7071067811865476, 18446744073709551557ull,
                  "run preset=conv seed=7 train_size=1000 epochs=5 mini_batch=10 eta=0.1 lambda=0.1 fan_in=1 net=2");
    puts_file("corpus/checkpoint", "conv_3_epochs_spare.ckpt", t);
    puts_file("corpus/checkpoint", "bad_epoch_order.ckpt", edit(t, "epoch 1 ", "epoch 2 "));
    puts_file("corpus/checkpoint", "bad_val_over_limit.ckpt", edit(t, "epoch 2 4454", "epoch 2 10001"));
    free(t);

    t = ckpt_text(dense, 2, -1, 0, 0.0, 0, "run preset=shallow seed=1 net=0");
    puts_file("corpus/checkpoint", "no_best_yet.ckpt", t);
    free(t);
    nnd_free(dense);
    nnd_free(conv);
}

/* ---------------------------------------------------------- predictions */
/* The first byte picks (n, classes) in fuzz_predictions.c: '0' (0, 10),
   '1' (1, 10), '2' (3, 10), '3' (5, 2), '4' (10, 10), '5' (64, 10),
   '6' (4, 1), '7' (3, 1e9). */
static void predictions_corpus(void)
{
    char buf[1024];
    int i;
    puts_file("corpus/predictions", "ten_classes.txt",
              "4# build/network3 --preset shallow: net 0 of 1, seed 12345678, 1 epochs, 100 training images before "
              "expansion; the predicted class of each of the 10 test images\n7\n2\n1\n0\n4\n1\n4\n9\n5\n9\n");
    puts_file("corpus/predictions", "empty_for_zero.txt", "0");
    puts_file("corpus/predictions", "comments_between.txt", "3# a\n1\n#\n0\n1 \r\n# end\n1\n0");
    puts_file("corpus/predictions", "big_classes.txt", "7999999999\n000000001\n123456789\n");
    puts_file("corpus/predictions", "one_class.txt", "60\n0\n0\n0\n");
    strcpy(buf, "5# 64 predictions\n");
    for (i = 0; i < 64; ++i) sprintf(buf + strlen(buf), "%d\n", (i * 7) % 10);
    puts_file("corpus/predictions", "sixty_four.txt", buf);
    puts_file("corpus/predictions", "bad_class_10.txt", "2# x\n1\n10\n2\n");
    puts_file("corpus/predictions", "bad_too_few.txt", "4# x\n1\n2\n");
    puts_file("corpus/predictions", "bad_too_many.txt", "11\n2\n");
    puts_file("corpus/predictions", "bad_negative.txt", "2-1\n2\n3\n");
    puts_file("corpus/predictions", "bad_empty_line.txt", "21\n\n2\n3\n");
    puts_file("corpus/predictions", "bad_ten_digits.txt", "71234567890\n1\n2\n");
    puts_file("corpus/predictions", "bad_text_after.txt", "11 x\n");
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *dirs[] = {"corpus", "findings"};
    int i;
    if (argc != 2) {
        fprintf(stderr, "usage: make_corpus tests/fuzz\n");
        return 2;
    }
    root = argv[1];
    for (i = 0; i < 2; ++i) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        mkdir(path, 0755);
    }
    idx_corpus();
    network2_corpus();
    nnd_corpus();
    checkpoint_corpus();
    predictions_corpus();
    return 0;
}
