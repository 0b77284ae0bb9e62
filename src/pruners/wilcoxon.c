/* Wilcoxon signed-rank pruner, for objectives that are averages over instances or folds:
 * each step is one instance, and a trial stops when its values are significantly worse
 * than the best trial's on the same instances (paired, one-sided test). */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct wx {
    double p_threshold;
    int64_t n_startup_steps, objective;
} wx;

typedef struct ranked {
    double abs, sign, rank;
} ranked;

static int cmp_abs(const void *a, const void *b)
{
    double x = ((const ranked *)a)->abs, y = ((const ranked *)b)->abs;
    return (x > y) - (x < y);
}

/* P(T+ >= t) for n distinct ranks 1..n under the null, by counting subsets. */
static double exact_upper(size_t n, double t)
{
    size_t max = n * (n + 1) / 2;
    double *count = calloc(max + 1, sizeof *count);
    if (!count)
        return NAN;
    count[0] = 1;
    for (size_t r = 1; r <= n; r++)
        for (size_t s = max; s >= r; s--)
            count[s] += count[s - r];
    double tail = 0, total = ldexp(1.0, (int)n);
    for (size_t s = (size_t)ceil(t - 1e-9); s <= max; s++)
        tail += count[s];
    free(count);
    return tail / total;
}

/* The largest sample whose sign flips are counted one by one (2^13 = 8192 statistics), as
 * scipy's wilcoxon does (method "auto": a permutation test) when there are ties or zeros. */
#define PERMUTE_MAX 13

/* P(T+ >= t) over the 2^n equally likely sign flips of the n ranked differences in r (a
 * zero's half rank on each side, whatever its sign); the tolerance keeps a statistic equal to
 * t in exact arithmetic from falling below it by rounding. */
static double permutation_upper(const ranked *r, size_t n, double t)
{
    size_t hits = 0, total = (size_t)1 << n;
    for (size_t mask = 0; mask < total; mask++) {
        double v = 0;
        for (size_t i = 0; i < n; i++)
            v += r[i].sign == 0 ? r[i].rank / 2 : mask >> i & 1 ? r[i].rank : 0;
        hits += v >= t - 1e-9 * fabs(t);
    }
    return (double)hits / (double)total;
}

/* The p-value that the differences d tend to be positive. Zero differences are ranked
 * and their ranks split evenly between the two signs; ties get average ranks. As scipy's
 * wilcoxon (method "auto", zero_method "zsplit"): the exact null distribution for n <= 50
 * without ties or zeros; with them, for n <= 13, the exact distribution of the statistic
 * over every flip of the signs (a permutation test: with ties the table of distinct ranks
 * is not the statistic's distribution, and the normal approximation gave 0.023 for four
 * equal differences whose p is 1/16); else the normal approximation with the tie
 * correction. */
double knob__wilcoxon_greater(const double *d, size_t n)
{
    ranked *r = malloc(n * sizeof *r);
    if (!r || n == 0) {
        free(r);
        return NAN;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){fabs(d[i]), d[i] > 0 ? 1 : d[i] < 0 ? -1 : 0, 0};
    qsort(r, n, sizeof *r, cmp_abs);
    double t_plus = 0, ties = 0;
    bool exact = n <= 50;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && r[j].abs == r[i].abs)
            j++;
        double rank = (double)(i + j + 1) / 2.0, m = (double)(j - i);
        if (m > 1) {
            ties += m * m * m - m;
            exact = false;
        }
        for (size_t k = i; k < j; k++) {
            r[k].rank = rank;
            t_plus += r[k].sign > 0 ? rank : r[k].sign == 0 ? rank / 2 : 0;
            if (r[k].sign == 0)
                exact = false;
        }
        i = j;
    }
    if (!exact && n <= PERMUTE_MAX) {
        double p = permutation_upper(r, n, t_plus);
        free(r);
        return p;
    }
    free(r);
    double nn = (double)n;
    if (exact)
        return exact_upper(n, t_plus);
    double mean = nn * (nn + 1) / 4;
    double var = nn * (nn + 1) * (2 * nn + 1) / 24 - ties / 48;
    if (var <= 0)
        return 0.5;
    double z = (t_plus - mean) / sqrt(var);
    return 0.5 * erfc(z / sqrt(2.0));
}

