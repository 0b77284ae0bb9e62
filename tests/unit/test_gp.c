/* The Gaussian process (math/gp.c), log EI (math/acq.c) and the "gp" sampler. */
#include "testutil.h"
#include "knob.h"
#include "math/acq.h"
#include "math/gp.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#define SQRT5 2.23606797749978969641

static double matern(double r2)
{
    double r = sqrt(r2);
    return (1 + SQRT5 * r + 5.0 / 3.0 * r2) * exp(-SQRT5 * r);
}

/* One observation: mean = k(x, x0) y0 / (s2 + noise), var = s2 - k^2 / (s2 + noise). */
static void posterior_closed_form(void **state)
{
    (void)state;
    knob__gp g = {0};
    double X[2] = {0.2, 0.7}, y = 1.5, x[2] = {0.5, 0.4};
    bool cat[2] = {false, false};
    assert_int_equal(knob__gp_set_data(&g, X, &y, 1, 2, cat), 0);
    double nu0 = 4.0, nu1 = 0.25, s2 = 1.3, noise = 0.01;
    g.theta[0] = log(nu0);
    g.theta[1] = log(nu1);
    g.theta[2] = log(s2);
    g.min_noise = 0;
    g.theta[3] = log(noise);
    assert_int_equal(knob__gp_factor(&g), 0);
    double r2 = nu0 * 0.09 + nu1 * 0.09, k = s2 * matern(r2);
    double mean, var, work[64];
    knob__gp_predict(&g, x, 1, &mean, &var, work);
    assert_true(fabs(mean - k * y / (s2 + noise)) < 1e-12);
    assert_true(fabs(var - (s2 - k * k / (s2 + noise))) < 1e-12);
    knob__gp_free(&g);
}

/* Two observations against the 2x2 inverse written out, with a categorical dimension. */
static void posterior_two_points_hamming(void **state)
{
    (void)state;
    knob__gp g = {0};
    double X[4] = {0.1, 0, 0.6, 1}, y[2] = {-1, 2}, x[2] = {0.3, 1};
    bool cat[2] = {false, true};
    assert_int_equal(knob__gp_set_data(&g, X, y, 2, 2, cat), 0);
    double nu0 = 2, nu1 = 0.5, s2 = 1, noise = 1e-4;
    g.theta[0] = log(nu0);
    g.theta[1] = log(nu1);
    g.theta[2] = log(s2);
    g.min_noise = 0;
    g.theta[3] = log(noise);
    assert_int_equal(knob__gp_factor(&g), 0);
    double k12 = matern(nu0 * 0.25 + nu1 * 1);
    double a = s2 + noise, det = a * a - k12 * k12;
    double ka = matern(nu0 * 0.04 + nu1 * 1), kb = matern(nu0 * 0.09);
    /* K^-1 = [a -k12; -k12 a] / det */
    double w0 = (a * ka - k12 * kb) / det, w1 = (-k12 * ka + a * kb) / det;
    double mean, var, work[64];
    knob__gp_predict(&g, x, 1, &mean, &var, work);
    assert_true(fabs(mean - (w0 * y[0] + w1 * y[1])) < 1e-10);
    assert_true(fabs(var - (s2 - (w0 * ka + w1 * kb))) < 1e-10);
    knob__gp_free(&g);
}

/* A small data set of a smooth function in 3 dimensions (the last one categorical). */
static void toy_data(double *X, double *y, int n)
{
    knob_rng r;
    knob_rng_seed(&r, 7);
    for (int i = 0; i < n; i++) {
        X[i * 3] = knob_rng_uniform(&r);
        X[i * 3 + 1] = knob_rng_uniform(&r);
        X[i * 3 + 2] = (double)knob_rng_below(&r, 3);
        y[i] = sin(6 * X[i * 3]) + X[i * 3 + 1] * X[i * 3 + 1] - 0.3 * X[i * 3 + 2];
    }
}

static void likelihood_gradient_matches_differences(void **state)
{
    (void)state;
    enum { N = 25 };
    double X[N * 3], y[N];
    toy_data(X, y, N);
    knob__gp g = {0};
    bool cat[3] = {false, false, true};
    assert_int_equal(knob__gp_set_data(&g, X, y, N, 3, cat), 0);
    g.min_noise = 1e-6;
    double theta[5] = {log(3.0), log(0.7), log(1.5), log(0.8), log(0.02)}, grad[5], t2[5];
    knob__gp_objective(&g, theta, grad);
    for (int k = 0; k < 5; k++) {
        double h = 1e-5;
        memcpy(t2, theta, sizeof t2);
        t2[k] += h;
        double up = knob__gp_objective(&g, t2, NULL);
        t2[k] -= 2 * h;
        double down = knob__gp_objective(&g, t2, NULL);
        double fd = (up - down) / (2 * h);
        assert_true(fabs(fd - grad[k]) < 1e-5 * (1 + fabs(fd)));
    }
    knob__gp_free(&g);
}

static void fit_improves_the_likelihood(void **state)
{
    (void)state;
    enum { N = 30 };
    double X[N * 3], y[N];
    toy_data(X, y, N);
    knob__gp g = {0};
    bool cat[3] = {false, false, true};
    assert_int_equal(knob__gp_set_data(&g, X, y, N, 3, cat), 0);
    g.min_noise = 1e-6;
    double start = knob__gp_objective(&g, g.theta, NULL);
    assert_int_equal(knob__gp_fit(&g, 200), 0);
    assert_true(g.lml > start + 1);
    /* the fitted model interpolates its data closely (little noise) */
    double mean[N], var[N], work[N * N + N];
    knob__gp_predict(&g, X, N, mean, var, work);
    for (int i = 0; i < N; i++)
        assert_true(fabs(mean[i] - y[i]) < 0.05);
    knob__gp_free(&g);
}

/* The leave-one-out posterior (knob__gp_loo) is, for every row, the posterior at that row of
 * a model of the other rows at the same hyperparameters: its mean and its variance (of the
 * latent function). */
