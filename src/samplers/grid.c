/* Grid search over the product of given value lists, or over a union of such products
 * (a conditional space: each product holds the params active in it). Points are taken in
 * a seeded random order, or (option order: product) in the product's own order, as W&B's
 * grid takes them; each is claimed in the storage before it runs, so workers in any number
 * of processes never run one point twice, and the study ends when every point is
 * claimed. */
#include "internal.h"
#include "space.h"
#include "util/json.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_MAX_POINTS KNOB_GRID_MAX_POINTS

typedef struct grid_param {
    const char *name;         /* in `space` */
    const knobx_json *values; /* a non-empty array, in `space` */
    uint32_t *twice;          /* per value: how many equal values precede it (start) */
} grid_param;

/* One product: params[first .. first + n) of the state; `size` points. */
typedef struct grid_product {
    size_t first, n;
    uint64_t size;
} grid_product;

typedef struct grid_state {
    char *search_space; /* the option: a JSON object of each param's values, or an array */
    char *order_name;   /* the option order: random or product */
    char *parsed_from;  /* the text `space` was parsed from */
    knobx_json *space;
    grid_param *params;
    size_t n;
    grid_product *products;
    size_t n_products;
    uint32_t *order; /* a permutation of [0, total), built at the first trial */
    uint8_t *taken;  /* one bit per point known claimed */
    uint64_t total, next;
    /* An enqueued trial off the grid (queued_point): the point whose values its other
     * params take, unclaimed, and its fixed params; claimed if one of those is sampled
     * after all (its value did not fit the param's distribution: the point's runs). */
    bool pend;
    int64_t pend_number;
    uint64_t pend_point;
    knobx_json *pend_fixed;
} grid_state;

static void drop_space(grid_state *g)
{
    knobx_json_free(g->space);
    for (size_t i = 0; g->params && i < g->n; i++)
        free(g->params[i].twice);
    free(g->params);
    free(g->products);
    free(g->parsed_from);
    g->space = NULL;
    g->params = NULL;
    g->products = NULL;
    g->parsed_from = NULL;
    g->n = 0;
    g->n_products = 0;
}

static void drop_pending(grid_state *g)
{
    knobx_json_free(g->pend_fixed);
    g->pend_fixed = NULL;
    g->pend = false;
}

static void fini(void *state)
{
    grid_state *g = state;
    drop_space(g);
    drop_pending(g);
    free(g->order);
    free(g->taken);
}

static bool scalar(const knobx_json *j)
{
    return j->type != KNOBX_JSON_ARRAY && j->type != KNOBX_JSON_OBJECT;
}

