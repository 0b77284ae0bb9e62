/* Expected hypervolume improvement (EHVI) of a point whose objectives are independent
 * normals, computed exactly, and its logarithm, for Bayesian optimization with several
 * objectives (all minimized).
 *
 * The region that no point of the front dominates, below the reference point, is cut into
 * disjoint boxes [l, u) (knob__ehvi_init). The improvement of a point y is the volume of
 * the boxes' parts above y, sum_k prod_j (u_kj - max(l_kj, y_j))_+, and since
 * (u - max(l, y))_+ = (u - y)_+ - (l - y)_+ for l < u, its expectation under independent
 * normals N(mean_j, sd_j^2) is sum_k prod_j (psi_j(u_kj) - psi_j(l_kj)), with
 * psi(a) = E[(a - Y)_+] = sd h((a - mean) / sd), h(z) = phi(z) + z Phi(z) (the expected
 * improvement of math/acq.h). Its logarithm is a log-sum-exp over boxes of sums of
 * log(psi(u) - psi(l)), each from log h, so it stays finite, and ordered, far beyond where
 * the improvement itself underflows (as log EI does for one objective).
 *
 * Boxes: two objectives, a sweep (n + 1 boxes for n points of the front); three or more,
 * slabs along the last objective between the front's values of it, each the boxes of the
 * front of the points below the slab in the other objectives (O(n^2) boxes for three). */
#ifndef KNOB_MATH_EHVI_H
#define KNOB_MATH_EHVI_H

#include "math/status.h"

#include <stddef.h>

#define KNOB__EHVI_MAX_OBJ 4

typedef struct knob__ehvi {
    int m;                      /* objectives */
    int n_front;                /* points of the front strictly below the reference */
    int n_boxes;                /* disjoint boxes of the non-dominated region */
    int nc[KNOB__EHVI_MAX_OBJ]; /* distinct box bounds per objective, sorted */
    double *coord[KNOB__EHVI_MAX_OBJ];
    int np[KNOB__EHVI_MAX_OBJ];    /* distinct (lower, upper) bound pairs per objective */
    int *pair[KNOB__EHVI_MAX_OBJ]; /* np x 2 indices into coord */
    int *box;                      /* n_boxes x m indices into pair */
    double *scratch;               /* per evaluation: psi, Phi, phi at every bound, and more */
} knob__ehvi;

/* Decomposes the region below ref (m numbers) that none of the n points (rows of m
 * numbers, row-major, minimized) dominates. Points not strictly below ref in every
 * objective, dominated points and duplicates are left out. 2 <= m <= KNOB__EHVI_MAX_OBJ.
 * Frees what e held before (e zeroed, or initialized before). Returns 0,
 * KNOB__MATH_EDIMS for m out of range, or KNOB__MATH_ENOMEM. */
int knob__ehvi_init(knob__ehvi *e, const double *pts, size_t n, int m, const double *ref);

void knob__ehvi_free(knob__ehvi *e);

/* log EHVI of a point whose objective j is N(mean[j], sd[j]^2), sd[j] > 0, with its
 * derivatives over mean[j] and sd[j] into dmean and dsd (m numbers each; NULL: not
 * wanted). -HUGE_VAL only where the improvement is truly 0 (a box of zero volume); the
 * derivatives are then 0. Uses e->scratch (not thread-safe on one e). */
double knob__ehvi_log(knob__ehvi *e, const double *mean, const double *sd, double *dmean,
                      double *dsd);

#endif
