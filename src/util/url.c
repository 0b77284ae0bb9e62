#include "util/url.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the '@' at c, after from (where a URL's host begins, or its authority ends), is
 * in a value of the URL's query ("?application_name=me@work"): after a '?' and the '=' of
 * its parameter, no '#' before it. */
static bool in_query_value(const char *from, const char *c)
{
    const char *q = memchr(from, '?', (size_t)(c - from)), *k = q;
    if (!q || memchr(from, '#', (size_t)(c - from)))
        return false;
    for (const char *p = q; p < c; p++)
        if (*p == '&')
            k = p;
    return memchr(k, '=', (size_t)(c - k)) != NULL;
}

/* The last '@' from `from` on that is not in a query's value (in_query_value); NULL when
 * there is none. */
static const char *last_at(const char *from)
{
    const char *at = NULL;
    for (const char *c = strchr(from, '@'); c; c = strchr(c + 1, '@'))
        if (!in_query_value(from, c))
            at = c;
    return at;
}

/* The user info of "scheme://userinfo@host...", as far as a message must hide it: up to the
 * last '@' before the authority ends (the first '/', '?' or '#': a password with an
 * unescaped '@' is all of it). With no '@' there, a password with an unescaped '/', '?' or
 * '#' ("user:a/b@host"): up to the first '@' after, when the authority reads "name:..." (not
 * an IPv6 host "[::1]", nor a name without ':'). Such a one is *sure unless what follows the
 * ':' is a port's digits ("host:5432/kn@b" is a database's '@', "user:1234/5@host" a
 * password: hidden either way, refused only when sure). None in "sqlite:///a@b.db" (no
 * authority). False when the URL has none.
 *
 * Another '@' after that one, past a '/', '?' or '#' and not in a query's value
 * ("user:ab@cd/ef@host/db", "user:ab/cd@ef@host"), makes it *ambiguous: the first may end
 * the user info and the other be a database's, or both be the password's, whose rest a
 * reader of the URL takes as the host and the database. The user info then runs to the
 * last such '@' (a message shows no part of the password either way), and it is *sure. */
static bool userinfo(const char *url, const char **start, const char **end, bool *sure,
                     bool *ambiguous)
{
    const char *scheme = strstr(url, "://");
    if (!scheme || scheme[3] == '/')
        return false;
    const char *auth = scheme + 3, *stop = auth + strcspn(auth, "/?#"), *at = NULL;
    for (const char *c = auth; c < stop; c++)
        if (*c == '@')
            at = c;
    *sure = true;
    *ambiguous = false;
    if (!at && *stop && *auth != '[') {
        const char *colon = memchr(auth, ':', (size_t)(stop - auth));
        at = colon ? strchr(stop, '@') : NULL;
        bool port = colon && colon + 1 < stop;
        for (const char *c = colon ? colon + 1 : stop; port && c < stop; c++)
            port = isdigit((unsigned char)*c);
        *sure = !port;
    }
    if (!at)
        return false;
    const char *later = last_at(at + 1);
    if (later) {
        at = later;
        *sure = *ambiguous = true;
    }
    *start = auth;
    *end = at;
    return true;
}

/* The password of "scheme://user:pw@host..." in url: its offset (after the ':') and its
 * length; false when the URL has none. */
static bool userinfo_password(const char *url, size_t *at, size_t *n)
{
    const char *start, *end;
    bool sure, ambiguous;
    if (!userinfo(url, &start, &end, &sure, &ambiguous))
        return false;
    const char *colon = memchr(start, ':', (size_t)(end - start));
    if (!colon)
        return false;
    *at = (size_t)(colon + 1 - url);
    *n = (size_t)(end - colon - 1);
    return true;
}

bool knobx_url_at_ambiguous(const char *url)
{
    const char *start, *end;
    bool sure, ambiguous;
    return url && userinfo(url, &start, &end, &sure, &ambiguous) && ambiguous;
}

