/* The study as the web page reads it (web/src/model.js): short keys and numbers of 10
 * significant digits keep a report of 10,000 trials small. */
#include "cli/web.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void num(knobx_buf *b, double v)
{
    if (isfinite(v))
        knobx_buf_printf(b, "%.10g", v);
    else
        knobx_buf_puts(b, "null");
}

static void choice_json(knobx_buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        knobx_json_add_string(b, c->str ? c->str : "");
        break;
    case KNOB_CHOICE_NUMBER:
        num(b, c->num);
        break;
    case KNOB_CHOICE_BOOL:
        knobx_buf_puts(b, c->num != 0 ? "true" : "false");
        break;
    default:
        knobx_buf_puts(b, "null");
    }
}

static void dist_json(knobx_buf *b, const char *name, const knob_distribution *d)
{
    knobx_buf_puts(b, "{\"name\":");
    knobx_json_add_string(b, name);
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        knobx_buf_puts(b, ",\"kind\":\"categorical\",\"choices\":[");
        for (size_t i = 0; i < d->n_choices; i++) {
            if (i)
                knobx_buf_puts(b, ",");
            choice_json(b, &d->choices[i]);
        }
        knobx_buf_puts(b, "]}");
        return;
    }
    knobx_buf_printf(
        b, ",\"kind\":\"%s\",\"log\":%s,\"low\":", d->kind == KNOB_DIST_INT ? "int" : "float",
        (d->flags & KNOB_LOG) ? "true" : "false");
    num(b, d->low);
    knobx_buf_puts(b, ",\"high\":");
    num(b, d->high);
    knobx_buf_puts(b, "}");
}

/* Every param name with the first distribution seen under it, in the order first seen. */
static void params_json(knobx_buf *b, const knob_trial_info *const *all, size_t n)
{
    const char **names = NULL;
    size_t n_names = 0, cap = 0;
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < all[i]->n_params; j++) {
            const knob_param *p = &all[i]->params[j];
            bool known = false;
            for (size_t k = 0; k < n_names && !known; k++)
                known = !strcmp(names[k], p->name);
            if (known)
                continue;
            if (n_names == cap) {
                size_t nc = cap ? 2 * cap : 16;
                const char **g = realloc(names, nc * sizeof *g);
                if (!g) {
                    b->oom = true;
                    break;
                }
                names = g;
                cap = nc;
            }
            if (n_names)
                knobx_buf_puts(b, ",");
            names[n_names++] = p->name;
            dist_json(b, p->name, p->dist);
        }
    }
    free(names);
    knobx_buf_puts(b, "]");
}

/* An attribute's JSON text, or null. */
static void attr_or_null(knobx_buf *b, const knob_trial_info *t, const char *key, bool system)
{
    const char *v = knob_trial_info_attr(t, key, system);
    knobx_buf_puts(b, v ? v : "null");
}

/* Intermediate values: "i0" and "iv" (the values of steps i0, i0+1, ...) when the steps
 * follow each other, as they mostly do (half the bytes of a 10,000-trial report), else "i"
 * as [[step, value], ...]. 8 significant digits: a curve's points, not a result. */
static void intermediate_json(knobx_buf *b, const knob_trial_info *t)
{
    const knob_step_value *iv = t->intermediate;
    bool dense = true;
    for (size_t i = 1; i < t->n_intermediate && dense; i++)
        dense = iv[i].step == iv[0].step + (int64_t)i;
    if (dense && t->n_intermediate)
        knobx_buf_printf(b, ",\"i0\":%lld,\"iv\":[", (long long)iv[0].step);
    else
        knobx_buf_puts(b, ",\"i\":[");
    for (size_t i = 0; i < t->n_intermediate; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        if (!dense)
            knobx_buf_printf(b, "[%lld,", (long long)iv[i].step);
        if (isfinite(iv[i].value))
            knobx_buf_printf(b, "%.8g", iv[i].value);
        else
            knobx_buf_puts(b, "null");
        if (!dense)
            knobx_buf_puts(b, "]");
    }
    knobx_buf_puts(b, "]");
}

static void trial_json(knobx_buf *b, const knob_trial_info *t)
{
    knobx_buf_printf(b, "{\"n\":%lld,\"s\":\"%s\",\"v\":[", (long long)t->number,
                     knob_trial_state_str(t->state));
    for (size_t i = 0; i < t->n_values; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        num(b, t->values[i]);
    }
    knobx_buf_puts(b, "],\"p\":{");
    for (size_t i = 0; i < t->n_params; i++) {
        knobx_buf_puts(b, i ? "," : "");
        knobx_json_add_string(b, t->params[i].name);
        knobx_buf_puts(b, ":");
        if (t->params[i].dist->kind != KNOB_DIST_CATEGORICAL) {
            num(b, t->params[i].internal);
            continue;
        }
        size_t c = (size_t)t->params[i].internal;
        if (c < t->params[i].dist->n_choices)
            choice_json(b, &t->params[i].dist->choices[c]);
        else
            knobx_buf_puts(b, "null");
    }
    knobx_buf_puts(b, "}");
    intermediate_json(b, t);
    knobx_buf_puts(b, ",\"t0\":");
    if (isfinite(t->start_time))
        knobx_buf_printf(b, "%.3f", t->start_time);
    else
        knobx_buf_puts(b, "null");
    knobx_buf_puts(b, ",\"t1\":");
    if (isfinite(t->end_time))
        knobx_buf_printf(b, "%.3f", t->end_time);
    else
        knobx_buf_puts(b, "null");
    if (!knob_trial_info_feasible(t))
        knobx_buf_puts(b, ",\"infeasible\":true");
    if (knob_trial_info_attr(t, "fail_reason", true)) {
        knobx_buf_puts(b, ",\"f\":");
        attr_or_null(b, t, "fail_reason", true);
    }
    if (knob_trial_info_attr(t, "runner", true)) {
        knobx_buf_puts(b, ",\"r\":");
        attr_or_null(b, t, "runner", true);
    }
    /* The CLI's "params" attribute repeats p; the others are the user's. */
    size_t shown = 0;
    for (size_t i = 0; i < t->n_user_attrs; i++) {
        if (!strcmp(t->user_attrs[i].key, "params"))
            continue;
        knobx_buf_puts(b, shown++ ? "," : ",\"u\":{");
        knobx_json_add_string(b, t->user_attrs[i].key);
        knobx_buf_printf(b, ":%s", t->user_attrs[i].json);
    }
    if (shown)
        knobx_buf_puts(b, "}");
    knobx_buf_puts(b, "}");
}

