/* Conditional parameters of a sweep file (`when`): a param is active only when its parents
 * are active and take given values. The file is checked whole (unknown parents, values a
 * parent never takes, cycles), the params are ordered parents first, and a grid over the
 * space is written as disjoint products that hold exactly its valid points. */
#include "cli/params.h"
#include "cli/sweep_yaml.h"
#include "util/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PRODUCTS 100000 /* disjoint products of a conditional grid */

/* ---------------------------------------------------------------- reading `when` */

static int add_cond(sweep_ctx *c, sweep_param *p, const yaml_node_t *k, const yaml_node_t *v,
                    const char *key, const char *owner)
{
    sweep_cond w = {.line = (int)k->start_mark.line + 1, .col = (int)k->start_mark.column + 1};
    size_t n = v->type == YAML_SEQUENCE_NODE ? sweep_seq_len(v) : 1;
    if (v->type == YAML_MAPPING_NODE || !n)
        return sweep_errorf(c, v,
                            "key '%s': expected a value or a non-empty list of values, got %s%s",
                            key, sweep_kind_name(v),
                            n ? " (a parent's value that is a mapping is written in a list: "
                                "{model: [{name: vit}]})"
                              : "");
    sweep_cond *grown = realloc(p->when, (p->n_when + 1) * sizeof *grown);
    if (!grown)
        return sweep_errorf(c, v, "out of memory");
    p->when = grown;
    w.parent_name = sweep_dup(sweep_scalar(k));
    w.allowed = calloc(n, sizeof *w.allowed);
    w.owner = sweep_dup(owner);
    p->when[p->n_when++] = w; /* freed with p from here on */
    sweep_cond *in = &p->when[p->n_when - 1];
    if (!in->allowed || !in->owner)
        return sweep_errorf(c, v, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item =
            v->type == YAML_SEQUENCE_NODE ? sweep_node(c, v->data.sequence.items.start[i]) : v;
        if (((item->type == YAML_SEQUENCE_NODE || item->type == YAML_MAPPING_NODE) &&
             v->type == YAML_SEQUENCE_NODE) ||
            sweep_big_int(item)) {
            /* a list or mapping value of a parent, [[64, 64]] or [{depth: 18}], compared as
             * its JSON text */
            knobx_buf b = {0};
            sweep_node_json(c, item, &b);
            char *text = b.oom ? NULL : sweep_dup(knobx_buf_cstr(&b));
            knobx_buf_free(&b);
            if (!text)
                return sweep_errorf(c, item, "out of memory");
            in->allowed[in->n_allowed++] = (knob_choice){KNOB_CHOICE_STRING, text, 0};
            continue;
        }
        if (!sweep_scalar(item))
            return sweep_errorf(c, item, "key '%s': each value must be a scalar, got %s", key,
                                sweep_kind_name(item));
        if (sweep_check_length(c, item, key, SWEEP_MAX_TEXT))
            return -1;
        in->allowed[in->n_allowed++] = sweep_to_choice(item);
    }
    return 0;
}

static int parse_when(sweep_ctx *c, sweep_param *p, const yaml_node_t *when, const char *owner,
                      char *key, size_t key_size)
{
    if (when->type != YAML_MAPPING_NODE ||
        when->data.mapping.pairs.top == when->data.mapping.pairs.start)
        return sweep_errorf(c, when,
                            "key 'parameters.%s.when': expected a mapping of parent parameters "
                            "to their values ({optimizer: sgd}), got %s",
                            owner, sweep_kind_name(when));
    for (yaml_node_pair_t *kv = when->data.mapping.pairs.start; kv < when->data.mapping.pairs.top;
         kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key);
        const char *ks = sweep_scalar(k);
        if (!ks || !ks[0])
            return sweep_errorf(
                c, k, "key 'parameters.%s.when': parent names are non-empty strings", owner);
        if (sweep_check_length(c, k, "when", SWEEP_MAX_NAME))
            return -1;
        snprintf(key, key_size, "parameters.%s.when.%s", owner, ks);
        if (add_cond(c, p, k, sweep_node(c, kv->value), key, owner))
            return -1;
    }
    return 0;
}

int sweep_parse_when(sweep_ctx *c, sweep_param *p, const yaml_node_t *when, size_t level)
{
    char key[2 * SWEEP_MAX_NAME + 40];
    /* the owner's name: p's own, cut after its level-th key */
    char *owner = sweep_dup(p->name);
    if (!owner)
        return sweep_errorf(c, when, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < level && i < p->n_path; i++)
        at += strlen(p->path[i]) + (i ? 1 : 0);
    owner[at] = '\0';
    int rc = parse_when(c, p, when, owner, key, sizeof key);
    free(owner);
    return rc;
}

void sweep_cond_free(sweep_cond *w)
{
    for (size_t i = 0; i < w->n_allowed; i++)
        free((char *)w->allowed[i].str);
    free(w->allowed);
    free(w->parent_name);
    free(w->owner);
}

/* ---------------------------------------------------------------- values */

/* Numbers equal but for rounding: within 1e-9 of their size, and within a thousandth of
 * the step of the grid they are on (step > 0), so that a large grid's neighbours differ. */
static bool same_number(double a, double b, double step)
{
    double tol = 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
    return a == b || fabs(a - b) <= (step > 0 ? fmin(tol, 1e-3 * step) : tol);
}

