/* Parzen estimators of the TPE sampler: mixtures of truncated Gaussian kernels (one
 * per observation plus a prior) for numerical params, smoothed categorical estimators,
 * and joint (multivariate) mixtures. They work in a "kernel space": log(x) for log
 * params, x itself otherwise; stepped floats and linear ints are bins of width q over
 * [low - q/2, high + q/2]. The rules follow Optuna 3.x's _ParzenEstimator. */
#ifndef KNOB_MATH_TPE_PARZEN_H
#define KNOB_MATH_TPE_PARZEN_H

#include "knob.h" /* knob_rng, the seeded generator every draw takes */
#include "math/status.h"
#include "math/tpe_normal.h"

/* One param's axis in the kernel space, with the values the param takes (draws are
 * snapped back to them). */
typedef struct knob__tpe_axis {
    double low, high; /* bounds in the kernel space */
    double q;         /* bin width (stepped floats, linear ints); 0 when continuous */
    bool log;         /* the kernel space is log(x) */
    size_t n_choices; /* categorical: the number of choices; 0 for numbers */
    /* numbers: the param's values lie in [min, max], at min + k step when step > 0, and
     * are integers when `integer` */
    double min, max, step;
    bool integer;
} knob__tpe_axis;

/* Settings shared by every estimator. */
typedef struct knob__tpe_settings {
    /* The prior's weight in a mixture, on the scale of the observations' weights (with EI
     * weights, in units of the loss). */
    double prior_weight;
    /* The prior's share in each categorical kernel (prior_weight as set, a count of
     * observations: no unit): a kernel puts 1 on its choice and smoothing / (n + 1) on
     * every choice. */
    double smoothing;
    bool consider_endpoints;
    bool magic_clip;
    /* Continuous kernels are scored by weight x bandwidth: their densities are not
     * divided by sigma, as in Optuna 3.1 to 3.4 (whose truncated normal log pdf left out
     * log sigma). Sampling still picks kernels by weight. */
    bool sigma_weighted;
    /* The magic clip's floor of a bandwidth, as a fraction of the range: the larger of
     * this and 1 / (1 + the number of kernels). */
    double min_bandwidth;
    /* Continuous axes with more observations than this merge them into cells (below);
     * 0 means KNOB__TPE_MERGE_MIN. */
    size_t merge_min;
} knob__tpe_settings;

/* The axis of a numerical param whose values lie in [low, high]: at low + k step when
 * step > 0 (an int's step is 1 or more), integers when `integer`, on a log scale when
 * `log_scale` (then low > 0; an int's axis spans [low - 0.5, high + 0.5] on that scale). */
void knob__tpe_axis_number(knob__tpe_axis *a, double low, double high, double step, bool integer,
                           bool log_scale);
/* The axis of a categorical param of n_choices choices, its values their indices. */
void knob__tpe_axis_choice(knob__tpe_axis *a, size_t n_choices);
/* A param's value to the kernel space (categorical: the index itself). */
double knob__tpe_to_kernel(const knob__tpe_axis *a, double internal);
/* A point of the kernel space back to a value the param takes (rounded to an index, to
 * a step or an integer, clipped to its range). */
double knob__tpe_from_kernel(const knob__tpe_axis *a, double y);

/* Optuna's default weights of n observations in time order: ones below 25, else a
 * linear ramp from 1/n to 1 over the oldest n - 25, then ones. */
void knob__tpe_default_weights(size_t n, double *w);

/* ---------------------------------------------------------------- one numerical param */

/* Kernels of one bandwidth class (sigma within a factor of 2), sorted by mu, so that
 * kernels too far from a point to matter are skipped by a binary search. */
typedef struct knob__tpe_class {
    size_t lo, hi;
    double sig_hi; /* the largest sigma in the class */
    double cb_hi;  /* the log of the largest peak (ab) in the class */
} knob__tpe_class;

