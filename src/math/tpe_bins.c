/* Per-value positions of a binned param's observations (see tpe_bins.h). */
#include "math/tpe_bins.h"
#include "math/status.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The first k in [lo, hi) with pos[k] >= x (hi when none). */
static size_t first_at(const uint32_t *pos, size_t lo, size_t hi, size_t x)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pos[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The value's index, or where it goes (*found false). */
static size_t value_at(const knob__tpe_bins *b, double y, int *found)
{
    size_t lo = 0, hi = b->n_v;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->v[mid].y < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < b->n_v && b->v[lo].y == y;
    return lo;
}

static int bin_reserve(knob__tpe_bin *v, size_t need)
{
    if (need <= v->cap)
        return KNOB__MATH_OK;
    size_t cap = need < 64 ? 64 : need + need / 2;
    uint32_t *pos = realloc(v->pos, cap * sizeof *pos);
    if (!pos)
        return KNOB__MATH_ENOMEM;
    v->pos = pos;
    uint64_t *pre = realloc(v->pre, (cap + 1) * sizeof *pre);
    if (!pre)
        return KNOB__MATH_ENOMEM;
    v->pre = pre;
    v->cap = cap;
    return KNOB__MATH_OK;
}

int knob__tpe_bins_add(knob__tpe_bins *b, double y)
{
    int found;
    y += 0.0; /* -0 is 0: the fit sorts them as equal centres */
    size_t k = value_at(b, y, &found);
    if (!found) {
        if (b->n_v == KNOB__TPE_BINS_MAX)
            return KNOB__MATH_EDIMS;
        if (b->n_v == b->cap_v) {
            size_t cap = b->cap_v ? 2 * b->cap_v : 16;
            knob__tpe_bin *v = realloc(b->v, cap * sizeof *v);
            if (!v)
                return KNOB__MATH_ENOMEM;
            b->v = v;
            b->cap_v = cap;
        }
        memmove(b->v + k + 1, b->v + k, (b->n_v - k) * sizeof *b->v);
        b->v[k] = (knob__tpe_bin){.y = y};
        b->n_v++;
    }
    knob__tpe_bin *v = &b->v[k];
    if (bin_reserve(v, v->n + 1))
        return KNOB__MATH_ENOMEM; /* (a new value stays, empty: it gives no kernel) */
    if (v->n == 0)
        v->pre[0] = 0;
    v->pos[v->n] = (uint32_t)b->n;
    v->pre[v->n + 1] = v->pre[v->n] + b->n;
    v->n++;
    b->n++;
    return KNOB__MATH_OK;
}

void knob__tpe_bins_keep(knob__tpe_bins *b)
{
    for (size_t k = 0; k < b->n_v; k++)
        b->v[k].n_keep = b->v[k].n;
    b->n_keep = b->n;
}

void knob__tpe_bins_rewind(knob__tpe_bins *b)
{
    for (size_t k = 0; k < b->n_v; k++)
        b->v[k].n = b->v[k].n_keep;
    b->n = b->n_keep;
}

void knob__tpe_bins_clear(knob__tpe_bins *b)
{
    for (size_t k = 0; k < b->n_v; k++) {
        free(b->v[k].pos);
        free(b->v[k].pre);
    }
    b->n_v = b->n = b->n_keep = 0;
}

void knob__tpe_bins_free(knob__tpe_bins *b)
{
    knob__tpe_bins_clear(b);
    free(b->v);
    memset(b, 0, sizeof *b);
}

/* What one value's bad observations weigh: cnt of them below the flat part, whose bad
 * indices sum to sum_i, and n_flat in it (exact counts); the first and the last one's
 * bad indices. */
typedef struct run {
    uint64_t cnt, sum_i, n_flat;
    size_t first, last;
} run;

static void run_drop(run *r, size_t i, size_t flat)
{
    if (i < flat) {
        r->cnt--;
        r->sum_i -= i;
    } else {
        r->n_flat--;
    }
}

/* The bad observations of one value, segment by segment: the positions between good s - 1
 * and good s have bad index position - s. */
static run run_of(const knob__tpe_bin *v, const size_t *good, size_t n_good, size_t jf)
{
    run r = {0, 0, 0, 0, 0};
    bool any = false;
    size_t a = 0;
    for (size_t s = 0; s <= n_good && a < v->n; s++) {
        size_t from = s ? good[s - 1] + 1 : 0;
        size_t e = s < n_good ? first_at(v->pos, a, v->n, good[s]) : v->n;
        a = first_at(v->pos, a, e, from);
        if (a == e)
            continue;
        size_t sp = first_at(v->pos, a, e, jf);
        r.cnt += sp - a;
        r.sum_i += (v->pre[sp] - v->pre[a]) - (uint64_t)s * (sp - a);
        r.n_flat += e - sp;
        if (!any)
            r.first = v->pos[a] - s;
        any = true;
        r.last = v->pos[e - 1] - s;
        a = e;
    }
    return r;
}

size_t knob__tpe_bins_merge(const knob__tpe_bins *b, const size_t *good, size_t n_good, double *y,
                            double *w)
{
    size_t nb = b->n - n_good, flat = 0;
    /* knob__tpe_default_weights(nb): i step + lo below index `flat`, then 1 */
    double lo = 1.0 / (double)nb, step = 0;
    if (nb >= 25) {
        size_t ramp = nb - 25;
        step = ramp > 1 ? (1 - lo) / (double)(ramp - 1) : 0;
        flat = ramp > 1 ? ramp - 1 : ramp;
    }
    size_t jf = flat; /* the position of bad index `flat` */
    for (size_t s = 0; s < n_good && good[s] <= jf; s++)
        jf++;
#define WEIGHT(i) ((i) < flat ? (double)(i)*step + lo : 1.0)
    size_t k = 0;
    for (size_t j = 0; j < b->n_v; j++) {
        run r = run_of(&b->v[j], good, n_good, jf);
        uint64_t m = r.cnt + r.n_flat;
        if (m == 0)
            continue;
        y[k] = b->v[j].y;
        w[k++] = WEIGHT(r.first);
        if (m == 1)
            continue;
        run_drop(&r, r.first, flat);
        run_drop(&r, r.last, flat);
        if (m > 2) {
            y[k] = b->v[j].y;
            w[k++] = (double)r.sum_i * step + (double)r.cnt * lo + (double)r.n_flat;
        }
        y[k] = b->v[j].y;
        w[k++] = WEIGHT(r.last);
    }
#undef WEIGHT
    return k;
}
