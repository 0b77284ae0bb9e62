/* A terrace at the best value, for the unit tests of plateaus: 0.5 wherever x0 >= 0.3 (70% of
 * the cube), a slope from 0.8 to 0.9 elsewhere, and 0.2 in the box x0 < 0.3, 0.6 <= x1 <= 0.95,
 * 0.2 <= x2 <= 0.55 (3.7% of it): as a decision tree whose large min_impurity_decrease predicts
 * one class scores one value over most of its space, and the better trees lie in a corner of
 * the rest. */
#ifndef KNOB_TEST_TERRACE_H
#define KNOB_TEST_TERRACE_H

#include "knob.h"

static inline knob_trial_state knob_test_terrace(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double x[3];
    const char *names[] = {"x0", "x1", "x2"};
    for (int k = 0; k < 3; k++)
        if (knob_trial_suggest_float(t, names[k], 0, 1, 0, 0, &x[k]))
            return KNOB_TRIAL_FAIL;
    if (x[0] >= 0.3)
        values[0] = 0.5;
    else if (x[1] >= 0.6 && x[1] <= 0.95 && x[2] >= 0.2 && x[2] <= 0.55)
        values[0] = 0.2;
    else
        values[0] = 0.8 + 0.1 * x[1] - 0.1 * x[2];
    return KNOB_TRIAL_COMPLETE;
}

#endif
