/* The gp sampler's data and model for one ask (samplers/gp_internal.h): the trials as rows
 * of the unit cube, thinned to max_observations; stalls and plateaus; the Yeo-Johnson warp
 * and the standardization of the losses; the model's fit on its schedule; failed and
 * running trials as fantasies. */
#include "math/scale.h"
#include "samplers/gp_internal.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Yeo-Johnson transform of a standardized value. */
static double yeo_johnson(double y, double lambda)
{
    if (y >= 0)
        return fabs(lambda) < 1e-9 ? log1p(y) : (pow(1 + y, lambda) - 1) / lambda;
    double l2 = 2 - lambda;
    return fabs(l2) < 1e-9 ? -log1p(-y) : -(pow(1 - y, l2) - 1) / l2;
}

/* Profile log likelihood of lambda: the transformed values of (y - m) / s as one normal
 * sample, with the transform's Jacobian. */
static double yeo_johnson_ll(const double *y, int n, double m, double s, double lambda, double jac)
{
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += yeo_johnson((y[i] - m) / s, lambda);
    mean /= n;
    for (int i = 0; i < n; i++) {
        double t = yeo_johnson((y[i] - m) / s, lambda) - mean;
        var += t * t;
    }
    return var > 0 ? -0.5 * n * log(var / n) + (lambda - 1) * jac : -HUGE_VAL;
}

/* The warp of losses y (not changed): standardized, then through the Yeo-Johnson transform
 * whose lambda makes them most normal (maximum likelihood on a grid of [-2, 4], refined by
 * golden sections); yj false when they do not vary. Heavy upper tails (Rosenbrock,
 * Styblinski-Tang) get lambda < 1 and are compressed, so the model spends itself on the
 * low region that matters; a monotone map keeps the incumbent. HEBO (Cowen-Rivers et al.,
 * 2022) warps likewise. */
static void fit_warp(const double *y, int n, knob__bo_scale *sc)
{
    double mean = 0, var = 0, jac = 0;
    sc->yj = false;
    for (int i = 0; i < n; i++)
        mean += y[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean);
    if (!(var > 0))
        return;
    double sd = sqrt(var / n);
    for (int i = 0; i < n; i++) {
        double z = (y[i] - mean) / sd;
        jac += (z >= 0 ? 1 : -1) * log1p(fabs(z));
    }
    double best = 1, best_ll = yeo_johnson_ll(y, n, mean, sd, 1, jac);
    for (double l = -2; l <= 4 + 1e-9; l += 0.25) {
        double ll = yeo_johnson_ll(y, n, mean, sd, l, jac);
        if (ll > best_ll) {
            best_ll = ll;
            best = l;
        }
    }
    double a = best - 0.25, b = best + 0.25, g = (sqrt(5.0) - 1) / 2;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = yeo_johnson_ll(y, n, mean, sd, c, jac), fd = yeo_johnson_ll(y, n, mean, sd, d, jac);
    for (int it = 0; it < 30; it++) {
        if (fc > fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = yeo_johnson_ll(y, n, mean, sd, c, jac);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = yeo_johnson_ll(y, n, mean, sd, d, jac);
        }
    }
    double l = (a + b) / 2;
    if (yeo_johnson_ll(y, n, mean, sd, l, jac) > best_ll)
        best = l;
    *sc = (knob__bo_scale){.yj = true, .m0 = mean, .s0 = sd, .lambda = best};
}

static double warp_one(const knob__bo_scale *sc, double y)
{
    return sc->yj ? yeo_johnson((y - sc->m0) / sc->s0, sc->lambda) : y;
}

int knob__bo_cmp_item_desc(const void *a, const void *b)
{
    double x = ((const item *)a)->v, y = ((const item *)b)->v;
    return (x < y) - (x > y);
}

/* Row of a trial's params in the cube; false when it lacks one. */
bool knob__bo_encode(const bo *p, const knob_trial_info *t, double *row)
{
    for (int k = 0; k < p->n_dims; k++) {
        const knob_param *q = knob_trial_info_param(t, p->dims[k].name);
        if (!q || q->dist != p->dims[k].dist)
            return false;
        row[k] = knob__dim_to_unit(&p->dims[k], q->internal);
    }
    return true;
}

