/* The gp sampler's warm start (samplers/gp_internal.h): a finished related study's model,
 * on the params both share, as this study's prior mean, scaled to this study's trials (and,
 * with warm_start_shift, moved to them), or with warm_start_task the source's trials, so
 * scaled, in the model itself under a two-task kernel (math/gp.h); and
 * the source's best configurations for the first trials (samplers/warm_start.h). */
#include "samplers/gp_internal.h"

#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool knob__bo_task_on(const bo *p)
{
    return p->ws_on && p->ws_task && p->ns == p->n_dims;
}

/* The source's scaled mean a x its model's mean at x - shift + b at m rows of x (0 without
 * a warm start), with a (d-vector) gradient at one row when grad is not NULL, and its
 * model's variance there (unscaled) when var_out is not NULL. The point in the source
 * model's dimensions and its gradients in p->ws_work. */
static void source_mean(const bo *p, const double *x, int m, double *out, double *grad,
                        double *var_out, double *work)
{
    if (grad)
        memset(grad, 0, (size_t)p->n_dims * sizeof *grad);
    if (!p->ws_on) {
        for (int i = 0; i < m; i++) {
            out[i] = 0;
            if (var_out)
                var_out[i] = 0;
        }
        return;
    }
    double *z = p->ws_work, *dm = z + p->ns, *dv = dm + p->ns;
    for (int i = 0; i < m; i++) {
        double mean, var;
        for (int k = 0; k < p->ns; k++)
            z[k] = x[(size_t)i * p->n_dims + p->s_dims[k]] - p->ws_shift[k];
        if (grad) {
            knob__gp_predict_grad(&p->sgp, z, &mean, &var, dm, dv, work);
            for (int k = 0; k < p->ns; k++)
                grad[p->s_dims[k]] = p->ws_a * dm[k];
        } else {
            knob__gp_predict(&p->sgp, z, 1, &mean, &var, work);
        }
        out[i] = p->ws_a * mean + p->ws_b;
        if (var_out)
            var_out[i] = var;
    }
}

/* The prior mean: the source's scaled mean, or 0 when the source's trials are in the model
 * itself (knob__bo_task_on). */
void knob__bo_prior_mean(const bo *p, const double *x, int m, double *out, double *grad,
                         double *work)
{
    if (!knob__bo_task_on(p)) {
        source_mean(p, x, m, out, grad, NULL, work);
        return;
    }
    if (grad)
        memset(grad, 0, (size_t)p->n_dims * sizeof *grad);
    for (int i = 0; i < m; i++)
        out[i] = 0;
}

int knob__bo_set_model_data(bo *p, const double *X, const double *y, int n, const bool *cat)
{
    if (!knob__bo_task_on(p))
        return knob__gp_set_data(&p->gp, X, y, n, p->n_dims, cat);
    int d = p->n_dims, ns = p->sgp.n;
    double *R = malloc(((size_t)(ns + n) * (size_t)(d + 1) + 1) * sizeof *R), *v;
    if (!R)
        return KNOB__MATH_ENOMEM;
    v = R + (size_t)(ns + n) * d;
    for (int i = 0; i < ns; i++) {
        for (int k = 0; k < p->ns; k++)
            R[(size_t)i * d + p->s_dims[k]] = p->sgp.X[(size_t)i * p->ns + k] + p->ws_shift[k];
        v[i] = p->ws_a * p->sgp.y[i] + p->ws_b;
    }
    memcpy(R + (size_t)ns * d, X, (size_t)n * (size_t)d * sizeof *R);
    memcpy(v + ns, y, (size_t)n * sizeof *v);
    p->gp.task = true;
    p->gp.n_src = ns;
    int rc = knob__gp_set_data(&p->gp, R, v, ns + n, d, cat);
    free(R);
    return rc;
}

/* The prior mean's input shift (option warm_start_shift): the source's function moved by
 * delta in the unit cube, for a related task whose optimum moved. delta minimizes the
 * squared error of the own standardized losses against a x the source's mean at x - delta
 * + b (a >= 0 and b at their least-squares values for that delta) plus a Gaussian prior
 * delta_k ~ N(0, WS_SHIFT_SD^2), which keeps delta near 0 until the own trials say
 * otherwise; by L-BFGS within +-WS_SHIFT_MAX from three starts: 0, the last ask's delta,
 * and the move that puts the source's best trial onto this study's. Categorical dimensions
 * do not move. From WS_SHIFT_PER_DIM own trials per shared dimension (0 before). */
#define WS_SHIFT_SD 0.1
#define WS_SHIFT_MAX 0.5
#define WS_SHIFT_PER_DIM 2

typedef struct {
    const bo *p;
    const data *D;
    double *work;
    int *free, n_free;      /* ns: the shared dimensions that move */
    double *m, *g;          /* n source means at x - delta, n x ns of their gradients */
    double *delta, *z, *dv; /* ns each: the shift, a point of the source's, its variance's
                               gradient */
} shift_ctx;

