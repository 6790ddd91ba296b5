/* The public API's contracts one function at a time: random numbers, the
   neuron functions and costs, layer specs and accessors, the initialisers'
   draws, argument checks (NND_ERR_ARG / NND_ERR_SHAPE), data views and byte
   inputs, votes, the plateau rule, image transforms and expand_mnist. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define TOL 1e-13
#else
#define TOL 2e-6
#endif

static double rel_diff(double a, double b) { return fabs(a - b) / fmax(1.0, fabs(b)); }

/* ------------------------------------------------------------------ random */
static void random_numbers(void)
{
    nnd_rng r, copy;
    int i, n, counts[7], perm_count[6], items[3];
    double sum = 0, sum2 = 0;
    uint64_t s;

    /* splitmix64's published sequence for seed 0 */
    nnd_rng_seed(&r, 0);
    CHECK(nnd_rng_next(&r) == 0xe220a8397b1dcdafull, "splitmix64 output 1");
    CHECK(nnd_rng_next(&r) == 0x6e789e6aa1b965f4ull, "splitmix64 output 2");
    CHECK(nnd_rng_next(&r) == 0x06c45d188009454full, "splitmix64 output 3");

    /* uniform: [0, 1) in steps of 2^-53, mean 1/2 */
    nnd_rng_seed(&r, 7);
    n = 100000;
    for (i = 0; i < n; ++i) {
        double u = nnd_rng_uniform(&r), scaled = u * 9007199254740992.0;
        if (!(u >= 0 && u < 1) || scaled != floor(scaled)) break;
        sum += u;
    }
    CHECK(i == n, "uniform draw %d outside [0,1) or not a multiple of 2^-53", i);
    CHECK(fabs(sum / n - 0.5) < 0.005, "uniform mean %g", sum / n);

    /* normal: pairs, the second one from the cache; N(0,1) moments */
    nnd_rng_seed(&r, 9);
    (void)nnd_rng_normal(&r);
    CHECK(r.has_spare == 1, "Box-Muller keeps the second value of a pair");
    s = r.state;
    (void)nnd_rng_normal(&r);
    CHECK(r.has_spare == 0 && r.state == s, "the cached value is returned without a draw");
    nnd_rng_seed(&r, 9);
    CHECK(r.has_spare == 0, "seeding clears the cached value");
    sum = 0;
    n = 200000;
    for (i = 0; i < n; ++i) {
        double z = nnd_rng_normal(&r);
        sum += z;
        sum2 += z * z;
    }
    CHECK(fabs(sum / n) < 0.01 && fabs(sum2 / n - 1) < 0.02, "normal moments: mean %g, E z^2 %g",
          sum / n, sum2 / n);

    /* below: the only value of n = 1; every class of 7 about equally often */
    nnd_rng_seed(&r, 3);
    CHECK(nnd_rng_below(&r, 1) == 0, "below(1)");
    memset(counts, 0, sizeof counts);
    for (i = 0; i < 70000; ++i) {
        uint32_t v = nnd_rng_below(&r, 7);
        if (v >= 7) break;
        ++counts[v];
    }
    CHECK(i == 70000, "below(7) gave a value >= 7");
    for (i = 0; i < 7; ++i) CHECK(abs(counts[i] - 10000) < 600, "below(7): %d draws of %d", counts[i], i);
    /* n = 2^31 + 1: almost half of the 32-bit draws are rejected, the rest stay below n */
    sum = 0;
    for (i = 0; i < 20000; ++i) {
        uint32_t v = nnd_rng_below(&r, 0x80000001u);
        if (v > 0x80000000u) break;
        sum += v / 2147483649.0;
    }
    CHECK(i == 20000 && fabs(sum / 20000 - 0.5) < 0.01, "below(2^31+1): mean %g", sum / 20000);

    /* shuffle: a permutation; all 6 orders of 3 items equally likely */
    {
        int big[50], seen[50];
        for (i = 0; i < 50; ++i) big[i] = i;
        nnd_shuffle(&r, big, 50);
        memset(seen, 0, sizeof seen);
        for (i = 0; i < 50; ++i)
            if (big[i] >= 0 && big[i] < 50) ++seen[big[i]];
        for (i = 0; i < 50 && seen[i] == 1; ++i) {
        }
        CHECK(i == 50, "shuffle is not a permutation");
        memcpy(seen, big, sizeof seen);
        nnd_shuffle(&r, big, 0);
        nnd_shuffle(&r, big, 1);
        CHECK(memcmp(seen, big, sizeof seen) == 0, "shuffling 0 or 1 items moved something");
    }
    memset(perm_count, 0, sizeof perm_count);
    for (i = 0; i < 60000; ++i) {
        items[0] = 0;
        items[1] = 1;
        items[2] = 2;
        nnd_shuffle(&r, items, 3);
        /* the order's index: first item times 2, plus whether the rest is ascending */
        ++perm_count[items[0] * 2 + (items[1] > items[2])];
    }
    for (i = 0; i < 6; ++i) CHECK(abs(perm_count[i] - 10000) < 600, "shuffle order %d: %d times", i, perm_count[i]);

    /* the same seed, the same sequence */
    nnd_rng_seed(&r, 42);
    nnd_rng_seed(&copy, 42);
    for (i = 0; i < 10 && nnd_rng_next(&r) == nnd_rng_next(&copy); ++i) {
    }
    CHECK(i == 10, "two generators with one seed differ");
}

/* ------------------------------------------------------------- functions */
static void neuron_functions(void)
{
    static const double zs[6] = {-3, -0.5, 0, 0.25, 2, 7};
    nnd_real z[6], a[6];
    int i;
    double worst;
    CHECK(nnd_sigmoid(0) == 0.5, "sigma(0)");
    CHECK(fabs(nnd_sigmoid(2) - 0.8807970779778823) < 1e-15, "sigma(2)");
    CHECK(nnd_sigmoid_prime(0) == 0.25, "sigma'(0) = 1/4");
    CHECK(fabs(nnd_sigmoid_prime(2) - 0.10499358540350662) < 1e-15, "sigma'(2)");
    CHECK(fabs(nnd_sigmoid_prime(-2) - nnd_sigmoid_prime(2)) < 1e-15, "sigma' is even");

    /* f' from the output a = f(z) */
    CHECK(fabs(nnd_activation_prime(NND_SIGMOID, 0.3) - 0.21) < 1e-15, "sigmoid': a(1-a)");
    CHECK(fabs(nnd_activation_prime(NND_TANH, 0.5) - 0.75) < 1e-15, "tanh': 1-a^2");
    CHECK(nnd_activation_prime(NND_RELU, 2.0) == 1.0 && nnd_activation_prime(NND_RELU, 0.0) == 0.0,
          "ReLU': 1 for a > 0, else 0");
    CHECK(nnd_activation_prime(NND_LINEAR, -4.0) == 1.0, "linear': 1");

    for (i = 0; i < 6; ++i) z[i] = (nnd_real)zs[i];
    nnd_activate(NND_SIGMOID, z, a, 6);
    for (worst = 0, i = 0; i < 6; ++i) worst = fmax(worst, rel_diff(a[i], 1 / (1 + exp(-zs[i]))));
    CHECK(worst < 3 * TOL, "sigmoid layer off by %g", worst);
    nnd_activate(NND_TANH, z, a, 6);
    for (worst = 0, i = 0; i < 6; ++i) worst = fmax(worst, rel_diff(a[i], tanh(zs[i])));
    CHECK(worst < 3 * TOL, "tanh layer off by %g", worst);
    nnd_activate(NND_RELU, z, a, 6);
    CHECK(a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == z[3] && a[5] == z[5], "ReLU layer");
    nnd_activate(NND_LINEAR, z, a, 6);
    CHECK(memcmp(a, z, sizeof a) == 0, "linear layer copies");
    nnd_activate(NND_SOFTMAX, z, a, 6);
    {
        double s = 0, d = 0;
        for (i = 0; i < 6; ++i) s += exp(zs[i]);
        for (i = 0; i < 6; ++i) d = fmax(d, fabs(a[i] - exp(zs[i]) / s));
        CHECK(d < 3 * TOL, "softmax layer off by %g", d);
    }
    memcpy(a, z, sizeof a); /* in place */
    nnd_activate(NND_TANH, a, a, 6);
    CHECK(fabs(a[4] - tanh(2.0)) < 3 * TOL, "in-place activation");

    /* softmax is stable where e^z overflows */
    z[0] = 1000;
    z[1] = 1000;
    z[2] = -1000;
    nnd_softmax(z, a, 3);
    CHECK(fabs(a[0] - 0.5) < TOL && fabs(a[1] - 0.5) < TOL && a[2] == 0, "softmax of huge values: %g %g %g",
          (double)a[0], (double)a[1], (double)a[2]);
    z[0] = 3;
    nnd_softmax(z, a, 1);
    CHECK(a[0] == 1, "softmax of one value");
}

