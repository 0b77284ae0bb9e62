/*
 * The genetic machinery of the nsga2 and nsga3 samplers (samplers/genetic.h), NSGA-II as
 * Optuna's NSGAIISampler runs it, on the stored history so that any number of workers
 * share one population:
 *
 * - generations: a trial joins the latest generation of the completed trials (its system
 *   attribute "<name>:generation"), or the next one once that holds population_size
 *   completed trials;
 * - the parents of generation g (a study system attribute "<name>:parents:<g>", the trial
 *   numbers, written by the first worker that needs them) are the elite of generation
 *   g - 1 together with its own parents: non-dominated fronts in order, the last one cut
 *   by the sampler's survival rule; constrained domination (Deb 2000) when trials have
 *   constraints;
 * - a child: with crossover_prob, a crossover of parents picked by tournament (binary
 *   by default; option tournament_size) (numerical params in the unit cube of their scales,
 * categorical ones uniformly), else a copy of one parent; then each param mutates (is left to
 * random sampling) with probability mutation_prob (1 / params by default), and a child that
 * would still copy a parent has one param mutated (option avoid_clones). Its parents are the
 * trial's system attribute "<name>:parents".
 *
 * Generation 0 is random, a scrambled Sobol sequence or Latin hypercubes (option initial).
 */
#include "samplers/genetic.h"
#include "internal.h"
#include "math/pareto.h"
#include "math/sobol.h"
#include "samplers/random.h"
#include "samplers/transform.h"
#include "util/json.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef knob__ga ga;

enum { X_UNIFORM, X_BLXALPHA, X_SBX, X_VSBX, X_UNDX, X_SPX };

const char *const knob__ga_crossovers[] = {"uniform", "blxalpha", "sbx", "vsbx",
                                           "undx",    "spx",      NULL};

enum { M_RANDOM, M_POLYNOMIAL };

const char *const knob__ga_mutations[] = {"random", "polynomial", NULL};

enum { S_DOMINANCE, S_CROWDED };

const char *const knob__ga_selections[] = {"dominance", "crowded", NULL};

enum { I_RANDOM, I_SOBOL, I_LHS };

const char *const knob__ga_initials[] = {"random", "sobol", "lhs", NULL};

static int oom(const ga *g)
{
    return knob_set_error(KNOB_ENOMEM, "out of memory (%s)", g->name);
}

/* The place of value in a NULL-ended table of option values (the option table already
 * refused any other), or otherwise when value is unset. */
static int name_index(const char *const *table, const char *value, int otherwise)
{
    for (int k = 0; value && table[k]; k++)
        if (strcmp(value, table[k]) == 0)
            return k;
    return otherwise;
}

int knob__ga_init(knob__ga *g, const char *name, knob__ga_cut cut)
{
    g->name = name;
    g->cut = cut;
    snprintf(g->gen_key, sizeof g->gen_key, "%s:generation", name);
    snprintf(g->parents_key, sizeof g->parents_key, "%s:parents", name);
    g->kind = name_index(knob__ga_crossovers, g->crossover, g->kind);
    g->mutation_kind = name_index(knob__ga_mutations, g->mutation, M_RANDOM);
    g->selection_kind = name_index(knob__ga_selections, g->selection, S_DOMINANCE);
    g->initial_kind = name_index(knob__ga_initials, g->initial, I_RANDOM);
    g->n_parents = g->kind == X_UNDX || g->kind == X_SPX ? 3 : 2;
    if (g->tournament_size == 0)
        g->tournament_size = g->selection_kind == S_CROWDED ? 6 : 2;
    if (g->avoid_clones < 0)
        g->avoid_clones = g->mutation_kind == M_POLYNOMIAL;
    if (g->mutation_prob < 0 && g->mutation_prob != -1)
        return knob_set_error(KNOB_EINVAL,
                              "sampler '%s': mutation_prob %g: a probability in [0, 1], or -1 "
                              "for 1 / the number of params",
                              name, g->mutation_prob);
    if (g->tournament_size < 2)
        return knob_set_error(KNOB_EINVAL,
                              "sampler '%s': tournament_size %lld: a tournament draws 2 parents "
                              "or more (0: the default)",
                              name, (long long)g->tournament_size);
    if (g->population_size < g->n_parents)
        return knob_set_error(KNOB_EINVAL,
                              "sampler '%s': population_size %lld is below the %d parents "
                              "crossover '%s' needs",
                              name, (long long)g->population_size, g->n_parents, g->crossover);
    return KNOB_OK;
}

int knob__ga_check_unused(const knob__ga *g, const knob_option *table, const void *state)
{
    char value[64];
    if (g->mutation_kind != M_POLYNOMIAL &&
        knob__option_changed(table, state, "mutation_eta", value, sizeof value))
        return knob_set_error(KNOB_EINVAL,
                              "sampler '%s': option 'mutation_eta' (%s) acts only with "
                              "mutation=polynomial (mutation is %s); give both, or neither",
                              g->name, value, g->mutation);
    return KNOB_OK;
}

void knob__ga_fini(knob__ga *g)
{
    for (size_t i = 0; i < g->n_gens; i++)
        free(g->parents[i]);
    free(g->parents);
    free(g->n_parents_of);
    free(g->gen_of);
    free(g->dims);
    free(g->hint);
    free(g->pop_loss);
    free(g->pop_rank);
    g->pop_rank = NULL;
    g->parents = NULL, g->n_parents_of = NULL, g->n_gens = 0;
    g->gen_of = NULL, g->gen_cap = 0;
    g->n_settled = 0, g->settled_top = 0, g->settled_count = 0;
    g->dims = NULL, g->n_dims = 0, g->dims_gen = 0, g->hint = NULL;
    g->pop_loss = NULL, g->pop_viol = NULL, g->pop_gen = 0, g->pop_np = 0;
}

