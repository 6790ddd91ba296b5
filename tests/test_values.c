/* Value tests of layer behaviour against definitions written here as plain
   loops (not against other parts of the library):
     - a conv layer is network3's (Theano's conv2d) true convolution, the
       kernel flipped: z_f(y,x) = b_f + sum_{c,ky,kx} w_f[c][ky][kx]
       in_c(y + fh-1-ky, x + fw-1-kx), for one and several channels, and a
       conv-pool layer is that convolution, max-pooling over blocks
       (ignore_border), then bias and activation - values and gradients;
     - max-pooling keeps each window's maximum and routes the gradient to
       that element only (the other elements, and the rows no window
       covers, get exactly zero);
     - a dense layer with dropout, evaluated, computes f((1-p) w.a + b)
       (network3's rule), and its gradient carries the same factor;
     - softmax + log-likelihood: nnd_backprop's delta^L (the output bias
       gradient of one example) is a - y (84);
     - softmax at z ~ 1000 stays finite and exact (the max shift).
   The test keeps its own arrays in network3's orders - inputs (C, H, W),
   filters (F, C, fh, fw) - and converts them to the library's documented
   conventions: feature maps HWC, value (c, y, x) at (y W + x) C + c, and
   nnd_set_weight(net, l, f, (ky fw + kx) C + c, w_f[c][ky][kx]).
   Built twice: float (default) and -DNND_DOUBLE. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on |library - definition|, relative to the largest value
   compared (at least 1). A value is a sum of at most 30 products, so float
   carries a few units of 6e-8, double of 1.1e-16. Measured worst, over the
   comparisons that are not exact (gcc and clang at -O3, gcc at -O1,
   NND_REFERENCE): float 2.1e-7, double 3.3e-16; the bounds leave a factor
   of about 5. Every bug these checks are aimed at moves a value by 1e-2 or
   more. */
#ifdef NND_DOUBLE
static const double TOL = 2e-15;
#else
static const double TOL = 1e-6;
#endif