static void costs(void)
{
    nnd_real a[3], y[3], d[3];
    double c;
    /* quadratic: 0.5 |a - y|^2 */
    a[0] = (nnd_real)0.25;
    a[1] = (nnd_real)0.75;
    y[0] = 0;
    y[1] = 1;
    c = nnd_cost_fn(NND_QUADRATIC, a, y, 2);
    CHECK(fabs(c - 0.0625) < 1e-15, "quadratic cost %g", c);
    /* cross-entropy: -ln(1 - 0.25) - ln(0.75) */
    c = nnd_cost_fn(NND_CROSS_ENTROPY, a, y, 2);
    CHECK(fabs(c - 2 * -log(0.75)) < 1e-12, "cross-entropy %g", c);
    /* nan_to_num: a = y = 1 gives 0 ln 0 = NaN -> 0; a = 0, y = 1 gives inf -> DBL_MAX */
    a[0] = 1;
    y[0] = 1;
    c = nnd_cost_fn(NND_CROSS_ENTROPY, a, y, 1);
    CHECK(c == 0, "cross-entropy of a perfect output: %g (NaN must count 0)", c);
    a[0] = 0;
    c = nnd_cost_fn(NND_CROSS_ENTROPY, a, y, 1);
    CHECK(c == DBL_MAX, "cross-entropy of a = 0, y = 1: %g (inf must count DBL_MAX)", c);
    a[0] = 1;
    y[0] = 0;
    c = nnd_cost_fn(NND_CROSS_ENTROPY, a, y, 1);
    CHECK(c == DBL_MAX, "cross-entropy of a = 1, y = 0: %g", c);
    /* log-likelihood: -ln a_y; zero targets add nothing, even where a = 0 */
    a[0] = (nnd_real)0.25;
    a[1] = (nnd_real)0.5;
    a[2] = 0;
    y[0] = 0;
    y[1] = 1;
    y[2] = 0;
    c = nnd_cost_fn(NND_LOG_LIKELIHOOD, a, y, 3);
    CHECK(fabs(c - log(2.0)) < 1e-12, "log-likelihood %g", c);

    /* delta: quadratic (a - y) f'(z) from a; cross-entropy and log-likelihood a - y */
    a[0] = (nnd_real)0.5;
    a[1] = (nnd_real)-0.5;
    a[2] = 2;
    y[0] = 1;
    y[1] = 0;
    y[2] = 1;
    nnd_cost_delta(NND_QUADRATIC, NND_SIGMOID, a, y, d, 1);
    CHECK(fabs(d[0] - (-0.5 * 0.25)) < 1e-7, "quadratic sigmoid delta %g", (double)d[0]);
    nnd_cost_delta(NND_QUADRATIC, NND_TANH, a, y, d, 2);
    CHECK(fabs(d[0] - (-0.5 * 0.75)) < 1e-7 && fabs(d[1] - (-0.5 * 0.75)) < 1e-7, "quadratic tanh delta");
    nnd_cost_delta(NND_QUADRATIC, NND_RELU, a, y, d, 3);
    CHECK(d[0] == (nnd_real)-0.5 && d[1] == 0 && d[2] == 1, "quadratic ReLU delta");
    nnd_cost_delta(NND_QUADRATIC, NND_LINEAR, a, y, d, 3);
    CHECK(d[0] == (nnd_real)-0.5 && d[1] == (nnd_real)-0.5 && d[2] == 1, "quadratic linear delta");
    nnd_cost_delta(NND_CROSS_ENTROPY, NND_SIGMOID, a, y, d, 3);
    CHECK(d[0] == (nnd_real)-0.5 && d[1] == (nnd_real)-0.5 && d[2] == 1, "cross-entropy delta a - y");
    nnd_cost_delta(NND_LOG_LIKELIHOOD, NND_SOFTMAX, a, y, d, 3);
    CHECK(d[0] == (nnd_real)-0.5 && d[2] == 1, "log-likelihood delta a - y");
}

/* ------------------------------------------------------ layers, accessors */
static void specs_and_accessors(void)
{
    nnd_layer_spec d = nnd_dense_layer(7, NND_TANH, 0.25), f = nnd_fully_connected_layer(7, NND_TANH, 0.25);
    nnd_layer_spec sm = nnd_softmax_layer(4, 0.5), cp = nnd_conv_pool_layer(3, 4, 5, 2, 1, NND_RELU);
    nnd_layer_spec cv = nnd_conv_layer(2, 3, 3, NND_RELU), pl = nnd_pool_layer(2, 2), L[3];
    nnd_net *net;
    nnd_layer_desc a, b, c;
    int st, l, j, k;
    size_t off = 0;
    CHECK(d.kind == NND_LAYER_DENSE && d.activation == NND_TANH && d.n_out == 7 && d.p_dropout == 0.25 &&
              d.filter_h == 0 && d.pool_h == 0 && d.image_c == 0,
          "nnd_dense_layer fields");
    CHECK(memcmp(&d, &f, sizeof d) == 0, "FullyConnectedLayer is a dense layer");
    CHECK(sm.kind == NND_LAYER_DENSE && sm.activation == NND_SOFTMAX && sm.n_out == 4 && sm.p_dropout == 0.5,
          "nnd_softmax_layer fields");
    CHECK(cp.kind == NND_LAYER_CONV_POOL && cp.n_out == 3 && cp.filter_h == 4 && cp.filter_w == 5 &&
              cp.pool_h == 2 && cp.pool_w == 1 && cp.activation == NND_RELU && cp.p_dropout == 0,
          "nnd_conv_pool_layer fields");
    CHECK(cv.kind == NND_LAYER_CONV && cv.filter_h == 3 && cv.pool_h == 0 && cv.pool_w == 0, "nnd_conv_layer fields");
    CHECK(pl.kind == NND_LAYER_POOL && pl.pool_h == 2 && pl.pool_w == 2 && pl.activation == NND_LINEAR &&
              pl.n_out == 0,
          "nnd_pool_layer fields");

    /* 36 inputs = a 6x6 image: conv 2 x 3x3 -> 2 x 4x4, pool 2x2 -> 2 x 2x2, dense 3 */
    L[0] = cv;
    L[1] = pl;
    L[2] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    net = nnd_net_create(36, L, 3, NND_CROSS_ENTROPY, &st);
    CHECK(net != NULL && st == NND_OK, "conv/pool/dense net: %s", nnd_strerror(st));
    if (!net) return;
    CHECK(nnd_num_layers(net) == 3 && nnd_input_size(net) == 36 && nnd_output_size(net) == 3 &&
              nnd_net_cost(net) == NND_CROSS_ENTROPY,
          "net shape");
    a = nnd_layer_info(net, 0);
    b = nnd_layer_info(net, 1);
    c = nnd_layer_info(net, 2);
    CHECK(a.kind == NND_LAYER_CONV && a.in_c == 1 && a.in_h == 6 && a.in_w == 6 && a.out_c == 2 && a.out_h == 4 &&
              a.out_w == 4 && a.n_in == 36 && a.n_out == 32 && a.filter_h == 3 && a.filter_w == 3 &&
              a.pool_h == 0 && a.n_weights == 18 && a.n_biases == 2,
          "conv layer info");
    CHECK(b.kind == NND_LAYER_POOL && b.in_c == 2 && b.in_h == 4 && b.out_c == 2 && b.out_h == 2 && b.out_w == 2 &&
              b.n_in == 32 && b.n_out == 8 && b.n_weights == 0 && b.n_biases == 0 && b.pool_h == 2 &&
              b.filter_h == 0 && b.activation == NND_LINEAR,
          "pool layer info");
    CHECK(c.kind == NND_LAYER_DENSE && c.n_in == 8 && c.n_out == 3 && c.out_c == 3 && c.out_h == 1 &&
              c.out_w == 1 && c.n_weights == 24 && c.n_biases == 3 && c.p_dropout == 0 && c.filter_h == 0,
          "dense layer info");
    /* a dense layer reports the maps it reads flattened: the pool layer's 2 x 2 x 2 */
    CHECK(c.in_c == 2 && c.in_h == 2 && c.in_w == 2 && c.in_c * c.in_h * c.in_w == c.n_in,
          "dense layer after a pool layer: input maps %d x %d x %d, expected the pool's 2 x 2 x 2", c.in_c,
          c.in_h, c.in_w);
    for (l = 0; l < 3; ++l) { /* each layer: weights, then biases, one block */
        nnd_layer_desc q = nnd_layer_info(net, l);
        CHECK(q.weight_offset == off && q.bias_offset == off + q.n_weights, "layer %d offsets", l);
        CHECK(nnd_weights(net, l) == nnd_params(net) + q.weight_offset &&
                  nnd_biases(net, l) == nnd_params(net) + q.bias_offset,
              "layer %d pointers", l);
        off += q.n_weights + q.n_biases;
    }
    CHECK(nnd_param_count(net) == off && off == 18 + 2 + 24 + 3, "parameter count %lu", (unsigned long)off);

    /* dense weights are W^T: w_jk at k n_out + j */
    for (j = 0; j < 3; ++j)
        for (k = 0; k < 8; ++k) nnd_set_weight(net, 2, j, k, 10 * j + k);
    CHECK(nnd_weights(net, 2)[5 * 3 + 2] == 25 && nnd_weight(net, 2, 2, 5) == 25 && nnd_weight(net, 2, 1, 7) == 17,
          "dense w_jk layout");
    nnd_free(net);
}

/* A true convolution (the kernel flipped), weights set with nnd_set_weight
   in the book's indexing: z(y,x) = sum w[ky][kx] in(y+fh-1-ky, x+fw-1-kx) + b. */
static void true_convolution(void)
{
    nnd_layer_spec L = nnd_conv_layer(1, 2, 3, NND_LINEAR);
    nnd_real img[4 * 5], out[3 * 3];
    double w[2][3] = {{1, -2, 0.5}, {3, 0.25, -1}};
    int st, y, x, ky, kx;
    double worst = 0;
    nnd_net *net;
    L.image_c = 1;
    L.image_h = 4;
    L.image_w = 5;
    net = nnd_net_create(20, &L, 1, NND_QUADRATIC, &st);
    CHECK(net != NULL, "conv net: %s", nnd_strerror(st));
    if (!net) return;
    for (ky = 0; ky < 2; ++ky)
        for (kx = 0; kx < 3; ++kx) nnd_set_weight(net, 0, 0, ky * 3 + kx, w[ky][kx]);
    nnd_biases(net, 0)[0] = (nnd_real)0.5;
    for (y = 0; y < 20; ++y) img[y] = (nnd_real)((y * 7) % 11 - 5);
    CHECK(nnd_weight(net, 0, 0, 4) == 0.25, "nnd_weight reads what nnd_set_weight wrote");
    nnd_feedforward(net, img, 20, out, 9);
    for (y = 0; y < 3; ++y)
        for (x = 0; x < 3; ++x) {
            double z = 0.5;
            for (ky = 0; ky < 2; ++ky)
                for (kx = 0; kx < 3; ++kx) z += w[ky][kx] * img[(y + 1 - ky) * 5 + (x + 2 - kx)];
            worst = fmax(worst, fabs(z - out[y * 3 + x]));
        }
    CHECK(worst < 1e-5, "true convolution off by %g", worst);
    nnd_free(net);
}

