/* ex_course10_strip.c - course-10: read lines of handwritten digits.

   A page is composed from MNIST test digits (each cut to its ink and pasted
   left to right with a few pixels of gap, several lines to a page), then read
   back the way a simple OCR front end would:

     1. threshold the grey page into ink / paper;
     2. label the 8-connected components of the ink (an explicit stack, no
        recursion), dropping specks smaller than a few pixels;
     3. group components into lines (their vertical extents overlap), and
        within a line into characters (their horizontal extents overlap, so a
        digit whose stroke is broken in two still counts once);
     4. cut each character's box out of the grey page, pad it to a square,
        shrink it (area averaging) so its longer side is 20 pixels, and put it
        in a 28 x 28 field with its centre of mass at the centre - the same
        normalisation MNIST's own digits went through;
     5. classify the 28 x 28 images with a network trained by nnd.h.

   The reading is scored by edit distance against the digits pasted, so a
   character split in two or two merged into one costs what it should.

   Assumptions of the segmentation (it fails when they fail): characters do
   not touch or overlap horizontally within a line; lines do not overlap
   vertically; characters on a page have roughly similar sizes (the noise
   filter's speck size is absolute); the paper is darker than the ink threshold
   everywhere except at ink.

   Run from the repository root after `make data`:
       build/ex_course10_strip [epochs]
   It trains [784,100,10] (cross-entropy, eta 0.5, lambda 5, mini-batch 10),
   reads a clean page of 1000 test digits and a harder page (sizes varied by
   0.7-1.4x, salt noise), prints the fraction read correctly, and writes
   plots/course10_strip.png (the first lines of both pages).

   exercises/course.c includes this file with EX_COURSE10_NO_MAIN defined to
   reuse the reader in its (smaller, faster) course-10 check. */
#ifndef EX_COURSE10_NO_MAIN
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "imgrid.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* A grey page: h rows of w values in [0, 1], row-major. */
typedef struct strip_img {
    int w, h;
    float *pix;
} strip_img;

/* A character's box on the page (inclusive pixel bounds). */
typedef struct strip_box {
    int x0, y0, x1, y1;
    int pixels;
} strip_box;

static double strip_pixel(const nnd_data *d, int i, int k)
{
    return d->x ? (double)d->x[(size_t)i * d->n_in + k] : d->x8[(size_t)i * d->n_in + k] * (double)d->x8_scale;
}

/* Area-averaging resize of a sw x sh image to dw x dh: every destination
   pixel is the mean of the source area it covers (separable, two passes). */
static void strip_resize(const float *src, int sw, int sh, float *dst, int dw, int dh)
{
    float *tmp = (float *)calloc((size_t)dw * sh, sizeof *tmp);
    double sx = (double)dw / sw, sy = (double)dh / sh;
    int i, u, r;
    if (!tmp) return;
    for (r = 0; r < sh; ++r)
        for (u = 0; u < dw; ++u) {
            double lo = u / sx, hi = (u + 1) / sx, acc = 0;
            for (i = (int)floor(lo); i < sw && i < hi; ++i) {
                double ov = fmin(hi, i + 1.0) - fmax(lo, (double)i);
                if (ov > 0) acc += ov * src[(size_t)r * sw + i];
            }
            tmp[(size_t)r * dw + u] = (float)(acc * sx);
        }
    for (u = 0; u < dw; ++u)
        for (r = 0; r < dh; ++r) {
            double lo = r / sy, hi = (r + 1) / sy, acc = 0;
            for (i = (int)floor(lo); i < sh && i < hi; ++i) {
                double ov = fmin(hi, i + 1.0) - fmax(lo, (double)i);
                if (ov > 0) acc += ov * tmp[(size_t)i * dw + u];
            }
            dst[(size_t)r * dw + u] = (float)fmin(1.0, acc * sy);
        }
    free(tmp);
}

/* Compose a page of n digits (indices idx into src), per_line to a line.
   scale_lo..scale_hi: random size of each digit (1,1 = as in MNIST);
   noise: probability of a salt pixel anywhere on the page. truth[i] gets the
   label of the i-th digit in reading order. Returns 0 on success. */
