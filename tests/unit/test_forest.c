/* The random forest (math/forest.c) against a brute-force tree builder, its unseen categories
 * sent to random sides, and fANOVA (math/fanova.c) against the main effects integrated on a
 * grid. */
#include "testutil.h"
#include "knob.h"
#include "math/fanova.h"
#include "math/forest.h"

#include <math.h>

/* ---- a brute-force CART: every threshold and every category subset, errors summed directly */

typedef struct ref {
    const double *X, *y;
    int d;
    const int *n_cats;
    int max_depth, min_split, min_leaf;
    double *pred; /* per row: the mean of its leaf */
} ref;

static double sse(const double *y, const int *rows, int m)
{
    double s = 0, e = 0;
    for (int i = 0; i < m; i++)
        s += y[rows[i]];
    for (int i = 0; i < m; i++)
        e += (y[rows[i]] - s / m) * (y[rows[i]] - s / m);
    return e;
}

enum { REF_MOST_CATS = 128 };

/* bin of a value: continuous values keep their order with NaN first; categories 0..k-1, NaN k.
 * A categorical split's mask has a bit per category present in the node: bit at[c] for c. */
static bool ref_left(const ref *r, int j, double v, double thr, unsigned mask, const int *at)
{
    if (r->n_cats[j] > 0) {
        int c = isnan(v) ? r->n_cats[j] : (int)v;
        return (mask >> at[c]) & 1u;
    }
    return isnan(v) || v <= thr;
}

/* The categories (NaN: n_cats) of feature j present in rows, numbered in at (-1: absent);
 * returns how many. */
static int ref_present(const ref *r, int j, const int *rows, int m, int *at)
{
    int k = 0;
    for (int c = 0; c <= REF_MOST_CATS; c++)
        at[c] = -1;
    for (int i = 0; i < m && r->n_cats[j] > 0; i++) {
        double v = r->X[rows[i] * r->d + j];
        int c = isnan(v) ? r->n_cats[j] : (int)v;
        if (at[c] < 0)
            at[c] = k++;
    }
    return k;
}

static void ref_grow(ref *r, int *rows, int m, int depth)
{
    double err = sse(r->y, rows, m);
    int best_j = -1;
    double best_thr = 0, best_err = err - 1e-12 * err;
    unsigned best_mask = 0;
    int *tmp = malloc((size_t)m * sizeof *tmp), at[REF_MOST_CATS + 1];
    if (depth < r->max_depth && m >= r->min_split && m >= 2 * r->min_leaf && err > 1e-12) {
        for (int j = 0; j < r->d; j++) {
            int present = ref_present(r, j, rows, m, at);
            int n_cand = r->n_cats[j] > 0 ? (1 << present) : m;
            for (int cand = 0; cand < n_cand; cand++) {
                double thr = 0;
                unsigned mask = 0;
                if (r->n_cats[j] > 0)
                    mask = (unsigned)cand;
                else {
                    /* threshold: the midpoint above row cand's value, or -inf for NaN */
                    double v = r->X[rows[cand] * r->d + j], next = INFINITY;
                    for (int i = 0; i < m; i++) {
                        double w = r->X[rows[i] * r->d + j];
                        if (!isnan(w) && (isnan(v) || w > v) && w < next)
                            next = w;
                    }
                    if (isinf(next))
                        continue;
                    thr = isnan(v) ? -INFINITY : 0.5 * (v + next);
                }
                int nl = 0, nr = 0;
                for (int i = 0; i < m; i++)
                    if (ref_left(r, j, r->X[rows[i] * r->d + j], thr, mask, at))
                        tmp[nl++] = rows[i];
                for (int i = 0; i < m; i++)
                    if (!ref_left(r, j, r->X[rows[i] * r->d + j], thr, mask, at))
                        tmp[nl + nr++] = rows[i];
                if (nl < r->min_leaf || nr < r->min_leaf)
                    continue;
                double e = sse(r->y, tmp, nl) + sse(r->y, tmp + nl, nr);
                if (e < best_err - 1e-9) {
                    best_err = e;
                    best_j = j;
                    best_thr = thr;
                    best_mask = mask;
                }
            }
        }
    }
    if (best_j < 0) {
        double s = 0;
        for (int i = 0; i < m; i++)
            s += r->y[rows[i]];
        for (int i = 0; i < m; i++)
            r->pred[rows[i]] = s / m;
        free(tmp);
        return;
    }
    int nl = 0, nr = 0;
    ref_present(r, best_j, rows, m, at);
    for (int i = 0; i < m; i++)
        if (ref_left(r, best_j, r->X[rows[i] * r->d + best_j], best_thr, best_mask, at))
            tmp[nl++] = rows[i];
    for (int i = 0; i < m; i++)
        if (!ref_left(r, best_j, r->X[rows[i] * r->d + best_j], best_thr, best_mask, at))
            tmp[nl + nr++] = rows[i];
    memcpy(rows, tmp, (size_t)m * sizeof *rows);
    free(tmp);
    ref_grow(r, rows, nl, depth + 1);
    ref_grow(r, rows + nl, nr, depth + 1);
}

