/* Metric records on a trial's stdout: a JSON object line, or key=value / key: value
 * pairs. */
#ifndef KNOB_CLI_RECORDS_H
#define KNOB_CLI_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

/* The word a key=value or key: value pair's key follows, passed over ("train" of
 * "train loss: 0.25"): at most this many bytes of it are kept. */
#define RECORD_WORD_MAX 32

typedef struct record_field {
    char key[128];
    double value; /* NaN or inf when the text says so */
    char word[RECORD_WORD_MAX]; /* the word passed over before the key of that value, or "" */
    /* The line gave the key under another word before it, too ("train loss: 0.25 val loss:
     * 0.30" of loss): the first such value and its word (then value and word are the last) */
    bool clash;
    double clash_value;
    char clash_word[RECORD_WORD_MAX];
} record_field;

/* A key whose value is not a number ("loss=tensor(0.2500)"), with that value as printed. */
#define RECORD_TEXT_MAX 48
typedef struct record_text {
    char key[128];
    char text[RECORD_TEXT_MAX]; /* cut to fit, "..." at the cut */
} record_text;

typedef struct record {
    record_field f[64]; /* the first 64 keys with a number, or the first of the keys asked
                         * for; each with its last value in the line */
    size_t n;
    record_text bad[8]; /* the first keys whose value is not a number */
    size_t n_bad;
    const char *const *keys; /* record_parse_keys: the keys kept (NULL: every key) */
    size_t n_keys;
    size_t n_numbers; /* the line's numbers, kept or not */
} record;

/* Parses one line; false when it is not a record (an ordinary log line). The keys given a
 * value that is not a number are in out->bad either way. A UTF-8 byte order mark before
 * the line and ANSI escape sequences (colours) in it are passed over; a line that is a
 * Python dict's repr ({'loss': 0.25, 'best': None}) is read as the JSON it stands for,
 * NumPy 2's scalars (np.float64(0.25)) as their values, and another call or an object's
 * repr (tensor(0.2500), <Adam object at 0x7f...>) as the string of its text. A JSON null is
 * no number: the key is in out->bad as "null". */
bool record_parse(const char *line, record *out);

/* record_parse keeping only `keys` (at most 64): a line of many numbers (a JSON log of
 * per-class scores, say) keeps the metric wherever it stands in the line. */
bool record_parse_keys(const char *line, const char *const *keys, size_t n_keys, record *out);

/* Whether the line names `key` as a word (any case): a line that names the metric but gives
 * no record of it ("Loss 0.25") is named in a trial's failure. */
bool record_mentions(const char *line, const char *key);

/* The value of `key` as printed when the line gave it one that is not a number (the last
 * one, when the line gives several; "null" for JSON's null), or NULL. */
const char *record_bad(const record *r, const char *key);

/* The value of `key`, if the record has it as a number. */
bool record_get(const record *r, const char *key, double *value);

/* The field of `key` when the line gave it numbers under two forms, a word passed over
 * before it or not ("train loss: 0.25 val loss: 0.30", "loss: 0.25 val loss: 0.30"), whose
 * value is the last one's (as a key given twice); NULL otherwise, and for a key repeated
 * as it is ("loss=0.5 loss=0.4", a JSON object's). */
const record_field *record_clash(const record *r, const char *key);
/* The field of key in r (its last value and word), or NULL. */
const record_field *record_field_of(const record *r, const char *key);

#endif
