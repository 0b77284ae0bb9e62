/* The learning-curve problem; curve.py is the same code in Python, operation for
 * operation, so that both give the same doubles (README.md has the model). */
#include "curve.h"

#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t x)
{
    uint64_t z = x + 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

double curve_clean(const curve_config *c, int epoch)
{
    double x1 = log10(c->lr), x2 = log2(c->width), x3 = log10(c->wd), x4 = c->dropout;
    /* Where the error levels off: a bowl in log(lr) whose high side rises steeply (too
     * large a step plateaus badly), narrow layers underfit, heavy weight decay and
     * dropout cost a little. */
    double hot = fmax(0.0, x1 + 2.5);
    double off = x1 + 2.2;
    double heavy = fmax(0.0, x3 + 3.0);
    double a = 0.03 + 0.06 * hot * hot + 0.02 * off * off + 0.12 * exp(-(x2 - 4.0) / 1.5) +
               0.05 * heavy * heavy + 0.06 * x4 * x4;
    a = fmin(a, 0.85);
    /* Where it starts: worse configurations start worse, up to chance (0.9). */
    double b = fmin(0.9, 4.0 * a + 0.15);
    /* How fast it gets there, in epochs: small steps, dropout and wide layers are slow. */
    double tau = pow(0.1 / c->lr, 1.1) * (1.0 + 2.0 * x4) * pow(x2 / 6.5, 1.5);
    /* Overfitting after 2 tau: wide layers without weight decay or dropout get worse. */
    double ov =
        0.0012 * (x2 - 3.0) / 6.0 / (1.0 + exp(2.0 * (x3 + 4.5))) * fmax(0.0, 1.0 - 2.0 * x4);
    double e = (double)epoch;
    return a + (b - a) * pow(1.0 + e / tau, -2.0) + ov * fmax(0.0, e - 2.0 * tau);
}

double curve_noise(uint64_t seed, const curve_config *c, int epoch)
{
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ bits_of(c->lr));
    h = splitmix64(h ^ bits_of(c->width));
    h = splitmix64(h ^ bits_of(c->wd));
    h = splitmix64(h ^ bits_of(c->dropout));
    h = splitmix64(h ^ (uint64_t)epoch);
    /* Box-Muller from two 53-bit uniforms; 1 - u1 is in (0, 1]. */
    double u1 = (double)(h >> 11) * 0x1p-53;
    double u2 = (double)(splitmix64(h) >> 11) * 0x1p-53;
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

double curve_value(uint64_t seed, const curve_config *c, int epoch)
{
    double clean = curve_clean(c, epoch);
    return clean + (0.003 + 0.02 * clean) * curve_noise(seed, c, epoch);
}

static double log_uniform(double u, double low, double high)
{
    return fmin(fmax(exp(log(low) + u * (log(high) - log(low))), low), high);
}

void curve_draw(uint64_t seed, int64_t number, curve_config *c)
{
    uint64_t h = splitmix64(seed ^ 0x5851F42D4C957F2Du);
    h = splitmix64(h ^ (uint64_t)number);
    double u[4];
    for (int k = 0; k < 4; k++) {
        h = splitmix64(h);
        u[k] = (double)(h >> 11) * 0x1p-53;
    }
    c->lr = log_uniform(u[0], CURVE_LR_LOW, CURVE_LR_HIGH);
    /* Each integer width gets the mass of its unit interval on the log scale. */
    double w = floor(log_uniform(u[1], CURVE_WIDTH_LOW - 0.5, CURVE_WIDTH_HIGH + 0.5) + 0.5);
    c->width = fmin(fmax(w, CURVE_WIDTH_LOW), CURVE_WIDTH_HIGH);
    c->wd = log_uniform(u[2], CURVE_WD_LOW, CURVE_WD_HIGH);
    c->dropout = CURVE_DROPOUT_LOW + u[3] * (CURVE_DROPOUT_HIGH - CURVE_DROPOUT_LOW);
}
