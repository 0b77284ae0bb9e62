/* Studies through the public API, on every storage: ask/tell, define-by-run,
 * enqueue, attributes, best trials, bad input. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char url[4200];
    knob_storage *st;
} fixture;

/* Every case runs on each storage URL. */
static const char *const schemes[] = {"memory", "sqlite", "postgresql"};
#define N_SCHEMES (sizeof schemes / sizeof *schemes)

/* Opens storage k. PostgreSQL comes last: without a server in this run (KNOB_TEST_PG_URL
 * unset) the case has passed on the others and is reported as skipped, not passed. */
static bool open_storage(fixture *f, size_t k)
{
    const char *pg = k == 2 ? knob_test_pg_url() : NULL;
    if (k == 2 && !pg) {
        print_message("KNOB_TEST_PG_URL is not set: no PostgreSQL server in this run\n");
        skip();
        return false;
    }
    if (k == 0)
        snprintf(f->url, sizeof f->url, "memory:");
    else if (k == 1)
        snprintf(f->url, sizeof f->url, "sqlite:///%s", knob_test_path("study.db"));
    else
        snprintf(f->url, sizeof f->url, "%s", pg);
    int rc = knob_storage_open(f->url, &f->st);
    if (rc)
        fail_msg("open %s: %s", f->url, knob_errmsg());
    return true;
}

#define EACH_STORAGE(f)                                                                            \
    for (size_t k_ = 0; k_ < N_SCHEMES; k_++)                                                      \
        for (fixture f##_s = {0}, *f = open_storage(&f##_s, k_) ? &f##_s : NULL; f;                \
             knob_storage_close(f->st), f = NULL)

static knob_study *new_study(knob_storage *st, const char *name, const char *sampler,
                             const char *opts, knob_direction dir)
{
    knob_sampler *s = NULL;
    if (sampler)
        assert_int_equal(knob_sampler_create(sampler, opts, &s), KNOB_OK);
    knob_study_options o = {.directions = &dir, .n_objectives = 1, .sampler = s};
    knob_study *study;
    int rc = knob_study_create(st, name, &o, &study);
    if (rc)
        fail_msg("create %s: %s", name, knob_errmsg());
    return study;
}

static void ask_tell_round_trip(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "quad", "random", "seed=1", KNOB_MINIMIZE);
        for (int i = 0; i < 20; i++) {
            knob_trial *t;
            double x, y;
            int64_t n;
            size_t c;
            const char *opts[] = {"adam", "sgd"};
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_number(t), i);
            assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_int(t, "n", 1, 1024, 1, KNOB_LOG, &n), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 2, &c), KNOB_OK);
            assert_true(x >= -5 && x <= 5 && n >= 1 && n <= 1024 && c < 2);
            assert_int_equal(knob_trial_report(t, 0, x * x + 1), KNOB_OK);
            y = x * x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 20);
        double best = INFINITY;
        for (size_t i = 0; i < n; i++) {
            const knob_trial_info *ti = trials[i];
            assert_int_equal(ti->number, (int64_t)i);
            assert_int_equal(ti->state, KNOB_TRIAL_COMPLETE);
            assert_int_equal(ti->n_params, 3);
            assert_string_equal(ti->params[0].name, "x");
            assert_string_equal(ti->params[2].name, "opt");
            assert_int_equal(ti->params[2].dist->kind, KNOB_DIST_CATEGORICAL);
            double x = ti->params[0].internal;
            assert_true(ti->values[0] == x * x);
            assert_int_equal(ti->n_intermediate, 1);
            assert_true(ti->intermediate[0].value == x * x + 1);
            assert_true(ti->start_time > 1e9 && ti->end_time >= ti->start_time);
            if (ti->values[0] < best)
                best = ti->values[0];
        }
        double bv;
        assert_int_equal(knob_study_best_value(s, &bv), KNOB_OK);
        assert_true(bv == best);
        knob_study_free(s);
    }
}

static void define_by_run_rules(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "dbr", "random", "seed=2", KNOB_MINIMIZE);
        knob_trial *t;
        double a, b;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &b), KNOB_OK);
        assert_true(a == b);
        assert_int_equal(knob_trial_suggest_float(t, "a", 0, 2, 0, 0, &b), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "another distribution"));
        assert_int_equal(knob_trial_suggest_float(t, "bad", 1, 0, 0, 0, &b), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "'bad'"));
        assert_int_equal(knob_trial_suggest_float(t, "lg", 0, 1, 0, KNOB_LOG, &b), KNOB_EINVAL);
        int64_t i;
        assert_int_equal(knob_trial_suggest_int(t, "st", 0, 10, 0, 0, &i), KNOB_EINVAL);
        assert_int_equal(knob_trial_n_params(t), 1);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &a, 1), KNOB_OK);
        knob_study_free(s);
    }
}

/* A conditional space: the params a trial has depend on an earlier choice. */
static void conditional_space(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "cond", "random", "seed=3", KNOB_MAXIMIZE);
        const char *models[] = {"svm", "tree"};
        int seen[2] = {0};
        for (int i = 0; i < 30; i++) {
            knob_trial *t;
            size_t m;
            double v = 0, c;
            int64_t depth;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "model", models, 2, &m), KNOB_OK);
            seen[m]++;
            if (m == 0) {
                assert_int_equal(knob_trial_suggest_float(t, "C", 1e-3, 1e3, 0, KNOB_LOG, &c), 0);
                v = -fabs(log10(c));
            } else {
                assert_int_equal(knob_trial_suggest_int(t, "depth", 1, 10, 1, 0, &depth), 0);
                v = (double)depth / 10;
            }
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        assert_true(seen[0] > 5 && seen[1] > 5);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        for (size_t i = 0; i < n; i++) {
            const knob_param *m = knob_trial_info_param(trials[i], "model");
            assert_non_null(m);
            bool svm = m->internal == 0;
            assert_true((knob_trial_info_param(trials[i], "C") != NULL) == svm);
            assert_true((knob_trial_info_param(trials[i], "depth") != NULL) == !svm);
        }
        knob_study_free(s);
    }
}

static void bad_values_fail_the_trial(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "nan", NULL, NULL, KNOB_MINIMIZE);
        knob_trial *t;
        double x = NAN;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "not a finite number"));
        x = 1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        /* A wrong count of values is the caller's mistake: refused, the trial still runs
         * and its handle can be told again. */
        double two[2] = {1, 2};
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, two, 2), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "still running"));
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, NULL, 1), KNOB_EINVAL);
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(trials[1]->state, KNOB_TRIAL_RUNNING);
        assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_COMPLETE, two, 0, NULL),
                         KNOB_EINVAL);
        assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_COMPLETE, two, 2, NULL),
                         KNOB_EINVAL);
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(trials[1]->state, KNOB_TRIAL_RUNNING);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        /* Telling a finished trial again changes nothing. */
        assert_int_equal(knob_study_tell_number(s, 2, KNOB_TRIAL_FAIL, NULL, 0, "late"),
                         KNOB_ESTATE);
        assert_int_equal(knob_study_tell_number(s, 99, KNOB_TRIAL_FAIL, NULL, 0, NULL),
                         KNOB_ENOTFOUND);
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 3);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_FAIL);
        assert_non_null(strstr(knob_trial_info_attr(trials[0], "fail_reason", true), "finite"));
        assert_int_equal(trials[1]->state, KNOB_TRIAL_FAIL);
        assert_int_equal(trials[2]->state, KNOB_TRIAL_COMPLETE);
        assert_true(trials[2]->values[0] == 1);
        knob_study_free(s);
    }
}

