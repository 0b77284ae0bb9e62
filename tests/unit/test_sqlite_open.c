/* Opening a SQLite study file (src/storage/sqlite.c): the check of what the file holds is
 * a read, so a process opens the file and reads its studies while another process holds
 * the write lock (each `knob ask` and `knob tell` opens the file; it used to take the write
 * lock for the check, and so waited behind every other process's write). A file with
 * nothing in it is still given its schema under the write lock (test_storage.c:
 * sqlite_processes_create_file, sqlite_empty_file, sqlite_foreign_database). */
#include "testutil_sqlite.h"

#include "knob.h"

#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Another connection to the file at `path` that holds its write lock, its transaction open
 * (ROLLBACK and sqlite3_close end it). */
static sqlite3 *hold_write_lock(const char *path)
{
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(other, "BEGIN IMMEDIATE; UPDATE studies SET seq = seq", NULL, NULL, NULL),
        SQLITE_OK);
    return other;
}

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
    sqlite3 *other = hold_write_lock(path);
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
    sqlite3 *other = hold_write_lock(path);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{}"), KNOB_EBUSY);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    const char *bad[] = {"?timeout=x",
                         "?timeout=-1",
                         "?timeout=",
                         "?timeout=1&mode=ro",
                         "?check_same_thread=False",
                         "?timeout=5&timeout=6",
                         "?timeout=0x10",
                         "?timeout=1e1"};
    const char *why[] = {"got 'x'",
                         "got '-1'",
                         "got ''",
                         "unknown query parameter 'mode'",
                         "unknown query parameter 'check_same_thread'",
                         "timeout is given twice",
                         "got '0x10'",
                         "got '1e1'"};
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

/* A schema version that is no whole number from 1 is a damaged file, named so: '1.5' was
 * read as version 1, and the file opened. */
static void schema_version_whole(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("schema_version.db"));
    unlink(path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    const char *bad[] = {"1.5", "0", "-1", "abc", "", "01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "UPDATE knob_meta SET value = '%s' WHERE key = 'schema_version'",
                 bad[i]);
        knob_test_sql_exec(path, sql);
        knob_storage *st = NULL;
        int rc = knob_storage_open(url, &st);
        if (rc != KNOB_ECORRUPT || !strstr(knob_errmsg(), "without its schema version"))
            fail_msg("schema version '%s': %d, %s", bad[i], rc, rc ? knob_errmsg() : "opened");
        assert_null(st);
    }
    knob_test_sql_exec(path, "UPDATE knob_meta SET value = '1' WHERE key = 'schema_version'");
    knob_storage *st = NULL;
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

/* SQLAlchemy's in-memory SQLite URLs, as the Python package takes them: "memory:", a new
 * storage of this process ("cannot switch to WAL mode ... network file system?" for a file
 * ':memory:', and "expected sqlite:///relative/path.db" for "sqlite://", before). */
static void url_sqlalchemy_memory(void **state)
{
    (void)state;
    static const char *const urls[] = {
        "sqlite:///:memory:", "sqlite://",
        "sqlite+pysqlite:///:memory:", "sqlite:///:memory:?timeout=5"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        knob_storage *st = NULL;
        knob_study *s;
        if (knob_storage_open(urls[i], &st) != KNOB_OK)
            fail_msg("%s: %s", urls[i], knob_errmsg());
        assert_int_equal(knob_study_create(st, "m", NULL, &s), KNOB_OK);
        const knob_study_summary *list;
        size_t n;
        assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
        assert_int_equal(n, 1);
        knob_study_free(s);
        knob_storage_close(st);
        struct stat info;
        assert_int_not_equal(stat(":memory:", &info), 0); /* no file of that name */
    }
}

