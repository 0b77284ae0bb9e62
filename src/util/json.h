/*
 * A small JSON reader and writer, shared by the library and the CLI.
 *
 * knob__json_parse builds a tree of knob__json nodes in one allocation arena; the tree
 * and every string in it are freed together by knob__json_free. Object members keep
 * their order. Numbers are doubles (integers exact up to 2^53).
 *
 * The writer is a growable buffer (knob__buf) with helpers that append JSON text.
 */
#ifndef KNOB_UTIL_JSON_H
#define KNOB_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    KNOB__JSON_NULL,
    KNOB__JSON_BOOL,
    KNOB__JSON_NUMBER,
    KNOB__JSON_STRING,
    KNOB__JSON_ARRAY,
    KNOB__JSON_OBJECT
} knob__json_type;

typedef struct knob__json knob__json;
struct knob__json {
    knob__json_type type;
    bool b;
    double num;
    const char *str;   /* STRING: the decoded text (NUL-terminated; may hold no NUL) */
    const char *key;   /* the member name when this node is an object member */
    size_t n;          /* ARRAY/OBJECT: number of children */
    knob__json **kids; /* ARRAY/OBJECT: children in order */
    void *arena_;      /* root only */
};

/* Parses `text` (len bytes; len (size_t)-1 = NUL-terminated). On failure returns NULL
 * and, if err is not NULL, writes a message with the byte offset into err[0..errsz). */
knob__json *knob__json_parse(const char *text, size_t len, char *err, size_t errsz);
void knob__json_free(knob__json *root);

/* The member `key` of an object, or NULL (also when `obj` is not an object). */
const knob__json *knob__json_get(const knob__json *obj, const char *key);

/* A growable text buffer. Zero-initialize; free with knob__buf_free. Appending never
 * fails visibly: on allocation failure the buffer is marked (oom) and further appends
 * are dropped, so callers check `oom` once at the end. */
typedef struct knob__buf {
    char *data; /* NUL-terminated when len > 0 or after knob__buf_cstr */
    size_t len, cap;
    bool oom;
} knob__buf;

void knob__buf_free(knob__buf *b);
void knob__buf_reset(knob__buf *b);
void knob__buf_add(knob__buf *b, const char *s, size_t n);
void knob__buf_puts(knob__buf *b, const char *s);
void knob__buf_printf(knob__buf *b, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text so far, never NULL ("" when empty). */
const char *knob__buf_cstr(knob__buf *b);

/* Appends `s` as a JSON string literal with quotes and escapes. */
void knob__json_add_string(knob__buf *b, const char *s);
/* Appends a number: integers without a fraction, others with 17 significant digits
 * (round-trip exact); NaN and infinities as null (JSON has none). */
void knob__json_add_number(knob__buf *b, double v);
/* Appends the node as compact JSON text. */
void knob__json_add_node(knob__buf *b, const knob__json *node);

/* True when `text` is one valid JSON value (with optional surrounding space). */
bool knob__json_valid(const char *text);

/* 0 when `text` is one valid JSON value, 1 when it is not, -1 when memory ran out before
 * it could tell. */
int knob__json_check(const char *text);

#endif
