/* Typed values out of libyaml nodes, and errors naming the file, line, column and key. */
#include "cli/cli.h"
#include "cli/sweep_yaml.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void verrorf(const sweep_ctx *c, int line, int col, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s:%d:%d: ", c->path, line, col);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int sweep_errorf(const sweep_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf(c, n ? (int)n->start_mark.line + 1 : 1, n ? (int)n->start_mark.column + 1 : 1, fmt, ap);
    va_end(ap);
    return -1;
}

int sweep_errorf_at(const sweep_ctx *c, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf(c, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

yaml_node_t *sweep_node(const sweep_ctx *c, int id)
{
    return yaml_document_get_node((yaml_document_t *)&c->doc, id);
}

const char *sweep_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *sweep_kind_name(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    if (n->type == YAML_SCALAR_NODE)
        return "a scalar";
    return n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

size_t sweep_seq_len(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

char *sweep_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("knob: out of memory\n", stderr);
        exit(EXIT_FAIL);
    }
    return d;
}

int sweep_get_string(const sweep_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = sweep_scalar(n);
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a string, got %s", key, sweep_kind_name(n));
    free(*out);
    *out = sweep_dup(s);
    return 0;
}

int sweep_get_number(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = sweep_scalar(n);
    char *end;
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a number, got %s", key, sweep_kind_name(n));
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return sweep_errorf(c, n, "key '%s': expected a number, got \"%s\"", key, s);
    *out = v;
    return 0;
}

int sweep_get_int(const sweep_ctx *c, const yaml_node_t *n, const char *key, int64_t *out,
                  int64_t lo)
{
    double v;
    if (sweep_get_number(c, n, key, &v))
        return -1;
    if (v != floor(v) || v < (double)lo || v > 9e15)
        return sweep_errorf(c, n, "key '%s': expected a whole number >= %lld, got %s", key,
                            (long long)lo, sweep_scalar(n));
    *out = (int64_t)v;
    return 0;
}

int sweep_get_duration(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = sweep_scalar(n);
    double v = s ? cli_duration(s) : -1;
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a duration, got %s", key, sweep_kind_name(n));
    if (v < 0)
        return sweep_errorf(c, n,
                            "key '%s': expected a duration (90, 30s, 5m, 2h, 1h30m), "
                            "got \"%s\"",
                            key, s);
    *out = v;
    return 0;
}

knob_choice sweep_to_choice(const yaml_node_t *n)
{
    const char *s = sweep_scalar(n);
    knob_choice ch = {KNOB_CHOICE_STRING, sweep_dup(s), 0};
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return ch;
    char *end;
    double v = strtod(s, &end);
    if (end != s && !*end && isfinite(v)) {
        ch.type = KNOB_CHOICE_NUMBER;
        ch.num = v;
    } else if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "false") ||
               !strcmp(s, "False")) {
        ch.type = KNOB_CHOICE_BOOL;
        ch.num = s[0] == 't' || s[0] == 'T';
    } else if (!strcmp(s, "null") || !strcmp(s, "~") || !strcmp(s, "None")) {
        ch.type = KNOB_CHOICE_NULL;
    }
    return ch;
}

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

const char *sweep_closest(const char *key, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (; key && *names; names++) {
        size_t d = distance(key, *names);
        if (d < best_d) {
            best_d = d;
            best = *names;
        }
    }
    return best;
}

int sweep_unknown_key(const sweep_ctx *c, const yaml_node_t *k, const char *where,
                      const char *const *names)
{
    const char *ks = sweep_scalar(k);
    const char *near = sweep_closest(ks, names);
    return sweep_errorf(c, k, "unknown key '%s'%s%s%s%s%s", ks ? ks : "?", where[0] ? " in " : "",
                        where, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

static void scalar_json(const yaml_node_t *n, knob__buf *b)
{
    knob_choice ch = sweep_to_choice(n);
    switch (ch.type) {
    case KNOB_CHOICE_STRING:
        knob__json_add_string(b, ch.str);
        break;
    case KNOB_CHOICE_NUMBER:
        knob__json_add_number(b, ch.num);
        break;
    case KNOB_CHOICE_BOOL:
        knob__buf_puts(b, ch.num != 0 ? "true" : "false");
        break;
    case KNOB_CHOICE_NULL:
        knob__buf_puts(b, "null");
        break;
    }
    free((char *)ch.str);
}

void sweep_node_json(const sweep_ctx *c, const yaml_node_t *n, knob__buf *b)
{
    if (!n) {
        knob__buf_puts(b, "null");
    } else if (n->type == YAML_SCALAR_NODE) {
        scalar_json(n, b);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        knob__buf_puts(b, "[");
        for (size_t i = 0; i < sweep_seq_len(n); i++) {
            knob__buf_puts(b, i ? "," : "");
            sweep_node_json(c, sweep_node(c, n->data.sequence.items.start[i]), b);
        }
        knob__buf_puts(b, "]");
    } else {
        knob__buf_puts(b, "{");
        for (yaml_node_pair_t *kv = n->data.mapping.pairs.start; kv < n->data.mapping.pairs.top;
             kv++) {
            const char *k = sweep_scalar(sweep_node(c, kv->key));
            knob__buf_puts(b, kv == n->data.mapping.pairs.start ? "" : ",");
            knob__json_add_string(b, k ? k : "");
            knob__buf_puts(b, ":");
            sweep_node_json(c, sweep_node(c, kv->value), b);
        }
        knob__buf_puts(b, "}");
    }
}
