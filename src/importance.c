/* knob_study_importance: fANOVA on a random forest and PED-ANOVA, over the study's trials as
 * the public API gives them; the numbers are src/math's (forest.c, fanova.c, ped_anova.c). */
#include "internal.h"
#include "math/fanova.h"
#include "math/forest.h"
#include "math/ped_anova.h"
#include "math/tpe_front.h"
#include "space.h"
#include "util/json.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* trials a choice a categorical of more than 63 choices needs to be read as categories */
#define CAT_ROWS 4

/* One param's distributions across the trials made one, for a param whose range, step or
 * choices were changed between runs (a sweep resumed with an edited range): its numbers (floats
 * and ints) as one range, the union of theirs, and its categories as one list of choices, the
 * union of theirs by value. The numbers' range is a log scale when every trial's is, an int's
 * when every trial's is (a float's otherwise), and keeps the trials' step when they share one
 * that fits it (else continuous, or step 1 for ints). A param that is a number in some trials
 * and a categorical in others has both; fanova cannot make one feature of it. */
typedef struct view {
    knob_distribution num, cat;
    knob_choice *choices; /* cat's; the strings are the trials' */
    size_t n_num, n_cat;  /* trials that hold it as a number, as a categorical */
} view;

/* What one evaluation works on: the usable trials, their objective values, the params. */
typedef struct job {
    const knob_trial_info **trials;
    double *y;
    size_t n;
    const char **names;
    size_t n_names;
    view *views;   /* per name */
    double *share; /* per name */
    double *loss;  /* PED-ANOVA of the Pareto fronts: n x m losses (maximized negated) */
    size_t m;
} job;

static void job_free(job *j)
{
    for (size_t p = 0; j->views && p < j->n_names; p++)
        free(j->views[p].choices);
    free(j->views);
    free(j->trials);
    free(j->y);
    free(j->names);
    free(j->share);
    free(j->loss);
}

static bool dist_single(const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return d->n_choices <= 1;
    return !(d->high > d->low);
}

static bool has_name(const job *j, const char *name)
{
    for (size_t i = 0; i < j->n_names; i++)
        if (strcmp(j->names[i], name) == 0)
            return true;
    return false;
}

static int add_name(job *j, const char *name)
{
    const char **names = realloc(j->names, (j->n_names + 1) * sizeof *names);
    if (!names)
        return knob__oom("importance: param names");
    j->names = names;
    j->names[j->n_names++] = name;
    return KNOB_OK;
}

/* The params to evaluate: the caller's, or those of the trials (all of them, or those every
 * trial holds). */
static int pick_names(job *j, const char *const *params, size_t n_params, bool intersection)
{
    for (size_t p = 0; p < n_params; p++) {
        bool found = false;
        for (size_t t = 0; t < j->n && !found; t++)
            found = knob_trial_info_param(j->trials[t], params[p]) != NULL;
        if (!found)
            return knob__error(KNOB_ENOTFOUND,
                               "importance: no complete trial with a value of the objective has "
                               "param '%s'",
                               params[p]);
        if (!has_name(j, params[p]) && add_name(j, params[p]) != KNOB_OK)
            return KNOB_ENOMEM;
    }
    if (n_params > 0)
        return KNOB_OK;
    for (size_t t = 0; t < j->n; t++) {
        const knob_trial_info *ti = j->trials[t];
        for (size_t p = 0; p < ti->n_params; p++) {
            const char *name = ti->params[p].name;
            if (has_name(j, name))
                continue;
            if (intersection) {
                bool everywhere = t == 0;
                for (size_t u = 0; u < j->n && everywhere; u++)
                    everywhere = knob_trial_info_param(j->trials[u], name) != NULL;
                if (!everywhere)
                    continue;
            }
            if (add_name(j, name) != KNOB_OK)
                return KNOB_ENOMEM;
        }
    }
    return KNOB_OK;
}

static bool num_aligned(const knob_distribution *d, double low, double step)
{
    double k = (d->low - low) / step;
    return fabs(k - round(k)) <= 1e-9 * fmax(1, fabs(k));
}