static bool same_at(const knob_choice *a, const knob_choice *b, double step)
{
    if (a->type != b->type)
        return false;
    if (a->type == KNOB_CHOICE_STRING)
        return !strcmp(a->str, b->str);
    return a->type == KNOB_CHOICE_NULL || same_number(a->num, b->num, step);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The step of a numeric parent's values (sweep_cond.step). A list of values has the
 * smallest gap between its numbers: seeds 1234567890 and 1234567891, or epsilons 1e-9 and
 * 1e-10, are within a relative 1e-9 of each other, and must not be one value. */
static double step_of(const sweep_param *p)
{
    if (p->kind == PK_CATEGORICAL) {
        double *x = malloc((p->n_choices ? p->n_choices : 1) * sizeof *x), gap = 0;
        size_t n = 0;
        for (size_t i = 0; x && i < p->n_choices; i++)
            if (p->choices[i].type == KNOB_CHOICE_NUMBER)
                x[n++] = p->choices[i].num;
        if (x)
            qsort(x, n, sizeof *x, cmp_double);
        for (size_t i = 1; i < n; i++)
            if (x[i] > x[i - 1] && (gap == 0 || x[i] - x[i - 1] < gap))
                gap = x[i] - x[i - 1];
        free(x); /* out of memory: 0, a relative 1e-9 as before */
        return gap;
    }
    if (p->kind == PK_INT_UNIFORM)
        return 1;
    if (p->kind == PK_Q_UNIFORM || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
        p->kind == PK_Q_NORMAL || p->kind == PK_Q_LOG_NORMAL)
        return p->has_q && p->q > 0 ? p->q : 1;
    return 0;
}

bool sweep_cond_holds(const sweep_cond *w, const knob_choice *v)
{
    for (size_t i = 0; i < w->n_allowed; i++)
        if (same_at(&w->allowed[i], v, w->step))
            return true;
    return false;
}

bool sweep_param_active(const sweep *sw, size_t i, const knob_choice *values, const bool *active)
{
    const sweep_param *p = &sw->params[i];
    for (size_t k = 0; k < p->n_when; k++) {
        size_t j = p->when[k].parent;
        if (!active[j] || !sweep_cond_holds(&p->when[k], &values[j]))
            return false;
    }
    return true;
}

/* The least and the greatest value a q_normal or q_log_normal param p takes: the draws at
 * the extreme quantiles searched (mu -+ 4.75 sigma, exp'd for the log form), rounded to q as
 * a trial's value is (params.c); every multiple of q between them is drawn too. */
static void normal_range(const sweep_param *p, double *lo, double *hi)
{
    double a = p->mu + p->sigma * knob_normal_quantile(PARAMS_U_LOW);
    double b = p->mu + p->sigma * knob_normal_quantile(PARAMS_U_HIGH);
    if (p->kind == PK_Q_LOG_NORMAL) {
        a = exp(a);
        b = exp(b);
    }
    *lo = params_round_q(a, p);
    *hi = params_round_q(b, p);
}

/* Whether parent p, whose values are `step` apart, can take v (refused: a condition that
 * could never hold). `bounded`: a q_normal's or q_log_normal's value beyond its extreme
 * draws is not taken; a sweep stored by an older knob, which did not check it, is read
 * without that check (its study stays readable; check_value warns that the condition never
 * holds). */
static bool can_take(const sweep_param *p, const knob_choice *v, double step, bool bounded)
{
    if (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT) {
        for (size_t i = 0; i < p->n_choices; i++)
            if (same_at(&p->choices[i], v, step))
                return true;
        return false;
    }
    if (v->type != KNOB_CHOICE_NUMBER)
        return false;
    if (p->kind == PK_INT_UNIFORM)
        return v->num == floor(v->num) && v->num >= p->min && v->num <= p->max;
    if (p->kind == PK_Q_NORMAL || p->kind == PK_Q_LOG_NORMAL) {
        /* a multiple of q (a log-normal's is not negative) between the extreme draws */
        double q = p->has_q && p->q > 0 ? p->q : 1, lo, hi;
        normal_range(p, &lo, &hi);
        return isfinite(v->num) && same_number(round(v->num / q) * q, v->num, q) &&
               (p->kind == PK_Q_NORMAL || v->num >= 0) &&
               (!bounded || ((v->num >= lo || same_number(v->num, lo, q)) &&
                             (v->num <= hi || same_number(v->num, hi, q))));
    }
    double near;
    return sweep_grid_nearest(p, v->num, &near) && same_number(near, v->num, step);
}

/* The parents a condition may name: params whose values can be compared. */
static bool discrete(const sweep_param *p)
{
    return p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT || p->kind == PK_INT_UNIFORM ||
           p->kind == PK_Q_UNIFORM || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
           p->kind == PK_Q_NORMAL || p->kind == PK_Q_LOG_NORMAL;
}

static void describe_value(knobx_buf *b, const knob_choice *v)
{
    if (v->type == KNOB_CHOICE_STRING)
        knobx_buf_printf(b, "\"%.60s\" (a string)", v->str);
    else if (v->type == KNOB_CHOICE_NUMBER)
        knobx_buf_printf(b, "%.15g", v->num);
    else if (v->type == KNOB_CHOICE_BOOL)
        knobx_buf_puts(b, v->num != 0 ? "true" : "false");
    else
        knobx_buf_puts(b, "null");
}

/* For a string a parent never takes: the value meant, when the parent has one that the
 * string spells (a number, boolean or null written in quotes) or one string within a few
 * typos of it. */
static void near_value(knobx_buf *h, const sweep_param *parent, const char *text)
{
    char *end;
    knob_choice number = {KNOB_CHOICE_NUMBER, NULL, strtod(text, &end)};
    if (end != text && !*end && parent->kind != PK_CATEGORICAL && parent->kind != PK_CONSTANT &&
        can_take(parent, &number, step_of(parent), true)) {
        knobx_buf_printf(h, "; did you mean %s, unquoted?", text);
        return;
    }
    const char **names = malloc((parent->n_choices + 1) * sizeof *names);
    size_t n = 0;
    for (size_t k = 0; k < parent->n_choices; k++) {
        const knob_choice *ch = &parent->choices[k];
        if (parent->is_json && parent->is_json[k])
            continue;
        if (ch->type == KNOB_CHOICE_STRING) {
            if (names)
                names[n++] = ch->str;
            continue;
        }
        knobx_buf b = {0};
        describe_value(&b, ch);
        bool spelled = !b.oom && strcmp(knobx_buf_cstr(&b), text) == 0;
        /* "yes" or "On" in quotes for a boolean parent: unquoted, YAML reads it as one */
        bool word = !spelled && ch->type == KNOB_CHOICE_BOOL && !b.oom &&
                    sweep_bool_word(text) == (ch->num != 0);
        if (spelled)
            knobx_buf_printf(h, "; did you mean %s, unquoted?", knobx_buf_cstr(&b));
        if (word)
            knobx_buf_printf(h, "; did you mean %s, unquoted? (unquoted, it is the boolean %s)",
                             text, knobx_buf_cstr(&b));
        spelled |= word;
        knobx_buf_free(&b);
        if (spelled) {
            free(names);
            return;
        }
    }
    if (names) {
        names[n] = NULL;
        const char *near = sweep_closest(text, names);
        if (near)
            knobx_buf_printf(h, "; did you mean \"%s\"?", near);
    }
    free(names);
}

/* Whether one of the parent's values is the string `text`. */
static bool spelled_string(const sweep_param *parent, const char *text)
{
    for (size_t k = 0; k < parent->n_choices; k++)
        if (parent->choices[k].type == KNOB_CHOICE_STRING && !strcmp(parent->choices[k].str, text))
            return true;
    return false;
}

/* A list or mapping value of a `when` (JSON text) that is one of the parent's written
 * otherwise (its keys in another order, 18.0 for 18) is taken as the parent's text, which
 * a trial's value holds: conditions compare texts. (A big integer, JSON text too, is
 * compared as its text alone: as a double it would equal its neighbours.) */
static bool as_parent_json(const sweep_param *parent, knob_choice *v)
{
    if (v->type != KNOB_CHOICE_STRING || !parent->is_json || (v->str[0] != '{' && v->str[0] != '['))
        return false;
    for (size_t k = 0; k < parent->n_choices; k++) {
        if (!parent->is_json[k] || !knobx_json_text_equal(parent->choices[k].str, v->str))
            continue;
        char *text = sweep_dup(parent->choices[k].str);
        if (!text)
            return false; /* out of memory: kept as written */
        free((char *)v->str);
        v->str = text;
        return true;
    }
    return false;
}

/* A condition's value as written: 12345678901234567891.0, not 1.23456789012346e+19. */
static void written_value(knobx_buf *b, const knob_choice *v)
{
    if (v->type == KNOB_CHOICE_NUMBER && v->str)
        knobx_buf_puts(b, v->str);
    else
        describe_value(b, v);
}

/* What a q_normal or q_log_normal parent takes, after "; ". */
static void draws_hint(knobx_buf *h, const sweep_param *parent)
{
    double lo, hi;
    normal_range(parent, &lo, &hi);
    knobx_buf_printf(h, "; it takes the multiples of %g from %g to %g (its draws, %s, rounded)",
                     parent->has_q && parent->q > 0 ? parent->q : 1, lo, hi,
                     parent->kind == PK_Q_NORMAL ? "mu -+ 4.75 sigma at most"
                                                 : "e^(mu -+ 4.75 sigma) at most");
}

/* The values (`never`, n of them) beyond a q_normal or q_log_normal parent's draws that a
 * stored sweep's condition names: read, as an older knob stored them, and said once, since
 * the condition never holds there (a sweep file with them is refused). */
static void warn_beyond_draws(const sweep_ctx *c, const sweep_param *p, const sweep_cond *w,
                              const char *never, size_t n)
{
    const sweep_param *parent = &c->sw->params[w->parent];
    knobx_buf h = {0};
    draws_hint(&h, parent);
    /* the param is never active when none of the values holds; else the others may */
    bool all = n == w->n_allowed;
    const char *at = n > 1 ? "those values" : "that value";
    sweep_warnf_at(c, w->line, w->col,
                   "key 'parameters.%s.when.%s': '%s' never takes %s, so the condition never "
                   "holds%s%s%s (refused in a sweep file; parent defined at line %d, column "
                   "%d)%s",
                   w->owner, w->parent_name, w->parent_name, never, all ? ", and '" : " at ",
                   all ? p->name : at, all ? "' is never active" : "", parent->line, parent->col,
                   knobx_buf_cstr(&h));
    knobx_buf_free(&h);
}

/* Every value a condition allows has probability 0 among its parent's weighted values: no
 * trial drawn gets them (knob enqueue refuses them), so p is active only under a grid, which
 * runs every value. Said when the file is read (not again for a stored sweep). */
static void warn_zero_probability(sweep_ctx *c, const sweep_param *p, const sweep_cond *w)
{
    const sweep_param *parent = &c->sw->params[w->parent];
    if (c->stored || parent->kind != PK_CATEGORICAL || !parent->probs)
        return;
    for (size_t i = 0; i < w->n_allowed; i++)
        for (size_t k = 0; k < parent->n_choices; k++)
            if (same_at(&parent->choices[k], &w->allowed[i], w->step) && parent->probs[k] > 0)
                return;
    knobx_buf v = {0};
    for (size_t i = 0; i < w->n_allowed; i++) {
        knobx_buf_puts(&v, i ? ", " : "");
        written_value(&v, &w->allowed[i]);
    }
    sweep_warnf_at(c, w->line, w->col,
                   "key 'parameters.%s.when.%s': '%s' takes %s with probability 0, so no "
                   "trial drawn gets %s and '%s' is active only under method grid, which runs "
                   "every value",
                   w->owner, w->parent_name, w->parent_name, v.oom ? "them" : knobx_buf_cstr(&v),
                   w->n_allowed > 1 ? "them" : "it", p->name);
    knobx_buf_free(&v);
}

/* A condition's value as JSON (a number as written). */
static void value_json(knobx_buf *b, const knob_choice *v)
{
    if (v->type == KNOB_CHOICE_STRING)
        knobx_json_add_string(b, v->str);
    else if (v->type == KNOB_CHOICE_NUMBER && v->str)
        knobx_buf_puts(b, v->str);
    else if (v->type == KNOB_CHOICE_NUMBER)
        knobx_buf_printf(b, "%.17g", v->num);
    else
        describe_value(b, v);
}

/* After "; ", for a parent whose values are lists and a condition that gives scalars: the
 * condition's values as one list value, {kernel: [[5, 5]]} for {kernel: [5, 5]}, when the
 * parent takes that list; else the parent's first list value, as the form to follow. */
static void list_hint(knobx_buf *h, const sweep_cond *w, const sweep_param *parent)
{
    knobx_buf mine = {0};
    knobx_buf_puts(&mine, "[");
    for (size_t i = 0; i < w->n_allowed; i++) {
        knobx_buf_puts(&mine, i ? ", " : "");
        value_json(&mine, &w->allowed[i]);
    }
    knobx_buf_puts(&mine, "]");
    const char *first = NULL;
    bool taken = false;
    for (size_t k = 0; k < parent->n_choices && !taken; k++) {
        const char *text = parent->is_json[k] ? parent->choices[k].str : NULL;
        if (!text || text[0] != '[')
            continue;
        first = first ? first : text;
        taken = !mine.oom && knobx_json_text_equal(text, knobx_buf_cstr(&mine));
    }
    if (taken)
        knobx_buf_printf(h,
                         "; its values are lists: write the list inside the list of values, "
                         "{%s: [%s]}",
                         w->parent_name, knobx_buf_cstr(&mine));
    else
        knobx_buf_printf(h,
                         "; its values are lists: write each inside the list of values, as "
                         "{%s: [%s]}",
                         w->parent_name, first ? first : "[64, 64]");
    knobx_buf_free(&mine);
}

static int check_value(sweep_ctx *c, const sweep_param *p, sweep_cond *w)
{
    const sweep_param *parent = &c->sw->params[w->parent];
    /* {min: 1.0, max: 4.0} is W&B's uniform: written as integers, an int_uniform (not said
     * where the file names the distribution uniform) */
    char hint[120] = "";
    if (parent->kind == PK_UNIFORM && !parent->form && parent->min == floor(parent->min) &&
        parent->max == floor(parent->max) && fabs(parent->min) < 1e15 && fabs(parent->max) < 1e15)
        snprintf(hint, sizeof hint,
                 "; {min: %.0f, max: %.0f}, written as integers, is an int_uniform", parent->min,
                 parent->max);
    if (!discrete(parent))
        return sweep_errorf_at(c, w->line, w->col,
                               "key 'parameters.%s.when.%s': '%s' takes continuous values; a "
                               "parent must take values that compare exactly (values, value, "
                               "int_uniform, q_uniform, q_log_uniform, q_log_uniform_values, "
                               "q_normal, q_log_normal)%s",
                               w->owner, w->parent_name, w->parent_name, hint);
    knobx_buf never = {0}; /* a stored sweep's values beyond a q_normal parent's draws */
    size_t n_never = 0;
    for (size_t i = 0; i < w->n_allowed; i++) {
        if (can_take(parent, &w->allowed[i], w->step, true) ||
            as_parent_json(parent, &w->allowed[i]))
            continue;
        if (c->stored && can_take(parent, &w->allowed[i], w->step, false)) {
            knobx_buf_puts(&never, n_never++ ? ", " : "");
            written_value(&never, &w->allowed[i]);
            continue;
        }
        knobx_buf_free(&never);
        knobx_buf b = {0}, h = {0};
        written_value(&b, &w->allowed[i]);
        /* a list value written as a list of scalars ({layers: [128]} for the list [128]);
         * an integer beyond 2^53 (held as its text too) written with a fraction */
        bool lists = false, big = false;
        for (size_t k = 0; parent->is_json && k < parent->n_choices; k++) {
            bool list = parent->is_json[k] && strchr("[{", parent->choices[k].str[0]);
            lists |= list;
            big |= parent->is_json[k] && !list;
        }
        if (lists && w->allowed[i].type != KNOB_CHOICE_STRING)
            list_hint(&h, w, parent);
        else if (big && w->allowed[i].type == KNOB_CHOICE_NUMBER &&
                 fabs(w->allowed[i].num) >= 9007199254740992.0)
            knobx_buf_puts(&h, "; an integer beyond 2^53 among its values is that integer "
                               "exactly, written by its digits alone (a number with a fraction "
                               "or an exponent is a float near it)");
        else if (w->allowed[i].type == KNOB_CHOICE_STRING)
            near_value(&h, parent, w->allowed[i].str);
        else if (parent->kind == PK_Q_NORMAL || parent->kind == PK_Q_LOG_NORMAL)
            draws_hint(&h, parent);
        else if (w->allowed[i].str && spelled_string(parent, w->allowed[i].str))
            /* yes, 1 or null unquoted for a parent whose values are the words */
            knobx_buf_printf(&h, "; did you mean \"%s\", in quotes? (unquoted, it is %s%s)",
                             w->allowed[i].str,
                             w->allowed[i].type == KNOB_CHOICE_NUMBER ? "a number"
                             : w->allowed[i].type == KNOB_CHOICE_BOOL ? "the boolean "
                                                                      : "null",
                             w->allowed[i].type == KNOB_CHOICE_BOOL ? knobx_buf_cstr(&b) : "");
        sweep_errorf_at(c, w->line, w->col,
                        "key 'parameters.%s.when.%s': '%s' never takes %s, so '%s' would "
                        "never be active there (parent defined at line %d, column %d)%s",
                        w->owner, w->parent_name, w->parent_name, knobx_buf_cstr(&b), p->name,
                        parent->line, parent->col, knobx_buf_cstr(&h));
        knobx_buf_free(&b);
        knobx_buf_free(&h);
        return -1;
    }
    if (n_never)
        warn_beyond_draws(c, p, w, never.oom ? "some values" : knobx_buf_cstr(&never), n_never);
    knobx_buf_free(&never);
    warn_zero_probability(c, p, w);
    return 0;
}

/* ---------------------------------------------------------------- resolving, order */

/* The first param nested in the group named `name` (its keys joined by dots), or NULL: a
 * group holds params, and takes no value a `when` could compare. */
static const char *group_member(const sweep *sw, const char *name)
{
    for (size_t j = 0; j < sw->n_params; j++) {
        const sweep_param *q = &sw->params[j];
        size_t at = 0;
        for (size_t k = 0; k + 1 < q->n_path; k++) {
            size_t n = strlen(q->path[k]);
            if (strncmp(name + at, q->path[k], n))
                break;
            if (!name[at + n])
                return q->name;
            if (name[at + n] != '.')
                break;
            at += n + 1;
        }
    }
    return NULL;
}

static int resolve_parent(sweep_ctx *c, sweep_param *p, sweep_cond *w)
{
    const sweep *sw = c->sw;
    for (size_t j = 0; j < sw->n_params; j++) {
        if (!strcmp(sw->params[j].name, w->parent_name)) {
            w->parent = j;
            w->step = step_of(&sw->params[j]);
            return check_value(c, p, w);
        }
    }
    const char *member = group_member(sw, w->parent_name);
    if (member)
        return sweep_errorf_at(c, w->line, w->col,
                               "key 'parameters.%s.when.%s': '%s' is a group of nested "
                               "parameters, which takes no value: a `when` names a parameter "
                               "of it ('%s')",
                               w->owner, w->parent_name, w->parent_name, member);
    /* a nested param named by its own key alone (w for net.w, a sibling's habit): its full
     * name, when one param has that key */
    const char *nested = NULL;
    size_t len = strlen(w->parent_name), n_nested = 0;
    for (size_t j = 0; j < sw->n_params; j++) {
        const char *name = sw->params[j].name;
        size_t ln = strlen(name);
        if (ln > len && name[ln - len - 1] == '.' && !strcmp(name + ln - len, w->parent_name)) {
            nested = name;
            n_nested++;
        }
    }
    const char **names = malloc((sw->n_params + 1) * sizeof *names);
    if (!names)
        return sweep_errorf_at(c, w->line, w->col, "out of memory");
    for (size_t j = 0; j < sw->n_params; j++)
        names[j] = sw->params[j].name;
    names[sw->n_params] = NULL;
    const char *near = n_nested == 1 ? nested : sweep_closest(w->parent_name, names);
    int rc = sweep_errorf_at(
        c, w->line, w->col, "key 'parameters.%s.when.%s': unknown parameter '%s'%s%s%s%s", w->owner,
        w->parent_name, w->parent_name, near ? "; did you mean '" : "", near ? near : "",
        near ? "'?" : "", n_nested == 1 ? " (a nested parameter is named outer.inner)" : "");
    free(names);
    return rc;
}

typedef struct dfs {
    sweep_ctx *c;
    unsigned char *state; /* 0 unseen, 1 on the path, 2 placed */
    size_t *path, depth;  /* the params being visited, outermost first */
    size_t n_order;
} dfs;

static int cycle_error(dfs *d, const sweep_cond *w)
{
    const sweep *sw = d->c->sw;
    size_t start = 0;
    while (d->path[start] != w->parent)
        start++;
    knobx_buf b = {0};
    for (size_t k = start; k < d->depth; k++)
        knobx_buf_printf(&b, "%s -> ", sw->params[d->path[k]].name);
    knobx_buf_puts(&b, sw->params[w->parent].name);
    sweep_errorf_at(d->c, w->line, w->col,
                    "key 'parameters.%s.when.%s': a cycle of conditions (%s): the `when` of "
                    "each names the next",
                    w->owner, w->parent_name, knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return -1;
}

/* Places every parent of param i, then i: a depth-first walk, so the order keeps the
 * file's wherever the conditions allow. */
static int visit(dfs *d, size_t i)
{
    sweep *sw = d->c->sw;
    const sweep_param *p = &sw->params[i];
    d->state[i] = 1;
    d->path[d->depth++] = i;
    for (size_t k = 0; k < p->n_when; k++) {
        size_t j = p->when[k].parent;
        if (d->state[j] == 1)
            return cycle_error(d, &p->when[k]);
        if (d->state[j] == 0 && visit(d, j))
            return -1;
    }
    d->depth--;
    d->state[i] = 2;
    sw->order[d->n_order++] = i;
    return 0;
}

static int check_reachable(sweep_ctx *c);

int sweep_resolve_conditions(sweep_ctx *c)
{
    sweep *sw = c->sw;
    size_t n = sw->n_params ? sw->n_params : 1;
    for (size_t i = 0; i < sw->n_params; i++) {
        sweep_param *p = &sw->params[i];
        for (size_t k = 0; k < p->n_when; k++)
            if (resolve_parent(c, p, &p->when[k]))
                return -1;
        sw->conditional |= p->n_when > 0;
    }
    dfs d = {.c = c, .state = calloc(n, 1), .path = malloc(n * sizeof(size_t))};
    sw->order = malloc(n * sizeof *sw->order);
    int rc = d.state && d.path && sw->order ? 0 : sweep_errorf(c, NULL, "out of memory");
    for (size_t i = 0; !rc && i < sw->n_params; i++)
        if (d.state[i] == 0)
            rc = visit(&d, i);
    free(d.state);
    free(d.path);
    return rc || !sw->conditional ? rc : check_reachable(c);
}

/* ---------------------------------------------------------------- grids */

/* The values a param takes in a grid, as choices (constants: their value). */
typedef struct grid_values {
    knob_choice *v;
    size_t n;
} grid_values;

/* A product: for each param the indices of its values in it, or none (n 0: absent). The
 * pointers, the counts and the lists are one block (idx first): a grid refused for too many
 * products made 2^17 of them, a malloc each param each, and took 1.5 s to say so. */
typedef struct product {
    size_t **idx;
    size_t *n;
} product;

typedef struct products {
    product *p;
    size_t n, cap;
    size_t n_params;
} products;

static void product_free(product *p, size_t n_params)
{
    (void)n_params;
    free(p->idx);
    p->idx = NULL;
    p->n = NULL;
}

/* The products and the grid values they index, freed. */
static void grid_free(products *ps, grid_values *gv, size_t n_params)
{
    for (size_t k = 0; k < ps->n; k++)
        product_free(&ps->p[k], n_params);
    free(ps->p);
    for (size_t i = 0; gv && i < n_params; i++)
        free(gv[i].v);
    free(gv);
}

/* A copy of `from` (or an empty product), with every value of param `add` (absent in
 * `from`; SIZE_MAX: none) of the `n_add` it has; false when out of memory. */
static bool product_copy(product *to, const product *from, size_t n_params, size_t add,
                         size_t n_add)
{
    size_t total = add < n_params ? n_add : 0, np = n_params ? n_params : 1;
    for (size_t i = 0; from && i < n_params; i++)
        total += from->n[i];
    size_t **block = malloc(np * sizeof *block + (np + total) * sizeof **block);
    to->idx = block;
    to->n = block ? (size_t *)(block + np) : NULL;
    if (!block)
        return false;
    size_t *list = to->n + np;
    for (size_t i = 0; i < n_params; i++) {
        size_t m = i == add ? n_add : from ? from->n[i] : 0;
        to->n[i] = m;
        to->idx[i] = m ? list : NULL;
        if (i == add)
            for (size_t v = 0; v < m; v++)
                list[v] = v;
        else if (m)
            memcpy(list, from->idx[i], m * sizeof *list);
        list += m;
    }
    return true;
}

static bool push(products *ps, product *p)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 16;
        product *grown = realloc(ps->p, cap * sizeof *grown);
        if (!grown)
            return false;
        ps->p = grown;
        ps->cap = cap;
    }
    ps->p[ps->n++] = *p;
    return true;
}

