/* knob dashboard: the server (dashboard.c) and its JSON API (dashboard_api.c). */
#ifndef KNOB_CLI_DASHBOARD_H
#define KNOB_CLI_DASHBOARD_H

#include "cli/sweep.h"
#include "knob.h"
#include "util/json.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The server's state; every request runs on its one thread, which alone uses the storage
 * handle `st` (the importance thread opens a handle of its own from `url`). */
typedef struct dash {
    knob_storage *st; /* NULL while the storage's file is gone or cannot be opened again */
    const char *url;
    /* A SQLite storage's file (NULL: another storage), and the device and inode of the file
     * opened (dash_watch): a file deleted and made again at that path (rm knob.db; knob run)
     * is another file, which the dashboard opens in place of the one it read (dash_api);
     * while no file is there, requests are answered 503, said once on stderr (gone). The
     * file opened stays open, so no new file at the path can take its inode number. */
    char *db_path;
    dev_t db_dev;
    ino_t db_ino;
    bool gone;
    bool writable;
    /* It listens on a loopback address: only requests naming this machine as their Host
     * are answered (a page of another site, its name rebound to 127.0.0.1, is not). */
    bool local;
    const char *host; /* --host as given */
    const char *token;
    /* --trial-dir: the runs' trial_dir, whose <study> directory alone the log tails are read
     * from (NULL: each study's stored sweep's trial_dir, else knob-runs; relative to the
     * dashboard's working directory). */
    const char *trial_dir;
    const char *page;
    size_t page_len;
    struct dash_study {
        char *name;
        knob_study *s;
        /* When the study was made (the storage's summary; 0 unknown): a study deleted and
         * made again under its name has another, which tells a page to start over. */
        double created;
        /* The importance, computed again when the complete trials changed and
         * DASH_IMPORTANCE_EVERY seconds have passed, or DASH_IMPORTANCE_SHARE times as long
         * as it took last (importance_cost): fANOVA fits 64 trees, 9 s of CPU at 100,000
         * trials. Past 2,000 complete trials it is computed on a thread of its own
         * (dash_importer; not for memory:, which no other handle can open), and the page
         * shows the last one meanwhile (none at first). */
        knobx_buf importance;
        double importance_at, importance_cost;
        size_t importance_n;
    } * studies; /* loaded on first use, kept for incremental syncs */
    size_t n_studies, cap_studies;
    struct dash_importer *importer; /* the importance thread's job; NULL: none made yet */
    /* the stored sweeps whose warnings were printed: each request reads a study's stored
     * sweep again (/api/log, /api/enqueue), and its warnings are said once */
    sweep_warned warned;
    /* the stored sweeps /api/study read, by their text (NULL: none yet) */
    struct cli_web_sweeps *sweeps;
} dash;

/* A request as the API sees it: the path, a lookup of query arguments, and the body. */
typedef struct dash_req {
    const char *path;
    bool post;
    const char *(*arg)(void *conn, const char *key);
    void *conn;
    const char *body;
    size_t body_len;
} dash_req;

/* Notes which file a SQLite storage's URL opened (d->db_path, db_dev, db_ino), for dash_api to
 * tell when another file has taken its place; nothing for another storage. -1 when out of
 * memory. */
int dash_watch(dash *d);

/* Answers an /api/ request: the HTTP status, and the JSON reply in out. */
int dash_api(dash *d, const dash_req *r, knobx_buf *out);

/* Frees the loaded studies, the stored sweeps warned of and read, and the importance thread's job
 * (a thread still computing frees it when it ends: the server does not wait for it). */
void dash_free_studies(dash *d);

/* Opens libmicrohttpd, which the dashboard alone uses, on its first call (lazy_mhd.c,
 * util/lazy.h): NULL when it is usable, else "<soname>: <why not>". Thread-safe. */
const char *cli_lazy_mhd(void);

#endif
