/* Distributions of params. */
#include "space.h"
#include "util/num.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The count of whole steps from low to high: (high - low) / step, rounded down unless it
 * is an integer within the rounding of that division (0.9 of [0, 1] by 0.3 is 3 steps, and
 * so is the high 3 * 0.3 = 0.8999999999999999 an older knob stored for it, or 1e6 + 0.123 by
 * 0.001). */
/* The steps of [low, high]: (high - low) / step, less what rounding may have taken from it
 * (low and high are decimals held to an ulp or so of their size). At most half a step is
 * forgiven: where the bounds' rounding is larger than that (1e-9 steps at 1e6, 8.6 ulps
 * each), a count past the range, clamped to high, made high twice as likely as any other
 * value ([1e6, 1e6 + 1] by 1e-9 counted 1e9 + 1 steps). */
static double step_count(double low, double high, double step)
{
    double k = (high - low) / step;
    double tol = 1e-9 + 4 * DBL_EPSILON * ((fabs(low) + fabs(high)) / step + fabs(k));
    return floor(k + fmin(tol, 0.5));
}

double knob__dist_steps(const knob_distribution *d)
{
    return step_count(d->low, d->high, d->step);
}

/* low + k * step, the double nearest the decimal sum where low and step are decimals of at
 * most 22 places (knobx_step_point, which the CLI's q forms share): 3 steps of 0.1 are 0.3,
 * not 0.30000000000000004 (Optuna's and numpy's low + k * step). */
static double step_point(double low, double step, double k)
{
    return knobx_step_point(low, step, k);
}

double knob__dist_step_at(const knob_distribution *d, double k)
{
    /* within [low, high]: a low a rounding away from its decimal (0.1 + 0.2) is point 0 */
    double x = step_point(d->low, d->step, k);
    return x > d->high ? d->high : x < d->low ? d->low : x;
}

static int check_float(knob_distribution *d, const char *name, bool stored)
{
    if (!isfinite(d->low) || !isfinite(d->high))
        return knob__error(KNOB_EINVAL, "param '%s': low and high must be finite, got [%g, %g]",
                           name, d->low, d->high);
    if (d->low > d->high)
        return knob__error(KNOB_EINVAL, "param '%s': low must be <= high, got low=%g high=%g",
                           name, d->low, d->high);
    if (!(d->step >= 0) || !isfinite(d->step))
        return knob__error(KNOB_EINVAL, "param '%s': step must be >= 0, got %g", name, d->step);
    if (d->flags & KNOB_LOG) {
        if (d->step != 0)
            return knob__error(KNOB_EINVAL,
                               "param '%s': a log scale cannot have a step (got step=%g)", name,
                               d->step);
        if (d->low <= 0)
            return knob__error(KNOB_EINVAL, "param '%s': a log scale needs low > 0, got low=%g",
                               name, d->low);
    }
    /* A width or a count of steps a double cannot hold: every draw would be inf, or off
     * its step. */
    if (!isfinite(d->high - d->low))
        return knob__error(KNOB_EINVAL,
                           "param '%s': the range [%g, %g] is wider than a double can hold", name,
                           d->low, d->high);
    if (d->step > 0 && !((d->high - d->low) / d->step < 9007199254740992.0))
        return knob__error(KNOB_EINVAL,
                           "param '%s': [%g, %g] by %g holds 2^53 steps or more; a double cannot "
                           "tell them apart",
                           name, d->low, d->high, d->step);
    /* a step within a few doubles of each other near the range: its points cannot be held
     * apart (1e15 + 0.1 is 1e15 + 0.125), and draws fell on no step. A stored one (an older
     * knob took it) is read as it is: its study must open. */
    double edge = fmax(fabs(d->low), fabs(d->high)), spacing = edge - nextafter(edge, 0);
    if (!stored && d->step > 0 && d->step < 4 * spacing)
        return knob__error(KNOB_EINVAL,
                           "param '%s': step %g is finer than doubles near %g can hold apart "
                           "(they are %g apart there); give a step of %g or more",
                           name, d->step, edge, spacing, 4 * spacing);
    if (d->step > 0) /* the last step, never above the given high ([0, 0.3] by 0.1: 0.3) */
        d->high = fmin(step_point(d->low, d->step, step_count(d->low, d->high, d->step)), d->high);
    return KNOB_OK;
}

