/* The study as the web page reads it (web/src/model.js, decode): the trials as columns,
 * params and values exact, learning curves to 6 significant digits, which keeps a report
 * of 10,000 trials small (bench/web). */
#include "cli/cli.h"
#include "cli/sweep.h"
#include "cli/web.h"
#include "util/json.h"

#include <math.h>
#include <stddef.h>
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

/* A choice as JSON; a number exactly, as knob trials prints it: with %.10g two choices
 * 0.12345678901 and 0.12345678902 (or 9007199254740992 and 9007199254741000) were one
 * number on the page, and one category of its plots. */
static void choice_json(knobx_buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        knobx_json_add_string(b, c->str ? c->str : "");
        break;
    case KNOB_CHOICE_NUMBER:
        knobx_json_add_number(b, c->num);
        break;
    case KNOB_CHOICE_BOOL:
        knobx_buf_puts(b, c->num != 0 ? "true" : "false");
        break;
    default:
        knobx_buf_puts(b, "null");
    }
}

/* A param's column: its name, the first distribution seen under it, and for a categorical
 * one every choice seen (the distribution's, then those of other distributions under the
 * same name), so that a trial's value is an index into them. */
typedef struct column {
    const char *name;
    const knob_distribution *dist;
    const knob_choice **choices; /* NULL: the distribution's own */
    size_t n_choices;
    /* A param that is categorical in some trials and a number in others (a sweep edited
     * between runs, values: [10, 20, 30] then min: 0, max: 2): MIXED_NUMBER when every value
     * is a number, the column then numeric over [lo, hi]; MIXED_CHOICES else, the column
     * categorical over every value seen, the numbers among them held in own. */
    enum { MIXED_NONE, MIXED_NUMBER, MIXED_CHOICES } mixed;
    double lo, hi;
    knob_choice *own; /* MIXED_CHOICES: its numbers, sorted, after its n_cat choices */
    size_t n_own, n_cat;
} column;

static bool same_choice(const knob_choice *a, const knob_choice *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == KNOB_CHOICE_STRING)
        return !strcmp(a->str ? a->str : "", b->str ? b->str : "");
    return a->type == KNOB_CHOICE_NULL || a->num == b->num;
}

/* The index of v among the column's choices, or -1. */
static ptrdiff_t choice_index(const column *c, const knob_choice *v)
{
    if (c->dist->kind != KNOB_DIST_CATEGORICAL && c->mixed != MIXED_CHOICES)
        return -1;
    if (!c->choices) {
        for (size_t i = 0; i < c->dist->n_choices; i++)
            if (same_choice(&c->dist->choices[i], v))
                return (ptrdiff_t)i;
        return -1;
    }
    for (size_t i = 0; i < c->n_choices; i++)
        if (same_choice(c->choices[i], v))
            return (ptrdiff_t)i;
    return -1;
}

static void columns_free(column *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cols[i].choices);
        free(cols[i].own);
    }
    free(cols);
}

/* Adds choice v to the column's choices (the first distribution's, then v); -1 on OOM. */
static int add_choice(column *c, const knob_choice *v)
{
    if (!c->choices) {
        c->choices = malloc((c->dist->n_choices + 1) * sizeof *c->choices);
        if (!c->choices)
            return -1;
        for (size_t k = 0; k < c->dist->n_choices; k++)
            c->choices[c->n_choices++] = &c->dist->choices[k];
    } else {
        const knob_choice **g = realloc(c->choices, (c->n_choices + 1) * sizeof *g);
        if (!g)
            return -1;
        c->choices = g;
    }
    c->choices[c->n_choices++] = v;
    return 0;
}

static int cmp_num(const void *a, const void *b)
{
    double x = ((const knob_choice *)a)->num, y = ((const knob_choice *)b)->num;
    return (x > y) - (x < y);
}

/* Appends v to c->choices, grown (*cap) as needed; -1 when out of memory. */
static int push_choice(column *c, size_t *cap, const knob_choice *v)
{
    if (c->n_choices == *cap) {
        const knob_choice **g = realloc(c->choices, 2 * *cap * sizeof *g);
        if (!g)
            return -1;
        c->choices = g;
        *cap *= 2;
    }
    c->choices[c->n_choices++] = v;
    return 0;
}

/* A number's index among a MIXED_CHOICES column's choices: a categorical's equal choice, else
 * its place among the sorted numbers; -1 when none. */
static ptrdiff_t number_index(const column *c, double x)
{
    for (size_t i = 0; i < c->n_cat; i++)
        if (c->choices[i]->type == KNOB_CHOICE_NUMBER && c->choices[i]->num == x)
            return (ptrdiff_t)i;
    size_t lo = 0, hi = c->n_own;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->own[mid].num < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_own && c->own[lo].num == x ? (ptrdiff_t)(c->n_cat + lo) : -1;
}

/* Decides a mixed column (one marked in columns_of): numeric over every value when all are
 * numbers, else categorical over every value seen. -1 when out of memory. */
static int mixed_column(column *c, const knob_trial_info *const *all, size_t n)
{
    bool numbers = true;
    c->lo = INFINITY;
    c->hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const knob_param *p = knob_trial_info_param(all[i], c->name);
        if (!p)
            continue;
        double x = p->internal;
        if (p->dist->kind == KNOB_DIST_CATEGORICAL) {
            size_t v = (size_t)p->internal;
            numbers =
                numbers && v < p->dist->n_choices && p->dist->choices[v].type == KNOB_CHOICE_NUMBER;
            x = numbers ? p->dist->choices[v].num : NAN;
        }
        if (isfinite(x)) {
            c->lo = fmin(c->lo, x);
            c->hi = fmax(c->hi, x);
        }
    }
    free(c->choices);
    c->choices = NULL;
    c->n_choices = 0;
    if (numbers) {
        c->mixed = MIXED_NUMBER;
        return 0;
    }
    c->mixed = MIXED_CHOICES;
    /* the categoricals' choices (few), in the order seen; then every number once, sorted,
     * which number_index finds by bisection (a linear search per trial was quadratic) */
    size_t cap = 16;
    c->own = malloc((n ? n : 1) * sizeof *c->own);
    c->choices = malloc(cap * sizeof *c->choices);
    if (!c->own || !c->choices)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const knob_param *p = knob_trial_info_param(all[i], c->name);
        if (!p)
            continue;
        if (p->dist->kind != KNOB_DIST_CATEGORICAL) {
            c->own[c->n_own++] = (knob_choice){KNOB_CHOICE_NUMBER, NULL, p->internal};
            continue;
        }
        for (size_t k = 0; k < p->dist->n_choices; k++)
            if (choice_index(c, &p->dist->choices[k]) < 0 &&
                push_choice(c, &cap, &p->dist->choices[k]))
                return -1;
    }
    c->n_cat = c->n_choices;
    qsort(c->own, c->n_own, sizeof *c->own, cmp_num);
    size_t kept = 0;
    for (size_t i = 0; i < c->n_own; i++)
        if ((!kept || c->own[kept - 1].num != c->own[i].num) && choice_index(c, &c->own[i]) < 0)
            c->own[kept++] = c->own[i];
    c->n_own = kept;
    for (size_t i = 0; i < c->n_own; i++)
        if (push_choice(c, &cap, &c->own[i]))
            return -1;
    return 0;
}

