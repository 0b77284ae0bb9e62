/* The warm-start source helpers: opening (errors that name the sampler, the option, the
 * study, the storage), the finished trials as losses (maximized sources negated, failed,
 * running trials left out, constraints read), and their order. */
#include "testutil.h"
#include "testutil_sqlite.h"

#include "knob.h"
#include "samplers/warm_start.h"

#include <math.h>
#include <unistd.h>

static knob_study *make(knob_storage *st, const char *name, knob_direction *dirs, size_t n_dirs)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=1", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler, .directions = dirs, .n_objectives = n_dirs};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* warm_start_storage or warm_start_first without warm_start_study is refused when the
 * sampler is made, naming the sampler and both options (each sampler asked as cold a start
 * as without them, and said nothing); with the study, or neither, the sampler is made. */
static void options_without_study(void **state)
{
    (void)state;
    const char *const names[] = {"tpe", "gp", "cmaes", "auto", "smac"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        knob_sampler *sp = NULL;
        char want[64];
        snprintf(want, sizeof want, "sampler '%s': option 'warm_start_storage'", names[i]);
        assert_int_equal(knob_sampler_create(names[i], "warm_start_storage=sqlite:///src.db", &sp),
                         KNOB_EINVAL);
        assert_null(sp);
        assert_non_null(strstr(knob_errmsg(), want));
        assert_non_null(strstr(knob_errmsg(), "without 'warm_start_study'"));
        assert_int_equal(knob_sampler_create(names[i],
                                             "warm_start_storage=sqlite:///src.db,"
                                             "warm_start_study=src",
                                             &sp),
                         KNOB_OK);
        knob_sampler_free(sp);
        assert_int_equal(knob_sampler_create(names[i], "", &sp), KNOB_OK);
        knob_sampler_free(sp);
        if (strcmp(names[i], "cmaes") == 0) /* it takes no first trials */
            continue;
        snprintf(want, sizeof want, "sampler '%s': option 'warm_start_first' (3)", names[i]);
        assert_int_equal(knob_sampler_create(names[i], "warm_start_first=3", &sp), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), want));
        assert_int_equal(knob_sampler_create(names[i], "warm_start_first=0", &sp), KNOB_OK);
        knob_sampler_free(sp);
    }
    /* gp's trust region has its own local model, which no source informs: refused, where
     * the source was read and its asks were a cold run's */
    knob_sampler *sp = NULL;
    assert_int_equal(knob_sampler_create("gp", "trust_region=true,warm_start_study=src", &sp),
                     KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "trust_region does not take a warm start"));
}

/* One trial of x, told `state` with value v (and constraint c when c is not NaN). */
static void one(knob_study *s, knob_trial_state state, double v, double c)
{
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
    if (!isnan(c))
        assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
    if (state == KNOB_TRIAL_RUNNING) {
        knob_trial_detach(t); /* it stays RUNNING in the storage */
        return;
    }
    assert_int_equal(knob_study_tell(s, t, state, state == KNOB_TRIAL_COMPLETE ? &v : NULL,
                                     state == KNOB_TRIAL_COMPLETE),
                     KNOB_OK);
}

static void open_errors(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = make(st, "me", NULL, 0), *src = (knob_study *)1;
    assert_int_equal(knob__warm_open(s, "gp", "nope", NULL, &src), KNOB_ENOTFOUND);
    assert_null(src);
    assert_non_null(strstr(knob_errmsg(), "gp: warm_start_study 'nope': "));
    assert_null(strstr(knob_errmsg(), "warm_start_storage"));
    assert_non_null(
        strstr(knob_errmsg(), "(it is looked for in this study's storage, as no other is given)"));
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("warm_other.db"));
    assert_int_equal(knob__warm_open(s, "tpe", "nope", url, &src), KNOB_ENOTFOUND);
    assert_non_null(
        strstr(knob_errmsg(), "tpe: warm_start_study 'nope' from warm_start_storage: "));
    knob_direction two[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_free(make(st, "two", two, 2));
    assert_int_equal(knob__warm_open(s, "smac", "two", "", &src), KNOB_EINVAL);
    assert_null(src);
    assert_non_null(
        strstr(knob_errmsg(), "smac: warm_start_study 'two' has 2 objectives; it needs one"));

    /* a SQLite file that is not there: not found, and not made (it was, empty) */
    char absent[4096];
    snprintf(absent, sizeof absent, "%s", knob_test_path("warm_absent.db"));
    snprintf(url, sizeof url, "sqlite:///%s", absent);
    assert_int_equal(knob__warm_open(s, "gp", "src", url, &src), KNOB_ENOTFOUND);
    assert_null(src);
    assert_non_null(strstr(knob_errmsg(), "no file '"));
    assert_non_null(strstr(knob_errmsg(), absent));
    assert_int_equal(access(absent, F_OK), -1);
    /* ... named by a relative path: the working directory it was looked for in is said */
    char cwd[4096], want[4400];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(knob__warm_open(s, "gp", "src", "sqlite:///warm_rel_absent.db", &src),
                     KNOB_ENOTFOUND);
    snprintf(want, sizeof want, "no file 'warm_rel_absent.db' in %s", cwd);
    assert_non_null(strstr(knob_errmsg(), want));
    assert_int_equal(access("warm_rel_absent.db", F_OK), -1);

    /* the study itself: its own trials are no other study's */
    assert_int_equal(knob__warm_open(s, "gp", "me", NULL, &src), KNOB_EINVAL);
    assert_null(src);
    assert_non_null(strstr(knob_errmsg(), "gp: warm_start_study 'me': study 'me' in storage "
                                          "'memory:': it is this study itself"));
    assert_int_equal(knob__warm_open(s, "gp", "me", "memory:", &src), KNOB_ENOTFOUND);
    /* ... and in a SQLite file named by another path; a study of its name in another file
     * is another study */
    char path[4096], other[4096], dot[4200];
    snprintf(path, sizeof path, "%s", knob_test_path("warm_self.db"));
    snprintf(other, sizeof other, "%s", knob_test_path("warm_self_other.db"));
    const char *slash = strrchr(path, '/');
    snprintf(dot, sizeof dot, "sqlite:///%.*s/./%s", (int)(slash - path), path, slash + 1);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *file, *file2;
    assert_int_equal(knob_storage_open(url, &file), KNOB_OK);
    snprintf(url, sizeof url, "sqlite:///%s", other);
    assert_int_equal(knob_storage_open(url, &file2), KNOB_OK);
    knob_study *self = make(file, "me", NULL, 0);
    knob_study_free(make(file2, "me", NULL, 0));
    assert_int_equal(knob__warm_open(self, "tpe", "me", dot, &src), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "it is this study itself"));
    assert_int_equal(knob__warm_open(self, "tpe", "me", url, &src), KNOB_OK);
    knob_study_free(src);
    knob_study_free(self);
    knob_storage_close(file2);
    knob_storage_close(file);
    knob_study_free(s);
    knob_storage_close(st);
}

static void trials_as_losses(void **state)
{
    (void)state;
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("warm_src.db"));
    knob_storage *st, *mine;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_direction up = KNOB_MAXIMIZE;
    knob_study *src = make(st, "src", &up, 1);
    one(src, KNOB_TRIAL_COMPLETE, 3, NAN);
    one(src, KNOB_TRIAL_FAIL, 0, NAN);
    one(src, KNOB_TRIAL_COMPLETE, 5, 1.0); /* infeasible */
    one(src, KNOB_TRIAL_RUNNING, 0, NAN);
    one(src, KNOB_TRIAL_COMPLETE, 3, -1.0);
    knob_study_free(src);
    knob_storage_close(st);

    assert_int_equal(knob_storage_open("memory:", &mine), KNOB_OK);
    knob_study *s = make(mine, "me", NULL, 0), *w;
    assert_int_equal(knob__warm_open(s, "gp", "src", url, &w), KNOB_OK);
    knob__warm_trial *t;
    size_t n;
    assert_int_equal(knob__warm_trials(w, false, &t, &n), KNOB_OK);
    assert_int_equal(n, 3);
    int64_t num[3] = {0, 2, 4};
    double loss[3] = {-3, -5, -3};
    bool feasible[3] = {true, false, true};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].trial->number, num[i]);
        assert_true(t[i].loss == loss[i]);
        assert_int_equal(t[i].feasible, feasible[i]);
    }
    knob__warm_sort(t, n); /* best first; the tie keeps trial order */
    assert_int_equal(t[0].trial->number, 2);
    assert_int_equal(t[1].trial->number, 0);
    assert_int_equal(t[2].trial->number, 4);
    free(t);
    knob_study_free(w);

    /* a study with no finished trial: none, and no allocation */
    knob_study_free(make(mine, "empty", NULL, 0));
    assert_int_equal(knob__warm_open(s, "gp", "empty", NULL, &w), KNOB_OK);
    t = (knob__warm_trial *)1;
    assert_int_equal(knob__warm_trials(w, false, &t, &n), KNOB_OK);
    assert_null(t);
    assert_int_equal(n, 0);
    knob_study_free(w);
    knob_study_free(s);
    knob_storage_close(mine);
}

/* trial of x (and of y when y is not NaN) valued v */
static void point(knob_study *s, double x, double y, double v, double c)
{
    knob_trial *t;
    double got;
    char fixed[128];
    if (isnan(y))
        snprintf(fixed, sizeof fixed, "{\"x\": %.17g}", x);
    else
        snprintf(fixed, sizeof fixed, "{\"x\": %.17g, \"y\": %.17g}", x, y);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &got), KNOB_OK);
    if (!isnan(y))
        assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &got), KNOB_OK);
    if (!isnan(c))
        assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* The first trials of a warm start: the best distinct feasible configurations, trial i
 * getting configuration i, a different distribution not taken. */
