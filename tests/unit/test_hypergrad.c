/* Hypergradient descent: each step's hypergradient against a central finite difference of
 * the loss after the last step with respect to that step's rate, for SGD, SGD with
 * momentum and Adam; the rate adapts (a too small one grows and beats the fixed rate);
 * bounds; the float form; option errors; a saved state resumes exactly, a wrong one is
 * refused. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define N 5
static const double A[N] = {1.0, 2.0, 0.5, 4.0, 3.0}, B[N] = {1.0, -2.0, 0.5, 3.0, -1.0};

/* A convex quadratic with a non-diagonal term: 1/2 sum a_i x_i^2 - b.x + 1/2 (x_0 x_1)^2 */
static double loss(const double *x)
{
    double s = 0.5 * (x[0] * x[1]) * (x[0] * x[1]);
    for (int i = 0; i < N; i++)
        s += 0.5 * A[i] * x[i] * x[i] - B[i] * x[i];
    return s;
}

static void grad(const double *x, double *g)
{
    for (int i = 0; i < N; i++)
        g[i] = A[i] * x[i] - B[i];
    g[0] += x[0] * x[1] * x[1];
    g[1] += x[1] * x[0] * x[0];
}

static void check_against_fd(knob_hypergrad_options o)
{
    knob_hypergrad *h;
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_OK);
    double x[N] = {0.3, -0.2, 1.0, 0.5, -0.7}, g[N], before[N];
    double fd = 0;
    for (int t = 0; t < 30; t++) {
        grad(x, g);
        assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
        if (t > 0) {
            double hg = knob_hypergrad_hypergradient(h);
            assert_true(fabs(hg - fd) <= 1e-6 * (1 + fabs(fd)));
        }
        /* the loss after this step as a function of the rate it used: x = before - r d */
        double r = knob_hypergrad_rate(h), d[N], up[N], down[N], e = 1e-6;
        if (t == 0) /* the first step's "before" is the start */
            memcpy(before, (double[N]){0.3, -0.2, 1.0, 0.5, -0.7}, sizeof before);
        for (int i = 0; i < N; i++) {
            d[i] = (before[i] - x[i]) / r;
            up[i] = before[i] - (r + e) * d[i];
            down[i] = before[i] - (r - e) * d[i];
        }
        fd = (loss(up) - loss(down)) / (2 * e);
        memcpy(before, x, sizeof before);
    }
    knob_hypergrad_free(h);
}

static void sgd_matches_finite_differences(void **state)
{
    (void)state;
    check_against_fd(
        (knob_hypergrad_options){.method = KNOB_HYPERGRAD_SGD, .rate = 0.05, .hyper_rate = 0.01});
}

static void momentum_matches_finite_differences(void **state)
{
    (void)state;
    check_against_fd((knob_hypergrad_options){
        .method = KNOB_HYPERGRAD_SGD, .rate = 0.02, .hyper_rate = 0.005, .momentum = 0.8});
}

static void adam_matches_finite_differences(void **state)
{
    (void)state;
    check_against_fd(
        (knob_hypergrad_options){.method = KNOB_HYPERGRAD_ADAM, .rate = 0.01, .hyper_rate = 1e-4});
}

static double train(knob_hypergrad_options o, int steps, double *final_rate)
{
    knob_hypergrad *h;
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_OK);
    double x[N] = {0}, g[N];
    for (int t = 0; t < steps; t++) {
        grad(x, g);
        assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    }
    *final_rate = knob_hypergrad_rate(h);
    knob_hypergrad_free(h);
    return loss(x);
}

static void a_small_rate_grows_and_wins(void **state)
{
    (void)state;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_SGD, .rate = 1e-3, .hyper_rate = 1e-3};
    double r_hd, r_fixed;
    double l_hd = train(o, 200, &r_hd);
    o.hyper_rate = 0;
    double l_fixed = train(o, 200, &r_fixed);
    assert_true(r_fixed == 1e-3);
    assert_true(r_hd > 10 * 1e-3);
    assert_true(l_hd < l_fixed - 0.1);
    /* within bounds */
    o.hyper_rate = 1e-3;
    o.max_rate = 0.004;
    train(o, 200, &r_hd);
    assert_true(r_hd <= 0.004);
}

