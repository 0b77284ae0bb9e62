/* JSON reader and writer. */
#include "testutil.h"
#include "util/json.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

static void parses_nested_values(void **state)
{
    (void)state;
    const char *text =
        " {\"a\": [1, 2.5, -3e2], \"b\": {\"c\": true, \"d\": null}, \"e\": \"x\\ny\\u00e9\"} ";
    knobx_json *j = knobx_json_parse(text, (size_t)-1, NULL, 0);
    assert_non_null(j);
    assert_int_equal(j->type, KNOBX_JSON_OBJECT);
    assert_int_equal(j->n, 3);
    const knobx_json *a = knobx_json_get(j, "a");
    assert_int_equal(a->n, 3);
    assert_true(a->kids[1]->num == 2.5);
    assert_true(a->kids[2]->num == -300);
    assert_true(knobx_json_get(knobx_json_get(j, "b"), "c")->b);
    assert_int_equal(knobx_json_get(knobx_json_get(j, "b"), "d")->type, KNOBX_JSON_NULL);
    assert_string_equal(knobx_json_get(j, "e")->str, "x\ny\xc3\xa9");
    assert_null(knobx_json_get(j, "zz"));
    knobx_json_free(j);
}

static void rejects_bad_text_with_offset(void **state)
{
    (void)state;
    static const char *const bad[] = {"",    "{",          "[1,]",  "{\"a\" 1}", "tru",    "\"abc",
                                      "1 2", "{\"a\":1,}", "[1 2]", "nan",       "\"\\q\""};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_null(knobx_json_parse(bad[i], (size_t)-1, err, sizeof err));
        assert_non_null(strstr(err, "at byte"));
        assert_false(knobx_json_valid(bad[i]));
    }
}

/* \u0000 and a lone surrogate are read as U+FFFD: a NUL ended the C string ("a\u0000b" was
 * read as "a", and a dashboard note so stored cut), and a lone surrogate, which UTF-8 cannot
 * hold, was read as its three CESU-8 bytes (written back as three U+FFFD). A pair is one
 * character. */
static void nul_and_lone_surrogates(void **state)
{
    (void)state;
    static const char *const in[][2] = {
        {"\"a\\ud800b\"", "a\xef\xbf\xbd" "b"},
        {"\"\\udfff\"", "\xef\xbf\xbd"},
        {"\"\\ud800\\ud800\"", "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"},
        {"\"\\u0001\"", "\x01"},
        {"\"a\\u0000b\"", "a\xef\xbf\xbd" "b"},
    };
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        knobx_json *j = knobx_json_parse(in[i][0], (size_t)-1, NULL, 0);
        assert_non_null(j);
        assert_string_equal(j->str, in[i][1]);
        knobx_json_free(j);
    }
}

/* The records a trial prints: Python's json.dumps writes a diverged loss as NaN or
 * Infinity, which knobx_json_parse refuses and knobx_json_parse_nonfinite reads. */
static void nonfinite_words_only_when_asked(void **state)
{
    (void)state;
    const char *text = "{\"a\": NaN, \"b\": Infinity, \"c\": -Infinity, \"d\": [-1.5, NaN]}";
    assert_null(knobx_json_parse(text, (size_t)-1, NULL, 0));
    assert_false(knobx_json_valid(text));
    knobx_json *j = knobx_json_parse_nonfinite(text, (size_t)-1, NULL, 0);
    assert_non_null(j);
    assert_true(isnan(knobx_json_get(j, "a")->num));
    assert_true(isinf(knobx_json_get(j, "b")->num) && knobx_json_get(j, "b")->num > 0);
    assert_true(isinf(knobx_json_get(j, "c")->num) && knobx_json_get(j, "c")->num < 0);
    assert_true(knobx_json_get(j, "d")->kids[0]->num == -1.5);
    assert_true(isnan(knobx_json_get(j, "d")->kids[1]->num));
    knobx_json_free(j);
    static const char *const bad[] = {"nan",     "-NaN",          "Inf",     "-Inf",
                                      "Infinit", "{\"a\": NaNa}", "infinity"};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_null(knobx_json_parse_nonfinite(bad[i], (size_t)-1, err, sizeof err));
        assert_non_null(strstr(err, "at byte"));
    }
}