static void firsts(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "src", NULL, 0);
    point(src, 5.0, 10, 0.0, -1);   /* best */
    point(src, 5.5, 10, 0.1, NAN);  /* within 10% of the range of the best: skipped */
    point(src, 1.0, 10, 0.2, 1);    /* infeasible: skipped */
    point(src, 5.2, 30, 0.3, NAN);  /* y apart on the log scale (0.48 of it) */
    point(src, 9.0, NAN, 0.4, NAN); /* no y: apart */
    point(src, 2.0, 10, 0.5, NAN);  /* beyond k */
    knob__warm_trial *w;
    size_t n;
    assert_int_equal(knob__warm_trials(src, false, &w, &n), KNOB_OK);
    assert_int_equal(n, 6);
    knob__warm_sort(w, n);
    knob__warm_firsts f = {0};
    assert_int_equal(knob__warm_firsts_make(&f, w, n, 3), KNOB_OK);
    free(w);
    assert_int_equal(f.n, 5); /* the feasible ones, best first */
    assert_int_equal(f.n_params, 9);
    double want_x[3] = {5.0, 5.2, 9.0};
    for (size_t i = 0; i < 3; i++) { /* distinct in the source's space: no trial here yet */
        size_t at;
        bool has;
        assert_int_equal(knob__warm_firsts_nth(&f, NULL, 0, i, &at, &has), KNOB_OK);
        assert_true(has);
        assert_string_equal(f.params[f.start[at]].name, "x");
        assert_true(f.params[f.start[at]].internal == want_x[i]);
    }
    knob_study_free(src);

    /* proposals: trial i gets configuration i (y mapped by value into this study's range) */
    knob_study *me = make(st, "me", NULL, 0);
    for (int i = 0; i < 4; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(me, &t), KNOB_OK);
        bool took;
        assert_int_equal(knob__warm_firsts_propose(&f, me, t, &took), KNOB_OK);
        assert_true(took == (i < 3));
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 1, 50, 0, KNOB_LOG, &y), KNOB_OK);
        if (i < 3)
            assert_true(x == want_x[i]);
        double v = 1;
        assert_int_equal(knob_study_tell(me, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob__warm_firsts_free(&f);
    assert_int_equal(f.n, 0);
    assert_null(f.params);
    knob__warm_firsts_free(&f); /* twice: nothing */
    knob_study_free(me);
    knob_storage_close(st);
}

/* The distinct configurations knob__warm_firsts_nth chooses follow this study's space as its
 * trials show it at each call, though the choice is kept between calls: in the source's
 * space with no trial (x 5.2 apart from the best by y), on x alone once a trial shows x only
 * (5.2 within 10% of 5.0: 9.0 is the second), on x and y once a trial shows both (5.2
 * again). */
static void firsts_follow_the_space(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "src", NULL, 0);
    point(src, 5.0, 10, 0.0, NAN);
    point(src, 5.2, 60, 0.1, NAN);
    point(src, 9.0, 10, 0.2, NAN);
    knob__warm_trial *w;
    size_t n;
    assert_int_equal(knob__warm_trials(src, false, &w, &n), KNOB_OK);
    knob__warm_sort(w, n);
    knob__warm_firsts f = {0};
    assert_int_equal(knob__warm_firsts_make(&f, w, n, 3), KNOB_OK);
    free(w);
    knob_study_free(src);
    knob_study *me = make(st, "me", NULL, 0);
    const double want[4] = {5.2, 9.0, 5.2, 9.0}; /* no trial, x only, x and y, x only */
    for (int call = 0; call < 4; call++) {
        const knob_trial_info *const *tr;
        size_t nt = 0;
        if (call == 1 || call == 2) { /* a trial of x only, then one of x and y */
            knob_trial *t;
            double x, y, v = 1;
            assert_int_equal(knob_study_ask(me, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            if (call == 2)
                assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y),
                                 KNOB_OK);
            assert_int_equal(knob_study_tell(me, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        assert_int_equal(knob_study_trials(me, &tr, &nt), KNOB_OK);
        /* call 3: the trial of x and y left out, as if not read yet */
        size_t shown = call == 0 ? 0 : call == 3 ? 1 : nt;
        size_t at;
        bool has;
        assert_int_equal(knob__warm_firsts_nth(&f, tr, shown, 1, &at, &has), KNOB_OK);
        assert_true(has);
        if (f.params[f.start[at]].internal != want[call])
            fail_msg("call %d: x %g, want %g", call, f.params[f.start[at]].internal, want[call]);
    }
    knob__warm_firsts_free(&f);
    knob_study_free(me);
    knob_storage_close(st);
}

/* A param k of one of these distributions, for firsts_apart_in_steps. */
typedef enum { K_INT, K_INT_LOG, K_STEP, K_QUARTER, K_FLOAT } k_kind;

/* trial of k (kind `kind`) at x, valued v */
static void k_point(knob_study *s, k_kind kind, double x, double v)
{
    char fixed[64];
    snprintf(fixed, sizeof fixed, "{\"k\": %.17g}", x);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    knob_trial *t;
    int64_t i;
    double f;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    int rc = kind == K_INT       ? knob_trial_suggest_int(t, "k", 0, 10, 1, 0, &i)
             : kind == K_INT_LOG ? knob_trial_suggest_int(t, "k", 1, 1024, 1, KNOB_LOG, &i)
             : kind == K_STEP    ? knob_trial_suggest_float(t, "k", 0, 1, 0.1, 0, &f)
             : kind == K_QUARTER ? knob_trial_suggest_float(t, "k", 0, 2, 0.25, 0, &f)
                                 : knob_trial_suggest_float(t, "k", 0, 1, 0, 0, &f);
    assert_int_equal(rc, KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* The distinct configurations of a source whose k is at x[0], x[1], x[2] (best first). */
static size_t k_firsts(knob_storage *st, int *id, k_kind kind, const double *x, double *got)
{
    char name[32];
    snprintf(name, sizeof name, "k%d", (*id)++);
    knob_study *src = make(st, name, NULL, 0);
    for (int i = 0; i < 3; i++)
        k_point(src, kind, x[i], i);
    knob__warm_trial *w;
    size_t n;
    assert_int_equal(knob__warm_trials(src, false, &w, &n), KNOB_OK);
    knob__warm_sort(w, n);
    knob__warm_firsts f = {0};
    assert_int_equal(knob__warm_firsts_make(&f, w, n, 3), KNOB_OK);
    free(w);
    size_t m = 0, at;
    bool has = true;
    for (; m < 3 && has; m += has) {
        assert_int_equal(knob__warm_firsts_nth(&f, NULL, 0, m, &at, &has), KNOB_OK);
        if (has)
            got[m] = f.params[f.start[at]].internal;
    }
    knob__warm_firsts_free(&f);
    knob_study_free(src);
    return m;
}

/* Distinct configurations are more than 10% of a param's range apart wherever they lie: an
 * int 0..10's neighbours never are, those two steps apart always (on [0, 1] of the range, 3
 * and 4 were apart, 6 and 7 not: 0.4 - 0.3 > 0.1 > 0.7 - 0.6 in doubles); so for a float of
 * step 0.1 on [0, 1], a log int's doublings on 1..1024 (a tenth of its log range each) and a
 * continuous float's tenths; a float of step 0.25 on [0, 2] (a step is an eighth) keeps
 * neighbours. */
static void firsts_apart_in_steps(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    int id = 0;
    double got[3];
    for (int b = 0; b <= 8; b++) {
        double ints[3] = {b, b + 1, b + 2};
        assert_int_equal(k_firsts(st, &id, K_INT, ints, got), 2);
        assert_true(got[0] == b && got[1] == b + 2);
        double tenths[3] = {b / 10.0, (b + 1) / 10.0, (b + 2) / 10.0};
        assert_int_equal(k_firsts(st, &id, K_STEP, tenths, got), 2);
        assert_true(got[1] == (b + 2) / 10.0);
        assert_int_equal(k_firsts(st, &id, K_FLOAT, tenths, got), 2);
        assert_true(got[1] == (b + 2) / 10.0);
        double pow2[3] = {ldexp(1, b), ldexp(1, b + 1), ldexp(1, b + 2)};
        assert_int_equal(k_firsts(st, &id, K_INT_LOG, pow2, got), 2);
        assert_true(got[1] == ldexp(1, b + 2));
        double quarters[3] = {b / 4.0, (b + 1) / 4.0, (b + 2) / 4.0};
        if (b + 2 <= 8)
            assert_int_equal(k_firsts(st, &id, K_QUARTER, quarters, got), 3);
    }
    /* a continuous float a little more than a tenth apart is apart */
    double near[3] = {0.6, 0.7001, 0.4999};
    assert_int_equal(k_firsts(st, &id, K_FLOAT, near, got), 3);
    knob_storage_close(st);
}

/* Study "me" in st, its sampler `sampler` warm-started from study "src" with
 * warm_start_first=first. */
static knob_study *first_from_src(knob_storage *st, const char *sampler, int first)
{
    char opts[96];
    snprintf(opts, sizeof opts, "seed=4,warm_start_study=src,warm_start_first=%d", first);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "me", &o, &s), KNOB_OK);
    return s;
}

/* warm_start_first through the samplers: tpe, gp, smac and the default (auto, which gives
 * its warm start to its delegates) start from the source's best configurations, then draw
 * their own. */
static void first_trials_of_samplers(void **state)
{
    (void)state;
    const char *names[4] = {"tpe", "gp", "smac", "auto"};
    for (int k = 0; k < 4; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *src = make(st, "src", NULL, 0);
        point(src, 3.0, 10, 0.3, NAN);
        point(src, 7.0, 20, 0.1, NAN);
        point(src, 1.0, 40, 0.2, NAN);
        knob_study_free(src);
        knob_study *s = first_from_src(st, names[k], 2);
        double want[2][2] = {{7, 20}, {1, 40}};
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double x, y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y), KNOB_OK);
            if (i < 2) {
                assert_true(x == want[i][0]);
                assert_true(y == want[i][1]);
            } else {
                assert_false(x == 3.0 && y == 10);
            }
            double v = x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* trial of x, y on [0, 1] and opt of [a, b], valued v */
static void xyo(knob_study *s, double x, double y, const char *opt, double v)
{
    static const char *const ab[2] = {"a", "b"};
    char fixed[128];
    snprintf(fixed, sizeof fixed, "{\"x\": %.17g, \"y\": %.17g, \"opt\": \"%s\"}", x, y, opt);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    knob_trial *t;
    double got;
    size_t i;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "opt", ab, 2, &i), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* A source that shares only some params (x, opt; not its y) with this study, which searches
 * x on [0, 2]: the first trials are distinct on the shared params, on this study's ranges.
 * The source's second best differs from its best only in y, which this study lacks, and its
 * third by 0.15 of x's range there but 0.075 here: neither is taken (they were, and the first
 * trials repeated one configuration of x and opt); the fourth (x 0.9) and the fifth (opt a)
 * are. Through tpe, gp, smac and auto. */
static void first_trials_distinct_on_shared_params(void **state)
{
    (void)state;
    const char *names[4] = {"tpe", "gp", "smac", "auto"};
    static const char *const ab[2] = {"a", "b"};
    for (int k = 0; k < 4; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *src = make(st, "src", NULL, 0);
        xyo(src, 0.1, 0.1, "b", 0.1);
        xyo(src, 0.12, 0.9, "b", 0.2);
        xyo(src, 0.25, 0.1, "b", 0.3);
        xyo(src, 0.9, 0.1, "b", 0.4);
        xyo(src, 0.1, 0.1, "a", 0.5);
        knob_study_free(src);
        knob_study *s = first_from_src(st, names[k], 3);
        const double want_x[3] = {0.1, 0.9, 0.1};
        const size_t want_opt[3] = {1, 1, 0};
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double x, w;
            size_t opt;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 2, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "opt", ab, 2, &opt), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "w", 0, 1, 0, 0, &w), KNOB_OK);
            if (x != want_x[i] || opt != want_opt[i])
                fail_msg("%s, trial %d: x %g opt %zu, want %g %zu", names[k], i, x, opt, want_x[i],
                         want_opt[i]);
            double v = x + w;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Enqueued trials (fixed params, all or some) take none of warm_start_first's picks: the
 * source's 3 best run after the two enqueued trials, in the trials the sampler chooses
 * alone (they took the picks of trials 0 and 1 by number, and the source's best two were
 * never run), with tpe, gp, smac and auto alike. */
static void first_trials_after_enqueued(void **state)
{
    (void)state;
    const char *names[4] = {"tpe", "gp", "smac", "auto"};
    for (int k = 0; k < 4; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *src = make(st, "src", NULL, 0);
        point(src, 1.0, 10, 0.2, NAN);
        point(src, 5.0, 20, 1.0, NAN);
        point(src, 9.0, 40, 1.8, NAN);
        point(src, 3.0, 80, 1.4, NAN);
        knob_study_free(src);
        knob_study *s = first_from_src(st, names[k], 3);
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 7.7, \"y\": 77}"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 6.6}"), KNOB_OK);
        double want[5][2] = {{7.7, 77}, {6.6, NAN}, {1, 10}, {5, 20}, {3, 80}};
        for (int i = 0; i < 6; i++) {
            knob_trial *t;
            double x, y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y), KNOB_OK);
            if (i < 5 && (x != want[i][0] || (!isnan(want[i][1]) && y != want[i][1])))
                fail_msg("%s, trial %d: x %g y %g, want %g %g", names[k], i, x, y, want[i][0],
                         want[i][1]);
            if (i == 5) /* the picks are used up: the sampler's own */
                assert_false((x == 1 && y == 10) || (x == 5 && y == 20) || (x == 3 && y == 80));
            double v = x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* trial of a float x and a categorical c of [a, b, c], valued v */
static void xc(knob_study *s, double x, const char *c, double v)
{
    static const char *const abc[3] = {"a", "b", "c"};
    char fixed[96];
    snprintf(fixed, sizeof fixed, "{\"x\": %.17g, \"c\": \"%s\"}", x, c);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    knob_trial *t;
    double got;
    size_t i;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "c", abc, 3, &i), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* warm_start_first from a source whose params this study suggests under other
 * distributions: a float x becomes an int x (the value snapped: 6.5 to 7), choices reordered
 * and added are matched by value. The first trials were ordinary draws. */
static void first_trials_mapped_by_value(void **state)
{
    (void)state;
    const char *names[4] = {"tpe", "gp", "smac", "auto"};
    static const char *const cba[4] = {"c", "b", "a", "d"};
    for (int k = 0; k < 4; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *src = make(st, "src", NULL, 0);
        xc(src, 9.0, "c", 2);
        xc(src, 3.0, "a", 0); /* best */
        xc(src, 6.5, "b", 1);
        knob_study_free(src);
        knob_study *s = first_from_src(st, names[k], 3);
        const int64_t want_x[3] = {3, 7, 9};
        const size_t want_c[3] = {2, 1, 0};
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            int64_t x;
            size_t c;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_int(t, "x", 0, 10, 1, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "c", cba, 4, &c), KNOB_OK);
            if (x != want_x[i] || c != want_c[i])
                print_message("%s: trial %d: x %lld c %s, not %lld %s\n", names[k], i, (long long)x,
                              cba[c], (long long)want_x[i], cba[want_c[i]]);
            assert_true(x == want_x[i] && c == want_c[i]);
            double v = (double)x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A new memory storage in *st, with the study "src" of infinite_values (a source whose
 * runs may be valued +-inf). */
static knob_study *infinite_source(knob_storage **st)
{
    assert_int_equal(knob_storage_open("memory:", st), KNOB_OK);
    knob_study_options so = {.infinite_values = 1};
    knob_study *src;
    assert_int_equal(knob_study_create(*st, "src", &so, &src), KNOB_OK);
    return src;
}

/* A source with infinite_values whose best trial's value is -inf (minimized): that
 * configuration is the first of warm_start_first's, for each sampler (it was left out, as
 * not finite, and trial 0 took the next best). */
static void first_trials_from_an_infinite_best(void **state)
{
    (void)state;
    const char *names[4] = {"tpe", "gp", "smac", "auto"};
    for (int k = 0; k < 4; k++) {
        knob_storage *st;
        knob_study *src = infinite_source(&st);
        point(src, 3.0, NAN, 2, NAN);
        point(src, 7.0, NAN, -INFINITY, NAN);
        point(src, 1.0, NAN, 1, NAN);
        point(src, 9.0, NAN, INFINITY, NAN);
        knob_study_free(src);
        knob_study *s = first_from_src(st, names[k], 3);
        const double want[3] = {7, 1, 3};
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double x;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            if (x != want[i])
                print_message("%s: trial %d: x %g, not %g\n", names[k], i, x, want[i]);
            assert_true(x == want[i]);
            double v = x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A source of 1 finite trial (x = 9) and 22 valued +inf (x near 1: runs that diverged):
 * tpe's good source trial is the finite one, not +inf ones beside it (the good side's size
 * for 23 trials is 3, and the source's trials were taken in order). The first trial of 40
 * warm studies (seeds 1-40): x below 4, near the +inf runs, at most twice. */
static void tpe_source_infinities_are_bad(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *src = infinite_source(&st);
    point(src, 9.0, NAN, 1, NAN);
    for (int i = 0; i < 22; i++)
        point(src, 1.0 + 0.01 * i, NAN, INFINITY, NAN);
    knob_study_free(src);
    int low = 0;
    for (int seed = 1; seed <= 40; seed++) {
        char opts[96], name[32];
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=src", seed);
        snprintf(name, sizeof name, "me%d", seed);
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create("tpe", opts, &sp), KNOB_OK);
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        low += x < 4;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        knob_study_free(s);
    }
    print_message("first trials below 4: %d of 40\n", low);
    assert_true(low <= 2);
    knob_storage_close(st);
}

/* A source that cannot be opened (a misspelt study, the study itself) fails the first ask
 * of every warm-starting sampler, naming it: gp, cmaes and auto failed only once their
 * startup trials had run, the first model's. It fails before the trial is made: each ask
 * left a failed trial without params, which ate a max_trials (run_cap) budget. */
static void missing_source_fails_first_ask(void **state)
{
    (void)state;
    const char *names[5] = {"tpe", "gp", "smac", "cmaes", "auto"};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    for (int k = 0; k < 5; k++) {
        for (int self = 0; self < 2; self++) {
            char opts[128], name[32];
            snprintf(name, sizeof name, "me_%s_%d", names[k], self);
            snprintf(opts, sizeof opts, "seed=1,warm_start_study=%s", self ? name : "nope");
            knob_sampler *sp;
            assert_int_equal(knob_sampler_create(names[k], opts, &sp), KNOB_OK);
            knob_study_options o = {.sampler = sp};
            knob_study *s;
            assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
            knob_trial *t = NULL;
            assert_int_equal(knob_study_ask(s, &t), self ? KNOB_EINVAL : KNOB_ENOTFOUND);
            assert_null(t);
            assert_non_null(strstr(knob_errmsg(), self ? "it is this study itself" : "'nope'"));
            assert_int_equal(knob_study_ask(s, &t), self ? KNOB_EINVAL : KNOB_ENOTFOUND);
            const knob_trial_info *const *tr;
            size_t n = 1;
            assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
            assert_int_equal(n, 0);
            knob_study_free(s);
        }
    }
    knob_storage_close(st);
}

static knob_trial_state x_only(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double x;
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    values[0] = (x - 0.3) * (x - 0.3);
    return KNOB_TRIAL_COMPLETE;
}

static knob_trial_state z_only(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double z;
    assert_int_equal(knob_trial_suggest_float(t, "z", 0, 1, 0, 0, &z), KNOB_OK);
    values[0] = z;
    return KNOB_TRIAL_COMPLETE;
}

/* x, and z too from trial `*from` on (a define-by-run space that grows). */
static knob_trial_state x_then_z(knob_trial *t, void *ctx, double *values)
{
    double x, z = 0;
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    if (knob_trial_number(t) >= *(const int64_t *)ctx)
        assert_int_equal(knob_trial_suggest_float(t, "z", 0, 1, 0, 0, &z), KNOB_OK);
    values[0] = x + z;
    return KNOB_TRIAL_COMPLETE;
}

/* x, and w too from trial `*from` on: a space that grows by a param no source here has. */
static knob_trial_state x_then_w(knob_trial *t, void *ctx, double *values)
{
    double x, w = 0;
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    if (knob_trial_number(t) >= *(const int64_t *)ctx)
        assert_int_equal(knob_trial_suggest_float(t, "w", 0, 1, 0, 0, &w), KNOB_OK);
    values[0] = x + w;
    return KNOB_TRIAL_COMPLETE;
}

/* A source that shares no param with the study is said, from the library (knob run's sweep
 * check drops such a source; C and Python read it and said nothing): "shares no ... param
 * ... starting cold" in warm_start_skipped, by gp, smac, cmaes and tpe; a source that shares
 * one is not said so. smac and tpe judge at each ask: once the study's space takes the
 * source's param, the sentence goes. */
static void disjoint_source_said(void **state)
{
    (void)state;
    const char *names[] = {"gp", "smac", "cmaes", "tpe"};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "zsrc", NULL, 0);
    assert_int_equal(knob_study_optimize(src, z_only, NULL, 8), KNOB_OK);
    knob_study_free(src);
    src = make(st, "xsrc", NULL, 0);
    assert_int_equal(knob_study_optimize(src, x_only, NULL, 8), KNOB_OK);
    knob_study_free(src);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        for (int shared = 0; shared < 2; shared++) {
            char opts[96], name[32];
            snprintf(opts, sizeof opts, "seed=3,warm_start_study=%s", shared ? "xsrc" : "zsrc");
            snprintf(name, sizeof name, "d_%s_%d", names[k], shared);
            knob_sampler *sp;
            assert_int_equal(knob_sampler_create(names[k], opts, &sp), KNOB_OK);
            knob_study_options o = {.sampler = sp};
            knob_study *s;
            assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
            assert_int_equal(knob_study_optimize(s, x_only, NULL, 14), KNOB_OK);
            const char *said = knob_study_system_attr(s, "warm_start_skipped");
            bool disjoint = said && strstr(said, "warm_start_study 'zsrc': shares no ") &&
                            strstr(said, "8 finished trials is used; starting cold");
            if (disjoint == shared)
                fail_msg("%s, a source %s: warm_start_skipped %s", names[k],
                         shared ? "sharing x" : "of z alone", said ? said : "(none)");
            knob_study_free(s);
        }
    }
    knob_sampler *sp;
    knob_study_options o = {0};
    knob_study *s;
    const char *said;
    int64_t from;
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "tpe" : "smac";
        assert_int_equal(knob_sampler_create(name, "seed=3,warm_start_study=zsrc", &sp), KNOB_OK);
        o.sampler = sp;
        char study[32];
        snprintf(study, sizeof study, "grows_%s", name);
        assert_int_equal(knob_study_create(st, study, &o, &s), KNOB_OK);
        from = 12;
        assert_int_equal(knob_study_optimize(s, x_then_z, &from, 12), KNOB_OK);
        said = knob_study_system_attr(s, "warm_start_skipped");
        if (!said || !strstr(said, "shares no param"))
            fail_msg("%s, a space of x: warm_start_skipped %s", name, said ? said : "(none)");
        assert_int_equal(knob_study_optimize(s, x_then_z, &from, 3), KNOB_OK);
        said = knob_study_system_attr(s, "warm_start_skipped");
        if (said && strstr(said, "shares no param"))
            fail_msg("%s, the study's space took z: warm_start_skipped %s", name, said);
        knob_study_free(s);
    }
    /* auto over a space that grows by a param the source does not have either: tpe takes
     * the study over (the space is no longer fixed), and the sentence stays true */
    assert_int_equal(knob_sampler_create("auto", "seed=3,warm_start_study=zsrc", &sp), KNOB_OK);
    o.sampler = sp;
    assert_int_equal(knob_study_create(st, "auto_grows_w", &o, &s), KNOB_OK);
    from = 9;
    assert_int_equal(knob_study_optimize(s, x_then_w, &from, 14), KNOB_OK);
    said = knob_study_system_attr(s, "warm_start_skipped");
    if (!said || !strstr(said, "warm_start_study 'zsrc': shares no param"))
        fail_msg("auto, tpe's turns, no shared param: warm_start_skipped %s",
                 said ? said : "(none)");
    knob_study_free(s);
    /* auto: gp's or smac's sentence, while the space is x alone; once z comes, tpe takes the
     * study over (the space is no longer fixed), and the sentence goes with their turns */
    assert_int_equal(knob_sampler_create("auto", "seed=3,warm_start_study=zsrc", &sp), KNOB_OK);
    o.sampler = sp;
    assert_int_equal(knob_study_create(st, "auto_grows", &o, &s), KNOB_OK);
    from = 9;
    assert_int_equal(knob_study_optimize(s, x_then_z, &from, 9), KNOB_OK);
    said = knob_study_system_attr(s, "warm_start_skipped");
    assert_non_null(said);
    assert_non_null(strstr(said, "shares no param"));
    assert_int_equal(knob_study_optimize(s, x_then_z, &from, 5), KNOB_OK);
    said = knob_study_system_attr(s, "warm_start_skipped");
    if (said && strstr(said, "shares no param"))
        fail_msg("auto, tpe took the study over: warm_start_skipped %s", said);
    knob_study_free(s);
    knob_storage_close(st);
}

