/* Nondominated fronts and hypervolumes for MOTPE (see tpe_front.h). The sets are small
 * (the good set holds 25 points per objective past the first unless mo_gamma_cap says
 * otherwise), so exact WFG recursion is cheap enough. */
#include "math/tpe_front.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12

static bool dominates(const double *a, const double *b, size_t m)
{
    bool less = false;
    for (size_t j = 0; j < m; j++) {
        if (a[j] > b[j])
            return false;
        less |= a[j] < b[j];
    }
    return less;
}

static double box(const double *p, size_t m, const double *ref)
{
    double v = 1;
    for (size_t j = 0; j < m; j++)
        v *= fmax(ref[j] - p[j], 0);
    return v;
}

static bool lex_before(const double *pts, size_t m, size_t a, size_t b)
{
    for (size_t j = 0; j < m; j++)
        if (pts[a * m + j] != pts[b * m + j])
            return pts[a * m + j] < pts[b * m + j];
    return a < b;
}

/* Merge sort of idx[0..n) by row, lexicographically (ties by index). */
static void merge_sort(const double *pts, size_t m, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, k = 0;
    merge_sort(pts, m, idx, tmp, h);
    merge_sort(pts, m, idx + h, tmp, n - h);
    while (i < h && j < n)
        tmp[k++] = lex_before(pts, m, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Rows of pts ordered lexicographically (ties by index) into idx. -1 when out of memory. */
static int lex_order(const double *pts, size_t n, size_t m, size_t *idx)
{
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    merge_sort(pts, m, idx, tmp, n);
    free(tmp);
    return 0;
}

static double hv2(const double *pts, size_t n, const double *ref, size_t *idx)
{
    if (lex_order(pts, n, 2, idx))
        return NAN;
    double vol = 0, best = ref[1];
    for (size_t i = 0; i < n; i++) {
        const double *p = pts + idx[i] * 2;
        if (p[1] < best && p[0] < ref[0]) {
            vol += (ref[0] - p[0]) * (best - p[1]);
            best = p[1];
        }
    }
    return vol;
}

static double hv_rec(const double *pts, size_t n, size_t m, const double *ref);

/* The volume only p dominates, with the set s (k points) also present. */
static double exclusive(const double *p, const double *s, size_t k, size_t m, const double *ref)
{
    double v = box(p, m, ref);
    if (k == 0 || v == 0)
        return v;
    double *lim = malloc(k * m * sizeof *lim);
    if (!lim)
        return NAN;
    size_t kept = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < m; j++)
            lim[i * m + j] = fmax(s[i * m + j], p[j]);
    /* Keep the nondominated limited points (duplicates once). */
    for (size_t i = 0; i < k; i++) {
        const double *q = lim + i * m;
        bool out = false;
        for (size_t r = 0; r < k && !out; r++)
            if (r != i)
                out = dominates(lim + r * m, q, m) ||
                      (r < i && memcmp(lim + r * m, q, m * sizeof *q) == 0);
        if (!out)
            memmove(lim + kept++ * m, q, m * sizeof *q);
    }
    double rest = hv_rec(lim, kept, m, ref);
    free(lim);
    return v - rest;
}

static double hv_rec(const double *pts, size_t n, size_t m, const double *ref)
{
    if (n == 0)
        return 0;
    if (m == 1) {
        double lo = INFINITY;
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, pts[i]);
        return fmax(ref[0] - lo, 0);
    }
    if (n == 1)
        return box(pts, m, ref);
    size_t *idx = malloc(n * sizeof *idx);
    double *sorted = malloc(n * m * sizeof *sorted);
    double vol = NAN;
    if (idx && sorted) {
        if (m == 2) {
            vol = hv2(pts, n, ref, idx);
        } else {
            vol = lex_order(pts, n, m, idx) ? NAN : 0;
            for (size_t i = 0; !isnan(vol) && i < n; i++)
                memcpy(sorted + i * m, pts + idx[i] * m, m * sizeof *sorted);
            for (size_t i = 0; i < n; i++)
                vol += exclusive(sorted + i * m, sorted + (i + 1) * m, n - i - 1, m, ref);
        }
    }
    free(idx);
    free(sorted);
    return vol;
}

