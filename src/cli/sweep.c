/* Reading sweep files with libyaml: every error names the file, line, column, the key
 * path and what was expected. */
#include "cli/sweep.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct ctx {
    const char *path;
    yaml_document_t doc;
    sweep *sw;
} ctx;

static int errorf(const ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%lu:%lu: ", c->path, n ? (unsigned long)n->start_mark.line + 1 : 0ul,
            n ? (unsigned long)n->start_mark.column + 1 : 0ul);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static yaml_node_t *node(const ctx *c, int id)
{
    return yaml_document_get_node((yaml_document_t *)&c->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *kind_name(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    return n->type == YAML_SCALAR_NODE ? "a scalar" : n->type == YAML_SEQUENCE_NODE ? "a list"
                                                                                  : "a mapping";
}

static char *dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("knob: out of memory\n", stderr);
        exit(1);
    }
    return d;
}

static int get_string(const ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return errorf(c, n, "key '%s': expected a string, got %s", key, kind_name(n));
    free(*out);
    *out = dup(s);
    return 0;
}

static int get_number(const ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    char *end;
    if (!s)
        return errorf(c, n, "key '%s': expected a number, got %s", key, kind_name(n));
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return errorf(c, n, "key '%s': expected a number, got \"%s\"", key, s);
    *out = v;
    return 0;
}

static int get_int(const ctx *c, const yaml_node_t *n, const char *key, int64_t *out, int64_t lo)
{
    double v;
    if (get_number(c, n, key, &v))
        return -1;
    if (v != floor(v) || v < (double)lo || v > 9e15)
        return errorf(c, n, "key '%s': expected a whole number >= %lld, got %s", key,
                      (long long)lo, scalar(n));
    *out = (int64_t)v;
    return 0;
}

/* YAML plain scalars are typed (numbers, true/false, null); quoted ones are strings. */
static knob_choice to_choice(const yaml_node_t *n)
{
    const char *s = scalar(n);
    knob_choice ch = {KNOB_CHOICE_STRING, dup(s), 0};
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return ch;
    char *end;
    double v = strtod(s, &end);
    if (end != s && !*end && isfinite(v)) {
        ch.type = KNOB_CHOICE_NUMBER;
        ch.num = v;
    } else if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "false") ||
               !strcmp(s, "False")) {
        ch.type = KNOB_CHOICE_BOOL;
        ch.num = s[0] == 't' || s[0] == 'T';
    } else if (!strcmp(s, "null") || !strcmp(s, "~") || !strcmp(s, "None")) {
        ch.type = KNOB_CHOICE_NULL;
    }
    return ch;
}

/* The closest of `names` to `key`, when close enough to be a likely typo. */
static const char *closest(const char *key, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (; *names; names++) {
        size_t n = strlen(key), m = strlen(*names), row[64];
        if (n > 62 || m > 62)
            continue;
        for (size_t j = 0; j <= m; j++)
            row[j] = j;
        for (size_t i = 1; i <= n; i++) {
            size_t prev = row[0];
            row[0] = i;
            for (size_t j = 1; j <= m; j++) {
                size_t cur = row[j];
                size_t sub = prev + (key[i - 1] != (*names)[j - 1]);
                row[j] = sub < row[j] + 1 ? sub : row[j] + 1;
                if (row[j - 1] + 1 < row[j])
                    row[j] = row[j - 1] + 1;
                prev = cur;
            }
        }
        if (row[m] < best_d) {
            best_d = row[m];
            best = *names;
        }
    }
    return best;
}

static int unknown_key(const ctx *c, const yaml_node_t *k, const char *where,
                       const char *const *names)
{
    const char *near = closest(scalar(k), names);
    return errorf(c, k, "unknown key '%s'%s%s%s%s%s", scalar(k), where[0] ? " in " : "", where,
                  near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

/* ---------------------------------------------------------------- parameters */

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

static const char *const param_keys[] = {"values", "value", "distribution", "min", "max", "mu",
                                          "sigma", "q", "probabilities", "parameters", NULL};

static int parse_params(ctx *c, const yaml_node_t *map, const char *prefix);

static int read_values(ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start)
        return errorf(c, v, "key '%s': expected a non-empty list of values, got %s", key,
                      kind_name(v));
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    p->choices = calloc(n, sizeof *p->choices);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = node(c, v->data.sequence.items.start[i]);
        if (!scalar(item))
            return errorf(c, item, "key '%s': each value must be a scalar, got %s", key,
                          kind_name(item));
        p->choices[p->n_choices++] = to_choice(item);
    }
    return 0;
}

