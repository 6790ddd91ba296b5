/* NND_ASSERT, the hook for programmer errors: the accessors assert on a
   layer index or a weight index out of range (and on a layer without
   weights), in-range calls never do, and bad data or bad files never reach
   it - they return a status. The hook here records the failure and jumps
   back to the test instead of aborting. */
#include <setjmp.h>
static jmp_buf assert_jump;
static int asserts_fired;
static void assert_failed(void)
{
    ++asserts_fired;
    longjmp(assert_jump, 1);
}
#define NND_ASSERT(x) ((x) ? (void)0 : assert_failed())
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <string.h>

/* Run stmt; fired is 1 when it reached NND_ASSERT. */
static int fired;
#define RUN(stmt)                                 \
    do {                                          \
        fired = 0;                                \
        if (setjmp(assert_jump) == 0) {           \
            stmt;                                 \
        } else {                                  \
            fired = 1;                            \
        }                                         \
    } while (0)
#define ASSERTS(stmt) \
    RUN(stmt);        \
    CHECK(fired, "no NND_ASSERT: " #stmt)
#define QUIET(stmt) \
    RUN(stmt);      \
    CHECK(!fired, "NND_ASSERT fired: " #stmt)

static volatile double sink;

static void accessors(void)
{
    nnd_layer_spec L[3];
    nnd_net *net;
    nnd_layer_desc d;
    nnd_real *p = NULL;
    int st;
    L[0] = nnd_conv_layer(3, 2, 2, NND_RELU); /* 5x5 -> 3 x 4x4, filters of K = 4 */
    L[1] = nnd_pool_layer(2, 2);              /* -> 3 x 2x2, no weights */
    L[2] = nnd_dense_layer(4, NND_SIGMOID, 0.0);
    net = nnd_net_create(25, L, 3, NND_CROSS_ENTROPY, &st);
    CHECK(net != NULL, "net: %s", nnd_strerror(st));
    if (!net) return;
    QUIET(d = nnd_layer_info(net, 2));
    CHECK(d.n_in == 12 && d.n_out == 4, "layer 2 info");
    ASSERTS(d = nnd_layer_info(net, 3));
    ASSERTS(d = nnd_layer_info(net, -1));
    QUIET(p = nnd_weights(net, 0));
    ASSERTS(p = nnd_weights(net, 3));
    ASSERTS(p = nnd_weights(net, -1));
    QUIET(p = nnd_biases(net, 2));
    ASSERTS(p = nnd_biases(net, 3));
    ASSERTS(p = nnd_biases(net, -2));
    (void)p;
    /* dense: j < 4 neurons, k < 12 inputs */
    QUIET(sink = nnd_weight(net, 2, 3, 11));
    ASSERTS(sink = nnd_weight(net, 2, 4, 0));
    ASSERTS(sink = nnd_weight(net, 2, 0, 12));
    ASSERTS(sink = nnd_weight(net, 2, -1, 0));
    ASSERTS(sink = nnd_weight(net, 2, 0, -1));
    ASSERTS(sink = nnd_weight(net, 3, 0, 0));
    ASSERTS(sink = nnd_weight(net, -1, 0, 0));
    /* conv: j < 3 filters, k < fh fw c = 4 */
    QUIET(sink = nnd_weight(net, 0, 2, 3));
    ASSERTS(sink = nnd_weight(net, 0, 3, 0));
    ASSERTS(sink = nnd_weight(net, 0, 0, 4));
    /* a pool layer has no weights */
    ASSERTS(sink = nnd_weight(net, 1, 0, 0));
    QUIET(nnd_set_weight(net, 2, 3, 11, 0.5));
    CHECK(nnd_weight(net, 2, 3, 11) == 0.5, "set_weight in range");
    QUIET(nnd_set_weight(net, 0, 2, 3, -0.25));
    CHECK(nnd_weight(net, 0, 2, 3) == -0.25, "set_weight of a filter");
    ASSERTS(nnd_set_weight(net, 2, 4, 0, 1.0));
    ASSERTS(nnd_set_weight(net, 2, 0, 12, 1.0));
    ASSERTS(nnd_set_weight(net, 2, -1, 0, 1.0));
    ASSERTS(nnd_set_weight(net, 2, 0, -1, 1.0));
    ASSERTS(nnd_set_weight(net, 1, 0, 0, 1.0));
    ASSERTS(nnd_set_weight(net, 0, 3, 0, 1.0));
    ASSERTS(nnd_set_weight(net, 0, 0, 4, 1.0));
    ASSERTS(nnd_set_weight(net, 3, 0, 0, 1.0));
    ASSERTS(nnd_set_weight(net, -1, 0, 0, 1.0));
    nnd_free(net);
}

/* Bad data, bad arguments and bad files: statuses, never the assert hook. */
static void bad_input_is_no_programmer_error(void)
{
    int sizes[] = {3, 4, 2}, st = 0, labels[2] = {0, 5}, pred[2];
    nnd_real x[6] = {0}, g[64], out[4];
    nnd_net *net = nnd_network2(sizes, 3, NND_QUADRATIC, NULL, &st), *bad = NULL;
    nnd_error err;
    nnd_idx idx;
    nnd_data d, batch = nnd_data_reals(x, 2, 3, labels);
    nnd_sgd_options o = nnd_sgd_defaults();
    static const unsigned char idx_bytes[8] = {0, 0, 8, 1, 0, 0, 0, 9};
    const char *json = "{\"sizes\": [3, 4, 2], \"weights\": [[[1, 2]]]}";
    int total = 0;
    memset(&d, 0, sizeof d);
    d.n = 2;
    d.n_in = 4; /* the net has 3 inputs */
    d.x = x;
    d.labels = labels;
    RUN(st = nnd_backprop(net, &batch, g, 64, NULL));
    total += fired;
    CHECK(st == NND_ERR_SHAPE, "label 5 of 2 outputs: %s", nnd_strerror(st));
    labels[1] = 1;
    RUN(st = nnd_backprop(net, &batch, g, 1, NULL));
    total += fired;
    CHECK(st == NND_ERR_ARG, "a gradient of 1 value for 26 parameters: %s", nnd_strerror(st));
    labels[1] = 5;
    RUN(st = nnd_accuracy(net, &d, &pred[0]));
    total += fired;
    CHECK(st == NND_ERR_SHAPE, "4 inputs for 3: %s", nnd_strerror(st));
    RUN(st = nnd_sgd(net, &d, &o, NULL));
    total += fired;
    CHECK(st == NND_ERR_SHAPE, "sgd on 4 inputs for 3: %s", nnd_strerror(st));
    RUN(st = nnd_feedforward(net, NULL, 6, out, 4));
    total += fired;
    RUN(st = nnd_feedforward(net, x, 5, out, 4));
    total += fired;
    CHECK(st == NND_ERR_ARG, "5 values for 3-value inputs: %s", nnd_strerror(st));
    RUN(st = nnd_feedforward(net, x, 6, out, 3));
    total += fired;
    CHECK(st == NND_ERR_ARG, "room for 3 of 4 outputs: %s", nnd_strerror(st));
    RUN(bad = nnd_network2_parse(json, strlen(json), &err));
    total += fired;
    CHECK(bad == NULL, "a short network2 file");
    RUN(bad = nnd_parse(json, strlen(json), &err));
    total += fired;
    CHECK(bad == NULL, "a network2 file read as nnd JSON");
    RUN(st = nnd_idx_parse(idx_bytes, sizeof idx_bytes, &idx, &err));
    total += fired;
    CHECK(st == NND_ERR_FORMAT, "an IDX file 9 bytes short");
    RUN(bad = nnd_net_create(3, NULL, 1, NND_QUADRATIC, &st));
    total += fired;
    RUN(st = nnd_vote(labels, 1, 2, 2, NULL, pred, NULL, NULL, NULL));
    total += fired;
    CHECK(st == NND_ERR_SHAPE, "a vote for class 5 of 2");
    CHECK(total == 0 && asserts_fired > 0, "bad input reached NND_ASSERT %d times", total);
    nnd_free(net);
}

int main(void)
{
    accessors();
    bad_input_is_no_programmer_error();
    return check_summary();
}
