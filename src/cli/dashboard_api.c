/* The JSON API of knob dashboard, over the public C API:
 *
 *   GET  /api/info                       {"writable": bool, "version": "..."}
 *   GET  /api/studies                    every study (as knob studies --json)
 *   GET  /api/study?name=S&since=STAMP   the trials written since STAMP (the storage's change
 *                                        stamps: a poll reads only what changed), "stamp" next
 *   GET  /api/sweep?name=S               the sweep file stored with the study
 *   GET  /api/log?name=S&trial=N         the ends of the trial's stdout.log and stderr.log
 *                                        (only from under the study's trial directories: 403)
 *   POST /api/note?name=S      {"note": "text"}                       (--allow-write)
 *   POST /api/tell?name=S      {"trial": N, "state": "complete", "values": [..]}
 *   POST /api/enqueue?name=S   {"params": {"lr": 0.01}}          as knob enqueue: the values
 *                                        the program gets, 400 naming a param they do not fit;
 *                                        answers {"ok": true, "trial": N, "params": {...}},
 *                                        the trial's number and its values as stored
 *
 * Malformed requests get 400 with {"error": "..."}, unknown studies and paths 404. */
#include "cli/cli.h"
#include "cli/dashboard.h"
#include "cli/run.h"
#include "cli/sweep.h"
#include "cli/web.h"
#include "util/url.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_TAIL 16384
#define DASH_IMPORTANCE_EVERY 5.0
#define DASH_IMPORTANCE_SHARE 20.0
/* Up to this many complete trials the importance is computed in the request (0.2 s of CPU
 * at 2,000), past it on the importance thread. */
#define DASH_IMPORTANCE_INLINE 2000

static int error(knobx_buf *out, int status, const char *msg)
{
    knobx_buf_reset(out);
    knobx_buf_puts(out, "{\"error\":");
    knobx_json_add_string(out, msg);
    knobx_buf_puts(out, "}");
    return status;
}

/* One importance computation at a time, on a detached thread with its own storage handle:
 * the request thread starts it and takes its result at a later request. */
struct dash_importer {
    pthread_mutex_t mu;
    bool running;   /* a thread computes (for `name`) */
    bool done;      /* its result is in `json`, not taken yet */
    bool abandoned; /* the server stopped: the running thread frees the job */
    char *url, *name;
    size_t n;    /* the complete trials the study held when it was started */
    double cost; /* seconds it took */
    knobx_buf json;
};

static void importer_free(struct dash_importer *j)
{
    pthread_mutex_destroy(&j->mu);
    free(j->url);
    free(j->name);
    knobx_buf_free(&j->json);
    free(j);
}

static double now(void);

static void *importer_run(void *arg)
{
    struct dash_importer *j = arg;
    double t = now();
    knobx_buf b = {0};
    knob_storage *st;
    knob_study *s;
    if (knob_storage_open(j->url, &st) == KNOB_OK) {
        if (knob_study_load(st, j->name, NULL, &s) == KNOB_OK) {
            cli_web_importance_json(&b, s);
            knob_study_free(s);
        }
        knob_storage_close(st);
    }
    if (!b.len || b.oom) {
        knobx_buf_reset(&b);
        knobx_buf_puts(&b, CLI_WEB_NO_IMPORTANCE);
    }
    pthread_mutex_lock(&j->mu);
    bool gone = j->abandoned;
    if (!gone) {
        knobx_buf_free(&j->json);
        j->json = b;
        j->cost = now() - t;
        j->done = true;
        j->running = false;
    }
    pthread_mutex_unlock(&j->mu);
    if (gone) {
        knobx_buf_free(&b);
        importer_free(j);
    }
    return NULL;
}

void dash_free_studies(dash *d)
{
    struct dash_importer *j = d->importer;
    if (j) {
        pthread_mutex_lock(&j->mu);
        bool running = j->running;
        j->abandoned = true;
        pthread_mutex_unlock(&j->mu);
        if (!running)
            importer_free(j);
        d->importer = NULL;
    }
    for (size_t i = 0; i < d->n_studies; i++) {
        knob_study_free(d->studies[i].s);
        free(d->studies[i].name);
        knobx_buf_free(&d->studies[i].importance);
    }
    free(d->studies);
    d->studies = NULL;
    d->n_studies = d->cap_studies = 0;
    sweep_warned_free(&d->warned);
    cli_web_sweeps_free(d->sweeps);
    d->sweeps = NULL;
}

