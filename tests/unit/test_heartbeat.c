/* Heartbeats: a trial whose worker dies is failed after the grace period by another
 * worker, and retried with the same params. */
#include "testutil.h"
#include "knob.h"
#include "study.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

static knob_study *open_study_grace(const char *url, knob_storage **st, int max_retry,
                                    double grace)
{
    knob_study *s;
    knob_study_options o = {
        .heartbeat_interval = 0.05, .grace_period = grace, .max_retry = max_retry};
    if (knob_storage_open(url, st) || knob_study_create(*st, "hb", &o, &s))
        fail_msg("open: %s", knob_errmsg());
    return s;
}

static knob_study *open_study(const char *url, knob_storage **st, int max_retry)
{
    return open_study_grace(url, st, max_retry, 0.3);
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
            knob_trial_set_user_attr(t, "checkpoint", "\"/ckpt/0\"") || knob_trial_report(t, 0, x))
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

/* A failer whose retry cannot be written leaves the lost trial RUNNING (the FAIL, its reason
 * and its retry are one write): the next failer fails it and makes the retry. Here the retry's
 * rows are refused by a unique index; with the index gone, the retry runs the lost trial's x. */
static void failed_without_its_retry_is_not_failed(void **state)
{
    (void)state;
    char url[4200];
    const char *path = knob_test_path("hb_whole.db");
    unlink(path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    double x = die_mid_trial(url);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    /* one retry_of row at most: a user attribute of the lost trial holds it */
    assert_int_equal(sqlite3_exec(h,
                                  "CREATE UNIQUE INDEX one_retry ON trial_attrs(key) WHERE key = "
                                  "'retry_of'; INSERT INTO trial_attrs(trial, system, key, json) "
                                  "SELECT id, 0, 'retry_of', '0' FROM trials",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    nap(0.5);
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *t;
    assert_int_not_equal(knob_study_ask(s, &t), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_RUNNING);
    assert_null(knob_trial_info_attr(tr[0], "fail_reason", true));
    assert_int_equal(sqlite3_exec(h,
                                  "DROP INDEX one_retry; DELETE FROM trial_attrs WHERE system = 0 "
                                  "AND key = 'retry_of'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    double y;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &y), KNOB_OK);
    assert_true(y == x);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_non_null(strstr(knob_trial_info_attr(tr[0], "fail_reason", true), "no heartbeat"));
    assert_string_equal(knob_trial_info_attr(tr[1], "retry_of", true), "0");
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

static int count_attr(void *ctx, const char *key, const char *json)
{
    (void)json;
    if (!strcmp(key, "retry_of") || !strcmp(key, "fixed_params"))
        ++*(int *)ctx;
    return KNOB_OK;
}

/* The retry's handle reads the system attributes the retry was stored with (retry_of,
 * fixed_params), through knob_trial_system_attr and knob_trial_attrs, each once (the
 * handle had only those set through it, so a program could not tell it ran a retry), and
 * the user attributes of its original (it had none). */
static void retry_handle_reads_its_link(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb.db"));
    die_mid_trial(url);
    nap(0.5);
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_non_null(knob_trial_system_attr(t, "retry_of"));
    assert_string_equal(knob_trial_system_attr(t, "retry_of"), "0");
    assert_non_null(knob_trial_system_attr(t, "fixed_params"));
    /* and the user attributes its original had, as Optuna's retries have them */
    assert_non_null(knob_trial_user_attr(t, "checkpoint"));
    assert_string_equal(knob_trial_user_attr(t, "checkpoint"), "\"/ckpt/0\"");
    int n = 0;
    assert_int_equal(knob_trial_attrs(t, true, count_attr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    /* set again through the handle: that value, read once */
    assert_int_equal(knob_trial_set_system_attr(t, "retry_of", "7"), KNOB_OK);
    assert_string_equal(knob_trial_system_attr(t, "retry_of"), "7");
    n = 0;
    assert_int_equal(knob_trial_attrs(t, true, count_attr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_trial_heartbeat_stop: a trial asked, reported and left past the grace period is not
 * failed by another handle's ask (knob_trial_report beat no more), and is told; without
 * the stop it is failed (the control). */
static void stopped_beats_are_never_stale(void **state)
{
    (void)state;
    for (int stop = 0; stop < 2; stop++) {
        char url[4200];
        snprintf(url, sizeof url, "sqlite:///%s", knob_test_path(stop ? "hbs1.db" : "hbs0.db"));
        knob_storage *st, *st2;
        knob_study *s = open_study(url, &st, 0);
        knob_trial *t, *u;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        if (stop)
            assert_int_equal(knob_trial_heartbeat_stop(t), KNOB_OK);
        nap(0.1);
        assert_int_equal(knob_trial_report(t, 0, x), KNOB_OK); /* past the interval */
        nap(0.5);
        knob_study *s2 = open_study(url, &st2, 0);
        assert_int_equal(knob_study_ask(s2, &u), KNOB_OK);
        assert_int_equal(knob_trial_number(u), 1);
        assert_int_equal(knob_study_tell(s2, u, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        /* without the stop, s2's ask failed it as lost (its late end is still taken) */
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
        assert_true((knob_trial_info_attr(tr[0], "lost_cause", true) == NULL) == (stop == 1));
        knob_study_free(s2);
        knob_storage_close(st2);
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_int_equal(knob_trial_heartbeat_stop(NULL), KNOB_EINVAL);
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

/* A retry of a trial that ran the second of two equal choices ([ok, crash, ok]) runs that
 * choice again, along the chain and from another handle, not the first: the value the
 * retry is given names the first. */
static void retry_keeps_its_equal_choice(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb_equal.db"));
    unlink(knob_test_path("hb_equal.db"));
    knob_storage *st;
    knob_study *s = open_study(url, &st, 2);
    const char *how[] = {"ok", "crash", "ok"};
    knob_trial *t;
    size_t c = 0;
    while (c != 2) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "how", how, 3, &c), KNOB_OK);
        double v = (double)c;
        if (c != 2)
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    bool enq;
    int64_t number = knob_trial_number(t); /* the tell frees t */
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_retry_trial(s, number, &enq), KNOB_OK);
    assert_true(enq);
    /* another handle runs the retry, fails it and retries it: the chain's second retry */
    knob_storage *st2;
    knob_study *s2;
    knob_study_options o = {.max_retry = 2};
    assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "hb", &o, &s2), KNOB_OK);
    assert_int_equal(knob_study_ask(s2, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "how", how, 3, &c), KNOB_OK);
    assert_int_equal(c, 2);
    number = knob_trial_number(t);
    assert_int_equal(knob_study_tell(s2, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_retry_trial(s2, number, &enq), KNOB_OK);
    assert_true(enq);
    knob_study_free(s2);
    knob_storage_close(st2);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_string_equal(knob_trial_system_attr(t, "retry_count"), "2");
    assert_int_equal(knob_trial_suggest_categorical(t, "how", how, 3, &c), KNOB_OK);
    assert_int_equal(c, 2);
    double v = 2;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(knob_test_path("hb_equal.db"));
}

/* knob_study_retry_trial runs a failed trial again as a lost worker's trial is: once, with
 * its params, within max_retry along the chain; not a trial that did not fail. */
static void failed_trial_retried_by_call(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb_call.db"));
    unlink(knob_test_path("hb_call.db"));
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *t;
    double x, y;
    bool enq = true;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    assert_int_equal(knob_study_retry_trial(s, 0, &enq), KNOB_ESTATE);
    assert_false(enq);
    assert_int_equal(knob_study_retry_trial(s, 7, &enq), KNOB_ENOTFOUND);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* trial 1 fails */
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_retry_trial(s, 1, &enq), KNOB_OK);
    assert_true(enq);
    assert_int_equal(knob_study_retry_trial(s, 1, &enq), KNOB_OK); /* once */
    assert_false(enq);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK); /* the retry, trial 2 */
    assert_int_equal(knob_trial_number(t), 2);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &y), KNOB_OK);
    assert_true(y == x);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_retry_trial(s, 2, &enq), KNOB_OK); /* max_retry is 1 */
    assert_false(enq);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(knob_trial_info_attr(tr[2], "retry_of", true), "1");
    assert_string_equal(knob_trial_info_attr(tr[2], "retry_count", true), "1");
    assert_int_equal(knob_study_retry_trial(NULL, 0, NULL), KNOB_EINVAL);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(knob_test_path("hb_call.db"));
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

/* A worker whose beats could not be written for longer than the grace (its storage was out)
 * has its trials failed as lost by the next ask, and their retries enqueued; when its own
 * ends arrive, late, they are taken: a value is never refused for a presumption. The
 * presumption stays, as lost_reason and lost_cause. A late FAIL is refused (the trial stays
 * failed as lost: a FAIL is another failer's, whose second failing of a lost trial was taken
 * as a late end). A retry still waiting when its trial completes late is not run (failed,
 * saying why); the retry of a trial left failed is. */
static void late_end_of_a_lost_trial(const char *url)
{
    knob_storage *st;
    knob_study *s = open_study(url, &st, 1);
    knob_trial *a, *b, *c, *d, *e, *retry;
    double x, y = 0.25;
    assert_int_equal(knob_study_ask(s, &a), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(a, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &b), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(b, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &d), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(d, "x", 0, 1, 0, 0, &x), KNOB_OK);
    nap(0.5);
    /* fails 0, 1 and 2, enqueues their retries 3, 4 and 5, and asks 3 */
    assert_int_equal(knob_study_ask(s, &retry), KNOB_OK);
    assert_int_equal(knob_trial_number(retry), 3);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 6);
    for (int i = 0; i < 3; i++)
        assert_int_equal(tr[i]->state, KNOB_TRIAL_FAIL);
    assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_trial_detach(b); /* as `knob tell` opens it: by number */
    assert_int_equal(knob_study_open_trial(s, 1, &b), KNOB_OK);
    knob_trial_detach(b);
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_FAIL, NULL, 0, "out of memory"),
                     KNOB_ESTATE);
    assert_int_equal(knob_study_tell(s, d, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_true(tr[0]->n_values == 1 && tr[0]->values[0] == 0.25);
    assert_null(knob_trial_info_attr(tr[0], "fail_reason", true));
    assert_null(knob_trial_info_attr(tr[0], "fail_cause", true));
    assert_non_null(strstr(knob_trial_info_attr(tr[0], "lost_reason", true), "no heartbeat"));
    assert_string_equal(knob_trial_info_attr(tr[0], "lost_cause", true), "\"worker_lost\"");
    assert_int_equal(tr[1]->state, KNOB_TRIAL_FAIL);
    assert_non_null(strstr(knob_trial_info_attr(tr[1], "fail_reason", true), "no heartbeat"));
    assert_string_equal(knob_trial_info_attr(tr[1], "fail_cause", true), "\"worker_lost\"");
    assert_null(knob_trial_info_attr(tr[1], "lost_cause", true));
    assert_int_equal(tr[2]->state, KNOB_TRIAL_PRUNED);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), KNOB_OK);
    assert_int_equal(best->number, 0);
    /* once told, a trial is finished for good: told again, refused */
    assert_int_equal(knob_study_tell_number(s, 0, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_ESTATE);
    assert_int_equal(knob_study_tell_number(s, 2, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_ESTATE);
    /* another worker failing a lost trial again (its view older than the first failing):
     * refused, the trial unchanged, as it was before a late end could be taken */
    assert_int_equal(knob_study_tell_number(s, 1, KNOB_TRIAL_FAIL, NULL, 0, NULL), KNOB_ESTATE);
    /* 4 (trial 1's retry: it failed) runs; 5 (trial 2's: it was pruned) does not */
    assert_int_equal(knob_study_ask(s, &c), KNOB_OK);
    assert_int_equal(knob_trial_number(c), 4);
    assert_int_equal(knob_study_ask(s, &e), KNOB_OK);
    assert_int_equal(knob_trial_number(e), 6);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(tr[5]->state, KNOB_TRIAL_FAIL);
    assert_string_equal(knob_trial_info_attr(tr[5], "fail_cause", true), "\"retry_unneeded\"");
    assert_non_null(strstr(knob_trial_info_attr(tr[5], "fail_reason", true), "trial 2,"));
    /* a trial another worker failed for its own reason is no lost one */
    assert_int_equal(
        knob_study_tell_number(s, knob_trial_number(c), KNOB_TRIAL_FAIL, NULL, 0, "bad input"),
        KNOB_OK);
    assert_int_equal(knob_study_tell(s, c, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_ESTATE);
    assert_int_equal(knob_study_tell(s, e, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, retry, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_study_tell_fail's refusals of a trial of another study name the call made (they
 * named knob_study_tell), and leave the trial and its handle as they were. */
static void tell_fail_refusals_name_it(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = open_study("memory:", &st, 0), *other;
    knob_trial *t;
    assert_int_equal(knob_study_create(st, "other", NULL, &other), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_tell_fail(other, t, "crashed", NULL), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "knob_study_tell_fail: trial 0 is of study 'hb', not "
                                          "of study 'other'"));
    assert_int_equal(knob_study_tell(other, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "knob_study_tell: trial 0 is of study 'hb'"));
    assert_int_equal(knob_study_tell_fail(s, t, "crashed", NULL), KNOB_OK);
    knob_study_free(other);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_study_tell_fail: on a trial another worker failed as lost, refused, the failer's
 * reason and cause ("worker_lost") kept (knob run's "interrupted" replaced them); on a
 * trial of its own, the reason and cause stored. A retry keeps its source's program_params
 * (the knob CLI lists a waiting retry by them). */
static void tell_fail_keeps_a_lost_trials_cause(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = open_study("memory:", &st, 1);
    knob_trial *a, *b, *retry;
    double x;
    assert_int_equal(knob_study_ask(s, &a), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(a, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_set_system_attr(a, "program_params", "{\"x\": 7}"), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &b), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(b, "x", 0, 1, 0, 0, &x), KNOB_OK);
    nap(0.5);
    /* fails 0 and 1, enqueues their retries 2 and 3, and asks 2 */
    assert_int_equal(knob_study_ask(s, &retry), KNOB_OK);
    assert_int_equal(knob_trial_number(retry), 2);
    assert_string_equal(knob_trial_system_attr(retry, "program_params"), "{\"x\": 7}");
    assert_int_equal(knob_study_tell_fail(NULL, b, "r", "c"), KNOB_EINVAL);
    assert_int_equal(knob_study_tell_fail(s, NULL, "r", "c"), KNOB_EINVAL);
    assert_int_equal(
        knob_study_tell_fail(s, a, "interrupted (knob run was stopped)", "interrupted"),
        KNOB_ESTATE);
    assert_int_equal(knob_study_tell_fail(s, b, "crashed", NULL), KNOB_ESTATE);
    assert_int_equal(knob_study_tell_fail(s, retry, "interrupted", "interrupted"), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 4);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tr[i]->state, KNOB_TRIAL_FAIL);
        assert_string_equal(knob_trial_info_attr(tr[i], "fail_cause", true), "\"worker_lost\"");
        assert_non_null(strstr(knob_trial_info_attr(tr[i], "fail_reason", true), "no heartbeat"));
    }
    assert_int_equal(tr[2]->state, KNOB_TRIAL_FAIL);
    assert_string_equal(knob_trial_info_attr(tr[2], "fail_cause", true), "\"interrupted\"");
    assert_string_equal(knob_trial_info_attr(tr[2], "fail_reason", true), "\"interrupted\"");
    assert_int_equal(tr[3]->state, KNOB_TRIAL_WAITING);
    assert_null(knob_trial_info_attr(tr[3], "program_params", true));
    knob_study_free(s);
    knob_storage_close(st);
}

/* A chain of retries in a study of max_retry 2: trial 0 (*a) asked and lost, its retry 1
 * (*b) asked and lost in turn, whose retry 3 then waits behind an enqueued trial 2 (*c,
 * asked). */
static void lose_twice(knob_study *s, knob_trial **a, knob_trial **b, knob_trial **c)
{
    double x;
    assert_int_equal(knob_study_ask(s, a), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(*a, "x", 0, 1, 0, 0, &x), KNOB_OK);
    nap(0.5);
    assert_int_equal(knob_study_ask(s, b), KNOB_OK); /* fails 0, asks its retry 1 */
    assert_int_equal(knob_trial_number(*b), 1);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_OK); /* 2 */
    nap(0.5);
    assert_int_equal(knob_study_ask(s, c), KNOB_OK); /* fails 1, enqueues 3, asks 2 */
    assert_int_equal(knob_trial_number(*c), 2);
}

/* Along a chain of retries: trial 0 lost, its retry 1 lost in turn; 1's retry (3, the
 * second of 0's chain) still waits, behind an enqueued trial, when 1 completes late: 3 is
 * not run. */
static void late_end_along_a_chain_of_retries(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = open_study("memory:", &st, 2);
    knob_trial *a, *b, *c, *d;
    double y = 0.5;
    lose_twice(s, &a, &b, &c);
    assert_int_equal(knob_study_tell(s, b, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &d), KNOB_OK); /* fails 3 unrun, asks a new one */
    assert_int_equal(knob_trial_number(d), 4);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_string_equal(knob_trial_info_attr(tr[3], "retry_count", true), "2");
    assert_string_equal(knob_trial_info_attr(tr[3], "fail_cause", true), "\"retry_unneeded\"");
    assert_non_null(strstr(knob_trial_info_attr(tr[3], "fail_reason", true), "trial 1,"));
    knob_trial_detach(a);
    assert_int_equal(knob_study_tell(s, c, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, d, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The original completes late while its chain's second retry waits (its first retry lost in
 * turn): the second is not run either. */
static void late_end_of_the_original_skips_a_later_retry(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = open_study("memory:", &st, 2);
    knob_trial *a, *b, *c, *d;
    double y = 0.5;
    lose_twice(s, &a, &b, &c);
    assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK); /* 0, late */
    assert_int_equal(knob_study_ask(s, &d), KNOB_OK); /* fails 3 unrun, asks a new one */
    assert_int_equal(knob_trial_number(d), 4);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_string_equal(knob_trial_info_attr(tr[3], "fail_cause", true), "\"retry_unneeded\"");
    assert_non_null(strstr(knob_trial_info_attr(tr[3], "fail_reason", true), "trial 0,"));
    knob_trial_detach(b);
    assert_int_equal(knob_study_tell(s, c, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(s, d, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

static void late_end_of_a_lost_trial_memory(void **state)
{
    (void)state;
    late_end_of_a_lost_trial("memory:");
}

static void late_end_of_a_lost_trial_sqlite(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("hb_late.db"));
    unlink(knob_test_path("hb_late.db"));
    late_end_of_a_lost_trial(url);
    unlink(knob_test_path("hb_late.db"));
}

static void late_end_of_a_lost_trial_postgres(void **state)
{
    (void)state;
    late_end_of_a_lost_trial(knob_test_pg_url_or_skip());
}

/* A sampler slower than the grace period: the trial's first beat was written before the
 * sampler ran, so the next ask of another handle failed it as stale while its worker was
 * about to run it. */
static int slow_relative(void *state, knob_study *s, knob_trial *t)
{
    (void)state;
    (void)s;
    (void)t;
    nap(1.5);
    return KNOB_OK;
}

static int slow_sample(void *state, knob_study *s, knob_trial *t, const char *name,
                       const knob_distribution *d, double *x)
{
    (void)state;
    (void)s;
    (void)t;
    (void)name;
    *x = d->low;
    return KNOB_OK;
}

static void slow_sampler_keeps_its_trial(void **state)
{
    (void)state;
    static knob_sampler_plugin slow = {
        .version = KNOB_SAMPLER_PLUGIN_VERSION,
        .name = "test-slow",
        .help = "a sampler slower than the grace period, for tests",
        .sample_relative = slow_relative,
        .sample_independent = slow_sample,
    };
    knob_sampler *sp;
    if (knob_sampler_create("test-slow", NULL, &sp) != KNOB_OK) {
        assert_int_equal(knob_sampler_register(&slow), KNOB_OK);
        assert_int_equal(knob_sampler_create("test-slow", NULL, &sp), KNOB_OK);
    }
    knob_storage *st;
    knob_study *s, *other;
    knob_study_options o = {.heartbeat_interval = 0.2, .grace_period = 1.0, .sampler = sp};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "slow", &o, &s), KNOB_OK);
    o.sampler = NULL;
    assert_int_equal(knob_study_load(st, "slow", &o, &other), KNOB_OK);
    knob_trial *a, *b;
    assert_int_equal(knob_study_ask(s, &a), KNOB_OK);
    assert_int_equal(knob_study_ask(other, &b), KNOB_OK); /* fails stale trials first */
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(other, &tr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_RUNNING);
    double y = 1;
    assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(other, b, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(other);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A child process asks a trial with the claim of `key` and dies at once. */
static void die_after_claim(const char *url, const char *key)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *st;
        knob_study *s = open_study(url, &st, 0);
        const knob_attr rec[1] = {{"pbt", "{\"member\": 0}"}};
        knob_trial *t;
        bool won = false;
        if (knob_study_ask_claimed(s, key, rec, 1, &t, &won) || !won || !t)
            _exit(2);
        _exit(0); /* dies right after the claim: no param, no beat, no tell */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A worker that dies right after knob_study_ask_claimed leaves its claim with its trial,
 * record and first heartbeat (one transaction): the key stays taken, and the trial is
 * failed after the grace period like any trial of a dead worker. The grace period is the
 * watching worker's: the first look takes a long one, so that a loaded machine (a second
 * between the claim and the look) does not fail the trial before it is seen running. */
static void claimed_trial_of_a_dead_worker(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("claimed.db"));
    die_after_claim(url, "pbt:0:0:0");
    knob_storage *st;
    knob_study *s = open_study_grace(url, &st, 0, 600);
    const knob_attr rec[1] = {{"pbt", "{\"member\": 0, \"attempt\": 1}"}};
    knob_trial *t = (knob_trial *)1;
    bool won = true;
    assert_int_equal(knob_study_ask_claimed(s, "pbt:0:0:0", rec, 1, &t, &won), KNOB_OK);
    assert_false(won);
    assert_null(t);
    assert_int_equal(knob_study_claim(s, "pbt:0:0:0", NULL, &won), KNOB_OK);
    assert_false(won);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_RUNNING);
    assert_string_equal(knob_trial_info_attr(tr[0], "pbt", true), "{\"member\": 0}");
    assert_non_null(knob_trial_info_attr(tr[0], "heartbeat", true));
    knob_study_free(s);
    knob_storage_close(st);
    s = open_study(url, &st, 0);
    nap(0.5);
    /* past the grace period: the next ask fails it, and its next attempt is claimed */
    assert_int_equal(knob_study_ask_claimed(s, "pbt:0:0:1", rec, 1, &t, &won), KNOB_OK);
    assert_true(won);
    assert_int_equal(knob_trial_number(t), 1);
    assert_string_equal(knob_trial_system_attr(t, "pbt"), rec[0].json);
    assert_non_null(knob_trial_system_attr(t, "heartbeat"));
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_string_equal(knob_trial_info_attr(tr[0], "fail_cause", true), "\"worker_lost\"");
    assert_string_equal(knob_trial_info_attr(tr[1], "pbt", true), rec[0].json);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Arguments, attributes that are not JSON, and the study's max_trials. */
static void ask_claimed_refusals(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    knob_study_options o = {.max_trials = 1};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "c", &o, &s), KNOB_OK);
    knob_trial *t = (knob_trial *)1;
    bool won = true;
    const knob_attr bad[1] = {{"pbt", "{member: 0}"}};
    assert_int_equal(knob_study_ask_claimed(s, NULL, NULL, 0, &t, &won), KNOB_EINVAL);
    assert_null(t);
    assert_false(won);
    assert_int_equal(knob_study_ask_claimed(s, "", NULL, 0, &t, &won), KNOB_EINVAL);
    assert_int_equal(knob_study_ask_claimed(s, "k", bad, 1, &t, &won), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'pbt'"));
    assert_int_equal(knob_study_ask_claimed(s, "k", NULL, 1, &t, &won), KNOB_EINVAL);
    /* nothing was claimed or created by the refusals */
    assert_int_equal(knob_study_ask_claimed(s, "k", NULL, 0, &t, &won), KNOB_OK);
    assert_true(won);
    assert_int_equal(knob_trial_number(t), 0);
    assert_null(knob_trial_system_attr(t, "heartbeat")); /* no heartbeats in this study */
    knob_trial *u = (knob_trial *)1;
    assert_int_equal(knob_study_ask_claimed(s, "k2", NULL, 0, &u, &won), KNOB_EDONE);
    assert_null(u);
    assert_false(won);
    assert_int_equal(knob_study_claim(s, "k2", NULL, &won), KNOB_OK);
    assert_true(won); /* the full study's refusal left k2 free */
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The fail reason of a silent trial gives the silence in tenths below 10 s: with a grace
 * of half a second, 0.7 s read "no heartbeat for 1 s", and 0.4 s "for 0 s". */
static void lost_reason_reads_the_silence(void **state)
{
    (void)state;
    static const struct {
        double silent;
        const char *says;
    } cases[] = {{0.7, "no heartbeat for 0.7 s (its worker stopped)"},
                 {0.44, "no heartbeat for 0.4 s (its worker stopped)"},
                 {9.9, "no heartbeat for 9.9 s (its worker stopped)"},
                 {9.96, "no heartbeat for 10 s (its worker stopped)"},
                 {61.3, "no heartbeat for 61 s (its worker stopped)"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char reason[128];
        knob__lost_reason(reason, sizeof reason, cases[i].silent);
        assert_string_equal(reason, cases[i].says);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dead_worker_is_failed_and_retried),
        cmocka_unit_test(retry_handle_reads_its_link),
        cmocka_unit_test(stopped_beats_are_never_stale),
        cmocka_unit_test(retries_stop_at_max_retry),
        cmocka_unit_test(failed_trial_retried_by_call),
        cmocka_unit_test(retry_keeps_its_equal_choice),
        cmocka_unit_test(live_trials_keep_running),
        cmocka_unit_test(late_end_of_a_lost_trial_memory),
        cmocka_unit_test(late_end_along_a_chain_of_retries),
        cmocka_unit_test(late_end_of_the_original_skips_a_later_retry),
        cmocka_unit_test(late_end_of_a_lost_trial_sqlite),
        cmocka_unit_test(late_end_of_a_lost_trial_postgres),
        cmocka_unit_test(slow_sampler_keeps_its_trial),
        cmocka_unit_test(claimed_trial_of_a_dead_worker),
        cmocka_unit_test(ask_claimed_refusals),
        cmocka_unit_test(failed_without_its_retry_is_not_failed),
        cmocka_unit_test(tell_fail_keeps_a_lost_trials_cause),
        cmocka_unit_test(tell_fail_refusals_name_it),
        cmocka_unit_test(lost_reason_reads_the_silence),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