static int check_int(knob_distribution *d, const char *name)
{
    if (!isfinite(d->low) || !isfinite(d->high))
        return knob__error(KNOB_EINVAL, "param '%s': low and high must be finite, got [%g, %g]",
                           name, d->low, d->high);
    /* a draw is low plus whole steps: from a bound between integers, no draw is an int */
    if (d->low != floor(d->low) || d->high != floor(d->high))
        return knob__error(KNOB_EINVAL,
                           "param '%s': an int's low and high must be whole numbers, got [%g, %g]",
                           name, d->low, d->high);
    if (d->low > d->high)
        return knob__error(KNOB_EINVAL, "param '%s': low must be <= high, got low=%.0f high=%.0f",
                           name, d->low, d->high);
    if (fabs(d->low) > 9007199254740992.0 || fabs(d->high) > 9007199254740992.0)
        return knob__error(KNOB_EINVAL, "param '%s': integer bounds beyond 2^53", name);
    if (d->step < 1 || d->step != floor(d->step))
        return knob__error(KNOB_EINVAL, "param '%s': an int step must be a whole number >= 1, got %g",
                           name, d->step);
    if (d->flags & KNOB_LOG) {
        if (d->step != 1)
            return knob__error(KNOB_EINVAL,
                               "param '%s': a log scale cannot have a step (got step=%.0f)", name,
                               d->step);
        if (d->low < 1)
            return knob__error(KNOB_EINVAL,
                               "param '%s': a log scale needs low >= 1, got low=%.0f", name, d->low);
    }
    d->high = d->low + floor((d->high - d->low) / d->step) * d->step;
    return KNOB_OK;
}

/* A choice must be stored as it was given and read back equal: a type of the four, a
 * finite number (JSON holds no NaN or infinity), a boolean as 0 or 1. */
static int check_choice(const knob_choice *c, const char *name, size_t i)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        if (!c->str)
            return knob__error(KNOB_EINVAL, "param '%s': choice %zu is a NULL string", name, i);
        if (!knobx_utf8_valid(c->str))
            return knob__error(KNOB_EINVAL, "param '%s': choice %zu is not valid UTF-8", name, i);
        return KNOB_OK;
    case KNOB_CHOICE_NUMBER:
        if (!isfinite(c->num))
            return knob__error(KNOB_EINVAL, "param '%s': choice %zu is %g, not a finite number",
                               name, i, c->num);
        return KNOB_OK;
    case KNOB_CHOICE_BOOL:
        if (c->num != 0 && c->num != 1)
            return knob__error(KNOB_EINVAL,
                               "param '%s': choice %zu is a boolean of num %g; expected 0 or 1",
                               name, i, c->num);
        return KNOB_OK;
    case KNOB_CHOICE_NULL:
        return KNOB_OK;
    }
    return knob__error(KNOB_EINVAL,
                       "param '%s': choice %zu has an unknown type %d (string, number, bool "
                       "or null)",
                       name, i, (int)c->type);
}

static int dist_check(knob_distribution *d, const char *name, bool stored);

int knob__dist_check(knob_distribution *d, const char *name)
{
    return dist_check(d, name, false);
}

static int dist_check(knob_distribution *d, const char *name, bool stored)
{
    if (!name || !name[0])
        return knob__error(KNOB_EINVAL, "a param needs a non-empty name");
    if (!knobx_utf8_valid(name))
        return knob__error(KNOB_EINVAL, "param name '%s' is not valid UTF-8", name);
    if (d->flags & ~KNOB_LOG)
        return knob__error(KNOB_EINVAL, "param '%s': unknown flags 0x%x", name, d->flags);
    switch (d->kind) {
    case KNOB_DIST_FLOAT:
        return check_float(d, name, stored);
    case KNOB_DIST_INT:
        return check_int(d, name);
    case KNOB_DIST_CATEGORICAL:
        if (d->n_choices == 0)
            return knob__error(KNOB_EINVAL, "param '%s': a categorical needs at least one choice",
                               name);
        if (!d->choices)
            return knob__error(KNOB_EINVAL, "param '%s': choices NULL (n_choices is %zu)", name,
                               d->n_choices);
        for (size_t i = 0; i < d->n_choices; i++) {
            int rc = check_choice(&d->choices[i], name, i);
            if (rc)
                return rc;
        }
        return KNOB_OK;
    }
    return knob__error(KNOB_EINVAL, "param '%s': unknown distribution kind %d", name, (int)d->kind);
}

