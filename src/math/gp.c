/* Gaussian-process regression: Matern 5/2 ARD kernel, hyperparameters by maximum a
 * posteriori (log marginal likelihood plus log priors), posterior with gradients.
 *
 * Priors, for inputs in the unit cube and standardized outputs:
 * - inverse squared length scales nu: log p = -(0.1 / nu + 0.1 nu), peaked at a length
 *   scale of the cube's side and falling off on both sides (Optuna's GPSampler uses this
 *   shape; on bench/samplers it beat a log-normal prior growing with the dimension,
 *   Hvarfner et al. 2024, on 5 of 6 functions);
 * - signal variance: Gamma(2, 1), mode 1;
 * - noise variance: Gamma(1.1, 30), most mass below 0.1, with a floor of min_noise;
 * - with warp_inputs, the Kumaraswamy shapes a and b of each continuous dimension:
 *   log-normal with median 1 (no warp) and log standard deviation WARP_SD, within
 *   [0.1, 10].
 * - with task, the tasks' correlation rho = tanh(t): t ~ N(0, 1), within [-3, 3].
 * theta holds log inverse squared length scales, log signal variance and
 * log(noise - min_noise), then (warp_inputs) log a and log b of each dimension, then (task)
 * t. */
#include "math/gp.h"
#include "math/fastexp.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#define SQRT5 2.23606797749978969641
#define WARP_SD 0.75
#define WARP_EPS 1e-6

void knob__gp_free(knob__gp *g)
{
    free(g->X);
    free(g->Xw);
    free(g->dwa);
    free(g->dwb);
    free(g->Xt);
    free(g->y);
    free(g->L);
    free(g->alpha);
    free(g->work);
    free(g->dwork);
    memset(g, 0, sizeof *g);
}

/* Room for n rows of d dimensions; the rows' buffers and dwork take the dimensions the data
 * have (at most KNOB__GP_MAX_DIMS), so that a model of few params holds no room for many. */
static int reserve(knob__gp *g, int n, int d)
{
    size_t need = (size_t)n;
    bool rows_ok = need <= g->cap && g->X, dims_ok = rows_ok && d <= g->cap_d;
    bool warp_ok = !g->warp_inputs || (g->Xw && g->dwa && g->dwb);
    if (dims_ok && warp_ok)
        return KNOB__MATH_OK;
    size_t cap = rows_ok ? g->cap : need + need / 8 + 16;
    int cap_d = dims_ok ? g->cap_d : d > g->cap_d ? d : g->cap_d;
    if (g->warp_inputs || g->Xw) { /* (those of an earlier warp grow with the rest) */
        size_t bytes = cap * (size_t)cap_d * sizeof(double);
        double *a = realloc(g->Xw, bytes);
        if (a)
            g->Xw = a;
        double *b = realloc(g->dwa, bytes);
        if (b)
            g->dwa = b;
        double *c = realloc(g->dwb, bytes);
        if (c)
            g->dwb = c;
        if (!a || !b || !c)
            return KNOB__MATH_ENOMEM;
    }
    if (dims_ok)
        return KNOB__MATH_OK;
    double *X = realloc(g->X, cap * (size_t)cap_d * sizeof *X);
    if (X)
        g->X = X;
    double *Xt = realloc(g->Xt, cap * (size_t)cap_d * sizeof *Xt);
    if (Xt)
        g->Xt = Xt;
    double *y = realloc(g->y, cap * sizeof *y);
    if (y)
        g->y = y;
    double *L = realloc(g->L, cap * cap * sizeof *L);
    if (L)
        g->L = L;
    double *alpha = realloc(g->alpha, cap * sizeof *alpha);
    if (alpha)
        g->alpha = alpha;
    double *work = realloc(g->work, (3 * cap * cap + 4 * cap) * sizeof *work);
    if (work)
        g->work = work;
    double *dwork = realloc(g->dwork, 3 * (size_t)cap_d * sizeof *dwork);
    if (dwork)
        g->dwork = dwork;
    if (!X || !Xt || !y || !L || !alpha || !work || !dwork)
        return KNOB__MATH_ENOMEM;
    g->cap = cap;
    g->cap_d = cap_d;
    return KNOB__MATH_OK;
}

