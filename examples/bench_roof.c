/* bench_roof - the machine's practical single-precision roof: the best of five
   2048 x 2048 sgemm calls in OpenBLAS (Debian's libopenblas-dev), one thread.
   Used only for measuring; nnd does not link OpenBLAS. Prints
     RESULT gflops=G */
#define _POSIX_C_SOURCE 199309L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    const int n = 2048;
    float *a = malloc(sizeof *a * n * n), *b = malloc(sizeof *b * n * n), *c = malloc(sizeof *c * n * n);
    double best = 1e30;
    int i, r;
    if (!a || !b || !c) return 1;
    for (i = 0; i < n * n; ++i) {
        a[i] = (float)(i % 97) / 97.0f;
        b[i] = (float)(i % 89) / 89.0f;
    }
    for (r = 0; r < 6; ++r) {
        double t = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = now() - t;
        if (r > 0 && t < best) best = t; /* the first call warms up */
    }
    printf("RESULT gflops=%.1f\n", 2.0 * n * n * (double)n / best * 1e-9);
    free(a);
    free(b);
    free(c);
    return 0;
}