/* Groups of (study, state) whose count in knob_trial_counts is not the trials' own. */
#define COUNTS_WRONG                                                                               \
    "SELECT (SELECT COUNT(*) FROM (SELECT study, state, COUNT(*) AS n FROM trials GROUP BY "       \
    "study, state) t WHERE NOT EXISTS (SELECT 1 FROM knob_trial_counts c WHERE c.study = "         \
    "t.study AND c.state = t.state AND c.n = t.n)) + (SELECT COUNT(*) FROM knob_trial_counts c "   \
    "WHERE c.n != (SELECT COUNT(*) FROM trials t WHERE t.study = c.study AND t.state = c.state))"

static void expect_listed(knob_storage *st, const char *name, int64_t n, int64_t complete)
{
    const knob_study_summary *list;
    size_t k;
    assert_int_equal(knob_storage_studies(st, &list, &k), KNOB_OK);
    for (size_t i = 0; i < k; i++)
        if (!strcmp(list[i].name, name)) {
            if (list[i].n_trials != n || list[i].n_complete != complete)
                fail_msg("study %s: %lld trials, %lld complete; expected %lld, %lld", name,
                         (long long)list[i].n_trials, (long long)list[i].n_complete, (long long)n,
                         (long long)complete);
            return;
        }
    fail_msg("study %s is not listed", name);
}

static void tell(knob_study *s, knob_trial *t, knob_trial_state state)
{
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, state, &y, 1), KNOB_OK);
}

/* The studies listing reads each study's trial counts by state from knob_trial_counts,
 * which knob's writes and, for other writers (an older knob, the sqlite3 shell), triggers
 * keep: exact after creations, starts of waiting trials, finishes, another writer's
 * inserts, state changes and deletes, a study's deletion, and in a file of a knob before
 * the table, which its first open fills from the trials. The listing counted every trial
 * of each study (73.5 M instructions for `knob studies` at 100,000 trials). */
static void trial_counts_are_exact(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("counts"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    unlink(path);
    knob_storage *st;
    knob_study *a, *b;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "a", NULL, &a), KNOB_OK);
    assert_int_equal(knob_study_create(st, "b", NULL, &b), KNOB_OK);
    const knob_trial_state ends[] = {KNOB_TRIAL_COMPLETE, KNOB_TRIAL_COMPLETE, KNOB_TRIAL_FAIL,
                                     KNOB_TRIAL_PRUNED};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(knob_study_ask(a, &t), KNOB_OK);
        tell(a, t, ends[i]);
    }
    assert_int_equal(knob_study_ask(a, &t), KNOB_OK); /* left running */
    knob_trial_detach(t);
    assert_int_equal(knob_study_enqueue(a, "{}"), KNOB_OK);
    assert_int_equal(knob_study_enqueue(a, "{}"), KNOB_OK);
    assert_int_equal(knob_study_ask(a, &t), KNOB_OK); /* a waiting one, started */
    tell(a, t, KNOB_TRIAL_COMPLETE);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(knob_study_ask(b, &t), KNOB_OK);
        tell(b, t, KNOB_TRIAL_COMPLETE);
    }
    assert_int_equal(knob_test_sql_int(path, COUNTS_WRONG), 0);
    assert_int_equal(knob_test_sql_int(path, "SELECT n FROM knob_trial_counts WHERE state = 4"), 1);
    expect_listed(st, "a", 7, 3);
    expect_listed(st, "b", 3, 3);

    /* another writer: its insert, state change and delete go through the triggers */
    knob_test_sql_exec(path, "INSERT INTO trials(study, number, state, seq) SELECT id, 100, 1, 0 "
                             "FROM studies WHERE name = 'a'; UPDATE trials SET state = 1 WHERE "
                             "state = 2; DELETE FROM trials WHERE number = 0 AND study = (SELECT "
                             "id FROM studies WHERE name = 'b')");
    assert_int_equal(knob_test_sql_int(path, COUNTS_WRONG), 0);
    expect_listed(st, "a", 8, 5);
    expect_listed(st, "b", 2, 2);

    knob_study_free(b);
    assert_int_equal(knob_storage_delete_study(st, "b"), KNOB_OK);
    assert_int_equal(knob_test_sql_int(path, COUNTS_WRONG), 0);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM knob_trial_counts WHERE "
                                             "study NOT IN (SELECT id FROM studies)"),
                     0);
    knob_study_free(a);
    knob_storage_close(st);

    /* a file of a knob before knob_trial_counts, with trials written since */
    knob_test_sql_exec(path, "DROP TRIGGER knob_trial_counts_insert; DROP TRIGGER "
                             "knob_trial_counts_update; DROP TRIGGER knob_trial_counts_delete; "
                             "DROP TABLE knob_trial_counts; INSERT INTO trials(study, number, "
                             "state, seq) SELECT study, number + 1000, state, 0 FROM trials");
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_test_sql_int(path, COUNTS_WRONG), 0);
    expect_listed(st, "a", 16, 10);
    assert_int_equal(knob_study_load(st, "a", NULL, &a), KNOB_OK);
    assert_int_equal(knob_study_ask(a, &t), KNOB_OK); /* the waiting one left, started */
    tell(a, t, KNOB_TRIAL_COMPLETE);
    assert_int_equal(knob_test_sql_int(path, COUNTS_WRONG), 0);
    expect_listed(st, "a", 16, 11);
    knob_study_free(a);
    knob_storage_close(st);
    unlink(path);
}

