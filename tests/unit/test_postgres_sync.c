/* A study synced again on PostgreSQL reads of a running trial only the intermediate values
 * written since its last sync (sync_added), and merges them into its copy: the study a
 * handle holds after any number of such syncs is the study a fresh handle reads whole, in
 * the cases where what was added is not all that changed (a step reported again, values
 * from two handles, trials finished or pruned between syncs, a trial put back in the queue,
 * a database of an older knob and the rows an older knob writes, writes that commit out of
 * the order of their ids, a writer reporting while the reader syncs). These run against the
 * server named by KNOB_TEST_PG_URL, each case in a schema of its own. */
#include "testutil_sync.h"

#include <sys/wait.h>
#include <unistd.h>

static void sql(const char *url, const char *text)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "SET client_min_messages = warning");
    knob_test_pg_exec(c, text);
    PQfinish(c);
}

static double sql_double(const char *url, const char *text)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, text);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", text, PQresultErrorMessage(r));
    double v = PQgetisnull(r, 0, 0) ? NAN : atof(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return v;
}

/* A writer handle and a reader handle on a new schema (its URL in url), the study made. */
static void open_two(char *url, size_t size, knob_storage **wst, knob_study **w, knob_storage **rst,
                     knob_study **r)
{
    snprintf(url, size, "%s", knob_test_pg_url_or_skip());
    knob_test_sync_open_two(url, wst, w, rst, r);
}

static void a_step_reported_again_keeps_its_first_value(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(url, sizeof url, &wst, &w, &rst, &r);
    knob_trial *t;
    assert_int_equal(knob_study_ask(w, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 5, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 7, 0.7), KNOB_OK);
    knob_test_sync_check(url, r);
    /* again, before and after the last: kept as first stored; a step below the held ones */
    assert_int_equal(knob_trial_report(t, 5, 9.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 3, 0.3), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 7, 9.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 9, 0.9), KNOB_OK);
    knob_test_sync_check(url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_int_equal(a[0]->n_intermediate, 4);
    assert_true(a[0]->intermediate[1].step == 5 && a[0]->intermediate[1].value == 0.5);
    assert_int_equal(knob_trial_report(t, 9, 9.0), KNOB_OK); /* nothing new at all */
    knob_test_sync_check(url, r);
    double y = 1;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_test_sync_check(url, r);
    knob_test_sync_close_two(wst, w, rst, r);
}

static void values_from_two_handles_and_a_finish(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *wst, *rst, *ost;
    knob_study *w, *r;
    open_two(url, sizeof url, &wst, &w, &rst, &r);
    assert_int_equal(knob_storage_open(url, &ost), KNOB_OK);
    knob_study *o = knob_test_sync_load(ost);
    knob_trial *t, *u, *t2;
    assert_int_equal(knob_study_ask(w, &t), KNOB_OK);
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    assert_int_equal(knob_study_open_trial(o, knob_trial_number(t), &t2), KNOB_OK);
    for (int i = 0; i < 30; i++) {
        /* even steps from one handle, odd from the other, some out of order; the reader
         * syncs between some of them (its own handle sees the first write of each pair) */
        assert_int_equal(knob_trial_report(i % 3 ? t : t2, 2 * i + (i % 2), i * 0.25), KNOB_OK);
        assert_int_equal(knob_trial_report(i % 3 ? t2 : t, 60 - i, -i * 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(u, i, i), KNOB_OK);
        if (i % 4 == 0)
            knob_test_sync_check(url, r);
        if (i % 7 == 0) /* the reader's own study handle reports too */
            knob_test_sync_check(url, w);
    }
    /* more values, then the finish and a prune, between two syncs of the reader */
    assert_int_equal(knob_trial_report(t, 100, 1.0), KNOB_OK);
    double y = 2;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_trial_report(u, 100, 1.0), KNOB_OK);
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_test_sync_check(url, r);
    knob_test_sync_check(url, w);
    knob_trial_detach(t2);
    knob_study_free(o);
    knob_storage_close(ost);
    knob_test_sync_close_two(wst, w, rst, r);
}

/* The schema as a knob before the intermediate values' stamps left it (its mark too, so the
 * next open upgrades it). */
