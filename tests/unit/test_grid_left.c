/* knob_study_trials_left on the grid: how many more trials the study runs before its asks
 * say KNOB_EDONE, as the grid sampler counts them. Each case checks the count against the
 * trials an optimize then runs, so the count and the asks follow one rule. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

static knob_sampler *grid_of(const char *space, const char *opts)
{
    const char *key = "search_space";
    knob_sampler *g;
    assert_int_equal(knob_sampler_create_pairs("grid", &key, &space, 1, &g), KNOB_OK);
    if (opts)
        assert_int_equal(knob_sampler_set_option(g, "seed", opts), KNOB_OK);
    return g;
}

static const char *const grid3x2 = "{\"lr\": [0.001, 0.01, 0.1], \"opt\": [\"adam\", \"sgd\"]}";

static knob_study *study_with(knob_storage *st, const char *name, knob_sampler *sampler)
{
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    if (knob_study_create(st, name, &o, &s))
        fail_msg("create: %s", knob_errmsg());
    return s;
}

static knob_trial_state lr_opt(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double lr;
    size_t c;
    const char *opts[] = {"adam", "sgd"};
    if (knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &lr) ||
        knob_trial_suggest_categorical(t, "opt", opts, 2, &c))
        return KNOB_TRIAL_FAIL;
    values[0] = lr + (double)c;
    return KNOB_TRIAL_COMPLETE;
}

static int64_t left_of(knob_study *s)
{
    int64_t left = -1;
    if (knob_study_trials_left(s, &left))
        fail_msg("trials_left: %s", knob_errmsg());
    return left;
}

/* The study's trials, those waiting among them in *waiting. */
static size_t n_trials(knob_study *s, size_t *waiting)
{
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    *waiting = 0;
    for (size_t i = 0; i < n; i++)
        *waiting += trials[i]->state == KNOB_TRIAL_WAITING;
    return n;
}

/* The study runs exactly the trials the count said (its waiting ones and new ones), and
 * then none is left. */
static void runs_what_it_said(knob_study *s, knob_objective_fn fn, int64_t said)
{
    size_t waiting, none;
    size_t before = n_trials(s, &waiting);
    assert_int_equal(knob_study_optimize(s, fn, NULL, 1000), KNOB_OK);
    assert_int_equal((int64_t)(n_trials(s, &none) - before + waiting), said);
    assert_int_equal(none, 0);
    assert_int_equal(left_of(s), 0);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
}

/* Runs one trial of the grid to `state`; cause: its fail_cause. */
static void one_trial(knob_study *s, knob_trial_state state, const char *cause)
{
    knob_trial *t;
    double v;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(lr_opt(t, NULL, &v), KNOB_TRIAL_COMPLETE);
    if (state == KNOB_TRIAL_FAIL)
        assert_int_equal(knob_study_tell_fail(s, t, "stopped", cause), KNOB_OK);
    else
        assert_int_equal(knob_study_tell(s, t, state, &v, 1), KNOB_OK);
}

