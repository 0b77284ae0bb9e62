/* Creating samplers and pruners from their plugin tables; the built-in registries. */
#include "options.h"
#include "study.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

extern const knob_sampler_plugin knob__sampler_random;
extern const knob_sampler_plugin knob__sampler_grid;
extern const knob_sampler_plugin knob__sampler_tpe;
extern const knob_sampler_plugin knob__sampler_qmc;
extern const knob_sampler_plugin knob__sampler_cmaes;
extern const knob_sampler_plugin knob__sampler_gp;
extern const knob_pruner_plugin knob__pruner_none;
extern const knob_pruner_plugin knob__pruner_median;
extern const knob_pruner_plugin knob__pruner_percentile;
extern const knob_pruner_plugin knob__pruner_threshold;
extern const knob_pruner_plugin knob__pruner_patient;
extern const knob_pruner_plugin knob__pruner_successive_halving;
extern const knob_pruner_plugin knob__pruner_hyperband;
extern const knob_pruner_plugin knob__pruner_wilcoxon;
extern const knob_pruner_plugin knob__pruner_curve;

static const knob_sampler_plugin *const sampler_builtins[] = {
    &knob__sampler_random,
    &knob__sampler_grid,
    &knob__sampler_tpe,
    &knob__sampler_qmc,
    &knob__sampler_cmaes,
    &knob__sampler_gp,
    NULL,
};

static const knob_pruner_plugin *const pruner_builtins[] = {
    &knob__pruner_none,
    &knob__pruner_median,
    &knob__pruner_percentile,
    &knob__pruner_threshold,
    &knob__pruner_patient,
    &knob__pruner_successive_halving,
    &knob__pruner_hyperband,
    &knob__pruner_wilcoxon,
    &knob__pruner_curve,
    NULL,
};

const knob_sampler_plugin *const *knob_sampler_builtins(void)
{
    return sampler_builtins;
}

const knob_pruner_plugin *const *knob_pruner_builtins(void)
{
    return pruner_builtins;
}

uint64_t knob__seed_from_os(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, 0) == (ssize_t)sizeof seed)
        return seed;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
}

/* ---------------------------------------------------------------- samplers */

typedef struct sampler_opt_ctx {
    knob_sampler *s;
    char who[96];
} sampler_opt_ctx;

static int sampler_opt(void *ctx, const char *key, const char *value)
{
    sampler_opt_ctx *c = ctx;
    if (strcmp(key, "seed") == 0) {
        int64_t seed;
        if (knob__parse_int(value, &seed))
            return knob__error(KNOB_EINVAL, "%s: option 'seed' needs an integer, got '%s'",
                               c->who, value);
        c->s->seed = (uint64_t)seed;
        return KNOB_OK;
    }
    return knob__option_set(c->s->plugin->options, c->s->state, key, value, c->who);
}

int knob_sampler_create_plugin(const knob_sampler_plugin *plugin, const char *options,
                               knob_sampler **out)
{
    if (!plugin || !out)
        return knob__error(KNOB_EINVAL, "knob_sampler_create: NULL argument");
    if (plugin->version != KNOB_SAMPLER_PLUGIN_VERSION || !plugin->name)
        return knob__error(KNOB_EINVAL, "sampler plugin '%s' has version %d; this library "
                           "takes version %d", plugin->name ? plugin->name : "?",
                           plugin->version, KNOB_SAMPLER_PLUGIN_VERSION);
    knob_sampler *s = calloc(1, sizeof *s);
    if (!s || !(s->state = calloc(1, plugin->state_size ? plugin->state_size : 1))) {
        free(s);
        return knob__oom("sampler");
    }
    s->plugin = plugin;
    s->seed = knob__seed_from_os();
    sampler_opt_ctx c = {.s = s};
    snprintf(c.who, sizeof c.who, "sampler '%s'", plugin->name);
    int rc = knob__options_defaults(plugin->options, s->state, c.who);
    if (!rc)
        rc = knob__options_each(options, c.who, sampler_opt, &c);
    if (!rc && plugin->init)
        rc = plugin->init(s->state);
    if (rc) {
        knob__options_free(plugin->options, s->state);
        free(s->state);
        free(s);
        return rc;
    }
    *out = s;
    return KNOB_OK;
}

