/* The bad side of a long history of an int or a stepped float (a binned axis, tpe_parzen.h)
 * as a few kernels per value instead of one per observation, from the positions of each
 * value kept between asks.
 *
 * Why this is the fit of the observations one by one (knob__tpe_mix1_fit of the bad side in
 * time order, with knob__tpe_default_weights): that fit sorts the kernels by centre, stably,
 * so the observations of one value v lie side by side in time order, and each kernel's
 * bandwidth is the larger distance to its two neighbours (the prior's centre among them,
 * after the centres equal to it), clipped. Between the first and the last observation of v
 * both neighbours are at v: their bandwidth is the floor, the same for all, so their kernels
 * add up to one kernel of their summed weight. The first's left neighbour and the last's right
 * one are other values (the bounds, the prior): they keep kernels of their own. A value gives
 * at most three kernels at v, the first, the merged middle ones and the last, in that order;
 * fitted by knob__tpe_mix1_fit_merged with n_obs the bad observations, each has the neighbours
 * and so the bandwidth its observations have one by one, bit for bit. Only the rounding of
 * sums differs: the middle kernel's weight is summed in closed form, the weights' total over
 * fewer terms, and the many kernels at the floor of a long history went through the fast
 * Gauss transform (its truncation error is below 4e-12), which a few do not.
 *
 * The weights: the observations that have a value hold positions 0, 1, ... in time order,
 * good ones included; the bad ones, numbered i = 0 .. nb - 1 in that order (i is the
 * position less the good positions before it), weigh knob__tpe_default_weights(nb)[i], an
 * affine i step + 1/nb below some index and 1 from there. A value keeps its positions
 * ascending with their prefix sums, so that the summed weight of its middle observations
 * costs a few binary searches per good observation. */
#ifndef KNOB_MATH_TPE_BINS_H
#define KNOB_MATH_TPE_BINS_H

#include <stddef.h>
#include <stdint.h>

/* The distinct values kept at most (a merged side has at most 3 kernels per value). */
#define KNOB__TPE_BINS_MAX 256

typedef struct knob__tpe_bin {
    double y;      /* the value */
    uint32_t *pos; /* the positions holding it, ascending */
    uint64_t *pre; /* pre[k]: pos[0] + ... + pos[k - 1], k <= n */
    size_t n, cap;
    size_t n_keep; /* those added before the last knob__tpe_bins_keep */
} knob__tpe_bin;

typedef struct knob__tpe_bins {
    knob__tpe_bin *v; /* by ascending value */
    size_t n_v, cap_v;
    size_t n;      /* positions added: the next one's */
    size_t n_keep; /* those added before the last knob__tpe_bins_keep */
} knob__tpe_bins;

/* Adds the observation at position b->n, of value y (finite; -0 counts as 0). Returns 0,
 * KNOB__MATH_ENOMEM, or KNOB__MATH_EDIMS when y would be value KNOB__TPE_BINS_MAX + 1
 * (nothing added in either failure). */
int knob__tpe_bins_add(knob__tpe_bins *b, double y);
/* What was added so far stays through knob__tpe_bins_rewind. */
void knob__tpe_bins_keep(knob__tpe_bins *b);
/* Forgets the observations added since the last knob__tpe_bins_keep. */
void knob__tpe_bins_rewind(knob__tpe_bins *b);
/* Forgets everything (the list of values stays for the next; each value's arrays are freed). */
void knob__tpe_bins_clear(knob__tpe_bins *b);
void knob__tpe_bins_free(knob__tpe_bins *b);
/* The bad side's kernels: good[0 .. n_good) are the positions of the good observations,
 * ascending (each one added), the rest are bad (b->n - n_good of them). Writes at most 3 per
 * value into y[], w[] (centre, summed weight), by ascending value, and returns their number. */
size_t knob__tpe_bins_merge(const knob__tpe_bins *b, const size_t *good, size_t n_good, double *y,
                            double *w);

#endif
