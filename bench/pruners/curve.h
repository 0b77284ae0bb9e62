/*
 * curve.h: the learning-curve problem of bench_pruners, computed bit for bit as curve.py
 * computes it (see README.md for the model).
 *
 * A configuration of four hyperparameters (learning rate, width, weight decay, dropout)
 * has a validation error at every epoch 1..CURVE_EPOCHS: a smooth, noise-free curve plus
 * Gaussian noise drawn from a hash of (seed, the four params' bits, epoch), so the same
 * configuration gives the same noisy curve in C and in Python, whatever order trials run in.
 */
#ifndef BENCH_PRUNERS_CURVE_H
#define BENCH_PRUNERS_CURVE_H

#include <stdint.h>

#define CURVE_EPOCHS 81

/* The search space: names, bounds and scales, the same in both drivers. */
#define CURVE_LR_LOW 1e-4
#define CURVE_LR_HIGH 1.0
#define CURVE_WIDTH_LOW 16
#define CURVE_WIDTH_HIGH 512
#define CURVE_WD_LOW 1e-6
#define CURVE_WD_HIGH 1e-1
#define CURVE_DROPOUT_LOW 0.0
#define CURVE_DROPOUT_HIGH 0.5

typedef struct curve_config {
    double lr;      /* learning rate, log scale */
    double width;   /* an integer (units per layer), log scale */
    double wd;      /* weight decay, log scale */
    double dropout; /* linear */
} curve_config;

/* The noise-free validation error of `c` after `epoch` epochs (epoch >= 0). */
double curve_clean(const curve_config *c, int epoch);

/* A standard normal draw that depends only on (seed, c's four doubles, epoch). */
double curve_noise(uint64_t seed, const curve_config *c, int epoch);

/* What a trial observes: curve_clean plus curve_noise scaled by the noise level. */
double curve_value(uint64_t seed, const curve_config *c, int epoch);

/* The configuration of trial `number` in the paired mode: drawn uniformly (log-uniformly
 * on log scales) from a hash of (seed, number), the same in C and Python, so both
 * frameworks' pruners see the very same trials. */
void curve_draw(uint64_t seed, int64_t number, curve_config *c);

#endif
