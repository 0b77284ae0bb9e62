/* PostgreSQL: many workers, atomic numbers and grid points, secrets kept out of
 * messages, prepared queries, dead workers, and a server restart mid-study. These run
 * against the server named by KNOB_TEST_PG_URL (scripts/test.sh starts one). */
#include "testutil.h"
#include "knob.h"
#include "storage/postgres.h"
#include "util/json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int worker_steps(const char *url, const char *study, int n, int seed, bool grid)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create(grid ? "grid" : "random", opts, &sp))
        return 2;
    if (grid && knob_sampler_set_option(sp, "search_space",
                                        "{\"a\": [0,1,2,3,4,5,6,7,8,9], \"b\": [0,1,2,3,4,5,6,7,8,"
                                        "9,10,11,12,13,14,15,16,17,18,19]}"))
        return 3;
    knob_study_options o = {.sampler = sp};
    if (knob_study_create(st, study, &o, &s))
        return 4;
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        int64_t a = 0, b = 0;
        double x = 0, y;
        int rc = knob_study_ask(s, &t);
        if (rc == KNOB_EDONE)
            break;
        if (rc)
            return 5;
        if (grid ? knob_trial_suggest_int(t, "a", 0, 9, 1, 0, &a) ||
                       knob_trial_suggest_int(t, "b", 0, 19, 1, 0, &b)
                 : knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
            return 6;
        y = grid ? (double)(a * 20 + b) : x;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
            return 7;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

/* A worker process: its exit status names the step that failed, stderr says why. */
static int worker(const char *url, const char *study, int n, int seed, bool grid)
{
    int rc = worker_steps(url, study, n, seed, grid);
    if (rc)
        fprintf(stderr, "worker %d: step %d failed: %s\n", seed, rc, knob_errmsg());
    return rc;
}

static void run_workers(const char *url, const char *study, int k, int n, bool grid)
{
    for (int w = 0; w < k; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(worker(url, study, n, w, grid));
    }
    for (int w = 0; w < k; w++) {
        int status;
        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            fail_msg("a worker failed with status 0x%x", status);
    }
}

static const knob_trial_info *const *load(const char *url, const char *name, size_t *n,
                                          knob_storage **st, knob_study **s)
{
    const knob_trial_info *const *tr;
    assert_int_equal(knob_storage_open(url, st), KNOB_OK);
    assert_int_equal(knob_study_load(*st, name, NULL, s), KNOB_OK);
    assert_int_equal(knob_study_trials(*s, &tr, n), KNOB_OK);
    return tr;
}

/* 8 worker processes x 250 trials on one study: exactly 2,000 trials, numbers unique. */
static void eight_workers(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    run_workers(u, "load", 8, 250, false);
    knob_storage *st;
    knob_study *s;
    size_t n;
    const knob_trial_info *const *tr = load(u, "load", &n, &st, &s);
    assert_int_equal(n, 2000);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
        assert_true(tr[i]->values[0] == tr[i]->params[0].internal);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* The transaction that last wrote the study's row, read with psql. */
static long long study_writer(const char *url, const char *study)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -Atc \"SELECT xmin::text FROM knob_studies WHERE name = '%s'\"", url,
             study);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    long long xid = -1;
    assert_int_equal(fscanf(f, "%lld", &xid), 1);
    pclose(f);
    return xid;
}

/* A tell writes the trial's params with its finish and leaves the study's row alone: only
 * the create takes that row's lock (it was updated by every write, so all workers' tells
 * queued on it); another handle reads both params. */
static void tell_leaves_the_study_row(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char name[64];
    snprintf(name, sizeof name, "stamps_%d", (int)getpid());
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, name, NULL, &s), KNOB_OK);
    long long before = study_writer(url, name);
    double x, y, v;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    long long created = study_writer(url, name);
    assert_true(created != before);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 1, 0.5), KNOB_OK);
    assert_int_equal(knob_trial_set_user_attr(t, "k", "1"), KNOB_OK);
    v = x + y;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    assert_int_equal(study_writer(url, name), created);
    knob_study_free(s);
    knob_storage_close(st);
    size_t n;
    const knob_trial_info *const *tr = load(url, name, &n, &st, &s);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(tr[0]->n_params, 2);
    assert_true(tr[0]->params[0].internal == x && tr[0]->params[1].internal == y);
    assert_true(tr[0]->values[0] == v);
    assert_int_equal(tr[0]->n_intermediate, 1);
    assert_string_equal(knob_trial_info_attr(tr[0], "k", false), "1");
    knob_study_free(s);
    knob_storage_close(st);
}

/* Writers commit out of stamp order (no lock orders them): a handle that only ever syncs
 * what changed, many times while 8 workers run, ends with the same trials as a fresh
 * load; none missed, none left behind in an old state; also with another program's
 * transaction open all along, which the syncs read past. */
static void syncs_miss_nothing_while_workers_write(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "watch", NULL, &s), KNOB_OK);
    PGconn *stranger = knob_test_stranger_begin(u);
    pid_t runner = fork();
    assert_true(runner >= 0);
    if (runner == 0) {
        for (int w = 0; w < 8; w++)
            if (fork() == 0)
                _exit(worker(u, "watch", 60, w + 1, false));
        int status, bad = 0;
        for (int w = 0; w < 8; w++)
            bad |= wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status);
        _exit(bad);
    }
    int status, syncs = 0;
    const knob_trial_info *const *tr;
    size_t n;
    while (waitpid(runner, &status, WNOHANG) == 0) {
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        syncs++;
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    print_message("%d syncs while the workers ran\n", syncs);
    knob_test_stranger_end(stranger);
    assert_int_equal(n, 480);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(tr[i]->n_values, 1);
        assert_int_equal(tr[i]->n_params, 1);
        assert_true(tr[i]->values[0] == tr[i]->params[0].internal);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* What a poll reads up to: a knob write still running on the study's tables holds it back
 * (the trial it writes comes once it commits, none missed); another program's transaction
 * does not, even one that has read knob_trials (it holds a lock on it, but not the one a
 * write takes). The write still running is played by a transaction that stamps trial 0 the
 * way knob's statements do and stays open. */
static void a_running_write_holds_the_stamp_back(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    PGconn *stranger = knob_test_stranger_begin(u);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x, y = 1;
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp0, stamp1, stamp2, stamp3;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "held", NULL, &s), KNOB_OK);
    knob_test_pg_exec(stranger, "SELECT count(*) FROM knob_trials");
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp0), KNOB_OK);
    assert_int_equal(n, 1);

    PGconn *writer = PQconnectdb(u);
    assert_int_equal(PQstatus(writer), CONNECTION_OK);
    knob_test_pg_exec(writer, "BEGIN");
    knob_test_pg_exec(writer, "UPDATE knob_trials SET seq = txid_current() WHERE number = 0");
    knob_test_pg_exec(writer, "INSERT INTO knob_trial_attrs(trial, system, key, json) SELECT id, "
                              "false, 'late', '1' FROM knob_trials WHERE number = 0");
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    /* trial 1 comes; trial 0's write is not committed: not yet, and the stamp stays below it */
    assert_int_equal(knob_study_trials_since(s, stamp0, &got, &n, &stamp1), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0]->number, 1);
    knob_test_pg_exec(writer, "COMMIT");
    PQfinish(writer);
    /* trial 0 comes with the write; trial 1, written while that write ran, comes again */
    assert_int_equal(knob_study_trials_since(s, stamp1, &got, &n, &stamp2), KNOB_OK);
    assert_true(n >= 1 && n <= 2);
    assert_int_equal(got[0]->number, 0);
    assert_string_equal(knob_trial_info_attr(got[0], "late", false), "1");
    assert_true(stamp2 > stamp1);
    /* nothing is running on the study's tables now: nothing more, the stranger still open */
    assert_int_equal(knob_study_trials_since(s, stamp2, &got, &n, &stamp3), KNOB_OK);
    assert_int_equal(n, 0);
    knob_test_stranger_end(stranger);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The tables of schema 1 (knob before December 2026: a trial's stamp was its study's
 * counter), as that knob created them. */
static const char *const schema1[] = {
    "CREATE TABLE knob_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE knob_studies(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, directions "
    "TEXT NOT NULL, seq BIGINT NOT NULL DEFAULT 0, n_trials BIGINT NOT NULL DEFAULT 0, created "
    "DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE knob_study_attrs(study BIGINT NOT NULL REFERENCES knob_studies(id) ON DELETE "
    "CASCADE, system BOOLEAN NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, ord BIGSERIAL, "
    "PRIMARY KEY(study, system, key))",
    "CREATE TABLE knob_trials(id BIGSERIAL PRIMARY KEY, study BIGINT NOT NULL REFERENCES "
    "knob_studies(id) ON DELETE CASCADE, number BIGINT NOT NULL, state INTEGER NOT NULL, "
    "start_time DOUBLE PRECISION, end_time DOUBLE PRECISION, seq BIGINT NOT NULL, UNIQUE(study, "
    "number))",
    "CREATE INDEX knob_trials_by_seq ON knob_trials(study, seq)",
    "CREATE INDEX knob_trials_by_state ON knob_trials(study, state, number)",
    "CREATE TABLE knob_params(trial BIGINT NOT NULL REFERENCES knob_trials(id) ON DELETE "
    "CASCADE, position INTEGER NOT NULL, name TEXT NOT NULL, dist TEXT NOT NULL, internal DOUBLE "
    "PRECISION NOT NULL, PRIMARY KEY(trial, name))",
    "CREATE TABLE knob_values(trial BIGINT NOT NULL REFERENCES knob_trials(id) ON DELETE "
    "CASCADE, idx INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY(trial, idx))",
    "CREATE TABLE knob_intermediate(trial BIGINT NOT NULL REFERENCES knob_trials(id) ON DELETE "
    "CASCADE, step BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY(trial, step))",
    "CREATE TABLE knob_trial_attrs(trial BIGINT NOT NULL REFERENCES knob_trials(id) ON DELETE "
    "CASCADE, system BOOLEAN NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, ord BIGSERIAL, "
    "PRIMARY KEY(trial, system, key))",
    "CREATE TABLE knob_claims(study BIGINT NOT NULL REFERENCES knob_studies(id) ON DELETE "
    "CASCADE, key TEXT NOT NULL, trial BIGINT, PRIMARY KEY(study, key))",
    "INSERT INTO knob_meta(key, value) VALUES('schema_version', '1')",
    "COMMENT ON TABLE knob_meta IS 'knob schema 1 5d1c0a6f3e2b4c19'",
};

/* A schema 1 database as a knob of that schema left it: study "old" with 5 trials (0-3
 * complete, with a param, a value, an intermediate value and an attribute each; 4 still
 * running) and a claim. Its stamps are the study's counter, here as high as a database
 * restored into a new cluster has them: far above the server's transaction ids. */
static void make_schema1(const char *url, const char *version)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    for (size_t i = 0; i < sizeof schema1 / sizeof *schema1; i++)
        knob_test_pg_exec(c, schema1[i]);
    char sql[512];
    snprintf(sql, sizeof sql, "UPDATE knob_meta SET value = '%s'", version);
    knob_test_pg_exec(c, sql);
    knob_test_pg_exec(c, "INSERT INTO knob_studies(name, directions, seq, n_trials, created) "
                         "VALUES('old', 'minimize', 4000000000020, 5, 1)");
    knob_test_pg_exec(c, "INSERT INTO knob_trials(study, number, state, start_time, end_time, "
                         "seq) SELECT 1, n, CASE WHEN n < 4 THEN 1 ELSE 0 END, 10 + n, CASE "
                         "WHEN n < 4 THEN 11 + n END, 4000000000000 + 4 * n FROM "
                         "generate_series(0, 4) n");
    knob_test_pg_exec(
        c, "INSERT INTO knob_params(trial, position, name, dist, internal) SELECT "
           "id, 0, 'x', '{\"type\":\"float\",\"low\":0,\"high\":1,\"step\":0,\"log\":false}', "
           "number / 10.0 FROM knob_trials");
    knob_test_pg_exec(c, "INSERT INTO knob_values(trial, idx, value) SELECT id, 0, number * 2 "
                         "FROM knob_trials WHERE state = 1");
    knob_test_pg_exec(c, "INSERT INTO knob_intermediate(trial, step, value) SELECT id, 0, "
                         "number * 3 FROM knob_trials WHERE state = 1");
    knob_test_pg_exec(c, "INSERT INTO knob_trial_attrs(trial, system, key, json) SELECT id, "
                         "false, 'k', number::text FROM knob_trials");
    knob_test_pg_exec(c, "INSERT INTO knob_claims(study, key, trial) VALUES(1, 'grid:7', 3)");
    PQfinish(c);
}

static char *pg_value(const char *url, const char *sql)
{
    static char out[1 << 20];
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s", PQresultErrorMessage(r));
    assert_int_equal(PQntuples(r), 1);
    assert_true(strlen(PQgetvalue(r, 0, 0)) < sizeof out);
    snprintf(out, sizeof out, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return out;
}

/* Opening a schema 1 database upgrades it in place: the same trials with all they held,
 * the claim, dense numbers after them, and stamps a poll reads past (schema 1's counters
 * above the server's transaction ids had come again at every poll). */
static void schema1_is_upgraded_in_place(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    make_schema1(u, "1");
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp, stamp2;
    bool won = true;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    assert_string_equal(pg_value(u, "SELECT count(*) FROM knob_trials WHERE seq > "
                                    "txid_current()"),
                        "0");
    if (knob_study_load(st, "old", NULL, &s))
        fail_msg("load the upgraded study: %s", knob_errmsg());
    if (knob_study_trials_since(s, 0, &got, &n, &stamp))
        fail_msg("read the upgraded study: %s", knob_errmsg());
    assert_int_equal(n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(got[i]->number, i);
        assert_int_equal(got[i]->state, i < 4 ? KNOB_TRIAL_COMPLETE : KNOB_TRIAL_RUNNING);
        assert_int_equal(got[i]->n_params, 1);
        assert_true(got[i]->params[0].internal == i / 10.0);
        assert_int_equal(got[i]->n_values, i < 4 ? 1 : 0);
        assert_int_equal(got[i]->n_intermediate, i < 4 ? 1 : 0);
        if (i < 4)
            assert_true(got[i]->values[0] == i * 2 && got[i]->intermediate[0].value == i * 3);
        char k[8];
        snprintf(k, sizeof k, "%d", i);
        assert_string_equal(knob_trial_info_attr(got[i], "k", false), k);
    }
    assert_int_equal(knob_study_trials_since(s, stamp, &got, &n, &stamp2), KNOB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(knob_study_claim(s, "grid:7", NULL, &won), KNOB_OK);
    assert_false(won);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 5);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_trials_since(s, stamp2, &got, &n, &stamp), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0]->number, 5);
    knob_study_free(s);
    knob_storage_close(st);
    /* opened again: nothing changes */
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "old", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &got, &n), KNOB_OK);
    assert_int_equal(n, 6);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A schema 1 database of the first knobs, whose studies had no count of numbers
 * (n_trials): upgraded, its study asks the number after its trials (every ask failed on the
 * missing column). */
static void schema1_without_counts_is_upgraded(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    make_schema1(u, "1");
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "ALTER TABLE knob_studies DROP COLUMN n_trials");
    PQfinish(c);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "old", NULL, &s), KNOB_OK);
    if (knob_study_ask(s, &t))
        fail_msg("ask: %s", knob_errmsg());
    assert_int_equal(knob_trial_number(t), 5);
    double y = 1;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A database of a newer schema is refused, naming the database and both schemas, and left
 * as it was. */
static void newer_schema_is_refused(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    make_schema1(u, "6");
    knob_storage *st;
    assert_int_equal(knob_storage_open(u, &st), KNOB_ECORRUPT);
    assert_non_null(strstr(knob_errmsg(), "created by a newer knob (schema 6; this one reads up "
                                          "to 5)"));
    assert_non_null(strstr(knob_errmsg(), "postgresql://knob@"));
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "6");
    assert_string_equal(pg_value(u, "SELECT count(*) FROM knob_params"), "5");
    assert_string_equal(pg_value(u, "SELECT obj_description('knob_meta'::regclass, 'pg_class')"),
                        "knob schema 1 5d1c0a6f3e2b4c19");
    assert_string_equal(pg_value(u, "SELECT sum(seq) FROM knob_trials"), "20000000000040");
}

/* 8 workers share a grid of 200 points: each point runs exactly once. */
static void grid_across_workers(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    run_workers(u, "grid", 8, 1000, true);
    knob_storage *st;
    knob_study *s;
    size_t n;
    const knob_trial_info *const *tr = load(u, "grid", &n, &st, &s);
    int seen[200] = {0};
    assert_int_equal(n, 200);
    for (size_t i = 0; i < n; i++)
        seen[(int)tr[i]->values[0]]++;
    for (int i = 0; i < 200; i++)
        assert_int_equal(seen[i], 1);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Needs no server: port 1 refuses the connection. */
static void secrets_stay_out_of_messages(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "1", 1), 0);
    int rc = knob_storage_open("postgresql://knob:s3cretpw@127.0.0.1:1/knob", &st);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    assert_int_equal(rc, KNOB_ESTORAGE);
    assert_null(strstr(knob_errmsg(), "s3cretpw"));
    assert_non_null(strstr(knob_errmsg(), "postgresql://knob@127.0.0.1:1/knob"));
    assert_int_equal(knob_storage_open("host=127.0.0.1 port=1 password=s3cretpw user=knob", &st),
                     KNOB_EINVAL); /* not a URL of a known scheme */
    assert_null(strstr(knob_errmsg(), "s3cretpw") ? "leaked" : NULL);
    /* URLs libpq cannot read: its message quotes the URL, or the piece it stopped at (a '%'
     * in a password not written %25); the password was shown there */
    const char *bad[] = {"postgresql://knob:s3cretpw@[::1:54361/knob",
                         "postgresql://knob:s3cret%pw@127.0.0.1:1/knob",
                         "postgresql://knob:s3cret%41pw@[::1:1/knob",
                         "postgresql://knob@[::1:1/knob?password=s3cretpw&x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "1", 1), 0);
        rc = knob_storage_open(bad[i], &st);
        unsetenv("KNOB_PG_RETRY_SECONDS");
        assert_int_equal(rc, KNOB_ESTORAGE);
        if (strstr(knob_errmsg(), "s3cret") || strstr(knob_errmsg(), "s3cretApw"))
            fail_msg("%s: %s", bad[i], knob_errmsg());
        assert_non_null(strstr(knob_errmsg(), "cannot connect"));
    }
    /* a password that is also a word of the message is taken out where it stands as one,
     * not out of the user's name or the database's */
    assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "1", 1), 0);
    rc = knob_storage_open("postgresql://knob:knob@[::1:1/knob", &st);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    assert_int_equal(rc, KNOB_ESTORAGE);
    if (strstr(knob_errmsg(), ":knob@") ||
        !strstr(knob_errmsg(), "\"postgresql://knob:***@[::1:1/knob"))
        fail_msg("%s", knob_errmsg());
    /* a password that decodes to nothing ("%00x": the text before a NUL) is taken out as
     * written, and the message made (it looped for ever) */
    assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "1", 1), 0);
    rc = knob_storage_open("postgresql://u@[::1:1/db?password=%00x", &st);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    assert_int_equal(rc, KNOB_ESTORAGE);
    if (strstr(knob_errmsg(), "%00x"))
        fail_msg("%s", knob_errmsg());
}

