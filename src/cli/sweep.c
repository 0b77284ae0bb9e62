/* Reading sweep files with libyaml: W&B's keys and knob's own. Every error names the file,
 * line, column, the key path and what was expected. */
#include "cli/params.h"
#include "cli/records.h"
#include "cli/run.h"
#include "cli/sweep_yaml.h"
#include "util/json.h"
#include "util/num.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXACT_INT SWEEP_EXACT_INT

/* A metric's name must fit the key of a record, or no record could ever hold it. */
_Static_assert(SWEEP_MAX_METRIC < sizeof((record_field *)0)->key, "SWEEP_MAX_METRIC");

/* ---------------------------------------------------------------- metric, objectives */

/* W&B's metric.impute and metric.impute_while_running: the value its bayes search gives a
 * failed or running run. knob's samplers leave failed trials out and model running ones as
 * Optuna does, so the key is checked as W&B checks it and said to be ignored. */
static int check_impute(sweep_ctx *c, const char *key, const yaml_node_t *v, bool running)
{
    static const char *const words[] = {"latest", "best", "worst", "false", NULL};
    const char *vs = sweep_scalar(v);
    size_t n = running ? 4 : 3, i = 0;
    while (vs && i < n && strcmp(vs, words[i]))
        i++;
    if (!vs || i == n)
        return sweep_errorf(c, v, "key '%s': expected latest, best or worst%s, got %s%s%s", key,
                            running ? " (or false)" : "", vs ? "\"" : "",
                            vs ? vs : sweep_kind_name(v), vs ? "\"" : "");
    sweep_warnf(c, v, "key '%s': ignored: knob's samplers learn from finished trials only (%s)",
                key,
                running ? "a running trial is given no value"
                        : "a failed trial is left out, not given a value");
    return 0;
}

/* A metric's name that is empty or blank names nothing a program prints: every trial would
 * fail for its lack. */
static int blank_name(sweep_ctx *c, const yaml_node_t *v, const char *key, const char *name)
{
    if (name[strspn(name, " \t")])
        return 0;
    return sweep_errorf(c, v, "key '%s': empty (the key the program prints)", key);
}

static int parse_objective(sweep_ctx *c, const yaml_node_t *m, const char *where, objective *o)
{
    static const char *const keys[] = {"name", "goal", NULL};
    static const char *const metric_keys[] = {
        "name", "goal", "target", "impute", "impute_while_running", NULL};
    bool is_metric = !strcmp(where, "metric");
    char key[64];
    if (m->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, m, "key '%s': expected a mapping {name, goal}, got %s", where,
                            sweep_kind_name(m));
    for (yaml_node_pair_t *kv = m->data.mapping.pairs.start; kv < m->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key), *v = sweep_node(c, kv->value);
        const char *ks = sweep_scalar(k), *vs = sweep_scalar(v);
        snprintf(key, sizeof key, "%s.%s", where, ks ? ks : "?");
        if (ks && !strcmp(ks, "name")) {
            if (sweep_get_string(c, v, key, SWEEP_MAX_METRIC, &o->name) ||
                blank_name(c, v, key, o->name))
                return -1;
            if (is_metric) /* W&B's; objectives are knob's own */
                sweep_warn_not_string(c, v, key);
        } else if (ks && !strcmp(ks, "goal")) {
            if (!vs || (strcmp(vs, "minimize") && strcmp(vs, "maximize")))
                return sweep_errorf(c, v, "key '%s': expected minimize or maximize, got %s%s%s",
                                    key, vs ? "\"" : "", vs ? vs : sweep_kind_name(v),
                                    vs ? "\"" : "");
            o->goal = !strcmp(vs, "maximize") ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
        } else if (ks && !strcmp(ks, "target") && is_metric) {
            if (sweep_get_number(c, v, key, &c->sw->target))
                return -1;
            c->sw->has_target = true;
        } else if (ks && is_metric &&
                   (!strcmp(ks, "impute") || !strcmp(ks, "impute_while_running"))) {
            if (check_impute(c, key, v, !strcmp(ks, "impute_while_running")))
                return -1;
        } else if (ks && !is_metric &&
                   (!strcmp(ks, "target") || !strcmp(ks, "impute") ||
                    !strcmp(ks, "impute_while_running"))) {
            if (c->stored) { /* an older knob took it and ran without it */
                sweep_warnf(c, k, "key '%s': '%s' is a key of 'metric'; it is not applied", key,
                            ks);
                continue;
            }
            return sweep_errorf(c, k,
                                "key '%s': '%s' is a key of 'metric' (one objective); an "
                                "objective of several takes name and goal",
                                key, ks);
        } else {
            return sweep_unknown_key(c, k, where, is_metric ? metric_keys : keys);
        }
    }
    if (!o->name)
        return sweep_errorf(c, m, "key '%s.name': missing (the key the program prints)", where);
    return 0;
}

static int add_objective(sweep_ctx *c, const yaml_node_t *m, const char *where)
{
    objective o = {NULL, KNOB_MINIMIZE};
    sweep *sw = c->sw;
    if (parse_objective(c, m, where, &o)) {
        free(o.name);
        return -1;
    }
    for (size_t i = 0; i < sw->n_objectives; i++) {
        if (strcmp(sw->objectives[i].name, o.name))
            continue;
        sweep_errorf(c, m, "key '%s': objective '%s' is given twice (first as objectives[%zu])",
                     where, o.name, i);
        free(o.name);
        return -1;
    }
    objective *grown = realloc(sw->objectives, (sw->n_objectives + 1) * sizeof *grown);
    if (!grown) {
        free(o.name);
        return sweep_errorf(c, m, "out of memory");
    }
    sw->objectives = grown;
    sw->objectives[sw->n_objectives++] = o;
    return 0;
}

static int parse_objectives(sweep_ctx *c, const yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE || !sweep_seq_len(list))
        return sweep_errorf(c, list, "key 'objectives': expected a list of {name, goal}, got %s",
                            sweep_kind_name(list));
    for (size_t i = 0; i < sweep_seq_len(list); i++) {
        char where[40];
        snprintf(where, sizeof where, "objectives[%zu]", i);
        if (add_objective(c, sweep_node(c, list->data.sequence.items.start[i]), where))
            return -1;
    }
    c->sw->objectives_key = true;
    return 0;
}

/* `metric` is one objective, `objectives` several instead: given both, the metric would
 * silently be objective 0 of several. */
static int check_one_objective_key(sweep_ctx *c, const yaml_node_t *k, const yaml_node_t *other)
{
    if (!other)
        return 0;
    const char *ks = sweep_scalar(k), *os = sweep_scalar(other);
    return sweep_errorf(c, k,
                        "key '%s': 'metric' (one objective) and 'objectives' (several) are both "
                        "given ('%s' at line %lu, column %lu): list every objective under "
                        "'objectives'",
                        ks, os, (unsigned long)other->start_mark.line + 1,
                        (unsigned long)other->start_mark.column + 1);
}

/* ---------------------------------------------------------------- constraints */

static int parse_constraint(sweep_ctx *c, const yaml_node_t *m, const char *where,
                            sweep_constraint *o)
{
    static const char *const keys[] = {"name", "max", "min", NULL};
    char key[64];
    bool bound = false;
    if (m->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, m, "key '%s': expected a mapping {name, max} or {name, min}, got %s",
                            where, sweep_kind_name(m));
    for (yaml_node_pair_t *kv = m->data.mapping.pairs.start; kv < m->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key), *v = sweep_node(c, kv->value);
        const char *ks = sweep_scalar(k);
        snprintf(key, sizeof key, "%s.%s", where, ks ? ks : "?");
        if (ks && !strcmp(ks, "name")) {
            if (sweep_get_string(c, v, key, SWEEP_MAX_METRIC, &o->name) ||
                blank_name(c, v, key, o->name))
                return -1;
        } else if (ks && (!strcmp(ks, "max") || !strcmp(ks, "min"))) {
            if (bound)
                return sweep_errorf(c, k, "key '%s': a constraint has one bound, max or min", key);
            if (sweep_get_number(c, v, key, &o->bound))
                return -1;
            o->is_min = !strcmp(ks, "min");
            bound = true;
        } else {
            return sweep_unknown_key(c, k, where, keys);
        }
    }
    if (!o->name)
        return sweep_errorf(c, m, "key '%s.name': missing (the key the program prints)", where);
    if (!bound)
        return sweep_errorf(c, m, "key '%s': missing its bound, max or min", where);
    return 0;
}