/* An enqueued trial that no ask has taken has no params: telling it (in any state) is
 * refused, as Optuna's tell refuses a WAITING trial, by a handle that has read the study
 * and by one that has not (the storage refuses it), and nothing is written. */
static void tell_refuses_waiting_trial(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "queued", NULL, NULL, KNOB_MINIMIZE), *told;
        const knob_trial_info *const *trials;
        size_t n;
        double v = 0.5, c = 1;
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 1.5}"), KNOB_OK);
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK); /* s has read it */
        assert_int_equal(knob_study_load(f->st, "queued", NULL, &told), KNOB_OK);
        for (int h = 0; h < 2; h++) {
            knob_study *x = h ? told : s;
            assert_int_equal(knob_study_tell_number(x, 0, KNOB_TRIAL_COMPLETE, &v, 1, NULL),
                             KNOB_ESTATE);
            assert_non_null(strstr(knob_errmsg(), "waiting"));
            assert_int_equal(knob_study_tell_number(x, 0, KNOB_TRIAL_FAIL, NULL, 0, "no"),
                             KNOB_ESTATE);
            assert_int_equal(knob_study_tell_number(x, 0, KNOB_TRIAL_PRUNED, NULL, 0, NULL),
                             KNOB_ESTATE);
        }
        assert_int_equal(knob_study_set_trial_constraints(told, 0, &c, 1), KNOB_ESTATE);
        assert_non_null(strstr(knob_errmsg(), "waiting"));
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_WAITING);
        assert_int_equal(trials[0]->n_values, 0);
        assert_int_equal(trials[0]->n_constraints, 0);
        assert_null(knob_trial_info_attr(trials[0], "fail_reason", true));
        /* Asked, it has its params and is told as any trial. */
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_number(t), 0);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 2, 0, 0, &x), KNOB_OK);
        assert_true(x == 1.5);
        knob_trial_detach(t);
        assert_int_equal(knob_study_tell_number(told, 0, KNOB_TRIAL_COMPLETE, &v, 1, NULL),
                         KNOB_OK);
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(trials[0]->n_params, 1);
        knob_study_free(told);
        knob_study_free(s);
    }
}

/* The params trial `number` holds in the storage, as a new handle reads them. */
static size_t stored_params(knob_storage *st, const char *name, int64_t number)
{
    knob_study *r;
    const knob_trial_info *const *tr;
    size_t n, k = SIZE_MAX;
    assert_int_equal(knob_study_load(st, name, NULL, &r), KNOB_OK);
    assert_int_equal(knob_study_trials(r, &tr, &n), KNOB_OK);
    for (size_t i = 0; i < n; i++)
        if (tr[i]->number == number)
            k = tr[i]->n_params;
    knob_study_free(r);
    return k;
}

/* A handle whose ask sees running trials that are not its own (another worker's), or
 * another of its trials open (threads, a batch), writes each param as it is suggested, so
 * that the samplers see it while the trial runs (they waited for its tell: two workers'
 * samplers proposed the same point); judged at each ask. A handle alone, asking and telling
 * in turn, or whose only other running trial it let go itself, writes them at its next
 * write. (A handle's first ask reads no trials before it asks: it judges at its next.) */