/* The numbers' range of view v, once v->num holds the first and d is another. */
static void merge_num(view *v, const knob_distribution *d, bool *same_step)
{
    knob_distribution *m = &v->num;
    *same_step = *same_step && d->kind == m->kind && d->step == m->step;
    m->low = fmin(m->low, d->low);
    m->high = fmax(m->high, d->high);
    if (!(d->flags & KNOB_LOG))
        m->flags &= ~KNOB_LOG;
    if (d->kind == KNOB_DIST_FLOAT)
        m->kind = KNOB_DIST_FLOAT;
}

static int add_choice(view *v, const knob_choice *c)
{
    for (size_t i = 0; i < v->cat.n_choices; i++)
        if (knob__choice_same(&v->choices[i], c))
            return KNOB_OK;
    knob_choice *choices = realloc(v->choices, (v->cat.n_choices + 1) * sizeof *choices);
    if (!choices)
        return knob__oom("importance: choices");
    v->choices = choices;
    v->choices[v->cat.n_choices++] = *c;
    v->cat.choices = v->choices;
    return KNOB_OK;
}

/* Makes view v of param `name` over the job's trials. */
static int make_view(const job *j, const char *name, view *v)
{
    bool same_step = true;
    const knob_distribution *last = NULL; /* the categorical whose choices were added last */
    v->cat.kind = KNOB_DIST_CATEGORICAL;
    for (size_t t = 0; t < j->n; t++) {
        const knob_param *q = knob_trial_info_param(j->trials[t], name);
        if (!q)
            continue;
        const knob_distribution *d = q->dist;
        if (d->kind == KNOB_DIST_CATEGORICAL) {
            v->n_cat++;
            if (last && (d == last || knob__dist_equal(d, last)))
                continue;
            last = d;
            for (size_t c = 0; c < d->n_choices; c++)
                if (add_choice(v, &d->choices[c]) != KNOB_OK)
                    return KNOB_ENOMEM;
        } else if (v->n_num++ == 0) {
            v->num = *d;
        } else {
            merge_num(v, d, &same_step);
        }
    }
    knob_distribution *m = &v->num;
    if (v->n_num == 0)
        return KNOB_OK;
    for (size_t t = 0; t < j->n && same_step && m->step > 0; t++) {
        const knob_param *q = knob_trial_info_param(j->trials[t], name);
        same_step =
            !q || q->dist->kind == KNOB_DIST_CATEGORICAL || num_aligned(q->dist, m->low, m->step);
    }
    if (!same_step)
        m->step = m->kind == KNOB_DIST_INT ? 1 : 0;
    if (m->flags & KNOB_LOG) /* a log scale: an int's step is 1, a float's continuous */
        m->step = m->kind == KNOB_DIST_INT ? 1 : 0;
    return KNOB_OK;
}

/* The value of trial param q on its view: the number, or the index of its choice among the
 * view's. */
static double view_value(const view *v, const knob_param *q)
{
    if (q->dist->kind != KNOB_DIST_CATEGORICAL)
        return q->internal;
    const knob_choice *c = &q->dist->choices[(size_t)q->internal];
    for (size_t i = 0; i < v->cat.n_choices; i++)
        if (knob__choice_same(&v->choices[i], c))
            return (double)i;
    return 0; /* not reached: the view holds every trial's choices */
}

/* The views of the job's params. fanova makes one feature of a param: one that is a number
 * in some trials and a categorical in others is refused when the caller names it, and left
 * out otherwise (knob importance says which and why). */
static int make_views(job *j, bool fan, size_t n_params)
{
    j->views = calloc(j->n_names + 1, sizeof *j->views);
    if (!j->views)
        return knob__oom("importance: distributions");
    size_t kept = 0;
    for (size_t p = 0; p < j->n_names; p++) {
        view v = {0};
        if (make_view(j, j->names[p], &v) != KNOB_OK) {
            free(v.choices);
            return KNOB_ENOMEM;
        }
        if (fan && v.n_num > 0 && v.n_cat > 0) {
            free(v.choices);
            if (n_params == 0)
                continue;
            return knob__error(KNOB_EUNSUPPORTED,
                               "importance: param '%s' is a number in %zu trials and a "
                               "categorical in %zu: fanova cannot evaluate it as one "
                               "(ped-anova judges each apart)",
                               j->names[p], v.n_num, v.n_cat);
        }
        j->names[kept] = j->names[p];
        j->views[kept++] = v;
    }
    j->n_names = kept;
    return KNOB_OK;
}