/* n rows: x0, x1 continuous (x1 NaN in a fifth of the rows), x2 categorical of 3. */
static void mixed_data(double *X, double *y, int n, uint64_t seed)
{
    knob_rng r;
    knob_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        double *x = X + i * 3;
        x[0] = knob_rng_uniform(&r);
        x[1] = knob_rng_uniform(&r) < 0.2 ? NAN : knob_rng_uniform(&r);
        x[2] = (double)knob_rng_below(&r, 3);
        y[i] = sin(5 * x[0]) + (isnan(x[1]) ? 2 : x[1] * x[1]) + (x[2] == 1 ? 1.5 : 0) +
               0.1 * knob_rng_normal(&r);
    }
}

/* One tree on all rows with every feature tried: the same leaves as exhaustive search (same
 * training error and the same prediction for every row), at several depths and leaf sizes. */
static void tree_matches_brute_force(void **state)
{
    (void)state;
    enum { N = 60 };
    double X[N * 3], y[N], pred[N];
    int n_cats[3] = {0, 0, 3};
    int settings[][3] = {{1, 2, 1}, {2, 4, 3}, {3, 2, 5}, {4, 6, 3}, {6, 2, 2}};
    for (int seed = 1; seed <= 4; seed++) {
        mixed_data(X, y, N, (uint64_t)seed);
        for (size_t s = 0; s < sizeof settings / sizeof *settings; s++) {
            knob__forest_opts o = knob__forest_defaults();
            o.n_trees = 1;
            o.bootstrap = false;
            o.max_depth = settings[s][0];
            o.min_samples_split = settings[s][1];
            o.min_samples_leaf = settings[s][2];
            knob__forest f = {0};
            knob_rng r;
            knob_rng_seed(&r, 99);
            assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
            ref rf = {X, y, 3, n_cats, o.max_depth, o.min_samples_split, o.min_samples_leaf, pred};
            int rows[N];
            for (int i = 0; i < N; i++)
                rows[i] = i;
            ref_grow(&rf, rows, N, 0);
            double err_tree = 0, err_ref = 0;
            for (int i = 0; i < N; i++) {
                double m;
                knob__forest_predict(&f, X + i * 3, &m, NULL);
                err_tree += (y[i] - m) * (y[i] - m);
                err_ref += (y[i] - pred[i]) * (y[i] - pred[i]);
                assert_true(fabs(m - pred[i]) < 1e-9);
            }
            assert_true(fabs(err_tree - err_ref) < 1e-9);
            knob__forest_free(&f);
        }
    }
}

/* Values a sort can get wrong: ties, -0 beside +0 (equal: no split between them), negative
 * numbers, magnitudes from 1e-3 to 1e3 (keys that differ in every byte), NaN (continuous,
 * and categorical: its own category); 150 rows, so that the larger nodes take the radix
 * sort and the small ones the insertion sort. */
/* One tree fitted on every row of X (n rows, d columns) with o, seeded by fit_seed, predicts
 * each row as the brute-force tree does (its predictions into pred). */
