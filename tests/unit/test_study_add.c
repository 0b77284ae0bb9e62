/* knob_study_add_trial (trials made elsewhere) and knob_study_attrs (a study's attributes
 * listed), on memory, SQLite and PostgreSQL; a study's infinite_values. */
#include "testutil.h"

#include "knob.h"

#include <math.h>
#include <sqlite3.h>
#include <sys/wait.h>

static knob_study *new_study(knob_storage *st, const char *name, size_t n_obj)
{
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=1", &sampler), KNOB_OK);
    knob_study_options o = {.directions = dirs, .n_objectives = n_obj, .sampler = sampler};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

static const knob_choice opt_choices[] = {
    {.type = KNOB_CHOICE_STRING, .str = "adam"},
    {.type = KNOB_CHOICE_STRING, .str = "sgd"},
    {.type = KNOB_CHOICE_NULL},
};
static const knob_distribution lr_dist = {
    .kind = KNOB_DIST_FLOAT, .low = 1e-5, .high = 1, .flags = KNOB_LOG};
static const knob_distribution opt_dist = {
    .kind = KNOB_DIST_CATEGORICAL, .n_choices = 3, .choices = opt_choices};
static const knob_distribution depth_dist = {.kind = KNOB_DIST_INT, .low = 1, .high = 9, .step = 2};

/* A complete trial with everything set: params, values, intermediate values, attributes. */
static knob_trial_info full_info(knob_param *params, knob_step_value *inter, knob_attr *user,
                                 knob_attr *sys, const double *values)
{
    params[0] = (knob_param){.name = "lr", .dist = &lr_dist, .internal = 0.01};
    params[1] = (knob_param){.name = "opt", .dist = &opt_dist, .internal = 2};
    params[2] = (knob_param){.name = "depth", .dist = &depth_dist, .internal = 7};
    inter[0] = (knob_step_value){.step = 0, .value = 3.0};
    inter[1] = (knob_step_value){.step = 5, .value = 1.5};
    user[0] = (knob_attr){.key = "note", .json = "\"copied\""};
    sys[0] = (knob_attr){.key = "origin", .json = "[1,2]"};
    return (knob_trial_info){.state = KNOB_TRIAL_COMPLETE,
                             .n_params = 3,
                             .params = params,
                             .n_values = 1,
                             .values = values,
                             .n_intermediate = 2,
                             .intermediate = inter,
                             .n_user_attrs = 1,
                             .user_attrs = user,
                             .n_system_attrs = 1,
                             .system_attrs = sys};
}

static void add_and_read(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, "add", 1);
    knob_trial *t;
    double x, y = 4;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 0 by ask */
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);

    knob_param params[3];
    knob_step_value inter[2];
    knob_attr user[1], sys[1];
    double v = 0.5;
    knob_trial_info info = full_info(params, inter, user, sys, &v);
    info.number = 99; /* ignored */
    int64_t number = -1;
    assert_int_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
    assert_int_equal(number, 1);

    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2);
    const knob_trial_info *a = trials[1];
    assert_int_equal(a->number, 1);
    assert_int_equal(a->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(a->n_values, 1);
    assert_true(a->values[0] == 0.5);
    assert_int_equal(a->n_params, 3);
    assert_true(knob_trial_info_param(a, "lr")->internal == 0.01);
    assert_true(knob_trial_info_param(a, "lr")->dist ==
                knob_trial_info_param(trials[0], "lr")->dist);
    char buf[64];
    knob_param_format(knob_trial_info_param(a, "opt"), buf, sizeof buf);
    assert_string_equal(buf, "null");
    knob_param_format(knob_trial_info_param(a, "depth"), buf, sizeof buf);
    assert_string_equal(buf, "7");
    assert_int_equal(a->n_intermediate, 2);
    assert_int_equal(a->intermediate[1].step, 5);
    assert_true(a->intermediate[1].value == 1.5);
    assert_string_equal(knob_trial_info_attr(a, "note", false), "\"copied\"");
    assert_string_equal(knob_trial_info_attr(a, "origin", true), "[1,2]");
    assert_false(isnan(a->end_time));
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
    assert_int_equal(best->number, 1);

    /* Pruned without values: its last intermediate value; fail: no values. */
    info.state = KNOB_TRIAL_PRUNED;
    info.n_values = 0;
    assert_int_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
    info.state = KNOB_TRIAL_FAIL;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 4);
    assert_int_equal(trials[2]->state, KNOB_TRIAL_PRUNED);
    assert_int_equal(trials[2]->n_values, 1);
    assert_true(trials[2]->values[0] == 1.5);
    assert_int_equal(trials[3]->state, KNOB_TRIAL_FAIL);
    assert_int_equal(trials[3]->n_values, 0);

    /* The next ask numbers after the added trials. */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 4);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);

    /* A trial's own times are kept (a copied study's), as read by another handle; 0 (a
     * zeroed struct) and NaN are the time of the writes. */
    info.state = KNOB_TRIAL_COMPLETE;
    info.n_values = 1;
    info.start_time = 1000.5;
    info.end_time = 1012.25;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    info.start_time = 0;
    info.end_time = NAN;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    knob_study *again;
    assert_int_equal(knob_study_load(st, "add", NULL, &again), KNOB_OK);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(knob_study_trials(k ? again : s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 7);
        assert_true(trials[5]->start_time == 1000.5);
        assert_true(trials[5]->end_time == 1012.25);
        assert_true(trials[6]->start_time > 1.7e9 && trials[6]->end_time >= trials[6]->start_time);
    }
    knob_study_free(again);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Runs body on a fresh SQLite file `file` of the test directory, and removes it. */
