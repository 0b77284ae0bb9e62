/* A tree's leaves are boxes: every leaf is visited once to record its box, then each feature's
 * main effect is a sweep over that feature's breakpoints (continuous) or its categories, so a
 * feature costs O(L log L) per tree for L leaves instead of one traversal per cell. */
#include "math/fanova.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The leaves of one tree: value, and per feature the box's interval (continuous), category set
 * (categorical) and the fraction w of the feature's domain the box covers. A category set is
 * a bit set of words[k] words (bit c: bit c % 64 of word c / 64) at word at[k] of a row of
 * n_words. */
typedef struct cells {
    int n, cap, d;
    double *v;      /* n */
    double *a, *b;  /* n x d: interval of continuous features */
    uint64_t *mask; /* n x n_words: categories of categorical features */
    double *w;      /* n x d: fraction of the domain */
    int *at, *words, n_words;
    /* the box being walked, and the category sets it had above each depth of the walk */
    double *lo, *hi;
    uint64_t *cats, *saved;
    int saved_cap;  /* depths saved holds */
    int most_words; /* the widest feature's words */
} cells;

static void cells_free(cells *c)
{
    free(c->v);
    free(c->a);
    free(c->b);
    free(c->mask);
    free(c->w);
    free(c->at);
    free(c->lo);
    free(c->hi);
    free(c->cats);
    free(c->saved);
}

/* The set of categories 0 .. n-1 in words (n / 64 + 1) words. */
static void all_cats(uint64_t *set, int n, int words)
{
    for (int i = 0; i < words; i++) {
        int from = 64 * i;
        set[i] = n - from >= 64 ? ~(uint64_t)0 : n > from ? ((uint64_t)1 << (n - from)) - 1 : 0;
    }
}

static int popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (int)((x * 0x0101010101010101u) >> 56);
}

static int count_cats(const uint64_t *set, int words)
{
    int k = 0;
    for (int i = 0; i < words; i++)
        k += popcount64(set[i]);
    return k;
}

static int cells_grow(cells *c)
{
    int cap = c->cap ? 2 * c->cap : 64;
    size_t nd = (size_t)cap * (size_t)c->d;
    double *v = realloc(c->v, (size_t)cap * sizeof *v);
    if (v)
        c->v = v;
    double *a = realloc(c->a, nd * sizeof *a);
    if (a)
        c->a = a;
    double *b = realloc(c->b, nd * sizeof *b);
    if (b)
        c->b = b;
    uint64_t *m = realloc(c->mask, ((size_t)cap * (size_t)c->n_words + 1) * sizeof *m);
    if (m)
        c->mask = m;
    double *w = realloc(c->w, nd * sizeof *w);
    if (w)
        c->w = w;
    if (!v || !a || !b || !m || !w)
        return -1;
    c->cap = cap;
    return 0;
}

/* The category sets at depth `depth` of the walk, saved: room for it. */
static uint64_t *saved_at(cells *c, int depth)
{
    if (depth >= c->saved_cap) {
        int cap = c->saved_cap ? 2 * c->saved_cap : 64;
        while (cap <= depth)
            cap *= 2;
        uint64_t *s = realloc(c->saved, (size_t)cap * (size_t)c->most_words * sizeof *s);
        if (!s)
            return NULL;
        c->saved = s;
        c->saved_cap = cap;
    }
    return c->saved + (size_t)depth * (size_t)c->most_words;
}

