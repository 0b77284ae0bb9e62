/* The first knob_study_best_trial of a study (`knob best`) by the storage's index of best
 * values (backend best_trial: SQLite's trials_best, PostgreSQL's knob_trials_best), reading
 * that trial alone, gives the trial the read of every trial gives (KNOB_SNAPSHOT=off): the
 * same number, value bits, params and attributes, or the same status. Studies minimized and
 * maximized, with ties (a -0 among them: the lower number wins), infinities, infeasible
 * trials, pruned trials holding better values, failed and running trials, no feasible trial,
 * no trial, constraint texts the listing's queries judge otherwise ([null], {"a": 1}, 5:
 * written to the storage as an older knob or another writer left them, since
 * knob_trial_set_system_attr refuses them); two objectives (the
 * Pareto front, not by the index); on SQLite trials changed by other writers (a value, a
 * constraint, a trial written by SQL, a constraint that is not JSON), and on PostgreSQL
 * values knob would not take (-inf, NaN). The same process asks again and then lists every
 * trial. That the index is read: on SQLite a best planted in the index's column (no stamp)
 * is the answer, while a stale trial sends the read to every trial; on PostgreSQL a better
 * trial written without a stamp (no sync reads it) is the answer; the plans (EXPLAIN
 * QUERY PLAN, EXPLAIN) search the index and scan no table, and on SQLite the statements'
 * virtual machine steps do not grow with the study. */
#include "testutil.h"
#include "testutil_best.h"
#include "testutil_sqlite.h"
#include "knob.h"
#include "study.h"
#include "storage/postgres.h"
#include "storage/sqlite.h"

#include <math.h>
#include <string.h>

static const knob_distribution dist_x = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};

/* Every read asks twice and then lists every trial (knob_test_best_of). */
static knob_test_best best_of(const char *url, const char *name, bool every_trial)
{
    return knob_test_best_of(url, name, every_trial, true);
}

static knob_test_best agree(const char *url, const char *name, const char *what)
{
    return knob_test_best_agree(url, name, what, true);
}

static const char *const names[] = {
    "min",  "max",     "two",  "two_max", "half_infeasible", "none_feasible", "empty",
    "zero", "extreme", "told", "ties",    "null_constraint", "non_array"};
#define N_NAMES (sizeof names / sizeof *names)

static void agree_all(const char *url, const char *what)
{
    for (size_t i = 0; i < N_NAMES; i++)
        agree(url, names[i], what);
}

static void add(knob_study *s, knob_trial_state state, const double *v, size_t n, double x,
                const char *constraints)
{
    knob_param p = {"x", &dist_x, x};
    knob_test_add_trial(s, p, state, v, n, constraints);
}

/* A constraints text as an older knob or another writer left it in the storage:
 * knob_trial_set_system_attr refuses one that is not an array of numbers. */
static void raw_constraints(knob_study *s, knob_trial *t, const char *json)
{
    assert_int_equal(knob__store_trial_attr(s, knob_trial_id(t), true, "constraints", json),
                     KNOB_OK);
}

