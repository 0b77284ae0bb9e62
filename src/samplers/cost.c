/* Cost-aware search: the pieces gp and tpe share (cost.h). */
#include "samplers/cost.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double knob__trial_cost(const char *cost, const knob_trial_info *t)
{
    double k = NAN;
    if (strcmp(cost, "duration") == 0) {
        k = t->end_time - t->start_time;
    } else {
        const char *v = knob_trial_info_attr(t, cost, false);
        char *end;
        if (v) {
            v += *v == '"'; /* a number written as a JSON string */
            k = strtod(v, &end);
            if (end == v)
                k = NAN;
        }
    }
    return !isfinite(k) ? NAN : k > 0 ? k : 0; /* 0: it cost nothing (or less) */
}

double knob__cost_floor(const double *k, size_t n)
{
    double least = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (k[i] > 0 && k[i] < least)
            least = k[i];
    return isfinite(least) ? least / 100 : NAN;
}

double knob__cost_alpha(double budget, double spent, double spent_startup, int64_t n_seen,
                        int64_t n_startup)
{
    double a;
    if (budget > 0)
        a = (budget - spent) / fmax(budget - spent_startup, 1e-300);
    else
        a = 1 - (double)(n_seen - n_startup) / (9.0 * (double)(n_startup > 0 ? n_startup : 1));
    return fmin(fmax(a, 0), 1);
}