static int walk(cells *c, const knob__forest *f, const knob__tree *t, int node, int depth,
                const double *lo, const double *hi)
{
    const knob__forest_node *nd = &t->nodes[node];
    int j = nd->feature;
    if (j < 0) {
        if (c->n == c->cap && cells_grow(c) < 0)
            return -1;
        size_t r = (size_t)c->n * (size_t)c->d;
        c->v[c->n] = nd->mean;
        memcpy(c->mask + (size_t)c->n * (size_t)c->n_words, c->cats,
               (size_t)c->n_words * sizeof *c->cats);
        for (int k = 0; k < c->d; k++) {
            c->a[r + k] = c->lo[k];
            c->b[r + k] = c->hi[k];
            if (f->n_cats[k] > 0)
                c->w[r + k] = (double)count_cats(c->cats + c->at[k], c->words[k]) / f->n_cats[k];
            else {
                double span = hi[k] - lo[k], width = c->hi[k] - c->lo[k];
                c->w[r + k] = span > 0 ? (width > 0 ? width / span : 0) : 1;
            }
        }
        c->n++;
        return 0;
    }
    if (f->n_cats[j] > 0) {
        /* the box's set and the split's left set have the feature's n_cats + 1 bits (NaN
         * last); the box never holds NaN */
        uint64_t *box = c->cats + c->at[j], *old = saved_at(c, depth);
        const uint64_t *left = t->cat_words + nd->cats;
        int words = c->words[j];
        if (!old)
            return -1;
        memcpy(old, box, (size_t)words * sizeof *box);
        for (int i = 0; i < words; i++)
            box[i] = old[i] & left[i];
        int rc = walk(c, f, t, nd->left, depth + 1, lo, hi);
        old = c->saved + (size_t)depth * (size_t)c->most_words; /* saved may have moved */
        for (int i = 0; i < words; i++)
            box[i] = old[i] & ~left[i];
        if (rc == 0)
            rc = walk(c, f, t, nd->right, depth + 1, lo, hi);
        old = c->saved + (size_t)depth * (size_t)c->most_words;
        memcpy(box, old, (size_t)words * sizeof *box);
        return rc;
    }
    double l = c->lo[j], h = c->hi[j], thr = nd->threshold;
    c->hi[j] = thr < h ? thr : h;
    if (c->hi[j] < l)
        c->hi[j] = l;
    int rc = walk(c, f, t, nd->left, depth + 1, lo, hi);
    c->hi[j] = h;
    c->lo[j] = thr > l ? thr : l;
    if (c->lo[j] > h)
        c->lo[j] = h;
    if (rc == 0)
        rc = walk(c, f, t, nd->right, depth + 1, lo, hi);
    c->lo[j] = l;
    return rc;
}

static int tree_cells(cells *c, const knob__forest *f, const knob__tree *t, const double *lo,
                      const double *hi)
{
    c->n = 0;
    for (int k = 0; k < f->d; k++) {
        c->lo[k] = f->n_cats[k] > 0 ? 0 : lo[k];
        c->hi[k] = f->n_cats[k] > 0 ? 0 : hi[k];
        all_cats(c->cats + c->at[k], f->n_cats[k], c->words[k]);
    }
    return walk(c, f, t, 0, 0, lo, hi);
}

static double total_variance(const cells *c)
{
    double sw = 0, swv = 0;
    for (int l = 0; l < c->n; l++) {
        double vol = 1;
        for (int k = 0; k < c->d; k++)
            vol *= c->w[(size_t)l * c->d + k];
        sw += vol;
        swv += vol * c->v[l];
    }
    if (sw <= 0)
        return 0;
    double mean = swv / sw, var = 0;
    for (int l = 0; l < c->n; l++) {
        double vol = 1;
        for (int k = 0; k < c->d; k++)
            vol *= c->w[(size_t)l * c->d + k];
        var += vol * (c->v[l] - mean) * (c->v[l] - mean);
    }
    return var / sw;
}

/* The volume of leaf l's box in every feature but j. */
static double volume_without(const cells *c, int l, int j)
{
    double vol = 1;
    for (int k = 0; k < c->d; k++)
        if (k != j)
            vol *= c->w[(size_t)l * c->d + k];
    return vol;
}

static int dbl_cmp(const void *x, const void *y)
{
    double u = *(const double *)x, w = *(const double *)y;
    return (u > w) - (u < w);
}

