/* SMAC: Bayesian optimization with a random forest (Hutter, Hoos and Leyton-Brown 2011), as
 * SMAC3's hyperparameter-optimization facade sets it up:
 *
 * - the model: 10 regression trees (math/forest.h), bootstrapped, every feature tried at each
 *   split, splits from 2 samples, leaves of 1, depth up to 2^20; the trees' mean and spread
 *   are the prediction and its variance;
 * - costs (the objective, negated when maximized) log-scaled as SMAC3's
 *   RunHistoryLogScaledEncoder does: y = log((c - m) / (max - m)) with m the lowest cost
 *   minus the distance from it to the 5th percentile (and 1e-10, less below costs of 6e-5:
 *   log_scale), and leaves predicting log(mean(exp(y))) of their samples (log_y);
 * - the space: every param of the completed trials (the union: define-by-run and conditional
 *   spaces), each a coordinate of the unit cube (samplers/transform.h: log params on their
 *   log scale, ints and steps as bins) or a categorical feature; a param a trial does not
 *   have is inactive, NaN for the forest (a split of its own, as SMAC's imputation of
 *   inactive values out of range gives); a param trials have under other ranges, steps or
 *   log flags is read by its value, on the latest distribution's scale over the union of
 *   the ranges, and proposed in the latest's range, by value (widen, coordinate, propose);
 * - the acquisition: log expected improvement (the improvement of exp(y) over the
 *   incumbent's predicted exp(y), for log-normal predictions, Hutter et al. 2009) maximized
 *   by local search (the one-exchange neighbourhood: every other choice of a categorical,
 *   four normal steps of 0.2 of a numerical coordinate) from the completed configurations
 *   with the best acquisition, and by n_candidates random configurations, as SMAC3's
 *   LocalAndSortedRandomSearch; with probability random_probability (0.2) a trial is drawn
 *   at random instead, as SMAC3's ProbabilityRandomDesign interleaves them.
 *
 * Random configurations start from the activity pattern of a completed trial (the params
 * it had), and a categorical parent's value brings the children the trials showed it
 * has, as SMAC3's configuration space activates and deactivates a parent's children
 * (conform): a param present in every trial with that value (and absent from every trial
 * with some other value) is drawn at random where the candidate lacks it, one absent
 * from every trial with that value (and present in a trial with another) left out; so
 * that, as far as the trials show, no candidate is scored, or proposed, with a child's
 * value its parent leaves unused, or without one it uses. Params whose activity the
 * value leaves open (unconditional ones, the children of other parents) are left as they
 * are, so every combination of independent choices stays open. A child of two (or more)
 * parents at once, which no single value brings, is brought by the conjunction of the
 * values every trial with it held, when every trial holding them had it; a child of either
 * of two parents (c1 = x or c2 = y) by the disjunction of the values under which every
 * trial had it, when every trial with it held one of them, unless a value of a parent of the
 * whole disjunction drops it (vetoed); a child of a value of k that every trial with it had k
 * for goes where k goes, unless a value brings it. Only categorical parents:
 * children of an int's or a float's value are not inferred. A param a suggestion leaves
 * inactive that the trial then suggests is drawn at random.
 * Failed trials count as the worst cost, infinite costs as the lowest or highest finite
 * one; after the startup trials a configuration run, running or pruned is not proposed
 * again, by the model or as an interleaved random one (unless 100 random draws find no
 * other: a small discrete space used up); a trial this handle asked runs what it was
 * proposed until its params are stored (a batch of asks).
 *
 * The first n_startup_trials trials are random. With warm_start_study, the source study's
 * completed trials (log-scaled on their own) join the model's data, over the params the
 * two studies share, and the model starts at the first trial; with warm_start_first N the
 * first N trials that are not enqueued evaluate the source's N best distinct configurations;
 * from trial 20 on, every warm_start_local-th trial is a local step from the best trial
 * (knob__warm_local_propose, as tpe's), which finishes what the forest, led by the source's
 * rows, refines slowly or not at all when the optimum moved. Draws derive from (seed,
 * trial number), so parallel workers get different suggestions. */
#include "internal.h"
#include "math/forest.h"
#include "math/scale.h"
#include "samplers/proposed.h"
#include "samplers/random.h"
#include "samplers/transform.h"
#include "space.h"
#include "samplers/warm_start.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP_SD 0.2 /* a numerical neighbour's normal step, in the unit cube */
#define N_NUMERIC_NEIGHBOURS 4
#define MAX_LOCAL_STEPS 50
#define MIN_VAR 1e-10
/* The forest splits a categorical of more choices as subsets too, but sends the choices a
 * node's trials lack to a random side (SMAC's pyrfr; most of such a param's choices are never
 * run, and sent with the costlier side they were never tried); up to this many, they go right,
 * as they always did. Conditional rules take no literal of such a param (it was one number
 * over its choices' indices, whose order said nothing). */
#define MOST_CAT_CHOICES 63

typedef struct smac {
    /* options */
    int64_t n_startup_trials, n_trees, n_candidates, n_local_starts, min_samples_split,
        min_samples_leaf;
    double random_probability, ratio_features;
    char *ws_study, *ws_storage;
    int64_t ws_first; /* option warm_start_first */
    int64_t ws_local; /* option warm_start_local: every N-th trial near the best */
    bool ws_model;    /* option warm_start_model: every second of them a model's */
    /* state */
    knob_study *src;             /* warm_start_study, opened at the first ask */
    knob__warm_trial *ws_w;      /* its usable trials, read once then (borrowed from src) */
    const knob_trial_info **ws_tr; /* the same trials, as the model's data takes them */
    size_t n_ws;
    knob_param *ws_params; /* the params of those trials, one array (borrowed names) */
    size_t n_ws_params;
    size_t src_trials;           /* the source's trials, of any state, as read */
    knob__warm_firsts ws_firsts; /* the source's best configurations, for the first trials */
    bool ws_firsts_read;
    bool ws_checked; /* the source could be opened (before_trial) */
    knob__dim *dims;
    int n_dims;
    size_t cap_dims;
    /* per coordinate of dims: the distribution of the latest trial with the param (what the
     * next ask proposes under) and, when this study's trials have the param under other
     * ranges, the model's (dims[k].dist: the union of the ranges, on the latest's scale and
     * grid) and the latest's range on it, [ua, ub] of the unit coordinate; else dims[k].dist
     * is the latest and [ua, ub] = [0, 1] */
    struct span {
        const knob_distribution *ask;
        knob_distribution model;
        double ua, ub;
    } * spans;
    size_t cap_spans;
    /* What this handle proposed to the trials it asked that are still running without
     * their params in the storage (asked together, suggested later): such a trial is
     * running, yet its params are in its handle alone, and the next asks of the batch
     * would be proposed the same configuration. In own_proposed, or in the list auto
     * shares with gp (shared_proposed, borrowed: knob__smac_share_proposed). */
    knob__proposed own_proposed, *shared_proposed;
} smac;

/* One ask's data: the rows of the observations (own, then the source's) and their y; the
 * rows of the trials running now (asked, not told) or pruned (taken). */
typedef struct data {
    double *X, *y, *busy;
    int n, n_own, n_busy, d;
    int *n_cats;
    knob__forest f;
    double eta; /* the incumbent's predicted y */
    /* the conditional structure the rows show (learn_structure): per categorical coordinate
     * k, value v, the params it activates and deactivates, rule[first[slot[k] + v] ..
     * first[slot[k] + v + 1]) (slot: -1 for a number), each with its support (the rows with
     * value v), sup[]; vote: conform's scratch, 2 d ints */
    int *slot, *first, *rule, *sup, *vote, n_rules;
    /* conjunctions (learn_conjunctions): rule c adds coordinate cj[c] (support csup[c]) where
     * every coordinate ck[i] holds value cv[i], i in cfirst[c] .. cfirst[c + 1]; when cany[c]
     * (a disjunction), it adds it where one of them does and drops it where none does */
    int *cj, *csup, *cfirst, *ck, n_conj;
    /* disjunction c's categoricals that every row with its param and with them holds at
     * one value, vk[vfirst[c] .. vfirst[c + 1]) (parents of the whole disjunction: another
     * value's drop of the param stands; none for a conjunction) */
    bool *cany;
    int *vfirst, *vk, n_vk;
    double *cv;
    /* need[2 i] is dropped where need[2 i + 1] is absent: a child of a value of that
     * categorical, which every row with the child has (a chain: the child of a child) */
    int *need, n_need;
} data;

