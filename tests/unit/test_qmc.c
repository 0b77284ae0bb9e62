/* Sobol and Halton points, scrambling, and the qmc sampler. */
#include "testutil.h"
#include "knob.h"
#include "math/sobol.h"

#include <math.h>

static double sobol(unsigned dim, uint64_t i)
{
    uint32_t v[32];
    knob__sobol_directions(dim, v);
    return knob__sobol_bits(v, i) * 0x1.0p-32;
}

/* Unscrambled points match scipy 1.10's Sobol(d=1111, scramble=False). */
static void sobol_matches_published(void **state)
{
    (void)state;
    static const unsigned dims[7] = {0, 1, 2, 3, 9, 100, 1110};
    static const struct {
        uint64_t i;
        double x[7];
    } ref[] = {
        {1, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}},
        {2, {0.75, 0.25, 0.25, 0.25, 0.75, 0.25, 0.75}},
        {3, {0.25, 0.75, 0.75, 0.75, 0.25, 0.75, 0.25}},
        {5, {0.875, 0.875, 0.125, 0.375, 0.125, 0.125, 0.375}},
        {15, {0.0625, 0.9375, 0.5625, 0.3125, 0.6875, 0.4375, 0.9375}},
    };
    for (size_t r = 0; r < sizeof ref / sizeof *ref; r++)
        for (int d = 0; d < 7; d++)
            assert_true(sobol(dims[d], ref[r].i) == ref[r].x[d]);
    assert_int_equal(knob__sobol_dims, 1111);
}

/* Owen scrambling keeps the net property: the first 2^m points put exactly one point in
 * each interval [k/2^m, (k+1)/2^m) of every dimension. */
static void owen_keeps_stratification(void **state)
{
    (void)state;
    for (unsigned dim = 0; dim < 20; dim++) {
        uint32_t v[32];
        knob__sobol_directions(dim, v);
        int seen[256] = {0};
        for (uint64_t i = 0; i < 256; i++) {
            uint32_t x = knob__owen_scramble(knob__sobol_bits(v, i), 12345u + dim);
            seen[x >> 24]++;
        }
        for (int k = 0; k < 256; k++)
            assert_int_equal(seen[k], 1);
    }
    /* and really scrambles: another seed, other points */
    assert_true(knob__owen_scramble(0x80000000u, 1) != knob__owen_scramble(0x80000000u, 2));
}

static void halton_points(void **state)
{
    (void)state;
    assert_true(fabs(knob__halton(0, 1, 0, 0) - 0.5) < 1e-15);
    assert_true(fabs(knob__halton(0, 2, 0, 0) - 0.25) < 1e-15);
    assert_true(fabs(knob__halton(0, 3, 0, 0) - 0.75) < 1e-15);
    assert_true(fabs(knob__halton(1, 1, 0, 0) - 1.0 / 3) < 1e-15);
    assert_true(fabs(knob__halton(1, 3, 0, 0) - 1.0 / 9) < 1e-15);
    assert_true(fabs(knob__halton(2, 1, 0, 0) - 0.2) < 1e-15);
    /* Scrambled: still one point per ninth in base 3 over 9 points. */
    int seen[9] = {0};
    for (uint64_t i = 0; i < 9; i++) {
        double x = knob__halton(1, i, 77, 1);
        assert_true(x >= 0 && x < 1);
        seen[(int)(x * 9)]++;
    }
    for (int k = 0; k < 9; k++)
        assert_int_equal(seen[k], 1);
}

static void ask_points(knob_study *s, int n, double (*out)[2])
{
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        int64_t k;
        double y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &out[i][0]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "k", 0, 15, 1, 0, &k), KNOB_OK);
        out[i][1] = (double)k;
        y = out[i][0];
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
}

