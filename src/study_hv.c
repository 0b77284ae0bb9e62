/* The hypervolume of a study's feasible Pareto front, and its history. */
#include "math/hypervolume.h"
#include "math/pareto.h"
#include "study.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Objective j of a trial as a loss (maximized objectives negated). */
static double loss(const knob_study *s, const double *values, size_t j)
{
    return s->dirs[j] == KNOB_MAXIMIZE ? -values[j] : values[j];
}

static void point_text(char *buf, size_t size, const double *p, size_t m)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t j = 0; j < m && at < size; j++)
        at += (size_t)snprintf(buf + at, size - at, "%s%g", j ? ", " : "(", p[j]);
    if (at < size)
        snprintf(buf + at, size - at, ")");
}

/* The reference point as a loss: the caller's (checked), or the default from the front. */
static int reference(knob_study *s, const knob_trial_info *const *front, size_t n,
                     const double *ref, double *out)
{
    size_t m = s->n_dirs;
    if (ref) {
        for (size_t j = 0; j < m; j++) {
            if (!isfinite(ref[j]))
                return knob__error(KNOB_EINVAL,
                                   "study '%s': hypervolume reference point: objective %zu is "
                                   "%g, not a finite number",
                                   s->name, j, ref[j]);
            out[j] = s->dirs[j] == KNOB_MAXIMIZE ? -ref[j] : ref[j];
        }
        return KNOB_OK;
    }
    for (size_t j = 0; j < m; j++) {
        /* From the finite values only: an infinite one (infinite_values) would make the
         * reference infinite, and the volume inf or NaN. A point at +inf lies outside the
         * box and adds nothing; an objective with no finite value is bounded at 0.1. */
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            double x = loss(s, front[i]->values, j);
            if (isfinite(x)) {
                lo = fmin(lo, x);
                hi = fmax(hi, x);
            }
        }
        if (lo > hi)
            lo = hi = 0;
        double range = hi - lo;
        out[j] = hi + 0.1 * (range > 0 ? range : fmax(fabs(hi), 1));
        /* A range below the rounding of the values (trials an ulp apart) moves nothing:
         * the nearest double beyond the nadir then, so the front still bounds a volume. */
        if (!(out[j] > hi))
            out[j] = nextafter(hi, INFINITY);
    }
    return KNOB_OK;
}

static int front_of(knob_study *s, const knob_trial_info *const **front, size_t *n)
{
    if (s->n_dirs == 0)
        return knob__error(KNOB_EINVAL, "study '%s' has no objective, so no hypervolume", s->name);
    int rc = knob_study_best_trials(s, front, n);
    if (!rc && !*n)
        rc = knob__error(KNOB_ENOTFOUND,
                         "study '%s' has no complete trial yet, so no "
                         "hypervolume",
                         s->name);
    return rc;
}

/* Checks that some point of the front lies strictly below the reference. */
static int check_dominated(knob_study *s, const double *pts, size_t n, const double *r,
                           const double *ref)
{
    size_t m = s->n_dirs;
    for (size_t i = 0; i < n; i++) {
        bool below = true;
        for (size_t j = 0; j < m && below; j++)
            below = pts[i * m + j] < r[j];
        if (below)
            return KNOB_OK;
    }
    char text[256];
    point_text(text, sizeof text, ref, m);
    return knob__error(KNOB_EINVAL,
                       "study '%s': the hypervolume reference point %s is not worse than any "
                       "trial of the Pareto front in every objective, so it bounds nothing (a "
                       "minimized objective's reference must lie above the front, a maximized "
                       "one's below; leave it out for the default)",
                       s->name, text);
}

int knob_study_hypervolume(knob_study *s, const double *ref, double *hv)
{
    if (!s || !hv)
        return knob__error(KNOB_EINVAL, "knob_study_hypervolume: NULL argument");
    const knob_trial_info *const *front;
    size_t n, m = s->n_dirs;
    int rc = front_of(s, &front, &n);
    if (rc)
        return rc;
    double *pts = malloc((n * m + m) * sizeof *pts);
    if (!pts)
        return knob__oom("hypervolume");
    double *r = pts + n * m;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            pts[i * m + j] = loss(s, front[i]->values, j);
    rc = reference(s, front, n, ref, r);
    if (!rc)
        rc = check_dominated(s, pts, n, r, ref ? ref : r);
    double out = 0;
    if (!rc && knob__hv(pts, n, m, r, &out))
        rc = knob__oom("hypervolume");
    free(pts);
    if (!rc)
        *hv = out;
    return rc;
}

