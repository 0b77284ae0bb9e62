/* The TPE sampler: golden sequence, search quality against random search, every kind
 * of space, multivariate and grouped TPE, several objectives, constant liar, pruned and
 * failed trials; and its estimators and front selection against brute force. */
#include "testutil.h"
#include "knob.h"
#include "math/tpe_front.h"
#include "math/tpe_parzen.h"
#include "space.h"

#include <float.h>
#include <math.h>

/* ---------------------------------------------------------------- helpers */

static knob_study *make_study(knob_storage *st, const char *sampler, const char *opts,
                              const knob_direction *dirs, size_t n_dirs)
{
    knob_sampler *sp;
    if (knob_sampler_create(sampler, opts, &sp))
        fail_msg("sampler %s '%s': %s", sampler, opts, knob_errmsg());
    knob_study_options o = {.sampler = sp, .directions = dirs, .n_objectives = n_dirs};
    knob_study *s;
    if (knob_study_create(st, "t", &o, &s))
        fail_msg("create: %s", knob_errmsg());
    return s;
}

typedef double (*objective)(const double *x, int d);

/* Runs `trials` trials of f over [lo, hi]^d (params x0..); returns the best value. */
static double run_float(knob_study *s, int d, double lo, double hi, int trials, objective f)
{
    double best = INFINITY;
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double x[8];
        char name[8];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int j = 0; j < d; j++) {
            snprintf(name, sizeof name, "x%d", j);
            if (knob_trial_suggest_float(t, name, lo, hi, 0, 0, &x[j]))
                fail_msg("suggest: %s", knob_errmsg());
        }
        double y = f(x, d);
        best = fmin(best, y);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    return best;
}

static double best_of(const char *sampler, const char *opts, int d, double lo, double hi,
                      int trials, objective f)
{
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, sampler, opts, NULL, 0);
    double best = run_float(s, d, lo, hi, trials, f);
    knob_study_free(s);
    knob_storage_close(st);
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A smooth 4-D bowl with a tilted valley, minimum 0 at (1, -2, 0.5, 3). */
/* A tilted bowl in up to 4 dimensions (the missing ones at their optimum). */
static double bowl4(const double *x, int d)
{
    double a = x[0] - 1, b = d > 1 ? x[1] + 2 : 0, c = d > 2 ? x[2] - 0.5 : 0,
           e = d > 3 ? x[3] - 3 : 0;
    return a * a + 2 * b * b + c * c + 0.5 * e * e + 0.5 * a * b;
}

/* ---------------------------------------------------------------- the sequence */

/* One trial of a mixed space; writes the suggestions into out[5]. */
static void mixed_trial(knob_study *s, double *out)
{
    static const char *const opts[] = {"adam", "sgd", "rmsprop"};
    knob_trial *t;
    double x, lr, q;
    int64_t n;
    size_t opt;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &lr), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "q", 0, 2, 0.25, 0, &q), KNOB_OK);
    assert_int_equal(knob_trial_suggest_int(t, "n", 0, 100, 5, 0, &n), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 3, &opt), KNOB_OK);
    out[0] = x;
    out[1] = lr;
    out[2] = q;
    out[3] = (double)n;
    out[4] = (double)opt;
    double y = x * x + pow(log10(lr) + 3, 2) + (q - 1.25) * (q - 1.25) +
               pow((double)n - 40, 2) / 400 + (opt == 1 ? 0 : 0.5);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
}

/* Trials 12..15 of seed 42 (TPE after 10 random ones), univariate and multivariate,
 * with knob's defaults and with Optuna's weights, frozen: they were printed by this implementation
 * (KNOB_PRINT_GOLDEN=1) and pasted here. A change here changes every user's reproduced study, so it
 * must be deliberate. */
static void tpe_golden_sequence(void **state)
{
    (void)state;
    static const double golden[4][4][5] = {
        {
            {0.31511365786883055, 0.0096481406534035148, 1.25, 50, 2},
            {0.18466239532435874, 0.0013496857428684581, 1.25, 35, 2},
            {0.25129670427632456, 0.002562367098316407, 1.25, 65, 2},
            {0.49606681852862206, 0.043571096774275384, 1.25, 35, 2},
        },
        {
            {0.45343963383458263, 0.0016094754147327592, 0.5, 25, 0},
            {0.89229069303175912, 0.017677073591556066, 0, 45, 0},
            {0.22974851837780244, 1.52355294349574e-05, 0, 50, 0},
            {0.38090091272158932, 0.0012937121270147735, 0.75, 55, 0},
        },
        {
            {0.25037211851128882, 0.001347034676913522, 1.25, 40, 2},
            {0.42363714435331978, 0.0057236990817069603, 1.25, 65, 2},
            {0.24459696576655945, 0.001724636356733909, 1.25, 30, 2},
            {0.19579278341757136, 0.043571096774275384, 1.25, 60, 2},
        },
        {
            {0.094251770526547762, 0.00025804942280971128, 0.75, 40, 0},
            {0.75597629021975232, 0.0075089145025969773, 0.25, 45, 0},
            {0.25458263356244853, 3.1700535938845466e-05, 1, 20, 0},
            {0.098226370786711592, 0.00058067692985264575, 1.25, 50, 0},
        },
    };
    static const char *const opts[4] = {
        "seed=42", "seed=42,multivariate=true",
        /* Optuna's weights and prior weight: the sequences of knob before its own defaults */
        "seed=42,weights=optuna,prior_weight=1",
        "seed=42,multivariate=true,weights=optuna,prior_weight=1"};
    bool print = getenv("KNOB_PRINT_GOLDEN") != NULL;
    for (int run = 0; run < 8; run++) {
        int v = run / 2; /* each variant twice: the same sequence both times */
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, "tpe", opts[v], NULL, 0);
        double x[5];
        for (int i = 0; i < 16; i++) {
            mixed_trial(s, x);
            if (i < 12)
                continue;
            if (print && run % 2 == 0)
                printf("%d            {%.17g, %.17g, %.17g, %.17g, %.17g},\n", v, x[0], x[1], x[2],
                       x[3], x[4]);
            for (int j = 0; !print && j < 5; j++)
                assert_true(x[j] == golden[v][i - 12][j]);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* startup=sobol: the first 8 trials are a scrambled Sobol net, one point in each eighth
 * of every param's range; the same seed gives the same points. */
static void tpe_sobol_startup(void **state)
{
    (void)state;
    double first[8][3];
    for (int run = 0; run < 2; run++) {
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, "tpe", "seed=5,startup=sobol", NULL, 0);
        for (int i = 0; i < 8; i++) {
            knob_trial *t;
            double x[3], y = 0;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "a", 0, 8, 0, 0, &x[0]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "b", 1, 1e8, 0, KNOB_LOG, &x[1]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "c", -4, 4, 0, 0, &x[2]), KNOB_OK);
            for (int j = 0; j < 3; j++) {
                if (run)
                    assert_true(x[j] == first[i][j]);
                first[i][j] = x[j];
                y += x[j];
            }
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int j = 0; j < 3; j++) {
        int seen[8] = {0};
        for (int i = 0; i < 8; i++) {
            double u = j == 0   ? first[i][0] / 8
                       : j == 1 ? log10(first[i][1]) / 8
                                : (first[i][2] + 4) / 8;
            seen[(int)floor(u * 8)]++;
        }
        for (int k = 0; k < 8; k++)
            assert_int_equal(seen[k], 1);
    }
}

/* Before n_startup_trials finish, TPE draws exactly what the random sampler draws. */
static void tpe_startup_is_random(void **state)
{
    (void)state;
    double a[10][5], b[10][5];
    for (int run = 0; run < 2; run++) {
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, run ? "random" : "tpe", "seed=7", NULL, 0);
        for (int i = 0; i < 10; i++)
            mixed_trial(s, run ? b[i] : a[i]);
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 5; j++)
            assert_true(a[i][j] == b[i][j]);
}

/* ---------------------------------------------------------------- quality */

/* Over 10 fixed seeds, TPE's best after 60 trials beats random search's in at least 9
 * (a sign test: p < 0.011 if they were equal) and its median best is 4x lower. The
 * seeds are fixed, so the outcome is too. */
static void tpe_beats_random(void **state)
{
    (void)state;
    double tpe[10], rnd[10];
    int wins = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        tpe[seed] = best_of("tpe", opts, 4, -5, 5, 60, bowl4);
        rnd[seed] = best_of("random", opts, 4, -5, 5, 60, bowl4);
        wins += tpe[seed] < rnd[seed];
    }
    double mt = median(tpe, 10), mr = median(rnd, 10);
    if (getenv("KNOB_TEST_VERBOSE"))
        printf("tpe wins %d/10, median best tpe %g random %g\n", wins, mt, mr);
    assert_true(wins >= 9);
    assert_true(mt * 4 < mr);
}

/* The joint (multivariate) variant also beats random search, and its params come from
 * the relative proposals (the same values whichever order the trial suggests them in). */
static void tpe_multivariate(void **state)
{
    (void)state;
    double tpe[10], rnd[10];
    int wins = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[64];
        snprintf(opts, sizeof opts, "seed=%d,multivariate=true", seed);
        tpe[seed] = best_of("tpe", opts, 4, -5, 5, 60, bowl4);
        snprintf(opts, sizeof opts, "seed=%d", seed);
        rnd[seed] = best_of("random", opts, 4, -5, 5, 60, bowl4);
        wins += tpe[seed] < rnd[seed];
    }
    assert_true(wins >= 9);
    assert_true(median(tpe, 10) * 4 < median(rnd, 10));

    /* Order independence: one joint draw serves every param of the space. */
    double first[2][2];
    for (int run = 0; run < 2; run++) {
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, "tpe", "seed=3,multivariate=true", NULL, 0);
        run_float(s, 2, -5, 5, 15, bowl4);
        knob_trial *t;
        double x0, x1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        if (run == 0) {
            knob_trial_suggest_float(t, "x0", -5, 5, 0, 0, &x0);
            knob_trial_suggest_float(t, "x1", -5, 5, 0, 0, &x1);
        } else {
            knob_trial_suggest_float(t, "x1", -5, 5, 0, 0, &x1);
            knob_trial_suggest_float(t, "x0", -5, 5, 0, 0, &x0);
        }
        first[run][0] = x0;
        first[run][1] = x1;
        knob_trial_detach(t);
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_true(first[0][0] == first[1][0] && first[0][1] == first[1][1]);
}

/* ---------------------------------------------------------------- plateaus */

/* Constant (0.9) outside the box [0.404, 1]^6 (4.5% of the space), a bowl inside
 * (bench/tpe's plateau6). */
static double plateau6(const double *x, int d)
{
    double s = 0, lo = 0.404, half = 0.5 * 0.5963;
    for (int i = 0; i < d; i++) {
        if (x[i] < lo)
            return 0.9;
        double t = (x[i] - lo - half) / half;
        s += t * t;
    }
    return 0.9 * s / d;
}

/* The number of the first trial below the plateau in 64, or 64. */
static int leaves_plateau(const char *sampler, const char *opts)
{
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, sampler, opts, NULL, 0);
    int first = 64;
    for (int i = 0; i < 64 && first == 64; i++)
        if (run_float(s, 6, 0, 1, 1, plateau6) < 0.9)
            first = i;
    knob_study_free(s);
    knob_storage_close(st);
    return first;
}

/* While every trial is tied on a plateau, TPE has nothing to split on and draws what
 * random search draws, so it leaves the plateau at the same trial, with either
 * variant; before ties were handled, the good side was the oldest tied trials and TPE
 * searched around them (it left the plateau in 15 of these 20 seeds, random in all 20). */
static void tpe_plateau(void **state)
{
    (void)state;
    int left = 0, left_random = 0;
    for (int seed = 0; seed < 20; seed++) {
        char opts[64];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        int r = leaves_plateau("random", opts), u = leaves_plateau("tpe", opts);
        snprintf(opts, sizeof opts, "seed=%d,multivariate=true", seed);
        int m = leaves_plateau("tpe", opts);
        if (getenv("KNOB_TEST_VERBOSE"))
            printf("seed %d: random %d, tpe %d, multivariate %d\n", seed, r, u, m);
        assert_int_equal(u, r);
        assert_int_equal(m, r);
        left += u < 64;
        left_random += r < 64;
    }
    assert_int_equal(left, left_random);
    assert_true(left >= 18);
}

/* 0 on x in [0.6, 0.8], else a slope from 1 up: many trials tie at the best value,
 * and the whole tied block is the good side, so TPE samples it far more often than
 * its 20% share of the range. */
static double flat_best(const double *x, int d)
{
    (void)d;
    return x[0] >= 0.6 && x[0] <= 0.8 ? 0 : 1 + fabs(x[0] - 0.7);
}

static void tpe_tied_best(void **state)
{
    (void)state;
    for (int seed = 0; seed < 5; seed++) {
        char opts[64];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, "tpe", opts, NULL, 0);
        run_float(s, 1, 0, 1, 30, flat_best);
        int inside = 0;
        for (int i = 0; i < 40; i++)
            inside += run_float(s, 1, 0, 1, 1, flat_best) == 0;
        knob_study_free(s);
        knob_storage_close(st);
        assert_true(inside >= 24);
    }
}

/* ---------------------------------------------------------------- constraints */

/* Minimizes (x - 0.2)^2 (+ (y - 0.2)^2 as a second objective when mo) on [0, 1] under
 * x >= 0.5 (the constraint 0.5 - x <= 0), or without the constraint; returns how many
 * of trials 20..59 suggest x < 0.4 (around the infeasible optimum), and the best
 * feasible x in *best_x. */