static void loo_is_the_model_without_the_row(void **state)
{
    (void)state;
    enum { N = 20 };
    double X[N * 3], y[N], lm[N], lv[N], work[N * N];
    toy_data(X, y, N);
    knob__gp g = {0}, h = {0};
    bool cat[3] = {false, false, true};
    assert_int_equal(knob__gp_set_data(&g, X, y, N, 3, cat), 0);
    g.min_noise = 1e-6;
    assert_int_equal(knob__gp_fit(&g, 100), 0);
    knob__gp_loo(&g, lm, lv, work);
    for (int i = 0; i < N; i++) {
        double Xo[(N - 1) * 3], yo[N - 1], m, v, w[N];
        for (int j = 0, o = 0; j < N; j++)
            if (j != i) {
                memcpy(Xo + o * 3, X + j * 3, 3 * sizeof *X);
                yo[o++] = y[j];
            }
        assert_int_equal(knob__gp_set_data(&h, Xo, yo, N - 1, 3, cat), 0);
        h.min_noise = g.min_noise;
        memcpy(h.theta, g.theta, sizeof h.theta);
        assert_int_equal(knob__gp_factor(&h), 0);
        knob__gp_predict(&h, X + i * 3, 1, &m, &v, w);
        assert_float_equal(lm[i], m, 1e-7 * (1 + fabs(m)));
        assert_float_equal(lv[i], v, 1e-7 * (1 + v));
    }
    knob__gp_free(&g);
    knob__gp_free(&h);
}

static void predict_gradient_matches_differences(void **state)
{
    (void)state;
    enum { N = 20 };
    double X[N * 3], y[N];
    toy_data(X, y, N);
    knob__gp g = {0};
    bool cat[3] = {false, false, true};
    assert_int_equal(knob__gp_set_data(&g, X, y, N, 3, cat), 0);
    g.min_noise = 1e-6;
    assert_int_equal(knob__gp_fit(&g, 100), 0);
    double x[3] = {0.31, 0.77, 1}, m, v, dm[3], dv[3], work[3 * N + 8], big[N + 1];
    knob__gp_predict_grad(&g, x, &m, &v, dm, dv, work);
    double m1, v1;
    knob__gp_predict(&g, x, 1, &m1, &v1, big);
    assert_true(fabs(m - m1) < 1e-10 && fabs(v - v1) < 1e-10);
    for (int k = 0; k < 2; k++) {
        double h = 1e-6, xp[3], mp, vp, mm, vm;
        memcpy(xp, x, sizeof xp);
        xp[k] += h;
        knob__gp_predict(&g, xp, 1, &mp, &vp, big);
        xp[k] -= 2 * h;
        knob__gp_predict(&g, xp, 1, &mm, &vm, big);
        assert_true(fabs((mp - mm) / (2 * h) - dm[k]) < 1e-5 * (1 + fabs(dm[k])));
        assert_true(fabs((vp - vm) / (2 * h) - dv[k]) < 1e-5 * (1 + fabs(dv[k])));
    }
    assert_true(dm[2] == 0 && dv[2] == 0);
    knob__gp_free(&g);
}

/* Where the direct formula is stable, log EI is its log. */
static void log_ei_matches_direct(void **state)
{
    (void)state;
    for (double z = -5; z <= 5; z += 0.25) {
        double phi = exp(-0.5 * z * z) / sqrt(2 * M_PI), cdf = 0.5 * erfc(-z / sqrt(2.0));
        double direct = log(phi + z * cdf);
        assert_true(fabs(knob__log_h(z) - direct) < 1e-9 * (1 + fabs(direct)));
        assert_true(fabs(knob__dlog_h(z) - cdf / (phi + z * cdf)) < 1e-8);
    }
    /* EI at mean 1, sd 2, best 0.5 */
    double z = (0.5 - 1) / 2, phi = exp(-0.5 * z * z) / sqrt(2 * M_PI);
    double ei = 2 * (phi + z * 0.5 * erfc(-z / sqrt(2.0)));
    assert_true(fabs(knob__log_ei(1, 4, 0.5, NULL, NULL) - log(ei)) < 1e-12);
}

/* Far below the incumbent: finite, smooth, and its asymptote -z^2/2 - log(z^2 sqrt(2pi)). */
static void log_ei_far_tail(void **state)
{
    (void)state;
    double prev = knob__log_h(-1);
    for (double z = -1.5; z > -1e6; z *= 1.5) {
        double v = knob__log_h(z);
        assert_true(isfinite(v) && v < prev);
        prev = v;
        double asym = -0.5 * z * z - log(z * z) - 0.5 * log(2 * M_PI);
        if (z < -100)
            assert_true(fabs(v - asym) < 1e-3);
        /* the derivative matches differences of log h */
        double h = 1e-6 * fabs(z);
        double fd = (knob__log_h(z + h) - knob__log_h(z - h)) / (2 * h);
        assert_true(fabs(fd - knob__dlog_h(z)) < 1e-4 * fabs(fd));
    }
    /* the switch at z = -20 and at z = -1 is continuous */
    assert_true(fabs(knob__log_h(-20 - 1e-9) - knob__log_h(-20 + 1e-9)) < 1e-6);
    assert_true(fabs(knob__log_h(-1 - 1e-12) - knob__log_h(-1 + 1e-12)) < 1e-9);
    assert_true(isfinite(knob__log_h(-1e150)));
}

/* log PI and UCB (the batch hedge's acquisitions) against reference values (scipy's
 * norm.logcdf) and their derivatives against differences. */
static void log_pi_and_ucb_reference(void **state)
{
    (void)state;
    assert_true(fabs(knob__log_pi(0, 1, -1, NULL, NULL) - -1.841021645009264) < 1e-12);
    assert_true(fabs(knob__log_pi(1, 4, 0.5, NULL, NULL) - -0.9130617648111348) < 1e-12);
    assert_true(fabs(knob__log_pi(40, 1, 0, NULL, NULL) - -804.6084420137539) < 1e-9);
    assert_true(fabs(knob__ucb(1, 4, 3, NULL, NULL) - 5) < 1e-15);
    double m = 0.3, v = 0.7, h = 1e-6, dm, dv;
    knob__log_pi(m, v, -0.2, &dm, &dv);
    assert_true(fabs(dm - (knob__log_pi(m + h, v, -0.2, NULL, NULL) -
                           knob__log_pi(m - h, v, -0.2, NULL, NULL)) /
                              (2 * h)) < 1e-6);
    assert_true(fabs(dv - (knob__log_pi(m, v + h, -0.2, NULL, NULL) -
                           knob__log_pi(m, v - h, -0.2, NULL, NULL)) /
                              (2 * h)) < 1e-6);
    knob__ucb(m, v, 3, &dm, &dv);
    assert_true(fabs(dm - -1) < 1e-15);
    assert_true(
        fabs(dv - (knob__ucb(m, v + h, 3, NULL, NULL) - knob__ucb(m, v - h, 3, NULL, NULL)) /
                      (2 * h)) < 1e-6);
}

