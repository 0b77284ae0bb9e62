/* The storage conformance suite: the same checks, through the backend table itself,
 * against every backend (memory_<case> and sqlite_<case>), then the SQLite file's own
 * cases: reopening, foreign and damaged files, URLs, and several processes on one file. */
#include "testutil.h"
#include "testutil_sqlite.h"
#include "internal.h"
#include "storage/backend.h"
#include "util/json.h"

#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

/* ---------------------------------------------------------------- the backends */

typedef struct kind {
    const char *name;
    const knob__backend *be;
    /* Writes a fresh URL (and the file's path, "" when there is none). */
    void (*make_url)(char *url, size_t size, char *path, size_t path_size);
} kind;

static void memory_url(char *url, size_t size, char *path, size_t path_size)
{
    snprintf(url, size, "memory:");
    snprintf(path, path_size, "%s", "");
}

static void sqlite_url(char *url, size_t size, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s", knob_test_path("storage.db"));
    /* "///" + a relative path, or "///" + "/abs" = "////abs": both forms. */
    snprintf(url, size, "sqlite:///%s", path);
}

/* A fresh schema on the server of KNOB_TEST_PG_URL; "" when there is none. */
static void postgres_url(char *url, size_t size, char *path, size_t path_size)
{
    const char *u = knob_test_pg_url();
    snprintf(url, size, "%s", u ? u : "");
    snprintf(path, path_size, "%s", "");
}

static const kind kinds[] = {
    {"memory", &knob__backend_memory, memory_url},
    {"sqlite", &knob__backend_sqlite, sqlite_url},
    {"postgresql", &knob__backend_postgres, postgres_url},
};

/* One open storage under test. */
typedef struct target {
    const knob__backend *be;
    char url[4200];
    char path[4100];
    void *h;
} target;

static const char *where_of(const char *url)
{
    return strchr(url, ':') + 1;
}

static void *open_url(const knob__backend *be, const char *url)
{
    void *h = NULL;
    int rc = be->open(url, where_of(url), &h);
    if (rc)
        fail_msg("open %s: %s: %s", url, knob_status_str(rc), knob_errmsg());
    return h;
}

static void open_target(target *t, const kind *k)
{
    memset(t, 0, sizeof *t);
    t->be = k->be;
    k->make_url(t->url, sizeof t->url, t->path, sizeof t->path);
    t->h = open_url(t->be, t->url);
}

/* A second handle on the same storage: a new connection for a file, the same one for
 * memory (which lives in one process). */
static void *second_handle(const target *t)
{
    return t->path[0] ? open_url(t->be, t->url) : t->h;
}

static void close_second(const target *t, void *h)
{
    if (h != t->h)
        t->be->close(h);
}

/* Fails the test with knob's message when a call does not give `want`. */
#define CHECK(call, want)                                                                          \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != (want))                                                                         \
            fail_msg("%s: got %s, want %s (%s)", #call, knob_status_str(rc_),                      \
                     knob_status_str(want), rc_ ? knob_errmsg() : "");                             \
    } while (0)
#define OK(call) CHECK(call, KNOB_OK)

static int64_t new_study(target *t, const char *name, knob_direction dir)
{
    int64_t id = -1;
    OK(t->be->create_study(t->h, name, &dir, 1, &id));
    return id;
}

static int64_t new_trial(target *t, int64_t study, knob_trial_state state, int64_t *number)
{
    int64_t id = -1, n = -1;
    OK(t->be->create_trial(t->h, study, state, 0, NULL, 0, &id, &n));
    if (number)
        *number = n;
    return id;
}

/* ---------------------------------------------------------------- what sync delivers */

#define MAX_ROWS 8

/* A deep copy of one delivered trial (the record's pointers are borrowed). */
typedef struct seen {
    int64_t id, number, seq;
    knob_trial_state state;
    double start, end;
    size_t n_params, n_values, n_inter, n_attrs[2];
    char pname[MAX_ROWS][32], pdist[MAX_ROWS][64];
    double pval[MAX_ROWS], values[MAX_ROWS];
    knob_step_value inter[MAX_ROWS];
    char akey[2][MAX_ROWS][32], ajson[2][MAX_ROWS][32];
} seen;

typedef struct got {
    seen *t;
    size_t n, cap;
    int calls;
    int stop_after; /* the callback returns KNOB_EDONE after this many calls (0: never) */
} got;

static void copy_attrs(seen *s, int k, const knob_attr *a, size_t n)
{
    s->n_attrs[k] = n;
    for (size_t i = 0; i < n && i < MAX_ROWS; i++) {
        snprintf(s->akey[k][i], sizeof s->akey[k][i], "%s", a[i].key);
        snprintf(s->ajson[k][i], sizeof s->ajson[k][i], "%s", a[i].json);
    }
}

static int collect(void *ctx, const knob__trial_rec *r)
{
    got *g = ctx;
    if (g->stop_after && g->calls >= g->stop_after)
        return KNOB_EDONE;
    g->calls++;
    if (r->n_params > MAX_ROWS || r->n_values > MAX_ROWS || r->n_intermediate > MAX_ROWS ||
        r->n_user_attrs > MAX_ROWS || r->n_system_attrs > MAX_ROWS ||
        knob__grow(&g->t, &g->cap, g->n + 1, sizeof *g->t))
        return knob__error(KNOB_EINVAL, "the test's copy of a trial is too small");
    seen *s = &g->t[g->n++];
    memset(s, 0, sizeof *s);
    *s = (seen){.id = r->id,
                .number = r->number,
                .seq = r->seq,
                .state = r->state,
                .start = r->start_time,
                .end = r->end_time,
                .n_params = r->n_params,
                .n_values = r->n_values,
                .n_inter = r->n_intermediate};
    for (size_t i = 0; i < r->n_params; i++) {
        snprintf(s->pname[i], sizeof s->pname[i], "%s", r->params[i].name);
        snprintf(s->pdist[i], sizeof s->pdist[i], "%s", r->params[i].dist_json);
        s->pval[i] = r->params[i].internal;
    }
    if (r->n_values)
        memcpy(s->values, r->values, r->n_values * sizeof *r->values);
    if (r->n_intermediate)
        memcpy(s->inter, r->intermediate, r->n_intermediate * sizeof *r->intermediate);
    copy_attrs(s, 0, r->user_attrs, r->n_user_attrs);
    copy_attrs(s, 1, r->system_attrs, r->n_system_attrs);
    return KNOB_OK;
}

static void got_clear(got *g)
{
    free(g->t);
    memset(g, 0, sizeof *g);
}

/* Syncs into a fresh `g`; returns the study's seq. */
static int64_t sync_into(const knob__backend *be, void *h, int64_t study, int64_t since, got *g)
{
    int64_t seq = -1;
    got_clear(g);
    OK(be->sync(h, study, since, collect, g, &seq));
    return seq;
}

/* A sync from seq after writes that changed nothing: no trial, and the same stamp (on
 * PostgreSQL, whose stamps are the server's transaction ids, perhaps a later one). Every
 * backend gives each change once here: the cases write from one handle, and PostgreSQL
 * gives a trial again only when a knob write on the same tables (another worker's) was
 * running beside the sync; other programs' transactions, which the PostgreSQL cases run
 * beside (run_on), do not count. */
static void expect_nothing_new(target *t, int64_t s, int64_t seq)
{
    got g = {0};
    int64_t next = sync_into(t->be, t->h, s, seq, &g);
    if (t->be == &knob__backend_postgres)
        assert_true(next >= seq);
    else
        assert_int_equal(next, seq);
    assert_int_equal(g.n, 0);
    got_clear(&g);
}

static const seen *by_number(const got *g, int64_t number)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->t[i].number == number)
            return &g->t[i];
    return NULL;
}

/* ---------------------------------------------------------------- conformance checks */

static void check_studies(target *t)
{
    const knob__backend *be = t->be;
    knob_direction two[2] = {KNOB_MAXIMIZE, KNOB_MINIMIZE}, *dirs = NULL;
    int64_t a = new_study(t, "alpha", KNOB_MINIMIZE), b = -1, id = -1;
    size_t nd = 0;
    OK(be->create_study(t->h, "beta", two, 2, &b));
    assert_true(a != b);
    CHECK(be->create_study(t->h, "alpha", two, 2, &id), KNOB_EEXIST);
    assert_int_equal(id, a);

    OK(be->find_study(t->h, "beta", &id, &dirs, &nd));
    assert_int_equal(id, b);
    assert_int_equal(nd, 2);
    assert_int_equal(dirs[0], KNOB_MAXIMIZE);
    assert_int_equal(dirs[1], KNOB_MINIMIZE);
    free(dirs);
    CHECK(be->find_study(t->h, "gamma", &id, &dirs, &nd), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "gamma"));

    /* alpha: 0.5 and 0.25 complete, one failed, one running; beta: one waiting. */
    double v[] = {0.5, 0.25};
    for (int i = 0; i < 2; i++)
        OK(be->finish(t->h, a, new_trial(t, a, KNOB_TRIAL_RUNNING, NULL), KNOB_TRIAL_COMPLETE,
                      &v[i], 1));
    OK(be->finish(t->h, a, new_trial(t, a, KNOB_TRIAL_RUNNING, NULL), KNOB_TRIAL_FAIL, NULL, 0));
    new_trial(t, a, KNOB_TRIAL_RUNNING, NULL);
    new_trial(t, b, KNOB_TRIAL_WAITING, NULL);

    knob_study_summary *list = NULL;
    size_t n = 0;
    double before = knob__now();
    OK(be->list_studies(t->h, &list, &n));
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "alpha"); /* oldest first */
    assert_int_equal(list[0].n_objectives, 1);
    assert_int_equal(list[0].directions[0], KNOB_MINIMIZE);
    assert_int_equal(list[0].n_trials, 4);
    assert_int_equal(list[0].n_complete, 2);
    assert_true(list[0].best_value == 0.25);
    assert_true(list[0].created > before - 60 && list[0].created <= before);
    assert_string_equal(list[1].name, "beta");
    assert_int_equal(list[1].n_objectives, 2);
    assert_int_equal(list[1].directions[0], KNOB_MAXIMIZE);
    assert_int_equal(list[1].n_trials, 1);
    assert_int_equal(list[1].n_complete, 0);
    assert_true(isnan(list[1].best_value));
    knob__summaries_free(list, n);

    /* A maximized study's best is its largest value. */
    int64_t c = new_study(t, "gamma", KNOB_MAXIMIZE);
    for (int i = 0; i < 2; i++)
        OK(be->finish(t->h, c, new_trial(t, c, KNOB_TRIAL_RUNNING, NULL), KNOB_TRIAL_COMPLETE,
                      &v[i], 1));
    OK(be->delete_study(t->h, a));
    OK(be->list_studies(t->h, &list, &n));
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "beta");
    assert_string_equal(list[1].name, "gamma");
    assert_true(list[1].best_value == 0.5);
    knob__summaries_free(list, n);

    CHECK(be->find_study(t->h, "alpha", &id, &dirs, &nd), KNOB_ENOTFOUND);
    CHECK(be->delete_study(t->h, a), KNOB_ENOTFOUND);
    /* The name is free again, and the new study starts from trial 0. */
    int64_t a2 = new_study(t, "alpha", KNOB_MAXIMIZE), num = -1;
    assert_true(a2 != a);
    new_trial(t, a2, KNOB_TRIAL_RUNNING, &num);
    assert_int_equal(num, 0);
    OK(be->find_study(t->h, "alpha", &id, &dirs, &nd));
    assert_int_equal(id, a2);
    assert_int_equal(dirs[0], KNOB_MAXIMIZE);
    free(dirs);

    /* Ids are never reused, not even the newest study's: a reader still holding a
     * deleted study's id must not sync another study under it. */
    OK(be->delete_study(t->h, a2));
    int64_t a3 = new_study(t, "alpha", KNOB_MINIMIZE), seq = -1;
    assert_true(a3 != a2);
    CHECK(be->sync(t->h, a2, 0, collect, NULL, &seq), KNOB_ENOTFOUND);
}

typedef struct attr_list {
    int n;
    char keys[8][32], json[8][32];
} attr_list;

