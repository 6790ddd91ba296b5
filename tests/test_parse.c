/* The JSON readers and writers beyond the happy path: string escapes,
   skipped unknown values of every JSON type, numbers, empty lists, each
   rejection of the network2 and nnd formats with its status, line and
   message, NULL arguments, and what the writers refuse. */
#define _POSIX_C_SOURCE 200112L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct bad_case {
    const char *name, *text;
    int status, line; /* line -1: not checked */
    const char *words;
} bad_case;

static void expect_rejected(const bad_case *c, int nnd_format)
{
    nnd_error err;
    nnd_net *net;
    memset(&err, 0, sizeof err);
    net = nnd_format ? nnd_parse(c->text, strlen(c->text), &err) : nnd_network2_parse(c->text, strlen(c->text), &err);
    CHECK(net == NULL, "%s: accepted", c->name);
    nnd_free(net);
    if (net) return;
    CHECK(err.status == c->status, "%s: status %d (%s), expected %d; %s", c->name, err.status, nnd_strerror(err.status),
          c->status, err.message);
    if (c->line >= 0) CHECK(err.line == c->line, "%s: line %d, expected %d; %s", c->name, err.line, c->line, err.message);
    CHECK(strstr(err.message, c->words) != NULL, "%s: message \"%s\" lacks \"%s\"", c->name, err.message, c->words);
}

#define N2_TAIL "\"weights\": [[[1.0, 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}"

