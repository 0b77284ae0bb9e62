/* Libraries opened when first needed (src/util/lazy.h). That knob runs without them and
 * says which is missing is tests/integration/lazy_libs.sh; here, the loader itself, the
 * message knob__needs makes, and a first use from many threads at once. */
#include "testutil.h"
#include "internal.h"
#include "util/lazy.h"

#include <cblas.h>
#include <math.h>
#include <nlopt.h>
#include <pthread.h>

static void open_missing_library(void **state)
{
    (void)state;
    const char *const names[] = {"cos"};
    void *fns[1] = {(void *)1};
    knobx_lazy l = {.soname = "libknob-no-such-library.so.7", .names = names, .fns = fns, .n = 1};
    const char *why = knobx_lazy_open(&l);
    assert_non_null(why);
    assert_ptr_equal(why, l.missing);
    /* the SONAME first, then what dlopen said */
    assert_int_equal(strncmp(why, "libknob-no-such-library.so.7: ", 30), 0);
    assert_non_null(strstr(why, "cannot open shared object file"));
    assert_null(fns[0]);
}

static void open_missing_function(void **state)
{
    (void)state;
    const char *const names[] = {"cos", "knob_no_such_function"};
    void *fns[2] = {0};
    knobx_lazy l = {.soname = "libm.so.6", .names = names, .fns = fns, .n = 2};
    const char *why = knobx_lazy_open(&l);
    assert_non_null(why);
    assert_int_equal(strncmp(why, "libm.so.6: ", 11), 0);
    assert_non_null(strstr(why, "knob_no_such_function"));
    /* none is left half set: a shim must not call into a library that failed */
    assert_null(fns[0]);
    assert_null(fns[1]);
}

static void open_resolves_functions(void **state)
{
    (void)state;
    const char *const names[] = {"cos", "sqrt"};
    void *fns[2] = {0};
    knobx_lazy l = {.soname = "libm.so.6", .names = names, .fns = fns, .n = 2};
    assert_null(knobx_lazy_open(&l));
    assert_null(l.missing);
    double (*sq)(double) = (double (*)(double))fns[1];
    assert_non_null(fns[0]);
    assert_true(sq(6.25) == 2.5);
}

static void needs_names_what_and_library(void **state)
{
    (void)state;
    assert_int_equal(knob__needs("postgresql storage", NULL), KNOB_OK);
    assert_int_equal(knob__needs("postgresql storage", "libpq.so.5: /x/libpq.so.5: file too short"),
                     KNOB_EUNSUPPORTED);
    assert_string_equal(knob_errmsg(),
                        "postgresql storage needs libpq.so.5: /x/libpq.so.5: file too short");
}

/* Eight threads use OpenBLAS and NLopt for the first time at once: each library is
 * opened once, and every thread gets working functions. */
static void *first_use(void *arg)
{
    double *out = arg;
    const char *why = knobx_lazy_lapack();
    double x[3] = {1, 2, 3};
    out[0] = why ? -1 : cblas_ddot(3, x, 1, x, 1);
    nlopt_opt opt = knobx_lazy_nlopt() ? NULL : nlopt_create(NLOPT_LN_BOBYQA, 2);
    out[1] = opt != NULL;
    nlopt_destroy(opt);
    return NULL;
}

static void first_use_from_many_threads(void **state)
{
    (void)state;
    pthread_t th[8];
    double out[8][2];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&th[i], NULL, first_use, out[i]), 0);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_true(out[i][0] == 14);
        assert_true(out[i][1] == 1);
    }
    assert_null(knobx_lazy_pq());
    assert_null(knobx_lazy_lapack());
    assert_null(knobx_lazy_nlopt());
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_missing_library),
        cmocka_unit_test(open_missing_function),
        cmocka_unit_test(open_resolves_functions),
        cmocka_unit_test(needs_names_what_and_library),
        cmocka_unit_test(first_use_from_many_threads),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
