/* User-written samplers and pruners: registration (names, versions, tables, threads),
 * lookup and listing, knob_*_create_plugin and _create_pairs, enum options. The
 * registry lives as long as the process, so every case registers names of its own. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>

/* ---------------------------------------------------------------- a small sampler */

/* Suggests `value` for every float and the low end for everything else. */
typedef struct konst {
    double value;
    char *mode; /* an enum: "fixed" or "low" */
    char *note; /* a string */
    bool low;   /* derived by init from mode */
} konst;

static int fini_calls;

static int konst_init(void *state)
{
    konst *k = state;
    k->low = strcmp(k->mode, "low") == 0;
    if (k->value < -1)
        return knob_set_error(KNOB_EINVAL, "sampler 'konst': value below -1");
    return KNOB_OK;
}

static void konst_fini(void *state)
{
    (void)state;
    fini_calls++;
}

static int konst_sample(void *state, knob_study *s, knob_trial *t, const char *name,
                        const knob_distribution *d, double *internal)
{
    konst *k = state;
    *internal = d->kind == KNOB_DIST_FLOAT && !k->low ? k->value : d->low;
    return KNOB_OK;
}

static const char *const konst_modes[] = {"fixed", "low", NULL};

static const knob_option konst_options[] = {
    {.name = "value",
     .type = KNOB_OPT_DOUBLE,
     .offset = offsetof(konst, value),
     .def = "0.5",
     .help = "the value of every float"},
    {.name = "mode",
     .type = KNOB_OPT_ENUM,
     .offset = offsetof(konst, mode),
     .def = "fixed",
     .help = "fixed: value; low: the low end",
     .choices = konst_modes},
    {.name = "note", .type = KNOB_OPT_STRING, .offset = offsetof(konst, note), .def = ""},
    {0},
};

/* A table named `name`, the rest as konst's. */
static knob_sampler_plugin konst_named(const char *name)
{
    return (knob_sampler_plugin){
        .version = KNOB_SAMPLER_PLUGIN_VERSION,
        .name = name,
        .help = "a constant, for tests",
        .state_size = sizeof(konst),
        .options = konst_options,
        .init = konst_init,
        .fini = konst_fini,
        .sample_independent = konst_sample,
    };
}

/* ---------------------------------------------------------------- a small pruner */

static int prune_calls;

static int stop_after(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const knob_step_value *v;
    prune_calls++;
    *out = knob_trial_intermediate(t, &v) >= (size_t) * (int64_t *)state;
    return KNOB_OK;
}

static const knob_option stop_options[] = {
    {.name = "steps", .type = KNOB_OPT_INT, .offset = 0, .def = "3", .min = 1, .max = 100},
    {0},
};

static const knob_pruner_plugin stop_pruner = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "test-stop-after",
    .state_size = sizeof(int64_t),
    .options = stop_options,
    .prune = stop_after,
};

static size_t n_builtin_samplers(void)
{
    size_t n = 0;
    while (knob_sampler_builtins()[n])
        n++;
    return n;
}

static bool listed(const char *name)
{
    const knob_sampler_plugin *all[256];
    size_t n = knob_sampler_list(all, 256);
    assert_true(n <= 256);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i]->name, name) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------- cases */

/* A registered sampler is found by name, with its options, and samples a study. */
static void register_then_create_by_name(void **state)
{
    (void)state;
    static knob_sampler_plugin table;
    table = konst_named("test-konst");
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("test-konst", NULL, &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "unknown sampler 'test-konst'"));
    assert_false(listed("test-konst"));
    assert_int_equal(knob_sampler_register(&table), KNOB_OK);
    assert_true(listed("test-konst"));
    assert_int_equal(knob_sampler_create("test-konst", "value=0.25,seed=3", &sp), KNOB_OK);
    assert_string_equal(knob_sampler_name(sp), "test-konst");
    assert_int_equal(knob_sampler_seed(sp), 3);
    konst *k = knob_sampler_state(sp);
    assert_true(k->value == 0.25);
    assert_string_equal(k->mode, "fixed");

    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "konst", &o, &s), KNOB_OK);
    for (int i = 0; i < 3; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_true(x == 0.25);
        y = x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    int before = fini_calls;
    knob_study_free(s);
    assert_int_equal(fini_calls, before + 1);
    knob_storage_close(st);

    /* An unknown name lists the registered ones too. */
    assert_int_equal(knob_sampler_create("test-nope", NULL, &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "random, grid"));
    assert_non_null(strstr(knob_errmsg(), "test-konst"));
}

/* A name is taken by a built-in or a registered plugin, whichever table brings it. */
static void register_refuses_taken_names(void **state)
{
    (void)state;
    static knob_sampler_plugin tpe, twice, again;
    tpe = konst_named("tpe");
    assert_int_equal(knob_sampler_register(&tpe), KNOB_EEXIST);
    assert_non_null(strstr(knob_errmsg(), "'tpe'"));
    twice = konst_named("test-twice");
    again = konst_named("test-twice");
    assert_int_equal(knob_sampler_register(&twice), KNOB_OK);
    assert_int_equal(knob_sampler_register(&twice), KNOB_EEXIST);
    assert_int_equal(knob_sampler_register(&again), KNOB_EEXIST);
    assert_non_null(strstr(knob_errmsg(), "sampler named 'test-twice' already"));

    static knob_pruner_plugin median, same_as_sampler;
    median = stop_pruner;
    median.name = "median";
    assert_int_equal(knob_pruner_register(&median), KNOB_EEXIST);
    /* Samplers and pruners have names apart. */
    same_as_sampler = stop_pruner;
    same_as_sampler.name = "test-twice";
    assert_int_equal(knob_pruner_register(&same_as_sampler), KNOB_OK);
}

