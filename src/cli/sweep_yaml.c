/* Typed values out of libyaml nodes, and errors naming the file, line, column and key. */
#include "cli/cli.h"
#include "cli/sweep_yaml.h"
#include "util/json.h"
#include "util/names.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void verrorf(const sweep_ctx *c, int line, int col, const char *fmt, va_list ap)
{
    if (c->quiet)
        return;
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

static void vwarnf(const sweep_ctx *c, int line, int col, const char *fmt, va_list ap)
{
    if (c->quiet || c->quiet_warnings)
        return;
    fprintf(stderr, "%s:%d:%d: warning: ", c->path, line, col);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void sweep_warnf(const sweep_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarnf(c, n ? (int)n->start_mark.line + 1 : 1, n ? (int)n->start_mark.column + 1 : 1, fmt, ap);
    va_end(ap);
}

void sweep_warnf_at(const sweep_ctx *c, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarnf(c, line, col, fmt, ap);
    va_end(ap);
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
    if (n->type == YAML_SCALAR_NODE) {
        /* `lr:` with nothing after it is YAML's null, as `lr: null` and `lr: ~` are */
        static const char *const nulls[] = {"", "null", "Null", "NULL", "~"};
        const char *s = sweep_scalar(n);
        for (size_t i = 0; n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && s &&
                           i < sizeof nulls / sizeof *nulls;
             i++)
            if (!strcmp(s, nulls[i]))
                return "null (an empty value)";
        return "a scalar";
    }
    if (n->type == YAML_SEQUENCE_NODE) /* [] is what "expected a non-empty list" refuses */
        return n->data.sequence.items.top == n->data.sequence.items.start ? "an empty list"
                                                                          : "a list";
    return n->data.mapping.pairs.top == n->data.mapping.pairs.start ? "an empty mapping"
                                                                    : "a mapping";
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

int sweep_check_length(const sweep_ctx *c, const yaml_node_t *n, const char *key, size_t max)
{
    size_t len = n && n->type == YAML_SCALAR_NODE ? n->data.scalar.length : 0;
    if (len > max)
        return sweep_errorf(c, n, "key '%s': the string is %zu bytes long, at most %zu", key, len,
                            max);
    return 0;
}

int sweep_get_string(const sweep_ctx *c, const yaml_node_t *n, const char *key, size_t max,
                     char **out)
{
    const char *s = sweep_scalar(n);
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a string, got %s", key, sweep_kind_name(n));
    if (sweep_check_length(c, n, key, max))
        return -1;
    free(*out);
    *out = sweep_dup(s);
    return 0;
}

/* A finite number as YAML 1.1 (PyYAML, and so W&B) writes it, digits grouped by underscores
 * included (1_000_000), else false; with strict, also false when it is out of range. */
static bool read_number(const char *s, double *out, bool strict)
{
    char *end, *plain = NULL;
    if (strchr(s, '_') && (isdigit((unsigned char)s[0]) || strchr("+-.", s[0])) &&
        s[strspn(s, "0123456789_+-.eE")] == '\0' && (plain = malloc(strlen(s) + 1))) {
        size_t k = 0;
        for (const char *q = s; *q; q++)
            if (*q != '_')
                plain[k++] = *q;
        plain[k] = '\0';
        s = plain;
    }
    errno = 0;
    double v = strtod(s, &end);
    bool ok = end != s && !*end && !(strict && errno) && isfinite(v);
    free(plain);
    if (ok)
        *out = v;
    return ok;
}

char *sweep_ungrouped_number(const yaml_node_t *n)
{
    const char *s = sweep_scalar(n);
    double v;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !strchr(s, '_') ||
        !read_number(s, &v, false))
        return NULL;
    char *plain = sweep_dup(s);
    size_t k = 0;
    for (const char *q = s; *q; q++)
        if (*q != '_')
            plain[k++] = *q;
    plain[k] = '\0';
    return plain;
}

int sweep_get_number(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = sweep_scalar(n);
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a number, got %s", key, sweep_kind_name(n));
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && !*end && errno == ERANGE) /* 1e400, 1.0e-400, 1e-310 */
        return sweep_errorf(c, n, "key '%s': %s is %s a double's range%s", key, s,
                            v == 0 || isinf(v) ? "beyond" : "below the full precision of",
                            v == 0 ? " (it reads as 0)" : "");
    if (sweep_nonfinite_word(n))
        return sweep_errorf(c, n, "key '%s': expected a finite number, got %s (YAML's %s)", key, s,
                            sweep_nonfinite_word(n));
    if (!read_number(s, out, true))
        return sweep_errorf(c, n, "key '%s': expected a number, got \"%s\"", key, s);
    /* a string in YAML (quoted, or a block scalar) is read as the number, and said: W&B's
     * schema refuses one at its keys (run_cap, metric.target, a parameter's numbers) */
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE && !c->stored) { /* said when run */
        bool wandb = !strcmp(key, "run_cap") || !strcmp(key, "metric.target") ||
                     !strncmp(key, "parameters.", 11);
        sweep_warnf(c, n, "key '%s': \"%s\" is a string (in quotes), read as the number %.15g%s",
                    key, s, *out, wandb ? " (W&B refuses a string here)" : "");
    }
    return 0;
}

