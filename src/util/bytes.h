/* Binary records written and read field by field (the study snapshot, a sampler's saved
 * state): a growable byte buffer whose appends never fail visibly (on allocation failure
 * it is marked oom and further appends are dropped, so a writer checks once at the end),
 * and a reader that refuses to go past the end of its bytes. */
#ifndef KNOB_UTIL_BYTES_H
#define KNOB_UTIL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct knobx_bytes {
    unsigned char *p; /* malloc'd; the caller frees it (or takes it) */
    size_t n, cap;
    bool oom;
} knobx_bytes;

static inline void knobx_bytes_put(knobx_bytes *b, const void *data, size_t n)
{
    if (b->oom || !n)
        return;
    if (n > SIZE_MAX - b->n) {
        b->oom = true;
        return;
    }
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap = cap > SIZE_MAX / 2 ? b->n + n : cap * 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

typedef struct knobx_reader {
    const unsigned char *p, *end;
} knobx_reader;

/* Copies the next n bytes to dst; false (nothing read) when fewer are left. */
static inline bool knobx_read(knobx_reader *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    if (n)
        memcpy(dst, r->p, n);
    r->p += n;
    return true;
}

#endif
