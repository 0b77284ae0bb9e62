/* Study snapshots (src/snapshot.c) on SQLite: a study read through its snapshot is the
 * study read row by row, whatever happened since the snapshot was written (tells,
 * prunes, failures, another process's trials, a deleted and re-created study) and
 * whatever happened to the snapshot (damaged, cut short, from a newer knob, another
 * study's, stamps that do not follow on); asks give the same suggestions with and
 * without it; concurrent processes keep it whole. */
#define _GNU_SOURCE /* memmem */
#include "testutil.h"
#include "testutil_sqlite.h"
#include "knob.h"

#include <math.h>
#include <sqlite3.h>
#include <sys/wait.h>

/* Small studies get snapshots here: from 5 trials, appends after 1 changed trial, a
 * chain rewritten whole at 3 segments. */
static void tune(const char *value)
{
    if (value)
        setenv("KNOB_SNAPSHOT", value, 1);
    else
        unsetenv("KNOB_SNAPSHOT");
}

/* Rewrites the blob of the study's last segment through `edit`. */
static void edit_last_segment(const char *path, void (*edit)(unsigned char *data, int *len))
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT rowid, data FROM knob_snapshots ORDER BY to_seq "
                                        "DESC LIMIT 1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t rowid = sqlite3_column_int64(s, 0);
    int len = sqlite3_column_bytes(s, 1);
    unsigned char *data = malloc((size_t)len + 1);
    memcpy(data, sqlite3_column_blob(s, 1), (size_t)len);
    sqlite3_finalize(s);
    edit(data, &len);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE knob_snapshots SET data = ?1 WHERE rowid = ?2",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(s, 1, data, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, rowid);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(data);
}

static knob_study *open_study(knob_storage *st, const char *name, const char *sampler)
{
    knob_direction dir = KNOB_MINIMIZE;
    knob_sampler *smp = NULL;
    if (sampler)
        assert_int_equal(knob_sampler_create("tpe", sampler, &smp), KNOB_OK);
    knob_study_options o = {.directions = &dir, .n_objectives = 1, .sampler = smp};
    knob_study *s;
    int rc = knob_study_create(st, name, &o, &s);
    if (rc == KNOB_EEXIST) {
        smp = NULL;
        if (sampler)
            assert_int_equal(knob_sampler_create("tpe", sampler, &smp), KNOB_OK);
        o.sampler = smp;
        rc = knob_study_load(st, name, &o, &s);
    }
    if (rc)
        fail_msg("study %s: %s", name, knob_errmsg());
    return s;
}

/* Trials of every kind: complete with attributes and steps, pruned, failed, running,
 * infeasible (constraints), enqueued. */
static void add_trials(knob_study *s, int n, int salt)
{
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x, y;
        int64_t k;
        const char *opts[] = {"adam", "sgd", "rms"};
        size_t c;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "k", 1, 64, 1, KNOB_LOG, &k), KNOB_OK);
        if ((i + salt) % 2)
            assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 3, &c), KNOB_OK);
        y = x * x + (double)k;
        int kind = (i + salt) % 6;
        if (kind == 1)
            assert_int_equal(knob_trial_set_user_attr(t, "note", "\"a \\\"quoted\\\" note\""),
                             KNOB_OK);
        if (kind == 2) {
            double cons[2] = {x, -1};
            assert_int_equal(knob_trial_set_constraints(t, cons, 2), KNOB_OK);
        }
        if (kind == 3) {
            assert_int_equal(knob_trial_report(t, 0, y + 1), KNOB_OK);
            assert_int_equal(knob_trial_report(t, 3, y + 0.5), KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
        } else if (kind == 4) {
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        } else if (kind == 5 && i == n - 1) {
            knob_trial_detach(t); /* left running */
        } else {
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
    }
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 1.5}"), KNOB_OK);
}

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void same_attrs(const knob_attr *a, size_t na, const knob_attr *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(a[i].key, b[i].key);
        assert_string_equal(a[i].json, b[i].json);
    }
}

