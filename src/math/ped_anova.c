/* The Parzen estimators on a grid: one kernel per occupied grid point, weighted by its count,
 * plus a prior kernel of weight 1 (uniform over categories; a wide normal centred on the grid
 * for numbers). Numerical kernels are normals discretized on the integer grid and truncated
 * to it; their width is Scott's rule, 1.059 min(IQR / 1.34, sigma) n^-1/5, at least
 * 0.5 / 1.64 grid steps. */
#include "math/ped_anova.h"

#include <math.h>
#include <stdlib.h>

#define PRIOR_WEIGHT 1.0
#define MAX_STEPS 50

int knob__ped_grid_size(double n_values, bool log_int)
{
    if (log_int)
        n_values = ceil(log(n_values) / log(2.0)) + 1;
    if (n_values > 0 && n_values < MAX_STEPS)
        return (int)n_values;
    return MAX_STEPS;
}

int knob__ped_grid_index(double v, double low, double high, int size)
{
    if (size <= 1)
        return 0;
    double step = (high - low) / (size - 1);
    int i = (int)ceil((v - low) / step - 0.5);
    return i < 0 ? 0 : i >= size ? size - 1 : i;
}

static double phi(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* The mass of N(mu, sigma) on [a, b], computed in the tail that keeps it accurate. */
static double mass(double a, double b, double mu, double sigma)
{
    double za = (a - mu) / sigma, zb = (b - mu) / sigma;
    if (za > 0)
        return phi(-za) - phi(-zb);
    return phi(zb) - phi(za);
}

/* The estimator's probability of each of the size grid points, into p. */
static void pdf(const double *counts, int size, bool categorical, double *p)
{
    double total = 0;
    int n_obs = 0;
    for (int g = 0; g < size; g++) {
        total += counts[g];
        n_obs += counts[g] > 0;
        p[g] = 0;
    }
    if (n_obs == 0) {
        for (int g = 0; g < size; g++)
            p[g] = 1.0 / size;
        return;
    }
    double wsum = total + PRIOR_WEIGHT;
    if (categorical) {
        /* kernel of a choice c: (1 + prior / k) at c, prior / k elsewhere, over 1 + prior
         * (k = kernels, the observed choices and the prior); the prior kernel is uniform */
        double k = n_obs + 1, base = PRIOR_WEIGHT / k, norm = 1 + PRIOR_WEIGHT * size / k;
        double other = PRIOR_WEIGHT / wsum / size;
        for (int g = 0; g < size; g++)
            p[g] = other;
        for (int c = 0; c < size; c++) {
            if (counts[c] <= 0)
                continue;
            double w = counts[c] / wsum;
            for (int g = 0; g < size; g++)
                p[g] += w * (base + (g == c)) / norm;
        }
        return;
    }
    /* Scott's bandwidth from the weighted observations (grid indices) */
    double mean = 0;
    for (int g = 0; g < size; g++)
        mean += g * counts[g];
    mean /= total;
    double var = 0;
    for (int g = 0; g < size; g++)
        var += (g - mean) * (g - mean) * counts[g];
    double sd = sqrt(var / (total - 1 > 1 ? total - 1 : 1));
    /* quartiles as Optuna finds them: the first observation whose cumulative count reaches
     * floor(n / 4) (left) and the first whose cumulative count exceeds floor(3 n / 4) */
    double q1c = floor(total / 4), q3c = floor(total * 3 / 4), cum = 0;
    int q1 = -1, q3 = -1, last = 0;
    for (int g = 0; g < size; g++) {
        if (counts[g] <= 0)
            continue;
        cum += counts[g];
        last = g;
        if (q1 < 0 && cum >= q1c)
            q1 = g;
        if (q3 < 0 && cum > q3c)
            q3 = g;
    }
    if (q3 < 0)
        q3 = last;
    double iqr = q3 - q1;
    double sigma = 1.059 * fmin(iqr / 1.34, sd) * pow(total, -0.2);
    double smin = 0.5 / 1.64;
    if (!(sigma > smin))
        sigma = smin;
    double lo = -0.5, hi = size - 0.5;
    for (int o = 0; o < size; o++) {
        if (counts[o] <= 0)
            continue;
        double w = counts[o] / wsum, z = mass(lo, hi, o, sigma);
        for (int g = 0; g < size; g++)
            p[g] += w * mass(g - 0.5, g + 0.5, o, sigma) / z;
    }
    double mu0 = (size - 1) / 2.0, s0 = size; /* (low + high) / 2 and high - low + 1 */
    double z0 = mass(lo, hi, mu0, s0);
    for (int g = 0; g < size; g++)
        p[g] += PRIOR_WEIGHT / wsum * mass(g - 0.5, g + 0.5, mu0, s0) / z0;
}

double knob__ped_divergence(const double *top, const double *local, int size, bool categorical)
{
    double *pt = malloc(2 * (size_t)size * sizeof *pt);
    if (!pt)
        return NAN;
    double *pl = pt + size, div = 0;
    pdf(top, size, categorical, pt);
    pdf(local, size, categorical, pl);
    for (int g = 0; g < size; g++) {
        double a = pt[g] + 1e-12, b = pl[g] + 1e-12, r = a / b - 1;
        div += b * r * r;
    }
    free(pt);
    return div;
}