static knob_trial_state x_fails(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    (void)values;
    double x;
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    return KNOB_TRIAL_FAIL;
}

/* A source without a complete trial (empty, or every trial failed) is a cold start, said by
 * each sampler that takes a warm start (it was silent; knob run's key warm_start says it of
 * such a source); tpe takes its sentence back once the source has trials. */
static void empty_source_said(void **state)
{
    (void)state;
    const char *names[] = {"gp", "smac", "cmaes", "tpe", "auto"};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "empty", NULL, 0);
    knob_study_free(src);
    src = make(st, "failed", NULL, 0);
    assert_int_equal(knob_study_optimize(src, x_fails, NULL, 3), KNOB_OK);
    knob_study_free(src);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        for (int f = 0; f < 2; f++) {
            char opts[96], name[32], want[128];
            snprintf(opts, sizeof opts, "seed=3,warm_start_study=%s", f ? "failed" : "empty");
            snprintf(name, sizeof name, "e_%s_%d", names[k], f);
            snprintf(want, sizeof want,
                     "warm_start_study '%s' has no complete trial with a value (%d trials); "
                     "starting cold",
                     f ? "failed" : "empty", f ? 3 : 0);
            knob_sampler *sp;
            assert_int_equal(knob_sampler_create(names[k], opts, &sp), KNOB_OK);
            knob_study_options o = {.sampler = sp};
            knob_study *s;
            assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
            assert_int_equal(knob_study_optimize(s, x_only, NULL, 12), KNOB_OK);
            const char *said = knob_study_system_attr(s, "warm_start_skipped");
            if (!said || !strstr(said, want))
                fail_msg("%s, source '%s': warm_start_skipped %s", names[k], f ? "failed" : "empty",
                         said ? said : "(none)");
            knob_study_free(s);
        }
    /* the source gets trials: tpe's next handle takes the sentence back */
    assert_int_equal(knob_study_load(st, "empty", NULL, &src), KNOB_OK);
    assert_int_equal(knob_study_optimize(src, x_only, NULL, 8), KNOB_OK);
    knob_study_free(src);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "seed=3,warm_start_study=empty", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_load(st, "e_tpe_0", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_optimize(s, x_only, NULL, 2), KNOB_OK);
    const char *said = knob_study_system_attr(s, "warm_start_skipped");
    if (said && strstr(said, "no complete trial"))
        fail_msg("tpe, the source has trials now: warm_start_skipped %s", said);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob__warm_firsts_read: the source's best distinct configurations from a study in
 * another storage; a missing one is an error naming the sampler; k == 0 reads nothing. */
