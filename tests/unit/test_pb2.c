/* PB2 (knob_pb2_suggest): the time-varying kernel and the posterior against hand-computed
 * values; the choice: the region whose reward change is higher, the recent times over the
 * old ones (the kernel forgets), intervals running now push a second member elsewhere;
 * bounds, log-free scaling, determinism, the draw without a model, and the errors. */
#include "testutil.h"
#include "knob.h"
#include "pb2.h"
#include "math/sobol.h"

#include <float.h>
#include <math.h>
#include <string.h>

static void kernel_hand_computed(void **state)
{
    (void)state;
    knob__pb2_theta th = {.length = 0.5, .variance = 2, .epsilon = 0.19, .noise = 0.1};
    double a[2] = {0.1, 0.4}, b[2] = {0.4, 0.0};
    /* 2 exp(-0.25 / (2 0.25)) 0.81^(2 / 2) */
    assert_true(fabs(knob__pb2_kernel(&th, 3, a, 1, b, 2) - 0.9825796687344662) < 1e-12);
    assert_true(fabs(knob__pb2_kernel(&th, 1, b, 3, a, 2) - 0.9825796687344662) < 1e-12);
    assert_true(fabs(knob__pb2_kernel(&th, 5, a, 5, a, 2) - 2) < 1e-12);
    /* time alone: 0.81^(4 / 2) */
    assert_true(fabs(knob__pb2_kernel(&th, 0, a, 4, a, 2) - 2 * 0.6561) < 1e-12);
    th.epsilon = 0; /* no forgetting: time does not matter */
    assert_true(fabs(knob__pb2_kernel(&th, 0, a, 100, a, 2) - 2) < 1e-12);
}

static void posterior_hand_computed(void **state)
{
    (void)state;
    knob__pb2_theta th = {.length = 1, .variance = 1, .epsilon = 0.19, .noise = 0.25};
    double t = 0, x = 0.5, y = 1, mean, var;
    assert_int_equal(knob__pb2_posterior(&th, &t, &x, &y, 1, 1, 0, &x, &mean, &var), 0);
    assert_true(fabs(mean - 0.8) < 1e-6); /* k / (k + noise) y */
    assert_true(fabs(var - 0.2) < 1e-6);  /* k - k^2 / (k + noise) */
    assert_int_equal(knob__pb2_posterior(&th, &t, &x, &y, 1, 1, 2, &x, &mean, &var), 0);
    assert_true(fabs(mean - 0.648) < 1e-6);  /* 0.81 / 1.25 */
    assert_true(fabs(var - 0.47512) < 1e-6); /* 1 - 0.81^2 / 1.25 */
}

/* a population's intervals: x in [lo, hi] over `times` times; change f(t, x) */
static size_t population(double *T, double *X, double *Y, int times, int t0,
                         double (*f)(double, double))
{
    size_t n = 0;
    for (int t = t0; t < t0 + times; t++)
        for (int k = 0; k < 8; k++) {
            T[n] = t;
            X[n] = 1e-3 + (k + 0.5 * (t % 2)) / 8.5 * 99; /* spread over [0, 100] */
            Y[n] = f(t, X[n]);
            n++;
        }
    return n;
}

static double bump(double t, double x)
{
    (void)t;
    return exp(-(x - 70) * (x - 70) / (2 * 10 * 10)) + 0.01 * sin(3 * x);
}

static void picks_the_region_of_higher_change(void **state)
{
    (void)state;
    double T[64], X[64], Y[64], lo = 0, hi = 100, out;
    size_t n = population(T, X, Y, 4, 1, bump);
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 5,
                          .seed = 3};
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out > 55 && out < 85);
    double again;
    assert_int_equal(knob_pb2_suggest(&p, &again), KNOB_OK);
    assert_true(again == out); /* deterministic */
    /* the change negated: the best region is now away from 70 */
    for (size_t i = 0; i < n; i++)
        Y[i] = -Y[i];
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out < 45 || out > 95);
}

static double moving(double t, double x)
{
    double at = t < 4 ? 20 : 80; /* the best params move late in training */
    return exp(-(x - at) * (x - at) / (2 * 12 * 12));
}

