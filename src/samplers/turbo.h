/* Trust-region Bayesian optimization (TuRBO-1, Eriksson et al. 2019) for gp's option
 * trust_region: a local Gaussian process on the trials of the current region, and the
 * next point chosen by expected improvement inside a box around the region's best trial,
 * the box's sides scaled by the model's length scales. The box's size follows the run: it
 * doubles after succ_tol successes in a row (a trial better than the region's best by
 * 1e-3 of its size), halves after fail_tol failures in a row, and when it falls below
 * length_min the region restarts: a new initial design of n_init trials, the old trials
 * left out of the model. The state is replayed from the study's completed trials in trial
 * order each ask, so workers sharing a study share it. */
#ifndef KNOB_SAMPLERS_TURBO_H
#define KNOB_SAMPLERS_TURBO_H

#include "knob.h"
#include "math/gp.h"
#include "samplers/transform.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct knob__turbo_rules {
    double length_init, length_min, length_max; /* 0.8, 2^-7, 1.6 */
    int succ_tol, fail_tol;                     /* 3, max(4, d) */
    int n_init;                                 /* trials of each region's initial design */
} knob__turbo_rules;

/* The state of the trust region after a history of losses. */
typedef struct knob__turbo_state {
    double length;  /* the box's side on the unit cube, before the length-scale weights */
    int succ, fail; /* successes, failures in a row */
    size_t start;   /* the first loss of the current region */
    int restarts;   /* regions ended */
    size_t best;    /* index of the region's best loss (valid when the region has one) */
    bool init;      /* the region is still in its initial design (fewer than n_init losses) */
} knob__turbo_state;

/* TuRBO's rules for d dimensions with n_init trials per initial design. */
knob__turbo_rules knob__turbo_default_rules(int d, int n_init);

/* Replays losses y[0..n) (to minimize, in trial order) under rules r into *st. */
void knob__turbo_replay(const knob__turbo_rules *r, const double *y, size_t n,
                        knob__turbo_state *st);

/* The box [lo, hi] of side `length` around center (d coordinates in [0, 1]), each side
 * scaled by w_i = ls_i / (prod ls)^(1/d) for the model's length scales ls (from theta, the
 * log inverse squared length scales), clipped to the cube. */
void knob__turbo_box(const double *center, const double *theta, double length, int d, double *lo,
                     double *hi);

typedef struct knob__turbo {
    knob__gp gp; /* the local model, refitted from its previous fit */
    /* Optional: called with gp given its data, before its fit (the fit's start: the gp
     * sampler's stored one in a new process) */
    void (*start)(void *ctx, knob__gp *g);
    void *start_ctx;
    double *buf; /* rows, losses, candidates, scratch */
    size_t cap;
    knob__turbo_state last; /* the state of the last ask (for tests and logs) */
} knob__turbo;

void knob__turbo_free(knob__turbo *tu);

/* Proposes trial t's values of dims[0..d) (gp's space): nothing during an initial design
 * (the caller's independent sampling draws it), else the best of n_candidates points of
 * the box by expected improvement under the local model (each candidate the region's best
 * with each coordinate redrawn in the box with probability min(1, 20/d), one at least).
 * tr[0..n): the study's trials; sign: -1 to maximize; seed: the sampler's. Returns KNOB_OK,
 * KNOB_ENOMEM, or KNOB_EINVAL when the model cannot be fitted. */
int knob__turbo_suggest(knob__turbo *tu, const knob__dim *dims, int d,
                        const knob_trial_info *const *tr, size_t n, double sign, int n_init,
                        int n_candidates, int fit_max_evals, uint64_t seed, knob_trial *t);

#endif