/* Studies of every kind, written by knob (add_trial, and ask and tell). */
static void studies(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_test_best_studies(st, add);
    knob_study *s = knob_test_best_create(st, "zero", KNOB_MINIMIZE, 1);
    double z[5] = {1.5, 0.0, -0.0, 0.0, -0.0};
    for (int k = 0; k < 5; k++)
        add(s, KNOB_TRIAL_COMPLETE, &z[k], 1, k, NULL);
    knob_study_free(s);
    /* many trials on the best value, the first of them not the first written */
    s = knob_test_best_create(st, "ties", KNOB_MAXIMIZE, 1);
    for (int k = 0; k < 40; k++) {
        double y = k % 4 == 2 ? 7 : (double)(k % 5);
        add(s, KNOB_TRIAL_COMPLETE, &y, 1, k % 9 - 4, k % 8 == 2 ? "[1]" : NULL);
    }
    knob_study_free(s);
    /* the best by value has a constraint [null]: the index takes it as feasible, the
     * view not (a NaN constraint) */
    s = knob_test_best_create(st, "null_constraint", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 6; k++) {
        knob_trial *t;
        double x, y = k == 3 ? -50 : k;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        if (k == 3)
            raw_constraints(s, t, "[null]");
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    /* constraints texts that are not arrays: no constraint for the view (the listing's
     * query takes them as infeasible) */
    s = knob_test_best_create(st, "non_array", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 6; k++) {
        knob_trial *t;
        double x, y = k == 2 ? -50 : k == 4 ? -60 : k;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        if (k == 2 || k == 4)
            raw_constraints(s, t, k == 2 ? "{\"a\": 1}" : "5");
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

static void expect_answers(const char *url)
{
    knob_test_best_expect(agree(url, "zero", "ties of -0 and 0"), KNOB_OK, 1);
    knob_test_best_expect(agree(url, "ties", "ties"), KNOB_OK, 6); /* 2: infeasible */
    knob_test_best_expect(agree(url, "extreme", "extremes"), KNOB_OK, 1);
    knob_test_best_expect(agree(url, "null_constraint", "[null]"), KNOB_OK, 0);
    knob_test_best_expect(agree(url, "non_array", "constraints not an array"), KNOB_OK, 4);
    knob_test_best_expect(agree(url, "none_feasible", "none feasible"), KNOB_ENOTFOUND, 0);
    knob_test_best_expect(agree(url, "empty", "no trial"), KNOB_ENOTFOUND, 0);
}

static void sqlite_first_best_as_every_trial(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-index.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    agree_all(url, "written by knob");
    expect_answers(url);

    /* other writers, each change stamped (as every knob stamps its writes) */
    knob_test_best_set_value(path, "min", 0, -1e9);
    knob_test_best_expect(agree(url, "min", "a value rewritten by another writer"), KNOB_OK, 0);
    knob_test_best_set_constraints(path, "min", 0, "[3, 0]");
    agree(url, "min", "a constraint set by another writer");
    knob_test_best_sql_trial(path, "max", 120, "9e999"); /* +inf */
    knob_test_best_expect(agree(url, "max", "a trial written by SQL"), KNOB_OK, 120);
    knob_test_best_set_constraints(path, "half_infeasible", 1, "[1");
    agree(url, "half_infeasible", "a constraint that is not JSON");
    agree_all(url, "after the other writers");
    remove(path);
}

/* A file of the knob that first kept best and best_seq: it stored a trial whose constraints
 * attribute is not an array as fresh, with best NULL (its rows' reading: infeasible), where
 * knob_trial_info_feasible takes it as feasible. The first open of such a file marks those
 * trials stale, once: the first read by the index gives the trial every trial's read gives
 * (trial 4), not a worse feasible one. */
static void sqlite_older_non_array_constraints_are_set_right(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-older.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    knob_test_sql_exec(path,
                       "BEGIN; UPDATE trials SET best = NULL, best_seq = seq WHERE state = 1 AND "
                       "id IN (SELECT trial FROM trial_attrs WHERE system = 1 AND key = "
                       "'constraints' AND json_type(json) IS NOT 'array'); DELETE FROM knob_meta "
                       "WHERE key = 'best_readable'; COMMIT");
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM trials WHERE state = 1 AND "
                                             "best_seq = seq AND id IN (SELECT trial FROM "
                                             "trial_attrs WHERE key = 'constraints' AND "
                                             "json_type(json) IS NOT 'array')") > 0,
                     1);
    knob_test_best_expect(agree(url, "non_array", "constraints not an array, in an older file"),
                          KNOB_OK, 4);
    assert_int_equal(
        knob_test_sql_int(path, "SELECT value FROM knob_meta WHERE key = 'best_readable'"), 1);
}

/* The index is what answers: a best planted in trials_best's column without a stamp (which
 * no read of the rows sees) is the first read's answer; with a stale trial in the study
 * (another writer's) the study is read instead. */
static void sqlite_first_best_reads_the_index(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-index-read.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    knob_test_best truth = agree(url, "min", "before");
    int64_t planted = truth.numbers[0] == 2 ? 4 : 2; /* complete and feasible trials */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "UPDATE trials SET best = -1e9 WHERE number = %lld AND study = (SELECT id FROM "
             "studies WHERE name = 'min')",
             (long long)planted);
    knob_test_sql_exec(path, sql);
    knob_test_best first = best_of(url, "min", false), rows = best_of(url, "min", true);
    knob_test_best_expect(first, KNOB_OK, planted);
    knob_test_best_expect(rows, KNOB_OK, truth.numbers[0]);
    /* a stale trial (stamped by another writer, its best not found again): every trial */
    knob_test_best_stamped(path, "min", 7, "");
    knob_test_best_expect(best_of(url, "min", false), KNOB_OK, truth.numbers[0]);
    remove(path);
}

static void sqlite_best_trial_is_an_index_seek(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-index-plan.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_test_best_seek_studies(url, add);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int which = 0; which < 3; which++) {
        char plan[4096];
        const char *sql = knob__sqlite_best_trial_sql(which);
        knob_test_sql_plan(db, sql, plan, sizeof plan);
        if (!strstr(plan, "SEARCH trials USING INDEX trials_best (study=? AND <expr>=?"))
            fail_msg("statement %d: not a search of trials_best:\n%s", which, plan);
        if (strstr(plan, "SCAN trials") || strstr(plan, "SCAN params") ||
            strstr(plan, "SCAN trial_"))
            fail_msg("statement %d: scans a table:\n%s", which, plan);
        int n_small = knob_test_sql_vm_steps(db, sql, 1, NULL),
            n_big = knob_test_sql_vm_steps(db, sql, 2, NULL);
        if (n_small > 100 || n_big > 100)
            fail_msg("statement %d: virtual machine steps %d (100 trials), %d (2,000)", which,
                     n_small, n_big);
    }
    sqlite3_close(db);
    remove(path);
}

