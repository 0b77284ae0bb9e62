/* knob enqueue STUDY key=value ...: a trial with given params, taken by the next ask. The
 * values are what the program should get; for params the library holds in another form
 * (quantiles of the normal family and of probabilities, reciprocals), the sweep stored
 * with the study says how to convert them, and the trial keeps the given values too, for
 * knob trials to show until it runs. knob dashboard's POST /api/enqueue does the same
 * (cli_enqueue). Why a value is refused goes to a buffer, one line per reason. */
#include "cli/cli.h"
#include "cli/enqueue.h"
#include "cli/params.h"
#include "util/json.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal integer beyond 2^53, which a double would change: kept as its text, which is
 * how the sweep holds such a value (seed=12345678901234567890). */
static bool big_int_text(const char *v)
{
    return knobx_big_int_text(v, strlen(v));
}

/* The decimal number s (spaces around it, a sign, a fraction, an exponent allowed) when it
 * is exactly an integer: its digits without sign or leading zeros into out ("0" for zero),
 * *neg its sign. "+09007199254740993", "9007199254740993.0" and "9.007199254740993e15" are
 * 9007199254740993, which strtod makes 9007199254740992. False for anything else, and for
 * more than cap - 1 digits. */
static bool exact_integer(const char *s, char *out, size_t cap, bool *neg)
{
    while (*s == ' ' || *s == '\t')
        s++;
    *neg = *s == '-';
    s += *s == '-' || *s == '+';
    const char *mant = s;
    size_t n_int = strspn(s, "0123456789"), n_frac = 0;
    s += n_int;
    const char *frac = s + (*s == '.');
    if (*s == '.') {
        n_frac = strspn(frac, "0123456789");
        s = frac + n_frac;
    }
    if (n_int + n_frac == 0)
        return false;
    long e = 0;
    if (*s == 'e' || *s == 'E') {
        char *end;
        e = strtol(s + 1, &end, 10);
        if (end == s + 1 || e > 400 || e < -400)
            return false;
        s = end;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s)
        return false;
    /* the digits int|frac with the point moved by e: whole when every digit after it is 0 */
    size_t len = 0;
    long point = (long)n_int + e;
    for (long i = 0; i < (long)(n_int + n_frac); i++) {
        char c = i < (long)n_int ? mant[i] : frac[i - (long)n_int];
        if (i >= point) {
            if (c != '0')
                return false;
            continue;
        }
        if (len == 0 && c == '0')
            continue;
        if (len + 1 >= cap)
            return false;
        out[len++] = c;
    }
    for (long i = (long)(n_int + n_frac); i < point; i++) { /* zeros the exponent adds */
        if (len == 0)
            break;
        if (len + 1 >= cap)
            return false;
        out[len++] = '0';
    }
    if (len == 0)
        out[len++] = '0';
    out[len] = 0;
    return true;
}

/* Whether v spells an integer beyond 2^53 of up to 20 digits (64-bit seeds and ids, which a
 * double changes), in any way exact_integer reads: its digits into out, *neg its sign. 1e300
 * stays the number. */
static bool big_spelled(const char *v, char *out, size_t cap, bool *neg)
{
    return exact_integer(v, out, cap, neg) && strlen(out) <= 20 &&
           knobx_big_int_text(out, strlen(out));
}

/* Whether v reads as a number that is not exactly an integer (9007199254740992.5,
 * 2.0000000000000001, 0x10) but whose double is one (9007199254740992, 2, 16): for a param
 * of whole numbers it is kept as its text, and refused (same_value), not taken as that
 * integer. */
static bool fraction_dropped(const char *v)
{
    char *end, digits[400];
    bool neg;
    double d = strtod(v, &end);
    return *v && !*end && isfinite(d) && d == floor(d) &&
           !exact_integer(v, digits, sizeof digits, &neg);
}

/* A value in double quotes that reads as one JSON string: name='"3"', the string 3. */
static bool quoted_string(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || v[0] != '"' || v[n - 1] != '"')
        return false;
    knobx_json *j = knobx_json_parse(v, n, NULL, 0);
    bool is = j && j->type == KNOBX_JSON_STRING;
    knobx_json_free(j);
    return is;
}

/* "lr=0.01" -> "lr": 0.01; numbers, true/false and null stay typed, the rest are strings;
 * a string in double quotes is that string (as a YAML value in quotes is). */
static void typed_value(knobx_buf *b, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    char digits[400];
    bool neg;
    if (quoted_string(v))
        knobx_buf_puts(b, v);
    else if (big_int_text(v))
        knobx_json_add_string(b, v);
    else if (fraction_dropped(v) && knobx_json_number_syntax(v))
        knobx_buf_puts(b, v); /* as written: cli_enqueue's reader keeps such a number's text */
    else if (fraction_dropped(v)) /* 0x10: text, which a float param reads (given_numbers) */
        knobx_json_add_string(b, v);
    else if (big_spelled(v, digits + 1, sizeof digits - 1, &neg)) {
        /* +9007199254740993, 9007199254740993.0: by its digits, not the double strtod makes */
        digits[0] = '-';
        knobx_json_add_string(b, neg ? digits : digits + 1);
    } else if (*v && !*end && isfinite(d) && knobx_json_number_syntax(v))
        knobx_buf_puts(b, v); /* as written, which a refusal names (1e300, not 1e+300) */
    else if (*v && !*end && isfinite(d))
        knobx_json_add_number(b, d);
    else if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null"))
        knobx_buf_puts(b, v);
    else
        knobx_json_add_string(b, v);
}