/* Keeps in param j of p only the values for which the condition holds (keep) or fails. */
static void filter(product *p, size_t j, const grid_values *gv, const sweep_cond *w, bool keep)
{
    size_t m = 0;
    for (size_t k = 0; k < p->n[j]; k++)
        if (sweep_cond_holds(w, &gv[j].v[p->idx[j][k]]) == keep)
            p->idx[j][m++] = p->idx[j][k];
    p->n[j] = m;
}

/* Splits `base` by the conditions of param i from the k-th on: the parts where one fails
 * go out without i, the part where all hold with every value of i. */
static int split(products *out, const product *base, const sweep *sw, size_t i, size_t k,
                 const grid_values *gv)
{
    const sweep_param *p = &sw->params[i];
    size_t np = out->n_params;
    product q;
    if (!product_copy(&q, base, np, k == p->n_when ? i : SIZE_MAX, gv[i].n))
        return product_free(&q, np), -1;
    if (k == p->n_when)
        return push(out, &q) ? 0 : (product_free(&q, np), -1);
    size_t j = p->when[k].parent;
    if (!base->n[j]) /* the parent is inactive here, and so is i */
        return push(out, &q) ? 0 : (product_free(&q, np), -1);
    filter(&q, j, gv, &p->when[k], false);
    if (q.n[j] && !push(out, &q))
        return product_free(&q, np), -1;
    if (!q.n[j])
        product_free(&q, np);
    if (!product_copy(&q, base, np, SIZE_MAX, 0))
        return product_free(&q, np), -1;
    filter(&q, j, gv, &p->when[k], true);
    int rc = q.n[j] ? split(out, &q, sw, i, k + 1, gv) : 0;
    product_free(&q, np);
    return rc;
}

