/* knob_study_regret_bound: how much the objective might still improve, as Optuna's
 * RegretBoundEvaluator (Makarova et al. 2022, "Automatic termination for hyperparameter
 * optimization"): a Gaussian process (math/gp.h) fitted to the best trials bounds, with high
 * probability, the gap between the best value the space holds and the best value found.
 * The space and its unit cube are the samplers' (samplers/transform.h: Optuna's
 * intersection search space and its normalization). */
#include "internal.h"
#include "math/gp.h"
#include "math/scale.h"
#include "math/sobol.h"
#include "samplers/transform.h"

#include <math.h>
#include <string.h>

#define TOP_RATIO 0.5  /* Optuna's DEFAULT_TOP_TRIALS_RATIO */
#define MIN_TOP 20     /* Optuna's DEFAULT_MIN_N_TRIALS: at least this many top trials */
#define N_SAMPLES 2048 /* Optuna's optimize_n_samples: points of the space the UCB is taken at */
#define DELTA 0.1      /* the bound holds with probability 1 - DELTA */
#define MIN_NOISE 1e-6 /* Optuna's DEFAULT_MINIMUM_NOISE_VAR */
#define FIT_EVALS 200  /* likelihood evaluations of the kernel's fit */

/* What one evaluation works on: the trials, their points in the unit cube, their values
 * (maximized: a minimized objective negated, as Optuna's _gp module takes them). */
typedef struct rb {
    const knob_trial_info **tr;
    size_t n;
    knob__dim *dims;
    size_t d;
    double *X, *y;
} rb;

static void rb_free(rb *r)
{
    free(r->tr);
    free(r->dims);
    free(r->X);
    free(r->y);
}

static int cmp_desc(const void *a, const void *b)
{
    double u = *(const double *)a, w = *(const double *)b;
    return (u < w) - (u > w);
}

/* Optuna's beta of the confidence bounds, scaled down by 5 as its experiments are. */
static double beta_of(size_t d, size_t n)
{
    return 2 * log((double)d * (double)n * (double)n * M_PI * M_PI / 6 / DELTA) / 5;
}

/* The largest mean + sign sqrt(beta var) over m points x (m x d). */
static double bound_max(const knob__gp *g, const double *x, int m, double beta, double sign,
                        double *mean, double *var, double *work)
{
    knob__gp_predict(g, x, m, mean, var, work);
    double best = -HUGE_VAL;
    for (int i = 0; i < m; i++)
        best = fmax(best, mean[i] + sign * sqrt(beta * fmax(var[i], 0)));
    return best;
}

/* N_SAMPLES scrambled Sobol points of the space (seeded), categorical coordinates as a
 * choice's index, binned ones at the centre of their bin and log ints at their integers'
 * points (knob__dim_round), as Optuna's sample_normalized_params rounds them. */
static void sample_space(const rb *r, uint64_t seed, double *x)
{
    for (size_t k = 0; k < r->d; k++) {
        uint32_t v[32];
        knob__sobol_directions((unsigned)k, v);
        for (int i = 0; i < N_SAMPLES; i++) {
            double u = knob__sobol_scrambled(v, (unsigned)k, (uint64_t)i, seed);
            const knob__dim *dm = &r->dims[k];
            x[(size_t)i * r->d + k] = dm->cat ? knob__dim_choice(dm, u) : knob__dim_round(dm, u);
        }
    }
}

/* The regret bound of the top trials (their rows X, y): in the values' units. */
static int bound_of_top(const rb *r, const double *X, const double *y, size_t n_top, uint64_t seed,
                        double *out)
{
    int d = (int)r->d, n = (int)n_top;
    /* the values scaled by a power of two (exact), so that their squares neither overflow
     * (above about 1e154) nor underflow: the bound is the same at any scale */
    int e = knob__scale_exponent(y, n_top, 1);
    double mean = 0, sd = 0;
    for (size_t i = 0; i < n_top; i++)
        mean += ldexp(y[i], -e) / (double)n_top;
    for (size_t i = 0; i < n_top; i++)
        sd += (ldexp(y[i], -e) - mean) * (ldexp(y[i], -e) - mean) / (double)n_top;
    sd = fmax(1e-10, sqrt(sd));
    double *ys = malloc((n_top + 1) * sizeof *ys);
    double *xs = malloc(((size_t)N_SAMPLES * r->d + 1) * sizeof *xs);
    size_t m = n_top > N_SAMPLES ? n_top : N_SAMPLES;
    double *buf = malloc((2 * m + n_top * m + 1) * sizeof *buf);
    /* the model on the heap: a knob__gp is sized by the most dimensions a model takes
     * (math/gp.h), about 13 KiB, and the kinds of its dimensions by the space */
    bool *cat = malloc(r->d * sizeof *cat);
    knob__gp *g = calloc(1, sizeof *g);
    int rc = KNOB_OK;
    if (!ys || !xs || !buf || !cat || !g) {
        rc = knob__oom("regret bound: the model's data");
        goto done;
    }
    for (size_t i = 0; i < n_top; i++)
        ys[i] = (ldexp(y[i], -e) - mean) / sd;
    for (size_t k = 0; k < r->d; k++)
        cat[k] = r->dims[k].cat;
    g->min_noise = MIN_NOISE;
    int mrc = knob__gp_set_data(g, X, ys, n, d, cat);
    if (mrc == 0)
        mrc = knob__gp_fit(g, FIT_EVALS);
    if (mrc == KNOB__MATH_ENOMEM) {
        rc = knob__oom("regret bound: the Gaussian process");
        goto done;
    }
    if (mrc != 0) {
        rc = knob__error(KNOB_EINVAL,
                         "regret bound: the Gaussian process of %zu trials could not be fitted "
                         "(its kernel matrix is not positive definite)",
                         n_top);
        goto done;
    }
    double beta = beta_of(r->d, n_top), *mu = buf, *var = buf + m, *work = buf + 2 * m;
    sample_space(r, seed, xs);
    /* the largest UCB over the space (the top trials' points among it), the largest LCB
     * over the top trials: their gap bounds the regret of the best of them */
    double ucb = fmax(bound_max(g, X, n, beta, 1, mu, var, work),
                      bound_max(g, xs, N_SAMPLES, beta, 1, mu, var, work));
    double lcb = bound_max(g, X, n, beta, -1, mu, var, work);
    *out = ldexp((ucb - lcb) * sd, e);
done:
    if (g)
        knob__gp_free(g);
    free(g);
    free(cat);
    free(ys);
    free(xs);
    free(buf);
    return rc;
}