/* log Phi against log(erfc / 2) where that is accurate, its asymptote -z^2/2 - log(-z
 * sqrt(2 pi)) far out, a continuous switch, and a derivative that matches differences. */
static void log_ndtr_accurate(void **state)
{
    (void)state;
    for (double z = -35; z <= 6; z += 0.37) {
        double dz, v = knob__log_ndtr(z, &dz);
        double direct = log(0.5 * erfc(-z / sqrt(2.0)));
        assert_true(fabs(v - direct) < 1e-10 * fmax(1, fabs(direct)));
        double h = 1e-6 * fmax(1, fabs(z));
        double fd = (knob__log_ndtr(z + h, NULL) - knob__log_ndtr(z - h, NULL)) / (2 * h);
        assert_true(fabs(fd - dz) < 1e-5 * fmax(1, fabs(dz)));
    }
    for (double z = -40; z > -1e8; z *= 3) {
        double asym = -0.5 * z * z - log(-z * sqrt(2 * M_PI));
        assert_true(fabs(knob__log_ndtr(z, NULL) - asym) < 2 / (z * z) + 1e-15 * fabs(asym));
    }
    assert_true(isfinite(knob__log_ndtr(-1e150, NULL)));
    assert_true(fabs(knob__log_ndtr(-3 - 1e-12, NULL) - knob__log_ndtr(-3 + 1e-12, NULL)) < 1e-9);
    double a = 25 * sqrt(2.0); /* erfcx's switch to its series */
    assert_true(fabs(knob__log_ndtr(-a - 1e-9, NULL) - knob__log_ndtr(-a + 1e-9, NULL)) < 1e-6);
    assert_true(knob__log_ndtr(40, NULL) == 0);
}

/* ---------------------------------------------------------------- the sampler */

static double branin(double x0, double x1)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = x1 - b * x0 * x0 + c * x0 - 6;
    return u * u + 10 * (1 - t) * cos(x0) + 10;
}

/* Branin's two params, x0 in [-5, 10] and x1 in [0, 15]; nonzero on failure. */
static int branin_params(knob_trial *t, double *x0, double *x1)
{
    return knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, x0) ||
           knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, x1);
}

static knob_trial_state branin_objective(knob_trial *t, void *ctx, double *values)
{
    double x0, x1;
    (void)ctx;
    if (branin_params(t, &x0, &x1))
        return KNOB_TRIAL_FAIL;
    values[0] = branin(x0, x1);
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *new_study(knob_storage **st, const char *sampler, const char *opts)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", st), 0);
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), 0);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(*st, "gp", &o, &s), 0);
    return s;
}

static double best_of(const char *sampler, const char *opts, int trials)
{
    knob_storage *st;
    knob_study *s = new_study(&st, sampler, opts);
    assert_int_equal(knob_study_optimize(s, branin_objective, NULL, trials), 0);
    double best;
    assert_int_equal(knob_study_best_value(s, &best), 0);
    knob_study_free(s);
    knob_storage_close(st);
    return best;
}

/* Branin's minimum is 0.397887; 30 trials of GP get within 1e-2 on every seed tried,
 * where random search's median over the same seeds is above 0.5. */
static void gp_beats_random_on_branin(void **state)
{
    (void)state;
    int wins = 0;
    for (int seed = 0; seed < 5; seed++) {
        char opts[64];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        double g = best_of("gp", opts, 30), r = best_of("random", opts, 30);
        assert_true(g - 0.397887 < 1e-2);
        wins += g < r;
    }
    assert_int_equal(wins, 5);
}

