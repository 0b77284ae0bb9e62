/* The hypervolume history (src/math/hv_history.c) and the 3-D sweep of knob__hv, against a
 * count of the unit cells of an integer grid that the boxes of the points so far cover. */
#include "testutil.h"
#include "knob.h"
#include "math/hypervolume.h"

#include <math.h>
#include <string.h>

/* The cells of the grid 0..k-1 in each of m objectives that p's box [p, k) holds, marked in
 * cell (k^m of them); returns how many were not marked before. */
static size_t mark(bool *cell, const double *p, size_t m, int k)
{
    size_t total = 1, added = 0;
    for (size_t j = 0; j < m; j++)
        total *= (size_t)k;
    for (size_t c = 0; c < total; c++) {
        size_t rest = c;
        bool in = true;
        for (size_t j = 0; j < m && in; j++, rest /= (size_t)k)
            in = (double)(rest % (size_t)k) >= p[j];
        if (in && !cell[c]) {
            cell[c] = true;
            added++;
        }
    }
    return added;
}

static void history_against_cells(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 5);
    static bool cell[16 * 16 * 16 * 16];
    static double pts[200 * 4], out[200];
    static bool use[200];
    for (int round = 0; round < 240; round++) {
        size_t m = 2 + (size_t)round % 3, n = 1 + knob_rng_below(&r, m == 4 ? 60 : 200);
        int k = m == 4 ? 8 : 16, levels = 1 + (int)knob_rng_below(&r, (uint64_t)k);
        double ref[4];
        for (size_t j = 0; j < m; j++)
            ref[j] = k;
        for (size_t i = 0; i < n; i++) {
            use[i] = knob_rng_below(&r, 8) != 0;
            for (size_t j = 0; j < m; j++) {
                uint64_t u = knob_rng_below(&r, 50);
                /* a few points on or past the reference, a few with a NaN */
                pts[i * m + j] =
                    u == 0   ? NAN
                    : u == 1 ? k + (double)knob_rng_below(&r, 2)
                             : (double)(k - levels + (int)knob_rng_below(&r, (uint64_t)levels));
            }
        }
        assert_int_equal(knob__hv_history(pts, use, n, m, ref, out), 0);
        memset(cell, 0, sizeof cell);
        size_t covered = 0;
        for (size_t i = 0; i < n; i++) {
            bool nan = false;
            for (size_t j = 0; j < m; j++)
                nan |= isnan(pts[i * m + j]);
            if (use[i] && !nan)
                covered += mark(cell, pts + i * m, m, k);
            if (out[i] != (double)covered)
                fail_msg("round %d (m %zu, n %zu), after point %zu: %.17g, cells %zu", round, m, n,
                         i, out[i], covered);
        }
        /* knob__hv of every counted point: the last value */
        double all = -1;
        size_t c = 0;
        static double q[200 * 4];
        for (size_t i = 0; i < n; i++) {
            bool nan = false;
            for (size_t j = 0; j < m; j++)
                nan |= isnan(pts[i * m + j]);
            if (use[i] && !nan)
                memcpy(q + c++ * m, pts + i * m, m * sizeof *q);
        }
        assert_int_equal(knob__hv(q, c, m, ref, &all), 0);
        if (all != (double)covered)
            fail_msg("round %d (m %zu, n %zu): knob__hv %.17g, cells %zu", round, m, n, all,
                     covered);
    }
}

/* 3 objectives, a large front: points on a sphere (each the front's, until a later one
 * nearer the origin in every objective comes), some behind it, in the order drawn. After each
 * point the history is knob__hv of the points so far, to 1e-12 relative: each point's gain
 * reads the front near it only (the points below it in two objectives cover a slab). */
static void history_of_a_sphere(void **state)
{
    (void)state;
    enum { N = 500 };
    static double pts[N * 3], out[N], q[N * 3];
    static bool use[N];
    knob_rng r;
    knob_rng_seed(&r, 9);
    double ref[3] = {1.1, 1.1, 1.1};
    for (size_t i = 0; i < N; i++) {
        double v[3], l = 0;
        for (int j = 0; j < 3; j++)
            v[j] = -log(knob_rng_uniform(&r) + 1e-300), l += v[j] * v[j];
        for (int j = 0; j < 3; j++)
            pts[3 * i + j] = 1 - v[j] / sqrt(l) + (i % 4 == 3 ? 0.03 * knob_rng_uniform(&r) : 0);
        use[i] = i % 9 != 4;
    }
    assert_int_equal(knob__hv_history(pts, use, N, 3, ref, out), 0);
    size_t c = 0;
    for (size_t i = 0; i < N; i++) {
        if (use[i])
            memcpy(q + 3 * c++, pts + 3 * i, 3 * sizeof *q);
        double all = 0;
        assert_int_equal(knob__hv(q, c, 3, ref, &all), 0);
        if (!(fabs(out[i] - all) <= 1e-12 * all))
            fail_msg("after point %zu: %.17g, knob__hv %.17g", i, out[i], all);
    }
}

/* A box past the largest double: inf from there on, never NaN. */
static void history_to_inf(void **state)
{
    (void)state;
    for (size_t m = 2; m <= 4; m++) {
        double pts[3 * 4], out[3], ref[4];
        bool use[3] = {true, true, true};
        for (size_t j = 0; j < m; j++) {
            ref[j] = 1;
            pts[j] = 0, pts[m + j] = -1e308, pts[2 * m + j] = -0.5;
        }
        pts[m] = -INFINITY;
        assert_int_equal(knob__hv_history(pts, use, 3, m, ref, out), 0);
        assert_true(out[0] == 1);
        assert_true(isinf(out[1]) && out[1] > 0);
        assert_true(isinf(out[2]) && out[2] > 0);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(history_against_cells),
    cmocka_unit_test(history_to_inf),
    cmocka_unit_test(history_of_a_sphere),
};

KNOB_TEST_MAIN(tests)
