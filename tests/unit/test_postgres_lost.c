/* PostgreSQL: a worker killed in the middle of a write that belongs with another leaves
 * both or neither. A trigger of the test's own schema holds the write in question on the
 * server (it names its backend in a sequence, then sleeps); the worker is killed there and
 * its backend ended, as a dead worker's connection is. These run against the server named by
 * KNOB_TEST_PG_URL. */
#include "testutil.h"
#include "knob.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

static knob_study *open_study(const char *url, knob_storage **st, bool create)
{
    knob_study *s;
    knob_study_options o = {.heartbeat_interval = 0.05, .grace_period = 0.3, .max_retry = 1};
    if (knob_storage_open(url, st) ||
        (create ? knob_study_create(*st, "lost", &o, &s) : knob_study_load(*st, "lost", &o, &s)))
        fail_msg("open: %s", knob_errmsg());
    return s;
}

/* A trigger on `table` that holds every row inserted WHEN `when` (its backend's pid in the
 * sequence held_by, then a long sleep). */
static void hold_inserts(PGconn *c, const char *table, const char *when)
{
    char sql[1024];
    knob_test_pg_exec(c, "CREATE SEQUENCE held_by");
    knob_test_pg_exec(c, "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                         "PERFORM setval('held_by', pg_backend_pid()); PERFORM pg_sleep(120); "
                         "RETURN NEW; END $$");
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER hold BEFORE INSERT ON %s FOR EACH ROW WHEN (%s) EXECUTE FUNCTION "
             "hold()",
             table, when);
    knob_test_pg_exec(c, sql);
}

static long long held_by(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM held_by");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long long pid = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return pid;
}

/* Forks a worker that asks once; kills it once the trigger holds its write, and ends that
 * write's backend (rolled back, as a dead worker's transaction is). */
static void kill_the_ask_at_the_hold(const char *url, PGconn *c, const char *table)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *st;
        knob_study *s = open_study(url, &st, false);
        knob_trial *t;
        knob_study_ask(s, &t);
        _exit(3); /* not reached: killed at the hold */
    }
    long long backend = 0;
    for (int i = 0; i < 600 && !(backend = held_by(c)); i++)
        nap(0.05);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!backend)
        fail_msg("the worker's write never reached the trigger (status 0x%x)", status);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", backend);
    knob_test_pg_exec(c, sql);
    for (int i = 0; i < 600; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld",
                 backend);
        PGresult *r = PQexec(c, sql);
        bool gone = PQresultStatus(r) == PGRES_TUPLES_OK && atoll(PQgetvalue(r, 0, 0)) == 0;
        PQclear(r);
        if (gone)
            break;
        nap(0.05);
    }
    snprintf(sql, sizeof sql, "DROP TRIGGER hold ON %s", table);
    knob_test_pg_exec(c, sql);
}

/* Every RUNNING trial of the study has a heartbeat; *n its trials. */
static void every_running_trial_beats(const char *url, size_t *n_out)
{
    knob_storage *st;
    knob_study *s = open_study(url, &st, false);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_RUNNING && !knob_trial_info_attr(tr[i], "heartbeat", true))
            fail_msg("trial %lld is RUNNING without a heartbeat: no worker would ever fail it",
                     (long long)tr[i]->number);
    *n_out = n;
    knob_study_free(s);
    knob_storage_close(st);
}

/* A new trial and its first heartbeat are one write: killed between them, the worker left
 * a RUNNING trial without one, never failed, holding a place under max_trials for good. */
static void a_new_trial_is_made_with_its_beat(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st;
    knob_study_free(open_study(url, &st, true));
    knob_storage_close(st);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    hold_inserts(c, "knob_trial_attrs", "NEW.key = 'heartbeat'");
    kill_the_ask_at_the_hold(url, c, "knob_trial_attrs");
    PQfinish(c);
    size_t n;
    every_running_trial_beats(url, &n);
    assert_int_equal(n, 0); /* the creation went with its beat */
}

/* So are the take of an enqueued trial and its first heartbeat: killed between them, the
 * worker left the trial RUNNING without one, and the enqueued point never ran. */
