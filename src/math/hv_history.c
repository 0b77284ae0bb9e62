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

int knob__hv_history(const double *pts, const bool *use, size_t n, size_t m, const double *ref,
                     double *out)
{
    if (m == 2)
        return history2(pts, use, n, ref, out);
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
