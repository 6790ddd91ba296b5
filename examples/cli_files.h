/* cli_files.h - the files build/network2 and build/network3 write and read
   besides models: text built in memory and saved through nnd_save_file, the
   network3 checkpoint, and network3's predictions files. Include after
   nnd.h (with NND_IMPLEMENTATION defined in the program). The readers take
   (bytes, length), check every field, and report a one-line message in an
   nnd_error; tests/fuzz/ runs them on hostile input.

   text_printf / text_save      a growing text buffer, saved in one piece
   output_check                 whether a file could be saved at a path
   cli_warn_diverging           the one-line warning of a finite blow-up
   ckpt_write / ckpt_parse      the network3 checkpoint
   predictions_parse            a --predictions file: one class per line */
#ifndef CLI_FILES_H
#define CLI_FILES_H

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CLI_DEF static __attribute__((unused))
#else
#define CLI_DEF static
#endif

/* ---------------------------------------------------------------- text */
typedef struct text {
    char *s;
    size_t len, cap;
    int nomem;
} text;

CLI_DEF void text_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (t->nomem) return;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->nomem = 1;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        } else {
            size_t cap = t->cap ? t->cap : 4096;
            char *s;
            while (cap - t->len <= (size_t)n) cap *= 2;
            if (!(s = (char *)realloc(t->s, cap))) {
                t->nomem = 1;
                return;
            }
            t->s = s;
            t->cap = cap;
        }
    }
}

CLI_DEF void text_free(text *t)
{
    free(t->s);
    memset(t, 0, sizeof *t);
}

/* Save the text to path (nnd_save_file: the previous file survives any
   failure). */
CLI_DEF int text_save(const text *t, const char *path, nnd_error *err)
{
    if (t->nomem) {
        snprintf(err->message, sizeof err->message, "%.200s: out of memory", path);
        return err->status = NND_ERR_NOMEM;
    }
    return nnd_save_file(path, t->s ? t->s : "", t->len, err);
}

/* Whether a file could be saved at path (nnd_save_check), checked before a
   long run so that it does not end in an unwritable path. */
CLI_DEF int output_check(const char *path, nnd_error *err) { return nnd_save_check(path, err); }

/* One warning, the first time an epoch's parameters blow up while staying
   finite (NaN or infinity stops training with an error instead). */
CLI_DEF void cli_warn_diverging(const nnd_epoch *e, int *warned, const char *program)
{
    if (!e->diverging || *warned) return;
    *warned = 1;
    fprintf(stderr, "%s: warning: epoch %d: training is diverging (largest |parameter| %.3g, %s); "
                    "eta %g is probably too large\n",
            program, e->epoch, e->max_abs_param,
            e->max_abs_param > NND_DIVERGING_PARAM ? "over 1e4" : "training cost up a thousand-fold",
            e->eta);
}

/* ------------------------------------------------------------ checkpoint */
/* A network3 checkpoint: a header of lines, then "model" and the net in nnd
   JSON.
       nnd-network3-checkpoint 1
       run preset=conv seed=... (the run's settings, one line)
       done D                     epochs done
       dropout_rng STATE SPARE_FLAG SPARE   (SPARE as a C99 hex float)
       best EPOCH VALIDATION TEST  (-1 -1 -1 before any best)
       epoch E VALIDATION TEST SECONDS     one line per epoch done
       model
       {...nnd JSON...}                                                   */
typedef struct ckpt {
    char run[1024];
    int done;
    nnd_rng dropout;
    int best_epoch, best_val, best_test;
    int *val, *test; /* done entries each */
    double *seconds;
    nnd_net *net;
} ckpt;

/* The limits a checkpoint's numbers must keep: at most max_epochs epochs,
   validation accuracies 0..n_val, test accuracies -1..n_test. */
typedef struct ckpt_limits {
    int max_epochs, n_val, n_test;
} ckpt_limits;

CLI_DEF void ckpt_free(ckpt *c)
{
    free(c->val);
    free(c->test);
    free(c->seconds);
    nnd_free(c->net);
    memset(c, 0, sizeof *c);
}

CLI_DEF char *ckpt_write(const ckpt *c, size_t *len, nnd_error *err)
{
    text t;
    size_t jlen;
    char *json = nnd_write(c->net, &jlen, err);
    int e;
    if (!json) return NULL;
    memset(&t, 0, sizeof t);
    text_printf(&t, "nnd-network3-checkpoint 1\n%s\ndone %d\n", c->run, c->done);
    text_printf(&t, "dropout_rng %llu %d %a\n", (unsigned long long)c->dropout.state, c->dropout.has_spare,
                c->dropout.spare);
    text_printf(&t, "best %d %d %d\n", c->best_epoch, c->best_val, c->best_test);
    for (e = 0; e < c->done; ++e)
        text_printf(&t, "epoch %d %d %d %.3f\n", e, c->val[e], c->test[e], c->seconds[e]);
    text_printf(&t, "model\n%s", json);
    nnd_free_text(json);
    if (t.nomem) {
        text_free(&t);
        snprintf(err->message, sizeof err->message, "out of memory");
        err->status = NND_ERR_NOMEM;
        return NULL;
    }
    *len = t.len;
    return t.s;
}

