/* Regularized (aging) evolution (Real et al. 2019, "Regularized Evolution for Image
 * Classifier Architecture Search"): the population is the population_size completed trials
 * that finished last (so the oldest member leaves as a new one comes, the worst does not;
 * with parallel workers a trial joins when it ends, as in the paper's asynchronous
 * evolution, by the end time its worker stamped: the workers' clocks must agree); a new
 * trial picks sample_size members at random (with replacement), takes the best of them as
 * its parent and changes one of the parent's params (one that takes more than one value).
 * There is no crossover.
 *
 * The population is read from the stored history at each trial, so any number of workers
 * share one evolution. Spaces may be define-by-run and conditional: the child inherits
 * each param the parent has under the same distribution, but the mutated one; a param
 * the parent lacks (newly active after the mutation) is drawn at random. Until the
 * population is full, trials are random (the initial population). The parent and the
 * mutated param are kept in the trial's system attributes (evolution_parent,
 * evolution_mutated: the param's name as a JSON string, null when no param of the parent can
 * change and the child is its copy), drawn from (seed, trial number): parallel workers
 * reproduce. A child some trial already has (finished, or running: asked in the same batch;
 * in a conditional space, with the params the mutation makes active or inactive) is drawn
 * again, up to TRIES times (its value then kept in evolution_value), so a batch
 * does not evaluate one configuration twice where a new one is left. A trial of a batch asked
 * before any of them suggests has no params at the next asks: its child is remembered
 * (samplers/proposed.h) until the trial shows its params or ends, and counts as its params. */
#include "internal.h"
#include "samplers/proposed.h"
#include "samplers/random.h"
#include "samplers/transform.h"
#include "space.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct evo {
    int64_t population_size, sample_size;
    double mutation_scale;
    bool include_pruned;
    /* the children proposed to this handle's trials that do not show their params yet: the
     * parent's params, the mutated one at its new value */
    knob__proposed proposed;
} evo;

/* A trial's value for the search: minimized, NaN when it cannot be a member. An infinite
 * value (a study with infinite_values) is one: -inf minimized wins every tournament. */
static double score(const evo *e, knob_study *s, const knob_trial_info *t)
{
    bool ok =
        t->state == KNOB_TRIAL_COMPLETE || (e->include_pruned && t->state == KNOB_TRIAL_PRUNED);
    if (!ok || t->n_values < 1 || isnan(t->values[0]) || t->n_params == 0)
        return NAN;
    return knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -t->values[0] : t->values[0];
}

/* A member's age: when it joined the population (its end time; none, as a trial added
 * without one: before all), then its number. */
typedef struct member {
    double joined;
    int64_t number;
    size_t i;
} member;

static int cmp_member(const void *a, const void *b)
{
    const member *u = a, *w = b;
    if (u->joined != w->joined)
        return u->joined < w->joined ? -1 : 1;
    return (u->number > w->number) - (u->number < w->number);
}

/* Whether member u joined after member w. */
static bool younger(const member *u, const member *w)
{
    return cmp_member(u, w) > 0;
}

/* Restores the heap order of h[0 .. m) below position k (the oldest member at the root). */
static void sift_down(member *h, size_t m, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, least = k;
        if (l < m && younger(&h[least], &h[l]))
            least = l;
        if (r < m && younger(&h[least], &h[r]))
            least = r;
        if (least == k)
            return;
        member x = h[k];
        h[k] = h[least];
        h[least] = x;
        k = least;
    }
}

/* The population: the population_size members that joined last (finished last: with
 * parallel workers a long trial joins when it ends, as in the paper's asynchronous
 * evolution, not aged by its number), as indices into tr, oldest first. One pass keeps the
 * youngest population_size in a heap whose root is the oldest of them, so an ask sorts
 * population_size members, not the history. Returns how many (fewer while it fills), or
 * SIZE_MAX when out of memory. */
