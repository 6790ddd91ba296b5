/* The IDX and MNIST loaders on small synthetic files: a training set too
   small for a validation split, dimensions whose product overflows, images
   that are not 3-dimensional, a test label out of range, a compressed file
   where the raw one should be, a directory name too long, NULL arguments.
   Files go to build/test_loaders/. */
#define _POSIX_C_SOURCE 200112L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *top = "build/test_loaders";

/* An IDX file of unsigned bytes with these dimensions; pixel i is i mod 251. */
static void put_idx(const char *dir, const char *name, int ndim, const int *dims, int bump_last)
{
    char path[512];
    FILE *f;
    size_t count = 1, i;
    int d;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f) return;
    fputc(0, f);
    fputc(0, f);
    fputc(8, f);
    fputc(ndim, f);
    for (d = 0; d < ndim; ++d) {
        fputc((dims[d] >> 24) & 255, f);
        fputc((dims[d] >> 16) & 255, f);
        fputc((dims[d] >> 8) & 255, f);
        fputc(dims[d] & 255, f);
        count *= (size_t)dims[d];
    }
    for (i = 0; i < count; ++i) fputc(i + 1 == count && bump_last ? 10 : (int)(i % (ndim == 1 ? 10 : 251)), f);
    fclose(f);
}

/* A small MNIST folder: n training images of 3x2 pixels, 4 test images. */
static void put_mnist(const char *dir, int n, int image_dims, int bad_test_label)
{
    int img[3], lab[1], t2[2] = {4, 6};
    mkdir(dir, 0755);
    img[0] = n;
    img[1] = 3;
    img[2] = 2;
    lab[0] = n;
    if (image_dims == 3) put_idx(dir, "train-images-idx3-ubyte", 3, img, 0);
    else put_idx(dir, "train-images-idx3-ubyte", 2, t2, 0);
    put_idx(dir, "train-labels-idx1-ubyte", 1, lab, 0);
    img[0] = 4;
    lab[0] = 4;
    put_idx(dir, "t10k-images-idx3-ubyte", 3, img, 0);
    put_idx(dir, "t10k-labels-idx1-ubyte", 1, lab, bad_test_label);
}

static void small_mnist(void)
{
    char dir[256];
    nnd_mnist m;
    nnd_error err;
    int i, ok = 1;
    snprintf(dir, sizeof dir, "%s/small", top);
    put_mnist(dir, 50, 3, 0);
    CHECK(nnd_mnist_load(dir, &m, &err) == NND_OK, "50 training images: %s", err.message);
    CHECK(m.training.n == 50 && m.validation.n == 0 && m.test.n == 4 && m.training.n_in == 6 && m.test.n_in == 6,
          "no validation set under 20,000 images: %d/%d/%d", m.training.n, m.validation.n, m.test.n);
    for (i = 0; i < 50 * 6; ++i) ok &= m.training.x8[i] == i % 251;
    for (i = 0; i < 50; ++i) ok &= m.training.labels[i] == i % 10;
    CHECK(ok, "pixels and labels read in file order");
    CHECK(m.training.x8_scale == (nnd_real)(1.0 / 256) && m.test.x8_scale == m.training.x8_scale,
          "pixels are bytes / 256");
    nnd_mnist_free(&m);
    CHECK(m.train_y == NULL && m.training.n == 0, "mnist_free clears the set");
    nnd_mnist_free(NULL);

    snprintf(dir, sizeof dir, "%s/flat", top);
    put_mnist(dir, 50, 2, 0);
    CHECK(nnd_mnist_load(dir, &m, &err) == NND_ERR_FORMAT && strstr(err.message, "3 dimensions"),
          "2-dimensional training images: %s", err.message);
    CHECK(m.train_images.data == NULL && m.train_y == NULL, "a failed load keeps nothing");

    snprintf(dir, sizeof dir, "%s/badtest", top);
    put_mnist(dir, 50, 3, 1);
    CHECK(nnd_mnist_load(dir, &m, &err) == NND_ERR_FORMAT && strstr(err.message, "test label 3 is 10"),
          "test label 10: %s", err.message);

    /* the raw file missing, its .gz present: the message says to decompress */
    snprintf(dir, sizeof dir, "%s/gz", top);
    put_mnist(dir, 50, 3, 0);
    {
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/t10k-labels-idx1-ubyte", dir);
        snprintf(to, sizeof to, "%s/t10k-labels-idx1-ubyte.gz", dir);
        rename(from, to);
    }
    CHECK(nnd_mnist_load(dir, &m, &err) == NND_ERR_IO && strstr(err.message, "decompress") &&
              strstr(err.message, "t10k-labels-idx1-ubyte.gz"),
          "compressed labels: %s", err.message);
    {
        char longdir[5000];
        memset(longdir, 'd', sizeof longdir - 1);
        longdir[sizeof longdir - 1] = '\0';
        CHECK(nnd_mnist_load(longdir, &m, &err) == NND_ERR_ARG && strstr(err.message, "too long"),
              "a 4999-character folder: %s", err.message);
    }
    /* every file's shape is checked: images 3-dimensional, labels 1-dimensional, sizes matching */
    {
        static const char *const names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        int f;
        for (f = 0; f < 6; ++f) {
            int dims2[2] = {50, 1}, img[3] = {4, 2, 2}, lab[1] = {49};
            int want = f < 4 ? NND_ERR_FORMAT : NND_ERR_SHAPE;
            snprintf(dir, sizeof dir, "%s/shape%d", top, f);
            put_mnist(dir, 50, 3, 0);
            if (f < 4) { /* one file with the wrong number of dimensions */
                if (f % 2) dims2[0] = f == 1 ? 50 : 4;
                else {
                    dims2[0] = f == 0 ? 50 : 4;
                    dims2[1] = 6;
                }
                put_idx(dir, names[f], 2, dims2, 0);
            } else if (f == 4) { /* test images of 2x2 pixels, training images of 3x2 */
                put_idx(dir, names[2], 3, img, 0);
            } else { /* 49 training labels for 50 images */
                put_idx(dir, names[1], 1, lab, 0);
            }
            CHECK(nnd_mnist_load(dir, &m, &err) == want, "%s: %s", f < 4 ? names[f] : f == 4 ? "test image size"
                                                                                           : "label count",
                  err.message);
        }
    }
    CHECK(nnd_mnist_load(NULL, &m, &err) == NND_ERR_ARG, "NULL folder");
    CHECK(nnd_mnist_load(dir, NULL, &err) == NND_ERR_ARG, "NULL output");
}

