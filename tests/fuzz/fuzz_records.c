/* libFuzzer target: the metric record parser (record_parse, every stdout line of a trial).
 * The input is split into lines as the runner splits a trial's stdout; each line is parsed,
 * and every key of a record must be read back by record_get. Seeds: corpus/records
 * (make_corpus.sh, records.seeds). */
#include "cli/records.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_line(const char *line)
{
    record r;
    bool is_record = record_parse(line, &r);
    if (r.n_bad > sizeof r.bad / sizeof *r.bad)
        abort();
    for (size_t i = 0; i < r.n_bad; i++) {
        if (!memchr(r.bad[i].key, 0, sizeof r.bad[i].key) || !r.bad[i].key[0] ||
            !memchr(r.bad[i].text, 0, sizeof r.bad[i].text) || !record_bad(&r, r.bad[i].key))
            abort(); /* a key given no number, and its text, are C strings within their arrays */
    }
    if (!is_record)
        return;
    if (r.n > sizeof r.f / sizeof *r.f)
        abort(); /* no more fields than fit */
    for (size_t i = 0; i < r.n; i++) {
        double v;
        if (!memchr(r.f[i].key, 0, sizeof r.f[i].key) || !r.f[i].key[0])
            abort(); /* keys are non-empty C strings within their array */
        if (!record_get(&r, r.f[i].key, &v))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    /* The runner hands record_parse one line at a time, without its newline, and skips a
     * line holding a NUL byte. */
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && buf[i] != '\n')
            continue;
        if (!memchr(data + start, 0, i - start)) {
            buf[i] = 0;
            parse_line(buf + start);
        }
        start = i + 1;
    }
    free(buf);
    return 0;
}