static double shift_fn(unsigned nf, const double *u, double *grad, void *cv)
{
    shift_ctx *c = cv;
    const bo *p = c->p;
    int n = c->D->n, ns = p->ns;
    double *delta = c->delta, *z = c->z, *dv = c->dv, mx = 0, my = 0, sxx = 0, sxy = 0, v = 0;
    memset(delta, 0, (size_t)ns * sizeof *delta);
    for (unsigned j = 0; j < nf; j++)
        delta[c->free[j]] = u[j];
    for (int i = 0; i < n; i++) {
        double var;
        for (int k = 0; k < ns; k++)
            z[k] = c->D->X[(size_t)i * p->n_dims + p->s_dims[k]] - delta[k];
        knob__gp_predict_grad(&p->sgp, z, &c->m[i], &var, c->g + (size_t)i * ns, dv, c->work);
        mx += c->m[i] / n;
        my += c->D->y[i] / n;
    }
    for (int i = 0; i < n; i++) {
        sxx += (c->m[i] - mx) * (c->m[i] - mx);
        sxy += (c->m[i] - mx) * (c->D->y[i] - my);
    }
    double a = sxx > 0 ? fmax(sxy / sxx, 0) : 0, b = my - a * mx, prior = 0;
    for (unsigned j = 0; grad && j < nf; j++)
        grad[j] = u[j] / (WS_SHIFT_SD * WS_SHIFT_SD);
    for (int i = 0; i < n; i++) {
        double r = c->D->y[i] - a * c->m[i] - b;
        v += r * r;
        /* d r / d delta = a x the source mean's gradient at x - delta (a and b are at their
         * least-squares values, so their own derivatives drop out) */
        for (unsigned j = 0; grad && j < nf; j++)
            grad[j] += 2 * r * a * c->g[(size_t)i * ns + c->free[j]];
    }
    for (unsigned j = 0; j < nf; j++)
        prior += u[j] * u[j] / (2 * WS_SHIFT_SD * WS_SHIFT_SD);
    v += prior;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, nf * sizeof *grad);
        return 1e300;
    }
    return v;
}

/* A bounded L-BFGS minimizer of f over [lo, hi]: at most maxeval evaluations, relative
 * tolerance ftol on f and (when xtol > 0) absolute tolerance xtol on the point. NULL
 * without memory. */
static nlopt_opt lbfgs(unsigned n, nlopt_func f, void *arg, const double *lo, const double *hi,
                       int maxeval, double ftol, double xtol)
{
    nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, n);
    if (!opt)
        return NULL;
    nlopt_set_min_objective(opt, f, arg);
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_maxeval(opt, maxeval);
    nlopt_set_ftol_rel(opt, ftol);
    if (xtol > 0)
        nlopt_set_xtol_abs1(opt, xtol);
    return opt;
}

/* Fits p->ws_shift to the own trials D (0 with the option off or too few trials). work: 3
 * x the source's rows. KNOB_OK or KNOB_ENOMEM. */
static int fit_shift(bo *p, const data *D, double *work)
{
    shift_ctx c = {.p = p, .D = D, .work = work};
    int ns = p->ns, n_free = 0;
    for (int k = 0; k < ns; k++)
        n_free += !p->dims[p->s_dims[k]].cat;
    if (!p->ws_shift_on || n_free == 0 || D->n < WS_SHIFT_PER_DIM * ns) {
        memset(p->ws_shift, 0, sizeof p->ws_shift);
        return KNOB_OK;
    }
    /* the means and gradients at the rows; ns each: the last shift, the search's bounds, best
     * and point, and shift_fn's arrays */
    size_t at = (size_t)D->n * (size_t)(ns + 1);
    c.m = malloc((at + 8 * (size_t)ns) * sizeof *c.m);
    c.free = malloc((size_t)ns * sizeof *c.free);
    if (!c.m || !c.free) {
        free(c.m);
        free(c.free);
        memset(p->ws_shift, 0, sizeof p->ws_shift);
        return knob__oom("gp: warm_start_shift");
    }
    c.g = c.m + D->n;
    double *last = c.m + at, *lo = last + ns, *hi = lo + ns, *best = hi + ns, *u = best + ns;
    c.delta = u + ns;
    c.z = c.delta + ns;
    c.dv = c.z + ns;
    for (int k = 0; k < ns; k++)
        if (!p->dims[p->s_dims[k]].cat)
            c.free[c.n_free++] = k;
    memcpy(last, p->ws_shift, (size_t)ns * sizeof *last);
    memset(p->ws_shift, 0, sizeof p->ws_shift);
    unsigned nf = (unsigned)c.n_free;
    for (unsigned j = 0; j < nf; j++) {
        best[j] = 0;
        lo[j] = -WS_SHIFT_MAX;
        hi[j] = WS_SHIFT_MAX;
    }
    double vbest = shift_fn(nf, best, NULL, &c);
    int ob = 0; /* this study's best trial */
    for (int i = 1; i < D->n; i++)
        if (D->y[i] < D->y[ob])
            ob = i;
    nlopt_opt opt = lbfgs(nf, shift_fn, &c, lo, hi, 100, 1e-8, 0);
    for (int start = 0; opt && start < 3; start++) {
        double got = HUGE_VAL;
        for (unsigned j = 0; j < nf; j++) {
            int k = c.free[j];
            double move = D->X[(size_t)ob * p->n_dims + p->s_dims[k]] - p->ws_sbest[k];
            u[j] = start == 0   ? 0
                   : start == 1 ? last[k]
                                : fmin(fmax(move, -WS_SHIFT_MAX), WS_SHIFT_MAX);
        }
        nlopt_result res = nlopt_optimize(opt, u, &got);
        if ((res > 0 || res == NLOPT_ROUNDOFF_LIMITED) && got < vbest) {
            vbest = got;
            memcpy(best, u, nf * sizeof *u);
        }
    }
    if (opt)
        nlopt_destroy(opt);
    for (unsigned j = 0; j < nf; j++)
        p->ws_shift[c.free[j]] = best[j];
    free(c.m);
    free(c.free);
    return KNOB_OK;
}