/* A fresh grid has all its points left; each trial run or running takes one. */
static void fresh_and_after_trials(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of(grid3x2, "1"));
    assert_int_equal(left_of(s), 6);
    one_trial(s, KNOB_TRIAL_COMPLETE, NULL);
    one_trial(s, KNOB_TRIAL_FAIL, "crash"); /* a failed trial ran its point */
    assert_int_equal(left_of(s), 4);
    knob_trial *running;
    assert_int_equal(knob_study_ask(s, &running), KNOB_OK);
    assert_int_equal(left_of(s), 3);
    double v = 0;
    assert_int_equal(knob_study_tell(s, running, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    runs_what_it_said(s, lr_opt, 3);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The call leaves the asks as they were: the same seed asks the same points in the same
 * order with it as without it. */
static void asks_unchanged(void **state)
{
    (void)state;
    double seen[2][6];
    for (int with = 0; with < 2; with++) {
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "g", grid_of(grid3x2, "7"));
        for (int i = 0; i < 6; i++) {
            if (with)
                assert_int_equal(left_of(s), 6 - i);
            knob_trial *t;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(lr_opt(t, NULL, &seen[with][i]), KNOB_TRIAL_COMPLETE);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &seen[with][i], 1),
                             KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < 6; i++)
        assert_true(seen[0][i] == seen[1][i]);
}

/* Waiting trials all run: one enqueued on a point (in full or in part) takes it, one off
 * the grid takes none, one that fixes no param of the grid takes the next point. */
static void enqueued_on_and_off_points(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of(grid3x2, "2"));
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.01, \"opt\": \"sgd\"}"), KNOB_OK);
    assert_int_equal(left_of(s), 6);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1}"), KNOB_OK);
    assert_int_equal(left_of(s), 6);
    assert_int_equal(knob_study_enqueue(s, "{\"other\": 3}"), KNOB_OK);
    assert_int_equal(left_of(s), 6);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.5, \"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(left_of(s), 7);
    runs_what_it_said(s, lr_opt, 7);
    /* every point has run: one enqueued again runs it again, and takes no other */
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1, \"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"opt\": \"adam\"}"), KNOB_OK);
    runs_what_it_said(s, lr_opt, 2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Two enqueued trials that give part of a point each where one point agrees with both:
 * the first takes it, the second one of its own; the count follows the grid's order. */
static void enqueued_in_part_share(void **state)
{
    (void)state;
    for (int seed = 0; seed < 6; seed++) {
        char opt[8];
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "g", grid_of(grid3x2, opt));
        one_trial(s, KNOB_TRIAL_COMPLETE, NULL);
        one_trial(s, KNOB_TRIAL_COMPLETE, NULL);
        assert_int_equal(knob_study_enqueue(s, "{\"opt\": \"sgd\"}"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.001}"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.001, \"opt\": \"sgd\"}"), KNOB_OK);
        runs_what_it_said(s, lr_opt, left_of(s));
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A trial a stop interrupted ran no point: its point is left, and runs again when the study
 * is resumed (a handle of its own, as the next knob run); a retry waiting to run a point
 * takes it. */
static void interrupted_point_left(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = grid_of(grid3x2, "3"), .max_retry = 1};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "g", &o, &s), KNOB_OK);
    one_trial(s, KNOB_TRIAL_FAIL, "interrupted");
    assert_int_equal(left_of(s), 6);
    knob_study_free(s);
    o.sampler = grid_of(grid3x2, "3");
    assert_int_equal(knob_study_load(st, "g", &o, &s), KNOB_OK);
    assert_int_equal(left_of(s), 6);
    one_trial(s, KNOB_TRIAL_COMPLETE, NULL);
    assert_int_equal(left_of(s), 5);
    one_trial(s, KNOB_TRIAL_FAIL, "crash");
    assert_int_equal(left_of(s), 4);
    bool enqueued;
    assert_int_equal(knob_study_retry_trial(s, 2, &enqueued), KNOB_OK);
    assert_true(enqueued);
    assert_int_equal(left_of(s), 5); /* the retry runs its original's point again */
    runs_what_it_said(s, lr_opt, 5);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A value listed twice is two points: [ok, crash, ok] has three. */
static knob_trial_state outcome(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    const char *how[] = {"ok", "crash", "ok"};
    size_t c;
    if (knob_trial_suggest_categorical(t, "how", how, 3, &c))
        return KNOB_TRIAL_FAIL;
    values[0] = (double)c;
    return KNOB_TRIAL_COMPLETE;
}

