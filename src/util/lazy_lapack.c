/* OpenBLAS and LAPACKE, opened when first needed (lazy.h): the functions the GP, CMA-ES and
 * their math call. A call to one not listed here fails the link of libknob (-z defs): add
 * it to its library's list, with its prototype from cblas.h or lapacke.h. */
#include "util/lazy.h"

#ifdef KNOB_LAZY_LIBS
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <pthread.h>

/* libopenblas: BLAS through its C interface, and its thread count */
#define BLAS_FUNCTIONS(F, V)                                                                       \
    F(double, cblas_ddot,                                                                          \
      (const blasint n, const double *x, const blasint incx, const double *y, const blasint incy), \
      (n, x, incx, y, incy), NAN)                                                                  \
    V(cblas_dgemv,                                                                                 \
      (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans, const blasint m,            \
       const blasint n, const double alpha, const double *a, const blasint lda, const double *x,   \
       const blasint incx, const double beta, double *y, const blasint incy),                      \
      (order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy))                                 \
    V(cblas_dtrsm,                                                                                 \
      (const enum CBLAS_ORDER Order, const enum CBLAS_SIDE Side, const enum CBLAS_UPLO Uplo,       \
       const enum CBLAS_TRANSPOSE TransA, const enum CBLAS_DIAG Diag, const blasint M,             \
       const blasint N, const double alpha, const double *A, const blasint lda, double *B,         \
       const blasint ldb),                                                                         \
      (Order, Side, Uplo, TransA, Diag, M, N, alpha, A, lda, B, ldb))                              \
    V(cblas_dtrsv,                                                                                 \
      (const enum CBLAS_ORDER order, const enum CBLAS_UPLO Uplo,                                   \
       const enum CBLAS_TRANSPOSE TransA, const enum CBLAS_DIAG Diag, const blasint N,             \
       const double *A, const blasint lda, double *X, const blasint incX),                         \
      (order, Uplo, TransA, Diag, N, A, lda, X, incX))                                             \
    F(int, openblas_get_num_threads, (void), (), 1)                                                \
    V(openblas_set_num_threads, (int num_threads), (num_threads))

/* liblapacke: LAPACK through its C interface */
#define LAPACKE_FUNCTIONS(F, V)                                                                    \
    F(lapack_int, LAPACKE_dpotrf,                                                                  \
      (int matrix_layout, char uplo, lapack_int n, double *a, lapack_int lda),                     \
      (matrix_layout, uplo, n, a, lda), LAPACK_WORK_MEMORY_ERROR)                                  \
    F(lapack_int, LAPACKE_dpotri,                                                                  \
      (int matrix_layout, char uplo, lapack_int n, double *a, lapack_int lda),                     \
      (matrix_layout, uplo, n, a, lda), LAPACK_WORK_MEMORY_ERROR)                                  \
    F(lapack_int, LAPACKE_dpotrs,                                                                  \
      (int matrix_layout, char uplo, lapack_int n, lapack_int nrhs, const double *a,               \
       lapack_int lda, double *b, lapack_int ldb),                                                 \
      (matrix_layout, uplo, n, nrhs, a, lda, b, ldb), LAPACK_WORK_MEMORY_ERROR)                    \
    F(lapack_int, LAPACKE_dsyev,                                                                   \
      (int matrix_layout, char jobz, char uplo, lapack_int n, double *a, lapack_int lda,           \
       double *w),                                                                                 \
      (matrix_layout, jobz, uplo, n, a, lda, w), LAPACK_WORK_MEMORY_ERROR)

enum { BLAS_FUNCTIONS(KNOBX_LAZY_INDEX, KNOBX_LAZY_INDEX_V) N_BLAS };
enum { LAPACKE_FUNCTIONS(KNOBX_LAZY_INDEX, KNOBX_LAZY_INDEX_V) N_LAPACKE };
static const char *const blas_names[] = {BLAS_FUNCTIONS(KNOBX_LAZY_NAME, KNOBX_LAZY_NAME_V)};
static const char *const lapacke_names[] = {LAPACKE_FUNCTIONS(KNOBX_LAZY_NAME, KNOBX_LAZY_NAME_V)};
static void *blas_fns[N_BLAS], *lapacke_fns[N_LAPACKE];
static knobx_lazy blas = {
    .soname = KNOB_SONAME_OPENBLAS, .names = blas_names, .fns = blas_fns, .n = N_BLAS};
static knobx_lazy lapacke = {
    .soname = KNOB_SONAME_LAPACKE, .names = lapacke_names, .fns = lapacke_fns, .n = N_LAPACKE};
static const char *missing;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* OpenBLAS first: LAPACKE's LAPACK is OpenBLAS's on Debian, and its BLAS calls must meet
 * the library whose threads knob sets. */
static void open_once(void)
{
    missing = knobx_lazy_open(&blas);
    if (!missing)
        missing = knobx_lazy_open(&lapacke);
}

const char *knobx_lazy_lapack(void)
{
    pthread_once(&once, open_once);
    return missing;
}

static void *blas_fn(int i)
{
    return knobx_lazy_lapack() ? NULL : blas_fns[i];
}

static void *lapacke_fn(int i)
{
    return knobx_lazy_lapack() ? NULL : lapacke_fns[i];
}

#define KNOBX_LAZY_FN blas_fn
BLAS_FUNCTIONS(KNOBX_LAZY_DEFINE, KNOBX_LAZY_DEFINE_V)
#undef KNOBX_LAZY_FN
#define KNOBX_LAZY_FN lapacke_fn
LAPACKE_FUNCTIONS(KNOBX_LAZY_DEFINE, KNOBX_LAZY_DEFINE_V)

#else

const char *knobx_lazy_lapack(void)
{
    return NULL;
}

#endif
