/* The sweep's `pbt:` block, for method pbt. */
#include "cli/pbt.h"
#include "cli/sweep_yaml.h"

#include <stdlib.h>
#include <string.h>

static const char *const pbt_keys[] = {
    "population", "interval", "max_steps",        "quantile",     "perturb", "resample_probability",
    "explore",    "grace",    "keep_checkpoints", "max_failures", NULL};

/* Ray Tune's names for the same settings: a user coming from it is told knob's. */
static const char *const ray_keys[][2] = {
    {"perturbation_interval", "interval"}, {"quantile_fraction", "quantile"},
    {"perturbation_factors", "perturb"},   {"population_size", "population"},
    {"num_samples", "population"},         {NULL, NULL}};

static int unknown_key(sweep_ctx *c, const yaml_node_t *k)
{
    const char *ks = sweep_scalar(k);
    for (size_t i = 0; ks && ray_keys[i][0]; i++)
        if (!strcmp(ks, ray_keys[i][0]))
            return sweep_errorf(c, k, "unknown key '%s' in pbt; knob's is '%s'", ks,
                                ray_keys[i][1]);
    return sweep_unknown_key(c, k, "pbt", pbt_keys);
}

static int parse_perturb(sweep_ctx *c, const yaml_node_t *v, pbt_config *p)
{
    if (v->type != YAML_SEQUENCE_NODE || sweep_seq_len(v) == 0 ||
        sweep_seq_len(v) > PBT_MAX_PERTURB)
        return sweep_errorf(c, v, "key 'pbt.perturb': expected a list of 1 to %d factors, got %s",
                            PBT_MAX_PERTURB, sweep_kind_name(v));
    p->n_perturb = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        const yaml_node_t *n = sweep_node(c, *it);
        double f;
        if (sweep_get_number(c, n, "pbt.perturb", &f))
            return -1;
        if (!(f > 0))
            return sweep_errorf(c, n, "key 'pbt.perturb': a factor must be > 0, got %s",
                                sweep_scalar(n));
        p->perturb[p->n_perturb++] = f;
    }
    return 0;
}

static int parse_explore(sweep_ctx *c, const yaml_node_t *v, pbt_config *p)
{
    const char *s = sweep_scalar(v);
    if (s && !strcmp(s, "perturb"))
        p->explore = PBT_EXPLORE_PERTURB;
    else if (s && !strcmp(s, "pb2"))
        p->explore = PBT_EXPLORE_PB2;
    else
        return sweep_errorf(c, v, "key 'pbt.explore': expected perturb or pb2, got %s",
                            s ? s : sweep_kind_name(v));
    return 0;
}

static int parse_key(sweep_ctx *c, const yaml_node_t *k, const yaml_node_t *v, pbt_config *p)
{
    const char *ks = sweep_scalar(k);
    if (!ks)
        return sweep_errorf(c, k, "keys of 'pbt' are strings, got %s", sweep_kind_name(k));
    if (!strcmp(ks, "population"))
        return sweep_get_int(c, v, "pbt.population", &p->population, 1, PBT_MAX_POPULATION);
    if (!strcmp(ks, "interval"))
        return sweep_get_int(c, v, "pbt.interval", &p->interval, 1, (int64_t)1 << 40);
    if (!strcmp(ks, "max_steps"))
        return sweep_get_int(c, v, "pbt.max_steps", &p->max_steps, 1, (int64_t)1 << 50);
    if (!strcmp(ks, "max_failures"))
        return sweep_get_int(c, v, "pbt.max_failures", &p->max_failures, 1, 1000000);
    if (!strcmp(ks, "perturb"))
        return parse_perturb(c, v, p);
    if (!strcmp(ks, "explore"))
        return parse_explore(c, v, p);
    if (!strcmp(ks, "grace")) { /* said at its value, as the other keys' are */
        if (sweep_get_duration(c, v, "pbt.grace", &p->grace))
            return -1;
        if (p->grace < 1)
            return sweep_errorf(c, v, "key 'pbt.grace': at least 1 second, got %s",
                                sweep_scalar(v));
        return 0;
    }
    if (!strcmp(ks, "keep_checkpoints")) {
        const char *s = sweep_scalar(v);
        if (!s || (strcmp(s, "true") && strcmp(s, "false")))
            return sweep_errorf(c, v, "key 'pbt.keep_checkpoints': expected true or false");
        p->keep_checkpoints = !strcmp(s, "true");
        return 0;
    }
    double *x = !strcmp(ks, "quantile")               ? &p->quantile
                : !strcmp(ks, "resample_probability") ? &p->resample_probability
                                                      : NULL;
    if (!x)
        return unknown_key(c, k);
    double hi = x == &p->quantile ? 0.5 : 1;
    if (sweep_get_number(c, v, x == &p->quantile ? "pbt.quantile" : "pbt.resample_probability", x))
        return -1;
    if (*x < 0 || *x > hi || (x == &p->quantile && *x == 0))
        return sweep_errorf(c, v, "key 'pbt.%s': expected a number in %s0, %g], got %s", ks,
                            x == &p->quantile ? "(" : "[", hi, sweep_scalar(v));
    return 0;
}

