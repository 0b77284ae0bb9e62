/* Warm start on a shifted pair: a source study of Branin (gp, 100 trials, seed s + 100),
 * then Branin moved by 10% of its range (1.5 on both params): a cold gp run of 100 trials,
 * the trial at which a cold run reaches its best, and the trial at which a gp run with
 * warm_start_study=src reaches that value (-1: not within 100). One JSON line per seed.
 *
 *   bench_warm [SEEDS] [WARM_OPTIONS]   (e.g. "warm_start_first=0")
 */
#include "knob.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
static double sx, sy;
static double branin(const double *x)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double x0 = x[0] - sx, x1 = x[1] - sy;
    double u = x1 - b * x0 * x0 + c * x0 - 6;
    return u * u + 10 * (1 - t) * cos(x0) + 10;
}
static double run(knob_storage *st, const char *name, const char *opts, int n, double target,
                  int *hit)
{
    knob_sampler *sp;
    knob_study *s;
    if (knob_sampler_create("gp", opts, &sp)) {
        fprintf(stderr, "%s\n", knob_errmsg());
        exit(1);
    }
    knob_study_options o = {.sampler = sp};
    if (knob_study_create(st, name, &o, &s)) {
        fprintf(stderr, "%s\n", knob_errmsg());
        exit(1);
    }
    double best = INFINITY;
    *hit = -1;
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x[2];
        if (knob_study_ask(s, &t)) {
            fprintf(stderr, "ask: %s\n", knob_errmsg());
            exit(1);
        }
        knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x[0]);
        knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x[1]);
        double y = branin(x);
        knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1);
        if (y < best)
            best = y;
        if (*hit < 0 && best <= target)
            *hit = i + 1;
    }
    knob_study_free(s);
    return best;
}
int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 3;
    const char *extra = argc > 2 ? argv[2] : "";
    for (int seed = 0; seed < seeds; seed++) {
        knob_storage *st;
        knob_storage_open("memory:", &st);
        char o[512];
        int hit;
        sx = sy = 0;
        snprintf(o, sizeof o, "seed=%d", seed + 100);
        run(st, "src", o, 100, -1, &hit);
        sx = 1.5;
        sy = 1.5;
        snprintf(o, sizeof o, "seed=%d", seed);
        double cold = run(st, "cold", o, 100, -1, &hit);
        knob_storage *st2;
        knob_storage_open("memory:", &st2);
        int chit;
        run(st2, "cold2", o, 100, cold, &chit);
        knob_storage_close(st2);
        snprintf(o, sizeof o, "seed=%d,warm_start_study=src%s%s", seed, extra[0] ? "," : "", extra);
        double warm = run(st, "warm", o, 100, cold, &hit);
        printf("{\"seed\": %d, \"cold_best\": %.10g, \"warm_best\": %.10g, \"cold_trials\": %d, "
               "\"warm_trials\": %d}\n",
               seed, cold, warm, chit, hit);
        knob_storage_close(st);
    }
}
