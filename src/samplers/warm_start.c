/* Warm-start sources, read the same way by every sampler that takes warm_start_study. */
#include "samplers/warm_start.h"
#include "math/quad.h"
#include "math/status.h"
#include "space.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A source run by knob run holds some params otherwise than as its program's values (a
 * quantile of a normal law or of weighted values, a reciprocal), and says how in its system
 * attribute "program_distributions" ({"x": {..., "as": "quantile"}}). A study without a stored
 * sweep (of Python or C) would read those as its own values of the param (a stored quantile
 * 0.594 asked as x = 0.594, where the program got 0.238): refused, naming the param. A study
 * with a stored sweep was compared with the source's sweep by knob run, which knows how each
 * holds it. */
static int check_held(knob_study *s, knob_study *src, const char *sampler, const char *name)
{
    const char *held = knob_study_system_attr(src, "program_distributions");
    if (!held || knob_study_system_attr(s, "sweep"))
        return KNOB_OK;
    knobx_json *j = knobx_json_parse(held, (size_t)-1, NULL, 0);
    int rc = KNOB_OK;
    for (size_t i = 0; !rc && j && j->type == KNOBX_JSON_OBJECT && i < j->n; i++) {
        const knobx_json *k = j->kids[i], *as = knobx_json_get(k, "as");
        bool recip = as && as->type == KNOBX_JSON_STRING && strcmp(as->str, "reciprocal") == 0;
        if (!recip && !(as && as->type == KNOBX_JSON_STRING && strcmp(as->str, "quantile") == 0))
            continue;
        rc = knob_set_error(KNOB_EINVAL,
                            "%s: warm_start_study '%s' holds param '%.200s' as %s (its sweep "
                            "searched it %s), not as the value its program got, and this study "
                            "has no sweep that holds it alike: its stored values would be read "
                            "as values of '%.200s'; warm-start from a study that searched "
                            "'%.200s' as a range or plain values, or run this study as a sweep "
                            "(knob run) that searches it as the source did",
                            sampler, name, k->key, recip ? "its reciprocal" : "a quantile",
                            recip ? "as inv_log_uniform_values"
                                  : "in the normal family or as values with probabilities",
                            k->key, k->key);
    }
    knobx_json_free(j);
    return rc;
}

int knob__warm_open(knob_study *s, const char *sampler, const char *name, const char *url,
                    knob_study **out)
{
    *out = NULL;
    bool other = url && url[0];
    knob_study *src = NULL;
    int rc = knob_study_open_related(s, name, other ? url : NULL, &src);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", knob_errmsg());
        return knob_set_error(rc, "%s: warm_start_study '%s'%s: %s%s", sampler, name,
                              other ? " from warm_start_storage" : "", why,
                              other || rc != KNOB_ENOTFOUND
                                  ? ""
                                  : " (it is looked for in this study's storage, as no other "
                                    "is given)");
    }
    if (knob_study_n_objectives(src) != 1) {
        size_t k = knob_study_n_objectives(src);
        knob_study_free(src);
        return knob_set_error(KNOB_EINVAL,
                              "%s: warm_start_study '%s' has %zu objectives; it needs one", sampler,
                              name, k);
    }
    if ((rc = check_held(s, src, sampler, name))) {
        knob_study_free(src);
        return rc;
    }
    *out = src;
    return KNOB_OK;
}

int knob__warm_options_check(const char *sampler, const char *study, const char *storage,
                             int64_t first)
{
    if (study && study[0])
        return KNOB_OK;
    if (storage && storage[0])
        return knob_set_error(KNOB_EINVAL,
                              "%s: option 'warm_start_storage' is set without 'warm_start_study' "
                              "(the study to learn from in that storage); give both, or neither",
                              sampler);
    if (first > 0)
        return knob_set_error(KNOB_EINVAL,
                              "%s: option 'warm_start_first' (%lld) is set without "
                              "'warm_start_study' (the study whose best configurations the first "
                              "trials evaluate); give both, or neither",
                              sampler, (long long)first);
    return KNOB_OK;
}

int knob__warm_only_check(const char *sampler, const char *study, const knob_option *table,
                          const void *state)
{
    static const char *const own[] = {"warm_start_study", "warm_start_storage", "warm_start_first"};
    if (study && study[0])
        return KNOB_OK;
    for (const knob_option *o = table; o && o->name; o++) {
        bool skip = strncmp(o->name, "warm_start_", 11) != 0;
        for (size_t k = 0; k < sizeof own / sizeof *own && !skip; k++)
            skip = strcmp(o->name, own[k]) == 0;
        char value[64];
        if (!skip && knob__option_changed(table, state, o->name, value, sizeof value))
            return knob_set_error(KNOB_EINVAL,
                                  "%s: option '%s' (%s) acts only with 'warm_start_study' (the "
                                  "study to learn from), which is not set; give both, or neither",
                                  sampler, o->name, value);
    }
    return KNOB_OK;
}