static int near_infeasible(int seed, bool constrained, bool mo, double *best_x)
{
    char opts[64];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    knob_storage *st = knob_test_memory();
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study *s = make_study(st, "tpe", opts, dirs, mo ? 2 : 1);
    int near = 0;
    double best = INFINITY;
    *best_x = NAN;
    for (int i = 0; i < 60; i++) {
        knob_trial *t;
        double x, y = 0;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        if (mo)
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
        double c = 0.5 - x, v[2] = {(x - 0.2) * (x - 0.2), (y - 0.2) * (y - 0.2)};
        if (constrained)
            assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, mo ? 2 : 1), KNOB_OK);
        near += i >= 20 && x < 0.4;
        if (c <= 0 && v[0] < best) {
            best = v[0];
            *best_x = x;
        }
    }
    knob_study_free(s);
    knob_storage_close(st);
    return near;
}

/* The unconstrained optimum (x = 0.2) is infeasible: constrained TPE does not target it
 * (it searches the feasible side, next to its edge x = 0.5, where half of a kernel's
 * draws fall just short of the edge); without the constraints TPE goes to 0.2 (the
 * check that the constraints are what moves it). */
static void tpe_constraints(void **state)
{
    (void)state;
    int with = 0, mo = 0;
    for (int seed = 0; seed < 5; seed++) {
        double bx, unused;
        int w = near_infeasible(seed, true, false, &bx);
        int without = near_infeasible(seed, false, false, &unused);
        int m = near_infeasible(seed, true, true, &unused);
        if (getenv("KNOB_TEST_VERBOSE"))
            printf("seed %d: suggestions below 0.4 in 40: %d constrained, %d not, %d with two "
                   "objectives; best feasible x %g\n",
                   seed, w, without, m, bx);
        assert_true(w <= 10);
        assert_true(without >= 30);
        assert_true(bx >= 0.5 && bx < 0.56);
        with += w;
        mo += m;
    }
    /* random search would put 16 of 40 there, 80 over the five seeds (measured: 30 and
     * 51) */
    assert_true(with <= 40);
    assert_true(mo <= 65);
}

/* Two objectives (x + y minimized, y maximized) on [0, 1]^2, feasible only where x >= 0.9
 * and y <= 0.2 (2% of the square); returns how many of 40 trials are feasible. */
static int feasible_of_corner(int seed)
{
    char opts[64];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    knob_storage *st = knob_test_memory();
    const knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study *s = make_study(st, "tpe", opts, dirs, 2);
    int feasible = 0;
    for (int i = 0; i < 40; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
        double c[2] = {0.9 - x, y - 0.2}, v[2] = {x + y, y};
        assert_int_equal(knob_trial_set_constraints(t, c, 2), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
        feasible += c[0] <= 0 && c[1] <= 0;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return feasible;
}

/* Several objectives: while fewer feasible trials than the good side's size exist, the
 * infeasible ones with the least summed violation fill it (as with one objective, and as
 * Optuna's constrained TPE), so TPE walks towards a small feasible region instead of
 * drawing from the prior until it hits it. Seeds 0-9: 8-12 feasible trials of 40 (103 in
 * all; Optuna 5's TPESampler 8-11, 100 in all). With the good side left to the feasible
 * trials alone, 4 of the 10 seeds found none (50 in all); random search finds 0.8 a seed. */
static void tpe_constraints_multi_objective(void **state)
{
    (void)state;
    int total = 0;
    for (int seed = 0; seed < 10; seed++) {
        int f = feasible_of_corner(seed);
        if (getenv("KNOB_TEST_VERBOSE"))
            printf("seed %d: %d feasible trials of 40\n", seed, f);
        assert_true(f >= 5);
        total += f;
    }
    assert_true(total >= 80);
}

/* ---------------------------------------------------------------- warm start */

/* A source study `name` of 40 TPE trials of the bowl over params a and b (or u and v). */
static void make_source(knob_storage *st, const char *name, bool other_names)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "seed=2", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    for (int i = 0; i < 40; i++) {
        knob_trial *t;
        double x[2];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, other_names ? "u" : "a", -5, 5, 0, 0, &x[0]),
                         KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, other_names ? "v" : "b", -5, 5, 0, 0, &x[1]),
                         KNOB_OK);
        double y = bowl4(x, 2);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
}

/* How many of the first 8 suggestions of a study fall within 1 of the bowl's bottom
 * (1, -2) (3% of the square: random search puts 0.25 of 8 there), with the sampler
 * options opts; the first trial's a in *first. */
static int first_close(knob_storage *st, const char *name, const char *opts, double *first)
{
    knob_sampler *sp;
    if (knob_sampler_create("tpe", opts, &sp))
        fail_msg("sampler '%s': %s", opts, knob_errmsg());
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        knob_trial *t;
        double x[2];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[0]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "b", -5, 5, 0, 0, &x[1]), KNOB_OK);
        if (i == 0)
            *first = x[0];
        sum += hypot(x[0] - 1, x[1] + 2) < 1;
        double y = bowl4(x, 2);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    return sum;
}

/* warm_start_study: the source's good trials steer the first trials (from this storage
 * and from another one); a source with other params is a cold start (the random
 * sampler's draws); a missing source is an error that names it. */
static void tpe_warm_start(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    make_source(st, "src", false);
    make_source(st, "other", true);
    double first, cold_first;
    int warm = first_close(st, "w1", "seed=6,warm_start_study=src", &first);
    int cold = first_close(st, "c1", "seed=6", &cold_first);
    if (getenv("KNOB_TEST_VERBOSE"))
        printf("of the first 8 near the bottom: warm %d, cold %d\n", warm, cold);
    assert_true(warm >= 3 && cold <= 1);
    /* disjoint: a cold start, the same draws as without a source */
    double disjoint_first;
    first_close(st, "d1", "seed=6,warm_start_study=other", &disjoint_first);
    assert_true(disjoint_first == cold_first);
    /* missing: the first suggestion fails and names the study */
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "warm_start_study=nope", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "m1", &o, &s), KNOB_OK);
    knob_trial *t = (knob_trial *)&o; /* not a trial: a failed ask must set it to NULL */
    double x;
    int rc = knob_study_ask(s, &t);
    if (rc == KNOB_OK)
        rc = knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x);
    else
        assert_null(t);
    assert_int_equal(rc, KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "warm_start_study 'nope'"));
    if (t && rc != KNOB_OK)
        knob_trial_detach(t);
    knob_study_free(s);
    /* from another storage */
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("tpe_warm.db"));
    knob_storage *other;
    assert_int_equal(knob_storage_open(url, &other), KNOB_OK);
    make_source(other, "far", false);
    knob_storage_close(other);
    char opts[4400];
    snprintf(opts, sizeof opts, "seed=6,warm_start_study=far,warm_start_storage=%s", url);
    assert_true(first_close(st, "w2", opts, &first) >= 3);
    knob_storage_close(st);
}

/* ---------------------------------------------------------------- the history cache */

static knob_study *load_study(knob_storage *st, const char *opts)
{
    knob_sampler *sp;
    if (knob_sampler_create("tpe", opts, &sp))
        fail_msg("sampler '%s': %s", opts, knob_errmsg());
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if (knob_study_load(st, "t", &o, &s))
        fail_msg("load: %s", knob_errmsg());
    return s;
}

/* One trial of a 2-D bowl ended as `how` says: 0 complete, 1 pruned (two reports),
 * 2 failed, 3 left running. Writes the suggestions into x[2]. */
static void trial_ending(knob_study *s, int how, double *x)
{
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[0]), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "b", 1e-3, 10, 0, KNOB_LOG, &x[1]), KNOB_OK);
    double y = bowl4(x, 2);
    if (how == 1) {
        assert_int_equal(knob_trial_report(t, 1, y + 1), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 2, y + 0.5), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    } else if (how == 2) {
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    } else if (how == 3) {
        knob_trial_detach(t);
    } else {
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
}

/* The history kept between asks never serves a stale model: one long-lived sampler
 * (cache=true) and, on a twin storage, a new sampler for every ask that reads the whole
 * history (cache=false) suggest exactly the same params through tells, prunes, failed
 * trials, trials left running (constant liar) and the trials of another worker. */
static void tpe_cache_never_stale(void **state)
{
    (void)state;
    static const char *const variants[] = {"seed=4,n_startup_trials=5,constant_liar=true",
                                           "seed=4,n_startup_trials=5,multivariate=true"};
    for (int v = 0; v < 2; v++) {
        knob_storage *st1 = knob_test_memory(), *st2 = knob_test_memory();
        char opts[128];
        snprintf(opts, sizeof opts, "%s,cache=true", variants[v]);
        knob_study *a = make_study(st1, "tpe", opts, NULL, 0);
        knob_study *other1 = load_study(st1, "seed=9");
        snprintf(opts, sizeof opts, "%s,cache=false", variants[v]);
        knob_study_free(make_study(st2, "tpe", opts, NULL, 0));
        knob_study *other2 = load_study(st2, "seed=9");
        for (int i = 0; i < 60; i++) {
            int how = i % 7 == 3 ? 1 : i % 11 == 5 ? 2 : i % 13 == 8 ? 3 : 0;
            double x1[2], x2[2];
            if (i % 5 == 2) { /* another worker's trial on each storage */
                trial_ending(other1, 0, x1);
                trial_ending(other2, 0, x2);
                assert_true(x1[0] == x2[0] && x1[1] == x2[1]);
            }
            knob_study *b = load_study(st2, opts);
            trial_ending(a, how, x1);
            trial_ending(b, how, x2);
            knob_study_free(b);
            assert_true(x1[0] == x2[0] && x1[1] == x2[1]);
        }
        knob_study_free(a);
        knob_study_free(other1);
        knob_study_free(other2);
        knob_storage_close(st1);
        knob_storage_close(st2);
    }
}

#if defined(__SANITIZE_ADDRESS__)
#define BIG_HISTORY 5000
#else
#define BIG_HISTORY 100000
#endif

/* A study of 100,000 finished trials: the long-lived sampler and a new one that reads
 * the whole history suggest the same params, with the bad side's kernels merged into
 * cells (more than 2,048 of them). */
static void tpe_cache_big_history(void **state)
{
    (void)state;
    knob_storage *st[2] = {knob_test_memory(), knob_test_memory()};
    for (int k = 0; k < 2; k++) {
        knob_study *r = make_study(st[k], "random", "seed=3", NULL, 0);
        double x[2];
        for (int i = 0; i < BIG_HISTORY; i++)
            trial_ending(r, i % 50 == 7 ? 2 : 0, x);
        knob_study_free(r);
    }
    knob_study *a = load_study(st[0], "seed=8,cache=true");
    for (int i = 0; i < 4; i++) {
        double x1[2], x2[2];
        knob_study *b = load_study(st[1], "seed=8,cache=false");
        trial_ending(a, 0, x1);
        trial_ending(b, 0, x2);
        knob_study_free(b);
        assert_true(x1[0] == x2[0] && x1[1] == x2[1]);
        /* near the bowl's bottom at (1, -2), where the good trials are; b's range is
         * [1e-3, 10], so its optimum sits at the low end */
        assert_true(fabs(x1[0] - 1) < 1);
    }
    knob_study_free(a);
    knob_storage_close(st[0]);
    knob_storage_close(st[1]);
}

/* The bad side of a categorical in a long history, as knob__tpe_cat_fit fits it from the
 * observations one by one, with the merged path's weights: position j of the v
 * observations (trial order, good ones included) weighs Optuna's ramp over all v, 1 at the
 * last 26 (math/tpe_cells.h); the good ones are left out. */
static void cat_bad_side(double *pg, size_t n_choices, const size_t *y, const bool *good, size_t v,
                         const knob__tpe_settings *set, double *yb, double *wb)
{
    size_t nb = 0;
    for (size_t j = 0; j < v; j++) {
        if (good[j])
            continue;
        yb[nb] = (double)y[j];
        wb[nb++] = j + 26 >= v ? 1 : 1 / (double)v + (double)j * (1 - 1 / (double)v) / (v - 26.0);
    }
    knob__tpe_cat_fit(pg, n_choices, yb, wb, nb, set);
}

/* The best `g` of loss[0 .. v) marked in good[] (the losses are distinct); the best
 * loss of the rest. */
static double mark_best(const double *loss, size_t v, size_t g, bool *good)
{
    double threshold = INFINITY;
    for (size_t j = 0; j < v; j++) {
        size_t better = 0;
        for (size_t i = 0; i < v && better < g; i++)
            better += loss[i] < loss[j];
        good[j] = better < g;
        if (!good[j])
            threshold = fmin(threshold, loss[j]);
    }
    return threshold;
}

/* A categorical of 200 choices past 2,074 trials, where the bad side is merged into one
 * kernel per choice (gather_merged): every ask is the one a fit of the bad side from the
 * trials one by one gives. The good side is the best 25 trials, weighed by how much each
 * beats the best bad one (weights=ei), with their mean times prior_weight for the prior;
 * the ask is the candidate, of the 24 drawn from it, with the best log l - log g. */
