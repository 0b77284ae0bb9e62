/* Brute force (Optuna's BruteForceSampler): every combination of a finite search space,
 * discovered define-by-run, once. The trials so far (not WAITING) form a tree: a node is
 * a param, its children are the param's values (every value of a categorical, an int, or a
 * float with a step), and a trial is a path from the root. A child no trial has reached is
 * untried; so is a path a running trial is on when avoid_premature_stop is set. The
 * space is the one the objective defines now: a node's param and values are those of the
 * newest trial that reaches it (the running trial's own at its next param), and paths
 * through a param of another distribution (an older space) are not counted. A param
 * is drawn among the values whose subtree under the trial's params so far still has
 * free paths (untried, and not taken by a running trial), weighted half by how many and
 * half evenly (as Optuna's); when none has, among the values under which a running trial
 * stands whose params to come are not known (open, see unexplored), the fewest first; when
 * none is, at random. When every path is finished or taken and none is open, the next ask
 * is KNOB_EDONE: the study is done. The tree is rebuilt from the trials at each draw, so
 * workers in any number of processes share it through the storage; the params this
 * sampler gave to trials of this study handle that still run join what the storage holds
 * of them (threads or a batch of asks on one handle: a param is written with the trial's
 * next write, and other trials were drawn without it). */
#include "internal.h"
#include "space.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 1000000u /* values of one param that are enumerated */

/* A param this sampler gave to a trial of study `s` still running: written to the storage
 * with the trial's next write only, so the other trials of the handle are drawn knowing it
 * from here. */
typedef struct given {
    const knob_study *s;
    int64_t number;
    char *name;
    knob_distribution dist; /* choices left out: a categorical is compared by its count */
    knob_param param;       /* name, &dist and the value */
} given;

typedef struct brute {
    bool avoid_premature_stop;
    given **given;
    size_t n_given, cap_given;
} brute;

static void fini(void *state)
{
    brute *b = state;
    for (size_t i = 0; i < b->n_given; i++) {
        free(b->given[i]->name);
        free(b->given[i]);
    }
    free(b->given);
}

/* A trial's path: its params in the order suggested, those of the trial being sampled
 * left out. */
typedef struct path {
    const knob_param **p;
    size_t n;
    bool finished;
    bool unsampled; /* running with params to come unknown: see unexplored */
    int64_t number; /* the trial's */
} path;

/* The paths of a draw, and its option. */
typedef struct tree {
    const path *paths;
    size_t n;
    bool avoid;
} tree;

/* What a subtree holds: `free` paths (untried, not taken by a running trial), and `open`,
 * the running trials that stand on a node no other trial goes on from and no finished
 * trial shows to be whole (their params to come, and so the combinations there, are not
 * known). */
typedef struct tally {
    double free, open;
} tally;

/* The values of a param, as the space counts and makes them (src/space.c); a float
 * without a step is finite only with one value (low == high). */
static uint64_t n_values(const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_FLOAT && !(d->step > 0))
        return d->low == d->high ? 1 : 0;
    return (uint64_t)knob__dist_size(d);
}

static double value_at(const knob_distribution *d, uint64_t k)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return (double)k;
    if (d->kind == KNOB_DIST_FLOAT)
        return knob__dist_step_at(d, (double)k);
    return fmin(d->low + d->step * (double)k, d->high);
}

/* The index of an internal value among the param's values; -1 when it is none of them. */
static int64_t index_of(const knob_distribution *d, double x)
{
    double step = d->kind == KNOB_DIST_CATEGORICAL ? 1 : d->step > 0 ? d->step : 1;
    double lo = d->kind == KNOB_DIST_CATEGORICAL ? 0 : d->low;
    if (!isfinite(x))
        return -1;
    double k = round((x - lo) / step);
    if (k < 0 || k >= (double)n_values(d) || fabs(value_at(d, (uint64_t)k) - x) > 1e-9 * step)
        return -1;
    return (int64_t)k;
}

