/* JSON reader and writer. */
#include "testutil.h"
#include "util/json.h"

static void parses_nested_values(void **state)
{
    (void)state;
    const char *text = " {\"a\": [1, 2.5, -3e2], \"b\": {\"c\": true, \"d\": null}, \"e\": \"x\\ny\\u00e9\"} ";
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
    static const char *const bad[] = {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2",
                                      "{\"a\":1,}", "[1 2]", "nan", "\"\\q\""};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_null(knobx_json_parse(bad[i], (size_t)-1, err, sizeof err));
        assert_non_null(strstr(err, "at byte"));
        assert_false(knobx_json_valid(bad[i]));
    }
}

static void writes_round_trip(void **state)
{
    (void)state;
    const char *text = "{\"s\":\"q\\\"\\\\\\n\\t\\u0001\",\"n\":[0,1,-2,0.1,1e+300,3.3333333333333335],"
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

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_nested_values),
        cmocka_unit_test(rejects_bad_text_with_offset),
        cmocka_unit_test(writes_round_trip),
        cmocka_unit_test(numbers_are_exact),
        cmocka_unit_test(large_arrays),
        cmocka_unit_test(empty_buffer_appended),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