static void make_older(const char *url)
{
    sql(url, "DROP INDEX knob_intermediate_by_seq; ALTER TABLE knob_intermediate DROP COLUMN "
             "seq; ALTER TABLE knob_trials DROP COLUMN inter_start, DROP COLUMN inter_reset; "
             "COMMENT ON TABLE knob_meta IS 'knob schema 5 of before'");
}

/* What a knob before the stamps writes for a report of trial `number` (Q_REPORT of then):
 * the row, and the trial's stamp. */
static void older_report(const char *url, int64_t number, int64_t step, double value)
{
    char text[512];
    snprintf(text, sizeof text,
             "WITH i AS (INSERT INTO knob_intermediate(trial, step, value) SELECT id, %lld, "
             "%.17g FROM knob_trials WHERE number = %lld ON CONFLICT DO NOTHING RETURNING "
             "trial) UPDATE knob_trials t SET seq = txid_current() FROM i WHERE t.id = i.trial",
             (long long)step, value, (long long)number);
    sql(url, text);
}

/* A new schema (its URL in url) holding study "sync" with one running trial, its steps
 * 0..n-1 reported as step x scale: the trial, its study in *s, the storage in *st. */
static knob_trial *reported_trial(char *url, size_t size, int n, double scale, knob_storage **st,
                                  knob_study **s)
{
    snprintf(url, size, "%s", knob_test_pg_url_or_skip());
    return knob_test_sync_reported(url, n, scale, st, s);
}

