/* Opening storages by URL, and the storage-wide calls. */
#include "space.h"
#include "study.h"
#include "util/url.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad_url(int status, const char *url, const char *fmt)
{
    char *shown = knobx_redact_url(url);
    int rc = knob__error(status, fmt, shown ? shown : "?");
    free(shown);
    return rc;
}

/* SQLAlchemy's URLs name a driver after the scheme ("postgresql+psycopg2://",
 * "sqlite+pysqlite://"), as Optuna users write them: knob talks to the database itself, so
 * the driver is dropped. A malloc'd copy of url without it, or NULL when out of memory. */
static char *without_driver(const char *url, size_t scheme_len)
{
    const char *plus = memchr(url, '+', scheme_len);
    size_t cut = plus ? scheme_len - (size_t)(plus - url) : 0, n = strlen(url);
    char *out = malloc(n - cut + 1);
    if (!out)
        return NULL;
    size_t head = plus ? (size_t)(plus - url) : scheme_len;
    memcpy(out, url, head);
    memcpy(out + head, url + scheme_len, n - scheme_len + 1);
    return out;
}

/* SQLAlchemy's in-memory SQLite database, "sqlite:///:memory:" or, without a path,
 * "sqlite://" (a driver after the scheme and a query too, as the Python package takes
 * them): a new, empty database of this process alone, which is knob's "memory:". */
static bool sqlalchemy_memory(const char *url)
{
    static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    if (strncmp(url, "sqlite", 6) != 0)
        return false;
    const char *p = url + 6;
    if (*p == '+') {
        size_t n = strspn(p + 1, word);
        if (!n)
            return false;
        p += 1 + n;
    }
    if (strncmp(p, "://", 3) != 0)
        return false;
    p += 3;
    if (strncmp(p, "/:memory:", 9) == 0)
        p += 9;
    return *p == 0 || *p == '?';
}

int knob_storage_open(const char *url, knob_storage **out)
{
    if (!url || !out)
        return knob__error(KNOB_EINVAL, "knob_storage_open: NULL argument");
    if (sqlalchemy_memory(url))
        url = "memory:";
    const char *colon = strchr(url, ':'), *space = strchr(url, ' ');
    if (!colon || colon == url || (space && space < colon))
        return bad_url(KNOB_EINVAL, url,
                       "storage URL '%s' has no scheme (expected memory:, "
                       "sqlite:///relative.db, sqlite:////absolute/path.db or "
                       "postgresql://user:password@host:port/database)");
    const char *plus = memchr(url, '+', (size_t)(colon - url));
    size_t len = (size_t)((plus ? plus : colon) - url);
    const knob__backend *be = NULL;
    const char *scheme = url;
    if (len == 8 && strncmp(url, "postgres", 8) == 0) { /* libpq's other spelling */
        scheme = "postgresql";
        len = 10;
    }
    for (const knob__backend *const *b = knob__backends; *b; b++)
        if (strlen((*b)->scheme) == len && strncmp((*b)->scheme, scheme, len) == 0)
            be = *b;
    if (!be || (plus && !strcmp(be->scheme, "memory")))
        return bad_url(KNOB_EUNSUPPORTED, url,
                       "storage URL '%s': unknown scheme (memory, sqlite, postgresql)");
    if (be->snap_read && be->snap_write) {
        int rc = knob__snap_check_env();
        if (rc)
            return rc;
    }
    knob_storage *st = calloc(1, sizeof *st);
    if (!st || !(st->url = without_driver(url, (size_t)(colon - url)))) {
        free(st);
        return knob__oom("storage");
    }
    st->be = be;
    int rc = be->open(st->url, strchr(st->url, ':') + 1, &st->h);
    if (rc) {
        free(st->url);
        free(st);
        return rc;
    }
    char path[4096], abs[4096];
    if (knobx_sqlite_path(st->url, path, sizeof path) &&
        knobx_absolute_path(path, abs, sizeof abs) && (st->abs_url = malloc(strlen(abs) + 11)))
        sprintf(st->abs_url, "sqlite:///%s", abs);
    *out = st;
    return KNOB_OK;
}

void knob_storage_interrupt(knob_storage *st)
{
    if (st && st->be->interrupt)
        st->be->interrupt(st->h);
}

