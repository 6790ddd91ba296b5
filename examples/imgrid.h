/* imgrid.h - tile images (digits, weights, filters) into one PNG.

   Include after nnd.h, once per program: it compiles Debian's stb_image_write
   (libstb-dev, /usr/include/stb) into the program as static functions.

       imgrid g;
       if (imgrid_init(&g, 100, 10, 28, 28, 2, 2)) ... out of memory / bad args
       for (i = 0; i < 100; i++) imgrid_put(&g, i, image_i, 0.0, 1.0);
       if (imgrid_write_png(&g, "plots/digits.png")) ... could not write
       imgrid_free(&g);

   A grid holds n_images tiles of img_w x img_h values, cols tiles to a row,
   each value drawn as a scale x scale block, with pad background pixels
   between tiles and around the border. Images are row-major nnd_real
   [img_h x img_w] (an MNIST row).

   Colour maps:
     imgrid_put         grey: lo -> white, hi -> black, like the book's digits
                        (values clipped to [lo, hi]).
     imgrid_put_signed  weights: 0 -> white, +m -> red, -m -> blue, where m is
                        the largest |value| of the image when mag <= 0, else
                        mag. Diverging, so the sign of every weight shows.
     imgrid_put_grey_rev  lo -> black, hi -> white (filters on a dark
                        background, like the book's chapter 6 pictures).
   Background (padding) is light grey (200) unless imgrid_set_background.
   Every function returns 0 on success, non-zero on failure. */
#ifndef IMGRID_H
#define IMGRID_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#ifndef STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#endif
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Programs use only some of these functions: keep the rest quiet. */
#if defined(__GNUC__)
#define IMGRID_DEF static __attribute__((unused))
#else
#define IMGRID_DEF static
#endif

typedef struct imgrid {
    int n_images, cols, rows;  /* tiles */
    int img_w, img_h;          /* values per tile */
    int scale, pad;            /* pixels per value, pixels between tiles */
    int width, height;         /* of the PNG, pixels */
    unsigned char *rgb;        /* width * height * 3 */
} imgrid;

IMGRID_DEF void imgrid__fill(imgrid *g, unsigned char r, unsigned char gr, unsigned char b)
{
    size_t i, n = (size_t)g->width * (size_t)g->height;
    for (i = 0; i < n; i++) {
        g->rgb[3 * i] = r;
        g->rgb[3 * i + 1] = gr;
        g->rgb[3 * i + 2] = b;
    }
}

IMGRID_DEF int imgrid_init(imgrid *g, int n_images, int cols, int img_w, int img_h, int scale,
                       int pad)
{
    memset(g, 0, sizeof *g);
    if (n_images < 1 || cols < 1 || img_w < 1 || img_h < 1 || scale < 1 || pad < 0) return -1;
    if (cols > n_images) cols = n_images;
    g->n_images = n_images;
    g->cols = cols;
    g->rows = (n_images + cols - 1) / cols;
    g->img_w = img_w;
    g->img_h = img_h;
    g->scale = scale;
    g->pad = pad;
    g->width = cols * img_w * scale + (cols + 1) * pad;
    g->height = g->rows * img_h * scale + (g->rows + 1) * pad;
    if (g->width > 30000 || g->height > 30000) return -1;
    g->rgb = (unsigned char *)malloc((size_t)g->width * (size_t)g->height * 3);
    if (!g->rgb) return -1;
    imgrid__fill(g, 200, 200, 200);
    return 0;
}

/* Background colour of the padding (call before the puts). */
IMGRID_DEF void imgrid_set_background(imgrid *g, unsigned char r, unsigned char gr, unsigned char b)
{
    imgrid__fill(g, r, gr, b);
}

/* Paint value (x, y) of tile index with colour c. */
IMGRID_DEF void imgrid__pixel(imgrid *g, int index, int x, int y, const unsigned char c[3])
{
    int tc = index % g->cols, tr = index / g->cols, dx, dy;
    int x0 = g->pad + tc * (g->img_w * g->scale + g->pad) + x * g->scale;
    int y0 = g->pad + tr * (g->img_h * g->scale + g->pad) + y * g->scale;
    for (dy = 0; dy < g->scale; dy++)
        for (dx = 0; dx < g->scale; dx++) {
            unsigned char *p = g->rgb + 3 * ((size_t)(y0 + dy) * (size_t)g->width + (size_t)(x0 + dx));
            p[0] = c[0];
            p[1] = c[1];
            p[2] = c[2];
        }
}

IMGRID_DEF unsigned char imgrid__byte(double t) /* t in [0,1] -> 0..255 */
{
    if (!(t > 0.0)) return 0;
    if (t >= 1.0) return 255;
    return (unsigned char)(t * 255.0 + 0.5);
}

