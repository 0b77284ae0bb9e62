/* Opening a library when first needed (lazy.h). */
#include "util/lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *fail(knobx_lazy *l, void *handle)
{
    const char *e = dlerror();
    snprintf(l->why, sizeof l->why, "%s: %s", l->soname, e ? e : "cannot be opened");
    if (handle)
        dlclose(handle);
    for (size_t i = 0; i < l->n; i++)
        l->fns[i] = NULL;
    return l->missing = l->why;
}

const char *knobx_lazy_open(knobx_lazy *l)
{
    dlerror(); /* a message left by an earlier call is not ours */
    void *h = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        return fail(l, NULL);
    for (size_t i = 0; i < l->n; i++) {
        l->fns[i] = dlsym(h, l->names[i]);
        if (!l->fns[i])
            return fail(l, h);
    }
    return l->missing = NULL;
}
