/* The SQLite storage ("sqlite:///relative.db", "sqlite:////absolute.db", and
 * "?timeout=SECONDS" as SQLAlchemy's URLs give it): WAL mode, one
 * IMMEDIATE transaction per write with retries while another process holds the lock,
 * cached prepared statements, a versioned schema, and change stamps so a sync reads
 * only the trials that changed. */
#include "internal.h"
#include "storage/backend.h"
#include "storage/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define KNOB_APPLICATION_ID 0x6b6e6f62 /* "knob" */
_Static_assert(KNOB_TRIAL_RUNNING == 0 && KNOB_TRIAL_COMPLETE == 1 && KNOB_TRIAL_WAITING == 4,
               "the statements below name trial states by number");
#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 60000   /* without ?timeout= */
#define MAX_TIMEOUT_S 2000000.0 /* in an int of milliseconds */

/* Each study's trials counted by state, for the studies listing: counting a study's
 * trials read its whole index (73.5 M instructions for `knob studies` at 100,000 trials).
 * Kept by triggers on `trials` for every writer (a knob before them, the sqlite3 shell),
 * but for knob's own connection, which runs no trigger and keeps them itself (count_leave,
 * count_enter): a statement that fires a trigger opens a statement journal (a 64 KB
 * block and a copy of each page it changes) in every ask and tell
 * (tests/unit/test_sqlite_writes.c). Files made before it get it, filled from their rows,
 * on their first open (upgrade_schema). A study's rows go with it (ON DELETE
 * CASCADE, a foreign key's action, which runs without triggers). */
#define TRIAL_COUNTS_SCHEMA                                                                        \
    "CREATE TABLE knob_trial_counts(study INTEGER NOT NULL REFERENCES studies(id) ON DELETE "      \
    "CASCADE, state INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(study, state)) "             \
    "WITHOUT ROWID;"                                                                               \
    "CREATE TRIGGER knob_trial_counts_insert AFTER INSERT ON trials BEGIN "                        \
    "INSERT INTO knob_trial_counts(study, state, n) VALUES(new.study, new.state, 1) "              \
    "ON CONFLICT(study, state) DO UPDATE SET n = n + 1; END;"                                      \
    "CREATE TRIGGER knob_trial_counts_update AFTER UPDATE OF state ON trials "                     \
    "WHEN old.state IS NOT new.state BEGIN "                                                       \
    "UPDATE knob_trial_counts SET n = n - 1 WHERE study = old.study AND state = old.state; "       \
    "INSERT INTO knob_trial_counts(study, state, n) VALUES(new.study, new.state, 1) "              \
    "ON CONFLICT(study, state) DO UPDATE SET n = n + 1; END;"                                      \
    "CREATE TRIGGER knob_trial_counts_delete AFTER DELETE ON trials BEGIN "                        \
    "UPDATE knob_trial_counts SET n = n - 1 WHERE study = old.study AND state = old.state; END"

/* Each complete trial's best value for the studies listing: the first value of a complete
 * feasible trial (NULL for an infeasible one or one without a value), and the trial's stamp
 * when it was found (best_seq). In trials_best, a study's complete trials whose best_seq
 * is their stamp (fresh) come first, in the order of their best: the listing takes the
 * least (or greatest) of them by an index seek, and reads the others (stale) from their
 * rows, as it read every complete trial before (451 M instructions for `knob studies` at
 * 100,000 trials: bench/README.md, scale). SQLite keeps the index for every writer;
 * knob's own writes set best as they finish a trial (Q_FINISH, Q_BEST_REFRESH) or set its
 * constraints (Q_BEST_REFRESH), and carry a fresh best_seq over a stamp that changes
 * neither (Q_STAMP). Any other write of a complete trial (a knob before the columns, the
 * sqlite3 shell) stamps it (the snapshots and records rest on the stamps too) and so
 * leaves it stale. So does a constraints attribute that is not JSON (json_valid): the
 * query of the rows fails on it, as the listing did before; and one that is not a JSON
 * array (a system attribute set as {"a": 1}), which the rows' query takes as infeasible
 * and knob_trial_info_feasible as feasible (no constraint): best_trial, which answers as
 * the latter, then reads the study. Files made before the columns
 * get them, filled from their rows, on their first open (upgrade_schema). */
#define BEST_READABLE                                                                              \
    "NOT EXISTS (SELECT 1 FROM trial_attrs a WHERE a.trial = trials.id AND a.system = 1 AND "      \
    "a.key = 'constraints' AND (NOT json_valid(a.json) OR json_type(a.json) IS NOT 'array'))"
#define BEST_FEASIBLE                                                                              \
    "NOT EXISTS (SELECT 1 FROM trial_attrs a, json_each(a.json) j WHERE a.trial = trials.id AND "  \
    "a.system = 1 AND a.key = 'constraints' AND NOT (j.value <= 0))"
#define BEST_VALUE "(SELECT value FROM trial_values WHERE trial = trials.id AND idx = 0)"
/* best and best_seq of a complete trial from its rows (after every write of them) */
#define BEST_SET                                                                                   \
    "best = CASE WHEN " BEST_READABLE " AND " BEST_FEASIBLE " THEN " BEST_VALUE " END, "           \
    "best_seq = CASE WHEN " BEST_READABLE " THEN seq END"
#define BEST_COLUMNS                                                                               \
    "ALTER TABLE trials ADD COLUMN best REAL; ALTER TABLE trials ADD COLUMN best_seq INTEGER"
#define BEST_INDEX                                                                                 \
    "CREATE INDEX trials_best ON trials(study, best_seq IS NOT seq, best) WHERE state = 1"
/* The knob that first kept best and best_seq took a trial whose constraints attribute is
 * not a JSON array as fresh (with the rows' reading of it: infeasible); a file it wrote is
 * set right once (upgrade_schema), and this mark says so. */
#define BEST_READ_MARK "INSERT OR IGNORE INTO knob_meta(key, value) VALUES('best_readable', '1')"

/* A sync reads of a running trial only the intermediate values written since the reader's
 * last sync, not every value it has (at 20,000 values, one a record, `knob run` spent 76 s
 * re-reading them: bench/README.md, intermediate). Each row holds the study's stamp of its
 * write (seq; NULL for a row written by a knob before the column, which every sync of its
 * trial reads again). A trial's rows are only added to, but when a knob of these columns
 * takes the trial from the queue or puts it back (requeue replaces its rows): inter_reset
 * is that write's stamp, and a reader behind it reads the trial's rows whole. inter_start
 * is the start time those writes (and the trial's creation) set: a trial whose start time
 * differs was taken or put back by an older knob since, and is read whole, as before.
 * Files made before them get them on their first open (upgrade_schema): their trials,
 * whose inter_start is NULL, are read whole unless they never started (as before). */
#define INTER_COLUMNS                                                                              \
    "ALTER TABLE intermediate ADD COLUMN seq INTEGER; ALTER TABLE trials ADD COLUMN inter_start "  \
    "REAL; ALTER TABLE trials ADD COLUMN inter_reset INTEGER; CREATE INDEX intermediate_by_seq "   \
    "ON intermediate(trial, seq)"
/* Whether a changed trial t's rows since ?2 are only added to (see INTER_COLUMNS). A trial
 * that has not started (waiting: an older knob that took it and put it back left its
 * start_time NULL again, as inter_start is, and no reset) is read whole: it has few rows. */
#define INTER_ADDED                                                                                \
    "(t.start_time IS NOT NULL AND t.inter_start IS t.start_time AND (t.inter_reset IS NULL OR "   \
    "t.inter_reset <= ?2))"

/* Studies never reuse an id (AUTOINCREMENT): a reader still holding a deleted study's id
 * and stamp must not sync a new study under it. Files made before it get it on their first
 * open (upgrade_ids). */
#define STUDIES_COLUMNS                                                                            \
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, directions TEXT NOT "       \
    "NULL, seq INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL)"

static const char *const schema[] = {
    "CREATE TABLE knob_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE studies" STUDIES_COLUMNS,
    "CREATE TABLE study_attrs(study INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, "
    "system INTEGER NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, "
    "PRIMARY KEY(study, system, key))",
    "CREATE TABLE trials(id INTEGER PRIMARY KEY, study INTEGER NOT NULL REFERENCES studies(id) "
    "ON DELETE CASCADE, number INTEGER NOT NULL, state INTEGER NOT NULL, start_time REAL, "
    "end_time REAL, seq INTEGER NOT NULL, UNIQUE(study, number))",
    "CREATE INDEX trials_by_seq ON trials(study, seq)",
    "CREATE INDEX trials_by_state ON trials(study, state, number)",
    "CREATE TABLE params(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "
    "position INTEGER NOT NULL, name TEXT NOT NULL, dist TEXT NOT NULL, internal REAL NOT NULL, "
    "PRIMARY KEY(trial, name)) WITHOUT ROWID",
    "CREATE TABLE trial_values(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "
    "idx INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(trial, idx)) WITHOUT ROWID",
    "CREATE TABLE intermediate(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "
    "step INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(trial, step)) WITHOUT ROWID",
    "CREATE TABLE trial_attrs(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "
    "system INTEGER NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, "
    "PRIMARY KEY(trial, system, key))",
    "CREATE TABLE claims(study INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, "
    "key TEXT NOT NULL, trial INTEGER, PRIMARY KEY(study, key))",
    "INSERT INTO knob_meta(key, value) VALUES('schema_version', '1')",
    TRIAL_COUNTS_SCHEMA,
    BEST_COLUMNS,
    BEST_INDEX,
    BEST_READ_MARK,
    INTER_COLUMNS,
};

/* A study's best first value (?1): agg of the fresh trials' best and the stale ones' */
#define BEST_OF(agg)                                                                               \
    "SELECT " agg "(b) FROM (SELECT " agg "(best) AS b FROM trials WHERE study = ?1 AND "          \
    "state = 1 AND (best_seq IS NOT seq) = 0 UNION ALL SELECT " agg "(v.value) FROM trials t "     \
    "INDEXED BY trials_best JOIN trial_values v ON v.trial = t.id AND v.idx = 0 WHERE t.study = "  \
    "?1 AND t.state = 1 AND (t.best_seq IS NOT t.seq) = 1 AND NOT EXISTS (SELECT 1 FROM "          \
    "trial_attrs a, "                                                                              \
    "json_each(a.json) j WHERE a.trial = t.id AND a.system = 1 AND a.key = 'constraints' AND "     \
    "NOT (j.value <= 0)))"

/* A study's best first value (?1) from the rows of every complete trial */
#define BEST_OF_ROWS(agg)                                                                          \
    "SELECT " agg "(v.value) FROM trials t JOIN trial_values v ON v.trial = t.id AND v.idx = 0 "   \
    "WHERE t.study = ?1 AND t.state = 1 AND NOT EXISTS (SELECT 1 FROM trial_attrs a, "             \
    "json_each(a.json) j WHERE a.trial = t.id AND a.system = 1 AND a.key = 'constraints' AND "     \
    "NOT (j.value <= 0))"

/* A study's best trial (?1) as the view finds it (src/view.c, note_best): of the fresh
 * complete trials with a best (feasible, a first value), the least or greatest best by a
 * seek of trials_best, and of the trials that hold it the lowest number (a tie's winner). */
#define BEST_TRIAL(order)                                                                          \
    "SELECT id FROM trials INDEXED BY trials_best WHERE study = ?1 AND state = 1 AND (best_seq "   \
    "IS NOT seq) = 0 AND best = (SELECT best FROM trials INDEXED BY trials_best WHERE study = ?1 " \
    "AND state = 1 AND (best_seq IS NOT seq) = 0 AND best IS NOT NULL ORDER BY best" order         \
    " LIMIT 1) ORDER BY number LIMIT 1"