bool knob__bo_reserve(bo *p, size_t need)
{
    if (need <= p->cap_buf)
        return true;
    return knob__grow(&p->buf, &p->cap_buf, need, sizeof *p->buf) == 0;
}

/* Keeps at most `max` observations, in their order: the best half of them and the
 * most recent others. The model's cost is cubic in its data and an ask's quadratic; beyond
 * a few hundred points the best and the latest (so that the model knows what it just
 * tried) tell the most about where to look next. Keeping the quarter nearest the
 * incumbent instead of the oldest recent ones did worse (gp_thins_long_histories: 11 of
 * 18 seeds, not 15). */
int knob__bo_thin(double *X, double *y, double *C, bool *feas, int nc, double *cost, int *n, int d,
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
    qsort(by, (size_t)*n, sizeof *by, knob__bo_cmp_item_desc);
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

/* Distance of two rows of the cube: Euclidean, another category counting 1. */
double knob__bo_cube_dist(const bo *p, const double *a, const double *b)
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
 * acquisition's best is a point already seen. Rows in trial order. A run whose best is
 * among the last STALL_TRIALS rows is still gaining there, not stalled: the stall's asks a
 * little way off took every sixth trial of a warm run refining shifted Hartmann-6's basin,
 * and turned its refining trials to the acquisition's (bench/README.md, "warm start,
 * 2026-12-06"). */
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
    if (inc >= n - STALL_TRIALS)
        return;
    const double *c = D->X + (size_t)inc * d;
    for (int i = n - STALL_TRIALS; i < n; i++)
        if (knob__bo_cube_dist(p, D->X + (size_t)i * d, c) > STALL_NEAR)
            return;
    D->stalled = true;
    memcpy(D->center, c, (size_t)d * sizeof *c);
}

static bool tied_raw(double a, double b, double range)
{
    return fabs(a - b) <= 1e-12 * fmax(range, fmax(fabs(a), fabs(b)));
}

/* The model keeps landing on a plateau at the best loss: PLATEAU_TIES of the last
 * PLATEAU_WINDOW observations (in trial order) tie with the best. A stationary kernel
 * cannot see that a region where many trials tie is flat: between the tied points the
 * posterior mean dips below them and the variance stays open, so expected improvement
 * keeps asking the plateau (a decision tree on iris asked one log loss 32 times in 64
 * trials and never found the better trees random search found). Ties at the best say
 * nothing new, so the next point explores instead (see knob__bo_explore). Losses raw, before any
 * warp. */
static void detect_plateau(const bo *p, data *D)
{
    int n = D->n, ties = 0;
    D->plateau = false;
    double best = HUGE_VAL, worst = -HUGE_VAL;
    for (int i = 0; i < n; i++)
        if (!p->nc || D->feas[i]) {
            best = fmin(best, D->y[i]);
            worst = fmax(worst, D->y[i]);
        }
    /* Ties as knob__bo_tied has them on standardized losses: within 1e-12 of the losses'
     * range (or of the larger of the two), so that losses in any unit tie alike. */
    double range = worst - best, tol = isfinite(range) ? range : 0;
    D->best_ties = 0;
    for (int i = 0; i < n; i++)
        D->best_ties += (!p->nc || D->feas[i]) && tied_raw(D->y[i], best, tol);
    if (n < p->n_startup_trials + PLATEAU_WINDOW || n < 2 * PLATEAU_WINDOW)
        return;
    for (int i = n - PLATEAU_WINDOW; i < n; i++)
        ties += (!p->nc || D->feas[i]) && tied_raw(D->y[i], best, tol);
    D->plateau = ties >= PLATEAU_TIES;
}

/* A status of math/gp.h in words. */
int knob__bo_failed(int status, int n, int d)
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

/* Room for the rows of n_tr trials (and one more point) in p->buf, and D's losses,
 * constraint values, feasibility and costs as the options need them; D's arrays are the
 * caller's to free, also after a failure. */
