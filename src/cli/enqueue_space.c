/* knob enqueue into a study with no sweep stored (made from Python or C): its space is what
 * its trials have used. Each given param is checked against the distribution of the latest
 * trial that has it, by the library itself (an ask of an enqueued trial in a study of its
 * own, whose sampler refuses to draw: a value the distribution does not hold is not taken
 * from the enqueued ones, and the draw it falls to fails); a number that is not finite is
 * refused for any param; a name no trial has is said as a warning, since a define-by-run
 * space may suggest it later. */
#include "cli/cli.h"
#include "cli/enqueue.h"
#include "cli/params.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sampler of the check: never draws. */
static int no_draw(void *state, knob_study *s, knob_trial *t, const char *name,
                   const knob_distribution *dist, double *internal)
{
    (void)state, (void)s, (void)t, (void)name, (void)dist, (void)internal;
    return KNOB_EINVAL;
}

static const knob_sampler_plugin no_draw_sampler = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "enqueue_check",
    .help = "takes enqueued values only (knob enqueue's check)",
    .sample_independent = no_draw,
};

/* The distribution of param `name` in the latest trial that has it, or NULL. */
static const knob_distribution *known_dist(const knob_trial_info *const *tr, size_t n,
                                           const char *name)
{
    for (size_t i = n; i-- > 0;) {
        const knob_param *p = knob_trial_info_param(tr[i], name);
        if (p)
            return p->dist;
    }
    return NULL;
}

/* The distribution as people read it: "a number in [0, 1]", "one of [a, b]". */
static void describe(knobx_buf *b, const knob_distribution *d, const cli_params_view *v,
                     const char *name)
{
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        knobx_buf_puts(b, "one of [");
        for (size_t k = 0; k < d->n_choices; k++) {
            const char *big = cli_recorded_choice(v, name, d, k);
            knobx_buf_puts(b, k ? ", " : "");
            if (big)
                knobx_buf_puts(b, big);
            else if (d->choices[k].type == KNOB_CHOICE_STRING) /* "1", not the number 1 */
                knobx_json_add_string(b, d->choices[k].str);
            else
                params_value_text(b, &d->choices[k]);
        }
        knobx_buf_puts(b, "]");
        return;
    }
    bool is_int = d->kind == KNOB_DIST_INT;
    knobx_buf_printf(b, "%s in [%.17g, %.17g]", is_int ? "a whole number" : "a number", d->low,
                     d->high);
    if (d->flags & KNOB_LOG)
        knobx_buf_puts(b, ", on a log scale");
    if (d->step > 0 && !(is_int && d->step == 1))
        knobx_buf_printf(b, ", in steps of %.17g from %.17g", d->step, d->low);
}

/* A number or word given for a categorical that has it only as a string (s=1 for the
 * choices ["1", "2"]) is that string, as knob enqueue takes it for a sweep's `values`. */
static void spelt_choice(knobx_json *v, const knob_distribution *d)
{
    knobx_buf text = {0};
    enqueue_given_text(&text, v);
    const char *spelt = NULL;
    bool own = false;
    for (size_t k = 0; k < d->n_choices && !text.oom; k++) {
        const knob_choice *c = &d->choices[k];
        if (c->type == KNOB_CHOICE_STRING && !strcmp(c->str, knobx_buf_cstr(&text)))
            spelt = spelt ? spelt : c->str;
        else if (v->type == KNOBX_JSON_NUMBER)
            own |= c->type == KNOB_CHOICE_NUMBER && c->num == v->num && !v->big;
        else if (v->type == KNOBX_JSON_BOOL)
            own |= c->type == KNOB_CHOICE_BOOL && (c->num != 0) == v->b;
        else
            own |= c->type == KNOB_CHOICE_NULL;
    }
    if (spelt && !own) {
        v->type = KNOBX_JSON_STRING;
        v->str = spelt; /* the trials' choice: it lives as long as they are read */
        v->big = NULL;
    }
    knobx_buf_free(&text);
}

/* A string given for a param of numbers that reads whole as a finite number ("3" from the
 * dashboard's form) is that number, for a categorical too when none of its choices is that
 * string; an integer beyond 2^53 given by its digits for a categorical of numbers is the
 * choice it spells, by the study's record of the choices or exactly as the library holds it.
 * False for such an integer that only rounds to a choice (the library would take it for
 * that choice, its neighbour). A number or word for a choice held only as a string: that
 * string (spelt_choice). */
