/* Dominance, non-dominated sorting, crowding distance and hypervolume (src/math/pareto.c,
 * src/math/hypervolume.c) against hand-computed cases and an independent
 * inclusion-exclusion. */
#include "testutil.h"
#include "knob.h"
#include "math/hypervolume.h"
#include "math/pareto.h"

#include <float.h>
#include <math.h>

static void dominance(void **state)
{
    (void)state;
    const double a[2] = {1, 2}, b[2] = {1, 3}, c[2] = {0, 4};
    assert_true(knob__pareto_dominates(a, b, 2));
    assert_false(knob__pareto_dominates(b, a, 2));
    assert_false(knob__pareto_dominates(a, a, 2)); /* equal: neither */
    assert_false(knob__pareto_dominates(a, c, 2));
    assert_false(knob__pareto_dominates(c, a, 2));
    /* Constrained: feasible beats infeasible whatever the values; less violation wins. */
    assert_true(knob__pareto_cdominates(b, 0, a, 0.5, 2));
    assert_false(knob__pareto_cdominates(a, 0.5, b, 0, 2));
    assert_true(knob__pareto_cdominates(b, 0.1, a, 0.5, 2));
    assert_false(knob__pareto_cdominates(a, 0.5, a, 0.5, 2));
    assert_true(knob__pareto_cdominates(a, 0, b, 0, 2));
    assert_true(knob__pareto_cdominates(a, 3, b, INFINITY, 2));
}

static void sort_hand_case(void **state)
{
    (void)state;
    /* Fronts by hand: {0,1,2} (1,4) (2,2) (4,1); {3,4} (3,3) (5,2); {5} (6,6). */
    const double p[6][2] = {{1, 4}, {2, 2}, {4, 1}, {3, 3}, {5, 2}, {6, 6}};
    size_t rank[6], nf;
    assert_int_equal(knob__pareto_sort(&p[0][0], 6, 2, NULL, rank, &nf), 0);
    assert_int_equal(nf, 3);
    const size_t want[6] = {0, 0, 0, 1, 1, 2};
    for (int i = 0; i < 6; i++)
        assert_int_equal(rank[i], want[i]);
    /* With violations: 1 and 2 infeasible (0.5 and 0.2): feasible ones rank first, then
     * the infeasible by violation, 2 before 1. */
    const double v[6] = {0, 0.5, 0.2, 0, 0, 0};
    assert_int_equal(knob__pareto_sort(&p[0][0], 6, 2, v, rank, &nf), 0);
    /* Feasible: (1,4) (3,3) (5,2) non-dominated among themselves, (6,6) behind them. */
    const size_t want_c[6] = {0, 3, 2, 0, 0, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(rank[i], want_c[i]);
    assert_int_equal(nf, 4);
}

static void crowding_hand_case(void **state)
{
    (void)state;
    /* Front (0,4) (1,2) (3,1) (4,0): ranges 4 and 4. Ends inf; (1,2): (3-0)/4 + (4-1)/4
     * = 1.5; (3,1): (4-1)/4 + (2-0)/4 = 1.25. */
    const double p[4][2] = {{0, 4}, {1, 2}, {3, 1}, {4, 0}};
    const size_t idx[4] = {2, 0, 3, 1};
    double d[4];
    assert_int_equal(knob__pareto_crowding(&p[0][0], 2, idx, 4, d), 0);
    assert_true(d[0] == 1.25);
    assert_true(isinf(d[1]) && isinf(d[2]));
    assert_true(d[3] == 1.5);
    /* An objective where all are equal adds nothing. */
    const double q[3][2] = {{1, 5}, {2, 5}, {3, 5}};
    const size_t all[3] = {0, 1, 2};
    assert_int_equal(knob__pareto_crowding(&q[0][0], 2, all, 3, d), 0);
    assert_true(isinf(d[0]) && d[1] == 1 && isinf(d[2]));
}

/* An objective whose range passes the largest double (-DBL_MAX to DBL_MAX): the gaps are
 * over that range still (halved both), not over 1, where every gap beside an extreme was
 * DBL_MAX and two of them made an inner point's distance infinite, as the ends'. */
static void crowding_range_beyond_double(void **state)
{
    (void)state;
    const double p[5][2] = {{-1, 1}, {-DBL_MAX, DBL_MAX}, {0, 0}, {DBL_MAX, -DBL_MAX}, {1, -1}};
    const size_t all[5] = {0, 1, 2, 3, 4};
    double d[5];
    assert_int_equal(knob__pareto_crowding(&p[0][0], 2, all, 5, d), 0);
    assert_true(isinf(d[1]) && isinf(d[3]));
    for (int i = 0; i < 5; i += 2)
        if (!(isfinite(d[i]) && d[i] > 0 && d[i] <= 2))
            fail_msg("point %d: crowding distance %g", i, d[i]);
    assert_true(d[0] == 1 && d[4] == 1); /* (0 - -DBL_MAX) / (2 DBL_MAX), twice */
}

static double hv(const double *p, size_t n, size_t m, const double *ref)
{
    double out = -1;
    assert_int_equal(knob__hv(p, n, m, ref, &out), 0);
    return out;
}

static void hv_exact_values(void **state)
{
    (void)state;
    const double p2[3][2] = {{1, 3}, {2, 2}, {3, 1}}, r2[2] = {4, 4};
    assert_true(hv(&p2[0][0], 3, 2, r2) == 6);
    /* A point on the reference's boundary adds nothing; one beyond it neither. */
    const double e[2][2] = {{4, 0}, {5, -1}};
    assert_true(hv(&e[0][0], 2, 2, r2) == 0);
    const double one[1] = {0.25}, r1[1] = {1};
    assert_true(hv(one, 1, 1, r1) == 0.75);
    /* 3-D: (0,1,1) (1,0,1) (1,1,0) below (2,2,2): three boxes of 2, each pair and the
     * three together meeting in the unit cube [1,2)^3: 6 - 3 + 1 = 4. */
    const double p3[3][3] = {{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}, r3[3] = {2, 2, 2};
    assert_true(hv(&p3[0][0], 3, 3, r3) == 4);
    /* The same in 4-D with a fourth coordinate 0 and ref 1 there: 4 again (WFG). */
    const double p4[3][4] = {{0, 1, 1, 0}, {1, 0, 1, 0}, {1, 1, 0, 0}}, r4[4] = {2, 2, 2, 1};
    assert_true(hv(&p4[0][0], 3, 4, r4) == 4);
    /* The unit vectors e_i of 4-D below (2,2,2,2): each box 1*2*2*2 = 8, pairs 4, triples
     * 2, all four 1: 4*8 - 6*4 + 4*2 - 1 = 15. */
    double s4[4][4] = {{0}}, ref2[4] = {2, 2, 2, 2};
    for (int i = 0; i < 4; i++)
        s4[i][i] = 1;
    assert_true(hv(&s4[0][0], 4, 4, ref2) == 15);
}

/* The independent check: the union of boxes by inclusion-exclusion over every subset. */
static double inclusion_exclusion(const double *p, size_t n, size_t m, const double *ref)
{
    double total = 0;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        double box = 1;
        int bits = 0;
        for (size_t j = 0; j < m; j++) {
            double hi = -INFINITY;
            for (size_t i = 0; i < n; i++)
                if (mask & (1u << i))
                    hi = fmax(hi, p[i * m + j]);
            box *= fmax(ref[j] - hi, 0);
        }
        for (size_t i = 0; i < n; i++)
            bits += (mask >> i) & 1;
        total += bits % 2 ? box : -box;
    }
    return total;
}

static void hv_random_sets(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 7);
    double p[10 * 5], ref[5];
    for (int trial = 0; trial < 200; trial++) {
        size_t m = 2 + (size_t)trial % 4, n = 1 + knob_rng_below(&r, 10);
        for (size_t j = 0; j < m; j++)
            ref[j] = 1;
        for (size_t i = 0; i < n * m; i++)
            /* A coarse grid makes ties and duplicates common; some points fall beyond. */
            p[i] = (double)knob_rng_below(&r, 12) / 10;
        double want = 0;
        double q[10 * 5];
        size_t c = 0;
        for (size_t i = 0; i < n; i++) {
            bool below = true;
            for (size_t j = 0; j < m; j++)
                below = below && p[i * m + j] < ref[j];
            if (below)
                memcpy(q + c++ * m, p + i * m, m * sizeof *p);
        }
        want = c ? inclusion_exclusion(q, c, m, ref) : 0;
        double got = hv(p, n, m, ref);
        if (fabs(got - want) > 1e-12)
            fail_msg("case %d (n %zu, m %zu): hv %.17g, inclusion-exclusion %.17g", trial, n, m,
                     got, want);
    }
}

