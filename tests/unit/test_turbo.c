/* gp's trust region (TuRBO-1, samplers/turbo.c): the box's update rules replayed from a
 * history (doubling, halving, restarts, the initial design), the box around the best, and
 * a search that beats random on Ackley 20-D with fixed seeds. */
#include "testutil.h"

#include "knob.h"
#include "samplers/turbo.h"

#include <math.h>

static void rules(void **state)
{
    (void)state;
    knob__turbo_rules r = knob__turbo_default_rules(2, 5);
    assert_int_equal(r.fail_tol, 4); /* max(4, d) */
    assert_int_equal(knob__turbo_default_rules(30, 5).fail_tol, 30);
    assert_int_equal(r.succ_tol, 3);
    assert_true(r.length_init == 0.8 && r.length_max == 1.6 && r.length_min == 1.0 / 128);
}

static void initial_design(void **state)
{
    (void)state;
    knob__turbo_rules r = knob__turbo_default_rules(2, 5);
    double y[5] = {5, 4, 3, 2, 1};
    knob__turbo_state st;
    knob__turbo_replay(&r, y, 4, &st);
    assert_true(st.init);
    knob__turbo_replay(&r, y, 5, &st);
    assert_false(st.init);
    assert_int_equal(st.best, 4);
    /* improvements inside the design are no successes */
    assert_int_equal(st.succ, 0);
    assert_true(st.length == 0.8);
}

static void doubling_and_halving(void **state)
{
    (void)state;
    knob__turbo_rules r = knob__turbo_default_rules(2, 2);
    /* design 10, 9; then 3 successes: 0.8 -> 1.6; 3 more: stays at the cap */
    double y[32] = {10, 9, 8, 7, 6, 5, 4, 3};
    knob__turbo_state st;
    knob__turbo_replay(&r, y, 4, &st);
    assert_int_equal(st.succ, 2);
    knob__turbo_replay(&r, y, 5, &st);
    assert_true(st.length == 1.6);
    assert_int_equal(st.succ, 0);
    knob__turbo_replay(&r, y, 8, &st);
    assert_true(st.length == 1.6);
    /* a failure resets the successes; 4 failures in a row halve */
    for (int i = 8; i < 12; i++)
        y[i] = 3; /* no better than the best: failures */
    knob__turbo_replay(&r, y, 11, &st);
    assert_int_equal(st.fail, 3);
    knob__turbo_replay(&r, y, 12, &st);
    assert_true(st.length == 0.8);
    assert_int_equal(st.fail, 0);
    /* an improvement smaller than 1e-3 of the best is a failure */
    y[12] = 3 - 1e-4;
    knob__turbo_replay(&r, y, 13, &st);
    assert_int_equal(st.fail, 1);
    assert_int_equal(st.best, 12);
    y[13] = 2;
    knob__turbo_replay(&r, y, 14, &st);
    assert_int_equal(st.fail, 0);
    assert_int_equal(st.succ, 1);
}

static void restart(void **state)
{
    (void)state;
    knob__turbo_rules r = knob__turbo_default_rules(2, 3);
    double y[64];
    for (int i = 0; i < 64; i++)
        y[i] = i == 1 ? 0 : 1;
    /* 0.8 halves 7 times (4 failures each) to 0.00625 < 2^-7: the region ends after trial
     * 3 + 28 - 1 = 30 */
    knob__turbo_state st;
    knob__turbo_replay(&r, y, 30, &st);
    assert_int_equal(st.restarts, 0);
    assert_true(fabs(st.length - 0.8 / 64) < 1e-15);
    knob__turbo_replay(&r, y, 31, &st);
    assert_int_equal(st.restarts, 1);
    assert_int_equal(st.start, 31);
    assert_true(st.length == 0.8);
    assert_true(st.init); /* a new design of 3 */
    knob__turbo_replay(&r, y, 34, &st);
    assert_false(st.init);
    assert_int_equal(st.best, 31); /* the new region's best, not trial 1 of the old */
}

