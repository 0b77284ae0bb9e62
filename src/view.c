/* The study's view of its trials: one malloc'd block per trial, rebuilt when the
 * storage reports the trial changed; names and distributions interned once. */
#include "space.h"
#include "study.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *knob__view_name(knob__view *v, const char *name)
{
    knob__map_slot *slot = knob__map_put(&v->names, name, NULL);
    return slot ? slot->key : NULL;
}

/* Distributions beyond this many are found through their JSON only. */
#define KNOWN_SCAN 64

const knob_distribution *knob__view_dist(knob__view *v, const knob_distribution *d,
                                         const char **json)
{
    for (size_t i = 0; i < v->n_known && i < KNOWN_SCAN; i++) {
        if (knob__dist_equal(v->known[i].dist, d)) {
            if (json)
                *json = v->known[i].json;
            return v->known[i].dist;
        }
    }
    knobx_buf b = {0};
    knob__dist_json(&b, d);
    if (b.oom) {
        knobx_buf_free(&b);
        return NULL;
    }
    bool added;
    knob__map_slot *slot = knob__map_put(&v->dists, knobx_buf_cstr(&b), &added);
    knobx_buf_free(&b);
    if (!slot)
        return NULL;
    if (added) {
        slot->value = knob__dist_clone(d);
        if (!slot->value)
            return NULL; /* the key stays with a NULL value; cloned next time */
    } else if (!slot->value && !(slot->value = knob__dist_clone(d))) {
        return NULL;
    }
    if (added && !knob__grow(&v->known, &v->cap_known, v->n_known + 1, sizeof *v->known))
        v->known[v->n_known++] = (struct knob__dist_entry){slot->value, slot->key};
    if (json)
        *json = slot->key;
    return slot->value;
}

/* Interns a distribution given as stored JSON text. */
static const knob_distribution *dist_from_json(knob__view *v, const char *json)
{
    knob__map_slot *slot = knob__map_find(&v->dists, json);
    if (slot && slot->value)
        return slot->value;
    knob_distribution *d = knob__dist_parse(json);
    if (!d)
        return NULL;
    const knob_distribution *r = knob__view_dist(v, d, NULL);
    free(d);
    return r;
}

const knob_trial_info *knob__view_trial(const knob__view *v, int64_t number)
{
    if (number < 0 || (size_t)number >= v->n)
        return NULL;
    return v->by_number[number];
}

bool knob__better(const knob_study *s, double a, double b)
{
    return s->dirs[0] == KNOB_MAXIMIZE ? a > b : a < b;
}

/* The end of the JSON number at p (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or NULL
 * when there is none. */
static const char *json_number_end(const char *p)
{
#define DIGITS(q) ((q)[0] >= '0' && (q)[0] <= '9')
    p += *p == '-';
    if (!DIGITS(p))
        return NULL;
    if (*p++ != '0')
        while (DIGITS(p))
            p++;
    if (*p == '.') {
        if (!DIGITS(++p))
            return NULL;
        while (DIGITS(p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p += p[1] == '+' || p[1] == '-';
        if (!DIGITS(++p))
            return NULL;
        while (DIGITS(p))
            p++;
    }
#undef DIGITS
    return p;
}

size_t knob__constraints_parse(const char *json, double *out, size_t cap)
{
    const char *p = json;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p++ != '[')
        return 0;
    size_t n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p == ']' || !*p)
            return n;
        /* counting only: a JSON number followed by ',' or ']' is one element (strtod,
         * which would end at the same place, was most of a re-read trial's cost) */
        char *end = out ? NULL : (char *)json_number_end(p);
        const char *after = end ? end : p;
        while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
            after++;
        double x = 0;
        if (!end || (*after != ',' && *after != ']'))
            x = strtod(p, &end);
        if (end == p) { /* not a number: skip the element */
            x = NAN;
            int depth = 0;
            bool quoted = false;
            for (; *end && (quoted || depth || (*end != ',' && *end != ']')); end++) {
                if (quoted && *end == '\\' && end[1])
                    end++;
                else if (*end == '"')
                    quoted = !quoted;
                else if (!quoted && (*end == '[' || *end == '{'))
                    depth++;
                else if (!quoted && (*end == ']' || *end == '}'))
                    depth--;
            }
        }
        if (out && n < cap)
            out[n] = x;
        n++;
        p = end;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p == ',')
            p++;
        else
            return n;
    }
}

