/* knob_study_regret_bound: Optuna's RegretBoundEvaluator on studies of known shape. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

/* A study whose trials spiral in on the minimum of scale ((x - 1)^2 + y^2) (maximized:
 * negated). */
static knob_study *spiral_scaled(knob_storage **st, int n, knob_direction dir, double scale)
{
    assert_int_equal(knob_storage_open("memory:", st), KNOB_OK);
    knob_study_options o = {0};
    o.directions = &dir;
    o.n_objectives = 1;
    knob_study *s;
    assert_int_equal(knob_study_create(*st, "s", &o, &s), KNOB_OK);
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double r = 4 * pow(0.93, i), x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(
            knob_trial_propose(t, "x",
                               &(knob_distribution){.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5},
                               1 + r * cos(2.4 * i)),
            KNOB_OK);
        assert_int_equal(
            knob_trial_propose(t, "y",
                               &(knob_distribution){.kind = KNOB_DIST_FLOAT, .low = -5, .high = 5},
                               r * sin(2.4 * i)),
            KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", -5, 5, 0, 0, &y), KNOB_OK);
        double v = scale * ((x - 1) * (x - 1) + y * y);
        v = dir == KNOB_MAXIMIZE ? -v : v;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    return s;
}

static knob_study *spiral(knob_storage **st, int n, knob_direction dir)
{
    return spiral_scaled(st, n, dir, 1);
}

/* Values scaled by 2^600 or 2^-600 (where their squares overflowed or underflowed: a bound of
 * inf, or of the 1e-10 floor's) give the bound scaled alike, bit for bit. */
static void the_same_at_any_scale(void **state)
{
    (void)state;
    knob_storage *st, *big, *small;
    knob_study *s = spiral(&st, 40, KNOB_MINIMIZE);
    knob_study *b = spiral_scaled(&big, 40, KNOB_MINIMIZE, ldexp(1, 600));
    knob_study *t = spiral_scaled(&small, 40, KNOB_MINIMIZE, ldexp(1, -600));
    for (size_t n = 5; n <= 40; n += 5) {
        double one, up, down;
        assert_int_equal(knob_study_regret_bound(s, n, 7, &one), KNOB_OK);
        assert_int_equal(knob_study_regret_bound(b, n, 7, &up), KNOB_OK);
        assert_int_equal(knob_study_regret_bound(t, n, 7, &down), KNOB_OK);
        if (!(up == ldexp(one, 600) && down == ldexp(one, -600)))
            fail_msg("%zu trials: bound %g, at 2^600 %g (2^-600 of it), at 2^-600 %g", n, one,
                     ldexp(up, -600), ldexp(down, 600));
    }
    knob_study_free(s);
    knob_study_free(b);
    knob_study_free(t);
    knob_storage_close(st);
    knob_storage_close(big);
    knob_storage_close(small);
}

/* The bound after each trial: finite, >= 0 up to rounding, the same for the same seed and
 * for the objective negated and maximized, and it shrinks as the trials close in. */
static void shrinks_as_the_search_converges(void **state)
{
    (void)state;
    knob_storage *st, *st2;
    knob_study *s = spiral(&st, 60, KNOB_MINIMIZE), *m = spiral(&st2, 60, KNOB_MAXIMIZE);
    double b[60], early = 0, late = 0;
    for (size_t n = 1; n <= 60; n++) {
        double again, neg;
        assert_int_equal(knob_study_regret_bound(s, n, 7, &b[n - 1]), KNOB_OK);
        assert_int_equal(knob_study_regret_bound(s, n, 7, &again), KNOB_OK);
        assert_int_equal(knob_study_regret_bound(m, n, 7, &neg), KNOB_OK);
        assert_true(isfinite(b[n - 1]) && b[n - 1] >= -1e-9);
        assert_true(again == b[n - 1]);
        assert_true(fabs(neg - b[n - 1]) <= 1e-6 * (1 + b[n - 1]));
    }
    for (int i = 1; i < 21; i++)
        early += b[i] / 20;
    for (int i = 40; i < 60; i++)
        late += b[i] / 20;
    if (!(late < early / 5))
        fail_msg("mean bound over trials 40-59 %g, over 1-20 %g", late, early);
    double all;
    assert_int_equal(knob_study_regret_bound(s, KNOB_REGRET_ALL, 7, &all), KNOB_OK);
    assert_true(all == b[59]);
    knob_study_free(s);
    knob_study_free(m);
    knob_storage_close(st);
    knob_storage_close(st2);
}

static void errors_name_what_is_wrong(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = spiral(&st, 3, KNOB_MINIMIZE);
    double b;
    assert_int_equal(knob_study_regret_bound(NULL, 3, 0, &b), KNOB_EINVAL);
    assert_int_equal(knob_study_regret_bound(s, 3, 0, NULL), KNOB_EINVAL);
    assert_int_equal(knob_study_regret_bound(s, 0, 0, &b), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "no complete trial"));
    /* trials without params: no space to bound */
    knob_direction dir = KNOB_MINIMIZE;
    knob_study_options o = {0};
    o.directions = &dir;
    o.n_objectives = 1;
    knob_study *bare;
    assert_int_equal(knob_study_create(st, "bare", &o, &bare), KNOB_OK);
    knob_trial *t;
    double v = 1;
    assert_int_equal(knob_study_ask(bare, &t), KNOB_OK);
    assert_int_equal(knob_study_tell(bare, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    assert_int_equal(knob_study_regret_bound(bare, KNOB_REGRET_ALL, 0, &b), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "share no param"));
    /* several objectives */
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    o.directions = dirs;
    o.n_objectives = 2;
    knob_study *two;
    assert_int_equal(knob_study_create(st, "two", &o, &two), KNOB_OK);
    assert_int_equal(knob_study_regret_bound(two, KNOB_REGRET_ALL, 0, &b), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "2 objectives"));
    knob_study_free(two);
    knob_study_free(bare);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shrinks_as_the_search_converges),
        cmocka_unit_test(the_same_at_any_scale),
        cmocka_unit_test(errors_name_what_is_wrong),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
