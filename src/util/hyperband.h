/* Hyperband's brackets in whole numbers (Li et al. 2018, as Optuna's HyperbandPruner has
 * them): the hyperband pruner (src/pruners/hyperband.c) spreads trials by them. */
#ifndef KNOB_UTIL_HYPERBAND_H
#define KNOB_UTIL_HYPERBAND_H

#include <stdint.h>

/* The number of brackets for resources min..max and reduction factor eta:
 * floor(log_eta(max / min)) + 1, that is 1 + the largest k with min * eta^k <= max,
 * counted in integers (a logarithm in doubles rounds 1000 / 1 with eta 10 below 3, and
 * 2^40 - 1 with eta 2 up to 40). 0 when min < 1, max < min or eta < 2. */
int64_t knobx_hyperband_brackets(int64_t min, int64_t max, int64_t eta);

/* The budget of bracket b (0 .. n - 1) of n: ceil(n * eta^(n - 1 - b) / (n - b)), the
 * weight of the bracket among a study's trials (Optuna's trial allocation budget). 0 when
 * b is not a bracket of n, or the budget would pass INT64_MAX. */
int64_t knobx_hyperband_budget(int64_t n, int64_t eta, int64_t b);

#endif