/* KNOB_PG_RETRY_SECONDS is a number of seconds: "2m" was read as 2 s, and "abc" and "-5" as
 * no wait at all, without a word. The open refuses them before it connects (so
 * this needs no server), naming the variable, what it takes and what it got. */
static void bad_retry_seconds_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"2m",  "abc",  "-5",  "inf", "nan",   "1e9",
                         "5 s", "0x10", "1e3", "+5",  "1.2.3", "."};
    knob_storage *st = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", bad[i], 1), 0);
        int rc = knob_storage_open("postgresql://knob:knob@127.0.0.1:1/knob", &st);
        unsetenv("KNOB_PG_RETRY_SECONDS");
        char want[100];
        snprintf(want, sizeof want, "a number from 0 to 2000000 (no unit); got '%s'", bad[i]);
        if (rc != KNOB_EINVAL ||
            !strstr(knob_errmsg(), "KNOB_PG_RETRY_SECONDS is how many "
                                   "seconds") ||
            !strstr(knob_errmsg(), want))
            fail_msg("KNOB_PG_RETRY_SECONDS='%s': %d %s", bad[i], rc, knob_errmsg());
    }
    /* a number is taken, spaces around it too, and an empty value is none (the default, as
     * an export that clears it, or a Kubernetes value "", means): the open goes on to
     * connect (port 1 refuses) */
    const char *good[] = {"0.5", " 30 ", "", " ", "30.5", ".5", "7."};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", good[i], 1), 0);
        int rc = knob_storage_open("postgresql://knob:knob@127.0.0.1:1/knob", &st);
        unsetenv("KNOB_PG_RETRY_SECONDS");
        if (rc != KNOB_ESTORAGE || !strstr(knob_errmsg(), "cannot connect"))
            fail_msg("KNOB_PG_RETRY_SECONDS='%s': %d %s", good[i], rc, knob_errmsg());
    }
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A TCP socket on 127.0.0.1 at a port of the kernel's choosing, listening when `listening`
 * (its connections are never accepted, nor answered), else closed again so that nothing
 * listens there; its port in *port. */
static int local_port(bool listening, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    if (listening) {
        assert_int_equal(listen(fd, 8), 0);
        return fd;
    }
    close(fd);
    return -1;
}

/* Needs no server: nothing listens at the port, so the open fails at once (within 2 s)
 * naming the host and port, with the default wait for a lost connection in force. Such
 * a refusal was waited for 30 s as if the server were restarting, without a word. */
static void nothing_listening_fails_at_once(void **state)
{
    (void)state;
    int port;
    local_port(false, &port);
    char u[128], where[64];
    snprintf(u, sizeof u, "postgresql://knob:pw@127.0.0.1:%d/knob", port);
    snprintf(where, sizeof where, "127.0.0.1:%d", port);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    knob_storage *st = NULL;
    double t0 = seconds();
    assert_int_equal(knob_storage_open(u, &st), KNOB_ESTORAGE);
    double took = seconds() - t0;
    if (took > 2)
        fail_msg("nothing listening at %s: the open failed after %.1f s", where, took);
    assert_null(st);
    const char *m = knob_errmsg();
    if (!strstr(m, where) || !strstr(m, "Connection refused") || strchr(m, '\n'))
        fail_msg("the message names the host, port and refusal on one line: %s", m);
}

/* Needs no server: a socket that takes the TCP connection and never answers. The URL's
 * connect_timeout is honoured (libpq makes 1 s 2 s); without one the open gives up after
 * the default 5 s, where libpq's own default waited for ever. */
static void a_silent_server_times_out(void **state)
{
    (void)state;
    int port, fd = local_port(true, &port);
    char u[160];
    knob_storage *st = NULL;
    unsetenv("PGCONNECT_TIMEOUT");
    alarm(60); /* the old wait for ever ends the test as failed */
    snprintf(u, sizeof u, "postgresql://knob:pw@127.0.0.1:%d/knob?connect_timeout=1", port);
    double t0 = seconds();
    assert_int_equal(knob_storage_open(u, &st), KNOB_ESTORAGE);
    double took = seconds() - t0;
    if (took > 6) /* 2 s and what a loaded machine adds; the default's 5 s is more */
        fail_msg("connect_timeout=1: the open failed after %.1f s", took);
    if (!strstr(knob_errmsg(), "timeout"))
        fail_msg("the message says it timed out: %s", knob_errmsg());
    snprintf(u, sizeof u, "postgresql://knob:pw@127.0.0.1:%d/knob", port);
    t0 = seconds();
    assert_int_equal(knob_storage_open(u, &st), KNOB_ESTORAGE);
    took = seconds() - t0;
    if (took < 4 || took > 15) /* libpq's default waited for ever: the alarm's 60 s */
        fail_msg("the default connect_timeout is 5 s: the open failed after %.1f s", took);
    assert_non_null(strstr(knob_errmsg(), "timeout"));
    assert_null(strstr(knob_errmsg(), "connect_timeout=")); /* the URL as given */
    alarm(0);
    assert_null(st);
    close(fd);
}

/* The port of a postgresql:// URL (5432 when it names none): scripts/pg.sh restarts the
 * server of that port, the one the tests use, and no other. */
static int url_port(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *at = strchr(host, '@'), *end = strpbrk(host, "/?");
    if (at && (!end || at < end))
        host = at + 1;
    const char *colon = strchr(host, ':');
    end = strpbrk(host, "/?");
    return colon && (!end || colon < end) ? atoi(colon + 1) : 5432;
}

/* The plan of the listing's count of a study's trials, `mode` its plan_cache_mode, one
 * line of EXPLAIN's text after another. */
static void count_plan(PGconn *c, const char *mode, int64_t study, char *out, size_t size)
{
    knob_test_pg_plan(c, mode, "count_trials", study, out, size);
}

/* The studies listing counts a study's complete trials from an index of them: the
 * count's plan, generic or custom, names knob_trials_complete (an index-only scan once
 * VACUUM has marked the table's pages all-visible) and no sequential scan of knob_trials
 * (it read the state of every trial of the study from the table). The counts are right. */
static void studies_count_from_indexes(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], plan[8192];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "counted", NULL, &s), KNOB_OK);
    for (int i = 0; i < 12; i++) {
        knob_trial *t;
        double y = i;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        if (i < 10) /* 7 complete, 3 failed, 2 left running */
            assert_int_equal(
                knob_study_tell(s, t, i < 7 ? KNOB_TRIAL_COMPLETE : KNOB_TRIAL_FAIL, &y, 1),
                KNOB_OK);
        else
            knob_trial_detach(t);
    }
    const knob_study_summary *list;
    size_t n;
    assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].n_trials, 12);
    assert_int_equal(list[0].n_complete, 7);
    knob_study_free(s);
    knob_storage_close(st); /* its session would keep VACUUM from marking pages all-visible */
    /* other studies' trials, many of them complete, as a table of many studies has */
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c,
                      "INSERT INTO knob_trials(study, number, state, seq) SELECT 1000 + g % 500, "
                      "g, CASE WHEN g % 4 = 0 THEN 2 ELSE 1 END, 0 "
                      "FROM generate_series(1, 50000) g");
    knob_test_pg_exec(c, "VACUUM ANALYZE knob_trials");
    int64_t id = atoll(pg_value(u, "SELECT id FROM knob_studies WHERE name = 'counted'"));
    char prepare[512];
    snprintf(prepare, sizeof prepare, "PREPARE count_trials(bigint) AS %s",
             knob__pg_count_trials_sql());
    knob_test_pg_exec(c, prepare);
    const char *const modes[] = {"force_custom_plan", "force_generic_plan"};
    for (int m = 0; m < 2; m++) {
        count_plan(c, modes[m], id, plan, sizeof plan);
        if (!strstr(plan, " on knob_trials_complete") &&
            !strstr(plan, "using knob_trials_complete"))
            fail_msg("%s: the count of complete trials uses no index of them:\n%s", modes[m], plan);
        if (strstr(plan, "Seq Scan"))
            fail_msg("%s: the count scans the whole table:\n%s", modes[m], plan);
    }
    PGresult *r = PQexec(c, "EXECUTE count_trials(1001)");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(r, 0, 0), "100");
    assert_string_equal(PQgetvalue(r, 0, 1), "100"); /* g = 1 + 500k: g % 4 is 1 */
    PQclear(r);
    PQfinish(c);
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
    assert_int_equal(list[0].n_trials, 12);
    assert_int_equal(list[0].n_complete, 7);
    knob_storage_close(st);
}

static void names_are_only_names(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    const char *evil = "x'; DROP TABLE knob_trials; --";
    knob_storage *st;
    knob_study *s, *other;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "other", NULL, &other), KNOB_OK);
    assert_int_equal(knob_study_create(st, evil, NULL, &s), KNOB_OK);
    knob_trial *t;
    double y = 1;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_set_user_attr(t, "k'; --", "\"v'); DROP TABLE x; --\""), 0);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_study_summary *list;
    size_t n;
    assert_int_equal(knob_storage_studies(st, &list, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[1].name, evil);
    assert_int_equal(list[1].n_trials, 1);
    knob_study_free(s);
    knob_study_free(other);
    knob_storage_close(st);
}

/* A worker killed with SIGKILL mid-trial: another worker fails the trial after the
 * grace period and runs it again. */
static void killed_worker_is_retried(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_study_options o = {.heartbeat_interval = 0.1, .grace_period = 0.5, .max_retry = 1};
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        knob_storage *st;
        knob_study *s;
        knob_trial *t;
        double x;
        if (knob_storage_open(u, &st) || knob_study_create(st, "kill", &o, &s) ||
            knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
            _exit(2);
        raise(SIGKILL);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    struct timespec ts = {0, 800000000};
    nanosleep(&ts, NULL);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x, y = 1;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "kill", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
    assert_true(tr[0]->params[0].internal == x);
    assert_string_equal(knob_trial_info_attr(tr[1], "retry_of", true), "0");
    knob_study_free(s);
    knob_storage_close(st);
}

/* The server restarts while a worker runs 300 trials: nothing told is lost, nothing is
 * recorded twice. */
static void server_restart_loses_nothing(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    const char *src = getenv("KNOB_SRC");
    if (!src || getenv("KNOB_TEST_PG_NO_RESTART")) {
        print_message("%s: the server is not restarted in this run\n",
                      src ? "KNOB_TEST_PG_NO_RESTART is set" : "KNOB_SRC is not set");
        skip();
    }
    char u[4096], cmd[4300];
    snprintf(u, sizeof u, "%s", url);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(worker(u, "restart", 300, 1, false));
    struct timespec ts = {0, 300000000};
    nanosleep(&ts, NULL);
    snprintf(cmd, sizeof cmd, "bash %s/scripts/pg.sh restart %d", src, url_port(url));
    assert_int_equal(system(cmd), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    knob_storage *st;
    knob_study *s;
    size_t n, complete = 0;
    const knob_trial_info *const *tr = load(u, "restart", &n, &st, &s);
    for (size_t i = 0; i < n; i++)
        complete += tr[i]->state == KNOB_TRIAL_COMPLETE;
    /* A trial created just as the server went away may stay behind as an extra RUNNING
     * row; every one of the 300 tells landed once. */
    assert_int_equal(complete, 300);
    assert_true(n <= 302);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The test schema's knob_trials refuses updates as a read-only server does (SQLSTATE 25006)
 * until the time in ro_until, counting each refusal in the sequence ro_tries: a server that
 * refuses writes though each new session says it may write (SHOW transaction_read_only is
 * off), as a pooler that hands a statement to a standby does. */
static void refuse_updates(PGconn *c)
{
    knob_test_pg_exec(c, "CREATE TABLE ro_until(t float8); INSERT INTO ro_until VALUES (0)");
    knob_test_pg_exec(c, "CREATE SEQUENCE ro_tries");
    knob_test_pg_exec(c, "CREATE FUNCTION ro_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                         "BEGIN IF extract(epoch FROM clock_timestamp()) < (SELECT t FROM "
                         "ro_until) THEN PERFORM nextval('ro_tries'); RAISE EXCEPTION 'cannot "
                         "execute UPDATE in a read-only transaction' USING ERRCODE = '25006'; "
                         "END IF; RETURN NEW; END $$");
    knob_test_pg_exec(c, "CREATE TRIGGER ro BEFORE UPDATE ON knob_trials FOR EACH ROW EXECUTE "
                         "FUNCTION ro_refuse()");
}

/* A write the server refuses as read-only (SQLSTATE 25006: a failover's standby, or an old
 * primary still reached) is waited for as a lost connection is, with backoff, and done once
 * the server takes it; one refused for longer than KNOB_PG_RETRY_SECONDS fails in about that
 * time, saying so. Such a refusal was a storage failure at once: every worker stopped, with
 * its finished trials not saved. */
static void read_only_refusals_are_waited_for(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st, *st2;
    knob_study *s, *s2;
    knob_trial *t, *t2;
    assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "30", 1), 0);
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(setenv("KNOB_PG_RETRY_SECONDS", "1", 1), 0);
    assert_int_equal(knob_storage_open(u, &st2), KNOB_OK);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    assert_int_equal(knob_study_create(st, "ro", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "ro", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_study_ask(s2, &t2), KNOB_OK);
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    refuse_updates(c);
    /* refused for 1.5 s: the tell waits, and is written once */
    knob_test_pg_exec(c, "UPDATE ro_until SET t = extract(epoch FROM clock_timestamp()) + 1.5");
    double y = 1, t0 = seconds();
    int rc = knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1);
    double took = seconds() - t0;
    if (rc)
        fail_msg("the tell failed after %.1f s: %s", took, knob_errmsg());
    assert_true(took >= 1.0);
    PGresult *r = PQexec(c, "SELECT last_value FROM ro_tries");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long tries = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (tries < 2 || tries > 20)
        fail_msg("refused %ld times in %.1f s: not waited for with backoff", tries, took);
    /* refused for good: given up after KNOB_PG_RETRY_SECONDS (1 s here), said */
    knob_test_pg_exec(c, "UPDATE ro_until SET t = extract(epoch FROM clock_timestamp()) + 1000");
    int64_t number = knob_trial_number(t2);
    t0 = seconds();
    rc = knob_study_tell(s2, t2, KNOB_TRIAL_COMPLETE, &y, 1); /* t2 freed whatever the result */
    took = seconds() - t0;
    if (rc != KNOB_ESTORAGE || !strstr(knob_errmsg(), "read-only transaction") ||
        !strstr(knob_errmsg(), "answered so for") || took > 10)
        fail_msg("after %.1f s: %d %s", took, rc, knob_errmsg());
    knob_test_pg_exec(c, "UPDATE ro_until SET t = 0");
    assert_int_equal(knob_study_tell_number(s2, number, KNOB_TRIAL_COMPLETE, &y, 1, NULL), KNOB_OK);
    PQfinish(c);
    size_t n;
    const knob_trial_info *const *tr;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    assert_int_equal(tr[1]->state, KNOB_TRIAL_COMPLETE);
    knob_study_free(s2);
    knob_storage_close(st2);
    knob_study_free(s);
    knob_storage_close(st);
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* Signals (a runner's SIGCHLD) arriving while a worker waits for the server cut its naps
 * short; the time it waits is the clock's, not a count of naps: with 20 s to wait and a
 * signal every 5 ms, a server away for 2 s is waited for. Each signal counted as a whole
 * pause of the backoff, so the 20 s were spent in a fraction of a second. */
static void signals_do_not_shorten_the_wait(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    const char *src = getenv("KNOB_SRC");
    if (!src || getenv("KNOB_TEST_PG_NO_RESTART")) {
        print_message("%s: the server is not restarted in this run\n",
                      src ? "KNOB_TEST_PG_NO_RESTART is set" : "KNOB_SRC is not set");
        skip();
    }
    char u[4096], cmd[4300];
    snprintf(u, sizeof u, "%s", url);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1; /* no SA_RESTART: a nap ends at each signal */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        setenv("KNOB_PG_RETRY_SECONDS", "20", 1);
        if (write(ready[1], "r", 1) != 1)
            _exit(9);
        _exit(worker(u, "signals", 2000, 1, false));
    }
    char r;
    assert_int_equal(read(ready[0], &r, 1), 1);
    pid_t parent = getpid();
    pid_t flood = fork();
    assert_true(flood >= 0);
    if (flood == 0) {
        /* until the worker or this test is gone: a flood left behind by a test that timed
         * out signalled the worker's pid once another process had it (an lr-find test's
         * program, which then hung) */
        struct timespec ts = {0, 5000000};
        while (getppid() == parent && kill(pid, SIGUSR1) == 0)
            nanosleep(&ts, NULL);
        _exit(0);
    }
    struct timespec ts = {0, 300000000};
    nanosleep(&ts, NULL);
    snprintf(
        cmd, sizeof cmd,
        "bash %s/scripts/pg.sh stop %d && sleep 2 && bash %s/scripts/pg.sh start %d >/dev/null",
        src, url_port(url), src, url_port(url));
    assert_int_equal(system(cmd), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    kill(flood, SIGKILL);
    waitpid(flood, NULL, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
}

/* Opening a study beside running workers runs no DDL: a transaction that writes
 * knob_trials (ROW EXCLUSIVE) stays open while another storage opens with lock_timeout 1 s.
 * The schema's CREATE INDEX IF NOT EXISTS took a SHARE lock on knob_trials even when the
 * index existed, which waited for that writer (and blocked every writer behind it). */
static void open_runs_no_ddl_beside_writers(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], timed[4200];
    snprintf(u, sizeof u, "%s", url);
    snprintf(timed, sizeof timed, "%s%%20-clock_timeout%%3D1000", u);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "beside", NULL, &s), KNOB_OK);
    PGconn *writer = PQconnectdb(u);
    assert_int_equal(PQstatus(writer), CONNECTION_OK);
    PGresult *r = PQexec(writer, "BEGIN; LOCK TABLE knob_trials IN ROW EXCLUSIVE MODE");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    knob_storage *st2;
    knob_study *s2;
    knob_trial *t;
    double y = 1;
    int rc = knob_storage_open(timed, &st2);
    if (rc)
        fail_msg("open beside a writer: %s", knob_errmsg());
    assert_int_equal(knob_study_load(st2, "beside", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_ask(s2, &t), KNOB_OK);
    assert_int_equal(knob_study_tell(s2, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    knob_study_free(s2);
    knob_storage_close(st2);
    r = PQexec(writer, "ROLLBACK");
    PQclear(r);
    PQfinish(writer);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A connection prepares a statement by its first use, once: more trials prepare nothing
 * more (opening prepared all 40 statements, where a worker uses 6). A
 * statement whose preparation fails says why. */
static void statements_are_prepared_by_their_first_use(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob__pg_counts a, b, c;
    assert_int_equal(worker(u, "lazy", 5, 1, false), 0); /* creates the study */
    knob__pg_counts_get(&a);
    assert_int_equal(worker(u, "lazy", 10, 2, false), 0);
    knob__pg_counts_get(&b);
    assert_int_equal(worker(u, "lazy", 60, 3, false), 0);
    knob__pg_counts_get(&c);
    int64_t few = b.parses - a.parses, many = c.parses - b.parses;
    assert_true(few > 0);
    assert_true(few <= 10);
    assert_int_equal(many, few);

    PGconn *pc = PQconnectdb(u);
    assert_int_equal(PQstatus(pc), CONNECTION_OK);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "lazy", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_test_pg_exec(pc, "DROP TABLE knob_intermediate");
    PQfinish(pc);
    assert_int_not_equal(knob_trial_report(t, 1, 0.5), KNOB_OK);
    if (!strstr(knob_errmsg(), "knob_intermediate") || !strstr(knob_errmsg(), "does not exist"))
        fail_msg("the message does not say why: %s", knob_errmsg());
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
}

/* What bench/workers prints of the syncs (knob__pg_counts_get): a handle's first read of a
 * study looks for a change, then reads the changes (the trials read, none unfinished);
 * another program's transaction, begun before the trials were written, holds the plain mark
 * back, so the watermark reads pg_locks, and reads past it. */
static void syncs_are_counted(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    PGconn *stranger = knob_test_stranger_begin(u);
    assert_int_equal(worker(u, "counted", 3, 1, false), 0);
    knob_storage *st;
    knob_study *s;
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp;
    knob__pg_counts a, b;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "counted", NULL, &s), KNOB_OK);
    knob__pg_counts_get(&a);
    assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp), KNOB_OK);
    knob__pg_counts_get(&b);
    assert_int_equal(n, 3);
    assert_int_equal(b.looks - a.looks, 1);
    assert_int_equal(b.syncs - a.syncs, 1);
    assert_int_equal(b.lock_reads - a.lock_reads, 1);
    assert_int_equal(b.trials - a.trials, 3); /* the three trials, finished */
    assert_int_equal(b.unfinished - a.unfinished, 0);
    /* read past the stranger: nothing comes again, with no look at pg_locks */
    assert_int_equal(knob_study_trials_since(s, stamp, &got, &n, &stamp), KNOB_OK);
    knob__pg_counts_get(&a);
    assert_int_equal(n, 0);
    assert_int_equal(a.lock_reads, b.lock_reads);
    knob_test_stranger_end(stranger);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A knob write still running (played by a transaction that takes the locks and writes the
 * rows knob's statements do, and stays open) holds the mark back without a look at pg_locks: the
 * sync sees it as the xmax of the study's row (a trial's creation) or of a running trial's row (a
 * report, an attribute, a finish). The first sync may read pg_locks for other transactions on the
 * server (other tests'); the next one starts above them, so the writer is the oldest it sees. The
 * trial it writes comes once it commits. */
static void a_running_knob_write_needs_no_lock_read(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    static const char *const writes[2] = {
        "LOCK knob_trials IN ROW EXCLUSIVE MODE; UPDATE knob_studies SET n_trials = n_trials "
        "WHERE name = 'known'",
        "UPDATE knob_trials SET seq = txid_current() WHERE number = 0"};
    knob_storage *st;
    knob_study *s;
    knob_trial *open, *t;
    double x, y = 1;
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp, held;
    knob__pg_counts a, b;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "known", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &open), KNOB_OK); /* trial 0 stays running */
    for (int w = 0; w < 2; w++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp), KNOB_OK);
        PGconn *writer = PQconnectdb(u);
        assert_int_equal(PQstatus(writer), CONNECTION_OK);
        knob_test_pg_exec(writer, "BEGIN");
        knob_test_pg_exec(writer, writes[w]);
        /* a trial told after the write began: stamped above it */
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_trials_since(s, stamp, &got, &n, &held), KNOB_OK);
        assert_true(n >= 1);
        knob__pg_counts_get(&a);
        assert_int_equal(knob_study_trials_since(s, held, &got, &n, &stamp), KNOB_OK);
        knob__pg_counts_get(&b);
        assert_int_equal(b.syncs - a.syncs, 1);
        assert_int_equal(b.lock_reads, a.lock_reads);
        assert_true(n >= 1); /* the told trial again: the mark is held below the writer */
        assert_true(stamp == held);
        knob_test_pg_exec(writer, "COMMIT");
        PQfinish(writer);
        assert_int_equal(knob_study_trials_since(s, stamp, &got, &n, &stamp), KNOB_OK);
        assert_true(stamp > held);
    }
    assert_int_equal(knob_study_trials(s, &got, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(got[0]->state, KNOB_TRIAL_RUNNING);
    assert_int_equal(got[2]->state, KNOB_TRIAL_COMPLETE);
    knob_trial_detach(open);
    knob_study_free(s);
    knob_storage_close(st);
}

typedef struct report_job {
    knob_trial *t;
    int rc;
} report_job;

static void *report_later(void *arg)
{
    report_job *j = arg;
    j->rc = knob_trial_report(j->t, 1, 0.5);
    return NULL;
}

/* A value reported while another connection finishes the trial (its transaction open) is
 * refused once that commits: the report reads the trial's state under the row's lock. It
 * read the state of the statement's start, and recorded the value into the finished trial. */
static void a_report_beside_a_finish_is_refused(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], sql[256];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "finished_beside", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1.0), KNOB_OK);
    PGconn *finisher = PQconnectdb(u);
    assert_int_equal(PQstatus(finisher), CONNECTION_OK);
    knob_test_pg_exec(finisher, "BEGIN");
    snprintf(sql, sizeof sql,
             "UPDATE knob_trials SET state = %d WHERE number = 0 AND study = (SELECT id FROM "
             "knob_studies WHERE name = 'finished_beside')",
             (int)KNOB_TRIAL_COMPLETE);
    knob_test_pg_exec(finisher, sql);
    report_job job = {t, -1};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, report_later, &job), 0);
    usleep(300000); /* the report waits for the finisher's row lock */
    knob_test_pg_exec(finisher, "COMMIT");
    PQfinish(finisher);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(job.rc, KNOB_ESTATE);
    const knob_trial_info *const *got;
    size_t n;
    assert_int_equal(knob_study_trials(s, &got, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0]->n_intermediate, 1); /* step 0 only */
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Makes study `name` (with `trials` trials, run to completion) and a connection that holds
 * its row lock in an open transaction, as a creation that allots numbers does; *pid is the
 * holder's backend. */