int sweep_parse_pbt(sweep_ctx *c, const yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, v,
                            "key 'pbt': expected a mapping (population, interval, "
                            "max_steps, ...), got %s",
                            sweep_kind_name(v));
    pbt_config *p = calloc(1, sizeof *p);
    if (!p)
        return sweep_errorf(c, v, "key 'pbt': out of memory");
    *p = (pbt_config){.population = 8,
                      .quantile = 0.25,
                      .resample_probability = 0.25,
                      .perturb = {0.8, 1.2},
                      .n_perturb = 2,
                      .grace = 60,
                      .max_failures = 3};
    c->sw->pbt = p;
    const yaml_node_t *interval = NULL;
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start; kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *key = sweep_node(c, kv->key), *value = sweep_node(c, kv->value);
        if (parse_key(c, key, value, p))
            return -1;
        if (!strcmp(sweep_scalar(key), "interval"))
            interval = value;
    }
    if (!p->interval || !p->max_steps)
        return sweep_errorf(c, v,
                            "key 'pbt': needs interval and max_steps (in the steps the "
                            "program counts: epochs, batches, ...)");
    /* one interval reaches max_steps: no member would ever copy or explore, and the run
     * would be a random search that says nothing of it (in the sweep stored with a study,
     * which an older knob took and ran so, a warning) */
    static const char why[] = "key 'pbt.interval': %lld is not below max_steps %lld: each "
                              "member would train one interval to max_steps, and none would "
                              "copy another (members exploit and explore between intervals)";
    if (p->interval >= p->max_steps && !c->stored)
        return sweep_errorf(c, interval, why, (long long)p->interval, (long long)p->max_steps);
    if (p->interval >= p->max_steps)
        sweep_warnf(c, interval, why, (long long)p->interval, (long long)p->max_steps);
    return 0;
}

int sweep_check_pbt(sweep_ctx *c, const yaml_node_t *root)
{
    sweep *sw = c->sw;
    bool method = sw->method && !strcmp(sw->method, "pbt");
    if (!method && sw->pbt)
        return sweep_errorf(c, root, "key 'pbt': only with method: pbt");
    if (!method)
        return 0;
    if (!sw->pbt)
        return sweep_errorf(c, c->method,
                            "method pbt needs a 'pbt' block (population, "
                            "interval, max_steps)");
    if (sw->n_objectives != 1)
        return sweep_errorf(c, c->method,
                            "method pbt ranks members by one metric; the sweep has %zu",
                            sw->n_objectives);
    if (sw->pruner.name || sw->early_type)
        return sweep_errorf(c, c->method,
                            "method pbt stops members itself: no pruner or "
                            "early_terminate");
    if (sw->sampler.name && strcmp(sw->sampler.name, "random") && strcmp(sw->sampler.name, "qmc"))
        return sweep_errorf(c, c->sampler,
                            "key 'sampler': method pbt draws its first population with random "
                            "or qmc, got %s",
                            sw->sampler.name);
    return 0;
}