static void params_seen_by_other_workers(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *a = new_study(f->st, "workers", "tpe", "seed=1", KNOB_MINIMIZE), *b;
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create("tpe", "seed=2", &sp), KNOB_OK);
        knob_study_options o = {.sampler = sp};
        assert_int_equal(knob_study_load(f->st, "workers", &o, &b), KNOB_OK);
        knob_trial *ta, *tb, *ta2, *tb2;
        double x, v = 1;
        assert_int_equal(knob_study_ask(a, &ta), KNOB_OK); /* trial 0, told */
        assert_int_equal(knob_trial_suggest_float(ta, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(a, ta, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_ask(b, &tb), KNOB_OK); /* trial 1: b's first ask */
        assert_int_equal(knob_trial_suggest_float(tb, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "workers", 1), 0);
        assert_int_equal(knob_study_ask(a, &ta2), KNOB_OK); /* trial 2: a sees trial 1 run */
        assert_int_equal(knob_trial_suggest_float(ta2, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "workers", 2), 1);
        assert_int_equal(knob_study_ask(b, &tb2), KNOB_OK); /* trial 3: b sees trial 2 run */
        assert_int_equal(knob_trial_suggest_float(tb2, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "workers", 1), 1); /* written by b's ask */
        assert_int_equal(stored_params(f->st, "workers", 3), 1);
        assert_int_equal(knob_study_tell(a, ta2, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_tell(b, tb, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_tell(b, tb2, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        /* the other worker's trials finished: judged again at the next ask, a's wait */
        assert_int_equal(knob_study_ask(a, &ta), KNOB_OK); /* trial 4 */
        assert_int_equal(knob_trial_suggest_float(ta, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "workers", 4), 0);
        assert_int_equal(knob_study_tell(a, ta, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        knob_study_free(a);
        knob_study_free(b);
        /* one handle asking and telling in turn: a trial's param waits for its next write */
        knob_study *c = new_study(f->st, "alone", "tpe", "seed=1", KNOB_MINIMIZE);
        knob_trial *t[5];
        for (int i = 0; i < 2; i++) {
            assert_int_equal(knob_study_ask(c, &t[i]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t[i], "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(stored_params(f->st, "alone", i), 0);
            assert_int_equal(knob_study_tell(c, t[i], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        /* two trials open (a batch, threads): the second's param is written as suggested */
        assert_int_equal(knob_study_ask(c, &t[2]), KNOB_OK);
        assert_int_equal(knob_study_ask(c, &t[3]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t[3], "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "alone", 3), 1);
        assert_int_equal(knob_study_tell(c, t[2], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_tell(c, t[3], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        /* a trial this handle let go running is its own, not another worker's */
        assert_int_equal(knob_study_ask(c, &t[4]), KNOB_OK); /* trial 4, detached */
        assert_int_equal(knob_trial_suggest_float(t[4], "x", 0, 1, 0, 0, &x), KNOB_OK);
        knob_trial_detach(t[4]);
        assert_int_equal(knob_study_ask(c, &t[0]), KNOB_OK); /* trial 5 */
        assert_int_equal(knob_trial_suggest_float(t[0], "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "alone", 5), 0);
        assert_int_equal(knob_study_tell(c, t[0], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        /* a second handle on a trial let go once its trial is told (as the Python package
         * keeps one for should_prune), and trial 4 finished by number: none of them hides
         * another worker's running trial (each was counted for good) */
        for (int k = 0; k < 2; k++) { /* trials 6 and 7 */
            knob_trial *u;
            assert_int_equal(knob_study_ask(c, &t[0]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t[0], "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_study_open_trial(c, knob_trial_number(t[0]), &u), KNOB_OK);
            assert_int_equal(knob_study_tell(c, t[0], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
            knob_trial_detach(u);
        }
        assert_int_equal(knob_study_tell_number(c, 4, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_OK);
        knob_study *d;
        assert_int_equal(knob_study_load(f->st, "alone", NULL, &d), KNOB_OK);
        assert_int_equal(knob_study_ask(d, &t[1]), KNOB_OK); /* trial 8, another worker's */
        assert_int_equal(knob_study_ask(c, &t[0]), KNOB_OK); /* trial 9 */
        assert_int_equal(knob_trial_suggest_float(t[0], "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(stored_params(f->st, "alone", 9), 1);
        assert_int_equal(knob_study_tell(c, t[0], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_tell(d, t[1], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study_free(d);
        knob_study_free(c);
    }
}

/* A trial asked and detached (knob ask) is opened again by number in another handle
 * (knob intermediate): its params, intermediate values and attributes as stored; reports
 * and the pruner through it, then a tell. Waiting, finished and unknown trials are refused. */
static void open_trial_by_number(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_pruner *p;
        assert_int_equal(knob_pruner_create("median", "n_startup_trials=1,n_warmup_steps=0", &p),
                         KNOB_OK);
        knob_study_options o = {.pruner = p};
        knob_study *s = new_study(f->st, "reopen", NULL, NULL, KNOB_MINIMIZE), *other;
        knob_trial *t, *u;
        double x, again, y = 1;
        /* trial 0 completes with 1.0 at steps 0 and 1 */
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 1.0), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, 1.0), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        /* trial 1: asked, a param, a report and an attribute, detached */
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 0.9), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t, "note", "\"hi\""), KNOB_OK);
        knob_trial_detach(t);
        assert_int_equal(knob_study_enqueue(s, "{}"), KNOB_OK); /* trial 2 waits */
        assert_int_equal(knob_study_load(f->st, "reopen", &o, &other), KNOB_OK);
        assert_int_equal(knob_study_open_trial(other, 1, &u), KNOB_OK);
        assert_int_equal(knob_trial_number(u), 1);
        assert_int_equal(knob_trial_n_params(u), 1);
        assert_int_equal(knob_trial_suggest_float(u, "x", -1, 1, 0, 0, &again), KNOB_OK);
        assert_true(again == x);
        const knob_step_value *iv;
        assert_int_equal(knob_trial_intermediate(u, &iv), 1);
        assert_true(iv[0].step == 0 && iv[0].value == 0.9);
        assert_string_equal(knob_trial_user_attr(u, "note"), "\"hi\"");
        bool prune = true;
        assert_int_equal(knob_trial_should_prune(u, &prune), KNOB_OK);
        assert_false(prune);
        /* worse than trial 0 at step 1, but the median pruner looks at its best so far */
        assert_int_equal(knob_trial_report(u, 1, 5.0), KNOB_OK);
        assert_int_equal(knob_trial_report(u, 0, 7.0), KNOB_OK); /* the first value stays */
        assert_int_equal(knob_trial_should_prune(u, &prune), KNOB_OK);
        assert_false(prune); /* 0.9, at step 0, beats the median */
        knob_trial_detach(u);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* the enqueued trial 2 */
        knob_trial_detach(t);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 3 */
        assert_int_equal(knob_trial_number(t), 3);
        knob_trial_detach(t);
        assert_int_equal(knob_study_open_trial(other, 3, &u), KNOB_OK);
        assert_int_equal(knob_trial_report(u, 0, 4.0), KNOB_OK);
        assert_int_equal(knob_trial_should_prune(u, &prune), KNOB_OK);
        assert_true(prune);
        assert_int_equal(knob_study_tell(other, u, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_open_trial(other, 1, &u), KNOB_OK);
        assert_int_equal(knob_study_tell(other, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(trials[1]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(trials[1]->n_params, 1);
        assert_int_equal(trials[1]->n_intermediate, 2);
        assert_true(trials[1]->intermediate[1].value == 5.0);
        assert_int_equal(trials[3]->state, KNOB_TRIAL_PRUNED);
        assert_true(trials[3]->n_values == 1 && trials[3]->values[0] == 4.0);
        /* refused: finished, unknown, waiting */
        u = (knob_trial *)1;
        assert_int_equal(knob_study_open_trial(other, 1, &u), KNOB_ESTATE);
        assert_null(u);
        assert_non_null(strstr(knob_errmsg(), "already complete"));
        assert_int_equal(knob_study_open_trial(other, 99, &u), KNOB_ENOTFOUND);
        assert_int_equal(knob_study_enqueue(s, "{}"), KNOB_OK); /* trial 4 waits */
        assert_int_equal(knob_study_open_trial(other, 4, &u), KNOB_ESTATE);
        assert_non_null(strstr(knob_errmsg(), "waiting"));
        assert_int_equal(knob_study_open_trial(NULL, 1, &u), KNOB_EINVAL);
        knob_study_free(other);
        knob_study_free(s);
    }
}

static void pruned_counts_last_value(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "pr", NULL, NULL, KNOB_MINIMIZE);
        knob_trial *t;
        bool prune = true;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, 5.0), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 7.0), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, 9.0), KNOB_OK); /* first value stays */
        assert_int_equal(knob_trial_report(t, 2, NAN), KNOB_OK); /* not recorded */
        assert_int_equal(knob_trial_report(t, -1, 1.0), KNOB_EINVAL);
        const knob_step_value *iv;
        assert_int_equal(knob_trial_intermediate(t, &iv), 2);
        assert_true(iv[0].step == 0 && iv[1].value == 5.0);
        assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
        assert_false(prune);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_PRUNED);
        assert_int_equal(trials[0]->n_values, 1);
        assert_true(trials[0]->values[0] == 5.0);
        assert_int_equal(trials[0]->n_intermediate, 2);
        double bv;
        assert_int_equal(knob_study_best_value(s, &bv), KNOB_ENOTFOUND);
        knob_study_free(s);
    }
}

/* A pruned trial of several objectives keeps the values told with it, its last value of
 * each objective (there is no intermediate value of each to take them from), when there is
 * one per objective and each is a number; else it has none, and is pruned all the same. Its
 * values are never on the Pareto front. knob_study_tell_number keeps them alike. */
static void pruned_keeps_values_of_several_objectives(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
        knob_study_options o = {.directions = dirs, .n_objectives = 2};
        knob_study *s, *other;
        assert_int_equal(knob_study_create(f->st, "mo", &o, &s), KNOB_OK);
        double done[2] = {1, 1}, told[][2] = {{0.5, 2}, {NAN, 1}, {0.5, INFINITY}, {3, 0.25}};
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, done, 2), KNOB_OK);
        for (size_t i = 0; i < 3; i++) { /* trials 1 to 3 */
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_report(t, 0, told[i][0] + 1), KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, told[i], 2), KNOB_OK);
        }
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 4: one value of two */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, told[0], 1), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 5: none */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 6: told by number */
        knob_trial_detach(t);
        assert_int_equal(knob_study_load(f->st, "mo", NULL, &other), KNOB_OK);
        assert_int_equal(knob_study_tell_number(other, 6, KNOB_TRIAL_PRUNED, told[3], 2, NULL),
                         KNOB_OK);
        knob_study_free(other);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 7);
        size_t want[] = {2, 2, 0, 0, 0, 0, 2};
        for (size_t i = 1; i < n; i++) {
            assert_int_equal(trials[i]->state, KNOB_TRIAL_PRUNED);
            assert_int_equal(trials[i]->n_values, want[i]);
        }
        assert_true(trials[1]->values[0] == 0.5 && trials[1]->values[1] == 2);
        assert_true(trials[6]->values[0] == 3 && trials[6]->values[1] == 0.25);
        const knob_trial_info *const *front;
        assert_int_equal(knob_study_best_trials(s, &front, &n), KNOB_OK);
        assert_int_equal(n, 1); /* trial 1's (0.5, 2) would dominate it, were it complete */
        assert_int_equal(front[0]->number, 0);
        knob_study_free(s);
    }
}

/* A pruned trial of one objective takes its last intermediate value, not a value told with
 * it (as Optuna's), by its handle and by number from a handle that has not read the study. */
static void pruned_one_objective_takes_no_value_told(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "one", NULL, NULL, KNOB_MINIMIZE), *other;
        knob_trial *t;
        double v = 42;
        for (int i = 0; i < 2; i++) {
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_report(t, 0, 5.0 + i), KNOB_OK);
            if (!i) {
                assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, &v, 1), KNOB_OK);
                continue;
            }
            knob_trial_detach(t);
            assert_int_equal(knob_study_load(f->st, "one", NULL, &other), KNOB_OK);
            assert_int_equal(knob_study_tell_number(other, 1, KNOB_TRIAL_PRUNED, &v, 1, NULL),
                             KNOB_OK);
            knob_study_free(other);
        }
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 2);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(trials[i]->state, KNOB_TRIAL_PRUNED);
            assert_int_equal(trials[i]->n_values, 1);
            assert_true(trials[i]->values[0] == 5.0 + (double)i);
        }
        knob_study_free(s);
    }
}

/* The values a pruned trial of several objectives keeps are no results for the samplers of
 * several objectives: nsga2, tpe and gp ask the same after pruned trials told with values
 * (better than any complete trial's) as after the same trials told without. */
static void pruned_values_move_no_sampler(void **state)
{
    (void)state;
    static const char *const samplers[][2] = {{"nsga2", "seed=3,population_size=4"},
                                              {"tpe", "seed=3,n_startup_trials=4"},
                                              {"gp", "seed=3,n_startup_trials=4"}};
    for (size_t k = 0; k < 3; k++) {
        double asked[2][4];
        for (int with = 0; with < 2; with++) {
            knob_storage *st = knob_test_memory();
            knob_sampler *sp;
            assert_int_equal(knob_sampler_create(samplers[k][0], samplers[k][1], &sp), KNOB_OK);
            knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
            knob_study_options o = {.directions = dirs, .n_objectives = 2, .sampler = sp};
            knob_study *s;
            assert_int_equal(knob_study_create(st, "mo", &o, &s), KNOB_OK);
            for (int i = 0; i < 14; i++) {
                knob_trial *t;
                double x, y, v[2], good[2] = {-100, -100};
                assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
                assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
                assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
                v[0] = x + y;
                v[1] = 2 - x - y * y;
                if (i >= 10)
                    asked[with][i - 10] = x + 10 * y;
                if (i < 10 && i % 3 == 2)
                    assert_int_equal(
                        knob_study_tell(s, t, KNOB_TRIAL_PRUNED, with ? good : NULL, with * 2),
                        KNOB_OK);
                else
                    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
            }
            knob_study_free(s);
            knob_storage_close(st);
        }
        for (int i = 0; i < 4; i++)
            if (asked[0][i] != asked[1][i])
                fail_msg("%s: ask %d after the pruned trials: %.17g without their values, "
                         "%.17g with",
                         samplers[k][0], i, asked[0][i], asked[1][i]);
    }
}

static void enqueue_fixes_params(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "enq", "random", "seed=4", KNOB_MINIMIZE);
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.01, \"opt\": \"sgd\", \"n\": \"8\"}"),
                         KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 5}"), KNOB_OK); /* out of range */
        assert_int_equal(knob_study_enqueue(s, "[1]"), KNOB_EINVAL);
        assert_int_equal(knob_study_enqueue(s, "{bad"), KNOB_EINVAL);
        const char *opts[] = {"adam", "sgd"};
        for (int i = 0; i < 3; i++) {
            knob_trial *t;
            double lr, y = 1;
            size_t c;
            int64_t n;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_number(t), i);
            assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &lr), 0);
            assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 2, &c), 0);
            assert_int_equal(knob_trial_suggest_int(t, "n", 1, 16, 1, 0, &n), 0);
            if (i == 0) {
                assert_true(lr == 0.01);
                assert_int_equal(c, 1);
                assert_int_equal(n, 8);
            } else if (i == 1) {
                assert_true(lr >= 1e-4 && lr <= 1); /* misfit: the sampler decided */
            }
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        knob_study_free(s);
    }
}