void sweep_warn_not_string(const sweep_ctx *c, const yaml_node_t *n, const char *key)
{
    const char *s = sweep_scalar(n);
    if (!s || c->stored)
        return;
    knob_choice ch = sweep_to_choice(n);
    free((char *)ch.str);
    /* "None" is the string "None" to PyYAML (sweep_to_choice reads it as null) */
    const char *type = ch.type == KNOB_CHOICE_NUMBER || sweep_nonfinite_word(n) ? "a number"
                       : ch.type == KNOB_CHOICE_BOOL                            ? "a boolean"
                       : ch.type == KNOB_CHOICE_NULL && strcmp(s, "None")       ? "null"
                                                                                : NULL;
    if (type)
        sweep_warnf(c, n,
                    "key '%s': %s is %s to YAML, taken as the text \"%s\" (W&B refuses it: a "
                    "string is expected; write it in quotes)",
                    key, s, type, s);
}

long double sweep_exact_number(const yaml_node_t *n, double v)
{
    const char *s = sweep_scalar(n);
    if (!s || fabs(v) < 0x1p53)
        return v;
    char *end;
    long double x = strtold(s, &end);
    return end != s && !*end && isfinite(x) ? x : v;
}

int sweep_get_int(const sweep_ctx *c, const yaml_node_t *n, const char *key, int64_t *out,
                  int64_t lo, int64_t hi)
{
    double v = 0; /* set by sweep_get_number on success; GCC -O3 cannot see it */
    if (sweep_get_number(c, n, key, &v))
        return -1;
    long double x = sweep_exact_number(n, v);
    if (x != floorl(x) || x < (long double)lo || x > (long double)hi)
        return sweep_errorf(c, n, "key '%s': expected a whole number in [%lld, %lld], got %s", key,
                            (long long)lo, (long long)hi, sweep_scalar(n));
    *out = (int64_t)v;
    return 0;
}

int sweep_get_duration(const sweep_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = sweep_scalar(n);
    char hint[128];
    double before = -1;
    double v = s ? cli_duration(s, hint, sizeof hint, &before) : -1;
    if (!s)
        return sweep_errorf(c, n, "key '%s': expected a duration, got %s", key, sweep_kind_name(n));
    if (v == -2 && c->stored && before >= 0) {
        /* an older knob stored it and ran it with the last number as seconds: read so */
        v = before;
        sweep_warnf(c, n,
                    "key '%s': \"%s\" is read as an older knob read it, %.15g seconds (its "
                    "last number, without a unit, as seconds); a sweep file with it is "
                    "refused now%s%s%s: knob run with the corrected file stores that "
                    "sweep with the study in place of this one",
                    key, s, v, *hint ? " (did you mean \"" : "", hint, *hint ? "\"?)" : "");
    }
    if (v == -2)
        return sweep_errorf(c, n,
                            "key '%s': \"%s\": its last number has no unit, and after one "
                            "with a unit each needs its own (a number alone is seconds)%s%s%s",
                            key, s, *hint ? ": did you mean \"" : "", hint, *hint ? "\"?" : "");
    if (v < 0)
        return sweep_errorf(c, n,
                            "key '%s': expected a duration (90, 30s, 5m, 2h, 1h30m), "
                            "got \"%s\"",
                            key, s);
    *out = v;
    return 0;
}