/* Weighted variance of values f with weights wt (n). */
static double wvar(const double *f, const double *wt, int n)
{
    double sw = 0, swf = 0;
    for (int i = 0; i < n; i++) {
        sw += wt[i];
        swf += wt[i] * f[i];
    }
    if (sw <= 0)
        return 0;
    double mean = swf / sw, var = 0;
    for (int i = 0; i < n; i++)
        var += wt[i] * (f[i] - mean) * (f[i] - mean);
    var /= sw;
    return var > 0 ? var : 0;
}

static int main_variance_cat(const cells *c, int j, int n_cats, double *out)
{
    double *num = calloc((size_t)n_cats * 3, sizeof *num);
    if (!num)
        return -1;
    double *den = num + n_cats, *fv = den + n_cats;
    for (int l = 0; l < c->n; l++) {
        double vol = volume_without(c, l, j);
        const uint64_t *m = c->mask + (size_t)l * (size_t)c->n_words + c->at[j];
        for (int k = 0; k < n_cats; k++)
            if ((m[k / 64] >> (k % 64)) & 1u) {
                num[k] += c->v[l] * vol;
                den[k] += vol;
            }
    }
    for (int k = 0; k < n_cats; k++)
        fv[k] = den[k] > 0 ? num[k] / den[k] : 0;
    *out = wvar(fv, den, n_cats);
    free(num);
    return 0;
}

/* The distinct values of a feature's leaf bounds, sorted, each with its index: a hash set
 * of the values (a tree's bounds on one feature are the few thresholds of its splits on it,
 * each repeated by many leaves), so only the distinct ones are sorted. */
typedef struct bounds {
    double *sorted; /* n distinct values, ascending */
    int n;
    double *key; /* the hash table: cap slots of values (-0 as +0), and their index in sorted */
    int *at;     /* -1: an empty slot */
    size_t cap;
} bounds;

static size_t bound_slot(const bounds *b, double v)
{
    uint64_t h;
    memcpy(&h, &v, sizeof h);
    h *= 0x9e3779b97f4a7c15u;
    size_t i = (size_t)(h >> 32) & (b->cap - 1);
    while (b->at[i] >= 0 && memcmp(&b->key[i], &v, sizeof v) != 0)
        i = (i + 1) & (b->cap - 1);
    return i;
}

static void bound_add(bounds *b, double v)
{
    if (v == 0)
        v = 0; /* -0 */
    size_t i = bound_slot(b, v);
    if (b->at[i] < 0) {
        b->key[i] = v;
        b->at[i] = b->n;
        b->sorted[b->n++] = v;
    }
}

/* The index of v (a value added) among the sorted ones. */
static int bound_index(const bounds *b, double v)
{
    if (v == 0)
        v = 0;
    return b->at[bound_slot(b, v)];
}

static int main_variance_cont(const cells *c, int j, double lo, double hi, double *out)
{
    size_t most = (size_t)c->n * 2 + 2;
    bounds bs = {0};
    for (bs.cap = 16; bs.cap < 2 * most; bs.cap *= 2)
        ;
    bs.sorted = malloc(most * sizeof *bs.sorted);
    bs.key = malloc(bs.cap * sizeof *bs.key);
    bs.at = malloc(bs.cap * sizeof *bs.at);
    double *acc = calloc(most * 3, sizeof *acc);
    int rc = -1;
    if (!bs.sorted || !bs.key || !bs.at || !acc)
        goto done;
    memset(bs.at, 0xff, bs.cap * sizeof *bs.at);
    bound_add(&bs, lo);
    bound_add(&bs, hi);
    for (int l = 0; l < c->n; l++) {
        bound_add(&bs, c->a[(size_t)l * c->d + j]);
        bound_add(&bs, c->b[(size_t)l * c->d + j]);
    }
    int u = bs.n;
    qsort(bs.sorted, (size_t)u, sizeof *bs.sorted, dbl_cmp);
    for (int i = 0; i < u; i++)
        bs.at[bound_slot(&bs, bs.sorted[i])] = i;
    const double *bp = bs.sorted;
    double *num = acc, *den = acc + u, *wt = acc + 2 * (size_t)u;
    for (int l = 0; l < c->n; l++) {
        double a = c->a[(size_t)l * c->d + j], b = c->b[(size_t)l * c->d + j];
        if (!(b > a))
            continue;
        double vol = volume_without(c, l, j);
        int ia = bound_index(&bs, a), ib = bound_index(&bs, b);
        num[ia] += c->v[l] * vol;
        num[ib] -= c->v[l] * vol;
        den[ia] += vol;
        den[ib] -= vol;
    }
    /* segment s = [bp[s], bp[s+1]): prefix sums give its marginal; reuse num as f */
    double sn = 0, sd = 0;
    for (int s = 0; s + 1 < u; s++) {
        sn += num[s];
        sd += den[s];
        num[s] = sd > 0 ? sn / sd : 0;
        wt[s] = sd > 0 ? sd * (bp[s + 1] - bp[s]) : 0;
    }
    *out = u > 1 ? wvar(num, wt, u - 1) : 0;
    rc = 0;
done:
    free(bs.sorted);
    free(bs.key);
    free(bs.at);
    free(acc);
    return rc;
}

