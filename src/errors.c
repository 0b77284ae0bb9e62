/* Status strings and the per-thread error message. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static _Thread_local char errbuf[1024];

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
    return errbuf;
}

int knob__verror(int status, const char *fmt, va_list ap)
{
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    return status;
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
    char prefix[512], old[sizeof errbuf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, errbuf, sizeof old);
    size_t np = strlen(prefix), no = strlen(old);
    if (np + 2 >= sizeof errbuf)
        np = sizeof errbuf - 3;
    if (np + 2 + no >= sizeof errbuf)
        no = sizeof errbuf - np - 3;
    memcpy(errbuf, prefix, np);
    memcpy(errbuf + np, ": ", 2);
    memcpy(errbuf + np + 2, old, no);
    errbuf[np + 2 + no] = 0;
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