/* The products of the params. */
static int grid_products(const sweep *sw, const grid_values *gv, products *ps)
{
    product first;
    ps->n_params = sw->n_params;
    if (!product_copy(&first, NULL, sw->n_params, SIZE_MAX, 0) || !push(ps, &first))
        return product_free(&first, sw->n_params), -1;
    for (size_t o = 0; o < sw->n_params; o++) {
        size_t i = sw->order[o];
        products next = {.n_params = sw->n_params};
        int rc = 0;
        for (size_t k = 0; !rc && k < ps->n && next.n <= MAX_PRODUCTS; k++)
            rc = split(&next, &ps->p[k], sw, i, 0, gv);
        for (size_t k = 0; k < ps->n; k++)
            product_free(&ps->p[k], sw->n_params);
        free(ps->p);
        *ps = next;
        if (rc)
            return -1;
        if (ps->n > MAX_PRODUCTS)
            return 1;
    }
    return 0;
}

static int values_of(const sweep_param *p, grid_values *gv)
{
    if (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT) {
        gv->v = malloc(p->n_choices * sizeof *gv->v);
        if (!gv->v)
            return -1;
        memcpy(gv->v, p->choices, p->n_choices * sizeof *gv->v);
        gv->n = p->n_choices;
        return 0;
    }
    double *x;
    gv->n = sweep_grid_numbers(p, &x);
    gv->v = malloc((gv->n ? gv->n : 1) * sizeof *gv->v);
    for (size_t k = 0; gv->v && k < gv->n; k++)
        gv->v[k] = (knob_choice){KNOB_CHOICE_NUMBER, NULL, x[k]};
    free(x);
    return gv->v && gv->n ? 0 : -1;
}

