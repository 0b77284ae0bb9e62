/* The quadratic model's minimizer within a ball (math/quad.h). */
#include "testutil.h"

#include "math/quad.h"
#include "math/status.h"

#include <math.h>

/* q(s) = 1 + (s0 - 0.3)^2 + 2 (s1 + 0.2)^2 + 0.5 (s0 - 0.3)(s1 + 0.2), at n points of a
 * 5 x 5 grid on [-1, 1]^2 (the first n). */
static int grid(double *x, double *y, int n, bool cross)
{
    int k = 0;
    for (int i = 0; i < 5 && k < n; i++)
        for (int j = 0; j < 5 && k < n; j++, k++) {
            double a = -1 + 0.5 * i, b = -1 + 0.5 * j, u = a - 0.3, v = b + 0.2;
            x[2 * k] = a;
            x[2 * k + 1] = b;
            y[k] = 1 + u * u + 2 * v * v + (cross ? 0.5 * u * v : 0);
        }
    return k;
}

/* A full model of an exact quadratic gives its minimizer; a diagonal one of a quadratic
 * without the cross term too; a radius under the minimizer's distance keeps the step in
 * the ball, pointing downhill. */
static void exact_minimizer(void **state)
{
    (void)state;
    double x[50], y[25], s[2];
    int n = grid(x, y, 25, true);
    assert_int_equal(knob__quad_coefs(2, true), 6);
    assert_int_equal(knob__quad_coefs(2, false), 5);
    assert_int_equal(knob__quad_min(x, y, (size_t)n, 2, true, 10, s), KNOB__MATH_OK);
    assert_true(fabs(s[0] - 0.3) < 1e-4 && fabs(s[1] + 0.2) < 1e-4);
    grid(x, y, 25, false);
    assert_int_equal(knob__quad_min(x, y, (size_t)n, 2, false, 10, s), KNOB__MATH_OK);
    assert_true(fabs(s[0] - 0.3) < 1e-4 && fabs(s[1] + 0.2) < 1e-4);
    assert_int_equal(knob__quad_min(x, y, (size_t)n, 2, false, 0.1, s), KNOB__MATH_OK);
    assert_true(hypot(s[0], s[1]) <= 0.1 + 1e-12);
    assert_true(s[0] > 0 && s[1] < 0);
}

/* Too few points for the coefficients (plus 2), or no variable: KNOB__MATH_EDIMS. */
static void too_few_points(void **state)
{
    (void)state;
    double x[50], y[25], s[2];
    grid(x, y, 25, true);
    assert_int_equal(knob__quad_min(x, y, 7, 2, true, 1, s), KNOB__MATH_EDIMS);
    assert_int_equal(knob__quad_min(x, y, 8, 2, true, 1, s), KNOB__MATH_OK);
    assert_int_equal(knob__quad_min(x, y, 8, 0, true, 1, s), KNOB__MATH_EDIMS);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_minimizer),
        cmocka_unit_test(too_few_points),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
