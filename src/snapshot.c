/* Study snapshots: a study's view (every trial, whole, with its change stamp) saved in
 * its storage in a compact binary form, so that a process opening a study of 100,000
 * trials reads it in one piece and then syncs only the trials changed since the
 * snapshot's stamp, instead of reading every row of every trial.
 *
 * The storage keeps a study's snapshot as a chain of segments (backend snap_read and
 * snap_write): a whole one from stamp 0, then appends, each holding the trials changed
 * between its two stamps. A reader applies the chain in order and stops at the first
 * segment it cannot trust: wrong magic, format version (a newer knob's), study, stamps
 * that do not follow on, a checksum that does not match, a record that does not parse.
 * What it applied is the view as it was at that segment's stamp, and the sync that
 * follows gives every trial changed after it, so a snapshot is never served stale; it is
 * only ever older. A storage behind the snapshot's stamp is a foreign snapshot: the view
 * is then read again from nothing (view.c). One process writes a study's snapshot at a
 * time: the storage gives it the study's snapshot for itself, and only then does it look
 * at the chain as it is and encode anything (another process at it: it skips, and tries
 * again after more trials changed). It replaces the chain when it is missing, in too
 * many pieces or broken, and otherwise appends what changed since the chain's end,
 * whoever wrote it: a process that did not write the last segment appends after it all
 * the same, so many processes make one chain of appends, not a rewrite each.
 *
 * KNOB_SNAPSHOT in the environment: "off" (no snapshot read or written), or
 * "MIN_TRIALS[,MIN_CHANGED[,MAX_SEGMENTS]]" (defaults 1000, 64, 64): studies smaller than
 * MIN_TRIALS get none; an append waits for MIN_CHANGED trials changed since the chain's
 * end; a chain of MAX_SEGMENTS segments, or whose appends hold more bytes than its first
 * segment, is written again whole. */
#include "space.h"
#include "study.h"
#include "util/bytes.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SNAP_MAGIC UINT64_C(0x31706e73626f6e6b) /* "knobsnp1" read as a little-endian word */
#define SNAP_VERSION 1u
#define KNOB__SNAP_MAX_NUMBER (INT64_C(1) << 40) /* a trial number past it is damage */

/* The first bytes of a segment, as written (native byte order: the magic tells). */
typedef struct snap_head {
    uint64_t magic;
    uint32_t version, head_size;
    int64_t study, from, to;
    uint64_t n_trials, n_names, n_dists;
    uint64_t body_len; /* the bytes after the header */
    uint64_t sum;      /* checksum of the body */
} snap_head;
_Static_assert(sizeof(snap_head) == 80, "the header has no padding");

/* One trial's fixed part; its params, values, steps and attributes follow it. */
typedef struct snap_trial {
    int64_t id, number, seq;
    double start_time, end_time;
    int32_t state;
    uint32_t n_params, n_values, n_inter, n_attrs[2];
} snap_trial;
_Static_assert(sizeof(snap_trial) == 64, "the trial record has no padding");

typedef struct snap_param {
    uint32_t name, dist; /* indexes into the segment's tables */
    double internal;
} snap_param;
_Static_assert(sizeof(snap_param) == 16, "the param record has no padding");

/* ---------------------------------------------------------------- tuning */

typedef struct tuning {
    bool off;
    size_t min_trials, min_changed, max_segs;
} tuning;

/* A whole number of the tuning, at *p (spaces around it passed over), up to the next ',' or
 * the end; false for anything else (a sign, a unit, nothing). */
static bool tuning_number(const char **p, size_t *out)
{
    const char *q = *p;
    unsigned long long v = 0;
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q < '0' || *q > '9')
        return false;
    for (; *q >= '0' && *q <= '9'; q++) {
        if (v > (SIZE_MAX - 9) / 10)
            return false;
        v = v * 10 + (unsigned long long)(*q - '0');
    }
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q && *q != ',')
        return false;
    *out = (size_t)v;
    *p = q;
    return true;
}

