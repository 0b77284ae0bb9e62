/* A random forest of regression trees (CART on squared error), for fANOVA importance and the
 * smac sampler.
 *
 * Features are continuous (any double) or categorical (a choice index 0 .. n_cats-1 stored
 * as a double). NaN stands for an inactive value: a continuous split sends NaN to the left
 * child (it sorts below every number), a categorical split treats NaN as one more category.
 * Each tree is grown on a bootstrap sample (or on all rows), trying a random subset of the
 * features at each node, like scikit-learn's RandomForestRegressor and SMAC's pyrfr. Values
 * of a categorical feature outside 0 .. n_cats-1 count as NaN.
 *
 * Every node keeps its split, the mean, variance and size of its samples, so that fANOVA
 * can rebuild the cells (a node's box: an interval per continuous feature, a set of
 * categories per categorical one) and the predictions' spread across trees serves SMAC. */
#ifndef KNOB_MATH_FOREST_H
#define KNOB_MATH_FOREST_H

#include "knob.h" /* knob_rng, the seeded generator every draw takes */
#include "math/status.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct knob__forest_opts {
    int n_trees;           /* >= 1 */
    int max_depth;         /* the root has depth 0; a node at max_depth is a leaf */
    int min_samples_split; /* a node with fewer samples is a leaf */
    int min_samples_leaf;  /* each child of a split holds at least this many samples */
    double max_features;   /* fraction of the features tried at each node, (0, 1] */
    bool bootstrap;        /* each tree on n rows drawn with replacement, else on all rows */
    bool log_y;            /* y are logs (of costs): a node predicts log(mean(exp(y))) of its
                              samples, the mean in the original space (SMAC's log_y) */
    int random_unseen;     /* a split of a categorical feature of at least this many categories
                              (0: none) sends each category that none of its node's samples has
                              to a side drawn at random, as SMAC's pyrfr does; else such a
                              category goes right, with the larger mean y */
} knob__forest_opts;

typedef struct knob__forest_node {
    int feature;      /* the split feature, -1 for a leaf */
    int left, right;  /* children (node indices), -1 for a leaf */
    int cats;         /* categorical split: its left set, a bit set of n_cats + 1 bits at word
                         cats of the tree's cat_words (knob__forest_cat_words words): bit c sends
                         category c left, bit n_cats NaN; -1 for a continuous split or a leaf */
    int n_cats;       /* categorical split: the feature's categories (0 otherwise) */
    int n;            /* samples in the node (bootstrap repeats counted) */
    double threshold; /* continuous split: x <= threshold or x NaN goes left; NaN for a
                         categorical split */
    double mean;      /* mean of the node's samples' y (the prediction of a leaf; with log_y,
                         log(mean(exp(y)))) */
    double var;       /* population variance of the node's samples' y */
} knob__forest_node;

typedef struct knob__tree {
    knob__forest_node *nodes; /* nodes[0] is the root; children come after their parent */
    int n_nodes, cap;
    uint64_t *cat_words; /* the categorical splits' left sets (bit c of a set: bit c % 64 of
                            its word c / 64) */
    int n_words, words_cap;
} knob__tree;

typedef struct knob__forest {
    int d;       /* features */
    int *n_cats; /* per feature: 0 continuous, else its number of categories */
    int n_trees; /* trees fitted */
    knob__tree *trees;
} knob__forest;

/* Options as scikit-learn's RandomForestRegressor defaults (100 trees, no depth limit, split
 * from 2 samples, leaves of 1, all features, bootstrap; not log_y; unseen categories right). */
knob__forest_opts knob__forest_defaults(void);

/* The words of a categorical split's left set for a feature of n_cats categories (one bit each,
 * and one for NaN). */
int knob__forest_cat_words(int n_cats);

/* Fits the forest to n rows of X (n x d, row major) and y (n, finite). n_cats (d entries; NULL:
 * all continuous) says which features are categorical; a feature may have any number of
 * categories (its splits are subsets of them, whatever their count). Draws come from r. A
 * previous fit is replaced. Returns 0, KNOB__MATH_ENOMEM, or KNOB__MATH_EDIMS when n < 1,
 * d < 1, a count of categories is negative or INT_MAX, or an option is out of range. */
int knob__forest_fit(knob__forest *f, const double *X, const double *y, int n, int d,
                     const int *n_cats, const knob__forest_opts *o, knob_rng *r);

void knob__forest_free(knob__forest *f);

/* The index of the leaf of tree t that x (d values) falls in. A categorical feature's value
 * outside 0 .. n_cats-1 goes where NaN goes, as the rows of such values went while it grew. */
int knob__tree_leaf(const knob__tree *t, const double *x);

/* Whether x_j (a value of the split feature) goes to the left child of node nd of tree t. */
bool knob__forest_goes_left(const knob__tree *t, const knob__forest_node *nd, double xj);

/* The mean of the trees' predictions at x and their population variance across trees (var
 * may be NULL). */
void knob__forest_predict(const knob__forest *f, const double *x, double *mean, double *var);

#endif
