/* xoshiro256** seeded through splitmix64; integer ranges by rejection. knob.h declares
 * these functions (they are public) and the generator's type. */
#include "knob.h"
#include "math/hash.h"
#include "math/tpe_normal.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void knob_rng_seed(knob_rng *r, uint64_t seed)
{
    if (!r)
        return;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

void knob_rng_derive(knob_rng *r, uint64_t seed, int64_t number, const char *name)
{
    if (!r)
        return;
    uint64_t x = seed;
    uint64_t h = splitmix64(&x) ^ ((uint64_t)number * 0xD1B54A32D192ED03ull);
    x = h;
    h = splitmix64(&x);
    if (name)
        h ^= knob__hash(name);
    knob_rng_seed(r, h);
}

uint64_t knob_rng_next(knob_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double knob_rng_uniform(knob_rng *r)
{
    return (double)(knob_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t knob_rng_below(knob_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* Reject the top partial block so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = knob_rng_next(r);
    while (x >= limit);
    return x % n;
}

double knob_rng_normal(knob_rng *r)
{
    /* Box-Muller; one value per call keeps the stream a pure function of the state. */
    double u1, u2;
    do
        u1 = knob_rng_uniform(r);
    while (u1 <= 0.0);
    u2 = knob_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double knob_normal_cdf(double x)
{
    return isnan(x) ? NAN : knob__tpe_ndtr_neg(x);
}

/* 1 - p is exact for p in [0.5, 1], so the upper half mirrors the lower one. */
double knob_normal_quantile(double p)
{
    if (!(p >= 0 && p <= 1))
        return NAN;
    if (p == 1)
        return INFINITY;
    return p <= 0.5 ? knob__ndtri_low(p) : -knob__ndtri_low(1 - p);
}
