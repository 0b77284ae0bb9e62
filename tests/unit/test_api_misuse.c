/* The public C API used carelessly: NULLs, NaNs, extreme steps, calls in the wrong
 * state. Each is refused with a code and a message naming what was wrong, or has a
 * stated meaning; none crashes or corrupts the study. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>

static knob_storage *st;
static knob_study *s;

static int open_study(void **state)
{
    (void)state;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "misuse", NULL, &s), KNOB_OK);
    return 0;
}

static int close_study(void **state)
{
    (void)state;
    knob_study_free(s);
    knob_storage_close(st);
    s = NULL;
    st = NULL;
    return 0;
}

/* An int distribution with a NaN or infinite bound passed every check (NaN compares
 * false) and reached the sampler. */
static void int_bounds_must_be_finite(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    const double bad[][2] = {{NAN, 10}, {0, NAN}, {-INFINITY, 10}, {0, INFINITY}, {NAN, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        knob_distribution d = {
            .kind = KNOB_DIST_INT, .low = bad[i][0], .high = bad[i][1], .step = 1};
        double x = 42;
        assert_int_equal(knob_trial_suggest(t, "n", &d, &x), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "param 'n'"));
        assert_non_null(strstr(knob_errmsg(), "finite"));
        assert_true(x == 42);
    }
    assert_int_equal(knob_trial_n_params(t), 0);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

/* knob_param_format wrote through a NULL param or buffer, and on ENOMEM returned
 * KNOB_ENOMEM (2) as if the text were 2 bytes long: failures are negative now. The info
 * getters compared a NULL name with strcmp. */
static void format_and_getters_refuse_null(void **state)
{
    (void)state;
    knob_trial *t;
    double v = 1, x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_set_user_attr(t, "k", "1"), KNOB_OK);
    char buf[64] = "untouched";
    const knob_param *p = knob_trial_param(t, 0);
    assert_int_equal(knob_param_format(NULL, buf, sizeof buf), -KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param is NULL"));
    assert_int_equal(knob_param_format(p, NULL, 5), -KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "buf is NULL"));
    knob_param nodist = {"y", NULL, 0};
    assert_int_equal(knob_param_format(&nodist, buf, sizeof buf), -KNOB_EINVAL);
    assert_string_equal(buf, "untouched");
    int n = knob_param_format(p, NULL, 0);
    assert_true(n > 0);
    assert_int_equal(knob_param_format(p, buf, sizeof buf), n);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);

    const knob_trial_info *const *ts;
    size_t m;
    assert_int_equal(knob_study_trials(s, &ts, &m), KNOB_OK);
    assert_int_equal(m, 1);
    assert_null(knob_trial_info_param(ts[0], NULL));
    assert_null(knob_trial_info_attr(ts[0], NULL, false));
    assert_null(knob_trial_info_attr(ts[0], NULL, true));
    assert_null(knob_trial_info_param(NULL, "x"));
    assert_non_null(knob_trial_info_param(ts[0], "x"));
    assert_string_equal(knob_trial_info_attr(ts[0], "k", false), "1");
    assert_null(knob_study_user_attr(s, NULL));
}

/* A grid value outside the param's distribution named the param twice ("param 'x':
 * param 'x': ..."): the suggest's prefix and the distribution's message both did. */