static PGconn *hold_the_study_row(const char *u, const char *name, int trials, int *pid)
{
    char sql[256];
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, name, NULL, &s), KNOB_OK);
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double y = i;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *holder = PQconnectdb(u);
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    knob_test_pg_exec(holder, "BEGIN");
    snprintf(sql, sizeof sql, "UPDATE knob_studies SET n_trials = n_trials WHERE name = '%s'",
             name);
    knob_test_pg_exec(holder, sql);
    PGresult *me = PQexec(holder, "SELECT pg_backend_pid()");
    assert_int_equal(PQresultStatus(me), PGRES_TUPLES_OK);
    *pid = atoi(PQgetvalue(me, 0, 0));
    PQclear(me);
    return holder;
}

/* In the holder's open transaction, takes study `name`'s lowest free number as a creation
 * does (locks and deletes it): a creation still running, or one that will roll back. */
static int64_t hold_a_number(PGconn *holder, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "DELETE FROM knob_free_numbers WHERE (study, number) = (SELECT f.study, f.number "
             "FROM knob_free_numbers f JOIN knob_studies s ON s.id = f.study WHERE s.name = '%s' "
             "ORDER BY f.number LIMIT 1 FOR UPDATE OF f) RETURNING number",
             name);
    PGresult *r = PQexec(holder, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    int64_t number = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return number;
}

/* Waits up to a minute (a loaded machine) for `child` to end; its status, or -1. */
static int wait_a_minute(pid_t child)
{
    int status;
    for (int i = 0; i < 600; i++) {
        pid_t got = waitpid(child, &status, WNOHANG);
        assert_true(got >= 0);
        if (got == child)
            return status;
        usleep(100000);
    }
    return -1;
}

/* A creation waits for no other: with the study's row locked (a creation allotting numbers)
 * and its lowest free number held (a creation running), another worker's two asks and tells
 * end while both are held, taking the numbers after the held one. The held creation then
 * rolls back: the next ask takes its number, so the numbers stay dense. (The code before
 * waited for the study's row at every creation; with the free numbers locked without SKIP
 * LOCKED the asks wait for the held number: either way the worker does not end while they
 * are held.) */
static void a_creator_waits_for_no_other_creator(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    int holder_pid;
    PGconn *holder = hold_the_study_row(u, "nowait", 1, &holder_pid);
    assert_int_equal(hold_a_number(holder, "nowait"), 1);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        double y = 1;
        if (knob_storage_open(u, &st) || knob_study_load(st, "nowait", NULL, &s))
            _exit(2);
        for (int i = 0; i < 2; i++)
            if (knob_study_ask(s, &t) || knob_trial_number(t) != 2 + i ||
                knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1)) {
                fprintf(stderr, "the worker's trial %d: %s\n", i, knob_errmsg());
                _exit(3);
            }
        _exit(0);
    }
    int status = wait_a_minute(child);
    knob_test_pg_exec(holder, "ROLLBACK");
    if (status == -1)
        assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(holder);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed or waited for the holder: status 0x%x", status);
    size_t n;
    double y = 2;
    const knob_trial_info *const *tr = load(u, "nowait", &n, &st, &s);
    assert_int_equal(n, 1); /* the view stops at the hole: trial 1, rolled back */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 1);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* At the cap, a creation waits for one that holds the last free number below it: that one
 * may roll back (a lost connection, a killed worker), and the cap is then not reached. Here
 * it rolls back, and the waiting ask takes its number; the ask after it is past the cap.
 * (Fails with a creation that finds no free number taken as the cap: that ask returns
 * KNOB_EDONE at 2 trials of 3.) */
static void at_the_cap_a_creation_waits_for_a_held_number(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], sql[256];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    int holder_pid;
    PGconn *holder = hold_the_study_row(u, "edge", 2, &holder_pid), *look = PQconnectdb(u);
    knob_test_pg_exec(holder, "ROLLBACK");
    knob_test_pg_exec(holder, "BEGIN");
    assert_int_equal(hold_a_number(holder, "edge"), 2);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        double y = 1;
        knob_study_options o = {.max_trials = 3};
        if (knob_storage_open(u, &st) || knob_study_load(st, "edge", &o, &s))
            _exit(2);
        if (knob_study_ask(s, &t) || knob_trial_number(t) != 2 ||
            knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
            _exit(3);
        _exit(knob_study_ask(s, &t) == KNOB_EDONE ? 0 : 4);
    }
    /* the worker's ask, once it waits for the holder */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE %d = ANY(pg_blocking_pids(pid))",
             holder_pid);
    int waiting = 0;
    for (int i = 0; i < 600 && !waiting && waitpid(child, NULL, WNOHANG) == 0; i++) {
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        waiting = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (!waiting)
            usleep(100000);
    }
    knob_test_pg_exec(holder, "ROLLBACK");
    PQfinish(holder);
    PQfinish(look);
    int status;
    if (waiting)
        assert_int_equal(waitpid(child, &status, 0), child);
    else
        fail_msg("the worker's ask did not wait for the held number");
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    size_t n;
    const knob_trial_info *const *tr = load(u, "edge", &n, &st, &s);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tr[i]->number, (int64_t)i);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Makes a database of this knob's schema look as a knob of schema 4 left it: the params and
 * values out of the trials' rows into their own tables (params at positions 0, 2, 4, ... as
 * such a knob could leave them). */
static void as_schema4(PGconn *c)
{
    knob_test_pg_exec(c, "CREATE TABLE knob_params(trial BIGINT NOT NULL REFERENCES "
                         "knob_trials(id) ON DELETE CASCADE, position INTEGER NOT NULL, name "
                         "TEXT NOT NULL, dist TEXT NOT NULL, internal DOUBLE PRECISION NOT NULL, "
                         "PRIMARY KEY(trial, name))");
    knob_test_pg_exec(c, "CREATE TABLE knob_values(trial BIGINT NOT NULL REFERENCES "
                         "knob_trials(id) ON DELETE CASCADE, idx INTEGER NOT NULL, value DOUBLE "
                         "PRECISION NOT NULL, PRIMARY KEY(trial, idx))");
    knob_test_pg_exec(c, "INSERT INTO knob_params(trial, position, name, dist, internal) SELECT "
                         "t.id, 2 * (p.k - 1), p.name, p.dist, p.internal FROM knob_trials t, "
                         "unnest(t.param_names, t.param_dists, t.param_internals) WITH "
                         "ORDINALITY AS p(name, dist, internal, k)");
    knob_test_pg_exec(c, "INSERT INTO knob_values(trial, idx, value) SELECT t.id, v.k - 1, "
                         "v.value FROM knob_trials t, unnest(t.vals) WITH ORDINALITY AS v(value, "
                         "k)");
    knob_test_pg_exec(c, "ALTER TABLE knob_trials DROP COLUMN param_names, DROP COLUMN "
                         "param_dists, DROP COLUMN param_internals, DROP COLUMN vals");
    knob_test_pg_exec(c, "UPDATE knob_meta SET value = '4' WHERE key = 'schema_version'");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 4 0123456789abcdef'");
}

/* A schema 2 database (its studies' counts are their trials, no free numbers) is upgraded on
 * open: its trials as they were, numbers dense after them, also with workers at once. */
static void schema2_is_upgraded_in_place(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    int holder_pid;
    PGconn *c = hold_the_study_row(u, "two", 3, &holder_pid);
    knob_test_pg_exec(c, "ROLLBACK");
    as_schema4(c);
    /* as a knob of schema 2 left it */
    knob_test_pg_exec(c, "DROP TABLE knob_free_numbers");
    knob_test_pg_exec(c, "UPDATE knob_studies SET n_trials = 3");
    knob_test_pg_exec(c, "UPDATE knob_meta SET value = '2' WHERE key = 'schema_version'");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 2 0123456789abcdef'");
    PQfinish(c);
    run_workers(u, "two", 4, 10, false);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    size_t n;
    const knob_trial_info *const *tr = load(u, "two", &n, &st, &s);
    assert_int_equal(n, 43);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(tr[i]->n_values, 1);
    }
    assert_true(tr[2]->values[0] == 2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Whether `child` waited on a lock held by the backend `holder_pid` before it ended (looked
 * for every 20 ms, for up to a minute); its exit status in *status either way. */
static bool waited_for(pid_t child, PGconn *look, int holder_pid, int *status)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE %d = ANY(pg_blocking_pids(pid))",
             holder_pid);
    bool waited = false;
    for (int i = 0; i < 3000 && !waited; i++) {
        pid_t got = waitpid(child, status, WNOHANG);
        assert_true(got >= 0);
        if (got == child)
            return false;
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        waited = atoi(PQgetvalue(r, 0, 0)) > 0;
        PQclear(r);
        if (!waited)
            usleep(20000);
    }
    return true;
}

/* A creation neither locks nor waits for the study's row while free numbers are left: with
 * the row locked FOR UPDATE by another connection (as a claimed creation, the grid's, locks
 * it), a worker's asks and tells end, and the row is left as the holder had it. (Before
 * schema 4 a trial's foreign key to its study locked that row FOR KEY SHARE at every creation,
 * so every creation of every worker locked the same row; here the asks waited for the
 * holder.) */
static void a_creation_leaves_the_study_row_alone(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    int holder_pid;
    PGconn *holder = hold_the_study_row(u, "alone", 1, &holder_pid), *look = PQconnectdb(u);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    knob_test_pg_exec(holder, "ROLLBACK");
    knob_test_pg_exec(holder, "BEGIN");
    knob_test_pg_exec(holder, "SELECT 1 FROM knob_studies WHERE name = 'alone' FOR UPDATE");
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        double y = 1;
        if (knob_storage_open(u, &st) || knob_study_load(st, "alone", NULL, &s))
            _exit(2);
        for (int i = 0; i < 3; i++)
            if (knob_study_ask(s, &t) || knob_trial_number(t) != 1 + i ||
                knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1)) {
                fprintf(stderr, "the worker's trial %d: %s\n", i, knob_errmsg());
                _exit(3);
            }
        _exit(0);
    }
    int status = 0;
    bool waited = waited_for(child, look, holder_pid, &status);
    knob_test_pg_exec(holder, "ROLLBACK");
    if (waited)
        assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(holder);
    PQfinish(look);
    if (waited)
        fail_msg("the worker's ask waited for the study's row");
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    size_t n;
    const knob_trial_info *const *tr = load(u, "alone", &n, &st, &s);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tr[i]->number, (int64_t)i);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An open that waits for another's schema (on the schema's advisory lock) finds it made and
 * runs no DDL of its own. Here the other open is played by a connection that holds the lock
 * while it moves a finished schema's tables into the empty one; the waiting open had looked
 * before and found no table. (The code before looked knob_meta up in the backend's catalog
 * cache, which still said "no such table" after the wait: it ran the DDL again, rewriting the
 * schema's mark, and beside workers already preparing their statements a DDL statement
 * locking a table ACCESS EXCLUSIVE deadlocked with them.) */