static void network2_rejections(void)
{
    static char deep[400], longnum[200];
    static const bad_case cases[] = {
        {"control character in a string", "{\"x\": \"a\tb\", \"sizes\": [2, 1], " N2_TAIL, NND_ERR_FORMAT, 1,
         "control character"},
        {"bad escape", "{\"x\": \"a\\qb\"}", NND_ERR_FORMAT, 1, "bad escape \\q"},
        {"short \\u escape at the end", "{\"x\": \"\\u12", NND_ERR_FORMAT, 1, "bad \\u escape"},
        {"\\u escape that is no hex", "{\"x\": \"\\u12g4\"}", NND_ERR_FORMAT, 1, "bad \\u escape"},
        {"unterminated string", "{\"x\": \"abc", NND_ERR_FORMAT, 1, "unterminated string"},
        {"backslash at the very end", "{\"x\": \"abc\\", NND_ERR_FORMAT, 1, "unterminated string"},
        {"key without a colon", "{\"sizes\" [2, 1]}", NND_ERR_FORMAT, 1, "expected ':'"},
        {"key that is no string", "{sizes: [2, 1]}", NND_ERR_FORMAT, 1, "expected '\"'"},
        {"object in a skipped value without a colon", "{\"x\": {\"a\" 1}}", NND_ERR_FORMAT, 1, "expected ':'"},
        {"bad element in a skipped list", "{\"x\": [1, ]}", NND_ERR_FORMAT, 1, "expected a number"},
        {"unknown word in a skipped value", "{\"x\": nope}", NND_ERR_FORMAT, 1, "expected a number"},
        {"exponent without digits", "{\"x\": 1e}", NND_ERR_FORMAT, 1, "malformed number"},
        {"fraction and exponent in a size", "{\"sizes\": [1e1, 1]}", NND_ERR_FORMAT, 1, "expected an integer"},
        {"a lone minus", "{\"sizes\": [-]}", NND_ERR_FORMAT, 1, "expected a number"},
        {"a leading zero", "{\"x\": [01]}", NND_ERR_FORMAT, 1, "expected ']'"},
        {"empty sizes", "{\"sizes\": [], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}", NND_ERR_SHAPE,
         1, "0 layers"},
        {"empty object", "{}", NND_ERR_FORMAT, 0, "missing key \"sizes\""},
        {"missing weights", "{\"sizes\": [2, 1]}", NND_ERR_FORMAT, 0, "missing key \"weights\""},
        {"missing biases", "{\"sizes\": [2, 1], \"weights\": [[[1, 2]]]}", NND_ERR_FORMAT, 0, "missing key \"biases\""},
        {"no matrices", "{\"sizes\": [2, 1], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 0, "weights has 0 matrices"},
        {"biases short of matrices",
         "{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [], \"cost\": \"QuadraticCost\"}", NND_ERR_SHAPE, 0,
         "biases has 0 matrices"},
        {"an empty matrix", "{\"sizes\": [2, 1],\n\"weights\": [[]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 2, "weights[0]: 0 x 0, sizes says 1 x 2"},
        {"an empty row", "{\"sizes\": [2, 1], \"weights\": [[[]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 1, "weights[0]: 1 x 0"},
        {"duplicate weights", "{\"sizes\": [2, 1], \"weights\": [], \"weights\": []}", NND_ERR_FORMAT, 1,
         "duplicate key \"weights\""},
        {"duplicate cost", "{\"cost\": \"QuadraticCost\", \"cost\": \"QuadraticCost\"}", NND_ERR_FORMAT, 1,
         "duplicate key \"cost\""},
        {"cost that is no string", "{\"cost\": 3}", NND_ERR_FORMAT, 1, "expected '\"'"},
        {"sizes that is no list", "{\"sizes\": 3}", NND_ERR_FORMAT, 1, "expected '['"},
        {"a matrix that is no list", "{\"sizes\": [2, 1], \"weights\": [3]}", NND_ERR_FORMAT, 1, "expected '['"},
        {"a size too large", "{\"sizes\": [16777217, 1]}", NND_ERR_FORMAT, 1, "must be 1 to"},
        {"missing comma between keys", "{\"sizes\": [2, 1] \"cost\": \"QuadraticCost\"}", NND_ERR_FORMAT, 1,
         "expected '}'"},
        {"nothing after the key", "{\"sizes\":", NND_ERR_FORMAT, 1, "ends early"},
        {"digits up to the end", "{\"x\": 12", NND_ERR_FORMAT, 1, "ends early"},
        {"a point at the end", "{\"x\": 1.", NND_ERR_FORMAT, 1, "malformed number"},
        {"a point and a letter", "{\"x\": 1.a}", NND_ERR_FORMAT, 1, "malformed number"},
        {"an exponent at the end", "{\"x\": 1e", NND_ERR_FORMAT, 1, "malformed number"},
        {"an exponent and a slash", "{\"x\": 1e/}", NND_ERR_FORMAT, 1, "malformed number"},
        {"exponent digits up to the end", "{\"x\": 1e5", NND_ERR_FORMAT, 1, "ends early"},
        {"a row that is no list", "{\"sizes\": [2, 1], \"weights\": [[3]]}", NND_ERR_FORMAT, 1, "expected '['"},
        {"a row without its bracket", "{\"sizes\": [2, 1], \"weights\": [[[1, 2}]]}", NND_ERR_FORMAT, 1,
         "weights[0][0][1]: expected ']'"},
        {"a matrix without its bracket", "{\"sizes\": [2, 1], \"weights\": [[[1, 2]}]}", NND_ERR_FORMAT, 1,
         "weights[0]: expected ']'"},
        {"a list of matrices without its bracket", "{\"sizes\": [2, 1], \"weights\": [[[1, 2]]}", NND_ERR_FORMAT, 1,
         "weights: expected ']'"},
        {"biases rows vs sizes",
         "{\"sizes\": [2, 2], \"weights\": [[[1, 2], [3, 4]]],\n \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 2, "biases[0]: 1 x 1, sizes says 2 one-element lists"},
        {"an empty bias matrix",
         "{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[]], \"cost\": \"QuadraticCost\"}",
         NND_ERR_SHAPE, 1, "biases[0]: 0 x 0"},
        {"exponent without a sign", "{\"x\": 1e5, \"sizes\": [2]}", NND_ERR_FORMAT, 0, "missing key \"weights\""},
    };
    size_t i;
    bad_case c;
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) expect_rejected(&cases[i], 0);
    /* unknown values nested deeper than 64 levels */
    strcpy(deep, "{\"x\": ");
    for (i = 0; i < 70; ++i) strcat(deep, "[");
    for (i = 0; i < 70; ++i) strcat(deep, "]");
    strcat(deep, "}");
    c.name = "nesting 70 deep";
    c.text = deep;
    c.status = NND_ERR_FORMAT;
    c.line = 1;
    c.words = "nesting too deep";
    expect_rejected(&c, 0);
    /* a number longer than any nnd_real needs */
    strcpy(longnum, "{\"sizes\": [2, 1], \"weights\": [[[0.");
    for (i = 0; i < 80; ++i) strcat(longnum, "1");
    strcat(longnum, ", 2.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}");
    c.name = "an 82-character number";
    c.text = longnum;
    c.words = "malformed number";
    expect_rejected(&c, 0);
    /* more sizes than layers a net may have */
    {
        static char sizes[1010 * 3 + 100];
        strcpy(sizes, "{\"sizes\": [1");
        for (i = 0; i < 1005; ++i) strcat(sizes, ", 1");
        strcat(sizes, "]}");
        c.name = "1006 sizes";
        c.text = sizes;
        c.words = "sizes: too many layers";
        expect_rejected(&c, 0);
    }
    /* more matrices than layers a net may have */
    {
        static char mats[1010 * 8 + 100];
        strcpy(mats, "{\"weights\": [[]");
        for (i = 0; i < 1005; ++i) strcat(mats, ", []");
        strcat(mats, "]}");
        c.name = "1006 weight matrices";
        c.text = mats;
        c.words = "weights: too many layers";
        expect_rejected(&c, 0);
    }
}

/* Escapes, every kind of unknown value, and empty containers are accepted
   and skipped; the network is what the known keys say. */
static void network2_lenient(void)
{
    const char *text = "{\"note\": \"tab\\t form\\f nl\\n cr\\r bs\\b sl\\/ q\\\" bk\\\\ u\\u00e9\",\n"
                       " \"empty\": {}, \"none\": [], \"mixed\": [true, false, null, -0.5e-3, {\"k\": [{}]}],\n"
                       " \"sizes\": [2, 1], \"weights\": [[[0.5, -1.0]]], \"biases\": [[[0.25]]],\n"
                       " \"cost\": \"CrossEntropyCost\", \"last\": false}";
    nnd_error err;
    nnd_net *net = nnd_network2_parse(text, strlen(text), &err);
    CHECK(net != NULL, "lenient network2 file: %s", err.message);
    if (net) {
        nnd_real x[2] = {2, 1}, out[1];
        nnd_feedforward(net, x, 2, out, 1);
        /* sigma(0.5 * 2 - 1 * 1 + 0.25) = sigma(0.25) */
        CHECK(fabs(out[0] - nnd_sigmoid(0.25)) < 1e-6, "output %g", (double)out[0]);
        CHECK(err.status == NND_OK && err.line == 0 && err.message[0] == '\0', "a success clears err");
        nnd_free(net);
    }
}

#define NND_HEAD "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 2], \"cost\": \"quadratic\", "
#define NND_LAYER "{\"type\": \"dense\", \"activation\": \"linear\", \"neurons\": 1, \"weights\": [0.5, -1.0], \"biases\": [0.25]}"

static void nnd_rejections(void)
{
    static char many[1002 * 20 + 200];
    static const bad_case cases[] = {
        {"input of two numbers", "{\"input\": [1, 2]}", NND_ERR_FORMAT, 1, "input: expected [channels, height, width]"},
        {"input of four numbers", "{\"input\": [1, 1, 1, 2]}", NND_ERR_FORMAT, 1, "bad value or too many values"},
        {"input of zero", "{\"input\": [0, 1, 2]}", NND_ERR_FORMAT, 1, "bad value"},
        {"empty input", "{\"input\": []}", NND_ERR_FORMAT, 1, "input: expected"},
        {"input too large", "{\"format\": \"nnd\", \"version\": 1, \"input\": [4096, 4096, 2], \"cost\": \"quadratic\", "
                            "\"layers\": [{\"type\": \"pool\", \"pool\": [1, 1]}]}",
         NND_ERR_FORMAT, 0, "input: too large"},
        {"duplicate layers", NND_HEAD "\"layers\": [" NND_LAYER "], \"layers\": [" NND_LAYER "]}", NND_ERR_FORMAT, 1,
         "duplicate key \"layers\""},
        {"zero neurons", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"neurons\": 0}]}", NND_ERR_FORMAT, 1,
         "out of range"},
        {"a filter of one number", NND_HEAD "\"layers\": [{\"type\": \"conv\", \"filter\": [3]}]}", NND_ERR_FORMAT, 1,
         "expected [height, width]"},
        {"a pool of three numbers", NND_HEAD "\"layers\": [{\"type\": \"pool\", \"pool\": [1, 1, 1]}]}",
         NND_ERR_FORMAT, 1, "bad value or too many values"},
        {"negative dropout", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"p_dropout\": -0.5}]}", NND_ERR_FORMAT, 1,
         "is not in [0, 1)"},
        {"a layer without a type", NND_HEAD "\"layers\": [\n{\"neurons\": 1}]}", NND_ERR_FORMAT, 2,
         "layers[0]: missing \"type\""},
        {"an empty layer", NND_HEAD "\"layers\": [{}]}", NND_ERR_FORMAT, 1, "missing \"type\""},
        {"a layer that is no object", NND_HEAD "\"layers\": [3]}", NND_ERR_FORMAT, 1, "expected '{'"},
        {"no layers", NND_HEAD "\"layers\": []}", NND_ERR_FORMAT, -1, "empty"},
        {"a bad unknown value", NND_HEAD "\"extra\": [1, oops], \"layers\": [" NND_LAYER "]}", NND_ERR_FORMAT, 1,
         "expected a number"},
        {"a bad unknown value in a layer", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"x\": {1: 2}}]}",
         NND_ERR_FORMAT, 1, "expected '\"'"},
        {"empty object", "{}", NND_ERR_FORMAT, 0, "missing key \"format\""},
        {"missing version", "{\"format\": \"nnd\"}", NND_ERR_FORMAT, 0, "missing key \"version\""},
        {"missing input", "{\"format\": \"nnd\", \"version\": 1}", NND_ERR_FORMAT, 0, "missing key \"input\""},
        {"missing cost", "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 2]}", NND_ERR_FORMAT, 0,
         "missing key \"cost\""},
        {"missing layers", NND_HEAD "\"x\": 1}", NND_ERR_FORMAT, 0, "missing key \"layers\""},
        {"unknown cost", "{\"cost\": \"hinge\"}", NND_ERR_FORMAT, 1, "unknown value \"hinge\""},
        {"unknown layer type", NND_HEAD "\"layers\": [{\"type\": \"lstm\"}]}", NND_ERR_FORMAT, 1, "unknown value"},
        {"text after the end", NND_HEAD "\"layers\": [" NND_LAYER "]} []", NND_ERR_FORMAT, 1,
         "after the closing '}'"},
        {"layers that make no network",
         NND_HEAD "\"layers\": [{\"type\": \"dense\", \"activation\": \"softmax\", \"neurons\": 2, \"weights\": "
                  "[0, 0, 0, 0], \"biases\": [0, 0]}]}",
         NND_ERR_FORMAT, 1, "layers[0]"},
        {"a filter larger than the image",
         NND_HEAD "\"layers\": [{\"type\": \"conv\", \"filters\": 1, \"filter\": [2, 2], \"weights\": [0, 0, 0, 0], "
                  "\"biases\": [0]}]}",
         NND_ERR_FORMAT, 1, "layers[0]"},
        {"missing biases", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"neurons\": 1, \"weights\": [1, 2]}]}",
         NND_ERR_FORMAT, 1, "layers[0].biases: missing"},
        {"weights for a pool layer",
         "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 2, 2], \"cost\": \"quadratic\", \"layers\": "
         "[{\"type\": \"pool\", \"activation\": \"linear\", \"pool\": [1, 1], \"weights\": []}]}",
         NND_ERR_FORMAT, 1, "layers[0].weights"},
        {"a format that is no string", "{\"format\": 1}", NND_ERR_FORMAT, 1, "expected '\"'"},
        {"duplicate format", "{\"format\": \"nnd\", \"format\": \"nnd\"}", NND_ERR_FORMAT, 1,
         "duplicate key \"format\""},
        {"duplicate key in a layer", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"type\": \"dense\"}]}",
         NND_ERR_FORMAT, 1, "layers[0].type: duplicate key"},
        {"neurons and filters in one layer", NND_HEAD "\"layers\": [{\"neurons\": 1, \"filters\": 1}]}",
         NND_ERR_FORMAT, 1, "layers[0].filters: duplicate key"},
        {"a fractional version", "{\"version\": 1.5}", NND_ERR_FORMAT, 1, "expected an integer"},
        {"not an object", "[]", NND_ERR_FORMAT, 1, "expected '{'"},
        {"a key without a colon", "{\"format\" \"nnd\"}", NND_ERR_FORMAT, 1, "format: expected ':'"},
        {"layers that is no list", NND_HEAD "\"layers\": 5}", NND_ERR_FORMAT, 1, "layers: expected '['"},
        {"a layer key without a colon", NND_HEAD "\"layers\": [{\"type\" 1}]}", NND_ERR_FORMAT, 1,
         "type: expected ':'"},
        {"fractional neurons", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"neurons\": 1.5}]}", NND_ERR_FORMAT,
         1, "layers[0].neurons: expected an integer"},
        {"too many neurons", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"neurons\": 16777217}]}",
         NND_ERR_FORMAT, 1, "out of range"},
        {"a dropout that is no number", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"p_dropout\": \"0\"}]}",
         NND_ERR_FORMAT, 1, "layers[0].p_dropout: expected a number"},
        {"a layer without its brace", NND_HEAD "\"layers\": [{\"type\": \"dense\"]}", NND_ERR_FORMAT, 1,
         "layer: expected '}'"},
        {"layers without their bracket", NND_HEAD "\"layers\": [" NND_LAYER "}", NND_ERR_FORMAT, 1,
         "layers: expected ']'"},
        {"no closing brace", NND_HEAD "\"layers\": [" NND_LAYER "]", NND_ERR_FORMAT, 1, "nnd JSON: file ends early"},
        {"a type that is no string", NND_HEAD "\"layers\": [{\"type\": 1}]}", NND_ERR_FORMAT, 1,
         "layers[0].type: expected '\"'"},
        {"input that is no list", "{\"input\": 3}", NND_ERR_FORMAT, 1, "input: expected '['"},
        {"a fractional input", "{\"input\": [1.5, 1, 1]}", NND_ERR_FORMAT, 1, "input: expected an integer"},
        {"weights that are no list", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"weights\": 1}]}",
         NND_ERR_FORMAT, 1, "layers[0].weights: expected '['"},
        {"an empty weight list", NND_HEAD "\"layers\": [{\"type\": \"dense\", \"neurons\": 1, \"weights\": [], "
                                 "\"biases\": [0]}]}",
         NND_ERR_FORMAT, 1, "layers[0].weights: 0 numbers, the layer needs 2"},
    };
    size_t i;
    bad_case c;
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) expect_rejected(&cases[i], 1);
    /* more layers than a net may have */
    strcpy(many, "{\"layers\": [");
    for (i = 0; i < 1001; ++i) strcat(many, i ? ", {\"type\": \"pool\"}" : "{\"type\": \"pool\"}");
    strcat(many, "]}");
    c.name = "1001 layers";
    c.text = many;
    c.status = NND_ERR_FORMAT;
    c.line = 1;
    c.words = "layers: too many";
    expect_rejected(&c, 1);
}

static void nnd_lenient(void)
{
    const char *text = "{\"comment\": {\"a\": [true, false, null, {}, [], \"s\\tt\"]},\n"
                       " \"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 2], \"cost\": \"quadratic\",\n"
                       " \"layers\": [{\"type\": \"dense\", \"note\": [], \"activation\": \"linear\", \"neurons\": 1,\n"
                       "   \"p_dropout\": 0.0, \"weights\": [0.5, -1.0], \"biases\": [0.25]}]}";
    nnd_error err;
    nnd_net *net = nnd_parse(text, strlen(text), &err);
    CHECK(net != NULL, "lenient nnd file: %s", err.message);
    if (net) {
        nnd_real x[2] = {2, 1}, out[1];
        nnd_feedforward(net, x, 2, out, 1);
        CHECK(fabs(out[0] - 0.25) < 1e-6, "0.5 * 2 - 1 * 1 + 0.25 = %g", (double)out[0]);
        CHECK(nnd_net_cost(net) == NND_QUADRATIC && nnd_layer_info(net, 0).activation == NND_LINEAR, "fields read");
        nnd_free(net);
    }
    /* a pool-only network has no weights at all */
    text = "{\"format\": \"nnd\", \"version\": 1, \"input\": [2, 2, 2], \"cost\": \"quadratic\", \"layers\": "
           "[{\"type\": \"pool\", \"activation\": \"linear\", \"pool\": [2, 1]}]}";
    net = nnd_parse(text, strlen(text), &err);
    CHECK(net != NULL && nnd_param_count(net) == 0 && nnd_output_size(net) == 4, "pool-only net: %s", err.message);
    if (net) {
        /* HWC: (c, y, x) at (y w + x) c_count + c; a 2x1 pool keeps the larger of rows 0 and 1 */
        nnd_real x[8] = {1, -1, 2, -2, 0, 5, 3, -7}, out[4];
        nnd_feedforward(net, x, 8, out, 4);
        CHECK(out[0] == 1 && out[1] == 5 && out[2] == 3 && out[3] == -2, "pooled %g %g %g %g", (double)out[0],
              (double)out[1], (double)out[2], (double)out[3]);
        nnd_free(net);
    }
}

/* NULL arguments and what the writers refuse. */
static void refusals(void)
{
    nnd_error err;
    size_t len = 99;
    int st;
    nnd_layer_spec tanh_layer = nnd_dense_layer(2, NND_TANH, 0.0), drop = nnd_dense_layer(2, NND_SIGMOID, 0.5);
    nnd_net *net;
    char path[5000];
    CHECK(nnd_parse(NULL, 3, &err) == NULL && err.status == NND_ERR_ARG, "nnd_parse(NULL)");
    CHECK(nnd_network2_parse(NULL, 3, &err) == NULL && err.status == NND_ERR_ARG, "nnd_network2_parse(NULL)");
    CHECK(nnd_parse("{}", 2, NULL) == NULL, "err may be NULL");
    CHECK(nnd_write(NULL, &len, &err) == NULL && err.status == NND_ERR_ARG, "nnd_write(NULL)");
    CHECK(nnd_network2_write(NULL, &len, &err) == NULL && err.status == NND_ERR_ARG, "nnd_network2_write(NULL)");
    CHECK(nnd_network2_load(NULL, &err) == NULL && err.status == NND_ERR_ARG, "nnd_network2_load(NULL)");
    CHECK(nnd_load(NULL, &err) == NULL && err.status == NND_ERR_ARG, "nnd_load(NULL)");
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    net = nnd_net_create(3, &tanh_layer, 1, NND_QUADRATIC, &st);
    CHECK(nnd_network2_save(net, path, &err) == NND_ERR_ARG, "a 4999-character path");
    CHECK(nnd_network2_save(net, NULL, &err) == NND_ERR_ARG, "a NULL path");
    CHECK(nnd_network2_write(net, &len, &err) == NULL && err.status == NND_ERR_ARG,
          "network2 has no tanh layers: %s", err.message);
    {
        char *text = nnd_write(net, &len, &err); /* the nnd format has them */
        CHECK(text != NULL && len == strlen(text) && strstr(text, "\"activation\": \"tanh\""), "nnd_write of tanh");
        nnd_free_text(text);
    }
    {
        char *text = nnd_write(net, NULL, &err); /* len may be NULL */
        CHECK(text != NULL && text[strlen(text) - 1] == '\n', "nnd_write without a length");
        nnd_free_text(text);
    }
    nnd_params(net)[2] = (nnd_real)(HUGE_VAL - HUGE_VAL);
    CHECK(nnd_write(net, &len, &err) == NULL && err.status == NND_ERR_DIVERGED, "nnd_write of NaN: %s", err.message);
    nnd_free(net);
    net = nnd_net_create(3, &drop, 1, NND_QUADRATIC, &st);
    CHECK(nnd_network2_write(net, &len, &err) == NULL && err.status == NND_ERR_ARG, "network2 has no dropout");
    nnd_free(net);
    {
        nnd_layer_spec conv = nnd_conv_layer(1, 2, 2, NND_SIGMOID);
        net = nnd_net_create(9, &conv, 1, NND_QUADRATIC, &st);
        CHECK(nnd_network2_write(net, &len, &err) == NULL && err.status == NND_ERR_ARG, "network2 has no conv layers");
        nnd_free(net);
    }
    {
        /* a whole network2 file written with len NULL */
        int sizes[] = {2, 2};
        char *text;
        net = nnd_network2(sizes, 2, NND_QUADRATIC, NULL, &st);
        text = nnd_network2_write(net, NULL, &err);
        CHECK(text && !strcmp(text, "{\"sizes\": [2, 2], \"weights\": [[[0.0, 0.0], [0.0, 0.0]]], \"biases\": "
                                    "[[[0.0], [0.0]]], \"cost\": \"QuadraticCost\"}"),
              "network2 text of a zero net: %s", text ? text : "(none)");
        nnd_free_text(text);
        nnd_free(net);
    }
}

/* A save that cannot write says why in its status whether or not the
   caller passes an nnd_error. */
static void save_status_without_err(void)
{
    int sizes[] = {2, 1}, st;
    nnd_net *net = nnd_network2(sizes, 2, NND_QUADRATIC, NULL, &st);
    nnd_error err;
    nnd_params(net)[0] = (nnd_real)(HUGE_VAL - HUGE_VAL);
    CHECK(nnd_save(net, "build/test_parse_never_written.json", &err) == NND_ERR_DIVERGED, "nnd_save of NaN, with err");
    st = nnd_save(net, "build/test_parse_never_written.json", NULL);
    CHECK(st == NND_ERR_DIVERGED, "nnd_save of NaN without err: %s", nnd_strerror(st));
    st = nnd_network2_save(net, "build/test_parse_never_written.json", NULL);
    CHECK(st == NND_ERR_DIVERGED, "nnd_network2_save of NaN without err: %s", nnd_strerror(st));
    nnd_free(net);
}

/* A load error names the file in front of the message, as far as it fits. */
static void load_messages(void)
{
    char name[400], path[600];
    nnd_error err;
    nnd_net *net;
    FILE *f;
    size_t i;
    const char *bad = "{\"sizes\": [2, 1],\n\"weights\": [[[1.0]]], \"biases\": [[[0.0]]], \"cost\": \"QuadraticCost\"}";
    memset(name, 'p', 200);
    name[200] = '\0';
    mkdir("build", 0755);
    snprintf(path, sizeof path, "build/%.150s", name);
    mkdir(path, 0755);
    for (i = 0; i < 2; ++i) {
        /* a 211-character path leaves part of the message; a 312-character one no room for itself */
        if (i) snprintf(path, sizeof path, "build/%.150s/%.150s.json", name, name);
        else snprintf(path, sizeof path, "build/%s.json", name);
        f = fopen(path, "wb");
        CHECK(f != NULL, "cannot write %s", path);
        if (!f) return;
        fputs(bad, f);
        fclose(f);
        net = nnd_network2_load(path, &err);
        CHECK(net == NULL && err.status == NND_ERR_SHAPE && err.line == 2 && strlen(err.message) < sizeof err.message,
              "a %d-character path: status %d", (int)strlen(path), err.status);
        if (!i)
            CHECK(strncmp(err.message, path, strlen(path)) == 0 && err.message[strlen(path)] == ':' &&
                      strstr(err.message, "line 2: weights[0]") != NULL,
                  "the message starts with the path, then says what is wrong: %s", err.message);
        else
            CHECK(strstr(err.message, "weights[0]") != NULL, "a path too long to name still leaves the message: %s",
                  err.message);
        CHECK(nnd_network2_load(path, NULL) == NULL, "loading without err");
        remove(path);
    }
    snprintf(path, sizeof path, "build/%.150s", name);
    rmdir(path);
}

int main(void)
{
    network2_rejections();
    network2_lenient();
    nnd_rejections();
    nnd_lenient();
    refusals();
    save_status_without_err();
    load_messages();
    return check_summary();
}
