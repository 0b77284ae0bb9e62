#define _XOPEN_SOURCE 700 /* nftw */
/* Method pbt in the runner. Each interval of a member is a trial whose system attribute
 * "pbt" says which member, which interval, from which checkpoint (pbt_record). A worker
 * reads the population from the storage, picks a member whose next interval nobody runs,
 * and asks for that interval's trial claiming "pbt:MEMBER:INTERVAL:ATTEMPT": the claim,
 * the trial, its pbt record and its first heartbeat are one storage transaction
 * (knob_study_ask_claimed), so exactly one worker starts each interval and no claim is
 * ever left without its trial. A member's interval whose worker was killed (no heartbeat
 * for `grace`) or stopped (Ctrl-C) is run again, from the same checkpoint, by whichever
 * worker claims it first. */
#include "cli/pbt_run.h"
#include "cli/params.h"
#include "cli/pbt.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Seconds a member whose last interval another worker ran waits for that worker before
 * this one takes it: the one that ran it continues it at once, so they rarely race. */
#define PBT_STEAL_AFTER 2.0
/* Scratch trials that suggest a sweep's params, to learn their distributions: conditional
 * params exist in the branches a trial's draw takes, and 16 draws take most of them. */
#define PBT_NOW_DRAWS 16

typedef enum { M_NEW, M_BUSY, M_STALE, M_NEXT, M_RESUME, M_FAILED, M_FINISHED, M_DEAD } mstate;

typedef struct member {
    int64_t last; /* its latest trial (interval, then attempt), -1: none */
    pbt_record last_rec;
    int64_t done[2]; /* its last two COMPLETE intervals, newest first; -1: none */
    pbt_record done_rec[2];
    double score; /* the value of done[0] */
    int fails;    /* intervals whose program failed */
    mstate st;
    double since; /* wall clock when it became free */
    bool started; /* its latest trial's program got its params (it started) */
} member;

struct pbt_state {
    member *m;
    bool *tried;   /* members tried in this launch */
    int64_t *mine; /* trials this process started */
    size_t n_mine, cap_mine;
    double last_clean;
    /* the sweep's distributions now: trials of a study in memory that suggested them */
    knob_storage *now_st;
    knob_study *now_s;
    knob_trial *now_t[PBT_NOW_DRAWS];
    size_t n_now;
    bool now_tried;
};

void pbt_free(struct pbt_state *p)
{
    if (!p)
        return;
    free(p->m);
    free(p->tried);
    free(p->mine);
    for (size_t i = 0; i < p->n_now; i++)
        knob_trial_detach(p->now_t[i]);
    knob_study_free(p->now_s);
    knob_storage_close(p->now_st);
    free(p);
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_mine(const struct pbt_state *p, int64_t number)
{
    for (size_t i = p->n_mine; i-- > 0;)
        if (p->mine[i] == number)
            return true;
    return false;
}

static bool attr_is(const knob_trial_info *t, const char *key, const char *prefix)
{
    const char *v = knob_trial_info_attr(t, key, true);
    return v && !strncmp(v, prefix, strlen(prefix));
}

/* A FAIL that says nothing of the member: its worker died or was stopped. */
static bool resumable(const knob_trial_info *t)
{
    return attr_is(t, "fail_cause", "\"worker_lost\"") ||
           attr_is(t, "fail_reason", "\"interrupted") ||
           attr_is(t, "fail_reason", "\"stopped: the storage failed");
}

static bool stale(const knob_trial_info *t, double grace, double now)
{
    const char *beat = knob_trial_info_attr(t, "heartbeat", true);
    double last;
    return beat && sscanf(beat, "%lf", &last) == 1 && now - last > grace;
}

/* Reads the population from the trials. */
static void scan(runner *r, const knob_trial_info *const *tr, size_t n)
{
    const pbt_config *c = r->sw->pbt;
    member *ms = r->pbt->m;
    double now = wall();
    for (int64_t i = 0; i < c->population; i++)
        ms[i] = (member){.last = -1, .done = {-1, -1}, .st = M_NEW};
    for (size_t i = 0; i < n; i++) {
        pbt_record rec;
        if (!pbt_record_of(tr[i], &rec) || rec.member < 0 || rec.member >= c->population)
            continue;
        member *m = &ms[rec.member];
        if (m->last < 0 || rec.interval > m->last_rec.interval ||
            (rec.interval == m->last_rec.interval && rec.attempt > m->last_rec.attempt)) {
            m->last = tr[i]->number;
            m->last_rec = rec;
        }
        if (tr[i]->state == KNOB_TRIAL_FAIL && !resumable(tr[i]))
            m->fails++;
        if (tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values &&
            (m->done[0] < 0 || rec.interval > m->done_rec[0].interval)) {
            m->done[1] = m->done[0];
            m->done_rec[1] = m->done_rec[0];
            m->done[0] = tr[i]->number;
            m->done_rec[0] = rec;
            m->score = tr[i]->values[0];
        }
    }
    for (int64_t i = 0; i < c->population; i++) {
        member *m = &ms[i];
        if (m->last < 0)
            continue;
        const knob_trial_info *t = tr[m->last];
        m->since = isnan(t->end_time) ? now : t->end_time;
        /* a study of the sweep's, whose trials knob gave their params (an older one as
         * the user attribute "params") */
        static const cli_params_view swept = {.swept = true};
        m->started = cli_trial_given_params(t, &swept) != NULL;
        switch (t->state) {
        case KNOB_TRIAL_COMPLETE:
            m->st = m->last_rec.end >= c->max_steps ? M_FINISHED : M_NEXT;
            break;
        case KNOB_TRIAL_FAIL:
            m->st = resumable(t) ? M_RESUME : m->fails >= c->max_failures ? M_DEAD : M_FAILED;
            break;
        case KNOB_TRIAL_RUNNING:
        case KNOB_TRIAL_WAITING:
            m->st = stale(t, c->grace, now) ? M_STALE : M_BUSY;
            break;
        default:
            m->st = M_DEAD;
        }
    }
}

static int by_score(const void *a, const void *b, void *dir)
{
    const member *x = *(member *const *)a, *y = *(member *const *)b;
    double d = *(knob_direction *)dir == KNOB_MAXIMIZE ? y->score - x->score : x->score - y->score;
    return d < 0 ? -1 : d > 0 ? 1 : (x < y ? -1 : x > y);
}

/* Whether score a is strictly better than b in direction dir. */
static bool better(double a, double b, knob_direction dir)
{
    return dir == KNOB_MAXIMIZE ? a > b : a < b;
}

/* Members ranked best first (those with a complete interval and alive); returns how many
 * are in the top (and the bottom) quantile. */
static size_t rank(runner *r, member **ranked, size_t *n_ranked)
{
    const pbt_config *c = r->sw->pbt;
    size_t n = 0;
    for (int64_t i = 0; i < c->population; i++) {
        member *m = &r->pbt->m[i];
        if (m->done[0] >= 0 && m->st != M_FAILED && m->st != M_DEAD)
            ranked[n++] = m;
    }
    knob_direction dir = r->sw->objectives[0].goal;
    /* insertion sort: populations are small, and qsort_r is not C11 */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && by_score(&ranked[j], &ranked[j - 1], &dir) < 0; j--) {
            member *t = ranked[j];
            ranked[j] = ranked[j - 1];
            ranked[j - 1] = t;
        }
    *n_ranked = n;
    size_t q = (size_t)ceil((double)n * c->quantile);
    return q > n / 2 ? n / 2 : q;
}

