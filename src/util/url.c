#include "util/url.h"

#include <stdlib.h>
#include <string.h>

char *knobx_redact_url(const char *url)
{
    char *r = url ? strdup(url) : NULL;
    char *scheme = r ? strstr(r, "://") : NULL;
    if (scheme) {
        char *auth = scheme + 3, *at = strchr(auth, '@'), *colon = strchr(auth, ':');
        char *slash = strchr(auth, '/');
        if (at && colon && colon < at && (!slash || at < slash))
            memmove(colon, at, strlen(at) + 1);
    }
    for (char *pw = r ? strstr(r, "password=") : NULL; pw; pw = strstr(pw, "password="))
        for (pw += 9; *pw && *pw != ' ' && *pw != '&'; pw++)
            *pw = '*';
    return r;
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
    if (!n || n >= size)
        return false;
    memcpy(path, p, n);
    path[n] = 0;
    return true;
}