/* The key=value arguments as one JSON object of what the program gets. */
static int given_json(const cli_args *a, knobx_buf *b)
{
    knobx_buf_puts(b, "{");
    for (int i = 1; i < a->n_pos; i++) {
        const char *eq = strchr(a->pos[i], '=');
        if (!eq || eq == a->pos[i]) {
            fprintf(stderr, "knob enqueue: '%s' is not key=value\n", a->pos[i]);
            return -1;
        }
        char *key = strndup(a->pos[i], (size_t)(eq - a->pos[i]));
        knobx_buf_puts(b, i > 1 ? "," : "");
        knobx_json_add_string(b, key ? key : "");
        knobx_buf_puts(b, ":");
        typed_value(b, eq + 1);
        free(key);
    }
    knobx_buf_puts(b, "}");
    return b->oom ? -1 : 0;
}

/* The sweep stored with the study, if any (studies made by knob run or knob ask). */
static int stored_sweep(knob_study *s, sweep_warned *warned, sweep *sw, bool *have)
{
    const char *text = knob_study_system_attr(s, "sweep");
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    int rc = 0;
    *have = false;
    if (j && j->type == KNOBX_JSON_STRING) {
        rc = sweep_load_stored_once("(the sweep stored with the study)", j->str, warned, sw);
        *have = rc == 0;
    }
    knobx_json_free(j);
    return rc;
}

/* The given values in the form the library holds them under each name. A name the sweep
 * does not have is refused: the trial would run without it. */
static int library_json(const sweep *sw, bool grid, const knobx_json *given, knobx_buf *b,
                        knobx_buf *err)
{
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        knobx_buf_puts(b, i ? "," : "");
        knobx_json_add_string(b, v->key);
        knobx_buf_puts(b, ":");
        if (!p) {
            knobx_buf_printf(err, "'%s' is not a parameter of the sweep\n", v->key);
            return -1;
        }
        if (params_fixed_json(p, grid, v, b, err))
            return -1;
    }
    knobx_buf_puts(b, "}");
    return b->oom ? -1 : 0;
}

/* What enqueued values say of a param: inactive, active with a known value, active with a
 * value the sampler will choose, or unknown (a parent's value is left to the sampler). */
enum { INACTIVE, KNOWN, CHOSEN, UNKNOWN };

static knob_choice json_choice(const knobx_json *v)
{
    if (v->type == KNOBX_JSON_STRING)
        return (knob_choice){KNOB_CHOICE_STRING, v->str, 0};
    if (v->type == KNOBX_JSON_NUMBER)
        return (knob_choice){KNOB_CHOICE_NUMBER, NULL, v->num};
    if (v->type == KNOBX_JSON_BOOL)
        return (knob_choice){KNOB_CHOICE_BOOL, NULL, v->b};
    return (knob_choice){KNOB_CHOICE_NULL, NULL, 0};
}

/* Whether condition w holds whatever value its active parent takes (`when: {o: [a, b]}`
 * for `o: {values: [a, b]}`, `when: {n: [1, 2, 3]}` for `n: {min: 1, max: 3}`), so that
 * the sampler's choice cannot make it fail. */
static bool cond_always(const sweep *sw, const sweep_cond *w)
{
    const sweep_param *p = &sw->params[w->parent];
    if (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT) {
        for (size_t i = 0; i < p->n_choices; i++)
            if (!sweep_cond_holds(w, &p->choices[i]))
                return false;
        return true;
    }
    /* a range on a grid: each of its numbers, when the condition names as many (the
     * normal family's have no end) */
    double first, last, *x;
    if (p->kind == PK_Q_NORMAL || p->kind == PK_Q_LOG_NORMAL || !w->step ||
        !sweep_grid_nearest(p, -DBL_MAX, &first) || !sweep_grid_nearest(p, DBL_MAX, &last) ||
        (last - first) / w->step + 1 > (double)w->n_allowed + 0.5)
        return false;
    size_t n = sweep_grid_numbers(p, &x);
    bool all = n > 0;
    for (size_t i = 0; i < n && all; i++)
        all = sweep_cond_holds(w, &(knob_choice){KNOB_CHOICE_NUMBER, NULL, x[i]});
    free(x);
    return all;
}

/* The state of param i from those of its parents (earlier in sw->order). */
static int state_of(const sweep *sw, size_t i, const int *state, const knob_choice *values)
{
    const sweep_param *p = &sw->params[i];
    bool unknown = false;
    for (size_t k = 0; k < p->n_when; k++) {
        const sweep_cond *w = &p->when[k];
        int s = state[w->parent];
        if (s == INACTIVE || (s == KNOWN && !sweep_cond_holds(w, &values[w->parent])))
            return INACTIVE;
        unknown |= s == UNKNOWN || (s == CHOSEN && !cond_always(sw, w));
    }
    return unknown ? UNKNOWN : KNOWN;
}

/* check_active's view of the given values: each param's state and the value of those
 * KNOWN; to say why a param is not active, the conditions it needs on params the user
 * can give (need, gathered once per param: seen). */
typedef struct {
    const sweep *sw;
    int *state;
    knob_choice *values;
    bool *seen;
    const sweep_cond **need;
    size_t n_need;
} activity;

/* Adds to a->need what param i needs to be active, whatever is given, down to params the
 * user can give: a condition on a constant holds once the constant is active, so it needs
 * what the constant needs (`k: {value: 1, when: {o: a}}` makes `when: {k: 1}` a need of
 * o=a); a condition on another param is a need, and so is what that param needs. */
static void add_needs(activity *a, size_t i)
{
    const sweep_param *p = &a->sw->params[i];
    if (a->seen[i])
        return;
    a->seen[i] = true;
    for (size_t k = 0; k < p->n_when; k++) {
        const sweep_cond *w = &p->when[k];
        const sweep_param *parent = &a->sw->params[w->parent];
        if (!cond_always(a->sw, w) &&
            !(parent->kind == PK_CONSTANT && sweep_cond_holds(w, &parent->choices[0])))
            a->need[a->n_need++] = w;
        add_needs(a, w->parent);
    }
}