static void checkpoint_dir(const runner *r, int64_t number, knobx_buf *b)
{
    knobx_buf_printf(b, "%s/%lld/checkpoint", r->trial_root, (long long)number);
}

/* Whether the checkpoint of trial number is missing (as check_parent says it): an older knob
 * deleted the checkpoints of a member it left dead, or a user did. */
static bool checkpoint_gone(const runner *r, int64_t number)
{
    knobx_buf b = {0};
    checkpoint_dir(r, number, &b);
    struct stat st;
    bool gone = !b.oom && stat(knobx_buf_cstr(&b), &st) && errno == ENOENT;
    knobx_buf_free(&b);
    return gone;
}

/* The plan for one member's next interval. */
typedef struct plan {
    int64_t member;
    pbt_record rec;
    int64_t params_from; /* the trial whose params it takes; -1: the sampler's */
    bool explore;
    int64_t gone; /* the member's own last complete interval, whose checkpoint is gone; -1 */
} plan;

static bool plan_for(runner *r, int64_t i, plan *p, knob_rng *rng)
{
    const pbt_config *c = r->sw->pbt;
    member *m = &r->pbt->m[i];
    memset(p, 0, sizeof *p);
    p->member = i;
    p->params_from = -1;
    p->gone = -1;
    if (m->st == M_NEW) {
        p->rec = (pbt_record){i, 0, 0, 0, c->interval, -1, -1, -1};
        p->rec.end = c->interval < c->max_steps ? c->interval : c->max_steps;
        return true;
    }
    if (m->st == M_RESUME || m->st == M_STALE) {
        p->rec = m->last_rec;
        p->rec.attempt++;
        p->params_from = m->last;
        /* an interval lost before its program got its params (its worker died right after
         * asking for it) is planned again from its record: its parent's params, explored
         * when it copied a donor */
        if (!m->started) {
            p->params_from = m->last_rec.parent;
            p->explore = m->last_rec.donor >= 0;
        }
        return true;
    }
    /* M_NEXT or M_FAILED: its own checkpoint, or a copy of a top member's */
    member *ranked[PBT_MAX_POPULATION];
    size_t n = 0, q = rank(r, ranked, &n), pos = n;
    for (size_t k = 0; k < n; k++)
        if (ranked[k] == m)
            pos = k;
    /* donors: the best q members that have steps left (at least one for a failed
     * member), ranked above it and outside the bottom quantile: a member that has run out
     * of steps leaves its place to the next best, but never to one scoring below the
     * member that copies, nor the same (a tie ranks above by its place alone: copying it
     * gains nothing and throws away the member's own schedule). A failed member is held to
     * its own last complete interval the same way: after every member failed, the first to
     * complete again was the only donor, and the others threw their better checkpoints away
     * to copy it, whatever it scored. A failed member whose own last checkpoint is gone has
     * nothing of its own to go on from, and its score is that of a model no longer there: it
     * copies any of them, as a member with no complete interval does. */
    bool lost = m->st == M_FAILED && m->done[0] >= 0 && checkpoint_gone(r, m->done[0]);
    bool any = m->st == M_FAILED && (m->done[0] < 0 || lost);
    member *donors[PBT_MAX_POPULATION];
    size_t nd = 0, want = m->st == M_FAILED && q == 0 ? 1 : q;
    size_t above = pos < n - q ? pos : n - q;
    knob_direction dir = r->sw->objectives[0].goal;
    if (m->st == M_FAILED || (q > 0 && pos >= n - q))
        for (size_t k = 0; k < above && nd < want; k++)
            if (ranked[k]->done_rec[0].end < c->max_steps &&
                (any || better(ranked[k]->score, m->score, dir)))
                donors[nd++] = ranked[k];
    if (m->st == M_FAILED && nd == 0) {
        /* nothing to copy (every other member failed too, reached max_steps, has no
         * complete interval or scores no better): the member runs its interval again, as its
         * next attempt, from its own last checkpoint with that checkpoint's params, or from
         * scratch with the failed interval's params when it has none (or its checkpoint is
         * gone: an attempt from it could only fail again). Waiting for a donor left a
         * population whose every member failed once with nothing to run, and ended it. */
        int64_t own = lost ? -1 : m->done[0];
        p->rec = m->last_rec;
        p->rec.attempt++;
        p->rec.start = own >= 0 ? m->done_rec[0].end : 0;
        p->rec.parent = own;
        p->rec.donor = p->rec.donor_trial = -1;
        p->rec.end =
            p->rec.start + c->interval < c->max_steps ? p->rec.start + c->interval : c->max_steps;
        p->params_from = own >= 0 ? own : m->started ? m->last : m->done[0];
        p->gone = lost ? m->done[0] : -1;
        return true;
    }
    const member *from = nd ? donors[knob_rng_below(rng, nd)] : m;
    int64_t at = from->done[0];
    p->rec = (pbt_record){i, m->last_rec.interval + 1, 0, from->done_rec[0].end, 0, at, -1, -1};
    p->rec.end =
        p->rec.start + c->interval < c->max_steps ? p->rec.start + c->interval : c->max_steps;
    if (nd) {
        p->rec.donor = from - r->pbt->m;
        p->rec.donor_trial = at;
        p->explore = true;
    }
    p->params_from = at;
    return true;
}

