/* W&B parameter forms mapped onto the library's distributions. Unbounded forms (the normal
 * family) and weighted choices (probabilities) are suggested as a quantile u in
 * [1e-6, 1 - 1e-6] under the param's own name and mapped through the inverse CDF, so every
 * sampler searches them; what the program gets is recorded with the trial. */
#include "cli/params.h"
#include "util/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U_LOW PARAMS_U_LOW
#define U_HIGH PARAMS_U_HIGH

const char params_float[] = "float";

static knob_choice number(double v)
{
    return (knob_choice){KNOB_CHOICE_NUMBER, NULL, v};
}

/* The shortest decimal near x (15 digits): 0.30000000000000004 becomes 0.3. Only for a
 * normal form's value, whose quantile holds no more digits of it. */
static double tidy(double x)
{
    char text[40];
    snprintf(text, sizeof text, "%.15g", x);
    return strtod(text, NULL);
}

/* A multiple of q, the double nearest k q where q is a decimal (knobx_step_point: 3 q of
 * 0.1 is 0.3, and 3 q of 1e-15 all its digits); a negative value that rounds to zero is 0,
 * not -0 (which a program would get as "-0"). */
double params_round_q(double x, const sweep_param *p)
{
    double r = p->has_q ? knobx_step_point(0, p->q, round(x / p->q)) : x;
    return r == 0 ? 0 : r;
}

static int quantile(knob_trial *t, const char *name, double *u)
{
    return knob_trial_suggest_float(t, name, U_LOW, U_HIGH, 0, 0, u);
}

/* p's choice idx as the program gets it: a number written as a float marked as one (the
 * sweep's choices themselves stay unmarked; [1, 2.0, 2]'s 2 stays an int). */
static knob_choice choice_of(const sweep_param *p, size_t idx)
{
    knob_choice v = p->choices[idx];
    if (v.type == KNOB_CHOICE_NUMBER && p->is_float && p->is_float[idx])
        v.str = params_float;
    return v;
}

/* A choice drawn with the given probabilities, from a quantile. */
static int weighted_choice(const sweep_param *p, knob_trial *t, knob_choice *out)
{
    double u, acc = 0;
    size_t idx;
    int rc = quantile(t, p->name, &u);
    if (rc)
        return rc;
    for (idx = 0; idx + 1 < p->n_choices; idx++)
        if (u < (acc += p->probs[idx]))
            break;
    *out = choice_of(p, idx);
    return 0;
}

/* A grid's numbers as typed choices (q_log_uniform_values in a grid). */
static int grid_choice(const sweep_param *p, knob_trial *t, knob_choice *out)
{
    double *x;
    size_t n = sweep_grid_numbers(p, &x), idx;
    knob_choice *ch = calloc(n ? n : 1, sizeof *ch);
    int rc = ch && n ? 0 : knob_set_error(KNOB_ENOMEM, "parameter '%s': no grid", p->name);
    for (size_t i = 0; !rc && i < n; i++)
        ch[i] = number(x[i]);
    if (!rc)
        rc = knob_trial_suggest_choice(t, p->name, ch, n, &idx);
    if (!rc)
        *out = ch[idx];
    free(ch);
    free(x);
    return rc;
}

static int suggest_q_uniform(const sweep_param *p, knob_trial *t, knob_choice *out)
{
    double x;
    int64_t k;
    int rc;
    if (sweep_param_is_int(p)) {
        rc = knob_trial_suggest_int(t, p->name, (int64_t)p->min, (int64_t)p->max,
                                    p->has_q ? (int64_t)p->q : 1, 0, &k);
        *out = number((double)k);
        return rc;
    }
    /* the library's point, as stored: the double nearest min + k q already */
    rc = knob_trial_suggest_float(t, p->name, p->min, p->max, p->has_q ? p->q : 1, 0, &x);
    *out = number(x);
    return rc;
}

/* The value of quantile u under a normal family form, before q: the shortest decimal of at
 * most 15 digits whose quantile (normal_fixed's) is u itself, else u's value to 15 digits.
 * So an enqueued value comes back as given: 13.6 under N(5, 2), held as its quantile
 * 1 - 8.5e-6, came back as 13.5999999999993 through Phi^{-1} (and log-normal 100 as
 * 100.000000000542), the tail's few bits of u not holding 15 digits of it. */
