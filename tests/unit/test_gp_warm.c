/* gp's warm start (samplers/gp_warm.c) measured as `bench_tpe warm` measures it
 * (bench/README.md): per seed a source study of Rosenbrock-4 with its optimum moved by 10%
 * of the range (or of its negation, an anti-correlated source), a cold study of
 * Rosenbrock-4, and a study warm-started from the source that runs until it reaches the
 * cold study's best. Fixed seeds and 40 trials, so the counts are exact and each test takes
 * about a second of CPU. */
#include "testutil.h"

#include "knob.h"
#include "samplers/gp_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static knob_trial_state objective(knob_trial *t, void *arg, double *values)
{
    const pair *p = arg;
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
static void one_seed_with(pair src, int seed, const char *warm_opts, int *cold, int *warm,
                          double *cold_regret, double *warm_regret)
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
    snprintf(opts, sizeof opts, "seed=%d,warm_start_study=source%s%s", seed,
             warm_opts[0] ? "," : "", warm_opts);
    s = study(st, "warm", opts);
    int n = run_until(s, TRIALS, best_cold, &best_warm, &at);
    *warm = best_warm <= best_cold ? n : TRIALS + 1;
    *warm_regret = best_warm; /* when it stopped early, at most that after TRIALS */
    *cold_regret = best_cold;
    knob_study_free(s);
    knob_storage_close(st);
}

static void one_seed(pair src, int seed, int *cold, int *warm, double *cold_regret,
                     double *warm_regret)
{
    one_seed_with(src, seed, "", cold, warm, cold_regret, warm_regret);
}

/* A source whose optimum moved by 10% of the range: on seeds 0..3 the warm study reaches
 * the cold study's best of 40 trials in at most 0.6 of the trials the cold study took
 * (summed over the seeds), and on every seed (measured: 47 trials against 143, 0.33, by
 * default; with warm_start_scale=false: 46, 0.32; and warm_start_region=0: 54, 0.38, with
 * warm_start_local 6 or 0; 69, 0.48, with warm_start_region=0 and warm_start_refine=0). */
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
 * measured: 10^1.36 against 10^1.59 by default; with warm_start_region=0: 10^1.88, 10^1.61
 * with warm_start_local=0 too, 10^1.88 with warm_start_refine=0 instead). */
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

/* The params of `trials` trials of gp (options opts) on Rosenbrock-4 in a new study `name`
 * of st, into x (trials x 4). */
static void asks(knob_storage *st, const char *name, const char *opts, int trials, double *x)
{
    knob_study *s = study(st, name, opts);
    pair itself = {0, 1};
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(objective(t, &itself, &v), KNOB_TRIAL_COMPLETE);
        for (int k = 0; k < 4; k++) {
            char pname[8];
            snprintf(pname, sizeof pname, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, pname, -5, 10, 0, 0, &x[i * 4 + k]),
                             KNOB_OK);
        }
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_study_free(s);
}

/* Without a source, an option that acts in warm runs only is refused at another value than
 * its default (it would be unused without a word), naming it; at its default it is taken. */
static void refused_cold(const char *opt)
{
    char o[160];
    knob_sampler *sp = NULL;
    snprintf(o, sizeof o, "seed=5,%s", opt);
    int rc = knob_sampler_create("gp", o, &sp);
    knob_sampler_free(sp);
    char name[64];
    snprintf(name, sizeof name, "option '%.*s' (", (int)strcspn(opt, "="), opt);
    if (rc) {
        assert_int_equal(rc, KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), name));
        assert_non_null(strstr(knob_errmsg(), "acts only with 'warm_start_study'"));
    }
}

/* An option that acts in warm runs only: without a source, refused at another value than its
 * default (refused_cold; one of `off` ("<option>=0") and `on` is the default); with a source,
 * the asks with `on` are those with `off` for the first `same` trials and differ after. */
static void warm_only(const char *off, const char *on, int n, int same)
{
    double *a = calloc((size_t)n * 4, sizeof *a), *b = calloc((size_t)n * 4, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    char o[160];
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_sampler *sp[2] = {NULL, NULL};
    int refused = (knob_sampler_create("gp", off, &sp[0]) != 0) +
                  (knob_sampler_create("gp", on, &sp[1]) != 0);
    knob_sampler_free(sp[0]);
    knob_sampler_free(sp[1]);
    assert_int_equal(refused, 1);
    refused_cold(off);
    refused_cold(on);
    pair src = {1.5, 1};
    knob_study *s = study(st, "source", "seed=1005");
    assert_int_equal(knob_study_optimize(s, objective, &src, 30), KNOB_OK);
    knob_study_free(s);
    snprintf(o, sizeof o, "seed=5,warm_start_study=source,%s", off);
    asks(st, "warm", o, n, a);
    snprintf(o, sizeof o, "seed=5,warm_start_study=source,%s", on);
    asks(st, "warm_on", o, n, b);
    assert_memory_equal(a, b, (size_t)same * 4 * sizeof *a);
    assert_true(memcmp(a, b, (size_t)n * 4 * sizeof *a) != 0);
    knob_storage_close(st);
    free(a);
    free(b);
}

/* warm_start_refine acts in warm runs only: without a source it is refused (warm_only);
 * with one they differ from the warm run without it (from the first
 * refining trial on), and the first trials (before the model) are the same: trials 0-2, the
 * model has < 3 trials. warm_start_refine=2 is the default. */
static void refine_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_refine=0", "warm_start_refine=2", 16, 3);
}

