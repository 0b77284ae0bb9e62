/* Trials: define-by-run suggestions, intermediate values, attributes. */
#include "options.h"
#include "space.h"
#include "study.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A trial left open when its study was freed (knob_study_free) has no study: every call
 * that needs one is refused, naming it. */
static int orphan(const knob_trial *t, const char *what)
{
    return knob__error(KNOB_ESTATE,
                       "%s: trial %lld was left open when its study was freed; only "
                       "knob_trial_detach (which frees the handle) can take it now",
                       what, (long long)t->number);
}

bool knob__trial_lost(const knob_trial_info *t)
{
    const char *cause = knob_trial_info_attr(t, "fail_cause", true);
    return t->state == KNOB_TRIAL_FAIL && cause && strcmp(cause, KNOB__LOST_JSON) == 0;
}

bool knob__fail_says_nothing(const knob_trial_info *t)
{
    const char *cause;
    return knob__trial_lost(t) || (t->state == KNOB_TRIAL_FAIL &&
                                   (cause = knob_trial_info_attr(t, "fail_cause", true)) &&
                                   strcmp(cause, "\"retry_unneeded\"") == 0);
}

knob_trial *knob__trial_new(knob_study *s)
{
    knob_trial *t = calloc(1, sizeof *t);
    if (t) {
        t->s = s;
        t->id = t->number = -1;
    }
    return t;
}

void knob__trial_free(knob_trial *t)
{
    if (!t)
        return;
    if (t->s)
        knob__study_forget(t->s, t);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < t->n_attrs[k]; i++) {
            free((char *)t->attrs[k][i].key);
            free((char *)t->attrs[k][i].json);
        }
        free(t->attrs[k]);
    }
    for (size_t i = 0; i < t->n_stored; i++) {
        free((char *)t->stored[i].key);
        free((char *)t->stored[i].json);
    }
    free(t->stored);
    free(t->params);
    free(t->proposals);
    free(t->inter);
    knobx_json_free(t->fixed);
    free(t);
}

void knob_trial_detach(knob_trial *t)
{
    if (t && t->s)
        knob__trial_flush_params(t); /* a failure leaves them unwritten; nothing to report */
    knob_study *s = t ? t->s : NULL;
    /* this handle's, not another worker's, while it runs (a finished one is forgotten at
     * the next ask); out of memory, it counts as another's */
    if (s && t->id >= 0 &&
        !knob__grow(&s->detached, &s->cap_detached, s->n_detached + 1, sizeof *s->detached))
        s->detached[s->n_detached++] = t->number;
    knob__trial_free(t);
}

/* Writes t's unwritten params: with finish, also finishes t (state, values, n) in the
 * same write. `call` is the public call that writes them: a trial finished through another
 * handle or process refuses them, and the refusal is that call's, not a param write's. */
static int write_params(knob_trial *t, bool finish, knob_trial_state state, const double *values,
                        size_t n_values, const char *call)
{
    size_t n = t->n_params - t->n_written;
    if (!t->s)
        return orphan(t, "write params");
    if (!finish && (!n || t->id < 0))
        return KNOB_OK;
    knob__param_rec small[16], *recs = n <= 16 ? small : malloc(n * sizeof *recs);
    if (!recs)
        return knob__oom("params");
    knob__view *v = &t->s->view;
    int rc = KNOB_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const knob_param *p = &t->params[t->n_written + i];
        const char *json = NULL;
        if (!knob__view_dist(v, p->dist, &json))
            rc = knob__oom("param");
        recs[i] = (knob__param_rec){p->name, json, p->internal};
    }
    if (!rc)
        rc = finish ? knob__store_finish_params(t->s, t->id, recs, n, state, values, n_values)
                    : knob__store_params(t->s, t->id, recs, n);
    if (recs != small)
        free(recs);
    if (!rc)
        t->n_written = t->n_params;
    else if (rc == KNOB_ESTATE && n && call)
        knob__error_prefix(rc,
                           "%s: trial %lld is finished (told through another handle or "
                           "process), so the %zu param%s it suggested since its last write "
                           "cannot be stored",
                           call, (long long)t->number, n, n == 1 ? "" : "s");
    return rc;
}

int knob__trial_flush_params(knob_trial *t)
{
    return write_params(t, false, KNOB_TRIAL_RUNNING, NULL, 0, NULL);
}

int knob__trial_flush_for(knob_trial *t, const char *call)
{
    return write_params(t, false, KNOB_TRIAL_RUNNING, NULL, 0, call);
}

int knob_trial_flush(knob_trial *t)
{
    if (!t)
        return knob__error(KNOB_EINVAL, "knob_trial_flush: trial is NULL");
    if (!t->s)
        return orphan(t, "knob_trial_flush");
    return t->id < 0 ? KNOB_OK : knob__trial_flush_params(t);
}

