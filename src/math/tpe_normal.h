/* The standard normal distribution for the TPE estimators: tail-accurate masses, a
 * truncated sampler, and an inline exp() for the density sums. */
#ifndef KNOB_MATH_TPE_NORMAL_H
#define KNOB_MATH_TPE_NORMAL_H

#include <stdint.h>
#include <string.h>

#define KNOB__TPE_LOG_SQRT_2PI 0.91893853320467274178
#define KNOB__TPE_SQRT_2PI 2.50662827463100050242

/* Phi(x) for x <= 0, accurate in the tail. */
double knob__tpe_ndtr_neg(double x);
/* log of the standard normal mass of [a, b], accurate in both tails; -inf when empty. */
double knob__tpe_log_mass(double a, double b);
/* The standard normal mass of [a, b] (a <= b), accurate when both are in one tail. */
double knob__tpe_mass(double a, double b);
/* Phi^-1(p) for 0 < p <= 0.5 (-inf at 0), to double precision. */
double knob__ndtri_low(double p);
/* A draw of the standard normal truncated to [a, b] by inversion (one uniform u). */
double knob__tpe_truncnorm(double a, double b, double u);

extern const double knob__tpe_exp2_32[32]; /* 2^(j/32), j = 0..31 */

/* exp(x) for |x| <= 700 to about 1e-15, inline: x = (32 m + j) ln2/32 + r with
 * |r| <= ln2/64, exp(x) = 2^m 2^(j/32) exp(r), exp(r) by its degree-6 Taylor polynomial.
 * The density sums call it for every nearby kernel, where libm's exp took a third of
 * the time. */
static inline double knob__tpe_exp(double x)
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
    return knob__tpe_exp2_32[k & 31] * scale * p;
}

#endif
