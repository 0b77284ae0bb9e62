/* The PostgreSQL storage ("postgresql://user:pass@host:port/db", or any libpq connection
 * string; the usual PG* environment variables and service files apply). Creating a trial
 * takes the lowest of the study's free numbers that no other creation holds, in the statement
 * that inserts it, so creators do not wait for each other, numbers are dense and a cap exact;
 * one creation in FREE_BLOCK allots the next numbers under the study's row lock, and no other
 * write touches or locks the study's row (no foreign key points at it from the trials). A
 * trial's change stamp is the id of the transaction that last wrote it, and a sync reads up
 * to the oldest knob write still running on these tables (Q_WATERMARK; other transactions on
 * the server do not count), so writers need not commit in stamp order and do not wait for
 * each other. Every query is prepared, by its first use. A lost connection is re-established
 * with backoff and the operation retried, so a finished trial is written when the server
 * comes back; a creation or a take of a waiting trial writes a random token with it, so that
 * its retry takes the trial its first attempt committed (create_once) rather than make or
 * take another, under a lock of the token that the first attempt's statement holds too
 * (TOKEN_LOCK), and a first attempt read only after its retry committed fails at the tokens'
 * unique indexes (knob_trials_owner); no state outlives a transaction but prepared
 * statements and the settings of start_session. Credentials never appear in a message. */
#include "internal.h"
#include "storage/backend.h"
#include "storage/postgres.h"
#include "util/json.h"
#include "util/lazy.h"
#include "util/url.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 5: a trial's params and values are arrays in its row (4: a trial and a free number no
 * longer reference their study's row; 3: trial numbers are taken from the study's free
 * numbers; 2: each creation counted the study's row up; 1: a trial's stamp was the study's
 * counter, now the id of its writer) */
#define SCHEMA_VERSION 5
#define KNOB_PG_LOCK 0x6b6e6f62 /* advisory lock key while creating the schema */
#define PG_CONNECT_TIMEOUT "5"  /* seconds, unless the URL says (with_connect_timeout) */

/* KNOB_PG_RETRY_SECONDS at most (23 days), as a SQLite URL's ?timeout= */
#define MAX_RETRY_SECONDS 2000000.0

/* The transaction-level advisory lock of a creation's or a take's token `tok` (an SQL
 * bigint), by `f` (pg_advisory_xact_lock or pg_try_advisory_xact_lock): the two-key form,
 * keyed by this schema's knob_trials and 31 bits of the token, a lock space of its own (the
 * snapshots' is keyed by knob_snapshots; the schema's and an application's bigint locks do
 * not meet it). Every statement that writes a token holds it until its transaction ends
 * (TOKEN_HELD), and a retry takes it before it looks for its token (create_once). */
#define TOKEN_LOCK(f, tok)                                                                         \
    f "('knob_trials'::regclass::oid::int, ((" tok " # (" tok " >> 32)) & 2147483647)::int)"
/* A condition of a token's write: true when its lock is taken, else the statement fails
 * with SQLSTATE 22012 (a division by zero, which no statement that writes a token has
 * otherwise; run_creation): a retry holds the lock, and this attempt is the one it waited
 * for or looked past, so it writes nothing. Volatile, so never folded at planning. An attempt
 * that comes after its retry committed takes the lock, and fails at the tokens' unique
 * indexes (knob_trials_owner). */
#define TOKEN_HELD(tok) "1 / (" TOKEN_LOCK("pg_try_advisory_xact_lock", tok) ")::int = 1"

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS knob_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS knob_studies(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL "
    "UNIQUE, directions TEXT NOT NULL, seq BIGINT NOT NULL DEFAULT 0, n_trials BIGINT NOT NULL "
    "DEFAULT 0, created DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS knob_study_attrs(study BIGINT NOT NULL REFERENCES "
    "knob_studies(id) ON DELETE CASCADE, system BOOLEAN NOT NULL, key TEXT NOT NULL, json TEXT "
    "NOT NULL, ord BIGSERIAL, PRIMARY KEY(study, system, key))",
    /* A trial's study is no foreign key (schema 4): its check locked the study's row FOR KEY
     * SHARE at every creation, so with many workers every creation of every worker locked
     * the same row (a multixact of all of them, rewritten at each lock, under an exclusive
     * lock of its page). A trial is made only from a free number of its study, which exists
     * only while the study does; delete_study removes the trials. */
    /* A trial's params (names, distributions as JSON, internal values, in the order they were
     * set) and its values are arrays in its row (schema 5): a finish is one row's update. As
     * rows of two tables of their own (schema 4), a random search's trial wrote four more
     * tuples and index entries, and checked three foreign keys, each locking the trial's row
     * again, all on the pages every worker appends to: with 32 workers on 2 cores the
     * server's processes spent about as many samples waiting for those pages' locks as
     * running. */
    "CREATE TABLE IF NOT EXISTS knob_trials(id BIGSERIAL PRIMARY KEY, study BIGINT NOT NULL, "
    "number BIGINT NOT NULL, state INTEGER NOT NULL, start_time DOUBLE PRECISION, end_time "
    "DOUBLE PRECISION, seq BIGINT NOT NULL, param_names TEXT[] NOT NULL DEFAULT '{}', "
    "param_dists TEXT[] NOT NULL DEFAULT '{}', param_internals FLOAT8[] NOT NULL DEFAULT '{}', "
    "vals FLOAT8[] NOT NULL DEFAULT '{}', token BIGINT, taken_by BIGINT, UNIQUE(study, number))",
    "CREATE INDEX IF NOT EXISTS knob_trials_by_seq ON knob_trials(study, seq)",
    /* Running and waiting trials, each in an index of its own (schema 5; before, every trial
     * by state): a finish adds no entry, and an ask that looks for a waiting trial reads a
     * page no creation writes (in one index, the waiting trials' place was the end of the
     * running ones, where every creation added its entry). */
    "CREATE INDEX IF NOT EXISTS knob_trials_running ON knob_trials(study, number) WHERE state = 0",
    "CREATE INDEX IF NOT EXISTS knob_trials_waiting ON knob_trials(study, number) WHERE state = 4",
    /* Complete trials (schema 5, added without a new version: an older knob leaves it be),
     * so the studies listing counts them by an index-only scan: counting them among all the
     * study's trials read every row of the table. */
    "CREATE INDEX IF NOT EXISTS knob_trials_complete ON knob_trials(study) WHERE state = 1",
    "CREATE TABLE IF NOT EXISTS knob_intermediate(trial BIGINT NOT NULL REFERENCES "
    "knob_trials(id) ON DELETE CASCADE, step BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, "
    "PRIMARY KEY(trial, step))",
    "CREATE TABLE IF NOT EXISTS knob_trial_attrs(trial BIGINT NOT NULL REFERENCES "
    "knob_trials(id) ON DELETE CASCADE, system BOOLEAN NOT NULL, key TEXT NOT NULL, json TEXT "
    "NOT NULL, ord BIGSERIAL, PRIMARY KEY(trial, system, key))",
    "CREATE TABLE IF NOT EXISTS knob_claims(study BIGINT NOT NULL REFERENCES knob_studies(id) ON "
    "DELETE CASCADE, key TEXT NOT NULL, trial BIGINT, PRIMARY KEY(study, key))",
    /* The core's records (snapshot.c, sampler_state.c, view.c's best record): opaque bytes
     * with the stamps they are as of, the sync's watermarks. Added to schema 2 without a new
     * version: a knob of schema 2 without them leaves them alone, and its writes only make a
     * record older, never wrong (a reader syncs what changed since the record's stamp). */
    "CREATE TABLE IF NOT EXISTS knob_snapshots(study BIGINT NOT NULL REFERENCES knob_studies(id) "
    "ON DELETE CASCADE, from_seq BIGINT NOT NULL, to_seq BIGINT NOT NULL, data BYTEA NOT NULL, "
    "PRIMARY KEY(study, to_seq))",
    "CREATE TABLE IF NOT EXISTS knob_sampler_states(study BIGINT NOT NULL REFERENCES "
    "knob_studies(id) ON DELETE CASCADE, key TEXT NOT NULL, stamp BIGINT NOT NULL, data BYTEA NOT "
    "NULL, PRIMARY KEY(study, key))",
    /* Numbers allotted to the study (knob_studies.n_trials counts them) and not yet taken by
     * a trial. A creation takes the lowest it can lock (SKIP LOCKED) and deletes it in the
     * statement that inserts the trial, so creators wait for no other creator; only when none
     * is left does one allot the next FREE_BLOCK numbers under the study's row lock. Added by
     * schema 3: a schema 2 study has none, and its first creation allots from its count. */
    "CREATE TABLE IF NOT EXISTS knob_free_numbers(study BIGINT NOT NULL, number BIGINT NOT NULL, "
    "PRIMARY KEY(study, number))",
    /* Upgrading schema 3: the two foreign keys to the study's row go (see knob_trials). The
     * ALTER (an ACCESS EXCLUSIVE lock of both tables) only runs where there is a key to drop. */
    "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'knob_trials'::regclass "
    "AND conname = 'knob_trials_study_fkey') THEN ALTER TABLE knob_trials DROP CONSTRAINT "
    "knob_trials_study_fkey; END IF; IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
    "'knob_free_numbers'::regclass AND conname = 'knob_free_numbers_study_fkey') THEN ALTER "
    "TABLE knob_free_numbers DROP CONSTRAINT knob_free_numbers_study_fkey; END IF; END$$",
    /* A record's bytes are kept as they come, not compressed: with many workers the server
     * spent 2-3% of its time in pglz compressing snapshots (mostly doubles, which it barely
     * shrinks). Only new rows change; a knob before this leaves the setting alone. */
    "ALTER TABLE knob_snapshots ALTER COLUMN data SET STORAGE EXTERNAL",
    "ALTER TABLE knob_sampler_states ALTER COLUMN data SET STORAGE EXTERNAL",
    /* Upgrading schema 4: the params and values move into their trials' rows (order kept:
     * params by position, then name; values by index) and their tables go. Only where
     * knob_params is (a database of schema 4 or older), read from the catalogs by query. */
    "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'knob_params' AND "
    "relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())) "
    "THEN ALTER TABLE knob_trials ADD COLUMN IF NOT EXISTS param_names TEXT[] NOT NULL DEFAULT "
    "'{}', ADD COLUMN IF NOT EXISTS param_dists TEXT[] NOT NULL DEFAULT '{}', ADD COLUMN IF NOT "
    "EXISTS param_internals FLOAT8[] NOT NULL DEFAULT '{}', ADD COLUMN IF NOT EXISTS vals "
    "FLOAT8[] NOT NULL DEFAULT '{}'; UPDATE knob_trials t SET param_names = COALESCE(p.n, "
    "'{}'), param_dists = COALESCE(p.d, '{}'), param_internals = COALESCE(p.i, '{}'), vals = "
    "COALESCE(v.a, '{}') FROM knob_trials u LEFT JOIN (SELECT trial, array_agg(name ORDER BY "
    "position, name) AS n, array_agg(dist ORDER BY position, name) AS d, array_agg(internal "
    "ORDER BY position, name) AS i FROM knob_params GROUP BY trial) p ON p.trial = u.id LEFT "
    "JOIN (SELECT trial, array_agg(value ORDER BY idx) AS a FROM knob_values GROUP BY trial) v "
    "ON v.trial = u.id WHERE u.id = t.id AND (p.trial IS NOT NULL OR v.trial IS NOT NULL); DROP "
    "TABLE knob_params; DROP TABLE knob_values; DROP INDEX IF EXISTS knob_trials_by_state; END "
    "IF; END$$",
    "INSERT INTO knob_meta(key, value) VALUES('schema_version', '5') ON CONFLICT DO NOTHING",
    /* Complete trials by their first value (added without a new version, as
     * knob_trials_complete; after the upgrade of schema 4, which makes vals), so the studies
     * listing's best value is the study's first entry of a feasible trial, an index scan that
     * stops there (BEST_FIRST): its MIN or MAX read every complete trial. Without a value
     * the trials are not in it: then the count of the complete trials cannot take it for
     * knob_trials_complete (as small where trials have no values, so the planner took either,
     * by a bitmap scan of the table's rows) */
    "CREATE INDEX IF NOT EXISTS knob_trials_best ON knob_trials(study, (vals[1])) WHERE state = "
    "1 AND vals[1] IS NOT NULL",
    /* Upgrading schema 1 (a trial's stamp was its study's counter): every trial is stamped
     * with this transaction's id, below what any sync after it reads up to. A counter may
     * be above the server's transaction ids (a database restored into a new cluster,
     * whose ids start low), and such a trial came again at every sync until the ids passed
     * it. A knob of schema 1 (read up to the counter) would miss every trial stamped by
     * this one: it refuses a schema 2 database. */
    "UPDATE knob_trials SET seq = txid_current() WHERE EXISTS (SELECT 1 FROM knob_meta WHERE "
    "key = 'schema_version' AND value = '1')",
    /* The first schema-1 databases (the knobs of 2026-11-22 before n_trials came into
     * schema 1) have no count of numbers: every number up to the largest taken counts. */
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
    "current_schema() AND table_name = 'knob_studies' AND column_name = 'n_trials') THEN ALTER "
    "TABLE knob_studies ADD COLUMN n_trials BIGINT NOT NULL DEFAULT 0; UPDATE knob_studies s SET "
    "n_trials = COALESCE((SELECT MAX(number) + 1 FROM knob_trials t WHERE t.study = s.id), 0); "
    "END IF; END $$",
    "UPDATE knob_meta SET value = '2' WHERE key = 'schema_version' AND value = '1'",
    /* Upgrading schema 2: its studies' counts are their trials, every number below taken,
     * so they have no free numbers. A knob of schema 2 (numbers from the count alone) would
     * take numbers allotted here: it refuses a schema 3 database. */
    "UPDATE knob_meta SET value = '3' WHERE key = 'schema_version' AND value = '2'",
    /* Upgrading schema 3: a knob of schema 3 deletes a study by its row alone, relying on the
     * foreign keys to delete its trials: it refuses a schema 4 database. */
    "UPDATE knob_meta SET value = '4' WHERE key = 'schema_version' AND value = '3'",
    /* Upgrading schema 4: a knob of schema 4 reads and writes the two tables gone: it refuses
     * a schema 5 database. */
    "UPDATE knob_meta SET value = '5' WHERE key = 'schema_version' AND value = '4'",
};

/* Run after schema[], each statement in a transaction of its own: the trials' tokens. A
 * trial's creation token, and the token of the ask that took it from the waiting trials: a
 * number the writer draws at random and sends with the insert or the update, so that one
 * retried after a lost connection finds the trial that its first attempt committed (the
 * reply lost on the way) instead of making or taking a second one (the first stayed RUNNING
 * for ever, owned by no one; an enqueue made two). Each unique, so that a retry whose write
 * of the token meets an earlier attempt's still running waits for it there. Added without a
 * new version: an older knob leaves the columns NULL, which the indexes leave out; a
 * database of schema 5 gets them at its first open by this knob. The ALTER (only where a
 * column is not there) takes an ACCESS EXCLUSIVE lock of knob_trials, which every reader
 * and writer waits for: it commits at once (adding a column without a default writes no
 * row), and each index is built in a transaction of its own, under the SHARE lock of the
 * build alone (readers go on; writers wait for one scan of the table). Not CONCURRENTLY:
 * such a build waits for every transaction with a snapshot older than it, among them the
 * opens of other knob workers queued on the schema's lock that this open holds (a deadlock
 * that the server ends by failing one of the two), and one that fails leaves an invalid
 * index behind, which IF NOT EXISTS takes for the index: so each is dropped first when it
 * is there but not valid (DROP_INVALID; one a DBA's failed CONCURRENTLY build left), and
 * built again. */
#define OWNER "(COALESCE(taken_by, token))"
#define DROP_INVALID(index)                                                                        \
    "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON "     \
    "c.oid = i.indexrelid WHERE c.relname = '" index "' AND c.relnamespace = (SELECT oid FROM "    \
    "pg_catalog.pg_namespace WHERE nspname = current_schema()) AND NOT i.indisvalid) THEN DROP "   \
    "INDEX " index "; END IF; END$$"
static const char *const schema_apart[] = {
    "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
    "'knob_trials'::regclass AND attname = 'taken_by' AND NOT attisdropped) THEN ALTER TABLE "
    "knob_trials ADD COLUMN IF NOT EXISTS token BIGINT, ADD COLUMN taken_by BIGINT; END IF; "
    "END$$",
    DROP_INVALID("knob_trials_token"),
    "CREATE UNIQUE INDEX IF NOT EXISTS knob_trials_token ON knob_trials(token) WHERE token IS NOT "
    "NULL",
    DROP_INVALID("knob_trials_taken_by"),
    "CREATE UNIQUE INDEX IF NOT EXISTS knob_trials_taken_by ON knob_trials(taken_by) WHERE "
    "taken_by IS NOT NULL",
    /* The token of the write that made the trial RUNNING, or of its enqueue while it waits (OWNER),
     * unique: the one index that both kinds of token meet in (one entry a row: a take's token
     * replaces the enqueue's there, which knob_trials_token keeps). A first attempt that the server
     * reads only after its retry committed (a delayed packet; the retry's lock ended with its
     * transaction) wrote its token in the other column than the retry (it took the waiting trial
     * where the retry made one, or made one where the retry took it): two trials for one ask, each
     * of the other two indexes unique. A NOT EXISTS of the other column in the write would miss a
     * retry that committed after the write's snapshot and before its TOKEN_HELD (READ COMMITTED:
     * the statement's snapshot is taken at its start); a unique index is checked against every
     * committed row, and waits for one whose inserter is still running. A database whose trials
     * already hold such a pair (a token made and the same token taken: the first attempt's orphan
     * and its retry's trial) has the made trial's token cleared first, else the build fails at
     * every open: a token is looked for only while its write is retried. */
    DROP_INVALID("knob_trials_owner"),
    "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relname = "
    "'knob_trials_owner' AND relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE "
    "nspname = current_schema())) THEN UPDATE knob_trials t SET token = NULL WHERE t.taken_by "
    "IS NULL AND t.token IS NOT NULL AND EXISTS (SELECT 1 FROM knob_trials o WHERE o.taken_by "
    "= t.token); END IF; END$$",
    "CREATE UNIQUE INDEX IF NOT EXISTS knob_trials_owner ON knob_trials(" OWNER ") WHERE " OWNER
    " IS NOT NULL",
    /* A sync reads of a running trial only the intermediate values written since the reader's
     * last sync (sync_added), not every value it has (at 10,000 values, one a record, `knob
     * run` with a pruner spent 117 s re-reading them: bench/README.md, records). Each row holds
     * the id of the transaction that wrote it (seq, by its default: an older knob's rows are
     * stamped too; NULL for a row written before the column), the stamp its write gave the
     * trial. A trial's rows are only added to, but when a knob of these columns takes the
     * trial from the queue or puts it back (requeue replaces its rows): inter_reset is that
     * write's id, and a reader behind it reads the trial's rows whole. inter_start is the
     * start time those writes (and the trial's creation) set: a trial whose start time
     * differs was taken or put back by an older knob since, and is read whole, as before
     * (INTER_ADDED). Added without a new version, as the tokens: an older knob leaves them
     * be. The ALTERs (only where a column is not there) write no row, knob_trials first (a
     * report locks its trial's row, then inserts). */
    "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
    "'knob_intermediate'::regclass AND attname = 'seq' AND atthasdef AND NOT attisdropped) OR "
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'knob_trials'::regclass "
    "AND attname = 'inter_reset' AND NOT attisdropped) THEN ALTER TABLE knob_trials ADD COLUMN "
    "IF NOT EXISTS inter_start DOUBLE PRECISION, ADD COLUMN IF NOT EXISTS inter_reset BIGINT; "
    "ALTER TABLE knob_intermediate ADD COLUMN IF NOT EXISTS seq BIGINT; ALTER TABLE "
    "knob_intermediate ALTER COLUMN seq SET DEFAULT txid_current(); END IF; END$$",
    DROP_INVALID("knob_intermediate_by_seq"),
    "CREATE INDEX IF NOT EXISTS knob_intermediate_by_seq ON knob_intermediate(trial, seq)",
};

/* Every write is one statement, so no client round trip ever happens under a lock. The
 * create takes the study's row lock and releases it at its end; under READ COMMITTED a
 * statement that waited for the lock re-reads the locked row, so numbers taken from it are
 * always the latest. Other writes lock only their trial's row. */
enum {
    Q_FIND_STUDY,
    Q_INSERT_STUDY,
    Q_LIST_STUDIES,
    Q_COUNT_TRIALS,
    Q_BEST_MIN,
    Q_BEST_MAX,
    Q_BEST_FIRST_MIN,
    Q_BEST_FIRST_MAX,
    Q_DELETE_STUDY,
    Q_SET_STUDY_ATTR,
    Q_GET_STUDY_ATTRS,
    Q_STUDY_EXISTS,
    Q_CREATE_TRIAL,
    Q_POP,
    Q_TRIAL_ID,
    Q_SET_PARAMS,
    Q_SET_PARAMS_MERGE,
    Q_REPORT,
    Q_SET_TRIAL_ATTR,
    Q_FINISH,
    Q_FINISH_PARAMS,
    Q_FINISH_PARAMS_MERGE,
    Q_TRIAL_STATE,
    Q_TRIAL_END,
    Q_CLAIM,
    Q_WATERMARK,
    Q_STAMPED_BY,
    Q_CHANGED,
    Q_CREATE_CLAIMED,
    Q_SYNC_PLAN,
    Q_SYNC_ROWS,
    Q_FREE_WAIT,
    Q_SNAP_READ,
    Q_SNAP_LOCK,
    Q_SNAP_CHAIN,
    Q_SNAP_CLEAR,
    Q_SNAP_PUT,
    Q_STATE_READ,
    Q_STATE_PUT,
    Q_POP_OR_CREATE,
    Q_DELETE_FREE,
    Q_DELETE_TRIALS,
    Q_SET_TIMES,
    Q_BEST_ROWS_MIN,
    Q_BEST_ROWS_MAX,
    Q_TRIAL_BY_TOKEN,
    Q_TOKEN_WAIT,
    Q_GIVE_BACK,
    Q_CLAIM_OF,
    Q_REQUEUE,
    Q_REQUEUE_ROWS,
    Q_SYNC_ROWS_ADDED,
    Q_STAMPED_BY_ROWS,
    Q_COUNT
};

/* A trial's stamp: the id of the transaction that last wrote it. */
#define STAMP "txid_current()"

/* A trial x that a finish may end: RUNNING, or failed for its silent heartbeat (backend.h,
 * finish: its worker's own end, late, is taken). */
#define LOST_ATTR(T)                                                                               \
    "EXISTS (SELECT 1 FROM knob_trial_attrs c WHERE c.trial = " T " AND c.system AND c.key = "     \
    "'fail_cause' AND c.json = '" KNOB__LOST_JSON "')"
/* A trial x that takes a param, an intermediate value or a write of its own handle: RUNNING,
 * WAITING, or failed for its silent heartbeat (its worker writes on, as report's). */
#define UNFINISHED(X)                                                                              \
    "(" X ".state IN (0, 4) OR (" X ".state = 3 AND " LOST_ATTR(X ".id") "))"
/* The late end of a lost trial is COMPLETE or PRUNED ($3): a FAIL is another failer's. */
#define FINISHABLE "(x.state = 0 OR (x.state = 3 AND $3::int <> 3 AND " LOST_ATTR("x.id") "))"
/* The CTE after a finish's `t` (the finished trial's id; $3 its state) that keeps the
 * presumption of a trial failed for its silence, renamed (backend.h, finish), on an end
 * that is not FAIL (a RUNNING trial may have the cause too: knob__store_fail writes it
 * before it fails the trial). */
#define LOST_KEPT                                                                                  \
    "k AS (UPDATE knob_trial_attrs a SET key = 'lost' || substr(a.key, 5) FROM t WHERE a.trial = " \
    "t.id AND a.system AND a.key IN ('fail_cause', 'fail_reason') AND $3::int <> 3 AND "          \
    LOST_ATTR("t.id") ")"

/* Numbers a creation allots at once when the study has no free number left (one UPDATE of the
 * study's row per FREE_BLOCK creations; the numbers past a cap stay free for a later cap). */
#define FREE_BLOCK "64"

/* A creation's number, as the CTEs f, d, r, g and s for $1 the study, CAP the cap (0: none)
 * and GATE a further condition (" AND ..." or ""): f locks the lowest free number below the
 * cap that no other creator holds (SKIP LOCKED: a creator waits for none), d deletes it, s is
 * it. When there is none, r allots the next FREE_BLOCK numbers under the study's row lock
 * (n_trials: the numbers allotted) and g frees them all, and the caller tries again: the
 * allotting creation takes no number of its own, since its snapshot may miss free numbers
 * below the new ones (freed by an allotment that committed after it began), and a number
 * taken above a free one would leave a hole when the creations stop. No number and no
 * allotment: the study is gone, or at its cap, or every free number below the cap is held
 * by a creation still running (the caller waits for those, free_wait, and tries again). A
 * creation that rolls back frees its number again and the next creation takes it (the
 * lowest first), so a hole is only ever a trial being created, or one whose creation
 * rolled back with no creation after it. */
