/* The record of a study's best trials (src/view.c, knob__view_sync_best) on SQLite: a
 * process that opens a study and asks for its best trial (as knob best: load, best, close)
 * gets the same trial through the record as from every row (KNOB_SNAPSHOT=off), whatever
 * happened since the record was written: better, worse, tied, pruned, failed and infeasible
 * trials, a running trial told, another process's trials, the best trial changed behind
 * the record, a damaged record, a study made again under the same name; and the same for
 * the Pareto front of two objectives. That the record is read at all is shown by a change
 * no stamp sees (a value rewritten in SQL without a new stamp): the record's knob_test_best then
 * differs from the rows' until the record is written again. */
#include "testutil.h"
#include "testutil_best.h"
#include "testutil_sqlite.h"
#include "knob.h"

#include <math.h>
#include <sqlite3.h>

#define N_TRIALS 200

static const knob_distribution dist_x = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};

static void url_of(const char *path, char *url, size_t size)
{
    snprintf(url, size, "sqlite:///%s", path);
}

/* Study "s" of the file at path, through the record (written or read) or from every row. */
static knob_test_best best_of(const char *path, bool record)
{
    char url[4200];
    url_of(path, url, sizeof url);
    return knob_test_best_of(url, "s", !record, false);
}

/* Through the record and from every row: the same answer. */
static knob_test_best agree(const char *path, const char *what)
{
    char url[4200];
    url_of(path, url, sizeof url);
    return knob_test_best_agree(url, "s", what, false);
}

static int64_t record_stamp(const char *path)
{
    if (knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                "'knob_sampler_states'") == 0)
        return -1; /* no record yet in this file */
    return knob_test_sql_int(path, "SELECT stamp FROM knob_sampler_states WHERE key = 'knob.best'");
}

/* Adds one finished trial (another process: a storage of its own). */
static int64_t add(const char *path, knob_trial_state state, const double *values, size_t n,
                   double x, const char *constraints)
{
    char url[4200];
    url_of(path, url, sizeof url);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    knob_param p = {"x", &dist_x, x};
    int64_t number = knob_test_add_trial(s, p, state, values, n, constraints);
    knob_study_free(s);
    knob_storage_close(st);
    return number;
}

/* A study "s" of N_TRIALS complete trials (every 7th infeasible, every 11th failed) in a
 * new file; values from a fixed sequence. */
static void make_study(const char *path, size_t n_obj)
{
    char url[4200];
    url_of(path, url, sizeof url);
    remove(path);
    knob_storage *st;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = n_obj};
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "s", &o, &s), KNOB_OK);
    for (int k = 0; k < N_TRIALS; k++) {
        double x = ((k * 7919) % 1009) / 1009.0 * 10 - 5;
        double v[2] = {x * x + 1, 10 - (x - 1) * (x - 1)};
        if (n_obj == 2)
            v[0] = (x + 2) * (x + 2);
        knob_param p = {"x", &dist_x, x};
        knob_attr c = {"constraints", "[1.5]"};
        knob_trial_info info = {.state = k % 11 == 5 ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE,
                                .n_params = 1,
                                .params = &p,
                                .n_values = k % 11 == 5 ? 0 : n_obj,
                                .values = v,
                                .n_system_attrs = k % 7 == 3 ? 1 : 0,
                                .system_attrs = &c};
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    /* One objective: the index of best values (trials_best) answers a first read alone
     * while every complete trial's best in it is fresh (tests/unit/test_best_index.c); the
     * record serves where it cannot. Trial 0 stamped by another writer (its best stale)
     * makes it so here. */
    if (n_obj == 1)
        knob_test_best_stamped(path, "s", 0, "");
}

/* A value rewritten without a new stamp: the record (trusted) does not see it, the rows
 * do. Restored after. */
