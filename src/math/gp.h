/* A Gaussian-process regression model on the unit cube, for Bayesian optimization.
 *
 * Kernel: Matern 5/2 with one inverse squared length scale per dimension (ARD), a signal
 * variance and a noise variance. Categorical dimensions hold a choice index and add
 * (x_i != x'_i) to the squared distance instead of (x_i - x'_i)^2 (a Hamming kernel).
 * Hyperparameters are fitted by maximizing the log marginal likelihood plus log priors
 * (analytic gradients, L-BFGS through NLopt), starting from the previous fit. Outputs
 * are expected standardized (mean 0, variance 1).
 *
 * Input warping (warp_inputs, off by default): each continuous coordinate x goes through
 * the Kumaraswamy CDF w(x) = 1 - (1 - x^a)^b before the kernel, a and b fitted with the
 * other hyperparameters (log-normal priors centred on a = b = 1, the identity), so a
 * function that varies most near one end of a param's range (a decision tree's
 * min_impurity_decrease near 0) is stationary in the warped coordinate (HEBO,
 * Cowen-Rivers et al. 2022; Snoek et al. 2014 with the Beta CDF).
 *
 * Two tasks (task, off by default): the first n_src rows are observations of a related
 * task, the others of this one, and the kernel is the intrinsic coregionalization model
 * k((x, s), (x', s')) = k_x(x, x') B[s, s'] with B = [[1, rho], [rho, 1]], rho = tanh(t)
 * fitted with the other hyperparameters (prior t ~ N(0, 1)). Predictions are of this task:
 * the other task's rows inform them through rho, and this task's rows correct them where
 * the two disagree (Swersky et al. 2013, multi-task Bayesian optimization). */
#ifndef KNOB_MATH_GP_H
#define KNOB_MATH_GP_H

#include "math/status.h"

#include <stdbool.h>
#include <stddef.h>

/* The most dimensions a model takes. Only theta and cat are sized by it (a knob__gp is about
 * 13 KiB: keep it on the heap); the data's buffers and the scratch of one point (dwork) take
 * the dimensions the data have, so that a fit or a prediction needs no stack in proportion
 * to the limit (a gp ask runs in a thread of 64 KiB of stack). 64 until 2027-01; at 300 a gp
 * ask costs about 0.1 s of CPU, at 500 about 0.13 s (docs/samplers.md). */
#define KNOB__GP_MAX_DIMS 512

typedef struct knob__gp {
    int n, d;
    bool cat[KNOB__GP_MAX_DIMS];
    bool any_cat;     /* some dimension is categorical */
    bool warp_inputs; /* Kumaraswamy warping of the continuous dimensions (set before
                         set_data; a change forgets the previous fit) */
    bool task;        /* two tasks (set before set_data; a change forgets the previous fit) */
    int n_src;        /* with task: the first n_src rows are the other task's */
    /* log inverse squared length scales [0, d), log signal variance [d], log noise [d+1];
     * with warp_inputs, log a and log b of dimension k at [d+2+2k] and [d+3+2k] (0 for
     * categorical dimensions, which are not warped); with task, the correlation's t last */
    double theta[3 * KNOB__GP_MAX_DIMS + 3];
    bool warped;       /* the data were set with warp_inputs */
    bool tasked;       /* the data were set with task */
    bool fitted;       /* theta holds a previous fit (for warm starts) */
    double min_noise;  /* lower bound of the noise variance */
    double *X;         /* n x d, row major */
    double *Xw;        /* n x d: X warped at theta (X itself without warp_inputs) */
    double *dwa, *dwb; /* n x d: d Xw / d log a and d log b (warp_inputs) */
    double *Xt;        /* d x n: the rows the kernel sees (Xw or X) transposed, column k at
                          Xt + k n, so the kernel's loops over the rows run over contiguous
                          memory (set with each factorization) */
    double *y;         /* n */
    double *L;         /* n x n, lower Cholesky factor of K (row major) */
    double *alpha;     /* K^-1 y */
    double *work;      /* 3 n x n + 4 n scratch */
    double *dwork;     /* 3 cap_d scratch of one point: the inverse squared length scales, its
                          warped coordinates and their derivatives (a prediction's, a fit's
                          evaluation's; written by predictions too: one call at a time) */
    size_t cap;        /* rows the buffers hold */
    int cap_d;         /* ... of this many dimensions (X, Xt, dwork, and Xw, dwa, dwb) */
    double lml;        /* log marginal likelihood + log prior at theta */
    int n_evals;       /* objective evaluations of the last fit */
} knob__gp;

void knob__gp_free(knob__gp *g);

/* Sets the data (copied) and the dimensions' kinds. When d or the kinds change, the
 * previous fit is forgotten. Returns 0, KNOB__MATH_EDIMS when d > KNOB__GP_MAX_DIMS, or
 * KNOB__MATH_ENOMEM (math/status.h). */
int knob__gp_set_data(knob__gp *g, const double *X, const double *y, int n, int d, const bool *cat);

/* The number of hyperparameters in theta: d + 2, or 3 d + 2 with warp_inputs; one more
 * with task. */
int knob__gp_n_theta(const knob__gp *g);

/* The Kumaraswamy warp of a unit coordinate x (clamped to [0, 1], then mapped into
 * [1e-6, 1 - 1e-6] so that every derivative is finite) with shapes a = e^la, b = e^lb;
 * its derivatives over x, la and lb into dx, dla, dlb (each may be NULL). */
double knob__gp_warp(double x, double la, double lb, double *dx, double *dla, double *dlb);

/* Fits theta (at most max_evals likelihood evaluations; from the previous fit when there
 * is one, else from the priors' centres) and factors K. Returns 0, KNOB__MATH_ENOMEM (the
 * optimizer's bounds and start, 3 x knob__gp_n_theta doubles, are allocated at each fit), or
 * KNOB__MATH_ENOTPD when K cannot be factored at any jitter. */
int knob__gp_fit(knob__gp *g, int max_evals);

/* Factors K at the current theta without refitting (after data changed). Returns 0 or
 * KNOB__MATH_ENOTPD. */
int knob__gp_factor(knob__gp *g);

/* Log marginal likelihood plus log priors at theta, with its gradient (grad may be NULL).
 * Uses g->work; -HUGE_VAL when K is not positive definite. */
double knob__gp_objective(knob__gp *g, const double *theta, double *grad);

/* The two tasks' correlation rho (1 without task). */
double knob__gp_task_rho(const knob__gp *g);

/* Posterior mean and variance at m points (rows of x, m x d; with task, of this task).
 * work: n x m doubles (and the model's dwork: one prediction of a model at a time). */
void knob__gp_predict(const knob__gp *g, const double *x, int m, double *mean, double *var,
                      double *work);

/* The leave-one-out posterior of each observation: the mean and variance (of the latent
 * function, without the noise) at row i of a model of the other n - 1 rows, at the current
 * theta, for every i (after a fit or a factor). work: n x n doubles. */
void knob__gp_loo(const knob__gp *g, double *mean, double *var, double *work);

/* Posterior mean and variance at one point, with their gradients over the continuous
 * dimensions (categorical entries are 0). work: 3 n doubles (and the model's dwork, as
 * knob__gp_predict). */
void knob__gp_predict_grad(const knob__gp *g, const double *x, double *mean, double *var,
                           double *dmean, double *dvar, double *work);

#endif
