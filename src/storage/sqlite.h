/* What the SQLite storage shows the tests of itself. */
#ifndef KNOB_STORAGE_SQLITE_H
#define KNOB_STORAGE_SQLITE_H

#include <stdbool.h>

/* The statement the studies listing finds a study's best first value with (?1: the study's
 * id; `max`: of a maximized study), for the tests' EXPLAIN QUERY PLAN. Static text. */
const char *knob__sqlite_best_sql(bool max);
/* best_trial's statements (tests: their plans): 0 the look for stale best values, 1 the
 * best trial minimized, 2 maximized. */
const char *knob__sqlite_best_trial_sql(int which);

#endif