bool knob_trial_info_feasible(const knob_trial_info *info)
{
    if (!info)
        return false;
    for (size_t i = 0; i < info->n_constraints; i++)
        if (!(info->constraints[i] <= 0))
            return false;
    return true;
}

static size_t attrs_text(const knob_attr *a, size_t n)
{
    size_t size = 0;
    for (size_t i = 0; i < n; i++)
        size += strlen(a[i].key) + strlen(a[i].json) + 2;
    return size;
}

static char *copy_attrs(knob_attr *dst, const knob_attr *src, size_t n, char *text)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(src[i].key) + 1, j = strlen(src[i].json) + 1;
        memcpy(text, src[i].key, k);
        dst[i].key = text;
        text += k;
        memcpy(text, src[i].json, j);
        dst[i].json = text;
        text += j;
    }
    return text;
}

/* The "constraints" system attribute of a trial record, or NULL. */
static const char *rec_constraints(const knob__trial_rec *r)
{
    for (size_t i = 0; i < r->n_system_attrs; i++)
        if (strcmp(r->system_attrs[i].key, "constraints") == 0)
            return r->system_attrs[i].json;
    return NULL;
}

size_t knob__view_info_size(const knob__trial_rec *r)
{
    const char *cons = rec_constraints(r);
    size_t n_cons = cons ? knob__constraints_parse(cons, NULL, 0) : 0;
    return sizeof(knob_trial_info) + r->n_params * sizeof(knob_param) +
           (r->n_values + n_cons) * sizeof(double) + r->n_intermediate * sizeof(knob_step_value) +
           (r->n_user_attrs + r->n_system_attrs) * sizeof(knob_attr) +
           attrs_text(r->user_attrs, r->n_user_attrs) +
           attrs_text(r->system_attrs, r->n_system_attrs);
}

knob_trial_info *knob__view_info(knob__view *v, const knob__trial_rec *r,
                                 const knob_param *resolved, void *mem)
{
    const char *cons = rec_constraints(r);
    size_t n_cons = cons ? knob__constraints_parse(cons, NULL, 0) : 0;
    knob_trial_info *info = mem ? mem : malloc(knob__view_info_size(r));
    if (!info)
        return NULL;
    knob_param *params = (knob_param *)(info + 1);
    knob_step_value *inter = (knob_step_value *)(params + r->n_params);
    double *values = (double *)(inter + r->n_intermediate);
    double *constraints = values + r->n_values;
    knob_attr *ua = (knob_attr *)(constraints + n_cons);
    knob_attr *sa = ua + r->n_user_attrs;
    char *text = (char *)(sa + r->n_system_attrs);

    *info = (knob_trial_info){
        .id = r->id,
        .number = r->number,
        .state = r->state,
        .n_params = r->n_params,
        .params = params,
        .n_values = r->n_values,
        .values = values,
        .n_intermediate = r->n_intermediate,
        .intermediate = inter,
        .n_user_attrs = r->n_user_attrs,
        .user_attrs = ua,
        .n_system_attrs = r->n_system_attrs,
        .system_attrs = sa,
        .start_time = r->start_time,
        .end_time = r->end_time,
        .n_constraints = n_cons,
        .constraints = n_cons ? constraints : NULL,
    };
    if (n_cons)
        knob__constraints_parse(cons, constraints, n_cons);
    if (resolved && r->n_params) {
        memcpy(params, resolved, r->n_params * sizeof *params);
    } else {
        for (size_t i = 0; i < r->n_params; i++) {
            params[i].name = knob__view_name(v, r->params[i].name);
            params[i].dist = dist_from_json(v, r->params[i].dist_json);
            params[i].internal = r->params[i].internal;
            if (!params[i].name || !params[i].dist) {
                if (!mem)
                    free(info);
                return NULL;
            }
        }
    }
    if (r->n_intermediate)
        memcpy(inter, r->intermediate, r->n_intermediate * sizeof *inter);
    if (r->n_values)
        memcpy(values, r->values, r->n_values * sizeof *values);
    text = copy_attrs(ua, r->user_attrs, r->n_user_attrs, text);
    copy_attrs(sa, r->system_attrs, r->n_system_attrs, text);
    return info;
}