IMGRID_DEF void imgrid__grey(imgrid *g, int index, const nnd_real *img, double lo, double hi,
                         int reverse)
{
    int x, y;
    double span = hi > lo ? hi - lo : 1.0;
    if (!g->rgb || index < 0 || index >= g->n_images) return;
    for (y = 0; y < g->img_h; y++)
        for (x = 0; x < g->img_w; x++) {
            double t = ((double)img[y * g->img_w + x] - lo) / span;
            unsigned char v = imgrid__byte(reverse ? t : 1.0 - t), c[3];
            c[0] = c[1] = c[2] = v;
            imgrid__pixel(g, index, x, y, c);
        }
}

/* Grey map: lo -> white, hi -> black (the book's digits). */
IMGRID_DEF void imgrid_put(imgrid *g, int index, const nnd_real *img, double lo, double hi)
{
    imgrid__grey(g, index, img, lo, hi, 0);
}

/* Grey map reversed: lo -> black, hi -> white. */
IMGRID_DEF void imgrid_put_grey_rev(imgrid *g, int index, const nnd_real *img, double lo, double hi)
{
    imgrid__grey(g, index, img, lo, hi, 1);
}

/* Diverging map for weights: -m blue, 0 white, +m red (m = max |w| if mag <= 0). */
IMGRID_DEF void imgrid_put_signed(imgrid *g, int index, const nnd_real *img, double mag)
{
    int x, y, n = g->img_w * g->img_h, i;
    if (!g->rgb || index < 0 || index >= g->n_images) return;
    if (!(mag > 0.0)) {
        mag = 0.0;
        for (i = 0; i < n; i++) {
            double a = img[i] < 0 ? -(double)img[i] : (double)img[i];
            if (a > mag) mag = a;
        }
        if (!(mag > 0.0)) mag = 1.0;
    }
    for (y = 0; y < g->img_h; y++)
        for (x = 0; x < g->img_w; x++) {
            double t = (double)img[y * g->img_w + x] / mag;
            unsigned char c[3], fade;
            if (t > 1.0) t = 1.0;
            if (t < -1.0) t = -1.0;
            fade = imgrid__byte(1.0 - (t < 0 ? -t : t));
            if (t >= 0) { c[0] = 255; c[1] = fade; c[2] = fade; }
            else { c[0] = fade; c[1] = fade; c[2] = 255; }
            imgrid__pixel(g, index, x, y, c);
        }
}

/* Top-left pixel of tile index in the PNG (to place labels with gnuplot). */
IMGRID_DEF void imgrid_tile_origin(const imgrid *g, int index, int *px, int *py)
{
    *px = g->pad + (index % g->cols) * (g->img_w * g->scale + g->pad);
    *py = g->pad + (index / g->cols) * (g->img_h * g->scale + g->pad);
}

/* The PNG is encoded in memory and saved with nnd_save_file, so a failed
   write never leaves a broken picture in place of the previous one. */
typedef struct imgrid_bytes {
    unsigned char *s;
    size_t len, cap;
    int nomem;
} imgrid_bytes;

static void imgrid_append(void *context, void *data, int size)
{
    imgrid_bytes *b = (imgrid_bytes *)context;
    if (b->nomem || size <= 0) return;
    if (b->len + (size_t)size > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        unsigned char *s;
        while (cap < b->len + (size_t)size) cap *= 2;
        if (!(s = (unsigned char *)realloc(b->s, cap))) {
            b->nomem = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, data, (size_t)size);
    b->len += (size_t)size;
}

/* Write the grid as a PNG at path; err says why not. */
IMGRID_DEF int imgrid_save_png(const imgrid *g, const char *path, nnd_error *err)
{
    imgrid_bytes b;
    int st;
    memset(&b, 0, sizeof b);
    if (!g->rgb || !stbi_write_png_to_func(imgrid_append, &b, g->width, g->height, 3, g->rgb, g->width * 3) ||
        b.nomem) {
        free(b.s);
        snprintf(err->message, sizeof err->message, "%.180s: cannot encode the PNG (out of memory)", path);
        return err->status = NND_ERR_NOMEM;
    }
    st = nnd_save_file(path, b.s, b.len, err);
    free(b.s);
    return st;
}

IMGRID_DEF int imgrid_write_png(const imgrid *g, const char *path)
{
    nnd_error err;
    return imgrid_save_png(g, path, &err) == NND_OK ? 0 : -1;
}

IMGRID_DEF void imgrid_free(imgrid *g)
{
    free(g->rgb);
    g->rgb = NULL;
}

#endif /* IMGRID_H */
