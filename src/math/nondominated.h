/* The nondominated points of a large set (a study's Pareto front), on points to minimize:
 * n rows of m numbers, row-major. */
#ifndef KNOB_MATH_NONDOMINATED_H
#define KNOB_MATH_NONDOMINATED_H

#include <stdbool.h>
#include <stddef.h>

/* Writes to keep[0..n) whether each point is dominated by no other point of pts (a dominates
 * b: no worse in every objective, better in one; equal points do not dominate each other,
 * so duplicates are all kept or all left out), and to *count how many are kept. Infinities
 * compare as numbers. 1 or 2 objectives: one sort and a sweep, O(n log n); 3: a sort and a
 * sweep with a Fenwick tree of the least third objective by the second's rank, O(n log n);
 * more: a lexicographic sort, each point checked against the kept points before it only
 * (no later point can dominate an earlier one), O(m n f) for a front of f points. A point
 * with a NaN makes dominance intransitive: then each point in turn is checked against the
 * running front of those before it, which drops those it dominates (the result depends on
 * the order of pts). Returns 0 or KNOB__MATH_ENOMEM (keep and *count then undefined). */
int knob__nondominated(const double *pts, size_t n, size_t m, bool *keep, size_t *count);

/* As knob__nondominated, but of equal points only the first (the lowest index) can be kept:
 * a front without copies, as a hypervolume or a reference point wants it. */
int knob__nondominated_first(const double *pts, size_t n, size_t m, bool *keep, size_t *count);

#endif