#define TAKE_NUMBER(CAP, GATE)                                                                     \
    "f AS MATERIALIZED (SELECT number FROM knob_free_numbers WHERE study = $1::bigint AND (" CAP   \
    " <= 0 OR number < " CAP ")" GATE " ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED), "         \
    "d AS (DELETE FROM knob_free_numbers x USING f WHERE x.study = $1::bigint AND x.number = "     \
    "f.number RETURNING x.number), r AS (UPDATE knob_studies SET n_trials = n_trials "             \
    "+ " FREE_BLOCK " WHERE id = $1::bigint AND (" CAP " <= 0 OR n_trials < " CAP                  \
    ") AND NOT EXISTS "                                                                            \
    "(SELECT 1 FROM f)" GATE " RETURNING n_trials - " FREE_BLOCK " AS first), g AS (INSERT INTO "  \
    "knob_free_numbers(study, number) SELECT $1::bigint, generate_series(r.first, r.first "        \
    "+ " FREE_BLOCK " - 1) FROM r), s AS (SELECT number FROM d)"

/* A creation's result after TAKE_NUMBER and t, the trial inserted: one row, the trial's id and
 * number (NULLs: none), and whether numbers were allotted (then try again). */
#define TAKEN "SELECT (SELECT id FROM t), (SELECT number FROM t), EXISTS (SELECT 1 FROM r)"

/* Every transaction id this cluster has given out is below it (the current snapshot's
 * xmax). A record's stamp is a watermark a sync returned, so always below it; a record at
 * or above it was made in another cluster (a database restored into a new one, whose ids
 * start low and whose new trials are stamped below the record's stamp): never served. */
#define XMAX "pg_snapshot_xmax(pg_current_snapshot())::text::bigint"

/* The SET clause that merges params (arrays $N names, $D dists, $I internals) into the row
 * x's: a param already there keeps its place and takes the new distribution and value; the
 * others follow in the order given. */
#define MERGE_PARAMS(N, D, I)                                                                      \
    "(param_names, param_dists, param_internals) = (SELECT COALESCE(array_agg(m.name ORDER BY "    \
    "m.k), '{}'), COALESCE(array_agg(m.dist ORDER BY m.k), '{}'), COALESCE(array_agg(m.internal "  \
    "ORDER BY m.k), '{}') FROM (SELECT o.name, COALESCE(n.dist, o.dist) AS dist, "                 \
    "COALESCE(n.internal, o.internal) AS internal, o.k FROM unnest(x.param_names, "                \
    "x.param_dists, x.param_internals) WITH ORDINALITY AS o(name, dist, internal, k) LEFT JOIN "   \
    "unnest(" N "::text[], " D "::text[], " I "::float8[]) AS n(name, dist, internal) ON "         \
    "n.name = o.name UNION ALL SELECT n.name, n.dist, n.internal, cardinality(x.param_names) + "   \
    "n.k FROM unnest(" N "::text[], " D "::text[], " I "::float8[]) WITH ORDINALITY AS n(name, "   \
    "dist, internal, k) WHERE n.name <> ALL (x.param_names)) m)"

/* The SET clause that appends params (arrays $N names, $D dists, $I internals) to the row x's. */
#define APPEND_PARAMS(N, D, I)                                                                     \
    "param_names = x.param_names || " N "::text[], param_dists = x.param_dists || " D "::text[], " \
    "param_internals = x.param_internals || " I "::float8[]"

/* A study's trials, and its complete ones, each counted from an index alone (UNIQUE(study,
 * number) and knob_trials_complete). */
#define COUNT_TRIALS                                                                               \
    "SELECT (SELECT COUNT(*) FROM knob_trials WHERE study = $1), (SELECT COUNT(*) FROM "           \
    "knob_trials WHERE study = $1 AND state = 1)"

const char *knob__pg_count_trials_sql(void)
{
    return COUNT_TRIALS;
}

/* The trial t has no constraint value above 0 (constraints that are not a JSON array count
 * as one that is; a value that is not a number as one above 0). Compared as numeric: a
 * value beyond a double's range (1e400, which strtod reads as inf) failed the cast to
 * float8 and the whole query with it. */
#define FEASIBLE                                                                                   \
    "NOT EXISTS (SELECT 1 FROM knob_trial_attrs a, jsonb_array_elements(CASE WHEN "                \
    "jsonb_typeof(a.json::jsonb) = 'array' THEN a.json::jsonb ELSE '[1]'::jsonb END) j WHERE "     \
    "a.trial = t.id AND a.system AND a.key = 'constraints' AND NOT (CASE WHEN jsonb_typeof(j) = "  \
    "'number' THEN (j #>> '{}')::numeric <= 0 ELSE false END))"

/* A study's best first value ($1): the first of its complete feasible trials' in the order
 * of knob_trials_best (ascending, or descending: order), as MIN and MAX find it, NaN above
 * every number. Infeasible trials before it are read one by one. */
#define BEST_FIRST(order)                                                                          \
    "SELECT t.vals[1] FROM knob_trials t WHERE t.study = $1 AND t.state = 1 AND t.vals[1] IS "     \
    "NOT NULL AND " FEASIBLE " ORDER BY t.vals[1]" order " LIMIT 1"

/* The rest of a read of trials' rows after the CTE c of those trials (Q_SYNC_ROWS). Their ids
 * close together (dense), the rows of intermediate values and attributes are read by one
 * range of each index and kept where c holds their trial, a hashed semi-join (the + 0 keeps
 * the join from descending the index once per trial); a filter `= ANY(array of c's ids)`
 * probed the array for each row: 1.3 s of a 1.8 s read of 10,000 trials, 2 minutes at
 * 100,000. */
#define ROWS_OF_C                                                                                  \
    "r AS MATERIALIZED (SELECT min(id) AS lo, max(id) AS hi, array_agg(id) AS a, max(id) - "       \
    "min(id) < 4 * count(*) + 16 AS dense FROM c HAVING count(*) > 0) "                            \
    "SELECT 0 AS k, id AS trial, 0::bigint AS o, number AS i, state::bigint AS j, seq AS l, "      \
    "start_time AS x, end_time AS y, NULL::text AS s, NULL::text AS u FROM c "                     \
    "UNION ALL SELECT 1, c.id, p.k - 1, 0, 0, 0, p.internal, NULL, p.name, p.dist FROM c, "        \
    "unnest(c.param_names, c.param_dists, c.param_internals) WITH ORDINALITY AS p(name, dist, "    \
    "internal, k) "                                                                                \
    "UNION ALL SELECT 2, c.id, v.k - 1, 0, 0, 0, v.value, NULL, NULL, NULL FROM c, "               \
    "unnest(c.vals) WITH ORDINALITY AS v(value, k) "                                               \
    "UNION ALL SELECT 3, m.trial, m.step, 0, 0, 0, m.value, NULL, NULL, NULL FROM r, "             \
    "knob_intermediate m WHERE r.dense AND m.trial BETWEEN r.lo AND r.hi AND EXISTS (SELECT 1 "    \
    "FROM c WHERE c.id = m.trial + 0) "                                                            \
    "UNION ALL SELECT 3, m.trial, m.step, 0, 0, 0, m.value, NULL, NULL, NULL FROM r, "             \
    "knob_intermediate m WHERE NOT r.dense AND m.trial = ANY(r.a) "                                \
    "UNION ALL SELECT 4, t.trial, t.ord, t.system::int, 0, 0, NULL, NULL, t.key, t.json "          \
    "FROM r, knob_trial_attrs t WHERE r.dense AND t.trial BETWEEN r.lo AND r.hi AND EXISTS "       \
    "(SELECT 1 FROM c WHERE c.id = t.trial + 0) "                                                  \
    "UNION ALL SELECT 4, t.trial, t.ord, t.system::int, 0, 0, NULL, NULL, t.key, t.json "          \
    "FROM r, knob_trial_attrs t WHERE NOT r.dense AND t.trial = ANY(r.a) "                         \
    "ORDER BY 2, 1, 3"

/* Whether a changed trial's rows since $2 are only added to (see the intermediate values'
 * stamps in schema_apart): started, at the start time this knob's last take or creation gave
 * it, and not taken or put back by this knob since $2. A waiting trial (an older knob that
 * took it and put it back left its start_time NULL again, as inter_start is, and no reset)
 * is read whole: it has few rows. */
#define INTER_ADDED                                                                                \
    "(start_time IS NOT NULL AND inter_start IS NOT DISTINCT FROM start_time AND (inter_reset IS " \
    "NULL OR inter_reset <= $2))"

/* ROWS_OF_C for a reader that merges what was added (Q_SYNC_ROWS_ADDED), after the CTE c of
 * the changed trials with `added` (INTER_ADDED): the trial's row says it in its third column
 * (1: only the intermediate values written since $2 follow); the others' values are read
 * whole, as ROWS_OF_C reads them (w). The added ones by knob_intermediate_by_seq, a descent
 * per trial (g: a running trial or a few). A row without a stamp (written before the column)
 * is never read again: $2 is a stamp of this handle's syncs (sync_added_pg), and its first
 * sync, after the open that made the column, read every trial whole. */
#define ROWS_ADDED_OF_C                                                                            \
    "r AS MATERIALIZED (SELECT min(id) AS lo, max(id) AS hi, array_agg(id) AS a, max(id) - "       \
    "min(id) < 4 * count(*) + 16 AS dense FROM c HAVING count(*) > 0), "                           \
    "w AS MATERIALIZED (SELECT min(id) AS lo, max(id) AS hi, array_agg(id) AS a, max(id) - "       \
    "min(id) < 4 * count(*) + 16 AS dense FROM c WHERE NOT c.added HAVING count(*) > 0), "         \
    "g AS MATERIALIZED (SELECT array_agg(id) AS a FROM c WHERE c.added HAVING count(*) > 0) "      \
    "SELECT 0 AS k, id AS trial, added::int::bigint AS o, number AS i, state::bigint AS j, seq "   \
    "AS l, start_time AS x, end_time AS y, NULL::text AS s, NULL::text AS u FROM c "               \
    "UNION ALL SELECT 1, c.id, p.k - 1, 0, 0, 0, p.internal, NULL, p.name, p.dist FROM c, "        \
    "unnest(c.param_names, c.param_dists, c.param_internals) WITH ORDINALITY AS p(name, dist, "    \
    "internal, k) "                                                                                \
    "UNION ALL SELECT 2, c.id, v.k - 1, 0, 0, 0, v.value, NULL, NULL, NULL FROM c, "               \
    "unnest(c.vals) WITH ORDINALITY AS v(value, k) "                                               \
    "UNION ALL SELECT 3, m.trial, m.step, 0, 0, 0, m.value, NULL, NULL, NULL FROM w, "             \
    "knob_intermediate m WHERE w.dense AND m.trial BETWEEN w.lo AND w.hi AND EXISTS (SELECT 1 "    \
    "FROM c WHERE c.id = m.trial + 0 AND NOT c.added) "                                            \
    "UNION ALL SELECT 3, m.trial, m.step, 0, 0, 0, m.value, NULL, NULL, NULL FROM w, "             \
    "knob_intermediate m WHERE NOT w.dense AND m.trial = ANY(w.a) "                                \
    "UNION ALL SELECT 3, m.trial, m.step, 0, 0, 0, m.value, NULL, NULL, NULL FROM g, "             \
    "knob_intermediate m WHERE m.trial = ANY(g.a) AND m.seq > $2 "                                 \
    "UNION ALL SELECT 4, t.trial, t.ord, t.system::int, 0, 0, NULL, NULL, t.key, t.json "          \
    "FROM r, knob_trial_attrs t WHERE r.dense AND t.trial BETWEEN r.lo AND r.hi AND EXISTS "       \
    "(SELECT 1 FROM c WHERE c.id = t.trial + 0) "                                                  \
    "UNION ALL SELECT 4, t.trial, t.ord, t.system::int, 0, 0, NULL, NULL, t.key, t.json "          \
    "FROM r, knob_trial_attrs t WHERE NOT r.dense AND t.trial = ANY(r.a) "                         \
    "ORDER BY 2, 1, 3"

/* A trial feasible as knob_trial_info_feasible finds it: FEASIBLE but for a constraints
 * text that is not a JSON array, which holds no constraint there (FEASIBLE: one above 0). */
#define FEASIBLE_AS_VIEW                                                                           \
    "NOT EXISTS (SELECT 1 FROM knob_trial_attrs a, jsonb_array_elements(CASE WHEN "                \
    "jsonb_typeof(a.json::jsonb) = 'array' THEN a.json::jsonb ELSE '[]'::jsonb END) j WHERE "      \
    "a.trial = t.id AND a.system AND a.key = 'constraints' AND NOT (CASE WHEN jsonb_typeof(j) = "  \
    "'number' THEN (j #>> '{}')::numeric <= 0 ELSE false END))"

/* A study's best trial ($1) as the view finds it (src/view.c, note_best): the least (or
 * greatest: order) first value of its complete feasible trials, by knob_trials_best as
 * BEST_FIRST finds it, NaN left out (the view takes no NaN; here it is above every number),
 * and of the feasible trials holding it the lowest number (-0 equal to 0). */
#define BEST_TRIAL(order)                                                                          \
    "SELECT id, number, state, start_time, end_time, seq, param_names, param_dists, "              \
    "param_internals, vals FROM knob_trials t WHERE t.study = $1 AND t.state = 1 AND t.vals[1] "   \
    "IS NOT NULL AND t.vals[1] = (SELECT t.vals[1] FROM knob_trials t WHERE t.study = $1 AND "     \
    "t.state = 1 AND t.vals[1] IS NOT NULL AND t.vals[1] < 'NaN'::float8 AND " FEASIBLE_AS_VIEW    \
    " ORDER BY t.vals[1]" order " LIMIT 1) AND " FEASIBLE_AS_VIEW " ORDER BY t.number LIMIT 1"

const char *knob__pg_best_trial_sql(bool max)
{
    return max ? "WITH c AS MATERIALIZED (" BEST_TRIAL(" DESC") "), " ROWS_OF_C
               : "WITH c AS MATERIALIZED (" BEST_TRIAL("") "), " ROWS_OF_C;
}

const char *knob__pg_best_sql(bool max)
{
    return max ? BEST_FIRST(" DESC") : BEST_FIRST("");
}

/* The writes that set knob_trials.inter_start and inter_reset, each written once for both
 * tables: I(text) is the text on those columns, which sql[] has (WITH_INTER) and older_sql[]
 * leaves out (NO_INTER). What each statement takes and does: its entry in sql[]. */
#define WITH_INTER(text) text
#define NO_INTER(text)
/* a take's start time $START as the trial's run start; cleared (NULL) by a put-back */
#define INTER_TAKEN(START) ", inter_start = " START ", inter_reset = " STAMP
#define INTER_CLEARED ", inter_start = NULL, inter_reset = " STAMP
#define CREATE_TRIAL_SQL(I)                                                                        \
    "WITH " TAKE_NUMBER("$4::bigint", "") ", t AS (INSERT INTO knob_trials(study, number, state, " \
    "start_time, seq, token" I(", inter_start") ") SELECT $1, s.number, $2, $3, " STAMP ", $7"    \
    I(", $3") " FROM s WHERE " TOKEN_HELD("$7::bigint") " RETURNING id, number), a AS (INSERT "   \
    "INTO knob_trial_attrs(trial, system, key, json) SELECT t.id, true, u.k, u.j FROM t, "         \
    "unnest($5::text[], $6::text[]) WITH ORDINALITY AS u(k, j, o) ORDER BY u.o RETURNING 1) " TAKEN
#define POP_SQL(I)                                                                                 \
    "WITH w AS (SELECT id FROM knob_trials WHERE study = $1 AND state = 4 ORDER BY number LIMIT " \
    "1 FOR UPDATE SKIP LOCKED), u AS (UPDATE knob_trials t SET state = 0, start_time = $2, seq = " \
    STAMP ", taken_by = $3" I(INTER_TAKEN("$2")) " FROM w WHERE t.id = w.id AND "                 \
    TOKEN_HELD("$3::bigint") " RETURNING t.id, t.number), a AS (INSERT INTO "                     \
    "knob_trial_attrs(trial, system, key, json) SELECT u.id, true, v.k, v.j FROM u, "             \
    "unnest($4::text[], $5::text[]) AS v(k, j) ON CONFLICT(trial, system, key) DO UPDATE SET "    \
    "json = excluded.json RETURNING 1) SELECT u.id, u.number FROM knob_studies s LEFT JOIN u ON " \
    "true WHERE s.id = $1"
#define SET_TIMES_SQL(I)                                                                           \
    "UPDATE knob_trials SET start_time = COALESCE($3::float8, start_time), end_time = "           \
    "COALESCE($4::float8, end_time), seq = " STAMP I(", inter_start = CASE WHEN inter_start IS "  \
    "NOT DISTINCT FROM start_time THEN COALESCE($3::float8, start_time) ELSE inter_start END")   \
    " WHERE id = $2 AND study = $1 RETURNING id"
#define CREATE_CLAIMED_SQL(I)                                                                      \
    "WITH l AS MATERIALIZED (SELECT id, n_trials FROM knob_studies WHERE id = $1 FOR UPDATE), f " \
    "AS MATERIALIZED (SELECT number FROM knob_free_numbers WHERE study = $1 AND ($4::bigint <= 0 " \
    "OR number < $4::bigint) AND EXISTS (SELECT 1 FROM l) ORDER BY number LIMIT 1 FOR UPDATE), n " \
    "AS MATERIALIZED (SELECT COALESCE((SELECT number FROM f), (SELECT n_trials FROM l WHERE "     \
    "$4::bigint <= 0 OR n_trials < $4::bigint)) AS number), c AS (INSERT INTO knob_claims(study, " \
    "key, trial) SELECT $1, $7, nextval(pg_get_serial_sequence('knob_trials', 'id')) FROM n "     \
    "WHERE n.number IS NOT NULL AND " TOKEN_HELD("$8::bigint") " ON CONFLICT DO NOTHING "         \
    "RETURNING trial), d AS (DELETE FROM knob_free_numbers x USING f, c WHERE x.study = $1 AND "  \
    "x.number = f.number RETURNING 1), s AS (UPDATE knob_studies st SET n_trials = n_trials + 1 " \
    "FROM c WHERE st.id = $1 AND NOT EXISTS (SELECT 1 FROM f) RETURNING 1), t AS (INSERT INTO "   \
    "knob_trials(id, study, number, state, start_time, seq, token" I(", inter_start") ") SELECT " \
    "c.trial, $1, n.number, $2, $3, " STAMP ", $8" I(", $3") " FROM c, n RETURNING id, number), " \
    "a AS (INSERT INTO knob_trial_attrs(trial, system, key, json) SELECT t.id, true, u.k, u.j "   \
    "FROM t, unnest($5::text[], $6::text[]) WITH ORDINALITY AS u(k, j, o) ORDER BY u.o "          \
    "RETURNING 1) SELECT (SELECT id FROM t), (SELECT number FROM t), EXISTS (SELECT 1 FROM n "    \
    "WHERE number IS NOT NULL)"
#define POP_OR_CREATE_SQL(I)                                                                       \
    "WITH w AS MATERIALIZED (SELECT id FROM knob_trials WHERE study = $1::bigint AND state = 4 "  \
    "ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED), u AS (UPDATE knob_trials x SET state = 0, " \
    "start_time = $2, seq = " STAMP ", taken_by = $4" I(INTER_TAKEN("$2")) " FROM w WHERE x.id " \
    "= w.id AND " TOKEN_HELD("$4::bigint") " RETURNING x.id, x.number), "                          \
    TAKE_NUMBER("$3::bigint", " AND NOT EXISTS (SELECT 1 FROM w)") ", t AS (INSERT INTO "         \
    "knob_trials(study, number, state, start_time, seq, token" I(", inter_start") ") SELECT $1, " \
    "s.number, 0, $2, " STAMP ", $4" I(", $2") " FROM s WHERE " TOKEN_HELD("$4::bigint")          \
    " RETURNING id, number) SELECT COALESCE((SELECT id FROM u), (SELECT id FROM t)), "            \
    "COALESCE((SELECT number FROM u), (SELECT number FROM t)), EXISTS (SELECT 1 FROM r), EXISTS " \
    "(SELECT 1 FROM u)"
#define GIVE_BACK_SQL(I)                                                                           \
    "WITH u AS (UPDATE knob_trials SET state = 4, start_time = NULL, taken_by = NULL, seq = "     \
    STAMP I(INTER_CLEARED) " WHERE id = $2 AND study = $1 AND state = 0 AND taken_by = $3 "       \
    "RETURNING id), h AS (DELETE FROM knob_trial_attrs a USING u WHERE a.trial = u.id AND "       \
    "a.system AND a.key = 'heartbeat') SELECT count(*) FROM u"
#define REQUEUE_SQL(I)                                                                             \
    "WITH u AS (UPDATE knob_trials SET state = 4, start_time = NULL, end_time = NULL, taken_by = " \
    "NULL, seq = " STAMP I(INTER_CLEARED) ", param_names = $4::text[], param_dists = "           \
    "$5::text[], param_internals = $6::float8[], vals = '{}' WHERE id = $2 AND study = $1 AND "   \
    "state = 0 AND start_time = $3::float8 RETURNING id), a AS (DELETE FROM knob_trial_attrs "    \
    "WHERE trial IN (SELECT id FROM u)), i AS (DELETE FROM knob_intermediate WHERE trial IN "     \
    "(SELECT id FROM u)) SELECT id FROM u"

