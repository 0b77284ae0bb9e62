/* Joint Parzen estimators of the multivariate TPE (see tpe_parzen.h): product kernels,
 * one bandwidth per axis. A density evaluation stops a kernel as soon as the axes left
 * cannot lift it above e^-40 of the prior's; the bin masses of binned axes come from a
 * table by offset, since kernels and points sit on the grid. */
#include "math/tpe_parzen.h"
#include "math/tpe_normal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12
#define NEGLIGIBLE 40.0 /* terms below exp(-NEGLIGIBLE) of the prior's are dropped */
#define LOG_SQRT_2PI KNOB__TPE_LOG_SQRT_2PI

static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------- several params jointly */

static int mixn_reserve(knob__tpe_mixn *m, size_t n, size_t d)
{
    if (n > m->cap_n || d > m->cap_d) {
        size_t cn = n > m->cap_n ? n + n / 2 + 16 : m->cap_n;
        size_t cd = d > m->cap_d ? d : m->cap_d;
        double *nd = malloc((cn * (2 * cd + 2) + 6 * cd + 1) * sizeof *nd);
        size_t *order = malloc(3 * cd * sizeof *order);
        int32_t *gi = malloc(cn * cd * sizeof *gi);
        if (!nd || !order || !gi) {
            free(nd);
            free(order);
            free(gi);
            return KNOB__MATH_ENOMEM;
        }
        double *tab = m->tab;
        size_t cap_tab = m->cap_tab;
        m->tab = NULL;
        knob__tpe_mixn_free(m);
        m->y = nd;
        m->order = order;
        m->tab_off = order + cd;
        m->tab_len = order + 2 * cd;
        m->gi = gi;
        m->tab = tab;
        m->cap_tab = cap_tab;
        m->cap_n = cn;
        m->cap_d = cd;
    }
    m->logz = m->y + m->cap_n * m->cap_d;
    m->lw = m->logz + m->cap_n * m->cap_d;
    m->cum = m->lw + m->cap_n;
    m->sigma = m->cum + m->cap_n;
    m->prior_logz = m->sigma + m->cap_d;
    m->hit = m->prior_logz + m->cap_d;
    m->miss = m->hit + m->cap_d;
    m->ub = m->miss + m->cap_d; /* d + 1 */
    return KNOB__MATH_OK;
}

void knob__tpe_mixn_free(knob__tpe_mixn *m)
{
    free(m->y);
    free(m->order);
    free(m->gi);
    free(m->tab);
    memset(m, 0, sizeof *m);
}

static int axis_cost(const knob__tpe_axis *a)
{
    return a->n_choices ? 1 : a->q > 0 ? 2 : 0;
}

/* Axes in order of cost (continuous, categorical, binned), and for each position the
 * upper bound of the log density of the axes from there on. */
static void mixn_order(knob__tpe_mixn *m)
{
    size_t at = 0;
    for (int cost = 0; cost < 3; cost++)
        for (size_t j = 0; j < m->d; j++)
            if (axis_cost(&m->ax[j]) == cost)
                m->order[at++] = j;
    m->ub[m->d] = 0;
    for (size_t p = m->d; p-- > 0;) {
        size_t j = m->order[p];
        const knob__tpe_axis *a = &m->ax[j];
        double bound = m->hit[j];
        if (!a->n_choices) {
            double lz = 0;
            for (size_t i = 0; i < m->n; i++)
                lz = dmin(lz, m->logz[i * m->d + j]);
            double peak = -log(m->sigma[j]) - LOG_SQRT_2PI;
            bound = -lz + (a->q > 0 ? dmin(0, log(a->q) + peak) : m->hit[j]);
        }
        m->ub[p] = m->ub[p + 1] + bound;
    }
}