/* A table built against another knob.h is refused, by register and by create. */
static void register_refuses_wrong_version(void **state)
{
    (void)state;
    static knob_sampler_plugin old;
    old = konst_named("test-old");
    old.version = 1;
    assert_int_equal(knob_sampler_register(&old), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "version 1"));
    assert_non_null(strstr(knob_errmsg(), "takes versions 3 to 4"));
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create_plugin(&old, NULL, &sp), KNOB_EUNSUPPORTED);
    assert_null(sp);
    /* version 2's table ends before save_state and load_state: refused, not misread */
    old.version = 2;
    assert_int_equal(knob_sampler_create_plugin(&old, NULL, &sp), KNOB_EUNSUPPORTED);
    assert_null(sp);
    assert_false(listed("test-old"));

    static knob_pruner_plugin newer;
    newer = stop_pruner;
    newer.name = "test-newer";
    newer.version = KNOB_PRUNER_PLUGIN_VERSION + 1;
    assert_int_equal(knob_pruner_register(&newer), KNOB_EUNSUPPORTED);
    knob_pruner *p = NULL;
    assert_int_equal(knob_pruner_create("test-newer", NULL, &p), KNOB_EINVAL);
    assert_null(p);
}

static int left_calls;

static int konst_left(void *state, knob_study *s, int64_t *left)
{
    (void)state, (void)s;
    left_calls++;
    *left = 5;
    return KNOB_OK;
}

/* Asks one trial of a study of sampler sp (a float is the sampler's value), and the trials
 * left: *left, or -1 when the sampler does not say. */
static void ask_one(knob_sampler *sp, const char *study, double *x, int64_t *left)
{
    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_study_create(st, study, &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, x, 1), KNOB_OK);
    int rc = knob_study_trials_left(s, left);
    if (rc) {
        assert_int_equal(rc, KNOB_EUNSUPPORTED);
        assert_non_null(strstr(knob_errmsg(), study));
        *left = -1;
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A table built against version 3 of knob.h, which ends at load_state, still registers and
 * samples; the library reads nothing past its end (a trials_left there is not its own):
 * knob_study_trials_left says the sampler does not count. Version 4's trials_left answers. */
static void version_3_table_still_works(void **state)
{
    (void)state;
    static knob_sampler_plugin v3;
    v3 = konst_named("test-v3");
    v3.version = 3;
    v3.trials_left = konst_left;
    assert_int_equal(knob_sampler_register(&v3), KNOB_OK);
    assert_true(listed("test-v3"));
    knob_sampler *sp;
    double x;
    int64_t left;
    assert_int_equal(knob_sampler_create("test-v3", "value=2", &sp), KNOB_OK);
    ask_one(sp, "test-v3", &x, &left);
    assert_true(x == 2);
    assert_int_equal(left, -1);
    assert_int_equal(left_calls, 0);
    /* the table as a program built against version 3 holds it: allocated to its end */
    knob_sampler_plugin named = v3;
    named.name = "test-v3-short";
    size_t size = offsetof(knob_sampler_plugin, trials_left);
    void *old = malloc(size);
    assert_non_null(old);
    memcpy(old, &named, size);
    assert_int_equal(knob_sampler_create_plugin(old, "value=3", &sp), KNOB_OK);
    ask_one(sp, "test-v3-short", &x, &left);
    assert_true(x == 3);
    assert_int_equal(left, -1);
    free(old);
    static knob_sampler_plugin v4;
    v4 = konst_named("test-v4");
    v4.trials_left = konst_left;
    assert_int_equal(knob_sampler_register(&v4), KNOB_OK);
    assert_int_equal(knob_sampler_create("test-v4", NULL, &sp), KNOB_OK);
    ask_one(sp, "test-v4", &x, &left);
    assert_int_equal(left, 5);
    assert_int_equal(left_calls, 1);
}

/* A table that cannot work is refused when registered, naming what is wrong. */
static void register_refuses_bad_tables(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    static const knob_option past_end[] = {
        {.name = "far", .type = KNOB_OPT_DOUBLE, .offset = sizeof(konst) - 4}, {0}};
    static const knob_option no_choices[] = {
        {.name = "how", .type = KNOB_OPT_ENUM, .offset = offsetof(konst, mode)}, {0}};
    static const knob_option empty_choices[] = {
        {.name = "how", .type = KNOB_OPT_ENUM, .offset = offsetof(konst, mode), .choices = none},
        {0}};
    static const knob_option bad_default[] = {{.name = "how",
                                               .type = KNOB_OPT_ENUM,
                                               .offset = offsetof(konst, mode),
                                               .def = "medium",
                                               .choices = konst_modes},
                                              {0}};
    static const knob_option twice[] = {{.name = "v", .type = KNOB_OPT_DOUBLE, .offset = 0},
                                        {.name = "v", .type = KNOB_OPT_DOUBLE, .offset = 0},
                                        {0}};
    static const knob_option seed[] = {{.name = "seed", .type = KNOB_OPT_INT, .offset = 0}, {0}};
    static const knob_option odd_type[] = {{.name = "odd", .type = (knob_opt_type)99, .offset = 0},
                                           {0}};
    static const struct {
        const knob_option *options;
        const char *says;
    } cases[] = {
        {past_end, "option 'far' (8 bytes at offset"},
        {no_choices, "enum option 'how' has no choices"},
        {empty_choices, "enum option 'how' has no choices"},
        {bad_default, "default 'medium', not one of fixed or low"},
        {twice, "option 'v' is declared twice"},
        {seed, "option 'seed' is the library's"},
        {odd_type, "option 'odd' has an unknown type 99"},
    };
    static knob_sampler_plugin tables[sizeof cases / sizeof *cases];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tables[i] = konst_named("test-bad-table");
        tables[i].options = cases[i].options;
        assert_int_equal(knob_sampler_register(&tables[i]), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), cases[i].says) || !strstr(knob_errmsg(), "'test-bad-table'"))
            fail_msg("case %zu: %s", i, knob_errmsg());
        knob_sampler *sp = NULL;
        assert_int_equal(knob_sampler_create_plugin(&tables[i], NULL, &sp), KNOB_EINVAL);
        assert_null(sp);
    }
    assert_false(listed("test-bad-table"));

    static knob_sampler_plugin named[4];
    const char *names[] = {"", "a b", "x,y", "n=1"};
    for (int i = 0; i < 4; i++) {
        named[i] = konst_named(names[i]);
        assert_int_equal(knob_sampler_register(&named[i]), KNOB_EINVAL);
    }
    named[0].name = NULL;
    assert_int_equal(knob_sampler_register(&named[0]), KNOB_EINVAL);
    assert_int_equal(knob_sampler_register(NULL), KNOB_EINVAL);
    assert_int_equal(knob_pruner_register(NULL), KNOB_EINVAL);

    /* A pruner has no seed of the library's: it may declare one. */
    static knob_pruner_plugin seeded;
    seeded = stop_pruner;
    seeded.name = "test-seeded-pruner";
    seeded.options = seed;
    assert_int_equal(knob_pruner_register(&seeded), KNOB_OK);
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("test-seeded-pruner", "seed=4", &p), KNOB_OK);
    knob_pruner_free(p);

    /* A pruner's `objective` is read by the library as an integer (knob_trial_report, and
     * the CLI reports that objective's metric): one of another type was taken, and read as
     * objective 0 by the one while the CLI read "1.5" as objective 1. A sampler's option
     * of that name is its own. */
    static const knob_option real_objective[] = {
        {.name = "objective", .type = KNOB_OPT_DOUBLE, .offset = 0, .def = "0"}, {0}};
    static knob_pruner_plugin real;
    real = stop_pruner;
    real.name = "test-real-objective";
    real.options = real_objective;
    assert_int_equal(knob_pruner_register(&real), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(),
                        "knob_pruner_register: pruner 'test-real-objective': option 'objective' "
                        "is read by the library "
                        "as an index (which objective's intermediate values the pruner reads): "
                        "declare it KNOB_OPT_INT");
    p = NULL;
    assert_int_equal(knob_pruner_create_plugin(&real, "objective=1.5", &p), KNOB_EINVAL);
    assert_null(p);
    static knob_sampler_plugin sampler_objective;
    sampler_objective = konst_named("test-sampler-objective");
    sampler_objective.options = real_objective;
    sampler_objective.init = NULL; /* konst's reads its mode */
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create_plugin(&sampler_objective, "objective=1.5", &sp), KNOB_OK);
    knob_sampler_free(sp);
}

