/* Sobol points by direct index (Joe-Kuo direction numbers), Owen scrambling by a
 * nested-uniform hash, and scrambled Halton points. */
#include "math/sobol.h"

#include <math.h>
#include <stdbool.h>

void knob__sobol_directions(unsigned dim, uint32_t v[32])
{
    uint32_t m[32];
    if (dim == 0) {
        for (int k = 0; k < 32; k++)
            v[k] = 1u << (31 - k);
        return;
    }
    uint32_t poly = knob__sobol_poly[dim];
    int s = 0;
    while ((poly >> (s + 1)) != 0)
        s++; /* degree */
    for (int k = 0; k < s && k < 32; k++)
        m[k] = knob__sobol_vinit[dim][k];
    for (int k = s; k < 32; k++) {
        uint32_t mk = m[k - s] ^ (m[k - s] << s);
        for (int j = 1; j < s; j++)
            if ((poly >> (s - j)) & 1u)
                mk ^= m[k - j] << j;
        m[k] = mk;
    }
    for (int k = 0; k < 32; k++)
        v[k] = m[k] << (31 - k);
}

uint32_t knob__sobol_bits(const uint32_t v[32], uint64_t index)
{
    /* Points in Gray-code order (Antonov-Saleev), as published tables and SciPy list
     * them; each block of 2^m indices holds the same points in either order. */
    uint32_t x = 0;
    index ^= index >> 1;
    for (int k = 0; index && k < 32; k++, index >>= 1)
        if (index & 1u)
            x ^= v[k];
    return x;
}

static uint32_t reverse_bits(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

double knob__sobol_scrambled(const uint32_t v[32], unsigned dim, uint64_t index, uint64_t seed)
{
    uint64_t h = seed * 0x9E3779B97F4A7C15ull + dim * 0xD1B54A32D192ED03ull;
    uint32_t x = knob__owen_scramble(knob__sobol_bits(v, index), (uint32_t)(h >> 32) ^ (uint32_t)h);
    return ((double)x + 0.5) * 0x1.0p-32;
}

uint32_t knob__owen_scramble(uint32_t x, uint32_t seed)
{
    /* With the bits reversed, a hash in which every output bit depends only on the
     * input bits below it permutes each digit depending on all the digits before it:
     * nested uniform (Owen) scrambling. */
    x = reverse_bits(x);
    x += seed;
    x ^= x * 0x6c50b47cu;
    x ^= x * 0xb82f1e52u;
    x ^= x * 0xc7afe638u;
    x ^= x * 0x8d22f6e6u;
    return reverse_bits(x);
}

static unsigned nth_prime(unsigned n)
{
    /* The dimensions used are few; trial division is fast enough and needs no table. */
    unsigned count = 0;
    for (unsigned p = 2;; p++) {
        bool prime = true;
        for (unsigned d = 2; d * d <= p; d++)
            if (p % d == 0) {
                prime = false;
                break;
            }
        if (prime && count++ == n)
            return p;
    }
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

double knob__halton(unsigned dim, uint64_t index, uint64_t seed, int scramble)
{
    unsigned b = nth_prime(dim);
    double inv = 1.0 / b, f = inv, x = 0;
    /* Enough digits for double precision; trailing zero digits are permuted too, as a
     * scramble of the infinite expansion must. */
    int digits = (int)ceil(53 * log(2.0) / log((double)b)) + 1;
    for (int k = 0; k < digits; k++, f *= inv) {
        unsigned d = (unsigned)(index % b);
        index /= b;
        if (scramble) {
            /* A random affine permutation of the digits of position k. */
            uint64_t h = mix(seed ^ mix(((uint64_t)dim << 32) ^ (uint64_t)k));
            unsigned a = 1 + (unsigned)(h % (b - 1)), c = (unsigned)((h >> 32) % b);
            d = (unsigned)(((uint64_t)a * d + c) % b);
        }
        x += d * f;
    }
    return x;
}