/* The two handles see the same trials, field by field, the same best and stamps. */
static void same_views(knob_study *a, knob_study *b)
{
    const knob_trial_info *const *ta, *const *tb;
    size_t na, nb;
    int64_t sa, sb;
    assert_int_equal(knob_study_trials(a, &ta, &na), KNOB_OK);
    assert_int_equal(knob_study_trials(b, &tb, &nb), KNOB_OK);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        const knob_trial_info *x = ta[i], *y = tb[i];
        assert_int_equal(x->id, y->id);
        assert_int_equal(x->number, y->number);
        assert_int_equal(x->state, y->state);
        assert_true(same_double(x->start_time, y->start_time));
        assert_true(same_double(x->end_time, y->end_time));
        assert_int_equal(x->n_params, y->n_params);
        for (size_t k = 0; k < x->n_params; k++) {
            assert_string_equal(x->params[k].name, y->params[k].name);
            assert_true(x->params[k].internal == y->params[k].internal);
            assert_int_equal(x->params[k].dist->kind, y->params[k].dist->kind);
            assert_true(x->params[k].dist->low == y->params[k].dist->low);
            assert_true(x->params[k].dist->high == y->params[k].dist->high);
        }
        assert_int_equal(x->n_values, y->n_values);
        for (size_t k = 0; k < x->n_values; k++)
            assert_true(same_double(x->values[k], y->values[k]));
        assert_int_equal(x->n_intermediate, y->n_intermediate);
        for (size_t k = 0; k < x->n_intermediate; k++) {
            assert_int_equal(x->intermediate[k].step, y->intermediate[k].step);
            assert_true(x->intermediate[k].value == y->intermediate[k].value);
        }
        assert_int_equal(x->n_constraints, y->n_constraints);
        for (size_t k = 0; k < x->n_constraints; k++)
            assert_true(same_double(x->constraints[k], y->constraints[k]));
        same_attrs(x->user_attrs, x->n_user_attrs, y->user_attrs, y->n_user_attrs);
        same_attrs(x->system_attrs, x->n_system_attrs, y->system_attrs, y->n_system_attrs);
    }
    const knob_trial_info *ba = NULL, *bb = NULL;
    int ra = knob_study_best_trial(a, &ba), rb = knob_study_best_trial(b, &bb);
    assert_int_equal(ra, rb);
    if (!ra)
        assert_int_equal(ba->number, bb->number);
    const knob_trial_info *const *ca, *const *cb;
    size_t nca, ncb;
    assert_int_equal(knob_study_trials_since(a, 0, &ca, &nca, &sa), KNOB_OK);
    assert_int_equal(knob_study_trials_since(b, 0, &cb, &ncb, &sb), KNOB_OK);
    assert_int_equal(sa, sb);
    assert_int_equal(nca, ncb);
    /* the stamps each trial came with are the storage's */
    for (int64_t since = 1; since < sa; since += 7) {
        assert_int_equal(knob_study_trials_since(a, since, &ca, &nca, &sa), KNOB_OK);
        assert_int_equal(knob_study_trials_since(b, since, &cb, &ncb, &sb), KNOB_OK);
        assert_int_equal(nca, ncb);
        for (size_t i = 0; i < nca; i++)
            assert_int_equal(ca[i]->number, cb[i]->number);
    }
}

/* A fresh handle through the snapshot and a fresh one reading rows agree. Writers
 * elsewhere in these cases run with snapshots off (as they leave it), so that what a
 * reader finds is a snapshot older than the study. */
static void fresh_readers_agree(knob_storage *st, const char *name)
{
    const knob_trial_info *const *t;
    size_t n;
    tune("5,1,3");
    knob_study *a = open_study(st, name, NULL);
    assert_int_equal(knob_study_trials(a, &t, &n), KNOB_OK); /* its first read */
    tune("off");
    knob_study *b = open_study(st, name, NULL);
    assert_int_equal(knob_study_trials(b, &t, &n), KNOB_OK);
    same_views(a, b);
    knob_study_free(a);
    knob_study_free(b);
}

static int64_t segments(const char *path)
{
    return knob_test_sql_int(path, "SELECT COUNT(*) FROM knob_snapshots");
}

