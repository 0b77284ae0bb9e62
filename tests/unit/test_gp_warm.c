/* gp's warm start (samplers/gp_warm.c) measured as `bench_tpe warm` measures it
 * (bench/README.md): per seed a source study of Rosenbrock-4 with its optimum moved by 10%
 * of the range (or of its negation, an anti-correlated source), a cold study of
 * Rosenbrock-4, and a study warm-started from the source that runs until it reaches the
 * cold study's best. Fixed seeds and 40 trials, so the counts are exact and each test takes
 * about a second of CPU. */
#include "testutil.h"

#include "knob.h"

#include <math.h>
#include <stdio.h>

#define TRIALS 40
#define SEEDS 4

/* Rosenbrock's function in 4 dimensions, minimum 0 at (1, 1, 1, 1). */
static double rosenbrock(const double *x)
{
    double s = 0;
    for (int i = 0; i < 3; i++)
        s += 100 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1 - x[i]) * (1 - x[i]);
    return s;
}

/* Rosenbrock-4 on [-5, 10]^4 moved by shift in each coordinate, times sign. */
typedef struct pair {
    double shift, sign;
} pair;

static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    const pair *p = ctx;
    double x[4];
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 10, 0, 0, &x[i]))
            return KNOB_TRIAL_FAIL;
        x[i] -= p->shift;
    }
    values[0] = p->sign * rosenbrock(x);
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *study(knob_storage *st, const char *name, const char *opts)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_sampler_create("gp", opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* Trials of Rosenbrock-4 until `trials` or until the best is at most target: the trials run, the
 * best into *best and the trial that first reached it (1-based) into *at. */
static int run_until(knob_study *s, int trials, double target, double *best, int *at)
{
    pair itself = {0, 1};
    *best = INFINITY;
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(objective(t, &itself, &v), KNOB_TRIAL_COMPLETE);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        if (v < *best) {
            *best = v;
            *at = i + 1;
        }
        if (*best <= target)
            return i + 1;
    }
    return trials;
}

/* One seed of the pair: the cold study's trial of its best into *cold, the trials the warm
 * study needs to reach it into *warm (TRIALS + 1: never), and both regrets (Rosenbrock's
 * minimum is 0) after TRIALS. */
static void one_seed(pair src, int seed, int *cold, int *warm, double *cold_regret,
                     double *warm_regret)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    char opts[128];
    snprintf(opts, sizeof opts, "seed=%d", 1000 + seed);
    knob_study *s = study(st, "source", opts);
    assert_int_equal(knob_study_optimize(s, objective, &src, TRIALS), KNOB_OK);
    knob_study_free(s);
    double best_cold, best_warm;
    int at = 0;
    snprintf(opts, sizeof opts, "seed=%d", seed);
    s = study(st, "cold", opts);
    run_until(s, TRIALS, -INFINITY, &best_cold, cold);
    knob_study_free(s);
    snprintf(opts, sizeof opts, "seed=%d,warm_start_study=source", seed);
    s = study(st, "warm", opts);
    int n = run_until(s, TRIALS, best_cold, &best_warm, &at);
    *warm = best_warm <= best_cold ? n : TRIALS + 1;
    *warm_regret = best_warm; /* when it stopped early, at most that after TRIALS */
    *cold_regret = best_cold;
    knob_study_free(s);
    knob_storage_close(st);
}

/* A source whose optimum moved by 10% of the range: on seeds 0..3 the warm study reaches
 * the cold study's best of 40 trials in at most 0.6 of the trials the cold study took
 * (summed over the seeds), and on every seed (measured: 69 trials against 143, 0.48). */
static void shifted_source_reaches_cold_best_sooner(void **state)
{
    (void)state;
    int cold = 0, warm = 0, reached = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        int c, w;
        double rc, rw;
        one_seed((pair){1.5, 1}, seed, &c, &w, &rc, &rw);
        print_message("seed %d: cold best at trial %d (regret %.3g), warm reached it at %d\n", seed,
                      c, rc, w);
        cold += c;
        warm += w;
        reached += w <= TRIALS;
    }
    print_message("shifted source: cold %d trials, warm %d (ratio %.2f), reached %d of %d\n", cold,
                  warm, (double)warm / cold, reached, SEEDS);
    assert_int_equal(reached, SEEDS);
    assert_true(warm <= 0.6 * cold);
}

/* An anti-correlated source (-Rosenbrock-4) costs little: after 40 trials the warm study's
 * regret is within a factor of 10 of the cold study's (geometric mean over seeds 0..3;
 * measured: 10^1.88 against 10^1.59). */
static void negated_source_costs_little(void **state)
{
    (void)state;
    double lc = 0, lw = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        int c, w;
        double rc, rw;
        one_seed((pair){0, -1}, seed, &c, &w, &rc, &rw);
        print_message("seed %d: cold regret %.3g at trial %d; warm %.3g (reached at %d)\n", seed,
                      rc, c, rw, w);
        lc += log10(fmax(rc, 1e-12)) / SEEDS;
        lw += log10(fmax(rw, 1e-12)) / SEEDS;
    }
    print_message("negated source: mean log10 regret cold %.2f, warm %.2f\n", lc, lw);
    assert_true(lw <= lc + 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shifted_source_reaches_cold_best_sooner),
        cmocka_unit_test(negated_source_costs_little),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