/* KNOB_SNAPSHOT's text into *t: "off", or MIN_TRIALS[,MIN_CHANGED[,MAX_SEGMENTS]] of whole
 * numbers; an empty one (only spaces) is none, the defaults. False for any other text
 * ("OFF", "no", "1000,"): *t as it was. */
static bool read_tuning(const char *env, tuning *t)
{
    if (!env[strspn(env, " \t")])
        return true;
    if (strcmp(env, "off") == 0) {
        t->off = true;
        return true;
    }
    size_t v[3] = {t->min_trials, t->min_changed, t->max_segs};
    const char *p = env;
    for (int i = 0; i < 3; i++) {
        if (!tuning_number(&p, &v[i]))
            return false;
        if (!*p)
            break;
        if (i == 2 || !*++p) /* past the ',': a fourth number, or a ',' at the end */
            return false;
    }
    t->min_trials = v[0];
    t->min_changed = v[1] ? v[1] : 1;
    t->max_segs = v[2] ? v[2] : 1;
    return true;
}

/* The tuning of KNOB_SNAPSHOT, or the defaults without it (or with a text that
 * knob__snap_check_env refused at the storage's open, set since). */
static tuning get_tuning(void)
{
    tuning t = {false, 1000, 64, 64};
    const char *env = getenv("KNOB_SNAPSHOT");
    tuning read = t;
    if (env && read_tuning(env, &read))
        t = read;
    return t;
}

int knob__snap_check_env(void)
{
    const char *env = getenv("KNOB_SNAPSHOT");
    tuning t = {false, 1000, 64, 64};
    if (!env || read_tuning(env, &t))
        return KNOB_OK;
    return knob__error(KNOB_EINVAL,
                       "KNOB_SNAPSHOT is 'off' or MIN_TRIALS[,MIN_CHANGED[,MAX_SEGMENTS]], "
                       "whole numbers (the defaults: 1000,64,64); got '%.200s'",
                       env);
}

/* ---------------------------------------------------------------- checksum */

static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h ^ (h >> 32);
}

/* ---------------------------------------------------------------- encoding */

static void put_text(knobx_bytes *o, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;
    knobx_bytes_put(o, &n, sizeof n);
    knobx_bytes_put(o, s, n);
}

/* Pointer -> index, for the interned names and distributions a segment uses. */
typedef struct ptr_index {
    const void **keys;
    uint32_t *idx;
    size_t cap;         /* a power of two */
    const void **order; /* by index */
    size_t n, cap_order;
} ptr_index;

static void ptr_index_free(ptr_index *t)
{
    free(t->keys);
    free(t->idx);
    free(t->order);
}

static int ptr_index_grow(ptr_index *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    const void **keys = calloc(cap, sizeof *keys);
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (!keys || !idx) {
        free(keys);
        free(idx);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->keys[i])
            continue;
        size_t h = ((uintptr_t)t->keys[i] >> 4) * 0x9e3779b1u & (cap - 1);
        while (keys[h])
            h = (h + 1) & (cap - 1);
        keys[h] = t->keys[i];
        idx[h] = t->idx[i];
    }
    free(t->keys);
    free(t->idx);
    t->keys = keys;
    t->idx = idx;
    t->cap = cap;
    return 0;
}

/* The index of p, added when new; -1 when out of memory. */
static int64_t ptr_index_get(ptr_index *t, const void *p)
{
    if ((t->n + 1) * 2 > t->cap && ptr_index_grow(t))
        return -1;
    size_t h = ((uintptr_t)p >> 4) * 0x9e3779b1u & (t->cap - 1);
    while (t->keys[h] && t->keys[h] != p)
        h = (h + 1) & (t->cap - 1);
    if (t->keys[h])
        return t->idx[h];
    if (knob__grow(&t->order, &t->cap_order, t->n + 1, sizeof *t->order))
        return -1;
    t->keys[h] = p;
    t->idx[h] = (uint32_t)t->n;
    t->order[t->n] = p;
    return (int64_t)t->n++;
}

static bool wanted(const knob__view *v, size_t i, int64_t from)
{
    return v->by_number[i] && (from == 0 || v->stamps[i] > from);
}

