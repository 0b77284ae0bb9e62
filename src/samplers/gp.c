/* Bayesian optimization with a Gaussian process (math/gp.h) and log expected improvement
 * or an upper confidence bound (math/acq.h).
 *
 * The space is the params every completed trial has with one distribution; each becomes
 * one dimension of the unit cube (log params on their log scale, ints and steps as bins of
 * equal width, rounded after the search) or a categorical dimension under a Hamming
 * kernel. Losses (the objective, negated when maximized) are warped by a Yeo-Johnson
 * transform fitted to them, then standardized. Trials still running elsewhere enter as
 * fantasies: at the model's own mean (kriging believer) or at the worst loss seen
 * (constant liar), so K parallel workers get K different points.
 *
 * The acquisition is maximized over n_candidates scrambled Sobol points plus a quarter as
 * many around the best trials, then by L-BFGS (NLopt, in units of the length scales) over
 * the continuous dimensions from the n_local_search best of them and from the incumbent,
 * then one pass over the values of every discrete dimension (categories, and ints or steps
 * of at most 64 values, rounded) that skips points asked before: every trial's in a space
 * of discrete params alone (a Bayesmark kNN space of 100 points got 20 distinct points in
 * 64 trials before), the running and failed ones' otherwise. Draws derive from (seed,
 * trial number); kernel hyperparameters start from the previous fit, so a process that
 * asks in the same order gets the same suggestions.
 *
 * Defaults, measured on bench/samplers (100 trials, median regret of 20 seeds, with and
 * without the warp): Rosenbrock 1.7 / 31.6, Ackley 2.6 / 5.2, Levy 0.40 / 0.51,
 * Styblinski-Tang 58 / 93. A noise floor of 1e-10 rather than 1e-6 took Branin from 3e-5
 * to 3e-7 and Hartmann from 9e-5 to 1.5e-6: deterministic objectives interpolate, noisy
 * ones fit their noise above the floor.
 *
 * Stalls: when the last asks all landed next to the incumbent (STALL_TRIALS), the next is
 * the most uncertain point a little way off it, so an overconfident model sees its
 * neighbourhood again instead of asking for one point to the end.
 *
 * Plateaus: when 3 of the last 5 observations tie exactly with the best loss (a decision
 * tree that predicts one class over most of its space), the next point is the study's
 * next scrambled Sobol point instead of the acquisition's best: a stationary kernel sees
 * no flat region, and expected improvement kept asking the plateau (gp left a 3-D test
 * plateau on 4 of 10 seeds in 64 trials, random search on 9; now on 10).
 *
 * Scale: at most max_observations (256) trials go into the model, the best half and the
 * most recent; an ask then costs about as much at 10,000 trials as at 300 (13.5 ms of CPU
 * at 1,000, 19 ms at 10,000, against 146 ms at 1,000 with every trial in the model).
 *
 * Constraints: one more model per constraint value (standardized, no warp); the acquisition
 * adds log Phi((0 - mean) / sd) of each (math/acq.h), so log EI becomes log EI plus the log
 * probability of feasibility (Gardner et al. 2014). Only feasible trials are incumbents;
 * while none is, the acquisition is that log probability alone.
 *
 * Several objectives (two or three): one model per objective, each warped and standardized
 * as the one objective is; the acquisition is log EHVI, computed exactly by box
 * decomposition of the feasible front's non-dominated region (math/ehvi.h) below the
 * reference point, plus the constraints' log probability of feasibility, maximized as above
 * (see suggest_mo). The reference point is the option reference_point (objective units,
 * mapped into each model's) or else Optuna's: the worst feasible standardized loss of each
 * objective, pushed out by a tenth. That default is far from a front that is still poor,
 * and there extreme points and uncertain corners weigh most: on DTLZ2 with 12 params, whose
 * front lies at the middle of ten of them, 56% of those ten coordinates asked after the
 * startup were within 0.01 of a bound (2% for tpe) and 3 of 100 trials fell inside the
 * benchmark's reference point (32 for tpe). Given that point, gp did better on most seeds,
 * not on all (bench/README.md, "multiobjective"). */
#include "internal.h"
#include "math/acq.h"
#include "math/ehvi.h"
#include "math/gp.h"
#include "math/pareto.h"
#include "math/sobol.h"
#include "samplers/cost.h"
#include "samplers/random.h"
#include "samplers/transform.h"
#include "samplers/turbo.h"
#include "samplers/warm_start.h"
#include "util/json.h"

#include <cblas.h>
#include <math.h>
#include <nlopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS KNOB__GP_MAX_DIMS
#define REFIT_ALWAYS 200
/* Stalled: the last STALL_TRIALS observations all lie within STALL_NEAR of the incumbent
 * (Euclidean, in the unit cube; another category is distance 1). The next point is then
 * the acquisition's best farther than STALL_AWAY from it. */
#define STALL_TRIALS 5
#define STALL_NEAR 0.01
#define STALL_AWAY 0.05
#define STALL_FAR 0.2
/* On a plateau: at least PLATEAU_TIES of the last PLATEAU_WINDOW observations tie exactly
 * with the best loss (a decision tree that predicts one class, a diverged run). See
 * detect_plateau. */
#define PLATEAU_WINDOW 5
#define PLATEAU_TIES 3

typedef struct bo {
    /* options */
    int64_t n_startup_trials, n_candidates, n_local_search, fit_max_evals, max_observations;
    char *acquisition, *pending, *startup, *failed, *cost, *ws_study, *ws_storage, *ref_text;
    double beta, min_noise, cost_budget;
    bool warp;
    /* state */
    bool ucb;
    int pending_mode; /* 0 ignore, 1 believer, 2 liar */
    bool failed_worst;
    knob__dim *dims; /* the space (samplers/transform.h) */
    int n_dims;
    knob__gp gp;
    int n_fitted;         /* observations at the last fit of the hyperparameters */
    uint32_t (*dirs)[32]; /* Sobol directions of the candidate dimensions */
    unsigned n_dirs;
    double *buf; /* observations and candidates */
    size_t cap_buf;
    double *scratch; /* the acquisition's, kept between asks (megabytes: faulting them in
                        again at each ask cost a seventh of its time) */
    size_t cap_scratch;
    knob__gp *cgp;   /* one model per constraint (knob_trial_set_constraints) */
    double *cthr;    /* each constraint's bound 0, standardized as its model's data */
    bool *cok;       /* the constraint has a model (two trials or more carry it) */
    int nc, cap_cgp; /* constraints of this ask; models allocated */
    int n_cfitted;   /* observations at the constraint models' last fit */
    knob__gp kgp;    /* the log cost's model (option cost) */
    bool kok;        /* it has one (two trials or more with a cost) */
    double ksd;      /* the log costs' standard deviation: the model's unit */
    double alpha;    /* the cost's weight this ask (CArBO's cooling: 1 down to 0) */
    /* warm start: the source study's model, as this study's prior mean */
    bool ws_loaded, ws_on;      /* looked for; found with shared params */
    knob__gp sgp;               /* the source's model over the shared dimensions */
    int s_dims[MAX_DIMS], ns;   /* this space's dimension of each of the source model's */
    char s_names[MAX_DIMS][64]; /* their names, to find them again if the space changes */
    double ws_a, ws_b;          /* prior mean = a x the source's mean + b (fitted each ask) */
    int64_t ws_first;           /* option warm_start_first */
    bool ws_firsts_read;
    knob__warm_firsts ws_firsts; /* the source's best configurations, for the first trials */
    /* several objectives: objective 0's model is gp, the others' mgp (see suggest_mo) */
    int n_obj;
    knob__gp mgp[KNOB__EHVI_MAX_OBJ - 1];
    knob__ehvi ehvi;                     /* the non-dominated region of this ask's feasible front */
    double user_ref[KNOB__EHVI_MAX_OBJ]; /* option reference_point, in objective units */
    int n_user_ref;                      /* its coordinates (0: Optuna's reference point) */
    bool trust_region;                   /* option: TuRBO-1 (samplers/turbo.c) */
    knob__turbo turbo;
} bo;

/* ---------------------------------------------------------------- the space and data */

/* The params every completed trial has with one distribution, in name order. */
static int infer_space(bo *p, const knob_trial_info *const *tr, size_t n)
{
    knob__dim *dims;
    size_t nd;
    int rc = knob__intersection(tr, n, 0, &dims, &nd);
    if (rc)
        return rc;
    free(p->dims);
    p->dims = dims;
    p->n_dims = nd > MAX_DIMS ? 0 : (int)nd;
    if (nd > MAX_DIMS)
        return knob_set_error(KNOB_EINVAL, "sampler 'gp': more than %d params", MAX_DIMS);
    return KNOB_OK;
}

/* Row of a trial's params in the cube; false when it lacks one. */
static bool encode(const bo *p, const knob_trial_info *t, double *row)
{
    for (int k = 0; k < p->n_dims; k++) {
        const knob_param *q = knob_trial_info_param(t, p->dims[k].name);
        if (!q || q->dist != p->dims[k].dist)
            return false;
        row[k] = knob__dim_to_unit(&p->dims[k], q->internal);
    }
    return true;
}

static bool reserve(bo *p, size_t need)
{
    if (need <= p->cap_buf)
        return true;
    return knob__grow(&p->buf, &p->cap_buf, need, sizeof *p->buf) == 0;
}

/* ---------------------------------------------------------------- warm start prior */

/* The prior mean at m rows of x (0 without a warm start), with a (d-vector) gradient at
 * one row when grad is not NULL. */
static void prior_mean(const bo *p, const double *x, int m, double *out, double *grad, double *work)
{
    if (grad)
        memset(grad, 0, (size_t)p->n_dims * sizeof *grad);
    if (!p->ws_on) {
        for (int i = 0; i < m; i++)
            out[i] = 0;
        return;
    }
    for (int i = 0; i < m; i++) {
        double z[MAX_DIMS], mean, var, dm[MAX_DIMS], dv[MAX_DIMS];
        for (int k = 0; k < p->ns; k++)
            z[k] = x[(size_t)i * p->n_dims + p->s_dims[k]];
        if (grad) {
            knob__gp_predict_grad(&p->sgp, z, &mean, &var, dm, dv, work);
            for (int k = 0; k < p->ns; k++)
                grad[p->s_dims[k]] = p->ws_a * dm[k];
        } else {
            knob__gp_predict(&p->sgp, z, 1, &mean, &var, work);
        }
        out[i] = p->ws_a * mean + p->ws_b;
    }
}

/* ---------------------------------------------------------------- the acquisition */

typedef struct ctx {
    bo *p;
    double best; /* the incumbent's standardized loss */
    double *x;   /* the full point of a local search */
    int free[MAX_DIMS], n_free;
    double scale[MAX_DIMS]; /* of the free dimensions in a local search */
    double *work;
    int n_evals;
    const double *away; /* when stalled: the incumbent, whose neighbourhood is out */
    bool no_incumbent;  /* no trial is feasible yet: feasibility alone counts */
    double *cm, *cv;    /* m constraint means and variances (acq_batch) */
    bool mo;            /* several objectives: log EHVI (mo_batch, mo_local_fn) */
} ctx;