static const char *const sql[Q_COUNT] = {
    [Q_FIND_STUDY] = "SELECT id, directions, created FROM knob_studies WHERE name = $1",
    [Q_INSERT_STUDY] = "INSERT INTO knob_studies(name, directions, created) VALUES($1, $2, $3) "
                       "ON CONFLICT(name) DO NOTHING RETURNING id",
    [Q_LIST_STUDIES] = "SELECT id, name, directions, created FROM knob_studies ORDER BY id",
    [Q_COUNT_TRIALS] = COUNT_TRIALS,
    [Q_BEST_MIN] = "SELECT MIN(t.vals[1]) FROM knob_trials t WHERE t.study = $1 AND t.state = 1 "
                   "AND " FEASIBLE,
    [Q_BEST_MAX] = "SELECT MAX(t.vals[1]) FROM knob_trials t WHERE t.study = $1 AND t.state = 1 "
                   "AND " FEASIBLE,
    [Q_BEST_FIRST_MIN] = BEST_FIRST(""),
    [Q_BEST_FIRST_MAX] = BEST_FIRST(" DESC"),
    /* A study's deletion, in one transaction (op_delete): its row first (an allotment or a
     * claimed creation waits for it, then finds no study), then its free numbers (waiting for
     * the creations that hold one: they commit their trials or roll back), then, in a
     * snapshot taken after those, its trials (their rows in the other tables go with them). */
    [Q_DELETE_STUDY] = "DELETE FROM knob_studies WHERE id = $1",
    [Q_DELETE_FREE] = "DELETE FROM knob_free_numbers WHERE study = $1",
    [Q_DELETE_TRIALS] = "DELETE FROM knob_trials WHERE study = $1",
    [Q_SET_STUDY_ATTR] = "INSERT INTO knob_study_attrs(study, system, key, json) "
                         "SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM knob_studies WHERE "
                         "id = $1) ON CONFLICT(study, system, key) DO UPDATE SET "
                         "json = excluded.json",
    [Q_GET_STUDY_ATTRS] = "SELECT key, json FROM knob_study_attrs WHERE study = $1 AND system = "
                          "$2 ORDER BY ord",
    [Q_STUDY_EXISTS] = "SELECT 1 FROM knob_studies WHERE id = $1",
    /* $1 study, $2 state, $3 start time, $4 cap (0: none), $5 keys, $6 jsons, $7 the
     * creation's token (op_create_trial). The number is
     * a free one (TAKE_NUMBER): numbers stay dense and the cap holds across workers. One row:
     * the trial's id and number (NULL: none), whether numbers were allotted (TAKEN). */
    [Q_CREATE_TRIAL] = CREATE_TRIAL_SQL(WITH_INTER),
    /* $1 study, $2 start time. No row: no such study; a row of NULLs: nothing waits (a
     * random search's every ask: one statement, no transaction id taken). */
    /* $3 the ask's token (taken_by), $4 keys and $5 jsons of system attributes set on the
     * trial taken, in the take's statement (its first heartbeat: pop_attrs) */
    [Q_POP] = POP_SQL(WITH_INTER),
    [Q_TRIAL_ID] = "SELECT id FROM knob_trials WHERE study = $1 AND number = $2",
    /* $1 study, $2 trial, $3 names, $4 dists, $5 internals: arrays of one trial's params,
     * appended to its own when it has none of those names (the core writes each param once:
     * this is every write but one repeated after a lost connection). No row: no such trial,
     * a finished one, or a name it has (then Q_SET_PARAMS_MERGE). A finisher racing it
     * holds the row: the condition is checked again on the row it committed. */
    [Q_SET_PARAMS] = "UPDATE knob_trials x SET seq = " STAMP ", " APPEND_PARAMS(
        "$3", "$4", "$5") " WHERE x.id = $2 AND x.study = $1 AND NOT x.param_names && $3::text[] "
                          "AND " UNFINISHED("x") " RETURNING x.id",
    /* Q_SET_PARAMS for a trial that may have some of the names: merged (MERGE_PARAMS). No
     * row: no such trial, or a finished one (Q_TRIAL_STATE tells). */
    [Q_SET_PARAMS_MERGE] = "UPDATE knob_trials x SET seq = " STAMP ", " MERGE_PARAMS(
        "$3", "$4", "$5") " WHERE x.id = $2 AND x.study = $1 AND " UNFINISHED("x")
                          " RETURNING x.id",
    /* $1 study, $2 trial, $3 step, $4 value */
    /* No row: no such trial; `open` false: it is finished (but for a lost one: backend.h,
     * finish), and nothing is recorded. FOR NO KEY UPDATE (the lock of the finish's own
     * UPDATE, which takes no FOR KEY SHARE of the inserts beside it): the state is read
     * once a finish that holds the row has committed (the statement's snapshot had it
     * running, and the value went into the finished trial) */
    [Q_REPORT] = "WITH tr AS (SELECT x.id, x.number, x.state, (x.state IN (0, 4) OR (x.state = 3 "
                 "AND " LOST_ATTR("x.id") ")) AS open FROM knob_trials x WHERE x.id = $2 AND "
                 "x.study = $1 FOR NO KEY UPDATE), i AS (INSERT INTO knob_intermediate(trial, "
                 "step, value) SELECT tr.id, $3, $4 FROM tr WHERE tr.open ON CONFLICT DO NOTHING "
                 "RETURNING trial), "
                 "u AS (UPDATE knob_trials t SET seq = " STAMP " FROM i WHERE t.id = i.trial "
                 "RETURNING 1) SELECT number, state, open FROM tr",
    /* $1 study, $2 trial, $3 system, $4 key, $5 json, $6 whether the trial must be
     * unfinished. No row: no such trial; `open` false: it is finished, and nothing is
     * written (the row lock as Q_REPORT's, so a finish that holds it is seen) */
    [Q_SET_TRIAL_ATTR] = "WITH tr AS (SELECT x.id, x.number, x.state, (NOT $6::bool OR "
                         UNFINISHED("x") ") AS open FROM knob_trials x WHERE x.id = $2 AND "
                         "x.study = $1 FOR NO KEY UPDATE), a AS (INSERT INTO "
                         "knob_trial_attrs(trial, system, key, json) SELECT tr.id, $3, $4, $5 "
                         "FROM tr WHERE tr.open ON CONFLICT(trial, system, key) DO UPDATE SET "
                         "json = excluded.json RETURNING 1), u AS (UPDATE knob_trials t SET "
                         "seq = " STAMP " FROM tr WHERE t.id = tr.id AND tr.open RETURNING 1) "
                         "SELECT number, state, open FROM tr",
    /* $1 study, $2 trial, $3 state, $4 end time, $5 values as an array. A finisher racing
     * another (a worker and the one failing it as stale) waits for the trial's row lock
     * and then finds it finished: the UPDATE's condition is checked again on the row. */
    [Q_FINISH] = "WITH t AS (UPDATE knob_trials x SET state = $3, end_time = $4, seq = " STAMP
                 ", vals = $5::float8[] WHERE x.id = $2 AND x.study = $1 AND " FINISHABLE
                 " RETURNING x.id), " LOST_KEPT " SELECT COUNT(*) FROM t",
    /* Q_FINISH, and $6 names, $7 dists, $8 internals: the trial's params (as Q_SET_PARAMS),
     * written only when it finishes. */
    [Q_FINISH_PARAMS] =
        "WITH t AS (UPDATE knob_trials x SET state = $3, end_time = $4, seq = " STAMP
        ", vals = $5::float8[], " APPEND_PARAMS(
            "$6", "$7",
            "$8") " WHERE x.id = "
                  "$2 AND x.study = $1 AND " FINISHABLE " AND NOT x.param_names && $6::text[] "
                  "RETURNING x.id), " LOST_KEPT " SELECT COUNT(*) FROM t",
    /* Q_FINISH_PARAMS for a trial that may have some of the names (MERGE_PARAMS). */
    [Q_FINISH_PARAMS_MERGE] = "WITH t AS (UPDATE knob_trials x SET state = $3, end_time = $4, "
                              "seq = " STAMP ", vals = $5::float8[], " MERGE_PARAMS(
                                  "$6", "$7", "$8") " WHERE x.id = $2 AND x.study = $1 AND "
                                                    FINISHABLE " RETURNING x.id), " LOST_KEPT
                                                    " SELECT COUNT(*) FROM t",
    [Q_TRIAL_STATE] = "SELECT state, number FROM knob_trials WHERE id = $1 AND study = $2",
    /* Q_TRIAL_STATE, and whether the trial ended at $3 (a finish's own end time: not_finished) */
    [Q_TRIAL_END] = "SELECT state, number, end_time = $3::float8 FROM knob_trials WHERE id = $1 "
                    "AND study = $2",
    /* $1 study, $2 trial, $3 start time, $4 end time (NULL: as it is) */
    [Q_SET_TIMES] = SET_TIMES_SQL(WITH_INTER),
    [Q_CLAIM] = "INSERT INTO knob_claims(study, key, trial) VALUES($1, $2, $3) ON CONFLICT DO "
                "NOTHING",
    /* $1 study, $2 the stamp the sync starts from. The sync's reads run in this statement's
     * snapshot (the first of a REPEATABLE READ transaction); the watermark W is a stamp such
     * that every transaction that may stamp a trial with an id <= W had ended before that
     * snapshot: each trial stamped <= W is read as written, or will be written again with a
     * larger stamp, and the next sync starts from W. Stamps above W already in the snapshot
     * (commits of writers that began after the oldest one still running) are read again
     * next time: no trial is missed, a few are given twice.
     *
     * Which transactions count: W = min(xmax, the in-progress ids of the snapshot that may
     * stamp) - 1. Knob stamps only in single statements that write knob_trials, and a
     * statement takes its ROW EXCLUSIVE lock on knob_trials before it runs, so before that
     * transaction has an id; the lock is held until it ends. So a transaction seen with an
     * id and without that lock on this schema's knob_trials never stamps: another program's
     * (a batch job, a psql session idle in a transaction), knob's of another schema or
     * database, an ANALYZE. Counting only the others keeps one long stranger from holding
     * back every sync of every study (each read again everything written since it began).
     *   - Ids at or below $2 still in progress were seen as strangers by the sync that gave
     *     $2 (they were in progress in its snapshot, and not counted): not counted, no look.
     *   - The locks are read after the snapshot (pg_locks, one read: the CTE is read once,
     *     so an id's lock and its relation locks come from the same call). A stranger is an
     *     id seen there without that lock and still in progress after that read
     *     (pg_xact_status, called on the rows of the join, so it cannot run before it): it
     *     held all its locks at the read. An id that ended after the snapshot cannot be
     *     told apart by its locks: a transaction leaves the proc array, then releases its
     *     locks (the fast-path relation locks before its id's), so a writer that just ended
     *     may show its id without its knob_trials lock, or nothing at all; and its commit
     *     is not in the snapshot. Such ids are returned (the second column): after the
     *     sync, in a snapshot that holds their commits, the first that stamped a trial of
     *     this study keeps the mark below it (Q_STAMPED_BY); the others (strangers that
     *     ended, writers of other studies, rollbacks) do not hold it back. A later write
     *     over such a trial is by an id that ended after the snapshot too, or one above it.
     *   - pg_locks gives the 32-bit xid, the snapshot the 64-bit id (epoch and xid): they
     *     are compared as xid; two transactions running at once never share the low 32
     *     bits (the server stops assigning ids 2^31 before wraparound).
     *   - Subtransactions: the snapshot lists top-level ids, txid_current() stamps with
     *     the top-level id, and a backend's relation locks belong to its top-level
     *     transaction (pg_locks' virtualtransaction, also for a prepared transaction).
     *   - A writer waiting for its knob_trials lock has no id yet; one holding a stronger
     *     lock also lists ROW EXCLUSIVE when it writes.
     * pg_locks takes the lock manager's partition locks: it is read only when the plain
     * mark (the oldest in-progress id above $2) would leave a trial of this study to be
     * read again, that is when one of the study's trials is stamped above it (with a
     * stranger, every trial written since it began), and the oldest id is not shown as a
     * knob write of the study: the xmax of the study's row (a creation that allots numbers
     * updates it), of one of its free numbers (a creation takes one: it locks and deletes
     * it) or of one of its running or waiting trials (every other stamping write updates
     * its trial). Such an id holds the mark at the plain mark whatever pg_locks says, so the
     * lookup would give the plain mark too (with many workers, a worker's write still
     * running: that was 5-45% of the syncs at 8-32 workers, counted by bench/workers, and
     * nearly all of the lookups). The plain mark is never above the lookup's, so an id
     * taken for a writer wrongly (a row locked by another program, a multixact's number)
     * costs trials read again, never one missed; a writer not shown yet (its id assigned,
     * its row's xmax not yet set) is looked up as before. An xmax is read as it is now,
     * not as of the snapshot, so two reads of it in one statement may differ: `enough` is
     * materialized, read once for every column (inlined, it was evaluated per column, and
     * a sync once took the mark from the lookup and the ended ids from the plain branch:
     * a trial's finish missed, 1 run in 10 of postgres.syncs_miss_nothing_while_workers_write
     * beside other tests). An id's owner
     * is the holder of its transaction-id lock, or the backend pg_stat_activity shows it in:
     * an id just assigned is in the snapshot before its lock is taken, and without the
     * second look such an id of another program would hold the mark back (with it taken
     * out, storage.postgresql_sync_scale once found a sync that did not move, beside the
     * other PostgreSQL tests). The CTEs are evaluated only when read. No row: the study
     * was deleted. Columns: the mark, the ended ids, whether pg_locks was read. */
    [Q_WATERMARK] =
        "WITH x AS MATERIALIZED (SELECT x AS xid8, x::text::bigint AS id FROM "
        "pg_snapshot_xip(pg_current_snapshot()) x WHERE x::text::bigint > $2), "
        "mark AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax), "
        "plain AS (SELECT LEAST(xmax, (SELECT min(id) FROM x)) - 1 AS w FROM mark), "
        "oldest AS (SELECT xid8 FROM x ORDER BY id LIMIT 1), "
        "enough AS MATERIALIZED (SELECT NOT EXISTS (SELECT 1 FROM knob_trials WHERE study = $1 AND "
        "seq > "
        "plain.w) OR EXISTS (SELECT 1 FROM oldest o WHERE EXISTS (SELECT 1 FROM knob_studies "
        "WHERE id = $1 AND xmax = o.xid8::xid) OR EXISTS (SELECT 1 FROM knob_trials WHERE "
        "study = $1 AND state = 0 AND xmax = o.xid8::xid) OR EXISTS (SELECT 1 FROM knob_trials "
        "WHERE study = $1 AND state = 4 AND xmax = o.xid8::xid) OR EXISTS (SELECT 1 FROM "
        "knob_free_numbers WHERE study = $1 AND xmax = o.xid8::xid)) AS yes FROM plain), "
        "locks AS MATERIALIZED (SELECT locktype, database, relation, transactionid, pid, mode, "
        "granted FROM pg_locks), "
        "owner AS MATERIALIZED (SELECT x.xid8, x.id, t.pid FROM x JOIN locks t ON t.locktype = "
        "'transactionid' AND t.transactionid = x.xid8::xid AND t.mode = 'ExclusiveLock' AND "
        "t.granted UNION SELECT x.xid8, x.id, a.pid FROM x JOIN pg_stat_activity a ON "
        "a.backend_xid = x.xid8::xid), "
        "lockless AS MATERIALIZED (SELECT o.xid8, o.id FROM owner o WHERE o.pid IS NOT NULL AND "
        "NOT EXISTS (SELECT 1 FROM locks r WHERE r.pid = o.pid AND r.locktype = 'relation' AND "
        "r.relation = 'knob_trials'::regclass AND r.mode = 'RowExclusiveLock' AND r.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()))), "
        "strangers AS MATERIALIZED (SELECT id FROM lockless WHERE pg_xact_status(xid8) = "
        "'in progress'), "
        "ended AS MATERIALIZED (SELECT id FROM x WHERE id NOT IN (SELECT id FROM strangers) AND "
        "pg_xact_status(xid8) <> 'in progress'), "
        "hope AS MATERIALIZED (SELECT LEAST(xmax, (SELECT min(id) FROM x WHERE id NOT IN (SELECT "
        "id FROM strangers) AND id NOT IN (SELECT id FROM ended))) - 1 AS w FROM mark) "
        "SELECT CASE WHEN enough.yes THEN plain.w ELSE (SELECT w FROM hope) END, CASE WHEN "
        "enough.yes THEN '{}' ELSE ARRAY(SELECT id FROM ended WHERE id <= (SELECT w FROM hope) "
        "ORDER BY id) END, NOT enough.yes FROM plain, enough, knob_studies WHERE "
        "knob_studies.id = $1",
    /* $1 study, $2 ids of transactions that ended after a sync's snapshot: the lowest that
     * stamped a trial of the study (seen in this later snapshot), or NULL. */
    [Q_STAMPED_BY] =
        "SELECT min(seq) FROM knob_trials WHERE study = $1 AND seq = ANY($2::bigint[])",
    /* Q_STAMPED_BY for a reader that merges what was added (sync_added), $3 the mark: the
     * lowest of those ids that stamped a trial of the study, or an intermediate value of one.
     * A value keeps the stamp of its write, its trial maybe not: a later write, ended after
     * the snapshot too (then in $2) or running still or begun after it (above the mark),
     * stamped it again; such a value was not in the snapshot, and from a mark above it would
     * never be read. Its trial is among those stamped by $2 or above the mark (few: the
     * trials written since the sync began), and its value found by knob_intermediate_by_seq. */
    [Q_STAMPED_BY_ROWS] =
        "SELECT LEAST((SELECT min(seq) FROM knob_trials WHERE study = $1 AND seq = "
        "ANY($2::bigint[])), (SELECT min(m.seq) FROM (SELECT id FROM knob_trials WHERE study = "
        "$1 AND seq = ANY($2::bigint[]) UNION SELECT id FROM knob_trials WHERE study = $1 AND "
        "seq > $3::bigint) t CROSS JOIN LATERAL (SELECT min(i.seq) AS seq FROM knob_intermediate "
        "i WHERE i.trial = t.id AND i.seq >= (SELECT min(x) FROM unnest($2::bigint[]) x) AND "
        "i.seq = ANY($2::bigint[])) m))",
    [Q_CHANGED] = "SELECT EXISTS (SELECT 1 FROM knob_trials WHERE study = $1 AND seq > $2) FROM "
                  "knob_studies WHERE id = $1",
    /* $1 study, $2 state, $3 start time, $4 cap, $5 keys, $6 jsons, $7 the claim's key, $8
     * the creation's token. The
     * study row is locked first (l: claimers one at a time), then the lowest free number
     * below the cap (f, waiting for a creation that holds it: it frees it again if it rolls
     * back) or else the next one allotted (n: NULL at the cap); the claim takes the trial's
     * id before the trial exists; a key claimed before inserts nothing, so nothing else is
     * written either (the free number stays free). Row: id, number (NULL: none), whether a
     * number was there. A creation holding a free number never waits for the study's row
     * (it allots none), so the two locks are never taken in the other order. */
    [Q_CREATE_CLAIMED] = CREATE_CLAIMED_SQL(WITH_INTER),
    /* The sync's transaction plans its two reads once per connection, for index scans: a
     * plan made while the study was small (the first syncs of a new study) scanned all of
     * knob_trials for the changed trials at every later sync (a generic plan is kept), and
     * a custom plan of the rows' read costs more to make than the read (~5 ms). */
    [Q_SYNC_PLAN] = "SELECT set_config('enable_seqscan', 'off', true), "
                    "set_config('plan_cache_mode', 'force_generic_plan', true)",
    /* $1 study, $2 the stamp the sync starts from: the changed trials and their params,
     * values, intermediate values and attributes as one result, ordered by trial, then kind
     * (0 the trial, 1 params, 2 values, 3 intermediate values, 4 attributes), then order.
     * Columns: kind, trial, order, number or system, state, stamp, two doubles, two texts.
     * The changed trials are found once (one scan of the stamp index, three with a statement
     * per table); their params and values come from their rows. Their rows in the two other
     * tables: when the changed ids are dense (the
     * usual case: with many workers, each sync finds the trials of the last moments, ids in a
     * short run) one range scan of each table's trial index from the lowest to the highest id,
     * the rows of other trials in that range left out by a filter; otherwise one index
     * descent per changed id (`= ANY`). With 32 workers a sync finds ~36 trials: a descent
     * each in each of four tables (schema 4) touched ~430 index pages per trial
     * (pg_stat_statements), most of them for the empty tables of intermediate values and
     * attributes. An array of
     * ids is a parameter of the scans, so the planner never hashes a whole table for them. */
    [Q_SYNC_ROWS] =
        "WITH c AS MATERIALIZED (SELECT id, number, state, start_time, end_time, seq, param_names, "
        "param_dists, param_internals, vals FROM knob_trials WHERE study = $1 AND seq > "
        "$2), " ROWS_OF_C,
    /* Q_SYNC_ROWS for a reader that merges what was added (sync_added): of a trial whose
     * rows since $2 are only added to (INTER_ADDED) only the intermediate values written
     * since (ROWS_ADDED_OF_C) */
    [Q_SYNC_ROWS_ADDED] =
        "WITH c AS MATERIALIZED (SELECT id, number, state, start_time, end_time, seq, param_names, "
        "param_dists, param_internals, vals, " INTER_ADDED " AS added FROM knob_trials WHERE "
        "study = $1 AND seq > $2), " ROWS_ADDED_OF_C,
    /* $1 study: the best trial (BEST_TRIAL) and its rows, as Q_SYNC_ROWS gives them */
    [Q_BEST_ROWS_MIN] = "WITH c AS MATERIALIZED (" BEST_TRIAL("") "), " ROWS_OF_C,
    [Q_BEST_ROWS_MAX] = "WITH c AS MATERIALIZED (" BEST_TRIAL(" DESC") "), " ROWS_OF_C,
    /* The records (binary results: the bytes as they are, stamps as 8-byte integers). $1
     * study. */
    [Q_SNAP_READ] = "SELECT from_seq, to_seq, data FROM knob_snapshots WHERE study = $1 AND "
                    "to_seq < " XMAX " ORDER BY to_seq",
    /* A snapshot's writers of one study, one at a time: the one that finds another at it
     * gives up (a cache). The two-key form, keyed by this schema's knob_snapshots and the
     * study, is a lock space of its own: no bigint advisory lock (the schema's, an
     * application's) meets it. */
    [Q_SNAP_LOCK] = "SELECT pg_try_advisory_xact_lock('knob_snapshots'::regclass::oid::int, "
                    "($1::bigint & 2147483647)::int)",
    /* $1 study; after Q_SNAP_LOCK, in a later statement's snapshot (so it sees what the
     * last holder of the lock committed): whether the study is there, then its chain: the
     * end (0 when a segment's stamp is not this cluster's: the chain is then replaced), the
     * segments, the bytes of the first and of the others (the stored lengths: nothing is
     * read of the data). */
    [Q_SNAP_CHAIN] =
        "SELECT EXISTS (SELECT 1 FROM knob_studies WHERE id = $1), CASE WHEN "
        "COALESCE(bool_and(to_seq < " XMAX "), true) THEN COALESCE(max(to_seq), 0) ELSE 0 END, "
        "count(*), COALESCE(sum(octet_length(data)) FILTER (WHERE from_seq = 0), 0), "
        "COALESCE(sum(octet_length(data)) FILTER (WHERE from_seq > 0), 0) FROM knob_snapshots "
        "WHERE study = $1",
    [Q_SNAP_CLEAR] = "DELETE FROM knob_snapshots WHERE study = $1",
    [Q_SNAP_PUT] = "INSERT INTO knob_snapshots(study, from_seq, to_seq, data) SELECT $1::bigint, "
                   "$2::bigint, $3::bigint, $4::bytea WHERE $3::bigint < " XMAX,
    /* $1 study, $2 start time, $3 cap, $4 the ask's token: Q_POP, or else Q_CREATE_TRIAL
     * (RUNNING, no attributes), in one statement: w, the waiting trial locked (read once),
     * gates the creation off. Columns: TAKEN's, then whether a waiting trial was taken (its id
     * and number are the first two). The study's row is not read unless numbers are allotted
     * (no study: no trial and no allotment, and the caller looks). It was BEGIN, Q_POP, a
     * creation gated on the pop and COMMIT in one pipeline: four statements, two snapshots
     * and a read of the study's row, which every creation's key-share lock keeps under a
     * multixact with many workers. */
    [Q_POP_OR_CREATE] = POP_OR_CREATE_SQL(WITH_INTER),
    /* $1 study, $2 cap: waits for the creations that hold a free number below the cap, and
     * counts the free numbers left (a creation that rolled back freed its own). */
    [Q_FREE_WAIT] = "SELECT count(*) FROM (SELECT 1 FROM knob_free_numbers WHERE study = $1 AND "
                    "number < $2::bigint FOR UPDATE) f",
    /* $1 study, $2 key */
    [Q_STATE_READ] = "SELECT stamp, data FROM knob_sampler_states WHERE study = $1 AND key = $2 "
                     "AND stamp < " XMAX,
    /* $1 study, $2 key, $3 stamp, $4 bytes: replaces the record while the study is there. Two
     * writers of one key queue on its row for the time of one statement. */
    [Q_STATE_PUT] = "INSERT INTO knob_sampler_states(study, key, stamp, data) SELECT $1::bigint, "
                    "$2::text, $3::bigint, $4::bytea WHERE EXISTS (SELECT 1 FROM knob_studies "
                    "WHERE id = $1::bigint) AND $3::bigint < " XMAX " ON CONFLICT(study, key) DO "
                    "UPDATE SET stamp = excluded.stamp, data = excluded.data",
    /* $1 study, $2 a token: the trial made or taken with it (by knob_trials_token and
     * knob_trials_taken_by), and whether it was taken */
    /* $1 study, $2 key: the trial that holds the claim (op_claim) */
    [Q_CLAIM_OF] = "SELECT trial FROM knob_claims WHERE study = $1 AND key = $2",
    [Q_TRIAL_BY_TOKEN] = "SELECT id, number, taken_by IS NOT DISTINCT FROM $2, state FROM "
                         "knob_trials WHERE (token = $2 OR taken_by = $2) AND study = $1 LIMIT 1",
    /* $1 a token, $2 the longest wait (lock_timeout, for this wait only): its lock
     * (TOKEN_LOCK), once no earlier attempt's statement holds it. The session's lock_timeout
     * (o) is set again after the lock (l): the rest of the transaction, the retry's write
     * among it, waits for row locks as every write does. Left set, a retry's write that met
     * the study's row held longer (an allotment, another program's lock) failed at 30 s
     * ("canceling statement due to lock timeout"). */
    [Q_TOKEN_WAIT] = "WITH o AS MATERIALIZED (SELECT current_setting('lock_timeout') AS v), "
                     "t AS MATERIALIZED (SELECT set_config('lock_timeout', $2, true) FROM o), "
                     "l AS MATERIALIZED (SELECT " TOKEN_LOCK("pg_advisory_xact_lock",
                                                             "$1::bigint") " FROM t) "
                     "SELECT set_config('lock_timeout', o.v, true) FROM o, l",
    /* $1 study, $2 trial, $3 a take's token: the trial it took waits again (spare_token),
     * without the heartbeat the take gave it (pop_attrs): a trial taken next by a worker
     * without heartbeats would have it, and be failed for its silence */
    [Q_GIVE_BACK] = GIVE_BACK_SQL(WITH_INTER),
    /* $1 study, $2 trial, $3 the take's start time, $4 names, $5 dists, $6 internals: a taken
     * trial waits again (requeue), with those params and without its attributes and
     * intermediate values (then Q_REQUEUE_ROWS), while it is RUNNING from that take. No row:
     * it is not (Q_TRIAL_STATE tells), and nothing is changed. */
    [Q_REQUEUE] = REQUEUE_SQL(WITH_INTER),
    /* $1 trial, $2 steps, $3 values, $4 system flags, $5 keys, $6 jsons: the rows of a trial
     * put back (after Q_REQUEUE, in its transaction), attributes in the order given */
    [Q_REQUEUE_ROWS] = "WITH i AS (INSERT INTO knob_intermediate(trial, step, value) SELECT $1, "
                       "u.s, u.v FROM unnest($2::bigint[], $3::float8[]) AS u(s, v) RETURNING 1), "
                       "a AS (INSERT INTO knob_trial_attrs(trial, system, key, json) SELECT $1, "
                       "u.s, u.k, u.j FROM unnest($4::bool[], $5::text[], $6::text[]) WITH "
                       "ORDINALITY AS u(s, k, j, o) ORDER BY u.o RETURNING 1) SELECT (SELECT "
                       "count(*) FROM i), (SELECT count(*) FROM a)",
};

/* The writes of sql[] that set knob_trials.inter_start and inter_reset, as a knob before those
 * columns wrote them: the statements of a handle that opened a schema 5 without them and could
 * not add them (pg.no_inter): sql[]'s texts built with NO_INTER. */
static const char *const older_sql[Q_COUNT] = {
    [Q_CREATE_TRIAL] = CREATE_TRIAL_SQL(NO_INTER),
    [Q_POP] = POP_SQL(NO_INTER),
    [Q_SET_TIMES] = SET_TIMES_SQL(NO_INTER),
    [Q_CREATE_CLAIMED] = CREATE_CLAIMED_SQL(NO_INTER),
    [Q_POP_OR_CREATE] = POP_OR_CREATE_SQL(NO_INTER),
    [Q_GIVE_BACK] = GIVE_BACK_SQL(NO_INTER),
    [Q_REQUEUE] = REQUEUE_SQL(NO_INTER),
};

