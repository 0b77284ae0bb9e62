/* The pruner that never prunes. */
#include "knob.h"

/* Never called: knob_pruner_prune answers for "none" (a diverged run goes on too); a table
 * has a prune, which every other pruner needs. */
static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    (void)state;
    (void)s;
    (void)t;
    *out = false;
    return KNOB_OK;
}

const knob_pruner_plugin knob__pruner_none = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "none",
    .help = "Never stops a trial early.",
    .prune = prune,
};