static void record_is_read(const char *path, int64_t number, double planted)
{
    char sql[512];
    knob_test_best before = best_of(path, true);
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS saved(v REAL); DELETE FROM saved; "
             "INSERT INTO saved SELECT value FROM trial_values WHERE idx = 0 AND trial = "
             "(SELECT id FROM trials WHERE number = %lld); "
             "UPDATE trial_values SET value = %.17g WHERE idx = 0 AND trial = "
             "(SELECT id FROM trials WHERE number = %lld)",
             (long long)number, planted, (long long)number);
    knob_test_sql_exec(path, sql);
    knob_test_best rec = best_of(path, true), rows = best_of(path, false);
    assert_true(knob_test_best_same(&rec, &before));
    if (knob_test_best_same(&rec, &rows))
        fail_msg("the record was not read: trial %lld planted, same answer from the rows",
                 (long long)number);
    snprintf(sql, sizeof sql,
             "UPDATE trial_values SET value = (SELECT v FROM saved) WHERE idx = 0 AND trial = "
             "(SELECT id FROM trials WHERE number = %lld); DROP TABLE saved",
             (long long)number);
    knob_test_sql_exec(path, sql);
}

static void one_objective(void **state)
{
    (void)state;
    char path[4200], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("best1.db"));
    url_of(path, url, sizeof url);
    make_study(path, 1);
    assert_int_equal(record_stamp(path), -1);
    knob_test_best a = agree(path, "the first read (no record)");
    assert_true(record_stamp(path) > 0);
    int64_t other = a.numbers[0] == 0 ? 1 : 0; /* complete and feasible: 0 and 1 are */
    record_is_read(path, other, -100);
    /* the record's trial worse behind it: the best is an older trial, read whole */
    knob_test_best_set_value(path, "s", a.numbers[0], a.value + 100);
    knob_test_best b = agree(path, "the record's best changed behind it");
    assert_int_not_equal(b.numbers[0], a.numbers[0]);
    record_is_read(path, other, -100); /* written again */
    a = b;
    double v = a.value - 0.5;
    int64_t better = add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0.1, NULL);
    knob_test_best_expect(agree(path, "a better trial"), KNOB_OK, better);
    v = a.value + 10;
    add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0.2, NULL);
    agree(path, "a worse trial");
    v = a.value - 5;
    add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0.3, "[0.5, -1]");
    knob_test_best_expect(agree(path, "an infeasible better trial"), KNOB_OK, better);
    add(path, KNOB_TRIAL_PRUNED, &v, 1, 0.4, NULL);
    knob_test_best_expect(agree(path, "a pruned trial with a better last value"), KNOB_OK, better);
    add(path, KNOB_TRIAL_FAIL, NULL, 0, 0.5, NULL);
    knob_test_best_expect(agree(path, "a failed trial"), KNOB_OK, better);
    v = a.value - 0.5;
    add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0.6, NULL);
    knob_test_best_expect(agree(path, "a tie (the lower number stays)"), KNOB_OK, better);
    /* a running trial, told later with the best value */
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    int64_t running = knob_trial_number(t);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    knob_test_best_expect(agree(path, "a running trial"), KNOB_OK, better);
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    v = a.value - 2;
    assert_int_equal(knob_study_tell_number(s, running, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    knob_test_best_expect(agree(path, "the running trial told, the best"), KNOB_OK, running);
    /* the best changed behind the record (worse now): the study is read whole */
    knob_test_best_set_value(path, "s", running, a.value + 100);
    knob_test_best_expect(agree(path, "the best trial changed behind the record"), KNOB_OK, better);
    record_is_read(path, other, -100);
    /* many trials later the record is written again */
    int64_t stamp = record_stamp(path);
    for (int k = 0; k < 70; k++) {
        v = a.value + 1 + k;
        add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0.7, NULL);
    }
    knob_test_best_expect(agree(path, "70 worse trials"), KNOB_OK, better);
    assert_true(record_stamp(path) > stamp);
    record_is_read(path, other, -100);
    remove(path);
}

