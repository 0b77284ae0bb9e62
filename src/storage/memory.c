/* The in-process storage ("memory:"). Studies and trials live in arrays indexed by id;
 * each study keeps its trials on a list ordered by change stamp, so a sync visits only
 * what changed. */
#include "internal.h"
#include "map.h"
#include "storage/backend.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct mem_trial mem_trial;
struct mem_trial {
    int64_t id, number, study, seq;
    knob_trial_state state;
    double start, end;
    knob__param_rec *params;
    size_t n_params, cap_params;
    double *values;
    size_t n_values;
    knob_step_value *inter;
    size_t n_inter, cap_inter;
    knob_attr *attrs[2]; /* user, system; owned strings */
    size_t n_attrs[2], cap_attrs[2];
    mem_trial *prev, *next; /* the study's list, oldest change first */
};

typedef struct mem_study {
    int64_t id, seq;
    char *name;
    knob_direction *dirs;
    size_t n_dirs;
    double created;
    int64_t n_complete;
    double best;        /* of objective 0 over COMPLETE trials; NaN when none */
    mem_trial **trials; /* by number */
    size_t n_trials, cap_trials;
    mem_trial *oldest, *newest;
    int64_t *waiting; /* numbers of WAITING trials, oldest first from waiting_head */
    size_t n_waiting, cap_waiting, waiting_head;
    knob_attr *attrs[2];
    size_t n_attrs[2], cap_attrs[2];
    knob__map claims;
} mem_study;

typedef struct mem {
    mem_study **studies; /* by id - 1; NULL once deleted */
    size_t n_studies, cap_studies;
    mem_trial **trials; /* by id - 1 */
    size_t n_trials, cap_trials;
    knob__map names; /* name -> mem_study *, NULL once deleted */
    knob__map texts; /* the params' names and distributions' JSON, one copy each */
    struct {
        const char *from, *to;
    } seen[256]; /* a text's last address (usually the study view's interned copy) */
} mem;

/* The one copy of a param's name or distribution JSON (freed when the storage closes):
 * a copy per trial and param had been a tenth of a tell's cost, and hashing them each
 * time as much. Where the same address brought the same text last, no hash. NULL: out
 * of memory. */
static const char *text_of(mem *m, const char *text)
{
    size_t h = ((uintptr_t)text >> 4) % (sizeof m->seen / sizeof *m->seen);
    if (m->seen[h].from == text && strcmp(m->seen[h].to, text) == 0)
        return m->seen[h].to;
    knob__map_slot *slot = knob__map_put(&m->texts, text, NULL);
    if (!slot)
        return NULL;
    m->seen[h].from = text, m->seen[h].to = slot->key;
    return slot->key;
}

static int open_mem(const char *url, const char *where, void **be)
{
    if (where[0])
        return knob__error(KNOB_EINVAL,
                           "storage URL '%s': memory storage takes no path "
                           "(write \"memory:\")",
                           url);
    mem *m = calloc(1, sizeof *m);
    if (!m)
        return knob__oom("memory storage");
    *be = m;
    return KNOB_OK;
}

static void free_attrs(knob_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)a[i].key);
        free((char *)a[i].json);
    }
    free(a);
}

static void free_trial(mem_trial *t)
{
    free(t->params); /* their texts are the storage's (text_of) */
    free(t->values);
    free(t->inter);
    for (int k = 0; k < 2; k++)
        free_attrs(t->attrs[k], t->n_attrs[k]);
    free(t);
}

static void free_study(mem *m, mem_study *s)
{
    for (size_t i = 0; i < s->n_trials; i++) {
        m->trials[s->trials[i]->id - 1] = NULL;
        free_trial(s->trials[i]);
    }
    free(s->trials);
    free(s->waiting);
    for (int k = 0; k < 2; k++)
        free_attrs(s->attrs[k], s->n_attrs[k]);
    knob__map_free(&s->claims);
    free(s->name);
    free(s->dirs);
    free(s);
}

static void close_mem(void *be)
{
    mem *m = be;
    for (size_t i = 0; i < m->n_studies; i++)
        if (m->studies[i])
            free_study(m, m->studies[i]);
    free(m->studies);
    free(m->trials);
    knob__map_free(&m->names);
    knob__map_free(&m->texts);
    free(m);
}

