/* Shared by the unit tests that look into a SQLite study file behind the library's back:
 * one statement run, or one integer read, on a connection of their own. */
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

#endif
