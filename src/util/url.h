/* Storage URLs in messages. */
#ifndef KNOB_UTIL_URL_H
#define KNOB_UTIL_URL_H

#include <stdbool.h>
#include <stddef.h>

/* A copy of a storage URL fit for messages and listings: the password of
 * "scheme://user:pw@host" and of "password=..." is taken out. NULL when out of memory;
 * free(). */
char *knobx_redact_url(const char *url);

/* The file of a SQLite storage URL ("sqlite:///x.db", "sqlite+pysqlite:////abs/x.db?timeout=5":
 * a SQLAlchemy driver and the query dropped) into path; false for another scheme, or a file
 * name empty or longer than size - 1 (the storage says what else is wrong). */
bool knobx_sqlite_path(const char *url, char *path, size_t size);

#endif