static void repeated_values(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of("{\"how\": [\"ok\", \"crash\", \"ok\"]}", "4"));
    assert_int_equal(left_of(s), 3);
    knob_trial *t;
    double v;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(outcome(t, NULL, &v), KNOB_TRIAL_COMPLETE);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    assert_int_equal(left_of(s), 2);
    runs_what_it_said(s, outcome, 2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* 0.0 and -0.0 are equal choices to the library, as 1 and 1.0 are: the grid [0.0, -0.0]
 * runs each (it ran choice 0 twice, their texts told apart where their values are not). */
static knob_trial_state zeros(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    const knob_choice z[] = {{KNOB_CHOICE_NUMBER, NULL, 0.0}, {KNOB_CHOICE_NUMBER, NULL, -0.0}};
    size_t c;
    if (knob_trial_suggest_choice(t, "z", z, 2, &c))
        return KNOB_TRIAL_FAIL;
    values[0] = (double)c;
    return KNOB_TRIAL_COMPLETE;
}

static void repeated_zero(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of("{\"z\": [0.0, -0.0]}", "4"));
    assert_int_equal(left_of(s), 2);
    runs_what_it_said(s, zeros, 2);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal((int)n, 2);
    assert_true(tr[0]->values[0] + tr[1]->values[0] == 1); /* choices 0 and 1 */
    knob_study_free(s);
    knob_storage_close(st);
}

/* A retry of the trial that ran the second ok of [ok, crash, ok] runs the second ok again,
 * not the first (that point had run), so every point runs and the count says none left. */