static double acq_value(const ctx *c, double mean, double var, double *dmean, double *dvar)
{
    if (c->away) {
        /* stalled: the point the model knows least of */
        if (dmean)
            *dmean = 0;
        if (dvar)
            *dvar = 1 / (2 * var);
        return 0.5 * log(var);
    }
    if (c->no_incumbent) {
        if (dmean)
            *dmean = *dvar = 0;
        return 0;
    }
    if (c->p->ucb) {
        double sd = sqrt(var), b = sqrt(c->p->beta);
        if (dmean)
            *dmean = -1;
        if (dvar)
            *dvar = b / (2 * sd);
        return -mean + b * sd;
    }
    return knob__log_ei(mean, var, c->best, dmean, dvar);
}

static void mo_batch(ctx *c, const double *x, int m, double *out);
static double mo_local_fn(unsigned n, const double *u, double *grad, void *cv);

/* Adds each constraint's log probability of feasibility to out (m points). */
static void feasibility_batch(ctx *c, const double *x, int m, double *out)
{
    for (int j = 0; j < c->p->nc; j++) {
        if (!c->p->cok[j])
            continue;
        knob__gp_predict(&c->p->cgp[j], x, m, c->cm, c->cv, c->work);
        for (int i = 0; i < m; i++) {
            double sd = sqrt(c->cv[i]);
            out[i] += knob__log_ndtr((c->p->cthr[j] - c->cm[i]) / sd, NULL);
        }
    }
}

/* The same at c->x, with its gradient over the free dimensions added to grad. */
static double feasibility_grad(ctx *c, unsigned n, double *grad)
{
    bo *p = c->p;
    double v = 0;
    for (int j = 0; j < p->nc; j++) {
        if (!p->cok[j])
            continue;
        double cm, cv, cdm[MAX_DIMS], cdv[MAX_DIMS], gm, gv;
        knob__gp_predict_grad(&p->cgp[j], c->x, &cm, &cv, cdm, cdv, c->work);
        double sd = sqrt(cv), z = (p->cthr[j] - cm) / sd, dz;
        v += knob__log_ndtr(z, &dz);
        gm = -dz / sd;
        gv = -dz * z / (2 * cv);
        if (grad)
            for (unsigned i = 0; i < n; i++)
                grad[i] += (gm * cdm[c->free[i]] + gv * cdv[c->free[i]]) / c->scale[i];
    }
    return v;
}

/* Option cost: subtracts alpha x the predicted log cost (in the log costs' unit, ksd)
 * from out (m points): log acquisition - alpha log cost, i.e. the acquisition per unit
 * cost^alpha (CArBO), for log EI as for log EHVI. */
static void cost_batch(ctx *c, const double *x, int m, double *out)
{
    if (!(c->p->alpha > 0))
        return;
    knob__gp_predict(&c->p->kgp, x, m, c->cm, c->cv, c->work);
    for (int i = 0; i < m; i++)
        out[i] -= c->p->alpha * c->p->ksd * c->cm[i];
}

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
static double cost_grad(ctx *c, unsigned n, double *grad)
{
    bo *p = c->p;
    if (!(p->alpha > 0))
        return 0;
    double km, kv, kdm[MAX_DIMS], kdv[MAX_DIMS], w = p->alpha * p->ksd;
    knob__gp_predict_grad(&p->kgp, c->x, &km, &kv, kdm, kdv, c->work);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] -= w * kdm[c->free[i]] / c->scale[i];
    return -w * km;
}

static void acq_batch(ctx *c, const double *x, int m, double *out)
{
    if (c->mo) {
        mo_batch(c, x, m, out);
        return;
    }
    double *mean = out, *var = c->work;
    knob__gp_predict(&c->p->gp, x, m, mean, var, c->work + m);
    if (c->p->ws_on) {
        prior_mean(c->p, x, m, c->cm, NULL, c->work + m);
        for (int i = 0; i < m; i++)
            mean[i] += c->cm[i];
    }
    for (int i = 0; i < m; i++)
        out[i] = acq_value(c, mean[i], var[i], NULL, NULL);
    cost_batch(c, x, m, out);
    feasibility_batch(c, x, m, out);
}

static double local_fn(unsigned n, const double *u, double *grad, void *data)
{
    ctx *c = data;
    bo *p = c->p;
    for (unsigned i = 0; i < n; i++)
        c->x[c->free[i]] = u[i] / c->scale[i];
    double mean, var, dm[MAX_DIMS], dv[MAX_DIMS], am, av;
    knob__gp_predict_grad(&p->gp, c->x, &mean, &var, dm, dv, c->work);
    if (p->ws_on) {
        double pm, pg[MAX_DIMS];
        prior_mean(p, c->x, 1, &pm, pg, c->work);
        mean += pm;
        for (int k = 0; k < p->n_dims; k++)
            dm[k] += pg[k];
    }
    double v = acq_value(c, mean, var, &am, &av);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] = (am * dm[c->free[i]] + av * dv[c->free[i]]) / c->scale[i];
    v += cost_grad(c, n, grad);
    v += feasibility_grad(c, n, grad);
    c->n_evals++;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return -1e300;
    }
    return v;
}

/* L-BFGS over the continuous dimensions from x (updated in place); returns the value. */
static double local_search(ctx *c, double *x, double start_value)
{
    if (c->n_free == 0)
        return start_value;
    double u[MAX_DIMS], lo[MAX_DIMS], hi[MAX_DIMS], best = start_value;
    /* in units of each dimension's length scale, so that one tolerance fits all */
    for (int i = 0; i < c->n_free; i++) {
        c->scale[i] = sqrt(exp(c->p->gp.theta[c->free[i]]));
        u[i] = x[c->free[i]] * c->scale[i];
        lo[i] = 0;
        hi[i] = c->scale[i];
    }
    nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)c->n_free);
    if (!opt)
        return start_value;
    c->x = x;
    nlopt_set_max_objective(opt, c->mo ? mo_local_fn : local_fn, c);
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_maxeval(opt, 100);
    nlopt_set_ftol_rel(opt, 1e-9);
    nlopt_set_xtol_abs1(opt, 1e-8);
    double got = -HUGE_VAL, keep[MAX_DIMS];
    memcpy(keep, x, (size_t)c->p->n_dims * sizeof *keep);
    nlopt_result res = nlopt_optimize(opt, u, &got);
    nlopt_destroy(opt);
    if (res > 0 && got > best) {
        for (int i = 0; i < c->n_free; i++)
            x[c->free[i]] = fmin(fmax(u[i] / c->scale[i], 0), 1);
        best = got;
    } else {
        memcpy(x, keep, (size_t)c->p->n_dims * sizeof *keep);
    }
    return best;
}

static double cube_dist(const bo *p, const double *a, const double *b);

/* Inside the neighbourhood a stalled model is kept out of. */
static bool too_near(const ctx *c, const double *x)
{
    if (!c->away)
        return false;
    double r = cube_dist(c->p, x, c->away);
    return r <= STALL_AWAY || r > STALL_FAR;
}

/* Values a binned dimension (an int or a stepped float) takes at most for the discrete
 * pass to try each of them. */
#define DISCRETE_PASS_BINS 64

/* Row x is a point already observed, failed or pending among rows[0, n) (every
 * coordinate within 1e-9: binned coordinates are their bins' centres, so equal). */
static bool seen_row(const bo *p, const double *rows, int n, const double *x)
{
    for (int i = 0; i < n; i++) {
        const double *r = rows + (size_t)i * p->n_dims;
        int k = 0;
        while (k < p->n_dims && fabs(r[k] - x[k]) <= 1e-9)
            k++;
        if (k == p->n_dims)
            return true;
    }
    return false;
}

/* One pass over the discrete dimensions (categorical, and binned ones of at most
 * DISCRETE_PASS_BINS values): each takes its best choice, the others held, among the points
 * not in rows[0, n_rows) (a deterministic objective tells nothing new at a point it was
 * asked; Optuna's GPSampler also searches discrete params by their values). A point in
 * rows is worth nothing here. Binned coordinates are rounded to their bins' centres
 * first. */
static double discrete_pass(ctx *c, const double *rows, int n_rows, double *x, double value)
{
    bo *p = c->p;
    bool any = false;
    for (int k = 0; k < p->n_dims; k++) {
        if (p->dims[k].bins > 0 && x[k] != knob__dim_round(&p->dims[k], x[k])) {
            x[k] = knob__dim_round(&p->dims[k], x[k]);
            any = true;
        }
    }
    if (any)
        acq_batch(c, x, 1, &value);
    if (seen_row(p, rows, n_rows, x))
        value = -HUGE_VAL;
    for (int k = 0; k < p->n_dims; k++) {
        const knob__dim *dk = &p->dims[k];
        bool binned = dk->bins > 0 && dk->bins <= DISCRETE_PASS_BINS;
        if (!dk->cat && !binned)
            continue;
        size_t choices = dk->cat ? dk->dist->n_choices : (size_t)dk->bins;
        double keep = x[k], best_choice = keep;
        for (size_t j = 0; j < choices; j++) {
            double u = dk->cat ? (double)j : ((double)j + 0.5) / dk->bins;
            if (fabs(u - keep) <= 1e-12)
                continue;
            x[k] = u;
            if (too_near(c, x) || seen_row(p, rows, n_rows, x))
                continue;
            double v;
            acq_batch(c, x, 1, &v);
            if (v > value) {
                value = v;
                best_choice = u;
            }
        }
        x[k] = best_choice;
    }
    return value;
}

/* ---------------------------------------------------------------- candidates */

static int ensure_dirs(bo *p, unsigned d)
{
    if (d <= p->n_dirs)
        return KNOB_OK;
    uint32_t(*dirs)[32] = realloc(p->dirs, d * sizeof *dirs);
    if (!dirs)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    for (unsigned i = p->n_dirs; i < d; i++)
        knob__sobol_directions(i, dirs[i]);
    p->dirs = dirs;
    p->n_dirs = d;
    return KNOB_OK;
}

static double sobol_u(const bo *p, unsigned axis, uint64_t index, uint64_t salt)
{
    return knob__sobol_scrambled(p->dirs[axis], axis, index, salt);
}

/* m Sobol points, then m/4 points around the best observations (normal steps of 0.05
 * in the continuous dimensions, a random choice now and then in the categorical ones). */
