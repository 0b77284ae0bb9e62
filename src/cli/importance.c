/* knob importance: how much each param matters, as bars or JSON. */
#include "cli/cli.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_WIDTH 40

static const char *usage =
    "knob importance STUDY [PARAM...] [--storage URL] [--method fanova|ped-anova]\n"
    "                      [--objective N|NAME|pareto] [--raw] [--json]\n"
    "  How much each param matters to the objective, over the study's complete trials:\n"
    "  fanova (default; a random forest's functional ANOVA, as Optuna's\n"
    "  FanovaImportanceEvaluator) or ped-anova (what sets the best 10% of the trials apart,\n"
    "  as Optuna's PedAnovaImportanceEvaluator). Shares sum to 1; --raw: the method's own\n"
    "  numbers, not divided by their sum (Optuna's normalize=False; bars scaled to the\n"
    "  largest). PARAMs restrict the evaluation to those params. --objective N: the\n"
    "  objective (0, the first, by default), or NAME, as the sweep's objectives or\n"
    "  set_metric_names name it; --objective pareto (ped-anova): reaching the Pareto front\n"
    "  of a study of several.";

/* obj: the objective's number, or "pareto"; name: its name, or NULL. */
static void print_bars(const char *study, const char *method, const char *obj, const char *name,
                       bool raw, const knob_importance *imp, size_t n)
{
    int w = 4;
    double top = 0; /* raw numbers: the bars are scaled to the largest */
    for (size_t i = 0; i < n; i++) {
        if (cli_name_shown(imp[i].name) > w)
            w = cli_name_shown(imp[i].name);
        top = imp[i].share > top ? imp[i].share : top;
    }
    printf("importance in study '%s' (%s, objective %s%s%s%s%s)\n", study, method, obj,
           name ? " '" : "", name ? name : "", name ? "'" : "", raw ? ", raw" : "");
    for (size_t i = 0; i < n; i++) {
        double scale = raw ? (top > 0 ? 1 / top : 0) : 1;
        int len = (int)(imp[i].share * scale * BAR_WIDTH + 0.5);
        knobx_buf cell = {0};
        cli_name_cell(&cell, imp[i].name, w);
        if (raw)
            printf("  %s %10.4g  ", knobx_buf_cstr(&cell), imp[i].share);
        else
            printf("  %s %6.3f  ", knobx_buf_cstr(&cell), imp[i].share);
        knobx_buf_free(&cell);
        for (int k = 0; k < len; k++)
            fputs("#", stdout);
        putchar('\n');
    }
    if (n == 0)
        printf("  (no params)\n");
}

static void print_json(const char *study, const char *method, const char *obj, const char *name,
                       bool raw, const knob_importance *imp, size_t n)
{
    knobx_buf b = {0};
    knobx_buf_puts(&b, "{\"study\": ");
    knobx_json_add_string(&b, study);
    knobx_buf_puts(&b, ", \"method\": ");
    knobx_json_add_string(&b, method);
    knobx_buf_puts(&b, ", \"objective\": "); /* a number, or "pareto" */
    if (!strcmp(obj, "pareto"))
        knobx_json_add_string(&b, obj);
    else
        knobx_buf_puts(&b, obj);
    if (name) { /* beside the number, which stays */
        knobx_buf_puts(&b, ", \"objective_name\": ");
        knobx_json_add_string(&b, name);
    }
    if (raw)
        knobx_buf_puts(&b, ", \"raw\": true");
    knobx_buf_puts(&b, ", \"importance\": {");
    for (size_t i = 0; i < n; i++) {
        if (i)
            knobx_buf_puts(&b, ", ");
        knobx_json_add_string(&b, imp[i].name);
        knobx_buf_puts(&b, ": ");
        knobx_json_add_number(&b, imp[i].share);
    }
    knobx_buf_puts(&b, "}}");
    puts(knobx_buf_cstr(&b));
    knobx_buf_free(&b);
}

/* Whether trial t counts for the evaluation: complete, with a finite value of the objective
 * (of every one for the Pareto fronts), as the library takes them (knob_study_importance_v2's
 * filter in src/importance.c: the two change together). */
static bool usable(const knob_trial_info *t, size_t n_obj, bool pareto, size_t obj)
{
    if (t->state != KNOB_TRIAL_COMPLETE || t->n_values < n_obj)
        return false;
    for (size_t k = pareto ? 0 : obj; k < (pareto ? n_obj : obj + 1); k++)
        if (!isfinite(t->values[k]))
            return false;
    return true;
}

static bool listed(const knob_importance *imp, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(imp[i].name, name))
            return true;
    return false;
}