static void an_open_that_waited_runs_no_ddl(void **state)
{
    (void)state;
    static const char *const tables[] = {
        "knob_meta",           "knob_studies",     "knob_study_attrs", "knob_trials",
        "knob_intermediate",   "knob_trial_attrs", "knob_claims",      "knob_snapshots",
        "knob_sampler_states", "knob_free_numbers"};
    char x[4096], y[4096], sql[512];
    snprintf(x, sizeof x, "%s", knob_test_pg_url_or_skip());
    snprintf(y, sizeof y, "%s", knob_test_pg_url_or_skip());
    const char *from = strstr(y, "search_path%3D"), *to = strstr(x, "search_path%3D");
    assert_non_null(from);
    assert_non_null(to);
    from += strlen("search_path%3D");
    to += strlen("search_path%3D");
    knob_storage *st;
    assert_int_equal(knob_storage_open(y, &st), KNOB_OK);
    knob_storage_close(st);
    char mark_xmin[64];
    snprintf(mark_xmin, sizeof mark_xmin, "%s",
             pg_value(y, "SELECT xmin FROM pg_description WHERE objoid = "
                         "'knob_meta'::regclass AND objsubid = 0"));
    PGconn *holder = PQconnectdb(x), *look = PQconnectdb(x);
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    knob_test_pg_exec(holder, "BEGIN");
    knob_test_pg_exec(holder, "SELECT pg_advisory_xact_lock(1802399586)"); /* KNOB_PG_LOCK */
    PGresult *me = PQexec(holder, "SELECT pg_backend_pid()");
    assert_int_equal(PQresultStatus(me), PGRES_TUPLES_OK);
    int holder_pid = atoi(PQgetvalue(me, 0, 0));
    PQclear(me);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        if (knob_storage_open(x, &st)) {
            fprintf(stderr, "the waiting open: %s\n", knob_errmsg());
            _exit(2);
        }
        knob_storage_close(st);
        _exit(0);
    }
    int status = 0;
    if (!waited_for(child, look, holder_pid, &status))
        fail_msg("the open did not wait for the schema's lock (status 0x%x)", status);
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        snprintf(sql, sizeof sql, "ALTER TABLE %.*s.%s SET SCHEMA %.*s", (int)strcspn(from, "&"),
                 from, tables[i], (int)strcspn(to, "&"), to);
        knob_test_pg_exec(holder, sql);
    }
    knob_test_pg_exec(holder, "COMMIT");
    assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(holder);
    PQfinish(look);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the waiting open failed: status 0x%x", status);
    assert_string_equal(pg_value(x, "SELECT xmin FROM pg_description WHERE objoid = "
                                    "'knob_meta'::regclass AND objsubid = 0"),
                        mark_xmin);
}

/* The trials of study `name` as text: number, state, each param (name, kind, bounds, choices,
 * internal value) in order, each value. */
static void trials_text(const char *url, const char *name, knobx_buf *out)
{
    knob_storage *st;
    knob_study *s;
    size_t n;
    const knob_trial_info *const *tr = load(url, name, &n, &st, &s);
    for (size_t i = 0; i < n; i++) {
        knobx_buf_printf(out, "%lld %d:", (long long)tr[i]->number, (int)tr[i]->state);
        for (size_t j = 0; j < tr[i]->n_params; j++) {
            const knob_param *pa = &tr[i]->params[j];
            knobx_buf_printf(out, " %s %d %.17g %.17g %.17g %u %zu", pa->name, (int)pa->dist->kind,
                             pa->dist->low, pa->dist->high, pa->dist->step, pa->dist->flags,
                             pa->dist->n_choices);
            for (size_t k = 0; k < pa->dist->n_choices; k++)
                knobx_buf_printf(out, " %s", pa->dist->choices[k].str);
            knobx_buf_printf(out, " = %.17g", pa->internal);
        }
        knobx_buf_puts(out, " |");
        for (size_t j = 0; j < tr[i]->n_values; j++)
            knobx_buf_printf(out, " %.17g", tr[i]->values[j]);
        knobx_buf_puts(out, "\n");
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A schema 4 database (params and values in tables of their own) is upgraded on open: every
 * trial reads as before (params in the order they were set, with their distributions, and
 * every objective's value; a running trial with params and none), the two tables go, and
 * trials go on from there. */
static void schema4_is_upgraded_in_place(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    static const knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    static const char *const colors[] = {"red", "green \"x\"", "b,l{u}e"};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "four", &o, &s), KNOB_OK);
    for (int i = 0; i < 7; i++) {
        double x, v[2];
        int64_t k;
        size_t c;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 1e-3, 10, 0, KNOB_LOG, &x), KNOB_OK);
        if (i >= 5) /* written while running; the others are added to it */
            assert_int_equal(knob_trial_flush(t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_int(t, "k", 0, 20, 2, 0, &k), KNOB_OK);
        if (i % 2)
            assert_int_equal(knob_trial_suggest_categorical(t, "color", colors, 3, &c), KNOB_OK);
        if (i == 6) {
            assert_int_equal(knob_trial_flush(t), KNOB_OK);
            knob_trial_detach(t);
            break; /* left running, with its params */
        }
        v[0] = x + (double)k;
        v[1] = -x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    }
    assert_int_equal(knob_study_enqueue(s, "{\"k\": 6, \"x\": 0.5}"), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    knobx_buf before = {0}, after = {0};
    trials_text(u, "four", &before);
    assert_non_null(strstr(knobx_buf_cstr(&before), "\n6 0: x 0 "));
    assert_non_null(strstr(knobx_buf_cstr(&before), "\n5 1: x 0 "));
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    as_schema4(c);
    PQfinish(c);
    trials_text(u, "four", &after);
    assert_string_equal(knobx_buf_cstr(&after), knobx_buf_cstr(&before));
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    /* the upgrade's mark, not the schema 4 knob's (which then took the schema for its own and
     * failed on the tables gone, not with "created by a newer knob") */
    assert_string_equal(pg_value(u, "SELECT left(obj_description('knob_meta'::regclass, "
                                    "'pg_class'), 13)"),
                        "knob schema 5");
    assert_string_equal(pg_value(u, "SELECT count(*) FROM pg_class WHERE relname IN "
                                    "('knob_params', 'knob_values') AND relnamespace = "
                                    "current_schema()::regnamespace"),
                        "0");
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "four", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 7);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    knobx_buf_free(&before);
    knobx_buf_free(&after);
}

/* Every trial's params (name, distribution, the bits of the internal value) and values as
 * text, from the tables of schema 4 (`arrays` false: params by position, then name; values
 * by index) or from the rows of schema 5. */
static char *trials_as_rows(const char *url, bool arrays, long long max_id)
{
    char sql[2048];
    const char *text =
        arrays ? "SELECT string_agg(t.number || ':' || (SELECT COALESCE(string_agg(p.n || '=' || "
                 "p.d || '=' || float8send(p.i)::text, ';' ORDER BY p.k), '') FROM "
                 "unnest(t.param_names, t.param_dists, t.param_internals) WITH ORDINALITY AS "
                 "p(n, d, i, k)) || '|' || (SELECT COALESCE(string_agg(float8send(v)::text, ';' "
                 "ORDER BY k), '') FROM unnest(t.vals) WITH ORDINALITY AS u(v, k)), E'\\n' "
                 "ORDER BY t.study, t.number) FROM knob_trials t WHERE t.id <= %lld"
               : "SELECT string_agg(t.number || ':' || (SELECT COALESCE(string_agg(p.name || '=' "
                 "|| p.dist || '=' || float8send(p.internal)::text, ';' ORDER BY p.position, "
                 "p.name), '') FROM knob_params p WHERE p.trial = t.id) || '|' || (SELECT "
                 "COALESCE(string_agg(float8send(v.value)::text, ';' ORDER BY v.idx), '') FROM "
                 "knob_values v WHERE v.trial = t.id), E'\\n' ORDER BY t.study, t.number) FROM "
                 "knob_trials t WHERE t.id <= %lld";
    snprintf(sql, sizeof sql, text, max_id);
    return pg_value(url, sql);
}

/* Rows a knob of schema 4 could leave, upgraded: several studies; params at one position
 * (ordered by name), in reverse order of setting, hundreds on one trial (their arrays
 * stored out of the row); values without params and params without values; values -0, a
 * denormal, 1e308 and NaN. Every trial's params and values move into its row as they were,
 * bit for bit, in the order of schema 4's reads. */
static void schema4_odd_rows_are_upgraded(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    static const knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MAXIMIZE, KNOB_MINIMIZE};
    knob_study_options three = {.directions = dirs, .n_objectives = 3};
    knob_storage *st;
    knob_study *a, *b;
    knob_trial *t;
    double x, v[3] = {-0.0, 4.9406564584124654e-324, 1e308};
    char name[32];
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "odd_a", NULL, &a), KNOB_OK);
    assert_int_equal(knob_study_create(st, "odd_b", &three, &b), KNOB_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(knob_study_ask(a, &t), KNOB_OK);
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "%c,\"%d\"", 'z' - k, i);
            assert_int_equal(knob_trial_suggest_float(t, name, -1, 1, 0, 0, &x), KNOB_OK);
        }
        if (i == 2) {
            assert_int_equal(knob_trial_flush(t), KNOB_OK);
            knob_trial_detach(t);
            break; /* running, params and no values */
        }
        assert_int_equal(knob_study_tell(a, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    }
    assert_int_equal(knob_study_ask(b, &t), KNOB_OK);
    for (int k = 0; k < 300; k++) {
        snprintf(name, sizeof name, "p%03d {%d}", k, k % 7);
        assert_int_equal(knob_trial_suggest_float(t, name, -1e300, 1e300, 0, 0, &x), KNOB_OK);
    }
    assert_int_equal(knob_study_tell(b, t, KNOB_TRIAL_COMPLETE, v, 3), KNOB_OK);
    assert_int_equal(knob_study_ask(b, &t), KNOB_OK); /* values, no params */
    assert_int_equal(knob_study_tell(b, t, KNOB_TRIAL_COMPLETE, v, 3), KNOB_OK);
    knob_study_free(a);
    knob_study_free(b);
    knob_storage_close(st);
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    as_schema4(c);
    knob_test_pg_exec(c, "UPDATE knob_params SET position = 0 WHERE trial = (SELECT t.id FROM "
                         "knob_trials t JOIN knob_studies s ON s.id = t.study WHERE s.name = "
                         "'odd_a' AND t.number = 0)");
    knob_test_pg_exec(c, "UPDATE knob_params SET position = 1000 - position WHERE trial = "
                         "(SELECT t.id FROM knob_trials t JOIN knob_studies s ON s.id = t.study "
                         "WHERE s.name = 'odd_a' AND t.number = 1)");
    knob_test_pg_exec(c, "INSERT INTO knob_values(trial, idx, value) SELECT t.id, 0, 'NaN' FROM "
                         "knob_trials t JOIN knob_studies s ON s.id = t.study WHERE s.name = "
                         "'odd_a' AND t.number = 2");
    PQfinish(c);
    long long max_id = atoll(pg_value(u, "SELECT max(id) FROM knob_trials"));
    static char before[1 << 20];
    snprintf(before, sizeof before, "%s", trials_as_rows(u, false, max_id));
    assert_true(strlen(before) > 300 * 40);
    assert_memory_equal(before, "0:w,\"0\"=", 7);              /* one position: by name */
    assert_non_null(strstr(before, "\n1:w,\"1\"="));           /* positions reversed */
    assert_non_null(strstr(before, "\n2:z,\"2\"="));           /* as set */
    assert_non_null(strstr(before, "|\\x7ff8000000000000\n")); /* trial 2's NaN */
    assert_non_null(strstr(before, "\n1:|\\x8000000000000000;\\x0000000000000001;"));
    /* three workers open it at once: one upgrades it, the others wait, then all go on */
    run_workers(u, "odd_a", 3, 2, false);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    assert_string_equal(trials_as_rows(u, true, max_id), before);
    assert_string_equal(pg_value(u, "SELECT count(*) FROM knob_trials t JOIN knob_studies s ON "
                                    "s.id = t.study WHERE s.name = 'odd_a' AND t.state = 1 AND "
                                    "cardinality(t.param_names) = 1 AND cardinality(t.vals) = 1"),
                        "6");
}

/* A database of schema 4 (as_schema4) holding study `name` with one complete trial, whose
 * value and param x are *x; the connection made for it, to go on with. */
static PGconn *schema4_with_one_trial(const char *u, const char *name, double *x)
{
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, name, NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    as_schema4(c);
    return c;
}

/* An upgrade the server refuses (here a view of the user's over knob_params, which the
 * upgrade would drop) fails the open with the server's reason in the message, not only the
 * upgrade's statement (1,500 characters, which left the reason out of the message), and
 * changes nothing: the database stays at schema 4 until the view is gone. */
static void a_refused_upgrade_says_why(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    knob_storage *st;
    knob_study *s;
    double x;
    PGconn *c = schema4_with_one_trial(u, "viewed", &x);
    knob_test_pg_exec(c, "CREATE VIEW params_report AS SELECT name, internal FROM knob_params");
    assert_int_not_equal(knob_storage_open(u, &st), KNOB_OK);
    const char *msg = knob_errmsg();
    if (!strstr(msg, "cannot drop table knob_params because other objects depend on it") ||
        !strstr(msg, "params_report"))
        fail_msg("the message does not say why: %s", msg);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "4");
    assert_string_equal(pg_value(u, "SELECT count(*) FROM knob_params"), "1");
    knob_test_pg_exec(c, "DROP VIEW params_report");
    PQfinish(c);
    size_t n;
    const knob_trial_info *const *tr = load(u, "viewed", &n, &st, &s);
    assert_int_equal(n, 1);
    assert_true(tr[0]->values[0] == x && tr[0]->params[0].internal == x);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A worker of schema 4 that still writes while a newer knob opens the database: its
 * transaction holds knob_params and then asks for knob_trials, which the upgrade has locked
 * while it waits to drop knob_params. The server ends the upgrade for the deadlock (it waited
 * first, so its check runs first); the open tries again once the writer is through and
 * upgrades the database, and the writer's work stands. */
static void an_upgrade_ended_by_a_deadlock_is_tried_again(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    knob_storage *st;
    knob_study *s;
    double x;
    PGconn *c = schema4_with_one_trial(u, "raced", &x);
    knob_test_pg_exec(c, "BEGIN");
    knob_test_pg_exec(c, "LOCK TABLE knob_params IN ROW EXCLUSIVE MODE");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (knob_storage_open(u, &st)) {
            fprintf(stderr, "the upgrading open failed: %s\n", knob_errmsg());
            _exit(1);
        }
        knob_storage_close(st);
        _exit(0);
    }
    /* until the upgrade waits for the writer's lock on knob_params */
    bool waiting = false;
    for (int i = 0; i < 600 && !waiting; i++) {
        waiting = !strcmp(pg_value(u, "SELECT count(*) FROM pg_stat_activity WHERE "
                                      "wait_event = 'relation' AND query LIKE 'DO $$BEGIN IF "
                                      "EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relname "
                                      "= ''knob_params''%'"),
                          "1");
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
    if (!waiting) {
        PQfinish(c);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("the upgrade did not wait for the writer's lock on knob_params");
    }
    /* the writer's next statement needs knob_trials: granted once the upgrade is undone */
    knob_test_pg_exec(c, "LOCK TABLE knob_trials IN ROW EXCLUSIVE MODE");
    knob_test_pg_exec(c, "INSERT INTO knob_meta(key, value) VALUES('writer', 'done')");
    knob_test_pg_exec(c, "COMMIT");
    PQfinish(c);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'writer'"), "done");
    size_t n;
    const knob_trial_info *const *tr = load(u, "raced", &n, &st, &s);
    assert_int_equal(n, 1);
    assert_true(tr[0]->values[0] == x && tr[0]->params[0].internal == x);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A schema 3 database (trials and free numbers with foreign keys to their study) is upgraded
 * on open: the keys go, its trials stay, numbers stay dense after them, also with workers at
 * once; a study deleted then takes its trials and free numbers with it. */
static void schema3_is_upgraded_in_place(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    int holder_pid;
    PGconn *c = hold_the_study_row(u, "three", 3, &holder_pid);
    knob_test_pg_exec(c, "ROLLBACK");
    as_schema4(c);
    /* as a knob of schema 3 left it (a knob of schema 3 has the keys already) */
    knob_test_pg_exec(c,
                      "ALTER TABLE knob_trials DROP CONSTRAINT IF EXISTS knob_trials_study_fkey");
    knob_test_pg_exec(c, "ALTER TABLE knob_free_numbers DROP CONSTRAINT IF EXISTS "
                         "knob_free_numbers_study_fkey");
    knob_test_pg_exec(c, "ALTER TABLE knob_trials ADD CONSTRAINT knob_trials_study_fkey FOREIGN "
                         "KEY (study) REFERENCES knob_studies(id) ON DELETE CASCADE");
    knob_test_pg_exec(c, "ALTER TABLE knob_free_numbers ADD CONSTRAINT "
                         "knob_free_numbers_study_fkey FOREIGN KEY (study) REFERENCES "
                         "knob_studies(id) ON DELETE CASCADE");
    knob_test_pg_exec(c, "UPDATE knob_meta SET value = '3' WHERE key = 'schema_version'");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 3 0123456789abcdef'");
    PQfinish(c);
    run_workers(u, "three", 4, 10, false);
    assert_string_equal(pg_value(u, "SELECT value FROM knob_meta WHERE key = 'schema_version'"),
                        "5");
    assert_string_equal(pg_value(u, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND "
                                    "confrelid = 'knob_studies'::regclass AND conrelid IN "
                                    "('knob_trials'::regclass, 'knob_free_numbers'::regclass)"),
                        "0");
    size_t n;
    const knob_trial_info *const *tr = load(u, "three", &n, &st, &s);
    assert_int_equal(n, 43);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr[i]->number, (int64_t)i);
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(tr[i]->n_values, 1);
    }
    knob_study_free(s);
    assert_int_equal(knob_storage_delete_study(st, "three"), KNOB_OK);
    knob_storage_close(st);
    assert_string_equal(pg_value(u, "SELECT (SELECT count(*) FROM knob_trials) + (SELECT "
                                    "count(*) FROM knob_free_numbers) + (SELECT count(*) FROM "
                                    "knob_intermediate) + (SELECT count(*) FROM knob_trial_attrs)"),
                        "0");
}

/* A worker of deleting_a_study_beside_creators: asks and tells until its study is gone (5000
 * trials at most). */
static int create_until_gone(const char *url, int seed, int ready_fd)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create("random", opts, &sp))
        return 2;
    knob_study_options o = {.sampler = sp};
    if (knob_study_load(st, "doomed", &o, &s))
        return 3;
    int rc = KNOB_OK;
    for (int i = 0; !rc; i++) {
        if (i == 5000)
            return 5; /* the study was not deleted */
        knob_trial *t;
        double x = 0, y = 0;
        rc = knob_study_ask(s, &t);
        if (!rc)
            rc = knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x);
        if (!rc && i % 2) /* params written while running, and more with the finish */
            rc = knob_trial_flush(t);
        if (!rc)
            rc = knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y);
        if (!rc)
            rc = knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1);
        if (!rc && i == 0 && write(ready_fd, "r", 1) != 1) /* its first trial is told */
            return 6;
    }
    return rc == KNOB_ENOTFOUND ? 0 : 4;
}

