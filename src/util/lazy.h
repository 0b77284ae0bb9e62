/*
 * Libraries opened when first needed.
 *
 * libknob and the knob command do not link libpq, LAPACKE/OpenBLAS, NLopt or
 * libmicrohttpd: each is opened with dlopen on its first use, by the SONAME the build
 * found (cmake/KnobLazy.cmake). A process that never touches PostgreSQL, a model-based
 * sampler or the dashboard never maps them, nor the dozens of libraries they pull in (the
 * dynamic loader's work on them was most of a `knob tell`).
 *
 * One shim per library (lazy_pq.c, lazy_lapack.c, lazy_nlopt.c, cli/lazy_mhd.c) defines
 * the functions knob calls, under their own names and with their headers' prototypes, so
 * the code that calls them is unchanged; each resolves its library on the first call, once
 * per process (pthread_once). Code that needs a library first asks for it with the
 * library's knobx_lazy_* function below, which opens it and says what went wrong, so a
 * missing or broken library becomes an error naming it and what needed it, never a crash.
 * Called anyway without it, a shim returns a failure value (NULL, an error code) or does
 * nothing.
 *
 * Built with -DKNOB_LAZY_LIBS=OFF, the libraries are linked as usual and these functions
 * return NULL.
 */
#ifndef KNOB_UTIL_LAZY_H
#define KNOB_UTIL_LAZY_H

#include <stddef.h>

/* One library: its SONAME, the names of the functions taken from it, and where their
 * addresses go. */
typedef struct knobx_lazy {
    const char *soname;
    const char *const *names; /* n function names */
    void **fns;               /* n slots, filled by knobx_lazy_open */
    size_t n;
    const char *missing; /* set by knobx_lazy_open: NULL when opened, else why[] */
    char why[512];
} knobx_lazy;

/* Opens l->soname (RTLD_LAZY | RTLD_LOCAL, never closed) and looks up every name. Returns
 * NULL and fills l->fns, or returns l->why, "<soname>: <what dlopen or dlsym said>", and
 * leaves no slot set. Not thread-safe: the shims call it once, under pthread_once. */
const char *knobx_lazy_open(knobx_lazy *l);

/* Each opens its library (the first call; later calls return what it gave) and returns
 * NULL when it is usable, else a message naming the library and the reason, valid for the
 * life of the process. Thread-safe. */
const char *knobx_lazy_pq(void);     /* libpq */
const char *knobx_lazy_lapack(void); /* OpenBLAS (cblas_*, openblas_*), then LAPACKE */
const char *knobx_lazy_nlopt(void);  /* NLopt */

/* The shims' function tables: each library's list is an X-macro of
 *   F(return type, name, (parameters), (arguments), value when the library is missing)
 *   V(name, (parameters), (arguments))          for a function returning void
 * from which these make the names, the slots' indices and the definitions. Before the
 * definitions, a shim defines the macro KNOBX_LAZY_FN as the name of its function
 * `static void *fn(int i)`: the address of the list's function i, or NULL when its library
 * is missing. */
#define KNOBX_LAZY_NAME(ret, name, params, args, fallback) #name,
#define KNOBX_LAZY_NAME_V(name, params, args) #name,
#define KNOBX_LAZY_INDEX(ret, name, params, args, fallback) knobx_i_##name,
#define KNOBX_LAZY_INDEX_V(name, params, args) knobx_i_##name,
#define KNOBX_LAZY_DEFINE(ret, name, params, args, fallback)                                       \
    ret name params                                                                                \
    {                                                                                              \
        void *f_ = KNOBX_LAZY_FN(knobx_i_##name);                                                  \
        if (!f_)                                                                                   \
            return fallback;                                                                       \
        return ((ret(*) params)f_)args;                                                            \
    }
#define KNOBX_LAZY_DEFINE_V(name, params, args)                                                    \
    void name params                                                                               \
    {                                                                                              \
        void *f_ = KNOBX_LAZY_FN(knobx_i_##name);                                                  \
        if (f_)                                                                                    \
            ((void(*) params)f_) args;                                                             \
    }

#endif
