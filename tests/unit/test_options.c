/* Option tables and "k=v,k=v" strings. */
#include "testutil.h"
#include "options.h"

#include <stddef.h>

typedef struct st {
    int64_t n;
    double x;
    bool b;
    char *s;
    char *e;
} st;

static const char *const colours[] = {"red", "green", "blue", NULL};

static const knob_option table[] = {
    {"n", KNOB_OPT_INT, offsetof(st, n), "10", 1, 100, "a count", NULL},
    {"x", KNOB_OPT_DOUBLE, offsetof(st, x), "0.5", 0, 0, "a number", NULL},
    {"b", KNOB_OPT_BOOL, offsetof(st, b), "false", 0, 0, "a flag", NULL},
    {"s", KNOB_OPT_STRING, offsetof(st, s), "hi", 0, 0, "a text", NULL},
    {"e", KNOB_OPT_ENUM, offsetof(st, e), "green", 0, 0, "a word of three", colours},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int set(void *ctx, const char *k, const char *v)
{
    return knob__option_set(table, ctx, k, v, "test", NULL);
}

/* An int option whose bound %g would round */
static const knob_option big_table[] = {
    {"n", KNOB_OPT_INT, offsetof(st, n), "0", 0, 16777216, "a big count", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int set_big(void *ctx, const char *k, const char *v)
{
    return knob__option_set(big_table, ctx, k, v, "test", NULL);
}

static void defaults_and_parsing(void **state)
{
    (void)state;
    st s = {0};
    assert_int_equal(knob__options_defaults(table, &s, "test"), KNOB_OK);
    assert_int_equal(s.n, 10);
    assert_true(s.x == 0.5);
    assert_false(s.b);
    assert_string_equal(s.s, "hi");
    assert_int_equal(knob__options_each(" n=42, x = -1.5e-3,b=yes , s=[a,b] ,", "test", set, &s),
                     KNOB_OK);
    assert_int_equal(s.n, 42);
    assert_true(s.x == -1.5e-3);
    assert_true(s.b);
    assert_string_equal(s.s, "[a,b]");
    knob__options_free(table, &s);
    assert_null(s.s);
}

static void errors_name_the_option(void **state)
{
    (void)state;
    st s = {0};
    knob__options_defaults(table, &s, "test");
    assert_int_equal(knob__options_each("n=1000", "test", set, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'n' must be in [1, 100]"));
    /* an int option's bounds with every digit (it said [0, 1.67772e+07], got 2e+07) */
    assert_int_equal(knob__options_each("n=20000001", "test", set_big, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'n' must be in [0, 16777216], got 20000001"));
    assert_int_equal(knob__options_each("n=abc", "test", set, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "integer"));
    assert_int_equal(knob__options_each("nope=1", "test", set, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "unknown option 'nope' (options: n, x, b, s, e)"));
    assert_int_equal(knob__options_each("b=maybe", "test", set, &s), KNOB_EINVAL);
    assert_int_equal(knob__options_each("n", "test", set, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "key=value"));
    knob__options_free(table, &s);
}

/* An enum takes exactly one of its words, kept as a string the state owns; any other
 * word, or one in another case, is refused with the choices listed and changes nothing. */
static void enum_takes_its_words(void **state)
{
    (void)state;
    st s = {0};
    assert_int_equal(knob__options_defaults(table, &s, "test"), KNOB_OK);
    assert_string_equal(s.e, "green");
    for (int i = 0; colours[i]; i++) {
        assert_int_equal(knob__option_set(table, &s, "e", colours[i], "test", NULL), KNOB_OK);
        assert_string_equal(s.e, colours[i]);
        assert_ptr_not_equal(s.e, colours[i]);
    }
    const char *refused[] = {"purple", "Red", "red ", "", "red,green"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(knob__option_set(table, &s, "e", refused[i], "test", NULL), KNOB_EINVAL);
        char want[128];
        snprintf(want, sizeof want, "test: option 'e' must be one of red, green or blue; got '%s'",
                 refused[i]);
        assert_string_equal(knob_errmsg(), want);
        assert_string_equal(s.e, "blue");
    }
    assert_int_equal(knob__options_each("e=red,n=3", "test", set, &s), KNOB_OK);
    assert_string_equal(s.e, "red");
    knob__options_free(table, &s);
    assert_null(s.e);
}

/* The checks a plugin's table gets before it is used. */
static void tables_are_checked(void **state)
{
    (void)state;
    assert_int_equal(knob__options_check(table, sizeof(st), "seed", "test"), KNOB_OK);
    assert_int_equal(knob__options_check(NULL, 0, NULL, "test"), KNOB_OK);
    assert_int_equal(knob__options_check(table, sizeof(st) - 1, NULL, "test"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "test: option 'e' (8 bytes at offset 32) lies past "
                                          "the state's 39 bytes"));
    assert_int_equal(knob__options_check(table, sizeof(st), "x", "test"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "option 'x' is the library's"));
    static const char *const one[] = {"only", NULL};
    const knob_option wrong_default[] = {
        {"e", KNOB_OPT_ENUM, 0, "other", 0, 0, NULL, one},
        {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
    };
    assert_int_equal(knob__options_check(wrong_default, 8, NULL, "test"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "option 'e' has the default 'other', not one of only"));
    st s = {0};
    assert_int_equal(knob__options_defaults(wrong_default, &s, "test"), KNOB_EINVAL);
}

static void sampler_options_by_name(void **state)
{
    (void)state;
    knob_sampler *s;
    assert_int_equal(knob_sampler_create("random", "seed=7", &s), KNOB_OK);
    assert_int_equal(knob_sampler_seed(s), 7);
    assert_int_equal(knob_sampler_set_option(s, "seed", "-3"), KNOB_OK);
    assert_int_equal(knob_sampler_seed(s), (uint64_t)-3);
    assert_int_equal(knob_sampler_set_option(s, "bogus", "1"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'random'"));
    knob_sampler_free(s);
    assert_int_equal(knob_sampler_create("nope", NULL, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "random, grid"));
    assert_int_equal(knob_sampler_create("random", "seed=x", &s), KNOB_EINVAL);
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("none", NULL, &p), KNOB_OK);
    knob_pruner_free(p);
    assert_int_equal(knob_pruner_create("none", "x=1", &p), KNOB_EINVAL);
    knob_sampler_free(NULL);
    knob_pruner_free(NULL);
}

/* Seeds above INT64_MAX, half of those knob_sampler_seed gives for a drawn seed, were
 * refused as seed= ("needs an integer"), so a run could not be repeated from the seed it
 * reported; every uint64 in decimal is taken now, and what was taken before still is. */
static void seed_takes_every_uint64(void **state)
{
    (void)state;
    knob_sampler *s;
    assert_int_equal(knob_sampler_create("random", "seed=14284280759686031311", &s), KNOB_OK);
    assert_true(knob_sampler_seed(s) == 14284280759686031311u);
    static const struct {
        const char *text;
        uint64_t seed;
    } good[] = {{"9223372036854775807", 9223372036854775807u},
                {"9223372036854775808", 9223372036854775808u},
                {"18446744073709551615", UINT64_MAX},
                {"-1", UINT64_MAX},
                {"-9223372036854775808", 9223372036854775808u},
                {"+12", 12},
                {"0", 0}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (knob_sampler_set_option(s, "seed", good[i].text) != KNOB_OK)
            fail_msg("seed=%s: %s", good[i].text, knob_errmsg());
        assert_true(knob_sampler_seed(s) == good[i].seed);
    }
    static const char *const bad[] = {"18446744073709551616", "99999999999999999999999",
                                      "-9223372036854775809", "1e3", "0x10", "", "12 ", "seed"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (knob_sampler_set_option(s, "seed", bad[i]) != KNOB_EINVAL)
            fail_msg("seed=%s was taken", bad[i]);
        /* an integer beyond the range is said to be one */
        assert_non_null(strstr(
            knob_errmsg(),
            i < 3 ? "option 'seed' is out of range (-9223372036854775808 to 18446744073709551615"
                  : "option 'seed' needs an integer"));
        assert_true(knob_sampler_seed(s) == 0); /* unchanged */
    }
    knob_sampler_free(s);
    /* a drawn seed, given back, is the same seed */
    for (int k = 0; k < 8; k++) {
        knob_sampler *a, *b;
        char opt[64];
        assert_int_equal(knob_sampler_create("random", NULL, &a), KNOB_OK);
        snprintf(opt, sizeof opt, "seed=%llu", (unsigned long long)knob_sampler_seed(a));
        assert_int_equal(knob_sampler_create("random", opt, &b), KNOB_OK);
        assert_true(knob_sampler_seed(a) == knob_sampler_seed(b));
        knob_sampler_free(a);
        knob_sampler_free(b);
    }
}

/* knob__option_get reads an option's current value by name and type: what
 * knob_trial_report reads of a pruner's `objective` (it walked the table itself, and an
 * option of another type was read as absent). */
static void get_by_name_and_type(void **state)
{
    (void)state;
    st s = {0};
    assert_int_equal(knob__options_defaults(table, &s, "test"), KNOB_OK);
    assert_int_equal(knob__option_set(table, &s, "n", "42", "test", NULL), KNOB_OK);
    int64_t n = 0;
    double x = 0;
    bool b = true;
    const char *text = NULL, *word = NULL;
    assert_int_equal(knob__option_get(table, &s, "n", KNOB_OPT_INT, &n, "test"), KNOB_OK);
    assert_int_equal(n, 42);
    assert_int_equal(knob__option_get(table, &s, "x", KNOB_OPT_DOUBLE, &x, "test"), KNOB_OK);
    assert_true(x == 0.5);
    assert_int_equal(knob__option_get(table, &s, "b", KNOB_OPT_BOOL, &b, "test"), KNOB_OK);
    assert_false(b);
    assert_int_equal(knob__option_get(table, &s, "s", KNOB_OPT_STRING, &text, "test"), KNOB_OK);
    assert_string_equal(text, "hi");
    assert_int_equal(knob__option_get(table, &s, "e", KNOB_OPT_ENUM, &word, "test"), KNOB_OK);
    assert_string_equal(word, "green");
    /* a missing name lists the options; a type mismatch names both types; *out untouched */
    n = -1;
    assert_int_equal(knob__option_get(table, &s, "m", KNOB_OPT_INT, &n, "test"), KNOB_ENOTFOUND);
    /* one letter for another: no letter in common, no hint */
    assert_string_equal(knob_errmsg(), "test: unknown option 'm' (options: n, x, b, s, e)");
    assert_int_equal(knob__option_get(table, &s, "x", KNOB_OPT_INT, &n, "test"), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "test: option 'x' is a number, read as an integer");
    assert_int_equal(knob__option_get(table, &s, "e", KNOB_OPT_STRING, &text, "test"), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "test: option 'e' is an enum, read as a string");
    assert_int_equal(n, -1);
    assert_int_equal(knob__option_get(NULL, &s, "n", KNOB_OPT_INT, &n, "test"), KNOB_ENOTFOUND);
    assert_string_equal(knob_errmsg(), "test: unknown option 'n' (options: none)");
    assert_null(knob__option_find(table, "m"));
    assert_ptr_equal(knob__option_find(table, "b"), &table[2]);
    knob__options_free(table, &s);
}

/* An unknown option's name close to one of the plugin's (2 edits, as a sweep's keys and a
 * sampler's name in a sweep) is said: "did you mean"; one near none is not. */
static void unknown_option_did_you_mean(void **state)
{
    (void)state;
    knob_sampler *s = NULL;
    knob_pruner *p = NULL;
    assert_int_equal(knob_sampler_create("tpe", "n_startup_trails=20", &s), KNOB_EINVAL);
    const char *m = knob_errmsg();
    assert_non_null(strstr(m, "sampler 'tpe': unknown option 'n_startup_trails' (options: seed, "));
    assert_non_null(strstr(m, "cache); did you mean 'n_startup_trials'?"));
    assert_int_equal(knob_pruner_create("median", "n_warmup_step=3", &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "); did you mean 'n_warmup_steps'?"));
    assert_int_equal(knob_sampler_create("random", "sed=1", &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "(options: seed); did you mean 'seed'?"));
    assert_int_equal(knob_sampler_create("tpe", "zzzzzz=1", &s), KNOB_EINVAL);
    assert_null(strstr(knob_errmsg(), "did you mean"));
    /* the start of a name is that name, not one two edits away ('startup'); a key with no
     * letter where a name has its own ('lr', 'x0') gets no hint */
    assert_int_equal(knob_sampler_create("tpe", "n_startup=3", &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "); did you mean 'n_startup_trials'?"));
    assert_int_equal(knob_sampler_create("cmaes", "lr=1", &s), KNOB_EINVAL);
    assert_null(strstr(knob_errmsg(), "did you mean"));
    knob_sampler *ok;
    assert_int_equal(knob_sampler_create("random", NULL, &ok), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(ok, "sede", "1"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "did you mean 'seed'?"));
    knob_sampler_free(ok);
}

/* A key given twice in an options string is refused naming it and both values: the last
 * one won without a word (a sweep file refuses a repeated key too). */
static void repeated_key_refused(void **state)
{
    (void)state;
    st s = {0};
    knob__options_defaults(table, &s, "test");
    assert_int_equal(knob__options_each("n=1, x=2,n = 3", "test", set, &s), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(),
                        "test: option 'n' is given twice (n=1, then n=3); give it once");
    assert_int_equal(s.n, 1); /* refused before it was set */
    knob__options_free(table, &s);
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create("random", "seed=1,seed=2", &sp), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "sampler 'random': option 'seed' is given twice (seed=1, "
                                       "then seed=2); give it once");
    assert_int_equal(knob_sampler_create("tpe",
                                         "n_startup_trials=2,multivariate=true,"
                                         "n_startup_trials=2",
                                         &sp),
                     KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "option 'n_startup_trials' is given twice"));
    /* inside a wrapped pruner's options, named as its own */
    knob_pruner *p = NULL;
    assert_int_equal(knob_pruner_create("patient",
                                        "patience=2,wrapped=median,"
                                        "wrapped_options=[n_warmup_steps=1,n_warmup_steps=2]",
                                        &p),
                     KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'median': option 'n_warmup_steps' is given "
                                          "twice (n_warmup_steps=1, then n_warmup_steps=2)"));
    /* each key once, and the same name inside brackets of a value, are taken */
    assert_int_equal(knob_sampler_create("tpe", "seed=1,,n_startup_trials=2", &sp), KNOB_OK);
    knob_sampler_free(sp);
    assert_int_equal(knob_pruner_create("patient",
                                        "patience=2,wrapped=median,"
                                        "wrapped_options=[n_warmup_steps=1,n_startup_trials=2]",
                                        &p),
                     KNOB_OK);
    knob_pruner_free(p);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_and_parsing),    cmocka_unit_test(errors_name_the_option),
        cmocka_unit_test(enum_takes_its_words),    cmocka_unit_test(tables_are_checked),
        cmocka_unit_test(sampler_options_by_name), cmocka_unit_test(get_by_name_and_type),
        cmocka_unit_test(seed_takes_every_uint64), cmocka_unit_test(unknown_option_did_you_mean),
        cmocka_unit_test(repeated_key_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