static int half_save(void *state, knob_study *s, void **data, size_t *len, int64_t *stamp)
{
    (void)state;
    (void)s;
    (void)data;
    (void)len;
    (void)stamp;
    return KNOB_EDONE;
}

static int half_load(void *state, knob_study *s, const void *data, size_t len, int64_t stamp)
{
    (void)state;
    (void)s;
    (void)data;
    (void)len;
    (void)stamp;
    return KNOB_OK;
}

/* Tables that were registered and could not work: a sampler without sample_independent
 * (every suggest failed), one with save_state but no load_state (or the other way: a state
 * written for nothing), a pruner without prune (it never pruned, a diverged run included);
 * options whose default their type refuses ("abc" for an int, so every create failed), whose
 * range is empty (min > max) or NaN. Each is refused by register and by create_plugin, naming
 * it; every built-in table passes the same checks (registering it again is only a taken
 * name), and the built-in "none" still prunes nothing, a diverged run included. */
static void register_refuses_tables_that_cannot_work(void **state)
{
    (void)state;
    static knob_sampler_plugin no_si, only_save, only_load;
    no_si = konst_named("test-no-si");
    no_si.sample_independent = NULL;
    only_save = konst_named("test-only-save");
    only_save.save_state = half_save;
    only_load = konst_named("test-only-load");
    only_load.load_state = half_load;
    static const struct {
        knob_sampler_plugin *table;
        const char *says;
    } methods[] = {
        {&no_si, "sampler 'test-no-si': the table has no sample_independent"},
        {&only_save, "sampler 'test-only-save': the table has save_state but no load_state"},
        {&only_load, "sampler 'test-only-load': the table has load_state but no save_state"},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        assert_int_equal(knob_sampler_register(methods[i].table), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), methods[i].says))
            fail_msg("case %zu: %s", i, knob_errmsg());
        knob_sampler *sp = NULL;
        assert_int_equal(knob_sampler_create_plugin(methods[i].table, NULL, &sp), KNOB_EINVAL);
        assert_null(sp);
        assert_false(listed(methods[i].table->name));
    }
    static knob_sampler_plugin both;
    both = konst_named("test-save-and-load");
    both.save_state = half_save;
    both.load_state = half_load;
    assert_int_equal(knob_sampler_register(&both), KNOB_OK);

    static knob_pruner_plugin no_prune;
    no_prune = stop_pruner;
    no_prune.name = "test-no-prune";
    no_prune.prune = NULL;
    assert_int_equal(knob_pruner_register(&no_prune), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'test-no-prune': the table has no prune"));
    knob_pruner *p = NULL;
    assert_int_equal(knob_pruner_create_plugin(&no_prune, NULL, &p), KNOB_EINVAL);
    assert_null(p);
    assert_int_equal(knob_pruner_create("test-no-prune", NULL, &p), KNOB_EINVAL);

    static const knob_option abc_int[] = {
        {.name = "n", .type = KNOB_OPT_INT, .offset = 0, .def = "abc"}, {0}};
    static const knob_option abc_double[] = {
        {.name = "x", .type = KNOB_OPT_DOUBLE, .offset = 0, .def = "1.5x"}, {0}};
    static const knob_option maybe_bool[] = {
        {.name = "b", .type = KNOB_OPT_BOOL, .offset = 0, .def = "maybe"}, {0}};
    static const knob_option out_of_range[] = {
        {.name = "n", .type = KNOB_OPT_INT, .offset = 0, .def = "0", .min = 1, .max = 9}, {0}};
    static const knob_option min_over_max[] = {
        {.name = "n", .type = KNOB_OPT_INT, .offset = 0, .def = "5", .min = 9, .max = 1}, {0}};
    static const knob_option nan_bound[] = {
        {.name = "x", .type = KNOB_OPT_DOUBLE, .offset = 0, .min = 0, .max = NAN}, {0}};
    static const struct {
        const knob_option *options;
        const char *says;
    } options[] = {
        {abc_int, "option 'n' needs an integer, got 'abc' (the table's default)"},
        {abc_double, "option 'x' needs a number, got '1.5x'"},
        {maybe_bool, "option 'b' needs true or false, got 'maybe'"},
        {out_of_range, "option 'n' must be in [1, 9], got 0"},
        {min_over_max, "option 'n' has the range [9, 1], which holds no value"},
        {nan_bound, "option 'x' has the range [0, nan], which holds no value"},
    };
    static knob_pruner_plugin tables[sizeof options / sizeof *options];
    for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
        tables[i] = stop_pruner;
        tables[i].name = "test-bad-option";
        tables[i].options = options[i].options;
        assert_int_equal(knob_pruner_register(&tables[i]), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), options[i].says) ||
            !strstr(knob_errmsg(), "pruner 'test-bad-option'"))
            fail_msg("case %zu: %s", i, knob_errmsg());
        p = NULL;
        assert_int_equal(knob_pruner_create_plugin(&tables[i], NULL, &p), KNOB_EINVAL);
        assert_null(p);
    }

    for (const knob_sampler_plugin *const *b = knob_sampler_builtins(); *b; b++)
        if (knob_sampler_register(*b) != KNOB_EEXIST)
            fail_msg("built-in sampler '%s': %s", (*b)->name, knob_errmsg());
    for (const knob_pruner_plugin *const *b = knob_pruner_builtins(); *b; b++)
        if (knob_pruner_register(*b) != KNOB_EEXIST)
            fail_msg("built-in pruner '%s': %s", (*b)->name, knob_errmsg());

    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    bool stop = true;
    assert_int_equal(knob_pruner_create("none", NULL, &p), KNOB_OK);
    knob_study_options o = {.pruner = p};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "none", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, NAN), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_false(stop);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The list: the built-ins in their order, then the registered ones in theirs. */
