/* The gp sampler's option cost (samplers/gp_internal.h): a model of each trial's log cost,
 * and the acquisition per unit cost^alpha with alpha cooling from 1 to 0 (CArBO, Lee et al.
 * 2020; the cooling is samplers/cost.c's, shared with tpe). */
#include "samplers/cost.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A trial's cost (option cost): its duration, or the number in the user attr so named;
 * 0 for one of 0 or below, NaN when it has none (knob__trial_cost). */
static double trial_cost(const bo *p, const knob_trial_info *t)
{
    return knob__trial_cost(p->cost, t);
}

/* Notes observation D->n's cost (option cost), and what the trials and the startup ones
 * spent. */
void knob__bo_observe_cost(const bo *p, const knob_trial_info *ti, data *D)
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

/* What a finished trial that is no observation (pruned, failed, of no finite value) spent:
 * counted against cost_budget as the observations' costs are (a pruned trial's time was
 * spent all the same), though the cost model, of the observations, does not see it. */
void knob__bo_observe_spent(const bo *p, const knob_trial_info *ti, data *D)
{
    if (!D->cost || ti->state == KNOB_TRIAL_RUNNING || ti->state == KNOB_TRIAL_WAITING)
        return;
    double k = trial_cost(p, ti);
    if (isfinite(k))
        D->spent += k;
}

/* Option cost: subtracts alpha x the predicted log cost (in the log costs' unit, ksd)
 * from out (m points): log acquisition - alpha log cost, i.e. the acquisition per unit
 * cost^alpha (CArBO), for log EI as for log EHVI. */
void knob__bo_cost_batch(ctx *c, const double *x, int m, double *out)
{
    if (!(c->p->alpha > 0))
        return;
    knob__gp_predict(&c->p->kgp, x, m, c->cm, c->cv, c->work);
    for (int i = 0; i < m; i++)
        out[i] -= c->p->alpha * c->p->ksd * c->cm[i];
}

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
double knob__bo_cost_grad(ctx *c, unsigned n, double *grad)
{
    bo *p = c->p;
    if (!(p->alpha > 0))
        return 0;
    double km, kv, *kdm = c->tdm, *kdv = c->tdv, w = p->alpha * p->ksd;
    knob__gp_predict_grad(&p->kgp, c->x, &km, &kv, kdm, kdv, c->work);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] -= w * kdm[c->free[i]] / c->scale[i];
    return -w * km;
}

/* The model of the log cost (option cost), and the cost's weight: CArBO (Lee et al. 2020)
 * divides EI by cost^alpha, alpha cooling from 1 to 0 as the budget is spent so that
 * cheap regions do not win forever: with cost_budget B, alpha = (B - spent) / (B -
 * spent by the startup trials); without, alpha falls linearly to 0 over the 9 x
 * n_startup_trials trials after the startup. */
int knob__bo_fit_cost(bo *p, const data *D, const bool *cat)
{
    p->alpha = 0;
    p->kok = false;
    if (!D->cost)
        return KNOB_OK;
    int d = p->n_dims, n = D->n, m = 0;
    double *X = malloc(((size_t)n * d + n + 1) * sizeof *X), *y = X ? X + (size_t)n * d : NULL;
    if (!X)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    double mean = 0, var = 0, floor = knob__cost_floor(D->cost, (size_t)n);
    for (int i = 0; i < n; i++) {
        double k = D->cost[i] > 0 ? D->cost[i] : D->cost[i] == 0 ? floor : NAN;
        if (isfinite(k)) {
            memcpy(X + (size_t)m * d, D->X + (size_t)i * d, (size_t)d * sizeof *X);
            y[m] = log(k);
            mean += y[m++];
        }
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
            knob__bo_fit_start(p, &p->kgp, "cost");
        if (!rc)
            rc = knob__gp_fit(&p->kgp, (int)p->fit_max_evals);
        if (rc)
            rc = knob__bo_failed(rc, m, d);
        p->kok = !rc;
    }
    free(X);
    if (!p->kok)
        return rc;
    p->alpha =
        knob__cost_alpha(p->cost_budget, D->spent, D->spent0, D->n_seen, p->n_startup_trials);
    return KNOB_OK;
}