static void tpe_categorical_merged(void **state)
{
    (void)state;
    enum { C = 200, HISTORY = 2100, ASKS = 300, G = 25, N = HISTORY + ASKS };
    char names[C][8];
    const char *ch[C];
    for (int k = 0; k < C; k++) {
        snprintf(names[k], sizeof names[k], "c%d", k);
        ch[k] = names[k];
    }
    size_t *y = malloc(N * sizeof *y);
    double *loss = malloc(N * sizeof *loss), *yb = malloc(N * sizeof *yb),
           *wb = malloc(N * sizeof *wb);
    bool *good = malloc(N * sizeof *good);
    assert_non_null(y && loss && yb && wb && good);
    knob_storage *st = knob_test_memory();
    knob_study *r = make_study(st, "random", "seed=3", NULL, 0);
    knob_rng lr;
    knob_rng_seed(&lr, 11);
    for (size_t i = 0; i < HISTORY; i++) {
        knob_trial *t;
        assert_int_equal(knob_study_ask(r, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "c", ch, C, &y[i]), KNOB_OK);
        loss[i] = knob_rng_uniform(&lr);
        assert_int_equal(knob_study_tell(r, t, KNOB_TRIAL_COMPLETE, &loss[i], 1), KNOB_OK);
    }
    knob_study_free(r);
    knob_study *s = load_study(st, "seed=8,prior_weight=2,n_ei_candidates=24,weights=ei");
    knob__tpe_settings set = {.prior_weight = 2, .smoothing = 2}, set_g = set;
    double pl[C], pg[C], yg[G], wg[G];
    for (size_t i = HISTORY; i < N; i++) {
        /* the reference: both sides of the trials so far */
        double threshold = mark_best(loss, i, G, good), sum = 0;
        size_t ng = 0;
        for (size_t j = 0; j < i; j++) {
            if (good[j]) {
                yg[ng] = (double)y[j];
                sum += wg[ng++] = threshold - loss[j];
            }
        }
        assert_int_equal(ng, G);
        set_g.prior_weight = set.prior_weight * sum / G;
        knob__tpe_cat_fit(pl, C, yg, wg, G, &set_g);
        cat_bad_side(pg, C, y, good, i, &set, yb, wb);
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        knob_rng rng;
        knob_rng_derive(&rng, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), "c");
        double best = -INFINITY;
        bool drawn[C] = {false};
        for (int k = 0; k < 24; k++) {
            size_t x = knob__tpe_cat_sample(pl, C, &rng);
            drawn[x] = true;
            best = fmax(best, log(pl[x]) - log(pg[x]));
        }
        assert_int_equal(knob_trial_suggest_categorical(t, "c", ch, C, &y[i]), KNOB_OK);
        /* the same candidate, or one that scores the same up to rounding */
        double got = log(pl[y[i]]) - log(pg[y[i]]);
        if (!drawn[y[i]] || got < best - 1e-9 * fabs(best))
            fail_msg("trial %zu: choice %zu (score %.17g), the one-by-one fit's best %.17g", i,
                     y[i], got, best);
        loss[i] = 2 + (double)i; /* bad: the good side stays the history's best */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &loss[i], 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    free(y);
    free(loss);
    free(yb);
    free(wb);
    free(good);
}

/* The EI weights of the good losses lg[0 .. g) (all below the threshold) into wg, as tpe
 * weighs them; the prior's weight (prior_weight times their mean). */
static double ei_weights(const double *lg, size_t g, double threshold, double prior_weight,
                         double *wg)
{
    double low = INFINITY, sum = 0;
    for (size_t j = 0; j < g; j++)
        low = fmin(low, lg[j]);
    double span = threshold - low, floor = span > 0 ? 1e-12 * span : 1;
    for (size_t j = 0; j < g; j++)
        sum += wg[j] = fmax(floor, threshold - lg[j]);
    return prior_weight * (sum / (double)g);
}

/* The ask of one param from fits one by one of the trials [0, v) of values x[] (kernel
 * space), good[] marking the good ones (EI weights from loss[], threshold), the bad ones
 * with Optuna's weights; *score its log l - log g, *best the best candidate's. */
static double binned_reference(const knob__tpe_axis *ax, const double *x, const double *loss,
                               const bool *good, size_t v, double threshold, knob_rng *rng,
                               double *buf, double *score)
{
    double *yg = buf, *lg = yg + 32, *wg = lg + 32, *yb = wg + 32, *wb = yb + v;
    size_t ng = 0, nb = 0;
    for (size_t j = 0; j < v; j++) {
        if (good[j]) {
            yg[ng] = x[j];
            lg[ng++] = loss[j];
        } else {
            yb[nb++] = x[j];
        }
    }
    knob__tpe_settings set = {.prior_weight = 2,
                              .smoothing = 2,
                              .magic_clip = true,
                              .sigma_weighted = true,
                              .min_bandwidth = 0.01},
                       set_g = set;
    set_g.prior_weight = ei_weights(lg, ng, threshold, set.prior_weight, wg);
    knob__tpe_default_weights(nb, wb);
    knob__tpe_mix1 below = {0}, above = {0};
    assert_int_equal(knob__tpe_mix1_fit(&below, ax, yg, wg, ng, &set_g), 0);
    assert_int_equal(knob__tpe_mix1_fit(&above, ax, yb, wb, nb, &set), 0);
    double best = -INFINITY, pick = NAN;
    for (int k = 0; k < 24; k++) {
        double c = knob__tpe_from_kernel(ax, knob__tpe_mix1_sample(&below, rng));
        double y = knob__tpe_to_kernel(ax, c);
        double sc = knob__tpe_mix1_logpdf(&below, y) - knob__tpe_mix1_logpdf(&above, y);
        if (k == 0 || sc > best) {
            best = sc;
            pick = c;
        }
    }
    *score = best;
    knob__tpe_mix1_free(&below);
    knob__tpe_mix1_free(&above);
    return pick;
}

/* An int in [1, 10] and a float in [0, 1] by 0.1 past 2,100 trials, where the bad side is
 * merged into at most three kernels per value (gather_binned): every ask is the one that fits
 * of the trials one by one give, as before the merge. */
static void tpe_binned_merged(void **state)
{
    (void)state;
    enum { HISTORY = 2100, ASKS = 200, G = 25, N = HISTORY + ASKS };
    double *xi = malloc(N * sizeof *xi), *xf = malloc(N * sizeof *xf),
           *loss = malloc(N * sizeof *loss), *buf = malloc((96 + 2 * N) * sizeof *buf);
    bool *good = malloc(N * sizeof *good);
    assert_non_null(xi && xf && loss && buf && good);
    knob_storage *st = knob_test_memory();
    knob_study *r = make_study(st, "random", "seed=3", NULL, 0);
    knob_rng lr;
    knob_rng_seed(&lr, 11);
    for (size_t i = 0; i < HISTORY; i++) {
        knob_trial *t;
        int64_t v;
        assert_int_equal(knob_study_ask(r, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "i", 1, 10, 1, 0, &v), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "f", 0, 1, 0.1, 0, &xf[i]), KNOB_OK);
        xi[i] = (double)v;
        loss[i] = knob_rng_uniform(&lr) + (xi[i] - 7) * (xi[i] - 7) / 100;
        assert_int_equal(knob_study_tell(r, t, KNOB_TRIAL_COMPLETE, &loss[i], 1), KNOB_OK);
    }
    knob_study_free(r);
    knob_study *s = load_study(st, "seed=8");
    knob__tpe_axis ai, af;
    knob__tpe_axis_number(&ai, 1, 10, 1, true, false);
    knob__tpe_axis_number(&af, 0, 1, 0.1, false, false);
    uint64_t seed = knob_sampler_seed(knob_study_sampler(s));
    for (size_t i = HISTORY; i < N; i++) {
        double threshold = mark_best(loss, i, G, good), si, sf;
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        knob_rng rng;
        knob_rng_derive(&rng, seed, knob_trial_number(t), "i");
        double want_i = binned_reference(&ai, xi, loss, good, i, threshold, &rng, buf, &si);
        knob_rng_derive(&rng, seed, knob_trial_number(t), "f");
        double want_f = binned_reference(&af, xf, loss, good, i, threshold, &rng, buf, &sf);
        int64_t v;
        assert_int_equal(knob_trial_suggest_int(t, "i", 1, 10, 1, 0, &v), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "f", 0, 1, 0.1, 0, &xf[i]), KNOB_OK);
        xi[i] = (double)v;
        /* (the study stores a stepped float as its nearest step: 0.7, where 7 x 0.1 is the
         * next double up) */
        if (xi[i] != want_i || round(xf[i] * 10) != round(want_f * 10))
            fail_msg("trial %zu: (%g, %.17g), the fits one by one (%g, %.17g)", i, xi[i], xf[i],
                     want_i, want_f);
        /* bad: the good side stays the history's best */
        loss[i] = 2 + (double)(i % 97) / 97;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &loss[i], 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    free(xi);
    free(xf);
    free(loss);
    free(buf);
    free(good);
}

/* One trial of an int and a stepped float ended as `how` says (trial_ending's codes), its
 * params into x[2]; held: asked only (another worker's), told by binned_tell. */
static knob_trial *binned_trial(knob_study *s, int how, double *x)
{
    knob_trial *t;
    int64_t v;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_int(t, "i", 1, 10, 1, 0, &v), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "f", 0, 1, 0.1, 0, &x[1]), KNOB_OK);
    x[0] = (double)v;
    double y = (x[0] - 7) * (x[0] - 7) / 10 + (x[1] - 0.3) * (x[1] - 0.3) +
               (double)(knob_trial_number(t) % 89) / 89;
    if (how == 1) {
        assert_int_equal(knob_trial_report(t, 1, y + 1), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    } else if (how == 2) {
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    } else if (how == 0) {
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    } else if (how == 3) {
        knob_trial_detach(t);
    } else {
        return t;
    }
    return NULL;
}

/* Past 2,200 trials of an int and a stepped float, the long-lived sampler (which keeps each
 * value's positions between asks) asks what a new sampler asks, through prunes, failed
 * trials, trials left running (constant liar) and another worker's trials told out of order. */
static void tpe_cache_never_stale_binned(void **state)
{
    (void)state;
    static const char *const variants[] = {"seed=4,constant_liar=true", "seed=4"};
    for (int v = 0; v < 2; v++) {
        knob_storage *st[2] = {knob_test_memory(), knob_test_memory()};
        for (int k = 0; k < 2; k++) {
            knob_study *r = make_study(st[k], "random", "seed=3", NULL, 0);
            double x[2];
            for (int i = 0; i < 2200; i++)
                binned_trial(r, i % 50 == 7 ? 2 : i % 9 == 4 ? 1 : 0, x);
            knob_study_free(r);
        }
        char opts[128];
        snprintf(opts, sizeof opts, "%s,cache=true", variants[v]);
        knob_study *a = load_study(st[0], opts);
        knob_study *other[2] = {load_study(st[0], "seed=9"), load_study(st[1], "seed=9")};
        snprintf(opts, sizeof opts, "%s,cache=false", variants[v]);
        knob_trial *held[2] = {NULL, NULL};
        for (int i = 0; i < 30; i++) {
            int how = i % 7 == 3 ? 1 : i % 11 == 5 ? 2 : i % 13 == 8 ? 3 : 0;
            double x1[2], x2[2], xh[2];
            for (int k = 0; k < 2 && i % 6 == 1; k++)
                held[k] = binned_trial(other[k], 4, xh);
            for (int k = 0; k < 2 && i % 6 == 4; k++) {
                double y = 0.25 + 0.01 * i;
                assert_int_equal(knob_study_tell(other[k], held[k], KNOB_TRIAL_COMPLETE, &y, 1),
                                 KNOB_OK);
            }
            knob_study *b = load_study(st[1], opts);
            binned_trial(a, how, x1);
            binned_trial(b, how, x2);
            knob_study_free(b);
            if (x1[0] != x2[0] || x1[1] != x2[1])
                fail_msg("%s, trial %d: (%g, %.17g), a new sampler (%g, %.17g)", variants[v], i,
                         x1[0], x1[1], x2[0], x2[1]);
        }
        knob_study_free(a);
        knob_study_free(other[0]);
        knob_study_free(other[1]);
        knob_storage_close(st[0]);
        knob_storage_close(st[1]);
    }
}

/* Another worker's trial, asked now and told later (out of order). */
static knob_trial *trial_open(knob_study *s, double *x)
{
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "a", -5, 5, 0, 0, &x[0]), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "b", 1e-3, 10, 0, KNOB_LOG, &x[1]), KNOB_OK);
    return t;
}

/* The same past a history of `history` random trials: the long-lived sampler's
 * suggestions equal a new sampler's through tells, prunes, failed trials, trials left
 * running (constant liar) and another worker's trials told out of order. */
static void never_stale_after(int history)
{
    static const char *const variants[] = {"seed=4,constant_liar=true", "seed=4"};
    for (int v = 0; v < 2; v++) {
        knob_storage *st[2] = {knob_test_memory(), knob_test_memory()};
        for (int k = 0; k < 2; k++) {
            knob_study *r = make_study(st[k], "random", "seed=3", NULL, 0);
            double x[2];
            for (int i = 0; i < history; i++)
                trial_ending(r, i % 50 == 7 ? 2 : i % 9 == 4 ? 1 : 0, x);
            knob_study_free(r);
        }
        char opts[128];
        snprintf(opts, sizeof opts, "%s,cache=true", variants[v]);
        knob_study *a = load_study(st[0], opts);
        knob_study *other[2] = {load_study(st[0], "seed=9"), load_study(st[1], "seed=9")};
        snprintf(opts, sizeof opts, "%s,cache=false", variants[v]);
        knob_trial *held[2] = {NULL, NULL};
        double xh[2][2];
        for (int i = 0; i < 36; i++) { /* each held trial is told */
            int how = i % 7 == 3 ? 1 : i % 11 == 5 ? 2 : i % 13 == 8 ? 3 : 0;
            double x1[2], x2[2];
            for (int k = 0; k < 2 && i % 6 == 1; k++)
                held[k] = trial_open(other[k], xh[k]);
            for (int k = 0; k < 2 && i % 6 == 4; k++) {
                double y = bowl4(xh[k], 2);
                assert_int_equal(knob_study_tell(other[k], held[k], KNOB_TRIAL_COMPLETE, &y, 1),
                                 KNOB_OK);
            }
            knob_study *b = load_study(st[1], opts);
            trial_ending(a, how, x1);
            trial_ending(b, how, x2);
            knob_study_free(b);
            if (x1[0] != x2[0] || x1[1] != x2[1])
                fail_msg("%s, trial %d: (%.17g, %.17g), a new sampler (%.17g, %.17g)", variants[v],
                         i, x1[0], x1[1], x2[0], x2[1]);
        }
        knob_study_free(a);
        knob_study_free(other[0]);
        knob_study_free(other[1]);
        knob_storage_close(st[0]);
        knob_storage_close(st[1]);
    }
}