/* An enqueued true or false is 1 or 0 for a number, and a 1 or 0 true or false for a
 * categorical without that number, as Python's == takes them (Optuna uses an enqueued True
 * for suggest_int as 1); a choice that is the value itself comes first; a misfit as a
 * number is still left to the sampler. */
static void enqueue_bool_as_number(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "enqb", "random", "seed=4", KNOB_MINIMIZE);
        assert_int_equal(knob_study_enqueue(s, "{\"n\": true, \"x\": false, \"c\": true, \"b\": 1, "
                                               "\"e\": true}"),
                         KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"m\": true}"), KNOB_OK);
        knob_choice nums[3] = {{KNOB_CHOICE_NUMBER, NULL, 1},
                               {KNOB_CHOICE_NUMBER, NULL, 2},
                               {KNOB_CHOICE_STRING, "x", 0}};
        knob_choice bools[2] = {{KNOB_CHOICE_BOOL, NULL, 0}, {KNOB_CHOICE_BOOL, NULL, 1}};
        knob_choice both[2] = {{KNOB_CHOICE_NUMBER, NULL, 1}, {KNOB_CHOICE_BOOL, NULL, 1}};
        knob_trial *t;
        int64_t n, m;
        double x, y = 1;
        size_t c, b, e;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "n", 0, 10, 1, 0, &n), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_choice(t, "c", nums, 3, &c), KNOB_OK);
        assert_int_equal(knob_trial_suggest_choice(t, "b", bools, 2, &b), KNOB_OK);
        assert_int_equal(knob_trial_suggest_choice(t, "e", both, 2, &e), KNOB_OK);
        assert_int_equal(n, 1);
        assert_true(x == 0);
        assert_int_equal(c, 0);
        assert_int_equal(b, 1);
        assert_int_equal(e, 1); /* true itself, not the 1 before it */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "m", 2, 10, 1, 0, &m), KNOB_OK);
        assert_true(m >= 2 && m <= 10); /* 1 is outside: the sampler decided */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        knob_study_free(s);
    }
}

