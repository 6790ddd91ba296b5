/* cli_files.h - the files build/network2 and build/network3 write and read
   besides models: text built in memory and saved through nnd_save_file, the
   network3 checkpoint, and network3's predictions files; and what the two
   programs share so that they speak alike: their options and the messages
   about them, the description of a net, the progress line. Include after
   nnd.h (with NND_IMPLEMENTATION defined in the program). The readers take
   (bytes, length), check every field, and report a one-line message in an
   nnd_error; tests/fuzz/ runs them on hostile input.

   text_printf / text_save      a growing text buffer, saved in one piece
   output_check                 whether a file could be saved at a path
   cli_export_onnx              --export-onnx: the net as an ONNX model
   cli_warn_diverging           the one-line warning of a finite blow-up
   ckpt_write / ckpt_parse      the network3 checkpoint
   predictions_parse            a --predictions file: one class per line
   cli_parse / cli_fail         options and their one-line errors
   cli_describe_net             a net's layer stack in one line
   cli_progress_*               the progress line of a long epoch */
#ifndef CLI_FILES_H
#define CLI_FILES_H

#include <ctype.h>
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

/* --export-onnx: the net as an ONNX model (nnd_onnx_save, the file whole
   or the previous one untouched); prints what was written, "the net ..."
   saying which (`what`), or the error on stderr. Returns the status. */
CLI_DEF int cli_export_onnx(const char *program, const nnd_net *net, const char *path, const char *what)
{
    nnd_error err;
    if (nnd_onnx_save(net, path, &err) != NND_OK) {
        fprintf(stderr, "%s: error: %s\n", program, err.message);
        return err.status;
    }
    printf("saved %s (ONNX, opset 13, input [N, %d], output [N, %d]): %s\n", path, nnd_input_size(net),
           nnd_output_size(net), what);
    return NND_OK;
}

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

/* --------------------------------------------------------------- options */
/* The options of build/network2 and build/network3, parsed alike: "--name
   value" or "--name=value". A value may not start with "--" (a forgotten
   value would otherwise take the next option as, say, a file name), and an
   option that takes a value may be given once (a second one would silently
   replace the first). Every error is one line on stderr,
       PROGRAM: --name: what is wrong
   and exit status 2; a name that is not an option is answered with the
   nearest option when one is close (cli_distance). */
#if defined(__GNUC__)
#define CLI_NORETURN __attribute__((noreturn))
#else
#define CLI_NORETURN
#endif

typedef enum cli_kind {
    CLI_SWITCH, /* no value */
    CLI_TEXT,   /* any text that is not empty: a file, a folder, a list */
    CLI_COUNT,  /* a decimal integer in [min, max] */
    CLI_REAL,   /* a number in [lo, hi], or (lo, hi] when lo_open */
    CLI_CHOICE  /* one of choices (NULL-terminated) */
} cli_kind;

typedef struct cli_opt {
    const char *name; /* "--eta" */
    cli_kind kind;
    const char *what; /* CLI_TEXT, CLI_REAL: the value in messages ("a file name") */
    unsigned long long min, max;
    double lo, hi;
    int lo_open;
    const char *const *choices;
    /* set by cli_parse */
    int given;                /* times given */
    const char *text;         /* the value as given */
    unsigned long long count; /* CLI_COUNT */
    double real;              /* CLI_REAL */
    int choice;               /* CLI_CHOICE: the index in choices */
} cli_opt;

/* "1 epoch", "2 epochs": the plural's s for n. */
CLI_DEF const char *cli_s(long n) { return n == 1 ? "" : "s"; }

