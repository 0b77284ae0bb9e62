/* W&B parameter forms mapped onto the library's distributions. Unbounded forms (normal,
 * log_normal, probabilities) are suggested as a quantile u in (0, 1) under the param's
 * own name and mapped through the inverse CDF, so every sampler searches them. */
#include "cli/params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double inverse_normal_cdf(double p)
{
    /* A rational approximation (relative error 1.2e-9) refined by one Halley step. */
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double q, r, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

static knob_choice number(double v)
{
    return (knob_choice){KNOB_CHOICE_NUMBER, NULL, v};
}

static double round_q(double x, const sweep_param *p)
{
    return p->has_q ? round(x / p->q) * p->q : x;
}

static int quantile(knob_trial *t, const char *name, double *u)
{
    return knob_trial_suggest_float(t, name, 1e-6, 1 - 1e-6, 0, 0, u);
}

static int suggest_one(const sweep_param *p, knob_trial *t, bool grid, knob_choice *out)
{
    double x = 0, u = 0.5;
    int64_t k;
    size_t idx;
    int rc = 0;
    bool whole = p->min == floor(p->min) && p->max == floor(p->max) &&
                 (!p->has_q || p->q == floor(p->q));
    switch (p->kind) {
    case PK_CONSTANT:
        *out = p->choices[0];
        return 0;
    case PK_CATEGORICAL:
        if (p->probs && !grid) {
            if ((rc = quantile(t, p->name, &u)))
                return rc;
            double acc = 0;
            for (idx = 0; idx + 1 < p->n_choices; idx++)
                if (u < (acc += p->probs[idx]))
                    break;
        } else if ((rc = knob_trial_suggest_choice(t, p->name, p->choices, p->n_choices, &idx))) {
            return rc;
        }
        *out = p->choices[idx];
        return 0;
    case PK_INT_UNIFORM:
        rc = knob_trial_suggest_int(t, p->name, (int64_t)p->min, (int64_t)p->max, 1, 0, &k);
        *out = number((double)k);
        return rc;
    case PK_Q_UNIFORM:
        if (whole) {
            rc = knob_trial_suggest_int(t, p->name, (int64_t)p->min, (int64_t)p->max,
                                        p->has_q ? (int64_t)p->q : 1, 0, &k);
            *out = number((double)k);
            return rc;
        }
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, p->has_q ? p->q : 1, 0, &x);
        break;
    case PK_UNIFORM:
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, 0, &x);
        break;
    case PK_LOG_UNIFORM:
        rc = knob_trial_suggest_float(t, p->name, exp(p->min), exp(p->max), 0, KNOB_LOG, &x);
        break;
    case PK_LOG_UNIFORM_VALUES:
    case PK_INV_LOG_UNIFORM_VALUES: /* 1/X is log-uniform exactly when X is */
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, KNOB_LOG, &x);
        break;
    case PK_Q_LOG_UNIFORM_VALUES:
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, KNOB_LOG, &x);
        x = round_q(x, p);
        break;
    case PK_NORMAL:
    case PK_Q_NORMAL:
        rc = quantile(t, p->name, &u);
        x = round_q(p->mu + p->sigma * inverse_normal_cdf(u), p);
        break;
    case PK_LOG_NORMAL:
    case PK_Q_LOG_NORMAL:
        rc = quantile(t, p->name, &u);
        x = round_q(exp(p->mu + p->sigma * inverse_normal_cdf(u)), p);
        break;
    }
    *out = number(x);
    return rc;
}

int params_suggest(const sweep *sw, knob_trial *t, bool grid, trial_params *out)
{
    memset(out, 0, sizeof *out);
    out->v = calloc(sw->n_params ? sw->n_params : 1, sizeof *out->v);
    if (!out->v)
        return -1;
    for (size_t i = 0; i < sw->n_params; i++) {
        knob_choice c;
        if (suggest_one(&sw->params[i], t, grid, &c)) {
            fprintf(stderr, "knob: %s\n", knob_errmsg());
            return -1;
        }
        out->v[out->n++] = (param_value){sw->params[i].name, c};
    }
    knob__buf b = {0};
    params_json(&b, out->v, out->n);
    out->json = b.oom ? NULL : strdup(knob__buf_cstr(&b));
    knob__buf_free(&b);
    return out->json ? 0 : -1;
}

void params_free(trial_params *tp)
{
    free(tp->v);
    free(tp->json);
    memset(tp, 0, sizeof *tp);
}

void params_value_text(knob__buf *b, const knob_choice *v)
{
    switch (v->type) {
    case KNOB_CHOICE_STRING: knob__buf_puts(b, v->str); break;
    case KNOB_CHOICE_NUMBER: knob__json_add_number(b, v->num); break;
    case KNOB_CHOICE_BOOL: knob__buf_puts(b, v->num != 0 ? "true" : "false"); break;
    case KNOB_CHOICE_NULL: knob__buf_puts(b, "null"); break;
    }
}

static void value_json(knob__buf *b, const knob_choice *v)
{
    if (v->type == KNOB_CHOICE_STRING)
        knob__json_add_string(b, v->str);
    else
        params_value_text(b, v);
}

/* Length of the common prefix of whole segments of a and b ("x.y" and "x.z": 1). */
static size_t common_segments(const char *a, const char *b, size_t max)
{
    size_t n = 0;
    while (n < max) {
        const char *da = strchr(a, '.'), *db = strchr(b, '.');
        if (!da || !db || da - a != db - b || strncmp(a, b, (size_t)(da - a)))
            break;
        a = da + 1;
        b = db + 1;
        n++;
    }
    return n;
}

static size_t depth_of(const char *name)
{
    size_t d = 0;
    for (; *name; name++)
        d += *name == '.';
    return d;
}

/* Names of one parent are contiguous (the sweep lists nested params together), so the
 * nesting opens and closes as the names go. */
void params_json(knob__buf *b, const param_value *v, size_t n)
{
    knob__buf_puts(b, "{");
    size_t open = 0; /* nested objects open */
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = v[i].name;
        size_t keep = prev ? common_segments(prev, name, open) : 0;
        for (; open > keep; open--)
            knob__buf_puts(b, "}");
        if (i)
            knob__buf_puts(b, ",");
        const char *seg = name;
        for (size_t s = 0; s < keep; s++)
            seg = strchr(seg, '.') + 1;
        for (size_t d = depth_of(name); open < d; open++) {
            const char *dot = strchr(seg, '.');
            char part[256];
            snprintf(part, sizeof part, "%.*s", (int)(dot - seg), seg);
            knob__json_add_string(b, part);
            knob__buf_puts(b, ":{");
            seg = dot + 1;
        }
        knob__json_add_string(b, seg);
        knob__buf_puts(b, ":");
        value_json(b, &v[i].value);
        prev = name;
    }
    for (; open > 0; open--)
        knob__buf_puts(b, "}");
    knob__buf_puts(b, "}");
}