int knob__trial_finish_params(knob_trial *t, knob_trial_state state, const double *values, size_t n)
{
    return write_params(t, true, state, values, n, "knob_study_tell");
}

int64_t knob_trial_number(const knob_trial *t)
{
    return t ? t->number : -1;
}

int64_t knob_trial_id(const knob_trial *t)
{
    return t ? t->id : -1;
}

knob_study *knob_trial_study(knob_trial *t)
{
    return t ? t->s : NULL;
}

size_t knob_trial_n_params(const knob_trial *t)
{
    return t ? t->n_params : 0;
}

const knob_param *knob_trial_param(const knob_trial *t, size_t i)
{
    return t && i < t->n_params ? &t->params[i] : NULL;
}

/* ---------------------------------------------------------------- suggest */

/* A fixed value as the other of bool and number, as Python's == takes them (true is 1, 0
 * is false), into *alt: Optuna, given True for suggest_int, uses 1, and given it for the
 * choices [1.0, 2.0, "x"], 1.0. False for a value of neither. */
static bool as_other_kind(const knobx_json *v, const knob_distribution *d, knobx_json *alt)
{
    *alt = (knobx_json){.key = v->key};
    if (v->type == KNOBX_JSON_BOOL) {
        alt->type = KNOBX_JSON_NUMBER;
        alt->num = v->b ? 1 : 0;
        return true;
    }
    if (d->kind == KNOB_DIST_CATEGORICAL && v->type == KNOBX_JSON_NUMBER && !v->big &&
        (v->num == 0 || v->num == 1)) {
        alt->type = KNOBX_JSON_BOOL;
        alt->b = v->num == 1;
        return true;
    }
    return false;
}

/* A retry's fixed choice x is one its original (retry_of) ran by value; of choices that are
 * equal ([ok, crash, ok], or [1, 1.0], which the CLI gives its program as 1 and 1.0) the value
 * names the first, so the original's own choice is taken where it is one of them and is
 * choice x of d: the retry runs what its original ran (a grid's point, the program's text). */
static void retry_choice(const knob_trial *t, const char *name, const knob_distribution *d,
                         double *x)
{
    const char *of = knob_trial_system_attr(t, "retry_of");
    long long origin;
    if (d->kind != KNOB_DIST_CATEGORICAL || !of || sscanf(of, "%lld", &origin) != 1)
        return;
    const knob_trial_info *o = knob__view_trial(&t->s->view, origin);
    for (size_t i = 0; o && i < o->n_params; i++) {
        const knob_param *p = &o->params[i];
        if (strcmp(p->name, name) != 0)
            continue;
        size_t j = (size_t)p->internal;
        if (p->dist->kind == KNOB_DIST_CATEGORICAL && p->internal >= 0 && j < p->dist->n_choices &&
            j < d->n_choices && knob__choice_same(&p->dist->choices[j], &d->choices[j]) &&
            knob__choice_same(&d->choices[j], &d->choices[(size_t)*x]))
            *x = (double)j;
        return;
    }
}

/* The value a fixed param gives, if it fits: the trial's own (enqueued), else the study
 * handle's (knob_study_set_fixed_params); a misfit is left to the sampler. A bool or a
 * number that fits only as the other (as_other_kind) gives that. */
static bool from_fixed(knob_trial *t, const char *name, const knob_distribution *d, double *x)
{
    const knobx_json *v = knobx_json_get(t->fixed, name);
    if (v && knob__fixed_fits(d, v, name, x)) {
        retry_choice(t, name, d, x);
        return true;
    }
    v = v ? NULL : knobx_json_get(t->s->fixed, name);
    return v && knob__fixed_fits(d, v, name, x);
}

bool knob__fixed_fits(const knob_distribution *d, const knobx_json *v, const char *name, double *x)
{
    knob__kept_error kept;
    knob__error_keep(&kept);
    knobx_json alt;
    bool ok = knob__dist_from_external(d, v, x, name) == KNOB_OK ||
              (as_other_kind(v, d, &alt) && knob__dist_from_external(d, &alt, x, name) == KNOB_OK);
    knob__error_put(&kept); /* a misfit is not this call's failure */
    return ok;
}

/* A by-value proposal's value under the distribution d the trial suggests (internal.h's
 * knob__trial_propose_by_value): a number inside d's range snapped to it, a choice by its
 * value; false when it does not fit. */