static void postgres_first_best_as_every_trial(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    studies(url);
    agree_all(url, "written by knob");
    expect_answers(url);
    /* values knob would not take, from another writer (stamped, as knob stamps): -inf, NaN
     * (above every number, and so first when maximized), no value */
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 120, 1, "
             "txid_current(), '{-Infinity}' FROM knob_studies WHERE name = 'min'");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 120, 1, "
             "txid_current(), '{NaN}' FROM knob_studies WHERE name = 'max'");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 121, 1, "
             "txid_current(), '{}' FROM knob_studies WHERE name = 'max'");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 3, 1, "
             "txid_current(), '{NaN}' FROM knob_studies WHERE name = 'extreme'");
    knob_test_best_expect(agree(url, "min", "-inf"), KNOB_OK, 120);
    knob_test_best_expect(agree(url, "extreme", "NaN, maximized"), KNOB_OK, 1);
    agree_all(url, "values of another writer");
    /* constraints beyond a double's range, as the view reads them (strtod): 1e400 is inf,
     * infeasible; -1e400 is -inf, feasible (the server's float8 refused both: the first
     * read failed) */
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = knob_test_best_create(st, "huge", KNOB_MINIMIZE, 1);
    double v[4] = {5, 1, 2, 3};
    for (int k = 0; k < 4; k++)
        add(s, KNOB_TRIAL_COMPLETE, &v[k], 1, k, NULL);
    knob_study_free(s);
    knob_storage_close(st);
    static const char *const cons[3] = {"[1e400]", "[0.5, 1e-300]", "[-1e400, -2]"};
    for (int k = 1; k < 4; k++) { /* as knob_trial_set_system_attr would write them */
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO knob_trial_attrs(trial, system, key, json) SELECT t.id, true, "
                 "'constraints', '%s' FROM knob_trials t, knob_studies s WHERE t.study = s.id "
                 "AND s.name = 'huge' AND t.number = %d",
                 cons[k - 1], k);
        knob_test_pg_exec_url(url, sql);
    }
    knob_test_best_expect(agree(url, "huge", "constraints beyond a double's range"), KNOB_OK, 3);
}

/* The index is what answers: a better trial written without a stamp (which no sync reads)
 * is the first read's answer, not every trial's. */
static void postgres_first_best_reads_the_index(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    studies(url);
    knob_test_best truth = agree(url, "min", "before");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 999, 1, "
             "0, '{-1e9}' FROM knob_studies WHERE name = 'min'");
    knob_test_best_expect(best_of(url, "min", false), KNOB_OK, 999);
    knob_test_best_expect(best_of(url, "min", true), KNOB_OK, truth.numbers[0]);
}

/* The best trial's statement, generic plan or custom, minimized or maximized: the best
 * value by knob_trials_best under a Limit, no sequential scan of the trials, beside
 * 50,000 rows of other studies. */
static void postgres_best_trial_is_an_index_seek(void **state)
{
    (void)state;
    char url[4200], plan[16384];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    int64_t id;
    PGconn *c = knob_test_best_pg_seek(url, add, &id);
    const char *const modes[] = {"force_custom_plan", "force_generic_plan"};
    for (int max = 0; max < 2; max++) {
        static char prepare[16384];
        knob_test_pg_exec(c, "DEALLOCATE ALL");
        snprintf(prepare, sizeof prepare, "PREPARE best(bigint) AS %s",
                 knob__pg_best_trial_sql(max));
        knob_test_pg_exec(c, prepare);
        for (int m = 0; m < 2; m++) {
            knob_test_pg_best_plan(c, modes[m], id, plan, sizeof plan);
            if (!strstr(plan, "Limit") || !strstr(plan, "using knob_trials_best"))
                fail_msg("%s, %s: the best trial is not found in knob_trials_best:\n%s",
                         max ? "MAX" : "MIN", modes[m], plan);
            if (strstr(plan, "Seq Scan on knob_trials"))
                fail_msg("%s, %s: the best trial's read scans the trials:\n%s", max ? "MAX" : "MIN",
                         modes[m], plan);
        }
    }
    PQfinish(c);
    agree(url, "seek", "beside rows of other studies");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(sqlite_first_best_as_every_trial),
    cmocka_unit_test(sqlite_first_best_reads_the_index),
    cmocka_unit_test(sqlite_older_non_array_constraints_are_set_right),
    cmocka_unit_test(sqlite_best_trial_is_an_index_seek),
    cmocka_unit_test(postgres_first_best_as_every_trial),
    cmocka_unit_test(postgres_first_best_reads_the_index),
    cmocka_unit_test(postgres_best_trial_is_an_index_seek),
};

KNOB_TEST_MAIN(tests)