static void a_database_of_an_older_knob_and_its_writes(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(url, sizeof url, 5, 0.5, &st, &s);
    int64_t number = knob_trial_number(t);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    make_older(url);
    older_report(url, number, 5, 2.5);

    /* the upgrade: the rows of before have no stamp, and are read at every sync */
    knob_storage *wst, *rst;
    assert_int_equal(knob_storage_open(url, &wst), KNOB_OK);
    assert_true(sql_double(url, "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = "
                                "'knob_intermediate_by_seq' AND relnamespace = (SELECT oid FROM "
                                "pg_catalog.pg_namespace WHERE nspname = current_schema())") == 1);
    assert_true(sql_double(url, "SELECT count(*) FROM knob_intermediate WHERE seq IS NULL") == 6);
    knob_study *w = knob_test_sync_load(wst);
    assert_int_equal(knob_storage_open(url, &rst), KNOB_OK);
    knob_study *r = knob_test_sync_load(rst);
    knob_test_sync_check(url, r);
    assert_int_equal(knob_study_open_trial(w, number, &t), KNOB_OK);
    knob_trial *u;
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    for (int i = 6; i < 12; i++) {
        assert_int_equal(knob_trial_report(t, i, i * 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(u, i, -i * 0.5), KNOB_OK);
        knob_test_sync_check(url, r);
        /* an older knob beside this one, on both trials (its rows stamped by the default) */
        older_report(url, number, 100 + i, i);
        older_report(url, knob_trial_number(u), 100 - i, i);
        knob_test_sync_check(url, r);
    }
    assert_true(sql_double(url, "SELECT count(*) FROM knob_intermediate WHERE seq IS NULL") == 6);
    double y = 3;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_test_sync_check(url, r);
    knob_test_sync_close_two(wst, w, rst, r);
}

/* url's schema (its search_path) in out. */
static void schema_of(const char *url, char *out, size_t size)
{
    const char *at = strstr(url, "search_path%3D");
    assert_non_null(at);
    at += strlen("search_path%3D");
    snprintf(out, size, "%.*s", (int)strcspn(at, "&% "), at);
}

/* A schema 5 of a knob before the stamps, opened in read-only transactions (a hot standby,
 * or default_transaction_read_only): it opens without the DDL it may not run, as that knob
 * opened it, and reads every trial, again at each sync while an older knob reports. It
 * failed: "cannot execute CREATE TABLE in a read-only transaction", after 30 s of retries. */
static void an_older_database_opens_read_only(void **state)
{
    (void)state;
    char url[4096], ro[4200];
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(url, sizeof url, 5, 0.5, &st, &s);
    int64_t number = knob_trial_number(t);
    knob_trial *u;
    assert_int_equal(knob_study_ask(s, &u), KNOB_OK);
    assert_int_equal(knob_trial_report(u, 1, 4.0), KNOB_OK);
    double y = 1;
    assert_int_equal(knob_study_tell(s, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    make_older(url);
    snprintf(ro, sizeof ro, "%s%%20-cdefault_transaction_read_only%%3Don", url);

    knob_storage *rst;
    assert_int_equal(knob_storage_open(ro, &rst), KNOB_OK);
    knob_study *r = knob_test_sync_load(rst);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 2 && a[0]->n_intermediate == 5 && a[1]->n_intermediate == 1);
    for (int i = 5; i < 9; i++) {
        older_report(url, number, i, i);
        knob_test_sync_check(ro, r);
    }
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 2 && a[0]->n_intermediate == 9 && a[0]->intermediate[8].value == 8);
    /* nothing was added to the schema */
    assert_true(sql_double(url, "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = "
                                "'knob_trials'::regclass AND attname = 'inter_start'") == 0);
    knob_study_free(r);
    knob_storage_close(rst);
}

/* A schema 5 of a knob before the stamps, opened by a role that may read and write its rows
 * but not alter its tables (a usual worker's): it runs trials and reports their values as that
 * knob did, and takes and puts back a waiting one; once the owner's open adds the stamps, a
 * reader of this knob syncing beside that handle reads the trials it writes whole. It failed
 * at the open: "permission denied for schema". */
static void an_older_database_opens_for_a_role_that_may_not_alter_it(void **state)
{
    (void)state;
    char url[4096], wurl[4200], schema[128], role[64], text[1024];
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(url, sizeof url, 3, 0.5, &st, &s);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    if (sql_double(url, "SELECT (rolcreaterole OR rolsuper)::int FROM pg_catalog.pg_roles WHERE "
                        "rolname = current_user") != 1) {
        print_message(
            "the role of KNOB_TEST_PG_URL may not create roles (scripts/pg.sh lets it)\n");
        skip();
    }
    make_older(url);
    schema_of(url, schema, sizeof schema);
    snprintf(role, sizeof role, "knob_worker_%d", (int)getpid());
    snprintf(text, sizeof text,
             "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD 'worker'; GRANT USAGE ON "
             "SCHEMA %s TO %s; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s "
             "TO %s; GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s",
             role, role, schema, role, schema, role, schema, role);
    sql(url, text);
    const char *scheme_end = strstr(url, "://"), *user_end = strchr(url, '@');
    assert_true(scheme_end && user_end && user_end > scheme_end);
    snprintf(wurl, sizeof wurl, "%.*s%s:worker%s", (int)(scheme_end + 3 - url), url, role,
             user_end);

    /* the worker and a reader of its own, on the schema as it was */
    knob_storage *wst, *rst;
    assert_int_equal(knob_storage_open(wurl, &wst), KNOB_OK);
    knob_study *w = knob_test_sync_load(wst);
    assert_int_equal(knob_storage_open(wurl, &rst), KNOB_OK);
    knob_study *r = knob_test_sync_load(rst);
    knob_trial *u, *v;
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(knob_trial_report(u, i, i * 0.25), KNOB_OK);
        knob_test_sync_check(wurl, r);
    }
    const knob__backend *be = &knob__backend_postgres;
    int64_t study, id, number, popped;
    bool found = false;
    void *h = knob_test_sync_backend(&knob__backend_postgres, wurl, &study);
    knob_step_value iv[1] = {{0, 1.0}};
    knob__waiting_rec wr = {.intermediate = iv, .n_intermediate = 1};
    assert_int_equal(be->create_waiting(h, study, 0, &wr, &id, &number), KNOB_OK);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_true(found && popped == id);
    assert_int_equal(be->report(h, study, id, 1, 0.5), KNOB_OK);
    knob_test_sync_check(wurl, r);
    snprintf(text, sizeof text, "SELECT start_time FROM knob_trials WHERE id = %lld",
             (long long)id);
    assert_int_equal(be->requeue(h, study, id, sql_double(url, text), &wr), KNOB_OK);
    knob_test_sync_check(wurl, r);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 2, 0.75), KNOB_OK);
    knob_test_sync_check(wurl, r);
    assert_true(sql_double(url, "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = "
                                "'knob_trials'::regclass AND attname = 'inter_start'") == 0);

    /* the owner's open adds the stamps; the worker goes on beside its reader */
    knob_storage *ost;
    assert_int_equal(knob_storage_open(url, &ost), KNOB_OK);
    assert_true(sql_double(url, "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = "
                                "'knob_trials'::regclass AND attname = 'inter_start'") == 1);
    knob_study *o = knob_test_sync_load(ost);
    knob_test_sync_check(url, o);
    for (int i = 4; i < 8; i++) {
        assert_int_equal(knob_trial_report(u, i, i * 0.25), KNOB_OK);
        assert_int_equal(be->report(h, study, id, i, -i * 0.5), KNOB_OK);
        knob_test_sync_check(url, o);
    }
    assert_int_equal(knob_study_ask(w, &v), KNOB_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(knob_trial_report(v, i, i), KNOB_OK);
        knob_test_sync_check(url, o);
    }
    double y = 2;
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(w, v, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    assert_int_equal(be->finish(h, study, id, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_test_sync_check(url, o);
    knob_test_sync_check(wurl, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(o, &a, &n), KNOB_OK);
    assert_true(n == 4 && a[1]->n_intermediate == 8 && a[2]->n_intermediate == 6 &&
                a[3]->n_intermediate == 4);
    be->close(h);
    knob_study_free(o);
    knob_storage_close(ost);
    knob_test_sync_close_two(wst, w, rst, r);
    snprintf(text, sizeof text,
             "REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s; REVOKE ALL ON ALL SEQUENCES IN "
             "SCHEMA %s FROM %s; REVOKE ALL ON SCHEMA %s FROM %s; DROP ROLE %s",
             schema, role, schema, role, schema, role, role);
    sql(url, text);
}

/* A trial taken from the queue, reported to, and put back with the values it was taken with
 * (requeue: its rows replaced) between two syncs of a reader: the reader holds what is
 * stored, not the values it held merged with those written again; the same when a knob before
 * the stamps puts it back, and when such a knob takes a waiting trial, reports to it and puts
 * it back (start_time NULL again, as inter_start is, and no reset). */
static void a_trial_put_back_is_read_whole(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(url, sizeof url, &wst, &w, &rst, &r);
    const knob__backend *be = &knob__backend_postgres;
    int64_t study, id, number;
    void *h = knob_test_sync_backend(&knob__backend_postgres, url, &study);
    knob_step_value iv[2] = {{0, 1.0}, {1, 0.5}};
    knob__waiting_rec wr = {.intermediate = iv, .n_intermediate = 2};
    assert_int_equal(be->create_waiting(h, study, 0, &wr, &id, &number), KNOB_OK);
    knob_test_sync_check(url, r);
    bool found = false;
    int64_t popped;
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_true(found && popped == id);
    knob_test_sync_check(url, r);
    assert_int_equal(be->report(h, study, id, 2, 0.25), KNOB_OK);
    knob_test_sync_check(url, r);
    assert_int_equal(be->report(h, study, id, 3, 0.125), KNOB_OK);
    char text[1024];
    snprintf(text, sizeof text, "SELECT start_time FROM knob_trials WHERE id = %lld",
             (long long)id);
    assert_int_equal(be->requeue(h, study, id, sql_double(url, text), &wr), KNOB_OK);
    knob_test_sync_check(url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 1 && a[0]->state == KNOB_TRIAL_WAITING && a[0]->n_intermediate == 2);
    /* taken again, and reported to beside the reader */
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 7, 0.0625), KNOB_OK);
    knob_test_sync_check(url, r);
    /* put back, taken again and reported to, all between two syncs of the reader */
    snprintf(text, sizeof text, "SELECT start_time FROM knob_trials WHERE id = %lld",
             (long long)id);
    assert_int_equal(be->requeue(h, study, id, sql_double(url, text), &wr), KNOB_OK);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 6, 0.5), KNOB_OK);
    knob_test_sync_check(url, r);
    /* the same by a knob before the stamps, which marks nothing of them */
    snprintf(text, sizeof text,
             "BEGIN; UPDATE knob_trials SET state = 4, start_time = NULL, taken_by = NULL, seq = "
             "txid_current() WHERE id = %lld; DELETE FROM knob_intermediate WHERE trial = %lld; "
             "INSERT INTO knob_intermediate(trial, step, value) VALUES(%lld, 0, 3.0); COMMIT; "
             "BEGIN; UPDATE knob_trials SET state = 0, start_time = 23456.5, seq = "
             "txid_current() WHERE id = %lld; INSERT INTO knob_intermediate(trial, step, value) "
             "VALUES(%lld, 5, 5.0); COMMIT",
             (long long)id, (long long)id, (long long)id, (long long)id, (long long)id);
    sql(url, text);
    knob_test_sync_check(url, r);
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 1 && a[0]->n_intermediate == 2 && a[0]->intermediate[0].value == 3.0);
    snprintf(text, sizeof text, "SELECT start_time FROM knob_trials WHERE id = %lld",
             (long long)id);
    assert_int_equal(be->requeue(h, study, id, sql_double(url, text), &wr), KNOB_OK);
    knob_test_sync_check(url, r);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 7, 0.0625), KNOB_OK);
    knob_test_sync_check(url, r);
    /* put back by a knob before the stamps (which marks nothing of them), and taken again */
    snprintf(text, sizeof text,
             "BEGIN; UPDATE knob_trials SET state = 4, start_time = NULL, taken_by = NULL, seq = "
             "txid_current() WHERE id = %lld; DELETE FROM knob_intermediate WHERE trial = %lld; "
             "INSERT INTO knob_intermediate(trial, step, value) VALUES(%lld, 0, 1.0); COMMIT",
             (long long)id, (long long)id, (long long)id);
    sql(url, text);
    knob_test_sync_check(url, r);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 8, 0.5), KNOB_OK);
    knob_test_sync_check(url, r);
    assert_int_equal(be->finish(h, study, id, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_test_sync_check(url, r);

    /* a waiting trial an older knob takes, reports to and puts back */
    wr = (knob__waiting_rec){0};
    assert_int_equal(be->create_waiting(h, study, 0, &wr, &id, &number), KNOB_OK);
    knob_test_sync_check(url, r);
    snprintf(text, sizeof text,
             "BEGIN; UPDATE knob_trials SET state = 0, start_time = 12345.5, seq = "
             "txid_current() WHERE id = %lld; INSERT INTO knob_intermediate(trial, step, value) "
             "VALUES(%lld, 0, 7.0); COMMIT",
             (long long)id, (long long)id);
    sql(url, text);
    knob_test_sync_check(url, r);
    snprintf(text, sizeof text,
             "BEGIN; UPDATE knob_trials SET state = 4, start_time = NULL, seq = txid_current() "
             "WHERE id = %lld; DELETE FROM knob_intermediate WHERE trial = %lld; COMMIT",
             (long long)id, (long long)id);
    sql(url, text);
    knob_test_sync_check(url, r);
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 2 && a[1]->n_intermediate == 0);
    be->close(h);
    knob_test_sync_close_two(wst, w, rst, r);
}

