/* The structures behind the opaque handles, shared by the core's files. */
#ifndef KNOB_STUDY_H
#define KNOB_STUDY_H

#include "internal.h"
#include "map.h"
#include "storage/backend.h"
#include "util/json.h"

struct knob_storage {
    const knob__backend *be;
    void *h;
    char *url;
    /* a SQLite storage's URL with its file's path made absolute when it was opened (NULL:
     * another backend, or no memory): a relative path names that file still after the
     * process changed directory (the warm start's self check, knob_study_open_related) */
    char *abs_url;
    knob_study_summary *summaries; /* the last knob_storage_studies list, lent out */
    size_t n_summaries;
    bool batch; /* between knob_storage_batch_begin and _end */
};

struct knob_sampler {
    const knob_sampler_plugin *plugin;
    void *state;
    uint64_t seed;
};

struct knob_pruner {
    const knob_pruner_plugin *plugin;
    void *state;
};

/* The objective a pruner reads: its option `objective` (an integer: knob__plugin_check
 * refuses a pruner that declares it of another type), 0 for a pruner without one. */
int64_t knob__pruner_objective(const knob_pruner *p);

/* The study's picture of its trials in the storage, brought up to date by sync. */
typedef struct knob__view {
    knob_trial_info **by_number; /* NULL where a number is not known yet */
    size_t n, cap;
    int64_t seq;
    knob__map names; /* interned param names (value unused) */
    knob__map dists; /* canonical JSON -> knob_distribution * */
    /* The interned distributions with their JSON, in the order first seen: a suggest
     * compares against these before it writes any JSON. */
    struct knob__dist_entry {
        const knob_distribution *dist;
        const char *json;
    } * known;
    size_t n_known, cap_known;
    int64_t best;         /* number of the best COMPLETE trial (one objective), -1 */
    size_t n_finished[5]; /* by state */
    size_t n_waiting;     /* WAITING trials as of the last sync */
    size_t n_running;     /* RUNNING trials as of the last sync */
    size_t n_constraints; /* constraints per trial, as the first such trial has them; 0 */
    int64_t constraints_of; /* the one trial n_constraints has come from; -1: more than one,
                             * or an added trial (only that trial may change the count) */
    int64_t *stamps;      /* by number: the storage's change stamp of the trial's last write */
    size_t cap_stamps;
    const knob_trial_info **since; /* knob_study_trials_since's answer */
    size_t cap_since;
    size_t n_dense; /* by_number[0 .. n_dense) are all set (an entry once set stays set) */
    bool loaded;    /* read from the storage at least once */
    /* Blocks of trials loaded from a snapshot (one malloc each, holding many trials). */
    struct knob__arena {
        char *lo;
        size_t size;
    } * arenas;
    size_t n_arenas, cap_arenas;
    size_t n_delivered; /* trials put into the view, ever (snapshot.c counts from it) */
    int64_t snap_seq;   /* the stamp the storage's snapshot of the study ends at; 0: none */
    size_t snap_segs;   /* its segments */
    size_t snap_mark;   /* n_delivered when the view was last at snap_seq */
    size_t snap_wait;   /* changed trials before this process tries to write again (0: the
                         * tuning's least): it grows while other writers keep the chain */
    /* Read lazily (knob_study_trials_since on a study not read yet): the view holds only
     * the trials changed since `partial_from`, and anything that needs all of them reads
     * the study whole first (knob__view_sync). */
    bool partial;
    int64_t partial_from;
    /* The record of the best trials (knob__view_sync_best): a partial view made from it
     * (best_view), the stamp it was at and the numbers of its trials (which must not have
     * changed since for the view to answer), and whether to write the record again once the
     * best trials are known (best_write: it was missing, did not check out, or is behind). */
    bool best_view, best_write;
    int64_t best_stamp;
    int64_t *best_nums;
    size_t n_best_nums;
    size_t best_mark; /* n_delivered when the record was read */
    /* A partial view of the best trial alone, found by the storage's index (best_trial):
     * the next knob__view_sync_best finds it again, anything else reads the study. */
    bool best_index;
    /* by_number[0 .. lo) are all NULL: a partial view starts at a high number, and its
     * loops start here instead of touching (page-faulting) the empty entries below it. */
    size_t lo;
} knob__view;

