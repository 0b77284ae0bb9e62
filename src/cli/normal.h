/* The standard normal distribution's CDF and its inverse, for the W&B normal family. */
#ifndef KNOB_CLI_NORMAL_H
#define KNOB_CLI_NORMAL_H

/* Phi(x), the standard normal CDF. */
double normal_cdf(double x);

/* Phi^{-1}(p) for 0 < p < 1 (full double precision); -inf/+inf at 0/1, NaN outside. */
double normal_quantile(double p);

#endif