/* Writes that commit out of the order of their ids: one that began first (it holds a trial's
 * row) writes a value of the running trial after the reader synced past a later one. Its
 * value comes at the next sync, though its stamp is below rows the reader read before. */
static void a_value_committed_late_is_read(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(url, sizeof url, &wst, &w, &rst, &r);
    knob_trial *t, *u;
    assert_int_equal(knob_study_ask(w, &t), KNOB_OK);
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1.0), KNOB_OK);
    knob_test_sync_check(url, r);
    PGconn *early = PQconnectdb(url);
    assert_int_equal(PQstatus(early), CONNECTION_OK);
    char text[512];
    knob_test_pg_exec(early, "BEGIN");
    snprintf(text, sizeof text, "UPDATE knob_trials SET seq = txid_current() WHERE number = %lld",
             (long long)knob_trial_number(u));
    knob_test_pg_exec(early, text);
    for (int i = 1; i < 4; i++) {
        assert_int_equal(knob_trial_report(t, 2 * i, i), KNOB_OK);
        knob_test_sync_check(url, r);
    }
    /* the early transaction reports an odd step of t, and commits */
    snprintf(text, sizeof text,
             "WITH i AS (INSERT INTO knob_intermediate(trial, step, value) SELECT id, 3, 0.75 FROM "
             "knob_trials WHERE number = %lld RETURNING trial) UPDATE knob_trials x SET seq = "
             "txid_current() FROM i WHERE x.id = i.trial",
             (long long)knob_trial_number(t));
    knob_test_pg_exec(early, text);
    knob_test_pg_exec(early, "COMMIT");
    PQfinish(early);
    knob_test_sync_check(url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_int_equal(a[0]->n_intermediate, 5);
    assert_int_equal(knob_trial_report(t, 9, 9), KNOB_OK);
    knob_test_sync_check(url, r);
    double y = 1;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_test_sync_check(url, r);
    knob_test_sync_close_two(wst, w, rst, r);
}