static void writes_round_trip(void **state)
{
    (void)state;
    const char *text =
        "{\"s\":\"q\\\"\\\\\\n\\t\\u0001\",\"n\":[0,1,-2,0.1,1e+300,3.3333333333333335],"
        "\"t\":true,\"f\":false,\"z\":null,\"o\":{}}";
    knobx_json *j = knobx_json_parse(text, (size_t)-1, NULL, 0);
    assert_non_null(j);
    knobx_buf b = {0};
    knobx_json_add_node(&b, j);
    assert_false(b.oom);
    assert_string_equal(knobx_buf_cstr(&b), text);
    knobx_buf_free(&b);
    knobx_json_free(j);
}

static void numbers_are_exact(void **state)
{
    (void)state;
    double vals[] = {0.1, 1.0 / 3, 1e-300, 123456789012345.0, -0.0001, 9007199254740991.0};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        knobx_buf b = {0};
        knobx_json_add_number(&b, vals[i]);
        knobx_json *j = knobx_json_parse(knobx_buf_cstr(&b), (size_t)-1, NULL, 0);
        assert_non_null(j);
        assert_true(j->num == vals[i]);
        knobx_json_free(j);
        knobx_buf_free(&b);
    }
    knobx_buf b = {0};
    knobx_json_add_number(&b, 0.0 / 0.0);
    assert_string_equal(knobx_buf_cstr(&b), "null");
    knobx_buf_free(&b);
}

/* The text knob wrote for a number before the 128-bit digits (json.c): the shortest of
 * %.15g/%.16g/%.17g that reads back exactly; for a subnormal, the shortest of %.1g to %.17g,
 * each tried. */