char knobx_url_userinfo_unescaped(const char *url)
{
    const char *start, *end;
    bool sure, ambiguous;
    if (!url || !userinfo(url, &start, &end, &sure, &ambiguous) || !sure)
        return 0;
    for (const char *c = start; c < end; c++)
        if (*c == '@' || *c == '/' || *c == '?' || *c == '#')
            return *c;
    return 0;
}

char *knobx_redact_url(const char *url)
{
    char *r = url ? strdup(url) : NULL;
    size_t at, n;
    if (r && userinfo_password(r, &at, &n)) /* ":pw@" goes, "user@" stays */
        memmove(r + at - 1, r + at + n, strlen(r + at + n) + 1);
    for (char *pw = r ? strstr(r, "password=") : NULL; pw; pw = strstr(pw, "password="))
        for (pw += 9; *pw && *pw != ' ' && *pw != '&'; pw++)
            *pw = '*';
    return r;
}

/* Whether secret's occurrence at text + i (n bytes) stands where a message quotes a
 * password: in a URL's user info (":pw@"), after "password=", or, for a secret with a '%',
 * alone in quotes (libpq's "invalid percent-encoded token: \"pw\""). Elsewhere the same
 * letters are another word: a password "knob" is not taken out of "knob_trials", nor out of
 * 'for user "knob"' or 'database "knob"'. */
static bool quoted_secret(const char *text, size_t i, const char *secret, size_t n)
{
    char before = i ? text[i - 1] : 0, after = text[i + n];
    return (before == ':' && after == '@') ||
           (before == '"' && after == '"' && memchr(secret, '%', n)) ||
           (i >= 9 && strncmp(text + i - 9, "password=", 9) == 0);
}

/* Writes "***" for each occurrence of secret (n bytes, n > 0) in text (size bytes) where a
 * message quotes a password (quoted_secret), cut to size; out of memory, each of its bytes a
 * '*' instead. */
static void mask(char *text, size_t size, const char *secret, size_t n)
{
    if (n == 0 || !strstr(text, secret))
        return;
    char *out = malloc(size);
    size_t k = 0;
    for (size_t i = 0; text[i];) {
        bool hit = strncmp(text + i, secret, n) == 0 && quoted_secret(text, i, secret, n);
        if (!out) { /* in place, as long as it was */
            if (hit)
                memset(text + i, '*', n);
        } else if (hit) {
            for (const char *w = "***"; *w && k + 1 < size; w++)
                out[k++] = *w;
        } else if (k + 1 < size) {
            out[k++] = text[i];
        }
        i += hit ? n : 1;
    }
    if (out) {
        out[k] = 0;
        memcpy(text, out, k + 1);
        free(out);
    }
}

/* secret (n bytes) percent-decoded into out (out_size), or false when it has no %XX or
 * does not fit. */
static bool decoded(const char *secret, size_t n, char *out, size_t out_size)
{
    size_t k = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (k + 1 >= out_size)
            return false;
        if (secret[i] == '%' && i + 2 < n && isxdigit((unsigned char)secret[i + 1]) &&
            isxdigit((unsigned char)secret[i + 2])) {
            char hex[3] = {secret[i + 1], secret[i + 2], 0};
            out[k++] = (char)strtol(hex, NULL, 16);
            i += 2;
            any = true;
        } else {
            out[k++] = secret[i];
        }
    }
    out[k] = 0;
    return any && k > 0;
}

/* Masks secret (n bytes) in text, as written and percent-decoded. */
static void mask_both(char *text, size_t size, const char *secret, size_t n)
{
    char raw[1024], dec[1024];
    if (!n || n >= sizeof raw)
        return;
    memcpy(raw, secret, n);
    raw[n] = 0;
    mask(text, size, raw, n);
    if (decoded(raw, n, dec, sizeof dec) && dec[0]) /* "%00x" decodes to "" */
        mask(text, size, dec, strlen(dec));
}

void knobx_redact_secret(char *text, size_t size, const char *url)
{
    if (!text || !size || !url)
        return;
    size_t at, n;
    if (userinfo_password(url, &at, &n))
        mask_both(text, size, url + at, n);
    for (const char *pw = strstr(url, "password="); pw; pw = strstr(pw, "password=")) {
        pw += 9;
        mask_both(text, size, pw, strcspn(pw, " &"));
    }
}

