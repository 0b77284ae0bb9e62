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

typedef struct record {
    record_field f[64];
    size_t n;
} record;

/* Parses one line; false when it is not a record (an ordinary log line). */
bool record_parse(const char *line, record *out);

/* The value of `key`, if the record has it as a number. */
bool record_get(const record *r, const char *key, double *value);

#endif
