/* The merge grid's running sums (math/tpe_cells.h): the merged kernels they give equal the
 * direct weighted means and sums of the bad observations, and sums read in several parts
 * equal sums read at once, bit for bit. */
#include "testutil.h"
#include "knob.h"
#include "math/tpe_cells.h"
#include "math/tpe_parzen.h"

#include <math.h>

#define CELLS KNOB__TPE_CELLS

/* n values on [-5, 10]: half of them in a narrow bump, the rest below 9, some at the
 * ends. */
static void values(double *y, size_t n)
{
    knob_rng r;
    knob_rng_seed(&r, 7);
    for (size_t i = 0; i < n; i++)
        y[i] = i % 97 == 0 ? (i % 2 ? 10.0 : -5.0)
               : i % 2     ? knob_rng_uniform(&r) * 14 - 5
                           : fmin(fmax(3 + 0.3 * knob_rng_normal(&r), -5), 10);
}

/* The weight of position j of v (tpe_cells.h): the ramp over all positions, then 1. */
static double ramp(size_t j, size_t v)
{
    double lo = 1.0 / (double)v;
    return j + 26 >= v ? 1 : lo + (double)j * (1 - lo) / (double)(v - 26);
}

static size_t cell(double y)
{
    double x = (y + 5) * (CELLS / 15.0);
    return x <= 0 ? 0 : x >= CELLS - 1 ? CELLS - 1 : (size_t)x;
}

static void tpe_cells_merge_matches_direct(void **state)
{
    (void)state;
    size_t n = 6000;
    double *y = malloc(n * sizeof *y), *sw = calloc(CELLS, sizeof *sw),
           *swy = calloc(CELLS, sizeof *swy);
    bool *good = calloc(n, sizeof *good);
    values(y, n);
    y[40] = y[41] = 9.5; /* good, alone in their cell: it gets no kernel */
    /* good ones: old, recent and among the last 26 */
    size_t goods[] = {3, 40, 41, 1000, 2500, 5980, 5990, 5999};
    size_t ng = sizeof goods / sizeof *goods;
    knob__tpe_cells c = {0};
    assert_int_equal(knob__tpe_cells_reset(&c, -5, 10), 0);
    for (size_t i = 0; i < n; i++)
        knob__tpe_cells_add(&c, y[i]);
    assert_int_equal(c.n, n);
    knob__tpe_cell_obs special[64];
    size_t ns = 0;
    for (size_t k = 0; k < ng; k++)
        good[goods[k]] = true;
    for (size_t i = 0; i < n; i++)
        if (good[i] || i + 26 >= n)
            special[ns++] = (knob__tpe_cell_obs){i, y[i], good[i]};
    for (size_t i = 0; i < n; i++) {
        if (good[i])
            continue;
        sw[cell(y[i])] += ramp(i, n);
        swy[cell(y[i])] += ramp(i, n) * y[i];
    }
    double *my = malloc(2 * CELLS * sizeof *my), *mw = malloc(CELLS * sizeof *mw);
    size_t k = knob__tpe_cells_merge(&c, special, ns, 10, my, mw);
    size_t at = 0;
    for (size_t j = 0; j < CELLS; j++) {
        if (sw[j] == 0)
            continue;
        assert_true(at < k);
        double mean = fmin(fmax(swy[j] / sw[j], -5), 10);
        if (fabs(my[at] - mean) > 1e-9 || fabs(mw[at] - sw[j]) > 1e-9 * sw[j])
            fail_msg("cell %zu: mean %.17g (direct %.17g), weight %.17g (direct %.17g)", j, my[at],
                     mean, mw[at], sw[j]);
        at++;
    }
    assert_int_equal(at, k);
    for (size_t j = 0; j < k; j++)
        assert_true(my[j] != 9.5);
    knob__tpe_cells_free(&c);
    free(y);
    free(sw);
    free(swy);
    free(good);
    free(my);
    free(mw);
}

/* Sums read at once, and read in parts (a copy taken between them, as the sampler keeps
 * its frozen part and adds the rest to a copy), are the same bits. */