int knob__gp_n_theta(const knob__gp *g)
{
    return (g->warped ? 3 * g->d + 2 : g->d + 2) + g->tasked;
}

/* The index of the task correlation's t in theta. */
static int task_at(const knob__gp *g)
{
    return g->warped ? 3 * g->d + 2 : g->d + 2;
}

double knob__gp_task_rho(const knob__gp *g)
{
    return g->tasked ? tanh(g->theta[task_at(g)]) : 1;
}

/* Rows i and c are of different tasks (the source's rows come first). */
static inline bool across(const knob__gp *g, int i, int c)
{
    return g->tasked && (i < g->n_src) != (c < g->n_src);
}

/* B[s, s'] of rows i and c at correlation rho: rho when one row is the other task's. */
static inline double task_factor(const knob__gp *g, int i, int c, double rho)
{
    return across(g, i, c) ? rho : 1;
}

static void default_theta(knob__gp *g)
{
    for (int k = 0; k < g->d; k++)
        g->theta[k] = 0;
    g->theta[g->d] = 0;
    g->theta[g->d + 1] = log(1e-3);
    for (int k = 0; k < 2 * g->d + 1; k++)
        g->theta[g->d + 2 + k] = 0;
}

double knob__gp_warp(double x, double la, double lb, double *dx, double *dla, double *dlb)
{
    double a = exp(la), b = exp(lb);
    double xe = WARP_EPS + (1 - 2 * WARP_EPS) * fmin(fmax(x, 0), 1);
    double lx = log(xe), u = exp(a * lx), l1u = log1p(-u);
    double ob = exp(b * l1u);        /* (1 - u)^b */
    double ob1 = exp((b - 1) * l1u); /* (1 - u)^(b - 1) */
    if (dx)
        *dx = x < 0 || x > 1 ? 0 : (1 - 2 * WARP_EPS) * a * b * exp((a - 1) * lx) * ob1;
    if (dla)
        *dla = a * b * ob1 * u * lx;
    if (dlb)
        *dlb = -b * ob * l1u;
    return 1 - ob;
}

/* The rows of X at the warp of theta into Xw, with the derivatives over the warp's
 * parameters when grad. Nothing without warp_inputs. */
static void warp_rows(knob__gp *g, const double *theta, bool grad)
{
    if (!g->warped)
        return;
    int n = g->n, d = g->d;
    for (int k = 0; k < d; k++) {
        double la = theta[d + 2 + 2 * k], lb = theta[d + 3 + 2 * k];
        for (int i = 0; i < n; i++) {
            size_t at = (size_t)i * d + k;
            if (g->cat[k]) {
                g->Xw[at] = g->X[at];
                g->dwa[at] = g->dwb[at] = 0;
            } else {
                g->Xw[at] = knob__gp_warp(g->X[at], la, lb, NULL, grad ? &g->dwa[at] : NULL,
                                          grad ? &g->dwb[at] : NULL);
            }
        }
    }
}

/* The rows the kernel sees: warped or not. */
static const double *kernel_rows(const knob__gp *g)
{
    return g->warped ? g->Xw : g->X;
}

/* One point x warped at the current theta into xw (its derivatives over x into dx when
 * not NULL); x itself without warp_inputs. */
static const double *warp_point(const knob__gp *g, const double *x, double *xw, double *dx)
{
    if (!g->warped)
        return x;
    int d = g->d;
    for (int k = 0; k < d; k++) {
        if (g->cat[k]) {
            xw[k] = x[k];
            if (dx)
                dx[k] = 1;
        } else {
            xw[k] = knob__gp_warp(x[k], g->theta[d + 2 + 2 * k], g->theta[d + 3 + 2 * k],
                                  dx ? &dx[k] : NULL, NULL, NULL);
        }
    }
    return xw;
}

