/* What a file can make the library allocate. Every allocation goes
   through a counting allocator (NND_MALLOC, NND_REALLOC, NND_FREE), and the
   peak of live bytes is compared with the bounds the manual states:
   - a model text of L bytes (nnd_parse, nnd_network2_parse) costs at most
     20 L bytes plus 256 KB, whatever sizes it declares: a 134-byte file
     declaring a 16384 x 16384 layer is refused with a few KB, not 2 GB;
   - an IDX image of L bytes costs at most L plus its header;
   - a net is created without a workspace (its parameters and gradients
     only); the workspace follows the batches it runs, and nnd_sgd sizes it
     by min(mini-batch, training examples). */
#include <stdlib.h>
#include <string.h>

static size_t live, peak;

/* each block carries its size in front of it */
static void *count_malloc(size_t n)
{
    size_t *p = (size_t *)malloc(n + sizeof(size_t) * 2);
    if (!p) return NULL;
    p[0] = n;
    live += n;
    if (live > peak) peak = live;
    return p + 2;
}

static void count_free(void *q)
{
    size_t *p = (size_t *)q;
    if (!q) return;
    live -= p[-2];
    free(p - 2);
}

static void *count_realloc(void *q, size_t n)
{
    size_t *p = (size_t *)q, old = q ? p[-2] : 0;
    void *r = count_malloc(n);
    if (!r) return NULL;
    if (q) {
        memcpy(r, q, old < n ? old : n);
        count_free(q);
    }
    return r;
}

#define NND_MALLOC(sz) count_malloc(sz)
#define NND_REALLOC(p, sz) count_realloc(p, sz)
#define NND_FREE(p) count_free(p)
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

static void reset(void) { peak = live; }

static const double per_byte = 20, slack = 256 * 1024;

/* The peak of parsing text (nnd or network2 format) above what was live
   before; the net, if any, is freed. */
static size_t parse_peak(const char *text, int network2, int *ok)
{
    nnd_error err;
    size_t base = live;
    nnd_net *net;
    reset();
    net = network2 ? nnd_network2_parse(text, strlen(text), &err) : nnd_parse(text, strlen(text), &err);
    *ok = net != NULL;
    nnd_free(net);
    return peak - base;
}