void knob_storage_close(knob_storage *st)
{
    if (!st)
        return;
    st->be->close(st->h);
    knob__summaries_free(st->summaries, st->n_summaries);
    free(st->url);
    free(st->abs_url);
    free(st);
}

/* ---------------------------------------------------------------- study summaries */

/* The study summaries' best values from the records of the best trials (view.c).
 *
 * A summary's best value is the best first value of a study's complete feasible trials.
 * Finding it in SQL reads every complete trial (100,000 of them: about half a second of a
 * PostgreSQL server's CPU; SQLite keeps each trial's best in an index instead, and has no
 * list_studies_best). The record of the best trials that `knob best`
 * keeps holds the best trial, or the Pareto front, as of its stamp. The best first value of
 * the study is then the better of the record's and of the trials stamped after it, while
 * the record's trials are unchanged since its stamp (the same argument as view.c's: the
 * least of a set is the least of the old set's least and of what was added or changed; on
 * several objectives the trial least in the first objective, ties broken by the others, is
 * on the front). The backend does the checks and the query of the trials after the stamp
 * in the read that lists the studies (backend list_studies_best); the core reads the
 * record's bytes, which only it knows. */
typedef struct reader {
    int64_t *numbers;
    size_t n, cap;
    knob_direction dir;
    double best;
    bool bad;
} reader;

static void on_trial(void *ctx, const knob__snap_trial *t)
{
    reader *r = ctx;
    /* a record holds complete trials with finite values only: anything else is not one */
    if (t->state != KNOB_TRIAL_COMPLETE || t->n_values < 1 || !isfinite(t->value) ||
        knob__grow(&r->numbers, &r->cap, r->n + 1, sizeof *r->numbers)) {
        r->bad = true;
        return;
    }
    r->numbers[r->n++] = t->number;
    if (isnan(r->best) || (r->dir == KNOB_MAXIMIZE ? t->value > r->best : t->value < r->best))
        r->best = t->value;
}

static bool read_record(void *ctx, int64_t study, knob_direction dir, int64_t stamp,
                        const void *data, size_t len, double *best, const int64_t **numbers,
                        size_t *n)
{
    reader *r = ctx;
    r->n = 0;
    r->dir = dir;
    r->best = NAN;
    r->bad = false;
    if (!knob__snap_brief(data, len, study, stamp, on_trial, r) || r->bad || r->n == 0)
        return false;
    *best = r->best;
    *numbers = r->numbers;
    *n = r->n;
    return true;
}

static int list_summaries(knob_storage *st, knob_study_summary **out, size_t *n)
{
    if (!st->be->list_studies_best || knob__snap_off())
        return st->be->list_studies(st->h, out, n);
    reader r = {0};
    int rc = st->be->list_studies_best(st->h, KNOB__BEST_KEY, read_record, &r, out, n);
    free(r.numbers);
    return rc;
}

int knob_storage_studies(knob_storage *st, const knob_study_summary **out, size_t *n)
{
    if (!st || !out || !n)
        return knob__error(KNOB_EINVAL, "knob_storage_studies: NULL argument");
    knob_study_summary *list = NULL;
    size_t count = 0;
    int rc = list_summaries(st, &list, &count);
    if (rc)
        return rc;
    knob__summaries_free(st->summaries, st->n_summaries);
    st->summaries = list;
    st->n_summaries = count;
    *out = list;
    *n = count;
    return KNOB_OK;
}

void knob__summaries_free(knob_study_summary *list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++) {
        free((char *)list[i].name);
        free((knob_direction *)list[i].directions);
    }
    free(list);
}

int knob_storage_delete_study(knob_storage *st, const char *name)
{
    if (!st || !name)
        return knob__error(KNOB_EINVAL, "knob_storage_delete_study: NULL argument");
    int64_t id;
    knob_direction *dirs = NULL;
    size_t n;
    int rc = st->be->find_study(st->h, name, &id, &dirs, &n);
    free(dirs);
    if (rc)
        return rc;
    return st->be->delete_study(st->h, id);
}