static void forget(dash *d, size_t i)
{
    knob_study_free(d->studies[i].s);
    free(d->studies[i].name);
    knobx_buf_free(&d->studies[i].importance);
    d->studies[i] = d->studies[--d->n_studies];
}

/* When study `name` was made, from the storage's list; 0 when it cannot be told. */
static double created(dash *d, const char *name)
{
    const knob_study_summary *list;
    size_t n;
    if (knob_storage_studies(d->st, &list, &n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].name, name))
            return list[i].created;
    return 0;
}

/* The study named by ?name=, loaded once and kept; NULL after writing the error reply. A
 * kept study that fails its sync was deleted (maybe made again): it is loaded anew. */
static knob_study *study_arg(dash *d, const dash_req *r, knobx_buf *out, int *status)
{
    const char *name = r->arg(r->conn, "name");
    if (!name || !name[0]) {
        *status = error(out, 400, "the study's name is missing: ?name=STUDY");
        return NULL;
    }
    for (size_t i = 0; i < d->n_studies; i++) {
        if (strcmp(d->studies[i].name, name))
            continue;
        /* A study deleted meanwhile fails its sync: load it again (or say it is gone). */
        if (knob_study_sync(d->studies[i].s) == KNOB_OK)
            return d->studies[i].s;
        forget(d, i);
        break;
    }
    knob_study *s;
    int rc = knob_study_load(d->st, name, NULL, &s);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", knob_errmsg());
        /* a name that is no study's name (not UTF-8, say) is the request's fault */
        *status = error(out, rc == KNOB_ENOTFOUND ? 404 : rc == KNOB_EINVAL ? 400 : 500, msg);
        return NULL;
    }
    if (d->n_studies == d->cap_studies) {
        size_t cap = d->cap_studies ? 2 * d->cap_studies : 8;
        struct dash_study *g = realloc(d->studies, cap * sizeof *g);
        if (!g) {
            knob_study_free(s);
            *status = error(out, 500, "out of memory");
            return NULL;
        }
        d->studies = g;
        d->cap_studies = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        knob_study_free(s);
        *status = error(out, 500, "out of memory");
        return NULL;
    }
    d->studies[d->n_studies++] =
        (struct dash_study){.name = copy, .s = s, .created = created(d, name)};
    return s;
}

static int studies(dash *d, knobx_buf *out)
{
    const knob_study_summary *list;
    size_t n;
    if (knob_storage_studies(d->st, &list, &n))
        return error(out, 500, knob_errmsg());
    knobx_buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        knobx_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
        knobx_json_add_string(out, list[i].name);
        knobx_buf_puts(out, ",\"directions\":[");
        for (size_t k = 0; k < list[i].n_objectives; k++)
            knobx_buf_printf(out, "%s\"%s\"", k ? "," : "",
                             list[i].directions[k] == KNOB_MAXIMIZE ? "maximize" : "minimize");
        knobx_buf_printf(out, "],\"n_trials\":%lld,\"n_complete\":%lld,\"best_value\":",
                         (long long)list[i].n_trials, (long long)list[i].n_complete);
        cli_json_value(out, list[i].best_value);
        knobx_buf_printf(out, ",\"created\":%.3f}", list[i].created);
    }
    knobx_buf_puts(out, "]");
    return 200;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Takes the importance thread's result into its study's entry, if it has one by now. */
static void importer_take(dash *d)
{
    struct dash_importer *j = d->importer;
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    if (j->done) {
        j->done = false;
        for (size_t i = 0; i < d->n_studies; i++) {
            struct dash_study *e = &d->studies[i];
            if (strcmp(e->name, j->name))
                continue;
            knobx_buf_free(&e->importance);
            e->importance = j->json;
            j->json = (knobx_buf){0};
            e->importance_at = now();
            e->importance_cost = j->cost;
            e->importance_n = j->n;
        }
    }
    pthread_mutex_unlock(&j->mu);
}

