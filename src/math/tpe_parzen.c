/* Parzen estimators of the TPE sampler, one param at a time (see tpe_parzen.h).
 *
 * Speed: a univariate mixture keeps its kernels sorted by mu inside classes of similar
 * bandwidth, and a density evaluation visits, per class, only the kernels close enough
 * to the point to matter: every term below e^-40 of the prior's (which is always in the
 * mixture, wide and centred) is dropped, so the result is exact to about 1e-14 while
 * costing O(log n + kernels nearby) instead of O(n) calls to exp(). The kernels at the
 * bandwidth floor, most of a long history, go through a fast Gauss transform. A study's
 * bad side changes little between asks: knob__tpe_mix1_fit_ramp extends the last fit
 * instead of making it again. */
#include "math/fastexp.h"
#include "math/tpe_parzen.h"
#include "math/tpe_normal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12
#define NEGLIGIBLE 40.0            /* terms below exp(-NEGLIGIBLE) of the prior's are dropped */
#define TINY 4.248354255291589e-18 /* exp(-NEGLIGIBLE) */
#define SQRT_2PI KNOB__TPE_SQRT_2PI
#define LOG_SQRT_2PI KNOB__TPE_LOG_SQRT_2PI

static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------- axes */

void knob__tpe_axis_number(knob__tpe_axis *a, double low, double high, double step, bool integer,
                           bool log_scale)
{
    memset(a, 0, sizeof *a);
    a->min = low;
    a->max = high;
    a->step = step;
    a->integer = integer;
    if (log_scale) {
        a->log = true;
        a->low = integer ? log(low - 0.5) : log(low);
        a->high = integer ? log(high + 0.5) : log(high);
    } else if (integer || step > 0) {
        a->q = step;
        a->low = low - 0.5 * step;
        a->high = high + 0.5 * step;
    } else {
        a->low = low;
        a->high = high;
    }
}

void knob__tpe_axis_choice(knob__tpe_axis *a, size_t n_choices)
{
    memset(a, 0, sizeof *a);
    a->n_choices = n_choices;
}

double knob__tpe_to_kernel(const knob__tpe_axis *a, double internal)
{
    return a->log ? log(internal) : internal;
}

/* The nearest value the param takes: an index, a step, an integer, within the range. */
static double snap(const knob__tpe_axis *a, double x)
{
    if (a->n_choices) {
        double i = round(x);
        return i < 0 ? 0 : i > (double)a->n_choices - 1 ? (double)a->n_choices - 1 : i;
    }
    if (x < a->min || isnan(x))
        x = a->min;
    if (x > a->max)
        x = a->max;
    if (a->step > 0 && a->integer) {
        /* in integers: x - min of bounds up to 2^53 apart is not exact in a double, and the
         * step's multiple it gave was off the step (a step of 3 on [-2^53, 2^53]) */
        int64_t lo = (int64_t)a->min, st = (int64_t)a->step;
        int64_t v = lo + (int64_t)round((x - a->min) / a->step) * st;
        while (v > (int64_t)a->max)
            v -= st;
        x = (double)v;
    } else if (a->step > 0) {
        x = a->min + round((x - a->min) / a->step) * a->step;
        if (x > a->max)
            x = a->max;
    } else if (a->integer) {
        x = round(x);
    }
    return x;
}

double knob__tpe_from_kernel(const knob__tpe_axis *a, double y)
{
    if (a->n_choices)
        return snap(a, y);
    if (a->log && a->integer)
        return snap(a, round(exp(y)));
    if (a->log)
        return snap(a, exp(y));
    if (a->q > 0)
        return snap(a, round((y - a->min) / a->q) * a->q + a->min);
    return snap(a, y);
}

void knob__tpe_default_weights(size_t n, double *w)
{
    if (n < 25) {
        for (size_t i = 0; i < n; i++)
            w[i] = 1;
        return;
    }
    size_t ramp = n - 25;
    double lo = 1.0 / (double)n, step = ramp > 1 ? (1 - lo) / (double)(ramp - 1) : 0;
    for (size_t i = 0; i < ramp; i++) /* as numpy.linspace(1 / n, 1, n - 25) */
        w[i] = (double)i * step + lo;
    if (ramp > 1)
        w[ramp - 1] = 1;
    for (size_t i = ramp; i < n; i++)
        w[i] = 1;
}

/* ---------------------------------------------------------------- sorting */

/* An unsigned key in the order of the floats (negative ones flipped). Rounding to float
 * keeps the order of doubles, only merging close ones. -0 and 0 are equal doubles and get
 * one key, so that the sort keeps them in index order as it keeps other equal ones (a fit
 * that extends the last places its new ones so). */
static uint32_t sort_key(double x)
{
    float f = (float)x + 0.0f; /* -0 + 0 is 0 */
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (u >> 31) ? ~u : u | (1u << 31);
}

