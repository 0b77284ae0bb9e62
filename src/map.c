#include "map.h"

#include <string.h>

knob__map_slot *knob__map_find(const knob__map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = knob__hash(key) & mask;; i = (i + 1) & mask) {
        knob__map_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (strcmp(s->key, key) == 0)
            return s;
    }
}

static int rehash(knob__map *m, size_t cap)
{
    knob__map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->slots[j].key)
            continue;
        size_t i = knob__hash(m->slots[j].key) & (cap - 1);
        while (slots[i].key)
            i = (i + 1) & (cap - 1);
        slots[i] = m->slots[j];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

knob__map_slot *knob__map_put(knob__map *m, const char *key, bool *added)
{
    knob__map_slot *s = knob__map_find(m, key);
    if (added)
        *added = false;
    if (s)
        return s;
    if ((m->n + 1) * 4 > m->cap * 3 && rehash(m, m->cap ? m->cap * 2 : 16))
        return NULL;
    char *k = knob__strdup(key);
    if (!k)
        return NULL;
    size_t mask = m->cap - 1, i = knob__hash(key) & mask;
    while (m->slots[i].key)
        i = (i + 1) & mask;
    m->slots[i].key = k;
    m->slots[i].value = NULL;
    m->n++;
    if (added)
        *added = true;
    return &m->slots[i];
}

void knob__map_free(knob__map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
