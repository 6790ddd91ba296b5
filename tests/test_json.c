/* network2 JSON: the exact format, round trips, hand-computed outputs, and
   corrupt, truncated or mismatched files rejected with the right status. */
#define _POSIX_C_SOURCE 200112L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define EPS 1e-15
#else
#define EPS 2e-7
#endif

/* A [2,2,1] network written by hand:
     layer 1: w = [[1, -1], [0.5, 0.25]], b = [0, 1]
     layer 2: w = [[2, -3]], b = [-0.5]
   For x = (1, 2): z1 = (1 - 2 + 0, 0.5 + 0.5 + 1) = (-1, 2),
   a1 = (sigma(-1), sigma(2)) = (0.2689414213699951, 0.8807970779778823),
   z2 = 2 a1_0 - 3 a1_1 - 0.5 = -2.604508391..., a2 = 0.06884883096981118.
   For x = (0, -1.5): z1 = (1.5, 0.625), a2 = 0.3059938875491316.
   (Values from the formulas in double precision, independently of nnd.) */
static const char *hand =
    "{\"weights\": [[[1.0, -1.0], [0.5, 0.25]], [[2.0, -3.0]]],\n"
    " \"cost\": \"QuadraticCost\",\n"
    " \"biases\": [[[0.0], [1.0]], [[-0.5]]],\n"
    " \"sizes\": [2, 2, 1]}\n";

static void hand_written(void)
{
    nnd_error err;
    nnd_net *net = nnd_network2_parse(hand, strlen(hand), &err);
    nnd_real x[4] = {1, 2, 0, (nnd_real)-1.5}, out[2];
    CHECK(net != NULL, "hand-written JSON rejected: %s", err.message);
    if (!net) return;
    CHECK(nnd_num_layers(net) == 2 && nnd_input_size(net) == 2 && nnd_output_size(net) == 1,
          "hand-written JSON: wrong shape");
    CHECK(nnd_net_cost(net) == NND_QUADRATIC, "cost name not read");
    CHECK(nnd_weight(net, 0, 0, 1) == -1.0 && nnd_weight(net, 0, 1, 0) == 0.5 &&
              nnd_weight(net, 1, 0, 1) == -3.0,
          "weights[l][j][k] is not w_jk");
    nnd_feedforward(net, x, 4, out, 2);
    CHECK(fabs(out[0] - 0.06884883096981118) < 4 * EPS, "output %.17g", (double)out[0]);
    CHECK(fabs(out[1] - 0.3059938875491316) < 4 * EPS, "output %.17g", (double)out[1]);
    nnd_free(net);
}

/* Save -> load gives bit-identical parameters and outputs, and the text has
   network2's layout. */
static void round_trip(void)
{
    int sizes[] = {7, 5, 3}, st, i;
    nnd_rng rng;
    nnd_net *a, *b;
    nnd_error err;
    size_t len, p;
    char *text;
    nnd_real x[14], oa[6], ob[6];
    nnd_rng_seed(&rng, 11);
    a = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    nnd_params(a)[0] = (nnd_real)1.0; /* integral values are written as 1.0 */
    nnd_params(a)[1] = (nnd_real)-0.0;
    nnd_params(a)[2] = (nnd_real)3e-39; /* subnormal in float */
    text = nnd_network2_write(a, &len, &err);
    CHECK(text != NULL, "write failed: %s", err.message);
    if (!text) return;
    CHECK(strncmp(text, "{\"sizes\": [7, 5, 3], \"weights\": [[[", 35) == 0, "layout: %.40s", text);
    CHECK(strstr(text, "\"cost\": \"CrossEntropyCost\"}") != NULL, "cost name missing");
    CHECK(strstr(text, "[[1.0, ") != NULL, "integral value not written as 1.0");
    b = nnd_network2_parse(text, len, &err);
    CHECK(b != NULL, "reading our own JSON failed: %s", err.message);
    if (b) {
        int same = nnd_param_count(a) == nnd_param_count(b);
        for (p = 0; same && p < nnd_param_count(a); ++p)
            same = memcmp(&nnd_params(a)[p], &nnd_params(b)[p], sizeof(nnd_real)) == 0;
        CHECK(same, "parameters changed in a save/load round trip");
        for (i = 0; i < 14; ++i) x[i] = (nnd_real)(nnd_rng_uniform(&rng) - 0.5);
        nnd_feedforward(a, x, 14, oa, sizeof oa / sizeof *oa);
        nnd_feedforward(b, x, 14, ob, sizeof ob / sizeof *ob);
        CHECK(memcmp(oa, ob, sizeof oa) == 0, "outputs changed in a save/load round trip");
        nnd_free(b);
    }
    nnd_free_text(text);
    nnd_free(a);
}

