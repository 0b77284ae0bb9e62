/* knob.h's promises checked as a C user reads them: each case is a call whose documented
 * result the library once did not give. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Directions given without their count were read as one minimized objective, so a study
 * meant to maximize silently minimized. */
static void directions_need_their_count(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = NULL;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_direction max = KNOB_MAXIMIZE;
    knob_study_options o = {.directions = &max};
    assert_int_equal(knob_study_create(st, "forgot", &o, &s), KNOB_EINVAL);
    assert_null(s);
    assert_non_null(strstr(knob_errmsg(), "study 'forgot'"));
    assert_non_null(strstr(knob_errmsg(), "n_objectives is 0"));
    const knob_study_summary *list;
    size_t n;
    assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
    assert_int_equal(n, 0);
    /* With the count it is a maximized study; with no_objective the directions are
     * ignored, as documented. */
    o.n_objectives = 1;
    assert_int_equal(knob_study_create(st, "max", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_direction(s, 0), KNOB_MAXIMIZE);
    knob_study_free(s);
    knob_study_options none = {.directions = &max, .no_objective = true};
    assert_int_equal(knob_study_create(st, "none", &none, &s), KNOB_OK);
    assert_int_equal(knob_study_n_objectives(s), 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Attributes are "validated" JSON, yet numbers were checked by strtod alone: "01", "1."
 * and "1.e5" were stored, and no JSON reader (Python's json, PostgreSQL's jsonb, the
 * browser's JSON.parse) reads them back. */
static void attribute_numbers_are_json(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "attrs", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    static const char *const bad[] = {"01", "-01",  "1.", "1.e5", "-",           "1e",
                                      "00", "[01]", "+1", ".5",   "{\"a\": 1.}", "-.5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(knob_trial_set_user_attr(t, "k", bad[i]), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "'k'"));
        assert_int_equal(knob_study_set_user_attr(s, "k", bad[i]), KNOB_EINVAL);
        assert_int_equal(knob_study_enqueue(s, bad[i]), KNOB_EINVAL);
    }
    assert_null(knob_trial_user_attr(t, "k"));
    assert_null(knob_study_user_attr(s, "k"));
    static const char *const good[] = {"0",    "-0",   "0.5",  "-0.5",          "10",   "1e5",
                                       "1E+2", "2e-3", "-0e0", "[0, 1.25, -3]", "1e999"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(knob_trial_set_user_attr(t, "k", good[i]), KNOB_OK);
        assert_string_equal(knob_trial_user_attr(t, "k"), good[i]);
        assert_int_equal(knob_study_set_user_attr(s, "k", good[i]), KNOB_OK);
    }
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* "Reporting a step again is ignored (the first value stays)": a step first reported as
 * NaN took a finite value told again at that step, which cleared the divergence, and a
 * finite step reported again as NaN marked the run diverged. */
static void repeated_step_keeps_first_report(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    knob_pruner *pr;
    bool prune;
    const knob_step_value *sv;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_pruner_create("median", NULL, &pr), KNOB_OK);
    knob_study_options o = {.pruner = pr};
    assert_int_equal(knob_study_create(st, "repeat", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 1, NAN), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
    assert_true(prune);
    assert_int_equal(knob_trial_report(t, 1, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
    assert_true(prune);
    assert_int_equal(knob_trial_intermediate(t, &sv), 1);
    assert_int_equal(sv[0].step, 0);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);

    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 3, 2.0), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 3, NAN), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 3, INFINITY), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
    assert_false(prune);
    assert_int_equal(knob_trial_intermediate(t, &sv), 1);
    assert_true(sv[0].value == 2.0);
    /* a later step still diverges */
    assert_int_equal(knob_trial_report(t, 4, NAN), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
    assert_true(prune);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_param_format of a param no distribution holds wrote "null" (the text of a null
 * choice) for an index past the choices or a NaN, and a number for an unknown kind, all
 * with a length as if it had succeeded. */
static void param_format_refuses_values_outside(void **state)
{
    (void)state;
    knob_choice ch[2] = {{KNOB_CHOICE_STRING, "adam", 0}, {KNOB_CHOICE_NULL, NULL, 0}};
    knob_distribution cat = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = ch};
    knob_distribution num = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    char buf[32] = "untouched";
    knob_param p = {"opt", &cat, 1};
    assert_int_equal(knob_param_format(&p, buf, sizeof buf), 4);
    assert_string_equal(buf, "null");
    p.internal = 0;
    assert_int_equal(knob_param_format(&p, buf, sizeof buf), 6);
    assert_string_equal(buf, "\"adam\"");
    const double bad_index[] = {2, -1, 0.5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_index / sizeof *bad_index; i++) {
        strcpy(buf, "untouched");
        p.internal = bad_index[i];
        assert_int_equal(knob_param_format(&p, buf, sizeof buf), -KNOB_EINVAL);
        assert_string_equal(buf, "untouched");
        assert_non_null(strstr(knob_errmsg(), "param 'opt'"));
    }
    knob_param q = {"lr", &num, NAN};
    assert_int_equal(knob_param_format(&q, buf, sizeof buf), -KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'lr'"));
    q.internal = -INFINITY;
    assert_int_equal(knob_param_format(&q, NULL, 0), -KNOB_EINVAL);
    q.internal = 0.25;
    assert_int_equal(knob_param_format(&q, buf, sizeof buf), 4);
    assert_string_equal(buf, "0.25");
    num.kind = (knob_dist_kind)9;
    assert_int_equal(knob_param_format(&q, buf, sizeof buf), -KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "param 'lr'"));
}

static knob_trial_state objective_bad_state(knob_trial *t, void *ctx, double *values)
{
    double x;
    (void)ctx;
    values[0] = 1;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
        return KNOB_TRIAL_FAIL;
    return knob_trial_number(t) == 0 ? KNOB_TRIAL_RUNNING : (knob_trial_state)42;
}

/* An objective returning a state that finishes nothing (RUNNING, or a number of no
 * state): knob_study_tell refused it and kept the trial open, so knob_study_optimize left
 * every such trial RUNNING in the storage and leaked its handle. */
static void optimize_fails_a_bad_returned_state(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "bad-state", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_optimize(s, objective_bad_state, NULL, 3), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->state, KNOB_TRIAL_FAIL);
        assert_int_equal(tr[i]->n_params, 1);
        const char *why = knob_trial_info_attr(tr[i], "fail_reason", true);
        assert_non_null(why);
        assert_non_null(strstr(why, "the objective returned state"));
    }
    assert_non_null(strstr(knob_trial_info_attr(tr[0], "fail_reason", true), "(running)"));
    knob_study_free(s);
    knob_storage_close(st);
}

/* Names and JSON texts that are not UTF-8 were taken and stored: SQLite kept the bytes, so
 * the study's JSON (knob report, the Python package, jsonb on PostgreSQL) could not be read
 * back. Each is refused, naming what; valid UTF-8 (and \\u escapes) is kept as given. */
static void names_and_json_are_utf8(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = NULL;
    knob_trial *t;
    double x;
    size_t c;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    static const char *const bad[] = {"bad\xff", "cut\xc3", "over\xc0\xaf", "sur\xed\xa0\x80",
                                      "big\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(knob_study_create(st, bad[i], NULL, &s), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "not valid UTF-8"));
    }
    assert_null(s);
    assert_int_equal(knob_study_create(st, "\xe6\x97\xa5\xe6\x9c\xac", NULL, &s), KNOB_OK);
    assert_string_equal(knob_study_name(s), "\xe6\x97\xa5\xe6\x9c\xac");
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(knob_trial_suggest_float(t, bad[i], 0, 1, 0, 0, &x), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "param name"));
        const char *choices[] = {"ok", bad[i]};
        assert_int_equal(knob_trial_suggest_categorical(t, "c", choices, 2, &c), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "param 'c': choice 1 is not valid UTF-8"));
        assert_int_equal(knob_trial_set_user_attr(t, bad[i], "1"), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "attribute key"));
        assert_int_equal(knob_study_set_user_attr(s, bad[i], "1"), KNOB_EINVAL);
        char json[64];
        snprintf(json, sizeof json, "\"%s\"", bad[i]);
        /* said to be no UTF-8, at the offset of its first bad byte, which the message does
         * not copy (it said "is not valid JSON" and held the byte) */
        size_t at = 1; /* each is ASCII up to its bad byte */
        while ((unsigned char)json[at] < 0x80)
            at++;
        char says[80];
        snprintf(says, sizeof says, "attribute 'k' is not valid UTF-8: byte %zu of its JSON text",
                 at);
        assert_int_equal(knob_trial_set_user_attr(t, "k", json), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), says) || !strstr(knob_errmsg(), "trial 0: "))
            fail_msg("%s: %s", bad[i], knob_errmsg());
        for (const char *m = knob_errmsg(); *m; m++)
            if ((unsigned char)*m >= 0x80)
                fail_msg("the message holds byte 0x%02x: %s", (unsigned char)*m, knob_errmsg());
        assert_int_equal(knob_study_set_system_attr(s, "k", json), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), says))
            fail_msg("%s: %s", bad[i], knob_errmsg());
        snprintf(json, sizeof json, "{\"%s\": 1}", bad[i]);
        assert_int_equal(knob_study_enqueue(s, json), KNOB_EINVAL);
    }
    assert_int_equal(knob_trial_n_params(t), 0);
    const char *good[] = {"caf\xc3\xa9", "\xf0\x9f\x8e\x9b"};
    assert_int_equal(knob_trial_suggest_categorical(t, "\xce\xbb", good, 2, &c), KNOB_OK);
    assert_int_equal(knob_trial_set_user_attr(t, "k", "\"caf\xc3\xa9 \\ud83c\\udf9b\""), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The samplers of one objective answer a study of several alike: cmaes and smac returned
 * KNOB_EUNSUPPORTED and evolution KNOB_EINVAL, so a caller (the Python package maps them
 * to NotImplementedError and ValueError) could not tell "this sampler cannot" from "your
 * argument is wrong". A study without objective is the caller's mistake: KNOB_EINVAL. */
static void one_objective_samplers_refuse_several_alike(void **state)
{
    (void)state;
    static const char *const names[] = {"cmaes", "smac", "evolution"};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_direction two[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        knob_sampler *sp;
        knob_study *s;
        knob_trial *t = NULL;
        char study[32];
        assert_int_equal(knob_sampler_create(names[i], "seed=3", &sp), KNOB_OK);
        knob_study_options o = {.directions = two, .n_objectives = 2, .sampler = sp};
        snprintf(study, sizeof study, "two-%s", names[i]);
        assert_int_equal(knob_study_create(st, study, &o, &s), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EUNSUPPORTED);
        assert_null(t);
        char want[64];
        snprintf(want, sizeof want, "sampler '%s' optimizes one objective", names[i]);
        assert_non_null(strstr(knob_errmsg(), want));
        snprintf(want, sizeof want, "study '%s' has 2", study);
        assert_non_null(strstr(knob_errmsg(), want));
        knob_study_free(s);

        assert_int_equal(knob_sampler_create(names[i], "seed=3", &sp), KNOB_OK);
        knob_study_options none = {.sampler = sp, .no_objective = true};
        snprintf(study, sizeof study, "none-%s", names[i]);
        assert_int_equal(knob_study_create(st, study, &none, &s), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
        assert_null(t);
        snprintf(want, sizeof want, "study '%s'", study);
        assert_non_null(strstr(knob_errmsg(), want));
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* knob_study_direction of an objective the study does not have returned KNOB_MINIMIZE,
 * so a wrong index read as a minimized objective. It returns KNOB_DIRECTION_NOT_SET, which
 * no study can be created with. */
static void direction_past_the_objectives_is_not_set(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_direction two[2] = {KNOB_MAXIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = two, .n_objectives = 2};
    assert_int_equal(knob_study_create(st, "two", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_direction(s, 0), KNOB_MAXIMIZE);
    assert_int_equal(knob_study_direction(s, 1), KNOB_MINIMIZE);
    assert_int_equal(knob_study_direction(s, 2), KNOB_DIRECTION_NOT_SET);
    assert_int_equal(knob_study_direction(s, (size_t)-1), KNOB_DIRECTION_NOT_SET);
    assert_int_equal(knob_study_direction(NULL, 0), KNOB_DIRECTION_NOT_SET);
    knob_study_free(s);
    knob_study_options none = {.no_objective = true};
    assert_int_equal(knob_study_create(st, "none", &none, &s), KNOB_OK);
    assert_int_equal(knob_study_direction(s, 0), KNOB_DIRECTION_NOT_SET);
    knob_study_free(s);
    /* the value is no direction a study takes */
    knob_direction unset = KNOB_DIRECTION_NOT_SET;
    knob_study_options bad = {.directions = &unset, .n_objectives = 1};
    s = NULL;
    assert_int_equal(knob_study_create(st, "unset", &bad, &s), KNOB_EINVAL);
    assert_null(s);
    assert_non_null(strstr(knob_errmsg(), "direction 0 is -1"));
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(directions_need_their_count),
        cmocka_unit_test(attribute_numbers_are_json),
        cmocka_unit_test(repeated_step_keeps_first_report),
        cmocka_unit_test(param_format_refuses_values_outside),
        cmocka_unit_test(optimize_fails_a_bad_returned_state),
        cmocka_unit_test(names_and_json_are_utf8),
        cmocka_unit_test(one_objective_samplers_refuse_several_alike),
        cmocka_unit_test(direction_past_the_objectives_is_not_set),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