int knob__warm_check(knob_study *s, const char *sampler, const char *name, const char *url,
                     bool *checked)
{
    if (*checked || !name || !name[0])
        return KNOB_OK;
    knob_study *src = NULL;
    int rc = knob__warm_open(s, sampler, name, url, &src);
    knob_study_free(src);
    *checked = rc == KNOB_OK;
    return rc;
}

int knob__warm_trials(knob_study *src, bool infinite, knob__warm_trial **out, size_t *n)
{
    const knob_trial_info *const *tr;
    size_t nt, m = 0;
    *out = NULL;
    *n = 0;
    int rc = knob_study_trials(src, &tr, &nt);
    if (rc)
        return rc;
    double sign = knob_study_direction(src, 0) == KNOB_MAXIMIZE ? -1 : 1;
    for (size_t i = 0; i < nt; i++)
        m += tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values >= 1 &&
             (infinite ? !isnan(tr[i]->values[0]) : isfinite(tr[i]->values[0]));
    if (m == 0)
        return KNOB_OK;
    knob__warm_trial *w = malloc(m * sizeof *w);
    if (!w)
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start: %zu trials)", m);
    m = 0;
    for (size_t i = 0; i < nt; i++) {
        const knob_trial_info *t = tr[i];
        if (t->state != KNOB_TRIAL_COMPLETE || t->n_values < 1 ||
            !(infinite ? !isnan(t->values[0]) : isfinite(t->values[0])))
            continue;
        w[m++] = (knob__warm_trial){t, sign * t->values[0], knob_trial_info_feasible(t)};
    }
    *out = w;
    *n = m;
    return KNOB_OK;
}

bool knob__warm_value(const knob_param *q, const knob_distribution *d, double *v)
{
    const knob_distribution *from = q->dist;
    if ((from->kind == KNOB_DIST_CATEGORICAL) != (d->kind == KNOB_DIST_CATEGORICAL))
        return false;
    if (d->kind != KNOB_DIST_CATEGORICAL) {
        *v = q->internal;
        return q->internal >= d->low && q->internal <= d->high;
    }
    if (from == d || knob__dist_equal(from, d)) {
        *v = q->internal;
        return true;
    }
    if (!(q->internal >= 0 && q->internal < (double)from->n_choices))
        return false;
    const knob_choice *c = &from->choices[(size_t)q->internal];
    for (size_t j = 0; j < d->n_choices; j++)
        if (knob__choice_same(c, &d->choices[j])) {
            *v = (double)j;
            return true;
        }
    return false;
}

bool knob__warm_fits(const knob_param *q, const knob_distribution *d)
{
    double v;
    return knob__warm_value(q, d, &v);
}

/* Sets this sampler's sentence in warm_start_skipped to null (nothing is left out any
 * more: another source, another space); another sampler's (auto's delegates share the
 * attribute) stays. */
static int unsay(knob_study *s, const char *sampler)
{
    const char *was = knob_study_system_attr(s, "warm_start_skipped");
    size_t n = strlen(sampler);
    if (was && was[0] == '"' && strncmp(was + 1, sampler, n) == 0 && was[n + 1] == ':')
        return knob_study_set_system_attr(s, "warm_start_skipped", "null");
    return KNOB_OK;
}

/* Writes text (its last ';' cut) to warm_start_skipped as a JSON string, unless the
 * attribute holds it already. */
static int store(knob_study *s, char *text)
{
    size_t len = strlen(text);
    if (len && text[len - 1] == ';')
        text[len - 1] = 0;
    knobx_buf b = {0};
    knobx_json_add_string(&b, text);
    if (b.oom) {
        knobx_buf_free(&b);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start)");
    }
    const char *was = knob_study_system_attr(s, "warm_start_skipped");
    int rc = was && strcmp(was, knobx_buf_cstr(&b)) == 0
                 ? KNOB_OK
                 : knob_study_set_system_attr(s, "warm_start_skipped", knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return rc;
}

/* The sentence of knob__warm_say_skipped (and of knob__warm_say_too_few: `few` trials that fit,
 * where the source's model needs `need`) written to warm_start_skipped, or this sampler's
 * earlier sentence set to null when nothing was left out. */
