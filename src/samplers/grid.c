/* Grid search over the product of given value lists. Points are taken in a seeded
 * random order; each is claimed in the storage before it runs, so workers in any number
 * of processes never run one point twice, and the study ends when every point is
 * claimed. */
#include "internal.h"
#include "space.h"
#include "util/json.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define GRID_MAX_POINTS 10000000u

typedef struct grid_param {
    const char *name;         /* in `space` */
    const knobx_json *values; /* a non-empty array, in `space` */
} grid_param;

typedef struct grid_state {
    char *search_space; /* the option: a JSON object, each param's values */
    char *parsed_from;  /* the text `space` was parsed from */
    knobx_json *space;
    grid_param *params;
    size_t n;
    uint32_t *order; /* a permutation of [0, total), built at the first trial */
    uint8_t *taken;  /* one bit per point known claimed */
    uint64_t total, next;
} grid_state;

static void drop_space(grid_state *g)
{
    knobx_json_free(g->space);
    free(g->params);
    free(g->parsed_from);
    g->space = NULL;
    g->params = NULL;
    g->parsed_from = NULL;
    g->n = 0;
}

static void fini(void *state)
{
    grid_state *g = state;
    drop_space(g);
    free(g->order);
    free(g->taken);
}

static bool scalar(const knobx_json *j)
{
    return j->type != KNOBX_JSON_ARRAY && j->type != KNOBX_JSON_OBJECT;
}

/* Parses the search_space option: {"lr": [0.001, 0.01], "opt": ["adam", "sgd"]}. */
static int parse_space(grid_state *g)
{
    const char *text = g->search_space ? g->search_space : "";
    if (g->parsed_from && strcmp(g->parsed_from, text) == 0)
        return KNOB_OK;
    drop_space(g);
    if (!text[0])
        return KNOB_OK;
    char err[128];
    knobx_json *j = knobx_json_parse(text, (size_t)-1, err, sizeof err);
    if (!j && knobx_json_check(text) <= 0)
        return knob__oom("grid search space");
    if (!j || j->type != KNOBX_JSON_OBJECT) {
        knobx_json_free(j);
        return knob__error(KNOB_EINVAL,
                           "sampler 'grid': option 'search_space' must be a JSON "
                           "object of value lists ({\"lr\": [0.01, 0.1]}): %s",
                           j ? "got another JSON value" : err);
    }
    for (size_t i = 0; i < j->n; i++) {
        const knobx_json *v = j->kids[i];
        /* The message is made before the tree (and the key in it) is freed. */
        int rc = KNOB_OK;
        if (v->type != KNOBX_JSON_ARRAY || v->n == 0)
            rc = knob__error(KNOB_EINVAL,
                             "sampler 'grid': param '%s': its values must be a non-empty "
                             "JSON array",
                             v->key);
        for (size_t k = 0; !rc && k < v->n; k++)
            if (!scalar(v->kids[k]))
                rc = knob__error(KNOB_EINVAL,
                                 "sampler 'grid': param '%s': value %zu is not a string, "
                                 "number, boolean or null",
                                 v->key, k);
        if (rc) {
            knobx_json_free(j);
            return rc;
        }
    }
    g->params = calloc(j->n ? j->n : 1, sizeof *g->params);
    g->parsed_from = knob__strdup(text);
    if (!g->params || !g->parsed_from) {
        knobx_json_free(j);
        free(g->params);
        free(g->parsed_from);
        g->params = NULL;
        g->parsed_from = NULL;
        return knob__oom("grid search space");
    }
    g->space = j;
    for (size_t i = 0; i < j->n; i++)
        g->params[g->n++] = (grid_param){j->kids[i]->key, j->kids[i]};
    return KNOB_OK;
}

static int init(void *state)
{
    return parse_space(state);
}

static int start(grid_state *g, knob_study *s)
{
    int rc = parse_space(g); /* set after creation with knob_sampler_set_option, perhaps */
    if (rc)
        return rc;
    if (g->n == 0)
        return knob_set_error(KNOB_EINVAL,
                              "grid sampler has no grid: give its option "
                              "search_space ({\"lr\": [0.01, 0.1], ...}), or values in the "
                              "sweep file");
    uint64_t total = 1;
    for (size_t i = 0; i < g->n; i++) {
        total *= g->params[i].values->n;
        if (total > GRID_MAX_POINTS)
            return knob_set_error(KNOB_EINVAL,
                                  "grid has more than %u points; use a sampler "
                                  "that does not enumerate",
                                  GRID_MAX_POINTS);
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
    rc = knob_study_trials(s, &trials, &n);
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
    return knob_set_error(KNOB_EDONE,
                          "study '%s': every point of the grid (%" PRIu64 ") has run or is running",
                          knob_study_name(s), g->total);
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
    return knob_set_error(KNOB_EINVAL,
                          "param '%s' is not in the grid; give it values in the "
                          "option search_space",
                          name);
}

static const knob_option options[] = {
    {"search_space", KNOB_OPT_STRING, offsetof(grid_state, search_space), "", 0, 0,
     "the grid: a JSON object of each param's values, {\"lr\": [0.001, 0.01], \"opt\": "
     "[\"adam\", \"sgd\"]}; the product of the lists is the grid, the last param varying "
     "fastest in a point's index",
     NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_grid = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "grid",
    .help = "Runs every point of a grid once, in a seeded random order; no point runs twice "
            "across workers. The grid is the option search_space (a sweep file's values make "
            "it). Options: search_space, seed.",
    .state_size = sizeof(grid_state),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_independent = sample_independent,
};