/* The refinement's step on a model of a bowl (minimum 0 at (0.37, 0.61) of the unit square,
 * 12 observations, no source): the model mean's minimum, near the bowl's, and not an
 * observed point; with the bowl's minimum observed, no point within 1e-7 of an observed one
 * (a deterministic objective would repeat itself). Warm only: a cold sampler never
 * refines. */
static void refine_step(double cx, double cy, bool *refined, double *xbest, double *xs, int *n)
{
    static const knob_distribution unit = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    knob__dim dims[2];
    knob__dim_init(&dims[0], "x0", &unit, 0);
    knob__dim_init(&dims[1], "x1", &unit, 0);
    bo p = {.dims = dims, .n_dims = 2, .ws_refine = 1, .min_noise = 1e-10};
    double X[2 * 16], y[16];
    int m = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            X[2 * m] = 0.2 + 0.3 * i;
            X[2 * m + 1] = 0.2 + 0.3 * j;
            m++;
        }
    static const double more[][2] = {{0.1, 0.9}, {0.9, 0.15}, {0.45, 0.55}};
    for (int i = 0; i < 3; i++, m++) {
        X[2 * m] = more[i][0];
        X[2 * m + 1] = more[i][1];
    }
    double mean = 0, var = 0;
    for (int i = 0; i < m; i++) {
        double u = X[2 * i] - cx, v = X[2 * i + 1] - cy;
        y[i] = u * u + 2 * v * v;
        mean += y[i] / m;
    }
    for (int i = 0; i < m; i++)
        var += (y[i] - mean) * (y[i] - mean) / (m - 1);
    for (int i = 0; i < m; i++)
        y[i] = (y[i] - mean) / sqrt(var);
    bool cat[2] = {false, false};
    p.gp.min_noise = 1e-10;
    assert_int_equal(knob__gp_set_data(&p.gp, X, y, m, 2, cat), 0);
    assert_int_equal(knob__gp_fit(&p.gp, 200), 0);
    data D = {.X = X, .y = y, .n = m, .n_seen = m, .n_top = 3};
    for (int j = 0; j < 3; j++) {
        int b = -1;
        for (int i = 0; i < m; i++) {
            bool taken = false;
            for (int q = 0; q < j; q++)
                taken |= D.top[q] == i;
            if (!taken && (b < 0 || y[i] < y[b]))
                b = i;
        }
        D.top[j] = b;
    }
    D.best = y[D.top[0]];
    assert_false(knob__bo_warm_refines(&p, 4, &D)); /* no source: never */
    p.ws_on = true;                                 /* as if warm, the prior mean aside */
    assert_true(knob__bo_warm_refines(&p, 4, &D));
    p.ws_on = false;
    assert_int_equal(knob__bo_warm_refine(&p, &D, xbest, refined), KNOB_OK);
    memcpy(xs, X, sizeof X);
    *n = m;
    knob__gp_free(&p.gp);
}

static void refine_minimizes_the_mean(void **state)
{
    (void)state;
    bool refined;
    double x[2], X[32];
    int n;
    refine_step(0.37, 0.61, &refined, x, X, &n);
    print_message("bowl at (0.37, 0.61): refined %d at (%.4f, %.4f)\n", refined, x[0], x[1]);
    assert_true(refined);
    assert_true(fabs(x[0] - 0.37) < 0.03 && fabs(x[1] - 0.61) < 0.03);
    for (int i = 0; i < n; i++)
        assert_true(fabs(X[2 * i] - x[0]) > 1e-7 || fabs(X[2 * i + 1] - x[1]) > 1e-7);
    /* the minimum observed (0.5, 0.5): no point asked again */
    refine_step(0.5, 0.5, &refined, x, X, &n);
    print_message("bowl at (0.5, 0.5): refined %d at (%.9f, %.9f)\n", refined, x[0], x[1]);
    for (int i = 0; refined && i < n; i++)
        assert_true(fabs(X[2 * i] - x[0]) > 1e-7 || fabs(X[2 * i + 1] - x[1]) > 1e-7);
}

