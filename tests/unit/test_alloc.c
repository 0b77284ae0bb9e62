/* Allocation failures, as SQLite's test harness makes them: the library's allocations are
 * routed through this file (the test is linked with -Wl,--wrap=malloc,...), and each core
 * path is run again and again with its 1st, 2nd, 3rd ... allocation failing, until it
 * completes. Every failure must come back as KNOB_ENOMEM (nothing crashes, nothing aborts),
 * leak nothing (the sanitizer build checks at exit) and corrupt nothing (what was stored
 * before the path still reads back whole afterwards). */
#include "testutil.h"

#include "knob.h"

#include <execinfo.h>
#include <math.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static long countdown; /* > 0: the countdown-th allocation from now fails */
static bool fired;
static void *where[24]; /* the stack of the allocation that failed, for the message */
static int n_where;

static bool fail_now(void)
{
    if (countdown <= 0 || --countdown > 0)
        return false;
    fired = true;
    n_where = backtrace(where, 24);
    return true;
}

/* Prints where the allocation that failed was made (resolve with addr2line -e). */
static void show_where(void)
{
    fprintf(stderr, "the allocation that failed was made at:\n");
    backtrace_symbols_fd(where, n_where, 2);
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}

static void arm(long n)
{
    fired = false;
    countdown = n;
}

static void disarm(void)
{
    countdown = 0;
}

/* A path: runs against `ctx` and returns the first status that is not KNOB_OK. */
typedef int (*path_fn)(void *ctx);

typedef struct fixture {
    char url[4200];      /* the storage the paths run on */
    char pristine[4200]; /* SQLite: a copy of the file as setup left it; "" for memory: */
    knob_storage *st;
    const char *sampler;
} fixture;

static knob_study *open_study(knob_storage *st, const char *name, const char *sampler)
{
    knob_sampler *smp;
    knob_study *s;
    assert_int_equal(knob_sampler_create(sampler, "seed=3", &smp), KNOB_OK);
    knob_study_options o = {.sampler = smp};
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

static int one_trial(knob_study *s, int i, knob_trial_state state)
{
    knob_trial *t;
    double x, y;
    int64_t k;
    size_t c;
    const char *opts[] = {"adam", "sgd", "rmsprop"};
    int rc = knob_study_ask(s, &t);
    if (rc)
        return rc;
    if ((rc = knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x)) ||
        (rc = knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &y)) ||
        (rc = knob_trial_suggest_int(t, "k", 1, 9, 1, 0, &k)) ||
        (rc = knob_trial_suggest_categorical(t, "opt", opts, 3, &c)) ||
        (rc = knob_trial_report(t, 1, x * x + 1)) ||
        (rc = knob_trial_set_user_attr(t, "i", i % 2 ? "1" : "\"odd\""))) {
        knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
        return rc;
    }
    double v = x * x + (double)k + (double)c + log(y) * log(y);
    return knob_study_tell(s, t, state, &v, 1);
}

/* The storage with one study of 12 finished trials, as each run of a path finds it. */
static void fill(fixture *f)
{
    assert_int_equal(knob_storage_open(f->url, &f->st), KNOB_OK);
    knob_study *s = open_study(f->st, "base", f->sampler);
    for (int i = 0; i < 12; i++)
        assert_int_equal(one_trial(s, i, i == 5 ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE),
                         KNOB_OK);
    knob_study_free(s);
}

static void setup(fixture *f, const char *url, const char *sampler)
{
    snprintf(f->url, sizeof f->url, "%s", url);
    f->sampler = sampler;
    f->pristine[0] = 0;
    fill(f);
    if (strncmp(url, "sqlite:///", 10) == 0) {
        knob_storage_close(f->st); /* its last commits stay in the WAL: copied with it */
        snprintf(f->pristine, sizeof f->pristine, "%s.pristine", url + 10);
        knob_test_copy_db(url + 10, f->pristine);
        assert_int_equal(knob_storage_open(f->url, &f->st), KNOB_OK);
    }
}

/* Back to the state setup left, so that every run of a path starts from the same place. */
static void reset(fixture *f)
{
    knob_storage_close(f->st);
    if (f->pristine[0]) {
        knob_test_copy_db(f->pristine, f->url + 10);
        assert_int_equal(knob_storage_open(f->url, &f->st), KNOB_OK);
    } else {
        fill(f);
    }
}

/* What was stored before the paths ran is all there: 12 trials with their params. */
static void check_base(fixture *f)
{
    knob_study *s;
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_load(f->st, "base", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_true(n >= 12);
    for (size_t i = 0; i < 12; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, i == 5 ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE);
        assert_int_equal(tr[i]->n_params, 4);
        assert_int_equal(tr[i]->n_intermediate, 1);
        assert_int_equal(tr[i]->n_user_attrs, 1);
    }
    /* Trials the paths added are finished, or RUNNING only when the storage kept one
     * whose handle was lost with an ask: never half-written. */
    for (size_t i = 12; i < n; i++)
        assert_true(tr[i]->state == KNOB_TRIAL_COMPLETE || tr[i]->state == KNOB_TRIAL_FAIL ||
                    tr[i]->state == KNOB_TRIAL_PRUNED || tr[i]->state == KNOB_TRIAL_RUNNING ||
                    tr[i]->state == KNOB_TRIAL_WAITING);
    knob_study_free(s);
}