/* The same node: the same name and the same values (a categorical by its count, as
 * Optuna's; a stepped float by its points, knob__dist_equal). */
static bool same_param(const knob_param *a, const knob_param *b)
{
    const knob_distribution *x = a->dist, *y = b->dist;
    return !strcmp(a->name, b->name) && x->kind == y->kind &&
           (x->kind == KNOB_DIST_CATEGORICAL ? x->n_choices == y->n_choices
            : x->kind == KNOB_DIST_FLOAT && x->step > 0
                ? knob__dist_equal(x, y)
                : x->low == y->low && x->high == y->high && x->step == y->step);
}

typedef struct keyed {
    int64_t k;
    size_t id;
} keyed;

static int by_key(const void *a, const void *b)
{
    int64_t x = ((const keyed *)a)->k, y = ((const keyed *)b)->k;
    return x < y ? -1 : x > y;
}

/* Orders ids[0..n), whose paths all hold `head` at depth pos, by its value: each value's
 * paths are then a run. */
static int group(const path *paths, size_t *ids, size_t n, size_t pos, const knob_param *head)
{
    keyed *kv = malloc((n ? n : 1) * sizeof *kv);
    if (!kv)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    for (size_t i = 0; i < n; i++)
        kv[i] = (keyed){index_of(head->dist, paths[ids[i]].p[pos]->internal), ids[i]};
    qsort(kv, n, sizeof *kv, by_key);
    for (size_t i = 0; i < n; i++)
        ids[i] = kv[i].id;
    free(kv);
    return KNOB_OK;
}

static bool on_grid(const knob_param *p)
{
    return n_values(p->dist) > 0 && index_of(p->dist, p->internal) >= 0;
}

/* A finished trial ended after as many params as running path r holds: the objective
 * ends at that depth, and r's combination is taken as whole (knob run suggests a trial's
 * params at once, and its last trials stand so; a conditional branch deeper than the others
 * is found when a trial of it finishes). */
static bool ends_there(const tree *tr, const path *r)
{
    for (size_t i = 0; i < tr->n; i++)
        if (tr->paths[i].finished && tr->paths[i].n == r->n)
            return true;
    return false;
}

static int by_value(const tree *tr, size_t *ids, size_t m, size_t pos, const knob_param *head,
                    tally *counts, tally *sum);

/* *out: what the node that paths ids[0..n) reach at depth `pos` (n > 0) holds: nothing
 * for a leaf (a finished trial ends there); for the node running trials stand on and no
 * other trial goes on from, one free path with avoid_premature_stop, else none, and those
 * trials open when one of them is unsampled (it has no params yet, or it is this handle's,
 * whose objective may suggest as it goes: a batch of asks, threads) and no finished trial
 * ended at that depth (ends_there). Another worker's trial writes each param as it is
 * suggested, and knob run suggests them all at once: one standing there is whole (taken
 * as open, the last workers of a sweep ran its combination again). For a param, the
 * sum over its values, less (without avoid_premature_stop) one per running trial standing
 * on it below the root: it has chosen this branch and takes one of its paths next (one
 * at the root, with no params yet, has taken nothing: an ask while it stands there is not
 * refused for it). ids is reordered. */
static int unexplored(const tree *tr, size_t *ids, size_t n, size_t pos, tally *out)
{
    /* the newest trial that goes on names the node's param, as the objective now defines
     * it; paths that go on with another (an older space) or off its values are not
     * counted */
    const knob_param *head = NULL;
    const path *unsampled = NULL;
    int64_t newest = -1;
    bool leaf = false;
    double n_standing = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const path *p = &tr->paths[ids[i]];
        if (p->n <= pos) {
            leaf |= p->finished;
            if (!p->finished) {
                n_standing++;
                unsampled = p->unsampled ? p : unsampled;
            }
        } else if (p->number > newest && on_grid(p->p[pos])) {
            head = p->p[pos];
            newest = p->number;
        }
    }
    for (size_t i = 0; head && i < n; i++) {
        const path *p = &tr->paths[ids[i]];
        if (p->n > pos && same_param(head, p->p[pos]) && on_grid(p->p[pos]))
            ids[m++] = ids[i];
    }
    if (!head) {
        *out = (tally){leaf || !tr->avoid ? 0 : 1, 0};
        if (!leaf && unsampled && !tr->avoid && !ends_there(tr, unsampled))
            out->open = n_standing;
        return KNOB_OK;
    }
    int rc = by_value(tr, ids, m, pos, head, NULL, out);
    if (!tr->avoid && pos > 0)
        out->free = fmax(out->free - n_standing, 0);
    return rc;
}