static int read_probs(ctx *c, sweep_param *p, const yaml_node_t *v, const char *key)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return errorf(c, v, "key '%s': expected a list of probabilities", key);
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    p->probs = calloc(n ? n : 1, sizeof *p->probs);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (get_number(c, node(c, v->data.sequence.items.start[i]), key, &p->probs[i]))
            return -1;
        if (p->probs[i] < 0)
            return errorf(c, v, "key '%s': probabilities must be >= 0", key);
        sum += p->probs[i];
    }
    if (fabs(sum - 1) > 1e-6)
        return errorf(c, v, "key '%s': probabilities must add up to 1, got %g", key, sum);
    if (n != p->n_choices)
        return errorf(c, v, "key '%s': %zu probabilities for %zu values", key, n, p->n_choices);
    return 0;
}

/* W&B's default distribution when none is given. */
static param_kind infer_kind(const sweep_param *p, bool has_values, bool has_value)
{
    if (has_values)
        return PK_CATEGORICAL;
    if (has_value)
        return PK_CONSTANT;
    if (p->has_min && p->has_max && p->min == floor(p->min) && p->max == floor(p->max))
        return PK_INT_UNIFORM;
    return PK_UNIFORM;
}

static int check_param(ctx *c, sweep_param *p, const yaml_node_t *n)
{
    const char *k = p->name;
    bool needs_range = p->kind == PK_INT_UNIFORM || p->kind == PK_UNIFORM ||
                       p->kind == PK_Q_UNIFORM || p->kind == PK_LOG_UNIFORM ||
                       p->kind == PK_LOG_UNIFORM_VALUES || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
                       p->kind == PK_INV_LOG_UNIFORM_VALUES;
    if (needs_range && (!p->has_min || !p->has_max))
        return errorf(c, n, "parameter '%s': this distribution needs min and max", k);
    if (needs_range && p->min > p->max)
        return errorf(c, n, "parameter '%s': min (%g) must be <= max (%g)", k, p->min, p->max);
    if ((p->kind == PK_LOG_UNIFORM_VALUES || p->kind == PK_Q_LOG_UNIFORM_VALUES ||
         p->kind == PK_INV_LOG_UNIFORM_VALUES) && p->min <= 0)
        return errorf(c, n, "parameter '%s': a log scale needs min > 0, got %g", k, p->min);
    if (p->kind == PK_INT_UNIFORM && (p->min != floor(p->min) || p->max != floor(p->max)))
        return errorf(c, n, "parameter '%s': int_uniform needs whole min and max", k);
    if ((p->kind == PK_CATEGORICAL) && !p->n_choices)
        return errorf(c, n, "parameter '%s': categorical needs values", k);
    if (p->kind == PK_CONSTANT && p->n_choices != 1)
        return errorf(c, n, "parameter '%s': constant needs one value", k);
    if (p->has_q && !(p->q > 0))
        return errorf(c, n, "parameter '%s': q must be > 0", k);
    if ((p->kind == PK_NORMAL || p->kind == PK_Q_NORMAL || p->kind == PK_LOG_NORMAL ||
         p->kind == PK_Q_LOG_NORMAL) && !(p->sigma > 0))
        return errorf(c, n, "parameter '%s': this distribution needs sigma > 0", k);
    if (p->probs && p->kind != PK_CATEGORICAL)
        return errorf(c, n, "parameter '%s': probabilities go with values", k);
    return 0;
}

static void param_free(sweep_param *p)
{
    for (size_t j = 0; j < p->n_choices; j++)
        free((char *)p->choices[j].str);
    free(p->choices);
    free(p->probs);
    free(p->name);
}

static int parse_param_into(ctx *c, const char *name, const yaml_node_t *map, sweep_param *p,
                            const yaml_node_t **nested);

static int parse_param(ctx *c, const char *name, const yaml_node_t *map)
{
    sweep_param p = {.sigma = 1};
    const yaml_node_t *nested = NULL;
    if (parse_param_into(c, name, map, &p, &nested)) {
        param_free(&p);
        return -1;
    }
    if (nested) {
        param_free(&p);
        if (nested->type != YAML_MAPPING_NODE)
            return errorf(c, nested, "parameter '%s': nested parameters must be a mapping", name);
        return parse_params(c, nested, name);
    }
    sweep *sw = c->sw;
    sw->params = realloc(sw->params, (sw->n_params + 1) * sizeof *sw->params);
    sw->params[sw->n_params++] = p;
    return 0;
}