/* Runs `path` with its 1st, 2nd, ... allocation failing until it completes; returns the
 * number of allocations the path makes. */
static long every_failure(fixture *f, path_fn path, const char *what)
{
    for (long nth = 1;; nth++) {
        reset(f);
        arm(nth);
        int rc = path(f);
        bool hit = fired;
        disarm();
        if (!hit) {
            if (rc != KNOB_OK)
                fail_msg("%s: without a failed allocation it returned %s (%s)", what,
                         knob_status_str(rc), knob_errmsg());
            check_base(f);
            return nth - 1;
        }
        /* KNOB_OK is fine too: a cache that could not grow is only slower. */
        if (rc != KNOB_ENOMEM && rc != KNOB_OK) {
            show_where();
            fail_msg("%s: allocation %ld failed, and it returned %s (%s), not KNOB_ENOMEM", what,
                     nth, knob_status_str(rc), knob_errmsg());
        }
        check_base(f);
        if (nth > 200000)
            fail_msg("%s: still allocating after 200000 allocations", what);
    }
}

/* ---------------------------------------------------------------- the paths */

static int path_open_close(void *ctx)
{
    fixture *f = ctx;
    knob_storage *st;
    int rc = knob_storage_open(f->url, &st);
    knob_storage_close(rc ? NULL : st);
    return rc;
}

static int path_create(void *ctx)
{
    fixture *f = ctx;
    knob_sampler *smp;
    knob_pruner *pr;
    knob_study *s;
    int rc = knob_sampler_create(f->sampler, "seed=1", &smp);
    if (rc)
        return rc;
    /* patient over median: the wrapped pruner's options read for its objective too */
    if ((rc = knob_pruner_create("patient",
                                 "patience=2,wrapped=median,"
                                 "wrapped_options=[n_startup_trials=2,objective=0]",
                                 &pr))) {
        knob_sampler_free(smp);
        return rc;
    }
    knob_direction dirs[1] = {KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 1, .sampler = smp, .pruner = pr};
    if ((rc = knob_study_create(f->st, "created", &o, &s)))
        return rc;
    knob_study_free(s);
    return KNOB_OK;
}

static int path_load(void *ctx)
{
    fixture *f = ctx;
    knob_study *s;
    const knob_trial_info *const *tr;
    const knob_trial_info *best;
    size_t n;
    int rc = knob_study_load(f->st, "base", NULL, &s);
    if (rc)
        return rc;
    if (!(rc = knob_study_trials(s, &tr, &n)))
        rc = knob_study_best_trial(s, &best);
    knob_study_free(s);
    return rc;
}

/* Ask, suggest, report, attributes, tell: one trial in a study with history. */
static int path_trial(void *ctx)
{
    fixture *f = ctx;
    knob_sampler *smp;
    knob_study *s;
    int rc = knob_sampler_create(f->sampler, "seed=5", &smp);
    if (rc)
        return rc;
    knob_study_options o = {.sampler = smp};
    if ((rc = knob_study_load(f->st, "base", &o, &s)))
        return rc;
    rc = one_trial(s, 99, KNOB_TRIAL_COMPLETE);
    knob_study_free(s);
    return rc;
}

static int path_enqueue(void *ctx)
{
    fixture *f = ctx;
    knob_study *s;
    int rc = knob_study_load(f->st, "base", NULL, &s);
    if (rc)
        return rc;
    rc = knob_study_enqueue(s, "{\"x\": 1.5, \"k\": 3, \"opt\": \"sgd\"}");
    if (!rc)
        rc = one_trial(s, 100, KNOB_TRIAL_COMPLETE);
    if (!rc)
        rc = knob_study_set_user_attr(s, "note", "\"hello\"");
    if (!rc && !knob_study_user_attr(s, "note"))
        rc = KNOB_ENOMEM; /* a read that could not allocate */
    knob_study_free(s);
    return rc;
}

static int path_pareto(void *ctx)
{
    fixture *f = ctx;
    knob_study *s;
    const knob_trial_info *const *front;
    size_t n;
    int rc = knob_study_load(f->st, "base", NULL, &s);
    if (rc)
        return rc;
    rc = knob_study_best_trials(s, &front, &n);
    knob_study_free(s);
    return rc;
}

/* ---------------------------------------------------------------- the cases */

