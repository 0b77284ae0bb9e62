/* Exact hypervolume of a set of points to minimize: the measure of the region that some
 * point dominates and that is bounded by a reference point. */
#ifndef KNOB_MATH_HYPERVOLUME_H
#define KNOB_MATH_HYPERVOLUME_H

#include <stdbool.h>
#include <stddef.h>

/* The hypervolume of pts (n rows of m numbers, row-major, minimized) below ref: the
 * measure of the union of the boxes [p, ref) over the points p. Points not strictly
 * below ref in every objective add nothing. 2 objectives: a sweep, O(n log n); 3: a
 * sweep over the third with an ordered 2-D front, O(n^2) at worst; more: WFG (While et al.
 * 2012), exponential in m in the worst case. Returns 0 or KNOB__MATH_ENOMEM (*out
 * untouched). */
int knob__hv(const double *pts, size_t n, size_t m, const double *ref, double *out);

/* The hypervolume below ref after each of the n points pts (in their order) that use marks,
 * into out[0..n); the others, and a point with a NaN, add nothing. Each point the running
 * front does not cover adds its box less what the front covers of it. 2 objectives: a
 * staircase, O(log n) a point; 3: the front in a k-d tree, each new point of it costing a
 * hypervolume of the front's points near it (on a sphere's front of 20,000 points, 1.6 s in
 * all where the whole front's hypervolume at each point took 46 s); more: each new point of
 * the front costs a hypervolume of the front limited to its box. Returns 0 or
 * KNOB__MATH_ENOMEM. */
int knob__hv_history(const double *pts, const bool *use, size_t n, size_t m, const double *ref,
                     double *out);

#endif
