/* Writes a study whose every trial is on the Pareto front, for the cost of knob best and knob
 * report on large fronts (bench/README.md, scale):
 *   big_front URL NAME N [M]
 * N complete trials of M objectives (2 or 3; default 2), all minimized and mutually
 * nondominated: points of the unit circle's quarter (x = cos t, y = sin t) or of the unit
 * sphere's octant, in a shuffled order (a fixed permutation), with one float param t. The
 * trials are written in one batch with knob_study_add_trial, end times one second apart. */
#include "knob.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const knob_distribution dist_t = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: big_front URL NAME N [M]\n");
        return 2;
    }
    long n = atol(argv[3]);
    int m = argc == 5 ? atoi(argv[4]) : 2;
    if (n < 1 || (m != 2 && m != 3)) {
        fprintf(stderr, "big_front: N >= 1 and M 2 or 3\n");
        return 2;
    }
    long *order = malloc((size_t)n * sizeof *order);
    if (!order)
        return 1;
    for (long i = 0; i < n; i++)
        order[i] = i;
    uint64_t x = 88172645463325252u; /* xorshift64: a fixed shuffle */
    for (long i = n - 1; i > 0; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        long j = (long)(x % (uint64_t)(i + 1));
        long t = order[i];
        order[i] = order[j], order[j] = t;
    }
    knob_direction dirs[3] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_storage *st;
    knob_study *s;
    knob_study_options o = {.directions = dirs, .n_objectives = (size_t)m};
    if (knob_storage_open(argv[1], &st) || knob_study_create(st, argv[2], &o, &s) ||
        knob_storage_batch_begin(st)) {
        fprintf(stderr, "big_front: %s\n", knob_errmsg());
        return 1;
    }
    long side = (long)ceil(sqrt((double)n)); /* the sphere's grid: side x side angles */
    for (long i = 0; i < n; i++) {
        long k = order[i];
        double u = ((double)k + 0.5) / (double)n, v[3];
        if (m == 2) {
            v[0] = cos(u * M_PI / 2), v[1] = sin(u * M_PI / 2);
        } else {
            double a = ((double)(k % side) + 0.5) / (double)side * M_PI / 2;
            double b = ((double)(k / side) + 0.5) / (double)side * M_PI / 2;
            v[0] = cos(a) * cos(b), v[1] = sin(a) * cos(b), v[2] = sin(b);
        }
        knob_param p = {"t", &dist_t, u};
        knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE,
                                .n_params = 1,
                                .params = &p,
                                .n_values = (size_t)m,
                                .values = v,
                                .start_time = 1e9 + (double)i,
                                .end_time = 1e9 + (double)i + 0.5};
        if (knob_study_add_trial(s, &info, NULL)) {
            fprintf(stderr, "big_front: trial %ld: %s\n", i, knob_errmsg());
            return 1;
        }
    }
    if (knob_storage_batch_end(st)) {
        fprintf(stderr, "big_front: %s\n", knob_errmsg());
        return 1;
    }
    knob_study_free(s);
    knob_storage_close(st);
    free(order);
    return 0;
}