/* Writes v in decimal at p (no terminator); returns the end. printf's cost was a tenth of
 * an ask's in the attributes of every child. */
static char *put_int(char *p, int64_t v)
{
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        digits[n++] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = digits[--n];
    return p;
}

/* "[a,b,...]" of nums[0..n) into out (room for 21 * n + 3 chars), terminated. */
static void put_list(char *out, const int64_t *nums, size_t n)
{
    *out++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *out++ = ',';
        out = put_int(out, nums[i]);
    }
    *out++ = ']';
    *out = 0;
}

/* The caches hold one study's trials: another study starts them afresh. */
static void cache_for(ga *g, const knob_study *s)
{
    if (g->study != s) {
        knob__ga_fini(g);
        g->study = s;
    }
}

static int64_t generation_of(ga *g, const knob_trial_info *t)
{
    size_t at = (size_t)t->number;
    bool done = t->state == KNOB_TRIAL_COMPLETE && t->number >= 0; /* its attribute is final */
    if (done && at < g->gen_cap && g->gen_of[at] != INT64_MIN)
        return g->gen_of[at];
    const char *j = knob_trial_info_attr(t, g->gen_key, true);
    int64_t gen = j ? strtoll(j, NULL, 10) : -1;
    if (done && at >= g->gen_cap) {
        size_t cap = g->gen_cap ? g->gen_cap : 256;
        while (cap <= at)
            cap *= 2;
        int64_t *q = realloc(g->gen_of, cap * sizeof *q);
        if (!q)
            return gen; /* no cache this time */
        for (size_t i = g->gen_cap; i < cap; i++)
            q[i] = INT64_MIN;
        g->gen_of = q, g->gen_cap = cap;
    }
    if (done)
        g->gen_of[at] = gen;
    return gen;
}

/* The param of t named like dim: names are interned by the study, so the same pointer
 * first (at *hint, where the last trial held it, then anywhere), then by text. */
static const knob_param *param_at(const knob_trial_info *t, const knob__dim *dim, size_t *hint)
{
    if (*hint < t->n_params && t->params[*hint].name == dim->name)
        return &t->params[*hint];
    for (size_t i = 0; i < t->n_params; i++)
        if (t->params[i].name == dim->name) {
            *hint = i;
            return &t->params[i];
        }
    return knob_trial_info_param(t, dim->name);
}

static bool usable(const knob_trial_info *t, size_t m)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_values == m;
}

/* ---------------------------------------------------------------- elite selection */

static double violation(const knob_trial_info *t, bool constrained)
{
    if (!constrained)
        return 0;
    if (!t->n_constraints)
        return INFINITY; /* unknown: behind every trial that has them */
    double v = 0;
    for (size_t i = 0; i < t->n_constraints; i++)
        v += t->constraints[i] > 0 ? t->constraints[i] : 0;
    return v;
}

typedef knob__ga_pop pop;

int knob__ga_pop_fill(const knob__ga *g, knob__ga_pop *p, knob_study *s, const knob_trial_info **t,
                      size_t n)
{
    size_t m = knob_study_n_objectives(s);
    p->t = t;
    p->n = n;
    p->constrained = false;
    for (size_t i = 0; i < n; i++)
        p->constrained |= t[i]->n_constraints > 0;
    p->loss = malloc((n * m + n + 1) * sizeof *p->loss);
    if (!p->loss)
        return oom(g);
    p->viol = p->loss + n * m;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m; j++)
            p->loss[i * m + j] =
                knob_study_direction(s, j) == KNOB_MAXIMIZE ? -t[i]->values[j] : t[i]->values[j];
        p->viol[i] = violation(t[i], p->constrained);
    }
    return KNOB_OK;
}

/* A member of the front being cut: its index into the population, the key of the sort
 * under way and its place before that sort (so that qsort keeps equal keys in order, as
 * Python's stable sort does). */
typedef struct crowded {
    size_t at, pos;
    double key;
} crowded;

static int by_key(const void *a, const void *b)
{
    const crowded *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sorts c[0..k) by key, equal keys in their present order. */
static void stable_sort(crowded *c, size_t k)
{
    for (size_t i = 0; i < k; i++)
        c[i].pos = i;
    qsort(c, k, sizeof *c, by_key);
}

/* Optuna's _calc_crowding_distance and _crowding_distance_sort, step by step, the order of
 * ties included: the front (in population order) is sorted by each objective in turn (the
 * objectives as the trials hold them, maximized ones not negated), each sort starting from
 * the order the last one left; a member's distance adds, per objective whose values are not
 * all equal, the gap between its neighbours in that order (-inf and +inf beyond the ends;
 * equal infinities a gap of 0) over the range of the finite values (1 when there is none);
 * then a stable sort by distance, reversed: of equal distances the member with the larger
 * last objective goes first, then the larger earlier ones, then the later in the
 * population. The best `need` survive. */
int knob__ga_cut_crowding(knob__ga *g, const knob__ga_pop *p, size_t m, const size_t *elite,
                          size_t n_elite, const size_t *front, size_t k, size_t need, knob_rng *r,
                          size_t *out)
{
    (void)elite, (void)n_elite, (void)r;
    crowded *c = malloc((k + 1) * sizeof *c);
    double *dist = malloc((k + 1) * sizeof *dist); /* by index into front */
    if (!c || !dist) {
        free(c), free(dist);
        return oom(g);
    }
    for (size_t i = 0; i < k; i++)
        c[i].at = i, dist[i] = 0;
    for (size_t j = 0; j < m; j++) {
        for (size_t i = 0; i < k; i++)
            c[i].key = p->t[front[c[i].at]]->values[j];
        stable_sort(c, k);
        if (k == 0 || c[0].key == c[k - 1].key)
            continue;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < k && lo == INFINITY; i++)
            if (c[i].key != -INFINITY)
                lo = c[i].key;
        for (size_t i = k; i-- > 0 && hi == -INFINITY;)
            if (c[i].key != INFINITY)
                hi = c[i].key;
        /* A range past the largest double (inf / inf, a NaN qsort cannot order): gaps and
         * range halved, the same ratios. */
        double width = hi - lo, half = isfinite(width) ? 1 : 0.5;
        width = half * hi - half * lo;
        if (!(width > 0))
            width = 1;
        for (size_t i = 0; i < k; i++) {
            double below = i ? c[i - 1].key : -INFINITY,
                   above = i + 1 < k ? c[i + 1].key : INFINITY;
            dist[c[i].at] += (below == above ? 0 : half * above - half * below) / width;
        }
    }
    for (size_t i = 0; i < k; i++)
        c[i].key = dist[c[i].at];
    stable_sort(c, k);
    for (size_t i = 0; i < need && i < k; i++)
        out[i] = front[c[k - 1 - i].at];
    free(c), free(dist);
    return KNOB_OK;
}