static void reads_the_study_whole(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("off");
    knob_study *s = open_study(st, "s", NULL);
    add_trials(s, 40, 0);
    knob_study_free(s);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                             "'knob_snapshots'"),
                     0);
    /* a reader writes the snapshot; the next one reads it */
    tune("5,1,3");
    knob_study *r = open_study(st, "s", NULL);
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    knob_study_free(r);
    assert_int_equal(segments(path), 1);
    assert_int_equal(
        knob_test_sql_int(path, "SELECT to_seq = (SELECT seq FROM studies) FROM knob_snapshots"),
        1);
    fresh_readers_agree(st, "s");
    /* below MIN_TRIALS, or off: nothing is written */
    knob_test_sql_exec(path, "DELETE FROM knob_snapshots");
    tune("1000");
    r = open_study(st, "s", NULL);
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    knob_study_free(r);
    assert_int_equal(segments(path), 0);
    tune(NULL);
    knob_storage_close(st);
}

/* Trial numbers past the snapshot's stamp (stamps that are not counters: PostgreSQL's are
 * transaction ids, and one transaction may write thousands of trials): the snapshot is
 * read all the same (it was taken as damaged, and the study read whole every time). Shown
 * by a value changed in SQL without a new stamp: through the snapshot it is the old one. */
static void numbers_past_the_stamp(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap_numbers.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("off");
    knob_study *s = open_study(st, "s", NULL);
    add_trials(s, 40, 0);
    knob_study_free(s);
    knob_test_sql_exec(path, "UPDATE trials SET seq = 3; UPDATE studies SET seq = 3");
    tune("5,1,3");
    const knob_trial_info *const *t;
    size_t n;
    knob_study *r = open_study(st, "s", NULL);
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK); /* writes the snapshot */
    knob_study_free(r);
    assert_int_equal(knob_test_sql_int(path, "SELECT to_seq FROM knob_snapshots"), 3);
    knob_test_sql_exec(path, "UPDATE trial_values SET value = -777 WHERE trial = (SELECT id "
                             "FROM trials WHERE number = 30)");
    r = open_study(st, "s", NULL);
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    assert_int_equal(n, 41);
    assert_true(t[30]->n_values == 0 || t[30]->values[0] != -777);
    knob_study_free(r);
    tune(NULL);
    knob_storage_close(st);
}