static double normal_value(const sweep_param *p, double u)
{
    bool lognormal = p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL;
    double z = p->mu + p->sigma * knob_normal_quantile(u), x = lognormal ? exp(z) : z;
    char text[40];
    for (int digits = 1; digits <= 15 && isfinite(x); digits++) {
        snprintf(text, sizeof text, "%.*g", digits, x);
        double c = strtod(text, NULL);
        if ((!lognormal || c > 0) &&
            knob_normal_cdf(((lognormal ? log(c) : c) - p->mu) / p->sigma) == u)
            return c;
    }
    return tidy(x);
}

/* The value X of inv_log_uniform_values whose reciprocal is y, the Y searched and stored:
 * the fewest digits whose 1 / X is y itself (an enqueued 0.01 comes back as 0.01), else
 * 1 / y. (15 digits of 1 / y gave the program a neighbour of the trial's value.) */
static double reciprocal(double y)
{
    double x = 1 / y;
    char text[40];
    for (int digits = 1; digits <= 17 && isfinite(x); digits++) {
        snprintf(text, sizeof text, "%.*g", digits, x);
        double c = strtod(text, NULL);
        if (1 / c == y)
            return c;
    }
    return x;
}

/* The normal family: a quantile through Phi^{-1}, then exp and q as the form says. */
static int suggest_normal(const sweep_param *p, knob_trial *t, knob_choice *out)
{
    double u;
    int rc = quantile(t, p->name, &u);
    double x = rc ? 0 : normal_value(p, u);
    *out = number(p->kind == PK_Q_NORMAL || p->kind == PK_Q_LOG_NORMAL ? params_round_q(x, p) : x);
    return rc;
}

static int suggest_float_form(const sweep_param *p, knob_trial *t, knob_choice *out)
{
    double x = 0;
    int rc = 0;
    switch (p->kind) {
    case PK_UNIFORM:
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, 0, &x);
        break;
    case PK_LOG_UNIFORM: /* W&B: min and max are the natural logs of the bounds */
        rc = knob_trial_suggest_float(t, p->name, exp(p->min), exp(p->max), 0, KNOB_LOG, &x);
        break;
    case PK_LOG_UNIFORM_VALUES:
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, KNOB_LOG, &x);
        break;
    case PK_Q_LOG_UNIFORM_VALUES:
        rc = knob_trial_suggest_float(t, p->name, p->min, p->max, 0, KNOB_LOG, &x);
        x = params_round_q(x, p);
        break;
    case PK_INV_LOG_UNIFORM_VALUES: /* the reciprocal is searched on a log scale */
        rc = knob_trial_suggest_float(t, p->name, 1 / p->max, 1 / p->min, 0, KNOB_LOG, &x);
        x = reciprocal(x);
        break;
    default:
        return suggest_normal(p, t, out);
    }
    *out = number(x);
    return rc;
}

static int suggest_one(const sweep_param *p, knob_trial *t, bool grid, knob_choice *out)
{
    int64_t k;
    size_t idx;
    int rc;
    switch (p->kind) {
    case PK_CONSTANT:
        *out = choice_of(p, 0);
        return 0;
    case PK_CATEGORICAL:
        if (p->probs && !grid)
            return weighted_choice(p, t, out);
        rc = knob_trial_suggest_choice(t, p->name, p->choices, p->n_choices, &idx);
        if (!rc)
            *out = choice_of(p, idx);
        return rc;
    case PK_INT_UNIFORM:
        rc = knob_trial_suggest_int(t, p->name, (int64_t)p->min, (int64_t)p->max, 1, 0, &k);
        *out = number((double)k);
        return rc;
    case PK_Q_UNIFORM:
        return suggest_q_uniform(p, t, out);
    case PK_Q_LOG_UNIFORM_VALUES:
        if (grid)
            return grid_choice(p, t, out);
        return suggest_float_form(p, t, out);
    default:
        return suggest_float_form(p, t, out);
    }
}

/* Whether p's numbers are floats to the program: a float form, but for those searched as
 * integers and the q forms of a whole q (a batch size stays 64, where W&B passes 64.0). */
