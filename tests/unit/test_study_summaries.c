/* The study summaries (knob_storage_studies, `knob studies`) with the records of the best
 * trials (src/storage.c, backend list_studies_best: PostgreSQL's; SQLite's listing takes
 * its best values from an index whatever KNOB_SNAPSHOT says, tests/unit/test_sqlite_best.c,
 * so there the two listings below are the same code), on SQLite and on PostgreSQL
 * (KNOB_TEST_PG_URL): every field the same, bit for bit, as the query of every trial gives
 * it (KNOB_SNAPSHOT=off: no record read), over studies of one objective (minimized and
 * maximized) and two, with failed, pruned and infeasible trials, one whose trials are all
 * infeasible, one without trials, a best of -0; and after the records were written: better,
 * worse, tied and infeasible trials after a record (a stale record), a record's trial
 * changed behind it, a damaged record. That the records are read at all is shown by a value
 * rewritten in SQL without a new stamp: the summary through the record keeps the old best. */
#include "testutil.h"
#include "testutil_sqlite.h"
#include "knob.h"

#include <math.h>
#include <string.h>

#define N_TRIALS 150
#define MAX_STUDIES 8

static const knob_distribution dist_x = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5};

typedef struct where {
    char url[4200];
    char path[4200]; /* SQLite: the file; "" on PostgreSQL */
} where;

typedef struct listing {
    size_t n;
    char name[MAX_STUDIES][32];
    int64_t n_trials[MAX_STUDIES], n_complete[MAX_STUDIES];
    double best[MAX_STUDIES];
} listing;

static listing list_of(const where *w, bool records)
{
    listing l = {0};
    if (records)
        unsetenv("KNOB_SNAPSHOT");
    else
        setenv("KNOB_SNAPSHOT", "off", 1);
    knob_storage *st;
    const knob_study_summary *s;
    assert_int_equal(knob_storage_open(w->url, &st), KNOB_OK);
    if (knob_storage_studies(st, &s, &l.n))
        fail_msg("studies: %s", knob_errmsg());
    assert_true(l.n <= MAX_STUDIES);
    for (size_t i = 0; i < l.n; i++) {
        snprintf(l.name[i], sizeof l.name[i], "%s", s[i].name);
        l.n_trials[i] = s[i].n_trials;
        l.n_complete[i] = s[i].n_complete;
        l.best[i] = s[i].best_value;
    }
    knob_storage_close(st);
    unsetenv("KNOB_SNAPSHOT");
    return l;
}

/* Through the records and from every trial: the same list, bit for bit. */
static listing agree(const where *w, const char *what)
{
    listing rec = list_of(w, true), rows = list_of(w, false);
    assert_int_equal(rec.n, rows.n);
    for (size_t i = 0; i < rec.n; i++)
        if (strcmp(rec.name[i], rows.name[i]) || rec.n_trials[i] != rows.n_trials[i] ||
            rec.n_complete[i] != rows.n_complete[i] ||
            !knob_test_same_bits(rec.best[i], rows.best[i]))
            fail_msg("%s: study '%s': through the records %lld trials, %lld complete, best %.17g; "
                     "from the trials %lld, %lld, %.17g",
                     what, rec.name[i], (long long)rec.n_trials[i], (long long)rec.n_complete[i],
                     rec.best[i], (long long)rows.n_trials[i], (long long)rows.n_complete[i],
                     rows.best[i]);
    return rec;
}

static knob_study *load(knob_storage **st, const where *w, const char *name)
{
    knob_study *s;
    assert_int_equal(knob_storage_open(w->url, st), KNOB_OK);
    if (knob_study_load(*st, name, NULL, &s))
        fail_msg("load '%s': %s", name, knob_errmsg());
    return s;
}

/* Adds one finished trial to the study (another process: a storage of its own). */
static int64_t add(const where *w, const char *name, knob_trial_state state, const double *values,
                   size_t n, const char *constraints)
{
    knob_storage *st;
    knob_study *s = load(&st, w, name);
    knob_param p = {"x", &dist_x, 0.5};
    int64_t number = knob_test_add_trial(s, p, state, values, n, constraints);
    knob_study_free(s);
    knob_storage_close(st);
    return number;
}

/* What `knob best` does: the record of the study's best trials written (or read); for one
 * objective only where the index of best values cannot answer (src/view.c, best_by_index). */
