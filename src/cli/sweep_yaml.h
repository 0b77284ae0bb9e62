/* Helpers of the sweep parser: reading typed values out of libyaml nodes, and errors that
 * name the file, line, column and key. Internal to sweep*.c. */
#ifndef KNOB_CLI_SWEEP_YAML_H
#define KNOB_CLI_SWEEP_YAML_H

#include "cli/sweep.h"

#include <yaml.h>

typedef struct sweep_ctx {
    const char *path;
    yaml_document_t doc;
    sweep *sw;
    /* Keys and values that checks of the whole file point at, when given. */
    const yaml_node_t *method, *early, *sampler, *pruner, *metric, *objectives;
    const yaml_node_t *pruner_objective; /* the value of pruner.options.objective */
    const yaml_node_t *program_macro;    /* the first command element using ${program} */
    size_t program_macro_i;              /* and its index */
    /* the sweep stored with a study (sweep_load_stored): what an older knob stored and
     * this one refuses is a warning */
    bool stored;
    /* nothing printed, neither errors nor warnings (sweep_load_params) */
    bool quiet;
    /* no warnings printed: they were before (sweep_load_stored_once); errors are */
    bool quiet_warnings;
} sweep_ctx;

/* Prints "FILE:LINE:COL: message" for node n to stderr; returns -1. */
int sweep_errorf(const sweep_ctx *c, const yaml_node_t *n, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The same at a line and column (1-based) of the file. */
int sweep_errorf_at(const sweep_ctx *c, int line, int col, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Prints "FILE:LINE:COL: warning: message" for node n to stderr: something W&B accepts
 * that knob reads otherwise or not at all. Nothing when c->quiet. */
void sweep_warnf(const sweep_ctx *c, const yaml_node_t *n, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The same at a line and column (1-based) of the file. */
void sweep_warnf_at(const sweep_ctx *c, int line, int col, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 4, 5)))
#endif
    ;

yaml_node_t *sweep_node(const sweep_ctx *c, int id);

/* The text of a scalar node, or NULL for anything else. */
const char *sweep_scalar(const yaml_node_t *n);

/* "a scalar", "a list", "a mapping", "nothing": for "expected X, got Y". */
const char *sweep_kind_name(const yaml_node_t *n);

/* strdup that exits on failure (the CLI has nothing to do without memory). */
char *sweep_dup(const char *s);

/* Loads c->sw->text into c->doc: at most SWEEP_MAX_DEPTH levels, SWEEP_MAX_ANCHORS anchors,
 * aliases adding at most SWEEP_MAX_ALIAS_NODES nodes, none inside the node it names, no
 * NUL in a string, no key twice in a mapping; -1 after printing (c->doc is then empty). */
int sweep_load_yaml(sweep_ctx *c);

/* Typed values under the key path `key` ("parameters.lr.min"); -1 after printing. A
 * string is at most `max` bytes. */
int sweep_get_string(const sweep_ctx *c, const yaml_node_t *n, const char *key, size_t max,
                     char **out);
int sweep_get_number(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out);

/* A plain scalar that YAML 1.1 (PyYAML) reads as a number with its digits grouped by
 * underscores (1_000, 2_5.0), as the text without them ("1000"), malloc'd; NULL for any
 * other node (a quoted "1_000" is a string to YAML). */
char *sweep_ungrouped_number(const yaml_node_t *n);
/* A scalar where W&B's schema wants a string that YAML reads as another type (5, 1.5, true,
 * null: W&B refuses it) is taken as its text, with a warning that says so. Nothing for the
 * sweep stored with a study (said when it was run). */
void sweep_warn_not_string(const sweep_ctx *c, const yaml_node_t *n, const char *key);
/* The number scalar n spells, read as v was and exactly where v is past 2^53, whose doubles
 * skip integers (9007199254740993 reads 2^53 as a double): from its text in a long double,
 * which holds integers to 2^64. */
long double sweep_exact_number(const yaml_node_t *n, double v);
/* A whole number in [lo, hi]; hi at most 2^53. */
int sweep_get_int(const sweep_ctx *c, const yaml_node_t *n, const char *key, int64_t *out,
                  int64_t lo, int64_t hi);

/* -1 after printing when scalar n is longer than `max` bytes. */
int sweep_check_length(const sweep_ctx *c, const yaml_node_t *n, const char *key, size_t max);
/* Seconds from a number or a duration text ("90", "30s", "5m", "1h30m"). "1h30" is refused;
 * in a stored sweep (c->stored) it is read as an older knob ran it (3630 s), with a warning. */
int sweep_get_duration(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out);

/* A scalar as a typed choice: plain scalars that read as numbers, booleans (YAML 1.1's:
 * true, yes, on, false, no, off, in lower, capitalized and upper case) or null keep that
 * type; quoted ones are strings. The string is owned by the choice. */
knob_choice sweep_to_choice(const yaml_node_t *n);
/* "infinity" or "NaN" when n is a plain scalar of YAML's infinities or NaN (.inf, -.inf,
 * .nan ...); NULL otherwise. */
const char *sweep_nonfinite_word(const yaml_node_t *n);

/* Whether n is a plain decimal integer beyond 2^53 (a seed such as 12345678901234567890),
 * which a double would change: such a value is kept as its text, as JSON, as W&B's Python
 * keeps it exact. */
bool sweep_big_int(const yaml_node_t *n);

/* The closest of the NULL-terminated `names` to `key`, when close enough to be a typo
 * (knobx_closest, the library's rule for an unknown option's name). */
const char *sweep_closest(const char *key, const char *const *names);

/* "unknown key 'K' in WHERE; did you mean 'X'?"; returns -1. */
int sweep_unknown_key(const sweep_ctx *c, const yaml_node_t *k, const char *where,
                      const char *const *names);

/* Appends a node as JSON text: scalars typed as in sweep_to_choice, lists as arrays,
 * mappings as objects. */
struct knobx_buf;
void sweep_node_json(const sweep_ctx *c, const yaml_node_t *n, struct knobx_buf *b);

/* Number of items of a sequence node. */
size_t sweep_seq_len(const yaml_node_t *n);

/* The top-level parameters mapping (sweep_params.c). */
int sweep_parse_params(sweep_ctx *c, const yaml_node_t *map);

/* With method grid or sampler brute_force (sweep_enumerates): every parameter must be
 * enumerable; -1 after printing. */
int sweep_check_grid(const sweep_ctx *c);

void sweep_param_free(sweep_param *p);
void sweep_cond_free(sweep_cond *w);

/* Appends the conditions of a `when` mapping ({parent: value or [values], ...}) to p;
 * -1 after printing. The `when` is that of the first `level` keys of p's path: p's own
 * (level p->n_path), or a group's it is nested in. */
int sweep_parse_when(sweep_ctx *c, sweep_param *p, const yaml_node_t *when, size_t level);

/* Once every param is read: resolves each condition's parent, checks the values it can
 * take, refuses cycles, and sets sw->order and sw->conditional; -1 after printing. */
int sweep_resolve_conditions(sweep_ctx *c);

/* pbt_sweep.c: the `pbt` block, and what method pbt needs of the whole sweep. */
int sweep_parse_pbt(sweep_ctx *c, const yaml_node_t *v);
int sweep_check_pbt(sweep_ctx *c, const yaml_node_t *root);

#endif