static void tree_is_brute_force(const double *X, const double *y, int n, int d, const int *n_cats,
                                const knob__forest_opts *o, uint64_t fit_seed, double *pred)
{
    knob__forest f = {0};
    knob_rng fr;
    knob_rng_seed(&fr, fit_seed);
    assert_int_equal(knob__forest_fit(&f, X, y, n, d, n_cats, o, &fr), 0);
    ref rf = {X, y, d, n_cats, o->max_depth, o->min_samples_split, o->min_samples_leaf, pred};
    int *rows = malloc((size_t)n * sizeof *rows);
    assert_non_null(rows);
    for (int i = 0; i < n; i++)
        rows[i] = i;
    ref_grow(&rf, rows, n, 0);
    free(rows);
    for (int i = 0; i < n; i++) {
        double m;
        knob__forest_predict(&f, X + i * d, &m, NULL);
        assert_true(fabs(m - pred[i]) < 1e-9);
    }
    knob__forest_free(&f);
}

static void tree_matches_brute_force_on_ties_and_signs(void **state)
{
    (void)state;
    enum { N = 150 };
    double X[N * 3], y[N], pred[N];
    int n_cats[3] = {0, 0, 3};
    for (int seed = 1; seed <= 3; seed++) {
        knob_rng r;
        knob_rng_seed(&r, (uint64_t)(40 + seed));
        for (int i = 0; i < N; i++) {
            double *x = X + i * 3;
            x[0] = (double)knob_rng_below(&r, 7) - 3;
            if (x[0] == 0 && knob_rng_uniform(&r) < 0.5)
                x[0] = -0.0;
            double u = knob_rng_uniform(&r);
            x[1] = u < 0.1 ? NAN
                           : (u < 0.55 ? -1 : 1) * pow(10, 6 * knob_rng_uniform(&r) - 3);
            /* an inactive categorical (NaN) is a category of its own */
            x[2] = knob_rng_uniform(&r) < 0.15 ? NAN : (double)knob_rng_below(&r, 3);
            y[i] = x[0] * x[0] + (signbit(x[0]) ? 0.7 : 0) + (isnan(x[1]) ? 1 : atan(x[1])) +
                   (isnan(x[2]) ? -0.4 : 0.3 * x[2]) + 0.05 * knob_rng_normal(&r);
        }
        knob__forest_opts o = knob__forest_defaults();
        o.n_trees = 1;
        o.bootstrap = false;
        o.max_depth = 4;
        tree_is_brute_force(X, y, N, 3, n_cats, &o, 5, pred);
    }
}

/* A categorical of 64 or 100 categories (more than a 64-bit set holds with NaN's bit): split
 * as subsets of its categories, the same tree as exhaustive search. The rows hold a few of
 * them, on both sides of 64 (and NaN), so that every subset can be tried. */
static void tree_matches_brute_force_with_many_categories(void **state)
{
    (void)state;
    enum { N = 90 };
    double X[N * 2], y[N], pred[N];
    const int counts[] = {64, 100};
    for (size_t q = 0; q < sizeof counts / sizeof *counts; q++) {
        int k = counts[q], n_cats[2] = {0, k};
        const double used[] = {0, 5, 62, 63, k - 1, k - 2, 40, NAN};
        for (int seed = 1; seed <= 3; seed++) {
            knob_rng r;
            knob_rng_seed(&r, (uint64_t)(70 + seed));
            double effect[8];
            for (int c = 0; c < 8; c++)
                effect[c] = knob_rng_normal(&r);
            for (int i = 0; i < N; i++) {
                int c = (int)knob_rng_below(&r, 8);
                X[i * 2] = knob_rng_uniform(&r);
                X[i * 2 + 1] = used[c];
                y[i] = effect[c] + sin(4 * X[i * 2]) + 0.05 * knob_rng_normal(&r);
            }
            knob__forest_opts o = knob__forest_defaults();
            o.n_trees = 1;
            o.bootstrap = false;
            o.max_depth = 4;
            o.min_samples_leaf = 2;
            tree_is_brute_force(X, y, N, 2, n_cats, &o, 3, pred);
        }
    }
}