static bool choice_equal(const knob_choice *a, const knob_choice *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case KNOB_CHOICE_STRING:
        return strcmp(a->str, b->str) == 0;
    case KNOB_CHOICE_NUMBER:
    case KNOB_CHOICE_BOOL:
        return a->num == b->num;
    case KNOB_CHOICE_NULL:
        return true;
    }
    return false;
}

bool knob__dist_equal(const knob_distribution *a, const knob_distribution *b)
{
    if (a->kind != b->kind)
        return false;
    if ((a->flags & KNOB_LOG) != (b->flags & KNOB_LOG))
        return false;
    /* A stepped float by its points: the same low, step and count of steps. Its high is
     * the last point, which an older knob stored as low + k step (0.8999999999999999 for
     * [0, 0.9] by 0.3) where knob now stores the decimal (0.9): the same distribution. */
    if (a->kind == KNOB_DIST_FLOAT && a->step > 0)
        return a->low == b->low && a->step == b->step &&
               (a->high == b->high || knob__dist_steps(a) == knob__dist_steps(b));
    if (a->kind != KNOB_DIST_CATEGORICAL)
        return a->low == b->low && a->high == b->high && a->step == b->step;
    if (a->n_choices != b->n_choices)
        return false;
    for (size_t i = 0; i < a->n_choices; i++)
        if (!choice_equal(&a->choices[i], &b->choices[i]))
            return false;
    return true;
}

static void add_choice(knobx_buf *b, const knob_choice *c)
{
    switch (c->type) {
    case KNOB_CHOICE_STRING: knobx_json_add_string(b, c->str); break;
    case KNOB_CHOICE_NUMBER: knobx_json_add_number(b, c->num); break;
    case KNOB_CHOICE_BOOL: knobx_buf_puts(b, c->num != 0 ? "true" : "false"); break;
    case KNOB_CHOICE_NULL: knobx_buf_puts(b, "null"); break;
    }
}

void knob__dist_json(knobx_buf *b, const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        knobx_buf_puts(b, "{\"type\":\"categorical\",\"choices\":[");
        for (size_t i = 0; i < d->n_choices; i++) {
            if (i)
                knobx_buf_puts(b, ",");
            add_choice(b, &d->choices[i]);
        }
        knobx_buf_puts(b, "]}");
        return;
    }
    knobx_buf_puts(b, d->kind == KNOB_DIST_FLOAT ? "{\"type\":\"float\",\"low\":"
                                                 : "{\"type\":\"int\",\"low\":");
    knobx_json_add_number(b, d->low);
    knobx_buf_puts(b, ",\"high\":");
    knobx_json_add_number(b, d->high);
    knobx_buf_puts(b, ",\"step\":");
    knobx_json_add_number(b, d->step);
    knobx_buf_puts(b, (d->flags & KNOB_LOG) ? ",\"log\":true}" : ",\"log\":false}");
}

knob_distribution *knob__dist_clone(const knob_distribution *d)
{
    size_t size = sizeof *d + d->n_choices * sizeof(knob_choice);
    for (size_t i = 0; i < d->n_choices; i++)
        if (d->choices[i].type == KNOB_CHOICE_STRING)
            size += strlen(d->choices[i].str) + 1;
    knob_distribution *c = malloc(size);
    if (!c)
        return NULL;
    *c = *d;
    knob_choice *ch = (knob_choice *)(c + 1);
    char *text = (char *)(ch + d->n_choices);
    for (size_t i = 0; i < d->n_choices; i++) {
        ch[i] = d->choices[i];
        if (ch[i].type == KNOB_CHOICE_STRING) {
            size_t n = strlen(d->choices[i].str) + 1;
            memcpy(text, d->choices[i].str, n);
            ch[i].str = text;
            text += n;
        } else {
            ch[i].str = NULL;
        }
    }
    c->choices = d->n_choices ? ch : NULL;
    return c;
}

static int json_to_choice(const knobx_json *j, knob_choice *c)
{
    memset(c, 0, sizeof *c);
    switch (j->type) {
    case KNOBX_JSON_STRING: c->type = KNOB_CHOICE_STRING; c->str = j->str; return 0;
    case KNOBX_JSON_NUMBER: c->type = KNOB_CHOICE_NUMBER; c->num = j->num; return 0;
    case KNOBX_JSON_BOOL: c->type = KNOB_CHOICE_BOOL; c->num = j->b; return 0;
    case KNOBX_JSON_NULL: c->type = KNOB_CHOICE_NULL; return 0;
    default: return -1;
    }
}

