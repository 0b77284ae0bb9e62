/* Status strings and the per-thread error message. */
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* This thread's message: in errbuf when it fits, else whole in errlong, a heap block the
 * thread owns, freed when the message is replaced and at the thread's exit (the key's
 * destructor). A message can name a user's long value or a long list of options, and a
 * cut one loses what it names. Only when errlong cannot be had (no memory, no key) is the
 * message cut to errbuf. */
static _Thread_local char errbuf[1024];
static _Thread_local char *errlong;
static pthread_key_t errlong_key;
static pthread_once_t errlong_once = PTHREAD_ONCE_INIT;
static int errlong_key_made;

static void make_errlong_key(void)
{
    errlong_key_made = pthread_key_create(&errlong_key, free) == 0;
}

/* Makes msg (malloc'd, or NULL when the message is in errbuf) this thread's long
 * message; false (msg freed) when the key that frees it at the thread's exit is missing. */
static bool set_errlong(char *msg)
{
    pthread_once(&errlong_once, make_errlong_key);
    if (msg && (!errlong_key_made || pthread_setspecific(errlong_key, msg) != 0)) {
        free(msg);
        return false;
    }
    if (!msg && errlong_key_made)
        pthread_setspecific(errlong_key, NULL);
    free(errlong);
    errlong = msg;
    return true;
}

const char *knob_status_str(int status)
{
    switch (status) {
#define KNOB__STATUS_CASE(name, value, desc)                                                       \
    case value:                                                                                    \
        return desc;
        KNOB_STATUS_LIST(KNOB__STATUS_CASE)
#undef KNOB__STATUS_CASE
    }
    return "unknown status";
}

const char *knob_errmsg(void)
{
    return errlong ? errlong : errbuf;
}

int knob__verror(int status, const char *fmt, va_list ap)
{
    /* Written aside first: an argument may be the message being replaced (knob_errmsg()). */
    char small[sizeof errbuf];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0)
        small[0] = 0, n = 0;
    char *big = (size_t)n < sizeof small ? NULL : malloc((size_t)n + 1);
    if (big)
        vsnprintf(big, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!set_errlong(big))
        set_errlong(NULL); /* the message cut to errbuf */
    if (!errlong)
        memcpy(errbuf, small, (size_t)n < sizeof small ? (size_t)n + 1 : sizeof small);
    return status;
}

void knob__error_keep(knob__kept_error *k)
{
    k->whole = errlong;
    if (errlong) { /* handed over: the thread's key no longer frees it */
        errlong = NULL;
        if (errlong_key_made)
            pthread_setspecific(errlong_key, NULL);
    } else {
        memcpy(k->text, errbuf, strlen(errbuf) + 1); /* always terminated (knob__verror) */
    }
}

void knob__error_put(knob__kept_error *k)
{
    if (k->whole) {
        if (!set_errlong(k->whole)) /* no key: the message cut to errbuf */
            set_errlong(NULL);
        k->whole = NULL;
        return;
    }
    set_errlong(NULL);
    memcpy(errbuf, k->text, strlen(k->text) + 1);
}

void knob__plugin_call_begin(knob__kept_error *k)
{
    knob__error_keep(k); /* leaves no long message */
    errbuf[0] = 0;
}

/* The name of a status of the enum ("KNOB_EINVAL"), NULL for any other value. */
static const char *status_name(int status)
{
    switch (status) {
#define KNOB__STATUS_NAME(name, value, desc)                                                       \
    case value:                                                                                    \
        return #name;
        KNOB_STATUS_LIST(KNOB__STATUS_NAME)
#undef KNOB__STATUS_NAME
    }
    return NULL;
}

int knob__plugin_call_end(knob__kept_error *k, int rc, const char *kind, const char *name,
                          const char *method)
{
    if (rc == KNOB_OK) {
        knob__error_put(k);
        return KNOB_OK;
    }
    free(k->whole); /* the caller's message gives way to this failure's */
    k->whole = NULL;
    const char *status = status_name(rc);
    bool said = knob_errmsg()[0] != 0;
    if (!status)
        return said ? knob__error_prefix(KNOB_EINVAL,
                                         "%s '%s': %s returned %d, no knob status (taken "
                                         "as KNOB_EINVAL)",
                                         kind, name, method, rc)
                    : knob__error(KNOB_EINVAL,
                                  "%s '%s': %s returned %d, no knob status (taken as "
                                  "KNOB_EINVAL), without a message",
                                  kind, name, method, rc);
    if (!said)
        knob__error(rc, "%s '%s': %s returned %s (%s) without a message", kind, name, method,
                    status, knob_status_str(rc));
    return rc;
}

int knob__error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    knob__verror(status, fmt, ap);
    va_end(ap);
    return status;
}

int knob_set_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    knob__verror(status, fmt, ap);
    va_end(ap);
    return status;
}

int knob__error_prefix(int status, const char *fmt, ...)
{
    char small[256], *prefix = small;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        small[0] = 0;
    } else if ((size_t)n >= sizeof small) {
        char *whole = malloc((size_t)n + 1);
        if (whole) { /* else the prefix's start */
            vsnprintf(whole, (size_t)n + 1, fmt, again);
            prefix = whole;
        }
    }
    va_end(again);
    knob__error(status, "%s: %s", prefix, knob_errmsg());
    if (prefix != small)
        free(prefix);
    return status;
}

int knob__oom(const char *what)
{
    return knob__error(KNOB_ENOMEM, "out of memory (%s)", what);
}

int knob__needs(const char *what, const char *missing)
{
    return missing ? knob__error(KNOB_EUNSUPPORTED, "%s needs %s", what, missing) : KNOB_OK;
}

char *knob__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

double knob__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool knob__parse_seconds(const char *text, size_t len, double max, double *out)
{
    char buf[64], *end;
    if (!len || len >= sizeof buf)
        return false;
    /* plain decimal: digits, one '.' at most; no sign, exponent, hexadecimal, inf or nan,
     * which strtod would take */
    size_t digits = 0, dots = 0;
    for (size_t i = 0; i < len; i++) {
        if (isdigit((unsigned char)text[i]))
            digits++;
        else if (text[i] == '.')
            dots++;
        else
            return false;
    }
    if (!digits || dots > 1)
        return false;
    memcpy(buf, text, len);
    buf[len] = 0;
    double seconds = strtod(buf, &end);
    if (end != buf + len || !(seconds >= 0 && seconds <= max))
        return false;
    *out = seconds;
    return true;
}

int knob__grow(void *arr, size_t *cap, size_t need, size_t size)
{
    void **p = arr;
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 4;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}