static bool by_value(const knob__proposal *p, const knob_distribution *d, double *x)
{
    const knob_distribution *from = p->dist;
    if ((from->kind == KNOB_DIST_CATEGORICAL) != (d->kind == KNOB_DIST_CATEGORICAL))
        return false;
    if (d->kind != KNOB_DIST_CATEGORICAL) {
        if (!(p->internal >= d->low && p->internal <= d->high))
            return false;
        *x = knob__dist_snap(d, p->internal);
        return knob__dist_contains(d, *x);
    }
    const knob_choice *c = &from->choices[(size_t)p->internal];
    for (size_t j = 0; j < d->n_choices; j++)
        if (knob__choice_same(c, &d->choices[j])) {
            *x = (double)j;
            return true;
        }
    return false;
}

static bool from_proposal(knob_trial *t, const char *name, const knob_distribution *d, double *x)
{
    for (size_t i = 0; i < t->n_proposals; i++) {
        if (t->proposals[i].name == name) {
            /* a by-value proposal that does not fit leaves the param to what the sampler
             * proposed next, or to its draw */
            if (t->proposals[i].dist != d && t->proposals[i].by_value) {
                if (by_value(&t->proposals[i], d, x))
                    return true;
                continue;
            }
            if (t->proposals[i].dist != d)
                return false;
            *x = t->proposals[i].internal;
            return true;
        }
    }
    return false;
}

static int sample(knob_trial *t, const char *name, const knob_distribution *d, double *x)
{
    knob_study *s = t->s;
    if (from_fixed(t, name, d, x) || from_proposal(t, name, d, x))
        return KNOB_OK;
    const knob_sampler_plugin *sp = s->sampler->plugin;
    if (!sp->sample_independent)
        return knob__error(KNOB_EUNSUPPORTED, "sampler '%s' cannot sample param '%s' alone",
                           sp->name, name);
    knob__kept_error k;
    knob__plugin_call_begin(&k);
    int rc = sp->sample_independent(s->sampler->state, s, t, name, d, x);
    rc = knob__plugin_call_end(&k, rc, "sampler", sp->name, "sample_independent");
    if (rc)
        return rc;
    char text[32];
    if (!knob__dist_contains(d, *x))
        return knob__error(KNOB_EINVAL,
                           "sampler '%s' gave param '%s' the value %s, outside "
                           "its distribution%s",
                           sp->name, name, knob__num_text(*x, text),
                           d->step > 0 ? " or off its step" : "");
    /* on its step, as the space makes the points: 0.3, not a sampler's 0.30000000000000004 */
    if (d->kind == KNOB_DIST_FLOAT && d->step > 0)
        *x = knob__dist_snap(d, *x);
    return KNOB_OK;
}

/* Prefixes a failed draw's message with the trial, and with the param unless the message
 * names it already (the distribution's checks and most samplers' messages do). */
static int sample_failed(const knob_trial *t, const char *name, int rc)
{
    char needle[320];
    int n = snprintf(needle, sizeof needle, "param '%s'", name);
    if (n > 0 && (size_t)n < sizeof needle && strstr(knob_errmsg(), needle))
        return knob__error_prefix(rc, "trial %lld", (long long)t->number);
    return knob__error_prefix(rc, "trial %lld, param '%s'", (long long)t->number, name);
}

int knob_trial_suggest(knob_trial *t, const char *name, const knob_distribution *dist,
                       double *internal)
{
    if (!t || !name || !dist || !internal)
        return knob__error(KNOB_EINVAL, "suggest: NULL argument");
    if (!t->s)
        return orphan(t, "suggest");
    knob_distribution d = *dist;
    int rc = knob__dist_check(&d, name);
    if (rc)
        return rc;
    knob__view *v = &t->s->view;
    const char *iname = knob__view_name(v, name);
    if (!iname)
        return knob__oom("param");
    /* the trial's names are the view's interned ones (below): the same name, the same
     * pointer (comparing the texts made a trial's suggests quadratic in its params) */
    for (size_t i = 0; i < t->n_params; i++) {
        if (t->params[i].name != iname)
            continue;
        if (!knob__dist_equal(t->params[i].dist, &d))
            return knob__error(KNOB_EINVAL,
                               "param '%s' was suggested in trial %lld with "
                               "another distribution",
                               name, (long long)t->number);
        *internal = t->params[i].internal;
        return KNOB_OK;
    }
    const char *json = NULL;
    const knob_distribution *id = knob__view_dist(v, &d, &json);
    if (!id)
        return knob__oom("param");
    if (knob__grow(&t->params, &t->cap_params, t->n_params + 1, sizeof *t->params))
        return knob__oom("param");
    double x;
    if ((rc = sample(t, iname, id, &x)))
        return sample_failed(t, name, rc);
    (void)json; /* written with the trial's next write: knob__trial_flush_params */
    t->params[t->n_params++] = (knob_param){.name = iname, .dist = id, .internal = x};
    /* A study that expects workers to die writes each param at once, so a retry of this
     * trial has all of them; so does a handle whose last ask saw other workers' running
     * trials, or another of its own open, so that the samplers see the params (a constant
     * liar, gp's believer, smac's and evolution's running configurations) while the trial
     * runs. */
    if ((t->s->heartbeat_interval > 0 || t->s->params_at_once) &&
        (rc = knob__trial_flush_params(t)))
        return rc;
    *internal = x;
    return KNOB_OK;
}

