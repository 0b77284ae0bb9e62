/* Limits of a study: max_trials under concurrent processes, tells with the wrong count of
 * values, studies without objective. */
#include "testutil.h"

#include "knob.h"

#include <math.h>
#include <sys/wait.h>

/* The storages every case runs on: memory, SQLite, and PostgreSQL when the tests have a
 * server. Concurrency needs a shared file or server, so memory is left out there. */
static int urls(const char **out, bool with_memory)
{
    static char sqlite[4200];
    int n = 0;
    if (with_memory)
        out[n++] = "memory:";
    snprintf(sqlite, sizeof sqlite, "sqlite:///%s.db", knob_test_path("limits"));
    out[n++] = sqlite;
    const char *pg = knob_test_pg_url();
    if (pg)
        out[n++] = pg;
    return n;
}

static knob_study *open_study(knob_storage *st, const char *name, int64_t cap, bool no_objective)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=1", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler, .max_trials = cap, .no_objective = no_objective};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

static size_t count_trials(knob_study *s)
{
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    return n;
}

/* One process: asks until the study is full, returns how many it ran. */
static int worker(const char *url, int64_t cap)
{
    knob_storage *st;
    knob_study *s;
    knob_sampler *sampler;
    if (knob_storage_open(url, &st) || knob_sampler_create("random", NULL, &sampler))
        return -1;
    knob_study_options o = {.sampler = sampler, .max_trials = cap};
    if (knob_study_create(st, "capped", &o, &s))
        return -1;
    int ran = 0, rc;
    for (;;) {
        knob_trial *t;
        double x;
        if ((rc = knob_study_ask(s, &t)))
            break;
        if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
            knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1))
            return -1;
        ran++;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return rc == KNOB_EDONE ? ran : -1;
}

static void max_trials_holds_across_processes(void **state)
{
    (void)state;
    const char *list[3];
    int n = urls(list, false);
    for (int u = 0; u < n; u++) {
        enum { WORKERS = 4, CAP = 37 };
        knob_storage *st;
        assert_int_equal(knob_storage_open(list[u], &st), KNOB_OK);
        knob_study *s = open_study(st, "capped", CAP, false);
        pid_t pids[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            pids[w] = fork();
            assert_true(pids[w] >= 0);
            if (pids[w] == 0) {
                int ran = worker(list[u], CAP);
                _exit(ran < 0 ? 255 : ran);
            }
        }
        int total = 0;
        for (int w = 0; w < WORKERS; w++) {
            int status;
            assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
            assert_true(WIFEXITED(status));
            assert_int_not_equal(WEXITSTATUS(status), 255);
            total += WEXITSTATUS(status);
        }
        assert_int_equal(total, CAP);
        assert_int_equal(count_trials(s), CAP);
        /* Full: ask and enqueue say so, naming the study and the limit. */
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
        assert_non_null(strstr(knob_errmsg(), "'capped'"));
        assert_non_null(strstr(knob_errmsg(), "37"));
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_EDONE);
        assert_int_equal(count_trials(s), CAP);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static void max_trials_counts_waiting_and_earlier_trials(void **state)
{
    (void)state;
    const char *list[3];
    int n = urls(list, true);
    for (int u = 0; u < n; u++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open(list[u], &st), KNOB_OK);
        /* Two trials without a cap, then a cap of 4: two more, one of them enqueued. */
        knob_study *s = open_study(st, "w", 0, false);
        knob_trial *t;
        double v = 1;
        for (int i = 0; i < 2; i++) {
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        s = open_study(st, "w", 4, false);
        assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* takes the enqueued one */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
        assert_int_equal(count_trials(s), 4);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static void wrong_count_leaves_trial_running(void **state)
{
    (void)state;
    const char *list[3];
    int n = urls(list, true);
    for (int u = 0; u < n; u++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open(list[u], &st), KNOB_OK);
        knob_study *s = open_study(st, "count", 0, false);
        knob_trial *t;
        double two[2] = {1, 2};
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        knob_trial_detach(t);
        /* As `knob tell` does it, from another handle. */
        assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, two, 2, NULL),
                         KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "2 values"));
        const knob_trial_info *const *trials;
        size_t nt;
        assert_int_equal(knob_study_trials(s, &trials, &nt), KNOB_OK);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_RUNNING);
        assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, two, 1, NULL), KNOB_OK);
        assert_int_equal(knob_study_trials(s, &trials, &nt), KNOB_OK);
        assert_int_equal(trials[0]->state, KNOB_TRIAL_COMPLETE);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static void study_without_objective(void **state)
{
    (void)state;
    const char *list[3];
    int n = urls(list, true);
    for (int u = 0; u < n; u++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open(list[u], &st), KNOB_OK);
        knob_study *s = open_study(st, "plain", 0, true);
        assert_int_equal(knob_study_n_objectives(s), 0);
        knob_trial *t;
        double x, v = 1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_EINVAL);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, NULL, 0), KNOB_OK);
        const knob_trial_info *best;
        assert_int_equal(knob_study_best_trial(s, &best), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "no objective"));
        const knob_trial_info *const *front;
        size_t nf;
        assert_int_equal(knob_study_best_trials(s, &front, &nf), KNOB_EINVAL);
        knob_study_free(s);

        /* Loaded, it keeps its zero objectives; created with one, it is refused. */
        assert_int_equal(knob_study_load(st, "plain", NULL, &s), KNOB_OK);
        assert_int_equal(knob_study_n_objectives(s), 0);
        assert_int_equal(count_trials(s), 1);
        knob_study_free(s);
        assert_int_equal(knob_study_create(st, "plain", NULL, &s), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "no objective"));

        const knob_study_summary *sum;
        size_t ns;
        assert_int_equal(knob_storage_studies(st, &sum, &ns), KNOB_OK);
        assert_int_equal(ns, 1);
        assert_int_equal(sum[0].n_objectives, 0);
        assert_true(isnan(sum[0].best_value));

        /* Model-based samplers refuse it, naming the study. */
        const char *model[] = {"tpe", "gp", "cmaes"};
        for (size_t i = 0; i < 3; i++) {
            knob_sampler *sampler;
            assert_int_equal(knob_sampler_create(model[i], "seed=1", &sampler), KNOB_OK);
            knob_study_options o = {.sampler = sampler, .no_objective = true};
            assert_int_equal(knob_study_create(st, "plain", &o, &s), KNOB_OK);
            assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
            assert_non_null(strstr(knob_errmsg(), "no objective"));
            knob_study_free(s);
        }
        knob_storage_close(st);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(max_trials_holds_across_processes),
        cmocka_unit_test(max_trials_counts_waiting_and_earlier_trials),
        cmocka_unit_test(wrong_count_leaves_trial_running),
        cmocka_unit_test(study_without_objective),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