/* ---------------------------------------------------------------- checkpoints */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) && errno != ENOENT ? -1 : 0;
}

static void mark(bool *live, size_t n, int64_t number)
{
    if (number >= 0 && (size_t)number < n)
        live[number] = true;
}

/* Deletes the checkpoint of every finished interval that no member can start from: all
 * but each member's last two complete intervals, the starting points of the intervals
 * running or to be run again, and the best interval of all. */
static void clean(runner *r, const knob_trial_info *const *tr, size_t n)
{
    const pbt_config *c = r->sw->pbt;
    bool *live = calloc(n ? n : 1, sizeof *live);
    if (!live || c->keep_checkpoints) {
        free(live);
        return;
    }
    for (int64_t i = 0; i < c->population; i++) {
        const member *m = &r->pbt->m[i];
        if (m->st != M_DEAD) {
            mark(live, n, m->done[0]);
            mark(live, n, m->done[1]);
        } else if (m->fails >= c->max_failures) {
            /* left dead by its failures: its last checkpoint, where a run with a higher
             * max_failures takes it up again */
            mark(live, n, m->done[0]);
        }
        if (m->st == M_RESUME || m->st == M_STALE)
            mark(live, n, m->last_rec.parent);
    }
    bool max = r->sw->objectives[0].goal == KNOB_MAXIMIZE;
    int64_t best = -1;
    double best_value = 0;
    for (size_t i = 0; i < n; i++) {
        pbt_record rec;
        if (!pbt_record_of(tr[i], &rec))
            continue;
        if (tr[i]->state == KNOB_TRIAL_RUNNING || tr[i]->state == KNOB_TRIAL_WAITING)
            mark(live, n, rec.parent);
        double v = tr[i]->n_values ? tr[i]->values[0] : NAN;
        if (tr[i]->state == KNOB_TRIAL_COMPLETE && isfinite(v) &&
            (best < 0 || (max ? v > best_value : v < best_value))) {
            best = tr[i]->number;
            best_value = v;
        }
    }
    mark(live, n, best); /* the best model found stays */
    for (size_t i = 0; i < n; i++) {
        pbt_record rec;
        if (live[i] || tr[i]->state == KNOB_TRIAL_RUNNING || tr[i]->state == KNOB_TRIAL_WAITING ||
            !pbt_record_of(tr[i], &rec))
            continue;
        knobx_buf b = {0};
        checkpoint_dir(r, tr[i]->number, &b);
        struct stat st;
        if (!b.oom && lstat(knobx_buf_cstr(&b), &st) == 0)
            nftw(knobx_buf_cstr(&b), rm_one, 16, FTW_DEPTH | FTW_PHYS);
        knobx_buf_free(&b);
    }
    free(live);
}

/* ---------------------------------------------------------------- starting */

static int mkdirs(const char *path)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static const knob_trial_info *trial_of(knob_study *s, int64_t number)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    if (number < 0 || knob_study_trials(s, &tr, &n) || (size_t)number >= n)
        return NULL;
    return tr[number]->number == number ? tr[number] : NULL;
}

/* ---------------------------------------------------------------- PB2 */

/* Whether PB2 chooses this param (floats and ints; categoricals are explored as by PBT). */
static bool pb2_dim(const knob_distribution *d)
{
    return d->kind != KNOB_DIST_CATEGORICAL && d->high > d->low;
}

/* A param's value and bounds as PB2 sees them: logs for a log scale. */
static double pb2_in(const knob_distribution *d, double x)
{
    return d->flags & KNOB_LOG ? log(x) : x;
}

static double pb2_out(const knob_distribution *d, double u)
{
    /* a bound is itself: exp(log(0.45)) is 0.44999999999999996 */
    double x = u >= pb2_in(d, d->high)  ? d->high
               : u <= pb2_in(d, d->low) ? d->low
               : d->flags & KNOB_LOG    ? exp(u)
                                        : u;
    if (d->kind == KNOB_DIST_INT || d->step > 0) {
        double step = d->step > 0 ? d->step : 1;
        x = d->low + round((x - d->low) / step) * step;
    }
    return fmin(d->high, fmax(d->low, x));
}