int knob__bo_alloc_rows(bo *p, size_t n_tr, data *D)
{
    int d = p->n_dims, nc = p->nc;
    if (!knob__bo_reserve(p, (n_tr + 1) * (size_t)(d + 1)) ||
        !(D->y = malloc((n_tr + 1) * sizeof *D->y)) ||
        !(D->center = malloc(((size_t)d + 1) * sizeof *D->center)) ||
        (nc && (!(D->C = malloc(n_tr * (size_t)nc * sizeof *D->C)) ||
                !(D->feas = malloc(n_tr * sizeof *D->feas)))) ||
        (p->cost[0] && !(D->cost = malloc((n_tr + 1) * sizeof *D->cost))))
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    return 0;
}

void knob__bo_data_free(data *D)
{
    free(D->y);
    free(D->center);
    free(D->C);
    free(D->feas);
    free(D->cost);
}

/* What an observed trial brings besides its values: its nc constraint values (NAN where it
 * has none or another count) and feasibility, and its cost, into row D->n (one objective and
 * several alike). */
void knob__bo_observe_extra(const bo *p, const knob_trial_info *ti, data *D, int nc)
{
    if (nc) {
        for (int j = 0; j < nc; j++)
            D->C[(size_t)D->n * nc + j] =
                ti->n_constraints == (size_t)nc ? ti->constraints[j] : NAN;
        D->feas[D->n] = knob_trial_info_feasible(ti);
    }
    knob__bo_observe_cost(p, ti, D);
}

/* The completed trials as rows of the cube, and their losses (the objective, negated when
 * maximized) and constraints; at most max_observations of them. An infinite loss (a study
 * with infinite_values) counts as the worst finite one (+inf) or the best (-inf), as
 * Optuna's GPSampler clips them: left out, +inf told the model nothing, and it asked the
 * same infinite point again and again. D->y, D->C and D->feas are the caller's to free. */
int knob__bo_observe(bo *p, double sign, const knob_trial_info *const *tr, size_t n_tr, data *D)
{
    int d = p->n_dims, nc = p->nc;
    if (knob__bo_alloc_rows(p, n_tr, D))
        return KNOB_ENOMEM;
    D->X = p->buf;
    for (size_t i = 0; i < n_tr; i++) {
        const knob_trial_info *ti = tr[i];
        if (ti->state != KNOB_TRIAL_COMPLETE || ti->n_values < 1 || isnan(ti->values[0])) {
            knob__bo_observe_spent(p, ti, D);
            continue;
        }
        if (!knob__bo_encode(p, ti, D->X + (size_t)D->n * d))
            continue;
        knob__bo_observe_extra(p, ti, D, nc);
        D->y[D->n++] = sign * ti->values[0];
    }
    knob__clip_infinite(D->y, (size_t)D->n, 1);
    D->n_seen = D->n;
    detect_stall(p, D);
    detect_plateau(p, D);
    if (D->n > p->max_observations)
        return knob__bo_thin(D->X, D->y, D->C, D->feas, nc, D->cost, &D->n, d,
                             (int)p->max_observations);
    return KNOB_OK;
}

/* Warps (with `warp`) and standardizes the losses; notes the best and the worst, and the
 * best few observations. */
void knob__bo_standardize(const bo *p, data *D)
{
    knob__bo_standardize_by(p, D, NULL, NULL);
}

void knob__bo_standardize_by(const bo *p, data *D, const knob__bo_scale *use,
                             knob__bo_scale *fitted)
{
    double *y = D->y;
    int n = D->n;
    knob__bo_scale own = {.s1 = 1};
    /* by a power of two first: sums of squares of losses above 1e154 (or below 1e-154)
     * overflowed (underflowed), and every standardized loss was 0 (or the losses' own
     * tiny values): the model saw nothing. Exact, so any other loss standardizes as before */
    int e2 = use ? use->e2 : knob__scale_exponent(y, (size_t)n, 1);
    knob__scale_apply(y, (size_t)n, 1, e2);
    if (!use) {
        if (p->warp && n > 2)
            fit_warp(y, n, &own);
        own.e2 = e2;
        own.m1 = 0;
        for (int i = 0; i < n; i++)
            own.m1 += warp_one(&own, y[i]);
        own.m1 /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double v = warp_one(&own, y[i]) - own.m1;
            var += v * v;
        }
        own.s1 = n > 1 && var > 0 ? sqrt(var / (n - 1)) : 1;
        use = &own;
    }
    if (fitted)
        *fitted = *use;
    for (int i = 0; i < n; i++)
        y[i] = (warp_one(use, y[i]) - use->m1) / use->s1;
    D->best = HUGE_VAL;
    D->worst = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
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

