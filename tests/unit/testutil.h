/* Shared by the unit tests: cmocka, a case filter from argv, scratch paths. */
#ifndef KNOB_TESTUTIL_H
#define KNOB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "knob.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A skipped case must not look like a passed one: ctest runs each case alone
 * (`test_<module> <case>`) and reads exit status KNOB_TEST_SKIPPED as "skipped"
 * (SKIP_RETURN_CODE in tests/CMakeLists.txt). cmocka 1.1 counts a skip() as neither a
 * failure nor a pass and exits 0, so every skip() in a test file goes through this one, which
 * remembers it, and every cmocka_run_group_tests() returns 1 when a case failed,
 * KNOB_TEST_SKIPPED when none failed and one skipped, 0 when all ran and passed. */
#define KNOB_TEST_SKIPPED 77
static int knob__test_skipped;

#undef skip
#define skip() (knob__test_skipped = 1, _skip(__FILE__, __LINE__))

static inline int knob__test_status(int failed)
{
    if (failed)
        return 1;
    return knob__test_skipped ? KNOB_TEST_SKIPPED : 0;
}

/* ctest runs a case by its name (`test_<module> <case>`); a name the file has no case of
 * (a case renamed or removed, a stale binary) would run nothing, and cmocka 1.1 exits 0 for
 * that: it fails instead, saying so. Patterns (* and ?) are left to cmocka. */
static const char *knob__test_filter;

#undef cmocka_set_test_filter
#define cmocka_set_test_filter(pattern)                                                            \
    (knob__test_filter = (pattern), (cmocka_set_test_filter)(pattern))

static inline bool knob__test_named(const struct CMUnitTest *group, size_t n)
{
    if (!knob__test_filter || strpbrk(knob__test_filter, "*?"))
        return true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(group[i].name, knob__test_filter) == 0)
            return true;
    fprintf(stderr, "no case named '%s' in this test program\n", knob__test_filter);
    return false;
}

#undef cmocka_run_group_tests
#define cmocka_run_group_tests(group, setup, teardown)                                             \
    (knob__test_named(group, sizeof(group) / sizeof((group)[0]))                                   \
         ? knob__test_status(_cmocka_run_group_tests(                                             \
               #group, group, sizeof(group) / sizeof((group)[0]), setup, teardown))                \
         : 1)

/* Runs the cases of `tests`, or only the one named by argv[1]. */
#define KNOB_TEST_MAIN(tests)                                                                      \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        if (argc > 1)                                                                              \
            cmocka_set_test_filter(argv[1]);                                                       \
        return cmocka_run_group_tests(tests, NULL, NULL);                                          \
    }

/* Fails the case unless `call` returns KNOB_OK, naming the call, its status and
 * knob_errmsg(). */
#define KNOB_TEST_OK(call)                                                                         \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_)                                                                                   \
            fail_msg("%s: %s (%s)", #call, knob_status_str(rc_), knob_errmsg());                   \
    } while (0)

/* Copies the file `from` to `to` (created or truncated); a failure fails the case. */
static inline void knob_test_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* Copies a SQLite database `from` to `to` with its WAL (a closed knob storage leaves its
 * last commits there, src/storage/sqlite.c): `to`'s own WAL and shared-memory files are
 * removed first, so that nothing of an earlier file at `to` is read with the copy. */
static inline void knob_test_copy_db(const char *from, const char *to)
{
    char a[4200], b[4200];
    snprintf(b, sizeof b, "%s-wal", to);
    remove(b);
    snprintf(b, sizeof b, "%s-shm", to);
    remove(b);
    knob_test_copy_file(from, to);
    snprintf(a, sizeof a, "%s-wal", from);
    snprintf(b, sizeof b, "%s-wal", to);
    FILE *wal = fopen(a, "rb");
    if (wal) {
        fclose(wal);
        knob_test_copy_file(a, b);
    }
}

/* A fresh scratch path "<tmp>/<tag>-<pid>-<n>" (removed if it exists). */
static inline const char *knob_test_path(const char *tag)
{
    static char buf[4096];
    static int n;
    const char *base = getenv("KNOB_TEST_TMP");
    if (!base)
        base = "/tmp";
    mkdir(base, 0755);
    snprintf(buf, sizeof buf, "%s/%s-%d-%d", base, tag, (int)getpid(), n++);
    unlink(buf);
    return buf;
}

/* Whether a and b are the same double to the bit (-0 is not 0), or both NaN. */
static inline bool knob_test_same_bits(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* A fresh storage in memory; a failure fails the case. */
static inline knob_storage *knob_test_memory(void)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    return st;
}

/* A new study `name` of one objective (minimized) in st, sampled by `sampler` with
 * options `opts` (knob_sampler_create); a failure fails the case. */
static inline knob_study *knob_test_study(knob_storage *st, const char *name, const char *sampler,
                                          const char *opts)
{
    knob_sampler *smp;
    knob_study *s;
    assert_int_equal(knob_sampler_create(sampler, opts, &smp), KNOB_OK);
    knob_study_options o = {.sampler = smp};
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* Adds one finished trial of param p to s, as another process would write it: its values
 * when complete, one intermediate value (the first value) when pruned, and the system attr
 * "constraints" (JSON text) unless NULL. Returns the trial's number; fails the case on an
 * error. */
static inline int64_t knob_test_add_trial(knob_study *s, knob_param p, knob_trial_state state,
                                          const double *values, size_t n,
                                          const char *constraints)
{
    knob_attr c = {"constraints", constraints};
    knob_step_value step = {1, values ? values[0] : 0};
    knob_trial_info info = {.state = state,
                            .n_params = 1,
                            .params = &p,
                            .n_values = state == KNOB_TRIAL_COMPLETE ? n : 0,
                            .values = values,
                            .n_intermediate = state == KNOB_TRIAL_PRUNED ? 1 : 0,
                            .intermediate = &step,
                            .n_system_attrs = constraints ? 1 : 0,
                            .system_attrs = &c};
    int64_t number = -1;
    if (knob_study_add_trial(s, &info, &number))
        fail_msg("add: %s", knob_errmsg());
    return number;
}

/* A PostgreSQL URL for a fresh schema of its own on the server named by
 * KNOB_TEST_PG_URL, or NULL when that is unset or empty (no server for this run: the
 * caller skips). A server that is named but cannot be reached, or refuses the schema,
 * fails the case: a broken setup is not a skip. */
#include <libpq-fe.h>
static inline const char *knob_test_pg_url(void)
{
    static char buf[4096];
    static int n;
    const char *base = getenv("KNOB_TEST_PG_URL");
    if (!base || !base[0])
        return NULL;
    char schema[64], sql[128];
    snprintf(schema, sizeof schema, "t_%d_%d_%ld", (int)getpid(), n++, (long)time(NULL));
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQfinish(c);
        fail_msg("KNOB_TEST_PG_URL is set but the server cannot be reached: %s", msg);
        return NULL;
    }
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        fail_msg("KNOB_TEST_PG_URL: %s: %s", sql, msg);
        return NULL;
    }
    PQclear(r);
    PQfinish(c);
    snprintf(buf, sizeof buf, "%s%soptions=-csearch_path%%3D%s", base,
             strchr(base, '?') ? "&" : "?", schema);
    return buf;
}