static int strip_compose(const nnd_data *src, const int *idx, int n, int per_line, double scale_lo,
                         double scale_hi, double noise, nnd_rng *rng, strip_img *page, int *truth)
{
    const int gap_lo = 3, gap_hi = 9, line_h = 48, margin = 6;
    int lines = (n + per_line - 1) / per_line, i, x = margin, line = 0;
    float cell[28 * 28], big[40 * 40];
    page->w = margin * 2 + per_line * (int)(28 * scale_hi + gap_hi);
    page->h = margin * 2 + lines * line_h;
    page->pix = (float *)calloc((size_t)page->w * page->h, sizeof(float));
    if (!page->pix) return -1;
    for (i = 0; i < n; ++i) {
        int k, r, c, x0 = 28, x1 = -1, y0 = 28, y1 = -1, bw, bh, tw, th, top;
        double s = scale_lo + (scale_hi - scale_lo) * nnd_rng_uniform(rng);
        if (i % per_line == 0 && i) {
            ++line;
            x = margin;
        }
        for (k = 0; k < 784; ++k) {
            cell[k] = (float)strip_pixel(src, idx[i], k);
            if (cell[k] > 0) {
                r = k / 28, c = k % 28;
                if (c < x0) x0 = c;
                if (c > x1) x1 = c;
                if (r < y0) y0 = r;
                if (r > y1) y1 = r;
            }
        }
        truth[i] = src->labels[idx[i]];
        if (x1 < 0) continue; /* an empty image (none in MNIST) */
        bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        tw = (int)(bw * s + 0.5), th = (int)(bh * s + 0.5);
        if (tw < 1) tw = 1;
        if (th < 1) th = 1;
        {
            float crop[28 * 28];
            for (r = 0; r < bh; ++r)
                for (c = 0; c < bw; ++c) crop[r * bw + c] = cell[(y0 + r) * 28 + x0 + c];
            strip_resize(crop, bw, bh, big, tw, th);
        }
        /* centred vertically on the line, with +-2 pixels of jitter */
        top = margin + line * line_h + (line_h - th) / 2 + (int)nnd_rng_below(rng, 5) - 2;
        for (r = 0; r < th; ++r)
            for (c = 0; c < tw; ++c) {
                float *p = &page->pix[(size_t)(top + r) * page->w + x + c];
                if (big[r * tw + c] > *p) *p = big[r * tw + c];
            }
        x += tw + gap_lo + (int)nnd_rng_below(rng, (uint32_t)(gap_hi - gap_lo + 1));
    }
    if (noise > 0)
        for (i = 0; i < page->w * page->h; ++i)
            if (nnd_rng_uniform(rng) < noise) page->pix[i] = (float)(0.5 + 0.5 * nnd_rng_uniform(rng));
    return 0;
}

static int strip_cmp_x(const void *a, const void *b)
{
    const strip_box *p = (const strip_box *)a, *q = (const strip_box *)b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}
static int strip_cmp_y(const void *a, const void *b)
{
    const strip_box *p = (const strip_box *)a, *q = (const strip_box *)b;
    return p->y0 < q->y0 ? -1 : p->y0 > q->y0;
}

/* Steps 1-3: characters of the page in reading order. Returns their number
   (boxes is malloc'ed, the caller frees it), or -1 when out of memory. */