static void never_stale(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st, *other;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_storage_open(url, &other), KNOB_OK);
    tune("off");
    knob_study *s = open_study(st, "s", NULL);
    knob_trial *run[3];
    double x, y = 2;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(knob_study_ask(s, &run[i]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(run[i], "x", -5, 5, 0, 0, &x), KNOB_OK);
    }
    add_trials(s, 20, 1);
    fresh_readers_agree(st, "s"); /* writes the snapshot with three trials running */
    int64_t before = segments(path);
    assert_true(before >= 1);
    /* a tell, a prune, a failure after the snapshot */
    assert_int_equal(knob_trial_report(run[1], 2, 9.0), KNOB_OK);
    assert_int_equal(knob_study_tell(s, run[0], KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, run[1], KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    fresh_readers_agree(st, "s");
    assert_int_equal(knob_study_tell(s, run[2], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    fresh_readers_agree(st, "s");
    /* another process's trials (another connection), one better than every other */
    knob_study *o = open_study(other, "s", NULL);
    knob_trial *t;
    double best = -1e9;
    assert_int_equal(knob_study_ask(o, &t), KNOB_OK);
    assert_int_equal(knob_study_tell(o, t, KNOB_TRIAL_COMPLETE, &best, 1), KNOB_OK);
    add_trials(o, 5, 2);
    knob_study_free(o);
    fresh_readers_agree(st, "s");
    tune("5,1,3");
    knob_study *r = open_study(st, "s", NULL);
    const knob_trial_info *b;
    assert_int_equal(knob_study_best_trial(r, &b), KNOB_OK);
    assert_true(b->values[0] == -1e9);
    knob_study_free(r);
    /* appends were made, and the chain was written again whole at 3 segments */
    assert_true(knob_test_sql_int(path, "SELECT MIN(from_seq) FROM knob_snapshots") == 0);
    assert_true(segments(path) <= 3);
    /* a long-lived handle's own view goes on agreeing */
    tune("off");
    knob_study *fresh = open_study(st, "s", NULL);
    same_views(s, fresh);
    knob_study_free(fresh);
    knob_study_free(s);
    knob_storage_close(other);
    knob_storage_close(st);
    tune(NULL);
}

static void recreated_study(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("off");
    knob_study *s = open_study(st, "s", NULL);
    add_trials(s, 30, 0);
    knob_study_free(s);
    fresh_readers_agree(st, "s");
    assert_true(segments(path) >= 1);
    assert_int_equal(knob_storage_delete_study(st, "s"), KNOB_OK);
    assert_int_equal(segments(path), 0); /* gone with the study */
    s = open_study(st, "s", NULL);
    add_trials(s, 6, 3);
    knob_study_free(s);
    tune("5,1,3");
    knob_study *r = open_study(st, "s", NULL);
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    assert_int_equal(n, 7); /* 6 and the enqueued one */
    knob_study_free(r);
    fresh_readers_agree(st, "s");
    knob_storage_close(st);

    /* the database file removed and made again: the snapshot goes with it */
    unlink(path);
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    s = open_study(st, "s", NULL);
    add_trials(s, 2, 0);
    knob_study_free(s);
    tune("5,1,3");
    r = open_study(st, "s", NULL);
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    assert_int_equal(n, 3);
    knob_study_free(r);
    knob_storage_close(st);
    tune(NULL);
}

/* The value of a trial the damage below changes in the segment's bytes. */
static double g_value;

static void flip_byte(unsigned char *d, int *len)
{
    d[*len / 2] ^= 0x40;
}
static void flip_value(unsigned char *d, int *len)
{
    unsigned char *at = memmem(d, (size_t)*len, &g_value, sizeof g_value);
    assert_non_null(at);
    at[0] ^= 1; /* a value that still reads: only the checksum tells */
}
static void cut_short(unsigned char *d, int *len)
{
    (void)d;
    *len = *len / 2;
}
static void newer_version(unsigned char *d, int *len)
{
    (void)len;
    uint32_t v;
    memcpy(&v, d + 8, 4);
    v++;
    memcpy(d + 8, &v, 4);
}
static void not_a_segment(unsigned char *d, int *len)
{
    memset(d, 'x', (size_t)*len);
}
static void header_only(unsigned char *d, int *len)
{
    (void)d;
    *len = 20;
}

/* Each kind of damage: the reader ignores the snapshot, reads the rows, agrees with a
 * reader that reads rows, and writes a good snapshot again. */
static void damaged_snapshots(void **state)
{
    (void)state;
    void (*edits[])(unsigned char *, int *) = {flip_value,    flip_byte,     cut_short,
                                               newer_version, not_a_segment, header_only};
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        const char *path = knob_test_path("snap.db");
        char url[4200];
        snprintf(url, sizeof url, "sqlite:///%s", path);
        knob_storage *st;
        assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
        tune("off");
        knob_study *s = open_study(st, "s", NULL);
        add_trials(s, 25, (int)e);
        fresh_readers_agree(st, "s");
        const knob_trial_info *const *t;
        size_t n;
        assert_int_equal(knob_study_trials(s, &t, &n), KNOB_OK);
        g_value = t[0]->n_values ? t[0]->values[0] : NAN; /* trial 0 completes at e == 0 */
        edit_last_segment(path, edits[e]);
        /* a change after the snapshot, so its rows differ from the damaged one's */
        add_trials(s, 3, 1);
        fresh_readers_agree(st, "s");
        /* written again whole and good: a reader now agrees through it */
        assert_int_equal(segments(path), 1);
        assert_int_equal(knob_test_sql_int(path, "SELECT from_seq FROM knob_snapshots"), 0);
        assert_int_equal(knob_test_sql_int(
                             path, "SELECT to_seq = (SELECT seq FROM studies) FROM knob_snapshots"),
                         1);
        fresh_readers_agree(st, "s");
        knob_study_free(s);
        knob_storage_close(st);
    }
    tune(NULL);
}

/* Segments that are not this study's, or do not follow on, are not trusted. */
static void foreign_segments(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("off");
    knob_study *a = open_study(st, "a", NULL);
    knob_study *b = open_study(st, "b", NULL);
    add_trials(a, 20, 0);
    add_trials(b, 30, 1);
    fresh_readers_agree(st, "a");
    fresh_readers_agree(st, "b");
    /* a's snapshot given as b's: b's readers must not take it */
    knob_test_sql_exec(path,
                       "DELETE FROM knob_snapshots WHERE study = (SELECT id FROM studies WHERE "
                       "name = 'b')");
    knob_test_sql_exec(path,
                       "INSERT INTO knob_snapshots(study, from_seq, to_seq, data) SELECT "
                       "(SELECT id FROM studies WHERE name = 'b'), from_seq, to_seq, data FROM "
                       "knob_snapshots WHERE study = (SELECT id FROM studies WHERE name = 'a')");
    fresh_readers_agree(st, "b");
    /* a chain with a gap: only what follows on is applied */
    add_trials(a, 2, 1);
    fresh_readers_agree(st, "a"); /* appends a segment */
    knob_test_sql_exec(path,
                       "UPDATE knob_snapshots SET from_seq = from_seq - 1 WHERE from_seq > 0");
    fresh_readers_agree(st, "a");
    /* a snapshot ahead of the storage (the study's stamp set back) */
    knob_test_sql_exec(path, "UPDATE studies SET seq = 3 WHERE name = 'a'");
    tune("5,1,3");
    knob_study *r = open_study(st, "a", NULL);
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    int64_t rows =
        knob_test_sql_int(path, "SELECT COUNT(*) FROM trials WHERE study = (SELECT id FROM "
                                "studies WHERE name = 'a')");
    assert_int_equal(n, rows);
    knob_study_free(r);
    knob_study_free(a);
    knob_study_free(b);
    knob_storage_close(st);
    tune(NULL);
}

/* TPE asks the same with and without a snapshot (the same seed, the same study). */
static void same_suggestions(void **state)
{
    (void)state;
    const char *paths[2];
    char p0[4096], p1[4096];
    snprintf(p0, sizeof p0, "%s", knob_test_path("snap-a.db"));
    snprintf(p1, sizeof p1, "%s", knob_test_path("snap-b.db"));
    paths[0] = p0;
    paths[1] = p1;
    double got[2][8][2];
    for (int k = 0; k < 2; k++) {
        char url[4200];
        snprintf(url, sizeof url, "sqlite:///%s", paths[k]);
        knob_storage *st;
        assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
        tune("off");
        knob_study *s = open_study(st, "g", "seed=7");
        for (int i = 0; i < 120; i++) {
            knob_trial *t;
            double x, z, y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "z", 1e-3, 10, 0, KNOB_LOG, &z), KNOB_OK);
            y = (x - 1) * (x - 1) + log(z) * log(z);
            assert_int_equal(knob_study_tell(s, t,
                                             i % 9 == 4 ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE,
                                             &y, i % 9 == 4 ? 0 : 1),
                             KNOB_OK);
        }
        knob_study_free(s);
        /* k == 1: one reader writes the snapshot; every ask below then starts from it */
        tune(k ? "5,4,64" : "off"); /* some asks sync a few trials, some append */
        if (k) {
            knob_study *r = open_study(st, "g", NULL);
            const knob_trial_info *const *t;
            size_t n;
            assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
            knob_study_free(r);
            assert_int_equal(segments(paths[k]), 1);
        }
        for (int i = 0; i < 8; i++) {
            char opts[32];
            snprintf(opts, sizeof opts, "seed=%d", 100 + i);
            s = open_study(st, "g", opts); /* one ask per handle, as `knob ask` does */
            knob_trial *t;
            double y = i;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &got[k][i][0]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "z", 1e-3, 10, 0, KNOB_LOG, &got[k][i][1]),
                             KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
            knob_study_free(s);
        }
        if (k)
            assert_true(segments(paths[k]) >= 1);
        knob_storage_close(st);
    }
    for (int i = 0; i < 8; i++) {
        assert_true(got[0][i][0] == got[1][i][0]);
        assert_true(got[0][i][1] == got[1][i][1]);
    }
    tune(NULL);
}

