/* W&B's early termination, `early_terminate: {type: hyperband}` of a sweep file, as W&B's
 * sweeps library (hyperband_stopping.py) stops runs: no brackets. Bands at max_iter / eta^k
 * (k = 1 .. s, while >= 1; min_iter is then ignored, as W&B ignores it) or, from min_iter
 * alone, min_iter * eta^k (k = 0, 1, ...), counted in records: band b is a trial's b-th
 * intermediate value in step order (NaN values left out, as W&B's filter leaves them). At
 * each report a trial is judged at the last band it has reached, against the b-th values of
 * every trial that has reached it (running, complete, pruned or failed, itself among them):
 * it stops when its own value is worse than the one ranked floor(n / eta) (from 0, best
 * first) among those n. The value judged is its b-th (strict, W&B's default), or its best so
 * far (strict false). Judged again at each later report, against values that come in
 * meanwhile. */
#include "pruners/common.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#define MAX_BANDS 64
#define BAND_LIMIT 9007199254740992.0 /* 2^53: steps are exact in a double to there */

typedef struct wbh {
    int64_t min_iter, max_iter, s, eta, objective;
    bool strict;
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
    if (!bands_of(p, band)) /* W&B refuses it too ("Bands must be an array of length at least 1") */
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'wandb_hyperband': no band: max_iter / eta (%lld / %lld) "
                              "is below 1; give a larger max_iter or a smaller eta",
                              (long long)p->max_iter, (long long)p->eta);
    return KNOB_OK;
}

/* The b-th value (from 1) not NaN of the step-sorted v[0..n); false when there are fewer. */
static bool nth_value(const knob_step_value *v, size_t n, int64_t b, double *out)
{
    int64_t seen = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i].value) && ++seen == b) {
            *out = v[i].value;
            return true;
        }
    return false;
}

/* How many values not NaN v[0..n) holds. */
static int64_t count_values(const knob_step_value *v, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += !isnan(v[i].value);
    return c;
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
    int64_t band[MAX_BANDS];
    *out = false;
    int rc = knob__prune_direction(s, p->objective, "wandb_hyperband", &dir);
    if (rc)
        return rc;
    const knob_step_value *iv;
    size_t ni = knob_trial_intermediate(t, &iv);
    int64_t records = count_values(iv, ni);
    size_t nb = bands_of(p, band), at = nb;
    while (at > 0 && band[at - 1] > records)
        at--;
    if (!at)
        return KNOB_OK; /* no band reached yet */
    int64_t b = band[at - 1];
    double sign = dir == KNOB_MAXIMIZE ? -1 : 1, mine, judged;
    if (!nth_value(iv, ni, b, &mine))
        return KNOB_OK;
    judged = mine;
    if (!p->strict) /* the best so far, W&B's min(history) */
        for (size_t i = 0; i < ni; i++)
            if (!isnan(iv[i].value) && sign * iv[i].value < sign * judged)
                judged = iv[i].value;
    const knob_trial_info *const *trials;
    size_t n, count = 0;
    if ((rc = knob_study_trials(s, &trials, &n)))
        return rc;
    double *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return knob_set_error(KNOB_ENOMEM, "out of memory (wandb_hyperband pruner)");
    v[count++] = sign * mine;
    int64_t number = knob_trial_number(t);
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *o = trials[i];
        if (o->number == number || o->state == KNOB_TRIAL_WAITING)
            continue;
        if (nth_value(o->intermediate, o->n_intermediate, b, &v[count]))
            v[count++] *= sign;
    }
    qsort(v, count, sizeof *v, cmp_double);
    *out = sign * judged > v[count / (size_t)p->eta];
    free(v);
    return KNOB_OK;
}

static const knob_option options[] = {
    {"min_iter", KNOB_OPT_INT, offsetof(wbh, min_iter), "0", 0, 9007199254740992.0,
     "bands at min_iter * eta^k, in records (ignored beside max_iter, as by W&B)", NULL},
    {"max_iter", KNOB_OPT_INT, offsetof(wbh, max_iter), "0", 0, 9007199254740992.0,
     "bands at max_iter / eta^k, k = 1 .. s, in records (0: none; then min_iter's)", NULL},
    {"s", KNOB_OPT_INT, offsetof(wbh, s), "3", 1, 32, "how many bands below max_iter", NULL},
    {"eta", KNOB_OPT_INT, offsetof(wbh, eta), "3", 2, 1000,
     "a trial at a band goes on while in the top 1/eta of the values there", NULL},
    {"strict", KNOB_OPT_BOOL, offsetof(wbh, strict), "true", 0, 0,
     "judge a trial's value at the band (W&B's default), else its best so far", NULL},
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