/* Whether value c of param j meets every needed condition on j. */
static bool meets_needs(const activity *a, size_t j, const knob_choice *c)
{
    for (size_t k = 0; k < a->n_need; k++)
        if (a->need[k]->parent == j && !sweep_cond_holds(a->need[k], c))
            return false;
    return true;
}

/* ", " or " and " before item k of n. */
static const char *list_sep(size_t k, size_t n)
{
    return k == 0 ? "" : k + 1 == n ? " and " : ", ";
}

/* The values param j needs, "o=a" or "m in [x, y]", from the allowed values of its first
 * needed condition that meet the others; false when none does. */
static bool need_text(const activity *a, size_t j, knobx_buf *b)
{
    const sweep_cond *first = NULL;
    size_t n = 0, k = 0;
    for (size_t i = 0; i < a->n_need && !first; i++)
        first = a->need[i]->parent == j ? a->need[i] : NULL;
    for (size_t i = 0; i < first->n_allowed; i++)
        n += meets_needs(a, j, &first->allowed[i]);
    knobx_buf_printf(b, n == 1 ? "%s=" : "%s in [", a->sw->params[j].name);
    for (size_t i = 0; i < first->n_allowed; i++) {
        if (!meets_needs(a, j, &first->allowed[i]))
            continue;
        knobx_buf_puts(b, k ? ", " : "");
        params_value_text(b, &first->allowed[i]);
        k++;
    }
    knobx_buf_puts(b, n == 1 ? "" : "]");
    return n > 0;
}

/* The params that a->need has conditions on, in sw->order, into needed; their count. */
static size_t needed_params(const activity *a, size_t *needed)
{
    size_t n = 0;
    for (size_t o = 0; needed && o < a->sw->n_params; o++) {
        size_t m = 0;
        while (m < a->n_need && a->need[m]->parent != a->sw->order[o])
            m++;
        if (m < a->n_need)
            needed[n++] = a->sw->order[o];
    }
    return n;
}

/* Why the given param i is not active, naming the params to give and the values that make
 * i active, or the given values that leave it inactive. */
static void why_not_active(activity *a, size_t i, knobx_buf *err)
{
    const sweep *sw = a->sw;
    const sweep_param *p = &sw->params[i];
    size_t *needed = calloc(sw->n_params, sizeof *needed), n, n_with = 0, n_give = 0;
    knobx_buf names = {0}, needs = {0}, with = {0};
    bool possible = true;
    add_needs(a, i);
    n = needed_params(a, needed);
    /* the given values that leave i inactive; while none does, the params to give */
    for (size_t k = 0; k < n; k++) {
        const knob_choice *v = &a->values[needed[k]];
        n_give += a->state[needed[k]] != KNOWN;
        if (a->state[needed[k]] == KNOWN && !meets_needs(a, needed[k], v)) {
            knobx_buf_printf(&with, "%s%s=", n_with++ ? ", " : "", sw->params[needed[k]].name);
            params_value_text(&with, v);
        }
    }
    for (size_t k = 0, m = 0, listed = n_with ? n : n_give; k < n; k++) {
        if (a->state[needed[k]] == KNOWN && !n_with)
            continue;
        knobx_buf_printf(&names, "%s'%s'", list_sep(m, listed), sw->params[needed[k]].name);
        knobx_buf_puts(&needs, list_sep(m++, listed));
        possible &= need_text(a, needed[k], &needs);
    }
    if (!n || !possible)
        knobx_buf_printf(err,
                         "'%s' is never active with these values (see its `when` at line %d of "
                         "the sweep), so the program would never get it\n",
                         p->name, p->line);
    else if (n_with)
        knobx_buf_printf(err,
                         "'%s' is not active with these values (%s), so the program would never "
                         "get it: it needs %s (see its `when` at line %d of the sweep)\n",
                         p->name, knobx_buf_cstr(&with), knobx_buf_cstr(&needs), p->line);
    else
        knobx_buf_printf(err, "'%s' is active only for some values of %s: give %s too, with %s\n",
                         p->name, knobx_buf_cstr(&names), knobx_buf_cstr(&names),
                         knobx_buf_cstr(&needs));
    err->oom |= !needed || names.oom || needs.oom || with.oom;
    free(needed);
    knobx_buf_free(&names);
    knobx_buf_free(&needs);
    knobx_buf_free(&with);
}

/* A given param must be active with the given values: an inactive one would never reach
 * the program, and one whose parents are left to the sampler might not. */
static int check_active(const sweep *sw, const knobx_json *given, knobx_buf *err)
{
    size_t n = sw->n_params ? sw->n_params : 1, n_conds = 1;
    for (size_t i = 0; i < sw->n_params; i++)
        n_conds += sw->params[i].n_when;
    activity a = {.sw = sw, .n_need = 0};
    a.state = calloc(n, sizeof *a.state);
    a.values = calloc(n, sizeof *a.values);
    a.seen = calloc(n, sizeof *a.seen);
    a.need = calloc(n_conds, sizeof *a.need);
    int rc = a.state && a.values && a.seen && a.need ? 0 : -1;
    if (rc)
        knobx_buf_puts(err, "out of memory\n");
    for (size_t o = 0; !rc && o < sw->n_params; o++) {
        size_t i = sw->order[o];
        const sweep_param *p = &sw->params[i];
        const knobx_json *v = knobx_json_get(given, p->name);
        a.state[i] = state_of(sw, i, a.state, a.values);
        if (v && a.state[i] != KNOWN) {
            why_not_active(&a, i, err);
            rc = -1;
        } else if (a.state[i] == KNOWN && v)
            a.values[i] = json_choice(v);
        else if (a.state[i] == KNOWN && p->kind == PK_CONSTANT)
            a.values[i] = p->choices[0];
        else if (a.state[i] == KNOWN)
            a.state[i] = CHOSEN;
    }
    free(a.state);
    free(a.values);
    free(a.seen);
    free(a.need);
    return rc;
}

