/* Online hypergradient descent of the learning rate for SGD (with heavy-ball momentum)
 * and Adam (Baydin, Cornish, Martinez Rubio, Schmidt and Wood, ICLR 2018). */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

struct knob_hypergrad {
    knob_hypergrad_options o;
    size_t n;
    double *dir;   /* the last step's direction d_t: theta_t = theta_{t-1} - rate * d_t */
    double *m, *v; /* momentum's velocity, or Adam's moments */
    double *next;  /* 3n: this step's m, v and direction, taken only once all are finite */
    double rate, hyper;
    int64_t t;
};

static int check(const knob_hypergrad_options *o, size_t n)
{
    if (o->method != KNOB_HYPERGRAD_SGD && o->method != KNOB_HYPERGRAD_ADAM)
        return knob__error(KNOB_EINVAL, "hypergrad: method must be SGD (0) or ADAM (1), got %d",
                           (int)o->method);
    if (n == 0)
        return knob__error(KNOB_EINVAL, "hypergrad: no params (n is 0)");
    if (!(o->rate > 0) || !isfinite(o->rate))
        return knob__error(KNOB_EINVAL, "hypergrad: rate must be > 0, got %g", o->rate);
    if (!(o->hyper_rate >= 0) || !isfinite(o->hyper_rate))
        return knob__error(KNOB_EINVAL, "hypergrad: hyper_rate must be >= 0, got %g",
                           o->hyper_rate);
    if (!(o->momentum >= 0 && o->momentum < 1))
        return knob__error(KNOB_EINVAL, "hypergrad: momentum must be in [0, 1), got %g",
                           o->momentum);
    bool adam = o->method == KNOB_HYPERGRAD_ADAM;
    if (adam && (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1)))
        return knob__error(KNOB_EINVAL,
                           "hypergrad: beta1 and beta2 must be in [0, 1), got %g "
                           "and %g",
                           o->beta1, o->beta2);
    /* an infinite eps made every Adam direction 0: the params never moved */
    if (adam && (!(o->eps > 0) || !isfinite(o->eps)))
        return knob__error(KNOB_EINVAL, "hypergrad: eps must be finite and > 0, got %g", o->eps);
    /* an option of the other method would be ignored without a word: SGD's momentum given
     * to Adam (whose first moment is beta1), or Adam's moments given to SGD */
    if (adam && o->momentum != 0)
        return knob__error(KNOB_EINVAL,
                           "hypergrad: momentum %g is SGD's; Adam's first moment is beta1",
                           o->momentum);
    if (!adam && (o->beta1 != 0 || o->beta2 != 0 || o->eps != 0))
        return knob__error(KNOB_EINVAL,
                           "hypergrad: beta1, beta2 and eps are Adam's; SGD takes momentum "
                           "(got beta1 %g, beta2 %g, eps %g)",
                           o->beta1, o->beta2, o->eps);
    if (!(o->min_rate >= 0) || !(o->max_rate > o->min_rate))
        return knob__error(KNOB_EINVAL,
                           "hypergrad: need 0 <= min_rate < max_rate, got min_rate %g, "
                           "max_rate %g",
                           o->min_rate, o->max_rate);
    if (o->rate < o->min_rate || o->rate > o->max_rate)
        return knob__error(KNOB_EINVAL, "hypergrad: rate %g is outside [min_rate %g, max_rate %g]",
                           o->rate, o->min_rate, o->max_rate);
    return KNOB_OK;
}

int knob_hypergrad_create(const knob_hypergrad_options *opts, size_t n, knob_hypergrad **out)
{
    if (!opts || !out)
        return knob__error(KNOB_EINVAL, "knob_hypergrad_create: NULL argument");
    *out = NULL;
    knob_hypergrad_options o = *opts;
    bool adam = o.method == KNOB_HYPERGRAD_ADAM;
    if (o.beta1 == 0 && adam)
        o.beta1 = 0.9;
    if (o.beta2 == 0 && adam)
        o.beta2 = 0.999;
    if (o.eps == 0 && adam)
        o.eps = 1e-8;
    if (o.max_rate == 0)
        o.max_rate = INFINITY;
    int rc = check(&o, n);
    if (rc)
        return rc;
    knob_hypergrad *h = calloc(1, sizeof *h);
    if (h) {
        h->dir = calloc(n, sizeof *h->dir);
        h->m = calloc(n, sizeof *h->m);
        h->v = calloc(n, sizeof *h->v);
        h->next = n <= SIZE_MAX / 3 ? calloc(3 * n, sizeof *h->next) : NULL;
    }
    if (!h || !h->dir || !h->m || !h->v || !h->next) {
        knob_hypergrad_free(h);
        return knob__oom("hypergrad");
    }
    h->o = o;
    h->n = n;
    h->rate = o.rate;
    *out = h;
    return KNOB_OK;
}

