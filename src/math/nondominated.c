/* The nondominated points of a large set: sweeps after one sort (see nondominated.h). */
#include "math/nondominated.h"
#include "math/pareto.h"
#include "math/status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* qsort has no context argument: each row carries its point and the dimension. */
typedef struct lex_row {
    const double *p;
    size_t m, at;
} lex_row;

static int cmp_lex(const void *a, const void *b)
{
    const lex_row *x = a, *y = b;
    for (size_t j = 0; j < x->m; j++)
        if (x->p[j] != y->p[j])
            return x->p[j] < y->p[j] ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static bool same(const double *a, const double *b, size_t m)
{
    for (size_t j = 0; j < m; j++)
        if (a[j] != b[j])
            return false;
    return true;
}

/* Each point against the running front of those before it (the only order-free way when
 * dominance is not transitive, as with NaN). */
static int running_front(const double *pts, size_t n, size_t m, bool first, bool *keep,
                         size_t *count)
{
    size_t *front = malloc((n ? n : 1) * sizeof *front), k = 0;
    if (!front)
        return KNOB__MATH_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        keep[i] = false;
        bool dominated = false;
        for (size_t j = 0; j < k && !dominated; j++)
            dominated = knob__pareto_dominates(pts + front[j] * m, pts + i * m, m) ||
                        (first && same(pts + front[j] * m, pts + i * m, m));
        if (dominated)
            continue;
        size_t left = 0;
        for (size_t j = 0; j < k; j++)
            if (!knob__pareto_dominates(pts + i * m, pts + front[j] * m, m))
                front[left++] = front[j];
        k = left;
        front[k++] = i;
    }
    for (size_t j = 0; j < k; j++)
        keep[front[j]] = true;
    *count = k;
    free(front);
    return KNOB__MATH_OK;
}

/* 1 or 2 objectives, rows sorted: a point is kept when it is the least second objective
 * among the points of its first objective, strictly less than every one with a lower
 * first objective. */
static void sweep2(const lex_row *r, size_t n, size_t m, bool *keep)
{
    bool have_before = false;
    double least = 0; /* the least second objective of the groups before */
    for (size_t i = 0, end; i < n; i = end) {
        for (end = i + 1; end < n && r[end].p[0] == r[i].p[0]; end++)
            ;
        double low = m > 1 ? r[i].p[1] : 0;
        bool open = !have_before || low < least;
        for (size_t a = i; a < end; a++)
            keep[r[a].at] = open && (m < 2 || r[a].p[1] == low);
        least = have_before && least < low ? least : low;
        have_before = true;
    }
}

typedef struct val_row {
    double v;
    size_t at;
} val_row;

static int cmp_val(const void *a, const void *b)
{
    const val_row *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* rank[i]: 1 + the number of distinct values of objective j below point i's. */
static int ranks(const double *pts, size_t n, size_t m, size_t j, size_t *rank)
{
    val_row *v = malloc(n * sizeof *v);
    if (!v)
        return KNOB__MATH_ENOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = (val_row){pts[i * m + j], i};
    qsort(v, n, sizeof *v, cmp_val);
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || v[i].v != v[i - 1].v)
            r++;
        rank[v[i].at] = r;
    }
    free(v);
    return KNOB__MATH_OK;
}

/* 3 objectives, rows sorted: every point before a point p (that is not equal to it) is no
 * worse in the first objective and differs somewhere, so it dominates p when it is no worse
 * in the second and third. A Fenwick tree over the second objective's rank holds the least
 * rank of the third among the points so far. Equal points are neighbours and share the
 * first one's answer. */
static int sweep3(const double *pts, const lex_row *r, size_t n, bool *keep)
{
    size_t *rb = malloc(3 * (n + 1) * sizeof *rb);
    if (!rb)
        return KNOB__MATH_ENOMEM;
    size_t *rc = rb + n, *tree = rc + n;
    int st = ranks(pts, n, 3, 1, rb);
    if (!st)
        st = ranks(pts, n, 3, 2, rc);
    if (st) {
        free(rb);
        return st;
    }
    for (size_t k = 0; k <= n; k++)
        tree[k] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t at = r[i].at;
        if (i && same(r[i].p, r[i - 1].p, 3)) {
            keep[at] = keep[r[i - 1].at];
            continue;
        }
        size_t least = SIZE_MAX;
        for (size_t k = rb[at]; k > 0; k -= k & -k)
            least = tree[k] < least ? tree[k] : least;
        keep[at] = !(least <= rc[at]);
        for (size_t k = rb[at]; k <= n; k += k & -k)
            tree[k] = rc[at] < tree[k] ? rc[at] : tree[k];
    }
    free(rb);
    return KNOB__MATH_OK;
}

/* More objectives, rows sorted: each point against the kept points before it. */
static int sweep_kept(const lex_row *r, size_t n, size_t m, bool *keep)
{
    const double **kept = malloc((n ? n : 1) * sizeof *kept);
    if (!kept)
        return KNOB__MATH_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = r[i].at;
        if (i && same(r[i].p, r[i - 1].p, m)) {
            keep[at] = keep[r[i - 1].at]; /* a copy of a kept point checks nothing more */
            continue;
        }
        bool dominated = false;
        for (size_t a = k; a-- > 0 && !dominated;)
            dominated = knob__pareto_dominates(kept[a], r[i].p, m);
        keep[at] = !dominated;
        if (!dominated)
            kept[k++] = r[i].p;
    }
    free(kept);
    return KNOB__MATH_OK;
}

static int front(const double *pts, size_t n, size_t m, bool first, bool *keep, size_t *count)
{
    for (size_t i = 0; i < n * m; i++)
        if (isnan(pts[i]))
            return running_front(pts, n, m, first, keep, count);
    *count = 0;
    if (n == 0)
        return KNOB__MATH_OK;
    lex_row *r = malloc(n * sizeof *r);
    if (!r)
        return KNOB__MATH_ENOMEM;
    for (size_t i = 0; i < n; i++)
        r[i] = (lex_row){pts + i * m, m, i};
    qsort(r, n, sizeof *r, cmp_lex);
    int st = KNOB__MATH_OK;
    if (m <= 2)
        sweep2(r, n, m, keep);
    else if (m == 3)
        st = sweep3(pts, r, n, keep);
    else
        st = sweep_kept(r, n, m, keep);
    /* Equal points are neighbours in r, the lowest index first. */
    for (size_t i = 1; first && !st && i < n; i++)
        if (same(r[i].p, r[i - 1].p, m))
            keep[r[i].at] = false;
    free(r);
    for (size_t i = 0; !st && i < n; i++)
        *count += keep[i];
    return st;
}

int knob__nondominated(const double *pts, size_t n, size_t m, bool *keep, size_t *count)
{
    return front(pts, n, m, false, keep, count);
}

int knob__nondominated_first(const double *pts, size_t n, size_t m, bool *keep, size_t *count)
{
    return front(pts, n, m, true, keep, count);
}
