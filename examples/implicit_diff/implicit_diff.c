/* Implicit differentiation for regularisation hyperparameters (Pedregosa 2016, "Hyperparameter
 * optimization with approximate gradient"; Lorraine et al. 2020): one L2 weight per feature
 * group of a logistic regression on the UCI digits (is the digit 5 or more?), the 64 pixels
 * grouped by image row (8 groups of 8), tuned by hypergradient descent on the validation
 * loss, beside knob's tpe and gp samplers with the same number of model fits.
 *
 * The model: w* (64 weights and a bias) minimizes the training objective
 *   L(w, lambda) = mean log loss(train) + 1/2 sum_j lambda_g(j) w_j^2
 * (Newton's method, from the previous fit). The validation loss V(w*) depends on lambda
 * through w*; the implicit function theorem on grad_w L(w*, lambda) = 0 gives
 *   dV/dlambda_g = -sum_{j in g} q_j w*_j,  q = H^-1 grad V,  H = d^2 L / dw^2 at w*,
 * one linear solve per fit. The search runs on theta = log lambda (dV/dtheta = lambda dV/dlambda)
 * with Adam steps, one model fit each. tpe and gp (libknob) each draw theta in
 * [log 1e-4, log 1e2] per group and fit as many models.
 *
 *   implicit_diff [--fits=N] [--seed=N] [--data=PATH] [--check]
 *
 * Prints, per method, the best validation loss found, that model's validation accuracy and
 * the fits spent; --check prints the hypergradient beside central finite differences at a
 * few points (max relative error) and exits. */
#include "../digits/digits_data.h"
#include "knob.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D (N_FEATURES + 1) /* weights and the bias (last) */
#define GROUPS 8
#define LOG_LO (-9.210340371976182) /* log 1e-4 */
#define LOG_HI (4.605170185988092)  /* log 1e2 */

typedef struct problem {
    dataset tr, va;
    double *ytr, *yva; /* 0/1 */
    double w[D];       /* the last fit, the next fit's start */
} problem;

static int group_of(int j)
{
    return j < N_FEATURES ? j / 8 : -1; /* pixel j is on image row j / 8; the bias: none */
}

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

static double dot_row(const float *x, const double *w)
{
    double s = w[N_FEATURES];
    for (int j = 0; j < N_FEATURES; j++)
        s += x[j] * w[j];
    return s;
}

/* In-place Cholesky of the D x D matrix A, then solves A z = b into b; -1 if not SPD. */
static int chol_solve(double *A, double *b)
{
    for (int j = 0; j < D; j++) {
        double s = A[j * D + j];
        for (int k = 0; k < j; k++)
            s -= A[j * D + k] * A[j * D + k];
        if (!(s > 0))
            return -1;
        A[j * D + j] = sqrt(s);
        for (int i = j + 1; i < D; i++) {
            double v = A[i * D + j];
            for (int k = 0; k < j; k++)
                v -= A[i * D + k] * A[j * D + k];
            A[i * D + j] = v / A[j * D + j];
        }
    }
    for (int i = 0; i < D; i++) {
        double v = b[i];
        for (int k = 0; k < i; k++)
            v -= A[i * D + k] * b[k];
        b[i] = v / A[i * D + i];
    }
    for (int i = D; i-- > 0;) {
        double v = b[i];
        for (int k = i + 1; k < D; k++)
            v -= A[k * D + i] * b[k];
        b[i] = v / A[i * D + i];
    }
    return 0;
}

static double reg_of(const double *lambda, int j)
{
    return j < N_FEATURES ? lambda[group_of(j)] : 1e-8; /* the bias is barely regularised */
}

/* The training objective's Hessian at w into H (D x D). */
static void hessian(const problem *p, const double *w, const double *lambda, double *H)
{
    memset(H, 0, sizeof(double) * D * D);
    size_t n = p->tr.n;
    for (size_t i = 0; i < n; i++) {
        const float *x = p->tr.x + i * N_FEATURES;
        double pr = sigmoid(dot_row(x, w)), s = pr * (1 - pr) / (double)n;
        for (int a = 0; a < D; a++) {
            double xa = a < N_FEATURES ? x[a] : 1;
            if (xa == 0)
                continue;
            for (int b = 0; b <= a; b++)
                H[a * D + b] += s * xa * (b < N_FEATURES ? x[b] : 1);
        }
    }
    for (int a = 0; a < D; a++) {
        for (int b = 0; b < a; b++)
            H[b * D + a] = H[a * D + b];
        H[a * D + a] += reg_of(lambda, a);
    }
}

/* w* for lambda by Newton's method from p->w (which it updates): one model fit. */
static int fit(problem *p, const double *lambda)
{
    static double H[D * D];
    for (int it = 0; it < 50; it++) {
        double g[D] = {0};
        size_t n = p->tr.n;
        for (size_t i = 0; i < n; i++) {
            const float *x = p->tr.x + i * N_FEATURES;
            double r = (sigmoid(dot_row(x, p->w)) - p->ytr[i]) / (double)n;
            for (int j = 0; j < N_FEATURES; j++)
                g[j] += r * x[j];
            g[N_FEATURES] += r;
        }
        double gn = 0;
        for (int j = 0; j < D; j++) {
            g[j] += reg_of(lambda, j) * p->w[j];
            gn = fmax(gn, fabs(g[j]));
        }
        if (gn < 1e-10)
            return 0;
        hessian(p, p->w, lambda, H);
        if (chol_solve(H, g))
            return -1;
        for (int j = 0; j < D; j++)
            p->w[j] -= g[j];
    }
    return 0;
}