static void float_form_follows_double(void **state)
{
    (void)state;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_ADAM, .rate = 0.01, .hyper_rate = 1e-4};
    knob_hypergrad *hd, *hf;
    assert_int_equal(knob_hypergrad_create(&o, N, &hd), KNOB_OK);
    assert_int_equal(knob_hypergrad_create(&o, N, &hf), KNOB_OK);
    double x[N] = {0}, g[N];
    float xf[N] = {0}, gf[N];
    for (int t = 0; t < 50; t++) {
        grad(x, g);
        for (int i = 0; i < N; i++)
            gf[i] = (float)g[i];
        assert_int_equal(knob_hypergrad_step(hd, x, g), KNOB_OK);
        assert_int_equal(knob_hypergrad_step_f(hf, xf, gf), KNOB_OK);
        for (int i = 0; i < N; i++) {
            assert_true(fabs(x[i] - xf[i]) < 1e-4);
            x[i] = xf[i]; /* the same point for both */
        }
    }
    assert_true(fabs(knob_hypergrad_rate(hd) - knob_hypergrad_rate(hf)) < 1e-6);
    g[2] = NAN;
    assert_int_equal(knob_hypergrad_step(hd, x, g), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "gradient 2"));
    knob_hypergrad_free(hd);
    knob_hypergrad_free(hf);
}

/* Finite gradients whose product with the last direction overflows: with hyper_rate 0 the
 * rate stays (0 times an infinite hypergradient is no NaN); with hyper_rate > 0 the step
 * is refused and changes nothing, where the rate and every param used to become NaN. */
static void an_overflowing_hypergradient_is_refused(void **state)
{
    (void)state;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_SGD, .rate = 1, .hyper_rate = 0};
    knob_hypergrad *h;
    double x[2] = {0, 0}, g[2] = {1e200, 1e200};
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    assert_true(knob_hypergrad_rate(h) == 1);
    assert_true(isfinite(x[0]) && isfinite(x[1]));
    knob_hypergrad_free(h);

    o.hyper_rate = 1e-3;
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    double before[2] = {x[0], x[1]};
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "hypergradient"));
    assert_non_null(strstr(knob_errmsg(), "step 2"));
    assert_true(x[0] == before[0] && x[1] == before[1]);
    assert_true(knob_hypergrad_rate(h) == 1);
    assert_true(knob_hypergrad_hypergradient(h) == 0);
    /* a usable gradient afterwards steps as before */
    double small[2] = {1, 1};
    assert_int_equal(knob_hypergrad_step(h, x, small), KNOB_OK);
    assert_true(isfinite(knob_hypergrad_rate(h)) && isfinite(x[0]));
    float xf[2] = {0, 0}, gf[2] = {3e38f, 3e38f};
    knob_hypergrad_free(h);
    o.hyper_rate = 1e300;
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step_f(h, xf, gf), KNOB_OK);
    assert_int_equal(knob_hypergrad_step_f(h, xf, gf), KNOB_EINVAL); /* the rate would be inf */
    assert_true(knob_hypergrad_rate(h) == 1);
    knob_hypergrad_free(h);
    /* a rate that overflows to -inf (the gradient turned against the last step) or to +inf
     * under a finite max_rate is refused as well: it was clamped to the bound and taken */
    for (int up = 0; up < 2; up++) {
        o = (knob_hypergrad_options){
            .method = KNOB_HYPERGRAD_SGD, .rate = 1, .hyper_rate = 1e300, .max_rate = 10};
        double y[2] = {0, 0}, first[2] = {1, 1}, big[2] = {up ? 1e10 : -1e10, up ? 1e10 : -1e10};
        assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
        assert_int_equal(knob_hypergrad_step(h, y, first), KNOB_OK);
        double was[2] = {y[0], y[1]};
        assert_int_equal(knob_hypergrad_step(h, y, big), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "step 2"));
        assert_true(knob_hypergrad_rate(h) == 1);
        assert_true(y[0] == was[0] && y[1] == was[1]);
        knob_hypergrad_free(h);
    }
}

/* Adam with a finite gradient whose square overflows (|g| > 1e154): the second moment became
 * inf, every later direction 0, and the params never moved again, the step having returned
 * KNOB_OK. It is refused and changes nothing, and the next usable gradient steps. */