static void retry_of_repeated_value(void **state)
{
    (void)state;
    for (int which = 0; which < 3; which += 2) {
        knob_storage *st = knob_test_memory();
        knob_study_options o = {.sampler = grid_of("{\"how\": [\"ok\", \"crash\", \"ok\"]}", "4"),
                                .max_retry = 1};
        knob_study *s;
        assert_int_equal(knob_study_create(st, "g", &o, &s), KNOB_OK);
        size_t ran[3] = {0};
        int64_t failed = -1;
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double v;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(outcome(t, NULL, &v), KNOB_TRIAL_COMPLETE);
            ran[(size_t)v]++;
            if ((size_t)v == (size_t)which) {
                failed = knob_trial_number(t);
                assert_int_equal(knob_study_tell_fail(s, t, "lost", "crash"), KNOB_OK);
            } else {
                assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
            }
        }
        assert_true(failed >= 0);
        bool enqueued;
        assert_int_equal(knob_study_retry_trial(s, failed, &enqueued), KNOB_OK);
        assert_true(enqueued);
        assert_int_equal(left_of(s), 1);
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(outcome(t, NULL, &v), KNOB_TRIAL_COMPLETE);
        assert_int_equal((int)v, which); /* the retry runs its original's ok */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(left_of(s), 0);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* An array of products: their points together; m is a param of sgd's product alone. */
static knob_trial_state conditional(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    const char *opts[] = {"adam", "sgd"};
    size_t c;
    double m = 0;
    if (knob_trial_suggest_categorical(t, "opt", opts, 2, &c) ||
        (c == 1 && knob_trial_suggest_float(t, "m", 0, 1, 0, 0, &m)))
        return KNOB_TRIAL_FAIL;
    values[0] = m;
    return KNOB_TRIAL_COMPLETE;
}

static void products(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(
        st, "g",
        grid_of("[{\"opt\": [\"sgd\"], \"m\": [0.5, 0.7, 0.9]}, {\"opt\": [\"adam\"]}]", "5"));
    assert_int_equal(left_of(s), 4);
    assert_int_equal(knob_study_enqueue(s, "{\"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(left_of(s), 4);
    runs_what_it_said(s, conditional, 4);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A study reopened with its grid edited: a trial of the old grid runs no point of the new
 * one unless its values are one. */
static void edited_grid(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of(grid3x2, "6"));
    runs_what_it_said(s, lr_opt, 6);
    knob_study_free(s);
    knob_study_options o = {
        .sampler = grid_of("{\"lr\": [0.01, 0.3], \"opt\": [\"sgd\", \"adam\"]}", "6")};
    assert_int_equal(knob_study_load(st, "g", &o, &s), KNOB_OK);
    assert_int_equal(left_of(s), 2);
    runs_what_it_said(s, lr_opt, 2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An interrupted point whose retry waits behind another waiting trial: the retry holds the
 * point, so the trial ahead of it takes another (the count was one too many). */
static knob_trial_state ab(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double a;
    size_t b;
    const char *bs[] = {"x", "y"};
    if (knob_trial_suggest_float(t, "a", 0, 10, 0, 0, &a) ||
        knob_trial_suggest_categorical(t, "b", bs, 2, &b))
        return KNOB_TRIAL_FAIL;
    values[0] = a + (double)b;
    return KNOB_TRIAL_COMPLETE;
}

static const char *const grid_ab = "{\"a\": [2, 3, 4], \"b\": [\"x\", \"y\"]}";

static void retry_behind_another(void **state)
{
    (void)state;
    for (int seed = 20; seed < 30; seed++) {
        char opt[8];
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study_options o = {.sampler = grid_of(grid_ab, opt), .max_retry = 2};
        knob_study *s;
        assert_int_equal(knob_study_create(st, "g", &o, &s), KNOB_OK);
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(ab(t, NULL, &v), KNOB_TRIAL_COMPLETE);
        assert_int_equal(knob_study_tell_fail(s, t, "stopped", "interrupted"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"other\": 1}"), KNOB_OK);
        bool enqueued;
        assert_int_equal(knob_study_retry_trial(s, 0, &enqueued), KNOB_OK);
        assert_true(enqueued);
        knob_study_free(s);
        o.sampler = grid_of(grid_ab, opt);
        assert_int_equal(knob_study_load(st, "g", &o, &s), KNOB_OK);
        assert_int_equal(left_of(s), 6);
        runs_what_it_said(s, ab, 6);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A value listed twice with its first enqueued: the trial runs the first ok, so it takes
 * that point, whatever the order; the count said one left when the asks were done. */
static void repeated_value_enqueued(void **state)
{
    (void)state;
    for (int seed = 0; seed < 12; seed++) {
        char opt[8];
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "g", grid_of("{\"how\": [\"ok\", \"crash\", \"ok\"]}", opt));
        assert_int_equal(knob_study_enqueue(s, "{\"how\": \"ok\"}"), KNOB_OK);
        assert_int_equal(left_of(s), 3);
        runs_what_it_said(s, outcome, 3);
        /* each point ran once: the choices 0, 1 and 2 */
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 3);
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += trials[i]->params[0].internal;
        assert_true(sum == 3);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* max_trials caps the count: new trials only while the study holds fewer, its waiting ones
 * whatever it holds. */
static void max_trials_caps(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = grid_of(grid3x2, "8"), .max_trials = 3};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "g", &o, &s), KNOB_OK);
    assert_int_equal(left_of(s), 3);
    one_trial(s, KNOB_TRIAL_COMPLETE, NULL);
    assert_int_equal(left_of(s), 2);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1}"), KNOB_OK);
    assert_int_equal(left_of(s), 2);
    runs_what_it_said(s, lr_opt, 2);
    knob_study_free(s);
    /* a study at max_trials with waiting trials: those alone */
    o = (knob_study_options){.sampler = grid_of(grid3x2, "8"), .max_trials = 2};
    assert_int_equal(knob_study_create(st, "h", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1}"), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(left_of(s), 2);
    runs_what_it_said(s, lr_opt, 2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An enqueued value outside the param's range (a in [0, 10]) is sampled from the grid: the
 * trial runs the next point, which the count takes once a trial has shown the range. */
static void enqueued_out_of_range(void **state)
{
    (void)state;
    for (int seed = 0; seed < 6; seed++) {
        char opt[8];
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "g", grid_of(grid_ab, opt));
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(ab(t, NULL, &v), KNOB_TRIAL_COMPLETE);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 50}"), KNOB_OK);
        assert_int_equal(left_of(s), 5);
        /* with b given, the point it runs is one of that b (it took the next point, of
         * either b, claimed it, and ran another) */
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 50, \"b\": \"x\"}"), KNOB_OK);
        assert_int_equal(left_of(s), 5);
        /* in range, off the grid: it runs its own value, and takes no point */
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 5, \"b\": \"x\"}"), KNOB_OK);
        assert_int_equal(left_of(s), 6);
        runs_what_it_said(s, ab, 6);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(knob_trial_info_param(trials[2], "b")->internal, 0); /* b x */
        /* with every point run, one off the grid still runs (a queued trial does) */
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 5, \"b\": \"y\"}"), KNOB_OK);
        assert_int_equal(left_of(s), 1);
        runs_what_it_said(s, ab, 1);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* The same before any trial has suggested a: the grid cannot tell the value does not fit
 * until the trial suggests it, and then takes the next point of b x, which it runs (it took
 * the next point, of either b, and a point never ran while the count said it was left). */