/* Starts the importance of study `e` (n complete trials) on the importance thread unless
 * it computes already; false when it cannot (then the caller computes it itself). */
static bool importer_start(dash *d, const struct dash_study *e, size_t n)
{
    if (!strncmp(d->url, "memory:", 7))
        return false; /* no other handle sees this process's memory */
    struct dash_importer *j = d->importer;
    if (!j) {
        if (!(j = calloc(1, sizeof *j)) || !(j->url = strdup(d->url))) {
            free(j);
            return false;
        }
        pthread_mutex_init(&j->mu, NULL);
        d->importer = j;
    }
    pthread_mutex_lock(&j->mu);
    bool started = j->running || j->done; /* one at a time; a result waits to be taken */
    char *name = started ? NULL : strdup(e->name);
    if (name) {
        free(j->name);
        j->name = name;
        j->n = n;
        pthread_attr_t at;
        pthread_t th;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        j->running = started = pthread_create(&th, &at, importer_run, j) == 0;
        pthread_attr_destroy(&at);
    }
    pthread_mutex_unlock(&j->mu);
    return started;
}

/* The study's importance as members of its JSON (cli_web_importance_json), from the cache
 * unless it is stale; a stale one of a study past DASH_IMPORTANCE_INLINE complete trials is
 * computed again on the importance thread, and the cache (none at first) serves meanwhile. */
static const char *importance(dash *d, knob_study *s)
{
    importer_take(d);
    struct dash_study *e = NULL;
    for (size_t i = 0; i < d->n_studies && !e; i++)
        if (d->studies[i].s == s)
            e = &d->studies[i];
    const knob_trial_info *const *all;
    size_t n, n_complete = 0;
    if (!e || knob_study_trials(s, &all, &n))
        return CLI_WEB_NO_IMPORTANCE;
    for (size_t i = 0; i < n; i++)
        n_complete += all[i]->state == KNOB_TRIAL_COMPLETE;
    double t = now(), wait = DASH_IMPORTANCE_SHARE * e->importance_cost;
    if (wait < DASH_IMPORTANCE_EVERY)
        wait = DASH_IMPORTANCE_EVERY;
    if ((!e->importance.len || (n_complete != e->importance_n && t - e->importance_at >= wait)) &&
        (n_complete <= DASH_IMPORTANCE_INLINE || !importer_start(d, e, n_complete))) {
        knobx_buf_reset(&e->importance);
        cli_web_importance_json(&e->importance, s);
        e->importance_at = now();
        e->importance_cost = e->importance_at - t;
        e->importance_n = n_complete;
    }
    return !e->importance.len || e->importance.oom ? CLI_WEB_NO_IMPORTANCE
                                                   : knobx_buf_cstr(&e->importance);
}

static int study(dash *d, const dash_req *r, knobx_buf *out)
{
    int status = 200;
    int64_t since = 0;
    const char *text = r->arg(r->conn, "since");
    if (text && (cli_int(text, &since) || since < 0))
        return error(out, 400, "since: not a change stamp (a whole number >= 0)");
    knob_study *s = study_arg(d, r, out, &status);
    if (!s)
        return status;
    double made = 0;
    for (size_t i = 0; i < d->n_studies; i++)
        if (d->studies[i].s == s)
            made = d->studies[i].created;
    knobx_buf extra = {0};
    knobx_buf_printf(&extra, "\"writable\":%s,%s,\"created\":", d->writable ? "true" : "false",
                     importance(d, s));
    knobx_json_add_number(&extra, made);
    int rc = extra.oom ? -1 : cli_web_study_json(out, s, since, knobx_buf_cstr(&extra), &d->sweeps);
    knobx_buf_free(&extra);
    if (rc)
        return error(out, 500, knob_errmsg());
    return 200;
}

static int sweep_file(dash *d, const dash_req *r, knobx_buf *out)
{
    int status = 200;
    knob_study *s = study_arg(d, r, out, &status);
    if (!s)
        return status;
    const char *sw = knob_study_system_attr(s, "sweep");
    knobx_buf_printf(out, "{\"sweep\":%s}", sw ? sw : "null");
    return 200;
}