/* Every param name in the order first seen; -1 when out of memory. */
static int columns_of(const knob_trial_info *const *all, size_t n, column **out, size_t *n_out)
{
    column *cols = NULL;
    size_t n_cols = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < all[i]->n_params; j++) {
            const knob_param *p = &all[i]->params[j];
            column *c = NULL;
            for (size_t k = 0; k < n_cols && !c; k++)
                if (!strcmp(cols[k].name, p->name))
                    c = &cols[k];
            if (!c) {
                if (n_cols == cap) {
                    size_t nc = cap ? 2 * cap : 16;
                    column *g = realloc(cols, nc * sizeof *g);
                    if (!g)
                        goto oom;
                    cols = g;
                    cap = nc;
                }
                c = &cols[n_cols++];
                *c = (column){.name = p->name, .dist = p->dist};
                continue;
            }
            if ((p->dist->kind == KNOB_DIST_CATEGORICAL) !=
                (c->dist->kind == KNOB_DIST_CATEGORICAL))
                c->mixed = MIXED_NUMBER; /* for now: mixed_column decides */
            if (p->dist == c->dist || p->dist->kind != KNOB_DIST_CATEGORICAL ||
                c->dist->kind != KNOB_DIST_CATEGORICAL)
                continue;
            size_t v = (size_t)p->internal;
            if (v < p->dist->n_choices && choice_index(c, &p->dist->choices[v]) < 0 &&
                add_choice(c, &p->dist->choices[v]))
                goto oom;
        }
    }
    for (size_t k = 0; k < n_cols; k++)
        if (cols[k].mixed && mixed_column(&cols[k], all, n))
            goto oom;
    *out = cols;
    *n_out = n_cols;
    return 0;
oom:
    columns_free(cols, n_cols);
    return -1;
}

/* A choice held as its JSON text, as flat_params writes the program's value, so that the
 * page finds a trial's value among the choices: a list or mapping as a string of its JSON
 * text, an integer beyond 2^53 as a number with its digits in full (JavaScript reads both
 * the same way). */
static void json_text_choice(knobx_buf *b, const char *text)
{
    knobx_json *j = knobx_json_parse(text, (size_t)-1, NULL, 0);
    if (j && j->type != KNOBX_JSON_OBJECT && j->type != KNOBX_JSON_ARRAY) {
        knobx_json_add_node(b, j);
        knobx_json_free(j);
        return;
    }
    knobx_buf t = {0};
    if (j)
        knobx_json_add_node(&t, j);
    knobx_json_add_string(b, j && !t.oom ? knobx_buf_cstr(&t) : text);
    b->oom |= t.oom;
    knobx_buf_free(&t);
    knobx_json_free(j);
}

/* The shown axis of a categorical: the program's values of the sweep's choices, in its
 * order (a list or an integer held as JSON text written as that JSON). */
static void shown_choices_json(knobx_buf *b, const sweep_param *sp)
{
    knobx_buf_puts(b,
                   ",\"shown\":{\"form\":\"categorical\",\"kind\":\"categorical\",\"choices\":[");
    for (size_t k = 0; k < sp->n_choices; k++) {
        knobx_buf_puts(b, k ? "," : "");
        if (sp->is_json && sp->is_json[k] && sp->choices[k].type == KNOB_CHOICE_STRING)
            json_text_choice(b, sp->choices[k].str);
        else
            choice_json(b, &sp->choices[k]);
    }
    knobx_buf_puts(b, "]}");
}

/* Whether a categorical's choices (plain values) hold an integer beyond 2^53, which the
 * library holds as the string of its digits and the program gets as a number: the page's
 * plots show the program's values (shown), where the string "9007199254740993" and the
 * number are two choices. */
static bool has_text_number(const sweep_param *sp)
{
    for (size_t k = 0; sp && sp->is_json && k < sp->n_choices; k++)
        if (sp->is_json[k] && sp->choices[k].type == KNOB_CHOICE_STRING && sp->choices[k].str &&
            sp->choices[k].str[0] != '[' && sp->choices[k].str[0] != '{')
            return true;
    return false;
}

/* For a param the sweep converts (the library holds a quantile, a reciprocal, an unrounded
 * value; its float distribution d says the sweep did), the axis of the program's values,
 * which the plots show (g, else p where it is that): "shown": {form, kind, log, low, high}
 * or {form, kind: "categorical", choices}. A log axis where the program's values are
 * log-spaced: inv_log_uniform_values, q_log_uniform_values, the log-normal forms (the page
 * draws a linear one when some value is not > 0); the normal ones are unbounded. */
static void shown_axis_json(knobx_buf *b, const sweep_param *sp, const knob_distribution *d)
{
    bool log = false, bounded = false;
    if (!sp || d->kind != KNOB_DIST_FLOAT)
        return;
    switch (sp->kind) {
    case PK_CATEGORICAL: /* weighted choices, drawn from a quantile */
        if (sp->probs)
            shown_choices_json(b, sp);
        return;
    case PK_INV_LOG_UNIFORM_VALUES:
    case PK_Q_LOG_UNIFORM_VALUES:
        log = bounded = true;
        break;
    case PK_NORMAL:
    case PK_Q_NORMAL:
        break;
    case PK_LOG_NORMAL:
    case PK_Q_LOG_NORMAL:
        log = true;
        break;
    default:
        return;
    }
    knobx_buf_puts(b, ",\"shown\":{\"form\":");
    knobx_json_add_string(b, sp->form ? sp->form : "");
    knobx_buf_printf(b, ",\"kind\":\"float\",\"log\":%s", log ? "true" : "false");
    if (bounded) {
        knobx_buf_puts(b, ",\"low\":");
        num(b, sp->min);
        knobx_buf_puts(b, ",\"high\":");
        num(b, sp->max);
    }
    knobx_buf_puts(b, "}");
}

