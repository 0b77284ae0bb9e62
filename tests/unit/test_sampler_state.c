/* Sampler states kept with a study (src/sampler_state.c, TPE's in samplers/tpe_state.c) on
 * SQLite: a process that asks one trial (as knob ask: load, ask, suggest, detach) gives
 * the same suggestions through the saved state as without it (KNOB_SAMPLER_STATE=off),
 * whatever happened since the state was saved (a tell, a prune, a failure, another
 * process's trial, a finished trial changed behind it, a re-created study) and whatever
 * happened to the record (damaged, another configuration's, another study's). The study
 * is long enough for TPE's merged path (more than 2,048 observations), written quickly by
 * copying template trials in SQL. */
#include "testutil.h"
#include "testutil_sqlite.h"
#include "knob.h"

#include <limits.h>
#include <math.h>
#include <sqlite3.h>

#define BIG 2600

static const knob_distribution dist_a = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};
static const knob_distribution dist_b = {
    .kind = KNOB_DIST_FLOAT, .low = 1e-3, .high = 10, .flags = KNOB_LOG};

static void url_of(const char *path, char *url, size_t size)
{
    snprintf(url, size, "sqlite:///%s", path);
}

static knob_study *open_study(knob_storage *st, const char *options, bool create)
{
    knob_sampler *sp;
    if (knob_sampler_create("tpe", options, &sp))
        fail_msg("sampler: %s", knob_errmsg());
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if ((create ? knob_study_create : knob_study_load)(st, "big", &o, &s))
        fail_msg("study: %s", knob_errmsg());
    return s;
}

/* A study of BIG trials: 0 and 1 told through the API (complete, failed), the others
 * copies of them in SQL with their own params and values (every 50th failed); in a new
 * file when fresh (else the file holds no other study). */
static void make_study(const char *path, int salt, bool fresh)
{
    char url[4200], sql[4096];
    url_of(path, url, sizeof url);
    if (fresh)
        remove(path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", true);
    for (int k = 0; k < 2; k++) {
        knob_param p[2] = {{"a", &dist_a, 0.5}, {"b", &dist_b, 1.0}};
        double y = 1;
        knob_trial_info info = {.state = k ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE,
                                .n_params = 2,
                                .params = p,
                                .n_values = k ? 0 : 1,
                                .values = &y};
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    snprintf(sql, sizeof sql,
             "BEGIN;"
             "CREATE TEMP TABLE ks(k INTEGER PRIMARY KEY);"
             "WITH RECURSIVE c(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM c WHERE k < %d) "
             "INSERT INTO ks SELECT k FROM c;"
             "CREATE TEMP TABLE t0 AS SELECT * FROM trials WHERE number IN (0, 1);"
             "CREATE TEMP TABLE base AS SELECT MAX(id) AS id FROM t0;"
             "INSERT INTO trials(id, study, number, state, start_time, end_time, seq) "
             "SELECT base.id + ks.k, t.study, ks.k, t.state, t.start_time, t.end_time, "
             "t.seq + ks.k FROM ks JOIN t0 t ON t.number = (ks.k %% 50 = 1) JOIN base;"
             "INSERT INTO params(trial, position, name, dist, internal) "
             "SELECT base.id + ks.k, p.position, p.name, p.dist, "
             "CASE p.name WHEN 'a' THEN ((ks.k * 7919 + %d) %% 10007) / 10007.0 * 10 - 5 "
             "ELSE 0.001 + ((ks.k * 104729) %% 10009) / 10009.0 * 9.999 END "
             "FROM ks JOIN t0 t ON t.number = (ks.k %% 50 = 1) JOIN params p ON p.trial = t.id "
             "JOIN base;"
             "INSERT INTO trial_values(trial, idx, value) "
             "SELECT base.id + ks.k, 0, (a - 1) * (a - 1) + (b - 2) * (b - 2) "
             "FROM (SELECT k, ((k * 7919 + %d) %% 10007) / 10007.0 * 10 - 5 AS a, "
             "0.001 + ((k * 104729) %% 10009) / 10009.0 * 9.999 AS b "
             "FROM ks WHERE k %% 50 != 1) v JOIN ks ON ks.k = v.k JOIN base;"
             "UPDATE studies SET seq = (SELECT MAX(seq) FROM trials);"
             "COMMIT;",
             BIG - 1, salt, salt);
    knob_test_sql_exec(path, sql);
}

/* One process's ask, as knob ask does it: open, ask, suggest a and b, detach, close. */
static int64_t ask_one(const char *path, bool state, const char *options, double x[2])
{
    char url[4200];
    url_of(path, url, sizeof url);
    if (state)
        unsetenv("KNOB_SAMPLER_STATE");
    else
        setenv("KNOB_SAMPLER_STATE", "off", 1);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, options, false);
    knob_trial *t;
    if (knob_study_ask(s, &t))
        fail_msg("ask: %s", knob_errmsg());
    assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[0]), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "b", 1e-3, 10, 0, KNOB_LOG, &x[1]), KNOB_OK);
    int64_t number = knob_trial_number(t);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SAMPLER_STATE");
    return number;
}