static void fini(void *state)
{
    smac *p = state;
    knob_study_free(p->src);
    free(p->ws_w);
    free(p->ws_tr);
    free(p->ws_params);
    knob__warm_firsts_free(&p->ws_firsts);
    free(p->dims);
    free(p->spans);
    knob__proposed_free(&p->own_proposed);
}

/* A completed trial with a value: an infinite one (a study with infinite_values) too, clipped
 * to the finite ones (observe). */
static bool usable(const knob_trial_info *t)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_values >= 1 && !isnan(t->values[0]);
}

/* A trial whose params must not be proposed again though it has no cost: running, or
 * pruned (it would be pruned again). (A waiting trial holds its params as fixed_params, not
 * params, and an ask takes it before it makes a new trial.) */
static bool taken(const knob_trial_info *t)
{
    return t->state == KNOB_TRIAL_RUNNING || t->state == KNOB_TRIAL_PRUNED;
}

static bool single(const knob_distribution *d)
{
    return d->kind == KNOB_DIST_CATEGORICAL ? d->n_choices <= 1 : !(d->high > d->low);
}

/* ---------------------------------------------------------------- the space */

static int add_params(smac *p, const knob_trial_info *t)
{
    for (size_t i = 0; i < t->n_params; i++) {
        const knob_param *q = &t->params[i];
        bool known = single(q->dist);
        for (int k = 0; k < p->n_dims && !known; k++)
            known = strcmp(p->dims[k].name, q->name) == 0;
        if (known)
            continue;
        if (knob__grow(&p->dims, &p->cap_dims, (size_t)p->n_dims + 1, sizeof *p->dims))
            return knob_set_error(KNOB_ENOMEM, "out of memory (smac: the space)");
        knob__dim_init(&p->dims[p->n_dims++], q->name, q->dist, 0);
    }
    return KNOB_OK;
}

static int cmp_dim(const void *a, const void *b)
{
    return strcmp(((const knob__dim *)a)->name, ((const knob__dim *)b)->name);
}

/* The model's scale of numerical coordinate k: the latest distribution's (its log scale, its
 * step), over the union of the ranges this study's trials tr[0..n) have the param under (a
 * log scale only over their positive values; a binned one widened by whole steps, on the
 * latest's grid); the latest's own when it covers them all (a fixed space). */
static void widen(smac *p, int k, const knob_trial_info *const *tr, size_t n)
{
    struct span *sp = &p->spans[k];
    const knob_distribution *a = sp->ask;
    double low = a->low, high = a->high;
    bool log_scale = (a->flags & KNOB_LOG) != 0;
    for (size_t i = 0; i < n; i++) {
        const knob_param *q = knob_trial_info_param(tr[i], p->dims[k].name);
        if (!q || q->dist == a || q->dist->kind == KNOB_DIST_CATEGORICAL)
            continue;
        if (!log_scale || q->dist->low > 0)
            low = fmin(low, q->dist->low);
        if (!log_scale || q->dist->high > 0)
            high = fmax(high, q->dist->high);
    }
    if (low == a->low && high == a->high)
        return;
    sp->model = *a;
    if (p->dims[k].bins > 0) { /* the latest's grid, whole steps further */
        sp->model.low = a->low - a->step * ceil((a->low - low) / a->step);
        sp->model.high = a->high + a->step * ceil((high - a->high) / a->step);
    } else {
        sp->model.low = low;
        sp->model.high = high;
    }
    knob__dim_init(&p->dims[k], p->dims[k].name, &sp->model, 0);
    const knob__dim *dm = &p->dims[k];
    if (dm->bins > 0) { /* the edges of the latest's first and last bins */
        sp->ua = (a->low - sp->model.low) / a->step / dm->bins;
        sp->ub = ((a->high - sp->model.low) / a->step + 1) / dm->bins;
    } else {
        sp->ua = knob__dim_to_unit(dm, a->low);
        sp->ub = knob__dim_to_unit(dm, a->high);
    }
}

/* The union of the params of the completed trials, each under the distribution of the most
 * recent trial that has it (what the next ask proposes under), in name order; the source's
 * when this study has none yet. A numerical param that trials have under other ranges is
 * modelled over all of them (widen). */
static int infer_space(smac *p, const knob_trial_info *const *tr, size_t n,
                       const knob_trial_info *const *src, size_t n_src)
{
    p->n_dims = 0;
    int rc = KNOB_OK;
    for (size_t i = n; i-- > 0 && rc == KNOB_OK;)
        if (usable(tr[i]))
            rc = add_params(p, tr[i]);
    if (p->n_dims == 0)
        for (size_t i = n_src; i-- > 0 && rc == KNOB_OK;)
            if (usable(src[i]))
                rc = add_params(p, src[i]);
    if (p->n_dims > 1)
        qsort(p->dims, (size_t)p->n_dims, sizeof *p->dims, cmp_dim);
    if (!rc && knob__grow(&p->spans, &p->cap_spans, (size_t)p->n_dims + 1, sizeof *p->spans))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the space)");
    for (int k = 0; k < p->n_dims && !rc; k++) {
        p->spans[k] = (struct span){.ask = p->dims[k].dist, .ua = 0, .ub = 1};
        if (!p->dims[k].cat)
            widen(p, k, tr, n);
    }
    return rc;
}

/* The coordinate k of a value of this study's (internal, under `from`), read by what it is:
 * a number on the model's scale (another range, step or log flag than the latest's, another
 * kind), a choice by its value (knob__warm_value); NaN when it has no place there (a
 * categorical's choice the latest lacks, a number for a categorical or the reverse, a value
 * off a log scale). */
static double coordinate(const smac *p, int k, const knob_distribution *from, double internal)
{
    const knob__dim *dm = &p->dims[k];
    const knob_distribution *a = p->spans[k].ask, *m = dm->dist;
    double v = internal;
    if (from == a || knob__dist_equal(from, a))
        return knob__dim_to_unit(dm, internal);
    if (dm->cat) {
        knob_param q = {dm->name, from, internal};
        return knob__warm_value(&q, a, &v) ? v : NAN;
    }
    if (from->kind == KNOB_DIST_CATEGORICAL || !(v >= m->low && v <= m->high))
        return NAN;
    return knob__dim_to_unit(dm, v);
}

/* A trial's row: each coordinate, NaN where the trial lacks the param (or has it where the
 * model has no place for it: coordinate). Returns how many are active. A source trial's
 * (`source`) params are read by value too (knob__warm_value: an int for a float, a choice by
 * its value), and one whose value does not fit the latest distribution of its param leaves
 * the trial out: -1. */
static int encode(const smac *p, const knob_trial_info *t, bool source, double *row)
{
    int active = 0;
    for (int k = 0; k < p->n_dims; k++) {
        const knob_param *q = knob_trial_info_param(t, p->dims[k].name);
        const knob_distribution *a = p->spans[k].ask;
        double v;
        if (q && source && !(q->dist == a || knob__dist_equal(q->dist, a))) {
            if (!knob__warm_value(q, a, &v))
                return -1;
            row[k] = knob__dim_to_unit(&p->dims[k], v);
        } else {
            row[k] = q ? coordinate(p, k, q->dist, q->internal) : NAN;
        }
        active += !isnan(row[k]);
    }
    return active;
}

/* ---------------------------------------------------------------- the data */

static knob__proposed *proposed(smac *p)
{
    return p->shared_proposed ? p->shared_proposed : &p->own_proposed;
}

