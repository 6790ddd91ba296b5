/* fuzz_predictions.c - libFuzzer harness for predictions_parse
   (examples/cli_files.h), network3's --predictions file: '#' comment lines
   and exactly n lines of one class in [0, classes) each.

   The first input byte picks one of a few (n, classes) pairs; the rest is
   the file. For every input:
   - a rejection returns an NND_ERR_* status equal to err.status with a
     one-line printable message (fuzz_error_ok);
   - the reader writes only into the n entries of row (row is allocated
     with exactly n entries, so AddressSanitizer sees any write past them);
   - an acceptance fills all n entries with classes in [0, classes), and
     they are the numbers of the file's non-comment lines, in order, each
     line read again here on its own (digits, then only spaces or '\r');
   - the values written back as a file (a comment line, then one class a
     line) read back to the same row. */
#define NND_IMPLEMENTATION
#include "../../nnd.h"
#include "../../examples/cli_files.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    int n, classes;
} fuzz_shapes[8] = {{0, 10}, {1, 10}, {3, 10}, {5, 2}, {10, 10}, {64, 10}, {4, 1}, {3, 1000000000}};

/* The file's lines again, against row. */
static void fuzz_lines_state(const char *p, const char *end, const int *row, int n)
{
    int count = 0;
    while (p < end) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end, *q = p;
        if (*p != '#') {
            long long v = 0;
            FUZZ_CHECK(q < stop && *q >= '0' && *q <= '9', "accepted a line that does not start with a digit");
            while (q < stop && *q >= '0' && *q <= '9') {
                v = 10 * v + (*q - '0');
                FUZZ_CHECK(v <= INT_MAX, "accepted a class that does not fit an int");
                ++q;
            }
            while (q < stop && (*q == ' ' || *q == '\r')) ++q;
            FUZZ_CHECK(q == stop, "accepted a line with more than a number");
            FUZZ_CHECK(count < n, "accepted more than %d predictions", n);
            FUZZ_CHECK(row[count] == v, "prediction %d is %d, its line says %lld", count, row[count], v);
            ++count;
        }
        p = nl ? nl + 1 : end;
    }
    FUZZ_CHECK(count == n, "accepted %d predictions for %d", count, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nnd_error err;
    int n, classes, st, i, *row, *back;
    const char *file;
    size_t len;
    if (size < 1) return 0;
    n = fuzz_shapes[data[0] % 8].n;
    classes = fuzz_shapes[data[0] % 8].classes;
    file = (const char *)data + 1;
    len = size - 1;
    row = (int *)malloc(sizeof(int) * (size_t)n + 1);
    back = (int *)malloc(sizeof(int) * (size_t)n + 1);
    FUZZ_CHECK(row && back, "out of memory");
    for (i = 0; i < n; ++i) row[i] = -1;
    fuzz_error_poison(&err);
    st = predictions_parse(file, len, n, classes, row, &err);
    if (st != NND_OK) {
        fuzz_error_ok(st, &err, "predictions_parse");
    } else {
        text t;
        fuzz_success_ok(&err, "predictions_parse");
        for (i = 0; i < n; ++i)
            FUZZ_CHECK(row[i] >= 0 && row[i] < classes, "prediction %d is %d, outside 0..%d", i, row[i], classes - 1);
        fuzz_lines_state(file, file + len, row, n);
        memset(&t, 0, sizeof t);
        text_printf(&t, "# %d predictions of %d classes\n", n, classes);
        for (i = 0; i < n; ++i) text_printf(&t, "%d\n", row[i]);
        FUZZ_CHECK(!t.nomem, "out of memory");
        st = predictions_parse(t.s, t.len, n, classes, back, &err);
        FUZZ_CHECK(st == NND_OK && !memcmp(row, back, sizeof(int) * (size_t)n),
                   "the predictions written back do not read back the same: %s", err.message);
        text_free(&t);
    }
    free(row);
    free(back);
    return 0;
}