/* The JSON of an interned distribution (the view keeps each with its text). */
static const char *dist_text(const knob__view *v, const knob_distribution *d)
{
    for (size_t i = 0; i < v->n_known; i++)
        if (v->known[i].dist == d)
            return v->known[i].json;
    return NULL;
}

static void put_attrs(knobx_bytes *o, const knob_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_text(o, a[i].key);
        put_text(o, a[i].json);
    }
}

/* The next trial to encode after position *pos: the view's trials stamped after `from`
 * (pick NULL), or those of the numbers in pick[0 .. n_pick) (sorted; repeats once). */
static bool next_trial(const knob__view *v, int64_t from, const int64_t *pick, size_t n_pick,
                       size_t *pos, size_t *i)
{
    while (!pick && *pos < v->n) {
        *i = (*pos)++;
        if (wanted(v, *i, from))
            return true;
    }
    while (pick && *pos < n_pick) {
        int64_t num = pick[(*pos)++];
        if (num >= 0 && (size_t)num < v->n && v->by_number[num] &&
            (*pos == 1 || pick[*pos - 2] != num)) {
            *i = (size_t)num;
            return true;
        }
    }
    return false;
}

static void *encode(knob_study *s, int64_t from, const int64_t *pick, size_t n_pick, size_t *len)
{
    const knob__view *v = &s->view;
    ptr_index names = {0}, dists = {0};
    knobx_bytes o = {0};
    snap_head h = {.magic = SNAP_MAGIC,
                   .version = SNAP_VERSION,
                   .head_size = sizeof h,
                   .study = s->id,
                   .from = from,
                   .to = v->seq};
    size_t pos = 0, at;
    /* the tables first: the names and distributions the trials use */
    while (!o.oom && next_trial(v, from, pick, n_pick, &pos, &at)) {
        h.n_trials++;
        const knob_trial_info *t = v->by_number[at];
        for (size_t k = 0; k < t->n_params; k++)
            if (ptr_index_get(&names, t->params[k].name) < 0 ||
                ptr_index_get(&dists, t->params[k].dist) < 0)
                o.oom = true;
    }
    h.n_names = names.n;
    h.n_dists = dists.n;
    knobx_bytes_put(&o, &h, sizeof h);
    for (size_t i = 0; i < names.n; i++)
        put_text(&o, names.order[i]);
    for (size_t i = 0; i < dists.n && !o.oom; i++) {
        const char *json = dist_text(v, dists.order[i]);
        if (!json)
            o.oom = true; /* not the view's: cannot happen; no snapshot then */
        else
            put_text(&o, json);
    }
    for (pos = 0; !o.oom && next_trial(v, from, pick, n_pick, &pos, &at);) {
        const knob_trial_info *t = v->by_number[at];
        snap_trial r = {
            .id = t->id,
            .number = t->number,
            .seq = v->stamps[at],
            .start_time = t->start_time,
            .end_time = t->end_time,
            .state = (int32_t)t->state,
            .n_params = (uint32_t)t->n_params,
            .n_values = (uint32_t)t->n_values,
            .n_inter = (uint32_t)t->n_intermediate,
            .n_attrs = {(uint32_t)t->n_user_attrs, (uint32_t)t->n_system_attrs},
        };
        knobx_bytes_put(&o, &r, sizeof r);
        for (size_t k = 0; k < t->n_params; k++) {
            snap_param p = {(uint32_t)ptr_index_get(&names, t->params[k].name),
                            (uint32_t)ptr_index_get(&dists, t->params[k].dist),
                            t->params[k].internal};
            knobx_bytes_put(&o, &p, sizeof p);
        }
        knobx_bytes_put(&o, t->values, t->n_values * sizeof *t->values);
        knobx_bytes_put(&o, t->intermediate, t->n_intermediate * sizeof *t->intermediate);
        put_attrs(&o, t->user_attrs, t->n_user_attrs);
        put_attrs(&o, t->system_attrs, t->n_system_attrs);
    }
    ptr_index_free(&names);
    ptr_index_free(&dists);
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    snap_head *head = (snap_head *)o.p;
    head->body_len = o.n - sizeof h;
    head->sum = checksum(o.p + sizeof h, o.n - sizeof h);
    *len = o.n;
    return o.p;
}