int knob__ga_elite(knob__ga *g, const knob__ga_pop *p, size_t m, size_t size, knob_rng *r,
                   size_t *out, size_t *n_out)
{
    size_t n = p->n, nf, *rank = malloc((n + 1) * sizeof *rank),
           *front = malloc((n + 1) * sizeof *front);
    int rc = rank && front
                 ? knob__pareto_sort(p->loss, n, m, p->constrained ? p->viol : NULL, rank, &nf)
                 : -1;
    if (rc) {
        free(rank), free(front);
        return oom(g);
    }
    *n_out = 0;
    for (size_t rk = 0; !rc && rk < nf && *n_out < size; rk++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == rk)
                front[k++] = i;
        if (*n_out + k < size) { /* Optuna's test: a front that fills the rest is cut too */
            memcpy(out + *n_out, front, k * sizeof *front);
            *n_out += k;
            continue;
        }
        rc = g->cut(g, p, m, out, *n_out, front, k, size - *n_out, r, out + *n_out);
        if (!rc)
            *n_out = size;
    }
    free(rank), free(front);
    return rc;
}

/* ---------------------------------------------------------------- generations */

static int remember(ga *g, int64_t gen, const int64_t *nums, size_t n)
{
    if ((size_t)gen >= g->n_gens) {
        size_t want = (size_t)gen + 1;
        int64_t **p = realloc(g->parents, want * sizeof *p);
        if (!p)
            return oom(g);
        g->parents = p;
        size_t *q = realloc(g->n_parents_of, want * sizeof *q);
        if (!q)
            return oom(g);
        g->n_parents_of = q;
        for (size_t i = g->n_gens; i < want; i++)
            g->parents[i] = NULL, g->n_parents_of[i] = 0;
        g->n_gens = want;
    }
    int64_t *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return oom(g);
    memcpy(copy, nums, n * sizeof *nums);
    free(g->parents[gen]);
    g->parents[gen] = copy;
    g->n_parents_of[gen] = n;
    return KNOB_OK;
}

static bool known(const ga *g, int64_t gen)
{
    return (size_t)gen < g->n_gens && g->parents[gen];
}

/* Reads the parents of generation gen from the study, if some worker chose them. */
static int read_parents(ga *g, knob_study *s, int64_t gen, bool *found)
{
    char key[64];
    snprintf(key, sizeof key, "%s:%lld", g->parents_key, (long long)gen);
    const char *json = knob_study_system_attr(s, key);
    *found = false;
    if (!json)
        return KNOB_OK;
    knobx_json *j = knobx_json_parse(json, (size_t)-1, NULL, 0);
    if (!j || j->type != KNOBX_JSON_ARRAY) {
        knobx_json_free(j);
        return knob_set_error(KNOB_ECORRUPT,
                              "study '%s': system attribute '%s' is not a list "
                              "of trial numbers: %.80s",
                              knob_study_name(s), key, json);
    }
    int64_t *nums = malloc((j->n ? j->n : 1) * sizeof *nums);
    int rc = nums ? KNOB_OK : oom(g);
    for (size_t i = 0; !rc && i < j->n; i++)
        nums[i] = (int64_t)j->kids[i]->num;
    if (!rc)
        rc = remember(g, gen, nums, j->n);
    free(nums);
    knobx_json_free(j);
    *found = !rc;
    return rc;
}

static int parents_of(ga *g, knob_study *s, const knob_trial_info *const *tr, size_t n,
                      int64_t gen);