/* A bootstrapped tree is the exhaustive tree of its bootstrap sample, repeats counted: the
 * fit's first n draws are that sample (replayed here from the same seed). */
static void bootstrap_tree_matches_brute_force(void **state)
{
    (void)state;
    enum { N = 50 };
    double X[N * 3], y[N], pred[N];
    int n_cats[3] = {0, 0, 3};
    for (int seed = 1; seed <= 3; seed++) {
        mixed_data(X, y, N, (uint64_t)(60 + seed));
        knob__forest_opts o = knob__forest_defaults();
        o.n_trees = 1;
        o.max_depth = 4;
        knob__forest f = {0};
        knob_rng r, replay;
        knob_rng_seed(&r, (uint64_t)seed);
        knob_rng_seed(&replay, (uint64_t)seed);
        assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
        int rows[N], distinct = 0;
        bool in[N] = {false};
        for (int i = 0; i < N; i++) {
            rows[i] = (int)knob_rng_below(&replay, N);
            distinct += !in[rows[i]];
            in[rows[i]] = true;
        }
        assert_true(distinct < N); /* a sample with repeats */
        ref rf = {X, y, 3, n_cats, o.max_depth, o.min_samples_split, o.min_samples_leaf, pred};
        ref_grow(&rf, rows, N, 0);
        assert_int_equal(f.trees[0].nodes[0].n, N);
        for (int i = 0; i < N; i++) {
            if (!in[i])
                continue;
            double m;
            knob__forest_predict(&f, X + i * 3, &m, NULL);
            assert_true(fabs(m - pred[i]) < 1e-9);
        }
        knob__forest_free(&f);
    }
}

/* Every node holds the mean, variance and count of its samples, children partition them,
 * and a leaf's box contains its rows. */
static void nodes_keep_their_statistics(void **state)
{
    (void)state;
    enum { N = 80 };
    double X[N * 3], y[N];
    int n_cats[3] = {0, 0, 3};
    mixed_data(X, y, N, 5);
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 3;
    o.bootstrap = false;
    knob__forest f = {0};
    knob_rng r;
    knob_rng_seed(&r, 1);
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
    for (int t = 0; t < f.n_trees; t++) {
        const knob__tree *tr = &f.trees[t];
        assert_int_equal(tr->nodes[0].n, N);
        for (int i = 0; i < tr->n_nodes; i++) {
            const knob__forest_node *nd = &tr->nodes[i];
            if (nd->feature < 0)
                continue;
            const knob__forest_node *l = &tr->nodes[nd->left], *rr = &tr->nodes[nd->right];
            assert_int_equal(l->n + rr->n, nd->n);
            assert_true(fabs(l->mean * l->n + rr->mean * rr->n - nd->mean * nd->n) < 1e-9);
            double ss = l->n * (l->var + (l->mean - nd->mean) * (l->mean - nd->mean)) +
                        rr->n * (rr->var + (rr->mean - nd->mean) * (rr->mean - nd->mean));
            assert_true(fabs(ss - nd->var * nd->n) < 1e-9);
        }
        /* every row's leaf mean is the mean of the rows that reach that leaf */
        for (int i = 0; i < N; i++) {
            int leaf = knob__tree_leaf(tr, X + i * 3);
            double s = 0;
            int k = 0;
            for (int q = 0; q < N; q++)
                if (knob__tree_leaf(tr, X + q * 3) == leaf) {
                    s += y[q];
                    k++;
                }
            assert_int_equal(k, tr->nodes[leaf].n);
            assert_true(fabs(s / k - tr->nodes[leaf].mean) < 1e-9);
        }
    }
    knob__forest_free(&f);
}

/* The forest's mean and variance are those of its trees' predictions; the same seed gives the
 * same forest, another seed another one (bootstrap, feature subsets). */