static void firsts_read(void **state)
{
    (void)state;
    char url[512];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("warm_firsts.db"));
    knob_storage *other, *st;
    assert_int_equal(knob_storage_open(url, &other), KNOB_OK);
    knob_study *src = make(other, "src", NULL, 0);
    point(src, 4.0, 10, 0.2, NAN);
    point(src, 8.0, 10, 0.1, NAN);
    point(src, 8.1, 10, 0.15, NAN); /* within 10% of the best: skipped */
    knob_study_free(src);
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *me = make(st, "me", NULL, 0);
    knob__warm_firsts f = {0};
    assert_int_equal(knob__warm_firsts_read(&f, me, "smac", "src", url, 5), KNOB_OK);
    assert_int_equal(f.n, 3);
    const double want[3] = {8.0, 4.0, NAN};
    for (size_t i = 0; i < 3; i++) {
        size_t at;
        bool has;
        assert_int_equal(knob__warm_firsts_nth(&f, NULL, 0, i, &at, &has), KNOB_OK);
        assert_true(has == !isnan(want[i]));
        assert_true(!has || f.params[f.start[at]].internal == want[i]);
    }
    knob__warm_firsts_free(&f);
    assert_int_equal(knob__warm_firsts_read(&f, me, "smac", "src", NULL, 5), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "smac: warm_start_study 'src': "));
    assert_int_equal(f.n, 0);
    assert_int_equal(knob__warm_firsts_read(&f, me, "gp", "nope", url, 0), KNOB_OK);
    assert_int_equal(f.n, 0);
    knob_study_free(me);
    knob_storage_close(st);
    knob_storage_close(other);
}

/* A bowl at (3, 30) on x in [0, 10] and y in [1, 100] (log scale). */
static double bowl(double x, double y)
{
    double u = log10(y) - log10(30);
    return (x - 3) * (x - 3) / 25 + u * u;
}

/* `trials` trials of `sampler` with options `opts` on bowl(): their (x, y) into xy (2 x trials)
 * unless NULL; returns the best. */
static double bowl_run(knob_storage *st, const char *sampler, const char *name, const char *opts,
                       int trials, double *xy)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    double best = INFINITY;
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y), KNOB_OK);
        if (xy) {
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
        }
        double v = bowl(x, y);
        best = fmin(best, v);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_study_free(s);
    return best;
}

/* The best of `trials` trials of `sampler` (seed) on bowl(), warm-started from study `from`
 * ("": cold) in st. */
static double best_of(knob_storage *st, const char *sampler, const char *name, const char *from,
                      int seed, int trials)
{
    char opts[128];
    snprintf(opts, sizeof opts, "seed=%d%s%s", seed, from[0] ? ",warm_start_study=" : "", from);
    return bowl_run(st, sampler, name, opts, trials, NULL);
}

/* What a warm start does, through tpe and gp: after 10 trials, with a source that ranks
 * alike (the same bowl with noise, 60 random trials) the mean best over 8 seeds is at most
 * half a cold start's, and with an opposite source (the bowl negated: its good trials are
 * this study's worst) at most half as much again as a cold start's. For tpe both sources
 * leave a warm start that models from its first trial, ahead of a cold start's 10 startup
 * trials, alike (the source's ranking is not what it gains at 10 trials); gp's prior mean
 * carries the ranking: the alike source's best is also 4 times below the opposite's. */
static void sources_alike_and_opposite(void **state)
{
    (void)state;
    const char *samplers[2] = {"tpe", "gp"};
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *alike = make(st, "alike", NULL, 0), *opposite = make(st, "opposite", NULL, 0);
        knob_rng r;
        knob_rng_seed(&r, 7);
        for (int i = 0; i < 60; i++) {
            double x = 10 * knob_rng_uniform(&r), y = pow(10, 2 * knob_rng_uniform(&r));
            point(alike, x, y, bowl(x, y) + 0.05 * knob_rng_uniform(&r), NAN);
            point(opposite, x, y, -bowl(x, y), NAN);
        }
        knob_study_free(alike);
        knob_study_free(opposite);
        double cold = 0, warm = 0, against = 0;
        for (int seed = 0; seed < 8; seed++) {
            char name[32];
            snprintf(name, sizeof name, "cold%d", seed);
            cold += best_of(st, samplers[k], name, "", seed, 10) / 8;
            snprintf(name, sizeof name, "warm%d", seed);
            warm += best_of(st, samplers[k], name, "alike", seed, 10) / 8;
            snprintf(name, sizeof name, "against%d", seed);
            against += best_of(st, samplers[k], name, "opposite", seed, 10) / 8;
        }
        print_message("%s, mean best after 10 trials: cold %g, alike source %g, opposite %g\n",
                      samplers[k], cold, warm, against);
        assert_true(warm < cold / 2);
        assert_true(against < 1.5 * cold);
        if (k == 1)
            assert_true(warm < against / 4);
        knob_storage_close(st);
    }
}