/* Tells trial `number` (another process, no state of its own). */
static void tell_one(const char *path, int64_t number, knob_trial_state state, double y)
{
    char url[4200];
    url_of(path, url, sizeof url);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", false);
    assert_int_equal(
        knob_study_tell_number(s, number, state, &y, state == KNOB_TRIAL_COMPLETE, NULL), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

static int64_t records(const char *path)
{
    return knob_test_sql_int(path, "SELECT COUNT(*) FROM knob_sampler_states");
}

/* The next ask through the state and without it (on a copy) suggests the same. */
static void agree(const char *path, const char *what)
{
    char copy[4200];
    snprintf(copy, sizeof copy, "%s", knob_test_path("state_copy.db"));
    knob_test_copy_db(path, copy);
    double x[2], y[2];
    int64_t a = ask_one(path, true, "seed=7", x);
    int64_t b = ask_one(copy, false, "seed=7", y);
    if (a != b || x[0] != y[0] || x[1] != y[1])
        fail_msg("%s: trial %lld (%.17g, %.17g) with the state, %lld (%.17g, %.17g) without", what,
                 (long long)a, x[0], x[1], (long long)b, y[0], y[1]);
    remove(copy);
}

static void saved_and_same(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state.db"));
    make_study(path, 0, true);
    double x[2];
    int64_t n = ask_one(path, true, "seed=7", x); /* reads every trial; saves the state */
    assert_int_equal(records(path), 1);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.25);
    for (int i = 0; i < 3; i++) { /* asks through the state, each bringing it up to date */
        agree(path, "after a tell");
        int64_t m = knob_test_sql_int(path, "SELECT MAX(number) FROM trials");
        tell_one(path, m, KNOB_TRIAL_COMPLETE, 0.5 + i);
    }
    /* another configuration never reads it: a record of its own */
    ask_one(path, true, "seed=7,n_ei_candidates=30", x);
    assert_int_equal(records(path), 2);
    remove(path);
}

/* An open trial then finished in every way, others' trials, a frozen trial changed: each
 * time the asks through the state are the asks without it. */
static void never_stale(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_stale.db"));
    make_study(path, 3, true);
    double x[2];
    int64_t n = ask_one(path, true, "seed=7", x);
    int64_t open = ask_one(path, true, "seed=7", x); /* stays RUNNING for a while */
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.1);
    agree(path, "an open trial");
    tell_one(path, open, KNOB_TRIAL_FAIL, 0);
    agree(path, "a failed trial");
    int64_t m = knob_test_sql_int(path, "SELECT MAX(number) FROM trials");
    tell_one(path, m, KNOB_TRIAL_PRUNED, 0.01);
    agree(path, "a pruned trial");
    m = knob_test_sql_int(path, "SELECT MAX(number) FROM trials");
    tell_one(path, m, KNOB_TRIAL_COMPLETE, -3); /* the best so far */
    agree(path, "a new best trial");
    /* another process's trials, without a state of its own */
    for (int i = 0; i < 3; i++) {
        int64_t k = ask_one(path, false, "seed=9", x);
        tell_one(path, k, KNOB_TRIAL_COMPLETE, -1 - i);
    }
    agree(path, "another process's trials");
    /* a finished trial the state holds as sums changed behind it (a stamp after the
     * state's): the state is stale and is not used */
    knob_test_sql_exec(path, "BEGIN;"
                             "UPDATE studies SET seq = seq + 1;"
                             "UPDATE trials SET seq = (SELECT seq FROM studies) WHERE number = 10;"
                             "UPDATE trial_values SET value = -100 WHERE trial = "
                             "(SELECT id FROM trials WHERE number = 10);"
                             "COMMIT;");
    agree(path, "a frozen trial changed");
    remove(path);
}