static void in_sqlite(void (*body)(const char *url), const char *file)
{
    char url[4200];
    const char *path = knob_test_path(file);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    unlink(path);
    body(url);
    unlink(path);
}

/* Runs body on the test PostgreSQL server; skips without one. */
static void in_postgres(void (*body)(const char *url))
{
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    body(u);
}

static void add_memory(void **state)
{
    (void)state;
    add_and_read("memory:");
}

static void add_sqlite(void **state)
{
    (void)state;
    in_sqlite(add_and_read, "study_add.db");
}

static void add_postgres(void **state)
{
    (void)state;
    in_postgres(add_and_read);
}

/* A refused trial writes nothing, and the message names what is wrong. */
static void refused(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "bad", 2);
    knob_param params[3];
    knob_step_value inter[2];
    knob_attr user[1], sys[1];
    double two[2] = {1, 2};
    knob_trial_info info = full_info(params, inter, user, sys, two);

    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL); /* 1 value, 2 objectives */
    assert_non_null(strstr(knob_errmsg(), "2 objectives"));
    info.n_values = 2;
    two[1] = NAN;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "not finite"));
    two[1] = 2;
    params[2].internal = 4; /* depth steps by 2 from 1 */
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'depth'"));
    params[2].internal = 7;
    params[1].name = "lr";
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'lr' twice"));
    params[1].name = "opt";
    user[0].json = "{not json";
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'note'"));
    user[0].json = "1";
    info.state = KNOB_TRIAL_RUNNING; /* with values */
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "running trial has 2 values"));
    info.state = KNOB_TRIAL_WAITING;
    info.n_values = 0;
    info.n_params = 0;
    sys[0] = (knob_attr){.key = "fixed_params", .json = "[1]"};
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "not a JSON object"));
    sys[0] = (knob_attr){.key = "origin", .json = "[1,2]"};
    info.n_params = 3;
    info.n_values = 2;
    info.state = 7;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "unknown state 7"));
    assert_int_equal(knob_study_add_trial(NULL, &info, NULL), KNOB_EINVAL);

    const knob_trial_info *const *trials;
    size_t n = 9;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 0);
    info.state = KNOB_TRIAL_COMPLETE;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An array that is NULL with a count, or a categorical param whose choices are NULL (or a
 * NULL string choice), crashed the add: each is refused naming the field, and nothing is
 * written. */
static void null_arrays_refused(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "nulls", 1);
    double v = 1;
    const char *const fields[] = {"params", "intermediate", "user_attrs", "system_attrs"};
    for (int k = 0; k < 4; k++) {
        knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .values = &v, .n_values = 1};
        if (k == 0)
            info.n_params = 1;
        else if (k == 1)
            info.n_intermediate = 1;
        else if (k == 2)
            info.n_user_attrs = 1;
        else
            info.n_system_attrs = 1;
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), fields[k]) || !strstr(knob_errmsg(), "NULL"))
            fail_msg("%s: %s", fields[k], knob_errmsg());
    }
    knob_choice nullstr[1] = {{.type = KNOB_CHOICE_STRING, .str = NULL}};
    knob_distribution no_choices = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2},
                      null_choice = {
                          .kind = KNOB_DIST_CATEGORICAL, .n_choices = 1, .choices = nullstr};
    knob_param p = {"c", &no_choices, 0};
    knob_trial_info info = {
        .state = KNOB_TRIAL_COMPLETE, .values = &v, .n_values = 1, .params = &p, .n_params = 1};
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'c': choices NULL"));
    p.dist = &null_choice;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'c': choice 0 is a NULL string"));
    const knob_trial_info *const *trials;
    size_t n = 9;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 0);
    knob_study_free(s);
    knob_storage_close(st);
}

typedef struct seen {
    char keys[8][32];
    char json[8][32];
    int n;
    int stop_at;
} seen;

