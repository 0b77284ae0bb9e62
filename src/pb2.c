/* PB2: the explore step of population-based training by a time-varying GP bandit
 * (Parker-Holder et al. 2020). A GP on (time, params) -> change of the metric over an
 * interval, with the time-varying squared-exponential kernel of Bogunovic et al. (2016);
 * the suggestion maximizes UCB at the next time over the params' unit cube: scrambled
 * Sobol candidates, then L-BFGS (NLopt) with the analytic gradient from the best of them,
 * as the gp sampler optimizes its acquisition. Intervals still running enter the variance
 * only (GP-BUCB), so members exploring at once do not all pick one point. */
#include "pb2.h"
#include "internal.h"
#include "math/chol.h"
#include "math/sobol.h"
#include "math/status.h"
#include "util/lazy.h"

#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#define PB2_MAX_OBS 128
#define PB2_CANDIDATES 512
#define PB2_STARTS 4

double knob__pb2_kernel(const knob__pb2_theta *th, double t, const double *x, double t2,
                        const double *x2, size_t d)
{
    double r2 = 0;
    for (size_t j = 0; j < d; j++)
        r2 += (x[j] - x2[j]) * (x[j] - x2[j]);
    double decay = pow(1 - th->epsilon, fabs(t - t2) / 2);
    return th->variance * exp(-r2 / (2 * th->length * th->length)) * decay;
}

/* K + noise I over the n points, factored into L; -1 when it cannot be (even with jitter). */
static int factor(const knob__pb2_theta *th, const double *time, const double *X, size_t n,
                  size_t d, double *L)
{
    for (double jitter = 1e-8; jitter < 1e-1; jitter *= 100) {
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k <= i; k++) {
                double v = knob__pb2_kernel(th, time[i], X + i * d, time[k], X + k * d, d);
                L[i * n + k] = L[k * n + i] = v + (i == k ? th->noise + jitter : 0);
            }
        if (knob__chol(L, n) == KNOB__MATH_OK)
            return 0;
    }
    return -1;
}

/* The model: data (standardized), its factor and alpha; the factor with the pending
 * points too, for the variance. */
typedef struct model {
    knob__pb2_theta th;
    size_t n, m, d; /* observations, observations + pending, dims */
    const double *time, *X;
    double *Tall, *Xall; /* m times, m x d: the observations, then the pending */
    double *L, *alpha, *Lall;
    double *k, *v, *dk; /* scratch: m, m, m x d */
    double kappa;
} model;

static double log_ml(const knob__pb2_theta *th, const double *time, const double *X,
                     const double *y, size_t n, size_t d, double *L, double *a)
{
    if (factor(th, time, X, n, d, L))
        return -HUGE_VAL;
    memcpy(a, y, n * sizeof *a);
    knob__chol_forward(L, n, a);
    double q = 0, logdet = 0;
    for (size_t i = 0; i < n; i++) {
        q += a[i] * a[i];
        logdet += log(L[i * n + i]);
    }
    return -0.5 * q - logdet - 0.5 * (double)n * log(2 * M_PI);
}

typedef struct fit_ctx {
    const double *time, *X, *y;
    size_t n, d;
    double *L, *a;
} fit_ctx;

static knob__pb2_theta unpack(const double *u)
{
    return (knob__pb2_theta){exp(u[0]), exp(u[1]), u[2], exp(u[3])};
}

static double fit_fn(unsigned nu, const double *u, double *grad, void *data)
{
    (void)nu;
    (void)grad;
    fit_ctx *c = data;
    knob__pb2_theta th = unpack(u);
    double v = log_ml(&th, c->time, c->X, c->y, c->n, c->d, c->L, c->a);
    return isfinite(v) ? v : -1e300;
}