static void box(void **state)
{
    (void)state;
    double c[2] = {0.5, 0.05}, theta[2] = {0, 0}, lo[2], hi[2];
    knob__turbo_box(c, theta, 0.4, 2, lo, hi);
    assert_true(fabs(lo[0] - 0.3) < 1e-12 && fabs(hi[0] - 0.7) < 1e-12);
    assert_true(lo[1] == 0 && fabs(hi[1] - 0.25) < 1e-12); /* clipped to the cube */
    /* length scales 2 and 0.5 (theta = log 1/ls^2): sides 2x and 0.5x, their product kept */
    double th[2] = {log(0.25), log(4)}, c2[2] = {0.5, 0.5};
    knob__turbo_box(c2, th, 0.2, 2, lo, hi);
    assert_true(fabs((hi[0] - lo[0]) - 0.4) < 1e-12);
    assert_true(fabs((hi[1] - lo[1]) - 0.1) < 1e-12);
}

static double ackley(const double *x, int d)
{
    double s1 = 0, s2 = 0;
    for (int i = 0; i < d; i++) {
        s1 += x[i] * x[i];
        s2 += cos(2 * M_PI * x[i]);
    }
    return -20 * exp(-0.2 * sqrt(s1 / d)) - exp(s2 / d) + 20 + M_E;
}

static double run(const char *sampler, const char *opts, int trials)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "a", &o, &s), KNOB_OK);
    double best = INFINITY, x[20];
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        char name[8];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int k = 0; k < 20; k++) {
            snprintf(name, sizeof name, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, name, -5, 10, 0, 0, &x[k]), KNOB_OK);
        }
        double y = ackley(x, 20);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        best = fmin(best, y);
    }
    knob_study_free(s);
    knob_storage_close(st);
    return best;
}

/* Ackley 20-D, 80 trials, seeds 1 and 2: the trust region's best below random's, each. */
static void beats_random_20d(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 2; seed++) {
        char o[64];
        snprintf(o, sizeof o, "seed=%d,trust_region=true", seed);
        double tr = run("gp", o, 80);
        snprintf(o, sizeof o, "seed=%d", seed);
        double rnd = run("random", o, 80);
        print_message("seed %d: trust region %.3f, random %.3f\n", seed, tr, rnd);
        assert_true(tr < rnd - 1);
    }
}

/* On a grid of steps (two params of step 0.1 on [0, 1], 121 points), the model's asks
 * repeat no trial: a box narrower than a step rounded every draw to the best trial, asked
 * 20 to 26 times in 40 trials. */
static void no_repeats_on_steps(void **state)
{
    (void)state;
    for (int seed = 0; seed < 3; seed++) {
        knob_storage *st;
        knob_sampler *sp;
        knob_study *s;
        char o[64];
        snprintf(o, sizeof o, "seed=%d,trust_region=true", seed);
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        assert_int_equal(knob_sampler_create("gp", o, &sp), KNOB_OK);
        knob_study_options so = {.sampler = sp};
        assert_int_equal(knob_study_create(st, "steps", &so, &s), KNOB_OK);
        double seen[40][2];
        int repeats = 0;
        for (int i = 0; i < 40; i++) {
            knob_trial *t;
            double a, b;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "a", 0, 1, 0.1, 0, &a), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "b", 0, 1, 0.1, 0, &b), KNOB_OK);
            for (int j = 0; j < i; j++)
                repeats += seen[j][0] == a && seen[j][1] == b;
            seen[i][0] = a, seen[i][1] = b;
            double y = (a - 0.3) * (a - 0.3) + (b - 0.3) * (b - 0.3);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        /* a restart's first trials are random draws, which may hit a trial (seed 2: one) */
        if (repeats > 2)
            fail_msg("seed %d: %d asks repeat a trial", seed, repeats);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules),
        cmocka_unit_test(initial_design),
        cmocka_unit_test(doubling_and_halving),
        cmocka_unit_test(restart),
        cmocka_unit_test(box),
        cmocka_unit_test(beats_random_20d),
        cmocka_unit_test(no_repeats_on_steps),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