static void forest_mean_variance_and_seed(void **state)
{
    (void)state;
    enum { N = 100 };
    double X[N * 3], y[N];
    int n_cats[3] = {0, 0, 3};
    mixed_data(X, y, N, 11);
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 10;
    o.max_features = 0.5;
    o.min_samples_leaf = 3;
    knob__forest f = {0}, g = {0}, h = {0};
    knob_rng r;
    knob_rng_seed(&r, 3);
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
    knob_rng_seed(&r, 3);
    assert_int_equal(knob__forest_fit(&g, X, y, N, 3, n_cats, &o, &r), 0);
    knob_rng_seed(&r, 4);
    assert_int_equal(knob__forest_fit(&h, X, y, N, 3, n_cats, &o, &r), 0);
    int differ = 0;
    for (int i = 0; i < 20; i++) {
        double x[3] = {i / 20.0, i % 3 == 0 ? NAN : 1 - i / 20.0, (double)(i % 3)};
        double s = 0, ss = 0;
        for (int t = 0; t < f.n_trees; t++) {
            double v = f.trees[t].nodes[knob__tree_leaf(&f.trees[t], x)].mean;
            s += v;
            ss += v * v;
        }
        double m, v, m2, v2, m3;
        knob__forest_predict(&f, x, &m, &v);
        assert_true(fabs(m - s / 10) < 1e-12);
        assert_true(fabs(v - (ss / 10 - (s / 10) * (s / 10))) < 1e-9);
        knob__forest_predict(&g, x, &m2, &v2);
        assert_true(m == m2 && v == v2);
        knob__forest_predict(&h, x, &m3, NULL);
        differ += m3 != m;
    }
    assert_true(differ > 0);
    knob__forest_free(&f);
    knob__forest_free(&g);
    knob__forest_free(&h);
}

/* log_y: a leaf predicts log(mean(exp(y))) of its samples, and the splits are those of y. */
/* A categorical value outside 0 .. n_cats-1 predicts as NaN does, as the forest was grown
 * (3 of a feature of 3 categories went to bit 3, which no split sets: right, where NaN may
 * go left; on 20 of 20 points the prediction differed). */
static void out_of_range_categories_are_nan(void **state)
{
    (void)state;
    enum { N = 200 };
    double X[N * 3], y[N];
    int n_cats[3] = {0, 0, 3};
    mixed_data(X, y, N, 5);
    for (int i = 0; i < N; i += 4) { /* the NaN category matters: 3 below the others */
        X[i * 3 + 2] = NAN;
        y[i] -= 3;
    }
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 10;
    knob__forest f = {0};
    knob_rng r;
    knob_rng_seed(&r, 9);
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
    int differ = 0;
    for (int i = 0; i < 20; i++) {
        double x[3] = {i / 20.0, 1 - i / 20.0, NAN}, m, v;
        knob__forest_predict(&f, x, &m, &v);
        const double odd[] = {3, 63, -1, 1e300};
        for (size_t k = 0; k < sizeof odd / sizeof *odd; k++) {
            double mk, vk;
            x[2] = odd[k];
            knob__forest_predict(&f, x, &mk, &vk);
            differ += mk != m || vk != v;
        }
    }
    assert_int_equal(differ, 0);
    knob__forest_free(&f);
}

static void log_y_leaves(void **state)
{
    (void)state;
    enum { N = 50 };
    double X[N * 3], y[N];
    int n_cats[3] = {0, 0, 3};
    mixed_data(X, y, N, 9);
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 1;
    o.bootstrap = false;
    o.min_samples_leaf = 4;
    knob__forest f = {0}, g = {0};
    knob_rng r;
    knob_rng_seed(&r, 2);
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
    o.log_y = true;
    knob_rng_seed(&r, 2);
    assert_int_equal(knob__forest_fit(&g, X, y, N, 3, n_cats, &o, &r), 0);
    assert_int_equal(f.trees[0].n_nodes, g.trees[0].n_nodes);
    for (int i = 0; i < N; i++) {
        int leaf = knob__tree_leaf(&g.trees[0], X + i * 3);
        assert_int_equal(leaf, knob__tree_leaf(&f.trees[0], X + i * 3));
        double s = 0;
        int k = 0;
        for (int q = 0; q < N; q++)
            if (knob__tree_leaf(&g.trees[0], X + q * 3) == leaf) {
                s += exp(y[q]);
                k++;
            }
        assert_true(fabs(g.trees[0].nodes[leaf].mean - log(s / k)) < 1e-9);
    }
    knob__forest_free(&f);
    knob__forest_free(&g);
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    double X[4] = {0, 1, 2, 3}, y[4] = {0, 1, 0, 1};
    knob__forest_opts o = knob__forest_defaults();
    knob__forest f = {0};
    knob_rng r;
    knob_rng_seed(&r, 1);
    int negative[1] = {-1};
    assert_int_equal(knob__forest_fit(&f, X, y, 4, 1, negative, &o, &r), KNOB__MATH_EDIMS);
    assert_int_equal(knob__forest_fit(&f, X, y, 0, 1, NULL, &o, &r), KNOB__MATH_EDIMS);
    o.max_features = 0;
    assert_int_equal(knob__forest_fit(&f, X, y, 4, 1, NULL, &o, &r), KNOB__MATH_EDIMS);
    o = knob__forest_defaults();
    o.min_samples_leaf = 0;
    assert_int_equal(knob__forest_fit(&f, X, y, 4, 1, NULL, &o, &r), KNOB__MATH_EDIMS);
    knob__forest_free(&f);
    knob__forest_free(NULL);
}