static void best(const where *w, const char *name)
{
    knob_storage *st;
    knob_study *s = load(&st, w, name);
    const knob_trial_info *b;
    const knob_trial_info *const *front;
    size_t n;
    if (knob_study_n_objectives(s) == 1)
        knob_study_best_trial(s, &b);
    else
        knob_study_best_trials(s, &front, &n);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A study of N_TRIALS trials: every 11th failed, every 13th pruned, every `every`th
 * infeasible; values from a fixed sequence. */
static void make(const where *w, const char *name, knob_direction d0, size_t n_obj, int every)
{
    knob_storage *st;
    knob_study *s;
    knob_direction dirs[2] = {d0, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = n_obj};
    assert_int_equal(knob_storage_open(w->url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    for (int k = 0; k < N_TRIALS; k++) {
        double x = ((k * 7919) % 1009) / 1009.0 * 10 - 5;
        double v[2] = {x * x + 1, 10 - (x - 1) * (x - 1)};
        knob_param p = {"x", &dist_x, x};
        knob_attr c = {"constraints", "[1.5]"};
        knob_trial_state state = k % 11 == 5 ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE;
        knob_step_value step = {1, v[0] - 3};
        if (k % 13 == 6)
            state = KNOB_TRIAL_PRUNED;
        knob_trial_info info = {.state = state,
                                .n_params = 1,
                                .params = &p,
                                .n_values = state == KNOB_TRIAL_COMPLETE ? n_obj : 0,
                                .values = v,
                                .n_intermediate = state == KNOB_TRIAL_PRUNED ? 1 : 0,
                                .intermediate = &step,
                                .n_system_attrs = k % every == 3 % every ? 1 : 0,
                                .system_attrs = &c};
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

static void sql_pg(const where *w, const char *text)
{
    PGconn *c = PQconnectdb(w->url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, text);
    PQfinish(c);
}

static void sql_any(const where *w, const char *sqlite, const char *pg)
{
    if (w->path[0])
        knob_test_sql_exec(w->path, sqlite);
    else
        sql_pg(w, pg);
}

/* Trial `number` of study `name`: its first value set to `value`, with a new stamp (as a
 * change knob makes) or without one (a change no stamp sees). */
static void rewrite(const where *w, const char *name, int64_t number, double value, bool stamp)
{
    char lite[2048], pg[2048], bump_lite[512] = "", bump_pg[512] = "";
    if (stamp) {
        snprintf(bump_lite, sizeof bump_lite,
                 "UPDATE studies SET seq = seq + 1 WHERE name = '%s'; UPDATE trials SET seq = "
                 "(SELECT seq FROM studies WHERE name = '%s') WHERE number = %lld AND study = "
                 "(SELECT id FROM studies WHERE name = '%s');",
                 name, name, (long long)number, name);
        snprintf(bump_pg, sizeof bump_pg,
                 "UPDATE knob_trials SET seq = txid_current() WHERE number = %lld AND study = "
                 "(SELECT id FROM knob_studies WHERE name = '%s');",
                 (long long)number, name);
    }
    snprintf(lite, sizeof lite,
             "BEGIN; %s UPDATE trial_values SET value = %.17g WHERE idx = 0 AND trial = (SELECT "
             "t.id FROM trials t JOIN studies s ON s.id = t.study WHERE s.name = '%s' AND "
             "t.number = %lld); COMMIT",
             bump_lite, value, name, (long long)number);
    snprintf(pg, sizeof pg,
             "BEGIN; %s UPDATE knob_trials t SET vals[1] = %.17g FROM knob_studies s WHERE s.id "
             "= t.study AND s.name = '%s' AND t.number = %lld; COMMIT",
             bump_pg, value, name, (long long)number);
    sql_any(w, lite, pg);
}

/* The best trial's number of a one-objective study (from every trial). */
static int64_t best_number(const where *w, const char *name, double *value)
{
    knob_storage *st;
    setenv("KNOB_SNAPSHOT", "off", 1);
    knob_study *s = load(&st, w, name);
    const knob_trial_info *b;
    assert_int_equal(knob_study_best_trial(s, &b), KNOB_OK);
    int64_t n = b->number;
    *value = b->values[0];
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SNAPSHOT");
    return n;
}

static void the_same(const where *w)
{
    make(w, "min", KNOB_MINIMIZE, 1, 7);
    make(w, "max", KNOB_MAXIMIZE, 1, 5);
    make(w, "two", KNOB_MINIMIZE, 2, 7);
    make(w, "half_infeasible", KNOB_MINIMIZE, 1, 2);
    {
        knob_storage *st;
        knob_study *s;
        assert_int_equal(knob_storage_open(w->url, &st), KNOB_OK);
        assert_int_equal(knob_study_create(st, "none_feasible", NULL, &s), KNOB_OK);
        knob_study_free(s);
        knob_storage_close(st);
        double v = 1;
        add(w, "none_feasible", KNOB_TRIAL_COMPLETE, &v, 1, "[2]");
        add(w, "none_feasible", KNOB_TRIAL_FAIL, NULL, 0, NULL);
        assert_int_equal(knob_storage_open(w->url, &st), KNOB_OK);
        assert_int_equal(knob_study_create(st, "empty", NULL, &s), KNOB_OK);
        knob_study_free(s);
        /* a best of -0 and of 0, tied: the record, written by the process that added them,
         * holds the first (-0 as told); SQLite's rows keep no sign of a zero, and
         * PostgreSQL's MIN takes the last of a tie as it scans */
        assert_int_equal(knob_study_create(st, "zero", NULL, &s), KNOB_OK);
        double z[3] = {1.5, -0.0, 0.0};
        knob_param p = {"x", &dist_x, 0};
        for (int k = 0; k < 3; k++) {
            knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE,
                                    .n_params = 1,
                                    .params = &p,
                                    .n_values = 1,
                                    .values = &z[k]};
            assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
        }
        const knob_trial_info *b;
        assert_int_equal(knob_study_best_trial(s, &b), KNOB_OK);
        assert_int_equal(b->number, 1);
        knob_study_free(s);
        knob_storage_close(st);
    }
    static const char *const names[] = {"min",           "max",   "two", "half_infeasible",
                                        "none_feasible", "empty", "zero"};
    agree(w, "no record yet");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        best(w, names[i]);
    listing a = agree(w, "the records written");
    double vmax;
    int64_t b1 = best_number(w, "max", &vmax); /* the record's trial */

    /* the records are read: a value behind them, better, is not seen through them (on
     * PostgreSQL: SQLite's listing reads no record, its trials' best values are in an index,
     * tests/unit/test_sqlite_best.c). The record of a Pareto front: `knob best` of one
     * objective finds its trial by the index of best values and writes no record where that
     * answers (tests/unit/test_best_index.c). Trial 1 of 'two' is complete and feasible. */
    double v0;
    int64_t b0 = best_number(w, "min", &v0);
    int64_t other = b0 == 0 ? 1 : 0; /* complete and feasible: trials 0 and 1 are */
    if (!w->path[0]) {
        rewrite(w, "two", 1, a.best[2] - 100, false);
        listing r = list_of(w, true), rows = list_of(w, false);
        if (r.best[2] != a.best[2] || rows.best[2] != a.best[2] - 100)
            fail_msg("the record of 'two' was not read: %.17g through it, %.17g from the trials",
                     r.best[2], rows.best[2]);
        rewrite(w, "two", 1, a.best[2] + 1000, true);
    }
    rewrite(w, "min", other, v0 + 1, true); /* and a stamped change is seen */
    agree(w, "a change with its stamp");
    /* the record's best changed behind it (worse): the query of every trial answers */
    rewrite(w, "max", b1, vmax - 1000, true);
    agree(w, "the record's best trial changed after it");
    best(w, "max");
    agree(w, "the record written again");
    a = list_of(w, true);

    /* stale records: trials after them */
    double v = v0 - 0.5;
    add(w, "min", KNOB_TRIAL_COMPLETE, &v, 1, NULL);
    agree(w, "a better trial after the record");
    v = v0 - 3;
    add(w, "min", KNOB_TRIAL_COMPLETE, &v, 1, "[0.5, -1]");
    add(w, "min", KNOB_TRIAL_PRUNED, &v, 1, NULL);
    add(w, "min", KNOB_TRIAL_FAIL, NULL, 0, NULL);
    agree(w, "infeasible, pruned and failed trials, better");
    v = v0 - 0.5;
    add(w, "min", KNOB_TRIAL_COMPLETE, &v, 1, NULL);
    agree(w, "a tie");
    v = a.best[1] + 2;
    add(w, "max", KNOB_TRIAL_COMPLETE, &v, 1, NULL);
    v = a.best[1] - 2;
    add(w, "max", KNOB_TRIAL_COMPLETE, &v, 1, NULL);
    double two[2] = {-1, -50}; /* on the front, least in the first objective */
    add(w, "two", KNOB_TRIAL_COMPLETE, two, 2, NULL);
    double zero = 0.0;
    add(w, "zero", KNOB_TRIAL_COMPLETE, &zero, 1, NULL);
    v = -7;
    add(w, "none_feasible", KNOB_TRIAL_COMPLETE, &v, 1, "[1]");
    agree(w, "trials after the records of every study");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        best(w, names[i]);
    agree(w, "the records read again");

    /* a damaged record */
    sql_any(w, "UPDATE knob_sampler_states SET data = substr(data, 1, 40) WHERE key = 'knob.best'",
            "UPDATE knob_sampler_states SET data = substring(data from 1 for 40) WHERE key = "
            "'knob.best'");
    agree(w, "damaged records");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        best(w, names[i]);
    sql_any(w,
            "UPDATE knob_sampler_states SET data = substr(data, 1, length(data) - 9) || x'7f' || "
            "substr(data, length(data) - 7) WHERE key = 'knob.best'",
            "UPDATE knob_sampler_states SET data = overlay(data placing '\\x7f'::bytea from "
            "length(data) - 8 for 1) WHERE key = 'knob.best'");
    agree(w, "records damaged in a byte (the checksum)");
}

static void sqlite_studies(void **state)
{
    (void)state;
    where w = {0};
    snprintf(w.path, sizeof w.path, "%s", knob_test_path("summaries.db"));
    snprintf(w.url, sizeof w.url, "sqlite:///%s", w.path);
    the_same(&w);
    remove(w.path);
}

static void postgres_studies(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    where w = {0};
    snprintf(w.url, sizeof w.url, "%s", url);
    the_same(&w);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(sqlite_studies),
    cmocka_unit_test(postgres_studies),
};

KNOB_TEST_MAIN(tests)