static size_t population(const evo *e, knob_study *s, const knob_trial_info *const *tr, size_t n,
                         size_t *out)
{
    size_t m = 0, cap = (size_t)e->population_size;
    member *h = malloc((cap + 1) * sizeof *h);
    if (!h)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (isnan(score(e, s, tr[i])))
            continue;
        double end = tr[i]->end_time;
        member x = {isnan(end) ? -HUGE_VAL : end, tr[i]->number, i};
        if (m < cap) { /* sift up */
            size_t k = m++;
            while (k > 0 && younger(&h[(k - 1) / 2], &x)) {
                h[k] = h[(k - 1) / 2];
                k = (k - 1) / 2;
            }
            h[k] = x;
        } else if (younger(&x, &h[0])) {
            h[0] = x;
            sift_down(h, m, 0);
        }
    }
    qsort(h, m, sizeof *h, cmp_member);
    for (size_t k = 0; k < m; k++)
        out[k] = h[k].i;
    free(h);
    return m;
}

/* Whether d takes more than one value: a categorical of one choice, an int or a float of
 * low = high cannot change (knob__dist_size is 0 for every continuous float). */
static bool changeable(const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_FLOAT && !(d->step > 0))
        return d->high > d->low;
    return knob__dist_size(d) > 1;
}

/* The fixed params of trial `number` (enqueued: it runs them whatever the sampler says),
 * parsed, or NULL when it has none. */
static knobx_json *fixed_params(const knob_trial_info *const *tr, size_t n, int64_t number)
{
    const knob_trial_info *t = knob__trial_numbered(tr, n, number);
    const char *json = t ? knob_trial_info_attr(t, "fixed_params", true) : NULL;
    return json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
}

/* Whether param q of the parent can mutate in the child: it takes more than one value, and
 * the child was not enqueued with a value of its own for it (which would override the
 * mutation, leaving the child its parent with none). */
static bool mutable_in(const knob_param *q, const knobx_json *fixed)
{
    return changeable(q->dist) && !knobx_json_get(fixed, q->name);
}

/* As cmaes and smac: a study without objective gives nothing to select by (the caller's
 * mistake), several objectives are a search this sampler does not do; checked before the
 * trial's row exists (a study of two objectives was left a failed trial at each ask). */
static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    (void)state;
    (void)t;
    if (knob_study_n_objectives(s) == 0)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'evolution': study '%s' has no objective to select by "
                              "(give it a metric, or use random, grid or qmc)",
                              knob_study_name(s));
    if (knob_study_n_objectives(s) != 1)
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler 'evolution' optimizes one objective; study '%s' has %zu "
                              "(nsga2 or nsga3 evolve a population for several)",
                              knob_study_name(s), knob_study_n_objectives(s));
    return KNOB_OK;
}

static double mutate(const evo *e, knob_rng *r, const knob_distribution *d, const char *name,
                     double from);

/* One try at a child: a tournament of sample_size members drawn with replacement (the
 * paper's S) gives the parent, one of its params that can change (*mutated, NULL when none
 * can) and, for a try after the first, its new value (*value; the first try's is drawn at
 * the suggestion, from the param's name, as before tries were made). */
typedef struct child {
    const knob_trial_info *parent;
    const char *mutated;
    double value;
    size_t can;
    int attempt; /* the try that made it */
} child;

static child try_child(const evo *e, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                       const size_t *pop, size_t m, const knobx_json *fixed, int attempt)
{
    knob_rng r;
    char salt[32] = "evolution";
    if (attempt)
        snprintf(salt, sizeof salt, "evolution#%d", attempt);
    uint64_t seed = knob_sampler_seed(knob_study_sampler(s));
    knob_rng_derive(&r, seed, knob_trial_number(t), salt);
    size_t best = pop[knob_rng_below(&r, m)];
    for (int64_t k = 1; k < e->sample_size; k++) {
        size_t c = pop[knob_rng_below(&r, m)];
        if (score(e, s, tr[c]) < score(e, s, tr[best]))
            best = c;
    }
    child c = {tr[best], NULL, NAN, 0, attempt};
    for (size_t i = 0; i < c.parent->n_params; i++)
        c.can += mutable_in(&c.parent->params[i], fixed);
    size_t pick = c.can ? knob_rng_below(&r, c.can) : 0;
    const knob_param *q = NULL;
    for (size_t i = 0, k = 0; i < c.parent->n_params && !q; i++)
        if (mutable_in(&c.parent->params[i], fixed) && k++ == pick)
            q = &c.parent->params[i];
    if (!q)
        return c;
    c.mutated = q->name;
    knob_rng v;
    knob_rng_derive(&v, seed, knob_trial_number(t), q->name);
    c.value = mutate(e, attempt ? &r : &v, q->dist, q->name, q->internal);
    return c;
}

