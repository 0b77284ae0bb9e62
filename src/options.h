/* Plugin option tables: checks, defaults, a generic setter by name, and "k=v,k=v" strings. */
#ifndef KNOB_OPTIONS_H
#define KNOB_OPTIONS_H

#include "internal.h"

/* Sets every option of `table` in `state` to its default. */
int knob__options_defaults(const knob_option *table, void *state, const char *who);

/* Sets option `key` from text. `who` names the plugin in messages ("sampler 'tpe'");
 * `also` (NULL: none) is an option the caller handles outside the table ("seed"), listed
 * with the table's when `key` is unknown. */
int knob__option_set(const knob_option *table, void *state, const char *key, const char *value,
                     const char *who, const char *also);

/* The option `key` of `table`, or NULL when the table declares none of that name. */
const knob_option *knob__option_find(const knob_option *table, const char *key);

/* Copies the current value of option `key` from `state` to *out, which must be of the
 * option's type: an int64_t (KNOB_OPT_INT), a double, a bool, or a const char * borrowed
 * from the state (KNOB_OPT_STRING, KNOB_OPT_ENUM; NULL when unset). KNOB_ENOTFOUND when
 * the table declares no option `key`, KNOB_EINVAL when it is not of type `type`, each with
 * a message naming `who`, the option and (for a missing one) the options there are. */
int knob__option_get(const knob_option *table, const void *state, const char *key,
                     knob_opt_type type, void *out, const char *who);

/* Calls fn(ctx, key, value) for each pair of "k=v,k=v" (commas inside [], {} or quotes
 * do not split). Stops at the first non-OK status. A key given twice is KNOB_EINVAL naming it
 * and both values, before fn sees the second (the last one won, without a word). */
int knob__options_each(const char *text, const char *who,
                       int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/* Checks a plugin's table against its state size: known types, fields inside the state,
 * enums with choices and a default among them, no name twice, none named `reserved`
 * (NULL: none is). KNOB_EINVAL naming the option. */
int knob__options_check(const knob_option *table, size_t state_size, const char *reserved,
                        const char *who);

/* Frees the string and enum options of `state`. */
void knob__options_free(const knob_option *table, void *state);

/* Parses a whole decimal integer or a boolean (true/false/1/0/yes/no/on/off). */
int knob__parse_int(const char *text, int64_t *out);
int knob__parse_bool(const char *text, bool *out);

#endif