/* Every layer's draws in the documented order: biases b_j ~ N(0,1), then
   neuron j's weights w_j0.. ~ N(0, sd^2), layer after layer. */
static int draws_match(nnd_net *net, uint64_t seed, double (*sd_of)(nnd_layer_desc))
{
    nnd_rng r;
    int l, j, k, bad = 0;
    nnd_rng_seed(&r, seed);
    for (l = 0; l < nnd_num_layers(net); ++l) {
        nnd_layer_desc d = nnd_layer_info(net, l);
        int nj, nk;
        double sd;
        if (d.kind == NND_LAYER_POOL) continue;
        nj = d.kind == NND_LAYER_DENSE ? d.n_out : d.out_c;
        nk = d.kind == NND_LAYER_DENSE ? d.n_in : d.filter_h * d.filter_w * d.in_c;
        sd = sd_of(d);
        if (sd == 0) { /* network3's softmax output layer starts at zero */
            for (j = 0; j < nj; ++j) bad += nnd_biases(net, l)[j] != 0;
            for (j = 0; j < nj; ++j)
                for (k = 0; k < nk; ++k) bad += nnd_weight(net, l, j, k) != 0;
            continue;
        }
        for (j = 0; j < nj; ++j) bad += nnd_biases(net, l)[j] != (nnd_real)nnd_rng_normal(&r);
        for (j = 0; j < nj; ++j)
            for (k = 0; k < nk; ++k) {
                double want = nnd_rng_normal(&r) * sd;
                bad += rel_diff(nnd_weight(net, l, j, k), want) > 1e-6 * fmax(1e-30, fabs(want));
            }
    }
    return bad;
}

static double sd_default(nnd_layer_desc d) { return 1.0 / sqrt((double)(d.kind == NND_LAYER_DENSE ? d.n_in : d.filter_h * d.filter_w * d.in_c)); }
static double sd_large(nnd_layer_desc d)
{
    (void)d;
    return 1.0;
}
static double sd_network3(nnd_layer_desc d)
{
    if (d.kind == NND_LAYER_DENSE) return d.activation == NND_SOFTMAX ? 0.0 : 1.0 / sqrt((double)d.n_out);
    return 1.0 / sqrt((double)d.out_c * d.filter_h * d.filter_w / (d.pool_h ? (double)d.pool_h * d.pool_w : 1.0));
}
static double sd_network3_fan_in(nnd_layer_desc d)
{
    if (d.kind == NND_LAYER_DENSE && d.activation != NND_SOFTMAX) return 1.0 / sqrt((double)d.n_in);
    return sd_network3(d);
}

static void initialisers(void)
{
    int sizes[] = {5, 4, 3}, st;
    nnd_rng r;
    nnd_layer_spec L[5];
    nnd_net *net = nnd_network2(sizes, 3, NND_QUADRATIC, NULL, &st), *cnn;
    size_t p;
    CHECK(net != NULL, "network2");
    if (!net) return;
    for (p = 0; p < nnd_param_count(net) && nnd_params(net)[p] == 0; ++p) {
    }
    CHECK(p == nnd_param_count(net), "without an rng every parameter is 0");
    nnd_rng_seed(&r, 17);
    nnd_default_weight_initializer(net, &r);
    CHECK(draws_match(net, 17, sd_default) == 0, "default_weight_initializer: w ~ N(0, 1/n_in) in order");
    nnd_rng_seed(&r, 18);
    nnd_large_weight_initializer(net, &r);
    CHECK(draws_match(net, 18, sd_large) == 0, "large_weight_initializer: w ~ N(0, 1) in order");
    nnd_free(net);
    nnd_rng_seed(&r, 19);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    CHECK(draws_match(net, 19, sd_default) == 0, "nnd_network2 with an rng uses default_weight_initializer");
    nnd_free(net);

    /* network3: conv-pool, conv (no pool), pool (no draws), dense, softmax (zeros) */
    L[0] = nnd_conv_pool_layer(3, 3, 3, 2, 2, NND_RELU); /* 10x10 -> 3 x 4x4 */
    L[1] = nnd_conv_layer(2, 2, 2, NND_TANH);             /* -> 2 x 3x3 */
    L[2] = nnd_pool_layer(1, 3);                          /* -> 2 x 3x1 */
    L[3] = nnd_dense_layer(5, NND_SIGMOID, 0.0);
    L[4] = nnd_softmax_layer(4, 0.0);
    cnn = nnd_net_create(100, L, 5, NND_LOG_LIKELIHOOD, &st);
    CHECK(cnn != NULL, "conv net for network3's initialiser: %s", nnd_strerror(st));
    if (!cnn) return;
    nnd_rng_seed(&r, 20);
    nnd_network3_initializer(cnn, &r, 0);
    CHECK(draws_match(cnn, 20, sd_network3) == 0, "network3_initializer: N(0, 1/n_out), softmax zero");
    nnd_rng_seed(&r, 21);
    nnd_network3_initializer(cnn, &r, 1);
    CHECK(draws_match(cnn, 21, sd_network3_fan_in) == 0, "network3_initializer with fan_in: dense N(0, 1/n_in)");
    nnd_rng_seed(&r, 22);
    nnd_default_weight_initializer(cnn, &r);
    CHECK(draws_match(cnn, 22, sd_default) == 0, "default_weight_initializer on conv layers: fan-in fh fw c");
    nnd_free(cnn);
}