double knob__pb2_fit(knob__pb2_theta *th, const double *time, const double *X, const double *y,
                     size_t n, size_t d)
{
    double *L = malloc(n * n * sizeof *L), *a = malloc(n * sizeof *a);
    if (!L || !a) {
        free(L);
        free(a);
        return -HUGE_VAL;
    }
    fit_ctx c = {time, X, y, n, d, L, a};
    double lo[4] = {log(0.01), log(0.01), 0, log(1e-6)};
    double hi[4] = {log(10), log(20), 0.5, log(2)};
    /* a few starts: the likelihood of a small population is often multimodal in length */
    static const double starts[3][4] = {
        {-1.2, 0, 0.1, -2.3}, {0, 0, 0.1, -2.3}, {-2.3, 0, 0.25, -4.6}};
    double best = -HUGE_VAL, bu[4] = {0};
    for (int s = 0; s < 3; s++) {
        double u[4];
        memcpy(u, starts[s], sizeof u);
        nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, 4);
        if (!opt)
            break;
        nlopt_set_max_objective(opt, fit_fn, &c);
        nlopt_set_lower_bounds(opt, lo);
        nlopt_set_upper_bounds(opt, hi);
        nlopt_set_maxeval(opt, 150);
        nlopt_set_xtol_rel(opt, 1e-4);
        double got = -HUGE_VAL;
        nlopt_result r = nlopt_optimize(opt, u, &got);
        nlopt_destroy(opt);
        if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
            continue;
        if (got > best) {
            best = got;
            memcpy(bu, u, sizeof bu);
        }
    }
    free(L);
    free(a);
    if (best > -1e300)
        *th = unpack(bu);
    return best > -1e300 ? best : -HUGE_VAL;
}

/* Posterior mean (from the observations) and variance (from observations and pending) at
 * (t, x), with their gradients over x when dmean is not NULL. */
static void predict(model *M, double t, const double *x, double *mean, double *var, double *dmean,
                    double *dvar)
{
    size_t n = M->n, m = M->m, d = M->d;
    double l2 = M->th.length * M->th.length;
    for (size_t i = 0; i < m; i++)
        M->k[i] = knob__pb2_kernel(&M->th, t, x, M->Tall[i], M->Xall + i * d, d);
    double mu = 0;
    for (size_t i = 0; i < n; i++)
        mu += M->k[i] * M->alpha[i];
    memcpy(M->v, M->k, m * sizeof *M->v);
    knob__chol_forward(M->Lall, m, M->v);
    double s = M->th.variance; /* k((t, x), (t, x)) */
    for (size_t i = 0; i < m; i++)
        s -= M->v[i] * M->v[i];
    *mean = mu;
    *var = s > 1e-12 ? s : 1e-12;
    if (!dmean)
        return;
    /* dk_i/dx = -k_i (x - x_i) / length^2; dvar = -2 k^T Kall^-1 dk */
    knob__chol_backward(M->Lall, m, M->v); /* now Kall^-1 k */
    for (size_t j = 0; j < d; j++) {
        double dm = 0, dv = 0;
        for (size_t i = 0; i < m; i++) {
            double dki = -M->k[i] * (x[j] - M->Xall[i * d + j]) / l2;
            if (i < n)
                dm += M->alpha[i] * dki;
            dv += M->v[i] * dki;
        }
        dmean[j] = dm;
        dvar[j] = s > 1e-12 ? -2 * dv : 0;
    }
}

typedef struct acq_ctx {
    model *M;
    double t;
    double *dm, *dv;
} acq_ctx;

static double ucb(model *M, double t, const double *x, double *grad, double *dm, double *dv)
{
    double mean, var;
    predict(M, t, x, &mean, &var, grad ? dm : NULL, grad ? dv : NULL);
    double sd = sqrt(var);
    if (grad)
        for (size_t j = 0; j < M->d; j++)
            grad[j] = dm[j] + M->kappa * dv[j] / (2 * sd);
    return mean + M->kappa * sd;
}

static double acq_fn(unsigned nu, const double *x, double *grad, void *data)
{
    (void)nu;
    acq_ctx *c = data;
    return ucb(c->M, c->t, x, grad, c->dm, c->dv);
}

int knob__pb2_posterior(const knob__pb2_theta *th, const double *time, const double *X,
                        const double *y, size_t n, size_t d, double t, const double *x,
                        double *mean, double *var)
{
    model M = {.th = *th, .n = n, .m = n, .d = d, .Tall = (double *)time, .Xall = (double *)X};
    M.L = malloc(n * n * sizeof *M.L);
    M.alpha = malloc(n * sizeof *M.alpha);
    M.k = malloc(n * sizeof *M.k);
    M.v = malloc(n * sizeof *M.v);
    int rc = -1;
    if (M.L && M.alpha && M.k && M.v && !factor(th, time, X, n, d, M.L)) {
        memcpy(M.alpha, y, n * sizeof *M.alpha);
        knob__chol_forward(M.L, n, M.alpha);
        knob__chol_backward(M.L, n, M.alpha);
        M.Lall = M.L;
        predict(&M, t, x, mean, var, NULL, NULL);
        rc = 0;
    }
    free(M.L);
    free(M.alpha);
    free(M.k);
    free(M.v);
    return rc;
}

