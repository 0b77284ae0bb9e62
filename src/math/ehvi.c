/* Exact expected hypervolume improvement by box decomposition, in log space (ehvi.h). */
#include "math/ehvi.h"
#include "math/acq.h"
#include "math/nondominated.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LOG_SQRT_2PI 0.91893853320467274178 /* log sqrt(2 pi) */

/* ---------------------------------------------------------------- the boxes */

typedef struct row {
    const double *p;
    int key;
} row;

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    double u = x->p[x->key], v = y->p[y->key];
    if (u != v)
        return u < v ? -1 : 1;
    /* ties by the next objective, so a 2-D sweep meets the better of two first */
    u = x->p[x->key ? 0 : 1];
    v = y->p[y->key ? 0 : 1];
    return u < v ? -1 : u > v;
}

typedef struct gen {
    int m;
    const double *ref;
    double *lo, *hi; /* boxes found: n x m each */
    size_t n, cap;
    double cur_lo[KNOB__EHVI_MAX_OBJ], cur_hi[KNOB__EHVI_MAX_OBJ]; /* the enclosing slabs */
    bool oom;
} gen;

static void emit(gen *g, double lo0, double hi0, double lo1, double hi1)
{
    if (g->oom)
        return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        double *lo = realloc(g->lo, cap * (size_t)g->m * sizeof *lo);
        if (lo)
            g->lo = lo;
        double *hi = lo ? realloc(g->hi, cap * (size_t)g->m * sizeof *hi) : NULL;
        if (!hi) {
            g->oom = true;
            return;
        }
        g->hi = hi;
        g->cap = cap;
    }
    double *l = g->lo + g->n * (size_t)g->m, *h = g->hi + g->n * (size_t)g->m;
    memcpy(l, g->cur_lo, (size_t)g->m * sizeof *l);
    memcpy(h, g->cur_hi, (size_t)g->m * sizeof *h);
    l[0] = lo0;
    h[0] = hi0;
    l[1] = lo1;
    h[1] = hi1;
    g->n++;
}

/* The boxes of the region below ref that none of the n rows dominates in objectives
 * [0, k), within the slabs g->cur_* of objectives [k, m). Reorders r. */