/* ------------------------------------------------------- argument checks */
static void creation_errors(void)
{
    nnd_layer_spec s, two[2];
    int st = 1, sizes70[70], i;
    nnd_net *net;
    for (i = 0; i < 70; ++i) sizes70[i] = 2 + i % 3;
#define REFUSED(call, want, what)                                                    \
    do {                                                                             \
        st = 12345;                                                                  \
        net = call;                                                                  \
        CHECK(net == NULL && st == (want), "%s: status %d (%s)", what, st, nnd_strerror(st)); \
        nnd_free(net);                                                               \
    } while (0)
    s = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    REFUSED(nnd_net_create(0, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "0 inputs");
    REFUSED(nnd_net_create(4, NULL, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "NULL specs");
    REFUSED(nnd_net_create(4, &s, 0, NND_QUADRATIC, &st), NND_ERR_ARG, "0 layers");
    REFUSED(nnd_net_create(4, &s, 1, (nnd_cost)3, &st), NND_ERR_ARG, "cost 3");
    s.kind = (nnd_layer_kind)4;
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "layer kind 4");
    s = nnd_dense_layer(3, (nnd_activation)5, 0.0);
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "activation 5");
    s = nnd_dense_layer(3, NND_SIGMOID, -0.1);
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "negative dropout");
    s = nnd_conv_layer(2, 2, 2, NND_RELU);
    s.p_dropout = 0.5;
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "dropout on a conv layer");
    s = nnd_pool_layer(2, 2);
    s.activation = NND_RELU;
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "a pool layer with an activation");
    two[0] = nnd_softmax_layer(3, 0.0);
    two[1] = nnd_softmax_layer(3, 0.0);
    REFUSED(nnd_net_create(4, two, 2, NND_LOG_LIKELIHOOD, &st), NND_ERR_ARG, "softmax before the last layer");
    s = nnd_conv_layer(2, 5, 5, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a 5x5 filter on a 4x4 image");
    s = nnd_conv_layer(2, 2, 2, NND_RELU);
    s.image_c = 2;
    s.image_h = s.image_w = 3;
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "image shape 2x3x3 for 16 inputs");
    s = nnd_conv_pool_layer(2, 3, 3, 3, 3, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "3x3 pool on a 2x2 conv output");
    s = nnd_conv_layer(2, 2, 2, NND_RELU);
    REFUSED(nnd_net_create(15, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "15 inputs are no square image");
    s = nnd_dense_layer(0, NND_SIGMOID, 0.0);
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "0 neurons");
    REFUSED(nnd_network2(NULL, 3, NND_QUADRATIC, NULL, &st), NND_ERR_ARG, "nnd_network2: NULL sizes");
    REFUSED(nnd_network2(sizes70, 2, NND_LOG_LIKELIHOOD, NULL, &st), NND_ERR_ARG,
            "nnd_network2 with log-likelihood (network2 has no softmax)");
    /* shapes that only the layer's own geometry rules out */
    s = nnd_conv_layer(2, 0, 2, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a filter 0 rows high");
    s = nnd_conv_layer(2, 2, 0, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a filter 0 columns wide");
    s = nnd_conv_layer(2, 2, 5, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a filter wider than the image");
    s = nnd_conv_pool_layer(2, 2, 2, 0, 2, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a pool 0 rows high");
    s = nnd_conv_pool_layer(2, 2, 2, 2, 0, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a pool 0 columns wide");
    s = nnd_conv_pool_layer(2, 2, 2, 1, 4, NND_RELU);
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a pool wider than the conv output");
    s = nnd_conv_layer(1 << 23, 2, 2, NND_RELU); /* 2^25 weights: more than a layer may have */
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "2^23 filters of 2x2");
    s = nnd_conv_layer(300, 1, 1, NND_RELU); /* 300 maps of 256 x 256: 19.7 M outputs */
    REFUSED(nnd_net_create(65536, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "a 19.7 M-value output");
    s = nnd_conv_layer(2, 2, 2, NND_RELU);
    s.image_h = 4; /* a shape given in part */
    REFUSED(nnd_net_create(16, &s, 1, NND_QUADRATIC, &st), NND_ERR_SHAPE, "image_h without image_c and image_w");
    s = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    REFUSED(nnd_net_create((1 << 24) + 1, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "2^24 + 1 inputs");
    REFUSED(nnd_net_create(4, &s, 1, (nnd_cost)-1, &st), NND_ERR_ARG, "cost -1");
    REFUSED(nnd_net_create(4, &s, 1001, NND_QUADRATIC, &st), NND_ERR_ARG, "1001 layers");
    s.kind = (nnd_layer_kind)-1;
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "layer kind -1");
    s = nnd_dense_layer((1 << 24) + 1, NND_SIGMOID, 0.0);
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "2^24 + 1 neurons");
    s = nnd_dense_layer(3, (nnd_activation)-1, 0.0);
    REFUSED(nnd_net_create(4, &s, 1, NND_QUADRATIC, &st), NND_ERR_ARG, "activation -1");
    s = nnd_conv_layer(2, 2, 2, NND_SOFTMAX);
    REFUSED(nnd_net_create(16, &s, 1, NND_LOG_LIKELIHOOD, &st), NND_ERR_ARG, "a softmax conv layer");
    {
        static int many[1002];
        for (i = 0; i < 1002; ++i) many[i] = 1;
        REFUSED(nnd_network2(many, 1002, NND_QUADRATIC, NULL, &st), NND_ERR_ARG, "a network2 of 1001 layers");
    }
#undef REFUSED
    /* a convolution after a dense layer, with no image shape, sees n x 1 x 1 maps:
       a 1x1 filter over 6 channels is a dense layer of its own */
    two[0] = nnd_dense_layer(6, NND_TANH, 0.0);
    two[1] = nnd_conv_layer(4, 1, 1, NND_LINEAR);
    net = nnd_net_create(3, two, 2, NND_QUADRATIC, &st);
    CHECK(net != NULL && nnd_layer_info(net, 1).in_c == 6 && nnd_layer_info(net, 1).in_h == 1 &&
              nnd_layer_info(net, 1).n_weights == 24 && nnd_output_size(net) == 4,
          "1x1 convolution after a dense layer: %s", nnd_strerror(st));
    nnd_free(net);
    CHECK(nnd_net_create(4, &s, 1, NND_QUADRATIC, NULL) == NULL, "status may be NULL");

    /* more layers than nnd_network2 keeps on its stack */
    net = nnd_network2(sizes70, 70, NND_QUADRATIC, NULL, &st);
    CHECK(net != NULL && st == NND_OK && nnd_num_layers(net) == 69 && nnd_output_size(net) == sizes70[69],
          "a 69-layer network2: %s", nnd_strerror(st));
    if (net) {
        nnd_real x[2] = {1, -1}, out[4];
        nnd_feedforward(net, x, 2, out, 4);
        CHECK(out[0] == (nnd_real)0.5 && out[1] == (nnd_real)0.5, "zero parameters: every output is sigma(0)");
        nnd_free(net);
    }
    nnd_free(NULL); /* a no-op */
}

static void run_errors(void)
{
    int sizes[] = {3, 4, 2}, st, labels[2] = {0, 1}, bad[2] = {0, 2}, pred[2], correct;
    nnd_rng r;
    nnd_net *net;
    nnd_real x[6] = {0, 1, 0, 1, 1, 1}, out[4], g[64], y[4] = {1, 0, 0, 1};
    double cost;
    nnd_data d, dd;
    nnd_rng_seed(&r, 1);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    CHECK(nnd_feedforward(NULL, x, 3, out, 4) == NND_ERR_ARG, "feedforward: NULL net");
    CHECK(nnd_feedforward(net, NULL, 3, out, 4) == NND_ERR_ARG, "feedforward: NULL x");
    CHECK(nnd_feedforward(net, x, 3, NULL, 4) == NND_ERR_ARG, "feedforward: NULL out");
    CHECK(nnd_feedforward(net, x, 0, out, 4) == NND_ERR_ARG, "feedforward of no values");
    CHECK(nnd_feedforward(net, x, 5, out, 4) == NND_ERR_ARG, "feedforward of 5 values into 3 inputs");
    CHECK(nnd_feedforward(net, x, 6, out, 3) == NND_ERR_ARG, "feedforward: room for 3 of 4 outputs");
    CHECK(nnd_feedforward(net, x, 6, out, 4) == NND_OK, "feedforward of two examples");

    d = nnd_data_reals(x, 2, 3, labels);
    dd = d;
    CHECK(nnd_backprop(NULL, &d, g, 64, NULL) == NND_ERR_ARG, "backprop: NULL net");
    CHECK(nnd_backprop(net, NULL, g, 64, NULL) == NND_ERR_ARG, "backprop: NULL batch");
    dd.x = NULL;
    CHECK(nnd_backprop(net, &dd, g, 64, NULL) == NND_ERR_ARG, "backprop: NULL x");
    dd = nnd_data_reals(x, 2, 3, NULL);
    CHECK(nnd_backprop(net, &dd, g, 64, NULL) == NND_ERR_ARG, "backprop: neither y nor labels");
    dd = nnd_data_reals(x, 0, 3, labels);
    CHECK(nnd_backprop(net, &dd, g, 64, NULL) == NND_ERR_ARG, "backprop: m = 0");
    CHECK(nnd_backprop(net, &d, NULL, 64, NULL) == NND_ERR_ARG, "backprop: NULL grad");
    dd = nnd_data_reals(x, 2, 3, bad);
    CHECK(nnd_backprop(net, &dd, g, 64, NULL) == NND_ERR_SHAPE, "backprop: label 2 of 2 outputs");
    bad[1] = -1;
    CHECK(nnd_backprop(net, &dd, g, 64, NULL) == NND_ERR_SHAPE, "backprop: label -1");
    bad[1] = 2;
    CHECK(nnd_batch_cost(net, &d, NULL) == NND_ERR_ARG, "batch_cost: NULL cost");
    CHECK(nnd_batch_cost(net, &dd, &cost) == NND_ERR_SHAPE, "batch_cost: bad label");
    /* targets y give the same cost as the one-hot labels they spell */
    {
        double c1 = -1, c2 = -2;
        dd = nnd_data_targets(nnd_data_reals(x, 2, 3, NULL), y, 2);
        CHECK(nnd_batch_cost(net, &dd, &c1) == NND_OK && nnd_batch_cost(net, &d, &c2) == NND_OK && c1 == c2,
              "targets vs labels: %g %g", c1, c2);
    }

    memset(&d, 0, sizeof d);
    d.n = 2;
    d.n_in = 3;
    d.x = x;
    d.labels = labels;
    CHECK(nnd_accuracy(NULL, &d, &correct) == NND_ERR_ARG, "accuracy: NULL net");
    CHECK(nnd_accuracy(net, NULL, &correct) == NND_ERR_ARG, "accuracy: NULL data");
    CHECK(nnd_accuracy(net, &d, NULL) == NND_ERR_ARG, "accuracy: NULL count");
    CHECK(nnd_predict(net, &d, NULL) == NND_ERR_ARG, "predict: NULL output");
    CHECK(nnd_predict(NULL, &d, pred) == NND_ERR_ARG, "predict: NULL net");
    CHECK(nnd_total_cost(net, &d, 0, 0, NULL) == NND_ERR_ARG, "total_cost: NULL cost");
    CHECK(nnd_total_cost(NULL, &d, 0, 0, &cost) == NND_ERR_ARG, "total_cost: NULL net");
    CHECK(nnd_total_cost(net, NULL, 0, 0, &cost) == NND_ERR_ARG, "total_cost: NULL data");
    CHECK(nnd_predict(net, NULL, pred) == NND_ERR_ARG, "predict: NULL data");
    dd = d;
    dd.labels = NULL;
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_ERR_ARG, "accuracy without labels or targets");
    CHECK(nnd_total_cost(net, &dd, 0, 0, &cost) == NND_ERR_ARG, "total_cost without labels or targets");
    CHECK(nnd_predict(net, &dd, pred) == NND_OK, "predict needs no labels");
    dd = d;
    dd.n = 0;
    CHECK(nnd_total_cost(net, &dd, 0, 0, &cost) == NND_ERR_ARG, "total_cost of no examples (a mean of nothing)");
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_OK && correct == 0, "accuracy of no examples");
    dd = d;
    dd.n_in = 4;
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_ERR_SHAPE, "4 inputs for a 3-input net");
    dd = d;
    dd.x = NULL;
    CHECK(nnd_predict(net, &dd, pred) == NND_ERR_ARG, "data without inputs");
    dd.n = 0;
    CHECK(nnd_predict(net, &dd, pred) == NND_OK, "no examples need no inputs");
    dd = d;
    dd.n = -1;
    CHECK(nnd_predict(net, &dd, pred) == NND_ERR_ARG, "n < 0");
    dd = d;
    dd.labels = bad;
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_ERR_SHAPE, "label out of range");
    dd = d;
    dd.labels = NULL;
    dd.y = y;
    dd.n_y = 3;
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_ERR_SHAPE, "targets of 3 values for 2 outputs");
    dd.n_y = 2;
    CHECK(nnd_accuracy(net, &dd, &correct) == NND_OK, "accuracy from targets (argmax y)");
    {
        int c2 = -1;
        nnd_accuracy(net, &d, &c2);
        CHECK(correct == c2, "argmax of one-hot targets = labels: %d vs %d", correct, c2);
    }
    nnd_free(net);
}