/* Row x of trial t's PB2 params (named as src's dims); false when one is missing. */
static bool pb2_row(const knob_trial_info *t, const knob_param *const *dims, size_t d, double *x)
{
    for (size_t j = 0; j < d; j++) {
        const knob_param *q = NULL;
        for (size_t i = 0; i < t->n_params && !q; i++)
            if (!strcmp(t->params[i].name, dims[j]->name))
                q = &t->params[i];
        if (!q || q->dist->kind == KNOB_DIST_CATEGORICAL)
            return false;
        /* on src's scale: a sweep edited from log to linear (or back) keeps the value, and a
         * value outside the bounds (none at or below 0 on a log scale) is clipped */
        const knob_distribution *s = dims[j]->dist;
        x[j] = fmin(pb2_in(s, s->high), fmax(pb2_in(s, s->low), pb2_in(s, q->internal)));
    }
    return true;
}

/* PB2's choice of the params of src's dims for an interval ending at step `end`: the data are
 * every complete interval that started from a checkpoint (its metric's change since that
 * checkpoint, signed so that higher is better) and the intervals running now. */
static int pb2_choose(runner *r, const knob_param *const *dims, size_t d, int64_t end,
                      knob_rng *rng, double *out)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    if (knob_study_trials(r->ref.s, &tr, &n))
        return -1;
    double sign = r->sw->objectives[0].goal == KNOB_MAXIMIZE ? 1 : -1;
    double unit = (double)r->sw->pbt->interval;
    double *time = malloc((n + 1) * sizeof *time), *x = malloc((n + 1) * d * sizeof *x);
    double *change = malloc((n + 1) * sizeof *change), *ptime = malloc((n + 1) * sizeof *ptime);
    double *px = malloc((n + 1) * d * sizeof *px), *lo = malloc(2 * d * sizeof *lo);
    double *hi = lo ? lo + d : NULL;
    int rc = KNOB_ENOMEM;
    if (!time || !x || !change || !ptime || !px || !lo) {
        knob_set_error(KNOB_ENOMEM, "pb2: out of memory");
        goto done;
    }
    size_t nobs = 0, npend = 0;
    for (size_t i = 0; i < n; i++) {
        pbt_record rec;
        if (!pbt_record_of(tr[i], &rec))
            continue;
        if (tr[i]->state == KNOB_TRIAL_RUNNING) {
            if (pb2_row(tr[i], dims, d, px + npend * d))
                ptime[npend++] = (double)rec.end / unit;
            continue;
        }
        const knob_trial_info *from =
            rec.parent >= 0 && (size_t)rec.parent < n ? tr[rec.parent] : NULL;
        if (tr[i]->state != KNOB_TRIAL_COMPLETE || !tr[i]->n_values || !from ||
            from->state != KNOB_TRIAL_COMPLETE || !from->n_values ||
            !isfinite(tr[i]->values[0] - from->values[0]) || !pb2_row(tr[i], dims, d, x + nobs * d))
            continue;
        time[nobs] = (double)rec.end / unit;
        change[nobs++] = sign * (tr[i]->values[0] - from->values[0]);
    }
    for (size_t j = 0; j < d; j++) {
        lo[j] = pb2_in(dims[j]->dist, dims[j]->dist->low);
        hi[j] = pb2_in(dims[j]->dist, dims[j]->dist->high);
    }
    knob_pb2_problem pb = {.d = d,
                           .lower = lo,
                           .upper = hi,
                           .n = nobs,
                           .time = time,
                           .x = x,
                           .change = change,
                           .n_pending = npend,
                           .pending_time = ptime,
                           .pending_x = px,
                           .time_next = (double)end / unit,
                           .seed = knob_rng_next(rng)};
    rc = knob_pb2_suggest(&pb, out);
    for (size_t j = 0; !rc && j < d; j++)
        out[j] = pb2_out(dims[j]->dist, out[j]);
done:
    free(time);
    free(x);
    free(change);
    free(ptime);
    free(px);
    free(lo);
    return rc;
}

/* ---------------------------------------------------------------- a changed sweep */

/* The distribution the sweep gives param `name` now, as its trials suggest it; NULL when
 * the sweep has no such param (or, for a conditional param, not in the branches the
 * scratch trials' draws took). The scratch trials, of a study in memory, suggest the
 * params once. */
static const knob_distribution *dist_now(runner *r, const char *name)
{
    struct pbt_state *p = r->pbt;
    if (!p->now_tried) {
        p->now_tried = true;
        int rc = knob_storage_open("memory:", &p->now_st);
        /* a fixed seed: the same sweep, the same branches */
        knob_study_options o = {0};
        if (!rc)
            rc = knob_sampler_create("random", "seed=1", &o.sampler);
        if (!rc)
            rc = knob_study_create(p->now_st, "pbt", &o, &p->now_s);
        while (!rc && p->n_now < PBT_NOW_DRAWS) {
            trial_params tp = {0};
            knob_trial *t = NULL;
            rc = knob_study_ask(p->now_s, &t);
            if (!rc)
                p->now_t[p->n_now++] = t;
            if (!rc && params_suggest(r->sw, t, false, &tp))
                rc = -1;
            params_free(&tp);
        }
        if (rc)
            fprintf(stderr, "knob: pbt: the sweep's params: %s\n", knob_errmsg());
    }
    for (size_t k = 0; k < p->n_now; k++)
        for (size_t i = 0; i < knob_trial_n_params(p->now_t[k]); i++) {
            const knob_param *q = knob_trial_param(p->now_t[k], i);
            if (!strcmp(q->name, name))
                return q->dist;
        }
    return NULL;
}

static bool same_dist(const knob_distribution *a, const knob_distribution *b)
{
    if (a->kind != b->kind || a->low != b->low || a->high != b->high || a->step != b->step ||
        a->flags != b->flags || a->n_choices != b->n_choices)
        return false;
    for (size_t i = 0; i < a->n_choices; i++)
        if (!sweep_choice_same(&a->choices[i], &b->choices[i]))
            return false;
    return true;
}

/* A value under `from` as a value under `to`, the param's distribution in a sweep file
 * changed since: a number clipped to the new bounds and rounded to the new step, a
 * choice found among the new choices. False when it has no such value (a choice gone, a
 * number become a choice): the sampler draws the param afresh. */