static int parse_param_into(ctx *c, const char *name, const yaml_node_t *map, sweep_param *p,
                            const yaml_node_t **nested_out)
{
    if (map->type != YAML_MAPPING_NODE)
        return errorf(c, map, "parameter '%s': expected a mapping (values, distribution, min, "
                      "max, ...), got %s", name, kind_name(map));
    p->name = dup(name);
    p->line = (int)map->start_mark.line + 1;
    const yaml_node_t *dist = NULL, *values = NULL, *value = NULL, *probs = NULL, *nested = NULL;
    char key[512];
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++) {
        const yaml_node_t *k = node(c, kv->key), *v = node(c, kv->value);
        const char *ks = scalar(k);
        snprintf(key, sizeof key, "parameters.%s.%s", name, ks ? ks : "?");
        int rc = 0;
        if (!ks)
            rc = errorf(c, k, "parameter '%s': keys must be strings", name);
        else if (!strcmp(ks, "distribution"))
            dist = v;
        else if (!strcmp(ks, "values"))
            values = v;
        else if (!strcmp(ks, "value"))
            value = v;
        else if (!strcmp(ks, "probabilities"))
            probs = v;
        else if (!strcmp(ks, "parameters"))
            nested = v;
        else if (!strcmp(ks, "min"))
            rc = get_number(c, v, key, &p->min), p->has_min = true;
        else if (!strcmp(ks, "max"))
            rc = get_number(c, v, key, &p->max), p->has_max = true;
        else if (!strcmp(ks, "mu"))
            rc = get_number(c, v, key, &p->mu);
        else if (!strcmp(ks, "sigma"))
            rc = get_number(c, v, key, &p->sigma);
        else if (!strcmp(ks, "q"))
            rc = get_number(c, v, key, &p->q), p->has_q = true;
        else
            rc = unknown_key(c, k, key, param_keys);
        if (rc)
            return -1;
    }
    if (nested) {
        *nested_out = nested;
        return 0;
    }
    snprintf(key, sizeof key, "parameters.%s", name);
    if ((values && read_values(c, p, values, key)) ||
        (value && (!scalar(value) ? errorf(c, value, "key '%s.value': expected a scalar", key)
                                  : (p->choices = calloc(1, sizeof *p->choices),
                                     p->choices[0] = to_choice(value), p->n_choices = 1, 0))) ||
        (probs && read_probs(c, p, probs, key)))
        return -1;
    if (dist) {
        const char *d = scalar(dist);
        size_t i = 0, nk = sizeof kinds / sizeof *kinds;
        while (i < nk && (!d || strcmp(kinds[i].name, d)))
            i++;
        if (i == nk) {
            const char *names[sizeof kinds / sizeof *kinds + 1];
            for (size_t j = 0; j < nk; j++)
                names[j] = kinds[j].name;
            names[nk] = NULL;
            const char *near = d ? closest(d, names) : NULL;
            return errorf(c, dist, "key '%s.distribution': unknown distribution '%s'%s%s%s", key,
                          d ? d : "?", near ? "; did you mean '" : "", near ? near : "",
                          near ? "'" : "");
        }
        p->kind = kinds[i].kind;
    } else {
        if (!values && !value && !p->has_min && !p->has_max)
            return errorf(c, map, "parameter '%s': give values, value, or min and max", name);
        p->kind = infer_kind(p, values != NULL, value != NULL);
    }
    return check_param(c, p, map);
}