/* Flips `count` bytes of the record from `at` bytes from its end (negative) or start, or
 * from its middle (INT_MAX). */
static void damage(const char *path, int at, int count)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT rowid, data FROM knob_sampler_states LIMIT 1", -1, &s, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t rowid = sqlite3_column_int64(s, 0);
    int len = sqlite3_column_bytes(s, 1);
    unsigned char *data = malloc((size_t)len);
    memcpy(data, sqlite3_column_blob(s, 1), (size_t)len);
    sqlite3_finalize(s);
    int from = at == INT_MAX ? len / 2 : at < 0 ? len + at : at;
    for (int i = from; i < from + count && i < len; i++)
        data[i] ^= 0x40;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE knob_sampler_states SET data = ?1 WHERE "
                                        "rowid = ?2",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(s, 1, data, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, rowid);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(data);
}

static void damaged_records(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_damaged.db"));
    make_study(path, 5, true);
    double x[2];
    /* 8 KB of the body's middle (cell sums), the body's last byte, a byte of the body,
     * the header's magic, version, study id */
    const int places[] = {INT_MAX, -1, 70, 0, 8, 16};
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        int64_t n = ask_one(path, true, "seed=7", x);
        tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.3);
        damage(path, places[i], places[i] == INT_MAX ? 8192 : 1);
        agree(path, "a damaged record");
    }
    remove(path);
}

/* A study deleted and made again under the same name: the old state went with it. */
static void recreated_study(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_recreated.db"));
    make_study(path, 1, true);
    double x[2];
    int64_t n = ask_one(path, true, "seed=7", x);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.2);
    agree(path, "before");
    assert_true(records(path) >= 1);
    char url[4200];
    url_of(path, url, sizeof url);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_storage_delete_study(st, "big"), KNOB_OK);
    knob_storage_close(st);
    assert_int_equal(records(path), 0);
    make_study(path, 2, false); /* another history under the same name, in the same file */
    agree(path, "a re-created study");
    remove(path);
}

/* knob_study_trials_since on a handle that read nothing yet reads only what changed; what
 * needs every trial afterwards reads the study whole. */
static void lazy_trials_since(void **state)
{
    (void)state;
    char path[4200], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_lazy.db"));
    make_study(path, 4, true);
    int64_t stamp0 = knob_test_sql_int(path, "SELECT seq FROM studies");
    double x[2];
    int64_t n = ask_one(path, false, "seed=7", x);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, -50);
    url_of(path, url, sizeof url);
    knob_storage *st;
    const knob_trial_info *const *tr;
    size_t m;
    int64_t stamp;
    /* an old trial that cannot be read: the lazy read never reads it, a whole read does */
    setenv("KNOB_SNAPSHOT", "off", 1);
    knob_test_sql_exec(path,
                       "UPDATE params SET dist = 'not json' WHERE trial = (SELECT id FROM trials "
                       "WHERE number = 7)");
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", false);
    assert_int_equal(knob_study_trials_since(s, stamp0, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 1);
    assert_int_not_equal(knob_study_trials(s, &tr, &m), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    knob_test_sql_exec(path,
                       "UPDATE params SET dist = (SELECT dist FROM params WHERE trial = (SELECT id "
                       "FROM trials WHERE number = 0) AND name = params.name) WHERE trial = "
                       "(SELECT id FROM trials WHERE number = 7)");
    unsetenv("KNOB_SNAPSHOT");
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    s = open_study(st, "seed=1", false);
    assert_int_equal(knob_study_trials_since(s, stamp0, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 1);
    assert_int_equal(tr[0]->number, n);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_true(tr[0]->values[0] == -50);
    assert_int_equal(stamp, knob_test_sql_int(path, "SELECT seq FROM studies"));
    assert_int_equal(knob_study_trials_since(s, stamp, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 0);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK); /* reads the study whole */
    assert_int_equal(best->number, n);
    assert_int_equal(knob_study_trials(s, &tr, &m), KNOB_OK);
    assert_int_equal(m, BIG + 1);
    for (size_t i = 0; i < m; i++)
        assert_int_equal(tr[i]->number, (int64_t)i);
    assert_int_equal(knob_study_trials_since(s, stamp0, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 1);
    knob_study_free(s);
    knob_storage_close(st);
    remove(path);
}

static int64_t record_stamp(const char *path)
{
    return knob_test_sql_int(path, "SELECT MAX(stamp) FROM knob_sampler_states");
}

/* A record read and used is written again only once the study has changed 256 times since
 * its stamp (sampler_state.c's STATE_REWRITE); the asks in between bring it up to date
 * from the trials changed since, and suggest what the asks without it suggest. */
static void rewritten_when_behind(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_behind.db"));
    make_study(path, 6, true);
    double x[2];
    int64_t n = ask_one(path, true, "seed=7", x); /* reads every trial; writes the record */
    int64_t first = record_stamp(path);
    assert_true(first > 0);
    for (int i = 0; i < 3; i++) {
        tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.1 * i);
        agree(path, "a record behind by a few trials");
        n = knob_test_sql_int(path, "SELECT MAX(number) FROM trials");
        assert_int_equal(record_stamp(path), first); /* not written again */
    }
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.7);
    /* the study 300 changes past the record: the next ask through it writes it again */
    knob_test_sql_exec(path, "UPDATE studies SET seq = seq + 300");
    n = ask_one(path, true, "seed=7", x);
    assert_true(record_stamp(path) >= first + 300);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.8);
    agree(path, "a record written again");
    remove(path);
}

