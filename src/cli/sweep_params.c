/* The `parameters` of a sweep file: every W&B form, nested parameters named "outer.inner"
 * in the library, and the points of a grid. */
#include "cli/params.h"
#include "cli/sweep_yaml.h"
#include "util/json.h"
#include "util/num.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRID_POINTS 100000
#define EXACT_INT ((double)SWEEP_EXACT_INT)

static const struct {
    const char *name;
    param_kind kind;
    bool ln_bounds; /* min and max are natural logs of the bounds of `kind` */
} kinds[] = {
    {"constant", PK_CONSTANT, false},
    {"categorical", PK_CATEGORICAL, false},
    {"categorical_w_probabilities", PK_CATEGORICAL, false}, /* W&B's name with probabilities */
    {"int_uniform", PK_INT_UNIFORM, false},
    {"uniform", PK_UNIFORM, false},
    {"q_uniform", PK_Q_UNIFORM, false},
    {"log_uniform", PK_LOG_UNIFORM, false},
    {"log_uniform_values", PK_LOG_UNIFORM_VALUES, false},
    {"q_log_uniform_values", PK_Q_LOG_UNIFORM_VALUES, false},
    {"inv_log_uniform_values", PK_INV_LOG_UNIFORM_VALUES, false},
    {"q_log_uniform", PK_Q_LOG_UNIFORM_VALUES, true},
    {"inv_log_uniform", PK_INV_LOG_UNIFORM_VALUES, true},
    {"normal", PK_NORMAL, false},
    {"q_normal", PK_Q_NORMAL, false},
    {"log_normal", PK_LOG_NORMAL, false},
    {"q_log_normal", PK_Q_LOG_NORMAL, false},
};
#define N_KINDS (sizeof kinds / sizeof *kinds)

static const char *const param_keys[] = {"values",        "value",      "distribution", "min",
                                         "max",           "mu",         "sigma",        "q",
                                         "probabilities", "parameters", "when",         NULL};

/* The nodes of one parameter's mapping, before they are checked together. */
typedef struct param_nodes {
    const yaml_node_t *dist, *values, *value, *probs, *nested, *when;
    const yaml_node_t *min, *max, *mu, *sigma, *q;
} param_nodes;

/* The keys from `parameters` down to the mapping being read, and the `when` of each
 * (NULL: none), which holds for every param nested in it. */
typedef struct param_path {
    const char *keys[SWEEP_MAX_NESTING + 1];
    const yaml_node_t *when[SWEEP_MAX_NESTING + 1];
    size_t n;
} param_path;

void sweep_param_free(sweep_param *p)
{
    for (size_t j = 0; j < p->n_choices; j++)
        free((char *)p->choices[j].str);
    for (size_t j = 0; j < p->n_path; j++)
        free(p->path[j]);
    for (size_t j = 0; j < p->n_when; j++)
        sweep_cond_free(&p->when[j]);
    free(p->when);
    free(p->is_json);
    free(p->is_float);
    free(p->path);
    free(p->choices);
    free(p->probs);
    free(p->name);
    memset(p, 0, sizeof *p);
}

bool sweep_param_is_int(const sweep_param *p)
{
    if (p->kind == PK_INT_UNIFORM)
        return true;
    return p->kind == PK_Q_UNIFORM && p->min == floor(p->min) && p->max == floor(p->max) &&
           (!p->has_q || p->q == floor(p->q));
}

/* The kind of distribution p's values are held under in the study's trials, as
 * params_suggest suggests them (params.c, suggest_one), or -1 for a constant, which is not
 * held. `grid`: the sampler enumerates (sweep_enumerates). */
static int held_kind(const sweep_param *p, bool grid)
{
    switch (p->kind) {
    case PK_CONSTANT:
        return -1;
    case PK_CATEGORICAL: /* with probabilities a sampler searches a quantile */
        return p->probs && !grid ? KNOB_DIST_FLOAT : KNOB_DIST_CATEGORICAL;
    case PK_INT_UNIFORM:
        return KNOB_DIST_INT;
    case PK_Q_UNIFORM:
        return sweep_param_is_int(p) ? KNOB_DIST_INT : KNOB_DIST_FLOAT;
    case PK_Q_LOG_UNIFORM_VALUES:
        return grid ? KNOB_DIST_CATEGORICAL : KNOB_DIST_FLOAT;
    default:
        return KNOB_DIST_FLOAT;
    }
}

static const char *dist_kind_str(int kind)
{
    return kind == KNOB_DIST_INT ? "an int" : kind == KNOB_DIST_FLOAT ? "a float" : "a categorical";
}

void sweep_warn_kind_changes(const sweep *sw, knob_study *s, const char *study)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    bool grid = sweep_enumerates(sw) && !sw->pbt; /* PBT suggests as a sampler's params */
    if (knob_study_trials(s, &tr, &n))
        return; /* the run says what is wrong with the storage */
    for (size_t i = 0; i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        int now = held_kind(p, grid), was = -1;
        size_t other = 0;
        for (size_t k = 0; now >= 0 && k < n; k++) {
            const knob_param *held = knob_trial_info_param(tr[k], p->name);
            if (held && held->dist && (int)held->dist->kind != now) {
                was = (int)held->dist->kind;
                other++;
            }
        }
        if (!other)
            continue;
        fprintf(stderr,
                "knob: warning: study '%s': %s searches param '%s' as %s, and %zu of the "
                "study's trials hold it as %s: its values change kind from here on%s\n",
                study, sw->path ? sw->path : "the sweep", p->name, dist_kind_str(now), other,
                dist_kind_str(was),
                was == KNOB_DIST_INT && p->kind == PK_UNIFORM && !p->form &&
                        p->min == floor(p->min) && p->max == floor(p->max)
                    ? " (whole bounds written as floats, as 0.0, are a float's range, which "
                      "knob's first sweeps searched as an int's: distribution: int_uniform "
                      "keeps it an int)"
                    : "");
    }
}

bool sweep_choice_same(const knob_choice *a, const knob_choice *b)
{
    if (a->type != b->type)
        return false;
    return a->type == KNOB_CHOICE_STRING ? !strcmp(a->str, b->str) : a->num == b->num;
}

/* The first scalar in n (a list or mapping, at any depth) that is YAML's infinity or NaN;
 * NULL when there is none. */
static const yaml_node_t *nonfinite_in(sweep_ctx *c, const yaml_node_t *n)
{
    if (!n)
        return NULL;
    if (n->type == YAML_SCALAR_NODE)
        return sweep_nonfinite_word(n) ? n : NULL;
    const yaml_node_t *bad = NULL;
    if (n->type == YAML_SEQUENCE_NODE)
        for (size_t i = 0; !bad && i < sweep_seq_len(n); i++)
            bad = nonfinite_in(c, sweep_node(c, n->data.sequence.items.start[i]));
    else if (n->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *kv = n->data.mapping.pairs.start;
             !bad && kv < n->data.mapping.pairs.top; kv++)
            bad = nonfinite_in(c, sweep_node(c, kv->value));
    return bad;
}