int knob_storage_batch_begin(knob_storage *st)
{
    if (!st)
        return knob__error(KNOB_EINVAL, "knob_storage_batch_begin: NULL storage");
    if (st->batch)
        return bad_url(KNOB_ESTATE, st->url, "storage '%s': a batch is already open");
    int rc = st->be->batch_begin ? st->be->batch_begin(st->h) : KNOB_OK;
    st->batch = rc == KNOB_OK;
    return rc;
}

int knob_storage_batch_end(knob_storage *st)
{
    if (!st)
        return knob__error(KNOB_EINVAL, "knob_storage_batch_end: NULL storage");
    if (!st->batch)
        return bad_url(KNOB_ESTATE, st->url, "storage '%s': no batch is open");
    st->batch = false;
    return st->be->batch_end ? st->be->batch_end(st->h) : KNOB_OK;
}

/* ---------------------------------------------------------------- the study's rows */

/* The core reaches a study's rows only through these: each names the study once, and the
 * steps that belong together (a trial with its fixed params, a failure with its reason)
 * are made here, once. */

/* The identities of a and b, of one backend that has them, into ia and ib (size each). */
static int identities(const knob_storage *a, const knob_storage *b, char *ia, char *ib, size_t size)
{
    int rc = a->be->identity(a->h, ia, size);
    return rc ? rc : b->be->identity(b->h, ib, size);
}

bool knob__store_same(const knob_storage *a, const knob_storage *b, int *rc)
{
    char ia[512], ib[512];
    *rc = KNOB_OK;
    if (a->be != b->be || !a->be->identity)
        return false;
    if ((*rc = identities(a, b, ia, ib, sizeof ia)))
        return false;
    return ia[0] && strcmp(ia, ib) == 0;
}

bool knob__store_same_or(const knob_storage *a, const knob_storage *b, bool by_url)
{
    char ia[512], ib[512];
    if (a->be != b->be)
        return false;
    if (!a->be->identity)
        return by_url;
    knob__kept_error k;
    knob__error_keep(&k);
    bool read = !identities(a, b, ia, ib, sizeof ia) && ia[0] && ib[0];
    knob__error_put(&k);
    return read ? strcmp(ia, ib) == 0 : by_url;
}

int knob__store_create_study(knob_storage *st, const char *name, const knob_direction *dirs,
                             size_t n_dirs, int64_t *id)
{
    return st->be->create_study(st->h, name, dirs, n_dirs, id);
}

int knob__store_find_study(knob_storage *st, const char *name, int64_t *id, knob_direction **dirs,
                           size_t *n_dirs)
{
    return st->be->find_study(st->h, name, id, dirs, n_dirs);
}

/* Whether the study of s is no longer in its storage (deleted, by this process or
 * another, while s had it): its name finds no study, or another one (made since). False
 * when the storage cannot tell; this thread's message is left as it was. */
static bool study_gone(knob_study *s)
{
    knob__kept_error k;
    knob__error_keep(&k);
    int64_t id = -1;
    knob_direction *dirs = NULL;
    size_t n = 0;
    int found = s->st->be->find_study(s->st->h, s->name, &id, &dirs, &n);
    free(dirs);
    knob__error_put(&k);
    return found == KNOB_ENOTFOUND || (found == KNOB_OK && id != s->id);
}

/* A backend's KNOB_ENOTFOUND for the study's row or one of its trials, when the study is
 * gone (study_gone): said with the study's name, which the backend, knowing the study by its
 * row id alone, cannot give. Any other status, or a study still there, is left as the
 * backend said it. */
static int named(knob_study *s, int rc)
{
    if (rc != KNOB_ENOTFOUND || !study_gone(s))
        return rc;
    char *shown = knobx_redact_url(s->st->url);
    knob__error(rc,
                "storage '%s': study '%s' is no longer there: it was deleted while this "
                "handle had it open",
                shown ? shown : "?", s->name);
    free(shown);
    return rc;
}

/* A backend's KNOB_EDONE from a trial's creation, said with the study's limit (knob run
 * tells it from a sampler's KNOB_EDONE by "its limit (max_trials, run_cap)": keep the words). */
static int creation_refused(const knob_study *s, int rc)
{
    if (rc == KNOB_EDONE)
        return knob__error(KNOB_EDONE,
                           "study '%s' holds %lld trials, its limit (max_trials, run_cap)", s->name,
                           (long long)s->max_trials);
    return rc;
}