/* The categorical split with random_unseen: a category no sample of the node has goes left in
 * some trees and right in others (the trees disagree on it, so its prediction has a spread),
 * each about half the time; NaN (past the last word's categories at 128) goes right; without
 * it, every unseen category goes right, with the costlier side. */
static void unseen_choices_split_at_random(void **state)
{
    (void)state;
    enum { N = 40, CATS = 128, TREES = 20 };
    double X[N], y[N];
    for (int i = 0; i < N; i++) {
        X[i] = (double)(i % 10); /* categories 0 .. 9 seen */
        y[i] = i % 10 < 5 ? 0 : 1;
    }
    int n_cats[1] = {CATS};
    for (int unseen = 0; unseen < 2; unseen++) {
        knob__forest f = {0};
        knob__forest_opts o = knob__forest_defaults();
        o.n_trees = TREES;
        o.bootstrap = false; /* every tree on all rows: only the unseen categories differ */
        o.random_unseen = unseen ? 64 : 0;
        knob_rng r;
        knob_rng_seed(&r, 5);
        assert_int_equal(knob__forest_fit(&f, X, y, N, 1, n_cats, &o, &r), 0);
        int left = 0, left_50 = 0;
        for (int t = 0; t < f.n_trees; t++) {
            const knob__tree *tr = &f.trees[t];
            assert_int_equal(tr->nodes[0].feature, 0);
            left_50 += knob__forest_goes_left(tr, &tr->nodes[0], 50);
            for (int c = 10; c < CATS; c++)
                left += knob__forest_goes_left(tr, &tr->nodes[0], c);
            assert_false(knob__forest_goes_left(tr, &tr->nodes[0], NAN));
        }
        double x = 50, m, v; /* unseen */
        knob__forest_predict(&f, &x, &m, &v);
        print_message("random_unseen %d: 50 left in %d of %d trees, mean %g, variance %g; "
                      "unseen left %d of %d\n",
                      o.random_unseen, left_50, TREES, m, v, left, TREES * (CATS - 10));
        if (unseen) {
            assert_true(left_50 > 0 && left_50 < TREES && v > 0);
            assert_true(left > TREES * (CATS - 10) * 2 / 5 && left < TREES * (CATS - 10) * 3 / 5);
        } else
            assert_true(left == 0 && m == 1 && v == 0);
        /* seen categories split as before: 0 .. 4 left, 5 .. 9 right */
        x = 3;
        knob__forest_predict(&f, &x, &m, &v);
        assert_true(m == 0);
        knob__forest_free(&f);
    }
}

/* ---- fANOVA: main effects against the tree integrated on a fine grid (exact up to the grid,
 * since the tree is piecewise constant) */

