/* Grid search over the product of given value lists. Points are taken in a seeded
 * random order; each is claimed in the storage before it runs, so workers in any number
 * of processes never run one point twice, and the study ends when every point is
 * claimed. */
#include "internal.h"
#include "space.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define GRID_MAX_POINTS 10000000u

typedef struct grid_param {
    char *name;
    knob__json *values; /* a non-empty array */
} grid_param;

typedef struct grid_state {
    grid_param *params;
    size_t n, cap;
    uint32_t *order; /* a permutation of [0, total), built at the first trial */
    uint8_t *taken;  /* one bit per point known claimed */
    uint64_t total, next;
} grid_state;

extern const knob_sampler_plugin knob__sampler_grid;

static void fini(void *state)
{
    grid_state *g = state;
    for (size_t i = 0; i < g->n; i++) {
        free(g->params[i].name);
        knob__json_free(g->params[i].values);
    }
    free(g->params);
    free(g->order);
    free(g->taken);
}

static bool scalar(const knob__json *j)
{
    return j->type != KNOB__JSON_ARRAY && j->type != KNOB__JSON_OBJECT;
}

int knob_sampler_grid_add(knob_sampler *sampler, const char *name, const char *values_json)
{
    if (!sampler || !name || !name[0] || !values_json)
        return knob__error(KNOB_EINVAL, "knob_sampler_grid_add: NULL or empty argument");
    if (strcmp(knob_sampler_name(sampler), knob__sampler_grid.name) != 0)
        return knob__error(KNOB_EINVAL, "knob_sampler_grid_add: sampler '%s' is not a grid",
                           knob_sampler_name(sampler));
    grid_state *g = knob_sampler_state(sampler);
    if (g->order)
        return knob__error(KNOB_ESTATE, "grid: param '%s' added after the search started", name);
    char err[128];
    knob__json *v = knob__json_parse(values_json, (size_t)-1, err, sizeof err);
    if (!v)
        return knob__error(KNOB_EINVAL, "grid param '%s': values are not JSON (%s)", name, err);
    if (v->type != KNOB__JSON_ARRAY || v->n == 0) {
        knob__json_free(v);
        return knob__error(KNOB_EINVAL, "grid param '%s': values must be a non-empty JSON array",
                           name);
    }
    for (size_t i = 0; i < v->n; i++) {
        if (!scalar(v->kids[i])) {
            knob__json_free(v);
            return knob__error(KNOB_EINVAL, "grid param '%s': value %zu is not a string, number, "
                               "boolean or null", name, i);
        }
    }
    for (size_t i = 0; i < g->n; i++) {
        if (strcmp(g->params[i].name, name) == 0) {
            knob__json_free(g->params[i].values);
            g->params[i].values = v;
            return KNOB_OK;
        }
    }
    char *copy = knob__strdup(name);
    if (!copy || knob__grow(&g->params, &g->cap, g->n + 1, sizeof *g->params)) {
        free(copy);
        knob__json_free(v);
        return knob__oom("grid");
    }
    g->params[g->n++] = (grid_param){copy, v};
    return KNOB_OK;
}

static int start(grid_state *g, knob_study *s)
{
    if (g->n == 0)
        return knob_set_error(KNOB_EINVAL, "grid sampler has no grid: add params with "
                              "knob_sampler_grid_add (or values in the sweep file)");
    uint64_t total = 1;
    for (size_t i = 0; i < g->n; i++) {
        total *= g->params[i].values->n;
        if (total > GRID_MAX_POINTS)
            return knob_set_error(KNOB_EINVAL, "grid has more than %u points; use a sampler "
                                  "that does not enumerate", GRID_MAX_POINTS);
    }
    g->order = malloc(total * sizeof *g->order);
    g->taken = calloc((total + 7) / 8, 1);
    if (!g->order || !g->taken)
        return knob_set_error(KNOB_ENOMEM, "out of memory (grid of %" PRIu64 " points)", total);
    knob_rng r;
    knob_rng_seed(&r, knob_sampler_seed(knob_study_sampler(s)));
    for (uint64_t i = 0; i < total; i++) {
        uint64_t j = knob_rng_below(&r, i + 1);
        g->order[i] = g->order[j];
        g->order[j] = (uint32_t)i;
    }
    g->total = total;
    /* Points claimed by trials already in the storage need no claim attempt. */
    const knob_trial_info *const *trials;
    size_t n;
    int rc = knob_study_trials(s, &trials, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        const char *id = knob_trial_info_attr(trials[i], "grid_id", true);
        uint64_t k;
        if (id && sscanf(id, "%" SCNu64, &k) == 1 && k < total)
            g->taken[k / 8] |= (uint8_t)(1u << (k % 8));
    }
    return rc;
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    grid_state *g = state;
    int rc = g->order ? KNOB_OK : start(g, s);
    if (rc)
        return rc;
    while (g->next < g->total) {
        uint32_t k = g->order[g->next++];
        if (g->taken[k / 8] & (1u << (k % 8)))
            continue;
        g->taken[k / 8] |= (uint8_t)(1u << (k % 8));
        char key[32];
        bool won;
        snprintf(key, sizeof key, "grid:%" PRIu32, k);
        if ((rc = knob_study_claim(s, key, t, &won)))
            return rc;
        if (won) {
            snprintf(key, sizeof key, "%" PRIu32, k);
            return knob_trial_set_system_attr(t, "grid_id", key);
        }
    }
    return knob_set_error(KNOB_EDONE, "study '%s': every point of the grid (%" PRIu64
                          ") has run or is running", knob_study_name(s), g->total);
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    grid_state *g = state;
    const char *id = knob_trial_system_attr(t, "grid_id");
    uint64_t k;
    if (!id || sscanf(id, "%" SCNu64, &k) != 1)
        return knob_set_error(KNOB_EINVAL, "grid: trial %lld has no grid point",
                              (long long)knob_trial_number(t));
    /* The point's index is mixed-radix over the params, the last one fastest. */
    for (size_t i = g->n; i-- > 0;) {
        size_t m = g->params[i].values->n;
        if (strcmp(g->params[i].name, name) == 0)
            return knob__dist_from_external(d, g->params[i].values->kids[k % m], internal, name);
        k /= m;
    }
    return knob_set_error(KNOB_EINVAL, "param '%s' is not in the grid; give it values with "
                          "knob_sampler_grid_add", name);
}

const knob_sampler_plugin knob__sampler_grid = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "grid",
    .help = "Runs every point of a grid once, in a seeded random order; no point runs twice "
            "across workers. Values per param come from knob_sampler_grid_add (or the sweep "
            "file's values). Options: seed.",
    .state_size = sizeof(grid_state),
    .fini = fini,
    .before_trial = before_trial,
    .sample_independent = sample_independent,
};
