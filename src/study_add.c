/* Adding trials made elsewhere (another study, another tool) to a study, and
 * listing a study's attributes: what a binding needs to copy a study. */
#include "space.h"
#include "study.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const info_states[] = {"running", "complete", "pruned", "fail", "waiting"};

/* Whether valid JSON text `json` is an object ('{' after any white space). */
static bool json_object(const char *json)
{
    json += strspn(json, " \t\r\n");
    return *json == '{';
}

/* The system attribute "constraints" (knob's key, as a trial read back holds it): a JSON
 * array of constraint values, checked as values given as numbers are. */
int knob__constraints_attr_check(const knob_study *s, int64_t number, const char *json)
{
    char what[40];
    if (number >= 0)
        snprintf(what, sizeof what, "trial %lld", (long long)number);
    else
        snprintf(what, sizeof what, "added trial");
    const char *p = json + strspn(json, " \t\r\n");
    if (*p != '[')
        return knob__error(KNOB_EINVAL,
                           "study '%s': %s: the system attribute 'constraints' must be "
                           "a JSON array of numbers, got %.80s",
                           s->name, what, json);
    /* an element that is no number (a string, null, true) would read as NaN, and the error
     * would say "constraint 0 is nan" of ["a"] */
    knobx_json *j = knobx_json_parse(json, (size_t)-1, NULL, 0);
    for (size_t i = 0; j && j->type == KNOBX_JSON_ARRAY && i < j->n; i++) {
        const knobx_json *x = j->kids[i];
        if (x->type != KNOBX_JSON_NUMBER) {
            static const char *const kinds[] = {"null",     "a boolean", "a number",
                                                "a string", "an array",  "an object"};
            const char *kind = kinds[x->type];
            knobx_json_free(j);
            return knob__error(KNOB_EINVAL,
                               "study '%s': %s: constraint %zu is %s, not a number "
                               "(the system attribute 'constraints' must be a JSON array of "
                               "numbers, got %.80s)",
                               s->name, what, i, kind, json);
        }
    }
    knobx_json_free(j);
    size_t n = knob__constraints_parse(json, NULL, 0);
    double small[16], *v = n <= 16 ? small : malloc(n * sizeof *v);
    if (!v)
        return knob__oom("constraints");
    knob__constraints_parse(json, v, n);
    int rc = knob__constraints_check(s, number, v, n);
    if (v != small)
        free(v);
    return rc;
}

/* Checks what add_trial would write before any row exists, so a refused trial leaves
 * nothing behind. */
