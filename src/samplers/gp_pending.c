/* The points gp proposed to trials of this process that do not show them yet.
 *
 * A trial's point is decided at its ask (sample_relative), but the trial's params reach the
 * trials a sampler reads only once the trial suggests them (the core writes suggested params,
 * at the latest at the next ask). A batch asked together (K asks, then the suggests in each:
 * Python's study.ask() in a loop, a C program that hands its trials out) gave every ask the
 * same data, so every trial of the batch got the same point, whatever `pending` and
 * `batch_acquisition` said: 4 trials at x = 0.040832 of x^2 on [-3, 3]. So gp remembers the
 * point of each trial it proposed to, while the trial runs without its params in the trials
 * read, and such a trial counts as the running trials with params count (a fantasy, and a
 * turn of the batch hedge). Asked one at a time (ask, suggest, ask ...), every trial shows
 * its params at the next ask and nothing changes.
 *
 * A point is forgotten once its trial shows every param of it (what the trial suggested is
 * then the truth, even when it took other values) or is not running any more; at most
 * PROPOSALS_MAX of them are kept, the oldest going first. Names and distributions are the
 * space's: interned by the study's view, which keeps them while the study (which owns the
 * sampler) lives. */
#include "samplers/gp_internal.h"

#include <stdlib.h>
#include <string.h>

#define PROPOSALS_MAX 256

/* The trial shows every param of the proposal, under any distribution. */
static bool shows_all(const knob_trial_info *ti, const knob__bo_proposal *q)
{
    for (size_t k = 0; k < q->n; k++)
        if (!knob_trial_info_param(ti, q->params[k].name))
            return false;
    return true;
}

static void forget(bo *p, int j)
{
    free(p->prop[j].params);
    memmove(p->prop + j, p->prop + j + 1, (size_t)(p->n_prop - j - 1) * sizeof *p->prop);
    p->n_prop--;
}

void knob__bo_proposals_prune(bo *p, const knob_trial_info *const *tr, size_t n_tr)
{
    for (int j = p->n_prop; j-- > 0;) {
        const knob_trial_info *ti = knob__trial_numbered(tr, n_tr, p->prop[j].number);
        if (!ti || ti->state != KNOB_TRIAL_RUNNING || shows_all(ti, &p->prop[j]))
            forget(p, j);
    }
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
    if (!rc && !p->prop && !(p->prop = malloc(PROPOSALS_MAX * sizeof *p->prop)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (gp)");
    if (rc) {
        free(q);
        return rc;
    }
    int64_t number = knob_trial_number(t);
    for (int j = p->n_prop; j-- > 0;)
        if (p->prop[j].number == number)
            forget(p, j);
    /* an enqueued trial runs its fixed params, not this point: it counts once it shows them */
    if (knob_trial_system_attr(t, "fixed_params")) {
        free(q);
        return KNOB_OK;
    }
    if (p->n_prop == PROPOSALS_MAX)
        forget(p, 0);
    p->prop[p->n_prop++] = (knob__bo_proposal){number, q, (size_t)d};
    return KNOB_OK;
}

void knob__bo_encode_proposals(const bo *p, const knob_trial_info *const *tr, size_t n_tr,
                               int64_t self, double *X, int *n_rows)
{
    int d = p->n_dims;
    for (int j = 0; j < p->n_prop; j++) {
        const knob__bo_proposal *q = &p->prop[j];
        const knob_trial_info *ti = knob__trial_numbered(tr, n_tr, q->number);
        double *row = X + (size_t)*n_rows * d;
        /* a trial that shows the params of this space counts by them (encode_extra) */
        if (!ti || ti->state != KNOB_TRIAL_RUNNING || ti->number == self ||
            knob__bo_encode(p, ti, row))
            continue;
        knob_trial_info as = {.number = q->number,
                              .state = KNOB_TRIAL_RUNNING,
                              .n_params = q->n,
                              .params = q->params};
        if (knob__bo_encode(p, &as, row))
            (*n_rows)++;
    }
}

void knob__bo_proposals_free(bo *p)
{
    for (int j = 0; j < p->n_prop; j++)
        free(p->prop[j].params);
    free(p->prop);
    p->prop = NULL;
    p->n_prop = 0;
}
