/*
 * The genetic machinery shared by the nsga2 and nsga3 samplers: generations and parents
 * kept in the storage so that any number of workers share one population, binary
 * tournaments by (constrained) domination, the six crossovers and mutation. The samplers
 * differ in survival only: which members of the last non-dominated front that does not
 * fit whole join the elite (crowding distance for NSGA-II, reference-point niching for
 * NSGA-III).
 *
 * A sampler's state starts with a knob__ga; its option table lists KNOB__GA_OPTIONS of
 * its own state type; its init calls knob__ga_init, its fini knob__ga_fini, and its
 * before_trial and sample_relative are knob__ga_before_trial and knob__ga_sample_relative.
 * The trial attributes are "<name>:generation" and "<name>:parents", the study's
 * "<name>:parents:<g>".
 */
#ifndef KNOB_SAMPLERS_GENETIC_H
#define KNOB_SAMPLERS_GENETIC_H

#include "knob.h"
#include "samplers/transform.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Completed trials seen as points to minimize: loss[i * m + j] is objective j of t[i]
 * (maximized ones negated), viol[i] the total violation of its constraints (0 when the
 * population is unconstrained; +inf for a trial without constraints among trials that
 * have them). */
typedef struct knob__ga_pop {
    const knob_trial_info **t;
    size_t n;
    double *loss, *viol;
    bool constrained;
} knob__ga_pop;

struct knob__ga;

/* Chooses `need` members of front[0..k) (indices into p; the front that does not fit
 * whole) to join elite[0..n_elite) (the members of the better fronts); writes their
 * indices to out[0..need). r is the generation's own generator. Returns a knob code. */
typedef int (*knob__ga_cut)(struct knob__ga *g, const knob__ga_pop *p, size_t m,
                            const size_t *elite, size_t n_elite, const size_t *front, size_t k,
                            size_t need, knob_rng *r, size_t *out);

typedef struct knob__ga {
    /* options */
    int64_t population_size;
    char *crossover;
    double crossover_prob, swapping_prob, mutation_prob;
    char *mutation, *selection, *initial;
    double mutation_eta;
    int64_t tournament_size;
    int64_t avoid_clones; /* -1: 1 with polynomial mutation, 0 with random */
    /* set by knob__ga_init */
    const char *name; /* "nsga2": attribute keys and messages */
    knob__ga_cut cut;
    int kind, n_parents, mutation_kind, selection_kind, initial_kind;
    char gen_key[48], parents_key[48]; /* "<name>:generation", "<name>:parents" */
    /* caches of one study (dropped when the sampler sees another): */
    const knob_study *study;
    /* parents[g]: the parent trial numbers of generation g, once read or chosen */
    int64_t **parents;
    size_t *n_parents_of, n_gens;
    /* gen_of[number]: the generation of a completed trial (INT64_MIN: not read yet) */
    int64_t *gen_of;
    size_t gen_cap;
    /* trials [0, n_settled) are finished: the latest generation among their completed
     * ones and how many of them it holds (next_generation) */
    size_t n_settled;
    int64_t settled_top, settled_count;
    /* the search space of the parents of generation dims_gen (dims_np usable parents);
     * hint[k]: where dims[k] was among the params of the last parent read */
    int64_t dims_gen;
    size_t dims_np, n_dims, *hint;
    knob__dim *dims;
    /* the parents of generation pop_gen as points (pop_np usable ones, in order) */
    int64_t pop_gen;
    size_t pop_np;
    double *pop_loss, *pop_viol;
    bool pop_constrained;
    /* with selection=crowded: each parent's rank among the parents, then its crowding
     * distance in its front (2 pop_np numbers) */
    double *pop_rank;
} knob__ga;

extern const char *const knob__ga_crossovers[];
extern const char *const knob__ga_mutations[];
extern const char *const knob__ga_selections[];
extern const char *const knob__ga_initials[];