/* The stored fits (FIT_KEY): {"n": n_fitted, "nc": n_cfitted, "dims": [{"name", "cat"} of
 * each param of the space, in order], "models": {NAME: {"d", "warp", "task", "cat" (a string
 * of 0 and 1, one a dimension), "theta": [...]}}}. */

/* Whether the stored dims are the space's params as now: the same, in the same order, each
 * categorical or not as now. */
static bool same_dims(const bo *p, const knobx_json *dims)
{
    bool ok = dims && dims->type == KNOBX_JSON_ARRAY && dims->n == (size_t)p->n_dims;
    for (int k = 0; ok && k < p->n_dims; k++) {
        const knobx_json *e = dims->kids[k], *name = knobx_json_get(e, "name"),
                         *cat = knobx_json_get(e, "cat");
        ok = name && name->type == KNOBX_JSON_STRING && !strcmp(name->str, p->dims[k].name) &&
             cat && cat->type == KNOBX_JSON_BOOL && cat->b == p->dims[k].cat;
    }
    return ok;
}

/* A count of observations stored under key into *n, when it reads as one. */
static void read_count(const knobx_json *j, const char *key, int *n)
{
    const knobx_json *v = knobx_json_get(j, key);
    if (v && v->type == KNOBX_JSON_NUMBER && v->num >= 0 && v->num <= INT32_MAX &&
        v->num == floor(v->num))
        *n = (int)v->num;
}

void knob__bo_fit_load(bo *p)
{
    if (p->fit_looked || !p->fit_study)
        return;
    p->fit_looked = true;
    const char *text = knob_study_system_attr(p->fit_study, FIT_KEY);
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    const knobx_json *models = knobx_json_get(j, "models");
    if (!models || models->type != KNOBX_JSON_OBJECT || !same_dims(p, knobx_json_get(j, "dims"))) {
        knobx_json_free(j); /* an attribute that does not read is left alone */
        return;
    }
    read_count(j, "n", &p->n_fitted);
    read_count(j, "nc", &p->n_cfitted);
    p->fit_saved = j;
    p->fit_text = strdup(text); /* not stored again unchanged (none: stored again) */
}

void knob__bo_fit_start(bo *p, knob__gp *g, const char *name)
{
    if (!p->fit_study || g->fitted || !p->fit_saved ||
        !same_dims(p, knobx_json_get(p->fit_saved, "dims")))
        return; /* the space changed since: the priors */
    const knobx_json *m = knobx_json_get(knobx_json_get(p->fit_saved, "models"), name),
                     *d = knobx_json_get(m, "d"), *w = knobx_json_get(m, "warp"),
                     *tk = knobx_json_get(m, "task"), *cat = knobx_json_get(m, "cat"),
                     *th = knobx_json_get(m, "theta");
    int nt = knob__gp_n_theta(g);
    bool ok = d && d->type == KNOBX_JSON_NUMBER && d->num == g->d && w &&
              w->type == KNOBX_JSON_BOOL && w->b == g->warped && tk &&
              tk->type == KNOBX_JSON_BOOL && tk->b == g->tasked && cat &&
              cat->type == KNOBX_JSON_STRING && strlen(cat->str) == (size_t)g->d && th &&
              th->type == KNOBX_JSON_ARRAY && th->n == (size_t)nt;
    for (int k = 0; ok && k < g->d; k++)
        ok = cat->str[k] == (g->cat[k] ? '1' : '0');
    for (int k = 0; ok && k < nt; k++)
        ok = th->kids[k]->type == KNOBX_JSON_NUMBER && isfinite(th->kids[k]->num);
    if (!ok)
        return;
    for (int k = 0; k < nt; k++)
        g->theta[k] = th->kids[k]->num;
    g->fitted = true;
}

/* Adds model g's entry to b, when it is fitted with finite hyperparameters (one that is not
 * finite would not read back: that model starts from the priors in the next process). */