static int collect(void *ctx, const char *key, const char *json)
{
    seen *w = ctx;
    if (w->n == w->stop_at)
        return KNOB_EEXIST;
    snprintf(w->keys[w->n], sizeof w->keys[0], "%s", key);
    snprintf(w->json[w->n], sizeof w->json[0], "%s", json);
    w->n++;
    return KNOB_OK;
}

static void attrs_listed(void **state)
{
    (void)state;
    knob_storage *st;
    char url[4200];
    const char *path = knob_test_path("study_attrs.db");
    snprintf(url, sizeof url, "sqlite:///%s", path);
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, "attrs", 1);
    assert_int_equal(knob_study_set_user_attr(s, "b", "1"), KNOB_OK);
    assert_int_equal(knob_study_set_user_attr(s, "a", "\"x\""), KNOB_OK);
    assert_int_equal(knob_study_set_system_attr(s, "sys", "true"), KNOB_OK);
    assert_int_equal(knob_study_set_user_attr(s, "b", "2"), KNOB_OK); /* replaced */
    seen w = {.stop_at = -1};
    assert_int_equal(knob_study_attrs(s, false, collect, &w), KNOB_OK);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.keys[0], "b");
    assert_string_equal(w.json[0], "2");
    assert_string_equal(w.keys[1], "a");
    assert_string_equal(w.json[1], "\"x\"");
    seen sys = {.stop_at = -1};
    assert_int_equal(knob_study_attrs(s, true, collect, &sys), KNOB_OK);
    assert_int_equal(sys.n, 1);
    assert_string_equal(sys.keys[0], "sys");
    seen stop = {.stop_at = 1};
    assert_int_equal(knob_study_attrs(s, false, collect, &stop), KNOB_EEXIST);
    assert_int_equal(stop.n, 1);
    assert_int_equal(knob_study_attrs(s, false, NULL, NULL), KNOB_EINVAL);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

/* Running and waiting trials added: a running one is told later by number; a waiting one
 * is taken by the next ask with its fixed params and its user attributes. */
