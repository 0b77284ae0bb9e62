/* The first knob_study_best_trial of a study (`knob best`) by the storage's index of best
 * values (backend best_trial: SQLite's trials_best, PostgreSQL's knob_trials_best), reading
 * that trial alone, gives the trial the read of every trial gives (KNOB_SNAPSHOT=off): the
 * same number, value bits, params and attributes, or the same status. Studies minimized and
 * maximized, with ties (a -0 among them: the lower number wins), infinities, infeasible
 * trials, pruned trials holding better values, failed and running trials, no feasible trial,
 * no trial, constraint texts the listing's queries judge otherwise ([null], {"a": 1}, 5:
 * knob_trial_set_system_attr takes any JSON); two objectives (the
 * Pareto front, not by the index); on SQLite trials changed by other writers (a value, a
 * constraint, a trial written by SQL, a constraint that is not JSON), and on PostgreSQL
 * values knob would not take (-inf, NaN). The same process asks again and then lists every
 * trial. That the index is read: on SQLite a best planted in the index's column (no stamp)
 * is the answer, while a stale trial sends the read to every trial; on PostgreSQL a better
 * trial written without a stamp (no sync reads it) is the answer; the plans (EXPLAIN
 * QUERY PLAN, EXPLAIN) search the index and scan no table, and on SQLite the statements'
 * virtual machine steps do not grow with the study. */
#include "testutil.h"
#include "testutil_sqlite.h"
#include "knob.h"
#include "storage/postgres.h"
#include "storage/sqlite.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define N_TRIALS 120
#define MAX_FRONT 256

static const knob_distribution dist_x = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};

/* One process's answer: status, the best trial's number and what it holds (one objective),
 * or the front's numbers (several). */
typedef struct answer {
    int rc;
    size_t n;
    int64_t numbers[MAX_FRONT];
    double value;
    size_t n_params, n_values, n_inter, n_user, n_system;
    double x;
} answer;

static answer best_of(const char *url, const char *name, bool every_trial)
{
    answer a = {0};
    if (every_trial)
        setenv("KNOB_SNAPSHOT", "off", 1);
    else
        unsetenv("KNOB_SNAPSHOT");
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    if (knob_study_load(st, name, NULL, &s))
        fail_msg("load %s: %s", name, knob_errmsg());
    if (knob_study_n_objectives(s) == 1) {
        const knob_trial_info *b = NULL;
        a.rc = knob_study_best_trial(s, &b);
        if (!a.rc) {
            a.n = 1;
            a.numbers[0] = b->number;
            a.value = b->values[0];
            a.n_params = b->n_params;
            a.n_values = b->n_values;
            a.n_inter = b->n_intermediate;
            a.n_user = b->n_user_attrs;
            a.n_system = b->n_system_attrs;
            a.x = b->n_params ? b->params[0].internal : NAN;
            /* asked again in the same process: the same trial */
            const knob_trial_info *again = NULL;
            assert_int_equal(knob_study_best_trial(s, &again), KNOB_OK);
            assert_int_equal(again->number, a.numbers[0]);
        }
        /* then every trial: the whole study, not the best alone */
        const knob_trial_info *const *all;
        size_t n_all;
        assert_int_equal(knob_study_trials(s, &all, &n_all), KNOB_OK);
        for (size_t i = 0; i < n_all; i++)
            assert_int_equal(all[i]->number, (int64_t)i);
    } else {
        const knob_trial_info *const *front = NULL;
        a.rc = knob_study_best_trials(s, &front, &a.n);
        assert_true(a.n <= MAX_FRONT);
        for (size_t i = 0; !a.rc && i < a.n; i++)
            a.numbers[i] = front[i]->number;
    }
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SNAPSHOT");
    return a;
}

static bool same(const answer *x, const answer *y)
{
    if (x->rc != y->rc || x->n != y->n)
        return false;
    if (x->n == 1 &&
        (!knob_test_same_bits(x->value, y->value) || x->n_params != y->n_params ||
         x->n_values != y->n_values || x->n_inter != y->n_inter || x->n_user != y->n_user ||
         x->n_system != y->n_system || !knob_test_same_bits(x->x, y->x)))
        return false;
    for (size_t i = 0; i < x->n; i++)
        if (x->numbers[i] != y->numbers[i])
            return false;
    return true;
}

/* The first best of a process (by the index where it answers) and every trial's: the
 * same. */
