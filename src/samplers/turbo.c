/* TuRBO-1 for gp's option trust_region (see turbo.h). */
#include "samplers/turbo.h"
#include "internal.h"
#include "math/scale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 128 /* candidates predicted at once */

knob__turbo_rules knob__turbo_default_rules(int d, int n_init)
{
    return (knob__turbo_rules){.length_init = 0.8,
                               .length_min = 0.0078125,
                               .length_max = 1.6,
                               .succ_tol = 3,
                               .fail_tol = d > 4 ? d : 4,
                               .n_init = n_init > 1 ? n_init : 1};
}

void knob__turbo_replay(const knob__turbo_rules *r, const double *y, size_t n,
                        knob__turbo_state *st)
{
    *st = (knob__turbo_state){.length = r->length_init, .init = true};
    for (size_t i = 0; i < n; i++) {
        if (i == st->start) {
            st->best = i;
            continue;
        }
        double b = y[st->best];
        if (i - st->start >= (size_t)r->n_init) {
            if (y[i] < b - 1e-3 * fabs(b)) {
                st->succ++;
                st->fail = 0;
            } else {
                st->fail++;
                st->succ = 0;
            }
            if (st->succ == r->succ_tol) {
                st->length = fmin(2 * st->length, r->length_max);
                st->succ = 0;
            } else if (st->fail == r->fail_tol) {
                st->length /= 2;
                st->fail = 0;
            }
        }
        if (y[i] < b)
            st->best = i;
        if (st->length < r->length_min) {
            st->restarts++;
            st->start = i + 1;
            st->length = r->length_init;
            st->succ = st->fail = 0;
        }
    }
    st->init = n - st->start < (size_t)r->n_init;
}

void knob__turbo_box(const double *center, const double *theta, double length, int d, double *lo,
                     double *hi)
{
    double logmean = 0;
    for (int k = 0; k < d; k++)
        logmean += -0.5 * theta[k] / d;
    for (int k = 0; k < d; k++) {
        double w = exp(-0.5 * theta[k] - logmean);
        lo[k] = fmax(center[k] - w * length / 2, 0);
        hi[k] = fmin(center[k] + w * length / 2, 1);
    }
}

void knob__turbo_free(knob__turbo *tu)
{
    knob__gp_free(&tu->gp);
    free(tu->buf);
    tu->buf = NULL;
    tu->cap = 0;
}

/* The completed trials with every dimension, as rows of the cube and losses; an infinite
 * loss as the worst finite one (+inf) or the best (-inf), as the global model has them. */
static size_t rows(const knob__dim *dims, int d, const knob_trial_info *const *tr, size_t n,
                   double sign, double *X, double *y)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = tr[i];
        if (t->state != KNOB_TRIAL_COMPLETE || t->n_values < 1 || isnan(t->values[0]))
            continue;
        int k = 0;
        for (; k < d; k++) {
            const knob_param *q = knob_trial_info_param(t, dims[k].name);
            if (!q || q->dist != dims[k].dist)
                break;
            double u = knob__dim_to_unit(&dims[k], q->internal);
            X[m * (size_t)d + (size_t)k] = dims[k].cat ? u : fmin(fmax(u, 0), 1);
        }
        if (k == d)
            y[m++] = sign * t->values[0];
    }
    knob__clip_infinite(y, m, 1);
    return m;
}

static double expected_improvement(double best, double mean, double var)
{
    double s = sqrt(fmax(var, 0));
    if (!(s > 1e-12))
        return fmax(best - mean, 0);
    double z = (best - mean) / s;
    return s * (z * 0.5 * erfc(-z / M_SQRT2) + exp(-0.5 * z * z) / sqrt(2 * M_PI));
}

/* One candidate: the centre with coordinates redrawn in the box. */
static void candidate(const knob__dim *dims, int d, const double *center, const double *lo,
                      const double *hi, double prob, knob_rng *r, double *x)
{
    bool any = false;
    memcpy(x, center, (size_t)d * sizeof *x);
    for (int k = 0; k < d; k++) {
        if (knob_rng_uniform(r) >= prob)
            continue;
        any = true;
        double u = knob_rng_uniform(r);
        x[k] = dims[k].cat ? knob__dim_choice(&dims[k], u) : lo[k] + (hi[k] - lo[k]) * u;
    }
    if (!any) {
        int k = (int)knob_rng_below(r, (uint64_t)d);
        double u = knob_rng_uniform(r);
        x[k] = dims[k].cat ? knob__dim_choice(&dims[k], u) : lo[k] + (hi[k] - lo[k]) * u;
    }
    for (int k = 0; k < d; k++)
        if (!dims[k].cat)
            x[k] = knob__dim_round(&dims[k], x[k]);
}

/* Whether x repeats a completed trial (every coordinate within REPEAT_NEAR of its row), as
 * gp's "Repeats" rule has it: a deterministic objective there only tells its value again,
 * and the region, which such a trial does not improve, takes many of them to shrink past a
 * step of an int or stepped param. */
#define REPEAT_NEAR 1e-7

static bool repeats(const double *X, size_t m, int d, const double *x)
{
    for (size_t i = 0; i < m; i++) {
        int k = 0;
        while (k < d && fabs(X[i * (size_t)d + k] - x[k]) <= REPEAT_NEAR)
            k++;
        if (k == d)
            return true;
    }
    return false;
}

/* nc candidates in the box [lo, hi] about the centre, their EI under the region's model;
 * the best that repeats no trial into xbest, *top and *top_mean (kept when none beats
 * them). */