/* 2,400 trials: the bad side is merged into cells whose sums the long-lived sampler keeps
 * between asks. */
static void tpe_cache_never_stale_long(void **state)
{
    (void)state;
    never_stale_after(2400);
}

/* 600 trials: each param's bad side is fitted by extending the last ask's fit
 * (knob__tpe_mix1_fit_ramp), a new sampler's from scratch. */
static void tpe_cache_never_stale_ramp(void **state)
{
    (void)state;
    never_stale_after(600);
}

/* Merged cells move the density of a long history by under 1%: the fit of 20,000
 * observations with and without merging, at 2,000 points. */
static void tpe_merged_cells(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 5);
    size_t n = 20000;
    double *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        y[i] = i % 2 ? knob_rng_uniform(&r) * 15 - 5
                     : fmin(fmax(3 + 0.3 * knob_rng_normal(&r), -5), 10);
    knob__tpe_default_weights(n, w);
    knob__tpe_axis ax;
    knob__tpe_axis_number(&ax, -5, 10, 0, false, false);
    knob__tpe_settings set = {
        .prior_weight = 1.0, .smoothing = 1.0, .magic_clip = true, .min_bandwidth = 0.01};
    knob__tpe_mix1 merged = {0}, exact = {0};
    assert_int_equal(knob__tpe_mix1_fit(&merged, &ax, y, w, n, &set), KNOB_OK);
    assert_true(merged.n <= KNOB__TPE_CELLS);
    set.merge_min = SIZE_MAX;
    assert_int_equal(knob__tpe_mix1_fit(&exact, &ax, y, w, n, &set), KNOB_OK);
    assert_int_equal(exact.n, n);
    double worst = 0;
    for (int k = 0; k < 2000; k++) {
        double v = -5 + 15 * (k + 0.5) / 2000;
        worst =
            fmax(worst, fabs(knob__tpe_mix1_logpdf(&merged, v) - knob__tpe_mix1_logpdf(&exact, v)));
    }
    if (getenv("KNOB_TEST_VERBOSE"))
        printf("largest change of the log density: %g\n", worst);
    assert_true(worst < 0.01);
    knob__tpe_mix1_free(&merged);
    knob__tpe_mix1_free(&exact);
    free(y);
    free(w);
}

/* The fit does not depend on the order of its observations: sorted ones (as merged cells
 * are; with the prior last they take a shortcut past the radix sort) and the same
 * shuffled give the same bandwidths and bit-identical densities. */
static void tpe_sorted_input(void **state)
{
    (void)state;
    enum { N = 300 };
    double y[N], z[N], w[N];
    for (int i = 0; i < N; i++) {
        y[i] = -5 + 10 * (double)i / N;
        w[i] = 1;
    }
    for (int i = 0; i < N; i++)
        z[i] = y[(i * 7) % N]; /* 7 is prime to 300: a permutation */
    knob__tpe_axis ax;
    knob__tpe_axis_number(&ax, -5, 5, 0, false, false);
    knob__tpe_settings set = {
        .prior_weight = 1.0, .smoothing = 1.0, .magic_clip = true, .min_bandwidth = 0.001};
    knob__tpe_mix1 a = {0}, b = {0};
    assert_int_equal(knob__tpe_mix1_fit(&a, &ax, y, w, N, &set), KNOB_OK);
    assert_int_equal(knob__tpe_mix1_fit(&b, &ax, z, w, N, &set), KNOB_OK);
    for (int k = 0; k < 400; k++) {
        double v = -5 + 10 * (k + 0.5) / 400;
        assert_true(knob__tpe_mix1_logpdf(&a, v) == knob__tpe_mix1_logpdf(&b, v));
    }
    for (int i = 0; i < N; i++) /* each observation's bandwidth, wherever it sat */
        assert_true(a.obs_sigma[i] == b.obs_sigma[(i * 43) % N]);
    knob__tpe_mix1_free(&a);
    knob__tpe_mix1_free(&b);
}

/* A fit that extends the last (knob__tpe_mix1_fit_ramp) gives the mixture a fit from
 * scratch gives, as observations arrive one or a few at a time (the bad side between
 * asks), as one is placed among the earlier ones (the good side's last, moved over),
 * when an earlier one changes and when the settings change; and it does extend (obs_a is
 * NULL after such a fit) most of the time. */
static void tpe_ramp_extends(void **state)
{
    (void)state;
    enum { N = 1400 };
    knob_rng r;
    knob_rng_seed(&r, 17);
    double *src = malloc(N * sizeof *src), *y = malloc(N * sizeof *y), *w = malloc(N * sizeof *w);
    for (size_t i = 0; i < N; i++) /* clustered, spread, repeated, at the ends */
        src[i] = i % 7 == 0   ? 10
                 : i % 5 == 0 ? src[i / 2]
                 : i % 2      ? knob_rng_uniform(&r) * 15 - 5
                              : fmin(fmax(3 + 0.3 * knob_rng_normal(&r), -5), 10);
    knob__tpe_axis ax;
    knob__tpe_axis_number(&ax, -5, 10, 0, false, false);
    knob__tpe_settings set = {
        .prior_weight = 2.0, .magic_clip = true, .min_bandwidth = 0.01, .sigma_weighted = true};
    knob__tpe_mix1 inc = {0}, ref = {0};
    size_t fits = 0, extended = 0, n = 0;
    for (size_t taken = 0; taken < N;) {
        /* one or four new ones at the end; every ninth step one placed among them first
         * (near the start, in the weights' ramp, or among the newest 25) */
        size_t step = fits % 9 == 4 && n > 60 ? 1 : 0, at = (fits / 9) % 3;
        if (step) {
            size_t k = at == 0 ? 3 : at == 1 ? n / 2 : n - 10;
            memmove(y + k + 1, y + k, (n - k) * sizeof *y);
            y[k] = src[taken++];
            n++;
        }
        for (size_t j = 0; j < (fits % 11 == 0 ? 4u : 1u) && taken < N; j++)
            y[n++] = src[taken++];
        if (n < 60)
            continue;
        if (fits == 300)
            y[123] += 0.5; /* an earlier observation changes */
        if (fits == 500)
            set.sigma_weighted = false;
        if (fits == 700)
            set.consider_endpoints = true;
        knob__tpe_default_weights(n, w);
        assert_int_equal(knob__tpe_mix1_fit_ramp(&inc, &ax, y, w, n, &set), KNOB_OK);
        assert_int_equal(knob__tpe_mix1_fit(&ref, &ax, y, w, n, &set), KNOB_OK);
        extended += inc.obs_a == NULL;
        if (fits == 300 || fits == 500 || fits == 700)
            assert_non_null(inc.obs_a); /* fitted from scratch */
        fits++;
        assert_int_equal(inc.n, n);
        for (int k = 0; k < 40; k++) {
            double v = -5 + 15 * (k + 0.37) / 40, a = knob__tpe_mix1_logpdf(&inc, v);
            double b = knob__tpe_mix1_logpdf(&ref, v);
            if (!(fabs(a - b) < 1e-10))
                fail_msg("n = %zu, y = %g: log density %.17g, from scratch %.17g", n, v, a, b);
        }
        for (size_t i = 0; i < n; i += 37)
            assert_true(fabs(inc.obs_sigma[i] - ref.obs_sigma[i]) < 1e-12);
        knob_rng ra, rb;
        knob_rng_seed(&ra, n);
        knob_rng_seed(&rb, n);
        for (int k = 0; k < 5; k++)
            assert_true(fabs(knob__tpe_mix1_sample(&inc, &ra) - knob__tpe_mix1_sample(&ref, &rb)) <
                        1e-9);
    }
    if (getenv("KNOB_TEST_VERBOSE"))
        printf("%zu of %zu fits extended the last\n", extended, fits);
    assert_true(extended * 10 >= fits * 8);
    knob__tpe_mix1_free(&inc);
    knob__tpe_mix1_free(&ref);
    free(src);
    free(y);
    free(w);
}

/* A fresh estimator's fit of y[0 .. n) (knob__tpe_mix1_fit) against inc, which
 * knob__tpe_mix1_fit_ramp made of the same: log densities at the bounds, the prior's
 * centre, a grid and some observations, the bandwidths and draws. */
static void ramp_same_as_fresh(const knob__tpe_mix1 *inc, const knob__tpe_axis *ax, const double *y,
                               const double *w, size_t n, const knob__tpe_settings *set,
                               const char *what)
{
    knob__tpe_mix1 ref = {0};
    assert_int_equal(knob__tpe_mix1_fit(&ref, ax, y, w, n, set), KNOB_OK);
    double lo = ax->low, hi = ax->high, range = hi - lo;
    if (inc->n != ref.n)
        fail_msg("%s: %zu kernels, from scratch %zu", what, inc->n, ref.n);
    double at[64];
    size_t k = 0;
    at[k++] = lo;
    at[k++] = hi;
    at[k++] = 0.5 * (lo + hi);
    at[k++] = nextafter(lo, hi);
    at[k++] = nextafter(hi, lo);
    for (int j = 0; j < 40; j++)
        at[k++] = lo + range * (j + 0.37) / 40;
    for (size_t j = 0; j < 19 && n; j++)
        at[k++] = y[(j * 7919) % n];
    for (size_t j = 0; j < k; j++) {
        double a = knob__tpe_mix1_logpdf(inc, at[j]), b = knob__tpe_mix1_logpdf(&ref, at[j]);
        if (!(fabs(a - b) < 1e-10))
            fail_msg("%s: log density at %.17g: %.17g, from scratch %.17g", what, at[j], a, b);
    }
    for (size_t i = 0; i < ref.n; i++)
        if (!(fabs(inc->obs_sigma[i] - ref.obs_sigma[i]) <= 1e-12 * range))
            fail_msg("%s: kernel %zu (at %.17g): sigma %.17g, from scratch %.17g", what, i,
                     ref.obs_mu[i], inc->obs_sigma[i], ref.obs_sigma[i]);
    knob_rng ra, rb;
    knob_rng_seed(&ra, n);
    knob_rng_seed(&rb, n);
    for (int j = 0; j < 8; j++) {
        double a = knob__tpe_mix1_sample(inc, &ra), b = knob__tpe_mix1_sample(&ref, &rb);
        if (!(fabs(a - b) <= 1e-9 * range))
            fail_msg("%s: draw %d: %.17g, from scratch %.17g", what, j, a, b);
    }
    knob__tpe_mix1_free(&ref);
}

/* A value for a ramp sequence in the kernel space of ax: the bounds, the prior's centre,
 * a duplicate of one of y[0 .. n), one of a tight cluster, or anywhere. When the centre is
 * 0, -0 too once the history is long (so that the first comes in a fit that extends the
 * last), and nothing just below it (so that the first zero's bandwidth is its gap to the
 * left, above the floor). */
static double ramp_value(knob_rng *r, const knob__tpe_axis *ax, const double *y, size_t n,
                         double cluster)
{
    double lo = ax->low, hi = ax->high, c = 0.5 * (lo + hi), v;
    switch (knob_rng_below(r, 10)) {
    case 0:
        return lo;
    case 1:
        return hi;
    case 2:
        return c == 0 && n > 200 && knob_rng_below(r, 2) ? -0.0 : c;
    case 3:
    case 4:
        return n ? y[knob_rng_below(r, n)] : lo;
    case 5:
    case 6:
        v = fmin(fmax(cluster + (hi - lo) * 0.003 * knob_rng_normal(r), lo), hi);
        break;
    default:
        v = fmin(lo + (hi - lo) * knob_rng_uniform(r), hi);
        break;
    }
    return c == 0 && v < 0 && v > 0.45 * lo ? v + 0.45 * lo : v;
}

/* knob__tpe_mix1_fit_ramp against a fresh knob__tpe_mix1_fit after each of long random
 * sequences of changes to the observations (appends of 1 to 5, one placed at a random
 * position, one removed, one changed; duplicates, values at the bounds and the prior's
 * centre), on linear axes of ordinary, tiny and huge ranges and on log axes, with the
 * settings varied (now and then mid-sequence: the bandwidth floor, consider_endpoints) and
 * the prior's weight changing between fits, some past merge_min; a good share of the fits
 * must extend the last (obs_a NULL after one). */