/* A reader of the header: the current line, and its number for messages. */
typedef struct ckpt_reader {
    const char *p, *end;
    int line;
    nnd_error *err;
} ckpt_reader;

CLI_DEF int ckpt_fail(ckpt_reader *R, const char *what)
{
    snprintf(R->err->message, sizeof R->err->message, "checkpoint line %d: %s", R->line, what);
    R->err->line = R->line;
    return R->err->status = NND_ERR_FORMAT;
}

/* The next space-separated word of the current line into buf: 1, or 0 at
   the end of the line; a word longer than buf or holding a NUL byte is
   malformed (-1), never cut short. */
CLI_DEF int ckpt_token(ckpt_reader *R, char *buf, size_t cap)
{
    size_t n = 0;
    int bad = 0;
    while (R->p < R->end && *R->p == ' ') ++R->p;
    while (R->p < R->end && *R->p != ' ' && *R->p != '\n') {
        if (n + 1 < cap && *R->p != '\0') buf[n++] = *R->p;
        else bad = 1;
        ++R->p;
    }
    buf[n] = '\0';
    return bad ? -1 : n > 0;
}

/* A decimal integer word: an optional '-', then digits. */
CLI_DEF int ckpt_decimal(const char *tok, int sign_ok)
{
    const char *q = tok + (sign_ok && tok[0] == '-');
    if (!*q) return 0;
    for (; *q; ++q)
        if (*q < '0' || *q > '9') return 0;
    return 1;
}

/* The keyword, then count integers in [lo, hi], then the end of the line. */
CLI_DEF int ckpt_ints(ckpt_reader *R, const char *key, long *v, int count, long lo, long hi)
{
    char tok[32];
    int i;
    if (ckpt_token(R, tok, sizeof tok) != 1 || strcmp(tok, key)) return ckpt_fail(R, "a line is missing or out of order");
    for (i = 0; i < count; ++i) {
        int got = ckpt_token(R, tok, sizeof tok);
        if (got == 0) return ckpt_fail(R, "too few numbers");
        errno = 0;
        if (got < 0 || !ckpt_decimal(tok, 1) || (v[i] = strtol(tok, NULL, 10), errno) || v[i] < lo || v[i] > hi)
            return ckpt_fail(R, "a number is malformed or out of range");
    }
    return NND_OK;
}

CLI_DEF int ckpt_eol(ckpt_reader *R)
{
    char tok[8];
    if (ckpt_token(R, tok, sizeof tok) != 0) return ckpt_fail(R, "unexpected text at the end of the line");
    if (R->p >= R->end) return ckpt_fail(R, "the file ends early");
    ++R->p; /* '\n' */
    ++R->line;
    return NND_OK;
}

/* A real number word (decimal, or a C99 hex float as %a writes it). */
CLI_DEF int ckpt_real(ckpt_reader *R, double *v, double lo, double hi)
{
    char tok[64], *end;
    int got = ckpt_token(R, tok, sizeof tok);
    if (got == 0) return ckpt_fail(R, "too few numbers");
    if (got < 0 || strspn(tok, "0123456789abcdefABCDEFxXpP.+-") != strlen(tok))
        return ckpt_fail(R, "a number is malformed or out of range");
    *v = strtod(tok, &end);
    if (*end || !(*v >= lo && *v <= hi)) return ckpt_fail(R, "a number is malformed or out of range");
    return NND_OK;
}