/* A process reports values of three trials, each from a transaction of its own, while the
 * reader syncs (a stranger's open transaction beside them: the syncs read the server's locks
 * for their stamp); at the end the reader holds every value. */
static void every_value_is_read_while_a_writer_reports(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(url, sizeof url, &wst, &w, &rst, &r);
    knob_trial *t[3];
    for (int k = 0; k < 3; k++)
        assert_int_equal(knob_study_ask(w, &t[k]), KNOB_OK);
    PGconn *stranger = knob_test_stranger_begin(url);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_storage *cst;
        if (knob_storage_open(url, &cst))
            _exit(1);
        knob_study *c = knob_test_sync_load(cst);
        knob_trial *ct[3];
        for (int k = 0; k < 3; k++)
            if (knob_study_open_trial(c, knob_trial_number(t[k]), &ct[k]))
                _exit(2);
        for (int i = 0; i < 400; i++)
            if (knob_trial_report(ct[i % 3], i, i * 0.5))
                _exit(3);
        _exit(0);
    }
    int status = 0;
    while (waitpid(child, &status, WNOHANG) == 0)
        assert_int_equal(knob_study_sync(r), KNOB_OK);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    knob_test_sync_check(url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 3 &&
                a[0]->n_intermediate + a[1]->n_intermediate + a[2]->n_intermediate == 400);
    knob_test_stranger_end(stranger);
    for (int k = 0; k < 3; k++)
        knob_trial_detach(t[k]);
    knob_test_sync_close_two(wst, w, rst, r);
}