static void mixn_axes(knob__tpe_mixn *m, const knob__tpe_settings *set)
{
    size_t n = m->n, d = m->d;
    double s0 = 0.2 * pow(n ? (double)n : 1.0, -1.0 / ((double)d + 4));
    double v = set->smoothing / (double)(n + 1);
    for (size_t j = 0; j < d; j++) {
        const knob__tpe_axis *a = &m->ax[j];
        if (a->n_choices) {
            double row = log1p((double)a->n_choices * v);
            m->hit[j] = log1p(v) - row;
            m->miss[j] = log(v) - row;
            continue;
        }
        double range = a->high - a->low;
        double lo =
            set->magic_clip ? range * dmax(set->min_bandwidth, 1.0 / (2.0 + (double)n)) : EPS;
        double s = m->sigma[j] = dmin(dmax(s0 * range, lo), range);
        /* the peak of a continuous kernel */
        m->hit[j] = -(set->sigma_weighted ? 0 : log(s)) - LOG_SQRT_2PI;
        for (size_t i = 0; i < n; i++) {
            double mu = m->y[i * d + j];
            m->logz[i * d + j] = knob__tpe_log_mass((a->low - mu) / s, (a->high - mu) / s);
        }
        m->prior_logz[j] = knob__tpe_log_mass(-0.5, 0.5);
    }
}

#define TABLE_MAX 16384 /* binned axes with more values are not tabulated */

/* The log masses of one binned axis's bins at 0, 1, 2 ... steps from a kernel of
 * bandwidth s (r = step / s), from upper-tail differences, accurate far out. */
static void mass_table(double *t, size_t len, double r)
{
    double prev = knob__tpe_ndtr_neg(-0.5 * r);
    t[0] = log1p(-2 * prev);
    for (size_t k = 1; k < len; k++) {
        double next = knob__tpe_ndtr_neg(-((double)k + 0.5) * r);
        t[k] = log(prev - next);
        prev = next;
    }
}

/* Tables of bin masses for the binned axes (the kernels there sit on the grid). */
static int mixn_tables(knob__tpe_mixn *m)
{
    size_t need = 0, d = m->d;
    for (size_t j = 0; j < d; j++) {
        const knob__tpe_axis *a = &m->ax[j];
        double bins = a->q > 0 ? round((a->high - a->low) / a->q) : 0;
        m->tab_off[j] = SIZE_MAX;
        m->tab_len[j] = bins > 0 && bins <= TABLE_MAX ? (size_t)bins : 0;
        need += m->tab_len[j];
    }
    if (need > m->cap_tab) {
        double *t = realloc(m->tab, need * sizeof *t);
        if (!t)
            return KNOB__MATH_ENOMEM;
        m->tab = t;
        m->cap_tab = need;
    }
    size_t off = 0;
    for (size_t j = 0; j < d; j++) {
        const knob__tpe_axis *a = &m->ax[j];
        if (!m->tab_len[j])
            continue;
        m->tab_off[j] = off;
        mass_table(m->tab + off, m->tab_len[j], a->q / m->sigma[j]);
        off += m->tab_len[j];
        double first = a->low + 0.5 * a->q;
        for (size_t i = 0; i < m->n; i++) {
            double g = (m->y[i * d + j] - first) / a->q, r = round(g);
            m->gi[i * d + j] = fabs(g - r) < 1e-6 ? (int32_t)r : -1;
        }
    }
    return KNOB__MATH_OK;
}

int knob__tpe_mixn_fit(knob__tpe_mixn *m, const knob__tpe_axis *ax, size_t d, const double *y,
                       const double *w, size_t n, const knob__tpe_settings *set)
{
    if (mixn_reserve(m, n ? n : 1, d))
        return KNOB__MATH_ENOMEM;
    m->ax = ax;
    m->d = d;
    m->n = n;
    memcpy(m->y, y, n * d * sizeof *y);
    double total = set->prior_weight, acc = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    for (size_t i = 0; i < n; i++) {
        m->lw[i] = log(w[i] / total);
        m->cum[i] = (acc += w[i] / total);
    }
    m->log_prior_w = log(set->prior_weight / total);
    m->weighted = set->sigma_weighted;
    mixn_axes(m, set);
    mixn_order(m);
    return mixn_tables(m);
}

static double sample_choice(const knob__tpe_axis *a, double hit, double miss, double own, double u)
{
    /* A kernel's row: exp(hit) on its own choice, exp(miss) on each of the others. */
    double ph = exp(hit), pm = exp(miss);
    if (u < ph)
        return own;
    size_t k = (size_t)((u - ph) / pm);
    if (k >= a->n_choices - 1)
        k = a->n_choices - 2;
    return (double)(k >= (size_t)own ? k + 1 : k);
}

