/* The core's records on PostgreSQL (postgres.c: snap_read/snap_write, state_read/state_write):
 * the study snapshot, TPE's saved state and the best trial's record. A record is as of a
 * sync's watermark, so it is never served stale: another worker's trial written after it,
 * and a trial whose write began before the record was made and committed after it (the
 * writers commit out of stamp order), both come with the sync from the record's stamp; a
 * record of another cluster's ids (a database restored into a new cluster) is not read;
 * asks through TPE's state suggest what asks without it suggest; a database of schema 2
 * made before the records is upgraded in place. These run against the server named by
 * KNOB_TEST_PG_URL, each case in schemas of its own. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define BIG 2600 /* more than 2,048 observations: TPE's merged bad side */

static const knob_distribution dist_a = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};
static const knob_distribution dist_b = {
    .kind = KNOB_DIST_FLOAT, .low = 1e-3, .high = 10, .flags = KNOB_LOG};

static void sql(const char *url, const char *text)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "SET client_min_messages = warning");
    knob_test_pg_exec(c, text);
    PQfinish(c);
}

static long long sql_int(const char *url, const char *text)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, text);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", text, PQresultErrorMessage(r));
    long long v = PQgetisnull(r, 0, 0) ? -1 : atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return v;
}

static knob_study *open_study(knob_storage *st, const char *options, bool create)
{
    knob_sampler *sp;
    if (knob_sampler_create("tpe", options, &sp))
        fail_msg("sampler: %s", knob_errmsg());
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if ((create ? knob_study_create : knob_study_load)(st, "big", &o, &s))
        fail_msg("study: %s", knob_errmsg());
    return s;
}

/* Study "big" of BIG trials: 0 and 1 told through the API (complete, failed), the others
 * copies of them in SQL with their own params and values (every 50th failed). */
static void make_study(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", true);
    for (int k = 0; k < 2; k++) {
        knob_param p[2] = {{"a", &dist_a, 0.5}, {"b", &dist_b, 1.0}};
        double y = 1;
        knob_trial_info info = {.state = k ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE,
                                .n_params = 2,
                                .params = p,
                                .n_values = k ? 0 : 1,
                                .values = &y};
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    char text[4096];
    snprintf(text, sizeof text,
             "BEGIN;"
             "INSERT INTO knob_trials(study, number, state, start_time, end_time, seq, "
             "param_names, param_dists, param_internals, vals) "
             "SELECT t.study, k, t.state, t.start_time, t.end_time, txid_current(), "
             "t.param_names, t.param_dists, ARRAY(SELECT CASE u.name WHEN 'a' THEN v.a ELSE v.b "
             "END FROM unnest(t.param_names) WITH ORDINALITY AS u(name, o) ORDER BY u.o), "
             "CASE WHEN t.state = 1 THEN ARRAY[power(v.a - 1, 2) + power(v.b - 2, 2)] ELSE "
             "'{}' END FROM generate_series(2, %d) k JOIN knob_trials t ON t.number = "
             "(CASE WHEN k %% 50 = 1 THEN 1 ELSE 0 END), LATERAL (SELECT "
             "((k * 7919) %% 10007) / 10007.0::float8 * 10 - 5 AS a, 0.001 + "
             "((k * 104729) %% 10009) / 10009.0::float8 * 9.999 AS b) v;"
             "UPDATE knob_studies SET n_trials = %d; DELETE FROM knob_free_numbers;"
             "COMMIT;",
             BIG - 1, BIG);
    sql(url, text);
}

/* One process's ask, as knob ask does it: open, ask, suggest a and b, detach, close. */
static int64_t ask_one(const char *url, bool state, double x[2])
{
    if (state)
        unsetenv("KNOB_SAMPLER_STATE");
    else
        setenv("KNOB_SAMPLER_STATE", "off", 1);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=7", false);
    knob_trial *t;
    if (knob_study_ask(s, &t))
        fail_msg("ask: %s", knob_errmsg());
    assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[0]), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "b", 1e-3, 10, 0, KNOB_LOG, &x[1]), KNOB_OK);
    int64_t number = knob_trial_number(t);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SAMPLER_STATE");
    return number;
}

