/* Outputs, gradients and costs of every layer kind against a plain
   reference in double written from the documented definitions (dense, true
   convolution, max-pooling with the first maximum, conv-pool with bias after
   pooling, dropout masks drawn from the network's stream), over many widths
   and batch sizes (vector tails, row groups, column strips), the sparse and
   dense input modes, 1-3 threads and layers split by their weights. */
/* every batch gets the threads it asks for, however small (nnd__plan_batch):
   these checks are about what threads compute */
#define NND__STEP_WORK 1.0
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#ifdef NND_DOUBLE
#define TOL 1e-10
#else
#define TOL 2e-4
#endif

/* ------------------------------------------------------------ reference */
typedef struct ref_layer {
    nnd_layer_desc d;
    double *w;  /* w[j][k], the book's indexing (nnd_weight) */
    double *b;  /* b[j] */
    size_t *at; /* at[j * fan_in + k]: where w_jk sits in the layer's weight block */
    int nj, nk;
} ref_layer;

typedef struct ref_net {
    int n_layers;
    nnd_cost cost;
    ref_layer *L;
} ref_net;

static void ref_load(ref_net *R, nnd_net *net)
{
    int l, j, k;
    R->n_layers = nnd_num_layers(net);
    R->cost = nnd_net_cost(net);
    R->L = (ref_layer *)calloc((size_t)R->n_layers, sizeof *R->L);
    for (l = 0; l < R->n_layers; ++l) {
        ref_layer *L = &R->L[l];
        size_t p;
        L->d = nnd_layer_info(net, l);
        if (L->d.kind == NND_LAYER_POOL) continue;
        L->nj = L->d.kind == NND_LAYER_DENSE ? L->d.n_out : L->d.out_c;
        L->nk = L->d.kind == NND_LAYER_DENSE ? L->d.n_in : L->d.filter_h * L->d.filter_w * L->d.in_c;
        L->w = (double *)malloc(sizeof(double) * (size_t)L->nj * L->nk);
        L->b = (double *)malloc(sizeof(double) * (size_t)L->nj);
        L->at = (size_t *)malloc(sizeof(size_t) * (size_t)L->nj * L->nk);
        for (j = 0; j < L->nj; ++j) {
            L->b[j] = nnd_biases(net, l)[j];
            for (k = 0; k < L->nk; ++k) L->w[j * L->nk + k] = nnd_weight(net, l, j, k);
        }
        /* each weight's slot: a dense layer's block is W^T (w_jk at k n_out + j);
           a filter's order is found by marking it through nnd_set_weight */
        for (j = 0; j < L->nj; ++j)
            for (k = 0; k < L->nk && L->d.kind == NND_LAYER_DENSE; ++k) L->at[j * L->nk + k] = (size_t)k * L->nj + j;
        for (j = 0; j < L->nj && L->d.kind != NND_LAYER_DENSE; ++j)
            for (k = 0; k < L->nk; ++k) {
                nnd_set_weight(net, l, j, k, 1e6);
                for (p = 0; p < L->d.n_weights && nnd_weights(net, l)[p] != (nnd_real)1e6; ++p) {
                }
                L->at[j * L->nk + k] = p;
                nnd_set_weight(net, l, j, k, L->w[j * L->nk + k]);
            }
    }
}

static void ref_free(ref_net *R)
{
    int l;
    for (l = 0; l < R->n_layers; ++l) {
        free(R->L[l].w);
        free(R->L[l].b);
        free(R->L[l].at);
    }
    free(R->L);
}

static double act(nnd_activation f, double z)
{
    switch (f) {
    case NND_SIGMOID: return 1 / (1 + exp(-z));
    case NND_TANH: return tanh(z);
    case NND_RELU: return z > 0 ? z : 0;
    default: return z;
    }
}

static double act_prime(nnd_activation f, double z)
{
    double s;
    switch (f) {
    case NND_SIGMOID: s = 1 / (1 + exp(-z)); return s * (1 - s);
    case NND_TANH: s = tanh(z); return 1 - s * s;
    case NND_RELU: return z > 0 ? 1 : 0;
    default: return 1;
    }
}

/* Value (c, y, x) of a map of C channels and width w: HWC. */
#define HWC(c, y, x, C, w) (((size_t)(y) * (w) + (x)) * (C) + (c))

/* The pass for m examples. A[l] [m x n_in of layer l] are the layers'
   inputs (A[n_layers] the output), Z[l] their pre-activations (pooled, plus
   bias, for conv-pool), WIN[l] the winner of each pooled value (an index
   into the conv output or the pool input of that example), MASK[l] the
   dropout masks (train) or NULL (evaluation: input times 1-p). */