static void tpe_ramp_random(void **state)
{
    (void)state;
    enum { CAP = 1600, SCENARIOS = 18, FITS = 400 };
    double *y = malloc(CAP * sizeof *y), *w = malloc(CAP * sizeof *w);
    size_t fits = 0, extended = 0;
    for (int sc = 0; sc < SCENARIOS; sc++) {
        knob_rng r;
        knob_rng_seed(&r, 1000 + (uint64_t)sc);
        knob__tpe_axis ax;
        switch (sc % 6) {
        case 0:
            knob__tpe_axis_number(&ax, -5, 10, 0, false, false);
            break;
        case 1: /* the prior's centre is 0 */
            knob__tpe_axis_number(&ax, -1, 1, 0, false, false);
            break;
        case 2:
            knob__tpe_axis_number(&ax, 0.3, 0.3 + 1e-9, 0, false, false);
            break;
        case 3:
            knob__tpe_axis_number(&ax, -2e12, 7e12, 0, false, false);
            break;
        case 4:
            knob__tpe_axis_number(&ax, 1e-5, 1e3, 0, false, true);
            break;
        default:
            knob__tpe_axis_number(&ax, 1, 1000, 1, true, true);
            break;
        }
        static const double floors[] = {0, 0.01, 0.2};
        static const size_t merges[] = {0, 400, 900};
        knob__tpe_settings set = {.prior_weight = 1.0,
                                  .smoothing = 1.0,
                                  .magic_clip = sc != 16, /* else always from scratch */
                                  .consider_endpoints = knob_rng_below(&r, 2),
                                  .sigma_weighted = knob_rng_below(&r, 2),
                                  .min_bandwidth = floors[(sc / 6 + sc) % 3],
                                  .merge_min = merges[sc % 3]};
        knob__tpe_mix1 inc = {0};
        size_t n = 0, ext = 0;
        double cluster = ax.low + (ax.high - ax.low) * knob_rng_uniform(&r);
        for (int f = 0; f < FITS; f++) {
            const char *op = "append";
            unsigned u = (unsigned)knob_rng_below(&r, 100);
            if (n > 40 && u < 12) { /* one placed among them, then maybe new ones */
                size_t k = knob_rng_below(&r, n + 1);
                memmove(y + k + 1, y + k, (n - k) * sizeof *y);
                y[k] = ramp_value(&r, &ax, y, n, cluster);
                n++;
                op = "place";
                u = knob_rng_below(&r, 2) ? 50 : 100;
            } else if (n > 40 && u < 16) {
                size_t k = knob_rng_below(&r, n);
                memmove(y + k, y + k + 1, (n - k - 1) * sizeof *y);
                n--;
                op = "remove";
            } else if (n > 40 && u < 19) {
                y[knob_rng_below(&r, n)] = ramp_value(&r, &ax, y, n, cluster);
                op = "change";
            }
            if (u >= 19 && u < 100) {
                size_t add = 1 + knob_rng_below(&r, 5);
                for (size_t j = 0; j < add && n < CAP; j++, n++)
                    y[n] = ramp_value(&r, &ax, y, n, cluster);
            }
            if (knob_rng_below(&r, 5) == 0)
                set.prior_weight = 0.5 + 2.5 * knob_rng_uniform(&r);
            if (knob_rng_below(&r, 100) == 0) {
                set.consider_endpoints = !set.consider_endpoints;
                op = "endpoints toggled";
            }
            if (knob_rng_below(&r, 150) == 0) {
                set.min_bandwidth = floors[knob_rng_below(&r, 3)];
                op = "floor changed";
            }
            if (knob_rng_below(&r, 40) == 0)
                cluster = ax.low + (ax.high - ax.low) * knob_rng_uniform(&r);
            knob__tpe_default_weights(n, w);
            assert_int_equal(knob__tpe_mix1_fit_ramp(&inc, &ax, y, w, n, &set), KNOB_OK);
            bool ext_now = inc.obs_a == NULL;
            ext += ext_now;
            char what[200];
            snprintf(what, sizeof what,
                     "scenario %d fit %d (%s, n = %zu, %s, floor %g, endpoints %d, weighted %d)",
                     sc, f, op, n, ext_now ? "extended" : "from scratch", set.min_bandwidth,
                     set.consider_endpoints, set.sigma_weighted);
            ramp_same_as_fresh(&inc, &ax, y, w, n, &set, what);
        }
        if (getenv("KNOB_TEST_VERBOSE"))
            printf("scenario %d: %zu of %d fits extended the last, n = %zu, floor %g\n", sc, ext,
                   FITS, n, set.min_bandwidth);
        fits += FITS;
        extended += ext;
        knob__tpe_mix1_free(&inc);
    }
    assert_true(extended * 4 >= fits);
    free(y);
    free(w);
}

/* ---------------------------------------------------------------- spaces */

/* A categorical param whose best choice is "c": TPE picks it most of the time once
 * past the startup, and every suggestion is a valid index. */
static void tpe_categorical(void **state)
{
    (void)state;
    static const char *const choices[] = {"a", "b", "c", "d", "e"};
    static const double cost[] = {3, 2, 0, 2.5, 4};
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, "tpe", "seed=11", NULL, 0);
    int picked_c = 0;
    for (int i = 0; i < 60; i++) {
        knob_trial *t;
        size_t k;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "c", choices, 5, &k), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_true(k < 5);
        picked_c += i >= 30 && k == 2;
        double y = cost[k] + x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    assert_true(picked_c >= 15); /* random search: 6 of 30 */
    knob_study_free(s);
    knob_storage_close(st);
}

/* The losses' unit changes nothing: the same asks with the losses times 1e-13, 1 and 1e6,
 * on a categorical of 20 choices beside a float, univariate and multivariate (the choices'
 * kernels once spread their prior in the losses' unit: at 1e-3 tpe kept to one or two
 * choices, at 1e3 it tried all 20). */
static void tpe_scale_free(void **state)
{
    (void)state;
    static const char *const opts[] = {"seed=3", "seed=3,multivariate=true"};
    char names[20][4];
    const char *choices[20];
    for (int c = 0; c < 20; c++) {
        snprintf(names[c], sizeof names[c], "c%d", c);
        choices[c] = names[c];
    }
    for (int v = 0; v < 2; v++) {
        double seq[3][50][2];
        const double scales[3] = {1e-13, 1, 1e6};
        for (int k = 0; k < 3; k++) {
            knob_storage *st = knob_test_memory();
            knob_study *s = make_study(st, "tpe", opts[v], NULL, 0);
            for (int i = 0; i < 50; i++) {
                knob_trial *t;
                size_t c;
                double x;
                assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
                assert_int_equal(knob_trial_suggest_categorical(t, "act", choices, 20, &c),
                                 KNOB_OK);
                assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
                seq[k][i][0] = (double)c;
                seq[k][i][1] = x;
                double y = scales[k] * ((double)((c * 7) % 20) / 20 + (x - 0.3) * (x - 0.3));
                assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
            }
            knob_study_free(s);
            knob_storage_close(st);
        }
        for (int k = 0; k < 3; k += 2)
            for (int i = 0; i < 50; i++)
                if (seq[k][i][0] != seq[1][i][0] || seq[k][i][1] != seq[1][i][1])
                    fail_msg("%s, losses x %g: trial %d asks (c%g, %.17g), x 1: (c%g, %.17g)",
                             opts[v], scales[k], i, seq[k][i][0], seq[k][i][1], seq[1][i][0],
                             seq[1][i][1]);
    }
}

/* Log floats, stepped floats, ints with a step and log ints over 80 trials: every
 * suggestion lies in its distribution (on its grid); returns the best value, a sum of
 * one term per param, each 0 at that param's optimum. */
static double log_step_int_best(const char *sampler, int seed)
{
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, sampler, opts, NULL, 0);
    double best = INFINITY;
    for (int i = 0; i < 80; i++) {
        knob_trial *t;
        double lr, q;
        int64_t n, m;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-6, 1, 0, KNOB_LOG, &lr), 0);
        assert_int_equal(knob_trial_suggest_float(t, "q", -1, 1, 0.1, 0, &q), 0);
        assert_int_equal(knob_trial_suggest_int(t, "n", 10, 200, 10, 0, &n), 0);
        assert_int_equal(knob_trial_suggest_int(t, "m", 1, 1000, 1, KNOB_LOG, &m), 0);
        assert_true(lr >= 1e-6 && lr <= 1);
        double k = (q + 1) / 0.1;
        assert_true(q >= -1 - 1e-12 && q <= 1 + 1e-12 && fabs(k - round(k)) < 1e-9);
        assert_true(n >= 10 && n <= 200 && n % 10 == 0);
        assert_true(m >= 1 && m <= 1000);
        double y = pow(log10(lr) + 3, 2) + pow(q - 0.3, 2) * 4 + pow((double)n - 120, 2) / 1e3 +
                   pow(log10((double)m) - 2, 2);
        best = fmin(best, y);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    return best;
}

/* TPE gets close to the optimum of every param: a best below 0.3 puts lr within 0.55
 * decades of 1e-3, q within 0.27 of 0.3, n within 17 of 120 and m within 0.55 decades
 * of 100. It gets there on 91.5% of seeds (1,000 seeds), random search on 6.7% (2,000
 * seeds); so on 6 or more of 10 seeds TPE does with probability 0.9992, random search
 * with probability 1.5e-5. Seeds 0..9: TPE 10 of 10, random search (checked here) 1. */
static void tpe_log_step_int(void **state)
{
    (void)state;
    int good[2] = {0, 0};
    for (int seed = 0; seed < 10; seed++)
        for (int r = 0; r < 2; r++)
            good[r] += log_step_int_best(r ? "random" : "tpe", seed) < 0.3;
    print_message("best below 0.3 on %d of 10 seeds (random search: %d)\n", good[0], good[1]);
    assert_true(good[0] >= 6);
    assert_true(good[1] < 6);
}

/* A conditional space: each branch's params appear only when chosen. */
static double conditional_trial(knob_study *s, int *branch)
{
    static const char *const models[] = {"svm", "tree"};
    knob_trial *t;
    size_t m;
    double y;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "model", models, 2, &m), KNOB_OK);
    if (m == 0) {
        double c, g;
        assert_int_equal(knob_trial_suggest_float(t, "C", 1e-3, 1e3, 0, KNOB_LOG, &c), 0);
        assert_int_equal(knob_trial_suggest_float(t, "gamma", 0, 1, 0, 0, &g), 0);
        assert_true(c >= 1e-3 && c <= 1e3 && g >= 0 && g <= 1);
        y = pow(log10(c) - 1, 2) + pow(g - 0.2, 2);
    } else {
        int64_t depth;
        assert_int_equal(knob_trial_suggest_int(t, "depth", 1, 20, 1, 0, &depth), 0);
        assert_true(depth >= 1 && depth <= 20);
        y = 1 + pow((double)depth - 7, 2) / 10;
    }
    *branch = (int)m;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    return y;
}

static void run_conditional(const char *sampler, const char *opts, double *best, int *svm_late)
{
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, sampler, opts, NULL, 0);
    *best = INFINITY;
    *svm_late = 0;
    for (int i = 0; i < 60; i++) {
        int branch;
        *best = fmin(*best, conditional_trial(s, &branch));
        *svm_late += i >= 30 && branch == 0;
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Over seeds 0..19 of the conditional space: on how many seeds the best is below 0.01
 * (*good), and how many of the last 30 trials of each seed chose the svm branch, the
 * only one that goes below 1 (*svm, of 600). */
static void conditional_quality(const char *sampler, const char *extra, int *good, int *svm)
{
    *good = *svm = 0;
    for (int seed = 0; seed < 20; seed++) {
        char opts[96];
        double best;
        int late;
        snprintf(opts, sizeof opts, "seed=%d%s", seed, extra);
        run_conditional(sampler, opts, &best, &late);
        *good += best < 0.01;
        *svm += late;
    }
    print_message("%s%s: best below 0.01 on %d of 20 seeds, svm in %d of the 600 late trials\n",
                  sampler, extra, *good, *svm);
}

/* What TPE learns of the conditional space, where random search would not: the better
 * branch (random search picks svm in Binomial(600, 1/2) of the late trials: 360 or more
 * with probability 5e-7), and a best below 0.01 on 9 or more of 20 seeds (per seed:
 * random search 13.6% of 2,000 seeds, so 9 of 20 with probability 6e-4; TPE 81%, grouped
 * TPE 74% of 1,000 seeds, so with probability 0.99994 and 0.9987). */
static void assert_learns_branches(int good, int svm)
{
    assert_true(good >= 9);
    assert_true(svm >= 360);
}

/* Seeds 0..19: TPE 17 seeds and 525 svm; random search 2 and 297, and fails the check. */
static void tpe_conditional(void **state)
{
    (void)state;
    int good, svm;
    conditional_quality("tpe", "", &good, &svm);
    assert_learns_branches(good, svm);
    conditional_quality("random", "", &good, &svm);
    assert_false(good >= 9 || svm >= 360);
}

/* Three models, one with a branch of its own (svc: rbf, or poly with a degree); the tree's
 * best (1.0, depth 7) is good but not the best, which lies in svc-rbf (0.1 at C = 10). One
 * trial's loss; its params as text in key (a configuration, to find repeats). */
static double branch_trap_trial(knob_study *s, char *key, size_t cap)
{
    static const char *const models[] = {"svc", "tree", "knn"}, *const kernels[] = {"rbf", "poly"};
    knob_trial *t;
    size_t m, k;
    double y, c, w;
    int64_t d;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "model", models, 3, &m), KNOB_OK);
    if (m == 0) {
        assert_int_equal(knob_trial_suggest_float(t, "C", 1e-3, 1e3, 0, KNOB_LOG, &c), 0);
        assert_int_equal(knob_trial_suggest_categorical(t, "kernel", kernels, 2, &k), 0);
        y = pow(log10(c) - 1, 2) + 0.1;
        d = 0;
        if (k == 1) {
            assert_int_equal(knob_trial_suggest_int(t, "degree", 2, 5, 1, 0, &d), 0);
            y += 0.4 + fabs((double)d - 3);
        }
        snprintf(key, cap, "svc %.17g %zu %lld", c, k, (long long)d);
    } else if (m == 1) {
        assert_int_equal(knob_trial_suggest_int(t, "depth", 1, 20, 1, 0, &d), 0);
        y = 1 + 0.1 * fabs((double)d - 7);
        snprintf(key, cap, "tree %lld", (long long)d);
    } else {
        assert_int_equal(knob_trial_suggest_float(t, "w", 0, 1, 0, 0, &w), 0);
        y = 2 + w;
        snprintf(key, cap, "knn %.17g", w);
    }
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    return y;
}

/* Over seeds 0..9, 60 trials each: the trials that repeat an earlier trial's
 * configuration (*repeats) and the seeds whose best is in svc-rbf (*found). */
static void branch_trap(const char *sampler, const char *extra, int *repeats, int *found)
{
    *repeats = *found = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[96], keys[60][64];
        snprintf(opts, sizeof opts, "seed=%d%s", seed, extra);
        knob_storage *st = knob_test_memory();
        knob_study *s = make_study(st, sampler, opts, NULL, 0);
        double best = INFINITY;
        for (int i = 0; i < 60; i++) {
            best = fmin(best, branch_trap_trial(s, keys[i], sizeof keys[i]));
            for (int j = 0; j < i; j++)
                if (!strcmp(keys[i], keys[j])) {
                    ++*repeats;
                    break;
                }
        }
        *found += best <= 0.2;
        knob_study_free(s);
        knob_storage_close(st);
    }
    print_message("%s%s: %d repeated configurations in 600 trials, svc-rbf found on %d of 10 "
                  "seeds\n",
                  sampler, extra, *repeats, *found);
}