static void normalize(double *share, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += share[i] > 0 ? share[i] : 0;
    for (size_t i = 0; i < n; i++)
        share[i] = total > 0 && share[i] > 0 ? share[i] / total : 0;
}

/* ---------------------------------------------------------------- fANOVA */

/* Centres y[0..n) and scales it to unit variance (all 0 when it does not vary). The shares
 * are ratios of variances, so they do not change; the forest's tests of a node's spread are
 * absolute, and without this it would not split an objective whose values vary by less than
 * about 1e-6 (runtimes of a fast kernel in seconds), nor one whose variance overflows. The
 * largest magnitude is divided out first, so nothing overflows or underflows. */
static void standardize(double *y, size_t n)
{
    double top = 0, mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, fabs(y[i]));
    for (size_t i = 0; i < n && top > 0; i++)
        mean += (y[i] /= top) / (double)n;
    for (size_t i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean) / (double)n;
    double sd = sqrt(var);
    for (size_t i = 0; i < n; i++)
        y[i] = sd > 0 ? (y[i] - mean) / sd : 0;
}

static int fanova(job *j)
{
    /* the distributions: each param's over the trials (its numbers', or its categories') */
    const knob_distribution **dist = calloc(j->n_names + 1, sizeof *dist);
    if (!dist)
        return knob__oom("importance: distributions");
    bool together = j->n_names == 0;
    for (size_t t = 0; t < j->n && !together; t++) {
        together = true;
        for (size_t p = 0; p < j->n_names && together; p++)
            together = knob_trial_info_param(j->trials[t], j->names[p]) != NULL;
    }
    for (size_t p = 0; p < j->n_names && together; p++)
        dist[p] = j->views[p].n_cat > 0 ? &j->views[p].cat : &j->views[p].num;
    if (!together) { /* the caller's params, each in some trial, never together */
        free(dist);
        knobx_buf b = {0};
        for (size_t p = 0; p < j->n_names; p++)
            knobx_buf_printf(&b, "%s'%s'", p ? ", " : "", j->names[p]);
        int rc = b.oom ? knob__oom("importance: param names")
                       : knob__error(KNOB_ENOTFOUND,
                                     "importance: no complete trial with a value of the objective "
                                     "holds every one of the params %s (fanova evaluates the "
                                     "trials that hold them all)",
                                     knobx_buf_cstr(&b));
        knobx_buf_free(&b);
        return rc;
    }
    int *feat = malloc((j->n_names + 1) * sizeof *feat), d = 0;
    if (!feat) {
        free(dist);
        return knob__oom("importance: features");
    }
    for (size_t p = 0; p < j->n_names; p++)
        if (dist[p] && !dist_single(dist[p]))
            feat[d++] = (int)p;
    /* the forest's features by name, as Optuna's: the order the params were suggested or
     * named in changes nothing (it drew other trees: shares moved by 1e-3) */
    for (int k = 1; k < d; k++)
        for (int i = k; i > 0 && strcmp(j->names[feat[i - 1]], j->names[feat[i]]) > 0; i--) {
            int f = feat[i];
            feat[i] = feat[i - 1];
            feat[i - 1] = f;
        }
    double *X = malloc((j->n * (size_t)d + 1) * sizeof *X);
    double *y = malloc((j->n + 1) * sizeof *y);
    double *lo = malloc(((size_t)d + 1) * 3 * sizeof *lo), *hi = lo + d + 1, *imp = hi + d + 1;
    int *n_cats = calloc((size_t)d + 1, sizeof *n_cats);
    int rc = KNOB_OK, rows = 0;
    if (!X || !y || !lo || !n_cats) {
        rc = knob__oom("importance: the forest's data");
        goto done;
    }
    for (int k = 0; k < d; k++) {
        const knob_distribution *ds = dist[feat[k]];
        if (ds->kind == KNOB_DIST_CATEGORICAL) { /* its choices as categories (see below) */
            n_cats[k] = ds->n_choices < INT_MAX ? (int)ds->n_choices : INT_MAX;
            lo[k] = hi[k] = 0;
        } else {
            lo[k] = ds->low;
            hi[k] = ds->high;
        }
    }
    for (size_t t = 0; t < j->n && d > 0; t++) {
        bool ok = true;
        for (size_t p = 0; p < j->n_names && ok; p++)
            ok = knob_trial_info_param(j->trials[t], j->names[p]) != NULL;
        if (!ok)
            continue;
        for (int k = 0; k < d; k++)
            X[(size_t)rows * d + k] = view_value(
                &j->views[feat[k]], knob_trial_info_param(j->trials[t], j->names[feat[k]]));
        y[rows++] = j->y[t];
    }
    if (rows <= 1 || d == 0)
        goto done;
    /* A categorical of more than 63 choices is read as categories only with at least
     * CAT_ROWS trials a choice: a split sends the subset of categories that best lowers the
     * error to one side, and with about one trial a category it sorts the trials by their
     * value, so that a choice of no effect took 0.16-0.18 of the shares (200 and 1,000
     * choices, 300 and 1,000 trials). With fewer it is read as its choice's position, as
     * 63 choices and fewer never are. */
    for (int k = 0; k < d; k++)
        if (n_cats[k] > 63 && (double)rows < (double)CAT_ROWS * n_cats[k]) {
            hi[k] = (double)n_cats[k] - 1;
            n_cats[k] = 0;
        }
    standardize(y, (size_t)rows);
    /* 64 trees, fitted and decomposed one at a time from one stream of draws (the same trees
     * as a forest fitted at once): a tree grown on 100,000 trials holds 7 MB of nodes */
    knob__forest_opts o = knob__forest_defaults();
    o.n_trees = 1;
    o.max_depth = 64;
    knob_rng r;
    knob_rng_seed(&r, 0);
    int used = 0, mrc = 0;
    for (int k = 0; k < d; k++)
        imp[k] = 0;
    for (int t = 0; t < 64 && mrc == 0; t++) {
        knob__forest f = {0};
        mrc = knob__forest_fit(&f, X, y, rows, d, n_cats, &o, &r);
        if (mrc == 0)
            mrc = knob__fanova_add(&f, lo, hi, imp, &used);
        knob__forest_free(&f);
    }
    if (mrc != 0) {
        rc = knob__oom("importance: the random forest");
        goto done;
    }
    for (int k = 0; k < d; k++)
        j->share[feat[k]] = used > 0 ? imp[k] / used : 0; /* a tree's variance fraction, averaged */
done:
    free(dist);
    free(feat);
    free(X);
    free(y);
    free(lo);
    free(n_cats);
    return rc;
}