typedef struct ref_pass {
    double **A, **Z, **U; /* U: a conv-pool layer's conv output before pooling */
    int **WIN;
    double **MASK;
    int m;
} ref_pass;

static void ref_forward(const ref_net *R, const nnd_real *x, int m, ref_pass *P, int train, nnd_rng *drop)
{
    int l, i, j, k;
    P->m = m;
    P->A = (double **)calloc((size_t)R->n_layers + 1, sizeof(double *));
    P->Z = (double **)calloc((size_t)R->n_layers, sizeof(double *));
    P->U = (double **)calloc((size_t)R->n_layers, sizeof(double *));
    P->WIN = (int **)calloc((size_t)R->n_layers, sizeof(int *));
    P->MASK = (double **)calloc((size_t)R->n_layers, sizeof(double *));
    P->A[0] = (double *)malloc(sizeof(double) * (size_t)m * R->L[0].d.n_in);
    for (i = 0; i < m * R->L[0].d.n_in; ++i) P->A[0][i] = x[i];
    /* masks first, layer by layer, example by example (the documented order) */
    for (l = 0; l < R->n_layers; ++l) {
        const nnd_layer_desc *d = &R->L[l].d;
        if (d->p_dropout > 0 && train) {
            P->MASK[l] = (double *)malloc(sizeof(double) * (size_t)m * d->n_in);
            for (i = 0; i < m * d->n_in; ++i) P->MASK[l][i] = nnd_rng_uniform(drop) >= d->p_dropout ? 1 : 0;
        }
    }
    for (l = 0; l < R->n_layers; ++l) {
        const ref_layer *L = &R->L[l];
        const nnd_layer_desc *d = &L->d;
        double *in = P->A[l], *z, *out;
        z = P->Z[l] = (double *)malloc(sizeof(double) * (size_t)m * d->n_out);
        out = P->A[l + 1] = (double *)malloc(sizeof(double) * (size_t)m * d->n_out);
        for (i = 0; i < m; ++i) {
            const double *a = in + (size_t)i * d->n_in;
            double *zi = z + (size_t)i * d->n_out;
            if (d->kind == NND_LAYER_DENSE) {
                for (j = 0; j < d->n_out; ++j) {
                    double s = L->b[j];
                    for (k = 0; k < d->n_in; ++k) {
                        double v = a[k] * (P->MASK[l] ? P->MASK[l][(size_t)i * d->n_in + k] : 1 - d->p_dropout);
                        s += L->w[j * L->nk + k] * v;
                    }
                    zi[j] = s;
                }
            } else {
                const int C = d->in_c, iw = d->in_w, fh = d->filter_h, fw = d->filter_w;
                const int ch = d->kind == NND_LAYER_POOL ? d->in_h : d->in_h - fh + 1;
                const int cw = d->kind == NND_LAYER_POOL ? d->in_w : d->in_w - fw + 1;
                const int F = d->out_c, ph = d->pool_h, pw = d->pool_w;
                double *u = (double *)malloc(sizeof(double) * (size_t)ch * cw * F);
                int y, xx, c, ky, kx, py, px, *win;
                if (d->kind == NND_LAYER_POOL) {
                    memcpy(u, a, sizeof(double) * (size_t)ch * cw * F);
                } else {
                    for (y = 0; y < ch; ++y)
                        for (xx = 0; xx < cw; ++xx)
                            for (j = 0; j < F; ++j) {
                                double s = d->kind == NND_LAYER_CONV ? L->b[j] : 0;
                                for (ky = 0; ky < fh; ++ky)
                                    for (kx = 0; kx < fw; ++kx)
                                        for (c = 0; c < C; ++c)
                                            s += L->w[j * L->nk + (ky * fw + kx) * C + c] *
                                                 a[HWC(c, y + fh - 1 - ky, xx + fw - 1 - kx, C, iw)];
                                u[HWC(j, y, xx, F, cw)] = s;
                            }
                }
                if (d->kind == NND_LAYER_CONV) {
                    memcpy(zi, u, sizeof(double) * (size_t)d->n_out);
                } else { /* max-pool, the first maximum of each block, then + b (conv-pool) */
                    if (!P->WIN[l]) P->WIN[l] = (int *)malloc(sizeof(int) * (size_t)m * d->n_out);
                    if (!P->U[l]) P->U[l] = (double *)malloc(sizeof(double) * (size_t)m * ch * cw * F);
                    memcpy(P->U[l] + (size_t)i * ch * cw * F, u, sizeof(double) * (size_t)ch * cw * F);
                    win = P->WIN[l] + (size_t)i * d->n_out;
                    for (py = 0; py < d->out_h; ++py)
                        for (px = 0; px < d->out_w; ++px)
                            for (j = 0; j < F; ++j) {
                                size_t best = HWC(j, py * ph, px * pw, F, cw);
                                for (ky = 0; ky < ph; ++ky)
                                    for (kx = 0; kx < pw; ++kx) {
                                        size_t q = HWC(j, py * ph + ky, px * pw + kx, F, cw);
                                        if (u[q] > u[best]) best = q;
                                    }
                                zi[HWC(j, py, px, F, d->out_w)] =
                                    u[best] + (d->kind == NND_LAYER_CONV_POOL ? L->b[j] : 0);
                                win[HWC(j, py, px, F, d->out_w)] = (int)best;
                            }
                }
                free(u);
            }
        }
        if (d->activation == NND_SOFTMAX) {
            for (i = 0; i < m; ++i) {
                double mx = -HUGE_VAL, s = 0;
                const double *zi = z + (size_t)i * d->n_out;
                for (j = 0; j < d->n_out; ++j) mx = fmax(mx, zi[j]);
                for (j = 0; j < d->n_out; ++j) s += exp(zi[j] - mx);
                for (j = 0; j < d->n_out; ++j) out[(size_t)i * d->n_out + j] = exp(zi[j] - mx) / s;
            }
        } else {
            for (i = 0; i < m * d->n_out; ++i) out[i] = act(d->activation, z[i]);
        }
    }
}

