/* Stops a trial whose latest value leaves [lower, upper]. Its option `objective` says which
 * objective the reported values are: their direction decides which infinity is a diverged run
 * (pruned before the pruner is asked) and which one the bounds judge. */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>

typedef struct thr {
    double lower, upper;
    int64_t n_warmup_steps, interval_steps, objective;
} thr;

/* Neither bound given (both left infinite, their defaults): a pruner that prunes no finite
 * value, which Optuna refuses ("Either lower or upper must be specified"). Refused when
 * made, and at its first use for bounds set infinite after that. */
static int check_bounds(const thr *p)
{
    if (p->lower == -INFINITY && p->upper == INFINITY)
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'threshold': neither option lower nor option upper is "
                              "given (both infinite), so it would prune no finite value: give "
                              "lower, upper or both");
    return KNOB_OK;
}

static int init(void *state)
{
    const thr *p = state;
    if (check_bounds(p))
        return KNOB_EINVAL;
    if (p->lower > p->upper)
        return knob_set_error(KNOB_EINVAL, "pruner 'threshold': lower (%g) must be <= upper (%g)",
                              p->lower, p->upper);
    return KNOB_OK;
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const thr *p = state;
    int64_t step;
    double v;
    knob_direction dir;
    *out = false;
    if (check_bounds(p))
        return KNOB_EINVAL;
    /* the bounds hold whatever the direction, but an objective the study lacks is an error */
    int rc = knob__prune_direction(s, p->objective, "threshold", &dir);
    if (rc)
        return rc;
    if (!knob_trial_latest_report(t, &step, &v) ||
        !knob__check_step(t, step, p->n_warmup_steps, p->interval_steps))
        return KNOB_OK;
    *out = v < p->lower || v > p->upper;
    return KNOB_OK;
}

static const knob_option options[] = {
    {"lower", KNOB_OPT_DOUBLE, offsetof(thr, lower), "-inf", 0, 0, "stop below this value", NULL},
    {"upper", KNOB_OPT_DOUBLE, offsetof(thr, upper), "inf", 0, 0, "stop above this value", NULL},
    {"n_warmup_steps", KNOB_OPT_INT, offsetof(thr, n_warmup_steps), "0", 0, 1e18,
     "no pruning of a trial before this step", NULL},
    {"interval_steps", KNOB_OPT_INT, offsetof(thr, interval_steps), "1", 1, 1e18,
     "check every this many steps after the warmup", NULL},
    {"objective", KNOB_OPT_INT, offsetof(thr, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_threshold = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "threshold",
    .help = "Stops a trial whose latest intermediate value is below lower or above upper "
            "(one of them at least is given).",
    .state_size = sizeof(thr),
    .options = options,
    .init = init,
    .prune = prune,
};
