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

/* The main-effect variance of feature j in tree t and the tree's total variance (for tests
 * and for callers that weigh the trees otherwise). Returns 0 or KNOB__MATH_ENOMEM. */
int knob__fanova_tree(const knob__forest *f, int t, int j, const double *lo, const double *hi,
                      double *main_var, double *total_var);

#endif
