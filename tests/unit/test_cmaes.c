/* CMA-ES: solves a rotated ellipsoid, handles ints, reproduces, restarts. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define DIM 5

/* A rotated, shifted ellipsoid with condition number 1e4 on [-5, 5]^5. */
static double ellipsoid(const double *x)
{
    static const double shift[DIM] = {1.0, -2.0, 0.5, 3.0, -1.5};
    double y[DIM], f = 0;
    for (int i = 0; i < DIM; i++)
        y[i] = x[i] - shift[i];
    /* rotation: a fixed product of Givens rotations by 0.5 rad in each plane (i, i+1) */
    for (int i = 0; i + 1 < DIM; i++) {
        double c = cos(0.5), s = sin(0.5), a = y[i], b = y[i + 1];
        y[i] = c * a - s * b;
        y[i + 1] = s * a + c * b;
    }
    for (int i = 0; i < DIM; i++)
        f += pow(1e4, (double)i / (DIM - 1)) * y[i] * y[i];
    return f;
}

static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    double x[DIM];
    char name[8];
    (void)ctx;
    for (int i = 0; i < DIM; i++) {
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 5, 0, 0, &x[i]))
            return KNOB_TRIAL_FAIL;
    }
    values[0] = ellipsoid(x);
    return KNOB_TRIAL_COMPLETE;
}

/* The same ellipsoid without the rotation: separable. */
static knob_trial_state axis_objective(knob_trial *t, void *ctx, double *values)
{
    double f = 0;
    char name[8];
    (void)ctx;
    for (int i = 0; i < DIM; i++) {
        double x;
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 5, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        f += pow(1e4, (double)i / (DIM - 1)) * (x - 1) * (x - 1);
    }
    values[0] = f;
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *cma_study(knob_storage *st, const char *opts)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_sampler_create("cmaes", opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "cma", &o, &s), KNOB_OK);
    return s;
}

static void solves_rotated_ellipsoid(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=1,restart_strategy=none");
    assert_int_equal(knob_study_optimize(s, objective, NULL, 1500), KNOB_OK);
    double best;
    assert_int_equal(knob_study_best_value(s, &best), KNOB_OK);
    print_message("cmaes best after 1500 trials: %g\n", best);
    assert_true(best < 1e-6);
    knob_study_free(s);
    knob_storage_close(st);
}

static void separable_makes_progress(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *r;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=2,separable=true,restart_strategy=none");
    assert_int_equal(knob_study_optimize(s, axis_objective, NULL, 400), KNOB_OK);
    knob_sampler *rs;
    knob_sampler_create("random", "seed=2", &rs);
    knob_study_options o = {.sampler = rs};
    assert_int_equal(knob_study_create(st, "rnd", &o, &r), KNOB_OK);
    assert_int_equal(knob_study_optimize(r, axis_objective, NULL, 400), KNOB_OK);
    double bc, br;
    knob_study_best_value(s, &bc);
    knob_study_best_value(r, &br);
    print_message("sep-cmaes %g, random %g after 400 trials\n", bc, br);
    assert_true(bc < br / 100);
    knob_study_free(s);
    knob_study_free(r);
    knob_storage_close(st);
}

/* Integers: the margin keeps the search moving to the optimum 7 of each coordinate. */
static knob_trial_state int_objective(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double f = 0;
    char name[8];
    for (int i = 0; i < 4; i++) {
        int64_t k;
        snprintf(name, sizeof name, "k%d", i);
        if (knob_trial_suggest_int(t, name, 0, 20, 1, 0, &k))
            return KNOB_TRIAL_FAIL;
        f += (double)((k - 7) * (k - 7)) * (i + 1);
    }
    values[0] = f;
    return KNOB_TRIAL_COMPLETE;
}

static void integers_reach_optimum(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=3");
    assert_int_equal(knob_study_optimize(s, int_objective, NULL, 300), KNOB_OK);
    double best;
    knob_study_best_value(s, &best);
    assert_true(best == 0);
    knob_study_free(s);
    knob_storage_close(st);
}

static void reproducible_and_restarts(void **state)
{
    (void)state;
    double bests[2];
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        /* A tiny budget per run forces IPOP restarts on this easy problem. */
        knob_study *s = cma_study(st, "seed=4,restart_strategy=ipop");
        assert_int_equal(knob_study_optimize(s, int_objective, NULL, 200), KNOB_OK);
        knob_study_best_value(s, &bests[k]);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        int64_t max_gen = 0;
        for (size_t i = 0; i < n; i++) {
            const char *g = knob_trial_info_attr(tr[i], "cma:gen", true);
            if (g && atoll(g) > max_gen)
                max_gen = atoll(g);
        }
        assert_true(max_gen > 5);
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_true(bests[0] == bests[1]);
    knob_sampler *bad;
    assert_int_equal(knob_sampler_create("cmaes", "restart_strategy=often", &bad), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("cmaes", "x0=notjson", &bad), KNOB_EINVAL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solves_rotated_ellipsoid),
        cmocka_unit_test(separable_makes_progress),
        cmocka_unit_test(integers_reach_optimum),
        cmocka_unit_test(reproducible_and_restarts),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