void knob__smac_share_proposed(void *smac_state, knob__proposed *shared)
{
    smac *p = smac_state;
    knob__proposed_free(&p->own_proposed);
    p->shared_proposed = shared;
}

/* Appends to D->busy the row of each trial with a remembered point that has no params in
 * tr[0..n) (one with params is a row of its own: suggest), NaN where it was proposed no
 * value: the space of D->busy holds n_rows rows. */
static void busy_proposed(smac *p, const knob_trial_info *const *tr, size_t n, data *D, int n_rows)
{
    int d = p->n_dims;
    const knob__proposed *l = proposed(p);
    for (size_t i = 0; i < l->n && D->n_busy < n_rows; i++) {
        const knob_trial_info *t = knob__trial_numbered(tr, n, l->at[i].number);
        if (!t || t->n_params > 0)
            continue;
        knob_trial_info as = knob__proposed_info(&l->at[i]);
        D->n_busy += encode(p, &as, false, D->busy + (size_t)D->n_busy * d) > 0;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, w = *(const double *)b;
    return (u > w) - (u < w);
}

/* Costs whose largest magnitude is below 2^-300 are log-scaled in units of 2^(FRAME k), the k
 * that brings it within 2^-300 .. 2^300: costs times 2^(FRAME j) are scaled to the same logs, bit
 * for bit. Larger costs are scaled as they are (as SMAC3 scales them): a unit of 2^600 for a
 * penalty of 1e100 made the 1e-10 below swamp every ordinary cost (as 1e-10 swamps costs of
 * 1e-90), and the search random. */
#define FRAME 600
/* Where the largest cost is below 2^-14 (about 6e-5) in its unit, the 1e-10 below the lowest
 * cost becomes this much of the median magnitude's power of two (as 1e-10 is of costs about
 * 6e-5): SMAC3's absolute 1e-10 swamped smaller costs (at 1e-12 and below every log was about
 * 0, and the search random). The median, not the largest cost: one cost of 1e-5 among costs
 * of 1e-9 would bring it back. At 2^-14 and above the 1e-10 stays, and SMAC3's asks with it. */
#define SMALL_GAP 0x1p-19
#define SMALL_COSTS (-14)

/* The median of |s[i]| (s[0, n) sorted, reordered), 0 when that is not finite. */
static double median_magnitude(double *s, int n)
{
    for (int i = 0; i < n; i++)
        s[i] = fabs(s[i]);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    double med = n % 2 ? s[n / 2] : s[n / 2 - 1] / 2 + s[n / 2] / 2;
    return isfinite(med) ? med : 0;
}

/* SMAC3's log scaling of costs y[0..n), in place, in their unit (FRAME). */
static int log_scale(double *y, int n)
{
    if (n == 0)
        return KNOB_OK;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s)
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac)");
    int e = knob__scale_exponent(y, (size_t)n, 1);
    int unit = e < -FRAME / 2 ? FRAME * (int)floor((e + FRAME / 2) / (double)FRAME) : 0;
    knob__scale_apply(y, (size_t)n, 1, unit);
    memcpy(s, y, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    double pos = 0.05 * (n - 1), lo = s[(int)floor(pos)], hi = s[(int)ceil(pos)];
    double p5 = lo + (hi - lo) * (pos - floor(pos)), min = s[0], max = s[n - 1];
    double gap = 1e-10;
    if (e - unit < SMALL_COSTS) {
        double med = median_magnitude(s, n);
        gap = ldexp(SMALL_GAP, med > 0 ? ilogb(med) : e - unit);
    }
    free(s);
    /* Finite costs near the ends of a double (-1e308 .. 1e308) made m or max - m inf, and
     * every log -inf or NaN: the scaling is the same on an eighth of them (a power of two,
     * exact), where |m| <= 3/8 and max - m <= 1/2 of DBL_MAX. */
    double f = fmax(fabs(min), fabs(max)) <= DBL_MAX / 8 ? 1 : 0.125;
    if (f != 1) {
        for (int i = 0; i < n; i++)
            y[i] *= f;
        p5 *= f, min *= f, max *= f;
    }
    double m = min - (p5 - min) - gap;
    /* Costs of 1e7 and more absorb the 1e-10: with the lowest cost tied (p5 = min) their
     * log would be -inf, with all tied 0/0. The next double below keeps them finite. */
    if (!(m < min))
        m = nextafter(min, -INFINITY);
    for (int i = 0; i < n; i++)
        y[i] = log((y[i] - m) / (max - m));
    return KNOB_OK;
}

/* Rows and y of one study's trials into D, appended. Infinite costs count as the lowest or
 * highest finite one (as Optuna's GP sampler clips them), failed trials (not lost workers)
 * of this study (`own`) as its worst; the source's are read by value (encode). */
static int observe(const smac *p, const knob_trial_info *const *tr, size_t n, double sign, bool own,
                   data *D)
{
    int first = D->n, d = p->n_dims;
    for (size_t i = 0; i < n; i++) {
        if (!usable(tr[i]))
            continue;
        double *row = D->X + (size_t)D->n * d;
        if (encode(p, tr[i], !own, row) > 0)
            D->y[D->n++] = sign * tr[i]->values[0];
    }
    double best = HUGE_VAL, worst = -HUGE_VAL;
    for (int i = first; i < D->n; i++)
        if (isfinite(D->y[i])) {
            best = fmin(best, D->y[i]);
            worst = fmax(worst, D->y[i]);
        }
    if (best > worst) /* no finite cost: every one infinite */
        best = worst = 0;
    for (int i = first; i < D->n; i++)
        D->y[i] = fmin(fmax(D->y[i], best), worst);
    for (size_t i = 0; own && D->n > first && i < n; i++) {
        if (tr[i]->state != KNOB_TRIAL_FAIL || knob__fail_says_nothing(tr[i]))
            continue;
        if (encode(p, tr[i], false, D->X + (size_t)D->n * d) > 0)
            D->y[D->n++] = worst;
    }
    return log_scale(D->y + first, D->n - first);
}

/* ---------------------------------------------------------------- the acquisition */

static double log_ei(const data *D, const double *x)
{
    double m, v;
    knob__forest_predict(&D->f, x, &m, &v);
    double s = sqrt(fmax(v, MIN_VAR)), z = (D->eta - m) / s;
    double ei = exp(D->eta) * knob_normal_cdf(z) - exp(0.5 * s * s + m) * knob_normal_cdf(z - s);
    return ei > 0 ? ei : 0;
}

/* Whether coordinate k is modelled over a wider range than the latest distribution's. */
static bool wide(const smac *p, int k)
{
    return p->dims[k].dist != p->spans[k].ask;
}

/* Coordinate k's value at u of the latest's range [ua, ub] (u itself when that is the
 * model's [0, 1]). */
static double in_range(const smac *p, int k, double u)
{
    const struct span *sp = &p->spans[k];
    return wide(p, k) ? sp->ua + u * (sp->ub - sp->ua) : u;
}

/* Coordinate u of k moved into the latest's range, onto the value nearest there (u itself
 * when it is inside: always in a fixed space). */
static double into_range(const smac *p, int k, double u)
{
    const struct span *sp = &p->spans[k];
    const knob__dim *dm = &p->dims[k];
    if (!wide(p, k) || isnan(u) || (u >= sp->ua && (u < sp->ub || (u == sp->ub && !dm->bins))))
        return u;
    const knob_distribution *a = sp->ask;
    double v = fmin(fmax(knob__dim_from_unit(dm, u), a->low), a->high);
    return knob__dim_to_unit(dm, v);
}

/* A random value of coordinate k, in the latest distribution's range. */
static double random_value(const smac *p, int k, knob_rng *r)
{
    const knob__dim *dm = &p->dims[k];
    if (dm->cat)
        return (double)knob_rng_below(r, dm->dist->n_choices);
    return into_range(p, k, knob__dim_round(dm, in_range(p, k, knob_rng_uniform(r))));
}

/* ---------------------------------------------------------------- conditional spaces */

