/*
 * The storage backend interface: one const table per backend (memory.c, sqlite.c, ...),
 * listed in knob__backends. Backends know nothing of samplers or of the study's view;
 * they store rows and hand out numbers atomically.
 *
 * Change tracking: every study has a counter `seq`. Every write that changes a trial of
 * the study (create, pop, param, intermediate value, attribute, finish) increments the
 * study's seq in the same transaction and stamps the trial with it. sync() delivers every
 * trial whose stamp is greater than `since`, whole, so a reader holding seq N is up to
 * date after one sync. Writes to one study are serialized, so stamps commit in order.
 * A backend may instead stamp a trial with any number that grows, and return from sync()
 * a `seq` below which no write is still to come (postgres.c: transaction ids and the
 * snapshot's xmin); a trial may then be delivered again unchanged, never missed.
 *
 * Every method returns KNOB_OK or a status with knob__error() set, naming the
 * storage (its path) and what failed. Strings passed in are copied as needed.
 */
#ifndef KNOB_STORAGE_BACKEND_H
#define KNOB_STORAGE_BACKEND_H

#include "knob.h"

/* A param row as stored: the distribution is its canonical JSON text (space.c). */
typedef struct knob__param_rec {
    const char *name;
    const char *dist_json;
    double internal;
} knob__param_rec;

/* A whole trial as sync() delivers it. Every pointer is borrowed for the duration of
 * the callback only. Intermediate values sorted by step; params in insertion order. */
typedef struct knob__trial_rec {
    int64_t id, number;
    knob_trial_state state;
    double start_time, end_time; /* NaN when unset */
    size_t n_params;
    const knob__param_rec *params;
    size_t n_values;
    const double *values;
    size_t n_intermediate;
    const knob_step_value *intermediate;
    size_t n_user_attrs;
    const knob_attr *user_attrs;
    size_t n_system_attrs;
    const knob_attr *system_attrs;
    int64_t seq; /* the study's change stamp of the trial's last write */
    /* sync_added only: `intermediate` holds the values written since `since` (sorted by
     * step, perhaps some the reader holds already), to merge into the reader's copy of the
     * trial as of `since`; that copy's values are all still stored. A trial the reader had
     * no copy of was made after `since`, and these are all its values. */
    bool added;
} knob__trial_rec;

/* Returns KNOB_OK to go on; any other status stops sync() and is returned by it. */
typedef int (*knob__sync_cb)(void *ctx, const knob__trial_rec *rec);

/* How the core reads a study's record of its best trials for a summary (src/storage.c):
 * from the record's bytes (stamp, data and len as state_read gives them), the best value of
 * objective 0 among the record's trials in direction dir, and the numbers of those trials
 * (borrowed until the next call). False when the record is not one to trust. */
typedef bool (*knob__best_reader)(void *ctx, int64_t study, knob_direction dir, int64_t stamp,
                                  const void *data, size_t len, double *best,
                                  const int64_t **numbers, size_t *n);

/* What a waiting trial is added with (knob_study_add_trial): its params, intermediate values
 * (steps >= 0, each once, in step order) and attributes, every pointer borrowed for the
 * call. */
typedef struct knob__waiting_rec {
    const knob__param_rec *params;
    size_t n_params;
    const knob_step_value *intermediate;
    size_t n_intermediate;
    const knob_attr *user_attrs;
    size_t n_user_attrs;
    const knob_attr *system_attrs;
    size_t n_system_attrs;
} knob__waiting_rec;

/* What a trial of another state is added with (knob_study_add_trial): its state (RUNNING,
 * COMPLETE, PRUNED or FAIL), its values (n_values may be 0), its start and end times (NaN:
 * the time of the write; a RUNNING trial has no end time) and its rows, as a waiting trial's
 * (a finished trial's system attributes hold its constraints, when it has any). Every
 * pointer is borrowed for the call. */
typedef struct knob__added_rec {
    knob_trial_state state;
    const double *values;
    size_t n_values;
    double start_time, end_time;
    knob__waiting_rec rows;
} knob__added_rec;