/* warm_start_local acts in warm runs only: without a source it is refused (warm_only);
 * with one they are the same until the local model has its trials (24
 * here: 6 a param) and differ after. warm_start_local=6 is the default. */
static void local_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_local=0", "warm_start_local=6", 36, 24);
}

/* The local model's step (warm_start_local) in a basin the global model cannot resolve: a
 * narrow bowl, 1e4 x |x - c|^2 with c = (0.3712, 0.6105), seen at 9 points of a grid over
 * the unit square and at 12 points within 0.01 of c, none nearer than 0.002. The global
 * model sees no gain over the best observation there (measured: no step); the local model
 * of the 10 nearest points (5 a param) steps to within 2e-4 of c (measured: 1.5e-4). */
static void local_step(int64_t per_param, double *x, bool *refined)
{
    static const knob_distribution unit = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    static const double c[2] = {0.3712, 0.6105};
    knob__dim dims[2];
    knob__dim_init(&dims[0], "x0", &unit, 0);
    knob__dim_init(&dims[1], "x1", &unit, 0);
    bo p = {.dims = dims,
            .n_dims = 2,
            .ws_refine = 1,
            .ws_local = per_param,
            .min_noise = 1e-10,
            .fit_max_evals = 200};
    double X[2 * 24], y[24], raw[24];
    int m = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++, m++) {
            X[2 * m] = 0.1 + 0.4 * i;
            X[2 * m + 1] = 0.1 + 0.4 * j;
        }
    for (int i = 0; i < 12; i++, m++) {
        double a = 2 * M_PI * i / 12, r = 0.002 + 0.008 * (i % 4) / 3.0;
        X[2 * m] = c[0] + r * cos(a);
        X[2 * m + 1] = c[1] + r * sin(a);
    }
    double mean = 0, var = 0;
    for (int i = 0; i < m; i++) {
        double u = X[2 * i] - c[0], v = X[2 * i + 1] - c[1];
        raw[i] = 1e4 * (u * u + v * v);
        y[i] = log1p(raw[i]); /* as warped: the far points compressed */
        mean += y[i] / m;
    }
    for (int i = 0; i < m; i++)
        var += (y[i] - mean) * (y[i] - mean) / (m - 1);
    for (int i = 0; i < m; i++)
        y[i] = (y[i] - mean) / sqrt(var);
    bool cat[2] = {false, false};
    p.gp.min_noise = 1e-10;
    assert_int_equal(knob__gp_set_data(&p.gp, X, y, m, 2, cat), 0);
    assert_int_equal(knob__gp_fit(&p.gp, 200), 0);
    data D = {.X = X, .y = y, .n = m, .n_seen = m, .n_top = 1};
    for (int i = 1; i < m; i++)
        D.top[0] = y[i] < y[D.top[0]] ? i : D.top[0];
    D.best = y[D.top[0]];
    assert_int_equal(knob__bo_warm_refine(&p, &D, x, refined), KNOB_OK);
    x[0] -= c[0];
    x[1] -= c[1];
    knob__gp_free(&p.gp);
    knob__gp_free(&p.lgp);
}

static void local_model_resolves_the_basin(void **state)
{
    (void)state;
    double g[2], l[2];
    bool rg, rl;
    local_step(0, g, &rg);
    local_step(5, l, &rl);
    double dg = rg ? hypot(g[0], g[1]) : INFINITY, dl = hypot(l[0], l[1]);
    print_message("distance to the minimum: global model %.3g (refined %d), local %.3g (%d)\n", dg,
                  rg, dl, rl);
    assert_true(rl);
    assert_true(dl < 2e-4);
    assert_true(!rg || dl < dg);
}

/* warm_start_shift acts in warm runs only: without a source it is refused; with one the asks
 * are the same while the study has fewer than 2 trials a shared param (trials 0-7 here: the
 * shift is 0 until 8 are complete) and differ after. */
static void shift_only_when_warm(void **state)
{
    (void)state;
    enum { N = 14 };
    double a[N * 4], b[N * 4];
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create("gp", "seed=5,warm_start_shift=true", &sp), KNOB_EINVAL);
    refused_cold("warm_start_shift=true");
    pair src = {1.5, 1};
    knob_study *s = study(st, "source", "seed=1005");
    assert_int_equal(knob_study_optimize(s, objective, &src, 30), KNOB_OK);
    knob_study_free(s);
    asks(st, "warm", "seed=5,warm_start_study=source", N, a);
    asks(st, "warm_shift", "seed=5,warm_start_study=source,warm_start_shift=true", N, b);
    assert_memory_equal(a, b, 8 * 4 * sizeof *a);
    assert_true(memcmp(a + 8 * 4, b + 8 * 4, 4 * sizeof *a) != 0); /* the first with a shift */
    assert_true(memcmp(a, b, sizeof a) != 0);
    knob_storage_close(st);
}

