/* Inline exp() for the hot loops of the samplers' models, where libm's exp took a third of
 * the time: one with a table for scalar loops (the TPE density sums), one without for
 * loops that vectorize (the Gaussian process's kernel rows). */
#ifndef KNOB_MATH_FASTEXP_H
#define KNOB_MATH_FASTEXP_H

#include <stdint.h>
#include <string.h>

extern const double knob__exp2_32[32]; /* 2^(j/32), j = 0..31 */

/* exp(x) for |x| <= 700 to about 1e-15 (x is clamped there): x = (32 m + j) ln2/32 + r
 * with |r| <= ln2/64, exp(x) = 2^m 2^(j/32) exp(r), exp(r) by its degree-6 Taylor
 * polynomial. */
static inline double knob__exp_fast(double x)
{
    static const double inv = 46.166241308446828384; /* 32 / ln 2 */
    static const double hi = 6.93147180369123816490e-01 / 32, lo = 1.90821492927058770002e-10 / 32;
    static const double shifter = 0x1.8p52;
    x = x < -700 ? -700 : x > 700 ? 700 : x;
    double kd = x * inv + shifter;
    uint64_t kb;
    memcpy(&kb, &kd, sizeof kb);
    kd -= shifter;
    int32_t k = (int32_t)(uint32_t)kb; /* round(x * 32 / ln 2) */
    double r = (x - kd * hi) - kd * lo;
    double p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r / 720)))));
    uint64_t bits = (uint64_t)(int64_t)((k >> 5) + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return knob__exp2_32[k & 31] * scale * p;
}

/* exp(x) for x <= 0 to about 2e-16 (x is clamped at -700), without a table or a branch, so
 * that a loop of it vectorizes (with -fno-math-errno -fno-trapping-math, which let the
 * compiler turn the clamp into a select): x = m ln2 + r with |r| <= ln2/2, exp(x) = 2^m
 * exp(r), exp(r) by its degree-13 Taylor polynomial (truncation below 5e-18). */
static inline double knob__exp_neg(double x)
{
    static const double inv = 1.44269504088896340736; /* 1 / ln 2 */
    static const double hi = 6.93147180369123816490e-01, lo = 1.90821492927058770002e-10;
    static const double shifter = 0x1.8p52;
    x = x < -700 ? -700 : x;
    double kd = x * inv + shifter;
    uint64_t kb;
    memcpy(&kb, &kd, sizeof kb);
    kd -= shifter;
    double r = (x - kd * hi) - kd * lo;
    double p = 1.0 / 6227020800;
    p = p * r + 1.0 / 479001600;
    p = p * r + 1.0 / 39916800;
    p = p * r + 1.0 / 3628800;
    p = p * r + 1.0 / 362880;
    p = p * r + 1.0 / 40320;
    p = p * r + 1.0 / 5040;
    p = p * r + 1.0 / 720;
    p = p * r + 1.0 / 120;
    p = p * r + 1.0 / 24;
    p = p * r + 1.0 / 6;
    p = p * r + 0.5;
    p = p * r + 1;
    p = p * r + 1;
    uint64_t bits = (kb + 1023) << 52; /* kb's low bits hold m (two's complement) */
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return scale * p;
}

#endif