/* Frees a trial's block unless it lives in one of the view's arenas. */
static void release_info(knob__view *v, knob_trial_info *info)
{
    for (size_t i = 0; info && i < v->n_arenas; i++)
        if ((char *)info >= v->arenas[i].lo && (char *)info < v->arenas[i].lo + v->arenas[i].size)
            return;
    free(info);
}

static void note_best(knob_study *s, const knob_trial_info *info)
{
    knob__view *v = &s->view;
    /* an infinite value is stored by a study that takes them (infinite_values) */
    if (info->state != KNOB_TRIAL_COMPLETE || info->n_values < 1 || isnan(info->values[0]) ||
        !knob_trial_info_feasible(info))
        return;
    const knob_trial_info *best = knob__view_trial(v, v->best);
    if (!best || knob__better(s, info->values[0], best->values[0]) ||
        (info->values[0] == best->values[0] && info->number < best->number))
        v->best = info->number;
}

/* by_number to n entries, the new ones NULL. The first allocation comes zeroed from
 * calloc: a view of the trials changed since a stamp (knob ask at 100,000 trials) starts
 * at a high number, and a memset of every entry below it would touch (page-fault) 800 KB
 * that fresh memory already holds as zeros. */
static int grow_numbers(knob__view *v, size_t n)
{
    if (v->n == 0)
        v->lo = n - 1; /* the number being put */
    if (!v->by_number) {
        size_t cap = 4;
        while (cap < n)
            cap *= 2;
        if (!(v->by_number = calloc(cap, sizeof *v->by_number)))
            return -1;
        v->cap = cap;
    } else if (knob__grow(&v->by_number, &v->cap, n, sizeof *v->by_number)) {
        return -1;
    } else {
        memset(v->by_number + v->n, 0, (n - v->n) * sizeof *v->by_number);
    }
    v->n = n;
    return 0;
}

int knob__view_put(knob_study *s, const knob__trial_rec *r, knob_trial_info *info)
{
    knob__view *v = &s->view;
    size_t num = (size_t)r->number;
    if (num >= v->n && grow_numbers(v, num + 1))
        return knob__oom("study view");
    if (num < v->lo)
        v->lo = num;
    if (knob__grow(&v->stamps, &v->cap_stamps, v->n, sizeof *v->stamps))
        return knob__oom("study view");
    knob_trial_info *old = v->by_number[num];
    if (old && old->state == KNOB_TRIAL_WAITING)
        v->n_waiting--;
    if (info->state == KNOB_TRIAL_WAITING)
        v->n_waiting++;
    if (old && old->state == KNOB_TRIAL_RUNNING)
        v->n_running--;
    if (info->state == KNOB_TRIAL_RUNNING)
        v->n_running++;
    if (old && old->state != KNOB_TRIAL_RUNNING && old->state != KNOB_TRIAL_WAITING)
        v->n_finished[old->state]--;
    if (info->state != KNOB_TRIAL_RUNNING && info->state != KNOB_TRIAL_WAITING &&
        (unsigned)info->state < 5)
        v->n_finished[info->state]++;
    release_info(v, old);
    v->by_number[num] = info;
    knob__view_note_constraints(v, info->number, info->n_constraints);
    v->stamps[num] = r->seq;
    v->n_delivered++;
    if (s->n_dirs == 1)
        note_best(s, info);
    return KNOB_OK;
}

/* Why trial r could not be built: a stored distribution that does not read back (naming
 * its param), or else memory. */