/* knob_study_set_fixed_params (PartialFixedSampler): every trial asked takes the fixed
 * value, over the sampler's joint proposal too; an enqueued trial's own value comes first;
 * a misfit is left to the sampler; NULL clears. */
static void fixed_params_in_every_trial(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "fix", "tpe",
                                  "seed=2,n_startup_trials=2,multivariate=true", KNOB_MINIMIZE);
        assert_int_equal(knob_study_set_fixed_params(s, "[1]"), KNOB_EINVAL);
        assert_int_equal(knob_study_set_fixed_params(s, "{bad"), KNOB_EINVAL);
        assert_int_equal(knob_study_set_fixed_params(NULL, "{}"), KNOB_EINVAL);
        assert_int_equal(knob_study_set_fixed_params(s, "{\"y\": 0.25, \"k\": 7}"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"y\": 0.5}"), KNOB_OK);
        double xs[8];
        for (int i = 0; i < 8; i++) {
            knob_trial *t;
            double x, y, v;
            int64_t k;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
            assert_int_equal(knob_trial_suggest_int(t, "k", 0, 5, 1, 0, &k), KNOB_OK);
            assert_true(y == (i == 0 ? 0.5 : 0.25)); /* the enqueued trial's own first */
            assert_true(k >= 0 && k <= 5);           /* 7 does not fit: the sampler's */
            xs[i] = x;
            v = x * x + y;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        assert_true(xs[6] != xs[7]); /* x still searched */
        assert_int_equal(knob_study_set_fixed_params(s, NULL), KNOB_OK);
        int other = 0;
        for (int i = 0; i < 5; i++) {
            knob_trial *t;
            double y, v = 1;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
            other += y != 0.25;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        assert_int_equal(other, 5);
        knob_study_free(s);
    }
}

static void attributes(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "attrs", NULL, NULL, KNOB_MINIMIZE);
        assert_int_equal(knob_study_set_user_attr(s, "dataset", "\"digits\""), KNOB_OK);
        assert_int_equal(knob_study_set_user_attr(s, "dataset", "\"iris\""), KNOB_OK);
        assert_int_equal(knob_study_set_user_attr(s, "bad", "not json"), KNOB_EINVAL);
        assert_string_equal(knob_study_user_attr(s, "dataset"), "\"iris\"");
        assert_null(knob_study_user_attr(s, "missing"));
        assert_int_equal(knob_study_set_system_attr(s, "sweep", "{\"a\":1}"), KNOB_OK);
        assert_string_equal(knob_study_system_attr(s, "sweep"), "{\"a\":1}");
        knob_trial *t;
        double y = 3;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t, "gpu", "[0, 1]"), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t, "gpu", "{"), KNOB_EINVAL);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        const knob_trial_info *best;
        assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
        assert_string_equal(knob_trial_info_attr(best, "gpu", false), "[0, 1]");
        knob_study_free(s);
    }
}

static void studies_list_load_delete(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *a = new_study(f->st, "a", NULL, NULL, KNOB_MINIMIZE);
        knob_study *b = new_study(f->st, "b", NULL, NULL, KNOB_MAXIMIZE);
        knob_trial *t;
        double y = 2;
        assert_int_equal(knob_study_ask(b, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(b, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        /* The same name with other directions is an error; the same ones load it. */
        knob_direction max = KNOB_MAXIMIZE;
        knob_study_options o = {.directions = &max, .n_objectives = 1};
        knob_study *c;
        assert_int_equal(knob_study_create(f->st, "a", &o, &c), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "[minimize], not [maximize]"));
        assert_int_equal(knob_study_create(f->st, "b", &o, &c), KNOB_OK);
        assert_int_equal(knob_study_best_value(c, &y), KNOB_OK);
        assert_true(y == 2);
        knob_study_free(c);
        assert_int_equal(knob_study_load(f->st, "b", NULL, &c), KNOB_OK);
        assert_int_equal(knob_study_direction(c, 0), KNOB_MAXIMIZE);
        knob_study_free(c);
        assert_int_equal(knob_study_load(f->st, "zz", NULL, &c), KNOB_ENOTFOUND);
        const knob_study_summary *list;
        size_t n;
        assert_int_equal(knob_storage_studies(f->st, &list, &n), KNOB_OK);
        assert_int_equal(n, 2);
        assert_string_equal(list[0].name, "a");
        assert_true(isnan(list[0].best_value));
        assert_string_equal(list[1].name, "b");
        assert_int_equal(list[1].n_trials, 1);
        assert_int_equal(list[1].n_complete, 1);
        assert_true(list[1].best_value == 2);
        knob_study_free(a);
        knob_study_free(b);
        assert_int_equal(knob_storage_delete_study(f->st, "b"), KNOB_OK);
        assert_int_equal(knob_storage_delete_study(f->st, "b"), KNOB_ENOTFOUND);
        assert_int_equal(knob_storage_studies(f->st, &list, &n), KNOB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(knob_study_create(f->st, "", NULL, &c), KNOB_EINVAL);
    }
}

static void pareto_front(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
        knob_study_options o = {.directions = dirs, .n_objectives = 2};
        knob_study *s;
        assert_int_equal(knob_study_create(f->st, "mo", &o, &s), KNOB_OK);
        double pts[][2] = {{1, 1}, {2, 3}, {2, 2}, {3, 3}, {0.5, 0}, {1, 1}};
        for (size_t i = 0; i < 6; i++) {
            knob_trial *t;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, pts[i], 2), KNOB_OK);
        }
        const knob_trial_info *const *front;
        size_t n;
        assert_int_equal(knob_study_best_trials(s, &front, &n), KNOB_OK);
        /* (1,1) twice, (2,3), (0.5,0) are non-dominated; (2,2) and (3,3) are not. */
        assert_int_equal(n, 4);
        assert_int_equal(front[0]->number, 0);
        assert_int_equal(front[1]->number, 1);
        assert_int_equal(front[2]->number, 4);
        assert_int_equal(front[3]->number, 5);
        const knob_trial_info *best;
        assert_int_equal(knob_study_best_trial(s, &best), KNOB_EINVAL);
        knob_study_free(s);
    }
}