static void pareto_front(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("best2.db"));
    make_study(path, 2);
    knob_test_best a = agree(path, "the first read (no record)");
    assert_true(a.n >= 2);
    assert_true(record_stamp(path) > 0);
    /* a trial off the front, planted far below in the minimized objective */
    int64_t off = -1;
    for (int64_t k = 0; k < N_TRIALS && off < 0; k++) {
        bool on = k % 11 == 5 || k % 7 == 3;
        for (size_t i = 0; i < a.n; i++)
            on = on || a.numbers[i] == k;
        if (!on)
            off = k;
    }
    assert_true(off >= 0);
    record_is_read(path, off, -1000);
    /* the record's front worse behind it: the trials it dominated are the front now, found
     * only by reading the study whole */
    knob_test_best before = a;
    for (size_t i = 0; i < before.n; i++)
        knob_test_best_set_value(path, "s", before.numbers[i], 1000 + (double)i);
    a = agree(path, "the record's front changed behind it");
    assert_false(knob_test_best_same(&a, &before));
    record_is_read(path, off, -1000);
    double v[2] = {0, 10.5}; /* dominates every trial: x = -2 and x = 1 at once */
    int64_t top = add(path, KNOB_TRIAL_COMPLETE, v, 2, 0, NULL);
    knob_test_best b = agree(path, "a trial dominating the front");
    assert_int_equal(b.n, 1);
    assert_int_equal(b.numbers[0], top);
    double w[2] = {-1, 0};
    add(path, KNOB_TRIAL_COMPLETE, w, 2, 0, NULL);
    assert_int_equal(agree(path, "a second non-dominated trial").n, 2);
    double u[2] = {-2, 20};
    add(path, KNOB_TRIAL_COMPLETE, u, 2, 0, "[3]");
    assert_int_equal(agree(path, "an infeasible dominating trial").n, 2);
    add(path, KNOB_TRIAL_COMPLETE, v, 2, 0, NULL);
    assert_int_equal(agree(path, "a trial equal to one of the front").n, 3);
    knob_test_best_set_value(path, "s", top, 1000);
    agree(path, "a trial of the front changed behind it");
    remove(path);
}

static void damaged_record(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("best3.db"));
    make_study(path, 1);
    knob_test_best a = agree(path, "the first read");
    int64_t other = a.numbers[0] == 0 ? 1 : 0;
    const char *damage[] = {
        "UPDATE knob_sampler_states SET data = substr(data, 1, 40) WHERE key = 'knob.best'",
        "UPDATE knob_sampler_states SET data = zeroblob(length(data)) WHERE key = 'knob.best'",
        /* a byte of the body: only the checksum sees it */
        "UPDATE knob_sampler_states SET data = substr(data, 1, length(data) - 9) || x'7f' || "
        "substr(data, length(data) - 7) WHERE key = 'knob.best'",
        "UPDATE knob_sampler_states SET stamp = stamp + 1 WHERE key = 'knob.best'",
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        knob_test_sql_exec(path, damage[i]);
        knob_test_best_expect(agree(path, damage[i]), KNOB_OK, a.numbers[0]);
        record_is_read(path, other, -100); /* written again whole */
    }
    remove(path);
}

static void no_best_yet(void **state)
{
    (void)state;
    char path[4200], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("best4.db"));
    url_of(path, url, sizeof url);
    remove(path);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "s", NULL, &s), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(agree(path, "no trial").rc, KNOB_ENOTFOUND);
    add(path, KNOB_TRIAL_FAIL, NULL, 0, 0, NULL);
    assert_int_equal(agree(path, "a failed trial").rc, KNOB_ENOTFOUND);
    double v = 1;
    add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0, "[2]");
    assert_int_equal(agree(path, "an infeasible trial").rc, KNOB_ENOTFOUND);
    assert_int_equal(record_stamp(path), -1); /* no best: no record */
    v = 3;
    int64_t n = add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0, NULL);
    knob_test_best_expect(agree(path, "a feasible trial"), KNOB_OK, n);
    /* the study deleted and made again: the record went with it */
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_storage_delete_study(st, "s"), KNOB_OK);
    assert_int_equal(knob_study_create(st, "s", NULL, &s), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(record_stamp(path), -1);
    assert_int_equal(agree(path, "the study made again").rc, KNOB_ENOTFOUND);
    v = 7;
    n = add(path, KNOB_TRIAL_COMPLETE, &v, 1, 0, NULL);
    knob_test_best_expect(agree(path, "the new study's trial"), KNOB_OK, n);
    remove(path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(one_objective),
    cmocka_unit_test(pareto_front),
    cmocka_unit_test(damaged_record),
    cmocka_unit_test(no_best_yet),
};

KNOB_TEST_MAIN(tests)