/* A study deleted while 4 workers create and finish its trials, writing params while they
 * run and with their finish, leaves nothing behind: no trial, free number, param or value
 * of it (its rows are deleted by its deletion, not by foreign keys to its row), and each
 * worker stops with "not found". (Before schema 4 the deletion deadlocked with a creation:
 * the deletion held the study's row and waited for the free number the creation held, and
 * the creation's foreign-key check waited for the row.) */
static void deleting_a_study_beside_creators(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "doomed", NULL, &s), KNOB_OK);
    knob_study_free(s);
    pid_t kids[4];
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    for (int w = 0; w < 4; w++) {
        kids[w] = fork();
        assert_true(kids[w] >= 0);
        if (kids[w] == 0) {
            close(ready[0]);
            int rc = create_until_gone(u, w + 1, ready[1]);
            if (rc)
                fprintf(stderr, "worker %d: step %d: %s\n", w, rc, knob_errmsg());
            _exit(rc);
        }
    }
    /* until every worker told a trial (a slow start, under a sanitizer, found the study
     * deleted already), then until they made 200 trials (a minute at most) */
    close(ready[1]);
    char b[4];
    for (size_t got = 0; got < sizeof b;) {
        ssize_t r = read(ready[0], b + got, sizeof b - got);
        if (r <= 0)
            fail_msg("a worker ended before its first trial");
        got += (size_t)r;
    }
    close(ready[0]);
    for (int i = 0; i < 600 && atoi(pg_value(u, "SELECT count(*) FROM knob_trials")) < 200; i++)
        usleep(100000);
    assert_int_equal(knob_storage_delete_study(st, "doomed"), KNOB_OK);
    knob_storage_close(st);
    for (int w = 0; w < 4; w++) {
        int status;
        assert_int_equal(waitpid(kids[w], &status, 0), kids[w]);
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            fail_msg("worker %d ended with status 0x%x", w, status);
    }
    assert_string_equal(pg_value(u, "SELECT (SELECT count(*) FROM knob_trials) + (SELECT "
                                    "count(*) FROM knob_free_numbers) + (SELECT count(*) FROM "
                                    "knob_intermediate) + (SELECT count(*) FROM knob_trial_attrs)"),
                        "0");
}

/* The backend of a connection waiting for a lock `holder_pid` holds, other than `other` (0:
 * any), once there is one (a minute at most on a loaded machine); 0 if none came. */
static int waiting_for(PGconn *look, int holder_pid, int other)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pid FROM pg_stat_activity WHERE %d = ANY(pg_blocking_pids(pid)) AND pid <> %d",
             holder_pid, other);
    for (int i = 0; i < 600; i++) {
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        int pid = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
        PQclear(r);
        if (pid)
            return pid;
        usleep(100000);
    }
    return 0;
}

/* An ask whose connection was ended while it waited for the study's row (held by another
 * transaction) is retried, and the retry's write waits for that row as long as it is held: the
 * token wait's lock_timeout (here 2 s, KNOB_PG_RETRY_SECONDS) ends with the token's lock. It
 * stayed set for the rest of the retry's transaction, and the write failed when the row was held
 * longer ("canceling statement due to lock timeout"; at 30 s by default, which
 * a_failed_pipeline_leaves_the_connection_usable met when the retry waited for the row again
 * before the test let it go). */
static void a_retry_waits_for_a_row_past_its_token_wait(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], sql[128];
    snprintf(u, sizeof u, "%s", url);
    int holder_pid;
    PGconn *holder = hold_the_study_row(u, "patient", 0, &holder_pid), *look = PQconnectdb(u);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_storage *st;
        knob_study *s;
        knob_trial *t;
        double y = 1;
        setenv("KNOB_PG_RETRY_SECONDS", "2", 1);
        if (knob_storage_open(u, &st) || knob_study_load(st, "patient", NULL, &s))
            _exit(2);
        if (knob_study_ask(s, &t) || knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1)) {
            fprintf(stderr, "the retry: %s\n", knob_errmsg());
            _exit(5);
        }
        _exit(0);
    }
    int first = waiting_for(look, holder_pid, 0);
    assert_true(first > 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", first);
    knob_test_pg_exec(look, sql);
    assert_true(waiting_for(look, holder_pid, first) > 0); /* the retry's write */
    /* the row held twice the token wait's limit */
    sleep(4);
    knob_test_pg_exec(holder, "COMMIT");
    int status = wait_a_minute(child);
    PQfinish(holder);
    PQfinish(look);
    if (status != 0)
        fail_msg("the worker failed or did not end: status 0x%x", status);
}

/* A query that fails inside a pipeline while the connection lives on (here the first
 * creation's wait for the study's row, to allot numbers, ended) aborts the queries after it: the
 * pipeline must still be read to its end and left, or every later operation of that worker fails
 * ("cannot exit pipeline mode while busy"). The failed ask reports the cancel; the next ask
 * and tell on the same storage succeed. */
static void a_failed_pipeline_leaves_the_connection_usable(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], sql[256];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_study *s;
    int holder_pid;
    PGconn *holder = hold_the_study_row(u, "cancel", 0, &holder_pid), *look = PQconnectdb(u);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_trial *t;
        double y = 1;
        if (knob_storage_open(u, &st) || knob_study_load(st, "cancel", NULL, &s))
            _exit(2);
        if (knob_study_ask(s, &t) || knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1)) {
            fprintf(stderr, "after the cancel: %s\n", knob_errmsg());
            _exit(5);
        }
        _exit(0);
    }
    /* cancel the worker's wait once it waits (up to a minute on a loaded machine), then let
     * the holder go only after the wait has ended */
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE %d = "
             "ANY(pg_blocking_pids(pid))",
             holder_pid);
    int cancelled = 0;
    for (int i = 0; i < 600 && !cancelled; i++) {
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        cancelled = PQntuples(r);
        PQclear(r);
        if (!cancelled)
            usleep(100000);
    }
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE %d = ANY(pg_blocking_pids(pid))",
             holder_pid);
    for (int i = 0, still = 1; i < 600 && still; i++) {
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        still = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (still)
            usleep(100000);
    }
    knob_test_pg_exec(holder, "COMMIT");
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(holder);
    PQfinish(look);
    assert_int_equal(cancelled, 1);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    size_t n;
    const knob_trial_info *const *tr = load(u, "cancel", &n, &st, &s);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->state, KNOB_TRIAL_COMPLETE);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The server ends a worker's idle connection (a restart, an administrator): the message
 * waits unread on the socket, and the next operation, a pipeline, meets it. That operation
 * and every one after it work (the connection comes back), and nothing is lost. */
static void an_idle_connection_ended_by_the_server_comes_back(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], sql[256], app[64];
    snprintf(app, sizeof app, "knob_ended_%d", (int)getpid());
    snprintf(u, sizeof u, "%s&application_name=%s", url, app);
    PGconn *look = PQconnectdb(url);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    int to_parent[2], to_child[2];
    assert_int_equal(pipe(to_parent), 0);
    assert_int_equal(pipe(to_child), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_storage *st;
        knob_study *s;
        knob_trial *t;
        double y = 1;
        char go;
        if (knob_storage_open(u, &st) || knob_study_create(st, "ended", NULL, &s))
            _exit(2);
        for (int i = 0; i < 3; i++) {
            if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &go, 1) != 1)
                _exit(3);
            if (knob_study_ask(s, &t) || knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1)) {
                fprintf(stderr, "ask/tell %d after the end: %s\n", i, knob_errmsg());
                _exit(4);
            }
        }
        knob_study_free(s);
        knob_storage_close(st);
        _exit(0);
    }
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
             "'%s' AND state = 'idle'",
             app);
    char ready;
    int ended = 0;
    for (int i = 0; i < 3 && read(to_parent[0], &ready, 1) == 1; i++) {
        PGresult *r = PQexec(look, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        ended += PQntuples(r) > 0;
        PQclear(r);
        usleep(100000); /* the FATAL message reaches the worker's socket */
        assert_int_equal(write(to_child[1], "g", 1), 1);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(look);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    assert_int_equal(ended, 3);
    knob_storage *st;
    knob_study *s;
    size_t n;
    const knob_trial_info *const *tr = load(url, "ended", &n, &st, &s);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tr[i]->state, KNOB_TRIAL_COMPLETE);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A worker's connection ended by the server again and again while it writes params (three
 * flushed while running, two more with the finish) and finishes trials: every write is
 * retried, and each told trial holds each of its params once, in the order set, with its
 * value; each of the 120 tells landed once. */
static void ended_connections_write_each_param_once(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    static const char *const names[5] = {"a", "NULL", "c,\"d\"", "{e}", "f\\g"};
    char u[4096], sql[256], app[64];
    snprintf(app, sizeof app, "knob_cut_%d", (int)getpid());
    snprintf(u, sizeof u, "%s&application_name=%s", url, app);
    PGconn *look = PQconnectdb(url);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_storage *st;
        knob_study *s;
        if (knob_storage_open(u, &st) || knob_study_create(st, "cut", NULL, &s) ||
            write(ready[1], "r", 1) != 1)
            _exit(2);
        for (int i = 0; i < 120; i++) {
            knob_trial *t;
            double x[5];
            if (knob_study_ask(s, &t))
                _exit(3);
            for (int k = 0; k < 5; k++) {
                if (knob_trial_suggest_float(t, names[k], -1, 1, 0, 0, &x[k]))
                    _exit(4);
                if (k == 2 && knob_trial_flush(t)) {
                    fprintf(stderr, "flush %d: %s\n", i, knob_errmsg());
                    _exit(5);
                }
            }
            if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x[4], 1)) {
                fprintf(stderr, "tell %d: %s\n", i, knob_errmsg());
                _exit(6);
            }
        }
        knob_study_free(s);
        knob_storage_close(st);
        _exit(0);
    }
    char r;
    assert_int_equal(read(ready[0], &r, 1), 1);
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
             "'%s'",
             app);
    int status, ended = 0;
    while (waitpid(child, &status, WNOHANG) == 0) {
        PGresult *res = PQexec(look, sql);
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        ended += PQntuples(res);
        PQclear(res);
        usleep(ended < 40 ? 40000 : 200000);
    }
    PQfinish(look);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the worker failed with status 0x%x", status);
    print_message("%d connections ended\n", ended);
    knob_storage *st;
    knob_study *s;
    size_t n, complete = 0;
    const knob_trial_info *const *tr = load(url, "cut", &n, &st, &s);
    for (size_t i = 0; i < n; i++) {
        if (tr[i]->state != KNOB_TRIAL_COMPLETE) {
            assert_int_equal(tr[i]->state, KNOB_TRIAL_RUNNING); /* created as its reply was lost */
            continue;
        }
        complete++;
        assert_int_equal(tr[i]->n_params, 5);
        for (size_t k = 0; k < 5; k++)
            assert_string_equal(tr[i]->params[k].name, names[k]);
        assert_int_equal(tr[i]->n_values, 1);
        assert_true(tr[i]->values[0] == tr[i]->params[4].internal);
    }
    assert_int_equal(complete, 120);
    knob_study_free(s);
    knob_storage_close(st);
}

/* ------------------------------------------------ a proxy that cuts a creation's connection */

/* How the proxy cuts the next statement that writes a trial's token (mark_of: the
 * statement's first use on its connection, where it is parsed):
 *   CUT_BEFORE_COMMIT      its pipeline's Sync goes on as a Flush, and the connection is cut
 *                          after its result: the server commits nothing;
 *   CUT_AFTER_COMMIT       the server commits, and the client's connection is cut before it
 *                          reads a byte of the reply (a creation's insert);
 *   CUT_TAKE_AFTER_COMMIT  the same for a take of a waiting trial;
 *   CUT_CLAIM_AFTER_COMMIT the same for knob_study_claim's claim;
 *   CUT_STUDY_AFTER_COMMIT the same for a study's creation;
 *   CUT_FINISH_AFTER_COMMIT the same for a trial's finish;
 *   CUT_TAKE_IN_FLIGHT     a take runs on the server and is not committed (its Sync goes on
 *                          as a Flush); after its result the client's connection is cut and
 *                          the server's kept, the attempt still running there (as when the
 *                          server has not noticed a connection's end yet). Its Sync is sent
 *                          once another connection (the client's retry) sends the same
 *                          statement, right after it: the server then commits the take
 *                          beside the retry's, unless its session was ended before;
 *   CUT_CLAIMED_IN_FLIGHT  the same for a claimed creation;
 *   CUT_TAKE_LATE          a statement that may take a waiting trial is kept from the server
 *                          (its messages from its Parse to its Sync), the client's
 *                          connection cut at its Sync; once another connection (the client's
 *                          retry) has taken the token's lock and then ended its transaction,
 *                          the kept messages go to the server, which runs the first attempt
 *                          after its retry committed (as a packet delayed in the network).
 * A statement armed with the mode (proxy_arm_then) is run, on a connection of the proxy's
 * own, once the cut is made and before another client's byte is read; with CUT_TAKE_LATE in
 * a transaction kept open until the kept messages go (so a row it writes stays locked for
 * the retry, and is free again for the first attempt). */
#define CUT_BEFORE_COMMIT 'a'
#define CUT_AFTER_COMMIT 'b'
#define CUT_TAKE_AFTER_COMMIT 'c'
#define CUT_CLAIM_AFTER_COMMIT 'd'
#define CUT_TAKE_IN_FLIGHT 'e'
#define CUT_CLAIMED_IN_FLIGHT 'f'
#define CUT_TAKE_LATE 'g'
#define CUT_STUDY_AFTER_COMMIT 'h'
#define CUT_FINISH_AFTER_COMMIT 'i'

static bool in_flight(char mode)
{
    return mode == CUT_TAKE_IN_FLIGHT || mode == CUT_CLAIMED_IN_FLIGHT;
}

/* Text of the statement a mode cuts. */
static const char *mark_of(char mode)
{
    switch (mode) {
    case CUT_TAKE_AFTER_COMMIT:
    case CUT_TAKE_IN_FLIGHT:
    case CUT_TAKE_LATE:
        return "SET state = 0, start_time";
    case CUT_CLAIM_AFTER_COMMIT:
        return "INSERT INTO knob_claims(study, key, trial) VALUES";
    case CUT_CLAIMED_IN_FLIGHT:
        return "INSERT INTO knob_claims(study, key, trial) SELECT";
    case CUT_STUDY_AFTER_COMMIT:
        return "INSERT INTO knob_studies(";
    case CUT_FINISH_AFTER_COMMIT:
        return "vals = $5::float8[]";
    default:
        return "INSERT INTO knob_trials(";
    }
}

/* Text of the statement whose Parse on another relay commits the statement a mode keeps in
 * flight (r->saw): the lock of a token, which the retry takes before it looks for its token
 * (and which its write takes too, so a retry that does not wait sends it as well). */
static const char *watch_of(char mode)
{
    (void)mode;
    return "advisory_xact_lock('knob_trials'";
}

/* One client's connection through the proxy: bytes read but not yet passed on, each way. */
typedef struct relay {
    int client, server;
    unsigned char up[1 << 16], down[1 << 16];
    size_t n_up, n_down;
    bool started;  /* the client's startup message (untyped) was passed on */
    bool cutting;  /* the client's pipeline runs the cut statement uncommitted */
    bool flushed;  /* its Sync went on as a Flush: the next CommandComplete ends the relay */
    bool inflight; /* ... or the client's end alone, the server's kept (an _IN_FLIGHT mode) */
    bool holding;  /* the cut statement commits (_AFTER_COMMIT): replies wait for their end */
    bool saw;      /* a Parse of the statement kept in flight on another relay went on */
    bool ended;    /* ... and then a ReadyForQuery outside a transaction came back */
    bool late;     /* the cut statement's messages are kept from the server (CUT_TAKE_LATE) */
    bool kept;     /* ... up to its Sync: the client's connection was closed */
    unsigned char held[1 << 16]; /* the messages kept */
    size_t n_held;
} relay;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool send_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return false;
        p += w, n -= (size_t)w;
    }
    return true;
}

static bool holds(const unsigned char *m, size_t len, const char *text)
{
    size_t k = strlen(text);
    for (size_t i = 0; i + k <= len; i++)
        if (!memcmp(m + i, text, k))
            return true;
    return false;
}

static void relay_close(relay *r)
{
    if (r->client >= 0)
        close(r->client);
    close(r->server);
    r->client = r->server = -1;
}

/* Passes the client's whole messages on; when `armed` (a CUT_ mode), a Parse of the statement
 * it cuts marks the relay: before the commit (and in flight), its pipeline's Sync goes on as
 * a Flush (the server sends the results so far and commits nothing); after it, the server's
 * replies are held (relay_down). A Parse of `watch` (the statement kept in flight on another
 * relay, or NULL) sets r->saw. False when the relay ended. */
static bool relay_up(relay *r, char armed, const char *watch)
{
    size_t at = 0;
    for (;;) {
        size_t head = r->started ? 5 : 4;
        if (r->n_up - at < head)
            break;
        size_t len = (r->started ? 1 : 0) + be32(r->up + at + (r->started ? 1 : 0));
        if (r->n_up - at < len)
            break;
        unsigned char *m = r->up + at;
        if (r->started && armed && m[0] == 'P' && holds(m, len, mark_of(armed))) {
            r->late = armed == CUT_TAKE_LATE;
            r->cutting = armed == CUT_BEFORE_COMMIT || in_flight(armed);
            r->inflight = in_flight(armed);
            r->holding = !r->cutting && !r->late;
        }
        if (r->started && watch && m[0] == 'P' && holds(m, len, watch))
            r->saw = true;
        if (r->late) { /* kept, and the client's end closed at the Sync */
            if (r->n_held + len > sizeof r->held)
                return false;
            memcpy(r->held + r->n_held, m, len);
            r->n_held += len;
            at += len;
            if (m[0] == 'S') {
                r->late = false;
                r->kept = true;
                close(r->client);
                r->client = -1;
                r->n_up = 0;
                return true;
            }
            continue;
        }
        if (r->started && r->cutting && m[0] == 'S') {
            m[0] = 'H';
            r->flushed = true;
        }
        if (!send_all(r->server, m, len))
            return false;
        r->started = true;
        at += len;
    }
    memmove(r->up, r->up + at, r->n_up - at);
    r->n_up -= at;
    return true;
}