static void grid_misfit_names_the_param_once(void **state)
{
    (void)state;
    knob_storage *mst;
    knob_study *g;
    knob_sampler *grid;
    assert_int_equal(knob_storage_open("memory:", &mst), KNOB_OK);
    assert_int_equal(knob_sampler_create("grid", NULL, &grid), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(grid, "search_space", "{\"x\": [5]}"), KNOB_OK);
    knob_study_options o = {.sampler = grid};
    assert_int_equal(knob_study_create(mst, "grid", &o, &g), KNOB_OK);
    knob_trial *t;
    double x = 42;
    assert_int_equal(knob_study_ask(g, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_EINVAL);
    const char *msg = knob_errmsg(), *first = strstr(msg, "'x'");
    assert_non_null(first);
    assert_null(strstr(first + 1, "'x'"));
    assert_non_null(strstr(msg, "5 is outside"));
    assert_non_null(strstr(msg, "trial 0"));
    assert_true(x == 42);
    assert_int_equal(knob_study_tell(g, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(g);
    knob_storage_close(mst);
}

/* A report at step INT64_MAX overflowed step + 1 (the mark of a diverged run); it is
 * refused, naming the trial, and the step below it works. */
static void report_step_int64_max_is_refused(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, INT64_MAX, NAN), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "trial 0"));
    assert_non_null(strstr(knob_errmsg(), "step"));
    assert_int_equal(knob_trial_report(t, INT64_MAX, 1.0), KNOB_EINVAL);
    assert_int_equal(knob_trial_intermediate(t, NULL), 0);
    assert_int_equal(knob_trial_report(t, INT64_MAX - 1, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_report(t, INT64_MAX - 1, NAN), KNOB_OK);
    const knob_step_value *v;
    assert_int_equal(knob_trial_intermediate(t, &v), 1);
    assert_true(v[0].step == INT64_MAX - 1);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

/* A proposal outside its distribution (a plugin's relative sampler that proposes 50 for
 * a param of [0, 10]) was taken by the suggest as it was and stored. */
static void proposals_stay_in_range(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_distribution d = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 10};
    assert_int_equal(knob_trial_propose(t, "x", &d, 50), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'x'"));
    assert_int_equal(knob_trial_propose(t, "x", &d, NAN), KNOB_EINVAL);
    double x = -1;
    assert_int_equal(knob_trial_suggest(t, "x", &d, &x), KNOB_OK);
    assert_true(x >= 0 && x <= 10);
    assert_int_equal(knob_trial_propose(t, "y", &d, 2.5), KNOB_OK);
    assert_int_equal(knob_trial_suggest(t, "y", &d, &x), KNOB_OK);
    assert_true(x == 2.5);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

static knob_trial_state stored_state(int64_t number)
{
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s, &ts, &n), KNOB_OK);
    assert_true((size_t)number < n);
    return ts[number]->state;
}

/* A tell whose state does not finish the trial (RUNNING, WAITING, a stray number) failed
 * the trial; it is refused and the trial goes on running. A finished trial told again
 * with a wrong count of values was refused for the count ("still running"); its state
 * comes first. */
static void tell_checks_states_before_counts(void **state)
{
    (void)state;
    knob_trial *t;
    double v[2] = {1, 2};
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    const knob_trial_state bad[] = {KNOB_TRIAL_RUNNING, KNOB_TRIAL_WAITING, (knob_trial_state)42};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(knob_study_tell(s, t, bad[i], v, 1), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "expected COMPLETE, PRUNED or FAIL"));
        assert_int_equal(stored_state(0), KNOB_TRIAL_RUNNING);
        assert_int_equal(knob_study_tell_number(s, 0, bad[i], v, 1, NULL), KNOB_EINVAL);
        assert_int_equal(stored_state(0), KNOB_TRIAL_RUNNING);
    }
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 1), KNOB_OK);
    assert_int_equal(stored_state(0), KNOB_TRIAL_COMPLETE);

    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, v, 2, NULL), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, NULL, 1, NULL), KNOB_ESTATE);
    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_ESTATE);
    assert_int_equal(stored_state(0), KNOB_TRIAL_COMPLETE);

    /* a handle whose trial another caller finished */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_PRUNED, NULL, 0, NULL), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already pruned"));
    assert_int_equal(stored_state(1), KNOB_TRIAL_PRUNED);
}

/* A categorical whose choices are NULL (with n_choices > 0), or hold a NULL string, is
 * refused by a suggest; knob_trial_propose and knob_param_format read them and crashed.
 * Both refuse it as the suggest does, with the same message. */
static void null_choices_refused(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_choice nullstr[2] = {{.type = KNOB_CHOICE_STRING, .str = "a"},
                              {.type = KNOB_CHOICE_STRING, .str = NULL}};
    const knob_distribution bad[2] = {
        {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = NULL},
        {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = nullstr}};
    const char *const why[2] = {"param 'c': choices NULL", "param 'c': choice 1 is a NULL string"};
    char buf[32];
    for (int i = 0; i < 2; i++) {
        double x;
        assert_int_equal(knob_trial_suggest(t, "c", &bad[i], &x), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), why[i]));
        for (double v = 0; v < 2; v++) {
            assert_int_equal(knob_trial_propose(t, "c", &bad[i], v), KNOB_EINVAL);
            if (!strstr(knob_errmsg(), why[i]) || !strstr(knob_errmsg(), "knob_trial_propose"))
                fail_msg("propose %d: %s", i, knob_errmsg());
            knob_param p = {"c", &bad[i], v};
            assert_int_equal(knob_param_format(&p, buf, sizeof buf), -KNOB_EINVAL);
            if (!strstr(knob_errmsg(), why[i]) || !strstr(knob_errmsg(), "knob_param_format"))
                fail_msg("format %d: %s", i, knob_errmsg());
            assert_int_equal(knob_param_format(&p, NULL, 0), -KNOB_EINVAL);
        }
    }
    /* the good choice of the same list still formats and is proposed */
    knob_distribution good = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 1, .choices = nullstr};
    knob_param p = {"c", &good, 0};
    assert_int_equal(knob_param_format(&p, buf, sizeof buf), 3);
    assert_string_equal(buf, "\"a\"");
    assert_int_equal(knob_trial_propose(t, "c", &good, 0), KNOB_OK);
    size_t k;
    assert_int_equal(knob_trial_suggest_choice(t, "c", nullstr, 1, &k), KNOB_OK);
    assert_int_equal(k, 0);
    double v = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* The system attribute "constraints" set by hand as a JSON string was stored, and the trial
 * read feasible (the text holds no constraint), while knob_study_add_trial refuses it: it is
 * refused the same way, with the trial named. An array of numbers is taken, and counts as
 * the trial's constraints. */