static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    double x;
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x))
        return KNOB_TRIAL_FAIL;
    if (knob_trial_number(t) % 5 == 4)
        return KNOB_TRIAL_FAIL;
    values[0] = knob_trial_number(t) % 7 == 6 ? NAN : x * x;
    return KNOB_TRIAL_COMPLETE;
}

/* A live view polls with the stamp it got last and reads only the trials written since;
 * a second handle on the same storage (a reader process) takes the same stamps. Each change
 * comes once on every storage, on PostgreSQL also beside another program's transaction left
 * open from before the study began (it made every poll give again all it had given). */
static void trials_since_reads_what_changed(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        PGconn *stranger = strncmp(f->url, "postgres", 8) ? NULL : knob_test_stranger_begin(f->url);
        knob_study *s = new_study(f->st, "since", NULL, NULL, KNOB_MINIMIZE);
        knob_trial *t[4];
        double x, y = 1;
        const knob_trial_info *const *got;
        size_t n;
        int64_t stamp = -1, stamp2 = -1;
        for (int i = 0; i < 4; i++) {
            assert_int_equal(knob_study_ask(s, &t[i]), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t[i], "x", 0, 1, 0, 0, &x), KNOB_OK);
        }
        assert_int_equal(knob_study_tell(s, t[0], KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp), KNOB_OK);
        assert_int_equal(n, 4);
        assert_true(stamp > 0);
        assert_int_equal(knob_study_trials_since(s, stamp, &got, &n, &stamp2), KNOB_OK);
        assert_int_equal(n, 0);
        /* PostgreSQL's stamps are the server's transaction ids: they move with other work */
        assert_true(stranger ? stamp2 >= stamp : stamp2 == stamp);

        assert_int_equal(knob_trial_report(t[2], 0, 0.5), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t[3], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study *reader;
        assert_int_equal(knob_study_load(f->st, "since", NULL, &reader), KNOB_OK);
        assert_int_equal(knob_study_trials_since(reader, stamp, &got, &n, &stamp2), KNOB_OK);
        assert_int_equal(n, 2);
        assert_int_equal(got[0]->number, 2);
        assert_int_equal(got[0]->n_intermediate, 1);
        assert_int_equal(got[1]->number, 3);
        assert_int_equal(got[1]->state, KNOB_TRIAL_FAIL);
        assert_true(stamp2 > stamp);
        assert_int_equal(knob_study_trials_since(s, stamp2, &got, &n, &stamp), KNOB_OK);
        assert_int_equal(n, 0);
        assert_int_equal(knob_study_trials_since(s, 0, NULL, &n, &stamp), KNOB_EINVAL);
        knob_study_free(reader);
        assert_int_equal(knob_study_tell(s, t[1], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t[2], KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study_free(s);
        knob_test_stranger_end(stranger);
    }
}

static void optimize_goes_on_after_failures(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "opt", "random", "seed=5", KNOB_MINIMIZE);
        assert_int_equal(knob_study_optimize(s, objective, NULL, 35), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n, fails = 0;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 35);
        for (size_t i = 0; i < n; i++)
            fails += trials[i]->state == KNOB_TRIAL_FAIL;
        assert_int_equal(fails, 7 + 5 - 1); /* numbers 4,9,..,34 and 6,13,..,34 */
        knob_study_free(s);
    }
}

static void bad_urls_and_files(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("nothing", &st), KNOB_EINVAL);
    assert_int_equal(knob_storage_open("redis://x", &st), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "redis"));
    assert_int_equal(knob_storage_open("memory:extra", &st), KNOB_EINVAL);
    const char *path = knob_test_path("notadb.db");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 100; i++)
        fputs("this is not a database\n", fp);
    fclose(fp);
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    assert_int_equal(knob_storage_open(url, &st), KNOB_ECORRUPT);
    assert_non_null(strstr(knob_errmsg(), path));
}

/* A trial handle moved onto another handle of its study (knob_study_adopt_trial) outlives
 * the one it came from: its params (unwritten ones included) no longer point into the freed
 * handle's memory, and its calls use the new handle's pruner. A handle kept on a trial
 * finished since (as knob's Python package keeps one for should_prune after the tell) moves
 * too. Another study's handle, NULL and a trial whose study was freed are refused. */
static void adopt_trial_moves_a_handle(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s = new_study(f->st, "adopt", "random", "seed=3", KNOB_MINIMIZE), *s2, *o;
        knob_pruner *p;
        assert_int_equal(knob_pruner_create("threshold", "upper=1", &p), KNOB_OK);
        knob_study_options opts = {.pruner = p};
        assert_int_equal(knob_study_load(f->st, "adopt", &opts, &s2), KNOB_OK);
        knob_trial *t, *kept, *u;
        double x, y = 5;
        size_t ci;
        const char *const choices[] = {"a", "b"};
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 5.0), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "c", choices, 2, &ci), KNOB_OK);
        bool prune = true;
        assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
        assert_false(prune); /* no pruner on s */
        /* its own study handle: nothing to do */
        assert_int_equal(knob_study_adopt_trial(s, t), KNOB_OK);
        assert_int_equal(knob_study_adopt_trial(s2, t), KNOB_OK);
        assert_ptr_equal(knob_trial_study(t), s2);
        /* a second trial, kept open across its tell through s */
        assert_int_equal(knob_study_ask(s, &u), KNOB_OK);
        assert_int_equal(knob_trial_report(u, 0, 7.0), KNOB_OK);
        assert_int_equal(knob_study_open_trial(s, 1, &kept), KNOB_OK);
        assert_int_equal(knob_study_tell(s, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_adopt_trial(s2, kept), KNOB_OK);
        knob_study_free(s); /* nothing of the two handles is left in it */
        assert_int_equal(knob_trial_n_params(t), 2);
        assert_string_equal(knob_trial_param(t, 0)->name, "x");
        assert_true(knob_trial_param(t, 0)->dist->kind == KNOB_DIST_FLOAT);
        assert_string_equal(knob_trial_param(t, 1)->name, "c");
        assert_int_equal(knob_trial_param(t, 1)->dist->n_choices, 2);
        double again;
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &again), KNOB_OK);
        assert_true(again == x);
        assert_int_equal(knob_trial_should_prune(t, &prune), KNOB_OK);
        assert_true(prune); /* 5.0 above the threshold of s2 */
        prune = false;
        assert_int_equal(knob_trial_should_prune(kept, &prune), KNOB_OK);
        assert_true(prune);
        knob_trial_detach(kept);
        assert_int_equal(knob_study_tell(s2, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s2, &trials, &n), KNOB_OK);
        assert_int_equal(n, 2);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(trials[0]->n_params, 2);
        /* refused */
        o = new_study(f->st, "adopt-other", NULL, NULL, KNOB_MINIMIZE);
        assert_int_equal(knob_study_ask(s2, &t), KNOB_OK);
        assert_int_equal(knob_study_adopt_trial(o, t), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "trial 2 is of study 'adopt', not of the study "
                                              "'adopt-other'"));
        assert_ptr_equal(knob_trial_study(t), s2);
        assert_int_equal(knob_study_adopt_trial(NULL, t), KNOB_EINVAL);
        assert_int_equal(knob_study_adopt_trial(o, NULL), KNOB_EINVAL);
        knob_study_free(s2);
        assert_int_equal(knob_study_adopt_trial(o, t), KNOB_ESTATE);
        assert_non_null(strstr(knob_errmsg(), "trial 2 was left open when its study was freed"));
        knob_trial_detach(t);
        knob_study_free(o);
    }
}

