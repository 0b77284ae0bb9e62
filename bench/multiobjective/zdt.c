/* ZDT1, ZDT2, ZDT3 (30-D, two objectives) with a knob sampler: prints the hypervolume at
 * the fixed reference point (1.1, 11) and the sampler's time per trial.
 * usage: zdt PROBLEM SAMPLER TRIALS SEED  (PROBLEM: zdt1, zdt2, zdt3) */
#include "knob.h"

#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define D 30

static void zdt(const char *p, const double *x, double *f)
{
    double g = 0;
    for (int i = 1; i < D; i++)
        g += x[i];
    g = 1 + 9 * g / (D - 1);
    f[0] = x[0];
    double r = f[0] / g;
    if (!strcmp(p, "zdt1"))
        f[1] = g * (1 - sqrt(r));
    else if (!strcmp(p, "zdt2"))
        f[1] = g * (1 - r * r);
    else
        f[1] = g * (1 - sqrt(r) - r * sin(10 * M_PI * f[0]));
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: zdt PROBLEM SAMPLER TRIALS SEED\n");
        return 2;
    }
    int n = atoi(argv[3]);
    char opts[64];
    snprintf(opts, sizeof opts, "seed=%s", argv[4]);
    knob_storage *st;
    knob_sampler *sm;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    if (knob_storage_open("memory:", &st) || knob_sampler_create(argv[2], opts, &sm))
        return fprintf(stderr, "%s\n", knob_errmsg()), 1;
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .sampler = sm};
    if (knob_study_create(st, "zdt", &o, &s))
        return fprintf(stderr, "%s\n", knob_errmsg()), 1;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < n; k++) {
        knob_trial *t;
        double x[D], f[2];
        if (knob_study_ask(s, &t))
            return fprintf(stderr, "%s\n", knob_errmsg()), 1;
        for (int i = 0; i < D; i++) {
            char nm[8];
            snprintf(nm, sizeof nm, "x%d", i);
            knob_trial_suggest_float(t, nm, 0, 1, 0, 0, &x[i]);
        }
        zdt(argv[1], x, f);
        knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, f, 2);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ref[2] = {1.1, 11}, hv = 0;
    knob_study_hypervolume(s, ref, &hv);
    printf("%s knob-%s %d %s hv=%.6f ms_per_trial=%.4f\n", argv[1], argv[2], n, argv[4], hv,
           ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / n);
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
