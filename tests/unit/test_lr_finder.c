/* The learning-rate range test on synthetic loss curves whose steepest descent, minimum
 * and divergence point are known. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define assert_double_equal(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/* A loss against log10(rate) x: falls like a tanh centred at x = -3.5 (the steepest
 * descent), flat near 0.2 up to x = -2, then grows as (rate / 0.01)^4. */
static double curve(double rate)
{
    double x = log10(rate), base = 1.1 - 0.9 * tanh(2 * (x + 3.5));
    if (x <= -2)
        return base;
    return (1.1 - 0.9 * tanh(3)) * pow(rate / 0.01, 4);
}

static double rate_at(const knob_lr_finder_options *o, int64_t i)
{
    return o->min_rate * pow(o->max_rate / o->min_rate, (double)i / (double)(o->steps - 1));
}

/* Runs the finder on `curve` until it is done; the steps taken. */
static size_t run(knob_lr_finder *f)
{
    bool done = false;
    size_t n = 0;
    while (!done) {
        double r = knob_lr_finder_rate(f);
        assert_true(isfinite(r));
        assert_int_equal(knob_lr_finder_step(f, curve(r), &done), KNOB_OK);
        n++;
    }
    assert_true(isnan(knob_lr_finder_rate(f)));
    return n;
}

static void known_points_without_smoothing(void **state)
{
    (void)state;
    knob_lr_finder_options o = {1e-6, 10, 141, -1, 4};
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    size_t n = run(f);
    /* divergence: the first step past 0.01 * 4^(1/4), where the loss is 4x its minimum */
    int64_t first = 0;
    while (rate_at(&o, first) <= 0.01 * pow(4, 0.25))
        first++;
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    assert_int_equal(n, (size_t)first + 1);
    assert_int_equal(res.n_steps, n);
    assert_double_equal(res.diverge_rate, rate_at(&o, first), 1e-12);
    /* steps are 0.05 decades apart: the steepest point is x = -3.5 exactly on the grid */
    assert_double_equal(log10(res.steepest_rate), -3.5, 1e-9);
    assert_double_equal(log10(res.min_loss_rate), -2, 1e-9);
    assert_double_equal(res.min_loss, 1.1 - 0.9 * tanh(3), 1e-12);
    assert_double_equal(res.suggested_rate, pow(10, -3.5), 1e-12);
    const double *rates, *loss, *smooth;
    assert_int_equal(knob_lr_finder_curve(f, &rates, &loss, &smooth), n);
    for (size_t i = 0; i < n; i++) {
        assert_double_equal(rates[i], rate_at(&o, (int64_t)i), 1e-12 * rates[i]);
        assert_double_equal(loss[i], smooth[i], 0);
    }
    bool done;
    assert_int_equal(knob_lr_finder_step(f, 1, &done), KNOB_ESTATE);
    knob_lr_finder_free(f);
}

static void smoothing_lags_and_still_stops(void **state)
{
    (void)state;
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(NULL, &f), KNOB_OK); /* 1e-7 .. 10, 200, 0.98 */
    run(f);
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    /* the average lags the raw loss: it diverges later, but within half a decade */
    assert_true(res.diverge_rate > 0.01 * pow(4, 0.25));
    assert_true(res.diverge_rate < 0.05);
    /* and its steepest descent comes a little after the curve's */
    assert_true(log10(res.steepest_rate) > -3.6 && log10(res.steepest_rate) < -2.9);
    const double *loss, *smooth;
    size_t n = knob_lr_finder_curve(f, NULL, &loss, &smooth);
    /* bias-corrected: the first smoothed value is the first loss */
    assert_double_equal(smooth[0], loss[0], 1e-12);
    assert_true(n > 100 && n < 200);
    assert_true(res.suggested_rate <= res.min_loss_rate / 10 + 1e-15);
    knob_lr_finder_free(f);
}

static void a_loss_that_never_diverges_runs_to_max(void **state)
{
    (void)state;
    knob_lr_finder_options o = {.min_rate = 1e-5, .max_rate = 1e-3, .steps = 50};
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    assert_int_equal(run(f), 50);
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_false(res.diverged);
    assert_true(isnan(res.diverge_rate));
    assert_double_equal(res.min_loss_rate, 1e-3, 1e-15);
    knob_lr_finder_free(f);
}

/* A loss below 0 (a negative log-likelihood) that falls to -2 and then blows up: it diverges
 * once it has risen 3 times its size (4x, the default) above its lowest, to past +4, as a
 * positive loss does at 4 times its lowest; it never stopped (4 * -2 is no bound). */