static knob_distribution *parse_categorical(const knobx_json *root)
{
    const knobx_json *ch = knobx_json_get(root, "choices");
    if (!ch || ch->type != KNOBX_JSON_ARRAY || ch->n == 0)
        return NULL;
    knob_choice *tmp = calloc(ch->n, sizeof *tmp);
    if (!tmp)
        return NULL;
    knob_distribution d = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = ch->n, .choices = tmp};
    knob_distribution *r = NULL;
    size_t i = 0;
    for (; i < ch->n; i++)
        if (json_to_choice(ch->kids[i], &tmp[i]))
            break;
    if (i == ch->n)
        r = knob__dist_clone(&d);
    free(tmp);
    return r;
}

static bool num_field(const knobx_json *root, const char *key, double *out)
{
    const knobx_json *v = knobx_json_get(root, key);
    if (!v || v->type != KNOBX_JSON_NUMBER)
        return false;
    *out = v->num;
    return true;
}

/* A parsed distribution a suggest could have made: the checks of knob__dist_check (on a
 * copy: a stored one is normalized already, and is kept as stored). Sets no message. */
static knob_distribution *checked(knob_distribution *d)
{
    if (!d)
        return NULL;
    knob__kept_error kept;
    knob__error_keep(&kept);
    knob_distribution c = *d;
    int rc = dist_check(&c, "stored", true);
    knob__error_put(&kept);
    if (rc) {
        free(d);
        return NULL;
    }
    return d;
}

knob_distribution *knob__dist_parse(const char *json)
{
    knobx_json *root = knobx_json_parse(json, (size_t)-1, NULL, 0);
    const knobx_json *type = knobx_json_get(root, "type");
    knob_distribution *r = NULL;
    if (!type || type->type != KNOBX_JSON_STRING)
        goto out;
    if (strcmp(type->str, "categorical") == 0) {
        r = checked(parse_categorical(root));
        goto out;
    }
    knob_distribution d = {0};
    const knobx_json *log = knobx_json_get(root, "log");
    if (strcmp(type->str, "float") == 0)
        d.kind = KNOB_DIST_FLOAT;
    else if (strcmp(type->str, "int") == 0)
        d.kind = KNOB_DIST_INT;
    else
        goto out;
    if (!num_field(root, "low", &d.low) || !num_field(root, "high", &d.high) ||
        !num_field(root, "step", &d.step) || !log || log->type != KNOBX_JSON_BOOL)
        goto out;
    d.flags = log->b ? KNOB_LOG : 0;
    r = checked(knob__dist_clone(&d));
out:
    knobx_json_free(root);
    return r;
}

bool knob__choice_same(const knob_choice *a, const knob_choice *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == KNOB_CHOICE_STRING)
        return strcmp(a->str, b->str) == 0;
    return a->type == KNOB_CHOICE_NULL || a->num == b->num;
}

const char *knob__num_text(double x, char out[32])
{
    for (int p = 15; p <= 17; p++) {
        snprintf(out, 32, "%.*g", p, x);
        if (strtod(out, NULL) == x || !isfinite(x))
            break;
    }
    return out;
}

bool knob__dist_contains(const knob_distribution *d, double x)
{
    if (!isfinite(x))
        return false;
    switch (d->kind) {
    case KNOB_DIST_CATEGORICAL:
        return x >= 0 && x < (double)d->n_choices && x == floor(x);
    case KNOB_DIST_INT:
        /* exactly: a slack of a fraction of a step let 3 pass as a step of 3 from -2^52; in
         * integers, as x - low of bounds up to 2^53 apart is not exact in a double (odd
         * differences round to even ones, so values on a step of 3 were refused) */
        return x == floor(x) && x >= d->low && x <= d->high &&
               ((int64_t)x - (int64_t)d->low) % (int64_t)d->step == 0;
    case KNOB_DIST_FLOAT:
        if (d->step > 0) {
            /* On a step, within rounding: 0.8999999999999999 (an older knob's top of [0, 1]
             * by 0.3) and a user's 0.9 are both that point (knob__dist_snap gives 0.9); so
             * is low + k * step far from 0, where x - low is off by the rounding of x and of
             * low (1e8 + 0.1 by 0.1: 1.5e-8, 1.5e-7 of a step). */
            double k = (x - d->low) / d->step, top = knob__dist_steps(d);
            double tol =
                1e-9 + 8 * DBL_EPSILON * fabs(k) + DBL_EPSILON * (fabs(x) + fabs(d->low)) / d->step;
            tol = fmin(tol, 0.49); /* never half a step: a value between two is on neither */
            return k > -tol && k < top + tol && fabs(k - round(k)) < tol;
        }
        return x >= d->low && x <= d->high;
    }
    return false;
}

