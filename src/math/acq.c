/* log EI without cancellation or underflow.
 *
 * With R(z) = Phi(z) / phi(z) (a Mills ratio), h(z) = phi(z) (1 + z R(z)). For z >= -1,
 * h is computed directly. Below, log h = log phi(z) + log(1 + z R(z)), where
 * R(z) = sqrt(pi / 2) erfcx(-z / sqrt 2) and erfcx(x) = exp(x^2) erfc(x) is computed
 * directly while erfc does not underflow; for z < -20 the asymptotic series
 * 1 + z R(z) = u - 3u^2 + 15u^3 - 105u^4 + 945u^5 - 10395u^6 + ..., u = 1 / z^2, is
 * used instead (its truncation error is below 1e-11 relative there). */
#include "math/acq.h"

#include <math.h>

#define SQRT1_2PI 0.39894228040143267794 /* 1 / sqrt(2 pi) */
#define SQRT_PI_2 1.25331413731550025121 /* sqrt(pi / 2) */

/* 1 + z R(z), for z < -1. */
static double one_plus_zr(double z)
{
    if (z < -20) {
        double u = 1 / (z * z);
        return u * (1 + u * (-3 + u * (15 + u * (-105 + u * (945 + u * -10395)))));
    }
    double x = -z * M_SQRT1_2;
    double r = SQRT_PI_2 * exp(x * x) * erfc(x);
    return 1 + z * r;
}

double knob__log_h(double z)
{
    if (z >= -1) {
        double phi = SQRT1_2PI * exp(-0.5 * z * z), cdf = 0.5 * erfc(-z * M_SQRT1_2);
        return log(phi + z * cdf);
    }
    return -0.5 * z * z + log(SQRT1_2PI) + log(one_plus_zr(z));
}

double knob__dlog_h(double z)
{
    if (z >= -1) {
        double phi = SQRT1_2PI * exp(-0.5 * z * z), cdf = 0.5 * erfc(-z * M_SQRT1_2);
        return cdf / (phi + z * cdf);
    }
    /* Phi / h = R / (1 + z R), and R = (1 - (1 + z R)) / -z */
    double q = one_plus_zr(z);
    return (1 - q) / (-z * q);
}

double knob__log_ei(double mean, double var, double best, double *dmean, double *dvar)
{
    double sd = sqrt(var), z = (best - mean) / sd;
    double v = log(sd) + knob__log_h(z);
    if (dmean || dvar) {
        double g = knob__dlog_h(z); /* d/dz */
        if (dmean)
            *dmean = -g / sd;
        /* d/dvar [log sd + log h(z)] = 1/(2 var) - g z / (2 var) */
        if (dvar)
            *dvar = (1 - g * z) / (2 * var);
    }
    return v;
}

/* erfcx(x) = exp(x^2) erfc(x) for x >= 0: directly while erfc does not underflow, then its
 * asymptotic series 1 / (x sqrt pi) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + 105/(16x^8)),
 * whose truncation error at x = 25 is below 1e-13 relative. */
static double erfcx_pos(double x)
{
    if (x < 25)
        return exp(x * x) * erfc(x);
    double u = 1 / (2 * x * x);
    return (1 - u * (1 - u * (3 - u * (15 - u * 105)))) / (x * 1.77245385090551602730);
}

double knob__log_ndtr(double z, double *dz)
{
    if (z > -3) {
        double cdf = 0.5 * erfc(-z * M_SQRT1_2);
        if (dz)
            *dz = SQRT1_2PI * exp(-0.5 * z * z) / cdf;
        return log(cdf);
    }
    /* Phi(z) = exp(-z^2 / 2) erfcx(x) / 2 with x = -z / sqrt 2 */
    double e = erfcx_pos(-z * M_SQRT1_2);
    if (dz)
        *dz = 2 * SQRT1_2PI / e;
    return -0.5 * z * z + log(0.5 * e);
}

double knob__log_pi(double mean, double var, double best, double *dmean, double *dvar)
{
    double sd = sqrt(var), z = (best - mean) / sd, dz;
    double v = knob__log_ndtr(z, &dz);
    if (dmean)
        *dmean = -dz / sd;
    if (dvar)
        *dvar = -dz * z / (2 * var);
    return v;
}

double knob__ucb(double mean, double var, double kappa, double *dmean, double *dvar)
{
    double sd = sqrt(var);
    if (dmean)
        *dmean = -1;
    if (dvar)
        *dvar = kappa / (2 * sd);
    return -mean + kappa * sd;
}
