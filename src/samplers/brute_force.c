/* Brute force (Optuna's BruteForceSampler): every combination of a finite search space,
 * discovered define-by-run, once. The trials so far (not WAITING) form a tree: a node is
 * a param, its children are the param's values (every value of a categorical, an int, or a
 * float with a step), and a trial is a path from the root. A child no trial has reached is
 * unexplored; so is a path a running trial is on when avoid_premature_stop is set. The
 * space is the one the objective defines now: a node's param and values are those of the
 * newest trial that reaches it (the running trial's own at its next param), and paths
 * through a param of another distribution (an older space) are not counted. A param
 * is drawn among the values whose subtree under the trial's params so far still has
 * unexplored paths, weighted half by how many and half evenly (as Optuna's); when none
 * has, at random. When the whole tree is explored, the next ask is KNOB_EDONE: the study
 * is done. A trial a stop interrupted (fail_cause "interrupted", as knob run marks it on
 * Ctrl-C) ran no combination and is on no path: its combination runs again, as the grid's
 * point does. The tree is rebuilt from the trials at each draw (no state), so workers in any
 * number of processes share it through the storage. */
#include "internal.h"
#include "space.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 1000000u /* values of one param that are enumerated */

typedef struct brute {
    bool avoid_premature_stop;
} brute;

/* A trial's path: its params in the order suggested, those of the trial being sampled
 * left out. */
typedef struct path {
    const knob_param **p;
    size_t n;
    bool finished;
    int64_t number; /* the trial's */
} path;

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

static int by_value(const path *paths, size_t *ids, size_t m, size_t pos, const knob_param *head,
                    bool avoid, double *counts, double *sum);

/* *out: the unexplored paths under the node that paths ids[0..n) reach at depth `pos`
 * (n > 0): none for a leaf (a finished trial ends there), one for the node a running
 * trial is on (with avoid_premature_stop; else none), and for a param, the sum over its
 * values. ids is reordered. */
static int unexplored(const path *paths, size_t *ids, size_t n, size_t pos, bool avoid, double *out)
{
    /* the newest trial that goes on names the node's param, as the objective now defines
     * it; paths that go on with another (an older space) or off its values are not
     * counted */
    const knob_param *head = NULL;
    int64_t newest = -1;
    bool leaf = false;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const path *p = &paths[ids[i]];
        if (p->n <= pos) {
            leaf |= p->finished;
        } else if (p->number > newest && on_grid(p->p[pos])) {
            head = p->p[pos];
            newest = p->number;
        }
    }
    for (size_t i = 0; head && i < n; i++) {
        const path *p = &paths[ids[i]];
        if (p->n > pos && same_param(head, p->p[pos]) && on_grid(p->p[pos]))
            ids[m++] = ids[i];
    }
    if (!head) {
        /* at the root, running trials without a param (asked together, before any
         * suggested one) and none finished: nothing is known of the space yet, so it is
         * not spent (the second of two asks said every combination had been tried) */
        *out = leaf || (!avoid && pos > 0) ? 0 : 1;
        return KNOB_OK;
    }
    return by_value(paths, ids, m, pos, head, avoid, NULL, out);
}

/* Groups ids[0..m) (paths holding head at depth pos) by head's value and counts, per value
 * taken, the unexplored paths of its subtree: into counts[value] when counts is not NULL,
 * and into *sum the total over head's values (a value no path took is one). */
static int by_value(const path *paths, size_t *ids, size_t m, size_t pos, const knob_param *head,
                    bool avoid, double *counts, double *sum)
{
    int rc = group(paths, ids, m, pos, head);
    *sum = (double)n_values(head->dist);
    for (size_t i = 0; !rc && i < m;) {
        size_t j = i + 1;
        int64_t k = index_of(head->dist, paths[ids[i]].p[pos]->internal);
        while (j < m && index_of(head->dist, paths[ids[j]].p[pos]->internal) == k)
            j++;
        double below;
        rc = unexplored(paths, ids + i, j - i, pos + 1, avoid, &below);
        *sum += below - 1;
        if (counts)
            counts[k] = below;
        i = j;
    }
    return rc;
}