int knob_trial_suggest_float(knob_trial *t, const char *name, double low, double high, double step,
                             unsigned flags, double *out)
{
    knob_distribution d = {
        .kind = KNOB_DIST_FLOAT, .low = low, .high = high, .step = step, .flags = flags};
    if (!out)
        return knob__error(KNOB_EINVAL, "suggest '%s': out is NULL", name ? name : "?");
    return knob_trial_suggest(t, name, &d, out);
}

/* An int param is held as a double, which holds every integer up to 2^53 only. */
#define INT_EXACT INT64_C(9007199254740992)

int knob_trial_suggest_int(knob_trial *t, const char *name, int64_t low, int64_t high, int64_t step,
                           unsigned flags, int64_t *out)
{
    knob_distribution d = {.kind = KNOB_DIST_INT,
                           .low = (double)low,
                           .high = (double)high,
                           .step = (double)step,
                           .flags = flags};
    double x;
    if (!out)
        return knob__error(KNOB_EINVAL, "suggest '%s': out is NULL", name ? name : "?");
    /* checked as integers: converted first, 2^53 + 1 was 2^53, and the trial drew 2^53 from
     * [2^53 + 1, 2^53 + 1] */
    if (low > INT_EXACT || low < -INT_EXACT || high > INT_EXACT || high < -INT_EXACT ||
        step > INT_EXACT)
        return knob__error(KNOB_EINVAL,
                           "param '%s': an int's low, high and step must be at most 2^53 "
                           "(9007199254740992) in magnitude, which a double holds exactly; got "
                           "low=%lld high=%lld step=%lld",
                           name ? name : "?", (long long)low, (long long)high, (long long)step);
    int rc = knob_trial_suggest(t, name, &d, &x);
    if (!rc)
        *out = (int64_t)llround(x);
    return rc;
}

int knob_trial_suggest_choice(knob_trial *t, const char *name, const knob_choice *choices,
                              size_t n_choices, size_t *out_index)
{
    knob_distribution d = {
        .kind = KNOB_DIST_CATEGORICAL, .n_choices = n_choices, .choices = choices};
    double x;
    if (!out_index)
        return knob__error(KNOB_EINVAL, "suggest '%s': out is NULL", name ? name : "?");
    int rc = knob_trial_suggest(t, name, &d, &x);
    if (!rc)
        *out_index = (size_t)x;
    return rc;
}

int knob_trial_suggest_categorical(knob_trial *t, const char *name, const char *const *choices,
                                   size_t n_choices, size_t *out_index)
{
    if (!choices && n_choices)
        return knob__error(KNOB_EINVAL, "suggest '%s': choices is NULL", name ? name : "?");
    knob_choice small[16] = {{0}}, *c = n_choices <= 16 ? small : malloc(n_choices * sizeof *c);
    if (!c)
        return knob__oom("choices");
    for (size_t i = 0; i < n_choices; i++)
        c[i] = (knob_choice){.type = KNOB_CHOICE_STRING, .str = choices[i]};
    int rc = knob_trial_suggest_choice(t, name, c, n_choices, out_index);
    if (c != small)
        free(c);
    return rc;
}

int knob_trial_propose(knob_trial *t, const char *name, const knob_distribution *dist,
                       double internal)
{
    if (!t || !name || !dist)
        return knob__error(KNOB_EINVAL, "knob_trial_propose: NULL argument");
    if (!t->s)
        return orphan(t, "knob_trial_propose");
    /* checked as a suggest checks it (choices NULL, a NULL string choice: read below) */
    knob_distribution d = *dist;
    int rc = knob__dist_check(&d, name);
    if (rc)
        return knob__error_prefix(rc, "knob_trial_propose");
    /* a value outside its distribution is refused here, as a draw of sample_independent
     * is where the trial takes it: the trial would have stored it */
    char text[32];
    if (!knob__dist_contains(dist, internal))
        return knob__error(KNOB_EINVAL,
                           "knob_trial_propose: param '%s': the value %s is outside its "
                           "distribution%s",
                           name, knob__num_text(internal, text),
                           dist->step > 0 ? " or off its step" : "");
    if (dist->kind == KNOB_DIST_FLOAT && dist->step > 0)
        internal = knob__dist_snap(dist, internal);
    knob__view *v = &t->s->view;
    const char *iname = knob__view_name(v, name);
    const knob_distribution *id = knob__view_dist(v, dist, NULL);
    if (!iname || !id ||
        knob__grow(&t->proposals, &t->cap_proposals, t->n_proposals + 1, sizeof *t->proposals))
        return knob__oom("proposal");
    t->proposals[t->n_proposals++] = (knob__proposal){iname, id, internal, false};
    return KNOB_OK;
}