static void ref_pass_free(const ref_net *R, ref_pass *P)
{
    int l;
    for (l = 0; l <= R->n_layers; ++l) free(P->A[l]);
    for (l = 0; l < R->n_layers; ++l) {
        free(P->Z[l]);
        free(P->U[l]);
        free(P->WIN[l]);
        free(P->MASK[l]);
    }
    free(P->A);
    free(P->Z);
    free(P->U);
    free(P->WIN);
    free(P->MASK);
}

/* BP1-BP4 on the reference pass: the gradient in nnd_params' layout, and
   the summed cost. Targets are one-hot labels. */
static double ref_backprop(const ref_net *R, const ref_pass *P, const int *labels, double *grad, size_t n_params)
{
    const int last = R->n_layers - 1, m = P->m;
    const nnd_layer_desc *dl = &R->L[last].d;
    double *delta = (double *)malloc(sizeof(double) * (size_t)m * dl->n_out), cost = 0;
    int l, i, j, k;
    memset(grad, 0, sizeof(double) * n_params);
    for (i = 0; i < m; ++i)
        for (j = 0; j < dl->n_out; ++j) {
            double a = P->A[last + 1][(size_t)i * dl->n_out + j], y = labels[i] == j;
            double z = P->Z[last][(size_t)i * dl->n_out + j];
            delta[(size_t)i * dl->n_out + j] = R->cost == NND_QUADRATIC ? (a - y) * act_prime(dl->activation, z) : a - y;
            if (R->cost == NND_QUADRATIC) cost += 0.5 * (a - y) * (a - y);
            else if (R->cost == NND_CROSS_ENTROPY) cost += -y * log(a) - (1 - y) * log(1 - a);
            else if (y) cost -= log(a);
        }
    for (l = last; l >= 0; --l) {
        const ref_layer *L = &R->L[l];
        const nnd_layer_desc *d = &L->d;
        double *gw = grad + d->weight_offset, *gb = grad + d->bias_offset;
        double *din = (double *)calloc((size_t)m * d->n_in, sizeof(double));
        for (i = 0; i < m; ++i) {
            const double *a = P->A[l] + (size_t)i * d->n_in, *de = delta + (size_t)i * d->n_out;
            double *di = din + (size_t)i * d->n_in;
            if (d->kind == NND_LAYER_DENSE) {
                for (j = 0; j < d->n_out; ++j) {
                    gb[j] += de[j];
                    for (k = 0; k < d->n_in; ++k) {
                        double keep = P->MASK[l] ? P->MASK[l][(size_t)i * d->n_in + k] : 1 - d->p_dropout;
                        gw[L->at[j * L->nk + k]] += de[j] * a[k] * keep;
                        di[k] += L->w[j * L->nk + k] * de[j] * keep;
                    }
                }
            } else {
                const int C = d->in_c, iw = d->in_w, fh = d->filter_h, fw = d->filter_w, F = d->out_c;
                const int ch = d->kind == NND_LAYER_POOL ? d->in_h : d->in_h - fh + 1;
                const int cw = d->kind == NND_LAYER_POOL ? d->in_w : d->in_w - fw + 1;
                double *du = (double *)calloc((size_t)ch * cw * F, sizeof(double));
                int y, xx, c, ky, kx, o;
                if (d->kind == NND_LAYER_CONV) memcpy(du, de, sizeof(double) * (size_t)ch * cw * F);
                else
                    for (o = 0; o < d->n_out; ++o) du[P->WIN[l][(size_t)i * d->n_out + o]] += de[o];
                if (d->kind == NND_LAYER_POOL) {
                    memcpy(di, du, sizeof(double) * (size_t)d->n_in);
                } else {
                    for (o = 0; o < d->n_out; ++o) gb[o % F] += de[o];
                    for (y = 0; y < ch; ++y)
                        for (xx = 0; xx < cw; ++xx)
                            for (j = 0; j < F; ++j) {
                                double g = du[HWC(j, y, xx, F, cw)];
                                if (g == 0) continue;
                                for (ky = 0; ky < fh; ++ky)
                                    for (kx = 0; kx < fw; ++kx)
                                        for (c = 0; c < C; ++c) {
                                            const int kk = (ky * fw + kx) * C + c;
                                            const size_t q = HWC(c, y + fh - 1 - ky, xx + fw - 1 - kx, C, iw);
                                            gw[L->at[j * L->nk + kk]] += g * a[q];
                                            di[q] += L->w[j * L->nk + kk] * g;
                                        }
                            }
                }
                free(du);
            }
        }
        free(delta);
        delta = din;
        if (l > 0) /* times f' of the layer below (a pool layer is linear) */
            for (i = 0; i < m * d->n_in; ++i) delta[i] *= act_prime(R->L[l - 1].d.activation, P->Z[l - 1][i]);
    }
    free(delta);
    return cost;
}