int knob__store_new_trial(knob_study *s, knob_trial_state state, const knob_attr *attrs,
                          size_t n_attrs, int64_t *id, int64_t *number)
{
    int rc =
        s->st->be->create_trial(s->st->h, s->id, state, s->max_trials, attrs, n_attrs, id, number);
    return creation_refused(s, named(s, rc));
}

int knob__store_new_trial_claimed(knob_study *s, const char *key, const knob_attr *attrs,
                                  size_t n_attrs, bool *won, int64_t *id, int64_t *number)
{
    const knob__backend *be = s->st->be;
    *won = false;
    if (!be->create_claimed)
        return knob__error(KNOB_EINVAL,
                           "study '%s': the %s storage cannot create a trial with its claim",
                           s->name, be->scheme);
    int rc =
        be->create_claimed(s->st->h, s->id, s->max_trials, key, attrs, n_attrs, won, id, number);
    return creation_refused(s, named(s, rc));
}

int knob__store_enqueue(knob_study *s, const char *fixed_json, const knob_attr *more, size_t n_more)
{
    knob_attr attrs[8] = {{"fixed_params", fixed_json}};
    size_t n = 1;
    for (size_t i = 0; i < n_more && n < 8; i++)
        attrs[n++] = more[i];
    int64_t id, number;
    return knob__store_new_trial(s, KNOB_TRIAL_WAITING, attrs, n, &id, &number);
}

/* Without the backend's create_waiting: the row with its system attributes, then the rest
 * one write at a time (a failure there leaves the trial waiting without it). */
static int waiting_by_parts(knob_study *s, const knob__waiting_rec *w, int64_t *id, int64_t *number)
{
    int rc = knob__store_new_trial(s, KNOB_TRIAL_WAITING, w->system_attrs, w->n_system_attrs, id,
                                   number);
    if (!rc && w->n_params)
        rc = knob__store_params(s, *id, w->params, w->n_params);
    for (size_t i = 0; !rc && i < w->n_intermediate; i++)
        rc = knob__store_report(s, *id, w->intermediate[i].step, w->intermediate[i].value);
    for (size_t i = 0; !rc && i < w->n_user_attrs; i++)
        rc = knob__store_trial_attr(s, *id, false, w->user_attrs[i].key, w->user_attrs[i].json);
    if (rc)
        knob__error_prefix(rc,
                           "study '%s': added waiting trial %lld stays waiting, without what "
                           "was to be written after its row",
                           s->name, (long long)*number);
    return rc;
}

int knob__store_new_waiting(knob_study *s, const knob__waiting_rec *w, int64_t *id, int64_t *number)
{
    const knob__backend *be = s->st->be;
    if (!be->create_waiting)
        return waiting_by_parts(s, w, id, number);
    return creation_refused(
        s, named(s, be->create_waiting(s->st->h, s->id, s->max_trials, w, id, number)));
}

/* Without the backend's create_added: a RUNNING trial with its system attributes, then the
 * rest one write at a time; one that fails fails the trial (it cannot be taken back). */
static int added_by_parts(knob_study *s, const knob__added_rec *a, int64_t *id, int64_t *number)
{
    const knob__waiting_rec *w = &a->rows;
    int rc = knob__store_new_trial(s, KNOB_TRIAL_RUNNING, w->system_attrs, w->n_system_attrs, id,
                                   number);
    if (rc)
        return rc;
    if (w->n_params)
        rc = knob__store_params(s, *id, w->params, w->n_params);
    for (size_t i = 0; !rc && i < w->n_intermediate; i++)
        rc = knob__store_report(s, *id, w->intermediate[i].step, w->intermediate[i].value);
    for (size_t i = 0; !rc && i < w->n_user_attrs; i++)
        rc = knob__store_trial_attr(s, *id, false, w->user_attrs[i].key, w->user_attrs[i].json);
    if (!rc && a->state != KNOB_TRIAL_RUNNING)
        rc = knob__store_finish(s, *id, a->state, a->n_values ? a->values : NULL, a->n_values);
    double end = a->state == KNOB_TRIAL_RUNNING ? NAN : a->end_time;
    if (!rc && (!isnan(a->start_time) || !isnan(end)))
        rc = knob__store_set_times(s, *id, a->start_time, end);
    if (rc) {
        /* the message says why the add failed, not what failing the trial met */
        knob__kept_error k;
        knob__error_keep(&k);
        knob__store_fail(s, *id, "the trial could not be added whole", NULL);
        knob__error_put(&k);
    }
    return rc;
}

