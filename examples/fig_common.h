/* fig_common.h - small helpers shared by the figure programs (examples/fig_*.c).
   Include after nnd.h (with NND_IMPLEMENTATION defined in the program).

   fig_die      print "PROGRAM: error: ..." on one line and exit(1)
   fig_open     create plots/NAME.dat and write its "#" header lines
   fig_mnist    load data/mnist (or $NND_MNIST) or die
   fig_print_epoch  an nnd_sgd on_epoch callback printing network2's lines
   fig_now      wall-clock seconds */
#ifndef FIG_COMMON_H
#define FIG_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__)
#define FIG_DEF static __attribute__((unused))
#else
#define FIG_DEF static
#endif

static const char *fig_program = "fig";

FIG_DEF void fig_die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: error: ", fig_program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* Open plots/<name>.dat for writing; header is printed after "# " on the first
   line(s) (a '\n' in it starts a new "# " line). */
FIG_DEF FILE *fig_open(const char *name, const char *fmt, ...)
{
    char path[512], text[2048];
    const char *p;
    va_list ap;
    FILE *f;
    snprintf(path, sizeof path, "plots/%s.dat", name);
    f = fopen(path, "w");
    if (!f) fig_die("%s: cannot create (run from the repository root)", path);
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(f, "# %s: written by build/%s\n# ", name, fig_program);
    for (p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1]) fputs("# ", f);
    }
    if (p == text || p[-1] != '\n') fputc('\n', f);
    return f;
}

FIG_DEF void fig_close(FILE *f, const char *name)
{
    if (ferror(f) | fclose(f)) fig_die("plots/%s.dat: write failed", name);
    printf("wrote plots/%s.dat\n", name);
}

FIG_DEF void fig_mnist(nnd_mnist *m)
{
    nnd_error err;
    const char *dir = getenv("NND_MNIST");
    if (!dir || !*dir) dir = "data/mnist";
    if (nnd_mnist_load(dir, m, &err) != NND_OK)
        fig_die("%s: %s (run `make data` first)", dir, err.message);
}

FIG_DEF double fig_now(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

/* (processor seconds, summed over threads) */

/* on_epoch callback: network2's per-epoch lines. user: a label (const char *). */
FIG_DEF int fig_print_epoch(const nnd_epoch *e, void *user)
{
    const char *label = user ? (const char *)user : "";
    printf("%sEpoch %d training complete", label, e->epoch);
    if (e->training_cost == e->training_cost) printf("; training cost %.5f", e->training_cost);
    if (e->training_accuracy >= 0)
        printf("; training accuracy %d / %d", e->training_accuracy, e->n_training);
    if (e->evaluation_cost == e->evaluation_cost) printf("; evaluation cost %.5f", e->evaluation_cost);
    if (e->evaluation_accuracy >= 0)
        printf("; evaluation accuracy %d / %d", e->evaluation_accuracy, e->n_evaluation);
    printf("\n");
    fflush(stdout);
    return 0;
}

/* Is a figure group selected? argv[1..] empty selects everything. */
FIG_DEF int fig_wants(int argc, char **argv, const char *group)
{
    int i;
    if (argc < 2) return 1;
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], group) || !strcmp(argv[i], "all")) return 1;
    return 0;
}

#endif /* FIG_COMMON_H */