static void make_candidates(const bo *p, knob_rng *r, uint64_t salt, const double *X,
                            const int *top, int n_top, double *cand, int m_sobol, int m_near)
{
    int d = p->n_dims;
    for (int i = 0; i < m_sobol; i++)
        for (int k = 0; k < d; k++) {
            double u = sobol_u(p, (unsigned)k, (uint64_t)i + 1, salt);
            cand[(size_t)i * d + k] = p->dims[k].cat ? knob__dim_choice(&p->dims[k], u) : u;
        }
    for (int i = 0; i < m_near; i++) {
        const double *base = X + (size_t)top[i % n_top] * d;
        double *row = cand + (size_t)(m_sobol + i) * d;
        for (int k = 0; k < d; k++) {
            if (p->dims[k].cat) {
                row[k] = knob_rng_uniform(r) < 1.0 / d
                             ? (double)knob_rng_below(r, p->dims[k].dist->n_choices)
                             : base[k];
            } else {
                row[k] = fmin(fmax(base[k] + 0.05 * knob_rng_normal(r), 0), 1);
            }
        }
    }
}

/* ---------------------------------------------------------------- one suggestion */

typedef struct item {
    double v;
    int i;
} item;

static int cmp_item_desc(const void *a, const void *b)
{
    double x = ((const item *)a)->v, y = ((const item *)b)->v;
    return (x < y) - (x > y);
}

/* Yeo-Johnson transform of a standardized value. */
static double yeo_johnson(double y, double lambda)
{
    if (y >= 0)
        return fabs(lambda) < 1e-9 ? log1p(y) : (pow(1 + y, lambda) - 1) / lambda;
    double l2 = 2 - lambda;
    return fabs(l2) < 1e-9 ? -log1p(-y) : -(pow(1 - y, l2) - 1) / l2;
}

/* Profile log likelihood of lambda: the transformed values as one normal sample, with
 * the transform's Jacobian. */
static double yeo_johnson_ll(const double *y, int n, double lambda, double jac)
{
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += yeo_johnson(y[i], lambda);
    mean /= n;
    for (int i = 0; i < n; i++) {
        double t = yeo_johnson(y[i], lambda) - mean;
        var += t * t;
    }
    return var > 0 ? -0.5 * n * log(var / n) + (lambda - 1) * jac : -HUGE_VAL;
}

/* Warps the losses in place: standardized, then through the Yeo-Johnson transform whose
 * lambda makes them most normal (maximum likelihood on a grid of [-2, 4], refined by
 * golden sections). Heavy upper tails (Rosenbrock, Styblinski-Tang) get lambda < 1 and
 * are compressed, so the model spends itself on the low region that matters; a
 * monotone map keeps the incumbent. HEBO (Cowen-Rivers et al., 2022) warps likewise. */
static void warp_losses(double *y, int n)
{
    double mean = 0, var = 0, jac = 0;
    for (int i = 0; i < n; i++)
        mean += y[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean);
    if (!(var > 0))
        return;
    double sd = sqrt(var / n);
    for (int i = 0; i < n; i++) {
        y[i] = (y[i] - mean) / sd;
        jac += (y[i] >= 0 ? 1 : -1) * log1p(fabs(y[i]));
    }
    double best = 1, best_ll = yeo_johnson_ll(y, n, 1, jac);
    for (double l = -2; l <= 4 + 1e-9; l += 0.25) {
        double ll = yeo_johnson_ll(y, n, l, jac);
        if (ll > best_ll) {
            best_ll = ll;
            best = l;
        }
    }
    double a = best - 0.25, b = best + 0.25, g = (sqrt(5.0) - 1) / 2;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = yeo_johnson_ll(y, n, c, jac), fd = yeo_johnson_ll(y, n, d, jac);
    for (int it = 0; it < 30; it++) {
        if (fc > fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = yeo_johnson_ll(y, n, c, jac);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = yeo_johnson_ll(y, n, d, jac);
        }
    }
    double l = (a + b) / 2;
    if (yeo_johnson_ll(y, n, l, jac) > best_ll)
        best = l;
    for (int i = 0; i < n; i++)
        y[i] = yeo_johnson(y[i], best);
}

/* Keeps at most `max` observations, in their order: the best half of them and the
 * most recent others. The model's cost is cubic in its data and an ask's quadratic; beyond
 * a few hundred points the best and the latest (so that the model knows what it just
 * tried) tell the most about where to look next. Keeping the quarter nearest the
 * incumbent instead of the oldest recent ones did worse (gp_thins_long_histories: 11 of
 * 18 seeds, not 15). */
static int thin(double *X, double *y, double *C, bool *feas, int nc, double *cost, int *n, int d,
                int max)
{
    item *by = malloc((size_t)*n * sizeof *by);
    bool *keep = calloc((size_t)*n, sizeof *keep);
    if (!by || !keep) {
        free(by);
        free(keep);
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    }
    for (int i = 0; i < *n; i++)
        by[i] = (item){-y[i], i};
    qsort(by, (size_t)*n, sizeof *by, cmp_item_desc);
    int kept = 0;
    for (int j = 0; j < max / 2; j++, kept++)
        keep[by[j].i] = true;
    for (int i = *n - 1; i >= 0 && kept < max; i--)
        if (!keep[i]) {
            keep[i] = true;
            kept++;
        }
    int w = 0;
    for (int i = 0; i < *n; i++) {
        if (!keep[i])
            continue;
        memmove(X + (size_t)w * d, X + (size_t)i * d, (size_t)d * sizeof *X);
        if (nc) {
            memmove(C + (size_t)w * nc, C + (size_t)i * nc, (size_t)nc * sizeof *C);
            feas[w] = feas[i];
        }
        if (cost)
            cost[w] = cost[i];
        y[w++] = y[i];
    }
    *n = w;
    free(by);
    free(keep);
    return KNOB_OK;
}

/* A trial failed because its worker stopped (its heartbeat was lost), which says nothing
 * of its params. */
static bool worker_lost(const knob_trial_info *t)
{
    const char *cause = knob_trial_info_attr(t, "fail_cause", true);
    return cause && strcmp(cause, "\"worker_lost\"") == 0;
}

/* The data of one suggestion. */
typedef struct data {
    double *X;    /* rows in the cube (p->buf): observations, then failed and pending trials */
    double *y;    /* their standardized losses */
    int n;        /* observations, after thinning */
    int n_seen;   /* observations before thinning: what the refit schedule counts */
    int n_extra;  /* failed and pending rows after the observations */
    double best;  /* the lowest standardized loss */
    double worst; /* the highest */
    int top[5];   /* the best few observations, centres of the local candidates */
    int n_top;
    bool stalled;            /* see STALL_TRIALS */
    bool plateau;            /* see PLATEAU_TIES */
    double center[MAX_DIMS]; /* the incumbent's row, when stalled */
    double *C;               /* n x nc constraint values of the observations (NaN: none) */
    bool *feas;              /* each observation is feasible */
    double *cost;            /* n costs of the observations (option cost; NaN: none) */
    double spent, spent0;    /* the costs of all trials, and of the startup trials */
} data;

/* Distance of two rows of the cube: Euclidean, another category counting 1. */
static double cube_dist(const bo *p, const double *a, const double *b)
{
    double r2 = 0;
    for (int k = 0; k < p->n_dims; k++) {
        double t = p->dims[k].cat ? (a[k] != b[k]) : a[k] - b[k];
        r2 += t * t;
    }
    return sqrt(r2);
}

/* The model keeps asking for the incumbent's neighbourhood while nothing comes of it: an
 * overconfident model (UCB on Branin settled on the edge x0 = 10, at 1.94, on 13 of 200
 * seeds, asking for the same point to the last trial) or a discrete space where the
 * acquisition's best is a point already seen. Rows in trial order. */
static void detect_stall(const bo *p, data *D)
{
    int n = D->n, d = p->n_dims, inc = -1;
    D->stalled = false;
    if (n < p->n_startup_trials + STALL_TRIALS || n < 2 * STALL_TRIALS)
        return;
    for (int i = 0; i < n; i++)
        if ((!p->nc || D->feas[i]) && (inc < 0 || D->y[i] < D->y[inc]))
            inc = i;
    if (inc < 0)
        return;
    const double *c = D->X + (size_t)inc * d;
    for (int i = n - STALL_TRIALS; i < n; i++)
        if (cube_dist(p, D->X + (size_t)i * d, c) > STALL_NEAR)
            return;
    D->stalled = true;
    memcpy(D->center, c, (size_t)d * sizeof *c);
}

/* Two losses are one value (a tie): equal to 12 significant digits. */
static bool tied(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* The model keeps landing on a plateau at the best loss: PLATEAU_TIES of the last
 * PLATEAU_WINDOW observations (in trial order) tie with the best. A stationary kernel
 * cannot see that a region where many trials tie is flat: between the tied points the
 * posterior mean dips below them and the variance stays open, so expected improvement
 * keeps asking the plateau (a decision tree on iris asked one log loss 32 times in 64
 * trials and never found the better trees random search found). Ties at the best say
 * nothing new, so the next point explores instead (see explore). Losses raw, before any
 * warp. */
static void detect_plateau(const bo *p, data *D)
{
    int n = D->n, ties = 0;
    D->plateau = false;
    if (n < p->n_startup_trials + PLATEAU_WINDOW || n < 2 * PLATEAU_WINDOW)
        return;
    double best = HUGE_VAL;
    for (int i = 0; i < n; i++)
        if (!p->nc || D->feas[i])
            best = fmin(best, D->y[i]);
    for (int i = n - PLATEAU_WINDOW; i < n; i++)
        ties += (!p->nc || D->feas[i]) && tied(D->y[i], best);
    D->plateau = ties >= PLATEAU_TIES;
}

/* A status of math/gp.h in words. */
static int gp_failed(int status, int n, int d)
{
    if (status == KNOB__MATH_ENOMEM)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp: %d observations)", n);
    if (status == KNOB__MATH_EDIMS)
        return knob_set_error(KNOB_EINVAL, "gp: %d dimensions; at most %d", d, MAX_DIMS);
    return knob_set_error(KNOB_EINVAL,
                          "gp: the kernel matrix of %d observations is not positive "
                          "definite",
                          n);
}

/* A trial's cost (option cost): its duration, or the number in the user attr so named;
 * NaN when it has none or it is not positive. */
static double trial_cost(const bo *p, const knob_trial_info *t)
{
    return knob__trial_cost(p->cost, t);
}

/* Notes observation D->n's cost (option cost), and what the trials and the startup ones
 * spent. */
static void observe_cost(const bo *p, const knob_trial_info *ti, data *D)
{
    if (!D->cost)
        return;
    double k = trial_cost(p, ti);
    D->cost[D->n] = k;
    if (isfinite(k)) {
        D->spent += k;
        if (D->n < p->n_startup_trials)
            D->spent0 += k;
    }
}

/* The completed trials with a finite value as rows of the cube, and their losses (the
 * objective, negated when maximized) and constraints; at most max_observations of them.
 * D->y, D->C and D->feas are the caller's to free. */
