/* The bad side of an int or a stepped float merged into a few kernels per value
 * (math/tpe_bins.h): the same bandwidths, bit for bit, and the same density up to rounding as
 * the fit of the observations one by one; positions added in parts give the same kernels as
 * added at once; and tpe's ask on a long history fits its estimators from a few kernels per
 * value, not from every trial (the fits are counted by wrapping math's fit functions, which
 * tests/CMakeLists.txt links this program with). */
#include "testutil.h"
#include "knob.h"
#include "math/tpe_bins.h"
#include "math/tpe_parzen.h"

#include <math.h>

/* ---------------------------------------------------------------- the fits of an ask */

int __real_knob__tpe_mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                              const double *w, size_t n, const knob__tpe_settings *set);
int __real_knob__tpe_mix1_fit_ramp(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                                   const double *w, size_t n, const knob__tpe_settings *set);
int __real_knob__tpe_mix1_fit_merged(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                                     const double *w, size_t k, size_t n_obs,
                                     const knob__tpe_settings *set);

static size_t most_kernels; /* the most kernels a fit was given since the last reset */

int __wrap_knob__tpe_mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                              const double *w, size_t n, const knob__tpe_settings *set)
{
    most_kernels = n > most_kernels ? n : most_kernels;
    return __real_knob__tpe_mix1_fit(m, a, y, w, n, set);
}

int __wrap_knob__tpe_mix1_fit_ramp(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                                   const double *w, size_t n, const knob__tpe_settings *set)
{
    most_kernels = n > most_kernels ? n : most_kernels;
    return __real_knob__tpe_mix1_fit_ramp(m, a, y, w, n, set);
}

int __wrap_knob__tpe_mix1_fit_merged(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                                     const double *w, size_t k, size_t n_obs,
                                     const knob__tpe_settings *set)
{
    most_kernels = k > most_kernels ? k : most_kernels;
    return __real_knob__tpe_mix1_fit_merged(m, a, y, w, k, n_obs, set);
}

static const knob_distribution dist_i = {.kind = KNOB_DIST_INT, .low = 1, .high = 10, .step = 1};
static const knob_distribution dist_f = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1, .step = 0.1};

/* A study of 5,000 finished trials of an int in [1, 10] and a float in [0, 1] by 0.1: each
 * ask fits every estimator from at most 3 kernels per value (the good side has 25 trials),
 * where it took one per trial (4,975 on the bad side). */