int cli_importance_gaps_read(knob_study *s, bool pareto, size_t obj, bool left_out,
                             const knob_importance *imp, size_t n, cli_importance_gaps *g)
{
    *g = (cli_importance_gaps){0};
    const knob_trial_info *const *trials;
    size_t n_trials = 0, cap = 0;
    if (knob_study_trials(s, &trials, &n_trials) != KNOB_OK)
        return -1;
    size_t n_obj = knob_study_n_objectives(s);
    /* One pass over the trials: a table of the names left out (few), not a scan of the
     * trials for each. */
    for (size_t t = 0; t < n_trials; t++) {
        g->complete += trials[t]->state == KNOB_TRIAL_COMPLETE;
        if (!usable(trials[t], n_obj, pareto, obj))
            continue;
        g->used++;
        for (size_t p = 0; left_out && p < trials[t]->n_params; p++) {
            const knob_param *q = &trials[t]->params[p];
            size_t k = 0;
            while (k < g->n_left && strcmp(g->left[k].name, q->name))
                k++;
            if (k == g->n_left) {
                if (listed(imp, n, q->name))
                    continue;
                if (g->n_left == cap) {
                    cli_left_out *more = realloc(g->left, (cap ? 2 * cap : 8) * sizeof *more);
                    if (!more) /* the names found so far are said */
                        return knob_set_error(KNOB_ENOMEM, "the params left out: out of memory"),
                               -1;
                    g->left = more;
                    cap = cap ? 2 * cap : 8;
                }
                g->left[g->n_left++] = (cli_left_out){q->name, 0, 0};
            }
            g->left[k].held++;
            g->left[k].cat += q->dist->kind == KNOB_DIST_CATEGORICAL;
        }
    }
    return 0;
}

void cli_importance_gaps_free(cli_importance_gaps *g)
{
    free(g->left);
    *g = (cli_importance_gaps){0};
}

void cli_importance_what(char *what, size_t size, bool pareto, size_t obj, const char *obj_name)
{
    if (pareto)
        snprintf(what, size, "every objective");
    else if (obj_name)
        snprintf(what, size, "objective %zu '%.256s'", obj, obj_name);
    else
        snprintf(what, size, "objective %zu", obj);
}

void cli_left_out_why(knobx_buf *b, const cli_left_out *l, size_t used, const char *what,
                      const char *study)
{
    if (l->cat > 0 && l->cat < l->held) {
        knobx_buf_printf(b,
                         "it is a number in %zu trials and a categorical in %zu, and fanova "
                         "cannot evaluate it as one",
                         l->held - l->cat, l->cat);
        return;
    }
    knobx_buf_printf(b, "it is in %zu of the %zu complete trials with a value of %s", l->held, used,
                     what);
    if (study)
        knobx_buf_printf(b, " of study '%s'", study);
    knobx_buf_puts(b, ", and fanova evaluates the params every one of them holds");
}

/* Says each param the evaluation left out, and why. */
static void say_left_out(const char *study, const cli_importance_gaps *g, const char *what)
{
    for (size_t k = 0; k < g->n_left; k++) {
        const cli_left_out *l = &g->left[k];
        knobx_buf why = {0};
        cli_left_out_why(&why, l, g->used, what, study);
        fprintf(stderr, "knob importance: warning: param '%s' left out: %s %s\n", l->name,
                why.oom ? "(out of memory)" : knobx_buf_cstr(&why),
                l->cat > 0 && l->cat < l->held
                    ? "(--method ped-anova judges each apart)"
                    : "(name the params to compare, it among them, to evaluate the trials "
                      "that hold them all; or --method ped-anova)");
        knobx_buf_free(&why);
    }
}

/* Says what makes the shares tell nothing (no param, or every share 0), and the params left
 * out: they would otherwise read as a measurement (0.000 each, or no line at all), or a param
 * would be missing without a word. */
static void say_gaps(knob_study *s, const char *study, bool pareto, size_t obj,
                     const char *obj_name, bool named, const knob_importance *imp, size_t n)
{
    cli_importance_gaps g;
    int rc = cli_importance_gaps_read(s, pareto, obj, !named, imp, n, &g);
    size_t complete = g.complete, n_use = g.used, left = g.n_left;
    char what[320]; /* the values the evaluation reads */
    cli_importance_what(what, sizeof what, pareto, obj, obj_name);
    say_left_out(study, &g, what); /* out of memory: the names found so far */
    cli_importance_gaps_free(&g);
    if (rc)
        return;
    double top = 0;
    for (size_t i = 0; i < n; i++)
        top = imp[i].share > top ? imp[i].share : top;
    if (n == 0 && left > 0)
        fprintf(stderr, "knob importance: warning: no param to measure: each was left out\n");
    else if (n == 0 && n_use == complete)
        fprintf(stderr,
                "knob importance: warning: no param to measure (study '%s' has %zu complete "
                "trials; a param's importance needs complete trials that hold it)\n",
                study, complete);
    else if (n == 0)
        fprintf(stderr,
                "knob importance: warning: no param to measure (study '%s' has %zu complete "
                "trials, %zu with a finite value of %s; a param's importance needs such trials "
                "that hold it)\n",
                study, complete, n_use, what);
    else if (top <= 0)
        fprintf(stderr,
                "knob importance: warning: every share is 0: the objective %s across the %zu "
                "complete trials%s, so no param explains it\n",
                n_use < 2 ? "cannot vary" : "did not vary", n_use,
                n_use < complete ? " with a finite value" : "");
}