/* Passes the server's whole messages on; after a flushed pipeline's CommandComplete both
 * connections are closed (*cut set), or the client's alone when in flight (the server's
 * attempt is kept running). While holding, the replies up to a ReadyForQuery are kept back:
 * passed on when it says a transaction is still open (an explicit one, whose COMMIT is still
 * to come), and never when it says none is (the creation committed): then both connections
 * are closed (*cut set). False when the relay ended. */
static bool relay_down(relay *r, bool *cut)
{
    size_t at = 0, sent = 0;
    while (r->n_down - at >= 5) {
        size_t len = 1 + be32(r->down + at + 1);
        if (r->n_down - at < len)
            break;
        unsigned char type = r->down[at];
        at += len;
        if (r->saw && type == 'Z' && r->down[at - 1] == 'I')
            r->ended = true;
        if (r->holding && type == 'Z' && r->down[at - 1] == 'I') {
            *cut = true;
            return false;
        }
        if ((!r->holding || type == 'Z') && !send_all(r->client, r->down + sent, at - sent))
            return false;
        if (!r->holding || type == 'Z')
            sent = at;
        if (r->flushed && type == 'C' && r->inflight) {
            close(r->client);
            r->client = -1;
            r->n_down = 0;
            *cut = true;
            return true;
        }
        if (r->flushed && type == 'C') {
            /* the server's end first: it reads the end of its input, rolls back and closes
             * (10 s at most), before the client sees its connection gone and tries again */
            shutdown(r->server, SHUT_WR);
            char sink[512];
            struct pollfd p = {.fd = r->server, .events = POLLIN};
            while (poll(&p, 1, 10000) == 1 && read(r->server, sink, sizeof sink) > 0)
                ;
            *cut = true;
            return false;
        }
    }
    memmove(r->down, r->down + sent, r->n_down - sent);
    r->n_down -= sent;
    return true;
}

/* Sends the Sync of a statement kept in flight (relay_down) and waits (10 s at most) for the
 * server's ReadyForQuery, or its end: the statement committed, or its session was ended. */
static void commit_in_flight(relay *r)
{
    static const unsigned char sync[5] = {'S', 0, 0, 0, 4};
    unsigned char buf[512];
    struct pollfd p = {.fd = r->server, .events = POLLIN};
    ssize_t got = 1;
    if (send_all(r->server, sync, sizeof sync))
        while (poll(&p, 1, 10000) == 1 && (got = read(r->server, buf, sizeof buf)) > 0 &&
               !memchr(buf, 'Z', (size_t)got))
            ;
}

/* Sends the messages kept from the server (CUT_TAKE_LATE) and waits (10 s at most) for its
 * ReadyForQuery, or its end: the first attempt ran after its retry. */
static void send_late(relay *r)
{
    unsigned char buf[512];
    struct pollfd p = {.fd = r->server, .events = POLLIN};
    ssize_t got = 1;
    if (send_all(r->server, r->held, r->n_held))
        while (poll(&p, 1, 10000) == 1 && (got = read(r->server, buf, sizeof buf)) > 0 &&
               !memchr(buf, 'Z', (size_t)got))
            ;
}

/* Runs `sql` (when not empty) on a connection of its own to `url`: committed, or with
 * `open`, in a transaction left open on the connection returned (else NULL); the proxy ends
 * when it fails. */
static PGconn *proxy_run(const char *url, const char *sql, bool open)
{
    if (!sql[0])
        return NULL;
    PGconn *c = PQconnectdb(url);
    if (open)
        PQclear(PQexec(c, "BEGIN"));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "proxy: %s: %s\n", sql, PQerrorMessage(c));
        _exit(15);
    }
    PQclear(r);
    if (open)
        return c;
    PQfinish(c);
    return NULL;
}

/* The proxy (a child process): accepts clients at `lfd` and connects each to the server at
 * `to` (`url` names the server too, for the statement to run after a cut); a CUT_ mode byte
 * and a statement ending with a zero byte on `ctl` arm it (answered with 'a' on `ack`), and
 * the first statement that it cuts after that is cut so (answered with 'c'). */
static void proxy_loop(int lfd, const struct sockaddr_in *to, int ctl, int ack, const char *url)
{
    relay *rs[8] = {0};
    char armed = 0, then[1024] = "";
    int held = -1; /* the relay whose statement is kept in flight */
    const char *watch = NULL;
    PGconn *open = NULL; /* the transaction of a CUT_TAKE_LATE's statement, kept open */
    for (;;) {
        struct pollfd p[2 + 16];
        p[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        p[1] = (struct pollfd){.fd = ctl, .events = POLLIN};
        for (int i = 0; i < 8; i++) {
            p[2 + 2 * i] = (struct pollfd){.fd = rs[i] ? rs[i]->client : -1, .events = POLLIN};
            p[3 + 2 * i] = (struct pollfd){.fd = rs[i] ? rs[i]->server : -1, .events = POLLIN};
        }
        if (poll(p, 18, -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(10);
        }
        if (p[1].revents) {
            char c;
            if (read(ctl, &c, 1) != 1)
                _exit(0); /* the test is done */
            armed = c;
            for (size_t n = 0; n + 1 < sizeof then && read(ctl, then + n, 1) == 1 && then[n];)
                n++;
            if (write(ack, "a", 1) != 1)
                _exit(11);
        }
        if (p[0].revents & POLLIN) {
            int c = accept(lfd, NULL, NULL), s = socket(AF_INET, SOCK_STREAM, 0);
            int slot = 0;
            while (slot < 8 && rs[slot])
                slot++;
            if (c < 0 || s < 0 || slot == 8 ||
                connect(s, (const struct sockaddr *)to, sizeof *to) != 0)
                _exit(12);
            rs[slot] = calloc(1, sizeof *rs[slot]);
            if (!rs[slot])
                _exit(13);
            rs[slot]->client = c;
            rs[slot]->server = s;
        }
        for (int i = 0; i < 8; i++) {
            relay *r = rs[i];
            if (!r)
                continue;
            bool live = true, cut = false;
            if (p[2 + 2 * i].revents) {
                ssize_t got = read(r->client, r->up + r->n_up, sizeof r->up - r->n_up);
                live = got > 0 &&
                       (r->n_up += (size_t)got, relay_up(r, armed, held >= 0 ? watch : NULL));
                cut = live && r->kept && armed;
            }
            if (live && p[3 + 2 * i].revents) {
                ssize_t got = read(r->server, r->down + r->n_down, sizeof r->down - r->n_down);
                live = got > 0 && (r->n_down += (size_t)got, relay_down(r, &cut));
            }
            if (cut) {
                if (live) { /* kept in flight */
                    held = i;
                    watch = watch_of(armed);
                }
                bool late = armed == CUT_TAKE_LATE;
                armed = 0;
                if (write(ack, "c", 1) != 1)
                    _exit(14);
                open = proxy_run(url, then, late);
            }
            if (live && r->ended && held >= 0 && held != i && rs[held]->kept) {
                r->saw = r->ended = false;
                if (open) { /* the rows it locked are free for the first attempt */
                    PQclear(PQexec(open, "ROLLBACK"));
                    PQfinish(open);
                    open = NULL;
                }
                send_late(rs[held]);
                relay_close(rs[held]);
                free(rs[held]);
                rs[held] = NULL;
                held = -1;
            }
            if (live && r->saw && held >= 0 && held != i && !rs[held]->kept) {
                r->saw = false;
                commit_in_flight(rs[held]);
                relay_close(rs[held]);
                free(rs[held]);
                rs[held] = NULL;
                held = -1;
            }
            if (!live) {
                relay_close(r);
                free(r);
                rs[i] = NULL;
                if (held == i)
                    held = -1;
            }
        }
    }
}

/* A byte from `fd` within `ms` milliseconds, or 0. */
static char read_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c = 0;
    if (poll(&p, 1, ms) == 1 && read(fd, &c, 1) != 1)
        c = 0;
    return c;
}

/* A running proxy_loop: `url` reaches the server through it. */
typedef struct proxy {
    pid_t pid;
    int ctl, ack;
    char url[4096];
} proxy;

/* Starts a proxy to the server of `url` (postgresql://user:password@host:port/db). */
static void proxy_start(const char *url, proxy *px)
{
    const char *at = strrchr(url, '@'), *colon = at ? strchr(at, ':') : NULL;
    const char *slash = colon ? strchr(colon, '/') : NULL;
    if (!slash || colon - at - 1 >= 64)
        fail_msg("KNOB_TEST_PG_URL is not postgresql://user:password@host:port/db: %s", url);
    char host[64], port_text[16];
    snprintf(host, sizeof host, "%.*s", (int)(colon - at - 1), at + 1);
    snprintf(port_text, sizeof port_text, "%d", atoi(colon + 1));
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, port_text, &hints, &ai) != 0 || !ai)
        fail_msg("the server's host '%s' has no IPv4 address", host);
    struct sockaddr_in to;
    memcpy(&to, ai->ai_addr, sizeof to);
    freeaddrinfo(ai);
    int port, lfd = local_port(true, &port);
    snprintf(px->url, sizeof px->url, "%.*s@127.0.0.1:%d%s%ssslmode=disable&gssencmode=disable",
             (int)(at - url), url, port, slash, strchr(slash, '?') ? "&" : "?");
    int ctl[2], ack[2];
    assert_int_equal(pipe(ctl), 0);
    assert_int_equal(pipe(ack), 0);
    px->pid = fork();
    assert_true(px->pid >= 0);
    if (px->pid == 0) {
        close(ctl[1]);
        close(ack[0]);
        proxy_loop(lfd, &to, ctl[0], ack[1], url);
    }
    close(lfd);
    close(ctl[0]);
    close(ack[1]);
    px->ctl = ctl[1];
    px->ack = ack[0];
}

/* Arms the proxy to cut the next statement so (a CUT_ mode), and then to run `then` (SQL;
 * "": nothing). */
static void proxy_arm_then(proxy *px, char mode, const char *then)
{
    assert_int_equal(write(px->ctl, &mode, 1), 1);
    assert_int_equal(write(px->ctl, then, strlen(then) + 1), (ssize_t)strlen(then) + 1);
    assert_int_equal(read_within(px->ack, 10000), 'a');
}

/* Whether the armed cut happened (within 10 s). */
static bool proxy_cut(proxy *px)
{
    return read_within(px->ack, 10000) == 'c';
}

static void proxy_stop(proxy *px)
{
    close(px->ctl); /* ends the proxy */
    int status;
    assert_int_equal(waitpid(px->pid, &status, 0), px->pid);
    close(px->ack);
}

/* A study `name` with one COMPLETE trial, made straight on the server: the study's first
 * creation allots its numbers and is made again at once, so a cut one takes a number. */
static void study_with_one_trial(const char *url, const char *name)
{
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, name, NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The study's trials, numbered 0 to n - 1, are in the states `states` gives by number (C
 * COMPLETE with one param, W WAITING, R RUNNING, F FAIL). */
static void holds_states(const char *url, const char *name, const char *states)
{
    knob_storage *st;
    knob_study *s;
    size_t got;
    char seen[64] = "";
    const knob_trial_info *const *tr = load(url, name, &got, &st, &s);
    for (size_t i = 0; i < got && i + 1 < sizeof seen; i++) {
        seen[i] = "RCPFW"[tr[i]->state];
        if (tr[i]->number != (int64_t)i || (seen[i] == 'C' && tr[i]->n_params != 1))
            seen[i] = '?';
    }
    if (strcmp(seen, states))
        fail_msg("study '%s' holds trials %s, not %s (by number; C COMPLETE with one param, W "
                 "WAITING, R RUNNING, F FAIL, ? numbered out of place or without its param)",
                 name, seen, states);
    knob_study_free(s);
    knob_storage_close(st);
}

static void enqueue(const char *url, const char *name)
{
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, name, NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.25}"), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* What a lost-reply case does through the proxy: an ask (claimed with `key`), an enqueue, or
 * a claim (knob_study_claim) for a trial asked before. */
enum { ASK, ENQUEUE, CLAIM };

/* One case of lost_replies: a study with one COMPLETE trial (and a waiting one when
 * `queued`); the proxy armed with `mode` and, with `then`, to run "<then> study = <the
 * study>" once it cut; one write (`what`) through it, with `sampler` (NULL: random, whose
 * ask takes a waiting trial or makes one in one statement); the trial asked (not for an
 * enqueue) is told COMPLETE; then the study's trials are `states` (holds_states). */
typedef struct lost_case {
    char mode;
    int what;
    const char *sampler, *key, *then;
    bool queued;
    const char *states;
    int64_t max_trials; /* the study's (0: none) */
    int rc;             /* the write's: not KNOB_OK, nothing is told */
} lost_case;

static void lost_reply(proxy *px, const char *url, const char *name, const lost_case *c)
{
    knob_storage *st;
    knob_study *s;
    knob_trial *t = NULL;
    knob_study_options o = {0};
    double x;
    bool won = true;
    char then[1024] = "";
    study_with_one_trial(url, name);
    if (c->queued)
        enqueue(url, name);
    if (c->then)
        snprintf(then, sizeof then, "%s study = (SELECT id FROM knob_studies WHERE name = '%s')",
                 c->then, name);
    if (c->sampler)
        assert_int_equal(knob_sampler_create(c->sampler, NULL, &o.sampler), KNOB_OK);
    o.max_trials = c->max_trials;
    assert_int_equal(knob_storage_open(px->url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, name, &o, &s), KNOB_OK);
    if (c->what == CLAIM)
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    proxy_arm_then(px, c->mode, then);
    int rc = c->what == ENQUEUE ? knob_study_enqueue(s, "{\"x\": 0.25}")
             : c->what == CLAIM ? knob_study_claim(s, "grid:3", t, &won)
             : c->key           ? knob_study_ask_claimed(s, c->key, NULL, 0, &t, &won)
                                : knob_study_ask(s, &t);
    bool cut = proxy_cut(px);
    if (rc != c->rc)
        fail_msg("study '%s': the write returned %d, not %d: %s", name, rc, c->rc,
                 rc ? knob_errmsg() : "");
    assert_true(cut); /* the write's connection was cut */
    if (!won)
        fail_msg("study '%s': the claim was lost to the write's own first attempt", name);
    if (c->what != ENQUEUE && !c->rc) {
        rc = knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x);
        if (!rc)
            rc = knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1);
        if (rc)
            fail_msg("study '%s': the asked trial: %s", name, knob_errmsg());
    }
    knob_study_free(s);
    knob_storage_close(st);
    holds_states(url, name, c->states);
}

/* Runs the cases (each on a study of its own, named after the case) through one proxy. */
static void lost_replies(const char *name, const lost_case *cases, size_t n)
{
    const char *url = knob_test_pg_url_or_skip();
    proxy px;
    proxy_start(url, &px);
    for (size_t i = 0; i < n; i++) {
        char study[96];
        snprintf(study, sizeof study, "%s_%zu", name, i);
        lost_reply(&px, url, study, &cases[i]);
    }
    proxy_stop(&px);
}

/* A case's `then`: the waiting trial's row updated to what it holds, by another connection
 * (its lock held while that transaction is open), so that a take passes the trial by. */
#define HOLD_WAITING "UPDATE knob_trials SET state = 4 WHERE state = 4 AND"

