/* check.h - the tiny test harness shared by tests/ and exercises/.

   CHECK(cond, fmt, ...)   one assertion; prints a FAIL line with the message
   CHECK_CLOSE(id, measured, expected, tol)
                           one exercise check: prints
                           "id  measured  expected  tol  PASS|FAIL"
                           (|measured - expected| <= tol)
   CHECK_AT_LEAST(id, measured, bound)   one check of measured >= bound
   CHECK_AT_MOST(id, measured, bound)    one check of measured <= bound
   check_summary()         prints "N passed, N failed"; returns the exit code
   feedforward_m, batch_m, backprop_m, batch_cost_m
                           (after nnd.h) the batch calls on m examples

   Every program that includes this ends with check_summary(). */
#ifndef NND_CHECK_H
#define NND_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CHECK_MAYBE_UNUSED __attribute__((unused))
#else
#define CHECK_MAYBE_UNUSED
#endif

static int check_passed, check_failed;

CHECK_MAYBE_UNUSED static void check_report(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        ++check_passed;
        return;
    }
    ++check_failed;
    printf("FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

#define CHECK(cond, ...) check_report((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* One line per exercise check: id, measured value, expected value, tolerance. */
CHECK_MAYBE_UNUSED static int check_close(const char *id, double measured, double expected, double tol)
{
    int ok = fabs(measured - expected) <= tol; /* NaN fails */
    printf("%-14s measured %-14.8g expected %-14.8g tol %-9.2g %s\n", id, measured, expected, tol,
           ok ? "PASS" : "FAIL");
    fflush(stdout);
    if (ok) ++check_passed;
    else ++check_failed;
    return ok;
}
#define CHECK_CLOSE(id, measured, expected, tol) check_close(id, measured, expected, tol)

/* One line per exercise check of a one-sided bound (kind ">=" or "<="). */
CHECK_MAYBE_UNUSED static int check_bound(const char *id, double measured, const char *kind, double bound)
{
    int ok = kind[0] == '>' ? measured >= bound : measured <= bound; /* NaN fails */
    printf("%-14s measured %-14.8g expected %s %-14.8g %s\n", id, measured, kind, bound,
           ok ? "PASS" : "FAIL");
    fflush(stdout);
    if (ok) ++check_passed;
    else ++check_failed;
    return ok;
}
#define CHECK_AT_LEAST(id, measured, bound) check_bound(id, measured, ">=", bound)
#define CHECK_AT_MOST(id, measured, bound) check_bound(id, measured, "<=", bound)

CHECK_MAYBE_UNUSED static int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

/* With nnd.h included first: the library's three batch calls on m examples
   x [m x n_in], as the tests and exercises make them. feedforward_m into
   out [m x n_out]; backprop_m into grad (room for nnd_param_count values)
   and batch_cost_m, on the mini-batch view batch_m of the m examples with
   targets y [m x n_out] or, when y is NULL, one-hot labels. */
#ifdef NND_H
CHECK_MAYBE_UNUSED static int feedforward_m(nnd_net *net, const nnd_real *x, int m, nnd_real *out)
{
    return nnd_feedforward(net, x, (size_t)m * (size_t)nnd_input_size(net), out,
                           (size_t)m * (size_t)nnd_output_size(net));
}

CHECK_MAYBE_UNUSED static nnd_data batch_m(const nnd_net *net, const nnd_real *x, const nnd_real *y,
                                           const int *labels, int m)
{
    nnd_data d = nnd_data_reals(x, m, nnd_input_size(net), y ? NULL : labels);
    return y ? nnd_data_targets(d, y, nnd_output_size(net)) : d;
}

CHECK_MAYBE_UNUSED static int backprop_m(nnd_net *net, const nnd_real *x, const nnd_real *y, const int *labels,
                                         int m, nnd_real *grad, double *cost)
{
    nnd_data d = batch_m(net, x, y, labels, m);
    return nnd_backprop(net, &d, grad, nnd_param_count(net), cost);
}

CHECK_MAYBE_UNUSED static int batch_cost_m(nnd_net *net, const nnd_real *x, const nnd_real *y, const int *labels,
                                           int m, double *cost)
{
    nnd_data d = batch_m(net, x, y, labels, m);
    return nnd_batch_cost(net, &d, cost);
}
#endif /* NND_H */

#endif