double knob__dist_snap(const knob_distribution *d, double x)
{
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        double i = round(x);
        return i < 0 ? 0 : i > (double)d->n_choices - 1 ? (double)d->n_choices - 1 : i;
    }
    if (x < d->low || isnan(x))
        x = d->low;
    if (x > d->high)
        x = d->high;
    if (d->step > 0) {
        x = knob__dist_step_at(d, round((x - d->low) / d->step));
    } else if (d->kind == KNOB_DIST_INT) {
        x = round(x);
    }
    return x;
}

double knob__dist_size(const knob_distribution *d)
{
    switch (d->kind) {
    case KNOB_DIST_CATEGORICAL:
        return (double)d->n_choices;
    case KNOB_DIST_INT:
        return floor((d->high - d->low) / d->step) + 1;
    case KNOB_DIST_FLOAT:
        return d->step > 0 ? knob__dist_steps(d) + 1 : 0;
    }
    return 0;
}

/* A choice matches a JSON value of its type, or a string spelling it ("1", "true"). */
/* Whether choice c is the given value v: of its own type, or (loose) as text ("3" for 3,
 * "true" for true, "null" for null). */
static bool choice_matches(const knob_choice *c, const knobx_json *v, bool loose)
{
    char text[64];
    switch (c->type) {
    case KNOB_CHOICE_STRING:
        return v->type == KNOBX_JSON_STRING && strcmp(c->str, v->str) == 0;
    case KNOB_CHOICE_NUMBER:
        if (v->type == KNOBX_JSON_NUMBER)
            return v->num == c->num && (!v->big || knobx_big_int_is(v->big, c->num));
        if (loose && v->type == KNOBX_JSON_STRING) {
            char *end;
            double n = strtod(v->str, &end);
            return end != v->str && !*end && n == c->num &&
                   (!knobx_big_int_text(v->str, strlen(v->str)) ||
                    knobx_big_int_is(v->str, c->num));
        }
        return false;
    case KNOB_CHOICE_BOOL:
        if (v->type == KNOBX_JSON_BOOL)
            return (double)v->b == c->num;
        snprintf(text, sizeof text, "%s", c->num != 0 ? "true" : "false");
        return loose && v->type == KNOBX_JSON_STRING && strcmp(v->str, text) == 0;
    case KNOB_CHOICE_NULL:
        return v->type == KNOBX_JSON_NULL ||
               (loose && v->type == KNOBX_JSON_STRING && strcmp(v->str, "null") == 0);
    }
    return false;
}

/* An integer beyond 2^53 given by its digits that no choice is exactly: the one number
 * choice a double rounds it to, unless some choice holds those digits as its text (a
 * neighbour of its own). A choice made from a double is rounded already (the Python
 * package hands its numbers over as doubles: 12345678901234567890 is the choice
 * 12345678901234567168), so its digits are not the given ones. */
static bool rounded_choice(const knob_distribution *d, const knobx_json *v, size_t *index)
{
    const char *digits = NULL;
    double x = 0;
    if (v->type == KNOBX_JSON_NUMBER && v->big) {
        digits = v->big;
        x = v->num;
    } else if (v->type == KNOBX_JSON_STRING && knobx_big_int_text(v->str, strlen(v->str))) {
        digits = v->str;
        x = strtod(v->str, NULL);
    }
    if (!digits)
        return false;
    size_t found = 0;
    for (size_t i = 0; i < d->n_choices; i++) {
        const knob_choice *c = &d->choices[i];
        if (c->type == KNOB_CHOICE_STRING && strcmp(c->str, digits) == 0)
            return false;
        if (c->type == KNOB_CHOICE_NUMBER && c->num == x) {
            *index = i;
            found++;
        }
    }
    return found == 1;
}

