/* Regression trees grown depth first: at each node the best split of a random subset of the
 * features (squared error), found by sorting the node's values (continuous) or by sorting the
 * categories by their mean y and cutting that order (categorical: the best of all subsets for
 * squared error, Breiman et al. 1984, 9.4). */
#include "math/forest.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A sample of a tree: its value of one feature, its y and its row of X. */
typedef struct pair {
    double v, y;
    int row;
} pair;

/* A pair with its value's sort key (key_of). */
typedef struct keyed {
    uint64_t key;
    pair p;
} keyed;

typedef struct catstat {
    double sum, mean;
    int n, c;
} catstat;

/* What one tree's growth needs, sized for the fit's sample count. */
typedef struct grower {
    const double *X, *y;
    int d;
    const int *n_cats;
    const knob__forest_opts *o;
    knob_rng *r;
    int n;    /* samples of a tree */
    int *idx; /* the tree's sample rows, partitioned node by node, each side in its order */
    /* For each continuous feature (slot[j] >= 0), the tree's samples sorted by that feature
     * at sorted + slot[j] * n, partitioned node by node as idx is: a node's samples are the
     * same stretch of every list, already in order. */
    int *slot;
    pair *sorted;
    pair *spare_pairs;   /* a stretch of a list while it is partitioned */
    int *spare_idx;      /* the same for idx */
    unsigned char *left; /* by row of X: the row goes to the left child of the split */
    keyed *keys, *spare; /* sort keys of one list, and the radix sort's second buffer */
    int *feats;          /* a permutation of the features */
    /* A categorical feature's split: per category (NaN last) its samples' sum and count in the
     * node, all 0 between nodes; the categories present, in the order the cut takes them; the
     * left set being cut and the best one (knob__forest_cat_words of the widest feature). */
    catstat *cs, *order;
    uint64_t *run, *best_cats;
    knob__tree *t;
} grower;

typedef struct split {
    int feature;
    double threshold; /* NaN for a categorical split: its left set is the grower's best_cats */
    double score;     /* sum_L^2 / n_L + sum_R^2 / n_R of centred y: larger is better */
} split;

knob__forest_opts knob__forest_defaults(void)
{
    knob__forest_opts o = {100, 1 << 30, 2, 1, 1.0, true, false, 0};
    return o;
}

void knob__forest_free(knob__forest *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n_trees; i++) {
        free(f->trees[i].nodes);
        free(f->trees[i].cat_words);
    }
    free(f->trees);
    free(f->n_cats);
    memset(f, 0, sizeof *f);
}

int knob__forest_cat_words(int n_cats)
{
    return n_cats / 64 + 1; /* n_cats + 1 bits */
}

/* The category of value v of a feature of k categories: k for NaN and values out of range. */
static int category_of(double v, int k)
{
    return v >= 0 && v < k ? (int)v : k;
}

bool knob__forest_goes_left(const knob__tree *t, const knob__forest_node *nd, double xj)
{
    if (nd->cats >= 0) {
        int c = category_of(xj, nd->n_cats);
        return (t->cat_words[nd->cats + c / 64] >> (c % 64)) & 1u;
    }
    return isnan(xj) || xj <= nd->threshold;
}

int knob__tree_leaf(const knob__tree *t, const double *x)
{
    int i = 0;
    while (t->nodes[i].feature >= 0) {
        const knob__forest_node *nd = &t->nodes[i];
        i = knob__forest_goes_left(t, nd, x[nd->feature]) ? nd->left : nd->right;
    }
    return i;
}

/* An unsigned key that orders values as the splits need them: NaN below every number, -0 and
 * +0 equal, and otherwise as the doubles. */
static uint64_t key_of(double v)
{
    if (isnan(v))
        return 0;
    if (v == 0)
        v = 0; /* -0 */
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    /* negative numbers: all bits flipped (larger magnitude, smaller key); positive ones: the
     * sign bit set, above every negative; -inf stays above NaN's 0 */
    return (b >> 63) ? ~b : b | (uint64_t)1 << 63;
}

/* Sorts p[0, m) by key_of(v), stably: equal values keep their order (the tree's sample
 * order, which every node keeps). Short lists by insertion, longer ones by a
 * least-significant-digit radix sort over the key's bytes, skipping the bytes that all keys
 * share (an exponent, a sign). */
