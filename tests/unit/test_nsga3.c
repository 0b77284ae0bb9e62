/* The nsga3 sampler: Das-Dennis points, normalisation, association and niching on
 * hand-built cases, its options, a golden sequence, constraints, and search that beats
 * random on DTLZ2 with three objectives. */
#include "testutil.h"
#include "knob.h"
#include "samplers/nsga3.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define OK KNOB_TEST_OK

static void das_dennis_counts(void **state)
{
    (void)state;
    /* C(m + p - 1, p) */
    const size_t cases[][3] = {{3, 3, 10}, {3, 12, 91}, {5, 4, 70},
                               {2, 4, 5},  {1, 3, 1},   {8, 3, 120}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        double *pts;
        size_t n;
        OK(knob__nsga3_das_dennis(cases[c][0], cases[c][1], &pts, &n));
        assert_int_equal(n, cases[c][2]);
        for (size_t i = 0; i < n; i++) {
            double sum = 0;
            for (size_t j = 0; j < cases[c][0]; j++) {
                double v = pts[i * cases[c][0] + j] * (double)cases[c][1];
                assert_true(fabs(v - round(v)) < 1e-9 && v > -1e-9); /* multiples of 1/p */
                sum += pts[i * cases[c][0] + j];
            }
            assert_true(fabs(sum - 1) < 1e-12);
            for (size_t k = 0; k < i; k++) /* all distinct */
                assert_true(memcmp(pts + i * cases[c][0], pts + k * cases[c][0],
                                   cases[c][0] * sizeof *pts) != 0);
        }
        free(pts);
    }
    double *pts = NULL;
    size_t n;
    assert_int_equal(knob__nsga3_das_dennis(20, 12, &pts, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "100000"));
    assert_null(pts);
    assert_int_equal(knob__nsga3_das_dennis(3, 0, &pts, &n), KNOB_EINVAL);
}

/* The points of Optuna's _generate_default_reference_point(3, 2), divided by 2, in its order. */
static void das_dennis_points(void **state)
{
    (void)state;
    const double want[6][3] = {{1, 0, 0}, {.5, .5, 0}, {.5, 0, .5},
                               {0, 1, 0}, {0, .5, .5}, {0, 0, 1}};
    double *pts;
    size_t n;
    OK(knob__nsga3_das_dennis(3, 2, &pts, &n));
    assert_int_equal(n, 6);
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 3; j++)
            if (pts[i * 3 + j] != want[i][j])
                fail_msg("point %zu, objective %zu: %g, want %g", i, j, pts[i * 3 + j], want[i][j]);
    free(pts);
}

/* Points on the plane x/2 + y/4 + z = 1, shifted by (1, 1, 1): the ideal point is (1, 1, 1),
 * the extreme points (2,0,0), (0,4,0), (0,0,1) after the shift, so the intercepts 2, 4, 1. */
static void normalize_intercepts(void **state)
{
    (void)state;
    double f[5][3] = {{3, 1, 1}, {1, 5, 1}, {1, 1, 2}, {2, 2, 1.25}, {2.5, 2, 1.5}};
    const double want[5][3] = {
        {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.5, 0.25, 0.25}, {0.75, 0.25, 0.5}};
    assert_int_equal(knob__nsga3_normalize(&f[0][0], 5, 3), 1);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++)
            if (fabs(f[i][j] - want[i][j]) > 1e-12)
                fail_msg("point %d, objective %d: %.17g, want %g", i, j, f[i][j], want[i][j]);
}

/* Objectives near the largest double, one spanning more than it (-DBL_MAX to DBL_MAX):
 * normalised as the same points at a small scale (g of normalize_nadir_fallback), not
 * through an infinite difference to the ideal point (inf, then inf * 0 = NaN). */
static void normalize_huge_objectives(void **state)
{
    (void)state;
    double f[3][2] = {{-DBL_MAX, 1e308}, {0, 0.9e308}, {DBL_MAX, 0}};
    const double want[3][2] = {{0, 1}, {0.5, 0.9}, {1, 0}};
    assert_int_equal(knob__nsga3_normalize(&f[0][0], 3, 2), 1);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            if (!(fabs(f[i][j] - want[i][j]) < 1e-12))
                fail_msg("point %d, objective %d: %.17g, want %g", i, j, f[i][j], want[i][j]);
}