/* A trial of the same study asked through another storage handle (on the same SQLite
 * file) is refused saying so: the message named the study twice ("trial 0 is of study
 * 'twice', not of the study 'twice' of the same storage handle"), and not the reason. */
static void adopt_trial_of_another_storage_handle(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("adopt2.db"));
    knob_storage *st1, *st2;
    knob_study *a, *b;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st1), KNOB_OK);
    assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    assert_int_equal(knob_study_create(st1, "twice", NULL, &a), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "twice", NULL, &b), KNOB_OK);
    assert_int_equal(knob_study_ask(a, &t), KNOB_OK);
    assert_int_equal(knob_study_adopt_trial(b, t), KNOB_EINVAL);
    if (!strstr(knob_errmsg(), "knob_study_adopt_trial: trial 0 of study 'twice' was asked or "
                               "opened through another storage handle than the study handle "
                               "on 'twice' given") ||
        strstr(knob_errmsg(), "not of the study"))
        fail_msg("%s", knob_errmsg());
    assert_ptr_equal(knob_trial_study(t), a);
    assert_int_equal(knob_study_tell(a, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(a);
    knob_study_free(b);
    knob_storage_close(st1);
    knob_storage_close(st2);
}

static knob_study *load_study(knob_storage *st, const char *name, const char *sampler,
                              const char *opts)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if (knob_study_load(st, name, &o, &s))
        fail_msg("load %s: %s", name, knob_errmsg());
    return s;
}

/* A system attribute of info, or NULL. */
static const char *sys_attr(const knob_trial_info *info, const char *key)
{
    return knob_trial_info_attr(info, key, true);
}

/* An enqueued trial taken by an ask whose sampler then fails (cmaes's first ask, its warm
 * start study missing) waits again, as it was: the next ask that works (the study loaded
 * with its options set right) runs it, with its params, and makes no trial of its own. It
 * had been failed with the ask's reason, and the configuration was lost. */
static void enqueued_trial_waits_again_after_a_failed_ask(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s =
            new_study(f->st, "requeue", "cmaes", "seed=1,warm_start_study=nope", KNOB_MINIMIZE);
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.25}"), KNOB_OK);
        knob_trial *t = NULL;
        for (int k = 0; k < 2; k++) { /* taken and put back each time */
            assert_int_equal(knob_study_ask(s, &t), KNOB_ENOTFOUND);
            assert_null(t);
            assert_non_null(strstr(knob_errmsg(), "'nope'"));
        }
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(tr[0]->state, KNOB_TRIAL_WAITING);
        assert_true(isnan(tr[0]->start_time) && isnan(tr[0]->end_time));
        assert_int_equal(tr[0]->n_params, 0);
        assert_int_equal(tr[0]->n_system_attrs, 1);
        assert_non_null(strstr(sys_attr(tr[0], "fixed_params"), "0.25"));
        knob_study_free(s);

        s = load_study(f->st, "requeue", "cmaes", "seed=1");
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_number(t), 0);
        double x, y;
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_true(x == 0.25);
        y = x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
        assert_null(sys_attr(tr[0], "fail_reason"));
        knob_study_free(s);
    }
}

/* A sampler that writes on the trial before it fails: attributes at before_trial (stored
 * with the trial's row) and at sample_relative (stored at once), one of them over the
 * trial's own. */
static int scribble_before(void *state, knob_study *s, knob_trial *t)
{
    (void)state;
    (void)s;
    return knob_trial_set_system_attr(t, "mark", "1");
}

static int scribble_and_fail(void *state, knob_study *s, knob_trial *t)
{
    (void)state;
    (void)s;
    int rc = knob_trial_set_user_attr(t, "note", "\"scribbled\"");
    if (!rc)
        rc = knob_trial_set_system_attr(t, "origin", "\"scribbled\"");
    if (!rc)
        rc = knob_trial_set_user_attr(t, "more", "2");
    return rc ? rc : knob_set_error(KNOB_EINVAL, "scribbler: refused");
}

/* every sampler samples a param alone (knob_sampler_register refuses one that cannot) */
static int scribble_alone(void *state, knob_study *s, knob_trial *t, const char *name,
                          const knob_distribution *d, double *out)
{
    (void)state;
    (void)s;
    (void)t;
    (void)name;
    *out = d->low;
    return KNOB_OK;
}

static const knob_sampler_plugin scribbler = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "scribbler",
    .before_trial = scribble_before,
    .sample_relative = scribble_and_fail,
    .sample_independent = scribble_alone,
};

/* A trial added WAITING (params, an intermediate value, attributes) and taken by an ask that
 * fails after its row was written to (a sampler's attributes, a heartbeat) waits again with
 * what it was added with and nothing of the ask's; a trial the ask made itself is failed with
 * the reason, as before. */
