/* fuzz_checkpoint.c - libFuzzer harness for ckpt_parse (examples/
   cli_files.h), network3's checkpoint: header lines, "model", then an nnd
   JSON model.

   The limits are fixed: at most 60 epochs, 10,000 validation and 10,000
   test images. For every input:
   - a rejection returns an NND_ERR_* status equal to err.status with a
     one-line printable message (fuzz_error_ok);
   - the parse allocates (through nnd) no more than a fixed multiple of the
     input's length;
   - an accepted checkpoint keeps the limits: 1..60 epochs done, the best
     epoch -1 (none) or below done with accuracies in range and -1 exactly
     together with it, every epoch's accuracies and seconds in range, a run
     line starting "run " without a newline;
   - every value it returns is the number its line states: each header line
     is split into its space-separated words again here and each number is
     converted whole (strtol / strtoull / strtod over the entire word), so a
     reader that reads only part of a word, or a word that is not a number
     at all, is caught;
   - the net holds together and is run forward and back (fuzz_run_net) when
     small;
   - the checkpoint is written with ckpt_write and read back: the same
     header fields (seconds to the 3 decimals ckpt_write keeps), the same
     net (bits of the parameters, the layers, a run), and the same text when
     written again;
   - nothing nnd allocated is left when the input is done. */
#include "fuzz_alloc.h"
#define NND_IMPLEMENTATION
#include "../../nnd.h"
#include "../../examples/cli_files.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ckpt_limits fuzz_limits = {60, 10000, 10000};

/* The words of the line starting at *p (up to '\n'), split at spaces, each
   a NUL-terminated copy; *p moves past the line. Returns the word count
   (at most max; more words fail the check). */
static int fuzz_words(const char **p, const char *end, char **w, int max)
{
    const char *q = *p, *nl = (const char *)memchr(q, '\n', (size_t)(end - q));
    int n = 0;
    FUZZ_CHECK(nl != NULL, "an accepted checkpoint header line has no newline");
    while (q < nl) {
        const char *s;
        while (q < nl && *q == ' ') ++q;
        if (q == nl) break;
        s = q;
        while (q < nl && *q != ' ') ++q;
        FUZZ_CHECK(n < max, "an accepted header line has more than %d words", max);
        w[n] = (char *)malloc((size_t)(q - s) + 1);
        FUZZ_CHECK(w[n] != NULL, "out of memory");
        memcpy(w[n], s, (size_t)(q - s));
        w[n][q - s] = '\0';
        ++n;
    }
    *p = nl + 1;
    return n;
}

static void fuzz_words_free(char **w, int n)
{
    while (n > 0) free(w[--n]);
}

/* The whole word as an integer; it must be one. */
static long long fuzz_int(const char *word, const char *what)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(word, &end, 10);
    FUZZ_CHECK(*word && !*end && !errno, "accepted %s \"%s\", which is not a whole integer", what, word);
    return v;
}

static double fuzz_real(const char *word, const char *what)
{
    char *end;
    double v = strtod(word, &end);
    FUZZ_CHECK(*word && !*end, "accepted %s \"%s\", which is not a whole number", what, word);
    return v;
}

/* The header of an accepted checkpoint, read again word by word, against
   what ckpt_parse returned. */