static void params_json(knobx_buf *b, const column *cols, size_t n, const sweep *sw)
{
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        knobx_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        knobx_json_add_string(b, cols[i].name);
        const knob_distribution *d = cols[i].dist;
        if (cols[i].mixed == MIXED_NUMBER) { /* a number in every trial, whatever its kind */
            knobx_buf_puts(b, ",\"kind\":\"float\",\"log\":false,\"low\":");
            num(b, cols[i].lo);
            knobx_buf_puts(b, ",\"high\":");
            num(b, cols[i].hi);
            knobx_buf_puts(b, "}");
            continue;
        }
        if (d->kind == KNOB_DIST_CATEGORICAL || cols[i].mixed == MIXED_CHOICES) {
            knobx_buf_puts(b, ",\"kind\":\"categorical\",\"choices\":[");
            size_t nc = cols[i].choices || cols[i].mixed ? cols[i].n_choices : d->n_choices;
            for (size_t k = 0; k < nc; k++) {
                knobx_buf_puts(b, k ? "," : "");
                choice_json(b, cols[i].choices ? cols[i].choices[k] : &d->choices[k]);
            }
            knobx_buf_puts(b, "]");
            const sweep_param *sp = sw && !cols[i].mixed ? sweep_find(sw, cols[i].name) : NULL;
            if (sp && sp->kind == PK_CATEGORICAL && !sp->probs && has_text_number(sp))
                shown_choices_json(b, sp);
            knobx_buf_puts(b, "}");
            continue;
        }
        knobx_buf_printf(
            b, ",\"kind\":\"%s\",\"log\":%s,\"low\":", d->kind == KNOB_DIST_INT ? "int" : "float",
            (d->flags & KNOB_LOG) ? "true" : "false");
        num(b, d->low);
        knobx_buf_puts(b, ",\"high\":");
        num(b, d->high);
        shown_axis_json(b, sw ? sweep_find(sw, cols[i].name) : NULL, d);
        knobx_buf_puts(b, "}");
    }
    knobx_buf_puts(b, "]");
}

/* A trial's value of column c: its number exactly (as knob trials prints it), a
 * categorical's index into the column's choices, or null. */
static void cell_json(knobx_buf *b, const column *c, const knob_trial_info *t)
{
    const knob_param *p = knob_trial_info_param(t, c->name);
    if (!p) {
        knobx_buf_puts(b, "null");
        return;
    }
    if (c->mixed == MIXED_NUMBER) { /* every value a number: a choice's too */
        size_t v = (size_t)p->internal;
        if (p->dist->kind != KNOB_DIST_CATEGORICAL)
            knobx_json_add_number(b, p->internal);
        else if (v < p->dist->n_choices && p->dist->choices[v].type == KNOB_CHOICE_NUMBER)
            knobx_json_add_number(b, p->dist->choices[v].num);
        else
            knobx_buf_puts(b, "null");
        return;
    }
    if (c->mixed == MIXED_CHOICES && p->dist->kind != KNOB_DIST_CATEGORICAL) {
        ptrdiff_t i = number_index(c, p->internal);
        if (i >= 0)
            knobx_buf_printf(b, "%td", i);
        else
            knobx_buf_puts(b, "null");
        return;
    }
    if (p->dist->kind != KNOB_DIST_CATEGORICAL) {
        knobx_json_add_number(b, p->internal);
        return;
    }
    size_t v = (size_t)p->internal;
    ptrdiff_t i = -1;
    if (v < p->dist->n_choices)
        i = p->dist == c->dist && !c->mixed ? (ptrdiff_t)v : choice_index(c, &p->dist->choices[v]);
    if (i >= 0)
        knobx_buf_printf(b, "%td", i);
    else
        knobx_buf_puts(b, "null");
}

/* Whether the JSON value v is the trial's value of param p (a categorical's choice). */
/* Whether the JSON value v is choice c. */
static bool choice_is(const knob_choice *c, const knobx_json *v)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        return v->type == KNOBX_JSON_STRING && !strcmp(v->str, c->str ? c->str : "");
    case KNOB_CHOICE_NUMBER:
        return v->type == KNOBX_JSON_NUMBER && v->num == c->num;
    case KNOB_CHOICE_BOOL:
        return v->type == KNOBX_JSON_BOOL && v->b == (c->num != 0);
    default:
        return v->type == KNOBX_JSON_NULL;
    }
}

static bool same_value(const knob_param *p, const knobx_json *v)
{
    if (p->dist->kind != KNOB_DIST_CATEGORICAL)
        return v->type == KNOBX_JSON_NUMBER && v->num == p->internal;
    size_t i = (size_t)p->internal;
    return i < p->dist->n_choices && choice_is(&p->dist->choices[i], v);
}

/* Whether v is the value of constant sp: a list, a mapping or an integer beyond 2^53 (held
 * as its JSON text) compared as JSON, by value. */
static bool constant_is(const sweep_param *sp, const knobx_json *v)
{
    if (!(sp->is_json && sp->is_json[0] && sp->choices[0].type == KNOB_CHOICE_STRING))
        return choice_is(&sp->choices[0], v);
    knobx_buf text = {0};
    knobx_json_add_node(&text, v);
    bool same = !text.oom && knobx_json_text_equal(sp->choices[0].str, knobx_buf_cstr(&text));
    knobx_buf_free(&text);
    return same;
}

/* The sweep's constant of that name, or NULL. */
static const sweep_param *constant_named(const sweep *sw, const char *name)
{
    const sweep_param *sp = sw ? sweep_find(sw, name) : NULL;
    return sp && sp->kind == PK_CONSTANT && sp->n_choices == 1 ? sp : NULL;
}

/* The members of the object o as "name": value, nested objects flattened to the library's
 * dotted names ("opt.momentum": a param nested in `parameters` of "opt") under prefix;
 * *differs is set when a member the trial holds as a param has another value there. */
static void flat_params(knobx_buf *b, const knob_trial_info *t, const knobx_json *o,
                        knobx_buf *prefix, bool *first, bool *differs, const sweep *sw)
{
    for (size_t i = 0; i < o->n; i++) {
        const knobx_json *v = o->kids[i];
        size_t at = prefix->len;
        knobx_buf_puts(prefix, v->key);
        const knob_param *p = knob_trial_info_param(t, knobx_buf_cstr(prefix));
        /* a nested group's params; a constant's mapping is one value */
        if (v->type == KNOBX_JSON_OBJECT && !p && !constant_named(sw, knobx_buf_cstr(prefix))) {
            knobx_buf_puts(prefix, ".");
            flat_params(b, t, v, prefix, first, differs, sw);
        } else {
            knobx_buf_puts(b, *first ? "" : ",");
            *first = false;
            knobx_json_add_string(b, knobx_buf_cstr(prefix));
            knobx_buf_puts(b, ":");
            if (v->type == KNOBX_JSON_OBJECT || v->type == KNOBX_JSON_ARRAY) {
                /* a param whose value is a mapping or a list: its JSON text, as the
                 * table shows a choice */
                knobx_buf text = {0};
                knobx_json_add_node(&text, v);
                knobx_json_add_string(b, knobx_buf_cstr(&text));
                b->oom |= text.oom;
                knobx_buf_free(&text);
                *differs = true;
            } else {
                *differs |= p && !same_value(p, v);
                knobx_json_add_node(b, v);
            }
        }
        prefix->len = at;
        if (prefix->data)
            prefix->data[at] = '\0';
    }
}