int knob__store_new_added(knob_study *s, const knob__added_rec *a, int64_t *id, int64_t *number)
{
    const knob__backend *be = s->st->be;
    if (!be->create_added)
        return added_by_parts(s, a, id, number);
    return creation_refused(
        s, named(s, be->create_added(s->st->h, s->id, s->max_trials, a, id, number)));
}

int knob__store_pop_waiting(knob_study *s, const knob_attr *attrs, size_t n_attrs, int64_t *id,
                            int64_t *number, bool *found)
{
    const knob__backend *be = s->st->be;
    if (be->pop_attrs)
        return named(s, be->pop_attrs(s->st->h, s->id, attrs, n_attrs, id, number, found));
    int rc = named(s, be->pop_waiting(s->st->h, s->id, id, number, found));
    for (size_t i = 0; !rc && *found && i < n_attrs; i++)
        rc = knob__store_trial_attr(s, *id, true, attrs[i].key, attrs[i].json);
    return rc;
}

/* Copies the n attributes of `from` but one of key `skip` (NULL: none); *kept: how many. */
static bool copy_attrs(const knob_attr *from, size_t n, const char *skip, knob_attr **to,
                       size_t *kept)
{
    *to = calloc(n ? n : 1, sizeof **to);
    *kept = 0;
    for (size_t i = 0; *to && i < n; i++) {
        if (skip && !strcmp(from[i].key, skip))
            continue;
        knob_attr *a = &(*to)[(*kept)++];
        a->key = knob__strdup(from[i].key);
        a->json = knob__strdup(from[i].json);
        if (!a->key || !a->json)
            return false;
    }
    return *to != NULL;
}

static void free_attrs(knob_attr *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free((char *)a[i].key);
        free((char *)a[i].json);
    }
    free(a);
}

void knob__taken_free(knob__taken *k)
{
    if (!k)
        return;
    knob__param_rec *p = (knob__param_rec *)k->w.params;
    for (size_t i = 0; p && i < k->w.n_params; i++) {
        free((char *)p[i].name);
        free((char *)p[i].dist_json);
    }
    free(p);
    free((knob_step_value *)k->w.intermediate);
    free_attrs((knob_attr *)k->w.user_attrs, k->w.n_user_attrs);
    free_attrs((knob_attr *)k->w.system_attrs, k->w.n_system_attrs);
    free(k);
}

int knob__taken_copy(const knob_trial_info *info, knob__taken **out)
{
    knob__taken *k = calloc(1, sizeof *k);
    *out = NULL;
    if (!k)
        return knob__oom("taken trial");
    k->start = info->start_time;
    knob__param_rec *p = calloc(info->n_params ? info->n_params : 1, sizeof *p);
    knob_step_value *inter =
        malloc((info->n_intermediate ? info->n_intermediate : 1) * sizeof *inter);
    knob_attr *ua = NULL, *sa = NULL;
    k->w.params = p;
    k->w.n_params = info->n_params;
    k->w.intermediate = inter;
    k->w.n_intermediate = inter ? info->n_intermediate : 0;
    bool ok = p && inter;
    for (size_t i = 0; ok && i < info->n_params; i++) {
        knobx_buf b = {0};
        knob__dist_json(&b, info->params[i].dist);
        p[i].name = knob__strdup(info->params[i].name);
        p[i].dist_json = b.oom ? NULL : knob__strdup(knobx_buf_cstr(&b));
        p[i].internal = info->params[i].internal;
        knobx_buf_free(&b);
        ok = p[i].name && p[i].dist_json;
    }
    if (ok && info->n_intermediate)
        memcpy(inter, info->intermediate, info->n_intermediate * sizeof *inter);
    if (ok) {
        ok = copy_attrs(info->user_attrs, info->n_user_attrs, NULL, &ua, &k->w.n_user_attrs);
        k->w.user_attrs = ua;
    }
    /* not the heartbeat the take wrote with it: a waiting trial has none (taken next by a
     * worker without heartbeats, it would be failed for its silence) */
    if (ok) {
        ok = copy_attrs(info->system_attrs, info->n_system_attrs, "heartbeat", &sa,
                        &k->w.n_system_attrs);
        k->w.system_attrs = sa;
    }
    if (!ok) {
        knob__taken_free(k);
        return knob__oom("taken trial");
    }
    *out = k;
    return KNOB_OK;
}