static int say(knob_study *s, const char *sampler, const char *name, size_t of, size_t objectives,
               size_t dists, size_t missing, const char *param, size_t few, size_t need,
               int64_t first)
{
    if (objectives + dists + missing + few == 0)
        /* this sampler's sentence from an earlier read (another source, another space) is
         * no longer true: it goes (null), so that no stale warning is shown */
        return unsay(s, sampler);
    char text[768];
    int k = snprintf(text, sizeof text,
                     "%s: warm_start_study '%s': %zu of its %zu finished trials "
                     "not used:",
                     sampler, name, objectives + dists + missing + few, of);
    if (objectives && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k,
                      " %zu with another count of objective values than this study's %zu;",
                      objectives, knob_study_n_objectives(s));
    if (dists && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k,
                      " %zu with a param of this study under another kind of distribution or "
                      "outside its range;",
                      dists);
    if (missing && k > 0 && (size_t)k < sizeof text)
        k +=
            snprintf(text + k, sizeof text - (size_t)k,
                     " %zu without a param of this study that others of its trials have;", missing);
    if (param && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k, " the first: param '%.200s';", param);
    if (few && k > 0 && (size_t)k < sizeof text && first >= (int64_t)few)
        snprintf(text + k, sizeof text - (size_t)k,
                 " %zu that fit%s, where the source's model needs %zu (evaluated first: "
                 "warm_start_first=%lld);",
                 few, few == 1 ? "s" : "", need, (long long)first);
    else if (few && k > 0 && (size_t)k < sizeof text)
        snprintf(text + k, sizeof text - (size_t)k,
                 " %zu that fit%s, where the source's model needs %zu (warm_start_first=%zu, "
                 "first: %zu in a sweep's warm_start, evaluates %s first);",
                 few, few == 1 ? "s" : "", need, few, few, few == 1 ? "it" : "them");
    return store(s, text);
}

/* The sentence warm_start_skipped holds, parsed (NULL: none); the caller frees it. */
static knobx_json *sentence(knob_study *s)
{
    const char *was = knob_study_system_attr(s, "warm_start_skipped");
    knobx_json *j = was ? knobx_json_parse(was, (size_t)-1, NULL, 0) : NULL;
    if (j && j->type != KNOBX_JSON_STRING) {
        knobx_json_free(j);
        j = NULL;
    }
    return j;
}

int knob__warm_said_of(knob_study *s, const char *sampler, const char *name)
{
    knobx_json *j = sentence(s);
    size_t n = strlen(sampler), k = strlen(name);
    int of = 0;
    if (j && strncmp(j->str, sampler, n) == 0 &&
        strncmp(j->str + n, ": warm_start_study '", 20) == 0)
        of = strncmp(j->str + n + 20, name, k) == 0 && strncmp(j->str + n + 20 + k, "':", 2) == 0
                 ? 1
                 : 2;
    knobx_json_free(j);
    return of;
}

int knob__warm_say_skipped(knob_study *s, const char *sampler, const char *name, size_t of,
                           size_t objectives, size_t dists, size_t missing, const char *param)
{
    return say(s, sampler, name, of, objectives, dists, missing, param, 0, 0, 0);
}

/* Whether warm_start_skipped holds a sentence, of any sampler, that source `name` shares no
 * `what` with this study. */
static bool said_unshared(knob_study *s, const char *name, const char *what)
{
    knobx_json *j = sentence(s);
    char fact[600];
    int k = snprintf(fact, sizeof fact, ": warm_start_study '%s': shares no %s with this study",
                     name, what);
    bool said = j && k > 0 && (size_t)k < sizeof fact && strstr(j->str, fact) != NULL;
    knobx_json_free(j);
    return said;
}

int knob__warm_unsay_unshared(knob_study *s, const char *name)
{
    return name && name[0] && said_unshared(s, name, "param")
               ? knob_study_set_system_attr(s, "warm_start_skipped", "null")
               : KNOB_OK;
}

int knob__warm_say_unshared(knob_study *s, const char *sampler, const char *name, size_t of,
                            const char *what, const char *why)
{
    if (said_unshared(s, name, what)) /* by another sampler of auto's, or by this one */
        return KNOB_OK;
    char text[768];
    snprintf(text, sizeof text,
             "%s: warm_start_study '%s': shares no %s with this study%s%s%s, so none of its "
             "%zu finished trials is used; starting cold",
             sampler, name, what, why ? " (" : "", why ? why : "", why ? ")" : "", of);
    return store(s, text);
}

int knob__warm_say_modelless(knob_study *s, const char *sampler, const char *name, const char *why)
{
    char text[768];
    snprintf(text, sizeof text,
             "%s: warm_start_study '%s': none of its finished trials is used (%s); starting "
             "cold",
             sampler, name, why);
    return store(s, text);
}

/* The sentence of knob__warm_say_empty, up to its count. */
static int empty_fact(char *text, size_t size, const char *sampler, const char *name)
{
    return snprintf(text, size, "%s: warm_start_study '%s' has no complete trial with a value",
                    sampler, name);
}

size_t knob__warm_n_trials(knob_study *src)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    return knob_study_trials(src, &tr, &n) == KNOB_OK ? n : 0;
}

int knob__warm_say_empty(knob_study *s, const char *sampler, const char *name, size_t n)
{
    char text[768];
    int k = empty_fact(text, sizeof text, sampler, name);
    if (k > 0 && (size_t)k < sizeof text)
        snprintf(text + k, sizeof text - (size_t)k, " (%zu trials); starting cold", n);
    return store(s, text);
}

bool knob__warm_said_empty(knob_study *s, const char *sampler, const char *name)
{
    knobx_json *j = sentence(s);
    char fact[600];
    int k = empty_fact(fact, sizeof fact, sampler, name);
    bool said = j && k > 0 && (size_t)k < sizeof fact && strncmp(j->str, fact, (size_t)k) == 0;
    knobx_json_free(j);
    return said;
}