/* Every statement, prepared once on first use. */
enum {
    Q_FIND_STUDY,
    Q_INSERT_STUDY,
    Q_LIST_STUDIES,
    Q_COUNT_TRIALS,
    Q_COUNT_ENTER,
    Q_COUNT_LEAVE,
    Q_BEST_MIN,
    Q_BEST_MAX,
    Q_BEST_REFRESH,
    Q_COUNT_ROWS,
    Q_BEST_ROWS_MIN,
    Q_BEST_ROWS_MAX,
    Q_DELETE_STUDY,
    Q_SET_STUDY_ATTR,
    Q_GET_STUDY_ATTRS,
    Q_BUMP,
    Q_NEXT_NUMBER,
    Q_INSERT_TRIAL,
    Q_OLDEST_WAITING,
    Q_START_TRIAL,
    Q_TRIAL_ID,
    Q_SET_PARAM,
    Q_STAMP,
    Q_REPORT,
    Q_SET_TRIAL_ATTR,
    Q_TRIAL_STATE,
    Q_LOST_KEEP,
    Q_FINISH,
    Q_INSERT_VALUE,
    Q_CLAIM,
    Q_STUDY_SEQ,
    Q_SYNC_TRIALS,
    Q_SYNC_PARAMS,
    Q_SYNC_VALUES,
    Q_SYNC_INTER,
    Q_SYNC_ATTRS,
    Q_SYNC_TRIALS_ADDED,
    Q_SYNC_INTER_ADDED,
    Q_LOAD_TRIALS,
    Q_LOAD_PARAMS,
    Q_LOAD_VALUES,
    Q_LOAD_INTER,
    Q_LOAD_ATTRS,
    Q_BEGIN_WRITE,
    Q_BEGIN_READ,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_SAVEPOINT,
    Q_RELEASE,
    Q_ROLLBACK_TO,
    Q_SET_TIMES,
    Q_BEST_STALE,
    Q_BEST_TRIAL_MIN,
    Q_BEST_TRIAL_MAX,
    Q_ONE_TRIAL,
    Q_ONE_PARAMS,
    Q_ONE_VALUES,
    Q_ONE_INTER,
    Q_ONE_ATTRS,
    Q_REQUEUE,
    Q_CLEAR_PARAMS,
    Q_CLEAR_VALUES,
    Q_CLEAR_INTER,
    Q_CLEAR_ATTRS,
    Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_FIND_STUDY] = "SELECT id, directions FROM studies WHERE name = ?1",
    [Q_INSERT_STUDY] = "INSERT INTO studies(name, directions, created) VALUES(?1, ?2, ?3)",
    [Q_LIST_STUDIES] = "SELECT id, name, directions, created FROM studies ORDER BY id",
    [Q_COUNT_TRIALS] = "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE state WHEN 1 THEN n END), 0) "
                       "FROM knob_trial_counts WHERE study = ?1",
    [Q_COUNT_ENTER] = "INSERT INTO knob_trial_counts(study, state, n) VALUES(?1, ?2, 1) "
                      "ON CONFLICT(study, state) DO UPDATE SET n = n + 1",
    [Q_COUNT_LEAVE] = "UPDATE knob_trial_counts SET n = n - 1 WHERE study = ?1 AND state = "
                      "(SELECT state FROM trials WHERE id = ?2)",
    /* The fresh trials' best by trials_best (the least or greatest entry of the study's),
     * the stale ones' from their rows (BEST_READABLE above) */
    [Q_BEST_MIN] = BEST_OF("MIN"),
    [Q_BEST_MAX] = BEST_OF("MAX"),
    [Q_BEST_REFRESH] = "UPDATE trials SET " BEST_SET " WHERE id = ?1 AND state = 1",
    /* the same in a file of an older knob read as it is (db.older): from the rows */
    [Q_COUNT_ROWS] = "SELECT COUNT(*), COALESCE(SUM(state = 1), 0) FROM trials WHERE study = ?1",
    [Q_BEST_ROWS_MIN] = BEST_OF_ROWS("MIN"),
    [Q_BEST_ROWS_MAX] = BEST_OF_ROWS("MAX"),
    [Q_DELETE_STUDY] = "DELETE FROM studies WHERE id = ?1",
    [Q_SET_STUDY_ATTR] = "INSERT INTO study_attrs(study, system, key, json) VALUES(?1, ?2, ?3, ?4) "
                         "ON CONFLICT(study, system, key) DO UPDATE SET json = excluded.json",
    [Q_GET_STUDY_ATTRS] = "SELECT key, json FROM study_attrs WHERE study = ?1 AND system = ?2 "
                          "ORDER BY rowid",
    /* Then Q_STUDY_SEQ reads the stamp: with RETURNING, SQLite runs the UPDATE as a
     * statement with a trigger and opens a statement journal for it (a copy of the page,
     * in a 64 KB buffer), where a single-row UPDATE in a transaction needs none. */
    [Q_BUMP] = "UPDATE studies SET seq = seq + 1 WHERE id = ?1",
    [Q_NEXT_NUMBER] = "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study = ?1",
    [Q_INSERT_TRIAL] = "INSERT INTO trials(study, number, state, start_time, seq, inter_start) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?4)",
    [Q_OLDEST_WAITING] = "SELECT id, number FROM trials WHERE study = ?1 AND state = 4 "
                         "ORDER BY number LIMIT 1",
    [Q_START_TRIAL] = "UPDATE trials SET state = 0, start_time = ?2, seq = ?3, inter_start = ?2, "
                      "inter_reset = ?3 WHERE id = ?1",
    [Q_TRIAL_ID] = "SELECT id FROM trials WHERE study = ?1 AND number = ?2",
    /* A new name goes after the trial's other params; a name set again keeps its place. */
    [Q_SET_PARAM] = "INSERT INTO params(trial, position, name, dist, internal) "
                    "VALUES(?1, (SELECT COUNT(*) FROM params WHERE trial = ?1), ?2, ?3, ?4) "
                    "ON CONFLICT(trial, name) DO UPDATE SET dist = excluded.dist, "
                    "internal = excluded.internal",
    /* a fresh best stays fresh: what a stamp precedes changes no best, or finds it again
     * (Q_FINISH, Q_BEST_REFRESH) */
    [Q_STAMP] = "UPDATE trials SET seq = ?2, best_seq = CASE WHEN best_seq = seq THEN ?2 ELSE "
                "best_seq END WHERE id = ?1 AND study = ?3",
    [Q_SET_TIMES] = "UPDATE trials SET start_time = COALESCE(?2, start_time), end_time = "
                    "COALESCE(?3, end_time), inter_start = CASE WHEN inter_start IS start_time "
                    "THEN COALESCE(?2, start_time) ELSE inter_start END WHERE id = ?1",
    /* seq: the stamp the write is about to take (a stamp too high is only read again) */
    [Q_REPORT] = "INSERT OR IGNORE INTO intermediate(trial, step, value, seq) VALUES(?1, ?2, ?3, "
                 "(SELECT seq + 1 FROM studies WHERE id = (SELECT study FROM trials WHERE id = "
                 "?1)))",
    [Q_SET_TRIAL_ATTR] = "INSERT INTO trial_attrs(trial, system, key, json) VALUES(?1, ?2, ?3, ?4) "
                         "ON CONFLICT(trial, system, key) DO UPDATE SET json = excluded.json",
    [Q_TRIAL_STATE] = "SELECT t.state, t.number, s.name, EXISTS (SELECT 1 FROM trial_attrs a "
                      "WHERE a.trial = t.id AND a.system = 1 AND a.key = 'constraints'), "
                      "EXISTS (SELECT 1 FROM trial_attrs a WHERE a.trial = t.id AND a.system = 1 "
                      "AND a.key = 'fail_cause' AND a.json = '" KNOB__LOST_JSON "') "
                      "FROM trials t JOIN studies s ON s.id = t.study WHERE t.id = ?1 AND "
                      "t.study = ?2",
    /* A trial failed for its silent heartbeat and then finished by its worker: the
     * presumption kept (backend.h, finish) */
    [Q_LOST_KEEP] = "UPDATE trial_attrs SET key = 'lost' || substr(key, 5) WHERE trial = ?1 AND "
                    "system = 1 AND key IN ('fail_cause', 'fail_reason')",
    /* best and best_seq bound: the first value of a trial without constraints (a trial with
     * them has its best found from its rows, by Q_BEST_REFRESH, whose statement costs a
     * `knob tell` 0.25 M instructions more to prepare) */
    [Q_FINISH] = "UPDATE trials SET state = ?2, end_time = ?3, seq = ?4, best = ?5, best_seq = ?6 "
                 "WHERE id = ?1",
    /* An upsert, not INSERT OR REPLACE: a REPLACE on a table with a foreign key opens a
     * statement journal (tests/unit/test_sqlite_writes.c). */
    [Q_INSERT_VALUE] = "INSERT INTO trial_values(trial, idx, value) VALUES(?1, ?2, ?3) "
                       "ON CONFLICT(trial, idx) DO UPDATE SET value = excluded.value",
    [Q_CLAIM] = "INSERT OR IGNORE INTO claims(study, key, trial) VALUES(?1, ?2, ?3)",
    [Q_STUDY_SEQ] = "SELECT seq FROM studies WHERE id = ?1",
    [Q_SYNC_TRIALS] = "SELECT id, number, state, start_time, end_time, seq FROM trials "
                      "WHERE study = ?1 AND seq > ?2 ORDER BY id",
    [Q_SYNC_PARAMS] = "SELECT p.trial, p.name, p.dist, p.internal FROM params p JOIN trials t "
                      "ON t.id = p.trial WHERE t.study = ?1 AND t.seq > ?2 "
                      "ORDER BY p.trial, p.position",
    [Q_SYNC_VALUES] = "SELECT v.trial, v.value FROM trial_values v JOIN trials t "
                      "ON t.id = v.trial WHERE t.study = ?1 AND t.seq > ?2 ORDER BY v.trial, v.idx",
    [Q_SYNC_INTER] = "SELECT i.trial, i.step, i.value FROM intermediate i JOIN trials t "
                     "ON t.id = i.trial WHERE t.study = ?1 AND t.seq > ?2 "
                     "ORDER BY i.trial, i.step",
    [Q_SYNC_ATTRS] = "SELECT a.trial, a.system, a.key, a.json FROM trial_attrs a JOIN trials t "
                     "ON t.id = a.trial WHERE t.study = ?1 AND t.seq > ?2 "
                     "ORDER BY a.trial, a.rowid",
    /* The first read of a study (since 0) takes every trial: walking the trials in number
     * order through UNIQUE(study, number) (`+seq` keeps the planner off trials_by_seq)
     * needs no sort of the whole study, only of each trial's few rows; at 100,000 trials
     * the sorts of the queries above cost more than a quarter of a study's first read. */
    /* The same for a reader that merges what is added (sync_added): the trials with whether
     * their rows since ?2 are only added to, and of those trials only the rows added since
     * (and any without a stamp) */
    [Q_SYNC_TRIALS_ADDED] = "SELECT id, number, state, start_time, end_time, seq, " INTER_ADDED
                            " FROM trials t WHERE study = ?1 AND seq > ?2 ORDER BY id",
    [Q_SYNC_INTER_ADDED] =
        "SELECT i.trial, i.step, i.value FROM intermediate i JOIN trials t ON t.id = i.trial "
        "WHERE t.study = ?1 AND t.seq > ?2 AND NOT " INTER_ADDED " UNION ALL SELECT i.trial, "
        "i.step, i.value FROM trials t JOIN intermediate i INDEXED BY intermediate_by_seq ON "
        "i.trial = t.id AND i.seq > ?2 "
        "WHERE t.study = ?1 AND t.seq > ?2 AND " INTER_ADDED " UNION ALL SELECT i.trial, i.step, "
        "i.value FROM trials t JOIN intermediate i INDEXED BY intermediate_by_seq ON i.trial = "
        "t.id AND i.seq IS NULL WHERE "
        "t.study = ?1 AND t.seq > ?2 AND " INTER_ADDED " ORDER BY 1, 2",
    [Q_LOAD_TRIALS] = "SELECT id, number, state, start_time, end_time, seq FROM trials "
                      "WHERE study = ?1 AND +seq > ?2 ORDER BY number",
    [Q_LOAD_PARAMS] = "SELECT p.trial, p.name, p.dist, p.internal FROM trials t JOIN params p "
                      "ON p.trial = t.id WHERE t.study = ?1 AND +t.seq > ?2 "
                      "ORDER BY t.number, p.position",
    [Q_LOAD_VALUES] = "SELECT v.trial, v.value FROM trials t JOIN trial_values v "
                      "ON v.trial = t.id WHERE t.study = ?1 AND +t.seq > ?2 "
                      "ORDER BY t.number, v.idx",
    [Q_LOAD_INTER] = "SELECT i.trial, i.step, i.value FROM trials t JOIN intermediate i "
                     "ON i.trial = t.id WHERE t.study = ?1 AND +t.seq > ?2 "
                     "ORDER BY t.number, i.step",
    [Q_LOAD_ATTRS] = "SELECT a.trial, a.system, a.key, a.json FROM trials t JOIN trial_attrs a "
                     "ON a.trial = t.id WHERE t.study = ?1 AND +t.seq > ?2 "
                     "ORDER BY t.number, a.rowid",
    [Q_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [Q_BEGIN_READ] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT knob_op",
    [Q_RELEASE] = "RELEASE knob_op",
    [Q_ROLLBACK_TO] = "ROLLBACK TO knob_op",
    /* best_trial: whether a complete trial's best is stale (read from its rows by the
     * listing), then the best trial by trials_best, then that trial's rows */
    [Q_BEST_STALE] = "SELECT EXISTS (SELECT 1 FROM trials INDEXED BY trials_best WHERE study = ?1 "
                     "AND state = 1 AND (best_seq IS NOT seq) = 1)",
    [Q_BEST_TRIAL_MIN] = BEST_TRIAL(""),
    [Q_BEST_TRIAL_MAX] = BEST_TRIAL(" DESC"),
    [Q_ONE_TRIAL] = "SELECT id, number, state, start_time, end_time, seq FROM trials WHERE id = ?1",
    [Q_ONE_PARAMS] = "SELECT trial, name, dist, internal FROM params WHERE trial = ?1 "
                     "ORDER BY position",
    [Q_ONE_VALUES] = "SELECT trial, value FROM trial_values WHERE trial = ?1 ORDER BY idx",
    [Q_ONE_INTER] = "SELECT trial, step, value FROM intermediate WHERE trial = ?1 ORDER BY step",
    [Q_ONE_ATTRS] = "SELECT trial, system, key, json FROM trial_attrs WHERE trial = ?1 "
                    "ORDER BY rowid",
    /* a taken trial put back (requeue): only while it is RUNNING with its take's start time */
    [Q_REQUEUE] = "UPDATE trials SET state = 4, start_time = NULL, end_time = NULL, seq = ?3, "
                  "best = NULL, best_seq = NULL, inter_start = NULL, inter_reset = ?3 WHERE id = "
                  "?1 AND study = ?2 AND state = 0 AND "
                  "start_time = ?4",
    [Q_CLEAR_PARAMS] = "DELETE FROM params WHERE trial = ?1",
    [Q_CLEAR_VALUES] = "DELETE FROM trial_values WHERE trial = ?1",
    [Q_CLEAR_INTER] = "DELETE FROM intermediate WHERE trial = ?1",
    [Q_CLEAR_ATTRS] = "DELETE FROM trial_attrs WHERE trial = ?1",
};

typedef struct db {
    sqlite3 *h;
    char *path;
    int busy_ms; /* how long a write waits for another process's lock */
    sqlite3_stmt *q[Q_COUNT];
    bool batch;     /* batch_begin's transaction is open: each write is a savepoint in it */
    int wal_frames; /* pages in the WAL after this connection's last commit */
    int fail_code;  /* SQLite's extended code of the last failure fail() reported */
    bool fail_said; /* ... and fail() said its likely cause, which stale_wal_hint is not */
    bool have_file; /* the database file's device and inode at open: its identity */
    uintmax_t dev, ino;
    /* a file of an older knob that this process cannot write, read as it is: the trial
     * counts and the best values from the rows (upgrade_schema) */
    bool older;
    /* ... without INTER_COLUMNS: every changed trial's rows read whole */
    bool no_inter;
} db;

/* ---------------------------------------------------------------- errors and statements */

