/* PED-ANOVA's local importance of one parameter (Watanabe et al. 2023, "PED-ANOVA: efficiently
 * quantifying hyperparameter importance in arbitrary subspaces"): the Pearson divergence
 * between the parameter's density among the top trials and among the trials of the region,
 * both Parzen estimators on a grid (Scott's bandwidth for numbers, a smoothed histogram for
 * categories), as Optuna's PedAnovaImportanceEvaluator computes it. */
#ifndef KNOB_MATH_PED_ANOVA_H
#define KNOB_MATH_PED_ANOVA_H

#include <stdbool.h>

/* The grid a numerical parameter is counted on: at most 50 points, fewer for a short integer
 * range or a stepped float (n_values: the number of values the distribution has, 0 when
 * continuous; log_int: an integer on a log scale, whose grid has ceil(log2(n_values)) + 1
 * points). */
int knob__ped_grid_size(double n_values, bool log_int);

/* The index of the grid point nearest to v in [low, high] (already on the log scale for log
 * params) on a grid of `size` points; ties go to the lower point. */
int knob__ped_grid_index(double v, double low, double high, int size);

/* The Pearson divergence sum_g p_local(g) (p_top(g) / p_local(g) - 1)^2 of the estimators
 * built from the counts per grid point (size points) of the top trials and of the region's
 * trials. categorical: the grid is a set of choices, else ordered grid points. */
double knob__ped_divergence(const double *top, const double *local, int size, bool categorical);

#endif
