/* Running sums of one param's observations in the cells of the merge grid (tpe_parzen.h:
 * KNOB__TPE_CELLS cells over a continuous axis), so that the bad estimator of a long
 * history is fitted from sums kept between asks instead of from every observation.
 *
 * The merged bad side of a history of V observations of the param (in time order,
 * position j = 0 .. V-1, good ones included) weighs position j by Optuna's ramp taken
 * over all V positions: 1/V + j (1 - 1/V) / (V - 26) below V - 26, and 1 from there (the
 * last 26). A cell then needs only four sums (count, sum j, sum y, sum j y), whatever
 * the weights' scale, and the good observations (at most a few dozen) and the last 26
 * are corrected one by one. The sums are added in time order, so a history gives the
 * same cells however many asks it was read in. */
#ifndef KNOB_MATH_TPE_CELLS_H
#define KNOB_MATH_TPE_CELLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct knob__tpe_cells {
    double low, scale; /* the grid: cell of y = (y - low) scale, clipped */
    double *sum;       /* 4 x KNOB__TPE_CELLS: count, sum of j, sum of y, sum of j y */
    size_t n;          /* observations added: the next one's position j */
} knob__tpe_cells;

/* An observation the merge corrects: a good one, or one of the last 26 positions. */
typedef struct knob__tpe_cell_obs {
    size_t j; /* its position */
    double y;
    bool good;
} knob__tpe_cell_obs;

/* Empties c for the axis [low, high] (high > low). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_cells_reset(knob__tpe_cells *c, double low, double high);
/* Adds the observation at position c->n. */
void knob__tpe_cells_add(knob__tpe_cells *c, double y);
/* dst = src (dst's arrays reused). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_cells_copy(knob__tpe_cells *dst, const knob__tpe_cells *src);
void knob__tpe_cells_free(knob__tpe_cells *c);
/* The bad side's merged kernels of the V = c->n observations added (V > 26): special[]
 * holds every good observation and every one of the last 26 positions, sorted by j, each
 * once. Writes one kernel per occupied cell (its weighted mean, clipped to [low, high],
 * and its summed weight) into y[], w[], in the order of the cells, and returns their
 * number. y holds 2 x KNOB__TPE_CELLS (its second half is scratch), w KNOB__TPE_CELLS. */
size_t knob__tpe_cells_merge(const knob__tpe_cells *c, const knob__tpe_cell_obs *special,
                             size_t n_special, double high, double *y, double *w);

#endif
