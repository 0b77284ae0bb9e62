/* The brute_force sampler: every combination of a conditional define-by-run space once,
 * then KNOB_EDONE; running trials; a seed reproduces the order; an infinite space is
 * refused. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static knob_study *study_with(knob_storage *st, const char *name, const char *opts)
{
    knob_sampler *sampler;
    if (knob_sampler_create("brute_force", opts, &sampler))
        fail_msg("sampler: %s", knob_errmsg());
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    if (knob_study_create(st, name, &o, &s))
        fail_msg("create: %s", knob_errmsg());
    return s;
}

/* Optuna's example: c in {float, int}; float: x in 1..3 step 0.5 (5); int: a in 1..3,
 * b in a..3 (6). 11 combinations. The key of one: a number unique to it. */
static int objective(knob_trial *t, double *y)
{
    static const char *const kinds[] = {"float", "int"};
    size_t c;
    int rc = knob_trial_suggest_categorical(t, "c", kinds, 2, &c);
    if (rc)
        return rc;
    if (c == 0) {
        double x;
        if ((rc = knob_trial_suggest_float(t, "x", 1, 3, 0.5, 0, &x)))
            return rc;
        *y = x * 2; /* 2..6 */
        return 0;
    }
    int64_t a, b;
    if ((rc = knob_trial_suggest_int(t, "a", 1, 3, 1, 0, &a)) ||
        (rc = knob_trial_suggest_int(t, "b", a, 3, 1, 0, &b)))
        return rc;
    *y = (double)(10 * a + b); /* 11..33 */
    return 0;
}

