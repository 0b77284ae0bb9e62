/* Names a user misspelt: the known name a typo was meant for, so that messages of the
 * library (an unknown option) and of the CLI (a sweep's keys, a sampler's name) say "did you
 * mean" by one rule. */
#ifndef KNOB_UTIL_NAMES_H
#define KNOB_UTIL_NAMES_H

/* The closest of the NULL-terminated `names` to `key` (NULL: none), when close enough to be a
 * typo of it: 2 edits (Levenshtein), or a fifth of a long key's letters
 * (early_termination: early_terminate); the first of equally close ones. NULL when none is;
 * names of more than 62 characters are never close. */
const char *knobx_closest(const char *key, const char *const *names);

#endif
