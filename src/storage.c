/* Opening storages by URL, and the storage-wide calls. */
#include "study.h"
#include "util/url.h"

#include <string.h>

static int bad_url(int status, const char *url, const char *fmt)
{
    char *shown = knob__redact_url(url);
    int rc = knob__error(status, fmt, shown ? shown : "?");
    free(shown);
    return rc;
}

int knob_storage_open(const char *url, knob_storage **out)
{
    if (!url || !out)
        return knob__error(KNOB_EINVAL, "knob_storage_open: NULL argument");
    const char *colon = strchr(url, ':'), *space = strchr(url, ' ');
    if (!colon || colon == url || (space && space < colon))
        return bad_url(KNOB_EINVAL, url,
                       "storage URL '%s' has no scheme (expected memory:, "
                       "sqlite:///relative.db, sqlite:////absolute/path.db or "
                       "postgresql://user:password@host:port/database)");
    size_t len = (size_t)(colon - url);
    const knob__backend *be = NULL;
    const char *scheme = url;
    if (len == 8 && strncmp(url, "postgres", 8) == 0) { /* libpq's other spelling */
        scheme = "postgresql";
        len = 10;
    }
    for (const knob__backend *const *b = knob__backends; *b; b++)
        if (strlen((*b)->scheme) == len && strncmp((*b)->scheme, scheme, len) == 0)
            be = *b;
    if (!be)
        return bad_url(KNOB_EUNSUPPORTED, url,
                       "storage URL '%s': unknown scheme (memory, sqlite, postgresql)");
    knob_storage *st = calloc(1, sizeof *st);
    if (!st || !(st->url = knob__strdup(url))) {
        free(st);
        return knob__oom("storage");
    }
    st->be = be;
    int rc = be->open(url, colon + 1, &st->h);
    if (rc) {
        free(st->url);
        free(st);
        return rc;
    }
    *out = st;
    return KNOB_OK;
}

void knob_storage_close(knob_storage *st)
{
    if (!st)
        return;
    st->be->close(st->h);
    free(st->url);
    free(st);
}

int knob_storage_studies(knob_storage *st, knob_study_summary **out, size_t *n)
{
    if (!st || !out || !n)
        return knob__error(KNOB_EINVAL, "knob_storage_studies: NULL argument");
    return st->be->list_studies(st->h, out, n);
}

void knob_study_summaries_free(knob_study_summary *list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++) {
        free((char *)list[i].name);
        free((knob_direction *)list[i].directions);
    }
    free(list);
}

int knob_storage_delete_study(knob_storage *st, const char *name)
{
    if (!st || !name)
        return knob__error(KNOB_EINVAL, "knob_storage_delete_study: NULL argument");
    int64_t id;
    knob_direction *dirs = NULL;
    size_t n;
    int rc = st->be->find_study(st->h, name, &id, &dirs, &n);
    free(dirs);
    if (rc)
        return rc;
    return st->be->delete_study(st->h, id);
}