static void reference_number(char *tmp, size_t size, double v)
{
    if (!isfinite(v)) {
        snprintf(tmp, size, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(tmp, size, "%.0f", v);
        return;
    }
    for (int prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(tmp, size, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
}

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void same_as_printf(double v, size_t *n)
{
    char want[64];
    reference_number(want, sizeof want, v);
    knobx_buf b = {0};
    knobx_json_add_number(&b, v);
    if (strcmp(knobx_buf_cstr(&b), want))
        fail_msg("%a: wrote %s, printf writes %s", v, knobx_buf_cstr(&b), want);
    knobx_buf_free(&b);
    ++*n;
}

/* Numbers are written as printf wrote them, byte for byte: random bit patterns (every
 * exponent, the printf fallback included), the ranges trials hold, numbers of few digits,
 * exact ties at 15, 16 and 17 digits (n + 0.5, small multiples of powers of two: printf
 * rounds them half to even), the neighbours of powers of ten and of two. */
static void numbers_as_printf_wrote_them(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    size_t n = 0;
    for (int i = 0; i < 40000; i++) {
        uint64_t bits = rng_next(&x);
        double v;
        memcpy(&v, &bits, sizeof v);
        same_as_printf(v, &n);
    }
    for (int i = 0; i < 60000; i++) {
        double u = (double)(rng_next(&x) >> 11) / 9007199254740992.0;
        same_as_printf(u * 20 - 10, &n);
        same_as_printf(pow(10, u * 50 - 25) * (i % 2 ? -1 : 1), &n);
        char text[32];
        snprintf(text, sizeof text, "%.*g", 1 + i % 17, u * pow(10, i % 30 - 15));
        same_as_printf(strtod(text, NULL), &n);
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t r = rng_next(&x);
        same_as_printf((double)(r % 9000000000000000u + 1000000000000u) + 0.5, &n);
        same_as_printf(ldexp((double)(r >> (11 + i % 40)), -(int)(r % 70)), &n);
    }
    const double whole[] = {0.0,
                            -0.0,
                            1,
                            -1,
                            9,
                            10,
                            -4503599627370497.0,
                            9007199254740991.0,
                            -9007199254740991.0,
                            9007199254740992.0,
                            1e300};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        same_as_printf(whole[i], &n);
    for (int k = -30; k <= 30; k++) {
        double p = pow(10, k);
        double q = ldexp(1, k * 2);
        for (int j = -3; j <= 3; j++) {
            double a = p, c = q;
            for (int s = 0; s < (j < 0 ? -j : j); s++) {
                a = nextafter(a, j < 0 ? 0 : INFINITY);
                c = nextafter(c, j < 0 ? 0 : INFINITY);
            }
            same_as_printf(a, &n);
            same_as_printf(-c, &n);
        }
    }
    print_message("%zu numbers as printf wrote them\n", n);
}

/* A subnormal in the fewest digits that read back, as Python's repr writes it (15 digits
 * wrote 1e-310 as 9.99999999999997e-311): the smallest, the largest, every power of two
 * among them and their neighbours, and random ones, against each precision tried in turn. */
static void subnormals_in_fewest_digits(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {1e-310, "1e-310"},
        {-1e-310, "-1e-310"},
        {5e-324, "5e-324"},
        {1e-323, "1e-323"},
        {2.5e-320, "2.5e-320"},
        {1.5e-315, "1.5e-315"},
        {1.2345678e-312, "1.2345678e-312"},
        {2.225073858507201e-308, "2.225073858507201e-308"},   /* the largest */
        {2.2250738585072014e-308, "2.2250738585072014e-308"}, /* DBL_MIN, a normal one */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knobx_buf b = {0};
        knobx_json_add_number(&b, cases[i].v);
        assert_string_equal(knobx_buf_cstr(&b), cases[i].text);
        knobx_buf_free(&b);
    }
    size_t n = 0;
    for (int k = 0; k < 52; k++)
        for (int j = -2; j <= 2; j++) {
            double p = ldexp(1, -1074 + k) + j * 5e-324;
            if (p > 0)
                same_as_printf(p, &n);
        }
    uint64_t x = 7;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = (rng_next(&x) & ((UINT64_C(1) << 52) - 1)) | (uint64_t)(i % 2) << 63;
        double v;
        memcpy(&v, &bits, sizeof v);
        same_as_printf(v, &n);
    }
    print_message("%zu subnormals in their fewest digits\n", n);
}

static void large_arrays(void **state)
{
    (void)state;
    knobx_buf b = {0};
    knobx_buf_puts(&b, "[");
    for (int i = 0; i < 10000; i++)
        knobx_buf_printf(&b, "%s%d", i ? "," : "", i);
    knobx_buf_puts(&b, "]");
    knobx_json *j = knobx_json_parse(knobx_buf_cstr(&b), b.len, NULL, 0);
    assert_non_null(j);
    assert_int_equal(j->n, 10000);
    assert_true(j->kids[9999]->num == 9999);
    knobx_json_free(j);
    knobx_buf_free(&b);
}

/* A string that is not UTF-8 (a Latin-1 message, a tail cut inside a character, a
 * surrogate's bytes) is written as valid JSON, each stray byte as U+FFFD; valid characters
 * as they are. */
static void strings_that_are_not_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Datei \374ber", "\"Datei \\ufffdber\""},
        {"\274\303\274", "\"\\ufffd\303\274\""},        /* a cut 'ü', then one */
        {"\303", "\"\\ufffd\""},                             /* cut at the end */
        {"\355\240\200x", "\"\\ufffd\\ufffd\\ufffdx\""}, /* a surrogate */
        {"\xe2\x96\x88 \xf0\x9f\x98\x80", "\"\xe2\x96\x88 \xf0\x9f\x98\x80\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knobx_buf b = {0};
        knobx_json_add_string(&b, cases[i].in);
        assert_string_equal(knobx_buf_cstr(&b), cases[i].out);
        assert_true(knobx_json_valid(knobx_buf_cstr(&b)));
        knobx_buf_free(&b);
    }
}

/* Text made fit for a reader of UTF-8 C strings (a trial's stderr tail, a record's line):
 * each stray byte and each NUL is U+FFFD, so nothing after a NUL is lost; valid characters
 * stay as they are. */