/* The options every genetic sampler takes, for a state type whose knob__ga is `member`. */
#define KNOB__GA_OPTIONS(type, member)                                                             \
    {"population_size",                                                                            \
     KNOB_OPT_INT,                                                                                 \
     offsetof(type, member.population_size),                                                       \
     "50",                                                                                         \
     2,                                                                                            \
     1e6,                                                                                          \
     "completed trials per generation",                                                            \
     NULL},                                                                                        \
        {"crossover",                                                                              \
         KNOB_OPT_ENUM,                                                                            \
         offsetof(type, member.crossover),                                                         \
         "uniform",                                                                                \
         0,                                                                                        \
         0,                                                                                        \
         "crossover of the numerical params (categorical ones are crossed uniformly)",             \
         knob__ga_crossovers},                                                                     \
        {"crossover_prob",                                                                         \
         KNOB_OPT_DOUBLE,                                                                          \
         offsetof(type, member.crossover_prob),                                                    \
         "0.9",                                                                                    \
         0,                                                                                        \
         1,                                                                                        \
         "probability that a child is a crossover of parents (else a copy of one)",                \
         NULL},                                                                                    \
        {"swapping_prob",                                                                          \
         KNOB_OPT_DOUBLE,                                                                          \
         offsetof(type, member.swapping_prob),                                                     \
         "0.5",                                                                                    \
         0,                                                                                        \
         1,                                                                                        \
         "probability of taking a param from the other parent (uniform crossover)",                \
         NULL},                                                                                    \
    {                                                                                              \
        "mutation_prob", KNOB_OPT_DOUBLE, offsetof(type, member.mutation_prob), "-1", -1, 1,       \
            "probability that a param is drawn at random instead (-1: 1 / number of params)", NULL \
    }

/* The mutation options, `mutation` defaulting to `def` ("random" or "polynomial"). */
#define KNOB__GA_MUTATION_OPTIONS(type, member, def)                                               \
    {"mutation",                                                                                   \
     KNOB_OPT_ENUM,                                                                                \
     offsetof(type, member.mutation),                                                              \
     def,                                                                                          \
     0,                                                                                            \
     0,                                                                                            \
     "what a mutated numerical param becomes: random (drawn anew, as Optuna does) or "             \
     "polynomial (Deb's polynomial mutation of the child's value, index mutation_eta); a "         \
     "categorical one is always drawn anew",                                                       \
     knob__ga_mutations},                                                                          \
    {                                                                                              \
        "mutation_eta", KNOB_OPT_DOUBLE, offsetof(type, member.mutation_eta), "20", 0, 1e6,        \
            "with mutation=polynomial (refused beside random): its distribution index (larger: "   \
            "smaller steps)",                                                                      \
            NULL                                                                                   \
    }

/* The parents' selection, `selection` defaulting to `def` ("dominance" or "crowded"). */
#define KNOB__GA_SELECTION_OPTION(type, member, def)                                               \
    {                                                                                              \
        "selection", KNOB_OPT_ENUM, offsetof(type, member.selection), def, 0, 0,                   \
            "binary tournament between two parents: dominance (the first wins only if it "         \
            "dominates the second, as Optuna does) or crowded (Deb's: the lower rank among the "   \
            "parents wins, then the larger crowding distance)",                                    \
            knob__ga_selections                                                                    \
    }

/* The parents' tournament size (0: 6 with selection=crowded, 2 with dominance). */
#define KNOB__GA_TOURNAMENT_OPTION(type, member)                                                   \
    {                                                                                              \
        "tournament_size", KNOB_OPT_INT, offsetof(type, member.tournament_size), "0", 0, 1e6,      \
            "parents drawn (with replacement) for each tournament, 2 or more (0: 6 with "          \
            "selection=crowded, 2 with dominance): with crowded the lowest rank among them "       \
            "wins, and of those at that rank the first two are compared by crowding distance; "    \
            "with dominance each draw meets the winner so far (2: a binary tournament, as "        \
            "Optuna's)",                                                                           \
            NULL                                                                                   \
    }