/* Two points in three objectives: the extreme points repeat, there is no hyperplane, and
 * each objective is divided by its nadir; an objective equal everywhere stays 0. */
static void normalize_nadir_fallback(void **state)
{
    (void)state;
    double f[2][3] = {{1, 2, 3}, {3, 2, 1}};
    assert_int_equal(knob__nsga3_normalize(&f[0][0], 2, 3), 0);
    const double want[2][3] = {{0, 0, 1}, {1, 0, 0}};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            assert_true(fabs(f[i][j] - want[i][j]) < 1e-12);
    /* in two objectives: the extremes (2, 0) and (0, 1) give intercepts 2 and 1 */
    double g[3][2] = {{0, 1}, {1, 0.9}, {2, 0}};
    assert_int_equal(knob__nsga3_normalize(&g[0][0], 3, 2), 1);
    assert_true(fabs(g[1][0] - 0.5) < 1e-12 && fabs(g[1][1] - 0.9) < 1e-12);
    double h[3][2] = {{0, 1e-7}, {1e-7, 0}, {5, 5}};
    /* extremes (0, 1e-7) and (1e-7, 0) give intercepts 1e-7: positive, so used */
    assert_int_equal(knob__nsga3_normalize(&h[0][0], 3, 2), 1);
    assert_true(fabs(h[2][0] - 5e7) < 1e-3);
}

static void associate_hand_case(void **state)
{
    (void)state;
    const double ref[3][2] = {{1, 0}, {0.5, 0.5}, {0, 1}};
    const double f[3][2] = {{1, 0.2}, {0.5, 0.6}, {0, 0}};
    size_t closest[3];
    double dist[3];
    knob__nsga3_associate(&f[0][0], 3, 2, &ref[0][0], 3, closest, dist);
    assert_int_equal(closest[0], 0);
    assert_true(fabs(dist[0] - 0.2) < 1e-12);
    assert_int_equal(closest[1], 1); /* projection (0.55, 0.55): distance 0.05 sqrt 2 */
    assert_true(fabs(dist[1] - 0.05 * sqrt(2)) < 1e-12);
    assert_int_equal(closest[2], 0); /* the origin is on every line: the first */
    assert_true(dist[2] == 0);
}

/* Elite on lines 0, 0, 1; candidates on lines 2 (0.3), 2 (0.1), 0 (0.05), 1 (0.2). The first
 * pick is line 2 (no member), its nearest candidate, 1; the second is line 1 or 2 (one
 * member each), each some of the time; line 0 (two members) only in the third. */
static void niching_hand_case(void **state)
{
    (void)state;
    const size_t elite[3] = {0, 0, 1}, cand[4] = {2, 2, 0, 1};
    const double dist[4] = {0.3, 0.1, 0.05, 0.2};
    size_t seen[4] = {0};
    for (uint64_t seed = 0; seed < 64; seed++) {
        knob_rng r;
        knob_rng_seed(&r, seed);
        size_t out[4];
        OK(knob__nsga3_niche(3, elite, 3, cand, dist, 4, 2, &r, out));
        assert_int_equal(out[0], 1);
        assert_true(out[1] == 0 || out[1] == 3);
        seen[out[1]]++;
        OK(knob__nsga3_niche(3, elite, 3, cand, dist, 4, 4, &r, out));
        assert_int_equal(out[0], 1);
        assert_int_equal(out[3], 2); /* line 0 last */
    }
    assert_true(seen[0] > 5 && seen[3] > 5);
    /* no elite: every line empty; the nearest candidate of each line first */
    knob_rng r;
    knob_rng_seed(&r, 1);
    size_t out[2];
    OK(knob__nsga3_niche(3, NULL, 0, cand, dist, 4, 2, &r, out));
    assert_true(out[0] != 0 && out[1] != 0); /* 0 is the farther one on line 2 */
    assert_true(out[0] != out[1]);
}

/* ---------------------------------------------------------------- the sampler */

#define DIMS 7 /* DTLZ2: 3 objectives, k = 5 */

static void dtlz2(const double *x, double *f)
{
    double g = 0;
    for (int i = 2; i < DIMS; i++)
        g += (x[i] - 0.5) * (x[i] - 0.5);
    double a = x[0] * M_PI / 2, b = x[1] * M_PI / 2;
    f[0] = (1 + g) * cos(a) * cos(b);
    f[1] = (1 + g) * cos(a) * sin(b);
    f[2] = (1 + g) * sin(a);
}

