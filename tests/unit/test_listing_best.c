/* The studies listing's best value from an index. SQLite (src/storage/sqlite.c, BEST_SCHEMA):
 * each complete trial's best kept in its row and found by an index seek of trials_best.
 * PostgreSQL (src/storage/postgres.c, BEST_FIRST): the first feasible entry of
 * knob_trials_best. Both bit for bit what the query of every complete trial (the listing's
 * before, kept here as it was) gives: studies minimized and maximized, of one objective and
 * two, with ties (a -0 among them), extreme values (infinities and NaN: from other writers),
 * infeasible trials, pruned trials holding values better than the best, failed trials, no
 * feasible trial, no trial; trials told through ask and tell, with constraints and without,
 * one left running. On SQLite then trials changed by other writers (a value, a constraint, a
 * trial written by SQL, a constraint that is not JSON) and a file of an older knob, which its
 * first open fills. EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (PostgreSQL) show the index used,
 * and on SQLite the statement's virtual machine steps do not grow with the study. */
#include "testutil.h"
#include "testutil_best.h"
#include "testutil_sqlite.h"
#include "knob.h"
#include "storage/postgres.h"
#include "storage/sqlite.h"

#include <math.h>
#include <string.h>

/* The listing's best before the index, as it was (src/storage/sqlite.c, Q_BEST_MIN). */
#define OLD_BEST(agg)                                                                              \
    "SELECT " agg "(v.value) FROM trials t JOIN trial_values v ON v.trial = t.id "                 \
    "AND v.idx = 0 WHERE t.study = ?1 AND t.state = 1 "                                            \
    "AND NOT EXISTS (SELECT 1 FROM trial_attrs a, json_each(a.json) j WHERE a.trial = t.id "       \
    "AND a.system = 1 AND a.key = 'constraints' AND NOT (j.value <= 0))"

static const knob_distribution dist_x = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};

typedef struct old_best {
    bool failed; /* the query failed (a constraint that is not JSON) */
    double best; /* NAN: no feasible complete trial */
} old_best;

/* The listing's best before the index on PostgreSQL, as it was (postgres.c, Q_BEST_MIN),
 * the study's id in place of $1 (a format). */
#define OLD_BEST_PG(agg)                                                                           \
    "SELECT " agg "(t.vals[1]) FROM knob_trials t WHERE t.study = %s AND t.state = 1 "             \
    "AND NOT EXISTS (SELECT 1 FROM knob_trial_attrs a, "                                           \
    "jsonb_array_elements(CASE WHEN jsonb_typeof(a.json::jsonb) = 'array' THEN "                   \
    "a.json::jsonb ELSE '[1]'::jsonb END) j WHERE a.trial = t.id AND a.system "                    \
    "AND a.key = 'constraints' AND NOT (CASE WHEN jsonb_typeof(j) = 'number' "                     \
    "THEN (j #>> '{}')::float8 <= 0 ELSE false END))"

/* The old query's answer on PostgreSQL (url) for study `name`. */
static old_best old_query_pg(const char *url, const char *name)
{
    old_best r = {false, NAN};
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    char q[4096];
    snprintf(q, sizeof q, "SELECT id, directions FROM knob_studies WHERE name = '%s'", name);
    PGresult *s = PQexec(c, q);
    assert_int_equal(PQresultStatus(s), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(s), 1);
    char id[32];
    snprintf(id, sizeof id, "%s", PQgetvalue(s, 0, 0));
    const char *dirs = PQgetvalue(s, 0, 1);
    bool max = strncmp(dirs, "maximize", 8) == 0 || strncmp(dirs, "[\"maximize\"", 11) == 0;
    PQclear(s);
    snprintf(q, sizeof q, max ? OLD_BEST_PG("MAX") : OLD_BEST_PG("MIN"), id);
    s = PQexec(c, q);
    r.failed = PQresultStatus(s) != PGRES_TUPLES_OK;
    if (!r.failed && !PQgetisnull(s, 0, 0))
        r.best = strtod(PQgetvalue(s, 0, 0), NULL);
    PQclear(s);
    PQfinish(c);
    return r;
}

/* The old query's answer for study `name` of the file at `path` (SQLite), or of the
 * PostgreSQL storage at url when path is NULL. */