void enqueue_given_text(knobx_buf *b, const knobx_json *v)
{
    if (v->type == KNOBX_JSON_STRING)
        knobx_buf_puts(b, v->str);
    else if (v->type == KNOBX_JSON_NUMBER && v->big)
        knobx_buf_puts(b, v->big);
    else if (v->type == KNOBX_JSON_NUMBER && v->str) /* as written (given_numbers) */
        knobx_buf_puts(b, v->str);
    else if (v->type == KNOBX_JSON_NUMBER && v->num == floor(v->num) && fabs(v->num) < 1e17)
        knobx_buf_printf(b, "%.0f", v->num);
    else /* a number as it reads back (4503599627370495.5, not 4.5035996273705e+15); a list
          * or mapping as given ([1.0, 2] with its 1.0) */
        knobx_json_add_node_as_written(b, v);
}

int enqueue_scratch_open(enqueue_scratch *x, const char *study, const knob_sampler_plugin *sampler,
                         const char *lib_json, knobx_buf *err)
{
    *x = (enqueue_scratch){0};
    knob_sampler *own = NULL;
    int rc = knob_storage_open("memory:", &x->st) ||
             (sampler ? knob_sampler_create_plugin(sampler, NULL, &own)
                      : knob_sampler_create("random", "seed=0", &own));
    if (!rc) {
        knob_study_options o = {.sampler = own, .no_objective = true};
        rc = knob_study_create(x->st, study, &o, &x->s) || knob_study_enqueue(x->s, lib_json) ||
             knob_study_ask(x->s, &x->t);
    } else {
        knob_sampler_free(own);
    }
    if (rc)
        knobx_buf_printf(err, "%s\n", knob_errmsg());
    return rc ? -1 : 0;
}

void enqueue_scratch_close(enqueue_scratch *x)
{
    if (x->t)
        knob_study_tell(x->s, x->t, KNOB_TRIAL_FAIL, NULL, 0);
    knob_study_free(x->s);
    knob_storage_close(x->st);
    *x = (enqueue_scratch){0};
}

/* Whether the texts x and y are one integer beyond 2^53 in any spelling, exactly: false
 * when either is not exactly an integer, or not beyond 2^53. *known false when neither is
 * such a number (the comparison is then another's). */
static bool same_big_integer(const char *x, const char *y, bool *known)
{
    char cx[400], cy[400];
    bool nx, ny;
    bool ix = exact_integer(x, cx, sizeof cx, &nx), iy = exact_integer(y, cy, sizeof cy, &ny);
    bool bx = ix && knobx_big_int_text(cx, strlen(cx));
    bool by = iy && knobx_big_int_text(cy, strlen(cy));
    char *end;
    double dx = strtod(x, &end);
    /* beyond 2^53 as a double, yet not exactly an integer: 9007199254740993.5 */
    bool rounded_x = !ix && *x && !*end && fabs(dx) >= 9007199254740992.0;
    *known = bx || by || rounded_x;
    return bx && by && nx == ny && !strcmp(cx, cy);
}

/* True when the program would get the value it was given: the same text, or numbers
 * equal to 1e-9 of their size (reciprocals and quantiles round-trip through doubles). A
 * param of whole numbers (whole: an int, a choice) takes an integer beyond 2^53 only as
 * that very integer, however it is spelled: the 1e-9 would take its neighbours for it. */
static bool same_value(const knobx_json *given, const knob_choice *got, bool whole)
{
    knobx_buf a = {0}, b = {0};
    enqueue_given_text(&a, given);
    params_value_text(&b, got);
    const char *x = knobx_buf_cstr(&a), *y = knobx_buf_cstr(&b);
    char *ex, *ey;
    double dx = strtod(x, &ex), dy = strtod(y, &ey);
    bool same = !strcmp(x, y), known = false;
    char cx[400], cy[400];
    bool nx, ny;
    if (!same && whole)
        same = same_big_integer(x, y, &known);
    /* 2.5, 9007199254740992.5 or 2.0000000000000001 is not the whole number drawn, however
     * near: the 1e-9 below is for the doubles of a float param */
    if (!same && !known && whole && exact_integer(y, cy, sizeof cy, &ny) &&
        !exact_integer(x, cx, sizeof cx, &nx))
        known = true;
    /* inf or 1e400 is no number of a range: within a relative tolerance of inf, every
     * number would be the same as it */
    if (!same && !known)
        same = *x && *y && !*ex && !*ey && isfinite(dx) && isfinite(dy) &&
               fabs(dx - dy) <= 1e-9 * fmax(1, fmax(fabs(dx), fabs(dy)));
    knobx_buf_free(&a);
    knobx_buf_free(&b);
    return same;
}

static knobx_json *flat(const sweep *sw, knobx_json *given);