void *knob__snap_encode(knob_study *s, int64_t from, size_t *len)
{
    return encode(s, from, NULL, 0, len);
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void *knob__snap_encode_some(knob_study *s, const int64_t *numbers, size_t n, size_t *len)
{
    int64_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    if (n)
        memcpy(sorted, numbers, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_value);
    void *out = encode(s, 0, sorted, n, len);
    free(sorted);
    return out;
}

bool knob__snap_off(void)
{
    return get_tuning().off;
}

/* ---------------------------------------------------------------- decoding */

/* A NUL-terminated text of its stated length, in place. */
static bool get_text(knobx_reader *r, const char **s)
{
    uint32_t n;
    if (!knobx_read(r, &n, sizeof n) || n == 0 || (size_t)(r->end - r->p) < n ||
        memchr(r->p, 0, n) != r->p + n - 1)
        return false;
    *s = (const char *)r->p;
    r->p += n;
    return true;
}

/* Scratch space for one trial's record as view.c builds blocks from it. */
typedef struct scratch {
    knob_param *params;
    size_t cap_params;
    double *values;
    size_t cap_values;
    knob_step_value *inter;
    size_t cap_inter;
    knob_attr *attrs[2];
    size_t cap_attrs[2];
} scratch;

static void scratch_free(scratch *x)
{
    free(x->params);
    free(x->values);
    free(x->inter);
    free(x->attrs[0]);
    free(x->attrs[1]);
}

typedef struct tables {
    const char **names;
    const knob_distribution **dists;
    uint64_t n_names, n_dists;
} tables;

/* Reads one trial into rec (pointing into the segment and scratch). -1: does not parse;
 * -2: out of memory. */
static int read_trial(knobx_reader *r, const tables *tb, scratch *x, knob__trial_rec *rec)
{
    snap_trial t;
    /* A number is not bounded by the segment's stamp: PostgreSQL's stamps are transaction
     * ids, and one transaction may write 100,000 trials (a segment of a study whose numbers
     * passed its stamp was taken as damaged, and the study read whole every time). */
    if (!knobx_read(r, &t, sizeof t) || t.state < 0 || t.state > KNOB_TRIAL_WAITING ||
        t.number < 0 || t.number >= KNOB__SNAP_MAX_NUMBER)
        return -1;
    /* every part must fit in what is left before anything is allocated for it */
    size_t left = (size_t)(r->end - r->p);
    if (t.n_params > left / sizeof(snap_param) || t.n_values > left / sizeof(double) ||
        t.n_inter > left / sizeof(knob_step_value) || t.n_attrs[0] > left / 10 ||
        t.n_attrs[1] > left / 10)
        return -1;
    if ((t.n_params > x->cap_params &&
         knob__grow(&x->params, &x->cap_params, t.n_params, sizeof *x->params)) ||
        (t.n_values > x->cap_values &&
         knob__grow(&x->values, &x->cap_values, t.n_values, sizeof *x->values)) ||
        (t.n_inter > x->cap_inter &&
         knob__grow(&x->inter, &x->cap_inter, t.n_inter, sizeof *x->inter)) ||
        (t.n_attrs[0] > x->cap_attrs[0] &&
         knob__grow(&x->attrs[0], &x->cap_attrs[0], t.n_attrs[0], sizeof *x->attrs[0])) ||
        (t.n_attrs[1] > x->cap_attrs[1] &&
         knob__grow(&x->attrs[1], &x->cap_attrs[1], t.n_attrs[1], sizeof *x->attrs[1])))
        return -2;
    for (uint32_t k = 0; k < t.n_params; k++) {
        snap_param p;
        if (!knobx_read(r, &p, sizeof p) || p.name >= tb->n_names || p.dist >= tb->n_dists)
            return -1;
        x->params[k] = (knob_param){tb->names[p.name], tb->dists[p.dist], p.internal};
    }
    if (!knobx_read(r, x->values, t.n_values * sizeof *x->values) ||
        !knobx_read(r, x->inter, t.n_inter * sizeof *x->inter))
        return -1;
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < t.n_attrs[k]; i++)
            if (!get_text(r, &x->attrs[k][i].key) || !get_text(r, &x->attrs[k][i].json))
                return -1;
    *rec = (knob__trial_rec){
        .id = t.id,
        .number = t.number,
        .state = (knob_trial_state)t.state,
        .start_time = t.start_time,
        .end_time = t.end_time,
        .n_params = t.n_params,
        .params = NULL, /* resolved already: x->params */
        .n_values = t.n_values,
        .values = x->values,
        .n_intermediate = t.n_inter,
        .intermediate = x->inter,
        .n_user_attrs = t.n_attrs[0],
        .user_attrs = x->attrs[0],
        .n_system_attrs = t.n_attrs[1],
        .system_attrs = x->attrs[1],
        .seq = t.seq,
    };
    return 0;
}

