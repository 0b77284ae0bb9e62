/* The kinds of plugin, their built-in tables, and the tables users register: the one
 * piece of process-wide state in libknob (knob.h, knob_sampler_register says why). */
#include "plugin.h"
#include "study.h"

#include <pthread.h>
#include <string.h>

extern const knob_sampler_plugin knob__sampler_random;
extern const knob_sampler_plugin knob__sampler_grid;
extern const knob_sampler_plugin knob__sampler_tpe;
extern const knob_sampler_plugin knob__sampler_qmc;
extern const knob_sampler_plugin knob__sampler_cmaes;
extern const knob_sampler_plugin knob__sampler_gp;
extern const knob_sampler_plugin knob__sampler_evolution;
extern const knob_sampler_plugin knob__sampler_smac;
extern const knob_sampler_plugin knob__sampler_nsga2;
extern const knob_sampler_plugin knob__sampler_nsga3;
extern const knob_sampler_plugin knob__sampler_auto;
extern const knob_sampler_plugin knob__sampler_brute_force;
extern const knob_pruner_plugin knob__pruner_median;
extern const knob_pruner_plugin knob__pruner_percentile;
extern const knob_pruner_plugin knob__pruner_threshold;
extern const knob_pruner_plugin knob__pruner_patient;
extern const knob_pruner_plugin knob__pruner_successive_halving;
extern const knob_pruner_plugin knob__pruner_hyperband;
extern const knob_pruner_plugin knob__pruner_wilcoxon;
extern const knob_pruner_plugin knob__pruner_curve;
extern const knob_pruner_plugin knob__pruner_wandb_hyperband;

static const knob_sampler_plugin *const sampler_builtins[] = {
    &knob__sampler_random,
    &knob__sampler_grid,
    &knob__sampler_tpe,
    &knob__sampler_qmc,
    &knob__sampler_cmaes,
    &knob__sampler_gp,
    &knob__sampler_evolution,
    &knob__sampler_smac,
    &knob__sampler_nsga2,
    &knob__sampler_nsga3,
    &knob__sampler_auto,
    &knob__sampler_brute_force,
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
    &knob__pruner_wandb_hyperband,
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

/* ---------------------------------------------------------------- the kinds */

static knob__plugin_head sampler_head(const void *table)
{
    const knob_sampler_plugin *p = table;
    return (knob__plugin_head){p->version, p->name, p->help, p->state_size,
                               p->options, p->init, p->fini};
}

static knob__plugin_head pruner_head(const void *table)
{
    const knob_pruner_plugin *p = table;
    return (knob__plugin_head){p->version, p->name, p->help, p->state_size,
                               p->options, p->init, p->fini};
}

/* sample_independent is what a suggest falls back on, so a sampler without it could
 * suggest nothing; a state saved with no load_state (or loaded with no save_state) is a
 * record written for nothing, or read from nothing. */
static int sampler_methods(const void *table, const char *who)
{
    const knob_sampler_plugin *p = table;
    if (!p->sample_independent)
        return knob__error(KNOB_EINVAL,
                           "%s: the table has no sample_independent (required: a param "
                           "the sampler does not propose is asked of it)",
                           who);
    if (!p->save_state != !p->load_state)
        return knob__error(KNOB_EINVAL, "%s: the table has %s but no %s: give both or neither", who,
                           p->save_state ? "save_state" : "load_state",
                           p->save_state ? "load_state" : "save_state");
    return KNOB_OK;
}

static int pruner_methods(const void *table, const char *who)
{
    const knob_pruner_plugin *p = table;
    if (!p->prune)
        return knob__error(KNOB_EINVAL,
                           "%s: the table has no prune (required: it is what a pruner does)", who);
    return KNOB_OK;
}

static const void *sampler_builtin(size_t i)
{
    return i < sizeof sampler_builtins / sizeof *sampler_builtins ? sampler_builtins[i] : NULL;
}

static const void *pruner_builtin(size_t i)
{
    return i < sizeof pruner_builtins / sizeof *pruner_builtins ? pruner_builtins[i] : NULL;
}

static knob__registered sampler_registered, pruner_registered;

const knob__plugin_kind knob__sampler_kind = {
    .noun = "sampler",
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .min_version = KNOB_SAMPLER_PLUGIN_VERSION_MIN,
    .takes_seed = true,
    .view_size = sizeof(struct knob_sampler),
    .head = sampler_head,
    .methods = sampler_methods,
    .builtin = sampler_builtin,
    .registered = &sampler_registered,
};

const knob__plugin_kind knob__pruner_kind = {
    .noun = "pruner",
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .min_version = KNOB_PRUNER_PLUGIN_VERSION,
    .takes_seed = false,
    .int_option = "objective",
    .view_size = sizeof(struct knob_pruner),
    .head = pruner_head,
    .methods = pruner_methods,
    .builtin = pruner_builtin,
    .registered = &pruner_registered,
};

/* ---------------------------------------------------------------- the registry */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const void *at_locked(const knob__plugin_kind *k, size_t i)
{
    size_t n_builtin = 0;
    while (k->builtin(n_builtin))
        n_builtin++;
    if (i < n_builtin)
        return k->builtin(i);
    i -= n_builtin;
    return i < k->registered->n ? k->registered->tables[i] : NULL;
}

static const void *find_locked(const knob__plugin_kind *k, const char *name)
{
    const void *p;
    for (size_t i = 0; (p = at_locked(k, i)); i++)
        if (strcmp(k->head(p).name, name) == 0)
            return p;
    return NULL;
}

const void *knob__registry_at(const knob__plugin_kind *k, size_t i)
{
    pthread_mutex_lock(&lock);
    const void *p = at_locked(k, i);
    pthread_mutex_unlock(&lock);
    return p;
}

const void *knob__registry_find(const knob__plugin_kind *k, const char *name)
{
    pthread_mutex_lock(&lock);
    const void *p = find_locked(k, name);
    pthread_mutex_unlock(&lock);
    return p;
}

/* Names travel as text (options strings, sweep files, `knob samplers`), so they are
 * words that need no quoting anywhere. */
static bool good_name(const char *name)
{
    if (!name[0])
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.'))
            return false;
    return true;
}

int knob__registry_add(const knob__plugin_kind *k, const void *table)
{
    const char *name = k->head(table).name;
    if (!good_name(name))
        return knob__error(KNOB_EINVAL,
                           "knob_%s_register: the name '%s' is not made of letters, "
                           "digits, '_', '-' and '.'",
                           k->noun, name);
    pthread_mutex_lock(&lock);
    int rc = KNOB_OK;
    knob__registered *r = k->registered;
    if (find_locked(k, name))
        rc = knob__error(KNOB_EEXIST, "knob_%s_register: there is a %s named '%s' already", k->noun,
                         k->noun, name);
    else if (knob__grow(&r->tables, &r->cap, r->n + 1, sizeof *r->tables))
        rc = knob__oom("plugin registry");
    else
        r->tables[r->n++] = table;
    pthread_mutex_unlock(&lock);
    return rc;
}
