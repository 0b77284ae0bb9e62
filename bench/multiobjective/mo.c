/* The multi-objective problems of bench/multiobjective with a knob sampler: prints the
 * hypervolume of the feasible front at the problem's fixed reference point and the time
 * per trial (wall and CPU, user + system, of the whole loop: sampler, study and problem).
 * usage: bench_mo PROBLEM SAMPLER TRIALS SEED [OPTION=VALUE ...] (the sampler's options)
 *   zdt1, zdt2, zdt3  30 params in [0, 1], 2 objectives, reference point (1.1, 11)
 *   dtlz2             12 params in [0, 1], 3 objectives, reference point (1.1, 1.1, 1.1)
 *   c2dtlz2           DTLZ2 with the C2 constraint (Jain and Deb 2014, r = 0.4), same point
 *   bnh               Binh-Korn: 2 params, 2 objectives, 2 constraints, point (140, 50)
 * SAMPLER gp-ref is gp with the problem's reference point as its option reference_point.
 * A sampler that refuses the study (gp before it took several objectives) prints "n/a". */
#include "knob.h"

#include <math.h>
#include <stdbool.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_D 30
#define MAX_OPTS 8

typedef struct problem {
    const char *name;
    int d, m, nc;
    double lo[2], hi[2]; /* bounds of every param (bnh: per param) */
    double ref[3];
} problem;

static const problem problems[] = {
    {"zdt1", 30, 2, 0, {0, 0}, {1, 1}, {1.1, 11, 0}},
    {"zdt2", 30, 2, 0, {0, 0}, {1, 1}, {1.1, 11, 0}},
    {"zdt3", 30, 2, 0, {0, 0}, {1, 1}, {1.1, 11, 0}},
    {"dtlz2", 12, 3, 0, {0, 0}, {1, 1}, {1.1, 1.1, 1.1}},
    {"c2dtlz2", 12, 3, 1, {0, 0}, {1, 1}, {1.1, 1.1, 1.1}},
    {"bnh", 2, 2, 2, {0, 0}, {5, 3}, {140, 50, 0}},
};

static void dtlz2(const double *x, int d, double *f)
{
    double g = 0;
    for (int i = 2; i < d; i++)
        g += (x[i] - 0.5) * (x[i] - 0.5);
    double a = x[0] * M_PI / 2, b = x[1] * M_PI / 2;
    f[0] = (1 + g) * cos(a) * cos(b);
    f[1] = (1 + g) * cos(a) * sin(b);
    f[2] = (1 + g) * sin(a);
}