static knob_study *run(knob_storage *st, const char *name, const char *sampler, const char *opts,
                       int n_trials, bool constrained)
{
    knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_sampler *sm;
    OK(knob_sampler_create(sampler, opts, &sm));
    knob_study_options o = {.directions = dirs, .n_objectives = 3, .sampler = sm};
    knob_study *s;
    OK(knob_study_create(st, name, &o, &s));
    for (int k = 0; k < n_trials; k++) {
        knob_trial *t;
        double x[DIMS], f[3];
        OK(knob_study_ask(s, &t));
        for (int i = 0; i < DIMS; i++) {
            char nm[8];
            snprintf(nm, sizeof nm, "x%d", i);
            OK(knob_trial_suggest_float(t, nm, 0, 1, 0, 0, &x[i]));
        }
        dtlz2(x, f);
        if (constrained) { /* feasible: f0 <= 0.5 */
            double c = f[0] - 0.5;
            OK(knob_trial_set_constraints(t, &c, 1));
        }
        OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, f, 3));
    }
    return s;
}

static double hv_of(knob_study *s)
{
    double ref[3] = {1.5, 1.5, 1.5}, hv;
    OK(knob_study_hypervolume(s, ref, &hv));
    return hv;
}

/* Same seeds, same budget: a larger hypervolume than random sampling for each seed, and by
 * a margin (random, run under the name nsga3, would tie). */
static void beats_random_dtlz2(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 3; seed++) {
        knob_storage *st;
        char opts[64];
        OK(knob_storage_open("memory:", &st));
        snprintf(opts, sizeof opts, "seed=%d,population_size=24,crossover=sbx", seed);
        knob_study *a = run(st, "nsga3", "nsga3", opts, 400, false);
        snprintf(opts, sizeof opts, "seed=%d", seed);
        knob_study *b = run(st, "random", "random", opts, 400, false);
        double ha = hv_of(a), hb = hv_of(b);
        if (!(ha > hb * 1.05))
            fail_msg("seed %d: nsga3 hypervolume %g, random %g", seed, ha, hb);
        knob_study_free(a);
        knob_study_free(b);
        knob_storage_close(st);
    }
}

