/* The gp sampler on plateaus: option tie_margin (expected improvement counts only what
 * lies tie_margin below a best that several trials tie). */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A terrace at the best value: 0.5 wherever x0 >= 0.3 (70% of the cube), a slope from 0.8
 * to 0.9 elsewhere, and 0.2 in the box x0 < 0.3, 0.6 <= x1 <= 0.95, 0.2 <= x2 <= 0.55 (3.7%
 * of it), as a decision tree scores one value over most of its space. */
static knob_trial_state terrace(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double x[3];
    const char *names[] = {"x0", "x1", "x2"};
    for (int k = 0; k < 3; k++)
        if (knob_trial_suggest_float(t, names[k], 0, 1, 0, 0, &x[k]))
            return KNOB_TRIAL_FAIL;
    if (x[0] >= 0.3)
        values[0] = 0.5;
    else if (x[1] >= 0.6 && x[1] <= 0.95 && x[2] >= 0.2 && x[2] <= 0.55)
        values[0] = 0.2;
    else
        values[0] = 0.8 + 0.1 * x[1] - 0.1 * x[2];
    return KNOB_TRIAL_COMPLETE;
}

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

/* The params of `trials` trials of gp (seed, tie_margin) on f, into x (trials x 3). */
static void run(knob_objective_fn f, int seed, const char *margin, int trials, double *x)
{
    char o[128];
    snprintf(o, sizeof o, "seed=%d,tie_margin=%s", seed, margin);
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
        run(terrace, seed, "0", T, a);
        run(terrace, seed, "0.5", T, b);
        differ += memcmp(a, b, sizeof a) != 0;
    }
    print_message("terrace: the asks differ on %d of 4 seeds\n", differ);
    assert_true(differ >= 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_tie_margin_acts_on_ties_only),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