/* The fitted shift on known data: a source model of the bowl (x0 - 0.6)^2 + 2 (x1 - 0.4)^2
 * (25 grid points of the unit square), own trials of the same bowl centred at (0.5, 0.5):
 * the prior mean's shift goes the move from the source's centre to this study's, (-0.1,
 * 0.1), by 0.6 to 1.1 of it in each coordinate with 12 trials (the prior on the shift holds
 * it back; measured (-0.070, 0.083)) and nearer it with 16 (measured (-0.078, 0.091));
 * about 0 (within 0.01) when
 * the own trials are the source's function unmoved; exactly 0 with the option off or with
 * fewer than 4 own trials (2 a shared param). */
static double fitted_shift(bool on, int n_own, double cx, double cy, double *shift)
{
    static const knob_distribution unit = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    knob__dim dims[2];
    knob__dim_init(&dims[0], "x0", &unit, 0);
    knob__dim_init(&dims[1], "x1", &unit, 0);
    bo p = {.dims = dims, .n_dims = 2, .min_noise = 1e-10, .ws_on = true, .ws_shift_on = on};
    p.ns = 2;
    p.s_dims[0] = 0;
    p.s_dims[1] = 1;
    double S[2 * 25], sy[25], X[2 * 16], y[16], resid[16], work[3 * 25 + 16];
    int m = 0;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++, m++) {
            S[2 * m] = 0.1 + 0.2 * i;
            S[2 * m + 1] = 0.1 + 0.2 * j;
            double u = S[2 * m] - 0.6, v = S[2 * m + 1] - 0.4;
            sy[m] = (u * u + 2 * v * v - 0.2) / 0.2;
        }
    p.ws_sbest[0] = 0.5; /* the best grid point, (0.5, 0.3) */
    p.ws_sbest[1] = 0.3;
    bool cat[2] = {false, false};
    p.sgp.min_noise = 1e-10;
    assert_int_equal(knob__gp_set_data(&p.sgp, S, sy, 25, 2, cat), 0);
    assert_int_equal(knob__gp_fit(&p.sgp, 200), 0);
    knob_rng r;
    knob_rng_seed(&r, 3);
    for (int i = 0; i < n_own; i++) {
        X[2 * i] = 0.2 + 0.6 * knob_rng_uniform(&r);
        X[2 * i + 1] = 0.2 + 0.6 * knob_rng_uniform(&r);
        double u = X[2 * i] - cx, v = X[2 * i + 1] - cy;
        y[i] = (u * u + 2 * v * v - 0.1) / 0.1;
    }
    data D = {.X = X, .y = y, .n = n_own, .n_seen = n_own};
    assert_int_equal(knob__bo_fit_prior_scale(&p, &D, resid, work), KNOB_OK);
    shift[0] = p.ws_shift[0];
    shift[1] = p.ws_shift[1];
    knob__gp_free(&p.sgp);
    free(p.ws_work);
    return p.ws_a;
}

static void shift_finds_the_move(void **state)
{
    (void)state;
    double d[2], a;
    a = fitted_shift(true, 12, 0.5, 0.5, d);
    print_message("moved source, 12 trials: shift (%.4f, %.4f), slope %.3f\n", d[0], d[1], a);
    assert_true(d[0] <= -0.06 && d[0] >= -0.11 && d[1] >= 0.06 && d[1] <= 0.11);
    double e[2];
    a = fitted_shift(true, 16, 0.5, 0.5, e);
    print_message("moved source, 16 trials: shift (%.4f, %.4f), slope %.3f\n", e[0], e[1], a);
    assert_true(e[0] < d[0] && e[0] >= -0.11 && e[1] > d[1] && e[1] <= 0.11);
    a = fitted_shift(true, 12, 0.6, 0.4, d);
    print_message("unmoved source: shift (%.4f, %.4f), slope %.3f\n", d[0], d[1], a);
    assert_true(fabs(d[0]) < 0.01 && fabs(d[1]) < 0.01);
    fitted_shift(false, 12, 0.5, 0.5, d);
    assert_true(d[0] == 0 && d[1] == 0);
    fitted_shift(true, 3, 0.5, 0.5, d);
    assert_true(d[0] == 0 && d[1] == 0);
}

/* warm_start_task acts in warm runs only: without a source it is refused (warm_only);
 * with one they are the same for the first 2 trials (before the model)
 * and differ after. */
static void task_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_task=false", "warm_start_task=true", 12, 2);
}