static bool float_form(const sweep_param *p)
{
    switch (p->kind) {
    case PK_UNIFORM:
    case PK_LOG_UNIFORM:
    case PK_LOG_UNIFORM_VALUES:
    case PK_INV_LOG_UNIFORM_VALUES:
    case PK_NORMAL:
    case PK_LOG_NORMAL:
        return true;
    case PK_Q_UNIFORM:
        return !sweep_param_is_int(p);
    case PK_Q_LOG_UNIFORM_VALUES:
    case PK_Q_NORMAL:
    case PK_Q_LOG_NORMAL:
        return !(p->has_q && p->q == floor(p->q));
    default:
        return false;
    }
}

/* v, a value of p, marked as a float when p's numbers are floats (its choices are marked as
 * they are taken, by index: choice_of). */
static knob_choice float_marked(const sweep_param *p, knob_choice v)
{
    if (v.type == KNOB_CHOICE_NUMBER && float_form(p))
        v.str = params_float;
    return v;
}

/* A list value (one of p's choices held as JSON text) marked as such for the program's
 * JSON: the choices the library gets stay plain strings. */
static knob_choice json_marked(const sweep_param *p, knob_choice v)
{
    for (size_t j = 0; p->is_json && v.type == KNOB_CHOICE_STRING && j < p->n_choices; j++)
        if (p->is_json[j] && p->choices[j].str == v.str)
            v.num = PARAMS_JSON_TEXT;
    return v;
}

/* Suggests the active params in dependency order (a parent before its children), as a
 * define-by-run objective written in C would; inactive ones are never suggested. */