/* A record the sampler could not use (a frozen trial changed since its stamp: it read the
 * study whole) is written again at once, however recent. */
static void unused_record_rewritten(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_unused.db"));
    make_study(path, 7, true);
    double x[2];
    int64_t n = ask_one(path, true, "seed=7", x);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.2);
    int64_t first = record_stamp(path);
    knob_test_sql_exec(path, "BEGIN;"
                             "UPDATE studies SET seq = seq + 1;"
                             "UPDATE trials SET seq = (SELECT seq FROM studies) WHERE number = 12;"
                             "UPDATE trial_values SET value = -100 WHERE trial = "
                             "(SELECT id FROM trials WHERE number = 12);"
                             "COMMIT;");
    agree(path, "a frozen trial changed");
    assert_true(record_stamp(path) > first);
    /* and the record now written is used: the next ask reads only what changed */
    int64_t again = record_stamp(path);
    n = knob_test_sql_int(path, "SELECT MAX(number) FROM trials");
    tell_one(path, n, KNOB_TRIAL_COMPLETE, 0.3);
    agree(path, "after the record was written again");
    assert_int_equal(record_stamp(path), again);
    remove(path);
}

/* A lazy view begins at the first number it is given (the entries below it are never
 * touched); a trial below that number changed later is still found, answered and freed. */
static void lazy_view_below_its_first(void **state)
{
    (void)state;
    char path[4200], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("state_below.db"));
    make_study(path, 8, true);
    int64_t stamp0 = knob_test_sql_int(path, "SELECT seq FROM studies");
    double x[2];
    int64_t n = ask_one(path, false, "seed=7", x);
    tell_one(path, n, KNOB_TRIAL_COMPLETE, -5);
    url_of(path, url, sizeof url);
    knob_storage *st;
    const knob_trial_info *const *tr;
    size_t m;
    int64_t stamp;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st, "seed=1", false);
    assert_int_equal(knob_study_trials_since(s, stamp0, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 1);
    assert_int_equal(tr[0]->number, n);
    /* trial 30 changes (another process): the same handle's next read gets it */
    knob_test_sql_exec(path, "BEGIN;"
                             "UPDATE studies SET seq = seq + 1;"
                             "UPDATE trials SET seq = (SELECT seq FROM studies) WHERE number = 30;"
                             "COMMIT;");
    assert_int_equal(knob_study_trials_since(s, stamp0, &tr, &m, &stamp), KNOB_OK);
    assert_int_equal(m, 2);
    assert_int_equal(tr[0]->number, 30);
    assert_int_equal(tr[1]->number, n);
    assert_int_equal(knob_study_trials(s, &tr, &m), KNOB_OK); /* then the study whole */
    assert_int_equal(m, BIG + 1);
    for (size_t i = 0; i < m; i++)
        assert_int_equal(tr[i]->number, (int64_t)i);
    knob_study_free(s);
    knob_storage_close(st);
    remove(path);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(saved_and_same),          cmocka_unit_test(never_stale),
        cmocka_unit_test(damaged_records),         cmocka_unit_test(recreated_study),
        cmocka_unit_test(lazy_trials_since),       cmocka_unit_test(rewritten_when_behind),
        cmocka_unit_test(unused_record_rewritten), cmocka_unit_test(lazy_view_below_its_first),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
