/* The hypervolume of a study's feasible Pareto front, and its history. */
#include "math/hypervolume.h"
#include "study.h"

#include <math.h>
#include <stdio.h>

/* Objective j of a trial as a loss (maximized objectives negated). */
static double loss(const knob_study *s, const double *values, size_t j)
{
    return s->dirs[j] == KNOB_MAXIMIZE ? -values[j] : values[j];
}

/* The point p as text; flip: p is in losses, shown in the objectives' directions. */
static void point_text(const knob_study *s, char *buf, size_t size, const double *p, size_t m,
                       bool flip)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t j = 0; j < m && at < size; j++)
        at += (size_t)snprintf(buf + at, size - at, "%s%g", j ? ", " : "(",
                               flip && s->dirs[j] == KNOB_MAXIMIZE ? -p[j] : p[j]);
    if (at < size)
        snprintf(buf + at, size - at, ")");
}

/* The reference point as a loss: the caller's (checked), or the default from the front. */
static int reference(knob_study *s, const knob_trial_info *const *front, size_t n,
                     const double *ref, double *out)
{
    size_t m = s->n_dirs;
    if (ref) {
        for (size_t j = 0; j < m; j++) {
            if (!isfinite(ref[j]))
                return knob__error(KNOB_EINVAL,
                                   "study '%s': hypervolume reference point: objective %zu is "
                                   "%g, not a finite number",
                                   s->name, j, ref[j]);
            out[j] = s->dirs[j] == KNOB_MAXIMIZE ? -ref[j] : ref[j];
        }
        return KNOB_OK;
    }
    for (size_t j = 0; j < m; j++) {
        /* From the finite values only: an infinite one (infinite_values) would make the
         * reference infinite, and the volume inf or NaN. A point at +inf lies outside the
         * box and adds nothing; an objective with no finite value is bounded at 0.1. */
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            double x = loss(s, front[i]->values, j);
            if (isfinite(x)) {
                lo = fmin(lo, x);
                hi = fmax(hi, x);
            }
        }
        if (lo > hi)
            lo = hi = 0;
        double range = hi - lo;
        out[j] = hi + 0.1 * (range > 0 ? range : fmax(fabs(hi), 1));
        /* A range below the rounding of the values (trials an ulp apart) moves nothing:
         * the nearest double beyond the nadir then, so the front still bounds a volume. */
        if (!(out[j] > hi))
            out[j] = nextafter(hi, INFINITY);
    }
    return KNOB_OK;
}

static int front_of(knob_study *s, const knob_trial_info *const **front, size_t *n)
{
    if (s->n_dirs == 0)
        return knob__error(KNOB_EINVAL, "study '%s' has no objective, so no hypervolume", s->name);
    int rc = knob_study_best_trials(s, front, n);
    if (!rc && !*n)
        rc = knob__error(KNOB_ENOTFOUND,
                         "study '%s' has no complete trial yet, so no "
                         "hypervolume",
                         s->name);
    return rc;
}

/* Checks that some point of the front lies strictly below the reference. */
static int check_dominated(knob_study *s, const double *pts, size_t n, const double *r,
                           const double *ref)
{
    size_t m = s->n_dirs;
    for (size_t i = 0; i < n; i++) {
        bool below = true;
        for (size_t j = 0; j < m && below; j++)
            below = pts[i * m + j] < r[j];
        if (below)
            return KNOB_OK;
    }
    char text[256];
    point_text(s, text, sizeof text, ref, m, ref == r);
    if (ref == r) /* the default, from the front's finite values */
        return knob__error(KNOB_EINVAL,
                           "study '%s': no trial of the Pareto front is better than the default "
                           "hypervolume reference point %s in every objective (the default "
                           "comes from the front's finite values, and each trial has an "
                           "infinite value on the losing side); give a reference point",
                           s->name, text);
    return knob__error(KNOB_EINVAL,
                       "study '%s': the hypervolume reference point %s is not worse than any "
                       "trial of the Pareto front in every objective, so it bounds nothing (a "
                       "minimized objective's reference must lie above the front, a maximized "
                       "one's below; leave it out for the default)",
                       s->name, text);
}

int knob_study_hypervolume(knob_study *s, const double *ref, double *hv)
{
    if (!s || !hv)
        return knob__error(KNOB_EINVAL, "knob_study_hypervolume: NULL argument");
    const knob_trial_info *const *front;
    size_t n, m = s->n_dirs;
    int rc = front_of(s, &front, &n);
    if (rc)
        return rc;
    double *pts = malloc((n * m + m) * sizeof *pts);
    if (!pts)
        return knob__oom("hypervolume");
    double *r = pts + n * m;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            pts[i * m + j] = loss(s, front[i]->values, j);
    rc = reference(s, front, n, ref, r);
    if (!rc)
        rc = check_dominated(s, pts, n, r, ref ? ref : r);
    double out = 0;
    if (!rc && knob__hv(pts, n, m, r, &out))
        rc = knob__oom("hypervolume");
    free(pts);
    if (!rc)
        *hv = out;
    return rc;
}