typedef struct pg {
    PGconn *c;
    char *conninfo;
    char *where;   /* the URL without its password, for messages */
    bool prepared; /* the session is set up (start_session) */
    /* ready[q]: statement q is prepared on this connection. A statement is prepared by its
     * first use, in the same round trip: a worker uses a handful of the Q_COUNT, and a `knob
     * ask` process one or two, where preparing all 40 cost the server 13 ms a connection. */
    bool ready[Q_COUNT];
    double retry_for;  /* seconds to keep retrying a lost connection */
    /* The last failed statement's SQLSTATE is one of a failover or a restart (failover_state):
     * the connection is taken as lost (connection_lost), though it is open; read_only: it
     * was 25006, a read-only server (a standby, or default_transaction_read_only on), which
     * is not back until a new session may write (reconnect). Cleared by each attempt of an
     * operation (with_retry) and each new session. */
    bool transient, read_only;
    bool others_write; /* the last sync found changes: the next one skips the first look */
    /* set by knob_storage_interrupt: no more waiting for a lost connection */
    atomic_int interrupted;
    /* The state of the creation tokens' generator (new_token): seeded from /dev/urandom,
     * not from any study's seed, whose draws stay the sampler's; again in a process forked
     * from the one that seeded it (token_pid), whose draws would be the parent's. */
    uint64_t tokens;
    pid_t token_pid;
    /* The token of a take retried after a lost connection that took nothing (pop_waiting),
     * and its study: the first attempt may still reach the server, after the retry, and take
     * a waiting trial that no one is told of. The study's next creation of a RUNNING trial
     * (the same ask's, when nothing waited) writes this token, after it gave back a trial
     * taken with it (give_back): a first attempt later than that fails at knob_trials_owner. */
    int64_t spare_token, spare_study;
    /* The stamps the last syncs of a reader that merges what was added (sync_added) returned,
     * by study: a sync from one of them reads of a trial only the values added since
     * (rows_mark). A stamp from elsewhere (a snapshot of another process, plain sync) reads
     * the changed trials whole once. */
    struct {
        int64_t study, seq;
    } marks[8];
    unsigned next_mark;
    /* The schema is this version's but for the intermediate values' stamps (schema_apart: the
     * inter_ columns, knob_intermediate.seq and its index), and this session may not add them
     * (a standby or a read-only session, a role that does not own the tables): the handle
     * works as a knob before them did, its writes leaving those columns be (older_sql) and
     * each sync_added a plain sync. Its writes read as an older knob's do (INTER_ADDED). */
    bool no_inter;
    /* The last statement exec_text ran was refused: read-only (25006) or not allowed (42501) */
    bool refused;
} pg;

/* ---------------------------------------------------------------- counts */

static _Atomic int64_t count_looks, count_syncs, count_lock_reads, count_stamped_by, count_trials,
    count_unfinished, count_snap_tries, count_snap_written, count_snap_whole, count_snap_bytes,
    count_parses;

static void count(_Atomic int64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

void knob__pg_counts_get(knob__pg_counts *out)
{
    out->looks = atomic_load_explicit(&count_looks, memory_order_relaxed);
    out->syncs = atomic_load_explicit(&count_syncs, memory_order_relaxed);
    out->lock_reads = atomic_load_explicit(&count_lock_reads, memory_order_relaxed);
    out->stamped_by = atomic_load_explicit(&count_stamped_by, memory_order_relaxed);
    out->trials = atomic_load_explicit(&count_trials, memory_order_relaxed);
    out->unfinished = atomic_load_explicit(&count_unfinished, memory_order_relaxed);
    out->snap_tries = atomic_load_explicit(&count_snap_tries, memory_order_relaxed);
    out->snap_written = atomic_load_explicit(&count_snap_written, memory_order_relaxed);
    out->snap_whole = atomic_load_explicit(&count_snap_whole, memory_order_relaxed);
    out->snap_bytes = atomic_load_explicit(&count_snap_bytes, memory_order_relaxed);
    out->parses = atomic_load_explicit(&count_parses, memory_order_relaxed);
}

/* ---------------------------------------------------------------- creation tokens */

/* Seeds the handle's token generator: from /dev/urandom, or else from the clock, the
 * process and the handle's address. Two handles must not draw alike: a retry takes the
 * trial that holds its token, which would be the other's. */
static void seed_tokens(pg *d)
{
    uint64_t seed = 0;
    d->token_pid = getpid();
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&seed, sizeof seed, 1, f) != 1) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 40 ^
               (uint64_t)(uintptr_t)d;
    }
    if (f)
        fclose(f);
    d->tokens = seed;
}

/* The next creation token (splitmix64): random, so that two writes' tokens meet once in
 * 2^64. Runs of consecutive numbers per handle, which keep one handle's entries of
 * knob_trials_token on a few pages, cost as much in a server-side loop of 20,000 inserts
 * (42 us per insert, random 42, without the index 32). */
static int64_t new_token(pg *d)
{
    if (getpid() != d->token_pid) /* a child forked after the open: the parent's draws */
        seed_tokens(d);
    uint64_t z = (d->tokens += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (int64_t)(z ^ (z >> 31));
}

/* ---------------------------------------------------------------- connection */

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int fail_msg(pg *d, const char *op, const char *detail)
{
    char all[4096], msg[600];
    snprintf(all, sizeof all, "%s", detail ? detail : "");
    knobx_redact_secret(all, sizeof all, d->conninfo); /* libpq may quote the URL */
    snprintf(msg, sizeof msg, "%s", all);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = 0;
    return knob__error(KNOB_ESTORAGE, "postgresql storage '%s': %s: %s", d->where, op, msg);
}

/* Whether SQLSTATE `state` is one a failover or a restart gives while the server is away
 * for a moment: a read-only transaction (25006: a standby, or an old primary still reached,
 * answers so), the server shutting down or starting (57P01, 57P02, 57P03), a connection
 * failure (class 08, but a protocol violation, 08P01) or too many connections (53300, as
 * the clients of a failover come back at once). */
static bool failover_state(const char *state)
{
    return state && (!strcmp(state, "25006") || !strcmp(state, "57P01") ||
                     !strcmp(state, "57P02") || !strcmp(state, "57P03") ||
                     !strcmp(state, "53300") ||
                     (!strncmp(state, "08", 2) && strcmp(state, "08P01")));
}

/* A failed statement's message: its result's, or the connection's when there is no result
 * (the statement was not sent). A failover's state (failover_state) marks the connection as
 * lost, so that the operation is waited for and done again as after a lost connection. */
static int result_msg(pg *d, const char *op, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (failover_state(state)) {
        d->transient = true;
        d->read_only |= !strcmp(state, "25006");
    }
    return fail_msg(d, op, r ? PQresultErrorMessage(r) : PQerrorMessage(d->c));
}

/* The next result of a pipelined query (and the NULL that ends it); NULL when none came. */
static PGresult *pipe_result(PGconn *c)
{
    PGresult *r = PQgetResult(c);
    if (r) {
        PGresult *end;
        while ((end = PQgetResult(c)) != NULL)
            PQclear(end);
    }
    return r;
}

/* Reads what is left of a pipeline, up to its sync, and leaves pipeline mode; false when the
 * sync's reply was not read or pipeline mode could not be left. Each query's results end
 * with a NULL, so one NULL does not end the pipeline: reading stops at the sync, at two
 * NULLs in a row (nothing left queued) or when the connection is gone. Stopping at the
 * first NULL left a worker's connection in pipeline mode now and then while the server
 * restarted, and each later operation failed with "cannot exit pipeline mode while busy".
 * Nothing is read when the sync was not sent.
 *
 * Statements outside BEGIN ... COMMIT run in one implicit transaction that the server
 * commits at the sync: a statement's result can arrive (the server flushes it when it ends
 * the connection) and its work still be undone. Without the sync's reply nothing the
 * pipeline did may be taken as done. */
static bool pipe_end(PGconn *c, bool sent)
{
    bool synced = false;
    for (int nulls = 0; sent && nulls < 2 && PQstatus(c) == CONNECTION_OK;) {
        PGresult *r = PQgetResult(c);
        if (!r) {
            nulls++;
            continue;
        }
        nulls = 0;
        synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (synced)
            break;
    }
    return PQexitPipelineMode(c) == 1 && synced;
}

static bool ok(const PGresult *r);

/* Sets up a new session: no statement prepared yet (each is by its first use, send_q), and
 * the server's JIT compilation off: knob's statements read a few rows by index, but a generic
 * plan's estimates (a third of a study's trials for "stamp above $2") can pass the JIT's cost
 * threshold, and compiling took 40 ms for a sync that read nothing (100,000 trials, `knob
 * best` 3x slower on the server than its 0.2 ms plan). A setting that only tunes: a pooler
 * that hands this session's statements to another backend costs the time, nothing else.
 * The session holds nothing else (no advisory lock: a pooled backend kept every client's,
 * until the server ran out of lock memory). */
static int start_session(pg *d)
{
    memset(d->ready, 0, sizeof d->ready);
    PGresult *r = PQexec(d->c, "SET jit = off");
    int rc = ok(r) ? KNOB_OK : result_msg(d, "start a session", r);
    PQclear(r);
    d->prepared = !rc;
    return rc ? KNOB_ESTORAGE : KNOB_OK;
}

/* Lost, or left in pipeline mode by a pipeline cut short: either way only a reset helps. So
 * too after a failover's error (result_msg): a new session may reach the new primary, or
 * the server once it may write again. */
static bool connection_lost(pg *d)
{
    return PQstatus(d->c) != CONNECTION_OK || PQpipelineStatus(d->c) != PQ_PIPELINE_OFF ||
           d->transient;
}

/* Whether this session may write: a server that answered "read-only transaction" is not
 * back until a new session may (SHOW transaction_read_only is off). */
static bool writable(pg *d)
{
    PGresult *r = PQexec(d->c, "SHOW transaction_read_only");
    bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
               !strcmp(PQgetvalue(r, 0, 0), "off");
    PQclear(r);
    return yes;
}

static void interrupt_pg(void *be)
{
    atomic_store(&((pg *)be)->interrupted, 1);
}

/* Naps `s` seconds in slices, so that an interrupt from another thread ends it soon (one
 * from a signal handler ends the nap at once). */
static void nap_unless_interrupted(pg *d, double s)
{
    double until = knob__now() + s, left;
    while (!atomic_load(&d->interrupted) && (left = until - knob__now()) > 0)
        nap(left < 0.1 ? left : 0.1);
}

/* Waits for the server to come back, with backoff, unless interrupted; re-prepares the
 * statements. On failure the message says why the waiting ended (without the storage's
 * name: with_retry adds it, once). */
/* The servers (by where) whose wait for a lost connection ran out in this process, and when:
 * for retry_for seconds after, a wait on any connection to one of them tries once. A run's
 * trial writes, each running trial's failure and its summary go through connections of their
 * own, and each waited KNOB_PG_RETRY_SECONDS again: a worker of --parallel 4 took 8 times
 * that to stop in an outage, 40 minutes by default. A connection that comes back (a reconnect
 * or an open) takes its server off, and an entry past retry_for is none, so a long-lived
 * process (the dashboard, a Python loop that catches the error) waits in full again at a
 * later outage. Process-wide state, but only of whether a server answers: no result depends
 * on it. */
#define GONE_MAX 8
static pthread_mutex_t gone_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *where;
    double at;
} gone[GONE_MAX];

/* Seconds on a clock that no setting of the time moves. */
static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_gone(const pg *d)
{
    bool found = false;
    double now = monotonic();
    pthread_mutex_lock(&gone_lock);
    for (int i = 0; i < GONE_MAX && !found; i++)
        found = gone[i].where && !strcmp(gone[i].where, d->where) &&
                now - gone[i].at < d->retry_for;
    pthread_mutex_unlock(&gone_lock);
    return found;
}

static void set_gone(const pg *d, bool on)
{
    pthread_mutex_lock(&gone_lock);
    int at = -1, oldest = 0;
    for (int i = 0; i < GONE_MAX; i++) {
        if (gone[i].where && !strcmp(gone[i].where, d->where))
            at = i;
        if (!gone[i].where || (gone[oldest].where && gone[i].at < gone[oldest].at))
            oldest = i;
    }
    if (!on && at >= 0) {
        free(gone[at].where);
        gone[at].where = NULL;
    } else if (on) {
        if (at < 0) { /* a free slot, else the oldest goes */
            at = oldest;
            free(gone[at].where);
            gone[at].where = knob__strdup(d->where);
        }
        gone[at].at = monotonic();
    }
    pthread_mutex_unlock(&gone_lock);
}

static int reconnect(pg *d)
{
    /* Measured by the clock: a signal (a trial's SIGCHLD) cuts a nap short, and counting
     * naps made every signal spend a whole pause of the time given to the server. After a
     * wait for this server that ran out, once (is_gone). */
    double start = knob__now(), pause = 0.1;
    bool once = is_gone(d), read_only = d->read_only, stayed = false;
    while (!atomic_load(&d->interrupted)) {
        d->transient = d->read_only = false;
        PQreset(d->c);
        if (PQstatus(d->c) == CONNECTION_OK) {
            d->prepared = false;
            /* A server going down again (a restart's stop after the start's first
             * connection) takes this connection too: try again. So does one still
             * read-only. */
            bool up = start_session(d) == KNOB_OK || !connection_lost(d);
            stayed = up && d->prepared && read_only && !writable(d);
            if (up && !stayed) {
                set_gone(d, false);
                return d->prepared ? KNOB_OK : KNOB_ESTORAGE;
            }
        }
        double left = d->retry_for - (knob__now() - start);
        if (once || left <= 0)
            break;
        /* the last nap no longer than the time left: KNOB_PG_RETRY_SECONDS is the wait */
        nap_unless_interrupted(d, pause < left ? pause : left);
        pause = pause * 2 > 5 ? 5 : pause * 2;
    }
    if (stayed && !atomic_load(&d->interrupted)) {
        set_gone(d, true);
        return knob__error(KNOB_ESTORAGE,
                           "the server stayed read-only (a standby, or "
                           "default_transaction_read_only on) for %.1f s",
                           knob__now() - start);
    }
    if (atomic_load(&d->interrupted))
        return knob__error(KNOB_ESTORAGE,
                           "the connection was lost, and waiting for the server was "
                           "interrupted after %.1f s",
                           knob__now() - start);
    set_gone(d, true);
    if (once)
        return knob__error(KNOB_ESTORAGE,
                           "the connection was lost and did not come back (tried once: an "
                           "earlier wait of %g s ran out)",
                           d->retry_for);
    return knob__error(KNOB_ESTORAGE, "the connection was lost and did not come back in %g s",
                       d->retry_for);
}

/* `msg` without the "postgresql storage '<where>': " that fail_msg begins it with. */
static const char *without_prefix(const pg *d, const char *msg)
{
    static const char head[] = "postgresql storage '";
    size_t n = sizeof head - 1, w = strlen(d->where);
    if (!strncmp(msg, head, n) && !strncmp(msg + n, d->where, w) && !strncmp(msg + n + w, "': ", 3))
        return msg + n + w + 3;
    return msg;
}

/* Sends statement q (in pipeline mode), after its Parse when this connection has not
 * prepared it yet (*parsed: the Parse's result comes before the statement's). False when
 * it could not be sent. */
static bool send_q(pg *d, int q, int n, const char *const *p, const int *lens, const int *fmts,
                   bool binary, bool *parsed)
{
    char name[16];
    snprintf(name, sizeof name, "knob%d", q);
    *parsed = !d->ready[q];
    const char *text = d->no_inter && older_sql[q] ? older_sql[q] : sql[q];
    if (*parsed && !PQsendPrepare(d->c, name, text, 0, NULL))
        return false;
    return PQsendQueryPrepared(d->c, name, n, p, lens, fmts, binary ? 1 : 0) == 1;
}

/* Reads the results of a statement sent by send_q: its Parse's first when one was sent (a
 * Parse that failed is the statement's result: its message says why). */
static PGresult *read_q(pg *d, int q, bool parsed)
{
    PGresult *prep = parsed ? pipe_result(d->c) : NULL;
    if (parsed && PQresultStatus(prep) == PGRES_COMMAND_OK) {
        d->ready[q] = true;
        atomic_fetch_add_explicit(&count_parses, 1, memory_order_relaxed);
        PQclear(prep);
        prep = NULL;
    }
    PGresult *r = pipe_result(d->c);
    if (prep) {
        PQclear(r);
        return prep;
    }
    return r;
}

/* Runs a prepared statement whose parameter `bin` (-1: none; at most the 8th) is binary,
 * with a binary result when `binary`; prepared first (in the same round trip) when this
 * connection has not yet. */
static PGresult *run_bin(pg *d, int q, int n, const char *const *p, int bin, int bin_len,
                         bool binary)
{
    char name[16];
    int lens[8] = {0}, fmts[8] = {0};
    if (bin >= 0)
        lens[bin] = bin_len, fmts[bin] = 1;
    const int *l = bin >= 0 ? lens : NULL, *f = bin >= 0 ? fmts : NULL;
    if (d->ready[q]) {
        snprintf(name, sizeof name, "knob%d", q);
        return PQexecPrepared(d->c, name, n, p, l, f, binary ? 1 : 0);
    }
    if (!PQenterPipelineMode(d->c))
        return NULL;
    bool parsed;
    bool sent = send_q(d, q, n, p, l, f, binary, &parsed) && PQpipelineSync(d->c);
    PGresult *r = sent ? read_q(d, q, parsed) : NULL;
    if (!pipe_end(d->c, sent) && ok(r)) {
        /* a write's result without its commit (pipe_end): the statement failed; the
         * connection's message says why */
        PQclear(r);
        r = NULL;
    }
    return r;
}

/* Runs a prepared statement with text parameters. */
static PGresult *run(pg *d, int q, int n, const char *const *params)
{
    return run_bin(d, q, n, params, -1, 0, false);
}

static bool ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Runs `text`; on failure, when `lost_race` is given, sets it when the server ended the
 * statement to undo a deadlock or a serialization failure (SQLSTATE class 40: the same
 * statements may well go through once the other transaction is done). A failure names the
 * statement by its first 60 characters: the schema's run to 1,500, and whole they left the
 * server's reason out of the message. */
static int exec_text(pg *d, const char *text, bool *lost_race)
{
    PGresult *r = PQexec(d->c, text);
    int rc = KNOB_OK;
    if (!ok(r)) {
        char op[72];
        snprintf(op, sizeof op, "%.60s%s", text, strlen(text) > 60 ? "..." : "");
        rc = result_msg(d, op, r);
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        if (lost_race)
            *lost_race = state && (!strcmp(state, "40P01") || !strcmp(state, "40001"));
        d->refused = state && (!strcmp(state, "25006") || !strcmp(state, "42501"));
    }
    PQclear(r);
    return rc;
}

static int exec_plain(pg *d, const char *text)
{
    return exec_text(d, text, NULL);
}

#define PIPE_MAX 4 /* statements between pipelined's BEGIN and COMMIT */

/* One statement of a pipeline (send_pipe): a prepared query `q` whose parameter `bin` (-1:
 * none) is binary and whose result is binary when `bin_result`, or the text `text` without
 * parameters. */
typedef struct pipe_step {
    int q;
    const char *text;
    int n, bin, bin_len;
    bool bin_result;
} pipe_step;

/* Sends steps[0..k) (parameters from p) and a sync as one pipeline, one round trip, and reads
 * their results into res[0..k), the caller's to clear. A failure leaves the transaction as
 * the server left it (aborted, when a step failed inside one). */
static int send_pipe(pg *d, const pipe_step *steps, int k, const char *const *p, PGresult **res,
                     const char *what)
{
    int rc = KNOB_OK;
    if (k > PIPE_MAX + 2)
        return knob__error(KNOB_EINVAL, "postgresql storage: %d statements in one pipeline", k);
    if (!PQenterPipelineMode(d->c))
        return fail_msg(d, what, PQerrorMessage(d->c));
    bool sent = true, parsed[PIPE_MAX + 2] = {false};
    for (int i = 0; sent && i < k; i++) {
        const pipe_step *st = &steps[i];
        if (st->text) {
            sent = PQsendQueryParams(d->c, st->text, 0, NULL, NULL, NULL, NULL, 0);
            continue;
        }
        int lens[8] = {0}, fmts[8] = {0};
        if (st->bin >= 0)
            lens[st->bin] = st->bin_len, fmts[st->bin] = 1;
        sent = send_q(d, st->q, st->n, p, st->bin >= 0 ? lens : NULL, st->bin >= 0 ? fmts : NULL,
                      st->bin_result, &parsed[i]);
    }
    if (!(sent = sent && PQpipelineSync(d->c)))
        rc = fail_msg(d, what, PQerrorMessage(d->c));
    for (int i = 0; sent && i < k; i++) {
        res[i] = steps[i].text ? pipe_result(d->c) : read_q(d, steps[i].q, parsed[i]);
        if (!rc && !ok(res[i]))
            rc = result_msg(d, what, res[i]);
    }
    if (!pipe_end(d->c, sent) && !rc)
        rc = fail_msg(d, what, PQerrorMessage(d->c));
    return rc;
}

/* Runs `begin` (BEGIN with its options), the prepared statements which[0..k) (statement i
 * takes the first n_params[i] of p, and gives a binary result when bit i of `binary` is
 * set) and COMMIT as one pipeline, one round trip. res[0..k+2) get every result, BEGIN's
 * first and COMMIT's last, for the caller to read and clear; a failure is rolled back while
 * the connection still holds the transaction. `what` names the operation in errors. */