static void sort_pairs(grower *g, pair *p, int m)
{
    keyed *a = g->keys, *b = g->spare;
    if (m < 32) {
        for (int i = 0; i < m; i++) {
            keyed e = {key_of(p[i].v), p[i]};
            int k = i;
            for (; k > 0 && a[k - 1].key > e.key; k--)
                a[k] = a[k - 1];
            a[k] = e;
        }
        for (int i = 0; i < m; i++)
            p[i] = a[i].p;
        return;
    }
    int count[8][256];
    memset(count, 0, sizeof count);
    for (int i = 0; i < m; i++) {
        uint64_t k = key_of(p[i].v);
        a[i] = (keyed){k, p[i]};
        for (int d = 0; d < 8; d++)
            count[d][(k >> (8 * d)) & 255]++;
    }
    for (int d = 0; d < 8; d++) {
        int *c = count[d];
        if (c[(a[0].key >> (8 * d)) & 255] == m)
            continue; /* every key has this byte */
        int at = 0;
        for (int v = 0; v < 256; v++) {
            int n = c[v];
            c[v] = at;
            at += n;
        }
        for (int i = 0; i < m; i++)
            b[c[(a[i].key >> (8 * d)) & 255]++] = a[i];
        keyed *t = a;
        a = b;
        b = t;
    }
    for (int i = 0; i < m; i++)
        p[i] = a[i].p;
}

static int cat_cmp(const void *a, const void *b)
{
    const catstat *u = a, *w = b;
    if (u->mean != w->mean)
        return (u->mean > w->mean) - (u->mean < w->mean);
    return (u->c > w->c) - (u->c < w->c);
}

static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The best threshold of continuous feature j over the node's samples p[0, m), sorted by
 * their values of j; centre: the node's mean. Returns whether the feature varies in the
 * node. */
static bool best_continuous(grower *g, int j, const pair *p, int m, double centre, split *best)
{
    if (same_value(p[0].v, p[m - 1].v))
        return false;
    double total = 0;
    for (int i = 0; i < m; i++)
        total += p[i].y - centre;
    int leaf = g->o->min_samples_leaf;
    double left = 0;
    for (int i = 0; i < m - 1; i++) {
        left += p[i].y - centre;
        int nl = i + 1, nr = m - nl;
        if (nl < leaf)
            continue;
        if (nr < leaf)
            break;
        if (same_value(p[i].v, p[i + 1].v))
            continue;
        double right = total - left;
        double score = left * left / nl + right * right / nr;
        if (score > best->score) {
            best->score = score;
            best->feature = j;
            if (isnan(p[i].v))
                best->threshold = -INFINITY;
            else {
                best->threshold = 0.5 * (p[i].v + p[i + 1].v);
                /* the midpoint of two neighbouring doubles may round up to the upper one */
                if (best->threshold >= p[i + 1].v)
                    best->threshold = p[i].v;
            }
        }
    }
    return true;
}

/* The best subset split of categorical feature j (NaN and values out of range as category
 * n_cats): the categories present sorted by their mean y, cut where the split is best, which
 * is the best of all their subsets. Only the node's samples and the categories present are
 * visited, so a feature of many categories costs no more than one of a few. Returns whether
 * the feature varies in the node. */
static bool best_categorical(grower *g, int j, const int *idx, int m, double centre, split *best)
{
    int nc = g->n_cats[j], present = 0;
    catstat *cs = g->cs, *order = g->order;
    for (int i = 0; i < m; i++) {
        int c = category_of(g->X[(size_t)idx[i] * g->d + j], nc);
        if (cs[c].n++ == 0)
            order[present++].c = c;
        cs[c].sum += g->y[idx[i]] - centre;
    }
    for (int i = 0; i < present; i++) {
        catstat *t = &cs[order[i].c];
        order[i] = (catstat){t->sum, t->sum / t->n, t->n, order[i].c};
        *t = (catstat){0, 0, 0, 0};
    }
    if (present < 2)
        return false;
    /* (mean, category) orders them totally: the order of the list does not matter */
    qsort(order, (size_t)present, sizeof *order, cat_cmp);
    double total = 0;
    for (int c = 0; c < present; c++)
        total += order[c].sum;
    int leaf = g->o->min_samples_leaf, nl = 0, words = knob__forest_cat_words(nc);
    double left = 0;
    memset(g->run, 0, (size_t)words * sizeof *g->run);
    for (int c = 0; c < present - 1; c++) {
        left += order[c].sum;
        nl += order[c].n;
        g->run[order[c].c / 64] |= (uint64_t)1 << (order[c].c % 64);
        int nr = m - nl;
        if (nl < leaf || nr < leaf)
            continue;
        double right = total - left;
        double score = left * left / nl + right * right / nr;
        if (score > best->score) {
            best->score = score;
            best->feature = j;
            best->threshold = NAN;
            memcpy(g->best_cats, g->run, (size_t)words * sizeof *g->run);
        }
    }
    return true;
}