/* The bowl with its bottom moved by 10% of each range: to x = 4 and y = 30 x 10^0.2 (the
 * log range is 2 decades). */
static double bowl_moved(double x, double y)
{
    double u = log10(y) - log10(30) - 0.2;
    return (x - 4) * (x - 4) / 25 + u * u;
}

/* tpe's warm start on a related task whose optimum moved, beside an anti-correlated source,
 * over seeds 0-7 (the seeds and sources are fixed: the figures are deterministic). Sources of
 * 60 random trials: the moved bowl, and the bowl negated. After 20 trials, the mean best of
 * the warm start from the moved bowl is at most half a cold start's (it searches near the
 * moved bottom from its first trial, 10% of the range from this study's); from the negated
 * bowl, whose good trials are this study's worst, it is not followed to its good region: at
 * most 1.5 times a cold start's. */
static void tpe_moved_and_negated_sources(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *moved = make(st, "moved", NULL, 0), *negated = make(st, "negated", NULL, 0);
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (int i = 0; i < 60; i++) {
        double x = 10 * knob_rng_uniform(&r), y = pow(10, 2 * knob_rng_uniform(&r));
        point(moved, x, y, bowl_moved(x, y), NAN);
        point(negated, x, y, -bowl(x, y), NAN);
    }
    knob_study_free(moved);
    knob_study_free(negated);
    double cold = 0, warm = 0, against = 0;
    for (int seed = 0; seed < 8; seed++) {
        char name[32];
        snprintf(name, sizeof name, "cold%d", seed);
        cold += best_of(st, "tpe", name, "", seed, 20) / 8;
        snprintf(name, sizeof name, "moved%d", seed);
        warm += best_of(st, "tpe", name, "moved", seed, 20) / 8;
        snprintf(name, sizeof name, "negated%d", seed);
        against += best_of(st, "tpe", name, "negated", seed, 20) / 8;
    }
    print_message("tpe, mean best after 20 trials: cold %g, moved source %g, negated %g\n", cold,
                  warm, against);
    assert_true(warm < cold / 2);
    assert_true(against < 1.5 * cold);
    knob_storage_close(st);
}

/* The sources of the local-phase tests: "moved", n random trials of the moved bowl (seed
 * 11), and "apart", 20 trials of a param "z" that no study here shares. */
static void related_sources(knob_storage *st, int n)
{
    knob_study *moved = make(st, "moved", NULL, 0), *apart = make(st, "apart", NULL, 0);
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (int i = 0; i < n; i++) {
        double x = 10 * knob_rng_uniform(&r), y = pow(10, 2 * knob_rng_uniform(&r));
        point(moved, x, y, bowl_moved(x, y), NAN);
    }
    for (int i = 0; i < 20; i++) { /* param "z": none shared */
        knob_trial *t;
        double z;
        assert_int_equal(knob_study_ask(apart, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "z", 0, 10, 0, 0, &z), KNOB_OK);
        assert_int_equal(knob_study_tell(apart, t, KNOB_TRIAL_COMPLETE, &z, 1), KNOB_OK);
    }
    knob_study_free(moved);
    knob_study_free(apart);
}

/* tpe's warm_start_local (on by default, every trial from trial 20): the first 20 trials
 * of a warm start are as with it off, and the trials after are steps from the best trial
 * before them (none more than 0.6 of the ranges away, on x and on log y); over seeds 0-7 the
 * mean best after 60 trials is at most half the warm start's without it. A source that shares
 * no param, and one whose param of the same name never fits, ask the same params with it as
 * without it, bit for bit; without a source the option is refused (it would be unused). */
static void tpe_local_phase(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    related_sources(st, 60);
    /* param "x" by name, but 20 to 30, outside bowl()'s [0, 10]: none of its values fits,
     * so it teaches nothing (it took the local phase from trial 20 on, by the name alone) */
    knob_study *unfit = make(st, "unfit", NULL, 0);
    for (int i = 0; i < 20; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(unfit, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 20, 30, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(unfit, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    }
    knob_study_free(unfit);
    enum { N = 60, FROM = KNOB__WARM_LOCAL_FROM };
    double with = 0, without = 0, a[2 * N], b[2 * N];
    for (int seed = 0; seed < 8; seed++) {
        char name[32], opts[128];
        snprintf(name, sizeof name, "off%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved,warm_start_local=0", seed);
        without += bowl_run(st, "tpe", name, opts, N, a) / 8;
        snprintf(name, sizeof name, "on%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved", seed);
        with += bowl_run(st, "tpe", name, opts, N, b) / 8;
        assert_memory_equal(a, b, 2 * FROM * sizeof *a);
        assert_memory_not_equal(a + 2 * FROM, b + 2 * FROM, 2 * sizeof *a);
        for (int i = FROM; i < N; i++) {
            int best = 0;
            for (int j = 1; j < i; j++)
                best = bowl(b[2 * j], b[2 * j + 1]) < bowl(b[2 * best], b[2 * best + 1]) ? j : best;
            assert_true(fabs(b[2 * i] - b[2 * best]) <= 6);
            assert_true(fabs(log10(b[2 * i + 1] / b[2 * best + 1])) <= 1.2);
        }
        for (int k = 1; k < 3; k++) {
            const char *src = k == 2 ? ",warm_start_study=unfit" : ",warm_start_study=apart";
            snprintf(name, sizeof name, "c%d_%d", k, seed);
            snprintf(opts, sizeof opts, "seed=%d%s,warm_start_local=0", seed, src);
            bowl_run(st, "tpe", name, opts, 30, a);
            snprintf(name, sizeof name, "cl%d_%d", k, seed);
            snprintf(opts, sizeof opts, "seed=%d%s", seed, src);
            bowl_run(st, "tpe", name, opts, 30, b);
            assert_memory_equal(a, b, 2 * 30 * sizeof *a);
        }
    }
    knob_sampler *cold;
    assert_int_equal(knob_sampler_create("tpe", "seed=1,warm_start_local=0", &cold), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'tpe': option 'warm_start_local' (0) acts only "
                                          "with 'warm_start_study'"));
    print_message("tpe warm start, mean best after %d trials: warm_start_local=1 %g, off %g\n", N,
                  with, without);
    assert_true(with < without / 2);
    knob_storage_close(st);
}

/* smac's warm start from a related task whose optimum moved (the bowl moved by a tenth of
 * x's range and of y's log range; a source of 120 random trials, which the forest weighs as
 * much as this study's own at every ask) beats its cold start: the mean best of 60 trials
 * over seeds 0-7 is under a tenth of the cold's, with the local phase from trial 20 on
 * (warm_start_local, as tpe's). Without it the forest kept asking near the source's
 * optimum: the warm run ended worse than the cold one. A run whose source shares no param
 * asks the same with any warm_start_local; a cold one refuses it (it would be unused). */
static void smac_moved_source(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    related_sources(st, 120);
    enum { N = 60 };
    double warm = 0, cold = 0, a[2 * N], b[2 * N];
    for (int seed = 0; seed < 8; seed++) {
        char name[32], opts[128];
        snprintf(name, sizeof name, "w%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved", seed);
        warm += bowl_run(st, "smac", name, opts, N, NULL) / 8;
        snprintf(name, sizeof name, "c%d", seed);
        snprintf(opts, sizeof opts, "seed=%d", seed);
        cold += bowl_run(st, "smac", name, opts, N, a) / 8;
        knob_sampler *sp = NULL;
        snprintf(opts, sizeof opts, "seed=%d,warm_start_local=3", seed);
        assert_int_equal(knob_sampler_create("smac", opts, &sp), KNOB_EINVAL);
        assert_null(sp);
        snprintf(name, sizeof name, "a%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=apart,warm_start_local=0", seed);
        bowl_run(st, "smac", name, opts, 30, a);
        snprintf(name, sizeof name, "al%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=apart", seed);
        bowl_run(st, "smac", name, opts, 30, b);
        assert_memory_equal(a, b, 2 * 30 * sizeof *a);
    }
    print_message("smac, mean best after %d trials: warm %g, cold %g\n", N, warm, cold);
    assert_true(warm < cold / 10);
    knob_storage_close(st);
}

/* The trials a warm tpe run (seed, options opts, source `moved`) needs to bring bowl()
 * under `bound` (trials + 1: never). */
static int trials_to(knob_storage *st, const char *name, const char *opts, double bound, int trials)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    int at = trials + 1;
    for (int i = 0; i < trials && at > trials; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y), KNOB_OK);
        double v = bowl(x, y);
        if (v < bound)
            at = i + 1;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_study_free(s);
    return at;
}

/* The local phase's quadratic model (warm_start_model, on by default with warm_start_local):
 * bowl() is a quadratic in (x, log y), warm-started from the moved bowl (its bottom 10% of
 * each range away). Seeds 0-7, up to 80 trials, the trials to bring the loss under 1e-6:
 * by default every seed gets there within 40 trials, in at most half the trials (summed over
 * the seeds) of the local phase's evolution strategy alone (warm_start_model=false), and
 * tpe's own refinement (warm_start_local=0) gets there in none. */
static void tpe_local_model(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *moved = make(st, "moved", NULL, 0);
    knob_rng r;
    knob_rng_seed(&r, 11);
    for (int i = 0; i < 60; i++) {
        double x = 10 * knob_rng_uniform(&r), y = pow(10, 2 * knob_rng_uniform(&r));
        point(moved, x, y, bowl_moved(x, y), NAN);
    }
    knob_study_free(moved);
    enum { T = 80 };
    int model = 0, strategy = 0, off_reached = 0;
    for (int seed = 0; seed < 8; seed++) {
        char name[32], opts[128];
        snprintf(name, sizeof name, "model%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved", seed);
        int m = trials_to(st, name, opts, 1e-6, T);
        assert_true(m <= 40); /* 22 on every seed: the first model step lands on the bottom */
        snprintf(name, sizeof name, "es%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved,warm_start_model=false", seed);
        int e = trials_to(st, name, opts, 1e-6, T);
        snprintf(name, sizeof name, "off%d", seed);
        snprintf(opts, sizeof opts, "seed=%d,warm_start_study=moved,warm_start_local=0", seed);
        off_reached += trials_to(st, name, opts, 1e-6, T) <= T;
        print_message("seed %d: trials to 1e-6, model %d, strategy alone %d\n", seed, m, e);
        model += m;
        strategy += e;
    }
    assert_true(2 * model <= strategy);
    assert_int_equal(off_reached, 0);
    knob_storage_close(st);
}

