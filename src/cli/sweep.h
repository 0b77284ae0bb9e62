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

typedef struct sweep_param {
    char *name; /* flattened: "outer.inner" */
    param_kind kind;
    knob_choice *choices; /* categorical values, or the constant's one value */
    size_t n_choices;
    double *probs; /* categorical probabilities, or NULL */
    double min, max, mu, sigma, q;
    bool has_min, has_max, has_q;
    int line;
} sweep_param;

typedef struct objective {
    char *name;
    knob_direction goal;
} objective;

typedef struct sweep {
    char *path;
    char *text; /* the file as read */
    char *program;
    char **command; /* NULL: the W&B default */
    size_t n_command;
    char *method;
    objective *objectives;
    size_t n_objectives;
    double target;
    bool has_target;
    sweep_param *params;
    size_t n_params;
    int64_t run_cap;   /* 0: none */
    char *storage, *study, *trial_dir;
    char *sampler, *sampler_options; /* options as "k=v,k=v" */
    char *pruner, *pruner_options;
    int64_t parallel, trials, seed;
    bool has_seed;
    double trial_timeout; /* seconds; 0: none */
    char *early_type;     /* early_terminate.type, or NULL */
    int64_t early_min_iter, early_max_iter, early_s, early_eta;
} sweep;

/* Reads and checks a sweep file. On failure prints "FILE:LINE:COL: ..." to stderr and
 * returns -1. */
int sweep_load(const char *path, sweep *out);
void sweep_free(sweep *sw);

/* The number of choices of param i's grid, or 0 when it is not enumerable. */
int sweep_grid_values(const sweep_param *p, char **json);

#endif