static int add_attr(void *ctx, const char *key, const char *json)
{
    attr_list *l = ctx;
    if (l->n == 8)
        return KNOB_EINVAL;
    snprintf(l->keys[l->n], sizeof l->keys[0], "%s", key);
    snprintf(l->json[l->n++], sizeof l->json[0], "%s", json);
    return KNOB_OK;
}

static int stop_attrs(void *ctx, const char *key, const char *json)
{
    ++*(int *)ctx;
    return KNOB_EDONE;
}

static void check_study_attrs(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "attrs", KNOB_MINIMIZE), other = new_study(t, "o", KNOB_MINIMIZE);
    attr_list l = {0};
    OK(be->get_study_attrs(t->h, s, false, add_attr, &l));
    assert_int_equal(l.n, 0);
    OK(be->set_study_attr(t->h, s, false, "lr", "0.1"));
    OK(be->set_study_attr(t->h, s, false, "opt", "\"adam\""));
    OK(be->set_study_attr(t->h, s, true, "grid", "[1,2]"));
    OK(be->set_study_attr(t->h, other, false, "lr", "7"));
    OK(be->set_study_attr(t->h, s, false, "lr", "0.2")); /* replaces */

    OK(be->get_study_attrs(t->h, s, false, add_attr, &l));
    assert_int_equal(l.n, 2);
    for (int i = 0; i < 2; i++) {
        if (strcmp(l.keys[i], "lr") == 0)
            assert_string_equal(l.json[i], "0.2");
        else {
            assert_string_equal(l.keys[i], "opt");
            assert_string_equal(l.json[i], "\"adam\"");
        }
    }
    l.n = 0;
    OK(be->get_study_attrs(t->h, s, true, add_attr, &l));
    assert_int_equal(l.n, 1);
    assert_string_equal(l.keys[0], "grid");
    assert_string_equal(l.json[0], "[1,2]");
    l.n = 0;
    OK(be->get_study_attrs(t->h, other, false, add_attr, &l));
    assert_int_equal(l.n, 1);
    assert_string_equal(l.json[0], "7");

    int calls = 0; /* the callback's status stops the walk and is returned */
    CHECK(be->get_study_attrs(t->h, s, false, stop_attrs, &calls), KNOB_EDONE);
    assert_int_equal(calls, 1);
}

static void check_trial_numbers(target *t)
{
    const knob__backend *be = t->be;
    int64_t s1 = new_study(t, "one", KNOB_MINIMIZE), s2 = new_study(t, "two", KNOB_MINIMIZE);
    int64_t ids[60], id, num;
    for (int i = 0; i < 60; i++) {
        int64_t study = i % 3 == 2 ? s2 : s1;
        knob_trial_state st = i % 4 == 1 ? KNOB_TRIAL_WAITING : KNOB_TRIAL_RUNNING;
        ids[i] = new_trial(t, study, st, &num);
        assert_int_equal(num, study == s1 ? i - i / 3 : i / 3); /* 0, 1, 2 ... per study */
        for (int j = 0; j < i; j++)
            assert_true(ids[j] != ids[i]);
    }
    OK(be->trial_id(t->h, s1, 0, &id));
    assert_int_equal(id, ids[0]);
    OK(be->trial_id(t->h, s2, 0, &id));
    assert_int_equal(id, ids[2]);
    OK(be->trial_id(t->h, s1, 39, &id));
    assert_int_equal(id, ids[58]);
    CHECK(be->trial_id(t->h, s1, 40, &id), KNOB_ENOTFOUND);
    CHECK(be->trial_id(t->h, s2, -1, &id), KNOB_ENOTFOUND);

    got g = {0};
    sync_into(be, t->h, s1, 0, &g);
    assert_int_equal(g.n, 40);
    for (int64_t n = 0; n < 40; n++) {
        const seen *x = by_number(&g, n);
        assert_non_null(x);
        if (x->state == KNOB_TRIAL_WAITING) {
            assert_true(isnan(x->start));
        } else {
            assert_int_equal(x->state, KNOB_TRIAL_RUNNING);
            assert_true(x->start > knob__now() - 60);
        }
        assert_true(isnan(x->end));
    }
    got_clear(&g);
}

/* A trial is created with its system attributes in one step (an enqueued trial is never
 * seen without its fixed params), and never past the cap: at the cap nothing is written,
 * not even a step of the study's seq. */
static void check_create_capped(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "capped", KNOB_MINIMIZE), id, num, seq;
    const knob_attr attrs[3] = {
        {"fixed_params", "{\"x\": 1, \"q\": \"a\\\"b\"}"}, {"retry_of", "7"}, {"retry_count", "1"}};
    OK(be->create_trial(t->h, s, KNOB_TRIAL_WAITING, 3, attrs, 3, &id, &num));
    assert_int_equal(num, 0);
    OK(be->create_trial(t->h, s, KNOB_TRIAL_RUNNING, 3, NULL, 0, &id, &num));
    OK(be->create_trial(t->h, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &num)); /* no cap */
    assert_int_equal(num, 2);
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);
    CHECK(be->create_trial(t->h, s, KNOB_TRIAL_RUNNING, 3, NULL, 0, &id, &num), KNOB_EDONE);
    CHECK(be->create_trial(t->h, s, KNOB_TRIAL_WAITING, 2, attrs, 1, &id, &num), KNOB_EDONE);
    expect_nothing_new(t, s, seq);
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 3);
    const seen *w = by_number(&g, 0);
    assert_int_equal(w->state, KNOB_TRIAL_WAITING);
    assert_int_equal(w->n_attrs[1], 3);
    assert_string_equal(w->akey[1][0], "fixed_params");
    assert_string_equal(w->ajson[1][0], attrs[0].json);
    assert_string_equal(w->akey[1][1], "retry_of");
    assert_string_equal(w->ajson[1][2], "1");
    assert_int_equal(by_number(&g, 1)->n_attrs[1], 0);
    got_clear(&g);
    CHECK(be->create_trial(t->h, s + 1000, KNOB_TRIAL_RUNNING, 3, NULL, 0, &id, &num),
          KNOB_ENOTFOUND);
}

static void check_waiting(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "queue", KNOB_MINIMIZE), id, num, ids[24];
    bool found = true;
    OK(be->pop_waiting(t->h, s, &id, &num, &found));
    assert_false(found);
    /* 24 trials: every third RUNNING, the others WAITING. A waiting trial is not finished
     * (it has no params before it is asked): trial 1 stays in the queue. */
    for (int i = 0; i < 24; i++)
        ids[i] = new_trial(t, s, i % 3 == 0 ? KNOB_TRIAL_RUNNING : KNOB_TRIAL_WAITING, NULL);
    CHECK(be->finish(t->h, s, ids[1], KNOB_TRIAL_FAIL, NULL, 0), KNOB_ESTATE);

    /* Two handles take turns; every waiting trial comes out once, oldest first. */
    void *h2 = second_handle(t);
    int64_t last = -1;
    int popped = 0;
    for (int i = 0;; i++) {
        OK(be->pop_waiting(i % 2 ? h2 : t->h, s, &id, &num, &found));
        if (!found)
            break;
        assert_true(num > last);
        assert_true(num % 3 != 0);
        assert_int_equal(id, ids[num]);
        last = num;
        popped++;
    }
    assert_int_equal(popped, 16);
    OK(be->pop_waiting(h2, s, &id, &num, &found));
    assert_false(found);
    close_second(t, h2);

    got g = {0};
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 24);
    for (size_t i = 0; i < g.n; i++) {
        const seen *x = &g.t[i];
        assert_int_equal(x->state, KNOB_TRIAL_RUNNING);
        assert_true(x->start > 0);
    }
    got_clear(&g);

    /* A trial enqueued later is popped next. */
    new_trial(t, s, KNOB_TRIAL_WAITING, &num);
    assert_int_equal(num, 24);
    OK(be->pop_waiting(t->h, s, &id, &num, &found));
    assert_true(found);
    assert_int_equal(num, 24);
}

static void check_params(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "params", KNOB_MINIMIZE), other = new_study(t, "x", KNOB_MINIMIZE);
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t b = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    OK(be->set_param(t->h, s, a, "lr", "{\"type\":\"float\"}", 0.01));
    OK(be->set_param(t->h, s, a, "depth", "{\"type\":\"int\"}", 7));
    OK(be->set_param(t->h, s, a, "alpha", "{\"type\":\"cat\"}", 2));
    OK(be->set_param(t->h, s, b, "depth", "{\"type\":\"int\"}", 3));
    OK(be->set_param(t->h, s, a, "lr", "{\"type\":\"float2\"}", 0.02)); /* replaces in place */
    /* A trial of another study is not found there. */
    CHECK(be->set_param(t->h, other, a, "lr", "{}", 1), KNOB_ENOTFOUND);

    got g = {0};
    sync_into(be, t->h, s, 0, &g);
    const seen *x = by_number(&g, 0), *y = by_number(&g, 1);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(x->n_params, 3);
    assert_string_equal(x->pname[0], "lr");
    assert_string_equal(x->pdist[0], "{\"type\":\"float2\"}");
    assert_true(x->pval[0] == 0.02);
    assert_string_equal(x->pname[1], "depth");
    assert_true(x->pval[1] == 7);
    assert_string_equal(x->pname[2], "alpha");
    assert_string_equal(x->pdist[2], "{\"type\":\"cat\"}");
    assert_int_equal(y->n_params, 1);
    assert_true(y->pval[0] == 3);
    got_clear(&g);
    sync_into(be, t->h, other, 0, &g);
    assert_int_equal(g.n, 0);
    got_clear(&g);

    /* Several at once: a name the trial has keeps its place and takes the new distribution
     * and value, the others follow in their order; the same write again (as after a lost
     * connection) changes nothing. */
    const knob__param_rec more[3] = {{"gamma", "{\"type\":\"g\"}", 5},
                                     {"depth", "{\"type\":\"int2\"}", 8},
                                     {"beta", "{\"type\":\"b\"}", 6}};
    const char *want[5] = {"lr", "depth", "alpha", "gamma", "beta"};
    const double want_val[5] = {0.02, 8, 2, 5, 6};
    for (int again = 0; again < 2; again++)
        OK(be->set_params ? be->set_params(t->h, s, a, more, 3) : KNOB_OK);
    if (be->set_params) {
        sync_into(be, t->h, s, 0, &g);
        x = by_number(&g, 0);
        assert_int_equal(x->n_params, 5);
        for (int i = 0; i < 5; i++) {
            assert_string_equal(x->pname[i], want[i]);
            assert_true(x->pval[i] == want_val[i]);
        }
        assert_string_equal(x->pdist[1], "{\"type\":\"int2\"}");
        got_clear(&g);
    }
    /* Params with the finish, one of them a name the trial has. */
    if (be->finish_params) {
        const knob__param_rec last[2] = {{"alpha", "{\"type\":\"cat2\"}", 9},
                                         {"delta", "{\"type\":\"d\"}", 4}};
        const knob__param_rec first = {"eps", "{\"type\":\"e\"}", 1};
        double v = 1.5;
        OK(be->finish_params(t->h, s, a, last, 2, KNOB_TRIAL_COMPLETE, &v, 1));
        OK(be->finish_params(t->h, s, b, &first, 1, KNOB_TRIAL_PRUNED, NULL, 0));
        CHECK(be->finish_params(t->h, s, a, &first, 1, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_ESTATE);
        sync_into(be, t->h, s, 0, &g);
        x = by_number(&g, 0);
        y = by_number(&g, 1);
        assert_int_equal(x->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(x->n_values, 1);
        assert_true(x->values[0] == 1.5);
        assert_int_equal(x->n_params, 6);
        assert_string_equal(x->pname[2], "alpha");
        assert_string_equal(x->pdist[2], "{\"type\":\"cat2\"}");
        assert_true(x->pval[2] == 9);
        assert_string_equal(x->pname[5], "delta");
        assert_int_equal(y->state, KNOB_TRIAL_PRUNED);
        assert_int_equal(y->n_params, 2);
        assert_string_equal(y->pname[1], "eps");
        got_clear(&g);
    }
}

static void check_intermediate(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "inter", KNOB_MINIMIZE), seq;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t steps[] = {5, 1, 3, 1, 0, 5, 10};
    double vals[] = {0.5, 0.1, 0.3, 99, 0.0, 98, 1.0};
    for (int i = 0; i < 7; i++)
        OK(be->report(t->h, s, a, steps[i], vals[i]));
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 1);
    const seen *x = &g.t[0];
    assert_int_equal(x->n_inter, 5);
    int64_t want_step[] = {0, 1, 3, 5, 10};
    double want_val[] = {0.0, 0.1, 0.3, 0.5, 1.0}; /* a repeated step kept its first value */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(x->inter[i].step, want_step[i]);
        assert_true(x->inter[i].value == want_val[i]);
    }
    /* A repeated step changes nothing, so a sync from here is empty: the study's seq
     * stays where it was and no trial is delivered. */
    OK(be->report(t->h, s, a, 3, 42));
    expect_nothing_new(t, s, seq);
    /* ...and the stored values are those of before. */
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].n_inter, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(g.t[0].inter[i].step, want_step[i]);
        assert_true(g.t[0].inter[i].value == want_val[i]);
    }
    CHECK(be->report(t->h, s, a + 1000, 1, 1), KNOB_ENOTFOUND);
    /* A finished trial takes no value (a program's record after a tell from outside): but
     * a trial failed for its silent heartbeat, whose worker is alive after all, does. */
    double v = 1;
    OK(be->finish(t->h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    seq = sync_into(be, t->h, s, 0, &g);
    CHECK(be->report(t->h, s, a, 20, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "cannot record a value of trial 0"));
    expect_nothing_new(t, s, seq);
    int64_t b = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    OK(be->finish(t->h, s, b, KNOB_TRIAL_FAIL, NULL, 0));
    CHECK(be->report(t->h, s, b, 1, 1), KNOB_ESTATE);
    OK(be->set_trial_attr(t->h, s, b, true, "fail_cause", "\"worker_lost\"", false));
    OK(be->report(t->h, s, b, 1, 0.5));
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[0].n_inter + g.t[1].n_inter, 6);
    got_clear(&g);
}