static int by_number(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Chooses the parents of generation gen: the elite of generation gen - 1 and its parents. */
static int choose_parents(ga *g, knob_study *s, const knob_trial_info *const *tr, size_t n,
                          int64_t gen)
{
    int rc = gen > 1 ? parents_of(g, s, tr, n, gen - 1) : KNOB_OK;
    if (rc)
        return rc;
    size_t m = knob_study_n_objectives(s);
    const knob_trial_info **cand = malloc((n + 1) * sizeof *cand);
    if (!cand)
        return oom(g);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (usable(tr[i], m) && generation_of(g, tr[i]) == gen - 1)
            cand[k++] = tr[i];
    /* then the parents of generation gen - 1 by trial number, as Optuna reads them back
     * (the order decides the ties of the survival rule) */
    size_t n_old = gen > 1 ? g->n_parents_of[gen - 1] : 0;
    int64_t *old = malloc((n_old + 1) * sizeof *old);
    if (!old) {
        free(cand);
        return oom(g);
    }
    if (n_old)
        memcpy(old, g->parents[gen - 1], n_old * sizeof *old);
    qsort(old, n_old, sizeof *old, by_number);
    for (size_t i = 0; i < n_old; i++)
        if (old[i] >= 0 && (size_t)old[i] < n && usable(tr[old[i]], m))
            cand[k++] = tr[old[i]];
    free(old);
    pop p;
    size_t *idx = malloc((k + 1) * sizeof *idx), n_idx = 0;
    int64_t *nums = malloc((k + 1) * sizeof *nums);
    rc = idx && nums ? knob__ga_pop_fill(g, &p, s, cand, k) : oom(g);
    if (!rc) {
        char what[64];
        knob_rng r;
        snprintf(what, sizeof what, "%s:survival", g->name);
        knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), gen, what);
        rc = knob__ga_elite(g, &p, m, (size_t)g->population_size, &r, idx, &n_idx);
        free(p.loss);
    }
    for (size_t i = 0; !rc && i < n_idx; i++)
        nums[i] = cand[idx[i]]->number;
    if (!rc) {
        char key[64], *list = malloc(21 * n_idx + 3);
        snprintf(key, sizeof key, "%s:%lld", g->parents_key, (long long)gen);
        if (list)
            put_list(list, nums, n_idx);
        rc = list ? knob_study_set_system_attr(s, key, list) : oom(g);
        free(list);
    }
    if (!rc)
        rc = remember(g, gen, nums, n_idx);
    free(cand), free(idx), free(nums);
    return rc;
}

static int parents_of(ga *g, knob_study *s, const knob_trial_info *const *tr, size_t n, int64_t gen)
{
    if (known(g, gen))
        return KNOB_OK;
    bool found;
    int rc = read_parents(g, s, gen, &found);
    if (rc || found)
        return rc;
    return choose_parents(g, s, tr, n, gen);
}

/* Counts t in the latest generation *top (from 0) and its size *count. */
static void tally(ga *g, const knob_trial_info *t, size_t m, int64_t *top, int64_t *count)
{
    if (!usable(t, m))
        return;
    int64_t gen = generation_of(g, t);
    if (gen > *top)
        *top = gen, *count = 0;
    if (gen == *top)
        (*count)++;
}

static bool finished(knob_trial_state st)
{
    return st == KNOB_TRIAL_COMPLETE || st == KNOB_TRIAL_PRUNED || st == KNOB_TRIAL_FAIL;
}

/* The generation of a new trial: the latest one, or the next once it is full. The
 * finished trials before the first unfinished one are counted once (their state and
 * generation are final), the others at each ask: reading every trial's generation at
 * every ask had made an ask's cost grow with the history. */
static int64_t next_generation(ga *g, const knob_trial_info *const *tr, size_t n, size_t m)
{
    if (g->n_settled > n)
        g->n_settled = 0, g->settled_top = 0, g->settled_count = 0;
    for (; g->n_settled < n && finished(tr[g->n_settled]->state); g->n_settled++)
        tally(g, tr[g->n_settled], m, &g->settled_top, &g->settled_count);
    int64_t top = g->settled_top, count = g->settled_count;
    for (size_t i = g->n_settled; i < n; i++)
        tally(g, tr[i], m, &top, &count);
    return count >= g->population_size ? top + 1 : top;
}

int knob__ga_before_trial(knob__ga *g, knob_study *s, knob_trial *t)
{
    const knob_trial_info *const *tr;
    size_t n;
    cache_for(g, s);
    if (knob_study_n_objectives(s) == 0)
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler '%s' needs an objective; study '%s' has none", g->name,
                              knob_study_name(s));
    int rc = knob_study_trials(s, &tr, &n);
    if (rc)
        return rc;
    char text[32];
    *put_int(text, next_generation(g, tr, n, knob_study_n_objectives(s))) = 0;
    return knob__trial_set_system_attr_valid(t, g->gen_key, text);
}

/* ---------------------------------------------------------------- crossover */

/* g->pop_rank for the parents p: their non-dominated ranks (constrained domination when
 * constrained) and their crowding distances within their fronts. */
static int rank_parents(ga *g, const pop *p, size_t m)
{
    size_t n = p->n, nf = 0, *rank = malloc((n + 1) * sizeof *rank),
           *idx = malloc((n + 1) * sizeof *idx);
    double *out = malloc((2 * n + 1) * sizeof *out), *dist = malloc((n + 1) * sizeof *dist);
    int rc = rank && idx && out && dist
                 ? knob__pareto_sort(p->loss, n, m, p->constrained ? p->viol : NULL, rank, &nf)
                 : -1;
    for (size_t f = 0; !rc && f < nf; f++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == f)
                idx[k++] = i;
        if ((rc = knob__pareto_crowding(p->loss, m, idx, k, dist)))
            break;
        for (size_t i = 0; i < k; i++)
            out[idx[i]] = (double)f, out[n + idx[i]] = dist[i];
    }
    free(rank), free(idx), free(dist);
    if (rc) {
        free(out);
        return oom(g);
    }
    g->pop_rank = out;
    return KNOB_OK;
}

/* The winner of a and b: with rank, Deb's crowded comparison (rank[i] the rank, rank[n + i]
 * the crowding distance; b on a tie); else Optuna's: a only if it dominates b. */
static size_t better(const pop *p, size_t m, const double *rank, size_t a, size_t b)
{
    if (rank) {
        const double *cd = rank + p->n;
        if (rank[a] != rank[b])
            return rank[a] < rank[b] ? a : b;
        return cd[a] > cd[b] ? a : b;
    }
    bool a_wins = p->constrained ? knob__pareto_cdominates(p->loss + a * m, p->viol[a],
                                                           p->loss + b * m, p->viol[b], m)
                                 : knob__pareto_dominates(p->loss + a * m, p->loss + b * m, m);
    return a_wins ? a : b;
}