/* Tries for a child that no trial has (TRIES; then the first try's, the space being
 * nearly spent): a categorical of two choices makes a parent's child on it one
 * configuration, asked again and again by a batch. */
#define TRIES 32

/* A param the parent lacks (or has under another distribution: one the mutation makes
 * active), drawn at random from (seed, trial number, name), so that it is known before the
 * program suggests it; for a later try (`attempt`, the trial's evolution_try), from that
 * try's own stream: with one stream for every try, each try that took one branch drew its
 * params alike, and the child repeated a trial while most of the space was new. */
static double new_value(knob_study *s, knob_trial *t, const char *name, const knob_distribution *d,
                        int attempt)
{
    double x = NAN;
    if (!attempt) {
        knob__random_independent(NULL, s, t, name, d, &x);
        return x;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    knob_rng_derive(&r, knob_rng_next(&r), attempt, "evolution:try");
    return knob__random_draw(&r, d);
}

/* The value the child gives param `name` suggested under d, as sample_independent gives it:
 * the parent's value (the mutated param's: `value`) when the parent has it under d, else a
 * new one (new_value). */
static double child_value(knob_study *s, knob_trial *t, const child *c, const char *name,
                          const knob_distribution *d)
{
    const knob_param *p = knob_trial_info_param(c->parent, name);
    double x = NAN;
    if (!p || (p->dist != d && !knob__dist_equal(p->dist, d)))
        x = new_value(s, t, name, d, c->attempt);
    else
        x = c->mutated && !strcmp(name, c->mutated) ? c->value : p->internal;
    return x;
}

/* Whether a trial of tr other than t has the child's configuration already. The child's
 * params are not all known yet: in a conditional or define-by-run space, the mutated param
 * decides which others the program suggests (dropping some of the parent's, adding ones it
 * lacks, which are drawn). But the program's path depends only on the values it is given:
 * a child that gives each param of a trial the trial's value follows the trial's path, and
 * has its configuration. That holds of a trial whose path is done (complete, pruned). A
 * running trial, or one that failed, may have suggested only its first params (another
 * worker's define-by-run trial, an objective that raised): it is the child's only with the
 * parent's params, the mutated one at its value. One with none yet (asked in a batch, not
 * suggested yet) is the child proposed to it, when this handle asked it (`proposed`), else no
 * configuration. */
static bool taken(knob_study *s, knob_trial *t, const knob_trial_info *const *tr, size_t n,
                  const knob__proposed *proposed, const child *c)
{
    const knob_trial_info *parent = c->parent;
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *o = tr[i];
        knob_trial_info as;
        if (o->number == knob_trial_number(t))
            continue;
        if (o->n_params == 0) {
            const knob__proposed_point *q = knob__proposed_find(proposed, o->number);
            if (o->state != KNOB_TRIAL_RUNNING || !q)
                continue;
            as = knob__proposed_info(q);
            o = &as;
        }
        bool done = o->state == KNOB_TRIAL_COMPLETE || o->state == KNOB_TRIAL_PRUNED;
        if (!done && o->n_params != parent->n_params)
            continue;
        bool same = true;
        for (size_t j = 0; done && j < o->n_params && same; j++) {
            const knob_param *x = &o->params[j];
            same = child_value(s, t, c, x->name, x->dist) == x->internal;
        }
        for (size_t j = 0; !done && j < parent->n_params && same; j++) {
            const knob_param *q = &parent->params[j];
            const knob_param *x = knob_trial_info_param(o, q->name);
            double want = c->mutated && !strcmp(q->name, c->mutated) ? c->value : q->internal;
            same = x && x->internal == want &&
                   (x->dist == q->dist || knob__dist_equal(x->dist, q->dist));
        }
        if (same)
            return true;
    }
    return false;
}

/* Remembers the child proposed to t: the parent's params, the mutated one at its value. */
static int remember(evo *e, knob_trial *t, const child *c)
{
    const knob_trial_info *parent = c->parent;
    knob_param *q = malloc((parent->n_params + 1) * sizeof *q);
    if (!q)
        return knob_set_error(KNOB_ENOMEM, "out of memory (evolution)");
    for (size_t j = 0; j < parent->n_params; j++) {
        q[j] = parent->params[j];
        if (c->mutated && !strcmp(q[j].name, c->mutated))
            q[j].internal = c->value;
    }
    int rc = knob__proposed_add(&e->proposed, knob_trial_number(t), q, parent->n_params);
    free(q);
    return rc;
}