static void an_overflowing_adam_moment_is_refused(void **state)
{
    (void)state;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_ADAM, .rate = 0.1};
    knob_hypergrad *h;
    double x[2] = {0, 0}, g[2] = {1, 1e200};
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "gradient 1"));
    assert_true(x[0] == 0 && x[1] == 0);
    double ok[2] = {1, 1};
    assert_int_equal(knob_hypergrad_step(h, x, ok), KNOB_OK);
    assert_true(x[0] < 0 && x[1] < 0);
    double was = x[1];
    assert_int_equal(knob_hypergrad_step(h, x, ok), KNOB_OK);
    assert_true(x[1] < was);
    /* a square past DBL_MAX whose (1 - beta2) share fits: it was taken, the bias correction
     * made the moment inf again, and the param never moved (1.4e154^2 = 1.96e308) */
    knob_hypergrad_free(h);
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    double y[2] = {1, -1}, big[2] = {1.4e154, 1};
    assert_int_equal(knob_hypergrad_step(h, y, big), KNOB_EINVAL);
    assert_true(y[0] == 1 && y[1] == -1);
    big[0] = 1.3e154; /* 1.69e308 fits: Adam's first step is the rate, whatever the size */
    assert_int_equal(knob_hypergrad_step(h, y, big), KNOB_OK);
    assert_float_equal(y[0], 0.9, 1e-12);
    assert_float_equal(y[1], -1.1, 1e-12);
    float xf[1] = {0}, gf[1] = {3e38f};
    knob_hypergrad_free(h);
    assert_int_equal(knob_hypergrad_create(&o, 1, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step_f(h, xf, gf), KNOB_OK); /* 9e76: a square that fits */
    knob_hypergrad_free(h);
}

/* A step whose gradient, rate and hypergradient are finite but whose new velocity or params
 * are not: SGD whose rate grew to 1e278 meeting a gradient of 1e300, a momentum velocity of
 * two gradients of 1e308, Adam with a rate near DBL_MAX, a float param past FLT_MAX. Each
 * returned KNOB_OK with an infinite param (the velocity stayed infinite for good); each is
 * refused, changes nothing, and the next usable gradient steps. */
static void an_overflowing_new_state_is_refused(void **state)
{
    (void)state;
    knob_hypergrad *h;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_SGD, .rate = 0.1, .hyper_rate = 0.01};
    double x[1] = {1}, g[1] = {1e-20};
    assert_int_equal(knob_hypergrad_create(&o, 1, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    g[0] = 1e300; /* the new rate 1e278 is finite; the param would be -inf */
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 0"));
    assert_non_null(strstr(knob_errmsg(), "step 2"));
    assert_true(x[0] == 1 && knob_hypergrad_rate(h) == 0.1);
    assert_true(knob_hypergrad_hypergradient(h) == 0);
    g[0] = 1;
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    assert_true(isfinite(x[0]) && x[0] < 1);
    knob_hypergrad_free(h);

    o = (knob_hypergrad_options){.method = KNOB_HYPERGRAD_SGD, .rate = 1e-300, .momentum = 0.9};
    assert_int_equal(knob_hypergrad_create(&o, 1, &h), KNOB_OK);
    x[0] = 1;
    g[0] = 1e308;
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    double was = x[0];
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_EINVAL); /* 0.9e308 + 1e308 */
    assert_non_null(strstr(knob_errmsg(), "velocity"));
    assert_true(x[0] == was);
    g[0] = 1; /* the velocity is still the first step's: 0.9e308 + 1 */
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    assert_true(isfinite(x[0]) && x[0] < was);
    knob_hypergrad_free(h);

    o = (knob_hypergrad_options){.method = KNOB_HYPERGRAD_ADAM, .rate = 1e308};
    double y[2] = {1e308, 0}, gy[2] = {-1, 1}; /* Adam's first direction: -1 and 1 */
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step(h, y, gy), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 0"));
    assert_true(y[0] == 1e308 && y[1] == 0);
    y[0] = 0;
    assert_int_equal(knob_hypergrad_step(h, y, gy), KNOB_OK); /* the first step, taken now */
    assert_float_equal(y[0], 1e308, 1e296);
    knob_hypergrad_free(h);

    o = (knob_hypergrad_options){.method = KNOB_HYPERGRAD_SGD, .rate = 1e30};
    float xf[2] = {0, 0}, gf[2] = {1, 1e10f}; /* 1e40 is no float */
    assert_int_equal(knob_hypergrad_create(&o, 2, &h), KNOB_OK);
    assert_int_equal(knob_hypergrad_step_f(h, xf, gf), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 1"));
    assert_true(xf[0] == 0 && xf[1] == 0);
    gf[1] = 1;
    assert_int_equal(knob_hypergrad_step_f(h, xf, gf), KNOB_OK);
    assert_true(xf[0] == -1e30f && xf[1] == -1e30f);
    /* a param that is not finite before the step is refused as well */
    double z[2] = {0, INFINITY}, gz[2] = {1, 1};
    assert_int_equal(knob_hypergrad_step(h, z, gz), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 1 is inf"));
    knob_hypergrad_free(h);
}

static void bad_options_are_named(void **state)
{
    (void)state;
    knob_hypergrad *h = (knob_hypergrad *)1;
    knob_hypergrad_options o = {.rate = 0};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_null(h);
    assert_non_null(strstr(knob_errmsg(), "rate"));
    o = (knob_hypergrad_options){.rate = 0.1, .momentum = 1};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "momentum"));
    o = (knob_hypergrad_options){.rate = 0.1, .hyper_rate = -1};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "hyper_rate"));
    o = (knob_hypergrad_options){.rate = 0.1, .method = (knob_hypergrad_method)7};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    o = (knob_hypergrad_options){.rate = 0.1};
    assert_int_equal(knob_hypergrad_create(&o, 0, &h), KNOB_EINVAL);
    o = (knob_hypergrad_options){.rate = 0.1, .min_rate = 0.5};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "outside"));
    /* an infinite eps: every Adam direction was 0, and the params never moved */
    o = (knob_hypergrad_options){.method = KNOB_HYPERGRAD_ADAM, .rate = 0.1, .eps = INFINITY};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "eps must be finite and > 0, got inf"));
    knob_hypergrad_free(NULL);
}