static int parse_params(ctx *c, const yaml_node_t *map, const char *prefix)
{
    if (map->type != YAML_MAPPING_NODE)
        return errorf(c, map, "key 'parameters': expected a mapping of names, got %s",
                      kind_name(map));
    for (yaml_node_pair_t *kv = map->data.mapping.pairs.start; kv < map->data.mapping.pairs.top;
         kv++) {
        const char *name = scalar(node(c, kv->key));
        char full[512];
        if (!name || !name[0])
            return errorf(c, node(c, kv->key), "key 'parameters': names must be strings");
        snprintf(full, sizeof full, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name);
        if (parse_param(c, full, node(c, kv->value)))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- top level */

static int parse_metric_into(ctx *c, const yaml_node_t *m, objective *o);

static int parse_metric(ctx *c, const yaml_node_t *m)
{
    objective o = {NULL, KNOB_MINIMIZE};
    if (parse_metric_into(c, m, &o)) {
        free(o.name);
        return -1;
    }
    sweep *sw = c->sw;
    sw->objectives = realloc(sw->objectives, (sw->n_objectives + 1) * sizeof *sw->objectives);
    sw->objectives[sw->n_objectives++] = o;
    return 0;
}

static int parse_metric_into(ctx *c, const yaml_node_t *m, objective *out)
{
    static const char *const keys[] = {"name", "goal", "target", NULL};
    sweep *sw = c->sw;
    if (m->type != YAML_MAPPING_NODE)
        return errorf(c, m, "key 'metric': expected a mapping with name and goal");
    objective *op = out, o = *out;
    for (yaml_node_pair_t *kv = m->data.mapping.pairs.start; kv < m->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = node(c, kv->key), *v = node(c, kv->value);
        const char *ks = scalar(k), *vs = scalar(v);
        if (ks && !strcmp(ks, "name")) {
            if (get_string(c, v, "metric.name", &o.name)) {
                *op = o;
                return -1;
            }
        } else if (ks && !strcmp(ks, "goal")) {
            *op = o;
            if (!vs || (strcmp(vs, "minimize") && strcmp(vs, "maximize")))
                return errorf(c, v, "key 'metric.goal': expected minimize or maximize, got %s",
                              vs ? vs : kind_name(v));
            o.goal = !strcmp(vs, "maximize") ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
            *op = o;
        } else if (ks && !strcmp(ks, "target")) {
            if (get_number(c, v, "metric.target", &sw->target))
                return -1;
            sw->has_target = true;
        } else {
            *op = o;
            return unknown_key(c, k, "metric", keys);
        }
        *op = o;
    }
    *op = o;
    if (!o.name)
        return errorf(c, m, "key 'metric': needs a name (the key the program prints)");
    return 0;
}

static int parse_objectives(ctx *c, const yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return errorf(c, list, "key 'objectives': expected a list of {name, goal}");
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top;
         it++)
        if (parse_metric(c, node(c, *it)))
            return -1;
    return 0;
}

/* sampler: NAME, or {name: NAME, options: {k: v}} (same for pruner). */
static int parse_plugin(ctx *c, const yaml_node_t *v, const char *key, char **name, char **opts)
{
    if (scalar(v))
        return get_string(c, v, key, name);
    if (v->type != YAML_MAPPING_NODE)
        return errorf(c, v, "key '%s': expected a name or {name, options}", key);
    knob__buf b = {0};
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = node(c, kv->key), *val = node(c, kv->value);
        const char *ks = scalar(k);
        if (ks && !strcmp(ks, "name")) {
            if (get_string(c, val, key, name))
                return -1;
        } else if (ks && !strcmp(ks, "options") && val->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *o = val->data.mapping.pairs.start;
                 o < val->data.mapping.pairs.top; o++) {
                const char *ok = scalar(node(c, o->key)), *ov = scalar(node(c, o->value));
                if (!ok || !ov)
                    return errorf(c, node(c, o->key), "key '%s.options': expected key: value "
                                  "pairs of scalars", key);
                knob__buf_printf(&b, "%s%s=%s", b.len ? "," : "", ok, ov);
            }
        } else {
            static const char *const keys[] = {"name", "options", NULL};
            knob__buf_free(&b);
            return ks && !strcmp(ks, "options")
                       ? errorf(c, val, "key '%s.options': expected a mapping", key)
                       : unknown_key(c, k, key, keys);
        }
    }
    if (!*name) {
        knob__buf_free(&b);
        return errorf(c, v, "key '%s': needs a name", key);
    }
    free(*opts);
    *opts = dup(knob__buf_cstr(&b));
    knob__buf_free(&b);
    return 0;
}