/* One trial of x (an int when `integer`) in [0, high] at x, valued v. */
static void x_in(knob_study *s, bool integer, double high, double x, double v)
{
    char fixed[64];
    snprintf(fixed, sizeof fixed, "{\"x\": %.17g}", x);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    knob_trial *t;
    double got;
    int64_t i;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    if (integer)
        assert_int_equal(knob_trial_suggest_int(t, "x", 0, (int64_t)high, 1, 0, &i), KNOB_OK);
    else
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, high, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* Runs n trials of x in [0, 10] in a study `name` of `sampler` (options `opts`, n_dirs
 * objectives) warm-started from "mixed", and returns its warm_start_skipped attribute (a
 * copy; NULL when unset). */
static char *skipped_by(knob_storage *st, const char *sampler, const char *opts, const char *name,
                        size_t n_dirs, int n)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.sampler = sp, .directions = dirs, .n_objectives = n_dirs};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x, v[2];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        v[0] = (x - 3) * (x - 3);
        v[1] = x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, n_dirs), KNOB_OK);
    }
    const char *said = knob_study_system_attr(s, "warm_start_skipped");
    char *copy = said ? strdup(said) : NULL;
    knob_study_free(s);
    return copy;
}

/* A source whose trials hold x under other distributions than this study's: only the
 * trials that fit (same kind, inside this study's range) are used, and the others are
 * said in the study's system attribute warm_start_skipped; a source of one objective is
 * not used by a study of two, and that is said too. */
static void skipped_source_trials(void **state)
{
    (void)state;
    knob_distribution f10 = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 10};
    knob_distribution f100 = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 100};
    knob_distribution i10 = {.kind = KNOB_DIST_INT, .low = 0, .high = 10, .step = 1};
    knob_param in = {"x", &f10, 5}, out = {"x", &f100, 50}, other = {"x", &i10, 5};
    assert_true(knob__warm_fits(&in, &f10));
    assert_false(knob__warm_fits(&out, &f10));
    /* an int for a float, and the reverse, by its value (they were left out) */
    double v = -1;
    assert_true(knob__warm_value(&other, &f10, &v));
    assert_true(v == 5);
    knob_param half = {"x", &f10, 5.5};
    assert_true(knob__warm_value(&half, &i10, &v));
    assert_true(v == 5.5);
    knob_choice cab[2] = {{KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_STRING, "b", 0}};
    knob_choice cac[2] = {{KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_STRING, "c", 0}};
    knob_choice cba[3] = {
        {KNOB_CHOICE_STRING, "c", 0}, {KNOB_CHOICE_STRING, "b", 0}, {KNOB_CHOICE_STRING, "a", 0}};
    knob_distribution dab = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = cab};
    knob_distribution dac = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = cac};
    knob_distribution dcba = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 3, .choices = cba};
    knob_param c = {"c", &dab, 1}, a = {"c", &dab, 0};
    assert_true(knob__warm_fits(&c, &dab));
    assert_false(knob__warm_fits(&c, &dac)); /* "b": a choice this study lacks */
    /* a choice both have, by its value: "a" is index 0 in [a, c], index 2 in [c, b, a] (the
     * source's trials were all left out for their other choices) */
    assert_true(knob__warm_value(&a, &dac, &v));
    assert_true(v == 0);
    assert_true(knob__warm_value(&a, &dcba, &v));
    assert_true(v == 2);
    assert_true(knob__warm_value(&c, &dcba, &v));
    assert_true(v == 1);
    assert_false(knob__warm_fits(&c, &f10));
    assert_false(knob__warm_fits(&in, &dab));

    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "mixed", NULL, 0);
    for (int i = 0; i < 8; i++)
        x_in(src, false, 10, 1 + i, fabs(3.0 - (1 + i)));
    x_in(src, true, 10, 3, 0.01);    /* x an int: used, by its value */
    x_in(src, false, 100, 50, 0.02); /* outside [0, 10] */
    x_in(src, false, 100, 90, 0.03);
    knob_study_free(src);
    const char *want = "warm_start_study 'mixed': 2 of its 11 finished trials not used: 2 with a "
                       "param of this study under another kind of distribution or outside its "
                       "range";
    char *said = skipped_by(st, "gp", "seed=1,warm_start_study=mixed", "gp", 1, 4);
    assert_non_null(said);
    assert_non_null(strstr(said, want));
    assert_non_null(strstr(said, "gp: "));
    assert_non_null(strstr(said, "; the first: param 'x'")); /* which param (it said none) */
    free(said);
    said = skipped_by(st, "cmaes", "seed=1,warm_start_study=mixed", "cmaes", 1, 4);
    assert_non_null(said);
    assert_non_null(strstr(said, want));
    assert_non_null(strstr(said, "; the first: param 'x'"));
    free(said);
    /* smac too (it said nothing, and took x of [0, 100] for x of [0, 10]) */
    said = skipped_by(st, "smac", "seed=1,warm_start_study=mixed", "smac", 1, 4);
    assert_non_null(said);
    assert_non_null(strstr(said, want));
    assert_non_null(strstr(said, "smac: "));
    assert_non_null(strstr(said, "; the first: param 'x'"));
    free(said);
    said = skipped_by(st, "tpe", "seed=1,warm_start_study=mixed", "tpe", 2, 4);
    assert_non_null(said);
    assert_non_null(strstr(said, "tpe: warm_start_study 'mixed': 11 of its 11 finished trials "
                                 "not used: 11 with another count of objective values than this "
                                 "study's 2"));
    free(said);
    /* the study "gp" again, from a source that fits: the sentence no longer holds, and goes
     * (it stayed, and knob run warned of it at every run) */
    src = make(st, "fits", NULL, 0);
    for (int i = 0; i < 4; i++)
        x_in(src, false, 10, 2 + i, fabs(3.0 - (2 + i)));
    knob_study_free(src);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("gp", "seed=1,warm_start_study=fits", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *again;
    assert_int_equal(knob_study_load(st, "gp", &o, &again), KNOB_OK);
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(again, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(again, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    assert_string_equal(knob_study_system_attr(again, "warm_start_skipped"), "null");
    knob_study_free(again);
    /* a study of one objective: tpe reads the source's good trials only (x = 3, the int
     * x = 3), which fit; the two outside the range are not among them: nothing is said
     * (tpe_says_unfit_params: good ones that do not fit) */
    assert_null(skipped_by(st, "tpe", "seed=1,warm_start_study=mixed", "tpe1", 1, 2));
    knob_storage_close(st);
}

/* What tpe says of the source "far" (20 trials of x in [0, 10] but its two best, x = 50 and
 * 60 of [0, 100]) for x in [0, 10]. */
#define FAR_SAID                                                                                   \
    "\"tpe: warm_start_study 'far': 2 of the 2 good trials tpe reads from it not used: 2 with a "  \
    "param of this study under another kind of distribution or outside its range, and none "       \
    "that fits; the first: param 'x'\""

/* The source "far" in st. */
static void make_far(knob_storage *st)
{
    knob_study *src = make(st, "far", NULL, 0);
    for (int i = 0; i < 18; i++)
        x_in(src, false, 10, 0.5 * i, 5 + i);
    x_in(src, false, 100, 50, 0.01);
    x_in(src, false, 100, 60, 0.02);
    knob_study_free(src);
}

/* A tpe study "w" of st warm-started from "far" (created, or loaded). */
static knob_study *far_reader(knob_storage *st, bool create)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "seed=1,warm_start_study=far", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal((create ? knob_study_create : knob_study_load)(st, "w", &o, &s), KNOB_OK);
    return s;
}

/* One trial of s with x in [0, high]. */
static void far_trial(knob_study *s, double high)
{
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, high, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
}

/* One trial of s at x (in [0, 10]) and y (in [0, 100]), valued v. */
static void xy_trial(knob_study *s, double x, double y, double v)
{
    char fixed[128];
    snprintf(fixed, sizeof fixed, "{\"x\": %.17g, \"y\": %.17g}", x, y);
    assert_int_equal(knob_study_enqueue(s, fixed), KNOB_OK);
    knob_trial *t;
    double got;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "y", 0, 100, 0, 0, &got), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
}

/* tpe's sentence of an earlier source is taken back (null) by a tpe process reading another
 * source that leaves nothing out (the check compared one character too many and never
 * matched: the stale sentence stayed); of its own source, it is kept by a process that does
 * not know yet, also for a name with a quote and a backslash (escaped in the attribute's
 * JSON, compared decoded). */
static void tpe_sentence_of_another_source(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    const char *odd = "q\"t\\";
    knob_study *src = make(st, odd, NULL, 0);
    for (int i = 0; i < 18; i++)
        xy_trial(src, 0.5 * i, 0.5 * i, 5 + i);
    xy_trial(src, 3, 50, 0.01); /* the good ones: y outside [0, 10] */
    xy_trial(src, 4, 60, 0.02);
    knob_study_free(src);
    src = make(st, "fits", NULL, 0);
    for (int i = 0; i < 10; i++)
        xy_trial(src, i, i, i);
    knob_study_free(src);
    char *said = NULL;
    for (int k = 0; k < 3; k++) {
        knob_sampler *sp;
        const char *key = "warm_start_study", *value = k == 2 ? "fits" : odd;
        assert_int_equal(knob_sampler_create_pairs("tpe", &key, &value, 1, &sp), KNOB_OK);
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        assert_int_equal((k ? knob_study_load : knob_study_create)(st, "w", &o, &s), KNOB_OK);
        knob_trial *t;
        double x, y, v = 1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        if (!k) /* the second process suggests x alone */
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 10, 0, 0, &y), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        if (!k) {
            const char *was = knob_study_system_attr(s, "warm_start_skipped");
            assert_non_null(was);
            said = strdup(was);
            assert_non_null(strstr(said, "tpe: warm_start_study 'q\\\"t\\\\': 2 of the 2 good "));
        } else {
            assert_string_equal(knob_study_system_attr(s, "warm_start_skipped"),
                                k == 1 ? said : "null");
        }
        knob_study_free(s);
    }
    free(said);
    knob_storage_close(st);
}

/* tpe's sentence is said by the process that found what does not fit, and by it only: a
 * process of the study that reads the source (a knob ask, a run beside: here another
 * storage handle of the file) does not set it to null at its read, when it cannot know
 * yet (it did, and the sentence came and went from ask to ask); a process whose sentence
 * was replaced by another's says its own again at its next suggestion; and a range that
 * changes so that the source's values fit takes it back (it stayed). */
