/* Plugins for the knob command: shared objects whose knob_plugin_init() registers samplers
 * and pruners (docs/plugins.md), named by a sweep file's `plugins` key or by KNOB_PLUGINS.
 * The CLI links the shared libknob, or holds libknob and exports its functions
 * (KNOB_STATIC_CLI): either way what they register lands in its one registry. */
#include "cli/cli.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LOADED 64

/* The real paths loaded so far: a path named twice (a sweep file and KNOB_PLUGINS, or a
 * stored sweep read again) is loaded and initialised once. Objects are never unloaded:
 * the registry keeps pointers into them. */
static char *loaded[MAX_LOADED];
static size_t n_loaded;

#ifdef KNOB_STATIC_CLI
/* This knob holds libknob (KNOB_STATIC_CLI) and exports its knob_* functions, which a
 * plugin's calls bind to; but a plugin linked to libknob.so.0 still needs that file found
 * by the loader, and its own RPATH may not find it (a prefix moved after the plugin was
 * built). So the libknob installed beside knob (KNOB_BIN_TO_LIB from knob's directory) is
 * opened first, once, as knob linked to libknob.so.0 had it loaded: the plugin's dependency
 * is then met by it. Where there is none (a build tree) nothing is opened. */
static void open_libknob_beside(void)
{
    static bool done;
    char exe[PATH_MAX], lib[PATH_MAX + 64];
    if (done)
        return;
    done = true;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = 0;
    snprintf(lib, sizeof lib, "%s/%s/libknob.so.0", exe, KNOB_BIN_TO_LIB);
    if (access(lib, R_OK) == 0)
        dlopen(lib, RTLD_LAZY | RTLD_LOCAL); /* kept: the plugins that need it stay too */
}
#endif

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
#ifdef KNOB_STATIC_CLI
    open_libknob_beside();
#endif
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
        int at = snprintf(err, errsz, "plugin '%s': %s() failed: %s (%s)", path,
                          KNOB_PLUGIN_INIT_SYMBOL, knob_errmsg(), knob_status_str(rc));
        /* a name taken: by a built-in, or by a plugin loaded before (which one: the user's
         * KNOB_PLUGINS and sweep files name them) */
        for (size_t i = 0; rc == KNOB_EEXIST && i < n_loaded && at > 0 && (size_t)at < errsz; i++)
            at += snprintf(err + at, errsz - (size_t)at, "%s%s",
                           i ? ", " : "; loaded before it: ", loaded[i]);
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