/* The trials' rows, and the top ones (Optuna's: the best max(n / 2, 20) values, ties with
 * the last one in) first among them in X and y; their count in *n_top. */
static int top_rows(rb *r, size_t *n_top)
{
    double *sorted = malloc((r->n + 1) * sizeof *sorted);
    double *X = malloc((r->n * r->d + 1) * sizeof *X), *y = malloc((r->n + 1) * sizeof *y);
    if (!sorted || !X || !y) {
        free(sorted);
        free(X);
        free(y);
        return knob__oom("regret bound: the trials' points");
    }
    memcpy(sorted, r->y, r->n * sizeof *sorted);
    qsort(sorted, r->n, sizeof *sorted, cmp_desc);
    size_t k = (size_t)((double)r->n * TOP_RATIO);
    k = k < MIN_TOP ? MIN_TOP : k;
    k = k > r->n ? r->n : k;
    double cut = sorted[k - 1];
    size_t t = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->y[i] < cut)
            continue;
        memcpy(X + t * r->d, r->X + i * r->d, r->d * sizeof *X);
        y[t++] = r->y[i];
    }
    free(sorted);
    free(r->X);
    free(r->y);
    r->X = X;
    r->y = y;
    *n_top = t;
    return KNOB_OK;
}

/* The COMPLETE trials numbered below n_trials with a finite value, and their space. */
static int gather(knob_study *s, size_t n_trials, rb *r)
{
    const knob_trial_info *const *all;
    size_t n_all;
    int rc = knob_study_trials(s, &all, &n_all);
    if (rc != KNOB_OK)
        return rc;
    r->tr = malloc((n_all + 1) * sizeof *r->tr);
    if (!r->tr)
        return knob__oom("regret bound: trials");
    for (size_t t = 0; t < n_all; t++)
        if (all[t]->state == KNOB_TRIAL_COMPLETE && (uint64_t)all[t]->number < n_trials &&
            all[t]->n_values >= 1 && isfinite(all[t]->values[0]))
            r->tr[r->n++] = all[t];
    if (r->n == 0)
        return knob__error(KNOB_ENOTFOUND,
                           "regret bound: study '%s' has no complete trial with a finite value%s",
                           knob_study_name(s), n_trials == (size_t)-1 ? "" : " among those asked");
    rc = knob__intersection(r->tr, r->n, 0, &r->dims, &r->d);
    if (rc != KNOB_OK)
        return rc;
    if (r->d == 0)
        return knob__error(KNOB_EINVAL,
                           "regret bound: the %zu complete trials of study '%s' share no param "
                           "that takes more than one value (the bound is of such a space)",
                           r->n, knob_study_name(s));
    if (r->d > KNOB__GP_MAX_DIMS)
        return knob__error(KNOB_EINVAL,
                           "regret bound: the complete trials of study '%s' share %zu params, "
                           "more than the Gaussian process takes (%d)",
                           knob_study_name(s), r->d, KNOB__GP_MAX_DIMS);
    r->X = malloc((r->n * r->d + 1) * sizeof *r->X);
    r->y = malloc((r->n + 1) * sizeof *r->y);
    if (!r->X || !r->y)
        return knob__oom("regret bound: the trials' points");
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? 1 : -1;
    for (size_t t = 0; t < r->n; t++) {
        for (size_t k = 0; k < r->d; k++)
            r->X[t * r->d + k] = knob__dim_to_unit(
                &r->dims[k], knob_trial_info_param(r->tr[t], r->dims[k].name)->internal);
        r->y[t] = sign * r->tr[t]->values[0];
    }
    return KNOB_OK;
}

int knob_study_regret_bound(knob_study *s, size_t n_trials, uint64_t seed, double *bound)
{
    if (!s || !bound)
        return knob__error(KNOB_EINVAL, "regret bound: NULL argument");
    if (knob_study_n_objectives(s) != 1)
        return knob__error(KNOB_EINVAL,
                           "regret bound: study '%s' has %zu objectives; the bound is of a study "
                           "of one",
                           knob_study_name(s), knob_study_n_objectives(s));
    rb r = {0};
    size_t n_top = 0;
    int rc = gather(s, n_trials, &r);
    if (rc == KNOB_OK)
        rc = top_rows(&r, &n_top);
    if (rc == KNOB_OK)
        rc = bound_of_top(&r, r.X, r.y, n_top, seed, bound);
    rb_free(&r);
    return rc;
}
