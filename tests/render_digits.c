/* render_digits - test images for tests/test_classify.sh.

   render_digits render MNIST_DIR MODEL OUT_DIR N
       Writes the first N MNIST test digits as image files in OUT_DIR, each
       in six renderings (i = 0 .. N-1):
         wb28_i.png     white on black, 28 x 28, grey: the bytes as they are
         bw28_i.png     black on white, 28 x 28, grey: 255 - byte
         rgba28_i.png   black ink on a transparent background, 28 x 28:
                        RGB 0, alpha = byte (over white it is bw28_i)
         bw64_i.png     black on white, 64 x 64, RGB: the digit enlarged by
                        bilinear interpolation (pixel centres aligned)
         bw64_i.jpg     the same as a grey JPEG of quality 90
         faint28_i.png  grey ink on grey paper, 28 x 28: paper 220, ink
                        220 - round(byte 140/255) (a pencil on a page)
       and prints one line per digit: "i label class", class being the
       model's answer on the original test image (nnd_predict on its bytes
       read as byte/256).
   render_digits checker IMAGE EXPECTED
       Writes IMAGE, 80 x 80, white, with a one-pixel black checkerboard
       on rows and columns 20..59, and EXPECTED, the 28 x 28 image the
       MNIST conversion must make of it: the 40 x 40 box halved by area
       averaging is uniform grey 127.5 (two of each 2 x 2 block's four
       pixels are ink), 128 once rounded, a 20 x 20 square whose centre
       of mass, 9.5 pixels from its first row and column, sits at 13.5
       when it starts at row and column 4; black elsewhere.
   render_digits same A B
       Prints "max M mean D" of two images of the same size.
   render_digits diff MNIST_DIR FIRST IMAGE...
       Prints "max M mean D": the largest and the mean absolute difference,
       in grey levels, between each 28 x 28 IMAGE (the k-th of them) and
       MNIST test digit FIRST + k, over all their pixels.

   Exit status 0, or 1 with a message. */
#define NND_IMPLEMENTATION
#include "../nnd.h"

#include <math.h>
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
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#define STB_IMAGE_IMPLEMENTATION /* extern: see examples/classify.c */
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#define SIDE 28
#define BIG 64

static int fail(const char *what, const char *name)
{
    fprintf(stderr, "render_digits: %s %s\n", what, name);
    return 1;
}

/* The MNIST test images and labels of dir. */
static int load_test_set(const char *dir, nnd_idx *images, nnd_idx *labels)
{
    char path[4096];
    nnd_error err;
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", dir);
    if (nnd_idx_load(path, images, &err) != NND_OK) return fail("cannot read", err.message);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", dir);
    if (nnd_idx_load(path, labels, &err) != NND_OK) {
        nnd_idx_free(images);
        return fail("cannot read", err.message);
    }
    return 0;
}

/* The 28 x 28 digit enlarged to 64 x 64 by bilinear interpolation: the
   centre of output pixel X sits at input coordinate (X + 0.5) 28/64 - 0.5,
   clamped to the image. */
static void enlarge(const unsigned char *px, unsigned char *big)
{
    int X, Y;
    for (Y = 0; Y < BIG; ++Y)
        for (X = 0; X < BIG; ++X) {
            double sx = (X + 0.5) * SIDE / BIG - 0.5, sy = (Y + 0.5) * SIDE / BIG - 0.5;
            int x0, y0, x1, y1;
            double fx, fy, v;
            sx = sx < 0 ? 0 : sx > SIDE - 1 ? SIDE - 1 : sx;
            sy = sy < 0 ? 0 : sy > SIDE - 1 ? SIDE - 1 : sy;
            x0 = (int)sx, y0 = (int)sy;
            x1 = x0 + 1 < SIDE ? x0 + 1 : x0, y1 = y0 + 1 < SIDE ? y0 + 1 : y0;
            fx = sx - x0, fy = sy - y0;
            v = (1 - fy) * ((1 - fx) * px[y0 * SIDE + x0] + fx * px[y0 * SIDE + x1]) +
                fy * ((1 - fx) * px[y1 * SIDE + x0] + fx * px[y1 * SIDE + x1]);
            big[Y * BIG + X] = (unsigned char)floor(v + 0.5);
        }
}