static void add_unfinished(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, "unfinished", 1);
    knob_param params[3];
    knob_step_value inter[2];
    knob_attr user[1], sys[2];
    knob_trial_info info = full_info(params, inter, user, sys, NULL);
    info.state = KNOB_TRIAL_RUNNING;
    info.n_values = 0;
    info.start_time = 1000.5;
    info.end_time = 1012.25; /* a running trial has none: not kept */
    int64_t number = -1;
    assert_int_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
    assert_int_equal(number, 0);

    info.state = KNOB_TRIAL_WAITING;
    info.n_params = 0;
    info.n_intermediate = 0;
    sys[1] = (knob_attr){.key = "fixed_params", .json = "{\"lr\": 0.125}"};
    info.n_system_attrs = 2;
    assert_int_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
    assert_int_equal(number, 1);

    knob_study *other;
    assert_int_equal(knob_study_load(st, "unfinished", NULL, &other), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(other, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trials[0]->state, KNOB_TRIAL_RUNNING);
    assert_int_equal(trials[0]->n_params, 3);
    assert_int_equal(trials[0]->n_intermediate, 2);
    assert_true(trials[0]->start_time == 1000.5);
    assert_true(isnan(trials[0]->end_time));
    assert_string_equal(knob_trial_info_attr(trials[0], "note", false), "\"copied\"");
    assert_int_equal(trials[1]->state, KNOB_TRIAL_WAITING);
    assert_int_equal(trials[1]->n_params, 0);
    assert_true(isnan(trials[1]->start_time));
    assert_string_equal(knob_trial_info_attr(trials[1], "note", false), "\"copied\"");
    assert_string_equal(knob_trial_info_attr(trials[1], "origin", true), "[1,2]");

    /* the waiting trial is the next ask's, with its params and user attributes */
    knob_trial *t;
    double lr;
    assert_int_equal(knob_study_ask(other, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_string_equal(knob_trial_user_attr(t, "note"), "\"copied\"");
    seen w = {.stop_at = -1};
    assert_int_equal(knob_trial_attrs(t, false, collect, &w), KNOB_OK);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.keys[0], "note");
    assert_int_equal(knob_trial_attrs(NULL, false, collect, &w), KNOB_EINVAL);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &lr), KNOB_OK);
    assert_true(lr == 0.125);
    double v = 2;
    assert_int_equal(knob_study_tell(other, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    /* the running one is told by number */
    v = 1;
    assert_int_equal(knob_study_tell_number(other, 0, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_OK);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(other, &best), KNOB_OK);
    assert_int_equal(best->number, 0);
    assert_true(best->start_time == 1000.5 && best->end_time > 1.7e9);
    knob_study_free(other);
    knob_study_free(s);
    knob_storage_close(st);
}

static void unfinished_memory(void **state)
{
    (void)state;
    add_unfinished("memory:");
}

static void unfinished_sqlite(void **state)
{
    (void)state;
    in_sqlite(add_unfinished, "study_add_unfinished.db");
}

static void unfinished_postgres(void **state)
{
    (void)state;
    in_postgres(add_unfinished);
}

/* Makes every later write of a trial attribute keyed "boom" fail in the storage at url
 * (SQLite or PostgreSQL), as a full disk or a lost server would fail it. */
static void refuse_boom(const char *url)
{
    if (!strncmp(url, "sqlite:///", 10)) {
        sqlite3 *h;
        char *err = NULL;
        assert_int_equal(sqlite3_open(url + 10, &h), SQLITE_OK);
        /* knob's own connection runs without triggers: the table is made again with a
         * CHECK that refuses the key, keeping its rows and indexes */
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(h,
                                            "SELECT group_concat(sql, ';') FROM sqlite_master "
                                            "WHERE tbl_name = 'trial_attrs' AND type = 'index' "
                                            "AND sql IS NOT NULL",
                                            -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        const unsigned char *ix = sqlite3_column_text(q, 0);
        char indexes[2048];
        snprintf(indexes, sizeof indexes, "%s", ix ? (const char *)ix : "");
        sqlite3_finalize(q);
        assert_int_equal(sqlite3_prepare_v2(h,
                                            "SELECT sql FROM sqlite_master WHERE type = 'table' "
                                            "AND name = 'trial_attrs'",
                                            -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        char table[2048];
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        char *close = strrchr(table, ')');
        assert_non_null(close);
        *close = 0;
        char sql[8192];
        snprintf(sql, sizeof sql,
                 "PRAGMA foreign_keys = OFF; BEGIN; ALTER TABLE trial_attrs RENAME TO "
                 "boom_old; %s, CONSTRAINT boom_refused CHECK (key <> 'boom')); INSERT INTO "
                 "trial_attrs SELECT * FROM boom_old; DROP TABLE boom_old; %s; COMMIT",
                 table, indexes);
        if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
            fail_msg("refusing 'boom': %s", err);
        sqlite3_close(h);
        return;
    }
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN IF NEW.key = "
                         "'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ "
                         "LANGUAGE plpgsql");
    knob_test_pg_exec(c, "CREATE TRIGGER refuse_boom BEFORE INSERT ON knob_trial_attrs FOR EACH "
                         "ROW EXECUTE FUNCTION refuse_boom()");
    PQfinish(c);
}

/* A waiting trial added with params, intermediate values and attributes is written whole:
 * a reader sees its params before any ask (knob trials, a copy of the study), and the ask
 * takes them; a write of it that fails leaves no trial and uses no number. */
static void waiting_whole(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, "waiting", 1);
    knob_param params[3];
    knob_step_value inter[2];
    knob_attr user[2], sys[2];
    knob_trial_info info = full_info(params, inter, user, sys, NULL);
    info.state = KNOB_TRIAL_WAITING;
    info.n_values = 0;
    info.n_params = 2; /* lr 0.01, opt null; depth fixed by fixed_params */
    sys[1] = (knob_attr){.key = "fixed_params", .json = "{\"depth\": 5, \"lr\": 0.5}"};
    info.n_system_attrs = 2;
    int64_t number = -1;
    assert_int_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
    assert_int_equal(number, 0);

    knob_study *other;
    assert_int_equal(knob_study_load(st, "waiting", NULL, &other), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(other, &trials, &n), KNOB_OK);
    assert_int_equal(n, 1);
    const knob_trial_info *w = trials[0];
    assert_int_equal(w->state, KNOB_TRIAL_WAITING);
    assert_int_equal(w->n_params, 2);
    assert_string_equal(w->params[0].name, "lr");
    assert_true(w->params[0].internal == 0.01);
    assert_string_equal(w->params[1].name, "opt");
    assert_true(w->params[1].internal == 2);
    assert_int_equal(w->n_intermediate, 2);
    assert_string_equal(knob_trial_info_attr(w, "note", false), "\"copied\"");
    assert_string_equal(knob_trial_info_attr(w, "origin", true), "[1,2]");
    const char *fixed = knob_trial_info_attr(w, "fixed_params", true);
    assert_non_null(fixed);
    assert_non_null(strstr(fixed, "\"depth\":5"));
    assert_non_null(strstr(fixed, "\"lr\":0.01"));
    assert_non_null(strstr(fixed, "\"opt\":null"));
    assert_null(strstr(fixed, "0.5"));

    /* the ask takes it with its params */
    knob_trial *t;
    double lr;
    int64_t depth;
    assert_int_equal(knob_study_ask(other, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 0);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &lr), KNOB_OK);
    assert_true(lr == 0.01);
    assert_int_equal(knob_trial_suggest_int(t, "depth", 1, 9, 2, 0, &depth), KNOB_OK);
    assert_int_equal(depth, 5);
    double v = 1;
    assert_int_equal(knob_study_tell(other, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);

    /* a write that fails: nothing is left, and the next trial takes the number */
    if (strcmp(url, "memory:") != 0) {
        refuse_boom(url);
        user[1] = (knob_attr){.key = "boom", .json = "1"};
        info.n_user_attrs = 2;
        for (size_t k = 0; k < 2; k++) { /* without params, then with them */
            info.n_params = k ? 2 : 0;
            assert_int_not_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
            assert_true(strstr(knob_errmsg(), "boom refused") ||
                        strstr(knob_errmsg(), "boom_refused"));
            assert_int_equal(knob_study_trials(other, &trials, &n), KNOB_OK);
            assert_int_equal(n, 1);
        }
        knob_study *fresh;
        assert_int_equal(knob_study_load(st, "waiting", NULL, &fresh), KNOB_OK);
        assert_int_equal(knob_study_trials(fresh, &trials, &n), KNOB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(knob_study_ask(fresh, &t), KNOB_OK);
        assert_int_equal(knob_trial_number(t), 1);
        assert_int_equal(knob_study_tell(fresh, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study_free(fresh);
    }
    knob_study_free(other);
    knob_study_free(s);
    knob_storage_close(st);
}

static void waiting_memory(void **state)
{
    (void)state;
    waiting_whole("memory:");
}

static void waiting_sqlite(void **state)
{
    (void)state;
    in_sqlite(waiting_whole, "study_add_waiting.db");
}

static void waiting_postgres(void **state)
{
    (void)state;
    in_postgres(waiting_whole);
}

/* A finished (or running) trial added with params, values, intermediate values, attributes
 * and times is written whole in one write: the study's stamp moves once (memory, SQLite: a
 * stamp per write; it moved for the trial's creation, its params, each intermediate value
 * and attribute, its finish and its times), and a write of it that fails leaves no trial
 * (it was left FAIL, "could not be added whole") and uses no number. */
static void finished_whole(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, "finished", 1);
    knob_trial *t;
    double y = 4;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 0 by ask */
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_param params[3];
    knob_step_value inter[2];
    knob_attr user[2], sys[1];
    double v = 0.5;
    knob_trial_info info = full_info(params, inter, user, sys, &v);
    info.start_time = 1000.5;
    info.end_time = 1012.25;
    const knob_trial_info *const *trials;
    size_t n;
    if (strncmp(url, "postgresql", 10) != 0) {
        int64_t before, after;
        assert_int_equal(knob_study_trials_since(s, 0, &trials, &n, &before), KNOB_OK);
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
        assert_int_equal(knob_study_trials_since(s, before, &trials, &n, &after), KNOB_OK);
        assert_int_equal(after - before, 1);
        assert_int_equal(n, 1);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_COMPLETE);
        assert_true(trials[0]->start_time == 1000.5 && trials[0]->end_time == 1012.25);
    } else {
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
    assert_int_equal(best->number, 1);

    if (strcmp(url, "memory:") != 0) {
        refuse_boom(url);
        user[1] = (knob_attr){.key = "boom", .json = "1"};
        info.n_user_attrs = 2;
        const knob_trial_state states[] = {KNOB_TRIAL_COMPLETE, KNOB_TRIAL_PRUNED, KNOB_TRIAL_FAIL,
                                           KNOB_TRIAL_RUNNING};
        for (size_t k = 0; k < sizeof states / sizeof *states; k++) {
            info.state = states[k];
            info.n_values = states[k] == KNOB_TRIAL_COMPLETE;
            int64_t number = -1;
            assert_int_not_equal(knob_study_add_trial(s, &info, &number), KNOB_OK);
            assert_true(strstr(knob_errmsg(), "boom refused") ||
                        strstr(knob_errmsg(), "boom_refused"));
            assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
            assert_int_equal(n, 2);
        }
        knob_study *fresh;
        assert_int_equal(knob_study_load(st, "finished", NULL, &fresh), KNOB_OK);
        assert_int_equal(knob_study_trials(fresh, &trials, &n), KNOB_OK);
        assert_int_equal(n, 2);
        assert_int_equal(trials[1]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(knob_study_ask(fresh, &t), KNOB_OK);
        assert_int_equal(knob_trial_number(t), 2);
        assert_int_equal(knob_study_tell(fresh, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study_free(fresh);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

static void finished_memory(void **state)
{
    (void)state;
    finished_whole("memory:");
}

static void finished_sqlite(void **state)
{
    (void)state;
    in_sqlite(finished_whole, "study_add_finished.db");
}

static void finished_postgres(void **state)
{
    (void)state;
    in_postgres(finished_whole);
}

#define ADDED_BY_WRITER 300

/* Whether a trial as the writer of added_seen_whole adds it is all there. */
static bool seen_whole(const knob_trial_info *t)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_params == 3 && t->n_values == 1 &&
           t->n_intermediate == 2 && t->start_time == 1000.5 && t->end_time == 1012.25 &&
           knob_trial_info_attr(t, "note", false) && knob_trial_info_attr(t, "origin", true);
}

/* A reader in another process, syncing while trials are added, sees each whole from the
 * start: it saw them RUNNING, without params, values or end time. */
static void added_seen_whole(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study_free(new_study(st, "seen", 1));
    knob_storage_close(st);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_study *s = NULL;
        if (knob_storage_open(url, &st) || knob_study_load(st, "seen", NULL, &s))
            _exit(2);
        knob_param params[3];
        knob_step_value inter[2];
        knob_attr user[1], sys[1];
        double v = 0.5;
        knob_trial_info info = full_info(params, inter, user, sys, &v);
        info.start_time = 1000.5;
        info.end_time = 1012.25;
        for (int i = 0; i < ADDED_BY_WRITER; i++)
            if (knob_study_add_trial(s, &info, NULL))
                _exit(3);
        _exit(0);
    }
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "seen", NULL, &s), KNOB_OK);
    int status = 0, reads = 0;
    bool done = false;
    size_t n = 0;
    while (!done) {
        done = waitpid(pid, &status, WNOHANG) == pid; /* a last read after the writer's end */
        const knob_trial_info *const *trials;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        for (size_t i = 0; i < n; i++)
            if (!seen_whole(trials[i]))
                fail_msg("read %d: trial %lld is %s with %zu params, %zu values, end %g", reads,
                         (long long)trials[i]->number, knob_trial_state_str(trials[i]->state),
                         trials[i]->n_params, trials[i]->n_values, trials[i]->end_time);
        reads++;
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(n, ADDED_BY_WRITER);
    knob_study_free(s);
    knob_storage_close(st);
}

static void seen_whole_sqlite(void **state)
{
    (void)state;
    in_sqlite(added_seen_whole, "study_add_seen.db");
}

static void seen_whole_postgres(void **state)
{
    (void)state;
    in_postgres(added_seen_whole);
}

/* With infinite_values, +-inf complete a trial (told, told by number, added) and count for
 * the best trial; NaN still fails it. Without it any non-finite value fails the trial. */
static void infinite_told(const char *url)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study_options o = {.infinite_values = true};
    knob_study *s, *plain;
    assert_int_equal(knob_study_create(st, "inf", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_load(st, "inf", NULL, &plain), KNOB_OK);
    double v[] = {3, INFINITY, -INFINITY, NAN};
    knob_trial *t;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v[i], 1),
                         i == 3 ? KNOB_EINVAL : KNOB_OK);
    }
    assert_non_null(strstr(knob_errmsg(), "is nan, not a number"));
    assert_int_equal(knob_study_ask(plain, &t), KNOB_OK); /* trial 4 */
    assert_int_equal(knob_study_tell(plain, t, KNOB_TRIAL_COMPLETE, &v[1], 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "not a finite number"));
    assert_int_equal(knob_study_ask(plain, &t), KNOB_OK); /* trial 5, told by s */
    knob_trial_detach(t);
    assert_int_equal(knob_study_tell_number(s, 5, KNOB_TRIAL_COMPLETE, &v[1], 1, NULL), KNOB_OK);
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 1, .values = &v[2]};
    assert_int_equal(knob_study_add_trial(plain, &info, NULL), KNOB_EINVAL);
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK); /* trial 6 */
    info.values = &v[3];
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);

    knob_study *again;
    assert_int_equal(knob_study_load(st, "inf", NULL, &again), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(again, &trials, &n), KNOB_OK);
    assert_int_equal(n, 7);
    knob_trial_state states[] = {KNOB_TRIAL_COMPLETE, KNOB_TRIAL_COMPLETE, KNOB_TRIAL_COMPLETE,
                                 KNOB_TRIAL_FAIL,     KNOB_TRIAL_FAIL,     KNOB_TRIAL_COMPLETE,
                                 KNOB_TRIAL_COMPLETE};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(trials[i]->state, states[i]);
    assert_true(trials[1]->values[0] == INFINITY && trials[2]->values[0] == -INFINITY);
    assert_true(trials[5]->values[0] == INFINITY && trials[6]->values[0] == -INFINITY);
    const knob_trial_info *best;
    for (int k = 0; k < 3; k++) {
        knob_study *h = k == 0 ? s : k == 1 ? plain : again;
        assert_int_equal(knob_study_best_trial(h, &best), KNOB_OK);
        assert_int_equal(best->number, 2); /* the first -inf */
    }
    knob_study_free(again);
    knob_study_free(plain);
    knob_study_free(s);

    /* a maximized study whose every value is +inf has a best trial: the first */
    knob_direction max = KNOB_MAXIMIZE;
    o = (knob_study_options){.directions = &max, .n_objectives = 1, .infinite_values = true};
    assert_int_equal(knob_study_create(st, "inf_max", &o, &s), KNOB_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v[1], 1), KNOB_OK);
    }
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
    assert_int_equal(best->number, 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An added trial's constraint values (info's n_constraints and constraints, as
 * knob_study_trials gives them) are kept: an infeasible trial is not the best trial nor on
 * the Pareto front, and reads back with its values; a value that is not finite, or a count
 * other than the study's trials have, is refused and nothing is written. */