/* Four processes ask and tell at once, each through the snapshot, appending and
 * rewriting it: every trial is there, and a reader through the snapshot agrees. */
static void concurrent_processes(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("5,1,3");
    knob_study *s = open_study(st, "c", NULL);
    add_trials(s, 10, 0);
    knob_study_free(s);
    knob_storage_close(st);
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            int bad = 0;
            for (int i = 0; i < 15 && !bad; i++) {
                knob_storage *cs;
                knob_study *cst;
                knob_trial *t;
                const knob_trial_info *const *all;
                size_t n;
                double x, y;
                bad = knob_storage_open(url, &cs) != KNOB_OK;
                if (bad)
                    break;
                knob_direction dir = KNOB_MINIMIZE;
                knob_study_options o = {.directions = &dir, .n_objectives = 1};
                bad = knob_study_load(cs, "c", &o, &cst) || knob_study_trials(cst, &all, &n) ||
                      knob_study_ask(cst, &t) || knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x);
                y = x * x;
                if (!bad)
                    bad = knob_study_tell(cst, t, KNOB_TRIAL_COMPLETE, &y, 1) != KNOB_OK;
                if (!bad)
                    knob_study_free(cst);
                knob_storage_close(cs);
            }
            _exit(bad);
        }
    }
    for (int k = 0; k < 4; k++) {
        int status;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    tune("5,1,3");
    knob_study *r = open_study(st, "c", NULL);
    const knob_trial_info *const *t;
    size_t n;
    assert_int_equal(knob_study_trials(r, &t, &n), KNOB_OK);
    assert_int_equal(n, 10 + 60); /* one ask took the enqueued trial */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(t[i]->number, (int64_t)i);
    knob_study_free(r);
    fresh_readers_agree(st, "c");
    /* the chain in the table follows on from 0 */
    assert_int_equal(knob_test_sql_int(path,
                                       "SELECT COUNT(*) FROM knob_snapshots a WHERE from_seq > 0 "
                                       "AND NOT EXISTS (SELECT 1 FROM knob_snapshots b WHERE "
                                       "b.study = a.study AND b.to_seq = a.from_seq)"),
                     0);
    knob_storage_close(st);
    tune(NULL);
}