/* Writes the six renderings of digit i (see the top of the file). */
static int write_renderings(const char *dir, int i, const unsigned char *px)
{
    unsigned char inv[SIDE * SIDE], rgba[SIDE * SIDE * 4], faint[SIDE * SIDE], big[BIG * BIG], rgb[BIG * BIG * 3];
    char path[4096];
    int k, ok = 1;
    for (k = 0; k < SIDE * SIDE; ++k) {
        inv[k] = (unsigned char)(255 - px[k]);
        rgba[4 * k] = rgba[4 * k + 1] = rgba[4 * k + 2] = 0;
        rgba[4 * k + 3] = px[k];
        faint[k] = (unsigned char)(220 - (int)floor(px[k] * 140.0 / 255 + 0.5));
    }
    enlarge(px, big);
    for (k = 0; k < BIG * BIG; ++k) big[k] = (unsigned char)(255 - big[k]);
    for (k = 0; k < BIG * BIG * 3; ++k) rgb[k] = big[k / 3];
    snprintf(path, sizeof path, "%s/wb28_%d.png", dir, i);
    ok &= stbi_write_png(path, SIDE, SIDE, 1, px, SIDE) != 0;
    snprintf(path, sizeof path, "%s/bw28_%d.png", dir, i);
    ok &= stbi_write_png(path, SIDE, SIDE, 1, inv, SIDE) != 0;
    snprintf(path, sizeof path, "%s/rgba28_%d.png", dir, i);
    ok &= stbi_write_png(path, SIDE, SIDE, 4, rgba, SIDE * 4) != 0;
    snprintf(path, sizeof path, "%s/faint28_%d.png", dir, i);
    ok &= stbi_write_png(path, SIDE, SIDE, 1, faint, SIDE) != 0;
    snprintf(path, sizeof path, "%s/bw64_%d.png", dir, i);
    ok &= stbi_write_png(path, BIG, BIG, 3, rgb, BIG * 3) != 0;
    snprintf(path, sizeof path, "%s/bw64_%d.jpg", dir, i);
    ok &= stbi_write_jpg(path, BIG, BIG, 1, big, 90) != 0;
    return ok ? 0 : fail("cannot write in", dir);
}

static int render(const char *mnist_dir, const char *model, const char *out_dir, int n)
{
    nnd_idx images, labels;
    nnd_error err;
    nnd_net *net = NULL;
    nnd_data d;
    int *y, *predicted, i, rc = 1;
    if (load_test_set(mnist_dir, &images, &labels)) return 1;
    if (n < 1 || (size_t)n > labels.count) {
        rc = fail("bad count of digits for", mnist_dir);
    } else if (!(net = nnd_load(model, &err)) && !(net = nnd_network2_load(model, &err))) {
        rc = fail("cannot load the model:", err.message);
    }
    if (!net) {
        nnd_idx_free(&images);
        nnd_idx_free(&labels);
        return rc;
    }
    y = (int *)malloc((size_t)n * sizeof *y);
    predicted = (int *)malloc((size_t)n * sizeof *predicted);
    if (y && predicted) {
        for (i = 0; i < n; ++i) y[i] = labels.data[i];
        d = nnd_data_bytes(images.data, n, SIDE * SIDE, 1.0 / 256, y);
        if (nnd_predict(net, &d, predicted) != NND_OK) {
            fail("nnd_predict failed:", nnd_net_error(net)->message);
        } else {
            for (rc = 0, i = 0; i < n && !rc; ++i) {
                rc = write_renderings(out_dir, i, images.data + (size_t)i * SIDE * SIDE);
                printf("%d %d %d\n", i, y[i], predicted[i]);
            }
        }
    }
    free(y);
    free(predicted);
    nnd_free(net);
    nnd_idx_free(&images);
    nnd_idx_free(&labels);
    return rc;
}