void cli_enqueued_taken(const sweep *sw, knob_trial *t, const trial_params *tp)
{
    /* kept on the handle of an enqueued trial the ask took (no storage read); nested
     * params by their dotted names, as the trial's are ({"net": {"width": 128}} is
     * net.width, which the trial has) */
    const char *text = knob_trial_system_attr(t, "enqueued_params");
    knobx_json *given = text ? knobx_json_parse_as_written(text, (size_t)-1, NULL, 0) : NULL;
    if (given && given->type == KNOBX_JSON_OBJECT)
        given = flat(sw, given);
    long long n = (long long)knob_trial_number(t);
    for (size_t i = 0; given && given->type == KNOBX_JSON_OBJECT && i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        const param_value *got = NULL;
        for (size_t k = 0; k < tp->n && !got; k++)
            if (!strcmp(tp->v[k].name, v->key))
                got = &tp->v[k];
        knobx_buf a = {0}, b = {0};
        enqueue_given_text(&a, v);
        if (!got) {
            fprintf(stderr,
                    "knob: warning: trial %lld: the enqueued %s=%s is not a param the sweep "
                    "gives this trial (the sweep was edited since, or a 'when' leaves it "
                    "out): the program does not get it\n",
                    n, v->key, knobx_buf_cstr(&a));
        } else {
            const sweep_param *p = sweep_find(sw, v->key);
            bool whole =
                p && (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT || sweep_param_is_int(p));
            if (!same_value(v, &got->value, whole)) {
                params_value_text(&b, &got->value);
                fprintf(stderr,
                        "knob: warning: trial %lld: the enqueued %s=%s does not fit the sweep's "
                        "'%s' now (the sweep was edited since): it runs with %s=%s, the "
                        "sampler's\n",
                        n, v->key, knobx_buf_cstr(&a), v->key, v->key, knobx_buf_cstr(&b));
            }
        }
        knobx_buf_free(&a);
        knobx_buf_free(&b);
    }
    knobx_json_free(given);
}

/* What param p can hold, for a message. */
static void describe(knobx_buf *b, const sweep_param *p)
{
    switch (p->kind) {
    case PK_CONSTANT:
    case PK_CATEGORICAL:
        knobx_buf_puts(b, p->kind == PK_CONSTANT ? "the constant " : "one of [");
        for (size_t i = 0; i < p->n_choices; i++) {
            knobx_buf_puts(b, i ? ", " : "");
            params_value_text(b, &p->choices[i]);
        }
        knobx_buf_puts(b, p->kind == PK_CONSTANT ? "" : "]");
        return;
    case PK_INT_UNIFORM: /* whole, up to 2^53: every digit */
        knobx_buf_printf(b, "a whole number in [%.0f, %.0f]", p->min, p->max);
        return;
    case PK_LOG_UNIFORM:
        knobx_buf_printf(b, "a number in [%.15g, %.15g]", exp(p->min), exp(p->max));
        return;
    case PK_NORMAL:
    case PK_Q_NORMAL:
    case PK_LOG_NORMAL:
    case PK_Q_LOG_NORMAL:
        knobx_buf_printf(b,
                         "a %s number with mu %g and sigma %g, within its 1e-6 and 1 - 1e-6 "
                         "quantiles",
                         p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL ? "log-normal"
                                                                                : "normal",
                         p->mu, p->sigma);
        if (p->has_q) /* a q form's values are its multiples: 0.25 is none of 0.5's */
            knobx_buf_printf(b, ", on steps of %.15g", p->q);
        return;
    default: {
        /* a grid's values: round(x / q) * q for x in [min, max], which need not lie inside
         * [min, max] (q_log_uniform_values min 0.01, max 0.1, q 0.03: 0 ... 0.09) */
        double first, last;
        if (p->has_q && sweep_grid_nearest(p, -DBL_MAX, &first) &&
            sweep_grid_nearest(p, DBL_MAX, &last)) {
            knobx_buf_printf(b, "a number in [%.15g, %.15g] on steps of %.15g", first, last, p->q);
            if (first < p->min || last > p->max)
                knobx_buf_printf(b, " (min %.15g and max %.15g rounded to steps of %.15g)",
                                 p->min, p->max, p->q);
            return;
        }
        knobx_buf_printf(b, "a number in [%.15g, %.15g]", p->min, p->max);
        if (p->has_q)
            knobx_buf_printf(b, " on steps of %.15g", p->q);
        return;
    }
    }
}

/* The given params as the program will get them (as params_suggest gives them in tp), in
 * the sweep's order and nesting: a choice as its value (a list as a list), not as knob
 * holds it. */
static void shown_json(const trial_params *tp, const knobx_json *given, knobx_buf *shown)
{
    param_value *v = calloc(tp->n ? tp->n : 1, sizeof *v);
    size_t n = 0;
    if (!v) {
        shown->oom = true;
        return;
    }
    for (size_t k = 0; k < tp->n; k++)
        if (knobx_json_get(given, tp->v[k].name))
            v[n++] = tp->v[k];
    params_json(shown, v, n);
    free(v);
}

/* Suggests the sweep's params, with the given ones fixed, in a scratch study in memory
 * (named as the study, which its messages name), as the study's next ask will: a value
 * the space cannot hold comes back as another value (a misfit is left to the sampler),
 * and is refused here instead. `shown` gets the given params as the program will get them
 * (shown_json). */