static bool param_matches(const knob_trial_info *info, const knob_param *q)
{
    const knob_param *p = knob_trial_info_param(info, q->name);
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

/* A trial failed because its run was stopped by its user (fail_cause "interrupted", as
 * knob run writes it): it ran nothing. A trial that failed otherwise ran its combination, as
 * Optuna's BruteForceSampler counts it. */
static bool interrupted(const knob_trial_info *t)
{
    if (t->state != KNOB_TRIAL_FAIL) /* the state first: no search of the attributes */
        return false;
    const char *cause = knob_trial_info_attr(t, "fail_cause", true);
    return cause && !strcmp(cause, "\"interrupted\"");
}

/* The paths of the trials (not WAITING, not interrupted, not `self`) that hold every param of `t`
 * so far with the same distribution and value (a trial of an older space is on another path), those
 * params left out. *paths and its params are malloc'd. */
static int collect(knob_study *s, const knob_trial *t, int64_t self, path **out, size_t *n_out)
{
    const knob_trial_info *const *trials;
    size_t n, np = t ? knob_trial_n_params(t) : 0;
    int rc = knob_study_trials(s, &trials, &n);
    if (rc)
        return rc;
    path *paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *info = trials[i];
        if (info->state == KNOB_TRIAL_WAITING || info->number == self || interrupted(info))
            continue;
        bool match = true;
        for (size_t j = 0; match && j < np; j++)
            match = param_matches(info, knob_trial_param(t, j));
        if (!match)
            continue;
        path *p = &paths[m];
        if (!(p->p = malloc((info->n_params ? info->n_params : 1) * sizeof *p->p))) {
            for (size_t j = 0; j < m; j++)
                free(paths[j].p);
            free(paths);
            return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
        }
        for (size_t j = 0; j < info->n_params; j++) {
            bool mine = false;
            for (size_t k = 0; !mine && k < np; k++)
                mine = !strcmp(knob_trial_param(t, k)->name, info->params[j].name);
            if (!mine)
                p->p[p->n++] = &info->params[j];
        }
        p->finished = info->state != KNOB_TRIAL_RUNNING;
        p->number = info->number;
        m++;
    }
    *out = paths;
    *n_out = m;
    return KNOB_OK;
}

static void free_paths(path *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i].p);
    free(paths);
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    (void)t;
    brute *b = state;
    path *paths;
    size_t n;
    int rc = collect(s, NULL, -1, &paths, &n);
    if (rc)
        return rc;
    size_t *ids = malloc((n ? n : 1) * sizeof *ids);
    double left = 1; /* no trial yet: everything is to try */
    if (!ids)
        rc = knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        ids[i] = i;
    if (!rc && n)
        rc = unexplored(paths, ids, n, 0, b->avoid_premature_stop, &left);
    free(ids);
    free_paths(paths, n);
    if (!rc && left <= 0)
        rc = knob_set_error(KNOB_EDONE,
                            "study '%s': brute_force has tried every combination of the "
                            "search space",
                            knob_study_name(s));
    return rc;
}

/* Per value of `head`: how many unexplored paths its subtree holds (1 for a value no trial
 * took). counts[0..total). */
static int count_children(const path *paths, size_t n, const knob_param *head, bool avoid,
                          double *counts, uint64_t total)
{
    for (uint64_t k = 0; k < total; k++)
        counts[k] = 1;
    size_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    /* the paths that begin with this param (one that does not is not counted) */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (paths[i].n && same_param(head, paths[i].p[0]) && on_grid(paths[i].p[0]))
            ids[m++] = i;
    double sum;
    int rc = by_value(paths, ids, m, 0, head, avoid, counts, &sum);
    free(ids);
    return rc;
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
    int rc = collect(s, t, knob_trial_number(t), &paths, &n);
    if (rc)
        return rc;
    double *w = malloc(total * sizeof *w);
    if (!w) {
        free_paths(paths, n);
        return knob_set_error(KNOB_ENOMEM, "brute_force: out of memory");
    }
    knob_param head = {.name = name, .dist = d};
    rc = count_children(paths, n, &head, b->avoid_premature_stop, w, total);
    free_paths(paths, n);
    if (rc) {
        free(w);
        return rc;
    }
    /* half by the unexplored paths under each value, half evenly over the values that
     * have any (so a small branch is not starved) */
    double sum = 0, nonzero = 0;
    for (uint64_t k = 0; k < total; k++) {
        sum += w[k];
        nonzero += w[k] > 0;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    uint64_t pick = 0;
    if (sum <= 0) {
        pick = knob_rng_below(&r, total); /* everything explored: any value */
    } else {
        double u = knob_rng_uniform(&r), acc = 0;
        pick = total;
        for (uint64_t k = 0; k < total && pick == total; k++) {
            if (w[k] <= 0)
                continue;
            acc += 0.5 * w[k] / sum + 0.5 / nonzero;
            if (u < acc)
                pick = k;
        }
        for (uint64_t k = total; pick == total && k-- > 0;)
            if (w[k] > 0)
                pick = k; /* rounding left u past the last */
    }
    free(w);
    *internal = value_at(d, pick);
    return KNOB_OK;
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
    .before_trial = before_trial,
    .sample_independent = sample_independent,
};
