/* The known name a typo was meant for. */
#include "util/names.h"

#include <string.h>

/* Levenshtein distance, for names of at most 62 characters (else a large number). */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), row[64];
    if (n > 62 || m > 62)
        return 1000;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            row[j] = sub < row[j] + 1 ? sub : row[j] + 1;
            if (row[j - 1] + 1 < row[j])
                row[j] = row[j - 1] + 1;
            prev = cur;
        }
    }
    return row[m];
}

const char *knobx_closest(const char *key, const char *const *names)
{
    const char *best = NULL, *prefixed = NULL;
    size_t n = key ? strlen(key) : 0;
    size_t best_d = n >= 15 ? n / 5 + 1 : 3;
    for (; key && names && *names; names++) {
        size_t d = distance(key, *names), m = strlen(*names);
        /* as many edits as the longer name has letters: nothing in common ('lr' and 'x0') */
        if (d < best_d && d < (n > m ? n : m)) {
            best_d = d;
            best = *names;
        }
        /* the start of a name ('n_startup' of 'n_startup_trials'), the shortest such */
        if (n >= 3 && m > n && !strncmp(key, *names, n) && (!prefixed || m < strlen(prefixed)))
            prefixed = *names;
    }
    return prefixed && (!best || best_d > 1) ? prefixed : best;
}