static mem_study *study_of(mem *m, int64_t id)
{
    return id >= 1 && (size_t)id <= m->n_studies ? m->studies[id - 1] : NULL;
}

static int no_study(int64_t id)
{
    return knob__error(KNOB_ENOTFOUND, "memory storage: no study with id %lld", (long long)id);
}

static mem_trial *trial_of(mem *m, int64_t study, int64_t id)
{
    mem_trial *t = id >= 1 && (size_t)id <= m->n_trials ? m->trials[id - 1] : NULL;
    return t && t->study == study ? t : NULL;
}

static int no_trial(int64_t id)
{
    return knob__error(KNOB_ENOTFOUND, "memory storage: no trial with id %lld", (long long)id);
}

/* Stamps a changed trial and moves it to the newest end of its study's list. */
static void touch(mem_study *s, mem_trial *t)
{
    t->seq = ++s->seq;
    if (s->newest == t)
        return;
    if (t->prev || s->oldest == t) {
        if (t->prev)
            t->prev->next = t->next;
        else
            s->oldest = t->next;
        if (t->next)
            t->next->prev = t->prev;
    }
    t->prev = s->newest;
    t->next = NULL;
    if (s->newest)
        s->newest->next = t;
    else
        s->oldest = t;
    s->newest = t;
}

/* ---------------------------------------------------------------- studies */

static int create_study(void *be, const char *name, const knob_direction *dirs, size_t n_dirs,
                        int64_t *id)
{
    mem *m = be;
    bool added;
    knob__map_slot *slot = knob__map_put(&m->names, name, &added);
    if (!slot)
        return knob__oom("study");
    if (slot->value) {
        *id = ((mem_study *)slot->value)->id;
        return knob__error(KNOB_EEXIST, "memory storage: a study named '%s' exists", name);
    }
    mem_study *s = calloc(1, sizeof *s);
    if (!s || !(s->name = knob__strdup(name)) ||
        !(s->dirs = malloc((n_dirs ? n_dirs : 1) * sizeof *dirs)) ||
        knob__grow(&m->studies, &m->cap_studies, m->n_studies + 1, sizeof *m->studies)) {
        if (s) {
            free(s->name);
            free(s->dirs);
        }
        free(s);
        slot->value = NULL;
        return knob__oom("study");
    }
    memcpy(s->dirs, dirs, n_dirs * sizeof *dirs);
    s->n_dirs = n_dirs;
    s->created = knob__now();
    s->best = NAN;
    s->id = (int64_t)++m->n_studies;
    m->studies[s->id - 1] = s;
    slot->value = s;
    *id = s->id;
    return KNOB_OK;
}

static int find_study(void *be, const char *name, int64_t *id, knob_direction **dirs,
                      size_t *n_dirs)
{
    mem *m = be;
    knob__map_slot *slot = knob__map_find(&m->names, name);
    mem_study *s = slot ? slot->value : NULL;
    if (!s)
        return knob__error(KNOB_ENOTFOUND, "no study named '%s' in memory storage", name);
    knob_direction *d = malloc((s->n_dirs ? s->n_dirs : 1) * sizeof *d);
    if (!d)
        return knob__oom("study directions");
    memcpy(d, s->dirs, s->n_dirs * sizeof *d);
    *id = s->id;
    *dirs = d;
    *n_dirs = s->n_dirs;
    return KNOB_OK;
}

/* Counts a trial that has just finished in the study's summary. */
static void count_finished(mem_study *s, const mem_trial *t)
{
    if (t->state != KNOB_TRIAL_COMPLETE)
        return;
    s->n_complete++;
    if (t->n_values == 0 || s->n_dirs == 0)
        return;
    /* Constraints are set before the tell; an infeasible trial is never the best. */
    for (size_t i = 0; i < t->n_attrs[1]; i++) {
        if (strcmp(t->attrs[1][i].key, "constraints") != 0)
            continue;
        double c[64];
        size_t n = knob__constraints_parse(t->attrs[1][i].json, c, 64);
        for (size_t k = 0; k < n; k++)
            if (k >= 64 || !(c[k] <= 0))
                return;
    }
    double v = t->values[0];
    if (isnan(s->best) || (s->dirs[0] == KNOB_MAXIMIZE ? v > s->best : v < s->best))
        s->best = v;
}