static int by_end(const void *a, const void *b)
{
    const knob_trial_info *x = *(const knob_trial_info *const *)a;
    const knob_trial_info *y = *(const knob_trial_info *const *)b;
    if (x->end_time != y->end_time)
        return x->end_time < y->end_time ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

/* Whether p is dominated by (or equal to) a point of the running front pts[0..k). */
static bool covered(const double *pts, size_t k, size_t m, const double *p)
{
    for (size_t i = 0; i < k; i++) {
        bool no_worse = true;
        for (size_t j = 0; j < m && no_worse; j++)
            no_worse = pts[i * m + j] <= p[j];
        if (no_worse)
            return true;
    }
    return false;
}

/* Adds point p, which no point of the front pts[0..*k) covers, dropping those it dominates. */
static void front_add(double *pts, size_t *k, size_t m, const double *p)
{
    size_t keep = 0;
    for (size_t i = 0; i < *k; i++) {
        bool dominated = true;
        for (size_t j = 0; j < m && dominated; j++)
            dominated = p[j] <= pts[i * m + j];
        if (!dominated)
            memmove(pts + keep++ * m, pts + i * m, m * sizeof *pts);
    }
    memcpy(pts + keep++ * m, p, m * sizeof *pts);
    *k = keep;
}

/* What p adds to the hypervolume of the front pts[0..k) below r: its box less the part
 * the front already covers, the hypervolume of the front's points limited to the box
 * (lim, keep: scratch for k points). One hypervolume of that limited set, often small,
 * instead of the whole front's. */
static int gain(const double *pts, size_t k, size_t m, const double *p, const double *r,
                double *lim, bool *keep, double *out)
{
    double box = 1;
    for (size_t j = 0; j < m; j++)
        box *= p[j] < r[j] ? r[j] - p[j] : 0;
    *out = 0;
    if (!(box > 0))
        return KNOB_OK;
    /* A box beyond the largest double: the hypervolume with p is at least the box, inf, and
     * the inf the front covers in it, taken away, would make the gain NaN. */
    if (isinf(box)) {
        *out = INFINITY;
        return KNOB_OK;
    }
    size_t c = k;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < m; j++)
            lim[i * m + j] = fmax(pts[i * m + j], p[j]);
    if (m > 3) { /* the sweeps of 2 and 3 objectives pass over dominated points themselves */
        knob__pareto_front(lim, k, m, keep);
        c = 0;
        for (size_t i = 0; i < k; i++)
            if (keep[i])
                memmove(lim + c++ * m, lim + i * m, m * sizeof *lim);
    }
    double inner = 0;
    if (c && knob__hv(lim, c, m, r, &inner))
        return KNOB_ENOMEM;
    *out = box - inner;
    return KNOB_OK;
}

/* The 2-D history's front: a staircase (x ascending, y descending, none covering another)
 * among the candidate points, which are known in advance. Each candidate has its slot in
 * their order by x (then by their order of finishing); a Fenwick tree counts the slots in
 * use, so the neighbours of a point are found by rank in O(log n). */
typedef struct stair {
    size_t n, top;    /* slots 1..n; top: the highest power of 2 <= n */
    size_t *tree;     /* counts, Fenwick */
    const double *xy; /* by slot: x and y (slot 1 at xy[2]) */
} stair;

static size_t stair_rank(const stair *t, size_t slot) /* slots in use at or below */
{
    size_t c = 0;
    for (; slot > 0; slot -= slot & -slot)
        c += t->tree[slot];
    return c;
}

static size_t stair_kth(const stair *t, size_t k) /* the slot of the k-th in use, k >= 1 */
{
    size_t at = 0;
    for (size_t step = t->top; step; step >>= 1)
        if (at + step <= t->n && t->tree[at + step] < k) {
            at += step;
            k -= t->tree[at];
        }
    return at + 1;
}

static void stair_set(stair *t, size_t slot, bool on)
{
    for (; slot <= t->n; slot += slot & -slot)
        t->tree[slot] += on ? 1 : (size_t)-1;
}

typedef struct slot_row {
    double x;
    size_t at;
} slot_row;

static int by_x(const void *a, const void *b)
{
    const slot_row *u = a, *v = b;
    if (u->x != v->x)
        return u->x < v->x ? -1 : 1;
    return u->at < v->at ? -1 : u->at > v->at;
}