/* A tournament of `size` draws (with replacement) among the parents not chosen yet. With 2,
 * Optuna's _select_parent, or with rank Deb's crowded comparison. With rank and more draws,
 * the lowest rank among the draws wins, and of the draws at that rank the first two are
 * compared by crowding distance as in a binary tournament: more draws press towards the
 * first fronts without pressing harder towards the ends of a front (whose distance is
 * infinite). Without rank each further draw meets the winner so far. */
static size_t tournament(const pop *p, size_t m, const bool *taken, const double *rank,
                         int64_t size, knob_rng *r)
{
    size_t free_n = 0, win = 0, second = SIZE_MAX;
    for (size_t i = 0; i < p->n; i++)
        free_n += !taken[i];
    for (int64_t k = 0; k < size; k++) {
        size_t at = (size_t)knob_rng_below(r, free_n), pick = 0;
        for (size_t i = 0;; i++)
            if (!taken[i] && at-- == 0) {
                pick = i;
                break;
            }
        if (k == 0)
            win = pick;
        else if (!rank)
            win = better(p, m, rank, win, pick);
        else if (rank[pick] < rank[win])
            win = pick, second = SIZE_MAX;
        else if (rank[pick] == rank[win] && second == SIZE_MAX)
            second = pick;
    }
    return second == SIZE_MAX ? win : better(p, m, rank, win, second);
}

static double sbx_beta(double u, double alpha, double eta)
{
    return u > 1 / alpha ? pow(1 / (2 - u * alpha), 1 / (eta + 1)) : pow(u * alpha, 1 / (eta + 1));
}

/* Mixes two candidate children gene by gene as Optuna's SBX and VSBX do (ab: room for 2 d
 * doubles). */
static void mix_children(const double *c1, const double *c2, const double *x1, const double *x2,
                         size_t d, knob_rng *r, double *child, double *ab)
{
    double *a = ab, *b = ab + d;
    for (size_t i = 0; i < d; i++) {
        bool use_child = knob_rng_uniform(r) < 0.5;
        bool swap = knob_rng_uniform(r) < 0.5; /* uniform_crossover_prob 0.5 */
        double u = use_child ? c1[i] : x1[i], v = use_child ? c2[i] : x2[i];
        a[i] = swap ? v : u;
        b[i] = swap ? u : v;
    }
    memcpy(child, knob_rng_uniform(r) < 0.5 ? a : b, d * sizeof *child);
}

/* scratch: room for 4 d + d * d doubles, the caller's (a static one was shared by every
 * study sampling in any thread). */
static void undx(const double *const *x, size_t d, knob_rng *r, double *child, double *scratch)
{
    double *xp = scratch, *diff = xp + d, *e12 = diff + d, *v13 = e12 + d, *basis = v13 + d;
    double norm = 0;
    for (size_t i = 0; i < d; i++) {
        xp[i] = (x[0][i] + x[1][i]) / 2;
        diff[i] = x[0][i] - x[1][i];
        e12[i] = x[1][i] - x[0][i];
        norm += e12[i] * e12[i];
    }
    norm = fmax(sqrt(norm), 1e-10);
    double dot = 0, dist = 0;
    for (size_t i = 0; i < d; i++) {
        e12[i] /= norm;
        v13[i] = x[2][i] - x[0][i];
        dot += v13[i] * e12[i];
    }
    for (size_t i = 0; i < d; i++)
        dist += (v13[i] - dot * e12[i]) * (v13[i] - dot * e12[i]);
    dist = sqrt(dist);
    /* Optuna draws with standard deviations sigma^2 (sigma_xi 0.5, sigma_eta 0.35/sqrt(d)). */
    double sigma_eta = 0.35 / sqrt((double)d), xi = 0.25 * knob_rng_normal(r);
    for (size_t i = 0; i < d; i++)
        child[i] = xp[i] + xi * diff[i];
    /* d - 1 orthonormal vectors orthogonal to e12, by Gram-Schmidt over the unit axes. */
    size_t nb = 0;
    for (size_t a = 0; a < d && nb + 1 < d; a++) {
        double *v = basis + nb * d;
        for (size_t i = 0; i < d; i++)
            v[i] = i == a;
        double p = e12[a];
        for (size_t i = 0; i < d; i++)
            v[i] -= p * e12[i];
        for (size_t k = 0; k < nb; k++) {
            double q = 0;
            for (size_t i = 0; i < d; i++)
                q += basis[k * d + i] * v[i];
            for (size_t i = 0; i < d; i++)
                v[i] -= q * basis[k * d + i];
        }
        double l = 0;
        for (size_t i = 0; i < d; i++)
            l += v[i] * v[i];
        if (l < 1e-12)
            continue;
        for (size_t i = 0; i < d; i++)
            v[i] /= sqrt(l);
        nb++;
    }
    for (size_t k = 0; k < nb; k++) {
        double eta = sigma_eta * sigma_eta * knob_rng_normal(r);
        for (size_t i = 0; i < d; i++)
            child[i] += dist * eta * basis[k * d + i];
    }
}

/* The scratch a crossover of d params needs, in doubles (its arrays are sized by the space,
 * on the heap: no limit on the params, and no stack taken by it). */
static size_t crossover_scratch(const ga *g, size_t d)
{
    return 6 * d + (g->kind == X_UNDX ? d * d : 0);
}

