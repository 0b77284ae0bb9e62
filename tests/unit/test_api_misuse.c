/* The public C API used carelessly: NULLs, NaNs, extreme steps, calls in the wrong
 * state. Each is refused with a code and a message naming what was wrong, or has a
 * stated meaning; none crashes or corrupts the study. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

static knob_storage *st;
static knob_study *s;

static int open_study(void **state)
{
    (void)state;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "misuse", NULL, &s), KNOB_OK);
    return 0;
}

static int close_study(void **state)
{
    (void)state;
    knob_study_free(s);
    knob_storage_close(st);
    s = NULL;
    st = NULL;
    return 0;
}

/* An int distribution with a NaN or infinite bound passed every check (NaN compares
 * false) and reached the sampler. */
static void int_bounds_must_be_finite(void **state)
{
    (void)state;
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    const double bad[][2] = {{NAN, 10}, {0, NAN}, {-INFINITY, 10}, {0, INFINITY}, {NAN, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        knob_distribution d = {
            .kind = KNOB_DIST_INT, .low = bad[i][0], .high = bad[i][1], .step = 1};
        double x = 42;
        assert_int_equal(knob_trial_suggest(t, "n", &d, &x), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "param 'n'"));
        assert_non_null(strstr(knob_errmsg(), "finite"));
        assert_true(x == 42);
    }
    assert_int_equal(knob_trial_n_params(t), 0);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(int_bounds_must_be_finite, open_study, close_study),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