int knob__warm_say_sparse(knob_study *s, const char *sampler, const char *name, size_t of,
                          size_t most, const char *param)
{
    char text[768];
    snprintf(text, sizeof text,
             "%s: warm_start_study '%s': none of its %zu finished trials used: each param of "
             "this study it has is in fewer than half of them (at most %zu; the first: "
             "'%.200s'), too few to model; starting cold",
             sampler, name, of, most, param);
    return store(s, text);
}

int knob__warm_say_good_skipped(knob_study *s, const char *sampler, const char *name, size_t of,
                                size_t objectives, size_t good, size_t none, size_t partly,
                                const char *param)
{
    if (objectives + none + partly == 0)
        return unsay(s, sampler);
    char text[768];
    int k = snprintf(text, sizeof text, "%s: warm_start_study '%s':", sampler, name);
    if (objectives && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k,
                      " %zu of its %zu finished trials not used: %zu with another count of "
                      "objective values than this study's %zu;",
                      objectives, of, objectives, knob_study_n_objectives(s));
    if (none + partly && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k,
                      " %zu of the %zu good trials %s reads from it not used%s: %zu with a param "
                      "of this study under another kind of distribution or outside its range",
                      none + partly, good, sampler,
                      !none    ? " in full"
                      : partly ? " or not used in full"
                               : "",
                      none + partly);
    if (none && partly && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k, " (%zu with none that fits: not used)",
                      none);
    else if (none && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k, ", and none that fits");
    if (none + partly && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k, ";");
    if (param && none + partly && k > 0 && (size_t)k < sizeof text)
        snprintf(text + k, sizeof text - (size_t)k, " the first: param '%.200s';", param);
    return store(s, text);
}

int knob__warm_say_too_few(knob_study *s, const char *sampler, const char *name, size_t of,
                           size_t dists, size_t missing, const char *param, size_t few, size_t need,
                           int64_t first)
{
    return say(s, sampler, name, of, 0, dists, missing, param, few, need, first);
}

static int cmp_warm(const void *a, const void *b)
{
    const knob__warm_trial *x = a, *y = b;
    if (x->loss != y->loss)
        return x->loss < y->loss ? -1 : 1;
    return (x->trial->number > y->trial->number) - (x->trial->number < y->trial->number);
}

void knob__warm_sort(knob__warm_trial *w, size_t n)
{
    if (n > 1)
        qsort(w, n, sizeof *w, cmp_warm);
}

/* A value of d on [0, 1] of its range (log scale for log params). */
static double unit_on(const knob_distribution *d, double internal)
{
    bool lg = (d->flags & KNOB_LOG) && d->low > 0;
    double lo = lg ? log(d->low) : d->low, hi = lg ? log(d->high) : d->high;
    double v = lg ? log(fmax(internal, d->low)) : internal;
    return hi > lo ? (v - lo) / (hi - lo) : 0;
}

/* A param's value on [0, 1] of its distribution's range (log scale for log params). */
static double unit_of(const knob_param *q)
{
    if (q->dist->kind == KNOB_DIST_CATEGORICAL)
        return q->internal;
    return unit_on(q->dist, q->internal);
}

/* Whether u and v, values of a numerical param of distribution d, are more than
 * KNOB__WARM_APART of its range apart. A param of steps on a linear scale (an int, a stepped
 * float; not a log int) counts whole steps (knob__dist_steps: those from low that lie within
 * high), exactly: on [0, 1] an int 0..10's 3 and 4 were 0.1 apart and more (0.4 - 0.3 > 0.1
 * in doubles), its 6 and 7 not (0.7 - 0.6 < 0.1). Others compare on [0, 1] of the range (log
 * scale for log params), a difference of KNOB__WARM_APART within rounding being none. */
static bool far_apart_in(const knob_distribution *d, double u, double v)
{
    if ((d->kind == KNOB_DIST_INT || d->step > 0) && !(d->flags & KNOB_LOG)) {
        double step = d->kind == KNOB_DIST_INT && !(d->step > 0) ? 1 : d->step;
        double k = round(fabs(u - v) / step);
        double n = d->step > 0 ? knob__dist_steps(d) : d->high - d->low;
        return KNOB__WARM_APART_PARTS * k > n;
    }
    return fabs(unit_on(d, u) - unit_on(d, v)) > KNOB__WARM_APART + 1e-9;
}

/* The same of x and y, values of one numerical param in the source: on x's distribution
 * when y has the same, else each on its own range. */
static bool far_apart(const knob_param *x, const knob_param *y)
{
    if (knob__dist_equal(x->dist, y->dist))
        return far_apart_in(x->dist, x->internal, y->internal);
    return fabs(unit_of(x) - unit_of(y)) > KNOB__WARM_APART + 1e-9;
}