double knob__tpe_hypervolume(const double *pts, size_t n, size_t m, const double *ref)
{
    return hv_rec(pts, n, m, ref);
}

/* The losses the volumes are computed on: a box's volume is a product of m sides each up
 * to about twice the largest |loss|, which overflowed for losses near the largest double
 * (inf - inf then gave a NaN, read as out of memory). An objective whose losses exceed
 * 2^(960/m) is scaled by a power of two, which keeps the order, the fronts and the ratios
 * of the hypervolume contributions; other objectives pass as they are, so ordinary losses
 * give the same results to the bit. An infinite loss (a study that takes infinite values)
 * has no finite volume: its objective's finite losses are scaled into [-1, 1] and each
 * infinity stands at 2 past them (+inf after the worst, -inf before the best; infinities
 * of one sign tie), which keeps the order and the fronts. *copy (to free) is the changed
 * copy when one is made. NULL when out of memory. */
static const double *in_range(const double *loss, size_t n, size_t m, double **copy)
{
    double limit = ldexp(1, (int)(960 / (m ? m : 1)));
    *copy = NULL;
    for (size_t j = 0; j < m; j++) {
        double top = 0, lo = INFINITY, hi = -INFINITY;
        bool infinite = false;
        for (size_t i = 0; i < n; i++) {
            double v = loss[i * m + j];
            if (isinf(v)) {
                infinite = true;
                continue;
            }
            top = fmax(top, fabs(v));
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        if (top <= limit && !infinite)
            continue;
        if (!*copy) {
            if (!(*copy = malloc(n * m * sizeof **copy)))
                return NULL;
            memcpy(*copy, loss, n * m * sizeof **copy);
        }
        int e = 0;
        if (top > limit || (infinite && top > 1))
            frexp(top, &e);
        if (lo > hi) /* no finite loss */
            lo = hi = 0;
        for (size_t i = 0; i < n; i++) {
            double v = loss[i * m + j];
            (*copy)[i * m + j] = v == INFINITY    ? ldexp(hi, -e) + 2
                                 : v == -INFINITY ? ldexp(lo, -e) - 2
                                                  : ldexp(v, -e);
        }
    }
    return *copy ? *copy : loss;
}

/* max(1.1 w, 0.9 w) of the worst point w of the rows listed in idx; 0 becomes EPS. */
static void reference(const double *loss, const size_t *idx, size_t n, size_t m, double *ref)
{
    for (size_t j = 0; j < m; j++) {
        double w = -INFINITY;
        for (size_t i = 0; i < n; i++)
            w = fmax(w, loss[idx[i] * m + j]);
        ref[j] = fmax(1.1 * w, 0.9 * w);
        if (ref[j] == 0)
            ref[j] = EPS;
    }
}

/* Whether row i of loss is a repeat of an earlier row (a lower index) of the f rows front[]:
 * the same point. */
static bool repeat_of_earlier(const double *loss, const size_t *front, size_t f, size_t m, size_t i)
{
    for (size_t r = 0; r < f; r++) {
        size_t j = 0;
        while (front[r] < i && j < m && loss[front[r] * m + j] == loss[i * m + j])
            j++;
        if (j == m)
            return true;
    }
    return false;
}

/* Greedy hypervolume subset selection of k of the f points front[] (lazy: gains only
 * shrink as the selection grows, so a stale gain is an upper bound), among its distinct
 * points, each by its first row, as Optuna's _solve_hssp; with fewer distinct points than
 * k, every one of them and then the repeats, first rows first, up to k (the greedy took
 * the repeats in the order its stale gains fell to 0, the last row first). */
static int hssp(const double *loss, const size_t *front, size_t f, size_t m, size_t k, bool *sel)
{
    double *ref = malloc(m * sizeof *ref), *gain = malloc(f * sizeof *gain);
    double *chosen = malloc((k + 1) * m * sizeof *chosen);
    bool *taken = calloc(f, sizeof *taken);
    int rc = ref && gain && chosen && taken ? 0 : -1;
    size_t distinct = 0;
    for (size_t i = 0; !rc && i < f; i++) {
        taken[i] = repeat_of_earlier(loss, front, f, m, front[i]); /* out of the greedy */
        distinct += !taken[i];
    }
    if (!rc && distinct < k) {
        for (size_t i = 0; i < f; i++)
            sel[front[i]] |= !taken[i];
        for (size_t got = distinct; got < k; got++) { /* the repeats by row */
            size_t first = f;
            for (size_t i = 0; i < f; i++)
                if (taken[i] && !sel[front[i]] && (first == f || front[i] < front[first]))
                    first = i;
            sel[front[first]] = true;
        }
        k = 0;
    }
    if (!rc)
        reference(loss, front, f, m, ref);
    for (size_t i = 0; !rc && i < f; i++)
        gain[i] = box(loss + front[i] * m, m, ref);
    for (size_t got = 0; !rc && got < k; got++) {
        for (;;) {
            size_t best = f;
            for (size_t i = 0; i < f; i++)
                if (!taken[i] && (best == f || gain[i] > gain[best]))
                    best = i;
            double g = exclusive(loss + front[best] * m, chosen, got, m, ref);
            if (isnan(g)) {
                rc = -1;
                break;
            }
            bool top = true;
            for (size_t i = 0; i < f && top; i++)
                top = taken[i] || i == best || gain[i] <= g;
            gain[best] = g;
            if (top) {
                taken[best] = true;
                sel[front[best]] = true;
                memcpy(chosen + got * m, loss + front[best] * m, m * sizeof *chosen);
                break;
            }
        }
    }
    free(ref);
    free(gain);
    free(chosen);
    free(taken);
    return rc;
}

int knob__tpe_select(const double *given, size_t n, size_t m, size_t k, bool *sel)
{
    double *copy;
    const double *loss = in_range(given, n, m, &copy);
    size_t *rest = malloc(n * sizeof *rest), *front = malloc(n * sizeof *front);
    int rc = loss && rest && front ? 0 : -1;
    size_t n_rest = n, got = 0;
    for (size_t i = 0; i < n; i++)
        sel[i] = false;
    if (!rc)
        rc = lex_order(loss, n, m, rest);
    while (!rc && got < k && n_rest) {
        size_t f = 0, kept = 0;
        for (size_t i = 0; i < n_rest; i++) {
            bool dominated = false;
            for (size_t r = 0; r < f && !dominated; r++)
                dominated = dominates(loss + front[r] * m, loss + rest[i] * m, m);
            if (dominated)
                rest[kept++] = rest[i];
            else
                front[f++] = rest[i];
        }
        n_rest = kept;
        if (got + f <= k) {
            for (size_t r = 0; r < f; r++)
                sel[front[r]] = true;
            got += f;
        } else {
            rc = hssp(loss, front, f, m, k - got, sel);
            got = k;
        }
    }
    free(copy);
    free(rest);
    free(front);
    return rc;
}

int knob__tpe_hv_weights(const double *given, size_t n, size_t m, double *w)
{
    if (n <= 1) {
        if (n == 1)
            w[0] = 1;
        return 0;
    }
    double *copy;
    const double *loss = in_range(given, n, m, &copy);
    size_t *all = malloc(n * sizeof *all);
    double *ref = malloc(m * sizeof *ref), *others = malloc(n * m * sizeof *others);
    int rc = loss && all && ref && others ? 0 : -1;
    double top = 0;
    for (size_t i = 0; !rc && i < n; i++)
        all[i] = i;
    if (!rc)
        reference(loss, all, n, m, ref);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t k = 0;
        for (size_t r = 0; r < n; r++)
            if (r != i)
                memcpy(others + k++ * m, loss + r * m, m * sizeof *others);
        w[i] = exclusive(loss + i * m, others, n - 1, m, ref) + EPS;
        if (isnan(w[i]))
            rc = -1;
        top = fmax(top, w[i]);
    }
    for (size_t i = 0; !rc && i < n; i++)
        w[i] = fmin(fmax(w[i] / top, 0), 1);
    free(copy);
    free(all);
    free(ref);
    free(others);
    return rc;
}