static void tpe_unfit_said_across_processes(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("warm_procs.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st, *st2;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    make_far(st);
    knob_study *a = far_reader(st, true);
    far_trial(a, 10);
    char *said = strdup(knob_study_system_attr(a, "warm_start_skipped"));
    assert_non_null(strstr(said, "tpe: warm_start_study 'far': 2 of "));
    /* another process whose x fits everything: it says nothing, and takes nothing away */
    knob_study *b = far_reader(st2, false);
    far_trial(b, 100);
    assert_string_equal(knob_study_system_attr(a, "warm_start_skipped"), said);
    far_trial(a, 10);
    assert_string_equal(knob_study_system_attr(a, "warm_start_skipped"), said);
    /* another whose x of [0, 55] leaves out one trial: its sentence, then a's again */
    knob_study_free(b);
    b = far_reader(st2, false);
    far_trial(b, 55);
    assert_non_null(strstr(knob_study_system_attr(b, "warm_start_skipped"),
                           "tpe: warm_start_study 'far': 1 of "));
    far_trial(a, 10);
    assert_string_equal(knob_study_system_attr(a, "warm_start_skipped"), said);
    /* a's range grows (define-by-run): the source's x fit, and a takes its sentence back */
    far_trial(a, 100);
    assert_string_equal(knob_study_system_attr(a, "warm_start_skipped"), "null");
    far_trial(a, 10);
    assert_string_equal(knob_study_system_attr(a, "warm_start_skipped"), said);
    free(said);
    knob_study_free(b);
    knob_study_free(a);
    knob_storage_close(st2);
    knob_storage_close(st);
    unlink(path);
}

/* The study attributes' table of the SQLite file at path made again with `check` (a
 * constraint, or ""). */
static void attrs_table(const char *path, const char *check)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "BEGIN; CREATE TABLE a2(study INTEGER NOT NULL, system INTEGER NOT NULL, "
             "key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(study, system, key)%s%s); "
             "INSERT INTO a2 SELECT study, system, key, json FROM study_attrs; "
             "DROP TABLE study_attrs; ALTER TABLE a2 RENAME TO study_attrs; COMMIT",
             check[0] ? ", " : "", check);
    knob_test_sql_exec(path, sql);
}

/* A failure to store tpe's sentence (the storage refuses the write: a constraint here, a busy
 * database or no memory otherwise) does not fail the suggestion, nor leave its message to
 * the caller; the sentence is written at the next suggestion (the suggestion failed, and
 * the sentence was never written). */