struct knob_study {
    knob_storage *st;
    knob_storage *own_st; /* st when opened for this study alone (knob_study_open_related) */
    int64_t id;
    char *name;
    knob_direction *dirs;
    size_t n_dirs;
    knob_sampler *sampler;
    knob_pruner *pruner;
    knob__view view;
    char *attr_value; /* the last attribute read, returned borrowed */
    double heartbeat_interval, grace_period;
    int max_retry;
    int64_t max_trials;            /* 0: no cap */
    bool infinite_values;          /* +-inf complete values are stored (NaN fails) */
    const knob_trial_info **front; /* the last Pareto front, lent out */
    size_t cap_front;
    double *hv_history;       /* the last hypervolume history, lent out */
    struct knob_trial **open; /* asked, not yet told or detached */
    size_t n_open, cap_open;
    bool asked;          /* knob_study_ask ran once on this handle */
    /* At the last ask, its sync showed a running trial (another worker's, or another of this
     * handle's: threads, a batch) that is not one this handle let go (detached, the numbers
     * of those still running when last seen): a trial's params are written as they are
     * suggested, so that the samplers see them (they waited for the trial's next write). */
    bool params_at_once;
    int64_t *detached;
    size_t n_detached, cap_detached;
    bool state_save;     /* the sampler's state is saved when the first asked trial leaves */
    int64_t state_stamp; /* the stamp of the sampler state record read and given; 0: none */
    knobx_json *fixed;   /* params fixed in every trial asked (knob_study_set_fixed_params) */
};

typedef struct knob__proposal {
    const char *name;              /* interned in the view */
    const knob_distribution *dist; /* interned */
    double internal;
    bool by_value; /* knob__trial_propose_by_value's: taken under another distribution too */
} knob__proposal;

struct knob_trial {
    knob_study *s;
    int64_t id, number; /* -1 until the storage has the trial */
    knob_param *params;
    size_t n_params, cap_params;
    size_t n_written; /* params[0..n_written) are in the storage; the rest wait */
    knob__proposal *proposals;
    size_t n_proposals, cap_proposals;
    knob_step_value *inter;
    size_t n_inter, cap_inter;
    /* 1 + the step of the latest report that was NaN or an infinity on the losing side (not
     * stored: a diverged run), 0: none. Every pruner but none prunes while it is the latest. */
    int64_t diverged;
    /* 1 + the step of the latest report that was an infinity on the winning side (a loss of
     * -inf: not stored either), 0: none; and that value. Only the threshold pruner judges
     * it (its bounds are values); the others do not prune while it is the latest. */
    int64_t unbounded;
    double unbounded_value;
    knob_attr *attrs[2]; /* [0] user, [1] system: owned key and json strings */
    size_t n_attrs[2], cap_attrs[2];
    /* The system attributes an enqueued trial was stored with (fixed_params, retry_of...),
     * read through the handle after those set through it (owned; never written again). */
    knob_attr *stored;
    size_t n_stored;
    knobx_json *fixed; /* params fixed by enqueue, or NULL */
    double last_beat;
};

/* view.c */
int knob__view_sync(knob_study *s);
/* What the best trials need (knob_study_best_trial, knob_study_best_trials): on a study not
 * read yet whose storage keeps records (SQLite), the record of its best trials (one
 * objective: the best; several: the Pareto front) and the trials changed since its stamp,
 * in a partial view; the study read whole (knob__view_sync) otherwise, or when a trial of
 * the record changed since. Either way the view then gives the same best trials as the
 * whole study. knob__view_best_done writes the record (the numbers of the best trials
 * found) when it is missing or behind; a failed write is dropped (a cache). */
int knob__view_sync_best(knob_study *s);
/* knob__view_sync_best for the best trial of one objective (knob_study_best_trial): first
 * the storage's index of best values (backend best_trial), where it answers; the view then
 * holds that trial alone (best_index). KNOB_SNAPSHOT=off: every trial, as without it. */
int knob__view_sync_best_one(knob_study *s);
void knob__view_best_done(knob_study *s, const int64_t *numbers, size_t n);
void knob__view_free(knob__view *v);
/* Interns a param name / distribution in the view; NULL when out of memory. */
const char *knob__view_name(knob__view *v, const char *name);
const knob_distribution *knob__view_dist(knob__view *v, const knob_distribution *d,
                                         const char **json);