/* Tells trial `number` (another process, no state of its own). */
static void tell_one(const char *url, int64_t number, knob_trial_state state, double y)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", false);
    assert_int_equal(
        knob_study_tell_number(s, number, state, &y, state == KNOB_TRIAL_COMPLETE, NULL), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* What a fresh process sees: the trials' count, their values summed, the best trial. */
typedef struct seen {
    size_t n;
    double sum;
    int64_t best;
    double best_value;
} seen;

static seen look(const char *url, bool records)
{
    /* a snapshot from 1,000 trials, appended to after one changed trial */
    setenv("KNOB_SNAPSHOT", records ? "1000,1,64" : "off", 1);
    seen out = {0};
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    /* the best first: a process that asks for it alone reads the best record. The trials
     * of the best value (knob_study_best_trials, the lowest number first): the best trial
     * alone (knob_study_best_trial) is found by the index of best values and writes no
     * record (tests/unit/test_best_index.c) */
    const knob_trial_info *const *front;
    size_t n_front;
    if (knob_study_load(st, "big", NULL, &s) || knob_study_best_trials(s, &front, &n_front))
        fail_msg("best: %s", knob_errmsg());
    assert_true(n_front >= 1);
    out.best = front[0]->number;
    out.best_value = front[0]->values[0];
    knob_study_free(s);
    assert_int_equal(knob_study_load(st, "big", NULL, &s), KNOB_OK);
    const knob_trial_info *const *tr;
    if (knob_study_trials(s, &tr, &out.n))
        fail_msg("trials: %s", knob_errmsg());
    for (size_t i = 0; i < out.n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        if (tr[i]->n_values)
            out.sum += tr[i]->values[0];
    }
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SNAPSHOT");
    return out;
}

/* Through the records and from every row, a fresh process sees the same study. */
static seen same_as_rows(const char *url, const char *what)
{
    seen a = look(url, true), b = look(url, false);
    if (a.n != b.n || a.sum != b.sum || a.best != b.best || a.best_value != b.best_value)
        fail_msg("%s: through the records %zu trials (sum %.17g, best %lld = %g), every row %zu "
                 "(sum %.17g, best %lld = %g)",
                 what, a.n, a.sum, (long long)a.best, a.best_value, b.n, b.sum, (long long)b.best,
                 b.best_value);
    return a;
}

static long long n_records(const char *url)
{
    return sql_int(url, "SELECT (SELECT count(*) FROM knob_snapshots) + (SELECT count(*) FROM "
                        "knob_sampler_states)");
}

/* A raw transaction that writes trial `number` the way knob's writes do (the trial's stamp
 * is its transaction id) and stays open: a worker's tell still running. */
static PGconn *begin_late_write(const char *url, int number, double value)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    char text[512];
    knob_test_pg_exec(c, "BEGIN");
    snprintf(text, sizeof text,
             "UPDATE knob_trials SET seq = txid_current(), vals[1] = %.17g WHERE number = %d",
             value, number);
    knob_test_pg_exec(c, text);
    return c;
}

static long long xid_of(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT txid_current()");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Snapshot and best record written, read back, and never stale: another worker's new best
 * trial after them; then a write that began before they were made again and committed
 * after (the records' stamps are below its id), over a trial the records hold as it was. */
static void records_are_never_stale(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    make_study(url);
    seen first = same_as_rows(url, "the study as made");
    assert_int_equal(first.n, BIG);
    assert_true(sql_int(url, "SELECT count(*) FROM knob_snapshots") >= 1);
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_sampler_states WHERE key = "
                                  "'knob.best'"),
                     1);

    /* another worker's trial, the new best */
    double x[2];
    int64_t n = ask_one(url, false, x);
    tell_one(url, n, KNOB_TRIAL_COMPLETE, -50);
    seen s = same_as_rows(url, "another worker's trial");
    assert_int_equal(s.best, n);
    assert_true(s.best_value == -50);

    /* a write of trial 7 begins; meanwhile another trial is told and the records are made
     * again (their stamps below the write's id); then the write commits */
    PGconn *late = begin_late_write(url, 7, -1000);
    long long late_xid = xid_of(late);
    n = ask_one(url, false, x);
    tell_one(url, n, KNOB_TRIAL_COMPLETE, 3);
    sql(url, "DELETE FROM knob_snapshots; DELETE FROM knob_sampler_states");
    s = look(url, true); /* writes both records again while the write runs */
    assert_int_equal(s.best, n - 1);
    assert_int_equal(s.n, BIG + 2);
    assert_true(sql_int(url, "SELECT max(to_seq) FROM knob_snapshots") < late_xid);
    assert_true(sql_int(url, "SELECT stamp FROM knob_sampler_states WHERE key = 'knob.best'") <
                late_xid);
    knob_test_pg_exec(late, "COMMIT");
    PQfinish(late);
    s = same_as_rows(url, "a write committed after the records");
    assert_int_equal(s.best, 7);
    assert_true(s.best_value == -1000);

    /* the records are read: a value changed in SQL without a new stamp, which no sync sees,
     * is seen from every row and not through the records */
    sql(url, "UPDATE knob_trials SET vals[1] = -5000 WHERE number = 20");
    seen a = look(url, true), b = look(url, false);
    assert_int_equal(b.best, 20);
    assert_int_equal(a.best, 7);
    assert_true(a.sum != b.sum);
}