/* ---------------------------------------------------------------- PED-ANOVA */

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, w = *(const double *)b;
    return (u > w) - (u < w);
}

/* The grid of a distribution and the grid point of a param's internal value. */
static int grid_size(const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return (int)d->n_choices;
    bool log = (d->flags & KNOB_LOG) != 0;
    if (d->kind == KNOB_DIST_INT && log)
        return knob__ped_grid_size(d->high - d->low + 1, true);
    if (d->step > 0 && !log)
        return knob__ped_grid_size(round((d->high - d->low) / d->step) + 1, false);
    return knob__ped_grid_size(0, false);
}

static int grid_index(const knob_distribution *d, double internal, int size)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return (int)internal;
    if (d->flags & KNOB_LOG)
        return knob__ped_grid_index(log(internal), log(d->low), log(d->high), size);
    return knob__ped_grid_index(internal, d->low, d->high, size);
}

/* The importance of param p over the trials that hold it as a categorical, or as a number
 * (regime: the view's distribution of those). */
static int ped_regime(job *j, size_t p, const knob_distribution *regime, const bool *top,
                      size_t n_top, double *out)
{
    int size = grid_size(regime);
    double *top_c = calloc(2 * (size_t)size, sizeof *top_c);
    if (!top_c)
        return knob__oom("importance: PED-ANOVA counts");
    double *all_c = top_c + size;
    size_t n_reg = 0, n_reg_top = 0;
    for (size_t t = 0; t < j->n; t++) {
        const knob_param *q = knob_trial_info_param(j->trials[t], j->names[p]);
        bool cat = regime->kind == KNOB_DIST_CATEGORICAL;
        if (!q || (q->dist->kind == KNOB_DIST_CATEGORICAL) != cat)
            continue;
        int g = grid_index(regime, view_value(&j->views[p], q), size);
        all_c[g]++;
        n_reg++;
        if (top[t]) {
            top_c[g]++;
            n_reg_top++;
        }
    }
    *out = 0;
    if (n_reg >= 2 && n_reg_top > 0 && !dist_single(regime)) {
        double alpha = (double)n_reg_top / n_top, beta = (double)n_reg / j->n;
        double div =
            knob__ped_divergence(top_c, all_c, size, regime->kind == KNOB_DIST_CATEGORICAL);
        if (isnan(div)) {
            free(top_c);
            return knob__oom("importance: PED-ANOVA estimators");
        }
        *out = alpha * alpha / beta * div;
    }
    free(top_c);
    return KNOB_OK;
}