void knob_hypergrad_free(knob_hypergrad *h)
{
    if (!h)
        return;
    free(h->dir);
    free(h->m);
    free(h->v);
    free(h->next);
    free(h);
}

double knob_hypergrad_rate(const knob_hypergrad *h)
{
    return h ? h->rate : NAN;
}

double knob_hypergrad_hypergradient(const knob_hypergrad *h)
{
    return h ? h->hyper : NAN;
}

/* The rate this step takes, from its gradient and the last step's direction, into *rate
 * and *hyper; changes nothing in h. A gradient whose product with the last direction
 * overflows (finite numbers near DBL_MAX) would make the rate NaN or infinite, and every
 * param after it: that is KNOB_EINVAL too, as is (Adam) a gradient whose square overflows. With
 * hyper_rate 0 the rate stays whatever the hypergradient is. */
static int next_rate(const knob_hypergrad *h, const double *g, double *rate, double *hyper)
{
    const knob_hypergrad_options *o = &h->o;
    *rate = h->rate;
    *hyper = h->hyper;
    /* Adam's second moment takes g squared: past about 1e154 it is inf, and then every later
     * direction is 0 and the params never move again. The square itself is checked, not
     * the moment's (1 - beta2) share of it: the step divides that by 1 - beta2^t, which
     * made a square past DBL_MAX inf again (a gradient up to about 4e155 was taken). A
     * moment of finite squares stays below the largest, bias correction included. */
    for (size_t i = 0; o->method == KNOB_HYPERGRAD_ADAM && i < h->n; i++)
        if (!isfinite(g[i] * g[i]))
            return knob__error(KNOB_EINVAL,
                               "hypergrad: step %lld: gradient %zu is %g, whose square overflows "
                               "Adam's second moment: the gradient is too large (nothing changed)",
                               (long long)h->t + 1, i, g[i]);
    if (h->t == 0)
        return KNOB_OK;
    double dot = 0;
    for (size_t i = 0; i < h->n; i++)
        dot += g[i] * h->dir[i];
    *hyper = -dot;
    if (o->hyper_rate == 0)
        return KNOB_OK;
    /* checked before the bounds: a rate that overflowed to -inf (or +inf under a finite
     * max_rate) was clamped to a bound and taken, from a gradient as suspect as one whose
     * rate overflows to +inf */
    double r = h->rate - o->hyper_rate * *hyper;
    if (!isfinite(dot) || !isfinite(r))
        return knob__error(KNOB_EINVAL,
                           "hypergrad: step %lld: the hypergradient (the gradient times the "
                           "last step's direction) is %g and makes the rate %g: the gradient "
                           "is too large (nothing changed)",
                           (long long)h->t + 1, *hyper, r);
    *rate = r < o->min_rate ? o->min_rate : r > o->max_rate ? o->max_rate : r;
    return KNOB_OK;
}

/* This step's velocity (or moments) and direction into h->next, from the gradient; changes
 * nothing else. A velocity of finite gradients still overflows (momentum 0.9, two gradients
 * of 1e308): it was taken, the params became -inf and stayed so with every later gradient.
 * Such a step is KNOB_EINVAL. */
static int next_state(knob_hypergrad *h, const double *g)
{
    const knob_hypergrad_options *o = &h->o;
    size_t n = h->n;
    double *m = h->next, *v = h->next + n, *dir = h->next + 2 * n;
    double t = (double)(h->t + 1);
    double c1 = 1 - pow(o->beta1, t), c2 = 1 - pow(o->beta2, t);
    for (size_t i = 0; i < n; i++) {
        if (o->method == KNOB_HYPERGRAD_SGD) {
            m[i] = o->momentum * h->m[i] + g[i];
            v[i] = 0;
            dir[i] = m[i];
        } else {
            m[i] = o->beta1 * h->m[i] + (1 - o->beta1) * g[i];
            v[i] = o->beta2 * h->v[i] + (1 - o->beta2) * g[i] * g[i];
            dir[i] = (m[i] / c1) / (sqrt(v[i] / c2) + o->eps);
        }
        if (!isfinite(m[i]) || !isfinite(v[i]) || !isfinite(dir[i]))
            return knob__error(KNOB_EINVAL,
                               "hypergrad: step %lld: gradient %zu (%g) makes the %s %g and the "
                               "direction %g: the gradient is too large (nothing changed)",
                               (long long)h->t + 1, i, g[i],
                               o->method == KNOB_HYPERGRAD_SGD ? "velocity" : "first moment", m[i],
                               dir[i]);
    }
    return KNOB_OK;
}