int knob__gp_set_data(knob__gp *g, const double *X, const double *y, int n, int d, const bool *cat)
{
    if (d > KNOB__GP_MAX_DIMS)
        return KNOB__MATH_EDIMS;
    int rc = reserve(g, n, d);
    if (rc)
        return rc;
    bool same = g->d == d && g->warped == g->warp_inputs && g->tasked == g->task;
    for (int k = 0; same && k < d; k++)
        same = g->cat[k] == cat[k];
    if (!same) {
        g->d = d;
        g->warped = g->warp_inputs;
        g->tasked = g->task;
        memcpy(g->cat, cat, (size_t)d * sizeof *cat);
        g->any_cat = false;
        for (int k = 0; k < d; k++)
            g->any_cat |= cat[k];
        g->fitted = false;
    }
    if (!g->fitted)
        default_theta(g);
    g->n = n;
    memcpy(g->X, X, (size_t)n * (size_t)d * sizeof *X);
    memcpy(g->y, y, (size_t)n * sizeof *y);
    return KNOB__MATH_OK;
}

/* The kernel's rows (kernel_rows) transposed into Xt. */
static void transpose_rows(knob__gp *g)
{
    int n = g->n, d = g->d;
    const double *X = kernel_rows(g);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < d; k++)
            g->Xt[(size_t)k * n + i] = X[(size_t)i * d + k];
}

/* Squared distances, with inverse squared length scales nu, between x and rows [0, m) of
 * the data (from Xt), into r2. Loops over the rows inside one over the dimensions: the
 * kernel's evaluations are most of an ask's time, and these loops vectorize. */
static void dist2_rows(const knob__gp *g, const double *nu, const double *x, int m, double *r2)
{
    size_t ld = (size_t)g->n;
    for (int j = 0; j < m; j++)
        r2[j] = 0;
    for (int k = 0; k < g->d; k++) {
        const double *col = g->Xt + (size_t)k * ld;
        double xk = x[k], nk = nu[k];
        if (g->cat[k]) {
#pragma omp simd
            for (int j = 0; j < m; j++)
                r2[j] += xk != col[j] ? nk : 0;
        } else {
#pragma omp simd
            for (int j = 0; j < m; j++) {
                double t = xk - col[j];
                r2[j] += nk * t * t;
            }
        }
    }
}

/* The Matern 5/2 kernel of squared distances r2[0, m), in place: s2 m(r) with
 * m(r) = (1 + sqrt5 r + 5/3 r^2) e^(-sqrt5 r); with q, also q(r) = (1 + sqrt5 r) e^(-sqrt5 r)
 * (the derivative's shape: d m / d r^2 = -5/6 q). */
static void matern_rows(double s2, double *r2, double *q, int m)
{
    if (q) {
#pragma omp simd
        for (int j = 0; j < m; j++) {
            double r = sqrt(r2[j]), e = knob__exp_neg(-SQRT5 * r);
            q[j] = (1 + SQRT5 * r) * e;
            r2[j] = s2 * (q[j] + 5.0 / 3.0 * r2[j] * e);
        }
        return;
    }
#pragma omp simd
    for (int j = 0; j < m; j++) {
        double r = sqrt(r2[j]), e = knob__exp_neg(-SQRT5 * r);
        r2[j] = s2 * (1 + SQRT5 * r + 5.0 / 3.0 * r2[j]) * e;
    }
}

/* Cholesky factor of the symmetric matrix whose lower triangle (row major) is in L, in
 * place. Row-major lower is column-major upper: LAPACK reads it without a transposed
 * copy. */
static int potrf(double *L, int n)
{
    return LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', n, L, n);
}

/* K into L (lower triangle), factored. With M and Q (lower triangles), the Matern
 * shape m(r) = (1 + sqrt5 r + 5/3 r^2) e^(-sqrt5 r) and q(r) = (1 + sqrt5 r) e^(-sqrt5 r)
 * of each pair, for the gradient. Adds growing jitter when the factorization fails.
 * Returns the jitter's index or -1. */
static int build_factor(knob__gp *g, const double *theta, double *L, double *M, double *Q)
{
    int n = g->n, d = g->d;
    double *nu = g->dwork;
    for (int k = 0; k < d; k++)
        nu[k] = exp(theta[k]);
    double s2 = exp(theta[d]), noise = g->min_noise + exp(theta[d + 1]);
    double rho = g->tasked ? tanh(theta[task_at(g)]) : 1;
    const double *X = kernel_rows(g);
    transpose_rows(g);
    static const double jitter[] = {0, 1e-8, 1e-6, 1e-4};
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < n; i++) {
            double *row = L + (size_t)i * n, *mi = M ? M + (size_t)i * n : row;
            if (j == 0 || !M) {
                dist2_rows(g, nu, X + (size_t)i * d, i, mi);
                matern_rows(1, mi, M ? Q + (size_t)i * n : NULL, i);
            }
            for (int c = 0; c < i; c++)
                row[c] = s2 * mi[c] * task_factor(g, i, c, rho);
            row[i] = s2 + noise + jitter[j] * s2;
        }
        if (potrf(L, n) == 0)
            return j;
    }
    return -1;
}