int knob__trial_propose_by_value(knob_trial *t, const char *name, const knob_distribution *dist,
                                 double internal)
{
    int rc = knob_trial_propose(t, name, dist, internal);
    if (!rc)
        t->proposals[t->n_proposals - 1].by_value = true;
    return rc;
}

int knob__trial_propose_interned(knob_trial *t, const char *name, const knob_distribution *dist,
                                 double internal)
{
    if (knob__grow(&t->proposals, &t->cap_proposals, t->n_proposals + 1, sizeof *t->proposals))
        return knob__oom("proposal");
    t->proposals[t->n_proposals++] = (knob__proposal){name, dist, internal, false};
    return KNOB_OK;
}

/* ---------------------------------------------------------------- report and prune */

int64_t knob__pruner_objective(const knob_pruner *p)
{
    int64_t obj = 0;
    if (p && knob__option_find(p->plugin->options, "objective"))
        (void)knob__option_get(p->plugin->options, p->state, "objective", KNOB_OPT_INT, &obj,
                               "pruner");
    return obj;
}

static size_t pruned_objective(const knob_pruner *p)
{
    int64_t obj = knob__pruner_objective(p);
    return obj > 0 ? (size_t)obj : 0;
}

int knob_trial_report(knob_trial *t, int64_t step, double value)
{
    if (!t)
        return knob__error(KNOB_EINVAL, "knob_trial_report: trial is NULL");
    if (!t->s)
        return orphan(t, "knob_trial_report");
    /* INT64_MAX is kept out: the trial marks a diverged run at step + 1. */
    if (step < 0 || step == INT64_MAX)
        return knob__error(KNOB_EINVAL, "trial %lld: report step must be in [0, %lld], got %lld",
                           (long long)t->number, (long long)(INT64_MAX - 1), (long long)step);
    /* Kept sorted by step; steps usually arrive in order, so search from the end. A step
     * reported already keeps its first report, whether that was a value or a divergence. */
    size_t i = t->n_inter;
    while (i > 0 && t->inter[i - 1].step > step)
        i--;
    if ((i > 0 && t->inter[i - 1].step == step) || (t->diverged && t->diverged - 1 == step) ||
        (t->unbounded && t->unbounded - 1 == step))
        return KNOB_OK;
    if (!isfinite(value)) {
        /* A diverged run (NaN, or a loss of +inf): nothing to store, but the pruners prune
         * it (knob_pruner_prune), as Optuna's do; a gain of +inf is just not stored. The
         * values reported are those of the objective the pruner reads (its option
         * `objective`), so a loss or a gain by that objective's direction. */
        bool max = knob_study_direction(t->s, pruned_objective(t->s->pruner)) == KNOB_MAXIMIZE;
        if (isnan(value) || (value > 0) != max) {
            if (step + 1 > t->diverged)
                t->diverged = step + 1;
        } else if (step + 1 > t->unbounded) {
            t->unbounded = step + 1;
            t->unbounded_value = value;
        }
        return KNOB_OK;
    }
    if (knob__grow(&t->inter, &t->cap_inter, t->n_inter + 1, sizeof *t->inter))
        return knob__oom("intermediate values");
    int rc = knob__trial_flush_for(t, "knob_trial_report");
    if (rc)
        return rc;
    rc = knob__store_report(t->s, t->id, step, value);
    if (!rc && t->s->heartbeat_interval > 0 &&
        knob__now() - t->last_beat >= t->s->heartbeat_interval)
        rc = knob_trial_heartbeat(t);
    if (rc)
        return rc;
    memmove(t->inter + i + 1, t->inter + i, (t->n_inter - i) * sizeof *t->inter);
    t->inter[i] = (knob_step_value){step, value};
    t->n_inter++;
    return KNOB_OK;
}

bool knob_trial_latest_report(const knob_trial *t, int64_t *step, double *value)
{
    if (!t || !step || !value)
        return false;
    bool any = t->n_inter > 0;
    if (any) {
        *step = t->inter[t->n_inter - 1].step;
        *value = t->inter[t->n_inter - 1].value;
    }
    if (t->unbounded && (!any || t->unbounded - 1 > *step)) {
        *step = t->unbounded - 1;
        *value = t->unbounded_value;
        return true;
    }
    return any;
}

