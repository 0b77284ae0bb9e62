/* The gp sampler's options round_inside (binned params rounded inside the acquisition's
 * search) and incumbent (expected improvement's bar: the best loss observed, or the lowest
 * posterior mean at an observed point); a log int's value asked once only. */
#include "testutil.h"
#include "knob.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Branin on its usual box, both params continuous. */
static knob_trial_state branin(knob_trial *t, void *arg, double *values)
{
    (void)arg;
    double x0, x1;
    if (knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x0) ||
        knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x1))
        return KNOB_TRIAL_FAIL;
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, u = x1 - b * x0 * x0 + c * x0 - 6;
    values[0] = u * u + 10 * (1 - 1 / (8 * M_PI)) * cos(x0) + 10;
    return KNOB_TRIAL_COMPLETE;
}

/* Branin with x1 an int of [0, 15] (16 values) and a third param, an int of [0, 199] (200
 * values: more than the discrete pass tries), whose best value is 37. */
static knob_trial_state branin_int(knob_trial *t, void *arg, double *values)
{
    (void)arg;
    double x0;
    int64_t x1, n;
    if (knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x0) ||
        knob_trial_suggest_int(t, "x1", 0, 15, 1, 0, &x1) ||
        knob_trial_suggest_int(t, "x2", 0, 199, 1, 0, &n))
        return KNOB_TRIAL_FAIL;
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, u = (double)x1 - b * x0 * x0 + c * x0 - 6;
    values[0] = u * u + 10 * (1 - 1 / (8 * M_PI)) * cos(x0) + 10 + pow(((double)n - 37) / 20, 2);
    return KNOB_TRIAL_COMPLETE;
}

/* The params of `trials` trials of gp (options o) on f, into x (trials x 3), and the best
 * value into *best. */
