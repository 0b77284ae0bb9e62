/*
 * A small JSON reader and writer, shared by the library and the CLI.
 *
 * src/util is a part of its own, built once (the knob_util library) and linked into both
 * libknob and the knob command, as curl's curlx_ files are: its names carry their own
 * prefix, knobx_, and it includes nothing of the core, nor the core anything of the CLI.
 *
 * knobx_json_parse builds a tree of knobx_json nodes in one allocation arena; the tree
 * and every string in it are freed together by knobx_json_free. Object members keep
 * their order. Numbers are doubles (integers exact up to 2^53; a larger integer also keeps
 * its text, `big`).
 *
 * The writer is a growable buffer (knobx_buf) with helpers that append JSON text.
 */
#ifndef KNOB_UTIL_JSON_H
#define KNOB_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    KNOBX_JSON_NULL,
    KNOBX_JSON_BOOL,
    KNOBX_JSON_NUMBER,
    KNOBX_JSON_STRING,
    KNOBX_JSON_ARRAY,
    KNOBX_JSON_OBJECT
} knobx_json_type;

/* The longest number the reader takes, in characters: a longer one is refused. */
#define KNOBX_JSON_NUMBER_MAX 63

typedef struct knobx_json knobx_json;
struct knobx_json {
    knobx_json_type type;
    bool b;
    double num;
    const char *str;   /* STRING: the decoded text, NUL-terminated and UTF-8 (\u0000 and
                        * a lone surrogate are read as U+FFFD);
                        * NUMBER, from knobx_json_parse_as_written only: its text when that
                        * has a fraction or an exponent and the double is a whole finite
                        * number (2.0, 1e3, and 2.0000000000000001 or 9007199254740992.5,
                        * which are none), so that a reader of whole numbers can tell;
                        * NULL otherwise */
    const char *big;   /* NUMBER: its text when an integer beyond 2^53 (knobx_big_int_text),
                        * which num holds only to a double's precision; NULL otherwise.
                        * knobx_json_add_node writes it, so such an integer comes back whole */
    const char *key;   /* the member name when this node is an object member */
    size_t n;          /* ARRAY/OBJECT: number of children */
    knobx_json **kids; /* ARRAY/OBJECT: children in order */
    void *arena_;      /* root only */
};

/* Parses `text` (len bytes; len (size_t)-1 = NUL-terminated). On failure returns NULL
 * and, if err is not NULL, writes a message with the byte offset into err[0..errsz). */
knobx_json *knobx_json_parse(const char *text, size_t len, char *err, size_t errsz);
/* As knobx_json_parse, and also reads NaN, Infinity and -Infinity (what Python's
 * json.dumps writes for the non-finite floats) as numbers: for the records a trial
 * prints, never for text knob stores. */
knobx_json *knobx_json_parse_nonfinite(const char *text, size_t len, char *err, size_t errsz);
/* As knobx_json_parse, with the text of a number written with a fraction or an exponent
 * whose double is whole kept in its str: for input whose values must be taken as written
 * (knob enqueue, the dashboard's writes). */
knobx_json *knobx_json_parse_as_written(const char *text, size_t len, char *err, size_t errsz);
void knobx_json_free(knobx_json *root);

/* Whether the NUL-terminated s is a number as JSON writes one (-0.5e3; not +1, .5, 0x10). */
bool knobx_json_number_syntax(const char *s);

/* The member `key` of an object, or NULL (also when `obj` is not an object). */
const knobx_json *knobx_json_get(const knobx_json *obj, const char *key);

/* Whether s[0..n) is a decimal integer beyond 2^53 ('-' allowed, no leading zero, no
 * exponent), which a double would change: such a value is kept as its text (a sweep's
 * `values: [12345678901234567890]`, the params of ${args} and knob trials, the JSON
 * reader's `big`). */
bool knobx_big_int_text(const char *s, size_t n);

