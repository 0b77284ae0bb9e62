/* The hypervolume history of hypervolume.h: the gain of each point added to a running front. */
#include "math/hypervolume.h"
#include "math/nondominated.h"
#include "math/stair.h"
#include "math/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        return KNOB__MATH_OK;
    /* A box beyond the largest double: the hypervolume with p is at least the box, inf, and
     * the inf the front covers in it, taken away, would make the gain NaN. */
    if (isinf(box)) {
        *out = INFINITY;
        return KNOB__MATH_OK;
    }
    size_t c = k;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < m; j++)
            lim[i * m + j] = fmax(pts[i * m + j], p[j]);
    if (m > 3) { /* the sweeps of 2 and 3 objectives pass over dominated points themselves */
        size_t nk;
        if (knob__nondominated_first(lim, k, m, keep, &nk))
            return KNOB__MATH_ENOMEM;
        c = 0;
        for (size_t i = 0; i < k; i++)
            if (keep[i])
                memmove(lim + c++ * m, lim + i * m, m * sizeof *lim);
    }
    double inner = 0;
    if (c && knob__hv(lim, c, m, r, &inner))
        return KNOB__MATH_ENOMEM;
    *out = box - inner;
    return KNOB__MATH_OK;
}

/* Whether point i counts: marked, and no NaN (a NaN is below no reference). */
static bool counts(const double *pts, const bool *use, size_t i, size_t m)
{
    if (!use[i])
        return false;
    for (size_t j = 0; j < m; j++)
        if (isnan(pts[i * m + j]))
            return false;
    return true;
}

/* 2 objectives: the staircase. */
static int history2(const double *pts, const bool *use, size_t n, const double *r, double *out)
{
    size_t c = 0;
    double *xy = calloc(2 * n + 1, sizeof *xy);
    if (!xy)
        return KNOB__MATH_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (counts(pts, use, i, 2))
            xy[2 * c] = pts[2 * i], xy[2 * c + 1] = pts[2 * i + 1], c++;
    knob__stair t;
    int rc = knob__stair_init(&t, xy, c);
    if (!rc) {
        double cur = 0;
        for (size_t i = 0, a = 0; i < n; i++) {
            if (counts(pts, use, i, 2))
                cur += knob__stair_add(&t, a++, r);
            out[i] = cur;
        }
        knob__stair_free(&t);
    }
    free(xy);
    return rc;
}

/* ---------------------------------------------------------------- 3 objectives */

/* The running front of 3 objectives, in a k-d tree over every point of the history that
 * counts (they are known in advance): a point joins the front and leaves it by a flag, and
 * each node keeps the box of the front's points under it, so that a query passes over the
 * subtrees that hold none of what it looks for. The tree is implicit: the node of the range
 * [a, b) of `at` is its middle, (a + b) / 2, which splits it on axis depth % 3; the
 * subranges [a, mid) and [mid + 1, b) are its children. */
typedef struct kd {
    const double *pts; /* the points, 3 values each */
    size_t *at;        /* at[node]: the point at that node */
    size_t *node;      /* node[point]: where it is */
    bool *in;          /* in[node]: its point is on the front */
    double *box;       /* box[6 node ..]: the least and the largest corner of the front's points
                        * under the node (+inf and -inf without one) */
    size_t n;
} kd;

static double coord(const kd *t, size_t i, int axis)
{
    return t->pts[3 * t->at[i] + axis];
}

/* Puts in at[mid] the point that would be there if at[a, b) were sorted on axis, the
 * smaller ones before it and the larger after (a selection, by three-way partitions). */
static void kd_select(kd *t, size_t a, size_t b, size_t mid, int axis)
{
    while (b - a > 1) {
        double pivot = coord(t, a + (b - a) / 2, axis);
        size_t lt = a, i = a, gt = b; /* [a, lt) < pivot, [lt, i) = pivot, [gt, b) > pivot */
        while (i < gt) {
            double v = coord(t, i, axis);
            size_t x = t->at[i];
            if (v < pivot) {
                t->at[i++] = t->at[lt];
                t->at[lt++] = x;
            } else if (v > pivot) {
                t->at[i] = t->at[--gt];
                t->at[gt] = x;
            } else
                i++;
        }
        if (mid < lt)
            b = lt;
        else if (mid >= gt)
            a = gt;
        else
            return;
    }
}

