/* Distributions: validation, canonical JSON, membership, conversions. */
#ifndef KNOB_SPACE_H
#define KNOB_SPACE_H

#include "internal.h"
#include "util/json.h"

/* Checks `d` for param `name` and normalizes it in place (a stepped range's high is
 * lowered to its last step). KNOB_EINVAL with a message naming the param otherwise. */
int knob__dist_check(knob_distribution *d, const char *name);

bool knob__dist_equal(const knob_distribution *a, const knob_distribution *b);

/* Appends the canonical JSON text of `d` (equal distributions give equal text). */
void knob__dist_json(knobx_buf *b, const knob_distribution *d);

/* A copy of `d` in one malloc'd block (choices and their strings inside); free(). */
knob_distribution *knob__dist_clone(const knob_distribution *d);

/* Parses canonical JSON text into a cloned distribution (free()). NULL on bad text, or on
 * a distribution knob__dist_check refuses (or out of memory). */
knob_distribution *knob__dist_parse(const char *json);

/* Whether two choices are the same value: of one type (1 and "1", true and 1 differ), equal
 * strings or numbers, or both null. */
bool knob__choice_same(const knob_choice *a, const knob_choice *b);

/* x as text, the fewest digits (15 to 17) that read back as x: 100000000.09999999, 0.1. */
const char *knob__num_text(double x, char out[32]);

/* True when `internal` is a value the distribution can take. */
bool knob__dist_contains(const knob_distribution *d, double internal);

/* Snaps a number in the param's range to the nearest value it can take (steps, ints,
 * bounds). For categoricals, rounds to an index. */
double knob__dist_snap(const knob_distribution *d, double x);

/* Converts an external value (a JSON node: a number, or a string holding a number, or a
 * choice) to the internal value; KNOB_EINVAL when it does not fit. */
int knob__dist_from_external(const knob_distribution *d, const knobx_json *v, double *internal,
                             const char *name);

/* Whether the fixed value v (an enqueued or knob_study_set_fixed_params value) fits d, as a
 * trial's suggest takes it: itself, or a bool or number that fits as the other (true is 1);
 * its internal value in *x. A misfit sets no error; the sampler samples the param (trial.c). */
bool knob__fixed_fits(const knob_distribution *d, const knobx_json *v, const char *name, double *x);

/* A stepped float's steps (checked): how many from low to high, and the k-th point
 * (low + k * step, never above high; the nearest double to that decimal where low and step
 * are decimals: 0.3, not 0.30000000000000004). Every point of a stepped float is made by
 * knob__dist_step_at, so that the top one is high itself. */
double knob__dist_steps(const knob_distribution *d);
double knob__dist_step_at(const knob_distribution *d, double k);

/* Number of values a discrete distribution can take (0 for a continuous float). */
double knob__dist_size(const knob_distribution *d);

/* Appends the external value of `internal` as JSON. */
void knob__dist_external_json(knobx_buf *b, const knob_distribution *d, double internal);

#endif