static void fuzz_header_states(const uint8_t *data, size_t size, const ckpt *c)
{
    const char *p = (const char *)data, *end = p + size;
    char *w[8];
    int n, e;
    const char *magic = "nnd-network3-checkpoint 1\n";
    FUZZ_CHECK(size > strlen(magic) && !memcmp(p, magic, strlen(magic)), "accepted without the first line");
    p += strlen(magic);
    {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p));
        FUZZ_CHECK(nl && (size_t)(nl - p) == strlen(c->run) && !memcmp(p, c->run, strlen(c->run)),
                   "run \"%s\" is not the second line", c->run);
        p = nl + 1;
    }
    n = fuzz_words(&p, end, w, 8);
    FUZZ_CHECK(n == 2 && !strcmp(w[0], "done") && fuzz_int(w[1], "done") == c->done, "done %d is not the done line",
               c->done);
    fuzz_words_free(w, n);
    n = fuzz_words(&p, end, w, 8);
    FUZZ_CHECK(n == 4 && !strcmp(w[0], "dropout_rng"), "not a dropout_rng line");
    {
        char *e2;
        unsigned long long s;
        double spare = fuzz_real(w[3], "spare");
        errno = 0;
        s = strtoull(w[1], &e2, 10);
        FUZZ_CHECK(*w[1] && !*e2 && !errno && s == c->dropout.state,
                   "dropout state %llu is not \"%s\" of the file", (unsigned long long)c->dropout.state, w[1]);
        FUZZ_CHECK(c->dropout.has_spare == (int)fuzz_int(w[2], "spare flag"), "spare flag %d is not \"%s\"",
                   c->dropout.has_spare, w[2]);
        FUZZ_CHECK(!memcmp(&spare, &c->dropout.spare, sizeof spare), "spare %a is not \"%s\"", c->dropout.spare, w[3]);
    }
    fuzz_words_free(w, n);
    n = fuzz_words(&p, end, w, 8);
    FUZZ_CHECK(n == 4 && !strcmp(w[0], "best") && fuzz_int(w[1], "best epoch") == c->best_epoch &&
                   fuzz_int(w[2], "best validation accuracy") == c->best_val &&
                   fuzz_int(w[3], "best test accuracy") == c->best_test,
               "best %d %d %d is not the best line", c->best_epoch, c->best_val, c->best_test);
    fuzz_words_free(w, n);
    for (e = 0; e < c->done; ++e) {
        double s;
        n = fuzz_words(&p, end, w, 8);
        FUZZ_CHECK(n == 5 && !strcmp(w[0], "epoch") && fuzz_int(w[1], "epoch") == e, "not the line of epoch %d", e);
        s = fuzz_real(w[4], "seconds");
        FUZZ_CHECK(fuzz_int(w[2], "validation accuracy") == c->val[e] && fuzz_int(w[3], "test accuracy") == c->test[e] &&
                       !memcmp(&s, &c->seconds[e], sizeof s),
                   "epoch %d: %d %d %.17g are not the numbers of its line (%s %s %s)", e, c->val[e], c->test[e],
                   c->seconds[e], w[2], w[3], w[4]);
        fuzz_words_free(w, n);
    }
    FUZZ_CHECK(end - p >= 6 && !memcmp(p, "model\n", 6), "accepted without a model line after the epochs");
}

/* What ckpt_parse promises about an accepted checkpoint. */
static void fuzz_in_limits(const ckpt *c)
{
    int e;
    FUZZ_CHECK(memchr(c->run, '\0', sizeof c->run) != NULL && !strncmp(c->run, "run ", 4) && !strchr(c->run, '\n'),
               "the run line");
    FUZZ_CHECK(c->done >= 1 && c->done <= fuzz_limits.max_epochs, "done %d", c->done);
    FUZZ_CHECK(c->best_epoch >= -1 && c->best_epoch < c->done, "best epoch %d of %d done", c->best_epoch, c->done);
    FUZZ_CHECK((c->best_epoch < 0) == (c->best_val < 0) && c->best_val >= -1 && c->best_val <= fuzz_limits.n_val &&
                   c->best_test >= -1 && c->best_test <= fuzz_limits.n_test,
               "best %d %d %d", c->best_epoch, c->best_val, c->best_test);
    FUZZ_CHECK(c->dropout.has_spare == 0 || c->dropout.has_spare == 1, "spare flag %d", c->dropout.has_spare);
    FUZZ_CHECK(isfinite(c->dropout.spare), "spare %g", c->dropout.spare);
    for (e = 0; e < c->done; ++e)
        FUZZ_CHECK(c->val[e] >= 0 && c->val[e] <= fuzz_limits.n_val && c->test[e] >= -1 &&
                       c->test[e] <= fuzz_limits.n_test && c->seconds[e] >= 0 && c->seconds[e] <= 1e9,
                   "epoch %d: %d %d %g", e, c->val[e], c->test[e], c->seconds[e]);
    FUZZ_CHECK(c->net != NULL, "no net");
}

