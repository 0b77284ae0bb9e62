/* Hyperband's bracket arithmetic, in integers (util/hyperband.h). */
#include "util/hyperband.h"

int64_t knobx_hyperband_brackets(int64_t min, int64_t max, int64_t eta)
{
    if (min < 1 || max < min || eta < 2)
        return 0;
    int64_t n = 1, r = max / min; /* min * eta^k <= max is eta^k <= r, as eta^k is whole */
    for (int64_t p = eta; p <= r; p *= eta) {
        n++;
        if (p > r / eta) /* p * eta > r, and would overflow first */
            break;
    }
    return n;
}

int64_t knobx_hyperband_budget(int64_t n, int64_t eta, int64_t b)
{
    if (n < 1 || b < 0 || b >= n || eta < 2)
        return 0;
    int64_t s = n - 1 - b, p = 1;
    for (int64_t k = 0; k < s; k++) {
        if (p > INT64_MAX / eta)
            return 0;
        p *= eta;
    }
    if (p > (INT64_MAX - s) / n)
        return 0;
    return (n * p + s) / (s + 1);
}