static int observe(bo *p, double sign, const knob_trial_info *const *tr, size_t n_tr, data *D)
{
    int d = p->n_dims, nc = p->nc;
    if (!reserve(p, (n_tr + 1) * (size_t)(d + 1)) || !(D->y = malloc((n_tr + 1) * sizeof *D->y)) ||
        (nc && (!(D->C = malloc(n_tr * (size_t)nc * sizeof *D->C)) ||
                !(D->feas = malloc(n_tr * sizeof *D->feas)))) ||
        (p->cost[0] && !(D->cost = malloc((n_tr + 1) * sizeof *D->cost))))
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    D->X = p->buf;
    for (size_t i = 0; i < n_tr; i++) {
        const knob_trial_info *ti = tr[i];
        if (ti->state != KNOB_TRIAL_COMPLETE || ti->n_values < 1 || !isfinite(ti->values[0]))
            continue;
        if (!encode(p, ti, D->X + (size_t)D->n * d))
            continue;
        if (nc) {
            for (int j = 0; j < nc; j++)
                D->C[(size_t)D->n * nc + j] =
                    ti->n_constraints == (size_t)nc ? ti->constraints[j] : NAN;
            D->feas[D->n] = knob_trial_info_feasible(ti);
        }
        observe_cost(p, ti, D);
        D->y[D->n++] = sign * ti->values[0];
    }
    D->n_seen = D->n;
    detect_stall(p, D);
    detect_plateau(p, D);
    if (D->n > p->max_observations)
        return thin(D->X, D->y, D->C, D->feas, nc, D->cost, &D->n, d, (int)p->max_observations);
    return KNOB_OK;
}

/* Warps (with `warp`) and standardizes the losses; notes the best and the worst, and the
 * best few observations. */
static void standardize(const bo *p, data *D)
{
    double *y = D->y;
    int n = D->n;
    if (p->warp && n > 2)
        warp_losses(y, n);
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += y[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean);
    double sd = n > 1 && var > 0 ? sqrt(var / (n - 1)) : 1;
    D->best = HUGE_VAL;
    D->worst = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        y[i] = (y[i] - mean) / sd;
        if (!D->feas || D->feas[i]) /* an infeasible trial is never the incumbent */
            D->best = fmin(D->best, y[i]);
        D->worst = fmax(D->worst, y[i]);
    }
    D->n_top = n < 5 ? n : 5;
    for (int j = 0; j < D->n_top; j++) {
        int b = -1;
        for (int i = 0; i < n; i++) {
            bool taken = false;
            for (int q = 0; q < j; q++)
                taken |= D->top[q] == i;
            /* feasible ones first */
            if (!taken && (b < 0 || y[i] + (D->feas && !D->feas[i] ? 1e9 : 0) <
                                        y[b] + (D->feas && !D->feas[b] ? 1e9 : 0)))
                b = i;
        }
        D->top[j] = b;
    }
}

/* The prior mean's scale: own standardized losses against the source's standardized mean
 * at their rows, by least squares with the slope shrunk towards 1 (at least 0; slope 1 and
 * offset 0 while own trials are too few to say). The residuals into resid. */
#define WS_PRIOR_POINTS 5.0
static void fit_prior_scale(bo *p, const data *D, double *resid, double *work)
{
    int n = D->n;
    p->ws_a = 1;
    p->ws_b = 0;
    prior_mean(p, D->X, n, resid, NULL, work); /* the source's mean itself, a = 1, b = 0 */
    if (n >= 3) {
        double mx = 0, my = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            mx += resid[i] / n;
            my += D->y[i] / n;
        }
        for (int i = 0; i < n; i++) {
            sxx += (resid[i] - mx) * (resid[i] - mx);
            sxy += (resid[i] - mx) * (D->y[i] - my);
        }
        /* shrunk towards slope 1 by WS_PRIOR_POINTS points' worth: a few trials say little */
        p->ws_a = fmax((sxy + WS_PRIOR_POINTS) / (sxx + WS_PRIOR_POINTS), 0);
        p->ws_b = my - p->ws_a * mx;
    }
    for (int i = 0; i < n; i++)
        resid[i] = D->y[i] - (p->ws_a * resid[i] + p->ws_b);
}

/* The model of the observations. Refit at every ask while the data are few; beyond
 * REFIT_ALWAYS observations, when they grew by a twentieth since the last fit (the cost is
 * cubic in n and the fit moves little per point), else only refactor at the last fit's
 * hyperparameters. */
static int fit_model(bo *p, const data *D, const bool *cat)
{
    int n_seen = D->n_seen;
    p->gp.min_noise = p->min_noise;
    const double *y = D->y;
    double *resid = NULL;
    if (p->ws_on) {
        /* the model learns what the source's mean does not say */
        if (!(resid = malloc((2 * (size_t)D->n + 3 * (size_t)p->sgp.n + 16) * sizeof *resid)))
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        fit_prior_scale(p, D, resid, resid + D->n);
        y = resid;
    }
    int rc = knob__gp_set_data(&p->gp, D->X, y, D->n, p->n_dims, cat);
    free(resid);
    bool refit = !p->gp.fitted || n_seen < REFIT_ALWAYS || n_seen < p->n_fitted ||
                 n_seen >= p->n_fitted + p->n_fitted / 20;
    if (!rc && refit) {
        rc = knob__gp_fit(&p->gp, (int)p->fit_max_evals);
        p->n_fitted = n_seen;
    } else if (!rc) {
        rc = knob__gp_factor(&p->gp);
    }
    return rc ? gp_failed(rc, D->n, p->n_dims) : KNOB_OK;
}

/* One model per constraint, on the observations that carry it, standardized; the bound 0
 * standardized likewise. Refit on the objective's schedule. */
static int fit_constraints(bo *p, const data *D, const bool *cat)
{
    int d = p->n_dims, nc = p->nc, n = D->n;
    if (!nc)
        return KNOB_OK;
    if (nc > p->cap_cgp) {
        knob__gp *g = realloc(p->cgp, (size_t)nc * sizeof *g);
        double *thr = g ? realloc(p->cthr, (size_t)nc * sizeof *thr) : NULL;
        if (g)
            p->cgp = g;
        if (thr)
            p->cthr = thr;
        bool *ok = thr ? realloc(p->cok, (size_t)nc * sizeof *ok) : NULL;
        if (!ok)
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        p->cok = ok;
        memset(p->cgp + p->cap_cgp, 0, (size_t)(nc - p->cap_cgp) * sizeof *p->cgp);
        p->cap_cgp = nc;
    }
    double *X = malloc(((size_t)n * d + n + 1) * sizeof *X), *y = X ? X + (size_t)n * d : NULL;
    if (!X)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    int n_seen = D->n_seen, rc = KNOB_OK;
    bool refit = n_seen < REFIT_ALWAYS || n_seen < p->n_cfitted ||
                 n_seen >= p->n_cfitted + p->n_cfitted / 20;
    for (int j = 0; j < nc && !rc; j++) {
        int m = 0;
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) {
            double v = D->C[(size_t)i * nc + j];
            if (!isfinite(v))
                continue;
            memcpy(X + (size_t)m * d, D->X + (size_t)i * d, (size_t)d * sizeof *X);
            y[m++] = v;
            mean += v;
        }
        p->cok[j] = m >= 2;
        if (!p->cok[j])
            continue;
        mean /= m;
        for (int i = 0; i < m; i++)
            var += (y[i] - mean) * (y[i] - mean);
        double sd = var > 0 ? sqrt(var / (m - 1)) : 1;
        for (int i = 0; i < m; i++)
            y[i] = (y[i] - mean) / sd;
        p->cthr[j] = -mean / sd;
        knob__gp *g = &p->cgp[j];
        g->min_noise = p->min_noise;
        rc = knob__gp_set_data(g, X, y, m, d, cat);
        if (!rc)
            rc = refit || !g->fitted ? knob__gp_fit(g, (int)p->fit_max_evals) : knob__gp_factor(g);
        if (rc)
            rc = gp_failed(rc, m, d);
    }
    if (refit)
        p->n_cfitted = n_seen;
    free(X);
    return rc;
}

/* The model of the log cost (option cost), and the cost's weight: CArBO (Lee et al. 2020)
 * divides EI by cost^alpha, alpha cooling from 1 to 0 as the budget is spent so that
 * cheap regions do not win forever: with cost_budget B, alpha = (B - spent) / (B -
 * spent by the startup trials); without, alpha falls linearly to 0 over the 9 x
 * n_startup_trials trials after the startup. */
static int fit_cost(bo *p, const data *D, const bool *cat)
{
    p->alpha = 0;
    p->kok = false;
    if (!D->cost)
        return KNOB_OK;
    int d = p->n_dims, n = D->n, m = 0;
    double *X = malloc(((size_t)n * d + n + 1) * sizeof *X), *y = X ? X + (size_t)n * d : NULL;
    if (!X)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(D->cost[i])) {
            memcpy(X + (size_t)m * d, D->X + (size_t)i * d, (size_t)d * sizeof *X);
            y[m] = log(D->cost[i]);
            mean += y[m++];
        }
    int rc = KNOB_OK;
    if (m >= 2) {
        mean /= m;
        for (int i = 0; i < m; i++)
            var += (y[i] - mean) * (y[i] - mean);
        p->ksd = var > 0 ? sqrt(var / (m - 1)) : 1;
        for (int i = 0; i < m; i++)
            y[i] = (y[i] - mean) / p->ksd;
        p->kgp.min_noise = p->min_noise;
        rc = knob__gp_set_data(&p->kgp, X, y, m, d, cat);
        if (!rc)
            rc = knob__gp_fit(&p->kgp, (int)p->fit_max_evals);
        if (rc)
            rc = gp_failed(rc, m, d);
        p->kok = !rc;
    }
    free(X);
    if (!p->kok)
        return rc;
    p->alpha =
        knob__cost_alpha(p->cost_budget, D->spent, D->spent0, D->n_seen, p->n_startup_trials);
    return KNOB_OK;
}

/* The rows fantasies add after the n observed ones of X: failed trials (newest first, while
 * max_observations allows, when failed_worst is on), then the other running trials (when a
 * pending mode is on). */
static void encode_extra(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                         double *X, int n, int *n_fail, int *n_pend)
{
    int d = p->n_dims;
    *n_fail = *n_pend = 0;
    for (size_t i = n_tr; p->failed_worst && i-- > 0 && n + *n_fail < p->max_observations;)
        if (tr[i]->state == KNOB_TRIAL_FAIL && !worker_lost(tr[i]) &&
            encode(p, tr[i], X + (size_t)(n + *n_fail) * d))
            (*n_fail)++;
    for (size_t i = 0; p->pending_mode && i < n_tr; i++)
        if (tr[i]->state == KNOB_TRIAL_RUNNING && tr[i]->number != self &&
            encode(p, tr[i], X + (size_t)(n + *n_fail + *n_pend) * d))
            (*n_pend)++;
}

/* Failed trials at the worst loss seen, so the model learns where trials fail (else the
 * same data give the same failing point again): the most recent, within max_observations
 * with the observations. Running ones (but this trial) as fantasies: at the model's mean
 * (believer) or the worst loss (liar). The model is then refactored with them. */