/* The directory of the database file: "." for a bare name, "/" for a file in it. */
static const char *dir_of(const db *d, char *dir, size_t size)
{
    const char *slash = strrchr(d->path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", (int)(slash == d->path ? 1 : slash - d->path), d->path);
    return dir;
}

/* Why SQLite found the database read-only, where the file system says: its directory not
 * writable while the -wal and -shm files SQLite makes beside the database, to read it too,
 * are not there (said first, and the file too when it is not writable: a read-only copy put
 * there); else the file not writable (a reader beside those files reads, and a write fails
 * for the file alone); else one of those files not writable; "" when none. */
static const char *readonly_why(const db *d, char *buf, size_t size)
{
    char dir[4096];
    dir_of(d, dir, sizeof dir);
    bool file = access(d->path, W_OK) == 0;
    int file_errno = errno;
    bool in_dir = access(dir, W_OK | X_OK) == 0;
    char shm[4200], wal[4200];
    snprintf(shm, sizeof shm, "%s-shm", d->path);
    snprintf(wal, sizeof wal, "%s-wal", d->path);
    bool beside = access(shm, F_OK) == 0 && access(wal, F_OK) == 0;
    /* one of them there and not writable (another user's reader made it) */
    const char *side = access(wal, F_OK) == 0 && access(wal, W_OK) != 0   ? wal
                       : access(shm, F_OK) == 0 && access(shm, W_OK) != 0 ? shm
                                                                          : NULL;
    int side_errno = errno;
    const char *copy = "SQLite makes the files -wal and -shm beside the database, to read it "
                       "too: copy the database to a directory this process can write";
    if (!in_dir && !beside)
        snprintf(buf, size, " (the directory '%s' is not writable, and %s%s%s)", dir, copy,
                 file ? "" : "; nor is the file: ", file ? "" : strerror(file_errno));
    else if (!file)
        snprintf(buf, size, " (the file is not writable: %s)", strerror(file_errno));
    else if (side)
        snprintf(buf, size, " (the file '%s' SQLite keeps beside it is not writable: %s)", side,
                 strerror(side_errno));
    else if (!in_dir)
        snprintf(buf, size, " (the directory '%s' is not writable, and %s)", dir, copy);
    else
        buf[0] = 0;
    return buf;
}

/* Why the system refused a write, which SQLite's "disk I/O error" does not say: its errno
 * when SQLite kept it (it rarely does for the WAL's writes), else this process's file size
 * limit when it has one (ulimit -f: the write past it fails with EFBIG), else "". `full`:
 * SQLite said the disk is full, which a file size limit also makes it say. */
static const char *write_why(const db *d, bool full, char *buf, size_t size)
{
    int sys = sqlite3_system_errno(d->h);
    struct rlimit rl;
    if (sys)
        snprintf(buf, size, " (%s)", strerror(sys));
    else if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        snprintf(buf, size,
                 " (the system refused a write to the database or its WAL%s; this process may "
                 "write files of at most %llu bytes: ulimit -f)",
                 full ? ": the disk is full, or the file reached that limit" : "",
                 (unsigned long long)rl.rlim_cur);
    else
        buf[0] = 0;
    return buf;
}

/* The database file as SQLite opens it, into buf: a symbolic link followed (SQLite keeps the
 * -wal and -shm beside the link's target), else the path itself (a file not there yet). */
static const char *real_file(const db *d, char *buf, size_t size)
{
    const char *f = d->h ? sqlite3_db_filename(d->h, "main") : NULL;
    char *r = f && *f ? NULL : realpath(d->path, NULL);
    snprintf(buf, size, "%s", f && *f ? f : r ? r : d->path);
    free(r);
    return buf;
}

/* The WAL's index (the -shm beside the file, the header SQLite keeps there) counts more
 * pages than the -wal beside the file holds, or there is no -wal: the WAL was removed or
 * replaced while another process has the database open. That process goes on writing the
 * WAL it has open, and every other process reads a WAL that lacks what the index says it
 * holds ("disk I/O error", a short read). SQLite's file format: the index's header is in
 * native byte order, the page size at byte 14 (1 for 65536), the WAL's last valid frame at
 * 16, each frame a 24-byte header and a page, after the WAL's 32-byte header. */
static bool wal_cut_short(const db *d)
{
    char side[4200], file[4096];
    unsigned char head[48];
    snprintf(side, sizeof side, "%s-shm", real_file(d, file, sizeof file));
    int fd = open(side, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = pread(fd, head, sizeof head, 0);
    close(fd);
    uint32_t version, frames;
    uint16_t page;
    memcpy(&version, head, 4);
    memcpy(&page, head + 14, 2);
    memcpy(&frames, head + 16, 4);
    if (got != (ssize_t)sizeof head || version != 3007000 || head[12] != 1 || frames == 0)
        return false;
    uint64_t need = 32 + (uint64_t)frames * (24 + (page == 1 ? 65536u : page));
    struct stat st;
    snprintf(side, sizeof side, "%s-wal", file);
    return stat(side, &st) != 0 || (uint64_t)st.st_size < need;
}

/* Why SQLite gave an I/O error other than a write's (write_why), or "" when it cannot be
 * told: the WAL's index (-shm) that could not be made or grown (a reader makes it too), and
 * the system's reason; a disk with no room left; a WAL removed under another process
 * (wal_cut_short). SQLite reads errno some calls after the failure, so it is named only
 * where it says the disk is full or for the -shm, whose failure is the last call. */
static const char *io_why(db *d, int code, int sys, char *buf, size_t size)
{
    bool shm =
        code == SQLITE_IOERR_SHMSIZE || code == SQLITE_IOERR_SHMMAP || code == SQLITE_IOERR_SHMOPEN;
    char dir[4096], file[4096];
    struct statvfs fs;
    /* a disk with no block left is the -shm's cause too, where SQLite's errno may be
     * another call's; any other error is judged by its own errno */
    bool full = sys == ENOSPC || sys == EDQUOT ||
                (shm && statvfs(dir_of(d, dir, sizeof dir), &fs) == 0 && fs.f_bavail == 0);
    real_file(d, file, sizeof file);
    d->fail_said = true;
    if (shm)
        snprintf(buf, size,
                 " (%s: SQLite could not make or grow '%s-shm', the index of the WAL that it "
                 "keeps beside the file, to read it too%s)",
                 full  ? strerror(sys == EDQUOT ? EDQUOT : ENOSPC)
                 : sys ? strerror(sys)
                       : "the system refused it",
                 file, full ? ": free some space on that disk" : "");
    else if (code != SQLITE_IOERR_SHORT_READ && full)
        snprintf(buf, size, " (%s: free some space on that disk)",
                 strerror(sys == EDQUOT ? EDQUOT : ENOSPC));
    else if (wal_cut_short(d))
        snprintf(buf, size,
                 "; '%s-shm' counts more of the WAL than '%s-wal' holds: the WAL was likely "
                 "removed or replaced while another process has the database open, which "
                 "goes on writing the WAL it opened. Wait for that process to close the "
                 "storage (its close writes what it committed into the file), then try "
                 "again; never remove the -wal or -shm of a file in use",
                 file, file);
    else {
        d->fail_said = false;
        buf[0] = 0;
    }
    return buf;
}

static int fail(db *d, const char *op)
{
    int code = sqlite3_extended_errcode(d->h), sys = sqlite3_system_errno(d->h);
    d->fail_code = code;
    d->fail_said = false;
    int status = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED ? KNOB_EBUSY
                 : (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB
                     ? KNOB_ECORRUPT
                     : KNOB_ESTORAGE;
    char why[4200] = "";
    if ((code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN) {
        readonly_why(d, why, sizeof why);
        if (d->older) /* upgrade_schema */
            snprintf(why + strlen(why), sizeof why - strlen(why),
                     "; the file is of an older knob, read as it is: its first open by a "
                     "process that can write it (or a copy of it) upgrades it, once");
    } else if (code == SQLITE_IOERR_WRITE || (code & 0xff) == SQLITE_FULL)
        write_why(d, (code & 0xff) == SQLITE_FULL, why, sizeof why);
    else if ((code & 0xff) == SQLITE_IOERR)
        io_why(d, code, sys, why, sizeof why);
    else if ((code & 0xff) == SQLITE_BUSY) /* SQLITE_LOCKED: this connection's own */
        snprintf(why, sizeof why,
                 " (another process holds the database's lock; a write waits %g s for it: "
                 "the URL's ?timeout=SECONDS)",
                 d->busy_ms / 1000.0);
    return knob__error(status, "sqlite storage '%s': %s: %s%s", d->path, op, sqlite3_errmsg(d->h),
                       why);
}

const char *knob__sqlite_best_sql(bool max)
{
    return sql[max ? Q_BEST_MAX : Q_BEST_MIN];
}

const char *knob__sqlite_best_trial_sql(int which)
{
    static const int q[3] = {Q_BEST_STALE, Q_BEST_TRIAL_MIN, Q_BEST_TRIAL_MAX};
    return which >= 0 && which < 3 ? sql[q[which]] : NULL;
}

static sqlite3_stmt *stmt(db *d, int which)
{
    if (!d->q[which] && sqlite3_prepare_v3(d->h, sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                           &d->q[which], NULL) != SQLITE_OK) {
        fail(d, "prepare");
        return NULL;
    }
    sqlite3_reset(d->q[which]);
    sqlite3_clear_bindings(d->q[which]);
    return d->q[which];
}

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether to try again after `rc`: busy, and the deadline not passed (then naps). SQLite's
 * busy handler counts its timeout in the sleeps it means to take, and a signal cuts each one
 * short (knob run's SIGCHLD at every trial's exit), so its wait may end well before the
 * timeout. The next try waits only what is left until the deadline, never a whole timeout
 * again (retries that each waited it made a write wait twice or four times the URL's
 * timeout); busy_done gives the handler the whole timeout back. */
static bool busy_again(db *d, int rc, double deadline, int attempt)
{
    if ((rc & 0xff) != SQLITE_BUSY || knob__now() > deadline)
        return false;
    nap_ms(1 + attempt % 10);
    double left_ms = (deadline - knob__now()) * 1000;
    sqlite3_busy_timeout(d->h, left_ms >= 1 ? (int)left_ms : 1);
    return true;
}

static void busy_done(db *d)
{
    sqlite3_busy_timeout(d->h, d->busy_ms);
}

/* Runs statements without results, retrying while the database is busy. */
static int exec_retry(db *d, const char *text, const char *op)
{
    double deadline = knob__now() + d->busy_ms / 1000.0;
    int rc;
    for (int attempt = 0; (rc = sqlite3_exec(d->h, text, NULL, NULL, NULL)) != SQLITE_OK; attempt++)
        if (!busy_again(d, rc, deadline, attempt)) {
            rc = fail(d, op);
            busy_done(d);
            return rc;
        }
    busy_done(d);
    return KNOB_OK;
}

/* A cached transaction statement (BEGIN, COMMIT), retried while the database is busy
 * (beyond what the busy handler waits: SQLite skips it where waiting could deadlock). */
static int run_retry(db *d, int which, const char *op)
{
    double deadline = knob__now() + d->busy_ms / 1000.0;
    sqlite3_stmt *s = stmt(d, which);
    int rc;
    if (!s)
        return KNOB_ESTORAGE;
    for (int attempt = 0; (rc = sqlite3_step(s)) != SQLITE_DONE; attempt++) {
        if (!busy_again(d, rc, deadline, attempt)) {
            rc = fail(d, op);
            sqlite3_reset(s);
            busy_done(d);
            return rc;
        }
        sqlite3_reset(s);
    }
    sqlite3_reset(s);
    busy_done(d);
    return KNOB_OK;
}

/* In a batch, a write (or a read) is a savepoint of the batch's transaction, so that one
 * that fails undoes itself alone. The transaction itself may be gone: SQLite rolls it all
 * back on some failures (a full disk, an I/O error, no memory), and the writes after that
 * must not begin a transaction of their own, as a savepoint outside one would. */
static int savepoint(db *d)
{
    if (sqlite3_get_autocommit(d->h))
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': an earlier failure undid the batch's "
                           "transaction, with every write of the batch",
                           d->path);
    return run_retry(d, Q_SAVEPOINT, "begin a write in the batch");
}

/* KNOB_ESTORAGE when the file this connection writes is no longer at its path (deleted,
 * or replaced by another file): its writes would go to a file no one can open again, and
 * a run would report results that are gone. One stat of the path a write transaction. */
static int still_there(db *d)
{
    int moved = 0;
    if (sqlite3_file_control(d->h, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK || !moved)
        return KNOB_OK;
    return knob__error(KNOB_ESTORAGE,
                       "sqlite storage '%s': the file was deleted or replaced while open, so "
                       "nothing more is written to it (what was written since is lost with it)",
                       d->path);
}

static int begin(db *d)
{
    if (d->batch)
        return savepoint(d);
    int rc = still_there(d);
    return rc ? rc : run_retry(d, Q_BEGIN_WRITE, "begin a write transaction");
}

/* A deferred transaction: one consistent snapshot for several reads. */
static int begin_read(db *d)
{
    if (d->batch)
        return savepoint(d);
    return run_retry(d, Q_BEGIN_READ, "begin a read");
}

/* In a batch: undoes the savepoint and leaves it (ROLLBACK TO keeps it open). */
static void rollback_savepoint(db *d)
{
    sqlite3_stmt *s;
    if (sqlite3_get_autocommit(d->h))
        return; /* the batch's transaction is gone already */
    if ((s = stmt(d, Q_ROLLBACK_TO))) {
        sqlite3_step(s);
        sqlite3_reset(s);
    }
    if ((s = stmt(d, Q_RELEASE))) {
        sqlite3_step(s);
        sqlite3_reset(s);
    }
}

static int rollback(db *d, int status)
{
    sqlite3_stmt *s;
    if (d->batch) {
        rollback_savepoint(d);
        return status;
    }
    if (!sqlite3_get_autocommit(d->h) && (s = stmt(d, Q_ROLLBACK))) {
        sqlite3_step(s);
        sqlite3_reset(s);
    }
    if (!sqlite3_get_autocommit(d->h)) /* no statement (out of memory): the plain way */
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    return status;
}

/* A COMMIT that fails for good (not busy) leaves the transaction open: end it, so the
 * next write can begin. */
static int commit(db *d)
{
    int rc = run_retry(d, d->batch ? Q_RELEASE : Q_COMMIT, "commit");
    return rc ? rollback(d, rc) : KNOB_OK;
}

static int batch_begin(void *be)
{
    db *d = be;
    int rc = still_there(d);
    if (!rc)
        rc = run_retry(d, Q_BEGIN_WRITE, "begin a batch");
    d->batch = rc == KNOB_OK;
    return rc;
}

static int batch_end(void *be)
{
    db *d = be;
    d->batch = false;
    if (sqlite3_get_autocommit(d->h))
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': an earlier failure undid the batch's "
                           "transaction: none of its writes is saved",
                           d->path);
    return commit(d);
}

/* Steps a statement expected to finish (no row or one row); SQLITE_ROW or DONE. */
static int step(db *d, sqlite3_stmt *s, const char *op, int *row)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        if (row)
            *row = rc == SQLITE_ROW;
        return KNOB_OK;
    }
    rc = fail(d, op);
    sqlite3_reset(s); /* after the message: reset repeats the error code */
    return rc;
}

/* ---------------------------------------------------------------- open and schema */

static int create_schema(db *d)
{
    for (size_t i = 0; i < sizeof schema / sizeof *schema; i++)
        if (sqlite3_exec(d->h, schema[i], NULL, NULL, NULL) != SQLITE_OK)
            return fail(d, "create the schema");
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", KNOB_APPLICATION_ID);
    if (sqlite3_exec(d->h, pragma, NULL, NULL, NULL) != SQLITE_OK)
        return fail(d, "set the application id");
    return KNOB_OK;
}

static int int_query(db *d, const char *text, int64_t *out)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(d->h, text, -1, &s, NULL) != SQLITE_OK)
        return fail(d, "read the database header");
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rc = fail(d, "read the database header");
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_finalize(s);
    return KNOB_OK;
}

/* Begins a read of `table`, a table an older file may not have: KNOB_EDONE (and no
 * transaction open) when the file has no such table, KNOB_OK inside the read otherwise. */
static int begin_read_of(db *d, const char *table)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
             table);
    int64_t has = 0;
    int rc = begin_read(d);
    if (rc)
        return rc;
    if ((rc = int_query(d, q, &has)) || !has)
        return rollback(d, rc ? rc : KNOB_EDONE);
    return KNOB_OK;
}

/* The file could not be read as a database at all. */
static int unreadable(db *d)
{
    int code = sqlite3_extended_errcode(d->h) & 0xff;
    if (code != SQLITE_NOTADB && code != SQLITE_CORRUPT)
        return fail(d, "read the file");
    return knob__error(KNOB_ECORRUPT, "sqlite storage '%s': %s (%s)", d->path,
                       code == SQLITE_NOTADB ? "not a SQLite database, so not a knob database"
                                             : "the database is damaged",
                       sqlite3_errmsg(d->h));
}

/* Within the open transaction: the version of knob's schema in a file that has knob's
 * application id. */
static int schema_version(db *d)
{
    int64_t version = 0;
    /* a whole number: '1.5' was read as 1 */
    if (int_query(d,
                  "SELECT CASE WHEN value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*' THEN "
                  "CAST(value AS INTEGER) ELSE 0 END FROM knob_meta WHERE key = "
                  "'schema_version'",
                  &version) ||
        version < 1)
        return knob__error(KNOB_ECORRUPT,
                           "sqlite storage '%s': a knob database without its "
                           "schema version (damaged?)",
                           d->path);
    if (version > SCHEMA_VERSION)
        return knob__error(KNOB_ECORRUPT,
                           "sqlite storage '%s': created by a newer knob (schema "
                           "version %lld; this one reads up to %d)",
                           d->path, (long long)version, SCHEMA_VERSION);
    return KNOB_OK;
}

/* Within the open transaction: whether the file is in WAL mode already (the mode is in the
 * file's header; a file knob made is). */
static bool in_wal(db *d)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(d->h, "PRAGMA journal_mode", -1, &s, NULL) != SQLITE_OK)
        return false;
    const char *mode =
        sqlite3_step(s) == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    bool wal = mode && sqlite3_stricmp(mode, "wal") == 0;
    sqlite3_finalize(s);
    return wal;
}

/* PRAGMA application_id and the count of schema objects, in the open transaction. */
static int read_header(db *d, int64_t *app, int64_t *tables)
{
    if (int_query(d, "PRAGMA application_id", app) ||
        int_query(d, "SELECT COUNT(*) FROM sqlite_master", tables))
        return rollback(d, unreadable(d));
    return KNOB_OK;
}

/* Checks what the file holds: knob's schema (of this version or older), or nothing yet
 * (then creates it, under the write lock so that two openers cannot both do it).
 * Anything else is another program's file, and is left untouched. The check is a read:
 * opening a knob file takes no write lock (each `knob ask` and `knob tell` process opens
 * it, and would wait behind every other process's write); only a file with nothing in it
 * is looked at again under the write lock. *wal: the file is in WAL mode already. */
static int check_schema(db *d, bool *wal)
{
    int64_t app = 0, tables = 0;
    int rc = begin_read(d);
    if (rc)
        return rc == KNOB_EBUSY ? rc : unreadable(d);
    if ((rc = read_header(d, &app, &tables)))
        return rc;
    if (app == 0 && tables == 0) {
        rollback(d, KNOB_OK);
        if ((rc = begin(d)))
            return rc == KNOB_EBUSY ? rc : unreadable(d);
        if ((rc = read_header(d, &app, &tables)))
            return rc;
        if (app == 0 && tables == 0) {
            if ((rc = create_schema(d)))
                return rollback(d, rc);
            return commit(d);
        }
    }
    if (app != KNOB_APPLICATION_ID)
        return rollback(d, knob__error(KNOB_ECORRUPT,
                                       "sqlite storage '%s': not a knob "
                                       "database: a SQLite database of another program (tables: "
                                       "%lld, application id: %lld); give knob a file of its "
                                       "own",
                                       d->path, (long long)tables, (long long)app));
    if ((rc = schema_version(d)))
        return rollback(d, rc);
    *wal = in_wal(d);
    return rollback(d, KNOB_OK);
}

