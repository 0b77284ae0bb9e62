/* Many processes on one SQLite file, and a study of 100,000 trials. */
#include "testutil.h"
#include "knob.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void url_for(char *url, size_t size, const char *tag)
{
    snprintf(url, size, "sqlite:///%s", knob_test_path(tag));
}

static int worker(const char *url, int n_trials, int seed)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create("random", opts, &sp))
        return 2;
    knob_study_options o = {.sampler = sp};
    if (knob_study_create(st, "shared", &o, &s))
        return 3;
    for (int i = 0; i < n_trials; i++) {
        knob_trial *t;
        double x, y;
        if (knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x) ||
            knob_trial_report(t, 0, x))
            return 4;
        y = x * x;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
            return 5;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

static void wait_all(int n)
{
    for (int i = 0; i < n; i++) {
        int status;
        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("worker ended with status 0x%x", status);
    }
}

/* 4 processes x 250 trials: exactly 1000 trials numbered 0..999, all complete. */
static void four_processes_one_file(void **state)
{
    (void)state;
    char url[4200];
    url_for(url, sizeof url, "mp.db");
    for (int w = 0; w < 4; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(worker(url, 250, w));
    }
    wait_all(4);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "shared", NULL, &s), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 1000);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(trials[i]->number, (int64_t)i);
        assert_int_equal(trials[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(trials[i]->n_params, 1);
        double x = trials[i]->params[0].internal;
        assert_true(trials[i]->values[0] == x * x);
    }
    const knob_study_summary *list;
    size_t ns;
    assert_int_equal(knob_storage_studies(st, &list, &ns), KNOB_OK);
    assert_int_equal(ns, 1);
    assert_int_equal(list[0].n_trials, 1000);
    knob_study_free(s);
    knob_storage_close(st);
}

#if defined(__SANITIZE_ADDRESS__)
#define BIG_STUDY 5000 /* ASan's shadow memory makes a size check meaningless */
#else
#define BIG_STUDY 100000
#endif
#define ASKED 500 /* trials of the big study written through the API; the rest are copies */

/* Trial k's x (k >= ASKED) in the copies: the same expression as the SQL below, so both
 * give the same double. */
static double copy_x(int64_t k)
{
    return (double)((k * 7919) % 10007) / 10007.0 * 2 - 1;
}

/* Trials ASKED .. BIG_STUDY-1 as copies of trial 0 (its param, intermediate value and value
 * with x = copy_x(k)), written in one transaction: 100,000 asks and tells cost a minute
 * of CPU, and what is checked is the study read back and asked, not how it was written. */
static void fill_copies(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[4096];
    snprintf(sql, sizeof sql,
             "BEGIN;"
             "CREATE TEMP TABLE ks(k INTEGER PRIMARY KEY, x REAL NOT NULL);"
             "WITH RECURSIVE c(k) AS (SELECT %d UNION ALL SELECT k + 1 FROM c WHERE k < %d) "
             "INSERT INTO ks SELECT k, ((k * 7919) %% 10007) / 10007.0 * 2 - 1 FROM c;"
             "CREATE TEMP TABLE t0 AS SELECT * FROM trials WHERE number = 0;"
             "CREATE TEMP TABLE base AS SELECT MAX(id) AS id, MAX(seq) AS seq FROM trials;"
             "INSERT INTO trials(id, study, number, state, start_time, end_time, seq) "
             "SELECT base.id + ks.k, t.study, ks.k, t.state, t.start_time, t.end_time, "
             "base.seq + ks.k FROM ks JOIN t0 t JOIN base;"
             "INSERT INTO params(trial, position, name, dist, internal) "
             "SELECT base.id + ks.k, p.position, p.name, p.dist, ks.x "
             "FROM ks JOIN t0 t JOIN params p ON p.trial = t.id JOIN base;"
             "INSERT INTO intermediate(trial, step, value) "
             "SELECT base.id + ks.k, 0, ks.x FROM ks JOIN base;"
             "INSERT INTO trial_values(trial, idx, value) "
             "SELECT base.id + ks.k, 0, ks.x * ks.x FROM ks JOIN base;"
             "UPDATE studies SET seq = (SELECT MAX(seq) FROM trials);"
             "COMMIT;",
             ASKED, BIG_STUDY - 1);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("fill: %s", err);
    sqlite3_close(db);
}

/* A study of 100,000 finished trials loads and keeps asking in under 200 MB, and what it
 * holds is what was written: every trial, numbered in order, its value the square of its x
 * (the copies' x as written, the asked trials' as the sampler gave). */
static void hundred_thousand_trials_stay_small(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("big.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(worker(url, ASKED, 1));
    wait_all(1);
    fill_copies(path);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        int rc = worker(url, 100, 2);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long kb = ru.ru_maxrss;
        if (write(fd[1], &kb, sizeof kb) != (ssize_t)sizeof kb)
            rc = 9;
        _exit(rc);
    }
    close(fd[1]);
    long kb = 0;
    assert_int_equal(read(fd[0], &kb, sizeof kb), (ssize_t)sizeof kb);
    close(fd[0]);
    wait_all(1);
    print_message("peak memory with %d trials loaded: %ld MB\n", BIG_STUDY, kb / 1024);
#if !defined(__SANITIZE_ADDRESS__)
    assert_true(kb < 200 * 1024);
#endif
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "shared", NULL, &s), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, BIG_STUDY + 100);
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = trials[i];
        assert_int_equal(t->number, (int64_t)i);
        assert_int_equal(t->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(t->n_params, 1);
        assert_int_equal(t->n_values, 1);
        double x = t->params[0].internal;
        if (i >= ASKED && i < BIG_STUDY && x != copy_x((int64_t)i))
            fail_msg("trial %zu: x %.17g, written %.17g", i, x, copy_x((int64_t)i));
        assert_true(x >= -1 && x <= 1);
        assert_true(t->values[0] == x * x);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_processes_one_file),
        cmocka_unit_test(hundred_thousand_trials_stay_small),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
