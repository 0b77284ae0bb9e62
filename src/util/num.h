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

/* Point k of a range from low by step (step > 0, k a whole number): low + k step, the double
 * nearest that decimal where low and step are decimals of at most 22 places (3 steps of 0.1
 * are 0.3, not 0.30000000000000004; 1 + 3 steps of 1e-13 is 1.0000000000003). Each is read
 * as Python writes it, in the fewest digits that read back as it (so 3 steps of
 * 0.3333333333333333 are 0.9999999999999999, as in Python's FloatDistribution), but for one
 * within 4 epsilons of a decimal of fewer places (0.1 + 0.2 is 0.3) while that decimal is
 * below 2^40 at those places. The plain sum where they are no such decimals (1e-30, 2^-80)
 * or the point has more than 38 digits at those places. */
double knobx_step_point(double low, double step, double k);

#endif