static void an_enqueued_trial_is_taken_with_its_beat(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st;
    knob_study *s = open_study(url, &st, true);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    hold_inserts(c, "knob_trial_attrs", "NEW.key = 'heartbeat'");
    kill_the_ask_at_the_hold(url, c, "knob_trial_attrs");
    PQfinish(c);
    size_t n;
    every_running_trial_beats(url, &n);
    assert_int_equal(n, 1);
    /* the next ask takes it */
    s = open_study(url, &st, false);
    knob_trial *t;
    double x, y = 1;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 0);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_true(x == 0.5);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A child asks a trial and dies without a word: its trial goes silent. */
static void die_with_a_trial(const char *url)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *st;
        knob_study *s = open_study(url, &st, false);
        knob_trial *t;
        double x;
        _exit(knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ? 2 : 0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A lost trial's failure and its retry are one write: a failer killed between them left the
 * trial FAIL and no retry, the trial never run again. */
static void a_lost_trial_is_failed_with_its_retry(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st;
    knob_study_free(open_study(url, &st, true));
    knob_storage_close(st);
    die_with_a_trial(url);
    nap(0.5); /* past the grace */
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    hold_inserts(c, "knob_trials", "NEW.state = 4"); /* the retry, waiting */
    kill_the_ask_at_the_hold(url, c, "knob_trials");
    PQfinish(c);
    knob_study *s = open_study(url, &st, false);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, tr[0]->state == KNOB_TRIAL_FAIL ? 2 : 1);
    if (tr[0]->state == KNOB_TRIAL_FAIL) /* failed: with its reason, and its retry */
        assert_non_null(knob_trial_info_attr(tr[0], "fail_reason", true));
    else
        assert_int_equal(tr[0]->state, KNOB_TRIAL_RUNNING);
    /* the next ask fails it (again) and takes its retry, made once */
    knob_trial *t;
    double x, y = 1;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_string_equal(knob_trial_system_attr(t, "retry_of"), "0");
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_non_null(knob_trial_info_attr(tr[0], "fail_reason", true));
    knob_study_free(s);
    knob_storage_close(st);
}

/* A finish refused in a failover (25006, a read-only server) and retried is this worker's
 * only when the trial ended at its own end time: another worker's finish of the same trial
 * in the same state, between the refusal and the retry, was taken for this one's first
 * attempt (its values lost, the tell said done); it is refused, as it is without a retry.
 * Here a trigger refuses the finish of value 1 while the table `refuse` has a row. */
static void a_retried_finish_takes_only_its_own(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "retried", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "CREATE SEQUENCE refusals");
    knob_test_pg_exec(c, "CREATE TABLE refuse(x int)");
    knob_test_pg_exec(c, "INSERT INTO refuse VALUES(1)");
    knob_test_pg_exec(c, "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                         "IF EXISTS (SELECT 1 FROM refuse) THEN PERFORM nextval('refusals'); "
                         "RAISE EXCEPTION 'cannot execute UPDATE in a read-only transaction' "
                         "USING ERRCODE = '25006'; END IF; RETURN NEW; END $$");
    knob_test_pg_exec(c, "CREATE TRIGGER refuse BEFORE UPDATE ON knob_trials FOR EACH ROW WHEN "
                         "(NEW.state = 1 AND NEW.vals = '{1}'::float8[]) EXECUTE FUNCTION "
                         "refuse()");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *cst;
        knob_study *cs;
        double one = 1;
        if (knob_storage_open(url, &cst) || knob_study_load(cst, "retried", NULL, &cs))
            _exit(2);
        int rc = knob_study_tell_number(cs, 0, KNOB_TRIAL_COMPLETE, &one, 1, NULL);
        _exit(rc == KNOB_OK ? 0 : rc == KNOB_ESTATE ? 1 : 2);
    }
    long long refused = 0;
    for (int i = 0; i < 600 && !refused; i++) {
        PGresult *r = PQexec(c, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "
                                "refusals");
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        refused = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (!refused)
            nap(0.05);
    }
    assert_true(refused > 0);
    /* another worker finishes the trial while the first one waits for the server */
    double two = 2;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &two, 1), KNOB_OK);
    knob_test_pg_exec(c, "DELETE FROM refuse");
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1); /* refused: finished already, not by it */
    PQfinish(c);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_true(tr[0]->values[0] == 2);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_trial_is_made_with_its_beat),
        cmocka_unit_test(an_enqueued_trial_is_taken_with_its_beat),
        cmocka_unit_test(a_lost_trial_is_failed_with_its_retry),
        cmocka_unit_test(a_retried_finish_takes_only_its_own),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