static int parse_constraints(sweep_ctx *c, const yaml_node_t *list)
{
    sweep *sw = c->sw;
    size_t n = list->type == YAML_SEQUENCE_NODE ? sweep_seq_len(list) : 0;
    if (!n)
        return sweep_errorf(c, list,
                            "key 'constraints': expected a list of {name, max} or {name, min}, "
                            "got %s",
                            sweep_kind_name(list));
    if (n > SWEEP_MAX_CONSTRAINTS)
        return sweep_errorf(c, list, "key 'constraints': at most %d constraints, got %zu",
                            SWEEP_MAX_CONSTRAINTS, n);
    if (!(sw->constraints = calloc(n, sizeof *sw->constraints)))
        return sweep_errorf(c, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char where[40];
        snprintf(where, sizeof where, "constraints[%zu]", i);
        sw->n_constraints = i + 1;
        if (parse_constraint(c, sweep_node(c, list->data.sequence.items.start[i]), where,
                             &sw->constraints[i]))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- sampler, pruner */

/* The options go in with the creation, so that what a plugin's init reads is set. */
int sweep_make_sampler(const plugin_spec *ps, knob_sampler **out)
{
    return knob_sampler_create_pairs(ps->name, (const char *const *)ps->keys,
                                     (const char *const *)ps->values, ps->n, out);
}

int sweep_option_pairs(const plugin_spec *ps, size_t first, size_t n, const char *skip,
                       const char *cost, size_t room, const char ***keys, const char ***values,
                       size_t *m)
{
    *m = 0;
    *keys = calloc(n + room + 1, sizeof **keys);
    *values = calloc(n + room + 1, sizeof **values);
    if (!*keys || !*values) {
        free(*keys);
        free(*values);
        *keys = *values = NULL;
        return knob_set_error(KNOB_ENOMEM, "out of memory");
    }
    size_t prefix = skip && skip[0] && skip[strlen(skip) - 1] == '_' ? strlen(skip) : 0;
    for (size_t i = first; i < first + n; i++) /* no options: ps->keys may be NULL */
        if (!skip || (prefix ? strncmp(ps->keys[i], skip, prefix) : strcmp(ps->keys[i], skip))) {
            (*keys)[*m] = ps->keys[i];
            (*values)[(*m)++] = ps->values[i];
        }
    if (cost) {
        (*keys)[*m] = "cost";
        (*values)[(*m)++] = cost;
    }
    return KNOB_OK;
}

int sweep_make_pruner(const plugin_spec *ps, knob_pruner **out)
{
    return knob_pruner_create_pairs(ps->name, (const char *const *)ps->keys,
                                    (const char *const *)ps->values, ps->n, out);
}

/* An objective's index as the library reads an integer option (strtoll, whole), >= 0. */
static bool objective_index(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long k = strtoll(text, &end, 10);
    if (errno || end == text || *end || k < 0)
        return false;
    *out = k;
    return true;
}

int sweep_pruner_objective(const sweep *sw, size_t *out)
{
    int64_t k = 0;
    for (size_t i = 0; i < sw->pruner.n; i++)
        if (!strcmp(sw->pruner.keys[i], "objective") && !objective_index(sw->pruner.values[i], &k))
            return -1;
    if (sw->n_objectives && (uint64_t)k >= sw->n_objectives)
        return -1;
    *out = (size_t)k;
    return 0;
}

bool sweep_is_grid(const sweep *sw)
{
    if (sw->sampler.name)
        return !strcmp(sw->sampler.name, "grid");
    return sw->method && !strcmp(sw->method, "grid");
}

bool sweep_grid_in_product_order(const sweep *sw)
{
    if (sw->sampler.name) {
        const char *order = sweep_sampler_option(sw, "order");
        return !strcmp(sw->sampler.name, "grid") && order && !strcmp(order, "product");
    }
    return sw->method && !strcmp(sw->method, "grid");
}

bool sweep_enumerates(const sweep *sw)
{
    return sweep_is_grid(sw) || (sw->sampler.name && !strcmp(sw->sampler.name, "brute_force"));
}

/* The value of the top-level key, or NULL when the file has none. */
static const yaml_node_t *top_value(sweep_ctx *c, const char *key)
{
    yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = sweep_scalar(sweep_node(c, p->key));
        if (k && !strcmp(k, key))
            return sweep_node(c, p->value);
    }
    return NULL;
}

/* The file has the top-level key `key`. */
static bool has_top_key(sweep_ctx *c, const char *key)
{
    return top_value(c, key) != NULL;
}

/* Makes the sampler (key "sampler") or pruner of ps with the n options from `first`, and a
 * sampler with the option cost too when `cost` is not NULL (the key cost's, which the
 * sampler's cost_budget needs), and warm_start_study when `warm` is not NULL (the key
 * warm_start's study, which the sampler's other warm_start_* options need); returns the
 * library's status. */
static int make_plugin(const char *key, const plugin_spec *ps, size_t first, size_t n,
                       const char *cost, const char *warm)
{
    int rc;
    /* no options: no arrays (NULL + 0 is undefined) */
    const char *const *keys = ps->keys ? (const char *const *)ps->keys + first : NULL;
    const char *const *values = ps->values ? (const char *const *)ps->values + first : NULL;
    if (!strcmp(key, "sampler")) {
        const char **k, **v;
        size_t m;
        if ((rc = sweep_option_pairs(ps, first, n, NULL, cost, 1, &k, &v, &m)))
            return rc;
        if (warm) {
            k[m] = "warm_start_study";
            v[m++] = warm;
        }
        knob_sampler *s = NULL;
        rc = knob_sampler_create_pairs(ps->name, k, v, m, &s);
        knob_sampler_free(s);
        free(k);
        free(v);
    } else {
        knob_pruner *p = NULL;
        rc = knob_pruner_create_pairs(ps->name, keys, values, n, &p);
        knob_pruner_free(p);
    }
    return rc;
}

/* The type of the option `option` of the sampler (key "sampler") or pruner `name`; false
 * when it declares none of that name. */
static bool plugin_option_type(const char *key, const char *name, const char *option,
                               knob_opt_type *type)
{
    const knob_option *tables[256];
    size_t n = 0;
    if (!strcmp(key, "sampler") && !strcmp(option, "seed")) {
        *type = KNOB_OPT_INT;
        return true;
    }
    if (!strcmp(key, "sampler")) {
        const knob_sampler_plugin *list[256];
        size_t m = knob_sampler_list(list, 256);
        for (size_t i = 0; i < m && i < 256; i++)
            if (!strcmp(list[i]->name, name))
                tables[n++] = list[i]->options;
    } else {
        const knob_pruner_plugin *list[256];
        size_t m = knob_pruner_list(list, 256);
        for (size_t i = 0; i < m && i < 256; i++)
            if (!strcmp(list[i]->name, name))
                tables[n++] = list[i]->options;
    }
    for (size_t i = 0; i < n; i++)
        for (const knob_option *o = tables[i]; o && o->name; o++)
            if (!strcmp(o->name, option)) {
                *type = o->type;
                return true;
            }
    return false;
}

/* True when the sampler (key "sampler") or pruner `name` declares the option `option`. */
static bool plugin_declares(const char *key, const char *name, const char *option)
{
    knob_opt_type type;
    return plugin_option_type(key, name, option, &type);
}

/* For a name that no sampler (key "sampler") or pruner has, the one it is a typo of, as
 * for unknown keys; NULL for a registered name or none near it. */
static const char *plugin_closest(const char *key, const char *name)
{
    const char *names[257];
    size_t n;
    if (!strcmp(key, "sampler")) {
        const knob_sampler_plugin *list[256];
        n = knob_sampler_list(list, 256);
        for (size_t i = 0; i < n && i < 256; i++)
            names[i] = list[i]->name;
    } else {
        const knob_pruner_plugin *list[256];
        n = knob_pruner_list(list, 256);
        for (size_t i = 0; i < n && i < 256; i++)
            names[i] = list[i]->name;
    }
    names[n < 256 ? n : 256] = NULL;
    for (size_t i = 0; names[i]; i++)
        if (!strcmp(names[i], name))
            return NULL;
    return sweep_closest(name, names);
}

/* The key and value nodes of the i-th option of the mapping v's `options` (read_options
 * keeps them in the file's order); false when there is none. */
static bool option_nodes(sweep_ctx *c, const yaml_node_t *v, size_t i, const yaml_node_t **k,
                         const yaml_node_t **val)
{
    if (v->type != YAML_MAPPING_NODE)
        return false;
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const char *ks = sweep_scalar(sweep_node(c, kv->key));
        const yaml_node_t *o = sweep_node(c, kv->value);
        if (!ks || strcmp(ks, "options") || o->type != YAML_MAPPING_NODE ||
            i >= (size_t)(o->data.mapping.pairs.top - o->data.mapping.pairs.start))
            continue;
        *k = sweep_node(c, o->data.mapping.pairs.start[i].key);
        *val = sweep_node(c, o->data.mapping.pairs.start[i].value);
        return true;
    }
    return false;
}

/* The study the top-level key warm_start names (warm_start: NAME, or {study: NAME}), read
 * from the file as it stands (the key may come after the sampler's); NULL without the key,
 * "?" when it names none (parse_warm_start refuses it). */
static const char *key_warm_study(sweep_ctx *c)
{
    const yaml_node_t *w = top_value(c, "warm_start");
    if (!w)
        return NULL;
    if (sweep_scalar(w))
        return sweep_scalar(w)[0] ? sweep_scalar(w) : "?";
    for (yaml_node_pair_t *kv = w->type == YAML_MAPPING_NODE ? w->data.mapping.pairs.start : NULL;
         kv && kv < w->data.mapping.pairs.top; kv++) {
        const char *k = sweep_scalar(sweep_node(c, kv->key));
        const char *v = sweep_scalar(sweep_node(c, kv->value));
        if (k && v && !strcmp(k, "study"))
            return v;
    }
    return "?";
}

/* The sampler option that the library's refusal `msg` says acts only beside another, or
 * without it ("option 'beta' (3) acts only with acquisition=ucb"); ps->n when it names none. */
static size_t only_beside(const plugin_spec *ps, const char *msg)
{
    const char *acts = strstr(msg, ") acts only with");
    for (size_t i = 0; acts && i < ps->n; i++) {
        char named[SWEEP_MAX_NAME + 16];
        snprintf(named, sizeof named, "option '%s' (", ps->keys[i]);
        const char *at = strstr(msg, named);
        if (at && at < acts)
            return i;
    }
    return ps->n;
}

/* The default of the option `option` of the sampler `name`, as its table gives it ("" for
 * none). */
static const char *sampler_option_default(const char *name, const char *option)
{
    const knob_sampler_plugin *list[256];
    size_t n = knob_sampler_list(list, 256);
    for (size_t i = 0; i < n && i < 256; i++)
        for (const knob_option *o = list[i]->options; !strcmp(list[i]->name, name) && o && o->name;
             o++)
            if (!strcmp(o->name, option))
                return o->def ? o->def : "";
    return "";
}

/* An option that acts only beside another (gp's beta beside acquisition=ucb, the warm_start_*
 * options beside warm_start_study), set without it, is refused when the sampler is made: it
 * was taken and left unused without a word. A file's is refused at its line, naming the option
 * it needs; an older knob stored it with a study and ran without it: said, and set to its
 * default, so that the study runs as it ran. */
static int check_only_beside(sweep_ctx *c, const yaml_node_t *v, const plugin_spec *ps,
                             const char *cost, const char *warm)
{
    for (size_t tries = 0; tries <= ps->n; tries++) {
        if (!make_plugin("sampler", ps, 0, ps->n, cost, warm))
            return 0;
        size_t i = only_beside(ps, knob_errmsg());
        const yaml_node_t *k, *val;
        if (i == ps->n || !option_nodes(c, v, i, &k, &val))
            return 0;
        char *msg = sweep_dup(knob_errmsg());
        char *def = sweep_dup(sampler_option_default(ps->name, ps->keys[i]));
        int rc = 0;
        if (!msg || !def)
            rc = sweep_errorf(c, v, "out of memory");
        else if (!c->stored)
            rc = sweep_errorf(c, k, "key 'sampler.options.%s': %s", ps->keys[i], msg);
        else {
            sweep_warnf(c, k, "key 'sampler.options.%s': %s; it is not applied (as it was not)",
                        ps->keys[i], msg);
            free(ps->values[i]);
            ps->values[i] = def;
            def = NULL;
        }
        free(msg);
        free(def);
        if (rc)
            return rc;
    }
    return 0;
}

/* Creates the plugin once, so that a wrong name or option is reported at its line. But
 * an option that the key warm_start sets, beside the key: check_warm_start refuses it at
 * the key (made here, without the key's study, the sampler would say that
 * warm_start_first or warm_start_storage lacks one), and the sampler is checked once that
 * is mended. When the plugin is refused, the option that makes it refuse so, alone or
 * after the options before it, is the one at fault, and the error points at it (an unknown
 * option at its name, a wrong value at the value); a refusal that the plugin without
 * options gives (a wrong name) or that no option gives so points at the key. */
static int check_plugin(sweep_ctx *c, const yaml_node_t *v, const char *key, const plugin_spec *ps)
{
    /* a number option's digits grouped by underscores (n_startup_trials: 1_0), a number to
     * YAML 1.1 as at every other key: the library reads the digits alone */
    for (size_t i = 0; i < ps->n; i++) {
        const yaml_node_t *k, *val;
        knob_opt_type type;
        char *plain;
        if (plugin_option_type(key, ps->name, ps->keys[i], &type) &&
            (type == KNOB_OPT_INT || type == KNOB_OPT_DOUBLE) && option_nodes(c, v, i, &k, &val) &&
            (plain = sweep_ungrouped_number(val))) {
            free(ps->values[i]);
            ps->values[i] = plain;
        }
    }
    for (size_t i = 0; !strcmp(key, "sampler") && i < ps->n; i++)
        if ((!strcmp(ps->keys[i], "warm_start_study") ||
             !strcmp(ps->keys[i], "warm_start_storage") ||
             !strcmp(ps->keys[i], "warm_start_first")) &&
            has_top_key(c, "warm_start"))
            return 0;
    /* the key warm_start sets the sampler's warm_start_study, which its other warm_start_*
     * options need (the source is not opened when the sampler is made) */
    const char *warm = !strcmp(key, "sampler") && plugin_declares(key, ps->name, "warm_start_study")
                           ? key_warm_study(c)
                           : NULL;
    /* the key cost sets the sampler's option cost, which its cost_budget needs */
    const yaml_node_t *ck = top_value(c, "cost");
    const char *cost = ck && !strcmp(key, "sampler") && plugin_declares(key, ps->name, "cost")
                           ? sweep_scalar(ck)
                           : NULL;
    if (cost && !cost[0])
        cost = NULL;
    /* a cost_budget without cost is refused (the budget would be spent in nothing); an
     * older knob stored it and ran cost-blind, as the study goes on: said, not applied */
    for (size_t i = 0; c->stored && !cost && !strcmp(key, "sampler") && i < ps->n; i++) {
        const yaml_node_t *k, *val;
        char *zero = NULL;
        if (strcmp(ps->keys[i], "cost_budget") || !(strtod(ps->values[i], NULL) > 0) ||
            !(zero = sweep_dup("0")))
            continue;
        if (option_nodes(c, v, i, &k, &val))
            sweep_warnf(c, val,
                        "key 'sampler.options.cost_budget': set without 'cost'; it is not "
                        "applied (the search is cost-blind, as it was)");
        free(ps->values[i]);
        ps->values[i] = zero;
    }
    if (!strcmp(key, "sampler") && check_only_beside(c, v, ps, cost, warm))
        return -1;
    if (!make_plugin(key, ps, 0, ps->n, cost, warm))
        return 0;
    char *msg = sweep_dup(knob_errmsg());
    if (!msg)
        return sweep_errorf(c, v, "out of memory");
    /* the plugin without options refusing so: the name's fault, or the defaults' */
    bool base = make_plugin(key, ps, 0, 0, cost, warm) && !strcmp(knob_errmsg(), msg);
    const yaml_node_t *k, *val;
    /* an option alone, then the first options up to one (a value read beside those
     * before it: patient's wrapped_options by its wrapped pruner) */
    for (size_t j = 0; !base && j < 2 * ps->n; j++) {
        size_t i = j % ps->n;
        int rc = j < ps->n ? make_plugin(key, ps, i, 1, cost, warm)
                           : make_plugin(key, ps, 0, i + 1, cost, warm);
        if (!rc || strcmp(knob_errmsg(), msg) || !option_nodes(c, v, i, &k, &val))
            continue;
        rc = sweep_errorf(c, plugin_declares(key, ps->name, ps->keys[i]) ? val : k,
                          "key '%s.options.%s': %s", key, ps->keys[i], msg);
        free(msg);
        return rc;
    }
    const char *near = plugin_closest(key, ps->name);
    int rc = sweep_errorf(c, v, "key '%s': %s%s%s%s", key, msg, near ? "; did you mean '" : "",
                          near ? near : "", near ? "'?" : "");
    free(msg);
    return rc;
}

