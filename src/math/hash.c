/* FNV-1a over the bytes of a string. */
#include "math/hash.h"

#include <string.h>

uint64_t knob__hash_bytes(const void *data, size_t n)
{
    const unsigned char *b = data;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t knob__hash(const char *s)
{
    return knob__hash_bytes(s, strlen(s));
}
