/* Distributions: checks, canonical JSON, membership, external values. */
#include "testutil.h"
#include "space.h"
#include "samplers/random.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static knob_distribution fl(double lo, double hi, double step, unsigned flags)
{
    return (knob_distribution){
        .kind = KNOB_DIST_FLOAT, .low = lo, .high = hi, .step = step, .flags = flags};
}

static knob_distribution in(double lo, double hi, double step, unsigned flags)
{
    return (knob_distribution){
        .kind = KNOB_DIST_INT, .low = lo, .high = hi, .step = step, .flags = flags};
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

/* An int with a bound between integers ([0.5, 3.5] by 1) was taken, and then every draw
 * (2.5, low plus whole steps) was refused as outside it, the sampler blamed. It is refused
 * at the check, naming the bounds, as a non-integer step is; whole bounds are still taken,
 * -0 and those written as doubles included. */
static void int_bounds_must_be_whole(void **state)
{
    (void)state;
    const double bad[][2] = {{0.5, 3.5}, {0, 3.5}, {0.5, 3}, {-1.25, 2}, {1e-300, 2}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        knob_distribution d = in(bad[i][0], bad[i][1], 1, 0);
        assert_int_equal(knob__dist_check(&d, "i"), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), "param 'i': an int's low and high must be whole numbers"))
            fail_msg("[%g, %g]: %s", bad[i][0], bad[i][1], knob_errmsg());
    }
    knob_distribution d = in(0.5, 3.5, 1, 0);
    assert_int_equal(knob__dist_check(&d, "i"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "got [0.5, 3.5]"));
    d = in(-0.0, 3, 1, 0);
    assert_int_equal(knob__dist_check(&d, "i"), KNOB_OK);
    d = in(-4, 1e15, 3, 0);
    assert_int_equal(knob__dist_check(&d, "i"), KNOB_OK);

    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x = -1;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "ints", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    d = in(0.5, 3.5, 1, 0);
    assert_int_equal(knob_trial_suggest(t, "i", &d, &x), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "whole numbers, got [0.5, 3.5]"));
    assert_true(x == -1);
    d = in(0, 3, 1, 0);
    assert_int_equal(knob_trial_suggest(t, "i", &d, &x), KNOB_OK);
    assert_true(x == floor(x) && x >= 0 && x <= 3);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_trial_suggest_int checks its int64 bounds and step before it converts them to
 * doubles: 2^53 + 1 became 2^53, and a trial drew 2^53 from [2^53 + 1, 2^53 + 1]. */
static void suggest_int_bounds_past_2_53(void **state)
{
    (void)state;
    const int64_t e = INT64_C(9007199254740992); /* 2^53 */
    const int64_t bad[][3] = {{e + 1, e + 1, 1}, {0, e + 1, 1},     {-e - 1, 0, 1},
                              {INT64_MIN, 0, 1}, {0, INT64_MAX, 1}, {-e, e, e + 1}};
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "big", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v = 7;
        assert_int_equal(knob_trial_suggest_int(t, "n", bad[i][0], bad[i][1], bad[i][2], 0, &v),
                         KNOB_EINVAL);
        if (!strstr(knob_errmsg(), "param 'n': an int's low, high and step must be at most 2^53"))
            fail_msg("case %zu: %s", i, knob_errmsg());
        assert_true(v == 7);
    }
    int64_t v;
    assert_int_equal(knob_trial_suggest_int(t, "n", -e, e, 1, 0, &v), KNOB_OK);
    assert_true(v >= -e && v <= e);
    assert_int_equal(knob_trial_suggest_int(t, "m", e, e, 1, 0, &v), KNOB_OK);
    assert_true(v == e);
    double y = 0;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Ranges a double cannot span or step are refused at the check, naming the param (every
 * draw was inf, or off its step, and the sampler was blamed); ints are on their step
 * exactly; a stepped float's top as a user writes it (0.9 of [0, 1] by 0.3) is its top. */
