/* The gp sampler's terrace model (option terrace, samplers/gp_internal.h).
 *
 * A decision tree's loss is a staircase: most settings of its params give one of a few
 * trees, and trials that tie exactly at the best loss lie on one flat step (on
 * bench/bayesmark's DT-breast-nll a 64-trial run of the default saw 13 distinct losses, and
 * one best tied by up to 30 trials). A stationary kernel cannot see a step: fitted to
 * jumps elsewhere its length scales are short, so just beside the tied points its variance
 * opens and expected improvement asks there again, on the same step, which only repeats
 * the best loss. Ties at the best say where improvement is not: a second model, of the
 * indicator "ties the best" (1 on the tied observations, 0 elsewhere, standardized, the
 * objective's kernel and fit), gives at each point the probability of lying off the step,
 * Phi((1/2 - mean) / sd) in the indicator's units, and its log is added to the
 * acquisition, as a constraint's probability of feasibility is (gp_constraints.c). With
 * fewer than `terrace` tied observations there is no step and the acquisition is
 * unchanged. */
#include "math/acq.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool knob__bo_tied(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* The indicator of the tied observations (feasible ones tying the standardized best),
 * standardized, into the terrace model; p->tok false when fewer than p->terrace tie. */
int knob__bo_fit_terrace(bo *p, const data *D, const bool *cat)
{
    int n = D->n, ties = 0;
    p->tok = false;
    if (p->terrace <= 0 || p->n_obj > 1 || !isfinite(D->best))
        return KNOB_OK;
    double *y = malloc(((size_t)n + 1) * sizeof *y);
    if (!y)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    for (int i = 0; i < n; i++) {
        y[i] = (!D->feas || D->feas[i]) && knob__bo_tied(D->y[i], D->best);
        ties += y[i] > 0;
    }
    if (ties < p->terrace || ties == n) {
        free(y);
        return KNOB_OK;
    }
    double mean = (double)ties / n, sd = sqrt(mean * (1 - mean) * n / (n - 1));
    for (int i = 0; i < n; i++)
        y[i] = (y[i] - mean) / sd;
    p->tthr = (0.5 - mean) / sd;
    p->tgp.min_noise = p->min_noise;
    int rc = knob__gp_set_data(&p->tgp, D->X, y, n, p->n_dims, cat);
    if (!rc)
        knob__bo_fit_start(p, &p->tgp, "terrace");
    if (!rc)
        rc = knob__gp_fit(&p->tgp, (int)p->fit_max_evals);
    free(y);
    if (rc)
        return knob__bo_failed(rc, n, p->n_dims);
    p->tok = true;
    return KNOB_OK;
}

/* Adds the log probability of lying off the best's step to out (m points). */
void knob__bo_terrace_batch(ctx *c, const double *x, int m, double *out)
{
    if (!c->p->tok)
        return;
    knob__gp_predict(&c->p->tgp, x, m, c->cm, c->cv, c->work);
    for (int i = 0; i < m; i++)
        out[i] += knob__log_ndtr((c->p->tthr - c->cm[i]) / sqrt(c->cv[i]), NULL);
}

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
double knob__bo_terrace_grad(ctx *c, unsigned n, double *grad)
{
    bo *p = c->p;
    if (!p->tok)
        return 0;
    double tm, tv, *tdm = c->tdm, *tdv = c->tdv, dz;
    knob__gp_predict_grad(&p->tgp, c->x, &tm, &tv, tdm, tdv, c->work);
    double sd = sqrt(tv), z = (p->tthr - tm) / sd;
    double v = knob__log_ndtr(z, &dz);
    double gm = -dz / sd, gv = -dz * z / (2 * tv);
    if (grad)
        for (unsigned i = 0; i < n; i++)
            grad[i] += (gm * tdm[c->free[i]] + gv * tdv[c->free[i]]) / c->scale[i];
    return v;
}