/* One value of `values` or `value`: a scalar, typed, or a list or mapping (W&B takes both:
 * layer widths [64, 64], a model's settings {name: resnet, depth: 18}) or an integer beyond
 * 2^53, held as its JSON text and marked in p->is_json. */
static int read_choice(sweep_ctx *c, sweep_param *p, size_t i, const yaml_node_t *item,
                       const char *key)
{
    /* YAML's .inf or .nan, alone or within a list or mapping: it reached the program as the
     * string ".inf" */
    const yaml_node_t *bad = nonfinite_in(c, item);
    const char *what = bad ? sweep_nonfinite_word(bad) : NULL,
               *word = bad ? sweep_scalar(bad) : "";
    if (bad && bad != item)
        return sweep_errorf(c, bad,
                            "key '%s': %s is YAML's %s, which a value within a list or mapping "
                            "cannot be: quote it for the program to get that string",
                            key, word, what);
    if (bad)
        return sweep_errorf(c, item,
                            "key '%s': %s is YAML's %s, which a parameter's value cannot be: "
                            "quote it (\"%s\") for the program to get that string (Python's "
                            "float() reads it)",
                            key, word, what,
                            what[0] == 'N' ? "nan" : word[0] == '-' ? "-inf" : "inf");
    if (item->type == YAML_SEQUENCE_NODE || item->type == YAML_MAPPING_NODE ||
        sweep_big_int(item)) {
        knobx_buf b = {0};
        sweep_node_json(c, item, &b);
        if (!b.oom && b.len > SWEEP_MAX_TEXT) {
            knobx_buf_free(&b);
            return sweep_errorf(c, item, "key '%s': the %s is %zu bytes long as JSON, at most %d",
                                key, item->type == YAML_SEQUENCE_NODE ? "list" : "mapping", b.len,
                                SWEEP_MAX_TEXT);
        }
        if (!p->is_json)
            p->is_json = calloc(p->n_alloc, sizeof *p->is_json);
        p->choices[i] =
            (knob_choice){KNOB_CHOICE_STRING, b.oom ? NULL : sweep_dup(knobx_buf_cstr(&b)), 0};
        knobx_buf_free(&b);
        if (!p->is_json || !p->choices[i].str)
            return sweep_errorf(c, item, "out of memory");
        p->is_json[i] = true;
        return 0;
    }
    if (!sweep_scalar(item))
        return sweep_errorf(c, item,
                            "key '%s': each value must be a scalar, a list or a mapping, got %s",
                            key, sweep_kind_name(item));
    if (sweep_check_length(c, item, key, SWEEP_MAX_TEXT))
        return -1;
    p->choices[i] = sweep_to_choice(item);
    const char *w = sweep_scalar(item), *digits = w + (*w == '+' || *w == '-');
    bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'); /* 0x1E: an int */
    if (p->choices[i].type == KNOB_CHOICE_NUMBER && !hex && strpbrk(w, ".eE")) {
        /* a float as written: the program gets 1.0 for it, as W&B's Python passes it */
        if (!p->is_float && !(p->is_float = calloc(p->n_alloc, sizeof *p->is_float)))
            return sweep_errorf(c, item, "out of memory");
        p->is_float[i] = true;
    }
    return 0;
}

/* A list, mapping or integer beyond 2^53 is held as its JSON text, a string to the library:
 * a quoted string of the same text would be the same choice, and the program would get the
 * string for both. Refused, at the string. */
static int json_text_clash(sweep_ctx *c, const sweep_param *p, const yaml_node_t *v,
                           const char *k)
{
    for (size_t i = 0; p->is_json && i < p->n_choices; i++)
        for (size_t j = 0; p->is_json[i] && j < p->n_choices; j++) {
            const knob_choice *a = &p->choices[i], *b = &p->choices[j];
            if (p->is_json[j] || b->type != KNOB_CHOICE_STRING || strcmp(a->str, b->str))
                continue;
            const yaml_node_t *ni = sweep_node(c, v->data.sequence.items.start[i]);
            return sweep_errorf(c, sweep_node(c, v->data.sequence.items.start[j]),
                                "key '%s': the string '%s' is the text of another value (line %d, "
                                "column %d), which knob holds as that text: the two cannot be "
                                "told apart; leave one out",
                                k, b->str, (int)ni->start_mark.line + 1,
                                (int)ni->start_mark.column + 1);
        }
    return 0;
}

static int read_values(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    size_t n = sweep_seq_len(v);
    char k[SWEEP_MAX_NAME + 40];
    snprintf(k, sizeof k, "%s.values", key);
    if (!n)
        return sweep_errorf(c, v, "key '%s': expected a non-empty list of values, got %s", k,
                            sweep_kind_name(v));
    p->choices = calloc(n, sizeof *p->choices);
    if (!p->choices)
        return sweep_errorf(c, v, "out of memory");
    p->n_alloc = n;
    for (size_t i = 0; i < n; i++) {
        if (read_choice(c, p, i, sweep_node(c, v->data.sequence.items.start[i]), k))
            return -1;
        p->n_choices++;
    }
    return json_text_clash(c, p, v, k);
}

static int read_value(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    char k[SWEEP_MAX_NAME + 40];
    snprintf(k, sizeof k, "%s.value", key);
    p->choices = calloc(1, sizeof *p->choices);
    if (!p->choices)
        return sweep_errorf(c, v, "out of memory");
    p->n_alloc = 1;
    if (read_choice(c, p, 0, v, k))
        return -1;
    p->n_choices = 1;
    return 0;
}

static int read_probs(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    char k[SWEEP_MAX_NAME + 40];
    snprintf(k, sizeof k, "%s.probabilities", key);
    if (!v || v->type != YAML_SEQUENCE_NODE)
        return sweep_errorf(c, v, "key '%s': expected a list of probabilities, got %s", k,
                            sweep_kind_name(v));
    size_t n = sweep_seq_len(v);
    p->probs = calloc(n ? n : 1, sizeof *p->probs);
    if (!p->probs)
        return sweep_errorf(c, v, "out of memory");
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (sweep_get_number(c, sweep_node(c, v->data.sequence.items.start[i]), k, &p->probs[i]))
            return -1;
        if (p->probs[i] < 0)
            return sweep_errorf(c, v, "key '%s': probabilities must be >= 0", k);
        sum += p->probs[i];
    }
    if (n != p->n_choices)
        return sweep_errorf(c, v, "key '%s': expected one probability per value (%zu), got %zu", k,
                            p->n_choices, n);
    /* W&B's tolerance (numpy's isclose: 1e-8 + 1e-5 of 1), so that [0.33333, 0.33333,
     * 0.33333] passes; then scaled to add up to 1. A sum refused is said in its fewest
     * digits: 1.1, not 1.1000000000000001. */
    if (!(fabs(sum - 1) <= 1e-8 + 1e-5)) {
        knobx_buf got = {0};
        knobx_json_add_number(&got, sum);
        int rc = sweep_errorf(c, v, "key '%s': probabilities must add up to 1, got %s", k,
                              knobx_buf_cstr(&got));
        knobx_buf_free(&got);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        p->probs[i] /= sum;
    return 0;
}

