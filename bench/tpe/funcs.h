/* The test functions of the TPE benchmark (the same definitions as optuna_tpe.py):
 * their bounds and known minima. */
#ifndef BENCH_TPE_FUNCS_H
#define BENCH_TPE_FUNCS_H

#include <math.h>
#include <stddef.h>
#include <string.h>

typedef struct bench_func {
    const char *name;
    int dim;
    double (*f)(const double *x, int d);
    double low[8], high[8];
    double fmin; /* the global minimum, for regret */
} bench_func;

static double branin(const double *x, int d)
{
    (void)d;
    double a = 1, b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, r = 6, s = 10, t = 1 / (8 * M_PI);
    double u = x[1] - b * x[0] * x[0] + c * x[0] - r;
    return a * u * u + s * (1 - t) * cos(x[0]) + s;
}

static double hartmann6(const double *x, int d)
{
    (void)d;
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                   {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650},
                                   {4047, 8828, 8732, 5743, 1091, 381}};
    double sum = 0;
    for (int i = 0; i < 4; i++) {
        double inner = 0;
        for (int j = 0; j < 6; j++) {
            double e = x[j] - P[i][j] * 1e-4;
            inner += A[i][j] * e * e;
        }
        sum += alpha[i] * exp(-inner);
    }
    return -sum;
}

static double ackley(const double *x, int d)
{
    double s1 = 0, s2 = 0;
    for (int i = 0; i < d; i++) {
        s1 += x[i] * x[i];
        s2 += cos(2 * M_PI * x[i]);
    }
    return -20 * exp(-0.2 * sqrt(s1 / d)) - exp(s2 / d) + 20 + M_E;
}

static double rosenbrock(const double *x, int d)
{
    double s = 0;
    for (int i = 0; i + 1 < d; i++) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        s += 100 * a * a + b * b;
    }
    return s;
}

static double levy(const double *x, int d) /* any d */
{
    double w = 1 + (x[0] - 1) / 4;
    double s = sin(M_PI * w);
    s *= s;
    for (int i = 0; i + 1 < d; i++) {
        w = 1 + (x[i] - 1) / 4;
        double t = sin(M_PI * w + 1);
        s += (w - 1) * (w - 1) * (1 + 10 * t * t);
    }
    w = 1 + (x[d - 1] - 1) / 4;
    double t = sin(2 * M_PI * w);
    s += (w - 1) * (w - 1) * (1 + t * t);
    return s;
}

static double styblinski_tang(const double *x, int d)
{
    double s = 0;
    for (int i = 0; i < d; i++)
        s += x[i] * x[i] * x[i] * x[i] - 16 * x[i] * x[i] + 5 * x[i];
    return s / 2;
}

/* Plateaus: a 6-D function constant (0.9) outside a box of side 0.5963 (4.5% of
 * [0, 1]^6, [0.404, 1] on every axis); inside, a bowl from 0 at the box's centre up to
 * 0.9 at its corners. Random search finds the box in 64 trials 93 times in 100. */
#define PLATEAU_LO 0.404
#define PLATEAU_SIDE 0.5963
static double plateau6(const double *x, int d)
{
    double s = 0, half = 0.5 * PLATEAU_SIDE;
    for (int i = 0; i < d; i++) {
        if (x[i] < PLATEAU_LO || x[i] > PLATEAU_LO + PLATEAU_SIDE)
            return 0.9;
        double t = (x[i] - PLATEAU_LO - half) / half;
        s += t * t;
    }
    return 0.9 * s / d;
}

/* A "diverged" plateau: a 4-D bowl around (2, -1, 3, 0.5) in [-5, 5]^4 whose values
 * above 20 are all reported as 20 (most of the space: a run that diverged). */
static double clipped4(const double *x, int d)
{
    static const double c[4] = {2, -1, 3, 0.5};
    double s = 0;
    for (int i = 0; i < d; i++)
        s += (x[i] - c[i]) * (x[i] - c[i]);
    return s < 20 ? s : 20;
}

#define B6(v)                                                                                      \
    {                                                                                              \
        v, v, v, v, v, v                                                                           \
    }
static const bench_func bench_funcs[] = {
    {"branin", 2, branin, {-5, 0}, {10, 15}, 0.397887357729739},
    {"hartmann6", 6, hartmann6, B6(0), B6(1), -3.32236801141551},
    {"ackley5", 5, ackley, {-20, -20, -20, -20, -20}, {32.768, 32.768, 32.768, 32.768, 32.768}, 0},
    {"rosenbrock4", 4, rosenbrock, {-5, -5, -5, -5}, {10, 10, 10, 10}, 0},
    {"levy6", 6, levy, B6(-10), B6(10), 0},
    {"styblinski_tang8",
     8,
     styblinski_tang,
     {-5, -5, -5, -5, -5, -5, -5, -5},
     {5, 5, 5, 5, 5, 5, 5, 5},
     -39.16616570377142 * 8},
    {"plateau6", 6, plateau6, B6(0), B6(1), 0},
    {"clipped4", 4, clipped4, {-5, -5, -5, -5}, {5, 5, 5, 5}, 0},
};
#undef B6

static inline const bench_func *bench_func_find(const char *name)
{
    for (size_t i = 0; i < sizeof bench_funcs / sizeof *bench_funcs; i++)
        if (strcmp(bench_funcs[i].name, name) == 0)
            return &bench_funcs[i];
    return NULL;
}

#endif