/* The index of s in a NULL-terminated list, or -1. */
static int word_index(const char *s, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (!strcmp(s, words[i]))
            return i;
    return -1;
}

int sweep_bool_word(const char *s)
{
    /* YAML 1.1's booleans, as PyYAML (and so W&B) reads them: `values: [yes, no]` is two
     * booleans there. The true words come first, in pairs with the false ones. */
    static const char *const bools[] = {"true", "True", "TRUE",  "yes",   "Yes",   "YES", "on",
                                        "On",   "ON",   "false", "False", "FALSE", "no",  "No",
                                        "NO",   "off",  "Off",   "OFF",   NULL};
    int b = word_index(s, bools);
    return b < 0 ? -1 : b < 9;
}

const char *sweep_nonfinite_word(const yaml_node_t *n)
{
    static const char *const words[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
                                        "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
                                        ".NaN",  ".NAN",  NULL};
    int k = n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                ? word_index(sweep_scalar(n), words)
                : -1;
    return k < 0 ? NULL : k < 9 ? "infinity" : "NaN";
}

knob_choice sweep_to_choice(const yaml_node_t *n)
{
    /* YAML 1.1's booleans (sweep_bool_word) and nulls, as PyYAML reads them; and "None",
     * Python's word, which PyYAML reads as the string "None" (W&B passes --act=None): null
     * here since knob's first sweeps, kept so that a study made then (its trials' choice
     * null, its stored sweep read again by every run and worker) stays one space */
    static const char *const nulls[] = {"null", "Null", "NULL", "~", "None", NULL};
    const char *s = sweep_scalar(n);
    knob_choice ch = {KNOB_CHOICE_STRING, sweep_dup(s), 0};
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return ch;
    double v;
    int b = sweep_bool_word(s);
    if (read_number(s, &v, false)) {
        ch.type = KNOB_CHOICE_NUMBER;
        ch.num = v;
    } else if (b >= 0) {
        ch.type = KNOB_CHOICE_BOOL;
        ch.num = b;
    } else if (word_index(s, nulls) >= 0) {
        ch.type = KNOB_CHOICE_NULL;
    }
    return ch;
}

const char *sweep_closest(const char *key, const char *const *names)
{
    return knobx_closest(key, names);
}

