/* The Cholesky factor and triangular solves (math/chol.h). */
#include "testutil.h"

#include "math/chol.h"
#include "math/status.h"

#include <math.h>
#include <string.h>

/* A = [[4, 2, -2], [2, 10, 1], [-2, 1, 6]]: L L^T gives A back, the upper triangle is zero,
 * and the two solves give x with A x = b. */
static void factor_and_solve(void **state)
{
    (void)state;
    const double A[9] = {4, 2, -2, 2, 10, 1, -2, 1, 6}, b[3] = {1, -2, 3};
    double L[9], x[3];
    memcpy(L, A, sizeof L);
    assert_int_equal(knob__chol(L, 3), KNOB__MATH_OK);
    assert_true(fabs(L[0] - 2) < 1e-15 && fabs(L[3] - 1) < 1e-15 && fabs(L[4] - 3) < 1e-15);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double v = 0;
            for (int k = 0; k < 3; k++)
                v += L[i * 3 + k] * L[j * 3 + k];
            assert_true(fabs(v - A[i * 3 + j]) < 1e-12);
            if (j > i)
                assert_true(L[i * 3 + j] == 0);
        }
    memcpy(x, b, sizeof x);
    knob__chol_forward(L, 3, x);
    knob__chol_backward(L, 3, x);
    for (int i = 0; i < 3; i++) {
        double v = 0;
        for (int k = 0; k < 3; k++)
            v += A[i * 3 + k] * x[k];
        assert_true(fabs(v - b[i]) < 1e-12);
    }
}

/* An indefinite matrix and a singular one are refused. */
static void not_positive_definite(void **state)
{
    (void)state;
    double indefinite[4] = {1, 2, 2, 1}, singular[4] = {1, 1, 1, 1};
    assert_int_equal(knob__chol(indefinite, 2), KNOB__MATH_ENOTPD);
    assert_int_equal(knob__chol(singular, 2), KNOB__MATH_ENOTPD);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(factor_and_solve),
        cmocka_unit_test(not_positive_definite),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