static int load_failed(knob_study *s, const knob__trial_rec *r)
{
    for (size_t i = 0; i < r->n_params; i++) {
        const char *json = r->params[i].dist_json;
        if (knob__map_find(&s->view.dists, json))
            continue;
        knob_distribution *d = knob__dist_parse(json);
        if (!d && knobx_json_check(json) >= 0)
            return knob__error(KNOB_ECORRUPT,
                               "study '%s': trial %lld: param '%s' has a stored distribution "
                               "that cannot be read: %.200s",
                               s->name, (long long)r->number, r->params[i].name, json);
        free(d);
    }
    return knob__error(KNOB_ENOMEM, "study '%s': cannot load trial %lld (out of memory)", s->name,
                       (long long)r->number);
}

/* The intermediate values of held (both sorted by step), with those of r added (sync_added):
 * a step held keeps its value (a step's first value is the one stored), into *out
 * (malloc'd; NULL when r adds nothing new). */
static int merge_added(const knob_trial_info *held, const knob__trial_rec *r, knob_step_value **out,
                       size_t *n)
{
    const knob_step_value *a = held->intermediate, *b = r->intermediate;
    size_t na = held->n_intermediate, nb = r->n_intermediate, i = 0, j = 0, k = 0;
    *out = NULL;
    *n = na;
    if (!nb)
        return KNOB_OK;
    knob_step_value *m = malloc((na + nb) * sizeof *m);
    if (!m)
        return knob__oom("study view");
    /* the held steps below the first added one, at once (a running trial's new steps
     * mostly follow its last) */
    size_t lo = 0, hi = na;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].step < b[0].step)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo)
        memcpy(m, a, lo * sizeof *m);
    i = k = lo;
    while (i < na || j < nb) {
        if (j == nb || (i < na && a[i].step < b[j].step))
            m[k++] = a[i++];
        else if (i == na || b[j].step < a[i].step)
            m[k++] = b[j++];
        else { /* held: the stored first value */
            m[k++] = a[i++];
            j++;
        }
    }
    *out = m;
    *n = k;
    return KNOB_OK;
}

static int put_trial(knob_study *s, const knob__trial_rec *r)
{
    knob__view *v = &s->view;
    knob_trial_info *info = knob__view_info(v, r, NULL, NULL);
    if (!info)
        return load_failed(s, r);
    int rc = knob__view_put(s, r, info);
    if (rc)
        free(info);
    return rc;
}

static int on_trial(void *ctx, const knob__trial_rec *r)
{
    knob_study *s = ctx;
    knob__view *v = &s->view;
    if (r->number < 0)
        return knob__error(KNOB_ECORRUPT, "study '%s': trial %lld has number %lld", s->name,
                           (long long)r->id, (long long)r->number);
    if ((unsigned)r->state > KNOB_TRIAL_WAITING)
        return knob__error(KNOB_ECORRUPT, "study '%s': trial %lld has an unknown state %d", s->name,
                           (long long)r->number, (int)r->state);
    const knob_trial_info *held =
        r->added && (size_t)r->number < v->n ? v->by_number[r->number] : NULL;
    if (!held) /* whole, or made since the last sync: its values are all added ones */
        return put_trial(s, r);
    knob_step_value *merged;
    size_t n;
    int rc = merge_added(held, r, &merged, &n);
    if (rc)
        return rc;
    knob__trial_rec whole = *r;
    whole.added = false;
    whole.n_intermediate = n;
    whole.intermediate = merged ? merged : held->intermediate;
    rc = put_trial(s, &whole);
    free(merged);
    return rc;
}

void knob__view_note_constraints(knob__view *v, int64_t number, size_t n)
{
    if (!n)
        return;
    if (!v->n_constraints || (number >= 0 && v->constraints_of == number)) {
        v->n_constraints = n;
        v->constraints_of = number;
    } else if (v->constraints_of != number) {
        v->constraints_of = -1; /* the first count stays, as before */
    }
}