/* A finished trial takes no param, and no attribute of a write that needs it unfinished (a
 * handle's, whose trial was told elsewhere): before, both were stored, and a constraint
 * written after the end made a complete best trial infeasible. A RUNNING or WAITING trial,
 * and one failed for its silent heartbeat, take both; a failer's fail_reason is still
 * written after its FAIL. */
static void check_finished_writes(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "finished", KNOB_MINIMIZE), seq;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t w = new_trial(t, s, KNOB_TRIAL_WAITING, NULL);
    knob__param_rec p = {"x", "{\"type\":\"float\",\"low\":0,\"high\":1}", 0.5};
    OK(be->set_trial_attr(t->h, s, a, true, "constraints", "[-1]", true));
    OK(be->set_params(t->h, s, a, &p, 1));
    OK(be->set_trial_attr(t->h, s, w, false, "u", "1", true));
    OK(be->set_param(t->h, s, w, p.name, p.dist_json, 0.25));
    double v = 1;
    OK(be->finish(t->h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);
    knob__param_rec q = {"y", p.dist_json, 0.5};
    CHECK(be->set_trial_attr(t->h, s, a, true, "constraints", "[1]", true), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    CHECK(be->set_trial_attr(t->h, s, a, false, "late", "1", true), KNOB_ESTATE);
    CHECK(be->set_params(t->h, s, a, &q, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    CHECK(be->set_params(t->h, s, a, &p, 1), KNOB_ESTATE);
    CHECK(be->set_param(t->h, s, a, q.name, q.dist_json, 0.5), KNOB_ESTATE);
    CHECK(be->set_trial_attr(t->h, s, a + 1000, false, "k", "1", true), KNOB_ENOTFOUND);
    CHECK(be->set_params(t->h, s, a + 1000, &q, 1), KNOB_ENOTFOUND);
    expect_nothing_new(t, s, seq);
    sync_into(be, t->h, s, 0, &g);
    const seen *x = g.t[0].id == a ? &g.t[0] : &g.t[1];
    assert_int_equal(x->n_params, 1);
    assert_int_equal(x->n_attrs[0], 0);
    assert_int_equal(x->n_attrs[1], 1);
    assert_string_equal(x->ajson[1][0], "[-1]");

    int64_t b = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    OK(be->finish(t->h, s, b, KNOB_TRIAL_FAIL, NULL, 0));
    OK(be->set_trial_attr(t->h, s, b, true, "fail_reason", "\"why\"", false));
    CHECK(be->set_params(t->h, s, b, &p, 1), KNOB_ESTATE);
    OK(be->set_trial_attr(t->h, s, b, true, "fail_cause", KNOB__LOST_JSON, false));
    OK(be->set_params(t->h, s, b, &p, 1));
    OK(be->set_trial_attr(t->h, s, b, false, "u", "1", true));
    got_clear(&g);
}

static void check_trial_attrs(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "tattrs", KNOB_MINIMIZE);
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    OK(be->set_trial_attr(t->h, s, a, false, "note", "\"first\"", false));
    OK(be->set_trial_attr(t->h, s, a, true, "heartbeat", "1.5", false));
    OK(be->set_trial_attr(t->h, s, a, false, "loss", "[1,2]", false));
    OK(be->set_trial_attr(t->h, s, a, false, "note", "\"second\"", false));
    OK(be->set_trial_attr(t->h, s, a, true, "heartbeat", "2.5", false));
    got g = {0};
    sync_into(be, t->h, s, 0, &g);
    const seen *x = by_number(&g, 0), *y = by_number(&g, 1);
    assert_int_equal(x->n_attrs[0], 2);
    assert_string_equal(x->akey[0][0], "note");
    assert_string_equal(x->ajson[0][0], "\"second\"");
    assert_string_equal(x->akey[0][1], "loss");
    assert_string_equal(x->ajson[0][1], "[1,2]");
    assert_int_equal(x->n_attrs[1], 1);
    assert_string_equal(x->akey[1][0], "heartbeat");
    assert_string_equal(x->ajson[1][0], "2.5");
    assert_int_equal(y->n_attrs[0] + y->n_attrs[1], 0);
    got_clear(&g);
}

static void check_finish(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "finish", KNOB_MINIMIZE), seq;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t w = new_trial(t, s, KNOB_TRIAL_WAITING, NULL);
    int64_t p = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    double v[] = {1.5, -2.5}, other = 9;
    double before = knob__now();
    OK(be->finish(t->h, s, a, KNOB_TRIAL_COMPLETE, v, 2));
    OK(be->report(t->h, s, p, 1, 0.75));
    OK(be->finish(t->h, s, p, KNOB_TRIAL_PRUNED, &v[0], 1));
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);

    /* Finishing again is refused and changes nothing. */
    CHECK(be->finish(t->h, s, a, KNOB_TRIAL_FAIL, &other, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already"));
    assert_non_null(strstr(knob_errmsg(), "finish"));
    /* So is finishing a WAITING trial, in any state: enqueued, it has no params before it
     * is asked (a COMPLETE one would hold a value for params it never had). */
    CHECK(be->finish(t->h, s, w, KNOB_TRIAL_COMPLETE, &other, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "waiting"));
    CHECK(be->finish(t->h, s, w, KNOB_TRIAL_FAIL, NULL, 0), KNOB_ESTATE);
    CHECK(be->finish(t->h, s, w, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_ESTATE);
    CHECK(be->finish(t->h, s, p, KNOB_TRIAL_COMPLETE, &other, 1), KNOB_ESTATE);
    CHECK(be->finish(t->h, s, p + 1000, KNOB_TRIAL_COMPLETE, &other, 1), KNOB_ENOTFOUND);
    expect_nothing_new(t, s, seq);

    const seen *x = by_number(&g, 0), *y = by_number(&g, 1), *z = by_number(&g, 2);
    assert_int_equal(x->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(x->n_values, 2);
    assert_true(x->values[0] == 1.5 && x->values[1] == -2.5);
    assert_true(x->end >= before - 1 && x->end >= x->start);
    assert_int_equal(y->state, KNOB_TRIAL_WAITING);
    assert_int_equal(y->n_values, 0);
    assert_true(isnan(y->end));
    assert_int_equal(z->state, KNOB_TRIAL_PRUNED);
    assert_int_equal(z->n_values, 1);
    assert_int_equal(z->n_inter, 1);
    got_clear(&g);
}

static void check_claim(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "claims", KNOB_MINIMIZE), other = new_study(t, "c2", KNOB_MINIMIZE);
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t b = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
    bool won = false;
    void *h2 = second_handle(t);
    OK(be->claim(t->h, s, "grid:3", a, &won));
    assert_true(won);
    OK(be->claim(h2, s, "grid:3", b, &won));
    assert_false(won);
    OK(be->claim(t->h, s, "grid:3", a, &won)); /* even the winner, asking again */
    assert_false(won);
    OK(be->claim(h2, s, "grid:4", b, &won));
    assert_true(won);
    OK(be->claim(t->h, other, "grid:3", -1, &won)); /* keys are per study */
    assert_true(won);
    close_second(t, h2);
}

/* create_claimed: the trial, its attributes and the claim in one step; a lost or failed
 * creation writes nothing (no trial, no number, no claim). */
static void check_create_claimed(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "claimed", KNOB_MINIMIZE), id = -1, num = -1, id2, num2, seq;
    const knob_attr attrs[2] = {{"pbt", "{\"member\": 1}"}, {"heartbeat", "12.5"}};
    bool won = false;
    void *h2 = second_handle(t);
    OK(be->create_claimed(t->h, s, 0, "pbt:1:0:0", attrs, 2, &won, &id, &num));
    assert_true(won);
    assert_int_equal(num, 0);
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 1);
    const seen *w = by_number(&g, 0);
    assert_int_equal(w->id, id);
    assert_int_equal(w->state, KNOB_TRIAL_RUNNING);
    assert_false(isnan(w->start));
    assert_int_equal(w->n_attrs[1], 2);
    assert_string_equal(w->akey[1][0], "pbt");
    assert_string_equal(w->ajson[1][0], attrs[0].json);
    assert_string_equal(w->ajson[1][1], "12.5");
    /* the key is taken: another handle, and the winner again, lose and write nothing */
    won = true;
    OK(be->create_claimed(h2, s, 0, "pbt:1:0:0", attrs, 2, &won, &id2, &num2));
    assert_false(won);
    OK(be->create_claimed(t->h, s, 0, "pbt:1:0:0", NULL, 0, &won, &id2, &num2));
    assert_false(won);
    expect_nothing_new(t, s, seq); /* no trial changed */
    /* one key space with claim */
    OK(be->claim(h2, s, "pbt:1:0:0", -1, &won));
    assert_false(won);
    OK(be->claim(h2, s, "grid:1", -1, &won));
    assert_true(won);
    OK(be->create_claimed(t->h, s, 0, "grid:1", NULL, 0, &won, &id2, &num2));
    assert_false(won);
    /* no number was used by the losers */
    OK(be->create_claimed(h2, s, 0, "pbt:1:1:0", NULL, 0, &won, &id2, &num2));
    assert_true(won);
    assert_int_equal(num2, 1);
    /* at the cap: KNOB_EDONE, and the key stays free */
    CHECK(be->create_claimed(t->h, s, 2, "pbt:0:0:0", attrs, 2, &won, &id2, &num2), KNOB_EDONE);
    assert_false(won);
    OK(be->claim(t->h, s, "pbt:0:0:0", -1, &won));
    assert_true(won);
    CHECK(be->create_claimed(t->h, s + 1000, 0, "pbt:9:0:0", NULL, 0, &won, &id2, &num2),
          KNOB_ENOTFOUND);
    assert_false(won);
    got_clear(&g);
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 2);
    got_clear(&g);
    close_second(t, h2);
}