static void recent_times_outweigh_old_ones(void **state)
{
    (void)state;
    double T[128], X[128], Y[128], lo = 0, hi = 100, out;
    /* times 1..3 favour 20, 4..6 favour 80; as many observations of each */
    size_t n = population(T, X, Y, 6, 1, moving);
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 7,
                          .seed = 1};
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out > 65 && out < 95);
    /* the model itself: a time-varying kernel fits these data better than a fixed one */
    knob__pb2_theta th = {0.3, 1, 0.1, 0.1};
    double u[128], y[128], m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        u[i] = X[i] / 100, m += Y[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        s += (Y[i] - m) * (Y[i] - m) / (double)n;
    for (size_t i = 0; i < n; i++)
        y[i] = (Y[i] - m) / sqrt(s);
    assert_true(isfinite(knob__pb2_fit(&th, T, u, y, n, 1)));
    assert_true(th.epsilon > 0.05);
}

static void a_running_interval_pushes_the_next_elsewhere(void **state)
{
    (void)state;
    /* every change alike, params only in [45, 55]: the bound furthest from the data has the
     * most to teach (the highest sd), so it is chosen; with an interval running there, the
     * other bound is */
    double T[16], X[16], Y[16], lo = 0, hi = 100, alone, beside;
    for (int i = 0; i < 16; i++)
        T[i] = 1 + i / 8, X[i] = 45 + (i % 8) * 10 / 7.0, Y[i] = 0.5;
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = 16,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 3,
                          .seed = 5};
    assert_int_equal(knob_pb2_suggest(&p, &alone), KNOB_OK);
    assert_true(alone < 5 || alone > 95);
    double pt = 3;
    p.n_pending = 1;
    p.pending_time = &pt;
    p.pending_x = &alone;
    assert_int_equal(knob_pb2_suggest(&p, &beside), KNOB_OK);
    assert_true(alone < 50 ? beside > 95 : beside < 5);
}

static void several_params_in_their_bounds(void **state)
{
    (void)state;
    /* 2 params; the change is highest at (0.3, -2) */
    double T[40], X[80], Y[40], lo[2] = {0, -5}, hi[2] = {1, 5}, out[2];
    size_t n = 0;
    for (int t = 1; t <= 5; t++)
        for (int k = 0; k < 8; k++, n++) {
            T[n] = t;
            X[2 * n] = fmod(0.37 * (double)(k * 5 + t), 1.0);
            X[2 * n + 1] = -5 + fmod(0.61 * (double)(k * 7 + 3 * t), 1.0) * 10;
            double a = X[2 * n] - 0.3, b = (X[2 * n + 1] + 2) / 10;
            Y[n] = -(a * a + b * b);
        }
    knob_pb2_problem p = {.d = 2,
                          .lower = lo,
                          .upper = hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 6,
                          .seed = 2};
    assert_int_equal(knob_pb2_suggest(&p, out), KNOB_OK);
    assert_true(fabs(out[0] - 0.3) < 0.2);
    assert_true(fabs(out[1] + 2) < 2);
}

/* The changes' scale does not matter (they are standardized): the same changes times
 * 2^1023 (their sum overflows) or times 2^-1000 (their squares underflow) give the same
 * suggestion. The first gave a NaN model (and read a suggestion never written), the
 * second a model of constant changes. */
static void the_scale_of_the_changes_does_not_matter(void **state)
{
    (void)state;
    double T[40], X[80], Y[40], Z[40], lo[2] = {0, -5}, hi[2] = {1, 5}, want[2], out[2];
    size_t n = 0;
    for (int t = 1; t <= 5; t++)
        for (int k = 0; k < 8; k++, n++) {
            T[n] = t;
            X[2 * n] = fmod(0.37 * (double)(k * 5 + t), 1.0);
            X[2 * n + 1] = -5 + fmod(0.61 * (double)(k * 7 + 3 * t), 1.0) * 10;
            double a = X[2 * n] - 0.3, b = (X[2 * n + 1] + 2) / 10;
            Y[n] = -(a * a + b * b) - 0.5;
        }
    knob_pb2_problem p = {.d = 2,
                          .lower = lo,
                          .upper = hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 6,
                          .seed = 2};
    assert_int_equal(knob_pb2_suggest(&p, want), KNOB_OK);
    assert_true(fabs(want[0] - 0.3) < 0.2);
    double scales[2] = {ldexp(1, 1023), ldexp(1, -1000)};
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < n; i++)
            Z[i] = Y[i] * scales[s];
        p.change = Z;
        out[0] = out[1] = NAN;
        assert_int_equal(knob_pb2_suggest(&p, out), KNOB_OK);
        assert_true(fabs(out[0] - want[0]) < 1e-9 && fabs(out[1] - want[1]) < 1e-9);
    }
}