#define KNOB__TPE_CLASSES 64

/* A mixture of truncated Gaussians on one axis. Its arrays are reused by the next fit
 * (grown, never shrunk) and freed by knob__tpe_mix1_free. */
typedef struct knob__tpe_mix1 {
    knob__tpe_axis ax;
    size_t n; /* kernels besides the prior */
    /* Sorted by (bandwidth class, mu). a is the coefficient of each kernel: its
     * normalized weight over its truncation mass (and, when continuous, over sqrt(2 pi)
     * and, unless sigma_weighted, sigma); ab its peak density (continuous) or a bound of
     * its bin masses. */
    double *mu, *sigma, *a, *ab; /* the kernels summed directly */
    double *isig;                /* 1 / sigma */
    /* Every kernel (the FGT's too) in observation order: centre, bandwidth, coefficient
     * (NULL after a fit that extended the last, knob__tpe_mix1_fit_ramp), and the
     * cumulative normalized weights, for sampling. Valid until the next fit. */
    const double *obs_mu, *obs_sigma, *obs_a;
    double *cum;
    size_t n_class;
    knob__tpe_class cls[KNOB__TPE_CLASSES];
    double prior_mu, prior_sigma, prior_c, prior_w; /* prior_c: log of its coefficient */
    /* the kernels of the smallest bandwidth, when many, as a fast Gauss transform:
     * n_box boxes with centres box_c and Hermite moments box_a */
    size_t n_box, box_cap;
    double *box_c, *box_a, fgt_c0, fgt_peak, fgt_sigma; /* c0, peak: logs of the largest */
    double *scratch; /* 5 arrays of cap doubles, in observation order (obs_mu ...) */
    uint32_t *idx;   /* 3 arrays of cap */
    uint32_t *keys;  /* 2 arrays of cap, for sorting */
    size_t cap;
    double *cell_y, *cell_w;     /* the merged kernels of a long history (KNOB__TPE_CELLS each) */
    struct knob__tpe_ramp *ramp; /* what knob__tpe_mix1_fit_ramp keeps between fits */
} knob__tpe_mix1;

/* Continuous axes with more observations than KNOB__TPE_MERGE_MIN merge them into one
 * kernel per occupied cell of a grid of KNOB__TPE_CELLS over the axis (at the weighted
 * mean of the cell, with the summed weight): a cell is 1/10 of the narrowest bandwidth
 * the magic clip allows (1% of the range), so the density moves by under 1% (a unit
 * test checks it) while the fit costs O(cells) instead of O(n log n). */
#define KNOB__TPE_MERGE_MIN 2048
#define KNOB__TPE_CELLS 1024

/* Fits the mixture to n observations y[] (kernel space) with weights w[] (not
 * normalized; the prior gets settings->prior_weight). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y, const double *w,
                       size_t n, const knob__tpe_settings *set);
/* The fit of n_obs observations already merged into k kernels (y[], w[]: one per
 * occupied cell of the grid above, at its weighted mean, with its summed weight, in the
 * order of the cells); n_obs sets the magic clip. Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_mix1_fit_merged(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                              const double *w, size_t k, size_t n_obs,
                              const knob__tpe_settings *set);
/* knob__tpe_mix1_fit with w[] = knob__tpe_default_weights(n) (the caller's), which also
 * keeps what the next such fit needs when its observations are these n, unchanged and in
 * the same order, followed by new ones (a study's bad side between two asks): that fit
 * then inserts the new kernels, recomputes their neighbours' bandwidths and moves the
 * kernels that enter the weights' ramp into the fast Gauss transform's moments, which
 * are kept per box as sums over the ramp's kernels with weight 1 and with weight equal
 * to their index (the ramp's weights are affine in the index), at a cost of O(n) memory
 * traffic instead of O(n log n) sorting and O(n) truncation masses and moments. Any other
 * change (an observation changed or removed, other settings, another bandwidth floor, a
 * transform no longer worth it) fits from scratch. The result is the same mixture as
 * knob__tpe_mix1_fit's up to rounding. Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_mix1_fit_ramp(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                            const double *w, size_t n, const knob__tpe_settings *set);
/* One draw in the kernel space (two uniforms from r). */
double knob__tpe_mix1_sample(const knob__tpe_mix1 *m, knob_rng *r);
/* The log density at y (kernel space; for binned axes y is a bin centre, and the result
 * is the log mass of its bin). */