static int list_studies(void *be, knob_study_summary **out, size_t *n)
{
    mem *m = be;
    knob_study_summary *list = calloc(m->n_studies ? m->n_studies : 1, sizeof *list);
    size_t count = 0;
    if (!list)
        return knob__oom("study list");
    for (size_t i = 0; i < m->n_studies; i++) {
        mem_study *s = m->studies[i];
        if (!s)
            continue;
        knob_study_summary *e = &list[count++];
        knob_direction *d = malloc((s->n_dirs ? s->n_dirs : 1) * sizeof *d);
        e->name = knob__strdup(s->name);
        if (!d || !e->name) {
            free(d);
            knob__summaries_free(list, count);
            return knob__oom("study list");
        }
        memcpy(d, s->dirs, s->n_dirs * sizeof *d);
        e->directions = d;
        e->n_objectives = s->n_dirs;
        e->n_trials = (int64_t)s->n_trials;
        e->n_complete = s->n_complete;
        e->best_value = s->best;
        e->created = s->created;
    }
    *out = list;
    *n = count;
    return KNOB_OK;
}

static int delete_study(void *be, int64_t id)
{
    mem *m = be;
    mem_study *s = study_of(m, id);
    if (!s)
        return no_study(id);
    knob__map_slot *slot = knob__map_find(&m->names, s->name);
    if (slot)
        slot->value = NULL; /* the name may be created again */
    m->studies[id - 1] = NULL;
    free_study(m, s);
    return KNOB_OK;
}

/* ---------------------------------------------------------------- attributes */

static int put_attr(knob_attr **a, size_t *n, size_t *cap, const char *key, const char *json)
{
    char *j = knob__strdup(json);
    if (!j)
        return knob__oom("attribute");
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*a)[i].key, key) == 0) {
            free((char *)(*a)[i].json);
            (*a)[i].json = j;
            return KNOB_OK;
        }
    }
    char *k = knob__strdup(key);
    if (!k || knob__grow(a, cap, *n + 1, sizeof **a)) {
        free(k);
        free(j);
        return knob__oom("attribute");
    }
    (*a)[(*n)++] = (knob_attr){k, j};
    return KNOB_OK;
}

static int set_study_attr(void *be, int64_t study, bool system, const char *key, const char *json)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    return put_attr(&s->attrs[system], &s->n_attrs[system], &s->cap_attrs[system], key, json);
}