static void insertion_sort(const double *x, uint32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = idx[i];
        size_t j = i;
        while (j > 0 && x[idx[j - 1]] > x[v]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

/* Sorts idx[0..n) (initially 0..n-1) by x[], stably: insertion sort when short, one
 * insertion when only the last is out of order, else an
 * LSD radix sort on the bytes of float keys (all four histograms in one pass, bytes every
 * key shares skipped), then an insertion pass that orders doubles sharing a float key.
 * key/key2/idx2 are scratch of n. */
static void sort_by_key(const double *x, uint32_t *idx, uint32_t *key, uint32_t *key2,
                        uint32_t *idx2, size_t n)
{
    if (n <= 64) {
        insertion_sort(x, idx, n);
        return;
    }
    /* Sorted but for the last (merged cells, then the prior): one insertion, after the
     * equal ones, as the stable sort below would place it. */
    size_t s = 1;
    while (s < n - 1 && x[idx[s - 1]] <= x[idx[s]])
        s++;
    if (s == n - 1) {
        uint32_t v = idx[n - 1];
        size_t lo = 0, hi = n - 1; /* the first p with x[idx[p]] > x[v] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (x[idx[mid]] > x[v])
                hi = mid;
            else
                lo = mid + 1;
        }
        memmove(idx + lo + 1, idx + lo, (n - 1 - lo) * sizeof *idx);
        idx[lo] = v;
        return;
    }
    uint32_t count[4][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = key[i] = sort_key(x[idx[i]]);
        count[0][k & 255]++;
        count[1][(k >> 8) & 255]++;
        count[2][(k >> 16) & 255]++;
        count[3][k >> 24]++;
    }
    for (int b = 0; b < 4; b++) {
        int shift = 8 * b;
        if (count[b][(key[0] >> shift) & 255] == n)
            continue;
        uint32_t sum = 0;
        for (int d = 0; d < 256; d++) {
            uint32_t c = count[b][d];
            count[b][d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t at = count[b][(key[i] >> shift) & 255]++;
            key2[at] = key[i];
            idx2[at] = idx[i];
        }
        memcpy(key, key2, n * sizeof *key);
        memcpy(idx, idx2, n * sizeof *idx);
    }
    insertion_sort(x, idx, n);
}

/* ---------------------------------------------------------------- one numerical param */

static int mix1_reserve(knob__tpe_mix1 *m, size_t n)
{
    if (n <= m->cap)
        return KNOB__MATH_OK;
    size_t cap = n < 64 ? 64 : n + n / 2;
    double *d = malloc(cap * 11 * sizeof *d);
    uint32_t *u = malloc(cap * 3 * sizeof *u);
    uint32_t *k = malloc(cap * 2 * sizeof *k);
    if (!d || !u || !k) {
        free(d);
        free(u);
        free(k);
        return KNOB__MATH_ENOMEM;
    }
    free(m->mu);
    free(m->idx);
    free(m->keys);
    m->keys = k;
    m->mu = d;
    m->sigma = d + cap;
    m->a = d + 2 * cap;
    m->ab = d + 3 * cap;
    m->cum = d + 4 * cap;
    m->isig = d + 5 * cap;
    m->scratch = d + 6 * cap;
    m->idx = u;
    m->cap = cap;
    return KNOB__MATH_OK;
}

static void ramp_free(struct knob__tpe_ramp *r);
static void ramp_forget(struct knob__tpe_ramp *r);

void knob__tpe_mix1_free(knob__tpe_mix1 *m)
{
    ramp_free(m->ramp);
    free(m->cell_y);
    free(m->box_c);
    free(m->mu);
    free(m->idx);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

/* Bandwidths from neighbour distances (Optuna's univariate rule): s[] are the m sorted
 * kernel centres, the prior's among them; out[i] is the sigma of s[i], before clipping. */
static void neighbour_sigmas(const double *s, size_t m, double low, double high, bool endpoints,
                             double *out)
{
    for (size_t i = 0; i < m; i++) {
        double left = s[i] - (i ? s[i - 1] : low);
        double right = (i + 1 < m ? s[i + 1] : high) - s[i];
        out[i] = dmax(left, right);
    }
    if (!endpoints && m >= 2) {
        out[0] = s[1] - s[0];
        out[m - 1] = s[m - 1] - s[m - 2];
    }
}

/* A kernel's coefficient: weight over truncation mass (over sigma sqrt(2 pi) when
 * continuous, or sqrt(2 pi) alone with `weighted`, see sigma_weighted); and its peak: the
 * largest density (continuous) or a bound of its largest bin mass (binned). */
static void kernel_consts(const knob__tpe_axis *a, double mu, double sigma, double w, bool weighted,
                          double *coef, double *peak)
{
    double lz = knob__tpe_log_mass((a->low - mu) / sigma, (a->high - mu) / sigma);
    double z = lz == 0 ? 1 : exp(-lz);
    if (a->q > 0) {
        *coef = w * z;
        *peak = *coef * a->q / (sigma * SQRT_2PI);
    } else {
        *coef = w * z / (weighted ? SQRT_2PI : sigma * SQRT_2PI);
        *peak = *coef;
    }
}

/* The first p in [lo, hi) with mu[p] >= x. */
static size_t lower_bound(const double *mu, size_t lo, size_t hi, double x)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mu[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---------------------------------------------------------------- the fast Gauss transform */

/* Kernels that share the smallest bandwidth (the magic clip's floor, where most of a long
 * history sits) are summed by a fast Gauss transform: they are grouped in boxes one
 * sigma wide, each box keeps FGT_TERMS moments M_n = sum a (-v)^n / n! (v: a kernel's
 * offset from the box centre, in sigmas), and
 *     exp(-(t - v)^2 / 2) = sum_n (-v)^n / n! G_n(t),
 *     Phi(t - v) = Phi(t) + sum_{n >= 1} (-v)^n / n! G_{n-1}(t) / sqrt(2 pi),
 * with the Hermite functions G_0 = exp(-t^2 / 2), G_{n+1} = -t G_n - n G_{n-1}. A density
 * (or bin mass) then costs FGT_TERMS steps per nearby box instead of one exp() (or two
 * erfc()) per nearby kernel. With |v| <= 1/2 the truncation error is below 4e-12 of the
 * box's sum (Cramer's bound: 1.09 (1/2)^p / sqrt(p!)). */
#define FGT_TERMS 16
#define FGT_MIN 64                  /* fewer kernels than this are summed directly */
#define FGT_PER_BOX 4               /* and so are kernels sparser than this per box */
#define FGT_CLASS KNOB__TPE_CLASSES /* the class of the FGT's kernels */

static int fgt_reserve(knob__tpe_mix1 *m, size_t boxes)
{
    if (boxes <= m->box_cap)
        return KNOB__MATH_OK;
    double *b = malloc(boxes * (FGT_TERMS + 1) * sizeof *b);
    if (!b)
        return KNOB__MATH_ENOMEM;
    free(m->box_c);
    m->box_c = b;
    m->box_a = b + boxes;
    m->box_cap = boxes;
    return KNOB__MATH_OK;
}

/* row[k] += term v^k, k < FGT_TERMS: a kernel's power sums (its offset v in sigmas). */
static inline void add_powers(double *row, double term, double v)
{
    row[0] += term;
#ifdef __GNUC__
#pragma GCC unroll 16
#endif
    for (int k = 1; k < FGT_TERMS; k++) {
        term *= v;
        row[k] += term;
    }
}

/* Moments of the FGT's kernels (cls[i] == FGT_CLASS, all of bandwidth sigma), taken in mu
 * order (order[0..n)). */
static void fgt_build(knob__tpe_mix1 *m, const uint32_t *order, const uint32_t *cls, double sigma)
{
    const double *mu = m->obs_mu, *c = m->obs_a, *cb = c + m->cap;
    double top = 0, peak = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (cls[i] == FGT_CLASS) {
            top = dmax(top, c[i]);
            peak = dmax(peak, cb[i]);
        }
    }
    m->n_box = 0;
    if (!(top > 0))
        return;
    m->fgt_c0 = log(top);
    m->fgt_peak = log(peak);
    m->fgt_sigma = sigma;
    double box = -1, isig = 1 / sigma, itop = 1 / top;
    double *acc = m->box_a;
    for (size_t j = 0; j < m->n; j++) {
        uint32_t i = order[j];
        if (cls[i] != FGT_CLASS)
            continue;
        double b = (double)(int64_t)((mu[i] - m->ax.low) * isig); /* mu >= low */
        if (b != box) {
            box = b;
            m->box_c[m->n_box] = m->ax.low + (b + 0.5) * sigma;
            acc = m->box_a + m->n_box++ * FGT_TERMS;
            memset(acc, 0, FGT_TERMS * sizeof *acc);
        }
        /* Power sums first; divided by n! below, once per box. */
        add_powers(acc, c[i] * itop, (m->box_c[m->n_box - 1] - mu[i]) * isig);
    }
    double fact[FGT_TERMS];
    fact[0] = 1;
    for (int k = 1; k < FGT_TERMS; k++)
        fact[k] = fact[k - 1] / k;
    for (size_t b = 0; b < m->n_box; b++)
        for (int k = 0; k < FGT_TERMS; k++)
            m->box_a[b * FGT_TERMS + k] *= fact[k];
}

/* The boxes [*first, *last) whose kernels may matter at y (bins y +- half). */
static void fgt_window(const knob__tpe_mix1 *m, double y, double ref, double half, size_t *first,
                       size_t *last)
{
    double room = m->fgt_peak - ref + NEGLIGIBLE;
    *first = *last = 0;
    if (!m->n_box || room <= 0)
        return;
    double h = half + m->fgt_sigma * (sqrt(2 * room) + 0.5);
    *first = lower_bound(m->box_c, 0, m->n_box, y - h);
    *last = lower_bound(m->box_c, *first, m->n_box, y + h);
}

/* sum_n M_n G_n(t) of one box. */
static double hermite_density(const double *a, double t)
{
    double g0 = knob__exp_fast(-0.5 * t * t), g1 = -t * g0, s = a[0] * g0 + a[1] * g1;
    for (int k = 1; k + 1 < FGT_TERMS; k++) {
        double g2 = -t * g1 - k * g0;
        s += a[k + 1] * g2;
        g0 = g1;
        g1 = g2;
    }
    return s;
}

/* hermite_density of two boxes at once (the two recurrences interleave; each is computed
 * as hermite_density computes it). */
static void hermite_density2(const double *a, const double *b, double t, double u, double *sa,
                             double *sb)
{
    double g0 = knob__exp_fast(-0.5 * t * t), g1 = -t * g0, s = a[0] * g0 + a[1] * g1;
    double h0 = knob__exp_fast(-0.5 * u * u), h1 = -u * h0, r = b[0] * h0 + b[1] * h1;
    for (int k = 1; k + 1 < FGT_TERMS; k++) {
        double g2 = -t * g1 - k * g0, h2 = -u * h1 - k * h0;
        s += a[k + 1] * g2;
        r += b[k + 1] * h2;
        g0 = g1;
        g1 = g2;
        h0 = h1;
        h1 = h2;
    }
    *sa = s;
    *sb = r;
}

/* sum_{n >= 1} M_n G_{n-1}(t) of one box (the Hermite part of its CDF, times sqrt(2 pi)). */
static double hermite_cdf(const double *a, double t)
{
    double g0 = knob__exp_fast(-0.5 * t * t), g1 = -t * g0, s = a[1] * g0 + a[2] * g1;
    for (int k = 1; k + 2 < FGT_TERMS; k++) {
        double g2 = -t * g1 - k * g0;
        s += a[k + 2] * g2;
        g0 = g1;
        g1 = g2;
    }
    return s;
}

/* The FGT kernels' sum of exp(log term - ref) at y: densities, or bin masses. */
static double fgt_sum(const knob__tpe_mix1 *m, double y, double ref)
{
    double half = 0.5 * m->ax.q, total = 0, inv = 1 / m->fgt_sigma;
    size_t b, e;
    fgt_window(m, y, ref, half, &b, &e);
    if (half == 0) {
        for (; b + 1 < e; b += 2) {
            double s0, s1;
            hermite_density2(m->box_a + b * FGT_TERMS, m->box_a + (b + 1) * FGT_TERMS,
                             (y - m->box_c[b]) * inv, (y - m->box_c[b + 1]) * inv, &s0, &s1);
            total += s0;
            total += s1;
        }
        if (b < e)
            total += hermite_density(m->box_a + b * FGT_TERMS, (y - m->box_c[b]) * inv);
        return total * knob__exp_fast(m->fgt_c0 - ref);
    }
    for (; b < e; b++) {
        const double *a = m->box_a + b * FGT_TERMS;
        double t = (y - m->box_c[b]) * inv;
        double lo = t - half * inv, hi = t + half * inv;
        total +=
            a[0] * knob__tpe_mass(lo, hi) + (hermite_cdf(a, hi) - hermite_cdf(a, lo)) / SQRT_2PI;
    }
    return total * knob__exp_fast(m->fgt_c0 - ref);
}

/* How many boxes the kernels of bandwidth lo fill (order: all kernels by mu). */
static size_t boxes_of(const knob__tpe_mix1 *m, const uint32_t *order, const double *sig, double lo)
{
    size_t boxes = 0;
    double box = -1, isig = 1 / lo;
    for (size_t j = 0; j < m->n; j++) {
        uint32_t i = order[j];
        if (sig[i] != lo)
            continue;
        double b = (double)(int64_t)((m->scratch[i] - m->ax.low) * isig);
        boxes += b != box;
        box = b;
    }
    return boxes;
}

/* ---------------------------------------------------------------- bandwidth classes */

static void assign_classes(const double *sig, size_t n, double lo, bool fgt, uint32_t *cls,
                           size_t *count)
{
    for (size_t i = 0; i < n; i++) {
        int e;
        if (fgt && sig[i] == lo) {
            cls[i] = FGT_CLASS;
        } else {
            frexp(sig[i] / lo, &e); /* ratio in [2^(e-1), 2^e) */
            cls[i] = e - 1 < KNOB__TPE_CLASSES - 1 ? (uint32_t)(e > 0 ? e - 1 : 0)
                                                   : KNOB__TPE_CLASSES - 1;
        }
        count[cls[i]]++;
    }
}

/* Places the kernels summed directly (cls[i] < FGT_CLASS, count[k] of class k), taken in
 * mu order (order[0..n)), into m's classes, each sorted by mu, with each class's largest
 * bandwidth and peak. mu, sig, c (coefficient) and cb (peak) are by observation. */
static void place_classes(knob__tpe_mix1 *m, const uint32_t *order, size_t n, const uint32_t *cls,
                          const size_t *count, const double *mu, const double *sig, const double *c,
                          const double *cb)
{
    size_t at = 0, start[KNOB__TPE_CLASSES];
    m->n_class = 0;
    for (size_t k = 0; k < KNOB__TPE_CLASSES; k++) {
        start[k] = at;
        if (count[k])
            m->cls[m->n_class++] = (knob__tpe_class){at, at + count[k], 0, -INFINITY};
        at += count[k];
    }
    for (size_t j = 0; j < n; j++) {
        uint32_t i = order[j];
        if (cls[i] == FGT_CLASS)
            continue;
        size_t p = start[cls[i]]++;
        m->mu[p] = mu[i];
        m->sigma[p] = sig[i];
        m->isig[p] = 1 / sig[i];
        m->a[p] = c[i];
        m->ab[p] = cb[i];
    }
    for (size_t k = 0; k < m->n_class; k++) {
        knob__tpe_class *cl = &m->cls[k];
        double peak = 0;
        for (size_t p = cl->lo; p < cl->hi; p++) {
            cl->sig_hi = dmax(cl->sig_hi, m->sigma[p]);
            peak = dmax(peak, m->ab[p]);
        }
        cl->cb_hi = log(peak);
    }
}

/* Places the kernels summed directly, taken in mu order (order[0..n)), into bandwidth
 * classes, each sorted by mu; those at the bandwidth floor, when many, go to the fast
 * Gauss transform instead. The scratch arrays hold every kernel in observation order. */
static int mix1_classes(knob__tpe_mix1 *m, const uint32_t *order)
{
    size_t n = m->n, count[KNOB__TPE_CLASSES + 1] = {0};
    const double *sig = m->obs_sigma, *c = m->obs_a, *cb = c + m->cap;
    uint32_t *cls = m->idx + 2 * m->cap;
    double lo = INFINITY;
    size_t n_lo = 0;
    for (size_t i = 0; i < n; i++)
        lo = dmin(lo, sig[i]);
    for (size_t i = 0; i < n; i++)
        n_lo += sig[i] == lo;
    bool fgt = n_lo >= FGT_MIN && (m->ax.high - m->ax.low) / lo < 1e6 && /* boxes stay few */
               n_lo >= FGT_PER_BOX * boxes_of(m, order, sig, lo);
    if (fgt && fgt_reserve(m, (size_t)((m->ax.high - m->ax.low) / lo) + 2))
        return KNOB__MATH_ENOMEM;
    assign_classes(sig, n, lo, fgt, cls, count);
    place_classes(m, order, n, cls, count, m->obs_mu, sig, c, cb);
    m->n_box = 0;
    if (fgt)
        fgt_build(m, order, cls, lo);
    return KNOB__MATH_OK;
}

/* Merges n observations of a continuous axis into the cells of a grid of KNOB__TPE_CELLS
 * over the axis: one kernel per occupied cell, at the weighted mean of its observations,
 * with their summed weight. Returns the number of kernels (in m->cell_y, m->cell_w, in
 * the order of the cells), or SIZE_MAX when memory runs out. */
static size_t merge_cells(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                          const double *w, size_t n)
{
    if (!m->cell_y) {
        m->cell_y = malloc(2 * KNOB__TPE_CELLS * sizeof *m->cell_y);
        if (!m->cell_y)
            return SIZE_MAX;
        m->cell_w = m->cell_y + KNOB__TPE_CELLS;
    }
    double *sy = m->cell_y, *sw = m->cell_w, scale = KNOB__TPE_CELLS / (a->high - a->low);
    memset(sy, 0, 2 * KNOB__TPE_CELLS * sizeof *sy);
    for (size_t i = 0; i < n; i++) {
        double c = (y[i] - a->low) * scale;
        size_t j = c <= 0 ? 0 : c >= KNOB__TPE_CELLS - 1 ? KNOB__TPE_CELLS - 1 : (size_t)c;
        sy[j] += w[i] * y[i];
        sw[j] += w[i];
    }
    size_t k = 0;
    for (size_t j = 0; j < KNOB__TPE_CELLS; j++) {
        if (sw[j] > 0) {
            sy[k] = dmin(dmax(sy[j] / sw[j], a->low), a->high);
            sw[k++] = sw[j];
        }
    }
    return k;
}

static int mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y, const double *w,
                    size_t n, size_t n_obs, const knob__tpe_settings *set);

int knob__tpe_mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y, const double *w,
                       size_t n, const knob__tpe_settings *set)
{
    size_t merge_min = set->merge_min ? set->merge_min : KNOB__TPE_MERGE_MIN;
    if (n <= merge_min || a->q > 0 || !(a->high > a->low))
        return mix1_fit(m, a, y, w, n, n, set);
    size_t k = merge_cells(m, a, y, w, n);
    if (k == SIZE_MAX)
        return KNOB__MATH_ENOMEM;
    return mix1_fit(m, a, m->cell_y, m->cell_w, k, n, set);
}

int knob__tpe_mix1_fit_merged(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                              const double *w, size_t k, size_t n_obs,
                              const knob__tpe_settings *set)
{
    return mix1_fit(m, a, y, w, k, n_obs, set);
}

/* The fit of n kernels standing for n_obs observations (their count sets the clip). */
static int mix1_fit(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y, const double *w,
                    size_t n, size_t n_obs, const knob__tpe_settings *set)
{
    size_t k = n + 1;     /* the kernels and the prior, which is index n */
    ramp_forget(m->ramp); /* what knob__tpe_mix1_fit_ramp noted is not m's fit any more */
    if (mix1_reserve(m, k))
        return KNOB__MATH_ENOMEM;
    double *mu = m->scratch, *sig = mu + m->cap, *c = sig + m->cap, *cb = c + m->cap;
    double *sorted = cb + m->cap;
    uint32_t *order = m->idx, *tmp = order + m->cap;
    double range = a->high - a->low, total = set->prior_weight;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    m->ax = *a;
    m->n = n;
    memcpy(mu, y, n * sizeof *mu);
    mu[n] = 0.5 * (a->low + a->high);
    for (size_t i = 0; i < k; i++)
        order[i] = (uint32_t)i;
    sort_by_key(mu, order, m->keys, m->keys + m->cap, tmp, k);
    for (size_t i = 0; i < k; i++)
        sorted[i] = mu[order[i]];
    neighbour_sigmas(sorted, k, a->low, a->high, set->consider_endpoints, c);
    double lo =
        set->magic_clip ? range * dmax(set->min_bandwidth, 1.0 / (2.0 + (double)n_obs)) : EPS;
    for (size_t i = 0; i < k; i++)
        sig[order[i]] = dmin(dmax(c[i], lo), range);
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        double wn = w[i] / total;
        m->cum[i] = (acc += wn);
        kernel_consts(a, mu[i], sig[i], wn, set->sigma_weighted, &c[i], &cb[i]);
    }
    m->obs_mu = mu;
    m->obs_sigma = sig;
    m->obs_a = c;
    m->prior_mu = mu[n];
    m->prior_sigma = range;
    m->prior_w = set->prior_weight / total;
    double coef, unused;
    kernel_consts(a, m->prior_mu, range, m->prior_w, set->sigma_weighted, &coef, &unused);
    m->prior_c = log(coef);
    size_t j = 0;
    for (size_t i = 0; i < k; i++)
        if (order[i] != n)
            order[j++] = order[i];
    return mix1_classes(m, order);
}

/* ---------------------------------------------------------------- a fit that extends the last */

#define RAMP_FLAT 25 /* the newest observations, of weight 1 (knob__tpe_default_weights) */
#define RAMP_REFIT 1 /* ramp_extend: fit from scratch */

struct knob__tpe_ramp {
    knob__tpe_axis ax;
    knob__tpe_settings set;
    double lo;            /* the bandwidth floor, the transform's kernels' */
    size_t n, cap;        /* observations (0: nothing noted) */
    bool kept;            /* the fields below are set (else only y: ramp_note) */
    double *y, *sig, *z;  /* by observation: centre, bandwidth, 1 / truncation mass */
    uint32_t *sorted;     /* observations by (y, index) */
    uint8_t *at_floor;    /* its bandwidth is the floor: it is in the transform */
    size_t ramp;          /* observations [0, ramp) are summed in s0 and s1 */
    size_t n_lo, used;    /* kernels at the floor, boxes holding one */
    size_t n_box;         /* boxes of width lo over the axis */
    double *s0, *s1, *fl; /* n_box x FGT_TERMS: sums of z v^k, z i v^k, the newest's z v^k */
    uint32_t *count;      /* kernels at the floor per box */
    uint8_t *touched;     /* per box: fl's row holds the newest's sums (scratch) */
    double zmax;          /* the largest z at the floor */
};

static void ramp_free(struct knob__tpe_ramp *r)
{
    if (!r)
        return;
    free(r->y);
    free(r->sorted);
    free(r->at_floor);
    free(r->s0);
    free(r->count);
    free(r);
}

static void ramp_forget(struct knob__tpe_ramp *r)
{
    if (r)
        r->n = 0;
}

/* Room for n observations and n_box boxes. The observations' block is grown last, so that
 * a failure leaves the kept ones where they were. */
static int ramp_reserve(struct knob__tpe_ramp *r, size_t n, size_t n_box)
{
    if (n > r->cap) {
        size_t cap = n + n / 2;
        uint32_t *s = realloc(r->sorted, cap * sizeof *s);
        if (!s)
            return KNOB__MATH_ENOMEM;
        r->sorted = s;
        uint8_t *f = realloc(r->at_floor, cap);
        if (!f)
            return KNOB__MATH_ENOMEM;
        r->at_floor = f;
        double *d = realloc(r->y, 3 * cap * sizeof *d);
        if (!d)
            return KNOB__MATH_ENOMEM;
        /* y, sig and z in one block: sig and z move up with it */
        if (r->n) {
            memmove(d + 2 * cap, d + 2 * r->cap, r->n * sizeof *d);
            memmove(d + cap, d + r->cap, r->n * sizeof *d);
        }
        r->y = d;
        r->sig = d + cap;
        r->z = d + 2 * cap;
        r->cap = cap;
    }
    if (n_box > r->n_box || !r->s0) {
        uint32_t *c = realloc(r->count, n_box * (sizeof *c + 1));
        if (!c)
            return KNOB__MATH_ENOMEM;
        r->count = c;
        double *b = realloc(r->s0, 3 * n_box * FGT_TERMS * sizeof *b);
        if (!b)
            return KNOB__MATH_ENOMEM;
        r->s0 = b;
    }
    r->touched = (uint8_t *)(r->count + n_box);
    r->n_box = n_box;
    r->s1 = r->s0 + n_box * FGT_TERMS;
    r->fl = r->s1 + n_box * FGT_TERMS;
    return KNOB__MATH_OK;
}

static bool same_axis(const knob__tpe_axis *a, const knob__tpe_axis *b)
{
    return a->low == b->low && a->high == b->high && a->q == b->q && a->log == b->log &&
           a->n_choices == b->n_choices && a->min == b->min && a->max == b->max &&
           a->step == b->step && a->integer == b->integer;
}

static bool same_settings(const knob__tpe_settings *a, const knob__tpe_settings *b)
{
    return a->consider_endpoints == b->consider_endpoints && a->magic_clip == b->magic_clip &&
           a->sigma_weighted == b->sigma_weighted && a->min_bandwidth == b->min_bandwidth &&
           a->merge_min == b->merge_min;
}

/* The box of a kernel at the floor, as fgt_build places it. */
static size_t ramp_box(const struct knob__tpe_ramp *r, double mu)
{
    return (size_t)(int64_t)((mu - r->ax.low) * (1 / r->lo));
}

/* Adds observation i's power sums z v^k to row (times `times`, the row's own factor). */
static void ramp_add(const struct knob__tpe_ramp *r, double *row, size_t i, double times)
{
    double isig = 1 / r->lo, b = (double)(int64_t)((r->y[i] - r->ax.low) * isig);
    double v = (r->ax.low + (b + 0.5) * r->lo - r->y[i]) * isig;
    add_powers(row + (size_t)b * FGT_TERMS, r->z[i] * times, v);
}

/* Observation i joins the transform (its bandwidth is the floor). */
static void ramp_join(struct knob__tpe_ramp *r, size_t i)
{
    r->at_floor[i] = 1;
    r->n_lo++;
    if (!r->count[ramp_box(r, r->y[i])]++)
        r->used++;
    r->zmax = dmax(r->zmax, r->z[i]);
    if (i < r->ramp) {
        ramp_add(r, r->s0, i, 1);
        ramp_add(r, r->s1, i, (double)i);
    }
}

/* 1 / the truncation mass of a kernel (kernel_consts' z). */
static double inv_mass(const knob__tpe_axis *a, double mu, double sigma)
{
    double lz = knob__tpe_log_mass((a->low - mu) / sigma, (a->high - mu) / sigma);
    return lz == 0 ? 1 : exp(-lz);
}

/* The bandwidth of the observation at sorted position q of n, by the neighbour rule of
 * mix1_fit, the prior's centre among the centres. */
static double ramp_sigma(const struct knob__tpe_ramp *r, size_t q, size_t n)
{
    const knob__tpe_axis *a = &r->ax;
    double prior = 0.5 * (a->low + a->high);
    size_t pp = 0, hi = n; /* the prior's position: after every centre <= its own */
    while (pp < hi) {
        size_t mid = pp + (hi - pp) / 2;
        if (r->y[r->sorted[mid]] <= prior)
            pp = mid + 1;
        else
            hi = mid;
    }
#define AT(k) ((k) < pp ? r->y[r->sorted[k]] : (k) == pp ? prior : r->y[r->sorted[(k)-1]])
    size_t qm = q + (q >= pp), m = n + 1;
    double s = AT(qm), left = s - (qm ? AT(qm - 1) : a->low);
    double right = (qm + 1 < m ? AT(qm + 1) : a->high) - s, out = dmax(left, right);
    if (!r->set.consider_endpoints) {
        if (qm == 0)
            out = AT(1) - AT(0);
        else if (qm == m - 1)
            out = AT(m - 1) - AT(m - 2);
    }
#undef AT
    return dmin(dmax(out, r->lo), a->high - a->low);
}

/* Notes the fit just made from scratch of n observations y[]: a next fit that extends them
 * keeps it (ramp_keep) before extending it. Without the memory for it nothing is noted (the
 * fit itself stands; the next fits from scratch). */
static void ramp_note(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y, size_t n,
                      const knob__tpe_settings *set, double lo)
{
    if (!m->ramp && !(m->ramp = calloc(1, sizeof *m->ramp)))
        return;
    struct knob__tpe_ramp *r = m->ramp;
    r->n = 0;
    r->kept = false;
    if (!m->n_box || m->fgt_sigma != lo || /* no transform: nothing to keep */
        ramp_reserve(r, n, (size_t)((a->high - a->low) / lo) + 2))
        return;
    r->ax = *a;
    r->set = *set;
    r->lo = lo;
    memcpy(r->y, y, n * sizeof *y);
    r->n = n;
}

/* Keeps the noted fit, still m's (mix1_fit's arrays), for the next to extend: its
 * bandwidths, sorted order, truncation masses and the transform's sums per box. */
static void ramp_keep(const knob__tpe_mix1 *m, struct knob__tpe_ramp *r)
{
    size_t n = r->n, ramp = n - RAMP_FLAT;
    double lo_w = 1.0 / (double)n, step = (1 - lo_w) / (double)(ramp - 1);
    double total = r->set.prior_weight;
    for (size_t i = 0; i < n; i++) /* knob__tpe_default_weights(n), summed as mix1_fit */
        total += i + 1 < ramp ? (double)i * step + lo_w : 1;
    memcpy(r->sig, m->obs_sigma, n * sizeof *r->sig);
    memcpy(r->sorted, m->idx, n * sizeof *r->sorted);
    for (size_t i = 0; i < n; i++) { /* kernel_consts' coefficient, undone */
        double wn = (i + 1 < ramp ? (double)i * step + lo_w : 1) / total;
        r->z[i] = m->obs_a[i] * (r->set.sigma_weighted ? SQRT_2PI : r->sig[i] * SQRT_2PI) / wn;
    }
    memset(r->s0, 0, 2 * r->n_box * FGT_TERMS * sizeof *r->s0);
    memset(r->count, 0, r->n_box * sizeof *r->count);
    memset(r->at_floor, 0, n);
    r->n_lo = r->used = 0;
    r->zmax = 0;
    r->ramp = ramp;
    for (size_t i = 0; i < n; i++)
        if (r->sig[i] == r->lo)
            ramp_join(r, i);
    r->kept = true;
}

/* Observation i's bandwidth is now s. RAMP_REFIT when it would leave the transform. */
static int ramp_resize(struct knob__tpe_ramp *r, size_t i, double s)
{
    if (r->sig[i] == s)
        return KNOB__MATH_OK;
    if (r->at_floor[i])
        return RAMP_REFIT; /* (bandwidths only shrink as kernels are added) */
    r->sig[i] = s;
    r->z[i] = inv_mass(&r->ax, r->y[i], s);
    if (s == r->lo)
        ramp_join(r, i);
    return KNOB__MATH_OK;
}

/* Places observation k of value v among the kept ones (r->n of them): those from k on move
 * up one index (k < r->n: one that moved over from the other side, in time order; else a
 * new one). RAMP_REFIT when the kept sums cannot follow. */
static int ramp_place(struct knob__tpe_ramp *r, size_t k, double v)
{
    size_t n = r->n;
    if (k < n) {
        memmove(r->y + k + 1, r->y + k, (n - k) * sizeof *r->y);
        memmove(r->sig + k + 1, r->sig + k, (n - k) * sizeof *r->sig);
        memmove(r->z + k + 1, r->z + k, (n - k) * sizeof *r->z);
        memmove(r->at_floor + k + 1, r->at_floor + k, n - k);
        for (size_t q = 0; q < n; q++)
            r->sorted[q] += r->sorted[q] >= k;
        if (k < r->ramp) {         /* the ramp's kernels from k on: each index one more */
            if (k < r->ramp / 2) { /* s1 += s0 - (the sums over those before k) */
                double *pre = r->fl;
                memset(pre, 0, r->n_box * FGT_TERMS * sizeof *pre);
                for (size_t i = 0; i < k; i++)
                    if (r->at_floor[i])
                        ramp_add(r, pre, i, 1);
                for (size_t j = 0; j < r->n_box * FGT_TERMS; j++)
                    r->s1[j] += r->s0[j] - pre[j];
            } else {
                for (size_t i = k + 1; i <= r->ramp; i++)
                    if (r->at_floor[i])
                        ramp_add(r, r->s1, i, 1);
            }
            r->ramp++; /* the sums hold [0, ramp) but k, which ramp_join adds */
        }
    }
    r->y[k] = v;
    r->sig[k] = NAN;
    r->at_floor[k] = 0;
    size_t p = 0, hi = n; /* by (centre, index), as the stable sort */
    while (p < hi) {
        size_t mid = p + (hi - p) / 2, i = r->sorted[mid];
        if (r->y[i] < v || (r->y[i] == v && i < k))
            p = mid + 1;
        else
            hi = mid;
    }
    memmove(r->sorted + p + 1, r->sorted + p, (n - p) * sizeof *r->sorted);
    r->sorted[p] = (uint32_t)k;
    r->n = n + 1;
    for (size_t q = p ? p - 1 : 0; q <= p + 1 && q <= n; q++)
        if (ramp_resize(r, r->sorted[q], ramp_sigma(r, q, n + 1)))
            return RAMP_REFIT;
    return KNOB__MATH_OK;
}

/* The kept fit's observations become y[0 .. n): the kept ones with y[ins] placed among
 * them (ins < SIZE_MAX), then the new ones. RAMP_REFIT when the kept sums cannot give
 * the new fit. */
static int ramp_extend(struct knob__tpe_ramp *r, const double *y, size_t n, size_t ins)
{
    if (ramp_reserve(r, n, r->n_box))
        return KNOB__MATH_ENOMEM;
    int rc = ins < SIZE_MAX ? ramp_place(r, ins, y[ins]) : KNOB__MATH_OK;
    for (size_t j = r->n; j < n && !rc; j++)
        rc = ramp_place(r, j, y[j]);
    if (rc)
        return rc;
    for (size_t i = r->ramp; i < n - RAMP_FLAT; i++) {
        if (r->at_floor[i]) {
            ramp_add(r, r->s0, i, 1);
            ramp_add(r, r->s1, i, (double)i);
        }
    }
    r->ramp = n - RAMP_FLAT;
    return r->n_lo >= FGT_MIN && r->n_lo >= FGT_PER_BOX * r->used ? KNOB__MATH_OK : RAMP_REFIT;
}

/* The mixture of the kept observations with knob__tpe_default_weights(n), into m. */
static int ramp_apply(knob__tpe_mix1 *m, struct knob__tpe_ramp *r)
{
    size_t n = r->n, ramp = r->ramp;
    const knob__tpe_axis *a = &r->ax;
    bool weighted = r->set.sigma_weighted;
    if (mix1_reserve(m, n + 1) || fgt_reserve(m, r->n_box))
        return KNOB__MATH_ENOMEM;
    double lo_w = 1.0 / (double)n, step = (1 - lo_w) / (double)(ramp - 1);
#define W(i) ((i) < ramp - 1 ? (double)(i)*step + lo_w : 1.0)
    /* the ramp's sum, the last of it 1, and the newest ones */
    double rm = (double)(ramp - 1), total = r->set.prior_weight;
    total += rm * lo_w + step * rm * (rm - 1) / 2 + 1 + (double)(n - ramp);
    double acc = 0, it = 1 / total;
    for (size_t i = 0; i + 1 < ramp; i++)
        m->cum[i] = (acc += ((double)i * step + lo_w) * it);
    for (size_t i = ramp - 1; i < n; i++)
        m->cum[i] = (acc += it);
    m->ax = *a;
    m->n = n;
    m->obs_mu = r->y;
    m->obs_sigma = r->sig;
    m->obs_a = NULL;
    m->prior_mu = 0.5 * (a->low + a->high);
    m->prior_sigma = a->high - a->low;
    m->prior_w = r->set.prior_weight / total;
    double coef, unused;
    kernel_consts(a, m->prior_mu, m->prior_sigma, m->prior_w, weighted, &coef, &unused);
    m->prior_c = log(coef);
    /* the kernels above the floor, summed directly, in classes as mix1_classes makes them */
    size_t count[KNOB__TPE_CLASSES + 1] = {0};
    uint32_t *cls = m->idx + 2 * m->cap;
    double *c = m->scratch + 2 * m->cap; /* free: the observations are r's */
    for (size_t i = 0; i < n; i++)
        if (!r->at_floor[i])
            c[i] = W(i) * it * r->z[i] / (weighted ? SQRT_2PI : r->sig[i] * SQRT_2PI);
    assign_classes(r->sig, n, r->lo, true, cls, count); /* at the floor: sig == lo */
    place_classes(m, r->sorted, n, cls, count, r->y, r->sig, c, c);
    /* the transform: the ramp's sums at this n's weights, plus the newest kernels' */
    double *fl = r->fl, fact[FGT_TERMS], iz = 1 / r->zmax;
    uint8_t *touched = r->touched;
    memset(touched, 0, r->n_box);
    for (size_t i = ramp; i < n; i++) {
        size_t b = ramp_box(r, r->y[i]);
        if (r->at_floor[i] && !touched[b]) {
            touched[b] = 1;
            memset(fl + b * FGT_TERMS, 0, FGT_TERMS * sizeof *fl);
        }
    }
    for (size_t i = ramp; i < n; i++)
        if (r->at_floor[i])
            ramp_add(r, fl, i, 1);
    fact[0] = iz;
    for (int k = 1; k < FGT_TERMS; k++)
        fact[k] = fact[k - 1] / k;
    m->n_box = 0;
    for (size_t b = 0; b < r->n_box; b++) {
        if (!r->count[b])
            continue;
        const double *s0 = r->s0 + b * FGT_TERMS, *s1 = r->s1 + b * FGT_TERMS;
        const double *f = fl + b * FGT_TERMS;
        double *out = m->box_a + m->n_box * FGT_TERMS;
        m->box_c[m->n_box++] = a->low + ((double)b + 0.5) * r->lo;
        for (int k = 0; k < FGT_TERMS; k++)
            out[k] = (lo_w * s0[k] + step * s1[k]) * fact[k];
        if (touched[b])
            for (int k = 0; k < FGT_TERMS; k++)
                out[k] += f[k] * fact[k];
    }
#undef W
    double top = r->zmax / (total * (weighted ? SQRT_2PI : r->lo * SQRT_2PI));
    m->fgt_c0 = m->fgt_peak = log(top);
    m->fgt_sigma = r->lo;
    return KNOB__MATH_OK;
}

int knob__tpe_mix1_fit_ramp(knob__tpe_mix1 *m, const knob__tpe_axis *a, const double *y,
                            const double *w, size_t n, const knob__tpe_settings *set)
{
    size_t merge_min = set->merge_min ? set->merge_min : KNOB__TPE_MERGE_MIN;
    struct knob__tpe_ramp *r = m->ramp;
    if (a->q > 0 || a->n_choices || !(a->high > a->low) || n > merge_min || n <= RAMP_FLAT + 1 ||
        !set->magic_clip) {
        ramp_forget(r); /* (mix1_fit forgets too, but a merge may fail before it) */
        return knob__tpe_mix1_fit(m, a, y, w, n, set);
    }
    double lo = (a->high - a->low) * dmax(set->min_bandwidth, 1.0 / (2.0 + (double)n));
    /* y[] is the noted observations followed by new ones, or with one placed among them
     * (the good side's last, moved over) and new ones after */
    size_t k = 0, ins = SIZE_MAX;
    bool extends =
        r && r->n && r->n < n && r->lo == lo && same_axis(&r->ax, a) && same_settings(&r->set, set);
    while (extends && k < r->n && memcmp(&r->y[k], &y[k], sizeof *y) == 0)
        k++;
    if (extends && k < r->n) {
        ins = k;
        extends = memcmp(r->y + k, y + k + 1, (r->n - k) * sizeof *y) == 0;
    }
    if (extends) {
        /* the noted fit is m's until a fit replaces it: this one, or ramp_apply's */
        if (!r->kept)
            ramp_keep(m, r);
        r->set.prior_weight = set->prior_weight;
        int rc = ramp_extend(r, y, n, ins);
        if (rc == KNOB__MATH_OK)
            rc = ramp_apply(m, r);
        if (rc != RAMP_REFIT) {
            if (rc) /* out of memory: what is kept may be half done */
                r->n = 0;
            return rc;
        }
    }
    int rc = mix1_fit(m, a, y, w, n, n, set);
    if (!rc)
        ramp_note(m, a, y, n, set, lo);
    return rc;
}

double knob__tpe_mix1_sample(const knob__tpe_mix1 *m, knob_rng *r)
{
    double u = knob_rng_uniform(r), mu = m->prior_mu, sigma = m->prior_sigma;
    if (m->n && u < m->cum[m->n - 1]) {
        size_t lo = 0, hi = m->n - 1; /* the first p with cum[p] > u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        mu = m->obs_mu[lo];
        sigma = m->obs_sigma[lo];
    }
    double a = (m->ax.low - mu) / sigma, b = (m->ax.high - mu) / sigma;
    double y = mu + sigma * knob__tpe_truncnorm(a, b, knob_rng_uniform(r));
    return dmin(dmax(y, m->ax.low), m->ax.high);
}

/* Sum over the kernels of a continuous mixture of exp(log term - ref). */
static double sum_continuous(const knob__tpe_mix1 *m, double y, double ref)
{
    double sum0 = 0, sum1 = 0;
    for (size_t k = 0; k < m->n_class; k++) {
        const knob__tpe_class *cl = &m->cls[k];
        double room = cl->cb_hi - ref + NEGLIGIBLE;
        if (room <= 0)
            continue;
        double h = cl->sig_hi * sqrt(2 * room);
        size_t lo = lower_bound(m->mu, cl->lo, cl->hi, y - h);
        size_t hi = lower_bound(m->mu, lo, cl->hi, y + h);
        const double *mu = m->mu, *is = m->isig, *a = m->a;
        size_t p = lo;
        for (; p + 1 < hi; p += 2) {
            double t0 = (y - mu[p]) * is[p], t1 = (y - mu[p + 1]) * is[p + 1];
            sum0 += a[p] * knob__exp_fast(-0.5 * t0 * t0 - ref);
            sum1 += a[p + 1] * knob__exp_fast(-0.5 * t1 * t1 - ref);
        }
        if (p < hi) {
            double t = (y - mu[p]) * is[p];
            sum0 += a[p] * knob__exp_fast(-0.5 * t * t - ref);
        }
    }
    return sum0 + sum1;
}

/* The same for bins [y - q/2, y + q/2] clipped to the axis. */
static double sum_binned(const knob__tpe_mix1 *m, double y, double ref)
{
    double sum = 0, half = 0.5 * m->ax.q, scale = knob__exp_fast(-ref);
    double lo = dmax(y - half, m->ax.low), hi = dmin(y + half, m->ax.high);
    for (size_t k = 0; k < m->n_class; k++) {
        const knob__tpe_class *cl = &m->cls[k];
        double room = cl->cb_hi - ref + NEGLIGIBLE;
        if (room <= 0)
            continue;
        double h = half + cl->sig_hi * sqrt(2 * room);
        for (size_t p = lower_bound(m->mu, cl->lo, cl->hi, y - h); p < cl->hi; p++) {
            double d = y - m->mu[p];
            if (d < -h)
                break;
            double t = dmax(0, fabs(d) - half) * m->isig[p];
            if (m->ab[p] * knob__exp_fast(-0.5 * t * t - ref) <= TINY)
                continue;
            double s = m->sigma[p];
            sum += m->a[p] * scale * knob__tpe_mass((lo - m->mu[p]) / s, (hi - m->mu[p]) / s);
        }
    }
    return sum;
}

double knob__tpe_mix1_logpdf(const knob__tpe_mix1 *m, double y)
{
    double s = m->prior_sigma, ref;
    if (m->ax.q > 0) {
        double half = 0.5 * m->ax.q;
        double lo = dmax(y - half, m->ax.low), hi = dmin(y + half, m->ax.high);
        ref = m->prior_c + knob__tpe_log_mass((lo - m->prior_mu) / s, (hi - m->prior_mu) / s);
        return ref + log1p(sum_binned(m, y, ref) + fgt_sum(m, y, ref));
    }
    double t = (y - m->prior_mu) / s;
    ref = m->prior_c - 0.5 * t * t;
    return ref + log1p(sum_continuous(m, y, ref) + fgt_sum(m, y, ref));
}

/* ---------------------------------------------------------------- one categorical param */

/* The categorical fit of n kernels standing for n_obs observations (their count sets the
 * smoothing). */
static void cat_fit(double *p, size_t n_choices, const double *y, const double *w, size_t n,
                    size_t n_obs, const knob__tpe_settings *set)
{
    double total = set->prior_weight, v = set->smoothing / (double)(n_obs + 1);
    double row = 1 + (double)n_choices * v; /* a kernel's row sum before normalizing */
    for (size_t i = 0; i < n; i++)
        total += w[i];
    double base = set->prior_weight / total / (double)n_choices, wsum = 0;
    for (size_t c = 0; c < n_choices; c++)
        p[c] = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w[i] / total;
        size_t c = (size_t)y[i];
        if (c < n_choices)
            p[c] += wi / row;
        wsum += wi;
    }
    for (size_t c = 0; c < n_choices; c++)
        p[c] += base + wsum * v / row;
}

void knob__tpe_cat_fit(double *p, size_t n_choices, const double *y, const double *w, size_t n,
                       const knob__tpe_settings *set)
{
    cat_fit(p, n_choices, y, w, n, n, set);
}

void knob__tpe_cat_fit_merged(double *p, size_t n_choices, const double *y, const double *w,
                              size_t k, size_t n_obs, const knob__tpe_settings *set)
{
    cat_fit(p, n_choices, y, w, k, n_obs, set);
}

size_t knob__tpe_cat_sample(const double *p, size_t n_choices, knob_rng *r)
{
    double u = knob_rng_uniform(r), acc = 0, total = 0;
    for (size_t c = 0; c < n_choices; c++)
        total += p[c];
    u *= total;
    for (size_t c = 0; c + 1 < n_choices; c++) {
        acc += p[c];
        if (u < acc)
            return c;
    }
    return n_choices - 1;
}
