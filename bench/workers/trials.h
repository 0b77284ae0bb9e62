/* The trials every worker of bench_workers and bench_resync runs: ask, two float
 * suggestions, tell x^2 + y^2; with `read`, the study's trials read before each ask (what a
 * sampler that reads them, TPE for one, costs the storage). Returns 0, or 1 after printing
 * knob's error. */
#ifndef KNOB_BENCH_WORKERS_TRIALS_H
#define KNOB_BENCH_WORKERS_TRIALS_H

#include "knob.h"

#include <stdbool.h>
#include <stdio.h>

static inline int run_trials(knob_study *s, int n, bool read)
{
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x, y, v;
        if ((read && knob_study_sync(s)) || knob_study_ask(s, &t) ||
            knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x) ||
            knob_trial_suggest_float(t, "y", -5, 5, 0, 0, &y)) {
            fprintf(stderr, "worker: %s\n", knob_errmsg());
            return 1;
        }
        v = x * x + y * y;
        if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1)) {
            fprintf(stderr, "worker: %s\n", knob_errmsg());
            return 1;
        }
    }
    return 0;
}

#endif