static int add_fantasies(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                         const bool *cat, data *D)
{
    int d = p->n_dims, n = D->n, n_fail = 0, n_pend = 0;
    double *X = D->X, *y = D->y;
    encode_extra(p, tr, n_tr, self, X, n, &n_fail, &n_pend);
    if (n_fail + n_pend == 0)
        return KNOB_OK;
    double *pm = malloc(((size_t)n_pend * (1 + (size_t)n + n_pend) + 1) * sizeof *pm);
    if (!pm)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    double *pv = pm + n_pend, *xp = X + (size_t)(n + n_fail) * d;
    if (p->pending_mode == 1 && n_pend)
        knob__gp_predict(&p->gp, xp, n_pend, pm, pv, pv + n_pend);
    for (int j = 0; j < n_fail; j++)
        y[n + j] = D->worst;
    if (p->ws_on && p->pending_mode == 1 && n_pend) {
        double *pr = malloc(((size_t)n_pend + 3 * (size_t)p->sgp.n + 16) * sizeof *pr);
        if (!pr) {
            free(pm);
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        }
        prior_mean(p, xp, n_pend, pr, NULL, pr + n_pend);
        for (int j = 0; j < n_pend; j++)
            pm[j] += pr[j]; /* the believer's full mean */
        free(pr);
    }
    for (int j = 0; j < n_pend; j++)
        y[n + n_fail + j] = p->pending_mode == 1 ? pm[j] : D->worst;
    free(pm);
    D->n_extra = n_fail + n_pend;
    const double *fy = y;
    double *resid = NULL;
    if (p->ws_on) {
        /* the model holds residuals of the prior mean */
        int all = n + D->n_extra;
        if (!(resid = malloc(((size_t)all * 2 + 3 * (size_t)p->sgp.n + 16) * sizeof *resid)))
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        prior_mean(p, X, all, resid, NULL, resid + all);
        for (int i = 0; i < all; i++)
            resid[i] = y[i] - resid[i];
        fy = resid;
    }
    int rc = knob__gp_set_data(&p->gp, X, fy, n + D->n_extra, d, cat);
    free(resid);
    if (!rc)
        rc = knob__gp_factor(&p->gp);
    return rc ? gp_failed(rc, n + D->n_extra, d) : KNOB_OK;
}

/* Local searches from the best `starts` candidates (sorted in `order`), and from the
 * incumbent itself: near it the acquisition is flat at candidate spacing, and only a local
 * search resolves the last digits. The best point into xbest; its value. */
static double refine(ctx *c, const data *D, const double *cand, const item *order, int starts,
                     double *xbest)
{
    int d = c->p->n_dims;
    double vbest = -HUGE_VAL;
    for (int j = 0; j <= starts; j++) {
        double x[MAX_DIMS], v0;
        if (j == starts) {
            if (!D->n_top || !c->p->n_local_search || c->away)
                break;
            memcpy(x, D->X + (size_t)D->top[0] * d, (size_t)d * sizeof *x);
            acq_batch(c, x, 1, &v0);
        } else {
            memcpy(x, cand + (size_t)order[j].i * d, (size_t)d * sizeof *x);
            v0 = order[j].v;
        }
        double v = local_search(c, x, v0);
        if (too_near(c, x)) {
            memcpy(x, cand + (size_t)order[j].i * d, (size_t)d * sizeof *x);
            v = v0;
        }
        if (j == 0 || v > vbest) {
            vbest = v;
            memcpy(xbest, x, (size_t)d * sizeof *x);
        }
    }
    return vbest;
}

/* The point of the cube where the acquisition is highest: m Sobol and nearby candidates
 * scored, the best refined by local searches, then the categorical pass. Candidates draw
 * from (seed, trial number). */
static int maximize(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest)
{
    int d = p->n_dims;
    /* by default 256 per dimension (the cube needs more points as it grows), 512..2048 */
    int m_sobol = p->n_candidates ? (int)p->n_candidates
                                  : (d < 2   ? 512
                                     : d > 8 ? 2048
                                             : 256 * d),
        m_near = D->n_top ? m_sobol / 4 : 0, m = m_sobol + m_near;
    int n_all = D->n + D->n_extra;
    int rc = ensure_dirs(p, (unsigned)d);
    if (rc)
        return rc;
    double *cand = malloc((size_t)m * d * sizeof *cand);
    double *vals = malloc((size_t)m * sizeof *vals);
    double *cm = malloc(2 * (size_t)m * sizeof *cm);
    size_t need = (size_t)m * (n_all + 1) + 3 * (size_t)n_all + 16;
    double *work = knob__grow(&p->scratch, &p->cap_scratch, need, sizeof *work) ? NULL : p->scratch;
    item *order = malloc((size_t)m * sizeof *order);
    if (!cand || !vals || !cm || !work || !order) {
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    } else {
        knob_rng r;
        knob_rng_derive(&r, seed, self, "gp:candidates");
        uint64_t salt = knob_rng_next(&r);
        make_candidates(p, &r, salt, D->X, D->top, D->n_top, cand, m_sobol, m_near);
        ctx c = {.p = p,
                 .best = D->best,
                 .work = work,
                 .away = D->stalled ? D->center : NULL,
                 .no_incumbent = !isfinite(D->best),
                 .cm = cm,
                 .cv = cm + m,
                 .mo = p->n_obj > 1};
        for (int k = 0; k < d; k++)
            if (!p->dims[k].cat)
                c.free[c.n_free++] = k;
        acq_batch(&c, cand, m, vals);
        for (int i = 0; i < m; i++)
            order[i] = (item){
                isfinite(vals[i]) && !too_near(&c, cand + (size_t)i * d) ? vals[i] : -HUGE_VAL, i};
        qsort(order, (size_t)m, sizeof *order, cmp_item_desc);
        int starts = (int)p->n_local_search < m ? (int)p->n_local_search : m;
        /* Points not to ask again: in a space of discrete dimensions alone every trial's;
         * with a continuous dimension the failed and running ones' only (the local search
         * may settle on a bound or on the incumbent, which a noisy or constrained
         * objective may want again, gp_constraints; never twice in one batch). */
        bool discrete = true;
        for (int k = 0; k < d; k++)
            discrete &= p->dims[k].cat || p->dims[k].bins > 0;
        const double *rows = D->X + (discrete ? 0 : (size_t)D->n * d);
        int n_rows = D->n_extra + (discrete ? D->n : 0);
        double v =
            discrete_pass(&c, rows, n_rows, xbest, refine(&c, D, cand, order, starts, xbest));
        /* every neighbour of a seen point seen too: the best candidate not seen yet */
        for (int j = 0; !(v > -HUGE_VAL) && j < m; j++) {
            double x[MAX_DIMS];
            memcpy(x, cand + (size_t)order[j].i * d, (size_t)d * sizeof *x);
            for (int k = 0; k < d; k++)
                x[k] = knob__dim_round(&p->dims[k], x[k]);
            if (order[j].v > -HUGE_VAL && !seen_row(p, rows, n_rows, x)) {
                memcpy(xbest, x, (size_t)d * sizeof *x);
                v = order[j].v;
            }
        }
    }
    free(cand);
    free(vals);
    free(cm);
    free(order);
    return rc;
}

/* On a plateau (detect_plateau): the point of one scrambled Sobol sequence of the study's
 * seed at this trial's number, so that the explorations of a study fill the cube as its
 * startup trials do, whatever the model believes. *explored false (and xbest to be
 * overwritten) when that point, rounded, was observed or is pending: a deterministic
 * objective would only repeat itself. */
static int explore(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest, bool *explored)
{
    int d = p->n_dims;
    int rc = ensure_dirs(p, (unsigned)d);
    *explored = false;
    if (rc)
        return rc;
    uint64_t salt = seed ^ 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < d; k++) {
        double u = sobol_u(p, (unsigned)k, (uint64_t)self + 1, salt);
        xbest[k] =
            knob__dim_round(&p->dims[k], p->dims[k].cat ? knob__dim_choice(&p->dims[k], u) : u);
    }
    *explored = !seen_row(p, D->X, D->n + D->n_extra, xbest);
    return KNOB_OK;
}

/* The source's completed trials as rows of the shared dimensions (this space's params that
 * they carry with the same kind), their losses warped and standardized as this study's,
 * and its model, fitted once. A source sharing no param leaves a cold start. */
static int source_model(bo *p, knob_study *src)
{
    knob__warm_trial *w;
    size_t nt;
    int rc = knob__warm_trials(src, &w, &nt);
    if (rc)
        return rc;
    int d = p->n_dims;
    p->ns = 0;
    for (int k = 0; k < d && nt; k++) {
        size_t with = 0;
        for (size_t i = 0; i < nt; i++) {
            const knob_param *q = knob_trial_info_param(w[i].trial, p->dims[k].name);
            with += q && q->dist->kind == p->dims[k].dist->kind &&
                    (q->dist->kind != KNOB_DIST_CATEGORICAL ||
                     q->dist->n_choices == p->dims[k].dist->n_choices);
        }
        if (with == nt && strlen(p->dims[k].name) < sizeof p->s_names[0]) {
            snprintf(p->s_names[p->ns], sizeof p->s_names[0], "%s", p->dims[k].name);
            p->s_dims[p->ns++] = k;
        }
    }
    if (p->ns == 0) {
        free(w);
        return KNOB_OK;
    }
    double *X = malloc((nt * (size_t)(p->ns + 1) + 1) * sizeof *X), *y = X + nt * (size_t)p->ns;
    bool cat[MAX_DIMS];
    if (!X) {
        free(w);
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    }
    int n = 0;
    for (size_t i = 0; i < nt; i++) {
        for (int j = 0; j < p->ns; j++) {
            const knob__dim *dim = &p->dims[p->s_dims[j]];
            double u =
                knob__dim_to_unit(dim, knob_trial_info_param(w[i].trial, dim->name)->internal);
            u = dim->cat ? u : fmin(fmax(u, 0), 1);
            X[(size_t)n * p->ns + j] = u;
        }
        y[n++] = w[i].loss;
    }
    free(w);
    for (int j = 0; j < p->ns; j++)
        cat[j] = p->dims[p->s_dims[j]].cat;
    data S = {.X = X, .y = y, .n = n};
    if (n > p->max_observations)
        rc = thin(X, y, NULL, NULL, 0, NULL, &S.n, p->ns, (int)p->max_observations);
    if (!rc && S.n >= 2) {
        standardize(p, &S);
        p->sgp.min_noise = p->min_noise;
        rc = knob__gp_set_data(&p->sgp, X, y, S.n, p->ns, cat);
        if (!rc)
            rc = knob__gp_fit(&p->sgp, (int)p->fit_max_evals);
        if (rc)
            rc = gp_failed(rc, S.n, p->ns);
        p->ws_on = !rc;
    }
    free(X);
    return rc;
}