/* A deterministic objective asked a configuration again learns nothing. TPE counted each
 * repeat of the tree's best as one more good trial, until the good side was that one
 * point and most asks repeated it: 194 repeats in 600 trials (random search: 73), svc-rbf
 * found on 5 of 10 seeds (random search 6). A repeat is now bad: 28 repeats, found on 10;
 * grouped TPE 25 and 10. */
static void tpe_repeats(void **state)
{
    (void)state;
    int rep, found, rep_random, found_random;
    branch_trap("random", "", &rep_random, &found_random);
    branch_trap("tpe", "", &rep, &found);
    assert_true(rep < rep_random);
    assert_true(found >= 9 && found > found_random);
    branch_trap("tpe", ",multivariate=true,group=true", &rep, &found);
    assert_true(rep < rep_random);
    assert_true(found >= 9 && found > found_random);
}

/* Grouped multivariate TPE over the same conditional space: each branch is a group of
 * its own, sampled jointly; invalid combinations never appear (conditional_trial checks
 * every suggestion). Seeds 0..19: 15 seeds and 532 svm. */
static void tpe_group(void **state)
{
    (void)state;
    int good, svm;
    conditional_quality("tpe", ",multivariate=true,group=true", &good, &svm);
    assert_learns_branches(good, svm);
    /* Without group, multivariate still works on a conditional space (the branch
     * params are left to univariate TPE): 17 seeds and 525 svm. */
    conditional_quality("tpe", ",multivariate=true", &good, &svm);
    assert_learns_branches(good, svm);
}

/* ---------------------------------------------------------------- objectives and states */

/* The hypervolume at ref of the two-objective study s's front; frees s and st. */
static double front_hv(knob_storage *st, knob_study *s, const double ref[2])
{
    const knob_trial_info *const *front;
    size_t n;
    assert_int_equal(knob_study_best_trials(s, &front, &n), KNOB_OK);
    double *pts = malloc(2 * n * sizeof *pts);
    for (size_t i = 0; i < n; i++) {
        pts[2 * i] = front[i]->values[0];
        pts[2 * i + 1] = front[i]->values[1];
    }
    double hv = knob__tpe_hypervolume(pts, n, 2, ref);
    free(pts);
    knob_study_free(s);
    knob_storage_close(st);
    return hv;
}

/* Two objectives: f1 = x^2 + y^2, f2 = (x - 2)^2 + y^2 over [-5, 5]^2. The front is the
 * segment y = 0, x in [0, 2]; the hypervolume of the 60 trials' front (reference point
 * (10, 10); at most 97.33). */
static double hv_of_run(const char *sampler, const char *opts)
{
    const knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, sampler, opts, dirs, 2);
    for (int i = 0; i < 60; i++) {
        knob_trial *t;
        double x, y, v[2];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", -5, 5, 0, 0, &y), KNOB_OK);
        v[0] = x * x + y * y;
        v[1] = (x - 2) * (x - 2) + y * y;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    }
    static const double ref[2] = {10, 10};
    return front_hv(st, s, ref);
}

/* MOTPE, univariate and multivariate, against random search on seeds 0..9: a larger
 * hypervolume than random search's on the same seed on 8 or more of them, and a mean
 * above 90. Per seed (1,000 seeds) TPE beats random search on 99.4%, multivariate TPE on
 * 96.2% (so 8 of 10: 0.99997 and 0.995); a second random search would on half (8 of 10:
 * 5.5%, by the same seed: never). The mean hypervolume of 10 seeds (resampled from 1,000)
 * is above 90 with probability 0.9999 or more for either TPE, and below 1/20,000 for
 * random search (its 99.9th percentile: 88.6). Seeds 0..9: TPE 93.8, multivariate 93.4,
 * random search 82.9 (checked here). */
static void tpe_multi_objective(void **state)
{
    (void)state;
    static const char *const variant[2] = {"", ",multivariate=true"};
    double rnd[10], mean_rnd = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[64];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        rnd[seed] = hv_of_run("random", opts);
        mean_rnd += rnd[seed] / 10;
    }
    for (int v = 0; v < 2; v++) {
        int wins = 0;
        double mean = 0;
        for (int seed = 0; seed < 10; seed++) {
            char opts[64];
            snprintf(opts, sizeof opts, "seed=%d%s", seed, variant[v]);
            double hv = hv_of_run("tpe", opts);
            wins += hv > rnd[seed];
            mean += hv / 10;
        }
        print_message("tpe%s: wins %d of 10, mean hypervolume %.2f (random search %.2f)\n",
                      variant[v], wins, mean, mean_rnd);
        assert_true(wins >= 8);
        assert_true(mean > 90);
    }
    assert_true(mean_rnd < 90);
}

/* ZDT1 in d params (two objectives, x in [0, 1]^d): the hypervolume of the front of
 * `trials` trials at the reference point (1.1, 11) (at most 12.1 - 1/3 = 11.77). */
static double zdt1_hv(const char *opts, int d, int trials)
{
    const knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, "tpe", opts, dirs, 2);
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double x[8], v[2], g = 0;
        char name[8];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int j = 0; j < d; j++) {
            snprintf(name, sizeof name, "x%d", j);
            assert_int_equal(knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[j]), KNOB_OK);
            g += j ? x[j] : 0;
        }
        g = 1 + 9 * g / (d - 1);
        v[0] = x[0];
        v[1] = g * (1 - sqrt(x[0] / g));
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    }
    static const double ref[2] = {1.1, 11};
    return front_hv(st, s, ref);
}

/* Several objectives: the good trials weigh the same and sigma_weighted ends after 20
 * finished trials per param, so that the good estimator narrows as the trials grow. ZDT1
 * in 4 params, 200 trials, seeds 0-4: hypervolumes 11.50-11.61 (mean 11.547); with the
 * hypervolume-contribution weights and sigma_weighted throughout (before), 11.00-11.56
 * (mean 11.409), which fails both bounds. */
static void tpe_multi_objective_narrows(void **state)
{
    (void)state;
    double mean = 0, low = INFINITY;
    for (int seed = 0; seed < 5; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%d", seed);
        double hv = zdt1_hv(opts, 4, 200);
        mean += hv / 5;
        low = fmin(low, hv);
    }
    print_message("ZDT1, 4 params, 200 trials: mean hypervolume %.4f, lowest %.4f\n", mean, low);
    assert_true(mean > 11.48);
    assert_true(low > 11.4);
}

/* x0 of each of `trials` trials of a DTLZ2-like problem in 4 params with m objectives
 * (2 or 3). */
static void dtlz2_firsts(const char *opts, size_t m, int trials, double *x0)
{
    const knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, "tpe", opts, dirs, m);
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double x[4], v[3], g = 0;
        char name[8];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int j = 0; j < 4; j++) {
            snprintf(name, sizeof name, "x%d", j);
            assert_int_equal(knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[j]), KNOB_OK);
            g += j >= 2 ? (x[j] - 0.5) * (x[j] - 0.5) : 0;
        }
        double a = x[0] * M_PI / 2, b = x[1] * M_PI / 2;
        v[0] = (1 + g) * cos(a) * (m == 3 ? cos(b) : 1);
        v[1] = (1 + g) * (m == 3 ? cos(a) * sin(b) : sin(a));
        v[2] = (1 + g) * sin(a);
        x0[i] = x[0];
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, m), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* The good side's cap with several objectives: 25 per objective past the first, so that
 * on three objectives it grows to 50 (gamma = ceil(0.1 n) passes 25 at the 251st finished
 * trial) and on two it stays 25. The asks are the same as with the cap given until then. */
static void tpe_mo_gamma_cap(void **state)
{
    (void)state;
    enum { N = 290, SAME = 251 };
    static double a[N], b[N];
    const struct {
        size_t m;
        const char *other;
        bool differs;
    } cases[] = {
        {3, "seed=3,mo_gamma_cap=25", true},
        {3, "seed=3,mo_gamma_cap=50", false},
        {2, "seed=3,mo_gamma_cap=25", false},
        {2, "seed=3,mo_gamma_cap=-1", true},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        dtlz2_firsts("seed=3", cases[c].m, N, a);
        dtlz2_firsts(cases[c].other, cases[c].m, N, b);
        int first_diff = -1;
        for (int i = 0; i < N && first_diff < 0; i++)
            if (a[i] != b[i])
                first_diff = i;
        print_message("%zu objectives, %s: first different trial %d\n", cases[c].m, cases[c].other,
                      first_diff);
        if (cases[c].differs)
            assert_true(first_diff >= SAME);
        else
            assert_int_equal(first_diff, -1);
    }
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "mo_gamma_cap=-2", &sp), KNOB_EINVAL);
}

/* Eight trials asked at once after 20 random ones, each suggesting while the others
 * run: with constant_liar the running ones count as bad, so the eight land apart rather
 * than all near the best point so far. Returns the mean distance between them. */
static void liar_values(double x, size_t m, double *y)
{
    y[0] = (x - 0.5) * (x - 0.5);
    if (m > 1) /* a narrow front, [0.45, 0.5] */
        y[1] = (x - 0.45) * (x - 0.45);
}

static double spread_of_parallel_asks(const char *opts, size_t m)
{
    static const knob_direction dirs[] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, "tpe", opts, dirs, m);
    double y[2];
    for (int i = 0; i < 20; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        liar_values(x, m, y);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, y, m), KNOB_OK);
    }
    knob_trial *open[8];
    double pts[8], spread = 0;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(knob_study_ask(s, &open[i]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(open[i], "x", 0, 1, 0, 0, &pts[i]), KNOB_OK);
    }
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < i; j++) {
            assert_true(pts[i] != pts[j]);
            spread += fabs(pts[i] - pts[j]) / 28;
        }
    }
    for (int i = 0; i < 8; i++) {
        liar_values(pts[i], m, y);
        assert_int_equal(knob_study_tell(s, open[i], KNOB_TRIAL_COMPLETE, y, m), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    return spread;
}

/* Parallel asks with n_obj objectives spread out more with constant_liar than without. */
static void liar_spreads(int n_obj)
{
    double a = 0, b = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[96];
        snprintf(opts, sizeof opts, "seed=%d,n_startup_trials=20,constant_liar=true", seed);
        a += spread_of_parallel_asks(opts, n_obj) / 10;
        snprintf(opts, sizeof opts, "seed=%d,n_startup_trials=20", seed);
        b += spread_of_parallel_asks(opts, n_obj) / 10;
    }
    if (getenv("KNOB_TEST_VERBOSE"))
        printf("%d objectives: mean distance with liar %g, without %g\n", n_obj, a, b);
    assert_true(a > 1.5 * b);
}

static void tpe_constant_liar(void **state)
{
    (void)state;
    liar_spreads(1);
}

/* With several objectives too (as Optuna 5): the running trials are bad, outside the
 * fronts, and the parallel asks spread out. */
static void tpe_constant_liar_multi_objective(void **state)
{
    (void)state;
    liar_spreads(2);
}

/* Pruned trials count as observations (toward n_startup_trials and in the split),
 * ranked after every complete one; failed trials are ignored. */
static void tell_at(knob_study *s, double x, knob_trial_state state, double value)
{
    char json[64];
    knob_trial *t;
    double got;
    snprintf(json, sizeof json, "{\"x\": %.17g}", x);
    assert_int_equal(knob_study_enqueue(s, json), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &got), KNOB_OK);
    assert_true(got == x);
    if (state == KNOB_TRIAL_PRUNED)
        assert_int_equal(knob_trial_report(t, 3, value), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, state, &value, 1), KNOB_OK);
}

/* The mean of 10 suggestions for x, each trial then failed (so the history stays). */
static double mean_next(knob_study *s, bool *random_like, const char *seed_opts)
{
    double sum = 0;
    *random_like = true;
    for (int i = 0; i < 10; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        /* What the random sampler would draw for this trial. */
        knob_rng r;
        knob_rng_derive(&r, 21, knob_trial_number(t), "x");
        *random_like &= x == knob_rng_uniform(&r);
        sum += x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    }
    (void)seed_opts;
    return sum / 10;
}

static void tpe_pruned_counted(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = make_study(st, "tpe", "seed=21,n_startup_trials=20", NULL, 0);
    bool random_like;
    /* 10 complete trials near x = 0.05 with a poor value; 5 failed ones. */
    for (int i = 0; i < 10; i++)
        tell_at(s, 0.01 * i, KNOB_TRIAL_COMPLETE, 5.0);
    for (int i = 0; i < 5; i++)
        tell_at(s, 0.5, KNOB_TRIAL_FAIL, 0);
    mean_next(s, &random_like, NULL);
    assert_true(random_like); /* 10 observations < 20: still random */
    /* 10 pruned trials near x = 0.95 with far better (intermediate) values: they make
     * 20 observations, so TPE starts, but rank after the complete ones. */
    for (int i = 0; i < 10; i++)
        tell_at(s, 0.99 - 0.01 * i, KNOB_TRIAL_PRUNED, -100.0);
    double m = mean_next(s, &random_like, NULL);
    assert_false(random_like);
    /* The good trials are complete ones near 0.05: the mean of 10 suggestions is 0.22
     * here (0.20..0.22 on seeds 1..12); 10 uniform draws have a mean below 0.25 with
     * probability 0.0025, and ranking the pruned trials by their values instead would
     * pull it to 0.78. */
    assert_true(m < 0.25);
    knob_study_free(s);
    knob_storage_close(st);
}

/* ---------------------------------------------------------------- options */

