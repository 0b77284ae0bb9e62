/* Cholesky factor and triangular solves (chol.h). */
#include "math/chol.h"
#include "math/status.h"

#include <math.h>

int knob__chol(double *A, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double s = A[j * n + j];
        for (size_t k = 0; k < j; k++)
            s -= A[j * n + k] * A[j * n + k];
        if (!(s > 0))
            return KNOB__MATH_ENOTPD;
        double l = sqrt(s);
        A[j * n + j] = l;
        for (size_t i = j + 1; i < n; i++) {
            double v = A[i * n + j];
            for (size_t k = 0; k < j; k++)
                v -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = v / l;
        }
        for (size_t k = j + 1; k < n; k++)
            A[j * n + k] = 0;
    }
    return KNOB__MATH_OK;
}

void knob__chol_forward(const double *L, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++) {
        double v = b[i];
        for (size_t k = 0; k < i; k++)
            v -= L[i * n + k] * b[k];
        b[i] = v / L[i * n + i];
    }
}

void knob__chol_backward(const double *L, size_t n, double *b)
{
    for (size_t i = n; i-- > 0;) {
        double v = b[i];
        for (size_t k = i + 1; k < n; k++)
            v -= L[k * n + i] * b[k];
        b[i] = v / L[i * n + i];
    }
}
