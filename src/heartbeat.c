/* Heartbeats of running trials, and the failing and retrying of trials whose worker
 * stopped beating. */
#include "space.h"
#include "study.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Whether call `what` beats trial t: KNOB_EINVAL (NULL) and KNOB_ESTATE (its study freed)
 * said; false without a heartbeat interval or before the trial has its row. */
static bool beats(knob_trial *t, const char *what, int *rc)
{
    *rc = KNOB_OK;
    if (!t)
        *rc = knob__error(KNOB_EINVAL, "%s: trial is NULL", what);
    else if (!t->s)
        *rc = knob__error(KNOB_ESTATE, "%s: trial %lld was left open when its study was freed",
                          what, (long long)t->number);
    return !*rc && t->s->heartbeat_interval > 0 && t->id >= 0;
}

int knob_trial_heartbeat(knob_trial *t)
{
    int rc;
    if (!beats(t, "knob_trial_heartbeat", &rc))
        return rc;
    if ((rc = knob__trial_flush_params(t))) /* a retry needs them */
        return rc;
    double now = knob__now();
    char json[40];
    snprintf(json, sizeof json, "%.6f", now);
    rc = knob__store_trial_attr(t->s, t->id, true, "heartbeat", json);
    if (!rc)
        t->last_beat = now;
    return rc;
}

int knob_trial_heartbeat_stop(knob_trial *t)
{
    int rc;
    if (!beats(t, "knob_trial_heartbeat_stop", &rc))
        return rc;
    rc = knob__store_trial_attr(t->s, t->id, true, "heartbeat", "null");
    if (!rc)
        t->last_beat = INFINITY; /* a report's beat waits for now - last_beat >= interval */
    return rc;
}

/* The params of a trial as a JSON object of external values, for its retry. */
static void params_json(knobx_buf *b, const knob_trial_info *info)
{
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < info->n_params; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        knobx_json_add_string(b, info->params[i].name);
        knobx_buf_puts(b, ":");
        knob__dist_external_json(b, info->params[i].dist, info->params[i].internal);
    }
    knobx_buf_puts(b, "}");
}

static int64_t attr_int(const knob_trial_info *info, const char *key, int64_t dflt)
{
    const char *v = knob_trial_info_attr(info, key, true);
    int64_t x;
    return v && sscanf(v, "%" SCNd64, &x) == 1 ? x : dflt;
}

/* The system attribute where the knob CLI keeps the params as its program got them, which
 * a waiting retry keeps from its source, to be listed as its source is (a quantile the
 * library holds is not the value the program got). */
#define PROGRAM_PARAMS "program_params"

/* The retry of a failed trial (its heartbeat lost, or knob_study_retry_trial): its params
 * fixed, linked to its original, with the user attributes it had (a checkpoint's path, say),
 * as Optuna's RetryFailedTrialCallback makes a retry, and its PROGRAM_PARAMS. r->w borrows
 * from info and from r. */
typedef struct retry_rec {
    knobx_buf fixed;
    char of[32], nth[32];
    knob_attr sys[4];
    knob__waiting_rec w;
} retry_rec;

/* Fills r unless the trial's chain holds max_retry retries already (false: no retry; r
 * needs no freeing then). */
static bool retry_make(const knob_study *s, const knob_trial_info *info, retry_rec *r)
{
    int64_t count = attr_int(info, "retry_count", 0);
    if (count >= s->max_retry)
        return false;
    int64_t origin = attr_int(info, "retry_of", info->number);
    snprintf(r->of, sizeof r->of, "%" PRId64, origin);
    snprintf(r->nth, sizeof r->nth, "%" PRId64, count + 1);
    r->fixed = (knobx_buf){0};
    params_json(&r->fixed, info);
    r->sys[0] = (knob_attr){"fixed_params", knobx_buf_cstr(&r->fixed)};
    r->sys[1] = (knob_attr){"retry_of", r->of};
    r->sys[2] = (knob_attr){"retry_count", r->nth};
    const char *given = knob_trial_info_attr(info, PROGRAM_PARAMS, true);
    if (given)
        r->sys[3] = (knob_attr){PROGRAM_PARAMS, given};
    r->w = (knob__waiting_rec){.user_attrs = info->user_attrs,
                               .n_user_attrs = info->n_user_attrs,
                               .system_attrs = r->sys,
                               .n_system_attrs = given ? 4 : 3};
    return true;
}

/* Enqueues the retry of a failed trial, unless its chain holds max_retry retries or the
 * study is full (max_trials); *enqueued (may be NULL) says whether it was. */
