/* The trials a run of a grid will run, for knob run's progress total and its time left: the
 * grid's points no trial of the study has run or runs, and the study's waiting trials, which
 * all run (an enqueued one on a point takes it). Read from the trials' params, as the grid
 * sampler itself finds the points they ran: a trial of a space the sweep had before an edit
 * runs no point of the new one. */
#include "cli/run.h"
#include "util/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A product: params[first .. first + n) of the grid, `size` points. */
typedef struct rg_product {
    size_t first, n;
    uint64_t size;
} rg_product;

typedef struct rg_grid {
    knobx_json *space;
    const knobx_json **params; /* each a member of `space`: a param's name and value list */
    size_t n;
    rg_product *products;
    size_t n_products;
    uint64_t total;
    uint8_t *taken; /* one bit per point */
} rg_grid;

static bool is_taken(const rg_grid *g, uint64_t k)
{
    return g->taken[k / 8] & (1u << (k % 8));
}

static void take(rg_grid *g, uint64_t k)
{
    g->taken[k / 8] |= (uint8_t)(1u << (k % 8));
}

/* The grid of a search_space (an object of value lists, or an array of such products);
 * false when it is none, or too large to count. */
static bool grid_read(rg_grid *g, const char *space)
{
    memset(g, 0, sizeof *g);
    g->space = knobx_json_parse(space, (size_t)-1, NULL, 0);
    const knobx_json *s = g->space;
    if (!s || (s->type != KNOBX_JSON_ARRAY && s->type != KNOBX_JSON_OBJECT))
        return false;
    const knobx_json *const *items = s->type == KNOBX_JSON_ARRAY
                                         ? (const knobx_json *const *)s->kids
                                         : (const knobx_json *const *)&s;
    size_t n_items = s->type == KNOBX_JSON_ARRAY ? s->n : 1, n = 0;
    for (size_t i = 0; i < n_items; i++) {
        if (items[i]->type != KNOBX_JSON_OBJECT)
            return false;
        n += items[i]->n;
    }
    g->params = calloc(n ? n : 1, sizeof *g->params);
    g->products = calloc(n_items ? n_items : 1, sizeof *g->products);
    if (!g->params || !g->products)
        return false;
    for (size_t i = 0; i < n_items; i++) {
        rg_product *p = &g->products[g->n_products++];
        *p = (rg_product){g->n, items[i]->n, 1};
        for (size_t k = 0; k < items[i]->n; k++) {
            const knobx_json *v = items[i]->kids[k];
            if (v->type != KNOBX_JSON_ARRAY || v->n == 0 || p->size > KNOB_GRID_MAX_POINTS)
                return false;
            g->params[g->n++] = v;
            p->size *= v->n;
        }
        g->total += p->size;
        if (g->total > KNOB_GRID_MAX_POINTS)
            return false;
    }
    g->taken = calloc((size_t)(g->total + 7) / 8 + 1, 1);
    return g->taken != NULL;
}

static void grid_free(rg_grid *g)
{
    knobx_json_free(g->space);
    free(g->params);
    free(g->products);
    free(g->taken);
}

static bool in_product(const rg_grid *g, const rg_product *p, const char *name)
{
    for (size_t i = p->first; i < p->first + p->n; i++)
        if (!strcmp(g->params[i]->key, name))
            return true;
    return false;
}

static bool in_grid(const rg_grid *g, const char *name)
{
    for (size_t j = 0; j < g->n_products; j++)
        if (in_product(g, &g->products[j], name))
            return true;
    return false;
}

/* Whether a trial's value (its param as JSON) is the grid's value: the same JSON value, a
 * number within the 15 significant digits knob's command may have written it in. */
static bool same(const knobx_json *grid, const knobx_json *v)
{
    if (grid->type != v->type)
        return false;
    switch (grid->type) {
    case KNOBX_JSON_NUMBER:
        if (grid->big || v->big)
            return grid->big && v->big && !strcmp(grid->big, v->big);
        return grid->num == v->num ||
               fabs(grid->num - v->num) <= 1e-14 * fmax(fabs(grid->num), fabs(v->num));
    case KNOBX_JSON_STRING:
        return !strcmp(grid->str, v->str);
    case KNOBX_JSON_BOOL:
        return grid->b == v->b;
    default:
        return true;
    }
}

/* A trial's params as JSON values (one tree: an object of them); NULL when one could not
 * be written. */