/* Blocks are placed at this alignment in an arena. */
#define ARENA_ALIGN 16

int knob__snap_decode(knob_study *s, const knob__view_builders *b, int64_t from, int64_t to,
                      const void *data, size_t len)
{
    knob__view *v = &s->view;
    snap_head h;
    knobx_reader r = {data, (const unsigned char *)data + len};
    if (!data || !knobx_read(&r, &h, sizeof h) || h.magic != SNAP_MAGIC)
        return knob__error(KNOB_ECORRUPT, "study '%s': snapshot segment %lld..%lld: not one",
                           s->name, (long long)from, (long long)to);
    if (h.version != SNAP_VERSION || h.head_size != sizeof h)
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': snapshot segment %lld..%lld: format %u (this knob "
                           "reads %u)",
                           s->name, (long long)from, (long long)to, h.version, SNAP_VERSION);
    if (h.study != s->id || h.from != from || h.to != to || from < 0 || to <= from)
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': snapshot segment %lld..%lld says study %lld, "
                           "%lld..%lld",
                           s->name, (long long)from, (long long)to, (long long)h.study,
                           (long long)h.from, (long long)h.to);
    if (h.body_len != len - sizeof h || checksum(r.p, h.body_len) != h.sum ||
        h.n_names > h.body_len || h.n_dists > h.body_len || h.n_trials > h.body_len)
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': snapshot segment %lld..%lld: damaged (length or "
                           "checksum)",
                           s->name, (long long)from, (long long)to);
    tables tb = {calloc(h.n_names ? h.n_names : 1, sizeof *tb.names),
                 calloc(h.n_dists ? h.n_dists : 1, sizeof *tb.dists), h.n_names, h.n_dists};
    scratch x = {0};
    knob__trial_rec rec;
    int rc = tb.names && tb.dists ? KNOB_OK : knob__oom("study snapshot");
    for (uint64_t i = 0; !rc && i < h.n_names; i++) {
        const char *name;
        if (!get_text(&r, &name))
            rc = KNOB_ECORRUPT;
        else if (!(tb.names[i] = b->name(v, name)))
            rc = knob__oom("study snapshot");
    }
    for (uint64_t i = 0; !rc && i < h.n_dists; i++) {
        const char *json;
        knob_distribution *d = NULL;
        if (!get_text(&r, &json) || !(d = knob__dist_parse(json)))
            rc = KNOB_ECORRUPT;
        else if (!(tb.dists[i] = b->dist(v, d, NULL)))
            rc = knob__oom("study snapshot");
        free(d);
    }
    /* a first pass checks every record and sizes the arena; nothing is put in the view
     * unless the whole segment reads */
    const unsigned char *trials = r.p;
    size_t size = 0;
    for (uint64_t i = 0; !rc && i < h.n_trials; i++) {
        int e = read_trial(&r, &tb, &x, &rec);
        if (e)
            rc = e == -2 ? knob__oom("study snapshot") : KNOB_ECORRUPT;
        else
            size += (b->info_size(&rec) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    }
    if (!rc && r.p != r.end)
        rc = KNOB_ECORRUPT;
    char *arena = NULL;
    if (!rc && size &&
        (knob__grow(&v->arenas, &v->cap_arenas, v->n_arenas + 1, sizeof *v->arenas) ||
         !(arena = malloc(size))))
        rc = knob__oom("study snapshot");
    if (arena)
        v->arenas[v->n_arenas++] = (struct knob__arena){arena, size};
    r.p = trials;
    for (uint64_t i = 0, off = 0; !rc && i < h.n_trials; i++) {
        if (read_trial(&r, &tb, &x, &rec))
            rc = knob__oom("study snapshot"); /* it read the first time */
        knob_trial_info *info = rc ? NULL : b->info(v, &rec, x.params, arena + off);
        if (!rc && !info)
            rc = knob__oom("study snapshot");
        if (!rc) {
            off += (b->info_size(&rec) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
            rc = b->put(s, &rec, info);
        }
    }
    free(tb.names);
    free(tb.dists);
    scratch_free(&x);
    if (rc == KNOB_ECORRUPT)
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': snapshot segment %lld..%lld: a record does not parse",
                           s->name, (long long)from, (long long)to);
    if (!rc)
        v->seq = to;
    return rc;
}