static void kd_build(kd *t, size_t a, size_t b, int axis)
{
    if (a >= b)
        return;
    size_t mid = a + (b - a) / 2;
    kd_select(t, a, b, mid, axis);
    kd_build(t, a, mid, (axis + 1) % 3);
    kd_build(t, mid + 1, b, (axis + 1) % 3);
}

/* The box of node mid of [a, b) from its point and its children's boxes. */
static void kd_refresh(kd *t, size_t a, size_t b)
{
    size_t mid = a + (b - a) / 2;
    double *bx = t->box + 6 * mid;
    for (int j = 0; j < 3; j++)
        bx[j] = INFINITY, bx[3 + j] = -INFINITY;
    if (t->in[mid])
        for (int j = 0; j < 3; j++)
            bx[j] = bx[3 + j] = coord(t, mid, j);
    size_t kids[2][2] = {{a, mid}, {mid + 1, b}};
    for (int k = 0; k < 2; k++) {
        if (kids[k][0] >= kids[k][1])
            continue;
        const double *c = t->box + 6 * (kids[k][0] + (kids[k][1] - kids[k][0]) / 2);
        for (int j = 0; j < 3; j++) {
            bx[j] = fmin(bx[j], c[j]);
            bx[3 + j] = fmax(bx[3 + j], c[3 + j]);
        }
    }
}

/* Puts node `target` on the front, and mends the boxes above it. */
static void kd_join(kd *t, size_t a, size_t b, size_t target)
{
    size_t mid = a + (b - a) / 2;
    if (target == mid)
        t->in[mid] = true;
    else if (target < mid)
        kd_join(t, a, mid, target);
    else
        kd_join(t, mid + 1, b, target);
    kd_refresh(t, a, b);
}

/* Whether a point of the front under [a, b) is below or equal to p in every objective. */
static bool kd_covers(const kd *t, size_t a, size_t b, const double *p)
{
    if (a >= b)
        return false;
    size_t mid = a + (b - a) / 2;
    const double *bx = t->box + 6 * mid;
    if (!(bx[0] <= p[0] && bx[1] <= p[1] && bx[2] <= p[2]))
        return false;
    if (t->in[mid] && coord(t, mid, 0) <= p[0] && coord(t, mid, 1) <= p[1] &&
        coord(t, mid, 2) <= p[2])
        return true;
    return kd_covers(t, a, mid, p) || kd_covers(t, mid + 1, b, p);
}

/* Takes off the front the points under [a, b) that p dominates (or equals), and mends the
 * boxes of the nodes it visits. */
static void kd_drop(kd *t, size_t a, size_t b, const double *p)
{
    if (a >= b)
        return;
    size_t mid = a + (b - a) / 2;
    const double *bx = t->box + 6 * mid;
    if (!(bx[3] >= p[0] && bx[4] >= p[1] && bx[5] >= p[2]))
        return;
    if (t->in[mid] && p[0] <= coord(t, mid, 0) && p[1] <= coord(t, mid, 1) &&
        p[2] <= coord(t, mid, 2))
        t->in[mid] = false;
    kd_drop(t, a, mid, p);
    kd_drop(t, mid + 1, b, p);
    kd_refresh(t, a, b);
}

/* The least value in objective j of the front's points under [a, b) that are below or equal
 * to p in the two other objectives, or *best when none is below it. */
static void kd_least(const kd *t, size_t a, size_t b, const double *p, int j, double *best)
{
    if (a >= b)
        return;
    size_t mid = a + (b - a) / 2;
    const double *bx = t->box + 6 * mid;
    int u = (j + 1) % 3, v = (j + 2) % 3;
    if (!(bx[u] <= p[u] && bx[v] <= p[v] && bx[j] < *best))
        return;
    if (t->in[mid] && coord(t, mid, u) <= p[u] && coord(t, mid, v) <= p[v])
        *best = fmin(*best, coord(t, mid, j));
    kd_least(t, a, mid, p, j, best);
    kd_least(t, mid + 1, b, p, j, best);
}

/* Appends to lim[3 *c ..] the front's points under [a, b) below `below` in every objective,
 * limited to p's box (each objective at least p's). */
static void kd_inside(const kd *t, size_t a, size_t b, const double *p, const double *below,
                      double *lim, size_t *c)
{
    if (a >= b)
        return;
    size_t mid = a + (b - a) / 2;
    const double *bx = t->box + 6 * mid;
    if (!(bx[0] < below[0] && bx[1] < below[1] && bx[2] < below[2]))
        return;
    if (t->in[mid] && coord(t, mid, 0) < below[0] && coord(t, mid, 1) < below[1] &&
        coord(t, mid, 2) < below[2]) {
        for (int j = 0; j < 3; j++)
            lim[3 * *c + j] = fmax(coord(t, mid, j), p[j]);
        ++*c;
    }
    kd_inside(t, a, mid, p, below, lim, c);
    kd_inside(t, mid + 1, b, p, below, lim, c);
}