/* The params (x0, x1) of the n trials of study s into xy; it has exactly n. */
static void trial_params(knob_study *s, size_t n, double (*xy)[2])
{
    const knob_trial_info *const *tr;
    size_t got;
    assert_int_equal(knob_study_trials(s, &tr, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
            xy[i][k] = tr[i]->params[k].internal;
}

/* Same seed, same history: the same suggestions; golden values for seed 3. */
static void gp_reproducible(void **state)
{
    (void)state;
    double a[8][2], b[8][2];
    for (int rep = 0; rep < 2; rep++) {
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", "seed=3,n_startup_trials=5");
        assert_int_equal(knob_study_optimize(s, branin_objective, NULL, 8), 0);
        trial_params(s, 8, rep ? b : a);
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 5; i < 8; i++)
        for (int k = 0; k < 2; k++)
            assert_true(a[i][k] == b[i][k]);
}

static knob_trial_state constrained(knob_trial *t, void *ctx, double *values);
static knob_trial_state costly(knob_trial *t, void *ctx, double *values);
static knob_trial_state shifted_branin(knob_trial *t, void *ctx, double *values);

/* Runs `trials` trials of fn in one study handle and again in a study resumed every `part`
 * trials by a new handle (another process: knob ask, a study run again), with n_obj
 * objectives, and asserts both asked the same: each model's fit starts where the last one
 * left it, read from the study. Each storage first gets the study "source" of 30 trials of
 * Branin moved by 1.5 (for warm_start_study). */
static void resumed_asks_the_same(const char *what, const char *opts, knob_objective_fn fn,
                                  void *ctx, int n_obj, int trials, int part, const char *models)
{
    const knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    double one[40][2], parts[40][2];
    assert_true(trials <= 40);
    for (int resumed = 0; resumed < 2; resumed++) {
        knob_storage *st;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), 0);
        knob_sampler *src_sp;
        assert_int_equal(knob_sampler_create("random", "seed=9", &src_sp), 0);
        knob_study_options src_o = {.sampler = src_sp};
        double shift = 1.5;
        assert_int_equal(knob_study_create(st, "source", &src_o, &s), 0);
        assert_int_equal(knob_study_optimize(s, shifted_branin, &shift, 30), 0);
        knob_study_free(s);
        for (int done = 0; done < trials;) {
            int n = resumed ? part : trials;
            knob_sampler *sp;
            assert_int_equal(knob_sampler_create("gp", opts, &sp), 0);
            knob_study_options o = {
                .sampler = sp, .directions = dirs, .n_objectives = (size_t)n_obj};
            if (done == 0)
                assert_int_equal(knob_study_create(st, "gp", &o, &s), 0);
            else
                assert_int_equal(knob_study_load(st, "gp", &o, &s), 0);
            assert_int_equal(knob_study_optimize(s, fn, ctx, n), 0);
            knob_study_free(s);
            done += n;
        }
        assert_int_equal(knob_study_load(st, "gp", NULL, &s), 0);
        trial_params(s, (size_t)trials, resumed ? parts : one);
        /* the models this case is for (names separated by commas) were fitted, and stored */
        const char *fits = knob_study_system_attr(s, "gp:fit");
        assert_non_null(fits);
        for (const char *m = models; *m;) {
            size_t len = strcspn(m, ",");
            char quoted[40];
            snprintf(quoted, sizeof quoted, "\"%.*s\"", (int)len, m);
            if (!strstr(fits, quoted))
                print_message("%s: no %s in %s\n", what, quoted, fits);
            assert_non_null(strstr(fits, quoted));
            m += len + (m[len] == ',');
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < trials; i++)
        for (int k = 0; k < 2; k++) {
            if (parts[i][k] != one[i][k])
                print_message("%s: trial %d: x%d %.17g, not %.17g\n", what, i, k, parts[i][k],
                              one[i][k]);
            assert_true(parts[i][k] == one[i][k]);
        }
}

/* Branin with a floor at 3: ties at the best value over a band. */
static knob_trial_state branin_floor(knob_trial *t, void *ctx, double *values)
{
    knob_trial_state st = branin_objective(t, ctx, values);
    values[0] = fmax(values[0], 3.0);
    return st;
}

/* Branin and Branin with the axes swapped, both minimized. */
static knob_trial_state two_branins(knob_trial *t, void *ctx, double *values)
{
    double x0, x1;
    (void)ctx;
    if (branin_params(t, &x0, &x1))
        return KNOB_TRIAL_FAIL;
    values[0] = branin(x0, x1);
    values[1] = branin(x1 - 5, x0 + 5);
    return KNOB_TRIAL_COMPLETE;
}

/* A resumed study asks what one handle asking throughout asks: with one objective (each
 * handle's first fit started from the priors' centres, and trial 6 of 14 differed in the
 * third digit), with a constraint, with a cost, with two objectives. */
static void gp_resumed_study_asks_the_same(void **state)
{
    (void)state;
    int told = 1;
    resumed_asks_the_same("one objective", "seed=3,n_startup_trials=5", branin_objective, NULL, 1,
                          14, 2, "objective");
    resumed_asks_the_same("a constraint", "seed=3,n_startup_trials=5", constrained, &told, 1, 16, 2,
                          "c0");
    resumed_asks_the_same("a cost", "seed=3,n_startup_trials=5,cost=cost", costly, NULL, 1, 16, 2,
                          "cost");
    resumed_asks_the_same("two objectives", "seed=3,n_startup_trials=5", two_branins, NULL, 2, 16,
                          2, "objective,o1");
    resumed_asks_the_same("a warm start", "seed=3,warm_start_study=source,warm_start_rank=true",
                          branin_objective, NULL, 1, 21, 3, "rank,local");
    resumed_asks_the_same("a trust region", "seed=3,n_startup_trials=5,trust_region=true",
                          branin_objective, NULL, 1, 24, 2, "turbo");
    resumed_asks_the_same("a terrace", "seed=3,n_startup_trials=5,terrace=2,explore_every=0",
                          branin_floor, NULL, 1, 16, 2, "terrace");
}

/* Golden values for seed 3: five scrambled Sobol points (exact: no floating-point
 * library in the way), then three model suggestions (through LAPACK and L-BFGS, so to
 * 1e-6). */
static void gp_golden_sequence(void **state)
{
    (void)state;
    static const double golden[8][2] = {
        {9.2590547370491549, 11.511481964844279},  {3.6915522947674617, 1.2968239415204152},
        {-2.1345348394243047, 10.710427278536372}, {-4.7603487229207531, 3.3295919961528853},
        {4.5507585856830701, 9.340449360315688},   {7.1741136370603833, 0},
        {-3.8113883593857616, 14.461369728696262}, {-1.127331720547446, 14.59474157798558},
    };
    knob_storage *st;
    knob_study *s = new_study(&st, "gp", "seed=3,n_startup_trials=5");
    assert_int_equal(knob_study_optimize(s, branin_objective, NULL, 8), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), 0);
    for (size_t i = 0; i < 8; i++)
        for (int k = 0; k < 2; k++) {
            double tol = i < 5 ? 1e-12 : 1e-6;
            assert_true(fabs(tr[i]->params[k].internal - golden[i][k]) < tol);
        }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trials asked together (running, not told) get distinct points, with either fantasy. */
static void gp_parallel_asks_distinct(void **state)
{
    (void)state;
    const char *modes[] = {"seed=1,pending=believer", "seed=1,pending=liar"};
    for (int m = 0; m < 2; m++) {
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", modes[m]);
        assert_int_equal(knob_study_optimize(s, branin_objective, NULL, 12), 0);
        knob_trial *t[4];
        double x[4][2];
        for (int i = 0; i < 4; i++) {
            assert_int_equal(knob_study_ask(s, &t[i]), 0);
            assert_int_equal(knob_trial_suggest_float(t[i], "x0", -5, 10, 0, 0, &x[i][0]), 0);
            assert_int_equal(knob_trial_suggest_float(t[i], "x1", 0, 15, 0, 0, &x[i][1]), 0);
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < i; j++)
                assert_true(fabs(x[i][0] - x[j][0]) + fabs(x[i][1] - x[j][1]) > 1e-3);
        for (int i = 0; i < 4; i++) {
            double v = branin(x[i][0], x[i][1]);
            assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Ints, steps, log scales and categories: suggestions stay in their distributions, and
 * the model finds the best category. */
static knob_trial_state mixed_objective(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    int64_t layers;
    double lr, drop;
    size_t opt;
    const char *choices[] = {"sgd", "adam", "rmsprop"};
    if (knob_trial_suggest_int(t, "layers", 1, 8, 1, 0, &layers) ||
        knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &lr) ||
        knob_trial_suggest_float(t, "drop", 0, 0.5, 0.1, 0, &drop) ||
        knob_trial_suggest_categorical(t, "opt", choices, 3, &opt))
        return KNOB_TRIAL_FAIL;
    assert_true(layers >= 1 && layers <= 8);
    assert_true(lr >= 1e-5 && lr <= 1);
    assert_true(fabs(drop * 10 - round(drop * 10)) < 1e-9 && drop <= 0.5 + 1e-12);
    double l = log10(lr) + 3;
    values[0] = l * l + 0.1 * (double)((layers - 4) * (layers - 4)) + (drop - 0.2) * (drop - 0.2) +
                (opt == 1 ? 0 : 1);
    return KNOB_TRIAL_COMPLETE;
}

/* How many of seeds 0..n-1 end within `within` of the optimum 0 of mixed_objective
 * after 40 trials; every such best trial chose adam (any other choice costs 1). */
static int mixed_space_good(const char *sampler, int n, double within)
{
    int good = 0;
    for (int seed = 0; seed < n; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_storage *st;
        knob_study *s = new_study(&st, sampler, opts);
        assert_int_equal(knob_study_optimize(s, mixed_objective, NULL, 40), 0);
        const knob_trial_info *best;
        assert_int_equal(knob_study_best_trial(s, &best), 0);
        if (best->values[0] < within) {
            good++;
            assert_true(knob_trial_info_param(best, "opt")->internal == 1);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
    return good;
}

/* The model finds the optimum of a mixed space (lr 1e-3, 4 layers, drop 0.2, adam):
 * within 0.05 after 40 trials on 6 or more of seeds 0..9. Per seed GP gets there on
 * 92.1% (1,000 seeds), random search on 8.6% (2,000 seeds): 6 of 10 with probability
 * 0.9994 and 6e-5. Seeds 0..9: GP 9 (seed 0 ends at 0.9, with 1 or 7 layers), random
 * search 2 (checked here). */
static void gp_mixed_space(void **state)
{
    (void)state;
    int gp = mixed_space_good("gp", 10, 0.05), rnd = mixed_space_good("random", 10, 0.05);
    print_message("within 0.05 on %d of 10 seeds (random search: %d)\n", gp, rnd);
    assert_true(gp >= 6);
    assert_true(rnd < 6);
}

/* n_local_search 0 (in its range): the best candidate is asked as it is. The point asked was
 * left unwritten, and the discrete pass read it: every model trial at a bound, or a value
 * outside a categorical's choices that failed the trial, on seeds 1 to 5. */
static void gp_without_local_search(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 5; seed++) {
        char opts[48];
        snprintf(opts, sizeof opts, "seed=%d,n_local_search=0", seed);
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", opts);
        assert_int_equal(knob_study_optimize(s, mixed_objective, NULL, 20), 0);
        const knob_trial_info *const *all;
        size_t n, at_low = 0;
        assert_int_equal(knob_study_trials(s, &all, &n), 0);
        assert_int_equal(n, 20);
        for (size_t i = 0; i < n; i++) {
            if (all[i]->state != KNOB_TRIAL_COMPLETE)
                fail_msg("seed %d: trial %zu is %s", seed, i, knob_trial_state_str(all[i]->state));
            at_low += i >= 10 && knob_trial_info_param(all[i], "lr")->internal == 1e-5;
        }
        assert_true(at_low < 10);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* How many of seeds 0..n-1 end within `within` of Branin's minimum after `trials`. */
static int branin_good(const char *sampler, const char *extra, int n, int trials, double within)
{
    int good = 0;
    for (int seed = 0; seed < n; seed++) {
        char opts[96];
        snprintf(opts, sizeof opts, "seed=%d%s", seed, extra);
        good += best_of(sampler, opts, trials) - 0.397887 < within;
    }
    return good;
}

/* With more trials than max_observations the model keeps the best half and the latest:
 * it goes on asking, and still closes in on the minimum. With max_observations=16 and
 * 60 trials it gets within 0.1 on 76% of seeds (300 seeds), random search on 11.6%
 * (2,000 seeds): on 8 or more of 18 seeds with probability 0.9991 and 5e-4. Seeds
 * 0..17: 15, random search 1 (checked here). */
static void gp_thins_long_histories(void **state)
{
    (void)state;
    int gp = branin_good("gp", ",max_observations=16", 18, 60, 0.1);
    int rnd = branin_good("random", "", 18, 60, 0.1);
    print_message("within 0.1 on %d of 18 seeds (random search: %d)\n", gp, rnd);
    assert_true(gp >= 8);
    assert_true(rnd < 8);
}

static void gp_rejects_bad_options(void **state)
{
    (void)state;
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("gp", "acquisition=pi", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "acquisition"));
    assert_int_equal(knob_sampler_create("gp", "pending=maybe", &sp), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("gp", "failed=retry", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "failed"));
    assert_int_equal(knob_sampler_create("gp", "acquisition=ucb,beta=4", &sp), 0);
    knob_sampler_free(sp);
    /* beta acts only with ucb: beside another acquisition it was unused without a word */
    assert_int_equal(knob_sampler_create("gp", "beta=4", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'gp': option 'beta' (4) acts only with "
                                          "acquisition=ucb (the acquisition is logei)"));
    assert_int_equal(knob_sampler_create("gp", "acquisition=ei,beta=4", &sp), KNOB_EINVAL);
    /* so do the warm start's options without a source */
    assert_int_equal(knob_sampler_create("gp", "warm_start_shift=true", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'gp': option 'warm_start_shift' (true) acts "
                                          "only with 'warm_start_study'"));
    assert_int_equal(knob_sampler_create("gp", "warm_start_study=a,warm_start_shift=true", &sp), 0);
    knob_sampler_free(sp);
}

/* The best region borders one where every trial fails (as training diverges above some
 * learning rate): counted as the worst value, failures teach the model to stay out;
 * ignored, the same data keep pointing into the failing region. */
static knob_trial_state cliff(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    if (x > 0.7)
        return KNOB_TRIAL_FAIL;
    values[0] = -x + (y - 0.5) * (y - 0.5);
    return KNOB_TRIAL_COMPLETE;
}

static void gp_avoids_failed_regions(void **state)
{
    (void)state;
    int fails[2] = {0, 0};
    double best[2] = {0, 0};
    for (int mode = 0; mode < 2; mode++) {
        for (int seed = 1; seed <= 3; seed++) {
            char opts[64];
            snprintf(opts, sizeof opts, "seed=%d,failed=%s", seed, mode ? "ignore" : "worst");
            knob_storage *st;
            knob_study *s = new_study(&st, "gp", opts);
            assert_int_equal(knob_study_optimize(s, cliff, NULL, 30), 0);
            const knob_trial_info *const *tr;
            size_t n;
            assert_int_equal(knob_study_trials(s, &tr, &n), 0);
            for (size_t i = 10; i < n; i++)
                fails[mode] += tr[i]->state == KNOB_TRIAL_FAIL;
            double b;
            assert_int_equal(knob_study_best_value(s, &b), 0);
            best[mode] += b / 3;
            knob_study_free(s);
            knob_storage_close(st);
        }
    }
    print_message("failed trials among the 60 after startup: %d counted worst, %d ignored; "
                  "mean best %.4f and %.4f (optimum -0.7)\n",
                  fails[0], fails[1], best[0], best[1]);
    /* measured: 23 and 51 failures, best -0.682 and -0.633 */
    assert_true(fails[0] * 2 <= fails[1]);
    assert_true(best[0] < best[1]);
}

/* UCB gets within 0.01 of Branin's minimum in 40 trials on most seeds, random search on
 * 0.75% (2,000 seeds). Seeds 0..5: 6, random search 0 (checked here). */
static void gp_ucb_finds_branin(void **state)
{
    (void)state;
    int gp = branin_good("gp", ",acquisition=ucb", 6, 40, 0.01);
    int rnd = branin_good("random", "", 6, 40, 0.01);
    print_message("within 0.01 on %d of 6 seeds (random search: %d)\n", gp, rnd);
    assert_true(gp >= 5);
    assert_true(rnd < 3);
}

/* A stalled model explores: with UCB, seed 2 settled on the edge x0 = 10 of Branin (1.943,
 * its lowest point on that edge) and asked for the same point to the last trial (13 of 200
 * seeds did). Five asks in a row near the incumbent now make the next one the most
 * uncertain point a little way off, which shows the model the slope down to the minimum
 * at (9.42, 2.47). */
static void gp_leaves_a_stall(void **state)
{
    (void)state;
    double best = best_of("gp", "seed=2,acquisition=ucb", 60);
    print_message("best %.6f (optimum 0.397887)\n", best);
    assert_true(best - 0.397887 < 1e-3);
}

/* In a discrete space the acquisition's best is soon a point already tried, which a
 * deterministic objective tells nothing new at: asks do not repeat a point while others
 * are untried (the discrete pass of the acquisition's search skips seen points). */
static knob_trial_state grid_objective(knob_trial *t, void *ctx, double *values)
{
    int64_t a, b;
    (void)ctx;
    if (knob_trial_suggest_int(t, "a", 0, 9, 1, 0, &a) ||
        knob_trial_suggest_int(t, "b", 0, 9, 1, 0, &b))
        return KNOB_TRIAL_FAIL;
    values[0] = (double)((a - 3) * (a - 3) + (b - 6) * (b - 6));
    return KNOB_TRIAL_COMPLETE;
}

static void gp_discrete_space_no_endless_repeats(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = new_study(&st, "gp", "seed=4");
    assert_int_equal(knob_study_optimize(s, grid_objective, NULL, 40), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), 0);
    /* every ask after the startup is a new point (40 of 100: untried ones remain) */
    for (size_t j = 10; j < n; j++)
        for (size_t q = 0; q < j; q++)
            assert_true(tr[q]->params[0].internal != tr[j]->params[0].internal ||
                        tr[q]->params[1].internal != tr[j]->params[1].internal);
    double best;
    assert_int_equal(knob_study_best_value(s, &best), 0);
    assert_true(best == 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The unconstrained minimum (0.9, 0.5) breaks x <= 0.5; the constrained one is (0.5, 0.5)
 * with 0.16. */
static knob_trial_state constrained(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    values[0] = (x - 0.9) * (x - 0.9) + (y - 0.5) * (y - 0.5);
    /* *ctx 2: the constraint infinite where it fails */
    double c = ctx && *(const int *)ctx == 2 && x > 0.5 ? INFINITY : x - 0.5;
    if (ctx && knob_trial_set_constraints(t, &c, 1))
        return KNOB_TRIAL_FAIL;
    return KNOB_TRIAL_COMPLETE;
}

/* With the constraint, the model asks mostly where it holds and closes in on the
 * constrained minimum; told nothing of it (ctx NULL), it asks mostly where it fails.
 * Counted: the asks after the startup where it holds that repeat no earlier ask (measured:
 * 37 of 60 told, 2 not told; before asks that would repeat one were drawn near the best,
 * 44 told, of which 19 repeats of points on the constraint's edge). */
static void gp_constraints(void **state)
{
    (void)state;
    int feasible[2] = {0, 0};
    for (int told = 0; told < 2; told++)
        for (int seed = 0; seed < 3; seed++) {
            char opts[32];
            snprintf(opts, sizeof opts, "seed=%d", seed);
            knob_storage *st;
            knob_study *s = new_study(&st, "gp", opts);
            assert_int_equal(knob_study_optimize(s, constrained, told ? &told : NULL, 30), 0);
            const knob_trial_info *const *tr;
            size_t n;
            assert_int_equal(knob_study_trials(s, &tr, &n), 0);
            double best = HUGE_VAL;
            for (size_t i = 10; i < n; i++) {
                double x = knob_trial_info_param(tr[i], "x")->internal;
                bool again = false;
                for (size_t q = 0; q < i && !again; q++)
                    again = fabs(tr[q]->params[0].internal - tr[i]->params[0].internal) <= 1e-7 &&
                            fabs(tr[q]->params[1].internal - tr[i]->params[1].internal) <= 1e-7;
                feasible[told] += x <= 0.5 && !again;
                if (x <= 0.5)
                    best = fmin(best, tr[i]->values[0]);
            }
            if (told) {
                const knob_trial_info *b;
                assert_int_equal(knob_study_best_trial(s, &b), 0);
                assert_true(knob_trial_info_feasible(b));
                print_message("seed %d: best feasible %.5f (optimum 0.16)\n", seed, best);
                assert_true(best < 0.16 + 2e-3);
            }
            knob_study_free(s);
            knob_storage_close(st);
        }
    print_message("feasible asks after the startup, none repeated: %d of 60 told, %d of 60 not "
                  "told\n",
                  feasible[1], feasible[0]);
    assert_true(feasible[1] >= 32);
    assert_true(feasible[0] <= 20);
}

/* The constrained problem above, its constraint infinite where it fails (a run that ran
 * out of memory: constrained with *ctx 2): the model takes +inf as a step past the finite
 * values, and the asks close in on the constrained minimum as with finite ones (40 of 60
 * feasible, repeats counted, before and after repeated asks were drawn near the best).
 * Leaving the infinities out of the constraint's model (it then sees satisfied values
 * alone) ended seed 0 at 0.184. */
static void gp_constraints_infinite(void **state)
{
    (void)state;
    int feasible = 0, infinite = 2;
    for (int seed = 0; seed < 3; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", opts);
        assert_int_equal(knob_study_optimize(s, constrained, &infinite, 30), 0);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), 0);
        for (size_t i = 10; i < n; i++) {
            assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
            feasible += knob_trial_info_param(tr[i], "x")->internal <= 0.5;
        }
        const knob_trial_info *b;
        assert_int_equal(knob_study_best_trial(s, &b), 0);
        print_message("seed %d: best feasible %.5f (optimum 0.16)\n", seed, b->values[0]);
        assert_true(knob_trial_info_feasible(b) && b->values[0] < 0.16 + 5e-3);
        knob_study_free(s);
        knob_storage_close(st);
    }
    print_message("feasible asks after the startup: %d of 60\n", feasible);
    assert_true(feasible >= 35);
}

/* No trial feasible yet: the asks go where the constraint models expect feasibility. */
static knob_trial_state far_feasible(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    values[0] = x + y;
    double c = 0.9 - x; /* feasible only for x >= 0.9 */
    return knob_trial_set_constraints(t, &c, 1) ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE;
}

static void gp_constraints_none_feasible_yet(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = new_study(&st, "gp", "seed=5,n_startup_trials=4");
    int found = 0;
    for (int i = 0; i < 14; i++) {
        assert_int_equal(knob_study_optimize(s, far_feasible, NULL, 1), 0);
        const knob_trial_info *b;
        found += knob_study_best_trial(s, &b) == 0;
    }
    print_message("feasible best after %d of 14 trials\n", found);
    assert_true(found >= 5);
    knob_study_free(s);
    knob_storage_close(st);
}

/* y alone matters; x sets the cost, 10^x, in the user attr "cost". */
static knob_trial_state costly(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    char json[32];
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    values[0] = (y - 0.3) * (y - 0.3);
    snprintf(json, sizeof json, "%.17g", pow(10, x));
    return knob_trial_set_user_attr(t, "cost", json) ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE;
}

/* The asks of a study (x, y) after the startup, summed cost. */
static double cost_run(const char *opts, double *xs)
{
    knob_storage *st;
    knob_study *s = new_study(&st, "gp", opts);
    assert_int_equal(knob_study_optimize(s, costly, NULL, 30), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), 0);
    double spent = 0;
    for (size_t i = 10; i < n; i++) {
        spent += atof(knob_trial_info_attr(tr[i], "cost", false));
        xs[i - 10] = knob_trial_info_param(tr[i], "x")->internal;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return spent;
}

/* Cost-aware, the asks after the startup cost less than cost-blind ones on an objective
 * that ignores x; with the budget spent the cost's weight has cooled to nothing and the
 * asks are the cost-blind ones. Six seeds: a seed's blind asks cost 76-100 and its aware
 * ones 55-78 (seeds 0-11), so the aware sum is about 0.75 of the blind one, and two cost-blind
 * runs' sums over six seeds about 4% (the limit, 0.85, is 3 to 4 of those from 1). Three seeds put
 * one build's sums at 0.78, another's at 0.73: floating point differs with the compiler's flags,
 * and with it each run's path. */
static void gp_cost_aware(void **state)
{
    (void)state;
    double aware = 0, blind = 0, xa[20], xb[20];
    for (int seed = 0; seed < 6; seed++) {
        char opts[80];
        snprintf(opts, sizeof opts, "seed=%d,cost=cost", seed);
        aware += cost_run(opts, xa);
        snprintf(opts, sizeof opts, "seed=%d", seed);
        blind += cost_run(opts, xb);
        snprintf(opts, sizeof opts, "seed=%d,cost=cost,cost_budget=1", seed);
        cost_run(opts, xa);
        for (int i = 0; i < 20; i++)
            assert_true(xa[i] == xb[i]);
    }
    print_message("cost of the asks after the startup: %.1f aware, %.1f blind\n", aware, blind);
    assert_true(aware < 0.85 * blind);
}

/* As costly, but the first 5 trials cost 100 each and are pruned. */
static knob_trial_state costly_pruned(knob_trial *t, void *ctx, double *values)
{
    knob_trial_state state = costly(t, ctx, values);
    if (state != KNOB_TRIAL_COMPLETE || knob_trial_number(t) >= 5)
        return state;
    return knob_trial_set_user_attr(t, "cost", "100") ? KNOB_TRIAL_FAIL : KNOB_TRIAL_PRUNED;
}

/* What pruned trials cost counts against cost_budget: 5 pruned trials of cost 100 have spent
 * a budget of 300, so the cost's weight has cooled to nothing and the asks are the
 * cost-blind ones (only the complete trials' costs were counted: the budget was far from
 * spent, and the asks went on favouring the cheap x). */
static void gp_cost_counts_pruned(void **state)
{
    (void)state;
    double x[2][30];
    const char *opts[2] = {"seed=4,cost=cost,cost_budget=300", "seed=4"};
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", opts[k]);
        assert_int_equal(knob_study_optimize(s, costly_pruned, NULL, 30), 0);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), 0);
        assert_int_equal(n, 30);
        assert_int_equal(tr[0]->state, KNOB_TRIAL_PRUNED);
        for (size_t i = 0; i < n; i++)
            x[k][i] = knob_trial_info_param(tr[i], "x")->internal;
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < 30; i++)
        if (x[0][i] != x[1][i])
            fail_msg("trial %d: x %.17g with the cost, %.17g without", i, x[0][i], x[1][i]);
}

/* cost=duration reads the trials' times; a cost attr that is missing or not a number
 * leaves the trial out of the cost model without an error. */
static void gp_cost_duration_and_missing(void **state)
{
    (void)state;
    const char *opts[] = {"seed=1,cost=duration", "seed=1,cost=nonesuch", "seed=1,cost=y"};
    for (int i = 0; i < 3; i++) {
        knob_storage *st;
        knob_study *s = new_study(&st, "gp", opts[i]);
        assert_int_equal(knob_study_optimize(s, i == 2 ? branin_objective : costly, NULL, 14), 0);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Branin moved by (dx, dx): the source and its shifted twin. */
static knob_trial_state shifted_branin(knob_trial *t, void *ctx, double *values)
{
    double x0, x1, dx = *(const double *)ctx;
    if (branin_params(t, &x0, &x1))
        return KNOB_TRIAL_FAIL;
    values[0] = branin(x0 - dx, x1 - dx);
    return KNOB_TRIAL_COMPLETE;
}

/* Another study's model as the prior mean: on Branin moved by 10% of its range, read from
 * another storage (SQLite), the warm study's best after 12 trials (seeds 0..2) is below
 * 0.8 of the cold one's (measured: 3.38 and 5.18; the cold one draws 10 startup trials). */
static void gp_warm_start(void **state)
{
    (void)state;
    char url[300];
    snprintf(url, sizeof url, "sqlite:///%s.db", knob_test_path("gp-warm"));
    unlink(url + strlen("sqlite://"));
    knob_storage *src_st, *st;
    knob_sampler *sp;
    knob_study *src;
    assert_int_equal(knob_storage_open(url, &src_st), 0);
    assert_int_equal(knob_sampler_create("gp", "seed=9", &sp), 0);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(src_st, "source", &o, &src), 0);
    double zero = 0, shift = 1.5;
    assert_int_equal(knob_study_optimize(src, shifted_branin, &zero, 40), 0);
    knob_study_free(src);
    knob_storage_close(src_st);
    double sum[2] = {0, 0};
    for (int warm = 0; warm < 2; warm++)
        for (int seed = 0; seed < 3; seed++) {
            char opts[400];
            snprintf(opts, sizeof opts, "seed=%d%s%s", seed,
                     warm ? ",warm_start_study=source,warm_start_storage=" : "", warm ? url : "");
            knob_study *s = new_study(&st, "gp", opts);
            assert_int_equal(knob_study_optimize(s, shifted_branin, &shift, 12), 0);
            double best;
            assert_int_equal(knob_study_best_value(s, &best), 0);
            sum[warm] += best;
            /* the source's trials are not this study's */
            const knob_trial_info *const *tr;
            size_t n;
            assert_int_equal(knob_study_trials(s, &tr, &n), 0);
            assert_int_equal(n, 12);
            knob_study_free(s);
            knob_storage_close(st);
        }
    print_message("mean best after 12 trials: warm %.3f, cold %.3f\n", sum[1] / 3, sum[0] / 3);
    assert_true(sum[1] < 0.8 * sum[0]);
    unlink(url + strlen("sqlite://"));
}

/* A missing source is an error naming it; a source sharing no param leaves a cold start:
 * the same trials as without warm_start_study. */
static knob_trial_state other_space(knob_trial *t, void *ctx, double *values)
{
    double a;
    (void)ctx;
    if (knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a))
        return KNOB_TRIAL_FAIL;
    values[0] = a;
    return KNOB_TRIAL_COMPLETE;
}

static void gp_warm_start_missing_or_disjoint(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = new_study(&st, "gp", "seed=1,warm_start_study=nonesuch");
    assert_int_not_equal(knob_study_optimize(s, branin_objective, NULL, 12), 0);
    assert_non_null(strstr(knob_errmsg(), "warm_start_study 'nonesuch'"));
    knob_study_free(s);
    knob_storage_close(st);

    double x[2][12][2];
    for (int warm = 0; warm < 2; warm++) {
        s = new_study(&st, "gp", warm ? "seed=1,warm_start_study=other" : "seed=1");
        knob_sampler *sp;
        knob_study *other;
        assert_int_equal(knob_sampler_create("random", "seed=2", &sp), 0);
        knob_study_options o = {.sampler = sp};
        assert_int_equal(knob_study_create(st, "other", &o, &other), 0);
        assert_int_equal(knob_study_optimize(other, other_space, NULL, 10), 0);
        knob_study_free(other);
        assert_int_equal(knob_study_optimize(s, branin_objective, NULL, 12), 0);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), 0);
        for (size_t i = 0; i < 12; i++)
            for (int k = 0; k < 2; k++)
                x[warm][i][k] = tr[i]->params[k].internal;
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_memory_equal(x[0], x[1], sizeof x[0]);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(posterior_closed_form),
        cmocka_unit_test(posterior_two_points_hamming),
        cmocka_unit_test(likelihood_gradient_matches_differences),
        cmocka_unit_test(fit_improves_the_likelihood),
        cmocka_unit_test(predict_gradient_matches_differences),
        cmocka_unit_test(loo_is_the_model_without_the_row),
        cmocka_unit_test(log_ei_matches_direct),
        cmocka_unit_test(log_ei_far_tail),
        cmocka_unit_test(gp_beats_random_on_branin),
        cmocka_unit_test(gp_reproducible),
        cmocka_unit_test(gp_resumed_study_asks_the_same),
        cmocka_unit_test(gp_golden_sequence),
        cmocka_unit_test(gp_parallel_asks_distinct),
        cmocka_unit_test(gp_mixed_space),
        cmocka_unit_test(gp_without_local_search),
        cmocka_unit_test(gp_thins_long_histories),
        cmocka_unit_test(gp_rejects_bad_options),
        cmocka_unit_test(gp_ucb_finds_branin),
        cmocka_unit_test(log_ndtr_accurate),
        cmocka_unit_test(log_pi_and_ucb_reference),
        cmocka_unit_test(gp_constraints),
        cmocka_unit_test(gp_constraints_none_feasible_yet),
        cmocka_unit_test(gp_constraints_infinite),
        cmocka_unit_test(gp_cost_aware),
        cmocka_unit_test(gp_cost_counts_pruned),
        cmocka_unit_test(gp_warm_start),
        cmocka_unit_test(gp_warm_start_missing_or_disjoint),
        cmocka_unit_test(gp_cost_duration_and_missing),
        cmocka_unit_test(gp_leaves_a_stall),
        cmocka_unit_test(gp_discrete_space_no_endless_repeats),
        cmocka_unit_test(gp_avoids_failed_regions),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