static void note(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void report(const char *what, double err, double bound)
{
    printf("  %-58s %.3g (bound %.3g)\n", what, err, bound);
}

/* A call that is refused is a failure; one that runs is not yet a pass
   (the values it computes are what the checks compare). */
static void must(int status, const char *what, const char *call)
{
    if (status != NND_OK) CHECK(0, "%s: %s refused: %s", what, call, nnd_strerror(status));
}

static nnd_net *create(int n_in, const nnd_layer_spec *specs, int n, nnd_cost cost)
{
    int st = NND_OK;
    nnd_net *net = nnd_net_create(n_in, specs, n, cost, &st);
    if (!net) must(st, "a test net", "nnd_net_create");
    return net;
}

static void fill(nnd_rng *rng, double *v, int n, double lo, double hi)
{
    int i;
    for (i = 0; i < n; ++i) v[i] = lo + (hi - lo) * nnd_rng_uniform(rng);
}

/* The larger of an error so far and a new one; a NaN wins and stays (fmax
   would drop it), so a NaN from the library fails its check. */
static double worse(double err, double d) { return d > err || d != d ? d : err; }

/* |a - b| / max(max |b|, 1) over n values; b is the definition. */
static double rel_err(const nnd_real *a, const double *b, int n)
{
    double err = 0, scale = 1;
    int i;
    for (i = 0; i < n; ++i) {
        err = worse(err, fabs((double)a[i] - b[i]));
        scale = fmax(scale, fabs(b[i]));
    }
    return err / scale;
}

static double *dalloc(int n) { return (double *)calloc((size_t)n, sizeof(double)); }
static nnd_real *ralloc(int n) { return (nnd_real *)calloc((size_t)n, sizeof(nnd_real)); }

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* An image in (C, H, W) order into the library's HWC input row. */
static void to_hwc(const double *chw, int C, int H, int W, nnd_real *x)
{
    int c, y, i;
    for (c = 0; c < C; ++c)
        for (y = 0; y < H; ++y)
            for (i = 0; i < W; ++i) x[(y * W + i) * C + c] = (nnd_real)chw[(c * H + y) * W + i];
}

/* Filters in (F, C, fh, fw) order into conv layer l, and its biases. */
static void set_filters(nnd_net *net, int l, const double *w, const double *b, int F, int C, int fh,
                        int fw)
{
    int f, c, ky, kx;
    for (f = 0; f < F; ++f) {
        for (c = 0; c < C; ++c)
            for (ky = 0; ky < fh; ++ky)
                for (kx = 0; kx < fw; ++kx)
                    nnd_set_weight(net, l, f, (ky * fw + kx) * C + c, w[((f * C + c) * fh + ky) * fw + kx]);
        nnd_biases(net, l)[f] = (nnd_real)b[f];
    }
}

/* Where w^l_jk sits in nnd_params (and so in a gradient): the slot that
   nnd_set_weight writes. */
static size_t weight_slot(nnd_net *net, int l, int j, int k)
{
    size_t n = nnd_param_count(net), p, slot = n;
    nnd_real *params = nnd_params(net), *keep = (nnd_real *)malloc(n * sizeof *keep);
    memcpy(keep, params, n * sizeof *keep);
    memset(params, 0, n * sizeof *params);
    nnd_set_weight(net, l, j, k, 1.0);
    for (p = 0; p < n; ++p)
        if (params[p] != 0) slot = p;
    memcpy(params, keep, n * sizeof *keep);
    free(keep);
    return slot;
}

/* The definition: valid convolution of in (C, H, W) with filters w
   (F, C, fh, fw), plus b, into out (F, H-fh+1, W-fw+1). flip = 1 is the
   true convolution (Theano's conv2d, network3), flip = 0 the correlation
   (the kernel read unflipped), for comparison only. */
static void convolve(const double *in, int C, int H, int W, const double *w, const double *b, int F,
                     int fh, int fw, int flip, double *out)
{
    const int oh = H - fh + 1, ow = W - fw + 1;
    int f, y, x, c, ky, kx;
    for (f = 0; f < F; ++f)
        for (y = 0; y < oh; ++y)
            for (x = 0; x < ow; ++x) {
                double s = b ? b[f] : 0.0;
                for (c = 0; c < C; ++c)
                    for (ky = 0; ky < fh; ++ky)
                        for (kx = 0; kx < fw; ++kx) {
                            const int iy = flip ? y + fh - 1 - ky : y + ky;
                            const int ix = flip ? x + fw - 1 - kx : x + kx;
                            s += w[((f * C + c) * fh + ky) * fw + kx] * in[(c * H + iy) * W + ix];
                        }
                out[(f * oh + y) * ow + x] = s;
            }
}

/* A 3x3 image 1..9 and two 2x2 filters, by hand. True convolution picks
   in(y+1-ky, x+1-kx): filter [[1,0],[0,0]] gives the lower-right 2x2 block
   5 6 / 8 9 (a correlation would give 1 2 / 4 5); [[1,2],[3,4]] gives at
   (0,0) 1*5 + 2*4 + 3*2 + 4*1 = 23, then 33, 53, 63 (correlation: 37, 47,
   67, 77). Output HWC: position-major, the two filters innermost. */
static void conv_by_hand(void)
{
    static const double image[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const double w[8] = {1, 0, 0, 0, 1, 2, 3, 4}, b[2] = {0, 0};
    static const double want[8] = {5, 23, 6, 33, 8, 53, 9, 63};
    nnd_layer_spec s = nnd_conv_layer(2, 2, 2, NND_LINEAR);
    nnd_net *net = create(9, &s, 1, NND_QUADRATIC);
    nnd_real x[9], out[8];
    double err = 0;
    int i;
    if (!net) return;
    to_hwc(image, 1, 3, 3, x);
    set_filters(net, 0, w, b, 2, 1, 2, 2);
    must(feedforward_m(net, x, 1, out), "conv by hand", "nnd_feedforward");
    for (i = 0; i < 8; ++i) err = worse(err, fabs(out[i] - want[i]));
    report("conv 3x3 * 2x2 by hand (5 6 8 9; 23 33 53 63)", err, 0.0);
    CHECK(err == 0, "conv by hand: got %g %g %g %g / %g %g %g %g, true convolution gives 5 6 8 9 / "
          "23 33 53 63 (a correlation: 1 2 4 5 / 37 47 67 77)", out[0], out[2], out[4], out[6], out[1],
          out[3], out[5], out[7]);
    nnd_free(net);
}

/* A conv layer on a random C-channel image against convolve(): every value
   of every filter map, through activation f. */
static void conv_against_loops(const char *what, int C, int H, int W, int F, int fh, int fw,
                               nnd_activation f, uint64_t seed)
{
    const int oh = H - fh + 1, ow = W - fw + 1, n_out = F * oh * ow;
    nnd_layer_spec s = nnd_conv_layer(F, fh, fw, f);
    nnd_net *net;
    nnd_rng rng;
    double *in, *w, b[8], *z, *zc, *want, apart = 0, err;
    nnd_real *x, *out;
    int i, g, y;
    char line[120];
    s.image_c = C;
    s.image_h = H;
    s.image_w = W;
    net = create(C * H * W, &s, 1, NND_QUADRATIC);
    if (!net) return;
    in = dalloc(C * H * W);
    w = dalloc(F * C * fh * fw);
    z = dalloc(n_out);
    zc = dalloc(n_out);
    want = dalloc(n_out);
    x = ralloc(C * H * W);
    out = ralloc(n_out);
    nnd_rng_seed(&rng, seed);
    fill(&rng, in, C * H * W, -1, 1);
    fill(&rng, w, F * C * fh * fw, -1, 1);
    fill(&rng, b, F, -0.5, 0.5);
    to_hwc(in, C, H, W, x);
    set_filters(net, 0, w, b, F, C, fh, fw);
    convolve(in, C, H, W, w, b, F, fh, fw, 1, z);
    convolve(in, C, H, W, w, b, F, fh, fw, 0, zc);
    for (g = 0; g < F; ++g) /* the library's HWC order: want[(y ow + x) F + g] */
        for (y = 0; y < oh; ++y)
            for (i = 0; i < ow; ++i) {
                const double v = z[(g * oh + y) * ow + i];
                want[(y * ow + i) * F + g] = f == NND_TANH ? tanh(v) : f == NND_SIGMOID ? sigmoid(v) : v;
                apart = fmax(apart, fabs(v - zc[(g * oh + y) * ow + i]));
            }
    must(feedforward_m(net, x, 1, out), what, "nnd_feedforward");
    err = rel_err(out, want, n_out);
    snprintf(line, sizeof line, "%s: vs true convolution", what);
    report(line, err, TOL);
    note("%s: true convolution and correlation differ by up to %.3g here", what, apart);
    CHECK(err <= TOL, "%s: differs from the true convolution by %g (relative)", what, err);
    free(in);
    free(w);
    free(z);
    free(zc);
    free(want);
    free(x);
    free(out);
    nnd_free(net);
}

/* A conv-pool layer (sigmoid, network3's default) alone, quadratic cost,
   m = 2 examples: outputs and the whole gradient against the definition
     a = sigma(max_{window} conv(in, w) + b),  delta = (a - y) sigma'  (BP1),
     dC/db_f = sum delta,  dC/dw_f[c][ky][kx] = sum over windows of delta
     times in_c(y* + fh-1-ky, x* + fw-1-kx), (y*, x*) the window's arg-max.
   Conv maps that do not fill a last block leave it out (ignore_border). */
static void conv_pool_against_loops(const char *what, int C, int H, int W, int F, int fh, int fw,
                                    int ph, int pw, uint64_t seed)
{
    enum { M = 2 };
    const int ch = H - fh + 1, cw = W - fw + 1, oh = ch / ph, ow = cw / pw, n_in = C * H * W;
    const int n_out = F * oh * ow, K = F * C * fh * fw;
    nnd_layer_spec s = nnd_conv_pool_layer(F, fh, fw, ph, pw, NND_SIGMOID);
    nnd_net *net;
    nnd_rng rng;
    double *in, *w, b[8], *z, *want, *yv, *gw, gb[8] = {0}, err_out, err_g = 0, gscale = 1e-300;
    nnd_real *x, *out, *y, *grad;
    int e, g, py, px, c, ky, kx;
    char line[120];
    s.image_c = C;
    s.image_h = H;
    s.image_w = W;
    net = create(n_in, &s, 1, NND_QUADRATIC);
    if (!net) return;
    in = dalloc(M * n_in);
    w = dalloc(K);
    z = dalloc(F * ch * cw);
    want = dalloc(M * n_out);
    yv = dalloc(M * n_out);
    gw = dalloc(K); /* the gradient sums start at 0 */
    x = ralloc(M * n_in);
    out = ralloc(M * n_out);
    y = ralloc(M * n_out);
    grad = ralloc((int)nnd_param_count(net));
    nnd_rng_seed(&rng, seed);
    fill(&rng, in, M * n_in, 0, 1);
    fill(&rng, w, K, -1, 1);
    fill(&rng, b, F, -0.5, 0.5);
    fill(&rng, yv, M * n_out, 0.1, 0.9);
    set_filters(net, 0, w, b, F, C, fh, fw);
    for (e = 0; e < M; ++e) {
        const double *im = in + e * n_in;
        to_hwc(im, C, H, W, x + e * n_in);
        convolve(im, C, H, W, w, NULL, F, fh, fw, 1, z);
        for (g = 0; g < F; ++g)
            for (py = 0; py < oh; ++py)
                for (px = 0; px < ow; ++px) {
                    const int q = (py * ow + px) * F + g; /* HWC */
                    int yy, xx, by = py * ph, bx = px * pw;
                    double a, d;
                    for (yy = py * ph; yy < py * ph + ph; ++yy)
                        for (xx = px * pw; xx < px * pw + pw; ++xx)
                            if (z[(g * ch + yy) * cw + xx] > z[(g * ch + by) * cw + bx]) {
                                by = yy;
                                bx = xx;
                            }
                    a = sigmoid(z[(g * ch + by) * cw + bx] + b[g]);
                    want[e * n_out + q] = a;
                    y[e * n_out + q] = (nnd_real)yv[e * n_out + q];
                    d = (a - yv[e * n_out + q]) * a * (1 - a);
                    gb[g] += d;
                    for (c = 0; c < C; ++c)
                        for (ky = 0; ky < fh; ++ky)
                            for (kx = 0; kx < fw; ++kx)
                                gw[((g * C + c) * fh + ky) * fw + kx] +=
                                    d * im[(c * H + by + fh - 1 - ky) * W + bx + fw - 1 - kx];
                }
    }
    must(feedforward_m(net, x, M, out), what, "nnd_feedforward");
    err_out = rel_err(out, want, M * n_out);
    must(backprop_m(net, x, y, NULL, M, grad, NULL), what, "nnd_backprop");
    for (g = 0; g < F; ++g) gscale = fmax(gscale, fabs(gb[g]));
    for (e = 0; e < K; ++e) gscale = fmax(gscale, fabs(gw[e]));
    for (g = 0; g < F; ++g) {
        err_g = worse(err_g, fabs(grad[nnd_layer_info(net, 0).bias_offset + g] - gb[g]));
        for (c = 0; c < C; ++c)
            for (ky = 0; ky < fh; ++ky)
                for (kx = 0; kx < fw; ++kx)
                    err_g = worse(err_g, fabs(grad[weight_slot(net, 0, g, (ky * fw + kx) * C + c)] -
                                             gw[((g * C + c) * fh + ky) * fw + kx]));
    }
    err_g /= gscale;
    snprintf(line, sizeof line, "%s: outputs vs definition", what);
    report(line, err_out, TOL);
    snprintf(line, sizeof line, "%s: gradient vs definition", what);
    report(line, err_g, TOL);
    CHECK(err_out <= TOL, "%s: outputs differ from conv, max-pool, bias, sigmoid by %g", what, err_out);
    CHECK(err_g <= TOL, "%s: gradient differs from the definition by %g (relative to max %g)", what,
          err_g, gscale);
    free(in);
    free(w);
    free(z);
    free(want);
    free(yv);
    free(gw);
    free(x);
    free(out);
    free(y);
    free(grad);
    nnd_free(net);
}

/* Pooling seen directly. The input has one channel per pixel of a 5 x 6
   grid, channel c one-hot at pixel c, so a 1x1 filter's output at pixel c
   is its own weight w_f[c] (no kernel flip involved), and dC/dw_f[c] is
   the gradient that reaches conv map f at pixel c. Pooling 2 x 3 blocks
   gives 2 x 2 values per map (row 4 is in no block); a dense identity
   layer outputs them and the quadratic cost with y = 0 sends back
   delta = the output. Checked: every pooled value is its block's maximum,
   the gradient at each block's arg-max is the block's delta and exactly 0
   at every other pixel. conv_pool = 0: conv (linear) then a pool layer;
   1: one conv-pool layer, a = sigma(max + b), delta times a (1 - a). */
static void pool_routing(int conv_pool)
{
    enum { H = 5, W = 6, P = H * W, F = 2, PH = 2, PW = 3, OH = H / PH, OW = W / PW, Q = F * OH * OW };
    const char *what = conv_pool ? "conv-pool 1x1, pool 2x3" : "conv 1x1 + pool layer 2x3";
    static const double bias[2] = {-2.0, -2.6}; /* a = sigma(max + b) in 0.55 .. 0.8 */
    nnd_layer_spec s[3];
    nnd_net *net;
    nnd_real *x, out[Q], zero[Q], *grad;
    char line[120];
    double v[F][P], want[Q], dq[Q], expect[F][P], lowest = 0, err_v = 0, err_g = 0, off = 0, gscale = 0;
    int f, c, q, py, px, last_won = 0, wins[PH * PW] = {0};
    if (conv_pool) {
        s[0] = nnd_conv_pool_layer(F, 1, 1, PH, PW, NND_SIGMOID);
        s[1] = nnd_dense_layer(Q, NND_LINEAR, 0.0);
    } else {
        s[0] = nnd_conv_layer(F, 1, 1, NND_LINEAR);
        s[1] = nnd_pool_layer(PH, PW);
        s[2] = nnd_dense_layer(Q, NND_LINEAR, 0.0);
    }
    s[0].image_c = P;
    s[0].image_h = H;
    s[0].image_w = W;
    net = create(P * P, s, conv_pool ? 2 : 3, NND_QUADRATIC);
    if (!net) return;
    x = ralloc(P * P);
    grad = ralloc((int)nnd_param_count(net));
    for (c = 0; c < P; ++c) x[c * P + c] = 1; /* pixel c (HWC), channel c */
    for (f = 0; f < F; ++f)
        for (c = 0; c < P; ++c) {
            /* distinct values with scattered maxima, held exactly as nnd_real */
            v[f][c] = (nnd_real)(0.5 + (double)((c * 7 + f * 13) % P) / 10);
            nnd_set_weight(net, 0, f, c, v[f][c]);
            expect[f][c] = 0;
        }
    for (f = 0; f < F; ++f) nnd_biases(net, 0)[f] = (nnd_real)(conv_pool ? bias[f] : 0.0);
    for (q = 0; q < Q; ++q) {
        for (c = 0; c < Q; ++c) nnd_set_weight(net, conv_pool ? 1 : 2, q, c, q == c);
        nnd_biases(net, conv_pool ? 1 : 2)[q] = 0;
        zero[q] = 0;
    }
    /* the definition: each block's maximum and where it is */
    for (f = 0; f < F; ++f)
        for (py = 0; py < OH; ++py)
            for (px = 0; px < OW; ++px) {
                int yy, xx, best = py * PH * W + px * PW, least = best;
                double a;
                q = (py * OW + px) * F + f;
                for (yy = py * PH; yy < py * PH + PH; ++yy)
                    for (xx = px * PW; xx < px * PW + PW; ++xx) {
                        if (v[f][yy * W + xx] > v[f][best]) best = yy * W + xx;
                        if (v[f][yy * W + xx] < v[f][least]) least = yy * W + xx;
                    }
                a = conv_pool ? sigmoid(v[f][best] + bias[f]) : v[f][best];
                want[q] = a;
                lowest = fmax(lowest, fabs(a - (conv_pool ? sigmoid(v[f][least] + bias[f]) : v[f][least])));
                dq[q] = conv_pool ? a * a * (1 - a) : a; /* delta^L = a - 0, then sigma' */
                expect[f][best] = dq[q];
                ++wins[(best / W - py * PH) * PW + best % W - px * PW];
                last_won += best == (py * PH + PH - 1) * W + px * PW + PW - 1;
            }
    note("%s: the arg-max sits at block positions 0..5 this often: %d %d %d %d %d %d (%d of %d "
         "at the last one); max and min of a block differ by up to %.3g",
         what, wins[0], wins[1], wins[2], wins[3], wins[4], wins[5], last_won, Q, lowest);
    must(feedforward_m(net, x, 1, out), what, "nnd_feedforward");
    for (q = 0; q < Q; ++q) err_v = worse(err_v, fabs(out[q] - want[q]));
    snprintf(line, sizeof line, "%s: pooled values vs block maxima", what);
    report(line, err_v, conv_pool ? TOL : 0.0);
    CHECK(err_v <= (conv_pool ? TOL : 0.0), "%s: a pooled value differs from its block's maximum by %g",
          what, err_v);
    must(backprop_m(net, x, zero, NULL, 1, grad, NULL), what, "nnd_backprop");
    for (f = 0; f < F; ++f)
        for (c = 0; c < P; ++c) {
            const double g = grad[weight_slot(net, 0, f, c)];
            gscale = fmax(gscale, fabs(expect[f][c]));
            if (expect[f][c] != 0) err_g = worse(err_g, fabs(g - expect[f][c]));
            else off = worse(off, fabs(g));
        }
    err_g /= gscale;
    snprintf(line, sizeof line, "%s: gradient at each arg-max vs its delta", what);
    report(line, err_g, TOL);
    snprintf(line, sizeof line, "%s: gradient at every other pixel", what);
    report(line, off, 0.0);
    CHECK(err_g <= TOL, "%s: the gradient at a block's arg-max differs from its delta by %g", what, err_g);
    CHECK(off == 0, "%s: a pixel that is not its block's arg-max got gradient %g", what, off);
    free(x);
    free(grad);
    nnd_free(net);
}

/* Dropout at evaluation, by hand: one linear neuron, p = 0.25 on its three
   inputs, x = (1, 2, 3), w = (0.5, -1, 0.25), b = 0.1. network3 scales the
   weighted input by 1 - p: 0.75 (0.5 - 2 + 0.75) + 0.1 = -0.4625 (dividing
   by 0.75 instead would give -0.9, no scaling -0.65). With y = 0 the
   quadratic cost's delta is -0.4625 and dC/dw_k = 0.75 x_k delta:
   -0.346875, -0.69375, -1.040625; dC/db = -0.4625. */
static void dropout_by_hand(void)
{
    static const double wv[3] = {0.5, -1, 0.25}, want_g[3] = {-0.346875, -0.69375, -1.040625};
    nnd_layer_spec s = nnd_dense_layer(1, NND_LINEAR, 0.25);
    nnd_net *net = create(3, &s, 1, NND_QUADRATIC);
    nnd_real x[3] = {1, 2, 3}, out, zero = 0, grad[4];
    double err = 0;
    int k;
    if (!net) return;
    for (k = 0; k < 3; ++k) nnd_set_weight(net, 0, 0, k, wv[k]);
    nnd_biases(net, 0)[0] = (nnd_real)0.1;
    must(feedforward_m(net, x, 1, &out), "dropout by hand", "nnd_feedforward");
    report("dropout p = 0.25 evaluated, by hand: output vs -0.4625", fabs(out - -0.4625), TOL);
    CHECK(fabs(out - -0.4625) <= TOL, "dropout by hand: output %.9g, network3's (1-p) w.x + b is -0.4625",
          out);
    must(backprop_m(net, x, &zero, NULL, 1, grad, NULL), "dropout by hand", "nnd_backprop");
    for (k = 0; k < 3; ++k) err = worse(err, fabs(grad[weight_slot(net, 0, 0, k)] - want_g[k]));
    err = worse(err, fabs(grad[nnd_layer_info(net, 0).bias_offset] - -0.4625));
    report("dropout p = 0.25 evaluated, by hand: gradient", err, TOL);
    CHECK(err <= TOL, "dropout by hand: gradient off by %g from 0.75 x delta (-0.346875, -0.69375, "
          "-1.040625; bias -0.4625)", err);
    nnd_free(net);
}

/* Dropout at evaluation through two layers, m = 2, against loops: layer 0
   (sigmoid, 5 -> 4) with p = 0.2 on its input, layer 1 (linear, 4 -> 3) with
   p = 0.4 on its input, quadratic cost:
     h = sigma(0.8 W0 x + b0),  out = 0.6 W1 h + b1,  delta1 = out - y,
     delta0 = 0.6 (W1^T delta1) . h (1 - h)                         (BP2),
     dC/dW1 = 0.6 delta1 h^T,  dC/dW0 = 0.8 delta0 x^T               (BP4). */
static void dropout_against_loops(void)
{
    enum { M = 2, NI = 5, NH = 4, NO = 3 };
    const double keep0 = 0.8, keep1 = 0.6;
    nnd_layer_spec s[2];
    nnd_net *net;
    nnd_rng rng;
    double W0[NH][NI], b0[NH], W1[NO][NH], b1[NO], xv[M][NI], yv[M][NO], want[M * NO];
    double gW0[NH][NI] = {{0}}, gb0[NH] = {0}, gW1[NO][NH] = {{0}}, gb1[NO] = {0};
    nnd_real x[M * NI], y[M * NO], out[M * NO], *grad;
    double err_out, err_g = 0, gscale = 0;
    int e, i, j, k;
    s[0] = nnd_dense_layer(NH, NND_SIGMOID, 1 - keep0);
    s[1] = nnd_dense_layer(NO, NND_LINEAR, 1 - keep1);
    net = create(NI, s, 2, NND_QUADRATIC);
    if (!net) return;
    grad = ralloc((int)nnd_param_count(net));
    nnd_rng_seed(&rng, 41);
    fill(&rng, &W0[0][0], NH * NI, -1, 1);
    fill(&rng, b0, NH, -0.5, 0.5);
    fill(&rng, &W1[0][0], NO * NH, -1, 1);
    fill(&rng, b1, NO, -0.5, 0.5);
    fill(&rng, &xv[0][0], M * NI, -1, 1);
    fill(&rng, &yv[0][0], M * NO, -1, 1);
    for (k = 0; k < NH; ++k) {
        for (i = 0; i < NI; ++i) nnd_set_weight(net, 0, k, i, W0[k][i]);
        nnd_biases(net, 0)[k] = (nnd_real)b0[k];
    }
    for (j = 0; j < NO; ++j) {
        for (k = 0; k < NH; ++k) nnd_set_weight(net, 1, j, k, W1[j][k]);
        nnd_biases(net, 1)[j] = (nnd_real)b1[j];
    }
    for (e = 0; e < M; ++e) {
        double h[NH], d1[NO], d0[NH];
        for (i = 0; i < NI; ++i) x[e * NI + i] = (nnd_real)xv[e][i];
        for (j = 0; j < NO; ++j) y[e * NO + j] = (nnd_real)yv[e][j];
        for (k = 0; k < NH; ++k) {
            double z = 0;
            for (i = 0; i < NI; ++i) z += W0[k][i] * xv[e][i];
            h[k] = sigmoid(keep0 * z + b0[k]);
        }
        for (j = 0; j < NO; ++j) {
            double z = 0;
            for (k = 0; k < NH; ++k) z += W1[j][k] * h[k];
            want[e * NO + j] = keep1 * z + b1[j];
            d1[j] = want[e * NO + j] - yv[e][j];
            gb1[j] += d1[j];
            for (k = 0; k < NH; ++k) gW1[j][k] += keep1 * d1[j] * h[k];
        }
        for (k = 0; k < NH; ++k) {
            double t = 0;
            for (j = 0; j < NO; ++j) t += W1[j][k] * d1[j];
            d0[k] = keep1 * t * h[k] * (1 - h[k]);
            gb0[k] += d0[k];
            for (i = 0; i < NI; ++i) gW0[k][i] += keep0 * d0[k] * xv[e][i];
        }
    }
    must(feedforward_m(net, x, M, out), "dropout loops", "nnd_feedforward");
    err_out = rel_err(out, want, M * NO);
    must(backprop_m(net, x, y, NULL, M, grad, NULL), "dropout loops", "nnd_backprop");
    for (k = 0; k < NH; ++k) {
        gscale = fmax(gscale, fabs(gb0[k]));
        err_g = worse(err_g, fabs(grad[nnd_layer_info(net, 0).bias_offset + k] - gb0[k]));
        for (i = 0; i < NI; ++i) {
            gscale = fmax(gscale, fabs(gW0[k][i]));
            err_g = worse(err_g, fabs(grad[weight_slot(net, 0, k, i)] - gW0[k][i]));
        }
    }
    for (j = 0; j < NO; ++j) {
        gscale = fmax(gscale, fabs(gb1[j]));
        err_g = worse(err_g, fabs(grad[nnd_layer_info(net, 1).bias_offset + j] - gb1[j]));
        for (k = 0; k < NH; ++k) {
            gscale = fmax(gscale, fabs(gW1[j][k]));
            err_g = worse(err_g, fabs(grad[weight_slot(net, 1, j, k)] - gW1[j][k]));
        }
    }
    err_g /= fmax(gscale, 1.0);
    report("dropout 0.2 / 0.4 evaluated, two layers: outputs vs loops", err_out, TOL);
    report("dropout 0.2 / 0.4 evaluated, two layers: gradient vs loops", err_g, TOL);
    CHECK(err_out <= TOL, "dropout loops: outputs differ from f((1-p) w.a + b) by %g", err_out);
    CHECK(err_g <= TOL, "dropout loops: gradient differs from the (1-p)-scaled BP2/BP4 by %g", err_g);
    free(grad);
    nnd_free(net);
}

/* Softmax + log-likelihood by hand: one softmax layer whose weights are 0
   and biases (1, 2, 3), so z = (1, 2, 3) for any input and
   a = e^z / (e + e^2 + e^3) = (0.0900305732, 0.2447284711, 0.6652409558).
   Label 0: delta^L = a - y = (-0.9099694268, 0.2447284711, 0.6652409558)
   (84), the bias gradient of one example; the cost -ln a_0 = 2.4076059644. */
static void softmax_by_hand(void)
{
    static const double a[3] = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
    nnd_layer_spec s = nnd_softmax_layer(3, 0.0);
    nnd_net *net = create(2, &s, 1, NND_LOG_LIKELIHOOD);
    nnd_real x[2] = {(nnd_real)0.3, (nnd_real)-0.2}, out[3], grad[9];
    double err_a = 0, err_d = 0, cost = 0;
    int j, label = 0;
    if (!net) return;
    for (j = 0; j < 3; ++j) {
        nnd_set_weight(net, 0, j, 0, 0.0);
        nnd_biases(net, 0)[j] = (nnd_real)(j + 1);
    }
    must(feedforward_m(net, x, 1, out), "softmax by hand", "nnd_feedforward");
    must(backprop_m(net, x, NULL, &label, 1, grad, &cost), "softmax by hand", "nnd_backprop");
    for (j = 0; j < 3; ++j) {
        err_a = worse(err_a, fabs(out[j] - a[j]));
        err_d = worse(err_d, fabs(grad[nnd_layer_info(net, 0).bias_offset + j] - (a[j] - (j == label))));
    }
    report("softmax of (1, 2, 3) by hand", err_a, TOL);
    report("softmax + log-likelihood delta^L = a - y, by hand", err_d, TOL);
    report("log-likelihood cost -ln a_0 = 2.4076059644", fabs(cost - 2.40760596444438), TOL);
    CHECK(err_a <= TOL, "softmax by hand: a off by %g from (0.09003057, 0.24472847, 0.66524096)", err_a);
    CHECK(err_d <= TOL, "softmax by hand: delta^L from nnd_backprop off by %g from a - y", err_d);
    CHECK(fabs(cost - 2.40760596444438) <= TOL, "softmax by hand: cost %.10g, -ln a_0 is 2.4076059644",
          cost);
    nnd_free(net);
}

/* Softmax + log-likelihood behind a sigmoid layer (4 -> 5 -> 3), one
   example of label 2, against loops: h = sigma(W0 x + b0), z = W1 h + b1,
   a = softmax(z) (computed here as e^(z - max z) / sum), then
     delta^L = a - y  (84), dC/db1 = delta^L, dC/dW1 = delta^L h^T,
     delta^0 = (W1^T delta^L) . h (1 - h), dC/dW0 = delta^0 x^T. */
static void softmax_against_loops(void)
{
    enum { NI = 4, NH = 5, NO = 3 };
    nnd_layer_spec s[2];
    nnd_net *net;
    nnd_rng rng;
    double W0[NH][NI], b0[NH], W1[NO][NH], b1[NO], xv[NI], h[NH], a[NO], d1[NO], mx = -1e300, sum = 0;
    nnd_real x[NI], *grad;
    double err_d = 0, err_g = 0;
    int i, j, k, label = 2;
    s[0] = nnd_dense_layer(NH, NND_SIGMOID, 0.0);
    s[1] = nnd_softmax_layer(NO, 0.0);
    net = create(NI, s, 2, NND_LOG_LIKELIHOOD);
    if (!net) return;
    grad = ralloc((int)nnd_param_count(net));
    nnd_rng_seed(&rng, 43);
    fill(&rng, &W0[0][0], NH * NI, -1, 1);
    fill(&rng, b0, NH, -0.5, 0.5);
    fill(&rng, &W1[0][0], NO * NH, -2, 2);
    fill(&rng, b1, NO, -0.5, 0.5);
    fill(&rng, xv, NI, -1, 1);
    for (k = 0; k < NH; ++k) {
        for (i = 0; i < NI; ++i) nnd_set_weight(net, 0, k, i, W0[k][i]);
        nnd_biases(net, 0)[k] = (nnd_real)b0[k];
    }
    for (j = 0; j < NO; ++j) {
        for (k = 0; k < NH; ++k) nnd_set_weight(net, 1, j, k, W1[j][k]);
        nnd_biases(net, 1)[j] = (nnd_real)b1[j];
    }
    for (i = 0; i < NI; ++i) x[i] = (nnd_real)xv[i];
    for (k = 0; k < NH; ++k) {
        double z = b0[k];
        for (i = 0; i < NI; ++i) z += W0[k][i] * xv[i];
        h[k] = sigmoid(z);
    }
    for (j = 0; j < NO; ++j) {
        a[j] = b1[j];
        for (k = 0; k < NH; ++k) a[j] += W1[j][k] * h[k];
        mx = fmax(mx, a[j]);
    }
    for (j = 0; j < NO; ++j) sum += a[j] = exp(a[j] - mx);
    for (j = 0; j < NO; ++j) {
        a[j] /= sum;
        d1[j] = a[j] - (j == label);
    }
    note("softmax behind a sigmoid layer: a = (%.6f, %.6f, %.6f), label %d", a[0], a[1], a[2], label);
    must(backprop_m(net, x, NULL, &label, 1, grad, NULL), "softmax loops", "nnd_backprop");
    for (j = 0; j < NO; ++j) {
        err_d = worse(err_d, fabs(grad[nnd_layer_info(net, 1).bias_offset + j] - d1[j]));
        for (k = 0; k < NH; ++k) err_g = worse(err_g, fabs(grad[weight_slot(net, 1, j, k)] - d1[j] * h[k]));
    }
    for (k = 0; k < NH; ++k) {
        double d0 = 0;
        for (j = 0; j < NO; ++j) d0 += W1[j][k] * d1[j];
        d0 *= h[k] * (1 - h[k]);
        err_g = worse(err_g, fabs(grad[nnd_layer_info(net, 0).bias_offset + k] - d0));
        for (i = 0; i < NI; ++i) err_g = worse(err_g, fabs(grad[weight_slot(net, 0, k, i)] - d0 * xv[i]));
    }
    report("softmax + log-likelihood behind sigmoid: delta^L vs a - y", err_d, TOL);
    report("softmax + log-likelihood behind sigmoid: the other gradients", err_g, TOL);
    CHECK(err_d <= TOL, "softmax loops: delta^L from nnd_backprop off by %g from a - y", err_d);
    CHECK(err_g <= TOL, "softmax loops: BP2/BP4 below a - y off by %g", err_g);
    free(grad);
    nnd_free(net);
}

/* Softmax at z = (1000, 999, 997): e^1000 overflows (float and double), so
   only softmax(z - max z) = softmax(0, -1, -3) can answer, which is
   (0.7053845127, 0.2594964603, 0.0351190270); label 2 gives delta^L =
   (0.7053845127, 0.2594964603, -0.9648809730) and the cost
   3 + ln(1 + e^-1 + e^-3) = 3.3490122168. The engine (feedforward and
   backprop) and the public nnd_softmax are both checked. */
static void softmax_large_z(void)
{
    static const double a[3] = {0.7053845126982412, 0.25949646034241913, 0.03511902695933973};
    nnd_layer_spec s = nnd_softmax_layer(3, 0.0);
    nnd_net *net = create(2, &s, 1, NND_LOG_LIKELIHOOD);
    nnd_real x[2] = {1, -1}, out[3], pub[3], grad[9];
    const nnd_real z[3] = {1000, 999, 997};
    double err_a = 0, err_p = 0, err_d = 0, cost = 0;
    int j, label = 2;
    if (!net) return;
    for (j = 0; j < 3; ++j) {
        nnd_set_weight(net, 0, j, 0, 0.0);
        nnd_set_weight(net, 0, j, 1, 0.0);
        nnd_biases(net, 0)[j] = z[j];
    }
    nnd_softmax(z, pub, 3);
    must(feedforward_m(net, x, 1, out), "softmax large z", "nnd_feedforward");
    must(backprop_m(net, x, NULL, &label, 1, grad, &cost), "softmax large z", "nnd_backprop");
    for (j = 0; j < 3; ++j) {
        err_a = worse(err_a, fabs(out[j] - a[j]));
        err_p = worse(err_p, fabs(pub[j] - a[j]));
        err_d = worse(err_d, fabs(grad[nnd_layer_info(net, 0).bias_offset + j] - (a[j] - (j == label))));
    }
    report("softmax at z = (1000, 999, 997): feedforward", err_a, TOL);
    report("softmax at z = (1000, 999, 997): nnd_softmax", err_p, TOL);
    report("softmax at z = (1000, 999, 997): delta^L = a - y", err_d, TOL);
    report("softmax at z = (1000, 999, 997): cost 3.3490122168", fabs(cost - 3.349012216768186), TOL);
    CHECK(err_a <= TOL, "softmax large z: feedforward gives %g %g %g, softmax(0, -1, -3) is 0.70538 "
          "0.25950 0.03512", out[0], out[1], out[2]);
    CHECK(err_p <= TOL, "softmax large z: nnd_softmax gives %g %g %g", pub[0], pub[1], pub[2]);
    CHECK(err_d <= TOL, "softmax large z: delta^L off by %g from a - y", err_d);
    CHECK(fabs(cost - 3.349012216768186) <= TOL, "softmax large z: cost %.10g, expected 3.3490122168", cost);
    nnd_free(net);
}

int main(void)
{
    printf("layer values against their definitions (%s): bound %g\n",
           sizeof(nnd_real) == 8 ? "double" : "float", TOL);
    conv_by_hand();
    conv_against_loops("conv 1 channel 6x7, 2 filters 3x2, linear", 1, 6, 7, 2, 3, 2, NND_LINEAR, 11);
    conv_against_loops("conv 3 channels 5x6, 2 filters 2x3, tanh", 3, 5, 6, 2, 2, 3, NND_TANH, 12);
    /* 1 channel as the first layer: the image-gradient path of MNIST nets;
       conv maps 6x7 in 2x2 blocks: column 6 is in no block */
    conv_pool_against_loops("conv-pool 1 channel 8x8, 3 filters 3x2, pool 2x2", 1, 8, 8, 3, 3, 2, 2, 2, 13);
    conv_pool_against_loops("conv-pool 2 channels 7x6, 2 filters 2x3, pool 3x2", 2, 7, 6, 2, 2, 3, 3, 2, 14);
    pool_routing(0);
    pool_routing(1);
    dropout_by_hand();
    dropout_against_loops();
    softmax_by_hand();
    softmax_against_loops();
    softmax_large_z();
    return check_summary();
}
