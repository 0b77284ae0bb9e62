/* PB2's time-varying Gaussian process (pb2.c), exposed for its tests. */
#ifndef KNOB_PB2_H
#define KNOB_PB2_H

#include <stddef.h>

/* Hyperparameters of the time-varying squared-exponential kernel. */
typedef struct knob__pb2_theta {
    double length;   /* length scale, on the unit cube of the params */
    double variance; /* signal variance */
    double epsilon;  /* forgetting rate in [0, 1): correlation (1 - epsilon)^(|t - t'| / 2) */
    double noise;    /* noise variance */
} knob__pb2_theta;

/* k((t, x), (t', x')) = variance exp(-|x - x'|^2 / (2 length^2)) (1 - epsilon)^(|t - t'| / 2)
 * (Bogunovic et al. 2016, as PB2 uses it), x and x' of d values. */
double knob__pb2_kernel(const knob__pb2_theta *th, double t, const double *x, double t2,
                        const double *x2, size_t d);

/* The fitted model's posterior mean and variance at (t, x) given n standardized
 * observations (time[i], X row i, y[i]), for tests: 0, or -1 when K cannot be factored or
 * memory runs out. */
int knob__pb2_posterior(const knob__pb2_theta *th, const double *time, const double *X,
                        const double *y, size_t n, size_t d, double t, const double *x,
                        double *mean, double *var);

/* Fits the kernel's hyperparameters to the data by maximizing the log marginal likelihood
 * (bounded: length [0.01, 10], variance [0.01, 20], epsilon [0, 0.5], noise [1e-6, 2]).
 * Returns the log marginal likelihood at the fit, -HUGE_VAL on failure. */
double knob__pb2_fit(knob__pb2_theta *th, const double *time, const double *X, const double *y,
                     size_t n, size_t d);

#endif