/* Many processes at one study's snapshot, each syncing after every round of new trials:
 * the first of them appends, and the others, whose last known segment is not the chain's
 * end any more, append after whoever wrote it or skip; none rewrites the chain whole (a
 * lost append was followed by a whole rewrite, each process its own). The chain follows
 * on, and a reader through it gets every trial. */
static void many_writers(void **state)
{
    (void)state;
    const char *path = knob_test_path("snap_many.db");
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    enum { N = 6, ROUNDS = 4, BASE = 100, PER_ROUND = 16 };
    knob_storage *st[N];
    knob_study *s[N];
    const knob_trial_info *const *t;
    size_t n;
    for (int k = 0; k < N; k++)
        assert_int_equal(knob_storage_open(url, &st[k]), KNOB_OK);
    tune("off");
    knob_study *w = open_study(st[0], "m", NULL);
    add_trials(w, BASE, 0);
    knob_study_free(w);
    /* the first segment, written whole by the first reader; every other reads it */
    tune("5,8,1000");
    for (int k = 0; k < N; k++) {
        s[k] = open_study(st[k], "m", NULL);
        assert_int_equal(knob_study_trials(s[k], &t, &n), KNOB_OK);
    }
    assert_int_equal(segments(path), 1);
    int64_t base_to = knob_test_sql_int(path, "SELECT to_seq FROM knob_snapshots");
    for (int r = 0; r < ROUNDS; r++) {
        add_trials(s[r % N], PER_ROUND, r + 1);
        for (int k = 0; k < N; k++)
            assert_int_equal(knob_study_trials(s[(r + k) % N], &t, &n), KNOB_OK);
        /* the first segment is the one written first: no whole rewrite */
        assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM knob_snapshots WHERE "
                                                 "from_seq = 0"),
                         1);
        assert_int_equal(
            knob_test_sql_int(path, "SELECT to_seq FROM knob_snapshots WHERE from_seq = 0"),
            base_to);
        assert_true(segments(path) >= 2);
    }
    /* the chain follows on from 0, to the study's stamp */
    assert_int_equal(knob_test_sql_int(path,
                                       "SELECT COUNT(*) FROM knob_snapshots a WHERE from_seq > 0 "
                                       "AND NOT EXISTS (SELECT 1 FROM knob_snapshots b WHERE "
                                       "b.study = a.study AND b.to_seq = a.from_seq)"),
                     0);
    for (int k = 0; k < N; k++) {
        knob_study_free(s[k]);
        knob_storage_close(st[k]);
    }
    assert_int_equal(knob_storage_open(url, &st[0]), KNOB_OK);
    knob_study *rd = open_study(st[0], "m", NULL);
    assert_int_equal(knob_study_trials(rd, &t, &n), KNOB_OK);
    /* each round's first ask took the trial the last one enqueued */
    assert_int_equal(n, BASE + ROUNDS * PER_ROUND + 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(t[i]->number, (int64_t)i);
    knob_study_free(rd);
    fresh_readers_agree(st[0], "m");
    knob_storage_close(st[0]);
    tune(NULL);
}