/* What a file holds of the parts of the schema that knob_trial_counts, the trials' best
 * (BEST_COLUMNS), BEST_READ_MARK and AUTOINCREMENT ids added, one bit each (PARTS_ALL: all
 * of them, as in a file this knob made). */
#define PART_COUNTS 1
#define PART_BEST 2
#define PART_BEST_READ 4
#define PART_IDS 8
#define PART_INTER 16                                         /* INTER_COLUMNS */
#define PARTS_ROWS (PART_COUNTS | PART_BEST | PART_BEST_READ) /* what the listing reads */
#define PARTS_ALL (PARTS_ROWS | PART_IDS | PART_INTER)
static const char parts_sql[] =
    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
    "'knob_trial_counts') + 2 * EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'trials_best') "
    "+ 4 * EXISTS (SELECT 1 FROM knob_meta WHERE key = 'best_readable') + 8 * EXISTS (SELECT 1 "
    "FROM sqlite_master WHERE type = 'table' AND name = 'studies' AND sql LIKE "
    "'%AUTOINCREMENT%') + 16 * EXISTS (SELECT 1 FROM sqlite_master WHERE name = "
    "'intermediate_by_seq')";

/* Within the upgrade's write transaction: the trial counts, the trials' best and its mark,
 * filled from the rows, where `parts` lacks them. */