/* The categories of feature j (NaN's aside) that none of the node's samples idx[0, m) has, each
 * added to the best left set with probability 1/2 (SMAC's pyrfr): the split says nothing of
 * them, and the trees disagree on them where they all sent them with the costlier side. One
 * draw gives 64 categories their sides: a draw each made smac's 200 trials on 10,000 choices
 * take 8.7 s of CPU, 0.95 s so. */
static void place_unseen(grower *g, int j, const int *idx, int m)
{
    int nc = g->n_cats[j], words = knob__forest_cat_words(nc);
    memset(g->run, 0, (size_t)words * sizeof *g->run);
    for (int i = 0; i < m; i++) {
        int c = category_of(g->X[(size_t)idx[i] * g->d + j], nc);
        g->run[c / 64] |= (uint64_t)1 << (c % 64);
    }
    for (int w = 0; w < words; w++) {
        uint64_t unseen = ~g->run[w];
        if (w == words - 1) /* its bit nc % 64 is NaN's */
            unseen &= ((uint64_t)1 << (nc % 64)) - 1;
        if (unseen)
            g->best_cats[w] |= knob_rng_next(g->r) & unseen;
    }
}

/* Appends a left set of `words` words to tree t's; returns its first word's index or -1 (no
 * memory). */
static int push_cats(knob__tree *t, const uint64_t *set, int words)
{
    if (t->n_words > INT_MAX / 2 - words)
        return -1;
    if (t->n_words + words > t->words_cap) {
        int cap = t->words_cap ? t->words_cap : 16;
        while (cap < t->n_words + words)
            cap *= 2;
        uint64_t *w = realloc(t->cat_words, (size_t)cap * sizeof *w);
        if (!w)
            return -1;
        t->cat_words = w;
        t->words_cap = cap;
    }
    memcpy(t->cat_words + t->n_words, set, (size_t)words * sizeof *set);
    t->n_words += words;
    return t->n_words - words;
}

static int push_node(knob__tree *t)
{
    if (t->n_nodes == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        knob__forest_node *nodes = realloc(t->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes)
            return -1;
        t->nodes = nodes;
        t->cap = cap;
    }
    return t->n_nodes++;
}

/* Moves the samples of p[0, m) whose rows go left (g->left) before the others, each side in
 * its order; `spare` holds m. */
static void partition_pairs(const grower *g, pair *p, int m, pair *spare)
{
    int nl = 0, nr = 0;
    for (int i = 0; i < m; i++) {
        if (g->left[p[i].row])
            p[nl++] = p[i];
        else
            spare[nr++] = p[i];
    }
    memcpy(p + nl, spare, (size_t)nr * sizeof *p);
}

/* Grows the subtree of the samples at lo .. lo + m of idx and of the sorted lists at depth;
 * returns its root's index or -1 (no memory). */