size_t knob_trial_intermediate(const knob_trial *t, const knob_step_value **out)
{
    if (out)
        *out = t ? t->inter : NULL;
    return t ? t->n_inter : 0;
}

int knob_trial_should_prune(knob_trial *t, bool *out)
{
    if (!t || !out)
        return knob__error(KNOB_EINVAL, "knob_trial_should_prune: NULL argument");
    if (!t->s)
        return orphan(t, "knob_trial_should_prune");
    return knob_pruner_prune(t->s->pruner, t->s, t, out);
}

/* ---------------------------------------------------------------- attributes */

/* The trial handle keeps what was set through it: system attributes wait there for the
 * trial's row, and both kinds are read back by knob_trial_*_attr. */
static int keep_attr(knob_trial *t, bool system, const char *key, const char *json)
{
    knob_attr **a = &t->attrs[system];
    size_t *n = &t->n_attrs[system];
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*a)[i].key, key) == 0) {
            char *copy = knob__strdup(json);
            if (!copy)
                return knob__oom("attribute");
            free((char *)(*a)[i].json);
            (*a)[i].json = copy;
            return KNOB_OK;
        }
    }
    if (knob__grow(a, &t->cap_attrs[system], *n + 1, sizeof **a))
        return knob__oom("attribute");
    char *k = knob__strdup(key), *j = knob__strdup(json);
    if (!k || !j) {
        free(k);
        free(j);
        return knob__oom("attribute");
    }
    (*a)[(*n)++] = (knob_attr){k, j};
    return KNOB_OK;
}

static const char *find_attr(const knob_trial *t, bool system, const char *key)
{
    for (size_t i = 0; t && key && i < t->n_attrs[system]; i++)
        if (strcmp(t->attrs[system][i].key, key) == 0)
            return t->attrs[system][i].json;
    for (size_t i = 0; t && key && system && i < t->n_stored; i++)
        if (strcmp(t->stored[i].key, key) == 0)
            return t->stored[i].json;
    return NULL;
}

int knob__trial_keep_stored(knob_trial *t, const knob_trial_info *info)
{
    size_t n = info ? info->n_system_attrs : 0;
    if (!n)
        return KNOB_OK;
    t->stored = calloc(n, sizeof *t->stored);
    if (!t->stored)
        return knob__oom("attributes");
    for (size_t i = 0; i < n; i++) {
        char *k = knob__strdup(info->system_attrs[i].key),
             *j = knob__strdup(info->system_attrs[i].json);
        if (!k || !j) {
            free(k);
            free(j);
            return knob__oom("attributes");
        }
        t->stored[t->n_stored++] = (knob_attr){k, j};
    }
    return KNOB_OK;
}

/* Keeps and stores an attribute whose JSON is known to be valid, for the public `call`. */
static int set_valid_attr(knob_trial *t, bool system, const char *key, const char *json,
                          const char *call)
{
    if (!t->s)
        return orphan(t, "trial attribute");
    int rc = keep_attr(t, system, key, json);
    if (rc || t->id < 0)
        return rc; /* written when the trial gets its row (only samplers set attributes so
                    * early, and only system ones) */
    if ((rc = knob__trial_flush_for(t, call)))
        return rc;
    return knob__store_unfinished_attr(t->s, t->id, system, key, json);
}

int knob__attr_json_check(const char *key, const char *json)
{
    int bad = knobx_json_check(json);
    if (bad < 0)
        return knob__oom("attribute");
    if (!bad)
        return KNOB_OK;
    size_t at = knobx_utf8_bad_at(json), n = strlen(json);
    if (at < n) /* named by its offset and code: the byte itself would not print */
        return knob__error(KNOB_EINVAL,
                           "attribute '%s' is not valid UTF-8: byte %zu of its JSON text "
                           "(0x%02x) is not part of a UTF-8 character",
                           key, at, (unsigned)(unsigned char)json[at]);
    size_t cut = 0; /* an excerpt that ends where a character does */
    while (cut < n) {
        size_t k = knobx_utf8_seq((const unsigned char *)json + cut, n - cut);
        if (cut + k > 80)
            break;
        cut += k;
    }
    return knob__error(KNOB_EINVAL, "attribute '%s' is not valid JSON: %.*s%s", key, (int)cut, json,
                       cut < n ? "..." : "");
}

/* True when trial `number` would change the study's count of constraint values to n, which
 * the view allows while that trial alone has any. The view may be behind: another handle may
 * have given another trial the old count since, so it is synced before the change is let
 * through (two handles on one study would otherwise leave trials of different counts). */
