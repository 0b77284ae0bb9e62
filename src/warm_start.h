/* Warm starts: the source study of a sampler's warm_start_study option, opened to read
 * (knob_study_open_related), checked, and its finished trials as losses. tpe, gp, smac and
 * cmaes read their sources through these, so the errors and what counts as a usable
 * source trial are written once. */
#ifndef KNOB_WARM_START_H
#define KNOB_WARM_START_H

#include "knob.h"

#include <stdbool.h>
#include <stddef.h>

/* One finished trial of a source: complete with a finite first value. loss is that
 * value, negated when the source maximizes; the trial is borrowed from the source study. */
typedef struct knob__warm_trial {
    const knob_trial_info *trial;
    double loss;
    bool feasible; /* every constraint satisfied (knob_trial_info_feasible) */
} knob__warm_trial;

/* Opens study `name` from storage `url` (NULL or "": the storage of s) for `sampler`'s
 * warm start and checks that it has one objective. On failure *out is NULL and the error
 * names the sampler, the option, the study and the storage option when given
 * (KNOB_ENOTFOUND for a missing study, KNOB_EINVAL for several objectives, or the
 * storage's code). The caller frees *out with knob_study_free (which closes a storage
 * opened for it). */
int knob__warm_open(knob_study *s, const char *sampler, const char *name, const char *url,
                    knob_study **out);

/* The finished trials of src, in trial order, in *out (malloc'd, the caller frees it; NULL
 * when there are none), their count in *n. The trials are borrowed from src: valid until
 * src is synced again or freed. Returns KNOB_OK, KNOB_ENOMEM or the storage's code. */
int knob__warm_trials(knob_study *src, knob__warm_trial **out, size_t *n);

/* Orders warm trials best (lowest loss) first; equal losses keep trial order. */
void knob__warm_sort(knob__warm_trial *w, size_t n);

#endif