static bool typed_as_known(knobx_json *v, const knob_distribution *d, const cli_params_view *pv)
{
    char *end;
    if (v->type != KNOBX_JSON_STRING && d->kind == KNOB_DIST_CATEGORICAL &&
        (v->type == KNOBX_JSON_NUMBER || v->type == KNOBX_JSON_BOOL || v->type == KNOBX_JSON_NULL))
        spelt_choice(v, d);
    if (v->type != KNOBX_JSON_STRING || !*v->str)
        return true;
    double x = strtod(v->str, &end);
    if (*end || !isfinite(x) || strlen(v->str) > KNOBX_JSON_NUMBER_MAX)
        return true;
    bool big = knobx_big_int_text(v->str, strlen(v->str));
    if (d->kind == KNOB_DIST_CATEGORICAL) {
        bool is_choice = false, rounds = false, as_string = false;
        for (size_t k = 0; k < d->n_choices; k++)
            as_string |=
                d->choices[k].type == KNOB_CHOICE_STRING && !strcmp(d->choices[k].str, v->str);
        if (as_string)
            return true; /* the string choice it is */
        bool syntax = knobx_json_number_syntax(v->str);
        for (size_t k = 0; k < d->n_choices && !is_choice; k++) {
            const char *rec = big ? cli_recorded_choice(pv, v->key, d, k) : NULL;
            bool number = d->choices[k].type == KNOB_CHOICE_NUMBER;
            if (big)
                is_choice = number && (rec ? !strcmp(rec, v->str)
                                           : knobx_big_int_is(v->str, d->choices[k].num));
            else
                is_choice = number && syntax && d->choices[k].num == x;
            rounds |= number && d->choices[k].num == x;
        }
        if (!is_choice) /* another string, or a number it is not: the check says so */
            return !(big && rounds);
    } else if (big || !knobx_json_number_syntax(v->str)) {
        return true; /* beyond any range of the library's; 0x10 is no number of JSON's */
    }
    v->type = KNOBX_JSON_NUMBER;
    v->num = x;
    v->big = big ? v->str : NULL;
    v->str = NULL;
    return true;
}

/* Whether v is a number that is not finite, as given (inf, -inf, nan, 1e400: knob enqueue
 * passes them as text, a string choice of a known param is taken by its distribution). */
static bool not_finite(const knobx_json *v)
{
    char *end;
    if (v->type == KNOBX_JSON_NUMBER)
        return !isfinite(v->num);
    return v->type == KNOBX_JSON_STRING && *v->str && !isfinite(strtod(v->str, &end)) && !*end;
}

/* Says why the value v given for a param of distribution d is refused. */
static void refuse(knobx_buf *err, const char *study, const knobx_json *v,
                   const knob_distribution *d, const cli_params_view *pv)
{
    knobx_buf text = {0}, why = {0};
    enqueue_given_text(&text, v);
    describe(&why, d, pv, v->key);
    knobx_buf_printf(err,
                     "'%s' cannot be %s: in the trials of study '%s' (which has no sweep "
                     "stored), '%s' is %s\n",
                     v->key, text.len ? knobx_buf_cstr(&text) : "empty", study, v->key,
                     knobx_buf_cstr(&why));
    knobx_buf_free(&text);
    knobx_buf_free(&why);
}

/* Whether the library takes the enqueued values lib_json for each given param that has a
 * distribution in dists: a refusal per param it does not, into err. -1 when the check could
 * not run (said). */
static int library_takes(const char *study, const knobx_json *given,
                         const knob_distribution *const *dists, const char *lib_json,
                         const cli_params_view *pv, knobx_buf *err, bool *refused)
{
    enqueue_scratch x;
    int rc = enqueue_scratch_open(&x, study, &no_draw_sampler, lib_json, err);
    for (size_t i = 0; !rc && i < given->n; i++) {
        const knobx_json *v = given->kids[i];
        double got;
        if (!dists[i] || !knob_trial_suggest(x.t, v->key, dists[i], &got))
            continue;
        refuse(err, study, v, dists[i], pv);
        *refused = true;
    }
    enqueue_scratch_close(&x);
    return rc;
}