/* ------------------------------------------------------------- checking */
static double worst_rel(const nnd_real *got, const double *want, size_t n)
{
    size_t i;
    double scale = 0, worst = 0;
    for (i = 0; i < n; ++i) scale = fmax(scale, fabs(want[i]));
    for (i = 0; i < n; ++i) worst = fmax(worst, fabs(got[i] - want[i]) / fmax(scale, 1e-3));
    return worst;
}

static void fill(nnd_rng *r, nnd_real *v, size_t n, double lo, double hi, double zeros)
{
    size_t i;
    for (i = 0; i < n; ++i) v[i] = nnd_rng_uniform(r) < zeros ? 0 : (nnd_real)(lo + (hi - lo) * nnd_rng_uniform(r));
}

/* Check net on m random examples: feedforward (evaluation pass) and
   nnd_backprop's gradient and cost, in the net's current train mode. */
static void check_against_reference(const char *what, nnd_net *net, int m, double zeros, nnd_rng *r)
{
    const int n_in = nnd_input_size(net), n_out = nnd_output_size(net);
    const size_t np = nnd_param_count(net);
    nnd_real *x = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)m * n_in);
    nnd_real *out = (nnd_real *)malloc(sizeof(nnd_real) * (size_t)m * n_out);
    nnd_real *g = (nnd_real *)malloc(sizeof(nnd_real) * np);
    double *gref = (double *)malloc(sizeof(double) * np), cost = 0, cref, e_out, e_g;
    int *labels = (int *)malloc(sizeof(int) * (size_t)m), i, train;
    ref_net R;
    ref_pass P;
    nnd_rng drop = nnd_dropout_rng(net);
    fill(r, x, (size_t)m * n_in, -1, 1, zeros);
    for (i = 0; i < m; ++i) labels[i] = (int)nnd_rng_below(r, (uint32_t)n_out);
    ref_load(&R, net);
    /* evaluation pass */
    ref_forward(&R, x, m, &P, 0, NULL);
    CHECK(feedforward_m(net, x, m, out) == NND_OK, "%s: feedforward", what);
    e_out = worst_rel(out, P.A[R.n_layers], (size_t)m * n_out);
    CHECK(e_out < TOL, "%s, m = %d: outputs off by %g", what, m, e_out);
    ref_pass_free(&R, &P);
    /* backprop: the train mode's masks come from the dropout stream */
    nnd_set_train_mode(net, 1);
    train = 1;
    {
        int l, dropout = 0;
        for (l = 0; l < R.n_layers; ++l) dropout |= R.L[l].d.p_dropout > 0;
        if (!dropout || nnd_rng_uniform(r) < 0.5) { /* sometimes the evaluation pass instead */
            nnd_set_train_mode(net, 0);
            train = 0;
        }
    }
    ref_forward(&R, x, m, &P, train, &drop);
    cref = ref_backprop(&R, &P, labels, gref, np);
    CHECK(backprop_m(net, x, NULL, labels, m, g, &cost) == NND_OK, "%s: backprop", what);
    e_g = worst_rel(g, gref, np);
    CHECK(e_g < TOL, "%s, m = %d, %s pass: gradient off by %g", what, m, train ? "training" : "evaluation", e_g);
    CHECK(fabs(cost - cref) <= TOL * fmax(1, fabs(cref)), "%s, m = %d: cost %.10g, reference %.10g", what, m, cost,
          cref);
    {
        nnd_rng after = nnd_dropout_rng(net);
        CHECK(after.state == drop.state, "%s: the dropout stream advanced by a different number of draws", what);
    }
    nnd_set_train_mode(net, 0);
    ref_pass_free(&R, &P);
    ref_free(&R);
    free(x);
    free(out);
    free(g);
    free(gref);
    free(labels);
}

