/* TPE on a study of 100,000 finished trials, in memory and on SQLite: the suggestions of a
 * fixed seed are the recorded ones (the algorithm of a long history is fixed by them), and
 * both storages give the same. The history is written quickly: in memory with
 * knob_study_add_trial, on SQLite by copying two template trials in one SQL statement per
 * table, with the same values. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <sqlite3.h>

#define BIG 100000

/* Trial k's params and value: a in [-5, 5], b in [1e-3, 10] (log), c an int in [0, 20];
 * the same expressions as the SQL below, so both storages hold the same doubles. */
static void values_of(int64_t k, double *a, double *b, double *c, double *y)
{
    *a = (double)((k * 7919) % 10007) / 10007.0 * 10 - 5;
    *b = 0.001 + (double)((k * 104729) % 10009) / 10009.0 * 9.999;
    *c = (double)((k * 31) % 21);
    *y = (*a - 1) * (*a - 1) + (*b - 2) * (*b - 2) + (*c - 7) * (*c - 7) / 10.0;
}

static bool fails(int64_t k)
{
    return k % 50 == 1;
}

static const knob_distribution dist_a = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};
static const knob_distribution dist_b = {
    .kind = KNOB_DIST_FLOAT, .low = 1e-3, .high = 10, .flags = KNOB_LOG};
static const knob_distribution dist_c = {.kind = KNOB_DIST_INT, .low = 0, .high = 20, .step = 1};

static void add(knob_study *s, int64_t k)
{
    double a, b, c, y;
    values_of(k, &a, &b, &c, &y);
    knob_param p[3] = {{"a", &dist_a, a}, {"b", &dist_b, b}, {"c", &dist_c, c}};
    knob_trial_info info = {.state = fails(k) ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE,
                            .n_params = 3,
                            .params = p,
                            .n_values = fails(k) ? 0 : 1,
                            .values = &y};
    if (knob_study_add_trial(s, &info, NULL))
        fail_msg("add trial %lld: %s", (long long)k, knob_errmsg());
}

static knob_study *open_study(knob_storage *st, bool create)
{
    knob_sampler *sp;
    if (knob_sampler_create("tpe", "seed=11", &sp))
        fail_msg("sampler: %s", knob_errmsg());
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if ((create ? knob_study_create : knob_study_load)(st, "big", &o, &s))
        fail_msg("study: %s", knob_errmsg());
    return s;
}

/* Trials 2 .. BIG-1 as copies of trial 0 (complete) or trial 1 (failed), by SQL. */
static void fill_sqlite(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "BEGIN;"
        "CREATE TEMP TABLE ks(k INTEGER PRIMARY KEY);"
        "WITH RECURSIVE c(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM c WHERE k < %d) "
        "INSERT INTO ks SELECT k FROM c;"
        "CREATE TEMP TABLE t0 AS SELECT * FROM trials WHERE number IN (0, 1);"
        "CREATE TEMP TABLE base AS SELECT MAX(id) AS id FROM t0;"
        "INSERT INTO trials(id, study, number, state, start_time, end_time, seq) "
        "SELECT base.id + ks.k, t.study, ks.k, t.state, t.start_time, t.end_time, t.seq + ks.k "
        "FROM ks JOIN t0 t ON t.number = (ks.k %% 50 = 1) JOIN base;"
        "INSERT INTO params(trial, position, name, dist, internal) "
        "SELECT base.id + ks.k, p.position, p.name, p.dist, "
        "CASE p.name WHEN 'a' THEN ((ks.k * 7919) %% 10007) / 10007.0 * 10 - 5 "
        "WHEN 'b' THEN 0.001 + ((ks.k * 104729) %% 10009) / 10009.0 * 9.999 "
        "ELSE CAST((ks.k * 31) %% 21 AS REAL) END "
        "FROM ks JOIN t0 t ON t.number = (ks.k %% 50 = 1) JOIN params p ON p.trial = t.id JOIN "
        "base;"
        "INSERT INTO trial_values(trial, idx, value) "
        "SELECT base.id + ks.k, 0, (a - 1) * (a - 1) + (b - 2) * (b - 2) + (c - 7) * (c - 7) "
        "/ 10.0 FROM (SELECT k, ((k * 7919) %% 10007) / 10007.0 * 10 - 5 AS a, "
        "0.001 + ((k * 104729) %% 10009) / 10009.0 * 9.999 AS b, "
        "CAST((k * 31) %% 21 AS REAL) AS c FROM ks WHERE k %% 50 != 1) v "
        "JOIN ks ON ks.k = v.k JOIN base;"
        "UPDATE studies SET seq = (SELECT MAX(seq) FROM trials);"
        "COMMIT;",
        BIG - 1);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("fill: %s", err);
    sqlite3_close(db);
}

