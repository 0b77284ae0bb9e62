/* FNV-1a over the bytes of a string. */
#include "math/hash.h"

uint64_t knob__hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}