bool knobx_sqlite_path(const char *url, char *path, size_t size)
{
    if (strncmp(url, "sqlite", 6) != 0)
        return false;
    const char *p = url + 6;
    if (*p == '+')
        p += 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    if (strncmp(p, ":///", 4) != 0)
        return false;
    p += 4;
    size_t n = strcspn(p, "?");
    /* ":memory:" is SQLAlchemy's in-memory database, no file (the storage's memory:) */
    if (!n || n >= size || (n == 8 && strncmp(p, ":memory:", 8) == 0))
        return false;
    memcpy(path, p, n);
    path[n] = 0;
    return true;
}

/* The part of a PostgreSQL URL after its scheme ("//user@host/db"), however the scheme is
 * spelled ("postgres", "postgresql+psycopg2"); NULL for another scheme. */
static const char *postgres_rest(const char *url)
{
    size_t n = strcspn(url, "+:");
    if (!(n == 8 && strncmp(url, "postgres", 8) == 0) &&
        !(n == 10 && strncmp(url, "postgresql", 10) == 0))
        return NULL;
    return strchr(url, ':');
}

/* path by its text alone: made absolute against the current directory, "." and ".."
 * resolved as names (a ".." after a symbolic link to a directory goes up the link's
 * directory, not the target's). */
static bool absolute_by_text(const char *path, char *out, size_t size)
{
    char cwd[4096];
    size_t n = 0;
    if (path[0] != '/') {
        if (!getcwd(cwd, sizeof cwd))
            return false;
        n = strlen(cwd);
        if (n + 1 >= size)
            return false;
        memcpy(out, cwd, n);
    }
    /* the components of path after the directory's, "." dropped and ".." taking one off */
    for (const char *p = path; *p;) {
        size_t k = strcspn(p, "/");
        if ((k == 1 && p[0] == '.') || k == 0) {
            /* nothing */
        } else if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            n -= n > 0;
        } else {
            if (n + 1 + k >= size)
                return false;
            out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
        }
        p += k + (p[k] == '/');
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = 0;
    return true;
}

bool knobx_absolute_path(const char *path, char *out, size_t size)
{
    char real[PATH_MAX];
    if (!*path)
        return false;
    if (realpath(path, real)) /* the file exists: its one name, links followed */
        return strlen(real) < size && strcpy(out, real);
    /* a file not made yet: its directory's one name, and its own name */
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[PATH_MAX] = ".";
    size_t dn = slash ? (size_t)(slash - path) : 0;
    if (dn >= sizeof dir || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return absolute_by_text(path, out, size);
    if (slash == path)
        strcpy(dir, "/");
    else if (slash) {
        memcpy(dir, path, dn);
        dir[dn] = 0;
    }
    if (!realpath(dir, real))
        return absolute_by_text(path, out, size);
    size_t rn = strlen(real), bn = strlen(base);
    if (rn + 1 + bn >= size)
        return false;
    memcpy(out, real, rn);
    out[rn] = '/';
    if (rn == 1)
        rn = 0; /* "/" and the name: one slash */
    memcpy(out + rn + 1, base, bn + 1);
    return true;
}

bool knobx_same_storage(const char *a, const char *b)
{
    char pa[4096], pb[4096], fa[4096], fb[4096];
    if (knobx_sqlite_path(a, pa, sizeof pa) && knobx_sqlite_path(b, pb, sizeof pb)) {
        struct stat sa, sb;
        if (stat(pa, &sa) == 0 && stat(pb, &sb) == 0)
            return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
        if (knobx_absolute_path(pa, fa, sizeof fa) && knobx_absolute_path(pb, fb, sizeof fb))
            return strcmp(fa, fb) == 0;
        return strcmp(pa, pb) == 0;
    }
    const char *ra = postgres_rest(a), *rb = postgres_rest(b);
    return ra && rb && strcmp(ra, rb) == 0;
}