/* The source's weight (option warm_start_rank), as RGPE weighs the models of its ensemble
 * (Feurer, Letham and Bakshy 2018, ranking-weighted Gaussian process ensembles): the share
 * of RANK_DRAWS joint draws in which the source's model orders the pairs of this study's
 * losses with fewer mistakes than this study's own model does, each of the own model's
 * values drawn from its posterior with that trial left out (a model is not tested on what it
 * was fitted to). A source that misleads this study (another task, or a basin of the source
 * that is not this study's) loses the draws as this study's own trials arrive, and its mean
 * fades from the prior; a source whose errors are typically worse than nearly all of the own
 * model's (the median of its mistakes above the own model's RANK_DILUTE quantile) gets 0,
 * as RGPE's guard against weight dilution. From RANK_MIN_TRIALS own trials; 1 before, and
 * with warm_start_task (the source's trials are in the model itself). */
#define RANK_DRAWS 256
#define RANK_MIN_TRIALS 5
#define RANK_DILUTE 0.95

/* Pairs of y that f orders otherwise (ties in y count for nothing). */
static long misranked(const double *f, const double *y, int n)
{
    long bad = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            bad += y[i] != y[j] && ((f[i] < f[j]) != (y[i] < y[j]));
    return bad;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* src: the source's mean at D's rows (as source_mean gives it, before a and b). */
static double rank_weight(bo *p, const data *D, const double *src)
{
    int n = D->n, d = p->n_dims;
    if (!p->ws_rank_on || n < RANK_MIN_TRIALS || knob__bo_task_on(p))
        return 1;
    const bool *cat = p->cat;
    double *buf = malloc(((size_t)n * (size_t)n + 5 * (size_t)n + (size_t)p->sgp.n) * sizeof *buf);
    long *ls = malloc(2 * RANK_DRAWS * sizeof *ls), *lt = ls + RANK_DRAWS;
    p->rgp.min_noise = p->min_noise;
    /* no memory, or no model of this study's own: the source's mean as without the option */
    bool set = buf && ls && !knob__gp_set_data(&p->rgp, D->X, D->y, n, d, cat);
    if (set)
        knob__bo_fit_start(p, &p->rgp, "rank");
    if (!set || knob__gp_fit(&p->rgp, (int)p->fit_max_evals)) {
        free(buf);
        free(ls);
        return 1;
    }
    double *lm = buf, *lv = lm + n, *sv = lv + n, *fs = sv + n, *ft = fs + n, *w = ft + n;
    knob__gp_loo(&p->rgp, lm, lv, w);
    /* the source's posterior variance at the rows, in its own units as src (the mean into
     * ft, overwritten below) */
    source_mean(p, D->X, n, ft, NULL, sv, w);
    knob_rng r;
    knob_rng_derive(&r, p->ws_seed, p->ws_self, "warm_start_rank");
    double won = 0;
    for (int s = 0; s < RANK_DRAWS; s++) {
        for (int i = 0; i < n; i++) {
            fs[i] = src[i] + sqrt(sv[i]) * knob_rng_normal(&r);
            ft[i] = lm[i] + sqrt(lv[i]) * knob_rng_normal(&r);
        }
        ls[s] = misranked(fs, D->y, n);
        lt[s] = misranked(ft, D->y, n);
        won += ls[s] < lt[s] ? 1 : ls[s] == lt[s] ? 0.5 : 0;
    }
    qsort(ls, RANK_DRAWS, sizeof *ls, cmp_long);
    qsort(lt, RANK_DRAWS, sizeof *lt, cmp_long);
    bool diluted = ls[RANK_DRAWS / 2] > lt[(int)(RANK_DILUTE * (RANK_DRAWS - 1))];
    free(buf);
    free(ls);
    return diluted ? 0 : won / RANK_DRAWS;
}

/* The prior mean's scale: own standardized losses against the source's standardized mean
 * at their rows, by least squares with the slope shrunk towards 1 (at least 0; slope 1 and
 * offset 0 while own trials are too few to say). The residuals into resid. */
#define WS_PRIOR_POINTS 5.0

int knob__bo_fit_prior_scale(bo *p, const data *D, double *resid, double *work)
{
    int n = D->n;
    p->ws_a = 1;
    p->ws_b = 0;
    p->ws_w = 1;
    /* source_mean's arrays, for this ask's means of the source (this is the first) */
    if (knob__grow(&p->ws_work, &p->cap_ws_work, 3 * (size_t)p->ns + 1, sizeof *p->ws_work))
        return knob__oom("gp: the warm start's prior mean");
    if (fit_shift(p, D, work))
        return KNOB_ENOMEM;
    source_mean(p, D->X, n, resid, NULL, NULL, work); /* the source's mean itself, a = 1, b = 0 */
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
        p->ws_w = rank_weight(p, D, resid);
        p->ws_a *= p->ws_w;
        p->ws_b = my - p->ws_a * mx;
    }
    for (int i = 0; i < n; i++)
        resid[i] = D->y[i] - (p->ws_a * resid[i] + p->ws_b);
    return KNOB_OK;
}