/* The header lines up to "model" (c's arrays allocated for c->done). */
CLI_DEF int ckpt_header(ckpt_reader *R, const ckpt_limits *lim, ckpt *c)
{
    const char *magic = "nnd-network3-checkpoint 1\n";
    const char *nl;
    char tok[32];
    long v[4];
    int st, e;
    unsigned long long state;
    if ((size_t)(R->end - R->p) < strlen(magic) || memcmp(R->p, magic, strlen(magic)))
        return ckpt_fail(R, "not a network3 checkpoint");
    R->p += strlen(magic);
    R->line = 2;
    nl = (const char *)memchr(R->p, '\n', (size_t)(R->end - R->p));
    if (!nl || (size_t)(nl - R->p) >= sizeof c->run || nl - R->p < 4 || memcmp(R->p, "run ", 4))
        return ckpt_fail(R, "no run line");
    memcpy(c->run, R->p, (size_t)(nl - R->p));
    c->run[nl - R->p] = '\0';
    if (memchr(c->run, '\0', (size_t)(nl - R->p))) return ckpt_fail(R, "a NUL byte in the run line");
    R->p = nl + 1;
    R->line = 3;
    if ((st = ckpt_ints(R, "done", v, 1, 1, lim->max_epochs)) || (st = ckpt_eol(R))) return st;
    c->done = (int)v[0];
    if (ckpt_token(R, tok, sizeof tok) != 1 || strcmp(tok, "dropout_rng") || ckpt_token(R, tok, sizeof tok) != 1)
        return ckpt_fail(R, "no dropout_rng line");
    errno = 0;
    if (!ckpt_decimal(tok, 0) || (state = strtoull(tok, NULL, 10), errno))
        return ckpt_fail(R, "a malformed dropout_rng state");
    c->dropout.state = (uint64_t)state;
    if (ckpt_token(R, tok, sizeof tok) != 1 || (strcmp(tok, "0") && strcmp(tok, "1")))
        return ckpt_fail(R, "the spare flag is not 0 or 1");
    c->dropout.has_spare = tok[0] == '1';
    if ((st = ckpt_real(R, &c->dropout.spare, -DBL_MAX, DBL_MAX)) || (st = ckpt_eol(R))) return st;
    if ((st = ckpt_ints(R, "best", v, 3, -1, INT_MAX)) || (st = ckpt_eol(R))) return st;
    c->best_epoch = (int)v[0];
    c->best_val = (int)v[1];
    c->best_test = (int)v[2];
    if (c->best_epoch >= c->done || c->best_val > lim->n_val || c->best_test > lim->n_test ||
        (c->best_epoch < 0) != (c->best_val < 0) || (c->best_epoch < 0 && c->best_test != -1))
        return ckpt_fail(R, "the best epoch or its accuracies are out of range");
    c->val = (int *)calloc((size_t)c->done, sizeof(int));
    c->test = (int *)calloc((size_t)c->done, sizeof(int));
    c->seconds = (double *)calloc((size_t)c->done, sizeof(double));
    if (!c->val || !c->test || !c->seconds) {
        snprintf(R->err->message, sizeof R->err->message, "out of memory");
        return R->err->status = NND_ERR_NOMEM;
    }
    for (e = 0; e < c->done; ++e) {
        if ((st = ckpt_ints(R, "epoch", v, 3, -1, INT_MAX))) return st;
        if (v[0] != e || v[1] < 0 || v[1] > lim->n_val || v[2] > lim->n_test)
            return ckpt_fail(R, "an epoch line is out of order or out of range");
        c->val[e] = (int)v[1];
        c->test[e] = (int)v[2];
        if ((st = ckpt_real(R, &c->seconds[e], 0, 1e9)) || (st = ckpt_eol(R))) return st;
    }
    /* the best epoch is an epoch of the list, with its accuracies */
    if (c->best_epoch >= 0 && (c->val[c->best_epoch] != c->best_val || c->test[c->best_epoch] != c->best_test))
        return ckpt_fail(R, "the best line disagrees with its epoch line");
    if ((size_t)(R->end - R->p) < 6 || memcmp(R->p, "model\n", 6)) return ckpt_fail(R, "no model line");
    R->p += 6;
    return NND_OK;
}

/* Parse a checkpoint; on success c owns its arrays and net (ckpt_free). */
CLI_DEF int ckpt_parse(const char *bytes, size_t len, const ckpt_limits *lim, ckpt *c, nnd_error *err)
{
    ckpt_reader R;
    int st;
    memset(c, 0, sizeof *c);
    R.p = bytes;
    R.end = bytes + len;
    R.line = 1;
    R.err = err;
    if ((st = ckpt_header(&R, lim, c)) == NND_OK) {
        c->net = nnd_parse(R.p, (size_t)(R.end - R.p), err);
        if (!c->net) {
            char msg[sizeof err->message];
            memcpy(msg, err->message, sizeof msg);
            snprintf(err->message, sizeof err->message, "checkpoint model: %.200s", msg);
            st = err->status;
        }
    }
    if (st != NND_OK) ckpt_free(c);
    return st;
}

/* ----------------------------------------------------------- predictions */
/* A --predictions file: '#' comment lines, then exactly n lines of one class
   in [0, classes) each, into row. */
CLI_DEF int predictions_parse(const char *bytes, size_t len, int n, int classes, int *row, nnd_error *err)
{
    const char *p = bytes, *end = bytes + len;
    int count = 0, line = 0;
    while (p < end) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        long v = 0;
        int digits = 0;
        ++line;
        if (*p != '#') {
            const char *q = p;
            while (q < stop && *q >= '0' && *q <= '9' && digits < 9) v = 10 * v + (*q++ - '0'), ++digits;
            while (q < stop && (*q == ' ' || *q == '\r')) ++q;
            if (!digits || q != stop || v >= classes) {
                snprintf(err->message, sizeof err->message, "line %d: not a class 0-%d", line, classes - 1);
                err->line = line;
                return err->status = NND_ERR_FORMAT;
            }
            if (count >= n) {
                snprintf(err->message, sizeof err->message, "line %d: more predictions than the %d test images",
                         line, n);
                err->line = line;
                return err->status = NND_ERR_SHAPE;
            }
            row[count++] = (int)v;
        }
        p = nl ? nl + 1 : end;
    }
    if (count != n) {
        snprintf(err->message, sizeof err->message, "fewer predictions (%d) than the %d test images", count, n);
        err->line = 0;
        return err->status = NND_ERR_SHAPE;
    }
    err->status = NND_OK;
    err->message[0] = '\0';
    return NND_OK;
}

#endif /* CLI_FILES_H */
