/* A study handle reads its trials when something first needs them, not when it is opened:
 * a process that only tells a trial by number (knob tell), or asks once with a sampler
 * that learns nothing from the trials (knob ask), costs the same at 100,000 trials as at
 * 10. The proof here is a study with one unreadable trial row: such handles work on it,
 * and what does read the trials reports the row. */
#include "testutil.h"

#include "knob.h"

#include <sqlite3.h>

/* One case's SQLite file, its URL and the storage open on it. */
struct db {
    char path[4096];
    char url[4200];
    knob_storage *st;
};

static void db_paths(struct db *d)
{
    snprintf(d->path, sizeof d->path, "%s.db", knob_test_path("lazy"));
    snprintf(d->url, sizeof d->url, "sqlite:///%s", d->path);
    unlink(d->path);
}

static void db_open(struct db *d)
{
    assert_int_equal(knob_storage_open(d->url, &d->st), KNOB_OK);
}

static void db_close(struct db *d)
{
    knob_storage_close(d->st);
    unlink(d->path);
}

static knob_study *open_study(knob_storage *st, bool create)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=3", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    assert_int_equal(create ? knob_study_create(st, "lazy", &o, &s)
                            : knob_study_load(st, "lazy", &o, &s),
                     KNOB_OK);
    return s;
}

/* Trial 0 complete (x), trial 1 running with intermediate values 0.7 then 0.5, trial 2
 * running; then trial 0's distribution is made unreadable in the file. */
static void make_study(const char *path, const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, true);
    for (int i = 0; i < 3; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        if (i == 0) {
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
            continue;
        }
        if (i == 1) {
            assert_int_equal(knob_trial_report(t, 1, 0.7), KNOB_OK);
            assert_int_equal(knob_trial_report(t, 2, 0.5), KNOB_OK);
        }
        knob_trial_detach(t);
    }
    knob_study_free(s);
    knob_storage_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE params SET dist = '{' WHERE trial = (SELECT id FROM "
                                  "trials WHERE number = 0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
}

/* The study of make_study in a fresh file, its storage open, a handle loaded on it. */
static knob_study *open_broken(struct db *d)
{
    db_paths(d);
    make_study(d->path, d->url);
    db_open(d);
    return open_study(d->st, false);
}

/* What reads the trials finds the bad row; the handle's own errors say which trial. */
static void reading_fails(knob_study *s)
{
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_not_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_non_null(strstr(knob_errmsg(), "trial 0"));
}

static void tell_by_number_reads_no_trials(void **state)
{
    (void)state;
    struct db d;
    knob_study *s = open_broken(&d);
    double v = 0.25;
    assert_int_equal(knob_study_tell_number(s, 2, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_OK);
    /* A finished trial is refused by the storage itself, with its state. */
    assert_int_equal(knob_study_tell_number(s, 2, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    /* A wrong count of values is still refused before anything is written. */
    double two[2] = {1, 2};
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_COMPLETE, two, 2, NULL), KNOB_EINVAL);
    reading_fails(s);
    knob_study_free(s);
    db_close(&d);
}

/* A pruned trial told without values takes its last intermediate value, which needs the
 * trials: that tell reads them (and so meets the bad row). */
static void pruned_without_values_reads_its_steps(void **state)
{
    (void)state;
    struct db d;
    knob_study *s = open_broken(&d);
    assert_int_not_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_PRUNED, NULL, 0, NULL), KNOB_OK);
    knob_study_free(s);
    /* On a readable study the value is the last step's. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(d.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE params SET dist = (SELECT dist FROM params WHERE trial "
                                  "= (SELECT id FROM trials WHERE number = 2))",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = open_study(d.st, false);
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_PRUNED, NULL, 0, NULL), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(trials[1]->state, KNOB_TRIAL_PRUNED);
    assert_int_equal(trials[1]->n_values, 1);
    assert_true(trials[1]->values[0] == 0.5);
    knob_study_free(s);
    db_close(&d);
}

/* The first ask of a handle without heartbeats, with the random sampler, reads nothing;
 * the next ask reads the trials as every ask did before. */
static void first_ask_reads_no_trials(void **state)
{
    (void)state;
    struct db d;
    knob_study *s = open_broken(&d);
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 3);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    assert_int_not_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_non_null(strstr(knob_errmsg(), "trial 0"));
    knob_study_free(s);
    db_close(&d);
}

/* An enqueued trial is found by such a first ask all the same, with its fixed params. */
static void first_ask_takes_an_enqueued_trial(void **state)
{
    (void)state;
    struct db d;
    db_paths(&d);
    db_open(&d);
    knob_study *a = open_study(d.st, true);
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(a, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(a, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    assert_int_equal(knob_study_enqueue(a, "{\"x\": 0.125}"), KNOB_OK);
    knob_study *b = open_study(d.st, false);
    assert_int_equal(knob_study_ask(b, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_true(x == 0.125);
    assert_int_equal(knob_study_tell(b, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(b);
    knob_study_free(a);
    db_close(&d);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tell_by_number_reads_no_trials),
    cmocka_unit_test(pruned_without_values_reads_its_steps),
    cmocka_unit_test(first_ask_reads_no_trials),
    cmocka_unit_test(first_ask_takes_an_enqueued_trial),
};
KNOB_TEST_MAIN(tests)