/* W&B's default distribution when none is given. */
static param_kind infer_kind(const sweep_param *p, const param_nodes *pn)
{
    if (pn->values)
        return PK_CATEGORICAL;
    if (pn->value)
        return PK_CONSTANT;
    if (p->has_min && p->has_max && p->min == floor(p->min) && p->max == floor(p->max) &&
        p->min_int && p->max_int)
        return PK_INT_UNIFORM;
    return PK_UNIFORM;
}

static bool needs_range(param_kind k)
{
    return k == PK_INT_UNIFORM || k == PK_UNIFORM || k == PK_Q_UNIFORM || k == PK_LOG_UNIFORM ||
           k == PK_LOG_UNIFORM_VALUES || k == PK_Q_LOG_UNIFORM_VALUES ||
           k == PK_INV_LOG_UNIFORM_VALUES;
}

static bool is_normal(param_kind k)
{
    return k == PK_NORMAL || k == PK_Q_NORMAL || k == PK_LOG_NORMAL || k == PK_Q_LOG_NORMAL;
}

/* The forms that round to a multiple of q. */
static bool is_quantized(param_kind k)
{
    return k == PK_Q_UNIFORM || k == PK_Q_LOG_UNIFORM_VALUES || k == PK_Q_NORMAL ||
           k == PK_Q_LOG_NORMAL;
}

/* The distribution's name as the file wrote it, else as W&B infers it. */
static const char *kind_str(const sweep_param *p)
{
    for (size_t i = 0; !p->form && i < N_KINDS; i++)
        if (kinds[i].kind == p->kind)
            return kinds[i].name;
    return p->form ? p->form : "?";
}

/* A key that the parameter's distribution does not read (`min` of a normal, `q` of a
 * uniform): W&B's schema refuses it and its CLI warns and runs on; knob warns the same,
 * since the program would not get what the file seems to ask for. */
static void warn_unused(const sweep_ctx *c, const sweep_param *p, const param_nodes *pn)
{
    bool range = needs_range(p->kind), normal = is_normal(p->kind);
    bool choices = p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT;
    const struct {
        const char *key;
        const yaml_node_t *node;
        bool used;
    } keys[] = {
        {"min", pn->min, range},
        {"max", pn->max, range},
        {"mu", pn->mu, normal},
        {"sigma", pn->sigma, normal},
        {"q", pn->q, is_quantized(p->kind)},
        {"values", pn->values, choices},
        {"value", pn->value, choices && !pn->values},
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (!keys[i].node || keys[i].used)
            continue;
        const char *why = "";
        if (!strcmp(keys[i].key, "value") && pn->values)
            why = " (values is given)";
        else if (!strcmp(keys[i].key, "q") && (p->kind == PK_INT_UNIFORM || p->kind == PK_UNIFORM))
            why = " (distribution: q_uniform rounds to a multiple of q)";
        else if (normal)
            why = " (it draws mu + sigma z, unbounded)";
        sweep_warnf(c, keys[i].node, "key 'parameters.%s.%s': ignored: %s takes no %s%s", p->name,
                    keys[i].key, kind_str(p), keys[i].key, why);
    }
}

static int check_param(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                       const yaml_node_t *n)
{
    const char *k = p->name, *d = kind_str(p);
    if (needs_range(p->kind) && (!p->has_min || !p->has_max))
        return sweep_errorf(c, n, "key 'parameters.%s': %s needs min and max", k, d);
    if (needs_range(p->kind) && p->min > p->max)
        return sweep_errorf(c, pn->max ? pn->max : n,
                            "key 'parameters.%s': min (%g) must be <= max (%g)", k, p->min, p->max);
    if (needs_range(p->kind) && p->min == p->max)
        sweep_warnf(c, pn->max ? pn->max : n,
                    "key 'parameters.%s': min equals max (%g): the range holds one value (W&B "
                    "refuses it; `value: %g` says so)",
                    k, p->max, p->max);
    if ((p->kind == PK_LOG_UNIFORM_VALUES || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
         p->kind == PK_INV_LOG_UNIFORM_VALUES) &&
        p->min <= 0)
        return sweep_errorf(c, pn->min ? pn->min : n,
                            "key 'parameters.%s.min': expected a number > 0 (%s is on a "
                            "log scale), got %g",
                            k, d, p->min);
    if (p->kind == PK_INT_UNIFORM && (p->min != floor(p->min) || p->max != floor(p->max)))
        return sweep_errorf(c, p->min != floor(p->min) ? pn->min : pn->max,
                            "key 'parameters.%s': int_uniform needs whole min and max, "
                            "got %g and %g",
                            k, p->min, p->max);
    /* W&B's int_uniform takes integers only ("format: integer"): 0.0 is refused there */
    for (int b = 0; p->kind == PK_INT_UNIFORM && b < 2; b++)
        if (!(b ? p->max_int : p->min_int))
            sweep_warnf(c, b ? pn->max : pn->min,
                        "key 'parameters.%s.%s': %s is written as a float, read as the integer "
                        "%.0f (W&B refuses it; write %.0f)",
                        k, b ? "max" : "min", sweep_scalar(b ? pn->max : pn->min),
                        b ? p->max : p->min, b ? p->max : p->min);
    if (p->kind == PK_CATEGORICAL && !p->n_choices)
        return sweep_errorf(c, n, "key 'parameters.%s': categorical needs values", k);
    if (p->kind == PK_CONSTANT && p->n_choices != 1)
        return sweep_errorf(c, n, "key 'parameters.%s': constant needs one value", k);
    if (p->has_q && !(p->q > 0))
        return sweep_errorf(c, pn->q ? pn->q : n,
                            "key 'parameters.%s.q': expected a number > 0, got %g", k, p->q);
    if (is_normal(p->kind) && !(p->sigma > 0))
        return sweep_errorf(c, pn->sigma ? pn->sigma : n,
                            "key 'parameters.%s.sigma': expected a number > 0, got %g", k,
                            p->sigma);
    if (p->probs && p->kind != PK_CATEGORICAL)
        return sweep_errorf(c, pn->probs ? pn->probs : n,
                            "key 'parameters.%s.probabilities': goes with values only", k);
    warn_unused(c, p, pn);
    return 0;
}

/* ---------------------------------------------------------------- limits of the numbers */

/* An integer's bound, which the library holds exactly up to 2^53. */
static int check_int_bound(sweep_ctx *c, const sweep_param *p, const yaml_node_t *at,
                           const char *key, double v)
{
    if (fabs(v) < EXACT_INT || fabsl(sweep_exact_number(at, v)) <= EXACT_INT)
        return 0;
    return sweep_errorf(c, at,
                        "key 'parameters.%s.%s': %s is beyond 2^53 (9007199254740992), the "
                        "largest integer the library holds exactly",
                        p->name, key, sweep_scalar(at) ? sweep_scalar(at) : "the value");
}

