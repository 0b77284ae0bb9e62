/* The sweep file: W&B sweep configs as they are, plus knob's own keys. */
#ifndef KNOB_CLI_SWEEP_H
#define KNOB_CLI_SWEEP_H

#include "knob.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    PK_CONSTANT,
    PK_CATEGORICAL,
    PK_INT_UNIFORM,
    PK_UNIFORM,
    PK_Q_UNIFORM,
    PK_LOG_UNIFORM,        /* min/max are natural logs of the bounds */
    PK_LOG_UNIFORM_VALUES, /* min/max are the bounds */
    PK_Q_LOG_UNIFORM_VALUES,
    PK_INV_LOG_UNIFORM_VALUES,
    PK_NORMAL,
    PK_Q_NORMAL,
    PK_LOG_NORMAL,
    PK_Q_LOG_NORMAL
} param_kind;

/* Limits of a sweep file; each is named in the error that enforces it. */
#define SWEEP_MAX_FILE (16 << 20)    /* bytes of the sweep file */
#define SWEEP_MAX_DEPTH 100          /* YAML levels (lists, mappings), aliases expanded */
#define SWEEP_MAX_ANCHORS 256        /* YAML anchors (&name) */
#define SWEEP_MAX_ALIAS_NODES 100000 /* nodes that YAML aliases (*name) add in all */
#define SWEEP_MAX_NODES 1000000      /* YAML nodes written in the file */
/* 2^53: the largest whole number a double holds exactly, and the JSON of knob trials and
 * the report (JavaScript numbers): the library's integer bounds (src/space.c), and the
 * largest step knob run and knob intermediate report. */
#define SWEEP_EXACT_INT ((int64_t)1 << 53)
#define SWEEP_MAX_NESTING 32         /* levels of nested `parameters` */
#define SWEEP_MAX_PARAMS 10000
#define SWEEP_MAX_NAME 255   /* a parameter's or study's name, option names */
#define SWEEP_MAX_METRIC 127 /* a metric's name: the longest key a record holds */
#define SWEEP_MAX_PATH 4095  /* program, storage, trial_dir: PATH_MAX */
#define SWEEP_MAX_TEXT 65536 /* a string value, a command element: one argv element */

/* A condition of a parameter (its `when`): the parameter is active only when `parent` is
 * active and takes one of `allowed`. A parameter with several conditions needs them all. */
typedef struct sweep_cond {
    char *parent_name;
    size_t parent; /* index in sweep.params, once the file is read */
    knob_choice *allowed;
    size_t n_allowed;
    int line, col; /* of the parent's key under `when` */
    char *owner;   /* the key whose `when` it is: the param, or a group it is nested in */
    /* A numeric parent's step (int_uniform: 1, a q_ form: q, a list of values: the
     * smallest gap between its numbers), else 0. Its values compare within a thousandth of
     * it, so that neighbours (5000000000 and 5000000001, 1e-9 and 1e-10) stay apart where
     * a relative 1e-9 would join them. */
    double step;
} sweep_cond;

typedef struct sweep_param {
    /* The library's name: the keys from `parameters` down, joined by dots ("outer.inner"
     * for a nested param). A name written with dots ("optimizer.lr") is one key: the
     * program gets it flat, {"optimizer.lr": ...}; only nested `parameters` nest. */
    char *name;
    char **path; /* those keys, n_path of them (1 for a param not nested) */
    size_t n_path;
    param_kind kind;
    const char *form;     /* the distribution as written ("q_log_uniform"), static; NULL: none */
    knob_choice *choices; /* categorical values, or the constant's one value */
    size_t n_choices, n_alloc;
    bool *is_json; /* per choice: a list, held as its JSON text ("[64,64]"); NULL: none */
    bool *is_float; /* per choice: a number written as a float (1.0, 3e0); NULL: none */
    double *probs; /* categorical probabilities, or NULL */
    double min, max, mu, sigma, q;
    bool has_min, has_max, has_q;
    bool min_int, max_int; /* written as integers in the YAML */
    int line, col;
    sweep_cond *when; /* its conditions (with those of the keys it is nested in) */
    size_t n_when;
} sweep_param;