static double log_prior(const knob__gp *g, const double *theta, double *grad)
{
    int d = g->d;
    double lp = 0;
    for (int k = 0; k < d; k++) {
        double nu = exp(theta[k]);
        lp -= 0.1 / nu + 0.1 * nu;
        if (grad)
            grad[k] += 0.1 / nu - 0.1 * nu;
    }
    double s2 = exp(theta[d]);
    lp += theta[d] - s2; /* Gamma(2, 1): log s2 - s2 */
    if (grad)
        grad[d] += 1 - s2;
    double e = exp(theta[d + 1]), noise = g->min_noise + e;
    lp += 0.1 * log(noise) - 30 * noise;
    if (grad)
        grad[d + 1] += (0.1 / noise - 30) * e;
    for (int k = 0; g->warped && k < 2 * d; k++) {
        double t = theta[d + 2 + k];
        lp -= 0.5 * t * t / (WARP_SD * WARP_SD);
        if (grad)
            grad[d + 2 + k] -= t / (WARP_SD * WARP_SD);
    }
    if (g->tasked) {
        double t = theta[task_at(g)];
        lp -= 0.5 * t * t;
        if (grad)
            grad[task_at(g)] -= t;
    }
    return lp;
}

double knob__gp_objective(knob__gp *g, const double *theta, double *grad)
{
    int n = g->n, d = g->d;
    size_t nn = (size_t)n * n;
    double *L = g->work, *M = L + nn, *Q = M + nn, *a = Q + nn;
    if (grad)
        memset(grad, 0, (size_t)knob__gp_n_theta(g) * sizeof *grad);
    warp_rows(g, theta, grad != NULL);
    if (build_factor(g, theta, L, grad ? M : NULL, Q) < 0)
        return -HUGE_VAL;
    memcpy(a, g->y, (size_t)n * sizeof *a);
    LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', n, 1, L, n, a, n);
    double fit = 0, logdet = 0;
    for (int i = 0; i < n; i++) {
        fit += g->y[i] * a[i];
        logdet += log(L[(size_t)i * n + i]);
    }
    double lml = -0.5 * fit - logdet - 0.5 * n * log(2 * M_PI);
    if (grad) {
        /* d lml / d theta = 1/2 tr((a a^T - K^-1) dK/dtheta); K^-1 into L's triangle */
        LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', n, L, n);
        double *nu = g->dwork, gs = 0, gn = 0;
        for (int k = 0; k < d; k++)
            nu[k] = exp(theta[k]);
        double s2 = exp(theta[d]), e = exp(theta[d + 1]), gt = 0;
        double rho = g->tasked ? tanh(theta[task_at(g)]) : 1;
        const double *X = kernel_rows(g);
        double *ga = grad + d + 2, *dk = a + n; /* dk: d K_ic / d r^2 times the weight */
        for (int i = 0; i < n; i++) {
            const double *xi = X + (size_t)i * d;
            const double *li = L + (size_t)i * n, *mi = M + (size_t)i * n, *qi = Q + (size_t)i * n;
            for (int c = 0; c < i; c++) {
                double w = a[i] * a[c] - li[c]; /* off the diagonal: both triangles */
                if (across(g, i, c)) {
                    gt += w * s2 * mi[c] * (1 - rho * rho); /* d rho / d t = 1 - rho^2 */
                    w *= rho;
                }
                gs += w * s2 * mi[c];
                dk[c] = w * s2 * (-5.0 / 6.0) * qi[c];
            }
            /* d r^2 / d log nu_k = nu_k t^2, over the rows before i at once */
            for (int k = 0; k < d; k++) {
                const double *col = g->Xt + (size_t)k * n;
                double sum = 0;
                if (g->cat[k]) {
#pragma omp simd reduction(+ : sum)
                    for (int c = 0; c < i; c++)
                        sum += xi[k] != col[c] ? dk[c] : 0;
                } else {
#pragma omp simd reduction(+ : sum)
                    for (int c = 0; c < i; c++) {
                        double t = xi[k] - col[c];
                        sum += dk[c] * t * t;
                    }
                }
                grad[k] += nu[k] * sum;
            }
            /* d r^2 / d log a_k = 2 nu_k t (dw_ik - dw_ck), likewise for b */
            for (int c = 0; g->warped && c < i; c++) {
                const double *xc = X + (size_t)c * d;
                size_t oi = (size_t)i * d, oc = (size_t)c * d;
                for (int k = 0; k < d; k++) {
                    if (g->cat[k])
                        continue;
                    double f = 2 * dk[c] * nu[k] * (xi[k] - xc[k]);
                    ga[2 * k] += f * (g->dwa[oi + k] - g->dwa[oc + k]);
                    ga[2 * k + 1] += f * (g->dwb[oi + k] - g->dwb[oc + k]);
                }
            }
            double w = a[i] * a[i] - li[i];
            gs += 0.5 * w * s2;
            gn += 0.5 * w * e;
        }
        grad[d] += gs;
        grad[d + 1] += gn;
        if (g->tasked)
            grad[task_at(g)] += gt;
    }
    return lml + log_prior(g, theta, grad);
}