/* Steps of q from lo to hi: a count a double holds exactly, as grids and rounding need. */
static int check_steps(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                       const yaml_node_t *map, double lo, double hi)
{
    double steps = (hi - lo) / p->q;
    if (isfinite(steps) && steps <= EXACT_INT)
        return 0;
    return sweep_errorf(c, pn->q ? pn->q : map,
                        "key 'parameters.%s.q': q = %g makes %g steps from %g to %g; at most "
                        "2^53",
                        p->name, p->q, steps, lo, hi);
}

/* The whole steps of q in [lo, hi], within the rounding of the division, as the library's
 * step_count (src/space.c) counts them: 0.1 goes 30000003 times into [0, 3000000.3], where
 * a tolerance of 1e-9 alone says 30000002; at most half a step (far from 0 the rounding's
 * share grows: [1.7e15, 1.7e15 + 4] by 1 counted 7 steps). */
static double q_steps(double lo, double hi, double q)
{
    double k = (hi - lo) / q;
    double tol = 1e-9 + 4 * DBL_EPSILON * ((fabs(lo) + fabs(hi)) / q + fabs(k));
    return floor(k + fmin(tol, 0.5));
}

/* q_log_uniform(_values) rounds its draw x in [lo, hi] to a multiple of q, as W&B does
 * (round(x / q) q): a q that leaves a single value, or takes the values past lo or hi (0
 * among them, which a log scale never gives), said in what; false when it does neither. The
 * values outside are said when the file is read, not for the sweep stored with a study
 * (`stored`), which each of its commands reads. */
static bool log_q_what(const sweep_param *p, const char *dflt, bool stored, char *what, size_t n)
{
    double lo = p->min, hi = p->max, q = p->q;
    double a = round(lo / q) * q, b = round(hi / q) * q, tol = 1e-9 * fmax(fabs(hi), q);
    bool below = a<lo - tol, above = b> hi + tol;
    const char *zero = a == 0 ? " (which no log scale gives)" : "";
    if (a == b)
        snprintf(what, n, "q (%g%s) rounds every value in [%g, %g] to %g%s, the only value", q,
                 dflt, lo, hi, a, zero);
    else if (stored)
        return false;
    else if (below && above)
        snprintf(what, n,
                 "q (%g%s) rounds the values in [%g, %g] to the multiples of q from %g%s to %g, "
                 "both outside [%g, %g]",
                 q, dflt, lo, hi, a, zero, b, lo, hi);
    else if (below || above)
        snprintf(what, n,
                 "q (%g%s) rounds the values in [%g, %g] to the multiples of q from %g to %g: "
                 "%g%s is outside [%g, %g]",
                 q, dflt, lo, hi, a, b, below ? a : b, below ? zero : "", lo, hi);
    else
        return false;
    return true;
}

/* A q that leaves fewer values than the range suggests is allowed (W&B runs it), and said:
 * Optuna warns the same of a step that does not divide its range. */
static void warn_q(const sweep_ctx *c, const sweep_param *p, const yaml_node_t *q_node,
                   const yaml_node_t *map)
{
    double lo = p->min, hi = p->max, q = p->q;
    const yaml_node_t *at = q_node ? q_node : map;
    const char *dflt = q_node ? "" : " by default"; /* W&B's q when none is given */
    char what[320];
    if (c->quiet || c->quiet_warnings)
        return;
    if (p->kind == PK_Q_UNIFORM) {
        double k = q_steps(lo, hi, q);
        /* knob's q_uniform counts its steps from min, as it always has, so that a study's
         * space stays what it was; W&B's agent rounds to multiples of q (round(x / q) q).
         * The two agree when min is a multiple of q; where not, said. */
        bool off = fabs(lo / q - round(lo / q)) > 1e-9 * fmax(1, fabs(lo / q));
        if (k >= 1 && fabs((hi - lo) - k * q) <= 1e-9 * fmax(fabs(hi - lo), 1)) {
            if (!off)
                return; /* q divides the range */
            snprintf(what, sizeof what,
                     "min (%g) is not a multiple of q (%g%s): knob's values are min + k q (%g, "
                     "%g, ...), where W&B's agent rounds to the multiples of q",
                     lo, q, dflt, lo, lo + q);
        } else if (k < 1)
            snprintf(what, sizeof what,
                     "q (%g%s) is more than max - min (%g): min, %g, is the only value", q, dflt,
                     hi - lo, lo);
        else
            snprintf(what, sizeof what,
                     "q (%g%s) does not divide max - min (%g): the values are min + k q up to "
                     "%g%s",
                     q, dflt, hi - lo, lo + k * q,
                     off ? ", and min is not a multiple of q: knob's values are min + k q, "
                           "where W&B's agent rounds to the multiples of q"
                         : "");
    } else if (!log_q_what(p, dflt, c->stored, what, sizeof what))
        return;
    fprintf(stderr, "%s:%lu:%lu: warning: key 'parameters.%s.q': %s\n", c->path,
            (unsigned long)at->start_mark.line + 1, (unsigned long)at->start_mark.column + 1,
            p->name, what);
}

static int check_uniform(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                         const yaml_node_t *map)
{
    if (sweep_param_is_int(p)) {
        if (check_int_bound(c, p, pn->min ? pn->min : map, "min", p->min) ||
            check_int_bound(c, p, pn->max ? pn->max : map, "max", p->max) ||
            (p->has_q && check_int_bound(c, p, pn->q ? pn->q : map, "q", p->q)))
            return -1;
    } else if (!isfinite(p->max - p->min)) {
        return sweep_errorf(c, map,
                            "key 'parameters.%s': max - min overflows (min %g, max %g): the "
                            "range must be at most %g wide",
                            p->name, p->min, p->max, DBL_MAX);
    }
    if (p->kind != PK_Q_UNIFORM || !p->has_q)
        return 0;
    if (check_steps(c, p, pn, map, p->min, p->max))
        return -1;
    warn_q(c, p, pn->q, map);
    return 0;
}

/* The log family's bounds as the library gets them: finite and > 0. */
static int check_log(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                     const yaml_node_t *map)
{
    const yaml_node_t *at_min = pn->min ? pn->min : map, *at_max = pn->max ? pn->max : map;
    if (p->kind == PK_LOG_UNIFORM && !isfinite(exp(p->max))) {
        bool both = !isfinite(exp(p->min)); /* named at min, the first */
        return sweep_errorf(c, both ? at_min : at_max,
                            "key 'parameters.%s.%s': log_uniform's bounds are natural logs, "
                            "and e^%g overflows%s; at most %.2f",
                            p->name, both ? "min" : "max", both ? p->min : p->max,
                            both ? " (as does max's)" : "", floor(log(DBL_MAX) * 100) / 100);
    }
    if (p->kind == PK_LOG_UNIFORM && !(exp(p->min) > 0))
        return sweep_errorf(c, at_min,
                            "key 'parameters.%s.min': log_uniform's bounds are natural logs, "
                            "and e^%g is 0; at least -745",
                            p->name, p->min);
    if (p->kind == PK_INV_LOG_UNIFORM_VALUES && !isfinite(1 / p->min))
        return sweep_errorf(c, at_min,
                            "key 'parameters.%s.min': inv_log_uniform_values searches 1/x, and "
                            "1/%g overflows",
                            p->name, p->min);
    if (p->kind == PK_Q_LOG_UNIFORM_VALUES && p->has_q) {
        if (check_steps(c, p, pn, map, 0, p->max))
            return -1;
        warn_q(c, p, pn->q, map);
    }
    return 0;
}

