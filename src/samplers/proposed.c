/* The points proposed to trials of this handle that do not show them yet (see proposed.h). */
#include "samplers/proposed.h"
#include "internal.h"
#include "samplers/transform.h"

#include <stdlib.h>
#include <string.h>

static void drop(knob__proposed *l, size_t j)
{
    free(l->at[j].params);
    memmove(l->at + j, l->at + j + 1, (l->n - j - 1) * sizeof *l->at);
    l->n--;
}

const knob__proposed_point *knob__proposed_find(const knob__proposed *l, int64_t number)
{
    for (size_t j = l->n; j-- > 0;)
        if (l->at[j].number == number)
            return &l->at[j];
    return NULL;
}

void knob__proposed_forget(knob__proposed *l, int64_t number)
{
    for (size_t j = l->n; j-- > 0;)
        if (l->at[j].number == number)
            drop(l, j);
}

int knob__proposed_add(knob__proposed *l, int64_t number, const knob_param *params, size_t n)
{
    knob_param *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy || knob__grow(&l->at, &l->cap, l->n + 1, sizeof *l->at)) {
        free(copy);
        return knob_set_error(KNOB_ENOMEM, "out of memory (the points proposed to trials)");
    }
    if (n)
        memcpy(copy, params, n * sizeof *copy);
    knob__proposed_forget(l, number);
    if (l->max && l->n == l->max)
        drop(l, 0);
    l->at[l->n++] = (knob__proposed_point){number, copy, n};
    return KNOB_OK;
}

/* The trial shows every param of the point, under any distribution. */
static bool shows_all(const knob_trial_info *ti, const knob__proposed_point *q)
{
    for (size_t k = 0; k < q->n; k++)
        if (!knob_trial_info_param(ti, q->params[k].name))
            return false;
    return true;
}

void knob__proposed_prune(knob__proposed *l, const knob_trial_info *const *tr, size_t n_tr)
{
    for (size_t j = l->n; j-- > 0;) {
        const knob_trial_info *ti = knob__trial_numbered(tr, n_tr, l->at[j].number);
        if (!ti || ti->state != KNOB_TRIAL_RUNNING || shows_all(ti, &l->at[j]))
            drop(l, j);
    }
}

knob_trial_info knob__proposed_info(const knob__proposed_point *q)
{
    return (knob_trial_info){
        .number = q->number, .state = KNOB_TRIAL_RUNNING, .n_params = q->n, .params = q->params};
}

void knob__proposed_free(knob__proposed *l)
{
    for (size_t j = 0; j < l->n; j++)
        free(l->at[j].params);
    free(l->at);
    l->at = NULL;
    l->n = l->cap = 0;
}