static void a_negative_loss_diverges_too(void **state)
{
    (void)state;
    knob_lr_finder_options o = {.min_rate = 1e-4, .max_rate = 1, .steps = 40, .smoothing = -1};
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    bool done = false;
    int i = 0;
    for (; !done; i++) {
        double loss = i < 20 ? -0.1 * i : -1.9 + (i - 19); /* -1.9 at 19, +4.1 at 25 */
        assert_int_equal(knob_lr_finder_step(f, loss, &done), KNOB_OK);
    }
    assert_int_equal(i, 26); /* steps 0 .. 25: +4.1 - (-1.9) = 6 > 3 * 1.9; +3.1 is not */
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    assert_double_equal(res.min_loss, -1.9, 1e-12);
    knob_lr_finder_free(f);
}

/* A range whose ratio overflows a double (max_rate / min_rate > DBL_MAX) still has every
 * rate: they were NaN (0 times log(inf) at the first step). */
static void a_range_wider_than_a_double_has_every_rate(void **state)
{
    (void)state;
    knob_lr_finder_options o = {.min_rate = 1e-300, .max_rate = 1e300, .steps = 3};
    knob_lr_finder *f;
    bool done = false;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    double want[3] = {1e-300, 1, 1e300};
    for (int i = 0; i < 3; i++) {
        double r = knob_lr_finder_rate(f);
        assert_true(fabs(r / want[i] - 1) < 1e-9);
        assert_int_equal(knob_lr_finder_step(f, 3.0 - i, &done), KNOB_OK);
    }
    assert_true(done);
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(fabs(res.min_loss_rate / 1e300 - 1) < 1e-9);
    knob_lr_finder_free(f);
}

static void nan_loss_diverges_at_once(void **state)
{
    (void)state;
    knob_lr_finder *f;
    bool done = false;
    assert_int_equal(knob_lr_finder_create(NULL, &f), KNOB_OK);
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_ESTATE);
    /* too few steps, not a divergence: the message says so, and no lower min_rate */
    assert_non_null(strstr(knob_errmsg(), "0 steps recorded; at least 2 are needed"));
    assert_null(strstr(knob_errmsg(), "divergence"));
    for (int i = 0; i < 3; i++)
        assert_int_equal(knob_lr_finder_step(f, 2.0 - i * 0.1, &done), KNOB_OK);
    assert_false(done);
    assert_int_equal(knob_lr_finder_step(f, NAN, &done), KNOB_OK);
    assert_true(done);
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    assert_int_equal(res.n_steps, 4);
    knob_lr_finder_free(f);
}

/* A network's first losses are single noisy minibatches: the first 40 losses of the digits
 * network at batch size 16 (examples/digits, lr from 1e-5 in 300 steps to 10), then a
 * descent from 2.7 to 0.8 centred at rate 1e-2 and a divergence. The suggestion lies in the
 * descent, not in the first steps' noise (with the steepest descent looked for from step 10
 * it was 1.9e-05, step 14, as the real run gave). */
static void early_noise_is_not_the_descent(void **state)
{
    (void)state;
    static const double first[40] = {2.517, 2.919, 2.622, 2.856, 2.773, 2.668, 2.914, 2.693,
                                     3.148, 2.518, 2.466, 3.237, 2.906, 3.096, 2.281, 2.524,
                                     2.693, 2.377, 2.628, 2.697, 2.576, 3.039, 2.710, 2.331,
                                     2.605, 2.893, 2.515, 3.232, 2.796, 2.583, 2.600, 2.145,
                                     2.874, 2.811, 2.996, 2.812, 2.432, 2.204, 2.640, 2.426};
    knob_lr_finder_options o = {.min_rate = 1e-5, .max_rate = 10, .steps = 300};
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    bool done = false;
    for (int i = 0; !done; i++) {
        double x = log10(knob_lr_finder_rate(f));
        double loss = i < 40 ? first[i] : 1.75 - 0.95 * tanh(2 * (x + 2));
        if (x > -0.5)
            loss *= pow(10, 4 * (x + 0.5));
        assert_int_equal(knob_lr_finder_step(f, loss, &done), KNOB_OK);
    }
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    print_message("steepest %.3g, suggested %.3g\n", res.steepest_rate, res.suggested_rate);
    assert_true(log10(res.steepest_rate) > -3 && log10(res.steepest_rate) < -1);
    assert_true(res.suggested_rate > 1e-3);
    knob_lr_finder_free(f);
}

/* A lowest smoothed loss of exactly 0 (a fitted batch, a hinge loss): a rise after it is a
 * divergence, as 4 x 0 is exceeded (the test never stopped once the loss had been 0). */