static void list_covers_builtins_and_registered(void **state)
{
    (void)state;
    static knob_sampler_plugin a, b;
    a = konst_named("test-list-a");
    b = konst_named("test-list-b");
    size_t n0 = knob_sampler_list(NULL, 0), nb = n_builtin_samplers();
    assert_true(n0 >= nb);
    assert_int_equal(knob_sampler_register(&a), KNOB_OK);
    assert_int_equal(knob_sampler_register(&b), KNOB_OK);
    const knob_sampler_plugin *all[256];
    size_t n = knob_sampler_list(all, 256);
    assert_int_equal(n, n0 + 2);
    for (size_t i = 0; i < nb; i++)
        assert_ptr_equal(all[i], knob_sampler_builtins()[i]);
    assert_ptr_equal(all[n - 2], &a);
    assert_ptr_equal(all[n - 1], &b);

    /* A short array gets the first entries and the count of all. */
    const knob_sampler_plugin *two[3] = {NULL, NULL, NULL};
    assert_int_equal(knob_sampler_list(two, 2), n);
    assert_ptr_equal(two[0], all[0]);
    assert_ptr_equal(two[1], all[1]);
    assert_null(two[2]);

    static knob_pruner_plugin stop;
    stop = stop_pruner;
    stop.name = "test-list-pruner";
    size_t p0 = knob_pruner_list(NULL, 0);
    assert_int_equal(knob_pruner_register(&stop), KNOB_OK);
    const knob_pruner_plugin *pr[64];
    size_t np = knob_pruner_list(pr, 64);
    assert_int_equal(np, p0 + 1);
    assert_ptr_equal(pr[0], knob_pruner_builtins()[0]);
    assert_ptr_equal(pr[np - 1], &stop);
}

/* Counts the enum options of a table and checks each: every word is taken and kept,
 * an unknown word and a word in another case are refused with every choice named. */