/* Validation loss (mean log loss) and accuracy at w; grad V into gv when not NULL. */
static double val_loss(const problem *p, const double *w, double *acc, double *gv)
{
    double loss = 0, right = 0;
    size_t n = p->va.n;
    if (gv)
        memset(gv, 0, sizeof(double) * D);
    for (size_t i = 0; i < n; i++) {
        const float *x = p->va.x + i * N_FEATURES;
        double z = dot_row(x, w), y = p->yva[i];
        /* log(1 + e^z) - y z, stably */
        loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y * z;
        right += (z > 0) == (y > 0.5);
        if (gv) {
            double r = (sigmoid(z) - y) / (double)n;
            for (int j = 0; j < N_FEATURES; j++)
                gv[j] += r * x[j];
            gv[N_FEATURES] += r;
        }
    }
    if (acc)
        *acc = right / (double)n;
    return loss / (double)n;
}

/* Fits at theta (log lambda); V, accuracy, and dV/dtheta into grad (may be NULL). */
static double evaluate(problem *p, const double *theta, double *acc, double *grad)
{
    double lambda[GROUPS], gv[D];
    for (int g = 0; g < GROUPS; g++)
        lambda[g] = exp(theta[g]);
    if (fit(p, lambda))
        return NAN;
    double v = val_loss(p, p->w, acc, grad ? gv : NULL);
    if (!grad)
        return v;
    static double H[D * D];
    hessian(p, p->w, lambda, H);
    if (chol_solve(H, gv)) /* gv is now q = H^-1 grad V */
        return NAN;
    for (int g = 0; g < GROUPS; g++)
        grad[g] = 0;
    for (int j = 0; j < N_FEATURES; j++)
        grad[group_of(j)] -= gv[j] * p->w[j];
    for (int g = 0; g < GROUPS; g++)
        grad[g] *= lambda[g];
    return v;
}

/* ---------------------------------------------------------------- the methods */

typedef struct result {
    double loss, acc;
    int fits;
} result;

static void keep(result *r, double v, double acc)
{
    if (isfinite(v) && (r->fits == 0 || v < r->loss))
        r->loss = v, r->acc = acc;
    r->fits++;
}

/* Hypergradient descent: Adam on theta from lambda = 1e-2 everywhere. */
static result hyper(problem *p, int fits)
{
    double theta[GROUPS], m[GROUPS] = {0}, s[GROUPS] = {0}, grad[GROUPS];
    result r = {0};
    for (int g = 0; g < GROUPS; g++)
        theta[g] = log(1e-2);
    memset(p->w, 0, sizeof p->w);
    for (int t = 1; t <= fits; t++) {
        double acc, v = evaluate(p, theta, &acc, grad);
        keep(&r, v, acc);
        if (!isfinite(v))
            break;
        for (int g = 0; g < GROUPS; g++) {
            m[g] = 0.9 * m[g] + 0.1 * grad[g];
            s[g] = 0.999 * s[g] + 0.001 * grad[g] * grad[g];
            double mh = m[g] / (1 - pow(0.9, t)), sh = s[g] / (1 - pow(0.999, t));
            theta[g] = fmin(LOG_HI, fmax(LOG_LO, theta[g] - 0.5 * mh / (sqrt(sh) + 1e-12)));
        }
    }
    return r;
}

/* tpe or gp from libknob: theta of each group drawn in [LOG_LO, LOG_HI]. */
static result sampled(problem *p, const char *sampler, int fits, uint64_t seed)
{
    result r = {0};
    knob_storage *st = NULL;
    knob_sampler *sm = NULL;
    knob_study *s = NULL;
    char opts[64];
    snprintf(opts, sizeof opts, "seed=%llu", (unsigned long long)seed);
    knob_study_options so = {0};
    if (knob_storage_open("memory:", &st) || knob_sampler_create(sampler, opts, &sm)) {
        fprintf(stderr, "implicit_diff: %s: %s\n", sampler, knob_errmsg());
        knob_storage_close(st);
        return r;
    }
    so.sampler = sm;
    if (knob_study_create(st, sampler, &so, &s)) {
        fprintf(stderr, "implicit_diff: %s: %s\n", sampler, knob_errmsg());
        knob_storage_close(st);
        return r;
    }
    for (int k = 0; k < fits; k++) {
        knob_trial *t;
        double theta[GROUPS], acc = 0;
        if (knob_study_ask(s, &t))
            break;
        for (int g = 0; g < GROUPS; g++) {
            char name[16];
            snprintf(name, sizeof name, "log_l2_%d", g);
            knob_trial_suggest_float(t, name, LOG_LO, LOG_HI, 0, 0, &theta[g]);
        }
        memset(p->w, 0, sizeof p->w);
        double v = evaluate(p, theta, &acc, NULL);
        keep(&r, v, acc);
        if (isfinite(v))
            knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1);
        else
            knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
    }
    knob_study_free(s);
    knob_storage_close(st);
    return r;
}

