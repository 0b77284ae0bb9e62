/*
 * Helpers shared by the files of libknob. Nothing here is public.
 */
#ifndef KNOB_INTERNAL_H
#define KNOB_INTERNAL_H

#include "knob.h"
#include "math/hash.h" /* knob__hash, a number function of src/math */

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

/* Sets this thread's error message and returns `status`. */
int knob__error(int status, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int knob__verror(int status, const char *fmt, va_list ap);

/* A trial's state as a message reads it: "already failed", where knob_trial_state_str gives
 * the stored word "fail". */
const char *knob__state_word(knob_trial_state state);

/* Prepends "prefix: " to this thread's current error message; returns `status`. */
int knob__error_prefix(int status, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* This thread's message taken aside and put back whole (a long one's block is handed over,
 * not copied): a check whose failure is not the caller's (a misfit left to the sampler, a
 * stored distribution read again) leaves the caller's message and the pointer
 * knob_errmsg gave as they were. Every knob__error_keep is followed by one
 * knob__error_put of the same struct on the same thread. */
typedef struct knob__kept_error {
    char *whole;     /* the long message's block, or NULL */
    char text[1024]; /* the message, when it was short */
} knob__kept_error;
void knob__error_keep(knob__kept_error *k);
void knob__error_put(knob__kept_error *k);

/* Around each call of a plugin's method (a sampler's, a pruner's), which reports a failure
 * with a status and knob_set_error: begin takes this thread's message aside and empties
 * it, so that a failure the method does not describe is never told with an older,
 * unrelated message. end(k, rc, "sampler", "x", "sample_independent") puts the message back
 * when rc is KNOB_OK; otherwise it returns rc as a status of the enum, any other value as
 * KNOB_EINVAL, with a message saying so where the method set none. */
void knob__plugin_call_begin(knob__kept_error *k);
int knob__plugin_call_end(knob__kept_error *k, int rc, const char *kind, const char *name,
                          const char *method);

/* KNOB_ENOMEM with a message naming what could not be allocated. */
int knob__oom(const char *what);

/* KNOB_OK when missing is NULL, else KNOB_EUNSUPPORTED with the message "<what> needs
 * <missing>": for a library opened when first needed (util/lazy.h), as in
 * knob__needs("postgresql storage", knobx_lazy_pq()). */
int knob__needs(const char *what, const char *missing);

/* strdup that may fail (NULL); NULL in gives NULL out. */
char *knob__strdup(const char *s);

/* Wall-clock time in Unix seconds. */
double knob__now(void);

/* Seconds written as a plain decimal number from 0 to `max` (digits and at most one '.'),
 * the whole of text[0..len) (no unit, no space): true, with *out, when the text is one;
 * "5m", "-1", "+1", "1e3", "0x10", "", "inf" and "nan" are not.
 * For the settings that take seconds: a SQLite URL's ?timeout=, KNOB_PG_RETRY_SECONDS. */
bool knob__parse_seconds(const char *text, size_t len, double max, double *out);

/* Grows *arr (elements of `size` bytes) so it holds at least `need`; *cap updated.
 * Returns 0, or -1 when memory runs out (*arr unchanged). */
int knob__grow(void *arr, size_t *cap, size_t need, size_t size);

/* The constraint values of the system attribute "constraints" (a JSON array of numbers,
 * as knob_trial_set_constraints writes it): how many; written to out[0..cap) when out is
 * not NULL. An element that is not a number reads as NaN (infeasible). */
size_t knob__constraints_parse(const char *json, double *out, size_t cap);

/* knob_trial_propose for a name and a distribution the study's view interned already (a
 * knob__dim's of samplers/transform.h, a knob_trial_info's param's): the same proposal
 * without looking them up. A pointer the view did not intern is never matched by the
 * suggest, which samples that param alone. KNOB_OK or KNOB_ENOMEM. */
int knob__trial_propose_interned(knob_trial *t, const char *name, const knob_distribution *dist,
                                 double internal);

/* knob_trial_propose of a value that stands for itself, not for a point of `dist` alone (a
 * warm start's first configurations, from a source study whose space may differ): when the
 * trial suggests the param under another distribution, a number inside its range is snapped
 * to a value it can take and a categorical choice is matched by its value among its
 * choices; a value that does not fit is left to the sampler. Codes as knob_trial_propose. */
int knob__trial_propose_by_value(knob_trial *t, const char *name, const knob_distribution *dist,
                                 double internal);

/* The change stamp of the trials knob_study_trials last gave (the stamp that
 * knob_study_trials_since would give with them), or -1 when that list stopped before a
 * trial it could not see yet (view.c). For samplers that keep state between processes. */
int64_t knob__study_trials_stamp(const knob_study *s);

/* knob_trial_set_system_attr for JSON the caller wrote itself and knows to be valid (a
 * sampler's numbers and lists): the same without checking the text again. */
int knob__trial_set_system_attr_valid(knob_trial *t, const char *key, const char *json);

/* The text of the last option `key` in an options string "k=v,k=v" (commas inside
 * brackets do not split) into *out, malloc'd for the caller to free; *out NULL when the
 * string has none. KNOB_ENOMEM, or the string's error (KNOB_EINVAL) naming `who` (options.c). */
int knob__option_text(const char *options, const char *who, const char *key, char **out);

/* fail_cause of a trial failed by another worker for its silent heartbeat, as JSON; and
 * whether t is such a trial (FAIL with it; trial.c): a sampler need not learn from it, and
 * its worker's own end, late, is still taken (storage/backend.h, finish). */
#define KNOB__LOST_JSON "\"worker_lost\""
bool knob__trial_lost(const knob_trial_info *t);
/* Whether t failed for nothing its params did: lost (above), or a retry failed unrun as
 * not needed (fail_cause "retry_unneeded"): a sampler learns nothing from it. */
bool knob__fail_says_nothing(const knob_trial_info *t);

/* Whether option `key` of `table` holds in `state` another value than the table's default
 * (false for an option the table lacks): an option that acts only beside another is refused
 * when set without it. The value goes into text[0 .. size) as set_one reads it, for the
 * message. (options.c) */
bool knob__option_changed(const knob_option *table, const void *state, const char *key, char *text,
                          size_t size);

#endif