static int suggest(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                   size_t n_tr)
{
    int d = p->n_dims;
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    int64_t self = knob_trial_number(t);
    bool cat[MAX_DIMS];
    for (int k = 0; k < d; k++)
        cat[k] = p->dims[k].cat;
    data D = {0};
    double xbest[MAX_DIMS];
    int rc = observe(p, sign, tr, n_tr, &D);
    if (!rc) {
        standardize(p, &D);
        rc = fit_model(p, &D, cat);
    }
    if (!rc)
        rc = fit_constraints(p, &D, cat);
    if (!rc)
        rc = fit_cost(p, &D, cat);
    if (!rc)
        rc = add_fantasies(p, tr, n_tr, self, cat, &D);
    bool explored = false;
    if (!rc && D.plateau)
        rc = explore(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest, &explored);
    if (!rc && !explored)
        rc = maximize(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
    for (int k = 0; !rc && k < d; k++) {
        xbest[k] = knob__dim_round(&p->dims[k], xbest[k]);
        rc = knob_trial_propose(t, p->dims[k].name, p->dims[k].dist,
                                knob__dim_from_unit(&p->dims[k], xbest[k]));
    }
    free(D.y);
    free(D.C);
    free(D.feas);
    free(D.cost);
    return rc;
}

/* ---------------------------------------------------------------- several objectives */

/* Objective j's model. */
static knob__gp *objective_model(bo *p, int j)
{
    return j ? &p->mgp[j - 1] : &p->gp;
}

/* log EHVI at m points (knob__ehvi_log of the objectives' posteriors), plus the log
 * probability of feasibility; 0 for the objectives while no trial is feasible. In chunks,
 * so that the posteriors fit on the stack. */
#define MO_CHUNK 64
static void mo_batch(ctx *c, const double *x, int m, double *out)
{
    bo *p = c->p;
    int d = p->n_dims, no = p->n_obj;
    for (int i0 = 0; i0 < m; i0 += MO_CHUNK) {
        int k = m - i0 < MO_CHUNK ? m - i0 : MO_CHUNK;
        double mean[KNOB__EHVI_MAX_OBJ][MO_CHUNK], var[KNOB__EHVI_MAX_OBJ][MO_CHUNK];
        for (int j = 0; j < no && !c->no_incumbent; j++)
            knob__gp_predict(objective_model(p, j), x + (size_t)i0 * d, k, mean[j], var[j],
                             c->work);
        for (int i = 0; i < k; i++) {
            double mu[KNOB__EHVI_MAX_OBJ], sd[KNOB__EHVI_MAX_OBJ];
            for (int j = 0; j < no && !c->no_incumbent; j++) {
                mu[j] = mean[j][i];
                sd[j] = sqrt(fmax(var[j][i], 1e-30));
            }
            out[i0 + i] = c->no_incumbent ? 0 : knob__ehvi_log(&p->ehvi, mu, sd, NULL, NULL);
        }
    }
    cost_batch(c, x, m, out);
    feasibility_batch(c, x, m, out);
}

/* The local search's objective with several objectives: log EHVI plus the log probability
 * of feasibility at the point, with the gradient over the free dimensions (units of the
 * length scales of objective 0's model). */
static double mo_local_fn(unsigned n, const double *u, double *grad, void *cv)
{
    ctx *c = cv;
    bo *p = c->p;
    int no = p->n_obj;
    for (unsigned i = 0; i < n; i++)
        c->x[c->free[i]] = u[i] / c->scale[i];
    if (grad)
        memset(grad, 0, n * sizeof *grad);
    double v = 0;
    if (!c->no_incumbent) {
        double mu[KNOB__EHVI_MAX_OBJ], sd[KNOB__EHVI_MAX_OBJ], gmu[KNOB__EHVI_MAX_OBJ],
            gsd[KNOB__EHVI_MAX_OBJ], dm[KNOB__EHVI_MAX_OBJ][MAX_DIMS],
            dv[KNOB__EHVI_MAX_OBJ][MAX_DIMS];
        for (int j = 0; j < no; j++) {
            double var;
            knob__gp_predict_grad(objective_model(p, j), c->x, &mu[j], &var, dm[j], dv[j], c->work);
            sd[j] = sqrt(fmax(var, 1e-30));
        }
        v = knob__ehvi_log(&p->ehvi, mu, sd, grad ? gmu : NULL, grad ? gsd : NULL);
        if (grad)
            for (unsigned i = 0; i < n; i++)
                for (int j = 0; j < no; j++) /* d sd = d var / (2 sd) */
                    grad[i] +=
                        (gmu[j] * dm[j][c->free[i]] + gsd[j] * dv[j][c->free[i]] / (2 * sd[j])) /
                        c->scale[i];
    }
    v += cost_grad(c, n, grad);
    v += feasibility_grad(c, n, grad);
    c->n_evals++;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return -1e300;
    }
    return v;
}

/* Keeps at most max_observations, in their order: the best half by constrained
 * non-dominated rank (the most recent first within a rank), then the most recent others. */
static int mo_thin(bo *p, data *D, double *Y)
{
    int n = D->n, d = p->n_dims, no = p->n_obj, nc = p->nc, max = (int)p->max_observations;
    size_t *rank = malloc((size_t)n * sizeof *rank), n_fronts;
    double *viol = nc ? malloc((size_t)n * sizeof *viol) : NULL;
    item *by = malloc((size_t)n * sizeof *by);
    bool *keep = calloc((size_t)n, sizeof *keep);
    int rc = !rank || (nc && !viol) || !by || !keep;
    for (int i = 0; !rc && nc && i < n; i++)
        viol[i] = D->feas[i] ? 0 : 1;
    if (!rc)
        rc = knob__pareto_sort(Y, (size_t)n, (size_t)no, viol, rank, &n_fronts) != 0;
    if (!rc) {
        for (int i = 0; i < n; i++)
            by[i] = (item){-((double)rank[i] + (double)(n - i) / (n + 1)), i};
        qsort(by, (size_t)n, sizeof *by, cmp_item_desc);
        int kept = 0;
        for (int j = 0; j < max / 2; j++, kept++)
            keep[by[j].i] = true;
        for (int i = n - 1; i >= 0 && kept < max; i--)
            if (!keep[i]) {
                keep[i] = true;
                kept++;
            }
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (!keep[i])
                continue;
            memmove(D->X + (size_t)w * d, D->X + (size_t)i * d, (size_t)d * sizeof *D->X);
            memmove(Y + (size_t)w * no, Y + (size_t)i * no, (size_t)no * sizeof *Y);
            if (nc) {
                memmove(D->C + (size_t)w * nc, D->C + (size_t)i * nc, (size_t)nc * sizeof *D->C);
                D->feas[w] = D->feas[i];
            }
            if (D->cost)
                D->cost[w] = D->cost[i];
            D->y[w++] = D->y[i];
        }
        D->n = w;
    }
    free(rank);
    free(viol);
    free(by);
    free(keep);
    return rc ? knob_set_error(KNOB_ENOMEM, "out of memory (gp)") : KNOB_OK;
}

/* The completed trials with every objective finite, as rows of the cube, their losses
 * (each objective negated when maximized) into *Y (n x n_obj, the caller's to free), and
 * their constraints. */
static int observe_mo(bo *p, const double *sign, const knob_trial_info *const *tr, size_t n_tr,
                      data *D, double **Y)
{
    int d = p->n_dims, nc = p->nc, no = p->n_obj;
    if (!reserve(p, (n_tr + 1) * (size_t)(d + 1)) || !(D->y = malloc((n_tr + 1) * sizeof *D->y)) ||
        !(*Y = malloc((n_tr + 1) * (size_t)no * sizeof **Y)) ||
        (nc && (!(D->C = malloc(n_tr * (size_t)nc * sizeof *D->C)) ||
                !(D->feas = malloc(n_tr * sizeof *D->feas)))) ||
        (p->cost[0] && !(D->cost = malloc((n_tr + 1) * sizeof *D->cost))))
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    D->X = p->buf;
    for (size_t i = 0; i < n_tr; i++) {
        const knob_trial_info *ti = tr[i];
        bool finite = ti->state == KNOB_TRIAL_COMPLETE && ti->n_values >= (size_t)no;
        for (int j = 0; finite && j < no; j++)
            finite = isfinite(ti->values[j]);
        if (!finite || !encode(p, ti, D->X + (size_t)D->n * d))
            continue;
        if (nc) {
            for (int j = 0; j < nc; j++)
                D->C[(size_t)D->n * nc + j] =
                    ti->n_constraints == (size_t)nc ? ti->constraints[j] : NAN;
            D->feas[D->n] = knob_trial_info_feasible(ti);
        }
        observe_cost(p, ti, D);
        for (int j = 0; j < no; j++)
            (*Y)[(size_t)D->n * no + j] = sign[j] * ti->values[j];
        D->y[D->n] = (*Y)[(size_t)D->n * no];
        D->n++;
    }
    D->n_seen = D->n;
    return D->n > p->max_observations ? mo_thin(p, D, *Y) : KNOB_OK;
}

/* The loss r of one objective in the units of its model: the warp and standardization are
 * monotone, so r maps between the two observed losses around it (raw[i * stride] before,
 * z[i] after), linearly; beyond the observed range, on the line through the two extreme
 * distinct losses. */
static double mo_map_ref(const double *raw, int stride, const double *z, int n, double r)
{
    int lo = -1, hi = -1, min = 0, max = 0;
#define RAW(i) raw[(size_t)(i)*stride]
    for (int i = 0; i < n; i++) {
        if (RAW(i) <= r && (lo < 0 || RAW(i) > RAW(lo)))
            lo = i;
        if (RAW(i) >= r && (hi < 0 || RAW(i) < RAW(hi)))
            hi = i;
        min = RAW(i) < RAW(min) ? i : min;
        max = RAW(i) > RAW(max) ? i : max;
    }
    if (lo >= 0 && hi >= 0)
        return RAW(hi) > RAW(lo) ? z[lo] + (z[hi] - z[lo]) * (r - RAW(lo)) / (RAW(hi) - RAW(lo))
                                 : z[lo];
    /* outside: the nearest extreme and the observed loss nearest to it that differs */
    int e = lo >= 0 ? max : min, f = -1;
    for (int i = 0; i < n; i++)
        if (RAW(i) != RAW(e) && (f < 0 || fabs(RAW(i) - RAW(e)) < fabs(RAW(f) - RAW(e))))
            f = i;
    if (f < 0) /* one distinct loss: standardized, one unit per unit */
        return z[e] + (r - RAW(e));
    return z[e] + (z[f] - z[e]) / (RAW(f) - RAW(e)) * (r - RAW(e));
#undef RAW
}

/* Each objective warped and standardized as one objective is (standardize); then the
 * feasible front's non-dominated region below the reference point (the option
 * reference_point mapped by mo_map_ref, else Optuna's: the worst feasible standardized loss
 * of each objective, pushed out by a tenth of its size), and
 * the candidates' centres: up to five points of that front spread along objective 0. While
 * no trial is feasible, D->best is +inf (the acquisition is feasibility alone). */