/* Keeps the source trials that have every shared param, each fitting this study's
 * distribution (knob__warm_fits); *missing counts those without one, *skipped those with one
 * that does not fit, *param names the param that left out the first of them (NULL: none). */
static size_t fitting(const bo *p, knob__warm_trial *w, size_t nt, size_t *skipped, size_t *missing,
                      const char **param)
{
    size_t m = 0;
    *param = NULL;
    *skipped = *missing = 0;
    for (size_t i = 0; i < nt; i++) {
        bool has = true, fits = true;
        for (int j = 0; j < p->ns && has && fits; j++) {
            const knob__dim *dim = &p->dims[p->s_dims[j]];
            const knob_param *q = knob_trial_info_param(w[i].trial, dim->name);
            has = q != NULL;
            fits = has && knob__warm_fits(q, dim->dist);
            if (!fits && !*param)
                *param = dim->name;
        }
        *missing += !has;
        *skipped += has && !fits;
        if (fits)
            w[m++] = w[i];
    }
    return m;
}

/* The source's completed trials as rows of the shared dimensions (this space's params that
 * at least half of them carry), their losses warped and standardized as this study's, and
 * its model, fitted once. Trials without a shared param (a conditional one, an enqueued
 * trial without it), or whose shared params do not fit this study's distributions (another
 * kind, other choices, a value outside the range), are left out, and said
 * (knob__warm_say_skipped), as in cmaes's warm start, rather than the param left out of the
 * model for every trial, without a word, because one trial lacks it. A param fewer than half
 * carry is not modelled (its trials would be too few). A source none of whose trials has a
 * param of this space (knob__warm_say_unshared), or whose params of this space are each in
 * fewer than half of its trials (knob__warm_say_sparse), leaves a cold start, said: from C
 * and Python it was silent. */
static int source_model(bo *p, knob_study *s, knob_study *src)
{
    knob__warm_trial *w;
    size_t nt, skipped = 0, missing = 0, all;
    int rc = knob__warm_trials(src, false, &w, &nt);
    if (rc)
        return rc;
    if (nt == 0) { /* p->ns is 0: a cold start, said */
        p->ns = 0;
        return knob__warm_say_empty(s, "gp", p->ws_study, knob__warm_n_trials(src));
    }
    int d = p->n_dims;
    bool any = false; /* a source trial with a param of this space */
    size_t most = 0;  /* the most source trials with one param of this space */
    const char *first = NULL;
    p->ns = 0;
    for (int k = 0; k < d && nt; k++) {
        size_t with = 0;
        for (size_t i = 0; i < nt; i++)
            with += knob_trial_info_param(w[i].trial, p->dims[k].name) != NULL;
        any |= with > 0;
        if (with > most)
            most = with, first = p->dims[k].name;
        if (2 * with >= nt && strlen(p->dims[k].name) < sizeof p->s_names[0]) {
            snprintf(p->s_names[p->ns], sizeof p->s_names[0], "%s", p->dims[k].name);
            p->s_dims[p->ns++] = k;
        }
    }
    all = nt;
    if (all && (!any || (p->ns == 0 && 2 * most < all))) { /* a cold start, said */
        rc = !any ? knob__warm_say_unshared(s, "gp", p->ws_study, all, "param", NULL)
                  : knob__warm_say_sparse(s, "gp", p->ws_study, all, most, first);
        free(w);
        return rc;
    }
    const char *param = NULL;
    nt = p->ns ? fitting(p, w, nt, &skipped, &missing, &param) : 0;
    /* one trial is no model (no scale, no length scales): a cold start, said */
    rc = nt == 1 ? knob__warm_say_too_few(s, "gp", p->ws_study, all, skipped, missing, param, 1, 2,
                                          p->ws_first)
                 : knob__warm_say_skipped(s, "gp", p->ws_study, all, 0, skipped, missing, param);
    if (rc || nt == 0) {
        p->ns = nt ? p->ns : 0;
        free(w);
        return rc;
    }
    double *X = malloc((nt * (size_t)(p->ns + 1) + 1) * sizeof *X), *y = X + nt * (size_t)p->ns;
    if (!X) {
        free(w);
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    }
    bool *cat = malloc((size_t)p->ns * sizeof *cat); /* the source model's kinds */
    if (!cat) {
        free(w);
        free(X);
        return knob__oom("gp: the warm start's model");
    }
    int n = 0;
    for (size_t i = 0; i < nt; i++) {
        for (int j = 0; j < p->ns; j++) {
            const knob__dim *dim = &p->dims[p->s_dims[j]];
            double v = 0; /* fitting: every shared param fits */
            knob__warm_value(knob_trial_info_param(w[i].trial, dim->name), dim->dist, &v);
            double u = knob__dim_to_unit(dim, v);
            u = dim->cat ? u : fmin(fmax(u, 0), 1);
            X[(size_t)n * p->ns + j] = u;
        }
        y[n++] = w[i].loss;
    }
    free(w);
    int ib = 0; /* the source's best trial, for fit_shift */
    for (int i = 1; i < n; i++)
        ib = y[i] < y[ib] ? i : ib;
    for (int j = 0; n && j < p->ns; j++)
        p->ws_sbest[j] = X[(size_t)ib * p->ns + j];
    for (int j = 0; j < p->ns; j++)
        cat[j] = p->dims[p->s_dims[j]].cat;
    p->ws_ylo = HUGE_VAL;
    p->ws_yhi = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        p->ws_ylo = fmin(p->ws_ylo, y[i]);
        p->ws_yhi = fmax(p->ws_yhi, y[i]);
    }
    data S = {.X = X, .y = y, .n = n};
    if (n > p->max_observations)
        rc = knob__bo_thin(X, y, NULL, NULL, 0, NULL, &S.n, p->ns, (int)p->max_observations);
    if (!rc && S.n >= 2) {
        knob__bo_standardize_by(p, &S, NULL, &p->ws_scale);
        p->sgp.min_noise = p->min_noise;
        rc = knob__gp_set_data(&p->sgp, X, y, S.n, p->ns, cat);
        if (!rc)
            rc = knob__gp_fit(&p->sgp, (int)p->fit_max_evals);
        if (rc)
            rc = knob__bo_failed(rc, S.n, p->ns);
        p->ws_on = !rc;
    }
    free(X);
    free(cat);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The source's scale for this study's losses (option warm_start_scale). The source's model
 * as prior mean is fitted to the source's losses warped and standardized by their own
 * scale; this study's first few losses, standardized by theirs, land elsewhere in the warp
 * (a moved optimum puts them in another part of the same function), and the prior's slope
 * and the residual model pay for the difference. One scale for both keeps the source's
 * mean and these losses comparable. A source whose losses have another range (another
 * scale, an opposite or unrelated task) would squeeze this study's low end, where the
 * refinement works: so only while the median of this study's losses lies within the
 * source's. */