static void directions_json(knobx_buf *b, knob_study *s)
{
    knobx_buf_puts(b, "[");
    for (size_t k = 0; k < knob_study_n_objectives(s); k++)
        knobx_buf_printf(b, "%s\"%s\"", k ? "," : "",
                         knob_study_direction(s, k) == KNOB_MAXIMIZE ? "maximize" : "minimize");
    knobx_buf_puts(b, "]");
}

static int pareto_json(knobx_buf *b, knob_study *s)
{
    knobx_buf_puts(b, "[");
    if (knob_study_n_objectives(s) >= 2) {
        const knob_trial_info *const *front;
        size_t n;
        if (knob_study_best_trials(s, &front, &n))
            return -1;
        for (size_t i = 0; i < n; i++)
            knobx_buf_printf(b, "%s%lld", i ? "," : "", (long long)front[i]->number);
    }
    knobx_buf_puts(b, "]");
    return 0;
}

/* With several objectives, the hypervolume after each finished trial as [[k, hv], ...] (k
 * trials finished), against the default reference point; null otherwise or when it
 * cannot be told yet (no complete feasible trial). */
static void hypervolume_json(knobx_buf *b, knob_study *s)
{
    const double *hv;
    size_t n;
    if (knob_study_n_objectives(s) < 2 || knob_study_hypervolume_history(s, NULL, &hv, &n) || !n) {
        knobx_buf_puts(b, "null");
        return;
    }
    knobx_buf_puts(b, "[");
    for (size_t k = 0; k < n; k++) {
        knobx_buf_printf(b, "%s[%zu,", k ? "," : "", k + 1);
        num(b, hv[k]);
        knobx_buf_puts(b, "]");
    }
    knobx_buf_puts(b, "]");
}

int cli_web_study_json(knobx_buf *b, knob_study *s, int64_t since, const char *extra)
{
    const knob_trial_info *const *all, *const *changed;
    size_t n_all, n_changed;
    int64_t stamp;
    if (knob_study_trials_since(s, since, &changed, &n_changed, &stamp))
        return -1;
    knobx_buf_puts(b, "{\"name\":");
    knobx_json_add_string(b, knob_study_name(s));
    knobx_buf_puts(b, ",\"directions\":");
    directions_json(b, s);
    knobx_buf_printf(b, ",\"stamp\":%lld,\"trials\":[", (long long)stamp);
    for (size_t i = 0; i < n_changed; i++) {
        if (i)
            knobx_buf_puts(b, ",\n");
        trial_json(b, changed[i]);
    }
    knobx_buf_puts(b, "]");
    /* These read the view again, maybe newer than the stamp: the next poll brings the
     * trials that came in between. */
    if (knob_study_trials(s, &all, &n_all))
        return -1;
    knobx_buf_puts(b, ",\"params\":");
    params_json(b, all, n_all);
    knobx_buf_puts(b, ",\"pareto\":");
    if (pareto_json(b, s))
        return -1;
    knobx_buf_puts(b, ",\"hypervolume\":");
    hypervolume_json(b, s);
    const char *note = knob_study_user_attr(s, "note");
    knobx_buf_printf(b, ",\"note\":%s%s%s}", note ? note : "null", extra ? "," : "",
                     extra ? extra : "");
    if (b->oom)
        return knob_set_error(KNOB_ENOMEM, "the study's data for the page: out of memory"), -1;
    return 0;
}

int cli_web_importance_json(knobx_buf *b, knob_study *s)
{
    knob_importance *imp = NULL;
    size_t n = 0;
    int rc = knob_study_n_objectives(s) ? knob_study_importance(s, "fanova", 0, NULL, 0, &imp, &n)
                                        : KNOB_OK;
    if (rc || n == 0) {
        knob_importance_free(imp);
        knobx_buf_puts(b, "null");
        return rc ? -1 : 0;
    }
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        knobx_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        knobx_json_add_string(b, imp[i].name);
        knobx_buf_puts(b, ",\"share\":");
        num(b, imp[i].share);
        knobx_buf_puts(b, "}");
    }
    knobx_buf_puts(b, "]");
    knob_importance_free(imp);
    return 0;
}