/* The sweep's objectives as a message lists them: 'loss' (0), 'acc' (1), the first 8. */
static void objectives_listed(const sweep *sw, knobx_buf *b)
{
    for (size_t i = 0; i < sw->n_objectives && i < 8; i++)
        knobx_buf_printf(b, "%s'%s' (%zu)", i ? ", " : "", sw->objectives[i].name, i);
    if (sw->n_objectives > 8)
        knobx_buf_printf(b, ", ... (%zu in all)", sw->n_objectives);
}

/* The pruner's option `objective` (node v) as the library reads it, into b: an objective's
 * index, or its name (`objective: acc`), as the index. The pruner key is read after the
 * objectives' (parse_text). A number is an index, also where it names another objective
 * (said in a warning). */
static int pruner_objective(sweep_ctx *c, const yaml_node_t *v, knobx_buf *b)
{
    const sweep *sw = c->sw;
    const char *text = sweep_scalar(v);
    int64_t k = -1;
    size_t named = text ? 0 : sw->n_objectives;
    c->pruner_objective = v;
    while (text && named < sw->n_objectives && strcmp(sw->objectives[named].name, text))
        named++;
    bool index = text && objective_index(text, &k);
    bool both =
        index && named < sw->n_objectives && (uint64_t)k < sw->n_objectives && named != (size_t)k;
    if (both) {
        /* a number is an index, quoted or not, as an older knob read it (and reads the sweep
         * stored with the study): the objective it names is reached by its own index */
        sweep_warnf(c, v,
                    "key 'pruner.options.objective': %s is read as the index of objective %lld "
                    "('%s'); for objective %zu, which it names, write %zu",
                    text, (long long)k, sw->objectives[k].name, named, named);
        knobx_buf_puts(b, text);
        return 0;
    }
    if (named < sw->n_objectives && !(index && (uint64_t)k < sw->n_objectives)) {
        knobx_buf_printf(b, "%zu", named); /* the pruner reads its index */
        return 0;
    }
    if (index) {
        knobx_buf_puts(b, text); /* past the objectives: check_sweep says so */
        return 0;
    }
    knobx_buf names = {0};
    objectives_listed(sw, &names);
    int rc = sweep_errorf(c, v,
                          "key 'pruner.options.objective': expected an objective's name or its "
                          "index (a whole number from 0), got %s%s%s",
                          text ? text : sweep_kind_name(v), names.len ? "; the objectives: " : "",
                          names.len && !names.oom ? knobx_buf_cstr(&names) : "");
    knobx_buf_free(&names);
    return rc;
}

static int add_option(plugin_spec *ps, const char *key, const char *value)
{
    char **k = realloc(ps->keys, (ps->n + 1) * sizeof *k);
    if (k)
        ps->keys = k;
    char **v = realloc(ps->values, (ps->n + 1) * sizeof *v);
    if (v)
        ps->values = v;
    if (!k || !v)
        return -1;
    ps->keys[ps->n] = sweep_dup(key);
    ps->values[ps->n++] = sweep_dup(value);
    return 0;
}

/* A patient pruner's wrapped_options written as YAML reads [k=v,k=v] unquoted: a list of
 * k=v, taken as the bracketed options string it reads as in the docs ("[k=v,k=v]"). An item
 * that is no k=v (a mapping, a number) is refused at it. */
static int wrapped_list(sweep_ctx *c, const yaml_node_t *list, knobx_buf *b)
{
    size_t n = sweep_seq_len(list);
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *it = sweep_node(c, list->data.sequence.items.start[i]);
        const char *text = sweep_scalar(it), *eq = text ? strchr(text, '=') : NULL;
        if (!eq || eq == text)
            return sweep_errorf(c, it,
                                "key 'pruner.options.wrapped_options': takes the options of the "
                                "wrapped pruner as [k=v, k=v] (or \"[k=v,k=v]\"); item %zu is %s",
                                i, text ? text : sweep_kind_name(it));
        knobx_buf_printf(b, "%s%s", i ? "," : "", text);
    }
    knobx_buf_puts(b, "]");
    return 0;
}

static int read_options(sweep_ctx *c, const yaml_node_t *val, const char *key, plugin_spec *ps)
{
    if (val->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, val, "key '%s.options': expected a mapping, got %s", key,
                            sweep_kind_name(val));
    for (yaml_node_pair_t *o = val->data.mapping.pairs.start; o < val->data.mapping.pairs.top;
         o++) {
        const char *ok = sweep_scalar(sweep_node(c, o->key));
        const yaml_node_t *ov = sweep_node(c, o->value);
        knobx_buf b = {0};
        if (!ok)
            return sweep_errorf(c, sweep_node(c, o->key),
                                "key '%s.options': option names are "
                                "strings",
                                key);
        if (sweep_check_length(c, sweep_node(c, o->key), "options", SWEEP_MAX_NAME) ||
            sweep_check_length(c, ov, ok, SWEEP_MAX_TEXT))
            return -1;
        /* before the pruner is made: its message would not point at the value */
        if (!strcmp(key, "pruner") && !strcmp(ok, "objective") && pruner_objective(c, ov, &b))
            return knobx_buf_free(&b), -1;
        if (!strcmp(key, "sampler") && !strcmp(ok, "warm_start_study")) {
            c->sw->opt_warm_line = (int)sweep_node(c, o->key)->start_mark.line + 1;
            c->sw->opt_warm_col = (int)sweep_node(c, o->key)->start_mark.column + 1;
        }
        if (sweep_scalar(ov)) {
            if (!b.len) /* else the objective's index, above */
                knobx_buf_puts(&b, sweep_scalar(ov));
        } else if (!strcmp(key, "pruner") && !strcmp(ok, "wrapped_options") &&
                   ov->type == YAML_SEQUENCE_NODE) {
            if (wrapped_list(c, ov, &b))
                return knobx_buf_free(&b), -1;
        } else
            sweep_node_json(c, ov, &b);
        int rc = b.oom || add_option(ps, ok, knobx_buf_cstr(&b));
        knobx_buf_free(&b);
        if (rc)
            return sweep_errorf(c, ov, "out of memory");
    }
    return 0;
}

/* sampler: NAME, or {name: NAME, options: {k: v}} (the same for pruner). */
static int parse_plugin(sweep_ctx *c, const yaml_node_t *v, const char *key, plugin_spec *ps)
{
    static const char *const keys[] = {"name", "options", NULL};
    int rc = 0;
    if (sweep_scalar(v)) {
        rc = sweep_get_string(c, v, key, SWEEP_MAX_NAME, &ps->name);
    } else if (v->type != YAML_MAPPING_NODE) {
        rc = sweep_errorf(c, v, "key '%s': expected a name or {name, options}, got %s", key,
                          sweep_kind_name(v));
    } else {
        for (yaml_node_pair_t *kv = v->data.mapping.pairs.start;
             !rc && kv < v->data.mapping.pairs.top; kv++) {
            const yaml_node_t *k = sweep_node(c, kv->key), *val = sweep_node(c, kv->value);
            const char *ks = sweep_scalar(k);
            if (ks && !strcmp(ks, "name"))
                rc = sweep_get_string(c, val, key, SWEEP_MAX_NAME, &ps->name);
            else if (ks && !strcmp(ks, "options"))
                rc = read_options(c, val, key, ps);
            else
                rc = sweep_unknown_key(c, k, key, keys);
        }
        if (!rc && !ps->name)
            rc = sweep_errorf(c, v, "key '%s.name': missing", key);
    }
    return rc ? rc : check_plugin(c, v, key, ps);
}

static void plugin_free(plugin_spec *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->keys[i]);
        free(ps->values[i]);
    }
    free(ps->keys);
    free(ps->values);
    free(ps->name);
    memset(ps, 0, sizeof *ps);
}

/* ---------------------------------------------------------------- early_terminate, command */

/* A whole number of early_terminate: written as a number, not a string ("3"), as W&B's
 * schema has them (a quoted number there is a mistake in the file, not a count). */
static int early_int(sweep_ctx *c, const yaml_node_t *val, const char *key, int64_t *out,
                     int64_t lo, int64_t hi)
{
    if (val->type == YAML_SCALAR_NODE && val->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sweep_errorf(c, val,
                            "key '%s': expected a whole number in [%lld, %lld], got the "
                            "string \"%s\"",
                            key, (long long)lo, (long long)hi, sweep_scalar(val));
    return sweep_get_int(c, val, key, out, lo, hi);
}

/* The nodes of early_terminate's values, for errors that weigh one against another. */
typedef struct early_nodes {
    const yaml_node_t *min_iter, *max_iter, *s, *eta;
} early_nodes;

static int early_key(sweep_ctx *c, const char *ks, const yaml_node_t *k, const yaml_node_t *val,
                     early_nodes *at)
{
    static const char *const keys[] = {"type", "min_iter", "max_iter", "s", "eta", "strict", NULL};
    sweep *sw = c->sw;
    if (ks && !strcmp(ks, "type"))
        return sweep_get_string(c, val, "early_terminate.type", SWEEP_MAX_NAME, &sw->early_type);
    if (ks && !strcmp(ks, "min_iter"))
        return (at->min_iter = val,
                early_int(c, val, "early_terminate.min_iter", &sw->early_min_iter, 1, EXACT_INT));
    if (ks && !strcmp(ks, "max_iter"))
        return (at->max_iter = val,
                early_int(c, val, "early_terminate.max_iter", &sw->early_max_iter, 1, EXACT_INT));
    /* s: 0 would be no bracket at all (it was read as "not given": 3) */
    if (ks && !strcmp(ks, "s"))
        return (at->s = val, early_int(c, val, "early_terminate.s", &sw->early_s, 1, 32));
    if (ks && !strcmp(ks, "eta"))
        return (at->eta = val, early_int(c, val, "early_terminate.eta", &sw->early_eta, 2, 1000));
    if (ks && !strcmp(ks, "strict")) {
        const char *b = sweep_scalar(val);
        bool quoted = b && val->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        if (!b || quoted || sweep_bool_word(b) < 0)
            return sweep_errorf(
                c, val, "key 'early_terminate.strict': expected true or false, got %s%s%s",
                quoted ? "the string \"" : "", b ? b : sweep_kind_name(val), quoted ? "\"" : "");
        sw->early_lenient = sweep_bool_word(b) == 0;
        return 0;
    }
    return sweep_unknown_key(c, k, "early_terminate", keys);
}

static int parse_early(sweep_ctx *c, const yaml_node_t *v)
{
    sweep *sw = c->sw;
    early_nodes at = {NULL, NULL, NULL, NULL};
    if (v->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, v, "key 'early_terminate': expected a mapping with type, got %s",
                            sweep_kind_name(v));
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key);
        if (early_key(c, sweep_scalar(k), k, sweep_node(c, kv->value), &at))
            return -1;
    }
    if (!sw->early_type || strcmp(sw->early_type, "hyperband"))
        return sweep_errorf(c, v, "key 'early_terminate.type': expected hyperband, got %s",
                            sw->early_type ? sw->early_type : "nothing");
    if (!sw->early_min_iter && !sw->early_max_iter)
        return sweep_errorf(c, v, "key 'early_terminate': hyperband needs min_iter or max_iter");
    /* made as knob run makes it, so that what the pruner refuses (a max_resource past
     * its bound) is refused here, not warned about and dropped when the run starts */
    knob_pruner *p = NULL;
    int rc = sweep_early_pruner(sw, &p);
    knob_pruner_free(p);
    if (rc && c->stored) { /* an older knob stored it, and ran without it: say so */
        sweep_warnf(c, v, "key 'early_terminate': %s; it is not applied", knob_errmsg());
        return 0;
    }
    return rc ? sweep_errorf(c, at.max_iter ? at.max_iter : v, "key 'early_terminate%s': %s",
                             at.max_iter ? ".max_iter" : "", knob_errmsg())
              : 0;
}