/* An option of the other method is refused, not ignored: SGD's momentum given to Adam,
 * Adam's beta1, beta2 or eps given to SGD. */
static void other_methods_options_are_refused(void **state)
{
    (void)state;
    knob_hypergrad *h = (knob_hypergrad *)1;
    knob_hypergrad_options o = {.method = KNOB_HYPERGRAD_ADAM, .rate = 1e-3, .momentum = 0.5};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_null(h);
    assert_non_null(strstr(knob_errmsg(), "momentum 0.5 is SGD's; Adam's first moment is beta1"));
    o = (knob_hypergrad_options){.rate = 0.1, .momentum = 0.9, .beta2 = 0.99};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "beta1, beta2 and eps are Adam's"));
    o = (knob_hypergrad_options){.rate = 0.1, .eps = 1e-6};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_EINVAL);
    o = (knob_hypergrad_options){.method = KNOB_HYPERGRAD_ADAM, .rate = 1e-3, .beta1 = 0.8};
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_OK);
    /* a gradient that is not finite names the step, and nothing changes */
    double x[N] = {1, 2}, g[N] = {0.5, 0.5}, bad[N] = {0, NAN};
    assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    double x1 = x[0], x2 = x[1];
    assert_int_equal(knob_hypergrad_step(h, x, bad), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "step 2: gradient 1 is nan (nothing changed)"));
    float xf[N] = {1, 2}, bf[N] = {INFINITY, 0};
    assert_int_equal(knob_hypergrad_step_f(h, xf, bf), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "step 2: gradient 0 is inf (nothing changed)"));
    assert_true(x[0] == x1 && x[1] == x2);
    knob_hypergrad_free(h);
}

/* N steps at once, and K steps, a save, a load into a new optimizer and N - K more: the same
 * params, rate and hypergradient bit for bit (a checkpoint used to lose the rate, the
 * velocity or moments and the last direction: no API saved them). */