static void text_made_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"a\0\0b\nerror", 10,
         "a\xef\xbf\xbd\xef\xbf\xbd"
         "b\nerror"},
        {"caf\351", 4, "caf\xef\xbf\xbd"},
        {"\274\303\274", 3, "\xef\xbf\xbd\303\274"},
        {"\303", 1, "\xef\xbf\xbd"},
        {"\xe2\x96\x88 \xf0\x9f\x98\x80", 8, "\xe2\x96\x88 \xf0\x9f\x98\x80"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knobx_buf b = {0};
        knobx_buf_add_utf8(&b, cases[i].in, cases[i].n);
        assert_string_equal(knobx_buf_cstr(&b), cases[i].out);
        assert_true(knobx_utf8_valid(knobx_buf_cstr(&b)));
        knobx_buf_free(&b);
    }
}

/* An empty buffer (data NULL) appended to another adds nothing, and copies nothing from
 * NULL (undefined behaviour, caught by the sanitizer build). */
static void empty_buffer_appended(void **state)
{
    (void)state;
    knobx_buf empty = {0}, b = {0};
    knobx_buf_puts(&b, "[");
    knobx_buf_add(&b, empty.data, empty.len);
    knobx_buf_puts(&b, "]");
    assert_string_equal(knobx_buf_cstr(&b), "[]");
    knobx_buf_free(&b);
}

/* Values compared as JSON values: members in any order, at any depth; arrays in order. */
static void equal_as_values(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"{\"a\":1,\"b\":2}", "{\"b\": 2, \"a\": 1.0}"},
        {"{\"o\":{\"x\":[1,{\"p\":true,\"q\":null}],\"y\":\"s\"},\"d\":18}",
         "{\"d\":18,\"o\":{\"y\":\"s\",\"x\":[1,{\"q\":null,\"p\":true}]}}"},
        {"[]", " [ ] "},
    };
    static const char *const differ[][2] = {
        {"{\"a\":1,\"b\":2}", "{\"a\":1}"},
        {"{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}"},
        {"[1,2]", "[2,1]"},
        {"{\"a\":\"1\"}", "{\"a\":1}"},
        {"{\"a\":true}", "{\"a\":1}"},
        {"{\"a\":1}", "{\"a\":1"},
        {"{\"a\":1,\"a\":1}", "{\"a\":1,\"b\":2}"}, /* a key twice hid b's */
        {"12345678901234567890", "1.2345678901234567e19"},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        if (!knobx_json_text_equal(same[i][0], same[i][1]) ||
            !knobx_json_text_equal(same[i][1], same[i][0]))
            fail_msg("not equal: %s and %s", same[i][0], same[i][1]);
    for (size_t i = 0; i < sizeof differ / sizeof *differ; i++)
        if (knobx_json_text_equal(differ[i][0], differ[i][1]) ||
            knobx_json_text_equal(differ[i][1], differ[i][0]))
            fail_msg("equal: %s and %s", differ[i][0], differ[i][1]);
}

/* An integer beyond 2^53 keeps its text, which the writer gives back whole (it wrote the
 * double, 1.2345678901234567e+19); values that a double holds exactly do not. */
static void big_integers_keep_their_digits(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        bool big;
    } cases[] = {
        {"[12345678901234567890]", "[12345678901234567890]", true},
        {"[-12345678901234567890]", "[-12345678901234567890]", true},
        {"[9007199254740993]", "[9007199254740993]", true},
        {"[9007199254740992]", "[9007199254740992]", false},
        {"[1e20]", "[1e+20]", false},
        {"[123456789012345678901234567890.0]", "[1.2345678901234568e+29]", false},
        {"{\"a\":{\"b\":[18446744073709551617]}}", "{\"a\":{\"b\":[18446744073709551617]}}", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knobx_json *j = knobx_json_parse(cases[i].in, (size_t)-1, NULL, 0);
        assert_non_null(j);
        if (j->type == KNOBX_JSON_ARRAY)
            assert_int_equal(j->kids[0]->big != NULL, cases[i].big);
        knobx_buf b = {0};
        knobx_json_add_node(&b, j);
        assert_string_equal(knobx_buf_cstr(&b), cases[i].out);
        knobx_buf_free(&b);
        knobx_json_free(j);
    }
    /* neighbours a double cannot tell apart are different values */
    assert_false(knobx_json_text_equal("[12345678901234567890]", "[12345678901234567891]"));
    assert_true(knobx_json_text_equal("{\"a\":12345678901234567890,\"b\":1}",
                                      "{\"b\":1,\"a\":12345678901234567890}"));
    assert_true(knobx_big_int_text("12345678901234567890", 20));
    assert_false(knobx_big_int_text("012345678901234567890", 21));
    assert_false(knobx_big_int_text("1234567890123456789x", 20));
    assert_false(knobx_big_int_text("-", 1));
}