static void taken_trial_put_back_as_it_was(void **state)
{
    (void)state;
    static const knob_distribution lr = {.kind = KNOB_DIST_FLOAT, .low = 1e-5, .high = 1};
    knob_param params[1] = {{.name = "lr", .dist = &lr, .internal = 0.125}};
    knob_step_value inter[1] = {{.step = 3, .value = 1.5}};
    knob_attr user[1] = {{"note", "\"mine\""}}, sys[1] = {{"origin", "[1,2]"}};
    knob_trial_info added = {.state = KNOB_TRIAL_WAITING,
                             .n_params = 1,
                             .params = params,
                             .n_intermediate = 1,
                             .intermediate = inter,
                             .n_user_attrs = 1,
                             .user_attrs = user,
                             .n_system_attrs = 1,
                             .system_attrs = sys};
    EACH_STORAGE(f)
    {
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create_plugin(&scribbler, NULL, &sp), KNOB_OK);
        knob_direction dir = KNOB_MINIMIZE;
        knob_study_options o = {
            .directions = &dir, .n_objectives = 1, .sampler = sp, .heartbeat_interval = 60};
        knob_study *s;
        assert_int_equal(knob_study_create(f->st, "put-back", &o, &s), KNOB_OK);
        int64_t number = -1;
        assert_int_equal(knob_study_add_trial(s, &added, &number), KNOB_OK);
        assert_int_equal(number, 0);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        char fixed[256];
        snprintf(fixed, sizeof fixed, "%s", sys_attr(tr[0], "fixed_params"));
        size_t n_sys = tr[0]->n_system_attrs;
        knob_trial *t = NULL;
        assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
        assert_null(t);
        assert_non_null(strstr(knob_errmsg(), "scribbler: refused"));
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, 1);
        const knob_trial_info *w = tr[0];
        assert_int_equal(w->state, KNOB_TRIAL_WAITING);
        assert_true(isnan(w->start_time) && isnan(w->end_time));
        assert_int_equal(w->n_values, 0);
        assert_int_equal(w->n_params, 1);
        assert_string_equal(w->params[0].name, "lr");
        assert_true(w->params[0].internal == 0.125);
        assert_int_equal(w->n_intermediate, 1);
        assert_true(w->intermediate[0].step == 3 && w->intermediate[0].value == 1.5);
        assert_int_equal(w->n_user_attrs, 1);
        assert_string_equal(knob_trial_info_attr(w, "note", false), "\"mine\"");
        assert_int_equal(w->n_system_attrs, n_sys);
        assert_string_equal(sys_attr(w, "origin"), "[1,2]");
        assert_string_equal(sys_attr(w, "fixed_params"), fixed);
        assert_null(sys_attr(w, "mark"));
        assert_null(sys_attr(w, "heartbeat"));
        assert_null(sys_attr(w, "fail_reason"));
        knob_study_free(s);

        /* another worker, its sampler working, runs it */
        s = load_study(f->st, "put-back", "random", "seed=3");
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_number(t), 0);
        double x, y = 1;
        assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, 0, &x), KNOB_OK);
        assert_true(x == 0.125);
        assert_string_equal(knob_trial_user_attr(t, "note"), "\"mine\"");
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        knob_study_free(s);

        /* with nothing enqueued, the failed ask's own trial is failed, saying why */
        assert_int_equal(knob_sampler_create_plugin(&scribbler, NULL, &sp), KNOB_OK);
        o.sampler = sp;
        assert_int_equal(knob_study_load(f->st, "put-back", &o, &s), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, 2);
        assert_int_equal(tr[1]->state, KNOB_TRIAL_FAIL);
        assert_non_null(strstr(sys_attr(tr[1], "fail_reason"), "scribbler: refused"));
        knob_study_free(s);
    }
}

/* A process that waits for the go (a byte on fd), opens url and creates the study "race"
 * with knob_study_create_new: exits 0 when it created it, 1 on KNOB_EEXIST, else 2 + step. */
static int create_new_racer(const char *url, int fd, knob_direction dir)
{
    char go;
    knob_storage *st;
    knob_study *s;
    if (read(fd, &go, 1) != 1 || knob_storage_open(url, &st))
        return 2;
    knob_study_options o = {.directions = &dir, .n_objectives = 1};
    int rc = knob_study_create_new(st, "race", &o, &s);
    if (rc == KNOB_EEXIST && !strstr(knob_errmsg(), "'race'"))
        rc = -1;
    if (!rc)
        knob_study_free(s);
    knob_storage_close(st);
    return rc == KNOB_OK ? 0 : rc == KNOB_EEXIST ? 1 : 3;
}

/* knob_study_create_new creates a study and never loads one: a name taken is KNOB_EEXIST,
 * whatever its directions, the study left as it was. Of 6 processes that create one name at
 * once exactly one creates it, the others get KNOB_EEXIST (Optuna's create_study without
 * load_if_exists); with knob_study_create, a check of the names then a create-or-load, which
 * Python's create_study did, several "created" it. */
static void create_new_has_one_winner(void **state)
{
    (void)state;
    EACH_STORAGE(f)
    {
        knob_study *s, *s2;
        knob_direction max = KNOB_MAXIMIZE;
        knob_study_options o = {.directions = &max, .n_objectives = 1};
        assert_int_equal(knob_study_create_new(f->st, "once", NULL, &s), KNOB_OK);
        assert_int_equal(knob_study_create_new(f->st, "once", NULL, &s2), KNOB_EEXIST);
        assert_non_null(strstr(knob_errmsg(), "study 'once' exists"));
        assert_int_equal(knob_study_create_new(f->st, "once", &o, &s2), KNOB_EEXIST);
        knob_study_free(s);
        assert_int_equal(knob_study_load(f->st, "once", NULL, &s), KNOB_OK);
        assert_int_equal(knob_study_direction(s, 0), KNOB_MINIMIZE);
        knob_study_free(s);
        if (!strcmp(f->url, "memory:"))
            continue; /* one process's */
        int go[2];
        pid_t pids[6];
        assert_int_equal(pipe(go), 0);
        for (int i = 0; i < 6; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                close(go[1]);
                _exit(create_new_racer(f->url, go[0], i % 2 ? KNOB_MAXIMIZE : KNOB_MINIMIZE));
            }
        }
        close(go[0]);
        assert_int_equal(write(go[1], "gggggg", 6), 6);
        close(go[1]);
        int won = 0, lost = 0;
        for (int i = 0; i < 6; i++) {
            int status;
            assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
            assert_true(WIFEXITED(status));
            won += WEXITSTATUS(status) == 0;
            lost += WEXITSTATUS(status) == 1;
        }
        if (won != 1 || lost != 5)
            fail_msg("%s: %d created the study, %d were told it exists", f->url, won, lost);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ask_tell_round_trip),
        cmocka_unit_test(create_new_has_one_winner),
        cmocka_unit_test(define_by_run_rules),
        cmocka_unit_test(conditional_space),
        cmocka_unit_test(bad_values_fail_the_trial),
        cmocka_unit_test(tell_refuses_waiting_trial),
        cmocka_unit_test(open_trial_by_number),
        cmocka_unit_test(params_seen_by_other_workers),
        cmocka_unit_test(adopt_trial_moves_a_handle),
        cmocka_unit_test(adopt_trial_of_another_storage_handle),
        cmocka_unit_test(pruned_counts_last_value),
        cmocka_unit_test(pruned_keeps_values_of_several_objectives),
        cmocka_unit_test(pruned_one_objective_takes_no_value_told),
        cmocka_unit_test(pruned_values_move_no_sampler),
        cmocka_unit_test(enqueue_fixes_params),
        cmocka_unit_test(enqueue_bool_as_number),
        cmocka_unit_test(fixed_params_in_every_trial),
        cmocka_unit_test(attributes),
        cmocka_unit_test(studies_list_load_delete),
        cmocka_unit_test(pareto_front),
        cmocka_unit_test(trials_since_reads_what_changed),
        cmocka_unit_test(optimize_goes_on_after_failures),
        cmocka_unit_test(bad_urls_and_files),
        cmocka_unit_test(enqueued_trial_waits_again_after_a_failed_ask),
        cmocka_unit_test(taken_trial_put_back_as_it_was),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