static int check_info(const knob_study *s, const knob_trial_info *info)
{
    if ((unsigned)info->state >= 5)
        return knob__error(KNOB_EINVAL, "study '%s': an added trial has an unknown state %d",
                           s->name, (int)info->state);
    bool finished = info->state != KNOB_TRIAL_RUNNING && info->state != KNOB_TRIAL_WAITING;
    if (!finished && info->n_values)
        return knob__error(KNOB_EINVAL,
                           "study '%s': an added %s trial has %zu value%s; it has none "
                           "until it is told",
                           s->name, info_states[info->state], info->n_values,
                           info->n_values == 1 ? "" : "s");
    /* a failed trial stores none: values given with one were dropped without a word */
    if (info->state == KNOB_TRIAL_FAIL && info->n_values)
        return knob__error(KNOB_EINVAL,
                           "study '%s': an added fail trial has %zu value%s; a failed trial "
                           "has none",
                           s->name, info->n_values, info->n_values == 1 ? "" : "s");
    if (info->state == KNOB_TRIAL_COMPLETE && info->n_values != s->n_dirs)
        return knob__error(KNOB_EINVAL,
                           "study '%s': an added complete trial has %zu value%s; the study "
                           "has %zu objective%s",
                           s->name, info->n_values, info->n_values == 1 ? "" : "s", s->n_dirs,
                           s->n_dirs == 1 ? "" : "s");
    if (info->n_values && !info->values)
        return knob__error(KNOB_EINVAL, "study '%s': added trial: values NULL", s->name);
    for (size_t i = 0; i < info->n_values; i++)
        if (s->infinite_values ? isnan(info->values[i]) : !isfinite(info->values[i]))
            return knob__error(KNOB_EINVAL, "study '%s': added trial: value %zu is %g, not %s",
                               s->name, i, info->values[i],
                               s->infinite_values ? "a number" : "finite");
    if (info->n_constraints && !info->constraints)
        return knob__error(KNOB_EINVAL, "study '%s': added trial: constraints NULL", s->name);
    int rc = knob__constraints_check(s, -1, info->constraints, info->n_constraints);
    if (rc)
        return rc;
    /* each array with a count is read from, so NULL is refused as values' is */
    const struct {
        const char *name;
        size_t n;
        const void *array;
    } arrays[] = {{"params", info->n_params, info->params},
                  {"intermediate", info->n_intermediate, info->intermediate},
                  {"user_attrs", info->n_user_attrs, info->user_attrs},
                  {"system_attrs", info->n_system_attrs, info->system_attrs}};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        if (arrays[i].n && !arrays[i].array)
            return knob__error(KNOB_EINVAL, "study '%s': added trial: %s NULL (n_%s is %zu)",
                               s->name, arrays[i].name, arrays[i].name, arrays[i].n);
    /* a step knob_trial_report refuses: it was left out without a word */
    for (size_t i = 0; i < info->n_intermediate; i++)
        if (info->intermediate[i].step < 0 || info->intermediate[i].step == INT64_MAX)
            return knob__error(KNOB_EINVAL,
                               "study '%s': added trial: intermediate value %zu is at step "
                               "%lld; steps must be in [0, %lld], as knob_trial_report's",
                               s->name, i, (long long)info->intermediate[i].step,
                               (long long)(INT64_MAX - 1));
    for (size_t i = 0; i < info->n_params; i++) {
        const knob_param *p = &info->params[i];
        if (!p->name || !p->name[0] || !p->dist)
            return knob__error(KNOB_EINVAL,
                               "study '%s': added trial: param %zu has no name or "
                               "distribution",
                               s->name, i);
        /* checked as a suggest checks it, before param_recs copies its choices */
        knob_distribution d = *p->dist;
        if ((rc = knob__dist_check(&d, p->name)))
            return knob__error_prefix(rc, "study '%s': added trial", s->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(info->params[j].name, p->name) == 0)
                return knob__error(KNOB_EINVAL, "study '%s': added trial: param '%s' twice",
                                   s->name, p->name);
    }
    for (size_t k = 0; k < 2; k++) {
        size_t n = k ? info->n_system_attrs : info->n_user_attrs;
        const knob_attr *a = k ? info->system_attrs : info->user_attrs;
        for (size_t i = 0; i < n; i++) {
            if (!a[i].key || !a[i].key[0] || !a[i].json)
                return knob__error(KNOB_EINVAL,
                                   "study '%s': added trial: attribute %zu has "
                                   "no key or value",
                                   s->name, i);
            int bad = knobx_json_check(a[i].json);
            if (bad < 0)
                return knob__oom("attribute");
            if (bad)
                return knob__error(KNOB_EINVAL,
                                   "study '%s': added trial: attribute '%s' is not valid "
                                   "JSON: %.80s",
                                   s->name, a[i].key, a[i].json);
            if (k && strcmp(a[i].key, "fixed_params") == 0 && !json_object(a[i].json))
                return knob__error(KNOB_EINVAL,
                                   "study '%s': added trial: system attribute fixed_params is "
                                   "not a JSON object: %.80s",
                                   s->name, a[i].json);
            if (k && !info->n_constraints && strcmp(a[i].key, "constraints") == 0 &&
                (rc = knob__constraints_attr_check(s, -1, a[i].json)))
                return rc;
        }
    }
    return KNOB_OK;
}

/* The params as records, each distribution checked and interned in the view. */
static int param_recs(knob_study *s, const knob_trial_info *info, knob__param_rec *recs)
{
    for (size_t i = 0; i < info->n_params; i++) {
        const knob_param *p = &info->params[i];
        knob_distribution *d = knob__dist_clone(p->dist);
        if (!d)
            return knob__oom("param");
        int rc = knob__dist_check(d, p->name);
        if (!rc && !knob__dist_contains(d, p->internal))
            rc = knob__error(KNOB_EINVAL,
                             "study '%s': added trial: param '%s' = %g is outside "
                             "its distribution",
                             s->name, p->name, p->internal);
        const char *json = NULL;
        const char *name = rc ? NULL : knob__view_name(&s->view, p->name);
        if (!rc && (!name || !knob__view_dist(&s->view, d, &json)))
            rc = knob__oom("param");
        /* a stepped float's point as knob writes it (0.9 of [0, 1] by 0.3, 0.3 of [0, 1] by 0.1) */
        double x = !rc && d->kind == KNOB_DIST_FLOAT && d->step > 0
                       ? knob__dist_snap(d, p->internal)
                       : p->internal;
        free(d);
        if (rc)
            return rc;
        recs[i] = (knob__param_rec){name, json, x};
    }
    return KNOB_OK;
}