static int check_fits(const char *study, const sweep *sw, bool grid, const knobx_json *given,
                      const char *lib_json, knobx_buf *shown, knobx_buf *err)
{
    enqueue_scratch x;
    trial_params tp = {0};
    int rc = enqueue_scratch_open(&x, study, NULL, lib_json, err);
    if (!rc && params_suggest(sw, x.t, grid, &tp)) {
        knobx_buf_printf(err, "%s\n", knob_errmsg());
        rc = -1;
    }
    for (size_t i = 0; !rc && i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        bool whole =
            p && (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT || sweep_param_is_int(p));
        for (size_t k = 0; k < tp.n; k++) {
            if (strcmp(tp.v[k].name, v->key) || same_value(v, &tp.v[k].value, whole))
                continue;
            knobx_buf why = {0}, text = {0};
            enqueue_given_text(&text, v);
            describe(&why, p);
            /* 9007199254740995.0 or 9.007199254740995e15 was read as a double, which past
             * 2^53 holds every second whole number at most */
            bool rounded = whole && v->type == KNOBX_JSON_NUMBER && !v->big &&
                           fabs(v->num) > 9007199254740992.0;
            knobx_buf_printf(err, "'%s' cannot be %s%s: the sweep's '%s' is %s\n", v->key,
                             text.len ? knobx_buf_cstr(&text) : "empty",
                             rounded ? " (a number written with a fraction or an exponent is "
                                       "read as a double, which past 2^53 is not every whole "
                                       "number: give a whole number by its digits)"
                                     : "",
                             v->key, knobx_buf_cstr(&why));
            knobx_buf_free(&why);
            knobx_buf_free(&text);
            rc = -1;
        }
    }
    if (!rc)
        shown_json(&tp, given, shown);
    params_free(&tp);
    enqueue_scratch_close(&x);
    return rc;
}

/* `knob enqueue S amp=yes` for `amp: {values: [yes, no]}`: the sweep reads yes as a boolean
 * (YAML 1.1, as W&B), so the word given is that boolean too, unless the param has the word
 * as a string among its values. */
static void given_bools(const sweep *sw, knobx_json *given)
{
    for (size_t i = 0; i < given->n; i++) {
        knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        int b = p && v->type == KNOBX_JSON_STRING ? sweep_bool_word(v->str) : -1;
        bool has_bool = false, has_word = false;
        for (size_t k = 0; b >= 0 && k < p->n_choices; k++) {
            const knob_choice *c = &p->choices[k];
            has_bool |= c->type == KNOB_CHOICE_BOOL;
            has_word |= c->type == KNOB_CHOICE_STRING && !strcmp(c->str, v->str);
        }
        if (has_bool && !has_word) {
            v->type = KNOBX_JSON_BOOL;
            v->b = b;
        }
    }
}

/* Whether the given value v is the choice c, with its type. */
static bool is_choice(const knobx_json *v, const knob_choice *c)
{
    switch (v->type) {
    case KNOBX_JSON_STRING:
        return c->type == KNOB_CHOICE_STRING && !strcmp(c->str, v->str);
    case KNOBX_JSON_NUMBER: /* an integer given beyond 2^53 as that very integer */
        return c->type == KNOB_CHOICE_NUMBER && c->num == v->num &&
               (!v->big || knobx_big_int_is(v->big, c->num));
    case KNOBX_JSON_BOOL:
        return c->type == KNOB_CHOICE_BOOL && (c->num != 0) == v->b;
    case KNOBX_JSON_NULL:
        return c->type == KNOB_CHOICE_NULL;
    default:
        return false;
    }
}

/* Whether the string choice c reads as the given number or word v: "3" for 3, "true" for
 * true, "null" for null. Beyond 2^53 by the digits alone: the sweep holds an integer there
 * as its text (12345678901234567890), which the same digits given as a JSON number are,
 * and which a double near it is not. */
static bool string_reads_as(const knob_choice *c, const knobx_json *v)
{
    char *end;
    if (c->type != KNOB_CHOICE_STRING)
        return false;
    if (v->type == KNOBX_JSON_NUMBER && (v->big || big_int_text(c->str)))
        return v->big && !strcmp(c->str, v->big);
    if (v->type == KNOBX_JSON_NUMBER)
        return *c->str && strtod(c->str, &end) == v->num && !*end;
    if (v->type == KNOBX_JSON_BOOL)
        return !strcmp(c->str, v->b ? "true" : "false");
    return v->type == KNOBX_JSON_NULL && !strcmp(c->str, "null");
}

/* `knob enqueue S num=3` for `num: {values: [1, "3"]}`: 3 reads as a number, which the
 * param does not have, and the string "3" is the one value it can mean; so for true, false
 * and null. The given value becomes that string, as given_bools makes a word a boolean. */
static void given_strings(const sweep *sw, knobx_json *given)
{
    for (size_t i = 0; i < given->n; i++) {
        knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        if (!p || (p->kind != PK_CATEGORICAL && p->kind != PK_CONSTANT) ||
            v->type == KNOBX_JSON_STRING)
            continue;
        const knob_choice *match = NULL;
        size_t n_match = 0, k;
        for (k = 0; k < p->n_choices && !is_choice(v, &p->choices[k]); k++)
            if (string_reads_as(&p->choices[k], v))
                match = &p->choices[k], n_match++;
        if (k == p->n_choices && n_match == 1) {
            v->type = KNOBX_JSON_STRING;
            v->str = match->str; /* the sweep outlives given */
        }
    }
}

/* The members of o as JSON "name": value, an object that is no param of the sweep (the
 * dashboard's {"net": {"width": 32}}, as knob trials shows a nested param) taken as the
 * params nested in it, by their dotted names ("net.width", as knob enqueue is given it). */
static void flat_given(const sweep *sw, const knobx_json *o, knobx_buf *prefix, knobx_buf *out,
                       bool *first)
{
    for (size_t i = 0; i < o->n; i++) {
        const knobx_json *v = o->kids[i];
        size_t at = prefix->len;
        knobx_buf_puts(prefix, v->key);
        const char *name = knobx_buf_cstr(prefix);
        if (v->type == KNOBX_JSON_OBJECT && !sweep_find(sw, name)) {
            knobx_buf_puts(prefix, ".");
            flat_given(sw, v, prefix, out, first);
        } else {
            knobx_buf_puts(out, *first ? "" : ",");
            *first = false;
            knobx_json_add_string(out, name);
            knobx_buf_puts(out, ":");
            knobx_json_add_node_as_written(out, v); /* given_numbers reads the text */
        }
        prefix->len = at;
        if (prefix->data)
            prefix->data[at] = '\0';
    }
}