/* The normal family: the values drawn at the extreme quantiles must be finite numbers. */
static int check_normal(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                        const yaml_node_t *map)
{
    double z = knob_normal_quantile(PARAMS_U_HIGH);
    double lo = p->mu - p->sigma * z, hi = p->mu + p->sigma * z;
    bool lognormal = p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL;
    const yaml_node_t *at = pn->sigma ? pn->sigma : pn->mu ? pn->mu : map;
    if (!isfinite(lo) || !isfinite(hi) || (lognormal && !isfinite(exp(hi))))
        return sweep_errorf(c, at,
                            "key 'parameters.%s': %s, the farthest value knob draws, overflows "
                            "(mu %g, sigma %g)",
                            p->name, lognormal ? "e^(mu + 4.75 sigma)" : "mu +- 4.75 sigma", p->mu,
                            p->sigma);
    double far = lognormal ? exp(hi) : fmax(fabs(lo), fabs(hi));
    if (p->has_q && !isfinite(far / p->q))
        return sweep_errorf(c, pn->q ? pn->q : map,
                            "key 'parameters.%s.q': %g / q overflows; q must be larger", p->name,
                            far);
    return 0;
}

static int check_numbers(sweep_ctx *c, const sweep_param *p, const param_nodes *pn,
                         const yaml_node_t *map)
{
    if (is_normal(p->kind))
        return check_normal(c, p, pn, map);
    if (p->kind == PK_INT_UNIFORM || p->kind == PK_UNIFORM || p->kind == PK_Q_UNIFORM)
        return check_uniform(c, p, pn, map);
    return check_log(c, p, pn, map);
}

/* log_uniform, q_log_uniform and inv_log_uniform take natural logs for min and max, which
 * W&B warns of at every use (its "use log_uniform_values"): min: 0.0001, max: 0.1 meant as
 * a learning rate's range searches 1.0001 to 1.105. Said with the values searched, once
 * per sweep file read (not for the sweep stored with a study). */
static void warn_ln_bounds(sweep_ctx *c, const sweep_param *p, const yaml_node_t *at, bool inv)
{
    double lo = inv ? exp(-p->max) : exp(p->min), hi = inv ? exp(-p->min) : exp(p->max);
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0))
        return;          /* bounds past the doubles: the error that follows says which */
    char hint[160] = ""; /* for bounds that the _values form takes as they are: above 0 */
    if (p->min > 0)
        snprintf(hint, sizeof hint, "; for values from %g to %g write %s_values", p->min, p->max,
                 p->form);
    sweep_warnf(c, at,
                "key 'parameters.%s.distribution': %s's min and max are natural logs%s, so "
                "'%s' goes from %g to %g%s (W&B warns of this form too)",
                p->name, p->form, inv ? " of 1/x" : "", p->name, lo, hi, hint);
}

/* q_log_uniform and inv_log_uniform: W&B's min and max are natural logs (of x, and of 1/x),
 * read as q_log_uniform_values and inv_log_uniform_values between e^min and e^max (e^-max
 * and e^-min for 1/x), which the library holds as they are. */
static int from_ln_bounds(sweep_ctx *c, sweep_param *p, const param_nodes *pn,
                          const yaml_node_t *map)
{
    const yaml_node_t *at_min = pn->min ? pn->min : map, *at_max = pn->max ? pn->max : map;
    bool inv = p->kind == PK_INV_LOG_UNIFORM_VALUES;
    if (!p->has_min || !p->has_max)
        return sweep_errorf(c, map, "key 'parameters.%s': %s needs min and max", p->name, p->form);
    if (p->min > p->max)
        return sweep_errorf(c, pn->max ? pn->max : map,
                            "key 'parameters.%s': min (%g) must be <= max (%g)", p->name, p->min,
                            p->max);
    if (!isfinite(exp(p->max))) {
        bool both = !isfinite(exp(p->min)); /* named at min, the first */
        return sweep_errorf(c, both ? at_min : at_max,
                            "key 'parameters.%s.%s': %s's bounds are natural logs, and e^%g "
                            "overflows%s; at most %.2f",
                            p->name, both ? "min" : "max", p->form, both ? p->min : p->max,
                            both ? " (as does max's)" : "", floor(log(DBL_MAX) * 100) / 100);
    }
    if (inv && !isfinite(exp(-p->min)))
        return sweep_errorf(c, at_min,
                            "key 'parameters.%s.min': inv_log_uniform's bounds are natural logs "
                            "of 1/x, and x = e^%g overflows; at least %.2f",
                            p->name, -p->min, -floor(log(DBL_MAX) * 100) / 100);
    if (!inv && !(exp(p->min) > 0))
        return sweep_errorf(c, at_min,
                            "key 'parameters.%s.min': q_log_uniform's bounds are natural logs, "
                            "and e^%g is 0; at least -745",
                            p->name, p->min);
    double lo = p->min, hi = p->max;
    p->min = inv ? exp(-hi) : exp(lo);
    p->max = inv ? exp(-lo) : exp(hi);
    p->min_int = p->max_int = false;
    return 0;
}

/* ---------------------------------------------------------------- one parameter */

/* A min or max: a number, and whether YAML wrote it as an integer ("3", not "3.0"). */
static int read_bound(sweep_ctx *c, const yaml_node_t *v, const char *key, double *out, bool *has,
                      bool *is_int)
{
    if (sweep_get_number(c, v, key, out)) /* which says a bound in quotes */
        return -1;
    const char *s = sweep_scalar(v);
    *has = true;
    *is_int = !strpbrk(s, ".eEnN");
    return 0;
}

/* One key of a parameter's mapping: numbers are read now, the rest kept in pn. */
static int read_param_key(sweep_ctx *c, sweep_param *p, param_nodes *pn, const yaml_node_t *k,
                          const yaml_node_t *v)
{
    const char *ks = sweep_scalar(k);
    char key[SWEEP_MAX_NAME + 40];
    if (!ks)
        return sweep_errorf(c, k, "key 'parameters.%s': keys must be strings", p->name);
    snprintf(key, sizeof key, "parameters.%s.%.20s", p->name, ks);
    if (!strcmp(ks, "distribution"))
        pn->dist = v;
    else if (!strcmp(ks, "values"))
        pn->values = v;
    else if (!strcmp(ks, "value"))
        pn->value = v;
    else if (!strcmp(ks, "probabilities"))
        pn->probs = v;
    else if (!strcmp(ks, "parameters"))
        pn->nested = v;
    else if (!strcmp(ks, "when"))
        pn->when = v;
    else if (!strcmp(ks, "min"))
        return (pn->min = v, read_bound(c, v, key, &p->min, &p->has_min, &p->min_int));
    else if (!strcmp(ks, "max"))
        return (pn->max = v, read_bound(c, v, key, &p->max, &p->has_max, &p->max_int));
    else if (!strcmp(ks, "mu"))
        return (pn->mu = v, sweep_get_number(c, v, key, &p->mu));
    else if (!strcmp(ks, "sigma"))
        return (pn->sigma = v, sweep_get_number(c, v, key, &p->sigma));
    else if (!strcmp(ks, "q"))
        return (pn->q = v, p->has_q = true, sweep_get_number(c, v, key, &p->q));
    else {
        snprintf(key, sizeof key, "parameters.%s", p->name);
        return sweep_unknown_key(c, k, key, param_keys);
    }
    return 0;
}