static int strip_segment(const strip_img *page, double threshold, int min_pixels, strip_box **boxes)
{
    size_t np = (size_t)page->w * page->h, i;
    int *label = (int *)calloc(np, sizeof(int)), *stack = (int *)malloc(np * sizeof(int));
    strip_box *comp = NULL, *out = NULL;
    int n_comp = 0, cap = 0, n_out = 0, a, b;
    if (!label || !stack) goto fail;
    for (i = 0; i < np; ++i) {
        int top = 0;
        strip_box bx;
        if (label[i] || page->pix[i] <= threshold) continue;
        /* flood fill one 8-connected component */
        bx.x0 = bx.x1 = (int)(i % page->w), bx.y0 = bx.y1 = (int)(i / page->w), bx.pixels = 0;
        label[i] = 1;
        stack[top++] = (int)i;
        while (top) {
            int p = stack[--top], px = p % page->w, py = p / page->w, dx, dy;
            ++bx.pixels;
            if (px < bx.x0) bx.x0 = px;
            if (px > bx.x1) bx.x1 = px;
            if (py < bx.y0) bx.y0 = py;
            if (py > bx.y1) bx.y1 = py;
            for (dy = -1; dy <= 1; ++dy)
                for (dx = -1; dx <= 1; ++dx) {
                    int qx = px + dx, qy = py + dy, q;
                    if (qx < 0 || qy < 0 || qx >= page->w || qy >= page->h) continue;
                    q = qy * page->w + qx;
                    if (!label[q] && page->pix[q] > threshold) {
                        label[q] = 1;
                        stack[top++] = q;
                    }
                }
        }
        if (bx.pixels < min_pixels) continue; /* a speck of noise */
        if (n_comp == cap) {
            strip_box *g = (strip_box *)realloc(comp, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *g);
            if (!g) goto fail;
            comp = g;
        }
        comp[n_comp++] = bx;
    }
    out = (strip_box *)malloc((size_t)(n_comp ? n_comp : 1) * sizeof *out);
    if (!out) goto fail;
    /* lines: components sorted by top edge, a new line when a component
       starts below everything of the current line */
    qsort(comp, (size_t)n_comp, sizeof *comp, strip_cmp_y);
    for (a = 0; a < n_comp; a = b) {
        int bottom = comp[a].y1, c;
        for (b = a + 1; b < n_comp && comp[b].y0 <= bottom; ++b)
            if (comp[b].y1 > bottom) bottom = comp[b].y1;
        /* characters: within the line, merge horizontally overlapping pieces */
        qsort(comp + a, (size_t)(b - a), sizeof *comp, strip_cmp_x);
        for (c = a; c < b; ++c) {
            strip_box *last = n_out > 0 && c > a ? &out[n_out - 1] : NULL;
            if (last && comp[c].x0 <= last->x1) {
                if (comp[c].x1 > last->x1) last->x1 = comp[c].x1;
                if (comp[c].y0 < last->y0) last->y0 = comp[c].y0;
                if (comp[c].y1 > last->y1) last->y1 = comp[c].y1;
                last->pixels += comp[c].pixels;
            } else out[n_out++] = comp[c];
        }
    }
    free(label);
    free(stack);
    free(comp);
    *boxes = out;
    return n_out;
fail:
    free(label);
    free(stack);
    free(comp);
    free(out);
    return -1;
}

/* Is any pixel of row y, columns x0..x1 (or of column x, rows y0..y1) above
   the faint-edge level? */
static int strip_row_inked(const strip_img *p, int y, int x0, int x1, double level)
{
    int x;
    if (y < 0 || y >= p->h) return 0;
    for (x = x0; x <= x1; ++x)
        if (p->pix[(size_t)y * p->w + x] > level) return 1;
    return 0;
}
static int strip_col_inked(const strip_img *p, int x, int y0, int y1, double level)
{
    int y;
    if (x < 0 || x >= p->w) return 0;
    for (y = y0; y <= y1; ++y)
        if (p->pix[(size_t)y * p->w + x] > level) return 1;
    return 0;
}

/* Step 4: the box, grown by up to two pixels a side to take in the faint
   edge of the strokes, as an MNIST-style 28 x 28 image: longer side 20,
   centre of mass on pixel (14, 14) as in MNIST. */