static int get_study_attrs(void *be, int64_t study, bool system,
                           int (*cb)(void *ctx, const char *key, const char *json), void *ctx)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    for (size_t i = 0; i < s->n_attrs[system]; i++) {
        int rc = cb(ctx, s->attrs[system][i].key, s->attrs[system][i].json);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* ---------------------------------------------------------------- trials */

/* Fills a new trial (not yet the study's) with what a waiting trial is added with:
 * params, intermediate values (in step order already) and user attributes. */
static int fill_waiting(mem *m, mem_trial *t, const knob__waiting_rec *w)
{
    if (w->n_params && knob__grow(&t->params, &t->cap_params, w->n_params, sizeof *t->params))
        return knob__oom("param");
    for (size_t i = 0; i < w->n_params; i++) {
        const char *name = text_of(m, w->params[i].name), *dj = text_of(m, w->params[i].dist_json);
        if (!name || !dj)
            return knob__oom("param");
        t->params[t->n_params++] = (knob__param_rec){name, dj, w->params[i].internal};
    }
    if (w->n_intermediate &&
        knob__grow(&t->inter, &t->cap_inter, w->n_intermediate, sizeof *t->inter))
        return knob__oom("intermediate value");
    if (w->n_intermediate) {
        memcpy(t->inter, w->intermediate, w->n_intermediate * sizeof *t->inter);
        t->n_inter = w->n_intermediate;
    }
    for (size_t i = 0; i < w->n_user_attrs; i++) {
        int rc = put_attr(&t->attrs[0], &t->n_attrs[0], &t->cap_attrs[0], w->user_attrs[i].key,
                          w->user_attrs[i].json);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* create_trial, with w create_waiting, and with a create_added: everything is allocated
 * before the trial joins the study, so a failure leaves no trial. */
static int create_in(mem *m, int64_t study, knob_trial_state state, int64_t cap,
                     const knob_attr *attrs, size_t n_attrs, const knob__waiting_rec *w,
                     const knob__added_rec *a, int64_t *id, int64_t *number)
{
    mem_study *s = study_of(m, study);
    if (!s)
        return no_study(study);
    if (cap > 0 && (int64_t)s->n_trials >= cap)
        return knob__error(KNOB_EDONE, "memory storage: study %lld holds %zu trials, its cap",
                           (long long)study, s->n_trials);
    mem_trial *t = calloc(1, sizeof *t);
    int rc = t ? KNOB_OK : knob__oom("trial");
    for (size_t i = 0; !rc && i < n_attrs; i++)
        rc = put_attr(&t->attrs[1], &t->n_attrs[1], &t->cap_attrs[1], attrs[i].key, attrs[i].json);
    if (!rc && w)
        rc = fill_waiting(m, t, w);
    if (!rc && a && a->n_values) {
        if ((t->values = malloc(a->n_values * sizeof *t->values)))
            memcpy(t->values, a->values, a->n_values * sizeof *t->values);
        t->n_values = a->n_values;
        rc = t->values ? KNOB_OK : knob__oom("trial values");
    }
    if (!rc && (knob__grow(&m->trials, &m->cap_trials, m->n_trials + 1, sizeof *m->trials) ||
                knob__grow(&s->trials, &s->cap_trials, s->n_trials + 1, sizeof *s->trials) ||
                (state == KNOB_TRIAL_WAITING &&
                 knob__grow(&s->waiting, &s->cap_waiting, s->n_waiting + 1, sizeof *s->waiting))))
        rc = knob__oom("trial");
    if (rc) {
        if (t)
            free_trial(t);
        return rc;
    }
    t->id = (int64_t)++m->n_trials;
    t->number = (int64_t)s->n_trials;
    t->study = study;
    t->state = state;
    t->start = state == KNOB_TRIAL_WAITING ? NAN : knob__now();
    t->end = NAN;
    if (a && !isnan(a->start_time))
        t->start = a->start_time;
    if (a && state != KNOB_TRIAL_RUNNING)
        t->end = isnan(a->end_time) ? knob__now() : a->end_time;
    m->trials[t->id - 1] = t;
    s->trials[s->n_trials++] = t;
    if (state == KNOB_TRIAL_WAITING)
        s->waiting[s->n_waiting++] = t->number;
    count_finished(s, t);
    touch(s, t);
    *id = t->id;
    *number = t->number;
    return KNOB_OK;
}

static int create_trial(void *be, int64_t study, knob_trial_state state, int64_t cap,
                        const knob_attr *attrs, size_t n_attrs, int64_t *id, int64_t *number)
{
    return create_in(be, study, state, cap, attrs, n_attrs, NULL, NULL, id, number);
}

static int create_waiting(void *be, int64_t study, int64_t cap, const knob__waiting_rec *w,
                          int64_t *id, int64_t *number)
{
    return create_in(be, study, KNOB_TRIAL_WAITING, cap, w->system_attrs, w->n_system_attrs, w,
                     NULL, id, number);
}

static int create_added(void *be, int64_t study, int64_t cap, const knob__added_rec *a, int64_t *id,
                        int64_t *number)
{
    return create_in(be, study, a->state, cap, a->rows.system_attrs, a->rows.n_system_attrs,
                     &a->rows, a, id, number);
}

static int pop_waiting(void *be, int64_t study, int64_t *id, int64_t *number, bool *found)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    *found = false;
    while (s->waiting_head < s->n_waiting) {
        mem_trial *t = s->trials[s->waiting[s->waiting_head++]];
        if (t->state != KNOB_TRIAL_WAITING)
            continue; /* finished while it waited */
        t->state = KNOB_TRIAL_RUNNING;
        t->start = knob__now();
        touch(s, t);
        *id = t->id;
        *number = t->number;
        *found = true;
        break;
    }
    return KNOB_OK;
}

/* Puts number back in the study's queue of waiting trials, in number order (the queue is
 * ascending: trials are made in number order, and one put back goes where it was). */
static void queue_again(mem_study *s, int64_t number)
{
    size_t i = --s->waiting_head;
    for (; i + 1 < s->n_waiting && s->waiting[i + 1] < number; i++)
        s->waiting[i] = s->waiting[i + 1];
    s->waiting[i] = number;
}

/* Everything the trial held replaced by w's, made before the trial is changed: a failure
 * leaves it as it was. */
static int requeue(void *be, int64_t study, int64_t trial, double start, const knob__waiting_rec *w)
{
    mem *m = be;
    mem_trial *t = trial_of(m, study, trial);
    if (!t)
        return no_trial(trial);
    mem_study *s = study_of(m, study);
    if (t->state != KNOB_TRIAL_RUNNING || !(t->start == start))
        return knob__error(KNOB_ESTATE,
                           "memory storage: trial %lld of study '%s' is not the take's to put "
                           "back: it is %s",
                           (long long)t->number, s->name, knob_trial_state_str(t->state));
    mem_trial fresh = {0};
    int rc = fill_waiting(m, &fresh, w);
    for (size_t i = 0; !rc && i < w->n_system_attrs; i++)
        rc = put_attr(&fresh.attrs[1], &fresh.n_attrs[1], &fresh.cap_attrs[1],
                      w->system_attrs[i].key, w->system_attrs[i].json);
    /* a trial taken by pop_waiting left room below the queue's head; any other, one more */
    if (!rc && s->waiting_head == 0) {
        if (knob__grow(&s->waiting, &s->cap_waiting, s->n_waiting + 1, sizeof *s->waiting)) {
            rc = knob__oom("waiting trial");
        } else {
            memmove(s->waiting + 1, s->waiting, s->n_waiting++ * sizeof *s->waiting);
            s->waiting_head = 1;
        }
    }
    if (rc) {
        free(fresh.params);
        free(fresh.inter);
        for (int k = 0; k < 2; k++)
            free_attrs(fresh.attrs[k], fresh.n_attrs[k]);
        return rc;
    }
    free(t->params);
    free(t->values);
    free(t->inter);
    for (int k = 0; k < 2; k++)
        free_attrs(t->attrs[k], t->n_attrs[k]);
    t->params = fresh.params, t->n_params = fresh.n_params, t->cap_params = fresh.cap_params;
    t->values = NULL, t->n_values = 0;
    t->inter = fresh.inter, t->n_inter = fresh.n_inter, t->cap_inter = fresh.cap_inter;
    for (int k = 0; k < 2; k++) {
        t->attrs[k] = fresh.attrs[k];
        t->n_attrs[k] = fresh.n_attrs[k];
        t->cap_attrs[k] = fresh.cap_attrs[k];
    }
    t->state = KNOB_TRIAL_WAITING;
    t->start = t->end = NAN;
    queue_again(s, t->number);
    touch(s, t);
    return KNOB_OK;
}

static int trial_id(void *be, int64_t study, int64_t number, int64_t *id)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    if (number < 0 || (size_t)number >= s->n_trials)
        return knob__error(KNOB_ENOTFOUND, "study '%s' has no trial %lld", s->name,
                           (long long)number);
    *id = s->trials[number]->id;
    return KNOB_OK;
}

/* Whether t was failed by another worker for its silent heartbeat: its own worker's end,
 * arriving late (the storage was out longer than the grace), is still taken. */
static bool lost_by_silence(const mem_trial *t)
{
    for (size_t i = 0; i < t->n_attrs[1]; i++)
        if (!strcmp(t->attrs[1][i].key, "fail_cause"))
            return !strcmp(t->attrs[1][i].json, KNOB__LOST_JSON);
    return false;
}

/* KNOB_ESTATE, saying that `what` (of trial t) needs it unfinished, when t is finished but
 * for a trial failed for its silence (its worker writes on: backend.h, finish). */
static int refuse_finished(void *be, int64_t study, const mem_trial *t, const char *what)
{
    if (t->state == KNOB_TRIAL_RUNNING || t->state == KNOB_TRIAL_WAITING ||
        (t->state == KNOB_TRIAL_FAIL && lost_by_silence(t)))
        return KNOB_OK;
    return knob__error(KNOB_ESTATE, "cannot %s trial %lld of study '%s': it is already %s", what,
                       (long long)t->number, study_of(be, study)->name, knob__state_word(t->state));
}

static int set_param(void *be, int64_t study, int64_t trial, const char *name,
                     const char *dist_json, double internal)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    int rc = refuse_finished(be, study, t, "set a param of");
    if (rc)
        return rc;
    const char *dj = text_of(be, dist_json);
    if (!dj)
        return knob__oom("param");
    size_t i = 0;
    while (i < t->n_params && strcmp(t->params[i].name, name) != 0)
        i++;
    if (i == t->n_params) {
        const char *n = text_of(be, name);
        if (!n || knob__grow(&t->params, &t->cap_params, t->n_params + 1, sizeof *t->params))
            return knob__oom("param");
        t->params[t->n_params++] = (knob__param_rec){n, NULL, 0};
    }
    t->params[i].dist_json = dj;
    t->params[i].internal = internal;
    touch(study_of(be, study), t);
    return KNOB_OK;
}