/* A test case `name` of the lost_case cases given. */
#define LOST_REPLY(name, ...)                                                                      \
    static void name(void **state)                                                                 \
    {                                                                                              \
        (void)state;                                                                               \
        static const lost_case cases[] = {__VA_ARGS__};                                            \
        lost_replies(#name, cases, sizeof cases / sizeof *cases);                                  \
    }

/* The server sends a creation's result and then loses the connection before the implicit
 * transaction's commit (the pipeline's Sync goes on as a Flush, and both ends are closed
 * after the result): the creation was undone, so it is made again on a new connection, and
 * the trial asked for is the one that exists. Taken as done, the ask gave the id of a trial
 * that never was, and the worker failed at its next write ("no trial with id N"). */
LOST_REPLY(a_creation_cut_before_its_commit_is_made_again,
           {.mode = CUT_BEFORE_COMMIT, .states = "CC"})

/* The server commits a creation and the connection ends before the client reads the reply:
 * the retry on a new connection takes the trial made, by the creation's token, and makes no
 * other. Made again, the first trial stayed RUNNING for ever, owned by no one: it counted
 * against max_trials, held its grid point and showed in every listing. Both ways of asking:
 * a random search's (a waiting trial or a new one, one statement) and a model's (a creation
 * of its own). */
LOST_REPLY(a_creation_whose_reply_is_lost_is_not_made_again,
           {.mode = CUT_AFTER_COMMIT, .states = "CC"},
           {.mode = CUT_AFTER_COMMIT, .sampler = "tpe", .states = "CC"})

/* The same for a claimed creation: the retry finds its own claim and trial and wins. It
 * found the claim taken and lost it, and the trial made with the claim stayed RUNNING for
 * ever. */
LOST_REPLY(a_claimed_creation_whose_reply_is_lost_is_won,
           {.mode = CUT_AFTER_COMMIT, .key = "the key", .states = "CC"})

/* An enqueue (a waiting trial made whole in one transaction) whose COMMIT's reply is lost:
 * the retry finds the trial made and enqueues no second one; nor when another worker took
 * the trial before the retry looked (its state then says nothing of whose it is). */
LOST_REPLY(an_enqueue_whose_reply_is_lost_is_not_made_again,
           {.mode = CUT_AFTER_COMMIT, .what = ENQUEUE, .states = "CW"},
           {.mode = CUT_AFTER_COMMIT,
            .what = ENQUEUE,
            .then = "UPDATE knob_trials SET state = 0 WHERE state = 4 AND",
            .states = "CR"})

/* An ask that takes the waiting trial and whose reply is lost: the retry finds the trial it
 * took by its token and takes no other. It made a new trial, and the one taken stayed
 * RUNNING for ever, its fixed params never run. Both ways of asking. */
LOST_REPLY(a_taken_trial_whose_reply_is_lost_is_not_taken_again,
           {.mode = CUT_TAKE_AFTER_COMMIT, .queued = true, .states = "CC"},
           {.mode = CUT_TAKE_AFTER_COMMIT, .sampler = "tpe", .queued = true, .states = "CC"})

/* A claim for a trial (a grid point's) whose reply is lost after its commit: the retry finds
 * the claim held by its trial and wins it. It found the key claimed and lost, and the grid
 * point was never run: its claim was held by a trial that ran another point. */
LOST_REPLY(a_claim_whose_reply_is_lost_is_won,
           {.mode = CUT_CLAIM_AFTER_COMMIT, .what = CLAIM, .states = "CC"})

/* An ask that takes the waiting trial, still running on the server (which has not seen its
 * connection end) when the retry starts: the retry waits for its token's lock, which the
 * first attempt's statement holds until it commits, before it looks for its token, then
 * takes the trial. Not waited for, the retry did
 * not see the take, skipped the trial its first attempt held and made a new one (its token
 * in another unique index than the take's), and the first attempt then committed: the
 * taken trial stayed RUNNING, owned by no one. Both ways of asking. */
LOST_REPLY(a_take_still_running_when_its_retry_starts_is_not_left,
           {.mode = CUT_TAKE_IN_FLIGHT, .queued = true, .states = "CC"},
           {.mode = CUT_TAKE_IN_FLIGHT, .sampler = "tpe", .queued = true, .states = "CC"})

/* A claimed creation still running on the server when its retry starts: the retry waits
 * for its token's lock first and wins the claim (the second look for its token, after the
 * key was found claimed, wins it too). Not waited for, the retry waited for the first
 * attempt at the study's row, found the key claimed by it and lost it, and the first
 * attempt's trial stayed RUNNING, owned by no one. */
LOST_REPLY(a_claimed_creation_still_running_when_its_retry_starts_is_won,
           {.mode = CUT_CLAIMED_IN_FLIGHT, .key = "the key", .states = "CC"})

/* A finish whose reply is lost after its commit: the retry finds the trial ended in its state
 * at its own end time (each attempt sends the first's), and the tell is done. A finish of
 * another worker's in the same state is not (test_postgres_lost.c,
 * a_retried_finish_takes_only_its_own). */
static void a_finish_whose_reply_is_lost_is_its_own(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    const char *name = "finish_lost";
    proxy px;
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x;
    proxy_start(url, &px);
    study_with_one_trial(url, name);
    assert_int_equal(knob_storage_open(px.url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, name, NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    proxy_arm_then(&px, CUT_FINISH_AFTER_COMMIT, "");
    if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1))
        fail_msg("the finish whose reply was lost: %s", knob_errmsg());
    assert_true(proxy_cut(&px));
    knob_study_free(s);
    knob_storage_close(st);
    proxy_stop(&px);
    holds_states(url, name, "CC");
}

/* A creation or a take whose reply is lost, and whose trial is finished before the retry
 * looks (failed, as a worker does a trial whose heartbeats stopped while the retry waited for
 * the server): the retry makes a new trial. It handed the finished trial back as the ask's,
 * and the tell failed ("already FAIL"). */
LOST_REPLY(a_lost_trial_finished_before_its_retry_is_not_handed_back,
           {.mode = CUT_AFTER_COMMIT,
            .then = "UPDATE knob_trials SET state = 3, end_time = 0 WHERE state = 0 AND",
            .states = "CFC"},
           {.mode = CUT_AFTER_COMMIT,
            .sampler = "tpe",
            .then = "UPDATE knob_trials SET state = 3, end_time = 0 WHERE state = 0 AND",
            .states = "CFC"},
           {.mode = CUT_TAKE_AFTER_COMMIT,
            .queued = true,
            .then = "UPDATE knob_trials SET state = 3, end_time = 0 WHERE state = 0 AND",
            .states = "CFC"})

/* A random search's ask (one statement: a take of the waiting trial, or else a creation)
 * whose first attempt reaches the server only after its retry committed (CUT_TAKE_LATE): the
 * first attempt writes nothing. The retry took the waiting trial and the first attempt made a
 * new one (the retry's token in taken_by, the first attempt's in token, each unique index
 * alone); or the retry, the waiting trial locked by another write, made a new one, and the
 * first attempt took the waiting trial: the trial left RUNNING, owned by no one (one ask, two
 * trials). The token's lock does not stop it: the retry's transaction has ended. */
LOST_REPLY(a_first_attempt_read_after_its_retry_writes_nothing,
           {.mode = CUT_TAKE_LATE, .queued = true, .states = "CC"},
           {.mode = CUT_TAKE_LATE,
            .queued = true,
            .then = HOLD_WAITING,
            .states = "CWC"})

/* A model's ask (a take, then a creation of its own when nothing was taken) whose take's
 * first attempt reaches the server only after its retry, which took nothing (the waiting
 * trial locked by another write), committed: the first attempt takes the waiting trial, and
 * the ask's creation, with the take's token, gives it back before it makes its own (the
 * waiting trial waits again). It stayed RUNNING, owned by no one: the take's token was in no
 * trial that the first attempt could meet. And when the retry took the waiting trial, the
 * first attempt takes nothing. */
LOST_REPLY(a_late_take_after_a_retry_that_took_nothing_is_given_back,
           {.mode = CUT_TAKE_LATE, .sampler = "tpe", .queued = true, .states = "CC"},
           {.mode = CUT_TAKE_LATE,
            .sampler = "tpe",
            .queued = true,
            .then = HOLD_WAITING,
            .states = "CWC"},
           /* and the creation then refused (the study at its max_trials): the trial given
            * back still waits (it was failed with the ask's error, never run) */
           {.mode = CUT_TAKE_LATE,
            .sampler = "tpe",
            .queued = true,
            .then = HOLD_WAITING,
            .max_trials = 2,
            .rc = KNOB_EDONE,
            .states = "CW"})

/* The advisory locks held by the backends of the sessions named `app` (application_name). */
static int advisory_locks_of(const char *url, const char *app)
{
    char q[512];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE "
             "l.locktype = 'advisory' AND a.application_name = '%s'",
             app);
    return atoi(pg_value(url, q));
}

/* Storages that are open, and have made, taken and enqueued trials, hold no advisory lock
 * between their operations, nor does the server after they are closed: under a pooler in
 * transaction mode the next client gets their backends as they left them. Each held a lock
 * of its session for its whole life (to be known by a retry), which a pooled backend kept
 * for every client it served, until the server ran out of lock memory and refused every
 * new connection. */
static void open_storages_hold_no_advisory_lock(void **state)
{
    (void)state;
    char u[4096];
    const char *base = knob_test_pg_url_or_skip();
    snprintf(u, sizeof u, "%s&application_name=knob_no_locks", base);
    enum { N = 6 };
    knob_storage *st[N];
    knob_study *s[N];
    for (int i = 0; i < N; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_storage_open(u, &st[i]), KNOB_OK);
        assert_int_equal(i ? knob_study_load(st[i], "no_locks", NULL, &s[i])
                           : knob_study_create(st[i], "no_locks", NULL, &s[i]),
                         KNOB_OK);
        assert_int_equal(knob_study_enqueue(s[i], "{\"x\": 0.5}"), KNOB_OK);
        for (int k = 0; k < 2; k++) { /* the waiting trial taken, then a new one */
            assert_int_equal(knob_study_ask(s[i], &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_study_tell(s[i], t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
        }
    }
    assert_int_equal(advisory_locks_of(base, "knob_no_locks"), 0);
    for (int i = 0; i < N; i++) {
        knob_study_free(s[i]);
        knob_storage_close(st[i]);
    }
    assert_int_equal(advisory_locks_of(base, "knob_no_locks"), 0);
}

/* A token index that is there but not valid (a build CONCURRENTLY that failed, here on two
 * trials of one token, left it so) is dropped and built again by the next open that runs the
 * DDL. CREATE INDEX IF NOT EXISTS took it for the index: the schema was marked current, and
 * the index never caught a token's second trial. */
static void an_invalid_token_index_is_built_again(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    study_with_one_trial(u, "invalid");
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "DROP INDEX knob_trials_token");
    knob_test_pg_exec(c, "DROP INDEX knob_trials_owner"); /* it holds token 7 once too */
    knob_test_pg_exec(c, "UPDATE knob_trials SET token = 7");
    knob_test_pg_exec(c, "INSERT INTO knob_trials(study, number, state, seq, token) SELECT "
                         "study, number + 1, 3, 0, 7 FROM knob_trials");
    PGresult *r = PQexec(c, "CREATE UNIQUE INDEX CONCURRENTLY knob_trials_token ON "
                            "knob_trials(token) WHERE token IS NOT NULL");
    assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR); /* two trials of token 7 */
    PQclear(r);
    knob_test_pg_exec(c, "DELETE FROM knob_trials WHERE state = 3");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 5 0123456789abcdef'");
    PQfinish(c);
    assert_string_equal(pg_value(u, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                                    "'knob_trials_token'::regclass"),
                        "f");
    knob_storage *st;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    knob_storage_close(st);
    assert_string_equal(pg_value(u, "SELECT indisvalid::text || indisunique::text FROM pg_index "
                                    "WHERE indexrelid = 'knob_trials_token'::regclass"),
                        "truetrue");
}

/* Makes the schema of `c` as a schema 5 database from before the tokens was (knob_trials
 * without token and taken_by, nor their indexes), marked by the knob that made it. */
static void as_schema5_without_tokens(PGconn *c)
{
    knob_test_pg_exec(c, "DROP INDEX knob_trials_token");
    knob_test_pg_exec(c, "DROP INDEX knob_trials_taken_by");
    knob_test_pg_exec(c, "ALTER TABLE knob_trials DROP COLUMN token, DROP COLUMN taken_by");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 5 0123456789abcdef'");
}

/* A database of schema 5 from before the tokens (knob_trials without token and taken_by, nor
 * their indexes) gets them at its open: its trials as they were (no token), and the new
 * ones with theirs, each of the two indexes unique. */
static void schema5_gets_the_tokens(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    study_with_one_trial(u, "tokens");
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    as_schema5_without_tokens(c);
    PQfinish(c);
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "tokens", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_OK);
    for (int i = 0; i < 2; i++) { /* the waiting trial taken, then a new one */
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    assert_string_equal(pg_value(u, "SELECT string_agg(number || ':' || (token IS NOT NULL) || "
                                    "(taken_by IS NOT NULL), ' ' ORDER BY number) FROM "
                                    "knob_trials"),
                        "0:falsefalse 1:truetrue 2:truefalse");
    assert_string_equal(pg_value(u, "SELECT string_agg(indisunique::text, ' ' ORDER BY "
                                    "indexrelid::regclass::text) FROM pg_index WHERE indexrelid "
                                    "IN ('knob_trials_taken_by'::regclass, "
                                    "'knob_trials_token'::regclass, "
                                    "'knob_trials_owner'::regclass)"),
                        "true true true");
    holds_states(u, "tokens", "CCC");
}

/* A database from before knob_trials_owner whose trials hold one token twice, made by one
 * trial and taken by another (a first attempt read after its retry, the race the index
 * closes, left such a pair): its open clears the made trial's token, builds the index and
 * opens. Built as it was, the index failed on the pair at every open. */
static void a_token_made_and_taken_is_cleared_for_the_owner_index(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    study_with_one_trial(u, "pair");
    enqueue(u, "pair");
    PGconn *c = PQconnectdb(u);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "DROP INDEX knob_trials_owner");
    knob_test_pg_exec(c, "UPDATE knob_trials SET state = 0, taken_by = (SELECT token FROM "
                         "knob_trials WHERE number = 0) WHERE number = 1");
    knob_test_pg_exec(c, "COMMENT ON TABLE knob_meta IS 'knob schema 5 0123456789abcdef'");
    PQfinish(c);
    knob_storage *st;
    int rc = knob_storage_open(u, &st);
    if (rc)
        fail_msg("open: %s", knob_errmsg());
    knob_storage_close(st);
    assert_string_equal(pg_value(u, "SELECT string_agg(number || ':' || (token IS NOT NULL) || "
                                    "(taken_by IS NOT NULL), ' ' ORDER BY number) FROM "
                                    "knob_trials"),
                        "0:falsefalse 1:truetrue");
    assert_string_equal(pg_value(u, "SELECT indisvalid::text || indisunique::text FROM pg_index "
                                    "WHERE indexrelid = 'knob_trials_owner'::regclass"),
                        "truetrue");
}

/* A schema built as this knob builds it, marked by another knob of the same version (an
 * older one, whose statements differ): an open runs no DDL and leaves the mark as it is, so
 * a fleet of the two knobs runs the DDL once, not at each open by turns. Here beside a writer
 * that holds knob_trials ROW EXCLUSIVE, with a lock_timeout of 1 s: the DDL ran, its CREATE
 * INDEX IF NOT EXISTS waited for the writer (a SHARE lock, even where the index is there) and
 * the open failed. */
static void an_open_leaves_another_knobs_mark_on_a_built_schema(void **state)
{
    (void)state;
    char u[4096], timed[4200];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    snprintf(timed, sizeof timed, "%s%%20-clock_timeout%%3D1000", u);
    study_with_one_trial(u, "marked");
    knob_test_pg_exec_url(u, "COMMENT ON TABLE knob_meta IS 'knob schema 5 0123456789abcdef'");
    PGconn *writer = PQconnectdb(u);
    assert_int_equal(PQstatus(writer), CONNECTION_OK);
    knob_test_pg_exec(writer, "BEGIN");
    knob_test_pg_exec(writer, "LOCK TABLE knob_trials IN ROW EXCLUSIVE MODE");
    knob_storage *st;
    int rc = knob_storage_open(timed, &st);
    if (rc)
        fail_msg("open beside a writer: %s", knob_errmsg());
    knob_storage_close(st);
    knob_test_pg_exec(writer, "ROLLBACK");
    PQfinish(writer);
    assert_string_equal(pg_value(u, "SELECT obj_description('knob_meta'::regclass, 'pg_class')"),
                        "knob schema 5 0123456789abcdef");
}

/* The tokens' columns and indexes added to a schema 5 database (schema5_gets_the_tokens)
 * keep no reader out while an index is built: the columns' ACCESS EXCLUSIVE lock is
 * committed at once, and each index is built under its SHARE lock alone. Here the build of
 * knob_trials_token is held up (another transaction made a table of that name and has not
 * ended: the build waits for it at the catalog's unique index of names), and a read of
 * knob_trials beside it, with a lock_timeout of 1 s, goes through. All in one transaction,
 * the read waited for the whole upgrade, and failed. */
static void the_tokens_upgrade_keeps_no_reader_out(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    study_with_one_trial(u, "readers");
    PGconn *holder = PQconnectdb(u), *look = PQconnectdb(u), *reader = PQconnectdb(u);
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    assert_int_equal(PQstatus(reader), CONNECTION_OK);
    as_schema5_without_tokens(holder);
    knob_test_pg_exec(holder, "BEGIN");
    knob_test_pg_exec(holder, "CREATE TABLE knob_trials_token(x INTEGER)");
    PGresult *r = PQexec(holder, "SELECT pg_backend_pid()");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int holder_pid = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        knob_storage *st;
        int rc = knob_storage_open(u, &st);
        if (rc)
            fprintf(stderr, "open: %s\n", knob_errmsg());
        knob_storage_close(st);
        _exit(rc ? 1 : 0);
    }
    int status;
    bool waits = waited_for(child, look, holder_pid, &status);
    knob_test_pg_exec(reader, "SET lock_timeout = 1000");
    r = PQexec(reader, "SELECT count(*) FROM knob_trials");
    bool read = PQresultStatus(r) == PGRES_TUPLES_OK;
    char why[512];
    snprintf(why, sizeof why, "%s", PQerrorMessage(reader));
    PQclear(r);
    knob_test_pg_exec(holder, "ROLLBACK");
    if (waits)
        assert_int_equal(waitpid(child, &status, 0), child);
    PQfinish(holder);
    PQfinish(look);
    PQfinish(reader);
    assert_true(waits); /* the open waited for the holder */
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        fail_msg("the open ended with status 0x%x", status);
    if (!read)
        fail_msg("a read beside the index's build: %s", why);
    assert_string_equal(pg_value(u, "SELECT count(*) FROM pg_index WHERE indisunique AND "
                                    "indisvalid AND indexrelid IN ('knob_trials_taken_by'::"
                                    "regclass, 'knob_trials_token'::regclass)"),
                        "2");
}

/* Two processes forked after knob_study_create ask in turn through the parent's handle,
 * the second's connection ended before its ask: its retry looks for the trial of its token.
 * Each process draws tokens of its own (new_token seeds them again after a fork): with the
 * parent's draws, the second's token was the first's, and its retry took the first's trial
 * (both got trial 0). */
static void forked_workers_draw_tokens_of_their_own(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096], app[64], sql[256];
    snprintf(app, sizeof app, "knob_fork_%d", (int)getpid());
    snprintf(u, sizeof u, "%s&application_name=%s", url, app);
    PGconn *look = PQconnectdb(url);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "forked", NULL, &s), KNOB_OK);
    int numbers[2];
    for (int k = 0; k < 2; k++) {
        if (k == 1) { /* the connection the first child used (and left open) ends */
            snprintf(sql, sizeof sql,
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     "application_name = '%s'",
                     app);
            knob_test_pg_exec(look, sql);
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'", app);
            for (int i = 0; i < 500; i++) {
                PGresult *r = PQexec(look, sql);
                bool gone = PQresultStatus(r) == PGRES_TUPLES_OK && !atoi(PQgetvalue(r, 0, 0));
                PQclear(r);
                if (gone)
                    break;
                usleep(10000);
            }
        }
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            knob_trial *t;
            int rc = knob_study_ask(s, &t);
            if (rc)
                fprintf(stderr, "child %d: ask: %s\n", k, knob_errmsg());
            _exit(rc ? 100 : (int)knob_trial_number(t));
        }
        int status;
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFEXITED(status));
        numbers[k] = WEXITSTATUS(status);
    }
    assert_int_equal(numbers[0], 0);
    assert_int_equal(numbers[1], 1);
    knob_study_free(s);
    knob_storage_close(st);
    PQfinish(look);
}

/* Two processes write params to one running trial at once (each opened it, as `knob tell`
 * does): 100 names of their own each, flushed one by one, and 10 names both write. The
 * trial ends with each of the 210 names once, each process's own in the order it set
 * them. */
static int write_beside(const char *url, char who)
{
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    char name[16];
    double x;
    if (knob_storage_open(url, &st) || knob_study_load(st, "both", NULL, &s) ||
        knob_study_open_trial(s, 0, &t))
        return 2;
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "%c%03d", who, i);
        if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x) || knob_trial_flush(t))
            return 3;
        snprintf(name, sizeof name, "s%03d", i / 10);
        if (i % 10 == 9 &&
            (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x) || knob_trial_flush(t)))
            return 4;
    }
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