/* scratch: crossover_scratch(g, d) doubles. */
static void crossover(const ga *g, const double *const *x, size_t d, bool multi, knob_rng *r,
                      double *child, double *scratch)
{
    double eta = multi ? 20 : 2;
    switch (g->kind) {
    case X_UNIFORM:
        for (size_t i = 0; i < d; i++)
            child[i] = x[knob_rng_uniform(r) >= g->swapping_prob ? 1 : 0][i];
        return;
    case X_BLXALPHA:
        for (size_t i = 0; i < d; i++) {
            double lo = fmin(x[0][i], x[1][i]), hi = fmax(x[0][i], x[1][i]), w = 0.5 * (hi - lo);
            child[i] = lo - w + knob_rng_uniform(r) * (hi - lo + 2 * w);
        }
        return;
    case X_SBX: {
        double *c1 = scratch, *c2 = c1 + d;
        for (size_t i = 0; i < d; i++) {
            double lo = fmin(x[0][i], x[1][i]), hi = fmax(x[0][i], x[1][i]);
            double w = fmax(hi - lo, 1e-10), u = knob_rng_uniform(r);
            double a1 = 2 - pow(1 + 2 * lo / w, -(eta + 1));
            double a2 = 2 - pow(1 + 2 * (1 - hi) / w, -(eta + 1));
            c1[i] = 0.5 * (lo + hi - sbx_beta(u, a1, eta) * w);
            c2[i] = 0.5 * (lo + hi + sbx_beta(u, a2, eta) * w);
        }
        mix_children(c1, c2, x[0], x[1], d, r, child, c2 + d);
        return;
    }
    case X_VSBX: {
        double *c1 = scratch, *c2 = c1 + d, *b1 = c2 + d, *b2 = b1 + d;
        for (size_t i = 0; i < d; i++) {
            double u = knob_rng_uniform(r);
            b1[i] = pow(1 / fmax(2 * u, 1e-10), 1 / (eta + 1));
            b2[i] = pow(1 / fmax(2 * (1 - u), 1e-10), 1 / (eta + 1));
        }
        bool first = knob_rng_uniform(r) <= 0.5, second = knob_rng_uniform(r) <= 0.5;
        for (size_t i = 0; i < d; i++) {
            c1[i] = first ? 0.5 * ((1 + b1[i]) * x[0][i] + (1 - b2[i]) * x[1][i])
                          : 0.5 * ((1 - b1[i]) * x[0][i] + (1 + b2[i]) * x[1][i]);
            c2[i] = second ? 0.5 * ((3 - b1[i]) * x[0][i] - (1 - b2[i]) * x[1][i])
                           : 0.5 * (-(1 - b1[i]) * x[0][i] + (3 - b2[i]) * x[1][i]);
        }
        mix_children(c1, c2, x[0], x[1], d, r, child, b2 + d);
        return;
    }
    case X_UNDX:
        undx(x, d, r, child, scratch);
        return;
    case X_SPX: {
        /* Simplex crossover with epsilon sqrt(d + 2). */
        double *gc = scratch, *ck = gc + d, eps = sqrt((double)d + 2);
        memset(scratch, 0, 2 * d * sizeof *scratch);
        for (int k = 0; k < 3; k++)
            for (size_t i = 0; i < d; i++)
                gc[i] += x[k][i] / 3;
        double rs[2] = {knob_rng_uniform(r), sqrt(knob_rng_uniform(r))};
        for (int k = 1; k < 3; k++)
            for (size_t i = 0; i < d; i++) {
                double xa = gc[i] + eps * (x[k - 1][i] - gc[i]);
                double xb = gc[i] + eps * (x[k][i] - gc[i]);
                ck[i] = rs[k - 1] * (xa - xb + ck[i]);
            }
        for (size_t i = 0; i < d; i++)
            child[i] = gc[i] + eps * (x[2][i] - gc[i]) + ck[i];
        return;
    }
    }
}

/* ---------------------------------------------------------------- a child */

/* Deb's polynomial mutation (Deb and Goyal 1996, with the bounds as in NSGA-II's code) of
 * u in [0, 1] with distribution index eta; w is a uniform draw in [0, 1). */
double knob__ga_polynomial_mutation(double u, double eta, double w)
{
    double e = eta + 1, d;
    if (w < 0.5) {
        double v = 2 * w + (1 - 2 * w) * pow(1 - u, e);
        d = pow(v, 1 / e) - 1;
    } else {
        double v = 2 * (1 - w) + 2 * (w - 0.5) * pow(u, e);
        d = 1 - pow(v, 1 / e);
    }
    return fmin(1, fmax(0, u + d));
}

/* Mutates one param of a child: a numerical one moves by the polynomial mutation, or is
 * left to random sampling (*drawn) as a categorical one always is. Returns whether the
 * param may differ from before. */
static bool mutate(const ga *g, const knob__dim *dim, double *value, bool *drawn, knob_rng *r)
{
    if (g->mutation_kind == M_RANDOM || dim->cat)
        return *drawn = true;
    double u = knob__dim_to_unit(dim, *value);
    u = knob__ga_polynomial_mutation(u, g->mutation_eta, knob_rng_uniform(r));
    double v = knob__dim_from_unit(dim, u);
    bool moved = v != *value;
    *value = v;
    return moved;
}

/* Whether value[0..nd) (internal values) is one of the chosen parents, param for param
 * (numerical params within 1e-12 in the unit cube: a round trip through it may move the
 * last bit). */
static bool clone_of(const pop *p, const size_t *chosen, size_t n_chosen, const knob__dim *dims,
                     size_t nd, size_t *hint, const double *value)
{
    for (size_t c = 0; c < n_chosen; c++) {
        size_t k = 0;
        for (; k < nd; k++) {
            double x = param_at(p->t[chosen[c]], &dims[k], &hint[k])->internal;
            if (dims[k].cat ? x != value[k]
                            : fabs(knob__dim_to_unit(&dims[k], x) -
                                   knob__dim_to_unit(&dims[k], value[k])) > 1e-12)
                break;
        }
        if (k == nd)
            return true;
    }
    return false;
}

