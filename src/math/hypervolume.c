/* Hypervolume: exact sweeps in 2 and 3 dimensions, WFG beyond. */
#include "math/hypervolume.h"
#include "math/nondominated.h"
#include "math/status.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* qsort has no context argument: the coordinate to sort by is passed through this
 * per-call struct copy instead (rows carry it). */
typedef struct row {
    const double *p;
    size_t key;
} row;

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    double u = x->p[x->key], v = y->p[y->key];
    return u < v ? -1 : u > v;
}

static double hv2(row *r, size_t n, const double *ref)
{
    for (size_t i = 0; i < n; i++)
        r[i].key = 0;
    qsort(r, n, sizeof *r, cmp_row);
    double hv = 0, ybest = ref[1];
    for (size_t i = 0; i < n; i++) {
        double y = r[i].p[1];
        if (y < ybest) {
            hv += (ref[0] - r[i].p[0]) * (ybest - y);
            ybest = y;
        }
    }
    return hv;
}

/* Inserts (x, y), strictly below ref, into the 2-D front xs/ys (x ascending, y descending,
 * none dominated) and adds what its box adds to the front's area below ref to *area; returns
 * the new size. */
static size_t front2_add(double *xs, double *ys, size_t k, double x, double y, const double *ref,
                         double *area)
{
    size_t i = 0;
    while (i < k && xs[i] < x)
        i++;
    /* The last point with x' <= x has the lowest y of those: it alone can dominate. */
    size_t last = i < k && xs[i] == x ? i + 1 : i;
    if (last > 0 && ys[last - 1] <= y)
        return k;
    /* Its box under that point's y, less the steps of the points to its right down to the
     * first one below its y. A box past the largest double: inf (the inf the front covers in
     * it, taken away, would make it NaN). */
    double box = (ref[0] - x) * (ref[1] - y), add = 0;
    if (isinf(box)) {
        add = INFINITY;
    } else {
        double cap = last > 0 ? ys[last - 1] : ref[1], at = x;
        size_t j = last;
        for (; j < k && ys[j] >= y; j++) {
            add += (cap - y) * (xs[j] - at);
            at = xs[j];
            cap = ys[j];
        }
        add += (cap - y) * ((j < k ? xs[j] : ref[0]) - at);
    }
    *area += add;
    size_t j = i;
    while (j < k && ys[j] >= y)
        j++; /* points from i to j - 1 are dominated by the new one */
    size_t tail = k - j;
    memmove(xs + i + 1, xs + j, tail * sizeof *xs);
    memmove(ys + i + 1, ys + j, tail * sizeof *ys);
    xs[i] = x;
    ys[i] = y;
    return i + 1 + tail;
}

/* A sweep over the third objective, ascending, with the 2-D front of the points below the
 * plane and its area: O(n) an insertion into the front, no pass over it for the area. */
static int hv3(row *r, size_t n, const double *ref, double *out)
{
    for (size_t i = 0; i < n; i++)
        r[i].key = 2;
    qsort(r, n, sizeof *r, cmp_row);
    double *xs = malloc(2 * n * sizeof *xs);
    if (!xs)
        return KNOB__MATH_ENOMEM;
    double *ys = xs + n, hv = 0, area = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k = front2_add(xs, ys, k, r[i].p[0], r[i].p[1], ref, &area);
        double znext = i + 1 < n ? r[i + 1].p[2] : ref[2];
        if (znext > r[i].p[2])
            hv += area * (znext - r[i].p[2]);
    }
    free(xs);
    *out = hv;
    return KNOB__MATH_OK;
}

static int hv_rows(row *r, size_t n, size_t m, const double *ref, double *out);

/* WFG: the sum over points of their exclusive hypervolume, each point's exclusive part
 * being its box less the hypervolume of the later points limited to its box. The points go
 * worst first in the last objective, so every later point is no worse there: limited to
 * the box, they all take the point's own last coordinate, and what they cover is a slab of
 * that height over the (m - 1)-dimensional hypervolume of their first m - 1 coordinates.
 * Each level of the recursion so drops one objective, down to the 3-D sweep. */
static int wfg(row *r, size_t n, size_t m, const double *ref, double *out)
{
    for (size_t i = 0; i < n; i++)
        r[i].key = m - 1;
    qsort(r, n, sizeof *r, cmp_row);
    for (size_t a = 0, b = n ? n - 1 : 0; a < b; a++, b--) {
        row t = r[a];
        r[a] = r[b];
        r[b] = t;
    }
    size_t k1 = m - 1; /* the coordinates of the limited points */
    double *lim = malloc((n * k1 + 1) * sizeof *lim);
    row *lr = malloc((n + 1) * sizeof *lr);
    bool *keep = malloc((n + 1) * sizeof *keep);
    if (!lim || !lr || !keep) {
        free(lim), free(lr), free(keep);
        return KNOB__MATH_ENOMEM;
    }
    double total = 0;
    int rc = KNOB__MATH_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        double base = 1;
        for (size_t j = 0; j < k1; j++)
            base *= ref[j] - r[i].p[j];
        size_t k = n - i - 1;
        for (size_t a = 0; a < k; a++)
            for (size_t j = 0; j < k1; j++)
                lim[a * k1 + j] = fmax(r[i].p[j], r[i + 1 + a].p[j]);
        size_t c = 0, nk;
        rc = knob__nondominated_first(lim, k, k1, keep, &nk);
        for (size_t a = 0; !rc && a < k; a++)
            if (keep[a])
                lr[c++] = (row){lim + a * k1, 0};
        double inner = 0;
        if (c)
            rc = hv_rows(lr, c, k1, ref, &inner);
        /* a box past the largest double: inf, as the sweeps give (inf - inf would be NaN) */
        total += (ref[m - 1] - r[i].p[m - 1]) * (isinf(base) ? base : base - inner);
    }
    free(lim), free(lr), free(keep);
    if (!rc)
        *out = total;
    return rc;
}

static int hv_rows(row *r, size_t n, size_t m, const double *ref, double *out)
{
    if (n == 0) {
        *out = 0;
        return KNOB__MATH_OK;
    }
    if (m == 1) {
        double lo = ref[0];
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, r[i].p[0]);
        *out = ref[0] - lo;
        return KNOB__MATH_OK;
    }
    if (m == 2) {
        *out = hv2(r, n, ref);
        return KNOB__MATH_OK;
    }
    if (m == 3)
        return hv3(r, n, ref, out);
    return wfg(r, n, m, ref, out);
}

int knob__hv(const double *pts, size_t n, size_t m, const double *ref, double *out)
{
    row *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return KNOB__MATH_ENOMEM;
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        bool below = true;
        for (size_t j = 0; j < m && below; j++)
            below = pts[i * m + j] < ref[j];
        if (below)
            r[c++] = (row){pts + i * m, 0};
    }
    int rc = hv_rows(r, c, m, ref, out);
    free(r);
    return rc;
}