static int check_enums(const char *kind, const char *name, const knob_option *o)
{
    int n = 0;
    for (; o && o->name; o++) {
        if (o->type != KNOB_OPT_ENUM)
            continue;
        n++;
        assert_non_null(o->choices);
        assert_non_null(o->choices[0]);
        const char *const words[] = {"no-such-word", "SOBOL", "Logei", ""};
        for (const char *const *w = o->choices; *w; w++) {
            const char *k[] = {o->name}, *v[] = {*w};
            int rc;
            if (!strcmp(kind, "sampler")) {
                knob_sampler *sp;
                rc = knob_sampler_create_pairs(name, k, v, 1, &sp);
                if (!rc) {
                    char *kept;
                    memcpy(&kept, (char *)knob_sampler_state(sp) + o->offset, sizeof kept);
                    assert_string_equal(kept, *w);
                    knob_sampler_free(sp);
                }
            } else {
                knob_pruner *p;
                rc = knob_pruner_create_pairs(name, k, v, 1, &p);
                knob_pruner_free(p);
            }
            if (rc)
                fail_msg("%s %s: %s=%s refused: %s", kind, name, o->name, *w, knob_errmsg());
        }
        for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
            bool choice = false;
            for (const char *const *w = o->choices; *w; w++)
                choice |= strcmp(*w, words[i]) == 0;
            if (choice)
                continue;
            const char *k[] = {o->name}, *v[] = {words[i]};
            knob_sampler *sp = NULL;
            knob_pruner *p = NULL;
            int rc = !strcmp(kind, "sampler") ? knob_sampler_create_pairs(name, k, v, 1, &sp)
                                              : knob_pruner_create_pairs(name, k, v, 1, &p);
            if (rc != KNOB_EINVAL)
                fail_msg("%s %s: %s='%s' taken", kind, name, o->name, words[i]);
            assert_null(sp);
            assert_null(p);
            const char *msg = knob_errmsg();
            assert_non_null(strstr(msg, name));
            assert_non_null(strstr(msg, o->name));
            for (const char *const *w = o->choices; *w; w++)
                if (!strstr(msg, *w))
                    fail_msg("%s %s: the message does not name '%s': %s", kind, name, *w, msg);
        }
    }
    return n;
}

/* Every built-in option that takes one of a set of words is an enum with its choices;
 * gp's acquisition lists "ei", which it has always taken (as logei). */
/* out NULL with a capacity wrote through NULL; it gives the count alone, as (NULL, 0). */
static void list_into_null_gives_the_count(void **state)
{
    (void)state;
    size_t n = knob_sampler_list(NULL, 0), m = knob_pruner_list(NULL, 0);
    assert_true(n > 0 && m > 0);
    assert_int_equal(knob_sampler_list(NULL, 5), n);
    assert_int_equal(knob_pruner_list(NULL, 5), m);
    assert_int_equal(knob_sampler_list(NULL, (size_t)-1), n);
    assert_int_equal(knob_pruner_list(NULL, (size_t)-1), m);
}

static void builtin_enum_options(void **state)
{
    (void)state;
    int n = 0;
    for (const knob_sampler_plugin *const *p = knob_sampler_builtins(); *p; p++)
        n += check_enums("sampler", (*p)->name, (*p)->options);
    for (const knob_pruner_plugin *const *p = knob_pruner_builtins(); *p; p++)
        n += check_enums("pruner", (*p)->name, (*p)->options);
    /* gp: startup, acquisition, failed, pending, mo_acquisition, batch_acquisition,
     * incumbent; tpe: weights, gamma_strategy, startup, mo_weights; cmaes:
     * restart_strategy; qmc: qmc_type; nsga2, nsga3: crossover, mutation, selection,
     * initial; grid: order. */
    assert_int_equal(n, 22);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("gp", "acquisition=pi", &sp), KNOB_EINVAL);
    assert_non_null(
        strstr(knob_errmsg(),
               "sampler 'gp': option 'acquisition' must be one of logei, ucb or ei; got 'pi'"));
    assert_int_equal(knob_sampler_create("gp", "acquisition=ei", &sp), KNOB_OK);
    knob_sampler_free(sp);
}

/* An unknown option's message lists every option the sampler takes, seed included (the
 * random sampler's only one: "sed" was answered "(options: none)"); a pruner takes none. */
static void unknown_option_lists_seed(void **state)
{
    (void)state;
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create("random", "sed=1", &sp), KNOB_EINVAL);
    assert_non_null(
        strstr(knob_errmsg(), "sampler 'random': unknown option 'sed' (options: seed)"));
    assert_int_equal(knob_sampler_create("tpe", "seeds=1", &sp), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "(options: seed, n_startup_trials, "));
    assert_null(sp);
    knob_pruner *pr = NULL;
    assert_int_equal(knob_pruner_create("median", "seed=1", &pr), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "(options: n_startup_trials, "));
    assert_null(pr);
    /* An unknown option after a value that starts with "name=" is said to be that value's
     * cut-off part (any plugin's: tests/unit/test_pruners.c has patient's wrapped_options);
     * after a value that holds '=' otherwise (a URL) it is only unknown. */
    static knob_sampler_plugin table;
    table = konst_named("test-note");
    assert_int_equal(knob_sampler_create_plugin(&table, "note=a=1,b=2,c=3", &sp), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(),
                        "sampler 'test-note': unknown option 'b' after note=a=1: the options "
                        "string splits at each comma outside brackets, so note took only 'a=1'; "
                        "a value of several k=v goes in brackets: note=[a=1,b=2,c=3]");
    assert_int_equal(knob_sampler_create_plugin(&table, "note=sqlite:///a.db?mode=ro,b=2", &sp),
                     KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "sampler 'test-note': unknown option 'b' (options: seed, "
                                       "value, mode, note)");
    assert_null(sp);
    assert_int_equal(knob_sampler_create_plugin(&table, "note=a=1,mode=low", &sp), KNOB_OK);
    konst *k = knob_sampler_state(sp);
    assert_string_equal(k->note, "a=1");
    assert_true(k->low);
    knob_sampler_free(sp);
}

