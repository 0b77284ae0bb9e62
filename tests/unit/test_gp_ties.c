/* The gp sampler on plateaus: option tie_margin (expected improvement counts only what
 * lies tie_margin below a best that several trials tie), the interleaved exploration
 * (explore_every, explore_ties, explore_local), the step mask (step_mask) and the terrace
 * model (terrace). */
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
/* A 2-D quadratic (minimum 0) in the unit ctx points to: tiny losses are no ties. */
static knob_trial_state tiny_bowl(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    if (knob_trial_suggest_float(t, "x", -2, 2, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 20, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    values[0] = *(const double *)ctx * ((x - 0.3) * (x - 0.3) + (y - 7) * (y - 7) / 100);
    return KNOB_TRIAL_COMPLETE;
}

/* Losses of 1e-13 and below are as distinct as losses of 1: the plateau rule, which took
 * losses within 1e-12 of each other for ties whatever their size, explored the whole space
 * from trial 15 on (the best of 30 trials 3.3e-4, 3.8e-5 and 4.2e-6 above the minimum on
 * seeds 0-2, in units of the scale, against 8.3e-11 to 8.2e-9 at scale 1). */
static void gp_ties_in_any_unit(void **state)
{
    (void)state;
    for (int seed = 0; seed < 3; seed++) {
        double scale = 1e-13, best = INFINITY;
        char o[32];
        snprintf(o, sizeof o, "seed=%d", seed);
        knob_storage *st;
        knob_sampler *sp;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), 0);
        assert_int_equal(knob_sampler_create("gp", o, &sp), 0);
        knob_study_options so = {.sampler = sp};
        assert_int_equal(knob_study_create(st, "tiny", &so, &s), 0);
        assert_int_equal(knob_study_optimize(s, tiny_bowl, &scale, 30), 0);
        assert_int_equal(knob_study_best_value(s, &best), 0);
        if (!(best / scale < 1e-6))
            fail_msg("seed %d: best %g of the unit", seed, best / scale);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

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

/* The step mask acts where observations tie: on Branin (no ties) step_mask=3 leaves every
 * ask as without it, bit for bit; on the terrace (a step over 70% of the cube) some asks
 * differ on every seed of 0..3. */
static void gp_step_mask_acts_on_ties_only(void **state)
{
    (void)state;
    enum { T = 24 };
    double a[T * 3], b[T * 3];
    run_opts(branin, "seed=1", T, a);
    run_opts(branin, "seed=1,step_mask=3", T, b);
    assert_memory_equal(a, b, sizeof a);
    for (int seed = 0; seed < 4; seed++) {
        char o[64];
        snprintf(o, sizeof o, "seed=%d", seed);
        run_opts(knob_test_terrace, o, T, a);
        snprintf(o, sizeof o, "seed=%d,step_mask=3", seed);
        run_opts(knob_test_terrace, o, T, b);
        assert_memory_not_equal(a, b, sizeof a);
    }
}

/* The interleaved explorations fill the cube: with explore_every=4 and explore_ties=1 (every
 * fourth trial explores, ties or not) on Branin, the explored trials after the startup
 * (numbers 12, 16, ..., 80) lie in both halves of each axis, at least a quarter of them in
 * each. Taken at every fourth index of the plateau's Sobol sequence they lay in one half of
 * each axis (all 18 in x0 >= 2.5 and x1 >= 7.5 for seed 3). */
static void gp_interleaved_explorations_fill_the_cube(void **state)
{
    (void)state;
    enum { T = 84 };
    double x[T * 3];
    for (int seed = 3; seed < 6; seed++) {
        char o[64];
        snprintf(o, sizeof o, "seed=%d,explore_every=4,explore_ties=1", seed);
        run_opts(branin, o, T, x);
        int n = 0, low[2] = {0, 0};
        for (int i = 12; i < T; i += 4, n++) {
            low[0] += x[i * 3] < 2.5;
            low[1] += x[i * 3 + 1] < 7.5;
        }
        print_message("seed %d: of %d explored trials, %d in x0 < 2.5, %d in x1 < 7.5\n", seed,
                      n, low[0], low[1]);
        for (int k = 0; k < 2; k++) {
            assert_true(4 * low[k] >= n);
            assert_true(4 * (n - low[k]) >= n);
        }
    }
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

/* The terrace model acts on ties at the best only: on Branin (no ties) terrace=2 leaves
 * every ask as without it, bit for bit. On the terrace (0.5 over 70% of the cube, the best
 * value until the box at 0.2 is found) plain gp, its plateau exploration aside, asks the
 * step again and again: over seeds 0..7, of the asks after the startup made while the best
 * was 0.5 (and more than one trial tied it), fewer land on the step with the model than
 * without it, and the box is found on at least as many seeds. */
static void gp_terrace_model_leaves_the_step(void **state)
{
    (void)state;
    enum { T = 30, SEEDS = 8 };
    double a[T * 3], b[T * 3];
    run_opts(branin, "seed=1", T, a);
    run_opts(branin, "seed=1,terrace=2", T, b);
    assert_memory_equal(a, b, sizeof a);
    /* the batch hedge acts beside running trials only: one trial at a time, as without */
    run_opts(knob_test_terrace, "seed=1", T, a);
    run_opts(knob_test_terrace, "seed=1,batch_acquisition=hedge", T, b);
    assert_memory_equal(a, b, sizeof a);
    int on_step[2] = {0, 0}, asked[2] = {0, 0}, found[2] = {0, 0};
    for (int with = 0; with < 2; with++)
        for (int seed = 0; seed < SEEDS; seed++) {
            char o[64];
            snprintf(o, sizeof o, "seed=%d%s", seed, with ? ",terrace=2" : "");
            run_opts(knob_test_terrace, o, T, a);
            int ties = 0;
            bool box = false;
            for (int i = 0; i < T; i++) {
                const double *x = a + i * 3;
                bool step = x[0] >= 0.3;
                bool in_box = !step && x[1] >= 0.6 && x[1] <= 0.95 && x[2] >= 0.2 && x[2] <= 0.55;
                if (i >= 10 && !box && ties >= 2) {
                    asked[with]++;
                    on_step[with] += step;
                }
                ties += step;
                box |= in_box;
            }
            found[with] += box;
        }
    print_message("asks on the step while it was the best: without the model %d of %d, with it "
                  "%d of %d; the box found on %d / %d of %d seeds\n",
                  on_step[0], asked[0], on_step[1], asked[1], found[0], found[1], SEEDS);
    assert_true(on_step[1] * asked[0] < on_step[0] * asked[1]);
    assert_true(found[1] >= found[0]);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_tie_margin_acts_on_ties_only),
        cmocka_unit_test(gp_ties_in_any_unit),
        cmocka_unit_test(gp_explore_every_acts_while_tied),
        cmocka_unit_test(gp_interleaved_explorations_fill_the_cube),
        cmocka_unit_test(gp_explore_local_draws_near_the_best),
        cmocka_unit_test(gp_step_mask_acts_on_ties_only),
        cmocka_unit_test(gp_terrace_model_leaves_the_step),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