/* given with its nested params by their dotted names (flat_given); NULL when out of memory. */
static knobx_json *flat(const sweep *sw, knobx_json *given)
{
    knobx_buf prefix = {0}, out = {0};
    bool first = true;
    knobx_buf_puts(&out, "{");
    flat_given(sw, given, &prefix, &out, &first);
    knobx_buf_puts(&out, "}");
    knobx_json *j =
        out.oom || prefix.oom ? NULL : knobx_json_parse_as_written(out.data, out.len, NULL, 0);
    knobx_buf_free(&prefix);
    knobx_buf_free(&out);
    knobx_json_free(given);
    return j;
}

/* A number given as text ({"layers": "3"}, as a form sends it) for a param of numbers is
 * that number, as knob enqueue's layers=3 is, an integer beyond 2^53 with its digits (big),
 * as the JSON reader keeps them; a choice's text stays text. */
static void given_numbers(const sweep *sw, knobx_json *given)
{
    for (size_t i = 0; i < given->n; i++) {
        knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        char *end, digits[400];
        bool neg;
        bool choices = p && (p->kind == PK_CATEGORICAL || p->kind == PK_CONSTANT);
        /* 9007199254740993.0 or 9007199254740992.5 as a JSON number, for a param of whole
         * numbers: by its text, as the same text in quotes (the double is 2^53) */
        if (v->type == KNOBX_JSON_NUMBER && v->str && (choices || (p && sweep_param_is_int(p))) &&
            (fraction_dropped(v->str) || big_spelled(v->str, digits, sizeof digits, &neg)))
            v->type = KNOBX_JSON_STRING; /* str holds the text (knobx_json_parse_as_written) */
        double x = v->type == KNOBX_JSON_STRING && *v->str ? strtod(v->str, &end) : NAN;
        /* an integer beyond 2^53 spelled otherwise ("+9007199254740993", "...993.0") stays
         * text, which same_value compares by its digits: as a double it is its neighbour */
        bool other_spelling = isfinite(x) && !big_int_text(v->str) &&
                              big_spelled(v->str, digits, sizeof digits, &neg);
        bool dropped = v->type == KNOBX_JSON_STRING && p && sweep_param_is_int(p) &&
                       fraction_dropped(v->str);
        /* past KNOBX_JSON_NUMBER_MAX characters the library's JSON reader refuses a number,
         * unsaid which: left as text, it is refused naming the param (check_fits) */
        if (p && !choices && isfinite(x) && !*end && !other_spelling && !dropped &&
            strlen(v->str) <= KNOBX_JSON_NUMBER_MAX) {
            v->type = KNOBX_JSON_NUMBER;
            v->num = x;
            v->big = big_int_text(v->str) ? v->str : NULL;
        }
        /* "+9007199254740993" for the choice 9007199254740993, which the sweep holds as its
         * digits, as knob enqueue's typed_value gives it */
        for (size_t k = 0; choices && other_spelling && k < p->n_choices; k++) {
            const knob_choice *c = &p->choices[k];
            if (c->type == KNOB_CHOICE_STRING && (c->str[0] == '-') == neg &&
                !strcmp(c->str + neg, digits))
                v->str = c->str; /* the sweep outlives given */
        }
    }
}

/* A list or mapping given for a param whose values are lists or mappings ("[64, 64]" as
 * text from knob enqueue, {"width": 64} from the dashboard) is that value of the sweep's
 * which it equals as JSON (keys in any order, 18.0 for 18), given as the sweep's own text:
 * the library holds the choice as that text. */
static void given_json_values(const sweep *sw, knobx_json *given)
{
    knobx_buf text = {0};
    for (size_t i = 0; i < given->n; i++) {
        knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        if (!p || !p->is_json)
            continue;
        knobx_buf_reset(&text);
        if (v->type == KNOBX_JSON_STRING)
            knobx_buf_puts(&text, v->str);
        else if (v->type == KNOBX_JSON_ARRAY || v->type == KNOBX_JSON_OBJECT)
            knobx_json_add_node(&text, v);
        const char *t = knobx_buf_cstr(&text);
        if (text.oom || (t[0] != '{' && t[0] != '['))
            continue;
        for (size_t k = 0; k < p->n_choices; k++) {
            if (p->is_json[k] && knobx_json_text_equal(p->choices[k].str, t)) {
                v->type = KNOBX_JSON_STRING;
                v->str = p->choices[k].str; /* the sweep outlives given */
                break;
            }
        }
    }
    knobx_buf_free(&text);
}

/* `knob enqueue S i=3 i=4`, or the dashboard's {"net": {"width": 8}, "net.width": 16}: one
 * name given twice is refused, rather than one of its values being taken unsaid. */
static int given_twice(const knobx_json *given, knobx_buf *err)
{
    for (size_t i = 0; i < given->n; i++) {
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(given->kids[i]->key, given->kids[k]->key)) {
                knobx_buf_printf(err, "'%s' is given twice\n", given->kids[i]->key);
                return -1;
            }
        }
    }
    return 0;
}

/* A waiting trial whose fixed params are lib_json (as knob holds them), with the system
 * attribute "enqueued_params" (the given values as the program gets them, which knob
 * trials shows while the trial waits), in one write. A system attribute, not the user's
 * "params" that knob run and knob ask write: a worker of the library or of Python that
 * takes the trial never replaces it, and its user attributes stay the user's. */
static int enqueue_trial(knob_study *s, const char *lib_json, const char *shown_json,
                         int64_t *number)
{
    knob_attr sys[2] = {{"fixed_params", lib_json}, {"enqueued_params", shown_json}};
    knob_trial_info info = {.state = KNOB_TRIAL_WAITING,
                            .n_system_attrs = 2,
                            .system_attrs = sys,
                            .start_time = NAN,
                            .end_time = NAN};
    return knob_study_add_trial(s, &info, number);
}