/* An enum of a plugin's own: the default, each word, a refused word that changes
 * nothing; the state owns a copy of the word. */
static void enum_option_of_a_plugin(void **state)
{
    (void)state;
    static knob_sampler_plugin table;
    table = konst_named("test-enum");
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create_plugin(&table, NULL, &sp), KNOB_OK);
    konst *k = knob_sampler_state(sp);
    assert_string_equal(k->mode, "fixed");
    assert_false(k->low);
    assert_int_equal(knob_sampler_set_option(sp, "mode", "low"), KNOB_OK);
    assert_string_equal(k->mode, "low");
    assert_ptr_not_equal(k->mode, konst_modes[1]);
    assert_int_equal(knob_sampler_set_option(sp, "mode", "medium"), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "sampler 'test-enum': option 'mode' must be one of fixed "
                                       "or low; got 'medium'");
    assert_string_equal(k->mode, "low");
    knob_sampler_free(sp);

    assert_int_equal(knob_sampler_create_plugin(&table, "mode=low", &sp), KNOB_OK);
    assert_true(((konst *)knob_sampler_state(sp))->low);
    knob_sampler_free(sp);
    assert_int_equal(knob_sampler_create_plugin(&table, "mode=Low", &sp), KNOB_EINVAL);
}

/* create_plugin: options before init, init's failure is the create's (fini not called),
 * fini at free; a pruner of the caller's is asked through the study. */