/* --objective NAME: the index of the objective of that name (names: the study's, NULL when it
 * names none). Says why not and returns -1 when there is none. */
static int objective_index(knob_study *s, char *const *names, const char *name, int64_t *out)
{
    for (size_t k = 0; names && names[k]; k++)
        if (!strcmp(names[k], name)) {
            *out = (int64_t)k;
            return 0;
        }
    if (!names) {
        fprintf(stderr,
                "knob: --objective '%s': study '%s' does not name its objectives (no sweep "
                "stored with it names them, nor set_metric_names): give the objective's number "
                "(0 to %zu) or 'pareto'\n",
                name, knob_study_name(s), knob_study_n_objectives(s) - 1);
        return -1;
    }
    knobx_buf b = {0};
    for (size_t k = 0; names[k]; k++)
        knobx_buf_printf(&b, "%s%zu %s", k ? ", " : "", k, names[k]);
    fprintf(stderr,
            "knob: --objective '%s': study '%s' has no objective of that name (its objectives: "
            "%s); give one of them, its number or 'pareto'\n",
            name, knob_study_name(s), b.oom ? "?" : knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return -1;
}

int cmd_importance(int argc, char **argv)
{
    const char *storage = NULL, *method = "fanova", *objective_text = "0";
    const char *pos[64];
    int n_pos = 0;
    bool json = false, raw = false, options = true;
    for (int i = 0; i < argc; i++) {
        if (options && !strcmp(argv[i], "--")) { /* after it, a study named "-x" is a name */
            options = false;
            continue;
        }
        if (options) {
            if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
                printf("usage: %s\n", usage);
                return 0;
            }
            if (cli_opt(argc, argv, &i, "--storage", &storage) ||
                cli_opt(argc, argv, &i, "--method", &method) ||
                cli_opt(argc, argv, &i, "--objective", &objective_text))
                continue;
            if (!strcmp(argv[i], "--json")) {
                json = true;
                continue;
            }
            if (!strcmp(argv[i], "--raw")) {
                raw = true;
                continue;
            }
            if (argv[i][0] == '-') {
                fprintf(stderr,
                        "knob: unknown option '%s' (an argument of that name goes after "
                        "'--')\nusage: %s\n",
                        argv[i], usage);
                return EXIT_USAGE;
            }
        }
        if (n_pos == 64) {
            fprintf(stderr, "knob: too many arguments at '%s'\nusage: %s\n", argv[i], usage);
            return EXIT_USAGE;
        }
        pos[n_pos++] = argv[i];
    }
    int64_t obj = 0;
    bool pareto = !strcmp(objective_text, "pareto");
    /* not a number: a name, looked up once the study is open */
    bool by_name = !pareto && cli_int(objective_text, &obj);
    if (n_pos < 1 || (!pareto && !by_name && obj < 0)) {
        if (n_pos >= 1)
            fprintf(stderr,
                    "knob: --objective wants a whole number >= 0, an objective's name or "
                    "'pareto', got '%s'\n",
                    objective_text);
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    if (!method[0]) /* the library's default, named as such in the output */
        method = "fanova";
    study_ref r;
    if (cli_open_study(storage ? storage : KNOB_DEFAULT_STORAGE, pos[0], &r))
        return EXIT_FAIL;
    /* a study of knob ask over a grid without a metric: its trials have no value */
    if (knob_study_n_objectives(r.s) == 0) {
        fprintf(stderr,
                "knob: study '%s' has no metric, so no objective values for a param to explain "
                "(see knob trials)\n",
                knob_study_name(r.s));
        cli_close(&r);
        return EXIT_FAIL;
    }
    char **names = cli_objective_names(r.s);
    if (by_name && objective_index(r.s, names, objective_text, &obj)) {
        cli_objective_names_free(names);
        cli_close(&r);
        return EXIT_USAGE;
    }
    const char *obj_name =
        !pareto && names && (size_t)obj < knob_study_n_objectives(r.s) ? names[obj] : NULL;
    knob_importance *imp = NULL;
    size_t n = 0;
    size_t which = pareto ? KNOB_IMPORTANCE_PARETO : (size_t)obj;
    int rc = knob_study_importance_v2(r.s, method, which, pos + 1, (size_t)(n_pos - 1),
                                      raw ? KNOB_IMPORTANCE_RAW : 0, &imp, &n);
    if (rc != KNOB_OK) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        cli_objective_names_free(names);
        cli_close(&r);
        return rc == KNOB_EINVAL ? EXIT_USAGE : EXIT_FAIL;
    }
    say_gaps(r.s, pos[0], pareto, (size_t)obj, obj_name, n_pos > 1, imp, n);
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)obj);
    if (json)
        print_json(pos[0], method, pareto ? "pareto" : text, obj_name, raw, imp, n);
    else
        print_bars(pos[0], method, pareto ? "pareto" : text, obj_name, raw, imp, n);
    knob_importance_free(imp);
    cli_objective_names_free(names);
    cli_close(&r);
    return 0;
}
