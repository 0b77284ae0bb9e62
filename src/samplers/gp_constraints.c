/* The gp sampler's constraints (samplers/gp_internal.h): one model per constraint value
 * (knob_trial_set_constraints), standardized, and the log probability of feasibility
 * log Phi((0 - mean) / sd) added to the acquisition (Gardner et al. 2014). */
#include "math/acq.h"
#include "math/scale.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds each constraint's log probability of feasibility to out (m points). */
void knob__bo_feasibility_batch(ctx *c, const double *x, int m, double *out)
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
double knob__bo_feasibility_grad(ctx *c, unsigned n, double *grad)
{
    bo *p = c->p;
    double v = 0;
    for (int j = 0; j < p->nc; j++) {
        if (!p->cok[j])
            continue;
        double cm, cv, *cdm = c->tdm, *cdv = c->tdv, gm, gv;
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

/* One model per constraint, on the observations that carry it, standardized; the bound 0
 * standardized likewise. Refit on the objective's schedule. */
int knob__bo_fit_constraints(bo *p, const data *D, const bool *cat)
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
        double mean = 0, var = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
        /* by a power of two first, so that values of any magnitude standardize alike (exact;
         * math/scale.h) */
        int e2 = knob__scale_exponent(D->C + j, (size_t)n, (size_t)nc);
        for (int i = 0; i < n; i++) {
            double v = ldexp(D->C[(size_t)i * nc + j], -e2);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
        /* an infinite value (violated beyond measure, or satisfied so) as a step past the
         * finite ones, by their range (1 without), and past 0; NaN: the trial has none */
        double step = hi > lo ? hi - lo : 1;
        for (int i = 0; i < n; i++) {
            double v = ldexp(D->C[(size_t)i * nc + j], -e2);
            if (isnan(v))
                continue;
            if (isinf(v))
                v = v > 0 ? (hi > 0 ? hi : 0) + step : (lo < 0 ? lo : 0) - step;
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
        char name[32];
        snprintf(name, sizeof name, "c%d", j);
        if (!rc)
            knob__bo_fit_start(p, g, name);
        if (!rc)
            rc = refit || !g->fitted ? knob__gp_fit(g, (int)p->fit_max_evals) : knob__gp_factor(g);
        if (rc)
            rc = knob__bo_failed(rc, m, d);
    }
    if (refit)
        p->n_cfitted = n_seen;
    free(X);
    return rc;
}
