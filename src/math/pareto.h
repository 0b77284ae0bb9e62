/* Pareto dominance, non-dominated sorting and crowding distance (NSGA-II, NSGA-III), on
 * points to minimize: n rows of m numbers, row-major. */
#ifndef KNOB_MATH_PARETO_H
#define KNOB_MATH_PARETO_H

#include <stdbool.h>
#include <stddef.h>

/* True when a dominates b: no worse in every one of the m objectives, better in one. */
bool knob__pareto_dominates(const double *a, const double *b, size_t m);

/* Constrained domination (Deb 2000): va and vb are the total violations (0 = feasible,
 * > 0 infeasible, +inf for a point whose constraints are unknown). A feasible point
 * dominates an infeasible one; of two infeasible points the one violating less
 * dominates; two feasible points compare by knob__pareto_dominates. */
bool knob__pareto_cdominates(const double *a, double va, const double *b, double vb, size_t m);

/* Non-dominated sorting: rank[i] = 0 for the points no other point dominates, 1 for
 * those dominated only by rank-0 points, and so on; with violation (n totals, or NULL
 * when unconstrained) by constrained domination. *n_fronts is the number of ranks.
 * O(m n^2). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__pareto_sort(const double *pts, size_t n, size_t m, const double *violation, size_t *rank,
                      size_t *n_fronts);

/* The crowding distance of the k points idx[0..k) of pts (one front), as NSGA-II
 * defines it: per objective, the points sorted by it, the gap between each point's two
 * neighbours divided by the objective's range, summed over objectives; the first and
 * last point of an objective get +inf; an objective on which every point is equal adds
 * nothing. dist[i] belongs to idx[i]. Returns 0 or KNOB__MATH_ENOMEM. */
int knob__pareto_crowding(const double *pts, size_t m, const size_t *idx, size_t k, double *dist);

#endif
