/* The points gp proposed to trials of this process that do not show them yet
 * (samplers/proposed.h).
 *
 * A batch asked together (K asks, then the suggests in each) gave every ask the same data, so
 * every trial of the batch got the same point, whatever `pending` and `batch_acquisition`
 * said: 4 trials at x = 0.040832 of x^2 on [-3, 3]. So gp remembers the point of each trial it
 * proposed to, while the trial runs without its params in the trials read, and such a trial
 * counts as the running trials with params count (a fantasy, and a turn of the batch hedge).
 * Under auto the list is the one smac's turns keep theirs in too, so that each counts the
 * other's.
 *
 * A point is forgotten once its trial shows every param of it or is not running any more; at
 * most KNOB__PROPOSED_MAX of them are kept, the oldest going first. */
#include "samplers/gp_internal.h"

#include <stdlib.h>

static knob__proposed *proposed(bo *p)
{
    return p->shared_proposed ? p->shared_proposed : &p->own_proposed;
}

void knob__gp_share_proposed(void *gp_state, knob__proposed *shared)
{
    bo *p = gp_state;
    knob__proposed_free(&p->own_proposed);
    p->shared_proposed = shared;
}

void knob__bo_proposals_prune(bo *p, const knob_trial_info *const *tr, size_t n_tr)
{
    knob__proposed_prune(proposed(p), tr, n_tr);
}

int knob__bo_propose(bo *p, knob_trial *t, double *xbest)
{
    int d = p->n_dims, rc = KNOB_OK;
    knob_param *q = malloc((size_t)(d ? d : 1) * sizeof *q);
    if (!q)
        return knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    for (int k = 0; !rc && k < d; k++) {
        xbest[k] = knob__dim_round(&p->dims[k], xbest[k]);
        q[k] = (knob_param){p->dims[k].name, p->dims[k].dist,
                            knob__dim_from_unit(&p->dims[k], xbest[k])};
        rc = knob_trial_propose(t, q[k].name, q[k].dist, q[k].internal);
    }
    int64_t number = knob_trial_number(t);
    /* an enqueued trial runs its fixed params, not this point: it counts once it shows them */
    if (!rc && knob_trial_system_attr(t, "fixed_params"))
        knob__proposed_forget(proposed(p), number);
    else if (!rc)
        rc = knob__proposed_add(proposed(p), number, q, (size_t)d);
    free(q);
    return rc;
}

void knob__bo_encode_proposals(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                               double *X, int *n_rows)
{
    int d = p->n_dims;
    const knob__proposed *l = proposed(p);
    for (size_t j = 0; j < l->n; j++) {
        const knob__proposed_point *q = &l->at[j];
        const knob_trial_info *ti = knob__trial_numbered(tr, n_tr, q->number);
        double *row = X + (size_t)*n_rows * d;
        /* a trial that shows the params of this space counts by them (encode_extra) */
        if (!ti || ti->state != KNOB_TRIAL_RUNNING || ti->number == self ||
            knob__bo_encode(p, ti, row))
            continue;
        knob_trial_info as = knob__proposed_info(q);
        if (knob__bo_encode(p, &as, row))
            (*n_rows)++;
    }
}

void knob__bo_proposals_free(bo *p)
{
    knob__proposed_free(&p->own_proposed);
}
