/* fuzz_alloc.h - the allocator the fuzz harnesses give nnd.h (include it
   before nnd.h: it defines NND_MALLOC, NND_REALLOC and NND_FREE).

   Every block nnd allocates goes through here, so a harness can check two
   things the sanitizers do not:
   - how much a reader allocates for an input of a given length. The readers
     compare the sizes a file declares with the numbers it holds before they
     build anything, so the memory a parse uses is bounded by a multiple of
     the input's length. fuzz_alloc_limit() sets that bound; an allocation
     that would pass it aborts at once (before the memory is touched), with
     the sizes in the message.
   - that nothing nnd allocated is still live when a run ends
     (fuzz_alloc_live() is 0), which holds whether or not LeakSanitizer runs.
   A block carries its size and a marker in a header in front of it; a free
   of a block nnd did not allocate, a double free or a write just before the
   block shows as a wrong marker and aborts. */
#ifndef FUZZ_ALLOC_H
#define FUZZ_ALLOC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_UNUSED
#if defined(__GNUC__)
#define FUZZ_UNUSED __attribute__((unused))
#else
#define FUZZ_UNUSED
#endif
#endif

/* The header keeps the block's alignment that of malloc. */
typedef union fuzz_header {
    long double ld;
    void *p;
    long long ll;
    double d;
    size_t words[2]; /* [0] size, [1] marker */
} fuzz_header;

#define FUZZ_LIVE_MARK ((size_t)0x6e6e642d6c697665ull)
#define FUZZ_DEAD_MARK ((size_t)0x6e6e642d66726565ull)

static size_t fuzz_live_bytes;  /* bytes nnd holds now */
static size_t fuzz_limit_base;  /* fuzz_live_bytes when the limit was set */
static size_t fuzz_limit_bytes; /* 0: no limit */
static size_t fuzz_input_len;   /* for the message */

/* From now on nnd may hold at most `bytes` more than it holds now (0: no
   limit). input_len is only reported. */
static FUZZ_UNUSED void fuzz_alloc_limit(size_t bytes, size_t input_len)
{
    fuzz_limit_base = fuzz_live_bytes;
    fuzz_limit_bytes = bytes;
    fuzz_input_len = input_len;
}

static FUZZ_UNUSED size_t fuzz_alloc_live(void) { return fuzz_live_bytes; }

/* What nnd holds beyond what it held when the limit was set. */
static size_t fuzz_alloc_used(void)
{
    return fuzz_live_bytes > fuzz_limit_base ? fuzz_live_bytes - fuzz_limit_base : 0;
}

/* Whether n more bytes would pass the limit (written so that it cannot
   overflow). */
static int fuzz_alloc_over_limit(size_t n)
{
    size_t used = fuzz_alloc_used();
    return fuzz_limit_bytes && (used > fuzz_limit_bytes || n > fuzz_limit_bytes - used);
}

static void fuzz_alloc_over(size_t want)
{
    fprintf(stderr,
            "fuzz invariant failed: nnd allocates %lu bytes more (holding %lu) while reading %lu bytes "
            "of input; the bound for that input is %lu\n",
            (unsigned long)want, (unsigned long)fuzz_alloc_used(),
            (unsigned long)fuzz_input_len, (unsigned long)fuzz_limit_bytes);
    abort();
}

static fuzz_header *fuzz_block(void *p)
{
    fuzz_header *h = (fuzz_header *)p - 1;
    if (h->words[1] != FUZZ_LIVE_MARK) {
        fprintf(stderr, "fuzz invariant failed: NND_FREE/NND_REALLOC of a block that is not a live nnd "
                        "block (double free, foreign pointer or a write before the block)\n");
        abort();
    }
    return h;
}

static FUZZ_UNUSED void *fuzz_malloc(size_t n)
{
    fuzz_header *h;
    if (n > (size_t)-1 - sizeof *h) return NULL;
    if (fuzz_alloc_over_limit(n)) fuzz_alloc_over(n);
    h = (fuzz_header *)malloc(sizeof *h + n);
    if (!h) return NULL;
    h->words[0] = n;
    h->words[1] = FUZZ_LIVE_MARK;
    fuzz_live_bytes += n;
    return h + 1;
}

static FUZZ_UNUSED void fuzz_free(void *p)
{
    fuzz_header *h;
    if (!p) return;
    h = fuzz_block(p);
    fuzz_live_bytes -= h->words[0];
    h->words[1] = FUZZ_DEAD_MARK;
    free(h);
}

static FUZZ_UNUSED void *fuzz_realloc(void *p, size_t n)
{
    fuzz_header *h, *g;
    size_t old;
    if (!p) return fuzz_malloc(n);
    if (n > (size_t)-1 - sizeof *h) return NULL;
    h = fuzz_block(p);
    old = h->words[0];
    if (n > old && fuzz_alloc_over_limit(n - old)) fuzz_alloc_over(n - old);
    g = (fuzz_header *)realloc(h, sizeof *g + n);
    if (!g) return NULL;
    g->words[0] = n;
    fuzz_live_bytes = fuzz_live_bytes - old + n;
    return g + 1;
}

#define NND_MALLOC(sz) fuzz_malloc(sz)
#define NND_REALLOC(p, sz) fuzz_realloc(p, sz)
#define NND_FREE(p) fuzz_free(p)

#endif /* FUZZ_ALLOC_H */