/* The shortest round-trip formatting is exact for many random bit patterns. */
static void number_round_trip(void)
{
    nnd_rng rng;
    int i, bad = 0;
    char buf[48];
    nnd_rng_seed(&rng, 5);
    for (i = 0; i < 200000; ++i) {
        nnd_real v;
        int ok;
#ifdef NND_DOUBLE
        uint64_t bits = nnd_rng_next(&rng);
#else
        uint32_t bits = (uint32_t)nnd_rng_next(&rng);
#endif
        memcpy(&v, &bits, sizeof v);
        if (!(fabs((double)v) <= DBL_MAX)) continue; /* NaN and inf are never written */
        nnd__format_real(buf, v);
        if ((nnd_real)nnd__strtod(buf, strlen(buf), &ok) != v || !ok) ++bad;
    }
    CHECK(bad == 0, "%d numbers did not survive formatting and parsing", bad);
}

typedef struct bad_case {
    const char *name, *text;
    int status, line;
    const char *words; /* must appear in the message */
} bad_case;

static void rejected(void)
{
    static const bad_case cases[] = {
        {"empty text", "", NND_ERR_FORMAT, 1, "ends early"},
        {"truncated", "{\"sizes\": [2, 1], \"weights\": [[[0.5, ", NND_ERR_FORMAT, 1, "ends early"},
        {"missing cost", "{\"sizes\": [2, 1], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0]]]}",
         NND_ERR_FORMAT, 0, "missing key \"cost\""},
        {"unknown cost",
         "{\"sizes\": [2, 1], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"LogCost\"}",
         NND_ERR_FORMAT, 1, "LogCost"},
        {"weights rows vs sizes",
         "{\"sizes\": [2, 2], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0], [1.0]]], "
         "\"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 1, "weights[0]: 1 x 2, sizes says 2 x 2"},
        {"ragged rows",
         "{\"sizes\": [2, 2],\n\"weights\": [[[1.0, 2.0],\n [3.0]]], \"biases\": [[[0.0], [1.0]]], "
         "\"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 3, "weights[0][1]: row of 1 numbers"},
        {"bias not one-element",
         "{\"sizes\": [2, 1], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0, 1.0]]], "
         "\"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 1, "biases[0]"},
        {"layer count",
         "{\"sizes\": [2, 1, 1], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0]]], "
         "\"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 0, "weights has 1 matrices, sizes implies 2"},
        {"NaN", "{\"sizes\": [2, 1], \"weights\": [[[NaN, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_FORMAT, 1, "weights[0][0][0]: non-finite"},
        {"Infinity on line 2",
         "{\"sizes\": [2, 1],\n \"weights\": [[[1.0, -Infinity]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_FORMAT, 2, "non-finite"},
        {"overflow", "{\"sizes\": [2, 1], \"weights\": [[[1e999, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_FORMAT, 1, "out of range"},
        {"fractional size", "{\"sizes\": [2.5, 1]}", NND_ERR_FORMAT, 1, "sizes[0]: expected an integer"},
        {"zero size", "{\"sizes\": [0, 1]}", NND_ERR_FORMAT, 1, "sizes[0]"},
        {"one layer", "{\"sizes\": [3], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 1, "at least 2"},
        {"duplicate key", "{\"sizes\": [2, 1], \"sizes\": [2, 1]}", NND_ERR_FORMAT, 1, "duplicate key"},
        {"trailing text",
         "{\"sizes\": [2, 1], \"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"} x",
         NND_ERR_FORMAT, 1, "after the closing"},
        {"malformed number", "{\"sizes\": [2, 1], \"weights\": [[[1., 2.0]]]}", NND_ERR_FORMAT, 1,
         "malformed number"},
        {"not an object", "[1, 2]", NND_ERR_FORMAT, 1, "expected '{'"},
        {"string for number", "{\"sizes\": [\"2\", 1]}", NND_ERR_FORMAT, 1, "expected a number"},
        {"missing comma", "{\"sizes\": [2 1]}", NND_ERR_FORMAT, 1, "expected ']'"},
#ifndef NND_DOUBLE
        {"beyond float", "{\"sizes\": [2, 1], \"weights\": [[[1e300, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_FORMAT, 1, "out of range"},
#endif
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        const bad_case *c = &cases[i];
        nnd_error err;
        nnd_net *net = nnd_network2_parse(c->text, strlen(c->text), &err);
        CHECK(net == NULL, "%s: accepted", c->name);
        if (net) {
            nnd_free(net);
            continue;
        }
        CHECK(err.status == c->status, "%s: status %d (%s), expected %d; message: %s", c->name,
              err.status, nnd_strerror(err.status), c->status, err.message);
        CHECK(err.line == c->line, "%s: line %d, expected %d; message: %s", c->name, err.line,
              c->line, err.message);
        CHECK(strstr(err.message, c->words) != NULL, "%s: message \"%s\" lacks \"%s\"", c->name,
              err.message, c->words);
    }
}

/* Whitespace, key order and unknown keys do not matter. */
static void lenient(void)
{
    const char *text =
        "\n  {  \"extra\" : {\"a\": [1, 2, {\"b\": null}], \"c\": true, \"d\": \"x\\\"y\"},\r\n"
        "\t\"cost\":\"CrossEntropyCost\", \"biases\":[[[ -1.5e-1 ]]] ,\n"
        "\"sizes\":[1,1], \"weights\":[[[2E+0]]] }  \n";
    nnd_error err;
    nnd_net *net = nnd_network2_parse(text, strlen(text), &err);
    CHECK(net != NULL, "lenient JSON rejected: %s", err.message);
    if (net) {
        CHECK(nnd_weight(net, 0, 0, 0) == 2.0 && nnd_biases(net, 0)[0] == (nnd_real)-0.15,
              "values misread");
        CHECK(nnd_net_cost(net) == NND_CROSS_ENTROPY, "cost misread");
        nnd_free(net);
    }
}

static int file_equals(const char *path, const char *text)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    size_t n;
    if (!f) return 0;
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* Files: save and load; a failed save leaves the previous file untouched;
   missing files give NND_ERR_IO. */
static void files(void)
{
    const char *path = "build/test_json_model.json";
    int sizes[] = {3, 2}, st;
    nnd_rng rng;
    nnd_error err;
    nnd_net *net, *back, *other;
    nnd_layer_spec soft = nnd_dense_layer(2, NND_SOFTMAX, 0.0);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot create %s (run from the repository root)", path);
    if (!f) return;
    fputs(hand, f);
    fclose(f);

    nnd_rng_seed(&rng, 1);
    net = nnd_network2(sizes, 2, NND_QUADRATIC, &rng, &st);
    nnd_params(net)[0] = (nnd_real)(HUGE_VAL - HUGE_VAL); /* NaN: cannot be saved */
    CHECK(nnd_network2_save(net, path, &err) == NND_ERR_DIVERGED, "saving NaN: %s", err.message);
    CHECK(file_equals(path, hand), "a failed save changed the existing file");
    other = nnd_net_create(3, &soft, 1, NND_LOG_LIKELIHOOD, &st);
    CHECK(nnd_network2_save(other, path, &err) == NND_ERR_ARG, "saving a softmax net: %s",
          err.message);
    CHECK(file_equals(path, hand), "a refused save changed the existing file");
    nnd_free(other);

    nnd_params(net)[0] = (nnd_real)0.25;
    CHECK(nnd_network2_save(net, path, &err) == NND_OK, "save: %s", err.message);
    back = nnd_network2_load(path, &err);
    CHECK(back != NULL && nnd_params(back)[0] == (nnd_real)0.25, "load after save: %s",
          err.message);
    nnd_free(back);
    f = fopen("build/test_json_model.json.tmp", "rb");
    CHECK(f == NULL, "the temporary file was left behind");
    if (f) fclose(f);

    CHECK(nnd_network2_save(net, "build/no/such/dir/model.json", &err) == NND_ERR_IO,
          "save into a missing directory: %s", err.message);
    back = nnd_network2_load("build/no/such/file.json", &err);
    CHECK(back == NULL && err.status == NND_ERR_IO, "loading a missing file");
    CHECK(strstr(err.message, "build/no/such/file.json") != NULL, "message lacks the path: %s",
          err.message);

    /* A truncated file on disk: the message names the file. */
    f = fopen(path, "wb");
    fwrite(hand, 1, 40, f);
    fclose(f);
    back = nnd_network2_load(path, &err);
    CHECK(back == NULL && err.status == NND_ERR_FORMAT, "truncated file accepted");
    CHECK(strncmp(err.message, path, strlen(path)) == 0, "message lacks the path: %s", err.message);
    remove(path);
    nnd_free(net);
}

int main(void)
{
    hand_written();
    round_trip();
    number_round_trip();
    rejected();
    lenient();
    files();
    return check_summary();
}
