/* The `parameters` of a sweep file: every W&B form, nested parameters flattened to
 * "outer.inner", and the points of a grid. */
#include "cli/sweep_yaml.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRID_POINTS 100000

static const struct {
    const char *name;
    param_kind kind;
} kinds[] = {
    {"constant", PK_CONSTANT},
    {"categorical", PK_CATEGORICAL},
    {"int_uniform", PK_INT_UNIFORM},
    {"uniform", PK_UNIFORM},
    {"q_uniform", PK_Q_UNIFORM},
    {"log_uniform", PK_LOG_UNIFORM},
    {"log_uniform_values", PK_LOG_UNIFORM_VALUES},
    {"q_log_uniform_values", PK_Q_LOG_UNIFORM_VALUES},
    {"inv_log_uniform_values", PK_INV_LOG_UNIFORM_VALUES},
    {"normal", PK_NORMAL},
    {"q_normal", PK_Q_NORMAL},
    {"log_normal", PK_LOG_NORMAL},
    {"q_log_normal", PK_Q_LOG_NORMAL},
};
#define N_KINDS (sizeof kinds / sizeof *kinds)

static const char *const param_keys[] = {
    "values", "value", "distribution",  "min",        "max", "mu",
    "sigma",  "q",     "probabilities", "parameters", NULL};

/* The nodes of one parameter's mapping, before they are checked together. */
typedef struct param_nodes {
    const yaml_node_t *dist, *values, *value, *probs, *nested;
} param_nodes;

void sweep_param_free(sweep_param *p)
{
    for (size_t j = 0; j < p->n_choices; j++)
        free((char *)p->choices[j].str);
    free(p->choices);
    free(p->probs);
    free(p->name);
    memset(p, 0, sizeof *p);
}

static int read_values(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    size_t n = sweep_seq_len(v);
    if (!n)
        return sweep_errorf(c, v, "key '%s.values': expected a non-empty list of values, got %s",
                            key, sweep_kind_name(v));
    p->choices = calloc(n, sizeof *p->choices);
    if (!p->choices)
        return sweep_errorf(c, v, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = sweep_node(c, v->data.sequence.items.start[i]);
        if (!sweep_scalar(item))
            return sweep_errorf(c, item, "key '%s.values': each value must be a scalar, got %s",
                                key, sweep_kind_name(item));
        p->choices[p->n_choices++] = sweep_to_choice(item);
    }
    return 0;
}

static int read_value(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    if (!sweep_scalar(v))
        return sweep_errorf(c, v, "key '%s.value': expected a scalar, got %s", key,
                            sweep_kind_name(v));
    p->choices = calloc(1, sizeof *p->choices);
    if (!p->choices)
        return sweep_errorf(c, v, "out of memory");
    p->choices[0] = sweep_to_choice(v);
    p->n_choices = 1;
    return 0;
}

static int read_probs(sweep_ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    char k[600];
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
    if (fabs(sum - 1) > 1e-6)
        return sweep_errorf(c, v, "key '%s': probabilities must add up to 1, got %g", k, sum);
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

static const char *kind_str(param_kind k)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (kinds[i].kind == k)
            return kinds[i].name;
    return "?";
}

static int check_param(sweep_ctx *c, const sweep_param *p, const yaml_node_t *n)
{
    const char *k = p->name, *d = kind_str(p->kind);
    if (needs_range(p->kind) && (!p->has_min || !p->has_max))
        return sweep_errorf(c, n, "key 'parameters.%s': %s needs min and max", k, d);
    if (needs_range(p->kind) && p->min > p->max)
        return sweep_errorf(c, n, "key 'parameters.%s': min (%g) must be <= max (%g)", k, p->min,
                            p->max);
    if ((p->kind == PK_LOG_UNIFORM_VALUES || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
         p->kind == PK_INV_LOG_UNIFORM_VALUES) &&
        p->min <= 0)
        return sweep_errorf(c, n,
                            "key 'parameters.%s.min': expected a number > 0 (%s is on a "
                            "log scale), got %g",
                            k, d, p->min);
    if (p->kind == PK_INT_UNIFORM && (p->min != floor(p->min) || p->max != floor(p->max)))
        return sweep_errorf(c, n,
                            "key 'parameters.%s': int_uniform needs whole min and max, "
                            "got %g and %g",
                            k, p->min, p->max);
    if (p->kind == PK_CATEGORICAL && !p->n_choices)
        return sweep_errorf(c, n, "key 'parameters.%s': categorical needs values", k);
    if (p->kind == PK_CONSTANT && p->n_choices != 1)
        return sweep_errorf(c, n, "key 'parameters.%s': constant needs one value", k);
    if (p->has_q && !(p->q > 0))
        return sweep_errorf(c, n, "key 'parameters.%s.q': expected a number > 0, got %g", k, p->q);
    if (is_normal(p->kind) && !(p->sigma > 0))
        return sweep_errorf(c, n, "key 'parameters.%s.sigma': expected a number > 0, got %g", k,
                            p->sigma);
    if (p->probs && p->kind != PK_CATEGORICAL)
        return sweep_errorf(c, n, "key 'parameters.%s.probabilities': goes with values only", k);
    return 0;
}