static old_best old_query(const char *path, const char *url, const char *name)
{
    if (!path)
        return old_query_pg(url, name);
    sqlite3 *db;
    sqlite3_stmt *s;
    old_best r = {false, NAN};
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char dirs[64] = "";
    int64_t id = -1;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT id, directions FROM studies WHERE name = ?1", -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    id = sqlite3_column_int64(s, 0);
    snprintf(dirs, sizeof dirs, "%s", (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    bool max = strncmp(dirs, "maximize", 8) == 0 || strncmp(dirs, "[\"maximize\"", 11) == 0;
    assert_int_equal(sqlite3_prepare_v2(db, max ? OLD_BEST("MAX") : OLD_BEST("MIN"), -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        r.best = sqlite3_column_double(s, 0);
    r.failed = rc != SQLITE_ROW;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return r;
}

/* Every study's best in the listing is the old query's, bit for bit; a listing fails where
 * the old query failed. Returns the number of studies. path: the SQLite file, or NULL and
 * url PostgreSQL's. */
static size_t agree_at(const char *path, const char *pg, const char *what)
{
    char url[4200];
    if (path)
        snprintf(url, sizeof url, "sqlite:///%s", path);
    else
        snprintf(url, sizeof url, "%s", pg);
    knob_storage *st;
    const knob_study_summary *l;
    size_t n;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    int rc = knob_storage_studies(st, &l, &n);
    if (rc) {
        assert_non_null(path);
        /* then some study's old query fails too */
        bool any = false;
        sqlite3 *db;
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM studies", -1, &s, NULL),
                         SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW)
            any |= old_query(path, NULL, (const char *)sqlite3_column_text(s, 0)).failed;
        sqlite3_finalize(s);
        sqlite3_close(db);
        if (!any)
            fail_msg("%s: the listing failed (%s) where the old query did not", what,
                     knob_errmsg());
        knob_storage_close(st);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        old_best o = old_query(path, url, l[i].name);
        if (o.failed)
            fail_msg("%s: study '%s': the old query failed, the listing did not", what, l[i].name);
        if (!knob_test_same_bits(o.best, l[i].best_value))
            fail_msg("%s: study '%s': best %.17g (the old query: %.17g)", what, l[i].name,
                     l[i].best_value, o.best);
    }
    knob_storage_close(st);
    return n;
}

static size_t agree(const char *path, const char *what)
{
    return agree_at(path, NULL, what);
}

/* Complete trials whose best is not kept fresh in their rows (read from their rows). */
static int64_t stale(const char *path)
{
    return knob_test_sql_int(path, "SELECT COUNT(*) FROM trials WHERE state = 1 AND "
                                   "best_seq IS NOT seq");
}

/* A trial as this file writes it: x 0.5 in each (the listing reads no param), a pruned
 * trial's value as its values, which the listing must pass over. */
static void add(knob_study *s, knob_trial_state state, const double *v, size_t n, double x,
                const char *constraints)
{
    (void)x;
    knob_param p = {"x", &dist_x, 0.5};
    knob_attr c = {"constraints", constraints};
    knob_trial_info info = {.state = state,
                            .n_params = 1,
                            .params = &p,
                            .n_values = n,
                            .values = v,
                            .n_system_attrs = constraints ? 1 : 0,
                            .system_attrs = &c};
    if (knob_study_add_trial(s, &info, NULL))
        fail_msg("add: %s", knob_errmsg());
}

/* Studies of every kind, written by knob (add_trial, and ask and tell). */
static void studies(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_test_best_studies(st, add);
    knob_study *s = knob_test_best_create(st, "zero", KNOB_MINIMIZE, 1);
    double z[4] = {1.5, -0.0, 0.0, -0.0};
    for (int k = 0; k < 4; k++)
        add(s, KNOB_TRIAL_COMPLETE, &z[k], 1, 0, NULL);
    knob_study_free(s);
    knob_storage_close(st);
}

static void sqlite_same_best_as_every_trial(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    assert_int_equal(agree(path, "written by knob"), 10);
    assert_int_equal(stale(path), 0); /* every best found in an index seek */

    /* other writers, each change stamped (as every knob stamps its writes) */
    /* a value, better than every other */
    knob_test_best_set_value(path, "min", 0, -1e9);
    assert_int_equal(stale(path), 1);
    agree(path, "a value rewritten by another writer");
    /* the same trial made infeasible */
    knob_test_best_set_constraints(path, "min", 0, "[3, 0]");
    agree(path, "a constraint set by another writer");
    /* a complete trial written by SQL, of a value knob would not take */
    knob_test_best_sql_trial(path, "max", 1000, "9e999"); /* +inf */
    assert_int_equal(stale(path), 2);
    agree(path, "a trial written by SQL");
    /* a constraint that is not JSON: the listing fails on it, as it did */
    knob_test_best_set_constraints(path, "two", 1, "[1");
    assert_int_equal(agree(path, "a constraint that is not JSON"), 0);
    knob_test_sql_exec(path, "DELETE FROM trial_attrs WHERE json = '[1'");
    assert_int_equal(agree(path, "the constraint removed"), 10);
    remove(path);
}

static void sqlite_older_file_is_filled_at_open(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-old.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    /* the file as a knob before the columns wrote it, with a value of -inf (another writer's)
     * and a constraint that is not JSON */
    knob_test_sql_exec(path, "UPDATE trial_values SET value = -9e999 WHERE idx = 0 AND trial = "
                             "(SELECT t.id FROM trials t JOIN studies s ON s.id = t.study WHERE "
                             "s.name = 'extreme' AND t.number = 1); DROP INDEX trials_best; ALTER "
                             "TABLE trials DROP COLUMN best_seq; "
                             "ALTER TABLE trials DROP COLUMN best; INSERT INTO trial_attrs(trial, "
                             "system, key, json) SELECT t.id, 1, 'constraints', '[1' FROM "
                             "trials t JOIN studies s ON s.id = t.study WHERE s.name = 'two' "
                             "AND t.number = 1");
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                             "'trials_best'"),
                     0);
    assert_int_equal(agree(path, "an older knob's file with a constraint that is not JSON"), 0);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                             "'trials_best'"),
                     1);
    assert_int_equal(stale(path), 1); /* that trial alone: its rows are read */
    knob_test_sql_exec(path, "DELETE FROM trial_attrs WHERE json = '[1'");
    assert_int_equal(agree(path, "an older knob's file, filled"), 10);
    remove(path);
}

