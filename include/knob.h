/*
 * knob.h: the public API of libknob, a hyperparameter optimization library.
 *
 * The model: a storage holds studies; a study is a named optimization with one or
 * several objective directions, a sampler and a pruner; a trial is one evaluation whose
 * parameters are suggested while it runs (define-by-run), so search spaces can be
 * conditional.
 *
 *     knob_storage *st;  knob_study *s;  knob_trial *t;
 *     knob_storage_open("sqlite:///tune.db", &st);
 *     knob_study_create(st, "demo", NULL, &s);
 *     for (int i = 0; i < 100; i++) {
 *         double x, y;
 *         knob_study_ask(s, &t);
 *         knob_trial_suggest_float(t, "x", -10, 10, 0, 0, &x);
 *         y = (x - 2) * (x - 2);
 *         knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1);
 *     }
 *     knob_study_free(s);  knob_storage_close(st);
 *
 * Conventions that hold for every function below unless its comment says otherwise:
 *
 * - Fallible calls return an int status: KNOB_OK (0) or a KNOB_E* code. On failure
 *   knob_errmsg() returns a message naming what failed and where; out-parameters are left
 *   untouched. The library never prints, exits or aborts.
 * - Input strings are copied; the caller keeps ownership of what it passes in. Names
 *   (of studies, params and attribute keys), string choices and JSON texts must be valid
 *   UTF-8 (they are stored and exported as JSON text): other bytes are KNOB_EINVAL.
 * - Returned `const` pointers are borrowed: they stay valid as stated for each call, and
 *   are never freed by the caller. Whatever a `_create`/`_open` makes, the matching
 *   `_free`/`_close` releases; passing NULL to those does nothing.
 * - Threads: handles are not locked. A storage handle and the studies and trials made
 *   from it belong to one thread at a time; use one storage handle per thread (they may
 *   open the same database). knob_errmsg() is per thread. Separate processes may share
 *   one SQLite file safely.
 */
#ifndef KNOB_H
#define KNOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KNOB_BUILDING) && defined(__GNUC__)
#define KNOB_API __attribute__((visibility("default")))
#else
#define KNOB_API
#endif

#define KNOB_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------- status codes */

/* X(name, value, description). Codes are never renumbered; new ones are appended. */
#define KNOB_STATUS_LIST(X)                                                                        \
    X(KNOB_OK, 0, "success")                                                                       \
    X(KNOB_EINVAL, 1, "invalid argument")                                                          \
    X(KNOB_ENOMEM, 2, "out of memory")                                                             \
    X(KNOB_ENOTFOUND, 3, "not found")                                                              \
    X(KNOB_EEXIST, 4, "already exists")                                                            \
    X(KNOB_ESTATE, 5, "operation not allowed in this state")                                       \
    X(KNOB_ESTORAGE, 6, "storage error")                                                           \
    X(KNOB_ECORRUPT, 7, "corrupt or foreign data")                                                 \
    X(KNOB_EBUSY, 8, "storage busy")                                                               \
    X(KNOB_EDONE, 9, "search space exhausted")                                                     \
    X(KNOB_EUNSUPPORTED, 10, "not supported")                                                      \
    X(KNOB_EPARSE, 11, "parse error")                                                              \
    X(KNOB_EIO, 12, "input/output error")

typedef enum {
#define KNOB_STATUS_ENUM_ITEM(name, value, desc) name = value,
    KNOB_STATUS_LIST(KNOB_STATUS_ENUM_ITEM)
#undef KNOB_STATUS_ENUM_ITEM
} knob_status;

/* The fixed description of a status code ("invalid argument"); never NULL. */
KNOB_API const char *knob_status_str(int status);

/* The message of this thread's last failure, with its details ("suggest 'lr': log
 * scale needs low > 0, got low=0"). Valid until the next failing call on this thread.
 * Never NULL; "" when nothing failed yet. */
KNOB_API const char *knob_errmsg(void);

/* ---------------------------------------------------------------- opaque handles */

typedef struct knob_storage knob_storage;
typedef struct knob_study knob_study;
typedef struct knob_trial knob_trial;
typedef struct knob_sampler knob_sampler;
typedef struct knob_pruner knob_pruner;

/* ---------------------------------------------------------------- enums */

/* A study's objective's direction. KNOB_DIRECTION_NOT_SET is no study's direction
 * (knob_study_create refuses it): knob_study_direction returns it for an objective the
 * study does not have, so a wrong index is not read as a minimized objective. Its value
 * is -1, which the Python package reads (+ 1) as Optuna's StudyDirection.NOT_SET. Never
 * renumbered; new values are appended. */
typedef enum { KNOB_MINIMIZE = 0, KNOB_MAXIMIZE = 1, KNOB_DIRECTION_NOT_SET = -1 } knob_direction;

/* Stored as these numbers; never renumbered. */
typedef enum {
    KNOB_TRIAL_RUNNING = 0,
    KNOB_TRIAL_COMPLETE = 1,
    KNOB_TRIAL_PRUNED = 2,
    KNOB_TRIAL_FAIL = 3,
    KNOB_TRIAL_WAITING = 4
} knob_trial_state;

/* "running", "complete", "pruned", "fail", "waiting"; "?" for anything else. */
KNOB_API const char *knob_trial_state_str(knob_trial_state state);

/* Flags of knob_trial_suggest_float / knob_trial_suggest_int. */
#define KNOB_LOG 1u

/* ---------------------------------------------------------------- distributions */

typedef enum { KNOB_DIST_FLOAT = 0, KNOB_DIST_INT = 1, KNOB_DIST_CATEGORICAL = 2 } knob_dist_kind;

typedef enum {
    KNOB_CHOICE_STRING = 0,
    KNOB_CHOICE_NUMBER = 1,
    KNOB_CHOICE_BOOL = 2,
    KNOB_CHOICE_NULL = 3
} knob_choice_type;

/* One choice of a categorical parameter. `str` is used for strings, `num` for numbers
 * and booleans (0 or 1). */
typedef struct knob_choice {
    knob_choice_type type;
    const char *str;
    double num;
} knob_choice;

/* A parameter's distribution. Floats: [low, high], step 0 = continuous, flags KNOB_LOG.
 * Ints: [low, high] with step >= 1 (values are exact in a double up to 2^53).
 * Categorical: `choices[0..n_choices)`. */
typedef struct knob_distribution {
    knob_dist_kind kind;
    double low, high, step;
    unsigned flags;
    size_t n_choices;
    const knob_choice *choices;
} knob_distribution;

/* ---------------------------------------------------------------- finished-trial views */

/* A parameter of a trial. `internal` is the value in the distribution's internal form:
 * the number itself for floats and ints, the index of the choice for categoricals. */
typedef struct knob_param {
    const char *name;
    const knob_distribution *dist;
    double internal;
} knob_param;

typedef struct knob_step_value {
    int64_t step;
    double value;
} knob_step_value;

/* A user or system attribute: a key and a JSON value text ("3", "\"adam\"", "[1,2]"). */
typedef struct knob_attr {
    const char *key;
    const char *json;
} knob_attr;

/* A read-only view of one trial, as the storage last reported it. Every pointer in it
 * is borrowed from the study and stays valid until the next call that syncs the study
 * (knob_study_ask, knob_study_tell, knob_study_sync, knob_study_trials, ...). Params are
 * in the order they were first suggested; intermediate values sorted by step. Times are
 * Unix seconds, NaN when unset (start of a WAITING trial, end of a RUNNING one). */
typedef struct knob_trial_info {
    int64_t id;     /* unique in the storage */
    int64_t number; /* 0, 1, 2 ... within the study */
    knob_trial_state state;
    size_t n_params;
    const knob_param *params;
    size_t n_values; /* 0 unless COMPLETE, or PRUNED with values (see knob_study_tell) */
    const double *values;
    size_t n_intermediate;
    const knob_step_value *intermediate;
    size_t n_user_attrs;
    const knob_attr *user_attrs;
    size_t n_system_attrs;
    const knob_attr *system_attrs;
    double start_time, end_time;
    /* The trial's constraint values (knob_trial_set_constraints), each satisfied when
     * <= 0; n_constraints 0 when it has none. Read back from the system attribute
     * "constraints", which knob writes. */
    size_t n_constraints;
    const double *constraints;
} knob_trial_info;

/* True when `info` has no constraints or every one of them is <= 0 (a NaN is not). Only
 * feasible trials count for the best value, the best trial and the Pareto front. */
KNOB_API bool knob_trial_info_feasible(const knob_trial_info *info);

/* The param of `info` named `name`, or NULL (also when info or name is NULL). */
KNOB_API const knob_param *knob_trial_info_param(const knob_trial_info *info, const char *name);

/* The value of a user (system = false) or system attribute of `info`, or NULL (also when
 * info or key is NULL). */
KNOB_API const char *knob_trial_info_attr(const knob_trial_info *info, const char *key,
                                          bool system);

/* Writes the param's external value as JSON (a number, or the choice as a JSON string,
 * number, true/false or null) into buf[0..size), NUL-terminated. Returns the length it
 * needs (excluding the NUL), like snprintf; writes nothing past size; buf may be NULL when
 * size is 0. On failure returns a negative status, as snprintf does, with knob_errmsg()
 * set: -KNOB_EINVAL (p or its distribution NULL, a distribution of unknown kind, an
 * internal value that is not the index of one of its choices or, for a number, not finite,
 * or buf NULL with size > 0; nothing written), -KNOB_ENOMEM (nothing written). */
KNOB_API int knob_param_format(const knob_param *p, char *buf, size_t size);

/* ---------------------------------------------------------------- storage */

/* Opens a storage. `url`:
 *   "memory:"                      in this process only, gone when closed;
 *   "sqlite:///relative/path.db"   SQLite file relative to the working directory;
 *   "sqlite:////absolute/path.db"  SQLite file at an absolute path; either may end in
 *                                  "?timeout=SECONDS" (SQLAlchemy's pysqlite query): how
 *                                  long a write waits for another process's lock (60 s
 *                                  without it), in all, signals or not, then fails with
 *                                  KNOB_EBUSY naming the file and the lock; another query
 *                                  parameter is KNOB_EINVAL, naming it;
 *   "postgresql://user:password@host:port/database?options"  a PostgreSQL server, for many
 *                                  workers on many machines (libpq's URL; "postgres://"
 *                                  too; what the URL leaves out, libpq takes from PGHOST,
 *                                  PGUSER, PGPASSWORD, ~/.pgpass and service files). knob
 *                                  creates its tables (knob_*) on first use. Passwords are
 *                                  never shown in messages. A host and port where
 *                                  nothing listens fail at once (KNOB_ESTORAGE, naming
 *                                  them); a server that takes the connection and does not
 *                                  answer fails after libpq's connect_timeout, 5 s unless
 *                                  the URL ("?connect_timeout=SECONDS") or
 *                                  PGCONNECT_TIMEOUT sets it, or a service (the URL's
 *                                  "service=" or PGSERVICE) leaves it to its service
 *                                  file. A server seen up that
 *                                  restarts during the open is waited for (up to 30 s).
 * A SQLAlchemy driver after the scheme ("sqlite+pysqlite://", "postgresql+psycopg2://"),
 * as Optuna's URLs have it, is dropped. SQLAlchemy's in-memory SQLite database,
 * "sqlite:///:memory:" or "sqlite://" (with a driver or a query too, which are ignored), is
 * "memory:", as in the Python package.
 * A SQLite file is created with knob's schema when missing; a file that is not a knob
 * database (or is corrupt, or of a newer schema) is KNOB_ECORRUPT, naming its path.
 * SQLite's write-ahead log, "path.db-wal", with "path.db-shm", stays beside the file after
 * every handle on it is closed (knob does not fold it into the file at each close: that
 * costs a short process four disk syncs), and may hold the last trials: copy or move the
 * file with both, or with "sqlite3 path.db '.backup copy.db'", and delete all three to
 * start over, never the file alone. A WAL left from a deleted file is dropped by SQLite
 * when a new, empty file is made at that path (processes opening it at once too); one
 * beside another, non-empty database file would be read into it. An I/O error at the open
 * while a "-wal" or "-shm" lay beside the file before it says so, naming both to remove;
 * one where SQLite cannot make or grow the "-shm" names it and the reason (a full disk),
 * and one where the "-wal" was removed while another process has the file open says to
 * wait for that process to close it. A path that is not a regular file (/dev/null, a FIFO)
 * is KNOB_ESTORAGE, "not a regular file", and nothing is made beside it.
 * libknob opens libpq on the first PostgreSQL URL, not when it is loaded; when libpq cannot
 * be opened the open fails with KNOB_EUNSUPPORTED, "postgresql storage needs libpq.so.5:
 * <why>" (so do the samplers gp and cmaes, with LAPACKE/OpenBLAS and NLopt, on their first
 * model). Returns KNOB_OK, KNOB_EINVAL (bad URL; or KNOB_SNAPSHOT, for SQLite and
 * PostgreSQL, or KNOB_PG_RETRY_SECONDS, for PostgreSQL, set to a value they do not take:
 * docs/workers.md), KNOB_EUNSUPPORTED (unknown scheme, or
 * libpq missing), KNOB_ESTORAGE, KNOB_ECORRUPT, KNOB_ENOMEM. *out is closed with
 * knob_storage_close. */
