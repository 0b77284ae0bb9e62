/* A 2-D staircase: the nondominated points (to minimize) among candidates known in advance,
 * added one at a time, with what each adds to the area they dominate below a reference. */
#ifndef KNOB_MATH_STAIR_H
#define KNOB_MATH_STAIR_H

#include <stdbool.h>
#include <stddef.h>

/* Each candidate has its slot in their order by x (then by index); a Fenwick tree counts the
 * slots in use, so the neighbours of a point are found by rank in O(log n). */
typedef struct knob__stair {
    size_t n, top; /* slots 1..n; top: the highest power of 2 <= n */
    size_t *tree;  /* counts by slot, Fenwick */
    double *xy;    /* x and y by slot (slot 1 at xy[2]) */
    size_t *slot;  /* by candidate: its slot */
    size_t *last;  /* by candidate: the highest slot of the same x */
} knob__stair;

/* Makes an empty staircase over the n candidates pts (n rows of x and y, none NaN).
 * Returns 0 or KNOB__MATH_ENOMEM. */
int knob__stair_init(knob__stair *t, const double *pts, size_t n);
void knob__stair_free(knob__stair *t);

/* Adds candidate i, dropping the points it dominates, and returns the area it adds to the
 * union of the boxes [p, r) of the points in the staircase: 0 when a point in it covers
 * candidate i (dominates it or equals it), +inf when its own box is past the largest
 * double. O(log n) a point added or dropped. */
double knob__stair_add(knob__stair *t, size_t i, const double *r);

#endif