static int grow(grower *g, int lo, int m, int depth)
{
    int *idx = g->idx + lo;
    int id = push_node(g->t);
    if (id < 0)
        return -1;
    double sum = 0;
    for (int i = 0; i < m; i++)
        sum += g->y[idx[i]];
    double mean = sum / m, ss = 0;
    for (int i = 0; i < m; i++) {
        double e = g->y[idx[i]] - mean;
        ss += e * e;
    }
    knob__forest_node nd = {.feature = -1,
                            .left = -1,
                            .right = -1,
                            .cats = -1,
                            .n = m,
                            .threshold = NAN,
                            .mean = mean,
                            .var = ss / m};
    if (g->o->log_y) {
        double top = -INFINITY, se = 0;
        for (int i = 0; i < m; i++)
            top = fmax(top, g->y[idx[i]]);
        for (int i = 0; i < m; i++)
            se += exp(g->y[idx[i]] - top);
        nd.mean = top + log(se / m);
    }
    g->t->nodes[id] = nd;
    const knob__forest_opts *o = g->o;
    if (depth >= o->max_depth || m < o->min_samples_split || m < 2 * o->min_samples_leaf ||
        ss <= 1e-12 * (1 + mean * mean) * m)
        return id;

    /* Features in a random order; the first k that vary are tried (more when none of them
     * has a valid split, as scikit-learn does). */
    int d = g->d, k = (int)(o->max_features * d);
    if (k < 1)
        k = 1;
    for (int i = 0; i < d; i++)
        g->feats[i] = i;
    split best = {-1, NAN, 1e-12 * ss}; /* a split must lower the error */
    int tried = 0;
    for (int i = 0; i < d && (tried < k || best.feature < 0); i++) {
        int s = i + (int)knob_rng_below(g->r, (uint64_t)(d - i));
        int j = g->feats[s];
        g->feats[s] = g->feats[i];
        g->feats[i] = j;
        /* a constant feature does not count as tried */
        if (g->n_cats[j] > 0
                ? best_categorical(g, j, idx, m, mean, &best)
                : best_continuous(g, j, g->sorted + (size_t)g->slot[j] * g->n + lo, m, mean, &best))
            tried++;
    }
    if (best.feature < 0)
        return id;

    /* Partition the samples, left ones first, each side in its order: idx and every sorted
     * list, so that each child's lists are sorted too. */
    knob__forest_node probe = nd;
    probe.threshold = best.threshold;
    if (g->n_cats[best.feature] > 0) {
        probe.n_cats = g->n_cats[best.feature];
        if (o->random_unseen > 0 && probe.n_cats >= o->random_unseen)
            place_unseen(g, best.feature, idx, m);
        probe.cats = push_cats(g->t, g->best_cats, knob__forest_cat_words(probe.n_cats));
        if (probe.cats < 0)
            return -1;
    }
    int nl = 0, nr = 0;
    for (int i = 0; i < m; i++) {
        bool l = knob__forest_goes_left(g->t, &probe, g->X[(size_t)idx[i] * d + best.feature]);
        g->left[idx[i]] = l;
        if (l)
            idx[nl++] = idx[i];
        else
            g->spare_idx[nr++] = idx[i];
    }
    if (nl == 0 || nl == m) {
        if (probe.cats >= 0)
            g->t->n_words = probe.cats; /* the set is the last one pushed */
        return id;
    }
    memcpy(idx + nl, g->spare_idx, (size_t)nr * sizeof *idx);
    for (int j = 0; j < d; j++)
        if (g->slot[j] >= 0)
            partition_pairs(g, g->sorted + (size_t)g->slot[j] * g->n + lo, m, g->spare_pairs);
    int left = grow(g, lo, nl, depth + 1);
    if (left < 0)
        return -1;
    int right = grow(g, lo + nl, m - nl, depth + 1);
    if (right < 0)
        return -1;
    knob__forest_node *p = &g->t->nodes[id];
    p->feature = best.feature;
    p->threshold = best.threshold;
    p->cats = probe.cats;
    p->n_cats = probe.n_cats;
    p->left = left;
    p->right = right;
    return id;
}

static bool opts_valid(const knob__forest_opts *o)
{
    return o->n_trees >= 1 && o->max_depth >= 0 && o->min_samples_split >= 2 &&
           o->min_samples_leaf >= 1 && o->max_features > 0 && o->max_features <= 1;
}

