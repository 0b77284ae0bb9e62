/* The 2-D staircase (src/math/stair.c): the area each added point adds, against a count of
 * the unit cells of an integer grid that the boxes cover; which points it keeps. */
#include "testutil.h"
#include "knob.h"
#include "math/stair.h"

#include <math.h>
#include <string.h>

#define K 24 /* grid values 0..K-1; the reference K in both */

static void areas_against_cells(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 3);
    static bool cell[K][K];
    double pts[2 * 300];
    const double ref[2] = {K, K};
    for (int round = 0; round < 300; round++) {
        size_t n = 1 + knob_rng_below(&r, 300);
        int levels = 1 + (int)knob_rng_below(&r, K); /* few levels: ties and duplicates */
        for (size_t i = 0; i < 2 * n; i++)
            pts[i] = (double)(K - levels + (int)knob_rng_below(&r, (uint64_t)levels));
        knob__stair t;
        assert_int_equal(knob__stair_init(&t, pts, n), 0);
        memset(cell, 0, sizeof cell);
        size_t covered = 0;
        for (size_t i = 0; i < n; i++) {
            size_t before = covered;
            for (int x = (int)pts[2 * i]; x < K; x++)
                for (int y = (int)pts[2 * i + 1]; y < K; y++)
                    if (!cell[x][y]) {
                        cell[x][y] = true;
                        covered++;
                    }
            double add = knob__stair_add(&t, i, ref);
            if (add != (double)(covered - before))
                fail_msg("round %d, point %zu of %zu (%g, %g): adds %g, cells %zu", round, i, n,
                         pts[2 * i], pts[2 * i + 1], add, covered - before);
        }
        knob__stair_free(&t);
    }
}

/* Points on or past the reference add nothing; a box past the largest double adds inf; an
 * empty staircase is made and freed. */
static void edges(void **state)
{
    (void)state;
    const double pts[5 * 2] = {1, 5, 5, 1, 0, 0, -INFINITY, 3, 2, 2};
    const double ref[2] = {5, 5};
    knob__stair t;
    assert_int_equal(knob__stair_init(&t, pts, 5), 0);
    assert_true(knob__stair_add(&t, 0, ref) == 0); /* on the reference's y */
    assert_true(knob__stair_add(&t, 1, ref) == 0); /* on its x */
    assert_true(knob__stair_add(&t, 4, ref) == 9);
    assert_true(knob__stair_add(&t, 2, ref) == 16); /* covers (2, 2) */
    assert_true(isinf(knob__stair_add(&t, 3, ref)));
    knob__stair_free(&t);
    assert_int_equal(knob__stair_init(&t, pts, 0), 0);
    knob__stair_free(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(areas_against_cells),
    cmocka_unit_test(edges),
};

KNOB_TEST_MAIN(tests)