static bool carry(const knob_distribution *from, const knob_distribution *to, double x, double *out)
{
    bool cat = from->kind == KNOB_DIST_CATEGORICAL;
    if (cat != (to->kind == KNOB_DIST_CATEGORICAL))
        return false;
    if (cat) {
        size_t at = (size_t)x;
        for (size_t i = 0; at < from->n_choices && i < to->n_choices; i++)
            if (sweep_choice_same(&from->choices[at], &to->choices[i])) {
                *out = (double)i;
                return true;
            }
        return false;
    }
    double step = to->step > 0 ? to->step : to->kind == KNOB_DIST_INT ? 1 : 0;
    double y = fmin(to->high, fmax(to->low, x));
    if (step > 0)
        y = fmin(to->high, to->low + round((y - to->low) / step) * step);
    *out = y;
    return true;
}

/* The params of src as the sweep has them now: a param whose distribution changed since
 * (the sweep file was edited before the study was resumed) carries its value over into
 * the new one; one that cannot is left out (drawn afresh). n, out: src->n_params. Were
 * they proposed under their old distribution, the trial (suggesting the new one) would
 * ignore every one of them, and a member would go on from its checkpoint with params
 * drawn at random. */
static size_t params_now(runner *r, const knob_trial_info *src, knob_param *out)
{
    size_t n = 0;
    for (size_t i = 0; i < src->n_params; i++) {
        knob_param q = src->params[i];
        const knob_distribution *now = dist_now(r, q.name);
        if (now && !same_dist(now, q.dist)) {
            if (!carry(q.dist, now, q.internal, &q.internal))
                continue;
            q.dist = now;
        }
        out[n++] = q;
    }
    return n;
}

/* The normal family: the library holds a quantile u, the program gets mu + sigma z(u) (or
 * e to that). The factor multiplies that value (a log normal's on a log scale), within the
 * values knob draws (the quantiles' bounds), and u is the new value's quantile: multiplying
 * u itself was no move by the factor at all. */
static double explore_normal(const runner *r, const sweep_param *sp, const knob_param *q,
                             knob_rng *rng)
{
    bool lg = sp->kind == PK_LOG_NORMAL || sp->kind == PK_Q_LOG_NORMAL;
    bool rounded = sp->kind == PK_Q_NORMAL || sp->kind == PK_Q_LOG_NORMAL;
    const knob_distribution *d = q->dist;
    double lo = sp->mu + sp->sigma * knob_normal_quantile(d->low);
    double hi = sp->mu + sp->sigma * knob_normal_quantile(d->high);
    double v = sp->mu + sp->sigma * knob_normal_quantile(fmin(d->high, fmax(d->low, q->internal)));
    knob_distribution span = {.kind = KNOB_DIST_FLOAT,
                              .low = lg ? exp(lo) : lo,
                              .high = lg ? exp(hi) : hi,
                              .flags = lg ? KNOB_LOG : 0};
    /* a resample draws the quantile afresh (a normal draw of the value), not a value
     * uniform over the span */
    pbt_config c = *r->sw->pbt;
    bool fresh = knob_rng_uniform(rng) < c.resample_probability;
    c.resample_probability = fresh ? 1 : 0;
    if (fresh)
        return pbt_explore_value(&c, d, q->internal, rng);
    /* q_normal, q_log_normal: the value the program got, rounded to q, is multiplied, and
     * the result moves by one q at least, as explore_q_log's */
    double x = lg ? exp(v) : v, y;
    if (rounded) {
        double step = sp->has_q && sp->q > 0 ? sp->q : 1;
        x = params_round_q(x, sp);
        if (lg && x == 0) /* a value rounded to 0, which no factor moves */
            return q->internal;
        /* the factor on the value as it is, the span's bounds after the step: a rounded
         * value just past a bound (-3 below -2.75) was clamped inside it first, and moved
         * inward whatever the factor. A 0 moves by a share of the span, as the library's. */
        knob_distribution open = span;
        if (x != 0) {
            open.low = lg ? 0 : -INFINITY;
            open.high = INFINITY;
        }
        y = pbt_explore_value(&c, &open, x, rng);
        double ky = round(y / step), kx = round(x / step);
        if (ky == kx && y != x)
            ky += y > x ? 1 : -1;
        y = fmin(span.high, fmax(span.low, ky * step));
    } else {
        y = pbt_explore_value(&c, &span, x, rng);
    }
    double z = ((lg ? log(y) : y) - sp->mu) / sp->sigma;
    return fmin(d->high, fmax(d->low, knob_normal_cdf(z)));
}

/* q_log_uniform_values: the library holds the unrounded draw (a log scale takes no step)
 * and the program gets it rounded to q, so the factor multiplies the value the program got
 * (5, not the 4.6 held), and the result moves by one q at least, as an int moves by one
 * step. */
static double explore_q_log(const runner *r, const sweep_param *sp, const knob_param *q,
                            knob_rng *rng)
{
    double step = sp->has_q && sp->q > 0 ? sp->q : 1, lo = q->dist->low, hi = q->dist->high;
    double x = fmin(hi, fmax(lo, params_round_q(q->internal, sp)));
    double y = pbt_explore_value(r->sw->pbt, q->dist, x, rng);
    double ky = round(y / step), kx = round(x / step);
    if (ky == kx && y != x)
        ky += y > x ? 1 : -1;
    return fmin(hi, fmax(lo, ky * step));
}

/* inv_log_uniform_values: the library holds the reciprocal of the value the program gets,
 * so the factor multiplies that value (x0.5 halves it) and the reciprocal is held again;
 * multiplying the reciprocal moved the value by 1 / factor, the other way. A resample draws
 * the value log-uniformly in its bounds, as the reciprocal's draw does. */
