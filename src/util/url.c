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