static void without_a_model_a_uniform_draw(void **state)
{
    (void)state;
    double lo[2] = {1, -1}, hi[2] = {2, 1}, out[2], again[2];
    knob_pb2_problem p = {.d = 2, .lower = lo, .upper = hi, .time_next = 1, .seed = 9};
    assert_int_equal(knob_pb2_suggest(&p, out), KNOB_OK);
    assert_int_equal(knob_pb2_suggest(&p, again), KNOB_OK);
    assert_true(out[0] >= 1 && out[0] <= 2 && out[1] >= -1 && out[1] <= 1);
    assert_memory_equal(out, again, sizeof out);
    p.seed = 10;
    assert_int_equal(knob_pb2_suggest(&p, again), KNOB_OK);
    assert_true(memcmp(out, again, sizeof out) != 0);
}

/* Bounds as wide as a double holds: finite, with a width that is not. The same population
 * as picks_the_region_of_higher_change, its [0, 100] mapped onto [-DBL_MAX, DBL_MAX], gives
 * the same region; every suggestion was DBL_MAX (every x had become 0). */
static void the_widest_bounds_keep_their_scale(void **state)
{
    (void)state;
    double T[64], X[64], Y[64], lo = -DBL_MAX, hi = DBL_MAX, out;
    size_t n = population(T, X, Y, 4, 1, bump);
    for (size_t i = 0; i < n; i++)
        X[i] = (X[i] / 50 - 1) * DBL_MAX;
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 5,
                          .seed = 3};
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out > 0.1 * DBL_MAX && out < 0.7 * DBL_MAX); /* 55 to 85 of [0, 100] */
    /* without a model: a uniform draw, not always the upper bound */
    p.n = 0;
    double a, b;
    assert_int_equal(knob_pb2_suggest(&p, &a), KNOB_OK);
    p.seed = 4;
    assert_int_equal(knob_pb2_suggest(&p, &b), KNOB_OK);
    assert_true(isfinite(a) && isfinite(b) && a != b);
    assert_true(a < DBL_MAX && b < DBL_MAX);
}

static double rising(double t, double x)
{
    (void)t;
    return x / 100;
}

/* A change that rises across the whole range: the suggestion is the upper bound itself,
 * not the double below it (lower + 1 * (upper - lower) rounds there: log(0.01) + (log(0.45)
 * - log(0.01)) is below log(0.45)), as PBT's perturb step gives a value clipped there. */
static void a_bound_is_suggested_exactly(void **state)
{
    (void)state;
    double T[64], X[64], Y[64], lo = log(0.01), hi = log(0.45), out;
    size_t n = population(T, X, Y, 4, 1, rising);
    for (size_t i = 0; i < n; i++)
        X[i] = fmin(hi, lo + X[i] / 100 * (hi - lo));
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = n,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 5,
                          .seed = 3};
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out == hi);
    for (size_t i = 0; i < n; i++)
        Y[i] = -Y[i];
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    assert_true(out == lo);
}

/* Only the 128 latest observations make the model (by time, ties by index: later is newer),
 * wherever they are in the arrays: old ones with a higher bump at 0.2, the latest 128 with
 * one at 0.8; the suggestion is near 0.8. */
static void only_the_latest_observations_count(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double T[N], X[N], Y[N];
    double lo = 0, hi = 1, out;
    knob_pb2_problem p = {.d = 1,
                          .lower = &lo,
                          .upper = &hi,
                          .n = N,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 2,
                          .seed = 5};
    for (int order = 0; order < 2; order++) {
        for (size_t i = 0; i < N; i++) {
            /* order 0: one time, the latest are the last 128; order 1: the latest (time 1)
             * spread through the arrays, every 7th of the first 896 */
            bool late = order == 0 ? i >= N - 128 : i < 896 && i % 7 == 0;
            T[i] = order == 0 ? 1 : late ? 1 : 0;
            X[i] = (double)((i * 7919) % 997) / 996;
            double at = late ? 0.8 : 0.2, h = late ? 0.5 : 1;
            Y[i] = h * exp(-(X[i] - at) * (X[i] - at) / (2 * 0.05 * 0.05));
        }
        assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
        assert_true(out > 0.65 && out < 0.95);
    }
}