/* What p adds below r to the staircase, whose slots up to `below` (in use: `have`) hold
 * the points with x <= p's, the last of them (pred, 0: none) the lowest of those, which
 * does not cover p: the area of [p, r) under pred's y and above p's, less the steps of
 * the points to the right of p down to the first one below p's y. */
static double stair_gain(const stair *t, size_t pred, size_t have, const double *p, const double *r)
{
    double box = 1;
    for (size_t j = 0; j < 2; j++)
        box *= p[j] < r[j] ? r[j] - p[j] : 0;
    if (!(box > 0))
        return 0;
    if (isinf(box)) /* as gain() */
        return INFINITY;
    double cap = pred && t->xy[2 * pred + 1] < r[1] ? t->xy[2 * pred + 1] : r[1];
    double x = p[0], area = 0;
    size_t total = stair_rank(t, t->n);
    for (size_t k = have + 1; k <= total; k++) {
        const double *q = t->xy + 2 * stair_kth(t, k);
        if (q[0] >= r[0])
            break;
        area += (cap - p[1]) * (q[0] - x);
        if (q[1] < p[1])
            return area;
        x = q[0];
        cap = q[1] < cap ? q[1] : cap;
    }
    return area + (cap - p[1]) * (r[0] - x);
}

/* Puts p into its slot, dropping the points it covers: pred when it has p's x (it lies
 * above p), and the points to the right of p down to the first one below p's y. */
static void stair_add(stair *t, size_t pred, size_t have, const double *p, size_t slot)
{
    if (pred && t->xy[2 * pred] == p[0]) {
        stair_set(t, pred, false);
        have--;
    }
    for (size_t total = stair_rank(t, t->n); have < total; total--) {
        size_t q = stair_kth(t, have + 1);
        if (t->xy[2 * q + 1] < p[1])
            break;
        stair_set(t, q, false);
    }
    stair_set(t, slot, true);
}

/* Whether trial t is a point of the 2-D history: complete, feasible, with its 2 values. */
static bool point2(const knob_trial_info *t)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_values == 2 && knob_trial_info_feasible(t);
}

/* history() for 2 objectives without NaN: each trial's gain from the staircase's
 * neighbours of its point, O(log n) a trial and a removed point. */
static int history2(const knob_study *s, const double *r, const knob_trial_info **done,
                    size_t n_done, double *out)
{
    size_t n = 0;
    for (size_t i = 0; i < n_done; i++)
        n += point2(done[i]);
    slot_row *rows = malloc((n ? n : 1) * sizeof *rows);
    size_t *slot = malloc((3 * n + 2) * sizeof *slot);
    double *pts = malloc((4 * n + 2) * sizeof *pts);
    if (!rows || !slot || !pts) {
        free(rows), free(slot), free(pts);
        return KNOB_ENOMEM;
    }
    size_t *last = slot + n, *tree = last + n; /* last: the highest slot of the same x */
    double *xy = pts + 2 * n;                  /* by slot, 1..n */
    for (size_t i = 0, c = 0; i < n_done; i++) {
        const knob_trial_info *t = done[i];
        if (point2(t)) {
            pts[2 * c] = loss(s, t->values, 0), pts[2 * c + 1] = loss(s, t->values, 1);
            rows[c] = (slot_row){pts[2 * c], c};
            c++;
        }
    }
    qsort(rows, n, sizeof *rows, by_x);
    for (size_t a = n; a-- > 0;) {
        slot[rows[a].at] = a + 1;
        last[rows[a].at] = a + 1 < n && rows[a + 1].x == rows[a].x ? last[rows[a + 1].at] : a + 1;
        xy[2 * (a + 1)] = pts[2 * rows[a].at], xy[2 * (a + 1) + 1] = pts[2 * rows[a].at + 1];
    }
    stair t = {.n = n, .top = 1, .tree = tree, .xy = xy};
    while (t.top * 2 <= n)
        t.top *= 2;
    memset(tree, 0, (n + 1) * sizeof *tree);
    double cur = 0;
    for (size_t i = 0, c = 0; i < n_done; i++) {
        const knob_trial_info *tr = done[i];
        if (point2(tr)) {
            const double *p = pts + 2 * c;
            size_t have = stair_rank(&t, last[c]), pred = have ? stair_kth(&t, have) : 0;
            if (!pred || xy[2 * pred + 1] > p[1]) { /* not covered */
                cur += stair_gain(&t, pred, have, p, r);
                stair_add(&t, pred, have, p, slot[c]);
            }
            c++;
        }
        out[i] = cur;
    }
    free(rows), free(slot), free(pts);
    return KNOB_OK;
}

