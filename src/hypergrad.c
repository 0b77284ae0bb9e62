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

/* ---------------------------------------------------------------- saved state */

/* The layout knob.h gives: little-endian whatever the machine, so a checkpoint written on one
 * machine is read on another; doubles by their bits, so the state comes back exactly. */
#define STATE_TAG "KNHG"
#define STATE_VERSION 1u
#define STATE_HEADER 48

/* x in its n low bytes at p, least significant first; and back */
static void put_le(unsigned char *p, uint64_t x, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(x >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t x = 0;
    for (int i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

static void put_f64(unsigned char *p, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    put_le(p, bits, 8);
}

static double get_f64(const unsigned char *p)
{
    uint64_t bits = get_le(p, 8);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

size_t knob_hypergrad_state_size(const knob_hypergrad *h)
{
    /* h->next's 3n doubles were allocated, so 24 n fits; the header could still overflow */
    if (!h || h->n > (SIZE_MAX - STATE_HEADER) / 24)
        return 0;
    return STATE_HEADER + 24 * h->n;
}

int knob_hypergrad_save(const knob_hypergrad *h, void *buf, size_t size)
{
    if (!h || !buf)
        return knob__error(KNOB_EINVAL, "knob_hypergrad_save: NULL argument");
    size_t need = knob_hypergrad_state_size(h);
    if (need == 0 || size < need)
        return knob__error(KNOB_EINVAL,
                           "knob_hypergrad_save: the state takes %zu bytes, the buffer has %zu",
                           need, size);
    unsigned char *p = buf;
    memcpy(p, STATE_TAG, 4);
    put_le(p + 4, STATE_VERSION, 4);
    put_le(p + 8, (uint32_t)h->o.method, 4);
    put_le(p + 12, 0, 4);
    put_le(p + 16, (uint64_t)h->n, 8);
    put_le(p + 24, (uint64_t)h->t, 8);
    put_f64(p + 32, h->rate);
    put_f64(p + 40, h->hyper);
    p += STATE_HEADER;
    for (size_t i = 0; i < h->n; i++) {
        put_f64(p + 8 * i, h->dir[i]);
        put_f64(p + 8 * (h->n + i), h->m[i]);
        put_f64(p + 8 * (2 * h->n + i), h->v[i]);
    }
    return KNOB_OK;
}

/* The header of a saved state against h: a state of this layout, method and size. */
static int check_header(const knob_hypergrad *h, const unsigned char *p, size_t size)
{
    const char *fn = "knob_hypergrad_load";
    if (size < STATE_HEADER || memcmp(p, STATE_TAG, 4))
        return knob__error(KNOB_EINVAL,
                           "%s: not a saved hypergradient state (%zu bytes, without the tag "
                           "\"" STATE_TAG "\")",
                           fn, size);
    uint32_t version = (uint32_t)get_le(p + 4, 4), method = (uint32_t)get_le(p + 8, 4);
    uint64_t n = get_le(p + 16, 8);
    if (version != STATE_VERSION)
        return knob__error(KNOB_EINVAL, "%s: the state has version %u; this libknob reads %u", fn,
                           (unsigned)version, STATE_VERSION);
    if (method != (uint32_t)h->o.method)
        return knob__error(KNOB_EINVAL, "%s: the state is %s's, this optimizer is %s", fn,
                           method == KNOB_HYPERGRAD_SGD    ? "SGD"
                           : method == KNOB_HYPERGRAD_ADAM ? "Adam"
                                                           : "an unknown method",
                           h->o.method == KNOB_HYPERGRAD_SGD ? "SGD" : "Adam");
    if (n != (uint64_t)h->n)
        return knob__error(KNOB_EINVAL, "%s: the state is for %llu params, this optimizer has %zu",
                           fn, (unsigned long long)n, h->n);
    if (size != knob_hypergrad_state_size(h))
        return knob__error(KNOB_EINVAL, "%s: a state for %zu params takes %zu bytes, got %zu", fn,
                           h->n, knob_hypergrad_state_size(h), size);
    return KNOB_OK;
}

/* The values of a saved state, each possible for h; nothing is taken yet. */
static int check_values(const knob_hypergrad *h, const unsigned char *p)
{
    const char *fn = "knob_hypergrad_load";
    int64_t t = (int64_t)get_le(p + 24, 8);
    double rate = get_f64(p + 32), hyper = get_f64(p + 40);
    if (t < 0)
        return knob__error(KNOB_EINVAL, "%s: the state's step count is %lld", fn, (long long)t);
    if (!isfinite(rate) || rate < h->o.min_rate || rate > h->o.max_rate)
        return knob__error(KNOB_EINVAL,
                           "%s: the state's rate %g is outside this optimizer's [min_rate %g, "
                           "max_rate %g]",
                           fn, rate, h->o.min_rate, h->o.max_rate);
    if (!isfinite(hyper))
        return knob__error(KNOB_EINVAL, "%s: the state's hypergradient is %g", fn, hyper);
    static const char *const what[3] = {"direction", "first moment or velocity", "second moment"};
    const unsigned char *a = p + STATE_HEADER;
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < h->n; i++) {
            double x = get_f64(a + 8 * (k * h->n + i));
            if (!isfinite(x) || (k == 2 && x < 0))
                return knob__error(KNOB_EINVAL, "%s: the state's %s %zu is %g", fn, what[k], i, x);
        }
    return KNOB_OK;
}

int knob_hypergrad_load(knob_hypergrad *h, const void *buf, size_t size)
{
    if (!h || !buf)
        return knob__error(KNOB_EINVAL, "knob_hypergrad_load: NULL argument");
    const unsigned char *p = buf;
    int rc = check_header(h, p, size);
    if (!rc)
        rc = check_values(h, p);
    if (rc)
        return rc;
    h->t = (int64_t)get_le(p + 24, 8);
    h->rate = get_f64(p + 32);
    h->hyper = get_f64(p + 40);
    p += STATE_HEADER;
    for (size_t i = 0; i < h->n; i++) {
        h->dir[i] = get_f64(p + 8 * i);
        h->m[i] = get_f64(p + 8 * (h->n + i));
        h->v[i] = get_f64(p + 8 * (2 * h->n + i));
    }
    return KNOB_OK;
}