/* ------------------------------------------------------------ data views */
static void data_views(void)
{
    enum { N = 40, NIN = 21 };
    nnd_real x[N * NIN], ys[N * 3];
    unsigned char x8[N * NIN];
    int labels[N], i, st, mode, p8[N], pr[N], c8, cr;
    nnd_rng r;
    nnd_data d, b, s;
    nnd_layer_spec L[2];
    nnd_net *net;
    double cost8, costr;
    memset(ys, 0, sizeof ys);
    memset(&d, 0, sizeof d);
    d.n = N;
    d.n_in = NIN;
    d.x = x;
    d.labels = labels;
    d.y = ys;
    d.n_y = 3;
    s = nnd_data_slice(&d, -4, 5);
    CHECK(s.n == 5 && s.x == x && s.labels == labels, "slice: a negative start is 0");
    s = nnd_data_slice(&d, 10, -1);
    CHECK(s.n == N - 10 && s.x == x + 10 * NIN && s.y == ys + 30 && s.labels == labels + 10,
          "slice: count < 0 means the rest");
    s = nnd_data_slice(&d, N + 3, 2);
    CHECK(s.n == 0, "slice past the end is empty");
    b = d;
    b.labels = NULL;
    b.y = NULL;
    s = nnd_data_slice(&b, 2, 3);
    CHECK(s.n == 3 && s.labels == NULL && s.y == NULL && s.x == x + 2 * NIN, "slice without labels or targets");

    /* bytes read as x8 * x8_scale give what the same reals give: MNIST-like
       rows, many blank 8-byte words, a row length that is no multiple of 8 */
    nnd_rng_seed(&r, 4);
    for (i = 0; i < N * NIN; ++i) {
        x8[i] = (unsigned char)((i % NIN) < 8 || nnd_rng_uniform(&r) < 0.5 ? 0 : nnd_rng_below(&r, 256));
        x[i] = (nnd_real)(x8[i] / 256.0);
    }
    for (i = 0; i < N; ++i) labels[i] = i % 3;
    b = d;
    b.x = NULL;
    b.x8 = x8;
    b.x8_scale = (nnd_real)(1.0 / 256.0);
    s = nnd_data_slice(&b, 3, 2);
    CHECK(s.x8 == x8 + 3 * NIN, "slice of byte inputs");
    L[0] = nnd_dense_layer(6, NND_TANH, 0.0);
    L[1] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    net = nnd_net_create(NIN, L, 2, NND_CROSS_ENTROPY, &st);
    nnd_default_weight_initializer(net, &r);
    for (mode = 0; mode <= 2; ++mode) {
        nnd_set_sparse_input(net, mode);
        CHECK(nnd_predict(net, &b, p8) == NND_OK && nnd_predict(net, &d, pr) == NND_OK, "predict");
        CHECK(memcmp(p8, pr, sizeof p8) == 0, "mode %d: bytes and reals predict differently", mode);
        d.y = NULL;
        b.y = NULL;
        nnd_accuracy(net, &b, &c8);
        nnd_accuracy(net, &d, &cr);
        CHECK(c8 == cr, "mode %d: accuracy %d vs %d", mode, c8, cr);
        nnd_total_cost(net, &b, 0.5, 0, &cost8);
        nnd_total_cost(net, &d, 0.5, 0, &costr);
        CHECK(rel_diff(cost8, costr) < 10 * TOL, "mode %d: cost %g vs %g", mode, cost8, costr);
        d.y = ys;
    }
    /* the L1 penalty of total_cost: sum|w| lmbda/n on top of the mean cost */
    {
        double c0, c1, w1 = 0;
        size_t q;
        for (i = 0; i < 2; ++i)
            for (q = 0; q < nnd_layer_info(net, i).n_weights; ++q) w1 += fabs((double)nnd_weights(net, i)[q]);
        nnd_total_cost(net, &b, 0.0, 1, &c0);
        nnd_total_cost(net, &b, 2.0, 1, &c1);
        CHECK(rel_diff(c1 - c0, 2.0 / N * w1) < 1e-9, "L1 penalty %g, by hand %g", c1 - c0, 2.0 / N * w1);
    }
    nnd_free(net);
}

/* ----------------------------------------------------------------- votes */
static void votes(void)
{
    static const int table[3 * 4] = {0, 1, 2, 0, /* net 0 */
                                     1, 1, 0, 2, /* net 1 */
                                     1, 2, 2, 1}; /* net 2 */
    static const int labels[4] = {1, 2, 2, 0};
    static const int five[5] = {0, 1, 2, 1, 2}; /* five nets, one example */
    int pred[4] = {-1, -1, -1, -1}, wrong[4] = {-1, -1, -1, -1}, correct = -1, n_wrong = -1, p1 = -1;
    int neg[3 * 4];
    int st = nnd_vote(table, 3, 4, 3, labels, pred, &correct, wrong, &n_wrong);
    CHECK(st == NND_OK, "nnd_vote: %s", nnd_strerror(st));
    CHECK(pred[0] == 1 && pred[1] == 1 && pred[2] == 2, "majorities: %d %d %d", pred[0], pred[1], pred[2]);
    CHECK(pred[3] == 0, "a three-way tie goes to the first net's class: %d", pred[3]);
    CHECK(correct == 3 && n_wrong == 1 && wrong[0] == 1, "%d correct, %d wrong", correct, n_wrong);
    /* classes 1 and 2 tie with two votes each: net 1 is the first to name one of them */
    CHECK(nnd_vote(five, 5, 1, 3, NULL, &p1, NULL, NULL, NULL) == NND_OK && p1 == 1,
          "two-way tie among five nets: %d", p1);
    correct = -1;
    CHECK(nnd_vote(table, 3, 4, 3, labels, NULL, &correct, NULL, NULL) == NND_OK && correct == 3,
          "counting without predictions");
    CHECK(nnd_vote(table, 3, 0, 3, labels, pred, &correct, wrong, &n_wrong) == NND_OK && correct == 0 &&
              n_wrong == 0,
          "no examples");
    memcpy(neg, table, sizeof neg);
    neg[5] = -1;
    pred[0] = -7;
    CHECK(nnd_vote(neg, 3, 4, 3, labels, pred, NULL, NULL, NULL) == NND_ERR_SHAPE && pred[0] == -7,
          "a negative class is refused before anything is written");
    CHECK(nnd_vote(NULL, 3, 4, 3, labels, pred, NULL, NULL, NULL) == NND_ERR_ARG, "NULL votes");
    CHECK(nnd_vote(table, 0, 4, 3, labels, pred, NULL, NULL, NULL) == NND_ERR_ARG, "no nets");
    CHECK(nnd_vote(table, 3, -1, 3, labels, pred, NULL, NULL, NULL) == NND_ERR_ARG, "n < 0");
    CHECK(nnd_vote(table, 3, 4, 0, labels, pred, NULL, NULL, NULL) == NND_ERR_ARG, "no classes");
    CHECK(nnd_vote(table, 3, 4, 3, NULL, pred, NULL, wrong, NULL) == NND_ERR_ARG, "wrong needs labels");
    CHECK(nnd_vote(table, 3, 4, 3, NULL, pred, NULL, NULL, &n_wrong) == NND_ERR_ARG, "n_wrong needs labels");

    /* the ensemble vote is the vote of the nets' own predictions */
    {
        enum { N = 30 };
        int sizes[] = {5, 6, 4}, sizes3[] = {5, 3}, sizes6[] = {6, 4}, i, j, lab[N], v[3 * N], ep[N], vp[N];
        int ec, vc, ew[N], vw[N], en, vn;
        nnd_real x[N * 5];
        nnd_net *nets[3], *odd;
        nnd_rng r;
        nnd_data d;
        nnd_rng_seed(&r, 8);
        for (i = 0; i < N * 5; ++i) x[i] = (nnd_real)nnd_rng_uniform(&r);
        for (i = 0; i < N; ++i) lab[i] = i % 4;
        memset(&d, 0, sizeof d);
        d.n = N;
        d.n_in = 5;
        d.x = x;
        d.labels = lab;
        for (j = 0; j < 3; ++j) {
            nets[j] = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
            nnd_predict(nets[j], &d, v + j * N);
        }
        st = nnd_ensemble_vote(nets, 3, &d, ep, &ec, ew, &en);
        nnd_vote(v, 3, N, 4, lab, vp, &vc, vw, &vn);
        CHECK(st == NND_OK && memcmp(ep, vp, sizeof ep) == 0 && ec == vc && en == vn &&
                  memcmp(ew, vw, (size_t)en * sizeof *ew) == 0,
              "ensemble vote = vote of the predictions");
        for (i = 0, j = 0; i < N; ++i) j += ep[i] == lab[i];
        CHECK(ec == j && en == N - j, "ensemble counts: %d correct, by hand %d", ec, j);
        nnd_free(nets[1]);
        odd = nnd_network2(sizes3, 2, NND_CROSS_ENTROPY, &r, &st);
        nets[1] = odd;
        CHECK(nnd_ensemble_vote(nets, 3, &d, ep, NULL, NULL, NULL) == NND_ERR_SHAPE, "nets with 4 and 3 outputs");
        nnd_free(odd);
        odd = nnd_network2(sizes6, 2, NND_CROSS_ENTROPY, &r, &st);
        nets[1] = odd;
        CHECK(nnd_ensemble_vote(nets, 3, &d, ep, NULL, NULL, NULL) == NND_ERR_SHAPE, "nets with 5 and 6 inputs");
        nets[1] = NULL;
        CHECK(nnd_ensemble_vote(nets, 3, &d, ep, NULL, NULL, NULL) == NND_ERR_SHAPE, "a missing net");
        CHECK(nnd_ensemble_vote(nets, 0, &d, ep, NULL, NULL, NULL) == NND_ERR_ARG, "no nets");
        CHECK(nnd_ensemble_vote(NULL, 3, &d, ep, NULL, NULL, NULL) == NND_ERR_ARG, "NULL nets");
        {
            nnd_net *first_missing[2];
            first_missing[0] = NULL;
            first_missing[1] = nets[0];
            CHECK(nnd_ensemble_vote(first_missing, 2, &d, ep, NULL, NULL, NULL) == NND_ERR_ARG, "a missing first net");
            first_missing[0] = nets[0];
            d.n = -1;
            CHECK(nnd_ensemble_vote(first_missing, 2, &d, ep, NULL, NULL, NULL) == NND_ERR_ARG, "n < 0");
            d.n = N;
        }
        CHECK(nnd_ensemble_vote(nets, 3, NULL, ep, NULL, NULL, NULL) == NND_ERR_ARG, "NULL data");
        nets[1] = nets[2];
        d.n = 0;
        CHECK(nnd_ensemble_vote(nets, 3, &d, ep, &ec, NULL, NULL) == NND_OK && ec == 0, "no examples");
        d.n = N;
        d.n_in = 4;
        CHECK(nnd_ensemble_vote(nets, 3, &d, ep, NULL, NULL, NULL) == NND_ERR_SHAPE, "data of the wrong width");
        nnd_free(odd);
        nnd_free(nets[0]);
        nnd_free(nets[2]);
    }
}