static void enqueued_out_of_range_first(void **state)
{
    (void)state;
    for (int seed = 0; seed < 12; seed++) {
        char opt[8];
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "g", grid_of(grid_ab, opt));
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 50, \"b\": \"x\"}"), KNOB_OK);
        assert_int_equal(knob_study_optimize(s, ab, NULL, 100), KNOB_OK);
        size_t waiting;
        assert_int_equal(n_trials(s, &waiting), 6); /* it ran a point: six in all */
        assert_int_equal(left_of(s), 0);
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(knob_trial_info_param(trials[0], "b")->internal, 0); /* b x */
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A large grid with points enqueued in full and in part: the count matches what runs. */
static void many_enqueued(void **state)
{
    (void)state;
    char space[512] = "{\"a\": [";
    for (int i = 0; i < 12; i++)
        snprintf(space + strlen(space), sizeof space - strlen(space), "%s%d", i ? "," : "", i);
    strcat(space, "], \"b\": [\"x\", \"y\"]}");
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "g", grid_of(space, "9"));
    for (int i = 0; i < 3; i++) {
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(ab(t, NULL, &v), KNOB_TRIAL_COMPLETE);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    for (int i = 0; i < 10; i++) {
        char e[64];
        if (i % 3 == 2)
            snprintf(e, sizeof e, "{\"b\": \"%s\"}", i % 2 ? "x" : "y");
        else
            snprintf(e, sizeof e, "{\"a\": %d, \"b\": \"%s\"}", (i * 5) % 12, i % 2 ? "x" : "y");
        assert_int_equal(knob_study_enqueue(s, e), KNOB_OK);
    }
    int64_t said = left_of(s);
    assert_int_equal(left_of(s), said);
    runs_what_it_said(s, ab, said);
    knob_study_free(s);
    knob_storage_close(st);
}

/* a in [0, 100] beside a grid of a in 1..7 */
static knob_trial_state abc(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double a;
    size_t b, c;
    const char *bs[] = {"x", "y", "z"}, *cs[] = {"ok", "crash", "fine"};
    if (knob_trial_suggest_float(t, "a", 0, 100, 0, 0, &a) ||
        knob_trial_suggest_categorical(t, "b", bs, 3, &b) ||
        knob_trial_suggest_categorical(t, "c", cs, 3, &c))
        return KNOB_TRIAL_FAIL;
    values[0] = a + (double)b + (double)c;
    return KNOB_TRIAL_COMPLETE;
}

static const char *const grid_abc = "{\"a\": [1, 2, 3, 4, 5, 6, 7], \"b\": [\"x\", \"y\", "
                                    "\"z\"], \"c\": [\"ok\", \"crash\", \"fine\"]}";