const knob__bo_scale *knob__bo_warm_scale(const bo *p, const data *D)
{
    if (!p->ws_on || !p->ws_scale_on || D->n < 1)
        return NULL;
    double *v = malloc((size_t)D->n * sizeof *v);
    if (!v) /* no memory: their own scale, as in a cold run */
        return NULL;
    memcpy(v, D->y, (size_t)D->n * sizeof *v);
    qsort(v, (size_t)D->n, sizeof *v, cmp_double);
    double median = D->n % 2 ? v[D->n / 2] : (v[D->n / 2 - 1] + v[D->n / 2]) / 2;
    free(v);
    return median >= p->ws_ylo && median <= p->ws_yhi ? &p->ws_scale : NULL;
}

/* The source study (warm_start_study, from warm_start_storage or this study's storage)
 * and its model, once. A missing study is an error; one sharing no param, a cold start. */
int knob__bo_warm_start(bo *p, knob_study *s)
{
    knob_study *src = NULL;
    int rc = knob__warm_open(s, "gp", p->ws_study, p->ws_storage, &src);
    if (!rc)
        rc = source_model(p, s, src);
    knob_study_free(src);
    p->ws_loaded = !rc;
    return rc;
}

/* The source's best distinct configurations, once, for the first trials. */
int knob__bo_read_firsts(bo *p, knob_study *s)
{
    int rc = knob__warm_firsts_read(&p->ws_firsts, s, "gp", p->ws_study, p->ws_storage,
                                    (size_t)p->ws_first);
    p->ws_firsts_read = !rc;
    return rc;
}

/* ---------------------------------------------------------------- refinement */

/* One local minimization of the model's full mean (the prior mean plus the residual model)
 * over the continuous dimensions, in units of the length scales, inside a box of
 * REFINE_RADIUS length scales around the start. */
#define REFINE_RADIUS 1.0

typedef struct {
    const bo *p;
    double *x; /* the full point */
    /* n_dims long each, from one allocation of global_refine */
    int *free, n_free;
    double *scale;
    double *dm, *dv, *pg;       /* the gradients of the mean, the variance, the prior mean */
    double *u, *lo, *hi, *keep; /* a minimization's point, its bounds and its start */
    double *work;
} refine_ctx;

static double refine_fn(unsigned n, const double *u, double *grad, void *cv)
{
    refine_ctx *c = cv;
    const bo *p = c->p;
    for (unsigned i = 0; i < n; i++)
        c->x[c->free[i]] = u[i] / c->scale[i];
    double mean, var, *dm = c->dm, *dv = c->dv, pm, *pg = c->pg;
    knob__gp_predict_grad(&p->gp, c->x, &mean, &var, dm, dv, c->work);
    knob__bo_prior_mean(p, c->x, 1, &pm, pg, c->work);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] = (dm[c->free[i]] + pg[c->free[i]]) / c->scale[i];
    double v = mean + pm;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return 1e300;
    }
    return v;
}

