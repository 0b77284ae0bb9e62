/* The floor under `knob tell`: what a process that tells one trial must do and nothing
 * else, on the same SQLite that knob links and with knob's settings (src/storage/sqlite.c):
 * open the file, the same pragmas and the WAL, one IMMEDIATE transaction that marks the
 * trial complete and upserts its value, and at close knob's rule for the WAL (a TRUNCATE
 * checkpoint with 64 pages or more in it, else an fdatasync of the WAL), so that the value
 * is on disk when the process exits, as with `knob tell`. It reads no schema version,
 * prepares no statement it does not run, keeps no change stamp and no state.
 *
 *     tell_floor FILE STUDY NUMBER VALUE [STAGE]
 *
 * bench/startup/run.py times it beside `knob tell`: the difference is knob's own. STAGE
 * stops it early, to split the floor: `open` after the open and the pragmas (the first
 * read of the file: the WAL's index rebuilt, the schema parsed), `commit` after the
 * transaction (no sync at close). */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int frames;

static int on_commit(void *ctx, sqlite3 *h, const char *name, int n)
{
    (void)ctx;
    (void)h;
    (void)name;
    frames = n;
    return SQLITE_OK;
}

static int fail(sqlite3 *h, const char *what)
{
    fprintf(stderr, "tell_floor: %s: %s\n", what, h ? sqlite3_errmsg(h) : "out of memory");
    sqlite3_close(h);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: tell_floor FILE STUDY NUMBER VALUE [open|commit]\n");
        return 2;
    }
    const char *stage = argc == 6 ? argv[5] : "";
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0); /* as knob's main */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL))
        return fail(h, "open");
    sqlite3_busy_timeout(h, 60000);
    if (sqlite3_exec(h,
                     "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                     "PRAGMA journal_size_limit = 4194304; PRAGMA cache_size = 16; "
                     "PRAGMA cache_spill = 500; PRAGMA journal_mode = WAL",
                     NULL, NULL, NULL))
        return fail(h, "pragmas");
    sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    if (!strcmp(stage, "open")) /* with the schema read, as the first statement reads it */
        return sqlite3_exec(h, "SELECT 1 FROM studies WHERE 0", NULL, NULL, NULL) ||
               sqlite3_close(h) != SQLITE_OK;
    sqlite3_wal_hook(h, on_commit, NULL);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    sqlite3_stmt *up = NULL, *val = NULL;
    if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) ||
        sqlite3_prepare_v2(h,
                           "UPDATE trials SET state = 1, end_time = ?3 WHERE study = "
                           "(SELECT id FROM studies WHERE name = ?1) AND number = ?2",
                           -1, &up, NULL) ||
        sqlite3_prepare_v2(h,
                           "INSERT INTO trial_values(trial, idx, value) VALUES((SELECT id FROM "
                           "trials WHERE study = (SELECT id FROM studies WHERE name = ?1) AND "
                           "number = ?2), 0, ?3) ON CONFLICT(trial, idx) DO UPDATE SET "
                           "value = excluded.value",
                           -1, &val, NULL))
        return fail(h, "begin");
    sqlite3_bind_text(up, 1, argv[2], -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 2, atoll(argv[3]));
    sqlite3_bind_double(up, 3, (double)now.tv_sec + now.tv_nsec * 1e-9);
    sqlite3_bind_text(val, 1, argv[2], -1, SQLITE_STATIC);
    sqlite3_bind_int64(val, 2, atoll(argv[3]));
    sqlite3_bind_double(val, 3, atof(argv[4]));
    if (sqlite3_step(up) != SQLITE_DONE || sqlite3_changes(h) != 1 ||
        sqlite3_step(val) != SQLITE_DONE || sqlite3_exec(h, "COMMIT", NULL, NULL, NULL))
        return fail(h, "tell");
    sqlite3_finalize(up);
    sqlite3_finalize(val);
    if (!strcmp(stage, "commit"))
        return sqlite3_close(h) != SQLITE_OK;
    if (frames >= 64 &&
        sqlite3_wal_checkpoint_v2(h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) == SQLITE_OK)
        frames = 0;
    else {
        int fd = open(sqlite3_filename_wal(sqlite3_db_filename(h, "main")), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            fdatasync(fd);
            close(fd);
        }
    }
    sqlite3_close(h);
    return 0;
}