static double nlopt_fn(unsigned nt, const double *theta, double *grad, void *data)
{
    knob__gp *g = data;
    double v = knob__gp_objective(g, theta, grad);
    g->n_evals++;
    if (!isfinite(v)) {
        if (grad)
            memset(grad, 0, nt * sizeof *grad);
        return -1e300;
    }
    return v;
}

int knob__gp_factor(knob__gp *g)
{
    int n = g->n;
    warp_rows(g, g->theta, false);
    if (build_factor(g, g->theta, g->L, NULL, NULL) < 0)
        return KNOB__MATH_ENOTPD;
    memcpy(g->alpha, g->y, (size_t)n * sizeof *g->alpha);
    LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', n, 1, g->L, n, g->alpha, n);
    return KNOB__MATH_OK;
}

int knob__gp_fit(knob__gp *g, int max_evals)
{
    int d = g->d, nt = knob__gp_n_theta(g);
    /* the bounds and the start, by the model's own dimensions */
    double *lo = malloc(3 * (size_t)nt * sizeof *lo);
    if (!lo)
        return KNOB__MATH_ENOMEM;
    double *hi = lo + nt, *theta = hi + nt;
    for (int k = 0; k < d; k++) {
        lo[k] = log(1e-4);
        hi[k] = log(1e4);
    }
    lo[d] = log(1e-3);
    hi[d] = log(1e3);
    lo[d + 1] = log(1e-10);
    hi[d + 1] = log(10.0);
    for (int k = 0; k < 2 * d && g->warped; k++) {
        bool cat = g->cat[k / 2];
        lo[d + 2 + k] = cat ? 0 : log(0.1);
        hi[d + 2 + k] = cat ? 0 : log(10.0);
    }
    if (g->tasked) {
        lo[task_at(g)] = -3;
        hi[task_at(g)] = 3;
    }
    for (int k = 0; k < nt; k++)
        theta[k] = fmin(fmax(g->theta[k], lo[k]), hi[k]);
    g->n_evals = 0;
    double best = -HUGE_VAL;
    if (max_evals > 0 && g->n > 0) {
        nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nt);
        if (!opt) {
            free(lo);
            return KNOB__MATH_ENOMEM;
        }
        nlopt_set_max_objective(opt, nlopt_fn, g);
        nlopt_set_lower_bounds(opt, lo);
        nlopt_set_upper_bounds(opt, hi);
        nlopt_set_maxeval(opt, max_evals);
        /* log likelihoods apart by 1e-3 are the same model */
        nlopt_set_ftol_abs(opt, 1e-3);
        nlopt_set_xtol_rel(opt, 1e-4);
        nlopt_result res = nlopt_optimize(opt, theta, &best);
        nlopt_destroy(opt);
        if (res < 0 || !isfinite(best)) {
            /* Keep the start when the search failed. */
            for (int k = 0; k < nt; k++)
                theta[k] = fmin(fmax(g->theta[k], lo[k]), hi[k]);
            best = knob__gp_objective(g, theta, NULL);
        }
    }
    memcpy(g->theta, theta, (size_t)nt * sizeof *theta);
    free(lo);
    g->lml = best;
    g->fitted = true;
    return knob__gp_factor(g);
}