int knob__store_requeue(knob_study *s, int64_t trial, const knob__taken *k)
{
    const knob__backend *be = s->st->be;
    if (!be->requeue)
        return knob__error(KNOB_EUNSUPPORTED,
                           "study '%s': the storage cannot put a taken trial back in the queue",
                           s->name);
    return named(s, be->requeue(s->st->h, s->id, trial, k->start, &k->w));
}

bool knob__store_has_pop_or_create(const knob_study *s)
{
    return s->st->be->pop_or_create != NULL;
}

int knob__store_pop_or_create(knob_study *s, int64_t *id, int64_t *number, bool *popped)
{
    *popped = false;
    int rc = s->st->be->pop_or_create(s->st->h, s->id, s->max_trials, id, number, popped);
    return creation_refused(s, named(s, rc));
}

int knob__store_trial_id(knob_study *s, int64_t number, int64_t *id)
{
    int rc = s->st->be->trial_id(s->st->h, s->id, number, id);
    if (rc != KNOB_ENOTFOUND || study_gone(s))
        return named(s, rc);
    return knob__error(rc, "study '%s' has no trial %lld", s->name, (long long)number);
}

int knob__store_params(knob_study *s, int64_t trial, const knob__param_rec *recs, size_t n)
{
    const knob__backend *be = s->st->be;
    if (be->set_params)
        return named(s, be->set_params(s->st->h, s->id, trial, recs, n));
    for (size_t i = 0; i < n; i++) {
        int rc = be->set_param(s->st->h, s->id, trial, recs[i].name, recs[i].dist_json,
                               recs[i].internal);
        if (rc)
            return named(s, rc);
    }
    return KNOB_OK;
}

int knob__store_finish_params(knob_study *s, int64_t trial, const knob__param_rec *recs,
                              size_t n_recs, knob_trial_state state, const double *values, size_t n)
{
    const knob__backend *be = s->st->be;
    if (be->finish_params && n_recs)
        return named(s, be->finish_params(s->st->h, s->id, trial, recs, n_recs, state, values, n));
    int rc = n_recs ? knob__store_params(s, trial, recs, n_recs) : KNOB_OK;
    return rc ? rc : named(s, be->finish(s->st->h, s->id, trial, state, values, n));
}

int knob__store_report(knob_study *s, int64_t trial, int64_t step, double value)
{
    return named(s, s->st->be->report(s->st->h, s->id, trial, step, value));
}

int knob__store_trial_attr(knob_study *s, int64_t trial, bool system, const char *key,
                           const char *json)
{
    return named(s, s->st->be->set_trial_attr(s->st->h, s->id, trial, system, key, json, false));
}

int knob__store_unfinished_attr(knob_study *s, int64_t trial, bool system, const char *key,
                                const char *json)
{
    return named(s, s->st->be->set_trial_attr(s->st->h, s->id, trial, system, key, json, true));
}

int knob__store_finish(knob_study *s, int64_t trial, knob_trial_state state, const double *values,
                       size_t n)
{
    return named(s, s->st->be->finish(s->st->h, s->id, trial, state, values, n));
}

int knob__store_set_times(knob_study *s, int64_t trial, double start, double end)
{
    const knob__backend *be = s->st->be;
    return be->set_times ? named(s, be->set_times(s->st->h, s->id, trial, start, end)) : KNOB_OK;
}