int knob_sampler_create(const char *name, const char *options, knob_sampler **out)
{
    if (!name)
        return knob__error(KNOB_EINVAL, "knob_sampler_create: name is NULL");
    for (const knob_sampler_plugin *const *p = sampler_builtins; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return knob_sampler_create_plugin(*p, options, out);
    char names[256] = "";
    for (const knob_sampler_plugin *const *p = sampler_builtins; *p; p++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                 p == sampler_builtins ? "" : ", ", (*p)->name);
    return knob__error(KNOB_EINVAL, "unknown sampler '%s' (samplers: %s)", name, names);
}

void knob_sampler_free(knob_sampler *s)
{
    if (!s)
        return;
    if (s->plugin->fini)
        s->plugin->fini(s->state);
    knob__options_free(s->plugin->options, s->state);
    free(s->state);
    free(s);
}

int knob_sampler_set_option(knob_sampler *s, const char *key, const char *value)
{
    if (!s || !key || !value)
        return knob__error(KNOB_EINVAL, "knob_sampler_set_option: NULL argument");
    sampler_opt_ctx c = {.s = s};
    snprintf(c.who, sizeof c.who, "sampler '%s'", s->plugin->name);
    return sampler_opt(&c, key, value);
}

const char *knob_sampler_name(const knob_sampler *s)
{
    return s ? s->plugin->name : NULL;
}

uint64_t knob_sampler_seed(const knob_sampler *s)
{
    return s ? s->seed : 0;
}

void *knob_sampler_state(knob_sampler *s)
{
    return s ? s->state : NULL;
}

/* ---------------------------------------------------------------- pruners */

typedef struct pruner_opt_ctx {
    knob_pruner *p;
    char who[96];
} pruner_opt_ctx;

static int pruner_opt(void *ctx, const char *key, const char *value)
{
    pruner_opt_ctx *c = ctx;
    return knob__option_set(c->p->plugin->options, c->p->state, key, value, c->who);
}

int knob_pruner_create_plugin(const knob_pruner_plugin *plugin, const char *options,
                              knob_pruner **out)
{
    if (!plugin || !out)
        return knob__error(KNOB_EINVAL, "knob_pruner_create: NULL argument");
    if (plugin->version != KNOB_PRUNER_PLUGIN_VERSION || !plugin->name)
        return knob__error(KNOB_EINVAL, "pruner plugin '%s' has version %d; this library "
                           "takes version %d", plugin->name ? plugin->name : "?",
                           plugin->version, KNOB_PRUNER_PLUGIN_VERSION);
    knob_pruner *p = calloc(1, sizeof *p);
    if (!p || !(p->state = calloc(1, plugin->state_size ? plugin->state_size : 1))) {
        free(p);
        return knob__oom("pruner");
    }
    p->plugin = plugin;
    pruner_opt_ctx c = {.p = p};
    snprintf(c.who, sizeof c.who, "pruner '%s'", plugin->name);
    int rc = knob__options_defaults(plugin->options, p->state, c.who);
    if (!rc)
        rc = knob__options_each(options, c.who, pruner_opt, &c);
    if (!rc && plugin->init)
        rc = plugin->init(p->state);
    if (rc) {
        knob__options_free(plugin->options, p->state);
        free(p->state);
        free(p);
        return rc;
    }
    *out = p;
    return KNOB_OK;
}

int knob_pruner_create(const char *name, const char *options, knob_pruner **out)
{
    if (!name)
        return knob__error(KNOB_EINVAL, "knob_pruner_create: name is NULL");
    for (const knob_pruner_plugin *const *p = pruner_builtins; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return knob_pruner_create_plugin(*p, options, out);
    char names[256] = "";
    for (const knob_pruner_plugin *const *p = pruner_builtins; *p; p++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                 p == pruner_builtins ? "" : ", ", (*p)->name);
    return knob__error(KNOB_EINVAL, "unknown pruner '%s' (pruners: %s)", name, names);
}

void knob_pruner_free(knob_pruner *p)
{
    if (!p)
        return;
    if (p->plugin->fini)
        p->plugin->fini(p->state);
    knob__options_free(p->plugin->options, p->state);
    free(p->state);
    free(p);
}

int knob_pruner_set_option(knob_pruner *p, const char *key, const char *value)
{
    if (!p || !key || !value)
        return knob__error(KNOB_EINVAL, "knob_pruner_set_option: NULL argument");
    pruner_opt_ctx c = {.p = p};
    snprintf(c.who, sizeof c.who, "pruner '%s'", p->plugin->name);
    return pruner_opt(&c, key, value);
}

int knob_pruner_prune(knob_pruner *p, knob_study *s, knob_trial *t, bool *out)
{
    if (!p || !s || !t || !out)
        return knob__error(KNOB_EINVAL, "knob_pruner_prune: NULL argument");
    *out = false;
    return p->plugin->prune ? p->plugin->prune(p->state, s, t, out) : KNOB_OK;
}