static void add_choice(knobx_buf *b, const knob_choice *c)
{
    if (c->type == KNOB_CHOICE_STRING)
        knobx_json_add_string(b, c->str);
    else if (c->type == KNOB_CHOICE_NUMBER)
        knobx_json_add_number(b, c->num);
    else if (c->type == KNOB_CHOICE_BOOL)
        knobx_buf_puts(b, c->num != 0 ? "true" : "false");
    else
        knobx_buf_puts(b, "null");
}

/* One product as a JSON object of value lists (constants are not searched), the params in
 * the order `emit` gives; its points. */
static double product_json(knobx_buf *b, const sweep *sw, const product *p, const grid_values *gv,
                           const size_t *emit)
{
    double points = 1;
    knobx_buf_puts(b, "{");
    for (size_t e = 0, m = 0; e < sw->n_params; e++) {
        size_t i = emit[e];
        if (!p->n[i] || sw->params[i].kind == PK_CONSTANT)
            continue;
        knobx_buf_puts(b, m++ ? "," : "");
        knobx_json_add_string(b, sw->params[i].name);
        knobx_buf_puts(b, ":[");
        for (size_t k = 0; k < p->n[i]; k++) {
            knobx_buf_puts(b, k ? "," : "");
            add_choice(b, &gv[i].v[p->idx[i][k]]);
        }
        knobx_buf_puts(b, "]");
        points *= (double)p->n[i];
    }
    knobx_buf_puts(b, "}");
    return points;
}