/* Two checkpoints with the same header; b was read from a's ckpt_write,
   which keeps seconds to 3 decimals. */
static void fuzz_same_header(const ckpt *a, const ckpt *b, int rounded)
{
    int e;
    FUZZ_CHECK(!strcmp(a->run, b->run) && a->done == b->done && a->dropout.state == b->dropout.state &&
                   a->dropout.has_spare == b->dropout.has_spare &&
                   !memcmp(&a->dropout.spare, &b->dropout.spare, sizeof a->dropout.spare) &&
                   a->best_epoch == b->best_epoch && a->best_val == b->best_val && a->best_test == b->best_test,
               "the header read back differs");
    for (e = 0; e < a->done; ++e) {
        FUZZ_CHECK(a->val[e] == b->val[e] && a->test[e] == b->test[e], "epoch %d read back differs", e);
        if (rounded)
            FUZZ_CHECK(fabs(a->seconds[e] - b->seconds[e]) <= 0.0005 + 1e-6, "epoch %d: %.17g seconds read back as %.17g",
                       e, a->seconds[e], b->seconds[e]);
        else
            FUZZ_CHECK(!memcmp(&a->seconds[e], &b->seconds[e], sizeof(double)), "epoch %d: seconds read back differ", e);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nnd_error err;
    ckpt c, c1, c2;
    int st;
    fuzz_error_poison(&err);
    fuzz_alloc_limit(fuzz_parse_limit(size), size);
    st = ckpt_parse((const char *)data, size, &fuzz_limits, &c, &err);
    fuzz_alloc_limit(0, 0);
    if (st != NND_OK) {
        fuzz_error_ok(st, &err, "ckpt_parse");
    } else {
        fuzz_results r, r1;
        size_t len1, len2;
        char *t1, *t2;
        fuzz_success_ok(&err, "ckpt_parse");
        fuzz_in_limits(&c);
        fuzz_header_states(data, size, &c);
        fuzz_net_consistent(c.net);
        fuzz_run_net(c.net, &r);
        /* write, read back, compare, write again */
        fuzz_error_poison(&err);
        t1 = ckpt_write(&c, &len1, &err);
        FUZZ_CHECK(t1 != NULL, "ckpt_write of a checkpoint that was read: %s", err.message);
        fuzz_error_poison(&err);
        st = ckpt_parse(t1, len1, &fuzz_limits, &c1, &err);
        FUZZ_CHECK(st == NND_OK, "the checkpoint written cannot be read back: %s", err.message);
        fuzz_same_header(&c, &c1, 1);
        fuzz_same_net(c.net, c1.net, "checkpoint");
        fuzz_run_net(c1.net, &r1);
        fuzz_same_results(&r, &r1);
        t2 = ckpt_write(&c1, &len2, &err);
        FUZZ_CHECK(t2 != NULL && len2 == len1 && !memcmp(t1, t2, len1), "writing the checkpoint read back gives other text");
        st = ckpt_parse(t2, len2, &fuzz_limits, &c2, &err);
        FUZZ_CHECK(st == NND_OK, "the checkpoint written twice cannot be read back: %s", err.message);
        fuzz_same_header(&c1, &c2, 0);
        fuzz_same_net(c1.net, c2.net, "checkpoint written twice");
        free(t1);
        free(t2);
        fuzz_results_free(&r);
        fuzz_results_free(&r1);
        ckpt_free(&c);
        ckpt_free(&c1);
        ckpt_free(&c2);
    }
    FUZZ_CHECK(fuzz_alloc_live() == 0, "%lu bytes nnd allocated are still held", (unsigned long)fuzz_alloc_live());
    return 0;
}