/* The two-task kernel (math/gp.h, task): the analytic gradient of the log marginal
 * likelihood over every hyperparameter, the correlation's included, matches central
 * differences; the fitted correlation is high for a source of the same function (8 own
 * rows of a bowl, 30 source rows of the bowl plus 0.05: above 0.9, measured 0.995) and not
 * for one that is not (source rows of an unrelated wave: below 0.5, measured -0.64); with
 * the related source, this task's mean at the bowl's minimum (-0.8), where no own row lies,
 * is within 0.1 of it. */
static double task_fit(int kind, double *mean_at, const double *at, bool check_grad)
{
    enum { NS = 30, NO = 8 };
    double X[2 * (NS + NO)], y[NS + NO];
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (int i = 0; i < NS + NO; i++) {
        double u = knob_rng_uniform(&r), v = knob_rng_uniform(&r);
        X[2 * i] = u;
        X[2 * i + 1] = v;
        double bowl = 8 * ((u - 0.4) * (u - 0.4) + (v - 0.6) * (v - 0.6)) - 0.8;
        y[i] = i >= NS ? bowl : kind == 0 ? bowl + 0.05 : sin(9 * u) * cos(7 * v);
    }
    bool cat[2] = {false, false};
    knob__gp g = {.min_noise = 1e-6, .task = true, .n_src = NS};
    assert_int_equal(knob__gp_set_data(&g, X, y, NS + NO, 2, cat), 0);
    assert_int_equal(knob__gp_n_theta(&g), 5);
    if (check_grad) {
        double th[5] = {0.3, -0.2, 0.1, log(1e-3), 0.7}, gr[5], t2[5];
        knob__gp_objective(&g, th, gr);
        for (int k = 0; k < 5; k++) {
            double h = 1e-5;
            memcpy(t2, th, sizeof th);
            t2[k] += h;
            double up = knob__gp_objective(&g, t2, NULL);
            t2[k] -= 2 * h;
            double dn = knob__gp_objective(&g, t2, NULL);
            double fd = (up - dn) / (2 * h);
            assert_true(fabs(fd - gr[k]) <= 1e-4 * (1 + fabs(fd)));
        }
    }
    assert_int_equal(knob__gp_fit(&g, 200), 0);
    double var, work[NS + NO];
    knob__gp_predict(&g, at, 1, mean_at, &var, work);
    double rho = knob__gp_task_rho(&g);
    knob__gp_free(&g);
    return rho;
}

static void task_kernel_fits_the_correlation(void **state)
{
    (void)state;
    double at[2] = {0.4, 0.6}, related, unrelated; /* the bowl's minimum: -0.8 */
    double r1 = task_fit(0, &related, at, true), r0 = task_fit(1, &unrelated, at, true);
    print_message("task correlation: related %.3f (mean at the minimum %.3f), unrelated %.3f "
                  "(%.3f)\n",
                  r1, related, r0, unrelated);
    assert_true(r1 > 0.9);
    assert_true(r0 < 0.5);
    assert_true(fabs(related - -0.8) < 0.1);
    knob__gp cold = {0};
    assert_true(knob__gp_task_rho(&cold) == 1);
}

/* warm_start_scale acts in warm runs only: without a source it is refused (warm_only); with
 * a source whose losses span this study's (the shifted Rosenbrock-4) they
 * are the same for the first 2 trials (before the model) and differ after. */
static void scale_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_scale=false", "warm_start_scale=true", 12, 2);
}

/* The source's scale is used while the median of this study's losses lies within the
 * source's losses, and then maps them as it mapped the source's; outside that range, off
 * (NULL), in a cold run, or with the option off, each study has its own. */
static void scale_within_the_source_range(void **state)
{
    (void)state;
    bo p = {.warp = true, .ws_on = true, .ws_scale_on = true};
    double src[8] = {3, 1, 4, 1, 5, 9, 2, 6}, sy[8], y[3] = {2, 8, 30};
    memcpy(sy, src, sizeof src);
    data S = {.y = sy, .n = 8};
    knob__bo_standardize_by(&p, &S, NULL, &p.ws_scale);
    p.ws_ylo = 1;
    p.ws_yhi = 9;
    assert_true(p.ws_scale.yj);
    data D = {.y = y, .n = 3}; /* median 8: within [1, 9] */
    assert_ptr_equal(knob__bo_warm_scale(&p, &D), &p.ws_scale);
    y[1] = 10; /* median 10 */
    assert_null(knob__bo_warm_scale(&p, &D));
    y[1] = 0.5; /* median 2 */
    assert_ptr_equal(knob__bo_warm_scale(&p, &D), &p.ws_scale);
    p.ws_scale_on = false;
    assert_null(knob__bo_warm_scale(&p, &D));
    p.ws_scale_on = true;
    p.ws_on = false;
    assert_null(knob__bo_warm_scale(&p, &D));
    /* the source's own losses through its scale come out as the source's data did */
    double again[8];
    memcpy(again, src, sizeof src);
    data A = {.y = again, .n = 8};
    knob__bo_standardize_by(&p, &A, &p.ws_scale, NULL);
    for (int i = 0; i < 8; i++)
        assert_float_equal(again[i], sy[i], 1e-12);
    /* three of them alone keep the source's values, not a scale of their own (mean 0) */
    double three[3] = {1, 5, 9};
    data T = {.y = three, .n = 3};
    knob__bo_standardize_by(&p, &T, &p.ws_scale, NULL);
    assert_float_equal(three[0], sy[1], 1e-12);
    assert_float_equal(three[2], sy[5], 1e-12);
    assert_true(fabs(three[0] + three[1] + three[2]) > 0.1);
}