/* Whether the double x is exactly the integer whose digits are given, not one a double
 * merely rounds them to (9007199254740993 is not 9007199254740992). */
bool knobx_big_int_is(const char *digits, double x);

/* True when a and b are the same JSON value: objects with the same members in any order
 * (each key of either found in the other), arrays item by item, numbers equal as doubles
 * (an integer beyond 2^53 by its digits: 12345678901234567890 is not 1.2345678901234567e19),
 * strings byte for byte. */
bool knobx_json_equal(const knobx_json *a, const knobx_json *b);
/* The same of two JSON texts; false when either is not JSON (or memory runs out). */
bool knobx_json_text_equal(const char *a, const char *b);
/* A value of a list (a grid's, a sweep's values) and one given for it are equal: the same
 * JSON value, or a string spelling the list's number, boolean or null (as a command line gives
 * them: "0.5", "true", "null"); loose: a boolean and 1 or 0 too (as the library fits a given
 * value to its distribution when no value of the list is the given one itself). */
bool knobx_json_given_equal(const knobx_json *value, const knobx_json *given, bool loose);

/* A growable text buffer. Zero-initialize; free with knobx_buf_free. Appending never
 * fails visibly: on allocation failure the buffer is marked (oom) and further appends
 * are dropped, so callers check `oom` once at the end. */
typedef struct knobx_buf {
    char *data; /* NUL-terminated when len > 0 or after knobx_buf_cstr */
    size_t len, cap;
    bool oom;
} knobx_buf;

void knobx_buf_free(knobx_buf *b);
void knobx_buf_reset(knobx_buf *b);
void knobx_buf_add(knobx_buf *b, const char *s, size_t n);
void knobx_buf_puts(knobx_buf *b, const char *s);
void knobx_buf_printf(knobx_buf *b, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text so far, never NULL ("" when empty). */
const char *knobx_buf_cstr(knobx_buf *b);

/* Appends `s` as a JSON string literal with quotes and escapes; a byte that is not part of
 * valid UTF-8 is written as U+FFFD (JSON text is UTF-8: no reader takes it otherwise). */
void knobx_json_add_string(knobx_buf *b, const char *s);
/* Appends a number: integers without a fraction, others in the fewest of 15, 16 or 17
 * significant digits that read back exactly (a subnormal in its fewest digits that do, 1e-310
 * and 5e-324, as Python's repr); NaN and infinities as null (JSON has none). */
void knobx_json_add_number(knobx_buf *b, double v);
/* Appends the node as compact JSON text. */
void knobx_json_add_node(knobx_buf *b, const knobx_json *node);
/* As knobx_json_add_node, with a number whose text knobx_json_parse_as_written kept (2.0,
 * 2.0000000000000001) written as it was, for a reader that must tell it from the whole
 * number. */
void knobx_json_add_node_as_written(knobx_buf *b, const knobx_json *node);

/* The length of the UTF-8 sequence at s[0..n) (1 to 4), or 0 when it is not one: an
 * overlong form, a surrogate, a code point past U+10FFFF, or a cut sequence. */
size_t knobx_utf8_seq(const unsigned char *s, size_t n);

/* Appends s[0..n) with each byte that is not part of valid UTF-8, and each NUL, as U+FFFD
 * (as Python's errors="replace" reads such bytes): text for a reader of UTF-8 C strings. */
void knobx_buf_add_utf8(knobx_buf *b, const char *s, size_t n);

/* True when the NUL-terminated `s` is valid UTF-8. */
bool knobx_utf8_valid(const char *s);
/* The offset of the first byte of the NUL-terminated `s` that is not part of valid UTF-8,
 * or strlen(s) when all of it is. */
size_t knobx_utf8_bad_at(const char *s);

/* True when `text` is one valid JSON value (with optional surrounding space). */
bool knobx_json_valid(const char *text);

/* 0 when `text` is one valid JSON value, 1 when it is not, -1 when memory ran out before
 * it could tell. */
int knobx_json_check(const char *text);

#endif
