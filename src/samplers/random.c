/* Random search: each param drawn independently from its distribution, from a stream
 * derived from (seed, trial number, param name), so parallel workers and conditional
 * spaces stay reproducible. */
#include "internal.h"
#include "samplers/random.h"
#include "space.h"

#include <math.h>

/* A linear int's values: (high - low) / step + 1, in integers (high - low is 2^54 for
 * [-2^53, 2^53], where 2^53 + 1 is no double). */
static uint64_t int_count(const knob_distribution *d)
{
    return (uint64_t)((int64_t)d->high - (int64_t)d->low) / (uint64_t)d->step + 1;
}

/* A linear int's value k, low + k step, in integers: as a double sum, k beyond 2^53 was
 * rounded to an even number, and so was every value above 2^52 of [-2^53, 2^53] (the bounds
 * are within 2^53, and so is the value). */
static double int_at(const knob_distribution *d, uint64_t k)
{
    return (double)((int64_t)d->low + (int64_t)d->step * (int64_t)k);
}

double knob__random_at(double u, const knob_distribution *d)
{
    u = fmin(fmax(u, 0), 0x1.fffffffffffffp-1);
    switch (d->kind) {
    case KNOB_DIST_CATEGORICAL:
        return floor(u * (double)d->n_choices);
    case KNOB_DIST_INT:
        if (d->flags & KNOB_LOG) {
            /* Log-uniform over [low - 0.5, high + 0.5), rounded: each integer gets the
             * mass of its unit interval on the log scale. */
            double lo = log(d->low - 0.5), hi = log(d->high + 0.5);
            return fmin(fmax(round(exp(lo + u * (hi - lo))), d->low), d->high);
        }
        {
            /* u tells apart at most 2^53 values (a Sobol point 2^32): in a range of more,
             * some ints are never reached from it */
            uint64_t n = int_count(d), k = (uint64_t)floor(u * (double)n);
            return int_at(d, k < n ? k : n - 1);
        }
    case KNOB_DIST_FLOAT:
        if (d->step > 0)
            return knob__dist_step_at(d, floor(u * (knob__dist_steps(d) + 1)));
        if (d->flags & KNOB_LOG) {
            double lo = log(d->low), hi = log(d->high);
            return fmin(fmax(exp(lo + u * (hi - lo)), d->low), d->high);
        }
        return d->low + u * (d->high - d->low);
    }
    return d->low;
}

/* Categorical, linear int and stepped float params by an exact draw of their index;
 * the others through knob__random_at. */
double knob__random_draw(knob_rng *r, const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return (double)knob_rng_below(r, d->n_choices);
    if (d->kind == KNOB_DIST_INT && !(d->flags & KNOB_LOG))
        return int_at(d, knob_rng_below(r, int_count(d)));
    if (d->kind == KNOB_DIST_FLOAT && d->step > 0)
        return knob__dist_step_at(d, (double)knob_rng_below(r, (uint64_t)knob__dist_steps(d) + 1));
    return knob__random_at(knob_rng_uniform(r), d);
}

int knob__random_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                             const knob_distribution *d, double *internal)
{
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    *internal = knob__random_draw(&r, d);
    return KNOB_OK;
}

const knob_sampler_plugin knob__sampler_random = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "random",
    .help = "Uniform random search (log-uniform on log scales, uniform over steps and "
            "choices). Options: seed.",
    .sample_independent = knob__random_independent,
};
