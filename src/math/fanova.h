/* Functional ANOVA on a random forest (Hutter, Hoos and Leyton-Brown 2014, "An efficient
 * approach for assessing hyperparameter importance"): each tree is a piecewise-constant
 * function on the box of the features' domains; the variance of its main effect in one
 * feature (the tree averaged over every other feature, uniformly on their domains) divided by
 * the tree's total variance is that feature's share of the tree, and the importance is the
 * mean share over the trees whose variance is not 0. */
#ifndef KNOB_MATH_FANOVA_H
#define KNOB_MATH_FANOVA_H

#include "math/forest.h"

/* importance[j] for every feature j of the forest (f->d entries). lo and hi give each
 * continuous feature's domain (entries of categorical features are ignored: their domain is
 * their n_cats categories, each of weight 1). Features never split on get 0; all get 0 when
 * no tree varies. The shares are not normalized. Returns 0 or KNOB__MATH_ENOMEM. */
int knob__fanova(const knob__forest *f, const double *lo, const double *hi, double *importance);

/* knob__fanova in parts, for a forest fitted a few trees at a time (one tree of a large forest
 * is all the memory it needs): adds each tree's shares to sum[j] (f->d entries) and the trees
 * that vary to *used; knob__fanova's importance is sum / used (0 when used is 0). Returns 0 or
 * KNOB__MATH_ENOMEM. */
int knob__fanova_add(const knob__forest *f, const double *lo, const double *hi, double *sum,
                     int *used);

/* The main-effect variance of feature j in tree t and the tree's total variance (for tests
 * and for callers that weigh the trees otherwise). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__fanova_tree(const knob__forest *f, int t, int j, const double *lo, const double *hi,
                      double *main_var, double *total_var);

#endif
