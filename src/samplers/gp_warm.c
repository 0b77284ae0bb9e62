/* The gp sampler's warm start (samplers/gp_internal.h): a finished related study's model,
 * on the params both share, as this study's prior mean, scaled to this study's trials; and
 * the source's best configurations for the first trials (samplers/warm_start.h). */
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The prior mean at m rows of x (0 without a warm start), with a (d-vector) gradient at
 * one row when grad is not NULL. */
void knob__bo_prior_mean(const bo *p, const double *x, int m, double *out, double *grad,
                         double *work)
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

/* The prior mean's scale: own standardized losses against the source's standardized mean
 * at their rows, by least squares with the slope shrunk towards 1 (at least 0; slope 1 and
 * offset 0 while own trials are too few to say). The residuals into resid. */
#define WS_PRIOR_POINTS 5.0

void knob__bo_fit_prior_scale(bo *p, const data *D, double *resid, double *work)
{
    int n = D->n;
    p->ws_a = 1;
    p->ws_b = 0;
    knob__bo_prior_mean(p, D->X, n, resid, NULL, work); /* the source's mean itself, a = 1, b = 0 */
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
        rc = knob__bo_thin(X, y, NULL, NULL, 0, NULL, &S.n, p->ns, (int)p->max_observations);
    if (!rc && S.n >= 2) {
        knob__bo_standardize(p, &S);
        p->sgp.min_noise = p->min_noise;
        rc = knob__gp_set_data(&p->sgp, X, y, S.n, p->ns, cat);
        if (!rc)
            rc = knob__gp_fit(&p->sgp, (int)p->fit_max_evals);
        if (rc)
            rc = knob__bo_failed(rc, S.n, p->ns);
        p->ws_on = !rc;
    }
    free(X);
    return rc;
}

/* The source study (warm_start_study, from warm_start_storage or this study's storage)
 * and its model, once. A missing study is an error; one sharing no param, a cold start. */
int knob__bo_warm_start(bo *p, knob_study *s)
{
    knob_study *src = NULL;
    int rc = knob__warm_open(s, "gp", p->ws_study, p->ws_storage, &src);
    if (!rc)
        rc = source_model(p, src);
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
