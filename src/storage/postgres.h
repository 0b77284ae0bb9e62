/* What the PostgreSQL storage did in this process, counted for bench/workers and the
 * tests: how often a sync looked for changes, read them, had to read the server's lock
 * table (pg_locks) for its watermark, and looked up the writers that ended during it; the
 * trials its syncs read, and how many of those were running or waiting; the study
 * snapshot's writes; the statements prepared. */
#ifndef KNOB_STORAGE_POSTGRES_H
#define KNOB_STORAGE_POSTGRES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct knob__pg_counts {
    int64_t looks;        /* one indexed look: did anything change? (Q_CHANGED) */
    int64_t syncs;        /* the sync's pipeline (watermark and the changed trials' rows) */
    int64_t lock_reads;   /* syncs whose watermark read pg_locks (the plain mark was short) */
    int64_t stamped_by;   /* syncs that then looked up writers ended after their snapshot */
    int64_t trials;       /* trials the syncs read (a trial read again counts again) */
    int64_t unfinished;   /* of those, trials read while running or waiting */
    int64_t snap_tries;   /* study snapshot writes begun (a transaction each) */
    int64_t snap_written; /* of those, segments written */
    int64_t snap_whole;   /* of those written, whole chains (from stamp 0) */
    int64_t snap_bytes;   /* bytes encoded for snapshot writes, written or not */
    int64_t parses;       /* statements prepared (each by its first use on a connection) */
} knob__pg_counts;

/* The counts of every PostgreSQL storage of this process so far (thread-safe). */
void knob__pg_counts_get(knob__pg_counts *out);

/* The statement the studies listing counts a study's trials and complete trials with
 * ($1: the study's id), for the tests' EXPLAIN. Static text. */
const char *knob__pg_count_trials_sql(void);

/* The statement the studies listing finds a study's best first value with ($1: the study's
 * id; `max`: of a maximized study), for the tests' EXPLAIN. Static text. */
const char *knob__pg_best_sql(bool max);
/* The statement best_trial finds a study's best trial and reads its rows with ($1: the
 * study's id; `max`: of a maximized study), for the tests' EXPLAIN. Static text. */
const char *knob__pg_best_trial_sql(bool max);

#endif