int sweep_unknown_key(const sweep_ctx *c, const yaml_node_t *k, const char *where,
                      const char *const *names)
{
    const char *ks = sweep_scalar(k);
    const char *near = sweep_closest(ks, names);
    return sweep_errorf(c, k, "unknown key '%s'%s%s%s%s%s", ks ? ks : "?", where[0] ? " in " : "",
                        where, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

bool sweep_big_int(const yaml_node_t *n)
{
    const char *s = sweep_scalar(n);
    return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && knobx_big_int_text(s, strlen(s));
}

static void scalar_json(const yaml_node_t *n, knobx_buf *b)
{
    if (sweep_big_int(n)) {
        knobx_buf_puts(b, sweep_scalar(n));
        return;
    }
    knob_choice ch = sweep_to_choice(n);
    switch (ch.type) {
    case KNOB_CHOICE_STRING:
        knobx_json_add_string(b, ch.str);
        break;
    case KNOB_CHOICE_NUMBER:
        knobx_json_add_number(b, ch.num);
        break;
    case KNOB_CHOICE_BOOL:
        knobx_buf_puts(b, ch.num != 0 ? "true" : "false");
        break;
    case KNOB_CHOICE_NULL:
        knobx_buf_puts(b, "null");
        break;
    }
    free((char *)ch.str);
}

void sweep_node_json(const sweep_ctx *c, const yaml_node_t *n, knobx_buf *b)
{
    if (!n) {
        knobx_buf_puts(b, "null");
    } else if (n->type == YAML_SCALAR_NODE) {
        scalar_json(n, b);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        knobx_buf_puts(b, "[");
        for (size_t i = 0; i < sweep_seq_len(n); i++) {
            knobx_buf_puts(b, i ? "," : "");
            sweep_node_json(c, sweep_node(c, n->data.sequence.items.start[i]), b);
        }
        knobx_buf_puts(b, "]");
    } else {
        knobx_buf_puts(b, "{");
        for (yaml_node_pair_t *kv = n->data.mapping.pairs.start; kv < n->data.mapping.pairs.top;
             kv++) {
            const char *k = sweep_scalar(sweep_node(c, kv->key));
            knobx_buf_puts(b, kv == n->data.mapping.pairs.start ? "" : ",");
            knobx_json_add_string(b, k ? k : "");
            knobx_buf_puts(b, ":");
            sweep_node_json(c, sweep_node(c, kv->value), b);
        }
        knobx_buf_puts(b, "}");
    }
}

/* ---------------------------------------------------------------- loading */

/* libyaml's loader keeps an alias as a second reference to the node it names, so a file of
 * a few hundred bytes can stand for a tree of billions of nodes (the "billion laughs"),
 * and an alias inside the node it names makes a cycle. A first pass over the events
 * measures the tree with aliases expanded and refuses it before it is loaded. */

typedef struct anchor {
    char *name;
    yaml_mark_t mark;
    uint64_t size; /* nodes, aliases expanded */
    int height;    /* levels of lists and mappings, aliases expanded */
    bool done;     /* false while the anchored node is open */
} anchor;

typedef struct frame {
    int anchor; /* index, or -1 */
    uint64_t size;
    int height; /* the highest child's */
} frame;

typedef struct yaml_pass {
    const sweep_ctx *c;
    anchor anchors[SWEEP_MAX_ANCHORS];
    int n_anchors;
    frame stack[SWEEP_MAX_DEPTH];
    int depth;
    uint64_t alias_nodes;
    long nodes; /* written ones, aliases not expanded */
} yaml_pass;

static int mark_errorf(const yaml_pass *p, yaml_mark_t m, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int mark_errorf(const yaml_pass *p, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf(p->c, (int)m.line + 1, (int)m.column + 1, fmt, ap);
    va_end(ap);
    return -1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static void add_child(yaml_pass *p, uint64_t size, int height)
{
    if (!p->depth)
        return;
    frame *f = &p->stack[p->depth - 1];
    f->size = add_sat(f->size, size);
    if (height > f->height)
        f->height = height;
}

static int find_anchor(const yaml_pass *p, const char *name)
{
    for (int i = p->n_anchors - 1; i >= 0; i--)
        if (!strcmp(p->anchors[i].name, name))
            return i;
    return -1;
}

static int add_anchor(yaml_pass *p, const yaml_event_t *e, const yaml_char_t *name, int *index)
{
    const char *ns = (const char *)name;
    *index = -1;
    if (!ns)
        return 0;
    int old = find_anchor(p, ns);
    if (old >= 0)
        return mark_errorf(
            p, e->start_mark, "anchor '&%s' is defined twice (first at line %d, column %d)", ns,
            (int)p->anchors[old].mark.line + 1, (int)p->anchors[old].mark.column + 1);
    if (p->n_anchors == SWEEP_MAX_ANCHORS)
        return mark_errorf(p, e->start_mark,
                           "anchor '&%s': a sweep file may define at most %d anchors", ns,
                           SWEEP_MAX_ANCHORS);
    *index = p->n_anchors++;
    p->anchors[*index] = (anchor){sweep_dup(ns), e->start_mark, 1, 0, false};
    return 0;
}

static int pass_open(yaml_pass *p, const yaml_event_t *e, const yaml_char_t *name)
{
    int index;
    if (p->depth == SWEEP_MAX_DEPTH)
        return mark_errorf(p, e->start_mark, "nested deeper than %d levels of lists and mappings",
                           SWEEP_MAX_DEPTH);
    if (add_anchor(p, e, name, &index))
        return -1;
    p->stack[p->depth++] = (frame){index, 1, 0};
    return 0;
}

static void pass_close(yaml_pass *p)
{
    frame f = p->stack[--p->depth];
    if (f.anchor >= 0) {
        p->anchors[f.anchor].size = f.size;
        p->anchors[f.anchor].height = f.height + 1;
        p->anchors[f.anchor].done = true;
    }
    add_child(p, f.size, f.height + 1);
}

static int pass_alias(yaml_pass *p, const yaml_event_t *e)
{
    const char *name = (const char *)e->data.alias.anchor;
    int i = find_anchor(p, name);
    if (i < 0)
        return mark_errorf(p, e->start_mark, "alias '*%s' names no anchor defined before it", name);
    const anchor *a = &p->anchors[i];
    if (!a->done)
        return mark_errorf(p, e->start_mark,
                           "alias '*%s' is inside the node it names (a recursive alias)", name);
    p->alias_nodes = add_sat(p->alias_nodes, a->size);
    if (p->alias_nodes > SWEEP_MAX_ALIAS_NODES)
        return mark_errorf(p, e->start_mark,
                           "alias '*%s': aliases expand the file by more than %d nodes", name,
                           SWEEP_MAX_ALIAS_NODES);
    if (p->depth + a->height > SWEEP_MAX_DEPTH)
        return mark_errorf(p, e->start_mark,
                           "alias '*%s': nested deeper than %d levels of lists and mappings", name,
                           SWEEP_MAX_DEPTH);
    add_child(p, a->size, a->height);
    return 0;
}

static int pass_scalar(yaml_pass *p, const yaml_event_t *e)
{
    int index;
    if (strlen((const char *)e->data.scalar.value) != e->data.scalar.length)
        return mark_errorf(p, e->start_mark, "a string holds a NUL byte (\\0)");
    if (add_anchor(p, e, e->data.scalar.anchor, &index))
        return -1;
    if (index >= 0)
        p->anchors[index].done = true;
    add_child(p, 1, 0);
    return 0;
}

/* One event; *done at the end of the first document (the one yaml_parser_load loads). */
static int pass_event(yaml_pass *p, const yaml_event_t *e, bool *done)
{
    if ((e->type == YAML_SCALAR_EVENT || e->type == YAML_SEQUENCE_START_EVENT ||
         e->type == YAML_MAPPING_START_EVENT) &&
        ++p->nodes > SWEEP_MAX_NODES)
        return mark_errorf(p, e->start_mark,
                           "more than %d YAML nodes (values, keys, lists and mappings)",
                           SWEEP_MAX_NODES);
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        return pass_scalar(p, e);
    case YAML_SEQUENCE_START_EVENT:
        return pass_open(p, e, e->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return pass_open(p, e, e->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        pass_close(p);
        return 0;
    case YAML_ALIAS_EVENT:
        return pass_alias(p, e);
    case YAML_DOCUMENT_END_EVENT:
    case YAML_STREAM_END_EVENT:
        *done = true;
        return 0;
    default:
        return 0;
    }
}

/* Whether the indentation of line `line` (from 0) of the text holds a tab, which YAML
 * refuses there: libyaml says only "found character that cannot start any token". */
static bool indented_with_tab(const char *text, size_t line)
{
    for (size_t l = 0; text && *text && l < line; text++)
        l += *text == '\n';
    while (text && (*text == ' ' || *text == '\t'))
        if (*text++ == '\t')
            return true;
    return false;
}

/* libyaml's problem, with where the construct it was reading began (an unclosed quote or
 * bracket is found at the end of the file, far from where it opened), as PyYAML says it. */
static int parser_error(const sweep_ctx *c, const yaml_parser_t *parser)
{
    const yaml_mark_t *at = &parser->problem_mark, *from = &parser->context_mark;
    char began[80] = "";
    if (parser->context && (from->line != at->line || from->column != at->column))
        snprintf(began, sizeof began, " that began at line %lu, column %lu",
                 (unsigned long)from->line + 1, (unsigned long)from->column + 1);
    bool tab = indented_with_tab(c->sw ? c->sw->text : NULL, at->line);
    yaml_mark_t byte = *at;
    if (parser->error == YAML_READER_ERROR && c->sw && c->sw->text) {
        /* the reader (a byte that is no UTF-8) gives an offset, not a mark: said at 1:1 */
        byte.line = byte.column = 0;
        const char *t = c->sw->text;
        for (size_t i = 0; i < parser->problem_offset && t[i]; i++) {
            if (t[i] == '\n') {
                byte.line++;
                byte.column = 0;
            } else if (((unsigned char)t[i] & 0xC0) != 0x80) {
                byte.column++; /* a character: not a UTF-8 continuation byte */
            }
        }
        at = &byte;
    }
    return sweep_errorf_at(c, (int)at->line + 1, (int)at->column + 1, "YAML error: %s%s%s%s%s",
                           parser->problem ? parser->problem : "malformed",
                           parser->context ? " " : "", parser->context ? parser->context : "",
                           began,
                           tab ? " (a tab in the indentation: YAML indents with spaces)" : "");
}

/* After the first document: the stream's end. A second document is refused, as PyYAML (and
 * so W&B) refuses it, rather than left unread. */
static int check_one_document(const sweep_ctx *c, yaml_parser_t *parser)
{
    yaml_event_t e;
    if (!yaml_parser_parse(parser, &e))
        return parser_error(c, parser);
    int rc = 0;
    if (e.type == YAML_DOCUMENT_START_EVENT)
        rc = sweep_errorf_at(c, (int)e.start_mark.line + 1, (int)e.start_mark.column + 1,
                             "a sweep file is one YAML document, and a second one starts here");
    yaml_event_delete(&e);
    return rc;
}

static int check_events(const sweep_ctx *c, const char *text)
{
    yaml_parser_t parser;
    yaml_pass *p = calloc(1, sizeof *p);
    int rc = 0;
    bool done = false;
    if (!p)
        return sweep_errorf(c, NULL, "out of memory");
    p->c = c;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    while (!rc && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            rc = parser_error(c, &parser);
            break;
        }
        rc = pass_event(p, &e, &done);
        bool doc_end = e.type == YAML_DOCUMENT_END_EVENT;
        yaml_event_delete(&e);
        if (!rc && doc_end)
            rc = check_one_document(c, &parser);
    }
    for (int i = 0; i < p->n_anchors; i++)
        free(p->anchors[i].name);
    yaml_parser_delete(&parser);
    free(p);
    return rc;
}

/* ---------------------------------------------------------------- keys given twice */

typedef struct key_ref {
    const char *key;
    size_t pos; /* in the mapping */
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    return r ? r : (x->pos > y->pos) - (x->pos < y->pos);
}

/* The first key of mapping m (in its order) that an earlier key repeats; -1 when none. */
static long repeated_key(const sweep_ctx *c, const yaml_node_t *m, key_ref *refs, long *first)
{
    const yaml_node_pair_t *pairs = m->data.mapping.pairs.start;
    size_t n = 0, len = (size_t)(m->data.mapping.pairs.top - pairs);
    long found = -1;
    for (size_t i = 0; i < len; i++) {
        const char *k = sweep_scalar(sweep_node(c, pairs[i].key));
        if (k)
            refs[n++] = (key_ref){k, i};
    }
    qsort(refs, n, sizeof *refs, key_ref_cmp);
    for (size_t i = 1, start = 0; i < n; i++) {
        if (strcmp(refs[i].key, refs[i - 1].key)) {
            start = i;
        } else if (found < 0 || refs[i].pos < (size_t)found) {
            found = (long)refs[i].pos;
            *first = (long)refs[start].pos;
        }
    }
    return found;
}

static int check_keys(const sweep_ctx *c)
{
    key_ref *refs = NULL;
    size_t cap = 0;
    for (yaml_node_t *m = c->doc.nodes.start; m < c->doc.nodes.top; m++) {
        size_t len = m->type == YAML_MAPPING_NODE
                         ? (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start)
                         : 0;
        long first = 0, again;
        if (len < 2)
            continue;
        if (len > cap) {
            key_ref *grown = realloc(refs, len * sizeof *refs);
            if (!grown) {
                free(refs);
                return sweep_errorf(c, m, "out of memory");
            }
            refs = grown;
            cap = len;
        }
        if ((again = repeated_key(c, m, refs, &first)) >= 0) {
            const yaml_node_t *k2 = sweep_node(c, m->data.mapping.pairs.start[again].key);
            const yaml_node_t *k1 = sweep_node(c, m->data.mapping.pairs.start[first].key);
            free(refs);
            return sweep_errorf(
                c, k2, "key '%s' is given twice in this mapping (first at line %d, column %d)",
                sweep_scalar(k2), (int)k1->start_mark.line + 1, (int)k1->start_mark.column + 1);
        }
    }
    free(refs);
    return 0;
}

/* ---------------------------------------------------------------- merge keys */

/* YAML 1.1's merge key, as PyYAML (and so W&B) reads it: `<<: *defaults` (or a list of
 * mappings) gives a mapping the pairs of those mappings whose keys it does not give itself.
 * The merged pairs come first, in the order of the mappings named (the first one naming a
 * key gives it), a key also given explicitly at its merged place with its explicit value;
 * then the other explicit pairs. Each mapping is resolved once, its merged mappings
 * before it. */
static bool is_merge_key(const sweep_ctx *c, const yaml_node_pair_t *kv)
{
    const yaml_node_t *k = sweep_node(c, kv->key);
    const char *s = sweep_scalar(k);
    return s && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(s, "<<");
}

static const yaml_node_pair_t *find_pair(const sweep_ctx *c, const yaml_node_pair_t *from,
                                         const yaml_node_pair_t *to, const char *key, bool merges)
{
    for (const yaml_node_pair_t *kv = from; kv < to; kv++) {
        const char *k = sweep_scalar(sweep_node(c, kv->key));
        if (k && !strcmp(k, key) && merges == is_merge_key(c, kv))
            return kv;
    }
    return NULL;
}

static int merge_mapping(sweep_ctx *c, yaml_node_t *m, char *state);

/* Appends the pairs of source `src` to out (at *n) that it does not hold yet. */
static int merge_from(sweep_ctx *c, yaml_node_t *m, yaml_node_t *src, yaml_node_pair_t *out,
                      size_t *n, char *state)
{
    if (src->type != YAML_MAPPING_NODE)
        return sweep_errorf(c, src,
                            "key '<<': a merge takes a mapping or a list of mappings, got %s",
                            sweep_kind_name(src));
    if (merge_mapping(c, src, state))
        return -1;
    const yaml_node_pair_t *own = m->data.mapping.pairs.start, *own_end = m->data.mapping.pairs.top;
    for (const yaml_node_pair_t *kv = src->data.mapping.pairs.start;
         kv < src->data.mapping.pairs.top; kv++) {
        const char *k = sweep_scalar(sweep_node(c, kv->key));
        if (!k || find_pair(c, out, out + *n, k, false))
            continue;
        const yaml_node_pair_t *explicit = find_pair(c, own, own_end, k, false);
        out[(*n)++] = explicit ? *explicit : *kv;
    }
    return 0;
}

static int merge_mapping(sweep_ctx *c, yaml_node_t *m, char *state)
{
    size_t idx = (size_t)(m - c->doc.nodes.start);
    if (state[idx])
        return 0; /* done, or under way higher up (an alias inside its own node is refused) */
    state[idx] = 1;
    yaml_node_pair_t *start = m->data.mapping.pairs.start, *top = m->data.mapping.pairs.top;
    if (!find_pair(c, start, top, "<<", true))
        return 0;
    size_t cap = (size_t)(top - start);
    for (yaml_node_pair_t *kv = start; kv < top; kv++) { /* an upper bound of the result */
        yaml_node_t *v = sweep_node(c, kv->value);
        if (!is_merge_key(c, kv))
            continue;
        for (size_t i = 0; v->type == YAML_SEQUENCE_NODE && i < sweep_seq_len(v); i++) {
            yaml_node_t *src = sweep_node(c, v->data.sequence.items.start[i]);
            if (src->type == YAML_MAPPING_NODE && merge_mapping(c, src, state))
                return -1;
            cap += src->type == YAML_MAPPING_NODE
                       ? (size_t)(src->data.mapping.pairs.top - src->data.mapping.pairs.start)
                       : 0;
        }
        if (v->type == YAML_MAPPING_NODE && merge_mapping(c, v, state))
            return -1;
        cap += v->type == YAML_MAPPING_NODE
                   ? (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start)
                   : 0;
    }
    yaml_node_pair_t *out = malloc((cap ? cap : 1) * sizeof *out);
    size_t n = 0;
    if (!out)
        return sweep_errorf(c, m, "out of memory");
    for (yaml_node_pair_t *kv = start; kv < top; kv++) {
        yaml_node_t *v = sweep_node(c, kv->value);
        int rc = 0;
        if (!is_merge_key(c, kv))
            continue;
        if (v->type == YAML_SEQUENCE_NODE)
            for (size_t i = 0; !rc && i < sweep_seq_len(v); i++)
                rc = merge_from(c, m, sweep_node(c, v->data.sequence.items.start[i]), out, &n,
                                state);
        else
            rc = merge_from(c, m, v, out, &n, state);
        if (rc) {
            free(out);
            return -1;
        }
    }
    for (yaml_node_pair_t *kv = start; kv < top; kv++) {
        const char *k = sweep_scalar(sweep_node(c, kv->key));
        if (!is_merge_key(c, kv) && !(k && find_pair(c, out, out + n, k, false)))
            out[n++] = *kv;
    }
    free(start); /* libyaml's own allocator is malloc */
    m->data.mapping.pairs.start = out;
    m->data.mapping.pairs.top = out + n;
    m->data.mapping.pairs.end = out + cap;
    return 0;
}

static int merge_keys(sweep_ctx *c)
{
    size_t n = (size_t)(c->doc.nodes.top - c->doc.nodes.start);
    char *state = calloc(n ? n : 1, 1);
    int rc = state ? 0 : sweep_errorf(c, NULL, "out of memory");
    for (yaml_node_t *m = c->doc.nodes.start; !rc && m < c->doc.nodes.top; m++)
        if (m->type == YAML_MAPPING_NODE)
            rc = merge_mapping(c, m, state);
    free(state);
    return rc;
}

int sweep_load_yaml(sweep_ctx *c)
{
    yaml_parser_t parser;
    memset(&c->doc, 0, sizeof c->doc);
    if (check_events(c, c->sw->text))
        return -1;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)c->sw->text, strlen(c->sw->text));
    int ok = yaml_parser_load(&parser, &c->doc);
    if (!ok)
        parser_error(c, &parser);
    yaml_parser_delete(&parser);
    if (ok && (check_keys(c) || merge_keys(c))) {
        yaml_document_delete(&c->doc);
        memset(&c->doc, 0, sizeof c->doc);
        return -1;
    }
    return ok ? 0 : -1;
}
