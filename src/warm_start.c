/* Warm-start sources, read the same way by every sampler that takes warm_start_study. */
#include "warm_start.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int knob__warm_open(knob_study *s, const char *sampler, const char *name, const char *url,
                    knob_study **out)
{
    *out = NULL;
    bool other = url && url[0];
    knob_study *src = NULL;
    int rc = knob_study_open_related(s, name, other ? url : NULL, &src);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", knob_errmsg());
        return knob_set_error(rc, "%s: warm_start_study '%s'%s: %s", sampler, name,
                              other ? " from warm_start_storage" : "", why);
    }
    if (knob_study_n_objectives(src) != 1) {
        size_t k = knob_study_n_objectives(src);
        knob_study_free(src);
        return knob_set_error(KNOB_EINVAL,
                              "%s: warm_start_study '%s' has %zu objectives; it needs one", sampler,
                              name, k);
    }
    *out = src;
    return KNOB_OK;
}

int knob__warm_trials(knob_study *src, knob__warm_trial **out, size_t *n)
{
    const knob_trial_info *const *tr;
    size_t nt, m = 0;
    *out = NULL;
    *n = 0;
    int rc = knob_study_trials(src, &tr, &nt);
    if (rc)
        return rc;
    double sign = knob_study_direction(src, 0) == KNOB_MAXIMIZE ? -1 : 1;
    for (size_t i = 0; i < nt; i++)
        m += tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values >= 1 &&
             isfinite(tr[i]->values[0]);
    if (m == 0)
        return KNOB_OK;
    knob__warm_trial *w = malloc(m * sizeof *w);
    if (!w)
        return knob_set_error(KNOB_ENOMEM, "out of memory (warm start: %zu trials)", m);
    m = 0;
    for (size_t i = 0; i < nt; i++) {
        const knob_trial_info *t = tr[i];
        if (t->state != KNOB_TRIAL_COMPLETE || t->n_values < 1 || !isfinite(t->values[0]))
            continue;
        w[m++] = (knob__warm_trial){t, sign * t->values[0], knob_trial_info_feasible(t)};
    }
    *out = w;
    *n = m;
    return KNOB_OK;
}

static int cmp_warm(const void *a, const void *b)
{
    const knob__warm_trial *x = a, *y = b;
    if (x->loss != y->loss)
        return x->loss < y->loss ? -1 : 1;
    return (x->trial->number > y->trial->number) - (x->trial->number < y->trial->number);
}

void knob__warm_sort(knob__warm_trial *w, size_t n)
{
    if (n > 1)
        qsort(w, n, sizeof *w, cmp_warm);
}