static void evaluate(const problem *p, const double *x, double *f, double *c)
{
    if (!strncmp(p->name, "zdt", 3)) {
        double g = 0;
        for (int i = 1; i < p->d; i++)
            g += x[i];
        g = 1 + 9 * g / (p->d - 1);
        f[0] = x[0];
        double r = f[0] / g;
        if (!strcmp(p->name, "zdt1"))
            f[1] = g * (1 - sqrt(r));
        else if (!strcmp(p->name, "zdt2"))
            f[1] = g * (1 - r * r);
        else
            f[1] = g * (1 - sqrt(r) - r * sin(10 * M_PI * f[0]));
    } else if (!strcmp(p->name, "bnh")) {
        f[0] = 4 * x[0] * x[0] + 4 * x[1] * x[1];
        f[1] = (x[0] - 5) * (x[0] - 5) + (x[1] - 5) * (x[1] - 5);
        c[0] = (x[0] - 5) * (x[0] - 5) + x[1] * x[1] - 25;
        c[1] = 7.7 - ((x[0] - 8) * (x[0] - 8) + (x[1] + 3) * (x[1] + 3));
    } else {
        dtlz2(x, p->d, f);
        if (p->nc) { /* C2: feasible near the front's corners and centre, r = 0.4 */
            double r2 = 0.16, best = INFINITY, centre = 0;
            for (int i = 0; i < 3; i++) {
                double v = (f[i] - 1) * (f[i] - 1) - r2;
                for (int j = 0; j < 3; j++)
                    if (j != i)
                        v += f[j] * f[j];
                best = fmin(best, v);
                centre += (f[i] - 1 / sqrt(3)) * (f[i] - 1 / sqrt(3));
            }
            c[0] = fmin(best, centre - r2);
        }
    }
}

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 5 + MAX_OPTS) {
        fprintf(stderr, "usage: bench_mo PROBLEM SAMPLER TRIALS SEED [OPTION=VALUE ...]\n");
        return 2;
    }
    const problem *p = NULL;
    for (size_t i = 0; i < sizeof problems / sizeof *problems; i++)
        if (!strcmp(argv[1], problems[i].name))
            p = &problems[i];
    if (!p) {
        fprintf(stderr, "unknown problem %s (zdt1, zdt2, zdt3, dtlz2, c2dtlz2, bnh)\n", argv[1]);
        return 2;
    }
    int n = atoi(argv[3]);
    /* the seed, then each OPTION=VALUE taken whole (a value may hold commas: [1.1, 11]) */
    const char *keys[MAX_OPTS + 2] = {"seed"}, *vals[MAX_OPTS + 2] = {argv[4]};
    char kbuf[MAX_OPTS][64];
    int n_opts = 1;
    for (int i = 5; i < argc; i++, n_opts++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq - argv[i] >= 64)
            return fprintf(stderr, "option %s: expected OPTION=VALUE\n", argv[i]), 2;
        snprintf(kbuf[i - 5], sizeof kbuf[i - 5], "%.*s", (int)(eq - argv[i]), argv[i]);
        keys[n_opts] = kbuf[i - 5];
        vals[n_opts] = eq + 1;
    }
    /* gp-ref: gp given the problem's reference point (option reference_point) */
    const char *sampler = argv[2];
    char ref[96];
    if (!strcmp(sampler, "gp-ref")) {
        sampler = "gp";
        snprintf(ref, sizeof ref, p->m == 2 ? "[%.17g, %.17g]" : "[%.17g, %.17g, %.17g]", p->ref[0],
                 p->ref[1], p->ref[2]);
        keys[n_opts] = "reference_point";
        vals[n_opts++] = ref;
    }
    knob_storage *st;
    knob_sampler *sm;
    knob_study *s;
    knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    if (knob_storage_open("memory:", &st) ||
        knob_sampler_create_pairs(sampler, keys, vals, (size_t)n_opts, &sm))
        return fprintf(stderr, "%s\n", knob_errmsg()), 1;
    knob_study_options o = {.directions = dirs, .n_objectives = (size_t)p->m, .sampler = sm};
    if (knob_study_create(st, "mo", &o, &s))
        return fprintf(stderr, "%s\n", knob_errmsg()), 1;
    char names[MAX_D][8]; /* made once, as optuna_mo.py does */
    for (int i = 0; i < p->d; i++)
        snprintf(names[i], sizeof names[i], "x%d", i);
    double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
    int n_in = 0; /* trials inside the reference point's box (and feasible) */
    for (int k = 0; k < n; k++) {
        knob_trial *t;
        double x[MAX_D], f[3], c[2];
        int rc = knob_study_ask(s, &t);
        for (int i = 0; !rc && i < p->d; i++) {
            int b = p->d == 2 ? i : 0;
            rc = knob_trial_suggest_float(t, names[i], p->lo[b], p->hi[b], 0, 0, &x[i]);
        }
        if (rc == KNOB_EUNSUPPORTED) { /* the sampler refuses the study */
            printf("%s knob-%s %d %s n/a (%s)\n", argv[1], argv[2], n, argv[4], knob_errmsg());
            return 0;
        }
        if (rc)
            return fprintf(stderr, "trial %d: %s\n", k, knob_errmsg()), 1;
        evaluate(p, x, f, c);
        bool in = true;
        for (int i = 0; i < p->m; i++)
            in &= f[i] < p->ref[i];
        for (int i = 0; i < p->nc; i++)
            in &= c[i] <= 0;
        n_in += in;
        if (p->nc && knob_trial_set_constraints(t, c, (size_t)p->nc))
            return fprintf(stderr, "trial %d: %s\n", k, knob_errmsg()), 1;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, f, (size_t)p->m))
            return fprintf(stderr, "trial %d: %s\n", k, knob_errmsg()), 1;
    }
    wall = seconds(CLOCK_MONOTONIC) - wall;
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    double hv = 0;
    if (knob_study_hypervolume(s, p->ref, &hv))
        hv = 0; /* no feasible trial inside the reference point */
    printf("%s knob-%s %d %s hv=%.6f ms_per_trial=%.4f cpu_ms_per_trial=%.4f in_ref=%d\n", argv[1],
           argv[2], n, argv[4], hv, 1e3 * wall / n, 1e3 * cpu / n, n_in);
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
