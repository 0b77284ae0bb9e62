/* Opening a SQLite study file (src/storage/sqlite.c): the check of what the file holds is
 * a read, so a process opens the file and reads its studies while another process holds
 * the write lock (each `knob ask` and `knob tell` opens the file; it used to take the write
 * lock for the check, and so waited behind every other process's write). A file with
 * nothing in it is still given its schema under the write lock (test_storage.c:
 * sqlite_processes_create_file, sqlite_empty_file, sqlite_foreign_database). */
#include "testutil_sqlite.h"

#include "knob.h"

#include <unistd.h>

/* A study "s" with one finished trial, in a file of its own. */
static void make_study(const char *url)
{
    knob_storage *st;
    knob_sampler *sampler;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_sampler_create("random", "seed=3", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler};
    assert_int_equal(knob_study_create(st, "s", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

static void opens_beside_a_writer(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("open"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    /* Another connection holds the write lock, its transaction open. */
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(other, "BEGIN IMMEDIATE; UPDATE studies SET seq = seq", NULL, NULL, NULL),
        SQLITE_OK);
    knob_storage *st;
    knob_study *s;
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &t, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(t[0]->state, KNOB_TRIAL_COMPLETE);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    /* The file is as it was: in WAL mode, one study, one trial. */
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM pragma_journal_mode "
                                             "WHERE journal_mode = 'wal'"),
                     1);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM trials"), 1);
    unlink(path);
}

/* "?timeout=SECONDS" (SQLAlchemy's pysqlite URLs) is how long a write waits for another
 * process's lock: with timeout=0 a write beside a writer fails at once as busy, in the
 * file the URL names before its query; other parameters are refused by name. */
static void url_query(void **state)
{
    (void)state;
    char path[4096], url[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("query"));
    snprintf(url, sizeof url, "sqlite:///%s?timeout=0", path);
    make_study(url);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM trials"), 1);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(other, "BEGIN IMMEDIATE; UPDATE studies SET seq = seq", NULL, NULL, NULL),
        SQLITE_OK);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{}"), KNOB_EBUSY);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    const char *bad[] = {"?timeout=x", "?timeout=-1", "?timeout=", "?timeout=1&mode=ro",
                         "?check_same_thread=False"};
    const char *why[] = {"got 'x'", "got '-1'", "got ''", "unknown query parameter 'mode'",
                         "unknown query parameter 'check_same_thread'"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(url, sizeof url, "sqlite:///%s%s", path, bad[i]);
        st = NULL;
        assert_int_equal(knob_storage_open(url, &st), KNOB_EINVAL);
        assert_null(st);
        if (!strstr(knob_errmsg(), why[i]) || !strstr(knob_errmsg(), bad[i]))
            fail_msg("%s: %s", url, knob_errmsg());
    }
    snprintf(url, sizeof url, "sqlite:///%s?timeout=2.5&", path);
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_storage_close(st);
    unlink(path);
}

/* SQLAlchemy's driver after the scheme, as Optuna's URLs have it, is dropped: the same
 * file ("unknown scheme" before); a driver on a scheme knob does not have is still refused. */
static void url_driver(void **state)
{
    (void)state;
    char path[4096], url[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("driver"));
    snprintf(url, sizeof url, "sqlite+pysqlite:///%s?timeout=5", path);
    make_study(url);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM trials"), 1);
    knob_storage *st = NULL;
    assert_int_equal(knob_storage_open("redis+hiredis://x", &st), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "redis+hiredis://x"));
    assert_int_equal(knob_storage_open("memory+x:", &st), KNOB_EUNSUPPORTED);
    assert_null(st);
    unlink(path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(opens_beside_a_writer),
    cmocka_unit_test(url_query),
    cmocka_unit_test(url_driver),
};
KNOB_TEST_MAIN(tests)