static int mo_standardize(bo *p, const double *sign, data *D, double *Y)
{
    int n = D->n, no = p->n_obj;
    double *col = malloc(((size_t)n * (no + 1) + 1) * sizeof *col), *F = col + n;
    bool *front = malloc(((size_t)n + 1) * sizeof *front);
    int *idx = malloc(((size_t)n + 1) * sizeof *idx);
    if (!col || !front || !idx) {
        free(col);
        free(front);
        free(idx);
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    }
    double uref[KNOB__EHVI_MAX_OBJ];
    for (int j = 0; j < no; j++) {
        for (int i = 0; i < n; i++)
            col[i] = Y[(size_t)i * no + j];
        data one = {.y = col, .n = n, .feas = D->feas};
        standardize(p, &one);
        if (p->n_user_ref)
            uref[j] = mo_map_ref(Y + j, no, col, n, p->user_ref[j] * sign[j]);
        for (int i = 0; i < n; i++)
            Y[(size_t)i * no + j] = col[i];
    }
    for (int i = 0; i < n; i++)
        D->y[i] = Y[(size_t)i * no];
    int nf = 0;
    double ref[KNOB__EHVI_MAX_OBJ];
    for (int j = 0; j < no; j++)
        ref[j] = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        if (D->feas && !D->feas[i])
            continue;
        idx[nf] = i;
        for (int j = 0; j < no; j++) {
            F[(size_t)nf * no + j] = Y[(size_t)i * no + j];
            ref[j] = fmax(ref[j], Y[(size_t)i * no + j]);
        }
        nf++;
    }
    D->best = nf ? 0 : HUGE_VAL;
    D->n_top = 0;
    int rc = KNOB_OK;
    if (nf) {
        for (int j = 0; j < no; j++)
            ref[j] =
                p->n_user_ref ? uref[j] : nextafter(fmax(1.1 * ref[j], 0.9 * ref[j]), HUGE_VAL);
        rc = knob__ehvi_init(&p->ehvi, F, (size_t)nf, no, ref);
        if (rc == KNOB__MATH_EDIMS)
            rc = knob_set_error(KNOB_EUNSUPPORTED, "gp: %d objectives; at most %d", no,
                                KNOB__EHVI_MAX_OBJ);
        else if (rc)
            rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp: %d points of the front)", nf);
        size_t k = knob__pareto_front(F, (size_t)nf, (size_t)no, front);
        /* the front's points in order of objective 0, five of them evenly spaced */
        int q = 0;
        for (int i = 0; i < nf; i++)
            if (front[i])
                idx[q++] = idx[i];
        for (int a = 1; a < q; a++)
            for (int b = a; b > 0 && Y[(size_t)idx[b] * no] < Y[(size_t)idx[b - 1] * no]; b--) {
                int t = idx[b];
                idx[b] = idx[b - 1];
                idx[b - 1] = t;
            }
        D->n_top = k < 5 ? (int)k : 5;
        for (int t = 0; t < D->n_top; t++)
            D->top[t] = idx[D->n_top > 1 ? t * (q - 1) / (D->n_top - 1) : 0];
    }
    free(col);
    free(front);
    free(idx);
    return rc;
}

/* One model per objective, refit on the single objective's schedule (fit_model). */
static int mo_fit(bo *p, const data *D, const double *Y, const bool *cat)
{
    int n = D->n, no = p->n_obj, n_seen = D->n_seen, rc = KNOB_OK;
    double *col = malloc(((size_t)n + 1) * sizeof *col);
    if (!col)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    bool refit = !p->gp.fitted || n_seen < REFIT_ALWAYS || n_seen < p->n_fitted ||
                 n_seen >= p->n_fitted + p->n_fitted / 20;
    for (int j = 0; j < no && !rc; j++) {
        knob__gp *g = objective_model(p, j);
        for (int i = 0; i < n; i++)
            col[i] = Y[(size_t)i * no + j];
        g->min_noise = p->min_noise;
        rc = knob__gp_set_data(g, D->X, col, n, p->n_dims, cat);
        if (!rc)
            rc = refit || !g->fitted ? knob__gp_fit(g, (int)p->fit_max_evals) : knob__gp_factor(g);
        if (rc)
            rc = gp_failed(rc, n, p->n_dims);
    }
    if (refit)
        p->n_fitted = n_seen;
    free(col);
    return rc;
}

/* Failed and running trials, as add_fantasies does for one objective: failed ones at
 * each objective's worst loss, running ones at each model's mean (believer) or the worst
 * (liar); every objective's model refactored with them. */
static int mo_fantasies(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                        const bool *cat, data *D, const double *Y)
{
    int d = p->n_dims, n = D->n, no = p->n_obj, n_fail = 0, n_pend = 0;
    double *X = D->X;
    encode_extra(p, tr, n_tr, self, X, n, &n_fail, &n_pend);
    if (n_fail + n_pend == 0)
        return KNOB_OK;
    int all = n + n_fail + n_pend, rc = KNOB_OK;
    double *col = malloc(((size_t)all + 2 * (size_t)n_pend * (n + 1) + 1) * sizeof *col);
    if (!col)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    double *pv = col + all, *work = pv + n_pend;
    for (int j = 0; j < no && !rc; j++) {
        knob__gp *g = objective_model(p, j);
        double worst = -HUGE_VAL;
        for (int i = 0; i < n; i++) {
            col[i] = Y[(size_t)i * no + j];
            worst = fmax(worst, col[i]);
        }
        for (int i = n; i < n + n_fail; i++)
            col[i] = worst;
        if (p->pending_mode == 1 && n_pend)
            knob__gp_predict(g, X + (size_t)(n + n_fail) * d, n_pend, col + n + n_fail, pv, work);
        else
            for (int i = n + n_fail; i < all; i++)
                col[i] = worst;
        rc = knob__gp_set_data(g, X, col, all, d, cat);
        if (!rc)
            rc = knob__gp_factor(g);
        if (rc)
            rc = gp_failed(rc, all, d);
    }
    D->n_extra = n_fail + n_pend;
    free(col);
    return rc;
}

/* A suggestion for two or three objectives: one model per objective and per constraint,
 * log EHVI (math/ehvi.h) plus the log probability of feasibility, maximized as one
 * objective's acquisition is (maximize). */
static int suggest_mo(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                      size_t n_tr)
{
    int d = p->n_dims;
    double sign[KNOB__EHVI_MAX_OBJ], *Y = NULL, xbest[MAX_DIMS];
    for (int j = 0; j < p->n_obj; j++)
        sign[j] = knob_study_direction(s, (size_t)j) == KNOB_MAXIMIZE ? -1 : 1;
    int64_t self = knob_trial_number(t);
    bool cat[MAX_DIMS];
    for (int k = 0; k < d; k++)
        cat[k] = p->dims[k].cat;
    data D = {0};
    int rc = observe_mo(p, sign, tr, n_tr, &D, &Y);
    if (!rc && D.n < 2)
        goto done; /* the rest lack a param of the space: independent draws */
    if (!rc)
        rc = mo_standardize(p, sign, &D, Y);
    if (!rc)
        rc = mo_fit(p, &D, Y, cat);
    if (!rc)
        rc = fit_constraints(p, &D, cat);
    if (!rc)
        rc = fit_cost(p, &D, cat);
    if (!rc)
        rc = mo_fantasies(p, tr, n_tr, self, cat, &D, Y);
    if (!rc)
        rc = maximize(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
    for (int k = 0; !rc && k < d; k++) {
        xbest[k] = knob__dim_round(&p->dims[k], xbest[k]);
        rc = knob_trial_propose(t, p->dims[k].name, p->dims[k].dist,
                                knob__dim_from_unit(&p->dims[k], xbest[k]));
    }
done:
    free(D.y);
    free(D.C);
    free(D.feas);
    free(D.cost);
    free(Y);
    return rc;
}

/* What several objectives do not combine with, in words. */
static int mo_refused(const bo *p, knob_study *s)
{
    size_t no = knob_study_n_objectives(s);
    const char *what = no > 3           ? NULL
                       : p->ucb         ? "acquisition 'ucb' (several use log EHVI)"
                       : p->ws_study[0] ? "option warm_start_study"
                                        : "";
    if (!what)
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler 'gp' optimizes one to three objectives; study '%s' has %zu",
                              knob_study_name(s), no);
    if (!what[0] && p->n_user_ref && (size_t)p->n_user_ref != no)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'gp': option 'reference_point' has %d coordinates; study "
                              "'%s' has %zu objectives",
                              p->n_user_ref, knob_study_name(s), no);
    if (what[0])
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler 'gp': %s works with one objective; study '%s' has %zu", what,
                              knob_study_name(s), no);
    return KNOB_OK;
}

/* The source study (warm_start_study, from warm_start_storage or this study's storage)
 * and its model, once. A missing study is an error; one sharing no param, a cold start. */
static int warm_start(bo *p, knob_study *s)
{
    knob_study *src = NULL;
    int rc = knob__warm_open(s, "gp", p->ws_study, p->ws_storage, &src);
    if (!rc)
        rc = source_model(p, src);
    knob_study_free(src);
    p->ws_loaded = !rc;
    return rc;
}

/* TuRBO-1 (trust_region): its box and local model replace the global one. */
static int trust_region(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                        size_t n)
{
    if (p->n_obj > 1)
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler 'gp': trust_region optimizes one objective; study '%s' "
                              "has %d",
                              knob_study_name(s), p->n_obj);
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    int d = p->n_dims, nc = 100 * d < 5000 ? 100 * d : 5000;
    int threads = openblas_get_num_threads();
    if (threads > 1)
        openblas_set_num_threads(1);
    int rc =
        knob__turbo_suggest(&p->turbo, p->dims, d, tr, n, sign, (int)p->n_startup_trials, nc,
                            (int)p->fit_max_evals, knob_sampler_seed(knob_study_sampler(s)), t);
    if (threads > 1)
        openblas_set_num_threads(threads);
    return rc;
}