static void run_all(const char *url, const char *sampler)
{
    fixture f = {0};
    setup(&f, url, sampler);
    struct {
        path_fn fn;
        const char *name;
    } paths[] = {{path_open_close, "open and close the storage"},
                 {path_create, "create a study"},
                 {path_load, "load a study"},
                 {path_trial, "ask, suggest, report, tell"},
                 {path_enqueue, "enqueue and study attributes"},
                 {path_pareto, "the Pareto front"}};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        long n = every_failure(&f, paths[i].fn, paths[i].name);
        print_message("%s, %s, %s: %ld allocations, each failed once\n", url, sampler,
                      paths[i].name, n);
    }
    knob_storage_close(f.st);
}

static void memory_random(void **state)
{
    run_all("memory:", "random");
}

static void memory_tpe(void **state)
{
    run_all("memory:", "tpe");
}

static void sqlite_random(void **state)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s.db", knob_test_path("alloc"));
    run_all(url, "random");
}

static void sqlite_tpe(void **state)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s.db", knob_test_path("alloc"));
    run_all(url, "tpe");
}

static void memory_gp(void **state)
{
    run_all("memory:", "gp");
}

static void memory_cmaes(void **state)
{
    run_all("memory:", "cmaes");
}

static void memory_smac(void **state)
{
    (void)state;
    run_all("memory:", "smac");
}

/* knob_study_add_trial of a WAITING trial with params, a user attribute and an intermediate
 * value, each allocation failing in turn: it is written whole or not at all. A failure is
 * KNOB_ENOMEM and leaves no trial (none left waiting without its params or attributes, to
 * be taken by the next ask); once nothing fails, the trial is there with all of it. */
static void added_waiting_trial_whole(void **state)
{
    (void)state;
    for (long nth = 1;; nth++) {
        knob_storage *st;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study_options o = {0};
        assert_int_equal(knob_study_create(st, "w", &o, &s), KNOB_OK);
        knob_distribution d = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
        knob_param p = {.name = "y", .dist = &d, .internal = 0.25};
        knob_attr sys = {.key = "fixed_params", .json = "{\"x\": 0.5}"};
        knob_attr user = {.key = "why", .json = "\"a guess\""};
        knob_step_value step = {.step = 1, .value = 2};
        knob_trial_info info = {.state = KNOB_TRIAL_WAITING,
                                .n_params = 1,
                                .params = &p,
                                .n_system_attrs = 1,
                                .system_attrs = &sys,
                                .n_user_attrs = 1,
                                .user_attrs = &user,
                                .n_intermediate = 1,
                                .intermediate = &step};
        arm(nth);
        int rc = knob_study_add_trial(s, &info, NULL);
        bool hit = fired;
        disarm();
        const knob_trial_info *const *tr;
        size_t n = 0;
        if (rc) {
            assert_int_equal(rc, KNOB_ENOMEM);
            if (strstr(knob_errmsg(), "is waiting (enqueued"))
                fail_msg("allocation %ld failed: the message is %s", nth, knob_errmsg());
        }
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        if (rc && n)
            fail_msg("allocation %ld failed (%s), and a trial was left", nth, knob_errmsg());
        if (!rc) {
            assert_int_equal(n, 1);
            assert_int_equal(tr[0]->state, KNOB_TRIAL_WAITING);
            assert_int_equal(tr[0]->n_params, 1);
            assert_int_equal(tr[0]->n_intermediate, 1);
            assert_int_equal(tr[0]->n_user_attrs, 1);
        }
        knob_study_free(s);
        knob_storage_close(st);
        if (!hit)
            break;
    }
}

/* knob_param_format out of memory (a long choice's copy, or the message's): a negative
 * status, -KNOB_ENOMEM, not the positive KNOB_ENOMEM (2) that read as a length of 2, and
 * nothing written. */
static void param_format_out_of_memory(void **state)
{
    (void)state;
    char text[3000];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = 0;
    knob_choice ch = {.type = KNOB_CHOICE_STRING, .str = text};
    knob_distribution d = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 1, .choices = &ch};
    knob_param p = {.name = "opt", .dist = &d, .internal = 0};
    int failures = 0;
    for (long nth = 1;; nth++) {
        char out[8] = "unset";
        arm(nth);
        int rc = knob_param_format(&p, out, sizeof out);
        bool hit = fired;
        disarm();
        if (!hit) {
            assert_int_equal(rc, (int)sizeof text - 1 + 2); /* the quoted choice */
            break;
        }
        failures++;
        if (rc != -KNOB_ENOMEM)
            fail_msg("allocation %ld failed: knob_param_format gave %d (%s)", nth, rc,
                     knob_errmsg());
        assert_string_equal(out, "unset");
    }
    assert_true(failures > 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memory_random), cmocka_unit_test(memory_tpe),
        cmocka_unit_test(sqlite_random), cmocka_unit_test(sqlite_tpe),
        cmocka_unit_test(memory_gp),     cmocka_unit_test(memory_cmaes),
        cmocka_unit_test(memory_smac),   cmocka_unit_test(added_waiting_trial_whole),
        cmocka_unit_test(param_format_out_of_memory),
    };
    void *prime[1];
    backtrace(prime, 1); /* loads what backtrace needs before any allocation fails */
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