static const knob_param *param_in(const knob_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].name, name) == 0)
            return &p[i];
    return NULL;
}

/* Configuration i of f: its params, *n of them. */
static const knob_param *config(const knob__warm_firsts *f, size_t i, size_t *n)
{
    *n = f->start[i + 1] - f->start[i];
    return f->params + f->start[i];
}

/* True when configurations a and b of f differ by more than KNOB__WARM_APART in some param
 * they share (or have a param the other lacks), in the source's space: a study that has
 * shown no param of the source yet. */
static bool apart_there(const knob__warm_firsts *f, size_t a, size_t b)
{
    size_t na, nb;
    const knob_param *pa = config(f, a, &na), *pb = config(f, b, &nb);
    if (na != nb)
        return true;
    for (size_t i = 0; i < na; i++) {
        const knob_param *x = &pa[i], *y = param_in(pb, nb, x->name);
        if (!y || y->dist->kind != x->dist->kind)
            return true;
        if (x->dist->kind == KNOB_DIST_CATEGORICAL ? x->internal != y->internal : far_apart(x, y))
            return true;
    }
    return false;
}

/* The same in this study's space, on the params it shares with the source (here[k]: the
 * distribution this study holds f->params[k] under, NULL for a param it lacks), as the
 * values the trials would take (knob__warm_value: a value that does not fit is none, the
 * sampler's to choose): the source's other params are not this study's, and its ranges
 * not the ones this study searches. */
static bool apart_here(const knob__warm_firsts *f, const knob_distribution *const *here, size_t a,
                       size_t b)
{
    size_t na, nb;
    const knob_param *pa = config(f, a, &na), *pb = config(f, b, &nb);
    const knob_distribution *const *ha = here + f->start[a], *const *hb = here + f->start[b];
    for (size_t i = 0; i < na; i++) {
        if (!ha[i])
            continue;
        const knob_param *y = param_in(pb, nb, pa[i].name);
        double u, v;
        if (!y)
            return true;
        bool fu = knob__warm_value(&pa[i], ha[i], &u), fv = knob__warm_value(y, ha[i], &v);
        if (fu != fv)
            return true;
        if (fu && (ha[i]->kind == KNOB_DIST_CATEGORICAL ? u != v : far_apart_in(ha[i], u, v)))
            return true;
    }
    for (size_t i = 0; i < nb; i++)
        if (hb[i] && !param_in(pa, na, pb[i].name))
            return true;
    return false;
}

int knob__warm_firsts_make(knob__warm_firsts *f, const knob__warm_trial *w, size_t n, size_t k)
{
    size_t m = 0, total = 0;
    for (size_t i = 0; k && i < n; i++)
        if (w[i].feasible) {
            m++;
            total += w[i].trial->n_params;
        }
    f->params = calloc(total ? total : 1, sizeof *f->params);
    f->start = calloc(m + 1, sizeof *f->start);
    f->n = 0;
    f->k = k;
    f->n_params = f->params ? total : 0;
    int rc = f->params && f->start ? KNOB_OK : KNOB_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; !rc && k && i < n; i++) {
        if (!w[i].feasible)
            continue;
        const knob_trial_info *t = w[i].trial;
        f->start[f->n] = used;
        for (size_t j = 0; !rc && j < t->n_params; j++) {
            const knob_param *q = &t->params[j];
            knob_param *c = &f->params[used++];
            c->name = strdup(q->name);
            c->dist = knob__dist_clone(q->dist);
            c->internal = q->internal;
            rc = c->name && c->dist ? KNOB_OK : KNOB_ENOMEM;
        }
        f->start[f->n + 1] = used;
        f->n++;
    }
    if (rc) {
        knob__warm_firsts_free(f);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start)");
    }
    return KNOB_OK;
}

/* The greedy choice of knob__warm_firsts_nth kept between its calls: each seen name's
 * distribution in this study as the choice judged it (a clone, or NULL where no trial has
 * the name), and the configurations chosen among those judged so far. */
typedef struct knob__warm_picks {
    knob_distribution **here; /* n_names, in the order of the names' first entries */
    size_t n_names;
    bool shared;
    size_t *pick, m, cap; /* chosen, best first */
    size_t next;          /* the first configuration not judged yet */
} knob__warm_picks;

static void picks_free(knob__warm_picks *c)
{
    for (size_t j = 0; c && j < c->n_names; j++)
        free(c->here[j]);
    if (c) {
        free(c->here);
        free(c->pick);
    }
    free(c);
}

/* Whether c was judged in the space here shows (seen: the first entry of each name). */
static bool picks_hold(const knob__warm_picks *c, const knob_distribution *const *here,
                       const size_t *seen, size_t n_seen, bool shared)
{
    if (!c || c->n_names != n_seen || c->shared != shared)
        return false;
    for (size_t j = 0; j < n_seen; j++) {
        const knob_distribution *d = here[seen[j]];
        if ((d == NULL) != (c->here[j] == NULL) || (d && !knob__dist_equal(d, c->here[j])))
            return false;
    }
    return true;
}