static void strip_normalise(const strip_img *page, const strip_box *b, nnd_real *out)
{
    const double faint = 0.05;
    int x0 = b->x0, y0 = b->y0, x1 = b->x1, y1 = b->y1, grow, bw, bh, side, r, c, tw, th, dx, dy;
    for (grow = 0; grow < 2; ++grow) {
        if (strip_row_inked(page, y0 - 1, x0, x1, faint)) --y0;
        if (strip_row_inked(page, y1 + 1, x0, x1, faint)) ++y1;
        if (strip_col_inked(page, x0 - 1, y0, y1, faint)) --x0;
        if (strip_col_inked(page, x1 + 1, y0, y1, faint)) ++x1;
    }
    bw = x1 - x0 + 1, bh = y1 - y0 + 1, side = bw > bh ? bw : bh;
    float *crop = (float *)malloc((size_t)bw * bh * sizeof *crop), small[20 * 20];
    double m = 0, mx = 0, my = 0;
    for (r = 0; r < 784; ++r) out[r] = 0;
    if (!crop) return;
    for (r = 0; r < bh; ++r)
        for (c = 0; c < bw; ++c) crop[r * bw + c] = page->pix[(size_t)(y0 + r) * page->w + x0 + c];
    tw = (int)(20.0 * bw / side + 0.5), th = (int)(20.0 * bh / side + 0.5);
    if (tw < 1) tw = 1;
    if (th < 1) th = 1;
    strip_resize(crop, bw, bh, small, tw, th);
    free(crop);
    for (r = 0; r < th; ++r)
        for (c = 0; c < tw; ++c) {
            m += small[r * tw + c];
            mx += small[r * tw + c] * (c + 0.5);
            my += small[r * tw + c] * (r + 0.5);
        }
    if (m <= 0) return;
    dx = (int)floor(14.5 - mx / m + 0.5), dy = (int)floor(14.5 - my / m + 0.5);
    for (r = 0; r < th; ++r)
        for (c = 0; c < tw; ++c) {
            int R = r + dy, C = c + dx;
            if (R >= 0 && R < 28 && C >= 0 && C < 28) out[R * 28 + C] = (nnd_real)small[r * tw + c];
        }
}

/* Steps 1-5: the digits read off the page (up to max, malloc'ed into *digits).
   Returns how many characters were found, or -1. */
static int strip_read(nnd_net *net, const strip_img *page, int **digits)
{
    strip_box *box = NULL;
    int n = strip_segment(page, 0.25, 5, &box), i, status;
    nnd_real *x;
    nnd_data d;
    *digits = NULL;
    if (n < 0) return -1;
    x = (nnd_real *)malloc((size_t)(n ? n : 1) * 784 * sizeof *x);
    *digits = (int *)malloc((size_t)(n ? n : 1) * sizeof(int));
    if (!x || !*digits) {
        free(x);
        free(box);
        return -1;
    }
    for (i = 0; i < n; ++i) strip_normalise(page, &box[i], x + (size_t)i * 784);
    memset(&d, 0, sizeof d);
    d.n = n, d.n_in = 784, d.x = x;
    status = n ? nnd_predict(net, &d, *digits) : NND_OK;
    free(x);
    free(box);
    return status == NND_OK ? n : -1;
}

/* Edit distance between the digits read and the digits pasted; the fraction
   read correctly is 1 - distance / n_truth. */
static int strip_edit_distance(const int *a, int na, const int *b, int nb)
{
    int *prev = (int *)malloc((size_t)(nb + 1) * sizeof(int)), *cur = (int *)malloc((size_t)(nb + 1) * sizeof(int));
    int i, j, d;
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return na > nb ? na : nb;
    }
    for (j = 0; j <= nb; ++j) prev[j] = j;
    for (i = 1; i <= na; ++i) {
        int *t;
        cur[0] = i;
        for (j = 1; j <= nb; ++j) {
            int best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
        t = prev, prev = cur, cur = t;
    }
    d = prev[nb];
    free(prev);
    free(cur);
    return d;
}

/* Compose a page of test digits first .. first+n-1, read it, and return the
   fraction read correctly (-1 on failure); *found gets the characters found. */