/* Asks a trial of s and runs it (abc) to the end; its grid_id, or grid_values, in *point, its
 * c in *c. */
static void run_one(knob_study *s, knob_objective_fn fn, const char *attr, char *point, size_t size,
                    size_t *c)
{
    knob_trial *t;
    double v;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(fn(t, NULL, &v), KNOB_TRIAL_COMPLETE);
    const char *id = knob_trial_system_attr(t, attr);
    assert_non_null(id);
    snprintf(point, size, "%s", id);
    *c = (size_t)knob_trial_param(t, 2)->internal; /* c */
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* An enqueued value off the grid but inside its param's range runs as it is, and the params
 * it does not give take the values of the next point in the order, as a trial not enqueued
 * would (it took the next point of the values it gives instead, which only a value its
 * param does not take needs). */
static void enqueued_in_range_off_grid(void **state)
{
    (void)state;
    for (int seed = 0; seed < 8; seed++) {
        char opt[8], plain[32], queued[32];
        size_t c_plain, c_queued;
        snprintf(opt, sizeof opt, "%d", seed);
        knob_storage *st = knob_test_memory();
        /* a study of plain trials: its second trial's point */
        knob_study *p = study_with(st, "plain", grid_of(grid_abc, opt));
        run_one(p, abc, "grid_id", plain, sizeof plain, &c_plain);
        run_one(p, abc, "grid_id", plain, sizeof plain, &c_plain);
        knob_study_free(p);
        /* the same with its second trial enqueued off the grid */
        knob_study *s = study_with(st, "g", grid_of(grid_abc, opt));
        run_one(s, abc, "grid_id", queued, sizeof queued, &c_queued);
        assert_int_equal(knob_study_enqueue(s, "{\"a\": 3.5, \"b\": \"z\"}"), KNOB_OK);
        assert_int_equal(left_of(s), 63); /* it takes no point */
        run_one(s, abc, "grid_values", queued, sizeof queued, &c_queued);
        assert_string_equal(queued, plain);
        assert_int_equal(c_queued, c_plain);
        runs_what_it_said(s, abc, left_of(s));
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A sampler with no end says so; a grid without a grid is refused as its ask is. */
static void unsupported_and_errors(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_sampler *r;
    assert_int_equal(knob_sampler_create("random", "seed=1", &r), KNOB_OK);
    knob_study *s = study_with(st, "r", r);
    int64_t left = 42;
    assert_int_equal(knob_study_trials_left(s, &left), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "'random'"));
    assert_int_equal(left, 42);
    assert_int_equal(knob_study_trials_left(s, NULL), KNOB_EINVAL);
    assert_int_equal(knob_study_trials_left(NULL, &left), KNOB_EINVAL);
    knob_study_free(s);
    knob_sampler *g;
    assert_int_equal(knob_sampler_create("grid", "seed=1", &g), KNOB_OK);
    s = study_with(st, "empty", g);
    assert_int_equal(knob_study_trials_left(s, &left), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "search_space"));
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_and_after_trials),
        cmocka_unit_test(asks_unchanged),
        cmocka_unit_test(enqueued_on_and_off_points),
        cmocka_unit_test(enqueued_in_part_share),
        cmocka_unit_test(interrupted_point_left),
        cmocka_unit_test(repeated_values),
        cmocka_unit_test(repeated_zero),
        cmocka_unit_test(products),
        cmocka_unit_test(edited_grid),
        cmocka_unit_test(unsupported_and_errors),
        cmocka_unit_test(retry_behind_another),
        cmocka_unit_test(retry_of_repeated_value),
        cmocka_unit_test(repeated_value_enqueued),
        cmocka_unit_test(max_trials_caps),
        cmocka_unit_test(enqueued_out_of_range),
        cmocka_unit_test(enqueued_out_of_range_first),
        cmocka_unit_test(many_enqueued),
        cmocka_unit_test(enqueued_in_range_off_grid),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