static int suggest_active(const sweep *sw, knob_trial *t, bool grid, bool every,
                          knob_choice *values, bool *active)
{
    for (size_t o = 0; o < sw->n_params; o++) {
        size_t i = sw->order ? sw->order[o] : o;
        active[i] = every || sweep_param_active(sw, i, values, active);
        int rc = active[i] ? suggest_one(&sw->params[i], t, grid, &values[i]) : KNOB_OK;
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

int params_suggest(const sweep *sw, knob_trial *t, bool grid, trial_params *out)
{
    int rc = params_suggest_status(sw, t, grid, false, out);
    if (rc && rc != KNOB_ENOMEM)
        fprintf(stderr, "knob: trial %lld: %s\n", (long long)knob_trial_number(t), knob_errmsg());
    return rc ? -1 : 0;
}

int params_suggest_status(const sweep *sw, knob_trial *t, bool grid, bool every, trial_params *out)
{
    size_t n = sw->n_params ? sw->n_params : 1;
    memset(out, 0, sizeof *out);
    out->v = calloc(n, sizeof *out->v);
    knob_choice *values = calloc(n, sizeof *values);
    bool *active = calloc(n, sizeof *active);
    int rc = out->v && values && active ? suggest_active(sw, t, grid, every, values, active)
                                        : KNOB_ENOMEM;
    /* The program gets them in the file's order, which keeps nested params together. */
    for (size_t i = 0; !rc && i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        if (active[i])
            out->v[out->n++] = (param_value){p->name, p->path, p->n_path,
                                             float_marked(p, json_marked(p, values[i]))};
    }
    free(values);
    free(active);
    if (rc)
        return rc;
    knobx_buf b = {0};
    params_json(&b, out->v, out->n);
    out->json = b.oom ? NULL : strdup(knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return out->json ? KNOB_OK : KNOB_ENOMEM;
}

void params_free(trial_params *tp)
{
    free(tp->v);
    free(tp->json);
    memset(tp, 0, sizeof *tp);
}

void params_value_text(knobx_buf *b, const knob_choice *v)
{
    switch (v->type) {
    case KNOB_CHOICE_STRING:
        knobx_buf_puts(b, v->str);
        break;
    case KNOB_CHOICE_NUMBER: {
        size_t at = b->len;
        knobx_json_add_number(b, v->num);
        /* a float as Python writes one: 1.0, not 1 */
        if (v->str == params_float && isfinite(v->num) && !b->oom &&
            !memchr(b->data + at, '.', b->len - at) && !memchr(b->data + at, 'e', b->len - at))
            knobx_buf_puts(b, ".0");
        break;
    }
    case KNOB_CHOICE_BOOL:
        knobx_buf_puts(b, v->num != 0 ? "true" : "false");
        break;
    case KNOB_CHOICE_NULL:
        knobx_buf_puts(b, "null");
        break;
    }
}

static void value_json(knobx_buf *b, const knob_choice *v)
{
    if (v->type == KNOB_CHOICE_STRING && v->num == PARAMS_JSON_TEXT)
        knobx_buf_puts(b, v->str);
    else if (v->type == KNOB_CHOICE_STRING)
        knobx_json_add_string(b, v->str);
    else
        params_value_text(b, v);
}

/* Keys of the nesting (all but the last of a path) that a and b share. */
static size_t common_keys(const param_value *a, const param_value *b)
{
    size_t n = 0;
    while (n + 1 < a->n_path && n + 1 < b->n_path && !strcmp(a->path[n], b->path[n]))
        n++;
    return n;
}

void params_json(knobx_buf *b, const param_value *v, size_t n)
{
    knobx_buf_puts(b, "{");
    size_t open = 0; /* nested objects open: the first `open` keys of the previous path */
    for (size_t i = 0; i < n; i++) {
        size_t keep = i ? common_keys(&v[i - 1], &v[i]) : 0;
        for (; open > keep; open--)
            knobx_buf_puts(b, "}");
        if (i)
            knobx_buf_puts(b, ",");
        for (; open + 1 < v[i].n_path; open++) {
            knobx_json_add_string(b, v[i].path[open]);
            knobx_buf_puts(b, ":{");
        }
        knobx_json_add_string(b, v[i].n_path ? v[i].path[v[i].n_path - 1] : v[i].name);
        knobx_buf_puts(b, ":");
        value_json(b, &v[i].value);
    }
    for (; open > 0; open--)
        knobx_buf_puts(b, "}");
    knobx_buf_puts(b, "}");
}

/* ---------------------------------------------------------------- enqueued values */

static bool same_choice(const knob_choice *c, const knobx_json *j)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        return j->type == KNOBX_JSON_STRING && !strcmp(j->str, c->str);
    case KNOB_CHOICE_NUMBER:
        return j->type == KNOBX_JSON_NUMBER && j->num == c->num;
    case KNOB_CHOICE_BOOL:
        return j->type == KNOBX_JSON_BOOL && j->b == (c->num != 0);
    case KNOB_CHOICE_NULL:
        return j->type == KNOBX_JSON_NULL;
    }
    return false;
}

/* Why choice i, whose share of [0, 1) begins at acc, is never drawn: a probability of 0,
 * or a share outside the quantiles searched; false when it is drawn. */
static bool never_drawn(const sweep_param *p, size_t i, double acc, knobx_buf *err)
{
    double u = fmin(U_HIGH, fmax(U_LOW, acc + p->probs[i] / 2));
    bool last = i + 1 == p->n_choices; /* it takes the rest (weighted_choice) */
    if (p->probs[i] > 0 && u >= acc && (last || u < acc + p->probs[i]))
        return false;
    knobx_buf_printf(err, "'%s' cannot be ", p->name);
    params_value_text(err, &p->choices[i]);
    if (p->probs[i] > 0)
        knobx_buf_printf(err,
                         ": its probability in the sweep (%g) puts it outside the quantiles "
                         "searched, [%g, 1 - %g], so no trial gets it\n",
                         p->probs[i], U_LOW, U_LOW);
    else
        knobx_buf_puts(err, ": its probability in the sweep is 0, so no trial gets it\n");
    return true;
}

/* The middle of choice `given`'s share of [0, 1). */
static int weighted_fixed(const sweep_param *p, const knobx_json *given, knobx_buf *b,
                          knobx_buf *err)
{
    double acc = 0;
    for (size_t i = 0; i < p->n_choices; i++) {
        if (same_choice(&p->choices[i], given)) {
            if (never_drawn(p, i, acc, err))
                return -1;
            knobx_json_add_number(b, fmin(U_HIGH, fmax(U_LOW, acc + p->probs[i] / 2)));
            return 0;
        }
        acc += p->probs[i];
    }
    knobx_buf_printf(err, "'%s' is not one of the values of '%s' (",
                     given->type == KNOBX_JSON_STRING ? given->str : "that value", p->name);
    for (size_t i = 0; i < p->n_choices; i++) {
        knobx_buf_puts(err, i ? ", " : "");
        params_value_text(err, &p->choices[i]);
    }
    knobx_buf_puts(err, ")\n");
    return -1;
}

static int number_of(const sweep_param *p, const knobx_json *given, double *x, knobx_buf *err)
{
    char *end;
    if (given->type == KNOBX_JSON_NUMBER)
        *x = given->num;
    else if (given->type != KNOBX_JSON_STRING || (*x = strtod(given->str, &end), *end) ||
             !isfinite(*x))
        return knobx_buf_printf(err, "'%s' needs a number\n", p->name), -1;
    return 0;
}

/* The quantile of x under a normal family form. */
static int normal_fixed(const sweep_param *p, double x, knobx_buf *b, knobx_buf *err)
{
    bool lognormal = p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL;
    if (p->kind == PK_Q_LOG_NORMAL && p->has_q && x == 0) {
        /* 0 is what every draw below q / 2 rounds to: held as a quantile halfway below that
         * one (the check of the held value says when no quantile knob draws gives it) */
        double u0 = knob_normal_cdf((log(p->q / 2) - p->mu) / p->sigma);
        knobx_json_add_number(b, fmin(U_HIGH, fmax(U_LOW, u0 / 2)));
        return 0;
    }
    if (lognormal && !(x > 0)) {
        knobx_buf_printf(err, "'%s' is log-normal: it needs a value > 0\n", p->name);
        return -1;
    }
    double u = knob_normal_cdf(((lognormal ? log(x) : x) - p->mu) / p->sigma);
    knobx_json_add_number(b, fmin(U_HIGH, fmax(U_LOW, u)));
    return 0;
}

int params_fixed_json(const sweep_param *p, bool grid, const knobx_json *given, knobx_buf *b,
                      knobx_buf *err)
{
    double x;
    if (p->kind == PK_CATEGORICAL && p->probs && !grid)
        return weighted_fixed(p, given, b, err);
    if (p->kind == PK_INV_LOG_UNIFORM_VALUES || p->kind == PK_NORMAL || p->kind == PK_Q_NORMAL ||
        p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL) {
        if (number_of(p, given, &x, err))
            return -1;
        if (p->kind != PK_INV_LOG_UNIFORM_VALUES)
            return normal_fixed(p, x, b, err);
        if (!(x > 0))
            return knobx_buf_printf(err, "'%s' needs a value > 0\n", p->name), -1;
        knobx_json_add_number(b, 1 / x);
        return 0;
    }
    /* q_log_uniform_values rounds a draw in [min, max] to a multiple of q, which may lie
     * outside (0 for min 1, q 8): the library holds a draw, so a value is held as the
     * nearest draw, whose rounding check_fits compares with it */
    if (p->kind == PK_Q_LOG_UNIFORM_VALUES && !grid) {
        if (number_of(p, given, &x, err))
            return -1;
        knobx_json_add_number(b, fmin(p->max, fmax(p->min, x)));
        return 0;
    }
    char *end;
    double d = given->type == KNOBX_JSON_STRING ? strtod(given->str, &end) : 0;
    if (given->type == KNOBX_JSON_STRING && p->kind != PK_CATEGORICAL && p->kind != PK_CONSTANT &&
        *given->str && !*end) /* an integer text beyond 2^53 */
        knobx_json_add_number(b, d);
    else
        knobx_json_add_node(b, given);
    return 0;
}

/* ---------------------------------------------------------------- the program's distributions */

/* A distribution as Python's knob.distributions names it (Optuna's JSON of one). */
static void float_dist_json(knobx_buf *b, double low, double high, bool log)
{
    knobx_buf_puts(b, "{\"name\":\"FloatDistribution\",\"attributes\":{\"low\":");
    knobx_json_add_number(b, low);
    knobx_buf_puts(b, ",\"high\":");
    knobx_json_add_number(b, high);
    knobx_buf_printf(b, ",\"log\":%s,\"step\":null}}", log ? "true" : "false");
}

static void int_dist_json(knobx_buf *b, double low, double high, bool log, double step)
{
    knobx_buf_puts(b, "{\"name\":\"IntDistribution\",\"attributes\":{\"low\":");
    knobx_json_add_number(b, low);
    knobx_buf_puts(b, ",\"high\":");
    knobx_json_add_number(b, high);
    knobx_buf_printf(b, ",\"log\":%s,\"step\":", log ? "true" : "false");
    knobx_json_add_number(b, step);
    knobx_buf_puts(b, "}}");
}

/* The choices as the program gets them: a list or mapping as the string of its JSON text (a
 * choice of Optuna's is no list), an integer beyond 2^53 as its digits, a float as one. */
static void choices_dist_json(knobx_buf *b, const sweep_param *p)
{
    knobx_buf_puts(b, "{\"name\":\"CategoricalDistribution\",\"attributes\":{\"choices\":[");
    for (size_t k = 0; k < p->n_choices; k++) {
        knob_choice c = choice_of(p, k);
        knobx_buf_puts(b, k ? "," : "");
        if (p->is_json && p->is_json[k] && c.type == KNOB_CHOICE_STRING &&
            (c.str[0] == '[' || c.str[0] == '{'))
            knobx_json_add_string(b, c.str);
        else if (p->is_json && p->is_json[k] && c.type == KNOB_CHOICE_STRING)
            knobx_buf_puts(b, c.str);
        else
            value_json(b, &c);
    }
    knobx_buf_puts(b, "]}}");
}

/* The values of a form rounded to q, from lo to hi: whole ones (a whole q) as integers, on a
 * log scale when they are all > 0, else by q's step (Optuna's has no log scale with a step);
 * floats on a log scale when they are all > 0, else linear. */
static void rounded_dist_json(knobx_buf *b, const sweep_param *p, double lo, double hi, bool log)
{
    log = log && lo > 0;
    if (float_form(p))
        float_dist_json(b, lo, hi, log);
    else
        int_dist_json(b, lo, hi, log, log || !p->has_q ? 1 : p->q);
}

/* The distribution of p's values as the program gets them, when the library holds another
 * (a quantile, a reciprocal, a value before rounding), and the one the library holds: false
 * when the library holds the program's values themselves. */
static bool shown_dist_json(const sweep_param *p, bool grid, knobx_buf *shown, knobx_buf *held)
{
    switch (p->kind) {
    case PK_CATEGORICAL:
        if (!p->probs || grid)
            return false;
        choices_dist_json(shown, p);
        break;
    case PK_INV_LOG_UNIFORM_VALUES:
        float_dist_json(shown, p->min, p->max, true);
        float_dist_json(held, 1 / p->max, 1 / p->min, true);
        return true;
    case PK_Q_LOG_UNIFORM_VALUES:
        if (grid)
            return false;
        rounded_dist_json(shown, p, params_round_q(p->min, p), params_round_q(p->max, p), true);
        float_dist_json(held, p->min, p->max, true);
        return true;
    case PK_NORMAL:
    case PK_LOG_NORMAL:
        /* unbounded, but the quantiles searched bound the values the program can get */
        float_dist_json(shown, normal_value(p, U_LOW), normal_value(p, U_HIGH),
                        p->kind == PK_LOG_NORMAL && normal_value(p, U_LOW) > 0);
        break;
    case PK_Q_NORMAL:
    case PK_Q_LOG_NORMAL:
        rounded_dist_json(shown, p, params_round_q(normal_value(p, U_LOW), p),
                          params_round_q(normal_value(p, U_HIGH), p), p->kind == PK_Q_LOG_NORMAL);
        break;
    default:
        return false;
    }
    float_dist_json(held, U_LOW, U_HIGH, false);
    return true;
}

void params_program_distributions(const sweep *sw, bool grid, knobx_buf *b)
{
    bool first = true;
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        knobx_buf shown = {0}, held = {0};
        if (shown_dist_json(p, grid, &shown, &held)) {
            knobx_buf_puts(b, first ? "" : ",");
            first = false;
            knobx_json_add_string(b, p->name);
            knobx_buf_puts(b, ":{\"path\":[");
            for (size_t k = 0; k < p->n_path; k++) {
                knobx_buf_puts(b, k ? "," : "");
                knobx_json_add_string(b, p->path[k]);
            }
            knobx_buf_puts(b, "],\"held\":");
            knobx_buf_add(b, held.data ? held.data : "", held.len);
            knobx_buf_puts(b, ",\"shown\":");
            knobx_buf_add(b, shown.data ? shown.data : "", shown.len);
            /* how the held value stands for the program's: the library's warm starts refuse
             * a source of quantiles or reciprocals for a study without a sweep */
            knobx_buf_puts(b, p->kind == PK_INV_LOG_UNIFORM_VALUES ? ",\"as\":\"reciprocal\"}"
                              : p->kind == PK_Q_LOG_UNIFORM_VALUES ? ",\"as\":\"unrounded\"}"
                                                                   : ",\"as\":\"quantile\"}");
        }
        b->oom |= shown.oom || held.oom;
        knobx_buf_free(&shown);
        knobx_buf_free(&held);
    }
    knobx_buf_puts(b, "}");
}