static int checker(const char *image, const char *expected)
{
    unsigned char in[80 * 80], want[SIDE * SIDE];
    int x, y;
    for (y = 0; y < 80; ++y)
        for (x = 0; x < 80; ++x)
            in[y * 80 + x] = (unsigned char)(x >= 20 && x < 60 && y >= 20 && y < 60 && (x + y) % 2 == 0 ? 0 : 255);
    for (y = 0; y < SIDE; ++y)
        for (x = 0; x < SIDE; ++x) want[y * SIDE + x] = (unsigned char)(x >= 4 && x < 24 && y >= 4 && y < 24 ? 128 : 0);
    if (!stbi_write_png(image, 80, 80, 1, in, 80) || !stbi_write_png(expected, SIDE, SIDE, 1, want, SIDE))
        return fail("cannot write", image);
    return 0;
}

static int same(const char *a, const char *b)
{
    int wa, ha, wb, hb, c, max = 0, rc = 0;
    size_t k, n;
    double sum = 0;
    unsigned char *pa = stbi_load(a, &wa, &ha, &c, 1), *pb = stbi_load(b, &wb, &hb, &c, 1);
    if (!pa || !pb || wa != wb || ha != hb) {
        rc = fail("cannot read two images of one size:", pa ? b : a);
    } else {
        n = (size_t)wa * (size_t)ha;
        for (k = 0; k < n; ++k) {
            int e = abs((int)pa[k] - (int)pb[k]);
            if (e > max) max = e;
            sum += e;
        }
        printf("max %d mean %.4f\n", max, sum / (double)n);
    }
    stbi_image_free(pa);
    stbi_image_free(pb);
    return rc;
}

/* IMAGE k of images is compared with test digit first + k. */
static int diff(const char *mnist_dir, int first, char **images, int n)
{
    nnd_idx digits, labels;
    int w, h, c, i, k, max = 0, rc = 0;
    double sum = 0;
    if (load_test_set(mnist_dir, &digits, &labels)) return 1;
    if (first < 0 || (size_t)first + (size_t)n > labels.count) rc = fail("no such test digits in", mnist_dir);
    for (i = 0; i < n && !rc; ++i) {
        unsigned char *px = stbi_load(images[i], &w, &h, &c, 1);
        const unsigned char *want = digits.data + (size_t)(first + i) * SIDE * SIDE;
        if (!px || w != SIDE || h != SIDE) {
            rc = fail("cannot read a 28 x 28 image from", images[i]);
        } else {
            for (k = 0; k < SIDE * SIDE; ++k) {
                int e = abs((int)px[k] - (int)want[k]);
                if (e > max) max = e;
                sum += e;
            }
        }
        stbi_image_free(px);
    }
    if (!rc) printf("max %d mean %.4f\n", max, sum / ((double)n * SIDE * SIDE));
    nnd_idx_free(&digits);
    nnd_idx_free(&labels);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "render") == 0) return render(argv[2], argv[3], argv[4], atoi(argv[5]));
    if (argc == 4 && strcmp(argv[1], "checker") == 0) return checker(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "same") == 0) return same(argv[2], argv[3]);
    if (argc >= 5 && strcmp(argv[1], "diff") == 0) return diff(argv[2], atoi(argv[3]), argv + 4, argc - 4);
    fprintf(stderr, "usage: render_digits render MNIST_DIR MODEL OUT_DIR N\n"
                    "       render_digits checker IMAGE EXPECTED\n"
                    "       render_digits same A B\n"
                    "       render_digits diff MNIST_DIR FIRST IMAGE...\n");
    return 1;
}