static nnd_net *make(int n_in, const nnd_layer_spec *L, int n, nnd_cost cost, nnd_rng *r)
{
    int st;
    nnd_net *net = nnd_net_create(n_in, L, n, cost, &st);
    CHECK(net != NULL, "create: %s", nnd_strerror(st));
    if (net) {
        nnd_default_weight_initializer(net, r);
        nnd_set_threads(net, 1); /* the checks that are about threads ask for them */
    }
    return net;
}

/* --------------------------------------------------------------- dense */
static void dense_sweep(void)
{
    static const int widths[] = {1, 3, 4, 7, 8, 9, 12, 15, 16, 17, 25, 31, 33, 40, 47, 64, 65, 100};
    static const int batches[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 17, 33};
    static const nnd_activation acts[] = {NND_SIGMOID, NND_TANH, NND_RELU, NND_LINEAR};
    const int nw = (int)(sizeof widths / sizeof *widths), nb = (int)(sizeof batches / sizeof *batches);
    nnd_rng r;
    int c;
    nnd_rng_seed(&r, 1);
    for (c = 0; c < 60; ++c) {
        nnd_layer_spec L[3];
        const int n_in = widths[(c * 7 + 3) % nw], h1 = widths[(c * 5 + 1) % nw], h2 = widths[(c * 11 + 2) % nw];
        const int m = batches[(c * 3) % nb], kind = c % 4;
        nnd_cost cost = kind == 0 ? NND_QUADRATIC : kind == 1 ? NND_CROSS_ENTROPY : NND_LOG_LIKELIHOOD;
        const int n_out = 2 + c % 9;
        char what[96];
        nnd_net *net;
        L[0] = nnd_dense_layer(h1, acts[c % 4], c % 5 == 1 ? 0.3 : 0.0);
        L[1] = nnd_dense_layer(h2, acts[(c / 4) % 4], c % 3 == 2 ? 0.2 : 0.0);
        L[2] = nnd_dense_layer(n_out, cost == NND_LOG_LIKELIHOOD ? NND_SOFTMAX
                                       : cost == NND_CROSS_ENTROPY ? NND_SIGMOID : acts[(c / 4) % 4],
                               c % 7 == 3 ? 0.4 : 0.0);
        net = make(n_in, L, 3, cost, &r);
        if (!net) continue;
        nnd_set_sparse_input(net, c % 3);
        nnd_set_dropout_seed(net, (uint64_t)c);
        sprintf(what, "dense %d-%d-%d-%d (case %d, input mode %d)", n_in, h1, h2, n_out, c, c % 3);
        check_against_reference(what, net, m, c % 2 ? 0.7 : 0.1, &r);
        check_against_reference(what, net, batches[(c * 5 + 4) % nb], 0.8, &r);
        nnd_free(net);
    }
}

/* Larger batches and layers, with threads: slabs of examples, products split
   between threads, column strips, a layer split by its weights. */