/* Chooses the parent and the param that mutates, once the trial has its number (the draws
 * derive from it). A trial enqueued with every param of its parent fixed has no parent. A
 * child that some trial (finished, running) already has is tried again (no repeat where
 * there is a new one). */
static int choose_parent(void *state, knob_study *s, knob_trial *t)
{
    evo *e = state;
    const knob_trial_info *const *tr;
    size_t n;
    int rc = before_trial(state, s, t);
    if (rc)
        return rc;
    rc = knob_study_trials(s, &tr, &n);
    if (rc)
        return rc;
    size_t *pop = malloc(((size_t)e->population_size + 1) * sizeof *pop);
    if (!pop)
        return knob_set_error(KNOB_ENOMEM, "out of memory (evolution)");
    size_t m = population(e, s, tr, n, pop);
    if (m == SIZE_MAX) {
        free(pop);
        return knob_set_error(KNOB_ENOMEM, "out of memory (evolution: %zu trials)", n);
    }
    if (m < (size_t)e->population_size) { /* the initial population: random */
        free(pop);
        return KNOB_OK;
    }
    knobx_json *fixed = fixed_params(tr, n, knob_trial_number(t));
    child c = try_child(e, s, t, tr, pop, m, fixed, 0);
    int used = 0;
    /* an enqueued child runs what it was given; a child that cannot change is its parent */
    knob__proposed_prune(&e->proposed, tr, n); /* what the trials show counts by itself */
    bool repeat = !fixed && c.can && taken(s, t, tr, n, &e->proposed, &c);
    for (int k = 1; repeat && k < TRIES; k++) {
        child other = try_child(e, s, t, tr, pop, m, fixed, k);
        if (other.can && !taken(s, t, tr, n, &e->proposed, &other)) {
            c = other;
            used = k;
            repeat = false;
        }
    }
    free(pop);
    bool whole = fixed && c.can == 0; /* the queue gave it all: no descent to record */
    /* an enqueued trial runs its fixed params: it counts once it shows them */
    rc = fixed ? KNOB_OK : remember(e, t, &c);
    knobx_json_free(fixed);
    if (rc || whole)
        return rc;
    knobx_buf b = {0};
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)c.parent->number);
    if (c.mutated)
        knobx_json_add_string(&b, c.mutated);
    else
        knobx_buf_puts(&b, "null");
    rc = b.oom ? knob_set_error(KNOB_ENOMEM, "out of memory (evolution)")
               : knob_trial_set_system_attr(t, "evolution_mutated", knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    if (!rc && used && c.mutated) { /* a later try's value: the suggestion takes it */
        char v[40];
        snprintf(v, sizeof v, "%.17g", c.value);
        rc = knob_trial_set_system_attr(t, "evolution_value", v);
    }
    if (!rc && used) { /* a later try's draws of the params its parent lacks */
        char tried[16];
        snprintf(tried, sizeof tried, "%d", used);
        rc = knob_trial_set_system_attr(t, "evolution_try", tried);
    }
    return rc ? rc : knob_trial_set_system_attr(t, "evolution_parent", num);
}

/* A value of d other than `from` when d has another: a categorical's other choice, or a
 * Gaussian step of mutation_scale (of the unit range, on the log scale for log params)
 * from it; mutation_scale 0 redraws uniformly. */
static double mutate(const evo *e, knob_rng *r, const knob_distribution *d, const char *name,
                     double from)
{
    double size = knob__dist_size(d);
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        if (d->n_choices < 2)
            return from;
        double k = (double)knob_rng_below(r, d->n_choices - 1);
        return k >= from ? k + 1 : k;
    }
    knob__dim dim;
    knob__dim_init(&dim, name, d, 0);
    double u = knob__dim_to_unit(&dim, from), x = from;
    for (int tries = 0; tries < 32 && x == from; tries++) {
        if (e->mutation_scale > 0)
            x = knob__dim_from_unit(&dim, u + e->mutation_scale * knob_rng_normal(r));
        else
            x = knob__random_draw(r, d);
        if (size == 1)
            break;
    }
    if (x == from && size != 1 && size > 0) /* a step to the neighbour */
        x = knob__dist_snap(d, from + (from < d->high ? 1 : -1) * (d->step > 0 ? d->step : 1));
    /* a continuous float at a bound whose every step was clipped back to it (or a step too
     * small to move it): drawn anew */
    for (int tries = 0; tries < 32 && x == from && size == 0 && d->high > d->low; tries++)
        x = knob__random_draw(r, d);
    return x;
}

