/* Cost-aware search: the pieces gp and tpe share (cost.h). */
#include "samplers/cost.h"
#include "internal.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int knob__cost_options_check(const char *sampler, const char *cost, double budget)
{
    if ((cost && cost[0]) || !(budget > 0))
        return KNOB_OK;
    return knob_set_error(KNOB_EINVAL,
                          "%s: option 'cost_budget' (%g) is set without 'cost' (\"duration\" or "
                          "the user attr holding each trial's cost, which the budget is spent "
                          "in); give both, or neither",
                          sampler, budget);
}

/* Whether the attribute's JSON is a sentence of `sampler` about option cost `cost`. */
static bool said_by(const char *json, const char *sampler, const char *cost)
{
    knobx_json *j = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    size_t n = strlen(sampler), k = strlen(cost);
    bool ours = j && j->type == KNOBX_JSON_STRING && strncmp(j->str, sampler, n) == 0 &&
                strncmp(j->str + n, ": cost '", 8) == 0 && strncmp(j->str + n + 8, cost, k) == 0 &&
                j->str[n + 8 + k] == '\'';
    knobx_json_free(j);
    return ours;
}

void knob__cost_note(knob_study *s, const char *sampler, const char *cost, int64_t n_startup,
                     int *settled)
{
    if (!cost || !cost[0] || *settled > 0)
        return;
    knob__kept_error kept;
    knob__error_keep(&kept);
    const knob_trial_info *const *tr;
    size_t n, complete = 0;
    bool seen = false;
    if (knob_study_trials(s, &tr, &n))
        n = 0, seen = true; /* nothing read: nothing said */
    for (size_t i = 0; i < n && !seen; i++) {
        if (tr[i]->state != KNOB_TRIAL_COMPLETE)
            continue;
        seen = isfinite(knob__trial_cost(cost, tr[i]));
        complete++;
    }
    /* nothing to say yet, or said already by this handle: no read */
    if (!seen && ((int64_t)complete < n_startup || complete == 0 || *settled < 0)) {
        knob__error_put(&kept);
        return;
    }
    const char *was = knob_study_system_attr(s, "cost_unseen");
    if (seen && n && said_by(was, sampler, cost)) {
        *settled = knob_study_set_system_attr(s, "cost_unseen", "null") ? 0 : 1;
    } else if (seen && n) {
        *settled = 1;
    } else if (!seen && said_by(was, sampler, cost)) {
        *settled = -1; /* said (by another handle, or before): not read again while unseen */
    } else if (!seen && complete > 0 && (int64_t)complete >= n_startup) {
        /* said once, with the count of then */
        char text[512];
        snprintf(text, sizeof text,
                 "%s: cost '%.200s': none of the first %zu complete trials has it (the trial's "
                 "user attr of that name, a number): the search is cost-blind until one has",
                 sampler, cost, complete);
        knobx_buf b = {0};
        knobx_json_add_string(&b, text);
        if (!b.oom && !knob_study_set_system_attr(s, "cost_unseen", knobx_buf_cstr(&b)))
            *settled = -1;
        knobx_buf_free(&b);
    }
    knob__error_put(&kept);
}

double knob__trial_cost(const char *cost, const knob_trial_info *t)
{
    double k = NAN;
    if (strcmp(cost, "duration") == 0) {
        k = t->end_time - t->start_time;
    } else {
        const char *v = knob_trial_info_attr(t, cost, false);
        char *end;
        if (v) {
            v += *v == '"'; /* a number written as a JSON string */
            k = strtod(v, &end);
            if (end == v)
                k = NAN;
        }
    }
    return !isfinite(k) ? NAN : k > 0 ? k : 0; /* 0: it cost nothing (or less) */
}

double knob__cost_floor(const double *k, size_t n)
{
    double least = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (k[i] > 0 && k[i] < least)
            least = k[i];
    return isfinite(least) ? least / 100 : NAN;
}

double knob__cost_alpha(double budget, double spent, double spent_startup, int64_t n_seen,
                        int64_t n_startup)
{
    double a;
    if (budget > 0)
        a = (budget - spent) / fmax(budget - spent_startup, 1e-300);
    else
        a = 1 - (double)(n_seen - n_startup) / (9.0 * (double)(n_startup > 0 ? n_startup : 1));
    return fmin(fmax(a, 0), 1);
}
