/* The gp sampler with two or three objectives (samplers/gp_internal.h): one model per
 * objective, log EHVI over a box decomposition of the feasible front's non-dominated region
 * (math/ehvi.h) below the reference point, maximized by gp_acq.c's search. */
#include "math/nondominated.h"
#include "math/pareto.h"
#include "math/scale.h"
#include "samplers/gp_internal.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Objective j's model. */
static knob__gp *objective_model(bo *p, int j)
{
    return j ? &p->mgp[j - 1] : &p->gp;
}

/* The default reference point's margin beyond the front's nadir, in units of the front's
 * range (knob__bo_mo_default_ref). */
#define MO_REF_MARGIN 0.02

/* log EHVI at m points (knob__ehvi_log of the objectives' posteriors), plus the log
 * probability of feasibility; 0 for the objectives while no trial is feasible. In chunks,
 * so that the posteriors fit on the stack. */
#define MO_CHUNK 64

void knob__bo_mo_batch(ctx *c, const double *x, int m, double *out)
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
    knob__bo_cost_batch(c, x, m, out);
    knob__bo_feasibility_batch(c, x, m, out);
}

/* The local search's objective with several objectives: log EHVI plus the log probability
 * of feasibility at the point, with the gradient over the free dimensions (units of the
 * length scales of objective 0's model). */
double knob__bo_mo_local_fn(unsigned n, const double *u, double *grad, void *cv)
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
            gsd[KNOB__EHVI_MAX_OBJ];
        size_t d = (size_t)p->n_dims;
        for (int j = 0; j < no; j++) {
            double var;
            knob__gp_predict_grad(objective_model(p, j), c->x, &mu[j], &var, c->dm + j * d,
                                  c->dv + j * d, c->work);
            sd[j] = sqrt(fmax(var, 1e-30));
        }
        v = knob__ehvi_log(&p->ehvi, mu, sd, grad ? gmu : NULL, grad ? gsd : NULL);
        if (grad)
            for (unsigned i = 0; i < n; i++)
                for (int j = 0; j < no; j++) /* d sd = d var / (2 sd) */
                    grad[i] += (gmu[j] * c->dm[j * d + c->free[i]] +
                                gsd[j] * c->dv[j * d + c->free[i]] / (2 * sd[j])) /
                               c->scale[i];
    }
    return knob__bo_local_value(c, n, v, grad);
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
        qsort(by, (size_t)n, sizeof *by, knob__bo_cmp_item_desc);
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

/* The completed trials as rows of the cube, their losses (each objective negated when
 * maximized) into *Y (n x n_obj, the caller's to free), and their constraints. An infinite
 * loss counts as the worst finite one of its objective (+inf) or the best (-inf), as with
 * one objective (knob__bo_observe). */
static int observe_mo(bo *p, const double *sign, const knob_trial_info *const *tr, size_t n_tr,
                      data *D, double **Y)
{
    int d = p->n_dims, nc = p->nc, no = p->n_obj;
    if (knob__bo_alloc_rows(p, n_tr, D))
        return KNOB_ENOMEM;
    if (!(*Y = malloc((n_tr + 1) * (size_t)no * sizeof **Y)))
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    D->X = p->buf;
    for (size_t i = 0; i < n_tr; i++) {
        const knob_trial_info *ti = tr[i];
        bool told = ti->state == KNOB_TRIAL_COMPLETE && ti->n_values >= (size_t)no;
        for (int j = 0; told && j < no; j++)
            told = !isnan(ti->values[j]);
        if (!told || !knob__bo_encode(p, ti, D->X + (size_t)D->n * d))
            continue;
        knob__bo_observe_extra(p, ti, D, nc);
        for (int j = 0; j < no; j++)
            (*Y)[(size_t)D->n * no + j] = sign[j] * ti->values[j];
        D->n++;
    }
    for (int j = 0; j < no; j++)
        knob__clip_infinite(*Y + j, (size_t)D->n, (size_t)no);
    for (int i = 0; i < D->n; i++)
        D->y[i] = (*Y)[(size_t)i * no];
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

double knob__bo_mo_default_ref(const double *F, const bool *front, int nf, int no, int j,
                               double worst)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    int on = 0;
    for (int i = 0; i < nf; i++)
        if (front[i]) {
            lo = fmin(lo, F[(size_t)i * no + j]);
            hi = fmax(hi, F[(size_t)i * no + j]);
            on++;
        }
    double optuna = nextafter(fmax(1.1 * worst, 0.9 * worst), HUGE_VAL);
    if (on < 2 || !(hi > lo))
        return optuna;
    return fmin(optuna, hi + MO_REF_MARGIN * (hi - lo));
}

