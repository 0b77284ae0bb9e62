/* TPE's kept state: what a long history's ask needs of the trials, small enough to be
 * saved with the study (the sampler hooks save_state / load_state) and brought up to date
 * from the trials changed since, so that a process asking one trial does not read every
 * trial of a study of 100,000.
 *
 * It holds, for one objective with the observations in trial order (tpe.c's in_order), the
 * trials 0 .. settled - 1 (all finished: "frozen") only as sums: per param column, the
 * cells of the merged bad side (math/tpe_cells.h) over the frozen observations, and the
 * values at their last 26 positions; the best 64 frozen observations with their values;
 * and every trial from `settled` on whole (its rank key and values), as few as are still
 * unfinished. An ask from it gives what tpe.c's merged path gives from every trial: the
 * cells are summed in the same order, and the best list and the good side are chosen by
 * the same rules (tpe.c's split_top); where those rules cannot decide from the list, or a
 * param has no column, tpe.c reads every trial instead. */
#ifndef KNOB_SAMPLERS_TPE_STATE_H
#define KNOB_SAMPLERS_TPE_STATE_H

#include "knob.h"
#include "math/tpe_cells.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KNOB__TPE_KEPT_TOP 64
#define KNOB__TPE_KEPT_LAST 26

/* An observation's rank: tpe.c's obs step key and loss, by trial number. */
typedef struct knob__tpe_rank {
    int64_t number;
    double step_key, loss;
} knob__tpe_rank;

typedef struct knob__tpe_kept_col {
    char *name;
    knob_distribution dist; /* a continuous one (no choices) */
    knob__tpe_cells acc;    /* the frozen observations' values, in order */
    size_t n_last;          /* the last frozen values, oldest first */
    uint64_t last_pos[KNOB__TPE_KEPT_LAST];
    double last_y[KNOB__TPE_KEPT_LAST];
    int64_t last_num[KNOB__TPE_KEPT_LAST];
} knob__tpe_kept_col;

/* A trial from `settled` on. */
typedef struct knob__tpe_open {
    knob__tpe_rank r;
    bool settled, is_obs;
} knob__tpe_open;

typedef struct knob__tpe_kept {
    int64_t stamp;     /* the change stamp the state is as of */
    int64_t settled;   /* trials 0 .. settled - 1 are finished and frozen */
    uint64_t n_frozen; /* observations among them */
    size_t n_cols;
    knob__tpe_kept_col *cols;
    size_t n_top; /* the best frozen observations, best first */
    knob__tpe_rank top[KNOB__TPE_KEPT_TOP];
    uint64_t *top_pos; /* KNOB__TPE_KEPT_TOP x n_cols: its position per column (UINT64_MAX: none) */
    double *top_y;     /* and value */
    size_t n_open, cap_open; /* trials settled .. by number (a trial not seen yet: none) */
    knob__tpe_open *open;
    double *open_y; /* cap_open x n_cols: values (NaN: none) */
    /* an ask (knob__tpe_kept_split): good trials by number, the split's outcome */
    int64_t good[KNOB__TPE_KEPT_TOP];
    size_t n_good;
    bool explore;
    double ei_threshold;
} knob__tpe_kept;

/* A new state of n_cols columns (names copied; dists continuous), with nothing frozen;
 * each column's cells span the distribution's range until the caller sets them to the
 * kernel axis' (knob__tpe_cells_copy). NULL when out of memory. */
knob__tpe_kept *knob__tpe_kept_new(size_t n_cols, const char *const *names,
                                   const knob_distribution *const *dists);
void knob__tpe_kept_free(knob__tpe_kept *k);
/* The column of (name, d), or -1. */
int knob__tpe_kept_col_of(const knob__tpe_kept *k, const char *name, const knob_distribution *d);

/* Records trial `number` (from `settled` on) as read now, with its values per column
 * (n_cols, NaN: none); then freezes the trials that can be. KNOB_ECORRUPT when the
 * number is below `settled` (a frozen trial changed: the state is stale), KNOB_ENOMEM. */
int knob__tpe_kept_put(knob__tpe_kept *k, const knob__tpe_open *t, const double *y);

/* Adds a frozen observation straight (when building from tpe.c's history, in order):
 * its rank and, per column, its value (NaN: none) and position (as tpe.c counted it). */
int knob__tpe_kept_add_frozen(knob__tpe_kept *k, const knob__tpe_rank *r, const double *y);

/* Inserts a frozen observation into the best list only (its positions and values per
 * column given; UINT64_MAX: none), as tpe.c's best list takes it. */
void knob__tpe_kept_top_add(knob__tpe_kept *k, const knob__tpe_rank *r, const uint64_t *pos,
                            const double *y);

/* The observations an ask counts, the asking trial `self` left out. */
size_t knob__tpe_kept_n_obs(const knob__tpe_kept *k, int64_t self);

/* tpe.c's split_top for `gamma` good ones out of n_obs observations (n_done of them done)
 * from the kept list: false when the list cannot decide. Sets good, explore and
 * ei_threshold. */
bool knob__tpe_kept_split(knob__tpe_kept *k, int64_t self, size_t gamma, size_t n_obs,
                          size_t n_done);

/* tpe.c's gather_merged for column c: tail = the column's cells with the open
 * observations added; special[0 .. *g) the good observations' (position, value) in trial
 * order with yg their values and lg their rank (the good weight's input); then the last 26
 * positions' non-good ones merged in: returns the number of special[]. special holds
 * KNOB__TPE_KEPT_TOP + 27. KNOB_ENOMEM when memory runs out. */
int knob__tpe_kept_gather(const knob__tpe_kept *k, size_t c, int64_t self, knob__tpe_cells *tail,
                          knob__tpe_cell_obs *special, size_t *n_special, double *yg,
                          knob__tpe_rank *lg, size_t *g);

/* The state as bytes (malloc'd) and back; decode gives NULL for bytes that do not parse. */
void *knob__tpe_kept_encode(const knob__tpe_kept *k, size_t *len);
knob__tpe_kept *knob__tpe_kept_decode(const void *data, size_t len);

#endif