/* The top 10% of the trials: by the objective's loss (every trial tied with the last one
 * in), or, with j->loss, ceil(10%) of them by nondomination rank with the last front cut by
 * hypervolume subset selection (MOTPE's split, as Optuna 5's PED-ANOVA of a study of
 * several objectives without target). */
static int ped_top(job *j, knob_direction dir, bool *top, size_t *n_top)
{
    size_t k = (size_t)ceil(0.1 * (double)j->n);
    *n_top = 0;
    if (j->loss) {
        if (knob__tpe_select(j->loss, j->n, j->m, k, top))
            return knob__oom("importance: PED-ANOVA's Pareto fronts");
        for (size_t t = 0; t < j->n; t++)
            *n_top += top[t];
        return KNOB_OK;
    }
    double *loss = malloc(j->n * 2 * sizeof *loss);
    if (!loss)
        return knob__oom("importance: PED-ANOVA");
    double *sorted = loss + j->n;
    for (size_t t = 0; t < j->n; t++)
        sorted[t] = loss[t] = dir == KNOB_MAXIMIZE ? -j->y[t] : j->y[t];
    qsort(sorted, j->n, sizeof *sorted, cmp_double);
    for (size_t t = 0; t < j->n; t++)
        *n_top += top[t] = loss[t] <= sorted[k - 1];
    free(loss);
    return KNOB_OK;
}

static int ped_anova(job *j, knob_direction dir)
{
    if (j->n <= 1)
        return KNOB_OK;
    bool *top = malloc(j->n * sizeof *top);
    if (!top)
        return knob__oom("importance: PED-ANOVA");
    size_t n_top;
    int rc = ped_top(j, dir, top, &n_top);
    if (rc) {
        free(top);
        return rc;
    }
    double quantile = (double)n_top / j->n;
    for (size_t p = 0; p < j->n_names && rc == KNOB_OK; p++) {
        /* the param's numbers are one regime, its categories another; inactive trials none */
        const view *w = &j->views[p];
        for (int r = 0; r < 2 && rc == KNOB_OK; r++) {
            if ((r == 0 ? w->n_num : w->n_cat) == 0)
                continue;
            double v = 0;
            rc = ped_regime(j, p, r == 0 ? &w->num : &w->cat, top, n_top, &v);
            j->share[p] += v * quantile * quantile;
        }
    }
    free(top);
    return rc;
}

/* ---------------------------------------------------------------- the public call */

static int cmp_share(const void *a, const void *b)
{
    const knob_importance *u = a, *w = b;
    return (u->share < w->share) - (u->share > w->share);
}

static int make_list(const job *j, knob_importance **out, size_t *n)
{
    size_t bytes = (j->n_names + 1) * sizeof **out;
    for (size_t p = 0; p < j->n_names; p++)
        bytes += strlen(j->names[p]) + 1;
    knob_importance *list = malloc(bytes);
    if (!list)
        return knob__oom("importance: the result");
    char *names = (char *)(list + j->n_names + 1);
    for (size_t p = 0; p < j->n_names; p++) {
        size_t len = strlen(j->names[p]) + 1;
        memcpy(names, j->names[p], len);
        list[p] = (knob_importance){names, j->share[p]};
        names += len;
    }
    /* insertion sort: stable, so ties keep the params' order */
    for (size_t p = 1; p < j->n_names; p++) {
        knob_importance x = list[p];
        size_t q = p;
        for (; q > 0 && cmp_share(&list[q - 1], &x) > 0; q--)
            list[q] = list[q - 1];
        list[q] = x;
    }
    *out = list;
    *n = j->n_names;
    return KNOB_OK;
}

