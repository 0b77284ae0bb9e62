/* The runner's side of method pbt: which member's interval a worker starts next. */
#ifndef KNOB_CLI_PBT_RUN_H
#define KNOB_CLI_PBT_RUN_H

#include "cli/run.h"

/* Starts the next interval of a member in sl, as run_launch (1, 0 when every member has
 * reached max_steps or died, -1 on error, 2 when every other member is running
 * elsewhere: r->waiting). Deletes the checkpoints no member can start from any more. A
 * population over with no member at max_steps (each failed pbt.max_failures times) sets
 * r->broken: the run exits 1. */
int pbt_launch(runner *r, slot *sl);
void pbt_free(struct pbt_state *p);

#endif