static void add_model(knobx_buf *b, const knob__gp *g, const char *name, bool *first)
{
    if (!g->fitted || g->d <= 0)
        return;
    int nt = knob__gp_n_theta(g);
    for (int k = 0; k < nt; k++)
        if (!isfinite(g->theta[k]))
            return;
    knobx_buf_puts(b, *first ? "" : ", ");
    *first = false;
    knobx_json_add_string(b, name);
    knobx_buf_printf(b, ": {\"d\": %d, \"warp\": %s, \"task\": %s, \"cat\": \"", g->d,
                     g->warped ? "true" : "false", g->tasked ? "true" : "false");
    for (int k = 0; k < g->d; k++)
        knobx_buf_puts(b, g->cat[k] ? "1" : "0");
    knobx_buf_puts(b, "\", \"theta\": [");
    for (int k = 0; k < nt; k++)
        knobx_buf_printf(b, "%s%.17g", k ? ", " : "", g->theta[k]);
    knobx_buf_puts(b, "]}");
}

int knob__bo_fit_store(bo *p)
{
    if (!p->fit_study)
        return KNOB_OK;
    knobx_buf b = {0};
    knobx_buf_printf(&b, "{\"n\": %d, \"nc\": %d, \"dims\": [", p->n_fitted, p->n_cfitted);
    for (int k = 0; k < p->n_dims; k++) {
        knobx_buf_puts(&b, k ? ", {\"name\": " : "{\"name\": ");
        knobx_json_add_string(&b, p->dims[k].name);
        knobx_buf_printf(&b, ", \"cat\": %s}", p->dims[k].cat ? "true" : "false");
    }
    knobx_buf_puts(&b, "], \"models\": {");
    bool first = true;
    add_model(&b, &p->gp, "objective", &first);
    char name[32];
    for (int j = 1; j < p->n_obj && j < KNOB__EHVI_MAX_OBJ; j++) {
        snprintf(name, sizeof name, "o%d", j);
        add_model(&b, &p->mgp[j - 1], name, &first);
    }
    for (int j = 0; j < p->cap_cgp; j++) {
        snprintf(name, sizeof name, "c%d", j);
        add_model(&b, &p->cgp[j], name, &first);
    }
    add_model(&b, &p->kgp, "cost", &first);
    add_model(&b, &p->tgp, "terrace", &first);
    add_model(&b, &p->lgp, "local", &first);
    add_model(&b, &p->rgp, "rank", &first);
    add_model(&b, &p->turbo.gp, "turbo", &first);
    knobx_buf_puts(&b, "}}");
    int rc = KNOB_OK;
    if (b.oom) {
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    } else if (!p->fit_text || strcmp(p->fit_text, knobx_buf_cstr(&b))) {
        rc = knob_study_set_system_attr(p->fit_study, FIT_KEY, knobx_buf_cstr(&b));
        if (!rc) {
            char *text = strdup(knobx_buf_cstr(&b));
            free(p->fit_text);
            p->fit_text = text;
        }
        rc = rc == KNOB_ENOMEM ? rc : KNOB_OK;
    }
    knobx_buf_free(&b);
    return rc;
}

/* The model of the observations. Refit at every ask while the data are few; beyond
 * REFIT_ALWAYS observations, when they grew by a twentieth since the last fit (the cost is
 * cubic in n and the fit moves little per point), else only refactor at the last fit's
 * hyperparameters. */
int knob__bo_fit_model(bo *p, const data *D, const bool *cat)
{
    int n_seen = D->n_seen;
    p->gp.min_noise = p->min_noise;
    p->gp.warp_inputs = p->warp_inputs;
    const double *y = D->y;
    double *resid = NULL;
    if (p->ws_on) {
        /* the model learns what the source's mean does not say */
        if (!(resid = malloc((2 * (size_t)D->n + 3 * (size_t)p->sgp.n + 16) * sizeof *resid)))
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        if (knob__bo_fit_prior_scale(p, D, resid, resid + D->n)) {
            free(resid);
            return KNOB_ENOMEM;
        }
        y = knob__bo_task_on(p) ? D->y : resid; /* or both studies' trials in one model */
    }
    int rc = knob__bo_set_model_data(p, D->X, y, D->n, cat);
    free(resid);
    if (!rc)
        knob__bo_fit_start(p, &p->gp, "objective");
    bool refit = !p->gp.fitted || n_seen < REFIT_ALWAYS || n_seen < p->n_fitted ||
                 n_seen >= p->n_fitted + p->n_fitted / 20;
    if (!rc && refit) {
        rc = knob__gp_fit(&p->gp, (int)p->fit_max_evals);
        p->n_fitted = n_seen;
    } else if (!rc) {
        rc = knob__gp_factor(&p->gp);
    }
    return rc ? knob__bo_failed(rc, D->n, p->n_dims) : KNOB_OK;
}