/* The single-value rules' verdict on each param for configuration x (its categorical
 * values'): dir[j] 1 to add coordinate j, -1 to drop it, 0 nothing, from the rule of the value
 * more rows hold (sup[j]: its support); a tie of opposite rules decides nothing. */
static void vote(const data *D, const double *x, int *sup, int *dir)
{
    int d = D->d;
    for (int j = 0; j < d; j++)
        sup[j] = dir[j] = 0;
    for (int k = 0; k < d; k++) {
        if (D->slot[k] < 0 || isnan(x[k]))
            continue;
        int s = D->slot[k] + (int)x[k];
        for (int i = D->first[s]; i < D->first[s + 1]; i++) {
            int j = abs(D->rule[i]) - 1, want = D->rule[i] > 0 ? 1 : -1;
            if (D->sup[i] > sup[j])
                sup[j] = D->sup[i], dir[j] = want;
            else if (D->sup[i] == sup[j] && dir[j] != want)
                dir[j] = 0;
        }
    }
}

/* Disjunctions of categorical values, for a param j that neither a single value nor a
 * conjunction brings: a child of either parent, present where c1 = x or c2 = y (a row with
 * c1 != x has it when c2 = y, so no value of c1 drops it, and its rows share no value). The
 * literals are the values (k, v), k != j, of which every row holding them has j, each held by
 * two rows at least, of a categorical some row without j has (not a sibling of j, nor its
 * child), and the only literal of some row with j (evidence that it matters; the others are
 * left out); a rule when two or more remain and every row with j holds one of them: then j is
 * present exactly where one literal holds, in every row, and the rule's support is all of
 * them. Appends the literals to ck / cv from *n_lit; false (and *n_lit as it was) when there
 * is no rule. */
static bool learn_disjunction(data *D, int j, int *n_lit, size_t *cap_k, size_t *cap_v, int *rc)
{
    int d = D->d, rows = D->n, start = *n_lit;
    for (int k = 0; k < d && !*rc; k++) {
        bool outside = false; /* k in a row without j */
        for (int i = 0; i < rows && !outside; i++)
            outside = isnan(D->X[(size_t)i * d + j]) && !isnan(D->X[(size_t)i * d + k]);
        if (D->slot[k] < 0 || k == j || !outside)
            continue;
        /* a categorical of more choices has no literals (it was one number) */
        for (int v = 0; D->n_cats[k] <= MOST_CAT_CHOICES && v < D->n_cats[k]; v++) {
            int held = 0;
            bool pure = true;
            for (int i = 0; i < rows && pure; i++) {
                const double *row = D->X + (size_t)i * d;
                if (row[k] == (double)v) {
                    held++;
                    pure = !isnan(row[j]);
                }
            }
            if (!pure || held < 2)
                continue;
            if (knob__grow(&D->ck, cap_k, (size_t)*n_lit + 1, sizeof *D->ck) ||
                knob__grow(&D->cv, cap_v, (size_t)*n_lit + 1, sizeof *D->cv)) {
                *rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
                break;
            }
            D->ck[*n_lit] = k;
            D->cv[(*n_lit)++] = (double)v;
        }
    }
    /* the literals that are the only one of some row with j, kept in order */
    int n = *n_lit - start, kept = 0;
    bool *alone = !*rc && n >= 2 ? calloc((size_t)n, sizeof *alone) : NULL;
    if (!*rc && n >= 2 && !alone)
        *rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
    for (int i = 0; i < rows && alone; i++) {
        const double *row = D->X + (size_t)i * d;
        int count = 0, last = -1;
        for (int l = start; l < *n_lit && !isnan(row[j]); l++)
            if (row[D->ck[l]] == D->cv[l])
                count++, last = l - start;
        if (count == 1)
            alone[last] = true;
    }
    for (int l = 0; l < n && alone; l++)
        if (alone[l]) {
            D->ck[start + kept] = D->ck[start + l];
            D->cv[start + kept++] = D->cv[start + l];
        }
    free(alone);
    *n_lit = start + kept;
    /* every row with j holds one */
    bool holds = !*rc && kept >= 2;
    for (int i = 0; i < rows && holds; i++) {
        const double *row = D->X + (size_t)i * d;
        int l = start;
        while (l < *n_lit && row[D->ck[l]] != D->cv[l])
            l++;
        holds = isnan(row[j]) || l < *n_lit;
    }
    if (!holds)
        *n_lit = start;
    return holds;
}

/* Conjunctions of categorical values, for a param that no single value brings: a child of
 * two (or more) parents at once, present only where c1 = x and c2 = y (a row with c1 = x
 * lacks it when c2 != y, so no value of c1 or c2 alone adds it; the values it lacks under,
 * c1 != x or c2 != y, drop it already). For each varying param j that some row has without
 * a single-value rule that adds it there (vote), the conjunction is the values every row
 * with j shares (each categorical held in all of them, at one value); it becomes a rule
 * when every row holding all of them has j, two rows at least have j, and each value has a
 * row holding the others but not it (evidence that each matters), its support their count.
 * A param whose rows share no value, or whose shared values some row without it holds too
 * (an unconditional param, a child of an int), gets none; so no unconditional param is
 * added or dropped by it. */
static int learn_conjunctions(data *D, const int *vary, int nv)
{
    int d = D->d, rows = D->n, *sup = D->vote, *dir = D->vote + d;
    size_t cap_j = 0, cap_s = 0, cap_f = 0, cap_k = 0, cap_v = 0, cap_a = 0, cap_vf = 0,
           cap_vk = 0;
    bool *open = calloc((size_t)nv + 1, sizeof *open);
    if (!open)
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
    bool any = false;
    for (int i = 0; i < rows; i++) {
        const double *row = D->X + (size_t)i * d;
        vote(D, row, sup, dir);
        for (int jj = 0; jj < nv; jj++)
            if (!isnan(row[vary[jj]]) && dir[vary[jj]] <= 0)
                any = open[jj] = true;
    }
    int rc = KNOB_OK, n_lit = 0;
    for (int jj = 0; jj < nv && any && !rc; jj++) {
        int j = vary[jj], first = -1, start = n_lit, support = 0;
        if (!open[jj])
            continue;
        for (int i = 0; i < rows && first < 0; i++)
            if (!isnan(D->X[(size_t)i * d + j]))
                first = i;
        /* the values every row with j holds */
        for (int k = 0; k < d && !rc; k++) {
            double v = D->X[(size_t)first * d + k];
            if (D->slot[k] < 0 || k == j || isnan(v))
                continue;
            bool shared = true;
            for (int i = first + 1; i < rows && shared; i++) {
                const double *row = D->X + (size_t)i * d;
                shared = isnan(row[j]) || row[k] == v;
            }
            if (!shared)
                continue;
            if (knob__grow(&D->ck, &cap_k, (size_t)n_lit + 1, sizeof *D->ck) ||
                knob__grow(&D->cv, &cap_v, (size_t)n_lit + 1, sizeof *D->cv)) {
                rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
                break;
            }
            D->ck[n_lit] = k;
            D->cv[n_lit++] = v;
        }
        /* a rule when every row holding them has j */
        bool holds = n_lit > start;
        for (int i = 0; i < rows && holds && !rc; i++) {
            const double *row = D->X + (size_t)i * d;
            int l = start;
            while (l < n_lit && row[D->ck[l]] == D->cv[l])
                l++;
            if (l == n_lit) {
                holds = !isnan(row[j]);
                support++;
            }
        }
        /* and when the rows show that each value matters, not a chance: two rows at least
         * (one row's values are all shared, its int's or unconditional values' as much as
         * its parents'), and for each value a row holding all the others but not it
         * (without j: every row with j holds them all) */
        holds &= support >= 2;
        for (int l = start; l < n_lit && holds; l++) {
            bool seen = false;
            for (int i = 0; i < rows && !seen; i++) {
                const double *row = D->X + (size_t)i * d;
                int m = start;
                while (m < n_lit &&
                       (m == l ? row[D->ck[m]] != D->cv[m] : row[D->ck[m]] == D->cv[m]))
                    m++;
                seen = m == n_lit;
            }
            holds = seen;
        }
        bool disj = false;
        if (!rc && !holds) {
            n_lit = start;
            holds = disj = learn_disjunction(D, j, &n_lit, &cap_k, &cap_v, &rc);
            support = rows;
        }
        if (rc || !holds) {
            n_lit = start;
            continue;
        }
        if (knob__grow(&D->cj, &cap_j, (size_t)D->n_conj + 1, sizeof *D->cj) ||
            knob__grow(&D->csup, &cap_s, (size_t)D->n_conj + 1, sizeof *D->csup) ||
            knob__grow(&D->cany, &cap_a, (size_t)D->n_conj + 1, sizeof *D->cany) ||
            knob__grow(&D->vfirst, &cap_vf, (size_t)D->n_conj + 2, sizeof *D->vfirst) ||
            knob__grow(&D->cfirst, &cap_f, (size_t)D->n_conj + 2, sizeof *D->cfirst)) {
            rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
            break;
        }
        D->vfirst[D->n_conj] = D->n_vk;
        for (int k = 0; k < d && disj; k++) {
            double v = NAN; /* k's one value in the rows with j that have k (a conditional k) */
            bool shared = D->slot[k] >= 0 && k != j;
            for (int i = 0; i < rows && shared; i++) {
                const double *row = D->X + (size_t)i * d;
                if (isnan(row[j]) || isnan(row[k]))
                    continue;
                if (isnan(v))
                    v = row[k];
                shared = row[k] == v;
            }
            if (!shared || isnan(v))
                continue;
            if (knob__grow(&D->vk, &cap_vk, (size_t)D->n_vk + 1, sizeof *D->vk)) {
                rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
                break;
            }
            D->vk[D->n_vk++] = k;
        }
        if (rc)
            break;
        D->vfirst[D->n_conj + 1] = D->n_vk;
        D->cfirst[D->n_conj] = start;
        D->cj[D->n_conj] = j;
        D->cany[D->n_conj] = disj;
        D->csup[D->n_conj++] = support;
        D->cfirst[D->n_conj] = n_lit;
    }
    free(open);
    return rc;
}