static const knob_trial_info *parent_of(knob_study *s, knob_trial *t)
{
    const char *num = knob_trial_system_attr(t, "evolution_parent");
    const knob_trial_info *const *tr;
    size_t n;
    char *end;
    long long k = num ? strtoll(num, &end, 10) : -1;
    if (k < 0 || knob_study_trials(s, &tr, &n))
        return NULL;
    return knob__trial_numbered(tr, n, (int64_t)k);
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    evo *e = state;
    const knob_trial_info *parent = parent_of(s, t);
    const knob_param *p = parent ? knob_trial_info_param(parent, name) : NULL;
    if (!p || !knob__dist_equal(p->dist, d)) {
        const char *tried = knob_trial_system_attr(t, "evolution_try");
        long attempt = tried && parent ? strtol(tried, NULL, 10) : 0;
        *internal = new_value(s, t, name, d, attempt > 0 && attempt < TRIES ? (int)attempt : 0);
        return KNOB_OK;
    }
    const char *mutated = knob_trial_system_attr(t, "evolution_mutated");
    knobx_buf b = {0};
    knobx_json_add_string(&b, name);
    bool is_mutated = mutated && !b.oom && !strcmp(mutated, knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    if (!is_mutated) {
        *internal = p->internal;
        return KNOB_OK;
    }
    const char *tried = knob_trial_system_attr(t, "evolution_value");
    char *end;
    double v = tried ? strtod(tried, &end) : NAN;
    if (tried && *end == 0 && knob__dist_contains(d, v)) {
        *internal = v;
        return KNOB_OK;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    *internal = mutate(e, &r, d, name, p->internal);
    return KNOB_OK;
}

/* sample_size 0 (not given): 5, or the whole population when it is smaller, so that a small
 * population needs no sample_size of its own (population_size 3 alone was refused). */
#define SAMPLE_SIZE 5

static int init(void *state)
{
    evo *e = state;
    if (e->sample_size == 0)
        e->sample_size = e->population_size < SAMPLE_SIZE ? e->population_size : SAMPLE_SIZE;
    if (e->sample_size > e->population_size)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'evolution': sample_size (%lld) must be at most "
                              "population_size (%lld)",
                              (long long)e->sample_size, (long long)e->population_size);
    return KNOB_OK;
}

static void fini(void *state)
{
    evo *e = state;
    knob__proposed_free(&e->proposed);
}

static const knob_option options[] = {
    {"population_size", KNOB_OPT_INT, offsetof(evo, population_size), "20", 2, 100000,
     "members: the completed trials that finished last; until there are this many, trials are "
     "random",
     NULL},
    {"sample_size", KNOB_OPT_INT, offsetof(evo, sample_size), "0", 0, 100000,
     "members drawn for a tournament; the best of them is the parent (at most population_size; "
     "0: 5, or population_size when smaller)",
     NULL},
    {"mutation_scale", KNOB_OPT_DOUBLE, offsetof(evo, mutation_scale), "0.2", 0, 10,
     "a numerical param mutates by a Gaussian step of this fraction of its range (log range "
     "for log params); 0 draws it anew, uniformly. A categorical takes another choice",
     NULL},
    {"include_pruned", KNOB_OPT_BOOL, offsetof(evo, include_pruned), "false", 0, 0,
     "pruned trials join the population with their last intermediate value", NULL},
    {0},
};

const knob_sampler_plugin knob__sampler_evolution = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "evolution",
    .help = "Regularized (aging) evolution (Real et al. 2019): the best of sample_size random "
            "members of the population (the population_size completed trials that finished "
            "last) is the parent, one of its params mutates; strong on architecture search. "
            "Define-by-run "
            "and conditional spaces; workers share the population through the storage. Options: "
            "population_size, sample_size, mutation_scale, include_pruned, seed.",
    .state_size = sizeof(evo),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = choose_parent,
    .sample_independent = sample_independent,
};