/* A record whose stamp is above every id this cluster gave out (a database restored into
 * a new cluster keeps its records, and its new trials are stamped with lower ids) is never
 * read: a trial written after it comes all the same. */
static void a_foreign_record_is_not_read(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    make_study(url);
    same_as_rows(url, "the study as made");
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_snapshots"), 1);
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_sampler_states"), 1);
    /* both records as another cluster made them: the stamps, and the stamp each holds in its
     * header (the 8 bytes at 32, native order), raised by D */
    sql(url, "CREATE FUNCTION pg_temp.le8(v bigint) RETURNS bytea AS $$ SELECT "
             "decode(string_agg(substr(lpad(to_hex(v), 16, '0'), 15 - 2 * i, 2), '' ORDER BY i), "
             "'hex') FROM generate_series(0, 7) i $$ LANGUAGE sql; "
             "UPDATE knob_snapshots SET to_seq = to_seq + 4000000000000, data = overlay(data "
             "placing pg_temp.le8(to_seq + 4000000000000) from 33 for 8); "
             "UPDATE knob_sampler_states SET stamp = stamp + 4000000000000, data = overlay(data "
             "placing pg_temp.le8(stamp + 4000000000000) from 33 for 8)");
    double x[2];
    int64_t n = ask_one(url, false, x);
    tell_one(url, n, KNOB_TRIAL_COMPLETE, -7);
    seen s = same_as_rows(url, "records of another cluster");
    assert_int_equal(s.n, BIG + 1);
    assert_int_equal(s.best, n);
}

/* Asks through TPE's saved state suggest what asks without it suggest, step by step in two
 * copies of one study (the same writes in each): after tells, another worker's trial, and a
 * write of a finished trial that began before the state was saved and committed after. */
static void same_suggestions_through_the_state(void **state)
{
    (void)state;
    char with[4200], without[4200];
    snprintf(with, sizeof with, "%s", knob_test_pg_url_or_skip());
    snprintf(without, sizeof without, "%s", knob_test_pg_url_or_skip());
    make_study(with);
    make_study(without);
    double x[2], y[2];
    PGconn *late[2] = {NULL, NULL};
    for (int step = 0; step < 6; step++) {
        if (step == 3) { /* a write over a finished trial begins in each copy */
            late[0] = begin_late_write(with, 10, -100);
            late[1] = begin_late_write(without, 10, -100);
        }
        int64_t a = ask_one(with, true, x);
        int64_t b = ask_one(without, false, y);
        if (a != b || x[0] != y[0] || x[1] != y[1])
            fail_msg("step %d: trial %lld (%.17g, %.17g) through the state, %lld (%.17g, %.17g) "
                     "without",
                     step, (long long)a, x[0], x[1], (long long)b, y[0], y[1]);
        double v = (x[0] - 1) * (x[0] - 1) + step;
        tell_one(with, a, step == 2 ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE, v);
        tell_one(without, b, step == 2 ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE, v);
        if (step == 1) { /* another worker's trial, without a state of its own */
            int64_t k = ask_one(with, false, x);
            int64_t j = ask_one(without, false, y);
            tell_one(with, k, KNOB_TRIAL_COMPLETE, -1);
            tell_one(without, j, KNOB_TRIAL_COMPLETE, -1);
        }
        if (step == 4) { /* the state was saved while the writes ran: now they commit */
            assert_true(sql_int(with, "SELECT max(stamp) FROM knob_sampler_states WHERE key <> "
                                      "'knob.best'") < xid_of(late[0]));
            for (int i = 0; i < 2; i++) {
                knob_test_pg_exec(late[i], "COMMIT");
                PQfinish(late[i]);
            }
        }
    }
    assert_true(sql_int(with, "SELECT count(*) FROM knob_sampler_states WHERE key <> "
                              "'knob.best'") == 1);
    assert_int_equal(sql_int(without, "SELECT count(*) FROM knob_sampler_states"), 0);
}

/* A database of schema 2 as knob left it before the records (no record tables, its own
 * fingerprint) is upgraded in place when opened: the tables are made and used, the trials
 * are the same; a study deleted takes its records with it. */
static void schema2_without_records_is_upgraded(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    make_study(url);
    sql(url, "DROP TABLE knob_snapshots; DROP TABLE knob_sampler_states; COMMENT ON TABLE "
             "knob_meta IS 'knob schema 2 00c0ffee00c0ffee'");
    assert_int_equal(sql_int(url, "SELECT count(*) FROM pg_tables WHERE tablename = "
                                  "'knob_snapshots' AND schemaname = current_schema()"),
                     0);
    seen s = same_as_rows(url, "an upgraded database");
    assert_int_equal(s.n, BIG);
    assert_true(n_records(url) >= 2);
    assert_int_equal(sql_int(url, "SELECT value::int FROM knob_meta WHERE key = "
                                  "'schema_version'"),
                     5);
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_studies"), 1);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_storage_delete_study(st, "big"), KNOB_OK);
    knob_storage_close(st);
    assert_int_equal(n_records(url), 0);
}