int sweep_early_pruner(const sweep *sw, knob_pruner **out)
{
    char opts[160];
    *out = NULL;
    snprintf(opts, sizeof opts, "min_iter=%lld,max_iter=%lld,s=%lld,eta=%lld,strict=%s",
             (long long)sw->early_min_iter, (long long)sw->early_max_iter,
             (long long)(sw->early_s ? sw->early_s : 3),
             (long long)(sw->early_eta ? sw->early_eta : 3), sw->early_lenient ? "false" : "true");
    return knob_pruner_create("wandb_hyperband", opts, out);
}

bool sweep_env_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

size_t sweep_envvar_at(const char *m, char *name, size_t n)
{
    const char *end = strncmp(m, "${envvar:", 9) ? NULL : strchr(m + 9, '}');
    size_t len = end ? (size_t)(end - m - 9) : 0;
    if (!len || len >= n)
        return 0;
    memcpy(name, m + 9, len);
    name[len] = '\0';
    return sweep_env_name(name) ? len + 10 : 0;
}

const char *sweep_env_missing(const sweep *sw, char *buf, size_t n, size_t *elem)
{
    for (size_t i = 0; i < sw->n_command; i++)
        for (const char *m = strstr(sw->command[i], "${envvar:"); m;
             m = strstr(m + 2, "${envvar:"))
            if (sweep_envvar_at(m, buf, n) && !getenv(buf)) {
                *elem = i;
                return buf;
            }
    return NULL;
}

/* The macros of a command element: the list macros stand alone as elements, the others may
 * also be part of one ("--config=${args_json}"). An element that is a whole ${name} of no
 * macro is a mistake (W&B drops it, knob would pass it as written); within a longer
 * element an unknown ${name} is passed as written, for a shell the command may run
 * (`sh -c "... ${HOME}"`). */
static int check_macros(sweep_ctx *c, const yaml_node_t *item, const char *key)
{
    static const char *const lists[] = {"args", "args_no_hyphens", "args_no_boolean_flags",
                                        "args_no_equals", NULL};
    static const char *const all[] = {"env",
                                      "interpreter",
                                      "program",
                                      "args",
                                      "args_no_hyphens",
                                      "args_no_boolean_flags",
                                      "args_no_equals",
                                      "args_json",
                                      "args_json_file",
                                      NULL};
    const char *elem = sweep_scalar(item);
    for (const char *m = strstr(elem, "${"); m; m = strstr(m + 2, "${")) {
        const char *end = strchr(m + 2, '}');
        char name[64];
        size_t len = end ? (size_t)(end - m - 2) : 0;
        if (!end || len >= sizeof name)
            continue; /* not a macro's shape: passed as it is */
        memcpy(name, m + 2, len);
        name[len] = '\0';
        if (!strcmp(name, "program") && !c->program_macro)
            c->program_macro = item;
        bool whole = m == elem && !end[1];
        if (!strncmp(name, "envvar:", 7)) { /* W&B's: the environment variable's value */
            if (!sweep_env_name(name + 7))
                return sweep_errorf(c, item,
                                    "key '%s': ${%s}: expected ${envvar:NAME}, NAME an "
                                    "environment variable's name (letters, digits, _)",
                                    key, name);
            continue;
        }
        size_t k = 0;
        while (all[k] && strcmp(all[k], name))
            k++;
        if (!all[k] && !whole)
            continue;
        if (!all[k]) {
            const char *near = sweep_closest(name, all);
            return sweep_errorf(c, item,
                                "key '%s': unknown macro '${%s}'%s%s%s (macros: ${env}, "
                                "${interpreter}, ${program}, ${args}, ${args_no_hyphens}, "
                                "${args_no_boolean_flags}, ${args_no_equals}, ${args_json}, "
                                "${args_json_file}, ${envvar:NAME}; "
                                "no shell runs the command)",
                                key, name, near ? "; did you mean '${" : "", near ? near : "",
                                near ? "}'?" : "");
        }
        for (size_t i = 0; lists[i] && !whole; i++)
            if (!strcmp(lists[i], name))
                return sweep_errorf(c, item,
                                    "key '%s': ${%s} is one argument per parameter, so it "
                                    "stands alone as an element, got \"%.60s\"",
                                    key, name, elem);
    }
    return 0;
}

/* The program to run, empty or blank, is no file: every trial would fail to start (exit
 * 127). In the sweep stored with a study, which an older knob took, a warning: knob ask and
 * knob tell run no program. */
static int blank_program(sweep_ctx *c, const yaml_node_t *v, const char *key, const char *s)
{
    static const char why[] = "key '%s': empty (the script or executable to run)%s";
    if (s[strspn(s, " \t")])
        return 0;
    if (!c->stored)
        return sweep_errorf(c, v, why, key, "");
    sweep_warnf(c, v, why, key, ": the command cannot run (knob ask and knob tell can)");
    return 0;
}

/* A macro of the params' arguments (${args}, ${args_json}, ...) where the program to run is:
 * every trial would run its first argument. Refused; in the sweep stored with a study, which
 * an older knob took, a warning, as blank_program's. */
static int args_macro(sweep_ctx *c, const yaml_node_t *v, const char *key)
{
    static const char why[] = "key '%s': %s stands where the program to run is (the first "
                              "element, or the first after ${env} and ${interpreter}): every "
                              "trial would run its first argument as a program";
    const char *s = sweep_scalar(v), *end = strchr(s, '}');
    if (strncmp(s, "${args", 6) || !end || end[1])
        return 0;
    if (!c->stored)
        return sweep_errorf(c, v, why, key, s);
    sweep_warnf(c, v, why, key, s);
    return 0;
}

/* Whether command element i is what runs: the first but ${env} and ${interpreter}, which
 * run the element after them (or vanish). */
static bool runs_element(const sweep *sw, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(sw->command[k], "${env}") && strcmp(sw->command[k], "${interpreter}"))
            return false;
    return true;
}

static int parse_command(sweep_ctx *c, const yaml_node_t *v)
{
    sweep *sw = c->sw;
    size_t n = sweep_seq_len(v);
    if (!n)
        return sweep_errorf(c, v, "key 'command': expected a non-empty list of arguments, got %s",
                            sweep_kind_name(v));
    sw->command = calloc(n + 1, sizeof *sw->command);
    sw->command_at = calloc(n, sizeof *sw->command_at);
    if (!sw->command || !sw->command_at)
        return sweep_errorf(c, v, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = sweep_node(c, v->data.sequence.items.start[i]);
        char key[40];
        snprintf(key, sizeof key, "command[%zu]", i);
        if (!sweep_scalar(item))
            return sweep_errorf(c, item,
                                "key '%s': expected a string, got %s (in a "
                                "flow list, quote macros: \"${args}\")",
                                key, sweep_kind_name(item));
        const yaml_node_t *had = c->program_macro;
        if (sweep_check_length(c, item, key, SWEEP_MAX_TEXT) || check_macros(c, item, key))
            return -1;
        if (!had && c->program_macro)
            c->program_macro_i = i;
        if (runs_element(sw, i) && blank_program(c, item, key, sweep_scalar(item)))
            return -1;
        if (runs_element(sw, i) && args_macro(c, item, key))
            return -1;
        sw->command_at[sw->n_command][0] = (int)item->start_mark.line + 1;
        sw->command_at[sw->n_command][1] = (int)item->start_mark.column + 1;
        sw->command[sw->n_command++] = sweep_dup(sweep_scalar(item));
    }
    return 0;
}

static int parse_method(sweep_ctx *c, const yaml_node_t *v)
{
    /* nsga2 and nsga3 are knob's own (W&B has no genetic method) */
    static const char *const methods[] = {"grid", "random", "bayes", "pbt", "nsga2", "nsga3", NULL};
    const char *m = sweep_scalar(v);
    size_t k = 0;
    while (m && methods[k] && strcmp(m, methods[k]))
        k++;
    if (m && !strcmp(m, "custom")) /* W&B's, for a scheduler's own search and `metrics` */
        return sweep_errorf(c, v,
                            "key 'method': custom is W&B's method for the search of a "
                            "scheduler (engine optuna or ax) and for several objectives "
                            "(`metrics`); knob searches with its own samplers: write "
                            "`objectives` (a list of {name, goal}, knob's key for several) "
                            "with method bayes, nsga2 or nsga3, or `sampler: NAME`");
    if (!m || !methods[k]) {
        const char *near = sweep_closest(m, methods);
        return sweep_errorf(c, v,
                            "key 'method': expected grid, random, bayes, pbt, nsga2 or nsga3, got "
                            "%s%s%s%s",
                            m ? m : sweep_kind_name(v), near ? "; did you mean '" : "",
                            near ? near : "", near ? "'?" : "");
    }
    c->sw->method_given = true;
    c->method = v;
    return sweep_get_string(c, v, "method", SWEEP_MAX_NAME, &c->sw->method);
}

/* ---------------------------------------------------------------- warm_start */

const char *sweep_sampler_option(const sweep *sw, const char *key)
{
    for (size_t i = 0; sw->sampler.name && i < sw->sampler.n; i++)
        if (!strcmp(sw->sampler.keys[i], key))
            return sw->sampler.values[i][0] ? sw->sampler.values[i] : NULL;
    return NULL;
}

bool sweep_sampler_has_option(const char *name, const char *option)
{
    const knob_sampler_plugin *list[256];
    size_t n = knob_sampler_list(list, 256);
    for (size_t i = 0; i < n && i < 256; i++) {
        if (strcmp(list[i]->name, name))
            continue;
        for (const knob_option *o = list[i]->options; o && o->name; o++)
            if (!strcmp(o->name, option))
                return true;
    }
    return false;
}

const char *sweep_samplers_with_option(const char *option, char buf[256])
{
    const knob_sampler_plugin *list[256];
    size_t n = knob_sampler_list(list, 256), used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && i < 256; i++) {
        if (!sweep_sampler_has_option(list[i]->name, option))
            continue;
        int k = snprintf(buf + used, 256 - used, "%s%s", used ? ", " : "", list[i]->name);
        if (k < 0 || used + (size_t)k >= 256) {
            buf[used] = 0; /* the names that fit */
            break;
        }
        used += (size_t)k;
    }
    return buf;
}

/* The source study's name under key `key`: neither empty nor YAML's null (a study named
 * "null" is written in quotes), so that both are errors of the file, at the value, before
 * any storage is opened. */
