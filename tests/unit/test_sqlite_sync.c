/* A study synced again on SQLite reads of a running trial only the intermediate values
 * written since its last sync (sync_added), and merges them into its copy: the study a
 * handle holds after any number of such syncs is the study a fresh handle reads whole, in
 * the cases where what was added is not all that changed (a step reported again, values
 * from two handles, a trial finished between syncs, a trial put back in the queue, a file of
 * an older knob, rows and a put-back an older knob wrote). */
#include "testutil_sqlite.h"
#include "testutil_sync.h"

typedef struct files {
    char path[4096], url[4200];
} files;

static void new_file(files *f, const char *tag)
{
    snprintf(f->path, sizeof f->path, "%s.db", knob_test_path(tag));
    snprintf(f->url, sizeof f->url, "sqlite:///%s", f->path);
}

/* A writer handle and a reader handle on one new file, the study made. */
static void open_two(files *f, const char *tag, knob_storage **wst, knob_study **w,
                     knob_storage **rst, knob_study **r)
{
    new_file(f, tag);
    knob_test_sync_open_two(f->url, wst, w, rst, r);
}

static void close_two(files *f, knob_storage *wst, knob_study *w, knob_storage *rst, knob_study *r)
{
    knob_test_sync_close_two(wst, w, rst, r);
    unlink(f->path);
}

static void a_step_reported_again_keeps_its_first_value(void **state)
{
    (void)state;
    files f;
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(&f, "sync-again", &wst, &w, &rst, &r);
    knob_trial *t;
    assert_int_equal(knob_study_ask(w, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 5, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 7, 0.7), KNOB_OK);
    knob_test_sync_check(f.url, r);
    /* again, before and after the last: kept as first stored; a step below the held ones */
    assert_int_equal(knob_trial_report(t, 5, 9.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 3, 0.3), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 7, 9.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 9, 0.9), KNOB_OK);
    knob_test_sync_check(f.url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_int_equal(a[0]->n_intermediate, 4);
    assert_true(a[0]->intermediate[1].step == 5 && a[0]->intermediate[1].value == 0.5);
    assert_int_equal(knob_trial_report(t, 9, 9.0), KNOB_OK); /* nothing new at all */
    knob_test_sync_check(f.url, r);
    double y = 1;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    close_two(&f, wst, w, rst, r);
}

static void values_from_two_handles_and_a_finish(void **state)
{
    (void)state;
    files f;
    knob_storage *wst, *rst, *ost;
    knob_study *w, *r;
    open_two(&f, "sync-two", &wst, &w, &rst, &r);
    assert_int_equal(knob_storage_open(f.url, &ost), KNOB_OK);
    knob_study *o = knob_test_sync_load(ost);
    knob_trial *t, *u, *t2;
    assert_int_equal(knob_study_ask(w, &t), KNOB_OK);
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    assert_int_equal(knob_study_open_trial(o, knob_trial_number(t), &t2), KNOB_OK);
    for (int i = 0; i < 30; i++) {
        /* even steps from one handle, odd from the other, some out of order; the reader
         * syncs between some of them (its own handle sees the first write of each pair) */
        assert_int_equal(knob_trial_report(i % 3 ? t : t2, 2 * i + (i % 2), i * 0.25), KNOB_OK);
        assert_int_equal(knob_trial_report(i % 3 ? t2 : t, 60 - i, -i * 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(u, i, i), KNOB_OK);
        if (i % 4 == 0)
            knob_test_sync_check(f.url, r);
        if (i % 7 == 0) /* the reader's own study handle reports too */
            knob_test_sync_check(f.url, w);
    }
    /* more values, then the finish, between two syncs of the reader */
    assert_int_equal(knob_trial_report(t, 100, 1.0), KNOB_OK);
    double y = 2;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_trial_report(u, 100, 1.0), KNOB_OK);
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_test_sync_check(f.url, r);
    knob_test_sync_check(f.url, w);
    knob_trial_detach(t2);
    knob_study_free(o);
    knob_storage_close(ost);
    close_two(&f, wst, w, rst, r);
}

/* The file as a knob before the intermediate values' stamps left it. */
static void make_older(const char *path)
{
    knob_test_sql_exec(path, "DROP INDEX intermediate_by_seq; ALTER TABLE intermediate DROP "
                             "COLUMN seq; ALTER TABLE trials DROP COLUMN inter_start; ALTER "
                             "TABLE trials DROP COLUMN inter_reset");
}

/* What a knob before the stamps writes for a report of trial `number`: the row (no stamp)
 * and the trial's stamp. */