static knobx_json *trial_values(const knob_trial_info *t)
{
    knobx_buf b = {0};
    knobx_buf_puts(&b, "{");
    for (size_t i = 0; i < t->n_params; i++) {
        char small[256];
        int len = knob_param_format(&t->params[i], small, sizeof small);
        char *text = len >= (int)sizeof small ? malloc((size_t)len + 1) : small;
        if (len < 0 || !text ||
            (text != small && knob_param_format(&t->params[i], text, (size_t)len + 1) != len)) {
            if (text != small)
                free(text);
            knobx_buf_free(&b);
            return NULL;
        }
        knobx_buf_puts(&b, i ? "," : "");
        knobx_json_add_string(&b, t->params[i].name);
        knobx_buf_printf(&b, ":%s", text);
        if (text != small)
            free(text);
    }
    knobx_buf_puts(&b, "}");
    knobx_json *j = b.oom ? NULL : knobx_json_parse(knobx_buf_cstr(&b), (size_t)-1, NULL, 0);
    knobx_buf_free(&b);
    return j;
}

/* How many of the values' params are params of the grid. */
static size_t n_in_grid(const rg_grid *g, const knobx_json *values)
{
    size_t in = 0;
    for (size_t i = 0; i < values->n; i++)
        in += in_grid(g, values->kids[i]->key);
    return in;
}

/* The product point k is in; k becomes its index there (the last param fastest). */
static const rg_product *product_of(const rg_grid *g, uint64_t *k)
{
    size_t j = 0;
    while (j + 1 < g->n_products && *k >= g->products[j].size)
        *k -= g->products[j++].size;
    return &g->products[j];
}

/* Whether the values are point k's: each of them that is a param of the grid is of k's
 * product, at k's value (a trial that failed before suggesting them all has some). */
static bool point_has(const rg_grid *g, uint64_t k, const knobx_json *values)
{
    const rg_product *p = product_of(g, &k);
    size_t matched = 0;
    for (size_t i = p->first + p->n; i-- > p->first;) {
        const knobx_json *list = g->params[i];
        const knobx_json *v = knobx_json_get(values, list->key);
        if (v && !same(list->kids[k % list->n], v))
            return false;
        matched += v != NULL;
        k /= list->n;
    }
    return matched == n_in_grid(g, values);
}

/* The point trial t ran (or runs), as the grid sampler finds it: its grid_id when that point
 * has its values, else the point of its values (the first of values listed twice). */
static bool point_of(const rg_grid *g, const knob_trial_info *t, uint64_t *point)
{
    knobx_json *values = trial_values(t);
    const char *id = knob_trial_info_attr(t, "grid_id", true);
    uint64_t k;
    bool found = false;
    if (!values)
        return false;
    if (id && sscanf(id, "%" SCNu64, &k) == 1 && k < g->total && point_has(g, k, values)) {
        *point = k;
        found = true;
    }
    size_t in = n_in_grid(g, values);
    uint64_t base = 0;
    for (size_t j = 0; !found && j < g->n_products; base += g->products[j++].size) {
        const rg_product *p = &g->products[j];
        if (in != p->n || p->n == 0)
            continue;
        uint64_t at = 0;
        bool all = true;
        for (size_t i = p->first; all && i < p->first + p->n; i++) {
            const knobx_json *list = g->params[i];
            const knobx_json *v = knobx_json_get(values, list->key);
            size_t m = 0;
            while (v && m < list->n && !same(list->kids[m], v))
                m++;
            all = v && m < list->n;
            at = at * list->n + m;
        }
        if (all) {
            *point = base + at;
            found = true;
        }
    }
    knobx_json_free(values);
    return found;
}

/* The indices of list's values the fixed value v may be (every one when v is NULL), in
 * idx[0 .. return). */
static size_t allowed(const knobx_json *list, const knobx_json *v, bool loose, size_t *idx)
{
    size_t n = 0;
    for (size_t m = 0; m < list->n; m++)
        if (!v || knobx_json_given_equal(list->kids[m], v, loose))
            idx[n++] = m;
    return n;
}

/* Whether product p holds every fixed param of the grid; `whole`: and every one of its
 * params of several values is fixed (the fixed params name one point of it). */
static bool fits(const rg_grid *g, const rg_product *p, const knobx_json *fixed, bool whole)
{
    for (size_t f = 0; f < fixed->n; f++)
        if (!in_product(g, p, fixed->kids[f]->key) && in_grid(g, fixed->kids[f]->key))
            return false;
    for (size_t i = p->first; whole && i < p->first + p->n; i++)
        if (g->params[i]->n > 1 && !knobx_json_get(fixed, g->params[i]->key))
            return false;
    return true;
}

/* The first point of product p (points from `base`) that agrees with the fixed params and
 * is not taken, found over the agreeing points only (an odometer over the values each
 * param may take, the last param fastest); *agree: whether any point agrees. */