static void boxes(gen *g, row *r, size_t n, int k)
{
    const double *ref = g->ref;
    if (k == 2) {
        for (size_t i = 0; i < n; i++)
            r[i].key = 0;
        qsort(r, n, sizeof *r, cmp_row);
        /* sweep by objective 0: a point counts when it beats every earlier one on 1 */
        double lo0 = -HUGE_VAL, hi1 = ref[1];
        for (size_t i = 0; i < n; i++) {
            if (!(r[i].p[1] < hi1))
                continue;
            if (lo0 < r[i].p[0])
                emit(g, lo0, r[i].p[0], -HUGE_VAL, hi1);
            lo0 = r[i].p[0];
            hi1 = r[i].p[1];
        }
        emit(g, lo0, ref[0], -HUGE_VAL, hi1);
        return;
    }
    /* slabs along objective k-1: in [a, b), the points at or below a dominate in the
     * others as they do anywhere in the slab, and the rest not at all */
    for (size_t i = 0; i < n; i++)
        r[i].key = k - 1;
    qsort(r, n, sizeof *r, cmp_row);
    row *sub = malloc((n + 1) * sizeof *sub);
    if (!sub) {
        g->oom = true;
        return;
    }
    double a = -HUGE_VAL;
    for (size_t i = 0;;) {
        double b = i < n ? r[i].p[k - 1] : ref[k - 1];
        if (b > a) {
            memcpy(sub, r, i * sizeof *sub);
            g->cur_lo[k - 1] = a;
            g->cur_hi[k - 1] = b;
            boxes(g, sub, i, k - 1);
        }
        if (i == n)
            break;
        a = b;
        while (i < n && r[i].p[k - 1] == b)
            i++;
    }
    free(sub);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int find(const double *v, int n, double x)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Bounds as indices: per objective the distinct values, then the distinct (lower, upper)
 * pairs, so that an evaluation computes each pair's term once however many boxes share it. */
static int index_boxes(knob__ehvi *e, const gen *g)
{
    int m = e->m, nb = (int)g->n;
    double *v = malloc(2 * (size_t)nb * sizeof *v);
    e->box = malloc((size_t)nb * (size_t)m * sizeof *e->box);
    if (!v || !e->box) {
        free(v);
        return KNOB__MATH_ENOMEM;
    }
    for (int j = 0; j < m; j++) {
        for (int k = 0; k < nb; k++) {
            v[2 * k] = g->lo[(size_t)k * m + j];
            v[2 * k + 1] = g->hi[(size_t)k * m + j];
        }
        qsort(v, 2 * (size_t)nb, sizeof *v, cmp_double);
        int nc = 0;
        for (int k = 0; k < 2 * nb; k++)
            if (nc == 0 || v[k] != v[nc - 1])
                v[nc++] = v[k];
        e->nc[j] = nc;
        e->coord[j] = malloc((size_t)nc * sizeof *e->coord[j]);
        int *slot = malloc((size_t)nc * (size_t)nc * sizeof *slot);
        e->pair[j] = malloc(2 * (size_t)nb * sizeof *e->pair[j]);
        if (!e->coord[j] || !slot || !e->pair[j]) {
            free(slot);
            free(v);
            return KNOB__MATH_ENOMEM;
        }
        memcpy(e->coord[j], v, (size_t)nc * sizeof *v);
        for (int k = 0; k < nc * nc; k++)
            slot[k] = -1;
        int np = 0;
        for (int k = 0; k < nb; k++) {
            int a = find(e->coord[j], nc, g->lo[(size_t)k * m + j]);
            int b = find(e->coord[j], nc, g->hi[(size_t)k * m + j]);
            int *s = &slot[a * nc + b];
            if (*s < 0) {
                *s = np;
                e->pair[j][2 * np] = a;
                e->pair[j][2 * np + 1] = b;
                np++;
            }
            e->box[(size_t)k * m + j] = *s;
        }
        e->np[j] = np;
        free(slot);
    }
    free(v);
    return KNOB__MATH_OK;
}

void knob__ehvi_free(knob__ehvi *e)
{
    for (int j = 0; j < KNOB__EHVI_MAX_OBJ; j++) {
        free(e->coord[j]);
        free(e->pair[j]);
    }
    free(e->box);
    free(e->scratch);
    memset(e, 0, sizeof *e);
}

int knob__ehvi_init(knob__ehvi *e, const double *pts, size_t n, int m, const double *ref)
{
    knob__ehvi_free(e);
    if (m < 2 || m > KNOB__EHVI_MAX_OBJ)
        return KNOB__MATH_EDIMS;
    e->m = m;
    double *below = malloc((n + 1) * (size_t)m * sizeof *below);
    bool *keep = malloc((n + 1) * sizeof *keep);
    row *r = malloc((n + 1) * sizeof *r);
    gen g = {.m = m, .ref = ref};
    int rc = KNOB__MATH_ENOMEM;
    if (!below || !keep || !r)
        goto done;
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        bool in = true;
        for (int j = 0; j < m; j++)
            in &= pts[i * m + j] < ref[j];
        if (in)
            memcpy(below + nb++ * m, pts + i * m, (size_t)m * sizeof *below);
    }
    size_t nf = 0, nk;
    if (knob__nondominated_first(below, nb, (size_t)m, keep, &nk))
        goto done;
    for (size_t i = 0; i < nb; i++)
        if (keep[i])
            r[nf++] = (row){below + i * m, 0};
    e->n_front = (int)nf;
    for (int j = 0; j < m; j++) {
        g.cur_lo[j] = -HUGE_VAL;
        g.cur_hi[j] = ref[j];
    }
    boxes(&g, r, nf, m);
    if (g.oom)
        goto done;
    e->n_boxes = (int)g.n;
    rc = index_boxes(e, &g);
    if (rc)
        goto done;
    size_t need = (size_t)e->n_boxes;
    for (int j = 0; j < m; j++)
        need += 3 * (size_t)e->nc[j] + 3 * (size_t)e->np[j];
    e->scratch = malloc(need * sizeof *e->scratch);
    rc = e->scratch ? KNOB__MATH_OK : KNOB__MATH_ENOMEM;
done:
    free(below);
    free(keep);
    free(r);
    free(g.lo);
    free(g.hi);
    if (rc)
        knob__ehvi_free(e);
    return rc;
}

/* ---------------------------------------------------------------- the expectation */