static void create_plugin_runs_init_and_fini(void **state)
{
    (void)state;
    static knob_sampler_plugin table;
    table = konst_named("test-unregistered");
    knob_sampler *sp = NULL;
    int before = fini_calls;
    assert_int_equal(knob_sampler_create_plugin(&table, "value=-2", &sp), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "sampler 'konst': value below -1");
    assert_null(sp);
    assert_int_equal(fini_calls, before);
    assert_int_equal(knob_sampler_create_plugin(&table, "value=0.75,note=hi", &sp), KNOB_OK);
    assert_false(listed("test-unregistered"));
    assert_int_equal(knob_sampler_create_plugin(NULL, NULL, &sp), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create_plugin(&table, NULL, NULL), KNOB_EINVAL);

    knob_pruner *pr;
    assert_int_equal(knob_pruner_create_plugin(&stop_pruner, "steps=2", &pr), KNOB_OK);
    assert_int_equal(knob_pruner_set_option(pr, "steps", "0"), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'test-stop-after': option 'steps'"));
    assert_int_equal(knob_pruner_set_option(pr, "seed", "1"), KNOB_EINVAL);

    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = sp, .pruner = pr};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "plugins", &o, &s), KNOB_OK);
    knob_trial *t;
    double x;
    bool stop;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_true(x == 0.75);
    prune_calls = 0;
    assert_int_equal(knob_trial_report(t, 0, 1.0), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_false(stop);
    assert_int_equal(knob_trial_report(t, 1, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_true(stop);
    assert_int_equal(prune_calls, 2);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_study_free(s);
    assert_int_equal(fini_calls, before + 1);
    knob_storage_close(st);
}

/* Pairs reach init as the options string does, and keep a value whole. */
static void create_pairs_before_init(void **state)
{
    (void)state;
    static knob_sampler_plugin table;
    table = konst_named("test-pairs");
    assert_int_equal(knob_sampler_register(&table), KNOB_OK);
    const char *keys[] = {"mode", "note", "seed"};
    const char *values[] = {"low", "a,b=[c", "12"};
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create_pairs("test-pairs", keys, values, 3, &sp), KNOB_OK);
    konst *k = knob_sampler_state(sp);
    assert_true(k->low); /* init saw mode=low */
    assert_string_equal(k->note, "a,b=[c");
    assert_int_equal(knob_sampler_seed(sp), 12);
    knob_sampler_free(sp);
    assert_int_equal(knob_sampler_create_pairs("test-pairs", NULL, NULL, 0, &sp), KNOB_OK);
    knob_sampler_free(sp);
    const char *bad[] = {"mode", NULL};
    assert_int_equal(knob_sampler_create_pairs("test-pairs", bad, values, 2, &sp), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create_pairs("test-pairs", NULL, values, 1, &sp), KNOB_EINVAL);
    const char *unknown[] = {"speed"};
    assert_int_equal(knob_sampler_create_pairs("test-pairs", unknown, values, 1, &sp), KNOB_EINVAL);
    assert_non_null(
        strstr(knob_errmsg(), "unknown option 'speed' (options: seed, value, mode, note)"));

    /* A built-in: qmc's qmc_type is read by init, and pairs give what the string gives
     * (Halton points), not what setting it after creation gives (Sobol points). */
    double x[3][3];
    for (int run = 0; run < 3; run++) {
        const char *qk[] = {"seed", "qmc_type"}, *qv[] = {"5", "halton"};
        if (run == 0)
            assert_int_equal(knob_sampler_create("qmc", "seed=5,qmc_type=halton", &sp), KNOB_OK);
        else if (run == 1)
            assert_int_equal(knob_sampler_create_pairs("qmc", qk, qv, 2, &sp), KNOB_OK);
        else
            assert_int_equal(knob_sampler_create("qmc", "seed=5", &sp), KNOB_OK);
        knob_storage *st = knob_test_memory();
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        assert_int_equal(knob_study_create(st, "q", &o, &s), KNOB_OK);
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x[run][i]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
            y += x[run][i];
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < 3; i++)
        assert_true(x[0][i] == x[1][i]);
    assert_false(x[0][1] == x[2][1] && x[0][2] == x[2][2]);

    knob_pruner *p;
    const char *pk[] = {"wrapped", "wrapped_options"}, *pv[] = {"median", "[n_startup_trials=2]"};
    assert_int_equal(knob_pruner_create_pairs("patient", pk, pv, 2, &p), KNOB_OK);
    knob_pruner_free(p);
    pv[0] = "no-such-pruner";
    assert_int_equal(knob_pruner_create_pairs("patient", pk, pv, 2, &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "unknown pruner 'no-such-pruner'"));
}

/* ---------------------------------------------------------------- threads */

#define ROUNDS 8
#define THREADS 8
#define PER_THREAD 128
#define LIST_MAX (ROUNDS * THREADS * (PER_THREAD + 1) + 256)

static knob_sampler_plugin thread_tables[ROUNDS][THREADS][PER_THREAD];
static char thread_names[ROUNDS][THREADS][PER_THREAD][32];
static knob_sampler_plugin race_tables[ROUNDS][THREADS];
static char race_names[ROUNDS][32];
static int race_status[ROUNDS][THREADS];
static int thread_failures[THREADS];
static const knob_sampler_plugin *thread_lists[THREADS][LIST_MAX];
static pthread_barrier_t barrier;
static int round_now;

static void *register_many(void *arg)
{
    int id = (int)(intptr_t)arg, r = round_now;
    pthread_barrier_wait(&barrier);
    race_status[r][id] = knob_sampler_register(&race_tables[r][id]);
    /* Registrations back to back, so that threads meet inside the registry. */
    for (int i = 0; i < PER_THREAD; i++)
        if (knob_sampler_register(&thread_tables[r][id][i]) != KNOB_OK)
            thread_failures[id]++;
    /* Finding and listing while others may still register. */
    for (int i = 0; i < PER_THREAD; i += 8) {
        knob_sampler *sp;
        if (knob_sampler_create(thread_names[r][id][i], NULL, &sp) != KNOB_OK) {
            thread_failures[id]++;
            continue;
        }
        if (strcmp(knob_sampler_name(sp), thread_names[r][id][i]))
            thread_failures[id]++;
        knob_sampler_free(sp);
        size_t n = knob_sampler_list(thread_lists[id], LIST_MAX);
        for (size_t j = 0; j < n && j < LIST_MAX; j++)
            if (!thread_lists[id][j] || !thread_lists[id][j]->name)
                thread_failures[id]++;
    }
    return NULL;
}

/* Threads registering distinct names all get theirs, and nothing else is listed; of
 * threads registering one name, exactly one does. Several rounds, for the threads to
 * meet often in the registry (without its lock, about one run in five passes). */
static void registration_is_thread_safe(void **state)
{
    (void)state;
    size_t n0 = knob_sampler_list(NULL, 0);
    for (int r = 0; r < ROUNDS; r++) {
        snprintf(race_names[r], sizeof race_names[r], "test-race-%d", r);
        for (int id = 0; id < THREADS; id++) {
            race_tables[r][id] = konst_named(race_names[r]);
            for (int i = 0; i < PER_THREAD; i++) {
                snprintf(thread_names[r][id][i], sizeof thread_names[r][id][i], "test-t%d-%d-%d", r,
                         id, i);
                thread_tables[r][id][i] = konst_named(thread_names[r][id][i]);
            }
        }
    }
    for (int r = 0; r < ROUNDS; r++) {
        pthread_t th[THREADS];
        round_now = r;
        assert_int_equal(pthread_barrier_init(&barrier, NULL, THREADS), 0);
        for (int id = 0; id < THREADS; id++)
            assert_int_equal(pthread_create(&th[id], NULL, register_many, (void *)(intptr_t)id), 0);
        for (int id = 0; id < THREADS; id++)
            pthread_join(th[id], NULL);
        pthread_barrier_destroy(&barrier);
        int won = 0;
        for (int id = 0; id < THREADS; id++) {
            assert_int_equal(thread_failures[id], 0);
            if (race_status[r][id] == KNOB_OK)
                won++;
            else
                assert_int_equal(race_status[r][id], KNOB_EEXIST);
        }
        assert_int_equal(won, 1);
    }
    static const knob_sampler_plugin *all[LIST_MAX];
    size_t n = knob_sampler_list(all, LIST_MAX);
    assert_int_equal(n, n0 + ROUNDS * (THREADS * PER_THREAD + 1));
    /* Each registered table once, in the order its thread registered them. */
    for (int r = 0; r < ROUNDS; r++)
        for (int id = 0; id < THREADS; id++) {
            size_t at = 0;
            for (int i = 0; i < PER_THREAD; i++) {
                size_t seen = 0, where = 0;
                for (size_t j = n0; j < n; j++)
                    if (all[j] == &thread_tables[r][id][i])
                        seen++, where = j;
                assert_int_equal(seen, 1);
                assert_true(where > at);
                at = where;
            }
        }
}

/* ---------------------------------------------------------------- failures without a message */

/* Methods that fail without knob_set_error: with KNOB_EINVAL, or with 42, no status. */
static int mute_sample(void *state, knob_study *s, knob_trial *t, const char *name,
                       const knob_distribution *d, double *internal)
{
    (void)s, (void)t, (void)name, (void)d, (void)internal;
    return *(int *)state ? 42 : KNOB_EINVAL;
}

static int mute_after(void *state, knob_study *s, knob_trial *t, knob_trial_state st)
{
    (void)state, (void)s, (void)t, (void)st;
    return KNOB_ESTATE;
}

static int mute_prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    (void)state, (void)s, (void)t, (void)out;
    return -3;
}