static void run_split(knob_hypergrad_options o, int k, int steps)
{
    knob_hypergrad *whole, *first, *second;
    double x[N] = {0.3, -0.2, 1.0, 0.5, -0.7}, y[N], g[N];
    memcpy(y, x, sizeof y);
    assert_int_equal(knob_hypergrad_create(&o, N, &whole), KNOB_OK);
    for (int t = 0; t < steps; t++) {
        grad(x, g);
        assert_int_equal(knob_hypergrad_step(whole, x, g), KNOB_OK);
    }
    assert_int_equal(knob_hypergrad_create(&o, N, &first), KNOB_OK);
    for (int t = 0; t < k; t++) {
        grad(y, g);
        assert_int_equal(knob_hypergrad_step(first, y, g), KNOB_OK);
    }
    size_t size = knob_hypergrad_state_size(first);
    assert_int_equal(size, 48 + 24 * N);
    unsigned char *buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(knob_hypergrad_save(first, buf, size), KNOB_OK);
    knob_hypergrad_free(first);
    /* created with another first rate: the saved one replaces it */
    o.rate *= 1.5;
    assert_int_equal(knob_hypergrad_create(&o, N, &second), KNOB_OK);
    assert_int_equal(knob_hypergrad_load(second, buf, size), KNOB_OK);
    free(buf);
    for (int t = k; t < steps; t++) {
        grad(y, g);
        assert_int_equal(knob_hypergrad_step(second, y, g), KNOB_OK);
    }
    assert_memory_equal(x, y, sizeof x);
    double r1 = knob_hypergrad_rate(whole), r2 = knob_hypergrad_rate(second);
    double h1 = knob_hypergrad_hypergradient(whole), h2 = knob_hypergrad_hypergradient(second);
    assert_memory_equal(&r1, &r2, sizeof r1);
    assert_memory_equal(&h1, &h2, sizeof h1);
    knob_hypergrad_free(whole);
    knob_hypergrad_free(second);
}

static void a_saved_state_resumes_bit_for_bit(void **state)
{
    (void)state;
    knob_hypergrad_options sgd = {.method = KNOB_HYPERGRAD_SGD, .rate = 0.05, .hyper_rate = 0.01};
    knob_hypergrad_options mom = {
        .method = KNOB_HYPERGRAD_SGD, .rate = 0.02, .hyper_rate = 0.005, .momentum = 0.8};
    knob_hypergrad_options adam = {
        .method = KNOB_HYPERGRAD_ADAM, .rate = 0.01, .hyper_rate = 1e-4, .max_rate = 1};
    const knob_hypergrad_options *all[] = {&sgd, &mom, &adam};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k <= 40; k += k < 2 ? 1 : 17) /* 0, 1, 2, 19, 36 of 40 */
            run_split(*all[i], k, 40);
}

/* The same through the float form, as a float training loop saves it. */
static void a_saved_state_resumes_the_float_form(void **state)
{
    (void)state;
    knob_hypergrad_options o = {
        .method = KNOB_HYPERGRAD_SGD, .rate = 0.02, .hyper_rate = 0.005, .momentum = 0.9};
    knob_hypergrad *a, *b;
    float x[N] = {0.3f, -0.2f, 1.0f, 0.5f, -0.7f}, y[N], g[N];
    double xd[N], gd[N];
    memcpy(y, x, sizeof y);
    unsigned char buf[48 + 24 * N];
    assert_int_equal(knob_hypergrad_create(&o, N, &a), KNOB_OK);
    assert_int_equal(knob_hypergrad_create(&o, N, &b), KNOB_OK);
    for (int t = 0; t < 30; t++) {
        for (int i = 0; i < N; i++)
            xd[i] = x[i];
        grad(xd, gd);
        for (int i = 0; i < N; i++)
            g[i] = (float)gd[i];
        assert_int_equal(knob_hypergrad_step_f(a, x, g), KNOB_OK);
        if (t == 11) { /* y and b: these 12 steps, then a save and the rest */
            assert_int_equal(knob_hypergrad_save(a, buf, sizeof buf), KNOB_OK);
            memcpy(y, x, sizeof y);
        }
    }
    assert_int_equal(knob_hypergrad_load(b, buf, sizeof buf), KNOB_OK);
    for (int t = 12; t < 30; t++) {
        for (int i = 0; i < N; i++)
            xd[i] = y[i];
        grad(xd, gd);
        for (int i = 0; i < N; i++)
            g[i] = (float)gd[i];
        assert_int_equal(knob_hypergrad_step_f(b, y, g), KNOB_OK);
    }
    assert_memory_equal(x, y, sizeof x);
    assert_true(knob_hypergrad_rate(a) == knob_hypergrad_rate(b));
    knob_hypergrad_free(a);
    knob_hypergrad_free(b);
}