static double explore_inv(const runner *r, const knob_param *q, knob_rng *rng)
{
    const knob_distribution *d = q->dist;
    knob_distribution values = {
        .kind = KNOB_DIST_FLOAT, .low = 1 / d->high, .high = 1 / d->low, .flags = KNOB_LOG};
    double x = fmin(values.high, fmax(values.low, 1 / q->internal));
    double y = pbt_explore_value(r->sw->pbt, &values, x, rng);
    return fmin(d->high, fmax(d->low, 1 / y));
}

/* A param's explored value: the library's value times a factor, or the program's where the
 * sweep's form converts it. */
static double explore_one(const runner *r, const knob_param *q, knob_rng *rng)
{
    const sweep_param *sp = sweep_find(r->sw, q->name);
    switch (sp ? sp->kind : PK_UNIFORM) {
    case PK_NORMAL:
    case PK_Q_NORMAL:
    case PK_LOG_NORMAL:
    case PK_Q_LOG_NORMAL:
        return explore_normal(r, sp, q, rng);
    case PK_Q_LOG_UNIFORM_VALUES:
        return explore_q_log(r, sp, q, rng);
    case PK_INV_LOG_UNIFORM_VALUES:
        return explore_inv(r, q, rng);
    default:
        return pbt_explore_value(r->sw->pbt, q->dist, q->internal, rng);
    }
}

/* The params of the plan's source trial, explored or not, proposed to t. */
static int propose(runner *r, const plan *p, knob_trial *t, knob_rng *rng)
{
    const knob_trial_info *src = trial_of(r->ref.s, p->params_from);
    if (p->params_from >= 0 && !src)
        return knob_set_error(KNOB_ENOTFOUND, "trial %lld is gone", (long long)p->params_from);
    if (!src)
        return KNOB_OK;
    knob_param *cur = malloc((src->n_params ? src->n_params : 1) * sizeof *cur);
    if (!cur)
        return knob_set_error(KNOB_ENOMEM, "pbt: out of memory");
    size_t n = params_now(r, src, cur);
    /* PB2's params: the trial's numerical ones up to KNOB_PB2_MAX_PARAMS; those past it are
     * explored as pbt explores, not by PB2's model */
    const knob_param **dims = malloc((n ? n : 1) * sizeof *dims);
    double *chosen = malloc((n ? n : 1) * sizeof *chosen);
    size_t d = 0;
    int rc = KNOB_OK;
    bool pb2 = p->explore && r->sw->pbt->explore == PBT_EXPLORE_PB2;
    if (!dims || !chosen)
        rc = knob_set_error(KNOB_ENOMEM, "pbt: out of memory");
    for (size_t i = 0; !rc && pb2 && i < n && d < KNOB_PB2_MAX_PARAMS; i++)
        if (pb2_dim(cur[i].dist))
            dims[d++] = &cur[i];
    if (!rc && d && pb2_choose(r, dims, d, p->rec.end, rng, chosen))
        rc = -1;
    for (size_t i = 0, k = 0; !rc && i < n; i++) {
        const knob_param *q = &cur[i];
        double x = q->internal;
        if (k < d && dims[k] == q)
            x = chosen[k++];
        else if (p->explore)
            x = explore_one(r, q, rng);
        rc = knob_trial_propose(t, q->name, q->dist, x);
    }
    free(dims);
    free(chosen);
    free(cur);
    return rc;
}

/* Says so when the checkpoint an interval starts from is missing or empty: its program
 * saved nothing into KNOB_CHECKPOINT_OUT, or trial_dir is not shared between machines.
 * The interval is run all the same (its program decides what an empty start means). */
