/* A hash of strings, for hash tables and for seeding generators by name. */
#ifndef KNOB_MATH_HASH_H
#define KNOB_MATH_HASH_H

#include <stdint.h>

/* A 64-bit hash of a NUL-terminated string (FNV-1a), stable across machines. */
uint64_t knob__hash(const char *s);

#endif
