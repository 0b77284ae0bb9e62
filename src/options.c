/* The generic option setter shared by samplers and pruners. */
#include "options.h"
#include "util/json.h"
#include "util/names.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int knob__parse_int(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end)
        return -1;
    *out = v;
    return 0;
}

int knob__parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"};
    static const char *const no[] = {"false", "0", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

const knob_option *knob__option_find(const knob_option *table, const char *key)
{
    for (; table && table->name; table++)
        if (strcmp(table->name, key) == 0)
            return table;
    return NULL;
}

static int out_of_range(const knob_option *o, double v, const char *who)
{
    if (o->min == 0 && o->max == 0)
        return KNOB_OK;
    if (v >= o->min && v <= o->max)
        return KNOB_OK;
    if (o->type == KNOB_OPT_INT) /* every digit: [0, 16777216], not [0, 1.67772e+07] */
        return knob__error(KNOB_EINVAL, "%s: option '%s' must be in [%.0f, %.0f], got %.0f", who,
                           o->name, o->min, o->max, v);
    return knob__error(KNOB_EINVAL, "%s: option '%s' must be in [%g, %g], got %g", who, o->name,
                       o->min, o->max, v);
}

static bool is_choice(const knob_option *o, const char *word)
{
    for (const char *const *c = o->choices; c && *c; c++)
        if (strcmp(*c, word) == 0)
            return true;
    return false;
}

/* "a, b or c" into buf[0..size), cut short (with "...") when it does not fit. */
static void list_choices(const knob_option *o, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (const char *const *c = o->choices; c && *c; c++) {
        const char *sep = c == o->choices ? "" : c[1] ? ", " : " or ";
        int n = snprintf(buf + used, size - used, "%s%s", sep, *c);
        if (n < 0 || (size_t)n >= size - used) {
            snprintf(buf + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size, "...");
            return;
        }
        used += (size_t)n;
    }
}

/* Strings and enums: the state owns a copy of the text. */
static int set_string(char *at, const char *value)
{
    char *copy = knob__strdup(value), *old;
    if (!copy)
        return knob__oom("option value");
    memcpy(&old, at, sizeof old);
    free(old);
    memcpy(at, &copy, sizeof copy);
    return KNOB_OK;
}

static int set_one(const knob_option *o, void *state, const char *value, const char *who)
{
    char *at = (char *)state + o->offset;
    int64_t i;
    double d;
    bool b;
    char *end;
    switch (o->type) {
    case KNOB_OPT_INT:
        if (knob__parse_int(value, &i))
            return knob__error(KNOB_EINVAL, "%s: option '%s' needs an integer, got '%s'", who,
                               o->name, value);
        if (out_of_range(o, (double)i, who))
            return KNOB_EINVAL;
        memcpy(at, &i, sizeof i);
        return KNOB_OK;
    case KNOB_OPT_DOUBLE:
        errno = 0;
        d = strtod(value, &end);
        if (errno || end == value || *end || isnan(d))
            return knob__error(KNOB_EINVAL, "%s: option '%s' needs a number, got '%s'", who,
                               o->name, value);
        if (out_of_range(o, d, who))
            return KNOB_EINVAL;
        memcpy(at, &d, sizeof d);
        return KNOB_OK;
    case KNOB_OPT_BOOL:
        if (knob__parse_bool(value, &b))
            return knob__error(KNOB_EINVAL, "%s: option '%s' needs true or false, got '%s'", who,
                               o->name, value);
        memcpy(at, &b, sizeof b);
        return KNOB_OK;
    case KNOB_OPT_ENUM:
        if (!is_choice(o, value)) {
            char words[512];
            list_choices(o, words, sizeof words);
            return knob__error(KNOB_EINVAL, "%s: option '%s' must be one of %s; got '%s'", who,
                               o->name, words, value);
        }
        return set_string(at, value);
    case KNOB_OPT_STRING:
        return set_string(at, value);
    }
    return knob__error(KNOB_EINVAL, "%s: option '%s' has an unknown type", who, o->name);
}

/* The names of table's options after `also` (NULL or a list), comma-separated, whole:
 * an unknown option's message lists them all. */
static void list_names(const knob_option *table, const char *also, knobx_buf *b)
{
    if (also)
        knobx_buf_puts(b, also);
    for (; table && table->name; table++) {
        if (b->len)
            knobx_buf_puts(b, ", ");
        knobx_buf_puts(b, table->name);
    }
}

/* The name of table's options (and `also`) that `key` is a typo of, or NULL. */
static const char *closest(const knob_option *table, const char *also, const char *key)
{
    size_t n = 0;
    for (const knob_option *o = table; o && o->name; o++)
        n++;
    const char **names = malloc((n + 2) * sizeof *names);
    if (!names) /* the message goes without the guess */
        return NULL;
    size_t k = 0;
    if (also)
        names[k++] = also;
    for (const knob_option *o = table; o && o->name; o++)
        names[k++] = o->name;
    names[k] = NULL;
    const char *near = knobx_closest(key, names);
    free(names);
    return near;
}

static int unknown(int rc, const knob_option *table, const char *also, const char *key,
                   const char *who)
{
    knobx_buf names = {0};
    list_names(table, also, &names);
    const char *listed = names.len ? names.data : "none";
    if (names.oom)
        listed = "?";
    const char *near = closest(table, also, key);
    rc = knob__error(rc, "%s: unknown option '%s' (options: %s)%s%s%s", who, key, listed,
                     near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    knobx_buf_free(&names);
    return rc;
}

int knob__option_set(const knob_option *table, void *state, const char *key, const char *value,
                     const char *who, const char *also)
{
    const knob_option *o = knob__option_find(table, key);
    if (!o)
        return unknown(KNOB_EINVAL, table, also, key, who);
    return set_one(o, state, value, who);
}

static size_t field_size(knob_opt_type type);

static const char *type_name(knob_opt_type type)
{
    switch (type) {
    case KNOB_OPT_INT:
        return "an integer";
    case KNOB_OPT_DOUBLE:
        return "a number";
    case KNOB_OPT_BOOL:
        return "a boolean";
    case KNOB_OPT_STRING:
        return "a string";
    case KNOB_OPT_ENUM:
        return "an enum";
    }
    return "of an unknown type";
}

int knob__option_get(const knob_option *table, const void *state, const char *key,
                     knob_opt_type type, void *out, const char *who)
{
    const knob_option *o = knob__option_find(table, key);
    if (!o)
        return unknown(KNOB_ENOTFOUND, table, NULL, key, who);
    size_t size = field_size(o->type);
    if (o->type != type || !size)
        return knob__error(KNOB_EINVAL, "%s: option '%s' is %s, read as %s", who, key,
                           type_name(o->type), type_name(type));
    memcpy(out, (const char *)state + o->offset, size);
    return KNOB_OK;
}

int knob__options_defaults(const knob_option *table, void *state, const char *who)
{
    for (; table && table->name; table++) {
        if (!table->def)
            continue;
        int rc = set_one(table, state, table->def, who);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

void knob__options_free(const knob_option *table, void *state)
{
    for (; table && table->name; table++) {
        if (table->type != KNOB_OPT_STRING && table->type != KNOB_OPT_ENUM)
            continue;
        char *p;
        memcpy(&p, (char *)state + table->offset, sizeof p);
        free(p);
        p = NULL;
        memcpy((char *)state + table->offset, &p, sizeof p);
    }
}

bool knob__option_changed(const knob_option *table, const void *state, const char *key, char *text,
                          size_t size)
{
    const knob_option *o = knob__option_find(table, key);
    if (!o)
        return false;
    /* no default: the state's zeros (a plugin's state block starts cleared) */
    const char *at = (const char *)state + o->offset, *def = o->def ? o->def : "";
    int64_t i, di = 0;
    double d;
    bool b, db = false;
    const char *str;
    switch (o->type) {
    case KNOB_OPT_INT:
        memcpy(&i, at, sizeof i);
        snprintf(text, size, "%lld", (long long)i);
        return (o->def && knob__parse_int(def, &di)) || i != di;
    case KNOB_OPT_DOUBLE:
        memcpy(&d, at, sizeof d);
        snprintf(text, size, "%g", d);
        return d != (o->def ? strtod(def, NULL) : 0.0);
    case KNOB_OPT_BOOL:
        memcpy(&b, at, sizeof b);
        snprintf(text, size, "%s", b ? "true" : "false");
        return (o->def && knob__parse_bool(def, &db)) || b != db;
    case KNOB_OPT_STRING:
    case KNOB_OPT_ENUM:
        memcpy(&str, at, sizeof str);
        snprintf(text, size, "%s", str ? str : "");
        return strcmp(str ? str : "", def) != 0;
    }
    return false;
}

static size_t field_size(knob_opt_type type)
{
    switch (type) {
    case KNOB_OPT_INT:
        return sizeof(int64_t);
    case KNOB_OPT_DOUBLE:
        return sizeof(double);
    case KNOB_OPT_BOOL:
        return sizeof(bool);
    case KNOB_OPT_STRING:
    case KNOB_OPT_ENUM:
        return sizeof(char *);
    }
    return 0;
}

/* The default of a number or boolean option, parsed and bounded as set_one takes it, into
 * scratch: a default it refuses made every create fail, after the table was registered. */
static int check_default(const knob_option *o, const char *who)
{
    union {
        int64_t i;
        double d;
        bool b;
    } scratch;
    knob_option at = *o;
    at.offset = 0;
    if (!set_one(&at, &scratch, o->def, who))
        return KNOB_OK;
    char why[512];
    snprintf(why, sizeof why, "%s", knob_errmsg());
    return knob__error(KNOB_EINVAL, "%s (the table's default)", why);
}

/* A table is read by set_one at face value, so what would write outside the state or
 * could never be set is refused before any state exists. */
static int check_one(const knob_option *table, const knob_option *o, size_t state_size,
                     const char *reserved, const char *who)
{
    size_t size = field_size(o->type);
    if (!o->name[0])
        return knob__error(KNOB_EINVAL, "%s: an option has an empty name", who);
    if (reserved && strcmp(o->name, reserved) == 0)
        return knob__error(KNOB_EINVAL,
                           "%s: option '%s' is the library's: declare no option of "
                           "that name",
                           who, o->name);
    if (!size)
        return knob__error(KNOB_EINVAL, "%s: option '%s' has an unknown type %d", who, o->name,
                           (int)o->type);
    if (o->offset > state_size || size > state_size - o->offset)
        return knob__error(KNOB_EINVAL,
                           "%s: option '%s' (%zu bytes at offset %zu) lies past "
                           "the state's %zu bytes",
                           who, o->name, size, o->offset, state_size);
    /* out_of_range reads [min, max] as a bound unless both are 0: a NaN or an empty range
     * refused every value, the default's included, at every create */
    if (isnan(o->min) || isnan(o->max) || o->min > o->max)
        return knob__error(KNOB_EINVAL,
                           "%s: option '%s' has the range [%g, %g], which holds no value", who,
                           o->name, o->min, o->max);
    if (o->def &&
        (o->type == KNOB_OPT_INT || o->type == KNOB_OPT_DOUBLE || o->type == KNOB_OPT_BOOL) &&
        check_default(o, who))
        return KNOB_EINVAL;
    if (o->type == KNOB_OPT_ENUM && (!o->choices || !o->choices[0]))
        return knob__error(KNOB_EINVAL, "%s: enum option '%s' has no choices", who, o->name);
    if (o->type == KNOB_OPT_ENUM && o->def && !is_choice(o, o->def)) {
        char words[512];
        list_choices(o, words, sizeof words);
        return knob__error(KNOB_EINVAL, "%s: option '%s' has the default '%s', not one of %s", who,
                           o->name, o->def, words);
    }
    for (const knob_option *p = table; p < o; p++)
        if (strcmp(p->name, o->name) == 0)
            return knob__error(KNOB_EINVAL, "%s: option '%s' is declared twice", who, o->name);
    return KNOB_OK;
}

int knob__options_check(const knob_option *table, size_t state_size, const char *reserved,
                        const char *who)
{
    for (const knob_option *o = table; o && o->name; o++) {
        int rc = check_one(table, o, state_size, reserved, who);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

/* Length of the next item of "k=v,k=v", honouring brackets and quotes. */
static size_t item_len(const char *s)
{
    int depth = 0;
    char quote = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (quote) {
            if (c == '\\' && s[i + 1])
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    return i;
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = 0;
    }
    return r;
}

/* The value of the first item of "k=v,k=v" before `end` whose key is `key` (trimmed, a
 * copy the caller frees), or NULL; *oom when out of memory. */
static char *earlier_value(const char *text, const char *end, const char *key, bool *oom)
{
    while (text < end && *text) {
        size_t n = item_len(text);
        const char *eq = memchr(text, '=', n);
        if (eq) {
            char *k = trimmed(text, (size_t)(eq - text));
            bool same = k && strcmp(k, key) == 0;
            *oom |= !k;
            free(k);
            if (same) {
                char *v = trimmed(eq + 1, n - (size_t)(eq + 1 - text));
                *oom |= !v;
                return v;
            }
        }
        text += n;
        if (*text == ',')
            text++;
    }
    return NULL;
}

/* KNOB_EINVAL when `key`, an item's key at `at` of the string that starts at `start`, is an
 * earlier item's too. */
static int given_twice(const char *start, const char *at, const char *key, const char *value,
                       const char *who)
{
    bool oom = false;
    char *first = earlier_value(start, at, key, &oom);
    if (oom) {
        free(first);
        return knob__oom("options");
    }
    if (!first)
        return KNOB_OK;
    int rc = knob__error(KNOB_EINVAL,
                         "%s: option '%s' is given twice (%s=%.200s, then %s=%.200s); give it once",
                         who, key, key, first, key, value);
    free(first);
    return rc;
}

int knob__options_each(const char *text, const char *who,
                       int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
    if (!text)
        return KNOB_OK;
    const char *start = text;
    while (*text) {
        size_t n = item_len(text);
        const char *eq = memchr(text, '=', n);
        char *item = trimmed(text, n);
        if (!item)
            return knob__oom("options");
        if (item[0] && !eq) {
            int rc =
                knob__error(KNOB_EINVAL, "%s: option '%s' needs the form key=value", who, item);
            free(item);
            return rc;
        }
        int rc = KNOB_OK;
        if (item[0]) {
            char *key = trimmed(text, (size_t)(eq - text));
            char *value = trimmed(eq + 1, n - (size_t)(eq + 1 - text));
            rc = key && value ? given_twice(start, text, key, value, who) : knob__oom("options");
            if (!rc)
                rc = fn(ctx, key, value);
            free(key);
            free(value);
        }
        free(item);
        if (rc)
            return rc;
        text += n;
        if (*text == ',')
            text++;
    }
    return KNOB_OK;
}

typedef struct option_text {
    const char *key;
    char *value;
} option_text;

static int keep_value(void *ctx, const char *key, const char *value)
{
    option_text *o = ctx;
    if (strcmp(key, o->key) == 0) {
        free(o->value);
        if (!(o->value = knob__strdup(value)))
            return knob__oom("options");
    }
    return KNOB_OK;
}

int knob__option_text(const char *options, const char *who, const char *key, char **out)
{
    option_text o = {key, NULL};
    int rc = knob__options_each(options, who, keep_value, &o);
    if (rc) {
        free(o.value);
        o.value = NULL;
    }
    *out = o.value;
    return rc;
}
