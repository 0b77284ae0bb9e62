/* The gp sampler's acquisition with one objective (samplers/gp_internal.h): log EI or UCB
 * (plus the constraints' and the cost's terms), scored on scrambled Sobol candidates and
 * candidates around the best trials, refined by L-BFGS (NLopt) in units of the length
 * scales, then one pass over the discrete dimensions. The candidates, the local search and
 * the discrete pass serve several objectives too (ctx.mo: log EHVI, gp_mo.c). */
#include "math/acq.h"
#include "math/sobol.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

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
    if (c->kind == ACQ_LOG_PI)
        return knob__log_pi(mean, var, c->best, dmean, dvar);
    if (c->kind == ACQ_UCB_WIDE)
        return knob__ucb(mean, var, HEDGE_UCB_KAPPA, dmean, dvar);
    if (c->p->ucb)
        return knob__ucb(mean, var, sqrt(c->p->beta), dmean, dvar);
    return knob__log_ei(mean, var, c->best, dmean, dvar);
}

static void acq_batch(ctx *c, const double *x, int m, double *out)
{
    if (c->mo) {
        knob__bo_mo_batch(c, x, m, out);
        return;
    }
    double *mean = out, *var = c->work;
    knob__gp_predict(&c->p->gp, x, m, mean, var, c->work + m);
    if (c->p->ws_on) {
        knob__bo_prior_mean(c->p, x, m, c->cm, NULL, c->work + m);
        for (int i = 0; i < m; i++)
            mean[i] += c->cm[i];
    }
    for (int i = 0; i < m; i++)
        out[i] = acq_value(c, mean[i], var[i], NULL, NULL);
    knob__bo_cost_batch(c, x, m, out);
    knob__bo_feasibility_batch(c, x, m, out);
    knob__bo_terrace_batch(c, x, m, out);
}

/* The local search's value at a point from the acquisition's value v (and its gradient in
 * grad): the cost and feasibility terms added, the evaluation counted, and a value that is
 * not finite made the worst (its gradient zero), for one objective and for several. */
double knob__bo_local_value(ctx *c, unsigned n, double v, double *grad)
{
    v += knob__bo_cost_grad(c, n, grad);
    v += knob__bo_feasibility_grad(c, n, grad);
    if (!c->mo)
        v += knob__bo_terrace_grad(c, n, grad);
    c->n_evals++;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return -1e300;
    }
    return v;
}

static double local_fn(unsigned n, const double *u, double *grad, void *cv)
{
    ctx *c = cv;
    bo *p = c->p;
    for (unsigned i = 0; i < n; i++)
        c->x[c->free[i]] = u[i] / c->scale[i];
    double mean, var, *dm = c->dm, *dv = c->dv, am, av;
    knob__gp_predict_grad(&p->gp, c->x, &mean, &var, dm, dv, c->work);
    if (p->ws_on) {
        double pm, *pg = c->pg;
        knob__bo_prior_mean(p, c->x, 1, &pm, pg, c->work);
        mean += pm;
        for (int k = 0; k < p->n_dims; k++)
            dm[k] += pg[k];
    }
    double v = acq_value(c, mean, var, &am, &av);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] = (am * dm[c->free[i]] + av * dv[c->free[i]]) / c->scale[i];
    return knob__bo_local_value(c, n, v, grad);
}

/* L-BFGS over the continuous dimensions from x (updated in place); returns the value. */
static double local_search(ctx *c, double *x, double start_value)
{
    if (c->n_free == 0)
        return start_value;
    double *u = c->u, *lo = c->lo, *hi = c->hi, best = start_value;
    /* in units of each dimension's length scale, so that one tolerance fits all */
    for (int i = 0; i < c->n_free; i++) {
        c->scale[i] = sqrt(exp(c->p->gp.theta[c->free[i]]));
        u[i] = x[c->free[i]] * c->scale[i];
        lo[i] = 0;
        hi[i] = c->scale[i];
        if (c->p->ws_box_on) {
            lo[i] = c->p->ws_lo[c->free[i]] * c->scale[i];
            hi[i] = c->p->ws_hi[c->free[i]] * c->scale[i];
            u[i] = fmin(fmax(u[i], lo[i]), hi[i]);
        }
    }
    nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)c->n_free);
    if (!opt)
        return start_value;
    c->x = x;
    nlopt_set_max_objective(opt, c->mo ? knob__bo_mo_local_fn : local_fn, c);
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_maxeval(opt, 100);
    nlopt_set_ftol_rel(opt, 1e-9);
    nlopt_set_xtol_abs1(opt, 1e-8);
    double got = -HUGE_VAL, *keep = c->keep;
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