/* A file as a knob before AUTOINCREMENT ids made it (its schema as that knob wrote it; no
 * trial counts, no trials' best), with studies "a" (id 1: a complete trial with a param, a
 * value and an attribute) and "b" (id 2). */
#define OLDER_FILE                                                                                 \
    "PRAGMA application_id = 1802399586; PRAGMA journal_mode = WAL; "                              \
    "CREATE TABLE knob_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); "                          \
    "CREATE TABLE studies(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "                     \
    "directions TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL); "           \
    "CREATE TABLE study_attrs(study INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, "   \
    "system INTEGER NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, "                             \
    "PRIMARY KEY(study, system, key)); "                                                           \
    "CREATE TABLE trials(id INTEGER PRIMARY KEY, study INTEGER NOT NULL REFERENCES studies(id) "   \
    "ON DELETE CASCADE, number INTEGER NOT NULL, state INTEGER NOT NULL, start_time REAL, "        \
    "end_time REAL, seq INTEGER NOT NULL, UNIQUE(study, number)); "                                \
    "CREATE INDEX trials_by_seq ON trials(study, seq); "                                           \
    "CREATE INDEX trials_by_state ON trials(study, state, number); "                               \
    "CREATE TABLE params(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "         \
    "position INTEGER NOT NULL, name TEXT NOT NULL, dist TEXT NOT NULL, internal REAL NOT NULL, "  \
    "PRIMARY KEY(trial, name)); "                                                                  \
    "CREATE TABLE trial_values(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "   \
    "idx INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(trial, idx)); "                        \
    "CREATE TABLE intermediate(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "   \
    "step INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(trial, step)); "                      \
    "CREATE TABLE trial_attrs(trial INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE, "    \
    "system INTEGER NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, "                             \
    "PRIMARY KEY(trial, system, key)); "                                                           \
    "CREATE TABLE claims(study INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, "        \
    "key TEXT NOT NULL, trial INTEGER, PRIMARY KEY(study, key)); "                                 \
    "INSERT INTO knob_meta(key, value) VALUES('schema_version', '1'); "                            \
    "INSERT INTO studies(id, name, directions, seq, created) VALUES(1, 'a', 'minimize', 2, 1), "   \
    "(2, 'b', 'minimize', 0, 2); "                                                                 \
    "INSERT INTO study_attrs VALUES(1, 0, 'note', '\"kept\"'); "                                   \
    "INSERT INTO trials VALUES(1, 1, 0, 1, 1, 2, 2); "                                             \
    "INSERT INTO params VALUES(1, 0, 'x', "                                                        \
    "'{\"type\":\"float\",\"low\":0,\"high\":4,\"step\":0,\"log\":false}', 2.5); "                 \
    "INSERT INTO trial_values VALUES(1, 0, 0.25)"

