/* The learning-rate range test (Smith 2015, "Cyclical Learning Rates for Training Neural
 * Networks", section 3.3), with fastai's smoothing and stopping rules. */
#include "internal.h"

#include <math.h>
#include <string.h>

struct knob_lr_finder {
    knob_lr_finder_options o;
    double *rate, *loss, *smooth;
    size_t n;
    double avg, best;
    bool done, diverged;
};

static int check(const knob_lr_finder_options *o)
{
    if (!(o->min_rate > 0) || !isfinite(o->min_rate))
        return knob__error(KNOB_EINVAL, "lr finder: min_rate must be > 0, got %g", o->min_rate);
    if (!isfinite(o->max_rate))
        return knob__error(KNOB_EINVAL, "lr finder: max_rate must be a finite number, got %g",
                           o->max_rate);
    if (!(o->max_rate > o->min_rate))
        return knob__error(KNOB_EINVAL, "lr finder: max_rate must be > min_rate (%g), got %g",
                           o->min_rate, o->max_rate);
    if (o->steps < 2 || o->steps > 100000000)
        return knob__error(KNOB_EINVAL, "lr finder: steps must be in [2, 1e8], got %lld",
                           (long long)o->steps);
    if (!(o->smoothing >= 0 && o->smoothing < 1))
        return knob__error(KNOB_EINVAL, "lr finder: smoothing must be in [0, 1), got %g",
                           o->smoothing);
    if (!(o->diverge_factor > 1) || !isfinite(o->diverge_factor))
        return knob__error(KNOB_EINVAL, "lr finder: diverge_factor must be > 1, got %g",
                           o->diverge_factor);
    return KNOB_OK;
}

int knob_lr_finder_create(const knob_lr_finder_options *opts, knob_lr_finder **out)
{
    if (!out)
        return knob__error(KNOB_EINVAL, "knob_lr_finder_create: out is NULL");
    *out = NULL;
    knob_lr_finder_options o = opts ? *opts : (knob_lr_finder_options){0};
    if (o.min_rate == 0)
        o.min_rate = 1e-7;
    if (o.max_rate == 0)
        o.max_rate = 10;
    if (o.steps == 0)
        o.steps = 200;
    if (o.smoothing == 0)
        o.smoothing = 0.98;
    else if (o.smoothing < 0)
        o.smoothing = 0;
    if (o.diverge_factor == 0)
        o.diverge_factor = 4;
    int rc = check(&o);
    if (rc)
        return rc;
    knob_lr_finder *f = calloc(1, sizeof *f);
    size_t n = (size_t)o.steps;
    if (f) {
        f->rate = malloc(n * sizeof *f->rate);
        f->loss = malloc(n * sizeof *f->loss);
        f->smooth = malloc(n * sizeof *f->smooth);
    }
    if (!f || !f->rate || !f->loss || !f->smooth) {
        knob_lr_finder_free(f);
        return knob__oom("lr finder");
    }
    f->o = o;
    *out = f;
    return KNOB_OK;
}

void knob_lr_finder_free(knob_lr_finder *f)
{
    if (!f)
        return;
    free(f->rate);
    free(f->loss);
    free(f->smooth);
    free(f);
}

static double rate_at(const knob_lr_finder_options *o, size_t i)
{
    /* in log space throughout: the ratio max_rate / min_rate, or min_rate times a factor
     * as large, can overflow a double where the rate itself does not */
    if (i == 0)
        return o->min_rate;
    if (i + 1 == (size_t)o->steps) /* exactly: exp(log(max)) may be an ulp above it */
        return o->max_rate;
    double t = (double)i / (double)(o->steps - 1), lo = log(o->min_rate);
    return exp(lo + t * (log(o->max_rate) - lo));
}

double knob_lr_finder_rate(const knob_lr_finder *f)
{
    if (!f || f->done)
        return NAN;
    return rate_at(&f->o, f->n);
}

