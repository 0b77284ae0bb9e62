/* Storage URLs in messages. */
#ifndef KNOB_UTIL_URL_H
#define KNOB_UTIL_URL_H

/* A copy of a storage URL fit for messages and listings: the password of
 * "scheme://user:pw@host" and of "password=..." is taken out. NULL when out of memory;
 * free(). */
char *knobx_redact_url(const char *url);

#endif