/* ---------------------------------------------------------------- the entry point */

static int check(const knob_pb2_problem *p, double *out)
{
    if (!p || !out)
        return knob__error(KNOB_EINVAL, "knob_pb2_suggest: NULL problem or out");
    /* the candidates are Sobol points, of as many dimensions as its table has */
    if (p->d < 1 || p->d > knob__sobol_dims || p->d > KNOB_PB2_MAX_PARAMS)
        return knob__error(KNOB_EINVAL, "knob_pb2_suggest: d is %zu, expected 1 to %zu", p->d,
                           (size_t)knob__sobol_dims);
    if (!p->lower || !p->upper)
        return knob__error(KNOB_EINVAL, "knob_pb2_suggest: NULL lower or upper bounds");
    for (size_t j = 0; j < p->d; j++)
        if (!isfinite(p->lower[j]) || !isfinite(p->upper[j]) || !(p->lower[j] < p->upper[j]))
            return knob__error(KNOB_EINVAL,
                               "knob_pb2_suggest: param %zu: bounds [%g, %g] are not finite "
                               "with lower < upper",
                               j, p->lower[j], p->upper[j]);
    if (p->n && (!p->time || !p->x || !p->change))
        return knob__error(KNOB_EINVAL,
                           "knob_pb2_suggest: %zu observations but a NULL time, "
                           "x or change",
                           p->n);
    if (p->n_pending && (!p->pending_time || !p->pending_x))
        return knob__error(KNOB_EINVAL,
                           "knob_pb2_suggest: %zu pending intervals but a NULL pending_time "
                           "or pending_x",
                           p->n_pending);
    for (size_t i = 0; i < p->n + p->n_pending; i++) {
        bool pend = i >= p->n;
        size_t r = pend ? i - p->n : i;
        double t = pend ? p->pending_time[r] : p->time[r];
        const double *x = (pend ? p->pending_x : p->x) + r * p->d;
        const char *what = pend ? "pending interval" : "observation";
        if (!isfinite(t) || (!pend && !isfinite(p->change[r])))
            return knob__error(KNOB_EINVAL,
                               "knob_pb2_suggest: %s %zu: time or change is not finite", what, r);
        for (size_t j = 0; j < p->d; j++)
            if (!(x[j] >= p->lower[j] && x[j] <= p->upper[j]))
                return knob__error(KNOB_EINVAL,
                                   "knob_pb2_suggest: %s %zu: param %zu is %g, outside [%g, %g]",
                                   what, r, j, x[j], p->lower[j], p->upper[j]);
    }
    if (!isfinite(p->time_next))
        return knob__error(KNOB_EINVAL, "knob_pb2_suggest: time_next is not finite");
    return KNOB_OK;
}

static void free_model(model *M)
{
    free(M->Tall);
    free(M->Xall);
    free(M->L);
    free(M->alpha);
    free(M->Lall);
    free(M->k);
    free(M->v);
    free(M->dk);
}

/* A param's value on the unit interval of its bounds, and back. Bounds as wide as
 * [-DBL_MAX, DBL_MAX] are finite, but their width is not: every value became 0 (or NaN)
 * and every suggestion the upper bound; halves keep them finite. */
static double to_unit(double x, double lo, double hi)
{
    double w = hi - lo;
    return isfinite(w) ? (x - lo) / w : (x / 2 - lo / 2) / (hi / 2 - lo / 2);
}

static double from_unit(double u, double lo, double hi)
{
    double w = hi - lo;
    if (u <= 0 || u >= 1) /* a bound is itself: lo + (hi - lo) can round below hi */
        return u <= 0 ? lo : hi;
    return fmin(hi, fmax(lo, isfinite(w) ? lo + u * w : lo * (1 - u) + hi * u));
}