static void older_report(const char *path, int64_t number, int64_t step, double value)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; INSERT OR IGNORE INTO intermediate(trial, step, value) SELECT "
             "id, %lld, %.17g FROM trials WHERE number = %lld; UPDATE studies SET seq = seq + "
             "1; UPDATE trials SET seq = (SELECT seq FROM studies) WHERE number = %lld; COMMIT",
             (long long)step, value, (long long)number, (long long)number);
    knob_test_sql_exec(path, sql);
}

/* A new file (tag) holding study "sync" with one running trial, its steps 0..n-1 reported as
 * step x scale: the trial, its study in *s, the storage in *st. */
/* A new file (f) holding study "sync" with one running trial, its steps 0..n-1 reported as
 * step x scale: the trial, its study in *s, the storage in *st. */
static knob_trial *reported_trial(files *f, const char *tag, int n, double scale, knob_storage **st,
                                  knob_study **s)
{
    new_file(f, tag);
    return knob_test_sync_reported(f->url, n, scale, st, s);
}

static void a_file_of_an_older_knob_and_its_writes(void **state)
{
    (void)state;
    files f;
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(&f, "sync-older", 5, 0.5, &st, &s);
    int64_t number = knob_trial_number(t);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    make_older(f.path);
    older_report(f.path, number, 5, 2.5);

    /* the upgrade: the rows of before have no stamp, and are read at every sync */
    knob_storage *wst, *rst;
    assert_int_equal(knob_storage_open(f.url, &wst), KNOB_OK);
    assert_int_equal(knob_test_sql_int(f.path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                               "'intermediate_by_seq'"),
                     1);
    knob_study *w = knob_test_sync_load(wst);
    assert_int_equal(knob_storage_open(f.url, &rst), KNOB_OK);
    knob_study *r = knob_test_sync_load(rst);
    knob_test_sync_check(f.url, r);
    assert_int_equal(knob_study_open_trial(w, number, &t), KNOB_OK);
    knob_trial *u;
    assert_int_equal(knob_study_ask(w, &u), KNOB_OK);
    for (int i = 6; i < 12; i++) {
        assert_int_equal(knob_trial_report(t, i, i * 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(u, i, -i * 0.5), KNOB_OK);
        knob_test_sync_check(f.url, r);
        /* an older knob beside this one, on both trials: rows without a stamp */
        older_report(f.path, number, 100 + i, i);
        older_report(f.path, knob_trial_number(u), 100 - i, i);
        knob_test_sync_check(f.url, r);
    }
    double y = 3;
    assert_int_equal(knob_study_tell(w, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(w, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_test_sync_check(f.url, r);
    close_two(&f, wst, w, rst, r);
}

/* What the sync of a running trial reads: the values written since, not all of them. */
static void a_sync_reads_only_the_values_added(void **state)
{
    (void)state;
    files f;
    knob_storage *st;
    knob_study *s;
    knob_trial *t = reported_trial(&f, "sync-added", 50, 1, &st, &s);
    const knob__backend *be = &knob__backend_sqlite;
    int64_t id, since, now;
    void *h = knob_test_sync_backend(&knob__backend_sqlite, f.url, &id);
    knob_test_seen g = {0};
    assert_int_equal(be->sync_added(h, id, 0, knob_test_sync_count, &g, &since), KNOB_OK);
    assert_true(g.trials == 1 && g.values == 50 && !g.added); /* a first read: whole */
    assert_int_equal(knob_trial_report(t, 50, 50), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 51, 51), KNOB_OK);
    g = (knob_test_seen){0};
    assert_int_equal(be->sync_added(h, id, since, knob_test_sync_count, &g, &now), KNOB_OK);
    assert_true(g.trials == 1 && g.added);
    assert_int_equal(g.values, 2);
    g = (knob_test_seen){0};
    /* sync: whole */
    assert_int_equal(be->sync(h, id, since, knob_test_sync_count, &g, &now), KNOB_OK);
    assert_true(g.trials == 1 && g.values == 52 && !g.added);
    be->close(h);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(f.path);
}

/* A trial taken from the queue, reported to, and put back with the values it was taken with
 * (requeue: its rows replaced) between two syncs of a reader: the reader holds what is
 * stored, not the values it held merged with those written again. */
static void a_trial_put_back_is_read_whole(void **state)
{
    (void)state;
    files f;
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(&f, "sync-requeue", &wst, &w, &rst, &r);
    const knob__backend *be = &knob__backend_sqlite;
    int64_t study, id, number;
    void *h = knob_test_sync_backend(&knob__backend_sqlite, f.url, &study);
    knob_step_value iv[2] = {{0, 1.0}, {1, 0.5}};
    knob__waiting_rec wr = {.intermediate = iv, .n_intermediate = 2};
    assert_int_equal(be->create_waiting(h, study, 0, &wr, &id, &number), KNOB_OK);
    knob_test_sync_check(f.url, r);
    bool found = false;
    int64_t popped;
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_true(found && popped == id);
    knob_test_sync_check(f.url, r);
    assert_int_equal(be->report(h, study, id, 2, 0.25), KNOB_OK);
    knob_test_sync_check(f.url, r);
    assert_int_equal(be->report(h, study, id, 3, 0.125), KNOB_OK);
    double start;
    {
        sqlite3 *db;
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_open(f.path, &db), SQLITE_OK);
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT start_time FROM trials WHERE id = %lld", (long long)id);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        start = sqlite3_column_double(q, 0);
        sqlite3_finalize(q);
        sqlite3_close(db);
    }
    assert_int_equal(be->requeue(h, study, id, start, &wr), KNOB_OK);
    knob_test_sync_check(f.url, r);
    const knob_trial_info *const *a;
    size_t n;
    assert_int_equal(knob_study_trials(r, &a, &n), KNOB_OK);
    assert_true(n == 1 && a[0]->state == KNOB_TRIAL_WAITING && a[0]->n_intermediate == 2);
    /* taken again, and reported to beside the reader */
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 7, 0.0625), KNOB_OK);
    knob_test_sync_check(f.url, r);
    /* put back by a knob before the stamps (which marks nothing of them), and taken again */
    char sql[512];
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; UPDATE studies SET seq = seq + 1; UPDATE trials SET state = 4, "
             "start_time = NULL, seq = (SELECT seq FROM studies) WHERE id = %lld; DELETE FROM "
             "intermediate WHERE trial = %lld; INSERT INTO intermediate(trial, step, value) "
             "VALUES(%lld, 0, 1.0); COMMIT",
             (long long)id, (long long)id, (long long)id);
    knob_test_sql_exec(f.path, sql);
    knob_test_sync_check(f.url, r);
    assert_int_equal(be->pop_waiting(h, study, &popped, &number, &found), KNOB_OK);
    assert_int_equal(be->report(h, study, id, 8, 0.5), KNOB_OK);
    knob_test_sync_check(f.url, r);
    assert_int_equal(be->finish(h, study, id, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_test_sync_check(f.url, r);
    be->close(h);
    close_two(&f, wst, w, rst, r);
}

/* A waiting trial that a knob before the stamps takes (start_time set, inter_start left
 * NULL), reports to and puts back (start_time NULL again, its rows deleted, no reset): the
 * reader holds no value of it, not the one it read in between. */
static void a_trial_an_older_knob_put_back_is_read_whole(void **state)
{
    (void)state;
    files f;
    knob_storage *wst, *rst;
    knob_study *w, *r;
    open_two(&f, "sync-older-requeue", &wst, &w, &rst, &r);
    const knob__backend *be = &knob__backend_sqlite;
    int64_t study, id, number;
    void *h = knob_test_sync_backend(&knob__backend_sqlite, f.url, &study);
    knob__waiting_rec wr = {0};
    assert_int_equal(be->create_waiting(h, study, 0, &wr, &id, &number), KNOB_OK);
    knob_test_sync_check(f.url, r);
    char sql[512];
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; UPDATE studies SET seq = seq + 1; UPDATE trials SET state = 0, "
             "start_time = 12345.5, seq = (SELECT seq FROM studies) WHERE id = %lld; INSERT INTO "
             "intermediate(trial, step, value) VALUES(%lld, 0, 7.0); COMMIT",
             (long long)id, (long long)id);
    knob_test_sql_exec(f.path, sql);
    knob_test_sync_check(f.url, r);
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; UPDATE studies SET seq = seq + 1; UPDATE trials SET state = 4, "
             "start_time = NULL, seq = (SELECT seq FROM studies) WHERE id = %lld; DELETE FROM "
             "intermediate WHERE trial = %lld; COMMIT",
             (long long)id, (long long)id);
    knob_test_sql_exec(f.path, sql);
    knob_test_sync_check(f.url, r);
    be->close(h);
    close_two(&f, wst, w, rst, r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(a_trial_put_back_is_read_whole),
    cmocka_unit_test(a_trial_an_older_knob_put_back_is_read_whole),
    cmocka_unit_test(a_step_reported_again_keeps_its_first_value),
    cmocka_unit_test(values_from_two_handles_and_a_finish),
    cmocka_unit_test(a_file_of_an_older_knob_and_its_writes),
    cmocka_unit_test(a_sync_reads_only_the_values_added),
};
KNOB_TEST_MAIN(tests)