static int parse_early(ctx *c, const yaml_node_t *v)
{
    static const char *const keys[] = {"type", "min_iter", "max_iter", "s", "eta", "strict", NULL};
    sweep *sw = c->sw;
    if (v->type != YAML_MAPPING_NODE)
        return errorf(c, v, "key 'early_terminate': expected a mapping with type");
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = node(c, kv->key), *val = node(c, kv->value);
        const char *ks = scalar(k);
        int rc = 0;
        if (ks && !strcmp(ks, "type"))
            rc = get_string(c, val, "early_terminate.type", &sw->early_type);
        else if (ks && !strcmp(ks, "min_iter"))
            rc = get_int(c, val, "early_terminate.min_iter", &sw->early_min_iter, 1);
        else if (ks && !strcmp(ks, "max_iter"))
            rc = get_int(c, val, "early_terminate.max_iter", &sw->early_max_iter, 1);
        else if (ks && !strcmp(ks, "s"))
            rc = get_int(c, val, "early_terminate.s", &sw->early_s, 0);
        else if (ks && !strcmp(ks, "eta"))
            rc = get_int(c, val, "early_terminate.eta", &sw->early_eta, 2);
        else if (!(ks && !strcmp(ks, "strict")))
            rc = unknown_key(c, k, "early_terminate", keys);
        if (rc)
            return -1;
    }
    if (!sw->early_type || strcmp(sw->early_type, "hyperband"))
        return errorf(c, v, "key 'early_terminate.type': expected hyperband, got %s",
                      sw->early_type ? sw->early_type : "nothing");
    if (!sw->early_min_iter && !sw->early_max_iter)
        return errorf(c, v, "key 'early_terminate': hyperband needs min_iter or max_iter");
    return 0;
}

static int parse_command(ctx *c, const yaml_node_t *v)
{
    sweep *sw = c->sw;
    if (v->type != YAML_SEQUENCE_NODE)
        return errorf(c, v, "key 'command': expected a list of arguments");
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    sw->command = calloc(n + 1, sizeof *sw->command);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = node(c, v->data.sequence.items.start[i]);
        if (!scalar(item))
            return errorf(c, item, "key 'command': each argument must be a string");
        sw->command[sw->n_command++] = dup(scalar(item));
    }
    return 0;
}

static const char *const top_keys[] = {
    "program", "command", "method", "metric", "parameters", "run_cap", "early_terminate",
    "name", "description", "project", "entity", "storage", "study", "sampler", "pruner",
    "objectives", "parallel", "trial_timeout", "trials", "seed", "trial_dir", NULL};

static int parse_top(ctx *c, const yaml_node_t *k, const yaml_node_t *v)
{
    sweep *sw = c->sw;
    const char *ks = scalar(k);
    if (!ks)
        return errorf(c, k, "top-level keys must be strings");
    if (!strcmp(ks, "program"))
        return get_string(c, v, ks, &sw->program);
    if (!strcmp(ks, "command"))
        return parse_command(c, v);
    if (!strcmp(ks, "method")) {
        const char *m = scalar(v);
        if (!m || (strcmp(m, "grid") && strcmp(m, "random") && strcmp(m, "bayes")))
            return errorf(c, v, "key 'method': expected grid, random or bayes, got %s",
                          m ? m : kind_name(v));
        return get_string(c, v, ks, &sw->method);
    }
    if (!strcmp(ks, "metric"))
        return parse_metric(c, v);
    if (!strcmp(ks, "objectives"))
        return parse_objectives(c, v);
    if (!strcmp(ks, "parameters"))
        return parse_params(c, v, NULL);
    if (!strcmp(ks, "run_cap"))
        return get_int(c, v, ks, &sw->run_cap, 1);
    if (!strcmp(ks, "early_terminate"))
        return parse_early(c, v);
    if (!strcmp(ks, "storage"))
        return get_string(c, v, ks, &sw->storage);
    if (!strcmp(ks, "study") || !strcmp(ks, "name"))
        return sw->study && !strcmp(ks, "name") ? 0 : get_string(c, v, ks, &sw->study);
    if (!strcmp(ks, "trial_dir"))
        return get_string(c, v, ks, &sw->trial_dir);
    if (!strcmp(ks, "sampler"))
        return parse_plugin(c, v, ks, &sw->sampler, &sw->sampler_options);
    if (!strcmp(ks, "pruner"))
        return parse_plugin(c, v, ks, &sw->pruner, &sw->pruner_options);
    if (!strcmp(ks, "parallel"))
        return get_int(c, v, ks, &sw->parallel, 1);
    if (!strcmp(ks, "trials"))
        return get_int(c, v, ks, &sw->trials, 1);
    if (!strcmp(ks, "seed"))
        return (sw->has_seed = true, get_int(c, v, ks, &sw->seed, INT64_MIN / 2));
    if (!strcmp(ks, "trial_timeout"))
        return get_number(c, v, ks, &sw->trial_timeout);
    if (!strcmp(ks, "description") || !strcmp(ks, "project") || !strcmp(ks, "entity"))
        return 0;
    return unknown_key(c, k, "", top_keys);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    knob__buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        knob__buf_add(&b, chunk, n);
    fclose(f);
    char *text = dup(knob__buf_cstr(&b));
    knob__buf_free(&b);
    return text;
}

