/* A quadratic model's minimizer within a ball (quad.h). */
#include "math/quad.h"
#include "math/chol.h"
#include "math/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t knob__quad_coefs(size_t d, bool full)
{
    return full ? 1 + d + d * (d + 1) / 2 : 1 + 2 * d;
}

/* Solves M z = b in place (b becomes z) by Cholesky; M (n x n, row-major) is overwritten
 * with its factor. False when M is not positive definite. */
static bool chol_solve(double *M, double *b, size_t n)
{
    if (knob__chol(M, n) != KNOB__MATH_OK)
        return false;
    knob__chol_forward(M, n, b);
    knob__chol_backward(M, n, b);
    return true;
}

/* The features of point s (scaled): 1, s, then s_j s_k (k >= j) or s_j^2. */
static void features(const double *s, size_t d, bool full, double *f)
{
    size_t c = 0;
    f[c++] = 1;
    for (size_t j = 0; j < d; j++)
        f[c++] = s[j];
    for (size_t j = 0; j < d; j++)
        for (size_t k = j; k < (full ? d : j + 1); k++)
            f[c++] = s[j] * s[k];
}

/* The gradient at 0 and Hessian (d x d) of the fitted model of coefficients b. */
static void derivatives(const double *b, size_t d, bool full, double *g, double *H)
{
    size_t c = 1;
    memset(H, 0, d * d * sizeof *H);
    for (size_t j = 0; j < d; j++)
        g[j] = b[c++];
    for (size_t j = 0; j < d; j++)
        for (size_t k = j; k < (full ? d : j + 1); k++) {
            double v = b[c++];
            if (k == j)
                H[j * d + j] = 2 * v;
            else
                H[j * d + k] = H[k * d + j] = v;
        }
}

/* The damped Newton step -(H + lambda I)^-1 g within radius r (scaled), into s. */
static bool damped_step(const double *H, const double *g, size_t d, double r, double *M, double *s)
{
    double tr = 0, lam = 0;
    for (size_t j = 0; j < d; j++)
        tr += fabs(H[j * d + j]);
    tr = tr / (double)d + 1e-9;
    for (int it = 0; it < 60; it++) {
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++)
                M[a * d + b] = H[a * d + b] + (a == b ? lam : 0);
        for (size_t j = 0; j < d; j++)
            s[j] = -g[j];
        if (chol_solve(M, s, d)) {
            double len = 0;
            for (size_t j = 0; j < d; j++)
                len += s[j] * s[j];
            if (sqrt(len) <= r)
                return true;
        }
        lam = lam == 0 ? 1e-3 * tr : 2 * lam;
    }
    return false;
}

int knob__quad_min(const double *x, const double *y, size_t n, size_t d, bool full, double r,
                   double *out)
{
    size_t nc = knob__quad_coefs(d, full);
    if (d == 0 || n < nc + 2)
        return KNOB__MATH_EDIMS;
    double *M = malloc((nc * nc + 2 * nc + 2 * d * d + 3 * d) * sizeof *M);
    if (!M)
        return KNOB__MATH_ENOMEM;
    double *b = M + nc * nc, *f = b + nc, *H = f + nc, *D = H + d * d, *g = D + d * d, *s = g + d,
           *u = s + d;
    double scale = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double len = 0;
        for (size_t j = 0; j < d; j++)
            len += x[i * d + j] * x[i * d + j];
        scale = fmax(scale, sqrt(len));
        lo = fmin(lo, y[i]);
        hi = fmax(hi, y[i]);
    }
    scale = scale > 0 ? scale : 1;
    double span = hi > lo ? hi - lo : 1;
    memset(M, 0, nc * nc * sizeof *M);
    memset(b, 0, nc * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            u[j] = x[i * d + j] / scale;
        features(u, d, full, f);
        double v = (y[i] - lo) / span;
        for (size_t a = 0; a < nc; a++) {
            b[a] += f[a] * v;
            for (size_t c = 0; c < nc; c++)
                M[a * nc + c] += f[a] * f[c];
        }
    }
    for (size_t a = 0; a < nc; a++)
        M[a * nc + a] += 1e-8 + (a > d ? 1e-6 : 0);
    int rc = KNOB__MATH_ENOTPD;
    if (chol_solve(M, b, nc)) {
        derivatives(b, d, full, g, H);
        if (damped_step(H, g, d, r / scale, D, s)) {
            for (size_t j = 0; j < d; j++)
                out[j] = s[j] * scale;
            rc = KNOB__MATH_OK;
        }
    }
    free(M);
    return rc;
}