static bool constraints_recount(const knob_study *s, int64_t number, size_t n)
{
    const knob__view *v = &s->view;
    return n && v->n_constraints && v->n_constraints != n && number >= 0 &&
           v->constraints_of == number;
}

static int set_attr(knob_trial *t, bool system, const char *key, const char *json)
{
    if (!t || !key || !json || !key[0])
        return knob__error(KNOB_EINVAL, "trial attribute: NULL or empty argument");
    if (!knobx_utf8_valid(key))
        return knob__error(KNOB_EINVAL, "trial %lld: attribute key '%s' is not valid UTF-8",
                           (long long)t->number, key);
    int bad = knob__attr_json_check(key, json);
    if (bad)
        return bad == KNOB_EINVAL ? knob__error_prefix(bad, "trial %lld", (long long)t->number)
                                  : bad;
    /* knob's own key: read as the trial's constraint values, so checked as
     * knob_trial_set_constraints and knob_study_add_trial check them (a string read as
     * none, and the trial feasible) */
    bool cons = system && t->s && strcmp(key, "constraints") == 0;
    int rc = cons ? knob__constraints_attr_check(t->s, t->number, json) : KNOB_OK;
    if (!rc && cons &&
        constraints_recount(t->s, t->number, knob__constraints_parse(json, NULL, 0))) {
        rc = knob__view_sync(t->s); /* checked again against the storage as it is */
        if (!rc)
            rc = knob__constraints_attr_check(t->s, t->number, json);
    }
    if (!rc)
        rc = set_valid_attr(t, system, key, json,
                            system ? "knob_trial_set_system_attr" : "knob_trial_set_user_attr");
    size_t n = !rc && cons ? knob__constraints_parse(json, NULL, 0) : 0;
    if (n) /* the study's count from now on, as knob_trial_set_constraints sets it */
        knob__view_note_constraints(&t->s->view, t->number, n);
    return rc;
}

int knob__trial_load(knob_trial *t, const knob_trial_info *info)
{
    t->id = info->id;
    t->number = info->number;
    size_t n = info->n_params, m = info->n_intermediate;
    if ((n && knob__grow(&t->params, &t->cap_params, n, sizeof *t->params)) ||
        (m && knob__grow(&t->inter, &t->cap_inter, m, sizeof *t->inter)))
        return knob__oom("trial");
    if (n) /* the names and distributions are the view's, interned: they stay */
        memcpy(t->params, info->params, n * sizeof *t->params);
    if (m)
        memcpy(t->inter, info->intermediate, m * sizeof *t->inter);
    t->n_params = t->n_written = n;
    t->n_inter = m;
    const knob_attr *a[2] = {info->user_attrs, info->system_attrs};
    size_t na[2] = {info->n_user_attrs, info->n_system_attrs};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < na[k]; i++) {
            int rc = keep_attr(t, k == 1, a[k][i].key, a[k][i].json);
            if (rc)
                return rc;
        }
    return KNOB_OK;
}

