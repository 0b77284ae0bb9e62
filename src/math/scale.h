/* Values of any magnitude made safe for means and variances, and infinite values brought
 * within the finite ones: for models fitted to raw objective values. */
#ifndef KNOB_MATH_SCALE_H
#define KNOB_MATH_SCALE_H
#include <stddef.h>

/* The exponent e of the power of two at or below the largest magnitude among the finite
 * values v[0], v[stride], ... v[(n - 1) * stride] (0 when none is finite and nonzero).
 * Multiplying the values by 2^-e (ldexp, exact) brings them within (-2, 2), so that sums
 * of their squares neither overflow (above about 1e154) nor underflow (below about
 * 1e-154), and a mean, a standard deviation and standardized values computed after it are
 * bit for bit those computed before (times 2^-e), wherever those did not overflow: a
 * model of standardized values then sees the same data at any scale. */
int knob__scale_exponent(const double *v, size_t n, size_t stride);

/* The values v[0], v[stride], ... multiplied by 2^-e, in place. */
void knob__scale_apply(double *v, size_t n, size_t stride, int e);

/* Infinite values among v[0], v[stride], ... clipped to the lowest or the highest finite
 * one (to 0 when none is finite), in place, as Optuna's GP clips them; NaN is left as it
 * is. Returns how many were clipped. */
size_t knob__clip_infinite(double *v, size_t n, size_t stride);

#endif