static void dense_threads(void)
{
    static const int th[] = {1, 2, 3};
    nnd_rng r;
    int t;
    nnd_rng_seed(&r, 2);
    for (t = 0; t < 3; ++t) {
        nnd_layer_spec L[3];
        nnd_net *net;
        char what[64];
        L[0] = nnd_dense_layer(90, NND_TANH, 0.0);
        L[1] = nnd_dense_layer(50, NND_RELU, 0.25);
        L[2] = nnd_softmax_layer(10, 0.0);
        net = make(120, L, 3, NND_LOG_LIKELIHOOD, &r);
        if (!net) continue;
        nnd_set_threads(net, th[t]);
        sprintf(what, "dense 120-90-50-10, %d threads", th[t]);
        check_against_reference(what, net, 64, 0.6, &r);
        check_against_reference(what, net, 7, 0.0, &r);
        nnd_set_sparse_input(net, NND_INPUT_DENSE);
        check_against_reference(what, net, 33, 0.6, &r);
        nnd_free(net);
        /* 300 x 240 weights: more than a core's share of cache, split between threads */
        L[0] = nnd_dense_layer(300, NND_SIGMOID, 0.0);
        L[1] = nnd_dense_layer(240, NND_TANH, 0.2);
        L[2] = nnd_dense_layer(5, NND_SIGMOID, 0.0);
        net = make(20, L, 3, NND_CROSS_ENTROPY, &r);
        if (!net) continue;
        nnd_set_threads(net, th[t]);
        sprintf(what, "dense 20-300-240-5, %d threads", th[t]);
        check_against_reference(what, net, 12, 0.0, &r);
        nnd_free(net);
    }
    /* layers large in weights that are still not split: fewer than a vector
       of outputs, or too few inputs for the threads' parts */
    {
        nnd_layer_spec L[3];
        nnd_net *net;
        L[0] = nnd_dense_layer(20000, NND_TANH, 0.0);
        L[1] = nnd_dense_layer(3, NND_SIGMOID, 0.0); /* 20000 x 3 */
        net = make(6, L, 2, NND_CROSS_ENTROPY, &r);
        if (net) {
            nnd_set_threads(net, 2);
            check_against_reference("dense 6-20000-3, 2 threads", net, 8, 0.0, &r);
            nnd_free(net);
        }
        L[0] = nnd_dense_layer(40, NND_TANH, 0.0);
        L[1] = nnd_dense_layer(2000, NND_RELU, 0.0); /* 40 x 2000 */
        L[2] = nnd_softmax_layer(3, 0.0);
        net = make(6, L, 3, NND_LOG_LIKELIHOOD, &r);
        if (net) {
            nnd_set_threads(net, 2);
            check_against_reference("dense 6-40-2000-3, 2 threads", net, 8, 0.0, &r);
            nnd_free(net);
        }
    }
    /* more threads than the workspace was cut for, and batches beyond 128 (in chunks) */
    {
        nnd_layer_spec L[2];
        nnd_net *net;
        L[0] = nnd_dense_layer(300, NND_SIGMOID, 0.0);
        L[1] = nnd_dense_layer(4, NND_SIGMOID, 0.0);
        net = make(200, L, 2, NND_CROSS_ENTROPY, &r);
        if (net) {
            nnd_set_threads(net, 3);
            check_against_reference("dense 200-300-4, 3 threads, 4 examples", net, 4, 0.5, &r);
            check_against_reference("dense 200-300-4, 3 threads, then 3 examples", net, 3, 0.5, &r);
            nnd_set_threads(net, 1);
            check_against_reference("dense 200-300-4, 300 examples", net, 300, 0.5, &r);
            nnd_free(net);
        }
    }
}