/* A new choice for the space here shows, none chosen yet; NULL when memory runs out. */
static knob__warm_picks *picks_new(const knob_distribution *const *here, const size_t *seen,
                                   size_t n_seen, bool shared)
{
    knob__warm_picks *c = calloc(1, sizeof *c);
    if (!c || !(c->here = calloc(n_seen ? n_seen : 1, sizeof *c->here))) {
        free(c);
        return NULL;
    }
    c->n_names = n_seen;
    c->shared = shared;
    for (size_t j = 0; j < n_seen; j++)
        if (here[seen[j]] && !(c->here[j] = knob__dist_clone(here[seen[j]]))) {
            picks_free(c);
            return NULL;
        }
    return c;
}

int knob__warm_firsts_nth(const knob__warm_firsts *f, const knob_trial_info *const *tr, size_t n,
                          size_t want, size_t *at, bool *has)
{
    knob__warm_firsts *w = (knob__warm_firsts *)f; /* its choice, kept between calls */
    const knob_distribution **here = calloc(f->n_params ? f->n_params : 1, sizeof *here);
    size_t *seen = malloc((f->n_params ? f->n_params : 1) * sizeof *seen), n_seen = 0;
    bool shared = false;
    *has = false;
    if (!here || !seen) {
        free(here);
        free(seen);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start)");
    }
    /* each param under the distribution of this study's first trial that has it, looked up
     * once per name (seen: the first entry of each) */
    for (size_t k = 0; k < f->n_params; k++) {
        size_t j = 0;
        while (j < n_seen && strcmp(f->params[seen[j]].name, f->params[k].name) != 0)
            j++;
        if (j < n_seen) {
            here[k] = here[seen[j]];
            continue;
        }
        seen[n_seen++] = k;
        for (size_t t = 0; t < n && !here[k]; t++) {
            const knob_param *q = knob_trial_info_param(tr[t], f->params[k].name);
            here[k] = q ? q->dist : NULL;
        }
        shared |= here[k] != NULL;
    }
    /* the choice goes on from where the last call left it while the space is the same (the
     * greedy choice of the first ones does not depend on how many are wanted), so the first
     * k trials judge each configuration once, not once per trial */
    if (!picks_hold(f->picks, here, seen, n_seen, shared)) {
        picks_free(w->picks);
        w->picks = picks_new(here, seen, n_seen, shared);
    }
    free(seen);
    knob__warm_picks *c = w->picks;
    if (c && c->cap < want + 1) {
        size_t *grown = realloc(c->pick, (want + 1) * sizeof *grown);
        if (grown) {
            c->pick = grown;
            c->cap = want + 1;
        }
    }
    if (!c || c->cap < want + 1) {
        free(here);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start)");
    }
    size_t i = c->next;
    for (; i < f->n && c->m <= want; i++) {
        bool ok = true;
        for (size_t j = 0; j < c->m && ok; j++)
            ok = shared ? apart_here(f, here, i, c->pick[j]) : apart_there(f, i, c->pick[j]);
        if (ok)
            c->pick[c->m++] = i;
    }
    c->next = i;
    if (c->m > want) {
        *at = c->pick[want];
        *has = true;
    }
    free(here);
    return KNOB_OK;
}

/* The configuration of f trial t takes: the count of this study's trials before it that
 * are not enqueued (no fixed_params: knob_study_enqueue's, knob_study_add_trial's), when t
 * is not one either and the count is below f->k, indexes the distinct configurations
 * (knob__warm_firsts_nth, in the space of this study's trials so far); *has false otherwise. An
 * enqueued trial runs what the user fixed, so the source's configuration that its number
 * indexed was never run: the picks go to the first f->k trials the sampler chooses alone. */
static int pick_of(const knob__warm_firsts *f, knob_study *s, knob_trial *t, size_t *pick,
                   bool *has)
{
    *has = false;
    int64_t number = knob_trial_number(t);
    if (f->n == 0 || number < 0 || knob_trial_system_attr(t, "fixed_params"))
        return KNOB_OK;
    const knob_trial_info *const *tr;
    size_t n, before = 0;
    int rc = knob_study_trials(s, &tr, &n);
    for (size_t i = 0; !rc && i < n && before < f->k; i++)
        before += tr[i]->number < number && !knob_trial_info_attr(tr[i], "fixed_params", true);
    if (rc || before >= f->k)
        return rc;
    return knob__warm_firsts_nth(f, tr, n, before, pick, has);
}

int knob__warm_firsts_propose(const knob__warm_firsts *f, knob_study *s, knob_trial *t, bool *took)
{
    size_t i = 0;
    int rc = pick_of(f, s, t, &i, took);
    for (size_t j = *took ? f->start[i] : 0; !rc && *took && j < f->start[i + 1]; j++)
        rc = knob__trial_propose_by_value(t, f->params[j].name, f->params[j].dist,
                                          f->params[j].internal);
    return rc;
}

