/* Asynchronous successive halving (ASHA). */
#include "pruners/common.h"

#include <stddef.h>

typedef struct sh {
    int64_t min_resource, reduction_factor, min_early_stopping_rate, bootstrap_count, objective;
} sh;

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const sh *o = state;
    knob__sh p = {o->min_resource,
                  o->reduction_factor,
                  o->min_early_stopping_rate,
                  o->bootstrap_count,
                  KNOB_MINIMIZE,
                  -1,
                  NULL,
                  NULL,
                  0};
    *out = false;
    int rc = knob__prune_direction(s, o->objective, "successive_halving", &p.dir);
    return rc ? rc : knob__sh_prune(&p, s, t, out);
}

static const knob_option options[] = {
    {"min_resource", KNOB_OPT_INT, offsetof(sh, min_resource), "1", 1, 1e15,
     "steps every trial gets before its first rung", NULL},
    {"reduction_factor", KNOB_OPT_INT, offsetof(sh, reduction_factor), "4", 2, 1000,
     "eta: rungs at min_resource * eta^k; the top 1/eta go on", NULL},
    {"min_early_stopping_rate", KNOB_OPT_INT, offsetof(sh, min_early_stopping_rate), "0", 0, 60,
     "s: the first rung is at min_resource * eta^s", NULL},
    {"bootstrap_count", KNOB_OPT_INT, offsetof(sh, bootstrap_count), "0", 0, 1e9,
     "trials a rung needs before any goes on", NULL},
    {"objective", KNOB_OPT_INT, offsetof(sh, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_successive_halving = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "successive_halving",
    .help = "Asynchronous successive halving (ASHA): at each rung a trial goes on only while "
            "it is in the top 1/eta of the trials that reached that rung.",
    .state_size = sizeof(sh),
    .options = options,
    .prune = prune,
};