/* The source's best distinct configurations, once, for the first trials. */
static int read_firsts(bo *p, knob_study *s)
{
    knob_study *src = NULL;
    knob__warm_trial *w = NULL;
    size_t n = 0;
    int rc = knob__warm_open(s, "gp", p->ws_study, p->ws_storage, &src);
    if (!rc)
        rc = knob__warm_trials(src, &w, &n);
    if (!rc) {
        knob__warm_sort(w, n);
        rc = knob__warm_firsts_make(&p->ws_firsts, w, n, (size_t)p->ws_first);
    }
    free(w);
    knob_study_free(src);
    p->ws_firsts_read = !rc;
    return rc;
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    if (knob_study_n_objectives(s) == 0)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'gp': study '%s' has no objective to model "
                              "(give it a metric, or use random, grid or qmc)",
                              knob_study_name(s));
    bo *p = state;
    p->n_obj = (int)knob_study_n_objectives(s);
    int rc = p->n_obj > 1 ? mo_refused(p, s) : KNOB_OK;
    if (!rc && p->n_obj == 1 && p->n_user_ref)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'gp': option 'reference_point' is for several objectives; "
                            "study '%s' has one",
                            knob_study_name(s));
    if (rc)
        return rc;
    if (p->ws_study[0] && p->ws_first > 0 && !p->ws_firsts_read && (rc = read_firsts(p, s)))
        return rc;
    if (knob_trial_number(t) < (int64_t)p->ws_firsts.n)
        return knob__warm_firsts_propose(&p->ws_firsts, t);
    const knob_trial_info *const *tr;
    size_t n, n_complete = 0;
    rc = knob_study_trials(s, &tr, &n);
    p->nc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        bool done = tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values >= 1 &&
                    isfinite(tr[i]->values[0]);
        n_complete += done;
        if (done && tr[i]->n_constraints > (size_t)p->nc)
            p->nc = tr[i]->n_constraints > 1000 ? 1000 : (int)tr[i]->n_constraints;
    }
    if (rc || n_complete < 2)
        return rc;
    if ((int64_t)n_complete < p->n_startup_trials && !p->ws_study[0])
        return KNOB_OK;
    if ((rc = infer_space(p, tr, n)) || p->n_dims == 0)
        return rc;
    if (p->trust_region)
        return trust_region(p, s, t, tr, n);
    if (p->ws_study[0] && !p->ws_loaded && (rc = warm_start(p, s)))
        return rc;
    for (int k = 0; p->ws_on && k < p->ns; k++) {
        /* the space may have changed since: the shared params by name; one gone, cold */
        int j = 0;
        while (j < p->n_dims && strcmp(p->dims[j].name, p->s_names[k]) != 0)
            j++;
        p->s_dims[k] = j;
        p->ws_on = j < p->n_dims;
    }
    /* warm, the source's model stands in for the startup trials */
    if ((int64_t)n_complete < p->n_startup_trials && !p->ws_on)
        return KNOB_OK;
    /* OpenBLAS threads gain little on matrices of a thousand rows at most, and on a busy
     * machine their spinning made an ask at 100 trials 47 times slower (0.9 s, not 20
     * ms): one thread while the model works, then the caller's setting again. */
    int threads = openblas_get_num_threads();
    if (threads > 1)
        openblas_set_num_threads(1);
    rc = p->n_obj > 1 ? suggest_mo(p, s, t, tr, n) : suggest(p, s, t, tr, n);
    if (threads > 1)
        openblas_set_num_threads(threads);
    return rc;
}

/* Before the model starts (and for params outside its space): random draws, or the
 * trial's point of one scrambled Sobol sequence, a dimension per param in the order the
 * trial suggests them. */
static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *dist, double *internal)
{
    bo *p = state;
    if (strcmp(p->startup, "sobol") != 0 || dist->kind == KNOB_DIST_CATEGORICAL)
        return knob__random_independent(state, s, t, name, dist, internal);
    size_t dimension = knob_trial_n_params(t);
    if (dimension >= knob__sobol_dims || ensure_dirs(p, (unsigned)dimension + 1))
        return knob__random_independent(state, s, t, name, dist, internal);
    uint64_t salt = knob_sampler_seed(knob_study_sampler(s)) ^ 0x5851F42D4C957F2Dull;
    double u = sobol_u(p, (unsigned)dimension, (uint64_t)knob_trial_number(t) + 1, salt);
    knob__dim d;
    knob__dim_init(&d, name, dist, 0);
    *internal = knob__dim_from_unit(&d, u);
    return KNOB_OK;
}

/* The words are checked by the option table (enums); "ei" ranks points as "logei" does. */
/* Reads the option reference_point: a list of two or three finite numbers. */
static int parse_reference_point(bo *p)
{
    p->n_user_ref = 0;
    if (!p->ref_text || !p->ref_text[0])
        return KNOB_OK;
    char err[128];
    knobx_json *j = knobx_json_parse(p->ref_text, (size_t)-1, err, sizeof err);
    int rc = KNOB_OK;
    if (!j || j->type != KNOBX_JSON_ARRAY || j->n < 2 || j->n > 3)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'gp': option 'reference_point' must be a list of 2 or 3 "
                            "numbers, one per objective, such as [1.1, 11], got %.80s",
                            p->ref_text);
    for (size_t k = 0; !rc && k < j->n; k++) {
        const knobx_json *x = j->kids[k];
        if (x->type != KNOBX_JSON_NUMBER || !isfinite(x->num))
            rc = knob_set_error(KNOB_EINVAL,
                                "sampler 'gp': option 'reference_point': coordinate %zu is not a "
                                "finite number",
                                k + 1);
        else
            p->user_ref[k] = x->num;
    }
    if (!rc)
        p->n_user_ref = (int)j->n;
    knobx_json_free(j);
    return rc;
}

static int init(void *state)
{
    bo *p = state;
    p->ucb = strcmp(p->acquisition, "ucb") == 0;
    p->failed_worst = strcmp(p->failed, "worst") == 0;
    p->pending_mode = 0;
    if (strcmp(p->pending, "believer") == 0)
        p->pending_mode = 1;
    else if (strcmp(p->pending, "liar") == 0)
        p->pending_mode = 2;
    return parse_reference_point(p);
}

static void fini(void *state)
{
    bo *p = state;
    knob__gp_free(&p->gp);
    free(p->dims);
    free(p->dirs);
    free(p->buf);
    free(p->scratch);
    for (int j = 0; j < p->cap_cgp; j++)
        knob__gp_free(&p->cgp[j]);
    free(p->cgp);
    knob__gp_free(&p->kgp);
    knob__gp_free(&p->sgp);
    knob__warm_firsts_free(&p->ws_firsts);
    for (int j = 0; j < KNOB__EHVI_MAX_OBJ - 1; j++)
        knob__gp_free(&p->mgp[j]);
    knob__ehvi_free(&p->ehvi);
    knob__turbo_free(&p->turbo);
    free(p->cthr);
    free(p->cok);
}

static const char *const startups[] = {"sobol", "random", NULL};
static const char *const acquisitions[] = {"logei", "ucb", "ei", NULL};
static const char *const failed_modes[] = {"worst", "ignore", NULL};
static const char *const pending_modes[] = {"believer", "liar", "ignore", NULL};

static const knob_option options[] = {
    {"n_startup_trials", KNOB_OPT_INT, offsetof(bo, n_startup_trials), "10", 2, 1e9,
     "completed trials (Sobol or random) before the model", NULL},
    {"startup", KNOB_OPT_ENUM, offsetof(bo, startup), "sobol", 0, 0,
     "how the first trials are drawn: sobol (scrambled) or random", startups},
    {"acquisition", KNOB_OPT_ENUM, offsetof(bo, acquisition), "logei", 0, 0,
     "logei (log expected improvement), ucb (upper confidence bound), or ei (as logei: the "
     "logarithm keeps the best point)",
     acquisitions},
    {"beta", KNOB_OPT_DOUBLE, offsetof(bo, beta), "2", 0, 1e6,
     "ucb: mean + sqrt(beta) x standard deviation", NULL},
    {"failed", KNOB_OPT_ENUM, offsetof(bo, failed), "worst", 0, 0,
     "failed trials count as: worst (the worst value seen, so their region is avoided; not "
     "those whose worker was lost) or ignore",
     failed_modes},
    {"pending", KNOB_OPT_ENUM, offsetof(bo, pending), "believer", 0, 0,
     "running trials count as: believer (the model's mean), liar (the worst value) or "
     "ignore",
     pending_modes},
    {"n_candidates", KNOB_OPT_INT, offsetof(bo, n_candidates), "0", 0, 1 << 20,
     "Sobol points scored before the local search (0: 256 per param, 512 to 2048)", NULL},
    {"n_local_search", KNOB_OPT_INT, offsetof(bo, n_local_search), "8", 0, 1000,
     "best candidates refined by L-BFGS", NULL},
    {"fit_max_evals", KNOB_OPT_INT, offsetof(bo, fit_max_evals), "60", 0, 100000,
     "likelihood evaluations per kernel fit", NULL},
    {"max_observations", KNOB_OPT_INT, offsetof(bo, max_observations), "256", 10, 1e6,
     "the model's data at most: the best half and the most recent (an ask costs the square of it, "
     "a fit the cube)",
     NULL},
    {"cost", KNOB_OPT_STRING, offsetof(bo, cost), "", 0, 0,
     "cost-aware search: \"\" (cost-blind), \"duration\" (the trial's end minus start time), or "
     "the user attr holding each trial's cost; EI (EHVI with several objectives) per unit cost, "
     "the cost learned by its own model on its log and weighed down to nothing as the budget is "
     "spent (CArBO)",
     NULL},
    {"cost_budget", KNOB_OPT_DOUBLE, offsetof(bo, cost_budget), "0", 0, 1e300,
     "cost: the total the study will spend, over which the cost's weight cools from 1 to 0 "
     "(0: over the 9 x n_startup_trials trials after the startup)",
     NULL},
    {"warm_start_study", KNOB_OPT_STRING, offsetof(bo, ws_study), "", 0, 0,
     "a finished related study whose model (on the params both share) is this one's prior "
     "mean, scaled to this study's trials; the model starts after 2 trials",
     NULL},
    KNOB__WARM_STORAGE_OPTION(bo, ws_storage),
    KNOB__WARM_FIRST_OPTION(bo, ws_first),
    {"trust_region", KNOB_OPT_BOOL, offsetof(bo, trust_region), "false", 0, 0,
     "TuRBO-1 for many params: a local model in a box around the best trial that doubles "
     "after 3 successes, halves after max(4, params) failures, and restarts (n_startup_trials "
     "random trials) below 2^-7; expected improvement inside the box",
     NULL},
    {"min_noise", KNOB_OPT_DOUBLE, offsetof(bo, min_noise), "1e-10", 0, 1,
     "floor of the noise variance (the losses are standardized)", NULL},
    {"warp", KNOB_OPT_BOOL, offsetof(bo, warp), "true", 0, 0,
     "Yeo-Johnson warp of the losses, fitted to each history (false: standardize only)", NULL},
    {"reference_point", KNOB_OPT_STRING, offsetof(bo, ref_text), "", 0, 0,
     "several objectives: the hypervolume's reference point, a list of one value per objective "
     "such as [1.1, 11] (the worst value of each that still counts: a limit such as 50 MB); log "
     "EHVI counts improvement below it only. \"\": 1.1 x the worst value observed (Optuna's)",
     NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_gp = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "gp",
    .help = "Bayesian optimization with a Gaussian process (Matern 5/2, one length scale per "
            "param) and log expected improvement or UCB (log expected hypervolume improvement with "
            "two or three objectives); running trials as fantasies. "
            "Options: n_startup_trials, startup, acquisition, beta, failed, pending, n_candidates, "
            "n_local_search, fit_max_evals, max_observations, cost, cost_budget, warm_start_study, "
            "warm_start_storage, warm_start_first, trust_region, min_noise, warp, reference_point, "
            "seed.",
    .state_size = sizeof(bo),
    .options = options,
    .init = init,
    .fini = fini,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
};
