/* Numbers the library and the CLI read and make by one rule: seeds, and the points of a
 * stepped range. */
#ifndef KNOB_UTIL_NUM_H
#define KNOB_UTIL_NUM_H

#include <stdint.h>

/* What knobx_parse_seed says of a text that is no seed. */
enum { KNOBX_SEED_NOT_INT = -1, KNOBX_SEED_OUT_OF_RANGE = -2 };

/* The range of a seed, as messages give it. */
#define KNOBX_SEED_RANGE "-9223372036854775808 to 18446744073709551615"

/* A seed as text: an integer from -2^63 to 2^64 - 1 in decimal, a negative one modulo 2^64
 * (-1 is 2^64 - 1), so that every seed a sampler holds is taken back. 0 and *out set, or
 * KNOBX_SEED_OUT_OF_RANGE for an integer beyond that range, KNOBX_SEED_NOT_INT for text
 * that is no integer. */
int knobx_parse_seed(const char *text, uint64_t *out);

#endif