static int by_end(const void *a, const void *b)
{
    const knob_trial_info *x = *(const knob_trial_info *const *)a;
    const knob_trial_info *y = *(const knob_trial_info *const *)b;
    if (x->end_time != y->end_time)
        return x->end_time < y->end_time ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

/* Whether trial t is a point of the history: complete, feasible, with its m values. */
static bool point_of(const knob_trial_info *t, size_t m)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_values == m && knob_trial_info_feasible(t);
}

/* The hypervolume after each of the n_done finished trials done[], in their order. */
static int history(knob_study *s, const double *r, const knob_trial_info **done, size_t n_done,
                   double *out)
{
    size_t m = s->n_dirs;
    double *pts = malloc((n_done * m + 1) * sizeof *pts);
    bool *use = malloc((n_done ? n_done : 1) * sizeof *use);
    int rc = pts && use ? KNOB_OK : KNOB_ENOMEM;
    for (size_t i = 0; !rc && i < n_done; i++) {
        use[i] = point_of(done[i], m);
        for (size_t j = 0; j < m; j++)
            pts[i * m + j] = use[i] ? loss(s, done[i]->values, j) : 0;
    }
    if (!rc && knob__hv_history(pts, use, n_done, m, r, out))
        rc = KNOB_ENOMEM;
    free(pts);
    free(use);
    return rc ? knob__oom("hypervolume history") : KNOB_OK;
}

/* The history of the finished trials in the order they finished, or (by_number) in the
 * order of their numbers; `fn`, the API function's name, for its messages. */
static int history_of(knob_study *s, const double *ref, bool by_number, const char *fn,
                      const double **out, size_t *n)
{
    if (!s || !out || !n)
        return knob__error(KNOB_EINVAL, "%s: NULL argument", fn);
    const knob_trial_info *const *front;
    size_t n_front, m = s->n_dirs;
    /* Every trial, read first: a study opened anew would otherwise hold only its front's
     * record and the trials changed since (knob_study_best_trials' read), not the history. */
    int rc = s->n_dirs ? knob__view_sync(s) : KNOB_OK;
    if (!rc)
        rc = front_of(s, &front, &n_front);
    if (rc == KNOB_ENOTFOUND && ref) { /* no feasible complete trial: 0 after each */
        n_front = 0;
        rc = KNOB_OK;
    }
    if (rc)
        return rc;
    double *r = malloc((n_front * m + m) * sizeof *r);
    if (!r)
        return knob__oom("hypervolume history");
    double *pts = r + m;
    for (size_t i = 0; i < n_front; i++)
        for (size_t j = 0; j < m; j++)
            pts[i * m + j] = loss(s, front[i]->values, j);
    /* the caller's point that no trial dominates bounds nothing yet: 0 after each trial;
     * the default one is checked as knob_study_hypervolume checks it */
    rc = reference(s, front, n_front, ref, r);
    if (!rc && !ref)
        rc = check_dominated(s, pts, n_front, r, r);
    /* The finished trials in the order of their numbers, then (but by_number) of their ends. */
    const knob__view *v = &s->view;
    const knob_trial_info **done = rc ? NULL : malloc((v->n ? v->n : 1) * sizeof *done);
    size_t n_done = 0;
    if (!rc && !done)
        rc = knob__oom("hypervolume history");
    for (size_t i = 0; !rc && i < v->n; i++) {
        const knob_trial_info *t = v->by_number[i];
        if (t && t->state != KNOB_TRIAL_RUNNING && t->state != KNOB_TRIAL_WAITING)
            done[n_done++] = t;
    }
    double *hist = NULL;
    if (!rc) {
        if (!by_number)
            qsort(done, n_done, sizeof *done, by_end);
        hist = malloc((n_done ? n_done : 1) * sizeof *hist);
        rc = hist ? history(s, r, done, n_done, hist) : knob__oom("hypervolume history");
    }
    free(done);
    free(r);
    if (rc) {
        free(hist);
        return rc;
    }
    free(s->hv_history);
    s->hv_history = hist;
    *out = hist;
    *n = n_done;
    return KNOB_OK;
}

int knob_study_hypervolume_history(knob_study *s, const double *ref, const double **out, size_t *n)
{
    return history_of(s, ref, false, "knob_study_hypervolume_history", out, n);
}

int knob_study_hypervolume_history_by_number(knob_study *s, const double *ref, const double **out,
                                             size_t *n)
{
    return history_of(s, ref, true, "knob_study_hypervolume_history_by_number", out, n);
}