/* --------------------------------------------------------------- plateau */
static void plateau(void)
{
    nnd_plateau p;
    int e, a = 0, fired;
    nnd_plateau_init(&p, 0, 3);
    for (e = 0; e < 100; ++e) a |= nnd_plateau_update(&p, e == 0 ? 1.0 : 0.0);
    CHECK(a == NND_CONTINUE && p.epochs == 100 && p.best_epoch == 0 && p.best == 1.0,
          "patience 0 never fires");
    /* max_halvings 1: the first firing stops */
    nnd_plateau_init(&p, 2, 1);
    CHECK(nnd_plateau_update(&p, 5) == NND_CONTINUE && nnd_plateau_update(&p, 5) == NND_CONTINUE &&
              nnd_plateau_update(&p, 4) == NND_STOP,
          "max_halvings 1: stop at the first firing (a tie is no improvement)");
    /* an improvement restarts the count; after a firing the count restarts too */
    nnd_plateau_init(&p, 2, 3);
    fired = nnd_plateau_update(&p, 1);     /* best */
    fired |= nnd_plateau_update(&p, 0);    /* 1 */
    fired |= nnd_plateau_update(&p, 2);    /* best again */
    fired |= nnd_plateau_update(&p, 2);    /* 1 */
    CHECK(fired == NND_CONTINUE && p.best_epoch == 2 && p.since_best == 1, "improvement restarts the count");
    CHECK(nnd_plateau_update(&p, 1) == NND_HALVE_ETA && p.halvings == 1 && p.since_best == 0, "first halving");
    CHECK(nnd_plateau_update(&p, 1) == NND_CONTINUE, "the count restarts after a firing");
    CHECK(nnd_plateau_update(&p, 1) == NND_HALVE_ETA && p.halvings == 2, "second halving");
    CHECK(nnd_plateau_update(&p, 0) == NND_CONTINUE && nnd_plateau_update(&p, 0) == NND_STOP,
          "the third firing of max_halvings 3 stops");
    CHECK(p.epochs == 9 && p.best == 2, "epochs counted: %d", p.epochs);
}

/* ------------------------------------------------- transforms, expansion */
static void transforms(void)
{
    nnd_real in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, out[9], row[3] = {0, 2, 4}, r2[3];
    static const nnd_real turned[9] = {3, 6, 9, 2, 5, 8, 1, 4, 7};
    int i;
    double worst = 0;
    /* 90 degrees counter-clockwise: the top-right pixel goes to the top left */
    nnd_transform_image(in, out, 3, 3, 90, 0, 0);
    for (i = 0; i < 9; ++i) worst = fmax(worst, fabs(out[i] - turned[i]));
    CHECK(worst < 1e-5, "90 degree turn off by %g", worst);
    /* a half-pixel shift right interpolates between neighbours, zero outside */
    nnd_transform_image(row, r2, 3, 1, 0, 0.5, 0);
    CHECK(fabs(r2[0] - 0) < 1e-6 && fabs(r2[1] - 1) < 1e-6 && fabs(r2[2] - 3) < 1e-6, "half-pixel shift: %g %g %g",
          (double)r2[0], (double)r2[1], (double)r2[2]);
    /* whole-pixel shifts: up and left by one, exact with zero fill */
    nnd_transform_image(in, out, 3, 3, 0, -1, -1);
    CHECK(out[0] == 5 && out[1] == 6 && out[2] == 0 && out[4] == 9 && out[6] == 0 && out[8] == 0, "shift up-left");
    /* a shift beyond the image leaves nothing */
    nnd_transform_image(in, out, 3, 3, 0, 5, 0);
    for (i = 0; i < 9 && out[i] == 0; ++i) {
    }
    CHECK(i == 9, "a shift of 5 pixels on a 3-pixel row is blank");
    /* a half-pixel shift down: rows mix with the row above; a whole-pixel
       shift past the bottom leaves nothing */
    nnd_transform_image(in, out, 3, 3, 0, 0, 0.5);
    CHECK(fabs(out[1] - 1) < 1e-6 && fabs(out[4] - 3.5) < 1e-6 && fabs(out[7] - 6.5) < 1e-6,
          "half-pixel shift down: %g %g %g", (double)out[1], (double)out[4], (double)out[7]);
    nnd_transform_image(in, out, 3, 3, 0, 0, 3);
    for (i = 0; i < 9 && out[i] == 0; ++i) {
    }
    CHECK(i == 9, "a shift of 3 rows on a 3-row image is blank");
    nnd_transform_image(in, out, 3, 3, 360, 0, 0);
    for (worst = 0, i = 0; i < 9; ++i) worst = fmax(worst, fabs(out[i] - in[i]));
    CHECK(worst < 1e-5, "a full turn is the identity (off by %g)", worst);
}