static int pipelined(pg *d, const char *begin, const int *which, const int *n_params, int k,
                     unsigned binary, const char *const *p, PGresult **res, const char *what)
{
    pipe_step steps[PIPE_MAX + 2] = {{.text = begin}};
    if (k > PIPE_MAX)
        return knob__error(KNOB_EINVAL, "postgresql storage: %d statements in one pipeline", k);
    for (int i = 0; i < k; i++)
        steps[i + 1] = (pipe_step){
            .q = which[i], .n = n_params[i], .bin = -1, .bin_result = (binary >> i) & 1};
    steps[k + 1] = (pipe_step){.text = "COMMIT"};
    int rc = send_pipe(d, steps, k + 2, p, res, what);
    if (rc && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    return rc;
}

/* ---------------------------------------------------------------- operations with retry */

/* An operation is one statement (a write, atomic by itself) or, with `snapshot`, a few
 * reads in one read-only snapshot. On a lost connection the server rolls back what was
 * not committed and the whole operation runs again. */
typedef int (*op_fn)(pg *d, void *args);

static int with_retry(pg *d, op_fn fn, void *args, bool snapshot, const char *what)
{
    double since = 0, pause = 0.1; /* the first failover's answer (result_msg), the backoff */
    for (int attempt = 0;; attempt++) {
        d->transient = d->read_only = false;
        int rc =
            snapshot ? exec_plain(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") : KNOB_OK;
        if (!rc)
            rc = fn(d, args);
        if (snapshot && !connection_lost(d))
            exec_plain(d, rc ? "ROLLBACK" : "COMMIT");
        if (!rc || !connection_lost(d))
            return rc;
        /* The failure's message names the storage and its own step already ("finish a
         * trial", "read a trial's state"): the storage once, `what` when it is not that
         * step, then why the waiting ended. */
        char saved[1024];
        snprintf(saved, sizeof saved, "%s", without_prefix(d, knob_errmsg()));
        size_t n = strlen(saved);
        while (n && (saved[n - 1] == '\n' || saved[n - 1] == ' ' || saved[n - 1] == '.'))
            saved[--n] = 0;
        size_t w = strlen(what);
        bool named = !strncmp(saved, what, w) && !strncmp(saved + w, ": ", 2);
        /* A failover's answer again after a reconnect that went through (a new session said
         * it may write, but the statement was refused again, as behind a pooler): waited
         * for with backoff, for KNOB_PG_RETRY_SECONDS from the first answer, not retried at
         * once and for ever. */
        bool late = false;
        if (d->transient && since > 0) {
            double left = d->retry_for - (knob__now() - since);
            late = left <= 0;
            if (!late)
                nap_unless_interrupted(d, pause < left ? pause : left);
            pause = pause * 2 > 5 ? 5 : pause * 2;
        } else if (d->transient) {
            since = knob__now();
        }
        if (late) { /* the session is kept: what the refusal left open is rolled back */
            if (PQstatus(d->c) == CONNECTION_OK && PQpipelineStatus(d->c) == PQ_PIPELINE_OFF &&
                PQtransactionStatus(d->c) != PQTRANS_IDLE)
                exec_plain(d, "ROLLBACK");
            knob__error(KNOB_ESTORAGE, "the server answered so for %.1f s",
                        knob__now() - since);
        }
        if (late || reconnect(d)) {
            char why[700];
            snprintf(why, sizeof why, "%s", without_prefix(d, knob_errmsg()));
            return knob__error(KNOB_ESTORAGE, "postgresql storage '%s': %s%s%s; %s", d->where,
                               named ? "" : what, named ? "" : ": ", saved, why);
        }
    }
}

static char *num(char *buf, int64_t v)
{
    snprintf(buf, 32, "%lld", (long long)v);
    return buf;
}

static char *dbl(char *buf, double v)
{
    snprintf(buf, 32, "%.17g", v);
    return buf;
}

static int64_t get_i64(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static double get_dbl(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

/* A binary result's integer (int2, int4 or int8: big-endian, sign-extended; NULL: 0) and
 * double (float8; NULL: NaN). The sync's rows come binary: with many workers each trial is
 * read by every worker, and printing and parsing their numbers as text was a large part of
 * both sides' work per row. */
static int64_t bin_i64(const PGresult *r, int row, int col)
{
    int n = PQgetlength(r, row, col);
    if (PQgetisnull(r, row, col) || n <= 0 || n > 8)
        return 0;
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t v = b[0] & 0x80 ? UINT64_MAX : 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | b[i];
    return (int64_t)v;
}

static double bin_dbl(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
        return NAN;
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

/* r's status checked: on failure the message set and r cleared, else r is *out, the
 * caller's to clear. */
static int checked(pg *d, PGresult *r, PGresult **out, const char *what)
{
    if (!ok(r)) {
        int rc = result_msg(d, what, r);
        PQclear(r);
        return rc;
    }
    *out = r;
    return KNOB_OK;
}

/* Runs q; on failure sets the message; the result is the caller's to clear. */
static int q1(pg *d, int q, int n, const char *const *p, PGresult **out, const char *what)
{
    return checked(d, run(d, q, n, p), out, what);
}

/* ---------------------------------------------------------------- open */

/* Attempts at creating or upgrading the schema that the server ends for a deadlock. */
#define SCHEMA_TRIES 8

/* The schema's fingerprint, a hash of its statements, is the comment of knob_meta: an open
 * that finds it there runs no DDL. The DDL is not free even when everything exists: CREATE
 * INDEX IF NOT EXISTS takes a SHARE lock on knob_trials before it looks, so each worker
 * starting beside running ones blocked their writes until its open committed (sampled
 * in pg_stat_activity as "Lock relation" waits, with the opens queued on the advisory lock). */
static void schema_mark(char *out, size_t size)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0;
         i < sizeof schema / sizeof *schema + sizeof schema_apart / sizeof *schema_apart; i++) {
        const char *text = i < sizeof schema / sizeof *schema
                               ? schema[i]
                               : schema_apart[i - sizeof schema / sizeof *schema];
        for (const char *c = text; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211u;
        h = (h ^ 0xff) * 1099511628211u; /* the statement's end */
    }
    snprintf(out, size, "knob schema %d %016llx", SCHEMA_VERSION, (unsigned long long)h);
}

/* Whether the current schema's tables, columns and indexes are those the DDL makes, read
 * from the catalogs (r: the relations of those names in the current schema): the tables of
 * schema[] without knob_params and knob_values, the array and token columns of knob_trials,
 * its indexes (valid, the tokens' unique), no foreign key to the study's row, the records
 * stored as they come (SCHEMA_BUILT_BUT_STAMPS, all a knob before the intermediate values'
 * stamps made); and the inter_ columns of knob_trials, the intermediate values' stamp (with
 * its default) and its index (SCHEMA_STAMPS). */
#define SCHEMA_STAMPS                                                                              \
    "(SELECT count(*) = 2 FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT oid FROM r WHERE " \
    "relname = 'knob_trials') AND NOT attisdropped AND attname IN ('inter_start', "                \
    "'inter_reset')) AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT "  \
    "oid FROM r WHERE relname = 'knob_intermediate') AND attname = 'seq' AND atthasdef AND NOT "   \
    "attisdropped) AND EXISTS (SELECT 1 FROM r JOIN pg_catalog.pg_index i ON i.indexrelid = "      \
    "r.oid WHERE i.indisvalid AND relname = 'knob_intermediate_by_seq')"
#define SCHEMA_BUILT_BUT_STAMPS                                                                    \
    "(SELECT count(*) = 10 FROM r WHERE relkind IN ('r', 'p') AND relname IN ('knob_meta', "       \
    "'knob_studies', 'knob_study_attrs', 'knob_trials', 'knob_intermediate', "                     \
    "'knob_trial_attrs', 'knob_claims', 'knob_snapshots', 'knob_sampler_states', "                 \
    "'knob_free_numbers')) AND NOT EXISTS (SELECT 1 FROM r WHERE relname IN ('knob_params', "      \
    "'knob_values')) AND (SELECT count(*) = 8 FROM r JOIN pg_catalog.pg_index i ON i.indexrelid "  \
    "= r.oid WHERE i.indisvalid AND i.indrelid = (SELECT oid FROM r WHERE relname = "              \
    "'knob_trials') AND (relname IN ('knob_trials_by_seq', 'knob_trials_running', "                \
    "'knob_trials_waiting', 'knob_trials_complete', 'knob_trials_best') OR i.indisunique AND "     \
    "relname IN ('knob_trials_token', 'knob_trials_taken_by', 'knob_trials_owner'))) AND "         \
    "(SELECT count(*) = 6 FROM "                                                                   \
    "pg_catalog.pg_attribute WHERE attrelid = (SELECT oid FROM r WHERE relname = 'knob_trials') "  \
    "AND NOT attisdropped AND attname IN ('param_names', 'param_dists', 'param_internals', "       \
    "'vals', 'token', 'taken_by')) AND NOT EXISTS (SELECT 1 FROM "                                 \
    "pg_catalog.pg_constraint WHERE conname IN ('knob_trials_study_fkey', "                        \
    "'knob_free_numbers_study_fkey') AND conrelid IN "                                             \
    "(SELECT oid FROM r)) AND (SELECT count(*) = 2 FROM pg_catalog.pg_attribute WHERE attrelid "   \
    "IN (SELECT oid FROM r WHERE relname IN ('knob_snapshots', 'knob_sampler_states')) AND "       \
    "attname = 'data' AND attstorage = 'e')"

/* The relations SCHEMA_BUILT_BUT_STAMPS and SCHEMA_STAMPS look at, found by name (the catalog's
 * index of names). */
#define SCHEMA_RELATIONS                                                                           \
    "r AS (SELECT c.oid, c.relname, c.relkind FROM pg_catalog.pg_class c WHERE c.relnamespace = "  \
    "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()) AND c.relname = "  \
    "ANY ('{knob_meta, knob_studies, knob_study_attrs, knob_trials, knob_intermediate, "           \
    "knob_trial_attrs, knob_claims, knob_snapshots, knob_sampler_states, knob_free_numbers, "      \
    "knob_params, knob_values, knob_trials_by_seq, knob_trials_running, knob_trials_waiting, "     \
    "knob_trials_complete, knob_trials_best, knob_trials_token, knob_trials_taken_by, "            \
    "knob_trials_owner, knob_intermediate_by_seq}'::name[]))"

/* Whether the current schema (the first of the search path, where CREATE puts tables)
 * holds this knob's schema: knob_meta's comment is this knob's mark, or else what the DDL
 * makes is all there (SCHEMA_BUILT_BUT_STAMPS and SCHEMA_STAMPS, read only then, in a round
 * trip of its own: planned with the first, even as a CASE branch never run, its catalogs
 * doubled the look in a new backend, 12 ms to 25 ms at the least on a busy server of many
 * schemas) and the schema's version is this knob's. Both knobs of a fleet that mixes this one
 * with an older knob of the same version (whose mark differs) so run the DDL once, not at
 * each of their opens by turns: an open that finds the schema built leaves another's mark as
 * it is. *but_stamps (when given) is set when all is there but the intermediate values'
 * stamps (a schema 5 of a knob before them). Also sets client_min_messages: one round trip
 * for the usual case. The catalogs are read by a query, in its snapshot: to_regclass looked
 * knob_meta up in the backend's catalog cache, which an open that waited for another's
 * schema had not refreshed (a lookup before the wait had cached "no such table", and an
 * advisory lock accepts no invalidations), so it ran the DDL again beside the workers
 * already preparing their statements; with a DDL statement that locks a table ACCESS
 * EXCLUSIVE, they deadlocked. */
static bool schema_current(pg *d, const char *mark, bool *but_stamps)
{
    if (but_stamps)
        *but_stamps = false;
    PGresult *r = PQexec(d->c, "SET client_min_messages = warning; SELECT (SELECT d.description "
                               "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_description d ON "
                               "d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass "
                               "AND d.objsubid = 0 WHERE c.relname = 'knob_meta' AND "
                               "c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE "
                               "nspname = current_schema()))");
    bool read = ok(r) && PQntuples(r) == 1;
    bool current = read && !PQgetisnull(r, 0, 0) && strcmp(PQgetvalue(r, 0, 0), mark) == 0;
    bool marked = read && !PQgetisnull(r, 0, 0);
    PQclear(r);
    if (current || !marked)
        return current;
    r = PQexec(d->c,
               "WITH " SCHEMA_RELATIONS " SELECT " SCHEMA_BUILT_BUT_STAMPS ", " SCHEMA_STAMPS);
    bool built = ok(r) && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    bool stamps = built && PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (!built)
        return false;
    r = PQexec(d->c, "SELECT value FROM knob_meta WHERE key = 'schema_version'");
    current = ok(r) && PQntuples(r) == 1 && atoi(PQgetvalue(r, 0, 0)) == SCHEMA_VERSION;
    PQclear(r);
    if (but_stamps)
        *but_stamps = current && !stamps;
    return current && stamps;
}

/* Opens a transaction of the DDL and takes the schema's lock for it (the transaction's, the
 * one an older knob takes too: a lock of the session's stays behind under a pooler, whose
 * next transaction of this session may run on another backend, and the unlock there
 * releases nothing); *current set when the schema is current by then (made by the open this
 * one waited for): the transaction is then committed, and nothing more is to be done. */
static int schema_begin(pg *d, const char *mark, bool *current, bool *lost_race)
{
    char lock[64];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", KNOB_PG_LOCK);
    int rc = exec_text(d, "BEGIN", lost_race);
    if (!rc)
        rc = exec_text(d, lock, lost_race);
    *current = !rc && schema_current(d, mark, NULL);
    if (!rc && *current)
        rc = exec_text(d, "COMMIT", lost_race);
    return rc;
}

/* The DDL, each step in a transaction of its own under the schema's lock (schema_begin,
 * which looks again whether the schema is current): schema[] (with the check of the
 * version), then each of schema_apart[], then the mark. A step's statements look
 * themselves whether there is anything left to do (IF NOT EXISTS, the DO blocks). */
static int run_schema(pg *d, const char *mark, bool *lost_race)
{
    char comment[128];
    bool current = false;
    int rc = schema_begin(d, mark, &current, lost_race);
    bool ran = !rc && !current; /* this open runs schema[]: makes or upgrades the schema */
    for (size_t i = 0; !rc && !current && i < sizeof schema / sizeof *schema; i++)
        rc = exec_text(d, schema[i], lost_race);
    if (!rc && !current) {
        PGresult *r = PQexec(d->c, "SELECT value FROM knob_meta WHERE key = 'schema_version'");
        int version = ok(r) && PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
        PQclear(r);
        if (version > SCHEMA_VERSION)
            rc = knob__error(KNOB_ECORRUPT,
                             "postgresql storage '%s': created by a newer knob "
                             "(schema %d; this one reads up to %d)",
                             d->where, version, SCHEMA_VERSION);
        if (!rc)
            rc = exec_text(d, "COMMIT", lost_race);
    }
    snprintf(comment, sizeof comment, "COMMENT ON TABLE knob_meta IS '%s'", mark);
    size_t n = sizeof schema_apart / sizeof *schema_apart;
    for (size_t i = 0; !rc && !current && i <= n; i++) {
        rc = schema_begin(d, mark, &current, lost_race);
        if (!rc && !current)
            rc = exec_text(d, i < n ? schema_apart[i] : comment, lost_race);
        if (!rc && !current)
            rc = exec_text(d, "COMMIT", lost_race);
    }
    /* An upgrade leaves this knob's mark, even where the steps apart were there (a schema 4
     * of the knobs that made the tokens first): with the older knob's mark left, that knob
     * took the schema for its own, skipped its check of the version, and failed on a table
     * the upgrade had dropped, not with "created by a newer knob". */
    if (!rc && ran && current) {
        char lock[64];
        snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", KNOB_PG_LOCK);
        rc = exec_text(d, "BEGIN", lost_race);
        if (!rc)
            rc = exec_text(d, lock, lost_race);
        if (!rc)
            rc = exec_text(d, comment, lost_race);
        if (!rc)
            rc = exec_text(d, "COMMIT", lost_race);
    }
    if (rc && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    return rc;
}

/* The open of a schema 5 without the intermediate values' stamps whose DDL was refused to this
 * session (read-only, or a role that may not alter the tables): the handle goes on as a knob
 * before the stamps did (pg.no_inter), as that knob opened such a schema without any DDL.
 * The failed DDL's transaction is ended, and its read-only error is no lost connection. */
static int without_stamps(pg *d)
{
    d->transient = d->read_only = d->refused = false;
    if (PQtransactionStatus(d->c) != PQTRANS_IDLE) {
        PGresult *r = PQexec(d->c, "ROLLBACK");
        bool rolled_back = ok(r);
        PQclear(r);
        if (!rolled_back)
            return result_msg(d, "end the schema's transaction", NULL);
    }
    d->no_inter = true;
    return KNOB_OK;
}

/* Creates or upgrades the schema unless it is current. An upgrade locks the tables it changes
 * while a worker of the older knob may still be writing them in the other order: the server
 * then ends one of the two with a deadlock, often the upgrade, which changed nothing and is
 * tried again once the writer's statement is through (the writer goes on). */
static int create_schema(pg *d)
{
    char mark[64];
    bool but_stamps;
    schema_mark(mark, sizeof mark);
    d->no_inter = false;
    if (schema_current(d, mark, &but_stamps))
        return KNOB_OK;
    double pause = 0.05;
    for (int attempt = 1;; attempt++) {
        bool lost_race = false;
        d->refused = false;
        int rc = run_schema(d, mark, &lost_race);
        if (rc && but_stamps && d->refused)
            return without_stamps(d);
        if (!rc || !lost_race || attempt == SCHEMA_TRIES)
            return rc;
        nap(pause);
        pause = pause * 2 > 1 ? 1 : pause * 2;
    }
}

/* True for failures that go away by themselves: a server starting up, shutting down or
 * recovering, and, once this open has seen the server, a refused connection (it is
 * restarting). A refusal before that is nothing listening at the host and port: waiting
 * for it made every command wait 30 s without a word when the URL was wrong or the
 * server was down. */
static bool transient(const PGconn *c, bool seen_up)
{
    const char *m = PQerrorMessage(c);
    return (seen_up && strstr(m, "Connection refused")) || strstr(m, "starting up") ||
           strstr(m, "shutting down") || strstr(m, "recovery mode");
}

/* Connects, waiting with backoff up to `patience` seconds while the server is
 * restarting; a wrong password, an unknown host or nothing listening fails at once. */
static PGconn *connect_first(const char *url, double patience, bool seen_up)
{
    double waited = 0, pause = 0.1;
    PGconn *c = PQconnectdb(url);
    while (c && PQstatus(c) != CONNECTION_OK && transient(c, seen_up) && waited < patience) {
        PQfinish(c);
        nap(pause);
        waited += pause;
        pause = pause * 2 > 2 ? 2 : pause * 2;
        c = PQconnectdb(url);
    }
    return c;
}

static void close_pg(void *be)
{
    pg *d = be;
    if (!d)
        return;
    PQfinish(d->c);
    free(d->conninfo);
    free(d->where);
    free(d);
}

/* Whether the URL's query (after '?') sets `key`. */
static bool url_sets(const char *url, const char *key)
{
    const char *q = strchr(url, '?');
    size_t n = strlen(key);
    while (q) {
        q++;
        if (!strncmp(q, key, n) && q[n] == '=')
            return true;
        q = strchr(q, '&');
    }
    return false;
}

/* The URL, with libpq's connect_timeout set to PG_CONNECT_TIMEOUT unless the URL (or
 * PGCONNECT_TIMEOUT) sets it, or names a service (or PGSERVICE does), whose file may set
 * it (a URL's parameters would override the file's): libpq's own default waits for ever
 * for a server that takes the TCP connection and never answers (a hung host, a port
 * forwarded to nothing). Malloc'd; NULL when out of memory. */
static char *with_connect_timeout(const char *url)
{
    const char *env = getenv("PGCONNECT_TIMEOUT"), *service = getenv("PGSERVICE");
    if ((env && env[0]) || (service && service[0]) || url_sets(url, "connect_timeout") ||
        url_sets(url, "service"))
        return knob__strdup(url);
    size_t len = strlen(url), n = len + sizeof "&connect_timeout=" PG_CONNECT_TIMEOUT;
    const char *sep = !strchr(url, '?') ? "?" : strchr("?&", url[len - 1]) ? "" : "&";
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%sconnect_timeout=" PG_CONNECT_TIMEOUT, url, sep);
    return out;
}

/* Why the connection failed, on one line: libpq's message names the host and port (and
 * says "Connection refused" or "timeout expired") over several lines. A URL libpq cannot
 * read is quoted in it, whole or in part: the password is taken out before it is cut. */
static int cannot_connect(pg *d)
{
    char all[4096], msg[600];
    snprintf(all, sizeof all, "%s", d->c ? PQerrorMessage(d->c) : "out of memory");
    knobx_redact_secret(all, sizeof all, d->conninfo);
    snprintf(msg, sizeof msg, "%s", all);
    char *w = msg;
    for (const char *r = msg; *r; r++)
        if (!isspace((unsigned char)*r))
            *w++ = *r;
        else if (w > msg && w[-1] != ' ')
            *w++ = ' ';
    *w = 0;
    return fail_msg(d, "cannot connect", msg);
}

/* libpq's notices go nowhere: its default printed them on stderr, among them the server's
 * "FATAL:  terminating connection due to administrator command" of a restart, without a
 * word of which storage or operation; knob says what a lost connection did (with_retry). A
 * NULL processor leaves the default in place. */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int open_pg(const char *url, const char *where, void **be)
{
    (void)where;
    if (knobx_lazy_pq()) /* libpq is opened on the first use of PostgreSQL */
        return knob__needs("postgresql storage", knobx_lazy_pq());
    pg *d = calloc(1, sizeof *d);
    if (!d || !(d->conninfo = with_connect_timeout(url)) || !(d->where = knobx_redact_url(url))) {
        close_pg(d);
        return knob__oom("postgresql storage");
    }
    /* libpq would read the rest of such a password as the host, port or database, and
     * quote it in its message */
    char bad = knobx_url_userinfo_unescaped(url);
    if (knobx_url_at_ambiguous(url)) {
        int rc = knob__error(KNOB_EINVAL,
                             "postgresql storage '%s': the URL holds more than one '@' (one "
                             "after a '/', '?' or '#'), so where its user name and password "
                             "end cannot be told; write each '@' of the password or the "
                             "database as %%40 (and a password's '/' as %%2F, '?' as %%3F, "
                             "'#' as %%23)",
                             d->where);
        close_pg(d);
        return rc;
    }
    if (bad) {
        int rc = knob__error(KNOB_EINVAL,
                             "postgresql storage '%s': the user name or password holds '%c', "
                             "which a URL reads as the end of them; write it %s",
                             d->where, bad,
                             bad == '@'   ? "%40"
                             : bad == '/' ? "%2F"
                             : bad == '?' ? "%3F"
                                          : "%23");
        close_pg(d);
        return rc;
    }
    /* spaces around the number passed over; an empty value (only spaces) is none: 300 */
    const char *env = getenv("KNOB_PG_RETRY_SECONDS"), *num = env ? env + strspn(env, " \t") : "";
    size_t len = strlen(num);
    while (len && (num[len - 1] == ' ' || num[len - 1] == '\t'))
        len--;
    d->retry_for = 300;
    if (len && !knob__parse_seconds(num, len, MAX_RETRY_SECONDS, &d->retry_for)) {
        int rc = knob__error(KNOB_EINVAL,
                             "postgresql storage '%s': KNOB_PG_RETRY_SECONDS is how many "
                             "seconds a lost connection is waited for, a number from 0 to "
                             "%.0f (no unit); got '%s'",
                             d->where, MAX_RETRY_SECONDS, env);
        close_pg(d);
        return rc;
    }
    seed_tokens(d);
    /* A server restarting in the middle of this is waited for, like one starting up; one
     * not listening at all is not (connect_first). */
    double patience = d->retry_for < 30 ? d->retry_for : 30, start = knob__now();
    int rc;
    for (bool seen_up = false;; seen_up = true) {
        d->transient = d->read_only = false;
        d->c = connect_first(d->conninfo, patience, seen_up);
        if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
            /* refused for good (password, host, nothing listening, no answer in
             * connect_timeout): no point in waiting */
            rc = cannot_connect(d);
            break;
        }
        rc = KNOB_OK;
        set_gone(d, false); /* it answers */
        PQsetNoticeProcessor(d->c, quiet_notice, NULL);
        rc = create_schema(d);
        if (!rc)
            rc = start_session(d);
        if (!rc || !connection_lost(d) || knob__now() - start > patience)
            break;
        PQfinish(d->c);
        d->c = NULL;
        nap(0.2);
    }
    if (rc) {
        close_pg(d);
        return rc;
    }
    *be = d;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- studies */

static void dirs_text(char *buf, size_t size, const knob_direction *dirs, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && used + 10 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                                 dirs[i] == KNOB_MAXIMIZE ? "maximize" : "minimize");
}

static int parse_dirs(pg *d, const char *text, knob_direction **out, size_t *n)
{
    size_t count = text[0] ? 1 : 0; /* "": a study without objective */
    for (const char *p = text; *p; p++)
        count += *p == ',';
    knob_direction *dirs = malloc((count ? count : 1) * sizeof *dirs);
    if (!dirs)
        return knob__oom("directions");
    const char *p = text;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(p, "maximize", 8) && strncmp(p, "minimize", 8)) {
            free(dirs);
            return knob__error(KNOB_ECORRUPT,
                               "postgresql storage '%s': unreadable directions "
                               "'%s'",
                               d->where, text);
        }
        dirs[i] = p[1] == 'a' ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
        p += 8 + (p[8] == ',');
    }
    *out = dirs;
    *n = count;
    return KNOB_OK;
}

typedef struct study_args {
    const char *name;
    const knob_direction *dirs;
    size_t n_dirs;
    int64_t *id;
    knob_direction **dirs_out;
    size_t *n_out;
    bool existed;
    char created[32];    /* create_study's: the same in every attempt */
    double row_created;  /* op_find's row's */
} study_args;

static int op_find(pg *d, void *a_)
{
    study_args *a = a_;
    const char *p[1] = {a->name};
    PGresult *r = NULL;
    int rc = q1(d, Q_FIND_STUDY, 1, p, &r, "find a study");
    if (rc)
        return rc;
    if (!PQntuples(r))
        rc = knob__error(KNOB_ENOTFOUND, "no study named '%s' in '%s'", a->name, d->where);
    else {
        *a->id = get_i64(r, 0, 0);
        a->row_created = get_dbl(r, 0, 2);
        if (a->dirs_out)
            rc = parse_dirs(d, PQgetvalue(r, 0, 1), a->dirs_out, a->n_out);
    }
    PQclear(r);
    return rc;
}

static int find_study(void *be, const char *name, int64_t *id, knob_direction **dirs,
                      size_t *n_dirs)
{
    study_args a = {.name = name, .id = id, .dirs_out = dirs, .n_out = n_dirs};
    return with_retry(be, op_find, &a, false, "find a study");
}

static int op_create_study(pg *d, void *a_)
{
    study_args *a = a_;
    char text[4096];
    dirs_text(text, sizeof text, a->dirs, a->n_dirs);
    const char *p[3] = {a->name, text, a->created};
    PGresult *r = NULL;
    int rc = q1(d, Q_INSERT_STUDY, 3, p, &r, "create a study");
    if (rc)
        return rc;
    a->existed = PQntuples(r) == 0;
    if (!a->existed)
        *a->id = get_i64(r, 0, 0);
    PQclear(r);
    if (!a->existed || (rc = op_find(d, a)))
        return rc;
    /* An earlier attempt whose reply the connection lost may have made it: a row of this
     * call's own time of creation is this call's (knob_study_create_new's creator is not
     * told that its study exists). */
    if (a->row_created == strtod(a->created, NULL))
        a->existed = false;
    return KNOB_OK;
}

static int create_study(void *be, const char *name, const knob_direction *dirs, size_t n_dirs,
                        int64_t *id)
{
    study_args a = {.name = name, .dirs = dirs, .n_dirs = n_dirs, .id = id};
    /* in 15 digits, which every server gives back as they are (one of PostgreSQL 11 or
     * extra_float_digits = 0 prints 15): op_create_study knows its row by them */
    snprintf(a.created, sizeof a.created, "%.15g", knob__now());
    int rc = with_retry(be, op_create_study, &a, false, "create a study");
    return rc ? rc : a.existed ? KNOB_EEXIST : KNOB_OK;
}

/* ---------------------------------------------------------------- summaries' best values */

/* A summary's best value from the study's record of its best trials (list_studies_best),
 * inside op_list's snapshot. The reads are not prepared (a listing runs them once a study). */
static int64_t get_be64(const PGresult *r, int row, int col);

typedef struct rec_best {
    const char *key;
    knob__best_reader read;
    void *ctx;
} rec_best;

static int read_once(pg *d, const char *text, int n, const char *const *p, bool binary,
                     PGresult **out, const char *what)
{
    if (!PQsendQueryParams(d->c, text, n, NULL, p, NULL, NULL, binary ? 1 : 0))
        return fail_msg(d, what, PQerrorMessage(d->c));
    PGresult *r, *last = NULL;
    while ((r = PQgetResult(d->c))) {
        PQclear(last);
        last = r;
    }
    return checked(d, last, out, what);
}

/* The record's trials unchanged since its stamp ($2): all $3 of the numbers $4 there and
 * stamped at or below it; then the best first value of the trials stamped after it (the
 * list's query of every trial, narrowed). */
static int best_after(pg *d, const char *const p[4], bool max, PGresult **out)
{
    char text[2048];
    snprintf(text, sizeof text,
             "SELECT (SELECT COUNT(*) = $3::bigint AND COALESCE(bool_and(seq <= $2::bigint), "
             "true) FROM knob_trials WHERE study = $1 AND number = ANY($4::bigint[])), (%s AND "
             "t.seq > $2::bigint)",
             sql[max ? Q_BEST_MAX : Q_BEST_MIN]);
    return read_once(d, text, 4, p, false, out, "find the best value");
}

/* *done false when there is no record to use (the caller queries every trial). */
static int best_by_record(pg *d, const rec_best *b, int64_t id, knob_study_summary *e, bool *done)
{
    *done = false;
    char sid[32], stamp[32];
    const char *p[4] = {num(sid, id), b->key};
    PGresult *r = NULL;
    int rc = read_once(d,
                       "SELECT stamp, data FROM knob_sampler_states WHERE study = $1 AND key = "
                       "$2 AND stamp < " XMAX,
                       2, p, true, &r, "read the record of the best trials");
    double best = NAN;
    const int64_t *numbers = NULL;
    size_t n = 0;
    int64_t at = rc || PQntuples(r) != 1 ? 0 : get_be64(r, 0, 0);
    bool ok = at > 0 && b->read(b->ctx, id, e->directions[0], at, PQgetvalue(r, 0, 1),
                                (size_t)PQgetlength(r, 0, 1), &best, &numbers, &n);
    PQclear(r);
    if (!ok)
        return rc;
    /* the numbers as an array's text: "{1,2,3}" */
    size_t size = 3 + 21 * n, len = 1;
    char count[32], *list = malloc(size);
    if (!list)
        return knob__oom("study list");
    list[0] = '{';
    for (size_t k = 0; k < n; k++)
        len +=
            (size_t)snprintf(list + len, size - len, k ? ",%lld" : "%lld", (long long)numbers[k]);
    snprintf(list + len, size - len, "}");
    p[1] = num(stamp, at);
    p[2] = num(count, (int64_t)n);
    p[3] = list;
    bool max = e->directions[0] == KNOB_MAXIMIZE;
    rc = best_after(d, p, max, &r);
    free(list);
    if (rc)
        return rc;
    if (PQgetvalue(r, 0, 0)[0] == 't') {
        double v = get_dbl(r, 0, 1);
        if (max ? v > best : v < best)
            best = v;
        /* a zero's sign: MIN and MAX take either of -0 and 0, as the rows come; the
         * query of every trial answers that */
        *done = best != 0;
        if (*done)
            e->best_value = best;
    }
    PQclear(r);
    return KNOB_OK;
}

/* The study's best first value (p[0]: its id) from knob_trials_best; a zero from MIN or
 * MAX, which take either of -0 and 0 as the rows come, as they answer. */
static int best_first(pg *d, const char *const p[1], bool max, knob_study_summary *e)
{
    PGresult *c = NULL;
    int rc = q1(d, max ? Q_BEST_FIRST_MAX : Q_BEST_FIRST_MIN, 1, p, &c, "find the best value");
    if (rc)
        return rc;
    e->best_value = PQntuples(c) ? get_dbl(c, 0, 0) : NAN;
    PQclear(c);
    if (e->best_value != 0)
        return KNOB_OK;
    if ((rc = q1(d, max ? Q_BEST_MAX : Q_BEST_MIN, 1, p, &c, "find the best value")))
        return rc;
    e->best_value = get_dbl(c, 0, 0);
    PQclear(c);
    return KNOB_OK;
}

typedef struct list_args {
    knob_study_summary *list;
    size_t n;
    const rec_best *rec; /* NULL: every best value found over every trial */
} list_args;

static int op_list(pg *d, void *a_)
{
    list_args *a = a_;
    PGresult *r = NULL;
    int rc = q1(d, Q_LIST_STUDIES, 0, NULL, &r, "list studies");
    if (rc)
        return rc;
    int n = PQntuples(r);
    knob__summaries_free(a->list, a->n); /* from an attempt cut short */
    a->n = 0;
    a->list = calloc((size_t)n + 1, sizeof *a->list);
    if (!a->list) {
        PQclear(r);
        return knob__oom("study list");
    }
    for (int i = 0; !rc && i < n; i++) {
        knob_study_summary *e = &a->list[a->n++];
        knob_direction *dirs = NULL;
        e->name = knob__strdup(PQgetvalue(r, i, 1));
        rc = parse_dirs(d, PQgetvalue(r, i, 2), &dirs, &e->n_objectives);
        e->directions = dirs;
        e->created = get_dbl(r, i, 3);
        char id[32];
        const char *p[1] = {num(id, get_i64(r, i, 0))};
        PGresult *c = NULL;
        if (!rc && !(rc = q1(d, Q_COUNT_TRIALS, 1, p, &c, "count trials"))) {
            e->n_trials = get_i64(c, 0, 0);
            e->n_complete = get_i64(c, 0, 1);
            PQclear(c);
        }
        e->best_value = NAN;
        bool done = false;
        if (!rc && e->n_objectives && a->rec)
            rc = best_by_record(d, a->rec, get_i64(r, i, 0), e, &done);
        if (!rc && !done && e->n_objectives)
            rc = best_first(d, p, dirs[0] == KNOB_MAXIMIZE, e);
    }
    PQclear(r);
    return rc;
}

static int list_studies(void *be, knob_study_summary **out, size_t *n)
{
    list_args a = {0};
    int rc = with_retry(be, op_list, &a, true, "list studies");
    if (rc) {
        knob__summaries_free(a.list, a.n);
        return rc;
    }
    *out = a.list;
    *n = a.n;
    return KNOB_OK;
}

static int list_studies_best(void *be, const char *key, knob__best_reader read, void *ctx,
                             knob_study_summary **out, size_t *n)
{
    rec_best b = {key, read, ctx};
    list_args a = {.rec = &b};
    int rc = with_retry(be, op_list, &a, true, "list studies");
    if (rc) {
        knob__summaries_free(a.list, a.n);
        return rc;
    }
    *out = a.list;
    *n = a.n;
    return KNOB_OK;
}

typedef struct id_args {
    int64_t study, trial, number, *out, *out2;
    bool system, found;
    const char *key, *json;
    double value;
    knob_trial_state state;
    const double *values;
    size_t n;
    const knob_attr *attrs;
    int (*cb)(void *ctx, const char *key, const char *json);
    void *ctx;
    bool retried;
    /* a finish's end time, the same at every attempt: a retry knows its first attempt's
     * commit by it (not_finished) */
    double end;
    bool unfinished; /* set_trial_attr: refused for a finished trial */
    const knob__param_rec *params; /* finish_params: written with the finish */
    size_t n_params;
    /* A creation's or a take's token (new_token), the same at every attempt; whether an
     * attempt was sent (a later one looks for what it did first: create_once, op_claim);
     * whether the last attempt failed because a trial holds the token. */
    int64_t token;
    bool sent, clash, taken; /* taken: the trial found by its token was taken, not made */
    /* a->token is a take's (spare_token): the trial it took waits again (give_back) */
    bool give_back;
    /* the creation makes its trial whole in its transaction, and the trial its token finds
     * is its own in any state (create_added: a RUNNING trial finished in that transaction) */
    bool whole;
} id_args;

static int no_such_study(pg *d, int64_t study)
{
    return knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': no study with id %lld", d->where,
                       (long long)study);
}

/* Runs a statement on one study; KNOB_ENOTFOUND when it touched no row. */
static int study_write(pg *d, int q, int n, const char *const *p, const char *what, int64_t study)
{
    PGresult *r = NULL;
    int rc = q1(d, q, n, p, &r, what);
    if (rc)
        return rc;
    bool touched = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    return touched ? KNOB_OK : no_such_study(d, study);
}

static int study_exists(pg *d, int64_t study)
{
    char id[32];
    const char *p[1] = {num(id, study)};
    PGresult *r = NULL;
    int rc = q1(d, Q_STUDY_EXISTS, 1, p, &r, "find a study");
    if (rc)
        return rc;
    bool found = PQntuples(r) > 0;
    PQclear(r);
    return found ? KNOB_OK : no_such_study(d, study);
}

static int op_delete(pg *d, void *a_)
{
    static const int which[3] = {Q_DELETE_STUDY, Q_DELETE_FREE, Q_DELETE_TRIALS},
                     n_params[3] = {1, 1, 1};
    id_args *a = a_;
    char id[32];
    const char *p[1] = {num(id, a->study)};
    PGresult *res[5] = {0};
    int rc = pipelined(d, "BEGIN", which, n_params, 3, 0, p, res, "delete a study");
    bool touched = !rc && atoi(PQcmdTuples(res[1])) > 0;
    for (int i = 0; i < 5; i++)
        PQclear(res[i]);
    return rc ? rc : touched ? KNOB_OK : no_such_study(d, a->study);
}

static int delete_study(void *be, int64_t study)
{
    id_args a = {.study = study};
    return with_retry(be, op_delete, &a, false, "delete a study");
}

static int op_set_study_attr(pg *d, void *a_)
{
    id_args *a = a_;
    char id[32];
    const char *p[4] = {num(id, a->study), a->system ? "true" : "false", a->key, a->json};
    return study_write(d, Q_SET_STUDY_ATTR, 4, p, "set a study attribute", a->study);
}

static int set_study_attr(void *be, int64_t study, bool system, const char *key, const char *json)
{
    id_args a = {.study = study, .system = system, .key = key, .json = json};
    return with_retry(be, op_set_study_attr, &a, false, "set a study attribute");
}

static int op_get_study_attrs(pg *d, void *a_)
{
    id_args *a = a_;
    char id[32];
    const char *p[2] = {num(id, a->study), a->system ? "true" : "false"};
    PGresult *r = NULL;
    int rc = q1(d, Q_GET_STUDY_ATTRS, 2, p, &r, "read study attributes");
    if (rc)
        return rc;
    if (!PQntuples(r) && (rc = study_exists(d, a->study))) {
        PQclear(r);
        return rc;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++)
        rc = a->cb(a->ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    PQclear(r);
    return rc;
}

static int get_study_attrs(void *be, int64_t study, bool system,
                           int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    id_args a = {.study = study, .system = system, .cb = cb, .ctx = ctx};
    return with_retry(be, op_get_study_attrs, &a, false, "read study attributes");
}

/* ---------------------------------------------------------------- trials */

static void array_text(knobx_buf *b, const char *text);

/* The attributes' keys and JSON texts as two PostgreSQL arrays. */
static void attr_arrays(const id_args *a, knobx_buf *keys, knobx_buf *jsons)
{
    knobx_buf_puts(keys, "{");
    knobx_buf_puts(jsons, "{");
    for (size_t i = 0; i < a->n; i++) {
        array_text(keys, a->attrs[i].key);
        array_text(jsons, a->attrs[i].json);
    }
    knobx_buf_puts(keys, "}");
    knobx_buf_puts(jsons, "}");
}

/* After a creation that found no number while the study has a cap (TAKE_NUMBER): waits for
 * the creations that hold a free number below the cap; *again when one is free now (its
 * creation rolled back), else every number below the cap is a trial. */
static int free_wait(pg *d, int64_t study, int64_t cap, bool *again, const char *what)
{
    *again = false;
    if (cap <= 0)
        return KNOB_OK;
    char s[32], c[32];
    const char *p[2] = {num(s, study), num(c, cap)};
    PGresult *r = NULL;
    int rc = q1(d, Q_FREE_WAIT, 2, p, &r, what);
    if (rc)
        return rc;
    *again = get_i64(r, 0, 0) > 0;
    PQclear(r);
    return KNOB_OK;
}

static int at_cap(pg *d, int64_t study, int64_t cap)
{
    int rc = study_exists(d, study);
    return rc ? rc
              : knob__error(KNOB_EDONE,
                            "postgresql storage '%s': study %lld holds %lld trials, its cap",
                            d->where, (long long)study, (long long)cap);
}

/* A creation's TAKEN row (TAKE_NUMBER): the trial made (its id and number into a), or
 * *again when numbers were allotted or a held number came free (free_wait), else the cap's
 * error (or no such study). a->number is the cap. */
static int taken(pg *d, const PGresult *r, id_args *a, bool *again, const char *what)
{
    *again = false;
    if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
        *a->out = get_i64(r, 0, 0);
        *a->out2 = get_i64(r, 0, 1);
        return KNOB_OK;
    }
    if (PQntuples(r) == 1 && PQgetvalue(r, 0, 2)[0] == 't') {
        *again = true; /* numbers allotted: take one */
        return KNOB_OK;
    }
    int rc = free_wait(d, a->study, a->number, again, what);
    return rc || *again ? rc : at_cap(d, a->study, a->number);
}

/* Runs a statement that writes a->token; a->clash set when it failed because a trial holds
 * the token (SQLSTATE 23505 on knob_trials_token, knob_trials_taken_by or knob_trials_owner:
 * another write's, or this one's earlier attempt that the retry did not wait for), or because
 * another statement holds the token's lock (22012: TOKEN_HELD; another write's token of the
 * same 31 bits, since a retry holds its own lock before it writes). */
static int run_creation(pg *d, int q, int n, const char *const *p, id_args *a, PGresult **out,
                        const char *what)
{
    PGresult *r = run(d, q, n, p);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL,
               *name = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    a->clash = (state && name && !strcmp(state, "23505") &&
                (!strcmp(name, "knob_trials_token") || !strcmp(name, "knob_trials_taken_by") ||
                 !strcmp(name, "knob_trials_owner"))) ||
               (state && !strcmp(state, "22012"));
    return checked(d, r, out, what);
}

/* The trial of the study that holds a->token, into *a->out and *a->out2 (*found), and
 * whether it was taken with it (a->taken). Only a trial that is still the attempt's is
 * found: a RUNNING one, made or taken with the token; for a creation of a WAITING trial (an
 * enqueue) one in any state, since another worker may have taken it, and run it, since; for
 * a trial added whole (a->whole), one made in any state, the state its transaction gave it. A
 * RUNNING trial's token found on a finished one (failed for its lost heartbeats while the
 * retry waited for the server, or finished by another process) was the attempt's, and is
 * not handed back as a fresh trial: *stale set, the caller makes or takes another with a
 * new token. */
static int by_token(pg *d, id_args *a, bool *found, bool *stale)
{
    char s[32], t[32];
    const char *p[2] = {num(s, a->study), num(t, a->token)};
    PGresult *r = NULL;
    *found = *stale = false;
    int rc = q1(d, Q_TRIAL_BY_TOKEN, 2, p, &r, "look for a trial by its creation's token");
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        bool taken = PQgetvalue(r, 0, 2)[0] == 't';
        int state = atoi(PQgetvalue(r, 0, 3));
        *found = state == KNOB_TRIAL_RUNNING ||
                 ((a->state == KNOB_TRIAL_WAITING || a->whole) && !taken);
        *stale = !*found;
        if (*found) {
            *a->out = get_i64(r, 0, 0);
            *a->out2 = get_i64(r, 0, 1);
            a->taken = taken;
        }
    }
    PQclear(r);
    return KNOB_OK;
}

