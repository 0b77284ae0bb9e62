/* Power-of-two scaling and clipping of raw values (math/scale.h). */
#include "math/scale.h"

#include <math.h>

int knob__scale_exponent(const double *v, size_t n, size_t stride)
{
    double top = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride]))
            top = fmax(top, fabs(v[i * stride]));
    return top > 0 ? ilogb(top) : 0;
}

void knob__scale_apply(double *v, size_t n, size_t stride, int e)
{
    for (size_t i = 0; e && i < n; i++)
        v[i * stride] = ldexp(v[i * stride], -e);
}

size_t knob__clip_infinite(double *v, size_t n, size_t stride)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride])) {
            lo = fmin(lo, v[i * stride]);
            hi = fmax(hi, v[i * stride]);
        }
    if (lo > hi) /* none finite */
        lo = hi = 0;
    for (size_t i = 0; i < n; i++)
        if (isinf(v[i * stride])) {
            v[i * stride] = v[i * stride] > 0 ? hi : lo;
            clipped++;
        }
    return clipped;
}