/* Groups ids[0..m) (paths holding head at depth pos) by head's value and tallies, per value
 * taken, its subtree: into counts[value] when counts is not NULL, and into *sum over head's
 * values (a value no path took is one free path). */
static int by_value(const tree *tr, size_t *ids, size_t m, size_t pos, const knob_param *head,
                    tally *counts, tally *sum)
{
    const path *paths = tr->paths;
    int rc = group(paths, ids, m, pos, head);
    *sum = (tally){(double)n_values(head->dist), 0};
    for (size_t i = 0; !rc && i < m;) {
        size_t j = i + 1;
        int64_t k = index_of(head->dist, paths[ids[i]].p[pos]->internal);
        while (j < m && index_of(head->dist, paths[ids[j]].p[pos]->internal) == k)
            j++;
        tally below;
        rc = unexplored(tr, ids + i, j - i, pos + 1, &below);
        sum->free += below.free - 1;
        sum->open += below.open;
        if (counts)
            counts[k] = below;
        i = j;
    }
    return rc;
}

/* The params of trial `info` as this handle knows them: the storage's, then those this
 * sampler gave it that the storage does not hold yet (*mine: it gave it some). *out is
 * malloc'd. */
static int known_params(const brute *b, const knob_study *s, const knob_trial_info *info,
                        const knob_param ***out, size_t *n_out, bool *mine)
{
    size_t n = info->n_params, cap = n + 1;
    for (size_t i = 0; info->state == KNOB_TRIAL_RUNNING && i < b->n_given; i++)
        cap += b->given[i]->s == s && b->given[i]->number == info->number;
    const knob_param **p = malloc(cap * sizeof *p);
    if (!p)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    for (size_t j = 0; j < info->n_params; j++)
        p[j] = &info->params[j];
    for (size_t i = 0; cap > info->n_params + 1 && i < b->n_given; i++) {
        const given *g = b->given[i];
        if (g->s == s && g->number == info->number && !knob_trial_info_param(info, g->name))
            p[n++] = &g->param;
    }
    *out = p;
    *n_out = n;
    *mine = cap > info->n_params + 1;
    return KNOB_OK;
}

static const knob_param *find(const knob_param *const *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(p[i]->name, name))
            return p[i];
    return NULL;
}

static bool param_matches(const knob_param *const *params, size_t n, const knob_param *q)
{
    const knob_param *p = find(params, n, q->name);
    /* a stepped float on the same point (index_of): an older knob stored 3 steps of 0.1 as
     * 0.30000000000000004, knob now 0.3 */
    if (!p || !same_param(p, q))
        return false;
    if (p->internal == q->internal)
        return true;
    int64_t k = q->dist->kind == KNOB_DIST_FLOAT && q->dist->step > 0
                    ? index_of(q->dist, q->internal)
                    : -1;
    return k >= 0 && index_of(q->dist, p->internal) == k;
}

/* Forgets what was given to trials that are finished, and to other studies' trials. */
static void forget(brute *b, const knob_study *s, const knob_trial_info *const *trials, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < b->n_given; i++) {
        given *g = b->given[i];
        bool keep = g->s == s;
        for (size_t j = 0; keep && j < n; j++)
            keep = trials[j]->number != g->number || trials[j]->state == KNOB_TRIAL_RUNNING;
        if (keep) {
            b->given[w++] = g;
        } else {
            free(g->name);
            free(g);
        }
    }
    b->n_given = w;
}