int knob_study_importance(knob_study *s, const char *method, size_t objective,
                          const char *const *params, size_t n_params, knob_importance **out,
                          size_t *n)
{
    return knob_study_importance_v2(s, method, objective, params, n_params, 0, out, n);
}

int knob_study_importance_v2(knob_study *s, const char *method, size_t objective,
                             const char *const *params, size_t n_params, unsigned flags,
                             knob_importance **out, size_t *n)
{
    if (!s || !out || !n || (n_params > 0 && !params))
        return knob__error(KNOB_EINVAL, "importance: NULL argument");
    if (flags & ~(unsigned)KNOB_IMPORTANCE_RAW)
        return knob__error(KNOB_EINVAL,
                           "importance: unknown flags 0x%x (known: KNOB_IMPORTANCE_RAW, 0x%x)",
                           flags & ~(unsigned)KNOB_IMPORTANCE_RAW, (unsigned)KNOB_IMPORTANCE_RAW);
    for (size_t p = 0; p < n_params; p++)
        if (!params[p])
            return knob__error(KNOB_EINVAL, "importance: param name %zu is NULL", p);
    bool fan = !method || !*method || strcmp(method, "fanova") == 0;
    if (!fan && strcmp(method, "ped-anova") != 0)
        return knob__error(KNOB_EINVAL,
                           "importance: unknown method '%s' (choices: fanova, ped-anova)", method);
    size_t n_obj = knob_study_n_objectives(s);
    bool pareto = objective == KNOB_IMPORTANCE_PARETO && n_obj > 1;
    if (objective == KNOB_IMPORTANCE_PARETO && n_obj == 1)
        objective = 0; /* one objective: its own best trials */
    if (pareto && fan)
        return knob__error(KNOB_EINVAL,
                           "importance: fanova evaluates one objective of study '%s' (it has "
                           "%zu): give its index (ped-anova can evaluate the Pareto fronts)",
                           knob_study_name(s), n_obj);
    if (!pareto && objective >= n_obj)
        return knob__error(KNOB_EINVAL,
                           "importance: objective %zu is out of range (study '%s' has %zu)",
                           objective, knob_study_name(s), n_obj);
    const knob_trial_info *const *all;
    size_t n_all;
    int rc = knob_study_trials(s, &all, &n_all);
    if (rc != KNOB_OK)
        return rc;
    job j = {0};
    j.trials = malloc((n_all + 1) * sizeof *j.trials);
    j.y = malloc((n_all + 1) * sizeof *j.y);
    j.m = pareto ? n_obj : 1;
    j.loss = pareto ? malloc((n_all * n_obj + 1) * sizeof *j.loss) : NULL;
    if (!j.trials || !j.y || (pareto && !j.loss)) {
        job_free(&j);
        return knob__oom("importance: trials");
    }
    for (size_t t = 0; t < n_all; t++) {
        const knob_trial_info *ti = all[t];
        if (ti->state != KNOB_TRIAL_COMPLETE || ti->n_values < n_obj)
            continue;
        bool finite = true; /* of the objective evaluated, or of every one for the fronts */
        for (size_t k = pareto ? 0 : objective; k < (pareto ? n_obj : objective + 1); k++)
            finite = finite && isfinite(ti->values[k]);
        if (!finite)
            continue;
        for (size_t k = 0; pareto && k < n_obj; k++)
            j.loss[j.n * n_obj + k] =
                knob_study_direction(s, k) == KNOB_MAXIMIZE ? -ti->values[k] : ti->values[k];
        j.trials[j.n] = ti;
        j.y[j.n++] = pareto ? 0 : ti->values[objective];
    }
    rc = pick_names(&j, params, n_params, fan);
    if (rc == KNOB_OK)
        rc = make_views(&j, fan, n_params);
    if (rc == KNOB_OK && !(j.share = calloc(j.n_names + 1, sizeof *j.share)))
        rc = knob__oom("importance: shares");
    if (rc == KNOB_OK)
        rc = fan ? fanova(&j) : ped_anova(&j, knob_study_direction(s, objective));
    if (rc == KNOB_OK) {
        if (!(flags & KNOB_IMPORTANCE_RAW))
            normalize(j.share, j.n_names);
        rc = make_list(&j, out, n);
    }
    job_free(&j);
    return rc;
}

void knob_importance_free(knob_importance *list)
{
    free(list);
}