KNOB_API int knob_storage_open(const char *url, knob_storage **out);

/* Closes the storage. Studies made from it must be freed first. NULL does nothing. */
KNOB_API void knob_storage_close(knob_storage *st);

/* Stops the waits for a storage that is away, as sqlite3_interrupt stops a statement: a
 * PostgreSQL storage whose connection is lost retries for minutes (KNOB_PG_RETRY_SECONDS,
 * 300 by default; knob_storage_open refuses a value that is not a number of seconds with
 * KNOB_EINVAL) before a call fails; once interrupted, the call under way stops retrying
 * within a tenth of a second and every later call that finds the connection lost fails at
 * once, with KNOB_ESTORAGE and "interrupted" in its message. Calls that reach the storage
 * go on as before. For a program that is stopping (knob run on its first SIGTERM): what
 * it could not write is left as it was (a RUNNING trial is failed later, when its
 * heartbeat is missed). memory: and SQLite have no such wait (a SQLite write waits for
 * another process's lock for its timeout, and that wait is not cut). It only sets a flag,
 * so it may be called from a signal handler or from another thread. NULL does nothing. */
KNOB_API void knob_storage_interrupt(knob_storage *st);

/* Summary of a study, as listed by knob_storage_studies. */
typedef struct knob_study_summary {
    const char *name;
    size_t n_objectives;              /* 0 for a study without objective */
    const knob_direction *directions; /* one per objective */
    int64_t n_trials;
    int64_t n_complete;
    double best_value; /* first objective's best over feasible COMPLETE trials (see
                        * knob_trial_info_feasible); NaN when none */
    double created;    /* Unix seconds */
} knob_study_summary;

/* Lists every study in the storage, oldest first. *out (an array of *n entries, with
 * every string in it) is borrowed from the storage handle until the next
 * knob_storage_studies on it or its close, as every list the library returns is
 * borrowed from the handle it came from. */
KNOB_API int knob_storage_studies(knob_storage *st, const knob_study_summary **out, size_t *n);

/* Deletes a study with all its trials. KNOB_ENOTFOUND when there is none of that name.
 * A study handle still open on it (in this process or another) then gets KNOB_ENOTFOUND
 * from every call that reads or writes the study, with the message "storage 'URL': study
 * 'NAME' is no longer there: it was deleted while this handle had it open". */
KNOB_API int knob_storage_delete_study(knob_storage *st, const char *name);

/* Groups the writes made through `st` from here to knob_storage_batch_end into one
 * transaction of the storage (on SQLite one commit instead of one per write: knob run
 * writes the trials that end and start in one turn of its loop so). Each write still
 * succeeds or fails alone: a write that fails changes nothing and the others stay. Reads
 * through `st` see the batch's writes; other connections see none of them before the
 * batch ends, and their writes wait for it (keep a batch short: wait for nothing inside
 * but the storage). memory: and postgresql: write at once, batch or not: on them both
 * calls only mark the batch. On SQLite, knob_storage_close with a batch open discards
 * its writes. Returns KNOB_OK, KNOB_EINVAL (NULL), KNOB_ESTATE (a batch is already open
 * on `st`), KNOB_EBUSY or KNOB_ESTORAGE (the storage could not be locked; no batch is
 * open then). */
KNOB_API int knob_storage_batch_begin(knob_storage *st);

/* Ends the batch, committing its writes. KNOB_OK: every write that succeeded in the batch
 * is saved. Any other status (KNOB_ESTORAGE, KNOB_EBUSY, KNOB_EIO): none of them is (the
 * commit failed, or a failure of the storage undid the whole transaction before it), so
 * every trial written in the batch must be taken as not saved, whatever its own calls
 * returned; studies made from `st` may still show those writes until opened again. The
 * batch is closed either way. KNOB_ESTATE when no batch is open, KNOB_EINVAL (NULL). */
KNOB_API int knob_storage_batch_end(knob_storage *st);

/* ---------------------------------------------------------------- options of plugins */

/* Stored as these numbers; never renumbered, new types are appended. */
typedef enum {
    KNOB_OPT_INT = 0,
    KNOB_OPT_DOUBLE = 1,
    KNOB_OPT_BOOL = 2,
    KNOB_OPT_STRING = 3,
    KNOB_OPT_ENUM = 4
} knob_opt_type;

/* One option of a sampler or pruner. `offset` is where it lives in the plugin's state:
 *
 *   KNOB_OPT_INT     an int64_t; min/max bound it (both 0 = no bound)
 *   KNOB_OPT_DOUBLE  a double; min/max bound it (both 0 = no bound); NaN is refused
 *   KNOB_OPT_BOOL    a bool, from true/false, 1/0, yes/no, on/off
 *   KNOB_OPT_STRING  a char *, a copy of the text, owned by the state, freed by the library
 *   KNOB_OPT_ENUM    one word of `choices` (a NULL-terminated list), stored as a string
 *                    option is (a char *, a copy of the word, freed by the library), so a
 *                    string option becomes an enum by changing its table entry alone. Any
 *                    other word (words compare exactly, case included) is KNOB_EINVAL
 *                    with a message that lists the choices; `knob samplers` lists them.
 *
 * `def` is the default as text (NULL: the field stays zero, a NULL string). `choices` is
 * used by KNOB_OPT_ENUM only (NULL for the other types). A table ends with an entry whose
 * name is NULL ({0}). Fields may be appended to this struct: write tables with designated
 * initializers, or {0} for the end, and new fields stay zero. */
typedef struct knob_option {
    const char *name;
    knob_opt_type type;
    size_t offset;
    const char *def;
    double min, max;
    const char *help;
    const char *const *choices;
} knob_option;

/* ---------------------------------------------------------------- samplers */

/* The interface of a sampler, built in or user-written (docs/plugins.md shows how to
 * write one). The library makes a sampler's state: a block of `state_size` bytes,
 * zeroed, then each option of `options` set to its default, then to the values given
 * at creation; then `init` runs, once, and may check the options together and derive
 * what it needs from them (when init fails, fini is not called: init frees what it made
 * before failing). `fini` runs when the sampler is freed. The library frees the string
 * and enum options itself. Every method may be NULL (not supported). Methods report
 * failure with a status code and knob_set_error(); they are called from the thread
 * that uses the sampler's study, never two at a time. A method starts with this thread's
 * message empty (the caller's message is put back when it succeeds): one that fails
 * without knob_set_error gets the message "sampler 'NAME': METHOD returned KNOB_EINVAL
 * (invalid argument) without a message", and a returned value that is no status of the
 * enum (42, a negative number) reaches the caller as KNOB_EINVAL, the message saying so.
 * The same holds for a pruner's init and prune.
 *
 * - before_trial: a trial was just created (or taken from the queue); the sampler may
 *   record state in it with knob_trial_set_system_attr, or claim something with
 *   knob_study_claim. Returning KNOB_EDONE ends the study (e.g. an exhausted grid).
 * - sample_relative: propose values for several params jointly, with
 *   knob_trial_propose; a proposal is used when the trial then suggests that name with
 *   an equal distribution.
 * - sample_independent: the internal value for one param; required. A sampler with
 *   none of the other methods (random search) is asked without the study being read
 *   first on PostgreSQL: it reads the trials it needs with knob_study_trials, which
 *   reads what changed since.
 * - after_trial: the trial is about to be finished with `state`.
 *
 * - save_state, load_state (both or neither): the sampler's state kept in the study's
 *   storage between processes, so that a process that asks one trial (`knob ask`) need
 *   not rebuild it from every trial; see below.
 *
 * - trials_left: how many more trials the sampler runs before its before_trial returns
 *   KNOB_EDONE, as knob_study_trials_left gives it (see there), in *left (>= 0). NULL for a
 *   sampler that has no end. It reads the trials with knob_study_trials and answers by the
 *   rules its before_trial follows; it may prepare what before_trial would at the first ask,
 *   but must not change what the sampler asks.
 *
 * Version 2: knob_option gained `choices`, which changed its size, so a table built
 * against version 1 of this header is refused rather than misread. Version 3: the table
 * gained save_state and load_state at its end. Version 4: trials_left at its end. A
 * table of version 3 is still taken (its sampler has no trials_left: the library reads no
 * field past load_state of it); one of version 1 or 2 is refused.
 */
#define KNOB_SAMPLER_PLUGIN_VERSION 4
/* The oldest sampler table version the library takes. */
#define KNOB_SAMPLER_PLUGIN_VERSION_MIN 3
typedef struct knob_sampler_plugin {
    int version;
    const char *name;
    const char *help;
    size_t state_size;
    const knob_option *options;
    int (*init)(void *state);
    void (*fini)(void *state);
    int (*before_trial)(void *state, knob_study *s, knob_trial *t);
    int (*sample_relative)(void *state, knob_study *s, knob_trial *t);
    int (*sample_independent)(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *dist, double *internal);
    int (*after_trial)(void *state, knob_study *s, knob_trial *t, knob_trial_state st);
    /* A persisted state, on storages that keep one per study and sampler (SQLite and
     * PostgreSQL; not memory). It is a cache: the suggestions must be the same with it and
     * without it. load_state runs at a handle's first ask that has read no trials yet
     * (before sample_relative), with the record the last save_state of a sampler of the
     * same name and options wrote for this study, as the library checked it (study, name,
     * options, length, checksum); `stamp` is the change stamp it is as of, and the sampler
     * reads what changed since with knob_study_trials_since(s, stamp, ...). A record it
     * cannot use it ignores (KNOB_OK), and rebuilds from the trials. save_state runs once,
     * when that handle's first trial is told or detached: it sets *data to a malloc'd
     * record (the library frees it), *len, and *stamp to the stamp of the trials it holds
     * (from knob_study_trials_since), or returns KNOB_EDONE when it has nothing to save.
     * Errors of either are ignored (the next process rebuilds). */
    int (*save_state)(void *state, knob_study *s, void **data, size_t *len, int64_t *stamp);
    int (*load_state)(void *state, knob_study *s, const void *data, size_t len, int64_t stamp);
    /* Version 4. */
    int (*trials_left)(void *state, knob_study *s, int64_t *left);
} knob_sampler_plugin;

/* The most points the grid sampler enumerates: the sum, over the products of its option
 * search_space, of each product's points (the product of its lists' lengths, equal values
 * each counted). A larger grid is KNOB_EINVAL at the first knob_study_ask. */
#define KNOB_GRID_MAX_POINTS 10000000u

