/*
 * run_study: registers the localsearch sampler, then tunes a small mixed space with it,
 * and with random search on the same budget and seeds, and prints the best of each:
 *
 *     run_study [TRIALS [SEEDS [OPTIONS]]]      (200 trials, seeds 1..5, no options)
 *
 * The objective has its minimum, 0, at x = (1.5, -2, 0.5, 3), n = 7 and kind = "b".
 */
#include "localsearch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const kinds[] = {"a", "b", "c"};

static knob_trial_state objective(knob_trial *t, void *ctx, double *value)
{
    static const char *const names[] = {"x0", "x1", "x2", "x3"};
    static const double at[] = {1.5, -2, 0.5, 3};
    (void)ctx;
    double sum = 0, x;
    int64_t n;
    size_t kind;
    for (int i = 0; i < 4; i++) {
        if (knob_trial_suggest_float(t, names[i], -5, 5, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        sum += (x - at[i]) * (x - at[i]);
    }
    if (knob_trial_suggest_int(t, "n", 0, 20, 1, 0, &n) ||
        knob_trial_suggest_categorical(t, "kind", kinds, 3, &kind))
        return KNOB_TRIAL_FAIL;
    *value = sum + (double)llabs(n - 7) + (kind == 1 ? 0 : 1);
    return KNOB_TRIAL_COMPLETE;
}

/* The best value of a study of `trials` trials with that sampler; NAN on failure. */
static double tune(const char *sampler, const char *options, long seed, int trials)
{
    char text[256];
    snprintf(text, sizeof text, "seed=%ld%s%s", seed, options[0] ? "," : "", options);
    knob_sampler *sp;
    knob_storage *st = NULL;
    knob_study *s = NULL;
    double best = NAN;
    knob_study_options o = {0};
    if (knob_sampler_create(sampler, text, &sp) == KNOB_OK) {
        o.sampler = sp;
        if (knob_storage_open("memory:", &st) || knob_study_create(st, sampler, &o, &s) ||
            knob_study_optimize(s, objective, NULL, trials) || knob_study_best_value(s, &best))
            best = NAN;
    }
    if (isnan(best))
        fprintf(stderr, "run_study: %s: %s\n", sampler, knob_errmsg());
    knob_study_free(s);
    knob_storage_close(st);
    return best;
}

int main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 200, seeds = argc > 2 ? atoi(argv[2]) : 5;
    const char *options = argc > 3 ? argv[3] : "";
    /* Once per process; a second registration of the name is KNOB_EEXIST. */
    if (knob_sampler_register(&localsearch_sampler) != KNOB_OK) {
        fprintf(stderr, "run_study: %s\n", knob_errmsg());
        return 1;
    }
    for (long seed = 1; seed <= seeds; seed++) {
        double ls = tune("localsearch", options, seed, trials);
        double rs = tune("random", "", seed, trials);
        if (isnan(ls) || isnan(rs))
            return 1;
        printf("seed %ld: localsearch %.6g random %.6g\n", seed, ls, rs);
    }
    return 0;
}