static void idx_edges(void)
{
    /* four dimensions of 2^31 - 1: their product does not fit in memory sizes */
    static const unsigned char huge[20] = {0, 0, 8, 4, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff,
                                           0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff};
    static const unsigned char one[9] = {0, 0, 8, 1, 0, 0, 0, 1, 42};
    nnd_idx idx;
    nnd_error err;
    char path[512];
    int dims[2] = {2, 3};
    CHECK(nnd_idx_parse(huge, sizeof huge, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "overflow"),
          "dimensions overflowing: %s", err.message);
    CHECK(nnd_idx_parse(NULL, 9, &idx, &err) == NND_ERR_ARG, "NULL bytes");
    CHECK(nnd_idx_parse(NULL, 0, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "truncated"),
          "no bytes at all: %s", err.message);
    CHECK(nnd_idx_parse(one, 1, &idx, &err) == NND_ERR_FORMAT, "a 1-byte file");
    {
        unsigned char b[9];
        memcpy(b, one, sizeof b);
        b[0] = 0x1f; /* the first byte of gzip's magic, not the second */
        CHECK(nnd_idx_parse(b, sizeof b, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "magic"),
              "magic 1f 00: %s", err.message);
        b[0] = 0;
        b[1] = 5;
        CHECK(nnd_idx_parse(b, sizeof b, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "magic"),
              "magic 00 05: %s", err.message);
    }
    CHECK(nnd_idx_parse(one, sizeof one, NULL, &err) == NND_ERR_ARG, "NULL output");
    CHECK(nnd_idx_parse(one, sizeof one, &idx, NULL) == NND_OK && idx.count == 1 && idx.data[0] == 42,
          "err may be NULL");
    nnd_idx_free(&idx);
    CHECK(idx.data == NULL && idx.count == 0, "idx_free clears");
    nnd_idx_free(NULL);
    CHECK(nnd_idx_load(NULL, &idx, &err) == NND_ERR_ARG, "nnd_idx_load(NULL)");
    snprintf(path, sizeof path, "%s/two-by-three", top);
    put_idx(top, "two-by-three", 2, dims, 0);
    CHECK(nnd_idx_load(path, &idx, &err) == NND_OK && idx.ndim == 2 && idx.dims[0] == 2 && idx.dims[1] == 3 &&
              idx.count == 6 && idx.data[5] == 5,
          "a 2x3 file: %s", err.message);
    CHECK(err.status == NND_OK && err.message[0] == '\0', "a success clears err");
    nnd_idx_free(&idx);
    CHECK(nnd_idx_load(path, NULL, &err) == NND_ERR_ARG, "nnd_idx_load into NULL");
}

int main(void)
{
    mkdir("build", 0755);
    mkdir(top, 0755);
    small_mnist();
    idx_edges();
    return check_summary();
}
