/* Multi-objective helpers of the TPE sampler (MOTPE): nondominated fronts, exact
 * hypervolume and greedy hypervolume subset selection. Losses are minimized; points are
 * rows of n x m arrays. */
#ifndef KNOB_MATH_TPE_FRONT_H
#define KNOB_MATH_TPE_FRONT_H

#include <stdbool.h>
#include <stddef.h>

/* The hypervolume the n points dominate up to `ref` (WFG). NaN when out of memory. */
double knob__tpe_hypervolume(const double *pts, size_t n, size_t m, const double *ref);

/* Marks k of the n points in sel[]: whole nondominated fronts in order, the last one
 * cut by greedy hypervolume subset selection against a reference point a little worse
 * than that front's worst (Optuna's rule). Any finite losses: an objective whose volumes
 * would overflow is scaled by a power of two first. Returns 0, or -1 when out of memory. */
int knob__tpe_select(const double *loss, size_t n, size_t m, size_t k, bool *sel);

/* MOTPE's weights of the good points: each one's hypervolume contribution (plus 1e-12)
 * over the largest. Returns 0, or -1 when out of memory. */
int knob__tpe_hv_weights(const double *loss, size_t n, size_t m, double *w);

#endif