static int upgrade_rows(db *d, int64_t parts)
{
    int rc = KNOB_OK;
    /* best kept by the knob before BEST_READABLE: its trials of a constraints attribute that
     * is not an array, stale (read from their rows), as this knob leaves them */
    if ((parts & PART_BEST) && !(parts & PART_BEST_READ) &&
        sqlite3_exec(d->h,
                     "UPDATE trials SET best_seq = NULL WHERE state = 1 AND NOT " BEST_READABLE,
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(d, "mark the best values of a file of an older knob");
    if (!(parts & PART_BEST_READ) &&
        sqlite3_exec(d->h, BEST_READ_MARK, NULL, NULL, NULL) != SQLITE_OK)
        return fail(d, "mark the best values of a file of an older knob");
    if (!(parts & PART_COUNTS) && sqlite3_exec(d->h,
                                               TRIAL_COUNTS_SCHEMA "; INSERT INTO "
                                                                   "knob_trial_counts(study, "
                                                                   "state, n) SELECT study, "
                                                                   "state, COUNT(*) FROM trials "
                                                                   "GROUP BY study, state",
                                               NULL, NULL, NULL) != SQLITE_OK)
        return fail(d, "add the trial counts to a file of an older knob");
    /* the index made after the rows are filled (one sort), with the sorter's memory of a
     * cache of 16 MB instead of 16 pages: at 100,000 trials 1.79 G instructions, once
     * (3.21 G with the index made first and 16 pages) */
    if (!(parts & PART_BEST) &&
        sqlite3_exec(d->h,
                     "PRAGMA cache_size = -16384; " BEST_COLUMNS "; UPDATE trials SET " BEST_SET
                     " WHERE state = 1; " BEST_INDEX,
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(d, "add the trials' best values to a file of an older knob");
    if (sqlite3_exec(d->h, "PRAGMA cache_size = 16", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = fail(d, "set pragmas");
    return rc;
}

/* Within the upgrade's write transaction, foreign keys off: the studies table of a file made
 * before AUTOINCREMENT (where SQLite gave a new study the greatest id + 1, so the id of the
 * last study deleted again) made again with it, by SQLite's procedure for what ALTER TABLE
 * cannot change: a new table, the rows copied with their ids, the old one dropped, the new
 * one renamed. Foreign keys off, the drop deletes none of the studies' rows (ON DELETE
 * CASCADE), and the tables that refer to studies(id) refer to the new one by its name; every
 * id kept, none of their rows loses its study. No index or trigger is on studies but its
 * UNIQUE(name), made with the new table. legacy_alter_table: the rename changes nothing
 * else in the schema (a view of the user's over studies reads the new one by its name). The
 * ids deleted before are known only as far as rows still name them: new ids start above the
 * greatest id of a study, or of a trial, attribute or claim of one. */
static int upgrade_ids(db *d)
{
    static const char rebuild[] =
        "PRAGMA legacy_alter_table = ON; CREATE TABLE knob_studies_new" STUDIES_COLUMNS "; "
        "INSERT INTO knob_studies_new(id, name, directions, seq, created) SELECT id, name, "
        "directions, seq, created FROM studies; DROP TABLE studies; ALTER TABLE "
        "knob_studies_new RENAME TO studies; PRAGMA legacy_alter_table = OFF; "
        "DELETE FROM sqlite_sequence WHERE name = 'studies'; "
        "INSERT INTO sqlite_sequence(name, seq) SELECT 'studies', MAX((SELECT COALESCE(MAX(id), "
        "0) FROM studies), (SELECT COALESCE(MAX(study), 0) FROM trials), (SELECT "
        "COALESCE(MAX(study), 0) FROM study_attrs), (SELECT COALESCE(MAX(study), 0) FROM claims))";
    int64_t keys = 1;
    int rc = int_query(d, "PRAGMA foreign_keys", &keys);
    if (rc || keys) /* the drop would delete every study's rows */
        return rc ? rc
                  : knob__error(KNOB_ESTORAGE,
                                "sqlite storage '%s': give the studies of a file of an older "
                                "knob ids never used again: foreign keys are on",
                                d->path);
    rc = sqlite3_exec(d->h, rebuild, NULL, NULL, NULL) == SQLITE_OK
             ? KNOB_OK
             : fail(d, "give the studies of a file of an older knob ids never used again");
    sqlite3_exec(d->h, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
    return rc;
}

/* The upgrade's write transaction: the parts the file lacks, read again once the lock is
 * taken (a second opener finds them done). */
static int upgrade_write(db *d)
{
    int64_t parts = 0;
    int rc = begin(d);
    if (rc)
        return rc;
    if ((rc = int_query(d, parts_sql, &parts)) || parts == PARTS_ALL)
        return rc ? rollback(d, rc) : commit(d);
    if ((parts & PARTS_ROWS) != PARTS_ROWS && (rc = upgrade_rows(d, parts)))
        return rollback(d, rc);
    if (!(parts & PART_IDS) && (rc = upgrade_ids(d)))
        return rollback(d, rc);
    if (!(parts & PART_INTER) && sqlite3_exec(d->h, INTER_COLUMNS, NULL, NULL, NULL) != SQLITE_OK)
        return rollback(d,
                        fail(d, "add the intermediate values' stamps to a file of an older knob"));
    return commit(d);
}

/* A file of a knob before one of the parts above: what it lacks, filled from its rows, in
 * one write transaction (atomic: a process killed in it leaves the file as it was). A file
 * that has them takes one read of the schema. A file this process cannot write (a
 * colleague's, an archive, a read-only mount) is read as it is (d->older: counts and best
 * values from the rows), and a write to it fails. */
static int upgrade_schema(db *d)
{
    int64_t parts = 0;
    int rc = int_query(d, parts_sql, &parts);
    if (rc || parts == PARTS_ALL)
        return rc;
    if (sqlite3_db_readonly(d->h, "main") == 1) {
        d->older = (parts & PARTS_ROWS) != PARTS_ROWS;
        d->no_inter = !(parts & PART_INTER);
        return KNOB_OK;
    }
    /* PRAGMA foreign_keys does nothing inside a transaction */
    bool ids = !(parts & PART_IDS);
    if (ids && sqlite3_exec(d->h, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
        return fail(d, "set pragmas");
    rc = upgrade_write(d);
    if (ids && sqlite3_exec(d->h, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = fail(d, "set pragmas");
    /* SQLite found the file read-only only at the write (its -shm, say): read it as it is */
    if (rc && (d->fail_code & 0xff) == SQLITE_READONLY) {
        d->older = (parts & PARTS_ROWS) != PARTS_ROWS;
        d->no_inter = !(parts & PART_INTER);
        return KNOB_OK;
    }
    return rc;
}

/* After the schema check, so that a foreign file is never switched to WAL. */
static int use_wal(db *d)
{
    sqlite3_stmt *s;
    double deadline = knob__now() + d->busy_ms / 1000.0;
    if (sqlite3_prepare_v2(d->h, "PRAGMA journal_mode = WAL", -1, &s, NULL) != SQLITE_OK)
        return fail(d, "switch to WAL mode");
    int r;
    for (int attempt = 0;
         (r = sqlite3_step(s)) == SQLITE_BUSY && busy_again(d, r, deadline, attempt); attempt++)
        sqlite3_reset(s);
    int rc = r == SQLITE_ROW ? KNOB_OK : fail(d, "switch to WAL mode");
    busy_done(d);
    const char *mode = rc ? NULL : (const char *)sqlite3_column_text(s, 0);
    if (!rc && (!mode || sqlite3_stricmp(mode, "wal") != 0))
        rc = knob__error(KNOB_ESTORAGE,
                         "sqlite storage '%s': cannot switch to WAL mode (the "
                         "journal mode stays '%s'); is the file on a network file system?",
                         d->path, mode ? mode : "?");
    sqlite3_finalize(s);
    return rc;
}

/* One parameter of the URL's query, q[0..len) ("timeout=10"), into d. */
static int parse_param(const char *url, const char *q, size_t len, db *d)
{
    if (len >= 8 && strncmp(q, "timeout=", 8) == 0) {
        double seconds;
        if (!knob__parse_seconds(q + 8, len - 8, MAX_TIMEOUT_S, &seconds))
            return knob__error(KNOB_EINVAL,
                               "storage URL '%s': timeout is how many seconds a write waits "
                               "for another process's lock, a number from 0 to %.0f; got "
                               "'%.*s'",
                               url, MAX_TIMEOUT_S, (int)(len - 8), q + 8);
        d->busy_ms = (int)(seconds * 1000 + 0.5);
        return KNOB_OK;
    }
    const char *eq = memchr(q, '=', len);
    return knob__error(KNOB_EINVAL,
                       "storage URL '%s': unknown query parameter '%.*s' (a sqlite URL "
                       "takes timeout=SECONDS)",
                       url, (int)(eq ? (size_t)(eq - q) : len), q);
}

/* "///rel.db" -> "rel.db"; "////abs.db" -> "/abs.db" (SQLAlchemy's form). A query after
 * '?' holds the parameters of SQLAlchemy's pysqlite URLs that mean something here:
 * timeout=SECONDS (60 without it); any other is refused, by name. */
static int parse_url(const char *url, const char *where, db *d)
{
    size_t n = strcspn(where, "?");
    if (strncmp(where, "///", 3) != 0 || n == 3 || where[n - 1] == '/')
        return knob__error(KNOB_EINVAL,
                           "storage URL '%s': expected sqlite:///relative/path.db "
                           "or sqlite:////absolute/path.db",
                           url);
    d->busy_ms = BUSY_TIMEOUT_MS;
    bool timeout = false;
    for (const char *q = where + n; *q;) {
        q++; /* the '?' or '&' */
        size_t len = strcspn(q, "&");
        if (len >= 8 && strncmp(q, "timeout=", 8) == 0 && timeout)
            return knob__error(KNOB_EINVAL,
                               "storage URL '%s': timeout is given twice; give it once", url);
        timeout |= len >= 8 && strncmp(q, "timeout=", 8) == 0;
        int rc = len ? parse_param(url, q, len, d) : KNOB_OK;
        if (rc)
            return rc;
        q += len;
    }
    if (!(d->path = malloc(n - 2)))
        return knob__oom("sqlite path");
    memcpy(d->path, where + 3, n - 3);
    d->path[n - 3] = 0;
    return KNOB_OK;
}

/* A connection's commits go to the WAL (synchronous = NORMAL: not synced at each commit)
 * and closing does not checkpoint them into the file (SQLite's checkpoint on close, off:
 * it cost a process that wrote one trial four syncs: the WAL's header, its directory, the
 * WAL and the file). But a process that opens the file while no other has it open reads
 * every page of the WAL back (SQLite's recovery of the WAL's index), so a connection that
 * closes with CLOSE_CHECKPOINT_FRAMES or more pages in the WAL copies them into the file and
 * empties the WAL (a TRUNCATE checkpoint, which syncs both), about once every ten `knob
 * tell`s; otherwise it syncs the WAL. Either way a finished trial is on disk when the
 * process that told it has closed its storage, as with the checkpoint on close. Commits
 * still checkpoint (PASSIVE) at AUTO_CHECKPOINT_FRAMES, as SQLite's own hook does. */
#define CLOSE_CHECKPOINT_FRAMES 64
#define AUTO_CHECKPOINT_FRAMES 1000

static int on_wal_commit(void *ctx, sqlite3 *h, const char *name, int frames)
{
    db *d = ctx;
    d->wal_frames = frames;
    if (frames >= AUTO_CHECKPOINT_FRAMES)
        sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

static void close_wal(db *d)
{
    if (!d->h || sqlite3_total_changes64(d->h) == 0)
        return;
    /* A WAL removed or replaced while this connection had it open (wal_cut_short): what it
     * committed is in the WAL it has open alone, gone with its close unless copied in. */
    if (d->wal_frames >= CLOSE_CHECKPOINT_FRAMES || wal_cut_short(d)) {
        sqlite3_busy_timeout(d->h, 0); /* another process in the file: the WAL stays */
        if (sqlite3_wal_checkpoint_v2(d->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) ==
            SQLITE_OK)
            return;
    }
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(d->h, "main"));
    int fd = wal ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fdatasync(fd);
        close(fd);
    }
}

static void close_db(void *be)
{
    db *d = be;
    if (!d)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(d->q[i]);
    close_wal(d);
    sqlite3_close(d->h);
    free(d->path);
    free(d);
}

/* The path is a symbolic link that leads nowhere: said with where it points, and the
 * directory there that does not exist (SQLite makes the file a link points to, as long as
 * its directory exists). KNOB_OK when the path is no such link. */
static int dangling_link(const db *d)
{
    struct stat st;
    char to[4096], dir[4096];
    if (lstat(d->path, &st) != 0 || !S_ISLNK(st.st_mode) || stat(d->path, &st) == 0)
        return KNOB_OK;
    int e = errno;
    ssize_t n = readlink(d->path, to, sizeof to - 1);
    if (n < 0)
        return KNOB_OK;
    to[n] = 0;
    /* the target's directory, read from the link's when the target is relative */
    const char *slash = strrchr(to, '/');
    dir_of(d, dir, sizeof dir);
    if (to[0] == '/' || (slash && !strcmp(dir, ".")))
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == to ? 1 : slash - to), to);
    else if (slash)
        snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/%.*s", (int)(slash - to), to);
    if (e == ENOENT && stat(dir, &st) != 0 && errno == ENOENT)
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': cannot open: it is a symbolic link to '%s', "
                           "and the directory '%s' does not exist",
                           d->path, to, dir);
    if (e == ENOENT && access(dir, W_OK | X_OK) != 0)
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': cannot create it: it is a symbolic link to "
                           "'%s', and the directory '%s' is not writable (%s)",
                           d->path, to, dir, strerror(errno));
    return knob__error(KNOB_ESTORAGE,
                       "sqlite storage '%s': cannot open: it is a symbolic link to '%s': %s",
                       d->path, to, strerror(e));
}

/* Why the file could not be opened, in words that say what to change: SQLite's own
 * ("unable to open database file") names neither the cause nor the directory. */
static int open_failed(db *d)
{
    if (!d->h)
        return knob__oom("sqlite storage");
    int err = sqlite3_system_errno(d->h);
    char dir[4096];
    dir_of(d, dir, sizeof dir);
    struct stat st;
    const char *p = d->path;
    if (stat(dir, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            return knob__error(KNOB_ESTORAGE,
                               "sqlite storage '%s': cannot open: the directory '%s' does not "
                               "exist",
                               p, dir);
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': cannot open: the directory '%s': %s", p, dir,
                           strerror(e));
    }
    if (!S_ISDIR(st.st_mode))
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': cannot open: '%s' is not a directory", p, dir);
    int rc = dangling_link(d);
    if (rc)
        return rc;
    bool exists = stat(p, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return knob__error(KNOB_ESTORAGE, "sqlite storage '%s': cannot open: it is a directory", p);
    if (!exists && errno == ENOENT && access(dir, W_OK | X_OK) != 0)
        return knob__error(KNOB_ESTORAGE,
                           "sqlite storage '%s': cannot create it: the directory '%s' is not "
                           "writable (%s)",
                           p, dir, strerror(errno));
    if (err)
        return knob__error(KNOB_ESTORAGE, "sqlite storage '%s': cannot open: %s (%s)", p,
                           sqlite3_errmsg(d->h), strerror(err));
    return knob__error(KNOB_ESTORAGE, "sqlite storage '%s': cannot open: %s", p,
                       sqlite3_errmsg(d->h));
}

/* What open_db does once the file is open: the connection's settings, knob's schema checked
 * (or made, in an empty file), WAL mode, the schema of an older knob brought up to date. */
static int ready(db *d)
{
    int rc = KNOB_OK;
    /* The first statements to read the file: a text file fails here. A cache of 16 pages
     * (SQLite's default is 2 MB): a page read again costs a pread from the kernel's cache,
     * where each new page of memory costs a page fault, which is what a knob process
     * mostly spends its time on (bench/README.md, startup: `knob studies` at 100,000
     * trials 672 -> 172 page faults, `knob tell` -10); a write's pages stay in memory up
     * to 500 (cache_spill) before any is written to the WAL ahead of its commit. */
    if (exec_retry(d,
                   "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                   "PRAGMA journal_size_limit = 4194304; PRAGMA cache_size = 16; "
                   "PRAGMA cache_spill = 500",
                   "set pragmas"))
        rc = unreadable(d);
    bool wal = false;
    if (!rc)
        rc = check_schema(d, &wal);
    /* a file this process cannot write is read in its own mode */
    if (!rc && !wal && sqlite3_db_readonly(d->h, "main") != 1)
        rc = use_wal(d);
    if (!rc)
        rc = upgrade_schema(d);
    /* The WAL at close: close_wal. */
    if (!rc && sqlite3_db_config(d->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) != SQLITE_OK)
        rc = fail(d, "leave the WAL to the next checkpoint");
    if (!rc)
        sqlite3_wal_hook(d->h, on_wal_commit, d);
    return rc;
}

/* Which of '-wal' and '-shm' lies beside the database: "-wal", "-shm" or NULL. */
static const char *beside(const db *d)
{
    char side[4200], file[4096];
    struct stat st;
    snprintf(side, sizeof side, "%s-wal", real_file(d, file, sizeof file));
    if (stat(side, &st) == 0)
        return "-wal";
    snprintf(side, sizeof side, "%s-shm", file);
    return stat(side, &st) == 0 ? "-shm" : NULL;
}

/* An I/O error at the open, where a '-wal' or '-shm' file lay beside the database before
 * it (`found`, beside()): those are likely left from a database deleted or replaced since
 * (knob leaves the WAL at close: close_wal), which SQLite reads with the new file. Said,
 * with what to do, unless fail() said another cause (a full disk, a WAL removed under a
 * process that has the file open): files this open made itself (the -shm a reader makes)
 * are not to blame, nor to be removed. */
static int stale_wal_hint(db *d, int rc, const char *found)
{
    if (!found || d->fail_said)
        return rc;
    char file[4096];
    real_file(d, file, sizeof file); /* a link's target: its -wal and -shm are beside it */
    return knob__error(rc,
                       "%s; '%s%s' lies beside it, likely left from a database deleted or "
                       "replaced at that path: with no process using the storage, remove "
                       "'%s-wal' and '%s-shm' too (a study file is deleted, copied or moved "
                       "with both)",
                       knob_errmsg(), file, found, file, file);
}

/* A path that names something other than a file (a device such as /dev/null, a FIFO, a
 * socket) is refused before SQLite opens it: SQLite took /dev/null, failed at the first
 * commit with "disk I/O error", and left /dev/null-journal beside it. A directory is left
 * to open_failed, and a path that does not exist to SQLite, which makes the file. */
static int not_a_file(const db *d)
{
    struct stat st;
    if (stat(d->path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return KNOB_OK;
    return knob__error(KNOB_ESTORAGE,
                       "sqlite storage '%s': cannot open: not a regular file (%s); a study is "
                       "kept in a file of its own",
                       d->path,
                       S_ISCHR(st.st_mode)    ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "of another kind");
}

static int open_db(const char *url, const char *where, void **be)
{
    db *d = calloc(1, sizeof *d);
    if (!d)
        return knob__oom("sqlite storage");
    int rc = parse_url(url, where, d);
    if (rc) {
        free(d);
        return rc;
    }
    if ((rc = not_a_file(d))) {
        free(d->path);
        free(d);
        return rc;
    }
    const char *found = beside(d);
    if (sqlite3_open_v2(d->path, &d->h,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = open_failed(d);
        close_db(d);
        return rc;
    }
    sqlite3_busy_timeout(d->h, d->busy_ms);
    sqlite3_extended_result_codes(d->h, 1);
    /* knob's writes keep knob_trial_counts themselves (TRIAL_COUNTS_SCHEMA) */
    sqlite3_db_config(d->h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    /* A WAL left beside a database file deleted since (close_wal keeps it) and a new, empty
     * file: SQLite deletes that WAL at the first read of each connection that finds the
     * file empty, and when several processes open the path at once, all but the first to
     * delete it fail with SQLITE_IOERR_DELETE_NOENT ("disk I/O error"): the stale WAL is
     * gone, as they meant, and the steps of the open, each of which may be that first
     * read, are taken again (they change nothing twice). */
    for (int attempt = 0;; attempt++) {
        d->fail_code = SQLITE_OK;
        rc = ready(d);
        if (!rc || d->fail_code != SQLITE_IOERR_DELETE_NOENT || attempt == 20)
            break;
        nap_ms(1 + attempt % 5);
    }
    if (rc && (d->fail_code & 0xff) == SQLITE_IOERR)
        rc = stale_wal_hint(d, rc, found);
    if (rc) {
        close_db(d);
        return rc;
    }
    struct stat info;
    if (stat(d->path, &info) == 0) {
        d->have_file = true;
        d->dev = (uintmax_t)info.st_dev;
        d->ino = (uintmax_t)info.st_ino;
    }
    *be = d;
    return KNOB_OK;
}

/* The file this connection opened, by device and inode: another path to it (a symbolic
 * link, another spelling) is the same storage, and a file made anew at the path, after the
 * one opened was deleted, another. */
static int identity_db(void *be, char *out, size_t size)
{
    const db *d = be;
    if (d->have_file)
        snprintf(out, size, "sqlite:%ju:%ju", d->dev, d->ino);
    else if (size)
        out[0] = 0;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- studies */

static int no_study(db *d, int64_t id)
{
    return knob__error(KNOB_ENOTFOUND, "sqlite storage '%s': no study with id %lld", d->path,
                       (long long)id);
}

/* The study's current change stamp; KNOB_ENOTFOUND when there is no such study. */
static int study_seq(db *d, int64_t study, int64_t *seq)
{
    sqlite3_stmt *s = stmt(d, Q_STUDY_SEQ);
    int rc, row = 0;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    if ((rc = step(d, s, "read the study's stamp", &row)))
        return rc;
    if (row)
        *seq = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return row ? KNOB_OK : no_study(d, study);
}

/* "minimize,maximize", malloc'd; NULL when out of memory. */
static char *dirs_text(const knob_direction *dirs, size_t n)
{
    char *text = malloc(n * 9 + 1);
    size_t used = 0;
    if (!text)
        return NULL;
    text[0] = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)sprintf(text + used, "%s%s", i ? "," : "",
                                dirs[i] == KNOB_MAXIMIZE ? "maximize" : "minimize");
    return text;
}

static int parse_dirs(db *d, const char *text, knob_direction **out, size_t *n)
{
    if (!text)
        return knob__oom("directions");
    size_t count = text[0] ? 1 : 0;
    for (const char *p = text; *p; p++)
        count += *p == ',';
    knob_direction *dirs = malloc((count ? count : 1) * sizeof *dirs);
    if (!dirs)
        return knob__oom("directions");
    const char *p = text;
    for (size_t i = 0; i < count; i++, p += p[8] ? 9 : 8) {
        bool max = strncmp(p, "maximize", 8) == 0;
        if ((!max && strncmp(p, "minimize", 8) != 0) || (p[8] != ',' && p[8] != 0)) {
            free(dirs);
            return knob__error(KNOB_ECORRUPT, "sqlite storage '%s': unreadable directions '%s'",
                               d->path, text);
        }
        dirs[i] = max ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
    }
    *out = dirs;
    *n = count;
    return KNOB_OK;
}

static int find_study(void *be, const char *name, int64_t *id, knob_direction **dirs,
                      size_t *n_dirs)
{
    db *d = be;
    sqlite3_stmt *s = stmt(d, Q_FIND_STUDY);
    int row = 0, rc;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    if ((rc = step(d, s, "find a study", &row)))
        return rc;
    if (!row) {
        sqlite3_reset(s);
        return knob__error(KNOB_ENOTFOUND, "sqlite storage '%s': no study named '%s'", d->path,
                           name);
    }
    *id = sqlite3_column_int64(s, 0);
    rc = parse_dirs(d, (const char *)sqlite3_column_text(s, 1), dirs, n_dirs);
    sqlite3_reset(s);
    return rc;
}

static int insert_study(db *d, const char *name, const char *dirs, int64_t *id)
{
    int rc, row = 0;
    sqlite3_stmt *s = stmt(d, Q_FIND_STUDY);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    if ((rc = step(d, s, "find a study", &row)))
        return rc;
    if (row) {
        *id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        return knob__error(KNOB_EEXIST, "sqlite storage '%s': a study named '%s' exists", d->path,
                           name);
    }
    if (!(s = stmt(d, Q_INSERT_STUDY)))
        return KNOB_ESTORAGE;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, dirs, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 3, knob__now());
    if ((rc = step(d, s, "create a study", NULL)))
        return rc;
    *id = sqlite3_last_insert_rowid(d->h);
    return KNOB_OK;
}

static int create_study(void *be, const char *name, const knob_direction *dirs, size_t n_dirs,
                        int64_t *id)
{
    db *d = be;
    char *text = dirs_text(dirs, n_dirs);
    if (!text)
        return knob__oom("study directions");
    int rc = begin(d);
    if (!rc)
        rc = insert_study(d, name, text, id);
    free(text);
    return rc ? rollback(d, rc) : commit(d);
}

static int prepare_once(db *d, const char *text, sqlite3_stmt **s, const char *op)
{
    return sqlite3_prepare_v2(d->h, text, -1, s, NULL) == SQLITE_OK ? KNOB_OK : fail(d, op);
}

static int summarize(db *d, int64_t id, knob_study_summary *e)
{
    sqlite3_stmt *s = stmt(d, d->older ? Q_COUNT_ROWS : Q_COUNT_TRIALS);
    int rc, row = 0;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = step(d, s, "count trials", &row)))
        return rc;
    e->n_trials = sqlite3_column_int64(s, 0);
    e->n_complete = sqlite3_column_int64(s, 1);
    sqlite3_reset(s);
    e->best_value = NAN;
    if (e->n_objectives == 0)
        return KNOB_OK;
    bool max = e->directions[0] == KNOB_MAXIMIZE;
    if (!(s = stmt(d, d->older ? (max ? Q_BEST_ROWS_MAX : Q_BEST_ROWS_MIN)
                               : (max ? Q_BEST_MAX : Q_BEST_MIN))))
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = step(d, s, "find the best value", &row)))
        return rc;
    if (row && sqlite3_column_type(s, 0) != SQLITE_NULL)
        e->best_value = sqlite3_column_double(s, 0);
    sqlite3_reset(s);
    return KNOB_OK;
}

/* Reads the study rows; summaries come after (they use other statements). */
static int read_studies(db *d, knob_study_summary **list, int64_t **ids, size_t *count)
{
    size_t cap = 0, cap_ids = 0;
    sqlite3_stmt *s = stmt(d, Q_LIST_STUDIES);
    int rc = s ? KNOB_OK : KNOB_ESTORAGE, r = SQLITE_DONE;
    while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
        knob_direction *dirs;
        size_t nd;
        if (knob__grow(list, &cap, *count + 1, sizeof **list) ||
            knob__grow(ids, &cap_ids, *count + 1, sizeof **ids)) {
            rc = knob__oom("study list");
            break;
        }
        knob_study_summary *e = &(*list)[*count];
        memset(e, 0, sizeof *e);
        (*ids)[(*count)++] = sqlite3_column_int64(s, 0);
        e->created = sqlite3_column_double(s, 3);
        if (!(e->name = knob__strdup((const char *)sqlite3_column_text(s, 1))))
            rc = knob__oom("study list");
        else if (!(rc = parse_dirs(d, (const char *)sqlite3_column_text(s, 2), &dirs, &nd))) {
            e->directions = dirs;
            e->n_objectives = nd;
        }
    }
    if (!rc && r != SQLITE_DONE)
        rc = fail(d, "list studies");
    if (s)
        sqlite3_reset(s);
    return rc;
}

static int list_studies(void *be, knob_study_summary **out, size_t *n)
{
    db *d = be;
    knob_study_summary *list = NULL;
    int64_t *ids = NULL;
    size_t count = 0;
    /* One read transaction: the counts agree with the list. */
    int rc = begin_read(d);
    if (!rc)
        rc = read_studies(d, &list, &ids, &count);
    for (size_t i = 0; !rc && i < count; i++)
        rc = summarize(d, ids[i], &list[i]);
    rollback(d, KNOB_OK);
    free(ids);
    if (!rc && !list && !(list = calloc(1, sizeof *list)))
        rc = knob__oom("study list");
    if (rc) {
        knob__summaries_free(list, count);
        return rc;
    }
    *out = list;
    *n = count;
    return KNOB_OK;
}

/* Rows of trials, params, values, attributes and claims go by ON DELETE CASCADE. */
static int delete_study(void *be, int64_t id)
{
    db *d = be;
    int rc = begin(d);
    sqlite3_stmt *s;
    if (rc)
        return rc;
    if (!(s = stmt(d, Q_DELETE_STUDY)))
        return rollback(d, KNOB_ESTORAGE);
    sqlite3_bind_int64(s, 1, id);
    if ((rc = step(d, s, "delete a study", NULL)))
        return rollback(d, rc);
    if (sqlite3_changes(d->h) == 0)
        return rollback(d, no_study(d, id));
    return commit(d);
}

static int set_study_attr(void *be, int64_t study, bool system, const char *key, const char *json)
{
    db *d = be;
    int64_t seq;
    int rc = begin(d);
    sqlite3_stmt *s;
    if (rc)
        return rc;
    if ((rc = study_seq(d, study, &seq)))
        return rollback(d, rc);
    if (!(s = stmt(d, Q_SET_STUDY_ATTR)))
        return rollback(d, KNOB_ESTORAGE);
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int(s, 2, system);
    sqlite3_bind_text(s, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, json, -1, SQLITE_TRANSIENT);
    if ((rc = step(d, s, "set a study attribute", NULL)))
        return rollback(d, rc);
    return commit(d);
}

static int get_study_attrs(void *be, int64_t study, bool system,
                           int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    db *d = be;
    sqlite3_stmt *s = stmt(d, Q_GET_STUDY_ATTRS);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int(s, 2, system);
    int rc = KNOB_OK, r = SQLITE_DONE, rows = 0;
    int64_t seq;
    for (; !rc && (r = sqlite3_step(s)) == SQLITE_ROW; rows++)
        rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
                (const char *)sqlite3_column_text(s, 1));
    if (!rc && r != SQLITE_DONE)
        rc = fail(d, "read study attributes");
    sqlite3_reset(s);
    /* None: the study may be gone, which is an error as for every other method. */
    return rc || rows ? rc : study_seq(d, study, &seq);
}

/* ---------------------------------------------------------------- trials */

static int no_trial(db *d, int64_t study, int64_t trial)
{
    return knob__error(KNOB_ENOTFOUND,
                       "sqlite storage '%s': no trial with id %lld in study "
                       "%lld",
                       d->path, (long long)trial, (long long)study);
}

/* Within a write transaction: the study's next change stamp. */
static int bump(db *d, int64_t study, int64_t *seq)
{
    sqlite3_stmt *s = stmt(d, Q_BUMP);
    int rc;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    if ((rc = step(d, s, "stamp a change", NULL)))
        return rc;
    sqlite3_reset(s);
    if (sqlite3_changes(d->h) != 1)
        return no_study(d, study);
    return study_seq(d, study, seq);
}

/* Within a write transaction: stamps a changed trial (KNOB_ENOTFOUND when the study
 * has no such trial). */
static int stamp(db *d, int64_t study, int64_t trial)
{
    int64_t seq;
    int rc = bump(d, study, &seq);
    sqlite3_stmt *s = rc ? NULL : stmt(d, Q_STAMP);
    if (rc || !s)
        return rc ? rc : KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int64(s, 2, seq);
    sqlite3_bind_int64(s, 3, study);
    if ((rc = step(d, s, "stamp a trial", NULL)))
        return rc;
    return sqlite3_changes(d->h) == 1 ? KNOB_OK : no_trial(d, study, trial);
}

/* Within a write transaction: KNOB_ENOTFOUND unless the study has the trial. With `what`,
 * the write that needs it unfinished ("finish", "record a value of"), KNOB_ESTATE when it
 * is finished, but, with `late_ok`, for a trial failed for its silent heartbeat (backend.h,
 * finish); "finish" refuses a WAITING trial too (an enqueued trial is asked before it is
 * finished, so that it has its params), a value is recorded in one (an added trial's rows).
 * *lost (unless NULL): whether the trial has that failure's cause (a RUNNING trial may, its
 * failer about to finish it). *constrained (unless NULL): whether the trial has a
 * constraints attribute. */
static int check_trial(db *d, int64_t study, int64_t trial, const char *what, bool late_ok,
                       bool *constrained, bool *lost)
{
    sqlite3_stmt *s = stmt(d, Q_TRIAL_STATE);
    int rc, row = 0;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int64(s, 2, study);
    if ((rc = step(d, s, "read a trial's state", &row)))
        return rc;
    int state = row ? sqlite3_column_int(s, 0) : 0;
    if (constrained)
        *constrained = row && sqlite3_column_int(s, 3);
    /* the cause is written before the trial is failed (knob__store_fail): a RUNNING trial
     * may have it too, from a failer about to finish it */
    bool marked = row && sqlite3_column_int(s, 4);
    bool was_lost = marked && state == KNOB_TRIAL_FAIL && late_ok;
    if (lost)
        *lost = marked;
    if (!row)
        rc = no_trial(d, study, trial);
    else if (what && !strcmp(what, "finish") && state == KNOB_TRIAL_WAITING)
        rc = knob__error(KNOB_ESTATE,
                         "sqlite storage '%s': cannot finish trial %lld of study '%s': it is "
                         "waiting (enqueued, not asked yet); a trial is finished once it has "
                         "been asked",
                         d->path, (long long)sqlite3_column_int64(s, 1),
                         (const char *)sqlite3_column_text(s, 2));
    else if (what && state != KNOB_TRIAL_RUNNING && state != KNOB_TRIAL_WAITING && !was_lost)
        rc = knob__error(KNOB_ESTATE,
                         "sqlite storage '%s': cannot %s trial %lld of study "
                         "'%s': it is already %s",
                         d->path, what, (long long)sqlite3_column_int64(s, 1),
                         (const char *)sqlite3_column_text(s, 2),
                         knob__state_word((knob_trial_state)state));
    sqlite3_reset(s);
    return rc;
}

/* knob_trial_counts, as its triggers keep it for other writers: a trial of `study` enters
 * `state` (after its row is written)... */
static int count_enter(db *d, int64_t study, knob_trial_state state)
{
    sqlite3_stmt *s = stmt(d, Q_COUNT_ENTER);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int(s, 2, (int)state);
    return step(d, s, "count the study's trials", NULL);
}

/* ...or leaves its state (before the write that changes it). */
static int count_leave(db *d, int64_t study, int64_t trial)
{
    sqlite3_stmt *s = stmt(d, Q_COUNT_LEAVE);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int64(s, 2, trial);
    return step(d, s, "count the study's trials", NULL);
}

static int insert_trial(db *d, int64_t study, knob_trial_state state, int64_t cap, int64_t *id,
                        int64_t *number)
{
    int64_t seq;
    int rc = bump(d, study, &seq), row = 0;
    sqlite3_stmt *s = rc ? NULL : stmt(d, Q_NEXT_NUMBER);
    if (rc || !s)
        return rc ? rc : KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    if ((rc = step(d, s, "number a trial", &row)))
        return rc;
    *number = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    /* Numbers are dense, so the next number is the count of trials. */
    if (cap > 0 && *number >= cap)
        return knob__error(KNOB_EDONE, "sqlite storage '%s': study %lld holds %lld trials, its cap",
                           d->path, (long long)study, (long long)*number);
    if (!(s = stmt(d, Q_INSERT_TRIAL)))
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int64(s, 2, *number);
    sqlite3_bind_int(s, 3, (int)state);
    if (state == KNOB_TRIAL_WAITING)
        sqlite3_bind_null(s, 4);
    else
        sqlite3_bind_double(s, 4, knob__now());
    sqlite3_bind_int64(s, 5, seq);
    if ((rc = step(d, s, "create a trial", NULL)))
        return rc;
    *id = sqlite3_last_insert_rowid(d->h);
    return count_enter(d, study, state);
}

/* Within a write transaction: a trial attribute of the trial being made. */
static int insert_trial_attr(db *d, int64_t trial, bool system, const knob_attr *a)
{
    sqlite3_stmt *s = stmt(d, Q_SET_TRIAL_ATTR);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int(s, 2, system);
    sqlite3_bind_text(s, 3, a->key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, a->json, -1, SQLITE_TRANSIENT);
    return step(d, s, "set a trial attribute", NULL);
}

/* The number is MAX + 1 under the write lock: dense and unique across processes. */
/* create_trial, and with a key create_claimed: the trial, its attributes and the claim in
 * one transaction; a key claimed before rolls it all back (*won false). */
static int create_in(db *d, int64_t study, knob_trial_state state, int64_t cap,
                     const knob_attr *attrs, size_t n_attrs, const char *key, bool *won,
                     int64_t *id, int64_t *number)
{
    int64_t new_id = -1, num = -1;
    int rc = begin(d);
    if (rc)
        return rc;
    if ((rc = insert_trial(d, study, state, cap, &new_id, &num)))
        return rollback(d, rc);
    for (size_t i = 0; i < n_attrs; i++)
        if ((rc = insert_trial_attr(d, new_id, true, &attrs[i])))
            return rollback(d, rc);
    if (key) {
        sqlite3_stmt *s = stmt(d, Q_CLAIM);
        if (!s)
            return rollback(d, KNOB_ESTORAGE);
        sqlite3_bind_int64(s, 1, study);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, new_id);
        if ((rc = step(d, s, "claim", NULL)))
            return rollback(d, rc);
        if (sqlite3_changes(d->h) != 1)
            return rollback(d, KNOB_OK); /* lost: no trial either */
    }
    if ((rc = commit(d)))
        return rc;
    if (won)
        *won = true;
    *id = new_id;
    *number = num;
    return KNOB_OK;
}

static int create_trial(void *be, int64_t study, knob_trial_state state, int64_t cap,
                        const knob_attr *attrs, size_t n_attrs, int64_t *id, int64_t *number)
{
    return create_in(be, study, state, cap, attrs, n_attrs, NULL, NULL, id, number);
}

static int create_claimed(void *be, int64_t study, int64_t cap, const char *key,
                          const knob_attr *attrs, size_t n_attrs, bool *won, int64_t *id,
                          int64_t *number)
{
    *won = false;
    return create_in(be, study, KNOB_TRIAL_RUNNING, cap, attrs, n_attrs, key, won, id, number);
}

/* Within a write transaction: starts the oldest waiting trial, if any. */
static int start_oldest(db *d, int64_t study, int64_t *id, int64_t *number, bool *found)
{
    int64_t seq;
    int rc, row = 0;
    sqlite3_stmt *s = stmt(d, Q_OLDEST_WAITING);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    if ((rc = step(d, s, "find a waiting trial", &row)))
        return rc;
    if (!row) /* nothing waits; still, a missing study is an error */
        return study_seq(d, study, &seq);
    *id = sqlite3_column_int64(s, 0);
    *number = sqlite3_column_int64(s, 1);
    sqlite3_reset(s);
    if ((rc = bump(d, study, &seq)) || (rc = count_leave(d, study, *id)))
        return rc;
    if (!(s = stmt(d, Q_START_TRIAL)))
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, *id);
    sqlite3_bind_double(s, 2, knob__now());
    sqlite3_bind_int64(s, 3, seq);
    if ((rc = step(d, s, "start a waiting trial", NULL)) ||
        (rc = count_enter(d, study, KNOB_TRIAL_RUNNING)))
        return rc;
    *found = true;
    return KNOB_OK;
}

/* pop_waiting, and the attributes (the take's first heartbeat) in its transaction. */
static int pop_attrs(void *be, int64_t study, const knob_attr *attrs, size_t n_attrs, int64_t *id,
                     int64_t *number, bool *found)
{
    db *d = be;
    int64_t tid = 0, num = 0;
    bool got = false;
    int rc = begin(d);
    *found = false;
    if (rc)
        return rc;
    if ((rc = start_oldest(d, study, &tid, &num, &got)))
        return rollback(d, rc);
    if (!got)
        return rollback(d, KNOB_OK);
    for (size_t i = 0; i < n_attrs; i++)
        if ((rc = insert_trial_attr(d, tid, true, &attrs[i])))
            return rollback(d, rc);
    if ((rc = commit(d)))
        return rc;
    *id = tid;
    *number = num;
    *found = true;
    return KNOB_OK;
}

static int pop_waiting(void *be, int64_t study, int64_t *id, int64_t *number, bool *found)
{
    return pop_attrs(be, study, NULL, 0, id, number, found);
}

static int trial_id(void *be, int64_t study, int64_t number, int64_t *id)
{
    db *d = be;
    sqlite3_stmt *s = stmt(d, Q_TRIAL_ID);
    int rc, row = 0;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int64(s, 2, number);
    if ((rc = step(d, s, "find a trial", &row)))
        return rc;
    if (row)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return row ? KNOB_OK
               : knob__error(KNOB_ENOTFOUND, "sqlite storage '%s': study %lld has no trial %lld",
                             d->path, (long long)study, (long long)number);
}

/* Within a write transaction. */
static int upsert_param(db *d, int64_t trial, const char *name, const char *dist_json,
                        double internal)
{
    sqlite3_stmt *s = stmt(d, Q_SET_PARAM);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, dist_json, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 4, internal);
    return step(d, s, "set a param", NULL);
}

static int set_param(void *be, int64_t study, int64_t trial, const char *name,
                     const char *dist_json, double internal)
{
    db *d = be;
    int rc = begin(d);
    if (rc)
        return rc;
    /* The stamp first: it finds out whether the study has the trial. */
    if ((rc = check_trial(d, study, trial, "set a param of", true, NULL, NULL)) ||
        (rc = stamp(d, study, trial)) || (rc = upsert_param(d, trial, name, dist_json, internal)))
        return rollback(d, rc);
    return commit(d);
}

static int set_params(void *be, int64_t study, int64_t trial, const knob__param_rec *params,
                      size_t n)
{
    db *d = be;
    int rc = begin(d);
    if (rc)
        return rc;
    rc = check_trial(d, study, trial, "set a param of", true, NULL, NULL);
    if (!rc)
        rc = stamp(d, study, trial);
    for (size_t i = 0; !rc && i < n; i++)
        rc = upsert_param(d, trial, params[i].name, params[i].dist_json, params[i].internal);
    return rc ? rollback(d, rc) : commit(d);
}

/* Within a write transaction: the value of `trial` at step `stp`, unless the step has one
 * (sqlite3_changes tells). */
static int insert_report(db *d, int64_t trial, int64_t stp, double value)
{
    sqlite3_stmt *s = stmt(d, Q_REPORT);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int64(s, 2, stp);
    sqlite3_bind_double(s, 3, value);
    return step(d, s, "report a value", NULL);
}

/* Within a write transaction: the rows of a waiting trial `trial` as w has them (its params,
 * intermediate values and attributes). */
static int write_waiting_rows(db *d, int64_t trial, const knob__waiting_rec *w)
{
    int rc = KNOB_OK;
    for (size_t i = 0; !rc && i < w->n_params; i++)
        rc = upsert_param(d, trial, w->params[i].name, w->params[i].dist_json,
                          w->params[i].internal);
    for (size_t i = 0; !rc && i < w->n_intermediate; i++)
        rc = insert_report(d, trial, w->intermediate[i].step, w->intermediate[i].value);
    for (size_t i = 0; !rc && i < w->n_user_attrs; i++)
        rc = insert_trial_attr(d, trial, false, &w->user_attrs[i]);
    for (size_t i = 0; !rc && i < w->n_system_attrs; i++)
        rc = insert_trial_attr(d, trial, true, &w->system_attrs[i]);
    return rc;
}

/* A waiting trial with its params, intermediate values and attributes, in one transaction
 * stamped once (insert_trial's): a failure rolls it all back, number included. */
static int create_waiting(void *be, int64_t study, int64_t cap, const knob__waiting_rec *w,
                          int64_t *id, int64_t *number)
{
    db *d = be;
    int64_t new_id = -1, num = -1;
    int rc = begin(d);
    if (rc)
        return rc;
    rc = insert_trial(d, study, KNOB_TRIAL_WAITING, cap, &new_id, &num);
    if (!rc)
        rc = write_waiting_rows(d, new_id, w);
    if (rc)
        return rollback(d, rc);
    if ((rc = commit(d)))
        return rc;
    *id = new_id;
    *number = num;
    return KNOB_OK;
}

/* Within a write transaction: the values of `trial`. */
static int insert_values(db *d, int64_t trial, const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = stmt(d, Q_INSERT_VALUE);
        if (!s)
            return KNOB_ESTORAGE;
        sqlite3_bind_int64(s, 1, trial);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        sqlite3_bind_double(s, 3, values[i]);
        int rc = step(d, s, "record a value", NULL);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* Within a write transaction: an added trial's times (insert_trial's start, unless given;
 * a finished trial's end, now unless given) and a complete one's best (BEST_COLUMNS) from its
 * rows, which are all written: stamped with its insert (best_seq its seq). */
static int added_ends(db *d, int64_t trial, const knob__added_rec *a)
{
    sqlite3_stmt *s = stmt(d, Q_SET_TIMES);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    if (!isnan(a->start_time))
        sqlite3_bind_double(s, 2, a->start_time);
    if (a->state != KNOB_TRIAL_RUNNING)
        sqlite3_bind_double(s, 3, isnan(a->end_time) ? knob__now() : a->end_time);
    int rc = step(d, s, "set a trial's times", NULL);
    if (rc || a->state != KNOB_TRIAL_COMPLETE)
        return rc;
    if (!(s = stmt(d, Q_BEST_REFRESH)))
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    return step(d, s, "find a trial's best value", NULL);
}

/* A trial added in its state with its values, times and rows, in one transaction stamped
 * once (insert_trial's), counted in its state at once: a failure rolls it all back, number
 * included. */
static int create_added(void *be, int64_t study, int64_t cap, const knob__added_rec *a, int64_t *id,
                        int64_t *number)
{
    db *d = be;
    int64_t new_id = -1, num = -1;
    int rc = begin(d);
    if (rc)
        return rc;
    rc = insert_trial(d, study, a->state, cap, &new_id, &num);
    if (!rc)
        rc = write_waiting_rows(d, new_id, &a->rows);
    if (!rc)
        rc = insert_values(d, new_id, a->values, a->n_values);
    if (!rc)
        rc = added_ends(d, new_id, a);
    if (rc)
        return rollback(d, rc);
    if ((rc = commit(d)))
        return rc;
    *id = new_id;
    *number = num;
    return KNOB_OK;
}

/* Within a write transaction: the rows of `trial` in table q's (Q_CLEAR_*) removed. */
static int clear_rows(db *d, int q, int64_t trial)
{
    sqlite3_stmt *s = stmt(d, q);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    return step(d, s, "clear a trial's rows", NULL);
}

/* Within a write transaction: why Q_REQUEUE changed nothing. */
static int not_taken(db *d, int64_t study, int64_t trial)
{
    int rc = check_trial(d, study, trial, NULL, false, NULL, NULL);
    return rc ? rc
              : knob__error(KNOB_ESTATE,
                            "sqlite storage '%s': trial with id %lld is not the take's to put "
                            "back (finished, or taken again)",
                            d->path, (long long)trial);
}

/* The trial WAITING again, its rows replaced by w's, in one transaction (as create_waiting
 * writes them). */
static int requeue(void *be, int64_t study, int64_t trial, double start, const knob__waiting_rec *w)
{
    db *d = be;
    int64_t seq;
    int rc = begin(d);
    if (rc)
        return rc;
    rc = bump(d, study, &seq);
    if (!rc)
        rc = count_leave(d, study, trial);
    sqlite3_stmt *s = rc ? NULL : stmt(d, Q_REQUEUE);
    if (!rc && !s)
        rc = KNOB_ESTORAGE;
    if (!rc) {
        sqlite3_bind_int64(s, 1, trial);
        sqlite3_bind_int64(s, 2, study);
        sqlite3_bind_int64(s, 3, seq);
        sqlite3_bind_double(s, 4, start);
        if (!(rc = step(d, s, "put a trial back in the queue", NULL)) && sqlite3_changes(d->h) != 1)
            rc = not_taken(d, study, trial);
    }
    static const int tables[] = {Q_CLEAR_PARAMS, Q_CLEAR_VALUES, Q_CLEAR_INTER, Q_CLEAR_ATTRS};
    for (size_t i = 0; !rc && i < sizeof tables / sizeof *tables; i++)
        rc = clear_rows(d, tables[i], trial);
    if (!rc)
        rc = write_waiting_rows(d, trial, w);
    if (!rc)
        rc = count_enter(d, study, KNOB_TRIAL_WAITING);
    return rc ? rollback(d, rc) : commit(d);
}

static int report(void *be, int64_t study, int64_t trial, int64_t stp, double value)
{
    db *d = be;
    int rc = begin(d);
    if (rc)
        return rc;
    if ((rc = check_trial(d, study, trial, "record a value of", true, NULL, NULL)))
        return rollback(d, rc);
    if ((rc = insert_report(d, trial, stp, value)))
        return rollback(d, rc);
    /* A step already recorded keeps its value, and the trial is unchanged. */
    if (sqlite3_changes(d->h) && (rc = stamp(d, study, trial)))
        return rollback(d, rc);
    return commit(d);
}

/* Begins a write of trial `trial`, stamps it and gives statement q to bind; NULL (the write
 * rolled back, *rc its status) when any of that failed. With `what`, the write needs the
 * trial unfinished (check_trial). */
static sqlite3_stmt *begin_trial_write(db *d, int64_t study, int64_t trial, const char *what, int q,
                                       int *rc)
{
    sqlite3_stmt *s = NULL;
    if ((*rc = begin(d)))
        return NULL;
    if (what)
        *rc = check_trial(d, study, trial, what, true, NULL, NULL);
    if (!*rc && !(*rc = stamp(d, study, trial)) && !(s = stmt(d, q)))
        *rc = KNOB_ESTORAGE;
    if (*rc)
        rollback(d, *rc);
    return *rc ? NULL : s;
}

/* Runs the bound statement of begin_trial_write and ends its write. */
static int end_trial_write(db *d, sqlite3_stmt *s, const char *what)
{
    int rc = step(d, s, what, NULL);
    return rc ? rollback(d, rc) : commit(d);
}

static int set_trial_attr(void *be, int64_t study, int64_t trial, bool system, const char *key,
                          const char *json, bool unfinished)
{
    db *d = be;
    int rc;
    const char *what = unfinished ? "set an attribute of" : NULL;
    sqlite3_stmt *s = begin_trial_write(d, study, trial, what, Q_SET_TRIAL_ATTR, &rc);
    if (!s)
        return rc;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int(s, 2, system);
    sqlite3_bind_text(s, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, json, -1, SQLITE_TRANSIENT);
    if (!system || strcmp(key, "constraints") != 0)
        return end_trial_write(d, s, "set a trial attribute");
    /* a complete trial's feasibility, so its best (Q_BEST_REFRESH) */
    if ((rc = step(d, s, "set a trial attribute", NULL)) || !(s = stmt(d, Q_BEST_REFRESH)))
        return rollback(d, rc ? rc : KNOB_ESTORAGE);
    sqlite3_bind_int64(s, 1, trial);
    return end_trial_write(d, s, "find a trial's best value");
}

static int set_times(void *be, int64_t study, int64_t trial, double start, double end)
{
    db *d = be;
    int rc;
    sqlite3_stmt *s = begin_trial_write(d, study, trial, NULL, Q_SET_TIMES, &rc);
    if (!s)
        return rc;
    sqlite3_bind_int64(s, 1, trial);
    if (isnan(start))
        sqlite3_bind_null(s, 2);
    else
        sqlite3_bind_double(s, 2, start);
    if (isnan(end))
        sqlite3_bind_null(s, 3);
    else
        sqlite3_bind_double(s, 3, end);
    return end_trial_write(d, s, "set a trial's times");
}

/* Within a write transaction: the new state, end time and values, and the trial's best
 * (BEST_COLUMNS): the first value, as its row holds it, of a complete trial without
 * constraints; found from its rows after them for one with constraints. */
static int write_finish(db *d, int64_t study, int64_t trial, knob_trial_state state,
                        const double *values, size_t n, bool constrained)
{
    int64_t seq;
    int rc = bump(d, study, &seq);
    if (!rc)
        rc = count_leave(d, study, trial);
    sqlite3_stmt *s = rc ? NULL : stmt(d, Q_FINISH);
    if (rc || !s)
        return rc ? rc : KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    sqlite3_bind_int(s, 2, (int)state);
    sqlite3_bind_double(s, 3, knob__now());
    sqlite3_bind_int64(s, 4, seq);
    if (state == KNOB_TRIAL_COMPLETE && !constrained) {
        if (n)
            sqlite3_bind_double(s, 5, values[0]);
        sqlite3_bind_int64(s, 6, seq);
    }
    if ((rc = step(d, s, "finish a trial", NULL)) || (rc = count_enter(d, study, state)) ||
        (rc = insert_values(d, trial, values, n)))
        return rc;
    if (state != KNOB_TRIAL_COMPLETE || !constrained)
        return KNOB_OK;
    if (!(s = stmt(d, Q_BEST_REFRESH)))
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    return step(d, s, "find a trial's best value", NULL);
}

/* Within a write transaction: the presumption of a trial failed for its silence, which its
 * worker has now finished, kept renamed (backend.h, finish). */
static int keep_lost(db *d, int64_t trial)
{
    sqlite3_stmt *s = stmt(d, Q_LOST_KEEP);
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, trial);
    return step(d, s, "keep why a trial was failed", NULL);
}

static int finish(void *be, int64_t study, int64_t trial, knob_trial_state state,
                  const double *values, size_t n)
{
    db *d = be;
    int rc = begin(d);
    if (rc)
        return rc;
    bool constrained = false, lost = false;
    /* a late end of a lost trial is COMPLETE or PRUNED: a FAIL is another failer's (and a
     * RUNNING trial with the cause is its failer's to fail, knob__store_fail) */
    bool late = state != KNOB_TRIAL_FAIL;
    if ((rc = check_trial(d, study, trial, "finish", late, &constrained, &lost)) ||
        (rc = write_finish(d, study, trial, state, values, n, constrained)) ||
        (late && lost && (rc = keep_lost(d, trial))))
        return rollback(d, rc);
    return commit(d);
}

/* The trial's FAIL, its fail_reason and its retry in one transaction (backend.h,
 * fail_retry): a failer that dies, or a retry that cannot be written, leaves the trial as
 * it was, for the next failer. */
static int fail_retry(void *be, int64_t study, int64_t trial, int64_t cap, const char *reason_json,
                      const knob__waiting_rec *w, bool *enqueued)
{
    db *d = be;
    bool constrained = false, made = false;
    int64_t id, number;
    *enqueued = false;
    int rc = begin(d);
    if (rc)
        return rc;
    if ((rc = check_trial(d, study, trial, "finish", false, &constrained, NULL)) ||
        (rc = write_finish(d, study, trial, KNOB_TRIAL_FAIL, NULL, 0, constrained)))
        return rollback(d, rc);
    if (reason_json) {
        knob_attr why = {.key = "fail_reason", .json = reason_json};
        if ((rc = insert_trial_attr(d, trial, true, &why)))
            return rollback(d, rc);
    }
    if (w) {
        rc = insert_trial(d, study, KNOB_TRIAL_WAITING, cap, &id, &number);
        if (!rc)
            rc = write_waiting_rows(d, id, w);
        made = !rc;
        if (rc == KNOB_EDONE) /* the study at its cap: failed all the same, no retry */
            rc = KNOB_OK;
        if (rc)
            return rollback(d, rc);
    }
    if ((rc = commit(d)))
        return rc;
    *enqueued = made;
    return KNOB_OK;
}

static int claim(void *be, int64_t study, const char *key, int64_t trial, bool *won)
{
    db *d = be;
    int64_t seq;
    int rc = begin(d);
    sqlite3_stmt *s;
    if (rc)
        return rc;
    if ((rc = study_seq(d, study, &seq)))
        return rollback(d, rc);
    if (!(s = stmt(d, Q_CLAIM)))
        return rollback(d, KNOB_ESTORAGE);
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
    if (trial >= 0)
        sqlite3_bind_int64(s, 3, trial);
    else
        sqlite3_bind_null(s, 3);
    if ((rc = step(d, s, "claim", NULL)))
        return rollback(d, rc);
    bool first = sqlite3_changes(d->h) == 1;
    if ((rc = commit(d)))
        return rc;
    *won = first;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- sync */

/* One result set walked in step with the trials, all ordered by trial id. */
typedef struct cursor {
    sqlite3_stmt *s;
    bool row; /* a row is current */
} cursor;

static int advance(db *d, cursor *c)
{
    int r = sqlite3_step(c->s);
    c->row = r == SQLITE_ROW;
    return r == SQLITE_ROW || r == SQLITE_DONE ? KNOB_OK : fail(d, "read changed trials");
}

/* Scratch space for one trial's rows; strings live in `text` as offsets until the trial
 * is complete, then pointers are fixed up (text may move while it grows). */
typedef struct scratch {
    knob__param_rec *params;
    size_t n_params, cap_params;
    double *values;
    size_t n_values, cap_values;
    knob_step_value *inter;
    size_t n_inter, cap_inter;
    knob_attr *attrs[2];
    size_t n_attrs[2], cap_attrs[2];
    char *text;
    size_t n_text, cap_text;
} scratch;

static int keep_text(scratch *x, const unsigned char *s, size_t *off)
{
    if (!s)
        return knob__oom("sync"); /* SQLite gives NULL text only when out of memory */
    size_t n = strlen((const char *)s) + 1;
    if (knob__grow(&x->text, &x->cap_text, x->n_text + n, 1))
        return knob__oom("sync");
    memcpy(x->text + x->n_text, s, n);
    *off = x->n_text;
    x->n_text += n;
    return KNOB_OK;
}

#define OFF(p) ((const char *)(uintptr_t)(p))
#define FIX(x, p) ((p) = (x)->text + (uintptr_t)(p))

/* Each takes the current row of its result set into the trial's scratch space. */
static int take_param(scratch *x, sqlite3_stmt *s)
{
    size_t a = 0, b = 0; /* set on success; zeroed for -O2 maybe-uninitialized */
    if (knob__grow(&x->params, &x->cap_params, x->n_params + 1, sizeof *x->params) ||
        keep_text(x, sqlite3_column_text(s, 1), &a) || keep_text(x, sqlite3_column_text(s, 2), &b))
        return knob__oom("sync");
    x->params[x->n_params++] = (knob__param_rec){OFF(a), OFF(b), sqlite3_column_double(s, 3)};
    return KNOB_OK;
}

static int take_value(scratch *x, sqlite3_stmt *s)
{
    if (knob__grow(&x->values, &x->cap_values, x->n_values + 1, sizeof *x->values))
        return knob__oom("sync");
    x->values[x->n_values++] = sqlite3_column_double(s, 1);
    return KNOB_OK;
}

static int take_step(scratch *x, sqlite3_stmt *s)
{
    if (knob__grow(&x->inter, &x->cap_inter, x->n_inter + 1, sizeof *x->inter))
        return knob__oom("sync");
    x->inter[x->n_inter++] =
        (knob_step_value){sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2)};
    return KNOB_OK;
}

static int take_attr(scratch *x, sqlite3_stmt *s)
{
    int k = sqlite3_column_int(s, 1) ? 1 : 0;
    size_t a = 0, b = 0; /* set on success; zeroed for -O2 maybe-uninitialized */
    if (knob__grow(&x->attrs[k], &x->cap_attrs[k], x->n_attrs[k] + 1, sizeof *x->attrs[k]) ||
        keep_text(x, sqlite3_column_text(s, 2), &a) || keep_text(x, sqlite3_column_text(s, 3), &b))
        return knob__oom("sync");
    x->attrs[k][x->n_attrs[k]++] = (knob_attr){OFF(a), OFF(b)};
    return KNOB_OK;
}

/* The text no longer moves: offsets become pointers. */
static void fix_pointers(scratch *x)
{
    for (size_t i = 0; i < x->n_params; i++) {
        FIX(x, x->params[i].name);
        FIX(x, x->params[i].dist_json);
    }
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < x->n_attrs[k]; i++) {
            FIX(x, x->attrs[k][i].key);
            FIX(x, x->attrs[k][i].json);
        }
}