#define SWEEP_MAX_OBJECTIVES 16

typedef struct objective {
    char *name;
    knob_direction goal;
} objective;

#define SWEEP_MAX_CONSTRAINTS 16

/* A constraint: the metric `name` the program prints must stay <= bound (max) or >= bound
 * (min); stored as the trial's constraint value name - bound (or bound - name). */
typedef struct sweep_constraint {
    char *name;
    double bound;
    bool is_min;
} sweep_constraint;

/* A sampler or pruner as the sweep names it, with its options in order. Option values are
 * the YAML scalar's text, or JSON text for a list or mapping (cmaes' x0: {lr: 0.01}). */
typedef struct plugin_spec {
    char *name; /* NULL: not given */
    char **keys, **values;
    size_t n;
} plugin_spec;

typedef struct sweep {
    char *path;
    char *text; /* the file as read */
    /* Both may be NULL: a sweep driven by knob ask/tell (or W&B from Python) runs no
     * program; a command that runs one checks for them itself. */
    char *program;
    char **command; /* NULL: the W&B default */
    size_t n_command;
    int (*command_at)[2]; /* each element's line and column in the file (1-based) */
    char *method;
    /* n_objectives == 0 (objectives NULL, no target): the sweep has no metric. Only a
     * search that needs no values parses so: method random or grid (or a sampler random,
     * grid or qmc), no early_terminate, no pruner. A trial then has no value. */
    objective *objectives;
    size_t n_objectives;
    bool objectives_key; /* given by the key `objectives`, not `metric` */
    double target;
    bool has_target;
    sweep_param *params;
    size_t n_params;
    int64_t run_cap; /* 0: none */
    bool method_given;
    char *storage, *study, *trial_dir;
    char *wandb_name; /* W&B's `name`: the study's name unless `study` is given */
    plugin_spec sampler, pruner;
    char **plugins; /* knob's `plugins`: shared objects loaded before sampler and pruner */
    size_t n_plugins;
    int64_t parallel, trials;
    uint64_t seed; /* a negative one modulo 2^64, as the sampler option takes it */
    bool has_seed;
    double trial_timeout; /* seconds; 0: none */
    double grace;         /* seconds of heartbeat silence before a trial is failed; 0: 60 */
    char *early_type;     /* early_terminate.type, or NULL */
    int64_t early_min_iter, early_max_iter, early_s, early_eta;
    bool early_lenient;     /* early_terminate.strict: false (W&B's default is true) */
    struct pbt_config *pbt; /* method pbt: its `pbt` block (cli/pbt.h); NULL otherwise */
    /* The params in dependency order (every parent before its children, else in the
     * file's order): n_params indices. conditional: some param has a `when`. */
    size_t *order;
    bool conditional;
    /* warm_start: {study, storage, first}: the sampler's warm_start_study,
     * warm_start_storage and warm_start_first (NULL / has_warm_first false: not given;
     * storage NULL: the study's own), and where the key stands. */
    char *warm_study, *warm_storage;
    int warm_line, warm_col;
    bool has_warm_first;
    int64_t warm_first;
    /* where the sampler's own option warm_start_study stands (0: not given), whose source
     * is checked as the key's is */
    int opt_warm_line, opt_warm_col;
    /* constraints: [{name, max} | {name, min}], read from the records like the metric */
    sweep_constraint *constraints;
    size_t n_constraints;
    /* cost: "duration" or the name of a metric the program prints (NULL: cost-blind) */
    char *cost;
    int cost_line, cost_col; /* of the key's value */
} sweep;

/* Reads and checks a sweep file (a regular file of at most SWEEP_MAX_FILE bytes). On
 * failure prints "FILE:LINE:COL: ..." to stderr and returns -1. */
int sweep_load(const char *path, sweep *out);