/* Creates a sampler by name: a built-in, "random", "grid" (its option search_space, a
 * JSON object {"lr": [0.001, 0.01], "opt": ["adam", "sgd"]}, is the grid: each point runs
 * once, in a seeded random order (option order=product: in the order of the lists, the
 * last varying fastest), across every worker, and then knob_study_ask returns
 * KNOB_EDONE; a FAIL trial ran its point, but one with the system attribute fail_cause
 * "interrupted", as knob run marks a trial its stop interrupted, which runs again), "qmc"
 * (scrambled Sobol or Halton points), "tpe", "gp" (Gaussian-process Bayesian optimization),
 * "cmaes", "evolution" (regularized evolution), "smac" (random-forest Bayesian optimization, as
 * SMAC3), "brute_force" (every combination of a finite define-by-run space once, then KNOB_EDONE;
 * a trial failed with fail_cause "interrupted" ran none, and its combination runs again);
 * or one registered with knob_sampler_register (knob_sampler_list lists them all, and `knob
 * samplers` with their options). Options "key=value,..." (NULL or "" for defaults); a value holding
 * commas (a JSON search_space) goes through knob_sampler_create_pairs or knob_sampler_set_option.
 * Every sampler has the option `seed` (an integer; without it a seed is drawn from the operating
 * system). Unknown names or options (with the option the name is a typo of, when one is near: "did
 * you mean"), an option given twice in the string, values out of range or not among an enum's
 * choices, and an option that acts only beside another, given another value than its default
 * without it, are KNOB_EINVAL naming the option ("option 'beta' (3) acts only with
 * acquisition=ucb ..."): it would be taken and left unused. Those are the warm_start_* options of
 * gp, tpe, smac and cmaes without warm_start_study, gp's beta without acquisition=ucb and
 * nsga2's and nsga3's mutation_eta without mutation=polynomial (cmaes's sigma0 acts beside a
 * warm start: the restarts' step size). That check is made here, when the sampler is made, from
 * the options given: knob_sampler_set_option on a sampler made does not repeat it. *out is freed
 * by knob_sampler_free, or owned by the study it is given to. */
KNOB_API int knob_sampler_create(const char *name, const char *options, knob_sampler **out);

/* Same, with the options as n pairs keys[i] = values[i], each value taken whole as
 * knob_sampler_set_option takes it: commas, brackets and quotes in a value are kept, as
 * the options string cannot keep them. For callers that hold options as pairs (a sweep
 * file's mapping, keyword arguments). keys and values may be NULL when n is 0. */
KNOB_API int knob_sampler_create_pairs(const char *name, const char *const *keys,
                                       const char *const *values, size_t n, knob_sampler **out);

/* Same, from a plugin table of the caller's, registered or not, which must outlive the
 * sampler. KNOB_EUNSUPPORTED when plugin->version is not one this library takes
 * (KNOB_SAMPLER_PLUGIN_VERSION_MIN to KNOB_SAMPLER_PLUGIN_VERSION); KNOB_EINVAL for a
 * table that cannot work (as knob_sampler_register checks it). */
KNOB_API int knob_sampler_create_plugin(const knob_sampler_plugin *plugin, const char *options,
                                        knob_sampler **out);

KNOB_API void knob_sampler_free(knob_sampler *sampler);

/* Sets one option by name from text, as the options string does. The sampler's init has
 * run already and does not run again: an option the sampler reads in init (to check it
 * against others, or to derive something from it) takes effect only when given at
 * creation. Use this for `seed` and for what a sampler reads as it runs. */
KNOB_API int knob_sampler_set_option(knob_sampler *sampler, const char *key, const char *value);

/* The sampler's name ("random"). Borrowed; lives as long as the sampler. */
KNOB_API const char *knob_sampler_name(const knob_sampler *sampler);

/* The sampler's seed: its option `seed`, or the one drawn at creation. Plugins derive
 * their draws from it (knob_rng_derive with the trial number). Given back in decimal as the
 * option seed= (which takes 0 to 2^64 - 1, and a negative integer modulo 2^64), it
 * reproduces the sampler's draws. */
KNOB_API uint64_t knob_sampler_seed(const knob_sampler *sampler);

/* The sampler's state block, for plugin methods outside a call. */
KNOB_API void *knob_sampler_state(knob_sampler *sampler);

/* Registers a user-written sampler under plugin->name for the whole process: from then
 * on knob_sampler_create(name, ...) finds it, in any thread, and knob_sampler_list lists
 * it. The table is not copied: it, and everything it points to, must stay valid and
 * unchanged until the process ends. There is no unregistering, so a shared object that
 * registers a plugin must never be unloaded.
 *
 * Returns KNOB_OK; KNOB_EEXIST when the name is taken, by a built-in or by a registered
 * sampler (the same table registered twice included); KNOB_EUNSUPPORTED when
 * plugin->version is not KNOB_SAMPLER_PLUGIN_VERSION_MIN to KNOB_SAMPLER_PLUGIN_VERSION (a
 * plugin built against a knob.h this library cannot read); KNOB_EINVAL for NULL, a name
 * that is empty or not made of letters, digits, '_', '-' and '.', a table without
 * sample_independent or with only one of save_state and load_state, or an option table that cannot
 * work (an unknown type, a field past state_size, an enum without choices or whose default is not
 * one of them, a default its type does not parse or outside [min, max], min > max or a NaN bound, a
 * name twice, or an option named `seed`, which every sampler has already), naming it.
 *
 * The registry of samplers and pruners is the one piece of process-wide state in
 * libknob; everything else hangs off a handle. It exists because a plugin is named by
 * text (an options string, a sweep file, `knob samplers`) that has no handle to carry
 * it, as SQLite's sqlite3_vfs_register names VFSes. A mutex guards it: registering,
 * creating by name and listing are safe from any thread at any time.
 *
 * One setting outside libknob is touched: OpenBLAS's thread count, which is the process's.
 * While gp (and auto's gp turns) asks, it is set to 1 and then put back as it was (its
 * threads gained nothing on the model's matrices, and their spinning made an ask on a busy
 * machine 47 times slower). A program that uses OpenBLAS from other threads sees 1 during
 * such an ask, and a change it makes then is undone when the ask ends. */
KNOB_API int knob_sampler_register(const knob_sampler_plugin *plugin);

/* The samplers knob_sampler_create finds by name: the built-ins in a fixed order, then
 * the registered ones in the order they were registered. Writes the first min(n, cap)
 * of them to out[0..cap) and returns n, how many there are; out NULL writes nothing
 * (whatever cap is), so (NULL, 0) asks for the count. The tables are borrowed and live for the
 * process. Thread-safe; n grows when a sampler is registered between two calls. */
KNOB_API size_t knob_sampler_list(const knob_sampler_plugin **out, size_t cap);

/* The NULL-terminated list of built-in sampler plugins. Borrowed, static. Registered
 * samplers are not in it: knob_sampler_list lists both. */
KNOB_API const knob_sampler_plugin *const *knob_sampler_builtins(void);

/* The entry point of a plugin built as a shared object: it exports
 * `int knob_plugin_init(void)`, which registers the object's samplers and pruners and
 * returns KNOB_OK or the status of the first registration that failed. A program that
 * loads the object (dlopen) finds it by this name (dlsym) and calls it once;
 * docs/plugins.md tells how the knob CLI loads plugins named in a sweep file. */
typedef int (*knob_plugin_init_fn)(void);
#define KNOB_PLUGIN_INIT_SYMBOL "knob_plugin_init"


/* ---------------------------------------------------------------- pruners */

/* The interface of a pruner, built in or user-written: its state, options, init and
 * fini work as a sampler's do (see knob_sampler_plugin); pruners take no `seed`. A
 * pruner belongs to one study and is called from the thread that uses it. A pruner that
 * reads an objective other than 0 declares an option `objective` of type KNOB_OPT_INT (the
 * index of that objective), which knob_trial_report reads too, to judge a non-finite value
 * by that objective's direction; a table that declares `objective` of another type is
 * KNOB_EINVAL. Version 2 for the same reason as samplers'. */
#define KNOB_PRUNER_PLUGIN_VERSION 2
typedef struct knob_pruner_plugin {
    int version;
    const char *name;
    const char *help;
    size_t state_size;
    const knob_option *options;
    int (*init)(void *state);
    void (*fini)(void *state);
    /* Decides whether the running trial `t` should stop, reading the study's history.
     * Required. */
    int (*prune)(void *state, knob_study *s, knob_trial *t, bool *out);
    /* The bracket of trial `number` (Hyperband), or -1 for none. Samplers that model the
     * history compare a trial only with trials of its bracket (BOHB). May be NULL. */
    int64_t (*bracket)(void *state, knob_study *s, int64_t number);
} knob_pruner_plugin;

/* Creates a pruner by name with options "key=value,...": a built-in, "none", "median",
 * "percentile", "threshold", "patient", "successive_halving" (ASHA), "hyperband",
 * "wilcoxon", "curve" (learning-curve extrapolation), "wandb_hyperband" (W&B sweeps'
 * hyperband early stopping: bands, no brackets; see docs/sweep.md), or one registered with
 * knob_pruner_register. Option names follow Optuna's; every built-in pruner but "none"
 * also takes `objective` (which objective's intermediate values it reads, 0 by
 * default), so studies of several objectives can be pruned. "patient" gives its
 * `objective` to the pruner it wraps (`wrapped`); an `objective` in its `wrapped_options`
 * that is not patient's is KNOB_EINVAL, naming both. "threshold" needs `lower` or
 * `upper` (KNOB_EINVAL without either, as Optuna's ThresholdPruner). The rest as for samplers:
 * knob_sampler_create, _create_pairs, _create_plugin, _free and _set_option. */
KNOB_API int knob_pruner_create(const char *name, const char *options, knob_pruner **out);
KNOB_API int knob_pruner_create_pairs(const char *name, const char *const *keys,
                                      const char *const *values, size_t n, knob_pruner **out);
KNOB_API int knob_pruner_create_plugin(const knob_pruner_plugin *plugin, const char *options,
                                       knob_pruner **out);
KNOB_API void knob_pruner_free(knob_pruner *pruner);
KNOB_API int knob_pruner_set_option(knob_pruner *pruner, const char *key, const char *value);

/* Registers a user-written pruner for the whole process, in the registry samplers use,
 * with the same rules and codes as knob_sampler_register (names of pruners and of
 * samplers are apart: a pruner may share a sampler's name); a table without prune is
 * KNOB_EINVAL. */
KNOB_API int knob_pruner_register(const knob_pruner_plugin *plugin);

/* The pruners knob_pruner_create finds by name, as knob_sampler_list lists samplers. */
KNOB_API size_t knob_pruner_list(const knob_pruner_plugin **out, size_t cap);

/* The NULL-terminated list of built-in pruner plugins. Borrowed, static. */
KNOB_API const knob_pruner_plugin *const *knob_pruner_builtins(void);

/* Asks `pruner` about trial `t` of study `s` (for pruners that wrap another). */
KNOB_API int knob_pruner_prune(knob_pruner *pruner, knob_study *s, knob_trial *t, bool *out);

/* The bracket of trial `number` of study `s` by `pruner` (see knob_pruner_plugin.bracket;
 * knob_study_pruner(s) is the study's), or -1 when the pruner has no brackets. For samplers
 * that model each bracket on its own (BOHB). */
KNOB_API int64_t knob_pruner_bracket(knob_pruner *pruner, knob_study *s, int64_t number);

/* ---------------------------------------------------------------- studies */

