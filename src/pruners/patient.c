/* Waits for `patience` steps without improvement by more than min_delta, then asks the
 * wrapped pruner (or stops the trial when none is given). */
#include "pruners/common.h"
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct patient {
    int64_t patience, objective;
    double min_delta;
    char *wrapped, *wrapped_options;
    knob_pruner *inner;
    /* The wrapped pruner judges the objective patient reads: when it declares `objective`,
     * patient gives it its own (inner_objective, the one last given); an objective written
     * in wrapped_options (wrapped_explicit, -1: none) must be that one. */
    bool inner_reads_objective;
    int64_t inner_objective, wrapped_explicit;
} patient;

/* The wrapped pruner's own message, said to be the wrapped one's: it names only itself
 * ("pruner 'median': unknown option ..."), which is not the pruner the user gave. */
static int wrapped_error(const patient *p, int rc)
{
    char inner[1024];
    snprintf(inner, sizeof inner, "%s", knob_errmsg());
    return knob_set_error(rc, "pruner 'patient': wrapped=%s: %s", p->wrapped, inner);
}

/* Whether the registered pruner `name` declares the option `objective` (*found). */
static int declares_objective(const char *name, bool *found)
{
    size_t n = knob_pruner_list(NULL, 0);
    const knob_pruner_plugin **listed = malloc((n ? n : 1) * sizeof *listed);
    *found = false;
    if (!listed)
        return knob_set_error(KNOB_ENOMEM, "pruner 'patient': out of memory");
    size_t m = knob_pruner_list(listed, n); /* more when one was registered since */
    n = m < n ? m : n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(listed[i]->name, name) != 0)
            continue;
        for (const knob_option *o = listed[i]->options; o && o->name && !*found; o++)
            *found = strcmp(o->name, "objective") == 0;
        break;
    }
    free(listed);
    return KNOB_OK;
}

/* Gives the wrapped pruner patient's objective (again, when patient's was set since), or
 * refuses one that wrapped_options sets to another: the wrapped pruner would otherwise
 * judge the values of one objective by the direction of another. */
static int sync_objective(patient *p)
{
    if (!p->inner || !p->inner_reads_objective)
        return KNOB_OK;
    if (p->wrapped_explicit >= 0 && p->wrapped_explicit != p->objective)
        return knob_set_error(
            KNOB_EINVAL,
            "pruner 'patient': its objective is %" PRId64
            " and wrapped_options gives the wrapped pruner '%s' objective=%" PRId64
            ": the wrapped pruner judges the objective patient reads, so "
            "give objective to patient alone",
            p->objective, p->wrapped, p->wrapped_explicit);
    if (p->inner_objective == p->objective)
        return KNOB_OK;
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, p->objective);
    int rc = knob_pruner_set_option(p->inner, "objective", text);
    if (rc)
        return wrapped_error(p, rc);
    p->inner_objective = p->objective;
    return KNOB_OK;
}

static int init(void *state)
{
    patient *p = state;
    char *opts = p->wrapped_options;
    size_t n = opts ? strlen(opts) : 0;
    if (!p->wrapped || !p->wrapped[0] || strcmp(p->wrapped, "none") == 0) {
        if (n)
            return knob_set_error(KNOB_EINVAL,
                                  "pruner 'patient': option wrapped_options=%.200s%s "
                                  "is for a wrapped pruner, and wrapped is none",
                                  opts, n > 200 ? "..." : "");
        return KNOB_OK;
    }
    if (strcmp(p->wrapped, "patient") == 0)
        return knob_set_error(KNOB_EINVAL, "pruner 'patient' cannot wrap itself");
    /* wrapped_options may be bracketed so its commas survive the outer option string:
     * wrapped_options=[n_startup_trials=5,n_warmup_steps=2] */
    if (n && (opts[0] == '{' || (opts[0] == '[') != (opts[n - 1] == ']')))
        return knob_set_error(KNOB_EINVAL,
                              "pruner 'patient': option wrapped_options takes the "
                              "options of the wrapped pruner in brackets, [k=v,k=v]; got "
                              "%.200s%s (%s)",
                              opts, n > 200 ? "..." : "",
                              opts[0] == '{'   ? "a mapping"
                              : opts[0] == '[' ? "a '[' that is not closed"
                                               : "a ']' that is not opened");
    if (n >= 2 && opts[0] == '[' && opts[n - 1] == ']') {
        memmove(opts, opts + 1, n - 2);
        opts[n - 2] = 0;
    }
    int rc = knob_pruner_create(p->wrapped, opts, &p->inner);
    if (rc)
        return wrapped_error(p, rc);
    p->wrapped_explicit = -1;
    p->inner_objective = -1; /* its default, whatever it is, is given patient's below */
    char *given = NULL;
    rc = declares_objective(p->wrapped, &p->inner_reads_objective);
    if (!rc && p->inner_reads_objective)
        rc = knob__option_text(opts, "pruner", "objective", &given);
    if (!rc && given) {
        /* the wrapped pruner took it, so it is a whole number in its range */
        p->wrapped_explicit = p->inner_objective = strtoll(given, NULL, 10);
    }
    free(given);
    if (rc || (rc = sync_objective(p))) {
        knob_pruner_free(p->inner); /* a failed init has no fini */
        p->inner = NULL;
    }
    return rc;
}

static void fini(void *state)
{
    patient *p = state;
    knob_pruner_free(p->inner);
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    patient *p = state;
    knob_direction dir;
    const knob_step_value *v;
    *out = false;
    int rc = knob__prune_direction(s, p->objective, "patient", &dir);
    size_t n = knob_trial_intermediate(t, &v);
    if (rc || n <= (size_t)p->patience + 1)
        return rc;
    size_t split = n - (size_t)p->patience - 1;
    double before = knob__best_of(v, split, dir), after = knob__best_of(v + split, n - split, dir);
    bool stalled = dir == KNOB_MAXIMIZE ? before - p->min_delta > after
                                        : before + p->min_delta < after;
    if (!stalled)
        return KNOB_OK;
    if (!p->inner) {
        *out = true;
        return KNOB_OK;
    }
    /* patient's objective may have been set after it was made (knob_pruner_set_option) */
    if ((rc = sync_objective(p)))
        return rc;
    rc = knob_pruner_prune(p->inner, s, t, out);
    return rc ? wrapped_error(p, rc) : KNOB_OK;
}

static const knob_option options[] = {
    {"patience", KNOB_OPT_INT, offsetof(patient, patience), "5", 0, 1e9,
     "steps without improvement to tolerate", NULL},
    {"min_delta", KNOB_OPT_DOUBLE, offsetof(patient, min_delta), "0", 0, 1e300,
     "an improvement smaller than this does not count", NULL},
    {"wrapped", KNOB_OPT_STRING, offsetof(patient, wrapped), "none", 0, 0,
     "pruner asked once patience runs out (none: stop the trial)", NULL},
    {"wrapped_options", KNOB_OPT_STRING, offsetof(patient, wrapped_options), "", 0, 0,
     "options of the wrapped pruner, in brackets: [k=v,k=v]", NULL},
    {"objective", KNOB_OPT_INT, offsetof(patient, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_patient = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "patient",
    .help = "Tolerates `patience` steps without improvement, then defers to the wrapped pruner.",
    .state_size = sizeof(patient),
    .options = options,
    .init = init,
    .fini = fini,
    .prune = prune,
};
