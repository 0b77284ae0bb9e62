/* Learning-curve extrapolation: fits a power law and an exponential saturation to a
 * trial's intermediate values (recent points weigh more), predicts the value at the last
 * step, and stops the trial when it is unlikely to beat the best trial so far and the
 * jackknife's refitted predictions (each group of points left out) all fall short too.
 *
 * It is cautious by design: how far the two families disagree about the end widens the
 * band both ways. A clean power law is fitted exactly, while the exponential saturates
 * far below it, so the band stays wide until the curve nears its end (one 5x worse than
 * the best ran to step 27-28 of 30; an exponential one stops at step 4). Counting only a
 * family that ends higher stopped such curves at step 4, but also stopped curves that
 * neither family fits and that ended better than the best (a mix of the two shapes, whose
 * both fits ended too low): the disagreement is the measure of that risk, so it stays. */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct curve {
    int64_t n_startup_trials, min_points, max_resource, objective;
    double threshold;
} curve;

typedef struct fit {
    double a, b, c, sse;
    int family; /* 0: a - b (t+1)^-c, 1: a - b exp(-c t) */
} fit;

static double basis(int family, double c, double t)
{
    return family == 0 ? pow(t + 1, -c) : exp(-c * t);
}

/* Weighted least squares of y = a - b * phi(t) for a fixed c; returns the SSE. */
static double solve(const double *t, const double *y, const double *w, size_t n, int family,
                    double c, double *a, double *b)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double x = basis(family, c, t[i]);
        sw += w[i];
        sx += w[i] * x;
        sy += w[i] * y[i];
        sxx += w[i] * x * x;
        sxy += w[i] * x * y[i];
    }
    double det = sw * sxx - sx * sx;
    if (fabs(det) < 1e-300)
        return INFINITY;
    double slope = (sw * sxy - sx * sy) / det; /* y = a + slope * x */
    *a = (sy - slope * sx) / sw;
    *b = -slope;
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - (*a - *b * basis(family, c, t[i]));
        sse += w[i] * r * r;
    }
    return sse;
}

/* The best c of one family: a log grid, then golden-section refinement. */
static fit fit_family(const double *t, const double *y, const double *w, size_t n, int family,
                      double tmax)
{
    double lo = family == 0 ? 1e-3 : 0.01 / (tmax + 1), hi = family == 0 ? 5.0 : 20.0 / (tmax + 1);
    fit best = {.sse = INFINITY, .family = family};
    int grid = 40;
    double step = log(hi / lo) / (grid - 1);
    int at = 0;
    for (int k = 0; k < grid; k++) {
        double c = lo * exp(step * k), a, b, sse = solve(t, y, w, n, family, c, &a, &b);
        if (sse < best.sse) {
            best = (fit){a, b, c, sse, family};
            at = k;
        }
    }
    double l = log(lo) + step * (at > 0 ? at - 1 : 0), r = log(lo) + step * (at < grid - 1 ? at + 1 : at);
    const double g = 0.6180339887498949;
    for (int it = 0; it < 30; it++) {
        double m1 = r - g * (r - l), m2 = l + g * (r - l), a1, b1, a2, b2;
        double s1 = solve(t, y, w, n, family, exp(m1), &a1, &b1);
        double s2 = solve(t, y, w, n, family, exp(m2), &a2, &b2);
        if (s1 < s2)
            r = m2;
        else
            l = m1;
    }
    double c = exp((l + r) / 2), a, b, sse = solve(t, y, w, n, family, c, &a, &b);
    if (sse < best.sse)
        best = (fit){a, b, c, sse, family};
    return best;
}

static double predict(const fit *f, double t)
{
    return f->a - f->b * basis(f->family, f->c, t);
}

/* The last step of the completed trials (the budget), or -1. */
static int64_t horizon(const knob_trial_info *const *tr, size_t n)
{
    int64_t h = -1;
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_intermediate &&
            tr[i]->intermediate[tr[i]->n_intermediate - 1].step > h)
            h = tr[i]->intermediate[tr[i]->n_intermediate - 1].step;
    return h;
}

/* Best final value among completed trials, as "higher is better"; NaN when none. */
static double best_final(const knob_trial_info *const *tr, size_t n, size_t obj, double sign,
                         size_t *n_complete)
{
    double best = NAN;
    *n_complete = 0;
    for (size_t i = 0; i < n; i++) {
        if (tr[i]->state != KNOB_TRIAL_COMPLETE || tr[i]->n_values <= obj)
            continue;
        (*n_complete)++;
        double v = sign * tr[i]->values[obj];
        if (isnan(best) || v > best)
            best = v;
    }
    return best;
}

/* The better of the two families' fits of the points of weight w, and its prediction
 * at tmax; *other (may be NULL) is the other family's prediction. */
static double fit_predict(const double *t, const double *y, const double *w, size_t n, double tmax,
                          fit *best, double *other)
{
    fit p = fit_family(t, y, w, n, 0, tmax), e = fit_family(t, y, w, n, 1, tmax);
    *best = p.sse <= e.sse ? p : e;
    if (other)
        *other = predict(p.sse <= e.sse ? &e : &p, tmax);
    return predict(best, tmax);
}

/* Groups of the jackknife: leave-one-out up to this many points, beyond it contiguous
 * blocks of points left out in turn (the cost is one fit per group). */
#define JACK_GROUPS 20