typedef struct knob_study_options {
    const knob_direction *directions; /* one per objective; NULL: one objective, minimized */
    size_t n_objectives;              /* the length of directions (0 with directions NULL;
                                       * directions with 0 is KNOB_EINVAL) */
    knob_sampler *sampler; /* taken over by the study, even on failure; NULL: "random" */
    knob_pruner *pruner;   /* taken over by the study, even on failure; NULL: "none" */
    /* Fault tolerance for workers that may die. With heartbeat_interval > 0 (seconds),
     * each trial this handle asks beats at ask (its first beat written with the trial's
     * creation or take, so it is never RUNNING without one), on knob_trial_report once
     * the interval has passed, and on knob_trial_heartbeat. A RUNNING trial whose last
     * beat is older than grace_period (0: 2 x heartbeat_interval) is failed by the next
     * ask of any worker that has heartbeats on ("no heartbeat for N s"); with max_retry > 0 a
     * WAITING trial with the same params and user attributes is then enqueued, linked
     * to the failed one by the system attributes "retry_of" and "retry_count" (and with
     * its system attribute "program_params" when it has one: the params as the knob CLI's
     * program got them, so the retry is listed as its source until it runs), up to
     * max_retry times per original trial. max_retry 0 (the default; a negative value is
     * read as 0) means no retry: the trial is failed and nothing is enqueued, here and in
     * knob_study_retry_trial. A trial so failed whose worker was alive after all (its
     * beats could not be written: the storage was out for longer than the grace) is still
     * told COMPLETE or PRUNED by it (a FAIL stays the presumed one): its end replaces the
     * presumed one, which is kept in the system attributes "lost_reason" and "lost_cause";
     * its retry, if it still waits then, is failed unrun by the next ask
     * ("retry_unneeded"). Workers must agree on these settings; clocks are wall clocks. */
    /* heartbeat_interval and grace_period are finite and >= 0 (0: no heartbeats, and a
     * grace of 2 x heartbeat_interval); NaN, an infinity or a negative value is KNOB_EINVAL
     * from knob_study_create, _create_new and _load, naming it. */
    double heartbeat_interval;
    double grace_period;
    int max_retry;
    /* The study never holds more than max_trials trials (0: no limit; a negative value is
     * KNOB_EINVAL), counted over every process sharing the storage and every state, WAITING
     * and FAIL included. The check is made atomically where the storage hands out the next
     * trial number, so any number of workers together stop at exactly max_trials: an ask
     * past it returns KNOB_EDONE, an enqueue past it KNOB_EDONE, and a heartbeat retry past
     * it is not enqueued. Workers should agree on it; each handle applies its own. */
    int64_t max_trials;
    /* A study whose trials have no objective value (a sweep without a metric): stored with
     * zero directions, its trials are told COMPLETE with no values, it has no best trial,
     * and model-based samplers refuse it. Set only at creation; directions are then
     * ignored. A study loaded from the storage knows it by its zero directions. */
    bool no_objective;
    /* COMPLETE values may be +inf or -inf, as Optuna takes them (the Python package sets
     * it): knob_study_tell, knob_study_tell_number and knob_study_add_trial store them, and
     * such a trial counts as any other (an -inf of a minimized objective is the best
     * trial). NaN still fails the trial. Off (the default): any non-finite value fails it.
     * Each handle applies its own; samplers see the infinite values as stored. */
    bool infinite_values;
} knob_study_options;

/* Creates the study `name` in `st`, or loads it when it exists and its directions
 * match (KNOB_EINVAL names both when they do not). opts NULL or zeroed: one objective,
 * minimize, random sampler with a random seed, no pruner. A pruner whose option `objective`
 * is past the study's objectives is KNOB_EINVAL naming the pruner, the option and the count,
 * before anything is stored (it would fail the first trial asking knob_trial_should_prune;
 * an `objective` set on the study's pruner later is checked there). *out is freed by
 * knob_study_free, before the storage is closed. */
KNOB_API int knob_study_create(knob_storage *st, const char *name, const knob_study_options *opts,
                               knob_study **out);

/* Creates the study `name` in `st` as knob_study_create does, but never loads it: when the
 * storage holds a study of that name (whatever its directions), returns KNOB_EEXIST, naming
 * the study, and changes nothing. The storage decides in one atomic step, so of several
 * processes or threads that create one name at once exactly one gets KNOB_OK (Optuna's
 * create_study without load_if_exists; with it, a caller loads the study on KNOB_EEXIST).
 * Codes otherwise as knob_study_create's; the sampler and pruner in opts are taken whatever
 * the result, as there. *out is freed by knob_study_free, before the storage is closed. */
KNOB_API int knob_study_create_new(knob_storage *st, const char *name,
                                   const knob_study_options *opts, knob_study **out);

/* Loads an existing study with its stored directions (KNOB_ENOTFOUND when there is
 * none). Sampler and pruner as in opts (directions in opts are ignored); the pruner's
 * `objective` is checked against the stored directions, as knob_study_create checks it.
 * Neither this nor knob_study_create reads the study's trials: the first call that needs
 * them (knob_study_ask, knob_study_trials, knob_study_best_trial, knob_study_sync, ...)
 * does, and a handle that only tells trials by number never reads them. */
KNOB_API int knob_study_load(knob_storage *st, const char *name, const knob_study_options *opts,
                             knob_study **out);

/* Frees the handle; NULL does nothing. Trials asked or opened through it and not told or
 * detached stay RUNNING in the storage, their params written (as knob_trial_detach writes
 * them), and their handles stay the caller's: every call on them that needs the study is
 * then KNOB_ESTATE (knob_study_tell through another handle: KNOB_EINVAL, the handle left
 * as it was), knob_trial_study gives NULL, their params are gone from them
 * (knob_trial_n_params is 0), and knob_trial_detach frees them. Tell them by number
 * through another handle (knob_study_tell_number). */
KNOB_API void knob_study_free(knob_study *s);

/* Opens the study `name` to read, for a sampler or pruner that learns from another study
 * (a warm start): from the storage at `url`, or from the storage of `s` when url is NULL
 * or "". A URL opens a storage handle of its own ("memory:" is then a new, empty storage),
 * which knob_study_free(*out) closes; else *out shares the storage of `s` and must be freed
 * before that storage is closed. *out has a random sampler and no pruner; its trials are
 * read with knob_study_trials and friends. A SQLite file that does not exist is not
 * created (KNOB_ENOTFOUND, naming the file). `s` itself (the name of `s`, with url NULL, "",
 * the same SQLite file however its path is written, or the same PostgreSQL URL) is refused
 * with KNOB_EINVAL: its trials are already its own. Returns KNOB_OK, KNOB_EINVAL (a NULL
 * argument, a bad URL, `s` itself), KNOB_ENOTFOUND (no such study, no such SQLite file),
 * KNOB_EUNSUPPORTED (an unknown scheme), KNOB_ESTORAGE, KNOB_ECORRUPT, KNOB_ENOMEM; the
 * message names the study and the URL (its password taken out). *out belongs to the thread
 * of `s`. */
KNOB_API int knob_study_open_related(knob_study *s, const char *name, const char *url,
                                     knob_study **out);

/* Borrowed; live as long as the study. */
KNOB_API const char *knob_study_name(const knob_study *s);
KNOB_API size_t knob_study_n_objectives(const knob_study *s);
/* The direction of objective i (0 for the first) of `s`: KNOB_MINIMIZE or KNOB_MAXIMIZE;
 * KNOB_DIRECTION_NOT_SET when the study has no objective i (i at or past
 * knob_study_n_objectives, a study without objective included) or s is NULL. As the other
 * accessors, it sets no message. Check i against knob_study_n_objectives first: a caller
 * that compares the result with KNOB_MAXIMIZE alone reads a wrong index as a minimized
 * objective. */
KNOB_API knob_direction knob_study_direction(const knob_study *s, size_t i);
KNOB_API knob_sampler *knob_study_sampler(knob_study *s);
KNOB_API knob_pruner *knob_study_pruner(knob_study *s);

/* Starts a trial: takes the oldest WAITING (enqueued) trial, or makes a new one with
 * the next number, and lets the sampler prepare it. Returns KNOB_EDONE when the sampler
 * has nothing left (an exhausted grid) or the study holds max_trials trials
 * (knob_errmsg() says which). A sampler that cannot search the study fails the ask with
 * its own status: a sampler of one objective (cmaes, evolution, smac) in a study of
 * several, KNOB_EUNSUPPORTED; tpe, gp, cmaes, smac or evolution in a study without
 * objective, KNOB_EINVAL. So does a built-in sampler's warm-start source (its option
 * warm_start_study, from its warm_start_storage, "" or none: the study's storage), checked
 * once per handle, that cannot be opened (KNOB_ENOTFOUND for a missing study or SQLite
 * file, the storage's code), has several objectives or is the study itself (KNOB_EINVAL),
 * with the sampler's name. These are found before a new trial's row is made, and none is
 * made; a trial whose sampler finds the mistake only once it exists is FAIL, with the
 * message as its reason. An enqueued trial the ask took, when its sampler (before_trial,
 * sample_relative) or the ask fails, goes back to the queue as it was (WAITING, no start
 * time, its enqueued params and attributes, nothing of the failed ask's), so the next ask
 * that works runs it, here or in another worker; on a storage that is out, it is put back
 * when the storage takes the write, else left RUNNING as a new trial is. *out is finished
 * (and freed) by knob_study_tell; on an error *out is NULL. */
KNOB_API int knob_study_ask(knob_study *s, knob_trial **out);

/* Finishes `t` with `state` (COMPLETE, PRUNED or FAIL) and frees it. COMPLETE needs
 * exactly one value per objective (none for a study without objective): another count,
 * or values NULL, is a mistake of the caller's, refused with KNOB_EINVAL, and then the
 * trial stays RUNNING and `t` stays valid, to be told again. A NaN or infinite value
 * (an infinite one is stored when the study was opened with infinite_values) records the
 * trial as FAIL with the reason in its system attribute "fail_reason", and returns
 * KNOB_EINVAL. PRUNED, in a study of one objective, takes its value from the last
 * intermediate value (values are ignored and may be NULL, as Optuna's tell takes none); in a
 * study of several objectives (whose intermediate values are those of one objective, the
 * pruner's), it keeps `values` as the last value of each objective when there is one per
 * objective and each is one COMPLETE would store, and otherwise has none (values NULL, a
 * NaN: no values, and no failure); such values are never on the Pareto front, and the
 * built-in samplers read them as no result. FAIL ignores values.
 * Another state (RUNNING, WAITING) is refused with
 * KNOB_EINVAL as a wrong count is. Telling a trial that is already finished (by another
 * process, say; but for one failed for its silent heartbeat, see heartbeat_interval) is
 * KNOB_ESTATE and changes nothing, whatever the count of values (the
 * state is checked first). `s` may be another handle on the study of the handle `t` was
 * asked or opened through (knob_study_load of the same name, from the same storage handle,
 * the same SQLite file or the same PostgreSQL database): the trial is then told through
 * its own handle, its params written and that handle's sampler told, as if told there
 * (so the call must not run beside another on that handle either). A
 * trial of another study, or one whose study handle was freed (see knob_study_free), is
 * refused with KNOB_EINVAL, and `t` stays valid and untouched, as for a wrong count.
 * Apart from these refusals, `t` is freed whatever the result: a storage failure
 * (KNOB_ESTORAGE, KNOB_EBUSY, KNOB_EIO) means the trial was not saved and stays RUNNING in
 * the storage. */
KNOB_API int knob_study_tell(knob_study *s, knob_trial *t, knob_trial_state state,
                             const double *values, size_t n_values);

/* Tells `t` FAIL as knob_study_tell does (the sampler told, the handle freed, refusals
 * alike, their messages naming knob_study_tell_fail), with why it failed: `reason` and
 * `cause` (either may be NULL) become the system attributes "fail_reason" and "fail_cause"
 * (JSON strings) only when this FAIL is taken, the cause in the write after the FAIL's. The
 * reason is in the FAIL's own write on SQLite and PostgreSQL, and in the write right after
 * it in `memory:`. Set before knob_study_tell instead, they would be written on a trial
 * whose FAIL is then refused: one finished elsewhere (KNOB_ESTATE), or failed already for
 * its silent heartbeat, whose cause "worker_lost" (see heartbeat_interval) they would
 * replace. Returns as knob_study_tell; a storage status after the FAIL was stored (the
 * cause's write) says so in knob_errmsg(), the trial FAIL without its cause. Not
 * thread-safe on one study handle, nor on the handle `t` was asked through when `s` is
 * another, as knob_study_tell. */
KNOB_API int knob_study_tell_fail(knob_study *s, knob_trial *t, const char *reason,
                                  const char *cause);

/* Frees the handle of a trial without finishing it: the trial stays RUNNING in the
 * storage, to be finished later, by any process, with knob_study_tell_number. NULL does
 * nothing. */
