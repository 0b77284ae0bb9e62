/* Many processes on one SQLite file, and a study of 100,000 trials. */
#include "testutil.h"
#include "knob.h"

#include <sys/resource.h>
#include <sys/wait.h>

static void url_for(char *url, size_t size, const char *tag)
{
    snprintf(url, size, "sqlite:///%s", knob_test_path(tag));
}

static int worker(const char *url, int n_trials, int seed)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create("random", opts, &sp))
        return 2;
    knob_study_options o = {.sampler = sp};
    if (knob_study_create(st, "shared", &o, &s))
        return 3;
    for (int i = 0; i < n_trials; i++) {
        knob_trial *t;
        double x, y;
        if (knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x) ||
            knob_trial_report(t, 0, x))
            return 4;
        y = x * x;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
            return 5;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

static void wait_all(int n)
{
    for (int i = 0; i < n; i++) {
        int status;
        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("worker ended with status 0x%x", status);
    }
}

/* 4 processes x 250 trials: exactly 1000 trials numbered 0..999, all complete. */
static void four_processes_one_file(void **state)
{
    (void)state;
    char url[4200];
    url_for(url, sizeof url, "mp.db");
    for (int w = 0; w < 4; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(worker(url, 250, w));
    }
    wait_all(4);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "shared", NULL, &s), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 1000);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(trials[i]->number, (int64_t)i);
        assert_int_equal(trials[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(trials[i]->n_params, 1);
        double x = trials[i]->params[0].internal;
        assert_true(trials[i]->values[0] == x * x);
    }
    const knob_study_summary *list;
    size_t ns;
    assert_int_equal(knob_storage_studies(st, &list, &ns), KNOB_OK);
    assert_int_equal(ns, 1);
    assert_int_equal(list[0].n_trials, 1000);
    knob_study_free(s);
    knob_storage_close(st);
}

#if defined(__SANITIZE_ADDRESS__)
#define BIG_STUDY 5000 /* ASan's shadow memory makes a size check meaningless */
#else
#define BIG_STUDY 100000
#endif

/* A study of 100,000 finished trials loads and keeps asking in under 200 MB. */
static void hundred_thousand_trials_stay_small(void **state)
{
    (void)state;
    char url[4200];
    url_for(url, sizeof url, "big.db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(worker(url, BIG_STUDY, 1));
    wait_all(1);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        int rc = worker(url, 100, 2);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long kb = ru.ru_maxrss;
        if (write(fd[1], &kb, sizeof kb) != (ssize_t)sizeof kb)
            rc = 9;
        _exit(rc);
    }
    close(fd[1]);
    long kb = 0;
    assert_int_equal(read(fd[0], &kb, sizeof kb), (ssize_t)sizeof kb);
    close(fd[0]);
    wait_all(1);
    print_message("peak memory with %d trials loaded: %ld MB\n", BIG_STUDY, kb / 1024);
#if !defined(__SANITIZE_ADDRESS__)
    assert_true(kb < 200 * 1024);
#endif
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "shared", NULL, &s), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, BIG_STUDY + 100);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_processes_one_file),
        cmocka_unit_test(hundred_thousand_trials_stay_small),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