static int warm_name(sweep_ctx *c, const yaml_node_t *v, const char *key, char **out)
{
    if (sweep_get_string(c, v, key, SWEEP_MAX_NAME, out))
        return -1;
    knob_choice ch = sweep_to_choice(v);
    bool null = ch.type == KNOB_CHOICE_NULL;
    free((char *)ch.str);
    if (null || !(*out)[0])
        return sweep_errorf(c, v, "key '%s': expected a study's name, got %s", key,
                            null ? "null" : "an empty string");
    return 0;
}

/* warm_start: NAME, or {study: NAME, storage: URL, first: N}. */
static int parse_warm_start(sweep_ctx *c, const yaml_node_t *k, const yaml_node_t *v)
{
    static const char *const keys[] = {"study", "storage", "first", NULL};
    sweep *sw = c->sw;
    sw->warm_line = (int)k->start_mark.line + 1;
    sw->warm_col = (int)k->start_mark.column + 1;
    if (sweep_scalar(v))
        return warm_name(c, v, "warm_start", &sw->warm_study);
    if (v->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, v,
                            "key 'warm_start': expected a study's name or {study, storage}, "
                            "got %s",
                            sweep_kind_name(v));
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *kk = sweep_node(c, kv->key), *val = sweep_node(c, kv->value);
        const char *ks = sweep_scalar(kk);
        int rc;
        if (ks && !strcmp(ks, "study"))
            rc = warm_name(c, val, "warm_start.study", &sw->warm_study);
        else if (ks && !strcmp(ks, "storage")) {
            rc = sweep_get_string(c, val, "warm_start.storage", SWEEP_MAX_PATH, &sw->warm_storage);
            if (!rc && !sw->warm_storage[0])
                rc = sweep_errorf(c, val,
                                  "key 'warm_start.storage': expected a storage URL, got an "
                                  "empty string (leave the key out for this study's storage)");
        } else if (ks && !strcmp(ks, "first"))
            rc = (sw->has_warm_first = true,
                  sweep_get_int(c, val, "warm_start.first", &sw->warm_first, 0, 1000));
        else
            rc = sweep_unknown_key(c, kk, "warm_start", keys);
        if (rc)
            return rc;
    }
    if (!sw->warm_study)
        return sweep_errorf(c, v, "key 'warm_start.study': missing (the study to learn from)");
    return 0;
}

/* The cost key sets the sampler's option cost: one given beside it would be overridden
 * without a word (as warm_start's options are, refused there too). */
static int check_cost_key(sweep_ctx *c)
{
    const sweep *sw = c->sw;
    /* a sweep stored with a study by an older knob, which ran with the key's: read as it ran */
    for (size_t i = 0; sw->cost && sw->sampler.name && !c->stored && i < sw->sampler.n; i++)
        if (!strcmp(sw->sampler.keys[i], "cost")) /* its cost_budget goes with the key */
            return sweep_errorf_at(c, sw->cost_line, sw->cost_col,
                                   "key 'cost': the sampler's option 'cost' is set too; give "
                                   "the cost with the key alone (the sampler's cost_budget "
                                   "goes with it)");
    return 0;
}

/* The sampler's options that another key of the file sets when the sampler is made: the
 * top-level seed sets its seed, and a grid's search_space is made of the parameters' values
 * (common.c). Given beside that key, the option would be overridden without a word: it is
 * refused at its line, naming the key (as the sampler's cost beside the key cost is). A sweep
 * stored with a study by an older knob ran with the key's: read as it ran, and said. */
static int check_sampler_overrides(sweep_ctx *c)
{
    const sweep *sw = c->sw;
    const yaml_node_t *v = top_value(c, "sampler"), *seed = top_value(c, "seed");
    for (size_t i = 0; sw->sampler.name && v && i < sw->sampler.n; i++) {
        const char *o = sw->sampler.keys[i];
        bool by_seed = seed && !strcmp(o, "seed");
        bool by_grid = !strcmp(o, "search_space") && !strcmp(sw->sampler.name, "grid");
        const yaml_node_t *k, *val;
        if ((!by_seed && !by_grid) || !option_nodes(c, v, i, &k, &val))
            continue;
        if (c->stored) {
            sweep_warnf(c, k,
                        "key 'sampler.options.%s': set by the key '%s' too, whose value is "
                        "applied (as it was)",
                        o, by_seed ? "seed" : "parameters");
            continue;
        }
        if (by_seed)
            return sweep_errorf(c, k,
                                "key 'sampler.options.seed': the top-level key 'seed' (line "
                                "%d) sets the sampler's seed too, and would override it; give "
                                "the seed once",
                                (int)seed->start_mark.line + 1);
        return sweep_errorf(c, k,
                            "key 'sampler.options.search_space': a sweep's grid is made of the "
                            "values of the key 'parameters', which would override it; give "
                            "the points there (values: [...])");
    }
    return 0;
}

/* The sampler a warm start goes to, named in the file or chosen by a method other than
 * bayes, must take one (and its first trials, with `first`), so that the file is refused at
 * the key's line, before any storage is opened. bayes's auto and tpe take both; a build
 * without them falls back to random, which is refused when it is made. */
static int check_warm_start(sweep_ctx *c)
{
    const sweep *sw = c->sw;
    char which[256];
    if (!sw->warm_study)
        return 0;
    /* the key sets these options: one given beside it too would be overridden (or, with a
     * source that teaches nothing, read alone) without a word */
    for (size_t i = 0; sw->sampler.name && i < sw->sampler.n; i++)
        if (!strcmp(sw->sampler.keys[i], "warm_start_study") ||
            !strcmp(sw->sampler.keys[i], "warm_start_storage") ||
            !strcmp(sw->sampler.keys[i], "warm_start_first"))
            return sweep_errorf_at(c, sw->warm_line, sw->warm_col,
                                   "key 'warm_start': the sampler's option '%s' is set too, "
                                   "which the key sets; give it with the key alone (study, "
                                   "storage, first)",
                                   sw->sampler.keys[i]);
    if (!sw->sampler.name && (!sw->method || !strcmp(sw->method, "bayes")))
        return 0;
    const char *name = sw->sampler.name            ? sw->sampler.name
                       : strcmp(sw->method, "pbt") ? sw->method
                                                   : "random";
    if (!sweep_sampler_has_option(name, "warm_start_study")) {
        if (sw->sampler.name)
            return sweep_errorf_at(c, sw->warm_line, sw->warm_col,
                                   "key 'warm_start': sampler '%s' takes no warm start (it has "
                                   "no option warm_start_study)",
                                   name);
        return sweep_errorf_at(c, sw->warm_line, sw->warm_col,
                               "key 'warm_start': sampler '%s' (chosen by method %s) takes no "
                               "warm start; name one that does with the key 'sampler' (%s)",
                               name, sw->method,
                               sweep_samplers_with_option("warm_start_study", which));
    }
    if (sw->has_warm_first && !sweep_sampler_has_option(name, "warm_start_first"))
        return sweep_errorf_at(c, sw->warm_line, sw->warm_col,
                               "key 'warm_start.first': sampler '%s' takes no first trials "
                               "from its source (it has no option warm_start_first; %s do)",
                               name, sweep_samplers_with_option("warm_start_first", which));
    return 0;
}

/* ---------------------------------------------------------------- top level */

static const char *const top_keys[] = {
    "program",         "command",   "method",      "metric",     "parameters", "run_cap",
    "early_terminate", "name",      "description", "project",    "entity",     "storage",
    "study",           "sampler",   "pruner",      "objectives", "parallel",   "trial_timeout",
    "trials",          "seed",      "trial_dir",   "plugins",    "pbt",        "warm_start",
    "constraints",     "cost",      "controller",  "apiVersion", "kind",       "job",
    "image_uri",       "scheduler", "grace",       NULL};

/* W&B's `controller: {type: local}` (its older way to run the search on the agent's machine)
 * or `{type: cloud}` (on W&B's servers, its default): knob always runs the search where it
 * runs. Another type is refused, as W&B refuses it. */
static int check_controller(sweep_ctx *c, const yaml_node_t *v)
{
    const yaml_node_t *type = NULL;
    if (v->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top;
             kv++) {
            static const char *const keys[] = {"type", NULL};
            const yaml_node_t *k = sweep_node(c, kv->key);
            if (!sweep_scalar(k) || strcmp(sweep_scalar(k), "type"))
                return sweep_unknown_key(c, k, "controller", keys);
            type = sweep_node(c, kv->value);
        }
    const char *t = type ? sweep_scalar(type) : NULL;
    if (!t || (strcmp(t, "local") && strcmp(t, "cloud")))
        return sweep_errorf(c, type ? type : v,
                            "key 'controller': expected {type: local} or {type: cloud} (knob "
                            "runs the search where it runs), got %s%s%s",
                            t ? "\"" : "", t ? t : sweep_kind_name(type ? type : v), t ? "\"" : "");
    return 0;
}

/* A string of W&B's that knob has no use for (description, project, entity, apiVersion): a
 * list or mapping is a mistake (`project: [a, b]`: a sweep is of one project), refused at
 * its line as W&B refuses it; in a sweep an older knob stored, which took it, a warning. A
 * number or boolean is taken, and said (W&B refuses it). */
static int ignored_string(sweep_ctx *c, const char *ks, const yaml_node_t *v)
{
    if (sweep_scalar(v)) {
        sweep_warn_not_string(c, v, ks);
        return 0;
    }
    static const char why[] = "key '%s': expected a string, got %s (W&B's %s is one text)";
    if (!c->stored)
        return sweep_errorf(c, v, why, ks, sweep_kind_name(v), ks);
    sweep_warnf(c, v, why, ks, sweep_kind_name(v), ks);
    return 0;
}

/* W&B's keys that knob has no use for: `description`, `project`, `entity`, and
 * `apiVersion` and `kind: sweep` (the header of a sweep written as a resource) are
 * accepted; `job` and `image_uri` (W&B Launch's ways to run a trial) are ignored with a
 * warning, since knob runs `program` or `command`. */
static int parse_wandb_key(sweep_ctx *c, const char *ks, const yaml_node_t *v, bool *done)
{
    char *s = NULL;
    *done = true;
    if (!strcmp(ks, "apiVersion") || !strcmp(ks, "description") || !strcmp(ks, "project") ||
        !strcmp(ks, "entity"))
        return ignored_string(c, ks, v);
    if (!strcmp(ks, "kind")) {
        if (!sweep_scalar(v) || strcmp(sweep_scalar(v), "sweep"))
            return sweep_errorf(c, v, "key 'kind': expected sweep, got %s%s%s",
                                sweep_scalar(v) ? "\"" : "",
                                sweep_scalar(v) ? sweep_scalar(v) : sweep_kind_name(v),
                                sweep_scalar(v) ? "\"" : "");
        return 0;
    }
    if (!strcmp(ks, "job") || !strcmp(ks, "image_uri")) {
        if (sweep_get_string(c, v, ks, SWEEP_MAX_TEXT, &s))
            return -1;
        free(s);
        sweep_warnf(c, v,
                    "key '%s': ignored: it names what W&B Launch runs; knob runs the sweep's "
                    "program or command",
                    ks);
        return 0;
    }
    *done = false;
    return 0;
}

/* A name or path key's text (study, storage, trial_dir, program): YAML's null (null, ~) or
 * blank is none (trial_dir: ~ made a directory named '~' in the working directory, program:
 * null ran a program named null). Refused at the value; in a sweep an older knob stored, a
 * warning, and the value as it ran. */
