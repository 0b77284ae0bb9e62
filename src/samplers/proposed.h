/* The points a sampler proposed to trials of this handle that do not show them yet, shared by
 * the samplers that count running trials (gp, smac, evolution) and by auto, whose delegates
 * gp and smac keep theirs in one list.
 *
 * A trial's point is decided at its ask (sample_relative), but the trial's params reach the
 * trials a sampler reads only once the trial suggests them (the core writes suggested params,
 * at the latest at the next ask). A batch asked together (K asks, then the suggests in each:
 * Python's study.ask() in a loop, a C program that hands its trials out) would give every ask
 * the same data, and so the same point. So a sampler remembers the point of each trial it
 * proposed to, and counts such a trial, while it runs without its params in the trials read,
 * as the running trials with params count (evolution: the child it proposed, its parent's
 * params with the mutated one's new value). Asked one at a time (ask, suggest, ask ...), every
 * trial shows its params at the next ask and nothing changes.
 *
 * auto hands each trial to gp or smac: each must count the points the other proposed too
 * (else a gp turn and a smac turn of one batch could ask the same configuration), so auto
 * gives both one list (knob__gp_share_proposed, knob__smac_share_proposed). A batch can move to
 * tpe partway (a trial told pruned): tpe reads the list too (knob__tpe_share_proposed), and
 * its constant liar counts a trial of it at its point.
 *
 * Names and distributions are interned by the study's view, which keeps them while the study
 * (which owns the sampler) lives. Samplers reach the study only through knob.h; this module
 * too. */
#ifndef KNOB_SAMPLERS_PROPOSED_H
#define KNOB_SAMPLERS_PROPOSED_H

#include "knob.h"

#include <stddef.h>
#include <stdint.h>

/* The points gp, and auto for its gp and smac, remember at most (smac alone: no bound). */
#define KNOB__PROPOSED_MAX 256

/* The point proposed to one trial: the params as the trial would show them. */
typedef struct knob__proposed_point {
    int64_t number;     /* the trial's */
    knob_param *params; /* owned; names and distributions borrowed from the study's view */
    size_t n;
} knob__proposed_point;

/* The points, oldest first, one per trial. Zeroed, an empty list without a bound. */
typedef struct knob__proposed {
    knob__proposed_point *at;
    size_t n, cap;
    size_t max; /* at most this many are kept, the oldest going first (0: no bound) */
} knob__proposed;

/* Remembers params[0..n) (copied) as the point of trial `number`, in place of one it had.
 * KNOB_OK or KNOB_ENOMEM. */
int knob__proposed_add(knob__proposed *l, int64_t number, const knob_param *params, size_t n);

/* The point of trial `number`, or NULL. */
const knob__proposed_point *knob__proposed_find(const knob__proposed *l, int64_t number);

/* Forgets the point of trial `number`, if any. */
void knob__proposed_forget(knob__proposed *l, int64_t number);

/* Forgets the points of trials that are not running any more (or not among tr[0..n_tr), in
 * number order as knob_study_trials gives them) and of those that show every param of their
 * point (what the trial suggested is then the truth, even where it took other values). */
void knob__proposed_prune(knob__proposed *l, const knob_trial_info *const *tr, size_t n_tr);

/* The point as a running trial that shows it (borrowing q's params). */
knob_trial_info knob__proposed_info(const knob__proposed_point *q);

void knob__proposed_free(knob__proposed *l);

/* auto's delegates: the state of a gp or of a smac sampler (knob_sampler_state) keeps its
 * points in *shared from now on, not in a list of its own (which must be empty: called before
 * the first ask). *shared outlives the sampler. */
void knob__gp_share_proposed(void *gp_state, knob__proposed *shared);
void knob__smac_share_proposed(void *smac_state, knob__proposed *shared);
/* auto's tpe (constant_liar) reads the points in *shared (borrowed; it outlives the sampler),
 * and counts each trial that has not suggested its point yet as a running trial at it. */
void knob__tpe_share_proposed(void *tpe_state, knob__proposed *shared);

#endif