/* Several params: those of a trial that has none yet (a trial writes its params when it
 * ends) appended at once, their names being distinct (a trial's params; a trial added
 * whole, refused with a name twice); else one by one. Searching the trial's params for
 * each name had made a trial's write quadratic in its params. */
static int set_params(void *be, int64_t study, int64_t trial, const knob__param_rec *recs, size_t n)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    int rc = refuse_finished(be, study, t, "set a param of");
    if (rc)
        return rc;
    if (t->n_params) {
        for (size_t i = 0; i < n; i++) {
            rc = set_param(be, study, trial, recs[i].name, recs[i].dist_json, recs[i].internal);
            if (rc)
                return rc;
        }
        return KNOB_OK;
    }
    if (knob__grow(&t->params, &t->cap_params, n, sizeof *t->params))
        return knob__oom("param");
    touch(study_of(be, study), t);
    for (size_t i = 0; i < n; i++) {
        const char *name = text_of(be, recs[i].name), *dj = text_of(be, recs[i].dist_json);
        if (!name || !dj)
            return knob__oom("param");
        t->params[t->n_params++] = (knob__param_rec){name, dj, recs[i].internal};
    }
    return KNOB_OK;
}

static int report(void *be, int64_t study, int64_t trial, int64_t step, double value)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    int rc = refuse_finished(be, study, t, "record a value of");
    if (rc)
        return rc;
    size_t i = t->n_inter;
    while (i > 0 && t->inter[i - 1].step > step)
        i--;
    if (i > 0 && t->inter[i - 1].step == step)
        return KNOB_OK;
    if (knob__grow(&t->inter, &t->cap_inter, t->n_inter + 1, sizeof *t->inter))
        return knob__oom("intermediate value");
    memmove(t->inter + i + 1, t->inter + i, (t->n_inter - i) * sizeof *t->inter);
    t->inter[i] = (knob_step_value){step, value};
    t->n_inter++;
    touch(study_of(be, study), t);
    return KNOB_OK;
}