static void sqlite_best_is_an_index_seek(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-plan.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_test_best_seek_studies(url, add);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int max = 0; max < 2; max++) {
        char plan[4096];
        const char *sql = knob__sqlite_best_sql(max);
        knob_test_sql_plan(db, sql, plan, sizeof plan);
        /* the fresh trials' best and the stale ones: each a search of the study's entries */
        const char *fresh = strstr(plan, "SEARCH trials USING INDEX trials_best (study=? AND "
                                         "<expr>=?)");
        if (!fresh || !strstr(plan, "SEARCH t USING INDEX trials_best (study=? AND <expr>=?)"))
            fail_msg("%s: the best value is not found in trials_best:\n%s", max ? "MAX" : "MIN",
                     plan);
        if (strstr(plan, "SCAN trials") || strstr(plan, "SCAN t\n") || strstr(plan, "SCAN v"))
            fail_msg("%s: the best value's query scans a table:\n%s", max ? "MAX" : "MIN", plan);
        /* and under 100 steps for 100 trials as for 2,000 (the old query: a few per trial) */
        double small, big, old_small, old_big;
        int n_small = knob_test_sql_vm_steps(db, sql, 1, &small),
            n_big = knob_test_sql_vm_steps(db, sql, 2, &big);
        const char *old = max ? OLD_BEST("MAX") : OLD_BEST("MIN");
        int o_small = knob_test_sql_vm_steps(db, old, 1, &old_small),
            o_big = knob_test_sql_vm_steps(db, old, 2, &old_big);
        assert_true(knob_test_same_bits(small, old_small) && knob_test_same_bits(big, old_big));
        if (n_small > 100 || n_big > 100 || o_big < 2000)
            fail_msg("%s: virtual machine steps %d (100 trials), %d (2,000); the old query "
                     "%d, %d",
                     max ? "MAX" : "MIN", n_small, n_big, o_small, o_big);
    }
    sqlite3_close(db);
    remove(path);
}

static void postgres_same_best_as_every_trial(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    studies(url);
    assert_int_equal(agree_at(NULL, url, "written by knob"), 10);
    /* values knob would not take, from another writer: -inf, NaN (above every number) */
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 1000, 1, "
             "0, '{-Infinity}' FROM knob_studies WHERE name = 'min'");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 1000, 1, "
             "0, '{NaN}' FROM knob_studies WHERE name = 'max'");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 1000, 1, "
             "0, '{NaN}' FROM knob_studies WHERE name = 'two'");
    assert_int_equal(agree_at(NULL, url, "infinite and NaN values"), 10);
}

/* The listing's best value, generic plan or custom, minimized or maximized: an index scan
 * of knob_trials_best under a Limit, neither a sequential scan nor a sort (its MIN or MAX
 * read every complete trial), beside 50,000 rows of other studies. */
static void postgres_best_is_an_index_seek(void **state)
{
    (void)state;
    char url[4200], plan[8192];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    int64_t id;
    PGconn *c = knob_test_best_pg_seek(url, add, &id);
    const char *const modes[] = {"force_custom_plan", "force_generic_plan"};
    for (int max = 0; max < 2; max++) {
        char prepare[4096];
        knob_test_pg_exec(c, "DEALLOCATE ALL");
        snprintf(prepare, sizeof prepare, "PREPARE best(bigint) AS %s", knob__pg_best_sql(max));
        knob_test_pg_exec(c, prepare);
        for (int m = 0; m < 2; m++) {
            knob_test_pg_best_plan(c, modes[m], id, plan, sizeof plan);
            if (!strstr(plan, "Limit") || !strstr(plan, "using knob_trials_best") ||
                !strstr(plan, "Index"))
                fail_msg("%s, %s: the best value is not an index scan of knob_trials_best:\n%s",
                         max ? "MAX" : "MIN", modes[m], plan);
            if (strstr(plan, "Seq Scan on knob_trials") || strstr(plan, "Sort"))
                fail_msg("%s, %s: the best value scans or sorts the trials:\n%s",
                         max ? "MAX" : "MIN", modes[m], plan);
        }
    }
    PQfinish(c);
    assert_int_equal(agree_at(NULL, url, "beside rows of other studies"), 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(sqlite_same_best_as_every_trial),
    cmocka_unit_test(sqlite_older_file_is_filled_at_open),
    cmocka_unit_test(sqlite_best_is_an_index_seek),
    cmocka_unit_test(postgres_same_best_as_every_trial),
    cmocka_unit_test(postgres_best_is_an_index_seek),
};

KNOB_TEST_MAIN(tests)
