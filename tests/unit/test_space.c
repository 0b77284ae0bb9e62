/* Distributions: checks, canonical JSON, membership, external values. */
#include "testutil.h"
#include "space.h"

#include <math.h>

static knob_distribution fl(double lo, double hi, double step, unsigned flags)
{
    return (knob_distribution){.kind = KNOB_DIST_FLOAT, .low = lo, .high = hi, .step = step,
                               .flags = flags};
}

static knob_distribution in(double lo, double hi, double step, unsigned flags)
{
    return (knob_distribution){.kind = KNOB_DIST_INT, .low = lo, .high = hi, .step = step,
                               .flags = flags};
}

static void rejects_invalid_ranges(void **state)
{
    (void)state;
    knob_distribution d = fl(2, 1, 0, 0);
    assert_int_equal(knob__dist_check(&d, "lr"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'lr'"));
    assert_non_null(strstr(knob_errmsg(), "low must be <= high"));
    d = fl(0, 1, 0, KNOB_LOG);
    assert_int_equal(knob__dist_check(&d, "lr"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "low > 0"));
    d = fl(0.1, 1, 0.1, KNOB_LOG);
    assert_int_equal(knob__dist_check(&d, "lr"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "cannot have a step"));
    d = fl(0, 1, -1, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_EINVAL);
    d = fl(0, 1.0 / 0.0, 0, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_EINVAL);
    d = in(1, 10, 0, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_EINVAL);
    d = in(0, 10, 1, KNOB_LOG);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_EINVAL);
    d = in(1, 10, 2, KNOB_LOG);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_EINVAL);
    knob_distribution c = {.kind = KNOB_DIST_CATEGORICAL};
    assert_int_equal(knob__dist_check(&c, "opt"), KNOB_EINVAL);
    d = fl(0, 1, 0, 4);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_EINVAL);
    d = fl(0, 1, 0, 0);
    assert_int_equal(knob__dist_check(&d, ""), KNOB_EINVAL);
}

static void steps_lower_high(void **state)
{
    (void)state;
    knob_distribution d = fl(0, 1, 0.3, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    assert_true(fabs(d.high - 0.9) < 1e-12);
    d = in(1, 10, 4, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_OK);
    assert_true(d.high == 9);
    assert_true(knob__dist_size(&d) == 3);
    d = fl(0, 1, 0.25, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    assert_true(d.high == 1);
    assert_true(knob__dist_size(&d) == 5);
}

static void json_round_trips(void **state)
{
    (void)state;
    knob_choice ch[] = {{KNOB_CHOICE_STRING, "adam", 0}, {KNOB_CHOICE_NUMBER, NULL, 0.5},
                        {KNOB_CHOICE_BOOL, NULL, 1}, {KNOB_CHOICE_NULL, NULL, 0}};
    knob_distribution ds[] = {fl(1e-5, 1, 0, KNOB_LOG), fl(0, 1, 0.1, 0), in(1, 64, 1, KNOB_LOG),
                              {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 4, .choices = ch}};
    for (size_t i = 0; i < 4; i++) {
        knobx_buf b = {0};
        knob__dist_json(&b, &ds[i]);
        knob_distribution *p = knob__dist_parse(knobx_buf_cstr(&b));
        assert_non_null(p);
        assert_true(knob__dist_equal(p, &ds[i]));
        for (size_t j = 0; j < 4; j++)
            if (j != i)
                assert_false(knob__dist_equal(p, &ds[j]));
        free(p);
        knobx_buf_free(&b);
    }
    assert_null(knob__dist_parse("{\"type\":\"float\"}"));
    assert_null(knob__dist_parse("garbage"));
}

static void membership(void **state)
{
    (void)state;
    knob_distribution d = fl(0, 1, 0.25, 0);
    assert_true(knob__dist_contains(&d, 0.75));
    assert_false(knob__dist_contains(&d, 0.7));
    assert_false(knob__dist_contains(&d, 1.25));
    assert_false(knob__dist_contains(&d, 0.0 / 0.0));
    d = in(2, 10, 2, 0);
    assert_true(knob__dist_contains(&d, 4));
    assert_false(knob__dist_contains(&d, 5));
    assert_false(knob__dist_contains(&d, 4.5));
    assert_true(knob__dist_snap(&d, 4.9) == 4);
    assert_true(knob__dist_snap(&d, 100) == 10);
}

static void external_values(void **state)
{
    (void)state;
    knob_choice ch[] = {{KNOB_CHOICE_STRING, "adam", 0}, {KNOB_CHOICE_NUMBER, NULL, 32},
                        {KNOB_CHOICE_BOOL, NULL, 0}};
    knob_distribution c = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 3, .choices = ch};
    knobx_json *j = knobx_json_parse("[\"adam\", 32, \"32\", false, \"false\", \"sgd\", 1]",
                                     (size_t)-1, NULL, 0);
    double x;
    assert_int_equal(knob__dist_from_external(&c, j->kids[0], &x, "o"), KNOB_OK);
    assert_true(x == 0);
    assert_int_equal(knob__dist_from_external(&c, j->kids[1], &x, "o"), KNOB_OK);
    assert_true(x == 1);
    assert_int_equal(knob__dist_from_external(&c, j->kids[2], &x, "o"), KNOB_OK);
    assert_true(x == 1);
    assert_int_equal(knob__dist_from_external(&c, j->kids[3], &x, "o"), KNOB_OK);
    assert_true(x == 2);
    assert_int_equal(knob__dist_from_external(&c, j->kids[4], &x, "o"), KNOB_OK);
    assert_int_equal(knob__dist_from_external(&c, j->kids[5], &x, "o"), KNOB_EINVAL);
    knob_distribution f = fl(0, 100, 0, 0);
    assert_int_equal(knob__dist_from_external(&f, j->kids[2], &x, "f"), KNOB_OK);
    assert_true(x == 32);
    assert_int_equal(knob__dist_from_external(&f, j->kids[0], &x, "f"), KNOB_EINVAL);
    knobx_json_free(j);

    knob_param p = {"o", &c, 0};
    char buf[32];
    assert_int_equal(knob_param_format(&p, buf, sizeof buf), 6);
    assert_string_equal(buf, "\"adam\"");
    p.internal = 2;
    knob_param_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "false");
    knob_param q = {"f", &f, 0.125};
    knob_param_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "0.125");
    assert_int_equal(knob_param_format(&q, buf, 3), 5);
    assert_string_equal(buf, "0.");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rejects_invalid_ranges),
        cmocka_unit_test(steps_lower_high),
        cmocka_unit_test(json_round_trips),
        cmocka_unit_test(membership),
        cmocka_unit_test(external_values),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
