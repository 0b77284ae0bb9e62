/* A string-keyed open-addressing hash map; keys are copied and owned by the map. */
#ifndef KNOB_MAP_H
#define KNOB_MAP_H

#include "internal.h"

typedef struct knob__map_slot {
    char *key; /* NULL: empty */
    void *value;
} knob__map_slot;

typedef struct knob__map {
    knob__map_slot *slots;
    size_t cap, n; /* cap is a power of two */
} knob__map;

/* The slot of `key`, or NULL. */
knob__map_slot *knob__map_find(const knob__map *m, const char *key);

/* The slot of `key`, added with value NULL when missing (*added true). NULL when out
 * of memory. */
knob__map_slot *knob__map_put(knob__map *m, const char *key, bool *added);

/* Frees the keys and the table; values are the caller's (free them first). */
void knob__map_free(knob__map *m);

#endif