static void tpe_bins_ask_fits_few_kernels(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create("tpe", "seed=2", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "fits", &o, &s), KNOB_OK);
    knob_rng r;
    knob_rng_seed(&r, 5);
    for (int k = 0; k < 5000; k++) {
        double i = (double)(1 + knob_rng_below(&r, 10)), f = 0.1 * (double)knob_rng_below(&r, 11);
        double y = (i - 7) * (i - 7) + (f - 0.3) * (f - 0.3) + knob_rng_uniform(&r);
        knob_param p[2] = {{"i", &dist_i, i}, {"f", &dist_f, f}};
        knob_trial_info info = {
            .state = KNOB_TRIAL_COMPLETE, .n_params = 2, .params = p, .n_values = 1, .values = &y};
        assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
    }
    for (int a = 0; a < 3; a++) {
        knob_trial *t;
        int64_t i;
        double f;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        most_kernels = 0;
        assert_int_equal(knob_trial_suggest_int(t, "i", 1, 10, 1, 0, &i), KNOB_OK);
        /* 0: the fits were not intercepted (--wrap did not take), and nothing was checked */
        if (most_kernels == 0 || most_kernels > 30)
            fail_msg("ask %d: the int's estimators took %zu kernels", a, most_kernels);
        most_kernels = 0;
        assert_int_equal(knob_trial_suggest_float(t, "f", 0, 1, 0.1, 0, &f), KNOB_OK);
        if (most_kernels == 0 || most_kernels > 33)
            fail_msg("ask %d: the stepped float's estimators took %zu kernels", a, most_kernels);
        double y = (double)((i - 7) * (i - 7)) + (f - 0.3) * (f - 0.3) + 0.5;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* ---------------------------------------------------------------- the merged kernels */

/* n values of one axis: value 0 at two positions, value 2 at six, the last value at two,
 * one of them good, the rest drawn (value k with weight 1 + k % 4); the last two positions
 * hold value 1, the last of them good. good[0 .. *ng): the good positions, ascending. */
static void history(knob_rng *r, const knob__tpe_axis *ax, size_t nv, double *y, size_t n,
                    size_t *good, size_t *ng)
{
    size_t total = 0;
    for (size_t k = 1; k + 1 < nv; k++)
        total += k == 2 ? 0 : 1 + k % 4;
    for (size_t i = 0; i < n; i++) {
        size_t u = knob_rng_below(r, total), k = 1;
        for (; k == 2 || u >= 1 + k % 4; k++)
            u -= k == 2 ? 0 : 1 + k % 4;
        if (i % 500 == 9)
            k = 2;
        if (i == 30 || i == 2900)
            k = 0;
        if (i == 1009 || i == 1500)
            k = nv - 1;
        if (i + 2 >= n)
            k = 1;
        y[i] = ax->min + (double)k * ax->step;
    }
    *ng = 0;
    for (size_t i = 0; i < n; i++)
        if (i % 137 == 3 || i == 1009 || i + 1 == n || (i > n - 26 && i % 5 == 0))
            good[(*ng)++] = i;
}

/* The merged fit and the fit one by one of the bad side of y[0 .. n) (good[0 .. ng) good),
 * and the most their log densities differ by at the values. */
static double compare(const knob__tpe_axis *ax, size_t nv, const double *y, size_t n,
                      const size_t *good, size_t ng, const knob__tpe_settings *set)
{
    double *yb = malloc(n * sizeof *yb), *wb = malloc(n * sizeof *wb);
    double *ky = malloc(3 * KNOB__TPE_BINS_MAX * sizeof *ky),
           *kw = malloc(3 * KNOB__TPE_BINS_MAX * sizeof *kw);
    assert_true(yb && wb && ky && kw);
    knob__tpe_bins b = {0};
    size_t nb = 0, g = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(knob__tpe_bins_add(&b, y[i]), 0);
        if (g < ng && good[g] == i)
            g++;
        else
            yb[nb++] = y[i];
    }
    knob__tpe_default_weights(nb, wb);
    size_t k = knob__tpe_bins_merge(&b, good, ng, ky, kw);
    assert_true(k <= 3 * b.n_v);
    knob__tpe_mix1 one = {0}, mer = {0};
    assert_int_equal(knob__tpe_mix1_fit(&one, ax, yb, wb, nb, set), 0);
    assert_int_equal(knob__tpe_mix1_fit_merged(&mer, ax, ky, kw, k, nb, set), 0);
    /* every kernel's centre and bandwidth is one of the observations', bit for bit, and the
     * weights of each (centre, bandwidth) add up to the same */
    for (size_t j = 0; j < k; j++) {
        bool first = true;
        for (size_t q = 0; q < j && first; q++)
            first = !(mer.obs_mu[q] == mer.obs_mu[j] && mer.obs_sigma[q] == mer.obs_sigma[j]);
        double sum = 0, merged = 0;
        for (size_t i = 0; i < nb && first; i++)
            if (one.obs_mu[i] == mer.obs_mu[j] && one.obs_sigma[i] == mer.obs_sigma[j])
                sum += wb[i];
        for (size_t q = j; q < k && first; q++)
            if (mer.obs_mu[q] == mer.obs_mu[j] && mer.obs_sigma[q] == mer.obs_sigma[j])
                merged += kw[q];
        if (first && !(fabs(sum - merged) <= 1e-12 * merged))
            fail_msg("kernels at %.17g (sigma %.17g): weight %.17g, the observations' %.17g",
                     mer.obs_mu[j], mer.obs_sigma[j], merged, sum);
    }
    for (size_t i = 0; i < nb; i++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = one.obs_mu[i] == mer.obs_mu[j] && one.obs_sigma[i] == mer.obs_sigma[j];
        if (!seen)
            fail_msg("observation %zu at %.17g: bandwidth %.17g, in no merged kernel", i,
                     one.obs_mu[i], one.obs_sigma[i]);
    }
    double most = 0;
    for (size_t v = 0; v < nv; v++) {
        double x = knob__tpe_from_kernel(ax, ax->min + (double)v * ax->step);
        double a = knob__tpe_mix1_logpdf(&one, x), c = knob__tpe_mix1_logpdf(&mer, x);
        most = fmax(most, fabs(a - c));
    }
    knob__tpe_mix1_free(&one);
    knob__tpe_mix1_free(&mer);
    knob__tpe_bins_free(&b);
    free(yb);
    free(wb);
    free(ky);
    free(kw);
    return most;
}

/* An int in [1, 10], one in [1, 9] (the prior's centre, 5, is a value), one in [0, 199]
 * (the fit one by one sums its kernels at the floor by the fast Gauss transform) and a float
 * in [0, 1] by 0.1, with and without the magic clip, endpoints and sigma_weighted: the same
 * bandwidths, summed weights within 1e-12, log densities within 1e-11. */