/* On how many of seeds 0..n-1 the best of 60 trials on bowl4 is below `within`. */
static int bowl4_good(const char *sampler, const char *extra, int n, double within)
{
    int good = 0;
    for (int seed = 0; seed < n; seed++) {
        char opts[128];
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed, extra[0] ? "," : "", extra);
        good += best_of(sampler, opts, 4, -5, 5, 60, bowl4) < within;
    }
    return good;
}

static void tpe_options(void **state)
{
    (void)state;
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe",
                                         "n_startup_trials=3,n_ei_candidates=50,"
                                         "prior_weight=0.5,consider_endpoints=true,"
                                         "consider_magic_clip=false,constant_liar=1",
                                         &sp),
                     KNOB_OK);
    assert_string_equal(knob_sampler_name(sp), "tpe");
    assert_int_equal(knob_sampler_set_option(sp, "multivariate", "true"), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(sp, "group", "true"), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(sp, "n_ei_candidates", "0"), KNOB_EINVAL);
    assert_int_equal(knob_sampler_set_option(sp, "gamma", "0.2"), KNOB_EINVAL);
    knob_sampler_free(sp);
    assert_int_equal(knob_sampler_create("tpe", "group=true", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "multivariate"));
    assert_int_equal(knob_sampler_create("tpe", "prior_weight=0", &sp), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("tpe", "weights=heavy", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "heavy"));
    assert_int_equal(knob_sampler_create("tpe", "gamma_strategy=cubic", &sp), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("tpe", "startup=halton", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "startup"));
    /* the warm start's options without a source: refused, as they would be unused */
    assert_int_equal(knob_sampler_create("tpe", "warm_start_local=3", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'tpe': option 'warm_start_local' (3) acts "
                                          "only with 'warm_start_study'"));
    assert_int_equal(knob_sampler_create("tpe", "warm_start_model=false", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'warm_start_model' (false)"));
    assert_int_equal(knob_sampler_create("tpe", "warm_start_study=a,warm_start_local=3", &sp),
                     KNOB_OK);
    knob_sampler_free(sp);
    bool listed = false;
    for (const knob_sampler_plugin *const *p = knob_sampler_builtins(); *p; p++)
        listed |= strcmp((*p)->name, "tpe") == 0;
    assert_true(listed);
    /* Non-default options still search well: a best below 2 after 60 trials on 6 or
     * more of seeds 0..14. Per seed (300 seeds) these options get there on 90%, 94%, 95%
     * and 76%, random search on 10.6% (2,000 seeds; its median is 5.0): on 6 of 15 seeds
     * with probability 0.9994 or more, and 0.003. Seeds 0..14: 14, 15, 15 and 13, random
     * search 0 (checked here). */
    static const char *const variants[] = {
        "consider_endpoints=true,prior_weight=2,n_ei_candidates=64",
        /* Optuna's weighting, uniform weights and a sqrt split, a higher bandwidth floor */
        "weights=optuna,prior_weight=1", "weights=uniform,gamma_strategy=sqrt,gamma_beta=0.5",
        "min_bandwidth=0.05"};
    for (int v = 0; v < 4; v++) {
        int good = bowl4_good("tpe", variants[v], 15, 2);
        print_message("%s: below 2 on %d of 15 seeds\n", variants[v], good);
        assert_true(good >= 6);
    }
    assert_true(bowl4_good("random", "", 15, 2) < 6);
    /* Without the magic clip kernels get narrow and TPE greedy; it still runs. */
    double b = best_of("tpe", "seed=4,consider_magic_clip=false", 4, -5, 5, 60, bowl4);
    assert_true(isfinite(b));
}

/* ---------------------------------------------------------------- the estimators */

/* The estimators' axis of a param, as the sampler makes it. */
static void axis_init(knob__tpe_axis *ax, const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        knob__tpe_axis_choice(ax, d->n_choices);
    else
        knob__tpe_axis_number(ax, d->low, d->high, d->step, d->kind == KNOB_DIST_INT,
                              (d->flags & KNOB_LOG) != 0);
}

/* The windowed density equals the sum over every kernel, and integrates to one. */
static void check_mix1(const knob_distribution *d, const double *obs, size_t n, bool brute)
{
    knob__tpe_axis ax;
    axis_init(&ax, d);
    double *y = malloc((n + 1) * sizeof *y), *w = malloc((n + 1) * sizeof *w);
    for (size_t i = 0; i < n; i++)
        y[i] = knob__tpe_to_kernel(&ax, obs[i]);
    knob__tpe_default_weights(n, w);
    knob__tpe_settings set = {
        .prior_weight = 1.0, .smoothing = 1.0, .magic_clip = true, .min_bandwidth = 0.01};
    knob__tpe_mix1 m = {0};
    assert_int_equal(knob__tpe_mix1_fit(&m, &ax, y, w, n, &set), KNOB_OK);
    if (n >= 1000) /* the fast Gauss transform takes the kernels at the clip's floor */
        assert_true(m.n_box > 0);
    if (ax.q > 0) {
        double total = 0;
        for (double v = d->low; v <= d->high + 1e-9; v += d->step)
            total += exp(knob__tpe_mix1_logpdf(&m, v));
        assert_true(fabs(total - 1) < 1e-9);
    } else {
        size_t steps = 200000;
        double h = (ax.high - ax.low) / (double)steps, total = 0;
        for (size_t i = 0; i < steps; i++)
            total += exp(knob__tpe_mix1_logpdf(&m, ax.low + ((double)i + 0.5) * h)) * h;
        assert_true(fabs(total - 1) < 1e-4);
    }
    for (int k = 0; brute && k < 200; k++) {
        double v = ax.low + (ax.high - ax.low) * k / 199.0, sum = 0, h = 0.5 * ax.q;
        if (ax.q > 0)
            v = knob__tpe_to_kernel(&ax, knob__tpe_from_kernel(&ax, v));
        for (size_t i = 0; i <= m.n; i++) {
            bool prior = i == m.n;
            double mu = prior ? m.prior_mu : m.obs_mu[i];
            double s = prior ? m.prior_sigma : m.obs_sigma[i];
            double c = prior ? exp(m.prior_c) : m.obs_a[i], t = (v - mu) / s;
            sum += c * (ax.q > 0 ? exp(knob__tpe_log_mass((v - h - mu) / s, (v + h - mu) / s))
                                 : exp(-0.5 * t * t));
        }
        double got = knob__tpe_mix1_logpdf(&m, v);
        assert_true(fabs(got - log(sum)) < 1e-10 * (1 + fabs(got)));
    }
    knob__tpe_mix1_free(&m);
    free(y);
    free(w);
}

/* The joint estimator over a float, an int (tabulated bin masses), a log float and a
 * categorical axis equals the sum over every kernel. */
static void check_mixn(knob_rng *r)
{
    static const knob_choice ch[3] = {
        {KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_STRING, "b", 0}, {KNOB_CHOICE_STRING, "c", 0}};
    knob_distribution dist[4] = {
        {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 10},
        {.kind = KNOB_DIST_INT, .low = 0, .high = 50, .step = 1},
        {.kind = KNOB_DIST_FLOAT, .low = 1e-3, .high = 1, .flags = KNOB_LOG},
        {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 3, .choices = ch},
    };
    knob__tpe_axis ax[4];
    for (int j = 0; j < 4; j++)
        axis_init(&ax[j], &dist[j]);
    size_t n = 300;
    double *y = malloc(n * 4 * sizeof *y), *w = malloc(n * sizeof *w), pt[4];
    for (size_t i = 0; i < n; i++) {
        y[i * 4] = 3 + knob_rng_normal(r);
        y[i * 4 + 1] = round(20 + 5 * knob_rng_uniform(r));
        y[i * 4 + 2] = log(0.01 + 0.1 * knob_rng_uniform(r));
        y[i * 4 + 3] = (double)knob_rng_below(r, 3);
    }
    knob__tpe_default_weights(n, w);
    for (int weighted = 0; weighted < 2; weighted++) {
        knob__tpe_settings set = {.prior_weight = 1.0,
                                  .smoothing = 1.0,
                                  .magic_clip = true,
                                  .sigma_weighted = weighted,
                                  .min_bandwidth = 0.01};
        knob__tpe_mixn m = {0};
        assert_int_equal(knob__tpe_mixn_fit(&m, ax, 4, y, w, n, &set), KNOB_OK);
        for (int k = 0; k < 50; k++) {
            knob__tpe_mixn_sample(&m, r, pt);
            for (int j = 0; j < 4; j++)
                pt[j] = knob__tpe_to_kernel(&ax[j], knob__tpe_from_kernel(&ax[j], pt[j]));
            double sum = 0;
            for (size_t i = 0; i <= n; i++) {
                bool prior = i == n;
                double lp = prior ? m.log_prior_w : m.lw[i];
                for (int j = 0; j < 4; j++) {
                    const knob__tpe_axis *a = &ax[j];
                    double mu = prior ? 0.5 * (a->low + a->high) : y[i * 4 + j];
                    double s = prior ? a->high - a->low : m.sigma[j];
                    double lz = prior ? m.prior_logz[j] : m.logz[i * 4 + j];
                    if (j == 3) {
                        lp += prior ? -log(3.0) : pt[j] == mu ? m.hit[j] : m.miss[j];
                    } else if (a->q > 0) {
                        lp +=
                            knob__tpe_log_mass((pt[j] - 0.5 - mu) / s, (pt[j] + 0.5 - mu) / s) - lz;
                    } else {
                        double t = (pt[j] - mu) / s;
                        lp += -0.5 * t * t - lz - 0.9189385332046727 - (weighted ? 0 : log(s));
                    }
                }
                sum += exp(lp);
            }
            double got = knob__tpe_mixn_logpdf(&m, pt);
            assert_true(fabs(got - log(sum)) < 1e-10 * (1 + fabs(got)));
        }
        knob__tpe_mixn_free(&m);
    }
    free(y);
    free(w);
}

static void tpe_estimator(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 99);
    double obs[2000] = {0};
    for (size_t n = 0; n <= 2000; n = n ? n * 4 : 1) {
        for (size_t i = 0; i < n; i++) /* clustered, as a TPE history is */
            obs[i] = fmin(fmax(3 + 0.05 * knob_rng_normal(&r) * (i % 3 ? 1 : 20), -5), 10);
        knob_distribution f = {.kind = KNOB_DIST_FLOAT, .low = -5, .high = 10};
        check_mix1(&f, obs, n, true);
        for (size_t i = 0; i < n; i++)
            obs[i] = round(obs[i]);
        knob_distribution in = {.kind = KNOB_DIST_INT, .low = -5, .high = 10, .step = 1};
        check_mix1(&in, obs, n, true);
        for (size_t i = 0; i < n; i++)
            obs[i] = exp(knob_rng_uniform(&r) * 5 - 4);
        knob_distribution lg = {
            .kind = KNOB_DIST_FLOAT, .low = exp(-4), .high = exp(1), .flags = KNOB_LOG};
        check_mix1(&lg, obs, n, true);
    }
    check_mixn(&r);
    /* Categorical: the smoothed probabilities sum to one and favour the observed. */
    double y[4] = {2, 2, 2, 0}, w[4] = {1, 1, 1, 1}, p[3];
    knob__tpe_settings set = {
        .prior_weight = 1.0, .smoothing = 1.0, .magic_clip = true, .min_bandwidth = 0.01};
    knob__tpe_cat_fit(p, 3, y, w, 4, &set);
    assert_true(fabs(p[0] + p[1] + p[2] - 1) < 1e-12);
    assert_true(p[2] > p[0] && p[0] > p[1]);
    /* Truncated normal draws stay inside and follow the quantiles. */
    for (int k = 0; k <= 100; k++) {
        double u = k / 100.0, a = -0.3, b = 4;
        double x = knob__tpe_truncnorm(a, b, u);
        assert_true(x >= a && x <= b);
        double q = exp(knob__tpe_log_mass(a, x) - knob__tpe_log_mass(a, b));
        assert_true(k == 0 || fabs(q - u) < 1e-9);
    }
    assert_true(fabs(knob__tpe_log_mass(40, 41) - (-804.608442013754)) < 1e-6);
}

/* Nondominated selection and hypervolumes against hand-computed cases. */
/* The univariate estimator against reference values computed by Optuna 3.1's
 * _ParzenEstimator (prior, magic clip, no endpoints, its default weights, which ramp
 * down the oldest of these 28 observations; its log pdf leaves out log sigma, as
 * sigma_weighted does). */
static void tpe_matches_optuna(void **state)
{
    (void)state;
    static const double obs[28] = {-7.5, -2.25, 0.5, 1.0,  1.125, 3.0,  4.5,  8.0,  9.75, -9.5,
                                   2.0,  2.5,   6.0, -4.0, 0.0,   7.25, 5.5,  -1.0, 3.5,  -6.0,
                                   8.5,  -3.0,  1.5, 4.0,  -8.0,  9.0,  -5.0, 6.5};
    static const double xs[7] = {-9.9, -3.3, 0.0, 1.05, 2.2, 7.7, 9.99};
    static const double ref[7] = {-2.758295724347217, -2.5653504737094313, -2.4662707220206936,
                                  -2.22906900150096,  -2.377841516259826,  -2.55345567474187,
                                  -2.756488515830653};
    static const double iobs[14] = {1, 3, 3, 4, 7, 7, 7, 9, 10, 2, 5, 6, 8, 8};
    static const double ixs[6] = {1, 2, 3, 5, 7, 10};
    static const double iref[6] = {-2.6735437909281488, -2.363613335701478,  -2.284697582638305,
                                   -2.492285217403815,  -1.8690179711225228, -2.6677543621084383};
    knob__tpe_settings set = {.prior_weight = 1.0,
                              .smoothing = 1.0,
                              .magic_clip = true,
                              .sigma_weighted = true,
                              .min_bandwidth = 0.01};
    double y[28], w[28];
    knob__tpe_mix1 m = {0};
    knob_distribution fd = {.kind = KNOB_DIST_FLOAT, .low = -10, .high = 10};
    knob__tpe_axis ax;
    axis_init(&ax, &fd);
    for (int i = 0; i < 28; i++)
        y[i] = knob__tpe_to_kernel(&ax, obs[i]);
    knob__tpe_default_weights(28, w);
    assert_int_equal(knob__tpe_mix1_fit(&m, &ax, y, w, 28, &set), KNOB_OK);
    for (int i = 0; i < 7; i++)
        assert_true(fabs(knob__tpe_mix1_logpdf(&m, knob__tpe_to_kernel(&ax, xs[i])) - ref[i]) <
                    1e-8);
    knob_distribution id = {.kind = KNOB_DIST_INT, .low = 1, .high = 10, .step = 1};
    axis_init(&ax, &id);
    for (int i = 0; i < 14; i++)
        y[i] = knob__tpe_to_kernel(&ax, iobs[i]);
    knob__tpe_default_weights(14, w);
    assert_int_equal(knob__tpe_mix1_fit(&m, &ax, y, w, 14, &set), KNOB_OK);
    for (int i = 0; i < 6; i++)
        assert_true(fabs(knob__tpe_mix1_logpdf(&m, knob__tpe_to_kernel(&ax, ixs[i])) - iref[i]) <
                    1e-8);
    knob__tpe_mix1_free(&m);
}