static void check_sync(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "sync", KNOB_MINIMIZE), other = new_study(t, "o", KNOB_MINIMIZE);
    int64_t ids[10], seq0, seq1, seq2, seq3;
    got g = {0};
    seq0 = sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 0);
    for (int i = 0; i < 10; i++) {
        ids[i] = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
        OK(be->set_param(t->h, s, ids[i], "x", "{}", i));
    }
    new_trial(t, other, KNOB_TRIAL_RUNNING, NULL); /* other studies never show */

    seq1 = sync_into(be, t->h, s, 0, &g);
    assert_true(seq1 > seq0);
    assert_int_equal(g.n, 10);
    for (int i = 0; i < 10; i++) {
        const seen *x = by_number(&g, i);
        assert_non_null(x);
        assert_int_equal(x->id, ids[i]);
        assert_int_equal(x->n_params, 1);
        assert_true(x->pval[0] == i);
        assert_true(x->seq > seq0); /* a first read has the stamps too */
        assert_true(x->seq <= seq1);
    }
    expect_nothing_new(t, s, seq1); /* up to date: nothing */

    /* Each kind of write delivers just the trial it changed, whole. */
    double v = 3;
    OK(be->report(t->h, s, ids[4], 1, 0.5));
    seq2 = sync_into(be, t->h, s, seq1, &g);
    assert_true(seq2 > seq1);
    assert_int_equal(g.n, 1);
    assert_non_null(by_number(&g, 4));
    assert_int_equal(by_number(&g, 4)->n_params, 1);
    assert_int_equal(by_number(&g, 4)->n_inter, 1);
    /* The trial's stamp is the write's: past what was read before, not past the study's. */
    assert_true(by_number(&g, 4)->seq > seq1);
    assert_true(by_number(&g, 4)->seq <= seq2);
    OK(be->set_trial_attr(t->h, s, ids[7], false, "k", "1", false));
    OK(be->finish(t->h, s, ids[2], KNOB_TRIAL_COMPLETE, &v, 1));
    seq3 = sync_into(be, t->h, s, seq2, &g);
    assert_true(seq3 > seq2);
    assert_int_equal(g.n, 2);
    assert_non_null(by_number(&g, 7));
    assert_int_equal(by_number(&g, 2)->state, KNOB_TRIAL_COMPLETE);
    assert_true(by_number(&g, 2)->values[0] == 3);
    assert_true(by_number(&g, 7)->seq > seq2 && by_number(&g, 7)->seq < by_number(&g, 2)->seq);
    assert_true(by_number(&g, 2)->seq <= seq3);
    /* From an older seq: everything changed since then. */
    sync_into(be, t->h, s, seq1, &g);
    assert_int_equal(g.n, 3);
    assert_true(by_number(&g, 4) && by_number(&g, 7) && by_number(&g, 2));
    /* Touching the same trial again moves it past the others. */
    OK(be->set_param(t->h, s, ids[4], "y", "{}", 1));
    OK(be->set_param(t->h, s, ids[0], "y", "{}", 1));
    int64_t seq4 = sync_into(be, t->h, s, seq3, &g);
    assert_true(seq4 > seq3);
    assert_int_equal(g.n, 2);
    assert_non_null(by_number(&g, 4));
    assert_non_null(by_number(&g, 0));
    assert_int_equal(by_number(&g, 4)->n_inter, 1);

    /* The callback's status stops the sync and is returned. */
    int64_t seq = -1;
    got_clear(&g);
    g.stop_after = 3;
    CHECK(be->sync(t->h, s, 0, collect, &g, &seq), KNOB_EDONE);
    assert_int_equal(g.n, 3);
    got_clear(&g);
}

static void check_delete_then_sync(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "doomed", KNOB_MINIMIZE), keep = new_study(t, "kept", KNOB_MINIMIZE);
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL), k = -1, id;
    bool won;
    double v = 1;
    OK(be->set_param(t->h, s, a, "x", "{}", 1));
    OK(be->report(t->h, s, a, 0, 1));
    OK(be->set_trial_attr(t->h, s, a, true, "a", "1", false));
    OK(be->finish(t->h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    OK(be->set_study_attr(t->h, s, false, "a", "1"));
    OK(be->claim(t->h, s, "key", a, &won));
    k = new_trial(t, keep, KNOB_TRIAL_RUNNING, NULL);
    got g = {0};
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, 1);

    OK(be->delete_study(t->h, s));
    int64_t seq = -1;
    CHECK(be->sync(t->h, s, 0, collect, &g, &seq), KNOB_ENOTFOUND);
    CHECK(be->create_trial(t->h, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &seq), KNOB_ENOTFOUND);
    CHECK(be->set_param(t->h, s, a, "x", "{}", 1), KNOB_ENOTFOUND);
    CHECK(be->trial_id(t->h, s, 0, &id), KNOB_ENOTFOUND);
    sync_into(be, t->h, keep, 0, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].id, k);

    /* A study of the same name starts empty: no trials, attributes or claims. */
    int64_t s2 = new_study(t, "doomed", KNOB_MINIMIZE);
    attr_list l = {0};
    sync_into(be, t->h, s2, 0, &g);
    assert_int_equal(g.n, 0);
    OK(be->get_study_attrs(t->h, s2, false, add_attr, &l));
    assert_int_equal(l.n, 0);
    OK(be->claim(t->h, s2, "key", -1, &won));
    assert_true(won);
    got_clear(&g);
}

static void check_unknown_ids(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "u", KNOB_MINIMIZE), id, num, seq;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL), missing = s + 1000;
    bool found;
    double v = 1;
    CHECK(be->create_trial(t->h, missing, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &num),
          KNOB_ENOTFOUND);
    CHECK(be->pop_waiting(t->h, missing, &id, &num, &found), KNOB_ENOTFOUND);
    CHECK(be->sync(t->h, missing, 0, collect, NULL, &seq), KNOB_ENOTFOUND);
    CHECK(be->delete_study(t->h, missing), KNOB_ENOTFOUND);
    CHECK(be->set_study_attr(t->h, missing, false, "k", "1"), KNOB_ENOTFOUND);
    CHECK(be->get_study_attrs(t->h, missing, false, add_attr, NULL), KNOB_ENOTFOUND);
    CHECK(be->set_param(t->h, s, a + 1000, "x", "{}", 1), KNOB_ENOTFOUND);
    CHECK(be->set_trial_attr(t->h, s, a + 1000, false, "k", "1", false), KNOB_ENOTFOUND);
    CHECK(be->finish(t->h, s, a + 1000, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_ENOTFOUND);
    if (t->path[0])
        assert_non_null(strstr(knob_errmsg(), t->path));
}

/* Sync stays incremental at scale: after one write, one trial, however many exist; on
 * PostgreSQL also beside another program's transaction open since before the study began
 * (run_on), which had made every sync read again all 3,000 trials written since it began. */
static void check_sync_scale(target *t)
{
    const knob__backend *be = t->be;
    enum { N = 3000, ROUNDS = 200 };
    int64_t s = new_study(t, "scale", KNOB_MINIMIZE), seq;
    int64_t *ids = malloc(N * sizeof *ids);
    double v = 1;
    assert_non_null(ids);
    for (int i = 0; i < N; i++) {
        ids[i] = new_trial(t, s, KNOB_TRIAL_RUNNING, NULL);
        OK(be->set_param(t->h, s, ids[i], "x", "{}", i));
        OK(be->finish(t->h, s, ids[i], KNOB_TRIAL_COMPLETE, &v, 1));
    }
    got g = {0};
    seq = sync_into(be, t->h, s, 0, &g);
    assert_int_equal(g.n, N);
    for (int r = 0; r < ROUNDS; r++) {
        int i = (r * 7919) % N;
        OK(be->set_trial_attr(t->h, s, ids[i], false, "round", "1", false));
        int64_t next = sync_into(be, t->h, s, seq, &g);
        assert_true(next > seq);
        assert_int_equal(g.n, 1);
        assert_int_equal(g.t[0].number, i);
        assert_int_equal(g.t[0].n_params, 1);
        assert_int_equal(g.t[0].n_values, 1);
        seq = next;
    }
    expect_nothing_new(t, s, seq);
    got_clear(&g);
    free(ids);
}

/* Constraints through the public API: written as the system attribute "constraints",
 * read back whole by a second handle, and only feasible trials count as the best. */
static void tell_one(knob_study *s, const double *cons, size_t n_cons, double value)
{
    knob_trial *tr;
    double x;
    OK(knob_study_ask(s, &tr));
    OK(knob_trial_suggest_float(tr, "x", 0, 10, 0, 0, &x));
    if (n_cons)
        OK(knob_trial_set_constraints(tr, cons, n_cons));
    OK(knob_study_tell(s, tr, KNOB_TRIAL_COMPLETE, &value, 1));
}

static void check_constraint_readback(knob_storage *st)
{
    knob_study *s;
    const knob_trial_info *const *all;
    const knob_trial_info *best;
    size_t n;
    OK(knob_study_load(st, "c", NULL, &s));
    OK(knob_study_trials(s, &all, &n));
    assert_int_equal(n, 3);
    assert_int_equal(all[0]->n_constraints, 2);
    assert_true(all[0]->constraints[0] == -1.5 && all[0]->constraints[1] == 0);
    assert_true(knob_trial_info_feasible(all[0]));
    assert_int_equal(all[1]->n_constraints, 2);
    assert_true(all[1]->constraints[0] == 0.1 && all[1]->constraints[1] == -3);
    assert_false(knob_trial_info_feasible(all[1]));
    assert_int_equal(all[2]->n_constraints, 0);
    assert_null(all[2]->constraints);
    assert_true(knob_trial_info_feasible(all[2]));
    assert_non_null(knob_trial_info_attr(all[1], "constraints", true));
    OK(knob_study_best_trial(s, &best));
    assert_int_equal(best->number, 0); /* trial 1 is better (1 < 5) but infeasible */
    knob_study_free(s);
}

static void check_constraints(target *t)
{
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open(t->url, &st));
    OK(knob_study_create(st, "c", NULL, &s));
    const double feasible[2] = {-1.5, 0}, violated[2] = {0.1, -3};
    tell_one(s, feasible, 2, 5);
    tell_one(s, violated, 2, 1);

    /* Refused, naming the index or the count, and nothing written. */
    knob_trial *tr;
    OK(knob_study_ask(s, &tr));
    const double with_nan[2] = {-1, NAN}, one[1] = {-1};
    CHECK(knob_trial_set_constraints(tr, with_nan, 2), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "constraint 1 is nan"));
    CHECK(knob_trial_set_constraints(tr, one, 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "earlier trials have 2"));
    CHECK(knob_trial_set_constraints(tr, one, 0), KNOB_EINVAL);
    CHECK(knob_trial_set_constraints(NULL, one, 1), KNOB_EINVAL);
    assert_null(knob_trial_system_attr(tr, "constraints"));
    double v = 9;
    OK(knob_study_tell(s, tr, KNOB_TRIAL_COMPLETE, &v, 1));

    double best;
    OK(knob_study_best_value(s, &best));
    assert_true(best == 5);
    const knob_study_summary *sum;
    size_t n;
    OK(knob_storage_studies(st, &sum, &n));
    assert_int_equal(n, 1);
    assert_true(sum[0].best_value == 5);
    check_constraint_readback(st);
    knob_study_free(s);

    /* A study whose every complete trial is infeasible says so. */
    OK(knob_study_create(st, "none", NULL, &s));
    tell_one(s, violated, 2, 1);
    CHECK(knob_study_best_value(s, &best), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "no feasible trial"));
    OK(knob_storage_studies(st, &sum, &n));
    assert_true(isnan(sum[1].best_value));
    knob_study_free(s);

    /* The Pareto front of two objectives leaves infeasible trials out. */
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    OK(knob_study_create(st, "mo", &o, &s));
    const double pts[3][2] = {{0, 0}, {1, 2}, {2, 1}};
    for (int i = 0; i < 3; i++) {
        OK(knob_study_ask(s, &tr));
        OK(knob_trial_set_constraints(tr, i == 0 ? violated : feasible, 2));
        OK(knob_study_tell(s, tr, KNOB_TRIAL_COMPLETE, pts[i], 2));
    }
    const knob_trial_info *const *front;
    OK(knob_study_best_trials(s, &front, &n));
    assert_int_equal(n, 2);
    assert_int_equal(front[0]->number, 1);
    assert_int_equal(front[1]->number, 2);
    knob_study_free(s);
    OK(knob_study_create(st, "mo_none", &o, &s));
    OK(knob_study_ask(s, &tr));
    OK(knob_trial_set_constraints(tr, violated, 2));
    OK(knob_study_tell(s, tr, KNOB_TRIAL_COMPLETE, pts[0], 2));
    CHECK(knob_study_best_trials(s, &front, &n), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "no feasible trial"));
    knob_study_free(s);
    knob_storage_close(st);

    /* Another handle reads them back from the storage itself. */
    if (t->path[0] || t->be == &knob__backend_postgres) {
        OK(knob_storage_open(t->url, &st));
        check_constraint_readback(st);
        knob_storage_close(st);
    }
}