/* ----------------------------------------------------------- conv, pool */
static void conv_shapes(void)
{
    nnd_rng r;
    int t;
    nnd_rng_seed(&r, 3);
    for (t = 0; t < 9; ++t) {
        nnd_layer_spec L[4];
        nnd_net *net = NULL;
        int n_in = 0, n = 0;
        nnd_cost cost = NND_LOG_LIKELIHOOD;
        const char *what = "";
        switch (t) {
        case 0: /* a one-channel first conv-pool layer with 3x3 filters, then a second one of 2 channels */
            L[0] = nnd_conv_pool_layer(2, 3, 3, 2, 2, NND_TANH); /* 12x12 -> 2 x 5x5 */
            L[1] = nnd_conv_pool_layer(3, 3, 3, 1, 1, NND_RELU); /* -> 3 x 3x3 */
            L[2] = nnd_softmax_layer(4, 0.0);
            n_in = 144, n = 3, what = "conv-pool 3x3 (1 channel), conv-pool 3x3 (2 channels)";
            break;
        case 1: /* 5x5 filters on one channel, then 4 channels of 3x3 (patch rows of 36) */
            L[0] = nnd_conv_pool_layer(4, 5, 5, 2, 2, NND_SIGMOID); /* 14x14 -> 4 x 5x5 */
            L[1] = nnd_conv_pool_layer(2, 3, 3, 3, 3, NND_LINEAR);  /* -> 2 x 1x1 */
            L[2] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
            n_in = 196, n = 3, cost = NND_CROSS_ENTROPY, what = "conv-pool 5x5, conv-pool 3x3 of 4 channels";
            break;
        case 2: /* wide filters (more than a vector) and a non-square pool */
            L[0] = nnd_conv_pool_layer(3, 2, 9, 1, 2, NND_RELU); /* 10x10 -> 3 x 9x1 */
            L[1] = nnd_softmax_layer(5, 0.0);
            n_in = 100, n = 2, what = "conv-pool 2x9, pool 1x2";
            break;
        case 3: /* LeNet-style: conv, pool, conv, pool, dense */
            L[0] = nnd_conv_layer(3, 3, 3, NND_RELU); /* 11x11 -> 3 x 9x9 */
            L[1] = nnd_pool_layer(3, 3);              /* -> 3 x 3x3 */
            L[2] = nnd_conv_layer(2, 2, 2, NND_TANH); /* -> 2 x 2x2 */
            L[3] = nnd_softmax_layer(3, 0.0);
            n_in = 121, n = 4, what = "conv, pool, conv, softmax";
            break;
        case 4: /* a three-channel input, partial pool blocks dropped at the border */
            L[0] = nnd_conv_pool_layer(2, 2, 2, 2, 2, NND_TANH); /* 3 x 8x8 -> 2 x 7x7 -> 2 x 3x3 */
            L[0].image_c = 3;
            L[0].image_h = L[0].image_w = 8;
            L[1] = nnd_dense_layer(4, NND_LINEAR, 0.0);
            n_in = 192, n = 2, cost = NND_QUADRATIC, what = "3-channel conv-pool, partial blocks";
            break;
        case 5: /* a pool layer first, on a non-square image given by its shape */
            L[0] = nnd_pool_layer(2, 3);
            L[0].image_c = 2;
            L[0].image_h = 4;
            L[0].image_w = 6;
            L[1] = nnd_conv_layer(2, 2, 1, NND_SIGMOID); /* 2 x 2x2 -> 2 x 1x2 */
            L[2] = nnd_dense_layer(3, NND_SIGMOID, 0.0);
            n_in = 48, n = 3, cost = NND_QUADRATIC, what = "pool first, then a 2x1 conv";
            break;
        case 6: /* dense, then conv on its output read as a 1-channel square image */
            L[0] = nnd_dense_layer(16, NND_TANH, 0.2);
            L[1] = nnd_conv_layer(2, 2, 2, NND_RELU);
            L[1].image_c = 1;
            L[1].image_h = L[1].image_w = 4;
            L[2] = nnd_softmax_layer(3, 0.3);
            n_in = 10, n = 3, what = "dense, conv on its output, dropout softmax";
            break;
        case 7: /* a filter as large as the image: one position */
            L[0] = nnd_conv_pool_layer(3, 6, 6, 1, 1, NND_TANH);
            L[1] = nnd_softmax_layer(3, 0.0);
            n_in = 36, n = 2, what = "6x6 filter on a 6x6 image";
            break;
        default: /* 8 filters of 7x8 on one channel: eight-wide, seven-high rows from the image */
            L[0] = nnd_conv_pool_layer(8, 7, 8, 2, 2, NND_RELU); /* 12x12 -> 8 x 3x2 */
            L[1] = nnd_dense_layer(6, NND_SIGMOID, 0.5);
            L[2] = nnd_softmax_layer(3, 0.5);
            n_in = 144, n = 3, what = "7x8 filters, dropout dense and softmax";
            break;
        }
        net = make(n_in, L, n, cost, &r);
        if (!net) continue;
        nnd_set_dropout_seed(net, 5 + (uint64_t)t);
        check_against_reference(what, net, 1, 0.0, &r);
        check_against_reference(what, net, 5, 0.3, &r);
        check_against_reference(what, net, 17, 0.0, &r);
        nnd_set_threads(net, 2);
        check_against_reference(what, net, 40, 0.0, &r);
        nnd_free(net);
    }
}

/* Max-pooling sends a block's delta to its first maximum. The filter
   (1, 1) gives 3 at both positions of the input (1, 2, 1), from different
   patches: z(x) = w_0 in(x+1) + w_1 in(x), so the first position's patch
   gives dC/dw = delta (in(1), in(0)) = delta (2, 1), the second's
   delta (1, 2). Quadratic cost, target 1: delta = a - 1 = 2. */