CLI_DEF CLI_NORETURN void cli_fail(const char *program, const char *name, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", program);
    if (name) fprintf(stderr, "%s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* The Levenshtein distance of a and b (the fewest insertions, deletions and
   substitutions that turn one into the other); words over 63 characters
   are far from every name here (64). */
CLI_DEF int cli_distance(const char *a, const char *b)
{
    int row[64], i, j;
    const int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 64;
    for (j = 0; j <= lb; ++j) row[j] = j; /* row i = 0: j insertions */
    for (i = 1; i <= la; ++i) {
        int diag = row[0]; /* d(i-1, j-1) */
        row[0] = i;
        for (j = 1; j <= lb; ++j) {
            int best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;         /* delete a[i-1] */
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1; /* insert b[j-1] */
            diag = row[j];
            row[j] = best;
        }
    }
    return row[lb];
}

/* The index of the word of names (n of them, or NULL-terminated when n < 0)
   nearest to word, if it is close - at most 1 + len/5 edits, so "--epoch"
   finds "--epochs" and "--x" nothing; the first of equally near ones; -1
   when none is close. */
CLI_DEF int cli_nearest(const char *word, const char *const *names, int n)
{
    int i, best = -1, best_d = 1 + (int)strlen(word) / 5 + 1;
    for (i = 0; n < 0 ? names[i] != NULL : i < n; ++i) {
        const int d = cli_distance(word, names[i]);
        if (d < best_d) best_d = d, best = i;
    }
    return best;
}

/* What an option's value must be, for messages. */
CLI_DEF const char *cli_what(const cli_opt *o, char *buf, size_t cap)
{
    int i;
    size_t len = 0;
    switch (o->kind) {
    case CLI_COUNT:
        if (o->max == ULLONG_MAX) snprintf(buf, cap, "an integer >= %llu", o->min);
        else snprintf(buf, cap, "an integer %llu..%llu", o->min, o->max);
        return buf;
    case CLI_CHOICE: /* "a, b or c" */
        buf[0] = '\0';
        for (i = 0; o->choices[i] && len + 1 < cap; ++i) {
            const char *sep = i == 0 ? "" : o->choices[i + 1] ? ", " : " or ";
            snprintf(buf + len, cap - len, "%s%s", sep, o->choices[i]);
            len += strlen(buf + len);
        }
        return buf;
    default:
        return o->what ? o->what : "a value";
    }
}

/* Read v as the value of o (a missing value is NULL), or fail. */
CLI_DEF void cli_value(const char *program, cli_opt *o, const char *v)
{
    char buf[256], *end;
    const char *what = cli_what(o, buf, sizeof buf);
    int ok = 0;
    if (!v) cli_fail(program, o->name, "expected %s, got nothing", what);
    if (v[0] == '-' && v[1] == '-') cli_fail(program, o->name, "expected %s, got the option '%s'", what, v);
    o->text = v;
    errno = 0;
    switch (o->kind) {
    case CLI_COUNT: /* digits only: strtoull alone would take " 5", "+5" and wrap "-5" */
        ok = v[0] >= '0' && v[0] <= '9' && (o->count = strtoull(v, &end, 10), !*end) && !errno &&
             o->count >= o->min && o->count <= o->max;
        break;
    case CLI_REAL:
        ok = *v && !isspace((unsigned char)v[0]) && (o->real = strtod(v, &end), !*end) &&
             (o->lo_open ? o->real > o->lo : o->real >= o->lo) && o->real <= o->hi;
        break;
    case CLI_CHOICE: {
        int i;
        for (i = 0; o->choices[i] && !ok; ++i)
            if (!strcmp(v, o->choices[i])) ok = 1, o->choice = i;
        if (!ok && (i = cli_nearest(v, o->choices, -1)) >= 0)
            cli_fail(program, o->name, "expected %s, got '%s'; did you mean %s?", what, v, o->choices[i]);
        break;
    }
    default:
        ok = *v != '\0';
    }
    if (!ok) cli_fail(program, o->name, "expected %s, got '%s'", what, v);
}

/* Parse argv into opts (n of them). Returns 1 at --help (or -h), which
   ends the parse, else 0; fails with a message at the first error. */
CLI_DEF int cli_parse(const char *program, cli_opt *opts, int n, int argc, char **argv)
{
    const char *names[64];
    int i, k;
    for (k = 0; k < n && k < 64; ++k) names[k] = opts[k].name;
    for (i = 1; i < argc; ++i) {
        const char *a = argv[i], *eq = strchr(a, '='), *v;
        char name[64];
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        cli_opt *o = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
        if (a[0] != '-') {
            const cli_opt *prev = NULL;
            for (k = 0; i > 1 && k < n; ++k)
                if (!strcmp(argv[i - 1], opts[k].name) && opts[k].kind == CLI_SWITCH) prev = &opts[k];
            if (prev) cli_fail(program, prev->name, "takes no value, got '%s'", a);
            cli_fail(program, NULL, "'%s': expected an option (--name), got a word with none before it (see --help)",
                     a);
        }
        if (len >= sizeof name) len = sizeof name - 1; /* too long for any name: unknown below */
        memcpy(name, a, len);
        name[len] = '\0';
        for (k = 0; k < n && !o; ++k)
            if (!strcmp(name, opts[k].name)) o = &opts[k];
        if (!o) {
            k = cli_nearest(name, names, n < 64 ? n : 64);
            if (k >= 0) cli_fail(program, name, "unknown option; did you mean %s?", names[k]);
            cli_fail(program, name, "unknown option (see --help)");
        }
        if (o->kind == CLI_SWITCH) {
            if (eq) cli_fail(program, o->name, "takes no value, got '%s'", eq + 1);
            ++o->given;
            continue;
        }
        v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (o->given) cli_fail(program, o->name, "given twice ('%s', then '%s')", o->text, v ? v : "");
        cli_value(program, o, v);
        o->given = 1;
    }
    return 0;
}

/* ------------------------------------------------------- describing a net */
CLI_DEF const char *cli_activation_name(nnd_activation f)
{
    static const char *const names[] = {"sigmoid", "tanh", "relu", "linear", "softmax"};
    return (unsigned)f < 5 ? names[f] : "?";
}

CLI_DEF const char *cli_cost_name(nnd_cost c)
{
    static const char *const names[] = {"quadratic", "cross-entropy", "log-likelihood"};
    return (unsigned)c < 3 ? names[c] : "?";
}

/* net's layer stack in one line:
     784 inputs -> dense(30, sigmoid) -> dense(10, sigmoid); cross-entropy cost; 23860 parameters
     1x28x28 input -> conv-pool(20 filters 5x5, pool 2x2, sigmoid) -> ...  */
CLI_DEF void cli_describe_net(const nnd_net *net, char *out, size_t cap)
{
    const int layers = nnd_num_layers(net);
    nnd_layer_desc d = nnd_layer_info(net, 0);
    size_t len;
    int l;
    if (d.kind == NND_LAYER_DENSE) snprintf(out, cap, "%d input%s", d.n_in, cli_s(d.n_in));
    else snprintf(out, cap, "%dx%dx%d input", d.in_c, d.in_h, d.in_w);
    for (l = 0; l < layers && (len = strlen(out)) + 1 < cap; ++l) {
        char drop[32] = "";
        d = nnd_layer_info(net, l);
        if (d.p_dropout > 0) snprintf(drop, sizeof drop, ", dropout %g", d.p_dropout);
        if (d.kind == NND_LAYER_DENSE && d.activation == NND_SOFTMAX)
            snprintf(out + len, cap - len, " -> softmax(%d%s)", d.n_out, drop);
        else if (d.kind == NND_LAYER_DENSE)
            snprintf(out + len, cap - len, " -> dense(%d, %s%s)", d.n_out, cli_activation_name(d.activation), drop);
        else if (d.kind == NND_LAYER_CONV_POOL)
            snprintf(out + len, cap - len, " -> conv-pool(%d filters %dx%d, pool %dx%d, %s)", d.out_c, d.filter_h,
                     d.filter_w, d.pool_h, d.pool_w, cli_activation_name(d.activation));
        else if (d.kind == NND_LAYER_CONV)
            snprintf(out + len, cap - len, " -> conv(%d filters %dx%d, %s)", d.out_c, d.filter_h, d.filter_w,
                     cli_activation_name(d.activation));
        else
            snprintf(out + len, cap - len, " -> pool(%dx%d)", d.pool_h, d.pool_w);
    }
    len = strlen(out);
    snprintf(out + len, cap - len, "; %s cost; %lu parameters", cli_cost_name(nnd_net_cost(net)),
             (unsigned long)nnd_param_count(net));
}

/* ------------------------------------------------------------- progress */
/* The progress line of a long epoch, for a terminal: after an epoch has
   trained for a while (CLI_PROGRESS_AFTER seconds, or the environment's
   NND_PROGRESS_AFTER), a line "epoch 3: 21340 / 50000 images, 4210
   images/s, 7 s left" redrawn in place ('\r') at most every
   CLI_PROGRESS_EVERY seconds, and erased before the epoch's own lines. Only
   when the output is a terminal: a log gets the per-epoch lines alone. It
   needs nnd_sgd to call back after each mini-batch (nnd_sgd_options.on_batch,
   announced by NND_HAS_ON_BATCH); CLI_PROGRESS_NOTE says, for --help,
   whether this build's nnd.h does. Times are the caller's clock, in
   seconds. */
#define CLI_PROGRESS_AFTER 2.0
#define CLI_PROGRESS_EVERY 0.25
#ifdef NND_HAS_ON_BATCH
#define CLI_PROGRESS_NOTE "in this build (nnd.h calls back after each mini-batch)"
#else
#define CLI_PROGRESS_NOTE "not in this build (its nnd.h does not call back after each mini-batch)"
#endif

typedef struct cli_progress {
    int on;          /* draw at all */
    double after;    /* seconds into an epoch before the first draw */
    double t0;       /* when the epoch's training began */
    double drawn_at; /* the last draw of this epoch */
    int width;       /* characters on the line now (0: none) */
} cli_progress;

/* On when terminal is non-zero; NND_PROGRESS_AFTER, when set, must be a
   number of seconds >= 0 (else the program fails, as for a bad option). */
CLI_DEF void cli_progress_init(cli_progress *p, int terminal, const char *program)
{
    const char *env = getenv("NND_PROGRESS_AFTER");
    memset(p, 0, sizeof *p);
    p->on = terminal;
    p->after = CLI_PROGRESS_AFTER;
    if (env) {
        char *end;
        double v = strtod(env, &end);
        if (!*env || *end || !(v >= 0 && v <= 1e9))
            cli_fail(program, "NND_PROGRESS_AFTER", "expected a number of seconds >= 0, got '%s'", env);
        p->after = v;
    }
}

CLI_DEF void cli_progress_start(cli_progress *p, double now)
{
    p->t0 = now;
    p->drawn_at = now;
}

CLI_DEF void cli_progress_draw(cli_progress *p, const char *line, FILE *out)
{
    const int w = (int)strlen(line);
    fprintf(out, "\r%s%*s", line, p->width > w ? p->width - w : 0, ""); /* blanks over a longer line */
    if (p->width > w) fprintf(out, "\r%s", line);
    fflush(out);
    p->width = w;
}

/* After a mini-batch: done of the epoch's n examples trained. */
CLI_DEF void cli_progress_batch(cli_progress *p, int epoch, int done, int n, double now, FILE *out)
{
    const double elapsed = now - p->t0;
    char line[160], left[32];
    double rate, rest;
    if (!p->on || elapsed < p->after || (now - p->drawn_at < CLI_PROGRESS_EVERY && done < n)) return;
    p->drawn_at = now;
    if (done >= n) { /* the monitors run next, and may take a while too */
        snprintf(line, sizeof line, "epoch %d: %d images trained; evaluating ...", epoch, n);
        cli_progress_draw(p, line, out);
        return;
    }
    rate = done / elapsed;
    rest = (n - done) / (rate > 0 ? rate : 1);
    if (rest < 90) snprintf(left, sizeof left, "%.0f s", rest);
    else if (rest < 5400) snprintf(left, sizeof left, "%.0f min", rest / 60);
    else snprintf(left, sizeof left, "%.1f h", rest / 3600);
    snprintf(line, sizeof line, "epoch %d: %d / %d images, %.0f images/s, %s left", epoch, done, n, rate, left);
    cli_progress_draw(p, line, out);
}

/* Erase the line, if one is drawn, before other output. */
CLI_DEF void cli_progress_clear(cli_progress *p, FILE *out)
{
    if (!p->width) return;
    fprintf(out, "\r%*s\r", p->width, "");
    fflush(out);
    p->width = 0;
}

#endif /* CLI_FILES_H */
