/* The reference-point parts of the nsga3 sampler, for its tests: Das-Dennis points,
 * normalisation, association with reference lines and niching (Deb and Jain 2014). */
#ifndef KNOB_SAMPLERS_NSGA3_H
#define KNOB_SAMPLERS_NSGA3_H

#include "knob.h"

#include <stddef.h>

/* The Das-Dennis points of m objectives and p divisions: every vector of m multiples of
 * 1/p that sum to 1, C(m + p - 1, p) of them, in the order of Optuna's
 * _generate_default_reference_point (the multisets of p objective indices in
 * lexicographic order). *out (n rows of m, row-major) is the caller's to free.
 * KNOB_EINVAL when m or p is 0 or there would be more than 100,000 points. */
int knob__nsga3_das_dennis(size_t m, size_t p, double **out, size_t *n);

/* Normalises n points of m objectives (row-major, all finite) in place: minus the ideal
 * point (the minimum of each objective), then divided per objective by the intercept of
 * the hyperplane through the m extreme points (the point minimising the achievement
 * scalarising function max_j f_j / w_j, w = 1 on the axis and 1e-6 elsewhere); when those
 * points do not span a hyperplane or an intercept is not positive, by the nadir (the
 * maximum of the objective), an objective whose nadir is 0 left as it is. Returns 1 when
 * the intercepts were used, 0 for the nadir. */
int knob__nsga3_normalize(double *f, size_t n, size_t m);

/* For each of n normalised points: the reference line (through the origin and one of the
 * h points ref, none zero) nearest to it, closest[i], and its perpendicular distance to
 * it, dist[i] (ties: the first line). */
void knob__nsga3_associate(const double *f, size_t n, size_t m, const double *ref, size_t h,
                           size_t *closest, double *dist);

/* Niching: chooses `need` of the k candidates (cand_ref[i], cand_dist[i] their line and
 * distance), given the lines elite_ref[0..n_elite) of the members already chosen. Each
 * step takes a line with candidates left and the fewest chosen members (at random among
 * those), then its candidate nearest to the line when it has no member yet, else one of
 * its candidates at random. The chosen candidates' indices go to out[0..need) in the order
 * chosen. need <= k. Returns KNOB_OK or KNOB_ENOMEM. */
int knob__nsga3_niche(size_t h, const size_t *elite_ref, size_t n_elite, const size_t *cand_ref,
                      const double *cand_dist, size_t k, size_t need, knob_rng *r, size_t *out);

#endif