/* The count of constraint values `info` is added with: its own, else its "constraints"
 * system attribute's. */
static size_t constraints_count(const knob_trial_info *info)
{
    if (info->n_constraints)
        return info->n_constraints;
    const char *json = knob_trial_info_attr(info, "constraints", true);
    return json ? knob__constraints_parse(json, NULL, 0) : 0;
}

/* The fixed params of a waiting trial with params: those of its system attribute
 * fixed_params (json, may be NULL) with its params' values over them, as an ask takes them
 * (Optuna's add_trial keeps a waiting trial's params, and its ask suggests them). */
static int merged_fixed(const knob_trial_info *info, const knob__param_rec *recs, const char *json,
                        knobx_buf *b)
{
    knobx_json *old = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    if (json && !old)
        return knob__oom("fixed params");
    knobx_buf_puts(b, "{");
    bool first = true;
    for (size_t i = 0; old && i < old->n; i++) {
        if (knob_trial_info_param(info, old->kids[i]->key))
            continue;
        knobx_buf_puts(b, first ? "" : ",");
        knobx_json_add_string(b, old->kids[i]->key);
        knobx_buf_puts(b, ":");
        knobx_json_add_node(b, old->kids[i]);
        first = false;
    }
    for (size_t i = 0; i < info->n_params; i++) {
        knobx_buf_puts(b, first ? "" : ",");
        knobx_json_add_string(b, info->params[i].name);
        knobx_buf_puts(b, ":");
        knob__dist_external_json(b, info->params[i].dist, recs[i].internal);
        first = false;
    }
    knobx_buf_puts(b, "}");
    knobx_json_free(old);
    return b->oom ? knob__oom("fixed params") : KNOB_OK;
}

/* A step's value as given, with its place, for first_per_step's sort. */
typedef struct {
    knob_step_value v;
    size_t at;
} placed_value;

static int by_step_then_place(const void *a, const void *b)
{
    const placed_value *x = a, *y = b;
    if (x->v.step != y->v.step)
        return x->v.step < y->v.step ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* The intermediate values of an added trial in step order, each step once with its first
 * value (as knob__store_report keeps it); NaN values left out (steps are checked >= 0). Sorted,
 * not searched value by value: a trial of 100,000 values is added in n log n. */
static int first_per_step(const knob_step_value *in, size_t n, knob_step_value *out, size_t *n_out)
{
    *n_out = 0;
    if (!n)
        return KNOB_OK;
    placed_value *p = malloc(n * sizeof *p);
    if (!p)
        return knob__oom("intermediate values");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(in[i].value))
            p[m++] = (placed_value){in[i], i};
    qsort(p, m, sizeof *p, by_step_then_place);
    for (size_t i = 0; i < m; i++)
        if (!*n_out || out[*n_out - 1].step != p[i].v.step)
            out[(*n_out)++] = p[i].v;
    free(p);
    return KNOB_OK;
}

/* What a trial of another state than WAITING is added with but its rows: its state, values
 * (a pruned trial without any takes its last intermediate value, `last`: that of its highest
 * step, as written, the first at a step) and its own times, as Optuna's add_trial keeps them
 * (copy_study); none given (NaN, or 0 from a zeroed struct): the write's. */
static knob__added_rec added_rec(const knob_study *s, const knob_trial_info *info,
                                 const knob_step_value *last)
{
    bool finished = info->state != KNOB_TRIAL_RUNNING;
    knob__added_rec a = {.state = info->state,
                         .values = info->n_values ? info->values : NULL,
                         .n_values = info->n_values,
                         .start_time = NAN,
                         .end_time = NAN};
    if (info->state == KNOB_TRIAL_PRUNED && !info->n_values && s->n_dirs == 1 && last) {
        a.values = &last->value;
        a.n_values = 1;
    }
    if (isfinite(info->start_time) && info->start_time > 0)
        a.start_time = info->start_time;
    if (finished && isfinite(info->end_time) && info->end_time > 0)
        a.end_time = info->end_time;
    return a;
}