/* The minimum of the full mean from x (updated in place); its value. */
static double refine_from(refine_ctx *c, double *x)
{
    int n = c->n_free;
    double *u = c->u, *lo = c->lo, *hi = c->hi, got = HUGE_VAL;
    c->x = x;
    for (int i = 0; i < n; i++) {
        c->scale[i] = sqrt(exp(c->p->gp.theta[c->free[i]]));
        u[i] = x[c->free[i]] * c->scale[i];
        lo[i] = fmax(u[i] - REFINE_RADIUS, 0);
        hi[i] = fmin(u[i] + REFINE_RADIUS, c->scale[i]);
    }
    double start = refine_fn((unsigned)n, u, NULL, c), *keep = c->keep;
    memcpy(keep, x, (size_t)c->p->n_dims * sizeof *keep);
    nlopt_opt opt = n ? lbfgs((unsigned)n, refine_fn, c, lo, hi, 200, 1e-12, 1e-10) : NULL;
    if (!opt)
        return start;
    nlopt_result res = nlopt_optimize(opt, u, &got);
    nlopt_destroy(opt);
    if (res > 0 && got < start) {
        for (int i = 0; i < n; i++)
            x[c->free[i]] = fmin(fmax(u[i] / c->scale[i], 0), 1);
        return got;
    }
    memcpy(x, keep, (size_t)c->p->n_dims * sizeof *keep);
    return start;
}

#define REFINE_SEEN_LOCAL 1e-12

/* The refinement can act: a warm run with the option on, best trials to start from. */
static bool refine_on(const bo *p, const data *D)
{
    return p->ws_on && p->ws_refine > 0 && D->n_top > 0 && D->n >= 3;
}

bool knob__bo_warm_refines(const bo *p, int64_t self, const data *D)
{
    return refine_on(p, D) && !D->stalled && !D->plateau && self % p->ws_refine == 0;
}

/* ---------------------------------------------------------------- the local model */

/* The refinement's local model (option warm_start_local = k): a GP of its own over the m =
 * max(k x params, LOCAL_MIN_ROWS) distinct observations nearest the best (in the global
 * model's length scales; categorical dimensions at the best's choices), their losses
 * standardized among themselves, its box the bounding box of those rows widened by
 * LOCAL_WIDEN of its side each way, mapped onto the unit cube. Near the optimum the global
 * model's length scales and noise floor are set by the whole space; the local model's by
 * the basin, so it resolves the last digits the global one blurs. It is used when the
 * global model's own refinement lands inside its box (the two agree on the region: the
 * basin is found) or has no point; a global step out of the box is taken as before. */
#define LOCAL_WIDEN 0.25
#define LOCAL_MIN_ROWS 10
#define LOCAL_MIN_SIDE 1e-9

typedef struct {
    const knob__gp *g;
    double *work;
    double *dm, *dv; /* the gradients of the mean and the variance (the model's dimensions) */
} local_ctx;

static int cmp_near(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static double local_fn(unsigned n, const double *u, double *grad, void *cv)
{
    local_ctx *c = cv;
    double mean, var, *dm = c->dm;
    knob__gp_predict_grad(c->g, u, &mean, &var, dm, c->dv, c->work);
    if (!isfinite(mean)) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return 1e300;
    }
    if (grad)
        memcpy(grad, dm, n * sizeof *grad);
    return mean;
}

/* The local model's minimum into x (a full row), when it predicts a gain over the best
 * observation and is not a point asked before; *got tells, and its box (continuous
 * dimensions) goes into blo, bhi. */
