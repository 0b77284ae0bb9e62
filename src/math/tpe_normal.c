/* The standard normal distribution for the TPE estimators (see tpe_normal.h). */
#include "math/tpe_normal.h"

#include <math.h>

double knob__tpe_ndtr_neg(double x)
{
    return 0.5 * erfc(-x / M_SQRT2);
}

/* log Phi(x), accurate in the lower tail (asymptotic series past erfc's range). */
static double log_ndtr(double x)
{
    if (x > -30)
        return x > 0 ? log1p(-knob__tpe_ndtr_neg(-x)) : log(knob__tpe_ndtr_neg(x));
    double x2 = x * x, s = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2);
    return -0.5 * x2 - log(-x) - KNOB__TPE_LOG_SQRT_2PI + log(s);
}

double knob__tpe_log_mass(double a, double b)
{
    if (!(a < b))
        return -INFINITY;
    if (a < -8.5 && b > 8.5) /* the mass misses 1 by under 2e-17 */
        return 0;
    if (a >= 0) { /* mirror into the lower tail */
        double t = a;
        a = -b;
        b = -t;
    }
    if (b <= 0) {
        double la = log_ndtr(a), lb = log_ndtr(b);
        return lb + log1p(-exp(la - lb));
    }
    return log1p(-(knob__tpe_ndtr_neg(a) + knob__tpe_ndtr_neg(-b)));
}

double knob__tpe_mass(double a, double b)
{
    if (a >= 0)
        return knob__tpe_ndtr_neg(-a) - knob__tpe_ndtr_neg(-b);
    if (b <= 0)
        return knob__tpe_ndtr_neg(b) - knob__tpe_ndtr_neg(a);
    return 1 - knob__tpe_ndtr_neg(a) - knob__tpe_ndtr_neg(-b);
}

/* Phi^-1(p) for 0 < p <= 0.5: Acklam's rational approximation (relative error 1.15e-9),
 * then one Halley step on Phi, which brings it to double precision. The one inverse normal
 * CDF of knob: knob_normal_quantile (rng.c) is made of it too. */
double knob__ndtri_low(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (!(p > 0))
        return -INFINITY;
    double x;
    if (p < 0.02425) {
        double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = knob__tpe_ndtr_neg(x) - p;
    double u = e * exp(KNOB__TPE_LOG_SQRT_2PI + 0.5 * x * x);
    return x - u / (1 + 0.5 * x * u);
}

double knob__tpe_truncnorm(double a, double b, double u)
{
    if (a >= 0)
        return -knob__tpe_truncnorm(-b, -a, u);
    double x;
    if (b <= 0) {
        double pa = knob__tpe_ndtr_neg(a), pb = knob__tpe_ndtr_neg(b);
        x = knob__ndtri_low(pa + u * (pb - pa));
    } else {
        double pa = knob__tpe_ndtr_neg(a), qb = knob__tpe_ndtr_neg(-b), m = 1 - pa - qb,
               p = pa + u * m;
        x = p <= 0.5 ? knob__ndtri_low(p) : -knob__ndtri_low(qb + (1 - u) * m);
    }
    return x < a ? a : x > b ? b : x;
}