/* The bytes of a trial's block as knob__view_info builds it. */
size_t knob__view_info_size(const knob__trial_rec *r);
/* Builds a trial's block from a record, at `mem` (knob__view_info_size bytes) or
 * malloc'd when mem is NULL; its params from `resolved` (interned already) when not NULL,
 * else interned from the record. NULL when out of memory or a distribution is corrupt. */
knob_trial_info *knob__view_info(knob__view *v, const knob__trial_rec *r,
                                 const knob_param *resolved, void *mem);
/* Puts a built block in the view as trial r->number (replacing the one there), with the
 * counts, stamps and best kept up to date. */
int knob__view_put(knob_study *s, const knob__trial_rec *r, knob_trial_info *info);
/* Empties the view of its trials (seq 0, no snapshot); interned names and distributions
 * stay (trials in hand point at them). */
void knob__view_drop(knob__view *v);
/* Notes that trial `number` (-1: a trial being added) has n constraint values, checked by
 * knob__constraints_check: the study's count from now on, which that trial alone may change
 * while no other trial has any. Does nothing for n == 0. */
void knob__view_note_constraints(knob__view *v, int64_t number, size_t n);
/* The trial of that number, or NULL. */
const knob_trial_info *knob__view_trial(const knob__view *v, int64_t number);
/* True when a is better than b for objective 0 of s. */
bool knob__better(const knob_study *s, double a, double b);

/* What snapshot.c fills a view with: view.c's builders above, passed in by view.c (which
 * calls the snapshot), so that the snapshot does not call back into view.c. */
typedef struct knob__view_builders {
    const char *(*name)(knob__view *v, const char *name);
    const knob_distribution *(*dist)(knob__view *v, const knob_distribution *d, const char **json);
    size_t (*info_size)(const knob__trial_rec *r);
    knob_trial_info *(*info)(knob__view *v, const knob__trial_rec *r, const knob_param *resolved,
                             void *mem);
    int (*put)(knob_study *s, const knob__trial_rec *r, knob_trial_info *info);
    void (*drop)(knob__view *v);
} knob__view_builders;

/* snapshot.c: a study's view saved in its storage (backend snap_read / snap_write), built
 * with the builders b.
 * knob__snap_load fills an empty view from the storage's snapshot and returns the stamp
 * it is at (view.seq is set to it), or 0 when there is none to trust (the view is left
 * empty). knob__snap_save writes what the view holds beyond the storage's snapshot when
 * it is worth a write (an append, or the whole view when the snapshot is missing or in
 * too many pieces); a failed write is dropped (a cache). Neither reports errors. */
int64_t knob__snap_load(knob_study *s, const knob__view_builders *b);
void knob__snap_save(knob_study *s);
/* KNOB_OK when KNOB_SNAPSHOT is unset, "off" or MIN_TRIALS[,MIN_CHANGED[,MAX_SEGMENTS]];
 * else KNOB_EINVAL with a message naming it, what it takes and what it holds. Checked by
 * the open of a storage that keeps snapshots. */
int knob__snap_check_env(void);
/* Encodes trials of the view (all when from == 0, else those stamped after `from`) as
 * one segment from `from` to the view's seq; malloc'd, *len its bytes; NULL when out of
 * memory. Decodes a segment into the view; KNOB_ECORRUPT naming the fault when it is not
 * one of this study's segments of this format, the view unchanged then. (For tests.) */
void *knob__snap_encode(knob_study *s, int64_t from, size_t *len);
int knob__snap_decode(knob_study *s, const knob__view_builders *b, int64_t from, int64_t to,
                      const void *data, size_t len);
/* The trials of the given numbers (those the view holds) as one segment from 0 to the
 * view's seq, as knob__snap_encode makes them (the record of the best trials, view.c). */
void *knob__snap_encode_some(knob_study *s, const int64_t *numbers, size_t n, size_t *len);
/* One trial of a segment as knob__snap_brief gives it: its first value (NaN without). */
typedef struct knob__snap_trial {
    int64_t number, seq;
    knob_trial_state state;
    size_t n_values;
    double value;
} knob__snap_trial;
/* Reads a segment of the study from 0 to `to` (a record of the best trials) without a view:
 * each trial briefly to cb, in the segment's order. False when it is not one of this
 * study's segments of this format, or damaged (cb may have been called for some trials
 * before that is found). */
bool knob__snap_brief(const void *data, size_t len, int64_t study, int64_t to,
                      void (*cb)(void *ctx, const knob__snap_trial *t), void *ctx);
/* The key of a study's record of its best trials among the storage's records (view.c);
 * sampler states' keys are "name/hash": never this. */
