/* A Cholesky factor and the two triangular solves, for the small dense systems that need no
 * LAPACK (a quadratic model's least squares, PB2's time-varying GP): n of at most a few
 * hundred. */
#ifndef KNOB_MATH_CHOL_H
#define KNOB_MATH_CHOL_H
#include <stddef.h>

/* The lower Cholesky factor L of the n x n row-major symmetric A, in place (the upper
 * triangle zeroed). Returns KNOB__MATH_OK, or KNOB__MATH_ENOTPD when A is not positive
 * definite (A is then partly overwritten). */
int knob__chol(double *A, size_t n);

/* Solves L z = b (forward) or L^T z = b (backward) in place, L from knob__chol. */
void knob__chol_forward(const double *L, size_t n, double *b);
void knob__chol_backward(const double *L, size_t n, double *b);

#endif