/* What the sync of a running trial reads: the values written since, not all of them; from a
 * stamp this handle's sync_added did not give (a snapshot's, plain sync's), the trial whole. */
static void a_sync_reads_only_the_values_added(void **state)
{
    (void)state;
    char url[4096];
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(url, sizeof url, 50, 1, &st, &s);
    const knob__backend *be = &knob__backend_postgres;
    int64_t id, since, now, plain;
    void *h = knob_test_sync_backend(&knob__backend_postgres, url, &id);
    knob_test_seen g = {0};
    assert_int_equal(be->sync_added(h, id, 0, knob_test_sync_count, &g, &since), KNOB_OK);
    assert_true(g.trials == 1 && g.values == 50 && !g.added); /* a first read: whole */
    assert_int_equal(knob_trial_report(t, 50, 50), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 51, 51), KNOB_OK);
    g = (knob_test_seen){0};
    assert_int_equal(be->sync_added(h, id, since, knob_test_sync_count, &g, &now), KNOB_OK);
    assert_true(g.trials == 1 && g.added);
    assert_int_equal(g.values, 2);
    g = (knob_test_seen){0};
    /* sync: whole */
    assert_int_equal(be->sync(h, id, since, knob_test_sync_count, &g, &plain), KNOB_OK);
    assert_true(g.trials == 1 && g.values == 52 && !g.added);
    assert_int_equal(knob_trial_report(t, 52, 52), KNOB_OK);
    g = (knob_test_seen){0};
    assert_int_equal(be->sync_added(h, id, since - 1, knob_test_sync_count, &g, &now), KNOB_OK);
    assert_true(g.trials == 1 && g.values == 53 && !g.added); /* not a stamp it gave */
    assert_int_equal(knob_trial_report(t, 53, 53), KNOB_OK);
    g = (knob_test_seen){0};
    assert_int_equal(be->sync_added(h, id, now, knob_test_sync_count, &g, &now), KNOB_OK);
    assert_true(g.trials == 1 && g.added && g.values == 1);
    be->close(h);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(a_step_reported_again_keeps_its_first_value),
    cmocka_unit_test(values_from_two_handles_and_a_finish),
    cmocka_unit_test(a_database_of_an_older_knob_and_its_writes),
    cmocka_unit_test(an_older_database_opens_read_only),
    cmocka_unit_test(an_older_database_opens_for_a_role_that_may_not_alter_it),
    cmocka_unit_test(a_trial_put_back_is_read_whole),
    cmocka_unit_test(a_value_committed_late_is_read),
    cmocka_unit_test(every_value_is_read_while_a_writer_reports),
    cmocka_unit_test(a_sync_reads_only_the_values_added),
};
KNOB_TEST_MAIN(tests)