/* The same from the text of a sweep file; `path` names it in errors. */
int sweep_load_text(const char *path, const char *text, sweep *out);
/* The sweep stored with a study (its text, `label` naming it in messages): what an older
 * knob stored and this one refuses in a file (a ${program} without program, an
 * early_terminate beyond the pruner's bounds, which it ran without) is a warning, so that
 * the study's ask, tell, intermediate and enqueue go on. */
int sweep_load_stored(const char *label, const char *text, sweep *out);
/* Only the `parameters` of a sweep's text, printing nothing (no error, no warning) and
 * loading no plugin: for the web page, which shows each param as the program gets it
 * (cli/web_data.c). 0, or -1 when they cannot be read; *out is freed by sweep_free after 0. */
int sweep_load_params(const char *label, const char *text, sweep *out);
/* Only the `constraints` of a sweep's text (none: 0 with n_constraints 0), the same way:
 * for knob tell and the dashboard's tell, which refuse a complete trial without them. */
int sweep_load_constraints(const char *label, const char *text, sweep *out);
/* Only the objectives of a sweep's text (`objectives`, else `metric`; neither: 0 with
 * n_objectives 0), the same way: for knob run, which keeps a study's objectives in order. */
int sweep_load_objectives(const char *label, const char *text, sweep *out);

/* The stored sweeps whose warnings a long-lived process has printed, by their text: knob
 * dashboard reads a study's stored sweep at each request, and says its warnings once.
 * Zeroed before use; used by one thread. */
typedef struct sweep_warned {
    char **texts;
    size_t n, cap;
} sweep_warned;
/* sweep_load_stored, printing the sweep's warnings only when `warned` (NULL: always) does
 * not hold its text yet, which it then does (errors are printed each time). */
int sweep_load_stored_once(const char *label, const char *text, sweep_warned *warned, sweep *out);
void sweep_warned_free(sweep_warned *w);

/* Creates the sampler or pruner of a spec with its options; a library status (message in
 * knob_errmsg) on failure, *out NULL then. */
int sweep_make_sampler(const plugin_spec *ps, knob_sampler **out);
int sweep_make_pruner(const plugin_spec *ps, knob_pruner **out);
/* The n options of ps from `first` as the library's key and value pairs (the strings
 * borrowed), but one named `skip` (NULL: none; a `skip` that ends in '_' is a prefix: every
 * option whose name starts with it), then `cost` as the option cost (NULL: none,
 * the key cost's, which a sampler's cost_budget needs), with room for `room` more pairs;
 * *m: the pairs filled. KNOB_ENOMEM (set) when out of memory. The caller frees both arrays
 * (NULL then). */
int sweep_option_pairs(const plugin_spec *ps, size_t first, size_t n, const char *skip,
                       const char *cost, size_t room, const char ***keys, const char ***values,
                       size_t *m);

/* The objective the sweep's pruner reads, whose metric the records report as its
 * intermediate values: the pruner's option `objective`, 0 when not given. Returns 0 with
 * *out set, or -1 when the option is not an index of the sweep's objectives: a whole
 * decimal number (read as the library reads an integer option) from 0 to n_objectives - 1
 * (any, for a sweep without objectives, whose pruner is none). sweep_load refuses such a
 * sweep at the option's value. */
int sweep_pruner_objective(const sweep *sw, size_t *out);

/* The pruner of W&B's early_terminate (early_type "hyperband"): wandb_hyperband, which
 * stops trials as W&B's sweeps do, with min_iter, max_iter, s and eta. A library status
 * (message in knob_errmsg) on failure, *out NULL then; sweep_load refuses a sweep that
 * fails here. */
int sweep_early_pruner(const sweep *sw, knob_pruner **out);

/* True when s is an environment variable's name (a letter or _, then letters, digits, _):
 * what W&B's command macro ${envvar:NAME} names. */
bool sweep_env_name(const char *s);
/* At m, W&B's ${envvar:NAME} with NAME such a name of fewer than n bytes: its length, NAME
 * copied into name; 0 for anything else. */
size_t sweep_envvar_at(const char *m, char *name, size_t n);
/* The first NAME of a ${envvar:NAME} in the command that the environment does not set, in
 * buf (size n), and the index of its element in *elem; NULL when every one is set. */