/* Each objective warped and standardized as one objective is (knob__bo_standardize); then the
 * feasible front's non-dominated region below the reference point (the option
 * reference_point mapped by mo_map_ref, else knob__bo_mo_default_ref), and
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
        knob__bo_standardize(p, &one);
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
    size_t k = 0;
    if (nf && knob__nondominated_first(F, (size_t)nf, (size_t)no, front, &k))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp: %d points of the front)", nf);
    else if (nf) {
        for (int j = 0; j < no; j++)
            ref[j] = p->n_user_ref ? uref[j] : knob__bo_mo_default_ref(F, front, nf, no, j, ref[j]);
        rc = knob__ehvi_init(&p->ehvi, F, (size_t)nf, no, ref);
        if (rc == KNOB__MATH_EDIMS)
            rc = knob_set_error(KNOB_EUNSUPPORTED, "gp: %d objectives; at most %d", no,
                                KNOB__EHVI_MAX_OBJ);
        else if (rc)
            rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp: %d points of the front)", nf);
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

/* One model per objective, refit on the single objective's schedule (knob__bo_fit_model). */
static int mo_fit(bo *p, const data *D, const double *Y, const bool *cat)
{
    int n = D->n, no = p->n_obj, n_seen = D->n_seen, rc = KNOB_OK;
    double *col = malloc(((size_t)n + 1) * sizeof *col);
    if (!col)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    bool refit = true;
    for (int j = 0; j < no && !rc; j++) {
        knob__gp *g = objective_model(p, j);
        for (int i = 0; i < n; i++)
            col[i] = Y[(size_t)i * no + j];
        g->min_noise = p->min_noise;
        rc = knob__gp_set_data(g, D->X, col, n, p->n_dims, cat);
        char name[32];
        snprintf(name, sizeof name, j ? "o%d" : "objective", j);
        if (!rc)
            knob__bo_fit_start(p, g, name);
        if (j == 0) /* objective 0's model (gp) holds the schedule */
            refit = !g->fitted || n_seen < REFIT_ALWAYS || n_seen < p->n_fitted ||
                    n_seen >= p->n_fitted + p->n_fitted / 20;
        if (!rc)
            rc = refit || !g->fitted ? knob__gp_fit(g, (int)p->fit_max_evals) : knob__gp_factor(g);
        if (rc)
            rc = knob__bo_failed(rc, n, p->n_dims);
    }
    if (refit)
        p->n_fitted = n_seen;
    free(col);
    return rc;
}

/* Failed and running trials, as knob__bo_add_fantasies does for one objective: failed ones at
 * each objective's worst loss, running ones at each model's mean (believer) or the worst
 * (liar); every objective's model refactored with them. */
static int mo_fantasies(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                        const bool *cat, data *D, const double *Y)
{
    int d = p->n_dims, n = D->n, no = p->n_obj, n_fail = 0, n_pend = 0;
    double *X = D->X;
    knob__bo_encode_extra(p, tr, n_tr, self, X, n, &n_fail, &n_pend);
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
            rc = knob__bo_failed(rc, all, d);
    }
    D->n_extra = n_fail + n_pend;
    free(col);
    return rc;
}

/* ParEGO (Knowles 2006): each objective (warped and standardized, mo_standardize) scaled to
 * [0, 1] over the feasible observations, then scalarized by the augmented Chebyshev
 * function max_j w_j z_j + 0.05 sum_j w_j z_j of a weight vector drawn uniformly from the
 * simplex at each ask (from the seed and the trial number); one model of it (p->gp), log
 * EI, constraints and cost as for one objective. A product of objectives' models cannot
 * see a param that scales all objectives at once where some of them are near 0 (DTLZ2's
 * distance params at the front's corners); one scalarization sees it at every weight. */