/* The last LOG_TAIL bytes of the regular file `name` in the open directory dfd (a symlink,
 * a FIFO or a device is not read) as a JSON string, or null when it cannot be read. */
static void tail_json(knobx_buf *out, int dfd, const char *name)
{
    char buf[LOG_TAIL];
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        knobx_buf_puts(out, "null");
        return;
    }
    off_t end = st.st_size;
    off_t from = end > LOG_TAIL - 1 ? end - (LOG_TAIL - 1) : 0;
    ssize_t got = pread(fd, buf, sizeof buf - 1, from);
    close(fd);
    if (got < 0) {
        knobx_buf_puts(out, "null");
        return;
    }
    buf[got] = 0;
    for (char *p = buf; p < buf + got; p++)
        if (!*p)
            *p = ' ';
    const char *start = buf;
    if (from > 0) { /* from the first whole line */
        const char *nl = memchr(buf, '\n', (size_t)got);
        if (nl)
            start = nl + 1;
    }
    knobx_json_add_string(out, start);
}

/* The trial directories' root of study `name`, resolved (realpath) into root: --trial-dir,
 * else the stored sweep's trial_dir, else knob-runs, with the study's directory name (as
 * knob run names it) under it. 0, or -1 with the reason in why. */
static int trial_root(dash *d, knob_study *s, const char *name, char *root, char *why,
                      size_t why_size)
{
    knobx_buf b = {0};
    sweep sw = {0};
    bool parsed = false;
    const char *dir = d->trial_dir;
    if (!dir) {
        const char *text = knob_study_system_attr(s, "sweep");
        knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
        if (j && j->type == KNOBX_JSON_STRING &&
            sweep_load_stored_once("the study's stored sweep", j->str, &d->warned, &sw) == 0) {
            parsed = true;
            dir = sw.trial_dir;
        }
        knobx_json_free(j);
    }
    knobx_buf_printf(&b, "%s/", dir ? dir : "knob-runs");
    run_dir_name(name, &b);
    int rc = 0;
    if (b.oom || !realpath(knobx_buf_cstr(&b), root)) {
        snprintf(why, why_size,
                 "the trial directories of study '%s' are not at %s (%s): start the dashboard "
                 "where knob run ran, or give --trial-dir",
                 name, b.oom ? "?" : knobx_buf_cstr(&b), b.oom ? "out of memory" : strerror(errno));
        rc = -1;
    }
    if (parsed)
        sweep_free(&sw);
    knobx_buf_free(&b);
    return rc;
}

/* The ends of the trial's stdout.log and stderr.log, read only from within the study's trial
 * directories' root: the directory the trial recorded (its "runner" attribute, which anyone
 * with the storage can write) is resolved and must lie under that root, else 403. */
static int trial_log(dash *d, const dash_req *r, knobx_buf *out)
{
    int status = 200;
    int64_t number;
    const char *text = r->arg(r->conn, "trial");
    if (!text || cli_int(text, &number) || number < 0)
        return error(out, 400, "trial: not a trial number (?trial=N, N >= 0)");
    knob_study *s = study_arg(d, r, out, &status);
    if (!s)
        return status;
    const knob_trial_info *const *all;
    size_t n;
    if (knob_study_trials(s, &all, &n))
        return error(out, 500, knob_errmsg());
    if ((uint64_t)number >= n)
        return error(out, 404, "no such trial");
    const char *rec = knob_trial_info_attr(all[number], "runner", true);
    knobx_json *j = rec ? knobx_json_parse(rec, (size_t)-1, NULL, 0) : NULL;
    const knobx_json *dir = knobx_json_get(j, "dir");
    if (!dir || dir->type != KNOBX_JSON_STRING) {
        knobx_json_free(j);
        knobx_buf_puts(out, "{\"dir\":null}");
        return 200;
    }
    char root[PATH_MAX], real[PATH_MAX], msg[PATH_MAX + 512];
    int rc = 200;
    if (trial_root(d, s, knob_study_name(s), root, msg, sizeof msg)) {
        rc = error(out, 404, msg);
    } else if (!realpath(dir->str, real)) {
        snprintf(msg, sizeof msg, "trial %lld: its directory %.1024s cannot be found (%s)",
                 (long long)number, dir->str, strerror(errno));
        rc = error(out, 404, msg);
    } else if (strncmp(real, root, strlen(root)) || real[strlen(root)] != '/') {
        snprintf(msg, sizeof msg,
                 "trial %lld: its recorded directory %.1024s is not under the trial directories' "
                 "root %.1024s: not served",
                 (long long)number, dir->str, root);
        rc = error(out, 403, msg);
    }
    int dfd = rc == 200 ? open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) : -1;
    if (rc == 200 && dfd < 0) {
        snprintf(msg, sizeof msg, "trial %lld: cannot open its directory %.1024s: %s",
                 (long long)number, real, strerror(errno));
        rc = error(out, 404, msg);
    }
    if (rc == 200) {
        knobx_buf_puts(out, "{\"dir\":");
        knobx_json_add_string(out, real);
        knobx_buf_puts(out, ",\"stdout\":");
        tail_json(out, dfd, "stdout.log");
        knobx_buf_puts(out, ",\"stderr\":");
        tail_json(out, dfd, "stderr.log");
        knobx_buf_puts(out, "}");
        close(dfd);
    }
    knobx_json_free(j);
    return rc;
}

