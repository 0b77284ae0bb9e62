/*
 * NSGA-II (Deb et al. 2002) as Optuna's NSGAIISampler runs it, on the stored history so
 * that any number of workers share one population, with two of Deb's operators and a Latin
 * hypercube for generation 0 by default (Optuna's are the options
 * mutation=random,selection=dominance,initial=random):
 *
 * - generations: a trial joins the latest generation of the completed trials (its system
 *   attribute "nsga2:generation"), or the next one once that holds population_size
 *   completed trials;
 * - the parents of generation g (a study system attribute "nsga2:parents:<g>", the trial
 *   numbers, written by the first worker that needs them) are the elite of generation
 *   g - 1 together with its own parents: non-dominated fronts in order, the last one cut
 *   by crowding distance; constrained domination (Deb 2000) when trials have constraints;
 * - a child: with crossover_prob, a crossover of parents picked by tournament (by default
 *   of 6 draws by Deb's crowded comparison: the lowest rank among the parents, then the
 *   larger crowding distance of the first two at that rank; Optuna's: 2 draws, the first
 *   wins only if it dominates), numerical
 *   params in the unit cube of their scales, categorical ones uniformly, else a copy of
 *   one parent; then each param mutates with probability mutation_prob (1 / params by
 *   default): a numerical one by Deb's polynomial mutation (index mutation_eta, 20) by
 *   default, else (and a categorical one always) left to random sampling as in Optuna.
 *   Its parents are the trial's system attribute "nsga2:parents".
 *
 * With one objective it is an elitist genetic algorithm. Generation 0 is a Latin hypercube
 * per population_size trials (initial=lhs; sobol: a scrambled Sobol sequence). The
 * machinery (generations, parents, crossover, mutation) is samplers/genetic.c, shared with
 * nsga3; NSGA-II's own part is its survival rule, the crowding distance.
 */
#include "samplers/genetic.h"
#include "samplers/random.h"

#include <stddef.h>

typedef struct nsga2 {
    knob__ga ga;
} nsga2;

static int check_unused(const void *state);

static int init(void *state)
{
    int rc = knob__ga_init(state, "nsga2", knob__ga_cut_crowding);
    return rc ? rc : check_unused(state);
}

static void fini(void *state)
{
    knob__ga_fini(state);
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    return knob__ga_before_trial(state, s, t);
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    return knob__ga_sample_relative(state, s, t);
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    return knob__ga_sample_independent(state, s, t, name, d, internal);
}

static const knob_option options[] = {
    KNOB__GA_OPTIONS(nsga2, ga),
    KNOB__GA_MUTATION_OPTIONS(nsga2, ga, "polynomial"),
    KNOB__GA_INITIAL_OPTION(nsga2, ga, "lhs"),
    KNOB__GA_TOURNAMENT_OPTION(nsga2, ga),
    KNOB__GA_CLONES_OPTION(nsga2, ga),
    KNOB__GA_SELECTION_OPTION(nsga2, ga, "crowded"),
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int check_unused(const void *state)
{
    return knob__ga_check_unused(&((const nsga2 *)state)->ga, options, state);
}

const knob_sampler_plugin knob__sampler_nsga2 = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "nsga2",
    .help =
        "NSGA-II (Optuna's NSGAIISampler): generations of population_size trials shared "
        "by every worker through the storage, elitist survival by non-dominated sorting "
        "and crowding distance, constrained domination, crossover (uniform, blxalpha, sbx, "
        "vsbx, undx, spx), Deb's crowded tournament (of 6 draws) and polynomial mutation, a Latin "
        "hypercube for generation 0 (selection=dominance,mutation=random,initial=random: "
        "Optuna's); with one objective an elitist genetic algorithm. Options: "
        "population_size, crossover, crossover_prob, swapping_prob, mutation_prob, "
        "mutation, mutation_eta, initial, tournament_size, avoid_clones, selection, seed.",
    .state_size = sizeof(nsga2),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
};