/* log(1 - exp(x)) for x <= 0, accurate at both ends (Maechler 2012). */
static double log1mexp(double x)
{
    return x > -M_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

/* One objective's terms: at each of its pairs (l, u), log D = log(psi(u) - psi(l)) and,
 * with gradients, D's derivatives over mean and sd divided by D. */
static void terms(const knob__ehvi *e, int j, double mean, double sd, bool grad, double *ld,
                  double *gm, double *gs, double *work)
{
    int nc = e->nc[j];
    const double *c = e->coord[j];
    double *lpsi = work, *lcdf = work + nc, *lpdf = work + 2 * nc, lsd = log(sd);
    for (int i = 0; i < nc; i++) {
        if (c[i] == -HUGE_VAL) {
            lpsi[i] = lcdf[i] = lpdf[i] = -HUGE_VAL;
            continue;
        }
        double z = (c[i] - mean) / sd;
        lpsi[i] = lsd + knob__log_h(z);
        if (grad) {
            lcdf[i] = knob__log_ndtr(z, NULL);
            lpdf[i] = -0.5 * z * z - LOG_SQRT_2PI;
        }
    }
    for (int q = 0; q < e->np[j]; q++) {
        int a = e->pair[j][2 * q], b = e->pair[j][2 * q + 1];
        double za = (c[a] - mean) / sd, zb = (c[b] - mean) / sd, mid = 0.5 * (za + zb);
        bool narrow = c[a] > -HUGE_VAL && (zb - za) * fmax(1, fabs(mid)) < 1e-3;
        if (narrow) {
            /* psi(u) - psi(l) = sd (integral of Phi over [za, zb]) = (u - l) Phi(mid) to
             * a relative (w mid)^2 / 24 < 1e-7, where the difference of the logs of psi
             * would cancel */
            ld[q] = log(c[b] - c[a]) + knob__log_ndtr(mid, NULL);
        } else if (c[a] == -HUGE_VAL || lpsi[b] == -HUGE_VAL) {
            ld[q] = lpsi[b];
        } else {
            ld[q] = lpsi[b] + log1mexp(fmin(lpsi[a] - lpsi[b], 0));
        }
        if (!grad)
            continue;
        if (!(ld[q] > -HUGE_VAL)) {
            gm[q] = gs[q] = 0;
        } else if (narrow) {
            /* Phi(zb) - Phi(za) = phi(mid) w, phi(zb) - phi(za) = -mid phi(mid) w */
            double t = exp(-0.5 * mid * mid - LOG_SQRT_2PI + log(zb - za) - ld[q]);
            gm[q] = -t;
            gs[q] = -mid * t;
        } else {
            /* dD/dmean = -(Phi(zb) - Phi(za)), dD/dsd = phi(zb) - phi(za) */
            gm[q] = -(exp(lcdf[b] - ld[q]) - exp(lcdf[a] - ld[q]));
            gs[q] = exp(lpdf[b] - ld[q]) - exp(lpdf[a] - ld[q]);
        }
    }
}

double knob__ehvi_log(knob__ehvi *e, const double *mean, const double *sd, double *dmean,
                      double *dsd)
{
    int m = e->m, nb = e->n_boxes;
    bool grad = dmean || dsd;
    double *ld[KNOB__EHVI_MAX_OBJ], *gm[KNOB__EHVI_MAX_OBJ], *gs[KNOB__EHVI_MAX_OBJ];
    double *w = e->scratch, *lb = w;
    w += nb;
    for (int j = 0; j < m; j++) {
        ld[j] = w;
        gm[j] = w + e->np[j];
        gs[j] = w + 2 * e->np[j];
        w += 3 * (size_t)e->np[j];
    }
    /* the bounds' values of one objective at a time, in the space left after the pairs */
    for (int j = 0; j < m; j++)
        terms(e, j, mean[j], sd[j], grad, ld[j], gm[j], gs[j], w);
    double top = -HUGE_VAL;
    for (int k = 0; k < nb; k++) {
        double s = 0;
        for (int j = 0; j < m; j++)
            s += ld[j][e->box[(size_t)k * m + j]];
        lb[k] = s;
        top = fmax(top, s);
    }
    if (dmean)
        memset(dmean, 0, (size_t)m * sizeof *dmean);
    if (dsd)
        memset(dsd, 0, (size_t)m * sizeof *dsd);
    if (!(top > -HUGE_VAL))
        return -HUGE_VAL;
    double sum = 0;
    for (int k = 0; k < nb; k++) {
        double wk = exp(lb[k] - top);
        sum += wk;
        lb[k] = wk;
    }
    if (grad)
        for (int k = 0; k < nb; k++) {
            double wk = lb[k] / sum;
            for (int j = 0; j < m; j++) {
                int q = e->box[(size_t)k * m + j];
                if (dmean)
                    dmean[j] += wk * gm[j][q];
                if (dsd)
                    dsd[j] += wk * gs[j][q];
            }
        }
    return top + log(sum);
}