/* Studies never reuse an id, in a file made before AUTOINCREMENT too: its first open makes
 * the studies table again with it, keeping every study's rows. There a new study took the
 * id of the last one deleted, and a process still holding the deleted study's handle
 * wrote its trials into the new study. */
static void older_file_ids_are_not_reused(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("older-ids"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    unlink(path);
    knob_test_sql_exec(path, OLDER_FILE);
    knob_storage *st, *other;
    knob_study *a, *b, *n;
    knob_trial *t;
    const knob_trial_info *const *tr;
    size_t k;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                             "'studies' AND sql LIKE '%AUTOINCREMENT%'"),
                     1);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM pragma_integrity_check WHERE "
                                             "integrity_check != 'ok'"),
                     0);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
    /* study a as it was */
    expect_listed(st, "a", 1, 1);
    assert_int_equal(knob_study_load(st, "a", NULL, &a), KNOB_OK);
    assert_int_equal(knob_study_trials(a, &tr, &k), KNOB_OK);
    assert_int_equal(k, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(tr[0]->n_params, 1);
    assert_true(tr[0]->params[0].internal == 2.5);
    assert_int_equal(tr[0]->n_values, 1);
    assert_true(tr[0]->values[0] == 0.25);
    assert_string_equal(knob_study_user_attr(a, "note"), "\"kept\"");
    knob_study_free(a);

    /* b deleted (the study of the greatest id) while a handle holds it, a new study made */
    assert_int_equal(knob_study_load(st, "b", NULL, &b), KNOB_OK);
    assert_int_equal(knob_storage_open(url, &other), KNOB_OK);
    assert_int_equal(knob_storage_delete_study(other, "b"), KNOB_OK);
    assert_int_equal(knob_study_create(other, "n", NULL, &n), KNOB_OK);
    assert_int_equal(knob_test_sql_int(path, "SELECT id FROM studies WHERE name = 'n'"), 3);
    assert_int_equal(knob_study_ask(b, &t), KNOB_ENOTFOUND);
    assert_int_equal(knob_study_trials(n, &tr, &k), KNOB_OK);
    assert_int_equal(k, 0);
    knob_study_free(n);
    knob_study_free(b);
    knob_storage_close(other);
    knob_storage_close(st);
    /* opened again: nothing more to do */
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    expect_listed(st, "a", 1, 1);
    expect_listed(st, "n", 0, 0);
    knob_storage_close(st);
    unlink(path);
}

/* A write waits for another process's lock its URL's timeout in all, even while signals
 * cut SQLite's sleeps short (knob run gets SIGCHLD at each trial's exit): the busy handler
 * then gave up early, and each retry waited a whole timeout again (about 4 s of a 2 s
 * timeout). Here a timer rings three times, 0.3 s apart, early in the wait. The bound
 * leaves room for a loaded machine and stays below the old code's 4 s. */
static volatile sig_atomic_t rings;

static void on_ring(int sig)
{
    (void)sig;
    if (++rings == 3) {
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
    }
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void lock_wait_keeps_timeout(void **state)
{
    (void)state;
    char path[4096], url[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("busy"));
    snprintf(url, sizeof url, "sqlite:///%s?timeout=2", path);
    make_study(url);
    sqlite3 *other = hold_write_lock(path);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_ring;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, &old);
    rings = 0;
    struct itimerval every = {{0, 300000}, {0, 300000}};
    setitimer(ITIMER_REAL, &every, NULL);
    double t0 = seconds_now();
    int rc = knob_study_enqueue(s, "{}");
    double waited = seconds_now() - t0;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(rc, KNOB_EBUSY);
    if (!strstr(knob_errmsg(), path) || !strstr(knob_errmsg(), "database is locked") ||
        !strstr(knob_errmsg(), "another process holds the database's lock; a write waits 2 s"))
        fail_msg("the message: %s", knob_errmsg());
    if (waited < 1.9 || waited > 3.4)
        fail_msg("a write with timeout=2 waited %.2f s for the lock (%d signals)", waited,
                 (int)rings);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    unlink(path);
}