static void check_parent(const runner *r, int64_t number, int64_t parent)
{
    knobx_buf b = {0};
    checkpoint_dir(r, parent, &b);
    DIR *d = b.oom ? NULL : opendir(knobx_buf_cstr(&b));
    int e_open = errno;
    bool empty = true;
    for (struct dirent *e; d && empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    /* a checkpoint that is there but cannot be read (a file where its directory was, a
     * directory without permission) is no missing one */
    if (!b.oom && !d && e_open != ENOENT)
        fprintf(stderr,
                "knob: pbt: trial %lld starts from the checkpoint of trial %lld, and %s cannot "
                "be read: %s\n",
                (long long)number, (long long)parent, knobx_buf_cstr(&b), strerror(e_open));
    else if (!b.oom && empty)
        fprintf(stderr,
                "knob: pbt: trial %lld starts from the checkpoint of trial %lld, and %s is %s "
                "(its program saved nothing into KNOB_CHECKPOINT_OUT, or trial_dir is not on a "
                "file system this worker shares)\n",
                (long long)number, (long long)parent, knobx_buf_cstr(&b), d ? "empty" : "missing");
    if (d)
        closedir(d);
    knobx_buf_free(&b);
}

/* Starts the program of t, the plan's trial (created with its pbt record). */
static int start(runner *r, slot *sl, const plan *p, knob_trial *t, knob_rng *rng)
{
    int64_t number = knob_trial_number(t);
    knobx_buf env[5] = {{0}}, dir = {0}, why = {0};
    int rc = propose(r, p, t, rng);
    if (rc)
        knobx_buf_printf(&why, "%s", knob_errmsg());
    checkpoint_dir(r, number, &dir);
    run_trial_dir_claim(r, number);
    if (!rc && mkdirs(knobx_buf_cstr(&dir))) {
        int e = errno;
        knobx_buf_printf(&why, "cannot create %s: %s", knobx_buf_cstr(&dir), strerror(e));
        rc = -1;
    }
    if (rc)
        fprintf(stderr, "knob: pbt: trial %lld: %s\n", (long long)number, knobx_buf_cstr(&why));
    else if (p->gone >= 0)
        fprintf(stderr,
                "knob: pbt: trial %lld: the last checkpoint of member %lld (trial %lld) is "
                "missing, and no member has steps left to copy: it starts again from step 0\n",
                (long long)number, (long long)p->member, (long long)p->gone);
    knobx_buf_printf(&env[0], "KNOB_CHECKPOINT_OUT=%s", knobx_buf_cstr(&dir));
    knobx_buf_printf(&env[1], "KNOB_PBT_MEMBER=%lld", (long long)p->rec.member);
    knobx_buf_printf(&env[2], "KNOB_PBT_START_STEP=%lld", (long long)p->rec.start);
    knobx_buf_printf(&env[3], "KNOB_PBT_END_STEP=%lld", (long long)p->rec.end);
    if (p->rec.parent >= 0) {
        if (!rc)
            check_parent(r, number, p->rec.parent);
        knobx_buf_puts(&env[4], "KNOB_CHECKPOINT_IN=");
        checkpoint_dir(r, p->rec.parent, &env[4]);
    }
    char *extra[6] = {
        env[0].data, env[1].data, env[2].data, env[3].data, p->rec.parent >= 0 ? env[4].data : NULL,
        NULL};
    if (rc) {
        /* the reason in the trial too, where knob trials and the report show it; written
         * with the FAIL, so a trial failed as lost meanwhile keeps its own */
        knobx_buf text = {0};
        knobx_buf_printf(&text, "pbt: the interval could not start: %s", knobx_buf_cstr(&why));
        const char *reason = text.oom ? "pbt: the interval could not start" : knobx_buf_cstr(&text);
        run_saved(r, number, knob_study_tell_fail(r->ref.s, t, reason, NULL), "its state");
        knobx_buf_free(&text);
    } else {
        rc = run_start(r, sl, t, extra);
    }
    knobx_buf_free(&dir);
    knobx_buf_free(&why);
    for (int i = 0; i < 5; i++)
        knobx_buf_free(&env[i]);
    return rc;
}

static void remember(struct pbt_state *p, int64_t number)
{
    if (p->n_mine == p->cap_mine) {
        size_t cap = p->cap_mine ? 2 * p->cap_mine : 64;
        int64_t *m = realloc(p->mine, cap * sizeof *m);
        if (!m)
            return;
        p->mine = m;
        p->cap_mine = cap;
    }
    p->mine[p->n_mine++] = number;
}

static bool tried_has(const struct pbt_state *p, int64_t i)
{
    return p->tried[i];
}

static void tried_add(struct pbt_state *p, int64_t i)
{
    p->tried[i] = true;
}

/* Whether member i may be started by this worker now. */
static bool ready(runner *r, const member *m, double now)
{
    switch (m->st) {
    case M_NEW:
    case M_STALE:
        return true;
    case M_NEXT:
    case M_RESUME:
    case M_FAILED:
        return is_mine(r->pbt, m->last) || now - m->since >= PBT_STEAL_AFTER;
    default:
        return false;
    }
}

/* For the tests of a worker that dies right after it won an interval's claim (its trial
 * exists, with its pbt record and a heartbeat, and no params yet):
 * KNOB_TEST_PBT_EXIT_AFTER_CLAIM=MEMBER:INTERVAL makes the process exit (status 70) as soon
 * as it wins that interval's claim. */
static void test_exit_after_claim(const plan *p)
{
    const char *v = getenv("KNOB_TEST_PBT_EXIT_AFTER_CLAIM");
    long long who, interval;
    if (v && sscanf(v, "%lld:%lld", &who, &interval) == 2 && who == p->member &&
        interval == p->rec.interval) {
        fprintf(stderr,
                "knob: pbt: exiting after the claim of member %lld's interval %lld "
                "(KNOB_TEST_PBT_EXIT_AFTER_CLAIM)\n",
                who, interval);
        _exit(70);
    }
}

/* Asks for member i's planned interval, its trial created with the interval's claim and
 * pbt record in one transaction: 1 started, 0 lost the claim (or no plan), -1 failed, -2
 * the study is full (run_cap). */
static int try_member(runner *r, slot *sl, int64_t i)
{
    knob_rng rng;
    uint64_t seed = knob_sampler_seed(knob_study_sampler(r->ref.s));
    knob_rng_derive(&rng, seed, i * 1000003 + r->pbt->m[i].last_rec.interval, "pbt");
    plan p;
    if (!plan_for(r, i, &p, &rng))
        return 0;
    /* The plan's key: the same for every worker that reads the same population. */
    char key[128];
    snprintf(key, sizeof key, "pbt:%lld:%lld:%lld", (long long)p.member, (long long)p.rec.interval,
             (long long)p.rec.attempt);
    knobx_buf rec = {0};
    pbt_record_json(&rec, &p.rec);
    if (rec.oom) {
        fprintf(stderr, "knob: pbt: out of memory\n");
        return -1;
    }
    const knob_attr attrs[1] = {{"pbt", knobx_buf_cstr(&rec)}};
    knob_trial *t = NULL;
    bool won = false;
    int rc = knob_study_ask_claimed(r->ref.s, key, attrs, 1, &t, &won);
    knobx_buf_free(&rec);
    if (rc == KNOB_EDONE)
        return -2;
    if (rc) {
        fprintf(stderr, "knob: pbt: ask for %s: %s\n", key, knob_errmsg());
        if (rc == KNOB_ESTORAGE)
            run_storage_failed(r, -1);
        return -1;
    }
    if (!won)
        return 0;
    test_exit_after_claim(&p);
    remember(r->pbt, knob_trial_number(t));
    return start(r, sl, &p, t, &rng) < 0 ? -1 : 1;
}

/* Says how the population ended, every member finished or dead: a population none of whose
 * members reached max_steps ends the run with exit status 1 (r->broken), as a run whose
 * every trial failed to run does. */
static void population_over(runner *r)
{
    const pbt_config *c = r->sw->pbt;
    long long finished = 0, failed = 0, all = (long long)c->population;
    for (int64_t i = 0; i < c->population; i++) {
        const member *m = &r->pbt->m[i];
        finished += m->st == M_FINISHED;
        failed += m->st == M_DEAD && m->fails >= c->max_failures;
    }
    long long pruned = all - finished - failed; /* its last interval pruned (knob tell) */
    knobx_buf b = {0};
    if (finished == all)
        knobx_buf_printf(&b, "every member of the population reached max_steps (%lld)",
                         (long long)c->max_steps);
    else if (failed == all)
        knobx_buf_printf(&b,
                         "every member of the population failed %lld times (pbt.max_failures) "
                         "before max_steps (%lld) and is left dead",
                         (long long)c->max_failures, (long long)c->max_steps);
    else
        knobx_buf_printf(&b, "%lld of %lld members reached max_steps (%lld)", finished, all,
                         (long long)c->max_steps);
    if (failed && failed < all)
        knobx_buf_printf(&b, "; %lld failed %lld times (pbt.max_failures) and %s left dead", failed,
                         (long long)c->max_failures, failed == 1 ? "is" : "are");
    if (pruned)
        knobx_buf_printf(&b, "; %lld %s pruned", pruned, pruned == 1 ? "was" : "were");
    /* a dead member whose last checkpoint is gone (an older knob deleted a dead member's)
     * goes on from another member's or from step 0: said, lest more failures be expected */
    long long gone = 0, who = -1, at = -1;
    for (int64_t i = 0; i < c->population; i++) {
        const member *m = &r->pbt->m[i];
        if (m->st == M_DEAD && m->fails >= c->max_failures && m->done[0] >= 0 &&
            checkpoint_gone(r, m->done[0])) {
            gone++;
            who = (long long)i;
            at = (long long)m->done[0];
        }
    }
    if (gone == 1)
        knobx_buf_printf(&b,
                         "; member %lld's last checkpoint (trial %lld) is missing: it goes on "
                         "from another member's or from step 0",
                         who, at);
    else if (gone)
        knobx_buf_printf(&b,
                         "; %lld of them have no last checkpoint left: they go on from another "
                         "member's or from step 0",
                         gone);
    if (failed)
        knobx_buf_puts(&b,
                       ";\nto go on, raise pbt.max_failures in the sweep file and run it again");
    snprintf(r->done_why, sizeof r->done_why, "%s",
             b.oom ? "the population is over" : knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    if (!finished)
        r->broken = true;
}

int pbt_launch(runner *r, slot *sl)
{
    const pbt_config *c = r->sw->pbt;
    if (!r->pbt) {
        r->pbt = calloc(1, sizeof *r->pbt);
        if (r->pbt) {
            r->pbt->m = calloc((size_t)c->population, sizeof *r->pbt->m);
            r->pbt->tried = calloc((size_t)c->population, sizeof *r->pbt->tried);
        }
        if (!r->pbt || !r->pbt->m || !r->pbt->tried) {
            fprintf(stderr, "knob: pbt: out of memory\n");
            return -1;
        }
    }
    const knob_trial_info *const *tr;
    size_t n = 0;
    if (knob_study_trials(r->ref.s, &tr, &n)) {
        fprintf(stderr, "knob: pbt: %s\n", knob_errmsg());
        return -1;
    }
    scan(r, tr, n);
    memset(r->pbt->tried, 0, (size_t)c->population * sizeof *r->pbt->tried);
    double now = wall();
    if (now - r->pbt->last_clean >= 1) {
        clean(r, tr, n);
        r->pbt->last_clean = now;
    }
    /* New members first (the whole population starts together), then the rest, the
     * member furthest behind first (fewest steps, then free the longest), so that the
     * population moves on together when fewer run at once than it holds. Another worker's
     * member is ready only once that worker has left it PBT_STEAL_AFTER (ready), so it
     * needs no rank below this worker's own: ranked below them, a member taken over (a
     * study resumed after its worker was killed) waited for every member this worker had
     * started to reach max_steps, and one worker trained the population one member after
     * the other. Tried in order until a claim is won. */
    bool open = false;
    for (int64_t i = 0; i < c->population; i++)
        open |= r->pbt->m[i].st != M_FINISHED && r->pbt->m[i].st != M_DEAD;
    for (;;) {
        int64_t pick = -1;
        int best_order = 3;
        for (int64_t i = 0; i < c->population; i++) {
            const member *m = &r->pbt->m[i];
            if (!ready(r, m, now) || tried_has(r->pbt, i))
                continue;
            int order = m->st == M_NEW ? 0 : 1;
            const member *b = pick >= 0 ? &r->pbt->m[pick] : NULL;
            if (!b || order < best_order ||
                (order == best_order &&
                 (m->last_rec.end < b->last_rec.end ||
                  (m->last_rec.end == b->last_rec.end && m->since < b->since)))) {
                pick = i;
                best_order = order;
            }
        }
        if (pick < 0)
            break;
        tried_add(r->pbt, pick);
        int rc = try_member(r, sl, pick);
        if (rc == -2) {
            snprintf(r->done_why, sizeof r->done_why, "the study holds its run_cap of %lld trials",
                     (long long)r->sw->run_cap);
            return 0;
        }
        if (rc)
            return rc;
        /* lost: the view is stale; read it again */
        if (knob_study_trials(r->ref.s, &tr, &n))
            return -1;
        scan(r, tr, n);
    }
    /* A member neither finished nor dead runs again, here or in another worker (a failed
     * one copies a top member, or runs its interval again): the population goes on. */
    if (open) {
        r->waiting = true;
        return 2;
    }
    clean(r, tr, n);
    population_over(r);
    return 0;
}