static int read_distribution(sweep_ctx *c, sweep_param *p, const yaml_node_t *dist, bool *ln_bounds)
{
    const char *d = sweep_scalar(dist);
    for (size_t i = 0; d && i < N_KINDS; i++) {
        if (!strcmp(kinds[i].name, d)) {
            p->kind = kinds[i].kind;
            p->form = kinds[i].name;
            *ln_bounds = kinds[i].ln_bounds;
            return 0;
        }
    }
    const char *names[N_KINDS + 1];
    for (size_t j = 0; j < N_KINDS; j++)
        names[j] = kinds[j].name;
    names[N_KINDS] = NULL;
    const char *near = sweep_closest(d, names);
    if (d && (!strcmp(d, "beta") || !strcmp(d, "q_beta")))
        return sweep_errorf(c, dist,
                            "key 'parameters.%s.distribution': knob has no %s distribution "
                            "(W&B's sweeps library has one, outside the distributions W&B "
                            "documents)",
                            p->name, d);
    return sweep_errorf(c, dist,
                        "key 'parameters.%s.distribution': unknown distribution "
                        "'%.40s'%s%s%s",
                        p->name, d ? d : sweep_kind_name(dist), near ? "; did you mean '" : "",
                        near ? near : "", near ? "'?" : "");
}

/* Reads one parameter's mapping into p; a nested `parameters` mapping goes to *nested. */
static int parse_param_into(sweep_ctx *c, const yaml_node_t *map, sweep_param *p,
                            const yaml_node_t **nested, const yaml_node_t **when)
{
    param_nodes pn = {0};
    bool ln_bounds = false;
    char key[SWEEP_MAX_NAME + 40];
    snprintf(key, sizeof key, "parameters.%s", p->name);
    if (map->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, map,
                            "key '%s': expected a mapping (values, distribution, min, "
                            "max, ...), got %s",
                            key, sweep_kind_name(map));
    /* an unknown distribution first: its keys (beta's a and b) would be unknown keys */
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++) {
        const char *ks = sweep_scalar(sweep_node(c, kv->key));
        if (ks && !strcmp(ks, "distribution") &&
            read_distribution(c, p, sweep_node(c, kv->value), &ln_bounds))
            return -1;
    }
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++)
        if (read_param_key(c, p, &pn, sweep_node(c, kv->key), sweep_node(c, kv->value)))
            return -1;
    *when = pn.when;
    if (pn.nested) {
        const yaml_node_t *other[] = {pn.dist, pn.values, pn.value, pn.probs, pn.min,
                                      pn.max,  pn.mu,     pn.sigma, pn.q};
        for (size_t i = 0; i < sizeof other / sizeof *other; i++)
            for (yaml_node_pair_t *kv = map->data.mapping.pairs.start;
                 other[i] && kv < map->data.mapping.pairs.top; kv++)
                if (sweep_node(c, kv->value) == other[i])
                    sweep_warnf(c, sweep_node(c, kv->key),
                                "key '%s.%s': ignored: a parameter with nested parameters "
                                "takes only `parameters` and `when`",
                                key, sweep_scalar(sweep_node(c, kv->key)));
        *nested = pn.nested;
        return 0;
    }
    if (pn.probs && !pn.values)
        return sweep_errorf(c, pn.probs,
                            "key '%s.probabilities': goes with values only (one probability "
                            "per value)",
                            key);
    if ((pn.values && read_values(c, p, pn.values, key)) ||
        (pn.value && !pn.values && read_value(c, p, pn.value, key)) ||
        (pn.probs && read_probs(c, p, pn.probs, key)))
        return -1;
    if (pn.dist) {
        if (read_distribution(c, p, pn.dist, &ln_bounds))
            return -1;
        if (!pn.probs && p->form && !strcmp(p->form, "categorical_w_probabilities"))
            sweep_warnf(c, pn.dist,
                        "key '%s.distribution': categorical_w_probabilities without "
                        "probabilities: each value is drawn as often (W&B refuses it)",
                        key);
    } else if (!pn.values && !pn.value && !p->has_min && !p->has_max) {
        return sweep_errorf(c, map, "key '%s': expected values, value, or min and max", key);
    } else {
        p->kind = infer_kind(p, &pn);
    }
    if (is_quantized(p->kind) && !p->has_q) { /* W&B: q defaults to 1 */
        p->q = 1;
        p->has_q = true;
    }
    if ((ln_bounds || p->kind == PK_LOG_UNIFORM) && pn.dist && p->has_min && p->has_max &&
        !c->stored)
        warn_ln_bounds(c, p, pn.dist, ln_bounds && p->kind == PK_INV_LOG_UNIFORM_VALUES);
    if (ln_bounds && from_ln_bounds(c, p, &pn, map))
        return -1;
    return check_param(c, p, &pn, map) || check_numbers(c, p, &pn, map) ? -1 : 0;
}

static int add_param(sweep *sw, sweep_param *p)
{
    sweep_param *grown = realloc(sw->params, (sw->n_params + 1) * sizeof *sw->params);
    if (!grown)
        return -1;
    sw->params = grown;
    sw->params[sw->n_params++] = *p;
    return 0;
}

