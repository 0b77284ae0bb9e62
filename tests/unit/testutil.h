/* Shared by the unit tests: cmocka, a case filter from argv, scratch paths. */
#ifndef KNOB_TESTUTIL_H
#define KNOB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Runs the cases of `tests`, or only the one named by argv[1]. */
#define KNOB_TEST_MAIN(tests)                                                      \
    int main(int argc, char **argv)                                                \
    {                                                                              \
        if (argc > 1)                                                              \
            cmocka_set_test_filter(argv[1]);                                       \
        return cmocka_run_group_tests(tests, NULL, NULL);                          \
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

/* A PostgreSQL URL for a fresh schema of its own on the server named by
 * KNOB_TEST_PG_URL, or NULL when that is unset (no server for this run). */
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
        fprintf(stderr, "KNOB_TEST_PG_URL: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    PQclear(PQexec(c, sql));
    PQfinish(c);
    snprintf(buf, sizeof buf, "%s%soptions=-csearch_path%%3D%s", base,
             strchr(base, '?') ? "&" : "?", schema);
    return buf;
}

#endif