/* ---------------------------------------------------------------- writes */

static int note(dash *d, knob_study *s, const knobx_json *body, knobx_buf *out)
{
    (void)d;
    const knobx_json *t = knobx_json_get(body, "note");
    if (!t || t->type != KNOBX_JSON_STRING)
        return error(out, 400, "note: the body must be {\"note\": \"text\"}");
    knobx_buf j = {0};
    knobx_json_add_string(&j, t->str);
    int rc = j.oom ? KNOB_ENOMEM : knob_study_set_user_attr(s, "note", knobx_buf_cstr(&j));
    knobx_buf_free(&j);
    if (rc)
        return error(out, rc == KNOB_EINVAL ? 400 : 500, knob_errmsg());
    knobx_buf_puts(out, "{\"ok\":true}");
    return 200;
}

/* The HTTP status of a library status from a tell: no such trial, a trial finished or
 * waiting (or a wrong count), or the storage. */
static int tell_status(int rc)
{
    return rc == KNOB_ENOTFOUND ? 404 : rc == KNOB_EINVAL || rc == KNOB_ESTATE ? 409 : 500;
}

/* A tell's list `key` (absent: none) into x[0 .. *n), at most 64 finite numbers: 0, or 400
 * after writing the error. 1e400 reads as inf, which the study records as a FAIL: refused,
 * the trial left running. */
static int numbers(const knobx_json *a, const char *key, const char *one, double *x, size_t *n,
                   knobx_buf *out)
{
    char msg[160];
    if (a && a->type != KNOBX_JSON_ARRAY) {
        snprintf(msg, sizeof msg, "tell: \"%s\" must be an array of numbers", key);
        return error(out, 400, msg);
    }
    for (size_t i = 0; a && i < a->n; i++) {
        if (a->kids[i]->type != KNOBX_JSON_NUMBER || *n == 64) {
            snprintf(msg, sizeof msg, "tell: \"%s\" must be an array of at most 64 numbers", key);
            return error(out, 400, msg);
        }
        if (!isfinite(a->kids[i]->num)) {
            snprintf(msg, sizeof msg,
                     "tell: %s %zu is beyond a double's range: \"%s\" must be finite", one, i, key);
            return error(out, 400, msg);
        }
        x[(*n)++] = a->kids[i]->num;
    }
    return 0;
}