/* The trial is made whole in one write (backend create_waiting, create_added): no ask takes
 * it, and no reader sees it, without its params, values and attributes or in a state it
 * passes through, and a failure leaves no trial. Its system attributes are its own with the
 * constraint values (when given) and, for a waiting trial with params, the merged fixed
 * params; its intermediate values those a report would keep. */
static int add_whole(knob_study *s, const knob_trial_info *info, const knob__param_rec *recs,
                     int64_t *id, int64_t *num)
{
    bool waiting = info->state == KNOB_TRIAL_WAITING;
    size_t n_sys = info->n_system_attrs + 2, n_sys_out = 0, n_inter = 0;
    knob_attr *sys = malloc(n_sys * sizeof *sys);
    knob_step_value *inter = malloc((info->n_intermediate + 1) * sizeof *inter);
    knobx_buf fixed = {0};
    char stack[512], *cons = stack;
    int rc = sys && inter ? KNOB_OK : knob__oom("added trial");
    bool has_cons = info->n_constraints > 0, has_params = waiting && info->n_params > 0;
    if (!rc && has_cons)
        rc = knob__constraints_text(info->constraints, info->n_constraints, stack, &cons);
    if (!rc && has_params)
        rc = merged_fixed(info, recs, knob_trial_info_attr(info, "fixed_params", true), &fixed);
    for (size_t i = 0; !rc && i < info->n_system_attrs; i++) {
        const char *key = info->system_attrs[i].key;
        if (!(has_cons && !strcmp(key, "constraints")) &&
            !(has_params && !strcmp(key, "fixed_params")))
            sys[n_sys_out++] = info->system_attrs[i];
    }
    if (!rc && has_cons)
        sys[n_sys_out++] = (knob_attr){"constraints", cons};
    if (!rc && has_params)
        sys[n_sys_out++] = (knob_attr){"fixed_params", knobx_buf_cstr(&fixed)};
    if (!rc)
        rc = first_per_step(info->intermediate, info->n_intermediate, inter, &n_inter);
    knob__waiting_rec w = {.params = recs,
                           .n_params = info->n_params,
                           .intermediate = inter,
                           .n_intermediate = n_inter,
                           .user_attrs = info->user_attrs,
                           .n_user_attrs = info->n_user_attrs,
                           .system_attrs = sys,
                           .n_system_attrs = n_sys_out};
    if (!rc && waiting) {
        rc = knob__store_new_waiting(s, &w, id, num);
    } else if (!rc) {
        knob__added_rec a = added_rec(s, info, n_inter ? &inter[n_inter - 1] : NULL);
        a.rows = w;
        rc = knob__store_new_added(s, &a, id, num);
    }
    if (cons != stack)
        free(cons);
    knobx_buf_free(&fixed);
    free(sys);
    free(inter);
    return rc;
}

int knob_study_add_trial(knob_study *s, const knob_trial_info *info, int64_t *number)
{
    if (!s || !info)
        return knob__error(KNOB_EINVAL, "knob_study_add_trial: NULL argument");
    int rc = check_info(s, info);
    if (rc)
        return rc;
    knob__param_rec small[16];
    knob__param_rec *recs = info->n_params <= 16 ? small : malloc(info->n_params * sizeof *recs);
    if (!recs)
        return knob__oom("params");
    rc = param_recs(s, info, recs);
    int64_t id = -1, num = -1;
    if (!rc)
        rc = add_whole(s, info, recs, &id, &num);
    if (recs != small)
        free(recs);
    /* the study's count from now on, whichever door the values came by (a trial asked
     * next, or added next, is checked against it before the view reads this one) */
    if (!rc)
        knob__view_note_constraints(&s->view, -1, constraints_count(info));
    if (!rc && number)
        *number = num;
    return rc;
}

int knob_study_attrs(knob_study *s, bool system,
                     int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    if (!s || !cb)
        return knob__error(KNOB_EINVAL, "knob_study_attrs: NULL argument");
    return knob__store_study_attrs(s, system, cb, ctx);
}