/* Inside the neighbourhood a stalled model is kept out of. */
static bool too_near(const ctx *c, const double *x)
{
    if (!c->away)
        return false;
    double r = knob__bo_cube_dist(c->p, x, c->away);
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
 * first, log ints to their integers'. */
static double discrete_pass(ctx *c, const double *rows, int n_rows, double *x, double value)
{
    bo *p = c->p;
    bool any = false;
    for (int k = 0; k < p->n_dims; k++) {
        if (!p->dims[k].cat && x[k] != knob__dim_round(&p->dims[k], x[k])) {
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

int knob__bo_ensure_dirs(bo *p, unsigned d)
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

double knob__bo_sobol_u(const bo *p, unsigned axis, uint64_t index, uint64_t salt)
{
    return knob__sobol_scrambled(p->dirs[axis], axis, index, salt);
}

/* m Sobol points, then m/4 points around the best observations (normal steps of 0.05
 * in the continuous dimensions, a random choice now and then in the categorical ones);
 * with round_inside, binned coordinates at their bins' centres. */
static void make_candidates(const bo *p, knob_rng *r, uint64_t salt, const double *X,
                            const int *top, int n_top, double *cand, int m_sobol, int m_near)
{
    int d = p->n_dims;
    for (int i = 0; i < m_sobol; i++)
        for (int k = 0; k < d; k++) {
            double u = knob__bo_sobol_u(p, (unsigned)k, (uint64_t)i + 1, salt);
            if (p->ws_box_on && !p->dims[k].cat)
                u = p->ws_lo[k] + u * (p->ws_hi[k] - p->ws_lo[k]);
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
                if (p->ws_box_on)
                    row[k] = fmin(fmax(row[k], p->ws_lo[k]), p->ws_hi[k]);
            }
        }
    }
    for (int k = 0; p->round_inside && k < d; k++)
        if (p->dims[k].bins > 0)
            for (int i = 0; i < m_sobol + m_near; i++)
                cand[(size_t)i * d + k] = knob__dim_round(&p->dims[k], cand[(size_t)i * d + k]);
}

/* x lies on a step: its step_mask nearest observations (distances in the model's length
 * scales, nu the inverse squared ones) tie exactly. A deterministic staircase (a decision
 * tree's loss) gives that loss again there, so the acquisition's asks inside a step teach
 * nothing; its edges, where neighbours differ, are where another value lies. */
static bool on_step(const bo *p, const data *D, const double *nu, const double *x)
{
    int k = (int)p->step_mask, d = p->n_dims, near[8], got = 0;
    double dist[8];
    for (int i = 0; i < D->n; i++) {
        const double *r = D->X + (size_t)i * d;
        double r2 = 0;
        for (int j = 0; j < d; j++) {
            double t = p->dims[j].cat ? (r[j] != x[j]) : r[j] - x[j];
            r2 += nu[j] * t * t;
        }
        if (got == k && r2 >= dist[k - 1])
            continue;
        int at = got < k ? got++ : k - 1;
        while (at > 0 && dist[at - 1] > r2) {
            dist[at] = dist[at - 1];
            near[at] = near[at - 1];
            at--;
        }
        dist[at] = r2;
        near[at] = i;
    }
    for (int j = 1; j < got; j++)
        if (!knob__bo_tied(D->y[near[j]], D->y[near[0]]))
            return false;
    return got == k;
}

/* The step mask acts (into nu the inverse squared length scales): step_mask is 2 or more, no
 * other trial is running (beside running trials, a batch, it did worse) and two observations
 * at least tie (without ties, a smooth loss, nothing is on a step). */
static bool steps_apply(const bo *p, const data *D, double *nu)
{
    if (p->step_mask < 2 || D->n < p->step_mask || D->n_pend > 0)
        return false;
    for (int j = 0; j < p->n_dims; j++)
        nu[j] = exp(p->gp.theta[j]);
    for (int i = 1; i < D->n; i++)
        for (int j = 0; j < i; j++)
            if (knob__bo_tied(D->y[i], D->y[j]))
                return true;
    return false;
}

/* Local searches from the best `starts` candidates (sorted in `order`), and from the
 * incumbent itself: near it the acquisition is flat at candidate spacing, and only a local
 * search resolves the last digits. Each start in x (n_dims); the best point into xbest; its
 * value. */
static double refine(ctx *c, const data *D, const double *cand, const item *order, int starts,
                     double *x, double *xbest)
{
    int d = c->p->n_dims;
    /* the best candidate as it is, which the first start replaces: with no local search
     * (n_local_search 0) it is the answer (xbest was left unwritten, and the discrete pass
     * read it: every trial at a bound, or a value outside a categorical's choices) */
    double vbest = order[0].v;
    memcpy(xbest, cand + (size_t)order[0].i * d, (size_t)d * sizeof *xbest);
    for (int j = 0; j <= starts; j++) {
        double v0;
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
int knob__bo_maximize(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest)
{
    int d = p->n_dims;
    /* by default 256 per dimension (the cube needs more points as it grows), 512..2048 */
    int m_sobol = p->n_candidates ? (int)p->n_candidates
                                  : (d < 2   ? 512
                                     : d > 8 ? 2048
                                             : 256 * d),
        m_near = D->n_top ? m_sobol / 4 : 0, m = m_sobol + m_near;
    int n_all = D->n + D->n_extra;
    double inc = D->best;
    int rc = knob__bo_ensure_dirs(p, (unsigned)d);
    if (rc)
        return rc;
    double *cand = malloc((size_t)m * d * sizeof *cand);
    double *vals = malloc((size_t)m * sizeof *vals);
    double *cm = malloc(2 * (size_t)m * sizeof *cm);
    /* the model's rows: the observations and fantasies, and a warm start's source rows
     * (warm_start_task) */
    int n_model = p->gp.n > n_all ? p->gp.n : n_all;
    size_t need = (size_t)m * (n_model + 1) + 3 * (size_t)n_model + 16;
    double *work = knob__grow(&p->scratch, &p->cap_scratch, need, sizeof *work) ? NULL : p->scratch;
    item *order = malloc((size_t)m * sizeof *order);
    /* the per-dimension arrays of the search (ctx's, and nu and two points here), sized by the
     * space, once a maximization: on the stack they grew with MAX_DIMS */
    int no = p->n_obj > 1 ? p->n_obj : 1;
    size_t nd = (size_t)d;
    double *per_dim = malloc((11 + 2 * (size_t)no) * nd * sizeof *per_dim);
    int *free_dims = malloc(nd * sizeof *free_dims);
    if (!cand || !vals || !cm || !work || !order) {
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    } else if (!per_dim || !free_dims) {
        rc = knob__oom("gp: the acquisition's search");
    } else if (!(rc = knob__bo_incumbent(p, D, &inc))) {
        knob_rng r;
        knob_rng_derive(&r, seed, self, "gp:candidates");
        uint64_t salt = knob_rng_next(&r);
        make_candidates(p, &r, salt, D->X, D->top, D->n_top, cand, m_sobol, m_near);
        /* A best that several trials tie (a plateau: ties say the region is flat) counts as
         * improved on only tie_margin below it: inside the plateau the model is sure of its
         * value, so the margin leaves the points it is unsure of, not the gaps between the
         * tied points where its mean dips below them. */
        ctx c = {.p = p,
                 .best = inc - (D->best_ties >= 2 ? p->tie_margin : 0),
                 .work = work,
                 .away = D->stalled ? D->center : NULL,
                 .no_incumbent = !isfinite(D->best),
                 .cm = cm,
                 .cv = cm + m,
                 .mo = p->n_obj > 1,
                 .kind = p->n_obj > 1 ? ACQ_OPTION : knob__bo_hedge_kind(p, D->n_pend),
                 .free = free_dims,
                 .scale = per_dim,
                 .u = per_dim + nd,
                 .lo = per_dim + 2 * nd,
                 .hi = per_dim + 3 * nd,
                 .keep = per_dim + 4 * nd,
                 .pg = per_dim + 5 * nd,
                 .tdm = per_dim + 6 * nd,
                 .tdv = per_dim + 7 * nd,
                 .dm = per_dim + 11 * nd,
                 .dv = per_dim + (11 + (size_t)no) * nd};
        double *nu = per_dim + 8 * nd, *x = per_dim + 9 * nd, *start = per_dim + 10 * nd;
        /* round_inside: a binned coordinate keeps its candidate's value (the discrete pass
         * then tries its others); the local search moves the continuous ones */
        for (int k = 0; k < d; k++)
            if (!p->dims[k].cat && !(p->round_inside && p->dims[k].bins > 0))
                c.free[c.n_free++] = k;
        acq_batch(&c, cand, m, vals);
        for (int i = 0; i < m; i++)
            order[i] = (item){
                isfinite(vals[i]) && !too_near(&c, cand + (size_t)i * d) ? vals[i] : -HUGE_VAL, i};
        bool steps = steps_apply(p, D, nu);
        if (steps) {
            /* candidates on a step are out, unless every one is */
            int off = 0;
            for (int i = 0; i < m; i++)
                if (order[i].v > -HUGE_VAL && on_step(p, D, nu, cand + (size_t)i * d))
                    vals[i] = -HUGE_VAL;
                else
                    off += order[i].v > -HUGE_VAL;
            for (int i = 0; off > 0 && i < m; i++)
                order[i].v = vals[i] == -HUGE_VAL ? -HUGE_VAL : order[i].v;
        }
        qsort(order, (size_t)m, sizeof *order, knob__bo_cmp_item_desc);
        int starts = (int)p->n_local_search < m ? (int)p->n_local_search : m;
        /* Points not to ask again: in a space of discrete dimensions alone every trial's;
         * with a continuous dimension the failed and running ones' only (the local search
         * may settle on a bound or on the incumbent; never twice in one batch): an ask of
         * an observed point is replaced after, by knob__bo_unrepeat. */
        bool discrete = true;
        for (int k = 0; k < d; k++)
            discrete &=
                p->dims[k].cat || p->dims[k].bins > 0 || p->dims[k].dist->kind == KNOB_DIST_INT;
        const double *rows = D->X + (discrete ? 0 : (size_t)D->n * d);
        int n_rows = D->n_extra + (discrete ? D->n : 0);
        double v = discrete_pass(&c, rows, n_rows, xbest,
                                 refine(&c, D, cand, order, starts, start, xbest));
        /* the local search went onto a step: the best candidate off every step */
        bool off_steps = steps && v > -HUGE_VAL && on_step(p, D, nu, xbest);
        if (off_steps)
            v = -HUGE_VAL;
        /* every neighbour of a seen point seen too: the best candidate not seen yet */
        for (int j = 0; !(v > -HUGE_VAL) && j < m; j++) {
            memcpy(x, cand + (size_t)order[j].i * d, (size_t)d * sizeof *x);
            for (int k = 0; k < d; k++)
                x[k] = knob__dim_round(&p->dims[k], x[k]);
            if (order[j].v > -HUGE_VAL && !seen_row(p, rows, n_rows, x) &&
                !(off_steps && on_step(p, D, nu, x))) {
                memcpy(xbest, x, (size_t)d * sizeof *x);
                v = order[j].v;
            }
        }
    }
    free(cand);
    free(vals);
    free(cm);
    free(order);
    free(per_dim);
    free(free_dims);
    return rc;
}

int knob__bo_incumbent(bo *p, const data *D, double *best)
{
    *best = D->best;
    if (!p->inc_mean || !isfinite(D->best) || D->n < 1 || p->n_obj > 1)
        return KNOB_OK;
    /* predict's work: gp.n x n; the prior mean's: 3 x its source's observations */
    size_t need = (size_t)p->gp.n * (size_t)D->n + 3 * (size_t)p->sgp.n + 16;
    double *mean = malloc(3 * (size_t)D->n * sizeof *mean), *work = malloc(need * sizeof *work);
    if (!mean || !work) {
        free(mean);
        free(work);
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    }
    double *var = mean + D->n, *prior = var + D->n, low = HUGE_VAL;
    knob__gp_predict(&p->gp, D->X, D->n, mean, var, work);
    knob__bo_prior_mean(p, D->X, D->n, prior, NULL, work); /* 0 without a warm start */
    for (int i = 0; i < D->n; i++)
        if (!D->feas || D->feas[i])
            low = fmin(low, mean[i] + prior[i]);
    if (isfinite(low))
        *best = low;
    free(mean);
    free(work);
    return KNOB_OK;
}

/* GP-Hedge's portfolio (Hoffman et al. 2011) and HEBO's MACE ensemble (EI, PI, UCB) serve a
 * batch with points each acquisition prefers; here the asks of a batch take them in turn,
 * by the number of running trials beside them: the first the option's, the second log PI,
 * the third a UCB of sqrt(beta) HEDGE_UCB_KAPPA, then again. */
int knob__bo_hedge_kind(const bo *p, int n_pending)
{
    if (!p->hedge || n_pending <= 0)
        return ACQ_OPTION;
    return n_pending % 3 == 1 ? ACQ_LOG_PI : n_pending % 3 == 2 ? ACQ_UCB_WIDE : ACQ_OPTION;
}

/* Every explore_every-th trial, while explore_ties observations or more tie at the best
 * (SMAC interleaves random configurations so: a model that is sure of a terrace still
 * sees the rest of the space). */
bool knob__bo_interleaved(const bo *p, int64_t self, const data *D)
{
    return p->explore_every > 0 && self % p->explore_every == 0 && D->best_ties >= p->explore_ties;
}

/* A draw near one of the `top` best observations: each continuous or binned dimension
 * moved by a normal step of standard deviation sd (clamped to the cube), each categorical
 * one drawn anew with probability 1 / d; up to 32 tries for a point not observed or
 * pending (no coordinate farther than `tol` from one: not seen_row's 1e-9 alone). */
static bool draw_near(const bo *p, knob_rng *r, const data *D, int top, double sd, double tol,
                      double *x)
{
    int d = p->n_dims;
    for (int tries = 0; tries < 32; tries++) {
        int j = top > 1 ? (int)knob_rng_below(r, (uint64_t)top) : 0;
        const double *base = D->X + (size_t)D->top[j] * d;
        for (int k = 0; k < d; k++) {
            if (p->dims[k].cat)
                x[k] = knob_rng_uniform(r) < 1.0 / d
                           ? (double)knob_rng_below(r, p->dims[k].dist->n_choices)
                           : base[k];
            else
                x[k] = knob__dim_round(&p->dims[k],
                                       fmin(fmax(base[k] + sd * knob_rng_normal(r), 0), 1));
        }
        if (tol > 1e-9 ? !knob__bo_asked(p, D->X, D->n + D->n_extra, x)
                       : !seen_row(p, D->X, D->n + D->n_extra, x))
            return true;
    }
    return false;
}

/* With explore_local: a draw near one of the best observations, of sd explore_local. */
static bool explore_near(const bo *p, knob_rng *r, const data *D, double *x)
{
    return draw_near(p, r, D, D->n_top, p->explore_local, 1e-9, x);
}

bool knob__bo_asked(const bo *p, const double *rows, int n, const double *x)
{
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < p->n_dims && fabs(rows[(size_t)i * p->n_dims + k] - x[k]) <= REPEAT_NEAR)
            k++;
        if (k == p->n_dims)
            return true;
    }
    return false;
}

/* An ask that would repeat an observation: near the optimum of a deterministic objective
 * the model's mean and its acquisition both settle on the best point itself, and asking it
 * again tells nothing. On Hartmann-6 shifted by 10% a third of a warm run's trials after
 * the basin was found were such repeats, or the Sobol explorations that the repeats' ties
 * then set off; a cold run on Branin or Hartmann-6 stopped short of the last digits the
 * same way (bench/README.md, "warm start, 2026-12-06"). The draw's standard deviation is
 * NEAR_SHARE x the distance (over the continuous and binned dimensions, among the
 * observations of the best's categories) to the best's NEAR_K-th nearest other
 * observation, shared among those dimensions: as close as the run has already sampled the
 * best's surroundings. It doubles after each 32 tries that found only points asked before
 * (a discrete neighbourhood used up), 8 times at most. */
#define NEAR_K 5
#define NEAR_SHARE 0.5

static int near_best(bo *p, const data *D, uint64_t seed, int64_t self, double *x)
{
    int d = p->n_dims, n_all = D->n + D->n_extra, m = 0, nf = 0;
    const double *xb = D->X + (size_t)D->top[0] * d;
    double *dist = malloc((size_t)(n_all ? n_all : 1) * sizeof *dist);
    if (!dist)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    for (int i = 0; i < n_all; i++) {
        const double *row = D->X + (size_t)i * d;
        double r2 = 0;
        bool same = true;
        for (int j = 0; j < d && same; j++)
            if (p->dims[j].cat)
                same = row[j] == xb[j];
            else
                r2 += (row[j] - xb[j]) * (row[j] - xb[j]);
        if (same && sqrt(r2) > REPEAT_NEAR)
            dist[m++] = sqrt(r2);
    }
    /* the NEAR_K-th smallest, by partial selection */
    int k = m < NEAR_K ? m : NEAR_K;
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < m; b++)
            if (dist[b] < dist[a]) {
                double t = dist[a];
                dist[a] = dist[b];
                dist[b] = t;
            }
    double radius = k ? dist[k - 1] : 0.1;
    free(dist);
    for (int j = 0; j < d; j++)
        nf += !p->dims[j].cat;
    knob_rng r;
    knob_rng_derive(&r, seed, self, "gp:near");
    double sd = NEAR_SHARE * radius / sqrt((double)(nf ? nf : 1));
    for (int round = 0; round < 8 && !draw_near(p, &r, D, 1, sd, REPEAT_NEAR, x); round++)
        sd *= 2;
    return KNOB_OK;
}

int knob__bo_unrepeat(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest)
{
    if (D->n_top == 0 || !knob__bo_asked(p, D->X, D->n + D->n_extra, xbest))
        return KNOB_OK;
    bool replaced;
    int rc = knob__bo_warm_unseen(p, D, xbest, &replaced);
    return rc || replaced ? rc : near_best(p, D, seed, self, xbest);
}

/* On a plateau (detect_plateau) or an interleaved trial: a point of a scrambled Sobol
 * sequence of the study's seed, so that the explorations of a study fill the cube as its
 * startup trials do, whatever the model believes; with explore_local, a draw near one of
 * the best observations instead. A plateau's trial takes the point at its trial's number.
 * The interleaved trials (every explore_every-th number) take their own sequence, the
 * point at the trial's number divided by explore_every: the points at every 2^j-th index
 * of one Sobol sequence share their first j binary digits in each coordinate, so that
 * every fourth point of the plateau's sequence lies in one half of each axis (in [0.5, 1)^2
 * on a 2-D space for seed 3), 1 / 2^d of the cube. *explored false (and xbest to be
 * overwritten) when that point, rounded, was observed or is pending: a deterministic
 * objective would only repeat itself. */
int knob__bo_explore(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest,
                     bool *explored)
{
    int d = p->n_dims;
    int rc = knob__bo_ensure_dirs(p, (unsigned)d);
    *explored = false;
    if (rc)
        return rc;
    if (p->explore_local > 0 && D->n_top > 0) {
        knob_rng r;
        knob_rng_derive(&r, seed, self, "gp:explore");
        *explored = explore_near(p, &r, D, xbest);
        return KNOB_OK;
    }
    uint64_t salt = seed ^ 0x9E3779B97F4A7C15ull, index = (uint64_t)self + 1;
    if (!D->plateau && p->explore_every > 0) {
        salt ^= 0xC2B2AE3D27D4EB4Full;
        index = (uint64_t)(self / p->explore_every) + 1;
    }
    for (int k = 0; k < d; k++) {
        double u = knob__bo_sobol_u(p, (unsigned)k, index, salt);
        xbest[k] =
            knob__dim_round(&p->dims[k], p->dims[k].cat ? knob__dim_choice(&p->dims[k], u) : u);
    }
    *explored = !seen_row(p, D->X, D->n + D->n_extra, xbest);
    return KNOB_OK;
}