static int mo_parego(bo *p, uint64_t seed, const knob_trial_info *const *tr, size_t n_tr,
                     int64_t self, const bool *cat, data *D, const double *Y, double *xbest)
{
    int n = D->n, no = p->n_obj;
    knob_rng r;
    knob_rng_derive(&r, seed, self, "gp:parego");
    double w[KNOB__EHVI_MAX_OBJ], lo[KNOB__EHVI_MAX_OBJ], hi[KNOB__EHVI_MAX_OBJ], sum = 0;
    for (int j = 0; j < no; j++) {
        w[j] = -log(1 - knob_rng_uniform(&r)); /* exponential draws, normalized: uniform */
        sum += w[j];
        lo[j] = HUGE_VAL;
        hi[j] = -HUGE_VAL;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < no && (!D->feas || D->feas[i]); j++) {
            lo[j] = fmin(lo[j], Y[(size_t)i * no + j]);
            hi[j] = fmax(hi[j], Y[(size_t)i * no + j]);
        }
    for (int i = 0; i < n; i++) {
        double mx = -HUGE_VAL, tot = 0;
        for (int j = 0; j < no; j++) {
            double z = hi[j] > lo[j] ? (Y[(size_t)i * no + j] - lo[j]) / (hi[j] - lo[j]) : 0;
            mx = fmax(mx, w[j] / sum * z);
            tot += w[j] / sum * z;
        }
        D->y[i] = mx + 0.05 * tot;
    }
    knob__bo_standardize(p, D);
    int rc = knob__bo_fit_model(p, D, cat);
    if (!rc)
        rc = knob__bo_fit_constraints(p, D, cat);
    if (!rc)
        rc = knob__bo_fit_cost(p, D, cat);
    if (!rc)
        rc = knob__bo_add_fantasies(p, tr, n_tr, self, cat, D);
    if (!rc) {
        p->n_obj = 1; /* knob__bo_maximize: log EI of the one model */
        rc = knob__bo_maximize(p, seed, self, D, xbest);
        p->n_obj = no;
    }
    return rc;
}

/* A suggestion for two or three objectives: one model per objective and per constraint,
 * log EHVI (math/ehvi.h) plus the log probability of feasibility, maximized as one
 * objective's acquisition is (knob__bo_maximize). */
int knob__bo_suggest_mo(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                        size_t n_tr)
{
    double sign[KNOB__EHVI_MAX_OBJ], *Y = NULL;
    for (int j = 0; j < p->n_obj; j++)
        sign[j] = knob_study_direction(s, (size_t)j) == KNOB_MAXIMIZE ? -1 : 1;
    int64_t self = knob_trial_number(t);
    const bool *cat = p->cat;
    data D = {0};
    double *xbest = malloc(((size_t)p->n_dims + 1) * sizeof *xbest);
    if (!xbest)
        return knob__oom("gp: the ask's point");
    int rc = observe_mo(p, sign, tr, n_tr, &D, &Y);
    if (!rc && D.n < 2)
        goto done; /* the rest lack a param of the space: independent draws */
    if (!rc)
        rc = mo_standardize(p, sign, &D, Y);
    if (!rc && p->parego) {
        rc = mo_parego(p, knob_sampler_seed(knob_study_sampler(s)), tr, n_tr, self, cat, &D, Y,
                       xbest);
        goto unrepeat;
    }
    if (!rc)
        rc = mo_fit(p, &D, Y, cat);
    if (!rc)
        rc = knob__bo_fit_constraints(p, &D, cat);
    if (!rc)
        rc = knob__bo_fit_cost(p, &D, cat);
    if (!rc)
        rc = mo_fantasies(p, tr, n_tr, self, cat, &D, Y);
    if (!rc)
        rc = knob__bo_maximize(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
unrepeat:
    /* A point asked before (within 1e-7: a flat objective's corners, an end of the front
     * asked again) tells nothing of a deterministic objective: a draw near a point of the
     * front instead, as one objective's repeat is a draw near its best (D.top[0]: the
     * front's point best in objective 0; ParEGO's, best in this ask's scalarization). */
    if (!rc)
        rc = knob__bo_unrepeat(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
    if (!rc)
        rc = knob__bo_propose(p, t, xbest);
done:
    knob__bo_data_free(&D);
    free(xbest);
    free(Y);
    return rc;
}

/* What several objectives do not combine with, in words. */
int knob__bo_mo_refused(const bo *p, knob_study *s)
{
    size_t no = knob_study_n_objectives(s);
    const char *what = no > 3            ? NULL
                       : p->ucb          ? "acquisition 'ucb' (several use log EHVI)"
                       : p->trust_region ? "option trust_region"
                       : p->ws_study[0]  ? "option warm_start_study"
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
    if (p->parego && p->n_user_ref)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'gp': option 'reference_point' is for mo_acquisition "
                              "'logehvi' (parego has no reference point)");
    return KNOB_OK;
}

/* The words are checked by the option table (enums); "ei" ranks points as "logei" does. */
/* Reads the option reference_point: a list of two or three finite numbers. */
int knob__bo_parse_reference_point(bo *p)
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