KNOB_API void knob_trial_detach(knob_trial *t);

/* Opens a handle on RUNNING trial `number` of `s`, one asked by another process or
 * handle and detached there (knob ask, knob_trial_detach), as Optuna's Trial(study,
 * trial_id) does: syncs the study, then the handle has the trial's params, intermediate
 * values and attributes as stored. Use it as an asked trial: knob_trial_report and
 * knob_trial_should_prune (the pruner sees every value reported so far, whoever
 * reported it), attributes, suggest (a param the trial has gives its value; a new one is
 * sampled independently); then knob_study_tell it, or knob_trial_detach it to leave it
 * running. Returns KNOB_OK; KNOB_EINVAL (a NULL argument), KNOB_ENOTFOUND (no such
 * trial), KNOB_ESTATE (the trial is finished, or WAITING: enqueued and not asked yet),
 * KNOB_ENOMEM or a storage status, and then *out is NULL; a trial failed for its silent
 * heartbeat is opened as a running one (its worker may still tell it: see
 * heartbeat_interval). Not thread-safe on one study handle, as knob_study_ask. */
KNOB_API int knob_study_open_trial(knob_study *s, int64_t number, knob_trial **out);

/* Moves the handle `t` onto the study handle `s`, another handle on the same study of the
 * same storage handle (one opened again with another sampler or pruner, say): `t` then
 * belongs to `s` as if asked or opened through it, and outlives the handle it came from,
 * which can be freed at once. `t` keeps its params (unwritten ones included), intermediate
 * values and attributes; from then on its calls use the study, sampler and pruner of `s`.
 * A handle kept on a trial finished since may be moved too: knob_trial_should_prune on it
 * still asks the pruner, as on any handle (KNOB_ESTATE where the pruner would record a rung
 * in the finished trial: see knob_trial_should_prune). `t` already of `s` is KNOB_OK and changes
 * nothing. Returns KNOB_EINVAL (a NULL argument; `s` of another study or storage handle),
 * KNOB_ESTATE (the study of `t` was freed: see knob_study_free) or KNOB_ENOMEM, and then
 * `t` stays with the handle it had. Not thread-safe on either study handle. */
KNOB_API int knob_study_adopt_trial(knob_study *s, knob_trial *t);

/* Writes the params `t` has suggested so far to the storage now. They are otherwise written
 * with the trial's next write (an attribute, a report, a heartbeat, its tell): a trial that
 * another process or study handle tells by number (knob_study_tell_number) while this
 * handle holds it would finish without them (a tell by number through the study handle
 * `t` belongs to writes them first), and other processes do not see them while it runs. Does
 * nothing when every param is written, or before the trial has its row. Returns KNOB_OK,
 * KNOB_EINVAL (t NULL) or a storage status (the params stay unwritten, to be written with
 * the next write). */
KNOB_API int knob_trial_flush(knob_trial *t);

/* Tells a trial by number, for a trial asked in another process (knob tell). The same
 * rules as knob_study_tell (a wrong count of values changes nothing); KNOB_ENOTFOUND when
 * there is no such trial. A WAITING trial (enqueued, not asked yet: it has no params) is
 * refused with KNOB_ESTATE whatever the state told, as Optuna's tell refuses it, and
 * changes nothing; it is told once an ask has taken it. A handle on the trial open
 * through `s` (asked or opened there, not told yet) has its unwritten params written first,
 * so the trial is stored with them; that handle is then one of a finished trial:
 * knob_study_tell on it is KNOB_ESTATE ("already complete") and frees it, and
 * knob_trial_detach frees it. */
KNOB_API int knob_study_tell_number(knob_study *s, int64_t number, knob_trial_state state,
                                    const double *values, size_t n_values, const char *fail_reason);

/* The objective of knob_study_optimize: returns KNOB_TRIAL_COMPLETE with
 * values[0..n_objectives) set, KNOB_TRIAL_PRUNED, or KNOB_TRIAL_FAIL. values are NaN when
 * it is called and are told with its state: a pruned trial of several objectives that set
 * every one keeps them (see knob_study_tell). */
typedef knob_trial_state (*knob_objective_fn)(knob_trial *t, void *ctx, double *values);

/* Runs n_trials trials (ask, fn, tell), or until the sampler is done (returns KNOB_OK
 * then). A trial whose objective fails, returns a non-finite value or returns another
 * state than those three (RUNNING, WAITING, a number of no state) is recorded FAIL with
 * the reason in its system attribute "fail_reason", and the study goes on; a storage
 * failure stops it with that status. */
KNOB_API int knob_study_optimize(knob_study *s, knob_objective_fn fn, void *ctx, int n_trials);

/* Enqueues a WAITING trial whose params are fixed, as a JSON object text
 * ({"lr": 0.01, "optimizer": "adam"}); the next ask takes it. A fixed value is used when
 * the trial suggests that name and the value fits the distribution (numbers given as
 * strings, as a command line gives them, are accepted; true and false fit as 1 and 0, and
 * a 1 or 0 fits a categorical's true or false when no choice is the value itself, as
 * Python's == takes them); otherwise the sampler decides. An ask that takes it and fails
 * puts it back (knob_study_ask). KNOB_EDONE when the study already holds max_trials
 * trials. */
KNOB_API int knob_study_enqueue(knob_study *s, const char *params_json);

/* Runs FAIL trial `number` again as a trial whose worker was lost is run (see max_retry in
 * knob_study_options): enqueues a WAITING trial with its params (and "program_params"),
 * linked to it by the system attributes "retry_of" and "retry_count", unless its chain of
 * retries already holds max_retry of them, the trial was retried already, or the study holds
 * max_trials trials. For a trial stopped through no fault of its params (its worker
 * preempted, say). *enqueued (may be NULL): whether a retry was enqueued. Syncs. Returns
 * KNOB_OK; KNOB_ENOTFOUND (no such trial), KNOB_ESTATE (the trial is not FAIL), KNOB_EINVAL
 * (s NULL), or the storage's status. The study's thread. */
KNOB_API int knob_study_retry_trial(knob_study *s, int64_t number, bool *enqueued);

/* Fixes params in every trial this handle asks from now on, as a JSON object text
 * ({"lr": 0.01}; Optuna's PartialFixedSampler): a trial that suggests one of these names
 * gets the value when it fits the distribution (as an enqueued value does), and the
 * sampler draws the others; a misfit is left to the sampler. An enqueued trial's own fixed
 * params come first. Kept in the handle only, not stored; NULL clears them. Returns
 * KNOB_OK; KNOB_EINVAL for s NULL or a text that is not a JSON object (nothing changes);
 * KNOB_ENOMEM. */
KNOB_API int knob_study_set_fixed_params(knob_study *s, const char *params_json);

/* Reads what changed in the storage since the last sync into the study's view. */
KNOB_API int knob_study_sync(knob_study *s);

/* Syncs, then gives every trial of the study in number order. *trials is borrowed (see
 * knob_trial_info). */
KNOB_API int knob_study_trials(knob_study *s, const knob_trial_info *const **trials, size_t *n);

/* Syncs, then gives the trials written to since the change stamp `since`, in number
 * order, and in *stamp the stamp to pass next time: a poll that reads only what changed
 * (a live view). 0 gives every trial. Stamps are the storage's own (they grow with each
 * write to the study), so any handle on the same storage may pass a stamp another got.
 * Memory and SQLite give each change once. PostgreSQL gives it once, unless a knob write
 * to the same tables (same database and schema; another worker's, of any study) was still
 * running at the poll: a poll reads up to the oldest such write, and a trial written since
 * it began is given again (as it is now) at the next poll. Other programs' transactions on
 * the server, however long, hold nothing back.
 * *out (an array of *n pointers) is borrowed as knob_study_trials' is: valid until the
 * next call that syncs the study. Returns KNOB_OK, KNOB_EINVAL (a NULL argument),
 * KNOB_ENOMEM, or the storage's status. */
KNOB_API int knob_study_trials_since(knob_study *s, int64_t since,
                                     const knob_trial_info *const **out, size_t *n, int64_t *stamp);

/* How many more trials the study runs before knob_study_ask returns KNOB_EDONE, as its
 * sampler counts them (the sampler's trials_left): for the grid, its points no trial has run
 * or runs (a FAIL trial ran its point; one with fail_cause "interrupted" did not, and its
 * point runs again, in the study's next handle: the handle that asked that trial does not go
 * back to it), plus the study's waiting trials, which all run (one enqueued on a point
 * takes it, a value listed twice the first of them; a retry its original's; one whose fixed
 * values agree with no point takes none, unless a value is one its param's distribution, as
 * the study's trials last suggested it, does not take: the sampler samples that param, and
 * the trial runs the grid's next point of its other values; in a grid of several products,
 * or before a trial has suggested the param, it is counted as taking none). With the study's
 * max_trials (this handle's), no more than it still allows: the waiting trials, which the
 * study holds already, and new trials up to max_trials in all. Syncs first; other workers
 * may run some of them. KNOB_EUNSUPPORTED when the sampler has no end (random, tpe,
 * brute_force, whose define-by-run space is known only along the paths tried, ...) or its
 * table is of version 3; KNOB_EINVAL (NULL); else the sampler's status (KNOB_EINVAL for a
 * grid without search_space or too large). */
KNOB_API int knob_study_trials_left(knob_study *s, int64_t *left);

/* The best feasible COMPLETE trial (see knob_trial_info_feasible) of a study with one
 * objective, as of now: a handle that has not read the study finds it by the storage's
 * index of best values and reads that trial alone; otherwise the study is synced. *out is
 * borrowed as knob_study_trials' is: valid until the next call that syncs the study, this
 * one included (keep the number, not the pointer). KNOB_ENOTFOUND when none is complete,
 * or none of the complete ones is feasible (the message says which); KNOB_EINVAL for
 * several objectives (see knob_study_best_trials). */
KNOB_API int knob_study_best_trial(knob_study *s, const knob_trial_info **out);
KNOB_API int knob_study_best_value(knob_study *s, double *out);

/* Syncs, then the Pareto front: the feasible COMPLETE trials that no other feasible
 * COMPLETE trial dominates, in number order. *out (an array of *n pointers) is borrowed as
 * knob_study_trials' is: valid until the next call that syncs the study. *n is 0 when no
 * trial is complete; KNOB_ENOTFOUND when trials are complete but none is feasible (the
 * message says so). KNOB_EINVAL for a study without objective. */
KNOB_API int knob_study_best_trials(knob_study *s, const knob_trial_info *const **out, size_t *n);

/* Syncs, then the hypervolume of the feasible Pareto front (knob_study_best_trials): the
 * measure of the objective space its trials dominate, bounded by the reference point
 * ref[0..n_objectives), each in its objective's own units and direction (a minimized
 * objective's reference lies above the front, a maximized one's below). ref NULL: the
 * nadir of the front (its worst value in each objective) moved away by 10% of the front's
 * range in that objective (10% of max(|nadir|, 1) when every point has the same value; at
 * least to the next double, when the range is too small for 10% of it to move the nadir),
 * all from the front's finite values (infinite_values): a point at infinity in an objective
 * does not move the reference; one worse than it adds nothing, one better makes hv inf.
 * Exact: a sweep for 2 objectives, a 3-D sweep for 3, WFG beyond.
 * Returns KNOB_OK; KNOB_EINVAL for a NULL study or hv, a study without objective, a
 * non-finite reference, or one that no trial of the front is strictly better than in
 * every objective (its hypervolume would be 0: the message names the point); KNOB_ENOTFOUND
 * when no trial is complete and feasible; KNOB_ENOMEM; a storage status from the sync. */
KNOB_API int knob_study_hypervolume(knob_study *s, const double *ref, double *hv);

