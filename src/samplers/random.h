/* A draw from a distribution, shared by the samplers that fall back to random. */
#ifndef KNOB_SAMPLERS_RANDOM_H
#define KNOB_SAMPLERS_RANDOM_H

#include "knob.h"

double knob__random_draw(knob_rng *r, const knob_distribution *d);

/* The random sampler's sample_independent: a draw from (seed, trial number, name). For
 * samplers that leave the params outside their model to chance. */
/* The value of d at u in [0, 1): the inverse of the draw's distribution function. */
double knob__random_at(double u, const knob_distribution *d);

int knob__random_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                             const knob_distribution *d, double *internal);

#endif