/* Takes the rows of trial `id` from the four result sets (each in the trials' order, so
 * they are at its rows now, if it has any). */
static int collect(db *d, scratch *x, cursor c[4], int64_t id)
{
    static int (*const take[4])(scratch * x, sqlite3_stmt * s) = {take_param, take_value, take_step,
                                                                  take_attr};
    for (int i = 0; i < 4; i++) {
        int rc = KNOB_OK;
        while (!rc && c[i].row && sqlite3_column_int64(c[i].s, 0) == id)
            if (!(rc = take[i](x, c[i].s)))
                rc = advance(d, &c[i]);
        if (rc)
            return rc;
    }
    fix_pointers(x);
    return KNOB_OK;
}

static double column_time(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

/* Starts the four row queries, each on its first row: the changed trials' rows in trial
 * id order, or on a first read (since 0) every trial's in number order. */
static int open_cursors(db *d, int64_t study, int64_t since, bool added, cursor c[4])
{
    static const int changed[4] = {Q_SYNC_PARAMS, Q_SYNC_VALUES, Q_SYNC_INTER, Q_SYNC_ATTRS};
    static const int grown[4] = {Q_SYNC_PARAMS, Q_SYNC_VALUES, Q_SYNC_INTER_ADDED, Q_SYNC_ATTRS};
    static const int all[4] = {Q_LOAD_PARAMS, Q_LOAD_VALUES, Q_LOAD_INTER, Q_LOAD_ATTRS};
    static const int one[4] = {Q_ONE_PARAMS, Q_ONE_VALUES, Q_ONE_INTER, Q_ONE_ATTRS};
    const int *which = since > 0 ? (added ? grown : changed) : since == 0 ? all : one;
    int rc = KNOB_OK;
    for (int i = 0; i < 4; i++)
        c[i] = (cursor){NULL, false};
    for (int i = 0; i < 4 && !rc; i++) {
        if (!(c[i].s = stmt(d, which[i])))
            return KNOB_ESTORAGE;
        sqlite3_bind_int64(c[i].s, 1, study);
        if (since >= 0)
            sqlite3_bind_int64(c[i].s, 2, since);
        rc = advance(d, &c[i]);
    }
    return rc;
}

/* Gathers the current trial row of `t` whole (its intermediate values only those added
 * since the reader's sync when `added` and the row says so), and hands it to the callback. */
static int deliver(db *d, sqlite3_stmt *t, bool added, scratch *x, cursor c[4], knob__sync_cb cb,
                   void *ctx)
{
    int64_t id = sqlite3_column_int64(t, 0);
    x->n_params = x->n_values = x->n_inter = x->n_attrs[0] = x->n_attrs[1] = x->n_text = 0;
    int rc = collect(d, x, c, id);
    if (rc)
        return rc;
    knob__trial_rec rec = {
        .id = id,
        .number = sqlite3_column_int64(t, 1),
        .state = (knob_trial_state)sqlite3_column_int(t, 2),
        .start_time = column_time(t, 3),
        .end_time = column_time(t, 4),
        .seq = sqlite3_column_int64(t, 5),
        .n_params = x->n_params,
        .params = x->params,
        .n_values = x->n_values,
        .values = x->values,
        .n_intermediate = x->n_inter,
        .intermediate = x->inter,
        .n_user_attrs = x->n_attrs[0],
        .user_attrs = x->attrs[0],
        .n_system_attrs = x->n_attrs[1],
        .system_attrs = x->attrs[1],
        .added = added && sqlite3_column_int(t, 6),
    };
    return cb(ctx, &rec);
}

static void free_scratch(scratch *x)
{
    free(x->params);
    free(x->values);
    free(x->inter);
    free(x->attrs[0]);
    free(x->attrs[1]);
    free(x->text);
}

/* One query per table over the changed trials, all in the same trial order, merged here:
 * five queries however many trials changed. since < 0: `study` is a trial's id, and that
 * trial alone is read (best_trial). `added`: the reader merges what was added (sync_added). */
static int sync_rows(db *d, int64_t study, int64_t since, bool added, knob__sync_cb cb, void *ctx)
{
    cursor c[4];
    scratch x = {0};
    added = added && since > 0 && !d->no_inter;
    sqlite3_stmt *t = stmt(d, since <= 0 ? (since == 0 ? Q_LOAD_TRIALS : Q_ONE_TRIAL)
                              : added    ? Q_SYNC_TRIALS_ADDED
                                         : Q_SYNC_TRIALS);
    int rc = t ? open_cursors(d, study, since, added, c) : KNOB_ESTORAGE;
    if (t && !rc) {
        sqlite3_bind_int64(t, 1, study);
        if (since >= 0)
            sqlite3_bind_int64(t, 2, since);
    }
    while (!rc) {
        int r = sqlite3_step(t);
        if (r == SQLITE_DONE)
            break;
        rc =
            r == SQLITE_ROW ? deliver(d, t, added, &x, c, cb, ctx) : fail(d, "read changed trials");
    }
    if (t) {
        sqlite3_reset(t);
        for (int i = 0; i < 4; i++)
            if (c[i].s)
                sqlite3_reset(c[i].s);
    }
    free_scratch(&x);
    return rc;
}

static int sync_some(db *d, int64_t study, int64_t since, bool added, knob__sync_cb cb, void *ctx,
                     int64_t *seq)
{
    int64_t now = 0;
    /* One read transaction: the stamp and the rows come from the same snapshot. */
    int rc = begin_read(d);
    if (rc)
        return rc;
    if ((rc = study_seq(d, study, &now)) ||
        (now > since && (rc = sync_rows(d, study, since, added, cb, ctx))))
        return rollback(d, rc);
    rollback(d, KNOB_OK); /* ends the read */
    *seq = now;
    return KNOB_OK;
}

static int sync_db(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                   int64_t *seq)
{
    return sync_some(be, study, since, false, cb, ctx, seq);
}

static int sync_added(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                      int64_t *seq)
{
    return sync_some(be, study, since, true, cb, ctx, seq);
}

/* The int64 of a one-row query of the study (bound as ?1); *row false when it gave none
 * or NULL. */
static int one_int(db *d, int which, int64_t study, const char *op, int64_t *out, bool *row)
{
    sqlite3_stmt *s = stmt(d, which);
    int rc, got = 0;
    if (!s)
        return KNOB_ESTORAGE;
    sqlite3_bind_int64(s, 1, study);
    if ((rc = step(d, s, op, &got)))
        return rc;
    *row = got && sqlite3_column_type(s, 0) != SQLITE_NULL;
    if (*row)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return KNOB_OK;
}

/* The best trial by trials_best (BEST_TRIAL), in one read transaction: only where every
 * complete trial's best is fresh. A stale one (another writer's, or a constraint that is
 * not JSON) is known only from its rows: then *found false, and the caller reads the
 * study. */
static int best_trial(void *be, int64_t study, knob_direction dir, knob__sync_cb cb, void *ctx,
                      bool *found)
{
    db *d = be;
    int64_t now = 0, stale = 1, id = -1;
    bool row = false, got = false;
    *found = false;
    if (d->older) /* no trials_best: the caller reads the study */
        return KNOB_OK;
    int rc = begin_read(d);
    if (rc)
        return rc;
    if ((rc = study_seq(d, study, &now)) ||
        (rc = one_int(d, Q_BEST_STALE, study, "look for stale best values", &stale, &row)))
        return rollback(d, rc);
    if (row && !stale &&
        (rc = one_int(d, dir == KNOB_MAXIMIZE ? Q_BEST_TRIAL_MAX : Q_BEST_TRIAL_MIN, study,
                      "find the best trial", &id, &got)))
        return rollback(d, rc);
    if (got && !(rc = sync_rows(d, id, -1, false, cb, ctx)))
        *found = true;
    rollback(d, KNOB_OK); /* ends the read */
    return rc;
}

/* ---------------------------------------------------------------- snapshots */

/* The study snapshots of the core (snapshot.c): opaque segments, kept in a table made on
 * the first write (a file of an older knob has none; an older knob leaves it alone, and
 * its writes only make a snapshot older, never wrong: a reader syncs what changed since
 * the snapshot's stamp). A study's segments go with it (ON DELETE CASCADE), and so does
 * a database file removed and made again. */
#define SNAP_TABLE                                                                                 \
    "CREATE TABLE IF NOT EXISTS knob_snapshots(study INTEGER NOT NULL REFERENCES studies(id) "     \
    "ON DELETE CASCADE, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, data BLOB NOT NULL, "  \
    "PRIMARY KEY(study, to_seq))"

/* A one-off statement (snapshots are read once per process and written rarely). */
static int snap_read(void *be, int64_t study,
                     int (*cb)(void *ctx, int64_t from, int64_t to, const void *data, size_t len),
                     void *ctx)
{
    db *d = be;
    sqlite3_stmt *s = NULL;
    int rc = begin_read_of(d, "knob_snapshots");
    if (rc)
        return rc == KNOB_EDONE ? KNOB_OK : rc;
    rc = prepare_once(d,
                      "SELECT from_seq, to_seq, data FROM knob_snapshots WHERE study = ?1 "
                      "ORDER BY to_seq",
                      &s, "read the study's snapshot");
    if (!rc)
        sqlite3_bind_int64(s, 1, study);
    while (!rc) {
        int r = sqlite3_step(s);
        if (r == SQLITE_DONE)
            break;
        if (r != SQLITE_ROW) {
            rc = fail(d, "read the study's snapshot");
            break;
        }
        const void *data = sqlite3_column_blob(s, 2);
        size_t len = (size_t)sqlite3_column_bytes(s, 2);
        rc = cb(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), data, len);
    }
    sqlite3_finalize(s);
    return rollback(d, rc); /* ends the read */
}