static void sampler_spreads_and_reproduces(void **state)
{
    (void)state;
    double a[33][2], b[33][2];
    for (int run = 0; run < 2; run++) {
        knob_storage *st;
        knob_sampler *q;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        assert_int_equal(knob_sampler_create("qmc", "seed=3", &q), KNOB_OK);
        knob_study_options o = {.sampler = q};
        assert_int_equal(knob_study_create(st, "q", &o, &s), KNOB_OK);
        ask_points(s, 33, run ? b : a);
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_memory_equal(a, b, sizeof a);
    /* Trials 1..32 take points 1..32: x covers 32 intervals of 1/32 with at most 2 points
     * in any (a shifted block of a net), and k hits every value. */
    int cells[32] = {0}, ks[16] = {0};
    for (int i = 1; i < 33; i++) {
        cells[(int)(a[i][0] * 32)]++;
        ks[(int)a[i][1]]++;
    }
    for (int c = 0; c < 32; c++)
        assert_true(cells[c] <= 2);
    for (int k = 0; k < 16; k++)
        assert_true(ks[k] >= 1);
}

/* The points of trials 1..4 for seed 11, frozen: they were printed by this implementation
 * (KNOB_PRINT_GOLDEN=1) and pasted here. Bit operations only, so they are exact. Trial n
 * takes point n since the first trial is the first completed one (point n + 1 before: the
 * last three here were trials 1..3's). */
static void golden_sequence(void **state)
{
    (void)state;
    static const double golden[2][4][2] = {
        {{0.31543392676394433, 0},
         {0.90855943143833429, 5},
         {0.16457854572217911, 10},
         {0.77168742183130234, 8}},
        {{0.12400158730359442, 2},
         {0.45733492063692766, 14},
         {0.67955714285914981, 6},
         {0.012890476192483295, 8}},
    };
    static const char *const opts[2] = {"seed=11", "seed=11,qmc_type=halton"};
    bool print = getenv("KNOB_PRINT_GOLDEN") != NULL;
    for (int v = 0; v < 2; v++) {
        knob_storage *st;
        knob_sampler *q;
        knob_study *s;
        double pts[5][2];
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        assert_int_equal(knob_sampler_create("qmc", opts[v], &q), KNOB_OK);
        knob_study_options o = {.sampler = q};
        assert_int_equal(knob_study_create(st, "g", &o, &s), KNOB_OK);
        ask_points(s, 5, pts);
        for (int i = 1; i < 5; i++) {
            if (print)
                printf("%d {%.17g, %.17g},\n", v, pts[i][0], pts[i][1]);
            else
                assert_true(pts[i][0] == golden[v][i - 1][0] && pts[i][1] == golden[v][i - 1][1]);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Unscrambled, trial n takes point n: with trial 0 complete, trial 1 takes point 1, the
 * centre, and the next ones follow the sequence in order (point n + 1 for trial n never
 * asked 0.5); after a failed trial 0, trial 1 is drawn at random (the space is not known)
 * and trial 2 takes point 2. */
static void unscrambled_starts_at_the_centre(void **state)
{
    (void)state;
    static const double sobol_1d[] = {0.5, 0.75, 0.25, 0.375, 0.875, 0.625}; /* points 1.. */
    for (int failed_first = 0; failed_first < 2; failed_first++) {
        knob_storage *st;
        knob_sampler *q;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        assert_int_equal(knob_sampler_create("qmc", "seed=4,scramble=false", &q), KNOB_OK);
        knob_study_options o = {.sampler = q};
        assert_int_equal(knob_study_create(st, "c", &o, &s), KNOB_OK);
        int n = 0;
        if (failed_first) {
            knob_trial *t;
            double x;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
            n++;
        }
        for (int i = 0; i < 6; i++, n++) {
            knob_trial *t;
            double x;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_number(t), n);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
            if (i > 0) /* the first is drawn at random: the space is not known yet */
                assert_true(fabs(x - sobol_1d[n - 1]) < 1e-9);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static void parallel_asks_differ(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *q1, *q2;
    knob_study *s1, *s2;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create("qmc", "seed=5,qmc_type=halton", &q1), KNOB_OK);
    assert_int_equal(knob_sampler_create("qmc", "seed=5,qmc_type=halton", &q2), KNOB_OK);
    knob_study_options o1 = {.sampler = q1}, o2 = {.sampler = q2};
    assert_int_equal(knob_study_create(st, "p", &o1, &s1), KNOB_OK);
    assert_int_equal(knob_study_create(st, "p", &o2, &s2), KNOB_OK);
    double first[1][2];
    ask_points(s1, 1, first);
    knob_trial *t1, *t2;
    double x1, x2, y = 0;
    assert_int_equal(knob_study_ask(s1, &t1), KNOB_OK);
    assert_int_equal(knob_study_ask(s2, &t2), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t1, "x", 0, 1, 0, 0, &x1), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t2, "x", 0, 1, 0, 0, &x2), KNOB_OK);
    assert_true(x1 != x2);
    knob_study_tell(s1, t1, KNOB_TRIAL_COMPLETE, &y, 1);
    knob_study_tell(s2, t2, KNOB_TRIAL_COMPLETE, &y, 1);
    knob_study_free(s1);
    knob_study_free(s2);
    knob_storage_close(st);
    knob_sampler *bad;
    assert_int_equal(knob_sampler_create("qmc", "qmc_type=lattice", &bad), KNOB_EINVAL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sobol_matches_published),
        cmocka_unit_test(owen_keeps_stratification),
        cmocka_unit_test(halton_points),
        cmocka_unit_test(sampler_spreads_and_reproduces),
        cmocka_unit_test(parallel_asks_differ),
        cmocka_unit_test(golden_sequence),
        cmocka_unit_test(unscrambled_starts_at_the_centre),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