static int tell(dash *d, knob_study *s, const knobx_json *body, knobx_buf *out)
{
    (void)d;
    static const char *const names[] = {"complete", "pruned", "fail"};
    static const knob_trial_state states[] = {KNOB_TRIAL_COMPLETE, KNOB_TRIAL_PRUNED,
                                              KNOB_TRIAL_FAIL};
    const knobx_json *num = knobx_json_get(body, "trial"), *st = knobx_json_get(body, "state");
    const knobx_json *vals = knobx_json_get(body, "values");
    /* 2^53 and beyond: past any trial, and no int64_t for some of them */
    if (!num || num->type != KNOBX_JSON_NUMBER || num->num < 0 || num->num != floor(num->num) ||
        num->num >= 9007199254740992.0)
        return error(out, 400, "tell: \"trial\" must be a trial number");
    int k = -1;
    for (int i = 0; st && st->type == KNOBX_JSON_STRING && i < 3; i++)
        if (!strcmp(st->str, names[i]))
            k = i;
    if (k < 0)
        return error(out, 400, "tell: \"state\" must be \"complete\", \"pruned\" or \"fail\"");
    double v[64], c[64];
    size_t n = 0, n_c = 0;
    int bad = numbers(vals, "values", "value", v, &n, out);
    if (!bad) /* "constraints": as knob tell --constraints, each satisfied when <= 0 */
        bad =
            numbers(knobx_json_get(body, "constraints"), "constraints", "constraint", c, &n_c, out);
    if (bad)
        return bad;
    if (n && states[k] != KNOB_TRIAL_COMPLETE) { /* as knob tell (and Optuna's tell) */
        char msg[200];
        snprintf(msg, sizeof msg, "tell: a %s trial takes no values, got %zu%s", names[k], n,
                 states[k] == KNOB_TRIAL_PRUNED ? " (with one objective its value is its last "
                                                  "intermediate value; with several it has none)"
                                                : "");
        return error(out, 400, msg);
    }
    if (n_c && states[k] == KNOB_TRIAL_FAIL)
        return error(out, 400, "tell: \"constraints\" count for complete and pruned trials");
    /* a wrong count of values is said first, before constraints missing as well */
    bool bad_count = states[k] == KNOB_TRIAL_COMPLETE && n != knob_study_n_objectives(s);
    char why[1024], msg[2200];
    bool cons_missing = cli_constraints_missing(s, knob_study_name(s), (int64_t)num->num, states[k],
                                                n_c, "\"constraints\": [V, ...]", why, sizeof why);
    if (cons_missing && !bad_count) {
        snprintf(msg, sizeof msg, "tell: %s", why);
        return error(out, 400, msg);
    }
    if (n_c && !bad_count) {
        int crc = knob_study_set_trial_constraints(s, (int64_t)num->num, c, n_c);
        /* a wrong list (another count than the earlier trials') is the request's fault, as
         * knob tell's usage error */
        if (crc)
            return error(out, crc == KNOB_EINVAL ? 400 : tell_status(crc), knob_errmsg());
    }
    int rc = knob_study_tell_number(s, (int64_t)num->num, states[k], n ? v : NULL, n,
                                    states[k] == KNOB_TRIAL_FAIL ? "failed by hand in the dashboard"
                                                                 : NULL);
    /* a wrong count of values (or values missing) is the request's fault, 400, as knob
     * tell's usage error; a trial finished or waiting is 409 */
    if (rc == KNOB_EINVAL) {
        bool running = cli_trial_state(s, (int64_t)num->num) == KNOB_TRIAL_RUNNING;
        snprintf(msg, sizeof msg, "%s%s%s", knob_errmsg(),
                 running && cons_missing ? "; also, " : "", running && cons_missing ? why : "");
        return error(out, running ? 400 : tell_status(rc), msg);
    }
    if (rc)
        return error(out, tell_status(rc), knob_errmsg());
    knobx_buf_puts(out, "{\"ok\":true}");
    return 200;
}

/* Whether v holds a number beyond a double's range (1e400 reads as inf, which would be
 * written as null), at any depth; *name gets the param's name, dotted through nested params
 * ({"net": {"lr": 1e400}}: net.lr), up to a list that holds it. */
static bool nonfinite_in(const knobx_json *v, knobx_buf *name)
{
    if (v->type == KNOBX_JSON_NUMBER)
        return !isfinite(v->num);
    size_t at = name->len;
    for (size_t i = 0; (v->type == KNOBX_JSON_ARRAY || v->type == KNOBX_JSON_OBJECT) && i < v->n;
         i++) {
        if (v->type == KNOBX_JSON_OBJECT)
            knobx_buf_printf(name, "%s%s", at ? "." : "", v->kids[i]->key);
        if (nonfinite_in(v->kids[i], name))
            return true;
        name->len = at;
        if (name->data)
            name->data[at] = '\0';
    }
    return false;
}