/* A param the step would make infinite (a large rate times a large direction: SGD with
 * rate 1e278 and gradient 1e300 went to -inf and returned KNOB_OK), or one that is not
 * finite before it. */
static int check_param(const knob_hypergrad *h, size_t i, double rate, double before, double after)
{
    if (isfinite(after))
        return KNOB_OK;
    if (!isfinite(before))
        return knob__error(KNOB_EINVAL, "hypergrad: step %lld: param %zu is %g (nothing changed)",
                           (long long)h->t + 1, i, before);
    return knob__error(KNOB_EINVAL,
                       "hypergrad: step %lld: param %zu would go from %g to %g (the rate %g "
                       "times the direction %g): the step is too large (nothing changed)",
                       (long long)h->t + 1, i, before, after, rate, h->next[2 * h->n + i]);
}

/* Takes the rate and the state next_state made. */
static void advance(knob_hypergrad *h, double rate, double hyper)
{
    size_t n = h->n;
    h->rate = rate;
    h->hyper = hyper;
    h->t++;
    memcpy(h->m, h->next, n * sizeof *h->m);
    memcpy(h->v, h->next + n, n * sizeof *h->v);
    memcpy(h->dir, h->next + 2 * n, n * sizeof *h->dir);
}

/* The rate and the new state of a step from a finite gradient, all checked, none taken. */
static int prepare(knob_hypergrad *h, const double *g, double *rate, double *hyper)
{
    int rc = next_rate(h, g, rate, hyper);
    return rc ? rc : next_state(h, g);
}

int knob_hypergrad_step(knob_hypergrad *h, double *params, const double *grad)
{
    if (!h || !params || !grad)
        return knob__error(KNOB_EINVAL, "knob_hypergrad_step: NULL argument");
    for (size_t i = 0; i < h->n; i++)
        if (!isfinite(grad[i]))
            return knob__error(KNOB_EINVAL,
                               "hypergrad: step %lld: gradient %zu is %g (nothing changed)",
                               (long long)h->t + 1, i, grad[i]);
    double rate = 0, hyper = 0;
    int rc = prepare(h, grad, &rate, &hyper);
    const double *dir = h->next + 2 * h->n;
    for (size_t i = 0; i < h->n && !rc; i++)
        rc = check_param(h, i, rate, params[i], params[i] - rate * dir[i]);
    if (rc)
        return rc;
    advance(h, rate, hyper);
    for (size_t i = 0; i < h->n; i++)
        params[i] -= h->rate * h->dir[i];
    return KNOB_OK;
}

int knob_hypergrad_step_f(knob_hypergrad *h, float *params, const float *grad)
{
    if (!h || !params || !grad)
        return knob__error(KNOB_EINVAL, "knob_hypergrad_step_f: NULL argument");
    double *g = calloc(h->n, sizeof *g);
    if (!g)
        return knob__oom("hypergrad gradient");
    int rc = KNOB_OK;
    for (size_t i = 0; i < h->n && !rc; i++) {
        g[i] = grad[i];
        if (!isfinite(g[i]))
            rc = knob__error(KNOB_EINVAL,
                             "hypergrad: step %lld: gradient %zu is %g (nothing changed)",
                             (long long)h->t + 1, i, g[i]);
    }
    double rate = 0, hyper = 0;
    if (!rc)
        rc = prepare(h, g, &rate, &hyper);
    /* the float the param becomes: a double past FLT_MAX is inf there */
    const double *dir = h->next + 2 * h->n;
    for (size_t i = 0; i < h->n && !rc; i++)
        rc = check_param(h, i, rate, params[i], (float)(params[i] - rate * dir[i]));
    if (!rc) {
        advance(h, rate, hyper);
        for (size_t i = 0; i < h->n; i++)
            params[i] = (float)(params[i] - h->rate * h->dir[i]);
    }
    free(g);
    return rc;
}