static int not_enumerable(const sweep *sw, const sweep_param *p)
{
    fprintf(stderr, "%s:%d:%d: key 'parameters.%s': method grid needs values to enumerate\n",
            sw->path, p->line, p->col, p->name);
    return -1;
}

/* W&B's order of params: by their keys, level by level (sorted(d.items()) at each level of
 * `parameters`), so a nested group's params sit where its key sorts among its siblings. */
static int by_path(const void *a, const void *b)
{
    const sweep_param *x = *(const sweep_param *const *)a, *y = *(const sweep_param *const *)b;
    for (size_t k = 0; k < x->n_path && k < y->n_path; k++) {
        int c = strcmp(x->path[k], y->path[k]);
        if (c)
            return c;
    }
    return (x->n_path > y->n_path) - (x->n_path < y->n_path);
}

/* The order of the params in the grid's products: the file's, or W&B's in product order. */
static size_t *emit_order(const sweep *sw)
{
    size_t n = sw->n_params ? sw->n_params : 1;
    size_t *emit = malloc(n * sizeof *emit);
    const sweep_param **by = malloc(n * sizeof *by);
    for (size_t i = 0; emit && by && i < sw->n_params; i++)
        by[i] = &sw->params[i];
    if (emit && by && sweep_grid_in_product_order(sw))
        qsort(by, sw->n_params, sizeof *by, by_path);
    for (size_t i = 0; emit && by && i < sw->n_params; i++)
        emit[i] = (size_t)(by[i] - sw->params);
    if (!by) {
        free(emit);
        emit = NULL;
    }
    free(by);
    return emit;
}

