/* NLopt, opened when first needed (lazy.h): the functions the GP and PB2 call, and a few
 * more of its common ones. A call to one not listed here fails the link of libknob (-z
 * defs): add it to the list, with its prototype from nlopt.h. */
#include "util/lazy.h"

#ifdef KNOB_LAZY_LIBS
#include <nlopt.h>
#include <pthread.h>

#define NLOPT_FUNCTIONS(F, V)                                                                      \
    F(nlopt_opt, nlopt_create, (nlopt_algorithm algorithm, unsigned n), (algorithm, n), NULL)      \
    V(nlopt_destroy, (nlopt_opt opt), (opt))                                                       \
    F(int, nlopt_get_numevals, (const nlopt_opt opt), (opt), 0)                                    \
    F(nlopt_result, nlopt_optimize, (nlopt_opt opt, double *x, double *opt_f), (opt, x, opt_f),    \
      NLOPT_FAILURE)                                                                               \
    F(nlopt_result, nlopt_set_ftol_abs, (nlopt_opt opt, double tol), (opt, tol), NLOPT_FAILURE)    \
    F(nlopt_result, nlopt_set_ftol_rel, (nlopt_opt opt, double tol), (opt, tol), NLOPT_FAILURE)    \
    F(nlopt_result, nlopt_set_lower_bounds, (nlopt_opt opt, const double *lb), (opt, lb),          \
      NLOPT_FAILURE)                                                                               \
    F(nlopt_result, nlopt_set_max_objective, (nlopt_opt opt, nlopt_func f, void *f_data),          \
      (opt, f, f_data), NLOPT_FAILURE)                                                             \
    F(nlopt_result, nlopt_set_maxeval, (nlopt_opt opt, int maxeval), (opt, maxeval),               \
      NLOPT_FAILURE)                                                                               \
    F(nlopt_result, nlopt_set_min_objective, (nlopt_opt opt, nlopt_func f, void *f_data),          \
      (opt, f, f_data), NLOPT_FAILURE)                                                             \
    F(nlopt_result, nlopt_set_stopval, (nlopt_opt opt, double stopval), (opt, stopval),            \
      NLOPT_FAILURE)                                                                               \
    F(nlopt_result, nlopt_set_upper_bounds, (nlopt_opt opt, const double *ub), (opt, ub),          \
      NLOPT_FAILURE)                                                                               \
    F(nlopt_result, nlopt_set_xtol_abs1, (nlopt_opt opt, double tol), (opt, tol), NLOPT_FAILURE)   \
    F(nlopt_result, nlopt_set_xtol_rel, (nlopt_opt opt, double tol), (opt, tol), NLOPT_FAILURE)

enum { NLOPT_FUNCTIONS(KNOBX_LAZY_INDEX, KNOBX_LAZY_INDEX_V) N_FUNCTIONS };
static const char *const names[] = {NLOPT_FUNCTIONS(KNOBX_LAZY_NAME, KNOBX_LAZY_NAME_V)};
static void *fns[N_FUNCTIONS];
static knobx_lazy lib = {.soname = KNOB_SONAME_NLOPT, .names = names, .fns = fns, .n = N_FUNCTIONS};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_once(void)
{
    knobx_lazy_open(&lib);
}

const char *knobx_lazy_nlopt(void)
{
    pthread_once(&once, open_once);
    return lib.missing;
}

static void *fn(int i)
{
    return knobx_lazy_nlopt() ? NULL : fns[i];
}

#define KNOBX_LAZY_FN fn
NLOPT_FUNCTIONS(KNOBX_LAZY_DEFINE, KNOBX_LAZY_DEFINE_V)

#else

const char *knobx_lazy_nlopt(void)
{
    return NULL;
}

#endif