/* The library's name of the param at `path`: its keys joined by dots. */
static char *join_path(const param_path *path)
{
    knobx_buf b = {0};
    for (size_t i = 0; i < path->n; i++) {
        knobx_buf_puts(&b, i ? "." : "");
        knobx_buf_puts(&b, path->keys[i]);
    }
    char *name = b.oom ? NULL : sweep_dup(knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return name;
}

static int parse_level(sweep_ctx *c, const yaml_node_t *map, param_path *path);

static int parse_param(sweep_ctx *c, param_path *path, const yaml_node_t *map)
{
    sweep_param p = {.sigma = 1, .kind = PK_UNIFORM};
    const yaml_node_t *nested = NULL, *when = NULL;
    p.name = join_path(path);
    p.path = calloc(path->n, sizeof *p.path);
    if (!p.name || !p.path) {
        sweep_param_free(&p);
        return sweep_errorf(c, map, "out of memory");
    }
    for (; p.n_path < path->n; p.n_path++)
        p.path[p.n_path] = sweep_dup(path->keys[p.n_path]);
    p.line = (int)map->start_mark.line + 1;
    p.col = (int)map->start_mark.column + 1;
    if (parse_param_into(c, map, &p, &nested, &when)) {
        sweep_param_free(&p);
        return -1;
    }
    path->when[path->n - 1] = when;
    for (size_t i = 0; !nested && i < path->n; i++) {
        if (path->when[i] && sweep_parse_when(c, &p, path->when[i], i + 1)) {
            sweep_param_free(&p);
            return -1;
        }
    }
    if (nested) {
        int rc = 0;
        if (nested->type != YAML_MAPPING_NODE)
            rc = sweep_errorf(c, nested,
                              "key 'parameters.%s.parameters': expected a mapping "
                              "of nested parameters, got %s",
                              p.name, sweep_kind_name(nested));
        else if (path->n > SWEEP_MAX_NESTING)
            rc = sweep_errorf(c, nested,
                              "key 'parameters.%.60s%s.parameters': nested deeper than %d "
                              "levels",
                              p.name, strlen(p.name) > 60 ? "..." : "", SWEEP_MAX_NESTING);
        sweep_param_free(&p);
        return rc ? rc : parse_level(c, nested, path);
    }
    if (add_param(c->sw, &p)) {
        sweep_param_free(&p);
        return sweep_errorf(c, map, "out of memory");
    }
    return 0;
}

/* A name outside W&B's pattern for them, [A-Za-z_][A-Za-z0-9_.-]*: W&B's schema refuses it
 * and its command line warns and runs on; knob warns the same, saying what ${args} makes of
 * it when that is ambiguous ("--a=b=1" for `a=b`, which argparse reads as a = "b=1"). */
static void warn_name(const sweep_ctx *c, const yaml_node_t *k, const param_path *path,
                      const char *name)
{
    bool ok = isalpha((unsigned char)name[0]) || name[0] == '_';
    for (const char *q = name + 1; ok && *q; q++)
        ok = isalnum((unsigned char)*q) || *q == '_' || *q == '.' || *q == '-';
    if (ok)
        return;
    const char *why = strchr(name, '=') ? ": ${args} passes --NAME=VALUE, and a parser splits it "
                                          "at the first '='"
                      : name[0] == '-'  ? ": ${args} passes it after its own '--'"
                      : strpbrk(name, " \t") ? ": ${args} passes it with its spaces"
                                             : "";
    knobx_buf full = {0};
    for (size_t i = 0; i < path->n; i++)
        knobx_buf_printf(&full, "%s.", path->keys[i]);
    sweep_warnf(c, k,
                "key 'parameters.%s%s': W&B takes names of letters, digits, '_', '.' and '-' "
                "(from a letter or '_')%s",
                full.oom ? "" : knobx_buf_cstr(&full), name, why);
    knobx_buf_free(&full);
}

/* A name the library, argv and JSON keep whole: not empty, at most SWEEP_MAX_NAME bytes
 * with the keys it is nested in. */
static int check_name(sweep_ctx *c, const yaml_node_t *k, const param_path *path)
{
    const char *name = sweep_scalar(k);
    size_t len = name ? k->data.scalar.length : 0;
    if (!name || !name[0])
        return sweep_errorf(c, k, "key 'parameters': names must be non-empty strings");
    for (size_t i = 0; i < path->n; i++)
        len += strlen(path->keys[i]) + 1;
    if (len > SWEEP_MAX_NAME)
        return sweep_errorf(c, k,
                            "key 'parameters': the name '%.60s%s' is %zu bytes long%s, at most %d",
                            name, strlen(name) > 60 ? "..." : "", len,
                            path->n ? " with the keys it is nested in" : "", SWEEP_MAX_NAME);
    if (c->sw->n_params >= SWEEP_MAX_PARAMS)
        return sweep_errorf(c, k, "key 'parameters': more than %d parameters", SWEEP_MAX_PARAMS);
    warn_name(c, k, path, name);
    return 0;
}

static int parse_level(sweep_ctx *c, const yaml_node_t *map, param_path *path)
{
    if (map->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, map, "key 'parameters': expected a mapping of names, got %s",
                            sweep_kind_name(map));
    if (map->data.mapping.pairs.start == map->data.mapping.pairs.top) {
        /* an empty group of nested parameters vanished without a word */
        if (!path->n)
            return sweep_errorf(c, map, "key 'parameters': empty (the sweep has no parameters)");
        char *name = join_path(path);
        int rc = sweep_errorf(c, map,
                              "key 'parameters.%s.parameters': empty (a group of nested "
                              "parameters holds one at least)",
                              name ? name : "?");
        free(name);
        return rc;
    }
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key);
        if (check_name(c, k, path))
            return -1;
        path->when[path->n] = NULL;
        path->keys[path->n++] = sweep_scalar(k);
        int rc = parse_param(c, path, sweep_node(c, kv->value));
        path->n--;
        if (rc)
            return -1;
    }
    return 0;
}

static int index_cmp(const void *a, const void *b)
{
    const sweep_param *x = *(sweep_param *const *)a, *y = *(sweep_param *const *)b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x > y) - (x < y);
}

/* Two params of one name: a dotted name ("a.b") and a nested one (a: {parameters: {b}}). */
static int check_collisions(sweep_ctx *c)
{
    sweep *sw = c->sw;
    sweep_param **sorted = malloc((sw->n_params ? sw->n_params : 1) * sizeof *sorted);
    const sweep_param *first = NULL, *again = NULL;
    if (!sorted)
        return sweep_errorf(c, NULL, "out of memory");
    for (size_t i = 0; i < sw->n_params; i++)
        sorted[i] = &sw->params[i];
    qsort(sorted, sw->n_params, sizeof *sorted, index_cmp);
    for (size_t i = 1; i < sw->n_params; i++)
        if (!strcmp(sorted[i]->name, sorted[i - 1]->name) && (!again || sorted[i] < again))
            first = sorted[i - 1], again = sorted[i];
    free(sorted);
    if (!again)
        return 0;
    return sweep_errorf_at(c, again->line, again->col,
                           "key 'parameters.%s': defined twice (first at line %d, column %d): "
                           "nested parameters are named outer.inner, like a name written with "
                           "dots",
                           again->name, first->line, first->col);
}

int sweep_parse_params(sweep_ctx *c, const yaml_node_t *map)
{
    param_path path = {.n = 0};
    return parse_level(c, map, &path) || check_collisions(c) ? -1 : sweep_resolve_conditions(c);
}

/* ---------------------------------------------------------------- grids */

/* The grid of an int_uniform, q_uniform or q_log_uniform_values param: lo + k step for k
 * in [k0, k1]; false for other forms. The checks of the bounds keep k within 2^53. */