/* The study's trials as another handle on the storage reads them: n, and complete ones. */
static void count_elsewhere(knob_storage *other, int64_t *n, int64_t *complete)
{
    const knob_study_summary *sum;
    size_t k;
    OK(knob_storage_studies(other, &sum, &k));
    assert_int_equal(k, 1);
    *n = sum[0].n_trials;
    *complete = sum[0].n_complete;
}

/* knob_storage_batch_begin/_end: the batch's writes are read back through its handle at
 * once, each write still succeeds or fails alone, and after the end another handle reads
 * every write that succeeded. SQLite shows another handle none of them before the end;
 * memory and PostgreSQL write at once. */
static void check_batch(target *t)
{
    knob_storage *st, *other = NULL;
    knob_study *s;
    knob_trial *a, *b, *c;
    double one = 1, two = 2, x = -1;
    int64_t n, complete;
    OK(knob_storage_open(t->url, &st));
    OK(knob_study_create(st, "batch", NULL, &s));
    CHECK(knob_storage_batch_begin(NULL), KNOB_EINVAL);
    CHECK(knob_storage_batch_end(NULL), KNOB_EINVAL);
    CHECK(knob_storage_batch_end(st), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "no batch"));
    OK(knob_study_ask(s, &a));
    OK(knob_study_ask(s, &b));
    OK(knob_study_tell(s, a, KNOB_TRIAL_COMPLETE, &one, 1));
    if (t->path[0] || t->be == &knob__backend_postgres)
        OK(knob_storage_open(t->url, &other));

    OK(knob_storage_batch_begin(st));
    CHECK(knob_storage_batch_begin(st), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already open"));
    OK(knob_study_ask(s, &c));
    OK(knob_trial_suggest_float(c, "x", 0, 1, 0, 0, &x));
    OK(knob_trial_report(b, 3, 0.5));
    /* A write that fails in the batch changes nothing, and leaves the others be. */
    CHECK(knob_study_tell_number(s, 0, KNOB_TRIAL_FAIL, NULL, 0, "again"), KNOB_ESTATE);
    OK(knob_study_tell(s, b, KNOB_TRIAL_COMPLETE, &two, 1));
    OK(knob_trial_set_user_attr(c, "u", "7"));
    const knob_trial_info *const *tr;
    size_t k;
    OK(knob_study_trials(s, &tr, &k));
    assert_int_equal(k, 3);
    assert_int_equal(tr[1]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(tr[2]->state, KNOB_TRIAL_RUNNING);
    if (other) {
        count_elsewhere(other, &n, &complete);
        bool at_once = t->be == &knob__backend_postgres;
        assert_int_equal(n, at_once ? 3 : 2);
        assert_int_equal(complete, at_once ? 2 : 1);
    }
    OK(knob_storage_batch_end(st));
    CHECK(knob_storage_batch_end(st), KNOB_ESTATE);
    knob_trial_detach(c);
    knob_study_free(s);
    knob_storage_close(st);

    /* What was written, read again: from the storage itself where it outlives st. */
    knob_storage *back = other;
    if (!back)
        return;
    count_elsewhere(back, &n, &complete);
    assert_int_equal(n, 3);
    assert_int_equal(complete, 2);
    OK(knob_study_load(back, "batch", NULL, &s));
    OK(knob_study_trials(s, &tr, &k));
    assert_int_equal(k, 3);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_true(tr[0]->values[0] == 1);
    assert_null(knob_trial_info_attr(tr[0], "fail_reason", true));
    assert_int_equal(tr[1]->state, KNOB_TRIAL_COMPLETE);
    assert_true(tr[1]->values[0] == 2);
    assert_int_equal(tr[1]->n_intermediate, 1);
    assert_true(tr[1]->intermediate[0].step == 3 && tr[1]->intermediate[0].value == 0.5);
    assert_int_equal(tr[2]->state, KNOB_TRIAL_RUNNING);
    assert_non_null(knob_trial_info_param(tr[2], "x"));
    assert_true(knob_trial_info_param(tr[2], "x")->internal == x);
    assert_string_equal(knob_trial_info_attr(tr[2], "u", false), "7");
    knob_study_free(s);
    knob_storage_close(back);
}

/* ---------------------------------------------------------------- awkward params */

static void dump_params(knobx_buf *b, const knob__param_rec *p, size_t n)
{
    uint64_t u;
    for (size_t i = 0; i < n; i++) {
        memcpy(&u, &p[i].internal, sizeof u);
        knobx_buf_printf(b, "[%s] [%s] %016llx\n", p[i].name, p[i].dist_json,
                         (unsigned long long)u);
    }
}

static void dump_values(knobx_buf *b, const double *v, size_t n)
{
    uint64_t u;
    for (size_t i = 0; i < n; i++) {
        memcpy(&u, &v[i], sizeof u);
        knobx_buf_printf(b, "= %016llx\n", (unsigned long long)u);
    }
}

/* Every delivered trial as text, into ctx's buffer of its number (an array of 6): number,
 * state, each param (name, distribution, the bits of its internal value), each value's bits;
 * sync delivers in any order. */
static int dump_trial(void *ctx, const knob__trial_rec *r)
{
    if (r->number < 0 || r->number >= 6)
        return knob__error(KNOB_EINVAL, "trial %lld is not the test's", (long long)r->number);
    knobx_buf *b = (knobx_buf *)ctx + r->number;
    knobx_buf_printf(b, "#%lld %d\n", (long long)r->number, (int)r->state);
    dump_params(b, r->params, r->n_params);
    dump_values(b, r->values, r->n_values);
    return KNOB_OK;
}

/* The study's trials 0-5 as dump_trial writes them, in order of number, into out. */
static void dump_study(target *t, int64_t s, knobx_buf *out)
{
    knobx_buf by_number[6] = {{0}};
    int64_t seq;
    OK(t->be->sync(t->h, s, 0, dump_trial, by_number, &seq));
    for (int i = 0; i < 6; i++) {
        knobx_buf_puts(out, knobx_buf_cstr(&by_number[i]));
        knobx_buf_free(&by_number[i]);
    }
}

static void check_awkward_params(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "awkward", KNOB_MINIMIZE), n0, n1, n2;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, &n0);
    int64_t b = new_trial(t, s, KNOB_TRIAL_RUNNING, &n1);
    int64_t c = new_trial(t, s, KNOB_TRIAL_RUNNING, &n2);
    static const knob__param_rec first[] = {
        {"NULL", "{\"choices\":[\"NULL\",null]}", -0.0},
        {"", "{}", 4.9406564584124654e-324},
        {" sp ace ", "{\"a\": \" x \"}", 1e308},
        {"quo\"te", "{\"q\":\"\\\"\"}", -1.7976931348623157e308},
        {"back\\slash\\", "{\"b\":\"\\\\\"}", 2.2250738585072009e-308},
        {"co,mma{br}ace", "{\"c\":[1,2,{}]}", 0.1},
        {"null", "null", 3},
        {"\xc3\xbcn\xc3\xaf \xe2\x9c\x93", "{\"u\":\"\xe2\x9c\x93\"}", 1.0 / 3},
        {"tab\tnl\n", "{\"t\":\"\\t\"}", -4.9406564584124654e-324},
    };
    size_t nf = sizeof first / sizeof *first;
    OK(be->set_params(t->h, s, a, first, nf));
    /* Again, some of them, with new values: the merge */
    static const knob__param_rec again[] = {
        {"quo\"te", "{\"q2\":\"\\\"\"}", 7},
        {"NULL", "{\"N\":1}", 8},
        {"new,\"one\"", "{\"n\":\"{}\"}", 9},
    };
    OK(be->set_params(t->h, s, a, again, 3));
    double vals[] = {-0.0, 4.9406564584124654e-324, 1e308, -1e308, 0.1, INFINITY, -INFINITY};
    if (be->finish_params) {
        OK(be->finish_params(t->h, s, b, first, nf, KNOB_TRIAL_COMPLETE, vals, 7));
        OK(be->finish_params(t->h, s, c, first, 2, KNOB_TRIAL_COMPLETE, vals, 1));
    }
    knobx_buf out = {0}, want = {0};
    dump_study(t, s, &out);
    knob__param_rec merged[10];
    memcpy(merged, first, sizeof first);
    merged[3] = again[0];
    merged[0] = again[1];
    merged[9] = again[2];
    knobx_buf_printf(&want, "#%lld 0\n", (long long)n0);
    dump_params(&want, merged, 10);
    if (be->finish_params) {
        knobx_buf_printf(&want, "#%lld 1\n", (long long)n1);
        dump_params(&want, first, nf);
        dump_values(&want, vals, 7);
        knobx_buf_printf(&want, "#%lld 1\n", (long long)n2);
        dump_params(&want, first, 2);
        dump_values(&want, vals, 1);
    } else {
        knobx_buf_printf(&want, "#%lld 0\n#%lld 0\n", (long long)n1, (long long)n2);
    }
    assert_string_equal(knobx_buf_cstr(&out), knobx_buf_cstr(&want));
    knobx_buf_free(&out);
    knobx_buf_free(&want);
}

/* A trial's params as the contract says they are: set in order, a name set again keeps its
 * place and takes the new distribution and value. */
typedef struct model_trial {
    int64_t id, number;
    bool finished;
    size_t n;
    int name[16];
    char dist[16][40];
    double internal[16];
    size_t n_values;
    double values[3];
} model_trial;

static void model_set(model_trial *m, const knob__param_rec *p, size_t n, const int *which)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < m->n && m->name[j] != which[i])
            j++;
        if (j == m->n)
            m->name[m->n++] = which[i];
        snprintf(m->dist[j], sizeof m->dist[j], "%s", p[i].dist_json);
        m->internal[j] = p[i].internal;
    }
}

/* Random writes of params (new names, names a trial has, both), finishes with params,
 * finishes refused, over trials of two studies: every trial reads as the model says, bit
 * for bit. */
static void check_params_sequence(target *t)
{
    static const char *const names[12] = {"NULL",    "",     "a,b", "{x}",
                                          "q\"uote", "b\\s", " s ", "\xe2\x9c\x93",
                                          "null",    "n",    "nn",  "x y"};
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "seq", KNOB_MINIMIZE), other = new_study(t, "seq2", KNOB_MINIMIZE);
    model_trial m[6] = {{0}};
    for (int i = 0; i < 6; i++)
        m[i].id = new_trial(t, s, KNOB_TRIAL_RUNNING, &m[i].number);
    uint64_t r = 88172645463325252u;
    for (int op = 0; op < 300; op++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        model_trial *x = &m[r % 6];
        size_t n = 1 + (r >> 8) % 5;
        knob__param_rec p[5];
        int which[5];
        char dist[5][40];
        for (size_t i = 0; i < n; i++) {
            bool dup;
            do { /* distinct names in one write, as the core writes them */
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                which[i] = (int)(r % 12);
                dup = false;
                for (size_t k = 0; k < i; k++)
                    dup = dup || which[k] == which[i];
            } while (dup);
            snprintf(dist[i], sizeof dist[i], "{\"op\":%d,\"s\":\"\\\"%zu\"}", op, i);
            p[i] = (knob__param_rec){names[which[i]], dist[i], (double)op + 1.0 / (double)(i + 3)};
        }
        int what = (int)((r >> 20) % 8);
        if (what == 0 && be->finish_params) {
            double v[2] = {-(double)op, 1.0 / (op + 1)};
            int rc = be->finish_params(t->h, s, x->id, p, n, KNOB_TRIAL_COMPLETE, v, 2);
            if (x->finished) {
                CHECK(rc, KNOB_ESTATE);
            } else {
                OK(rc);
                model_set(x, p, n, which);
                x->finished = true;
                x->n_values = 2;
                memcpy(x->values, v, sizeof v);
            }
        } else if (what == 1) {
            /* a finished trial takes no param (check_finished_writes) */
            CHECK(be->set_param(t->h, s, x->id, p[0].name, p[0].dist_json, p[0].internal),
                  x->finished ? KNOB_ESTATE : KNOB_OK);
            if (!x->finished)
                model_set(x, p, 1, which);
        } else if (what == 2) {
            CHECK(be->set_params(t->h, other, x->id, p, n), KNOB_ENOTFOUND);
        } else {
            CHECK(be->set_params(t->h, s, x->id, p, n), x->finished ? KNOB_ESTATE : KNOB_OK);
            if (!x->finished)
                model_set(x, p, n, which);
        }
    }
    knobx_buf out = {0}, want = {0};
    dump_study(t, s, &out);
    for (int i = 0; i < 6; i++) {
        knobx_buf_printf(&want, "#%lld %d\n", (long long)m[i].number, m[i].finished ? 1 : 0);
        for (size_t j = 0; j < m[i].n; j++) {
            knob__param_rec q = {names[m[i].name[j]], m[i].dist[j], m[i].internal[j]};
            dump_params(&want, &q, 1);
        }
        dump_values(&want, m[i].values, m[i].n_values);
    }
    assert_string_equal(knobx_buf_cstr(&out), knobx_buf_cstr(&want));
    knobx_buf_free(&out);
    knobx_buf_free(&want);
}