/* An observation's place in time: by time, then (ties) by index, later is newer. */
typedef struct stamp {
    double time;
    size_t i;
} stamp;

static int by_stamp(const void *a, const void *b)
{
    const stamp *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The 128 latest observations' indices (by time), in p's order, into idx; their count, or
 * (size_t)-1 when memory runs out. Sorted: counting, for each, the ones newer than it took
 * n^2 steps (1.8 s for 40,000 intervals, at every explore step of a long population). */
static size_t latest(const knob_pb2_problem *p, size_t *idx)
{
    if (p->n <= PB2_MAX_OBS) {
        for (size_t i = 0; i < p->n; i++)
            idx[i] = i;
        return p->n;
    }
    stamp *st = malloc(p->n * sizeof *st);
    if (!st)
        return (size_t)-1;
    for (size_t i = 0; i < p->n; i++)
        st[i] = (stamp){p->time[i], i};
    qsort(st, p->n, sizeof *st, by_stamp);
    for (size_t k = 0; k < PB2_MAX_OBS; k++)
        idx[k] = st[p->n - PB2_MAX_OBS + k].i;
    free(st);
    qsort(idx, PB2_MAX_OBS, sizeof *idx, by_index);
    return PB2_MAX_OBS;
}

static int build(const knob_pb2_problem *p, model *M)
{
    size_t d = p->d, *idx = malloc(p->n * sizeof *idx);
    if (!idx)
        return knob__oom("pb2 data");
    size_t n = latest(p, idx);
    if (n == (size_t)-1) {
        free(idx);
        return knob__oom("pb2 data");
    }
    size_t m = n + p->n_pending;
    M->n = n;
    M->m = m;
    M->d = d;
    M->Tall = malloc(m * sizeof *M->Tall);
    M->Xall = malloc(m * d * sizeof *M->Xall);
    M->L = malloc(n * n * sizeof *M->L);
    M->alpha = malloc(n * sizeof *M->alpha);
    M->Lall = malloc(m * m * sizeof *M->Lall);
    M->k = malloc(m * sizeof *M->k);
    M->v = malloc(m * sizeof *M->v);
    M->dk = malloc(2 * d * sizeof *M->dk);
    double *y = malloc(n * sizeof *y);
    if (!M->Tall || !M->Xall || !M->L || !M->alpha || !M->Lall || !M->k || !M->v || !M->dk || !y) {
        free(idx);
        free(y);
        return knob__oom("pb2 model");
    }
    for (size_t r = 0; r < m; r++) {
        bool pend = r >= n;
        size_t i = pend ? r - n : idx[r];
        const double *x = (pend ? p->pending_x : p->x) + i * d;
        M->Tall[r] = pend ? p->pending_time[i] : p->time[i];
        for (size_t j = 0; j < d; j++)
            M->Xall[r * d + j] = to_unit(x[j], p->lower[j], p->upper[j]);
    }
    /* standardized changes, from the changes over their largest magnitude: the sum of
     * changes near DBL_MAX overflows (the model was NaN and the suggestion garbage), and
     * the squares of tiny ones (1e-200) underflow to 0 (they looked constant) */
    double scale = 0, mu = 0, ss = 0;
    for (size_t r = 0; r < n; r++)
        scale = fmax(scale, fabs(p->change[idx[r]]));
    for (size_t r = 0; r < n; r++)
        mu += y[r] = scale > 0 ? p->change[idx[r]] / scale : 0;
    mu /= (double)n;
    for (size_t r = 0; r < n; r++)
        ss += (y[r] - mu) * (y[r] - mu);
    double sd = sqrt(ss / (double)n);
    for (size_t r = 0; r < n; r++)
        y[r] = sd > 0 ? (y[r] - mu) / sd : 0;
    free(idx);
    M->th = (knob__pb2_theta){0.3, 1, 0.1, 0.1};
    knob__pb2_fit(&M->th, M->Tall, M->Xall, y, n, d);
    int rc = KNOB_OK;
    if (factor(&M->th, M->Tall, M->Xall, n, d, M->L) ||
        factor(&M->th, M->Tall, M->Xall, m, d, M->Lall))
        rc = knob__error(KNOB_EINVAL,
                         "knob_pb2_suggest: the kernel matrix of %zu observations "
                         "cannot be factored",
                         n);
    if (!rc) {
        memcpy(M->alpha, y, n * sizeof *y);
        knob__chol_forward(M->L, n, M->alpha);
        knob__chol_backward(M->L, n, M->alpha);
        M->kappa = sqrt(0.2 + fmax(0, log(0.4 * (double)n)));
    }
    free(y);
    return rc;
}

int knob_pb2_suggest(const knob_pb2_problem *p, double *out)
{
    int rc = check(p, out);
    if (rc)
        return rc;
    size_t d = p->d;
    uint64_t seed = p->seed;
    if (p->n < 2) { /* no model yet: a uniform draw */
        knob_rng rng;
        knob_rng_seed(&rng, seed);
        for (size_t j = 0; j < d; j++)
            out[j] = from_unit(knob_rng_uniform(&rng), p->lower[j], p->upper[j]);
        return KNOB_OK;
    }
    if ((rc = knob__needs("pb2", knobx_lazy_nlopt()))) /* opened when first needed */
        return rc;
    model M = {0};
    rc = build(p, &M);
    double *cand = malloc(PB2_CANDIDATES * d * sizeof *cand);
    double *val = malloc(PB2_CANDIDATES * sizeof *val);
    uint32_t(*dirs)[32] = malloc(d * sizeof *dirs);
    /* best, lo, hi and x: d each, sized by the problem (they were 64 on the stack) */
    double *best = malloc(4 * d * sizeof *best), best_value = -HUGE_VAL;
    double *lo = best ? best + d : NULL, *hi = lo ? lo + d : NULL, *x = hi ? hi + d : NULL;
    if (!rc && (!cand || !val || !dirs || !best))
        rc = knob__oom("pb2 candidates");
    if (!rc) {
        for (size_t j = 0; j < d; j++)
            knob__sobol_directions((unsigned)j, dirs[j]);
        /* Sobol points, then the observed params (a good member's params are often best) */
        size_t n_obs = M.n < PB2_CANDIDATES / 4 ? M.n : PB2_CANDIDATES / 4;
        size_t first_obs = PB2_CANDIDATES - n_obs;
        for (size_t c = 0; c < PB2_CANDIDATES; c++) {
            double *xc = cand + c * d;
            for (size_t j = 0; j < d; j++)
                xc[j] = c >= first_obs ? M.Xall[(M.n - n_obs + c - first_obs) * d + j]
                                       : knob__sobol_scrambled(dirs[j], (unsigned)j, c + 1, seed);
            val[c] = ucb(&M, p->time_next, xc, NULL, NULL, NULL);
        }
        memcpy(best, cand, d * sizeof *best); /* were no bound finite */
        acq_ctx ac = {&M, p->time_next, M.dk, M.dk + d};
        for (size_t j = 0; j < d; j++)
            lo[j] = 0, hi[j] = 1;
        for (int s = 0; s < PB2_STARTS; s++) {
            size_t at = 0; /* the best candidate not yet started from */
            for (size_t c = 1; c < PB2_CANDIDATES; c++)
                if (val[c] > val[at])
                    at = c;
            if (!(val[at] > -HUGE_VAL))
                break;
            double got = val[at];
            memcpy(x, cand + at * d, d * sizeof *x);
            val[at] = -HUGE_VAL;
            nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)d);
            if (opt) {
                nlopt_set_max_objective(opt, acq_fn, &ac);
                nlopt_set_lower_bounds(opt, lo);
                nlopt_set_upper_bounds(opt, hi);
                nlopt_set_maxeval(opt, 100);
                nlopt_set_ftol_rel(opt, 1e-9);
                double start = got;
                if (nlopt_optimize(opt, x, &got) < 0 || !(got >= start)) {
                    memcpy(x, cand + at * d, d * sizeof *x);
                    got = start;
                }
                nlopt_destroy(opt);
            }
            if (got > best_value) {
                best_value = got;
                memcpy(best, x, d * sizeof *x);
            }
        }
        for (size_t j = 0; j < d; j++) {
            double u = fmin(1, fmax(0, best[j]));
            out[j] = from_unit(u, p->lower[j], p->upper[j]);
        }
    }
    free(cand);
    free(val);
    free(dirs);
    free(best);
    free_model(&M);
    return rc;
}