/* More params than the 64 it took (arrays of 64 on the stack; d = 65 was refused, and knob
 * run's PB2 left the params past the 64th to pbt's explore): 100 params are suggested, in
 * their bounds, twice alike; d past the Sobol table's dimensions is refused, naming them. */
#define MANY_D 100
#define MANY_N 40
static int many_params(double *out)
{
    double *T = malloc(MANY_N * sizeof *T), *X = malloc(MANY_N * MANY_D * sizeof *X);
    double *Y = malloc(MANY_N * sizeof *Y), *lo = malloc(2 * MANY_D * sizeof *lo),
           *hi = lo + MANY_D;
    if (!T || !X || !Y || !lo) {
        free(T), free(X), free(Y), free(lo);
        return KNOB_ENOMEM;
    }
    for (size_t j = 0; j < MANY_D; j++)
        lo[j] = 0, hi[j] = 1;
    for (size_t i = 0; i < MANY_N; i++) {
        T[i] = 1 + (double)(i / 8);
        for (size_t j = 0; j < MANY_D; j++)
            X[i * MANY_D + j] = fmod(0.37 * (double)(i * 5 + j * 3 + 1) + 0.11 * (double)j, 1.0);
        double a = X[i * MANY_D] - 0.3, b = X[i * MANY_D + MANY_D - 1] - 0.8;
        Y[i] = -(a * a + b * b);
    }
    knob_pb2_problem p = {.d = MANY_D,
                          .lower = lo,
                          .upper = hi,
                          .n = MANY_N,
                          .time = T,
                          .x = X,
                          .change = Y,
                          .time_next = 6,
                          .seed = 3};
    int rc = knob_pb2_suggest(&p, out);
    free(T), free(X), free(Y), free(lo);
    return rc;
}

static void more_params_than_64(void **state)
{
    (void)state;
    double out[MANY_D], again[MANY_D];
    assert_int_equal(many_params(out), KNOB_OK);
    for (size_t j = 0; j < MANY_D; j++)
        assert_true(out[j] >= 0 && out[j] <= 1);
    assert_int_equal(many_params(again), KNOB_OK);
    assert_memory_equal(out, again, sizeof out);

    double lo = 0, hi = 1, one;
    /* the public bound is the Sobol table's */
    assert_int_equal(KNOB_PB2_MAX_PARAMS, knob__sobol_dims);
    knob_pb2_problem p = {.d = 1112, .lower = &lo, .upper = &hi, .time_next = 1};
    assert_int_equal(knob_pb2_suggest(&p, &one), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "d is 1112, expected 1 to 1111"));
}

static void errors_name_what(void **state)
{
    (void)state;
    double lo = 0, hi = 1, out, t[2] = {1, 2}, x[2] = {0.5, 1.5}, y[2] = {0, 1};
    knob_pb2_problem p = {.d = 1, .lower = &lo, .upper = &hi, .time_next = 1};
    assert_int_equal(knob_pb2_suggest(NULL, &out), KNOB_EINVAL);
    assert_int_equal(knob_pb2_suggest(&p, NULL), KNOB_EINVAL);
    p.d = 0;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "d is 0"));
    p.d = 1;
    hi = 0;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 0"));
    hi = 1;
    p.n = 2;
    p.time = t;
    p.x = x;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "NULL"));
    p.change = y;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "observation 1: param 0 is 1.5"));
    x[1] = 0.7;
    y[0] = NAN;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "observation 0"));
    y[0] = 0;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_OK);
    p.time_next = INFINITY;
    assert_int_equal(knob_pb2_suggest(&p, &out), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "time_next"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernel_hand_computed),
        cmocka_unit_test(posterior_hand_computed),
        cmocka_unit_test(picks_the_region_of_higher_change),
        cmocka_unit_test(recent_times_outweigh_old_ones),
        cmocka_unit_test(a_running_interval_pushes_the_next_elsewhere),
        cmocka_unit_test(several_params_in_their_bounds),
        cmocka_unit_test(the_scale_of_the_changes_does_not_matter),
        cmocka_unit_test(without_a_model_a_uniform_draw),
        cmocka_unit_test(the_widest_bounds_keep_their_scale),
        cmocka_unit_test(a_bound_is_suggested_exactly),
        cmocka_unit_test(only_the_latest_observations_count),
        cmocka_unit_test(errors_name_what),
        cmocka_unit_test(more_params_than_64),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