/* Five trials asked and told by TPE; their params into x[5][3]. */
static void ask_five(knob_study *s, double x[5][3])
{
    for (int i = 0; i < 5; i++) {
        knob_trial *t;
        double y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[i][0]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "b", 1e-3, 10, 0, KNOB_LOG, &x[i][1]),
                         KNOB_OK);
        int64_t c;
        assert_int_equal(knob_trial_suggest_int(t, "c", 0, 20, 1, 0, &c), KNOB_OK);
        x[i][2] = (double)c;
        y = (x[i][0] - 1) * (x[i][0] - 1) + (x[i][1] - 2) * (x[i][1] - 2) +
            (x[i][2] - 7) * (x[i][2] - 7) / 10.0;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
}

/* The suggestions recorded for this history and seed (knob at 53251c3, before the
 * sampler's per-param columns; KNOB_TEST_VERBOSE=1 prints them). */
static const double golden[5][3] = {
    {0.94620174081298902, 1.7573891441763532, 7}, {0.99341119987444348, 0.0052928289193053908, 7},
    {0.9978745672844318, 0.1799819132032511, 7},  {1.0131229078624149, 0.0091663534017316327, 7},
    {1.0199615380811731, 0.20434093048019417, 7},
};

static void check(double x[5][3], const char *where)
{
    for (int i = 0; getenv("KNOB_TEST_VERBOSE") && i < 5; i++)
        printf("%s: {%.17g, %.17g, %.17g},\n", where, x[i][0], x[i][1], x[i][2]);
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 3; j++)
            if (x[i][j] != golden[i][j])
                fail_msg("%s: trial %d, param %d: %.17g, recorded %.17g", where, i, j, x[i][j],
                         golden[i][j]);
    }
}

static void tpe_hundred_thousand_memory(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = open_study(st, true);
    for (int64_t k = 0; k < BIG; k++)
        add(s, k);
    double x[5][3];
    ask_five(s, x);
    check(x, "memory");
    knob_study_free(s);
    knob_storage_close(st);
}

static void tpe_hundred_thousand_sqlite(void **state)
{
    (void)state;
    const char *path = knob_test_path("tpe_scale.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, true);
    add(s, 0);
    add(s, 1);
    knob_study_free(s);
    knob_storage_close(st);
    fill_sqlite(path);
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    s = open_study(st, false);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, BIG);
    for (size_t k = 0; k < n; k += 997) { /* the copies hold the values add() writes */
        double a, b, c, y;
        values_of((int64_t)k, &a, &b, &c, &y);
        assert_int_equal(tr[k]->number, (int64_t)k);
        assert_int_equal(tr[k]->state, fails((int64_t)k) ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE);
        assert_true(knob_trial_info_param(tr[k], "a")->internal == a);
        assert_true(knob_trial_info_param(tr[k], "b")->internal == b);
        assert_true(knob_trial_info_param(tr[k], "c")->internal == c);
        if (!fails((int64_t)k))
            assert_true(tr[k]->values[0] == y);
    }
    double x[5][3];
    ask_five(s, x);
    check(x, "sqlite");
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tpe_hundred_thousand_memory),
        cmocka_unit_test(tpe_hundred_thousand_sqlite),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
