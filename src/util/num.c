/* Seeds as text, and the points of a stepped range. */
#include "util/num.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int knobx_parse_seed(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    long long i = strtoll(text, &end, 10);
    if (end == text || *end)
        return KNOBX_SEED_NOT_INT;
    if (!errno) {
        *out = (uint64_t)i;
        return 0;
    }
    /* an integer beyond int64: one up to 2^64 - 1 is a seed too */
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-')
        return KNOBX_SEED_OUT_OF_RANGE;
    s += *s == '+';
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10);
    if (errno)
        return KNOBX_SEED_OUT_OF_RANGE;
    *out = (uint64_t)u;
    return 0;
}

/* ---------------------------------------------------------------- points of a range */

__extension__ typedef __int128 i128;

/* 10^0 .. 10^22, each exact as a double */
static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#define MAX_PLACES 22

/* *out: the double nearest (L + k S) / 10^p (p <= 22), made exactly in 128-bit integers and
 * read by strtod, which rounds to the nearest; false when the sum needs more than 127 bits. */
static bool exact_point(i128 L, i128 S, double k, int p, double *out)
{
    i128 n;
    if (!(fabs(k) < 0x1p62) || __builtin_mul_overflow(S, (i128)(int64_t)k, &n) ||
        __builtin_add_overflow(n, L, &n))
        return false;
    char digits[48], text[64];
    size_t at = sizeof digits;
    digits[--at] = '\0';
    bool negative = n < 0;
    unsigned __int128 u = negative ? -(unsigned __int128)n : (unsigned __int128)n;
    do
        digits[--at] = (char)('0' + (int)(u % 10));
    while ((u /= 10) != 0);
    snprintf(text, sizeof text, "%s%se-%d", negative ? "-" : "", digits + at, p);
    *out = strtod(text, NULL);
    return true;
}

/* x as the decimal *m / 10^*places that Python writes for it (the fewest digits that read
 * back as x), as Optuna's FloatDistribution and knob's Python package read a step
 * (Decimal(str(step))): 1e-13 is 1 / 10^13, 1/3 is 3333333333333333 / 10^16, 1e20 is
 * 10^20 / 10^0 (*places is never below 0; false when m would pass 2^127). */
static bool decimal_of(double x, i128 *m, int *places)
{
    char text[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*e", digits - 1, x);
        if (strtod(text, NULL) == x)
            break;
    }
    const char *c = text + (*text == '-');
    int64_t v = 0;
    int after = 0; /* digits after the point */
    bool point = false;
    for (; *c && *c != 'e'; c++) {
        if (*c == '.') {
            point = true;
            continue;
        }
        v = v * 10 + (*c - '0');
        after += point;
    }
    int p = after - atoi(c + 1);
    for (; v != 0 && v % 10 == 0; p--)
        v /= 10;
    i128 w = *text == '-' ? -v : v;
    for (; p < 0; p++)
        if (__builtin_mul_overflow(w, 10, &w))
            return false;
    *m = w;
    *places = v ? p : 0;
    return true;
}

/* m / 10^from as an integer over 10^to (to >= from). */
static bool rescale(i128 m, int from, int to, i128 *out)
{
    for (; from < to; from++)
        if (__builtin_mul_overflow(m, 10, &m))
            return false;
    *out = m;
    return true;
}

double knobx_step_point(double low, double step, double k)
{
    /* The smallest p at which low and step are whole numbers of 10^-p within a few ulps
     * (so 0.1 + 0.2 is 3 / 10); the point is then exact below 2^53 as (L + k S) / 10^p. */
    for (int p = 0; p <= MAX_PLACES; p++) {
        double s = step * pow10[p], l = low * pow10[p];
        double S = round(s), L = round(l);
        /* past 2^40 every double lies within a few ulps of a whole number, and the test says
         * nothing (1/7 by 10^16 would pass): the decimals as written, below */
        if (fabs(s) > 1099511627776.0 || fabs(l) > 1099511627776.0)
            break;
        if (fabs(s - S) > 4 * DBL_EPSILON * fabs(s) || fabs(l - L) > 4 * DBL_EPSILON * fabs(l))
            continue;
        double n = L + k * S, x;
        if (!(S > 0))
            break;
        if (fabs(L) < 0x1p53 && fabs(n) < 0x1p53 && fabs(k * S) < 0x1p53)
            return n / pow10[p];
        if (exact_point((i128)L, (i128)S, k, p, &x))
            return x;
        return low + k * step;
    }
    /* whole numbers (a wide int's range): the sum is exact */
    double sum = low + k * step;
    if (low == floor(low) && step == floor(step) && fabs(low) < 0x1p53 && fabs(k * step) < 0x1p53 &&
        fabs(sum) < 0x1p53)
        return sum;
    i128 ml, ms, L, S;
    int pl, ps;
    double x;
    if (!decimal_of(low, &ml, &pl) || !decimal_of(step, &ms, &ps))
        return sum;
    int p = pl > ps ? pl : ps;
    if (p > MAX_PLACES || !rescale(ml, pl, p, &L) || !rescale(ms, ps, p, &S) || S <= 0 ||
        !exact_point(L, S, k, p, &x))
        return sum;
    return x;
}