/* The best feasible complete trial, as Optuna's study.best_trial (a trial that violates a
 * constraint is no benchmark; none feasible: nothing to compare with, no pruning). */
static const knob_trial_info *best_trial(knob_study *s, const knob_trial_info *const *tr,
                                         size_t n, knob_direction dir, size_t obj)
{
    const knob_trial_info *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *c = tr[i];
        if (c->state != KNOB_TRIAL_COMPLETE || c->n_values <= obj || !knob_trial_info_feasible(c))
            continue;
        if (!best || (dir == KNOB_MAXIMIZE ? c->values[obj] > best->values[obj]
                                           : c->values[obj] < best->values[obj]))
            best = c;
    }
    (void)s;
    return best;
}

static double mean(const knob_step_value *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i].value;
    if (n && isinf(sum)) { /* finite values near 1e308 overflow their sum: each part first */
        sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += v[i].value / (double)n;
        return sum;
    }
    return n ? sum / (double)n : NAN;
}

/* The paired differences, > 0 where the trial is worse. Two finite values of opposite signs
 * near 1e308 overflow theirs to an infinity, which ties with any other and loses its rank:
 * then every difference is taken of the halves (their order is kept). */
static size_t differences(const knob_trial_info *best, const knob_step_value *v, size_t nv,
                          knob_direction dir, double *d)
{
    size_t m = 0;
    for (int half = 0; half < 2; half++) {
        bool overflow = false;
        double k = half ? 0.5 : 1;
        m = 0;
        for (size_t i = 0; i < nv; i++) {
            double b;
            if (!knob__value_at(best, v[i].step, &b))
                continue;
            d[m] = dir == KNOB_MAXIMIZE ? k * b - k * v[i].value : k * v[i].value - k * b;
            overflow |= isinf(d[m]) && isfinite(b) && isfinite(v[i].value);
            m++;
        }
        if (!overflow)
            break;
    }
    return m;
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const wx *p = state;
    knob_direction dir;
    *out = false;
    int rc = knob__prune_direction(s, p->objective, "wilcoxon", &dir);
    const knob_trial_info *const *tr;
    size_t n;
    if (rc || (rc = knob_study_trials(s, &tr, &n)))
        return rc;
    const knob_trial_info *best = best_trial(s, tr, n, dir, (size_t)p->objective);
    const knob_step_value *v;
    size_t nv = knob_trial_intermediate(t, &v);
    if (!best || !best->n_intermediate || !nv)
        return KNOB_OK;
    double *d = malloc(nv * sizeof *d);
    if (!d)
        return knob_set_error(KNOB_ENOMEM, "out of memory (wilcoxon pruner)");
    size_t m = differences(best, v, nv, dir, d);
    if ((int64_t)m >= (p->n_startup_steps > 2 ? p->n_startup_steps : 2)) {
        double pv = knob__wilcoxon_greater(d, m);
        double mb = mean(best->intermediate, best->n_intermediate), mc = mean(v, nv);
        /* Never stop a trial whose average so far is at least as good as the best's. */
        bool average_is_best = dir == KNOB_MAXIMIZE ? mc >= mb : mc <= mb;
        *out = pv < p->p_threshold && !average_is_best;
    }
    free(d);
    return KNOB_OK;
}

static const knob_option options[] = {
    {"p_threshold", KNOB_OPT_DOUBLE, offsetof(wx, p_threshold), "0.1", 0, 1,
     "stop when the one-sided p-value of being worse than the best trial is below this", NULL},
    {"n_startup_steps", KNOB_OPT_INT, offsetof(wx, n_startup_steps), "2", 0, 1e9,
     "paired instances needed before any test", NULL},
    {"objective", KNOB_OPT_INT, offsetof(wx, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_wilcoxon = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "wilcoxon",
    .help = "For per-instance or per-fold values reported as steps: stops a trial that a "
            "paired Wilcoxon signed-rank test finds worse than the best trial.",
    .state_size = sizeof(wx),
    .options = options,
    .prune = prune,
};