#define KNOB__BEST_KEY "knob.best"
/* KNOB_SNAPSHOT=off: no snapshot and no record of the best trials read or written. */
bool knob__snap_off(void);

/* sampler_state.c: the sampler's persisted state (plugin save_state / load_state). load
 * gives the storage's record of this sampler's configuration to the plugin when it checks
 * out, and marks the handle to save once; save writes the plugin's record (once). Neither
 * reports errors (a cache). The rest is for tests: a hash of a sampler's options (not its
 * seed), a record's encoding (malloc'd, *out_len bytes; NULL when out of memory) and its
 * check (KNOB_ECORRUPT naming the fault; else the body within data). */
void knob__sampler_state_load(knob_study *s);
void knob__sampler_state_save(knob_study *s);
uint64_t knob__sampler_options_hash(const knob_sampler *sm);
uint64_t knob__state_checksum(const void *data, size_t n);
void *knob__state_encode(const knob_study *s, int64_t stamp, const void *body, size_t len,
                         size_t *out_len);
int knob__state_check(const knob_study *s, int64_t stamp, const void *data, size_t len,
                      const void **body, size_t *body_len);
/* Whether the storage keeps sampler states (backend state_read and state_write); the two
 * calls below only where it does. */
bool knob__store_has_states(const knob_study *s);
int knob__store_state_read(knob_study *s, const char *key,
                           int (*cb)(void *ctx, int64_t stamp, const void *data, size_t len),
                           void *ctx);
int knob__store_state_write(knob_study *s, const char *key, int64_t stamp, const void *data,
                            size_t len, bool *written);

/* study.c: a trial told or detached leaves the study's list of open trials. */
void knob__study_forget(knob_study *s, knob_trial *t);
/* storage.c: the study's rows. Only these reach a backend for a study. */
/* Whether storages a and b, of one backend, hold the same data by the backend's identity
 * (a PostgreSQL database reached by URLs spelt differently); false when it cannot tell.
 * *rc: the backend's failure, if any (KNOB_OK otherwise). */
bool knob__store_same(const knob_storage *a, const knob_storage *b, int *rc);
/* Whether a and b hold the same data, by their backend's identity where both can be read
 * (a SQLite file's device and inode); else (no identity, or one a server keeps from its
 * users) by_url, the caller's comparison of their URLs. The thread's message is kept. */
bool knob__store_same_or(const knob_storage *a, const knob_storage *b, bool by_url);

int knob__store_create_study(knob_storage *st, const char *name, const knob_direction *dirs,
                             size_t n_dirs, int64_t *id);
int knob__store_find_study(knob_storage *st, const char *name, int64_t *id, knob_direction **dirs,
                           size_t *n_dirs);
/* A trial row in `state` with system attributes, under the study's max_trials; KNOB_EDONE,
 * worded for the study, when it is full. */
int knob__store_new_trial(knob_study *s, knob_trial_state state, const knob_attr *attrs,
                          size_t n_attrs, int64_t *id, int64_t *number);
/* A RUNNING trial with its system attributes and the claim of `key`, in one transaction
 * (backend create_claimed); *won false: the key was taken, nothing written. */
int knob__store_new_trial_claimed(knob_study *s, const char *key, const knob_attr *attrs,
                                  size_t n_attrs, bool *won, int64_t *id, int64_t *number);
/* A WAITING trial with its fixed params (and up to 7 more system attributes), in one
 * transaction: no worker ever takes it without them. */
int knob__store_enqueue(knob_study *s, const char *fixed_json, const knob_attr *more,
                        size_t n_more);
/* A WAITING trial added whole (knob_study_add_trial) with everything of w, in one
 * transaction (backend create_waiting): a failure leaves no trial. */
int knob__store_new_waiting(knob_study *s, const knob__waiting_rec *w, int64_t *id,
                            int64_t *number);
/* A trial of any other state added whole (knob_study_add_trial) with everything of a, in one
 * transaction (backend create_added): a failure leaves no trial. Without create_added, the
 * trial is written in parts, and one whose later part fails is failed. */
int knob__store_new_added(knob_study *s, const knob__added_rec *a, int64_t *id, int64_t *number);
/* Takes the oldest waiting trial (*found) and sets the n_attrs system attributes on it (its
 * first heartbeat), in one transaction where the backend has pop_attrs. */