static double strip_trial(nnd_net *net, const nnd_data *test, int first, int n, int per_line, double scale_lo,
                          double scale_hi, double noise, uint64_t seed, int *found, strip_img *keep)
{
    int *idx = (int *)malloc((size_t)n * sizeof(int)), *truth = (int *)malloc((size_t)n * sizeof(int)), *read = NULL;
    strip_img page;
    nnd_rng rng;
    double frac = -1;
    int i, got;
    page.pix = NULL;
    *found = 0;
    if (!idx || !truth) goto done;
    for (i = 0; i < n; ++i) idx[i] = (first + i) % test->n;
    nnd_rng_seed(&rng, seed);
    if (strip_compose(test, idx, n, per_line, scale_lo, scale_hi, noise, &rng, &page, truth)) goto done;
    got = strip_read(net, &page, &read);
    if (got < 0) goto done;
    *found = got;
    frac = 1.0 - (double)strip_edit_distance(read, got, truth, n) / n;
done:
    if (keep && page.pix) *keep = page;
    else free(page.pix);
    free(idx);
    free(truth);
    free(read);
    return frac;
}

#ifndef EX_COURSE10_NO_MAIN
int main(int argc, char **argv)
{
    nnd_mnist mnist;
    nnd_error err;
    nnd_rng rng;
    int sizes[] = {784, 100, 10}, status, correct, found1, found2, epochs = argc > 1 ? atoi(argv[1]) : 6;
    nnd_sgd_options opt = nnd_sgd_defaults();
    nnd_net *net;
    strip_img clean, noisy;
    double f1, f2;
    if (nnd_mnist_load("data/mnist", &mnist, &err) != NND_OK) {
        fprintf(stderr, "ex_course10_strip: %s (run `make data` first)\n", err.message);
        return 1;
    }
    nnd_rng_seed(&rng, 10);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &status);
    if (!net) return 1;
    opt.epochs = epochs, opt.mini_batch_size = 10, opt.eta = 0.5, opt.lmbda = 5.0, opt.rng = &rng;
    printf("training [784,100,10] for %d epochs ...\n", epochs);
    if (nnd_sgd(net, &mnist.training, &opt, NULL) != NND_OK) return 1;
    nnd_accuracy(net, &mnist.test, &correct);
    printf("network: %d / 10000 test digits as single images\n", correct);

    clean.pix = noisy.pix = NULL;
    f1 = strip_trial(net, &mnist.test, 0, 1000, 100, 1.0, 1.0, 0.0, 1, &found1, &clean);
    f2 = strip_trial(net, &mnist.test, 1000, 1000, 100, 0.7, 1.4, 0.002, 2, &found2, &noisy);
    printf("clean page  (1000 digits, 10 lines): %4d characters found, %.1f%% read correctly\n", found1,
           100 * f1);
    printf("harder page (sizes 0.7-1.4x, salt noise): %4d characters found, %.1f%% read correctly\n", found2,
           100 * f2);
    if (clean.pix && noisy.pix) {
        /* the first two lines of each page, one above the other */
        int rows = 2 * 48 + 6, w = clean.w > noisy.w ? clean.w : noisy.w, r, c;
        nnd_real *img = (nnd_real *)calloc((size_t)w * 2 * rows, sizeof *img);
        imgrid g;
        if (img) {
            for (r = 0; r < rows; ++r)
                for (c = 0; c < clean.w; ++c) img[(size_t)r * w + c] = (nnd_real)clean.pix[(size_t)r * clean.w + c];
            for (r = 0; r < rows; ++r)
                for (c = 0; c < noisy.w; ++c)
                    img[(size_t)(rows + r) * w + c] = (nnd_real)noisy.pix[(size_t)r * noisy.w + c];
            if (!imgrid_init(&g, 1, 1, w, 2 * rows, 1, 0)) {
                imgrid_put(&g, 0, img, 0.0, 1.0);
                if (!imgrid_write_png(&g, "plots/course10_strip.png")) printf("wrote plots/course10_strip.png\n");
                imgrid_free(&g);
            }
            free(img);
        }
    }
    free(clean.pix);
    free(noisy.pix);
    nnd_free(net);
    nnd_mnist_free(&mnist);
    return f1 >= 0.95 ? 0 : 1;
}
#endif