static int parse_text(ctx *c)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)c->sw->text,
                                 strlen(c->sw->text));
    if (!yaml_parser_load(&parser, &c->doc)) {
        fprintf(stderr, "%s:%lu:%lu: YAML error: %s%s%s\n", c->path,
                (unsigned long)parser.problem_mark.line + 1,
                (unsigned long)parser.problem_mark.column + 1,
                parser.problem ? parser.problem : "malformed", parser.context ? " " : "",
                parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_parser_delete(&parser);
    const yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    int rc = 0;
    if (!root || root->type != YAML_MAPPING_NODE)
        rc = errorf(c, root, "a sweep file is a mapping (program, parameters, metric, ...)");
    for (yaml_node_pair_t *kv = rc ? NULL : root->data.mapping.pairs.start;
         kv && kv < root->data.mapping.pairs.top && !rc; kv++)
        rc = parse_top(c, node(c, kv->key), node(c, kv->value));
    if (!rc && !c->sw->n_params)
        rc = errorf(c, root, "key 'parameters': the sweep has no parameters");
    if (!rc && !c->sw->n_objectives)
        rc = errorf(c, root, "key 'metric': missing (the name of the value the program prints, "
                    "and its goal)");
    if (!rc && !c->sw->program && !c->sw->command)
        rc = errorf(c, root, "key 'program': missing (or give a command)");
    yaml_document_delete(&c->doc);
    return rc;
}

int sweep_load(const char *path, sweep *out)
{
    memset(out, 0, sizeof *out);
    out->path = dup(path);
    out->text = read_file(path);
    if (!out->text) {
        fprintf(stderr, "knob: cannot read sweep file '%s': %s\n", path, strerror(errno));
        sweep_free(out);
        return -1;
    }
    ctx c = {.path = path, .sw = out};
    if (parse_text(&c)) {
        sweep_free(out);
        return -1;
    }
    if (!out->method)
        out->method = dup("bayes");
    return 0;
}

void sweep_free(sweep *sw)
{
    for (size_t i = 0; i < sw->n_params; i++) {
        sweep_param *p = &sw->params[i];
        for (size_t j = 0; j < p->n_choices; j++)
            free((char *)p->choices[j].str);
        free(p->choices);
        free(p->probs);
        free(p->name);
    }
    for (size_t i = 0; i < sw->n_command; i++)
        free(sw->command[i]);
    for (size_t i = 0; i < sw->n_objectives; i++)
        free(sw->objectives[i].name);
    free(sw->objectives);
    free(sw->command);
    free(sw->params);
    free(sw->path);
    free(sw->text);
    free(sw->program);
    free(sw->method);
    free(sw->storage);
    free(sw->study);
    free(sw->trial_dir);
    free(sw->sampler);
    free(sw->sampler_options);
    free(sw->pruner);
    free(sw->pruner_options);
    free(sw->early_type);
    memset(sw, 0, sizeof *sw);
}

static void add_choice(knob__buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING: knob__json_add_string(b, c->str); break;
    case KNOB_CHOICE_NUMBER: knob__json_add_number(b, c->num); break;
    case KNOB_CHOICE_BOOL: knob__buf_puts(b, c->num != 0 ? "true" : "false"); break;
    case KNOB_CHOICE_NULL: knob__buf_puts(b, "null"); break;
    }
}

int sweep_grid_values(const sweep_param *p, char **json)
{
    knob__buf b = {0};
    int count = 0;
    knob__buf_puts(&b, "[");
    if (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT) {
        for (size_t i = 0; i < p->n_choices; i++, count++) {
            if (i)
                knob__buf_puts(&b, ",");
            add_choice(&b, &p->choices[i]);
        }
    } else if (p->kind == PK_INT_UNIFORM || p->kind == PK_Q_UNIFORM) {
        double step = p->kind == PK_Q_UNIFORM ? (p->has_q ? p->q : 1) : 1;
        for (double x = p->min; x <= p->max + 1e-9 * step && count < 100000;
             count++, x = p->min + count * step)
            knob__buf_printf(&b, "%s%.15g", count ? "," : "", x);
    }
    knob__buf_puts(&b, "]");
    *json = count ? dup(knob__buf_cstr(&b)) : NULL;
    knob__buf_free(&b);
    return count;
}