/* What p, which no point of the front covers, adds to the front's hypervolume below r: its
 * box less the front's hypervolume inside it (lim: scratch for the front's points, and 3
 * more). Of the front's points that reach into the box, those below p in two objectives
 * cover, inside it, at most a slab: p with the third objective at the least of theirs
 * (below[j], r[j] when none is below it). A point at or past below[j] in some objective j lies
 * in that slab, or outside the box: the slabs and the points below `below` in every
 * objective, limited to the box, cover what the whole front covers of it, and are few for a
 * front near p (its neighbours). */
static int gain3(const kd *t, const double *p, const double *r, double *lim, double *out)
{
    double box = 1;
    for (int j = 0; j < 3; j++)
        box *= p[j] < r[j] ? r[j] - p[j] : 0;
    *out = 0;
    if (!(box > 0))
        return KNOB__MATH_OK;
    if (isinf(box)) { /* as gain's */
        *out = INFINITY;
        return KNOB__MATH_OK;
    }
    double below[3];
    size_t c = 0;
    for (int j = 0; j < 3; j++) {
        below[j] = r[j];
        kd_least(t, 0, t->n, p, j, &below[j]);
        if (below[j] < r[j]) {
            for (int i = 0; i < 3; i++)
                lim[3 * c + i] = i == j ? below[j] : p[i];
            c++;
        }
    }
    kd_inside(t, 0, t->n, p, below, lim, &c);
    double inner = 0;
    if (c && knob__hv(lim, c, 3, r, &inner))
        return KNOB__MATH_ENOMEM;
    *out = box - inner;
    return KNOB__MATH_OK;
}

static int history3(const double *pts, const bool *use, size_t n, const double *r, double *out)
{
    kd t = {.pts = pts};
    size_t m = n ? n : 1;
    t.at = malloc(2 * m * sizeof *t.at);
    t.in = calloc(m, sizeof *t.in);
    t.box = malloc(6 * m * sizeof *t.box);
    double *lim = malloc((3 * m + 9) * sizeof *lim);
    int rc = t.at && t.in && t.box && lim ? KNOB__MATH_OK : KNOB__MATH_ENOMEM;
    if (!rc) {
        t.node = t.at + m;
        for (size_t i = 0; i < n; i++)
            if (counts(pts, use, i, 3))
                t.at[t.n++] = i;
        kd_build(&t, 0, t.n, 0);
        for (size_t i = 0; i < t.n; i++)
            t.node[t.at[i]] = i;
        for (size_t i = 0; i < 6 * t.n; i++)
            t.box[i] = i % 6 < 3 ? INFINITY : -INFINITY;
    }
    double cur = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const double *p = pts + 3 * i;
        double add = 0;
        if (counts(pts, use, i, 3) && !kd_covers(&t, 0, t.n, p)) {
            rc = gain3(&t, p, r, lim, &add);
            kd_drop(&t, 0, t.n, p);
            kd_join(&t, 0, t.n, t.node[i]);
        }
        cur += add;
        out[i] = cur;
    }
    free(t.at);
    free(t.in);
    free(t.box);
    free(lim);
    return rc;
}

int knob__hv_history(const double *pts, const bool *use, size_t n, size_t m, const double *ref,
                     double *out)
{
    if (m == 2)
        return history2(pts, use, n, ref, out);
    if (m == 3)
        return history3(pts, use, n, ref, out);
    double *front = malloc((2 * n * m + 1) * sizeof *front), cur = 0;
    bool *keep = malloc((n ? n : 1) * sizeof *keep);
    if (!front || !keep) {
        free(front);
        free(keep);
        return KNOB__MATH_ENOMEM;
    }
    double *lim = front + n * m;
    size_t k = 0;
    int rc = KNOB__MATH_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const double *p = pts + i * m;
        double add = 0;
        if (counts(pts, use, i, m) && !covered(front, k, m, p)) {
            rc = gain(front, k, m, p, ref, lim, keep, &add);
            front_add(front, &k, m, p);
        }
        cur += add;
        out[i] = cur;
    }
    free(front);
    free(keep);
    return rc;
}
