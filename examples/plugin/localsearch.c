/*
 * localsearch: a sampler written outside knob, with nothing but knob.h.
 *
 * A (1+1) evolution strategy: after n_startup_trials random trials, each param is drawn
 * around its value in the best trial so far, by a normal (or Cauchy) step whose width
 * follows Rechenberg's one-fifth rule: it widens after a trial that beat the best, and
 * narrows after one that did not, so that about one trial in five improves. A categorical
 * param keeps the best trial's choice, or, with the chance `explore`, takes any.
 *
 * The sampler keeps nothing between trials but its options: it replays the study's
 * history to find the best trial and the step, and every draw comes from (seed, trial
 * number, param name). So any number of workers sharing a study draw reproducibly, and a
 * study resumed tomorrow goes on where it stopped.
 *
 * Build it into a program (run_study.c registers it with knob_sampler_register), or as a
 * shared object whose knob_plugin_init() registers it (see the Makefile).
 */
#include "localsearch.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define PI 3.14159265358979323846

typedef struct localsearch {
    int64_t n_startup_trials;
    double step0, min_step, explore;
    char *shape; /* "gaussian" or "cauchy": an enum, so the library checks the word */
    bool cauchy;
} localsearch;

static int init(void *state)
{
    localsearch *ls = state;
    ls->cauchy = strcmp(ls->shape, "cauchy") == 0;
    if (ls->min_step > ls->step0)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'localsearch': min_step (%g) is above step0 "
                              "(%g)",
                              ls->min_step, ls->step0);
    return KNOB_OK;
}

/* A param's value in [0, 1], on its log scale if it has one. */
static double to_unit(const knob_distribution *d, double x)
{
    bool lg = d->flags & KNOB_LOG;
    double lo = lg ? log(d->low) : d->low, hi = lg ? log(d->high) : d->high;
    return hi > lo ? ((lg ? log(x) : x) - lo) / (hi - lo) : 0;
}

/* Back from [0, 1] to a value of the distribution: on its steps, inside its range. */
static double from_unit(const knob_distribution *d, double u)
{
    bool lg = d->flags & KNOB_LOG;
    double lo = lg ? log(d->low) : d->low, hi = lg ? log(d->high) : d->high;
    double x = lo + fmin(fmax(u, 0), 1) * (hi - lo);
    x = lg ? exp(x) : x;
    double step = d->step > 0 ? d->step : d->kind == KNOB_DIST_INT ? 1 : 0;
    if (step > 0) {
        x = d->low + round((x - d->low) / step) * step;
        while (x > d->high)
            x -= step;
    }
    return fmin(fmax(x, d->low), d->high);
}

/* The step and the best trial of the history, replayed in trial number order: after
 * the startup trials, a trial better than the best so far widens the step by 1.5, any
 * other narrows it by 1.5^(1/4) (Rechenberg's one-fifth rule: the step settles where one
 * trial in five improves). NULL best when no trial is complete. */
static const knob_trial_info *replay(const localsearch *ls, knob_study *s, double *step,
                                     int64_t *complete)
{
    const knob_trial_info *const *tr, *best = NULL;
    size_t n;
    *step = ls->step0;
    *complete = 0;
    if (knob_study_trials(s, &tr, &n))
        return NULL;
    bool max = knob_study_direction(s, 0) == KNOB_MAXIMIZE;
    for (size_t i = 0; i < n; i++) {
        if (tr[i]->state != KNOB_TRIAL_COMPLETE || tr[i]->n_values != 1)
            continue;
        double v = tr[i]->values[0];
        bool better = !best || (max ? v > best->values[0] : v < best->values[0]);
        if (++*complete > ls->n_startup_trials)
            *step *= better ? 1.5 : pow(1.5, -0.25);
        if (better)
            best = tr[i];
    }
    *step = fmin(fmax(*step, ls->min_step), 1);
    return best;
}

static int sample(void *state, knob_study *s, knob_trial *t, const char *name,
                  const knob_distribution *d, double *internal)
{
    localsearch *ls = state;
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    double step;
    int64_t complete;
    const knob_trial_info *best = NULL;
    if (knob_study_n_objectives(s) == 1)
        best = replay(ls, s, &step, &complete);
    const knob_param *at = best ? knob_trial_info_param(best, name) : NULL;
    if (!at || at->dist->kind != d->kind || complete < ls->n_startup_trials) {
        /* Random: a uniform choice, or a uniform point of the (log) range. */
        *internal = d->kind == KNOB_DIST_CATEGORICAL ? (double)knob_rng_below(&r, d->n_choices)
                                                     : from_unit(d, knob_rng_uniform(&r));
        return KNOB_OK;
    }
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        bool keep = knob_rng_uniform(&r) >= ls->explore || at->internal >= (double)d->n_choices;
        *internal = keep ? at->internal : (double)knob_rng_below(&r, d->n_choices);
        return KNOB_OK;
    }
    /* A few draws for a point inside the range; the last is clamped. */
    double u = 2;
    for (int tries = 0; tries < 8 && (u < 0 || u > 1); tries++) {
        double z = ls->cauchy ? tan(PI * (knob_rng_uniform(&r) - 0.5)) : knob_rng_normal(&r);
        u = to_unit(d, at->internal) + step * z;
    }
    *internal = from_unit(d, u);
    return KNOB_OK;
}

static const char *const shapes[] = {"gaussian", "cauchy", NULL};

static const knob_option options[] = {
    {.name = "n_startup_trials",
     .type = KNOB_OPT_INT,
     .offset = offsetof(localsearch, n_startup_trials),
     .def = "10",
     .min = 1,
     .max = 1e9,
     .help = "complete trials drawn at random before the search starts"},
    {.name = "step0",
     .type = KNOB_OPT_DOUBLE,
     .offset = offsetof(localsearch, step0),
     .def = "0.2",
     .min = 1e-9,
     .max = 1,
     .help = "the first step, as a fraction of every param's range"},
    {.name = "min_step",
     .type = KNOB_OPT_DOUBLE,
     .offset = offsetof(localsearch, min_step),
     .def = "1e-6",
     .min = 1e-12,
     .max = 1,
     .help = "the smallest step, as a fraction of the range"},
    {.name = "explore",
     .type = KNOB_OPT_DOUBLE,
     .offset = offsetof(localsearch, explore),
     .def = "0.2",
     .min = 0,
     .max = 1,
     .help = "the chance that a categorical param takes any choice, not the best trial's"},
    {.name = "shape",
     .type = KNOB_OPT_ENUM,
     .offset = offsetof(localsearch, shape),
     .def = "gaussian",
     .help = "the shape of a step: gaussian, or cauchy (heavy tails: some long jumps)",
     .choices = shapes},
    {0},
};

const knob_sampler_plugin localsearch_sampler = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "localsearch",
    .help = "Local search around the best trial: a (1+1) evolution strategy whose step "
            "follows the one-fifth rule. Options: n_startup_trials, step0, min_step, explore, "
            "shape, seed.",
    .state_size = sizeof(localsearch),
    .options = options,
    .init = init,
    .sample_independent = sample,
};

/* The entry point of the shared object (liblocalsearch.so): whoever loads it calls this
 * once to register the sampler. */
int knob_plugin_init(void)
{
    return knob_sampler_register(&localsearch_sampler);
}