/* A source whose losses never reach this study's (negated Rosenbrock-4: all at most 0) gives
 * the asks of warm_start_scale=false, bit for bit. */
static void scale_off_for_an_opposite_source(void **state)
{
    (void)state;
    int n = 12;
    double *a = calloc((size_t)n * 4, sizeof *a), *b = calloc((size_t)n * 4, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    pair src = {0, -1};
    knob_study *s = study(st, "source", "seed=1005");
    assert_int_equal(knob_study_optimize(s, objective, &src, 30), KNOB_OK);
    knob_study_free(s);
    asks(st, "off", "seed=5,warm_start_study=source,warm_start_scale=false", n, a);
    asks(st, "on", "seed=5,warm_start_study=source", n, b);
    assert_memory_equal(a, b, (size_t)n * 4 * sizeof *a);
    knob_storage_close(st);
    free(a);
    free(b);
}

/* warm_start_rank acts in warm runs only: without a source it is refused (warm_only); with
 * a source they are the same while this study has fewer than 5 trials (its
 * own model is not tested before) and differ after. */
static void rank_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_rank=false", "warm_start_rank=true", 16, 5);
}

/* The source's weight (warm_start_rank) after n own trials of a bowl centred at (0.3, 0.6)
 * of the unit square, whose source model was fitted to 30 trials of sign x a bowl centred at
 * (cx, cy). */
static double bowl(const double *x, double cx, double cy)
{
    return (x[0] - cx) * (x[0] - cx) + 2 * (x[1] - cy) * (x[1] - cy);
}

static void standardized(double *y, int n)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += y[i] / n;
    for (int i = 0; i < n; i++)
        v += (y[i] - m) * (y[i] - m) / (n - 1);
    for (int i = 0; i < n; i++)
        y[i] = (y[i] - m) / sqrt(v);
}

static double rank_weight_of(double sign, double cx, double cy, int n, bool on)
{
    enum { NS = 30, NMAX = 20 };
    static const knob_distribution unit = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    knob__dim dims[2];
    knob__dim_init(&dims[0], "x0", &unit, 0);
    knob__dim_init(&dims[1], "x1", &unit, 0);
    bo p = {.dims = dims,
            .n_dims = 2,
            .ws_on = true,
            .ws_rank_on = on,
            .ns = 2,
            .s_dims = {0, 1},
            .min_noise = 1e-10,
            .fit_max_evals = 100,
            .ws_seed = 3,
            .ws_self = n};
    double XS[2 * NS], yS[NS], X[2 * NMAX], y[NMAX], resid[NMAX], work[3 * NS + 16];
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (int i = 0; i < NS; i++) {
        XS[2 * i] = knob_rng_uniform(&r);
        XS[2 * i + 1] = knob_rng_uniform(&r);
        yS[i] = sign * bowl(XS + 2 * i, cx, cy);
    }
    for (int i = 0; i < n; i++) {
        X[2 * i] = knob_rng_uniform(&r);
        X[2 * i + 1] = knob_rng_uniform(&r);
        y[i] = bowl(X + 2 * i, 0.3, 0.6);
    }
    standardized(yS, NS);
    standardized(y, n);
    bool cat[2] = {false, false};
    p.cat = cat; /* the space's kinds, as the ask's infer_space sets them */
    p.sgp.min_noise = 1e-10;
    assert_int_equal(knob__gp_set_data(&p.sgp, XS, yS, NS, 2, cat), 0);
    assert_int_equal(knob__gp_fit(&p.sgp, 100), 0);
    data D = {.X = X, .y = y, .n = n, .n_seen = n};
    assert_int_equal(knob__bo_fit_prior_scale(&p, &D, resid, work), KNOB_OK);
    knob__gp_free(&p.sgp);
    knob__gp_free(&p.rgp);
    free(p.ws_work);
    return p.ws_w;
}

