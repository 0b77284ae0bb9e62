/* Metric records on a trial's stdout: a JSON object line, or key=value / key: value
 * pairs. */
#ifndef KNOB_CLI_RECORDS_H
#define KNOB_CLI_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct record_field {
    char key[128];
    double value; /* NaN or inf when the text says so */
} record_field;

/* A key whose value is not a number ("loss=tensor(0.25)"), with that value as printed. */
#define RECORD_TEXT_MAX 48
typedef struct record_text {
    char key[128];
    char text[RECORD_TEXT_MAX]; /* cut to fit, "..." at the cut */
} record_text;

typedef struct record {
    record_field f[64];
    size_t n;
    record_text bad[8]; /* the first keys whose value is not a number */
    size_t n_bad;
} record;

/* Parses one line; false when it is not a record (an ordinary log line). The keys given a
 * value that is not a number are in out->bad either way. */
bool record_parse(const char *line, record *out);

/* The value of `key` as printed when the line gave it one that is not a number, or NULL. */
const char *record_bad(const record *r, const char *key);

/* The value of `key`, if the record has it as a number. */
bool record_get(const record *r, const char *key, double *value);

#endif
