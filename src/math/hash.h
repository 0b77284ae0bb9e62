/* A hash of strings, for hash tables and for seeding generators by name. */
#ifndef KNOB_MATH_HASH_H
#define KNOB_MATH_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of a NUL-terminated string (FNV-1a), stable across machines. */
uint64_t knob__hash(const char *s);

/* The same over n bytes, NULs among them. */
uint64_t knob__hash_bytes(const void *data, size_t n);

#endif