static int set_trial_attr(void *be, int64_t study, int64_t trial, bool system, const char *key,
                          const char *json, bool unfinished)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    int rc = unfinished ? refuse_finished(be, study, t, "set an attribute of") : KNOB_OK;
    if (!rc)
        rc = put_attr(&t->attrs[system], &t->n_attrs[system], &t->cap_attrs[system], key, json);
    if (!rc)
        touch(study_of(be, study), t);
    return rc;
}

static int finish(void *be, int64_t study, int64_t trial, knob_trial_state state,
                  const double *values, size_t n)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    if (t->state == KNOB_TRIAL_WAITING)
        return knob__error(KNOB_ESTATE,
                           "trial %lld of study '%s' is waiting (enqueued, not asked yet): "
                           "a trial is finished once it has been asked",
                           (long long)t->number, study_of(be, study)->name);
    /* a late end of a lost trial is COMPLETE or PRUNED: a FAIL is another failer's */
    bool lost = state != KNOB_TRIAL_FAIL && lost_by_silence(t);
    if (t->state != KNOB_TRIAL_RUNNING && !(t->state == KNOB_TRIAL_FAIL && lost))
        return knob__error(KNOB_ESTATE, "trial %lld of study '%s' is already %s",
                           (long long)t->number, study_of(be, study)->name,
                           knob__state_word(t->state));
    double *v = NULL;
    if (n && !(v = malloc(n * sizeof *v)))
        return knob__oom("trial values");
    if (n)
        memcpy(v, values, n * sizeof *v);
    free(t->values);
    t->values = v;
    t->n_values = n;
    t->state = state;
    t->end = knob__now();
    if (lost) /* its worker's own end replaces the presumed one, kept as lost_* */
        for (size_t i = 0; i < t->n_attrs[1]; i++)
            if (!strcmp(t->attrs[1][i].key, "fail_cause") ||
                !strcmp(t->attrs[1][i].key, "fail_reason"))
                memcpy((char *)t->attrs[1][i].key, "lost", 4);
    count_finished(study_of(be, study), t);
    touch(study_of(be, study), t);
    return KNOB_OK;
}