/* How long a retry waits for an earlier attempt's statement to end (token_wait) before it
 * goes on without: seconds. */
#define TOKEN_WAIT_SECONDS 30.0

/* Opens the retry's transaction and takes its token's lock (TOKEN_LOCK), so that every
 * earlier attempt has committed or rolled back, or will write nothing (TOKEN_HELD), before
 * the retry looks for its token in a later statement (READ COMMITTED: its snapshot is taken
 * after the lock, and sees what the earlier attempt committed). A lost connection is often
 * still open on the server (it notices the end only when it next reads or writes it, or
 * when its keepalives give up), and an attempt there may still be running, or not yet have
 * read its statement: the retry, not seeing its trial, made or took another, and the first
 * attempt then committed its own. The unique indexes of the tokens catch the retry that
 * writes its token where the first attempt writes it too (its write waits for the first
 * attempt, and clashes if it commits), and knob_trials_owner across the two columns (the
 * token of the trial's making or of its take, one entry a row): without the lock, a first
 * attempt that took a waiting trial (taken_by) beside a retry that, skipping that trial while
 * the first attempt held it, made a new one (token) left the taken trial RUNNING, owned by no
 * one, and the retry's write now clashes instead. The lock keeps the retry from such a
 * clash, and from writing at all while its first attempt may commit. A first attempt that
 * the server reads after the retry's transaction has ended finds the lock free: the unique
 * indexes alone fail it (the retry's token is in one of them by then). The lock is the
 * transaction's (a pooler may give each transaction another backend); an earlier attempt
 * that holds it longer than TOKEN_WAIT_SECONDS (a transaction on a connection the server has
 * not yet seen end) is not waited for: the retry goes on without (*locked false), the indexes
 * still guarding it. */
static int token_wait(pg *d, id_args *a, bool *locked)
{
    char t[32], w[32];
    double s = d->retry_for < TOKEN_WAIT_SECONDS ? d->retry_for : TOKEN_WAIT_SECONDS;
    snprintf(w, sizeof w, "%.0f", s > 0.001 ? s * 1000 : 1);
    const char *p[2] = {num(t, a->token), w};
    *locked = false;
    int rc = exec_plain(d, "BEGIN");
    if (rc)
        return rc;
    PGresult *r = run(d, Q_TOKEN_WAIT, 2, p);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    bool timeout = state && !strcmp(state, "55P03");
    rc = checked(d, r, &r, "wait for an earlier attempt's token");
    if (!rc) {
        PQclear(r);
        *locked = true;
        return KNOB_OK;
    }
    if (!connection_lost(d))
        exec_plain(d, "ROLLBACK");
    return timeout && !connection_lost(d) ? KNOB_OK : rc;
}

/* Ends the retry's transaction (token_wait), after `rc`: committed when it went through,
 * else rolled back, unless the attempt ended it itself (waiting_whole). */
static int token_done(pg *d, int rc)
{
    if (connection_lost(d))
        return rc ? rc : KNOB_ESTORAGE;
    PGTransactionStatusType t = PQtransactionStatus(d->c);
    if (t == PQTRANS_IDLE)
        return rc;
    if (!rc && t == PQTRANS_INTRANS)
        return exec_plain(d, "COMMIT");
    exec_plain(d, "ROLLBACK");
    return rc;
}

/* A trial found by a->token, a take's whose retry took nothing (spare_token), taken by the
 * take's first attempt after its retry ended: no one was told of it, so it waits again, and
 * the creation makes its own trial with the token (*made false). */
static int give_back(pg *d, id_args *a, bool *made)
{
    char s[32], i[32], t[32];
    const char *p[3] = {num(s, a->study), num(i, *a->out), num(t, a->token)};
    PGresult *r = NULL;
    int rc = a->taken ? q1(d, Q_GIVE_BACK, 3, p, &r, "give back a trial taken after its retry")
                      : KNOB_OK;
    PQclear(r);
    *made = !a->taken; /* a trial made with a take's token: another write's, kept */
    /* The given-back trial is not the ask's: should the creation that follows fail (the
     * study at its max_trials, say), the ask must not fail that trial in its stead. */
    if (!rc && a->taken)
        *a->out = -1;
    return rc;
}

/* Runs `fn`, a creation that writes a->token into the trial it makes (or an ask that writes
 * it into the waiting trial it takes), once: an attempt after one that was sent (with_retry,
 * after a lost connection) first takes the token's lock (token_wait), then, in the same
 * transaction, looks for the trial the earlier attempts made or took, and takes it (*made)
 * rather than make or take another. An earlier attempt may have committed with its reply
 * lost on the way (done again, the trial it made or took stayed RUNNING for ever, owned by no
 * one), or be still running on the server (the lock waits for it), or not even have started
 * there (it fails at the lock, TOKEN_HELD). A trial of the token that is no longer the
 * attempt's (by_token) is left as it is, and a new one made or taken with a new token. A
 * clash of a first attempt, or one whose trial is not the study's, is another write's token
 * (one in 2^64 per pair; or its lock: one in 2^31): a new token is drawn. */
static int create_once(pg *d, id_args *a, op_fn fn, void *args, bool *made)
{
    *made = false;
    for (bool clashed = false;;) {
        bool stale = false, locked = false;
        int rc = a->sent ? token_wait(d, a, &locked) : KNOB_OK;
        if (!rc && a->sent)
            rc = by_token(d, a, made, &stale);
        if (!rc && *made && a->give_back) {
            rc = give_back(d, a, made);
            /* The trial given back waits again whatever comes of the creation below (the
             * study at its max_trials, say: rolled back with it, the trial stayed taken by
             * no one). No attempt of the token is left to wait for: the late one was found. */
            if (!rc && !*made && locked) {
                rc = token_done(d, KNOB_OK);
                locked = false;
            }
        }
        if (rc || *made)
            return locked ? token_done(d, rc) : rc;
        if (clashed || stale) { /* the token is another write's, or an earlier trial's */
            a->token = new_token(d);
            a->sent = false;
            if (locked) /* the lock is of the old token */
                rc = token_done(d, KNOB_OK);
            locked = false;
            if (rc)
                return rc;
        }
        bool earlier = a->sent;
        a->sent = true;
        a->clash = false;
        rc = fn(d, args);
        if (locked)
            rc = token_done(d, rc);
        if (!rc || !a->clash)
            return rc;
        clashed = true;
        a->sent = earlier; /* no earlier attempt: nothing of this one's to look for */
    }
}

static int insert_trial(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], st[32], t[32], cap[32], tok[32];
    knobx_buf keys = {0}, jsons = {0};
    attr_arrays(a, &keys, &jsons);
    const char *p[7] = {num(s, a->study),
                        num(st, a->state),
                        a->state == KNOB_TRIAL_WAITING ? NULL : dbl(t, knob__now()),
                        num(cap, a->number),
                        knobx_buf_cstr(&keys),
                        knobx_buf_cstr(&jsons),
                        num(tok, a->token)};
    PGresult *r = NULL;
    bool again = true;
    int rc = keys.oom || jsons.oom ? knob__oom("trial attributes") : KNOB_OK;
    while (!rc && again) {
        if ((rc = run_creation(d, Q_CREATE_TRIAL, 7, p, a, &r, "create a trial")))
            break;
        rc = taken(d, r, a, &again, "create a trial");
        PQclear(r);
    }
    knobx_buf_free(&keys);
    knobx_buf_free(&jsons);
    return rc;
}

static int op_create_trial(pg *d, void *a_)
{
    bool made;
    return create_once(d, a_, insert_trial, a_, &made);
}

static int insert_claimed(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], st[32], t[32], cap[32], tok[32];
    knobx_buf keys = {0}, jsons = {0};
    attr_arrays(a, &keys, &jsons);
    const char *p[8] = {num(s, a->study),
                        num(st, KNOB_TRIAL_RUNNING),
                        dbl(t, knob__now()),
                        num(cap, a->number),
                        knobx_buf_cstr(&keys),
                        knobx_buf_cstr(&jsons),
                        a->key,
                        num(tok, a->token)};
    PGresult *r = NULL;
    int rc = keys.oom || jsons.oom
                 ? knob__oom("trial attributes")
                 : run_creation(d, Q_CREATE_CLAIMED, 8, p, a, &r, "create a trial with its claim");
    knobx_buf_free(&keys);
    knobx_buf_free(&jsons);
    if (rc)
        return rc;
    a->found = false;
    if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
        *a->out = get_i64(r, 0, 0);
        *a->out2 = get_i64(r, 0, 1);
        a->found = true;
    } else if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 2), "t")) {
        rc = at_cap(d, a->study, a->number); /* no study, or it holds its cap */
    }
    PQclear(r);
    return rc;
}

/* A trial found by its token was made with the claim: the claim is this creation's. A
 * retry that finds the key claimed looks for its token once more: the claim may be its
 * earlier attempt's, committed after the retry's first look (an earlier attempt that
 * token_wait did not wait for, and that committed while the retry waited for the study's row),
 * and its trial is then this creation's; taken as lost, that trial stayed RUNNING, owned by
 * no one, and the key's point was never run. */
static int op_create_claimed(pg *d, void *a_)
{
    id_args *a = a_;
    bool made, retry = a->sent, stale = false;
    int64_t token = a->token;
    int rc = create_once(d, a, insert_claimed, a, &made);
    if (!rc && !made && !a->found && retry && a->token == token)
        rc = by_token(d, a, &made, &stale);
    if (made)
        a->found = true;
    return rc;
}

static int create_claimed(void *be, int64_t study, int64_t cap, const char *key,
                          const knob_attr *attrs, size_t n_attrs, bool *won, int64_t *id,
                          int64_t *number)
{
    id_args a = {.study = study,
                 .number = cap,
                 .key = key,
                 .attrs = attrs,
                 .n = n_attrs,
                 .out = id,
                 .out2 = number,
                 .token = new_token(be)};
    int rc = with_retry(be, op_create_claimed, &a, false, "create a trial with its claim");
    *won = !rc && a.found;
    return rc;
}

static int create_trial(void *be, int64_t study, knob_trial_state state, int64_t cap,
                        const knob_attr *attrs, size_t n_attrs, int64_t *id, int64_t *number)
{
    id_args a = {.study = study,
                 .state = state,
                 .number = cap,
                 .attrs = attrs,
                 .n = n_attrs,
                 .out = id,
                 .out2 = number,
                 .token = new_token(be)};
    pg *d = be;
    if (d->spare_token && d->spare_study == study && state == KNOB_TRIAL_RUNNING) {
        if (getpid() == d->token_pid) /* not a forked child's: the parent's take */
            a.token = d->spare_token, a.sent = a.give_back = true;
        d->spare_token = 0;
    }
    return with_retry(be, op_create_trial, &a, false, "create a trial");
}

static int pop_once(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], now[32], tok[32];
    knobx_buf keys = {0}, jsons = {0};
    attr_arrays(a, &keys, &jsons);
    const char *p[5] = {num(s, a->study), dbl(now, knob__now()), num(tok, a->token),
                        knobx_buf_cstr(&keys), knobx_buf_cstr(&jsons)};
    PGresult *r = NULL;
    int rc = keys.oom || jsons.oom ? knob__oom("trial attributes")
                                   : run_creation(d, Q_POP, 5, p, a, &r, "take a waiting trial");
    knobx_buf_free(&keys);
    knobx_buf_free(&jsons);
    if (rc)
        return rc;
    bool study = PQntuples(r) > 0;
    a->found = study && !PQgetisnull(r, 0, 0);
    if (a->found) {
        *a->out = get_i64(r, 0, 0);
        *a->out2 = get_i64(r, 0, 1);
    }
    PQclear(r);
    return study ? KNOB_OK : no_such_study(d, a->study);
}