/* Within the write transaction, after snap_write made the table and read the chain: appends
 * (from > 0, which snap_write checked is the chain's end) or replaces every segment
 * (from == 0). */
static int snap_put(db *d, int64_t study, int64_t from, int64_t to, const void *data, size_t len,
                    bool *written)
{
    sqlite3_stmt *s = NULL;
    int rc = KNOB_OK;
    if (from == 0) {
        if ((rc = prepare_once(d, "DELETE FROM knob_snapshots WHERE study = ?1", &s,
                               "replace the study's snapshot")))
            return rc;
        sqlite3_bind_int64(s, 1, study);
        rc = sqlite3_step(s) == SQLITE_DONE ? KNOB_OK : fail(d, "replace the study's snapshot");
        sqlite3_finalize(s);
        if (rc)
            return rc;
    }
    if ((rc = prepare_once(d,
                           "INSERT INTO knob_snapshots(study, from_seq, to_seq, data) "
                           "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM studies "
                           "WHERE id = ?1 AND seq >= ?3)",
                           &s, "write the study's snapshot")))
        return rc;
    sqlite3_bind_int64(s, 1, study);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    sqlite3_bind_blob64(s, 4, data, len, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? KNOB_OK : fail(d, "write the study's snapshot");
    *written = !rc && sqlite3_changes(d->h) == 1;
    sqlite3_finalize(s);
    return rc;
}

/* A cache write waits little for the lock: when another process holds it, the snapshot
 * is left for a later reader. */
#define SNAP_BUSY_MS 100

/* Begins a write that waits at most SNAP_BUSY_MS for the lock, once (a cache's write: if
 * another connection holds the lock, the cache is written another time). */
static int begin_write_briefly(db *d)
{
    if (d->batch)
        return savepoint(d); /* the batch holds the lock */
    if (still_there(d))
        return KNOB_ESTORAGE;
    sqlite3_busy_timeout(d->h, SNAP_BUSY_MS);
    sqlite3_stmt *b = stmt(d, Q_BEGIN_WRITE);
    int rc = !b                               ? KNOB_ESTORAGE
             : sqlite3_step(b) == SQLITE_DONE ? KNOB_OK
                                              : fail(d, "begin a write");
    if (b)
        sqlite3_reset(b);
    return rc;
}

/* Within the write transaction: the study's chain as it is. */
static int snap_chain(db *d, int64_t study, knob__snap_chain *c)
{
    sqlite3_stmt *s = NULL;
    int rc = prepare_once(d,
                          "SELECT COALESCE(MAX(to_seq), 0), COUNT(*), COALESCE(SUM(CASE WHEN "
                          "from_seq = 0 THEN length(data) END), 0), COALESCE(SUM(CASE WHEN "
                          "from_seq > 0 THEN length(data) END), 0) FROM knob_snapshots WHERE "
                          "study = ?1",
                          &s, "read the study's snapshot");
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, study);
    if (sqlite3_step(s) == SQLITE_ROW) {
        c->end = sqlite3_column_int64(s, 0);
        c->segs = (size_t)sqlite3_column_int64(s, 1);
        c->base_len = (uint64_t)sqlite3_column_int64(s, 2);
        c->tail_len = (uint64_t)sqlite3_column_int64(s, 3);
    } else {
        rc = fail(d, "read the study's snapshot");
    }
    sqlite3_finalize(s);
    return rc;
}

