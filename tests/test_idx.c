/* IDX files and the MNIST loader: good files load, and bad magic, wrong
   dimensions, truncated or overlong payloads, gzip files, bad labels and
   mismatched counts are rejected with a clear status. */
#define _POSIX_C_SOURCE 200112L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An IDX image of unsigned bytes: header for dims, then payload bytes
   (count of them may differ from the dims, to make bad files). */
static size_t make_idx(unsigned char *out, int ndim, const int *dims, size_t payload)
{
    size_t n = 0, i;
    int d;
    out[n++] = 0;
    out[n++] = 0;
    out[n++] = 8;
    out[n++] = (unsigned char)ndim;
    for (d = 0; d < ndim; ++d) {
        out[n++] = (unsigned char)(dims[d] >> 24);
        out[n++] = (unsigned char)(dims[d] >> 16);
        out[n++] = (unsigned char)(dims[d] >> 8);
        out[n++] = (unsigned char)dims[d];
    }
    for (i = 0; i < payload; ++i) out[n++] = (unsigned char)(i * 7 % 10);
    return n;
}

static void parse_cases(void)
{
    static unsigned char buf[4096];
    nnd_idx idx;
    nnd_error err;
    int dims3[3] = {3, 4, 5}, dims1[1] = {6};
    size_t n;

    n = make_idx(buf, 3, dims3, 60);
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_OK, "good IDX rejected: %s", err.message);
    CHECK(idx.ndim == 3 && idx.dims[0] == 3 && idx.dims[2] == 5 && idx.count == 60 &&
              idx.data[59] == (unsigned char)(59 * 7 % 10),
          "good IDX misread");
    nnd_idx_free(&idx);

    n = make_idx(buf, 1, dims1, 6);
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_OK && idx.count == 6, "labels rejected");
    nnd_idx_free(&idx);

    n = make_idx(buf, 3, dims3, 59);
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "truncated"),
          "truncated payload: %s", err.message);
    n = make_idx(buf, 3, dims3, 61);
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "trailing"),
          "overlong payload: %s", err.message);
    n = make_idx(buf, 3, dims3, 60);
    CHECK(nnd_idx_parse(buf, 10, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "header"),
          "truncated header: %s", err.message);
    CHECK(nnd_idx_parse(buf, 3, &idx, &err) == NND_ERR_FORMAT, "3-byte file accepted");
    buf[0] = 1;
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "magic"),
          "bad magic: %s", err.message);
    buf[0] = 0;
    buf[2] = 0x0D; /* float elements */
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "type"),
          "float IDX: %s", err.message);
    buf[2] = 8;
    buf[3] = 0;
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT, "0 dimensions accepted");
    buf[3] = 5;
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT, "5 dimensions accepted");
    buf[3] = 3;
    buf[7] = 0; /* first dimension 0 */
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "dimension"),
          "zero dimension: %s", err.message);
    buf[4] = 0xFF; /* first dimension huge */
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT, "huge dimension accepted");
    buf[0] = 0x1f;
    buf[1] = 0x8b;
    CHECK(nnd_idx_parse(buf, n, &idx, &err) == NND_ERR_FORMAT && strstr(err.message, "gzip"),
          "gzip file: %s", err.message);
}

static void write_file(const char *dir, const char *name, const unsigned char *b, size_t n)
{
    char path[512];
    FILE *f;
    sprintf(path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f) {
        fwrite(b, 1, n, f);
        fclose(f);
    }
}

/* A fake MNIST directory: 25,000 training images of 2x3 pixels, 7 test. */
static void write_mnist(const char *dir, int bad_label, int test_labels)
{
    static unsigned char buf[200000];
    int dims[3] = {25000, 2, 3}, ld[1] = {25000}, td[3] = {7, 2, 3}, tl[1];
    size_t n;
    tl[0] = test_labels;
    mkdir(dir, 0755);
    n = make_idx(buf, 3, dims, 150000);
    write_file(dir, "train-images-idx3-ubyte", buf, n);
    n = make_idx(buf, 1, ld, 25000);
    if (bad_label) buf[n - 1] = 12;
    write_file(dir, "train-labels-idx1-ubyte", buf, n);
    n = make_idx(buf, 3, td, 42);
    write_file(dir, "t10k-images-idx3-ubyte", buf, n);
    n = make_idx(buf, 1, tl, (size_t)test_labels);
    write_file(dir, "t10k-labels-idx1-ubyte", buf, n);
}

static void mnist_cases(void)
{
    nnd_mnist m;
    nnd_error err;
    nnd_idx idx;
    write_mnist("build/fake_mnist", 0, 7);
    CHECK(nnd_mnist_load("build/fake_mnist", &m, &err) == NND_OK, "fake MNIST: %s", err.message);
    CHECK(m.training.n == 15000 && m.validation.n == 10000 && m.test.n == 7 &&
              m.training.n_in == 6,
          "split: %d/%d/%d", m.training.n, m.validation.n, m.test.n);
    CHECK(m.training.x8_scale == (nnd_real)(1.0 / 256.0), "pixels are not bytes/256");
    CHECK(m.validation.x8 == m.training.x8 + 15000 * 6 && m.validation.labels == m.training.labels + 15000,
          "validation is not the last 10,000 training images");
    CHECK(m.training.labels[3] == 3 * 7 % 10, "labels misread");
    nnd_mnist_free(&m);

    write_mnist("build/fake_mnist_badlabel", 1, 7);
    CHECK(nnd_mnist_load("build/fake_mnist_badlabel", &m, &err) == NND_ERR_FORMAT &&
              strstr(err.message, "label"),
          "label 12: %s", err.message);
    write_mnist("build/fake_mnist_mismatch", 0, 6);
    CHECK(nnd_mnist_load("build/fake_mnist_mismatch", &m, &err) == NND_ERR_SHAPE,
          "6 labels for 7 images: %s", err.message);
    CHECK(m.training.n == 0 && m.train_images.data == NULL, "a failed load left data behind");
    CHECK(nnd_mnist_load("build/no_such_dir", &m, &err) == NND_ERR_IO &&
              strstr(err.message, "build/no_such_dir/train-images-idx3-ubyte"),
          "missing directory: %s", err.message);
    {
        /* a truncated file on disk */
        static unsigned char buf[1000];
        int dims[3] = {10, 28, 28};
        size_t n = make_idx(buf, 3, dims, 900);
        write_file("build", "truncated-idx3-ubyte", buf, n);
        CHECK(nnd_idx_load("build/truncated-idx3-ubyte", &idx, &err) == NND_ERR_FORMAT &&
                  strstr(err.message, "truncated") && strstr(err.message, "build/truncated-idx3-ubyte"),
              "truncated file: %s", err.message);
    }
}

int main(void)
{
    parse_cases();
    mnist_cases();
    return check_summary();
}
