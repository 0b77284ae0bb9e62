/* The search space of the samplers that model it (gp, cmaes, qmc), as Optuna's
 * IntersectionSearchSpace and _SearchSpaceTransform do it:
 *
 * - the intersection: the params every completed trial has, each under one distribution;
 * - the transform: each param is one coordinate of the unit cube. Log params lie on their
 *   log scale; ints and stepped floats (not log) are bins of equal width, a value at the
 *   centre of its bin; a categorical's coordinate is its choice's index (models give it a
 *   Hamming kernel), knob__dim_choice maps [0, 1) onto the indices.
 *
 * Samplers reach the study only through knob.h; this module too. */
#ifndef KNOB_SAMPLERS_TRANSFORM_H
#define KNOB_SAMPLERS_TRANSFORM_H

#include "knob.h"

/* One param as a coordinate. */
typedef struct knob__dim {
    const char *name;              /* borrowed from the study's view, which interns it */
    const knob_distribution *dist; /* borrowed, interned: equal means the same pointer */
    double lo, hi; /* the ends of its scale: low and high, or their logs for log params */
    double bins;   /* values a binned param takes (ints and stepped floats, not log); else 0 */
    bool cat;      /* categorical: the coordinate is the index of a choice */
} knob__dim;

/* Flag of knob__dim_init: a log int spans [low - 0.5, high + 0.5] on its log scale, each
 * integer the cell around it (as qmc draws them); without it, [low, high]. */
#define KNOB__DIM_LOG_INT_CELLS 1u

/* The coordinate of param `name` (borrowed, as dist). */
void knob__dim_init(knob__dim *d, const char *name, const knob_distribution *dist, unsigned flags);

/* The coordinate of an internal value: in [0, 1], or the index of a choice. */
double knob__dim_to_unit(const knob__dim *d, double internal);

/* The internal value at coordinate u (clipped to [0, 1] first; a categorical's index as it
 * is): the value of u's bin, or the nearest value the distribution takes. */
double knob__dim_from_unit(const knob__dim *d, double u);

/* The coordinate of the value at u: the centre of its bin (binned params), that of the
 * integer u maps to (log ints, continuous on their log scale), else u; so that two
 * coordinates of one value are one (a point already asked is seen to be one). */
double knob__dim_round(const knob__dim *d, double u);

/* The index of a categorical's choice at u in [0, 1): floor(u n), at most n - 1. */
double knob__dim_choice(const knob__dim *d, double u);

/* Flag of knob__intersection: leave categorical params out. */
#define KNOB__NUMERICAL 1u

/* The params that every COMPLETE trial of tr[0..n) has under one distribution that takes
 * more than one value, as coordinates (knob__dim_init with no flags), in name order.
 * *out (*n_out of them, NULL when there is no completed trial) is freed with free().
 * Returns KNOB_OK or KNOB_ENOMEM. */
int knob__intersection(const knob_trial_info *const *tr, size_t n, unsigned flags, knob__dim **out,
                       size_t *n_out);

/* The index of the trial numbered `number` in tr[0..n), trials in number order as
 * knob_study_trials gives them (numbered 0, 1, ...: at its index, else found by halves), or n. */
size_t knob__trial_index(const knob_trial_info *const *tr, size_t n, int64_t number);
/* The trial numbered `number` of tr[0..n) (knob__trial_index), or NULL. */
const knob_trial_info *knob__trial_numbered(const knob_trial_info *const *tr, size_t n,
                                            int64_t number);

#endif
