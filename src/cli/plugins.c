/* Plugins for the knob command: shared objects whose knob_plugin_init() registers samplers
 * and pruners (docs/plugins.md), named by a sweep file's `plugins` key or by KNOB_PLUGINS.
 * The CLI links the shared libknob, so what they register lands in its one registry. */
#include "cli/cli.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LOADED 64

/* The real paths loaded so far: a path named twice (a sweep file and KNOB_PLUGINS, or a
 * stored sweep read again) is loaded and initialised once. Objects are never unloaded:
 * the registry keeps pointers into them. */
static char *loaded[MAX_LOADED];
static size_t n_loaded;

int cli_load_plugin(const char *path, char *err, size_t errsz)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        snprintf(err, errsz, "plugin '%s': no such file", path);
        return -1;
    }
    for (size_t i = 0; i < n_loaded; i++)
        if (!strcmp(loaded[i], real))
            return 0;
    if (n_loaded == MAX_LOADED) {
        snprintf(err, errsz, "plugin '%s': at most %d plugins", path, MAX_LOADED);
        return -1;
    }
    /* A path with a slash, so that dlopen never searches the library path for it. */
    void *so = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        snprintf(err, errsz, "plugin '%s': %s", path, dlerror());
        return -1;
    }
    knob_plugin_init_fn init;
    *(void **)&init = dlsym(so, KNOB_PLUGIN_INIT_SYMBOL);
    if (!init) {
        snprintf(err, errsz, "plugin '%s': no function %s() in it (docs/plugins.md)", path,
                 KNOB_PLUGIN_INIT_SYMBOL);
        dlclose(so);
        return -1;
    }
    int rc = init();
    if (rc) {
        snprintf(err, errsz, "plugin '%s': %s() failed: %s (%s)", path, KNOB_PLUGIN_INIT_SYMBOL,
                 knob_errmsg(), knob_status_str(rc));
        return -1; /* it may have registered some names: it stays loaded */
    }
    loaded[n_loaded] = strdup(real);
    if (loaded[n_loaded])
        n_loaded++;
    return 0;
}

int cli_load_env_plugins(void)
{
    const char *list = getenv("KNOB_PLUGINS");
    if (!list || !list[0])
        return 0;
    char *copy = strdup(list), *save = NULL, err[PATH_MAX + 512];
    int rc = copy ? 0 : -1;
    for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; p && !rc;
         p = strtok_r(NULL, ":", &save)) {
        if ((rc = cli_load_plugin(p, err, sizeof err)))
            fprintf(stderr, "knob: KNOB_PLUGINS: %s\n", err);
    }
    free(copy);
    return rc;
}