static void constraints_kept(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "cons", 1);
    double low = 1, high = 5, bad[2] = {3, -1};
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 1, .values = &low};
    info.n_constraints = 2;
    info.constraints = bad; /* violates its first constraint */
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    double ok[2] = {0, -2};
    info.values = &high;
    info.constraints = ok;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
    assert_int_equal(best->number, 1);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trials[0]->n_constraints, 2);
    assert_true(trials[0]->constraints[0] == 3 && trials[0]->constraints[1] == -1);
    assert_false(knob_trial_info_feasible(trials[0]));
    /* a trial read back is added again as it is: its constraints come once */
    assert_int_equal(knob_study_add_trial(s, trials[0], NULL), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(trials[2]->n_constraints, 2);
    assert_false(knob_trial_info_feasible(trials[2]));

    ok[1] = NAN;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "constraint 1"));
    ok[1] = -2;
    info.n_constraints = 1;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "have 2"));
    info.constraints = NULL;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    /* given as the system attribute "constraints" (knob's own key): the same checks */
    info.n_constraints = 0;
    /* an element that is no number is named as such (it was "constraint 1 is nan") */
    const char *attrs[] = {"\"feasible\"", "[1, \"x\"]", "[-1]", "[null, 0]"};
    const char *why[] = {"JSON array", "constraint 1 is a string, not a number", "have 2",
                         "constraint 0 is null, not a number"};
    for (int k = 0; k < 4; k++) {
        knob_attr sys = {.key = "constraints", .json = attrs[k]};
        info.n_system_attrs = 1;
        info.system_attrs = &sys;
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), why[k]))
            fail_msg("attribute %s: %s", attrs[k], knob_errmsg());
    }
    info.n_system_attrs = 0;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 3);
    /* infinite values are taken, as Optuna takes them: +inf violated, -inf satisfied (the
     * attribute's 1e999 was refused as "constraint 0 is inf") */
    knob_attr inf_attr = {.key = "constraints", .json = "[1e999, -1e999]"};
    info.n_system_attrs = 1;
    info.system_attrs = &inf_attr;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    info.n_system_attrs = 0;
    double below[2] = {-INFINITY, -INFINITY};
    info.n_constraints = 2;
    info.constraints = below;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 5);
    assert_true(trials[3]->constraints[0] == INFINITY && trials[3]->constraints[1] == -INFINITY);
    assert_false(knob_trial_info_feasible(trials[3]));
    assert_true(trials[4]->constraints[0] == -INFINITY && trials[4]->constraints[1] == -INFINITY);
    assert_true(knob_trial_info_feasible(trials[4]));
    knob_study_free(s);

    /* two objectives: the infeasible trial that would dominate is off the front */
    s = new_study(st, "cons2", 2);
    double a[2] = {0, 9}, b[2] = {1, 1};
    knob_trial_info two = {.state = KNOB_TRIAL_COMPLETE, .n_values = 2, .values = a};
    two.n_constraints = 1;
    two.constraints = &bad[0];
    assert_int_equal(knob_study_add_trial(s, &two, NULL), KNOB_OK);
    two.values = b;
    two.constraints = &ok[0];
    assert_int_equal(knob_study_add_trial(s, &two, NULL), KNOB_OK);
    assert_int_equal(knob_study_best_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trials[0]->number, 1);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A trial added with its constraints as the system attribute "constraints" sets the study's
 * count as one added with n_constraints does: a later added trial with another count is
 * refused, by either door, and so is a trial of this handle setting another count. */