static answer agree(const char *url, const char *name, const char *what)
{
    answer first = best_of(url, name, false), rows = best_of(url, name, true);
    if (!same(&first, &rows))
        fail_msg("%s, study '%s': first read status %d, %zu trials (first %lld, value %.17g); "
                 "every trial status %d, %zu trials (first %lld, value %.17g)",
                 what, name, first.rc, first.n, (long long)(first.n ? first.numbers[0] : -1),
                 first.value, rows.rc, rows.n, (long long)(rows.n ? rows.numbers[0] : -1),
                 rows.value);
    return first;
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

static knob_study *create(knob_storage *st, const char *name, knob_direction d0, size_t n_obj)
{
    knob_direction dirs[2] = {d0, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = n_obj};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

static void add(knob_study *s, knob_trial_state state, const double *v, size_t n, double x,
                const char *constraints)
{
    knob_param p = {"x", &dist_x, x};
    knob_test_add_trial(s, p, state, v, n, constraints);
}

/* N_TRIALS trials: every 11th failed, every 13th pruned with a value better than any,
 * every `every`th infeasible (better than the feasible ones); values from a fixed sequence,
 * with ties (37 values). */
static void make(knob_storage *st, const char *name, knob_direction d0, size_t n_obj, int every)
{
    knob_study *s = create(st, name, d0, n_obj);
    double sign = d0 == KNOB_MAXIMIZE ? -1 : 1;
    for (int k = 0; k < N_TRIALS; k++) {
        double x = (double)((k * 7919) % 37) - 18;
        double v[2] = {sign * (x * x + 1), 10 - (x - 1) * (x - 1)};
        double px = x / 4;
        if (k % 13 == 6) {
            double better = sign * -1000;
            add(s, KNOB_TRIAL_PRUNED, &better, 1, px, NULL);
        } else if (k % 11 == 5) {
            add(s, KNOB_TRIAL_FAIL, NULL, 0, px, NULL);
        } else if (k % every == 3 % every) {
            double w[2] = {v[0] - sign * 500, v[1]};
            add(s, KNOB_TRIAL_COMPLETE, w, n_obj, px, k % 2 ? "[1.5, -1]" : "[-1, 0.25]");
        } else {
            add(s, KNOB_TRIAL_COMPLETE, v, n_obj, px, k % 3 ? NULL : "[0, -2]");
        }
    }
    knob_study_free(s);
}

/* Studies of every kind, written by knob (add_trial, and ask and tell). */
static void studies(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    make(st, "min", KNOB_MINIMIZE, 1, 7);
    make(st, "max", KNOB_MAXIMIZE, 1, 5);
    make(st, "two", KNOB_MINIMIZE, 2, 7);
    make(st, "two_max", KNOB_MAXIMIZE, 2, 4);
    make(st, "half_infeasible", KNOB_MINIMIZE, 1, 2);
    knob_study *s = create(st, "none_feasible", KNOB_MINIMIZE, 1);
    double v = 1;
    add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, "[2]");
    add(s, KNOB_TRIAL_FAIL, NULL, 0, 0, NULL);
    add(s, KNOB_TRIAL_PRUNED, &v, 1, 0, NULL);
    knob_study_free(s);
    knob_study_free(create(st, "empty", KNOB_MAXIMIZE, 1));
    s = create(st, "zero", KNOB_MINIMIZE, 1);
    double z[5] = {1.5, 0.0, -0.0, 0.0, -0.0};
    for (int k = 0; k < 5; k++)
        add(s, KNOB_TRIAL_COMPLETE, &z[k], 1, k, NULL);
    knob_study_free(s);
    s = create(st, "extreme", KNOB_MAXIMIZE, 1);
    double ext[3] = {-DBL_MAX, 3, DBL_MAX};
    add(s, KNOB_TRIAL_COMPLETE, &ext[0], 1, 0, NULL);
    add(s, KNOB_TRIAL_COMPLETE, &ext[1], 1, 1, NULL);
    add(s, KNOB_TRIAL_COMPLETE, &ext[2], 1, 2, "[1]");
    knob_study_free(s);
    /* asked and told: constraints set before the tell, feasible or not; a running trial */
    s = create(st, "told", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 13; k++) {
        knob_trial *t;
        double x, c = k % 3 == 0 ? 1 : -1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t, "k", "1"), KNOB_OK);
        if (k == 12) {
            knob_trial_detach(t);
            break;
        }
        if (k % 2)
            assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
        double y = k % 3 == 0 ? -100 + k : (double)((k * 5) % 7);
        assert_int_equal(
            knob_study_tell(s, t, k == 4 ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE, &y, 1),
            KNOB_OK);
    }
    knob_study_free(s);
    /* many trials on the best value, the first of them not the first written */
    s = create(st, "ties", KNOB_MAXIMIZE, 1);
    for (int k = 0; k < 40; k++) {
        double y = k % 4 == 2 ? 7 : (double)(k % 5);
        add(s, KNOB_TRIAL_COMPLETE, &y, 1, k % 9 - 4, k % 8 == 2 ? "[1]" : NULL);
    }
    knob_study_free(s);
    /* the best by value has a constraint [null]: the index takes it as feasible, the
     * view not (a NaN constraint) */
    s = create(st, "null_constraint", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 6; k++) {
        knob_trial *t;
        double x, y = k == 3 ? -50 : k;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        if (k == 3)
            assert_int_equal(knob_trial_set_system_attr(t, "constraints", "[null]"), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    /* constraints texts that are not arrays: no constraint for the view (the listing's
     * query takes them as infeasible) */
    s = create(st, "non_array", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 6; k++) {
        knob_trial *t;
        double x, y = k == 2 ? -50 : k == 4 ? -60 : k;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        if (k == 2 || k == 4)
            assert_int_equal(
                knob_trial_set_system_attr(t, "constraints", k == 2 ? "{\"a\": 1}" : "5"), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

static void expect(answer a, int rc, int64_t number)
{
    assert_int_equal(a.rc, rc);
    if (!rc)
        assert_int_equal(a.numbers[0], number);
}

static void expect_answers(const char *url)
{
    expect(agree(url, "zero", "ties of -0 and 0"), KNOB_OK, 1);
    expect(agree(url, "ties", "ties"), KNOB_OK, 6); /* 2: infeasible */
    expect(agree(url, "extreme", "extremes"), KNOB_OK, 1);
    expect(agree(url, "null_constraint", "[null]"), KNOB_OK, 0);
    expect(agree(url, "non_array", "constraints not an array"), KNOB_OK, 4);
    expect(agree(url, "none_feasible", "none feasible"), KNOB_ENOTFOUND, 0);
    expect(agree(url, "empty", "no trial"), KNOB_ENOTFOUND, 0);
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
    static const char bump[] = "UPDATE studies SET seq = seq + 1 WHERE name = '%s'; UPDATE "
                               "trials SET seq = (SELECT seq FROM studies WHERE name = '%s') "
                               "WHERE study = (SELECT id FROM studies WHERE name = '%s') AND "
                               "number = %d; ";
    char sql[2048], b[1024];
    snprintf(b, sizeof b, bump, "min", "min", "min", 0);
    snprintf(sql, sizeof sql,
             "BEGIN; %s UPDATE trial_values SET value = -1e9 WHERE idx = 0 AND trial = (SELECT "
             "t.id FROM trials t JOIN studies s ON s.id = t.study WHERE s.name = 'min' AND "
             "t.number = 0); COMMIT",
             b);
    knob_test_sql_exec(path, sql);
    expect(agree(url, "min", "a value rewritten by another writer"), KNOB_OK, 0);
    snprintf(sql, sizeof sql,
             "BEGIN; %s INSERT INTO trial_attrs(trial, system, key, json) SELECT t.id, 1, "
             "'constraints', '[3, 0]' FROM trials t JOIN studies s ON s.id = t.study WHERE s.name "
             "= 'min' AND t.number = 0 ON CONFLICT DO UPDATE SET json = excluded.json; COMMIT",
             b);
    knob_test_sql_exec(path, sql);
    agree(url, "min", "a constraint set by another writer");
    knob_test_sql_exec(path,
                       "BEGIN; UPDATE studies SET seq = seq + 1 WHERE name = 'max'; INSERT INTO "
                       "trials(study, number, state, seq) SELECT id, 120, 1, seq FROM studies "
                       "WHERE name = 'max'; INSERT INTO trial_values(trial, idx, value) SELECT "
                       "MAX(id), 0, 9e999 FROM trials; COMMIT"); /* +inf */
    expect(agree(url, "max", "a trial written by SQL"), KNOB_OK, 120);
    snprintf(b, sizeof b, bump, "half_infeasible", "half_infeasible", "half_infeasible", 1);
    snprintf(sql, sizeof sql,
             "BEGIN; %s INSERT INTO trial_attrs(trial, system, key, json) SELECT t.id, 1, "
             "'constraints', '[1' FROM trials t JOIN studies s ON s.id = t.study WHERE s.name = "
             "'half_infeasible' AND t.number = 1 ON CONFLICT DO UPDATE SET json = "
             "excluded.json; COMMIT",
             b);
    knob_test_sql_exec(path, sql);
    agree(url, "half_infeasible", "a constraint that is not JSON");
    agree_all(url, "after the other writers");
    remove(path);
}

/* The index is what answers: a best planted in trials_best's column without a stamp (which
 * no read of the rows sees) is the first read's answer; with a stale trial in the study
 * (another writer's) the study is read instead. */
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
    expect(agree(url, "non_array", "constraints not an array, in an older file"), KNOB_OK, 4);
    assert_int_equal(
        knob_test_sql_int(path, "SELECT value FROM knob_meta WHERE key = 'best_readable'"), 1);
}

static void sqlite_first_best_reads_the_index(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-index-read.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    studies(url);
    answer truth = agree(url, "min", "before");
    int64_t planted = truth.numbers[0] == 2 ? 4 : 2; /* complete and feasible trials */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "UPDATE trials SET best = -1e9 WHERE number = %lld AND study = (SELECT id FROM "
             "studies WHERE name = 'min')",
             (long long)planted);
    knob_test_sql_exec(path, sql);
    answer first = best_of(url, "min", false), rows = best_of(url, "min", true);
    expect(first, KNOB_OK, planted);
    expect(rows, KNOB_OK, truth.numbers[0]);
    /* a stale trial (stamped by another writer, its best not found again): every trial */
    knob_test_sql_exec(path, "BEGIN; UPDATE studies SET seq = seq + 1 WHERE name = 'min'; UPDATE "
                             "trials SET seq = (SELECT seq FROM studies WHERE name = 'min') "
                             "WHERE number = 7 AND study = (SELECT id FROM studies WHERE name = "
                             "'min'); COMMIT");
    expect(best_of(url, "min", false), KNOB_OK, truth.numbers[0]);
    remove(path);
}

static void sqlite_best_trial_is_an_index_seek(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("best-index-plan.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    for (int m = 0; m < 2; m++) { /* studies of 100 and 2,000 trials */
        knob_study *s = create(st, m ? "big" : "small", KNOB_MINIMIZE, 1);
        for (int k = 0; k < (m ? 2000 : 100); k++) {
            double v = (double)((k * 7919) % 1009);
            add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, k % 5 ? NULL : "[-1]");
        }
        knob_study_free(s);
    }
    knob_storage_close(st);
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
    expect(agree(url, "min", "-inf"), KNOB_OK, 120);
    expect(agree(url, "extreme", "NaN, maximized"), KNOB_OK, 1);
    agree_all(url, "values of another writer");
    /* constraints beyond a double's range, as the view reads them (strtod): 1e400 is inf,
     * infeasible; -1e400 is -inf, feasible (the server's float8 refused both: the first
     * read failed) */
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = create(st, "huge", KNOB_MINIMIZE, 1);
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
    expect(agree(url, "huge", "constraints beyond a double's range"), KNOB_OK, 3);
}

/* The index is what answers: a better trial written without a stamp (which no sync reads)
 * is the first read's answer, not every trial's. */
static void postgres_first_best_reads_the_index(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    studies(url);
    answer truth = agree(url, "min", "before");
    knob_test_pg_exec_url(
        url, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT id, 999, 1, "
             "0, '{-1e9}' FROM knob_studies WHERE name = 'min'");
    expect(best_of(url, "min", false), KNOB_OK, 999);
    expect(best_of(url, "min", true), KNOB_OK, truth.numbers[0]);
}

/* The best trial's statement, generic plan or custom, minimized or maximized: the best
 * value by knob_trials_best under a Limit, no sequential scan of the trials, beside
 * 50,000 rows of other studies. */
static void postgres_best_trial_is_an_index_seek(void **state)
{
    (void)state;
    char url[4200], plan[16384];
    snprintf(url, sizeof url, "%s", knob_test_pg_url_or_skip());
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = create(st, "seek", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 200; k++) {
        double v = (double)((k * 7919) % 1009);
        add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, k % 5 ? NULL : "[-1]");
    }
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT 1000 + "
                         "g % 500, g, CASE WHEN g % 4 = 0 THEN 2 ELSE 1 END, 0, ARRAY[g::float8] "
                         "FROM generate_series(1, 50000) g");
    knob_test_pg_exec(c, "VACUUM ANALYZE knob_trials");
    PGresult *r = PQexec(c, "SELECT id FROM knob_studies WHERE name = 'seek'");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int64_t id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
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