static bool grid_range(const sweep_param *p, double *lo, double *step, long long *k0, long long *k1)
{
    if (p->kind == PK_INT_UNIFORM || p->kind == PK_Q_UNIFORM) {
        *step = p->kind == PK_Q_UNIFORM && p->has_q ? p->q : 1;
        *lo = p->min;
        *k0 = 0;
        *k1 = (long long)q_steps(p->min, p->max, *step);
        return true;
    }
    if (p->kind == PK_Q_LOG_UNIFORM_VALUES) {
        /* what random sampling can give: round(x / q) * q for x in [min, max] */
        *step = p->has_q ? p->q : 1;
        *lo = 0;
        /* Held within +-2^53, so that k1 - k0 + 1 cannot overflow (a max of 1e45 is a
         * grid far too large either way). */
        *k0 = (long long)fmax(-0x1p53, fmin(0x1p53, round(p->min / *step)));
        *k1 = (long long)fmax(-0x1p53, fmin(0x1p53, round(p->max / *step)));
        return true;
    }
    return false;
}

/* The point lo + k step, as the library makes a stepped float's points and the random
 * draw a q form's multiple (knobx_step_point): the double nearest that decimal (3 steps of 0.1
 * are 0.3, not 0.30000000000000004; 1700000000000001, an int of 16 digits, is itself). */
static double grid_point(double lo, double step, double k)
{
    return knobx_step_point(lo, step, k);
}

bool sweep_grid_nearest(const sweep_param *p, double x, double *near)
{
    double lo, step;
    long long k0, k1;
    if (!isfinite(x) || !grid_range(p, &lo, &step, &k0, &k1) || k1 < k0)
        return false;
    double k = fmin((double)k1, fmax((double)k0, round((x - lo) / step)));
    *near = grid_point(lo, step, k); /* as sweep_grid_numbers makes it */
    return true;
}

size_t sweep_grid_numbers(const sweep_param *p, double **out)
{
    double lo, step;
    long long k0, k1;
    *out = NULL;
    if (!grid_range(p, &lo, &step, &k0, &k1) || k1 - k0 + 1 > MAX_GRID_POINTS || k1 < k0)
        return 0;
    size_t n = (size_t)(k1 - k0 + 1);
    *out = malloc(n * sizeof **out);
    if (!*out)
        return 0;
    for (size_t i = 0; i < n; i++)
        (*out)[i] = grid_point(lo, step, (double)(k0 + (long long)i));
    return n;
}

static void add_choice(knobx_buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        knobx_json_add_string(b, c->str);
        break;
    case KNOB_CHOICE_NUMBER:
        knobx_json_add_number(b, c->num);
        break;
    case KNOB_CHOICE_BOOL:
        knobx_buf_puts(b, c->num != 0 ? "true" : "false");
        break;
    case KNOB_CHOICE_NULL:
        knobx_buf_puts(b, "null");
        break;
    }
}

int sweep_grid_values(const sweep_param *p, char **json)
{
    knobx_buf b = {0};
    size_t count = 0;
    knobx_buf_puts(&b, "[");
    if (p->kind == PK_CATEGORICAL) {
        for (; count < p->n_choices; count++) {
            knobx_buf_puts(&b, count ? "," : "");
            add_choice(&b, &p->choices[count]);
        }
    } else {
        double *x;
        count = sweep_grid_numbers(p, &x);
        for (size_t i = 0; i < count; i++) {
            knobx_buf_puts(&b, i ? "," : "");
            knobx_json_add_number(&b, x[i]);
        }
        free(x);
    }
    knobx_buf_puts(&b, "]");
    *json = count && !b.oom ? sweep_dup(knobx_buf_cstr(&b)) : NULL;
    knobx_buf_free(&b);
    return (int)count;
}

/* The grid's points as the grid sampler counts them (sweep_grid_space makes its
 * search_space), at most what it enumerates: refused here, at the key that chose the grid,
 * rather than at the first ask of a study already created. */
static int check_grid_points(const sweep_ctx *c)
{
    const sweep *sw = c->sw;
    char *json, count[64];
    double points;
    if (sweep_grid_space(sw, &json, &points))
        return -1;
    free(json);
    if (points <= KNOB_GRID_MAX_POINTS)
        return 0;
    snprintf(count, sizeof count, points < 1e18 ? "%.0f" : "%.3g", points);
    bool named = sw->sampler.name != NULL;
    return sweep_errorf(
        c, named ? c->sampler : c->method,
        "key '%s': %s grid enumerates at most %u points, and the parameters "
        "make %s%s; search them with a sampler that does not enumerate (%s), or give fewer "
        "values",
        named ? "sampler" : "method", named ? "sampler" : "method", KNOB_GRID_MAX_POINTS, count,
        sw->conditional ? " (the valid combinations of the conditional params)" : "",
        named ? "sampler random, tpe or qmc" : "method random or bayes");
}

int sweep_check_grid(const sweep_ctx *c)
{
    const sweep *sw = c->sw;
    const char *how = sweep_is_grid(sw) ? "method grid" : "sampler brute_force";
    for (size_t i = 0; i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        char *json;
        if (p->kind == PK_CONSTANT)
            continue;
        /* W&B refuses them in a grid ("probabilities ... disallowed in grid search"); in
         * the sweep stored with a study, which an older knob ran, a warning */
        if (sweep_is_grid(sw) && p->probs) {
            static const char why[] = "key 'parameters.%s.probabilities': method grid runs "
                                      "each value once, so probabilities mean nothing (W&B "
                                      "refuses them in a grid); remove them";
            if (!c->stored)
                return sweep_errorf_at(c, p->line, p->col, why, p->name);
            sweep_warnf(c, NULL, why, p->name);
        }
        /* a float whose low is its high is one value, which brute_force takes as it is */
        if (!sweep_is_grid(sw) && p->min == p->max &&
            (p->kind == PK_UNIFORM || p->kind == PK_LOG_UNIFORM || p->kind == PK_LOG_UNIFORM_VALUES))
            continue;
        /* a list of values counts as a range does (the sweep stored with a study, which
         * an older knob ran, keeps its list) */
        if (p->kind == PK_CATEGORICAL && p->n_choices > MAX_GRID_POINTS && !c->stored)
            return sweep_errorf_at(c, p->line, p->col,
                                   "key 'parameters.%s': %s enumerates at most %d "
                                   "values, got %zu",
                                   p->name, how, MAX_GRID_POINTS, p->n_choices);
        double lo, step;
        long long k0, k1;
        if (grid_range(p, &lo, &step, &k0, &k1) && k1 - k0 + 1 > MAX_GRID_POINTS)
            return sweep_errorf_at(c, p->line, p->col,
                                   "key 'parameters.%s': %s enumerates at most %d "
                                   "values, got %lld",
                                   p->name, how, MAX_GRID_POINTS, k1 - k0 + 1);
        if (!sweep_grid_values(p, &json))
            return sweep_errorf_at(c, p->line, p->col,
                                   "key 'parameters.%s': %s needs "
                                   "values to enumerate (values, value, int_uniform, q_uniform, "
                                   "q_log_uniform or q_log_uniform_values), got %s",
                                   p->name, how, kind_str(p));
        free(json);
    }
    return sweep_is_grid(sw) && !c->stored ? check_grid_points(c) : 0;
}