static void constraints_attr_count_kept(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "cons_attr", 1);
    double v = 1, three[3] = {1, 2, 3};
    knob_attr sys = {.key = "constraints", .json = "[1, 2]"};
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 1, .values = &v};
    info.n_system_attrs = 1;
    info.system_attrs = &sys;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    info.n_system_attrs = 0;
    info.n_constraints = 3;
    info.constraints = three;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "have 2"));
    info.n_constraints = 0;
    info.n_system_attrs = 1;
    sys.json = "[1, 2, 3]";
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "have 2"));
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t, three, 3), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "have 2"));
    knob_trial_detach(t);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2); /* the added trial and the asked one */
    knob_study_free(s);
    knob_storage_close(st);
}

static void infinite_memory(void **state)
{
    (void)state;
    infinite_told("memory:");
}

static void infinite_sqlite(void **state)
{
    (void)state;
    in_sqlite(infinite_told, "study_add_inf.db");
}

static void infinite_postgres(void **state)
{
    (void)state;
    in_postgres(infinite_told);
}

/* A pruned trial added without values takes the value of its highest step, as a pruned
 * trial that reported them: not the last entry's (entries in any order; a NaN is not a
 * reported value), and none when it has none to take. */
static void pruned_takes_its_highest_step(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "pruned", NULL, &s), KNOB_OK);
    knob_step_value inter[3] = {
        {.step = 7, .value = 0.7}, {.step = 2, .value = 0.2}, {.step = 9, .value = NAN}};
    knob_trial_info info = {.state = KNOB_TRIAL_PRUNED, .n_intermediate = 3, .intermediate = inter};
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    info.n_intermediate = 1;
    info.intermediate = &inter[2]; /* a NaN alone: no value */
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trials[0]->n_values, 1);
    assert_true(trials[0]->values[0] == 0.7);
    assert_int_equal(trials[1]->n_values, 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Values with a failed trial, and an intermediate value at a negative step, were dropped
 * without a word (the trial stored without them, KNOB_OK): each is refused with KNOB_EINVAL,
 * naming it, and nothing is written, on every state that carries intermediate values. */
static void dropped_data_refused(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "drop", NULL, &s), KNOB_OK);
    knob_distribution d = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    knob_param p = {"x", &d, 0.5};
    double v = 0.25;
    knob_trial_info info = {.state = KNOB_TRIAL_FAIL,
                            .n_params = 1,
                            .params = &p,
                            .n_values = 1,
                            .values = &v,
                            .start_time = NAN,
                            .end_time = NAN};
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "an added fail trial has 1 value;"));
    knob_step_value iv[2] = {{.step = 0, .value = 0.5}, {.step = -5, .value = 0.9}};
    const knob_trial_state states[] = {KNOB_TRIAL_PRUNED, KNOB_TRIAL_COMPLETE, KNOB_TRIAL_FAIL,
                                       KNOB_TRIAL_RUNNING, KNOB_TRIAL_WAITING};
    for (size_t k = 0; k < sizeof states / sizeof *states; k++) {
        info = (knob_trial_info){.state = states[k],
                                 .n_params = 1,
                                 .params = &p,
                                 .n_values = states[k] == KNOB_TRIAL_COMPLETE,
                                 .values = &v,
                                 .n_intermediate = 2,
                                 .intermediate = iv,
                                 .start_time = NAN,
                                 .end_time = NAN};
        if (knob_study_add_trial(s, &info, NULL) != KNOB_EINVAL)
            fail_msg("%s trial with a step of -5 taken", knob_trial_state_str(states[k]));
        assert_non_null(strstr(knob_errmsg(), "intermediate value 1 is at step -5"));
        /* INT64_MAX, which knob_trial_report refuses too (a diverged run is marked at step + 1) */
        iv[1].step = INT64_MAX;
        if (knob_study_add_trial(s, &info, NULL) != KNOB_EINVAL)
            fail_msg("%s trial with a step of INT64_MAX taken", knob_trial_state_str(states[k]));
        assert_non_null(
            strstr(knob_errmsg(), "intermediate value 1 is at step 9223372036854775807"));
        iv[1].step = -5;
    }
    const knob_trial_info *const *trials;
    size_t n = 9;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 0);
    /* without them, both are added */
    info.state = KNOB_TRIAL_PRUNED;
    info.n_values = 0;
    info.n_intermediate = 1;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    info.state = KNOB_TRIAL_FAIL;
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_true(trials[0]->n_values == 1 && trials[0]->values[0] == 0.5);
    assert_int_equal(trials[1]->n_values, 0);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_memory),
        cmocka_unit_test(add_sqlite),
        cmocka_unit_test(add_postgres),
        cmocka_unit_test(refused),
        cmocka_unit_test(attrs_listed),
        cmocka_unit_test(unfinished_memory),
        cmocka_unit_test(unfinished_sqlite),
        cmocka_unit_test(unfinished_postgres),
        cmocka_unit_test(waiting_memory),
        cmocka_unit_test(waiting_sqlite),
        cmocka_unit_test(waiting_postgres),
        cmocka_unit_test(finished_memory),
        cmocka_unit_test(finished_sqlite),
        cmocka_unit_test(finished_postgres),
        cmocka_unit_test(seen_whole_sqlite),
        cmocka_unit_test(seen_whole_postgres),
        cmocka_unit_test(infinite_memory),
        cmocka_unit_test(infinite_sqlite),
        cmocka_unit_test(infinite_postgres),
        cmocka_unit_test(constraints_kept),
        cmocka_unit_test(constraints_attr_count_kept),
        cmocka_unit_test(pruned_takes_its_highest_step),
        cmocka_unit_test(dropped_data_refused),
        cmocka_unit_test(null_arrays_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