/* A min or max: a number, and whether YAML wrote it as an integer ("3", not "3.0"). */
static int read_bound(sweep_ctx *c, const yaml_node_t *v, const char *key, double *out, bool *has,
                      bool *is_int)
{
    if (sweep_get_number(c, v, key, out))
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
    char key[600];
    snprintf(key, sizeof key, "parameters.%s.%s", p->name, ks ? ks : "?");
    if (!ks)
        return sweep_errorf(c, k, "key 'parameters.%s': keys must be strings", p->name);
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
    else if (!strcmp(ks, "min"))
        return read_bound(c, v, key, &p->min, &p->has_min, &p->min_int);
    else if (!strcmp(ks, "max"))
        return read_bound(c, v, key, &p->max, &p->has_max, &p->max_int);
    else if (!strcmp(ks, "mu"))
        return sweep_get_number(c, v, key, &p->mu);
    else if (!strcmp(ks, "sigma"))
        return sweep_get_number(c, v, key, &p->sigma);
    else if (!strcmp(ks, "q"))
        return (p->has_q = true, sweep_get_number(c, v, key, &p->q));
    else {
        snprintf(key, sizeof key, "parameters.%s", p->name);
        return sweep_unknown_key(c, k, key, param_keys);
    }
    return 0;
}

static int read_distribution(sweep_ctx *c, sweep_param *p, const yaml_node_t *dist)
{
    const char *d = sweep_scalar(dist);
    for (size_t i = 0; d && i < N_KINDS; i++) {
        if (!strcmp(kinds[i].name, d)) {
            p->kind = kinds[i].kind;
            return 0;
        }
    }
    const char *names[N_KINDS + 1];
    for (size_t j = 0; j < N_KINDS; j++)
        names[j] = kinds[j].name;
    names[N_KINDS] = NULL;
    const char *near = sweep_closest(d, names);
    return sweep_errorf(c, dist,
                        "key 'parameters.%s.distribution': unknown distribution "
                        "'%s'%s%s%s",
                        p->name, d ? d : sweep_kind_name(dist), near ? "; did you mean '" : "",
                        near ? near : "", near ? "'?" : "");
}

/* Reads one parameter's mapping into p; a nested `parameters` mapping goes to *nested. */
static int parse_param_into(sweep_ctx *c, const yaml_node_t *map, sweep_param *p,
                            const yaml_node_t **nested)
{
    param_nodes pn = {0};
    char key[600];
    snprintf(key, sizeof key, "parameters.%s", p->name);
    if (map->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, map,
                            "key '%s': expected a mapping (values, distribution, min, "
                            "max, ...), got %s",
                            key, sweep_kind_name(map));
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++)
        if (read_param_key(c, p, &pn, sweep_node(c, kv->key), sweep_node(c, kv->value)))
            return -1;
    if (pn.nested) {
        *nested = pn.nested;
        return 0;
    }
    if ((pn.values && read_values(c, p, pn.values, key)) ||
        (pn.value && !pn.values && read_value(c, p, pn.value, key)) ||
        (pn.probs && read_probs(c, p, pn.probs, key)))
        return -1;
    if (pn.dist)
        return read_distribution(c, p, pn.dist) ? -1 : check_param(c, p, map);
    if (!pn.values && !pn.value && !p->has_min && !p->has_max)
        return sweep_errorf(c, map, "key '%s': expected values, value, or min and max", key);
    p->kind = infer_kind(p, &pn);
    return check_param(c, p, map);
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

