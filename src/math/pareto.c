/* Non-dominated sorting (Deb et al. 2002's bookkeeping of who dominates whom) and crowding
 * distance. Populations are small (twice the population size), so O(m n^2) is fine. */
#include "math/pareto.h"
#include "math/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool knob__pareto_dominates(const double *a, const double *b, size_t m)
{
    bool better = false;
    for (size_t j = 0; j < m; j++) {
        if (a[j] > b[j])
            return false;
        if (a[j] < b[j])
            better = true;
    }
    return better;
}

bool knob__pareto_cdominates(const double *a, double va, const double *b, double vb, size_t m)
{
    bool fa = va <= 0, fb = vb <= 0;
    if (fa && fb)
        return knob__pareto_dominates(a, b, m);
    if (fa != fb)
        return fa;
    return va < vb;
}

static bool dom(const double *pts, size_t m, const double *viol, size_t i, size_t j)
{
    if (viol)
        return knob__pareto_cdominates(pts + i * m, viol[i], pts + j * m, viol[j], m);
    return knob__pareto_dominates(pts + i * m, pts + j * m, m);
}

int knob__pareto_sort(const double *pts, size_t n, size_t m, const double *violation, size_t *rank,
                      size_t *n_fronts)
{
    *n_fronts = 0;
    if (!n)
        return KNOB__MATH_OK;
    /* count[i]: how many points dominate i; who[i*n..]: the points i dominates. */
    size_t *count = calloc(n, sizeof *count), *who = malloc(n * n * sizeof *who);
    size_t *n_who = calloc(n, sizeof *n_who), *cur = malloc(n * sizeof *cur);
    size_t *next = malloc(n * sizeof *next);
    if (!count || !who || !n_who || !cur || !next) {
        free(count), free(who), free(n_who), free(cur), free(next);
        return KNOB__MATH_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (dom(pts, m, violation, i, j)) {
                who[i * n + n_who[i]++] = j;
                count[j]++;
            } else if (dom(pts, m, violation, j, i)) {
                who[j * n + n_who[j]++] = i;
                count[i]++;
            }
        }
    }
    size_t n_cur = 0;
    for (size_t i = 0; i < n; i++)
        if (!count[i])
            cur[n_cur++] = i;
    size_t r = 0;
    while (n_cur) {
        size_t n_next = 0;
        for (size_t a = 0; a < n_cur; a++) {
            size_t i = cur[a];
            rank[i] = r;
            for (size_t b = 0; b < n_who[i]; b++)
                if (--count[who[i * n + b]] == 0)
                    next[n_next++] = who[i * n + b];
        }
        memcpy(cur, next, n_next * sizeof *cur);
        n_cur = n_next;
        r++;
    }
    *n_fronts = r;
    free(count), free(who), free(n_who), free(cur), free(next);
    return KNOB__MATH_OK;
}

typedef struct by_obj {
    double v;
    size_t at;
} by_obj;

static int cmp_obj(const void *a, const void *b)
{
    const by_obj *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

int knob__pareto_crowding(const double *pts, size_t m, const size_t *idx, size_t k, double *dist)
{
    for (size_t i = 0; i < k; i++)
        dist[i] = 0;
    if (k == 0)
        return KNOB__MATH_OK;
    by_obj *o = malloc(k * sizeof *o);
    if (!o)
        return KNOB__MATH_ENOMEM;
    for (size_t j = 0; j < m; j++) {
        for (size_t i = 0; i < k; i++)
            o[i] = (by_obj){pts[idx[i] * m + j], i};
        qsort(o, k, sizeof *o, cmp_obj);
        double lo = o[0].v, hi = o[k - 1].v;
        if (lo == hi)
            continue;
        /* A range past the largest double: gaps and range halved, the same ratios. */
        double width = hi - lo, half = isfinite(width) ? 1 : 0.5;
        width = half * hi - half * lo;
        if (!(width > 0) || !isfinite(width))
            width = 1;
        for (size_t i = 0; i < k; i++) {
            double below = i ? o[i - 1].v : -INFINITY, above = i + 1 < k ? o[i + 1].v : INFINITY;
            double gap = below == above ? 0 : half * above - half * below;
            dist[o[i].at] += gap / width;
        }
    }
    free(o);
    return KNOB__MATH_OK;
}
