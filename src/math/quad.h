/* A quadratic model fitted by least squares, and its minimizer within a ball: the model
 * step of a local search (a warm start's local phase), as derivative-free trust-region
 * methods take it. */
#ifndef KNOB_MATH_QUAD_H
#define KNOB_MATH_QUAD_H
#include <stdbool.h>
#include <stddef.h>

/* The coefficients of a quadratic in d variables: 1 + d + d (d + 1) / 2 when full (every
 * cross term), 1 + 2 d when diagonal. */
size_t knob__quad_coefs(size_t d, bool full);

/* Fits q(s) = c + g.s + s^T Q s by least squares to the n points x[i * d .. i * d + d)
 * (each relative to the centre the step starts from) with values y[i], then writes into
 * out[0 .. d) the minimizer of q within the ball |s| <= r: the Newton step of the model,
 * damped (H + lambda I, lambda raised from 0) until it lies in the ball and H + lambda I is
 * positive definite. The fit is scaled internally (coordinates by the farthest point,
 * values to [0, 1]), with a ridge of 1e-8 on every coefficient and 1e-6 more on the
 * quadratic ones. Returns KNOB__MATH_OK, KNOB__MATH_EDIMS when n < knob__quad_coefs(d,
 * full) + 2 or d == 0, KNOB__MATH_ENOTPD when the fit's system or every damped Hessian
 * tried (60 doublings) fails, KNOB__MATH_ENOMEM. */
int knob__quad_min(const double *x, const double *y, size_t n, size_t d, bool full, double r,
                   double *out);

#endif