/* The records' bytes are stored as they come, not compressed (with many workers the
 * server spent 2-3% of its time in pglz on snapshots): in a new database, and in one made by
 * an earlier knob (its own fingerprint, the columns compressed), upgraded when opened; the
 * records written after are read back whole. */
static long long n_compressed_columns(const char *url)
{
    return sql_int(url, "SELECT count(*) FROM pg_attribute WHERE attname = 'data' AND "
                        "attstorage <> 'e' AND attrelid IN (to_regclass('knob_snapshots'), "
                        "to_regclass('knob_sampler_states'))");
}

static void records_are_stored_as_they_come(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_storage_close(st);
    assert_int_equal(n_compressed_columns(url), 0);
    sql(url, "ALTER TABLE knob_snapshots ALTER COLUMN data SET STORAGE EXTENDED; ALTER TABLE "
             "knob_sampler_states ALTER COLUMN data SET STORAGE EXTENDED; COMMENT ON TABLE "
             "knob_meta IS 'knob schema 3 00c0ffee00c0ffee'");
    assert_int_equal(n_compressed_columns(url), 2);
    make_study(url);
    assert_int_equal(n_compressed_columns(url), 0);
    seen s = same_as_rows(url, "records stored as they come");
    assert_int_equal(s.n, BIG);
    assert_true(n_records(url) >= 2);
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_snapshots WHERE "
                                  "pg_column_compression(data) IS NOT NULL"),
                     0);
}

/* Many processes at one study's snapshot, each syncing after every round of another's
 * trials: whoever holds the snapshot appends after the chain's end, whoever wrote it, and
 * none rewrites it whole (a lost append was followed by a whole rewrite, each process its
 * own, once an eighth of the study had changed). The chain follows on, and a fresh
 * process through it sees what one reading every row sees. */
static void many_writers_one_chain(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    make_study(url);
    enum { N = 5, ROUNDS = 3, PER_ROUND = 400 };
    setenv("KNOB_SNAPSHOT", "1000,8,1000", 1);
    knob_storage *st[N];
    knob_study *s[N];
    const knob_trial_info *const *t;
    size_t n;
    for (int k = 0; k < N; k++) {
        assert_int_equal(knob_storage_open(url, &st[k]), KNOB_OK);
        s[k] = open_study(st[k], "seed=3", false);
        assert_int_equal(knob_study_trials(s[k], &t, &n), KNOB_OK);
    }
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_snapshots"), 1);
    long long base_to = sql_int(url, "SELECT to_seq FROM knob_snapshots");
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < PER_ROUND; i++) {
            knob_trial *tr;
            double a, b;
            assert_int_equal(knob_study_ask(s[r % N], &tr), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(tr, "a", -5, 5, 0, 0, &a), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(tr, "b", 1e-3, 10, 0, KNOB_LOG, &b), KNOB_OK);
            double y = (a - 1) * (a - 1) + (b - 2) * (b - 2);
            assert_int_equal(knob_study_tell(s[r % N], tr, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        for (int k = 0; k < N; k++)
            assert_int_equal(knob_study_trials(s[(r + k) % N], &t, &n), KNOB_OK);
        assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_snapshots WHERE from_seq = 0"), 1);
        assert_int_equal(sql_int(url, "SELECT to_seq FROM knob_snapshots WHERE from_seq = 0"),
                         base_to);
    }
    assert_int_equal(sql_int(url, "SELECT count(*) FROM knob_snapshots a WHERE from_seq > 0 AND "
                                  "NOT EXISTS (SELECT 1 FROM knob_snapshots b WHERE b.to_seq = "
                                  "a.from_seq)"),
                     0);
    for (int k = 0; k < N; k++) {
        knob_study_free(s[k]);
        knob_storage_close(st[k]);
    }
    unsetenv("KNOB_SNAPSHOT");
    seen got = same_as_rows(url, "after many writers");
    assert_int_equal(got.n, BIG + ROUNDS * PER_ROUND);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_are_never_stale),
        cmocka_unit_test(a_foreign_record_is_not_read),
        cmocka_unit_test(same_suggestions_through_the_state),
        cmocka_unit_test(schema2_without_records_is_upgraded),
        cmocka_unit_test(records_are_stored_as_they_come),
        cmocka_unit_test(many_writers_one_chain),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