static void nu_of(const knob__gp *g, double *nu)
{
    for (int k = 0; k < g->d; k++)
        nu[k] = exp(g->theta[k]);
}

void knob__gp_loo(const knob__gp *g, double *mean, double *var, double *work)
{
    int n = g->n, d = g->d;
    double noise = g->min_noise + exp(g->theta[d + 1]);
    /* K^-1 from the factor: its diagonal gives every left-out prediction at once (Rasmussen
     * and Williams 2006, 5.4.2) */
    memcpy(work, g->L, (size_t)n * n * sizeof *work);
    LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', n, work, n);
    for (int i = 0; i < n; i++) {
        double kii = work[(size_t)i * n + i];
        mean[i] = g->y[i] - g->alpha[i] / kii;
        var[i] = fmax(1 / kii - noise, 1e-12 * exp(g->theta[d]));
    }
}

void knob__gp_predict(const knob__gp *g, const double *x, int m, double *mean, double *var,
                      double *work)
{
    int n = g->n, d = g->d;
    double *nu = g->dwork, s2 = exp(g->theta[d]), *xw = nu + d;
    double rho = knob__gp_task_rho(g);
    nu_of(g, nu);
    for (int i = 0; i < m; i++) {
        double *row = work + (size_t)i * n;
        dist2_rows(g, nu, warp_point(g, x + (size_t)i * d, xw, NULL), n, row);
        matern_rows(s2, row, NULL, n);
        for (int j = 0; g->tasked && j < g->n_src; j++)
            row[j] *= rho;
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0, work, n, g->alpha, 1, 0.0, mean, 1);
    /* rows of work become (L^-1 k)^T */
    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0, g->L, n,
                work, n);
    for (int i = 0; i < m; i++) {
        const double *row = work + (size_t)i * n;
        var[i] = fmax(s2 - cblas_ddot(n, row, 1, row, 1), 1e-12 * s2);
    }
}

void knob__gp_predict_grad(const knob__gp *g, const double *x, double *mean, double *var,
                           double *dmean, double *dvar, double *work)
{
    int n = g->n, d = g->d;
    double *nu = g->dwork, s2 = exp(g->theta[d]), *xw = nu + d, *dx = xw + d;
    nu_of(g, nu);
    x = warp_point(g, x, xw, dx);
    double *k = work, *v = work + n, *dk = work + 2 * (size_t)n;
    dist2_rows(g, nu, x, n, k);
    matern_rows(s2, k, dk, n);
    for (int j = 0; j < n; j++)
        dk[j] *= s2 * (-5.0 / 6.0); /* dk/d(r^2) */
    for (int j = 0; g->tasked && j < g->n_src; j++) {
        double rho = knob__gp_task_rho(g);
        k[j] *= rho;
        dk[j] *= rho;
    }
    *mean = cblas_ddot(n, k, 1, g->alpha, 1);
    memcpy(v, k, (size_t)n * sizeof *v);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, n, g->L, n, v, 1);
    *var = fmax(s2 - cblas_ddot(n, v, 1, v, 1), 1e-12 * s2);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, n, g->L, n, v, 1);
    /* v = K^-1 k now */
    for (int c = 0; c < d; c++) {
        dmean[c] = dvar[c] = 0;
        if (g->cat[c])
            continue;
        double sm = 0, sv = 0;
        const double *col = g->Xt + (size_t)c * n;
#pragma omp simd reduction(+ : sm, sv)
        for (int j = 0; j < n; j++) {
            double dkc = dk[j] * 2 * nu[c] * (x[c] - col[j]);
            sm += dkc * g->alpha[j];
            sv += dkc * v[j];
        }
        /* over the unwarped coordinate: times dw/dx */
        double chain = g->warped ? dx[c] : 1;
        dmean[c] = sm * chain;
        dvar[c] = -2 * sv * chain;
    }
}