/* KNOB_SNAPSHOT takes "off" or MIN_TRIALS[,MIN_CHANGED[,MAX_SEGMENTS]]: any other text
 * ("OFF", "no", a fourth number) was taken without a word, and snapshots still written.
 * The open of a storage that keeps snapshots refuses it, naming the variable, what it takes
 * and what it holds; memory: has none, and opens. */
static void bad_tuning_is_refused(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("snap_env.db"));
    const char *bad[] = {"OFF", "no",      "abc", "-1",  "+5",
                         "5,",  "5,3,4,1", "5;3", "1e3", "99999999999999999999999"};
    knob_storage *st = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tune(bad[i]);
        int rc = knob_storage_open(url, &st);
        tune(NULL);
        if (rc != KNOB_EINVAL)
            fail_msg("KNOB_SNAPSHOT='%s': %d %s", bad[i], rc, knob_errmsg());
        char want[200];
        snprintf(want, sizeof want, "got '%s'", bad[i]);
        if (!strstr(knob_errmsg(), "KNOB_SNAPSHOT is 'off' or MIN_TRIALS[,MIN_CHANGED[,"
                                   "MAX_SEGMENTS]]") ||
            !strstr(knob_errmsg(), want))
            fail_msg("KNOB_SNAPSHOT='%s': %s", bad[i], knob_errmsg());
    }
    /* empty (a Kubernetes value: "", an export that clears it): the defaults; spaces around
     * the numbers, as the sscanf before read them */
    const char *good[] = {"off", "5", "5,3", "5,3,4", "0,0,0", "", "  ", " 5", "1000, 64 ,64 "};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        tune(good[i]);
        int rc = knob_storage_open(url, &st);
        tune(NULL);
        if (rc)
            fail_msg("KNOB_SNAPSHOT='%s': %d %s", good[i], rc, knob_errmsg());
        knob_storage_close(st);
    }
    tune("OFF");
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    tune(NULL);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_study_whole), cmocka_unit_test(never_stale),
        cmocka_unit_test(recreated_study),       cmocka_unit_test(damaged_snapshots),
        cmocka_unit_test(foreign_segments),      cmocka_unit_test(same_suggestions),
        cmocka_unit_test(concurrent_processes),  cmocka_unit_test(numbers_past_the_stamp),
        cmocka_unit_test(many_writers),          cmocka_unit_test(bad_tuning_is_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