static int local_refine(bo *p, const data *D, double *x, bool *got, double *blo, double *bhi)
{
    int d = p->n_dims, n = D->n, n_all = D->n + D->n_extra;
    int m = (int)p->ws_local * d > LOCAL_MIN_ROWS ? (int)p->ws_local * d : LOCAL_MIN_ROWS;
    *got = false;
    if (m < 3 || n < m || D->n_top == 0)
        return KNOB_OK;
    const double *xb = D->X + (size_t)D->top[0] * d;
    int nf = 0;
    for (int k = 0; k < d; k++)
        nf += !p->dims[k].cat;
    if (nf == 0)
        return KNOB_OK;
    item *near = malloc((size_t)n * sizeof *near);
    int *ids = malloc((size_t)m * sizeof *ids);
    double *X = malloc(((size_t)m * (size_t)(nf + 2) + 3 * (size_t)m + 16) * sizeof *X);
    /* the local model's dimensions (nf each): which of the space's, their kinds (none
     * categorical), the box, the search's point and bounds, local_fn's gradients */
    int *fr = malloc((size_t)nf * sizeof *fr);
    bool *cat = calloc((size_t)nf, sizeof *cat);
    double *lo = malloc(7 * (size_t)nf * sizeof *lo);
    int rc = KNOB_OK;
    if (!near || !ids || !X)
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    else if (!fr || !cat || !lo)
        rc = knob__oom("gp: the warm start's local model");
    if (rc) {
        free(near);
        free(ids);
        free(X);
        free(fr);
        free(cat);
        free(lo);
        return rc;
    }
    nf = 0;
    for (int k = 0; k < d; k++)
        if (!p->dims[k].cat)
            fr[nf++] = k;
    double *hi = lo + nf, *u = hi + nf, *ulo = u + nf, *uhi = ulo + nf;
    double *y = X + (size_t)m * nf, *vals = y + m, *work = vals + m;
    int nn = 0;
    for (int i = 0; i < n; i++) {
        const double *r = D->X + (size_t)i * d;
        double s = 0;
        bool same = true;
        for (int k = 0; k < d; k++) {
            if (p->dims[k].cat)
                same = same && r[k] == xb[k];
            else
                s += (r[k] - xb[k]) * (r[k] - xb[k]) * exp(p->gp.theta[k]);
        }
        if (same)
            near[nn++] = (item){s, i};
    }
    qsort(near, (size_t)nn, sizeof *near, cmp_near);
    /* distinct rows only: a point asked again adds nothing and makes K singular */
    int k_rows = 0;
    for (int j = 0; j < nn && k_rows < m; j++) {
        const double *r = D->X + (size_t)near[j].i * d;
        bool dup = false;
        for (int q = 0; q < k_rows && !dup; q++) {
            const double *o = D->X + (size_t)ids[q] * d;
            int k = 0;
            while (k < d && fabs(o[k] - r[k]) <= REFINE_SEEN_LOCAL)
                k++;
            dup = k == d;
        }
        if (!dup)
            ids[k_rows++] = near[j].i;
    }
    if (k_rows >= m) {
        for (int j = 0; j < nf; j++) {
            lo[j] = HUGE_VAL;
            hi[j] = -HUGE_VAL;
        }
        for (int q = 0; q < k_rows; q++)
            for (int j = 0; j < nf; j++) {
                double v = D->X[(size_t)ids[q] * d + fr[j]];
                lo[j] = fmin(lo[j], v);
                hi[j] = fmax(hi[j], v);
            }
        for (int j = 0; j < nf; j++) {
            double side = fmax(hi[j] - lo[j], LOCAL_MIN_SIDE);
            lo[j] = fmax(lo[j] - LOCAL_WIDEN * side, 0);
            hi[j] = fmin(hi[j] + LOCAL_WIDEN * side, 1);
            if (hi[j] - lo[j] < LOCAL_MIN_SIDE)
                hi[j] = lo[j] + LOCAL_MIN_SIDE;
            blo[fr[j]] = lo[j];
            bhi[fr[j]] = hi[j];
        }
        double mean = 0, sd = 0, yb = 0;
        int ib = 0;
        for (int q = 0; q < k_rows; q++) {
            int i = ids[q];
            for (int j = 0; j < nf; j++)
                X[(size_t)q * nf + j] = (D->X[(size_t)i * d + fr[j]] - lo[j]) / (hi[j] - lo[j]);
            vals[q] = D->y[i];
            mean += vals[q] / k_rows;
            if (vals[q] < vals[ib])
                ib = q;
        }
        for (int q = 0; q < k_rows; q++)
            sd += (vals[q] - mean) * (vals[q] - mean) / k_rows;
        sd = sqrt(sd);
        for (int q = 0; q < k_rows; q++)
            y[q] = sd > 0 ? (vals[q] - mean) / sd : 0;
        yb = y[ib];
        p->lgp.min_noise = p->min_noise;
        bool set = sd > 0 && !knob__gp_set_data(&p->lgp, X, y, k_rows, nf, cat);
        if (set)
            knob__bo_fit_start(p, &p->lgp, "local");
        if (set && !knob__gp_fit(&p->lgp, (int)p->fit_max_evals)) {
            local_ctx c = {.g = &p->lgp, .work = work, .dm = uhi + nf, .dv = uhi + 2 * nf};
            double v = HUGE_VAL;
            for (int j = 0; j < nf; j++) {
                u[j] = X[(size_t)ib * nf + j];
                ulo[j] = 0;
                uhi[j] = 1;
            }
            nlopt_opt opt = lbfgs((unsigned)nf, local_fn, &c, ulo, uhi, 200, 1e-14, 1e-12);
            if (opt) {
                nlopt_result res = nlopt_optimize(opt, u, &v);
                nlopt_destroy(opt);
                if (res > 0 && v < yb) {
                    memcpy(x, xb, (size_t)d * sizeof *x);
                    for (int j = 0; j < nf; j++)
                        x[fr[j]] = fmin(fmax(lo[j] + u[j] * (hi[j] - lo[j]), 0), 1);
                    for (int k = 0; k < d; k++)
                        x[k] = knob__dim_round(&p->dims[k], x[k]);
                    *got = !knob__bo_asked(p, D->X, n_all, x);
                }
            }
        }
    }
    free(near);
    free(ids);
    free(X);
    free(fr);
    free(cat);
    free(lo);
    return rc;
}

static int global_refine(bo *p, const data *D, double *xbest, bool *refined);

int knob__bo_warm_refine(bo *p, const data *D, double *xbest, bool *refined)
{
    int rc = global_refine(p, D, xbest, refined);
    if (rc || p->ws_local <= 0)
        return rc;
    /* the local model's point and box, n_dims each */
    double *xl = malloc(3 * (size_t)p->n_dims * sizeof *xl);
    if (!xl)
        return knob__oom("gp: the warm start's refinement");
    double *blo = xl + p->n_dims, *bhi = blo + p->n_dims;
    bool got;
    if ((rc = local_refine(p, D, xl, &got, blo, bhi)) || !got) {
        free(xl);
        return rc;
    }
    bool inside = true;
    for (int k = 0; *refined && k < p->n_dims; k++)
        if (!p->dims[k].cat)
            inside = inside && xbest[k] >= blo[k] && xbest[k] <= bhi[k];
    if (inside) {
        memcpy(xbest, xl, (size_t)p->n_dims * sizeof *xl);
        *refined = true;
    }
    free(xl);
    return KNOB_OK;
}

