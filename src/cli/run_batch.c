/* The storage writes of one turn of knob run's loop in one batch (knob_storage_batch_begin):
 * on SQLite a trial was about five write transactions (its creation, its param, two
 * attributes, its value, its end), each a commit; a batch makes them one commit for all
 * the trials that end and start in the turn. What the run shows keeps to what is saved: a
 * trial's end is shown and counted only once the batch holding it is committed, and a
 * trial asked in a batch starts its program only then, so a program never runs for a trial
 * the storage does not hold, and a knob run killed at any moment loses no trial it showed
 * as done. */
#include "cli/run.h"

#include <stdlib.h>
#include <string.h>

static void count(runner *r, knob_trial_state state)
{
    if (state == KNOB_TRIAL_RUNNING) {
        r->unsaved++;
        return;
    }
    r->done++;
    r->complete += state == KNOB_TRIAL_COMPLETE;
    r->failed += state == KNOB_TRIAL_FAIL;
    r->pruned += state == KNOB_TRIAL_PRUNED;
}

/* Keeps a trial's end to show at the commit; false when there is no memory for it. */
static bool keep(runner *r, int64_t number, knob_trial_state state, const char *reason,
                 const double *last, bool infeasible, bool ran)
{
    if (r->n_told == r->cap_told) {
        size_t cap = r->cap_told ? 2 * r->cap_told : 64;
        run_told *more = realloc(r->told, cap * sizeof *more);
        if (!more)
            return false;
        r->told = more;
        r->cap_told = cap;
    }
    run_told *t = &r->told[r->n_told];
    memset(t, 0, sizeof *t);
    t->number = number;
    t->state = state;
    if (reason && !(t->reason = strdup(reason)))
        return false;
    memcpy(t->last, last, sizeof t->last);
    t->infeasible = infeasible;
    t->ran = ran;
    r->n_told++;
    return true;
}

void run_ended(runner *r, int64_t number, knob_trial_state state, const char *reason,
               const double *last, bool infeasible, bool ran)
{
    if (r->in_batch && keep(r, number, state, reason, last, infeasible, ran))
        return;
    /* No batch, or no memory to keep the end for the commit: the commit comes first. */
    if (r->in_batch && !run_batch_close(r) && state != KNOB_TRIAL_RUNNING) {
        state = KNOB_TRIAL_RUNNING;
        reason = "the storage failed: its end was not committed";
    }
    r->best_fresh = false;
    count(r, state);
    run_progress_trial(r, number, state, reason, last, infeasible);
    run_say_initial_stop(r);
}

void run_batch_wrote(runner *r, int64_t number)
{
    if (!r->in_batch)
        return;
    for (size_t i = 0; i < r->n_wrote; i++)
        if (r->wrote[i] == number)
            return;
    if (r->n_wrote == r->cap_wrote) {
        size_t cap = r->cap_wrote ? 2 * r->cap_wrote : 64;
        int64_t *more = realloc(r->wrote, cap * sizeof *more);
        if (!more)
            return; /* only a name in a message is lost */
        r->wrote = more;
        r->cap_wrote = cap;
    }
    r->wrote[r->n_wrote++] = number;
}

void run_batch_open(runner *r)
{
    if (!r->batching || r->in_batch || r->storage_locked)
        return;
    /* A batch that cannot begin leaves each write to its own transaction, as without one:
     * a storage that fails says so at the writes. But one that waited the whole timeout for
     * another process's lock is the storage's failure now: each write would wait as long
     * again, and the run kept to the timeout at none of them. */
    int rc = knob_storage_batch_begin(r->ref.st);
    r->in_batch = rc == KNOB_OK;
    r->batch_opened = run_now();
    if (rc == KNOB_EBUSY) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        r->storage_locked = true;
        run_storage_failed(r, -1);
    }
}

bool run_batch_close(runner *r)
{
    if (!r->in_batch)
        return true;
    r->in_batch = false;
    int rc = knob_storage_batch_end(r->ref.st);
    bool committed = rc == KNOB_OK;
    if (!committed) {
        r->storage_locked |= rc == KNOB_EBUSY;
        for (size_t i = 0; i < r->n_wrote; i++)
            fprintf(stderr, "knob: trial %lld: its last writes were not saved: %s\n",
                    (long long)r->wrote[i], knob_errmsg());
        if (!r->n_wrote)
            fprintf(stderr, "knob: a batch of writes was not saved: %s\n", knob_errmsg());
        run_storage_failed(r, r->n_wrote ? r->wrote[0] : r->n_told ? r->told[0].number : -1);
    }
    r->n_wrote = 0;
    r->best_fresh = false;
    /* r->running no longer counts the trials that ended in the batch: each line shows the
     * later ones as running still, as they were when its trial ended (four trials stopped
     * at once by Ctrl-C show 3, 2, 1, then 0 running, not 0 four times) */
    r->told_running = 0;
    for (size_t i = 0; i < r->n_told; i++)
        r->told_running += r->told[i].ran;
    for (size_t i = 0; i < r->n_told; i++) {
        run_told *t = &r->told[i];
        r->told_running -= t->ran;
        bool saved = committed || t->state == KNOB_TRIAL_RUNNING;
        knob_trial_state state = saved ? t->state : KNOB_TRIAL_RUNNING;
        count(r, state);
        run_progress_trial(r, t->number, state,
                           saved ? t->reason : "the storage failed: its end was not committed",
                           t->last, t->infeasible);
        free(t->reason);
    }
    r->told_running = 0;
    r->n_told = 0;
    run_say_initial_stop(r);
    for (int i = 0; i < r->parallel; i++)
        if (r->slots[i].used && r->slots[i].argv)
            run_start_asked(r, &r->slots[i], committed);
    return committed;
}

void run_batch_tick(runner *r)
{
    if (r->in_batch && run_now() - r->batch_opened >= RUN_BATCH_SECONDS) {
        run_batch_close(r);
        run_batch_open(r);
    }
}