static void free_paths(path *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i].p);
    free(paths);
}

/* The paths of the trials (not WAITING, not `self`) that hold every param of `t` so far
 * with the same distribution and value (a trial of an older space is on another path),
 * those params left out. *paths and its params are malloc'd. */
static int collect(brute *b, knob_study *s, const knob_trial *t, int64_t self, path **out,
                   size_t *n_out)
{
    const knob_trial_info *const *trials;
    size_t n, np = t ? knob_trial_n_params(t) : 0;
    int rc = knob_study_trials(s, &trials, &n);
    if (rc)
        return rc;
    if (b->n_given)
        forget(b, s, trials, n);
    path *paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    size_t m = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const knob_trial_info *info = trials[i];
        if (info->state == KNOB_TRIAL_WAITING || info->number == self)
            continue;
        const knob_param **params = NULL;
        size_t n_params = 0;
        bool mine = false;
        if ((rc = known_params(b, s, info, &params, &n_params, &mine)))
            break;
        bool match = true;
        for (size_t j = 0; match && j < np; j++)
            match = param_matches(params, n_params, knob_trial_param(t, j));
        if (!match) {
            free(params);
            continue;
        }
        path *p = &paths[m++];
        p->p = params; /* the trial's own params taken out, in place */
        for (size_t j = 0; j < n_params; j++) {
            bool own = false;
            for (size_t k = 0; !own && k < np; k++)
                own = !strcmp(knob_trial_param(t, k)->name, params[j]->name);
            if (!own)
                p->p[p->n++] = params[j];
        }
        p->finished = info->state != KNOB_TRIAL_RUNNING;
        p->unsampled = !p->finished && (mine || !n_params);
        p->number = info->number;
    }
    if (rc) {
        free_paths(paths, m);
        return rc;
    }
    *out = paths;
    *n_out = m;
    return KNOB_OK;
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    brute *b = state;
    path *paths;
    size_t n;
    /* a trial taken from the queue has its number, and its row is not its own rival */
    int rc = collect(b, s, NULL, knob_trial_number(t), &paths, &n);
    if (rc)
        return rc;
    size_t *ids = malloc((n ? n : 1) * sizeof *ids);
    tally left = {1, 0}; /* no trial yet: everything is to try */
    if (!ids)
        rc = knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        ids[i] = i;
    tree tr = {paths, n, b->avoid_premature_stop};
    if (!rc && n)
        rc = unexplored(&tr, ids, n, 0, &left);
    free(ids);
    free_paths(paths, n);
    if (!rc && left.free <= 0 && left.open <= 0)
        rc = knob_set_error(KNOB_EDONE,
                            "study '%s': brute_force has tried every combination of the "
                            "search space",
                            knob_study_name(s));
    return rc;
}

/* Per value of `head`: the tally of its subtree (one free path for a value no trial
 * took). counts[0..total). */
static int count_children(const tree *tr, const knob_param *head, tally *counts, uint64_t total)
{
    for (uint64_t k = 0; k < total; k++)
        counts[k] = (tally){1, 0};
    size_t *ids = malloc((tr->n ? tr->n : 1) * sizeof *ids);
    if (!ids)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    /* the paths that begin with this param (one that does not is not counted) */
    size_t m = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (tr->paths[i].n && same_param(head, tr->paths[i].p[0]) && on_grid(tr->paths[i].p[0]))
            ids[m++] = i;
    tally sum;
    int rc = by_value(tr, ids, m, 0, head, counts, &sum);
    free(ids);
    return rc;
}

/* The value: among those with free paths, half by how many and half evenly (so a small
 * branch is not starved); else evenly among the open ones with the fewest running trials
 * (so that trials whose params are yet unknown spread); else any. */