#define KNOB__BACKEND_VERSION 1

/* The study snapshot's chain as its writer finds it (snap_write), and what make gives to
 * write: the segment from..to (its bytes stay make's caller's; NULL: nothing to write). */
typedef struct knob__snap_chain {
    int64_t end;                 /* the stamp its last segment ends at; 0: no chain to add to */
    size_t segs;                 /* its segments */
    uint64_t base_len, tail_len; /* bytes of its first segment, of the others */
} knob__snap_chain;
typedef struct knob__snap_seg {
    int64_t from, to;
    const void *data;
    size_t len;
} knob__snap_seg;
typedef int (*knob__snap_make)(void *ctx, const knob__snap_chain *c, knob__snap_seg *out);

typedef struct knob__backend {
    int version;
    const char *scheme; /* "memory", "sqlite" */

    /* `where` is the part of the URL after "scheme:" ("" for memory:, "///x.db" for
     * sqlite:///x.db); `url` the whole URL, for messages. */
    int (*open)(const char *url, const char *where, void **be);
    void (*close)(void *be);

    /* KNOB_EEXIST when a study of that name exists (*id is then set to it). */
    int (*create_study)(void *be, const char *name, const knob_direction *dirs, size_t n_dirs,
                        int64_t *id);
    /* KNOB_ENOTFOUND when there is none. *dirs is malloc'd (caller frees). */
    int (*find_study)(void *be, const char *name, int64_t *id, knob_direction **dirs,
                      size_t *n_dirs);
    /* Every study, oldest first; see knob__summaries_free for ownership (each string
     * and the directions array malloc'd separately). */
    int (*list_studies)(void *be, knob_study_summary **out, size_t *n);
    /* Deletes the study with its trials, params, values, attributes and claims. */
    int (*delete_study)(void *be, int64_t study);

    /* Study attributes. set replaces the value of an existing key. get gives every
     * attribute of the kind through the callback (key, json), stopping on non-OK. */
    int (*set_study_attr)(void *be, int64_t study, bool system, const char *key, const char *json);
    int (*get_study_attrs)(void *be, int64_t study, bool system,
                           int (*cb)(void *ctx, const char *key, const char *json), void *ctx);

    /* Creates a trial with the next number of the study (0, 1, 2 ... with no gap and no
     * repeat, across processes) in state RUNNING (start_time now) or WAITING (no start
     * time). With cap > 0 the study never holds more than cap trials: when it holds cap
     * already, KNOB_EDONE and nothing is written. The count and the insert are one atomic
     * step, so concurrent callers together stop at exactly cap. The n_attrs system
     * attributes are written in the same transaction: a WAITING trial is never seen
     * without its fixed params. */
    int (*create_trial)(void *be, int64_t study, knob_trial_state state, int64_t cap,
                        const knob_attr *attrs, size_t n_attrs, int64_t *id, int64_t *number);
    /* Atomically takes the oldest (lowest number) WAITING trial of the study and makes it
     * RUNNING with start_time now; *found false when there is none. No two callers ever
     * get the same trial. */
    int (*pop_waiting)(void *be, int64_t study, int64_t *id, int64_t *number, bool *found);
    /* The id of the trial with this number; KNOB_ENOTFOUND. */
    int (*trial_id)(void *be, int64_t study, int64_t number, int64_t *id);

    /* Adds a param to a trial (a name is set once per trial; setting it again replaces
     * the value). KNOB_ESTATE for a finished trial, as report: a trial's params are
     * written before its end, and one written after it would change a finished trial that
     * samplers have already learnt from. */
    int (*set_param)(void *be, int64_t study, int64_t trial, const char *name,
                     const char *dist_json, double internal);
    /* Records an intermediate value; a step already recorded keeps its first value.
     * KNOB_ESTATE for a finished trial (but for a lost one, as finish takes it). */
    int (*report)(void *be, int64_t study, int64_t trial, int64_t step, double value);
    /* Sets a trial attribute. With `unfinished`, KNOB_ESTATE for a finished trial, as report
     * (the writes of a trial's own handle, whose trial another caller may have finished:
     * its constraints would make a best trial infeasible after the fact); without, any
     * trial takes it (a failer's fail_reason, written once the trial is FAIL). */
    int (*set_trial_attr)(void *be, int64_t study, int64_t trial, bool system, const char *key,
                          const char *json, bool unfinished);
    /* Finishes a RUNNING trial: sets state, values (n may be 0), end_time now. KNOB_ESTATE
     * when the trial is WAITING or already finished, changing nothing; but for a trial
     * failed for its silent heartbeat (system attribute fail_cause KNOB__LOST_JSON), whose
     * worker's own end, late (the storage was out longer than the grace), is taken when
     * it is COMPLETE or PRUNED (a FAIL is refused: another failer's). On such an end, a
     * trial with that cause (failed, or RUNNING with a failer about to fail it) has it
     * kept renamed: fail_cause as lost_cause, fail_reason as lost_reason. */
    int (*finish)(void *be, int64_t study, int64_t trial, knob_trial_state state,
                  const double *values, size_t n);

    /* Atomically claims `key` in the study for `trial`: *won true for exactly one caller,
     * ever, across processes. */
    int (*claim)(void *be, int64_t study, const char *key, int64_t trial, bool *won);

    /* Delivers every trial of the study changed since `since` (seq > since) to cb, in
     * any order, each whole; then *seq is the study's current seq. */
    int (*sync)(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx, int64_t *seq);

    /* Optional (NULL: set_param one by one): adds several params to a trial in one
     * transaction, as set_param does each (KNOB_ESTATE for a finished trial). */
    int (*set_params)(void *be, int64_t study, int64_t trial, const knob__param_rec *params,
                      size_t n);
    /* Optional (NULL: set_params, then finish): adds params to a RUNNING (or WAITING) trial
     * and finishes it in one transaction, as set_params and finish do; a trial already
     * finished gets neither (KNOB_ESTATE). */
    int (*finish_params)(void *be, int64_t study, int64_t trial, const knob__param_rec *params,
                         size_t n_params, knob_trial_state state, const double *values, size_t n);
    /* Creates a RUNNING trial as create_trial does (cap, the n_attrs system attributes) and
     * claims `key` for it (as claim does), in one transaction: *won true for exactly one
     * caller, ever; a caller that loses, or fails (KNOB_EDONE at the cap, ...), writes
     * nothing and uses no number. So a key claimed here never exists without its trial,
     * whoever dies when. */
    int (*create_claimed)(void *be, int64_t study, int64_t cap, const char *key,
                          const knob_attr *attrs, size_t n_attrs, bool *won, int64_t *id,
                          int64_t *number);
    /* Optional (both or neither; NULL: no snapshots): the study snapshot of the core
     * (snapshot.c), a cache of its trials kept as opaque segments, each with the stamps
     * it goes from and to. snap_read gives the study's segments in the order of `to`
     * (bytes borrowed for the callback), stopping on non-OK. snap_write, in one
     * transaction, first takes the study's snapshot for itself (it gives up soon, without
     * calling make, when another writer holds it or the storage), then calls make once with
     * the chain as it is, and writes what make gives: from == 0 replaces the study's
     * segments with it, from > 0 appends it (make is told the chain's end, and appends only
     * there); either only while the study exists with a stamp >= to (*written says whether
     * it was written; make giving no data writes nothing). A study's segments go with it. */
    int (*snap_read)(void *be, int64_t study,
                     int (*cb)(void *ctx, int64_t from, int64_t to, const void *data, size_t len),
                     void *ctx);
    int (*snap_write)(void *be, int64_t study, knob__snap_make make, void *ctx, bool *written);
    /* Optional (both or neither; NULL: none): sampler states of the core
     * (sampler_state.c), opaque records kept by study and key, each with the stamp it is
     * as of. state_read calls cb once with the study's record of that key (bytes borrowed
     * for the callback), or not at all; state_write replaces it, in one transaction, only
     * while the study exists with a stamp >= stamp (*written says whether it was written);
     * it may give up soon when another writer holds the storage. A study's records go with
     * it. */
    int (*state_read)(void *be, int64_t study, const char *key,
                      int (*cb)(void *ctx, int64_t stamp, const void *data, size_t len), void *ctx);
    int (*state_write)(void *be, int64_t study, const char *key, int64_t stamp, const void *data,
                       size_t len, bool *written);
    /* Optional (both or neither; NULL: every write commits alone, and a batch groups
     * nothing): batch_begin opens one write transaction that every later write and read of
     * the handle joins until batch_end commits it. Each write in it stays atomic alone (one
     * that fails undoes itself only, as outside a batch). batch_end's KNOB_OK: every write
     * that succeeded in the batch is committed; any other status: none is (the commit
     * failed, or a failure undid the whole transaction before it: the writes after that
     * fail too), and the handle is out of the batch either way. */
    int (*batch_begin)(void *be);
    int (*batch_end)(void *be);
    /* Optional (NULL: list_studies): list_studies without reading every complete trial of a
     * study that has a record of its best trials (under `key`, as state_read gives it). For
     * such a study, `read` gives the record's best value and its trials' numbers; when the
     * study is not behind the record's stamp and none of those trials is stamped after it,
     * the best value is the better of the record's and of the trials stamped after it (the
     * same rules as list_studies: complete, feasible, objective 0). Otherwise, and for a
     * study without a record, the best value is found as list_studies finds it. */
    int (*list_studies_best)(void *be, const char *key, knob__best_reader read, void *ctx,
                             knob_study_summary **out, size_t *n);
    /* Optional (NULL: pop_waiting, then create_trial): takes the oldest waiting trial as
     * pop_waiting does (*popped true), or else creates a RUNNING trial as create_trial does
     * (no attributes; KNOB_EDONE at the cap), in one round trip, with a look for a waiting
     * trial that takes no lock when there is none (postgres.c). An ask whose sampler reads no
     * trials (random search) then makes its trial with it and reads nothing else (study.c),
     * instead of reading every trial the other workers changed since its last ask; without
     * it (SQLite: a pop takes the write lock) the ask reads them. */
    int (*pop_or_create)(void *be, int64_t study, int64_t cap, int64_t *id, int64_t *number,
                         bool *popped);

    /* Optional (NULL: a trial keeps the times of its writes): sets a trial's start and end
     * times, each unless NaN, for a trial added whole with its own (knob_study_add_trial);
     * stamped as any write. KNOB_ENOTFOUND when the study has no such trial. */
    int (*set_times)(void *be, int64_t study, int64_t trial, double start, double end);
    /* Optional: from here on, gives up every wait for a storage that is away (postgres.c:
     * the retries of a lost connection), in the call under way and the later ones (see
     * knob_storage_interrupt). Async-signal-safe: it only sets a flag. */
    void (*interrupt)(void *be);

    /* Optional (NULL: create_trial with the system attributes, then the other writes one by
     * one): creates a WAITING trial as create_trial does (the next number, cap, KNOB_EDONE)
     * with everything of w, in one transaction: a failure writes nothing and uses no number,
     * so no ask takes the trial, and no reader sees it, without its params and attributes. */
    int (*create_waiting)(void *be, int64_t study, int64_t cap, const knob__waiting_rec *w,
                          int64_t *id, int64_t *number);

    /* Optional (NULL: none): the study's best trial of objective 0 in direction dir, found
     * by an index (no read of every trial) and delivered whole to cb, alone, as sync
     * delivers a trial: of the complete trials with a first value that is not NaN and whose
     * constraints are all <= 0, the one of the least value (the greatest for
     * KNOB_MAXIMIZE), the lowest number among equal values (-0 equal to 0), as the core's
     * view finds it over every trial. *found false, nothing delivered, when the index
     * alone cannot tell (no such trial, or trials whose best it does not hold): the caller
     * reads the study. */
    int (*best_trial)(void *be, int64_t study, knob_direction dir, knob__sync_cb cb, void *ctx,
                      bool *found);

    /* Optional (NULL: unknown): a text naming the data this storage reads and writes, the
     * same for every connection to it however its URL is spelt (host name or address,
     * scheme, options), into out[0, size); "" when the backend cannot tell. The core
     * compares two storages of one backend with it (a study is no warm start of itself). */
    int (*identity)(void *be, char *out, size_t size);

    /* Optional (NULL: the core fails the trial instead): puts back a trial an ask took from
     * the queue (pop_waiting, pop_or_create) and could not go on with (its sampler failed).
     * Only while the trial is RUNNING with start_time `start`, the take's own: a trial
     * finished since, or put back and taken again by another worker, is left as it is
     * (KNOB_ESTATE), so a write repeated after a lost connection changes nothing. In one
     * transaction it is WAITING again with no start time (nor end time, values or take), and
     * its params, intermediate values and attributes are those of w, what it held when it
     * was taken, whatever the ask wrote since (a sampler's attributes, a heartbeat); stamped
     * as any write. It is taken again as it was before: the oldest waiting trial first.
     * KNOB_ENOTFOUND when the study has no such trial. */
    int (*requeue)(void *be, int64_t study, int64_t trial, double start,
                   const knob__waiting_rec *w);

    /* Optional (NULL: pop_waiting, then set_trial_attr for each attribute): takes the oldest
     * waiting trial as pop_waiting does and sets the n_attrs system attributes on it (an
     * attribute of the same key is replaced), in one transaction: a taker that dies leaves the
     * trial WAITING, or RUNNING with them (its first heartbeat: never RUNNING without one,
     * which no failer of silent trials would ever fail). */
    int (*pop_attrs)(void *be, int64_t study, const knob_attr *attrs, size_t n_attrs, int64_t *id,
                     int64_t *number, bool *found);
    /* Optional (NULL: finish, then set_trial_attr, then create_waiting, each alone): fails a
     * RUNNING trial as finish does (state FAIL, no values) and, when this call failed it, sets
     * its system attribute fail_reason to reason_json (unless NULL) and creates the waiting
     * trial w (unless NULL: a retry) as create_waiting does, all in one transaction: whoever
     * dies when, the trial is left as it was, or FAIL with its reason and its retry. The cap
     * (cap > 0) refuses the retry only: the trial is failed all the same, *enqueued false.
     * KNOB_ESTATE as finish when the trial is not this call's to fail (nothing written).
     * *enqueued: whether the retry was made. */
    int (*fail_retry)(void *be, int64_t study, int64_t trial, int64_t cap, const char *reason_json,
                      const knob__waiting_rec *w, bool *enqueued);

    /* Optional (NULL: a RUNNING trial made as create_trial makes it, then its params,
     * intermediate values, attributes, finish and times written one by one): creates a trial
     * as create_trial does (the next number, cap, KNOB_EDONE) in the state of `a`, with its
     * values, times and rows, in one transaction and stamped as one write: a failure writes
     * nothing and uses no number, and no reader sees the trial in another state or without
     * any of it. A complete trial enters whatever the backend keeps of the study's best
     * values and counts as a finish does. */
    int (*create_added)(void *be, int64_t study, int64_t cap, const knob__added_rec *a, int64_t *id,
                        int64_t *number);

    /* Optional (NULL: sync): sync for a reader that holds every trial of the study as of
     * `since` (a copy of each as sync delivered it): a trial whose intermediate values were
     * only added to since then may be delivered with rec->added and only the values added
     * (a running trial's sync costs what it reported since, not every value it has). */
    int (*sync_added)(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                      int64_t *seq);
} knob__backend;

extern const knob__backend knob__backend_memory;
extern const knob__backend knob__backend_sqlite;
extern const knob__backend knob__backend_postgres;

/* Frees a list of study summaries as list_studies makes it (storage.c). */
void knob__summaries_free(knob_study_summary *list, size_t n);

/* NULL-terminated list of the built-in backends. */
extern const knob__backend *const knob__backends[];

#endif