static int name_key(sweep_ctx *c, const yaml_node_t *v, const char *ks, size_t max, char **out)
{
    if (sweep_get_string(c, v, ks, max, out))
        return -1;
    knob_choice ch = sweep_to_choice(v);
    bool null = ch.type == KNOB_CHOICE_NULL;
    free((char *)ch.str);
    if (!null && (*out)[strspn(*out, " \t")])
        return 0;
    static const char why[] = "key '%s': %s: expected a %s";
    const char *what = !strcmp(ks, "study")     ? "study's name"
                       : !strcmp(ks, "storage") ? "storage URL"
                       : !strcmp(ks, "program") ? "script or executable to run"
                                                : "directory";
    if (!c->stored)
        return sweep_errorf(c, v, why, ks, null ? "null" : "empty", what);
    sweep_warnf(c, v, why, ks, null ? "null" : "empty", what);
    return 0;
}

/* The top-level seed: an integer from -2^63 to 2^64 - 1, a negative one modulo 2^64, as
 * --seed and the sampler option take it; a whole number written otherwise (7.0, 1e3, "7")
 * within 2^53, as before. */
static int get_seed(const sweep_ctx *c, const yaml_node_t *v, uint64_t *out)
{
    const char *s = sweep_scalar(v);
    int bad = s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? knobx_parse_seed(s, out)
                                                                   : KNOBX_SEED_NOT_INT;
    if (bad == KNOBX_SEED_OUT_OF_RANGE)
        return sweep_errorf(
            c, v,
            "key 'seed': %s is out of range: a seed is an integer from " KNOBX_SEED_RANGE
            " (a negative one is taken modulo 2^64)",
            s);
    if (!bad)
        return 0;
    /* not an integer's digits: a number written otherwise (7.0, 1e3, "7") is taken while it
     * is whole and within 2^53, where a double holds it exactly; the message gives both */
    double d = 0;
    if (sweep_get_number(c, v, "seed", &d))
        return -1;
    if (d != floor(d) || fabs(d) > (double)EXACT_INT)
        return sweep_errorf(c, v,
                            "key 'seed': expected an integer from " KNOBX_SEED_RANGE
                            " (or a whole number written otherwise, as 7.0 or 1e3, within "
                            "2^53), got %s",
                            s ? s : sweep_kind_name(v));
    *out = (uint64_t)(int64_t)d;
    return 0;
}

/* Keys whose value is one scalar of the sweep. */
static int parse_scalar_key(sweep_ctx *c, const char *ks, const yaml_node_t *v, bool *done)
{
    sweep *sw = c->sw;
    *done = true;
    if (!strcmp(ks, "program")) {
        knob_choice ch = sweep_to_choice(v); /* null is no program: as a blank one */
        bool null = ch.type == KNOB_CHOICE_NULL;
        free((char *)ch.str);
        if (sweep_get_string(c, v, ks, SWEEP_MAX_PATH, &sw->program) ||
            blank_program(c, v, ks, null ? "" : sw->program))
            return -1;
        if (!null) /* null is said by blank_program */
            sweep_warn_not_string(c, v, ks);
        return 0;
    }
    if (!strcmp(ks, "run_cap"))
        return sweep_get_int(c, v, ks, &sw->run_cap, 1, EXACT_INT);
    if (!strcmp(ks, "storage"))
        return name_key(c, v, ks, SWEEP_MAX_PATH, &sw->storage);
    if (!strcmp(ks, "study"))
        return name_key(c, v, ks, SWEEP_MAX_NAME, &sw->study);
    if (!strcmp(ks, "name")) { /* W&B's sweep name: the study's, unless `study` says */
        if (sweep_get_string(c, v, ks, SWEEP_MAX_NAME, &sw->wandb_name))
            return -1;
        sweep_warn_not_string(c, v, ks);
        return 0;
    }
    if (!strcmp(ks, "trial_dir"))
        return name_key(c, v, ks, SWEEP_MAX_PATH, &sw->trial_dir);
    if (!strcmp(ks, "parallel"))
        return sweep_get_int(c, v, ks, &sw->parallel, 1, RUN_MAX_PARALLEL);
    if (!strcmp(ks, "trials"))
        return sweep_get_int(c, v, ks, &sw->trials, 1, EXACT_INT);
    if (!strcmp(ks, "seed"))
        return (sw->has_seed = true, get_seed(c, v, &sw->seed));
    if (!strcmp(ks, "trial_timeout"))
        return sweep_get_duration(c, v, ks, &sw->trial_timeout);
    if (!strcmp(ks, "grace")) {
        if (sweep_get_duration(c, v, ks, &sw->grace))
            return -1;
        if (sw->grace < 2 * CLI_HEARTBEAT)
            return sweep_errorf(c, v,
                                "key 'grace': at least %g s (two heartbeats: a trial's worker "
                                "beats every %g s), got %g s",
                                2 * CLI_HEARTBEAT, CLI_HEARTBEAT, sw->grace);
        return 0;
    }
    if (!strcmp(ks, "cost")) { /* duration, or a metric's name */
        if (sweep_get_string(c, v, ks, SWEEP_MAX_METRIC, &sw->cost))
            return -1;
        sw->cost_line = (int)v->start_mark.line + 1;
        sw->cost_col = (int)v->start_mark.column + 1;
        knob_choice ch = sweep_to_choice(v); /* null or ~: YAML's null, no metric's name */
        bool null = ch.type == KNOB_CHOICE_NULL;
        free((char *)ch.str);
        if ((null || !sw->cost[strspn(sw->cost, " \t")]) && !c->stored) /* every trial failed */
            return sweep_errorf(c, v,
                                "key 'cost': %s; expected duration or the name of a metric "
                                "the program prints",
                                null ? "null" : "empty");
        return 0;
    }
    if (!strcmp(ks, "plugins")) /* read first, by load_plugins */
        return 0;
    if (!strcmp(ks, "controller")) /* W&B's local controller: knob's always runs here */
        return check_controller(c, v);
    return parse_wandb_key(c, ks, v, done);
}

/* W&B's `scheduler: {engine: wandb}` is its built-in search, what `method` chooses: taken.
 * Its engines optuna and ax (with method: custom, and Python functions in `source`) are
 * refused, naming knob's samplers that do their search. */
static int parse_scheduler(sweep_ctx *c, const yaml_node_t *v)
{
    static const char *const keys[] = {"engine", "source", "optimizer", "search_space", NULL};
    const yaml_node_t *engine = NULL, *at[4] = {NULL};
    if (v->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, v, "key 'scheduler': expected a mapping {engine: wandb}, got %s",
                            sweep_kind_name(v));
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = sweep_node(c, kv->key);
        const char *ks = sweep_scalar(k);
        size_t i = 0;
        while (ks && keys[i] && strcmp(ks, keys[i]))
            i++;
        if (!ks || !keys[i])
            return sweep_unknown_key(c, k, "scheduler", keys);
        at[i] = k;
        if (i == 0)
            engine = sweep_node(c, kv->value);
    }
    const char *e = engine ? sweep_scalar(engine) : NULL;
    /* W&B's schema: optimizer and search_space name functions of the file `source` */
    for (int i = 2; e && !strcmp(e, "wandb") && !at[1] && i < 4; i++)
        if (at[i])
            sweep_warnf(c, at[i],
                        "key 'scheduler.%s': ignored, and without 'source' (the file of its "
                        "function) W&B refuses it",
                        keys[i]);
    if (e && !strcmp(e, "wandb"))
        return 0;
    if (e && (!strcmp(e, "optuna") || !strcmp(e, "ax")))
        return sweep_errorf(c, engine,
                            "key 'scheduler.engine': knob runs its own samplers, not %s's: "
                            "write `sampler: %s` (%s), with `method` one of knob's",
                            e, !strcmp(e, "optuna") ? "tpe" : "gp",
                            !strcmp(e, "optuna") ? "Optuna's default, TPE; nsga2 for several "
                                                   "objectives"
                                                 : "Bayesian optimization with a Gaussian "
                                                   "process, as Ax's");
    return sweep_errorf(c, engine ? engine : v,
                        "key 'scheduler.engine': expected wandb (optuna and ax are W&B's "
                        "others), got %s%s%s",
                        e ? "\"" : "", e ? e : sweep_kind_name(engine), e ? "\"" : "");
}

static int parse_top(sweep_ctx *c, const yaml_node_t *k, const yaml_node_t *v)
{
    sweep *sw = c->sw;
    const char *ks = sweep_scalar(k);
    bool done;
    if (!ks)
        return sweep_errorf(c, k, "top-level keys must be strings, got %s", sweep_kind_name(k));
    int rc = parse_scalar_key(c, ks, v, &done);
    if (done)
        return rc;
    if (!strcmp(ks, "command"))
        return parse_command(c, v);
    if (!strcmp(ks, "method"))
        return parse_method(c, v);
    if (!strcmp(ks, "metric")) {
        c->metric = k;
        return check_one_objective_key(c, k, c->objectives) || add_objective(c, v, "metric");
    }
    if (!strcmp(ks, "objectives")) {
        c->objectives = k;
        return check_one_objective_key(c, k, c->metric) || parse_objectives(c, v);
    }
    if (!strcmp(ks, "constraints"))
        return parse_constraints(c, v);
    if (!strcmp(ks, "parameters"))
        return sweep_parse_params(c, v);
    if (!strcmp(ks, "early_terminate"))
        return (c->early = k, parse_early(c, v));
    if (!strcmp(ks, "sampler"))
        return (c->sampler = k, parse_plugin(c, v, ks, &sw->sampler));
    if (!strcmp(ks, "pruner"))
        return (c->pruner = k, parse_plugin(c, v, ks, &sw->pruner));
    if (!strcmp(ks, "pbt"))
        return sweep_parse_pbt(c, v);
    if (!strcmp(ks, "warm_start"))
        return parse_warm_start(c, k, v);
    if (!strcmp(ks, "scheduler"))
        return parse_scheduler(c, v);
    if (!strcmp(ks, "metrics")) /* W&B's several objectives (with method: custom) */
        return sweep_errorf(c, k,
                            "key 'metrics': W&B's several objectives are knob's key "
                            "'objectives', a list of {name, goal} as well");
    return sweep_unknown_key(c, k, "", top_keys);
}

/* Samplers that search without values: a sweep without a metric may name them. */
static bool needs_no_values(const char *sampler)
{
    return !strcmp(sampler, "random") || !strcmp(sampler, "grid") || !strcmp(sampler, "qmc") ||
           !strcmp(sampler, "brute_force");
}

/* A sweep without a metric (W&B requires one only for bayes and early termination): a
 * search that learns nothing from values. */
static int check_no_metric(sweep_ctx *c, const yaml_node_t *root)
{
    sweep *sw = c->sw;
    const char *why = "(the name of the value the program prints, and its goal)";
    if (sw->early_type)
        return sweep_errorf(c, c->early,
                            "key 'early_terminate': stops trials by their metric, and key "
                            "'metric' is missing %s",
                            why);
    if (sw->pruner.name && strcmp(sw->pruner.name, "none"))
        return sweep_errorf(c, c->pruner,
                            "key 'pruner': %s stops trials by their metric, and key 'metric' "
                            "is missing %s",
                            sw->pruner.name, why);
    if (sw->sampler.name && !needs_no_values(sw->sampler.name))
        return sweep_errorf(c, c->sampler,
                            "key 'sampler': %s learns from the metric, and key 'metric' is "
                            "missing %s; random, grid and qmc search without one",
                            sw->sampler.name, why);
    if (!sw->sampler.name && sw->method && !strncmp(sw->method, "nsga", 4))
        return sweep_errorf(c, c->method,
                            "key 'metric': missing %s: method %s learns from it (or from "
                            "'objectives'); method random or grid searches without one",
                            why, sw->method);
    if (!sw->sampler.name && (!sw->method || !strcmp(sw->method, "bayes")))
        return sweep_errorf(c, sw->method ? c->method : root,
                            "key 'metric': missing %s: method bayes%s learns from it; method "
                            "random or grid searches without one",
                            why, sw->method ? "" : " (the default)");
    return 0;
}

