/* Seeds as text, and the points of a stepped range. */
#include "util/num.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int knobx_parse_seed(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    long long i = strtoll(text, &end, 10);
    if (end == text || *end)
        return KNOBX_SEED_NOT_INT;
    if (!errno) {
        *out = (uint64_t)i;
        return 0;
    }
    /* an integer beyond int64: one up to 2^64 - 1 is a seed too */
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-')
        return KNOBX_SEED_OUT_OF_RANGE;
    s += *s == '+';
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10);
    if (errno)
        return KNOBX_SEED_OUT_OF_RANGE;
    *out = (uint64_t)u;
    return 0;
}