int knob__trial_keep_user_attrs(knob_trial *t, const knob_trial_info *info)
{
    for (size_t i = 0; info && i < info->n_user_attrs; i++) {
        int rc = keep_attr(t, false, info->user_attrs[i].key, info->user_attrs[i].json);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

int knob__trial_flush_attrs(knob_trial *t)
{
    for (size_t i = 0; i < t->n_attrs[1]; i++) {
        int rc = knob__store_trial_attr(t->s, t->id, true, t->attrs[1][i].key, t->attrs[1][i].json);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

int knob_trial_set_user_attr(knob_trial *t, const char *key, const char *json)
{
    return set_attr(t, false, key, json);
}

int knob_trial_set_system_attr(knob_trial *t, const char *key, const char *json)
{
    return set_attr(t, true, key, json);
}

int knob__trial_set_system_attr_valid(knob_trial *t, const char *key, const char *json)
{
    return set_valid_attr(t, true, key, json, "knob_trial_set_system_attr");
}

const char *knob_trial_user_attr(const knob_trial *t, const char *key)
{
    return find_attr(t, false, key);
}

const char *knob_trial_system_attr(const knob_trial *t, const char *key)
{
    return find_attr(t, true, key);
}

int knob_trial_attrs(const knob_trial *t, bool system,
                     int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    if (!t || !cb)
        return knob__error(KNOB_EINVAL, "knob_trial_attrs: NULL argument");
    for (size_t i = 0; i < t->n_attrs[system]; i++) {
        int rc = cb(ctx, t->attrs[system][i].key, t->attrs[system][i].json);
        if (rc)
            return rc;
    }
    for (size_t i = 0; system && i < t->n_stored; i++) {
        if (find_attr(t, true, t->stored[i].key) != t->stored[i].json)
            continue; /* set again through the handle: read there */
        int rc = cb(ctx, t->stored[i].key, t->stored[i].json);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* ---------------------------------------------------------------- constraints */

int knob__constraints_check(const knob_study *s, int64_t number, const double *values, size_t n)
{
    char what[40];
    if (number >= 0)
        snprintf(what, sizeof what, "trial %lld", (long long)number);
    else
        snprintf(what, sizeof what, "added trial");
    for (size_t i = 0; i < n; i++)
        if (isnan(values[i]))
            return knob__error(KNOB_EINVAL,
                               "study '%s': %s: constraint %zu is nan; constraint values must be "
                               "numbers (<= 0 satisfied; inf: violated)",
                               s->name, what, i);
    const knob__view *v = &s->view;
    /* a trial that alone has constraints so far sets them again with another count freely */
    if (n && v->n_constraints && v->n_constraints != n &&
        (number < 0 || v->constraints_of != number))
        return knob__error(KNOB_EINVAL,
                           "study '%s': %s: %zu constraint value%s, but the study's earlier "
                           "trials have %zu",
                           s->name, what, n, n == 1 ? "" : "s", v->n_constraints);
    return KNOB_OK;
}

int knob__constraints_text(const double *values, size_t n, char *stack, char **text)
{
    /* "[v,...]", each value with 17 significant digits (it reads back exactly), written
     * once and not checked again: the shortest of 15-17 digits that reads back, as other
     * JSON numbers are written, cost two printfs and two strtods a value, and the check of
     * the text as much again: most of a trial's cost in a fast sampler with two params.
     * An infinity is 1e999 (-1e999): a JSON number that strtod, Python's json and
     * JavaScript's JSON.parse read back as one. */
    char *p = *text = n <= 16 ? stack : malloc(26 * n + 3);
    if (!p)
        return knob__oom("constraints");
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        if (isinf(values[i]))
            p += snprintf(p, 27, "%s1e999", values[i] < 0 ? "-" : "");
        else if (values[i] == floor(values[i]) && fabs(values[i]) < 9007199254740992.0)
            p += snprintf(p, 27, "%.0f", values[i]);
        else
            p += snprintf(p, 27, "%.17g", values[i]);
    }
    *p++ = ']';
    *p = 0;
    return KNOB_OK;
}

/* Checks constraint values for trial `number` against the study's view, and writes them as
 * knob__constraints_text does. */
static int constraints_json(const knob_study *s, int64_t number, const double *values, size_t n,
                            char *stack, char **text)
{
    int rc = knob__constraints_check(s, number, values, n);
    return rc ? rc : knob__constraints_text(values, n, stack, text);
}

int knob_trial_set_constraints(knob_trial *t, const double *values, size_t n)
{
    if (!t || !values || !n)
        return knob__error(KNOB_EINVAL, "knob_trial_set_constraints: %s",
                           !t   ? "trial is NULL"
                           : !n ? "no constraint values (n is 0)"
                                : "values is NULL");
    if (!t->s)
        return orphan(t, "knob_trial_set_constraints");
    char stack[512], *text;
    int rc = constraints_recount(t->s, t->number, n) ? knob__view_sync(t->s) : KNOB_OK;
    if (!rc)
        rc = constraints_json(t->s, t->number, values, n, stack, &text);
    if (rc)
        return rc;
    rc = set_valid_attr(t, true, "constraints", text, "knob_trial_set_constraints");
    if (text != stack)
        free(text);
    if (!rc)
        knob__view_note_constraints(&t->s->view, t->number, n);
    return rc;
}

int knob_study_set_trial_constraints(knob_study *s, int64_t number, const double *values, size_t n)
{
    if (!s || !values || !n)
        return knob__error(KNOB_EINVAL, "knob_study_set_trial_constraints: %s",
                           !s   ? "study is NULL"
                           : !n ? "no constraint values (n is 0)"
                                : "values is NULL");
    int64_t id;
    int rc = knob__store_trial_id(s, number, &id);
    if (!rc)
        rc = knob__view_sync(s); /* the count of the study's earlier constraints */
    if (rc)
        return rc;
    if ((rc = knob__refuse_unless_running(
             s, number, knob__view_trial(&s->view, number),
             "; its constraints are set once it has been asked, before it is told",
             "; its constraints are set before it is told")))
        return rc;
    char stack[512], *text;
    if ((rc = constraints_json(s, number, values, n, stack, &text)))
        return rc;
    /* refused by the storage too: the trial may have ended since the view's read */
    rc = knob__store_unfinished_attr(s, id, true, "constraints", text);
    if (text != stack)
        free(text);
    if (!rc)
        knob__view_note_constraints(&s->view, number, n);
    return rc;
}
