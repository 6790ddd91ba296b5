/* check.h - the tiny test harness shared by tests/ and exercises/.

   CHECK(cond, fmt, ...)   one assertion; prints a FAIL line with the message
   CHECK_CLOSE(id, measured, expected, tol)
                           one exercise check: prints
                           "id  measured  expected  tol  PASS|FAIL"
                           (|measured - expected| <= tol)
   CHECK_AT_LEAST(id, measured, bound)   one check of measured >= bound
   CHECK_AT_MOST(id, measured, bound)    one check of measured <= bound
   check_summary()         prints "N passed, N failed"; returns the exit code

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

#endif
