/* The 2-D staircase of stair.h. */
#include "math/stair.h"
#include "math/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t rank_of(const knob__stair *t, size_t slot) /* slots in use at or below */
{
    size_t c = 0;
    for (; slot > 0; slot -= slot & -slot)
        c += t->tree[slot];
    return c;
}

static size_t kth(const knob__stair *t, size_t k) /* the slot of the k-th in use, k >= 1 */
{
    size_t at = 0;
    for (size_t step = t->top; step; step >>= 1)
        if (at + step <= t->n && t->tree[at + step] < k) {
            at += step;
            k -= t->tree[at];
        }
    return at + 1;
}

static void set(knob__stair *t, size_t slot, bool on)
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

int knob__stair_init(knob__stair *t, const double *pts, size_t n)
{
    *t = (knob__stair){.n = n, .top = 1};
    slot_row *rows = malloc((n ? n : 1) * sizeof *rows);
    t->tree = calloc(n + 1, sizeof *t->tree);
    t->xy = malloc(2 * (n + 1) * sizeof *t->xy);
    t->slot = malloc((2 * n + 1) * sizeof *t->slot);
    if (!rows || !t->tree || !t->xy || !t->slot) {
        free(rows);
        knob__stair_free(t);
        return KNOB__MATH_ENOMEM;
    }
    t->last = t->slot + n;
    for (size_t i = 0; i < n; i++)
        rows[i] = (slot_row){pts[2 * i], i};
    qsort(rows, n, sizeof *rows, by_x);
    for (size_t a = n; a-- > 0;) {
        size_t i = rows[a].at;
        t->slot[i] = a + 1;
        t->last[i] = a + 1 < n && rows[a + 1].x == rows[a].x ? t->last[rows[a + 1].at] : a + 1;
        t->xy[2 * (a + 1)] = pts[2 * i], t->xy[2 * (a + 1) + 1] = pts[2 * i + 1];
    }
    while (t->top * 2 <= n)
        t->top *= 2;
    free(rows);
    return KNOB__MATH_OK;
}

void knob__stair_free(knob__stair *t)
{
    free(t->tree);
    free(t->xy);
    free(t->slot);
    *t = (knob__stair){0};
}

/* What p adds below r, given the slots up to `below` (in use: `have`) hold the points with
 * x <= p's, the last of them (pred, 0: none) the lowest of those, which does not cover p:
 * the area of [p, r) under pred's y and above p's, less the steps of the points to the right
 * of p down to the first one below p's y. */
static double gain(const knob__stair *t, size_t pred, size_t have, const double *p, const double *r)
{
    double box = 1;
    for (size_t j = 0; j < 2; j++)
        box *= p[j] < r[j] ? r[j] - p[j] : 0;
    if (!(box > 0))
        return 0;
    /* A box past the largest double: the area with p is at least the box, inf, and the inf
     * the staircase covers in it, taken away, would make the gain NaN. */
    if (isinf(box))
        return INFINITY;
    double cap = pred && t->xy[2 * pred + 1] < r[1] ? t->xy[2 * pred + 1] : r[1];
    double x = p[0], area = 0;
    size_t total = rank_of(t, t->n);
    for (size_t k = have + 1; k <= total; k++) {
        const double *q = t->xy + 2 * kth(t, k);
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

double knob__stair_add(knob__stair *t, size_t i, const double *r)
{
    size_t have = rank_of(t, t->last[i]), pred = have ? kth(t, have) : 0;
    const double *p = t->xy + 2 * t->slot[i];
    if (pred && !(t->xy[2 * pred + 1] > p[1]))
        return 0; /* covered */
    double add = gain(t, pred, have, p, r);
    /* Into its slot, dropping the points it covers: pred when it has p's x (it lies above
     * p), and the points to the right of p down to the first one below p's y. */
    if (pred && t->xy[2 * pred] == p[0]) {
        set(t, pred, false);
        have--;
    }
    for (size_t total = rank_of(t, t->n); have < total; total--) {
        size_t q = kth(t, have + 1);
        if (t->xy[2 * q + 1] < p[1])
            break;
        set(t, q, false);
    }
    set(t, t->slot[i], true);
    return add;
}