/* The names in the sampler's option x0 (cmaes's initial mean) are params of the sweep:
 * one that is not (a misspelt name) is refused at the option's line, whatever the sampler's
 * startup (the dry asks of check_sampler_asks reach x0 only after it), with the param it is
 * a typo of. With every name a param, the sampler is told so (option x0_checked): a
 * conditional param that no trial has yet is then not taken for a misspelt one, and the run
 * goes on (it stopped at the first ask after a trial of the other branch); an x0_checked the
 * sweep gives is kept. A sweep stored with a study is not refused here; it gets x0_checked
 * only when every name is a param. */
static int check_x0_names(sweep_ctx *c)
{
    sweep *sw = c->sw;
    const char *x0 = sw->sampler.name ? sweep_sampler_option(sw, "x0") : NULL;
    if (!x0 || !sweep_sampler_has_option(sw->sampler.name, "x0_checked"))
        return 0;
    knobx_json *j = knobx_json_parse(x0, (size_t)-1, NULL, 0);
    if (!j || j->type != KNOBX_JSON_OBJECT) /* the sampler refuses it, at the option */
        return knobx_json_free(j), 0;
    const char **names = calloc(sw->n_params + 1, sizeof *names);
    if (!names)
        return knobx_json_free(j), sweep_errorf(c, c->sampler, "out of memory");
    for (size_t i = 0; i < sw->n_params; i++)
        names[i] = sw->params[i].name;
    const char *bad = NULL;
    size_t n = sw->sampler.n;
    bool constant = false; /* x0 names a constant ({value: 3}), which no trial searches */
    for (size_t i = 0; i < j->n && !bad; i++) {
        size_t k = 0;
        while (k < sw->n_params && strcmp(names[k], j->kids[i]->key))
            k++;
        if (k == sw->n_params)
            bad = j->kids[i]->key;
        else
            constant |= sw->params[k].kind == PK_CONSTANT;
    }
    int rc = 0;
    if (bad && !c->stored) {
        const yaml_node_t *v = top_value(c, "sampler"), *k, *val = NULL;
        for (size_t i = 0; v && i < n && !val; i++)
            if (!strcmp(sw->sampler.keys[i], "x0") && !option_nodes(c, v, i, &k, &val))
                val = NULL;
        const char *near = sweep_closest(bad, names);
        rc = sweep_errorf(c, val ? val : c->sampler,
                          "key 'sampler.options.x0': param '%.200s' is not a param of the "
                          "sweep%s%s%s",
                          bad, near ? "; did you mean '" : " (its key 'parameters')",
                          near ? near : "", near ? "'?" : "");
    } else if (!bad && !constant && /* a constant's name leaves cmaes its own check */
               !sweep_sampler_option(sw, "x0_checked") && /* the sweep's own kept */
               add_option(&sw->sampler, "x0_checked", "true"))
        rc = sweep_errorf(c, c->sampler, "out of memory");
    free(names);
    knobx_json_free(j);
    return rc;
}

/* The name of the scratch study check_sampler_asks asks in. */
#define SCRATCH "sweep sampler check"

/* The error of a sampler's dry ask, at the option the message names ("option 'x0': ...")
 * when the sweep gives it, else at the key. The sampler names the scratch study: the one
 * the command uses (--study, knob ask STUDY) is not known here, so the message says "the
 * sweep". */
static int dry_ask_error(sweep_ctx *c)
{
    const char *msg = knob_errmsg(), *at = strstr(msg, "study '" SCRATCH "'");
    knobx_buf b = {0};
    if (at) {
        knobx_buf_printf(&b, "%.*sthe sweep%s", (int)(at - msg), msg,
                         at + strlen("study '" SCRATCH "'"));
        msg = b.oom ? "out of memory" : knobx_buf_cstr(&b);
    }
    const sweep *sw = c->sw;
    const yaml_node_t *v = top_value(c, "sampler"), *k, *val;
    int rc = 0;
    for (size_t i = 0; !rc && v && i < sw->sampler.n; i++) {
        char named[160];
        snprintf(named, sizeof named, "option '%s'", sw->sampler.keys[i]);
        if (strstr(msg, named) && option_nodes(c, v, i, &k, &val))
            rc = sweep_errorf(c, val, "key 'sampler.options.%s': %s", sw->sampler.keys[i], msg);
    }
    if (!rc)
        rc = sweep_errorf(c, c->sampler, "key 'sampler': %s", msg);
    knobx_buf_free(&b);
    return rc;
}

/* A sampler the sweep names is asked twice in a study of the sweep's objectives in memory:
 * a first trial with every param of the sweep, a conditional one too (its value 0: so the
 * verdict is the same whichever branch a draw takes), then a second. An option that does
 * not fit the sweep is so refused at load (KNOB_EINVAL), with the error the study's first
 * asks would give after the study was created and a trial had run: cmaes's x0 naming a
 * param the sweep lacks or a value outside its range, gp's reference_point or nsga3's
 * reference_points of another count than the objectives. So is a sampler that optimizes one
 * objective named for several (KNOB_EUNSUPPORTED: evolution, smac, cmaes, gp with some
 * options). The source of a warm start is not opened here (the storage it names is left
 * out, and the study's own is empty): any failure but those two (a source not found) is the
 * first ask's to report. grid is not asked: knob run gives it its points after it is made
 * (without them it says it has no grid), and it searches any number of objectives. A sweep
 * without a metric is asked once: its sampler searches without values. */
static int check_sampler_asks(sweep_ctx *c)
{
    const sweep *sw = c->sw;
    if (!sw->sampler.name || c->stored || sweep_is_grid(sw) || sw->pbt)
        return 0;
    size_t m = 0;
    const char **keys, **values;
    knob_direction dirs[SWEEP_MAX_OBJECTIVES];
    double zeros[SWEEP_MAX_OBJECTIVES] = {0};
    knob_storage *st = NULL;
    knob_study *s = NULL;
    knob_sampler *smp = NULL;
    const char *cost = sweep_sampler_has_option(sw->sampler.name, "cost") ? sw->cost : NULL;
    /* beside the key warm_start, the sampler's other warm_start_* options act with the key's
     * study, which is not read here: they are left out as the study is */
    int rc = sweep_option_pairs(&sw->sampler, 0, sw->sampler.n,
                                sw->warm_study ? "warm_start_" : "warm_start_storage", cost, 0,
                                &keys, &values, &m);
    size_t n_obj =
        sw->n_objectives < SWEEP_MAX_OBJECTIVES ? sw->n_objectives : SWEEP_MAX_OBJECTIVES;
    for (size_t i = 0; i < n_obj; i++)
        dirs[i] = sw->objectives[i].goal;
    if (!rc)
        rc = knob_sampler_create_pairs(sw->sampler.name, keys, values, m, &smp);
    /* x0 is checked at the first ask after the startup trials: the second ask reaches it
     * whatever n_startup_trials the sweep gives (with 3 it was the run's fourth trial that
     * refused an x0 outside its range) */
    if (!rc && sweep_sampler_option(sw, "x0") &&
        sweep_sampler_has_option(sw->sampler.name, "n_startup_trials"))
        rc = knob_sampler_set_option(smp, "n_startup_trials", "1");
    if (!rc && !(rc = knob_storage_open("memory:", &st))) {
        knob_study_options o = {.directions = n_obj ? dirs : NULL, .n_objectives = n_obj};
        o.sampler = smp;
        smp = NULL;
        rc = knob_study_create(st, SCRATCH, &o, &s);
    }
    for (int round = 0; !rc && round < (n_obj ? 2 : 1); round++) {
        knob_trial *t = NULL;
        trial_params tp = {0};
        rc = knob_study_ask(s, &t);
        if (!rc)
            rc = params_suggest_status(sw, t, sweep_enumerates(sw), true, &tp);
        params_free(&tp);
        /* a study without a metric holds one objective (the library's default): a count of 0
         * values would be refused, and its trial left unfreed */
        if (t)
            knob_study_tell(s, t, rc || round ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE,
                            rc || round ? NULL : zeros,
                            rc || round ? 0
                            : n_obj     ? n_obj
                                        : 1);
    }
    bool refused = rc == KNOB_EUNSUPPORTED || rc == KNOB_EINVAL;
    if (refused)
        dry_ask_error(c);
    knob_sampler_free(smp);
    knob_study_free(s);
    knob_storage_close(st);
    free(keys);
    free(values);
    return refused ? -1 : 0;
}
#undef SCRATCH

/* What the whole file needs once every key is read. */
/* W&B's scheduler does its own search and stopping: W&B refuses it beside early_terminate
 * and beside its local controller. knob takes {engine: wandb} as W&B's built-in search and
 * ignores the controller, so both run; said, as W&B refuses the sweep. */
static void check_scheduler(sweep_ctx *c)
{
    const yaml_node_t *sched = top_value(c, "scheduler"), *ctl = top_value(c, "controller");
    if (!sched)
        return;
    if (c->early)
        sweep_warnf(c, c->early,
                    "key 'early_terminate': beside 'scheduler', W&B refuses it (its scheduler "
                    "stops runs itself); knob stops trials by early_terminate");
    const yaml_node_t *type = NULL;
    bool map = ctl && ctl->type == YAML_MAPPING_NODE;
    for (yaml_node_pair_t *kv = map ? ctl->data.mapping.pairs.start : NULL;
         kv && kv < ctl->data.mapping.pairs.top; kv++)
        type = sweep_node(c, kv->value); /* check_controller left type as the only key */
    if (type && sweep_scalar(type) && !strcmp(sweep_scalar(type), "local"))
        sweep_warnf(c, type,
                    "key 'controller.type': local beside 'scheduler', W&B refuses it (use one "
                    "or the other); knob ignores the controller");
}

static int check_sweep(sweep_ctx *c, const yaml_node_t *root)
{
    sweep *sw = c->sw;
    if (!sw->n_params)
        return sweep_errorf(c, root, "key 'parameters': missing (the sweep has no parameters)");
    if (sw->grace > 0 && sw->pbt)
        return sweep_errorf(c, root,
                            "key 'grace': a PBT sweep takes its own, pbt.grace (set that one)");
    if (!sw->n_objectives && check_no_metric(c, root))
        return -1;
    if (!sw->n_objectives && sw->n_constraints)
        return sweep_errorf(c, root,
                            "key 'constraints': a sweep without a metric has no best "
                            "trial to constrain");
    if (sweep_check_pbt(c, root) || check_warm_start(c) || check_cost_key(c) ||
        check_sampler_overrides(c))
        return -1;
    if (sw->n_objectives > SWEEP_MAX_OBJECTIVES)
        return sweep_errorf(c, root, "key 'objectives': at most %d objectives, got %zu",
                            SWEEP_MAX_OBJECTIVES, sw->n_objectives);
    /* the records report the metric of the objective the pruner reads */
    size_t k;
    if (sweep_pruner_objective(sw, &k)) {
        knobx_buf names = {0};
        objectives_listed(sw, &names);
        int rc = sweep_errorf(
            c, c->pruner_objective ? c->pruner_objective : c->pruner,
            "key 'pruner': option objective=%s, but the sweep has %zu objective(s), numbered "
            "from 0: %s",
            sweep_scalar(c->pruner_objective) ? sweep_scalar(c->pruner_objective) : "?",
            sw->n_objectives, names.len && !names.oom ? knobx_buf_cstr(&names) : "");
        knobx_buf_free(&names);
        return rc;
    }
    if (sweep_enumerates(sw) && sweep_check_grid(c))
        return -1;
    check_scheduler(c);
    if (check_x0_names(c))
        return -1;
    return check_sampler_asks(c);
}

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISFIFO(m))
        return "a FIFO";
    return S_ISSOCK(m) ? "a socket" : "not a file";
}

/* Up to SWEEP_MAX_FILE + 1 bytes of fd (it may have grown since fstat), NUL-terminated;
 * NULL on a read error. */
static char *read_all(int fd, size_t *len)
{
    size_t cap = 0;
    char *text = NULL;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            if (cap > SWEEP_MAX_FILE)
                break;
            cap = cap ? cap * 2 : 8192;
            cap = cap > SWEEP_MAX_FILE + 1 ? SWEEP_MAX_FILE + 1 : cap;
            char *grown = realloc(text, cap + 1);
            if (!grown) {
                free(text);
                return NULL;
            }
            text = grown;
        }
        ssize_t n = read(fd, text + *len, cap - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(text);
            return NULL;
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }
    if (text)
        text[*len] = 0;
    return text;
}