static uint64_t pick(const tally *w, uint64_t total, knob_rng *r)
{
    double sum = 0, nonzero = 0, fewest = HUGE_VAL, n_fewest = 0;
    for (uint64_t k = 0; k < total; k++) {
        sum += w[k].free;
        nonzero += w[k].free > 0;
        if (w[k].open > 0 && w[k].open <= fewest) {
            n_fewest = w[k].open < fewest ? 1 : n_fewest + 1;
            fewest = w[k].open;
        }
    }
    if (sum <= 0 && n_fewest > 0) {
        uint64_t j = knob_rng_below(r, (uint64_t)n_fewest);
        for (uint64_t k = 0; k < total; k++)
            if (w[k].open == fewest && j-- == 0)
                return k;
    }
    if (sum <= 0)
        return knob_rng_below(r, total); /* everything taken: any value */
    double u = knob_rng_uniform(r), acc = 0;
    for (uint64_t k = 0; k < total; k++) {
        if (w[k].free <= 0)
            continue;
        acc += 0.5 * w[k].free / sum + 0.5 / nonzero;
        if (u < acc)
            return k;
    }
    for (uint64_t k = total; k-- > 0;)
        if (w[k].free > 0)
            return k; /* rounding left u past the last */
    return 0;
}

/* Remembers the value given to `t` (see given). */
static int remember(brute *b, knob_study *s, const knob_trial *t, const char *name,
                    const knob_distribution *d, double x)
{
    if (b->n_given == b->cap_given) {
        size_t cap = b->cap_given ? 2 * b->cap_given : 8;
        given **g = realloc(b->given, cap * sizeof *g);
        if (!g)
            return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
        b->given = g;
        b->cap_given = cap;
    }
    given *g = malloc(sizeof *g);
    char *copy = malloc(strlen(name) + 1);
    if (!g || !copy) {
        free(g);
        free(copy);
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    }
    *g = (given){.s = s, .number = knob_trial_number(t), .name = strcpy(copy, name), .dist = *d};
    g->dist.choices = NULL;
    g->param = (knob_param){.name = g->name, .dist = &g->dist, .internal = x};
    b->given[b->n_given++] = g;
    return KNOB_OK;
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    brute *b = state;
    uint64_t total = n_values(d);
    if (total == 0)
        return knob_set_error(KNOB_EINVAL,
                              "brute_force: param '%s' is a float without a step: the search "
                              "space must be finite (give it a step)",
                              name);
    if (total > MAX_VALUES)
        return knob_set_error(KNOB_EINVAL,
                              "brute_force: param '%s' has %llu values, more than %u to "
                              "enumerate",
                              name, (unsigned long long)total, MAX_VALUES);
    path *paths;
    size_t n;
    int rc = collect(b, s, t, knob_trial_number(t), &paths, &n);
    if (rc)
        return rc;
    tally *w = malloc(total * sizeof *w);
    if (!w) {
        free_paths(paths, n);
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    }
    knob_param head = {.name = name, .dist = d};
    tree tr = {paths, n, b->avoid_premature_stop};
    rc = count_children(&tr, &head, w, total);
    free_paths(paths, n);
    if (rc) {
        free(w);
        return rc;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    uint64_t k = pick(w, total, &r);
    free(w);
    *internal = value_at(d, k);
    return remember(b, s, t, name, d, *internal);
}

static const knob_option options[] = {
    {"avoid_premature_stop", KNOB_OPT_BOOL, offsetof(brute, avoid_premature_stop), "false", 0, 0,
     "count the combinations running trials are on as still to try, so the study stops "
     "only when every one has finished (more likely to run one twice); false: the study "
     "stops when every combination is finished or running",
     NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_brute_force = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "brute_force",
    .help = "Exhaustive search (Optuna's BruteForceSampler): every combination of a finite "
            "define-by-run space once (categoricals, ints, floats with a step), conditional "
            "params included, in a seeded random order; then the study is done. Options: "
            "avoid_premature_stop, seed.",
    .state_size = sizeof(brute),
    .options = options,
    .fini = fini,
    .before_trial = before_trial,
    .sample_independent = sample_independent,
};