/* Runs the study until it is done; the keys in order into keys[], their count returned. */
static int run_all(knob_study *s, double *keys, int cap)
{
    int n = 0;
    for (;;) {
        knob_trial *t;
        int rc = knob_study_ask(s, &t);
        if (rc == KNOB_EDONE)
            break;
        assert_int_equal(rc, KNOB_OK);
        assert_true(n < cap);
        double y;
        assert_int_equal(objective(t, &y), KNOB_OK);
        keys[n++] = y;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    assert_non_null(strstr(knob_errmsg(), "every combination"));
    return n;
}

static void every_combination_once(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    double keys[2][40];
    for (int k = 0; k < 2; k++) {
        knob_study *s = study_with(st, k ? "b" : "a", "seed=5");
        assert_int_equal(run_all(s, keys[k], 40), 11);
        knob_study_free(s);
    }
    /* each once: 2, 3, 4, 5, 6 and 11, 12, 13, 22, 23, 33 */
    static const double all[] = {2, 3, 4, 5, 6, 11, 12, 13, 22, 23, 33};
    for (size_t i = 0; i < 11; i++) {
        int seen = 0;
        for (int j = 0; j < 11; j++)
            seen += keys[0][j] == all[i];
        if (seen != 1)
            fail_msg("combination %g tried %d times", all[i], seen);
    }
    /* the same seed, the same order */
    assert_memory_equal(keys[0], keys[1], 11 * sizeof(double));
    knob_storage_close(st);
}

/* Asks made together before any trial suggested a param (a batch, Python's ask and ask
 * again): nothing is known of the space, and the second ask goes on (it said every
 * combination had been tried); once the trials hold their params and end, the space of
 * two is spent. */
static void asks_before_any_param(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = study_with(st, "together", "seed=2");
    knob_trial *t[2];
    int64_t v[2];
    assert_int_equal(knob_study_ask(s, &t[0]), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t[1]), KNOB_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(knob_trial_suggest_int(t[i], "n", 0, 1, 1, 0, &v[i]), KNOB_OK);
    for (int i = 0; i < 2; i++) {
        double y = (double)v[i];
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_trial *u = NULL;
    int rc = knob_study_ask(s, &u);
    if (v[0] == v[1]) { /* asked blind, the two may meet: the other value is left */
        assert_int_equal(rc, KNOB_OK);
        int64_t w;
        assert_int_equal(knob_trial_suggest_int(u, "n", 0, 1, 1, 0, &w), KNOB_OK);
        assert_true(w != v[0]);
        double y = 0;
        assert_int_equal(knob_study_tell(s, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        rc = knob_study_ask(s, &u);
    }
    assert_int_equal(rc, KNOB_EDONE);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A combination a running trial is on: the study is done without it by default (another
 * worker runs it), and not with avoid_premature_stop. */
static void running_trials(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    for (int avoid = 0; avoid < 2; avoid++) {
        knob_study *s = study_with(st, avoid ? "avoid" : "default",
                                   avoid ? "seed=1,avoid_premature_stop=true" : "seed=1");
        int64_t n;
        knob_trial *t, *last = NULL;
        for (int i = 0; i < 3; i++) {
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_int(t, "n", 0, 2, 1, 0, &n), KNOB_OK);
            if (i < 2) {
                double y = (double)n;
                assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
            } else {
                last = t; /* still running */
            }
        }
        int rc = knob_study_ask(s, &t);
        if (!avoid) {
            assert_int_equal(rc, KNOB_EDONE);
        } else {
            assert_int_equal(rc, KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        }
        double y = 0;
        assert_int_equal(knob_study_tell(s, last, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* A float without a step has no end of values: refused, naming the param. A pruned or
 * failed trial's combination counts as tried. */
static void infinite_space_refused(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = study_with(st, "inf", NULL);
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'x' is a float without a step"));
    assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0.5, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0.5, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    }
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    double seen = 0;
    for (size_t i = 0; i < n; i++)
        seen += knob_trial_info_param(tr[i], "y")->internal;
    assert_true(seen == 1.5); /* 0, 0.5 and 1 */
    knob_study_free(s);
    knob_storage_close(st);
}

/* A trial a stop interrupted (fail_cause "interrupted", as knob run marks it on Ctrl-C) ran
 * no combination: its combination runs again, and then the study is done. A trial that
 * failed otherwise ran its combination. n in {0, 1, 2}: 0 fails, 1 is interrupted, then 2
 * trials run (1 again and 2), and no more. */
static void interrupted_combination_runs_again(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = study_with(st, "interrupted", "seed=3");
    int runs[3] = {0}, n_asks = 0;
    knob_trial *t;
    int rc;
    while ((rc = knob_study_ask(s, &t)) == KNOB_OK) {
        assert_true(++n_asks <= 6);
        int64_t n;
        assert_int_equal(knob_trial_suggest_int(t, "n", 0, 2, 1, 0, &n), KNOB_OK);
        runs[n]++;
        double y = (double)n;
        if (runs[n] == 1 && n < 2) {
            if (n == 1)
                assert_int_equal(knob_trial_set_system_attr(t, "fail_cause", "\"interrupted\""),
                                 KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        } else {
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
    }
    assert_int_equal(rc, KNOB_EDONE);
    assert_int_equal(runs[0], 1); /* a program's failure: its combination ran */
    assert_int_equal(runs[1], 2); /* interrupted, then run */
    assert_int_equal(runs[2], 1);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A float of one value (low == high, on a linear or a log scale) has one value without a
 * step, as in Optuna: enumerated, not refused as infinite. x in {0, 1} beside them: two
 * combinations, then done. */
static void one_value_float_enumerated(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = study_with(st, "one", "seed=2");
    double sum = 0;
    for (int i = 0; i < 2; i++) {
        knob_trial *t;
        double a, l;
        int64_t x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        if (knob_trial_suggest_float(t, "a", 2.5, 2.5, 0, 0, &a) ||
            knob_trial_suggest_float(t, "l", 1e-3, 1e-3, 0, KNOB_LOG, &l))
            fail_msg("trial %d: %s", i, knob_errmsg());
        assert_true(a == 2.5 && l == 1e-3);
        assert_int_equal(knob_trial_suggest_int(t, "x", 0, 1, 1, 0, &x), KNOB_OK);
        double y = (double)x;
        sum += y;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    assert_true(sum == 1);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Suggests n in [0, high] (and, under n == 0, m in [0, 1]) in a new trial and tells it;
 * KNOB_EDONE when the study is done. */
static int changing_trial(knob_study *s, int64_t high)
{
    knob_trial *t;
    int rc = knob_study_ask(s, &t);
    if (rc)
        return rc;
    int64_t n, m = 0;
    assert_int_equal(knob_trial_suggest_int(t, "n", 0, high, 1, 0, &n), KNOB_OK);
    if (n == 0)
        assert_int_equal(knob_trial_suggest_int(t, "m", 0, 1, 1, 0, &m), KNOB_OK);
    double y = (double)(n + m);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    return KNOB_OK;
}

/* The objective's space changes between trials (define-by-run): the study enumerates the
 * space its newest trials define, and ends when that one is done, whatever the older
 * trials held. n in [0, first] for `before` trials, then in [0, then] until done: the new
 * space has then + 2 combinations (n 0 with m 0 or 1, n 1 .. then), of which the older
 * trials ran none. */
static void change_space(knob_storage *st, const char *name, int64_t first, int before,
                         int64_t then)
{
    knob_study *s = study_with(st, name, "seed=3");
    for (int i = 0; i < before; i++)
        assert_int_equal(changing_trial(s, first), KNOB_OK);
    int n = 0, rc;
    while (n < 40 && (rc = changing_trial(s, then)) == KNOB_OK)
        n++;
    assert_int_equal(rc, KNOB_EDONE);
    assert_int_equal(n, then + 2);
    knob_study_free(s);
}

/* A study an older knob began: its stepped float's top was low + k step, 0.8999999999999999
 * for [0, 0.9] by 0.3, where knob now stores 0.9. The two are one distribution with the
 * same points (knob__dist_equal), so the trials begun under the old one are on the new
 * one's paths: 4 trials in all, none asked twice (the old top was asked again, and
 * 0.3 and 0.6 of the older trials counted as other values). */
static void older_stepped_floats_are_the_same_points(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 6; seed++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_study *s = study_with(st, "old", opts);
        double seen[8];
        int n = 0;
        for (;; n++) {
            knob_trial *t;
            int rc = knob_study_ask(s, &t);
            if (rc == KNOB_EDONE)
                break;
            assert_int_equal(rc, KNOB_OK);
            assert_true(n < 8);
            double x;
            /* two trials as the older knob held the range, then as a user writes it */
            double high = n < 2 ? 0.8999999999999999 : 0.9;
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, high, 0.3, 0, &x), KNOB_OK);
            for (int i = 0; i < n; i++)
                if (fabs(seen[i] - x) < 1e-9)
                    fail_msg("seed %d: trial %d asked %.17g again", seed, n, x);
            seen[n] = x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        }
        assert_int_equal(n, 4);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static void changing_space(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    change_space(st, "shrinks", 5, 2, 2);
    change_space(st, "grows", 1, 1, 3);
    knob_storage_close(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_combination_once),
    cmocka_unit_test(running_trials),
    cmocka_unit_test(interrupted_combination_runs_again),
    cmocka_unit_test(asks_before_any_param),
    cmocka_unit_test(infinite_space_refused),
    cmocka_unit_test(one_value_float_enumerated),
    cmocka_unit_test(changing_space),
    cmocka_unit_test(older_stepped_floats_are_the_same_points),
};
KNOB_TEST_MAIN(tests)