static void fanova_matches_grid_integration(void **state)
{
    (void)state;
    enum { N = 120, G = 400 };
    double X[N * 3], y[N];
    int n_cats[3] = {0, 0, 3};
    knob_rng r;
    knob_rng_seed(&r, 21);
    for (int i = 0; i < N; i++) {
        double *x = X + i * 3;
        x[0] = 2 * knob_rng_uniform(&r) - 1;
        x[1] = 3 * knob_rng_uniform(&r);
        x[2] = (double)knob_rng_below(&r, 3);
        y[i] = 3 * x[0] * x[0] + x[1] * (x[2] == 2 ? 1 : -0.5) + 0.05 * knob_rng_normal(&r);
    }
    double lo[3] = {-1, 0, 0}, hi[3] = {1, 3, 0};
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 4;
    o.max_depth = 6;
    knob__forest f = {0};
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, n_cats, &o, &r), 0);
    for (int t = 0; t < f.n_trees; t++) {
        const knob__tree *tr = &f.trees[t];
        /* the tree on a G x G x 3 grid of cell centres */
        static double val[G][G][3];
        double mean = 0;
        for (int a = 0; a < G; a++)
            for (int b = 0; b < G; b++)
                for (int c = 0; c < 3; c++) {
                    double x[3] = {-1 + 2 * (a + 0.5) / G, 3 * (b + 0.5) / G, c};
                    val[a][b][c] = tr->nodes[knob__tree_leaf(tr, x)].mean;
                    mean += val[a][b][c];
                }
        mean /= (double)G * G * 3;
        double total = 0, m0[G] = {0}, m1[G] = {0}, m2[3] = {0};
        for (int a = 0; a < G; a++)
            for (int b = 0; b < G; b++)
                for (int c = 0; c < 3; c++) {
                    double v = val[a][b][c];
                    total += (v - mean) * (v - mean);
                    m0[a] += v / (G * 3);
                    m1[b] += v / (G * 3);
                    m2[c] += v / ((double)G * G);
                }
        total /= (double)G * G * 3;
        double v0 = 0, v1 = 0, v2 = 0;
        for (int a = 0; a < G; a++) {
            v0 += (m0[a] - mean) * (m0[a] - mean) / G;
            v1 += (m1[a] - mean) * (m1[a] - mean) / G;
        }
        for (int c = 0; c < 3; c++)
            v2 += (m2[c] - mean) * (m2[c] - mean) / 3;
        double want[3] = {v0, v1, v2};
        for (int j = 0; j < 3; j++) {
            double mv, tv;
            assert_int_equal(knob__fanova_tree(&f, t, j, lo, hi, &mv, &tv), 0);
            /* a grid cell straddling a split blurs the integral by at most 1/G of the range */
            assert_true(fabs(tv - total) < 0.02 * total);
            assert_true(fabs(mv - want[j]) < 0.02 * total);
        }
    }
    double imp[3];
    assert_int_equal(knob__fanova(&f, lo, hi, imp), 0);
    assert_true(imp[0] > imp[1] && imp[1] > 0 && imp[2] > 0);
    knob__forest_free(&f);
}

/* A categorical of 64 or 100 categories: each tree's main effects and total variance are those
 * of the tree evaluated at every category and on a fine grid of the continuous feature. */