static int retry(knob_study *s, const knob_trial_info *info, bool *enqueued)
{
    if (enqueued)
        *enqueued = false;
    retry_rec r;
    if (!retry_make(s, info, &r))
        return KNOB_OK;
    int64_t id, number;
    int rc = r.fixed.oom ? knob__oom("retry") : knob__store_new_waiting(s, &r.w, &id, &number);
    knobx_buf_free(&r.fixed);
    if (enqueued)
        *enqueued = rc == KNOB_OK;
    return rc == KNOB_EDONE ? KNOB_OK : rc;
}

int knob_study_retry_trial(knob_study *s, int64_t number, bool *enqueued)
{
    if (enqueued)
        *enqueued = false;
    if (!s)
        return knob__error(KNOB_EINVAL, "knob_study_retry_trial: study is NULL");
    int rc = knob__view_sync(s);
    if (rc)
        return rc;
    const knob_trial_info *info = knob__view_trial(&s->view, number);
    if (!info)
        return knob__error(KNOB_ENOTFOUND, "study '%s': no trial %lld to retry", s->name,
                           (long long)number);
    if (info->state != KNOB_TRIAL_FAIL)
        return knob__error(KNOB_ESTATE,
                           "study '%s': trial %lld is not failed: only a failed "
                           "trial is run again",
                           s->name, (long long)number);
    /* once: a trial already holding this one's place in the chain is its retry */
    int64_t origin = attr_int(info, "retry_of", info->number);
    int64_t next = attr_int(info, "retry_count", 0) + 1;
    for (size_t i = 0; i < s->view.n; i++) {
        const knob_trial_info *t = s->view.by_number[i];
        if (t && t != info && attr_int(t, "retry_of", -1) == origin &&
            attr_int(t, "retry_count", 0) == next)
            return KNOB_OK;
    }
    return retry(s, info, enqueued);
}

/* Whether t ended COMPLETE or PRUNED after it was failed as lost (its worker's late end). */
static bool ended_late(const knob_trial_info *t)
{
    return t && (t->state == KNOB_TRIAL_COMPLETE || t->state == KNOB_TRIAL_PRUNED) &&
           knob_trial_info_attr(t, "lost_cause", true);
}

bool knob__retry_unneeded(const knob_study *s, const knob_trial_info *info, int64_t *of)
{
    int64_t origin = attr_int(info, "retry_of", -1), count = attr_int(info, "retry_count", 0);
    if (origin < 0 || count < 1)
        return false;
    /* the original, or any retry before this one along its chain */
    const knob_trial_info *o = knob__view_trial(&s->view, origin);
    if (ended_late(o)) {
        *of = origin;
        return true;
    }
    for (size_t i = 0; count > 1 && i < s->view.n; i++) {
        const knob_trial_info *t = s->view.by_number[i];
        if (t && t != info && attr_int(t, "retry_of", -1) == origin &&
            attr_int(t, "retry_count", 0) < count && ended_late(t)) {
            *of = t->number;
            return true;
        }
    }
    return false;
}

void knob__lost_reason(char *buf, size_t size, double silent)
{
    /* tenths below 10 s: a grace of half a second reads "for 0.7 s", not "for 1 s" */
    snprintf(buf, size,
             silent < 9.95 ? "no heartbeat for %.1f s (its worker stopped)"
                           : "no heartbeat for %.0f s (its worker stopped)",
             silent);
}

/* Fails a silent trial and enqueues its retry in one write (knob__store_fail_retry): a
 * failer killed between the two left the trial failed and never run again. */
static int fail_one(knob_study *s, const knob_trial_info *info, double silent)
{
    char reason[128];
    knob__lost_reason(reason, sizeof reason, silent);
    retry_rec r;
    bool again = retry_make(s, info, &r);
    int rc = again && r.fixed.oom ? knob__oom("retry")
                                  : knob__store_fail_retry(s, info->id, reason, "worker_lost",
                                                           again ? &r.w : NULL, NULL);
    if (again)
        knobx_buf_free(&r.fixed);
    return rc == KNOB_ESTATE ? KNOB_OK : rc; /* ESTATE: another worker noticed first */
}

int knob__fail_stale(knob_study *s)
{
    double now = knob__now();
    const knob__view *v = &s->view;
    for (size_t i = 0; i < v->n; i++) {
        const knob_trial_info *info = v->by_number[i];
        if (!info || info->state != KNOB_TRIAL_RUNNING)
            continue;
        const char *beat = knob_trial_info_attr(info, "heartbeat", true);
        double last;
        if (!beat || sscanf(beat, "%lf", &last) != 1)
            continue; /* a trial without heartbeats is never failed for their lack */
        if (now - last > s->grace_period) {
            int rc = fail_one(s, info, now - last);
            if (rc)
                return rc;
        }
    }
    return KNOB_OK;
}
