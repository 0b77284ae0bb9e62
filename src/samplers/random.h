/* A draw from a distribution, shared by the samplers that fall back to random. */
#ifndef KNOB_SAMPLERS_RANDOM_H
#define KNOB_SAMPLERS_RANDOM_H

#include "knob.h"

double knob__random_draw(knob_rng *r, const knob_distribution *d);

#endif