static int set_times(void *be, int64_t study, int64_t trial, double start, double end)
{
    mem_trial *t = trial_of(be, study, trial);
    if (!t)
        return no_trial(trial);
    if (!isnan(start))
        t->start = start;
    if (!isnan(end))
        t->end = end;
    touch(study_of(be, study), t);
    return KNOB_OK;
}

/* A claim's slot whose key is free again: create_claimed took it for a trial that could
 * not be created (the map has no removal). */
static char released;

/* Claims `key` in s: *won true when it was free. */
static int take_claim(mem_study *s, const char *key, knob__map_slot **slot, bool *won)
{
    bool added;
    *slot = knob__map_put(&s->claims, key, &added);
    if (!*slot)
        return knob__oom("claim");
    *won = added || (*slot)->value == &released;
    (*slot)->value = NULL;
    return KNOB_OK;
}

static int claim(void *be, int64_t study, const char *key, int64_t trial, bool *won)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    knob__map_slot *slot;
    return take_claim(s, key, &slot, won);
}

static int create_claimed(void *be, int64_t study, int64_t cap, const char *key,
                          const knob_attr *attrs, size_t n_attrs, bool *won, int64_t *id,
                          int64_t *number)
{
    mem_study *s = study_of(be, study);
    knob__map_slot *slot;
    *won = false;
    if (!s)
        return no_study(study);
    bool free_key = false;
    int rc = take_claim(s, key, &slot, &free_key);
    if (rc || !free_key)
        return rc;
    rc = create_trial(be, study, KNOB_TRIAL_RUNNING, cap, attrs, n_attrs, id, number);
    if (rc) {
        slot->value = &released; /* no trial, so no claim */
        return rc;
    }
    *won = true;
    return KNOB_OK;
}

static int sync_mem(void *be, int64_t study, int64_t since, knob__sync_cb cb, void *ctx,
                    int64_t *seq)
{
    mem_study *s = study_of(be, study);
    if (!s)
        return no_study(study);
    mem_trial *t = s->newest;
    while (t && t->prev && t->prev->seq > since)
        t = t->prev;
    for (; t; t = t->next) {
        if (t->seq <= since)
            continue;
        knob__trial_rec r = {
            .id = t->id,
            .number = t->number,
            .state = t->state,
            .start_time = t->start,
            .end_time = t->end,
            .seq = t->seq,
            .n_params = t->n_params,
            .params = t->params,
            .n_values = t->n_values,
            .values = t->values,
            .n_intermediate = t->n_inter,
            .intermediate = t->inter,
            .n_user_attrs = t->n_attrs[0],
            .user_attrs = t->attrs[0],
            .n_system_attrs = t->n_attrs[1],
            .system_attrs = t->attrs[1],
        };
        int rc = cb(ctx, &r);
        if (rc)
            return rc;
    }
    *seq = s->seq;
    return KNOB_OK;
}

const knob__backend knob__backend_memory = {
    .version = KNOB__BACKEND_VERSION,
    .scheme = "memory",
    .open = open_mem,
    .close = close_mem,
    .create_study = create_study,
    .find_study = find_study,
    .list_studies = list_studies,
    .delete_study = delete_study,
    .set_study_attr = set_study_attr,
    .get_study_attrs = get_study_attrs,
    .create_trial = create_trial,
    .create_waiting = create_waiting,
    .pop_waiting = pop_waiting,
    .trial_id = trial_id,
    .set_param = set_param,
    .set_params = set_params,
    .report = report,
    .set_trial_attr = set_trial_attr,
    .finish = finish,
    .set_times = set_times,
    .claim = claim,
    .sync = sync_mem,
    .create_claimed = create_claimed,
    .requeue = requeue,
    .create_added = create_added,
};