int knob__forest_fit(knob__forest *f, const double *X, const double *y, int n, int d,
                     const int *n_cats, const knob__forest_opts *o, knob_rng *r)
{
    knob__forest_free(f);
    if (n < 1 || d < 1 || !opts_valid(o))
        return KNOB__MATH_EDIMS;
    int most_cats = 0; /* the widest categorical feature's count */
    for (int j = 0; n_cats && j < d; j++) {
        if (n_cats[j] < 0 || n_cats[j] == INT_MAX)
            return KNOB__MATH_EDIMS;
        if (n_cats[j] > most_cats)
            most_cats = n_cats[j];
    }
    f->n_cats = calloc((size_t)d, sizeof *f->n_cats);
    f->trees = calloc((size_t)o->n_trees, sizeof *f->trees);
    grower g = {.X = X, .y = y, .d = d, .n_cats = f->n_cats, .o = o, .r = r, .n = n};
    int n_cont = 0;
    for (int j = 0; j < d; j++)
        n_cont += !n_cats || n_cats[j] == 0;
    g.idx = malloc((size_t)n * sizeof *g.idx);
    g.slot = malloc((size_t)d * sizeof *g.slot);
    g.sorted = malloc((size_t)n * (size_t)(n_cont ? n_cont : 1) * sizeof *g.sorted);
    g.spare_pairs = malloc((size_t)n * sizeof *g.spare_pairs);
    g.spare_idx = malloc((size_t)n * sizeof *g.spare_idx);
    g.left = malloc((size_t)n);
    g.keys = malloc((size_t)n * sizeof *g.keys);
    g.spare = malloc((size_t)n * sizeof *g.spare);
    g.feats = malloc((size_t)d * sizeof *g.feats);
    g.cs = calloc((size_t)most_cats + 1, sizeof *g.cs);
    g.order = malloc(((size_t)most_cats + 1) * sizeof *g.order);
    g.run = malloc((size_t)knob__forest_cat_words(most_cats) * sizeof *g.run);
    g.best_cats = malloc((size_t)knob__forest_cat_words(most_cats) * sizeof *g.best_cats);
    int rc = KNOB__MATH_OK;
    if (!f->n_cats || !f->trees || !g.idx || !g.slot || !g.sorted || !g.spare_pairs ||
        !g.spare_idx || !g.left || !g.keys || !g.spare || !g.feats || !g.cs || !g.order || !g.run ||
        !g.best_cats) {
        rc = KNOB__MATH_ENOMEM;
        goto done;
    }
    f->d = d;
    if (n_cats)
        memcpy(f->n_cats, n_cats, (size_t)d * sizeof *n_cats);
    for (int j = 0, k = 0; j < d; j++)
        g.slot[j] = f->n_cats[j] == 0 ? k++ : -1;
    for (int t = 0; t < o->n_trees; t++) {
        for (int i = 0; i < n; i++)
            g.idx[i] = o->bootstrap ? (int)knob_rng_below(r, (uint64_t)n) : i;
        /* each continuous feature's list, sorted once a tree */
        for (int j = 0; j < d; j++) {
            if (g.slot[j] < 0)
                continue;
            pair *p = g.sorted + (size_t)g.slot[j] * n;
            for (int i = 0; i < n; i++)
                p[i] = (pair){X[(size_t)g.idx[i] * d + j], y[g.idx[i]], g.idx[i]};
            sort_pairs(&g, p, n);
        }
        g.t = &f->trees[t];
        f->n_trees = t + 1;
        if (grow(&g, 0, n, 0) < 0) {
            rc = KNOB__MATH_ENOMEM;
            goto done;
        }
    }
done:
    free(g.idx);
    free(g.slot);
    free(g.sorted);
    free(g.spare_pairs);
    free(g.spare_idx);
    free(g.left);
    free(g.keys);
    free(g.spare);
    free(g.feats);
    free(g.cs);
    free(g.order);
    free(g.run);
    free(g.best_cats);
    if (rc != KNOB__MATH_OK)
        knob__forest_free(f);
    return rc;
}

void knob__forest_predict(const knob__forest *f, const double *x, double *mean, double *var)
{
    double s = 0, ss = 0;
    for (int t = 0; t < f->n_trees; t++) {
        const knob__tree *tr = &f->trees[t];
        double v = tr->nodes[knob__tree_leaf(tr, x)].mean;
        s += v;
        ss += v * v;
    }
    double m = s / f->n_trees;
    *mean = m;
    if (var) {
        double v = ss / f->n_trees - m * m;
        *var = v > 0 ? v : 0;
    }
}