/* Syncs, then the hypervolume after each finished trial (COMPLETE, PRUNED or FAIL), in
 * the order they finished (end time, then number): (*out)[k] is the hypervolume of the
 * feasible complete trials among the first k + 1 to finish, 0 before any of them
 * dominates the reference point. The reference point is ref, or when NULL the default of
 * knob_study_hypervolume for the whole study, so the values compare (the last is
 * knob_study_hypervolume's value, up to rounding: each trial that joins the front adds what
 * it covers beyond the front before it). *out (*n values) is borrowed from the study
 * until the next call of this function or of knob_study_hypervolume_history_by_number on
 * it, or its free.
 * Returns as knob_study_hypervolume does, except that with ref given, a reference point
 * that no trial dominates, or a study with no feasible complete trial, gives 0 after each
 * finished trial (as Optuna's plot_hypervolume_history), not KNOB_EINVAL or KNOB_ENOTFOUND. */
KNOB_API int knob_study_hypervolume_history(knob_study *s, const double *ref, const double **out,
                                            size_t *n);

/* As knob_study_hypervolume_history, with the finished trials in the order of their numbers
 * (Optuna's plot_hypervolume_history reads the trials so): (*out)[k] is the hypervolume of
 * the feasible complete trials among the k + 1 finished trials of lowest numbers. Where
 * trials end out of their numbers' order (workers, threads), the two differ before the last
 * value. *out is the same borrowed buffer as knob_study_hypervolume_history's. */
KNOB_API int knob_study_hypervolume_history_by_number(knob_study *s, const double *ref,
                                                      const double **out, size_t *n);

/* Study attributes: a key and a JSON value text, validated. */
KNOB_API int knob_study_set_user_attr(knob_study *s, const char *key, const char *json);
/* The value, borrowed until the next call on the study, or NULL. */
KNOB_API const char *knob_study_user_attr(knob_study *s, const char *key);
KNOB_API int knob_study_set_system_attr(knob_study *s, const char *key, const char *json);
KNOB_API const char *knob_study_system_attr(knob_study *s, const char *key);

/* Atomically claims `key` in the study for trial `t`: *won is true for exactly one
 * claimant across every process sharing the storage. For samplers (grid points).
 * KNOB_EINVAL for a NULL argument or an empty key (as knob_study_ask_claimed). */
KNOB_API int knob_study_claim(knob_study *s, const char *key, knob_trial *t, bool *won);

/* Asks a new trial as knob_study_ask does and claims `key` for it (as knob_study_claim) in
 * the one storage transaction that creates the trial, with the n_attrs system attributes
 * `attrs` (copied; each value valid JSON) and, when the study has heartbeats, its first
 * heartbeat. *won is true for exactly one caller across every process sharing the storage,
 * and only that caller gets the trial (*out, RUNNING; tell or detach it as any asked
 * trial); every other caller gets *out NULL and nothing is written. So a key is never
 * claimed without its trial and its attributes, whenever the process dies. Enqueued
 * trials are not taken: a claimed trial is always new.
 * Codes: KNOB_EINVAL (a NULL argument, an empty key, an attribute that is not valid
 * JSON), KNOB_EDONE (the study holds max_trials), KNOB_ESTORAGE, KNOB_ENOMEM; *out NULL
 * and *won false on any error. Not thread-safe on one handle, as knob_study_ask. */
KNOB_API int knob_study_ask_claimed(knob_study *s, const char *key, const knob_attr *attrs,
                                    size_t n_attrs, knob_trial **out, bool *won);

/* Adds a trial made elsewhere (copied from another study, recorded by another tool) to
 * the study, with the next number: `info`'s state, params (each with its distribution; the
 * internal value must fit it), values (one per objective for COMPLETE; a PRUNED trial
 * without values takes the value of its highest step, in whatever order the intermediate
 * values come), intermediate values and user and
 * system attributes, its constraint values (n_constraints of them, as
 * knob_trial_set_constraints records them: they replace a "constraints" system attribute,
 * which is otherwise checked as they are; an infeasible trial is then neither the best
 * trial nor on the Pareto front), and its start and end times when they are positive (a
 * copied trial keeps its own; NaN or 0: the time of the writes). A RUNNING trial has no
 * values and no end time: it is told later, by number, as a detached one. A WAITING trial
 * has no values or times; the next ask takes it as an enqueued one, with the params of its
 * system attribute "fixed_params" (a JSON object, as knob_study_enqueue writes it) and its
 * own params (as Optuna's add_trial: they are kept, and written into fixed_params over the
 * values given there). A trial of any state is written whole in one write, in its state,
 * with its params, values, intermediate values, attributes and times: a reader sees it so
 * from the start (a finished trial is never seen RUNNING, nor without any of them), no ask
 * takes a waiting one without them, and a failure (or a process killed mid-write) leaves no
 * trial and uses no number. Its id and number are ignored: the trial is numbered after the
 * study's others.
 * Nothing of `info` is kept. The sampler is not asked and the pruner not called. *number
 * (may be NULL) is the trial's number. Returns KNOB_OK; KNOB_EINVAL (naming what is wrong:
 * a state, a count of values, values where the state has none (RUNNING, WAITING, FAIL), a
 * non-finite value (an infinite one is taken with the study's option infinite_values), an
 * intermediate value at a negative step (as knob_trial_report refuses it; a NaN one is left
 * out, as a report does not store it), a NaN constraint value, a "constraints" system
 * attribute that is not a JSON array of numbers, a count of constraint values other than the
 * study's trials have (as this handle's view knows them), fixed_params not a JSON object, a
 * param outside its distribution or given twice, an attribute that is not JSON), and then
 * nothing is written; KNOB_EDONE (max_trials), KNOB_ESTORAGE,
 * KNOB_ENOMEM. The study's thread. */
KNOB_API int knob_study_add_trial(knob_study *s, const knob_trial_info *info, int64_t *number);

/* Calls cb(ctx, key, json) for each user (system = false) or system attribute of the
 * study, in the order they were first set; key and json are borrowed for the call.
 * A callback returning anything but KNOB_OK stops the walk, and that status is returned.
 * Returns KNOB_OK, KNOB_EINVAL (NULL s or cb), KNOB_ESTORAGE. The study's thread. */
KNOB_API int knob_study_attrs(knob_study *s, bool system,
                              int (*cb)(void *ctx, const char *key, const char *json), void *ctx);

/* ---------------------------------------------------------------- trials */

/* Suggests a float in [low, high]: step 0 is continuous, step > 0 gives low + k*step
 * (high is lowered to the last step; where low and step are decimals of at most 22 places,
 * each read as Python writes it, in the fewest digits that read back as it, the double
 * nearest that decimal: 3 steps of 0.1 are 0.3, not 0.30000000000000004, 1 + 3 steps of
 * 1e-13 is 1.0000000000003, 3 steps of 0.3333333333333333 are 0.9999999999999999, as in
 * Python's FloatDistribution; one within a few ulps of a shorter decimal is that decimal,
 * 0.1 + 0.2 is 0.3; a step of more places, 2^-80, keeps the plain sum; a value
 * given back, enqueued or added, is on a step within the rounding of low + k*step, however far
 * from 0 the range lies: 1e8 + 0.1 by 0.1); KNOB_LOG samples on a log scale
 * (low > 0, step 0). Suggesting the same name again in a trial returns the same value; another
 * distribution under that name is KNOB_EINVAL. A trial's params reach the storage
 * together, with its next write (report, attribute, heartbeat, tell, detach) or the
 * study's next ask, whichever comes first: one transaction, not one per param. With
 * heartbeats on (knob_study_options), each param is written at once instead, and so it is
 * after an ask of this handle that saw running trials that are not its own (another
 * worker's, or a dead one's), or another trial of this handle open (threads, a batch): the
 * samplers then see this trial's params while it runs. */
KNOB_API int knob_trial_suggest_float(knob_trial *t, const char *name, double low, double high,
                                      double step, unsigned flags, double *out);

/* Suggests an integer in [low, high] with step >= 1, KNOB_LOG needs low >= 1 and step 1.
 * low, high and step are at most 2^53 in magnitude (a double holds every integer up to
 * there, and an int param is held as one); beyond it, KNOB_EINVAL naming the param. The
 * random sampler (and the samplers' random draws: tpe's start, evolution's) draws each value
 * of a linear range with equal probability, however wide ([-2^53, 2^53] too); a sampler that
 * places the param at a point of [0, 1] (qmc, gp, cmaes, smac, nsga2's and tpe's Sobol start)
 * tells apart no more values than that double does (2^53; qmc's Sobol points 2^32), so from a
 * range of more it reaches only some. */
KNOB_API int knob_trial_suggest_int(knob_trial *t, const char *name, int64_t low, int64_t high,
                                    int64_t step, unsigned flags, int64_t *out);

/* Suggests one of n_choices strings; *out_index is its index. */
KNOB_API int knob_trial_suggest_categorical(knob_trial *t, const char *name,
                                            const char *const *choices, size_t n_choices,
                                            size_t *out_index);

/* Suggests one of typed choices (strings, numbers, booleans, null). */
KNOB_API int knob_trial_suggest_choice(knob_trial *t, const char *name, const knob_choice *choices,
                                       size_t n_choices, size_t *out_index);

/* Suggests by a distribution; *internal as in knob_param. */
KNOB_API int knob_trial_suggest(knob_trial *t, const char *name, const knob_distribution *dist,
                                double *internal);

KNOB_API int64_t knob_trial_number(const knob_trial *t);
KNOB_API int64_t knob_trial_id(const knob_trial *t);
/* The trial's study; NULL once that study was freed (see knob_study_free). */
KNOB_API knob_study *knob_trial_study(knob_trial *t);

/* The params suggested so far (n, then i-th). Borrowed until the next suggest. */
KNOB_API size_t knob_trial_n_params(const knob_trial *t);
KNOB_API const knob_param *knob_trial_param(const knob_trial *t, size_t i);

/* Records an intermediate value of the objective at `step` (0 to INT64_MAX - 1; another
 * step is KNOB_EINVAL, naming the trial). Reporting a step again is ignored (the first
 * report stays, a non-finite one included). A NaN, or an infinity on the losing side
 * (+inf when minimizing), is recorded nowhere but marks a diverged run: while it is the
 * latest report, every pruner but "none" prunes the trial (knob_trial_should_prune) at
 * once, past no warmup (knob's rule; Optuna's pruners store it and most judge it by their
 * own rules: docs/sweep.md). A gain of +inf (or a loss of -inf) is ignored. A new step of a trial
 * already finished (told by number elsewhere: knob tell, the dashboard) is refused:
 * KNOB_ESTATE, as Optuna's storages refuse it; one failed for its silent heartbeat still
 * records (see heartbeat_interval in knob_study_options). */
KNOB_API int knob_trial_report(knob_trial *t, int64_t step, double value);

/* Records that this trial's worker is alive (see knob_study_options); does nothing
 * when the study has no heartbeat interval. */
KNOB_API int knob_trial_heartbeat(knob_trial *t);

/* Stops the beats of trial t: its heartbeat is stored as null, so that it is never failed
 * for their lack, and knob_trial_report beats no more (knob_trial_heartbeat starts them
 * again). For a trial to be told much later than the grace period allows: an ask and tell
 * loop (Optuna gives such trials no heartbeat). Does nothing when the study has no
 * heartbeat interval. Returns KNOB_OK, KNOB_EINVAL (t NULL), KNOB_ESTATE (its study freed)
 * or the storage's status. */
KNOB_API int knob_trial_heartbeat_stop(knob_trial *t);

/* Asks the study's pruner whether to stop this trial now. KNOB_ESTATE when the pruner would
 * record a rung in the trial (successive halving, Hyperband, or a patient pruner over them)
 * and the trial has finished, told through this handle or another (as Optuna's storages
 * refuse to update a finished trial): the rung is not recorded, and *out is left false. */
KNOB_API int knob_trial_should_prune(knob_trial *t, bool *out);

/* The intermediate values this trial reported, sorted by step. Borrowed until the next
 * report. */
KNOB_API size_t knob_trial_intermediate(const knob_trial *t, const knob_step_value **out);

/* The step and value of the trial's latest report for a pruner that judges values against
 * bounds: its highest stored step, or a later report of an infinity on the winning side (a
 * loss of -inf, a gain of +inf), which knob_trial_report does not store. false when it
 * reported neither (NULL arguments too). */