static bool free_in(const rg_grid *g, const rg_product *p, uint64_t base, const knobx_json *fixed,
                    bool loose, bool *agree, uint64_t *out)
{
    size_t **idx = calloc(p->n ? p->n : 1, sizeof *idx);
    size_t *len = calloc(p->n ? p->n : 1, sizeof *len), *at = calloc(p->n ? p->n : 1, sizeof *at);
    bool ok = idx && len && at, found = false;
    for (size_t q = 0; ok && q < p->n; q++) {
        const knobx_json *list = g->params[p->first + q];
        ok = (idx[q] = malloc(list->n * sizeof **idx)) != NULL &&
             (len[q] = allowed(list, knobx_json_get(fixed, list->key), loose, idx[q])) > 0;
    }
    *agree = ok;
    for (bool more = ok; more && !found;) {
        uint64_t k = 0;
        for (size_t q = 0; q < p->n; q++)
            k = k * g->params[p->first + q]->n + idx[q][at[q]];
        if (!is_taken(g, base + k)) {
            *out = base + k;
            found = true;
        }
        more = false;
        for (size_t q = p->n; q-- > 0 && !more;) {
            more = ++at[q] < len[q];
            if (!more)
                at[q] = 0;
        }
    }
    for (size_t q = 0; idx && q < p->n; q++)
        free(idx[q]);
    free(idx);
    free(len);
    free(at);
    return found;
}

/* The first free point the fixed params agree with; *agree: whether any point agrees. */
static bool free_agreeing(const rg_grid *g, const knobx_json *fixed, bool loose, bool whole,
                          bool *agree, uint64_t *out)
{
    uint64_t base = 0;
    *agree = false;
    for (size_t j = 0; j < g->n_products; base += g->products[j++].size) {
        bool some = false;
        if (fits(g, &g->products[j], fixed, whole) &&
            free_in(g, &g->products[j], base, fixed, loose, &some, out))
            return *agree = true;
        *agree = *agree || some;
    }
    return false;
}

/* The point a waiting trial takes, when one is free: a retry its original's; an enqueued
 * trial one its fixed params agree with. The sampler keeps the point a trial names in full
 * for it: those take theirs first (`whole`), the rest after. Whether w was counted in this
 * pass. */
static bool waiting_takes(rg_grid *g, const knob_trial_info *const *tr, size_t n,
                          const knob_trial_info *w, bool whole)
{
    const char *of = knob_trial_info_attr(w, "retry_of", true);
    int64_t o;
    uint64_t k;
    if (of && sscanf(of, "%" SCNd64, &o) == 1 && o >= 0 && (size_t)o < n && tr[o]->number == o) {
        if (whole && point_of(g, tr[o], &k))
            take(g, k);
        return whole;
    }
    const char *json = knob_trial_info_attr(w, "fixed_params", true);
    knobx_json *fixed = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    bool named = false, agree = false, counted = !whole;
    for (size_t f = 0; fixed && fixed->type == KNOBX_JSON_OBJECT && f < fixed->n && !named; f++)
        named = in_grid(g, fixed->kids[f]->key);
    if (!named) {
        knobx_json_free(fixed);
        return counted;
    }
    if (free_agreeing(g, fixed, false, whole, &agree, &k))
        take(g, k);
    else if (!whole && !agree && free_agreeing(g, fixed, true, false, &agree, &k))
        take(g, k);
    knobx_json_free(fixed);
    return whole ? agree : counted;
}

static bool interrupted(const knob_trial_info *t)
{
    const char *cause =
        t->state == KNOB_TRIAL_FAIL ? knob_trial_info_attr(t, "fail_cause", true) : NULL;
    return cause && !strcmp(cause, "\"interrupted\"");
}

int64_t run_grid_left(const char *space, const knob_trial_info *const *tr, size_t n)
{
    rg_grid g = {0};
    int64_t waiting = 0;
    bool *counted = calloc(n ? n : 1, sizeof *counted);
    if (!counted || !grid_read(&g, space)) {
        free(counted);
        grid_free(&g);
        return -1;
    }
    uint64_t k;
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state != KNOB_TRIAL_WAITING && !interrupted(tr[i]) && point_of(&g, tr[i], &k))
            take(&g, k);
    for (int whole = 1; whole >= 0; whole--)
        for (size_t i = 0; i < n; i++)
            if (tr[i]->state == KNOB_TRIAL_WAITING && !counted[i] &&
                (counted[i] = waiting_takes(&g, tr, n, tr[i], whole)))
                waiting++;
    uint64_t free_points = 0;
    for (uint64_t p = 0; p < g.total; p++)
        free_points += !is_taken(&g, p);
    free(counted);
    grid_free(&g);
    return waiting + (int64_t)free_points;
}