/* The names of the params the study's trials have, latest first, into b (at most 20). */
static void known_names(knobx_buf *b, const knob_trial_info *const *tr, size_t n)
{
    const char *names[20];
    size_t m = 0, more = 0;
    for (size_t i = n; i-- > 0;) {
        for (size_t k = 0; k < tr[i]->n_params; k++) {
            const char *name = tr[i]->params[k].name;
            size_t j = 0;
            while (j < m && strcmp(names[j], name))
                j++;
            if (j < m)
                continue;
            if (m < sizeof names / sizeof *names)
                names[m++] = name;
            else
                more++;
        }
    }
    for (size_t j = 0; j < m; j++)
        knobx_buf_printf(b, "%s'%s'", j ? ", " : "", names[j]);
    if (more)
        knobx_buf_printf(b, " and %zu more", more);
}

cli_enqueue_status cli_enqueue_unswept(knob_study *s, knobx_json *given, knobx_buf *lib,
                                       knobx_buf *err)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    const char *study = knob_study_name(s);
    if (knob_study_trials(s, &tr, &n)) {
        knobx_buf_printf(err, "%s\n", knob_errmsg());
        return CLI_ENQUEUE_FAILED;
    }
    cli_params_view pv;
    cli_params_view_read(s, &pv);
    const knob_distribution **dists = calloc(given->n + 1, sizeof *dists);
    knobx_buf unknown = {0};
    bool refused = false, any = false;
    for (size_t i = 0; dists && i < given->n; i++) {
        knobx_json *v = given->kids[i];
        dists[i] = known_dist(tr, n, v->key);
        any |= dists[i] != NULL;
        if (!dists[i] && not_finite(v)) { /* a known param's: its distribution says */
            knobx_buf text = {0};
            enqueue_given_text(&text, v);
            knobx_buf_printf(err,
                             "'%s' cannot be %s: a number that is not finite is no param's "
                             "value (and no trial of study '%s' has '%s' as a string choice)\n",
                             v->key, knobx_buf_cstr(&text), study, v->key);
            knobx_buf_free(&text);
            refused = true;
            continue;
        }
        if (dists[i] && !typed_as_known(v, dists[i], &pv)) {
            refuse(err, study, v, dists[i], &pv);
            refused = true;
        } else if (!dists[i])
            knobx_buf_printf(&unknown, "%s'%s'", unknown.len ? ", " : "", v->key);
    }
    cli_enqueue_status rc = CLI_ENQUEUE_OK;
    if (!dists) {
        knobx_buf_puts(err, "out of memory\n");
        rc = CLI_ENQUEUE_FAILED;
    } else if (refused) {
        rc = CLI_ENQUEUE_REFUSED;
    } else {
        knobx_json_add_node(lib, given); /* a number as it reads back (2, not the 2.0 given) */
        if (lib->oom) {
            knobx_buf_puts(err, "out of memory\n");
            rc = CLI_ENQUEUE_FAILED;
        } else if (any &&
                   library_takes(study, given, dists, knobx_buf_cstr(lib), &pv, err, &refused)) {
            rc = CLI_ENQUEUE_FAILED;
        } else if (refused) {
            rc = CLI_ENQUEUE_REFUSED;
        }
    }
    if (!rc && unknown.len) {
        knobx_buf names = {0};
        known_names(&names, tr, n);
        if (names.len)
            fprintf(stderr,
                    "knob enqueue: warning: study '%s' has no sweep stored, and no trial of it "
                    "has %s (its trials' params: %s): enqueued as given, unchecked; a trial "
                    "that does not suggest it does not take it\n",
                    study, knobx_buf_cstr(&unknown), knobx_buf_cstr(&names));
        else
            fprintf(stderr,
                    "knob enqueue: warning: study '%s' has no sweep stored and no trial with "
                    "params yet: the values are enqueued as given, unchecked (a number that is "
                    "not finite is refused)\n",
                    study);
        knobx_buf_free(&names);
    }
    knobx_buf_free(&unknown);
    free(dists);
    cli_params_view_free(&pv);
    return rc;
}
