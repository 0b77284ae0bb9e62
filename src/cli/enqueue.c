/* knob enqueue STUDY key=value ...: a trial with given params, taken by the next ask. The
 * values are what the program should get; for params the library holds in another form
 * (quantiles of the normal family and of probabilities, reciprocals), the sweep stored
 * with the study says how to convert them, and the trial keeps the given values too, for
 * knob trials to show until it runs. */
#include "cli/cli.h"
#include "cli/params.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal integer beyond 2^53, which a double would change: kept as its text, which is
 * how the sweep holds such a value (seed=12345678901234567890). */
static bool big_int_text(const char *v)
{
    const char *d = v + (*v == '-');
    size_t n = strspn(d, "0123456789");
    return *d >= '1' && *d <= '9' && !d[n] &&
           (n > 16 || (n == 16 && strcmp(d, "9007199254740992") > 0));
}

/* "lr=0.01" -> "lr": 0.01; numbers, true/false and null stay typed, the rest are strings. */
static void typed_value(knobx_buf *b, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (big_int_text(v))
        knobx_json_add_string(b, v);
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
static int stored_sweep(study_ref *r, sweep *sw, bool *have)
{
    const char *text = knob_study_system_attr(r->s, "sweep");
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    int rc = 0;
    *have = false;
    if (j && j->type == KNOBX_JSON_STRING) {
        rc = sweep_load_text("(the sweep stored with the study)", j->str, sw);
        *have = rc == 0;
    }
    knobx_json_free(j);
    return rc;
}

/* The given values in the form the library holds them under each name. A name the sweep
 * does not have is refused: the trial would run without it. */
static int library_json(const sweep *sw, bool grid, const knobx_json *given, knobx_buf *b)
{
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        knobx_buf_puts(b, i ? "," : "");
        knobx_json_add_string(b, v->key);
        knobx_buf_puts(b, ":");
        if (!p) {
            fprintf(stderr, "knob enqueue: '%s' is not a parameter of the sweep\n", v->key);
            return -1;
        }
        if (params_fixed_json(p, grid, v, b))
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

/* The state of param i from those of its parents (earlier in sw->order). */
static int state_of(const sweep *sw, size_t i, const int *state, const knob_choice *values,
                    const sweep_cond **unknown)
{
    const sweep_param *p = &sw->params[i];
    *unknown = NULL;
    for (size_t k = 0; k < p->n_when; k++) {
        size_t j = p->when[k].parent;
        if (state[j] == INACTIVE ||
            (state[j] == KNOWN && !sweep_cond_holds(&p->when[k], &values[j])))
            return INACTIVE;
        if (state[j] != KNOWN && !*unknown)
            *unknown = &p->when[k];
    }
    return *unknown ? UNKNOWN : KNOWN;
}

/* A given param must be active with the given values: an inactive one would never reach
 * the program, and one whose parents are left to the sampler might not. */
static int check_active(const sweep *sw, const knobx_json *given)
{
    size_t n = sw->n_params ? sw->n_params : 1;
    int *state = calloc(n, sizeof *state), rc = state ? 0 : -1;
    knob_choice *values = calloc(n, sizeof *values);
    rc = values ? rc : -1;
    for (size_t o = 0; !rc && o < sw->n_params; o++) {
        size_t i = sw->order[o];
        const sweep_param *p = &sw->params[i];
        const knobx_json *v = knobx_json_get(given, p->name);
        const sweep_cond *unknown;
        state[i] = state_of(sw, i, state, values, &unknown);
        if (v && state[i] != KNOWN) {
            if (state[i] == INACTIVE)
                fprintf(stderr,
                        "knob enqueue: '%s' is not active with these values (see its `when` "
                        "at line %d of the sweep), so the program would never get it\n",
                        p->name, p->line);
            else
                fprintf(stderr,
                        "knob enqueue: '%s' is active only for some values of '%s': give "
                        "'%s' too\n",
                        p->name, unknown->parent_name, unknown->parent_name);
            rc = -1;
        } else if (state[i] == KNOWN && v)
            values[i] = json_choice(v);
        else if (state[i] == KNOWN && p->kind == PK_CONSTANT)
            values[i] = p->choices[0];
        else if (state[i] == KNOWN)
            state[i] = CHOSEN;
    }
    free(state);
    free(values);
    return rc;
}

/* A value as text: strings as they are, numbers in full. */
static void given_text(knobx_buf *b, const knobx_json *v)
{
    if (v->type == KNOBX_JSON_STRING)
        knobx_buf_puts(b, v->str);
    else if (v->type == KNOBX_JSON_NUMBER)
        knobx_buf_printf(b, "%.15g", v->num);
    else
        knobx_json_add_node(b, v);
}

/* True when the program would get the value it was given: the same text, or numbers
 * equal to 1e-9 of their size (reciprocals and quantiles round-trip through doubles). */
static bool same_value(const knobx_json *given, const knob_choice *got)
{
    knobx_buf a = {0}, b = {0};
    given_text(&a, given);
    params_value_text(&b, got);
    const char *x = knobx_buf_cstr(&a), *y = knobx_buf_cstr(&b);
    char *ex, *ey;
    double dx = strtod(x, &ex), dy = strtod(y, &ey);
    bool same = !strcmp(x, y) || (*x && *y && !*ex && !*ey &&
                                  fabs(dx - dy) <= 1e-9 * fmax(1, fmax(fabs(dx), fabs(dy))));
    knobx_buf_free(&a);
    knobx_buf_free(&b);
    return same;
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
    case PK_INT_UNIFORM:
        knobx_buf_printf(b, "a whole number in [%.15g, %.15g]", p->min, p->max);
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
        return;
    default:
        knobx_buf_printf(b, "a number in [%.15g, %.15g]", p->min, p->max);
        if (p->has_q)
            knobx_buf_printf(b, " on steps of %.15g", p->q);
        return;
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

/* Suggests the sweep's params, with the given ones fixed, in a scratch study in memory,
 * as the study's next ask will: a value the space cannot hold comes back as another
 * value (a misfit is left to the sampler), and is refused here instead. `shown` gets the
 * given params as the program will get them (shown_json). */
static int check_fits(const sweep *sw, bool grid, const knobx_json *given, const char *lib_json,
                      knobx_buf *shown)
{
    knob_storage *st = NULL;
    knob_study *s = NULL;
    knob_sampler *sampler = NULL;
    knob_trial *t = NULL;
    trial_params tp = {0};
    int rc = knob_storage_open("memory:", &st) || knob_sampler_create("random", "seed=0", &sampler);
    if (!rc) {
        knob_study_options o = {.sampler = sampler, .no_objective = true};
        rc = knob_study_create(st, "enqueue-check", &o, &s) || knob_study_enqueue(s, lib_json) ||
             knob_study_ask(s, &t);
    } else {
        knob_sampler_free(sampler);
    }
    if (rc)
        fprintf(stderr, "knob enqueue: %s\n", knob_errmsg());
    else if (params_suggest(sw, t, grid, &tp))
        rc = -1;
    for (size_t i = 0; !rc && i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        for (size_t k = 0; k < tp.n; k++) {
            if (strcmp(tp.v[k].name, v->key) || same_value(v, &tp.v[k].value))
                continue;
            knobx_buf why = {0}, text = {0};
            given_text(&text, v);
            describe(&why, sweep_find(sw, v->key));
            fprintf(stderr, "knob enqueue: '%s' cannot be %s: the sweep's '%s' is %s\n", v->key,
                    knobx_buf_cstr(&text), v->key, knobx_buf_cstr(&why));
            knobx_buf_free(&why);
            knobx_buf_free(&text);
            rc = -1;
        }
    }
    if (!rc)
        shown_json(&tp, given, shown);
    params_free(&tp);
    if (t)
        knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
    knob_study_free(s);
    knob_storage_close(st);
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

/* A waiting trial whose fixed params are lib_json (as knob holds them), with the system
 * attribute "enqueued_params" (the given values as the program gets them, which knob
 * trials shows while the trial waits), in one write. A system attribute, not the user's
 * "params" that knob run and knob ask write: a worker of the library or of Python that
 * takes the trial never replaces it, and its user attributes stay the user's. */
static int enqueue_trial(knob_study *s, const char *lib_json, const char *shown_json)
{
    knob_attr sys[2] = {{"fixed_params", lib_json}, {"enqueued_params", shown_json}};
    knob_trial_info info = {.state = KNOB_TRIAL_WAITING,
                            .n_system_attrs = 2,
                            .system_attrs = sys,
                            .start_time = NAN,
                            .end_time = NAN};
    return knob_study_add_trial(s, &info, NULL);
}

/* EXIT_USAGE for values the sweep cannot hold, EXIT_FAIL when the storage fails. */
static int enqueue(study_ref *r, const char *text)
{
    sweep sw;
    bool have;
    knobx_buf lib = {0}, shown = {0};
    knobx_json *given = knobx_json_parse(text, (size_t)-1, NULL, 0);
    int rc = given ? stored_sweep(r, &sw, &have) : -1;
    if (!rc && have) {
        bool grid = sweep_is_grid(&sw);
        given_bools(&sw, given);
        rc = library_json(&sw, grid, given, &lib) || check_active(&sw, given) ||
                     check_fits(&sw, grid, given, knobx_buf_cstr(&lib), &shown)
                 ? EXIT_USAGE
                 : 0;
        const knob_trial_info *const *trials;
        size_t n = 0;
        if (!rc && sw.run_cap && !knob_study_trials(r->s, &trials, &n) &&
            (int64_t)n >= sw.run_cap) {
            fprintf(stderr, "knob enqueue: study '%s' holds %zu trials, its run_cap\n",
                    knob_study_name(r->s), n);
            rc = EXIT_FAIL;
        }
        sweep_free(&sw);
    } else if (!rc) {
        knobx_buf_puts(&lib, text);
        knobx_buf_puts(&shown, text);
    } else {
        rc = EXIT_FAIL;
    }
    if (!rc && (lib.oom || shown.oom)) {
        fprintf(stderr, "knob enqueue: out of memory\n");
        rc = EXIT_FAIL;
    }
    if (!rc && enqueue_trial(r->s, knobx_buf_cstr(&lib), knobx_buf_cstr(&shown))) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        rc = EXIT_FAIL;
    }
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
    if (cli_parse_args(argc, argv, &a, usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY key=value", 2, -1, usage))
        return EXIT_USAGE;
    knobx_buf b = {0};
    if (given_json(&a, &b)) {
        knobx_buf_free(&b);
        return EXIT_USAGE;
    }
    int rc = EXIT_FAIL;
    if (!cli_open_study(cli_storage(&a, NULL), a.pos[0], &r)) {
        rc = enqueue(&r, knobx_buf_cstr(&b));
        cli_close(&r);
    }
    if (!rc)
        printf("enqueued %s in study '%s'\n", knobx_buf_cstr(&b), a.pos[0]);
    knobx_buf_free(&b);
    return rc;
}