void knob__tpe_mixn_sample(const knob__tpe_mixn *m, knob_rng *r, double *out)
{
    double u = knob_rng_uniform(r);
    size_t k = m->n; /* the prior */
    if (m->n && u < m->cum[m->n - 1]) {
        size_t lo = 0, hi = m->n - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        k = lo;
    }
    for (size_t j = 0; j < m->d; j++) {
        const knob__tpe_axis *a = &m->ax[j];
        double v = knob_rng_uniform(r);
        if (a->n_choices) {
            out[j] = k == m->n || a->n_choices == 1
                         ? dmin(floor(v * (double)a->n_choices), (double)a->n_choices - 1)
                         : sample_choice(a, m->hit[j], m->miss[j], m->y[k * m->d + j], v);
            continue;
        }
        double mu = k == m->n ? 0.5 * (a->low + a->high) : m->y[k * m->d + j];
        double s = k == m->n ? a->high - a->low : m->sigma[j];
        double x = mu + s * knob__tpe_truncnorm((a->low - mu) / s, (a->high - mu) / s, v);
        out[j] = dmin(dmax(x, a->low), a->high);
    }
}

/* The log density (or bin mass) of one numerical axis under a kernel (not divided by
 * sigma when `weighted`). */
static double axis_logpdf(const knob__tpe_axis *a, double y, double mu, double s, double logz,
                          bool weighted)
{
    if (a->q > 0) {
        double half = 0.5 * a->q;
        double lo = dmax(y - half, a->low), hi = dmin(y + half, a->high);
        return knob__tpe_log_mass((lo - mu) / s, (hi - mu) / s) - logz;
    }
    double t = (y - mu) / s;
    return -0.5 * t * t - (weighted ? 0 : log(s)) - LOG_SQRT_2PI - logz;
}

/* The log bin mass of binned axis j at y under kernel i (before truncation). */
static double binned_logpdf(const knob__tpe_mixn *m, size_t j, double y, size_t i)
{
    const knob__tpe_axis *a = &m->ax[j];
    int32_t g = m->gi[i * m->d + j];
    if (m->tab_off[j] != SIZE_MAX && g >= 0) {
        double dy = round((y - a->low - 0.5 * a->q) / a->q) - g;
        size_t k = (size_t)fabs(dy);
        if (k < m->tab_len[j])
            return m->tab[m->tab_off[j] + k];
    }
    return axis_logpdf(a, y, m->y[i * m->d + j], m->sigma[j], 0, false);
}

static double mixn_prior_logpdf(const knob__tpe_mixn *m, const double *y)
{
    double lp = m->log_prior_w;
    for (size_t j = 0; j < m->d; j++) {
        const knob__tpe_axis *a = &m->ax[j];
        if (a->n_choices)
            lp -= log((double)a->n_choices);
        else
            lp += axis_logpdf(a, y[j], 0.5 * (a->low + a->high), a->high - a->low, m->prior_logz[j],
                              m->weighted);
    }
    return lp;
}

double knob__tpe_mixn_logpdf(const knob__tpe_mixn *m, const double *y)
{
    double ref = mixn_prior_logpdf(m, y), sum = 0;
    size_t d = m->d;
    for (size_t i = 0; i < m->n; i++) {
        const double *mu = m->y + i * d, *lz = m->logz + i * d;
        double acc = m->lw[i] - ref;
        size_t p = 0;
        for (; p < d && acc + m->ub[p] > -NEGLIGIBLE; p++) {
            size_t j = m->order[p];
            const knob__tpe_axis *a = &m->ax[j];
            if (a->n_choices)
                acc += y[j] == mu[j] ? m->hit[j] : m->miss[j];
            else if (a->q > 0)
                acc += binned_logpdf(m, j, y[j], i) - lz[j];
            else {
                double t = (y[j] - mu[j]) / m->sigma[j];
                acc += m->hit[j] - 0.5 * t * t - lz[j];
            }
        }
        if (p == d)
            sum += exp(acc);
    }
    return ref + log1p(sum);
}