static void fanova_many_categories_matches_grid_integration(void **state)
{
    (void)state;
    enum { N = 1500, G = 400 };
    const int counts[] = {64, 100};
    double *X = malloc(2 * N * sizeof *X), *y = malloc(N * sizeof *y);
    double *val = malloc((size_t)G * 100 * sizeof *val);
    assert_non_null(X);
    assert_non_null(y);
    assert_non_null(val);
    for (size_t q = 0; q < sizeof counts / sizeof *counts; q++) {
        int k = counts[q], n_cats[2] = {0, k};
        knob_rng r;
        knob_rng_seed(&r, 31);
        double effect[100];
        for (int c = 0; c < k; c++)
            effect[c] = knob_rng_normal(&r);
        for (int i = 0; i < N; i++) {
            int c = (int)knob_rng_below(&r, (uint64_t)k);
            X[i * 2] = knob_rng_uniform(&r);
            X[i * 2 + 1] = c;
            y[i] = effect[c] + 2 * X[i * 2] * (c % 3 == 0 ? 2 : 1) + 0.05 * knob_rng_normal(&r);
        }
        double lo[2] = {0, 0}, hi[2] = {1, 0};
        knob__forest_opts o = knob__forest_defaults();
        o.n_trees = 3;
        o.max_depth = 12;
        knob__forest f = {0};
        assert_int_equal(knob__forest_fit(&f, X, y, N, 2, n_cats, &o, &r), 0);
        for (int t = 0; t < f.n_trees; t++) {
            const knob__tree *tr = &f.trees[t];
            double mean = 0, total = 0, m0[G] = {0}, m1[100] = {0};
            for (int a = 0; a < G; a++)
                for (int c = 0; c < k; c++) {
                    double x[2] = {(a + 0.5) / G, c};
                    val[a * k + c] = tr->nodes[knob__tree_leaf(tr, x)].mean;
                    mean += val[a * k + c] / ((double)G * k);
                }
            for (int a = 0; a < G; a++)
                for (int c = 0; c < k; c++) {
                    double v = val[a * k + c];
                    total += (v - mean) * (v - mean) / ((double)G * k);
                    m0[a] += v / k;
                    m1[c] += v / G;
                }
            double want[2] = {0, 0};
            for (int a = 0; a < G; a++)
                want[0] += (m0[a] - mean) * (m0[a] - mean) / G;
            for (int c = 0; c < k; c++)
                want[1] += (m1[c] - mean) * (m1[c] - mean) / k;
            for (int j = 0; j < 2; j++) {
                double mv, tv;
                assert_int_equal(knob__fanova_tree(&f, t, j, lo, hi, &mv, &tv), 0);
                assert_true(fabs(tv - total) < 0.02 * total);
                assert_true(fabs(mv - want[j]) < 0.02 * total);
            }
            /* the categories explain most of it: Var(effect) about 1, the slope's about 0.6 */
            assert_true(want[1] > 0.5 * total);
        }
        knob__forest_free(&f);
    }
    free(X);
    free(y);
    free(val);
}

/* f = 10 x0 + x1 + 0 x2 ranks x0 > x1 > x2; an interaction-only function (x0 x1 on [-1, 1]^2)
 * has no main effects: its shares stay small though the forest explains it. */
static void fanova_ranks_known_functions(void **state)
{
    (void)state;
    enum { N = 300 };
    double X[N * 3], y[N], y2[N];
    knob_rng r;
    knob_rng_seed(&r, 8);
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 3; k++)
            X[i * 3 + k] = 2 * knob_rng_uniform(&r) - 1;
        y[i] = 10 * X[i * 3] + X[i * 3 + 1];
        y2[i] = X[i * 3] * X[i * 3 + 1];
    }
    double lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1}, imp[3];
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 16;
    o.max_depth = 64;
    knob__forest f = {0};
    assert_int_equal(knob__forest_fit(&f, X, y, N, 3, NULL, &o, &r), 0);
    assert_int_equal(knob__fanova(&f, lo, hi, imp), 0);
    assert_true(imp[0] > imp[1] && imp[1] > imp[2]);
    assert_true(imp[0] > 0.9 && imp[2] < 0.01);
    assert_int_equal(knob__forest_fit(&f, X, y2, N, 3, NULL, &o, &r), 0);
    assert_int_equal(knob__fanova(&f, lo, hi, imp), 0);
    assert_true(imp[0] + imp[1] + imp[2] < 0.3);
    knob__forest_free(&f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_matches_brute_force),
        cmocka_unit_test(tree_matches_brute_force_on_ties_and_signs),
        cmocka_unit_test(tree_matches_brute_force_with_many_categories),
        cmocka_unit_test(bootstrap_tree_matches_brute_force),
        cmocka_unit_test(nodes_keep_their_statistics),
        cmocka_unit_test(forest_mean_variance_and_seed),
        cmocka_unit_test(out_of_range_categories_are_nan),
        cmocka_unit_test(log_y_leaves),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(unseen_choices_split_at_random),
        cmocka_unit_test(fanova_matches_grid_integration),
        cmocka_unit_test(fanova_many_categories_matches_grid_integration),
        cmocka_unit_test(fanova_ranks_known_functions),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
