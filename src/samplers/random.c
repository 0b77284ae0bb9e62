/* Random search: each param drawn independently from its distribution, from a stream
 * derived from (seed, trial number, param name), so parallel workers and conditional
 * spaces stay reproducible. */
#include "internal.h"
#include "samplers/random.h"
#include "space.h"

#include <math.h>

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
        return d->low + d->step * floor(u * (floor((d->high - d->low) / d->step) + 1));
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
        return d->low +
               d->step * (double)knob_rng_below(r, (uint64_t)((d->high - d->low) / d->step) + 1);
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
