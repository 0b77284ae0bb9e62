/* The constraints' text: knob_trial_set_constraints writes each value with 17 significant
 * digits (no shortest search, no JSON check) and the view counts a trial's constraints
 * without strtod; the values must read back bit for bit and the counts agree with the
 * parse on any text, valid JSON or not. */
#include "testutil.h"
#include "internal.h"
#include "knob.h"
#include "util/json.h"

#include <float.h>
#include <math.h>

#define OK KNOB_TEST_OK

/* Values that need 17 digits, the extremes of the doubles, integers, signed zeros and an
 * infinity (written 1e999, -1e999: JSON numbers that read back as one). */
static const double values[] = {0.1 + 0.2,
                                1.0 / 3,
                                -2.0 / 3,
                                0.1,
                                -25,
                                7.7,
                                1e300,
                                -1e-300,
                                DBL_MAX,
                                DBL_MIN,
                                4.9406564584124654e-324,
                                -0.0,
                                0,
                                9007199254740993.0,
                                -9007199254740992.0,
                                123456789.125,
                                INFINITY};
#define N_VALUES (sizeof values / sizeof *values)

static void read_back_exactly(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    OK(knob_storage_open("memory:", &st));
    knob_study_options o = {0};
    OK(knob_study_create(st, "c", &o, &s));
    for (size_t k = 0; k < N_VALUES; k++) {
        OK(knob_study_ask(s, &t));
        double one[2] = {values[k], -values[k]}, y = (double)k;
        OK(knob_trial_set_constraints(t, one, 2));
        OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1));
    }
    const knob_trial_info *const *tr;
    size_t n;
    OK(knob_study_trials(s, &tr, &n));
    assert_int_equal(n, N_VALUES);
    for (size_t k = 0; k < N_VALUES; k++) {
        assert_int_equal(tr[k]->n_constraints, 2);
        for (size_t i = 0; i < 2; i++) {
            double v = i ? -values[k] : values[k];
            if (memcmp(&tr[k]->constraints[i], &v, sizeof v))
                fail_msg("trial %zu, constraint %zu: %.17g read back as %.17g", k, i, v,
                         tr[k]->constraints[i]);
        }
        const char *text = knob_trial_info_attr(tr[k], "constraints", true);
        assert_non_null(text);
        assert_int_equal(knobx_json_check(text), 0);
    }
    /* feasibility follows the values: a trial (v, -v) is feasible for v = 0 only, so the
     * best is the lower of trials 11 (-0 and 0) and 12 (0 and -0) */
    const knob_trial_info *best;
    OK(knob_study_best_trial(s, &best));
    assert_int_equal(best->number, 11);
    knob_study_free(s);
    /* all seventeen on one trial (a text longer than one value's) */
    OK(knob_study_create(st, "c16", &o, &s));
    OK(knob_study_ask(s, &t));
    OK(knob_trial_set_constraints(t, values, N_VALUES));
    double y = 1;
    OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1));
    OK(knob_study_trials(s, &tr, &n));
    assert_int_equal(tr[0]->n_constraints, N_VALUES);
    assert_memory_equal(tr[0]->constraints, values, sizeof values);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Counting (out NULL) and parsing give the same number of elements on every text. */
static void count_as_parse(void **state)
{
    (void)state;
    const char *texts[] = {"[]",
                           "[1]",
                           "[ 1 , 2 ]",
                           "[-0.5e+3,2E-7,0,-0]",
                           "[1,]",
                           "[1e,2]",
                           "[1.,2]",
                           "[01,2]",
                           "[1-2,3]",
                           "[--1,2]",
                           "[1,\"a\",[2,3],{\"b\":[4]},5]",
                           "[1 2]",
                           "[0x10,1]",
                           "[inf,1]",
                           "[nan]",
                           "[1e5 ,2]",
                           "[1\n,\t2\r]",
                           "[-]",
                           "[.5,1]",
                           "[1e+,2]",
                           "[1e-3]",
                           "not a list",
                           "[",
                           "[1",
                           "[1,2",
                           "[\"x,y\",3]",
                           "[12345678901234567890123,1]"};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        double out[16];
        size_t counted = knob__constraints_parse(texts[k], NULL, 0);
        size_t parsed = knob__constraints_parse(texts[k], out, 16);
        if (counted != parsed)
            fail_msg("'%s': counted %zu, parsed %zu", texts[k], counted, parsed);
    }
    double out[4];
    assert_int_equal(knob__constraints_parse("[-0.5e+3, 2E-7]", out, 4), 2);
    assert_true(out[0] == -500 && out[1] == 2e-7);
}

/* knob_study_set_trial_constraints: a trial asked by one handle (detached, as knob ask
 * leaves it) gets its constraints through another, by number, before its tell. */
static void set_by_number(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s, *s2;
    knob_trial *t;
    OK(knob_storage_open("memory:", &st));
    knob_study_options o = {0};
    OK(knob_study_create(st, "n", &o, &s));
    for (int k = 0; k < 3; k++) {
        OK(knob_study_ask(s, &t));
        knob_trial_detach(t);
    }
    OK(knob_study_load(st, "n", &o, &s2));
    double bad[2] = {0.5, -1}, good[2] = {-1, 0}, y0 = 0, y1 = 1;
    OK(knob_study_set_trial_constraints(s2, 0, bad, 2));
    OK(knob_study_set_trial_constraints(s2, 0, bad, 2)); /* again: replaces */
    OK(knob_study_tell_number(s2, 0, KNOB_TRIAL_COMPLETE, &y0, 1, NULL));
    OK(knob_study_set_trial_constraints(s2, 1, good, 2));
    OK(knob_study_tell_number(s2, 1, KNOB_TRIAL_COMPLETE, &y1, 1, NULL));
    /* a count other than the earlier trials', a NaN, a finished trial, no such trial */
    double nan2[2] = {NAN, 0};
    assert_int_equal(knob_study_set_trial_constraints(s2, 2, good, 1), KNOB_EINVAL);
    assert_int_equal(knob_study_set_trial_constraints(s2, 2, nan2, 2), KNOB_EINVAL);
    assert_int_equal(knob_study_set_trial_constraints(s2, 0, good, 2), KNOB_ESTATE);
    assert_int_equal(knob_study_set_trial_constraints(s2, 9, good, 2), KNOB_ENOTFOUND);
    assert_int_equal(knob_study_set_trial_constraints(NULL, 0, good, 2), KNOB_EINVAL);
    assert_int_equal(knob_study_set_trial_constraints(s2, 2, good, 0), KNOB_EINVAL);
    /* trial 0 is infeasible: the best is trial 1 though its value is worse, in either
     * handle */
    const knob_trial_info *best;
    OK(knob_study_best_trial(s, &best));
    assert_int_equal(best->number, 1);
    OK(knob_study_best_trial(s2, &best));
    assert_int_equal(best->number, 1);
    const knob_trial_info *const *tr;
    size_t n;
    OK(knob_study_trials(s, &tr, &n));
    assert_int_equal(tr[0]->n_constraints, 2);
    assert_true(tr[0]->constraints[0] == 0.5 && tr[0]->constraints[1] == -1);
    assert_false(knob_trial_info_feasible(tr[0]));
    assert_int_equal(tr[2]->n_constraints, 0);
    knob_study_free(s2);
    knob_study_free(s);
    knob_storage_close(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(read_back_exactly),
    cmocka_unit_test(count_as_parse),
    cmocka_unit_test(set_by_number),
};

KNOB_TEST_MAIN(tests)