/* Many objectives (4 to 10) and fronts of up to 60 points on an integer grid, where the
 * hypervolume is the count of unit cells some point dominates: checks the WFG recursion,
 * which drops one objective per level, against that count. */
static void hv_many_objectives_cells(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 11);
    static double p[60 * 10];
    double ref[10];
    for (int trial = 0; trial < 28; trial++) {
        size_t m = 4 + (size_t)trial % 7, n = 20 + knob_rng_below(&r, 41);
        int k = m <= 5 ? 6 : m <= 7 ? 4 : 3; /* grid values 0..k-1, the reference k */
        for (size_t j = 0; j < m; j++)
            ref[j] = k;
        for (size_t i = 0; i < n * m; i++)
            p[i] = (double)knob_rng_below(&r, (uint64_t)k);
        size_t cells = 1;
        for (size_t j = 0; j < m; j++)
            cells *= (size_t)k;
        double want = 0;
        for (size_t c = 0; c < cells; c++) {
            for (size_t i = 0; i < n; i++) {
                size_t rest = c, j = 0;
                for (; j < m; j++, rest /= (size_t)k)
                    if (p[i * m + j] > (double)(rest % (size_t)k))
                        break;
                if (j == m) {
                    want++;
                    break;
                }
            }
        }
        double got = hv(p, n, m, ref);
        if (got != want)
            fail_msg("case %d (n %zu, m %zu): hv %.17g, cells %.17g", trial, n, m, got, want);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(dominance),
    cmocka_unit_test(sort_hand_case),
    cmocka_unit_test(crowding_hand_case),
    cmocka_unit_test(hv_exact_values),
    cmocka_unit_test(hv_random_sets),
    cmocka_unit_test(hv_many_objectives_cells),
    cmocka_unit_test(crowding_range_beyond_double),
};

KNOB_TEST_MAIN(tests)