int knob__warm_firsts_read(knob__warm_firsts *f, knob_study *s, const char *sampler,
                           const char *name, const char *url, size_t k)
{
    if (k == 0)
        return KNOB_OK;
    knob_study *src = NULL;
    knob__warm_trial *w = NULL;
    size_t n = 0;
    int rc = knob__warm_open(s, sampler, name, url, &src);
    if (!rc)
        rc = knob__warm_trials(src, true, &w, &n);
    if (!rc) {
        knob__warm_sort(w, n);
        rc = knob__warm_firsts_make(f, w, n, k);
    }
    free(w);
    knob_study_free(src);
    return rc;
}

void knob__warm_firsts_free(knob__warm_firsts *f)
{
    for (size_t i = 0; i < f->n_params; i++) {
        free((char *)f->params[i].name);
        free((knob_distribution *)f->params[i].dist);
    }
    free(f->params);
    free(f->start);
    picks_free(f->picks);
    *f = (knob__warm_firsts){0};
}

/* ---------------------------------------------------------------- the local phase */

/* The internal value at u on [0, 1] of d's range (unit_of's inverse), snapped to a value d
 * can take. */
static double from_unit(const knob_distribution *d, double u)
{
    bool lg = (d->flags & KNOB_LOG) && d->low > 0;
    double lo = lg ? log(d->low) : d->low, hi = lg ? log(d->high) : d->high;
    double v = lo + u * (hi - lo);
    return knob__dist_snap(d, lg ? exp(v) : v);
}

/* u reflected into [0, 1]. */
static double reflect(double u)
{
    u = fmod(fabs(u), 2);
    return u > 1 ? 2 - u : u;
}

#define LOCAL_SALT 0x6c6f63616c5f7761ULL /* "local_wa" */

/* Whether local trial `number` is the quadratic model's: every second one of the local
 * phase when `model` is on, the strategy's others. */
static bool model_trial(int64_t number, int64_t every, bool model)
{
    return model && ((number - KNOB__WARM_LOCAL_FROM) / every) % 2 == 1;
}

/* The length of the local phase's step, the one-fifth rule replayed over the study's
 * trials in number order (so no state is kept between asks): LOCAL_STEP0 of the unit
 * cube's side at first, times LOCAL_GROW after a strategy's trial that beat every trial
 * before it, times LOCAL_GROW^(-1/4) after one that did not (the model's trials do not
 * count: they would inflate the rate of success); within [LOCAL_MIN, 0.5]. w: the complete
 * feasible trials, in trial order. */
#define LOCAL_STEP0 0.1
#define LOCAL_GROW 1.5
#define LOCAL_MIN 1e-7

static double local_step(const knob__warm_trial *w, size_t m, int64_t every, bool model,
                         int64_t number)
{
    double step = LOCAL_STEP0, best = INFINITY;
    for (size_t i = 0; i < m && w[i].trial->number < number; i++) {
        int64_t k = w[i].trial->number;
        if (k >= KNOB__WARM_LOCAL_FROM && k % every == 0 && !model_trial(k, every, model))
            step = w[i].loss < best ? step * LOCAL_GROW : step * pow(LOCAL_GROW, -0.25);
        step = fmin(fmax(step, LOCAL_MIN), 0.5);
        best = fmin(best, w[i].loss);
    }
    return step;
}

/* A trial's unit coordinate of param `like`'s name when it has it under the same kind of
 * distribution, else NaN. */
static double unit_in(const knob_trial_info *t, const knob_param *like)
{
    const knob_param *q = knob_trial_info_param(t, like->name);
    return q && q->dist->kind == like->dist->kind ? unit_of(q) : NAN;
}

typedef struct near_trial {
    double d2;
    size_t i;
} near_trial;

static int cmp_near(const void *a, const void *b)
{
    const near_trial *x = a, *y = b;
    if (x->d2 != y->d2)
        return x->d2 < y->d2 ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The model's step: the minimizer of a quadratic (full up to LOCAL_FULL params, diagonal
 * beyond) fitted to the LOCAL_NEAR x (its coefficients) trials nearest the best, in the
 * unit coordinates of the best's continuous and integer params, within radius `radius` of
 * the best; into u (unit coordinates of qs[0 .. nq)). *ok false when the model cannot be
 * fitted (too few trials, or no step): the strategy's step is taken instead. */
#define LOCAL_FULL 4
#define LOCAL_NEAR 2