int knob__store_pop_waiting(knob_study *s, const knob_attr *attrs, size_t n_attrs, int64_t *id,
                            int64_t *number, bool *found);
/* What a trial taken from the queue held when it was taken (its start time, the take's, and
 * its params, intermediate values and attributes, every string its own), to put it back so
 * (knob__store_requeue). knob__taken_copy: from the trial as the view read it after the
 * take; *out NULL and KNOB_ENOMEM when out of memory. knob__taken_free(NULL) does nothing. */
typedef struct knob__taken {
    double start;
    knob__waiting_rec w;
} knob__taken;
int knob__taken_copy(const knob_trial_info *info, knob__taken **out);
void knob__taken_free(knob__taken *k);
/* Puts a trial taken from the queue back, WAITING as k has it (backend requeue): KNOB_ESTATE
 * when it is no longer this take's (finished, or taken again), KNOB_EUNSUPPORTED when the
 * backend cannot. */
int knob__store_requeue(knob_study *s, int64_t trial, const knob__taken *k);
/* A waiting trial taken (*popped), or else a new RUNNING one, in one round trip, where the
 * backend has pop_or_create (backend.h); the cap as knob__store_new_trial. */
bool knob__store_has_pop_or_create(const knob_study *s);
int knob__store_pop_or_create(knob_study *s, int64_t *id, int64_t *number, bool *popped);
int knob__store_trial_id(knob_study *s, int64_t number, int64_t *id);
int knob__store_params(knob_study *s, int64_t trial, const knob__param_rec *recs, size_t n);
/* Params then finish, in one write where the backend has finish_params. */
int knob__store_finish_params(knob_study *s, int64_t trial, const knob__param_rec *recs,
                              size_t n_recs, knob_trial_state state, const double *values,
                              size_t n);
int knob__store_report(knob_study *s, int64_t trial, int64_t step, double value);
int knob__store_trial_attr(knob_study *s, int64_t trial, bool system, const char *key,
                           const char *json);
/* knob__store_trial_attr refused (KNOB_ESTATE) for a finished trial, as a report is: the
 * writes a trial's handle makes on its running trial. */
int knob__store_unfinished_attr(knob_study *s, int64_t trial, bool system, const char *key,
                                const char *json);
int knob__store_finish(knob_study *s, int64_t trial, knob_trial_state state, const double *values,
                       size_t n);
/* A trial's own start and end times (each unless NaN), for a trial added whole. */
int knob__store_set_times(knob_study *s, int64_t trial, double start, double end);
/* Fails a RUNNING or WAITING trial; then, if this call failed it, writes `reason` (text,
 * for people) as fail_reason and `cause` (a word, for programs: "worker_lost") as
 * fail_cause; either may be NULL. KNOB_ESTATE when it was already finished. */
int knob__store_fail(knob_study *s, int64_t trial, const char *reason, const char *cause);
/* knob__store_fail, and, when this call failed the trial, the waiting trial `retry` (unless
 * NULL) made as knob__store_new_waiting makes it; the FAIL, its reason and the retry in one
 * transaction where the backend has fail_retry (the cause before, alone). A study at its
 * max_trials refuses the retry only (KNOB_OK). *enqueued (may be NULL): whether it was made. */
int knob__store_fail_retry(knob_study *s, int64_t trial, const char *reason, const char *cause,
                           const knob__waiting_rec *retry, bool *enqueued);
int knob__store_study_attr(knob_study *s, bool system, const char *key, const char *json);
int knob__store_study_attrs(knob_study *s, bool system,
                            int (*cb)(void *ctx, const char *key, const char *json), void *ctx);
int knob__store_claim(knob_study *s, const char *key, int64_t trial, bool *won);
int knob__store_sync(knob_study *s, int64_t since, knob__sync_cb cb, void *ctx, int64_t *seq);
/* knob__store_sync for a reader that holds every trial as of `since` and merges what was
 * added (backend sync_added: rec->added). */
int knob__store_sync_added(knob_study *s, int64_t since, knob__sync_cb cb, void *ctx, int64_t *seq);
/* The backend's best_trial for the study's first direction; *found false (KNOB_OK) where
 * the backend has none. */
int knob__store_best_trial(knob_study *s, knob__sync_cb cb, void *ctx, bool *found);
/* Whether the storage keeps study snapshots (backend snap_read and snap_write); the two
 * calls below only where it does. */