/* Checks one product: an object whose every member is a non-empty array of scalars. */
static int check_product(const knobx_json *j, const char *err)
{
    if (j->type != KNOBX_JSON_OBJECT)
        return knob__error(KNOB_EINVAL,
                           "sampler 'grid': option 'search_space' must be a JSON object of "
                           "value lists ({\"lr\": [0.01, 0.1]}), or an array of such objects: %s",
                           err);
    for (size_t i = 0; i < j->n; i++) {
        const knobx_json *v = j->kids[i];
        if (v->type != KNOBX_JSON_ARRAY || v->n == 0)
            return knob__error(KNOB_EINVAL,
                               "sampler 'grid': param '%s': its values must be a non-empty "
                               "JSON array",
                               v->key);
        for (size_t k = 0; k < v->n; k++)
            if (!scalar(v->kids[k]))
                return knob__error(KNOB_EINVAL,
                                   "sampler 'grid': param '%s': its value at index %zu is a "
                                   "JSON %s, not a string, number, boolean or null",
                                   v->key, k,
                                   v->kids[k]->type == KNOBX_JSON_ARRAY ? "array" : "object");
    }
    return KNOB_OK;
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The values of list v as JSON texts, sorted (one buffer: texts[i] point into *buf), for
 * comparing two lists' values in O(n log n); false when out of memory. */
static bool sorted_texts(const knobx_json *v, knobx_buf *buf, char ***texts)
{
    size_t *at = malloc((v->n ? v->n : 1) * sizeof *at);
    *texts = malloc((v->n ? v->n : 1) * sizeof **texts);
    for (size_t i = 0; at && *texts && i < v->n; i++) {
        at[i] = buf->len;
        knobx_json_add_node(buf, v->kids[i]);
        knobx_buf_add(buf, "", 1);
    }
    bool ok = at && *texts && !buf->oom;
    for (size_t i = 0; ok && i < v->n; i++)
        (*texts)[i] = buf->data + at[i];
    if (ok)
        qsort(*texts, v->n, sizeof **texts, cmp_text);
    free(at);
    return ok;
}

/* Whether lists a and b share a value (1, 1.0 and 1e0 alike: JSON's numbers are read as
 * doubles and written back); -1 when out of memory. */
static int lists_meet(const knobx_json *a, const knobx_json *b)
{
    knobx_buf ba = {0}, bb = {0};
    char **ta = NULL, **tb = NULL;
    int meet = sorted_texts(a, &ba, &ta) && sorted_texts(b, &bb, &tb) ? 0 : -1;
    for (size_t i = 0, k = 0; !meet && i < a->n && k < b->n;) {
        int c = strcmp(ta[i], tb[k]);
        meet = c == 0;
        i += c <= 0;
        k += c >= 0;
    }
    free(ta);
    free(tb);
    knobx_buf_free(&ba);
    knobx_buf_free(&bb);
    return meet;
}

/* Whether products x and y (objects of value lists) share a point: the same params, and a
 * value in common in each; -1 when out of memory. A point in two products ran twice, and
 * the grid counted it twice. */
static int products_meet(const knobx_json *x, const knobx_json *y)
{
    if (x->n != y->n)
        return 0;
    for (size_t i = 0; i < x->n; i++) {
        const knobx_json *other = knobx_json_get(y, x->kids[i]->key);
        int meet = other ? lists_meet(x->kids[i], other) : 0;
        if (meet <= 0)
            return meet;
    }
    return 1;
}

/* The products of a parsed space: the object itself, or each object of the array. */
static int check_space(const knobx_json *j, const char *err)
{
    if (!j)
        return check_product(&(knobx_json){.type = KNOBX_JSON_NULL}, err);
    if (j->type != KNOBX_JSON_ARRAY)
        return check_product(j, "got another JSON value");
    if (j->n == 0)
        return knob__error(KNOB_EINVAL,
                           "sampler 'grid': option 'search_space' is an empty array of products");
    for (size_t i = 0; i < j->n; i++) {
        char why[48];
        snprintf(why, sizeof why, "item %zu of the array is another JSON value", i);
        int rc = check_product(j->kids[i], why);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < j->n; i++)
        for (size_t k = i + 1; k < j->n; k++) {
            int meet = products_meet(j->kids[i], j->kids[k]);
            if (meet < 0)
                return knob__oom("grid search space");
            if (meet)
                return knob__error(KNOB_EINVAL,
                                   "sampler 'grid': option 'search_space': products %zu and "
                                   "%zu (from 0) share points: they have the same params and a "
                                   "value in common in each; the products must be disjoint",
                                   i, k);
        }
    return KNOB_OK;
}

static int take_space(grid_state *g, knobx_json *j)
{
    const knobx_json *const *items = j->type == KNOBX_JSON_ARRAY
                                         ? (const knobx_json *const *)j->kids
                                         : (const knobx_json *const *)&j;
    size_t n_items = j->type == KNOBX_JSON_ARRAY ? j->n : 1, n = 0;
    for (size_t i = 0; i < n_items; i++)
        n += items[i]->n;
    g->params = calloc(n ? n : 1, sizeof *g->params);
    g->products = calloc(n_items, sizeof *g->products);
    if (!g->params || !g->products)
        return knob__oom("grid search space");
    for (size_t i = 0; i < n_items; i++) {
        grid_product *p = &g->products[g->n_products++];
        p->first = g->n;
        p->size = 1;
        for (size_t k = 0; k < items[i]->n; k++) {
            const knobx_json *v = items[i]->kids[k];
            g->params[g->n++] = (grid_param){v->key, v, NULL};
            p->size = p->size <= GRID_MAX_POINTS ? p->size * v->n : p->size;
            p->n++;
        }
    }
    return KNOB_OK;
}

/* Parses the search_space option: {"lr": [0.001, 0.01], "opt": ["adam", "sgd"]}, or an
 * array of such objects, disjoint products whose union is the grid. */
static int parse_space(grid_state *g)
{
    const char *text = g->search_space ? g->search_space : "";
    if (g->parsed_from && strcmp(g->parsed_from, text) == 0)
        return KNOB_OK;
    drop_space(g);
    if (!text[0])
        return KNOB_OK;
    char err[256];
    knobx_json *j = knobx_json_parse(text, (size_t)-1, err, sizeof err);
    if (!j && knobx_json_check(text) <= 0)
        return knob__oom("grid search space");
    /* NaN and the infinities, as Python's json writes them, are no JSON values */
    if (!j && (strstr(text, "NaN") || strstr(text, "Infinity"))) {
        size_t k = strlen(err);
        snprintf(err + k, sizeof err - k,
                 " (NaN and infinities are not JSON values: a grid's values are strings, "
                 "finite numbers, booleans or null)");
    }
    /* The message is made before the tree (and the keys in it) is freed. */
    int rc = check_space(j, err);
    if (!rc)
        rc = take_space(g, j);
    if (!rc && !(g->parsed_from = knob__strdup(text)))
        rc = knob__oom("grid search space");
    if (rc) {
        knobx_json_free(j);
        free(g->params);
        free(g->products);
        g->params = NULL;
        g->products = NULL;
        g->n = g->n_products = 0;
        return rc;
    }
    g->space = j;
    return KNOB_OK;
}

static int init(void *state)
{
    return parse_space(state);
}

static bool in_product(const grid_state *g, const grid_product *p, const char *name)
{
    for (size_t i = p->first; i < p->first + p->n; i++)
        if (strcmp(g->params[i].name, name) == 0)
            return true;
    return false;
}

static bool in_grid(const grid_state *g, const char *name)
{
    for (size_t q = 0; q < g->n_products; q++)
        if (in_product(g, &g->products[q], name))
            return true;
    return false;
}

/* How many of trial t's params are params of the grid. */
static size_t params_in_grid(const grid_state *g, const knob_trial_info *t)
{
    size_t in = 0;
    for (size_t i = 0; i < t->n_params; i++)
        in += in_grid(g, t->params[i].name);
    return in;
}

/* The product point k is in; k becomes its index there. Products are numbered one after the
 * other; within one, a point's index is mixed-radix over its params, the last one fastest. */
static const grid_product *product_of(const grid_state *g, uint64_t *k)
{
    size_t j = 0;
    while (j + 1 < g->n_products && *k >= g->products[j].size)
        *k -= g->products[j++].size;
    return &g->products[j];
}

/* Value m of param q as an internal value of d. A value listed again is the choice of its
 * rank among the equal choices: of [1, 1.0], whose choices are both the number 1 to the
 * library, the second is choice 1, which a caller (the CLI) gives to its program as 1.0; of
 * [ok, crash, ok], the second ok is choice 2. With fewer equal choices in d (a trial's
 * distribution from before the sweep was edited: [2, 1], then [1, 1.0]), NaN: no value of d
 * is that one, so that the trial's 1 is not taken for the 1.0 point. */
static int value_internal(const grid_param *q, size_t m, const knob_distribution *d, double *x)
{
    int rc = knob__dist_from_external(d, q->values->kids[m], x, q->name);
    if (rc || d->kind != KNOB_DIST_CATEGORICAL || !q->twice || !q->twice[m])
        return rc;
    const knob_choice *first = &d->choices[(size_t)*x];
    uint32_t rank = q->twice[m];
    for (size_t i = (size_t)*x + 1; i < d->n_choices; i++)
        if (knob__choice_same(&d->choices[i], first) && --rank == 0) {
            *x = (double)i;
            return KNOB_OK;
        }
    *x = NAN;
    return KNOB_OK;
}

/* Whether the trial's value tp of param q (under the trial's distribution) is value m of q's
 * list. A value the distribution cannot hold is not it: the caller's message is kept. */
static bool value_is_exactly(const grid_param *q, size_t m, const knob_param *tp)
{
    knob__kept_error kept;
    knob__error_keep(&kept);
    double x;
    bool is = value_internal(q, m, tp->dist, &x) == KNOB_OK && x == tp->internal;
    knob__error_put(&kept);
    return is;
}

/* The number a trial's categorical value is, or NaN. */
static double choice_number(const knob_param *tp)
{
    const knob_distribution *d = tp->dist;
    size_t i = (size_t)tp->internal;
    if (d->kind != KNOB_DIST_CATEGORICAL || !(tp->internal >= 0) || i >= d->n_choices ||
        d->choices[i].type != KNOB_CHOICE_NUMBER)
        return NAN;
    return d->choices[i].num;
}

/* Whether the trial's value tp of param q is value m of q's list: exactly, or, for a number
 * no value of the list is exactly, within the 15 significant digits knob's command wrote the
 * multiples of a step that needs more (a grid of q_log_uniform_values by 0.3333333333333333
 * held 0.333333333333333 in a study of an older knob, which would run its points again). */
static bool value_is(const grid_param *q, size_t m, const knob_param *tp)
{
    if (value_is_exactly(q, m, tp))
        return true;
    double v = choice_number(tp);
    const knobx_json *want = q->values->kids[m];
    if (isnan(v) || want->type != KNOBX_JSON_NUMBER ||
        !(fabs(want->num - v) <= 1e-14 * fmax(fabs(want->num), fabs(v))))
        return false;
    for (size_t k = 0; k < q->values->n; k++)
        if (value_is_exactly(q, k, tp))
            return false;
    return true;
}

/* The index in its value list of the trial's value of param q, or SIZE_MAX. */
static size_t value_index(const grid_param *q, const knob_param *tp)
{
    for (size_t m = 0; m < q->values->n; m++)
        if (value_is(q, m, tp))
            return m;
    return SIZE_MAX;
}

/* Whether trial t's params are point k's: each param of the grid it has is one of k's
 * product, at k's value (a trial that failed before suggesting them all has some). */
static bool point_has(const grid_state *g, uint64_t k, const knob_trial_info *t)
{
    size_t matched = 0;
    const grid_product *p = product_of(g, &k);
    bool all = true;
    for (size_t i = p->first + p->n; all && i-- > p->first;) {
        size_t m = g->params[i].values->n;
        const knob_param *tp = knob_trial_info_param(t, g->params[i].name);
        all = !tp || value_is(&g->params[i], k % m, tp);
        matched += tp != NULL;
        k /= m;
    }
    return all && matched == params_in_grid(g, t);
}

/* A trial failed because its run was stopped by its user (fail_cause "interrupted", as
 * knob run writes it on Ctrl-C): it ran no point, which runs again. A trial that failed
 * otherwise ran its point, as Optuna's GridSampler counts it. */
static bool interrupted(const knob_trial_info *t)
{
    if (t->state != KNOB_TRIAL_FAIL) /* the state first: no search of the attributes */
        return false;
    const char *cause = knob_trial_info_attr(t, "fail_cause", true);
    return cause && !strcmp(cause, "\"interrupted\"");
}

/* The point a trial ran (or runs): its grid_id when that point of this grid has its params
 * (a value listed twice is the one it ran), else the point its params are in this grid (a
 * sweep edited since: the first of equal values); false when none. */
static bool point_of(const grid_state *g, const knob_trial_info *t, uint64_t *point)
{
    const char *id = knob_trial_info_attr(t, "grid_id", true);
    uint64_t k;
    if (id && sscanf(id, "%" SCNu64, &k) == 1 && k < g->total && point_has(g, k, t)) {
        *point = k;
        return true;
    }
    uint64_t base = 0;
    size_t in = params_in_grid(g, t);
    for (size_t j = 0; j < g->n_products; base += g->products[j++].size) {
        const grid_product *p = &g->products[j];
        if (in != p->n || p->n == 0)
            continue;
        uint64_t at = 0;
        bool all = true;
        for (size_t i = p->first; all && i < p->first + p->n; i++) {
            const knob_param *tp = knob_trial_info_param(t, g->params[i].name);
            size_t m = tp ? value_index(&g->params[i], tp) : SIZE_MAX;
            all = m != SIZE_MAX;
            at = at * g->params[i].values->n + m;
        }
        if (all) {
            *point = base + at;
            return true;
        }
    }
    return false;
}

typedef struct grid_text {
    char *text;
    uint32_t at;
} grid_text;

static int by_text(const void *a, const void *b)
{
    const grid_text *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* For each value of param q, how many equal values (the same JSON, -0 read as 0: the
 * library's choices are equal as numbers) precede it in its list: [ok, crash, ok] gives 0,
 * 0, 1, and [0.0, -0.0] 0, 1 (told apart by their texts, both points ran choice 0). By
 * sorting the values' texts, for long lists. */
static int count_twice(grid_param *q)
{
    size_t n = q->values->n;
    grid_text *t = calloc(n, sizeof *t);
    q->twice = calloc(n, sizeof *q->twice);
    int rc = t && q->twice ? KNOB_OK : knob__oom("grid: the values of a param");
    for (size_t m = 0; !rc && m < n; m++) {
        knobx_buf b = {0};
        const knobx_json *v = q->values->kids[m];
        if (v->type == KNOBX_JSON_NUMBER && v->num == 0 && !v->big)
            knobx_buf_puts(&b, "0");
        else
            knobx_json_add_node(&b, v);
        t[m] = (grid_text){b.oom ? NULL : (char *)knobx_buf_cstr(&b), (uint32_t)m};
        if (!t[m].text) {
            knobx_buf_free(&b);
            rc = knob__oom("grid: the values of a param");
        }
    }
    if (!rc) {
        qsort(t, n, sizeof *t, by_text);
        for (size_t m = 1; m < n; m++)
            if (!strcmp(t[m].text, t[m - 1].text))
                q->twice[t[m].at] = q->twice[t[m - 1].at] + 1;
    }
    for (size_t m = 0; t && m < n; m++)
        free(t[m].text);
    free(t);
    return rc;
}

/* Sets in `bits` the points the trials ran or run (every trial but a waiting or interrupted
 * one): each by its params, not by its grid_id, which numbers a point of the grid of its day
 * (a sweep edited between runs renumbers them). */
static void mark_run(const grid_state *g, const knob_trial_info *const *trials, size_t n,
                     uint8_t *bits)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t k;
        if (!interrupted(trials[i]) && point_of(g, trials[i], &k))
            bits[k / 8] |= (uint8_t)(1u << (k % 8));
    }
}

/* The grid's points: its space parsed and counted, and the equal values of each param
 * (count_twice); no order yet (knob_study_trials_left on a grid whose waiting trials all name
 * their points needs none). */
static int prepare(grid_state *g)
{
    int rc = parse_space(g); /* set after creation with knob_sampler_set_option, perhaps */
    if (rc)
        return rc;
    if (g->n_products == 0)
        return knob_set_error(KNOB_EINVAL,
                              "grid sampler has no grid: give its option "
                              "search_space ({\"lr\": [0.01, 0.1], ...}), or values in the "
                              "sweep file");
    uint64_t total = 0;
    for (size_t i = 0; i < g->n_products; i++) {
        total += g->products[i].size;
        if (total > GRID_MAX_POINTS)
            return knob_set_error(KNOB_EINVAL,
                                  "grid has more than %u points; use a sampler "
                                  "that does not enumerate",
                                  GRID_MAX_POINTS);
    }
    if (g->order && g->total != total) { /* the space was set again since the order */
        free(g->order);
        g->order = NULL;
    }
    g->total = total;
    for (size_t i = 0; !rc && i < g->n; i++)
        if (!g->params[i].twice)
            rc = count_twice(&g->params[i]);
    return rc;
}

/* The order the points run in (prepare first). */
static int make_order(grid_state *g, knob_study *s)
{
    if (g->order)
        return KNOB_OK;
    uint64_t total = g->total;
    g->order = malloc((total ? total : 1) * sizeof *g->order);
    if (!g->order)
        return knob_set_error(KNOB_ENOMEM, "out of memory (grid of %" PRIu64 " points)", total);
    /* product: point by point as their indices go, the last param varying fastest, product
     * after product; every worker and every run of the study takes them in that order */
    bool product = g->order_name && !strcmp(g->order_name, "product");
    knob_rng r;
    knob_rng_seed(&r, knob_sampler_seed(knob_study_sampler(s)));
    for (uint64_t i = 0; i < total; i++) {
        uint64_t j = product ? i : knob_rng_below(&r, i + 1);
        if (j != i)
            g->order[i] = g->order[j];
        g->order[j] = (uint32_t)i;
    }
    return KNOB_OK;
}

/* Ready to ask: the order, and the points known taken. */
static int start(grid_state *g, knob_study *s)
{
    int rc = prepare(g);
    if (rc || (rc = make_order(g, s)))
        return rc;
    g->taken = calloc((g->total + 7) / 8, 1);
    if (!g->taken)
        return knob_set_error(KNOB_ENOMEM, "out of memory (grid of %" PRIu64 " points)", g->total);
    /* Points run by trials already in the storage need no claim attempt. */
    const knob_trial_info *const *trials;
    size_t n;
    rc = knob_study_trials(s, &trials, &n);
    if (!rc)
        mark_run(g, trials, n, g->taken);
    return rc;
}

/* How many interrupted trials ran point k, in *n; *held true when another trial has it:
 * one running or finished there, or an enqueued retry of a trial there. A claim lost to
 * another worker (the common case) costs a pass over the trials' states alone. */
static int interruptions(const grid_state *g, knob_study *s, uint64_t k, uint64_t *n, bool *held)
{
    const knob_trial_info *const *trials;
    size_t nt;
    uint64_t at;
    *n = 0;
    *held = false;
    int rc = knob_study_trials(s, &trials, &nt);
    for (size_t i = 0; !rc && i < nt; i++)
        *n += interrupted(trials[i]) && point_of(g, trials[i], &at) && at == k;
    for (size_t i = 0; !rc && *n && i < nt && !*held; i++) {
        const knob_trial_info *t = trials[i];
        const char *of =
            t->state == KNOB_TRIAL_WAITING ? knob_trial_info_attr(t, "retry_of", true) : NULL;
        int64_t o;
        if (of && sscanf(of, "%" SCNd64, &o) == 1 && o >= 0 && (size_t)o < nt &&
            trials[o]->number == o)
            t = trials[o]; /* a retry waiting to run its original's point */
        *held = (t != trials[i] || !interrupted(t)) && point_of(g, t, &at) && at == k;
    }
    return rc;
}

/* Whether value m of param q is the one a fixed value v runs: equal to it, and the first of
 * values listed twice ([ok, crash, ok]: the trial's ok is the first choice of its equal
 * ones, and runs the first ok's point, never the second's). */
static bool fixed_is(const grid_param *q, size_t m, const knobx_json *v, bool loose)
{
    return knobx_json_given_equal(q->values->kids[m], v, loose) && !(q->twice && q->twice[m]);
}

/* Whether point k agrees with the fixed params: its product holds every fixed name that is
 * a param of the grid, each at the fixed value (fixed_is). */
static bool agrees(const grid_state *g, uint64_t k, const knobx_json *fixed, bool loose)
{
    const grid_product *p = product_of(g, &k);
    for (size_t f = 0; f < fixed->n; f++)
        if (!in_product(g, p, fixed->kids[f]->key) && in_grid(g, fixed->kids[f]->key))
            return false;
    for (size_t i = p->first + p->n; i-- > p->first;) {
        size_t m = g->params[i].values->n;
        const knobx_json *v = knobx_json_get(fixed, g->params[i].name);
        if (v && !fixed_is(&g->params[i], k % m, v, loose))
            return false;
        k /= m;
    }
    return true;
}

/* The fixed params whose values the grid lists (of an enqueued trial off the grid: those it
 * runs as they are), as an object in *part whose members are fixed's own, in kids (room for
 * fixed->n). */
static void on_grid_part(const grid_state *g, const knobx_json *fixed, knobx_json **kids,
                         knobx_json *part)
{
    *part = (knobx_json){.type = KNOBX_JSON_OBJECT, .kids = kids};
    for (size_t f = 0; f < fixed->n; f++) {
        bool listed = false;
        for (size_t q = 0; q < g->n && !listed; q++)
            for (size_t m = 0; !strcmp(g->params[q].name, fixed->kids[f]->key) && !listed &&
                               m < g->params[q].values->n;
                 m++)
                listed =
                    knobx_json_given_equal(g->params[q].values->kids[m], fixed->kids[f], false);
        if (listed)
            kids[part->n++] = fixed->kids[f];
    }
}

static int set_point_as(knob_trial *t, uint64_t k, const char *attr)
{
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, k);
    return knob_trial_set_system_attr(t, attr, key);
}

