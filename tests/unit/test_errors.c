/* This thread's error message (knob_errmsg): whole however long, per thread. */
#include "testutil.h"
#include "internal.h"
#include "options.h"

#include <pthread.h>
#include <stddef.h>

/* A text of n characters: "0123456789" over and over, then "<end>". */
static char *long_text(size_t n)
{
    char *s = malloc(n + 6);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('0' + i % 10);
    memcpy(s + n, "<end>", 6);
    return s;
}

static void long_message_is_whole(void **state)
{
    (void)state;
    char *text = long_text(5000);
    assert_int_equal(knob_set_error(KNOB_EINVAL, "bad value '%s'", text), KNOB_EINVAL);
    assert_int_equal(strlen(knob_errmsg()), strlen("bad value ''") + strlen(text));
    assert_memory_equal(knob_errmsg(), "bad value '0123", 15);
    assert_string_equal(knob_errmsg() + strlen(knob_errmsg()) - 6, "<end>'");
    /* a short one after it */
    knob_set_error(KNOB_EINVAL, "short");
    assert_string_equal(knob_errmsg(), "short");
    free(text);
}

static void message_made_of_the_last_one(void **state)
{
    (void)state;
    char *text = long_text(3000);
    knob_set_error(KNOB_EINVAL, "%s", text);
    knob_set_error(KNOB_EINVAL, "outer: %s", knob_errmsg()); /* reads the one it replaces */
    assert_int_equal(strlen(knob_errmsg()), strlen("outer: ") + strlen(text));
    assert_memory_equal(knob_errmsg(), "outer: 0123", 11);
    knob__error_prefix(KNOB_EINVAL, "study '%s'", "s");
    assert_memory_equal(knob_errmsg(), "study 's': outer: 0123", 22);
    assert_string_equal(knob_errmsg() + strlen(knob_errmsg()) - 5, "<end>");
    /* a short message, prefixed past the length of the buffer a message used to have */
    knob_set_error(KNOB_EINVAL, "what failed");
    knob__error_prefix(KNOB_EINVAL, "where: %s", text);
    assert_int_equal(strlen(knob_errmsg()), strlen("where: : what failed") + strlen(text));
    assert_string_equal(knob_errmsg() + strlen(knob_errmsg()) - 18, "<end>: what failed");
    free(text);
}

static void *fail_long(void *arg)
{
    (void)arg;
    char *text = long_text(2000);
    knob_set_error(KNOB_EIO, "other thread %s", text);
    free(text);
    return (void *)(uintptr_t)(strlen(knob_errmsg()) == strlen("other thread ") + 2005);
}

static void messages_are_per_thread(void **state)
{
    (void)state;
    knob_set_error(KNOB_EINVAL, "mine");
    pthread_t th;
    void *whole = NULL;
    assert_int_equal(pthread_create(&th, NULL, fail_long, NULL), 0);
    assert_int_equal(pthread_join(th, &whole), 0);
    assert_true(whole != NULL); /* its message was whole; freed as it ended */
    assert_string_equal(knob_errmsg(), "mine");
}

typedef struct st {
    int64_t n;
} st;

/* More names than a list of 512 characters holds, the last one named last. */
#define OPT(name)                                                                                  \
    {                                                                                              \
        name, KNOB_OPT_INT, offsetof(st, n), "1", 0, 9, "a count", NULL                            \
    }
static const knob_option many[] = {
    OPT("a_rather_long_option_name_00"),
    OPT("a_rather_long_option_name_01"),
    OPT("a_rather_long_option_name_02"),
    OPT("a_rather_long_option_name_03"),
    OPT("a_rather_long_option_name_04"),
    OPT("a_rather_long_option_name_05"),
    OPT("a_rather_long_option_name_06"),
    OPT("a_rather_long_option_name_07"),
    OPT("a_rather_long_option_name_08"),
    OPT("a_rather_long_option_name_09"),
    OPT("a_rather_long_option_name_10"),
    OPT("a_rather_long_option_name_11"),
    OPT("a_rather_long_option_name_12"),
    OPT("a_rather_long_option_name_13"),
    OPT("a_rather_long_option_name_14"),
    OPT("a_rather_long_option_name_15"),
    OPT("a_rather_long_option_name_16"),
    OPT("a_rather_long_option_name_17"),
    OPT("reference_point"),
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static void unknown_option_lists_every_name(void **state)
{
    (void)state;
    st s = {0};
    assert_int_equal(knob__option_set(many, &s, "bogus", "1", "sampler 'x'", "objective"),
                     KNOB_EINVAL);
    const char *m = knob_errmsg();
    assert_non_null(strstr(m, "unknown option 'bogus' (options: objective, a_rather_long"));
    assert_string_equal(m + strlen(m) - strlen(", reference_point)"), ", reference_point)");
}

/* A check whose failure is not the caller's (a fixed value that misfits, a stored
 * distribution read again) took the message aside through 1024 bytes: a long one was cut
 * and its block freed under the pointer knob_errmsg had given. It is handed back whole,
 * at the same address; a short one comes back as it was. */
static void kept_message_comes_back_whole(void **state)
{
    (void)state;
    char *text = long_text(3000);
    knob_set_error(KNOB_EINVAL, "first '%s'", text);
    const char *given = knob_errmsg();
    knob__kept_error kept;
    knob__error_keep(&kept);
    knob_set_error(KNOB_EINVAL, "a check's own '%s'", text);
    knob__error_put(&kept);
    assert_ptr_equal(knob_errmsg(), given);
    assert_int_equal(strlen(knob_errmsg()), strlen("first ''") + strlen(text));
    assert_string_equal(knob_errmsg() + strlen(knob_errmsg()) - 6, "<end>'");

    knob_set_error(KNOB_EINVAL, "short");
    knob__error_keep(&kept);
    knob_set_error(KNOB_EINVAL, "a check's own '%s'", text);
    knob__error_put(&kept);
    assert_string_equal(knob_errmsg(), "short");
    free(text);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_message_is_whole),
        cmocka_unit_test(kept_message_comes_back_whole),
        cmocka_unit_test(message_made_of_the_last_one),
        cmocka_unit_test(messages_are_per_thread),
        cmocka_unit_test(unknown_option_lists_every_name),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