static int model_step(const knob__warm_trial *w, size_t m, const knob_trial_info *best,
                      const knob_param *const *qs, size_t nq, double radius, double *u, bool *ok)
{
    *ok = false;
    bool full = nq <= LOCAL_FULL;
    size_t nc = knob__quad_coefs(nq, full), want = LOCAL_NEAR * nc, np = 0;
    if (m < nc + 2)
        return KNOB_OK;
    near_trial *nt = malloc(m * sizeof *nt);
    double *x = malloc((m * nq + m + nq) * sizeof *x), *y = x ? x + m * nq : NULL,
           *x0 = y ? y + m : NULL;
    if (!nt || !x) {
        free(nt);
        free(x);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start: the local model)");
    }
    for (size_t j = 0; j < nq; j++)
        x0[j] = unit_in(best, qs[j]);
    for (size_t i = 0; i < m; i++) {
        double d2 = 0;
        for (size_t j = 0; j < nq && isfinite(d2); j++) {
            double v = unit_in(w[i].trial, qs[j]) - x0[j];
            d2 += v * v;
        }
        if (isfinite(d2))
            nt[np++] = (near_trial){d2, i};
    }
    qsort(nt, np, sizeof *nt, cmp_near);
    np = np < want ? np : want;
    for (size_t k = 0; k < np; k++) {
        for (size_t j = 0; j < nq; j++)
            x[k * nq + j] = unit_in(w[nt[k].i].trial, qs[j]) - x0[j];
        y[k] = w[nt[k].i].loss;
    }
    int rc = knob__quad_min(x, y, np, nq, full, radius, u);
    if (rc == KNOB__MATH_ENOMEM) {
        free(nt);
        free(x);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start: the local model)");
    }
    *ok = rc == KNOB__MATH_OK;
    for (size_t j = 0; *ok && j < nq; j++)
        u[j] = fmin(fmax(x0[j] + u[j], 0), 1);
    free(nt);
    free(x);
    return KNOB_OK;
}

/* Proposes the model's step from the best trial (categorical params at its choices);
 * *proposed false when the model could not give one. */
static int propose_model(const knob__warm_trial *w, size_t m, const knob_trial_info *best,
                         double step, knob_trial *t, bool *proposed)
{
    *proposed = false;
    size_t nq = 0;
    const knob_param **qs = malloc((best->n_params ? best->n_params : 1) * sizeof *qs);
    double *u = malloc((best->n_params ? best->n_params : 1) * sizeof *u);
    if (!qs || !u) {
        free(qs);
        free(u);
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start: the local model)");
    }
    for (size_t j = 0; j < best->n_params; j++)
        if (best->params[j].dist->kind != KNOB_DIST_CATEGORICAL)
            qs[nq++] = &best->params[j];
    bool ok = false;
    int rc = nq ? model_step(w, m, best, qs, nq, 2 * step * sqrt((double)nq), u, &ok) : KNOB_OK;
    for (size_t j = 0, a = 0; !rc && ok && j < best->n_params; j++) {
        const knob_param *q = &best->params[j];
        double v = q->internal;
        if (a < nq && qs[a] == q)
            v = from_unit(q->dist, u[a++]);
        rc = knob_trial_propose(t, q->name, q->dist, v);
    }
    *proposed = ok && !rc;
    free(qs);
    free(u);
    return rc;
}

int knob__warm_local_propose(knob_study *s, knob_trial *t, uint64_t seed, int64_t every, bool model,
                             const knob_param *shared, size_t n_shared, bool *proposed)
{
    *proposed = false;
    int64_t number = knob_trial_number(t);
    if (every <= 0 || number < KNOB__WARM_LOCAL_FROM || number % every != 0 ||
        knob_study_n_objectives(s) != 1)
        return KNOB_OK;
    knob__warm_trial *w;
    size_t n, m = 0;
    int rc = knob__warm_trials(s, false, &w, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (w[i].feasible)
            w[m++] = w[i];
    if (m < KNOB__WARM_LOCAL_TOP) {
        free(w);
        return KNOB_OK;
    }
    double step = local_step(w, m, every, model, number);
    knob__warm_sort(w, m);
    const knob_trial_info *best = w[0].trial;
    step /= sqrt((double)(best->n_params ? best->n_params : 1)); /* each param's share */
    /* a source value that does not fit this study's param (outside its range, another kind)
     * taught the run nothing: by a name alone the run is as cold (no local phase) */
    bool shares = false;
    for (size_t j = 0; j < best->n_params && !shares; j++)
        for (size_t i = 0; i < n_shared && !shares; i++)
            shares = strcmp(best->params[j].name, shared[i].name) == 0 &&
                     knob__warm_fits(&shared[i], best->params[j].dist);
    if (shares && model_trial(number, every, model)) {
        rc = propose_model(w, m, best, step, t, proposed);
        if (rc || *proposed) {
            free(w);
            return rc;
        }
    }
    knob_rng r;
    knob_rng_derive(&r, seed ^ LOCAL_SALT, number, "warm_start_local");
    for (size_t j = 0; shares && !rc && j < best->n_params; j++) {
        const knob_param *q = &best->params[j];
        double x = q->internal;
        if (q->dist->kind != KNOB_DIST_CATEGORICAL)
            x = from_unit(q->dist, reflect(unit_of(q) + step * knob_rng_normal(&r)));
        rc = knob_trial_propose(t, q->name, q->dist, x);
    }
    *proposed = shares && !rc;
    free(w);
    return rc;
}
