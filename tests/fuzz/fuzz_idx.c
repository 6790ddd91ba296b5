/* fuzz_idx.c - libFuzzer harness for nnd_idx_parse, the IDX files of MNIST
   (magic 00 00 08 n, n big-endian dimensions, then the bytes).

   For every input:
   - a rejection returns an NND_ERR_* status equal to err.status with a
     one-line printable message (fuzz_error_ok) and keeps nothing allocated;
   - an acceptance has 1 to 4 dimensions, each at least 1, count their
     product, and the input is exactly the header those dimensions make
     followed by the data: data holds the last count bytes of the input;
   - the parse allocates no more than the data plus a little;
   - nothing is left allocated after nnd_idx_free. */
#include "fuzz_alloc.h"
#define NND_IMPLEMENTATION
#include "../../nnd.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nnd_error err;
    nnd_idx idx;
    int st, d;
    fuzz_error_poison(&err);
    memset(&idx, 0x55, sizeof idx);
    fuzz_alloc_limit(size + 64, size);
    st = nnd_idx_parse(data, size, &idx, &err);
    fuzz_alloc_limit(0, 0);
    if (st != NND_OK) {
        fuzz_error_ok(st, &err, "nnd_idx_parse");
    } else {
        size_t count = 1, header;
        fuzz_success_ok(&err, "nnd_idx_parse");
        FUZZ_CHECK(idx.ndim >= 1 && idx.ndim <= 4, "%d dimensions", idx.ndim);
        header = 4 + 4 * (size_t)idx.ndim;
        FUZZ_CHECK(size >= header && data[0] == 0 && data[1] == 0 && data[2] == 8 && data[3] == idx.ndim,
                   "accepted magic %02x %02x %02x %02x for %d dimensions", size > 0 ? data[0] : 0,
                   size > 1 ? data[1] : 0, size > 2 ? data[2] : 0, size > 3 ? data[3] : 0, idx.ndim);
        for (d = 0; d < idx.ndim; ++d) {
            const uint8_t *p = data + 4 + 4 * d;
            unsigned long v = ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
                              ((unsigned long)p[2] << 8) | p[3];
            FUZZ_CHECK(idx.dims[d] >= 1 && (unsigned long)idx.dims[d] == v,
                       "dimension %d is %d, the header says %lu", d, idx.dims[d], v);
            count *= (size_t)idx.dims[d];
        }
        FUZZ_CHECK(idx.count == count, "count %lu, the dimensions multiply to %lu", (unsigned long)idx.count,
                   (unsigned long)count);
        FUZZ_CHECK(size == header + count, "accepted %lu bytes for a header of %lu and %lu data bytes",
                   (unsigned long)size, (unsigned long)header, (unsigned long)count);
        FUZZ_CHECK(idx.data != NULL && !memcmp(idx.data, data + (size - count), count),
                   "data is not the last %lu bytes of the input", (unsigned long)count);
        nnd_idx_free(&idx);
    }
    FUZZ_CHECK(fuzz_alloc_live() == 0, "%lu bytes nnd allocated are still held", (unsigned long)fuzz_alloc_live());
    return 0;
}