/* Runs one statement on c; fails the case with the server's message. */
static inline void knob_test_pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        PQclear(r);
        fail_msg("%s: %s", sql, msg);
    }
    PQclear(r);
}

/* knob_test_pg_url, or a skipped case (said why) when no server is named for this run. */
static inline const char *knob_test_pg_url_or_skip(void)
{
    const char *url = knob_test_pg_url();
    if (!url) {
        print_message("KNOB_TEST_PG_URL is not set: no PostgreSQL server in this run\n");
        skip();
    }
    return url;
}

/* Runs one statement on a connection of its own to `url`; fails the case as
 * knob_test_pg_exec does. */
static inline void knob_test_pg_exec_url(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, sql);
    PQfinish(c);
}

/* The plan (EXPLAIN EXECUTE) of the statement prepared on c as stmt(bigint), run for
 * `study` under plan_cache_mode `mode`, one line of it a line in `out`. */
static inline void knob_test_pg_plan(PGconn *c, const char *mode, const char *stmt, int64_t study,
                                     char *out, size_t size)
{
    char q[512];
    snprintf(q, sizeof q, "SET plan_cache_mode = %s", mode);
    knob_test_pg_exec(c, q);
    snprintf(q, sizeof q, "EXPLAIN EXECUTE %s(%lld)", stmt, (long long)study);
    PGresult *r = PQexec(c, q);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", q, PQresultErrorMessage(r));
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < PQntuples(r) && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s\n", PQgetvalue(r, i, 0));
    PQclear(r);
}

/* knob_test_pg_plan of the statement best(bigint). */
static inline void knob_test_pg_best_plan(PGconn *c, const char *mode, int64_t study, char *out,
                                          size_t size)
{
    knob_test_pg_plan(c, mode, "best", study, out, size);
}

/* Another program's transaction on the server of `url` (another application's batch job,
 * a psql session left idle in a transaction): it has written a table of its own, so it has
 * a transaction id, and it stays open until knob_test_stranger_end. */
static inline PGconn *knob_test_stranger_begin(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQfinish(c);
        fail_msg("the stranger cannot connect: %s", msg);
    }
    knob_test_pg_exec(c, "SET client_min_messages = warning");
    knob_test_pg_exec(c, "CREATE TABLE IF NOT EXISTS stranger_rows(v INTEGER)");
    knob_test_pg_exec(c, "BEGIN");
    knob_test_pg_exec(c, "INSERT INTO stranger_rows VALUES (1)");
    return c;
}

static inline void knob_test_stranger_end(PGconn *c)
{
    if (!c)
        return;
    knob_test_pg_exec(c, "ROLLBACK");
    PQfinish(c);
}

#endif