static void constraints_attr_checked(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    const char *const bad[] = {"\"oops\"", "{\"a\":1}", "[\"a\"]", "[1,null]", "1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(knob_trial_set_system_attr(t, "constraints", bad[i]), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), "trial 0") ||
            !strstr(knob_errmsg(), "must be a JSON array of numbers"))
            fail_msg("%s: %s", bad[i], knob_errmsg());
        assert_null(knob_trial_system_attr(t, "constraints"));
    }
    /* another key holds any JSON, and a user attribute of that name too */
    assert_int_equal(knob_trial_set_system_attr(t, "constraints_note", "\"oops\""), KNOB_OK);
    assert_int_equal(knob_trial_set_user_attr(t, "constraints", "\"oops\""), KNOB_OK);
    assert_int_equal(knob_trial_set_system_attr(t, "constraints", "[0.5, -1]"), KNOB_OK);
    double v = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s, &ts, &n), KNOB_OK);
    assert_int_equal(ts[0]->n_constraints, 2);
    assert_false(knob_trial_info_feasible(ts[0]));
    /* the study's count is checked as knob_trial_set_constraints checks it */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_set_system_attr(t, "constraints", "[1]"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "earlier trials have 2"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

/* A handle left open on a trial that another handle, or a tell by number, finished: its
 * constraints, attributes and params were stored in the complete trial, and the best trial
 * read back infeasible. Each write is refused as a report is (KNOB_ESTATE), in every
 * storage, and the best trial stays the one told. */
static void finished_elsewhere(const char *url)
{
    knob_storage *fst;
    knob_study *f;
    knob_trial *t, *t2;
    double x, y = 5, c = 1;
    assert_int_equal(knob_storage_open(url, &fst), KNOB_OK);
    assert_int_equal(knob_study_create(fst, "elsewhere", NULL, &f), KNOB_OK);
    assert_int_equal(knob_study_ask(f, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(f, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_ask(f, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_flush(t), KNOB_OK);
    assert_int_equal(knob_study_open_trial(f, 1, &t2), KNOB_OK);
    /* a running trial takes them all */
    assert_int_equal(knob_trial_set_user_attr(t2, "early", "1"), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t2, (double[]){-1}, 1), KNOB_OK);
    y = 1;
    assert_int_equal(knob_study_tell_number(f, 1, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_OK);

    assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    assert_int_equal(knob_trial_set_constraints(t2, &c, 1), KNOB_ESTATE);
    assert_int_equal(knob_trial_set_user_attr(t2, "late", "1"), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    assert_int_equal(knob_trial_set_system_attr(t2, "late", "1"), KNOB_ESTATE);
    assert_int_equal(knob_trial_suggest_float(t2, "late_param", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_flush(t2), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "already complete"));
    assert_int_equal(knob_study_tell(f, t2, KNOB_TRIAL_FAIL, NULL, 0), KNOB_ESTATE);
    knob_trial_detach(t);

    knob_study *g; /* a fresh read of the storage, not the handle's view */
    assert_int_equal(knob_study_load(fst, "elsewhere", NULL, &g), KNOB_OK);
    const knob_trial_info *b;
    assert_int_equal(knob_study_best_trial(g, &b), KNOB_OK);
    assert_int_equal(b->number, 1);
    assert_true(knob_trial_info_feasible(b));
    assert_int_equal(b->n_params, 1);
    assert_string_equal(knob_trial_info_attr(b, "early", false), "1");
    assert_null(knob_trial_info_attr(b, "late", false));
    assert_null(knob_trial_info_attr(b, "late", true));
    assert_int_equal(knob_study_best_trial(f, &b), KNOB_OK);
    assert_int_equal(b->number, 1);
    assert_true(knob_trial_info_feasible(b));
    knob_study_free(g);
    knob_study_free(f);
    knob_storage_close(fst);
}

static void finished_elsewhere_memory(void **state)
{
    (void)state;
    finished_elsewhere("memory:");
}

static void finished_elsewhere_sqlite(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("elsewhere.db"));
    finished_elsewhere(url);
}

static void finished_elsewhere_postgresql(void **state)
{
    (void)state;
    finished_elsewhere(knob_test_pg_url_or_skip());
}

/* A study freed with a trial still open left the trial pointing at the freed study: the
 * next call on it read freed memory. The trial is let go instead: its params are in the
 * storage, calls on it are refused, and detach frees it. */
static void free_study_with_open_trials(void **state)
{
    (void)state;
    knob_storage *mst;
    knob_study *f;
    knob_trial *t, *u;
    double x, v = 1;
    assert_int_equal(knob_storage_open("memory:", &mst), KNOB_OK);
    assert_int_equal(knob_study_create(mst, "freed", NULL, &f), KNOB_OK);
    assert_int_equal(knob_study_ask(f, &t), KNOB_OK);
    assert_int_equal(knob_study_ask(f, &u), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    knob_study_free(f);

    assert_int_equal(knob_trial_report(t, 0, 0.5), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "trial 0 was left open when its study was freed"));
    assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &x), KNOB_ESTATE);
    assert_int_equal(knob_trial_set_user_attr(t, "k", "1"), KNOB_ESTATE);
    bool prune = true;
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_ESTATE);
    assert_int_equal(knob_trial_heartbeat(t), KNOB_ESTATE);
    assert_int_equal(knob_trial_flush(t), KNOB_ESTATE);
    assert_int_equal(knob_trial_set_constraints(t, &v, 1), KNOB_ESTATE);
    assert_int_equal(knob_trial_n_params(t), 0);
    assert_null(knob_trial_param(t, 0));
    assert_null(knob_trial_study(t));
    assert_int_equal(knob_trial_number(t), 0);

    /* the trials stay running in the storage, t's param with it, to be told by number */
    assert_int_equal(knob_study_load(mst, "freed", NULL, &f), KNOB_OK);
    /* refused, u left as it was */
    assert_int_equal(knob_study_tell(f, u, KNOB_TRIAL_FAIL, NULL, 0), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "left open when its study was freed"));
    assert_int_equal(knob_trial_number(u), 1);
    knob_trial_detach(u);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(f, &ts, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ts[0]->state, KNOB_TRIAL_RUNNING);
    assert_int_equal(ts[1]->state, KNOB_TRIAL_RUNNING);
    assert_non_null(knob_trial_info_param(ts[0], "x"));
    assert_true(knob_trial_info_param(ts[0], "x")->internal == x);
    assert_int_equal(knob_study_tell_number(f, 0, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_OK);
    knob_trial_detach(t);
    knob_study_free(f);
    knob_storage_close(mst);
}

/* A trial asked through one handle and told through another on the same study (loaded
 * again from the same storage handle, or from another storage handle on the same file): it
 * was freed unwritten, "trial belongs to another study", and stayed RUNNING without its
 * params. It is told through its own handle, params and all. */
static void tell_through_another_handle(const char *url, bool two_storages)
{
    knob_storage *st1, *st2;
    knob_study *s1, *s2;
    knob_trial *t;
    double x, v = 0.5;
    assert_int_equal(knob_storage_open(url, &st1), KNOB_OK);
    st2 = st1;
    if (two_storages)
        assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    assert_int_equal(knob_study_create(st1, "demo", NULL, &s1), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "demo", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_ask(s1, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    if (knob_study_tell(s2, t, KNOB_TRIAL_COMPLETE, &v, 1) != KNOB_OK)
        fail_msg("tell through the other handle: %s", knob_errmsg());
    knob_study_free(s1); /* t was told: nothing of it is left open there */
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s2, &ts, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ts[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(ts[0]->n_params, 1);
    assert_true(knob_trial_info_param(ts[0], "x")->internal == x);
    assert_true(ts[0]->values[0] == v);
    knob_study_free(s2);
    if (two_storages)
        knob_storage_close(st2);
    knob_storage_close(st1);
}

static void tell_through_another_handle_memory(void **state)
{
    (void)state;
    tell_through_another_handle("memory:", false);
}

static void tell_through_another_handle_sqlite(void **state)
{
    (void)state;
    char url[4200], path[4096];
    snprintf(path, sizeof path, "%s", knob_test_path("otherhandle.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    tell_through_another_handle(url, false);
    unlink(path);
    tell_through_another_handle(url, true);
    unlink(path);
}

/* A study made at the path of a deleted file, with the id the deleted study had: another
 * study (it was taken for the same one, and the tell freed the trial and failed on the
 * deleted file), refused as such; and one of the same name there is said to be another
 * study, not "of study 's', not of study 's'". */
static void tell_through_a_file_made_anew(void **state)
{
    (void)state;
    char url[4200], path[4096], wal[4200], shm[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("anew.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    const char *names[2] = {"other", "s"};
    for (int k = 0; k < 2; k++) {
        unlink(path), unlink(wal), unlink(shm);
        knob_storage *st1, *st2;
        knob_study *s1, *s2;
        knob_trial *t;
        double v = 1;
        assert_int_equal(knob_storage_open(url, &st1), KNOB_OK);
        assert_int_equal(knob_study_create(st1, "s", NULL, &s1), KNOB_OK);
        assert_int_equal(knob_study_ask(s1, &t), KNOB_OK);
        unlink(path), unlink(wal), unlink(shm);
        assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
        assert_int_equal(knob_study_create(st2, names[k], NULL, &s2), KNOB_OK);
        assert_int_equal(knob_study_tell(s2, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), k ? "is of another study named 's'"
                                                : "is of study 's', not of study 'other'"));
        assert_ptr_equal(knob_trial_study(t), s1); /* still the caller's */
        const knob_trial_info *const *ts;
        size_t n = 9;
        assert_int_equal(knob_study_trials(s2, &ts, &n), KNOB_OK);
        assert_int_equal(n, 0);
        knob_trial_detach(t); /* its own file is gone: nothing to tell it in */
        knob_study_free(s1);
        knob_study_free(s2);
        knob_storage_close(st1);
        knob_storage_close(st2);
    }
    unlink(path), unlink(wal), unlink(shm);
}

/* A trial told through a handle on another study is the caller's mistake, refused as a
 * wrong count is: the trial stays running, its handle valid (it was freed). */
static void tell_of_another_study_refused(void **state)
{
    (void)state;
    knob_study *o;
    knob_trial *t;
    double x, v = 1;
    assert_int_equal(knob_study_create(st, "other", NULL, &o), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(o, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "trial 0 is of study 'misuse', not of study 'other'"));
    /* t is still the caller's, on its own study */
    assert_ptr_equal(knob_trial_study(t), s);
    assert_int_equal(knob_trial_n_params(t), 1);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(o, &ts, &n), KNOB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(knob_study_trials(s, &ts, &n), KNOB_OK);
    assert_int_equal(ts[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(ts[0]->n_params, 1);
    knob_study_free(o);
}

/* knob_study_tell_number through the handle that holds the trial open: the trial was
 * finished without the params suggested through it, and the tell of the handle then said
 * "cannot set a param". The params are written first; the handle's tell says the trial is
 * finished. */
static void tell_number_writes_open_params(void **state)
{
    (void)state;
    knob_trial *t;
    double x, v = 1;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, &v, 1, NULL), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s, &ts, &n), KNOB_OK);
    assert_int_equal(ts[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(ts[0]->n_params, 1);
    assert_true(knob_trial_info_param(ts[0], "x")->internal == x);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_ESTATE); /* frees t */
    if (!strstr(knob_errmsg(), "trial 0 of study 'misuse' is already complete") ||
        strstr(knob_errmsg(), "param"))
        fail_msg("the message: %s", knob_errmsg());
}

/* An empty claim key is refused, as knob_study_ask_claimed refuses it. */
static void claim_empty_key_refused(void **state)
{
    (void)state;
    knob_trial *t;
    bool won = false;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_claim(s, "", t, &won), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "knob_study_claim: the key is empty");
    assert_false(won);
    assert_int_equal(knob_study_claim(s, "k", t, &won), KNOB_OK);
    assert_true(won);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

/* A study deleted while a handle had it open: the calls through the handle said "no study
 * with id 1" (the backend knows the study by its row id alone). They name the study. */
static void deleted_study_named(const char *url)
{
    knob_storage *dst;
    knob_study *d;
    knob_trial *t;
    double x, v = 1;
    assert_int_equal(knob_storage_open(url, &dst), KNOB_OK);
    assert_int_equal(knob_study_create(dst, "mystudy", NULL, &d), KNOB_OK);
    assert_int_equal(knob_study_ask(d, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_storage_delete_study(dst, "mystudy"), KNOB_OK);
    const char *gone = "study 'mystudy' is no longer there: it was deleted while this handle "
                       "had it open";
    assert_int_equal(knob_study_tell(d, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_ENOTFOUND);
    if (!strstr(knob_errmsg(), gone))
        fail_msg("tell: %s", knob_errmsg());
    assert_int_equal(knob_study_ask(d, &t), KNOB_ENOTFOUND);
    if (!strstr(knob_errmsg(), gone))
        fail_msg("ask: %s", knob_errmsg());
    assert_int_equal(knob_study_set_user_attr(d, "a", "1"), KNOB_ENOTFOUND);
    if (!strstr(knob_errmsg(), gone))
        fail_msg("attr: %s", knob_errmsg());
    assert_int_equal(knob_study_tell_number(d, 0, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_ENOTFOUND);
    if (!strstr(knob_errmsg(), gone))
        fail_msg("tell_number: %s", knob_errmsg());
    knob_study_free(d);
    /* a study that is there, without that trial: as before */
    assert_int_equal(knob_study_create(dst, "mystudy", NULL, &d), KNOB_OK);
    assert_int_equal(knob_study_tell_number(d, 7, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_ENOTFOUND);
    assert_string_equal(knob_errmsg(), "study 'mystudy' has no trial 7");
    knob_study_free(d);
    knob_storage_close(dst);
}

static void deleted_study_named_memory(void **state)
{
    (void)state;
    deleted_study_named("memory:");
}

static void deleted_study_named_sqlite(void **state)
{
    (void)state;
    char url[4200], path[4096];
    snprintf(path, sizeof path, "%s", knob_test_path("deleted.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    deleted_study_named(url);
    unlink(path);
}

/* Runs an NSGA-II study with UNDX crossover over many dims and returns a digest of every
 * param it drew (the same seed gives the same digest, alone or beside another); 0 unless
 * all 40 trials were asked, suggested and told. */
#define UNDX_DIMS 96
static void *undx_run(void *arg)
{
    uint64_t *digest = arg;
    knob_storage *mst;
    knob_study *u;
    knob_sampler *sm;
    *digest = 0;
    if (knob_storage_open("memory:", &mst))
        return NULL;
    if (knob_sampler_create("nsga2", "seed=5,population_size=6,crossover=undx,crossover_prob=1",
                            &sm)) {
        knob_storage_close(mst);
        return NULL;
    }
    knob_study_options o = {.sampler = sm};
    if (knob_study_create(mst, "undx", &o, &u)) {
        knob_storage_close(mst);
        return NULL;
    }
    uint64_t h = 1469598103934665603ull;
    int done = 0;
    for (int n = 0; n < 40; n++) {
        knob_trial *t;
        double y = 0, x;
        if (knob_study_ask(u, &t))
            break;
        for (int k = 0; k < UNDX_DIMS; k++) {
            char name[16];
            snprintf(name, sizeof name, "x%d", k);
            if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x)) {
                h = 0;
                break;
            }
            y += (x - 0.3) * (x - 0.3);
            uint64_t bits;
            memcpy(&bits, &x, sizeof bits);
            h = (h ^ bits) * 1099511628211ull;
        }
        if (!h || knob_study_tell(u, t, KNOB_TRIAL_COMPLETE, &y, 1))
            break;
        done++;
    }
    knob_study_free(u);
    knob_storage_close(mst);
    *digest = done == 40 ? h : 0;
    return NULL;
}

/* UNDX built its orthonormal basis in one static array: two studies sampling in two
 * threads wrote over each other's basis, and drew other params than either alone. */
static void undx_in_two_threads(void **state)
{
    (void)state;
    uint64_t alone, d[4];
    undx_run(&alone);
    assert_true(alone != 0);
    for (int round = 0; round < 3; round++) {
        pthread_t th[4];
        for (int k = 0; k < 4; k++)
            assert_int_equal(pthread_create(&th[k], NULL, undx_run, &d[k]), 0);
        for (int k = 0; k < 4; k++)
            assert_int_equal(pthread_join(th[k], NULL), 0);
        for (int k = 0; k < 4; k++)
            assert_true(d[k] == alone);
    }
}

/* Writes one trial with param x to a new SQLite study, then runs `sql` on the file. */
static void corrupt_study(const char *path, const char *sql)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    unlink(path);
    knob_storage *cst;
    knob_study *c;
    knob_trial *t;
    double x, v = 1;
    assert_int_equal(knob_storage_open(url, &cst), KNOB_OK);
    assert_int_equal(knob_study_create(cst, "c", NULL, &c), KNOB_OK);
    assert_int_equal(knob_study_ask(c, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(c, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    knob_study_free(c);
    knob_storage_close(cst);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
}

/* Reads the study of corrupt_study: KNOB_ECORRUPT with `what` in the message. */
static void read_is_corrupt(const char *path, const char *what)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *cst;
    knob_study *c;
    assert_int_equal(knob_storage_open(url, &cst), KNOB_OK);
    assert_int_equal(knob_study_load(cst, "c", NULL, &c), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(c, &ts, &n), KNOB_ECORRUPT);
    if (!strstr(knob_errmsg(), what))
        fail_msg("expected '%s' in: %s", what, knob_errmsg());
    knob_study_free(c);
    knob_storage_close(cst);
}

/* A stored distribution that does not read back, or one no suggest could have made, was
 * "out of memory or a corrupt distribution" (KNOB_ENOMEM), or was taken as it was; a
 * trial of an unknown state was taken too. Both are KNOB_ECORRUPT, naming the param or
 * the state. */
static void corrupt_rows_are_corrupt(void **state)
{
    (void)state;
    const char *path = knob_test_path("corrupt.db");
    const char *const bad[] = {
        "garbage",
        "{\"type\":\"float\",\"low\":0}",
        "{\"type\":\"float\",\"low\":5,\"high\":1,\"step\":0,\"log\":false}",
        "{\"type\":\"float\",\"low\":0,\"high\":1,\"step\":0,\"log\":true}",
        "{\"type\":\"int\",\"low\":0,\"high\":10,\"step\":0,\"log\":false}",
        "{\"type\":\"categorical\",\"choices\":[]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "UPDATE params SET dist = '%s'", bad[i]);
        corrupt_study(path, sql);
        read_is_corrupt(path, "param 'x'");
    }
    corrupt_study(path, "UPDATE trials SET state = 9");
    read_is_corrupt(path, "unknown state 9");
}

/* A trial that alone has constraints so far sets them again with another count: knob.h
 * says a second call replaces the values, and the count must match the study's earlier
 * trials, of which there were none (its own first call was counted as one). Once another
 * trial has them, the count is the study's. */
static void constraints_replaced_by_their_own_trial(void **state)
{
    (void)state;
    knob_trial *t, *u;
    const double two[2] = {1, 1}, one[1] = {-1}, three[3] = {-1, -2, -3};
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t, two, 2), KNOB_OK);
    if (knob_trial_set_constraints(t, one, 1) != KNOB_OK)
        fail_msg("replaced with another count: %s", knob_errmsg());
    assert_string_equal(knob_trial_system_attr(t, "constraints"), "[-1]");
    assert_int_equal(knob_trial_set_system_attr(t, "constraints", "[-1,-2,-3]"), KNOB_OK);
    /* through another study handle, by number: its view reads them as this trial's alone */
    knob_study *other;
    assert_int_equal(knob_study_load(st, "misuse", NULL, &other), KNOB_OK);
    assert_int_equal(knob_trial_flush(t), KNOB_OK);
    if (knob_study_set_trial_constraints(other, 0, two, 2) != KNOB_OK)
        fail_msg("replaced by number: %s", knob_errmsg());
    assert_int_equal(knob_study_set_trial_constraints(other, 0, three, 3), KNOB_OK);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    /* another trial then keeps the study's count, in either handle */
    assert_int_equal(knob_study_ask(s, &u), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(u, one, 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(),
                           "trial 1: 1 constraint value, but the study's earlier trials have 3"));
    assert_int_equal(knob_trial_set_constraints(u, three, 3), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(u, two, 2), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "2 constraint values, but the study's earlier trials"));
    assert_int_equal(knob_trial_flush(u), KNOB_OK);
    assert_int_equal(knob_study_set_trial_constraints(other, 1, two, 2), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "earlier trials have 3"));
    assert_int_equal(knob_study_tell(s, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(other, &ts, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ts[0]->n_constraints, 3);
    assert_int_equal(ts[1]->n_constraints, 3);
    knob_study_free(other);
}

/* Two storage handles on one SQLite file: handle 1 gives trial 0 two constraint values,
 * handle 2 gives trial 1 two, then handle 1 gives trial 0 one. Handle 1's view still showed
 * trial 0 alone with constraints, so the change was let through and the study ended with
 * trials of 1 and 2 values. It is refused now (by knob_trial_set_constraints, or by the
 * system attribute "constraints": by_attr), as the storage has another trial with 2. */
static void constraints_recount_two_handles(bool by_attr)
{
    char url[4200], path[4096], wal[4200], shm[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("recount.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(path), unlink(wal), unlink(shm);
    knob_storage *st1, *st2;
    knob_study *s1, *s2;
    knob_trial *t0, *t1;
    const double two[2] = {1, 2}, one[1] = {-1};
    assert_int_equal(knob_storage_open(url, &st1), KNOB_OK);
    assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    assert_int_equal(knob_study_create(st1, "s", NULL, &s1), KNOB_OK);
    assert_int_equal(knob_study_ask(s1, &t0), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t0, two, 2), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "s", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_ask(s2, &t1), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t1, two, 2), KNOB_OK);
    assert_int_equal(knob_trial_flush(t1), KNOB_OK);
    int rc = by_attr ? knob_trial_set_system_attr(t0, "constraints", "[-1]")
                     : knob_trial_set_constraints(t0, one, 1);
    if (rc != KNOB_EINVAL)
        fail_msg("trial 0 changed its count while trial 1 had 2 (%s)",
                 by_attr ? "system attribute" : "knob_trial_set_constraints");
    assert_non_null(strstr(knob_errmsg(),
                           "trial 0: 1 constraint value, but the study's earlier trials have 2"));
    double y = 1;
    assert_int_equal(knob_study_tell(s1, t0, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s2, t1, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s2, &ts, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ts[0]->n_constraints, 2);
    assert_int_equal(ts[1]->n_constraints, 2);
    knob_study_free(s1);
    knob_study_free(s2);
    knob_storage_close(st1);
    knob_storage_close(st2);
    unlink(path), unlink(wal), unlink(shm);
}

static void constraints_recount_sees_other_handles(void **state)
{
    (void)state;
    constraints_recount_two_handles(false);
    constraints_recount_two_handles(true);
}

/* The numbers of knob_study_options are refused by name where they have no meaning: a NaN
 * heartbeat_interval turned heartbeats off, an infinite grace never failed a silent trial
 * and a negative max_trials meant no limit, all without a word. Zero keeps its meaning. */
static void study_options_numbers_checked(void **state)
{
    (void)state;
    knob_storage *mst;
    assert_int_equal(knob_storage_open("memory:", &mst), KNOB_OK);
    const struct {
        knob_study_options o;
        const char *says;
    } bad[] = {
        {{.heartbeat_interval = NAN}, "heartbeat_interval is nan"},
        {{.heartbeat_interval = -5}, "heartbeat_interval is -5"},
        {{.heartbeat_interval = INFINITY}, "heartbeat_interval is inf"},
        {{.heartbeat_interval = 1, .grace_period = -1}, "grace_period is -1"},
        {{.heartbeat_interval = 1, .grace_period = NAN}, "grace_period is nan"},
        {{.heartbeat_interval = 1, .grace_period = INFINITY}, "grace_period is inf"},
        {{.max_trials = -3}, "max_trials is -3; it is >= 0 (0: no limit)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        for (int load = 0; load < 2; load++) {
            knob_study *q = NULL;
            knob_study_options o = bad[i].o;
            /* taken over, even on failure */
            assert_int_equal(knob_sampler_create("random", "seed=1", &o.sampler), KNOB_OK);
            int rc = load ? knob_study_load(mst, "opts", &o, &q)
                          : knob_study_create(mst, "opts", &o, &q);
            if (rc != KNOB_EINVAL || !strstr(knob_errmsg(), bad[i].says) ||
                !strstr(knob_errmsg(), "study 'opts'"))
                fail_msg("%zu (%s): %d %s", i, load ? "load" : "create", rc, knob_errmsg());
            assert_null(q);
        }
    }
    knob_study *q;
    knob_study_options zero = {.heartbeat_interval = 0, .grace_period = 0, .max_trials = 0};
    assert_int_equal(knob_study_create(mst, "opts", &zero, &q), KNOB_OK);
    knob_study_free(q);
    knob_study_options fine = {.heartbeat_interval = 0.5, .grace_period = 2, .max_trials = 4};
    assert_int_equal(knob_study_load(mst, "opts", &fine, &q), KNOB_OK);
    knob_study_free(q);
    knob_storage_close(mst);
}

/* A handle whose trial another study handle told, with a param not written yet: report,
 * attributes, constraints and tell were refused with "cannot set a param of trial 1",
 * naming an inner step and not the call made. The param is still lost, as knob_trial_flush
 * says; the message names the call. */
static void stale_handle_names_the_call(void **state)
{
    (void)state;
    knob_study *other;
    knob_trial *t;
    double x, y = 1, c = -1;
    assert_int_equal(knob_study_load(st, "misuse", NULL, &other), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_flush(t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell_number(other, 0, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_OK);
    static const char *const calls[] = {"knob_trial_report", "knob_trial_set_user_attr",
                                        "knob_trial_set_system_attr", "knob_trial_set_constraints",
                                        "knob_study_tell"};
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        int rc = i == 0   ? knob_trial_report(t, 0, 1)
                 : i == 1 ? knob_trial_set_user_attr(t, "a", "1")
                 : i == 2 ? knob_trial_set_system_attr(t, "a", "1")
                 : i == 3 ? knob_trial_set_constraints(t, &c, 1)
                          : knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1);
        char want[160];
        snprintf(want, sizeof want,
                 "%s: trial 0 is finished (told through another handle or process), so the 1 "
                 "param it suggested since its last write cannot be stored",
                 calls[i]);
        if (rc != KNOB_ESTATE || strncmp(knob_errmsg(), want, strlen(want)) != 0 ||
            !strstr(knob_errmsg(), "already complete"))
            fail_msg("%s: %d %s", calls[i], rc, knob_errmsg());
    }
    /* the tell took the handle; the trial is as the other handle told it, without x */
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(other, &ts, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ts[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(ts[0]->n_params, 0);
    knob_study_free(other);
}

/* A stale handle (its trial told through another handle, a param unwritten) does not stop
 * the study's asks: the ask writes the open trials' params first, and a finished trial's
 * are lost as documented, not the ask's failure. */
static void stale_handle_leaves_asks(void **state)
{
    (void)state;
    knob_study *other;
    knob_trial *t, *t2;
    double x, y = 1;
    assert_int_equal(knob_study_load(st, "misuse", NULL, &other), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_flush(t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell_number(other, 0, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_OK);
    int rc = knob_study_ask(s, &t2);
    if (rc != KNOB_OK)
        fail_msg("the ask beside a stale handle: %d %s", rc, knob_errmsg());
    assert_int_equal(knob_trial_number(t2), 1);
    assert_int_equal(knob_study_tell(s, t2, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_ESTATE);
    knob_study_free(other);
}

/* Messages that read as written: "already failed" (not "already fail"), and one value or
 * objective in the singular. */
static void messages_read_as_written(void **state)
{
    (void)state;
    knob_trial *t;
    double two[2] = {1, 2};
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, two, 2), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "told COMPLETE with 2 values; the study has 1 "
                                          "objective (the trial is still running)"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_open_trial(s, 0, &t), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "study 'misuse': trial 0 is already failed"));
    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "trial 0 is already failed"));
    /* the storage's own refusal, to a handle whose trial another call failed */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "trial 1 of study 'misuse': it is already failed"));
    knob_trial_detach(t);

    knob_study *two_s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    assert_int_equal(knob_study_create(st, "two", &o, &two_s), KNOB_OK);
    assert_int_equal(knob_study_ask(two_s, &t), KNOB_OK);
    assert_int_equal(knob_study_tell(two_s, t, KNOB_TRIAL_COMPLETE, two, 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "told COMPLETE with 1 value; the study has 2 "
                                          "objectives"));
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 1, .values = two};
    assert_int_equal(knob_study_add_trial(two_s, &info, NULL), KNOB_EINVAL);
    assert_non_null(
        strstr(knob_errmsg(), "an added complete trial has 1 value; the study has 2 objectives"));
    assert_int_equal(knob_study_tell(two_s, t, KNOB_TRIAL_COMPLETE, two, 2), KNOB_OK);
    knob_study_free(two_s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(int_bounds_must_be_finite, open_study, close_study),
        cmocka_unit_test_setup_teardown(format_and_getters_refuse_null, open_study, close_study),
        cmocka_unit_test(grid_misfit_names_the_param_once),
        cmocka_unit_test_setup_teardown(report_step_int64_max_is_refused, open_study, close_study),
        cmocka_unit_test_setup_teardown(tell_checks_states_before_counts, open_study, close_study),
        cmocka_unit_test_setup_teardown(proposals_stay_in_range, open_study, close_study),
        cmocka_unit_test_setup_teardown(null_choices_refused, open_study, close_study),
        cmocka_unit_test_setup_teardown(constraints_attr_checked, open_study, close_study),
        cmocka_unit_test(finished_elsewhere_memory),
        cmocka_unit_test(finished_elsewhere_sqlite),
        cmocka_unit_test(finished_elsewhere_postgresql),
        cmocka_unit_test(free_study_with_open_trials),
        cmocka_unit_test(tell_through_another_handle_memory),
        cmocka_unit_test(tell_through_another_handle_sqlite),
        cmocka_unit_test(tell_through_a_file_made_anew),
        cmocka_unit_test_setup_teardown(tell_of_another_study_refused, open_study, close_study),
        cmocka_unit_test_setup_teardown(tell_number_writes_open_params, open_study, close_study),
        cmocka_unit_test_setup_teardown(claim_empty_key_refused, open_study, close_study),
        cmocka_unit_test(deleted_study_named_memory),
        cmocka_unit_test(deleted_study_named_sqlite),
        cmocka_unit_test(undx_in_two_threads),
        cmocka_unit_test(corrupt_rows_are_corrupt),
        cmocka_unit_test_setup_teardown(constraints_replaced_by_their_own_trial, open_study,
                                        close_study),
        cmocka_unit_test(constraints_recount_sees_other_handles),
        cmocka_unit_test(study_options_numbers_checked),
        cmocka_unit_test_setup_teardown(stale_handle_names_the_call, open_study, close_study),
        cmocka_unit_test_setup_teardown(messages_read_as_written, open_study, close_study),
        cmocka_unit_test_setup_teardown(stale_handle_leaves_asks, open_study, close_study),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