static int enqueue(dash *d, knob_study *s, const knobx_json *body, knobx_buf *out)
{
    const knobx_json *p = knobx_json_get(body, "params");
    if (!p || p->type != KNOBX_JSON_OBJECT)
        return error(out, 400, "enqueue: the body must be {\"params\": {\"name\": value, ...}}");
    /* 1e400 reads as inf, which would be written as null: refused, as tell refuses it */
    knobx_buf name = {0};
    if (nonfinite_in(p, &name)) {
        char msg[384];
        snprintf(msg, sizeof msg,
                 "enqueue: param '%.256s' is beyond a double's range: values must be finite",
                 knobx_buf_cstr(&name));
        knobx_buf_free(&name);
        return error(out, 400, msg);
    }
    knobx_buf_free(&name);
    /* as knob enqueue: the values the program should get, converted to the library's form
     * by the sweep stored with the study, those outside its space refused */
    knobx_buf j = {0}, why = {0}, stored = {0};
    int64_t number = -1;
    knobx_json_add_node_as_written(&j, p); /* 9007199254740992.5 is not 2^53 for an int */
    cli_enqueue_status rc =
        j.oom ? CLI_ENQUEUE_FAILED
              : cli_enqueue(d->st, s, knobx_buf_cstr(&j), &d->warned, &stored, &number, &why);
    knobx_buf_free(&j);
    if (rc == CLI_ENQUEUE_OK) {
        /* the record as knob enqueue prints it (the values as stored, typed: "3" given for
         * an int param is 3), so the page can show what the trial will run with */
        knobx_buf_printf(out, "{\"ok\":true,\"trial\":%lld,\"params\":%s}", (long long)number,
                         stored.oom || !stored.len ? "null" : knobx_buf_cstr(&stored));
        knobx_buf_free(&stored);
        knobx_buf_free(&why);
        return 200;
    }
    knobx_buf_free(&stored);
    /* "enqueue: " and the reasons, one line each, joined by "; " */
    knobx_buf msg = {0};
    knobx_buf_puts(&msg, "enqueue: ");
    const char *text = why.oom || !why.len ? "out of memory" : knobx_buf_cstr(&why);
    for (const char *c = text; *c; c++) {
        if (*c != '\n')
            knobx_buf_add(&msg, c, 1);
        else if (c[1])
            knobx_buf_puts(&msg, "; ");
    }
    knobx_buf_free(&why);
    int status = error(out,
                       rc == CLI_ENQUEUE_REFUSED ? 400
                       : rc == CLI_ENQUEUE_FULL  ? 409
                                                 : 500,
                       msg.oom ? "enqueue: out of memory" : knobx_buf_cstr(&msg));
    knobx_buf_free(&msg);
    return status;
}

static int write_op(dash *d, const dash_req *r, knobx_buf *out,
                    int (*op)(dash *, knob_study *, const knobx_json *, knobx_buf *))
{
    if (!r->post)
        return error(out, 405, "this is a POST request");
    if (!d->writable)
        return error(out, 403, "the dashboard is read-only: start it with --allow-write");
    char err[256];
    /* numbers as written: 9007199254740992.5 is no int, though its double is */
    knobx_json *body =
        knobx_json_parse_as_written(r->body ? r->body : "", r->body_len, err, sizeof err);
    /* NaN and Infinity, which Python's json.dumps writes, are no JSON: said so, for a tell
     * of one (refused either way, the trial left running, as knob tell refuses them) */
    knobx_json *nf =
        body ? NULL : knobx_json_parse_nonfinite(r->body ? r->body : "", r->body_len, NULL, 0);
    bool nonfinite = nf != NULL;
    knobx_json_free(nf);
    if (nonfinite)
        return error(out, 400,
                     op == tell ? "the body holds NaN, Infinity or -Infinity, which are no JSON "
                                  "numbers: values must be finite (to fail a trial on purpose, "
                                  "tell it \"state\": \"fail\")"
                                : "the body holds NaN, Infinity or -Infinity, which are no JSON "
                                  "numbers: values must be finite");
    if (!body || body->type != KNOBX_JSON_OBJECT) {
        knobx_json_free(body);
        return error(out, 400, body ? "the body must be a JSON object" : err);
    }
    int status = 200;
    knob_study *s = study_arg(d, r, out, &status);
    if (s)
        status = op(d, s, body, out);
    knobx_json_free(body);
    return status;
}