/* ---------------------------------------------------------------- a record's trials, briefly */

static bool skip_texts(knobx_reader *r, uint64_t n)
{
    const char *s;
    for (uint64_t i = 0; i < n; i++)
        if (!get_text(r, &s))
            return false;
    return true;
}

/* Skips n items of `size` bytes; false when fewer are left. */
static bool skip(knobx_reader *r, uint64_t n, size_t size)
{
    if (n > (uint64_t)(r->end - r->p) / size)
        return false;
    r->p += n * size;
    return true;
}

bool knob__snap_brief(const void *data, size_t len, int64_t study, int64_t to,
                      void (*cb)(void *ctx, const knob__snap_trial *t), void *ctx)
{
    snap_head h;
    knobx_reader r = {data, (const unsigned char *)data + len};
    if (!data || !knobx_read(&r, &h, sizeof h) || h.magic != SNAP_MAGIC ||
        h.version != SNAP_VERSION || h.head_size != sizeof h || h.study != study || h.from != 0 ||
        h.to != to || to <= 0 || h.body_len != len - sizeof h ||
        checksum(r.p, h.body_len) != h.sum || h.n_trials > h.body_len ||
        !skip_texts(&r, h.n_names) || !skip_texts(&r, h.n_dists))
        return false;
    for (uint64_t i = 0; i < h.n_trials; i++) {
        snap_trial t;
        knob__snap_trial b = {.value = NAN};
        if (!knobx_read(&r, &t, sizeof t) || t.state < 0 || t.state > KNOB_TRIAL_WAITING ||
            t.number < 0 || t.number >= KNOB__SNAP_MAX_NUMBER ||
            !skip(&r, t.n_params, sizeof(snap_param)) ||
            (t.n_values && !knobx_read(&r, &b.value, sizeof b.value)) ||
            (t.n_values && !skip(&r, t.n_values - 1, sizeof(double))) ||
            !skip(&r, t.n_inter, sizeof(knob_step_value)) ||
            !skip_texts(&r, 2 * ((uint64_t)t.n_attrs[0] + t.n_attrs[1])))
            return false;
        b.number = t.number;
        b.seq = t.seq;
        b.state = (knob_trial_state)t.state;
        b.n_values = t.n_values;
        cb(ctx, &b);
    }
    return r.p == r.end;
}

/* ---------------------------------------------------------------- load and save */

typedef struct chain {
    knob_study *s;
    const knob__view_builders *b;
    int64_t at;  /* the stamp the view is at */
    size_t segs; /* segments applied */
    bool broken;
} chain;

static int on_segment(void *ctx, int64_t from, int64_t to, const void *data, size_t len)
{
    chain *c = ctx;
    if (from != c->at || knob__snap_decode(c->s, c->b, from, to, data, len)) {
        c->broken = true;
        return KNOB_EDONE; /* stops the read: the chain is trusted up to here */
    }
    c->segs++;
    c->at = to;
    return KNOB_OK;
}

