/* The gp sampler on plateaus: option tie_margin (expected improvement counts only what
 * lies tie_margin below a best that several trials tie) and the interleaved exploration
 * (explore_every, explore_ties, explore_local). */
#include "testutil.h"
#include "terrace.h"
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Branin on its usual box: no two values tie. */
static knob_trial_state branin(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double x0, x1;
    if (knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x0) ||
        knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x1))
        return KNOB_TRIAL_FAIL;
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, u = x1 - b * x0 * x0 + c * x0 - 6;
    values[0] = u * u + 10 * (1 - 1 / (8 * M_PI)) * cos(x0) + 10;
    return KNOB_TRIAL_COMPLETE;
}

/* The params of `trials` trials of gp (options o) on f, into x (trials x 3). */
static void run_opts(knob_objective_fn f, const char *o, int trials, double *x)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    assert_int_equal(knob_sampler_create("gp", o, &sp), 0);
    knob_study_options so = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "ties", &so, &s), 0);
    assert_int_equal(knob_study_optimize(s, f, NULL, trials), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), 0);
    assert_int_equal((int)n, trials);
    for (int i = 0; i < trials; i++)
        for (size_t k = 0; k < 3; k++)
            x[i * 3 + (int)k] = k < tr[i]->n_params ? tr[i]->params[k].internal : 0;
    knob_study_free(s);
    knob_storage_close(st);
}

/* The same with (seed, tie_margin). */
static void run(knob_objective_fn f, int seed, const char *margin, int trials, double *x)
{
    char o[128];
    snprintf(o, sizeof o, "seed=%d,tie_margin=%s", seed, margin);
    run_opts(f, o, trials, x);
}

/* The margin acts on ties at the best only: on Branin (no ties) the asks are those
 * without it, bit for bit; on the terrace (most trials tie at the best) some differ. */
static void gp_tie_margin_acts_on_ties_only(void **state)
{
    (void)state;
    enum { T = 24 };
    double a[T * 3], b[T * 3];
    run(branin, 1, "0", T, a);
    run(branin, 1, "0.5", T, b);
    assert_memory_equal(a, b, sizeof a);
    int differ = 0;
    for (int seed = 0; seed < 4; seed++) {
        run(knob_test_terrace, seed, "0", T, a);
        run(knob_test_terrace, seed, "0.5", T, b);
        differ += memcmp(a, b, sizeof a) != 0;
    }
    print_message("terrace: the asks differ on %d of 4 seeds\n", differ);
    assert_true(differ >= 1);
}

/* Interleaved exploration acts while explore_ties observations tie at the best: on Branin
 * (no ties) explore_ties=2 leaves every ask as without it, bit for bit, and explore_ties=1
 * (always) changes them; on the terrace (ties from the start) explore_ties=2 changes
 * them. */
static void gp_explore_every_acts_while_tied(void **state)
{
    (void)state;
    enum { T = 24 };
    double a[T * 3], b[T * 3];
    run_opts(branin, "seed=1", T, a);
    run_opts(branin, "seed=1,explore_every=2,explore_ties=2", T, b);
    assert_memory_equal(a, b, sizeof a);
    run_opts(branin, "seed=1,explore_every=2,explore_ties=1", T, b);
    assert_memory_not_equal(a, b, sizeof a);
    run_opts(knob_test_terrace, "seed=1", T, a);
    run_opts(knob_test_terrace, "seed=1,explore_every=2,explore_ties=2", T, b);
    assert_memory_not_equal(a, b, sizeof a);
}

/* With explore_local every exploring trial lies near one of the trials before it: every
 * trial after the 10 startup ones explores (explore_every=1), with a step of sd 0.01 of the
 * cube, so each lies within 0.1 of the cube (Branin's box is 15 wide: 1.5) of an earlier
 * trial in both coordinates; without explore_local (the study's Sobol points) some do not. */
static void gp_explore_local_draws_near_the_best(void **state)
{
    (void)state;
    enum { T = 24 };
    double x[T * 3];
    for (int local = 1; local >= 0; local--) {
        run_opts(branin,
                 local ? "seed=4,explore_every=1,explore_local=0.01" : "seed=4,explore_every=1", T,
                 x);
        int far = 0;
        for (int i = 10; i < T; i++) {
            bool near = false;
            for (int j = 0; j < i && !near; j++)
                near = fabs(x[i * 3] - x[j * 3]) <= 1.5 && fabs(x[i * 3 + 1] - x[j * 3 + 1]) <= 1.5;
            far += !near;
        }
        print_message("explore_local=%s: %d of %d trials far from every earlier one\n",
                      local ? "0.01" : "0", far, T - 10);
        if (local)
            assert_int_equal(far, 0);
        else
            assert_true(far > 0);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_tie_margin_acts_on_ties_only),
        cmocka_unit_test(gp_explore_every_acts_while_tied),
        cmocka_unit_test(gp_explore_local_draws_near_the_best),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
