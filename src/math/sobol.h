/* Sobol and Halton low-discrepancy points, with scrambling. */
#ifndef KNOB_MATH_SOBOL_H
#define KNOB_MATH_SOBOL_H

#include <stddef.h>
#include <stdint.h>

extern const unsigned knob__sobol_dims;
extern const uint32_t knob__sobol_poly[];
extern const uint32_t knob__sobol_vinit[][18];

/* Direction numbers of one dimension: v[0..32), bit 31 first. */
void knob__sobol_directions(unsigned dim, uint32_t v[32]);

/* The index-th Sobol point's coordinate (Gray-code order) as 32 bits, unscrambled. */
uint32_t knob__sobol_bits(const uint32_t v[32], uint64_t index);

/* Owen (nested uniform) scrambling of 32-bit coordinates, by a hash per seed. */
uint32_t knob__owen_scramble(uint32_t x, uint32_t seed);

/* The index-th point's coordinate in dimension dim (directions v) in (0, 1), Owen-scrambled
 * by a hash of (seed, dim): each dimension of one seed gets its own scrambling. */
double knob__sobol_scrambled(const uint32_t v[32], unsigned dim, uint64_t index, uint64_t seed);

/* The index-th point of the Halton sequence in `dim` (the dim-th prime as base), with
 * each digit permuted by a seeded random permutation when scramble is set. */
double knob__halton(unsigned dim, uint64_t index, uint64_t seed, int scramble);

#endif
