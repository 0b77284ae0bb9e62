/* The intersection search space and the unit-cube transform (see transform.h). */
#include "samplers/transform.h"
#include "space.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void knob__dim_init(knob__dim *d, const char *name, const knob_distribution *dist, unsigned flags)
{
    bool cat = dist->kind == KNOB_DIST_CATEGORICAL, log_scale = (dist->flags & KNOB_LOG) != 0;
    *d = (knob__dim){.name = name, .dist = dist, .lo = dist->low, .hi = dist->high, .cat = cat};
    if (!cat && !log_scale)
        d->bins = knob__dist_size(dist);
    if (log_scale) {
        double widen = dist->kind == KNOB_DIST_INT && (flags & KNOB__DIM_LOG_INT_CELLS) ? 0.5 : 0;
        d->lo = log(dist->low - widen);
        d->hi = log(dist->high + widen);
    }
}

double knob__dim_to_unit(const knob__dim *d, double internal)
{
    const knob_distribution *k = d->dist;
    if (d->cat)
        return internal;
    if (d->bins > 0) /* an int or a stepped float */
        return ((internal - k->low) / k->step + 0.5) / d->bins;
    if (k->flags & KNOB_LOG)
        return (log(internal) - d->lo) / (d->hi - d->lo);
    return d->hi > d->lo ? (internal - d->lo) / (d->hi - d->lo) : 0.5;
}

double knob__dim_from_unit(const knob__dim *d, double u)
{
    const knob_distribution *k = d->dist;
    if (d->cat)
        return u;
    u = fmin(fmax(u, 0), 1);
    if (d->bins > 0) {
        double b = fmin(floor(u * d->bins), d->bins - 1);
        return knob__dist_step_at(k, b);
    }
    if (k->flags & KNOB_LOG)
        return knob__dist_snap(k, exp(d->lo + u * (d->hi - d->lo)));
    return knob__dist_snap(k, d->lo + u * (d->hi - d->lo));
}

double knob__dim_round(const knob__dim *d, double u)
{
    if (d->cat || (d->bins <= 0 && d->dist->kind != KNOB_DIST_INT))
        return u;
    return knob__dim_to_unit(d, knob__dim_from_unit(d, u));
}

double knob__dim_choice(const knob__dim *d, double u)
{
    double n = (double)d->dist->n_choices;
    return fmin(floor(u * n), n - 1);
}

/* ---------------------------------------------------------------- the intersection */

static int cmp_dim(const void *a, const void *b)
{
    return strcmp(((const knob__dim *)a)->name, ((const knob__dim *)b)->name);
}

/* Whether every COMPLETE trial has the param under that very distribution. Names are
 * interned by the study: trials that suggest their params in one order hold p at its index
 * j, so that pointer first (a search by text for each param of each trial cost nsga2 a
 * twelfth of its time at 30 params). */
static bool everywhere(const knob_trial_info *const *tr, size_t n, const knob_param *p, size_t j)
{
    for (size_t i = 0; i < n; i++) {
        if (tr[i]->state != KNOB_TRIAL_COMPLETE)
            continue;
        const knob_param *q = j < tr[i]->n_params && tr[i]->params[j].name == p->name
                                  ? &tr[i]->params[j]
                                  : knob_trial_info_param(tr[i], p->name);
        if (!q || q->dist != p->dist) /* interned: equal means same pointer */
            return false;
    }
    return true;
}

int knob__intersection(const knob_trial_info *const *tr, size_t n, unsigned flags, knob__dim **out,
                       size_t *n_out)
{
    const knob_trial_info *first = NULL;
    for (size_t i = 0; i < n && !first; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE)
            first = tr[i];
    *out = NULL;
    *n_out = 0;
    if (!first)
        return KNOB_OK;
    knob__dim *d = malloc((first->n_params + 1) * sizeof *d);
    if (!d)
        return knob_set_error(KNOB_ENOMEM, "out of memory (a search space of %zu params)",
                              first->n_params);
    size_t count = 0;
    for (size_t j = 0; j < first->n_params; j++) {
        const knob_param *p = &first->params[j];
        const knob_distribution *k = p->dist;
        bool cat = k->kind == KNOB_DIST_CATEGORICAL;
        if ((cat && (flags & KNOB__NUMERICAL)) || (cat ? k->n_choices <= 1 : k->low >= k->high))
            continue;
        if (everywhere(tr, n, p, j))
            knob__dim_init(&d[count++], p->name, k, 0);
    }
    qsort(d, count, sizeof *d, cmp_dim);
    *out = d;
    *n_out = count;
    return KNOB_OK;
}

size_t knob__trial_index(const knob_trial_info *const *tr, size_t n, int64_t number)
{
    if (number >= 0 && (uint64_t)number < n && tr[number]->number == number)
        return (size_t)number;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr[mid]->number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && tr[lo]->number == number ? lo : n;
}

const knob_trial_info *knob__trial_numbered(const knob_trial_info *const *tr, size_t n,
                                            int64_t number)
{
    size_t i = knob__trial_index(tr, n, number);
    return i < n ? tr[i] : NULL;
}