/* A number written with a fraction or an exponent whose double is whole keeps its text
 * (knobx_json_parse_as_written), which knobx_json_add_node_as_written gives back (2.0000000000000001 is no whole number,
 * though its double is 2); knobx_json_add_node writes the double, as before. */
static void whole_doubles_keep_their_text(void **state)
{
    (void)state;
    static const struct {
        const char *in, *as_written, *plain;
        bool text;
    } cases[] = {
        {"[2.0000000000000001]", "[2.0000000000000001]", "[2]", true},
        {"[9007199254740992.5]", "[9007199254740992.5]", "[9007199254740992]", true},
        {"[1e3]", "[1e3]", "[1000]", true},
        {"[-2.0]", "[-2.0]", "[-2]", true},
        {"[2]", "[2]", "[2]", false},
        {"[2.5]", "[2.5]", "[2.5]", false},
        {"{\"a\":[1E2,0.5]}", "{\"a\":[1E2,0.5]}", "{\"a\":[100,0.5]}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knobx_json *j = knobx_json_parse_as_written(cases[i].in, (size_t)-1, NULL, 0);
        assert_non_null(j);
        const knobx_json *first = j->type == KNOBX_JSON_ARRAY ? j->kids[0] : j->kids[0]->kids[0];
        assert_int_equal(first->str != NULL, cases[i].text);
        knobx_buf b = {0}, c = {0};
        knobx_json_add_node_as_written(&b, j);
        knobx_json_add_node(&c, j);
        assert_string_equal(knobx_buf_cstr(&b), cases[i].as_written);
        assert_string_equal(knobx_buf_cstr(&c), cases[i].plain);
        knobx_buf_free(&b);
        knobx_buf_free(&c);
        knobx_json_free(j);
    }
    /* the plain reader keeps no text; an infinite number has none either */
    knobx_json *j = knobx_json_parse("[2.0000000000000001]", (size_t)-1, NULL, 0);
    assert_null(j->kids[0]->str);
    knobx_json_free(j);
    j = knobx_json_parse_as_written("[1e400]", (size_t)-1, NULL, 0);
    assert_null(j->kids[0]->str);
    knobx_json_free(j);
    assert_true(knobx_json_number_syntax("-0.5e3"));
    assert_false(knobx_json_number_syntax("+1"));
    assert_false(knobx_json_number_syntax(".5"));
    assert_false(knobx_json_number_syntax("0x10"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_nested_values),
        cmocka_unit_test(rejects_bad_text_with_offset),
        cmocka_unit_test(nonfinite_words_only_when_asked),
        cmocka_unit_test(writes_round_trip),
        cmocka_unit_test(numbers_are_exact),
        cmocka_unit_test(equal_as_values),
        cmocka_unit_test(big_integers_keep_their_digits),
        cmocka_unit_test(whole_doubles_keep_their_text),
        cmocka_unit_test(numbers_as_printf_wrote_them),
        cmocka_unit_test(subnormals_in_fewest_digits),
        cmocka_unit_test(large_arrays),
        cmocka_unit_test(empty_buffer_appended),
        cmocka_unit_test(strings_that_are_not_utf8),
        cmocka_unit_test(text_made_utf8),
        cmocka_unit_test(nul_and_lone_surrogates),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