KNOB_API bool knob_trial_latest_report(const knob_trial *t, int64_t *step, double *value);

/* Trial attributes: a key and a JSON value text ("3", "\"adam\"", "[1,2]"), validated
 * (KNOB_EINVAL naming the key for text that is not JSON). User attributes are the
 * caller's; system attributes belong to knob and its plugins (samplers record their
 * state there; keys such as "fail_reason", "heartbeat", "fixed_params" are knob's).
 * Setting a key again replaces its value. */
KNOB_API int knob_trial_set_user_attr(knob_trial *t, const char *key, const char *json);
KNOB_API int knob_trial_set_system_attr(knob_trial *t, const char *key, const char *json);
/* The value of an attribute set through this handle, or NULL; the user and system
 * attributes an enqueued trial was stored with (knob_study_add_trial, knob_study_enqueue's
 * fixed_params, a retry's retry_of) are read too, once an ask has taken it. Borrowed
 * until the next set of that key on the trial, or the trial's tell. (Attributes of
 * finished trials, and of trials asked elsewhere: knob_trial_info_attr.) */
KNOB_API const char *knob_trial_user_attr(const knob_trial *t, const char *key);
KNOB_API const char *knob_trial_system_attr(const knob_trial *t, const char *key);

/* Calls cb(ctx, key, json) for each user (system = false) or system attribute that
 * knob_trial_user_attr / knob_trial_system_attr read, in the order they were first set;
 * key and json are borrowed for the call. A callback returning anything but KNOB_OK stops
 * the walk, and that status is returned. Returns KNOB_OK or KNOB_EINVAL (t or cb NULL).
 * Reads the handle only. */
KNOB_API int knob_trial_attrs(const knob_trial *t, bool system,
                              int (*cb)(void *ctx, const char *key, const char *json), void *ctx);

/* Records the trial's constraint values values[0..n): constraint i is satisfied when
 * values[i] <= 0 (as Optuna's constraints_func); an infinite value is taken, +inf violated
 * and -inf satisfied, as Optuna takes it. Called before the trial is told; set
 * again, the new values replace the old. They are stored with the trial, as the system
 * attribute "constraints" (a JSON array; an infinity as 1e999 or -1e999, which JSON readers
 * take as one), in every backend, and read back as
 * knob_trial_info's n_constraints and constraints. A trial is feasible when every value
 * is <= 0; infeasible trials never count as the best trial or on the Pareto front, and
 * samplers that honour constraints steer away from them.
 * Returns KNOB_OK; KNOB_EINVAL for t NULL, n 0, values NULL, a value that is NaN (naming
 * its index), or an n other than the one the study's earlier trials
 * have (as this handle's view of the study knows them; every ask syncs it; a trial that
 * alone has constraints there may set them again with another count, and the view is
 * synced first to see that no other trial has any), and then nothing is written; or a
 * storage status (KNOB_ESTORAGE, KNOB_EBUSY). */
KNOB_API int knob_trial_set_constraints(knob_trial *t, const double *values, size_t n);

/* Records the constraint values of trial `number` of `s`, a trial asked in another process
 * (knob tell --constraints), as knob_trial_set_constraints does for a trial in hand: called
 * before the trial is told, and the new values replace the old. Syncs the study first.
 * Returns KNOB_OK; KNOB_EINVAL as knob_trial_set_constraints (s NULL, n 0, values NULL, a
 * value NaN, a count other than the study's earlier trials have); KNOB_ENOTFOUND
 * when there is no such trial; KNOB_ESTATE when the trial is already finished, or WAITING
 * (enqueued, not asked yet); or a storage status. Nothing is written on an error. */
KNOB_API int knob_study_set_trial_constraints(knob_study *s, int64_t number, const double *values,
                                              size_t n);

/* For samplers: proposes `internal` for param `name` under `dist` (copied), used if
 * the trial suggests that name with an equal distribution. Returns KNOB_OK; KNOB_EINVAL
 * for a NULL argument or a value outside `dist` (naming the param); KNOB_ESTATE for a
 * trial whose study was freed; KNOB_ENOMEM. */
KNOB_API int knob_trial_propose(knob_trial *t, const char *name, const knob_distribution *dist,
                                double internal);

/* ---------------------------------------------------------------- importance */

/* One param's importance: its name and its share, in [0, 1] (knob_study_importance_v2 with
 * KNOB_IMPORTANCE_RAW: the method's own number, see there). */
typedef struct knob_importance {
    const char *name;
    double share;
} knob_importance;

/* knob_study_importance's `objective` for PED-ANOVA of the Pareto fronts of a study of
 * several objectives. */
#define KNOB_IMPORTANCE_PARETO ((size_t)-1)

/* How much each param matters to objective `objective` (0 for the first) of the study's
 * COMPLETE trials with a finite value of it. `objective` KNOB_IMPORTANCE_PARETO (ped-anova
 * only; the objective itself for a study of one): how much each param matters to reaching
 * the Pareto front, over the trials whose every value is finite, the best 10% being ceil(10%)
 * of them by nondomination rank, the last front cut by hypervolume subset selection (the
 * TPE sampler's split of several objectives), as Optuna 5's PedAnovaImportanceEvaluator
 * without target. `method`:
 *   "fanova" (NULL or "" too): functional ANOVA (Hutter et al. 2014) on a random forest of 64
 *       regression trees of depth at most 64 fitted to the trials, as Optuna's
 *       FanovaImportanceEvaluator: a param's share is the variance of its main effect over
 *       the total variance, averaged over the trees. It reads the trials that hold every
 *       evaluated param; numbers on their own scale (log params too), categories as
 *       categories (subsets of their choices; past 63 choices only with at least 4 trials a
 *       choice, else as the choice's position). A param whose distribution changed between
 *       trials (a sweep resumed with an edited range) is read over the union: ranges merged
 *       (log only if every trial's was, int only if every trial's was), choices merged by
 *       value; a param that is a number in some trials and a choice in others is left out
 *       (KNOB_EUNSUPPORTED when named). The objective's unit and offset change nothing
 *       (values of 1e-9 or 1e200 give the shares of the same values near 1). The forest's
 *       seed is fixed and its features are the params in name order (as Optuna's): the same
 *       trials give the same shares, whatever the order of their params or of `params`.
 *   "ped-anova": PED-ANOVA (Watanabe et al. 2023) as Optuna's PedAnovaImportanceEvaluator:
 *       how much each param's distribution among the best 10% of the trials (by the
 *       objective's direction) differs from its distribution among all of them. Fast; a
 *       conditional param is judged over the trials where it is active.
 * `params` (n_params names) restricts the evaluation to those params; NULL (n_params 0)
 * evaluates, for fanova, the params every such trial holds (of one kind), and for
 * ped-anova every param of any such trial. The shares sum to 1, or are all 0 when nothing
 * can be told (fewer than two trials, an objective that never varies, params that take one
 * value). A param whose distribution holds one value has share 0.
 *
 * *out (an array of *n entries, most important first, ties in the order the params were
 * first suggested) is the caller's: free it with knob_importance_free; the names in it live
 * in the same block. Syncs the study. Returns KNOB_OK; KNOB_EINVAL for an unknown method, an
 * objective index past the study's objectives (a study without objective included),
 * KNOB_IMPORTANCE_PARETO with fanova for a study of several objectives, or NULL
 * arguments; KNOB_ENOTFOUND when a named param is in no such trial (naming it), or for
 * fanova when no such trial holds every named param (naming them); KNOB_EUNSUPPORTED for
 * fanova and a named param of two kinds (naming it); KNOB_ENOMEM;
 * the storage's codes of knob_study_trials. */
KNOB_API int knob_study_importance(knob_study *s, const char *method, size_t objective,
                                   const char *const *params, size_t n_params,
                                   knob_importance **out, size_t *n);

/* knob_study_importance_v2's flag: each param's number as the method gives it, not divided
 * by their sum (Optuna's get_param_importances(normalize=False)). */
#define KNOB_IMPORTANCE_RAW 1u

/* knob_study_importance with `flags`: 0 is knob_study_importance itself; KNOB_IMPORTANCE_RAW
 * gives each param's number before the shares are made to sum to 1, as Optuna's evaluators
 * return them: for fanova the variance of the param's main effect over the total variance,
 * averaged over the trees (each in [0, 1]; they sum to less than 1 when params interact),
 * for ped-anova the param's Pearson divergence weighted as Optuna's (any value >= 0); all 0
 * when nothing can be told. The order is the same (most important first). Returns the codes
 * of knob_study_importance, and KNOB_EINVAL for an unknown flag (naming it). */
KNOB_API int knob_study_importance_v2(knob_study *s, const char *method, size_t objective,
                                      const char *const *params, size_t n_params, unsigned flags,
                                      knob_importance **out, size_t *n);

/* Frees an array made by knob_study_importance or knob_study_importance_v2. NULL does
 * nothing. */
KNOB_API void knob_importance_free(knob_importance *list);

/* ---------------------------------------------------------------- terminator */

/* knob_study_regret_bound's n_trials for every trial of the study. */
#define KNOB_REGRET_ALL ((size_t)-1)

/* How much the objective of a study of one objective might still improve: a bound, holding
 * with high probability, on the gap between the best value of the space and the best value
 * of the study's trials, as Optuna's RegretBoundEvaluator (Makarova et al. 2022) computes
 * it with its defaults. Over the COMPLETE trials numbered below n_trials
 * (KNOB_REGRET_ALL: all of them) with a finite value, on the params they all hold with one
 * distribution (each a coordinate of the unit cube as the gp sampler sees it): a Gaussian
 * process (Matern 5/2, the gp sampler's priors, a noise floor of 1e-6) is fitted to the best
 * max(n / 2, 20) of them (ties with the last one in; all of them when there are at most
 * 20), their values standardized; with beta = 2 log(d n^2 pi^2 / (6 * 0.1)) / 5 (d params,
 * n trials fitted), the bound is the largest upper confidence bound mean + sqrt(beta var)
 * over 2,048 scrambled Sobol points of the space (seeded by `seed`) and the fitted
 * trials' points, less the largest lower confidence bound mean - sqrt(beta var) over the
 * fitted trials, in the objective's units. It is >= 0 up to rounding, and shrinks as the
 * search converges. The same trials and seed give the same bound. Syncs the study.
 * Returns KNOB_OK; KNOB_EINVAL for a NULL argument, a study of several objectives, trials
 * that share no param taking more than one value (or more than the model takes), or a
 * model that cannot be fitted; KNOB_ENOTFOUND when no such trial is complete; KNOB_ENOMEM;
 * the storage's codes of knob_study_trials. */
KNOB_API int knob_study_regret_bound(knob_study *s, size_t n_trials, uint64_t seed, double *bound);

/* ---------------------------------------------------------------- errors for plugins */