/* The trial's point: its system attribute grid_id, which says it ran (or runs) that point,
 * as Optuna's, to whoever counts the grid's points by it. */
static int set_point(knob_trial *t, uint64_t k)
{
    return set_point_as(t, k, "grid_id");
}

/* Point k for trial t: *won false when this handle saw it taken, or another trial holds
 * its claim (a key naming the point) in the storage; else it is t's from now on. */
static int claim_point(grid_state *g, knob_study *s, knob_trial *t, uint64_t k, bool *won)
{
    *won = false;
    if (g->taken[k / 8] & (1u << (k % 8)))
        return KNOB_OK;
    g->taken[k / 8] |= (uint8_t)(1u << (k % 8));
    /* The claim names the point by its params and values (a hash of them), not its index:
     * a sweep edited between runs renumbers the points, and a claim by index then held
     * another point of the new grid, which no trial ran (after [1, 2, 3] to [4, 5, 6], two
     * of the three new points were skipped). */
    uint64_t i = k;
    const grid_product *p = product_of(g, &i);
    knobx_buf text = {0};
    for (size_t q = p->first + p->n; q-- > p->first;) {
        const knobx_json *values = g->params[q].values;
        size_t m = values->n;
        knobx_buf_puts(&text, g->params[q].name);
        knobx_buf_add(&text, "", 1);
        knobx_json_add_node(&text, values->kids[i % m]);
        /* a value listed twice ([ok, crash, ok]) is two points: the how-manieth it is */
        knobx_buf_add(&text, "", 1);
        knobx_buf_printf(&text, "%u", (unsigned)g->params[q].twice[i % m]);
        knobx_buf_add(&text, "", 1);
        i /= m;
    }
    if (text.oom) {
        knobx_buf_free(&text);
        return knob__oom("grid: a point's claim");
    }
    uint64_t h = knob__hash_bytes(text.data, text.len);
    knobx_buf_free(&text);
    char key[64];
    snprintf(key, sizeof key, "grid:%016" PRIx64, h);
    int rc = knob_study_claim(s, key, t, won);
    /* Its claim held by trials that were interrupted, and by no other: the point runs
     * again, under a claim that counts them (so that one worker alone runs it again) */
    uint64_t n;
    bool held;
    if (rc || *won || (rc = interruptions(g, s, k, &n, &held)) || held || !n)
        return rc;
    snprintf(key, sizeof key, "grid:%016" PRIx64 ":%" PRIu64, h, n);
    return knob_study_claim(s, key, t, won);
}

