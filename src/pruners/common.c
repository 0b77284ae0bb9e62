#include "pruners/common.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool knob__last_step(const knob_trial *t, int64_t *step, double *value)
{
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    if (!n)
        return false;
    *step = v[n - 1].step;
    *value = v[n - 1].value;
    return true;
}

bool knob__value_at(const knob_trial_info *info, int64_t step, double *value)
{
    size_t lo = 0, hi = info->n_intermediate;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (info->intermediate[mid].step < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < info->n_intermediate && info->intermediate[lo].step == step) {
        *value = info->intermediate[lo].value;
        return true;
    }
    return false;
}

double knob__best_of(const knob_step_value *v, size_t n, knob_direction dir)
{
    double best = NAN;
    for (size_t i = 0; i < n; i++)
        if (isnan(best) || (dir == KNOB_MAXIMIZE ? v[i].value > best : v[i].value < best))
            best = v[i].value;
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double knob__percentile(double *v, size_t n, double q)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q / 100.0 * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return v[n - 1];
    double frac = pos - (double)i, a = v[i], b = v[i + 1];
    /* Infinite values (a trial copied in with knob_study_add_trial) make a + (b - a) * frac
     * NaN (inf - inf, or inf * 0): the interpolation's limit instead. */
    if (frac == 0 || a == b || a == -INFINITY)
        return a;
    if (b == INFINITY)
        return b;
    /* b - a of two finite values of opposite signs may overflow (-1.7e308 and 1.7e308: the
     * median was inf, and a trial reporting 1e308 was kept); weighted apart, neither term
     * can */
    if (!isfinite(b - a))
        return a * (1 - frac) + b * frac;
    return a + (b - a) * frac;
}

bool knob__check_step(const knob_trial *t, int64_t step, int64_t n_warmup, int64_t interval)
{
    if (step < n_warmup)
        return false;
    if (interval <= 1)
        return true;
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    int64_t nearest = (step - n_warmup) / interval * interval + n_warmup;
    /* the largest step reported before this one (Optuna's second last step): this one may
     * not be stored (the threshold pruner's infinity), nor be the last (an earlier step
     * reported late) */
    int64_t second_last = -1;
    for (size_t i = n; i-- > 0 && second_last < 0;)
        if (v[i].step < step)
            second_last = v[i].step;
    return second_last < nearest;
}

int knob__prune_direction(knob_study *s, int64_t i, const char *pruner, knob_direction *dir)
{
    if (i < 0 || (size_t)i >= knob_study_n_objectives(s))
        return knob_set_error(KNOB_EINVAL, "pruner '%s': option objective=%" PRId64
                              " but study '%s' has %zu objective(s)", pruner, i,
                              knob_study_name(s), knob_study_n_objectives(s));
    *dir = knob_study_direction(s, (size_t)i);
    return KNOB_OK;
}

/* ---------------------------------------------------------------- successive halving */

static void rung_key(char *buf, size_t size, int64_t rung)
{
    snprintf(buf, size, "sh_rung_%" PRId64, rung);
}

/* How many rungs the trial has passed, from its own system attributes. */
static int64_t current_rung(const knob_trial *t)
{
    char key[48];
    int64_t r = 0;
    for (;; r++) {
        rung_key(key, sizeof key, r);
        if (!knob_trial_system_attr(t, key))
            return r;
    }
}

/* The values recorded at `rung` by other trials (same bracket), plus `value`. */
static int competing(const knob__sh *p, knob_study *s, knob_trial *t, int64_t rung, double value,
                     double **out, size_t *n)
{
    const knob_trial_info *const *trials;
    size_t nt, count = 0;
    int rc = knob_study_trials(s, &trials, &nt);
    if (rc)
        return rc;
    double *v = malloc((nt + 1) * sizeof *v);
    if (!v)
        return knob_set_error(KNOB_ENOMEM, "out of memory (successive halving)");
    char key[48];
    rung_key(key, sizeof key, rung);
    for (size_t i = 0; i < nt; i++) {
        if (trials[i]->number == knob_trial_number(t))
            continue;
        if (p->same && !p->same(p->ctx, s, trials[i]))
            continue;
        const char *json = knob_trial_info_attr(trials[i], key, true);
        if (json)
            v[count++] = strtod(json, NULL);
    }
    v[count++] = value;
    *out = v;
    *n = count;
    return KNOB_OK;
}

/* A finished trial's rung is not recorded: Optuna's storages refuse to update a finished
 * trial (should_prune asked after the tell raises there), and a rung recorded late would
 * compete with the trials still running. The trial's state as the storage has it, as it
 * may have been told through another handle, study handle or process. */
static int refuse_finished(knob_study *s, const knob_trial *t, int64_t rung)
{
    const knob_trial_info *const *trials;
    size_t nt;
    int rc = knob_study_trials(s, &trials, &nt);
    for (size_t i = 0; !rc && i < nt; i++) {
        if (trials[i]->number != knob_trial_number(t))
            continue;
        /* a trial failed for its silent heartbeat may still be told by its worker (knob.h,
         * heartbeat_interval): it runs on */
        const char *cause = knob_trial_info_attr(trials[i], "fail_cause", true);
        bool lost =
            trials[i]->state == KNOB_TRIAL_FAIL && cause && !strcmp(cause, "\"worker_lost\"");
        if (trials[i]->state != KNOB_TRIAL_RUNNING && trials[i]->state != KNOB_TRIAL_WAITING &&
            !lost)
            return knob_set_error(KNOB_ESTATE,
                                  "trial %" PRId64 " of study '%s' has finished: its rung %" PRId64
                                  " cannot be recorded",
                                  knob_trial_number(t), knob_study_name(s), rung);
        break;
    }
    return rc;
}

static bool promotable(double value, double *v, size_t n, int64_t eta, knob_direction dir)
{
    int64_t idx = (int64_t)n / eta - 1;
    if (idx < 0)
        idx = 0; /* the first eta-1 trials go on only when they are the best so far */
    qsort(v, n, sizeof *v, cmp_double);
    if (dir == KNOB_MAXIMIZE)
        return v[n - 1 - (size_t)idx] <= value;
    return value <= v[idx];
}

int knob__sh_prune(const knob__sh *p, knob_study *s, knob_trial *t, bool *out)
{
    int64_t step;
    double value;
    *out = false;
    if (!knob__last_step(t, &step, &value))
        return KNOB_OK;
    for (int64_t rung = current_rung(t);; rung++) {
        double at = (double)p->min_resource *
                    pow((double)p->reduction_factor, (double)(p->min_early_stopping_rate + rung));
        if ((double)step < at || (p->max_resource > 0 && at >= (double)p->max_resource))
            return KNOB_OK;
        char key[48], json[40];
        rung_key(key, sizeof key, rung);
        snprintf(json, sizeof json, "%.17g", value);
        int rc = refuse_finished(s, t, rung);
        if (!rc)
            rc = knob_trial_set_system_attr(t, key, json);
        double *v = NULL;
        size_t n = 0;
        if (!rc)
            rc = competing(p, s, t, rung, value, &v, &n);
        if (rc)
            return rc;
        bool go_on = (int64_t)n > p->bootstrap_count &&
                     promotable(value, v, n, p->reduction_factor, p->dir);
        free(v);
        if (!go_on) {
            *out = true;
            return KNOB_OK;
        }
    }
}