/* What flat_params would find in o without writing it: whether it gives a member at all
 * (*any) and whether one differs from the trial's param (*differs). A trial whose shown
 * params are its own (most: knob run's "params" of params not converted) is then written
 * nowhere. */
static void flat_check(const knob_trial_info *t, const knobx_json *o, knobx_buf *prefix, bool *any,
                       bool *differs, const sweep *sw)
{
    for (size_t i = 0; i < o->n; i++) {
        const knobx_json *v = o->kids[i];
        size_t at = prefix->len;
        knobx_buf_puts(prefix, v->key);
        const knob_param *p = knob_trial_info_param(t, knobx_buf_cstr(prefix));
        /* a constant the program got another value of (the sweep edited since): the page's
         * constants do not say it; a mapping constant is one value, not a group of params */
        const sweep_param *k = p ? NULL : constant_named(sw, knobx_buf_cstr(prefix));
        if (v->type == KNOBX_JSON_OBJECT && !p && !k) {
            knobx_buf_puts(prefix, ".");
            flat_check(t, v, prefix, any, differs, sw);
        } else {
            *any = true;
            *differs |= v->type == KNOBX_JSON_OBJECT || v->type == KNOBX_JSON_ARRAY ||
                        (p && !same_value(p, v)) || (k && !constant_is(k, v));
        }
        prefix->len = at;
        if (prefix->data)
            prefix->data[at] = '\0';
    }
}

/* Whether the number v is written as knob trials shows a float the program got whole (3.0,
 * params_value_text), where its double alone is written 3. */
static bool whole_float(const knobx_json *v)
{
    if (v->type != KNOBX_JSON_NUMBER || !v->str)
        return false;
    knobx_buf n = {0};
    knobx_json_add_number(&n, v->num);
    knobx_buf_puts(&n, ".0");
    bool is = !n.oom && !strcmp(knobx_buf_cstr(&n), v->str);
    knobx_buf_free(&n);
    return is;
}

/* The names of o's members (dotted, as flat_params names them) that are whole floats,
 * each a JSON string after a comma; *count of them. */
static void whole_floats(knobx_buf *b, const knob_trial_info *t, const knobx_json *o,
                         knobx_buf *prefix, size_t *count)
{
    for (size_t i = 0; i < o->n; i++) {
        const knobx_json *v = o->kids[i];
        size_t at = prefix->len;
        knobx_buf_puts(prefix, v->key);
        if (v->type == KNOBX_JSON_OBJECT && !knob_trial_info_param(t, knobx_buf_cstr(prefix))) {
            knobx_buf_puts(prefix, ".");
            whole_floats(b, t, v, prefix, count);
        } else if (whole_float(v)) {
            knobx_buf_puts(b, ",");
            knobx_json_add_string(b, knobx_buf_cstr(prefix));
            ++*count;
        }
        prefix->len = at;
        if (prefix->data)
            prefix->data[at] = '\0';
    }
}

/* Where the sweep's constants (W&B's value:, which the library does not hold) show: per
 * constant, the runs of positions whose shown params have it, as [start, end) pairs. A
 * constant shows in every trial of knob run, or where its conditions held: a few runs, sent
 * instead of its value in each trial. */
typedef struct constant_spans {
    const sweep *sw;
    size_t n;        /* constants */
    size_t *param;   /* each one's index in sw->params */
    ptrdiff_t *open; /* the start of its run in progress, or -1 */
    knobx_buf *runs;
    bool oom;
} constant_spans;

static void spans_init(constant_spans *c, const sweep *sw)
{
    *c = (constant_spans){.sw = sw};
    size_t n = 0;
    for (size_t i = 0; sw && i < sw->n_params; i++)
        n += constant_named(sw, sw->params[i].name) == &sw->params[i];
    if (!n)
        return;
    c->param = malloc(n * sizeof *c->param);
    c->open = malloc(n * sizeof *c->open);
    c->runs = calloc(n, sizeof *c->runs);
    if (!c->param || !c->open || !c->runs) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < sw->n_params; i++)
        if (constant_named(sw, sw->params[i].name) == &sw->params[i]) {
            c->open[c->n] = -1;
            c->param[c->n++] = i;
        }
}

static void span_close(constant_spans *c, size_t k, size_t end)
{
    if (c->open[k] < 0)
        return;
    knobx_buf_printf(&c->runs[k], "%s%td,%zu", c->runs[k].len ? "," : "", c->open[k], end);
    c->open[k] = -1;
}

/* The trial at position i shows the params o (NULL: none of the constants). */
static void spans_add(constant_spans *c, size_t i, const knobx_json *o)
{
    for (size_t k = 0; k < c->n; k++) {
        const sweep_param *sp = &c->sw->params[c->param[k]];
        const knobx_json *v = o;
        for (size_t d = 0; v && d < sp->n_path; d++)
            v = v->type == KNOBX_JSON_OBJECT ? knobx_json_get(v, sp->path[d]) : NULL;
        if (!v || !constant_is(sp, v)) /* another value: the trial's g says it */
            span_close(c, k, i);
        else if (c->open[k] < 0)
            c->open[k] = (ptrdiff_t)i;
    }
}

/* kc: one list of runs per constant of the study's constants (constants_json), in order. */
static void spans_json(knobx_buf *b, constant_spans *c, size_t n)
{
    knobx_buf_puts(b, ",\"kc\":[");
    for (size_t k = 0; k < c->n; k++) {
        span_close(c, k, n);
        knobx_buf_puts(b, k ? ",[" : "[");
        knobx_buf_add(b, c->runs[k].data, c->runs[k].len);
        knobx_buf_puts(b, "]");
        b->oom |= c->runs[k].oom;
        knobx_buf_free(&c->runs[k]);
    }
    knobx_buf_puts(b, "]");
    b->oom |= c->oom;
    free(c->param);
    free(c->open);
    free(c->runs);
}

/* The sweep's constants, their values as the program gets them (as shown_choices_json
 * writes a choice), "float" for a whole float knob trials shows as 3.0: {name, value}. */
static void constants_json(knobx_buf *b, const sweep *sw)
{
    knobx_buf_puts(b, ",\"constants\":[");
    size_t n = 0;
    for (size_t i = 0; sw && i < sw->n_params; i++) {
        const sweep_param *sp = &sw->params[i];
        if (constant_named(sw, sp->name) != sp)
            continue;
        knobx_buf_puts(b, n++ ? ",{\"name\":" : "{\"name\":");
        knobx_json_add_string(b, sp->name);
        knobx_buf_puts(b, ",\"value\":");
        if (sp->is_json && sp->is_json[0] && sp->choices[0].type == KNOB_CHOICE_STRING)
            json_text_choice(b, sp->choices[0].str);
        else
            choice_json(b, &sp->choices[0]);
        if (sp->is_float && sp->is_float[0])
            knobx_buf_puts(b, ",\"float\":true");
        knobx_buf_puts(b, "}");
    }
    knobx_buf_puts(b, "]");
}