/* A child's arrays, sized by its nd params (on the heap: a space of any size, and no stack
 * taken by them; they were fixed at 256 params on the stack, and the params past the 256th
 * were left to random sampling). */
typedef struct child_work {
    size_t *num, *cat; /* the numerical and the categorical dims */
    double *value;     /* per dim: internal value */
    double *child;     /* the crossover's child, numerical dims in the unit cube */
    double *xs;        /* its parents' numerical dims, 3 x nd */
    bool *drawn;       /* mutated dims left to random sampling */
} child_work;

static int propose_with(ga *g, knob_study *s, knob_trial *t, const pop *p, const knob__dim *dims,
                        size_t nd, size_t *hint, knob_rng *r, const child_work *w)
{
    size_t m = knob_study_n_objectives(s), *num = w->num, *cat = w->cat, n_num = 0, n_cat = 0;
    for (size_t k = 0; k < nd; k++) {
        if (dims[k].cat)
            cat[n_cat++] = k;
        else
            num[n_num++] = k;
    }
    size_t chosen[3] = {0, 0, 0}, n_chosen = 1;
    double *value = w->value, *child = w->child;
    const knob_param *pp;
    if (knob_rng_uniform(r) < g->crossover_prob) {
        bool taken[1024] = {false};
        bool *tk = p->n <= 1024 ? taken : calloc(p->n, 1);
        if (!tk)
            return oom(g);
        double *scratch = n_num ? malloc(crossover_scratch(g, n_num) * sizeof *scratch) : NULL;
        if (n_num && !scratch) {
            if (tk != taken)
                free(tk);
            return oom(g);
        }
        bool inside = false;
        for (int attempt = 0; attempt < 100 && !inside; attempt++) {
            memset(tk, 0, p->n);
            n_chosen = (size_t)g->n_parents;
            for (size_t k = 0; k < n_chosen; k++) {
                chosen[k] = tournament(p, m, tk, g->pop_rank, g->tournament_size, r);
                tk[chosen[k]] = true;
            }
            const double *xp[3];
            for (size_t k = 0; k < n_chosen; k++) {
                for (size_t i = 0; i < n_num; i++) {
                    pp = param_at(p->t[chosen[k]], &dims[num[i]], &hint[num[i]]);
                    w->xs[k * nd + i] = knob__dim_to_unit(&dims[num[i]], pp->internal);
                }
                xp[k] = w->xs + k * nd;
            }
            /* categorical params: uniform crossover of the first and last parent */
            for (size_t i = 0; i < n_cat; i++) {
                size_t from =
                    knob_rng_uniform(r) >= g->swapping_prob ? chosen[n_chosen - 1] : chosen[0];
                value[cat[i]] = param_at(p->t[from], &dims[cat[i]], &hint[cat[i]])->internal;
            }
            if (n_num)
                crossover(g, xp, n_num, m > 1, r, child, scratch);
            inside = true;
            for (size_t i = 0; i < n_num; i++)
                inside &= child[i] >= 0 && child[i] <= 1;
        }
        free(scratch);
        if (tk != taken)
            free(tk);
        for (size_t i = 0; i < n_num; i++)
            value[num[i]] = knob__dim_from_unit(&dims[num[i]], child[i]);
    } else {
        chosen[0] = (size_t)knob_rng_below(r, p->n);
        for (size_t k = 0; k < nd; k++)
            value[k] = param_at(p->t[chosen[0]], &dims[k], &hint[k])->internal;
    }
    double mut = g->mutation_prob >= 0 ? g->mutation_prob : 1.0 / (double)(nd ? nd : 1);
    size_t n_dims = nd;
    bool *drawn = w->drawn;
    bool changed = false;
    for (size_t k = 0; k < n_dims; k++) {
        drawn[k] = false;
        if (knob_rng_uniform(r) < mut)
            changed |= mutate(g, &dims[k], &value[k], &drawn[k], r);
    }
    if (!changed && g->avoid_clones && mut > 0 && n_dims &&
        clone_of(p, chosen, n_chosen, dims, n_dims, hint, value))
        for (int attempt = 0; attempt < 8 && !changed; attempt++) {
            size_t k = (size_t)knob_rng_below(r, n_dims);
            changed = mutate(g, &dims[k], &value[k], &drawn[k], r);
        }
    int rc = KNOB_OK;
    for (size_t k = 0; k < n_dims && !rc; k++)
        if (!drawn[k])
            rc = knob__trial_propose_interned(t, dims[k].name, dims[k].dist, value[k]);
    int64_t nums[3];
    char list[21 * 3 + 3];
    for (size_t k = 0; k < n_chosen; k++)
        nums[k] = p->t[chosen[k]]->number;
    put_list(list, nums, n_chosen);
    return rc ? rc : knob__trial_set_system_attr_valid(t, g->parents_key, list);
}

static int propose_child(ga *g, knob_study *s, knob_trial *t, const pop *p, const knob__dim *dims,
                         size_t nd, size_t *hint, knob_rng *r)
{
    size_t n = nd ? nd : 1;
    child_work w = {.num = malloc(2 * n * sizeof *w.num),
                    .value = malloc(5 * n * sizeof *w.value),
                    .drawn = malloc(n * sizeof *w.drawn)};
    int rc = w.num && w.value && w.drawn ? KNOB_OK : oom(g);
    if (!rc) {
        w.cat = w.num + n;
        w.child = w.value + n;
        w.xs = w.child + n;
        rc = propose_with(g, s, t, p, dims, nd, hint, r, &w);
    }
    free(w.num);
    free(w.value);
    free(w.drawn);
    return rc;
}