/* The one point fixed params name in full: those of a product that give each of its params
 * of several values (and no grid param outside it), each value found in its list (the first
 * of a value listed twice). Computed from the values' places, not by a scan of the grid.
 * false when none. */
static bool fixed_point(const grid_state *g, const knobx_json *fixed, uint64_t *out)
{
    uint64_t base = 0;
    for (size_t j = 0; j < g->n_products; base += g->products[j++].size) {
        const grid_product *p = &g->products[j];
        bool all = true; /* every param given, but one of a single value (that value) */
        for (size_t q = p->first; q < p->first + p->n && all; q++)
            all = g->params[q].values->n == 1 || knobx_json_get(fixed, g->params[q].name);
        for (size_t f = 0; all && f < fixed->n; f++)
            all = in_product(g, p, fixed->kids[f]->key) || !in_grid(g, fixed->kids[f]->key);
        if (!all)
            continue;
        uint64_t k = 0;
        bool found = true;
        for (size_t q = p->first; q < p->first + p->n && found; q++) {
            const knobx_json *vals = g->params[q].values;
            const knobx_json *v = knobx_json_get(fixed, g->params[q].name);
            size_t at = 0;
            while (v && at < vals->n && !knobx_json_given_equal(vals->kids[at], v, false))
                at++;
            found = at < vals->n;
            k = k * vals->n + at; /* the last param varies fastest, as agrees reads k */
        }
        if (found) {
            *out = base + k;
            return true;
        }
    }
    return false;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The points that enqueued trials waiting to run (but trial `number`) name in full, sorted. */
static int reserved_points(const grid_state *g, const knob_trial_info *const *trials, size_t n,
                           int64_t number, uint64_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    for (size_t j = 0; j < n; j++) {
        const knob_trial_info *w = trials[j];
        const char *json = w->state == KNOB_TRIAL_WAITING && w->number != number
                               ? knob_trial_info_attr(w, "fixed_params", true)
                               : NULL;
        knobx_json *fixed = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
        uint64_t k;
        bool one = fixed && fixed->type == KNOBX_JSON_OBJECT && fixed_point(g, fixed, &k);
        knobx_json_free(fixed);
        if (!one)
            continue;
        uint64_t *grown = realloc(*out, (*n_out + 1) * sizeof *grown);
        if (!grown) {
            free(*out);
            *out = NULL;
            *n_out = 0;
            return knob__oom("grid: the points of waiting trials");
        }
        *out = grown;
        (*out)[(*n_out)++] = k;
    }
    if (*n_out > 1)
        qsort(*out, *n_out, sizeof **out, cmp_u64);
    return KNOB_OK;
}

/* Whether an enqueued trial off the grid runs a point after all (queued_point's pending
 * point): a fixed value of a grid param that the param's distribution, as the study's trials
 * suggested it last, does not take; the sampler samples it, and the trial runs the point.
 * Unknown (no trial has suggested the param), or a grid of several products (whether the
 * trial suggests the param at all depends on the values it runs): it is taken to fit. */
static bool runs_a_point(const grid_state *g, const knob_trial_info *const *trials, size_t n,
                         const knobx_json *fixed)
{
    for (size_t f = 0; g->n_products == 1 && f < fixed->n; f++) {
        const char *name = fixed->kids[f]->key;
        if (!in_grid(g, name))
            continue;
        for (size_t i = n; i-- > 0;) {
            const knob_param *tp = knob_trial_info_param(trials[i], name);
            double x;
            if (!tp)
                continue;
            if (!knob__fixed_fits(tp->dist, fixed->kids[f], name, &x))
                return true;
            break;
        }
    }
    return false;
}

/* A retry takes the point of the trial it retries. Else an enqueued trial whose fixed
 * params agree with points of the grid takes one of them: the first one not yet claimed, in
 * the grid's order, which it claims (so no other trial runs it), one that no other waiting
 * enqueued trial names in full first; when every such point has run, the first of them
 * (not so named, when one is not), unclaimed (it runs again, as the queue asked, and takes
 * no other point); when they agree with no point, none (below). *done false when it is not
 * enqueued or fixes no param of the grid. */
static int queued_point(grid_state *g, knob_study *s, knob_trial *t, bool *done)
{
    *done = false;
    int64_t number = knob_trial_number(t);
    const knob_trial_info *const *trials;
    size_t n;
    int rc = number < 0 ? KNOB_OK : knob_study_trials(s, &trials, &n);
    if (rc || number < 0 || (size_t)number >= n || trials[number]->number != number)
        return rc;
    /* a retry (knob_study_retry_trial, a lost heartbeat) runs its original's point again:
     * its fixed params are the ones the original suggested before it failed, perhaps not
     * all of the point's */
    const char *of = knob_trial_info_attr(trials[number], "retry_of", true);
    int64_t origin;
    if (of && sscanf(of, "%" SCNd64, &origin) == 1 && origin >= 0 && (size_t)origin < n &&
        trials[origin]->number == origin) {
        /* the original's point in this grid, by its params when the sweep was edited */
        uint64_t k;
        if (point_of(g, trials[origin], &k)) {
            g->taken[k / 8] |= (uint8_t)(1u << (k % 8));
            *done = (rc = set_point(t, k)) == KNOB_OK;
            return rc;
        }
    }
    const char *json = knob_trial_info_attr(trials[number], "fixed_params", true);
    knobx_json *fixed = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    if (json && !fixed && knobx_json_check(json) <= 0)
        return knob__oom("grid: fixed params");
    bool named = false;
    for (size_t f = 0; fixed && fixed->type == KNOBX_JSON_OBJECT && f < fixed->n && !named; f++)
        named = in_grid(g, fixed->kids[f]->key);
    if (!named) {
        knobx_json_free(fixed);
        return KNOB_OK;
    }
    /* the points other enqueued trials waiting to run name in full: a trial that gives some
     * of the values takes another point first (it took (x, 1) where a waiting trial gave
     * x and 1, and that one ran it again) */
    uint64_t *reserved = NULL, own;
    size_t n_reserved = 0;
    /* a trial that names a point in full takes it whatever others name */
    if (!fixed_point(g, fixed, &own) &&
        (rc = reserved_points(g, trials, n, number, &reserved, &n_reserved))) {
        knobx_json_free(fixed);
        return rc;
    }
    /* the values themselves first (strict), then a bool as 1 or 0 (loose, only when no
     * point agrees strictly); each way the points not reserved first, then any */
    uint64_t first = g->total;
    for (int pass = 0; pass < 4 && !rc && !*done; pass++) {
        bool loose = pass >= 2, spare = pass % 2 == 0;
        if ((spare && !n_reserved) || (loose && first < g->total))
            continue;
        for (uint64_t i = 0; !rc && !*done && i < g->total; i++) {
            uint64_t k = g->order[i];
            bool skip = spare && bsearch(&k, reserved, n_reserved, sizeof k, cmp_u64);
            if (skip || !agrees(g, k, fixed, loose))
                continue;
            first = first < g->total ? first : k;
            bool won;
            if (!(rc = claim_point(g, s, t, k, &won)) && won && !(rc = set_point(t, k)))
                *done = true;
        }
    }
    if (!rc && !*done && first < g->total && !(rc = set_point(t, first)))
        *done = true;
    /* Its fixed values lie off the grid (an enqueued baseline, lr 0.9 beside a grid of 0.1
     * to 0.5): it is no point of the grid, and claims none. The params it does not fix
     * take a point's values, the next one to run, which stays unclaimed (sample_independent
     * claims it if a fixed value is not used after all): claiming it made a point that
     * never ran count as run, and the grid ended without it. With every point taken, it
     * takes none (the grid is done). */
    if (!rc && !*done && first == g->total) {
        /* When a value does not fit its param (runs_a_point), the next point of the values
         * it gives that the grid lists, which it runs as they are (then the point it claims,
         * when that value is sampled, is the one it runs); else the next point, whose values
         * it runs only for the params it does not give (or, if a value does not fit after
         * all, those of the point misfit_point finds then) */
        uint64_t i = g->next;
        if (runs_a_point(g, trials, n, fixed)) {
            knobx_json **kids = malloc((fixed->n ? fixed->n : 1) * sizeof *kids), part;
            if (!kids) {
                knobx_json_free(fixed);
                free(reserved);
                return knob__oom("grid: fixed params");
            }
            on_grid_part(g, fixed, kids, &part);
            while (i < g->total && ((g->taken[g->order[i] / 8] & (1u << (g->order[i] % 8))) ||
                                    !agrees(g, g->order[i], &part, false)))
                i++;
            if (i == g->total)
                i = g->next;
            free(kids);
        }
        while (i < g->total && (g->taken[g->order[i] / 8] & (1u << (g->order[i] % 8))))
            i++;
        /* grid_values, not grid_id: the trial does not run that point (is_exhausted of the
         * Python package counts grid_id) */
        if (i < g->total && !(rc = set_point_as(t, g->order[i], "grid_values"))) {
            *done = true;
            g->pend = true;
            g->pend_number = number;
            g->pend_point = g->order[i];
            g->pend_fixed = fixed;
            fixed = NULL;
        }
    }
    knobx_json_free(fixed);
    free(reserved);
    return rc;
}

static bool bit(const uint8_t *bits, uint64_t k)
{
    return bits[k / 8] & (1u << (k % 8));
}

static void set_bit(uint8_t *bits, uint64_t k)
{
    bits[k / 8] |= (uint8_t)(1u << (k % 8));
}

/* What trials_left reads and marks as it gives each waiting trial its point. */
typedef struct grid_count {
    const knob_trial_info *const *trials;
    size_t n;
    const uint64_t *reserved; /* the points waiting trials name in full, sorted */
    size_t n_reserved;
    uint8_t *bits;  /* the points taken so far */
    uint64_t next;  /* the place in the order before which every point is taken */
    uint32_t *rank; /* each point's place in the order; built when a trial needs it */
} grid_count;

/* The point of the trial a waiting retry w runs again, if it has one. */
static bool retry_point(const grid_state *g, const grid_count *c, const knob_trial_info *w,
                        uint64_t *k)
{
    const char *of = knob_trial_info_attr(w, "retry_of", true);
    int64_t origin;
    return of && sscanf(of, "%" SCNd64, &origin) == 1 && origin >= 0 && (size_t)origin < c->n &&
           c->trials[origin]->number == origin && point_of(g, c->trials[origin], k);
}

/* The next point in the order not taken, taken when `take` (as before_trial takes it). */
static void next_free(const grid_state *g, grid_count *c, bool take)
{
    while (c->next < g->total && bit(c->bits, g->order[c->next]))
        c->next++;
    if (c->next < g->total && take)
        set_bit(c->bits, g->order[c->next]);
}

/* The point earliest in the order that agrees with the fixed params (as agrees), is not
 * taken and, when `spare`, not reserved, in *out; found over the agreeing points alone (an
 * odometer over the values each param may take), not by a pass over the order. *agree:
 * whether any point agrees. */
static int first_agreeing(const grid_state *g, const grid_count *c, const knobx_json *fixed,
                          bool loose, bool spare, bool *agree, bool *found, uint64_t *out)
{
    uint64_t base = 0, best = UINT64_MAX;
    int rc = KNOB_OK;
    *agree = *found = false;
    for (size_t j = 0; !rc && j < g->n_products; base += g->products[j++].size) {
        const grid_product *p = &g->products[j];
        bool fits = true;
        for (size_t f = 0; fits && f < fixed->n; f++)
            fits = in_product(g, p, fixed->kids[f]->key) || !in_grid(g, fixed->kids[f]->key);
        if (!fits)
            continue;
        size_t width = 0;
        for (size_t q = p->first; q < p->first + p->n; q++)
            width += g->params[q].values->n;
        /* idx: each param's values it may take, one after the other; len, at: per param */
        size_t *idx = malloc((width ? width : 1) * sizeof *idx);
        size_t *len = calloc(p->n ? p->n : 1, sizeof *len);
        size_t *at = calloc(p->n ? p->n : 1, sizeof *at);
        size_t *from = calloc(p->n ? p->n : 1, sizeof *from);
        bool some = idx && len && at && from;
        if (!some)
            rc = knob__oom("grid: the points left");
        for (size_t q = 0, w = 0; some && q < p->n; q++) {
            const grid_param *gp = &g->params[p->first + q];
            const knobx_json *v = knobx_json_get(fixed, gp->name);
            from[q] = w;
            for (size_t m = 0; m < gp->values->n; m++)
                if (!v || fixed_is(gp, m, v, loose))
                    idx[w + len[q]++] = m;
            w += gp->values->n;
            some = len[q] > 0;
        }
        *agree = *agree || some;
        for (bool more = some; more;) {
            uint64_t k = 0;
            for (size_t q = 0; q < p->n; q++)
                k = k * g->params[p->first + q].values->n + idx[from[q] + at[q]];
            k += base;
            if (!bit(c->bits, k) && c->rank[k] < best &&
                !(spare && bsearch(&k, c->reserved, c->n_reserved, sizeof k, cmp_u64))) {
                best = c->rank[k];
                *out = k;
                *found = true;
            }
            more = false;
            for (size_t q = p->n; q-- > 0 && !more;) {
                more = ++at[q] < len[q];
                if (!more)
                    at[q] = 0;
            }
        }
        free(idx);
        free(len);
        free(at);
        free(from);
    }
    return rc;
}

/* The point waiting trial w (not a retry of a trial on a point) takes when its turn comes, as
 * queued_point and before_trial give it, set in c->bits: one it names in full, that one
 * unless it has run; one it names in part, the first in the order it agrees with and not
 * taken (first one no other waiting trial names in full); one off the grid none, unless its
 * value does not fit (runs_a_point); one neither enqueued on the grid nor a retry, the next
 * free point. None when every point it agrees with has run (it runs one again). */
static int waiting_takes(grid_state *g, knob_study *s, grid_count *c, const knob_trial_info *w)
{
    const char *json = knob_trial_info_attr(w, "fixed_params", true);
    knobx_json *fixed = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    bool named = false;
    int rc = KNOB_OK;
    for (size_t f = 0; fixed && fixed->type == KNOBX_JSON_OBJECT && f < fixed->n && !named; f++)
        named = in_grid(g, fixed->kids[f]->key);
    uint64_t k;
    if (named && fixed_point(g, fixed, &k)) {
        set_bit(c->bits, k); /* the one point it agrees with (a taken one runs again) */
        knobx_json_free(fixed);
        return KNOB_OK;
    }
    if ((rc = make_order(g, s))) {
        knobx_json_free(fixed);
        return rc;
    }
    if (named && !c->rank) {
        c->rank = malloc((size_t)(g->total ? g->total : 1) * sizeof *c->rank);
        if (!c->rank)
            rc = knob__oom("grid: the points left");
        for (uint64_t i = 0; !rc && i < g->total; i++)
            c->rank[g->order[i]] = (uint32_t)i;
    }
    bool agree = false, found = false;
    for (int pass = 0; named && !rc && pass < 4 && !found; pass++) {
        bool loose = pass >= 2, spare = pass % 2 == 0, some;
        if ((spare && !c->n_reserved) || (loose && agree))
            continue;
        rc = first_agreeing(g, c, fixed, loose, spare, &some, &found, &k);
        agree = agree || some;
    }
    if (!rc && found)
        set_bit(c->bits, k);
    else if (!rc && named && !agree && runs_a_point(g, c->trials, c->n, fixed)) {
        /* the point queued_point has it run: the next of its values the grid lists */
        knobx_json **kids = malloc((fixed->n ? fixed->n : 1) * sizeof *kids), part;
        if (!kids)
            rc = knob__oom("grid: the points left");
        else
            on_grid_part(g, fixed, kids, &part);
        if (!rc && !(rc = first_agreeing(g, c, &part, false, false, &agree, &found, &k)) && found)
            set_bit(c->bits, k);
        else if (!rc)
            next_free(g, c, true);
        free(kids);
    } else if (!rc && !named)
        next_free(g, c, true);
    knobx_json_free(fixed);
    return rc;
}

/* The trials the grid runs before it is done: its points no trial has run or runs (a point
 * whose trials were all interrupted runs again), counted after each waiting trial has taken
 * the point it will take, and the waiting trials, which all run (an ask runs a queued trial
 * whatever its sampler says). Read from the trials as
 * they are now, not from what this handle has claimed. */
static int trials_left(void *state, knob_study *s, int64_t *left)
{
    grid_state *g = state;
    int rc = g->taken ? KNOB_OK : prepare(g);
    grid_count c = {0};
    if (rc || (rc = knob_study_trials(s, &c.trials, &c.n)))
        return rc;
    c.bits = calloc((size_t)(g->total + 7) / 8, 1);
    if (!c.bits)
        return knob__oom("grid: the points left");
    mark_run(g, c.trials, c.n, c.bits);
    uint64_t *reserved = NULL, k;
    int64_t waiting = 0;
    rc = reserved_points(g, c.trials, c.n, -1, &reserved, &c.n_reserved);
    c.reserved = reserved;
    /* a retry waiting to run its original's point holds it before any other waiting trial
     * asks (claim_point: the interrupted point's claim is held) */
    for (size_t i = 0; !rc && i < c.n; i++)
        if (c.trials[i]->state == KNOB_TRIAL_WAITING && retry_point(g, &c, c.trials[i], &k))
            set_bit(c.bits, k);
    for (size_t i = 0; !rc && i < c.n; i++)
        if (c.trials[i]->state == KNOB_TRIAL_WAITING) {
            waiting++;
            if (!retry_point(g, &c, c.trials[i], &k))
                rc = waiting_takes(g, s, &c, c.trials[i]);
        }
    uint64_t free_points = 0;
    for (uint64_t p = 0; !rc && p < g->total; p++)
        free_points += !bit(c.bits, p);
    if (!rc)
        *left = waiting + (int64_t)free_points;
    free(reserved);
    free(c.rank);
    free(c.bits);
    return rc;
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    grid_state *g = state;
    int rc = g->taken ? KNOB_OK : start(g, s);
    if (rc)
        return rc;
    bool done;
    drop_pending(g);
    if ((rc = queued_point(g, s, t, &done)) || done)
        return rc;
    while (g->next < g->total) {
        uint32_t k = g->order[g->next++];
        bool won;
        if ((rc = claim_point(g, s, t, k, &won)))
            return rc;
        if (won)
            return set_point(t, k);
    }
    return knob_set_error(KNOB_EDONE,
                          "study '%s': every point of the grid (%" PRIu64 ") has run or is running",
                          knob_study_name(s), g->total);
}

/* Whether the params trial t has suggested are point k's (a fixed value given as the first
 * of equal ones, as value_is reads it). */
static bool suggested_are(const grid_state *g, uint64_t k, const knob_trial *t)
{
    const grid_product *p = product_of(g, &k);
    for (size_t i = p->first + p->n; i-- > p->first;) {
        size_t m = g->params[i].values->n;
        for (size_t j = 0; j < knob_trial_n_params(t); j++) {
            const knob_param *tp = knob_trial_param(t, j);
            if (!strcmp(tp->name, g->params[i].name) && !value_is(&g->params[i], k % m, tp))
                return false;
        }
        k /= m;
    }
    return true;
}

/* The point an enqueued trial off the grid runs once a fixed value of it does not fit its
 * param (sample_independent), in *k: the pending point when the trial's values agree with it
 * (queued_point took such a point when it could tell the value would not fit), else the
 * next one not taken whose values are those the trial gives or has suggested so far (of a
 * param no trial had suggested before, queued_point could not tell); the pending point when
 * none is. */
static int misfit_point(const grid_state *g, knob_trial *t, uint64_t *k)
{
    knobx_json **kids = malloc((g->pend_fixed->n ? g->pend_fixed->n : 1) * sizeof *kids), part;
    if (!kids)
        return knob__oom("grid: fixed params");
    on_grid_part(g, g->pend_fixed, kids, &part);
    for (uint64_t i = g->next;
         !(agrees(g, *k, &part, false) && suggested_are(g, *k, t)) && i < g->total; i++) {
        uint64_t at = g->order[i];
        if (!(g->taken[at / 8] & (1u << (at % 8))) && agrees(g, at, &part, false) &&
            suggested_are(g, at, t))
            *k = at;
    }
    free(kids);
    return KNOB_OK;
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    grid_state *g = state;
    const char *id = knob_trial_system_attr(t, "grid_id");
    if (!id)
        id = knob_trial_system_attr(t, "grid_values"); /* an enqueued trial off the grid */
    uint64_t k;
    if (!id || sscanf(id, "%" SCNu64, &k) != 1)
        return knob_set_error(KNOB_EINVAL, "grid: trial %lld has no grid point",
                              (long long)knob_trial_number(t));
    /* an enqueued value off the grid that its distribution does not take either: the
     * trial runs the point's value, so it is that point's, claimed */
    if (g->pend && g->pend_number == knob_trial_number(t) && g->pend_point == k &&
        knobx_json_get(g->pend_fixed, name)) {
        bool won;
        int rc = misfit_point(g, t, &k);
        drop_pending(g);
        if (!rc)
            rc = claim_point(g, s, t, k, &won);
        if (!rc && won)
            rc = set_point(t, k);
        if (rc)
            return rc;
        if (!won)
            return knob_set_error(KNOB_EDONE,
                                  "grid: trial %lld's enqueued '%s' is on no point of the grid, "
                                  "and the point it took instead was taken meanwhile",
                                  (long long)knob_trial_number(t), name);
    }
    const grid_product *p = product_of(g, &k);
    size_t j = (size_t)(p - g->products);
    for (size_t i = p->first + p->n; i-- > p->first;) {
        size_t m = g->params[i].values->n;
        if (strcmp(g->params[i].name, name) == 0) {
            size_t v = k % m;
            int rc = value_internal(&g->params[i], v, d, internal);
            if (!rc && isnan(*internal)) /* the choices given lack one of that rank */
                rc = knob_set_error(KNOB_EINVAL,
                                    "param '%s': the grid's value %zu of its list is number %u "
                                    "of its equal values, and the choices it is suggested with "
                                    "hold fewer; suggest it with the grid's own values",
                                    name, v + 1, (unsigned)(1 + g->params[i].twice[v]));
            return rc;
        }
        k /= m;
    }
    if (g->n_products > 1)
        return knob_set_error(KNOB_EINVAL,
                              "param '%s' is not in the grid's product %zu, the one of trial "
                              "%lld (a param inactive there must not be suggested)",
                              name, j, (long long)knob_trial_number(t));
    return knob_set_error(KNOB_EINVAL,
                          "param '%s' is not in the grid; give it values in the "
                          "option search_space",
                          name);
}

static const char *const orders[] = {"random", "product", NULL};

static const knob_option options[] = {
    {"search_space", KNOB_OPT_STRING, offsetof(grid_state, search_space), "", 0, 0,
     "the grid: a JSON object of each param's values, {\"lr\": [0.001, 0.01], \"opt\": "
     "[\"adam\", \"sgd\"]}; the product of the lists is the grid, the last param varying "
     "fastest in a point's index. For a conditional space, an array of such objects: "
     "disjoint products, each with the params active in it, whose union is the grid",
     NULL},
    {"order", KNOB_OPT_ENUM, offsetof(grid_state, order_name), "random", 0, 0,
     "the order the points run in: random (seeded) or product (as their indices go, the "
     "last param of search_space varying fastest, as W&B's grid runs them; the seed is "
     "unused)",
     orders},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_grid = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "grid",
    .help = "Runs every point of a grid once, in a seeded random order (or in the product's "
            "order); no point runs twice across workers. The grid is the option search_space "
            "(a sweep file's values make it). Options: search_space, order, seed.",
    .state_size = sizeof(grid_state),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_independent = sample_independent,
    .trials_left = trials_left,
};