/* Each wrong state is named and changes nothing; a buffer too small to save into is refused. */
static void a_wrong_state_is_refused(void **state)
{
    (void)state;
    knob_hypergrad_options o = {
        .method = KNOB_HYPERGRAD_SGD, .rate = 0.05, .hyper_rate = 0.01, .max_rate = 1};
    knob_hypergrad *h, *other;
    double x[N] = {0.3, -0.2, 1.0, 0.5, -0.7}, g[N];
    assert_int_equal(knob_hypergrad_create(&o, N, &h), KNOB_OK);
    for (int t = 0; t < 3; t++) {
        grad(x, g);
        assert_int_equal(knob_hypergrad_step(h, x, g), KNOB_OK);
    }
    size_t size = knob_hypergrad_state_size(h);
    assert_int_equal(knob_hypergrad_state_size(NULL), 0);
    unsigned char good[48 + 24 * N], bad[48 + 24 * N + 8];
    assert_int_equal(knob_hypergrad_save(h, good, size - 1), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "takes 168 bytes, the buffer has 167"));
    assert_int_equal(knob_hypergrad_save(NULL, good, size), KNOB_EINVAL);
    assert_int_equal(knob_hypergrad_save(h, good, size), KNOB_OK);
    assert_int_equal(good[0], 'K');
    assert_int_equal(good[4], 1); /* the version, little-endian */
    double rate = knob_hypergrad_rate(h);

    struct {
        size_t at, size;
        unsigned char byte;
        const char *msg;
    } cases[] = {
        {0, sizeof good, 'X', "not a saved hypergradient state (168 bytes"},
        {4, sizeof good, 2, "the state has version 2; this libknob reads 1"},
        {8, sizeof good, 1, "the state is Adam's, this optimizer is SGD"},
        {16, sizeof good, 4, "the state is for 4 params, this optimizer has 5"},
        {31, sizeof good, 0x80, "the state's step count is -"},
        {39, sizeof good, 0x7f, "the state's rate"}, /* a huge rate past max_rate */
        {47, sizeof good, 0x7f, "the state's hypergradient is"},
        {48 + 8 * (2 * N + 2) + 7, sizeof good, 0x7f, "the state's second moment 2 is"},
        {0, sizeof good + 8, 'K', "a state for 5 params takes 168 bytes, got 176"},
        {0, 20, 'K', "not a saved hypergradient state (20 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(bad, 0, sizeof bad);
        memcpy(bad, good, sizeof good);
        bad[cases[i].at] = cases[i].byte;
        if (cases[i].at == 47 || cases[i].at == 48 + 8 * (2 * N + 2) + 7)
            bad[cases[i].at - 1] = 0xf0; /* 0x7ff0...: inf */
        assert_int_equal(knob_hypergrad_load(h, bad, cases[i].size), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), cases[i].msg));
        assert_true(knob_hypergrad_rate(h) == rate);
    }
    assert_int_equal(knob_hypergrad_load(h, NULL, size), KNOB_EINVAL);
    /* a negative second moment (SGD's is 0) */
    memcpy(bad, good, sizeof good);
    bad[48 + 8 * (2 * N) + 7] = 0x80; /* -0.0 is fine */
    assert_int_equal(knob_hypergrad_load(h, bad, size), KNOB_OK);
    bad[48 + 8 * (2 * N) + 6] = 0xf0;
    bad[48 + 8 * (2 * N) + 7] = 0xbf; /* -1 */
    assert_int_equal(knob_hypergrad_load(h, bad, size), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "the state's second moment 0 is -1"));
    /* a rate outside the loading optimizer's bounds */
    o.max_rate = knob_hypergrad_rate(h) / 2;
    o.rate = o.max_rate;
    assert_int_equal(knob_hypergrad_create(&o, N, &other), KNOB_OK);
    assert_int_equal(knob_hypergrad_load(other, good, size), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "outside this optimizer's [min_rate 0, max_rate"));
    assert_true(knob_hypergrad_rate(other) == o.rate);
    knob_hypergrad_free(other);
    knob_hypergrad_free(h);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sgd_matches_finite_differences),
        cmocka_unit_test(momentum_matches_finite_differences),
        cmocka_unit_test(adam_matches_finite_differences),
        cmocka_unit_test(a_small_rate_grows_and_wins),
        cmocka_unit_test(float_form_follows_double),
        cmocka_unit_test(an_overflowing_hypergradient_is_refused),
        cmocka_unit_test(an_overflowing_adam_moment_is_refused),
        cmocka_unit_test(an_overflowing_new_state_is_refused),
        cmocka_unit_test(bad_options_are_named),
        cmocka_unit_test(other_methods_options_are_refused),
        cmocka_unit_test(a_saved_state_resumes_bit_for_bit),
        cmocka_unit_test(a_saved_state_resumes_the_float_form),
        cmocka_unit_test(a_wrong_state_is_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