/* The conditional structure the rows show, as the params each value of a categorical
 * activates and deactivates (SMAC3's configuration space knows its conditions; knob learns
 * them from the trials). Param j follows value v of categorical k when every row with k = v
 * has it and some value of k is seen only in rows without it (add: a child of v), or when no
 * row with k = v has it and some row with another value has it (drop: a child of another
 * value, or of one of its children). A param whose activity k = v leaves open follows nothing
 * there: an unconditional param (active in every row), a child of another, independent
 * parent, a child of two parents at once (learn_conjunctions brings that one); so every
 * combination of independent choices stays open to the candidates. The rules of value v of k are
 * rule[first[s] .. first[s + 1]), s = slot[k] + v: j + 1 to add coordinate j, -(j + 1) to drop it;
 * none where no param's activity varies. Only categorical parents: an int's or a float's value that
 * (de)activates params is not seen. */
static int learn_structure(const smac *p, data *D)
{
    int d = D->d, rows = D->n, n_slots = 0, nv = 0, rc = KNOB_OK;
    size_t cap = 0, cap_sup = 0, cap_need = 0;
    int *vary = malloc(((size_t)d + 1) * sizeof *vary); /* coordinates whose activity varies */
    bool *never = malloc(((size_t)d + 1) * 2 * sizeof *never);
    D->slot = malloc(((size_t)d + 1) * sizeof *D->slot);
    if (!vary || !never || !D->slot) {
        free(vary);
        free(never);
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
    }
    bool *active = never + d + 1;
    for (int j = 0; j < d; j++) {
        int on = 0;
        for (int i = 0; i < rows; i++)
            on += !isnan(D->X[(size_t)i * d + j]);
        if (on > 0 && on < rows)
            vary[nv++] = j;
        D->slot[j] = p->dims[j].cat ? n_slots : -1;
        if (p->dims[j].cat)
            n_slots += (int)p->dims[j].dist->n_choices;
    }
    if (nv == 0) {
        free(vary);
        free(never);
        return KNOB_OK;
    }
    if (!(D->first = calloc((size_t)n_slots + 1, sizeof *D->first)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
    for (int k = 0; k < d && !rc; k++) {
        if (!p->dims[k].cat)
            continue;
        int nc = (int)p->dims[k].dist->n_choices, s0 = D->slot[k];
        /* per value: its rows, and per varying param the rows of it that have the param */
        int *cnt = calloc((size_t)nc * ((size_t)nv + 1), sizeof *cnt), *on = cnt + nc;
        if (!cnt) {
            rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
            break;
        }
        for (int i = 0; i < rows; i++) {
            const double *row = D->X + (size_t)i * d;
            if (isnan(row[k]))
                continue;
            int v = (int)row[k];
            cnt[v]++;
            for (int jj = 0; jj < nv; jj++)
                on[(size_t)v * nv + jj] += !isnan(row[vary[jj]]);
        }
        for (int jj = 0; jj < nv; jj++) {
            never[jj] = active[jj] = false;
            for (int v = 0; v < nc; v++) {
                never[jj] |= cnt[v] > 0 && on[(size_t)v * nv + jj] == 0;
                active[jj] |= on[(size_t)v * nv + jj] > 0;
            }
        }
        for (int v = 0; v < nc && !rc; v++) {
            D->first[s0 + v] = D->n_rules;
            for (int jj = 0; jj < nv && cnt[v] > 0; jj++) {
                int a = on[(size_t)v * nv + jj], j = vary[jj];
                int r = a == cnt[v] && never[jj] ? j + 1 : a == 0 && active[jj] ? -(j + 1) : 0;
                if (!r || j == k)
                    continue;
                if (knob__grow(&D->rule, &cap, (size_t)D->n_rules + 1, sizeof *D->rule) ||
                    knob__grow(&D->sup, &cap_sup, (size_t)D->n_rules + 1, sizeof *D->sup)) {
                    rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
                    break;
                }
                D->sup[D->n_rules] = cnt[v];
                D->rule[D->n_rules++] = r;
                /* chains: an added child of k that every row with it has k for, needs k */
                bool always = r > 0;
                for (int i = 0; i < rows && always; i++) {
                    const double *row = D->X + (size_t)i * d;
                    always = isnan(row[j]) || !isnan(row[k]);
                }
                if (!always)
                    continue;
                if (knob__grow(&D->need, &cap_need, 2 * ((size_t)D->n_need + 1),
                               sizeof *D->need)) {
                    rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
                    break;
                }
                D->need[2 * D->n_need] = j;
                D->need[2 * D->n_need++ + 1] = k;
            }
        }
        free(cnt);
    }
    if (!rc)
        D->first[n_slots] = D->n_rules;
    if (!rc && !(D->vote = malloc(((size_t)d + 1) * 2 * sizeof *D->vote)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the conditional space)");
    if (!rc)
        rc = learn_conjunctions(D, vary, nv);
    free(vary);
    free(never);
    return rc;
}

/* Whether disjunction c's add of its param j gives way in x: x holds, of a categorical that
 * every row with j (and with it) holds at one value (j's parent under the disjunction: c0 =
 * a of "c0 = a and (c1 = y or c2 = y)", k = u where k exists only for c0 = a), another
 * value, which drops j. The rows may not have shown the
 * disjunction's values with that one; a drop by a value of another categorical (one that
 * varies among the rows with j, a disjunction's own parent) does not stand against it. */
static bool vetoed(const data *D, int c, const double *x)
{
    int j = D->cj[c];
    for (int l = D->vfirst[c]; l < D->vfirst[c + 1]; l++) {
        int k = D->vk[l];
        if (isnan(x[k]))
            continue;
        int s = D->slot[k] + (int)x[k];
        for (int i = D->first[s]; i < D->first[s + 1]; i++)
            if (D->rule[i] == -(j + 1))
                return true;
    }
    return false;
}

/* Gives x the children its categorical values imply (learn_structure), as SMAC3's
 * configuration space makes its neighbours and random configurations valid: those a value
 * activates drawn at random where x lacks them, those it deactivates left out; then again for
 * the new children's own (a bounded number of passes). Params that follow no value of x, and
 * values no row has, are left as they are. Where x's values disagree on a param (a value of an
 * unconditional categorical seen in few rows, all of one parent's value, "implies" that
 * parent's children), the rule of the value more rows hold decides; a tie decides nothing. A
 * conjunction of values (learn_conjunctions) that x holds votes as one value, with the rows
 * that hold it all. */
static void conform(const smac *p, const data *D, knob_rng *r, double *x)
{
    int d = D->d;
    bool changed = D->n_rules > 0 || D->n_conj > 0 || D->n_need > 0;
    for (int pass = 0; changed && pass <= d; pass++) {
        int *sup = D->vote, *dir = D->vote + d;
        changed = false;
        vote(D, x, sup, dir);
        for (int c = 0; c < D->n_conj; c++) {
            int j = D->cj[c], held = 0, n = D->cfirst[c + 1] - D->cfirst[c];
            for (int l = D->cfirst[c]; l < D->cfirst[c + 1]; l++)
                held += x[D->ck[l]] == D->cv[l];
            int want = D->cany[c] ? (held > 0 ? 1 : -1) : held == n ? 1 : 0;
            if (!want || (D->cany[c] && want > 0 && vetoed(D, c, x)))
                continue;
            if (D->csup[c] > sup[j])
                sup[j] = D->csup[c], dir[j] = want;
            else if (D->csup[c] == sup[j] && dir[j] != want)
                dir[j] = 0;
        }
        for (int j = 0; j < d; j++) {
            if (dir[j] > 0 && isnan(x[j])) {
                x[j] = random_value(p, j, r);
                changed = true;
            } else if (dir[j] < 0 && !isnan(x[j])) {
                x[j] = NAN;
                changed = true;
            }
        }
        for (int i = 0; i < D->n_need; i++) {
            int j = D->need[2 * i], k = D->need[2 * i + 1];
            if (isnan(x[k]) && !isnan(x[j]) && dir[j] <= 0) { /* unless a value brings j */
                x[j] = NAN;
                changed = true;
            }
        }
    }
}

/* A random configuration with the activity pattern of observed row `like`, conformed to
 * its categorical values. */
static void random_config(const smac *p, const data *D, knob_rng *r, double *x)
{
    const double *like = D->X + (size_t)knob_rng_below(r, (uint64_t)D->n) * p->n_dims;
    for (int k = 0; k < p->n_dims; k++)
        x[k] = isnan(like[k]) ? NAN : random_value(p, k, r);
    conform(p, D, r, x);
}

/* A neighbour of x in coordinate k: another choice (with the children it activates or
 * deactivates, conform), or a normal step (another bin). */
static bool neighbour(const smac *p, const data *D, const double *x, int k, int j, knob_rng *r,
                      double *out)
{
    const knob__dim *dm = &p->dims[k];
    memcpy(out, x, (size_t)p->n_dims * sizeof *out);
    if (dm->cat) {
        size_t n = dm->dist->n_choices;
        if (n <= 16) {
            double c = (double)j;
            if (j >= (int)n - 1)
                return false;
            out[k] = c >= x[k] ? c + 1 : c; /* the j-th choice other than x[k] */
        } else {
            if (j >= N_NUMERIC_NEIGHBOURS)
                return false;
            out[k] = (double)knob_rng_below(r, n);
            if (out[k] == x[k])
                return false;
        }
        conform(p, D, r, out);
        return true;
    }
    if (j >= N_NUMERIC_NEIGHBOURS)
        return false;
    /* steps stay in the latest distribution's range, [ua, ub] ([0, 1] in a fixed space) */
    const struct span *sp = &p->spans[k];
    double u = x[k], ua = sp->ua, ub = sp->ub, mid = 0.5 * (ua + ub);
    for (int tries = 0; tries < 10; tries++) {
        u = x[k] + STEP_SD * knob_rng_normal(r);
        if (u >= ua && u <= ub)
            break;
    }
    u = into_range(p, k, knob__dim_round(dm, fmin(fmax(u, ua), ub)));
    if (u == x[k] && dm->bins > 0) /* a step inside the bin: the next bin that way */
        u = into_range(
            p, k, knob__dim_round(dm, fmin(fmax(x[k] + (u >= mid ? -1 : 1) / dm->bins, ua), ub)));
    else if (u == x[k] && !dm->cat && dm->dist->kind == KNOB_DIST_INT) { /* a log int */
        const knob_distribution *q = sp->ask;
        double v = knob__dim_from_unit(dm, u) + (u >= mid ? -1 : 1);
        u = knob__dim_to_unit(dm, fmin(fmax(v, q->low), q->high));
    }
    out[k] = u;
    return u != x[k];
}

/* Hill climbing from x (value *v) over the one-exchange neighbourhood of its active
 * coordinates: the best neighbour while it improves. */
static void local_search(const smac *p, const data *D, knob_rng *r, double *x, double *v,
                         double *nb, double *best_nb)
{
    int d = p->n_dims;
    for (int step = 0; step < MAX_LOCAL_STEPS; step++) {
        double vb = *v;
        bool moved = false;
        for (int k = 0; k < d; k++) {
            if (isnan(x[k]))
                continue;
            for (int j = 0; neighbour(p, D, x, k, j, r, nb) || j < N_NUMERIC_NEIGHBOURS; j++) {
                if (memcmp(nb, x, (size_t)d * sizeof *x) == 0)
                    continue;
                double vn = log_ei(D, nb);
                if (vn > vb) {
                    vb = vn;
                    memcpy(best_nb, nb, (size_t)d * sizeof *nb);
                    moved = true;
                }
            }
        }
        if (!moved)
            return;
        memcpy(x, best_nb, (size_t)d * sizeof *x);
        *v = vb;
    }
}

typedef struct scored {
    double v;
    int i;
} scored;

static int cmp_scored_desc(const void *a, const void *b)
{
    const scored *u = a, *w = b;
    if (u->v != w->v)
        return (u->v < w->v) - (u->v > w->v);
    return (u->i > w->i) - (u->i < w->i);
}

/* Whether x is one of the n rows of X (NaN matching NaN). */
static bool among(const double *X, int n, int d, const double *x)
{
    for (int i = 0; i < n; i++) {
        const double *row = X + (size_t)i * d;
        int k = 0;
        while (k < d && (row[k] == x[k] || (isnan(row[k]) && isnan(x[k]))))
            k++;
        if (k == d)
            return true;
    }
    return false;
}

/* Whether x was observed already, is running now, or was pruned. */
static bool observed(const data *D, const double *x)
{
    return among(D->X, D->n, D->d, x) || among(D->busy, D->n_busy, D->d, x);
}

/* The configuration of highest log EI into xbest: never one already observed or running
 * (SMAC3's intensifier does not run a configuration twice either; trials asked together,
 * in a discrete space above all, would otherwise get the same one). */
static int maximize(const smac *p, data *D, knob_rng *r, double *xbest)
{
    int d = p->n_dims, n_own = D->n_own > 0 ? D->n_own : D->n;
    scored *order = malloc((size_t)D->n * sizeof *order);
    double *x = malloc((size_t)d * 3 * sizeof *x);
    if (!order || !x) {
        free(order);
        free(x);
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac)");
    }
    double *nb = x + d, *tmp = nb + d, vbest = -1;
    for (int k = 0; k < d; k++)
        xbest[k] = NAN; /* nothing found: every param at random */
    /* the incumbent: the lowest predicted y among this study's observations */
    D->eta = HUGE_VAL;
    for (int i = 0; i < n_own; i++) {
        double m;
        knob__forest_predict(&D->f, D->X + (size_t)i * d, &m, NULL);
        D->eta = fmin(D->eta, m);
    }
    /* local searches from the observations of highest acquisition */
    for (int i = 0; i < D->n; i++)
        order[i] = (scored){log_ei(D, D->X + (size_t)i * d), i};
    qsort(order, (size_t)D->n, sizeof *order, cmp_scored_desc);
    for (int j = 0; j < D->n && j < p->n_local_starts; j++) {
        memcpy(x, D->X + (size_t)order[j].i * d, (size_t)d * sizeof *x);
        double v = order[j].v;
        /* a trial of another range starts from the latest's value nearest it */
        bool moved = false;
        for (int k = 0; k < d; k++) {
            double u = into_range(p, k, x[k]);
            moved |= u != x[k] && !isnan(u);
            x[k] = u;
        }
        if (moved)
            v = log_ei(D, x);
        local_search(p, D, r, x, &v, nb, tmp);
        if (v > vbest && !observed(D, x)) {
            vbest = v;
            memcpy(xbest, x, (size_t)d * sizeof *x);
        }
    }
    /* random configurations */
    for (int64_t j = 0; j < p->n_candidates; j++) {
        random_config(p, D, r, x);
        double v = log_ei(D, x);
        if (v > vbest && !observed(D, x)) {
            vbest = v;
            memcpy(xbest, x, (size_t)d * sizeof *x);
        }
    }
    free(order);
    free(x);
    return KNOB_OK;
}

/* ---------------------------------------------------------------- warm start */

/* The source study and its usable trials (complete, with a value), read once at the first
 * ask: the trials stay borrowed from the source, which is never synced again (each ask
 * read it anew, a cost growing with the source). */
static int open_source(smac *p, knob_study *s)
{
    if (p->src || !p->ws_study || !*p->ws_study)
        return KNOB_OK;
    int rc = knob__warm_open(s, "smac", p->ws_study, p->ws_storage, &p->src);
    if (!rc)
        rc = knob__warm_trials(p->src, true, &p->ws_w, &p->n_ws);
    if (!rc)
        p->src_trials = knob__warm_n_trials(p->src); /* read once, as the trials are */
    if (!rc && p->n_ws && !(p->ws_tr = malloc(p->n_ws * sizeof *p->ws_tr)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: warm start)");
    for (size_t i = 0; !rc && i < p->n_ws; i++) {
        p->ws_tr[i] = p->ws_w[i].trial;
        p->n_ws_params += p->ws_tr[i]->n_params;
    }
    if (!rc && p->n_ws_params && !(p->ws_params = malloc(p->n_ws_params * sizeof *p->ws_params)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: warm start)");
    for (size_t i = 0, k = 0; !rc && i < p->n_ws; i++)
        for (size_t j = 0; j < p->ws_tr[i]->n_params; j++)
            p->ws_params[k++] = p->ws_tr[i]->params[j];
    if (rc) {
        free(p->ws_params);
        p->ws_params = NULL;
        p->n_ws_params = 0;
        free(p->ws_w);
        p->ws_w = NULL;
        p->n_ws = 0;
        knob_study_free(p->src);
        p->src = NULL;
    }
    return rc;
}

/* Says which of the source's trials the model leaves out in this space (a param of this
 * study with a value outside its range, or of another kind: encode's -1), as tpe and gp do
 * (knob__warm_say_skipped); *n_used counts those that join the model's data. */
static int say_skipped(const smac *p, knob_study *s, size_t *n_used)
{
    double *row = malloc(((size_t)p->n_dims + 1) * sizeof *row);
    if (!row)
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac)");
    size_t skipped = 0;
    const char *param = NULL;
    *n_used = 0;
    for (size_t i = 0; i < p->n_ws; i++) {
        int active = encode(p, p->ws_tr[i], true, row);
        *n_used += active > 0;
        if (active >= 0)
            continue;
        for (int k = 0; k < p->n_dims && !param; k++) {
            const knob_param *q = knob_trial_info_param(p->ws_tr[i], p->dims[k].name);
            if (q && !knob__warm_fits(q, p->spans[k].ask))
                param = p->dims[k].name;
        }
        skipped++;
    }
    free(row);
    return knob__warm_say_skipped(s, "smac", p->ws_study, p->n_ws, 0, skipped, 0, param);
}

/* Whether the source shares no param with this study: the space is this study's (infer_space
 * takes the source's only while this study has no usable trial, and then nothing is said),
 * a trial of this study has its params, and none of the source's trials has one of them (the
 * model would learn nothing this study asks). Judged at each ask, as the study's
 * define-by-run space grows. */
static bool disjoint(const smac *p, const knob_trial_info *const *tr, size_t n)
{
    bool any_own = false;
    for (int k = 0; k < p->n_dims; k++) {
        const char *name = p->dims[k].name;
        bool own = false, src = false;
        for (size_t i = 0; i < n && !own; i++)
            own = knob_trial_info_param(tr[i], name) != NULL;
        for (size_t i = 0; own && i < p->n_ws && !src; i++)
            src = knob_trial_info_param(p->ws_tr[i], name) != NULL;
        if (own && src)
            return false;
        any_own |= own;
    }
    return any_own && p->n_ws > 0;
}

/* ---------------------------------------------------------------- the sampler */

/* The params of x proposed to t (a NaN: left to sample_independent) under their latest
 * distribution, by value (a trial that suggests one under another range takes the value
 * when it is inside), and remembered until t's params are stored; x freed. */
static int propose(smac *p, knob_trial *t, double *x)
{
    int rc = KNOB_OK;
    size_t n = 0;
    knob_param *q = malloc(((size_t)p->n_dims + 1) * sizeof *q);
    if (!q)
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (smac: the proposals)");
    for (int k = 0; !rc && k < p->n_dims; k++) {
        if (isnan(x[k]))
            continue;
        const knob_distribution *a = p->spans[k].ask;
        double v = knob__dim_from_unit(&p->dims[k], x[k]);
        if (a != p->dims[k].dist) /* the model's scale is wider: the latest's nearest value */
            v = knob__dist_snap(a, fmin(fmax(v, a->low), a->high));
        rc = knob__trial_propose_by_value(t, p->dims[k].name, a, v);
        q[n++] = (knob_param){p->dims[k].name, a, v};
    }
    if (!rc && n > 0)
        rc = knob__proposed_add(proposed(p), knob_trial_number(t), q, n);
    free(q);
    free(x);
    return rc;
}

static int suggest(smac *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                   size_t n, const knob_trial_info *const *src, size_t n_src, data *D)
{
    int d = p->n_dims;
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    D->d = d;
    D->X = malloc(((n + n_src) * (size_t)d + 1) * sizeof *D->X);
    D->y = malloc((n + n_src + 1) * sizeof *D->y);
    D->n_cats = calloc((size_t)d, sizeof *D->n_cats);
    size_t n_proposed = proposed(p)->n;
    D->busy = malloc(((n + n_proposed) * (size_t)d + 1) * sizeof *D->busy);
    double *xbest = malloc((size_t)d * sizeof *xbest);
    if (!D->X || !D->y || !D->n_cats || !D->busy || !xbest) {
        free(xbest);
        return knob_set_error(KNOB_ENOMEM, "out of memory (smac)");
    }
    int rc = observe(p, tr, n, sign, true, D);
    D->n_own = D->n;
    for (size_t i = 0; i < n; i++)
        if (taken(tr[i]) && encode(p, tr[i], false, D->busy + (size_t)D->n_busy * d) > 0)
            D->n_busy++;
    busy_proposed(p, tr, n, D, (int)(n + n_proposed));
    if (!rc && p->src) {
        double ssign = knob_study_direction(p->src, 0) == KNOB_MAXIMIZE ? -1 : 1;
        rc = observe(p, src, n_src, ssign, false, D);
    }
    if (rc || D->n < 2) {
        free(xbest);
        return rc;
    }
    for (int k = 0; k < d; k++)
        if (p->dims[k].cat && p->dims[k].dist->n_choices < INT_MAX)
            D->n_cats[k] = (int)p->dims[k].dist->n_choices;
    if ((rc = learn_structure(p, D))) {
        free(xbest);
        return rc;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), "smac");
    if (knob_rng_uniform(&r) < p->random_probability) {
        /* interleaved at random: a configuration not run, running or pruned (SMAC3's
         * selector skips those too); after 100 draws of such, every param from
         * sample_independent */
        for (int tries = 0; tries < 100; tries++) {
            random_config(p, D, &r, xbest);
            if (!observed(D, xbest))
                return propose(p, t, xbest);
        }
        free(xbest);
        return KNOB_OK;
    }
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = (int)p->n_trees;
    o.max_depth = 1 << 20;
    o.min_samples_split = (int)p->min_samples_split;
    o.min_samples_leaf = (int)p->min_samples_leaf;
    o.max_features = p->ratio_features;
    o.log_y = true;
    o.random_unseen = MOST_CAT_CHOICES + 1;
    int mrc = knob__forest_fit(&D->f, D->X, D->y, D->n, d, D->n_cats, &o, &r);
    if (mrc)
        rc = mrc == KNOB__MATH_ENOMEM ? knob_set_error(KNOB_ENOMEM, "out of memory (smac: forest)")
                                      : knob_set_error(KNOB_EINVAL,
                                                       "smac: the forest refused %d "
                                                       "observations of %d params",
                                                       D->n, d);
    if (!rc)
        rc = maximize(p, D, &r, xbest);
    if (rc) {
        free(xbest);
        return rc;
    }
    return propose(p, t, xbest);
}

/* One objective, and the warm start's source opened (knob__warm_check), checked before the
 * trial's row exists (a study of two objectives, or a misspelt source, was left a failed
 * trial without params at each ask). */
static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    smac *p = state;
    (void)t;
    if (knob_study_n_objectives(s) != 1)
        return knob_set_error(knob_study_n_objectives(s) ? KNOB_EUNSUPPORTED : KNOB_EINVAL,
                              "sampler 'smac' optimizes one objective; study '%s' has %zu",
                              knob_study_name(s), knob_study_n_objectives(s));
    return knob__warm_check(s, "smac", p->ws_study, p->ws_storage, &p->ws_checked);
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    smac *p = state;
    int rc = before_trial(state, s, t);
    if (!rc)
        rc = open_source(p, s);
    if (!rc && p->src && !p->ws_firsts_read) {
        rc = knob__warm_firsts_read(&p->ws_firsts, s, "smac", p->ws_study, p->ws_storage,
                                    (size_t)p->ws_first);
        p->ws_firsts_read = !rc;
    }
    if (rc)
        return rc;
    bool first = false;
    if ((rc = knob__warm_firsts_propose(&p->ws_firsts, s, t, &first)) || first)
        return rc;
    const knob_trial_info *const *tr, *const *src = p->ws_tr;
    size_t n, n_src = p->n_ws, n_complete = 0, n_src_complete = 0;
    if ((rc = knob_study_trials(s, &tr, &n)))
        return rc;
    knob__proposed_prune(proposed(p), tr, n); /* what the trials show counts by itself */
    for (size_t i = 0; i < n; i++)
        n_complete += usable(tr[i]);
    if ((rc = infer_space(p, tr, n, src, n_src)) || p->n_dims == 0)
        return rc;
    /* the source's trials that share a param with this study's space start the model; a
     * source that shares none is said (from C and Python it was a silent cold start) */
    if (p->src && p->n_ws == 0)
        rc = knob__warm_say_empty(s, "smac", p->ws_study, p->src_trials);
    else if (p->src && disjoint(p, tr, n))
        rc = knob__warm_say_unshared(s, "smac", p->ws_study, p->n_ws, "param", NULL);
    else if (p->src)
        rc = say_skipped(p, s, &n_src_complete);
    if (rc)
        return rc;
    if ((int64_t)n_complete < p->n_startup_trials && n_src_complete < 2)
        return KNOB_OK;
    if (p->src && p->n_ws_params) {
        /* the local phase, as tpe's (warm_start.h): the source brought the study to a region,
         * and the forest, whose source rows weigh as much as its own at every ask, kept
         * pointing at the source's optimum where this study's trials said it moved; a cold
         * study never takes it */
        bool local = false;
        rc = knob__warm_local_propose(s, t, knob_sampler_seed(knob_study_sampler(s)), p->ws_local,
                                      p->ws_model, p->ws_params, p->n_ws_params, &local);
        if (rc || local)
            return rc;
    }
    data D = {0};
    rc = suggest(p, s, t, tr, n, src, n_src, &D);
    knob__forest_free(&D.f);
    free(D.X);
    free(D.y);
    free(D.busy);
    free(D.n_cats);
    free(D.slot);
    free(D.first);
    free(D.rule);
    free(D.sup);
    free(D.vote);
    free(D.cj);
    free(D.csup);
    free(D.cfirst);
    free(D.cany);
    free(D.vfirst);
    free(D.vk);
    free(D.need);
    free(D.ck);
    free(D.cv);
    return rc;
}

static const knob_option options[] = {
    {"n_startup_trials", KNOB_OPT_INT, offsetof(smac, n_startup_trials), "10", 0, 1e9,
     "completed trials drawn at random before the forest", NULL},
    {"n_trees", KNOB_OPT_INT, offsetof(smac, n_trees), "10", 1, 1000, "trees of the forest", NULL},
    {"ratio_features", KNOB_OPT_DOUBLE, offsetof(smac, ratio_features), "1", 1e-9, 1,
     "fraction of the params tried at each split", NULL},
    {"min_samples_split", KNOB_OPT_INT, offsetof(smac, min_samples_split), "2", 2, 1e6,
     "a node with fewer observations is a leaf", NULL},
    {"min_samples_leaf", KNOB_OPT_INT, offsetof(smac, min_samples_leaf), "1", 1, 1e6,
     "observations a leaf holds at least", NULL},
    {"n_candidates", KNOB_OPT_INT, offsetof(smac, n_candidates), "5000", 0, 1 << 24,
     "random configurations scored by the acquisition at each ask", NULL},
    {"n_local_starts", KNOB_OPT_INT, offsetof(smac, n_local_starts), "10", 0, 1000,
     "local searches, from the completed configurations of highest acquisition", NULL},
    {"random_probability", KNOB_OPT_DOUBLE, offsetof(smac, random_probability), "0.2", 0, 1,
     "probability that a trial is drawn at random (interleaved random configurations)", NULL},
    {"warm_start_study", KNOB_OPT_STRING, offsetof(smac, ws_study), "", 0, 0,
     "a related study whose completed trials join the forest's data (the params they share)", NULL},
    KNOB__WARM_STORAGE_OPTION(smac, ws_storage),
    KNOB__WARM_FIRST_OPTION(smac, ws_first),
    KNOB__WARM_LOCAL_OPTION(smac, ws_local),
    KNOB__WARM_MODEL_OPTION(smac, ws_model),
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int init(void *state)
{
    smac *p = state;
    int rc = knob__warm_options_check("sampler 'smac'", p->ws_study, p->ws_storage, p->ws_first);
    /* warm_start_local and warm_start_model act only with warm_start_study */
    return rc ? rc : knob__warm_only_check("sampler 'smac'", p->ws_study, options, p);
}

const knob_sampler_plugin knob__sampler_smac = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "smac",
    .help = "Bayesian optimization with a random forest as SMAC3's hyperparameter-optimization "
            "facade: 10 trees on log-scaled costs, log expected improvement maximized by local "
            "search from the best configurations and random ones, a fifth of the trials random; "
            "mixed, conditional and define-by-run spaces. Options: n_startup_trials, n_trees, "
            "ratio_features, min_samples_split, min_samples_leaf, n_candidates, n_local_starts, "
            "random_probability, warm_start_study, warm_start_storage, warm_start_first, "
            "warm_start_local, warm_start_model, seed.",
    .state_size = sizeof(smac),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = knob__random_independent,
};