/* A VFS over the default one whose deletes of a "-wal" file can be made to fail: `race`
 * deletes the file first, as another process opening the path at that moment does, so the
 * delete then finds nothing (SQLITE_IOERR_DELETE_NOENT); `refuse` fails the delete with
 * SQLITE_IOERR_DELETE and leaves the file. Each is used once, then cleared. */
static sqlite3_vfs *base_vfs;
static sqlite3_vfs racing_vfs;
static bool race, refuse;
static int deletes;

static bool is_wal(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, "-wal") == 0;
}

static int racing_delete(sqlite3_vfs *vfs, const char *path, int sync_dir)
{
    (void)vfs;
    if (is_wal(path) && refuse) {
        refuse = false;
        deletes++;
        return SQLITE_IOERR_DELETE;
    }
    if (is_wal(path) && race) {
        race = false;
        deletes++;
        unlink(path);
    }
    return base_vfs->xDelete(base_vfs, path, sync_dir);
}

/* Makes v, a copy of the default VFS as `adjust` changes it, the default (on), or puts the
 * default back (off). */
static void use_vfs(sqlite3_vfs *v, void (*adjust)(sqlite3_vfs *), bool on)
{
    if (on) {
        base_vfs = sqlite3_vfs_find(NULL);
        *v = *base_vfs;
        adjust(v);
        assert_int_equal(sqlite3_vfs_register(v, 1), SQLITE_OK);
    } else {
        sqlite3_vfs_register(base_vfs, 1);
        sqlite3_vfs_unregister(v);
    }
}

static void racing(sqlite3_vfs *v)
{
    v->zName = "knob-test-racing";
    v->xDelete = racing_delete;
}

static void use_racing_vfs(bool on)
{
    use_vfs(&racing_vfs, racing, on);
}

/* A study file deleted to start over, its WAL left beside it (knob keeps it at close): the
 * path opened again makes a new, empty file, and SQLite drops the stale WAL at its first
 * read. Processes that open the path at once race to delete it, and all but one found it
 * gone: "disk I/O error", at random, for some of them. The open is taken again then. */
static void stale_wal_deleted_by_another_opener(void **state)
{
    (void)state;
    char path[4096], wal[4200], shm[4200], url[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("stalewal"));
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    struct stat info;
    assert_int_equal(stat(wal, &info), 0); /* the WAL stays at close */
    assert_int_equal(unlink(path), 0);
    use_racing_vfs(true);
    race = true;
    deletes = 0;
    knob_storage *st = NULL;
    int rc = knob_storage_open(url, &st);
    use_racing_vfs(false);
    if (rc)
        fail_msg("open beside a stale WAL: %d %s", rc, knob_errmsg());
    assert_int_equal(deletes, 1);
    const knob_study_summary *list;
    size_t n;
    assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
    assert_int_equal(n, 0); /* a new file: nothing of the stale WAL */
    knob_storage_close(st);
    unlink(path);
    unlink(wal);
    unlink(shm);
}

/* An I/O error at the open while a "-wal" lies beside the file says what it likely is and
 * what to do, naming both files. */
static void stale_wal_named_on_io_error(void **state)
{
    (void)state;
    char path[4096], wal[4200], shm[4200], url[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("stalewal2"));
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    assert_int_equal(unlink(path), 0);
    use_racing_vfs(true);
    refuse = true;
    deletes = 0;
    knob_storage *st = NULL;
    int rc = knob_storage_open(url, &st);
    use_racing_vfs(false);
    assert_int_equal(rc, KNOB_ESTORAGE);
    assert_null(st);
    assert_int_equal(deletes, 1);
    char want[9000];
    snprintf(want, sizeof want,
             "'%s-wal' lies beside it, likely left from a database deleted or replaced at "
             "that path: with no process using the storage, remove '%s-wal' and '%s-shm' too",
             path, path, path);
    if (!strstr(knob_errmsg(), "disk I/O error") || !strstr(knob_errmsg(), want))
        fail_msg("the message: %s", knob_errmsg());
    unlink(path);
    unlink(wal);
    unlink(shm);
}