cli_enqueue_status cli_enqueue(knob_storage *st, knob_study *s, const char *given_json,
                               sweep_warned *warned, knobx_buf *enqueued, int64_t *number,
                               knobx_buf *err)
{
    sweep sw;
    bool have;
    int64_t cap = 0;
    knobx_buf lib = {0}, shown = {0};
    knobx_json *given = knobx_json_parse_as_written(given_json, (size_t)-1, NULL, 0);
    cli_enqueue_status rc = CLI_ENQUEUE_OK;
    if (!given || given->type != KNOBX_JSON_OBJECT) {
        knobx_buf_puts(err, given ? "the params must be a JSON object\n"
                                  : "out of memory, or the params are not JSON\n");
        rc = given ? CLI_ENQUEUE_REFUSED : CLI_ENQUEUE_FAILED;
    } else if (stored_sweep(s, warned, &sw, &have)) {
        knobx_buf_printf(err, "the sweep stored with study '%s' cannot be read\n",
                         knob_study_name(s));
        rc = CLI_ENQUEUE_FAILED;
    } else if (have && !(given = flat(&sw, given))) {
        knobx_buf_puts(err, "out of memory\n");
        rc = CLI_ENQUEUE_FAILED;
        sweep_free(&sw);
    } else if (have) {
        bool grid = sweep_enumerates(&sw);
        given_bools(&sw, given);
        given_strings(&sw, given);
        given_numbers(&sw, given);
        given_json_values(&sw, given);
        if (given_twice(given, err) || library_json(&sw, grid, given, &lib, err) ||
            check_active(&sw, given, err) ||
            check_fits(knob_study_name(s), &sw, grid, given, knobx_buf_cstr(&lib), &shown, err))
            rc = CLI_ENQUEUE_REFUSED;
        const knob_trial_info *const *trials;
        size_t n = 0;
        if (!rc && sw.run_cap && !knob_study_trials(s, &trials, &n) && (int64_t)n >= sw.run_cap) {
            knobx_buf_printf(err, "study '%s' holds %zu trials, its run_cap\n", knob_study_name(s),
                             n);
            rc = CLI_ENQUEUE_FULL;
        }
        cap = sw.run_cap;
        sweep_free(&sw);
    } else if (given_twice(given, err)) {
        rc = CLI_ENQUEUE_REFUSED;
    } else if (!(rc = cli_enqueue_unswept(s, given, &lib, err))) {
        knobx_json_add_node(&shown, given); /* as the library holds them: no conversion */
    }
    if (!rc && (lib.oom || shown.oom)) {
        knobx_buf_puts(err, "out of memory\n");
        rc = CLI_ENQUEUE_FAILED;
    }
    if (!rc) {
        /* The count above was read before the write: another enqueue may come between. A
         * handle with max_trials = run_cap has the storage check it where it numbers the
         * trial, atomically (KNOB_EDONE past it). */
        knob_study *capped = NULL;
        knob_study_options o = {.max_trials = cap};
        int e = cap > 0 && st ? knob_study_load(st, knob_study_name(s), &o, &capped) : KNOB_OK;
        if (!e)
            e = enqueue_trial(capped ? capped : s, knobx_buf_cstr(&lib), knobx_buf_cstr(&shown),
                              number);
        if (e) {
            knobx_buf_printf(err, "%s\n", knob_errmsg());
            rc = e == KNOB_EDONE ? CLI_ENQUEUE_FULL : CLI_ENQUEUE_FAILED;
        }
        knob_study_free(capped);
    }
    if (!rc && enqueued)
        knobx_buf_puts(enqueued, knobx_buf_cstr(&shown));
    knobx_json_free(given);
    knobx_buf_free(&lib);
    knobx_buf_free(&shown);
    return rc;
}

int cmd_enqueue(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage = "knob enqueue STUDY key=value ... [--storage URL]";
    if (cli_parse_args(argc, argv, &a, "--storage", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY key=value", 2, -1, usage))
        return EXIT_USAGE;
    knobx_buf b = {0};
    if (given_json(&a, &b)) {
        knobx_buf_free(&b);
        return EXIT_USAGE;
    }
    int rc = EXIT_FAIL;
    knobx_buf enqueued = {0};
    if (!cli_open_study(cli_storage(&a, NULL), a.pos[0], &r)) {
        knobx_buf err = {0};
        cli_enqueue_status st =
            cli_enqueue(r.st, r.s, knobx_buf_cstr(&b), NULL, &enqueued, NULL, &err);
        rc = st == CLI_ENQUEUE_OK ? 0 : st == CLI_ENQUEUE_REFUSED ? EXIT_USAGE : EXIT_FAIL;
        /* each line of why, as its own message */
        for (const char *line = knobx_buf_cstr(&err), *end; *line; line = end + (*end == '\n')) {
            end = strchr(line, '\n');
            end = end ? end : line + strlen(line);
            fprintf(stderr, "knob enqueue: %.*s\n", (int)(end - line), line);
        }
        if (err.oom)
            fprintf(stderr, "knob enqueue: out of memory\n");
        knobx_buf_free(&err);
        cli_close(&r);
    }
    /* what the trial holds, as the program will get it (bl=no as false, s=[3] as a list) */
    if (!rc)
        printf("enqueued %s in study '%s'\n", knobx_buf_cstr(enqueued.oom ? &b : &enqueued),
               a.pos[0]);
    knobx_buf_free(&enqueued);
    knobx_buf_free(&b);
    return rc;
}
