/* Shared by the unit tests that look into a SQLite study file behind the library's back:
 * one statement run, or one integer read, on a connection of their own; a statement's
 * query plan and its virtual machine steps. */
#ifndef KNOB_TESTUTIL_SQLITE_H
#define KNOB_TESTUTIL_SQLITE_H

#include "testutil.h"

#include <sqlite3.h>

/* Runs `sql` (one or more statements) on the file at `path`; a failure fails the case. */
static inline void knob_test_sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* The first column of the first row of `sql` on the file at `path`, -1 without a row. */
static inline int64_t knob_test_sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* The plan of `sql` on db (EXPLAIN QUERY PLAN), one line of it a line in `out`. */
static inline void knob_test_sql_plan(sqlite3 *db, const char *sql, char *out, size_t size)
{
    char text[4096];
    sqlite3_stmt *s;
    snprintf(text, sizeof text, "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(db, text, -1, &s, NULL), SQLITE_OK);
    size_t len = 0;
    out[0] = 0;
    while (sqlite3_step(s) == SQLITE_ROW && len < size)
        len += (size_t)snprintf(out + len, size - len, "%s\n", sqlite3_column_text(s, 3));
    sqlite3_finalize(s);
}

/* The virtual machine steps of `sql` (its ?1 bound to `id`) up to its first row, which it
 * must have; that row's first column in *first unless first is NULL. */
static inline int knob_test_sql_vm_steps(sqlite3 *db, const char *sql, int64_t id, double *first)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    if (first)
        *first = sqlite3_column_double(s, 0);
    int n = sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 0);
    sqlite3_finalize(s);
    return n;
}

#endif
