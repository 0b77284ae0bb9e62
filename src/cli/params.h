/* Suggesting a sweep's parameters in a trial, and their values as JSON and argv. */
#ifndef KNOB_CLI_PARAMS_H
#define KNOB_CLI_PARAMS_H

#include "cli/sweep.h"
#include "util/json.h"

/* The quantiles searched for the normal family and weighted choices. */
#define PARAMS_U_LOW 1e-6
#define PARAMS_U_HIGH (1 - 1e-6)

/* A string value whose num is this is JSON text, a list value ([64,64]): written into the
 * program's JSON as it is, and as that text in argv. */
#define PARAMS_JSON_TEXT 1.0

/* A number value whose str is this is a float to the program: written "1.0" when whole (a
 * float form's value, or a value written as a float), as W&B's Python passes it. */
extern const char params_float[];

/* One parameter's value as the program gets it. */
typedef struct param_value {
    const char *name;  /* borrowed from the sweep: the library's name ("outer.inner") */
    char *const *path; /* borrowed: the keys it is nested in, then its own */
    size_t n_path;
    knob_choice value; /* str borrowed from the sweep when a string */
} param_value;

typedef struct trial_params {
    param_value *v;
    size_t n;
    char *json; /* the JSON object given to the program, nested as `parameters` nest */
} trial_params;

/* Suggests every active param of the sweep in t (those whose `when` holds), parents
 * first; out holds only those, in the file's order. With grid, the sampler enumerates
 * (sweep_enumerates: grid, brute_force) and enumerable params are suggested as their
 * grid's points, a categorical with probabilities as its choices. On failure prints the library's message and
 * returns -1. *out is freed by params_free, also after a failure. */
int params_suggest(const sweep *sw, knob_trial *t, bool grid, trial_params *out);
/* params_suggest without a word: the library's status (KNOB_ENOMEM when out of memory),
 * its message in knob_errmsg. With `every`, every param is suggested, whether its `when`
 * holds or not (a scratch trial that shows the sampler the whole space). */
int params_suggest_status(const sweep *sw, knob_trial *t, bool grid, bool every, trial_params *out);
void params_free(trial_params *tp);

/* The value as text for argv ("0.01", "adam", "true"). */
void params_value_text(knobx_buf *b, const knob_choice *v);

/* x as the program gets a param of a quantized form: a multiple of its q (as is without
 * one), 0 for a negative value that rounds to zero. */
double params_round_q(double x, const sweep_param *p);

/* Builds the JSON object of the values: a param nested in `parameters` of "a" as
 * {"a": {"b": ...}}, a name written with dots as it is ({"a.b": ...}). Params nested in
 * one key are contiguous in v (as the sweep lists them). */
void params_json(knobx_buf *b, const param_value *v, size_t n);

/* For knob enqueue: the value the library must hold under p's name so that the program
 * gets `given` (a quantile for the normal family and for probabilities, the reciprocal for
 * inv_log_uniform_values, else the value itself). Appends it as JSON to b; -1 when `given`
 * cannot be such a value, with why (one line, naming the param) appended to err. */
int params_fixed_json(const sweep_param *p, bool grid, const knobx_json *given, knobx_buf *b,
                      knobx_buf *err);

/* The study system attribute that says, for Python's knob, how the program's values of the
 * params the library holds otherwise (params_fixed_json's) are distributed, and, for the
 * library's warm starts (samplers/warm_start.c), which are held as quantiles or reciprocals. */
#define PARAMS_DISTRIBUTIONS_ATTR "program_distributions"

/* Appends that attribute's JSON to b: an object with one member per param of the sweep whose
 * library value is not the program's (with `grid` as params_suggest takes it), named as the
 * library names it: {"path": [the keys it is nested in, then its own], "held": the
 * distribution the library holds it by, "shown": that of the program's values, "as":
 * "quantile", "reciprocal" or "unrounded" (q_log_uniform_values: the value before its
 * rounding to q)}, each a
 * distribution as knob.distributions' JSON writes it ({"name": "FloatDistribution",
 * "attributes": {...}}). The normal family's shown range is that of the quantiles searched,
 * a categorical's choices are the program's values (a list or mapping as its JSON text). */
void params_program_distributions(const sweep *sw, bool grid, knobx_buf *b);

#endif