/* A trial found by its token was taken by an earlier attempt whose reply was lost. */
static int op_pop(pg *d, void *a_)
{
    id_args *a = a_;
    bool made;
    a->retried = a->retried || a->sent;
    int rc = create_once(d, a, pop_once, a, &made);
    if (made)
        a->found = true;
    return rc;
}

/* Q_POP_OR_CREATE: a waiting trial is taken before a new one is made; neither waits for
 * another worker (both skip what others hold). One statement, one round trip. */
static int pop_or_insert(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], now[32], cap[32], tok[32];
    const char *p[4] = {num(s, a->study), dbl(now, knob__now()), num(cap, a->number),
                        num(tok, a->token)};
    const char *what = "take a waiting trial or create one";
    a->found = false;
    for (bool again = true; again;) {
        PGresult *r = NULL;
        int rc = run_creation(d, Q_POP_OR_CREATE, 4, p, a, &r, what);
        again = false;
        if (!rc && PQntuples(r) == 1 && PQgetvalue(r, 0, 3)[0] == 't') {
            a->found = true;
            *a->out = get_i64(r, 0, 0);
            *a->out2 = get_i64(r, 0, 1);
        } else if (!rc) {
            rc = taken(d, r, a, &again, what);
        }
        PQclear(r);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* A trial found by its token was taken (a->found) or made by an earlier attempt. */
static int op_pop_or_create(pg *d, void *a_)
{
    id_args *a = a_;
    bool made;
    int rc = create_once(d, a, pop_or_insert, a, &made);
    if (made)
        a->found = a->taken;
    return rc;
}

static int pop_or_create(void *be, int64_t study, int64_t cap, int64_t *id, int64_t *number,
                         bool *popped)
{
    id_args a = {.study = study, .number = cap, .out = id, .out2 = number, .token = new_token(be)};
    int rc = with_retry(be, op_pop_or_create, &a, false, "take a waiting trial or create one");
    *popped = !rc && a.found;
    return rc;
}

static int pop_attrs(void *be, int64_t study, const knob_attr *attrs, size_t n_attrs,
                     int64_t *id, int64_t *number, bool *found)
{
    id_args a = {.study = study,
                 .attrs = attrs,
                 .n = n_attrs,
                 .out = id,
                 .out2 = number,
                 .token = new_token(be)};
    int rc = with_retry(be, op_pop, &a, false, "take a waiting trial");
    *found = !rc && a.found;
    pg *d = be;
    if (!rc && !a.found && a.retried)
        d->spare_token = a.token, d->spare_study = study;
    return rc;
}

static int pop_waiting(void *be, int64_t study, int64_t *id, int64_t *number, bool *found)
{
    return pop_attrs(be, study, NULL, 0, id, number, found);
}

static int op_trial_id(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], n[32];
    const char *p[2] = {num(s, a->study), num(n, a->number)};
    PGresult *r = NULL;
    int rc = q1(d, Q_TRIAL_ID, 2, p, &r, "find a trial");
    if (rc)
        return rc;
    if (PQntuples(r))
        *a->out = get_i64(r, 0, 0);
    else
        rc = knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': the study has no trial %lld",
                         d->where, (long long)a->number);
    PQclear(r);
    return rc;
}

static int trial_id(void *be, int64_t study, int64_t number, int64_t *id)
{
    id_args a = {.study = study, .number = number, .out = id};
    return with_retry(be, op_trial_id, &a, false, "find a trial");
}

/* Runs a stamped write on one trial; KNOB_ENOTFOUND when the trial is not the study's. */
static int trial_write(pg *d, int q, int n, const char *const *p, const char *what, int64_t trial,
                       bool may_be_empty)
{
    PGresult *r = NULL;
    int rc = q1(d, q, n, p, &r, what);
    if (rc)
        return rc;
    if (!may_be_empty && !PQntuples(r))
        rc = knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': no trial with id %lld", d->where,
                         (long long)trial);
    PQclear(r);
    return rc;
}

/* Appends a PostgreSQL array element, quoted and escaped. */
static void array_text(knobx_buf *b, const char *text)
{
    knobx_buf_puts(b, b->len > 1 ? ",\"" : "\"");
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\')
            knobx_buf_add(b, "\\", 1);
        knobx_buf_add(b, c, 1);
    }
    knobx_buf_puts(b, "\"");
}

/* The state and number of trial `trial` of `study` (Q_TRIAL_STATE); KNOB_ENOTFOUND when the
 * study has no such trial. */
static int trial_state(pg *d, int64_t study, int64_t trial, int *state, int64_t *number)
{
    char t[32], s[32];
    const char *p[2] = {num(t, trial), num(s, study)};
    PGresult *r = NULL;
    int rc = q1(d, Q_TRIAL_STATE, 2, p, &r, "read a trial's state");
    if (rc)
        return rc;
    if (!PQntuples(r)) {
        PQclear(r);
        return knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': no trial with id %lld",
                           d->where, (long long)trial);
    }
    *state = atoi(PQgetvalue(r, 0, 0));
    *number = get_i64(r, 0, 1);
    PQclear(r);
    return KNOB_OK;
}

/* Why a write that needs its trial unfinished (`what`: "set a param of") wrote nothing: the
 * trial is gone, or finished. */
static int not_open(pg *d, int64_t study, int64_t trial, const char *what)
{
    int state;
    int64_t number;
    int rc = trial_state(d, study, trial, &state, &number);
    return rc ? rc
              : knob__error(KNOB_ESTATE, "cannot %s trial %lld: it is already %s (in '%s')", what,
                            (long long)number, knob__state_word((knob_trial_state)state),
                            d->where);
}

typedef struct params_args {
    int64_t study, trial;
    const knob__param_rec *params;
    size_t n;
} params_args;

/* The params as three array literals (names, dists, internals); false when out of memory. */
static bool params_arrays(const knob__param_rec *params, size_t n, knobx_buf *names,
                          knobx_buf *dists, knobx_buf *values)
{
    knobx_buf_puts(names, "{");
    knobx_buf_puts(dists, "{");
    knobx_buf_puts(values, "{");
    for (size_t i = 0; i < n; i++) {
        array_text(names, params[i].name);
        array_text(dists, params[i].dist_json);
        knobx_buf_printf(values, "%s%.17g", i ? "," : "", params[i].internal);
    }
    knobx_buf_puts(names, "}");
    knobx_buf_puts(dists, "}");
    knobx_buf_puts(values, "}");
    return !names->oom && !dists->oom && !values->oom;
}

static int op_set_params(pg *d, void *a_)
{
    params_args *a = a_;
    knobx_buf names = {0}, dists = {0}, values = {0};
    bool ok = params_arrays(a->params, a->n, &names, &dists, &values);
    char s[32], t[32];
    const char *p[5] = {num(s, a->study), num(t, a->trial), knobx_buf_cstr(&names),
                        knobx_buf_cstr(&dists), knobx_buf_cstr(&values)};
    PGresult *r = NULL;
    int rc = !ok ? knob__oom("params") : q1(d, Q_SET_PARAMS, 5, p, &r, "set params");
    bool set = !rc && PQntuples(r);
    if (!rc && !set) {
        PQclear(r);
        r = NULL;
        rc = q1(d, Q_SET_PARAMS_MERGE, 5, p, &r, "set params");
        set = !rc && PQntuples(r);
    }
    PQclear(r);
    if (!rc && !set)
        rc = not_open(d, a->study, a->trial, "set a param of");
    knobx_buf_free(&names);
    knobx_buf_free(&dists);
    knobx_buf_free(&values);
    return rc;
}

static int set_params(void *be, int64_t study, int64_t trial, const knob__param_rec *params,
                      size_t n)
{
    params_args a = {study, trial, params, n};
    return with_retry(be, op_set_params, &a, false, "set params");
}

static int set_param(void *be, int64_t study, int64_t trial, const char *name,
                     const char *dist_json, double internal)
{
    knob__param_rec rec = {.name = name, .dist_json = dist_json, .internal = internal};
    return set_params(be, study, trial, &rec, 1);
}

/* The answer of a write of a trial that must be unfinished (Q_REPORT, Q_SET_TRIAL_ATTR:
 * its number, its state, and whether it was written), freed: KNOB_ENOTFOUND without the
 * trial, KNOB_ESTATE ("cannot WHAT trial N: it is already ...") when it was finished. */
static int trial_written(pg *d, PGresult *r, int64_t trial, const char *what)
{
    int rc = KNOB_OK;
    if (!PQntuples(r))
        rc = knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': no trial with id %lld", d->where,
                         (long long)trial);
    else if (strcmp(PQgetvalue(r, 0, 2), "t") != 0)
        rc = knob__error(KNOB_ESTATE, "cannot %s trial %lld: it is already %s (in '%s')", what,
                         (long long)get_i64(r, 0, 0),
                         knob__state_word((knob_trial_state)atoi(PQgetvalue(r, 0, 1))),
                         d->where);
    PQclear(r);
    return rc;
}

static int op_report(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], t[32], step[32], v[32];
    const char *p[4] = {num(s, a->study), num(t, a->trial), num(step, a->number), dbl(v, a->value)};
    PGresult *r = NULL;
    int rc = q1(d, Q_REPORT, 4, p, &r, "report a value");
    return rc ? rc : trial_written(d, r, a->trial, "record a value of");
}

static int report(void *be, int64_t study, int64_t trial, int64_t step, double value)
{
    id_args a = {.study = study, .trial = trial, .number = step, .value = value};
    return with_retry(be, op_report, &a, false, "report a value");
}

static int op_set_trial_attr(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], t[32];
    const char *p[6] = {num(s, a->study), num(t, a->trial), a->system ? "true" : "false",
                        a->key, a->json, a->unfinished ? "true" : "false"};
    PGresult *r = NULL;
    int rc = q1(d, Q_SET_TRIAL_ATTR, 6, p, &r, "set a trial attribute");
    return rc ? rc : trial_written(d, r, a->trial, "set an attribute of");
}

static int set_trial_attr(void *be, int64_t study, int64_t trial, bool system, const char *key,
                          const char *json, bool unfinished)
{
    id_args a = {.study = study,
                 .trial = trial,
                 .system = system,
                 .key = key,
                 .json = json,
                 .unfinished = unfinished};
    return with_retry(be, op_set_trial_attr, &a, false, "set a trial attribute");
}

typedef struct waiting_args {
    id_args c; /* the creation: study, cap, system attributes, token, and where its id goes */
    const knob__waiting_rec *w;
    int64_t id, number;
} waiting_args;

/* The statements of create_trial, set_params, report and set_trial_attr that make a waiting
 * trial whole, in the caller's transaction. */
static int waiting_rows(pg *d, waiting_args *a)
{
    const knob__waiting_rec *w = a->w;
    int64_t study = a->c.study;
    int rc = insert_trial(d, &a->c);
    if (!rc && w->n_params) {
        params_args p = {study, a->id, w->params, w->n_params};
        rc = op_set_params(d, &p);
    }
    for (size_t i = 0; !rc && i < w->n_intermediate; i++) {
        id_args r = {.study = study,
                     .trial = a->id,
                     .number = w->intermediate[i].step,
                     .value = w->intermediate[i].value};
        rc = op_report(d, &r);
    }
    for (size_t i = 0; !rc && i < w->n_user_attrs; i++) {
        id_args u = {.study = study,
                     .trial = a->id,
                     .key = w->user_attrs[i].key,
                     .json = w->user_attrs[i].json};
        rc = op_set_trial_attr(d, &u);
    }
    return rc;
}

/* waiting_rows between BEGIN and COMMIT: the trial is made whole or not at all (a failure
 * rolls back its number too). */
static int waiting_whole(pg *d, void *a_)
{
    waiting_args *a = a_;
    int rc = exec_plain(d, "BEGIN");
    bool open = !rc;
    if (!rc)
        rc = waiting_rows(d, a);
    if (!rc && !(rc = exec_plain(d, "COMMIT")))
        return KNOB_OK;
    if (open && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    return rc;
}

/* The transaction made the trial whole, so a trial found by its token is whole too: its
 * COMMIT's reply was lost, and it is not made again. */
static int op_create_waiting(pg *d, void *a_)
{
    waiting_args *a = a_;
    bool made;
    return create_once(d, &a->c, waiting_whole, a, &made);
}

static int create_waiting(void *be, int64_t study, int64_t cap, const knob__waiting_rec *w,
                          int64_t *id, int64_t *number)
{
    waiting_args a = {.c = {.study = study,
                            .state = KNOB_TRIAL_WAITING,
                            .number = cap,
                            .attrs = w->system_attrs,
                            .n = w->n_system_attrs,
                            .token = new_token(be)},
                      .w = w};
    a.c.out = &a.id;
    a.c.out2 = &a.number;
    int rc = with_retry(be, op_create_waiting, &a, false, "create a waiting trial");
    if (!rc) {
        *id = a.id;
        *number = a.number;
    }
    return rc;
}

typedef struct added_args {
    waiting_args r; /* the creation (a RUNNING trial made whole) and its rows */
    const knob__added_rec *a;
} added_args;

/* The finish of an added trial (Q_FINISH: its state, values and end time), in its
 * creation's transaction. */
static int added_finish(pg *d, added_args *x)
{
    const knob__added_rec *a = x->a;
    char s[32], t[32], st[32], end[32];
    knobx_buf arr = {0};
    knobx_buf_puts(&arr, "{");
    for (size_t i = 0; i < a->n_values; i++)
        knobx_buf_printf(&arr, "%s%.17g", i ? "," : "", a->values[i]);
    knobx_buf_puts(&arr, "}");
    const char *p[5] = {num(s, x->r.c.study), num(t, x->r.id), num(st, a->state),
                        dbl(end, isnan(a->end_time) ? knob__now() : a->end_time),
                        knobx_buf_cstr(&arr)};
    PGresult *r = NULL;
    int rc = arr.oom ? knob__oom("trial values")
                     : q1(d, Q_FINISH, 5, p, &r, "finish an added trial");
    if (!rc && get_i64(r, 0, 0) != 1)
        rc = knob__error(KNOB_ESTORAGE,
                         "postgresql storage '%s': added trial %lld could not be finished",
                         d->where, (long long)x->r.number);
    PQclear(r);
    knobx_buf_free(&arr);
    return rc;
}

/* waiting_rows of a RUNNING trial, then its finish (added_finish) and its own start time,
 * between BEGIN and COMMIT: every write stamps it with this transaction's id, and a reader
 * sees it as the transaction leaves it, in its state with everything of it, or not at all
 * (a failure rolls back its number too). */
static int added_whole(pg *d, void *a_)
{
    added_args *x = a_;
    const knob__added_rec *a = x->a;
    int rc = exec_plain(d, "BEGIN");
    bool open = !rc;
    if (!rc)
        rc = waiting_rows(d, &x->r);
    if (!rc && a->state != KNOB_TRIAL_RUNNING)
        rc = added_finish(d, x);
    if (!rc && !isnan(a->start_time)) {
        char s[32], t[32], t0[32];
        const char *p[4] = {num(s, x->r.c.study), num(t, x->r.id), dbl(t0, a->start_time),
                            NULL};
        rc = trial_write(d, Q_SET_TIMES, 4, p, "set a trial's times", x->r.id, false);
    }
    if (!rc && !(rc = exec_plain(d, "COMMIT")))
        return KNOB_OK;
    if (open && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    return rc;
}

/* As op_create_waiting: a trial found by its token was made whole by an attempt whose
 * COMMIT's reply was lost, and is not made again. */
static int op_create_added(pg *d, void *a_)
{
    added_args *x = a_;
    bool made;
    return create_once(d, &x->r.c, added_whole, x, &made);
}

static int create_added(void *be, int64_t study, int64_t cap, const knob__added_rec *a,
                        int64_t *id, int64_t *number)
{
    added_args x = {.r = {.c = {.study = study,
                                .state = KNOB_TRIAL_RUNNING,
                                .number = cap,
                                .attrs = a->rows.system_attrs,
                                .n = a->rows.n_system_attrs,
                                .token = new_token(be),
                                .whole = true},
                          .w = &a->rows},
                    .a = a};
    x.r.c.out = &x.r.id;
    x.r.c.out2 = &x.r.number;
    int rc = with_retry(be, op_create_added, &x, false, "add a trial");
    if (!rc) {
        *id = x.r.id;
        *number = x.r.number;
    }
    return rc;
}

typedef struct requeue_args {
    int64_t study, trial;
    double start;
    const knob__waiting_rec *w;
    bool retried; /* an attempt was cut off by a lost connection: it may have committed */
} requeue_args;

/* Why Q_REQUEUE changed nothing: the trial is gone, or not the take's any more; or, after a
 * lost connection, it waits already: the earlier attempt's commit, whose reply was lost. */
static int not_requeued(pg *d, const requeue_args *a)
{
    int state;
    int64_t number;
    int rc = trial_state(d, a->study, a->trial, &state, &number);
    if (rc)
        return rc;
    if (a->retried && state == KNOB_TRIAL_WAITING)
        return KNOB_OK;
    return knob__error(KNOB_ESTATE,
                       "cannot put trial %lld back in the queue: it is %s, and not the take's "
                       "(in '%s')",
                       (long long)number, knob_trial_state_str((knob_trial_state)state), d->where);
}

/* The arrays of Q_REQUEUE_ROWS: steps and values, then the attributes (user, then system) as
 * flags, keys and jsons; false when out of memory. */
static bool requeue_arrays(const knob__waiting_rec *w, knobx_buf b[5])
{
    for (int i = 0; i < 5; i++)
        knobx_buf_puts(&b[i], "{");
    for (size_t i = 0; i < w->n_intermediate; i++) {
        knobx_buf_printf(&b[0], "%s%lld", i ? "," : "", (long long)w->intermediate[i].step);
        knobx_buf_printf(&b[1], "%s%.17g", i ? "," : "", w->intermediate[i].value);
    }
    for (size_t i = 0; i < w->n_user_attrs + w->n_system_attrs; i++) {
        bool system = i >= w->n_user_attrs;
        const knob_attr *at = system ? &w->system_attrs[i - w->n_user_attrs] : &w->user_attrs[i];
        knobx_buf_puts(&b[2], i ? (system ? ",t" : ",f") : (system ? "t" : "f"));
        array_text(&b[3], at->key);
        array_text(&b[4], at->json);
    }
    bool ok = true;
    for (int i = 0; i < 5; i++) {
        knobx_buf_puts(&b[i], "}");
        ok = ok && !b[i].oom;
    }
    return ok;
}

/* Q_REQUEUE and Q_REQUEUE_ROWS between BEGIN and COMMIT: the trial waits again whole, as it
 * was taken, or is left as it is. */
static int op_requeue(pg *d, void *a_)
{
    requeue_args *a = a_;
    const knob__waiting_rec *w = a->w;
    knobx_buf names = {0}, dists = {0}, internals = {0}, rows[5] = {{0}};
    bool ok = params_arrays(w->params, w->n_params, &names, &dists, &internals) &&
              requeue_arrays(w, rows);
    char s[32], t[32], start[32];
    const char *p[6] = {num(s, a->study),         num(t, a->trial),
                        dbl(start, a->start),     knobx_buf_cstr(&names),
                        knobx_buf_cstr(&dists),   knobx_buf_cstr(&internals)};
    const char *q[6] = {p[1],
                        knobx_buf_cstr(&rows[0]), knobx_buf_cstr(&rows[1]),
                        knobx_buf_cstr(&rows[2]), knobx_buf_cstr(&rows[3]),
                        knobx_buf_cstr(&rows[4])};
    PGresult *r = NULL;
    int rc = ok ? exec_plain(d, "BEGIN") : knob__oom("trial put back");
    bool open = ok && !rc;
    if (!rc)
        rc = q1(d, Q_REQUEUE, 6, p, &r, "put a trial back in the queue");
    bool put = !rc && PQntuples(r) == 1;
    PQclear(r);
    r = NULL;
    if (!rc && put)
        rc = q1(d, Q_REQUEUE_ROWS, 6, q, &r, "put a trial back in the queue");
    PQclear(r);
    knobx_buf_free(&names);
    knobx_buf_free(&dists);
    knobx_buf_free(&internals);
    for (int i = 0; i < 5; i++)
        knobx_buf_free(&rows[i]);
    if (!rc && put && !(rc = exec_plain(d, "COMMIT")))
        return KNOB_OK;
    if (open && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    if (rc) {
        if (open && connection_lost(d))
            a->retried = true;
        return rc;
    }
    return not_requeued(d, a);
}

static int requeue(void *be, int64_t study, int64_t trial, double start,
                   const knob__waiting_rec *w)
{
    requeue_args a = {.study = study, .trial = trial, .start = start, .w = w};
    return with_retry(be, op_requeue, &a, false, "put a trial back in the queue");
}

static int op_set_times(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], t[32], t0[32], t1[32];
    const char *p[4] = {num(s, a->study), num(t, a->trial),
                        isnan(a->values[0]) ? NULL : dbl(t0, a->values[0]),
                        isnan(a->values[1]) ? NULL : dbl(t1, a->values[1])};
    return trial_write(d, Q_SET_TIMES, 4, p, "set a trial's times", a->trial, false);
}

static int set_times(void *be, int64_t study, int64_t trial, double start, double end)
{
    double times[2] = {start, end};
    id_args a = {.study = study, .trial = trial, .values = times};
    return with_retry(be, op_set_times, &a, false, "set a trial's times");
}

/* The state and number of a trial that a finish (a->state, ending at a->end) found
 * finished, and whether that finish is this one's: its own state and end time. */
static int finished_as(pg *d, const id_args *a, int *state, int64_t *number, bool *own)
{
    char t[32], s[32], end[32];
    const char *p[3] = {num(t, a->trial), num(s, a->study), dbl(end, a->end)};
    PGresult *r = NULL;
    int rc = q1(d, Q_TRIAL_END, 3, p, &r, "read a trial's state");
    if (rc)
        return rc;
    if (!PQntuples(r)) {
        PQclear(r);
        return knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': no trial with id %lld",
                           d->where, (long long)a->trial);
    }
    *state = atoi(PQgetvalue(r, 0, 0));
    *number = get_i64(r, 0, 1);
    *own = *state == (int)a->state && !strcmp(PQgetvalue(r, 0, 2), "t");
    PQclear(r);
    return KNOB_OK;
}

/* Why a finish changed nothing: the trial is gone, already finished, or WAITING. */
static int not_finished(pg *d, id_args *a)
{
    int old = 0;
    int64_t number = 0;
    bool own = false;
    /* After a lost connection (or a failover's refusal) the first attempt may have
     * committed: done when the trial ended so at this finish's own end time. Another's
     * finish in the same state is refused, as it is without a retry. */
    int rc = a->retried ? finished_as(d, a, &old, &number, &own)
                        : trial_state(d, a->study, a->trial, &old, &number);
    if (rc || own)
        return rc;
    if (old == KNOB_TRIAL_WAITING)
        return knob__error(KNOB_ESTATE,
                           "cannot finish trial %lld: it is waiting (enqueued, not asked yet); a "
                           "trial is finished once it has been asked (in '%s')",
                           (long long)number, d->where);
    return knob__error(KNOB_ESTATE, "cannot finish trial %lld: it is already %s (in '%s')",
                       (long long)number, knob__state_word((knob_trial_state)old), d->where);
}

static int op_finish(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], t[32], st[32], now[32];
    knobx_buf arr = {0}, names = {0}, dists = {0}, internals = {0};
    knobx_buf_puts(&arr, "{");
    for (size_t i = 0; i < a->n; i++)
        knobx_buf_printf(&arr, "%s%.17g", i ? "," : "", a->values[i]);
    knobx_buf_puts(&arr, "}");
    bool ok = !arr.oom &&
              (!a->params || params_arrays(a->params, a->n_params, &names, &dists, &internals));
    const char *p[8] = {num(s, a->study),       num(t, a->trial),          num(st, a->state),
                        dbl(now, a->end),       knobx_buf_cstr(&arr),      knobx_buf_cstr(&names),
                        knobx_buf_cstr(&dists), knobx_buf_cstr(&internals)};
    PGresult *r = NULL;
    int rc = !ok         ? knob__oom("trial values")
             : a->params ? q1(d, Q_FINISH_PARAMS, 8, p, &r, "finish a trial")
                         : q1(d, Q_FINISH, 5, p, &r, "finish a trial");
    if (!rc && a->params && get_i64(r, 0, 0) == 0) { /* not running, or a name it has */
        PQclear(r);
        r = NULL;
        rc = q1(d, Q_FINISH_PARAMS_MERGE, 8, p, &r, "finish a trial");
    }
    knobx_buf_free(&arr);
    knobx_buf_free(&names);
    knobx_buf_free(&dists);
    knobx_buf_free(&internals);
    if (rc) {
        if (ok && connection_lost(d))
            a->retried = true;
        return rc;
    }
    bool changed = get_i64(r, 0, 0) > 0;
    PQclear(r);
    return changed ? KNOB_OK : not_finished(d, a);
}

static int finish(void *be, int64_t study, int64_t trial, knob_trial_state state,
                  const double *values, size_t n)
{
    id_args a = {.study = study,
                 .trial = trial,
                 .state = state,
                 .values = values,
                 .n = n,
                 .end = knob__now()};
    return with_retry(be, op_finish, &a, false, "finish a trial");
}

static int finish_params(void *be, int64_t study, int64_t trial, const knob__param_rec *params,
                         size_t n_params, knob_trial_state state, const double *values, size_t n)
{
    id_args a = {.study = study,
                 .trial = trial,
                 .state = state,
                 .values = values,
                 .n = n,
                 .params = params,
                 .n_params = n_params,
                 .end = knob__now()};
    return with_retry(be, op_finish, &a, false, "finish a trial");
}