/* A source of the same bowl orders this study's trials as well as this study's own model
 * does, or better, and keeps much of the weight; a negated bowl, or a bowl centred at the
 * far corner (0.9, 0.1), orders them worse and loses it. Without the option, or with fewer
 * than 5 own trials, the weight is 1 (the prior as before). */
static void rank_fades_a_misleading_source(void **state)
{
    (void)state;
    double same = rank_weight_of(1, 0.3, 0.6, 16, true);
    double negated = rank_weight_of(-1, 0.3, 0.6, 16, true);
    double far = rank_weight_of(1, 0.9, 0.1, 16, true);
    print_message("source's weight after 16 trials: same bowl %.3f, negated %.3f, far %.3f\n", same,
                  negated, far);
    assert_true(same >= 0.9);
    assert_true(negated <= 0.05);
    assert_true(far <= 0.05);
    assert_true(rank_weight_of(-1, 0.3, 0.6, 16, false) == 1);
    assert_true(rank_weight_of(-1, 0.3, 0.6, 4, true) == 1);
}

/* warm_start_region acts in warm runs only: without a source it is refused (warm_only); with
 * one they are the same for the first 2 trials (before the model) and
 * differ after. */
static void region_only_when_warm(void **state)
{
    (void)state;
    warm_only("warm_start_region=0", "warm_start_region=0.1", 12, 2);
}

/* With warm_start_region=h every acquisition's ask of a warm run (warm_start_refine=0: no
 * refinement's step) lies within h of each param's range from the source's best trial, or
 * from this study's best trial before it; without the option the asks go farther. */
static int asks_outside(const char *opts, double h)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    pair src = {1.5, 1}, itself = {0, 1};
    double sbest[4], best[4], vbest = INFINITY, vs = INFINITY;
    knob_study *s = study(st, "source", "seed=1002");
    for (int i = 0; i < 30; i++) {
        knob_trial *t;
        double v, x[4];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(objective(t, &src, &v), KNOB_TRIAL_COMPLETE);
        for (int k = 0; k < 4; k++) {
            char pname[8];
            snprintf(pname, sizeof pname, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, pname, -5, 10, 0, 0, &x[k]), KNOB_OK);
        }
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        if (v < vs) {
            vs = v;
            memcpy(sbest, x, sizeof x);
        }
    }
    knob_study_free(s);
    s = study(st, "warm", opts);
    int outside = 0;
    for (int i = 0; i < 20; i++) {
        knob_trial *t;
        double v, x[4];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(objective(t, &itself, &v), KNOB_TRIAL_COMPLETE);
        bool near_src = true, near_own = i > 0;
        for (int k = 0; k < 4; k++) {
            char pname[8];
            snprintf(pname, sizeof pname, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, pname, -5, 10, 0, 0, &x[k]), KNOB_OK);
            near_src = near_src && fabs(x[k] - sbest[k]) <= 15 * h + 1e-9;
            near_own = near_own && fabs(x[k] - best[k]) <= 15 * h + 1e-9;
        }
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        outside += i >= 2 && !near_src && !near_own; /* trials 0, 1: before the model */
        if (v < vbest) {
            vbest = v;
            memcpy(best, x, sizeof x);
        }
    }
    knob_study_free(s);
    knob_storage_close(st);
    return outside;
}

static void region_keeps_the_asks_near(void **state)
{
    (void)state;
    int in = asks_outside("seed=2,warm_start_study=source,warm_start_refine=0,warm_start_region="
                          "0.05",
                          0.05),
        out = asks_outside("seed=2,warm_start_study=source,warm_start_refine=0,warm_start_region=0",
                           0.05);
    print_message("asks of trials 2-19 farther than 0.05 of the range: %d with the region, %d "
                  "without\n",
                  in, out);
    assert_int_equal(in, 0);
    assert_true(out > 0);
}

/* The region brings the shifted pair's warm run to the cold run's best sooner than without
 * it: seeds 0..3 of shifted_source_reaches_cold_best_sooner, summed trials, at most 0.35 of
 * the cold run's (measured: 47 against 143, 0.33; 65, 0.45, without the region; with
 * warm_start_scale=false 46 and 54). */
static void region_reaches_cold_best_sooner(void **state)
{
    (void)state;
    int cold = 0, warm = 0, warm0 = 0, reached = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        int c, w, w0;
        double rc, rw;
        one_seed_with((pair){1.5, 1}, seed, "warm_start_region=0.1", &c, &w, &rc, &rw);
        one_seed_with((pair){1.5, 1}, seed, "warm_start_region=0", &c, &w0, &rc, &rw);
        cold += c;
        warm += w;
        warm0 += w0;
        reached += w <= TRIALS;
    }
    print_message("shifted source: cold %d trials, warm %d with the region (ratio %.2f), %d "
                  "without (%.2f)\n",
                  cold, warm, (double)warm / cold, warm0, (double)warm0 / cold);
    assert_int_equal(reached, SEEDS);
    assert_true(warm < warm0);
    assert_true(warm <= 0.35 * cold);
}