int64_t knob__snap_load(knob_study *s, const knob__view_builders *b)
{
    knob__view *v = &s->view;
    if (!knob__store_has_snapshots(s) || get_tuning().off)
        return 0;
    chain c = {.s = s, .b = b};
    int rc = knob__store_snap_read(s, on_segment, &c);
    if (rc && rc != KNOB_EDONE) {
        /* the read failed part way: what was applied is still the view at c.at, but a
         * storage that fails here fails the sync that follows too; start clean */
        c.at = 0;
    }
    if (c.at == 0) {
        /* nothing applied, or nothing to trust: an empty view, read whole by the sync, and
         * a chain found broken written again whole (not appended to) */
        b->drop(v);
        if (c.broken)
            v->snap_segs = SIZE_MAX;
        return 0;
    }
    v->seq = v->snap_seq = c.at;
    /* a chain that broke part way is written again whole at the next save */
    v->snap_segs = c.broken ? SIZE_MAX : c.segs;
    v->snap_mark = v->n_delivered;
    return c.at;
}

/* What a save knows and makes under the storage's lock on the study's snapshot. */
typedef struct saving {
    knob_study *s;
    tuning t;
    bool made;  /* make was called: this process held the snapshot */
    bool whole; /* what it made */
    int64_t end;
    void *data;
    size_t len;
} saving;

/* The view's trials stamped after `from`. */
static size_t changed_since(const knob__view *v, int64_t from)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++)
        n += wanted(v, i, from);
    return n;
}

/* Called by the storage once this process holds the study's snapshot, with the chain as
 * it is (another process's writes included): a whole chain when there is none, it is in
 * too many pieces or its appends outweigh its first segment, or this process found it
 * broken; otherwise an append from the chain's end, when the view holds enough trials
 * changed since it. The view behind the chain's end adds nothing. */
static int make(void *ctx, const knob__snap_chain *c, knob__snap_seg *out)
{
    saving *w = ctx;
    knob__view *v = &w->s->view;
    free(w->data);
    w->data = NULL;
    w->made = true;
    w->end = c->end;
    if (c->end > v->seq)
        return KNOB_OK;
    w->whole = c->end == 0 || c->segs == 0 || c->segs >= w->t.max_segs ||
               c->tail_len > c->base_len || v->snap_segs == SIZE_MAX;
    if (!w->whole && (c->end == v->seq || changed_since(v, c->end) < w->t.min_changed))
        return KNOB_OK;
    int64_t from = w->whole ? 0 : c->end;
    w->data = knob__snap_encode(w->s, from, &w->len);
    if (w->data)
        *out = (knob__snap_seg){from, v->seq, w->data, w->len};
    return KNOB_OK;
}

void knob__snap_save(knob_study *s)
{
    knob__view *v = &s->view;
    if (!knob__store_has_snapshots(s) || !v->loaded || v->seq <= 0 || v->seq == v->snap_seq)
        return;
    tuning t = get_tuning();
    if (t.off || v->n < t.min_trials)
        return;
    /* a process tries again after `wait` changed trials: the tuning's least after its own
     * write, twice the last wait (up to an eighth of the study) after finding another
     * writer's: so the tries of many processes together stay about one per MIN_CHANGED
     * changed trials of the study, not one per process */
    size_t wait = v->snap_wait ? v->snap_wait : t.min_changed;
    if (v->n_delivered - v->snap_mark < wait)
        return;
    saving w = {.s = s, .t = t};
    bool written = false;
    knob__store_snap_write(s, make, &w, &written);
    size_t most = v->n / 8 > t.min_changed ? v->n / 8 : t.min_changed;
    if (written) {
        v->snap_seq = v->seq;
        v->snap_segs = w.whole ? 1 : v->snap_segs + 1;
        v->snap_wait = t.min_changed;
    } else {
        /* another holds the snapshot, or keeps it: its chain's end is what this process
         * appends to next (when its view is past it) */
        if (w.made && w.end > 0 && w.end <= v->seq)
            v->snap_seq = w.end;
        if (w.made && v->snap_segs == SIZE_MAX)
            v->snap_segs = 0; /* the broken chain is another's to rewrite now */
        v->snap_wait = wait * 2 < most ? wait * 2 : most;
    }
    v->snap_mark = v->n_delivered;
    free(w.data);
}
