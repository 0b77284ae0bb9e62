/* Storage URLs in messages. */
#ifndef KNOB_UTIL_URL_H
#define KNOB_UTIL_URL_H

#include <stdbool.h>
#include <stddef.h>

/* A copy of a storage URL fit for messages and listings: the password of
 * "scheme://user:pw@host" and of "password=..." is taken out. NULL when out of memory;
 * free(). */
char *knobx_redact_url(const char *url);

/* '@', '/', '?' or '#' when the user info of "scheme://user:pw@host" holds one unescaped (a
 * password "p@ss" or "a/b" not written p%40ss, a%2Fb), which a URL parser reads as the end of
 * it, the rest as the host, port, database or query; else 0 (also where a database's '@'
 * and a password's cannot be told apart: "host:5432/kn@b"). */
char knobx_url_userinfo_unescaped(const char *url);

/* Whether where the user info of "scheme://user:pw@host" ends cannot be told: an '@' stands
 * before the end of the authority, or a password's '/' ("user:a/b@host"), and another after
 * it, past a '/', '?' or '#' and not in a query's value ("user:ab@cd/ef@host/db": the
 * password "ab" and the database "ef@host/db", or the password "ab@cd/ef"). Such a URL is
 * refused (knobx_url_userinfo_unescaped then gives the password's '@' or '/'), and
 * knobx_redact_url takes out everything up to the last '@', so that a message shows no part
 * of the password however it is read. */
bool knobx_url_at_ambiguous(const char *url);

/* Takes the password of storage URL `url` (that of "scheme://user:pw@host", and of
 * "password=..."), as written and percent-decoded, out of `text` (size bytes, a message
 * that may quote the URL or a piece of it: libpq's own messages on a URL it cannot read
 * do), writing "***" for each; in place, cut to size. */
void knobx_redact_secret(char *text, size_t size, const char *url);

/* The file of a SQLite storage URL ("sqlite:///x.db", "sqlite+pysqlite:////abs/x.db?timeout=5":
 * a SQLAlchemy driver and the query dropped) into path; false for another scheme, a file
 * name empty or longer than size - 1 (the storage says what else is wrong), or ":memory:",
 * SQLAlchemy's in-memory database (no file: the storage opens it as memory:). */
bool knobx_sqlite_path(const char *url, char *path, size_t size);

/* path's one absolute name, into out: symbolic links followed and "." and ".." resolved
 * (realpath) where the file exists, else where its directory does (a file not made yet);
 * else made absolute against the current directory by its text alone. False when the
 * current directory cannot be read or out is too short. */
bool knobx_absolute_path(const char *path, char *out, size_t size);

/* Whether storage URLs a and b name one storage, by the URLs alone (the storage's own
 * identity, as PostgreSQL's system identifier, is the library's: knob_study_open_related
 * compares it). Two SQLite URLs: the same file, by device and inode when both files exist
 * (however each path is spelt: "./a.db", "d/../a.db", a symbolic link), else the same path
 * made absolute (knobx_absolute_path); a relative path is read against the current
 * directory, as opening it would. Two PostgreSQL URLs: the same text after the scheme,
 * however the scheme is spelt. "memory:" names a new storage each time: never the same.
 * The library's self check of a warm start and the CLI's check of the sweep's warm_start key
 * both use this, so they cannot disagree. */
bool knobx_same_storage(const char *a, const char *b);

#endif