static int global_refine(bo *p, const data *D, double *xbest, bool *refined)
{
    int d = p->n_dims, n_all = D->n + D->n_extra;
    *refined = false;
    double *work = malloc((3 * ((size_t)p->gp.n + (size_t)p->sgp.n) + 16) * sizeof *work);
    if (!work)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    /* refine_ctx's arrays and the start, n_dims each */
    size_t nd = (size_t)d;
    double *per_dim = malloc(9 * nd * sizeof *per_dim);
    int *free_dims = malloc(nd * sizeof *free_dims);
    if (!per_dim || !free_dims) {
        free(work);
        free(per_dim);
        free(free_dims);
        return knob__oom("gp: the warm start's refinement");
    }
    double *x = per_dim + 8 * nd;
    refine_ctx c = {.p = p,
                    .work = work,
                    .free = free_dims,
                    .scale = per_dim,
                    .dm = per_dim + nd,
                    .dv = per_dim + 2 * nd,
                    .pg = per_dim + 3 * nd,
                    .u = per_dim + 4 * nd,
                    .lo = per_dim + 5 * nd,
                    .hi = per_dim + 6 * nd,
                    .keep = per_dim + 7 * nd};
    for (int k = 0; k < d; k++)
        if (!p->dims[k].cat)
            c.free[c.n_free++] = k;
    double vbest = HUGE_VAL;
    for (int j = 0; j < D->n_top; j++) {
        memcpy(x, D->X + (size_t)D->top[j] * d, (size_t)d * sizeof *x);
        double v = refine_from(&c, x);
        for (int k = 0; k < d; k++)
            x[k] = knob__dim_round(&p->dims[k], x[k]);
        /* a point asked before tells a deterministic objective nothing new */
        if (v < vbest && v < D->best && !knob__bo_asked(p, D->X, n_all, x)) {
            vbest = v;
            memcpy(xbest, x, (size_t)d * sizeof *x);
            *refined = true;
        }
    }
    free(work);
    free(per_dim);
    free(free_dims);
    return KNOB_OK;
}

int knob__bo_warm_unseen(bo *p, const data *D, double *xbest, bool *replaced)
{
    *replaced = false;
    if (!refine_on(p, D))
        return KNOB_OK;
    double *x = malloc(((size_t)p->n_dims + 1) * sizeof *x);
    if (!x)
        return knob__oom("gp: the warm start's refinement");
    int rc = knob__bo_warm_refine(p, D, x, replaced);
    if (!rc && *replaced)
        memcpy(xbest, x, (size_t)p->n_dims * sizeof *x);
    free(x);
    return rc;
}

/* ---------------------------------------------------------------- the region */

/* The acquisition's region (option warm_start_region). A related task's optimum lies near
 * the source's, but the source's model as the prior mean says where the source's optimum
 * was, sharply: a target moved by 10% of each range was searched about the source's optimum,
 * in the param where the source is steepest, for 20 trials (Hartmann-6), and found its
 * basin as late as a cold run. The box keeps the acquisition's search near the source's best
 * (where the related optimum should be) and then near this study's best, so that it moves
 * with what this study finds there (a trust region of fixed size, TuRBO's without its
 * shrinking: the refinement, warm_start_refine and warm_start_local, does the last digits).
 * A source that points the wrong way costs a little: once a trial away from it is the best
 * (the startup's Sobol trials, say), the box moves there. */

/* Row x lies in the box centred on c with half side h (in its continuous dimensions that
 * `in` marks). */
static bool in_box(const bo *p, const double *x, const double *c, double h, const bool *in)
{
    for (int k = 0; k < p->n_dims; k++)
        if (in[k] && !p->dims[k].cat && fabs(x[k] - c[k]) > h)
            return false;
    return true;
}

int knob__bo_warm_box(bo *p, const data *D)
{
    int d = p->n_dims;
    double h = p->ws_region;
    p->ws_box_on = false;
    if (!p->ws_on || h <= 0 || D->n_top == 0)
        return KNOB_OK;
    /* the box's centre, and the params the source shares, n_dims each */
    double *c = malloc((size_t)d * sizeof *c);
    bool *shared = calloc((size_t)d, sizeof *shared);
    if (!c || !shared) {
        free(c);
        free(shared);
        return knob__oom("gp: warm_start_region");
    }
    for (int k = 0; k < d; k++)
        c[k] = 0.5;
    for (int j = 0; j < p->ns; j++) {
        c[p->s_dims[j]] = p->ws_sbest[j] + p->ws_shift[j];
        shared[p->s_dims[j]] = true;
    }
    bool inside = false;
    for (int i = 0; i < D->n && !inside; i++)
        inside = in_box(p, D->X + (size_t)i * d, c, h, shared);
    if (inside)
        memcpy(c, D->X + (size_t)D->top[0] * d, (size_t)d * sizeof *c);
    /* a param the source lacks spans its range until the box follows this study's best */
    for (int k = 0; k < d; k++) {
        bool whole = p->dims[k].cat || (!inside && !shared[k]);
        p->ws_lo[k] = whole ? 0 : fmax(c[k] - h, 0);
        p->ws_hi[k] = whole ? 1 : fmin(c[k] + h, 1);
    }
    p->ws_box_on = true;
    free(c);
    free(shared);
    return KNOB_OK;
}