/* A VFS over the default one whose files fail to map the WAL's index (the -shm) while
 * `shm_full` is set, as SQLite's own does on a full disk: SQLITE_IOERR_SHMSIZE, errno
 * ENOSPC. Its files are the default VFS's, with their methods but xShmMap. */
static sqlite3_vfs full_vfs;
static const sqlite3_io_methods *base_io;
static sqlite3_io_methods full_io;
static bool shm_full;

static int full_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    if (shm_full) {
        errno = ENOSPC;
        return SQLITE_IOERR_SHMSIZE;
    }
    return base_io->xShmMap(f, page, size, extend, out);
}

static int full_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                     int *out_flags)
{
    (void)vfs;
    int rc = base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
    if (rc == SQLITE_OK && (flags & SQLITE_OPEN_MAIN_DB) && f->pMethods) {
        base_io = f->pMethods;
        full_io = *base_io;
        full_io.xShmMap = full_shm_map;
        f->pMethods = &full_io;
    }
    return rc;
}

static void full(sqlite3_vfs *v)
{
    v->zName = "knob-test-full";
    v->xOpen = full_open;
}

static void use_full_vfs(bool on)
{
    use_vfs(&full_vfs, full, on);
}

/* A study file copied without its -wal and -shm (sqlite3 path.db ".backup copy.db") to a
 * full disk: SQLite cannot make the -shm a reader needs. The error blamed a WAL "likely
 * left from a database deleted" and said to remove the -wal and -shm that the open had
 * just made itself; it names the full disk and the -shm instead, at the next open too
 * (those files lie beside the copy then), and opens once there is room. */
static void full_disk_at_the_open_is_named(void **state)
{
    (void)state;
    char path[4096], copy[4200], url[4300], side[4300];
    snprintf(path, sizeof path, "%s.db", knob_test_path("fullshm"));
    snprintf(copy, sizeof copy, "%s.copy.db", path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    sqlite3 *from, *to;
    assert_int_equal(sqlite3_open(path, &from), SQLITE_OK);
    assert_int_equal(sqlite3_open(copy, &to), SQLITE_OK);
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    assert_non_null(b);
    assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
    sqlite3_backup_finish(b);
    sqlite3_close(to);
    sqlite3_close(from);
    snprintf(side, sizeof side, "%s-shm", copy);
    struct stat info;
    assert_int_not_equal(stat(side, &info), 0); /* the copy is alone */
    snprintf(url, sizeof url, "sqlite:///%s", copy);
    for (int open = 0; open < 2; open++) {
        use_full_vfs(true);
        shm_full = true;
        knob_storage *st = NULL;
        int rc = knob_storage_open(url, &st);
        shm_full = false;
        use_full_vfs(false);
        assert_int_equal(rc, KNOB_ESTORAGE);
        assert_null(st);
        char want[9000];
        snprintf(want, sizeof want,
                 "disk I/O error (%s: SQLite could not make or grow '%s-shm', the index of the "
                 "WAL that it keeps beside the file, to read it too: free some space on that "
                 "disk)",
                 strerror(ENOSPC), copy);
        if (!strstr(knob_errmsg(), want) || strstr(knob_errmsg(), "remove") ||
            strstr(knob_errmsg(), "likely left"))
            fail_msg("open %d: %s", open, knob_errmsg());
    }
    knob_storage *st;
    knob_study *s;
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "s", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &t, &n), KNOB_OK);
    assert_int_equal(n, 1);
    knob_study_free(s);
    knob_storage_close(st);
    const char *ends[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", path, ends[i]);
        unlink(side);
        snprintf(side, sizeof side, "%s%s", copy, ends[i]);
        unlink(side);
    }
}

