/* The warm-start source helpers: opening (errors that name the sampler, the option, the
 * study, the storage), the finished trials as losses (maximized sources negated, failed,
 * running trials left out, constraints read), and their order. */
#include "testutil.h"

#include "knob.h"
#include "warm_start.h"

#include <math.h>

static knob_study *make(knob_storage *st, const char *name, knob_direction *dirs, size_t n_dirs)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=1", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler, .directions = dirs, .n_objectives = n_dirs};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* One trial of x, told `state` with value v (and constraint c when c is not NaN). */
static void one(knob_study *s, knob_trial_state state, double v, double c)
{
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
    if (!isnan(c))
        assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
    if (state == KNOB_TRIAL_RUNNING)
        return;
    assert_int_equal(knob_study_tell(s, t, state, state == KNOB_TRIAL_COMPLETE ? &v : NULL,
                                     state == KNOB_TRIAL_COMPLETE),
                     KNOB_OK);
}

static void open_errors(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = make(st, "me", NULL, 0), *src = (knob_study *)1;
    assert_int_equal(knob__warm_open(s, "gp", "nope", NULL, &src), KNOB_ENOTFOUND);
    assert_null(src);
    assert_non_null(strstr(knob_errmsg(), "gp: warm_start_study 'nope': "));
    assert_null(strstr(knob_errmsg(), "warm_start_storage"));
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("warm_other.db"));
    assert_int_equal(knob__warm_open(s, "tpe", "nope", url, &src), KNOB_ENOTFOUND);
    assert_non_null(
        strstr(knob_errmsg(), "tpe: warm_start_study 'nope' from warm_start_storage: "));
    knob_direction two[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_free(make(st, "two", two, 2));
    assert_int_equal(knob__warm_open(s, "smac", "two", "", &src), KNOB_EINVAL);
    assert_null(src);
    assert_non_null(
        strstr(knob_errmsg(), "smac: warm_start_study 'two' has 2 objectives; it needs one"));
    knob_study_free(s);
    knob_storage_close(st);
}

static void trials_as_losses(void **state)
{
    (void)state;
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("warm_src.db"));
    knob_storage *st, *mine;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_direction up = KNOB_MAXIMIZE;
    knob_study *src = make(st, "src", &up, 1);
    one(src, KNOB_TRIAL_COMPLETE, 3, NAN);
    one(src, KNOB_TRIAL_FAIL, 0, NAN);
    one(src, KNOB_TRIAL_COMPLETE, 5, 1.0); /* infeasible */
    one(src, KNOB_TRIAL_RUNNING, 0, NAN);
    one(src, KNOB_TRIAL_COMPLETE, 3, -1.0);
    knob_study_free(src);
    knob_storage_close(st);

    assert_int_equal(knob_storage_open("memory:", &mine), KNOB_OK);
    knob_study *s = make(mine, "me", NULL, 0), *w;
    assert_int_equal(knob__warm_open(s, "gp", "src", url, &w), KNOB_OK);
    knob__warm_trial *t;
    size_t n;
    assert_int_equal(knob__warm_trials(w, &t, &n), KNOB_OK);
    assert_int_equal(n, 3);
    int64_t num[3] = {0, 2, 4};
    double loss[3] = {-3, -5, -3};
    bool feasible[3] = {true, false, true};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].trial->number, num[i]);
        assert_true(t[i].loss == loss[i]);
        assert_int_equal(t[i].feasible, feasible[i]);
    }
    knob__warm_sort(t, n); /* best first; the tie keeps trial order */
    assert_int_equal(t[0].trial->number, 2);
    assert_int_equal(t[1].trial->number, 0);
    assert_int_equal(t[2].trial->number, 4);
    free(t);
    knob_study_free(w);

    /* a study with no finished trial: none, and no allocation */
    knob_study_free(make(mine, "empty", NULL, 0));
    assert_int_equal(knob__warm_open(s, "gp", "empty", NULL, &w), KNOB_OK);
    t = (knob__warm_trial *)1;
    assert_int_equal(knob__warm_trials(w, &t, &n), KNOB_OK);
    assert_null(t);
    assert_int_equal(n, 0);
    knob_study_free(w);
    knob_study_free(s);
    knob_storage_close(mine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_errors),
        cmocka_unit_test(trials_as_losses),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