int sweep_grid_space(const sweep *sw, char **json, double *points)
{
    grid_values *gv = calloc(sw->n_params ? sw->n_params : 1, sizeof *gv);
    size_t *emit = emit_order(sw);
    products ps = {0};
    knobx_buf b = {0};
    int rc = gv && emit ? 0 : -1;
    *json = NULL;
    *points = 0;
    for (size_t i = 0; !rc && i < sw->n_params; i++)
        if (values_of(&sw->params[i], &gv[i]))
            rc = not_enumerable(sw, &sw->params[i]);
    if (!rc && (rc = grid_products(sw, gv, &ps)) > 0)
        fprintf(stderr,
                "%s: method grid: the conditional params split the grid into more than %d "
                "parts (a product of value lists each, so more than %d points): too many to "
                "enumerate; search it with method random or bayes, or make fewer params "
                "conditional\n",
                sw->path, MAX_PRODUCTS, MAX_PRODUCTS);
    if (!rc) {
        /* Without conditions: one product, the object form the grid has always had. */
        knobx_buf_puts(&b, sw->conditional ? "[" : "");
        for (size_t k = 0; k < ps.n; k++) {
            knobx_buf_puts(&b, k ? "," : "");
            *points += product_json(&b, sw, &ps.p[k], gv, emit);
        }
        knobx_buf_puts(&b, sw->conditional ? "]" : "");
        if (b.oom)
            rc = -1;
        else
            *json = sweep_dup(knobx_buf_cstr(&b));
    }
    grid_free(&ps, gv, sw->n_params);
    free(emit);
    knobx_buf_free(&b);
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- params never active */

/* Where a param's conditions are reported: its own `when`, else the innermost group's it
 * is nested in. */
static const sweep_cond *own_when(const sweep_param *p)
{
    /* the innermost `when` is the last read (sweep_params.c reads the outermost first) */
    const char *owner = p->when[p->n_when - 1].owner;
    const sweep_cond *w = p->when;
    while (strcmp(w->owner, owner))
        w++;
    return w;
}

/* A param that can never be active. */
static int unreachable_error(sweep_ctx *c, const sweep_param *p)
{
    const sweep_cond *w = own_when(p);
    return sweep_errorf_at(c, w->line, w->col,
                           "key 'parameters.%s.when': '%s' can never be active: no values of "
                           "its parents meet its `when` and their own at once, so the program "
                           "would never get it",
                           w->owner, p->name);
}

/* Marks param i and its ancestors, its parents' parents and so on: the params whose values
 * decide whether i is active. */
static void mark_ancestors(const sweep *sw, size_t i, bool *only)
{
    if (only[i])
        return;
    only[i] = true;
    for (size_t k = 0; k < sw->params[i].n_when; k++)
        mark_ancestors(sw, sw->params[i].when[k].parent, only);
}

static int by_parent(const void *a, const void *b)
{
    size_t x = (*(const sweep_cond *const *)a)->parent, y = (*(const sweep_cond *const *)b)->parent;
    return (x > y) - (x < y);
}

/* Whether the n conditions on one parent allow a value together: one of the first's that
 * each of the others allows. */
static bool allow_together(const sweep_cond *const *conds, size_t n)
{
    for (size_t a = 0; a < conds[0]->n_allowed; a++) {
        bool all = true;
        for (size_t k = 1; k < n && all; k++) {
            bool any = false;
            for (size_t b = 0; b < conds[k]->n_allowed && !any; b++)
                any = same_at(&conds[0]->allowed[a], &conds[k]->allowed[b], conds[0]->step);
            all = any;
        }
        if (all)
            return true;
    }
    return false;
}

/* Refuses a param whose conditions can never hold together: its own `when` asks a parent
 * for values that the parent's own conditions, or another of its parents, rule out (c
 * when {b: 2, a: y} where b exists only when a is x). Such a param would never reach the
 * program. A param is active exactly when it and each of its ancestors (its parents, their
 * parents, ...) have their conditions hold, for an ancestor is active only so. Each
 * condition asks one parent for a value among some, and the params take their values
 * independently, so the param can be active if and only if, for each parent named by
 * these conditions, some value is allowed by all the conditions on it: every value a
 * condition names is one its parent takes (check_value). Splitting the space into
 * products instead grows exponentially with a chain of two-parent conditions (layer_i
 * when skip_i and layer_{i-1}: 2^20 products for 20 layers, seconds and hundreds of MB at
 * every load of the sweep). */
static int check_reachable(sweep_ctx *c)
{
    const sweep *sw = c->sw;
    size_t n = sw->n_params ? sw->n_params : 1, n_conds = 1;
    for (size_t i = 0; i < sw->n_params; i++)
        n_conds += sw->params[i].n_when;
    bool *only = malloc(n * sizeof *only);
    const sweep_cond **conds = malloc(n_conds * sizeof *conds);
    int rc = only && conds ? 0 : sweep_errorf(c, NULL, "out of memory");
    for (size_t i = 0; !rc && i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        if (!p->n_when)
            continue;
        memset(only, 0, n * sizeof *only);
        mark_ancestors(sw, i, only);
        size_t m = 0;
        for (size_t j = 0; j < sw->n_params; j++)
            for (size_t k = 0; only[j] && k < sw->params[j].n_when; k++)
                conds[m++] = &sw->params[j].when[k];
        qsort(conds, m, sizeof *conds, by_parent);
        bool reached = true;
        for (size_t k = 0, run; k < m && reached; k += run) {
            for (run = 1; k + run < m && conds[k + run]->parent == conds[k]->parent; run++)
                ;
            reached = run == 1 || allow_together(conds + k, run);
        }
        if (!reached)
            rc = unreachable_error(c, p);
    }
    free(only);
    free(conds);
    return rc;
}
