/* Writes the study "web" of N trials into a storage, for bench/web/run.sh:
 *   bench_web_study URL N
 * Four params (two floats, one log, an int and a categorical), a value, STEPS intermediate
 * values per trial; one trial in ten pruned, one in fifty failed. */
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STEPS 10

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_web_study URL N\n");
        return 2;
    }
    int n = atoi(argv[2]);
    knob_storage *st;
    knob_study *s;
    knob_sampler *sampler;
    if (knob_storage_open(argv[1], &st) || knob_sampler_create("random", "seed=1", &sampler)) {
        fprintf(stderr, "bench_web_study: %s\n", knob_errmsg());
        return 1;
    }
    knob_study_options o = {.sampler = sampler};
    if (knob_study_create(st, "web", &o, &s)) {
        fprintf(stderr, "bench_web_study: %s\n", knob_errmsg());
        return 1;
    }
    static const char *const opts[] = {"adam", "sgd", "rmsprop"};
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x, lr;
        int64_t layers;
        size_t opt;
        if (knob_study_ask(s, &t) || knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x) ||
            knob_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, KNOB_LOG, &lr) ||
            knob_trial_suggest_int(t, "layers", 1, 8, 1, 0, &layers) ||
            knob_trial_suggest_categorical(t, "optimizer", opts, 3, &opt)) {
            fprintf(stderr, "bench_web_study: %s\n", knob_errmsg());
            return 1;
        }
        double v = x * x + pow(log10(lr) + 3, 2) + 0.1 * (double)layers + 0.3 * (double)opt;
        for (int k = 1; k <= STEPS; k++)
            knob_trial_report(t, k, v + 1.0 / k);
        knob_trial_state state = i % 50 == 7   ? KNOB_TRIAL_FAIL
                                 : i % 10 == 3 ? KNOB_TRIAL_PRUNED
                                               : KNOB_TRIAL_COMPLETE;
        if (knob_study_tell(s, t, state, &v, 1)) {
            fprintf(stderr, "bench_web_study: %s\n", knob_errmsg());
            return 1;
        }
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