/* The hypergradient beside central differences of V in theta; the largest relative error. */
static double check(problem *p)
{
    double worst = 0;
    for (int k = 0; k < 3; k++) {
        double theta[GROUPS], grad[GROUPS], acc;
        for (int g = 0; g < GROUPS; g++)
            theta[g] = -6 + 1.3 * g * (k + 1) / 3.0 - k;
        memset(p->w, 0, sizeof p->w);
        evaluate(p, theta, &acc, grad);
        for (int g = 0; g < GROUPS; g++) {
            double e = 1e-4, up[GROUPS], down[GROUPS];
            memcpy(up, theta, sizeof up);
            memcpy(down, theta, sizeof down);
            up[g] += e;
            down[g] -= e;
            double fd = (evaluate(p, up, &acc, NULL) - evaluate(p, down, &acc, NULL)) / (2 * e);
            double rel = fabs(grad[g] - fd) / fmax(fabs(fd), 1e-6);
            printf("point %d group %d: hypergradient %+.6e finite difference %+.6e\n", k, g,
                   grad[g], fd);
            worst = fmax(worst, rel);
        }
    }
    printf("max relative error %.3g\n", worst);
    return worst;
}

static void free_data(dataset *all, problem *p)
{
    free(all->x);
    free(all->y);
    free(p->tr.x);
    free(p->tr.y);
    free(p->va.x);
    free(p->va.y);
}

/* Whether text is a whole decimal number (nothing after it), in *out. */
static int whole(const char *text, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(text, &end, 10);
    return end != text && !*end && errno == 0 && (*text == '-' || isdigit((unsigned char)*text));
}

int main(int argc, char **argv)
{
    int fits = 30, do_check = 0;
    unsigned long long seed = 0;
    const char *data = DIGITS_DATA_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--fits=", 7)) {
            long long n;
            if (!whole(argv[i] + 7, &n) || n < 1 || n > 100000) {
                fprintf(stderr, "implicit_diff: %s: expected a whole number 1..100000\n", argv[i]);
                return 2;
            }
            fits = (int)n;
        } else if (!strncmp(argv[i], "--seed=", 7)) {
            long long n;
            if (!whole(argv[i] + 7, &n) || n < 0) {
                fprintf(stderr, "implicit_diff: %s: expected a whole number >= 0\n", argv[i]);
                return 2;
            }
            seed = (unsigned long long)n;
        } else if (!strncmp(argv[i], "--data=", 7))
            data = argv[i] + 7;
        else if (!strcmp(argv[i], "--check"))
            do_check = 1;
        else {
            fprintf(stderr, "usage: implicit_diff [--fits=N] [--seed=N] [--data=PATH] [--check]\n");
            return 2;
        }
    }
    dataset all;
    problem p = {0};
    if (load_digits(data, &all) || split(&all, &p.tr, &p.va))
        return 1;
    standardize(&p.tr, &p.va);
    p.ytr = malloc(p.tr.n * sizeof *p.ytr);
    p.yva = malloc(p.va.n * sizeof *p.yva);
    if (!p.ytr || !p.yva)
        return 1;
    for (size_t i = 0; i < p.tr.n; i++)
        p.ytr[i] = p.tr.y[i] >= 5;
    for (size_t i = 0; i < p.va.n; i++)
        p.yva[i] = p.va.y[i] >= 5;
    if (do_check) {
        int rc = check(&p) < 1e-3 ? 0 : 1;
        free(p.ytr);
        free(p.yva);
        free_data(&all, &p);
        return rc;
    }
    printf("digits, is the digit >= 5: logistic regression, one L2 weight per image row (8), "
           "%d model fits each, seed %llu\n",
           fits, seed);
    printf("%-34s %12s %14s %6s\n", "method", "val_loss", "val_accuracy", "fits");
    result none = {0};
    double zero[GROUPS];
    for (int g = 0; g < GROUPS; g++)
        zero[g] = LOG_LO;
    memset(p.w, 0, sizeof p.w);
    double acc0, v0 = evaluate(&p, zero, &acc0, NULL);
    keep(&none, v0, acc0);
    printf("%-34s %12.6f %14.4f %6d\n", "lambda 1e-4 everywhere (one fit)", none.loss, none.acc,
           none.fits);
    result h = hyper(&p, fits);
    printf("%-34s %12.6f %14.4f %6d\n", "hypergradient (implicit diff.)", h.loss, h.acc, h.fits);
    result t = sampled(&p, "tpe", fits, seed);
    printf("%-34s %12.6f %14.4f %6d\n", "tpe", t.loss, t.acc, t.fits);
    result gp = sampled(&p, "gp", fits, seed);
    printf("%-34s %12.6f %14.4f %6d\n", "gp", gp.loss, gp.acc, gp.fits);
    free(p.ytr);
    free(p.yva);
    free_data(&all, &p);
    return 0;
}