/* Hundreds of params on one trial, with long distributions (on PostgreSQL, arrays stored out
 * of the row), written in three overlapping writes, the last with the finish, and many
 * objectives: the trial reads as written, each name once, in the order first set. */
static void check_wide_params(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "wide", KNOB_MINIMIZE), n0;
    int64_t a = new_trial(t, s, KNOB_TRIAL_RUNNING, &n0);
    enum { N = 500, W = 300 };
    static char names[N][16], dists[3][N][320];
    knob__param_rec w[3][W];
    const int from[3] = {0, 150, 440}, count[3] = {300, 300, 60};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < count[k]; i++) {
            int j = from[k] + i;
            snprintf(names[j], sizeof names[j], "p,\"%d\"", j);
            snprintf(dists[k][j], sizeof dists[k][j], "{\"w\":%d,\"pad\":\"%0290d\"}", k, j);
            w[k][i] = (knob__param_rec){names[j], dists[k][j], j + k / 8.0};
        }
    double v[40];
    for (int i = 0; i < 40; i++)
        v[i] = (i % 2 ? -1.0 : 1.0) * i / 7.0;
    OK(be->set_params(t->h, s, a, w[0], (size_t)count[0]));
    OK(be->set_params(t->h, s, a, w[1], (size_t)count[1]));
    if (be->finish_params)
        OK(be->finish_params(t->h, s, a, w[2], (size_t)count[2], KNOB_TRIAL_COMPLETE, v, 40));
    else {
        OK(be->set_params(t->h, s, a, w[2], (size_t)count[2]));
        OK(be->finish(t->h, s, a, KNOB_TRIAL_COMPLETE, v, 40));
    }
    knobx_buf by_number[6] = {{0}}, want = {0};
    int64_t seq;
    OK(be->sync(t->h, s, 0, dump_trial, by_number, &seq));
    knobx_buf_printf(&want, "#%lld 1\n", (long long)n0);
    for (int j = 0; j < N; j++) {
        int k = j >= from[2] ? 2 : j >= from[1] ? 1 : 0;
        knob__param_rec p = {names[j], dists[k][j], j + k / 8.0};
        dump_params(&want, &p, 1);
    }
    dump_values(&want, v, 40);
    assert_string_equal(knobx_buf_cstr(&by_number[n0]), knobx_buf_cstr(&want));
    for (int i = 0; i < 6; i++)
        knobx_buf_free(&by_number[i]);
    knobx_buf_free(&want);
}

/* A trial taken from the queue and written to (as a failed ask writes) is put back as it was
 * taken: WAITING, with no start time, its rows those given; only while it is RUNNING from that
 * take (its start time), so a second put back, or one of a trial finished since, changes
 * nothing. It is the oldest waiting trial again. */
static void check_requeue(target *t)
{
    const knob__backend *be = t->be;
    int64_t s = new_study(t, "requeue", KNOB_MINIMIZE), a, b, num, id;
    const knob__param_rec p[1] = {{"x", "{\"type\":\"float\",\"low\":0,\"high\":1}", 0.5}};
    const knob_step_value inter[1] = {{2, 0.25}};
    const knob_attr user[1] = {{"u", "1"}}, sys[1] = {{"fixed_params", "{\"x\":0.5}"}};
    const knob__waiting_rec w = {.params = p,
                                 .n_params = 1,
                                 .intermediate = inter,
                                 .n_intermediate = 1,
                                 .user_attrs = user,
                                 .n_user_attrs = 1,
                                 .system_attrs = sys,
                                 .n_system_attrs = 1};
    OK(be->create_waiting(t->h, s, 0, &w, &a, &num));
    OK(be->create_waiting(t->h, s, 0, &w, &b, &num));
    bool found = false;
    OK(be->pop_waiting(t->h, s, &id, &num, &found));
    assert_true(found && id == a && num == 0);
    got g = {0};
    sync_into(be, t->h, s, 0, &g);
    double start = by_number(&g, 0)->start;
    assert_true(start > 0);
    OK(be->set_trial_attr(t->h, s, a, true, "heartbeat", "1.5", true));
    OK(be->set_trial_attr(t->h, s, a, false, "u", "2", true));
    OK(be->set_trial_attr(t->h, s, a, true, "fixed_params", "{}", true));
    OK(be->set_param(t->h, s, a, "y", p[0].dist_json, 0.75));
    OK(be->report(t->h, s, a, 9, 3.0));

    CHECK(be->requeue(t->h, s, a, start + 1, &w), KNOB_ESTATE); /* not this take */
    CHECK(be->requeue(t->h, s, b, NAN, &w), KNOB_ESTATE);       /* waiting */
    CHECK(be->requeue(t->h, s, a + b + 1000, start, &w), KNOB_ENOTFOUND);
    sync_into(be, t->h, s, 0, &g);
    assert_int_equal(by_number(&g, 0)->state, KNOB_TRIAL_RUNNING);
    OK(be->requeue(t->h, s, a, start, &w));
    CHECK(be->requeue(t->h, s, a, start, &w), KNOB_ESTATE); /* once */

    sync_into(be, t->h, s, 0, &g);
    const seen *x = by_number(&g, 0);
    assert_int_equal(x->state, KNOB_TRIAL_WAITING);
    assert_true(isnan(x->start) && isnan(x->end));
    assert_int_equal(x->n_values, 0);
    assert_int_equal(x->n_params, 1);
    assert_string_equal(x->pname[0], "x");
    assert_string_equal(x->pdist[0], p[0].dist_json);
    assert_true(x->pval[0] == 0.5);
    assert_int_equal(x->n_inter, 1);
    assert_true(x->inter[0].step == 2 && x->inter[0].value == 0.25);
    assert_int_equal(x->n_attrs[0], 1);
    assert_string_equal(x->akey[0][0], "u");
    assert_string_equal(x->ajson[0][0], "1");
    assert_int_equal(x->n_attrs[1], 1);
    assert_string_equal(x->akey[1][0], "fixed_params");
    assert_string_equal(x->ajson[1][0], "{\"x\":0.5}");

    /* taken again first; once finished, not put back */
    OK(be->pop_waiting(t->h, s, &id, &num, &found));
    assert_true(found && id == a && num == 0);
    sync_into(be, t->h, s, 0, &g);
    start = by_number(&g, 0)->start;
    OK(be->finish(t->h, s, a, KNOB_TRIAL_FAIL, NULL, 0));
    CHECK(be->requeue(t->h, s, a, start, &w), KNOB_ESTATE);
    OK(be->pop_waiting(t->h, s, &id, &num, &found));
    assert_true(found && id == b && num == 1);
    got_clear(&g);
}

/* <backend>_<name>: one check on one backend, in a fresh storage. PostgreSQL runs when
 * KNOB_TEST_PG_URL names a server (scripts/test.sh starts one). */
static void run_on(const kind *k, void (*check)(target *t))
{
    target t;
    if (k->be == &knob__backend_postgres && !knob_test_pg_url()) {
        print_message("KNOB_TEST_PG_URL is not set: no PostgreSQL server in this run\n");
        skip();
    }
    open_target(&t, k);
    /* PostgreSQL: beside another program's transaction, open from before the case writes
     * anything to after its last sync; it must not hold back what a sync reads up to. */
    PGconn *stranger = k->be == &knob__backend_postgres ? knob_test_stranger_begin(t.url) : NULL;
    check(&t);
    knob_test_stranger_end(stranger);
    t.be->close(t.h);
}