void knob__view_drop(knob__view *v)
{
    for (size_t i = v->lo; i < v->n; i++)
        release_info(v, v->by_number[i]);
    for (size_t i = 0; i < v->n_arenas; i++)
        free(v->arenas[i].lo);
    v->n = v->n_arenas = v->n_dense = v->n_waiting = v->n_running = v->n_constraints = v->lo = 0;
    memset(v->n_finished, 0, sizeof v->n_finished);
    v->best = -1;
    v->seq = v->snap_seq = 0;
    v->snap_segs = 0;
    v->snap_wait = 0;
    v->snap_mark = v->n_delivered;
}

static const knob__view_builders builders = {
    knob__view_name, knob__view_dist, knob__view_info_size,
    knob__view_info, knob__view_put,  knob__view_drop,
};

static void best_forget(knob__view *v)
{
    free(v->best_nums);
    v->best_nums = NULL;
    v->n_best_nums = 0;
    v->best_view = v->best_index = false;
}

int knob__view_sync(knob_study *s)
{
    if (s->view.partial) { /* only some trials: the study is read whole */
        knob__view_drop(&s->view);
        s->view.partial = false;
        best_forget(&s->view);
    }
    /* A study's first read starts from its snapshot where the storage keeps one. */
    int64_t from_snap = !s->view.loaded && s->view.n == 0 ? knob__snap_load(s, &builders) : 0;
    int64_t seq = s->view.seq;
    /* the view holds every trial as of seq: a running trial's new values are read alone */
    int rc = knob__store_sync_added(s, seq, on_trial, s, &seq);
    if (rc == KNOB_OK && seq < from_snap) {
        /* the storage is behind the snapshot: it is not this study's (never trusted) */
        knob__view_drop(&s->view);
        seq = 0;
        rc = knob__store_sync(s, 0, on_trial, s, &seq);
    }
    if (rc == KNOB_OK) {
        s->view.seq = seq;
        s->view.loaded = true;
        knob__snap_save(s);
    }
    return rc;
}

void knob__view_free(knob__view *v)
{
    for (size_t i = v->lo; i < v->n; i++)
        if (v->by_number[i]) /* a partial view is mostly holes */
            release_info(v, v->by_number[i]);
    free(v->by_number);
    for (size_t i = 0; i < v->n_arenas; i++)
        free(v->arenas[i].lo);
    free(v->arenas);
    for (size_t i = 0; i < v->dists.cap; i++)
        free(v->dists.slots[i].value);
    knob__map_free(&v->dists);
    knob__map_free(&v->names);
    free(v->known);
    free(v->stamps);
    free(v->since);
    free(v->best_nums);
    memset(v, 0, sizeof *v);
    v->best = -1;
}

int knob_study_sync(knob_study *s)
{
    if (!s)
        return knob__error(KNOB_EINVAL, "knob_study_sync: study is NULL");
    return knob__view_sync(s);
}