bool knob__store_has_snapshots(const knob_study *s);
int knob__store_snap_read(knob_study *s,
                          int (*cb)(void *ctx, int64_t from, int64_t to, const void *data,
                                    size_t len),
                          void *ctx);
int knob__store_snap_write(knob_study *s, knob__snap_make make, void *ctx, bool *written);

/* trial.c */
knob_trial *knob__trial_new(knob_study *s);
void knob__trial_free(knob_trial *t);
/* KNOB_OK when trial `number` of s, as the view has it (`info`; NULL: not read), is RUNNING
 * or lost (knob__trial_lost: its worker's end is still taken); else KNOB_ESTATE, the message
 * ending with `waiting` for a WAITING trial and with `done` for a finished one. */
int knob__refuse_unless_running(const knob_study *s, int64_t number, const knob_trial_info *info,
                                const char *waiting, const char *done);
/* Writes the system attributes set before the trial had a storage row. */
int knob__trial_flush_attrs(knob_trial *t);
/* Fills a new handle with a stored trial's id, number, params (all written already),
 * intermediate values and attributes, as `info` has them (copied). */
int knob__trial_load(knob_trial *t, const knob_trial_info *info);
/* Keeps the user attributes of `info` (an enqueued trial's, stored with it) in `t`, so
 * knob_trial_user_attr and knob_trial_attrs read them; not written again. */
int knob__trial_keep_user_attrs(knob_trial *t, const knob_trial_info *info);
/* The system attributes of info (an enqueued trial as stored) kept on t to read
 * (knob_trial_system_attr, knob_trial_attrs), never written again. */
int knob__trial_keep_stored(knob_trial *t, const knob_trial_info *info);
/* Checks constraint values for trial `number` (-1: a trial being added) against the
 * study's view: each finite, and as many as the study's trials have (n 0: no count to
 * check). KNOB_OK or KNOB_EINVAL naming the study, the trial and the value. */
int knob__constraints_check(const knob_study *s, int64_t number, const double *values, size_t n);
/* Checks the JSON text of the system attribute "constraints" for trial `number` (-1: a
 * trial being added): an array of numbers, then as knob__constraints_check. KNOB_OK,
 * KNOB_EINVAL naming the study, the trial and what is wrong, or KNOB_ENOMEM. */
int knob__constraints_attr_check(const knob_study *s, int64_t number, const char *json);
/* Constraint values as the JSON array of the system attribute "constraints" (each reads
 * back exactly), in `stack` (512 bytes) or, for more than 16, in a text of its own (*text
 * is then not `stack`, and the caller frees it). KNOB_OK or KNOB_ENOMEM. */
int knob__constraints_text(const double *values, size_t n, char *stack, char **text);
/* Checks the JSON text of attribute `key` (knobx_json_check): KNOB_OK, KNOB_ENOMEM, or
 * KNOB_EINVAL naming the key and what is wrong (text that is not UTF-8 by the offset of its
 * first bad byte, not copied), for the caller to prefix with where. */
int knob__attr_json_check(const char *key, const char *json);
/* Writes the params suggested since the last write, in one transaction. */
int knob__trial_flush_params(knob_trial *t);
/* As knob__trial_flush_params, before a write of the public `call`: refused because the
 * trial was finished elsewhere, the message names `call` and the params left unwritten. */
int knob__trial_flush_for(knob_trial *t, const char *call);
/* Writes t's unwritten params and finishes it (state, values) in one storage write where
 * the backend can (PostgreSQL: one statement, one stamp), else params then finish. */
int knob__trial_finish_params(knob_trial *t, knob_trial_state state, const double *values,
                              size_t n);

/* heartbeat.c */
/* The fail reason of a trial silent for `silent` seconds (its worker lost), in buf. */
void knob__lost_reason(char *buf, size_t size, double silent);
/* Fails the RUNNING trials whose heartbeat is older than the grace period, and
 * enqueues their retries. */
int knob__fail_stale(knob_study *s);
/* Whether `info`, a retry (retry_of, retry_count), need not run: a trial before it along its
 * chain (the original or an earlier retry), failed for its silent heartbeat, was then
 * finished by its own worker, COMPLETE or PRUNED (storage/backend.h, finish). *of: that
 * trial's number. Reads the view as it is. */
bool knob__retry_unneeded(const knob_study *s, const knob_trial_info *info, int64_t *of);

/* plugin.c */
uint64_t knob__seed_from_os(void);

#endif
