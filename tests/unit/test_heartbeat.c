/* Heartbeats: a trial whose worker dies is failed after the grace period by another
 * worker, and retried with the same params. */
#include "testutil.h"
#include "knob.h"

#include <sys/wait.h>
#include <time.h>

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

static knob_study *open_study(const char *url, knob_storage **st, int max_retry)
{
    knob_study *s;
    knob_study_options o = {.heartbeat_interval = 0.05, .grace_period = 0.3,
                            .max_retry = max_retry};
    if (knob_storage_open(url, st) || knob_study_create(*st, "hb", &o, &s))
        fail_msg("open: %s", knob_errmsg());
    return s;
}

/* A child process asks a trial, suggests x, and dies without telling. */
static double die_mid_trial(const char *url)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *st;
        knob_study *s = open_study(url, &st, 1);
        knob_trial *t;
        double x;
        if (knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
            knob_trial_report(t, 0, x))
            _exit(2);
        if (write(fd[1], &x, sizeof x) != (ssize_t)sizeof x)
            _exit(3);
        _exit(0); /* dies: no tell, no more beats */
    }
    close(fd[1]);
    double x = -1;
    assert_int_equal(read(fd[0], &x, sizeof x), (ssize_t)sizeof x);
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return x;
}

static void dead_worker_is_failed_and_retried(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb.db"));
    double x = die_mid_trial(url);
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *t;
    double y;
    /* Within the grace period the trial is left alone: a new trial is made. */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &y), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    nap(0.5);
    /* Now trial 0 is failed, and its retry (trial 2) is what the next ask gets. */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 2);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &y), KNOB_OK);
    assert_true(y == x);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_non_null(strstr(knob_trial_info_attr(tr[0], "fail_reason", true), "no heartbeat"));
    assert_int_equal(tr[0]->n_intermediate, 1); /* what it reported is kept */
    assert_string_equal(knob_trial_info_attr(tr[2], "retry_of", true), "0");
    assert_string_equal(knob_trial_info_attr(tr[2], "retry_count", true), "1");
    knob_study_free(s);
    knob_storage_close(st);
}

static void retries_stop_at_max_retry(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb2.db"));
    die_mid_trial(url); /* trial 0 */
    nap(0.5);
    /* The retry (trial 1) dies too: its own retry would exceed max_retry=1. */
    die_mid_trial(url);
    nap(0.5);
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *t;
    double y;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 2);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &y), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_int_equal(tr[1]->state, KNOB_TRIAL_FAIL);
    assert_string_equal(knob_trial_info_attr(tr[1], "retry_of", true), "0");
    assert_null(knob_trial_info_attr(tr[2], "retry_of", true));
    knob_study_free(s);
    knob_storage_close(st);
}

static void live_trials_keep_running(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = open_study("memory:", &st, 1);
    knob_trial *a, *b;
    assert_int_equal(knob_study_ask(s, &a), KNOB_OK);
    for (int i = 0; i < 8; i++) {
        nap(0.06);
        assert_int_equal(knob_trial_report(a, i, 1.0), KNOB_OK); /* beats on report */
    }
    assert_int_equal(knob_study_ask(s, &b), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_RUNNING);
    double y = 1;
    assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, b, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dead_worker_is_failed_and_retried),
        cmocka_unit_test(retries_stop_at_max_retry),
        cmocka_unit_test(live_trials_keep_running),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