int knob_study_trials(knob_study *s, const knob_trial_info *const **trials, size_t *n)
{
    if (!s || !trials || !n)
        return knob__error(KNOB_EINVAL, "knob_study_trials: NULL argument");
    int rc = knob__view_sync(s);
    if (rc)
        return rc;
    /* Numbers are dense; a hole can only be a trial another process is creating right
     * now whose row is not visible yet, so the list stops before it. */
    size_t n_dense = s->view.n_dense;
    while (n_dense < s->view.n && s->view.by_number[n_dense])
        n_dense++;
    s->view.n_dense = n_dense;
    *trials = (const knob_trial_info *const *)s->view.by_number;
    *n = n_dense;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- the best trials' record */

/* The record of a study's best trials: a snapshot segment (snapshot.c's format, from 0 to
 * the record's stamp) of the best trial, or of the Pareto front, kept as one of the
 * storage's records (backend state_read / state_write) under a key no sampler's can be.
 * `knob best` at 100,000 trials reads it and the trials changed since its stamp instead of
 * every trial.
 *
 * Why that gives the same answer as the whole study: the best trial is the least of the
 * feasible complete trials in the order (value, number), and the least of a set is the
 * least of {the old set's least} and the trials added or changed; the Pareto front of a set
 * is the front of {the old front} and the changed trials, as strict dominance is a partial
 * order (a trial off the old front is dominated by one on it, and by whatever removes that
 * one). Both hold while the old best trials themselves are unchanged: when one of them
 * changed since the stamp (or the storage is behind the stamp: not this study's), the
 * study is read whole. */
#define BEST_KEY KNOB__BEST_KEY
#define BEST_REWRITE 64 /* trials changed since the record before it is written again */

static bool best_kept(const knob_study *s)
{
    return s->n_dirs > 0 && knob__store_has_states(s) && !knob__snap_off();
}

typedef struct best_read {
    knob_study *s;
    int64_t stamp;
} best_read;

static int on_best(void *ctx, int64_t stamp, const void *data, size_t len)
{
    best_read *c = ctx;
    if (stamp > 0 && knob__snap_decode(c->s, &builders, 0, stamp, data, len) == KNOB_OK)
        c->stamp = stamp;
    return KNOB_OK;
}

/* Reads the record into the (empty) view; false when there is none to trust. */
static bool best_load(knob_study *s)
{
    knob__view *v = &s->view;
    best_read c = {s, 0};
    size_t k = 0;
    knob__store_state_read(s, BEST_KEY, on_best, &c);
    for (size_t i = v->lo; c.stamp > 0 && i < v->n; i++)
        k += v->by_number[i] != NULL;
    if (c.stamp <= 0 || k == 0 || !(v->best_nums = malloc(k * sizeof *v->best_nums))) {
        knob__view_drop(v);
        return false;
    }
    v->n_best_nums = 0;
    for (size_t i = v->lo; i < v->n; i++)
        if (v->by_number[i])
            v->best_nums[v->n_best_nums++] = (int64_t)i;
    v->best_view = v->partial = true;
    v->partial_from = v->best_stamp = c.stamp;
    v->best_mark = v->n_delivered;
    return true;
}

/* The partial view answers: the storage is not behind the record, and no trial of the
 * record changed since its stamp. */
static bool best_holds(const knob__view *v)
{
    if (v->seq < v->best_stamp)
        return false;
    for (size_t k = 0; k < v->n_best_nums; k++) {
        size_t num = (size_t)v->best_nums[k];
        if (num >= v->n || !v->by_number[num] || v->stamps[num] > v->best_stamp)
            return false;
    }
    return true;
}

int knob__view_sync_best(knob_study *s)
{
    knob__view *v = &s->view;
    bool fresh = !v->loaded && v->n == 0 && !v->partial;
    if ((fresh || v->best_view) && best_kept(s)) {
        if (v->best_view || best_load(s)) {
            int64_t seq = v->seq;
            int rc = knob__store_sync(s, seq, on_trial, s, &seq);
            if (rc)
                return rc;
            v->seq = seq;
            if (best_holds(v)) {
                if (v->n_delivered - v->best_mark >= BEST_REWRITE)
                    v->best_write = true;
                return KNOB_OK;
            }
        }
        v->best_write = true; /* missing, not trusted, or a trial of it changed */
    }
    return knob__view_sync(s);
}

/* The best trial alone, found by the storage's index (backend best_trial), into an empty
 * view: the first `knob best` of a study of 100,000 trials reads one trial instead of every
 * one (or the record and the trials changed since it). The trial is taken as note_best
 * takes it; one it would not take (a constraint text the index reads otherwise than
 * knob_trial_info_feasible: [null], set as a system attribute) is not an answer, and
 * neither is no trial: the study is then read as before (the record, or every trial), so
 * the message of a study without a feasible trial counts its complete trials. */
static int best_by_index(knob_study *s, bool *answered)
{
    knob__view *v = &s->view;
    *answered = false;
    if (v->best_index) { /* found before: found again, as of now */
        knob__view_drop(v);
        best_forget(v);
        v->partial = false;
    }
    bool found = false;
    int rc = knob__store_best_trial(s, on_trial, s, &found);
    if (!rc && found && v->best >= 0 && v->n_finished[KNOB_TRIAL_COMPLETE] == 1) {
        v->partial = v->best_index = true;
        v->partial_from = INT64_MAX; /* knob_study_trials_since never takes it for its own */
        *answered = true;
        return KNOB_OK;
    }
    knob__view_drop(v);
    return rc;
}

int knob__view_sync_best_one(knob_study *s)
{
    knob__view *v = &s->view;
    bool fresh = !v->loaded && v->n == 0 && !v->partial;
    if ((fresh || v->best_index) && s->n_dirs == 1 && !knob__snap_off()) {
        bool answered;
        int rc = best_by_index(s, &answered);
        if (rc || answered)
            return rc;
    }
    return knob__view_sync_best(s);
}

void knob__view_best_done(knob_study *s, const int64_t *numbers, size_t n)
{
    knob__view *v = &s->view;
    if (!v->best_write || !n || v->seq <= 0 || !best_kept(s))
        return;
    v->best_write = false;
    size_t len = 0;
    bool written = false;
    void *data = knob__snap_encode_some(s, numbers, n, &len);
    if (data)
        knob__store_state_write(s, BEST_KEY, v->seq, data, len, &written);
    free(data);
}

int64_t knob__study_trials_stamp(const knob_study *s)
{
    return s->view.loaded && s->view.n_dense == s->view.n ? s->view.seq : -1;
}

/* knob_study_trials_since on a study not read whole: only the trials changed since
 * `since` are read (from the storage, into a partial view), so that a process that needs
 * only those (a sampler's kept state) does not read a study of 100,000. */
static int trials_lazily(knob_study *s, int64_t since, const knob_trial_info *const **out,
                         size_t *n, int64_t *stamp)
{
    knob__view *v = &s->view;
    if (!v->partial) {
        v->partial = true;
        v->partial_from = v->seq = since;
    }
    int64_t seq = v->seq;
    int rc = knob__store_sync(s, seq, on_trial, s, &seq);
    if (rc)
        return rc;
    v->seq = seq;
    size_t k = 0;
    for (size_t i = v->lo; i < v->n; i++) {
        if (!v->by_number[i] || v->stamps[i] <= since)
            continue;
        if (knob__grow(&v->since, &v->cap_since, k + 1, sizeof *v->since))
            return knob__oom("knob_study_trials_since");
        v->since[k++] = v->by_number[i];
    }
    *out = (const knob_trial_info *const *)v->since;
    *n = k;
    *stamp = v->seq;
    return KNOB_OK;
}

int knob_study_trials_since(knob_study *s, int64_t since, const knob_trial_info *const **out,
                            size_t *n, int64_t *stamp)
{
    if (!s || !out || !n || !stamp)
        return knob__error(KNOB_EINVAL, "knob_study_trials_since: NULL argument");
    knob__view *v = &s->view;
    if (since > 0 && ((!v->loaded && v->n == 0) || (v->partial && since >= v->partial_from)))
        return trials_lazily(s, since, out, n, stamp);
    const knob_trial_info *const *all;
    size_t n_all, k = 0;
    int rc = knob_study_trials(s, &all, &n_all);
    if (rc)
        return rc;
    for (size_t i = 0; i < n_all; i++) {
        if (v->stamps[i] <= since)
            continue;
        if (knob__grow(&v->since, &v->cap_since, k + 1, sizeof *v->since))
            return knob__oom("knob_study_trials_since");
        v->since[k++] = all[i];
    }
    *out = (const knob_trial_info *const *)v->since;
    *n = k;
    *stamp = v->seq;
    return KNOB_OK;
}

const knob_param *knob_trial_info_param(const knob_trial_info *info, const char *name)
{
    for (size_t i = 0; info && name && i < info->n_params; i++)
        if (strcmp(info->params[i].name, name) == 0)
            return &info->params[i];
    return NULL;
}

const char *knob_trial_info_attr(const knob_trial_info *info, const char *key, bool system)
{
    if (!info || !key)
        return NULL;
    const knob_attr *a = system ? info->system_attrs : info->user_attrs;
    size_t n = system ? info->n_system_attrs : info->n_user_attrs;
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].key, key) == 0)
            return a[i].json;
    return NULL;
}
