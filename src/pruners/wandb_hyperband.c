/* W&B's early termination, `early_terminate: {type: hyperband}` of a sweep file, as W&B's
 * sweeps library (hyperband_stopping.py) stops runs: no brackets. Bands at max_iter / eta^k
 * (k = 1 .. s, while >= 1) or, from min_iter alone, min_iter * eta^k (k = 0, 1, ...). At
 * each report a trial is judged at the last band it has reached, against every trial that
 * has reached that band (running, complete, pruned or failed, and itself): it stops when its
 * value there is worse than the value ranked floor(n / eta) (from 0, best first) among
 * those n values, that is when it is not in the top 1/eta of them. A trial's value at a band
 * is its first value at a step >= the band; NaN values are left out, as W&B's filter leaves
 * them. Judged again at each later report, against values that come in meanwhile. */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#define MAX_BANDS 64
#define BAND_LIMIT 9007199254740992.0 /* 2^53: steps are exact in a double to there */

typedef struct wbh {
    int64_t min_iter, max_iter, s, eta, objective;
} wbh;

/* The bands in increasing order; their count (0: none). */
static size_t bands_of(const wbh *p, int64_t *band)
{
    size_t n = 0;
    if (p->max_iter > 0) {
        double b = (double)p->max_iter;
        for (int64_t k = 0; k < p->s && n < MAX_BANDS; k++) {
            b /= (double)p->eta;
            if (b < 1)
                break;
            if ((int64_t)b >= p->min_iter) /* min_iter beside max_iter: no band below it */
                band[n++] = (int64_t)b;
        }
        for (size_t i = 0; i < n / 2; i++) { /* found from the top down */
            int64_t x = band[i];
            band[i] = band[n - 1 - i];
            band[n - 1 - i] = x;
        }
        return n;
    }
    for (double b = (double)p->min_iter; b <= BAND_LIMIT && n < MAX_BANDS; b *= (double)p->eta)
        band[n++] = (int64_t)b;
    return n;
}

static int init(void *state)
{
    const wbh *p = state;
    int64_t band[MAX_BANDS];
    if (p->min_iter <= 0 && p->max_iter <= 0)
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'wandb_hyperband': give min_iter, max_iter or both");
    if (p->min_iter > 0 && p->max_iter > 0 && p->min_iter > p->max_iter)
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'wandb_hyperband': max_iter (%lld) must be >= min_iter "
                              "(%lld)",
                              (long long)p->max_iter, (long long)p->min_iter);
    if (!bands_of(p, band))
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'wandb_hyperband': no band: max_iter / eta^k (k = 1 .. s) "
                              "is below %s (max_iter %lld, eta %lld, s %lld); give a larger "
                              "max_iter or s, or a smaller eta",
                              p->min_iter > 0 ? "min_iter" : "1", (long long)p->max_iter,
                              (long long)p->eta, (long long)p->s);
    return KNOB_OK;
}

/* The first value not NaN at a step >= band of the sorted v[0..n); false when none. */
static bool value_from(const knob_step_value *v, size_t n, int64_t band, double *out)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].step < band)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n; lo++)
        if (!isnan(v[lo].value)) {
            *out = v[lo].value;
            return true;
        }
    return false;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    const wbh *p = state;
    knob_direction dir;
    int64_t step, band[MAX_BANDS];
    double last;
    *out = false;
    int rc = knob__prune_direction(s, p->objective, "wandb_hyperband", &dir);
    if (rc || !knob__last_step(t, &step, &last))
        return rc;
    size_t nb = bands_of(p, band), at = nb;
    while (at > 0 && band[at - 1] > step)
        at--;
    if (!at)
        return KNOB_OK; /* no band reached yet */
    int64_t b = band[at - 1];
    const knob_step_value *iv;
    size_t ni = knob_trial_intermediate(t, &iv);
    double mine;
    if (!value_from(iv, ni, b, &mine))
        return KNOB_OK;
    const knob_trial_info *const *trials;
    size_t n, count = 0;
    if ((rc = knob_study_trials(s, &trials, &n)))
        return rc;
    double *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return knob_set_error(KNOB_ENOMEM, "out of memory (wandb_hyperband pruner)");
    double sign = dir == KNOB_MAXIMIZE ? -1 : 1;
    v[count++] = sign * mine;
    int64_t number = knob_trial_number(t);
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *o = trials[i];
        if (o->number == number || o->state == KNOB_TRIAL_WAITING)
            continue;
        if (value_from(o->intermediate, o->n_intermediate, b, &v[count]))
            v[count++] *= sign;
    }
    qsort(v, count, sizeof *v, cmp_double);
    *out = sign * mine > v[count / (size_t)p->eta];
    free(v);
    return KNOB_OK;
}

static const knob_option options[] = {
    {"min_iter", KNOB_OPT_INT, offsetof(wbh, min_iter), "0", 0, 9007199254740992.0,
     "the first band (0: none; then max_iter's bands), bands at min_iter * eta^k", NULL},
    {"max_iter", KNOB_OPT_INT, offsetof(wbh, max_iter), "0", 0, 9007199254740992.0,
     "bands at max_iter / eta^k, k = 1 .. s (0: none; then min_iter's)", NULL},
    {"s", KNOB_OPT_INT, offsetof(wbh, s), "3", 1, 32, "how many bands below max_iter", NULL},
    {"eta", KNOB_OPT_INT, offsetof(wbh, eta), "3", 2, 1000,
     "a trial at a band goes on while in the top 1/eta of the values there", NULL},
    {"objective", KNOB_OPT_INT, offsetof(wbh, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_wandb_hyperband = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "wandb_hyperband",
    .help = "W&B's early termination (a sweep's early_terminate): at bands max_iter / eta^k or "
            "min_iter * eta^k, a trial stops unless it is in the top 1/eta of every trial's "
            "value at the last band it reached.",
    .state_size = sizeof(wbh),
    .options = options,
    .init = init,
    .prune = prune,
};