static int cells_init(cells *c, const knob__forest *f)
{
    memset(c, 0, sizeof *c);
    c->d = f->d;
    c->at = malloc(2 * (size_t)f->d * sizeof *c->at);
    c->lo = malloc((size_t)f->d * sizeof *c->lo);
    c->hi = malloc((size_t)f->d * sizeof *c->hi);
    if (!c->at || !c->lo || !c->hi)
        return -1;
    c->words = c->at + f->d;
    for (int k = 0; k < f->d; k++) {
        c->words[k] = f->n_cats[k] > 0 ? knob__forest_cat_words(f->n_cats[k]) : 0;
        if (c->n_words > INT_MAX / 2 - c->words[k])
            return -1;
        c->at[k] = c->n_words;
        c->n_words += c->words[k];
        if (c->words[k] > c->most_words)
            c->most_words = c->words[k];
    }
    c->cats = malloc(((size_t)c->n_words + 1) * sizeof *c->cats);
    return c->cats ? 0 : -1;
}

static int feature_variance(const cells *c, const knob__forest *f, int j, const double *lo,
                            const double *hi, double *out)
{
    if (f->n_cats[j] > 0)
        return main_variance_cat(c, j, f->n_cats[j], out);
    return main_variance_cont(c, j, lo[j], hi[j], out);
}

int knob__fanova_tree(const knob__forest *f, int t, int j, const double *lo, const double *hi,
                      double *main_var, double *total_var)
{
    cells c;
    int rc = cells_init(&c, f);
    if (rc == 0)
        rc = tree_cells(&c, f, &f->trees[t], lo, hi);
    if (rc == 0) {
        *total_var = total_variance(&c);
        rc = feature_variance(&c, f, j, lo, hi, main_var);
    }
    cells_free(&c);
    return rc == 0 ? KNOB__MATH_OK : KNOB__MATH_ENOMEM;
}

int knob__fanova_add(const knob__forest *f, const double *lo, const double *hi, double *sum,
                     int *used)
{
    cells c;
    int rc = cells_init(&c, f);
    for (int t = 0; rc == 0 && t < f->n_trees; t++) {
        rc = tree_cells(&c, f, &f->trees[t], lo, hi);
        if (rc != 0)
            break;
        double total = total_variance(&c);
        if (!(total > 0))
            continue;
        (*used)++;
        for (int j = 0; rc == 0 && j < f->d; j++) {
            double v = 0;
            rc = feature_variance(&c, f, j, lo, hi, &v);
            sum[j] += v / total;
        }
    }
    cells_free(&c);
    return rc == 0 ? KNOB__MATH_OK : KNOB__MATH_ENOMEM;
}

int knob__fanova(const knob__forest *f, const double *lo, const double *hi, double *importance)
{
    for (int j = 0; j < f->d; j++)
        importance[j] = 0;
    int used = 0;
    int rc = knob__fanova_add(f, lo, hi, importance, &used);
    for (int j = 0; rc == 0 && used > 0 && j < f->d; j++)
        importance[j] /= used;
    return rc;
}