/* The params of the trials as knob trials shows them (cli_trial_params_json: what the
 * program got, or an enqueued trial's given values) where p does not: a waiting trial's,
 * which has no params until it is asked, and those the sweep converts (the library holds a
 * quantile, a reciprocal). g: {position: {name: value}}, nested names dotted. The stored
 * text is parsed where it is (cli_trial_params_text), not copied first, and a trial's
 * members are written only when they are shown. */
static void shown_json(knobx_buf *b, const knob_trial_info *const *ts, size_t n, const sweep *sw,
                       const cli_params_view *pv)
{
    knobx_buf_puts(b, ",\"g\":{");
    knobx_buf wf = {0};
    size_t shown = 0, n_wf = 0;
    constant_spans spans;
    spans_init(&spans, sw);
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = ts[i];
        bool waiting = t->state == KNOB_TRIAL_WAITING && !t->n_params;
        if (!waiting && !cli_trial_given_params(t, pv)) {
            spans_add(&spans, i, NULL);
            continue; /* its params are p's */
        }
        knobx_buf text = {0}, one = {0}, prefix = {0};
        const char *stored = cli_trial_params_text(t, pv);
        if (!stored)
            cli_trial_params_json(&text, t, pv);
        knobx_json *j = stored ? knobx_json_parse_as_written(stored, strlen(stored), NULL, 0)
                        : text.oom
                            ? NULL
                            : knobx_json_parse_as_written(knobx_buf_cstr(&text), text.len, NULL, 0);
        bool first = true, any = false, differs = waiting;
        spans_add(&spans, i, j && j->type == KNOBX_JSON_OBJECT ? j : NULL);
        if (j && j->type == KNOBX_JSON_OBJECT)
            flat_check(t, j, &prefix, &any, &differs, sw);
        if (j && differs && any)
            flat_params(&one, t, j, &prefix, &first, &differs, sw);
        if (j && differs && !first) {
            knobx_buf_printf(b, "%s\"%zu\":{", shown++ ? "," : "", i);
            knobx_buf_add(b, one.data, one.len);
            knobx_buf_puts(b, "}");
        }
        size_t floats = 0;
        knobx_buf_reset(&one);
        if (j && j->type == KNOBX_JSON_OBJECT)
            whole_floats(&one, t, j, &prefix, &floats);
        if (floats && !one.oom) { /* one's names, each after a comma: the first is the "[" */
            knobx_buf_printf(&wf, "%s\"%zu\":[", n_wf++ ? "," : "", i);
            knobx_buf_add(&wf, one.data + 1, one.len - 1);
            knobx_buf_puts(&wf, "]");
        }
        b->oom |= text.oom || one.oom || prefix.oom;
        knobx_json_free(j);
        knobx_buf_free(&text);
        knobx_buf_free(&one);
        knobx_buf_free(&prefix);
    }
    /* wf: the names of the params knob trials shows as whole floats (3.0), which the page's
     * numbers cannot say, by position */
    knobx_buf_puts(b, "},\"wf\":{");
    knobx_buf_add(b, wf.data, wf.len);
    knobx_buf_puts(b, "}");
    b->oom |= wf.oom;
    knobx_buf_free(&wf);
    spans_json(b, &spans, n);
}

/* The runners' host and pid ("host:pid") as rk, each trial's as an index into it in r
 * (null: none): the timeline's lanes. The runner's directory is for /api/log alone. */
static void runners_json(knobx_buf *b, const knob_trial_info *const *ts, size_t n)
{
    knobx_buf keys = {0}, idx = {0};
    char **seen = NULL;
    size_t n_seen = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const char *r = knob_trial_info_attr(ts[i], "runner", true);
        knobx_json *j = r ? knobx_json_parse(r, (size_t)-1, NULL, 0) : NULL;
        const knobx_json *host = knobx_json_get(j, "host"), *pid = knobx_json_get(j, "pid");
        char key[320];
        ptrdiff_t at = -1;
        if (host && host->type == KNOBX_JSON_STRING) {
            snprintf(key, sizeof key, "%.255s:%.0f", host->str,
                     pid && pid->type == KNOBX_JSON_NUMBER ? pid->num : 0.0);
            for (size_t k = 0; k < n_seen && at < 0; k++)
                if (!strcmp(seen[k], key))
                    at = (ptrdiff_t)k;
            if (at < 0) {
                char **g = realloc(seen, (n_seen + 1) * sizeof *g);
                char *copy = g ? strdup(key) : NULL;
                if (g)
                    seen = g;
                if (copy) {
                    seen[n_seen] = copy;
                    knobx_buf_puts(&keys, n_seen ? "," : "");
                    knobx_json_add_string(&keys, key);
                    at = (ptrdiff_t)n_seen++;
                } else {
                    b->oom = true;
                }
            }
        }
        knobx_json_free(j);
        any |= at >= 0;
        if (at >= 0)
            knobx_buf_printf(&idx, "%s%td", i ? "," : "", at);
        else
            knobx_buf_puts(&idx, i ? ",null" : "null");
    }
    if (any)
        knobx_buf_printf(b, ",\"rk\":[%s],\"r\":[%s]", knobx_buf_cstr(&keys), knobx_buf_cstr(&idx));
    b->oom |= keys.oom || idx.oom;
    for (size_t k = 0; k < n_seen; k++)
        free(seen[k]);
    free(seen);
    knobx_buf_free(&keys);
    knobx_buf_free(&idx);
}

/* A state as one letter (web/src/model.js, STATE_OF). */
static const char *state_code(knob_trial_state st)
{
    switch (st) {
    case KNOB_TRIAL_RUNNING:
        return "r";
    case KNOB_TRIAL_COMPLETE:
        return "c";
    case KNOB_TRIAL_PRUNED:
        return "p";
    case KNOB_TRIAL_WAITING:
        return "w";
    default:
        return "f";
    }
}

/* The trials as columns (see web/src/model.js, decode): one array per field, a trial's
 * position the same in each; sparse fields as {position: value}. Params and values are
 * exact (shortest round-trip, as knob trials prints them; values of inf as 1e999 and
 * -1e999; g the params as knob trials shows them, where p does not; wf the names of those it
 * shows as whole floats, 3.0); intermediate values, a curve's points, 6 significant digits;
 * times in ms from the earliest start (time0, seconds). */