static void search(knob__turbo *tu, const knob__dim *dims, int d, const double *center,
                   const double *lo, const double *hi, double prob, int nc, const double *X,
                   size_t m, double best, knob_rng *r, double *cand, double *mean, double *var,
                   double *work, double *top, double *top_mean, double *xbest)
{
    for (int c0 = 0; c0 < nc; c0 += CHUNK) {
        int k = nc - c0 < CHUNK ? nc - c0 : CHUNK;
        for (int j = 0; j < k; j++)
            candidate(dims, d, center, lo, hi, prob, r, cand + (size_t)j * d);
        knob__gp_predict(&tu->gp, cand, k, mean, var, work);
        for (int j = 0; j < k; j++) {
            double e = expected_improvement(best, mean[j], var[j]);
            /* EI, then the lower mean where EI underflows to 0 everywhere */
            if ((e > *top || (e == *top && mean[j] < *top_mean)) &&
                !repeats(X, m, d, cand + (size_t)j * d)) {
                *top = e;
                *top_mean = mean[j];
                memcpy(xbest, cand + (size_t)j * d, (size_t)d * sizeof *xbest);
            }
        }
    }
}

int knob__turbo_suggest(knob__turbo *tu, const knob__dim *dims, int d,
                        const knob_trial_info *const *tr, size_t n, double sign, int n_init,
                        int n_candidates, int fit_max_evals, uint64_t seed, knob_trial *t)
{
    if (d < 1 || d > KNOB__GP_MAX_DIMS)
        return knob_set_error(KNOB_EINVAL, "gp: trust_region models 1 to %d params, not %d",
                              KNOB__GP_MAX_DIMS, d);
    size_t need = n * (size_t)(d + 2) + (size_t)CHUNK * (size_t)(d + 3) + (size_t)CHUNK * n +
                  4 * (size_t)d + 1;
    if (need > tu->cap) {
        double *b = realloc(tu->buf, need * sizeof *b);
        if (!b)
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp: trust region)");
        tu->buf = b;
        tu->cap = need;
    }
    double *X = tu->buf, *y = X + n * (size_t)d, *ys = y + n, *cand = ys + n,
           *mean = cand + (size_t)CHUNK * d, *var = mean + CHUNK, *ei = var + CHUNK,
           *work = ei + CHUNK, *lo = work + (size_t)CHUNK * n, *hi = lo + d, *x = hi + d,
           *xbest = x + d;
    size_t m = rows(dims, d, tr, n, sign, X, y);
    knob__turbo_rules rules = knob__turbo_default_rules(d, n_init);
    knob__turbo_replay(&rules, y, m, &tu->last);
    const knob__turbo_state *st = &tu->last;
    if (st->init)
        return KNOB_OK;
    /* the region's model, on standardized losses */
    size_t nl = m - st->start;
    const double *Xl = X + st->start * (size_t)d;
    double mu = 0, sd = 0, best = INFINITY;
    /* by a power of two first, so that losses of any magnitude standardize alike (exact) */
    memcpy(ys, y + st->start, nl * sizeof *ys);
    knob__scale_apply(ys, nl, 1, knob__scale_exponent(ys, nl, 1));
    for (size_t i = 0; i < nl; i++)
        mu += ys[i] / (double)nl;
    for (size_t i = 0; i < nl; i++)
        sd += (ys[i] - mu) * (ys[i] - mu) / (double)nl;
    sd = sd > 0 ? sqrt(sd) : 1;
    for (size_t i = 0; i < nl; i++) {
        ys[i] = (ys[i] - mu) / sd;
        best = fmin(best, ys[i]);
    }
    bool *cat = malloc((size_t)d * sizeof *cat); /* by d, not the limit: a thread's stack */
    if (!cat)
        return knob__oom("gp: trust region");
    for (int k = 0; k < d; k++)
        cat[k] = dims[k].cat;
    int rc = knob__gp_set_data(&tu->gp, Xl, ys, (int)nl, d, cat);
    free(cat);
    if (!rc && tu->start)
        tu->start(tu->start_ctx, &tu->gp);
    if (!rc)
        rc = knob__gp_fit(&tu->gp, fit_max_evals);
    if (rc)
        return rc == KNOB__MATH_ENOMEM
                   ? knob_set_error(KNOB_ENOMEM, "out of memory (gp: trust region)")
                   : knob_set_error(KNOB_EINVAL,
                                    "gp: the trust region's model could not be fitted to %zu "
                                    "trials of %d params",
                                    nl, d);
    const double *center = X + st->best * (size_t)d;
    knob_rng r;
    knob_rng_derive(&r, seed, knob_trial_number(t), "gp:turbo");
    /* The best candidate that repeats no trial. When every one does (a box narrower than the
     * steps of the params rounds every draw to a trial), the box doubles, up to the whole
     * space; the centre (a trial) when even that finds none. */
    double prob = fmin(1, 20.0 / d), top = -1, top_mean = INFINITY, length = st->length;
    int nc = n_candidates > 0 ? n_candidates : 1;
    memcpy(xbest, center, (size_t)d * sizeof *xbest);
    for (int round = 0; top < 0 && round < 12; round++, length *= 2) {
        if (round && length > 2 * rules.length_max)
            break;
        knob__turbo_box(center, tu->gp.theta, length, d, lo, hi);
        search(tu, dims, d, center, lo, hi, prob, nc, X, m, best, &r, cand, mean, var, work, &top,
               &top_mean, xbest);
    }
    for (int k = 0; !rc && k < d; k++)
        rc = knob_trial_propose(t, dims[k].name, dims[k].dist,
                                knob__dim_from_unit(&dims[k], xbest[k]));
    return rc;
}