int dash_watch(dash *d)
{
    char path[PATH_MAX];
    struct stat st;
    if (!knobx_sqlite_path(d->url, path, sizeof path))
        return 0;
    if (!(d->db_path = strdup(path)))
        return -1;
    if (stat(path, &st) == 0) {
        d->db_dev = st.st_dev;
        d->db_ino = st.st_ino;
    }
    return 0;
}

/* The storage of a SQLite file as it is at its path now: the file opened while it is there
 * (0), another one opened in its place when the file was deleted and made again (the
 * studies read from the old one forgotten), or the status of an error in out when no file
 * is there or it cannot be opened (each said once on stderr). */
static int storage_now(dash *d, knobx_buf *out)
{
    struct stat st;
    if (!d->db_path)
        return 0;
    if (stat(d->db_path, &st) != 0) {
        knobx_buf msg = {0};
        knobx_buf_printf(&msg,
                         "the storage's file %s is gone (%s): deleted? The dashboard reads it "
                         "again once it is there",
                         d->db_path, strerror(errno));
        if (!d->gone)
            fprintf(stderr, "knob dashboard: %s\n", knobx_buf_cstr(&msg));
        d->gone = true;
        int status = error(out, 503, msg.oom ? "the storage's file is gone" : knobx_buf_cstr(&msg));
        knobx_buf_free(&msg);
        return status;
    }
    if (d->st && st.st_dev == d->db_dev && st.st_ino == d->db_ino) {
        d->gone = false;
        return 0;
    }
    /* another file at the path (or the last one could not be opened): what was read from
     * the one before is not this file's. The one before stays open until then, so that the
     * new file cannot have its inode number. */
    dash_free_studies(d);
    knob_storage_close(d->st);
    d->st = NULL;
    if (knob_storage_open(d->url, &d->st) != KNOB_OK) {
        d->st = NULL;
        knobx_buf msg = {0};
        knobx_buf_printf(&msg, "the storage's file %s was replaced, and cannot be opened: %s",
                         d->db_path, knob_errmsg());
        if (!d->gone)
            fprintf(stderr, "knob dashboard: %s\n", knobx_buf_cstr(&msg));
        d->gone = true;
        int status =
            error(out, 503, msg.oom ? "the storage cannot be opened" : knobx_buf_cstr(&msg));
        knobx_buf_free(&msg);
        return status;
    }
    if (stat(d->db_path, &st) == 0) {
        d->db_dev = st.st_dev;
        d->db_ino = st.st_ino;
    }
    fprintf(stderr, "knob dashboard: %s is %s: the dashboard reads the new file\n", d->db_path,
            d->gone ? "there again" : "another file now (deleted and made again)");
    d->gone = false;
    return 0;
}

int dash_api(dash *d, const dash_req *r, knobx_buf *out)
{
    const char *p = r->path + strlen("/api/");
    int now_status = storage_now(d, out);
    if (now_status)
        return now_status;
    if (!strcmp(p, "note"))
        return write_op(d, r, out, note);
    if (!strcmp(p, "tell"))
        return write_op(d, r, out, tell);
    if (!strcmp(p, "enqueue"))
        return write_op(d, r, out, enqueue);
    if (r->post)
        return error(out, 405, "this is a GET request");
    if (!strcmp(p, "info")) {
        knobx_buf_printf(out, "{\"writable\":%s,\"version\":\"%s\"}",
                         d->writable ? "true" : "false", KNOB_VERSION_STRING);
        return 200;
    }
    if (!strcmp(p, "studies"))
        return studies(d, out);
    if (!strcmp(p, "study"))
        return study(d, r, out);
    if (!strcmp(p, "sweep"))
        return sweep_file(d, r, out);
    if (!strcmp(p, "log"))
        return trial_log(d, r, out);
    return error(out, 404, "no such API call");
}