static void trials_json(knobx_buf *b, const knob_trial_info *const *ts, size_t n,
                        const column *cols, size_t n_cols, size_t n_obj, const sweep *sw,
                        const cli_params_view *pv)
{
    double time0 = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(ts[i]->start_time) && ts[i]->start_time < time0)
            time0 = ts[i]->start_time;
    if (!isfinite(time0))
        time0 = 0;
    knobx_buf_puts(b, "{\"n\":[");
    for (size_t i = 0; i < n; i++)
        knobx_buf_printf(b, "%s%lld", i ? "," : "", (long long)ts[i]->number);
    knobx_buf_puts(b, "],\"s\":\"");
    for (size_t i = 0; i < n; i++)
        knobx_buf_add(b, state_code(ts[i]->state), 1);
    knobx_buf_puts(b, "\",\"v\":[");
    for (size_t k = 0; k < n_obj; k++) {
        knobx_buf_puts(b, k ? ",[" : "[");
        for (size_t i = 0; i < n; i++) {
            knobx_buf_puts(b, i ? "," : "");
            if (k < ts[i]->n_values)
                cli_json_value(b, ts[i]->values[k]); /* inf: 1e999, as JSON.parse reads it */
            else
                knobx_buf_puts(b, "null");
        }
        knobx_buf_puts(b, "]");
    }
    knobx_buf_puts(b, "],\"p\":[");
    for (size_t c = 0; c < n_cols; c++) {
        knobx_buf_puts(b, c ? ",[" : "[");
        for (size_t i = 0; i < n; i++) {
            knobx_buf_puts(b, i ? "," : "");
            cell_json(b, &cols[c], ts[i]);
        }
        knobx_buf_puts(b, "]");
    }
    knobx_buf_puts(b, "],\"time0\":");
    knobx_json_add_number(b, time0);
    knobx_buf_puts(b, ",\"t0\":[");
    for (size_t i = 0; i < n; i++) {
        knobx_buf_puts(b, i ? "," : "");
        if (isfinite(ts[i]->start_time))
            knobx_buf_printf(b, "%.0f", (ts[i]->start_time - time0) * 1000);
        else
            knobx_buf_puts(b, "null");
    }
    /* t1: the end, in ms after the start; d: the duration in s as knob trials prints it. t1
     * is the end rounded to the ms less the start rounded so, not the duration rounded: the
     * two roundings of start and duration put an end up to 1 ms off, after the start of the
     * trial that began as it ended (a lane of its own in the timeline); the end's own
     * rounding keeps their order. */
    bool ended;
    knobx_buf_puts(b, "],\"t1\":[");
    for (size_t i = 0; i < n; i++) {
        ended = isfinite(ts[i]->start_time) && isfinite(ts[i]->end_time);
        knobx_buf_puts(b, i ? "," : "");
        if (ended)
            knobx_buf_printf(b, "%.0f",
                             rint((ts[i]->end_time - time0) * 1000) -
                                 rint((ts[i]->start_time - time0) * 1000));
        else
            knobx_buf_puts(b, "null");
    }
    knobx_buf_puts(b, "],\"d\":[");
    for (size_t i = 0; i < n; i++) {
        ended = isfinite(ts[i]->start_time) && isfinite(ts[i]->end_time);
        knobx_buf_puts(b, i ? "," : "");
        if (ended)
            knobx_buf_printf(b, "%.1f", ts[i]->end_time - ts[i]->start_time);
        else
            knobx_buf_puts(b, "null");
    }
    /* Intermediate values of the trials that have some: ik their positions, i0 the first
     * step when the steps follow each other (else null, and is[position] the steps). */
    knobx_buf ik = {0}, i0 = {0}, iv = {0}, is = {0};
    size_t n_i = 0, n_is = 0;
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = ts[i];
        if (!t->n_intermediate)
            continue;
        const knob_step_value *v = t->intermediate;
        bool dense = true;
        for (size_t j = 1; j < t->n_intermediate && dense; j++)
            dense = v[j].step == v[0].step + (int64_t)j;
        knobx_buf_printf(&ik, "%s%zu", n_i ? "," : "", i);
        if (dense) {
            knobx_buf_printf(&i0, "%s%lld", n_i ? "," : "", (long long)v[0].step);
        } else {
            knobx_buf_puts(&i0, n_i ? ",null" : "null");
            knobx_buf_printf(&is, "%s\"%zu\":[", n_is++ ? "," : "", i);
            for (size_t j = 0; j < t->n_intermediate; j++)
                knobx_buf_printf(&is, "%s%lld", j ? "," : "", (long long)v[j].step);
            knobx_buf_puts(&is, "]");
        }
        knobx_buf_puts(&iv, n_i++ ? ",[" : "[");
        for (size_t j = 0; j < t->n_intermediate; j++) {
            knobx_buf_puts(&iv, j ? "," : "");
            if (isfinite(v[j].value))
                knobx_buf_printf(&iv, "%.6g", v[j].value);
            else
                knobx_buf_puts(&iv, "null");
        }
        knobx_buf_puts(&iv, "]");
    }
    knobx_buf_puts(b, "],\"ik\":[");
    knobx_buf_add(b, ik.data, ik.len);
    knobx_buf_puts(b, "],\"i0\":[");
    knobx_buf_add(b, i0.data, i0.len);
    knobx_buf_puts(b, "],\"iv\":[");
    knobx_buf_add(b, iv.data, iv.len);
    knobx_buf_puts(b, "],\"is\":{");
    knobx_buf_add(b, is.data, is.len);
    knobx_buf_puts(b, "}");
    b->oom |= ik.oom || i0.oom || iv.oom || is.oom;
    knobx_buf_free(&ik);
    knobx_buf_free(&i0);
    knobx_buf_free(&iv);
    knobx_buf_free(&is);
    /* Sparse: infeasible positions, fail reasons, user attributes (not an older knob's
     * "params", which repeats p; a user's own "params" is shown). */
    knobx_buf_puts(b, ",\"x\":[");
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        if (!knob_trial_info_feasible(ts[i]))
            knobx_buf_printf(b, "%s%zu", shown++ ? "," : "", i);
    knobx_buf_puts(b, "],\"f\":{");
    shown = 0;
    for (size_t i = 0; i < n; i++) {
        const char *f = knob_trial_info_attr(ts[i], "fail_reason", true);
        if (f)
            knobx_buf_printf(b, "%s\"%zu\":%s", shown++ ? "," : "", i, f);
    }
    knobx_buf_puts(b, "},\"u\":{");
    shown = 0;
    for (size_t i = 0; i < n; i++) {
        size_t m = 0;
        for (size_t a = 0; a < ts[i]->n_user_attrs; a++) {
            const knob_attr *u = &ts[i]->user_attrs[a];
            if (!strcmp(u->key, "params") && cli_trial_params_attr_is_knobs(ts[i], pv))
                continue; /* an older knob run's own, shown as the params */
            if (m++ == 0)
                knobx_buf_printf(b, "%s\"%zu\":{", shown++ ? "," : "", i);
            else
                knobx_buf_puts(b, ",");
            knobx_json_add_string(b, u->key);
            knobx_buf_printf(b, ":%s", u->json);
        }
        if (m)
            knobx_buf_puts(b, "}");
    }
    knobx_buf_puts(b, "}");
    shown_json(b, ts, n, sw, pv);
    runners_json(b, ts, n);
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