const char *sweep_env_missing(const sweep *sw, char *buf, size_t n, size_t *elem);

/* True when the sweep searches a grid (sampler: grid, or method: grid without a sampler). */
bool sweep_is_grid(const sweep *sw);
/* True when the grid runs in the product's order, as W&B's grid does: method: grid without a
 * sampler, or sampler grid with its option order: product. The grid's params are then
 * sorted by their keys, level by level (sweep_grid_space), as W&B sorts them. */
bool sweep_grid_in_product_order(const sweep *sw);
/* True when the sweep's sampler enumerates its params' values (grid, brute_force): their
 * enumerable forms are suggested as such (a q_log_uniform_values as its grid's numbers, a
 * categorical with probabilities as its choices, the probabilities unused), not as the
 * continuous quantities a sampler searches for the other forms. */
bool sweep_enumerates(const sweep *sw);

/* True when p is searched as an integer: int_uniform, and q_uniform with whole min, max
 * and q. */
bool sweep_param_is_int(const sweep_param *p);

/* Warns (stderr), for each param of sw that trials of study s (named `study`) hold under
 * another kind of distribution (an int, a float, a categorical) than sw searches it as now:
 * the program gets values of another kind from then on (a study of a knob that read a
 * sweep's whole bounds otherwise, a distribution edited). */
void sweep_warn_kind_changes(const sweep *sw, knob_study *s, const char *study);

/* Whether two choices are the same value exactly: type, text or number. */
bool sweep_choice_same(const knob_choice *a, const knob_choice *b);

/* The parameter named `name` ("outer.inner"), or NULL. */
const sweep_param *sweep_find(const sweep *sw, const char *name);

/* 1 or 0 for a word YAML 1.1 (PyYAML, and so W&B) reads as true or false (yes, On, FALSE,
 * ...), -1 for any other. */
int sweep_bool_word(const char *s);
void sweep_free(sweep *sw);

/* The values of a parameter in a grid as a JSON array text (*json, freed by the caller);
 * returns their number, 0 (and *json NULL) when the parameter is not enumerable. */
int sweep_grid_values(const sweep_param *p, char **json);

/* The numbers of an int_uniform, q_uniform or q_log_uniform_values parameter in a grid:
 * *out (freed by the caller) holds the returned count; 0 for other forms. */
size_t sweep_grid_numbers(const sweep_param *p, double **out);
/* The number of that grid nearest x, in *near, however many numbers the grid holds (a
 * parent's range may hold more than a grid enumerates); false for other forms or a
 * non-finite x. */
bool sweep_grid_nearest(const sweep_param *p, double x, double *near);

/* True when the sampler named `name` declares the option `option` (warm_start_study). */
bool sweep_sampler_has_option(const char *name, const char *option);

/* The value the sweep's `sampler` gives its option `key`, NULL when it gives none or an empty
 * one (warm_start_storage "": the study's own storage). */
const char *sweep_sampler_option(const sweep *sw, const char *key);
/* The names of the registered samplers that have `option`, joined by ", " into buf (those
 * that fit); returns buf. */
const char *sweep_samplers_with_option(const char *option, char buf[256]);

/* True when the value v of a condition's parent is one of its allowed values. */
bool sweep_cond_holds(const sweep_cond *w, const knob_choice *v);

/* Whether param i is active, from the values of the params before it in sw->order:
 * active[j] says whether param j is, values[j] its value then. */
bool sweep_param_active(const sweep *sw, size_t i, const knob_choice *values, const bool *active);

/* The grid sampler's search_space for the sweep: a JSON object of each searched param's
 * values (their product is the grid), or, for a conditional sweep, a JSON array of such
 * objects, disjoint products whose union is every valid point and no other (a param
 * appears in a product only where it is active). The params are in the file's order, or
 * sorted by their keys when sweep_grid_in_product_order. *json is freed by the caller; *points
 * is the number of points. -1 (after printing why) when the grid is too large. */
int sweep_grid_space(const sweep *sw, char **json, double *points);

#endif