static void expansion(void)
{
    nnd_real img[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, y[2 * 2] = {(nnd_real)0.25, (nnd_real)0.75, 1, 0};
    int labels[2] = {3, 1}, st, i;
    nnd_data d;
    nnd_dataset ex;
    nnd_rng r;
    memset(&d, 0, sizeof d);
    d.n = 2;
    d.n_in = 4;
    d.x = img;
    d.y = y;
    d.n_y = 2;
    /* real-valued 2x2 images with targets: each image, then down, up, right, left */
    st = nnd_expand_mnist(&d, 2, 2, NULL, &ex);
    CHECK(st == NND_OK && ex.data.n == 10 && ex.data.n_in == 4 && ex.data.x == ex.x && ex.x8 == NULL &&
              ex.data.labels == NULL && ex.data.n_y == 2,
          "expand reals: %s", nnd_strerror(st));
    if (st == NND_OK) {
        static const nnd_real want[5][4] = {{5, 6, 7, 8}, {0, 0, 5, 6}, {7, 8, 0, 0}, {0, 5, 0, 7}, {6, 0, 8, 0}};
        CHECK(memcmp(ex.x + 20, want, sizeof want) == 0, "the second image and its four shifts");
        for (i = 0; i < 5; ++i)
            CHECK(ex.y[2 * i] == y[0] && ex.y[10 + 2 * i] == y[2] && ex.y[10 + 2 * i + 1] == y[3], "targets copied");
        nnd_dataset_free(&ex);
        CHECK(ex.x == NULL && ex.data.n == 0, "dataset_free clears the set");
    }
    /* with an rng the 10 examples are shuffled, each keeping its label */
    d.labels = labels;
    nnd_rng_seed(&r, 2);
    st = nnd_expand_mnist(&d, 2, 2, &r, &ex);
    if (st == NND_OK) {
        int ones = 0, ok = 1;
        for (i = 0; i < 10; ++i) {
            const nnd_real *e = ex.x + 4 * i, *src = ex.labels[i] == 3 ? img : img + 4;
            double s = 0, t = 0;
            int k;
            for (k = 0; k < 4; ++k) {
                s += e[k];
                t += src[k];
            }
            ok &= s <= t; /* a shift only drops ink */
            ones += ex.labels[i] == 1;
        }
        CHECK(ones == 5 && ok, "shuffled expansion keeps 5 examples per source with their labels");
        nnd_dataset_free(&ex);
    }
    CHECK(nnd_expand_mnist(&d, 3, 2, NULL, &ex) == NND_ERR_ARG, "3x2 images of 4 pixels");
    CHECK(nnd_expand_mnist(&d, 2, 2, NULL, NULL) == NND_ERR_ARG, "NULL output");
    CHECK(nnd_expand_mnist(NULL, 2, 2, NULL, &ex) == NND_ERR_ARG, "NULL source");
    d.labels = NULL;
    d.y = NULL;
    CHECK(nnd_expand_mnist(&d, 2, 2, NULL, &ex) == NND_ERR_ARG, "neither labels nor targets");
    d.labels = labels;
    d.n = 0;
    CHECK(nnd_expand_mnist(&d, 2, 2, NULL, &ex) == NND_ERR_ARG, "no examples");
    d.n = 2;
    CHECK(nnd_expand_mnist(&d, 0, 4, NULL, &ex) == NND_ERR_ARG, "images 0 pixels wide");
    CHECK(nnd_expand_mnist(&d, 4, 0, NULL, &ex) == NND_ERR_ARG, "images 0 pixels high");
    d.x = NULL;
    CHECK(nnd_expand_mnist(&d, 2, 2, NULL, &ex) == NND_ERR_ARG, "no inputs");
    nnd_dataset_free(NULL);
}

/* ------------------------------------------------- the calls a user reaches first */
/* A net that was never given parameters is refused, by name, until it is. */
static void unset_nets(void)
{
    nnd_layer_spec sp = nnd_dense_layer(3, NND_SIGMOID, 0.0);
    nnd_real x[2] = {1, 2}, out[3];
    nnd_rng r;
    int st;
    nnd_net *net = nnd_net_create(2, &sp, 1, NND_CROSS_ENTROPY, &st);
    CHECK(nnd_net_error(net)->status == NND_OK && nnd_net_error(net)->message[0] == '\0', "fresh net's error is empty");
    CHECK(nnd_feedforward(net, x, 2, out, 3) == NND_ERR_ARG, "an unset net does not run");
    CHECK(strstr(nnd_net_error(net)->message, "never set") != NULL, "the message says why: %s",
          nnd_net_error(net)->message);
    nnd_rng_seed(&r, 1);
    nnd_default_weight_initializer(net, &r);
    CHECK(nnd_feedforward(net, x, 2, out, 3) == NND_OK, "an initialised net runs");
    nnd_free(net);
}

/* Refusals that name the value at fault. */
static void named_errors(void)
{
    int sizes[] = {2, 10}, labels[5] = {1, 2, 3, 10, 0}, st, correct;
    nnd_real x[10] = {0};
    unsigned char b[10] = {0};
    nnd_rng r;
    nnd_net *net;
    nnd_data d;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_rng_seed(&r, 2);
    net = nnd_network2(sizes, 2, NND_CROSS_ENTROPY, &r, &st);
    d = nnd_data_reals(x, 5, 2, labels);
    CHECK(nnd_accuracy(net, &d, &correct) == NND_ERR_SHAPE, "label 10 of 10 classes refused");
    CHECK(strcmp(nnd_net_error(net)->message, "data: label 10 of example 3 is outside 0..9") == 0, "message: %s",
          nnd_net_error(net)->message);
    labels[3] = 9;
    o.eta = 0;
    CHECK(nnd_sgd(net, &d, &o, NULL) == NND_ERR_ARG, "eta 0 refused");
    CHECK(strstr(nnd_net_error(net)->message, "eta is 0") != NULL, "message: %s", nnd_net_error(net)->message);
    o.eta = 1;
    d = nnd_data_bytes(b, 5, 2, 0.0, labels); /* a forgotten scale */
    CHECK(nnd_sgd(net, &d, &o, NULL) == NND_ERR_ARG, "bytes with scale 0 refused");
    CHECK(strstr(nnd_net_error(net)->message, "training data: bytes with scale 0") != NULL, "message: %s",
          nnd_net_error(net)->message);
    d = nnd_data_reals(x, 5, 3, labels);
    CHECK(nnd_accuracy(net, &d, &correct) == NND_ERR_SHAPE &&
              strstr(nnd_net_error(net)->message, "3 inputs per example, the network takes 2") != NULL,
          "wrong width named: %s", nnd_net_error(net)->message);
    nnd_free(net);
}

/* The data constructors fill what a hand-made view would. */
static void data_constructors(void)
{
    unsigned char b[4] = {0, 64, 128, 255};
    nnd_real x[4] = {0}, y[2] = {1, 0};
    int labels[2] = {0, 1};
    nnd_data d = nnd_data_bytes(b, 2, 2, 1.0 / 256, labels);
    CHECK(d.n == 2 && d.n_in == 2 && d.x8 == b && d.x == NULL && d.x8_scale == (nnd_real)(1.0 / 256) &&
              d.labels == labels && d.y == NULL,
          "nnd_data_bytes");
    d = nnd_data_targets(nnd_data_reals(x, 2, 2, NULL), y, 1);
    CHECK(d.x == x && d.x8 == NULL && d.labels == NULL && d.y == y && d.n_y == 1, "nnd_data_reals + targets");
}

/* One example: its length checked, its scores the output layer's values. */
static void classify_one(void)
{
    nnd_layer_spec sp = nnd_softmax_layer(3, 0.0);
    const double w[3][2] = {{1, -1}, {0.5, 2}, {-2, 0.25}}, bias[3] = {0.1, -0.2, 0.3};
    nnd_real x[2] = {0.75, -0.5}, scores[3], small[100] = {0};
    unsigned char px[2] = {192, 128};
    double z[3], sum = 0, worst = 0;
    int st, cls = -1, cls8 = -1, j, top[4] = {-1, -1, -1, -1};
    nnd_net *net = nnd_net_create(2, &sp, 1, NND_LOG_LIKELIHOOD, &st);
    for (j = 0; j < 3; ++j) {
        nnd_set_weight(net, 0, j, 0, w[j][0]);
        nnd_set_weight(net, 0, j, 1, w[j][1]);
        nnd_biases(net, 0)[j] = (nnd_real)bias[j];
        z[j] = w[j][0] * 0.75 + w[j][1] * -0.5 + bias[j]; /* z = w x + b (22), by hand */
        sum += exp(z[j]);
    }
    CHECK(nnd_classify(net, x, 2, scores, 3, &cls) == NND_OK, "nnd_classify runs");
    for (j = 0; j < 3; ++j) worst = fmax(worst, fabs(scores[j] - exp(z[j]) / sum));
    CHECK(worst < 10 * TOL && cls == 0, "softmax scores off by %g, class %d (z = %g %g %g)", worst, cls, z[0], z[1], z[2]);
    CHECK(nnd_classify(net, small, 100, scores, 3, &cls) == NND_ERR_SHAPE, "100 values into 2 inputs refused");
    CHECK(nnd_classify(net, x, 2, scores, 2, &cls) == NND_ERR_SHAPE, "room for 2 of 3 scores refused");
    CHECK(nnd_classify_bytes(net, px, 2, scores, 3, &cls8) == NND_OK, "nnd_classify_bytes runs");
    for (j = 0, sum = 0; j < 3; ++j) sum += exp(z[j] = w[j][0] * 0.75 + w[j][1] * 0.5 + bias[j]); /* 192/256, 128/256 */
    for (j = 0, worst = 0; j < 3; ++j) worst = fmax(worst, fabs(scores[j] - exp(z[j]) / sum));
    CHECK(worst < 10 * TOL && cls8 == 1, "byte input read as byte/256: off by %g, class %d", worst, cls8);
    scores[0] = (nnd_real)0.1, scores[1] = (nnd_real)0.7, scores[2] = (nnd_real)0.7;
    CHECK(nnd_top_k(scores, 3, 4, top) == 3 && top[0] == 1 && top[1] == 2 && top[2] == 0 && top[3] == -1,
          "top-k: %d %d %d %d", top[0], top[1], top[2], top[3]);
    nnd_free(net);
}

/* nnd_parse takes network2.py's file as well; network2's reader names an
   nnd file for what it is. */
static void either_format(void)
{
    static const char n2[] = "{\"sizes\": [2, 1], \"weights\": [[[0.5, -1.0]]], \"biases\": [[[0.25]]], "
                             "\"cost\": \"CrossEntropyCost\"}";
    nnd_error e;
    size_t len;
    char *text;
    nnd_net *net = nnd_parse(n2, sizeof n2 - 1, &e), *again;
    CHECK(net != NULL, "nnd_parse reads network2 JSON: %s", e.message);
    if (!net) return;
    CHECK(nnd_weight(net, 0, 0, 0) == 0.5 && nnd_weight(net, 0, 0, 1) == -1 && nnd_biases(net, 0)[0] == (nnd_real)0.25 &&
              nnd_net_cost(net) == NND_CROSS_ENTROPY,
          "its numbers");
    text = nnd_write(net, &len, &e);
    again = nnd_network2_parse(text, len, &e);
    CHECK(again == NULL && e.status == NND_ERR_FORMAT && strstr(e.message, "this is an nnd model file") != NULL,
          "network2's reader names an nnd file: %s", e.message);
    nnd_free_text(text);
    nnd_free(net);
    CHECK(strlen(NND_VERSION) >= 5 && NND_VERSION_MAJOR == 0 && NND_VERSION_MINOR == 3 && strcmp(NND_VERSION, "0.3.0") == 0, "version %s", NND_VERSION);
}

/* ------------------------------------------------------- buffer lengths */
/* Every buffer of nnd_feedforward and nnd_backprop comes with its length:
   a short one is refused, by name, before anything is read or written (the
   calls once took a count of examples and read past a short buffer). */
static int untouched(const nnd_real *v, size_t n, nnd_real mark)
{
    size_t i;
    for (i = 0; i < n && v[i] == mark; ++i) {}
    return i == n;
}

static void buffer_lengths(void)
{
    enum { NIN = 784, NOUT = 10, M = 10 };
    int sizes[] = {NIN, 30, NOUT}, st, labels[M], i;
    const nnd_real mark = (nnd_real)12345;
    nnd_real *x = (nnd_real *)calloc((size_t)M * NIN, sizeof *x), out[M * NOUT + 1], *g, *g8;
    unsigned char *x8 = (unsigned char *)calloc((size_t)M * NIN, 1);
    double cost = -1, cost2 = -2;
    size_t n_params, q;
    nnd_rng r;
    nnd_data d;
    nnd_net *net;
    const char *msg;
    nnd_rng_seed(&r, 11);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &r, &st);
    CHECK(net != NULL && x && x8, "[784,30,10]: %s", nnd_strerror(st));
    if (!net || !x || !x8) {
        free(x), free(x8), nnd_free(net);
        return;
    }
    n_params = nnd_param_count(net);
    g = (nnd_real *)malloc((n_params + 1) * sizeof *g);
    g8 = (nnd_real *)malloc(n_params * sizeof *g8);
    for (i = 0; i < M * NIN; ++i) x8[i] = (unsigned char)(i % 7 == 0 ? 0 : (i * 37) % 256);
    for (i = 0; i < M * NIN; ++i) x[i] = (nnd_real)(x8[i] / 256.0);
    for (i = 0; i < M; ++i) labels[i] = (3 * i + 1) % NOUT;
    msg = nnd_net_error(net)->message;

    /* nnd_feedforward: a 100-value buffer is not one 784-value example */
    for (i = 0; i < M * NOUT + 1; ++i) out[i] = mark;
    CHECK(nnd_feedforward(net, x, 100, out, M * NOUT) == NND_ERR_ARG, "100 values into a 784-input net refused");
    CHECK(strcmp(msg, "nnd_feedforward: x holds 100 values, not a whole number of the net's 784-value inputs") == 0,
          "message: %s", msg);
    CHECK(untouched(out, M * NOUT + 1, mark), "a refused feedforward writes nothing");
    CHECK(nnd_feedforward(net, x, (size_t)M * NIN + 1, out, M * NOUT) == NND_ERR_ARG &&
              strstr(msg, "x holds 7841 values") != NULL,
          "one value more than 10 examples refused: %s", msg);
    CHECK(nnd_feedforward(net, x, 0, out, M * NOUT) == NND_ERR_ARG && strstr(msg, "x holds 0 values") != NULL,
          "no values refused: %s", msg);
    /* out too small: 5 values, and one value short */
    CHECK(nnd_feedforward(net, x, (size_t)M * NIN, out, 5) == NND_ERR_ARG, "out of 5 values for 10 examples refused");
    CHECK(strcmp(msg, "nnd_feedforward: out holds 5 values, 10 examples need 100") == 0, "message: %s", msg);
    CHECK(nnd_feedforward(net, x, (size_t)M * NIN, out, M * NOUT - 1) == NND_ERR_ARG &&
              strstr(msg, "out holds 99 values") != NULL,
          "out one value short refused: %s", msg);
    CHECK(nnd_feedforward(net, x, NIN, out, NOUT - 1) == NND_ERR_ARG &&
              strcmp(msg, "nnd_feedforward: out holds 9 values, 1 example needs 10") == 0,
          "one example, out of 9: %s", msg);
    CHECK(untouched(out, M * NOUT + 1, mark), "a refused feedforward writes nothing");
    /* the right lengths: m = n_x / 784 outputs written, nothing past them */
    CHECK(nnd_feedforward(net, x, 3 * NIN, out, M * NOUT + 1) == NND_OK, "3 examples, room for more: %s", msg);
    CHECK(!untouched(out, 3 * NOUT, mark) && untouched(out + 3 * NOUT, (M - 3) * NOUT + 1, mark),
          "3 examples write 30 outputs and no more");

    /* nnd_backprop: the gradient of a labelled batch; the output biases of a
       cross-entropy net get sum_x (a - y), which nnd_feedforward's outputs give */
    d = nnd_data_reals(x, M, NIN, labels);
    for (q = 0; q <= n_params; ++q) g[q] = mark;
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_OK, "backprop of 10 labelled examples: %s", msg);
    CHECK(g[n_params] == mark, "backprop writes n_params values, not one more");
    CHECK(nnd_feedforward(net, x, (size_t)M * NIN, out, M * NOUT) == NND_OK, "feedforward of the batch");
    {
        const nnd_real *gb = g + nnd_layer_info(net, 1).bias_offset;
        double worst = 0, c = 0;
        int j;
        for (j = 0; j < NOUT; ++j) {
            double sum = 0;
            for (i = 0; i < M; ++i) sum += out[i * NOUT + j] - (labels[i] == j);
            worst = fmax(worst, fabs(gb[j] - sum));
        }
        for (i = 0; i < M; ++i)
            for (j = 0; j < NOUT; ++j) {
                const double a = out[i * NOUT + j];
                c -= labels[i] == j ? log(a) : log(1 - a);
            }
        CHECK(worst < 10 * TOL, "output bias gradient vs sum (a - y) from nnd_feedforward: off by %g", worst);
        CHECK(rel_diff(cost, c) < 100 * TOL, "backprop's cost %.10g vs the cross-entropy of the outputs %.10g", cost, c);
    }
    CHECK(nnd_batch_cost(net, &d, &cost2) == NND_OK && cost2 == cost, "batch_cost %.17g = backprop's cost %.17g",
          cost2, cost);
    /* the same examples as bytes (x8 / 256 is exactly x) give the same bits */
    {
        nnd_data b = nnd_data_bytes(x8, M, NIN, 1.0 / 256, labels);
        double cost8 = -3;
        CHECK(nnd_backprop(net, &b, g8, n_params, &cost8) == NND_OK, "backprop of byte inputs: %s", msg);
        CHECK(memcmp(g, g8, n_params * sizeof *g) == 0 && cost8 == cost, "bytes and reals: other gradients");
        b = nnd_data_slice(&b, 4, 3); /* a mini-batch of a larger set: examples 4..6 */
        d = nnd_data_reals(x + 4 * NIN, 3, NIN, labels + 4);
        CHECK(nnd_backprop(net, &b, g8, n_params, NULL) == NND_OK && nnd_backprop(net, &d, g, n_params, NULL) == NND_OK &&
                  memcmp(g, g8, n_params * sizeof *g) == 0,
              "a slice of a byte set: other gradients");
        d = nnd_data_reals(x, M, NIN, labels);
    }
    /* grad too small: refused, nothing written */
    for (q = 0; q <= n_params; ++q) g[q] = mark;
    cost = -1;
    CHECK(nnd_backprop(net, &d, g, n_params - 1, &cost) == NND_ERR_ARG, "grad one value short refused");
    CHECK(strcmp(msg, "nnd_backprop: grad holds 23859 values, the network has 23860 parameters") == 0, "message: %s", msg);
    CHECK(untouched(g, n_params + 1, mark) && cost == -1, "a refused backprop writes nothing");
    /* a view whose width is not the net's (100-value examples for 784 inputs) */
    d = nnd_data_reals(x, 1, 100, labels);
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_ERR_SHAPE, "100-value examples refused");
    CHECK(strcmp(msg, "nnd_backprop's batch: 100 inputs per example, the network takes 784") == 0, "message: %s", msg);
    CHECK(nnd_batch_cost(net, &d, &cost) == NND_ERR_SHAPE && strstr(msg, "nnd_batch_cost's batch: 100 inputs") != NULL,
          "batch_cost: 100-value examples refused: %s", msg);
    /* targets of 9 values for 10 outputs */
    d = nnd_data_targets(nnd_data_reals(x, 1, NIN, NULL), out, 9);
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_ERR_SHAPE &&
              strcmp(msg, "nnd_backprop's batch: 9 targets per example, the network has 10 outputs") == 0,
          "targets of 9 values refused: %s", msg);
    /* label 10 of 10 classes, in example 6 */
    labels[6] = 10;
    d = nnd_data_reals(x, M, NIN, labels);
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_ERR_SHAPE, "label 10 of 10 classes refused");
    CHECK(strcmp(msg, "nnd_backprop's batch: label 10 of example 6 is outside 0..9") == 0, "message: %s", msg);
    CHECK(nnd_batch_cost(net, &d, &cost) == NND_ERR_SHAPE &&
              strcmp(msg, "nnd_batch_cost's batch: label 10 of example 6 is outside 0..9") == 0,
          "batch_cost: label 10 refused: %s", msg);
    CHECK(untouched(g, n_params + 1, mark) && cost == -1, "refused calls write nothing");
    labels[6] = 0;
    d = nnd_data_reals(x, 0, NIN, labels);
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_ERR_ARG &&
              strcmp(msg, "nnd_backprop's batch: 0 examples, a batch needs at least one") == 0,
          "an empty batch refused: %s", msg);
    d = nnd_data_reals(x, M, NIN, NULL);
    CHECK(nnd_backprop(net, &d, g, n_params, &cost) == NND_ERR_ARG && strstr(msg, "neither labels nor targets") != NULL,
          "a batch without labels or targets refused: %s", msg);
    free(x), free(x8), free(g), free(g8);
    nnd_free(net);
}

