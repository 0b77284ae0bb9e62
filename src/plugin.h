/* One generic plugin handle behind knob_sampler and knob_pruner, and the process-wide
 * registry that finds plugin tables by name. */
#ifndef KNOB_PLUGIN_H
#define KNOB_PLUGIN_H

#include "internal.h"

#include <stddef.h>

/* The fields every plugin table starts with, copied out of a table of any kind. */
typedef struct knob__plugin_head {
    int version;
    const char *name;
    const char *help;
    size_t state_size;
    const knob_option *options;
    int (*init)(void *state);
    void (*fini)(void *state);
} knob__plugin_head;

/* The tables registered for one kind, in the order registered (registry.c, under its
 * lock). */
typedef struct knob__registered {
    const void **tables;
    size_t n, cap;
} knob__registered;

/* A kind of plugin: what the generic code needs to know of samplers or of pruners. */
typedef struct knob__plugin_kind {
    const char *noun; /* "sampler", in messages */
    int version;      /* the table version this library takes */
    int min_version;  /* and the oldest it still reads (a table of it lacks later fields) */
    bool takes_seed;  /* the handle has an option `seed` that no table may declare */
    /* An option that a table may declare only as KNOB_OPT_INT, since the library reads it
     * (a pruner's `objective`, knob_trial_report); NULL: none. */
    const char *int_option;
    size_t view_size; /* sizeof(struct knob_sampler), the typed view of a handle */
    knob__plugin_head (*head)(const void *table);
    /* KNOB_EINVAL, naming `who`, for a table whose methods cannot work (one required is
     * NULL, or one of a pair is): checked with the options, at register and at create. */
    int (*methods)(const void *table, const char *who);
    const void *(*builtin)(size_t i); /* the i-th built-in table; NULL past the last */
    knob__registered *registered;
} knob__plugin_kind;

extern const knob__plugin_kind knob__sampler_kind;
extern const knob__plugin_kind knob__pruner_kind;

/* The built-in pruner "none", which stops no trial, a diverged one included. */
extern const knob_pruner_plugin knob__pruner_none;

/* A plugin handle: a table's state block with its options and seed. The public handle
 * of its kind (knob_sampler, knob_pruner) is a view that lives in view[], so
 * knob__plugin_of finds the handle from it. */
typedef struct knob__plugin {
    const knob__plugin_kind *kind;
    const void *table;
    knob__plugin_head head;
    void *state;
    uint64_t seed;
    char who[96]; /* "sampler 'tpe'", for messages */
    max_align_t view[];
} knob__plugin;

static inline void *knob__plugin_view(knob__plugin *h)
{
    return h->view;
}

static inline knob__plugin *knob__plugin_of(const void *view)
{
    return (knob__plugin *)((char *)(uintptr_t)view - offsetof(knob__plugin, view));
}

/* Checks a table of kind k before it is used or registered: KNOB_EINVAL (NULL, no
 * name, a required method missing, a bad option table), KNOB_EUNSUPPORTED (a version
 * outside [min_version, version]). */
int knob__plugin_check(const knob__plugin_kind *k, const void *table);

/* Makes a handle of table: defaults, then the options string (may be NULL), then the
 * pairs keys[i] = values[i], then the table's init. Freed by knob__plugin_free. */
int knob__plugin_create(const knob__plugin_kind *k, const void *table, const char *options,
                        const char *const *keys, const char *const *values, size_t n,
                        knob__plugin **out);

/* The same, for the table registered (or built in) under `name`; an unknown name is
 * KNOB_EINVAL listing the names there are. */
int knob__plugin_create_named(const knob__plugin_kind *k, const char *name, const char *options,
                              const char *const *keys, const char *const *values, size_t n,
                              knob__plugin **out);

int knob__plugin_set_option(knob__plugin *h, const char *key, const char *value);
void knob__plugin_free(knob__plugin *h);

/* registry.c: every call takes the registry's lock. */
/* Adds a checked table; KNOB_EEXIST when its name is taken. */
int knob__registry_add(const knob__plugin_kind *k, const void *table);
/* The table of that name, built in or registered, or NULL. */
const void *knob__registry_find(const knob__plugin_kind *k, const char *name);
/* The i-th table: the built-ins, then the registered ones; NULL past the last. Tables
 * are only ever appended, so an index names one table for the life of the process. */
const void *knob__registry_at(const knob__plugin_kind *k, size_t i);

#endif