static void tpe_fronts(void **state)
{
    (void)state;
    /* 2-D: front {(1,4), (2,2), (4,1)}, then {(3,3), (5,2)}, then {(5,5)}. */
    double pts[] = {3, 3, 1, 4, 5, 5, 2, 2, 4, 1, 5, 2};
    bool sel[6];
    assert_int_equal(knob__tpe_select(pts, 6, 2, 3, sel), 0);
    assert_true(sel[1] && sel[3] && sel[4] && !sel[0] && !sel[2] && !sel[5]);
    assert_int_equal(knob__tpe_select(pts, 6, 2, 4, sel), 0);
    assert_true(sel[1] && sel[3] && sel[4] && (sel[0] != sel[5]) && !sel[2]);
    /* a front of repeats, as Optuna's _solve_hssp: each distinct point by its first row,
     * then the repeats by row (the greedy took the last repeat first) */
    double dup[] = {1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0};
    bool dsel[7];
    assert_int_equal(knob__tpe_select(dup, 7, 2, 3, dsel), 0);
    assert_true(dsel[1] && dsel[2] && dsel[4] && !dsel[0] && !dsel[3] && !dsel[5] && !dsel[6]);
    /* two distinct points of a front of four rows, k = 2: one row of each, the first */
    double two[] = {0, 1, 1, 0, 0, 1, 1, 0};
    assert_int_equal(knob__tpe_select(two, 4, 2, 2, dsel), 0);
    assert_true(dsel[0] && dsel[1] && !dsel[2] && !dsel[3]);
    double ref2[] = {6, 6};
    double front[] = {1, 4, 2, 2, 4, 1};
    assert_true(fabs(knob__tpe_hypervolume(front, 3, 2, ref2) - 20) < 1e-12);
    /* 3-D: two boxes overlapping in [1,2]x[1,2]x[1,2] of a 2-cube each. */
    double cubes[] = {0, 0, 0, 1, 1, 1};
    double ref3[] = {2, 2, 2};
    assert_true(fabs(knob__tpe_hypervolume(cubes, 2, 3, ref3) - 8) < 1e-12);
    double three[] = {0, 1, 1, 1, 0, 1, 1, 1, 0};
    assert_true(fabs(knob__tpe_hypervolume(three, 3, 3, ref3) - 4) < 1e-12);
    double w[3];
    assert_int_equal(knob__tpe_hv_weights(front, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(w[i] > 0 && w[i] <= 1);
    assert_true(fabs(fmax(fmax(w[0], w[1]), w[2]) - 1) < 1e-12);
}

/* Losses near the largest double: the fronts' hypervolumes overflowed (inf - inf, a NaN
 * read as out of memory), and every ask of a multi-objective study with such values failed
 * with KNOB_ENOMEM. The fronts and weights are those of the same points scaled down. */
static void tpe_fronts_huge_losses(void **state)
{
    (void)state;
    double big[] = {3e307, 3e307, 1e307, 4e307, 5e307, 5e307,
                    2e307, 2e307, 4e307, 1e307, 5e307, 2e307};
    bool sel[6];
    assert_int_equal(knob__tpe_select(big, 6, 2, 4, sel), 0);
    assert_true(sel[1] && sel[3] && sel[4] && (sel[0] != sel[5]) && !sel[2]);
    double front[] = {1e308, -1e308, -1e308, 1e308, 0, 0}, w[3];
    assert_int_equal(knob__tpe_hv_weights(front, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(w[i] > 0 && w[i] <= 1);
    double three[] = {-DBL_MAX, DBL_MAX, 0, DBL_MAX, -DBL_MAX, 1, 0, 0, -DBL_MAX};
    assert_int_equal(knob__tpe_select(three, 3, 3, 2, sel), 0);
    assert_int_equal(sel[0] + sel[1] + sel[2], 2);
    assert_int_equal(knob__tpe_hv_weights(three, 3, 3, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(w[i] > 0 && w[i] <= 1);

    knob_storage *st = knob_test_memory();
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study *s = make_study(st, "tpe", "seed=3,n_startup_trials=4", dirs, 2);
    for (int i = 0; i < 16; i++) {
        knob_trial *t;
        double x;
        if (knob_study_ask(s, &t))
            fail_msg("ask %d: %s", i, knob_errmsg());
        if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
            fail_msg("suggest %d: %s", i, knob_errmsg());
        assert_true(x >= 0 && x <= 1);
        double v[2] = {x * DBL_MAX, i % 2 ? x * 1e308 : -DBL_MAX};
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Infinite losses (a study with infinite_values): the hypervolume weights were NaN, read as
 * out of memory, and every ask of a multi-objective study with such a value failed with
 * KNOB_ENOMEM. An infinity ranks after (or, -inf, before) every finite loss of its
 * objective, and infinities of one sign tie. */
static void tpe_fronts_infinite_losses(void **state)
{
    (void)state;
    /* (inf, 0) (1, 1) (2, -inf) (3, 3) (inf, 5): fronts {1, 2}, {0, 3}, {4}; the third
     * point of three is one of the second front's, chosen by their hypervolumes */
    double five[] = {INFINITY, 0, 1, 1, 2, -INFINITY, 3, 3, INFINITY, 5};
    bool sel[5];
    assert_int_equal(knob__tpe_select(five, 5, 2, 3, sel), 0);
    assert_true(sel[1] && sel[2] && sel[0] + sel[3] == 1 && !sel[4]);
    double w[5];
    assert_int_equal(knob__tpe_hv_weights(five, 3, 2, w), 0);
    for (int i = 0; i < 3; i++)
        assert_true(w[i] > 0 && w[i] <= 1);
    /* of two points that tie at +inf in the first objective, the better in the second wins */
    double tied[] = {INFINITY, 2, INFINITY, 1, -INFINITY, 7};
    assert_int_equal(knob__tpe_select(tied, 3, 2, 2, sel), 0);
    assert_true(!sel[0] && sel[1] && sel[2]);
    double all[] = {INFINITY, -INFINITY, -INFINITY, INFINITY};
    assert_int_equal(knob__tpe_hv_weights(all, 2, 2, w), 0);
    assert_true(w[0] > 0 && w[1] > 0);

    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("tpe", "seed=3,n_startup_trials=4", &sampler), KNOB_OK);
    knob_study_options o = {
        .directions = dirs, .n_objectives = 2, .sampler = sampler, .infinite_values = true};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "tpe_inf", &o, &s), KNOB_OK);
    for (int i = 0; i < 16; i++) {
        knob_trial *t;
        double x;
        if (knob_study_ask(s, &t))
            fail_msg("ask %d: %s", i, knob_errmsg());
        if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
            fail_msg("suggest %d: %s", i, knob_errmsg());
        double v[2] = {i % 3 ? x : INFINITY, i % 4 ? 1 - x : -INFINITY};
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A draw of the kernel space back to a param's value, as the sampler made it before the
 * estimators took numbers: through the distribution's own snapping (space.c). */
static double snapped_by_distribution(const knob__tpe_axis *a, const knob_distribution *d, double y)
{
    if (a->n_choices)
        return knob__dist_snap(d, y);
    if (a->log && d->kind == KNOB_DIST_INT)
        return knob__dist_snap(d, round(exp(y)));
    if (a->log)
        return knob__dist_snap(d, exp(y));
    if (a->q > 0)
        return knob__dist_snap(d, round((y - d->low) / a->q) * a->q + d->low);
    return knob__dist_snap(d, y);
}

/* The axes snap draws with the numbers they were given exactly as the distribution does,
 * over the kernel space and beyond its ends, for every kind of param. */
static void tpe_axis_snaps_as_distribution(void **state)
{
    (void)state;
    static const knob_choice ch[3] = {
        {KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_STRING, "b", 0}, {KNOB_CHOICE_STRING, "c", 0}};
    const knob_distribution dists[] = {
        {.kind = KNOB_DIST_FLOAT, .low = -3, .high = 7},
        {.kind = KNOB_DIST_FLOAT, .low = 0.1, .high = 2.35, .step = 0.25},
        {.kind = KNOB_DIST_FLOAT, .low = 1e-4, .high = 1, .flags = KNOB_LOG},
        {.kind = KNOB_DIST_INT, .low = -5, .high = 12, .step = 1},
        {.kind = KNOB_DIST_INT, .low = 0, .high = 30, .step = 3},
        {.kind = KNOB_DIST_INT, .low = 1, .high = 1000, .step = 1, .flags = KNOB_LOG},
        {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 3, .choices = ch},
    };
    for (size_t j = 0; j < sizeof dists / sizeof *dists; j++) {
        const knob_distribution *d = &dists[j];
        knob__tpe_axis ax;
        axis_init(&ax, d);
        double lo = ax.n_choices ? -1 : ax.low, hi = ax.n_choices ? (double)ax.n_choices : ax.high;
        double pad = 0.1 * (hi - lo);
        for (int k = 0; k <= 4000; k++) {
            double y = lo - pad + (hi - lo + 2 * pad) * k / 4000.0;
            double got = knob__tpe_from_kernel(&ax, y), want = snapped_by_distribution(&ax, d, y);
            if (got != want)
                fail_msg("param %zu at %.17g: %.17g, the distribution gives %.17g", j, y, got,
                         want);
        }
        assert_true(isnan(knob__tpe_from_kernel(&ax, NAN)) ==
                    isnan(snapped_by_distribution(&ax, d, NAN)));
    }
}

/* An int on a step whose bounds lie 2^54 apart: the kernel's value snapped to a step in
 * doubles was off it (min + k step, inexact there), and a quarter of the trials failed. */
static knob_trial_state wide_step(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    const int64_t e = INT64_C(9007199254740992); /* 2^53 */
    int64_t y, z;
    if (knob_trial_suggest_int(t, "y", -e, e, 3, 0, &y) ||
        knob_trial_suggest_int(t, "z", -e + 1, e - 1, 7, 0, &z))
        return KNOB_TRIAL_FAIL;
    values[0] = fabs((double)y / (double)e - 0.3) + fabs((double)z / (double)e);
    return KNOB_TRIAL_COMPLETE;
}

static void tpe_wide_int_step(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = knob_test_study(st, "w", "tpe", "seed=1");
    assert_int_equal(knob_study_optimize(s, wide_step, NULL, 60), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal((int)n, 60);
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state != KNOB_TRIAL_COMPLETE)
            fail_msg("trial %zu: not complete", i);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tpe_golden_sequence),
        cmocka_unit_test(tpe_ramp_extends),
        cmocka_unit_test(tpe_ramp_random),
        cmocka_unit_test(tpe_startup_is_random),
        cmocka_unit_test(tpe_beats_random),
        cmocka_unit_test(tpe_multivariate),
        cmocka_unit_test(tpe_categorical),
        cmocka_unit_test(tpe_scale_free),
        cmocka_unit_test(tpe_log_step_int),
        cmocka_unit_test(tpe_conditional),
        cmocka_unit_test(tpe_group),
        cmocka_unit_test(tpe_repeats),
        cmocka_unit_test(tpe_multi_objective),
        cmocka_unit_test(tpe_multi_objective_narrows),
        cmocka_unit_test(tpe_mo_gamma_cap),
        cmocka_unit_test(tpe_constant_liar),
        cmocka_unit_test(tpe_constant_liar_multi_objective),
        cmocka_unit_test(tpe_pruned_counted),
        cmocka_unit_test(tpe_options),
        cmocka_unit_test(tpe_estimator),
        cmocka_unit_test(tpe_fronts),
        cmocka_unit_test(tpe_fronts_huge_losses),
        cmocka_unit_test(tpe_fronts_infinite_losses),
        cmocka_unit_test(tpe_matches_optuna),
        cmocka_unit_test(tpe_sobol_startup),
        cmocka_unit_test(tpe_axis_snaps_as_distribution),
        cmocka_unit_test(tpe_plateau),
        cmocka_unit_test(tpe_tied_best),
        cmocka_unit_test(tpe_cache_never_stale),
        cmocka_unit_test(tpe_cache_big_history),
        cmocka_unit_test(tpe_categorical_merged),
        cmocka_unit_test(tpe_binned_merged),
        cmocka_unit_test(tpe_cache_never_stale_binned),
        cmocka_unit_test(tpe_cache_never_stale_long),
        cmocka_unit_test(tpe_cache_never_stale_ramp),
        cmocka_unit_test(tpe_sorted_input),
        cmocka_unit_test(tpe_merged_cells),
        cmocka_unit_test(tpe_constraints),
        cmocka_unit_test(tpe_constraints_multi_objective),
        cmocka_unit_test(tpe_warm_start),
        cmocka_unit_test(tpe_wide_int_step),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
