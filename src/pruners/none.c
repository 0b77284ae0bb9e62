/* The pruner that never prunes. */
#include "knob.h"

const knob_pruner_plugin knob__pruner_none = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "none",
    .help = "Never stops a trial early.",
};