static void run_opts(knob_objective_fn f, const char *o, int trials, double *x, double *best)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    assert_int_equal(knob_sampler_create("gp", o, &sp), 0);
    knob_study_options so = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "round", &so, &s), 0);
    assert_int_equal(knob_study_optimize(s, f, NULL, trials), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), 0);
    assert_int_equal((int)n, trials);
    *best = HUGE_VAL;
    for (int i = 0; i < trials; i++) {
        for (size_t k = 0; k < 3; k++)
            x[i * 3 + (int)k] = k < tr[i]->n_params ? tr[i]->params[k].internal : 0;
        if (tr[i]->state == KNOB_TRIAL_COMPLETE)
            *best = fmin(*best, tr[i]->values[0]);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* round_inside acts on binned params only: on Branin (both continuous) the asks are those
 * without it, bit for bit; with ints they differ, every ask is a point of the space, and
 * over 8 seeds the option finds as good a best as without it. */
static void gp_round_inside_acts_on_binned_params(void **state)
{
    (void)state;
    enum { T = 24, SEEDS = 8 };
    double a[T * 3], b[T * 3], ba, bb;
    run_opts(branin, "seed=1", T, a, &ba);
    run_opts(branin, "seed=1,round_inside=true", T, b, &bb);
    assert_memory_equal(a, b, sizeof a);
    int differ = 0;
    double sum[2] = {0, 0};
    for (int seed = 0; seed < SEEDS; seed++) {
        char o[64];
        snprintf(o, sizeof o, "seed=%d", seed);
        run_opts(branin_int, o, T, a, &ba);
        snprintf(o, sizeof o, "seed=%d,round_inside=true", seed);
        run_opts(branin_int, o, T, b, &bb);
        differ += memcmp(a, b, sizeof a) != 0;
        for (int i = 0; i < T; i++) {
            assert_true(b[i * 3 + 1] == floor(b[i * 3 + 1]) && b[i * 3 + 1] >= 0 &&
                        b[i * 3 + 1] <= 15);
            assert_true(b[i * 3 + 2] == floor(b[i * 3 + 2]) && b[i * 3 + 2] >= 0 &&
                        b[i * 3 + 2] <= 199);
        }
        sum[0] += ba;
        sum[1] += bb;
    }
    print_message("ints: asks differ on %d of %d seeds; mean best %.4f without, %.4f with\n",
                  differ, SEEDS, sum[0] / SEEDS, sum[1] / SEEDS);
    assert_int_equal(differ, SEEDS);
    assert_true(sum[1] <= sum[0] * 1.25);
}

/* incumbent=mean: the lowest posterior mean at the feasible observations, against values
 * computed apart (numpy: K = s2 M(r) with the Matern 5/2 shape M, r^2 = nu (x - x')^2,
 * mean = K (K + noise I)^-1 y) for X = (0.1, 0.4, 0.75, 0.9), y = (0.8, -1.2, -0.9, 0.6),
 * nu = 4, s2 = 1.3, noise 0.4: means 0.24168629, -0.60478105, -0.40921349, -0.02357763;
 * incumbent=observed: the best loss itself. */
static void gp_incumbent_mean_reference(void **state)
{
    (void)state;
    double X[] = {0.1, 0.4, 0.75, 0.9}, y[] = {0.8, -1.2, -0.9, 0.6};
    bool cat[1] = {false}, feas[] = {true, false, true, true};
    bo p = {0};
    p.n_obj = 1;
    p.n_dims = 1;
    p.gp.min_noise = 0;
    assert_int_equal(knob__gp_set_data(&p.gp, X, y, 4, 1, cat), 0);
    p.gp.theta[0] = log(4.0);
    p.gp.theta[1] = log(1.3);
    p.gp.theta[2] = log(0.4);
    assert_int_equal(knob__gp_factor(&p.gp), 0);
    data D = {.X = X, .y = y, .n = 4, .best = -1.2};
    double inc;
    assert_int_equal(knob__bo_incumbent(&p, &D, &inc), 0);
    assert_true(inc == -1.2);
    p.inc_mean = true;
    assert_int_equal(knob__bo_incumbent(&p, &D, &inc), 0);
    assert_true(fabs(inc - -0.604781050186493) < 1e-9);
    /* an infeasible observation is never the incumbent */
    D.feas = feas;
    D.best = -0.9;
    assert_int_equal(knob__bo_incumbent(&p, &D, &inc), 0);
    assert_true(fabs(inc - -0.40921349057698564) < 1e-9);
    /* no feasible observation: no incumbent, left as it is */
    D.best = HUGE_VAL;
    assert_int_equal(knob__bo_incumbent(&p, &D, &inc), 0);
    assert_true(inc == HUGE_VAL);
    knob__gp_free(&p.gp);
}

/* incumbent=mean in a study: a noisy quadratic, every ask a point of the box, and the
 * option refused with another value by name. */
static knob_trial_state noisy(knob_trial *t, void *arg, double *values)
{
    (void)arg;
    double x;
    if (knob_trial_suggest_float(t, "x", -2, 2, 0, 0, &x))
        return KNOB_TRIAL_FAIL;
    double h = sin(1e4 * x); /* a deterministic stand-in for noise */
    values[0] = (x - 0.5) * (x - 0.5) + 0.05 * h;
    return KNOB_TRIAL_COMPLETE;
}

static void gp_incumbent_option(void **state)
{
    (void)state;
    enum { T = 20 };
    double a[T * 3], best;
    run_opts(noisy, "seed=3,incumbent=mean", T, a, &best);
    for (int i = 0; i < T; i++)
        assert_true(a[i * 3] >= -2 && a[i * 3] <= 2);
    assert_true(best < 0.05);
    knob_sampler *sp;
    assert_int_not_equal(knob_sampler_create("gp", "incumbent=median", &sp), 0);
    assert_non_null(strstr(knob_errmsg(), "incumbent"));
}

/* A log int's point is continuous on its log scale until its value is rounded: an ask of a
 * point whose value was asked before went unseen (the model's best asked again up to 8
 * times in 30 trials; in a batch, the same value to several asks). */
static void ask_log_int(knob_trial *t, int64_t *a, int64_t *b)
{
    assert_int_equal(knob_trial_suggest_int(t, "a", 0, 20, 1, 0, a), 0);
    assert_int_equal(knob_trial_suggest_int(t, "b", 1, 64, 1, KNOB_LOG, b), 0);
}

static double log_int_loss(int64_t a, int64_t b)
{
    return fabs((double)a - 7.3) + fabs(log2((double)b) - 2.2);
}

static void gp_asks_no_log_int_value_twice(void **state)
{
    (void)state;
    const char *samplers[][2] = {{"gp", "n_startup_trials=4,seed=%d"}, {"auto", "seed=%d"}};
    for (int which = 0; which < 2; which++)
        for (int seed = 0; seed < 3; seed++) {
            char o[64];
            snprintf(o, sizeof o, samplers[which][1], seed);
            knob_storage *st;
            knob_sampler *sp;
            knob_study *s;
            assert_int_equal(knob_storage_open("memory:", &st), 0);
            assert_int_equal(knob_sampler_create(samplers[which][0], o, &sp), 0);
            knob_study_options so = {.sampler = sp};
            assert_int_equal(knob_study_create(st, "logint", &so, &s), 0);
            int64_t seen[46][2];
            int n = 0;
            /* 30 in turn, then two batches of 8, each asked before any of it is told */
            for (int round = 0; round < 32; round++) {
                int batch = round < 30 ? 1 : 8;
                knob_trial *t[8];
                for (int i = 0; i < batch; i++) {
                    assert_int_equal(knob_study_ask(s, &t[i]), 0);
                    ask_log_int(t[i], &seen[n][0], &seen[n][1]);
                    for (int j = 0; j < n; j++)
                        if (seen[j][0] == seen[n][0] && seen[j][1] == seen[n][1])
                            fail_msg("%s %s: trial %d asks a=%lld b=%lld, as trial %d did",
                                     samplers[which][0], o, n, (long long)seen[n][0],
                                     (long long)seen[n][1], j);
                    n++;
                }
                for (int i = 0; i < batch; i++) {
                    double v = log_int_loss(seen[n - batch + i][0], seen[n - batch + i][1]);
                    assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
                }
            }
            knob_study_free(s);
            knob_storage_close(st);
        }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_round_inside_acts_on_binned_params),
        cmocka_unit_test(gp_incumbent_mean_reference),
        cmocka_unit_test(gp_incumbent_option),
        cmocka_unit_test(gp_asks_no_log_int_value_twice),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