/* The hypervolume after each finished trial, added up trial by trial: each new point of the
 * front adds its gain (the trials the front covers add nothing). */
static int history(knob_study *s, const double *r, const knob_trial_info **done, size_t n_done,
                   double *out)
{
    size_t m = s->n_dirs, k = 0;
    bool nan = false;
    for (size_t i = 0; m == 2 && i < n_done; i++)
        for (size_t j = 0; j < done[i]->n_values && j < m; j++)
            nan |= done[i]->state == KNOB_TRIAL_COMPLETE && isnan(done[i]->values[j]);
    if (m == 2 && !nan) /* dominance is transitive: the staircase */
        return history2(s, r, done, n_done, out) ? knob__oom("hypervolume history") : KNOB_OK;
    double *pts = malloc((2 * n_done * m + m) * sizeof *pts), cur = 0;
    bool *keep = malloc((n_done ? n_done : 1) * sizeof *keep);
    if (!pts || !keep) {
        free(pts);
        free(keep);
        return knob__oom("hypervolume history");
    }
    double *lim = pts + n_done * m, *p = lim + n_done * m;
    int rc = KNOB_OK;
    for (size_t i = 0; i < n_done && !rc; i++) {
        const knob_trial_info *t = done[i];
        if (t->state == KNOB_TRIAL_COMPLETE && t->n_values == m && knob_trial_info_feasible(t)) {
            for (size_t j = 0; j < m; j++)
                p[j] = loss(s, t->values, j);
            double add = 0;
            if (!covered(pts, k, m, p)) {
                rc = gain(pts, k, m, p, r, lim, keep, &add);
                front_add(pts, &k, m, p);
            }
            cur += add;
        }
        out[i] = cur;
    }
    free(pts);
    free(keep);
    return rc ? knob__oom("hypervolume history") : KNOB_OK;
}

int knob_study_hypervolume_history(knob_study *s, const double *ref, const double **out, size_t *n)
{
    if (!s || !out || !n)
        return knob__error(KNOB_EINVAL, "knob_study_hypervolume_history: NULL argument");
    const knob_trial_info *const *front;
    size_t n_front, m = s->n_dirs;
    /* Every trial, read first: a study opened anew would otherwise hold only its front's
     * record and the trials changed since (knob_study_best_trials' read), not the history. */
    int rc = s->n_dirs ? knob__view_sync(s) : KNOB_OK;
    if (!rc)
        rc = front_of(s, &front, &n_front);
    if (rc == KNOB_ENOTFOUND && ref) { /* no feasible complete trial: 0 after each */
        n_front = 0;
        rc = KNOB_OK;
    }
    if (rc)
        return rc;
    double *r = malloc((n_front * m + m) * sizeof *r);
    if (!r)
        return knob__oom("hypervolume history");
    double *pts = r + m;
    for (size_t i = 0; i < n_front; i++)
        for (size_t j = 0; j < m; j++)
            pts[i * m + j] = loss(s, front[i]->values, j);
    /* the caller's point that no trial dominates bounds nothing yet: 0 after each trial */
    rc = reference(s, front, n_front, ref, r);
    /* The finished trials in the order they finished. */
    const knob__view *v = &s->view;
    const knob_trial_info **done = rc ? NULL : malloc((v->n ? v->n : 1) * sizeof *done);
    size_t n_done = 0;
    if (!rc && !done)
        rc = knob__oom("hypervolume history");
    for (size_t i = 0; !rc && i < v->n; i++) {
        const knob_trial_info *t = v->by_number[i];
        if (t && t->state != KNOB_TRIAL_RUNNING && t->state != KNOB_TRIAL_WAITING)
            done[n_done++] = t;
    }
    double *hist = NULL;
    if (!rc) {
        qsort(done, n_done, sizeof *done, by_end);
        hist = malloc((n_done ? n_done : 1) * sizeof *hist);
        rc = hist ? history(s, r, done, n_done, hist) : knob__oom("hypervolume history");
    }
    free(done);
    free(r);
    if (rc) {
        free(hist);
        return rc;
    }
    free(s->hv_history);
    s->hv_history = hist;
    *out = hist;
    *n = n_done;
    return KNOB_OK;
}
