/* The standard normal distribution for the TPE estimators: tail-accurate masses and a
 * truncated sampler. */
#ifndef KNOB_MATH_TPE_NORMAL_H
#define KNOB_MATH_TPE_NORMAL_H

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

#endif