/* The rows fantasies add after the n observed ones of X: failed trials (newest first, while
 * max_observations allows, when failed_worst is on), then the other running trials (when a
 * pending mode is on): by their params, or by the point proposed to them (gp_pending.c).
 * Each trial is one row at most, so n_tr rows hold them all. */
void knob__bo_encode_extra(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                           double *X, int n, int *n_fail, int *n_pend)
{
    int d = p->n_dims;
    *n_fail = *n_pend = 0;
    for (size_t i = n_tr; p->failed_worst && i-- > 0 && n + *n_fail < p->max_observations;)
        if (tr[i]->state == KNOB_TRIAL_FAIL && !knob__fail_says_nothing(tr[i]) &&
            knob__bo_encode(p, tr[i], X + (size_t)(n + *n_fail) * d))
            (*n_fail)++;
    for (size_t i = 0; p->pending_mode && i < n_tr; i++)
        if (tr[i]->state == KNOB_TRIAL_RUNNING && tr[i]->number != self &&
            knob__bo_encode(p, tr[i], X + (size_t)(n + *n_fail + *n_pend) * d))
            (*n_pend)++;
    /* this process's trials asked before their params were suggested: at their points */
    if (p->pending_mode)
        knob__bo_encode_proposals(p, tr, n_tr, self, X + (size_t)(n + *n_fail) * d, n_pend);
}

/* Failed trials at the worst loss seen, so the model learns where trials fail (else the
 * same data give the same failing point again): the most recent, within max_observations
 * with the observations. Running ones (but this trial) as fantasies: at the model's mean
 * (believer) or the worst loss (liar). The model is then refactored with them. */
int knob__bo_add_fantasies(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                           const bool *cat, data *D)
{
    int d = p->n_dims, n = D->n, n_fail = 0, n_pend = 0;
    double *X = D->X, *y = D->y;
    knob__bo_encode_extra(p, tr, n_tr, self, X, n, &n_fail, &n_pend);
    if (n_fail + n_pend == 0)
        return KNOB_OK;
    /* the model's rows: n, and a warm start's source rows (warm_start_task) */
    double *pm = malloc(((size_t)n_pend * (1 + (size_t)p->gp.n + n_pend) + 1) * sizeof *pm);
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
        knob__bo_prior_mean(p, xp, n_pend, pr, NULL, pr + n_pend);
        for (int j = 0; j < n_pend; j++)
            pm[j] += pr[j]; /* the believer's full mean */
        free(pr);
    }
    for (int j = 0; j < n_pend; j++)
        y[n + n_fail + j] = p->pending_mode == 1 ? pm[j] : D->worst;
    free(pm);
    D->n_extra = n_fail + n_pend;
    D->n_pend = n_pend;
    const double *fy = y;
    double *resid = NULL;
    if (p->ws_on) {
        /* the model holds residuals of the prior mean */
        int all = n + D->n_extra;
        if (!(resid = malloc(((size_t)all * 2 + 3 * (size_t)p->sgp.n + 16) * sizeof *resid)))
            return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
        knob__bo_prior_mean(p, X, all, resid, NULL, resid + all);
        for (int i = 0; i < all; i++)
            resid[i] = y[i] - resid[i];
        fy = resid;
    }
    int rc = knob__bo_set_model_data(p, X, fy, n + D->n_extra, cat);
    free(resid);
    if (!rc)
        rc = knob__gp_factor(&p->gp);
    return rc ? knob__bo_failed(rc, n + D->n_extra, d) : KNOB_OK;
}