static void a_lowest_loss_of_zero_still_diverges(void **state)
{
    (void)state;
    knob_lr_finder_options o = {.min_rate = 1e-3, .max_rate = 1, .steps = 50, .smoothing = -1};
    knob_lr_finder *f;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    bool done = false;
    static const double loss[] = {1, 0.75, 0.5, 0.25, 0, 0, 0, 0, 0, 0, 1e6};
    for (size_t i = 0; i < sizeof loss / sizeof *loss; i++) {
        assert_false(done);
        assert_int_equal(knob_lr_finder_step(f, loss[i], &done), KNOB_OK);
    }
    assert_true(done);
    knob_lr_finder_result res;
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    assert_int_equal(res.n_steps, 11);
    knob_lr_finder_free(f);
}

/* A loss that diverges at the second step was lowest at the first rate: the result says so,
 * with the suggestion below the range (it was KNOB_ESTATE, "1 steps before divergence"). */
static void a_divergence_at_the_second_step_has_a_result(void **state)
{
    (void)state;
    knob_lr_finder_options o = {.min_rate = 1e-3, .max_rate = 1, .steps = 10};
    knob_lr_finder *f;
    knob_lr_finder_result res;
    bool done = false;
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    assert_int_equal(knob_lr_finder_step(f, 1, &done), KNOB_OK);
    assert_int_equal(knob_lr_finder_step(f, 1000, &done), KNOB_OK);
    assert_true(done);
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_OK);
    assert_true(res.diverged);
    assert_double_equal(res.min_loss_rate, 1e-3, 1e-15);
    assert_double_equal(res.suggested_rate, 1e-4, 1e-16);
    assert_double_equal(res.diverge_rate, rate_at(&o, 1), 1e-12);
    knob_lr_finder_free(f);
    /* diverged at the first step: nothing to suggest */
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
    assert_int_equal(knob_lr_finder_step(f, NAN, &done), KNOB_OK);
    assert_int_equal(knob_lr_finder_result_get(f, &res), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "diverged at the first step"));
    knob_lr_finder_free(f);
}

/* The last step's rate is max_rate exactly (it was an ulp above in most ranges: 10 became
 * 10.000000000000011 from 1e-6 in 2 to 6 steps). */
static void the_last_rate_is_max_rate(void **state)
{
    (void)state;
    static const double mins[] = {1e-6, 1e-7, 1e-5, 3e-4};
    for (size_t m = 0; m < sizeof mins / sizeof *mins; m++) {
        for (int64_t steps = 2; steps <= 300; steps++) {
            knob_lr_finder_options o = {
                .min_rate = mins[m], .max_rate = 10, .steps = steps, .smoothing = -1};
            knob_lr_finder *f;
            assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_OK);
            bool done = false;
            double last = 0;
            while (!done) {
                last = knob_lr_finder_rate(f);
                assert_true(last <= 10);
                assert_int_equal(knob_lr_finder_step(f, 1, &done), KNOB_OK);
            }
            assert_true(last == 10);
            knob_lr_finder_free(f);
        }
    }
}

static void bad_options_are_named(void **state)
{
    (void)state;
    knob_lr_finder *f = (knob_lr_finder *)1;
    knob_lr_finder_options o = {.min_rate = -1};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    assert_null(f);
    assert_non_null(strstr(knob_errmsg(), "min_rate"));
    o = (knob_lr_finder_options){.min_rate = 1, .max_rate = 0.5};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "max_rate"));
    o = (knob_lr_finder_options){.max_rate = INFINITY};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "max_rate must be a finite number, got inf"));
    o = (knob_lr_finder_options){.steps = 1};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "steps"));
    o = (knob_lr_finder_options){.smoothing = 1};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    o = (knob_lr_finder_options){.diverge_factor = 0.5};
    assert_int_equal(knob_lr_finder_create(&o, &f), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "diverge_factor"));
    knob_lr_finder_free(NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_points_without_smoothing),
        cmocka_unit_test(smoothing_lags_and_still_stops),
        cmocka_unit_test(a_loss_that_never_diverges_runs_to_max),
        cmocka_unit_test(a_negative_loss_diverges_too),
        cmocka_unit_test(a_range_wider_than_a_double_has_every_rate),
        cmocka_unit_test(nan_loss_diverges_at_once),
        cmocka_unit_test(early_noise_is_not_the_descent),
        cmocka_unit_test(a_lowest_loss_of_zero_still_diverges),
        cmocka_unit_test(a_divergence_at_the_second_step_has_a_result),
        cmocka_unit_test(the_last_rate_is_max_rate),
        cmocka_unit_test(bad_options_are_named),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
