/* Quasi-Monte Carlo search: scrambled Sobol (Owen) or Halton points over the search
 * space of the first completed trial, trial f. Trial n > f takes point n of one sequence,
 * whatever the history, so workers in any number of processes draw distinct points of it;
 * point 0, unscrambled the corner (0, ..., 0), is never taken (trial 0 is drawn at random),
 * and when trial 0 completes, points 1, 2, 3 ... follow in order (unscrambled: 0.5, 0.75,
 * 0.25, ...; with point n + 1, as before, the centre 0.5 was never asked). Trial f and the
 * trials before it (the space unknown when they were asked, or one enqueued earlier and
 * run later) and params outside that space are drawn at random. */
#include "math/sobol.h"
#include "samplers/random.h"
#include "samplers/transform.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct qmc {
    char *qmc_type;
    bool scramble;
    bool halton;
    uint32_t (*dirs)[32]; /* Sobol direction numbers per dimension, made once */
    unsigned n_dirs;
} qmc;

static int init(void *state)
{
    qmc *q = state;
    q->halton = strcmp(q->qmc_type, "halton") == 0; /* the table checks the word */
    return KNOB_OK;
}

static void fini(void *state)
{
    free(((qmc *)state)->dirs);
}

/* The first completed trial, whose params (in name order) make the space. */
static const knob_trial_info *first_complete(knob_study *s)
{
    const knob_trial_info *const *tr;
    size_t n;
    if (knob_study_trials(s, &tr, &n))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE)
            return tr[i];
    return NULL;
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp((*(const knob_param *const *)a)->name, (*(const knob_param *const *)b)->name);
}

/* Maps u in [0, 1) to a value of param p (samplers/transform.h): a choice, a bin, or a
 * point of the range (a log int's cell of its log scale). */
static double from_unit(const knob_param *p, double u)
{
    knob__dim d;
    knob__dim_init(&d, p->name, p->dist, KNOB__DIM_LOG_INT_CELLS);
    return knob__dim_from_unit(&d, d.cat ? knob__dim_choice(&d, u) : u);
}

static double coordinate(qmc *q, unsigned dim, uint64_t index, uint64_t seed)
{
    if (q->halton)
        return knob__halton(dim, index, seed, q->scramble);
    if (q->scramble)
        return knob__sobol_scrambled(q->dirs[dim], dim, index, seed);
    return ((double)knob__sobol_bits(q->dirs[dim], index) + 0.5) * 0x1.0p-32;
}

static int ensure_dirs(qmc *q, unsigned d)
{
    if (q->halton || d <= q->n_dirs)
        return KNOB_OK;
    if (d > knob__sobol_dims)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'qmc': Sobol points have at most %u "
                              "dimensions; the space has %u",
                              knob__sobol_dims, d);
    uint32_t(*dirs)[32] = realloc(q->dirs, d * sizeof *dirs);
    if (!dirs)
        return knob_set_error(KNOB_ENOMEM, "out of memory (Sobol directions)");
    for (unsigned i = q->n_dirs; i < d; i++)
        knob__sobol_directions(i, dirs[i]);
    q->dirs = dirs;
    q->n_dirs = d;
    return KNOB_OK;
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    qmc *q = state;
    const knob_trial_info *first = first_complete(s);
    int64_t self = knob_trial_number(t);
    if (!first || !first->n_params || self <= first->number)
        return KNOB_OK;
    unsigned d = (unsigned)first->n_params;
    const knob_param **order = malloc(d * sizeof *order);
    if (!order)
        return knob_set_error(KNOB_ENOMEM, "out of memory (qmc)");
    for (unsigned i = 0; i < d; i++)
        order[i] = &first->params[i];
    qsort(order, d, sizeof *order, cmp_param);
    int rc = ensure_dirs(q, d);
    uint64_t seed = knob_sampler_seed(knob_study_sampler(s));
    /* the trial's number, not its distance from trial f: f is the first completed trial in
     * this process's view, which another process may see finish later (two workers then
     * took one point) */
    uint64_t index = (uint64_t)self;
    for (unsigned i = 0; !rc && i < d; i++)
        rc = knob_trial_propose(t, order[i]->name, order[i]->dist,
                                from_unit(order[i], coordinate(q, i, index, seed)));
    free(order);
    return rc;
}

static const char *const qmc_types[] = {"sobol", "halton", NULL};

static const knob_option options[] = {
    {"qmc_type", KNOB_OPT_ENUM, offsetof(qmc, qmc_type), "sobol", 0, 0,
     "sobol (Joe-Kuo directions, up to 1111 dimensions) or halton", qmc_types},
    {"scramble", KNOB_OPT_BOOL, offsetof(qmc, scramble), "true", 0, 0,
     "Owen scrambling (Sobol) or random digit permutations (Halton), seeded", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_qmc = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "qmc",
    .help = "Quasi-random search: scrambled Sobol or Halton points, evenly spread over the "
            "space of the first completed trial. Options: qmc_type, scramble, seed.",
    .state_size = sizeof(qmc),
    .options = options,
    .init = init,
    .fini = fini,
    .sample_relative = sample_relative,
    .sample_independent = knob__random_independent,
};