#define CONFORMANCE(name)                                                                          \
    static void memory_##name(void **state)                                                        \
    {                                                                                              \
        run_on(&kinds[0], check_##name);                                                           \
    }                                                                                              \
    static void sqlite_##name(void **state)                                                        \
    {                                                                                              \
        run_on(&kinds[1], check_##name);                                                           \
    }                                                                                              \
    static void postgresql_##name(void **state)                                                    \
    {                                                                                              \
        run_on(&kinds[2], check_##name);                                                           \
    }

CONFORMANCE(studies)
CONFORMANCE(study_attrs)
CONFORMANCE(trial_numbers)
CONFORMANCE(waiting)
CONFORMANCE(create_capped)
CONFORMANCE(params)
CONFORMANCE(intermediate)
CONFORMANCE(finished_writes)
CONFORMANCE(trial_attrs)
CONFORMANCE(finish)
CONFORMANCE(claim)
CONFORMANCE(create_claimed)
CONFORMANCE(sync)
CONFORMANCE(delete_then_sync)
CONFORMANCE(unknown_ids)
CONFORMANCE(sync_scale)
CONFORMANCE(constraints)
CONFORMANCE(batch)
CONFORMANCE(awkward_params)
CONFORMANCE(params_sequence)
CONFORMANCE(wide_params)
CONFORMANCE(requeue)

/* ---------------------------------------------------------------- SQLite files */

static const knob__backend *const sq = &knob__backend_sqlite;

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Opening `path` fails with `want`, and the message names the path and `words`. */
static void open_fails(const char *path, int want, const char *words)
{
    char url[4200];
    void *h = NULL;
    snprintf(url, sizeof url, "sqlite:///%s", path);
    CHECK(sq->open(url, where_of(url), &h), want);
    assert_non_null(strstr(knob_errmsg(), path));
    if (!strstr(knob_errmsg(), words))
        fail_msg("message '%s' does not say '%s'", knob_errmsg(), words);
}

static void sqlite_reopen(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    int64_t s = new_study(&t, "kept", KNOB_MAXIMIZE), num, id;
    int64_t a = new_trial(&t, s, KNOB_TRIAL_RUNNING, NULL);
    double v[] = {2.5};
    OK(sq->set_param(t.h, s, a, "x", "{\"k\":1}", 0.25));
    OK(sq->report(t.h, s, a, 3, 1.25));
    OK(sq->set_trial_attr(t.h, s, a, false, "u", "\"v\"", false));
    OK(sq->finish(t.h, s, a, KNOB_TRIAL_COMPLETE, v, 1));
    OK(sq->set_study_attr(t.h, s, true, "sys", "{}"));
    new_trial(&t, s, KNOB_TRIAL_WAITING, NULL);
    got g = {0};
    int64_t seq = sync_into(sq, t.h, s, 0, &g);
    sq->close(t.h);

    t.h = open_url(sq, t.url);
    knob_direction *dirs;
    size_t nd;
    OK(sq->find_study(t.h, "kept", &id, &dirs, &nd));
    assert_int_equal(id, s);
    assert_int_equal(dirs[0], KNOB_MAXIMIZE);
    free(dirs);
    got g2 = {0};
    assert_int_equal(sync_into(sq, t.h, s, 0, &g2), seq);
    assert_int_equal(g2.n, 2);
    const seen *x = by_number(&g2, 0), *before = by_number(&g, 0);
    assert_int_equal(x->id, before->id);
    assert_int_equal(x->state, KNOB_TRIAL_COMPLETE);
    assert_true(x->start == before->start && x->end == before->end);
    assert_int_equal(x->n_values, 1);
    assert_true(x->values[0] == 2.5);
    assert_true(x->pval[0] == 0.25);
    assert_string_equal(x->ajson[0][0], "\"v\"");
    assert_string_equal(x->pdist[0], "{\"k\":1}");
    assert_true(x->inter[0].value == 1.25);
    assert_int_equal(by_number(&g2, 1)->state, KNOB_TRIAL_WAITING);
    attr_list l = {0};
    OK(sq->get_study_attrs(t.h, s, true, add_attr, &l));
    assert_int_equal(l.n, 1);
    new_trial(&t, s, KNOB_TRIAL_RUNNING, &num); /* numbering goes on */
    assert_int_equal(num, 2);
    got_clear(&g);
    got_clear(&g2);
    sq->close(t.h);
}

/* Writes through one connection reach another's incremental sync. */
static void sqlite_two_handles(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    void *h2 = second_handle(&t);
    int64_t s = new_study(&t, "shared", KNOB_MINIMIZE), id, num, seq = 0;
    got g = {0};
    for (int i = 0; i < 20; i++) {
        void *w = i % 2 ? h2 : t.h, *r = i % 2 ? t.h : h2;
        OK(sq->create_trial(w, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &num));
        assert_int_equal(num, i);
        int64_t next = sync_into(sq, r, s, seq, &g);
        assert_int_equal(next, seq + 1);
        assert_int_equal(g.n, 1);
        assert_int_equal(g.t[0].number, i);
        seq = next;
    }
    got_clear(&g);
    sq->close(h2);
    sq->close(t.h);
}

/* The progress handler of sqlite_batch_undone: interrupts the first statement that
 * writes a row, whichever it is. */
static int interrupt_writes(void *ctx)
{
    sqlite3 *raw = ctx;
    for (sqlite3_stmt *s = sqlite3_next_stmt(raw, NULL); s; s = sqlite3_next_stmt(raw, s))
        if (sqlite3_stmt_busy(s) && !sqlite3_stmt_readonly(s) &&
            (!strncmp(sqlite3_sql(s), "INSERT", 6) || !strncmp(sqlite3_sql(s), "UPDATE", 6)))
            return 1;
    return 0;
}

/* A batch's writes, each alone: one that fails undoes itself only (here a finish refused),
 * and the others are committed at the end. */
static void sqlite_batch_savepoints(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    void *h2 = second_handle(&t);
    int64_t s = new_study(&t, "points", KNOB_MINIMIZE), num;
    int64_t a = new_trial(&t, s, KNOB_TRIAL_RUNNING, NULL);
    double v = 1, w = 2;
    OK(sq->batch_begin(t.h));
    OK(sq->finish(t.h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    CHECK(sq->finish(t.h, s, a, KNOB_TRIAL_COMPLETE, &w, 1), KNOB_ESTATE);
    int64_t b = new_trial(&t, s, KNOB_TRIAL_RUNNING, &num);
    OK(sq->report(t.h, s, b, 1, 0.25));
    got g = {0};
    sync_into(sq, h2, s, 0, &g); /* another connection: nothing of the batch yet */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].state, KNOB_TRIAL_RUNNING);
    got_clear(&g);
    OK(sq->batch_end(t.h));
    sync_into(sq, h2, s, 0, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(by_number(&g, 0)->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(by_number(&g, 0)->n_values, 1);
    assert_true(by_number(&g, 0)->values[0] == 1);
    assert_int_equal(by_number(&g, num)->n_inter, 1);
    got_clear(&g);
    sq->close(h2);
    sq->close(t.h);
}

/* A failure that undoes the batch's whole transaction (an interrupted write: SQLite then
 * rolls the transaction back) loses every write of the batch: the writes after it fail,
 * and so does the end, instead of each committing alone. */
static void sqlite_batch_undone(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    int64_t s = new_study(&t, "undone", KNOB_MINIMIZE);
    int64_t a = new_trial(&t, s, KNOB_TRIAL_RUNNING, NULL);
    int64_t b = new_trial(&t, s, KNOB_TRIAL_RUNNING, NULL);
    sqlite3 *raw = *(sqlite3 **)t.h; /* the connection: the first field of the handle */
    double v = 1;
    OK(sq->batch_begin(t.h));
    OK(sq->finish(t.h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    sqlite3_progress_handler(raw, 1, interrupt_writes, raw);
    CHECK(sq->set_trial_attr(t.h, s, b, false, "u", "1", false), KNOB_ESTORAGE);
    sqlite3_progress_handler(raw, 0, NULL, NULL);
    assert_true(sqlite3_get_autocommit(raw)); /* the transaction is gone */
    CHECK(sq->report(t.h, s, b, 0, 0.5), KNOB_ESTORAGE);
    assert_non_null(strstr(knob_errmsg(), "undid the batch"));
    CHECK(sq->batch_end(t.h), KNOB_ESTORAGE);
    assert_non_null(strstr(knob_errmsg(), "none of its writes"));
    got g = {0};
    sync_into(sq, t.h, s, 0, &g);
    assert_int_equal(by_number(&g, 0)->state, KNOB_TRIAL_RUNNING);
    assert_int_equal(by_number(&g, 1)->n_inter, 0);
    assert_int_equal(by_number(&g, 1)->n_attrs[0], 0);
    /* The handle writes on, outside any batch. */
    OK(sq->finish(t.h, s, a, KNOB_TRIAL_COMPLETE, &v, 1));
    got_clear(&g);
    sq->close(t.h);
}

static void sqlite_schema(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    sq->close(t.h);
    assert_int_equal(knob_test_sql_int(t.path, "PRAGMA application_id"), 0x6b6e6f62);
    assert_int_equal(
        knob_test_sql_int(t.path, "SELECT value FROM knob_meta WHERE key = 'schema_version'"), 1);
    assert_int_equal(knob_test_sql_int(t.path,
                                       "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                                       "('studies', 'study_attrs', 'trials', 'params', "
                                       "'trial_values', 'intermediate', 'trial_attrs', 'claims', "
                                       "'trials_by_seq', 'trials_by_state')"),
                     10);
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(db);
    /* A second open of a knob file leaves it as it is. */
    void *h = open_url(sq, t.url);
    sq->close(h);
    assert_int_equal(knob_test_sql_int(t.path, "SELECT COUNT(*) FROM knob_meta"), 2);
    assert_int_equal(
        knob_test_sql_int(t.path, "SELECT value FROM knob_meta WHERE key = 'best_readable'"), 1);
}

static void sqlite_delete_leaves_no_rows(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    check_delete_then_sync(&t);
    sq->close(t.h);
    /* Only "kept" (one trial) and the new "doomed" (one claim) remain. */
    assert_int_equal(knob_test_sql_int(t.path, "SELECT COUNT(*) FROM studies"), 2);
    assert_int_equal(knob_test_sql_int(t.path, "SELECT COUNT(*) FROM trials"), 1);
    assert_int_equal(knob_test_sql_int(t.path,
                                       "SELECT (SELECT COUNT(*) FROM params) + (SELECT COUNT(*) "
                                       "FROM trial_values) + (SELECT COUNT(*) FROM intermediate) "
                                       "+ (SELECT COUNT(*) FROM trial_attrs) + (SELECT COUNT(*) "
                                       "FROM study_attrs)"),
                     0);
    assert_int_equal(knob_test_sql_int(t.path, "SELECT COUNT(*) FROM claims"), 1);
}

static void sqlite_missing_file_created(void **state)
{
    char path[4100], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("new.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    assert_int_equal(access(path, F_OK), -1);
    void *h = open_url(sq, url);
    sq->close(h);
    assert_int_equal(access(path, F_OK), 0);
}

static void sqlite_empty_file(void **state)
{
    char path[4100], url[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("empty.db"));
    write_file(path, "", 0);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    void *h = open_url(sq, url);
    int64_t id;
    knob_direction d = KNOB_MINIMIZE;
    OK(sq->create_study(h, "s", &d, 1, &id));
    sq->close(h);
    assert_int_equal(knob_test_sql_int(path, "PRAGMA application_id"), 0x6b6e6f62);
}

static void sqlite_foreign_database(void **state)
{
    char path[4100];
    snprintf(path, sizeof path, "%s", knob_test_path("foreign.db"));
    knob_test_sql_exec(path, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);"
                             "INSERT INTO users(name) VALUES('ada'), ('bob');");
    open_fails(path, KNOB_ECORRUPT, "not a knob database");
    /* The other program's file is left exactly as it was. */
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM sqlite_master"), 1);
    assert_int_equal(knob_test_sql_int(path, "SELECT COUNT(*) FROM users"), 2);
    assert_int_equal(knob_test_sql_int(path, "PRAGMA application_id"), 0);
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "delete");
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void sqlite_not_a_database(void **state)
{
    char path[4100], text[8192];
    snprintf(path, sizeof path, "%s", knob_test_path("notes.db"));
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "these are my notes, not a database\n"[i % 35];
    write_file(path, text, sizeof text);
    open_fails(path, KNOB_ECORRUPT, "not a");
    /* Short text too. */
    write_file(path, "hello\n", 6);
    open_fails(path, KNOB_ECORRUPT, "not a");
}

static void sqlite_corrupt_file(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    new_study(&t, "s", KNOB_MINIMIZE);
    sq->close(t.h);
    /* Keep the 100-byte header, scribble over the rest of the first page (the schema). */
    int fd = open(t.path, O_WRONLY);
    char junk[3000];
    memset(junk, 0xa5, sizeof junk);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, junk, sizeof junk, 100), (ssize_t)sizeof junk);
    close(fd);
    open_fails(t.path, KNOB_ECORRUPT, "malformed");
}

static void sqlite_newer_schema(void **state)
{
    target t;
    open_target(&t, &kinds[1]);
    sq->close(t.h);
    knob_test_sql_exec(t.path, "UPDATE knob_meta SET value = '2' WHERE key = 'schema_version'");
    open_fails(t.path, KNOB_ECORRUPT, "created by a newer knob");
}

static void sqlite_bad_url(void **state)
{
    const char *bad[] = {"", "x.db", "/x.db", "//x.db", "///", "////"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char url[64];
        void *h = NULL;
        snprintf(url, sizeof url, "sqlite:%s", bad[i]);
        CHECK(sq->open(url, bad[i], &h), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), url));
        assert_non_null(strstr(knob_errmsg(), "sqlite:///relative/path.db"));
        assert_non_null(strstr(knob_errmsg(), "sqlite:////absolute/path.db"));
    }
    void *h = NULL;
    CHECK(knob__backend_memory.open("memory:x", "x", &h), KNOB_EINVAL);
}

static void sqlite_unopenable_path(void **state)
{
    char path[4100];
    snprintf(path, sizeof path, "%s/no/such/dir/x.db", knob_test_path("dir"));
    open_fails(path, KNOB_ESTORAGE, "open");
}

/* ---------------------------------------------------------------- several processes */

enum { WORKERS = 4 };

static void wait_workers(void)
{
    for (int i = 0; i < WORKERS; i++) {
        int status;
        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("worker ended with status 0x%x", status);
    }
}

/* In a child: open the file and find the study; NULL (with a message) on failure. */
static void *child_open(const char *url, int64_t *study)
{
    void *h = NULL;
    knob_direction *dirs = NULL;
    size_t nd;
    if (sq->open(url, where_of(url), &h) || sq->find_study(h, "mp", study, &dirs, &nd)) {
        fprintf(stderr, "worker: %s\n", knob_errmsg());
        if (h)
            sq->close(h);
        return NULL;
    }
    free(dirs);
    return h;
}

static int child_fail(void *h)
{
    fprintf(stderr, "worker %d: %s\n", (int)getpid(), knob_errmsg());
    sq->close(h);
    return 1;
}

/* Each trial in three transactions of its own: create, param, finish. */
static int create_worker(const char *url, int w)
{
    int64_t study, id, num;
    void *h = child_open(url, &study);
    if (!h)
        return 2;
    for (int i = 0; i < 250; i++) {
        double v = w * 1000 + i;
        if (sq->create_trial(h, study, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &num) ||
            sq->set_param(h, study, id, "w", "{}", w) ||
            sq->finish(h, study, id, KNOB_TRIAL_COMPLETE, &v, 1))
            return child_fail(h);
    }
    sq->close(h);
    return 0;
}

/* A fresh file holding study "mp", closed again before any fork. */
static void shared_file(char *url, size_t size, int n_waiting)
{
    target t;
    open_target(&t, &kinds[1]);
    int64_t s = new_study(&t, "mp", KNOB_MINIMIZE);
    for (int i = 0; i < n_waiting; i++)
        new_trial(&t, s, KNOB_TRIAL_WAITING, NULL);
    sq->close(t.h);
    snprintf(url, size, "%s", t.url);
}

static void sqlite_processes_create_trials(void **state)
{
    char url[4200];
    shared_file(url, sizeof url, 0);
    for (int w = 0; w < WORKERS; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(create_worker(url, w));
    }
    wait_workers();

    void *h = open_url(sq, url);
    int64_t study;
    knob_direction *dirs;
    size_t nd;
    OK(sq->find_study(h, "mp", &study, &dirs, &nd));
    free(dirs);
    got g = {0};
    int64_t seq = sync_into(sq, h, study, 0, &g);
    assert_int_equal(seq, 3 * 1000); /* one stamp per write */
    assert_int_equal(g.n, 1000);
    char *hit = calloc(1000, 1);
    int per_worker[WORKERS] = {0};
    for (size_t i = 0; i < g.n; i++) {
        const seen *x = &g.t[i];
        assert_true(x->number >= 0 && x->number < 1000);
        assert_false(hit[x->number]);
        hit[x->number] = 1;
        assert_int_equal(x->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(x->n_params, 1);
        assert_int_equal(x->n_values, 1);
        assert_true(x->values[0] == x->pval[0] * 1000 + fmod(x->values[0], 1000));
        per_worker[(int)x->pval[0]]++;
    }
    for (int w = 0; w < WORKERS; w++)
        assert_int_equal(per_worker[w], 250);
    free(hit);
    got_clear(&g);
    sq->close(h);
}

/* Opens a file that may not exist yet, joins (or creates) study "mp", adds 50 trials. */
static int fresh_file_worker(const char *url)
{
    void *h = NULL;
    knob_direction dir = KNOB_MINIMIZE;
    int64_t study, id, num;
    if (sq->open(url, where_of(url), &h)) {
        fprintf(stderr, "worker: %s\n", knob_errmsg());
        return 2;
    }
    int rc = sq->create_study(h, "mp", &dir, 1, &study);
    if (rc && rc != KNOB_EEXIST)
        return child_fail(h);
    for (int i = 0; i < 50; i++) {
        double v = i;
        if (sq->create_trial(h, study, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &num) ||
            sq->finish(h, study, id, KNOB_TRIAL_COMPLETE, &v, 1))
            return child_fail(h);
    }
    sq->close(h);
    return 0;
}

/* Four processes race to create the file, its schema and the study. */
static void sqlite_processes_create_file(void **state)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("fresh.db"));
    for (int w = 0; w < WORKERS; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(fresh_file_worker(url));
    }
    wait_workers();
    void *h = open_url(sq, url);
    knob_study_summary *list;
    size_t n;
    OK(sq->list_studies(h, &list, &n));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].n_trials, 4 * 50);
    assert_int_equal(list[0].n_complete, 4 * 50);
    knob__summaries_free(list, n);
    int64_t id;
    OK(sq->trial_id(h, 1, 4 * 50 - 1, &id));
    sq->close(h);
}

/* Claims every key k0..k999 in its own order, writing the index of each win to `fd`. */
static int claim_worker(const char *url, int w, int fd)
{
    static const int stride[WORKERS] = {1, 3, 7, 11}; /* prime to 1000: a permutation */
    int64_t study;
    void *h = child_open(url, &study);
    if (!h)
        return 2;
    for (int i = 0; i < 1000; i++) {
        int32_t k = (int32_t)((i * stride[w] + w * 250) % 1000);
        char key[16];
        bool won;
        snprintf(key, sizeof key, "k%d", (int)k);
        if (sq->claim(h, study, key, -1, &won))
            return child_fail(h);
        if (won && write(fd, &k, sizeof k) != (ssize_t)sizeof k)
            return 3;
    }
    sq->close(h);
    return 0;
}

/* Creates the trials of keys k0..k199 with their claims, in an order of its own, writing
 * each key it won (and so the trial it created) to `fd`. */
static int claimed_worker(const char *url, int w, int fd)
{
    static const int stride[WORKERS] = {1, 3, 7, 11}; /* prime to 200: a permutation */
    int64_t study, id, num;
    void *h = child_open(url, &study);
    if (!h)
        return 2;
    for (int i = 0; i < 200; i++) {
        int32_t k = (int32_t)((i * stride[w] + w * 50) % 200);
        char key[16];
        bool won;
        snprintf(key, sizeof key, "k%d", (int)k);
        if (sq->create_claimed(h, study, 0, key, NULL, 0, &won, &id, &num))
            return child_fail(h);
        if (won && write(fd, &k, sizeof k) != (ssize_t)sizeof k)
            return 3;
    }
    sq->close(h);
    return 0;
}

/* Pops until the queue is empty, finishing each trial and writing its number to `fd`. */
static int pop_worker(const char *url, int fd)
{
    int64_t study, id, num, last = -1;
    bool found;
    void *h = child_open(url, &study);
    if (!h)
        return 2;
    for (;;) {
        if (sq->pop_waiting(h, study, &id, &num, &found))
            return child_fail(h);
        if (!found)
            break;
        if (num <= last)
            return 4; /* oldest first, so one worker's numbers only grow */
        last = num;
        double v = (double)num;
        int32_t n32 = (int32_t)num;
        if (sq->finish(h, study, id, KNOB_TRIAL_COMPLETE, &v, 1))
            return child_fail(h);
        if (write(fd, &n32, sizeof n32) != (ssize_t)sizeof n32)
            return 3;
    }
    sq->close(h);
    return 0;
}

enum { POP, CLAIM, CLAIMED };

/* Runs WORKERS children (pop, claim or create_claimed) and counts what they report per
 * index. */
static void run_reporting_workers(const char *url, int what, int *count, int n)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    for (int w = 0; w < WORKERS; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fd[0]);
            _exit(what == CLAIM     ? claim_worker(url, w, fd[1])
                  : what == CLAIMED ? claimed_worker(url, w, fd[1])
                                    : pop_worker(url, fd[1]));
        }
    }
    close(fd[1]);
    int32_t k;
    while (read(fd[0], &k, sizeof k) == (ssize_t)sizeof k) {
        assert_true(k >= 0 && k < n);
        count[k]++;
    }
    close(fd[0]);
    wait_workers();
}