/* The -wal of a file that another connection has open and writes is removed: every other
 * opener reads a WAL that lacks what the index (-shm) says it holds, and got a bare "disk
 * I/O error". The message names the likely cause and what to do (wait for that process to
 * close it), and advises no removal. The writer's close copies into the file what it
 * committed to the WAL it had open, although the WAL holds few pages (the close leaves
 * a WAL of fewer than 64 pages as it is): every trial is there after. */
static void wal_removed(const char *name, bool through_a_link)
{
    char path[4096], wal[4200], shm[4200], url[4300], link[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path(name));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    make_study(url);
    char *real = realpath(path, NULL); /* SQLite's name of the file: its -wal and -shm */
    assert_non_null(real);
    snprintf(wal, sizeof wal, "%s-wal", real);
    snprintf(shm, sizeof shm, "%s-shm", real);
    free(real);
    if (through_a_link) { /* opened through it, the -wal and -shm lie beside the target */
        snprintf(link, sizeof link, "%s-link.db", path);
        unlink(link);
        assert_int_equal(symlink(path, link), 0);
        snprintf(url, sizeof url, "sqlite:///%s", link);
    }
    knob_storage *writer, *other;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open(url, &writer), KNOB_OK);
    assert_int_equal(knob_study_load(writer, "s", NULL, &s), KNOB_OK);
    assert_int_equal(unlink(wal), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    }
    knob_study *o = NULL;
    int rc = knob_storage_open(url, &other);
    if (!rc) {
        rc = knob_study_load(other, "s", NULL, &o);
        knob_storage_close(other);
    }
    assert_int_not_equal(rc, KNOB_OK);
    assert_null(o);
    char want[9000];
    snprintf(want, sizeof want,
             "disk I/O error; '%s' counts more of the WAL than '%s' holds: the WAL was likely "
             "removed or replaced while another process has the database open, which goes on "
             "writing the WAL it opened. Wait for that process to close the storage",
             shm, wal);
    if (!strstr(knob_errmsg(), want) || strstr(knob_errmsg(), "remove '"))
        fail_msg("the message: %s", knob_errmsg());
    knob_study_free(s);
    knob_storage_close(writer);
    assert_int_equal(knob_storage_open(url, &other), KNOB_OK);
    assert_int_equal(knob_study_load(other, "s", NULL, &s), KNOB_OK);
    const knob_trial_info *const *all;
    size_t n;
    assert_int_equal(knob_study_trials(s, &all, &n), KNOB_OK);
    assert_int_equal(n, 3);
    knob_study_free(s);
    knob_storage_close(other);
    unlink(path);
    unlink(wal);
    unlink(shm);
    if (through_a_link)
        unlink(link);
}

static void wal_removed_under_a_writer_is_named(void **state)
{
    (void)state;
    wal_removed("walgone", false);
    /* through a symbolic link: the -wal and -shm were looked for beside the link, so the
     * removal went unnoticed and the writer's close lost what it had committed */
    wal_removed("walgone_linked", true);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(stale_wal_deleted_by_another_opener),
    cmocka_unit_test(stale_wal_named_on_io_error),
    cmocka_unit_test(full_disk_at_the_open_is_named),
    cmocka_unit_test(wal_removed_under_a_writer_is_named),
    cmocka_unit_test(opens_beside_a_writer),
    cmocka_unit_test(url_query),
    cmocka_unit_test(url_driver),
    cmocka_unit_test(url_sqlalchemy_memory),
    cmocka_unit_test(schema_version_whole),
    cmocka_unit_test(trial_counts_are_exact),
    cmocka_unit_test(older_file_ids_are_not_reused),
    cmocka_unit_test(lock_wait_keeps_timeout),
};
KNOB_TEST_MAIN(tests)