/* The text of a sweep file: a regular file of at most SWEEP_MAX_FILE bytes, no NUL in it.
 * NULL after printing why. */
static char *read_file(const char *path)
{
    struct stat st;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
    char *text = NULL;
    if (fd < 0 || fstat(fd, &st)) {
        fprintf(stderr, "knob: cannot read sweep file '%s': %s\n", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "knob: sweep file '%s': not a regular file (%s)\n", path,
                file_kind(st.st_mode));
    } else if (st.st_size > SWEEP_MAX_FILE || !(text = read_all(fd, &len)) ||
               len > SWEEP_MAX_FILE) {
        if (st.st_size > SWEEP_MAX_FILE || text)
            fprintf(stderr, "knob: sweep file '%s': larger than %d MiB\n", path,
                    SWEEP_MAX_FILE >> 20);
        else
            fprintf(stderr, "knob: cannot read sweep file '%s': %s\n", path, strerror(errno));
        free(text);
        text = NULL;
    } else if (memchr(text, 0, len)) {
        const char *nul = memchr(text, 0, len), *line = text;
        int lines = 1;
        for (const char *q = text; q < nul; q++)
            if (*q == '\n')
                lines++, line = q + 1;
        fprintf(stderr, "%s:%d:%d: the file holds a NUL byte\n", path, lines,
                (int)(nul - line) + 1);
        free(text);
        text = NULL;
    }
    if (fd >= 0)
        close(fd);
    return text;
}

/* A relative plugin path is taken from the sweep file's directory, or else from the
 * working directory (a worker reading the sweep stored with its study). */
static char *plugin_path(const sweep_ctx *c, const char *given)
{
    const char *slash = strrchr(c->path, '/');
    if (given[0] != '/' && slash) {
        size_t dir = (size_t)(slash - c->path) + 1;
        char *p = malloc(dir + strlen(given) + 1);
        if (!p)
            return NULL;
        memcpy(p, c->path, dir);
        strcpy(p + dir, given);
        if (access(p, F_OK) == 0)
            return p;
        free(p);
    }
    return sweep_dup(given);
}

static int load_plugin(sweep_ctx *c, const yaml_node_t *n)
{
    sweep *sw = c->sw;
    const char *given = sweep_scalar(n);
    char err[PATH_MAX + 512];
    if (!given || !given[0])
        return sweep_errorf(c, n, "key 'plugins': expected paths of shared objects, got %s",
                            sweep_kind_name(n));
    char **grown = realloc(sw->plugins, (sw->n_plugins + 1) * sizeof *grown);
    if (!grown)
        return sweep_errorf(c, n, "key 'plugins': out of memory");
    sw->plugins = grown;
    char *path = plugin_path(c, given);
    if (!path)
        return sweep_errorf(c, n, "key 'plugins': out of memory");
    sw->plugins[sw->n_plugins++] = path;
    if (cli_load_plugin(path, err, sizeof err))
        return sweep_errorf(c, n, "key 'plugins': %s", err);
    return 0;
}

/* The plugins come first, wherever the key stands: the sampler and pruner may be theirs. */
static int load_plugins(sweep_ctx *c, const yaml_node_t *root)
{
    for (yaml_node_pair_t *kv = root->data.mapping.pairs.start; kv < root->data.mapping.pairs.top;
         kv++) {
        const char *ks = sweep_scalar(sweep_node(c, kv->key));
        const yaml_node_t *v = sweep_node(c, kv->value);
        if (!ks || strcmp(ks, "plugins"))
            continue;
        if (v && v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++)
                if (load_plugin(c, sweep_node(c, *it)))
                    return -1;
            return 0;
        }
        return load_plugin(c, v);
    }
    return 0;
}

/* The pruner's value (v) has an option objective (a name, or an index that may be one
 * objective's index and another's name), which is read against the objectives. */
static bool pruner_has_objective(sweep_ctx *c, const yaml_node_t *v)
{
    const yaml_node_t *o = NULL;
    for (yaml_node_pair_t *kv = v->type == YAML_MAPPING_NODE ? v->data.mapping.pairs.start : NULL;
         kv && kv < v->data.mapping.pairs.top; kv++) {
        const char *ks = sweep_scalar(sweep_node(c, kv->key));
        if (ks && !strcmp(ks, "options"))
            o = sweep_node(c, kv->value);
    }
    for (yaml_node_pair_t *kv = o && o->type == YAML_MAPPING_NODE ? o->data.mapping.pairs.start
                                                                  : NULL;
         kv && kv < o->data.mapping.pairs.top; kv++) {
        const char *ks = sweep_scalar(sweep_node(c, kv->key));
        if (ks && !strcmp(ks, "objective"))
            return true;
    }
    return false;
}

static int parse_text(sweep_ctx *c)
{
    if (sweep_load_yaml(c))
        return -1;
    const yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    int rc = 0;
    if (!root || root->type != YAML_MAPPING_NODE)
        rc = sweep_errorf(c, root,
                          "a sweep file is a mapping (program, parameters, metric, "
                          "...), got %s",
                          sweep_kind_name(root));
    if (!rc)
        rc = load_plugins(c, root);
    /* in the file's order, but a pruner with an option objective, after every other key
     * (the objectives', which it is read against) */
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (yaml_node_pair_t *kv = root->data.mapping.pairs.start;
             kv < root->data.mapping.pairs.top && !rc; kv++) {
            const char *ks = sweep_scalar(sweep_node(c, kv->key));
            bool later =
                ks && !strcmp(ks, "pruner") && pruner_has_objective(c, sweep_node(c, kv->value));
            if (later == (pass == 1))
                rc = parse_top(c, sweep_node(c, kv->key), sweep_node(c, kv->value));
        }
    if (!rc)
        rc = check_sweep(c, root);
    if (!rc && c->program_macro && !c->sw->program && c->stored)
        /* stored by an older knob, for ask and tell or a worker of its own command */
        sweep_warnf(c, c->program_macro,
                    "key 'command[%zu]': uses ${program}, and key 'program' is missing: "
                    "the command cannot run (knob ask and knob tell can)",
                    c->program_macro_i);
    else if (!rc && c->program_macro && !c->sw->program)
        rc = sweep_errorf(c, c->program_macro,
                          "key 'command[%zu]': uses ${program}, and key 'program' is missing "
                          "(the script or executable that ${program} stands for)",
                          c->program_macro_i);
    yaml_document_delete(&c->doc);
    return rc;
}

int sweep_load(const char *path, sweep *out)
{
    char *text = read_file(path);
    if (!text) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = sweep_load_text(path, text, out);
    free(text);
    return rc;
}

static int load_text(const char *path, const char *text, bool stored, bool quiet_warnings,
                     sweep *out)
{
    memset(out, 0, sizeof *out);
    out->path = sweep_dup(path);
    out->text = sweep_dup(text);
    sweep_ctx c = {.path = path, .sw = out, .stored = stored, .quiet_warnings = quiet_warnings};
    if (parse_text(&c)) {
        sweep_free(out);
        return -1;
    }
    if (!out->method)
        out->method = sweep_dup("bayes");
    if (!out->study && out->wandb_name)
        out->study = sweep_dup(out->wandb_name);
    return 0;
}

int sweep_load_text(const char *path, const char *text, sweep *out)
{
    return load_text(path, text, false, false, out);
}

int sweep_load_stored(const char *label, const char *text, sweep *out)
{
    return load_text(label, text, true, false, out);
}

int sweep_load_stored_once(const char *label, const char *text, sweep_warned *warned, sweep *out)
{
    bool seen = false;
    for (size_t i = 0; warned && i < warned->n && !seen; i++)
        seen = !strcmp(warned->texts[i], text);
    int rc = load_text(label, text, true, seen, out);
    if (warned && !seen && !rc) { /* a sweep that cannot be read says why each time */
        if (warned->n == warned->cap) {
            size_t cap = warned->cap ? 2 * warned->cap : 8;
            char **more = realloc(warned->texts, cap * sizeof *more);
            if (!more)
                return rc; /* said again next time: only a repeat */
            warned->texts = more;
            warned->cap = cap;
        }
        char *copy = sweep_dup(text);
        if (copy)
            warned->texts[warned->n++] = copy;
    }
    return rc;
}

void sweep_warned_free(sweep_warned *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->texts[i]);
    free(w->texts);
    memset(w, 0, sizeof *w);
}

/* One top-level key of a sweep's text, read by `parse` (absent: 0 and nothing read),
 * printing nothing. */
static int load_key(const char *label, const char *text, const char *key,
                    int (*parse)(sweep_ctx *, const yaml_node_t *), sweep *out)
{
    memset(out, 0, sizeof *out);
    out->path = sweep_dup(label);
    out->text = sweep_dup(text);
    sweep_ctx c = {.path = label, .sw = out, .stored = true, .quiet = true};
    if (!out->path || !out->text || sweep_load_yaml(&c)) {
        sweep_free(out);
        return -1;
    }
    const yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    int rc = root && root->type == YAML_MAPPING_NODE ? 0 : -1;
    for (yaml_node_pair_t *kv = rc ? NULL : root->data.mapping.pairs.start;
         kv && kv < root->data.mapping.pairs.top; kv++) {
        const char *ks = sweep_scalar(sweep_node(&c, kv->key));
        if (ks && !strcmp(ks, key)) {
            rc = parse(&c, sweep_node(&c, kv->value));
            break;
        }
    }
    yaml_document_delete(&c.doc);
    if (rc)
        sweep_free(out);
    return rc;
}

int sweep_load_params(const char *label, const char *text, sweep *out)
{
    if (load_key(label, text, "parameters", sweep_parse_params, out))
        return -1;
    if (!out->n_params) {
        sweep_free(out);
        return -1;
    }
    return 0;
}

int sweep_load_constraints(const char *label, const char *text, sweep *out)
{
    return load_key(label, text, "constraints", parse_constraints, out);
}

static int parse_metric(sweep_ctx *c, const yaml_node_t *m)
{
    return add_objective(c, m, "metric");
}

int sweep_load_objectives(const char *label, const char *text, sweep *out)
{
    if (load_key(label, text, "objectives", parse_objectives, out))
        return -1;
    if (out->n_objectives)
        return 0;
    sweep_free(out);
    return load_key(label, text, "metric", parse_metric, out);
}

void sweep_free(sweep *sw)
{
    for (size_t i = 0; i < sw->n_params; i++)
        sweep_param_free(&sw->params[i]);
    for (size_t i = 0; i < sw->n_command; i++)
        free(sw->command[i]);
    for (size_t i = 0; i < sw->n_objectives; i++)
        free(sw->objectives[i].name);
    free(sw->objectives);
    for (size_t i = 0; i < sw->n_constraints; i++)
        free(sw->constraints[i].name);
    free(sw->constraints);
    free(sw->cost);
    free(sw->command);
    free(sw->command_at);
    free(sw->params);
    free(sw->path);
    free(sw->text);
    free(sw->program);
    free(sw->method);
    free(sw->storage);
    free(sw->study);
    free(sw->wandb_name);
    free(sw->trial_dir);
    plugin_free(&sw->sampler);
    plugin_free(&sw->pruner);
    for (size_t i = 0; i < sw->n_plugins; i++)
        free(sw->plugins[i]);
    free(sw->plugins);
    free(sw->early_type);
    free(sw->pbt);
    free(sw->order);
    free(sw->warm_study);
    free(sw->warm_storage);
    memset(sw, 0, sizeof *sw);
}

const sweep_param *sweep_find(const sweep *sw, const char *name)
{
    for (size_t i = 0; i < sw->n_params; i++)
        if (!strcmp(sw->params[i].name, name))
            return &sw->params[i];
    return NULL;
}
