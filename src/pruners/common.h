/* Helpers shared by the pruners: a trial's last step, values at a step, percentiles,
 * Optuna-compatible warmup/interval rules and successive halving. */
#ifndef KNOB_PRUNERS_COMMON_H
#define KNOB_PRUNERS_COMMON_H

#include "knob.h"

/* The last (largest) step the trial reported and its value; false when none. */
bool knob__last_step(const knob_trial *t, int64_t *step, double *value);

/* The value `info` reported at `step`; false when none. */
bool knob__value_at(const knob_trial_info *info, int64_t step, double *value);

/* The best of n values for the direction. */
double knob__best_of(const knob_step_value *v, size_t n, knob_direction dir);

/* The q-th percentile (0..100) of v[0..n), linear interpolation; sorts v, which may hold
 * infinities but no NaN. */
double knob__percentile(double *v, size_t n, double q);

/* True when the pruner should look at this step: past the warmup, and the first
 * report in its interval (a trial that skips steps is still checked). */
bool knob__check_step(const knob_trial *t, int64_t step, int64_t n_warmup, int64_t interval);

/* The direction of objective `i` of the study, checked: KNOB_EINVAL when the study has
 * fewer objectives. */
int knob__prune_direction(knob_study *s, int64_t i, const char *pruner, knob_direction *dir);

/* Successive halving (asynchronous, ASHA): rungs at min_resource * eta^(rate + k). A
 * trial reaching a rung records its value there and goes on only while it is in the top
 * 1/eta of the values recorded at that rung. `same` filters the competing trials (NULL:
 * all). With max_resource (> 0), a rung at or past it is none: a trial there ran in full,
 * and pruning it would save nothing (Hyperband's top rung). */
typedef struct knob__sh {
    int64_t min_resource, reduction_factor, min_early_stopping_rate, bootstrap_count;
    knob_direction dir;
    int64_t bracket; /* -1 for none */
    bool (*same)(const void *ctx, knob_study *s, const knob_trial_info *other);
    const void *ctx;
    int64_t max_resource; /* 0: none */
} knob__sh;
int knob__sh_prune(const knob__sh *p, knob_study *s, knob_trial *t, bool *out);

/* The one-sided p-value of a Wilcoxon signed-rank test that the differences d[0..n)
 * tend to be positive (zsplit zero handling; exact for n <= 50 without ties). */
double knob__wilcoxon_greater(const double *d, size_t n);

#endif