static void tpe_unfit_write_failure(void **state)
{
    (void)state;
    char path[4200], url[4300];
    snprintf(path, sizeof path, "%s", knob_test_path("warm_fail.db"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    make_far(st);
    knob_study *s = far_reader(st, true);
    attrs_table(path, "CHECK(key <> 'warm_start_skipped')");
    knob_trial *t;
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
    assert_null(strstr(knob_errmsg(), "CHECK"));
    assert_null(knob_study_system_attr(s, "warm_start_skipped"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    attrs_table(path, "");
    far_trial(s, 10);
    assert_string_equal(knob_study_system_attr(s, "warm_start_skipped"), FAR_SAID);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

/* tpe reads the source before this study's space is known, so it left out a good source
 * trial's param that does not fit (outside the range, a choice this study lacks) without a
 * word; it says so in warm_start_skipped once the param is suggested, as the others do (the
 * trial's other params are used: "not used in full"). */
static void tpe_says_unfit_params(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "far", NULL, 0);
    for (int i = 0; i < 18; i++)
        x_in(src, false, 10, 0.5 * i, 5 + i);
    x_in(src, false, 100, 50, 0.01); /* the two good trials (10%): outside [0, 10] */
    x_in(src, false, 100, 60, 0.02);
    knob_study_free(src);
    char *said = skipped_by(st, "tpe", "seed=1,warm_start_study=far", "tf", 1, 2);
    assert_non_null(said);
    /* in terms of what tpe reads (the 2 good trials, not the source's 20), and not used at
     * all: x is their only param (it said "2 of its 20 finished trials not used in full") */
    assert_string_equal(said, FAR_SAID);
    free(said);

    /* a choice this study lacks: "c" of the source's [a, b, c], this study's [a, b] */
    src = make(st, "cs", NULL, 0);
    for (int i = 0; i < 18; i++)
        xc(src, 0.5 * i, "a", 5 + i);
    xc(src, 3, "c", 0.01);
    xc(src, 4, "c", 0.02);
    knob_study_free(src);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("tpe", "seed=1,warm_start_study=cs", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "tc", &o, &s), KNOB_OK);
    static const char *const ab[2] = {"a", "b"};
    for (int i = 0; i < 3; i++) {
        knob_trial *t;
        double x;
        size_t c;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        if (i == 0) /* x fits in every good trial: nothing to say yet */
            assert_null(knob_study_system_attr(s, "warm_start_skipped"));
        assert_int_equal(knob_trial_suggest_categorical(t, "c", ab, 2, &c), KNOB_OK);
        assert_non_null(
            strstr(knob_study_system_attr(s, "warm_start_skipped"),
                   "tpe: warm_start_study 'cs': 2 of the 2 good trials tpe reads from "
                   "it not used in full: 2 with a param of this study under another kind of "
                   "distribution or outside its range; the first: param 'c'"));
        double v = x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_study_free(s);
    /* x fixed by enqueue_trial (not sampled) and c sampled: the trials' x fits, so they are
     * used in part (they were said not used at all) */
    assert_int_equal(knob_sampler_create("tpe", "seed=1,warm_start_study=cs", &sp), KNOB_OK);
    o.sampler = sp;
    assert_int_equal(knob_study_create(st, "tq", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 1}"), KNOB_OK);
    knob_trial *t;
    double x;
    size_t c;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "c", ab, 2, &c), KNOB_OK);
    assert_non_null(strstr(knob_study_system_attr(s, "warm_start_skipped"),
                           "2 of the 2 good trials tpe reads from it not used in full:"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The mean of x over trials from .. to - 1 of a cmaes study warm-started from `src` (NULL:
 * cold) over x in [0, 10] and y in [0, 1] (popsize 8, the first generation from trial 1). */
static double cmaes_first_mean_x(knob_storage *st, const char *name, const char *src)
{
    char opts[128];
    snprintf(opts, sizeof opts, "seed=3,popsize=8%s%s", src ? ",warm_start_study=" : "",
             src ? src : "");
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("cmaes", opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    double sum = 0;
    for (int i = 0; i < 9; i++) {
        knob_trial *t;
        double x, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
        assert_true(y >= 0 && y <= 1);
        sum += i ? x : 0;
        double v = (x - 8) * (x - 8) + y;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    assert_null(knob_study_system_attr(s, "warm_start_skipped"));
    knob_study_free(s);
    return sum / 8;
}

/* A source without one of this study's params (x only, here x and y): cmaes starts from
 * the source on x, and y where a cold start would put it (every source trial was left
 * out for lacking y, silently: a cold start). */
static void cmaes_uses_shared_params(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "xonly", NULL, 0);
    for (int i = 0; i < 20; i++)
        x_in(src, false, 10, 0.5 * i, (0.5 * i - 8) * (0.5 * i - 8));
    knob_study_free(src);
    double warm = cmaes_first_mean_x(st, "warm", "xonly"),
           cold = cmaes_first_mean_x(st, "cold", NULL);
    print_message("first generation's mean x: warm %.2f, cold %.2f\n", warm, cold);
    assert_true(warm > 7 && warm < 9);
    assert_true(cold < 6.5);
    knob_storage_close(st);
}

/* smac reads its source once, at the first ask, as tpe and gp do (it read it again at each
 * ask, a cost growing with the source): the source deleted after that changes nothing, and
 * its trials (x near 8) still lead the model. */
static void smac_reads_source_once(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "once", NULL, 0);
    for (int i = 0; i < 21; i++)
        x_in(src, false, 10, 0.5 * i, (0.5 * i - 8) * (0.5 * i - 8));
    knob_study_free(src);
    knob_sampler *sp;
    assert_int_equal(
        knob_sampler_create("smac", "seed=2,warm_start_study=once,random_probability=0", &sp),
        KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "reader", &o, &s), KNOB_OK);
    int near = 0;
    for (int i = 0; i < 8; i++) {
        if (i == 2)
            assert_int_equal(knob_storage_delete_study(st, "once"), KNOB_OK);
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        near += fabs(x - 8) < 1.5;
        double v = (x - 8) * (x - 8);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    print_message("smac's trials near the source's best: %d of 8\n", near);
    assert_true(near >= 6);
    assert_null(knob_study_system_attr(s, "warm_start_skipped"));
    knob_study_free(s);
    knob_storage_close(st);
}

/* gp from a source whose param y one trial lacks (a conditional param, an enqueued trial
 * without it): that trial is left out and said, and the source's model has y (y was left
 * out of it for every trial, without a word); a param fewer than half the trials have is
 * not modelled, and nothing is left out for it; a source whose params of the study are all
 * so rare leaves a cold start, said. */
static void gp_source_param_most_trials_have(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "holey", NULL, 0), *rare = make(st, "rare", NULL, 0);
    knob_rng r;
    knob_rng_seed(&r, 5);
    for (int i = 0; i < 12; i++) {
        double x = 10 * knob_rng_uniform(&r), y = pow(10, 2 * knob_rng_uniform(&r));
        double v = (x - 3) * (x - 3) + log10(y) * log10(y);
        point(src, x, y, v, NAN);
        point(rare, x, i < 5 ? y : NAN, v, NAN);
    }
    point(src, 5, NAN, 4, NAN); /* without y */
    knob_study_free(src);
    knob_study_free(rare);
    /* k 2: a study of y alone, which fewer than half of rare's trials have: a cold start,
     * said (it was silent) */
    for (int k = 0; k < 3; k++) {
        knob_sampler *sp;
        assert_int_equal(
            knob_sampler_create(
                "gp", k ? "seed=1,warm_start_study=rare" : "seed=1,warm_start_study=holey", &sp),
            KNOB_OK);
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        const char *study[] = {"g_holey", "g_rare", "g_rare_y"};
        assert_int_equal(knob_study_create(st, study[k], &o, &s), KNOB_OK);
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double x = 3, y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            if (k < 2)
                assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 1, 100, 0, KNOB_LOG, &y), KNOB_OK);
            double v = (x - 3) * (x - 3) + log10(y) * log10(y);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        const char *said = knob_study_system_attr(s, "warm_start_skipped");
        if (k == 1) {
            assert_null(said);
        } else if (k == 2) {
            assert_non_null(said);
            assert_string_equal(said, "\"gp: warm_start_study 'rare': none of its 12 finished "
                                      "trials used: each param of this study it has is in fewer "
                                      "than half of them (at most 5; the first: 'y'), too few "
                                      "to model; starting cold\"");
        } else {
            assert_non_null(said);
            assert_string_equal(said, "\"gp: warm_start_study 'holey': 1 of its 13 finished "
                                      "trials not used: 1 without a param of this study that "
                                      "others of its trials have; the first: param 'y'\"");
        }
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* gp from a source of one trial: its model needs two, so the start is cold, and that is
 * said in warm_start_skipped (it was silent), with the way to use the trial; one trial
 * that fits among others that do not, too. */
static void gp_one_source_trial(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "one", NULL, 0);
    x_in(src, false, 10, 8, 0.5);
    knob_study_free(src);
    src = make(st, "one_fits", NULL, 0);
    x_in(src, false, 10, 8, 0.5);
    x_in(src, false, 100, 50, 0.1); /* outside [0, 10] */
    knob_study_free(src);
    char *said = skipped_by(st, "gp", "seed=1,warm_start_study=one", "g1", 1, 3);
    assert_non_null(said);
    assert_string_equal(said, "\"gp: warm_start_study 'one': 1 of its 1 finished trials not used: "
                              "1 that fits, where the source's model needs 2 "
                              "(warm_start_first=1, first: 1 in a sweep's warm_start, "
                              "evaluates it first)\"");
    free(said);
    /* the hint already followed: said as done (it told the user to do what they did) */
    said = skipped_by(st, "gp", "seed=1,warm_start_study=one,warm_start_first=1", "g3", 1, 4);
    assert_non_null(said);
    assert_non_null(strstr(said, "1 that fits, where the source's model needs 2 (evaluated "
                                 "first: warm_start_first=1)"));
    free(said);
    said = skipped_by(st, "gp", "seed=1,warm_start_study=one_fits", "g2", 1, 3);
    assert_non_null(said);
    assert_non_null(strstr(said, "gp: warm_start_study 'one_fits': 2 of its 2 finished trials not "
                                 "used: 1 with a param of this study under another kind of "
                                 "distribution or outside its range; the first: param 'x'; 1 "
                                 "that fits, where the source's model needs 2"));
    free(said);
    knob_storage_close(st);
}

/* The models of tpe and gp read the source's values mapped to this study's distributions
 * (knob__warm_value): an int x of the source for a float x here, and choices in another
 * order by their value. The source's good trials all sit in one corner (x near 9, c "a");
 * the warm proposals concentrate there: of 12 trials (gp's after its first two), x >= 6 in
 * 7 for tpe (9 here; a source's x left out, 5: cold, 0.4 of them) and in 10 for gp (12; a
 * cold gp, learning from its own trials, 8), c "a" in 9 (10 and 12; an unmapped "a", the
 * source's index 0, is "c" here: 1 and 8). */
static void models_read_mapped_values(void **state)
{
    (void)state;
    static const char *const abc[3] = {"a", "b", "c"}, *const cba[3] = {"c", "b", "a"};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "corner", NULL, 0);
    for (int x = 0; x <= 10; x++)
        for (size_t k = 0; k < 3; k++) {
            char fixed[64];
            snprintf(fixed, sizeof fixed, "{\"x\": %d, \"c\": \"%s\"}", x, abc[k]);
            assert_int_equal(knob_study_enqueue(src, fixed), KNOB_OK);
            knob_trial *t;
            int64_t xi;
            size_t c;
            assert_int_equal(knob_study_ask(src, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_int(t, "x", 0, 10, 1, 0, &xi), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "c", abc, 3, &c), KNOB_OK);
            double v = (double)((xi - 9) * (xi - 9)) + (c == 0 ? 0 : 20);
            assert_int_equal(knob_study_tell(src, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
    knob_study_free(src);
    const char *names[2] = {"tpe", "gp"};
    const int from[2] = {0, 2}, want_near[2] = {7, 10}; /* gp's model: from two trials */
    for (int m = 0; m < 2; m++) {
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create(names[m], "seed=5,warm_start_study=corner", &sp),
                         KNOB_OK);
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        assert_int_equal(knob_study_create(st, names[m], &o, &s), KNOB_OK);
        int near = 0, a = 0;
        for (int i = 0; i < from[m] + 12; i++) {
            knob_trial *t;
            double x;
            size_t c;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "c", cba, 3, &c), KNOB_OK);
            near += i >= from[m] && x >= 6;
            a += i >= from[m] && c == 2;
            double v = (x - 9) * (x - 9) + (c == 2 ? 0 : 20);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        print_message("%s: of 12 trials, %d with x >= 6, %d with c \"a\"\n", names[m], near, a);
        assert_true(near >= want_near[m]);
        assert_true(a >= 8); /* random search: 4; a model that misread the source, fewer */
        assert_null(knob_study_system_attr(s, "warm_start_skipped"));
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* A categorical c of [a, bb, ccc] (or of [a, bb] with `ctx`), valued by its choice's length;
 * the study has no numerical param. */
static knob_trial_state c_only(knob_trial *t, void *ctx, double *values)
{
    static const knob_choice three[] = {{.type = KNOB_CHOICE_STRING, .str = "a"},
                                        {.type = KNOB_CHOICE_STRING, .str = "bb"},
                                        {.type = KNOB_CHOICE_STRING, .str = "ccc"}};
    size_t k;
    assert_int_equal(knob_trial_suggest_choice(t, "c", three, ctx ? 2 : 3, &k), KNOB_OK);
    values[0] = (double)k + 1;
    return KNOB_TRIAL_COMPLETE;
}

/* A float x on [0, 3], valued x, or (with `ctx`) x as a categorical of [0, 1, 2]. */
static knob_trial_state x_num_or_cat(knob_trial *t, void *ctx, double *values)
{
    static const knob_choice nums[] = {{.type = KNOB_CHOICE_NUMBER, .num = 0},
                                       {.type = KNOB_CHOICE_NUMBER, .num = 1},
                                       {.type = KNOB_CHOICE_NUMBER, .num = 2}};
    if (!ctx) {
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 3, 0, 0, values), KNOB_OK);
        return KNOB_TRIAL_COMPLETE;
    }
    size_t k;
    assert_int_equal(knob_trial_suggest_choice(t, "x", nums, 3, &k), KNOB_OK);
    values[0] = (double)k;
    return KNOB_TRIAL_COMPLETE;
}

/* cmaes in a study without a numerical param (its space has nothing to model) says of a
 * source that shares only categorical params, or a number it holds as a categorical, that
 * it starts cold, as in a space with numbers (it said nothing: the source was judged only
 * when a run started, and a space without numbers starts none). */
static void cmaes_spaceless_source_said(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "csrc", NULL, 0);
    assert_int_equal(knob_study_optimize(src, c_only, NULL, 10), KNOB_OK);
    knob_study_free(src);
    src = make(st, "xsrc", NULL, 0);
    assert_int_equal(knob_study_optimize(src, x_num_or_cat, NULL, 10), KNOB_OK);
    knob_study_free(src);
    knob_objective_fn fs[] = {c_only, x_num_or_cat};
    const char *srcs[] = {"csrc", "xsrc"};
    int one = 1;
    for (int k = 0; k < 2; k++) {
        char opts[64], name[32];
        snprintf(opts, sizeof opts, "seed=1,warm_start_study=%s", srcs[k]);
        snprintf(name, sizeof name, "spaceless%d", k);
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create("cmaes", opts, &sp), KNOB_OK);
        knob_study_options o = {.sampler = sp};
        knob_study *s;
        assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
        assert_int_equal(knob_study_optimize(s, fs[k], &one, 5), KNOB_OK);
        const char *said = knob_study_system_attr(s, "warm_start_skipped");
        char want[128];
        snprintf(want, sizeof want, "cmaes: warm_start_study '%s': shares no numerical param",
                 srcs[k]);
        if (!said || !strstr(said, want) || !strstr(said, "10 finished trials is used"))
            fail_msg("source %s: warm_start_skipped %s", srcs[k], said ? said : "(none)");
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* c, and from trial 1 on x too (trial 0 has no number): a conditional space. */
static knob_trial_state c_then_x(knob_trial *t, void *ctx, double *values)
{
    c_only(t, ctx, values);
    double x;
    if (knob_trial_number(t) > 0) {
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 3, 0, 0, &x), KNOB_OK);
        values[0] += x;
    }
    return KNOB_TRIAL_COMPLETE;
}

/* A conditional space whose number is not in every trial has no cmaes run either, but the
 * source shares that number: not "shares no numerical param" (it was said), but why none of
 * the source's trials is used. */
static void cmaes_conditional_number_not_spaceless(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = make(st, "xsrc", NULL, 0);
    assert_int_equal(knob_study_optimize(src, x_num_or_cat, NULL, 10), KNOB_OK);
    knob_study_free(src);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("cmaes", "seed=1,warm_start_study=xsrc", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "cond", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_optimize(s, c_then_x, NULL, 5), KNOB_OK);
    const char *said = knob_study_system_attr(s, "warm_start_skipped");
    if (!said || strstr(said, "shares no numerical param") ||
        !strstr(said, "none of its finished trials is used (cmaes models the numerical params "
                      "every complete trial has"))
        fail_msg("warm_start_skipped %s", said ? said : "(none)");
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_errors),
        cmocka_unit_test(options_without_study),
        cmocka_unit_test(trials_as_losses),
        cmocka_unit_test(firsts),
        cmocka_unit_test(firsts_apart_in_steps),
        cmocka_unit_test(first_trials_of_samplers),
        cmocka_unit_test(first_trials_distinct_on_shared_params),
        cmocka_unit_test(firsts_follow_the_space),
        cmocka_unit_test(first_trials_after_enqueued),
        cmocka_unit_test(first_trials_mapped_by_value),
        cmocka_unit_test(first_trials_from_an_infinite_best),
        cmocka_unit_test(tpe_source_infinities_are_bad),
        cmocka_unit_test(missing_source_fails_first_ask),
        cmocka_unit_test(disjoint_source_said),
        cmocka_unit_test(empty_source_said),
        cmocka_unit_test(firsts_read),
        cmocka_unit_test(sources_alike_and_opposite),
        cmocka_unit_test(tpe_moved_and_negated_sources),
        cmocka_unit_test(tpe_local_phase),
        cmocka_unit_test(tpe_local_model),
        cmocka_unit_test(skipped_source_trials),
        cmocka_unit_test(tpe_says_unfit_params),
        cmocka_unit_test(tpe_unfit_said_across_processes),
        cmocka_unit_test(tpe_sentence_of_another_source),
        cmocka_unit_test(tpe_unfit_write_failure),
        cmocka_unit_test(cmaes_uses_shared_params),
        cmocka_unit_test(smac_reads_source_once),
        cmocka_unit_test(smac_moved_source),
        cmocka_unit_test(gp_one_source_trial),
        cmocka_unit_test(gp_source_param_most_trials_have),
        cmocka_unit_test(models_read_mapped_values),
        cmocka_unit_test(cmaes_spaceless_source_said),
        cmocka_unit_test(cmaes_conditional_number_not_spaceless),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