static void pool_ties(void)
{
    int pass, st, label = 0;
    nnd_real x[3] = {1, 2, 1}, g[4];
    for (pass = 0; pass < 2; ++pass) {
        nnd_layer_spec L[2];
        nnd_net *net;
        double cost = 0;
        L[0] = pass ? nnd_conv_layer(1, 1, 2, NND_LINEAR) : nnd_conv_pool_layer(1, 1, 2, 1, 2, NND_LINEAR);
        L[0].image_c = L[0].image_h = 1;
        L[0].image_w = 3;
        L[1] = nnd_pool_layer(1, 2);
        net = nnd_net_create(3, L, pass ? 2 : 1, NND_QUADRATIC, &st);
        CHECK(net != NULL, "tie net: %s", nnd_strerror(st));
        if (!net) continue;
        nnd_set_weight(net, 0, 0, 0, 1);
        nnd_set_weight(net, 0, 0, 1, 1);
        st = backprop_m(net, x, NULL, &label, 1, g, &cost);
        CHECK(st == NND_OK && cost == 2 && g[nnd_layer_info(net, 0).bias_offset] == 2, "%s: cost %g",
              pass ? "conv, pool" : "conv-pool", cost);
        {
            /* the gradient in the book's indexing: mark w_00 to find its slot */
            size_t w0;
            nnd_set_weight(net, 0, 0, 0, 7);
            w0 = nnd_weights(net, 0)[0] == 7 ? 0 : 1;
            nnd_set_weight(net, 0, 0, 0, 1);
            CHECK(g[w0] == 4 && g[1 - w0] == 2, "%s: dC/dw = (%g, %g), the first maximum's patch gives (4, 2)",
                  pass ? "conv, pool" : "conv-pool", (double)g[w0], (double)g[1 - w0]);
        }
        nnd_free(net);
    }
}

/* The dropout stream: saved and put back, it repeats the masks; the
   evaluation pass draws nothing. */
static void dropout_stream(void)
{
    nnd_layer_spec L[2];
    nnd_rng r, saved, now;
    nnd_net *net;
    nnd_real x[6 * 8], g1[200], g2[200];
    int labels[6] = {0, 1, 2, 0, 1, 2}, i;
    size_t np;
    nnd_rng_seed(&r, 4);
    L[0] = nnd_dense_layer(9, NND_RELU, 0.5);
    L[1] = nnd_softmax_layer(3, 0.5);
    net = make(8, L, 2, NND_LOG_LIKELIHOOD, &r);
    if (!net) return;
    np = nnd_param_count(net);
    fill(&r, x, sizeof x / sizeof *x, -1, 1, 0);
    now = nnd_dropout_rng(net);
    nnd_rng_seed(&saved, 0);
    CHECK(now.state == saved.state && !now.has_spare, "a new net's dropout stream is seed 0");
    nnd_set_dropout_seed(net, 99);
    nnd_set_train_mode(net, 1);
    saved = nnd_dropout_rng(net);
    backprop_m(net, x, NULL, labels, 6, g1, NULL);
    backprop_m(net, x, NULL, labels, 6, g2, NULL);
    CHECK(memcmp(g1, g2, np * sizeof *g1) != 0, "two training passes drew the same masks");
    nnd_set_dropout_rng(net, &saved);
    backprop_m(net, x, NULL, labels, 6, g2, NULL);
    CHECK(memcmp(g1, g2, np * sizeof *g1) == 0, "the saved stream does not repeat the masks");
    nnd_set_train_mode(net, 0);
    now = nnd_dropout_rng(net);
    backprop_m(net, x, NULL, labels, 6, g1, NULL);
    saved = nnd_dropout_rng(net);
    CHECK(now.state == saved.state, "the evaluation pass drew from the dropout stream");
    {
        double c1 = -1, c2 = -2;
        nnd_set_train_mode(net, 1);
        saved = nnd_dropout_rng(net);
        batch_cost_m(net, x, NULL, labels, 6, &c1);
        nnd_set_dropout_rng(net, &saved);
        backprop_m(net, x, NULL, labels, 6, g1, &c2);
        CHECK(c1 == c2, "batch_cost and backprop with the same masks: %g vs %g", c1, c2);
        for (i = 0; i < 2; ++i) batch_cost_m(net, x, NULL, labels, 6, i ? &c2 : &c1);
        CHECK(c1 != c2, "batch_cost in train mode draws fresh masks");
    }
    nnd_free(net);
}

int main(void)
{
    dense_sweep();
    dense_threads();
    conv_shapes();
    pool_ties();
    dropout_stream();
    return check_summary();
}