static void generations_and_parents(void **state)
{
    (void)state;
    knob_storage *st;
    OK(knob_storage_open("memory:", &st));
    knob_study *s = run(st, "g", "nsga3", "seed=1,population_size=10", 35, false);
    const knob_trial_info *const *tr;
    size_t n;
    OK(knob_study_trials(s, &tr, &n));
    for (size_t i = 0; i < n; i++) {
        const char *g = knob_trial_info_attr(tr[i], "nsga3:generation", true);
        assert_non_null(g);
        assert_int_equal(atoi(g), (int)(i / 10));
        assert_null(knob_trial_info_attr(tr[i], "nsga2:generation", true));
    }
    const char *par = knob_study_system_attr(s, "nsga3:parents:2");
    assert_non_null(par);
    /* ten parents, each a trial of generations 0 and 1 */
    int count = 0;
    for (const char *q = par; *q; q++)
        if (*q == '[' || *q == ',') {
            assert_true(atoi(q + 1) < 20);
            count++;
        }
    assert_int_equal(count, 10);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The same seed gives the same params; the values are fixed forever. */
static void golden(void **state)
{
    (void)state;
    double got[2][3];
    for (int rep = 0; rep < 2; rep++) {
        knob_storage *st;
        OK(knob_storage_open("memory:", &st));
        knob_study *s =
            run(st, "gold", "nsga3", "seed=7,population_size=10,crossover=sbx", 35, false);
        const knob_trial_info *const *tr;
        size_t n;
        OK(knob_study_trials(s, &tr, &n));
        for (int k = 0; k < 3; k++)
            got[rep][k] = tr[30]->params[k].internal;
        /* the survivors of generation 2, chosen by niching */
        const char *par = knob_study_system_attr(s, "nsga3:parents:3");
        if (!par || strcmp(par, "[24,13,9,7,27,29,25,10,21,20]"))
            fail_msg("nsga3:parents:3 is %s", par ? par : "missing");
        knob_study_free(s);
        knob_storage_close(st);
    }
    const double want[3] = {0.90708561689773093, 0.63723756599397796, 0.55953440512181918};
    for (int k = 0; k < 3; k++)
        if (got[0][k] != want[k] || got[1][k] != want[k])
            fail_msg("trial 30, param %d: %.17g and %.17g, golden %.17g", k, got[0][k], got[1][k],
                     want[k]);
}

/* Infeasible trials never reach the front, and the search moves to the feasible side. */
static void constrained(void **state)
{
    (void)state;
    knob_storage *st;
    OK(knob_storage_open("memory:", &st));
    knob_study *s = run(st, "c", "nsga3", "seed=4,population_size=12", 150, true);
    const knob_trial_info *const *front, *const *tr;
    size_t n;
    OK(knob_study_best_trials(s, &front, &n));
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        assert_true(knob_trial_info_feasible(front[i]));
    OK(knob_study_trials(s, &tr, &n));
    size_t early = 0, late = 0;
    for (size_t i = 0; i < 24; i++)
        early += knob_trial_info_feasible(tr[i]);
    for (size_t i = n - 24; i < n; i++)
        late += knob_trial_info_feasible(tr[i]);
    if (!(late > early && late >= 18))
        fail_msg("feasible: %zu of the first 24 trials, %zu of the last 24", early, late);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The user's reference points: used when they fit; refused when malformed or of another
 * number of objectives (at the first trial, where the study is known). */
static void reference_points_option(void **state)
{
    (void)state;
    knob_sampler *sm;
    assert_int_equal(knob_sampler_create("nsga3", "reference_points=[[1,0],[0]]", &sm),
                     KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "point 2"));
    assert_int_equal(knob_sampler_create("nsga3", "reference_points=[[0,0]]", &sm), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "origin"));
    assert_int_equal(knob_sampler_create("nsga3", "reference_points=bogus", &sm), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "reference_points"));
    assert_int_equal(knob_sampler_create("nsga3", "dividing_parameter=0", &sm), KNOB_EINVAL);

    knob_storage *st;
    OK(knob_storage_open("memory:", &st));
    knob_study *s = run(
        st, "u", "nsga3",
        "seed=2,population_size=8,reference_points=[[1,0,0],[0,1,0],[0,0,1],[1,1,1]]", 30, false);
    assert_non_null(knob_study_system_attr(s, "nsga3:parents:2"));
    knob_study_free(s);

    knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    OK(knob_sampler_create("nsga3", "seed=1,population_size=4,reference_points=[[1,0],[0,1]]",
                           &sm));
    knob_study_options o = {.directions = dirs, .n_objectives = 3, .sampler = sm};
    OK(knob_study_create(st, "wrong", &o, &s));
    knob_trial *t;
    int rc = knob_study_ask(s, &t);
    assert_int_equal(rc, KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "points of 2 objectives; the study has 3"));
    knob_study_free(s);

    /* Das-Dennis points past the limit: refused at the first ask, naming the option (it
     * failed once generation 0 was complete, in words of Das-Dennis points alone) */
    OK(knob_sampler_create("nsga3", "seed=1,population_size=4,dividing_parameter=1000", &sm));
    o.sampler = sm;
    OK(knob_study_create(st, "many", &o, &s));
    assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "option 'dividing_parameter' 1000 with 3 objectives"));
    knob_study_free(s);
    knob_storage_close(st);
}

/* A study without an objective: the sampler says it needs one (a message of 0 objectives'
 * reference points came first). */
static void a_study_without_objectives(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("nsga3", NULL, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp, .no_objective = true};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "none", &o, &s), KNOB_OK);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "needs an objective"));
    knob_study_free(s);
    knob_storage_close(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(das_dennis_counts),
    cmocka_unit_test(das_dennis_points),
    cmocka_unit_test(normalize_intercepts),
    cmocka_unit_test(normalize_nadir_fallback),
    cmocka_unit_test(normalize_huge_objectives),
    cmocka_unit_test(associate_hand_case),
    cmocka_unit_test(niching_hand_case),
    cmocka_unit_test(beats_random_dtlz2),
    cmocka_unit_test(generations_and_parents),
    cmocka_unit_test(golden),
    cmocka_unit_test(constrained),
    cmocka_unit_test(reference_points_option),
    cmocka_unit_test(a_study_without_objectives),
};

KNOB_TEST_MAIN(tests)