/* Sets this thread's error message (printf format) and returns `status`, for plugins. */
KNOB_API int knob_set_error(int status, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---------------------------------------------------------------- randomness */

/* A xoshiro256** generator. Seed it with knob_rng_seed; a plugin keeps its own. */
typedef struct knob_rng {
    uint64_t s[4];
} knob_rng;

/* r NULL: does nothing (as knob_rng_derive). */
KNOB_API void knob_rng_seed(knob_rng *r, uint64_t seed);
/* A generator for one (seed, trial number, name) triple: the same triple gives the same
 * stream in every process, so parallel workers draw reproducibly. name may be NULL; r
 * NULL: does nothing. */
KNOB_API void knob_rng_derive(knob_rng *r, uint64_t seed, int64_t number, const char *name);
KNOB_API uint64_t knob_rng_next(knob_rng *r);
/* Uniform in [0, 1). */
KNOB_API double knob_rng_uniform(knob_rng *r);
/* Uniform integer in [0, n) by rejection (no modulo bias); n >= 1. */
KNOB_API uint64_t knob_rng_below(knob_rng *r, uint64_t n);
/* Standard normal. */
KNOB_API double knob_rng_normal(knob_rng *r);

/* The standard normal distribution: Phi(x), and its inverse Phi^-1(p) for 0 <= p <= 1
 * (-inf at 0, +inf at 1, NaN outside), both to double precision and thread-safe. For
 * plugins that map uniform draws or quantiles (the CLI maps W&B's normal forms so). */
KNOB_API double knob_normal_cdf(double x);
KNOB_API double knob_normal_quantile(double p);

/* ---------------------------------------------------------------- learning-rate range test */

/* The learning-rate range test (Smith 2015): one training run in which the rate rises
 * exponentially, step by step, from min_rate to max_rate, while the loss is recorded. The
 * loss is smoothed (an exponential moving average with bias correction); the run stops
 * when the smoothed loss exceeds diverge_factor times its lowest value (a lowest value
 * below 0: when it has risen above it by diverge_factor - 1 times its size; 0: when it
 * rises at all), or a loss is not finite. The result gives the rate of steepest descent of the smoothed loss (against
 * log rate), the rate of the lowest smoothed loss, the rate at which it diverged, and a
 * suggested rate.
 *
 * A training loop calls knob_lr_finder_rate for the rate of its next step, trains that
 * step, and gives its loss to knob_lr_finder_step, until *done. A finder belongs to one
 * thread at a time. */
typedef struct knob_lr_finder knob_lr_finder;

typedef struct knob_lr_finder_options {
    double min_rate;       /* the first step's rate, > 0 (0: 1e-7) */
    double max_rate;       /* the last step's rate, > min_rate (0: 10) */
    int64_t steps;         /* steps from min_rate to max_rate, >= 2 (0: 200) */
    double smoothing;      /* the moving average's beta, in [0, 1) (0: 0.98; < 0 for none) */
    double diverge_factor; /* > 1 (0: 4) */
} knob_lr_finder_options;

typedef struct knob_lr_finder_result {
    size_t n_steps;       /* steps recorded */
    bool diverged;        /* the loss diverged before max_rate */
    double diverge_rate;  /* the rate of the step that diverged; NaN when none did */
    double min_loss_rate; /* the rate of the lowest smoothed loss */
    double min_loss;      /* that smoothed loss */
    /* The rate where the smoothed loss falls fastest against log rate, from the step
     * where the smoothing has settled (half the steps it averages over, 1 / (1 -
     * smoothing), at least 10, at most a quarter of the steps; from the first step when
     * the lowest loss comes before it) up to the lowest loss. */
    double steepest_rate;
    /* The suggested rate: the steepest-descent rate, but at most min_loss_rate / 10 when
     * the steepest descent lies closer to the minimum than that (there the loss is about
     * to turn). */
    double suggested_rate;
} knob_lr_finder_result;

/* Creates a finder (opts NULL: every default). KNOB_EINVAL names an option out of range;
 * KNOB_ENOMEM. *out is freed by knob_lr_finder_free; on an error it is NULL (so a cleanup
 * that frees it is safe). */
KNOB_API int knob_lr_finder_create(const knob_lr_finder_options *opts, knob_lr_finder **out);
KNOB_API void knob_lr_finder_free(knob_lr_finder *f);

/* The rate of the next step: min_rate * (max_rate / min_rate)^(i / (steps - 1)) for step
 * i; NaN once the finder is done. */
KNOB_API double knob_lr_finder_rate(const knob_lr_finder *f);

/* Records the loss of the step just trained at knob_lr_finder_rate and moves to the next.
 * *done (may be NULL) becomes true when the loss diverged or the last step was recorded;
 * a step after that is KNOB_ESTATE. A NaN or infinite loss counts as divergence. */
KNOB_API int knob_lr_finder_step(knob_lr_finder *f, double loss, bool *done);

/* The result so far; KNOB_ESTATE before two steps are recorded (before one when the next
 * diverged: its loss is lowest at the first rate, and the suggestion a tenth of it). */
KNOB_API int knob_lr_finder_result_get(const knob_lr_finder *f, knob_lr_finder_result *out);

/* The recorded curve: rates, raw losses and smoothed losses, n of each, borrowed until
 * the next step or the free. Returns n. Any pointer may be NULL. */
KNOB_API size_t knob_lr_finder_curve(const knob_lr_finder *f, const double **rates,
                                     const double **losses, const double **smoothed);

/* ---------------------------------------------------------------- hypergradient descent */

/* Online hypergradient descent of the learning rate (Baydin et al. 2018, "Online Learning
 * Rate Adaptation with Hypergradient Descent"): an optimizer that updates a vector of
 * params from their gradient, and its own learning rate from the derivative of the loss
 * with respect to that rate. After a step theta_t = theta_{t-1} - rate * d_t (d the
 * step's direction: the gradient for SGD, the velocity for SGD with momentum, m^/(sqrt(v^)
 * + eps) for Adam), the next gradient g_{t+1} gives the hypergradient
 * h = dL(theta_t)/d(rate) = -g_{t+1} . d_t, and the rate moves to rate - hyper_rate * h
 * before the next step. A training loop computes its gradient and calls
 * knob_hypergrad_step; the handle belongs to one thread at a time. */
typedef struct knob_hypergrad knob_hypergrad;

typedef enum { KNOB_HYPERGRAD_SGD = 0, KNOB_HYPERGRAD_ADAM = 1 } knob_hypergrad_method;

typedef struct knob_hypergrad_options {
    knob_hypergrad_method method;
    double rate;       /* the first learning rate, > 0 */
    double hyper_rate; /* the hypergradient's step beta, >= 0 (0: the rate stays: plain SGD
                        * or Adam) */
    double momentum;   /* SGD: heavy-ball momentum in [0, 1) (v = momentum v + g); set for
                        * Adam (whose first moment is beta1): KNOB_EINVAL */
    double beta1, beta2, eps;  /* Adam (0: 0.9, 0.999, 1e-8); set for SGD: KNOB_EINVAL */
    double min_rate, max_rate; /* the rate is kept in [min_rate, max_rate] (0: [0, inf)) */
} knob_hypergrad_options;

/* An optimizer for n params (n >= 1). KNOB_EINVAL names a bad option; KNOB_ENOMEM. *out
 * is freed by knob_hypergrad_free; on an error it is NULL (so a cleanup that frees it is
 * safe). */
KNOB_API int knob_hypergrad_create(const knob_hypergrad_options *opts, size_t n,
                                   knob_hypergrad **out);
KNOB_API void knob_hypergrad_free(knob_hypergrad *h);

/* One step: updates the rate from grad (the loss's gradient at params, n values) and the
 * last step's direction, then params in place. KNOB_EINVAL for NULL arguments; a gradient
 * that is not finite is KNOB_EINVAL and changes nothing, and so is one so large that the
 * hypergradient or the new rate is not (hyper_rate > 0), or (Adam) that its square is not
 * (a value past about 1e154), or that the new velocity, direction or any new param is not
 * (a float past FLT_MAX for the _f form); so is a param that is not finite. Nothing is
 * changed before all of the new state is known to be finite. The _f form takes floats. */
KNOB_API int knob_hypergrad_step(knob_hypergrad *h, double *params, const double *grad);
KNOB_API int knob_hypergrad_step_f(knob_hypergrad *h, float *params, const float *grad);

/* The learning rate the next step starts from (before its own hypergradient update), and
 * the hypergradient of the last step (0 before the second step). */
KNOB_API double knob_hypergrad_rate(const knob_hypergrad *h);
KNOB_API double knob_hypergrad_hypergradient(const knob_hypergrad *h);

/* Saving and restoring an optimizer's state, for a training checkpoint: the rate, the last
 * hypergradient, the steps taken, the last direction and the velocity or Adam's moments, so
 * that N steps at once and K steps, a save, a load into a new optimizer and N - K steps
 * give the same params and rates bit for bit. The state is a byte string of
 * knob_hypergrad_state_size(h) bytes (48 + 24 n; 0 for a NULL h), the same on every
 * machine (little-endian, IEEE doubles): the 4 bytes "KNHG", a 32-bit version (1), the
 * method, 4 zero bytes, n, the steps taken, the rate, the hypergradient, then the n
 * values of the direction, of the velocity (SGD) or first moment (Adam), and of Adam's
 * second moment (0 for SGD), each 8 bytes. It holds no options: those are the ones h was
 * created with, so a hyper_rate or momentum changed between save and load applies from
 * the next step on, and the saved rate replaces the options' first rate.
 *
 * knob_hypergrad_save writes the state into buf (size bytes, at least the state's size).
 * KNOB_EINVAL for a NULL argument or a buf too small (the message gives both sizes).
 *
 * knob_hypergrad_load takes a saved state into h. KNOB_EINVAL, naming what is wrong, and h
 * unchanged, when buf is not a state (the size, the tag or a version this libknob does not
 * read), when it was saved by another method or for another number of params, or when a
 * value in it is not possible (a rate that is not finite or lies outside h's [min_rate,
 * max_rate], a value that is not finite, a negative step count or second moment).
 *
 * Both take the handle as knob_hypergrad_step does: one thread at a time. */
KNOB_API size_t knob_hypergrad_state_size(const knob_hypergrad *h);
KNOB_API int knob_hypergrad_save(const knob_hypergrad *h, void *buf, size_t size);
KNOB_API int knob_hypergrad_load(knob_hypergrad *h, const void *buf, size_t size);

/* ---------------------------------------------------------------- PB2 */

/* PB2 (Parker-Holder et al. 2020, "Provably Efficient Online Hyperparameter Optimization
 * with Population-Based Bandits"): the explore step of population-based training chosen by
 * a time-varying Gaussian-process bandit instead of a random perturbation. The data are the
 * population's finished intervals: when each ended (`time`, in any increasing unit, e.g.
 * intervals or steps / interval), the params it trained with (`x`, row i of n x d) and the
 * change of its metric over the interval (`change`, higher is better: negate a loss's
 * change). The model is a GP on (time, params) with the kernel
 *   variance * exp(-|x - x'|^2 / (2 length^2)) * (1 - epsilon)^(|t - t'| / 2)
 * (params scaled to [0, 1] by their bounds; changes standardized; length, variance, epsilon
 * in [0, 0.5] and the noise fitted by the marginal likelihood), so old intervals count less
 * as the schedule moves on. The suggestion maximizes the upper confidence bound
 * mean + kappa sd at time_next, kappa = sqrt(0.2 + max(0, log(0.4 n))), over the bounds
 * (Sobol candidates, then L-BFGS from the best); the intervals running now (`pending_*`,
 * may be 0) shrink the sd near their params, so members exploring at once spread out
 * (GP-BUCB). At most the 128 latest observations are used. A log-scale param is best
 * passed as its log, with the logs of its bounds; an integer is rounded by the caller. */
/* The most params knob_pb2_suggest takes: the dimensions of its Sobol candidates. */
#define KNOB_PB2_MAX_PARAMS 1111

typedef struct knob_pb2_problem {
    size_t d;                  /* params, 1..KNOB_PB2_MAX_PARAMS (its Sobol candidates' dims) */
    const double *lower;       /* d bounds, finite, lower[j] < upper[j] */
    const double *upper;       /* d */
    size_t n;                  /* observations (0 or 1: a uniform draw in the bounds) */
    const double *time;        /* n */
    const double *x;           /* n x d, row major, within the bounds */
    const double *change;      /* n, finite */
    size_t n_pending;          /* intervals running now */
    const double *pending_time; /* n_pending */
    const double *pending_x;   /* n_pending x d */
    double time_next;          /* when the interval to choose params for ends */
    uint64_t seed;             /* the candidates' and the fallback draw's seed */
} knob_pb2_problem;

/* Writes the suggested params (d values, within the bounds) to out. Deterministic for a
 * given problem. Returns KNOB_OK; KNOB_EINVAL naming the bad field (a NULL array, d out of
 * range, bounds, a value outside its bounds or not finite); KNOB_ENOMEM; KNOB_EUNSUPPORTED
 * when NLopt, opened on the first model, cannot be opened. Thread-safe: it keeps no
 * state. */
KNOB_API int knob_pb2_suggest(const knob_pb2_problem *p, double *out);

#ifdef __cplusplus
}
#endif
#endif /* KNOB_H */