static void tpe_cells_parts_equal_whole(void **state)
{
    (void)state;
    size_t n = 3000;
    double *y = malloc(n * sizeof *y);
    values(y, n);
    knob__tpe_cells whole = {0}, part = {0}, copy = {0};
    assert_int_equal(knob__tpe_cells_reset(&whole, -5, 10), 0);
    assert_int_equal(knob__tpe_cells_reset(&part, -5, 10), 0);
    for (size_t i = 0; i < n; i++)
        knob__tpe_cells_add(&whole, y[i]);
    size_t cut = 0;
    for (size_t step = 1; cut < n; step = step * 3 + 1) {
        size_t end = cut + step < n ? cut + step : n;
        for (; cut < end; cut++)
            knob__tpe_cells_add(&part, y[cut]);
        assert_int_equal(knob__tpe_cells_copy(&copy, &part), 0);
    }
    assert_int_equal(copy.n, whole.n);
    assert_memory_equal(copy.sum, whole.sum, 4 * CELLS * sizeof *whole.sum);
    knob__tpe_cells_free(&whole);
    knob__tpe_cells_free(&part);
    knob__tpe_cells_free(&copy);
    free(y);
}

/* A categorical's choices each have a cell of their own (the grid over [-0.5, n - 0.5]):
 * the merged kernels fit the same probabilities as the bad observations one by one, with
 * the same weights, up to rounding. */
static void tpe_cells_categorical_matches_direct(void **state)
{
    (void)state;
    size_t n = 5000, nc = 7, nb = 0;
    double *y = malloc(n * sizeof *y), *yb = malloc(n * sizeof *yb), *wb = malloc(n * sizeof *wb);
    bool *good = calloc(n, sizeof *good);
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (size_t i = 0; i < n; i++) /* choice 5 never, choice 6 once (good) */
        y[i] = i == 77 ? 6 : (double)(knob_rng_below(&r, 5) == 4 ? 2 : knob_rng_below(&r, 5));
    size_t goods[] = {3, 77, 1000, 4990, 4999};
    for (size_t k = 0; k < sizeof goods / sizeof *goods; k++)
        good[goods[k]] = true;
    knob__tpe_cells c = {0};
    assert_int_equal(knob__tpe_cells_reset(&c, -0.5, (double)nc - 0.5), 0);
    knob__tpe_cell_obs special[64];
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        knob__tpe_cells_add(&c, y[i]);
        if (good[i] || i + 26 >= n)
            special[ns++] = (knob__tpe_cell_obs){i, y[i], good[i]};
        if (!good[i]) {
            yb[nb] = y[i];
            wb[nb++] = ramp(i, n);
        }
    }
    double *my = malloc(2 * CELLS * sizeof *my), *mw = malloc(CELLS * sizeof *mw);
    size_t k = knob__tpe_cells_merge(&c, special, ns, (double)nc - 0.5, my, mw);
    assert_int_equal(k, 5); /* choices 0 to 4 */
    for (size_t j = 0; j < k; j++) {
        assert_true(fabs(my[j] - (double)j) < 1e-12);
        my[j] = round(my[j]);
    }
    knob__tpe_settings set = {.prior_weight = 2, .smoothing = 2};
    double direct[7], merged[7];
    knob__tpe_cat_fit(direct, nc, yb, wb, nb, &set);
    knob__tpe_cat_fit_merged(merged, nc, my, mw, k, nb, &set);
    for (size_t j = 0; j < nc; j++)
        if (fabs(merged[j] - direct[j]) > 1e-12 * direct[j])
            fail_msg("choice %zu: %.17g merged, %.17g one by one", j, merged[j], direct[j]);
    knob__tpe_cells_free(&c);
    free(y);
    free(yb);
    free(wb);
    free(good);
    free(my);
    free(mw);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tpe_cells_merge_matches_direct),
        cmocka_unit_test(tpe_cells_parts_equal_whole),
        cmocka_unit_test(tpe_cells_categorical_matches_direct),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