typedef struct fail_args {
    waiting_args r; /* the retry: r.w NULL for none; r.c the study, cap and token */
    int64_t trial;
    const char *reason_json;
    bool enqueued;
    bool retried; /* an attempt was cut off by a lost connection: it may have committed */
    double end;   /* the FAIL's end time, the same at every attempt (not_finished) */
} fail_args;

/* The trial's FAIL, its fail_reason and its retry between BEGIN and COMMIT (fail_retry). The
 * FAIL comes first: it takes the trial's row and holds it to the end, so another failer, or
 * this one's next attempt after a lost connection (whose first the server may still be
 * running), waits for this transaction and then finds the trial failed, and writes nothing:
 * the retry is made once. */
static int fail_whole(pg *d, fail_args *a)
{
    char s[32], t[32], st[32], now[32];
    const char *p[5] = {num(s, a->r.c.study), num(t, a->trial), num(st, KNOB_TRIAL_FAIL),
                        dbl(now, a->end), "{}"};
    PGresult *r = NULL;
    a->enqueued = false;
    int rc = exec_plain(d, "BEGIN");
    bool open = !rc, failed = false;
    if (!rc && !(rc = q1(d, Q_FINISH, 5, p, &r, "fail a trial")))
        failed = get_i64(r, 0, 0) > 0;
    PQclear(r);
    if (!rc && failed && a->reason_json) {
        id_args u = {.study = a->r.c.study,
                     .trial = a->trial,
                     .system = true,
                     .key = "fail_reason",
                     .json = a->reason_json};
        rc = op_set_trial_attr(d, &u);
    }
    if (!rc && failed && a->r.w) {
        rc = waiting_rows(d, &a->r);
        a->enqueued = !rc;
        if (rc == KNOB_EDONE) /* the study at its cap: failed all the same, no retry */
            rc = KNOB_OK;
    }
    if (!rc && failed && !(rc = exec_plain(d, "COMMIT")))
        return KNOB_OK;
    a->enqueued = false;
    if (open && !connection_lost(d) && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK");
    if (rc)
        return rc;
    id_args f = {.study = a->r.c.study,
                 .trial = a->trial,
                 .state = KNOB_TRIAL_FAIL,
                 .retried = a->retried,
                 .end = a->end};
    return not_finished(d, &f); /* finished already: by another, or by an earlier attempt */
}

static int op_fail_retry(pg *d, void *a_)
{
    fail_args *a = a_;
    int rc = KNOB_OK;
    /* a clash: the retry's token is another write's (or its lock), drawn again */
    for (int i = 0; i < 8; i++) {
        a->r.c.clash = false;
        rc = fail_whole(d, a);
        if (rc && connection_lost(d))
            a->retried = true;
        if (!rc || !a->r.c.clash || connection_lost(d))
            break;
        a->r.c.token = new_token(d);
    }
    return rc;
}

static int fail_retry(void *be, int64_t study, int64_t trial, int64_t cap, const char *reason_json,
                      const knob__waiting_rec *w, bool *enqueued)
{
    fail_args a = {.r = {.c = {.study = study,
                               .state = KNOB_TRIAL_WAITING,
                               .number = cap,
                               .attrs = w ? w->system_attrs : NULL,
                               .n = w ? w->n_system_attrs : 0,
                               .token = new_token(be)},
                         .w = w},
                   .trial = trial,
                   .reason_json = reason_json,
                   .end = knob__now()};
    a.r.c.out = &a.r.id;
    a.r.c.out2 = &a.r.number;
    int rc = with_retry(be, op_fail_retry, &a, false, "fail a trial");
    *enqueued = !rc && a.enqueued;
    return rc;
}

/* A claim for a trial found taken by an attempt after one that was sent (with_retry, after
 * a lost connection) is this claim's when it holds the trial: the first attempt committed
 * and its reply was lost (taken as lost, a grid point was claimed by a trial that ran
 * another, and never run). A first attempt still running on the server has the retry's
 * insert wait for it. A claim for no trial cannot be told from another's so. */
static int op_claim(pg *d, void *a_)
{
    id_args *a = a_;
    char s[32], t[32];
    const char *p[3] = {num(s, a->study), a->key, a->trial >= 0 ? num(t, a->trial) : NULL};
    PGresult *r = NULL;
    bool retry = a->sent;
    a->sent = true;
    int rc = q1(d, Q_CLAIM, 3, p, &r, "claim");
    if (rc)
        return rc;
    a->found = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (a->found || !retry || a->trial < 0)
        return KNOB_OK;
    if ((rc = q1(d, Q_CLAIM_OF, 2, p, &r, "claim")))
        return rc;
    a->found = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) && get_i64(r, 0, 0) == a->trial;
    PQclear(r);
    return KNOB_OK;
}

static int claim(void *be, int64_t study, const char *key, int64_t trial, bool *won)
{
    id_args a = {.study = study, .key = key, .trial = trial};
    int rc = with_retry(be, op_claim, &a, false, "claim");
    *won = !rc && a.found;
    return rc;
}

/* ---------------------------------------------------------------- sync */

typedef struct sync_args {
    int64_t study, since, seq, changed;
    knob__sync_cb cb;
    void *ctx;
    /* `rows`: sync_added, whose stamp is lowered below the intermediate values a later write
     * stamped over too (Q_STAMPED_BY_ROWS); `added`: since is such a stamp (pg.marks), and a
     * trial's rows may come as added */
    bool rows, added;
} sync_args;

typedef struct scratch {
    knob__param_rec *params;
    size_t n_params, cap_params;
    double *values;
    size_t n_values, cap_values;
    knob_step_value *inter;
    size_t n_inter, cap_inter;
    knob_attr *attrs[2];
    size_t n_attrs[2], cap_attrs[2];
} scratch;

/* Gathers one trial's rows of Q_SYNC_ROWS (a binary result) from row *at (after its trial
 * row) to the next trial; strings point into the result (libpq ends each value with a zero
 * byte), valid until it is cleared. */
static int gather(scratch *x, const PGresult *r, int *at, int64_t id)
{
    x->n_params = x->n_values = x->n_inter = x->n_attrs[0] = x->n_attrs[1] = 0;
    for (int n = PQntuples(r); *at < n && bin_i64(r, *at, 1) == id; ++*at) {
        int i = *at;
        switch (bin_i64(r, i, 0)) {
        case 1:
            if (knob__grow(&x->params, &x->cap_params, x->n_params + 1, sizeof *x->params))
                return knob__oom("sync");
            x->params[x->n_params++] =
                (knob__param_rec){PQgetvalue(r, i, 8), PQgetvalue(r, i, 9), bin_dbl(r, i, 6)};
            break;
        case 2:
            if (knob__grow(&x->values, &x->cap_values, x->n_values + 1, sizeof *x->values))
                return knob__oom("sync");
            x->values[x->n_values++] = bin_dbl(r, i, 6);
            break;
        case 3:
            if (knob__grow(&x->inter, &x->cap_inter, x->n_inter + 1, sizeof *x->inter))
                return knob__oom("sync");
            x->inter[x->n_inter++] = (knob_step_value){bin_i64(r, i, 2), bin_dbl(r, i, 6)};
            break;
        case 4: {
            int k = bin_i64(r, i, 3) != 0;
            if (knob__grow(&x->attrs[k], &x->cap_attrs[k], x->n_attrs[k] + 1, sizeof *x->attrs[k]))
                return knob__oom("sync");
            x->attrs[k][x->n_attrs[k]++] = (knob_attr){PQgetvalue(r, i, 8), PQgetvalue(r, i, 9)};
            break;
        }
        default:
            return knob__error(KNOB_ECORRUPT, "postgresql storage: trial %lld read twice in a sync",
                               (long long)id);
        }
    }
    return KNOB_OK;
}

/* The trials changed since a->since (Q_SYNC_ROWS' result: each trial's row, then its own
 * rows), handed to a->cb; a->changed counts them. */
static int deliver(sync_args *a, const PGresult *r)
{
    scratch x = {0};
    int rc = KNOB_OK;
    a->changed = 0;
    for (int i = 0, n = PQntuples(r); !rc && i < n;) {
        int64_t id = bin_i64(r, i, 1);
        if (bin_i64(r, i, 0) != 0) {
            rc = knob__error(KNOB_ECORRUPT, "postgresql storage: rows of trial %lld without it",
                             (long long)id);
            break;
        }
        knob__trial_rec rec = {
            .id = id,
            .number = bin_i64(r, i, 3),
            .state = (knob_trial_state)bin_i64(r, i, 4),
            .start_time = bin_dbl(r, i, 6),
            .end_time = bin_dbl(r, i, 7),
            .seq = bin_i64(r, i, 5),
            .added = bin_i64(r, i, 2) != 0, /* Q_SYNC_ROWS_ADDED only */
        };
        i++;
        if ((rc = gather(&x, r, &i, id)))
            break;
        rec.n_params = x.n_params;
        rec.params = x.params;
        rec.n_values = x.n_values;
        rec.values = x.values;
        rec.n_intermediate = x.n_inter;
        rec.intermediate = x.inter;
        rec.n_user_attrs = x.n_attrs[0];
        rec.user_attrs = x.attrs[0];
        rec.n_system_attrs = x.n_attrs[1];
        rec.system_attrs = x.attrs[1];
        a->changed++;
        count(&count_trials);
        if (rec.state == KNOB_TRIAL_RUNNING || rec.state == KNOB_TRIAL_WAITING)
            count(&count_unfinished);
        rc = a->cb(a->ctx, &rec);
    }
    free(x.params);
    free(x.values);
    free(x.inter);
    free(x.attrs[0]);
    free(x.attrs[1]);
    return rc;
}

/* The stamp a sync reads up to (Q_WATERMARK's row): its mark, lowered below the first of the
 * transactions that ended after the sync's snapshot and stamped a trial of the study, looked
 * up in a snapshot taken after they ended (one more round trip, only when there are any).
 * With `rows` (sync_added), below the first that stamped an intermediate value of one too
 * (Q_STAMPED_BY_ROWS). */
static int watermark(pg *d, int64_t study, const PGresult *w, bool rows, int64_t *mark)
{
    *mark = get_i64(w, 0, 0);
    if (PQgetvalue(w, 0, 2)[0] == 't')
        count(&count_lock_reads);
    const char *ended = PQgetvalue(w, 0, 1);
    if (!strcmp(ended, "{}"))
        return KNOB_OK;
    count(&count_stamped_by);
    char s[32], m[32];
    const char *p[3] = {num(s, study), ended, num(m, *mark)};
    PGresult *r = NULL;
    int rc = q1(d, rows ? Q_STAMPED_BY_ROWS : Q_STAMPED_BY, rows ? 3 : 2, p, &r,
                "read changed trials");
    if (rc)
        return rc;
    if (!PQgetisnull(r, 0, 0) && get_i64(r, 0, 0) - 1 < *mark)
        *mark = get_i64(r, 0, 0) - 1;
    PQclear(r);
    return KNOB_OK;
}

/* The study's stamp and the changed trials' rows in one snapshot and one round trip: BEGIN,
 * the watermark, the rows and COMMIT go to the server as one pipeline (with many workers the
 * stamp has nearly always moved, and a round trip per read, each a wake-up of this process
 * and of its server process, cost more than the reads). */
static int op_sync(pg *d, void *a_)
{
    static const int n_params[3] = {0, 2, 2};
    sync_args *a = a_;
    const int which[3] = {Q_SYNC_PLAN, Q_WATERMARK, a->added ? Q_SYNC_ROWS_ADDED : Q_SYNC_ROWS};
    char s[32], since[32];
    const char *p[2] = {num(s, a->study), num(since, a->since)};
    PGresult *res[5] = {0};
    count(&count_syncs);
    int rc = pipelined(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", which, n_params, 3,
                       1u << 2, p, res, "read changed trials");
    if (!rc && !PQntuples(res[2]))
        rc =
            knob__error(KNOB_ENOTFOUND, "postgresql storage '%s': the study was deleted", d->where);
    int64_t mark = 0;
    if (!rc)
        rc = watermark(d, a->study, res[2], a->rows, &mark);
    if (!rc) {
        a->seq = mark > a->since ? mark : a->since;
        rc = deliver(a, res[3]);
    }
    for (int i = 0; i < 5; i++)
        PQclear(res[i]);
    return rc;
}

/* Notes a stamp sync_added returned for the study (pg.marks). */
static void rows_mark(pg *d, int64_t study, int64_t seq)
{
    size_t n = sizeof d->marks / sizeof *d->marks;
    for (size_t i = 0; i < n; i++)
        if (d->marks[i].study == study && d->marks[i].seq == seq)
            return;
    unsigned k = d->next_mark++ % n;
    d->marks[k].study = study;
    d->marks[k].seq = seq;
}

/* Whether a trial of the study changed since a->since (true too when the study is gone:
 * the sync that follows says so). */
static int op_changed(pg *d, void *a_)
{
    sync_args *a = a_;
    char s[32], since[32];
    const char *p[2] = {num(s, a->study), num(since, a->since)};
    PGresult *r = NULL;
    count(&count_looks);
    int rc = q1(d, Q_CHANGED, 2, p, &r, "look for changed trials");
    if (rc)
        return rc;
    a->changed = !PQntuples(r) || PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return KNOB_OK;
}

/* sync, or sync_added (`rows`) */
static int sync_some(pg *d, int64_t study, int64_t since, bool rows, knob__sync_cb cb, void *ctx,
                     int64_t *seq)
{
    sync_args a = {.study = study, .since = since, .cb = cb, .ctx = ctx, .rows = rows};
    for (size_t i = 0; rows && since > 0 && i < sizeof d->marks / sizeof *d->marks; i++)
        a.added = a.added || (d->marks[i].study == study && d->marks[i].seq == since);
    /* A worker whose last sync found nothing will likely find nothing again: one indexed
     * look. Where the last sync found changes, the next one very likely will too: the
     * pipeline at once (one round trip instead of two). */
    int rc = KNOB_OK;
    if (!d->others_write) {
        rc = with_retry(d, op_changed, &a, false, "look for changed trials");
        if (!rc && !a.changed) {
            *seq = since;
            return KNOB_OK;
        }
    }
    if (!rc)
        rc = with_retry(d, op_sync, &a, false, "read changed trials");
    if (!rc) {
        d->others_write = a.changed > 0;
        *seq = a.seq;
    }
    if (!rc && rows)
        rows_mark(d, study, a.seq);
    return rc;
}

static int sync_pg(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                   int64_t *seq)
{
    return sync_some(be, study, since, false, cb, ctx, seq);
}

/* sync for a reader that holds every trial as of `since` (backend.h): since a stamp this
 * handle's sync_added returned for the study, a trial whose rows were only added to comes
 * with those written since (INTER_ADDED, Q_SYNC_ROWS_ADDED); from any other stamp the changed
 * trials come whole, as sync gives them, and the stamp returned is one to go on from. */
static int sync_added_pg(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                         int64_t *seq)
{
    pg *d = be;
    return sync_some(d, study, since, !d->no_inter, cb, ctx, seq);
}

/* The best trial by knob_trials_best (BEST_TRIAL) with its rows: one statement, so one
 * snapshot. No trial (none feasible, or no complete one): *found false. */
typedef struct best_args {
    sync_args s;
    knob_direction dir;
} best_args;

static int op_best_trial(pg *d, void *a_)
{
    best_args *a = a_;
    char s[32];
    const char *p[1] = {num(s, a->s.study)};
    PGresult *r = NULL;
    int q = a->dir == KNOB_MAXIMIZE ? Q_BEST_ROWS_MAX : Q_BEST_ROWS_MIN;
    int rc = checked(d, run_bin(d, q, 1, p, -1, 0, true), &r, "find the best trial");
    if (!rc)
        rc = deliver(&a->s, r);
    PQclear(r);
    return rc;
}

static int best_trial(void *be, int64_t study, knob_direction dir, knob__sync_cb cb, void *ctx,
                      bool *found)
{
    best_args a = {.s = {.study = study, .cb = cb, .ctx = ctx}, .dir = dir};
    int rc = with_retry(be, op_best_trial, &a, false, "find the best trial");
    *found = !rc && a.s.changed == 1;
    return rc;
}

/* ---------------------------------------------------------------- records */

/* The core's records (snapshot.c's segments, sampler_state.c's and view.c's records): the
 * bytes go and come in binary (a snapshot of 100,000 trials is about 15 MB: as text it
 * would be twice that, and unescaped). A record is made by a process from a sync, and its
 * stamp is that sync's watermark: every trial stamped at or below it was read as written
 * (or is written again, with a larger stamp), so the trials changed since are exactly those
 * a sync from that stamp gives, however the writers' commits were ordered. */

static int64_t get_be64(const PGresult *r, int row, int col)
{
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t v = 0;
    for (int i = 0; PQgetlength(r, row, col) == 8 && i < 8; i++)
        v = v << 8 | b[i];
    return (int64_t)v;
}

typedef struct rec_args {
    int64_t study, from, to;
    const char *key;
    const void *data;
    size_t len;
    bool written;
    int (*snap_cb)(void *ctx, int64_t from, int64_t to, const void *data, size_t len);
    int (*state_cb)(void *ctx, int64_t stamp, const void *data, size_t len);
    knob__snap_make make;
    void *ctx;
} rec_args;

/* Runs a read of records (binary results); the result is the caller's to clear. */
static int rec_query(pg *d, int q, int n, const char *const *p, PGresult **out, const char *what)
{
    return checked(d, run_bin(d, q, n, p, -1, 0, true), out, what);
}

static int op_snap_read(pg *d, void *a_)
{
    rec_args *a = a_;
    char id[32];
    const char *p[1] = {num(id, a->study)};
    PGresult *r = NULL;
    int rc = rec_query(d, Q_SNAP_READ, 1, p, &r, "read the study's snapshot");
    for (int i = 0; !rc && i < PQntuples(r); i++)
        rc = a->snap_cb(a->ctx, get_be64(r, i, 0), get_be64(r, i, 1), PQgetvalue(r, i, 2),
                        (size_t)PQgetlength(r, i, 2));
    PQclear(r);
    return rc;
}

static int snap_read(void *be, int64_t study,
                     int (*cb)(void *ctx, int64_t from, int64_t to, const void *data, size_t len),
                     void *ctx)
{
    rec_args a = {.study = study, .snap_cb = cb, .ctx = ctx};
    return with_retry(be, op_snap_read, &a, false, "read the study's snapshot");
}

/* In one transaction: the study's writers' lock (given up at once when another holds it)
 * and the chain as it is, in a snapshot taken after it; then make, with the transaction
 * holding no id (a lock and reads take none: the workers' syncs do not see it, Q_WATERMARK);
 * then the segments replaced or appended to, and the commit. Two round trips; the
 * transaction takes its id at the writes and holds it for the last one only. Nothing is
 * encoded and no bytes are sent by a writer that does not hold the lock. */
static int op_snap_write(pg *d, void *a_)
{
    rec_args *a = a_;
    char id[32], from[32], to[32];
    static const char what[] = "write the study's snapshot";
    const pipe_step first[3] = {{.text = "BEGIN"},
                                {.q = Q_SNAP_LOCK, .n = 1, .bin = -1},
                                {.q = Q_SNAP_CHAIN, .n = 1, .bin = -1}};
    PGresult *res[3] = {0};
    const char *p0[1] = {num(id, a->study)};
    a->written = false;
    int rc = send_pipe(d, first, 3, p0, res, what);
    bool go = !rc && PQntuples(res[1]) == 1 && PQgetvalue(res[1], 0, 0)[0] == 't' &&
              PQntuples(res[2]) == 1 && PQgetvalue(res[2], 0, 0)[0] == 't';
    knob__snap_chain c = {0};
    if (go) {
        c.end = strtoll(PQgetvalue(res[2], 0, 1), NULL, 10);
        c.segs = (size_t)strtoull(PQgetvalue(res[2], 0, 2), NULL, 10);
        c.base_len = strtoull(PQgetvalue(res[2], 0, 3), NULL, 10);
        c.tail_len = strtoull(PQgetvalue(res[2], 0, 4), NULL, 10);
    }
    for (int i = 0; i < 3; i++)
        PQclear(res[i]), res[i] = NULL;
    knob__snap_seg seg = {0};
    if (go)
        rc = a->make(a->ctx, &c, &seg);
    go = go && !rc && seg.data && seg.len <= INT32_MAX && (seg.from == 0 || seg.from == c.end);
    if (go) {
        const char *p[4] = {id, num(from, seg.from), num(to, seg.to), (const char *)seg.data};
        const pipe_step put[3] = {{.q = Q_SNAP_CLEAR, .n = 1, .bin = -1},
                                  {.q = Q_SNAP_PUT, .n = 4, .bin = 3, .bin_len = (int)seg.len},
                                  {.text = "COMMIT"}};
        /* a whole chain replaces the old one; an append only adds */
        int skip = seg.from > 0;
        atomic_fetch_add_explicit(&count_snap_bytes, (int64_t)seg.len, memory_order_relaxed);
        rc = send_pipe(d, put + skip, 3 - skip, p, res, what);
        a->written = !rc && atoi(PQcmdTuples(res[1 - skip])) == 1;
        a->from = seg.from;
        for (int i = 0; i < 3; i++)
            PQclear(res[i]);
    }
    if (connection_lost(d))
        return rc ? rc : fail_msg(d, what, PQerrorMessage(d->c));
    if (PQtransactionStatus(d->c) != PQTRANS_IDLE)
        exec_plain(d, "ROLLBACK"); /* nothing written: the lock was held, nothing to add */
    if (rc)
        a->written = false;
    return rc;
}

static int snap_write(void *be, int64_t study, knob__snap_make make, void *ctx, bool *written)
{
    rec_args a = {.study = study, .make = make, .ctx = ctx};
    *written = false;
    count(&count_snap_tries);
    int rc = with_retry(be, op_snap_write, &a, false, "write the study's snapshot");
    *written = !rc && a.written;
    if (*written)
        count(&count_snap_written);
    if (*written && a.from == 0)
        count(&count_snap_whole);
    return rc;
}

static int op_state_read(pg *d, void *a_)
{
    rec_args *a = a_;
    char id[32];
    const char *p[2] = {num(id, a->study), a->key};
    PGresult *r = NULL;
    int rc = rec_query(d, Q_STATE_READ, 2, p, &r, "read the sampler's state");
    if (!rc && PQntuples(r) == 1)
        rc = a->state_cb(a->ctx, get_be64(r, 0, 0), PQgetvalue(r, 0, 1),
                         (size_t)PQgetlength(r, 0, 1));
    PQclear(r);
    return rc;
}

static int state_read(void *be, int64_t study, const char *key,
                      int (*cb)(void *ctx, int64_t stamp, const void *data, size_t len), void *ctx)
{
    rec_args a = {.study = study, .key = key, .state_cb = cb, .ctx = ctx};
    return with_retry(be, op_state_read, &a, false, "read the sampler's state");
}

static int op_state_write(pg *d, void *a_)
{
    rec_args *a = a_;
    char id[32], stamp[32];
    const char *p[4] = {num(id, a->study), a->key, num(stamp, a->to), (const char *)a->data};
    PGresult *r = run_bin(d, Q_STATE_PUT, 4, p, 3, (int)a->len, false);
    int rc = ok(r) ? KNOB_OK : result_msg(d, "write the sampler's state", r);
    a->written = !rc && atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    return rc;
}

static int state_write(void *be, int64_t study, const char *key, int64_t stamp, const void *data,
                       size_t len, bool *written)
{
    rec_args a = {.study = study, .key = key, .to = stamp, .data = data, .len = len};
    *written = false;
    if (len > INT32_MAX)
        return KNOB_OK;
    int rc = with_retry(be, op_state_write, &a, false, "write the sampler's state");
    *written = !rc && a.written;
    return rc;
}

/* The cluster (its system identifier, where the role may read it), the database and the
 * schema of this connection: the same server reached as localhost or 127.0.0.1, as
 * postgres:// or postgresql://, gives the same text. "" without the identifier (a cluster
 * copied from another shares the database's and schema's names). */
static int identity_pg(void *be, char *out, size_t size)
{
    pg *d = be;
    out[0] = 0;
    if (!d->c)
        return fail_msg(d, "identity", "no connection");
    PGresult *r = PQexec(d->c, "SELECT CASE WHEN has_function_privilege("
                               "'pg_catalog.pg_control_system()', 'execute') THEN (SELECT "
                               "system_identifier::text FROM pg_catalog.pg_control_system()) END, "
                               "current_database(), current_schema()");
    if (!ok(r) || PQntuples(r) != 1) {
        int rc = result_msg(d, "identity", r);
        PQclear(r);
        return rc;
    }
    if (!PQgetisnull(r, 0, 0))
        snprintf(out, size, "%s/%s/%s", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                 PQgetisnull(r, 0, 2) ? "" : PQgetvalue(r, 0, 2));
    PQclear(r);
    return KNOB_OK;
}

const knob__backend knob__backend_postgres = {
    .version = KNOB__BACKEND_VERSION,
    .scheme = "postgresql",
    .open = open_pg,
    .close = close_pg,
    .create_study = create_study,
    .find_study = find_study,
    .list_studies = list_studies,
    .list_studies_best = list_studies_best,
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
    .claim = claim,
    .sync = sync_pg,
    .sync_added = sync_added_pg,
    .set_params = set_params,
    .finish_params = finish_params,
    .set_times = set_times,
    .create_claimed = create_claimed,
    .create_waiting = create_waiting,
    .snap_read = snap_read,
    .snap_write = snap_write,
    .state_read = state_read,
    .state_write = state_write,
    .pop_or_create = pop_or_create,
    .interrupt = interrupt_pg,
    .best_trial = best_trial,
    .identity = identity_pg,
    .requeue = requeue,
    .pop_attrs = pop_attrs,
    .fail_retry = fail_retry,
    .create_added = create_added,
};
