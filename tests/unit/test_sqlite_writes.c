/* What a write costs SQLite inside the storage's transaction: an ask (a new trial and its
 * change stamp) and a tell (the trial's end, its value, the stamp) open no statement
 * journal. A single-row write in an explicit transaction needs none; an UPDATE with
 * RETURNING (SQLite runs it as a statement with a trigger) and an INSERT OR REPLACE on a
 * table with a foreign key each opened one, a copy of the page they change in a buffer of
 * 64 KB (SQLite's statement journal spills to a file past 64 KB and holds its pages in
 * chunks of that size). The largest block SQLite allocates during the writes says
 * whether one was opened. */
#include "testutil_sqlite.h"

#include "knob.h"

#define STATEMENT_JOURNAL_CHUNK 65536

static knob_study *open_study(knob_storage *st)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=5", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "writes", &o, &s), KNOB_OK);
    return s;
}

static void ask_and_tell(knob_study *s)
{
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
    double y = x * x;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
}

/* The largest block SQLite allocated since the last call (the high-water mark, reset). */
static int64_t largest_block(void)
{
    sqlite3_int64 now, high;
    assert_int_equal(sqlite3_status64(SQLITE_STATUS_MALLOC_SIZE, &now, &high, 1), SQLITE_OK);
    return high;
}

static void ask_and_tell_open_no_statement_journal(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("writes"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st);
    ask_and_tell(s); /* statements prepared, the WAL begun */
    largest_block();
    if (largest_block() == 0 && sqlite3_memory_used() == 0)
        skip(); /* this SQLite keeps no memory statistics */
    for (int i = 0; i < 20; i++) {
        ask_and_tell(s);
        int64_t high = largest_block();
        if (high >= STATEMENT_JOURNAL_CHUNK)
            fail_msg("write %d: SQLite allocated a block of %lld bytes (a statement journal)", i,
                     (long long)high);
    }
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM trial_values"), 21);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

/* The change stamp read after the UPDATE is the one the UPDATE wrote: each write's stamp
 * is one above the one before, and the trial carries the study's latest. */
static void each_write_takes_the_next_stamp(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("stamps"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = open_study(st);
    int64_t before = knob_test_sql_int(path, "SELECT seq FROM studies");
    ask_and_tell(s);
    int64_t after = knob_test_sql_int(path, "SELECT seq FROM studies");
    assert_true(after > before);
    assert_int_equal(knob_test_sql_int(path, "SELECT MAX(seq) FROM trials"), after);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(DISTINCT seq) FROM trials"), 1);
    ask_and_tell(s);
    assert_int_equal(knob_test_sql_int(path, "SELECT MAX(seq) FROM trials"),
                     knob_test_sql_int(path, "SELECT seq FROM studies"));
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(DISTINCT seq) FROM trials"), 2);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(ask_and_tell_open_no_statement_journal),
    cmocka_unit_test(each_write_takes_the_next_stamp),
};
KNOB_TEST_MAIN(tests)