/* One sigmoid neuron by hand: z = w.x + b, a = sigma(z), quadratic cost
   0.5 (a - y)^2, dC/db = (a - y) a (1 - a) (BP1), dC/dw_k = x_k dC/db (BP4). */
static void one_neuron_by_hand(void)
{
    int sizes[] = {2, 1}, st, label = 0;
    nnd_real x[2] = {(nnd_real)1.0, (nnd_real)2.0}, out[1] = {0}, g[3] = {0}, y = (nnd_real)0.25;
    double z = 0.5 * 1.0 - 1.0 * 2.0 + 0.25, a = 1 / (1 + exp(-z)), cost = -1, c_lab = -1;
    nnd_net *net = nnd_network2(sizes, 2, NND_QUADRATIC, NULL, &st);
    nnd_data d;
    if (!net) return;
    nnd_set_weight(net, 0, 0, 0, 0.5);
    nnd_set_weight(net, 0, 0, 1, -1.0);
    nnd_biases(net, 0)[0] = (nnd_real)0.25;
    CHECK(nnd_feedforward(net, x, 2, out, 1) == NND_OK && rel_diff(out[0], a) < TOL, "a = %.9g, by hand %.9g",
          (double)out[0], a);
    d = nnd_data_targets(nnd_data_reals(x, 1, 2, NULL), &y, 1);
    CHECK(nnd_backprop(net, &d, g, 3, &cost) == NND_OK, "backprop of one neuron: %s", nnd_net_error(net)->message);
    {
        const double db = (a - 0.25) * a * (1 - a);
        CHECK(rel_diff(g[2], db) < TOL && rel_diff(g[0], db * 1.0) < TOL && rel_diff(g[1], db * 2.0) < TOL,
              "gradient %.9g %.9g %.9g, by hand %.9g %.9g %.9g", (double)g[0], (double)g[1], (double)g[2], db,
              2 * db, db);
        CHECK(rel_diff(cost, 0.5 * (a - 0.25) * (a - 0.25)) < TOL, "cost %.9g, by hand %.9g", cost,
              0.5 * (a - 0.25) * (a - 0.25));
    }
    /* label 0 of one output is the target 1 */
    d = nnd_data_reals(x, 1, 2, &label);
    CHECK(nnd_batch_cost(net, &d, &c_lab) == NND_OK && rel_diff(c_lab, 0.5 * (a - 1) * (a - 1)) < TOL,
          "labelled cost %.9g, by hand %.9g", c_lab, 0.5 * (a - 1) * (a - 1));
    nnd_free(net);
}

int main(void)
{
    random_numbers();
    neuron_functions();
    costs();
    specs_and_accessors();
    true_convolution();
    initialisers();
    creation_errors();
    run_errors();
    data_views();
    votes();
    plateau();
    transforms();
    expansion();
    unset_nets();
    named_errors();
    data_constructors();
    classify_one();
    either_format();
    buffer_lengths();
    one_neuron_by_hand();
    return check_summary();
}