/* Hartmann's 6-D function on the unit cube (minimum -3.32237), its optimum moved by
 * shift in each coordinate. */
static knob_trial_state hartmann6(knob_trial *t, void *arg, double *values)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                   {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650},
                                   {4047, 8828, 8732, 5743, 1091, 381}};
    double shift = *(const double *)arg, x[6], sum = 0;
    for (int j = 0; j < 6; j++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", j);
        if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[j]))
            return KNOB_TRIAL_FAIL;
    }
    for (int i = 0; i < 4; i++) {
        double inner = 0;
        for (int j = 0; j < 6; j++) {
            double e = x[j] - shift - P[i][j] * 1e-4;
            inner += A[i][j] * e * e;
        }
        sum += alpha[i] * exp(-inner);
    }
    values[0] = -sum;
    return KNOB_TRIAL_COMPLETE;
}

/* The asks of a run that repeat an earlier ask of the run (every param within 1e-7). */
static int repeats_of(knob_study *s)
{
    const knob_trial_info *const *tr;
    size_t m;
    int here = 0;
    assert_int_equal(knob_study_trials(s, &tr, &m), KNOB_OK);
    for (size_t i = 1; i < m; i++)
        for (size_t j = 0; j < i; j++) {
            size_t k = 0;
            while (k < tr[i]->n_params && k < tr[j]->n_params &&
                   fabs(tr[i]->params[k].internal - tr[j]->params[k].internal) <= 1e-7)
                k++;
            if (k == 6) {
                here++;
                break;
            }
        }
    return here;
}

/* Near the optimum of a deterministic objective the model's mean and its acquisition both
 * settle on the best point itself, and a repeat tells nothing (three ties with the best in
 * five trials also set off the plateau's explorations); such an ask is now a draw near the
 * best. Hartmann-6, seeds 0..1: a cold run of 100 trials, a source of 100 trials whose
 * optimum moved by 0.1 of the range, and 100 trials warm-started from it (measured: no
 * repeat in the 400 asks; before, 11 and 12 of 100 in the cold runs, 22 and 16 in the warm
 * ones). */
static void asks_repeat_nothing(void **state)
{
    (void)state;
    int repeats = 0, n = 100;
    for (int seed = 0; seed < 2; seed++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        char opts[96];
        double shift = 0.1, none = 0;
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_study *s = study(st, "cold", opts);
        assert_int_equal(knob_study_optimize(s, hartmann6, &none, n), KNOB_OK);
        int cold = repeats_of(s);
        knob_study_free(s);
        snprintf(opts, sizeof opts, "seed=%d", 1000 + seed);
        s = study(st, "source", opts);
        assert_int_equal(knob_study_optimize(s, hartmann6, &shift, n), KNOB_OK);
        knob_study_free(s);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=source", seed);
        s = study(st, "warm", opts);
        assert_int_equal(knob_study_optimize(s, hartmann6, &none, n), KNOB_OK);
        int warm = repeats_of(s);
        print_message("seed %d: %d of %d cold asks and %d of %d warm asks repeat an earlier one\n",
                      seed, cold, n, warm, n);
        repeats += cold + warm;
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_int_equal(repeats, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shifted_source_reaches_cold_best_sooner),
        cmocka_unit_test(negated_source_costs_little),
        cmocka_unit_test(refine_only_when_warm),
        cmocka_unit_test(refine_minimizes_the_mean),
        cmocka_unit_test(local_only_when_warm),
        cmocka_unit_test(local_model_resolves_the_basin),
        cmocka_unit_test(shift_only_when_warm),
        cmocka_unit_test(shift_finds_the_move),
        cmocka_unit_test(task_only_when_warm),
        cmocka_unit_test(task_kernel_fits_the_correlation),
        cmocka_unit_test(scale_only_when_warm),
        cmocka_unit_test(scale_within_the_source_range),
        cmocka_unit_test(scale_off_for_an_opposite_source),
        cmocka_unit_test(rank_only_when_warm),
        cmocka_unit_test(rank_fades_a_misleading_source),
        cmocka_unit_test(region_only_when_warm),
        cmocka_unit_test(region_keeps_the_asks_near),
        cmocka_unit_test(region_reaches_cold_best_sooner),
        cmocka_unit_test(asks_repeat_nothing),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