/* The chain read and written under the write lock, so make's view of it holds until the
 * commit; make encodes under it (one machine's processes: a cache's write is brief). */
static int snap_write(void *be, int64_t study, knob__snap_make make, void *ctx, bool *written)
{
    db *d = be;
    *written = false;
    knob__snap_chain c = {0};
    knob__snap_seg seg = {0};
    int rc = begin_write_briefly(d);
    if (!rc && sqlite3_exec(d->h, SNAP_TABLE, NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(d, "make the snapshot table");
    if (!rc)
        rc = snap_chain(d, study, &c);
    if (!rc)
        rc = make(ctx, &c, &seg);
    if (!rc && seg.data && (seg.from == 0 || seg.from == c.end) &&
        (rc = snap_put(d, study, seg.from, seg.to, seg.data, seg.len, written)))
        *written = false;
    rc = rc ? rollback(d, rc) : commit(d);
    if (rc)
        *written = false;
    sqlite3_busy_timeout(d->h, d->busy_ms);
    return rc;
}

/* ---------------------------------------------------------------- sampler states */

/* The sampler states of the core (sampler_state.c): one opaque record per study and key,
 * in a table made on the first write, going with its study as the snapshots do. */
#define STATE_TABLE                                                                                \
    "CREATE TABLE IF NOT EXISTS knob_sampler_states(study INTEGER NOT NULL REFERENCES "            \
    "studies(id) ON DELETE CASCADE, key TEXT NOT NULL, stamp INTEGER NOT NULL, data BLOB NOT "     \
    "NULL, PRIMARY KEY(study, key))"

static int state_read(void *be, int64_t study, const char *key,
                      int (*cb)(void *ctx, int64_t stamp, const void *data, size_t len), void *ctx)
{
    db *d = be;
    sqlite3_stmt *s = NULL;
    int rc = begin_read_of(d, "knob_sampler_states");
    if (rc)
        return rc == KNOB_EDONE ? KNOB_OK : rc;
    rc =
        prepare_once(d, "SELECT stamp, data FROM knob_sampler_states WHERE study = ?1 AND key = ?2",
                     &s, "read the sampler's state");
    if (!rc) {
        sqlite3_bind_int64(s, 1, study);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW)
            rc = cb(ctx, sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
                    (size_t)sqlite3_column_bytes(s, 1));
        else if (r != SQLITE_DONE)
            rc = fail(d, "read the sampler's state");
    }
    sqlite3_finalize(s);
    return rollback(d, rc); /* ends the read */
}

static int state_write(void *be, int64_t study, const char *key, int64_t stamp, const void *data,
                       size_t len, bool *written)
{
    db *d = be;
    sqlite3_stmt *s = NULL;
    *written = false;
    int rc = begin_write_briefly(d);
    if (!rc && sqlite3_exec(d->h, STATE_TABLE, NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(d, "make the sampler state table");
    if (!rc)
        rc = prepare_once(d,
                          "INSERT OR REPLACE INTO knob_sampler_states(study, key, stamp, data) "
                          "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM studies "
                          "WHERE id = ?1 AND seq >= ?3)",
                          &s, "write the sampler's state");
    if (!rc) {
        sqlite3_bind_int64(s, 1, study);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, stamp);
        sqlite3_bind_blob64(s, 4, data, len, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? KNOB_OK : fail(d, "write the sampler's state");
        *written = !rc && sqlite3_changes(d->h) == 1;
    }
    sqlite3_finalize(s);
    rc = rc ? rollback(d, rc) : commit(d);
    if (rc)
        *written = false;
    sqlite3_busy_timeout(d->h, d->busy_ms);
    return rc;
}

const knob__backend knob__backend_sqlite = {
    .version = KNOB__BACKEND_VERSION,
    .scheme = "sqlite",
    .open = open_db,
    .close = close_db,
    .identity = identity_db,
    .create_study = create_study,
    .find_study = find_study,
    .list_studies = list_studies,
    .delete_study = delete_study,
    .set_study_attr = set_study_attr,
    .get_study_attrs = get_study_attrs,
    .create_trial = create_trial,
    .pop_waiting = pop_waiting,
    .trial_id = trial_id,
    .set_param = set_param,
    .report = report,
    .set_trial_attr = set_trial_attr,
    .finish = finish,
    .set_times = set_times,
    .claim = claim,
    .sync = sync_db,
    .sync_added = sync_added,
    .set_params = set_params,
    .create_claimed = create_claimed,
    .create_waiting = create_waiting,
    .snap_read = snap_read,
    .snap_write = snap_write,
    .state_read = state_read,
    .state_write = state_write,
    .batch_begin = batch_begin,
    .batch_end = batch_end,
    .best_trial = best_trial,
    .requeue = requeue,
    .pop_attrs = pop_attrs,
    .fail_retry = fail_retry,
    .create_added = create_added,
};