static void two_writers_of_one_trial(void **state)
{
    (void)state;
    char u[4096];
    snprintf(u, sizeof u, "%s", knob_test_pg_url_or_skip());
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "both", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_trial_detach(t);
    knob_study_free(s);
    knob_storage_close(st);
    pid_t kids[2];
    for (int w = 0; w < 2; w++) {
        kids[w] = fork();
        assert_true(kids[w] >= 0);
        if (kids[w] == 0) {
            int rc = write_beside(u, w ? 'b' : 'a');
            if (rc)
                fprintf(stderr, "writer %d: step %d: %s\n", w, rc, knob_errmsg());
            _exit(rc);
        }
    }
    for (int w = 0; w < 2; w++) {
        int status;
        assert_int_equal(waitpid(kids[w], &status, 0), kids[w]);
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            fail_msg("writer %d ended with status 0x%x", w, status);
    }
    size_t n;
    const knob_trial_info *const *tr = load(u, "both", &n, &st, &s);
    assert_int_equal(n, 1);
    assert_int_equal(tr[0]->n_params, 210);
    int next[3] = {0, 0, 0};
    for (size_t i = 0; i < tr[0]->n_params; i++) {
        const char *name = tr[0]->params[i].name;
        int k = name[0] == 'a' ? 0 : name[0] == 'b' ? 1 : 2;
        assert_true(name[0] == "abs"[k]);
        if (k < 2) /* each writer's own names in its order */
            assert_int_equal(atoi(name + 1), next[k]);
        next[k]++;
    }
    assert_int_equal(next[0], 100);
    assert_int_equal(next[1], 100);
    assert_int_equal(next[2], 10);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trial `t` of a sync as the whole study's read gives it: its params, values, intermediate
 * values and attributes, in order. */
static void same_trial(const knob_trial_info *t, const knob_trial_info *whole)
{
    assert_int_equal(t->id, whole->id);
    assert_int_equal(t->state, whole->state);
    assert_int_equal(t->n_params, whole->n_params);
    for (size_t i = 0; i < t->n_params; i++) {
        assert_string_equal(t->params[i].name, whole->params[i].name);
        assert_true(t->params[i].internal == whole->params[i].internal);
    }
    assert_int_equal(t->n_values, whole->n_values);
    for (size_t i = 0; i < t->n_values; i++)
        assert_true(t->values[i] == whole->values[i]);
    assert_int_equal(t->n_intermediate, whole->n_intermediate);
    for (size_t i = 0; i < t->n_intermediate; i++) {
        assert_int_equal(t->intermediate[i].step, whole->intermediate[i].step);
        assert_true(t->intermediate[i].value == whole->intermediate[i].value);
    }
    assert_int_equal(t->n_user_attrs, whole->n_user_attrs);
    for (size_t i = 0; i < t->n_user_attrs; i++) {
        assert_string_equal(t->user_attrs[i].key, whole->user_attrs[i].key);
        assert_string_equal(t->user_attrs[i].json, whole->user_attrs[i].json);
    }
    assert_int_equal(t->n_system_attrs, whole->n_system_attrs);
}

/* Study "rows": `n` trials asked and kept open, each with two params, a user attribute and
 * an intermediate value, with a trial of study "other" made between each two (so their ids
 * are not consecutive and another study's rows lie between them); then the trials
 * `done_from`.. `done_to` - 1 told. */
static knob_study *open_trials(knob_storage *st, knob_trial **t, int n, int done_from, int done_to)
{
    knob_study *s, *other;
    assert_int_equal(knob_study_create(st, "rows", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_create(st, "other", NULL, &other), KNOB_OK);
    for (int i = 0; i < n; i++) {
        double x, y = i;
        knob_trial *o;
        assert_int_equal(knob_study_ask(s, &t[i]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t[i], "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t[i], "y", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t[i], "k", "[1, \"two\"]"), KNOB_OK);
        assert_int_equal(knob_trial_report(t[i], 3, 0.5 * i), KNOB_OK);
        assert_int_equal(knob_study_ask(other, &o), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(o, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(other, o, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    for (int i = done_from; i < done_to; i++) {
        double y = i;
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        t[i] = NULL;
    }
    knob_study_free(other);
    return s;
}

/* Tells trials `which` (-1 ends the list) of study "rows", then checks that a sync from
 * `stamp` gives exactly them, each whole, and nothing of the trials between them or of
 * the other study's; returns the next stamp. */
static int64_t told_exactly(const char *u, knob_study *s, knob_trial **t, const int *which,
                            int64_t stamp)
{
    size_t n_which = 0;
    for (; which[n_which] >= 0; n_which++) {
        double y = which[n_which];
        assert_int_equal(knob_study_tell(s, t[which[n_which]], KNOB_TRIAL_COMPLETE, &y, 1),
                         KNOB_OK);
        t[which[n_which]] = NULL;
    }
    knob_storage *st2, *st3;
    knob_study *s2, *s3;
    const knob_trial_info *const *got, *const *whole;
    size_t n, n_whole;
    int64_t next;
    assert_int_equal(knob_storage_open(u, &st2), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "rows", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_trials_since(s2, stamp, &got, &n, &next), KNOB_OK);
    whole = load(u, "rows", &n_whole, &st3, &s3);
    assert_int_equal(n, n_which);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i]->number, which[i]);
        assert_int_equal(got[i]->state, KNOB_TRIAL_COMPLETE);
        assert_int_equal(got[i]->n_params, 2);
        assert_int_equal(got[i]->n_intermediate, 1);
        assert_int_equal(got[i]->n_user_attrs, 1);
        same_trial(got[i], whole[which[i]]);
    }
    knob_study_free(s3);
    knob_storage_close(st3);
    knob_study_free(s2);
    knob_storage_close(st2);
    return next;
}

/* A sync gives each changed trial whole and nothing else, when their ids are close (read
 * by one range of each table's index, the rows of the trials between them left out: here
 * open trials with params, attributes and intermediate values, and another study's
 * trials) and when they are far apart (read by id). */
static void a_sync_gives_the_changed_trials_whole(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_trial *t[60];
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    knob_study *s = open_trials(st, t, 60, 1, 20);
    assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp), KNOB_OK);
    assert_int_equal(n, 60);
    static const int close_by[] = {30, 34, -1}, far_apart[] = {0, 59, -1},
                     many[] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                               31, 32, 33, 35, 36, 37, 38, 39, -1};
    stamp = told_exactly(u, s, t, close_by, stamp);
    stamp = told_exactly(u, s, t, far_apart, stamp);
    stamp = told_exactly(u, s, t, many, stamp);
    for (int i = 0; i < 60; i++)
        if (t[i])
            knob_trial_detach(t[i]);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Index pages of `table` read so far (pg_statio_user_tables), once the counts are
 * steady: a backend's counts reach the server's when it ends (or after a second). */
static long long index_pages(PGconn *c, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(idx_blks_hit, 0) + COALESCE(idx_blks_read, 0) FROM "
             "pg_statio_user_tables WHERE relid = '%s'::regclass",
             table);
    long long last = -1;
    for (int steady = 0, i = 0; steady < 3 && i < 600; i++) {
        knob_test_pg_exec(c, "SELECT pg_stat_clear_snapshot()");
        PGresult *r = PQexec(c, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        long long now = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        steady = now == last ? steady + 1 : 0;
        last = now;
        usleep(400000);
    }
    return last;
}

/* A sync that finds many trials changed, their ids close together (as with many workers),
 * reads the tables of their rows through a few index pages, not one descent of each index
 * per trial: here 50 trials changed, and the index of intermediate values and of attributes
 * read for them (one page deep each: a descent per trial read 50 pages of each). */
static void a_sync_reads_few_index_pages(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    char u[4096];
    snprintf(u, sizeof u, "%s", url);
    knob_storage *st;
    knob_trial *t[50];
    const knob_trial_info *const *got;
    size_t n;
    int64_t stamp;
    assert_int_equal(knob_storage_open(u, &st), KNOB_OK);
    knob_study *s = open_trials(st, t, 50, 0, 0);
    assert_int_equal(knob_study_trials_since(s, 0, &got, &n, &stamp), KNOB_OK);
    for (int i = 0; i < 50; i++) {
        double y = i;
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *look = PQconnectdb(u);
    assert_int_equal(PQstatus(look), CONNECTION_OK);
    long long before =
        index_pages(look, "knob_intermediate") + index_pages(look, "knob_trial_attrs");
    knob_storage *st2;
    knob_study *s2;
    assert_int_equal(knob_storage_open(u, &st2), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "rows", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_trials_since(s2, stamp, &got, &n, &stamp), KNOB_OK);
    assert_int_equal(n, 50);
    knob_study_free(s2);
    knob_storage_close(st2);
    long long after =
        index_pages(look, "knob_intermediate") + index_pages(look, "knob_trial_attrs");
    PQfinish(look);
    print_message("index pages of the two tables read by the sync: %lld\n", after - before);
    assert_true(after - before <= 10);
}

/* A random search's ask takes nothing from the study: it reads none of the trials the other
 * workers made since its last ask (no sync, no look for a change), and still takes first a
 * trial another worker enqueued, with its fixed params. The numbers stay dense. */
static void a_random_ask_reads_no_other_trials(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st, *st2;
    knob_study *s, *s2;
    knob_trial *t;
    double x, y = 1;
    knob__pg_counts a, b;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "lean", NULL, &s), KNOB_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        if (i == 0) /* another worker's trials between this handle's asks */
            assert_int_equal(worker(url, "lean", 20, 7, false), 0);
    }
    knob__pg_counts_get(&a);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(worker(url, "lean", 2, 8 + i, false), 0);
        knob__pg_counts c0, c1;
        knob__pg_counts_get(&c0);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        knob__pg_counts_get(&c1);
        assert_int_equal(c1.syncs - c0.syncs, 0);
        assert_int_equal(c1.looks - c0.looks, 0);
    }
    knob__pg_counts_get(&b);
    /* enqueued by another handle: the next ask takes it */
    assert_int_equal(knob_storage_open(url, &st2), KNOB_OK);
    assert_int_equal(knob_study_load(st2, "lean", NULL, &s2), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s2, "{\"x\": 0.25}"), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_number(t), 31);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_true(x == 0.25);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    const knob_trial_info *const *got;
    size_t n;
    assert_int_equal(knob_study_trials(s2, &got, &n), KNOB_OK);
    assert_int_equal(n, 32);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i]->number, (int64_t)i);
        assert_int_equal(got[i]->state, KNOB_TRIAL_COMPLETE);
    }
    knob_study_free(s2);
    knob_storage_close(st2);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A sampler with only sample_independent that reads the trials: it sees every trial the other
 * workers made before its ask, and its own, at every ask (its reads are never stale). */
static size_t seen_trials;

static int count_trials(void *state, knob_study *s, knob_trial *t, const char *name,
                        const knob_distribution *d, double *internal)
{
    (void)state;
    (void)t;
    (void)name;
    const knob_trial_info *const *got;
    int rc = knob_study_trials(s, &got, &seen_trials);
    *internal = d->low;
    return rc;
}

static void a_history_sampler_sees_every_trial(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    static const knob_sampler_plugin counter = {
        .version = KNOB_SAMPLER_PLUGIN_VERSION,
        .name = "trial_counter",
        .help = "test: reads the trials at each suggestion",
        .sample_independent = count_trials,
    };
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    knob_trial *t;
    double x, y = 1;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_sampler_create_plugin(&counter, NULL, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "history", &o, &s), KNOB_OK);
    size_t made = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(worker(url, "history", i + 1, 20 + i, false), 0);
        made += (size_t)i + 1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        made++;
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(seen_trials, made);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Random-search workers stop at the cap together, exactly: a trial enqueued before them is
 * taken (not created again), and none is left running or made twice. */
static int capped_worker(const char *url, int seed)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create("random", opts, &sp))
        return 2;
    knob_study_options o = {.sampler = sp, .max_trials = 30};
    if (knob_study_load(st, "capped", &o, &s))
        return 3;
    for (int i = 0; i < 40; i++) {
        knob_trial *t;
        double x, y;
        int rc = knob_study_ask(s, &t);
        if (rc == KNOB_EDONE)
            break;
        if (rc || knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
            return 4;
        y = x;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
            return 5;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

static void random_workers_stop_at_the_cap(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_create(st, "capped", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"x\": 0.5}"), KNOB_OK);
    for (int w = 0; w < 4; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int rc = capped_worker(url, w);
            if (rc)
                fprintf(stderr, "worker %d: step %d failed: %s\n", w, rc, knob_errmsg());
            _exit(rc);
        }
    }
    for (int w = 0; w < 4; w++) {
        int status;
        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            fail_msg("a worker failed with status 0x%x", status);
    }
    const knob_trial_info *const *got;
    size_t n;
    assert_int_equal(knob_study_trials(s, &got, &n), KNOB_OK);
    assert_int_equal(n, 30);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i]->number, (int64_t)i);
        assert_int_equal(got[i]->state, KNOB_TRIAL_COMPLETE);
    }
    assert_true(got[0]->n_params == 1 && got[0]->params[0].internal == 0.5);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_study_create_new whose insert commits and whose reply the connection loses: its retry
 * finds the row its first attempt made, which is its own (it was told the study exists, and
 * Python's create_study raised DuplicatedStudyError for a new name). */
static void a_new_study_whose_reply_is_lost_is_its_creators(void **state)
{
    (void)state;
    const char *url = knob_test_pg_url_or_skip();
    proxy px;
    proxy_start(url, &px);
    knob_storage *st;
    assert_int_equal(knob_storage_open(px.url, &st), KNOB_OK);
    proxy_arm_then(&px, CUT_STUDY_AFTER_COMMIT, "");
    char name[64];
    snprintf(name, sizeof name, "new_reply_lost_%d", (int)getpid());
    knob_study *s = NULL;
    int rc = knob_study_create_new(st, name, NULL, &s);
    assert_true(proxy_cut(&px));
    if (rc)
        fail_msg("knob_study_create_new: %d %s", rc, knob_errmsg());
    knob_study_free(s);
    /* another creator of the name is told it exists */
    assert_int_equal(knob_study_create_new(st, name, NULL, &s), KNOB_EEXIST);
    assert_int_equal(knob_storage_delete_study(st, name), KNOB_OK);
    knob_storage_close(st);
    proxy_stop(&px);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_workers),
        cmocka_unit_test(grid_across_workers),
        cmocka_unit_test(tell_leaves_the_study_row),
        cmocka_unit_test(syncs_miss_nothing_while_workers_write),
        cmocka_unit_test(a_running_write_holds_the_stamp_back),
        cmocka_unit_test(schema1_is_upgraded_in_place),
        cmocka_unit_test(schema1_without_counts_is_upgraded),
        cmocka_unit_test(newer_schema_is_refused),
        cmocka_unit_test(secrets_stay_out_of_messages),
        cmocka_unit_test(nothing_listening_fails_at_once),
        cmocka_unit_test(a_silent_server_times_out),
        cmocka_unit_test(studies_count_from_indexes),
        cmocka_unit_test(names_are_only_names),
        cmocka_unit_test(killed_worker_is_retried),
        cmocka_unit_test(server_restart_loses_nothing),
        cmocka_unit_test(read_only_refusals_are_waited_for),
        cmocka_unit_test(statements_are_prepared_by_their_first_use),
        cmocka_unit_test(signals_do_not_shorten_the_wait),
        cmocka_unit_test(open_runs_no_ddl_beside_writers),
        cmocka_unit_test(syncs_are_counted),
        cmocka_unit_test(a_running_knob_write_needs_no_lock_read),
        cmocka_unit_test(a_report_beside_a_finish_is_refused),
        cmocka_unit_test(a_creator_waits_for_no_other_creator),
        cmocka_unit_test(at_the_cap_a_creation_waits_for_a_held_number),
        cmocka_unit_test(schema2_is_upgraded_in_place),
        cmocka_unit_test(a_creation_leaves_the_study_row_alone),
        cmocka_unit_test(an_open_that_waited_runs_no_ddl),
        cmocka_unit_test(schema3_is_upgraded_in_place),
        cmocka_unit_test(schema4_is_upgraded_in_place),
        cmocka_unit_test(schema4_odd_rows_are_upgraded),
        cmocka_unit_test(schema5_gets_the_tokens),
        cmocka_unit_test(a_token_made_and_taken_is_cleared_for_the_owner_index),
        cmocka_unit_test(an_open_leaves_another_knobs_mark_on_a_built_schema),
        cmocka_unit_test(the_tokens_upgrade_keeps_no_reader_out),
        cmocka_unit_test(a_refused_upgrade_says_why),
        cmocka_unit_test(an_upgrade_ended_by_a_deadlock_is_tried_again),
        cmocka_unit_test(deleting_a_study_beside_creators),
        cmocka_unit_test(a_failed_pipeline_leaves_the_connection_usable),
        cmocka_unit_test(a_retry_waits_for_a_row_past_its_token_wait),
        cmocka_unit_test(an_idle_connection_ended_by_the_server_comes_back),
        cmocka_unit_test(ended_connections_write_each_param_once),
        cmocka_unit_test(a_creation_cut_before_its_commit_is_made_again),
        cmocka_unit_test(a_creation_whose_reply_is_lost_is_not_made_again),
        cmocka_unit_test(a_new_study_whose_reply_is_lost_is_its_creators),
        cmocka_unit_test(a_claimed_creation_whose_reply_is_lost_is_won),
        cmocka_unit_test(an_enqueue_whose_reply_is_lost_is_not_made_again),
        cmocka_unit_test(a_taken_trial_whose_reply_is_lost_is_not_taken_again),
        cmocka_unit_test(a_claim_whose_reply_is_lost_is_won),
        cmocka_unit_test(a_take_still_running_when_its_retry_starts_is_not_left),
        cmocka_unit_test(open_storages_hold_no_advisory_lock),
        cmocka_unit_test(an_invalid_token_index_is_built_again),
        cmocka_unit_test(a_claimed_creation_still_running_when_its_retry_starts_is_won),
        cmocka_unit_test(a_first_attempt_read_after_its_retry_writes_nothing),
        cmocka_unit_test(a_late_take_after_a_retry_that_took_nothing_is_given_back),
        cmocka_unit_test(a_lost_trial_finished_before_its_retry_is_not_handed_back),
        cmocka_unit_test(a_finish_whose_reply_is_lost_is_its_own),
        cmocka_unit_test(forked_workers_draw_tokens_of_their_own),
        cmocka_unit_test(two_writers_of_one_trial),
        cmocka_unit_test(a_sync_gives_the_changed_trials_whole),
        cmocka_unit_test(a_sync_reads_few_index_pages),
        cmocka_unit_test(a_random_ask_reads_no_other_trials),
        cmocka_unit_test(a_history_sampler_sees_every_trial),
        cmocka_unit_test(random_workers_stop_at_the_cap),
        cmocka_unit_test(bad_retry_seconds_are_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