static int pareto_json(knobx_buf *b, knob_study *s, size_t *n_front)
{
    knobx_buf_puts(b, "[");
    *n_front = 0;
    if (knob_study_n_objectives(s) >= 2) {
        const knob_trial_info *const *front;
        size_t n = 0;
        /* No feasible trial: an empty front, as a page of one objective shows no best. */
        int rc = knob_study_best_trials(s, &front, &n);
        if (rc && rc != KNOB_ENOTFOUND)
            return -1;
        for (size_t i = 0; i < n; i++)
            knobx_buf_printf(b, "%s%lld", i ? "," : "", (long long)front[i]->number);
        *n_front = n;
    }
    knobx_buf_puts(b, "]");
    return 0;
}

/* With several objectives, the hypervolume after each finished trial (the k-th number:
 * after k trials), against the default reference point; null otherwise, when it cannot be
 * told yet (no complete feasible trial), or when the front is too large for its exact
 * hypervolume in this many objectives (cli_hv_affordable). */
static void hypervolume_json(knobx_buf *b, knob_study *s, size_t n_front)
{
    const double *hv;
    size_t n, m = knob_study_n_objectives(s);
    if (m < 2 || !cli_hv_affordable(m, n_front) ||
        knob_study_hypervolume_history(s, NULL, &hv, &n) || !n) {
        knobx_buf_puts(b, "null");
        return;
    }
    knobx_buf_puts(b, "[");
    for (size_t k = 0; k < n; k++) {
        knobx_buf_puts(b, k ? "," : "");
        /* an infinite hypervolume (a point at an infinity) is a value the page draws at the
         * edge of its axis, written 1e999 as the objectives' values: null would end the line */
        if (isinf(hv[k]))
            cli_json_value(b, hv[k]);
        else
            num(b, hv[k]);
    }
    knobx_buf_puts(b, "]");
}

/* Sweeps kept: more than the studies a dashboard's open pages poll at once. */
#define WEB_SWEEPS 8

typedef struct web_sweep {
    char *text; /* the stored attribute's text, the key */
    bool have;  /* it held a sweep whose params could be read: sw */
    sweep sw;
    knobx_buf cons; /* its constraints as a JSON list of "name <= bound" (empty: none) */
    char **names;   /* its objectives' names (metric or objectives), cli_sweep_objective_names's */
    size_t n_names;
} web_sweep;

struct cli_web_sweeps {
    web_sweep *e[WEB_SWEEPS]; /* e[0] the most recently used */
    size_t n;
};

static void web_sweep_free(web_sweep *w)
{
    if (!w)
        return;
    if (w->have)
        sweep_free(&w->sw);
    knobx_buf_free(&w->cons);
    cli_objective_names_free(w->names);
    free(w->text);
    free(w);
}

void cli_web_sweeps_free(cli_web_sweeps *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        web_sweep_free(c->e[i]);
    free(c);
}

/* Reads the params of the stored sweep `text` (the attribute's JSON: a string) into w->sw
 * (quietly: the sweep's warnings were said when it ran, and knob dashboard says them at
 * /api/log and /api/enqueue); w->have says whether it could. */
static void web_sweep_read(web_sweep *w, const char *text)
{
    knobx_json *j = knobx_json_parse(text, (size_t)-1, NULL, 0);
    w->have = j && j->type == KNOBX_JSON_STRING &&
              !sweep_load_params("(the sweep stored with the study)", j->str, &w->sw);
    /* the constraints a complete trial is told with (the dashboard's form asks for them) */
    sweep c;
    if (j && j->type == KNOBX_JSON_STRING &&
        !sweep_load_constraints("(the sweep stored with the study)", j->str, &c)) {
        for (size_t i = 0; i < c.n_constraints; i++) {
            knobx_buf one = {0}; /* the bound written whole: 12345678, not 1.23457e+07 */
            knobx_buf_printf(&one, "%s %s ", c.constraints[i].name,
                             c.constraints[i].is_min ? ">=" : "<=");
            knobx_json_add_number(&one, c.constraints[i].bound);
            knobx_buf_puts(&w->cons, i ? "," : "[");
            knobx_json_add_string(&w->cons, one.oom ? "" : knobx_buf_cstr(&one));
            knobx_buf_free(&one);
        }
        if (c.n_constraints)
            knobx_buf_puts(&w->cons, "]");
        sweep_free(&c);
    }
    knobx_json_free(j);
    /* the objectives' names, which the page's axes and table say */
    w->names = cli_sweep_objective_names(text, &w->n_names);
}

/* The sweep of the stored text (NULL: none), from the cache c when it holds that text, else
 * read and put first in it (the least recently used one out when it is full); without a
 * cache (or memory for an entry), read into *own, whose sweep the caller frees (own->have). */
static const web_sweep *stored_sweep(cli_web_sweeps **c, const char *text, web_sweep *own)
{
    if (!text)
        return NULL;
    if (c && !*c)
        *c = calloc(1, sizeof **c);
    web_sweep *w = NULL;
    for (size_t i = 0; c && *c && i < (*c)->n && !w; i++)
        if (!strcmp((*c)->e[i]->text, text)) {
            w = (*c)->e[i];
            memmove(&(*c)->e[1], &(*c)->e[0], i * sizeof w);
            (*c)->e[0] = w;
        }
    if (w)
        return w;
    if (c && *c && (w = calloc(1, sizeof *w)) && (w->text = strdup(text))) {
        web_sweep_read(w, text);
        cli_web_sweeps *cs = *c;
        if (cs->n == WEB_SWEEPS)
            web_sweep_free(cs->e[--cs->n]);
        memmove(&cs->e[1], &cs->e[0], cs->n * sizeof w);
        cs->e[0] = w;
        cs->n++;
        return w;
    }
    free(w);
    web_sweep_read(own, text);
    return own;
}

/* The objectives' names as knob best and knob trials name them (cli_objective_names), the
 * stored sweep's read from w (NULL when there is none); null without. */
static void metric_names_json(knobx_buf *b, knob_study *s, const web_sweep *w)
{
    char **names = cli_objective_names_with(s, w ? w->names : NULL, w ? w->n_names : 0);
    for (size_t i = 0; names && names[i]; i++) {
        knobx_buf_puts(b, i ? "," : "[");
        knobx_json_add_string(b, names[i]);
    }
    knobx_buf_puts(b, names ? "]" : "null");
    cli_objective_names_free(names);
}