static int parse_param(sweep_ctx *c, const char *name, const yaml_node_t *map)
{
    sweep_param p = {.sigma = 1, .kind = PK_UNIFORM};
    const yaml_node_t *nested = NULL;
    p.name = sweep_dup(name);
    p.line = (int)map->start_mark.line + 1;
    p.col = (int)map->start_mark.column + 1;
    if (parse_param_into(c, map, &p, &nested)) {
        sweep_param_free(&p);
        return -1;
    }
    if (nested) {
        sweep_param_free(&p);
        if (nested->type != YAML_MAPPING_NODE)
            return sweep_errorf(c, nested,
                                "key 'parameters.%s.parameters': expected a mapping "
                                "of nested parameters, got %s",
                                name, sweep_kind_name(nested));
        return sweep_parse_params(c, nested, name);
    }
    if (add_param(c->sw, &p)) {
        sweep_param_free(&p);
        return sweep_errorf(c, map, "out of memory");
    }
    return 0;
}

int sweep_parse_params(sweep_ctx *c, const yaml_node_t *map, const char *prefix)
{
    if (map->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, map, "key 'parameters': expected a mapping of names, got %s",
                            sweep_kind_name(map));
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++) {
        const char *name = sweep_scalar(sweep_node(c, kv->key));
        char full[512];
        if (!name || !name[0])
            return sweep_errorf(c, sweep_node(c, kv->key),
                                "key 'parameters': names must be non-empty strings");
        snprintf(full, sizeof full, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name);
        for (size_t i = 0; i < c->sw->n_params; i++)
            if (!strcmp(c->sw->params[i].name, full))
                return sweep_errorf(c, sweep_node(c, kv->key),
                                    "key 'parameters.%s': defined "
                                    "twice",
                                    full);
        if (parse_param(c, full, sweep_node(c, kv->value)))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- grids */

size_t sweep_grid_numbers(const sweep_param *p, double **out)
{
    double lo, step;
    long long k0, k1;
    *out = NULL;
    if (p->kind == PK_INT_UNIFORM || p->kind == PK_Q_UNIFORM) {
        step = p->kind == PK_Q_UNIFORM && p->has_q ? p->q : 1;
        lo = p->min;
        k0 = 0;
        k1 = (long long)floor((p->max - p->min) / step + 1e-9);
    } else if (p->kind == PK_Q_LOG_UNIFORM_VALUES) {
        /* what random sampling can give: round(x / q) * q for x in [min, max] */
        step = p->has_q ? p->q : 1;
        lo = 0;
        k0 = llround(p->min / step);
        k1 = llround(p->max / step);
    } else {
        return 0;
    }
    if (k1 - k0 + 1 > MAX_GRID_POINTS || k1 < k0)
        return 0;
    size_t n = (size_t)(k1 - k0 + 1);
    *out = malloc(n * sizeof **out);
    if (!*out)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char text[40];
        snprintf(text, sizeof text, "%.15g", lo + (double)(k0 + (long long)i) * step);
        (*out)[i] = strtod(text, NULL);
    }
    return n;
}

static void add_choice(knob__buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        knob__json_add_string(b, c->str);
        break;
    case KNOB_CHOICE_NUMBER:
        knob__json_add_number(b, c->num);
        break;
    case KNOB_CHOICE_BOOL:
        knob__buf_puts(b, c->num != 0 ? "true" : "false");
        break;
    case KNOB_CHOICE_NULL:
        knob__buf_puts(b, "null");
        break;
    }
}

int sweep_grid_values(const sweep_param *p, char **json)
{
    knob__buf b = {0};
    size_t count = 0;
    knob__buf_puts(&b, "[");
    if (p->kind == PK_CATEGORICAL) {
        for (; count < p->n_choices; count++) {
            knob__buf_puts(&b, count ? "," : "");
            add_choice(&b, &p->choices[count]);
        }
    } else {
        double *x;
        count = sweep_grid_numbers(p, &x);
        for (size_t i = 0; i < count; i++) {
            knob__buf_puts(&b, i ? "," : "");
            knob__json_add_number(&b, x[i]);
        }
        free(x);
    }
    knob__buf_puts(&b, "]");
    *json = count && !b.oom ? sweep_dup(knob__buf_cstr(&b)) : NULL;
    knob__buf_free(&b);
    return (int)count;
}

int sweep_check_grid(const sweep_ctx *c)
{
    const sweep *sw = c->sw;
    for (size_t i = 0; i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        char *json;
        if (p->kind == PK_CONSTANT)
            continue;
        if (!sweep_grid_values(p, &json))
            return sweep_errorf_at(c, p->line, p->col,
                                   "key 'parameters.%s': method grid needs "
                                   "values to enumerate (values, value, int_uniform, q_uniform "
                                   "or q_log_uniform_values), got %s",
                                   p->name, kind_str(p->kind));
        free(json);
    }
    return 0;
}