static void declared_sizes(void)
{
    const char *nnd = "{\"format\":\"nnd\",\"version\":1,\"input\":[1,1,16384],\"cost\":\"quadratic\","
                      "\"layers\":[{\"type\":\"dense\",\"activation\":\"sigmoid\",\"neurons\":16384}]}";
    const char *conv = "{\"format\":\"nnd\",\"version\":1,\"input\":[1,4096,4096],\"cost\":\"quadratic\","
                       "\"layers\":[{\"type\":\"pool\",\"activation\":\"linear\",\"pool\":[2,2]}]}";
    const char *n2 = "{\"sizes\": [16384, 16384], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}";
    static unsigned char idx[16] = {0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
    nnd_idx out;
    nnd_error err;
    size_t p;
    int ok;
    p = parse_peak(nnd, 0, &ok);
    CHECK(!ok && p < 10u << 20 && p <= per_byte * strlen(nnd) + slack,
          "a %lu-byte file declaring a 16384 x 16384 layer: %s, peak %lu bytes", (unsigned long)strlen(nnd),
          ok ? "accepted" : "refused", (unsigned long)p);
    p = parse_peak(n2, 1, &ok);
    CHECK(!ok && p <= per_byte * strlen(n2) + slack, "network2 sizes 16384 x 16384 without weights: peak %lu",
          (unsigned long)p);
    /* a pool layer has no parameters: the file is the whole net; its
       batches' maps (16.8 M values an example) wait for the first use */
    p = parse_peak(conv, 0, &ok);
    CHECK(ok && p <= per_byte * strlen(conv) + slack, "a 4096 x 4096 pooling net: %s, peak %lu",
          ok ? "loaded" : "refused", (unsigned long)p);
    reset();
    p = live;
    CHECK(nnd_idx_parse(idx, sizeof idx, &out, &err) == NND_ERR_FORMAT && peak - p < 4096,
          "an IDX header declaring 60000 x 28 x 28 with no pixels: peak %lu", (unsigned long)(peak - p));
}

/* Real models, written by the library: parsing them stays within the bound. */
static void real_models(void)
{
    nnd_layer_spec conv[3];
    int sizes[] = {784, 30, 10}, st, ok;
    nnd_rng rng;
    nnd_error err;
    nnd_net *net;
    char *text;
    size_t len, p;
    nnd_rng_seed(&rng, 5);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    text = nnd_network2_write(net, &len, &err);
    p = parse_peak(text, 1, &ok);
    CHECK(ok && p <= per_byte * len + slack, "a %lu-byte network2 model: peak %lu", (unsigned long)len,
          (unsigned long)p);
    nnd_free_text(text);
    text = nnd_write(net, &len, &err);
    p = parse_peak(text, 0, &ok);
    CHECK(ok && p <= per_byte * len + slack, "the same net in nnd JSON (%lu bytes): peak %lu", (unsigned long)len,
          (unsigned long)p);
    nnd_free_text(text);
    nnd_free(net);
    conv[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_RELU);
    conv[1] = nnd_fully_connected_layer(100, NND_RELU, 0.5);
    conv[2] = nnd_softmax_layer(10, 0.0);
    net = nnd_net_create(784, conv, 3, NND_LOG_LIKELIHOOD, &st);
    nnd_network3_initializer(net, &rng, 0);
    text = nnd_write(net, &len, &err);
    p = parse_peak(text, 0, &ok);
    CHECK(ok && p <= per_byte * len + slack, "a %lu-byte conv net: peak %lu", (unsigned long)len,
          (unsigned long)p);
    nnd_free_text(text);
    nnd_free(net);
}

/* The worst case of the bound: one-character numbers, "0,0,0,...", the most
   numbers a file of its length can hold. */
static void packed_numbers(void)
{
    const int n_in = 700, n_out = 300;
    size_t cap = (size_t)n_in * n_out * 2 + 1000, len = 0, i, p;
    char *text = (char *)malloc(cap);
    int ok;
    if (!text) return;
    len += (size_t)sprintf(text, "{\"format\":\"nnd\",\"version\":1,\"input\":[1,1,%d],\"cost\":\"quadratic\","
                                 "\"layers\":[{\"type\":\"dense\",\"neurons\":%d,\"weights\":[",
                           n_in, n_out);
    for (i = 0; i < (size_t)n_in * n_out; ++i) {
        text[len++] = '0';
        text[len++] = ',';
    }
    text[len - 1] = ']';
    len += (size_t)sprintf(text + len, ",\"biases\":[");
    for (i = 0; i < (size_t)n_out; ++i) {
        text[len++] = '0';
        text[len++] = ',';
    }
    text[len - 1] = ']';
    len += (size_t)sprintf(text + len, "}]}");
    p = parse_peak(text, 0, &ok);
    CHECK(ok && p <= per_byte * len + slack, "a %lu-byte file of one-digit numbers: %s, peak %lu (%.1f per byte)",
          (unsigned long)len, ok ? "loaded" : "refused", (unsigned long)p, (double)p / len);
    free(text);
}

/* A net costs its parameters and gradients when created; the workspace of
   nnd_sgd follows min(mini-batch, examples). */
static void workspace(void)
{
    nnd_layer_spec pool = nnd_pool_layer(2, 2);
    nnd_net *net;
    int sizes[] = {100, 50, 10}, labels[100], i, st;
    nnd_real x[100 * 100];
    nnd_data d;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_rng rng;
    size_t base, small, huge;
    reset();
    base = live;
    pool.activation = NND_LINEAR;
    net = nnd_net_create(4096 * 4096, &pool, 1, NND_QUADRATIC, &st);
    CHECK(net && peak - base < 4096, "creating a 4096 x 4096 pooling net: peak %lu", (unsigned long)(peak - base));
    nnd_free(net);

    nnd_rng_seed(&rng, 9);
    for (i = 0; i < 100 * 100; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    for (i = 0; i < 100; ++i) labels[i] = i % 10;
    memset(&d, 0, sizeof d);
    d.n = 100;
    d.n_in = 100;
    d.x = x;
    d.labels = labels;
    o.epochs = 1;
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    nnd_set_threads(net, 1);
    o.mini_batch_size = 100;
    reset();
    base = live;
    CHECK(nnd_sgd(net, &d, &o, NULL) == NND_OK, "mini-batch 100");
    small = peak - base;
    nnd_free(net);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    nnd_set_threads(net, 1);
    o.mini_batch_size = 1000000;
    reset();
    base = live;
    CHECK(nnd_sgd(net, &d, &o, NULL) == NND_OK, "mini-batch 1000000 on 100 examples");
    huge = peak - base;
    nnd_free(net);
    CHECK(huge == small, "mini-batch 10^6 on 100 examples: peak %lu bytes, mini-batch 100: %lu",
          (unsigned long)huge, (unsigned long)small);
    CHECK(live == 0, "%lu bytes still allocated", (unsigned long)live);
}

int main(void)
{
    declared_sizes();
    real_models();
    packed_numbers();
    workspace();
    return check_summary();
}