int knob__dist_from_external(const knob_distribution *d, const knobx_json *v, double *internal,
                             const char *name)
{
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        /* a choice of the value's own type first: of [true, "true"] or [1, "1"], the string
         * is the string (it was the first loose match, the bool or the number) */
        for (int loose = 0; loose < 2; loose++) {
            for (size_t i = 0; i < d->n_choices; i++) {
                if (choice_matches(&d->choices[i], v, loose)) {
                    *internal = (double)i;
                    return KNOB_OK;
                }
            }
        }
        size_t i_round;
        if (rounded_choice(d, v, &i_round)) {
            *internal = (double)i_round;
            return KNOB_OK;
        }
        return knob__error(KNOB_EINVAL, "param '%s': the given value is not one of its %zu choices",
                           name, d->n_choices);
    }
    double x;
    if (v->type == KNOBX_JSON_NUMBER) {
        x = v->num;
    } else if (v->type == KNOBX_JSON_STRING) {
        char *end;
        x = strtod(v->str, &end);
        if (end == v->str || *end)
            return knob__error(KNOB_EINVAL, "param '%s': expected a number, got \"%s\"", name,
                               v->str);
    } else {
        return knob__error(KNOB_EINVAL, "param '%s': expected a number", name);
    }
    char text[3][32];
    if (!knob__dist_contains(d, x))
        return knob__error(KNOB_EINVAL, "param '%s': %s is outside its distribution [%s, %s]%s",
                           name, knob__num_text(x, text[0]), knob__num_text(d->low, text[1]),
                           knob__num_text(d->high, text[2]), d->step > 0 ? " or off its step" : "");
    *internal = d->step > 0 && d->kind == KNOB_DIST_FLOAT ? knob__dist_snap(d, x) : x;
    return KNOB_OK;
}

void knob__dist_external_json(knobx_buf *b, const knob_distribution *d, double internal)
{
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        size_t i = (size_t)internal;
        if (internal >= 0 && i < d->n_choices)
            add_choice(b, &d->choices[i]);
        else
            knobx_buf_puts(b, "null");
        return;
    }
    knobx_json_add_number(b, internal);
}

int knob_param_format(const knob_param *p, char *buf, size_t size)
{
    if (!p || !p->dist || (!buf && size))
        return -knob__error(KNOB_EINVAL, "knob_param_format: %s",
                            !p         ? "param is NULL"
                            : !p->dist ? "the param has no distribution (NULL)"
                                       : "buf is NULL and size is not 0");
    /* A value no distribution holds would be written as "null", the text of a null
     * choice, or as a number of a kind the caller cannot read. */
    const knob_distribution *d = p->dist;
    const char *name = p->name && p->name[0] ? p->name : "(unnamed)";
    if (d->kind != KNOB_DIST_FLOAT && d->kind != KNOB_DIST_INT && d->kind != KNOB_DIST_CATEGORICAL)
        return -knob__error(KNOB_EINVAL, "knob_param_format: param '%s' has an unknown kind %d",
                            name, (int)d->kind);
    /* the choices as a suggest checks them: a NULL string would be read to write it */
    knob_distribution copy = *d;
    int rc = d->kind == KNOB_DIST_CATEGORICAL ? knob__dist_check(&copy, name) : KNOB_OK;
    if (rc)
        return -knob__error_prefix(rc, "knob_param_format");
    if (d->kind == KNOB_DIST_CATEGORICAL &&
        !(p->internal >= 0 && p->internal < (double)d->n_choices && d->choices &&
          p->internal == floor(p->internal)))
        return -knob__error(KNOB_EINVAL,
                            "knob_param_format: param '%s' has index %g, not one of its %zu "
                            "choices",
                            name, p->internal, d->n_choices);
    if (d->kind != KNOB_DIST_CATEGORICAL && !isfinite(p->internal))
        return -knob__error(KNOB_EINVAL, "knob_param_format: param '%s' is %g, not a finite number",
                            name, p->internal);
    knobx_buf b = {0};
    knob__dist_external_json(&b, d, p->internal);
    if (b.oom) {
        knobx_buf_free(&b);
        return -knob__oom(p->name ? p->name : "param text");
    }
    int n = (int)b.len;
    if (size) {
        size_t m = b.len < size - 1 ? b.len : size - 1;
        memcpy(buf, knobx_buf_cstr(&b), m);
        buf[m] = 0;
    }
    knobx_buf_free(&b);
    return n;
}