int cli_web_study_json(knobx_buf *b, knob_study *s, int64_t since, const char *extra,
                       cli_web_sweeps **sweeps)
{
    const knob_trial_info *const *all, *const *changed;
    size_t n_all, n_changed;
    int64_t stamp;
    if (knob_study_trials_since(s, since, &changed, &n_changed, &stamp))
        return -1;
    /* The changed trials by number: reading every trial syncs the view again (maybe newer
     * than the stamp: the next poll brings the trials that came in between again), and
     * ends the life of `changed`. */
    int64_t *numbers = malloc((n_changed + 1) * sizeof *numbers);
    if (!numbers)
        return knob_set_error(KNOB_ENOMEM, "the study's data for the page: out of memory"), -1;
    for (size_t i = 0; i < n_changed; i++)
        numbers[i] = changed[i]->number;
    const knob_trial_info **ts = NULL;
    column *cols = NULL;
    size_t n_cols = 0, n = 0;
    int rc = knob_study_trials(s, &all, &n_all);
    if (!rc && !(ts = malloc((n_changed + 1) * sizeof *ts)))
        rc = KNOB_ENOMEM;
    for (size_t i = 0; !rc && i < n_changed; i++) {
        int64_t k = numbers[i];
        if (k >= 0 && (uint64_t)k < n_all && all[k]->number == k)
            ts[n++] = all[k];
        else
            for (size_t j = 0; j < n_all; j++) /* numbers are positions; this is in case */
                if (all[j]->number == k) {
                    ts[n++] = all[j];
                    break;
                }
    }
    if (!rc && columns_of(all, n_all, &cols, &n_cols))
        rc = KNOB_ENOMEM;
    free(numbers);
    if (rc) {
        free(ts);
        if (rc == KNOB_ENOMEM)
            knob_set_error(KNOB_ENOMEM, "the study's data for the page: out of memory");
        return -1;
    }
    knobx_buf_puts(b, "{\"name\":");
    knobx_json_add_string(b, knob_study_name(s));
    knobx_buf_puts(b, ",\"directions\":");
    directions_json(b, s);
    knobx_buf_printf(b, ",\"stamp\":%lld", (long long)stamp);
    /* the stored sweep says which params it converts, and how the program gets them */
    web_sweep own = {0};
    const web_sweep *w = stored_sweep(sweeps, knob_study_system_attr(s, "sweep"), &own);
    const sweep *sw = w && w->have ? &w->sw : NULL;
    knobx_buf_puts(b, ",\"metric_names\":");
    metric_names_json(b, s, w);
    knobx_buf_puts(b, ",\"params\":");
    params_json(b, cols, n_cols, sw);
    constants_json(b, sw);
    knobx_buf_puts(b, ",\"constraints\":");
    knobx_buf_puts(b, w && w->cons.len && !w->cons.oom ? w->cons.data : "[]");
    knobx_buf_puts(b, ",\"trials\":");
    cli_params_view pv;
    cli_params_view_read(s, &pv);
    trials_json(b, ts, n, cols, n_cols, knob_study_n_objectives(s), sw, &pv);
    cli_params_view_free(&pv);
    if (own.have)
        sweep_free(&own.sw);
    knobx_buf_free(&own.cons);
    cli_objective_names_free(own.names);
    free(ts);
    columns_free(cols, n_cols);
    knobx_buf_puts(b, ",\"pareto\":");
    size_t n_front;
    if (pareto_json(b, s, &n_front))
        return -1;
    knobx_buf_puts(b, ",\"hypervolume\":");
    hypervolume_json(b, s, n_front);
    const char *note = knob_study_user_attr(s, "note");
    knobx_buf_printf(b, ",\"note\":%s%s%s}", note ? note : "null", extra ? "," : "",
                     extra ? extra : "");
    if (b->oom)
        return knob_set_error(KNOB_ENOMEM, "the study's data for the page: out of memory"), -1;
    return 0;
}

/* The params fanova left out of objective k's importance imp (n), each with why, as knob
 * importance warns of them: [{"name": ..., "why": ...}, ...] ([] when none), the page's note
 * under the plot, which would otherwise read as though they did not matter; null when the
 * trials cannot be read. */
static void left_out_json(knobx_buf *b, knob_study *s, size_t k, char *const *names,
                          const knob_importance *imp, size_t n)
{
    cli_importance_gaps g;
    if (cli_importance_gaps_read(s, false, k, true, imp, n, &g)) {
        cli_importance_gaps_free(&g);
        knobx_buf_puts(b, "null");
        return;
    }
    char what[320];
    cli_importance_what(what, sizeof what, false, k, names ? names[k] : NULL);
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < g.n_left; i++) {
        knobx_buf why = {0};
        cli_left_out_why(&why, &g.left[i], g.used, what, NULL);
        knobx_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        knobx_json_add_string(b, g.left[i].name);
        knobx_buf_puts(b, ",\"why\":");
        knobx_json_add_string(b, why.oom ? "" : knobx_buf_cstr(&why));
        b->oom |= why.oom;
        knobx_buf_puts(b, "}");
        knobx_buf_free(&why);
    }
    knobx_buf_puts(b, "]");
    cli_importance_gaps_free(&g);
}

int cli_web_importance_json(knobx_buf *b, knob_study *s)
{
    size_t n_obj = knob_study_n_objectives(s);
    int failed = 0;
    if (!n_obj) {
        knobx_buf_puts(b, CLI_WEB_NO_IMPORTANCE);
        return 0;
    }
    knobx_buf left = {0}; /* "importance_left_out", made beside "importance" */
    char **names = cli_objective_names(s);
    knobx_buf_puts(b, "\"importance\":[");
    knobx_buf_puts(&left, ",\"importance_left_out\":[");
    for (size_t k = 0; k < n_obj; k++) {
        knob_importance *imp = NULL;
        size_t n = 0;
        int rc = knob_study_importance(s, "fanova", k, NULL, 0, &imp, &n);
        knobx_buf_puts(b, k ? "," : "");
        knobx_buf_puts(&left, k ? "," : "");
        if (rc)
            knobx_buf_puts(&left, "null");
        else
            left_out_json(&left, s, k, names, imp, n);
        /* every share 0: nothing could be told (one trial, an objective that never varied),
         * which is no plot of zeros */
        bool told = false;
        for (size_t i = 0; !rc && i < n; i++)
            told |= imp[i].share > 0;
        if (rc || !told) {
            failed |= rc != KNOB_OK;
            knob_importance_free(imp);
            knobx_buf_puts(b, "null");
            continue;
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
    }
    knobx_buf_puts(&left, "]");
    knobx_buf_puts(b, "]");
    knobx_buf_puts(b, left.oom ? ",\"importance_left_out\":null" : knobx_buf_cstr(&left));
    knobx_buf_free(&left);
    cli_objective_names_free(names);
    return failed ? -1 : 0;
}