static void sqlite_processes_claim(void **state)
{
    char url[4200];
    int count[1000] = {0};
    shared_file(url, sizeof url, 0);
    run_reporting_workers(url, CLAIM, count, 1000);
    for (int k = 0; k < 1000; k++)
        if (count[k] != 1)
            fail_msg("key k%d won %d times", k, count[k]);
}

/* Four processes create the trials of the same 200 keys: each key's trial is created
 * once, and the study holds exactly those 200 trials, numbered 0..199. */
static void sqlite_processes_create_claimed(void **state)
{
    char url[4200];
    int count[200] = {0};
    shared_file(url, sizeof url, 0);
    run_reporting_workers(url, CLAIMED, count, 200);
    for (int k = 0; k < 200; k++)
        if (count[k] != 1)
            fail_msg("key k%d's trial created %d times", k, count[k]);
    void *h = open_url(sq, url);
    int64_t study, id;
    knob_direction *dirs = NULL;
    size_t nd;
    OK(sq->find_study(h, "mp", &study, &dirs, &nd));
    free(dirs);
    got g = {0};
    sync_into(sq, h, study, 0, &g);
    assert_int_equal(g.n, 200);
    OK(sq->trial_id(h, study, 199, &id));
    CHECK(sq->trial_id(h, study, 200, &id), KNOB_ENOTFOUND);
    got_clear(&g);
    sq->close(h);
}

static void sqlite_processes_pop_waiting(void **state)
{
    char url[4200];
    int count[400] = {0};
    shared_file(url, sizeof url, 400);
    run_reporting_workers(url, POP, count, 400);
    for (int k = 0; k < 400; k++)
        if (count[k] != 1)
            fail_msg("waiting trial %d popped %d times", k, count[k]);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(memory_studies),
    cmocka_unit_test(sqlite_studies),
    cmocka_unit_test(postgresql_studies),
    cmocka_unit_test(memory_study_attrs),
    cmocka_unit_test(sqlite_study_attrs),
    cmocka_unit_test(postgresql_study_attrs),
    cmocka_unit_test(memory_trial_numbers),
    cmocka_unit_test(sqlite_trial_numbers),
    cmocka_unit_test(postgresql_trial_numbers),
    cmocka_unit_test(memory_waiting),
    cmocka_unit_test(sqlite_waiting),
    cmocka_unit_test(postgresql_waiting),
    cmocka_unit_test(memory_create_capped),
    cmocka_unit_test(sqlite_create_capped),
    cmocka_unit_test(postgresql_create_capped),
    cmocka_unit_test(memory_params),
    cmocka_unit_test(sqlite_params),
    cmocka_unit_test(postgresql_params),
    cmocka_unit_test(memory_awkward_params),
    cmocka_unit_test(sqlite_awkward_params),
    cmocka_unit_test(postgresql_awkward_params),
    cmocka_unit_test(memory_params_sequence),
    cmocka_unit_test(sqlite_params_sequence),
    cmocka_unit_test(postgresql_params_sequence),
    cmocka_unit_test(memory_wide_params),
    cmocka_unit_test(sqlite_wide_params),
    cmocka_unit_test(postgresql_wide_params),
    cmocka_unit_test(memory_requeue),
    cmocka_unit_test(sqlite_requeue),
    cmocka_unit_test(postgresql_requeue),
    cmocka_unit_test(memory_intermediate),
    cmocka_unit_test(sqlite_intermediate),
    cmocka_unit_test(postgresql_intermediate),
    cmocka_unit_test(memory_finished_writes),
    cmocka_unit_test(sqlite_finished_writes),
    cmocka_unit_test(postgresql_finished_writes),
    cmocka_unit_test(memory_trial_attrs),
    cmocka_unit_test(sqlite_trial_attrs),
    cmocka_unit_test(postgresql_trial_attrs),
    cmocka_unit_test(memory_finish),
    cmocka_unit_test(sqlite_finish),
    cmocka_unit_test(postgresql_finish),
    cmocka_unit_test(memory_claim),
    cmocka_unit_test(sqlite_claim),
    cmocka_unit_test(postgresql_claim),
    cmocka_unit_test(memory_create_claimed),
    cmocka_unit_test(sqlite_create_claimed),
    cmocka_unit_test(postgresql_create_claimed),
    cmocka_unit_test(memory_sync),
    cmocka_unit_test(sqlite_sync),
    cmocka_unit_test(postgresql_sync),
    cmocka_unit_test(memory_delete_then_sync),
    cmocka_unit_test(sqlite_delete_then_sync),
    cmocka_unit_test(postgresql_delete_then_sync),
    cmocka_unit_test(memory_unknown_ids),
    cmocka_unit_test(sqlite_unknown_ids),
    cmocka_unit_test(postgresql_unknown_ids),
    cmocka_unit_test(memory_sync_scale),
    cmocka_unit_test(sqlite_sync_scale),
    cmocka_unit_test(postgresql_sync_scale),
    cmocka_unit_test(memory_constraints),
    cmocka_unit_test(sqlite_constraints),
    cmocka_unit_test(postgresql_constraints),
    cmocka_unit_test(memory_batch),
    cmocka_unit_test(sqlite_batch),
    cmocka_unit_test(postgresql_batch),
    cmocka_unit_test(sqlite_reopen),
    cmocka_unit_test(sqlite_two_handles),
    cmocka_unit_test(sqlite_batch_savepoints),
    cmocka_unit_test(sqlite_batch_undone),
    cmocka_unit_test(sqlite_schema),
    cmocka_unit_test(sqlite_delete_leaves_no_rows),
    cmocka_unit_test(sqlite_missing_file_created),
    cmocka_unit_test(sqlite_empty_file),
    cmocka_unit_test(sqlite_foreign_database),
    cmocka_unit_test(sqlite_not_a_database),
    cmocka_unit_test(sqlite_corrupt_file),
    cmocka_unit_test(sqlite_newer_schema),
    cmocka_unit_test(sqlite_bad_url),
    cmocka_unit_test(sqlite_unopenable_path),
    cmocka_unit_test(sqlite_processes_create_trials),
    cmocka_unit_test(sqlite_processes_create_file),
    cmocka_unit_test(sqlite_processes_claim),
    cmocka_unit_test(sqlite_processes_pop_waiting),
    cmocka_unit_test(sqlite_processes_create_claimed),
};

KNOB_TEST_MAIN(tests)
