/* Acquisition functions of Bayesian optimization, on a loss to minimize. */
#ifndef KNOB_MATH_ACQ_H
#define KNOB_MATH_ACQ_H

/* log h(z), h(z) = phi(z) + z Phi(z): the expected improvement of a unit-variance normal
 * whose mean lies z below the incumbent is h(z), so log EI = log sigma + log h(z) with
 * z = (best - mean) / sigma. Accurate for every z, down to z = -1e150 and below, where
 * EI itself underflows (log EI of Ament et al., 2023). */
double knob__log_h(double z);

/* d log h / dz = Phi(z) / h(z), as accurate. */
double knob__dlog_h(double z);

/* log EI at a posterior (mean, var) below an incumbent `best`, with its derivatives
 * over mean and var (either pointer may be NULL). */
double knob__log_ei(double mean, double var, double best, double *dmean, double *dvar);

/* log Phi(z), the log probability that a standard normal is below z, accurate for every z
 * (down to z = -1e150 and below, where Phi underflows), with d/dz log Phi = phi / Phi into
 * *dz (may be NULL). The log probability of feasibility of a constraint modelled by a
 * normal (mean, sd) is log Phi((threshold - mean) / sd). */
double knob__log_ndtr(double z, double *dz);

/* log PI, the log probability of improvement at a posterior (mean, var) below `best`,
 * log Phi((best - mean) / sd), with its derivatives over mean and var (either pointer may
 * be NULL). */
double knob__log_pi(double mean, double var, double best, double *dmean, double *dvar);

/* The upper confidence bound of a loss to minimize, -mean + kappa sd (higher is better),
 * with its derivatives over mean and var (either pointer may be NULL). */
double knob__ucb(double mean, double var, double kappa, double *dmean, double *dvar);

#endif