int knob__store_fail_retry(knob_study *s, int64_t trial, const char *reason, const char *cause,
                           const knob__waiting_rec *retry, bool *enqueued)
{
    /* The cause first, committed alone: a trial failed as lost is never FAIL without it, so
     * its worker's late end is taken from the moment it is FAIL (storage/backend.h, finish;
     * a late end waiting for the FAIL's transaction reads the attributes as they were when
     * it began). Then the finish, which decides who fails it first (a second failer, a trial
     * ended meanwhile: KNOB_ESTATE); only that one writes the reason and the retry, in the
     * finish's transaction where the backend has fail_retry. */
    const knob__backend *be = s->st->be;
    knobx_buf b = {0};
    int rc = KNOB_OK;
    bool made = false;
    if (cause) {
        knobx_json_add_string(&b, cause);
        rc = b.oom ? knob__oom("fail cause")
                   : knob__store_trial_attr(s, trial, true, "fail_cause", knobx_buf_cstr(&b));
    }
    knobx_buf_reset(&b);
    if (reason)
        knobx_json_add_string(&b, reason);
    const char *why = reason ? knobx_buf_cstr(&b) : NULL;
    if (!rc && b.oom)
        rc = knob__oom("fail reason");
    if (!rc && be->fail_retry) {
        rc = named(s, be->fail_retry(s->st->h, s->id, trial, s->max_trials, why, retry, &made));
    } else if (!rc) {
        rc = knob__store_finish(s, trial, KNOB_TRIAL_FAIL, NULL, 0);
        if (!rc && why)
            rc = knob__store_trial_attr(s, trial, true, "fail_reason", why);
        int64_t id, number;
        if (!rc && retry && !(rc = knob__store_new_waiting(s, retry, &id, &number)))
            made = true;
        if (rc == KNOB_EDONE) /* the study at its cap: failed all the same, no retry */
            rc = KNOB_OK;
    }
    knobx_buf_free(&b);
    if (enqueued)
        *enqueued = made;
    return rc;
}

int knob__store_fail(knob_study *s, int64_t trial, const char *reason, const char *cause)
{
    return knob__store_fail_retry(s, trial, reason, cause, NULL, NULL);
}

int knob__store_study_attr(knob_study *s, bool system, const char *key, const char *json)
{
    return named(s, s->st->be->set_study_attr(s->st->h, s->id, system, key, json));
}

int knob__store_study_attrs(knob_study *s, bool system,
                            int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    return named(s, s->st->be->get_study_attrs(s->st->h, s->id, system, cb, ctx));
}

int knob__store_claim(knob_study *s, const char *key, int64_t trial, bool *won)
{
    return named(s, s->st->be->claim(s->st->h, s->id, key, trial, won));
}

int knob__store_sync(knob_study *s, int64_t since, knob__sync_cb cb, void *ctx, int64_t *seq)
{
    return named(s, s->st->be->sync(s->st->h, s->id, since, cb, ctx, seq));
}

int knob__store_sync_added(knob_study *s, int64_t since, knob__sync_cb cb, void *ctx, int64_t *seq)
{
    const knob__backend *be = s->st->be;
    return named(
        s, (be->sync_added ? be->sync_added : be->sync)(s->st->h, s->id, since, cb, ctx, seq));
}

int knob__store_best_trial(knob_study *s, knob__sync_cb cb, void *ctx, bool *found)
{
    *found = false;
    if (!s->st->be->best_trial)
        return KNOB_OK;
    return named(s, s->st->be->best_trial(s->st->h, s->id, s->dirs[0], cb, ctx, found));
}

bool knob__store_has_snapshots(const knob_study *s)
{
    return s->st->be->snap_read && s->st->be->snap_write;
}

int knob__store_snap_read(knob_study *s,
                          int (*cb)(void *ctx, int64_t from, int64_t to, const void *data,
                                    size_t len),
                          void *ctx)
{
    return s->st->be->snap_read(s->st->h, s->id, cb, ctx);
}

int knob__store_snap_write(knob_study *s, knob__snap_make make, void *ctx, bool *written)
{
    return s->st->be->snap_write(s->st->h, s->id, make, ctx, written);
}

bool knob__store_has_states(const knob_study *s)
{
    return s->st->be->state_read && s->st->be->state_write;
}

int knob__store_state_read(knob_study *s, const char *key,
                           int (*cb)(void *ctx, int64_t stamp, const void *data, size_t len),
                           void *ctx)
{
    return s->st->be->state_read(s->st->h, s->id, key, cb, ctx);
}

int knob__store_state_write(knob_study *s, const char *key, int64_t stamp, const void *data,
                            size_t len, bool *written)
{
    return s->st->be->state_write(s->st->h, s->id, key, stamp, data, len, written);
}