static void ranges_and_steps_a_double_can_hold(void **state)
{
    (void)state;
    knob_distribution d = fl(-1e308, 1e308, 0, 0);
    assert_int_equal(knob__dist_check(&d, "w"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'w'"));
    assert_non_null(strstr(knob_errmsg(), "wider than a double"));
    d = fl(0, 1, 1e-300, 0);
    assert_int_equal(knob__dist_check(&d, "s"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "2^53 steps"));
    d = fl(-1e200, 1e200, 1e-200, 0);
    assert_int_equal(knob__dist_check(&d, "s"), KNOB_EINVAL);
    d = fl(0, 1e15, 1, 0);
    assert_int_equal(knob__dist_check(&d, "ok"), KNOB_OK);

    d = in(-4503599627370496.0, 4503599627370496.0, 3, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_OK);
    assert_false(knob__dist_contains(&d, 3));
    assert_false(knob__dist_contains(&d, 1));
    assert_true(knob__dist_contains(&d, -4503599627370496.0 + 3));
    assert_true(knob__dist_contains(&d, 2)); /* -2^52 + 3k: 2^52 = 1 mod 3 */
    /* bounds 2^54 apart: x - low is not exact in a double (odd differences round), and
     * values on a step were refused */
    d = in(-9007199254740992.0, 9007199254740992.0, 3, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_OK);
    assert_true(knob__dist_contains(&d, 5753284171991521.0)); /* 2^53 + it = 3k */
    assert_true(knob__dist_contains(&d, 4807064520973201.0));
    assert_false(knob__dist_contains(&d, 5753284171991522.0));
    assert_true(knob__dist_contains(&d, -9007199254740992.0 + 3));
    assert_false(knob__dist_contains(&d, 9007199254740992.0)); /* 2^54 = 1 mod 3 */
    assert_true(knob__dist_contains(&d, 9007199254740992.0 - 1));

    d = fl(0, 1, 0.3, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    assert_true(knob__dist_contains(&d, 0.9));
    assert_true(knob__dist_contains(&d, d.high));
    assert_false(knob__dist_contains(&d, 0.91));
    assert_false(knob__dist_contains(&d, 1.2));
    assert_false(knob__dist_contains(&d, -0.3));
    char err[64];
    knobx_json *v = knobx_json_parse("0.9", (size_t)-1, err, sizeof err);
    double x;
    assert_int_equal(knob__dist_from_external(&d, v, &x, "x"), KNOB_OK);
    assert_true(x == d.high);
    assert_true(x == 0.9); /* the decimal: 3 * 0.3 is 0.8999999999999999 */
    knobx_json_free(v);
}

/* A choice that could not be stored and read back as given (an unknown type, a NaN or
 * infinite number, a boolean other than 0 or 1) is refused by the suggest; before, it was
 * stored and every later read of the study failed ("cannot load trial 0"). */
static void rejects_choices_storage_cannot_hold(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("choices.db"));
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "c", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    const knob_choice bad[][2] = {
        {{KNOB_CHOICE_STRING, "a", 0}, {(knob_choice_type)9, "x", 0}},
        {{KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_NUMBER, NULL, NAN}},
        {{KNOB_CHOICE_NUMBER, NULL, 1}, {KNOB_CHOICE_NUMBER, NULL, -INFINITY}},
        {{KNOB_CHOICE_BOOL, NULL, 0}, {KNOB_CHOICE_BOOL, NULL, 2}},
    };
    const char *const what[] = {"unknown type 9", "is nan", "is -inf", "expected 0 or 1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t k = 99;
        assert_int_equal(knob_trial_suggest_choice(t, "c", bad[i], 2, &k), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "param 'c': choice 1 "));
        assert_non_null(strstr(knob_errmsg(), what[i]));
        assert_int_equal(k, 99);
    }
    const knob_choice good[] = {
        {KNOB_CHOICE_BOOL, NULL, 1}, {KNOB_CHOICE_NUMBER, NULL, 2.5}, {KNOB_CHOICE_NULL, NULL, 0}};
    size_t k;
    assert_int_equal(knob_trial_suggest_choice(t, "c", good, 3, &k), KNOB_OK);
    double v = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    knob_study_free(s);
    assert_int_equal(knob_study_load(st, "c", NULL, &s), KNOB_OK);
    const knob_trial_info *const *ts;
    size_t n;
    assert_int_equal(knob_study_trials(s, &ts, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ts[0]->n_params, 1);
    knob_study_free(s);
    knob_storage_close(st);
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

/* Every int of the widest range, [-2^53, 2^53], is drawn (random sampler): the value was
 * the double sum low + k, and k past 2^53 rounded to an even number, so no odd value above
 * 2^52 came up and a quarter of the draws were odd. An ordinary range draws as before, low
 * plus step times the index drawn. */
static void wide_int_ranges_draw_every_int(void **state)
{
    (void)state;
    knob_distribution d = in(-0x1p53, 0x1p53, 1, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_OK);
    knob_rng r;
    knob_rng_seed(&r, 1);
    int odd = 0, odd_high = 0;
    for (int i = 0; i < 2000; i++) {
        double x = knob__random_draw(&r, &d);
        assert_true(x == floor(x) && x >= d.low && x <= d.high);
        odd += fmod(x, 2) != 0;
        odd_high += x > 0x1p52 && fmod(x, 2) != 0;
    }
    if (odd < 900 || odd > 1100 || odd_high < 180)
        fail_msg("%d of 2000 draws odd, %d of them above 2^52 (about 1000 and 250)", odd, odd_high);
    /* the top of a range whose width is no double: 2^53 + 1 values from -2^53 + 1 */
    d = in(-0x1p53 + 1, 0x1p53, 1, 0);
    assert_int_equal(knob__dist_check(&d, "n"), KNOB_OK);
    assert_true(knob__random_at(0x1.fffffffffffffp-1, &d) <= d.high);
    d = in(-5, 7, 3, 0);
    assert_int_equal(knob__dist_check(&d, "m"), KNOB_OK);
    for (uint64_t seed = 0; seed < 50; seed++) {
        knob_rng a, b;
        knob_rng_seed(&a, seed);
        knob_rng_seed(&b, seed);
        assert_true(knob__random_draw(&a, &d) == -5 + 3 * (double)knob_rng_below(&b, 5));
        double u = (double)seed / 50;
        assert_true(knob__random_at(u, &d) == -5 + 3 * floor(u * 5));
    }
}

/* A stepped float's top is never above the high it was given: [0, 0.3] by 0.1 had the top
 * 3 * 0.1 = 0.30000000000000004, and drew it. Every point comes from knob__dist_step_at;
 * the check of a checked distribution changes nothing (a high read back suggests again). */
static void step_points_stay_in_range(void **state)
{
    (void)state;
    knob_distribution d = fl(0, 0.3, 0.1, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    assert_true(d.high == 0.3);
    assert_true(knob__dist_size(&d) == 4);
    assert_true(knob__dist_step_at(&d, 3) == 0.3);
    assert_true(knob__dist_step_at(&d, 1) == 0.1);
    assert_true(knob__dist_contains(&d, 0.3));
    assert_true(knob__dist_snap(&d, 0.30000000000000004) == 0.3);
    assert_true(knob__dist_snap(&d, 1) == 0.3);
    double top = 0;
    for (uint64_t seed = 0; seed < 400; seed++) {
        knob_rng r;
        knob_rng_seed(&r, seed);
        double x = knob__random_draw(&r, &d);
        assert_true(x <= d.high);
        assert_true(knob__dist_contains(&d, x));
        top = fmax(top, x);
        x = knob__random_at(0x1.fffffffffffffp-1, &d);
        assert_true(x == d.high);
    }
    assert_true(top == 0.3);

    /* far from 0 the division rounds: 3 steps of 0.001 from 123456.789 were 2, and the
     * high so lowered, checked again, lost another (1) */
    d = fl(123456.789, 123456.789 + 3 * 0.001, 0.001, 0);
    assert_int_equal(knob__dist_check(&d, "y"), KNOB_OK);
    assert_true(knob__dist_size(&d) == 4);
    knob_distribution again = d;
    assert_int_equal(knob__dist_check(&again, "y"), KNOB_OK);
    assert_true(knob__dist_equal(&again, &d));
    assert_true(knob__dist_size(&again) == 4);
    assert_true(knob__dist_step_at(&d, 3) == d.high);
    assert_true(knob__dist_contains(&d, d.high));
}

/* A stepped float's points are the doubles nearest the decimals a user wrote: 3 steps of
 * 0.1 are 0.3 (low + k * step gave 0.30000000000000004, 6 steps 0.6000000000000001), and
 * from 0.05 by 0.15, 3 steps are 0.5 (0.49999999999999994); a snap of the old values gives
 * the new ones. A step that is no short decimal keeps low + k * step. */
static void step_points_are_decimals(void **state)
{
    (void)state;
    knob_distribution d = fl(0, 0.7, 0.1, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    const double tenths[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    for (int k = 0; k <= 7; k++)
        assert_true(knob__dist_step_at(&d, k) == tenths[k]);
    assert_true(knob__dist_snap(&d, 0.30000000000000004) == 0.3);
    assert_true(knob__dist_snap(&d, 0.6000000000000001) == 0.6);
    assert_true(knob__dist_contains(&d, 0.30000000000000004));

    d = fl(0.05, 0.95, 0.15, 0);
    assert_int_equal(knob__dist_check(&d, "y"), KNOB_OK);
    assert_true(d.high == 0.95);
    assert_true(knob__dist_step_at(&d, 3) == 0.5);
    assert_true(knob__dist_snap(&d, 0.49999999999999994) == 0.5);

    d = fl(-1.25, 2.5, 0.0125, 0); /* 300 steps, each a decimal */
    assert_int_equal(knob__dist_check(&d, "z"), KNOB_OK);
    char text[32];
    for (int k = 0; k <= 300; k++) {
        double x = knob__dist_step_at(&d, k);
        snprintf(text, sizeof text, "%.4f", -1.25 + k * 0.0125);
        assert_true(x == strtod(text, NULL));
    }

    d = fl(0, 1, 1.0 / 3, 0);
    assert_int_equal(knob__dist_check(&d, "t"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 2) == 2 * (1.0 / 3));

    /* a low a rounding away from its decimal: point 0 is low, never the decimal below it */
    d = fl(0.1 + 0.2, 1, 0.1, 0);
    assert_int_equal(knob__dist_check(&d, "u"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 0) == 0.1 + 0.2);
    assert_true(knob__dist_snap(&d, 0.1 + 0.2) >= d.low);
    for (int k = 0; k <= 7; k++) {
        double x = knob__dist_step_at(&d, k);
        assert_true(x >= d.low && x <= d.high && knob__dist_contains(&d, x));
    }

    /* the high an older knob stored for [0, 0.9] by 0.3 (low + 3 step) is the same
     * distribution as the decimal's; another count of steps is not */
    knob_distribution older = fl(0, 0.8999999999999999, 0.3, 0), now = fl(0, 0.9, 0.3, 0);
    assert_int_equal(knob__dist_check(&older, "o"), KNOB_OK);
    assert_int_equal(knob__dist_check(&now, "o"), KNOB_OK);
    assert_true(older.high == 0.8999999999999999 && now.high == 0.9);
    assert_true(knob__dist_equal(&older, &now) && knob__dist_equal(&now, &older));
    knob_distribution shorter = fl(0, 0.6, 0.3, 0), coarser = fl(0, 0.9, 0.45, 0);
    assert_int_equal(knob__dist_check(&shorter, "o"), KNOB_OK);
    assert_int_equal(knob__dist_check(&coarser, "o"), KNOB_OK);
    assert_false(knob__dist_equal(&now, &shorter));
    assert_false(knob__dist_equal(&now, &coarser));
}

/* Steps far from 0: low + k * step, x - low off by the rounding of both (1e8 + 0.1 by 0.1:
 * 1.5e-7 of a step), is still on its step, and snaps to the decimal; a step of up to 22
 * decimal places is the double nearest the decimal (7 steps of 1e-16: 7e-16). */
static void steps_far_from_zero(void **state)
{
    (void)state;
    const double cases[][3] = {{1e7, 1e7 + 0.2, 0.01},
                               {1e8, 1e8 + 2, 0.1},
                               {123456789.123, 123456789.323, 0.001},
                               {1e12, 1e12 + 5, 0.1}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        knob_distribution d = fl(cases[c][0], cases[c][1], cases[c][2], 0);
        assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
        for (int k = 0; k <= 20; k++) {
            double plain = d.low + k * d.step, point = knob__dist_step_at(&d, k);
            if (plain > d.high)
                break;
            assert_true(knob__dist_contains(&d, plain));
            assert_true(knob__dist_contains(&d, point));
            assert_true(knob__dist_snap(&d, plain) == point);
        }
        /* half a step off is not on a step */
        assert_false(knob__dist_contains(&d, d.low + 0.5 * d.step));
    }
    knob_distribution d = fl(1e8, 1e8 + 2, 0.1, 0);
    assert_int_equal(knob__dist_check(&d, "x"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 1) == 100000000.1);
    d = fl(0, 1e-15, 1e-16, 0);
    assert_int_equal(knob__dist_check(&d, "tiny"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 7) == 7e-16);
    /* low * 10^p past 2^40 (1 by 1e-13: 10^13): the decimals as written, not the plain sum
     * 1.2337752296387001; 15 digits and 22 places at most */
    d = fl(1, 2, 1e-13, 0);
    assert_int_equal(knob__dist_check(&d, "p13"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 2337752296387) == 1.2337752296387);
    assert_true(knob__dist_step_at(&d, 1e13) == 2);
    d = fl(5000, 5001, 1e-9, 0);
    assert_int_equal(knob__dist_check(&d, "p9"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 123456789) == 5000.123456789);
    d = fl(0.123456789012345, 1, 1e-15, 0); /* the sum's integer passes 2^53: 128 bits */
    assert_int_equal(knob__dist_check(&d, "p15"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 876543210987655) == 1);
    assert_true(knob__dist_step_at(&d, 5e14) == 0.623456789012345);
    d = in(0x1p52, 0x1p53, 1, 0); /* whole numbers past 2^40: exact sums */
    assert_int_equal(knob__dist_check(&d, "whole"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 3) == 0x1p52 + 3);
    /* 1/3 by 1/7: decimals as Python writes them, 0.3333333333333333 by 0.14285714285714285,
     * as Python's FloatDistribution reads them (Decimal(str(step))): 2 steps are
     * 0.619047619047619 (the plain sum 0.6190476190476191), 10 steps 1.7619047619047619 */
    d = fl(1.0 / 3, 2, 1.0 / 7, 0);
    assert_int_equal(knob__dist_check(&d, "seventh"), KNOB_OK);
    assert_true(knob__dist_step_at(&d, 2) == 0.619047619047619);
    assert_true(knob__dist_step_at(&d, 10) == 1.7619047619047619);
    d = fl(0, 1, 0.3333333333333333, 0);
    assert_int_equal(knob__dist_check(&d, "third"), KNOB_OK);
    assert_true(d.high == 0.9999999999999999);
    /* a step of more places than 22 (2^-80) keeps the plain sum at every point */
    d = fl(1.0 / 3 * 1e-22, 1e-22, 0x1p-80, 0);
    assert_int_equal(knob__dist_check(&d, "fine"), KNOB_OK);
    for (int k = 0; k <= 10; k++)
        assert_true(knob__dist_step_at(&d, k) == d.low + k * d.step);
    /* off its step by a fraction of one, or below low, far from 0 too */
    d = fl(1e12, 1e12 + 1, 1e-3, 0);
    assert_int_equal(knob__dist_check(&d, "far"), KNOB_OK);
    assert_false(knob__dist_contains(&d, 1e12 - 0.0015));
    assert_false(knob__dist_contains(&d, 1e12 + 0.0005));
    d = fl(1e6, 1e6 + 1e-6, 1e-9, 0);
    assert_int_equal(knob__dist_check(&d, "fine"), KNOB_OK);
    assert_false(knob__dist_contains(&d, 1e6 - 1.5e-9));
    for (int k = 0; k <= 1000; k += 37)
        assert_true(knob__dist_contains(&d, 1e6 + k * 1e-9));
    d = fl(0, 1e8, 1, 0);
    assert_int_equal(knob__dist_check(&d, "wide"), KNOB_OK);
    assert_false(knob__dist_contains(&d, 50000000.5));
    assert_false(knob__dist_contains(&d, 50000000.4));
    assert_false(knob__dist_contains(&d, 100000000.4));
    assert_false(knob__dist_contains(&d, 1e6 + 0.01));
    assert_true(knob__dist_contains(&d, 99999999));
    /* a step finer than doubles can hold apart there is refused, naming the least step */
    d = fl(1e15, 1e15 + 1, 0.1, 0);
    assert_int_equal(knob__dist_check(&d, "crowded"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "finer than doubles near 1e+15 can hold apart"));
    /* steps of a few ulps of the bounds: as many steps as fit, not one past high that the
     * draws clamp to high (which made high twice as likely as any other value) */
    d = fl(1e6, 1e6 + 1, 1e-9, 0);
    assert_int_equal(knob__dist_check(&d, "ulps"), KNOB_OK);
    assert_true(knob__dist_steps(&d) == 1e9);
    d = fl(0, 1, 1e-15, 0);
    assert_int_equal(knob__dist_check(&d, "fifteen"), KNOB_OK);
    assert_true(knob__dist_steps(&d) == 1e15);
    d = fl(0, 0.3, 0.1, 0); /* rounding forgiven: 2.9999999999999996 steps are 3 */
    assert_int_equal(knob__dist_check(&d, "tenths"), KNOB_OK);
    assert_true(knob__dist_steps(&d) == 3);
    /* the spacing below the edge: [0, 1] by 8e-16 is 7 doubles a step */
    d = fl(0, 1, 8e-16, 0);
    assert_int_equal(knob__dist_check(&d, "fine"), KNOB_OK);
    /* a stored one, which an older knob took, is read as it is (its study must open) */
    knob_distribution *stored =
        knob__dist_parse("{\"type\":\"float\",\"low\":1e15,\"high\":1000000000000001,"
                         "\"step\":0.1,\"log\":false}");
    assert_non_null(stored);
    free(stored);
}

static void json_round_trips(void **state)
{
    (void)state;
    knob_choice ch[] = {{KNOB_CHOICE_STRING, "adam", 0},
                        {KNOB_CHOICE_NUMBER, NULL, 0.5},
                        {KNOB_CHOICE_BOOL, NULL, 1},
                        {KNOB_CHOICE_NULL, NULL, 0}};
    knob_distribution ds[] = {fl(1e-5, 1, 0, KNOB_LOG),
                              fl(0, 1, 0.1, 0),
                              in(1, 64, 1, KNOB_LOG),
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
    knob_choice ch[] = {{KNOB_CHOICE_STRING, "adam", 0},
                        {KNOB_CHOICE_NUMBER, NULL, 32},
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
    /* Neighbours beyond 2^53: 2^53 a number choice, 2^53 + 1 held as its text. Its digits,
     * as text or as a JSON number, are not the number choice a double rounds them to. */
    knob_choice big[] = {{KNOB_CHOICE_NUMBER, NULL, 9007199254740992.0},
                         {KNOB_CHOICE_STRING, "9007199254740993", 0}};
    knob_distribution b = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = big};
    j = knobx_json_parse("[\"9007199254740993\", 9007199254740993, 9007199254740992, "
                         "\"9007199254740992\"]",
                         (size_t)-1, NULL, 0);
    assert_int_equal(knob__dist_from_external(&b, j->kids[0], &x, "b"), KNOB_OK);
    assert_true(x == 1);
    assert_int_equal(knob__dist_from_external(&b, j->kids[1], &x, "b"), KNOB_EINVAL);
    assert_int_equal(knob__dist_from_external(&b, j->kids[2], &x, "b"), KNOB_OK);
    assert_true(x == 0);
    assert_int_equal(knob__dist_from_external(&b, j->kids[3], &x, "b"), KNOB_OK);
    assert_true(x == 0);
    knobx_json_free(j);
    /* A number choice made from a double (as the Python package makes them) is rounded: the
     * digits it was written with are taken as the one number choice they round to. */
    knob_choice rounded[] = {{KNOB_CHOICE_NUMBER, NULL, 12345678901234567890.0},
                             {KNOB_CHOICE_NUMBER, NULL, 3}};
    knob_distribution r = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = rounded};
    j = knobx_json_parse("[12345678901234567890, \"12345678901234567890\", 9007199254740993]",
                         (size_t)-1, NULL, 0);
    assert_int_equal(knob__dist_from_external(&r, j->kids[0], &x, "r"), KNOB_OK);
    assert_true(x == 0);
    assert_int_equal(knob__dist_from_external(&r, j->kids[1], &x, "r"), KNOB_OK);
    assert_true(x == 0);
    assert_int_equal(knob__dist_from_external(&r, j->kids[2], &x, "r"), KNOB_EINVAL);
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
        cmocka_unit_test(int_bounds_must_be_whole),
        cmocka_unit_test(suggest_int_bounds_past_2_53),
        cmocka_unit_test(ranges_and_steps_a_double_can_hold),
        cmocka_unit_test(rejects_choices_storage_cannot_hold),
        cmocka_unit_test(steps_lower_high),
        cmocka_unit_test(step_points_stay_in_range),
        cmocka_unit_test(wide_int_ranges_draw_every_int),
        cmocka_unit_test(step_points_are_decimals),
        cmocka_unit_test(steps_far_from_zero),
        cmocka_unit_test(json_round_trips),
        cmocka_unit_test(membership),
        cmocka_unit_test(external_values),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