int knob__ga_sample_relative(knob__ga *g, knob_study *s, knob_trial *t)
{
    const knob_trial_info *const *tr;
    size_t n;
    cache_for(g, s);
    int rc = knob_study_trials(s, &tr, &n);
    const char *gj = knob_trial_system_attr(t, g->gen_key);
    int64_t gen = gj ? strtoll(gj, NULL, 10) : 0;
    if (rc || gen <= 0)
        return rc;
    if ((rc = parents_of(g, s, tr, n, gen)))
        return rc;
    size_t m = knob_study_n_objectives(s);
    const knob_trial_info **par = malloc((g->n_parents_of[gen] + 1) * sizeof *par);
    if (!par)
        return oom(g);
    size_t np = 0;
    for (size_t i = 0; i < g->n_parents_of[gen]; i++) {
        int64_t num = g->parents[gen][i];
        if (num >= 0 && (size_t)num < n && usable(tr[num], m))
            par[np++] = tr[num];
    }
    /* the parents of a generation and their params never change: one search space each */
    if (np >= (size_t)g->n_parents && (g->dims_gen != gen || g->dims_np != np)) {
        free(g->dims);
        free(g->hint);
        g->dims = NULL, g->n_dims = 0, g->dims_gen = 0, g->hint = NULL;
        if (!(rc = knob__intersection(par, np, 0, &g->dims, &g->n_dims))) {
            /* a param is usually where the last trial had it: its index in the search
             * space, as the trials' params are in suggest order */
            if (!(g->hint = malloc((g->n_dims + 1) * sizeof *g->hint)))
                rc = oom(g);
            for (size_t k = 0; !rc && k < g->n_dims; k++)
                g->hint[k] = k;
            if (!rc)
                g->dims_gen = gen, g->dims_np = np;
        }
    }
    const knob__dim *dims = g->dims;
    size_t nd = np >= (size_t)g->n_parents && !rc ? g->n_dims : 0;
    /* the parents as points: the same for every child of the generation */
    if (!rc && nd && (g->pop_gen != gen || g->pop_np != np)) {
        pop p;
        free(g->pop_loss);
        g->pop_loss = NULL, g->pop_viol = NULL, g->pop_gen = 0, g->pop_np = 0;
        free(g->pop_rank);
        g->pop_rank = NULL;
        if (!(rc = knob__ga_pop_fill(g, &p, s, par, np))) {
            g->pop_loss = p.loss, g->pop_viol = p.viol, g->pop_constrained = p.constrained;
            g->pop_gen = gen, g->pop_np = np;
            if (g->selection_kind == S_CROWDED)
                rc = rank_parents(g, &p, m);
        }
    }
    if (!rc && nd) {
        pop p = {.t = par,
                 .n = np,
                 .loss = g->pop_loss,
                 .viol = g->pop_viol,
                 .constrained = g->pop_constrained};
        knob_rng r;
        knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t),
                        g->name);
        rc = propose_child(g, s, t, &p, dims, nd, g->hint, &r);
    }
    free(par);
    return rc;
}

/* ------------------------------------------------------------ generation 0 */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A bijection of [0, n) keyed by key: a 4-round Feistel network on the smallest
 * [0, 4^h) that holds n, walked until it lands inside (at most 4 n / n expected steps). */
static uint64_t permute(uint64_t k, uint64_t n, uint64_t key)
{
    unsigned h = 1;
    while (h < 32 && (1ull << (2 * h)) < n)
        h++;
    uint64_t mask = (1ull << h) - 1;
    do {
        uint64_t l = k >> h, r = k & mask;
        for (uint64_t round = 0; round < 4; round++) {
            uint64_t f = mix64(key + 0x9e3779b97f4a7c15u * (round + 1) + r) & mask;
            uint64_t next = l ^ f;
            l = r, r = next;
        }
        k = l << h | r;
    } while (k >= n);
    return k;
}

double knob__ga_lhs(uint64_t seed, uint64_t block, unsigned dim, uint64_t k, uint64_t n, double w)
{
    uint64_t key = mix64(mix64(seed ^ 0x6c68735f6b6e6f62u) + block * 0x100000001b3u + dim);
    double u = ((double)permute(k % n, n, key) + w) / (double)n;
    return u < 1 ? u : 0x1.fffffffffffffp-1;
}

int knob__ga_sample_independent(knob__ga *g, knob_study *s, knob_trial *t, const char *name,
                                const knob_distribution *d, double *internal)
{
    const char *gj = g->initial_kind == I_RANDOM ? NULL : knob_trial_system_attr(t, g->gen_key);
    size_t dim = knob_trial_n_params(t); /* the param's place in the trial's suggest order */
    int64_t number = knob_trial_number(t);
    if (!gj || strcmp(gj, "0") != 0 || number < 0 ||
        (g->initial_kind == I_SOBOL && dim >= knob__sobol_dims))
        return knob__random_independent(g, s, t, name, d, internal);
    uint64_t seed = knob_sampler_seed(knob_study_sampler(s));
    double u;
    if (g->initial_kind == I_SOBOL) {
        uint32_t v[32];
        knob__sobol_directions((unsigned)dim, v);
        u = knob__sobol_scrambled(v, (unsigned)dim, (uint64_t)number, seed);
    } else {
        knob_rng r;
        knob_rng_derive(&r, seed, number, name);
        uint64_t n = (uint64_t)g->population_size;
        u = knob__ga_lhs(seed, (uint64_t)number / n, (unsigned)dim, (uint64_t)number, n,
                         knob_rng_uniform(&r));
    }
    *internal = knob__random_at(u, d);
    return KNOB_OK;
}
