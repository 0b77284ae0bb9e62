/* Median and percentile pruners: stop a trial whose best intermediate value so far is
 * worse than the given percentile of the completed trials' values at the same step. */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct pct {
    int64_t n_startup_trials, n_warmup_steps, interval_steps, n_min_trials, objective;
    double percentile;
} pct;

/* `name` is the pruner's, for its messages: both share this code. */
static int prune(const pct *p, const char *name, knob_study *s, knob_trial *t, bool *out)
{
    knob_direction dir;
    int64_t step;
    double last;
    *out = false;
    int rc = knob__prune_direction(s, p->objective, name, &dir);
    if (rc || !knob__last_step(t, &step, &last))
        return rc;
    if (!knob__check_step(t, step, p->n_warmup_steps, p->interval_steps))
        return KNOB_OK;
    const knob_trial_info *const *trials;
    size_t n, n_complete = 0, count = 0;
    if ((rc = knob_study_trials(s, &trials, &n)))
        return rc;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return knob_set_error(KNOB_ENOMEM, "out of memory (%s pruner)", name);
    for (size_t i = 0; i < n; i++) {
        if (trials[i]->state != KNOB_TRIAL_COMPLETE)
            continue;
        n_complete++;
        if (knob__value_at(trials[i], step, &v[count]) && !isnan(v[count]))
            count++; /* as Optuna's nanpercentile: a NaN neither counts nor sorts */
    }
    if (n_complete > 0 && (int64_t)n_complete >= p->n_startup_trials &&
        (int64_t)count >= p->n_min_trials) {
        const knob_step_value *iv;
        size_t ni = knob_trial_intermediate(t, &iv);
        double best = knob__best_of(iv, ni, dir);
        double q = dir == KNOB_MAXIMIZE ? 100 - p->percentile : p->percentile;
        double threshold = knob__percentile(v, count, q);
        *out = dir == KNOB_MAXIMIZE ? best < threshold : best > threshold;
    }
    free(v);
    return KNOB_OK;
}

static int prune_median(void *state, knob_study *s, knob_trial *t, bool *out)
{
    return prune(state, "median", s, t, out);
}

static int prune_percentile(void *state, knob_study *s, knob_trial *t, bool *out)
{
    return prune(state, "percentile", s, t, out);
}

#define COMMON_OPTIONS                                                                             \
    {"n_startup_trials", KNOB_OPT_INT, offsetof(pct, n_startup_trials), "5", 0, 1e9,               \
     "no pruning until this many trials are complete", NULL},                                      \
    {"n_warmup_steps", KNOB_OPT_INT, offsetof(pct, n_warmup_steps), "0", 0, 1e18,                  \
     "no pruning of a trial before this step", NULL},                                              \
    {"interval_steps", KNOB_OPT_INT, offsetof(pct, interval_steps), "1", 1, 1e18,                  \
     "check every this many steps after the warmup", NULL},                                        \
    {"n_min_trials", KNOB_OPT_INT, offsetof(pct, n_min_trials), "1", 1, 1e9,                       \
     "completed trials needed at a step to compare with", NULL},                                   \
    {"objective", KNOB_OPT_INT, offsetof(pct, objective), "0", 0, 1000,                            \
     "which objective's intermediate values to read", NULL}

static const knob_option median_options[] = {
    COMMON_OPTIONS,
    {"percentile", KNOB_OPT_DOUBLE, offsetof(pct, percentile), "50", 50, 50, "fixed at 50", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static const knob_option percentile_options[] = {
    COMMON_OPTIONS,
    {"percentile", KNOB_OPT_DOUBLE, offsetof(pct, percentile), "25", 0, 100,
     "percentile of the completed trials a trial must reach (25: only trials in the best "
     "quarter go on)",
     NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_median = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "median",
    .help = "Stops a trial whose best value so far is worse than the median of the completed "
            "trials' values at the same step.",
    .state_size = sizeof(pct),
    .options = median_options,
    .prune = prune_median,
};

const knob_pruner_plugin knob__pruner_percentile = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "percentile",
    .help = "Stops a trial whose best value so far is worse than the given percentile of the "
            "completed trials' values at the same step.",
    .state_size = sizeof(pct),
    .options = percentile_options,
    .prune = prune_percentile,
};