int knob_lr_finder_step(knob_lr_finder *f, double loss, bool *done)
{
    if (!f)
        return knob__error(KNOB_EINVAL, "knob_lr_finder_step: finder is NULL");
    if (f->done)
        return knob__error(KNOB_ESTATE, "lr finder: the test is over (%zu steps recorded)", f->n);
    size_t i = f->n;
    double beta = f->o.smoothing;
    f->rate[i] = rate_at(&f->o, i);
    f->loss[i] = loss;
    if (!isfinite(loss)) {
        f->smooth[i] = loss;
        f->diverged = f->done = true;
    } else {
        f->avg = beta * f->avg + (1 - beta) * loss;
        double s = f->avg / (1 - pow(beta, (double)(i + 1)));
        f->smooth[i] = s;
        if (i == 0 || s < f->best)
            f->best = s;
        /* diverge_factor times the lowest loss is a rise of (diverge_factor - 1) times
         * its size: the same bound for a loss that has fallen below 0 (a log-likelihood
         * of a density), which a product cannot give (it never stopped) */
        double rise = (f->o.diverge_factor - 1) * fabs(f->best);
        if (i > 0 && s - f->best > rise) /* a lowest loss of 0: any rise (it never stopped) */
            f->diverged = f->done = true;
    }
    f->n = i + 1;
    if (f->n == (size_t)f->o.steps)
        f->done = true;
    if (done)
        *done = f->done;
    return KNOB_OK;
}

int knob_lr_finder_result_get(const knob_lr_finder *f, knob_lr_finder_result *out)
{
    if (!f || !out)
        return knob__error(KNOB_EINVAL, "knob_lr_finder_result_get: NULL argument");
    /* the curve without its diverged tail */
    size_t n = f->diverged ? f->n - 1 : f->n;
    /* one step before divergence is a loss lowest at the first rate: the suggestion is a
     * tenth of it, below the range (it was an error) */
    if (n < 1 && f->diverged)
        return knob__error(KNOB_ESTATE,
                           "lr finder: the loss diverged at the first step; at least 1 step "
                           "before divergence is needed (a lower min_rate?)");
    if (n < 2 && !f->diverged) /* not a divergence: too few steps were given yet */
        return knob__error(KNOB_ESTATE, "lr finder: %zu steps recorded; at least 2 are needed", n);
    memset(out, 0, sizeof *out);
    out->n_steps = f->n;
    out->diverged = f->diverged;
    out->diverge_rate = f->diverged ? f->rate[f->n - 1] : NAN;
    size_t lo = 0;
    for (size_t i = 1; i < n; i++)
        if (f->smooth[i] < f->smooth[lo])
            lo = i;
    out->min_loss_rate = f->rate[lo];
    out->min_loss = f->smooth[lo];
    /* d(smoothed loss) / d(log rate), central differences inside, one-sided at the ends;
     * the steepest descent is looked for from step skip up to the minimum. Before it the
     * smoothed loss is the mean of a few noisy minibatches (the bias correction makes it
     * one even when the smoothing is heavy): skip is half the steps the smoothing averages
     * over, 1 / (1 - beta), and at least 10 (fastai skips a tenth), but at most a quarter of the
     * curve. With skip 10 and beta 0.98 the digits network at batch size 16 got 1.9e-05,
     * a dip of its first steps' noise (the loss 2.72-2.82 there), instead of 0.0155 in its
     * descent (2.7 to 0.8). */
    double settle = f->o.smoothing > 0 ? ceil(0.5 / (1 - f->o.smoothing)) : 0;
    size_t end = lo > 0 ? lo : 1, skip = settle > 10 ? (size_t)settle : 10;
    skip = skip < n / 4 ? skip : n / 4;
    size_t steep = skip < end ? skip : 0;
    double best = INFINITY;
    for (size_t i = steep; i <= end && i < n; i++) {
        size_t a = i > 0 ? i - 1 : 0, b = i + 1 < n ? i + 1 : i;
        double g = (f->smooth[b] - f->smooth[a]) / (log(f->rate[b]) - log(f->rate[a]));
        if (g < best) {
            best = g;
            steep = i;
        }
    }
    out->steepest_rate = f->rate[steep];
    double cap = out->min_loss_rate / 10;
    out->suggested_rate = out->steepest_rate > cap ? cap : out->steepest_rate;
    return KNOB_OK;
}

size_t knob_lr_finder_curve(const knob_lr_finder *f, const double **rates, const double **losses,
                            const double **smoothed)
{
    if (!f)
        return 0;
    if (rates)
        *rates = f->rate;
    if (losses)
        *losses = f->loss;
    if (smoothed)
        *smoothed = f->smooth;
    return f->n;
}