static void tpe_bins_fit_matches_one_by_one(void **state)
{
    (void)state;
    struct {
        double low, high, step;
        bool integer;
    } axes[] = {{1, 10, 1, true}, {1, 9, 1, true}, {0, 199, 1, true}, {0, 1, 0.1, false}};
    size_t n = 3000, ng;
    double *y = malloc(n * sizeof *y);
    size_t *good = malloc(n * sizeof *good);
    knob_rng r;
    knob_rng_seed(&r, 21);
    double worst = 0;
    for (size_t a = 0; a < sizeof axes / sizeof *axes; a++) {
        knob__tpe_axis ax;
        knob__tpe_axis_number(&ax, axes[a].low, axes[a].high, axes[a].step, axes[a].integer, false);
        size_t nv = (size_t)round((ax.max - ax.min) / ax.step) + 1;
        for (int v = 0; v < 8; v++) {
            knob__tpe_settings set = {.prior_weight = 2,
                                      .smoothing = 2,
                                      .consider_endpoints = v & 1,
                                      .magic_clip = !(v & 2),
                                      .sigma_weighted = !(v & 4),
                                      .min_bandwidth = 0.01};
            history(&r, &ax, nv, y, n, good, &ng);
            double d = compare(&ax, nv, y, n, good, ng, &set);
            if (!(d <= 1e-11))
                fail_msg("axis %zu, variant %d: log densities %.3g apart", a, v, d);
            worst = fmax(worst, d);
        }
    }
    print_message("the most two log densities differed by: %.3g\n", worst);
    free(y);
    free(good);
}

/* Positions added in parts, the last part each time rewound and added again longer (as the
 * sampler keeps the frozen observations and adds the rest at each ask), give the kernels of
 * positions added at once, bit for bit. */
static void tpe_bins_parts_equal_whole(void **state)
{
    (void)state;
    size_t n = 4000, ng, goods[3] = {17, 2222, 3999};
    double *y = malloc(n * sizeof *y);
    size_t *good = malloc(n * sizeof *good);
    knob_rng r;
    knob_rng_seed(&r, 4);
    knob__tpe_axis ax;
    knob__tpe_axis_number(&ax, 0, 1, 0.1, false, false);
    history(&r, &ax, 11, y, n, good, &ng);
    y[100] = -0.0; /* -0 and 0 are one value */
    knob__tpe_bins whole = {0}, part = {0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(knob__tpe_bins_add(&whole, y[i]), 0);
    size_t kept = 0;
    for (size_t step = 1; kept < n; step = step * 3 + 1) {
        knob__tpe_bins_rewind(&part);
        size_t end = kept + step < n ? kept + step : n;
        for (size_t i = kept; i < end; i++)
            assert_int_equal(knob__tpe_bins_add(&part, y[i]), 0);
        knob__tpe_bins_keep(&part);
        kept = end;
        knob__tpe_bins_rewind(&part); /* a tail added, then taken back */
        for (size_t i = kept; i < n && i < kept + 50; i++)
            assert_int_equal(knob__tpe_bins_add(&part, y[i]), 0);
    }
    knob__tpe_bins_rewind(&part);
    assert_int_equal(part.n, n);
    assert_int_equal(part.n_v, 11);
    double yw[33], ww[33], yp[33], wp[33];
    size_t kw = knob__tpe_bins_merge(&whole, goods, 3, yw, ww);
    size_t kp = knob__tpe_bins_merge(&part, goods, 3, yp, wp);
    assert_int_equal(kw, kp);
    assert_memory_equal(yw, yp, kw * sizeof *yw);
    assert_memory_equal(ww, wp, kw * sizeof *ww);
    knob__tpe_bins_free(&whole);
    knob__tpe_bins_free(&part);
    free(y);
    free(good);
}

/* A value past KNOB__TPE_BINS_MAX is refused and nothing is added (the sampler fits from
 * every observation then). */
static void tpe_bins_too_many_values(void **state)
{
    (void)state;
    knob__tpe_bins b = {0};
    for (int k = 0; k < KNOB__TPE_BINS_MAX; k++)
        assert_int_equal(knob__tpe_bins_add(&b, (double)k), 0);
    assert_int_equal(knob__tpe_bins_add(&b, 3), 0);
    assert_int_not_equal(knob__tpe_bins_add(&b, -1), 0);
    assert_int_equal(b.n, KNOB__TPE_BINS_MAX + 1);
    assert_int_equal(b.n_v, KNOB__TPE_BINS_MAX);
    knob__tpe_bins_free(&b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tpe_bins_ask_fits_few_kernels),
        cmocka_unit_test(tpe_bins_fit_matches_one_by_one),
        cmocka_unit_test(tpe_bins_parts_equal_whole),
        cmocka_unit_test(tpe_bins_too_many_values),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