static const knob_option mute_options[] = {
    {.name = "odd", .type = KNOB_OPT_INT, .offset = 0, .def = "0", .min = 0, .max = 1},
    {0},
};

static const knob_sampler_plugin mute_sampler = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "test-mute",
    .state_size = sizeof(int64_t),
    .options = mute_options,
    .sample_independent = mute_sample,
    .after_trial = mute_after,
};

static const knob_pruner_plugin mute_pruner = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "test-mute-pruner",
    .prune = mute_prune,
};

/* A plugin method that returned a failure without a message was told with whatever older
 * message the thread held (an unrelated storage's), each later failure prefixing it again;
 * a status outside the enum reached the caller as it was. Each failure gets a message of
 * its own, naming the plugin and the method, and a known status. */
static void failure_without_message(void **state)
{
    (void)state;
    knob_storage *st, *bad = NULL;
    knob_sampler *sm;
    knob_pruner *pr;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open("sqlite:////no/such/dir/x.db", &bad), KNOB_ESTORAGE);
    const char *old = "does not exist";
    assert_non_null(strstr(knob_errmsg(), old));
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create_plugin(&mute_sampler, NULL, &sm), KNOB_OK);
    assert_int_equal(knob_pruner_create_plugin(&mute_pruner, NULL, &pr), KNOB_OK);
    knob_study_options o = {.sampler = sm, .pruner = pr};
    assert_int_equal(knob_study_create(st, "mute", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 0, 1, 0, 0, &x), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "trial 0, param 'lr': sampler 'test-mute': "
                                       "sample_independent returned KNOB_EINVAL (invalid "
                                       "argument) without a message");
    assert_int_equal(knob_trial_suggest_float(t, "mom", 0, 1, 0, 0, &x), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "trial 0, param 'mom': sampler 'test-mute': "
                                       "sample_independent returned KNOB_EINVAL (invalid "
                                       "argument) without a message");
    assert_int_equal(knob_sampler_set_option(sm, "odd", "1"), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 0, 1, 0, 0, &x), KNOB_EINVAL);
    assert_string_equal(knob_errmsg(), "trial 0, param 'lr': sampler 'test-mute': "
                                       "sample_independent returned 42, no knob status (taken "
                                       "as KNOB_EINVAL), without a message");
    bool prune = true;
    assert_int_equal(knob_trial_report(t, 0, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'test-mute-pruner': prune returned -3, no "
                                          "knob status (taken as KNOB_EINVAL), without a "
                                          "message"));
    assert_null(strstr(knob_errmsg(), old));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_ESTATE);
    assert_string_equal(knob_errmsg(), "sampler 'test-mute': after_trial returned KNOB_ESTATE "
                                       "(operation not allowed in this state) without a "
                                       "message");
    knob_study_free(s);
    knob_storage_close(st);
}

/* A method that succeeds leaves the caller's last message as it was, and where it was. */
static int quiet_sample(void *state, knob_study *s, knob_trial *t, const char *name,
                        const knob_distribution *d, double *internal)
{
    (void)state, (void)s, (void)t, (void)name;
    *internal = d->low;
    return KNOB_OK;
}

static void success_keeps_the_message(void **state)
{
    (void)state;
    knob_sampler_plugin table = konst_named("test-quiet");
    table.sample_independent = quiet_sample;
    knob_storage *st, *bad = NULL;
    knob_sampler *sm;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create_plugin(&table, NULL, &sm), KNOB_OK);
    knob_study_options o = {.sampler = sm};
    assert_int_equal(knob_study_create(st, "quiet", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    char path[2000];
    memset(path, 'd', sizeof path - 1); /* a message longer than the thread's buffer */
    memcpy(path, "sqlite:////no/", 14);
    path[sizeof path - 1] = 0;
    assert_int_equal(knob_storage_open(path, &bad), KNOB_ESTORAGE);
    const char *msg = knob_errmsg();
    char *copy = strdup(msg);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_ptr_equal(knob_errmsg(), msg);
    assert_string_equal(knob_errmsg(), copy);
    free(copy);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(register_then_create_by_name),
        cmocka_unit_test(register_refuses_taken_names),
        cmocka_unit_test(register_refuses_wrong_version),
        cmocka_unit_test(version_3_table_still_works),
        cmocka_unit_test(register_refuses_bad_tables),
        cmocka_unit_test(register_refuses_tables_that_cannot_work),
        cmocka_unit_test(list_covers_builtins_and_registered),
        cmocka_unit_test(list_into_null_gives_the_count),
        cmocka_unit_test(builtin_enum_options),
        cmocka_unit_test(unknown_option_lists_seed),
        cmocka_unit_test(enum_option_of_a_plugin),
        cmocka_unit_test(create_plugin_runs_init_and_fini),
        cmocka_unit_test(create_pairs_before_init),
        cmocka_unit_test(registration_is_thread_safe),
        cmocka_unit_test(failure_without_message),
        cmocka_unit_test(success_keeps_the_message),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