/* The jackknife of the prediction at tmax: the curve fitted again with each group of
 * points left out. *var is the jackknife variance of the prediction, *hi the highest
 * of the refitted predictions. False when out of memory. */
static bool jackknife(const double *t, const double *y, const double *w, size_t n, double tmax,
                      double *var, double *hi)
{
    size_t g = n < JACK_GROUPS ? n : JACK_GROUPS;
    double *wj = malloc((n + g) * sizeof *wj), *pred = wj + n, mean = 0;
    if (!wj)
        return false;
    *hi = -INFINITY;
    for (size_t j = 0; j < g; j++) {
        for (size_t i = 0; i < n; i++)
            wj[i] = i * g / n == j ? 0 : w[i];
        fit f;
        pred[j] = fit_predict(t, y, wj, n, tmax, &f, NULL);
        if (!isfinite(pred[j]))
            pred[j] = INFINITY; /* a fit that says nothing keeps the trial */
        mean += pred[j] / (double)g;
        if (pred[j] > *hi)
            *hi = pred[j];
    }
    *var = 0;
    for (size_t j = 0; j < g; j++)
        *var += (pred[j] - mean) * (pred[j] - mean) * (double)(g - 1) / (double)g;
    free(wj);
    return true;
}

/* Whether the trial is unlikely to end above `best`, from its curve so far. A single fit
 * extrapolates with a confidence its few points do not give (a curve that is about to
 * turn, a point that pulls the fit): the spread of the prediction is the jackknife's,
 * and every refitted prediction, as the fits of both families, must fall below `best`
 * too. */
static bool hopeless(const knob_step_value *v, size_t n, double sign, double tmax, double best,
                     double threshold)
{
    double *t = calloc(3 * n, sizeof *t), *y = t + n, *w = t + 2 * n;
    if (!t)
        return false;
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)v[i].step;
        y[i] = sign * v[i].value;
        w[i] = (double)(i + 1); /* recent points weigh more */
    }
    fit f;
    double other, var = 0, hi = -INFINITY, sw = 0;
    double mu = fit_predict(t, y, w, n, tmax, &f, &other), gap = fabs(mu - other);
    for (size_t i = 0; i < n; i++)
        sw += w[i];
    double span = t[n - 1] - t[0] + 1;
    double resid = sqrt(f.sse / sw * (double)n / (double)(n - 2));
    /* Uncertainty grows with how far ahead we look, with how much the fit moves when
     * points are left out, and with how much the two families disagree about the end. */
    double ahead = (tmax - t[n - 1]) / span, eps = 1e-12 * (1 + fabs(best));
    bool stop = false;
    /* The jackknife (a fit per group) only widens the band: it is worth its cost only
     * when the single fit says stop. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !jackknife(t, y, w, n, tmax, &var, &hi)) {
            stop = false; /* out of memory: no reason to stop it */
            break;
        }
        double sigma = sqrt(resid * resid * (1 + ahead) + var) + gap + eps;
        double top = fmax(hi, fmax(mu, other));
        stop = isfinite(mu) && sigma < INFINITY && top < best &&
               0.5 * erfc((best - mu) / (sigma * sqrt(2.0))) < threshold;
        if (!stop)
            break;
    }
    free(t);
    return stop;
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const curve *p = state;
    knob_direction dir;
    const knob_trial_info *const *tr;
    size_t n, n_complete;
    *out = false;
    int rc = knob__prune_direction(s, p->objective, "curve", &dir);
    if (rc || (rc = knob_study_trials(s, &tr, &n)))
        return rc;
    const knob_step_value *v;
    size_t nv = knob_trial_intermediate(t, &v);
    double sign = dir == KNOB_MAXIMIZE ? 1 : -1;
    double best = best_final(tr, n, (size_t)p->objective, sign, &n_complete);
    int64_t tmax = p->max_resource > 0 ? p->max_resource : horizon(tr, n);
    if ((int64_t)nv < p->min_points || (int64_t)n_complete < p->n_startup_trials ||
        isnan(best) || tmax < 0 || v[nv - 1].step >= tmax)
        return KNOB_OK;
    *out = hopeless(v, nv, sign, (double)tmax, best, p->threshold);
    return KNOB_OK;
}

static const knob_option options[] = {
    {"n_startup_trials", KNOB_OPT_INT, offsetof(curve, n_startup_trials), "3", 1, 1e9,
     "completed trials needed before any pruning", NULL},
    {"min_points", KNOB_OPT_INT, offsetof(curve, min_points), "5", 3, 1e9,
     "intermediate values needed to fit a curve", NULL},
    {"max_resource", KNOB_OPT_INT, offsetof(curve, max_resource), "0", 0, 1e15,
     "the step to extrapolate to (0: the last step of the completed trials)", NULL},
    {"threshold", KNOB_OPT_DOUBLE, offsetof(curve, threshold), "0.05", 0, 1,
     "stop when the chance of beating the best trial is below this", NULL},
    {"objective", KNOB_OPT_INT, offsetof(curve, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_curve = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "curve",
    .help = "Learning-curve extrapolation: fits power-law and exponential-saturation curves "
            "to a trial's values and stops it when its predicted final value is unlikely to "
            "beat the best trial. Cautious: the band around the prediction is widened by how "
            "far the two curves disagree about the end, so a curve that only one of them fits "
            "(a power law, which the exponential ends far lower) runs long before it is "
            "stopped, even when it is clearly worse.",
    .state_size = sizeof(curve),
    .options = options,
    .prune = prune,
};