double knob__tpe_mix1_logpdf(const knob__tpe_mix1 *m, double y);
void knob__tpe_mix1_free(knob__tpe_mix1 *m);

/* ---------------------------------------------------------------- one categorical param */

/* The probabilities p[0..n_choices) of the smoothed categorical estimator: each
 * observation's row puts 1 on its choice and smoothing / (n + 1) on every choice,
 * normalized; the prior row is uniform; rows are mixed by the weights (the prior's:
 * prior_weight). */
void knob__tpe_cat_fit(double *p, size_t n_choices, const double *y, const double *w, size_t n,
                       const knob__tpe_settings *set);
/* knob__tpe_cat_fit of n_obs observations already merged into k kernels, one per choice
 * they hold (y[] its index, w[] their summed weight): the same probabilities up to
 * rounding, at a cost of O(choices) instead of O(n_obs). */
void knob__tpe_cat_fit_merged(double *p, size_t n_choices, const double *y, const double *w,
                              size_t k, size_t n_obs, const knob__tpe_settings *set);
/* A draw from p (one uniform). */
size_t knob__tpe_cat_sample(const double *p, size_t n_choices, knob_rng *r);

/* ---------------------------------------------------------------- several params jointly */

/* A mixture of product kernels over d axes (multivariate TPE): the bandwidth of every
 * numerical axis is 0.2 n^(-1/(d+4)) of its range (Scott's rule, as in BOHB and Optuna),
 * clipped like the univariate one. Arrays are reused by the next fit. */
typedef struct knob__tpe_mixn {
    const knob__tpe_axis *ax; /* borrowed for the estimator's life */
    size_t d, n;
    double *y;     /* n x d observations */
    double *lw;    /* log normalized weight of each kernel */
    double *cum;   /* cumulative weights, prior last */
    double *logz;  /* n x d log truncation masses (numerical axes) */
    double *sigma; /* per axis */
    double *prior_logz;
    /* per axis: categorical, the log row value on / off the kernel's choice; numerical,
     * hit is -log(sigma sqrt(2 pi)) */
    double *hit, *miss;
    double *ub;    /* per position in `order`: an upper bound of the rest's log density */
    size_t *order; /* axes by evaluation cost: continuous, categorical, binned */
    double log_prior_w;
    bool weighted; /* settings.sigma_weighted */
    /* Binned axes with few values: their kernels' log bin masses by offset in steps
     * (tab + tab_off[axis], SIZE_MAX when not tabulated), and each kernel's grid index
     * (gi, n x d; -1 off the grid). */
    double *tab;
    size_t *tab_off, *tab_len;
    int32_t *gi;
    size_t cap_n, cap_d, cap_tab;
} knob__tpe_mixn;

/* y is n x d, row-major, in the kernel space. Returns 0 or KNOB__MATH_ENOMEM. */
int knob__tpe_mixn_fit(knob__tpe_mixn *m, const knob__tpe_axis *ax, size_t d, const double *y,
                       const double *w, size_t n, const knob__tpe_settings *set);
/* One draw into out[0..d) (kernel space). */
void knob__tpe_mixn_sample(const knob__tpe_mixn *m, knob_rng *r, double *out);
double knob__tpe_mixn_logpdf(const knob__tpe_mixn *m, const double *y);
void knob__tpe_mixn_free(knob__tpe_mixn *m);

#endif