/* Whether a child that would copy a parent exactly gets one param mutated. */
#define KNOB__GA_CLONES_OPTION(type, member)                                                       \
    {                                                                                              \
        "avoid_clones", KNOB_OPT_INT, offsetof(type, member.avoid_clones), "-1", -1, 1,            \
            "1: a child equal to one of its parents in every param (no param mutated, the "        \
            "crossover took every param from one parent) gets one param, drawn at random, "        \
            "mutated, so that no trial re-evaluates its parent; 0: clones are kept (as Optuna "    \
            "does); -1: 1 with mutation=polynomial, 0 with random. Never with mutation_prob=0",    \
            NULL                                                                                   \
    }

/* The first generation's points, `initial` defaulting to `def` ("random", "sobol" or
 * "lhs"). */
#define KNOB__GA_INITIAL_OPTION(type, member, def)                                                 \
    {                                                                                              \
        "initial", KNOB_OPT_ENUM, offsetof(type, member.initial), def, 0, 0,                       \
            "generation 0: random (independent draws, as Optuna does), sobol (a scrambled "        \
            "Sobol sequence, point = trial number) or lhs (a Latin hypercube per "                 \
            "population_size trials: every param's range cut into population_size cells, one "     \
            "point in each)",                                                                      \
            knob__ga_initials                                                                      \
    }

/* Checks the options (KNOB_EINVAL: a population smaller than the crossover's parents). */
int knob__ga_init(knob__ga *g, const char *name, knob__ga_cut cut);

/* After knob__ga_init: mutation_eta set (another value than its default, in `state`, the
 * sampler's, whose option table is `table`) while mutation is random would be left unused
 * without a word, so it is refused (KNOB_EINVAL naming the sampler and both options). */
int knob__ga_check_unused(const knob__ga *g, const knob_option *table, const void *state);
void knob__ga_fini(knob__ga *g);

/* Fills p from t[0..n) (all COMPLETE with the study's objectives); free p->loss after. */
int knob__ga_pop_fill(const knob__ga *g, knob__ga_pop *p, knob_study *s, const knob_trial_info **t,
                      size_t n);

/* The `size` best of p: whole non-dominated fronts in order while they leave room, then
 * g->cut on the first front that does not (also one that fills the rest exactly, as
 * Optuna does: the cut orders it); their indices into p go to out, how many to *n_out. */
int knob__ga_elite(knob__ga *g, const knob__ga_pop *p, size_t m, size_t size, knob_rng *r,
                   size_t *out, size_t *n_out);

/* NSGA-II's cut: the members of largest crowding distance, computed and ordered as
 * Optuna's NSGAIISampler does, ties included (genetic.c says how). p->t[i]->values are
 * read as the trials hold them. */
int knob__ga_cut_crowding(knob__ga *g, const knob__ga_pop *p, size_t m, const size_t *elite,
                          size_t n_elite, const size_t *front, size_t k, size_t need, knob_rng *r,
                          size_t *out);

/* Deb's polynomial mutation of u in [0, 1] (distribution index eta, w a uniform draw in
 * [0, 1)): a step towards 0 when w < 0.5, towards 1 otherwise, the closer to 0 the larger
 * eta; the result stays in [0, 1]. */
double knob__ga_polynomial_mutation(double u, double eta, double w);

/* The point of a Latin hypercube of n points (n >= 1) in one dimension: slot k in [0, n)
 * of the hypercube `block` of the generator `seed` goes to cell perm(k) of n, a bijection
 * of [0, n) per (seed, block, dim), at w in [0, 1) within the cell. Returns u in [0, 1). */
double knob__ga_lhs(uint64_t seed, uint64_t block, unsigned dim, uint64_t k, uint64_t n, double w);

/* The plugin entry points. knob__ga_sample_independent: in generation 0 with
 * initial=sobol or lhs, the trial's point in the sequence (the param's dimension is its
 * place in the trial's suggest order); else (mutated params, initial=random) a random draw
 * as knob__random_independent's. */
int knob__ga_before_trial(knob__ga *g, knob_study *s, knob_trial *t);
int knob__ga_sample_relative(knob__ga *g, knob_study *s, knob_trial *t);
int knob__ga_sample_independent(knob__ga *g, knob_study *s, knob_trial *t, const char *name,
                                const knob_distribution *d, double *internal);

#endif
