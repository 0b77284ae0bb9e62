/* Opening studies from sweep files, durations, option parsing. */
#include "cli/cli.h"
#include "cli/params.h"
#include "cli/pbt.h"
#include "util/json.h"
#include "util/num.h"
#include "util/url.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != 0)
        return false;
    /* "--" ends the options: it is no option's value (`--format=--` gives that) */
    if (*i + 1 >= argc || !strcmp(argv[*i + 1], "--")) {
        fprintf(stderr, "knob: option %s needs a value%s\n", name,
                *i + 1 < argc ? " (the '--' after it ends the options)" : "");
        exit(EXIT_USAGE);
    }
    *value = argv[++*i];
    return true;
}

int cli_seed(const char *cmd, const char *text, uint64_t *out)
{
    int bad = knobx_parse_seed(text, out);
    if (bad == KNOBX_SEED_OUT_OF_RANGE)
        fprintf(stderr,
                "%s: --seed %s is out of range: a seed is an integer from " KNOBX_SEED_RANGE
                " (a negative one is taken modulo 2^64)\n",
                cmd, text);
    else if (bad)
        fprintf(stderr, "%s: --seed must be an integer, got '%s'\n", cmd, text);
    return bad ? -1 : 0;
}

int cli_int(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno)
        return -1;
    *out = v;
    return 0;
}

bool cli_hv_affordable(size_t m, size_t n_front)
{
    /* the largest fronts whose points lie on a plane (none dominating another) whose
     * hypervolume history, the costlier of the two, takes about a second, 4 to 10
     * objectives */
    static const size_t most[] = {1500, 800, 400, 250, 150, 100, 70};
    if (m <= 3)
        return true;
    return n_front <= (m - 4 < sizeof most / sizeof *most ? most[m - 4] : 40);
}

double cli_duration(const char *text, char *hint, size_t size, double *as_before)
{
    /* each unit, and the one below it: what a bare number after the unit likely meant */
    static const struct {
        const char *name;
        double seconds;
        const char *below;
    } units[] = {
        {"ms", 0.001, ""}, {"s", 1, "ms"}, {"m", 60, "s"}, {"h", 3600, "m"}, {"d", 86400, "h"}};
    double total = 0;
    const char *s = text, *last = NULL; /* the last unit read */
    if (hint && size)
        *hint = 0;
    if (!*s)
        return -1;
    while (*s) {
        /* decimal digits only: strtod also reads "nan", "inf", "infinity", hex and signs */
        size_t n = strspn(s, "0123456789.");
        if (!n || strspn(s, ".") == n)
            return -1;
        if ((s[n] == 'e' || s[n] == 'E') &&
            isdigit((unsigned char)s[n + 1 + (s[n + 1] == '-' || s[n + 1] == '+')]))
            n += 1 + strspn(s + n + 1, "+-0123456789");
        char *end;
        double v = strtod(s, &end);
        if (end != s + n || !isfinite(v))
            return -1;
        s = end;
        /* "1h30": most likely 1 h 30 min, not 1 h 0 min 30 s (Go's ParseDuration refuses
         * it); a number alone is seconds */
        if (!*s && last) {
            if (hint && size && *last)
                snprintf(hint, size, "%s%s", text, last);
            if (as_before)
                *as_before = isfinite(total + v) ? total + v : -1;
            return -2;
        }
        double unit = 1;
        size_t i = sizeof units / sizeof *units;
        if (*s) {
            for (i = 0; i < sizeof units / sizeof *units; i++)
                if (!strncmp(s, units[i].name, strlen(units[i].name)))
                    break;
            if (i == sizeof units / sizeof *units)
                return -1;
            unit = units[i].seconds;
            last = units[i].below;
            s += strlen(units[i].name);
        }
        total += v * unit;
    }
    return isfinite(total) ? total : -1;
}

char *cli_default_study(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = strdup(base);
    char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && dot != name)
        *dot = 0;
    return name;
}

static int fail(const char *what)
{
    fprintf(stderr, "knob: %s: %s\n", what, knob_errmsg());
    return -1;
}

/* Whether the sampler `name` is given the key cost as its option cost (which its cost_budget
 * needs when it is made). */
static bool takes_cost(const sweep *sw, const char *name)
{
    return sw->cost && sweep_sampler_has_option(name, "cost");
}

/* The sampler of the key `sampler` with its options, and the key cost's as its option cost
 * when it takes one. Beside the key warm_start, its warm_start_* options are left out: they
 * act only with the key's study, which add_warm_start gives it with them (a source that
 * teaches nothing starts cold, as without them). */
static int create_named(const sweep *sw, knob_sampler **out)
{
    if (!takes_cost(sw, sw->sampler.name) && !sw->warm_study)
        return sweep_make_sampler(&sw->sampler, out);
    const char **keys, **values;
    size_t m;
    int rc = sweep_option_pairs(
        &sw->sampler, 0, sw->sampler.n, sw->warm_study ? "warm_start_" : NULL,
        takes_cost(sw, sw->sampler.name) ? sw->cost : NULL, 0, &keys, &values, &m);
    if (!rc)
        rc = knob_sampler_create_pairs(sw->sampler.name, keys, values, m, out);
    free(keys);
    free(values);
    return rc;
}

/* The sampler a sweep names: its `sampler` key, else its method (grid, random, nsga2 and
 * nsga3 are the samplers of those names, with their default options, but grid's order).
 * bayes is knob's default sampler, `auto` (as knob.create_study() picks it): a Gaussian
 * process (gp) while the study has one objective, a fixed space and no pruned trial, TPE
 * otherwise. With several objectives (MOTPE) or early termination (TPE models pruned
 * trials by their last value, and each Hyperband bracket on its own: BOHB) it is TPE from
 * the start. Random search, with a warning, when neither is built in. */
static int create_sampler(const sweep *sw, knob_sampler **out)
{
    if (sw->sampler.name)
        return create_named(sw, out) ? fail("sampler") : 0;
    /* W&B's grid runs its points in the product's order (params sorted by name, the last
     * varying fastest): a capped or stopped sweep has run the same first points there */
    if (!strcmp(sw->method, "grid"))
        return knob_sampler_create("grid", "order=product", out) ? fail("sampler") : 0;
    if (!strcmp(sw->method, "random") || !strcmp(sw->method, "nsga2") ||
        !strcmp(sw->method, "nsga3"))
        return knob_sampler_create(sw->method, NULL, out) ? fail("sampler") : 0;
    if (!strcmp(sw->method, "pbt")) /* the first population; PBT explores from there */
        return knob_sampler_create("random", NULL, out) ? fail("sampler") : 0;
    bool gp = sw->n_objectives <= 1 && !sw->early_type && !sw->pruner.name;
    if (gp && knob_sampler_create("auto", NULL, out) == KNOB_OK)
        return 0;
    /* as auto's own tpe: trials running at once (--parallel, workers) count as bad ones, so
     * they differ (plain tpe asked the running trials' configurations again) */
    if (knob_sampler_create("tpe", "constant_liar=true", out) == KNOB_OK)
        return 0;
    if (sw->method_given)
        fprintf(stderr, "knob: warning: method bayes: no model-based sampler is built in; "
                        "using random search\n");
    return knob_sampler_create("random", NULL, out) ? fail("sampler") : 0;
}

static int set_seed(knob_sampler *s, uint64_t seed)
{
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    return knob_sampler_set_option(s, "seed", text) ? fail("seed") : 0;
}

/* A grid sampler's search_space: every searched param's points (constants are not
 * searched), in the sweep's order (sorted, as W&B's, in product order); for a conditional
 * sweep, the products of its valid points (sweep_grid_space). */
static int add_grid(const sweep *sw, knob_sampler *s)
{
    char *json;
    double points;
    if (sweep_grid_space(sw, &json, &points))
        return -1;
    int rc = knob_sampler_set_option(s, "search_space", json);
    free(json);
    return rc ? fail("grid") : 0;
}

/* Whether the warm start's study `src` in `url` is study `name` of `storage` itself: the
 * same storage by the library's own test (knobx_same_storage: one SQLite file, however its
 * path is spelt; one PostgreSQL URL, however its scheme is), or, for URLs spelt otherwise (a
 * PostgreSQL server reached as localhost and as 127.0.0.1), the same data by the library's
 * look (knob_study_open_related compares the storages' identities). */
static bool is_itself(const char *storage, const char *name, const char *src, const char *url)
{
    if (!name || strcmp(name, src) != 0)
        return false;
    if (knobx_same_storage(url, storage))
        return true;
    if (strncmp(url, "postgres", 8) != 0 || strncmp(storage, "postgres", 8) != 0)
        return false;
    knob_storage *st = NULL;
    knob_study *me = NULL, *rel = NULL;
    bool itself = false;
    if (!knob_storage_open(storage, &st) && !knob_study_load(st, name, NULL, &me)) {
        int rc = knob_study_open_related(me, src, url, &rel);
        itself = rc == KNOB_EINVAL && strstr(knob_errmsg(), "this study itself") != NULL;
    }
    knob_study_free(rel);
    knob_study_free(me);
    knob_storage_close(st);
    return itself;
}

/* A warm start's source as the sweep gives it: by the key warm_start, or by the sampler's
 * own options warm_start_study and warm_start_storage. */
typedef struct warm_source {
    const char *study, *storage; /* storage NULL: the study's own */
    int line, col;
    const char *key; /* as errors name it */
    bool warn;       /* the key's: a source that teaches nothing is a warning, and cold */
} warm_source;

/* Whether the library holds p's values as something else than the program's: a quantile
 * (the normal family, weighted values) or a reciprocal (inv_log_uniform_values). */
static bool held_otherwise(const sweep_param *p)
{
    return p->kind == PK_INV_LOG_UNIFORM_VALUES || p->kind == PK_NORMAL || p->kind == PK_Q_NORMAL ||
           p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL ||
           (p->kind == PK_CATEGORICAL && p->probs);
}

static bool log_normal(const sweep_param *p)
{
    return p->kind == PK_LOG_NORMAL || p->kind == PK_Q_LOG_NORMAL;
}

/* Whether a source's held value of param a means the same program value for param b: both
 * plain, both reciprocals, quantiles of one normal (log-normal) law, or of the same weighted
 * values. */
static bool held_alike(const sweep_param *a, const sweep_param *b)
{
    if (!held_otherwise(a) && !held_otherwise(b))
        return true;
    if (!held_otherwise(a) || !held_otherwise(b))
        return false;
    if (a->kind == PK_INV_LOG_UNIFORM_VALUES || b->kind == PK_INV_LOG_UNIFORM_VALUES)
        return a->kind == b->kind;
    if (a->kind == PK_CATEGORICAL || b->kind == PK_CATEGORICAL) {
        if (a->kind != b->kind || a->n_choices != b->n_choices)
            return false;
        for (size_t k = 0; k < a->n_choices; k++)
            if (a->probs[k] != b->probs[k] || !sweep_choice_same(&a->choices[k], &b->choices[k]))
                return false;
        return true;
    }
    return log_normal(a) == log_normal(b) && a->mu == b->mu && a->sigma == b->sigma;
}

static const char *form_of(const sweep_param *p)
{
    if (p->form)
        return p->form;
    return p->kind == PK_CATEGORICAL ? (p->probs ? "values with probabilities" : "values")
                                     : "a range";
}

/* p's form with what makes it hold its values as it does: a normal law's mu and sigma,
 * values and their probabilities (the first 8 of each), after form_of. */
static void form_text(knobx_buf *b, const sweep_param *p)
{
    knobx_buf_puts(b, p->kind == PK_CATEGORICAL && !p->form ? "values" : form_of(p));
    if (p->kind == PK_NORMAL || p->kind == PK_Q_NORMAL || p->kind == PK_LOG_NORMAL ||
        p->kind == PK_Q_LOG_NORMAL)
        knobx_buf_printf(b, " (mu %.15g, sigma %.15g)", p->mu, p->sigma);
    if (p->kind != PK_CATEGORICAL)
        return;
    for (int probs = 0; probs < 1 + (p->probs != NULL); probs++) {
        knobx_buf_puts(b, probs ? " with probabilities [" : " [");
        for (size_t k = 0; k < p->n_choices && k < 8; k++) {
            const knob_choice *c = &p->choices[k];
            knobx_buf_puts(b, k ? ", " : "");
            if (probs)
                knobx_buf_printf(b, "%.15g", p->probs[k]);
            else if (c->type == KNOB_CHOICE_STRING)
                knobx_json_add_string(b, c->str);
            else if (c->type == KNOB_CHOICE_NUMBER)
                knobx_buf_printf(b, "%.15g", c->num);
            else
                knobx_buf_puts(b, c->type == KNOB_CHOICE_NULL ? "null"
                                  : c->num != 0               ? "true"
                                                              : "false");
        }
        knobx_buf_puts(b, p->n_choices > 8 ? ", ...]" : "]");
    }
}

/* Whether a trial of study src has param `name`. */
static bool source_has(knob_study *src, const char *name)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    if (knob_study_trials(src, &tr, &n))
        return false;
    for (size_t k = 0; k < n; k++)
        if (knob_trial_info_param(tr[k], name))
            return true;
    return false;
}

/* A param this sweep holds as a quantile or a reciprocal, which the source's trials have
 * where no stored sweep of the source says how it holds it (a study of Python or C, whose
 * values are the program's, or a stored sweep without the param): its values would be read
 * as this sweep's quantiles (a source's x = 0.25 ran as the normal's quantile 0.25). -1
 * (said) when one is. */
static int check_unheld_source(const sweep *sw, const warm_source *w, knob_study *src,
                               const sweep *theirs)
{
    for (size_t i = 0; i < sw->n_params; i++) {
        const sweep_param *mine = &sw->params[i];
        if (!held_otherwise(mine) || (theirs && sweep_find(theirs, mine->name)) ||
            !source_has(src, mine->name))
            continue;
        fprintf(stderr,
                "%s:%d:%d: key '%s': param '%s' is %s here, and study '%s' %s; knob holds "
                "this sweep's '%s' as %s, not the value the program gets, so the source's "
                "values of it (the program's) cannot be read as this sweep's: search '%s' "
                "as a range or plain values here, or warm-start from a sweep that searched "
                "it alike\n",
                sw->path, w->line, w->col, w->key, mine->name, form_of(mine), w->study,
                theirs ? "has it in trials its stored sweep lacks"
                       : "has no stored sweep (made by Python or C: its values are the "
                         "program's)",
                mine->name,
                mine->kind == PK_INV_LOG_UNIFORM_VALUES ? "its reciprocal" : "its quantile",
                mine->name);
        return -1;
    }
    return 0;
}

/* The source's sweep (stored with it by knob run) against this one: a param both search
 * that one of them holds as a quantile or a reciprocal must be held alike in both, or the
 * source's values of it are not this sweep's (a source's quantile 0.49 of N(0.7, 0.05) was
 * taken for x = 0.49 of [0, 1]); a source without a stored sweep holds the program's values
 * (check_unheld_source). -1 (said) when one is not. */
static int check_warm_forms(const sweep *sw, const warm_source *w, knob_study *src)
{
    const char *text = knob_study_system_attr(src, "sweep");
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    sweep theirs;
    int rc = 0;
    if (!text) {
        rc = check_unheld_source(sw, w, src, NULL);
    } else if (j && j->type == KNOBX_JSON_STRING &&
               !sweep_load_params("(the sweep stored with the source)", j->str, &theirs)) {
        rc = check_unheld_source(sw, w, src, &theirs);
        for (size_t i = 0; i < sw->n_params && !rc; i++) {
            const sweep_param *mine = &sw->params[i], *other = sweep_find(&theirs, mine->name);
            if (!other || mine->kind == PK_CONSTANT || other->kind == PK_CONSTANT ||
                held_alike(other, mine))
                continue;
            /* each with its mu and sigma, or its values and probabilities: "normal in
             * study 'src' and normal here" read as a match */
            knobx_buf there = {0}, here = {0};
            form_text(&there, other);
            form_text(&here, mine);
            fprintf(stderr,
                    "%s:%d:%d: key '%s': param '%s' is %s in study '%s' and %s here; knob "
                    "holds %s '%s' as %s, not the value the program got, so the source's "
                    "values of it cannot be read as this sweep's: give '%s' the same "
                    "distribution in both (the same mu and sigma; the same values and "
                    "probabilities)\n",
                    sw->path, w->line, w->col, w->key, mine->name,
                    there.oom ? form_of(other) : knobx_buf_cstr(&there), w->study,
                    here.oom ? form_of(mine) : knobx_buf_cstr(&here),
                    held_otherwise(other) ? "the source's" : "this sweep's", mine->name,
                    (held_otherwise(other) ? other : mine)->kind == PK_INV_LOG_UNIFORM_VALUES
                        ? "its reciprocal"
                        : "its quantile",
                    mine->name);
            knobx_buf_free(&there);
            knobx_buf_free(&here);
            rc = -1;
        }
        sweep_free(&theirs);
    }
    knobx_json_free(j);
    return rc;
}

/* The study a warm start reads must exist, have one objective and not be the study
 * itself (study `name` in `storage`), or the sampler would fail at its first ask, after the
 * study was created. For the key, one whose complete trials share no searched param with
 * the sweep (or that has none) can teach the sampler nothing: a warning, and a cold start
 * (*use false), as in a sweep of several objectives (the samplers learn from a source of
 * one objective, for one); the sampler's own options are the sampler's to read as it
 * does. */
static int check_warm_source(const sweep *sw, const warm_source *w, const char *storage,
                             const char *name, bool *use)
{
    const char *url = w->storage ? w->storage : storage;
    knob_storage *st = NULL;
    knob_study *src = NULL;
    const knob_trial_info *const *tr;
    size_t n = 0, shared = 0, complete = 0;
    char why[4400];
    *use = false;
    char *shown = knobx_redact_url(url);
    const char *where = shown ? shown : "its storage";
    int rc = 0;
    struct stat info;
    if (knobx_sqlite_path(url, why, sizeof why) && stat(why, &info) != 0 && errno == ENOENT) {
        /* read, never made: the storage would create the file. A relative path is the
         * working directory's, not the sweep file's: the directory is said */
        char cwd[4096];
        bool rel = why[0] != '/' && getcwd(cwd, sizeof cwd);
        fprintf(stderr, "%s:%d:%d: key '%s': study '%s' in %s: no file '%s'%s%s\n", sw->path,
                w->line, w->col, w->key, w->study, where, why, rel ? " in " : "", rel ? cwd : "");
        free(shown);
        return -1;
    }
    if (is_itself(storage, name, w->study, url)) {
        fprintf(stderr,
                "%s:%d:%d: key '%s': study '%s' in %s is this study itself; name another "
                "study, or another storage with '%s'\n",
                sw->path, w->line, w->col, w->key, w->study, where,
                w->warn ? "storage" : "warm_start_storage");
        free(shown);
        return -1;
    }
    rc = knob_storage_open(url, &st);
    if (!rc)
        rc = knob_study_load(st, w->study, NULL, &src);
    if (!rc && knob_study_n_objectives(src) != 1) {
        fprintf(stderr,
                "%s:%d:%d: key '%s': study '%s' in %s has %zu objectives; a warm start "
                "learns from a study of one\n",
                sw->path, w->line, w->col, w->key, w->study, where, knob_study_n_objectives(src));
        knob_study_free(src);
        knob_storage_close(st);
        free(shown);
        return -1;
    }
    if (!rc && check_warm_forms(sw, w, src)) {
        knob_study_free(src);
        knob_storage_close(st);
        free(shown);
        return -1;
    }
    if (!rc && w->warn) /* the key's warnings read the trials; the options' have none */
        rc = knob_study_trials(src, &tr, &n);
    /* the trials a sampler learns from: complete, with a value that is not NaN (a source's
     * -inf, with infinite_values, is its best: warm_start_first and tpe take it) */
    for (size_t k = 0; !rc && k < n; k++)
        complete +=
            tr[k]->state == KNOB_TRIAL_COMPLETE && tr[k]->n_values >= 1 && !isnan(tr[k]->values[0]);
    for (size_t i = 0; !rc && i < sw->n_params; i++) {
        /* a constant is given to the program, never suggested: the sampler has nothing of
         * the source's to learn for it */
        bool found = false, searched = sw->params[i].kind != PK_CONSTANT;
        for (size_t k = 0; k < n && searched && !found; k++)
            found = tr[k]->state == KNOB_TRIAL_COMPLETE &&
                    knob_trial_info_param(tr[k], sw->params[i].name) != NULL;
        shared += found;
    }
    if (rc) {
        fprintf(stderr, "%s:%d:%d: key '%s': study '%s' in %s: %s\n", sw->path, w->line, w->col,
                w->key, w->study, where, knob_errmsg());
    } else if (!w->warn) {
        /* the sampler's own options: it reads its source as it does */
    } else if (!complete) {
        fprintf(stderr,
                "knob: warning: warm_start: study '%s' in %s has no complete trial with a "
                "value (%zu trials); starting cold\n",
                w->study, where, n);
    } else if (!shared) {
        fprintf(stderr,
                "knob: warning: warm_start: study '%s' shares no parameter with this sweep "
                "(%zu trials); starting cold\n",
                w->study, n);
    } else if (sw->n_objectives > 1) {
        fprintf(stderr,
                "knob: warning: warm_start: this sweep has %zu objectives, and study '%s' "
                "one; starting cold\n",
                sw->n_objectives, w->study);
    }
    *use = !rc && complete && shared && sw->n_objectives <= 1;
    knob_study_free(src);
    knob_storage_close(st);
    free(shown);
    return rc ? -1 : 0;
}

/* Makes the chosen sampler again with its options and warm_start_study/_storage, given at
 * creation as every option of a sweep is. */
static int add_warm_start(const sweep *sw, knob_sampler **s)
{
    const char *name = knob_sampler_name(*s);
    if (!sweep_sampler_has_option(name, "warm_start_study")) {
        char which[256];
        fprintf(stderr,
                "%s:%d:%d: key 'warm_start': sampler '%s' (chosen by method %s) takes no "
                "warm start; name one that does with the key 'sampler' (%s)\n",
                sw->path, sw->warm_line, sw->warm_col, name, sw->method,
                sweep_samplers_with_option("warm_start_study", which));
        return -1;
    }
    if (sw->has_warm_first && !sweep_sampler_has_option(name, "warm_start_first")) {
        char which[256];
        fprintf(stderr,
                "%s:%d:%d: key 'warm_start.first': sampler '%s' takes no first trials from its "
                "source (it has no option warm_start_first; %s do)\n",
                sw->path, sw->warm_line, sw->warm_col, name,
                sweep_samplers_with_option("warm_start_first", which));
        return -1;
    }
    const char **keys, **values;
    size_t n;
    char first[32];
    snprintf(first, sizeof first, "%lld", (long long)sw->warm_first);
    if (sweep_option_pairs(&sw->sampler, 0, sw->sampler.name ? sw->sampler.n : 0, NULL,
                           takes_cost(sw, name) ? sw->cost : NULL, 3, &keys, &values, &n))
        return fail("sampler");
    int rc = 0;
    keys[n] = "warm_start_study";
    values[n++] = sw->warm_study;
    if (sw->warm_storage) {
        keys[n] = "warm_start_storage";
        values[n++] = sw->warm_storage;
    }
    if (sw->has_warm_first) {
        keys[n] = "warm_start_first";
        values[n++] = first;
    }
    knob_sampler *made = NULL;
    if (!rc)
        rc = knob_sampler_create_pairs(name, keys, values, n, &made);
    free(keys);
    free(values);
    if (rc)
        return fail("sampler");
    knob_sampler_free(*s);
    *s = made;
    return 0;
}

/* The sampler's own options warm_start_study (not empty) and warm_start_storage (empty:
 * the study's own, as the samplers read it), checked as the key's source is. */
static int check_option_source(const sweep *sw, const char *storage, const char *name)
{
    warm_source opt = {sweep_sampler_option(sw, "warm_start_study"),
                       sweep_sampler_option(sw, "warm_start_storage"),
                       sw->opt_warm_line,
                       sw->opt_warm_col,
                       "sampler.options.warm_start_study",
                       false};
    bool use;
    return opt.study ? check_warm_source(sw, &opt, storage, name, &use) : 0;
}

/* Whether the built-in sampler `name` steers by what the trials learned yet ignores their
 * constraints (no model of them, no ranking by them): a sweep with `constraints:` would
 * expect them honoured. The samplers without a model (random, qmc, grid, brute_force)
 * steer by nothing, and a plugin's handling is its own. */
static bool constraint_blind(const char *name)
{
    static const char *const blind[] = {"smac", "cmaes", "evolution"};
    for (size_t i = 0; i < sizeof blind / sizeof *blind; i++)
        if (!strcmp(name, blind[i]))
            return true;
    return false;
}

static int make_sampler(const sweep *sw, const char *storage, const char *name, bool has_seed,
                        uint64_t seed, knob_sampler **out, bool *grid)
{
    bool warm = false;
    warm_source key = {sw->warm_study, sw->warm_storage, sw->warm_line,
                       sw->warm_col,   "warm_start",     true};
    if (sw->warm_study && check_warm_source(sw, &key, storage, name, &warm))
        return -1;
    if (sw->opt_warm_line && check_option_source(sw, storage, name))
        return -1;
    if (create_sampler(sw, out) || (warm && add_warm_start(sw, out)))
        return -1;
    *grid = !strcmp(knob_sampler_name(*out), "grid");
    if (sw->cost && sweep_sampler_has_option(knob_sampler_name(*out), "cost")) {
        if (knob_sampler_set_option(*out, "cost", sw->cost))
            return fail("sampler");
    } else if (sw->cost) {
        char which[256];
        fprintf(stderr,
                "knob: warning: cost: sampler '%s' takes no cost (%s do); it searches "
                "cost-blind\n",
                knob_sampler_name(*out), sweep_samplers_with_option("cost", which));
    }
    if (sw->n_constraints && constraint_blind(knob_sampler_name(*out)))
        fprintf(stderr,
                "knob: warning: constraints: sampler '%s' has no constraint handling (nsga2, "
                "nsga3, gp, tpe and the default auto do); it searches as if every trial were "
                "feasible (knob best still shows feasible trials only)\n",
                knob_sampler_name(*out));
    if (has_seed || sw->has_seed) {
        if (set_seed(*out, has_seed ? seed : sw->seed))
            return -1;
    }
    return *grid ? add_grid(sw, *out) : 0;
}

int64_t cli_grid_left(const sweep *sw, knob_storage *st, const char *name, uint64_t seed)
{
    knob_sampler *grid = NULL;
    char *json = NULL, text[32];
    double points;
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    /* the sweep's grid sampler (its options: order) as make_sampler makes it, quietly */
    int rc = sw->sampler.name ? sweep_make_sampler(&sw->sampler, &grid)
                              : knob_sampler_create("grid", "order=product", &grid);
    if (rc || strcmp(knob_sampler_name(grid), "grid") || sweep_grid_space(sw, &json, &points) ||
        knob_sampler_set_option(grid, "search_space", json) ||
        knob_sampler_set_option(grid, "seed", text)) {
        free(json);
        knob_sampler_free(grid);
        return -1;
    }
    free(json);
    /* a handle of its own, without the run's max_trials (run_cap), which caps the count */
    knob_study_options o = {.sampler = grid};
    knob_study *s = NULL;
    int64_t left = -1;
    if (knob_study_load(st, name, &o, &s) || knob_study_trials_left(s, &left))
        left = -1;
    knob_study_free(s);
    return left;
}

static int make_pruner(const sweep *sw, knob_pruner **out)
{
    *out = NULL;
    if (sw->pruner.name)
        return sweep_make_pruner(&sw->pruner, out) ? fail("pruner") : 0;
    if (!sw->early_type)
        return 0;
    if (sweep_early_pruner(sw, out)) {
        fprintf(stderr, "knob: warning: early_terminate is not applied: %s\n", knob_errmsg());
        *out = NULL;
    }
    return 0;
}

/* The sweep stored with study s: sw's text, stored when the study is made and again when
 * it differs from what the study holds (a sweep file edited between runs), so that knob
 * worker --study, knob enqueue and the dashboard read the sweep the study runs now. */
/* Returns whether it stored the sweep (a study without one, or with another). */
static bool store_sweep(const sweep *sw, const char *name, knob_study *s)
{
    const char *stored = knob_study_system_attr(s, "sweep");
    if (stored) {
        knobx_json *j = knobx_json_parse(stored, (size_t)-1, NULL, 0);
        bool same = j && j->type == KNOBX_JSON_STRING && strcmp(j->str, sw->text) == 0;
        knobx_json_free(j);
        if (same)
            return false;
    }
    knobx_buf b = {0};
    knobx_json_add_string(&b, sw->text);
    if (b.oom || knob_study_set_system_attr(s, "sweep", knobx_buf_cstr(&b)))
        fprintf(stderr, "knob: warning: could not store the sweep with study '%s': %s\n", name,
                knob_errmsg());
    else if (stored)
        fprintf(stderr,
                "knob: study '%s': %s differs from the sweep stored with the study; it is stored "
                "in its place (knob worker --study, knob enqueue and the dashboard read it from "
                "now on)\n",
                name, sw->path ? sw->path : "the sweep");
    knobx_buf_free(&b);
    return true;
}

/* The sweep's run_cap, stored with study s beside its sweep as the system attribute "run_cap"
 * (an integer, 0 for none), for Python's knob, whose enqueue_trial holds the study to it as
 * knob enqueue does, and which does not parse the sweep's YAML. Stored when it differs from
 * what the study holds, so the next run of a study made by an older knob stores it too;
 * nothing for a sweep without one unless an earlier sweep stored one. */
static void store_run_cap(const sweep *sw, const char *name, knob_study *s)
{
    const char *stored = knob_study_system_attr(s, "run_cap");
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)sw->run_cap);
    if (stored ? knobx_json_text_equal(stored, want) : !sw->run_cap)
        return;
    if (knob_study_set_system_attr(s, "run_cap", want))
        fprintf(stderr, "knob: warning: could not store the run_cap with study '%s': %s\n", name,
                knob_errmsg());
}

/* The sweep's objective names (its metric's, or its objectives'), stored with study s beside
 * its sweep as the system attribute "sweep_metric_names" (a JSON list of strings), for Python's
 * knob, which names the axes of its plots so where set_metric_names named nothing, as knob
 * report does, and does not parse the sweep's YAML. Stored when it differs from what the study
 * holds. */
static void store_objective_names(const sweep *sw, knob_study *s)
{
    knobx_buf b = {0};
    knobx_buf_puts(&b, "[");
    for (size_t i = 0; i < sw->n_objectives; i++) {
        if (i)
            knobx_buf_puts(&b, ",");
        knobx_json_add_string(&b, sw->objectives[i].name);
    }
    knobx_buf_puts(&b, "]");
    const char *stored = knob_study_system_attr(s, "sweep_metric_names");
    /* a storage that takes no write (a read-only file: a study past its run_cap run again
     * there) is not told of: the names only title Python's plots, "Objective 0" without */
    if (!b.oom && !(stored && knobx_json_text_equal(stored, knobx_buf_cstr(&b))))
        (void)knob_study_set_system_attr(s, "sweep_metric_names", knobx_buf_cstr(&b));
    knobx_buf_free(&b);
}

/* The distributions of the program's values of the params the library holds otherwise
 * (params_program_distributions), stored with study s beside its sweep, for Python's knob,
 * which shows a trial's params as its program got them and cannot read the sweep's YAML, and
 * for the library, whose warm starts refuse a source of quantiles for a study without a
 * sweep (samplers/warm_start.c).
 * Stored when they differ from what the study holds; nothing for a sweep without such params
 * unless an earlier sweep stored some. */
static void store_program_distributions(const sweep *sw, const char *name, knob_study *s)
{
    knobx_buf b = {0};
    params_program_distributions(sw, sweep_enumerates(sw) && !sw->pbt, &b);
    const char *stored = knob_study_system_attr(s, PARAMS_DISTRIBUTIONS_ATTR);
    bool none = !b.oom && !strcmp(knobx_buf_cstr(&b), "{}");
    if (b.oom || (stored ? knobx_json_text_equal(stored, knobx_buf_cstr(&b)) : none)) {
        knobx_buf_free(&b);
        return;
    }
    if (knob_study_set_system_attr(s, PARAMS_DISTRIBUTIONS_ATTR, knobx_buf_cstr(&b)))
        fprintf(stderr,
                "knob: warning: could not store the params' distributions with study '%s': %s\n",
                name, knob_errmsg());
    knobx_buf_free(&b);
}

/* "size <= 1" of a constraint, its bound written whole (12345678, not 1.23457e+07). */
static void constraint_text(knobx_buf *b, const sweep_constraint *c)
{
    knobx_buf_printf(b, "%s %s ", c->name, c->is_min ? ">=" : "<=");
    knobx_json_add_number(b, c->bound);
}

/* The constraints of a sweep, "(size <= 1, acc >= 0.9)", for a message. */
static void constraints_text(knobx_buf *b, const sweep *sw)
{
    knobx_buf_puts(b, "(");
    for (size_t i = 0; i < sw->n_constraints; i++) {
        knobx_buf_puts(b, i ? ", " : "");
        constraint_text(b, &sw->constraints[i]);
    }
    knobx_buf_puts(b, ")");
}

/* The constraint values of the study's trials, which each trial holds measured against the
 * bounds of the sweep that ran it: how many a trial holds (0: none does), and how many
 * trials are complete. */
static void constraints_held(knob_study *s, size_t *held, size_t *complete)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    *held = *complete = 0;
    if (knob_study_trials(s, &tr, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        if (!*held)
            *held = tr[i]->n_constraints;
        *complete += tr[i]->state == KNOB_TRIAL_COMPLETE;
    }
}

/* A sweep file edited between runs keeps the constraints the study's trials hold values of,
 * as it keeps their objectives in order, since the library takes whatever the next trials
 * hold: a count unlike theirs would refuse each new trial at its end; none would make each
 * feasible whatever it printed, beside trials judged by the bounds (a front of trials that
 * break the study's own bound); another bound, or another constraint in its place, would
 * measure the new trials' values against another bound than the earlier ones'. Refused,
 * naming the constraint and the way on (`fresh`: how the command names a new study,
 * "--study NAME"); a constraint renamed to no other's name (a program that prints mem_mb where
 * it printed size_mb) is said, and goes on, as an objective is. Constraints added to a study
 * whose trials hold none are a warning. -1 (said) when refused. */
static int check_constraints_change(const sweep *sw, const sweep *old, const char *name,
                                    const char *file, const char *fresh, knob_study *s)
{
    bool same = old->n_constraints == sw->n_constraints;
    for (size_t i = 0; same && i < sw->n_constraints; i++) {
        const sweep_constraint *was = &old->constraints[i], *now = &sw->constraints[i];
        same =
            !strcmp(was->name, now->name) && was->bound == now->bound && was->is_min == now->is_min;
    }
    if (same)
        return 0;
    size_t held, complete;
    constraints_held(s, &held, &complete);
    int rc = 0;
    if (held && sw->n_constraints && held != sw->n_constraints) {
        fprintf(stderr,
                "knob: study '%s': %s has %zu constraint%s, and the study's trials hold "
                "%zu constraint value%s each: each new trial would be refused at its end; a "
                "study keeps its constraints (a new study: %s)\n",
                name, file, sw->n_constraints, sw->n_constraints == 1 ? "" : "s", held,
                held == 1 ? "" : "s", fresh);
        return -1;
    }
    if (held && !sw->n_constraints) {
        knobx_buf b = {0};
        if (old->n_constraints) {
            knobx_buf_puts(&b, " ");
            constraints_text(&b, old);
        }
        fprintf(stderr,
                "knob: study '%s': %s has no constraints, and the study's trials hold %zu "
                "constraint value%s each%s: each new trial would count as feasible whatever it "
                "printed; a study keeps its constraints (give them in %s again, or a new "
                "study: %s)\n",
                name, file, held, held == 1 ? "" : "s", b.oom ? "" : knobx_buf_cstr(&b), file,
                fresh);
        knobx_buf_free(&b);
        return -1;
    }
    for (size_t i = 0; !rc && held && i < sw->n_constraints && held == old->n_constraints; i++) {
        const sweep_constraint *was = &old->constraints[i], *now = &sw->constraints[i];
        /* where the trials hold the constraint of now's name: here when it is was's (a range
         * is two constraints of one metric, {name: size, min: ..} and {name: size, max: ..}) */
        size_t k = i;
        if (strcmp(was->name, now->name))
            for (k = 0; k < old->n_constraints && strcmp(old->constraints[k].name, now->name);)
                k++;
        knobx_buf w = {0}, t = {0};
        constraint_text(&w, was);
        constraint_text(&t, now);
        if (k != i && k < old->n_constraints) {
            fprintf(stderr,
                    "knob: study '%s': %s gives constraint %zu as '%s', which the study's "
                    "trials hold as constraint %zu (constraint %zu is '%s' there): a study keeps "
                    "its constraints in their order (a new study: %s)\n",
                    name, file, i, now->name, k, i, was->name, fresh);
            rc = -1;
        } else if (was->bound != now->bound || was->is_min != now->is_min) {
            fprintf(stderr,
                    "knob: study '%s': %s gives constraint %zu as '%s', which the study's "
                    "trials hold as '%s': their values measure against that bound, and the new "
                    "trials' would measure against another; a study keeps its constraints "
                    "(give '%s' in %s again, or a new study: %s)\n",
                    name, file, i, knobx_buf_cstr(&t), knobx_buf_cstr(&w), knobx_buf_cstr(&w), file,
                    fresh);
            rc = -1;
        } else if (k != i) {
            fprintf(stderr,
                    "knob: study '%s': %s names constraint %zu '%s', which the study's trials "
                    "hold as '%s': their values count as one\n",
                    name, file, i, now->name, was->name);
        }
        knobx_buf_free(&w);
        knobx_buf_free(&t);
    }
    if (rc)
        return rc;
    if (!held && complete && sw->n_constraints && !old->n_constraints)
        fprintf(stderr,
                "knob: warning: study '%s': %s adds constraints; the study's %zu complete "
                "trial%s before them hold none, and count as feasible\n",
                name, file, complete, complete == 1 ? "" : "s");
    return 0;
}

/* A sweep file edited between runs of a study keeps its objectives in their order, and its
 * constraints while trials hold constraint values (check_constraints_change): its trials
 * would otherwise be compared metric against another (a Pareto front of acc against f1). An
 * objective renamed to no other's name (a program that prints val_loss where it printed
 * loss) is said, and goes on. A refusal names the way to a new study: `fresh`. -1 (said) when
 * refused. */
static int check_sweep_change(const sweep *sw, const char *name, const char *fresh, knob_study *s)
{
    const char *stored = knob_study_system_attr(s, "sweep");
    knobx_json *j = stored ? knobx_json_parse(stored, (size_t)-1, NULL, 0) : NULL;
    const char *label = "(the sweep stored with the study)",
               *file = sw->path ? sw->path : "the sweep";
    int rc = 0;
    sweep old;
    if (!j || j->type != KNOBX_JSON_STRING || !strcmp(j->str, sw->text)) {
        knobx_json_free(j);
        return 0;
    }
    if (!sweep_load_objectives(label, j->str, &old)) {
        /* a count or direction unlike the study's is the library's refusal, before this */
        for (size_t i = 0; !rc && i < sw->n_objectives && old.n_objectives == sw->n_objectives;
             i++) {
            const char *was = old.objectives[i].name, *now = sw->objectives[i].name;
            size_t k = 0;
            while (k < old.n_objectives && strcmp(old.objectives[k].name, now))
                k++;
            if (!strcmp(was, now))
                continue;
            if (k < old.n_objectives) {
                fprintf(stderr,
                        "knob: study '%s': %s gives objective %zu as '%s', which the study's "
                        "trials hold as objective %zu (objective %zu is '%s' there): a study "
                        "keeps its objectives in their order (a new study: %s)\n",
                        name, file, i, now, k, i, was, fresh);
                rc = -1;
            } else {
                fprintf(stderr,
                        "knob: study '%s': %s names objective %zu '%s', which the study's "
                        "trials hold as '%s': their values count as one\n",
                        name, file, i, now, was);
            }
        }
        sweep_free(&old);
    }
    if (!rc && !sweep_load_constraints(label, j->str, &old)) {
        rc = check_constraints_change(sw, &old, name, file, fresh, s);
        sweep_free(&old);
    }
    knobx_json_free(j);
    return rc;
}

static void dirs_text(knobx_buf *b, const knob_direction *dirs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        knobx_buf_printf(b, "%s%s", i ? ", " : "",
                         dirs[i] == KNOB_MAXIMIZE ? "maximize" : "minimize");
}

/* After the study's creation failed: when the study exists with other directions than the
 * sweep's, says so in the sweep's terms (the library says "study 'x' exists with
 * directions [minimize], not [maximize]", which names neither the file nor its key), and
 * returns true. */
static bool dirs_mismatch(const sweep *sw, knob_storage *st, const char *name,
                          const knob_direction *dirs)
{
    knob_study *s;
    if (knob_study_load(st, name, NULL, &s))
        return false;
    size_t n = knob_study_n_objectives(s);
    bool same = n == sw->n_objectives;
    for (size_t i = 0; same && i < n; i++)
        same = knob_study_direction(s, i) == dirs[i];
    if (!same) {
        knobx_buf have = {0}, want = {0};
        knob_direction had[SWEEP_MAX_OBJECTIVES];
        for (size_t i = 0; i < n && i < SWEEP_MAX_OBJECTIVES; i++)
            had[i] = knob_study_direction(s, i);
        dirs_text(&have, had, n < SWEEP_MAX_OBJECTIVES ? n : SWEEP_MAX_OBJECTIVES);
        dirs_text(&want, dirs, sw->n_objectives);
        const char *file = sw->path ? sw->path : "the sweep";
        if (n)
            fprintf(stderr, "knob: study '%s' exists with directions [%s], and ", name,
                    knobx_buf_cstr(&have));
        else
            fprintf(stderr, "knob: study '%s' exists without a metric, and ", name);
        if (!sw->n_objectives)
            fprintf(stderr, "%s has no metric", file);
        else if (sw->objectives_key)
            fprintf(stderr, "%s's objectives give [%s]", file, knobx_buf_cstr(&want));
        else
            fprintf(stderr, "%s's metric.goal is %s", file, knobx_buf_cstr(&want));
        fprintf(stderr, ": a study keeps its directions (mend the sweep, or give another "
                        "study's name)\n");
        knobx_buf_free(&have);
        knobx_buf_free(&want);
    }
    knob_study_free(s);
    return !same;
}

int cli_open_sweep_study(const sweep *sw, const char *storage, const char *name, bool has_seed,
                         uint64_t seed, bool heartbeats, study_ref *out)
{
    return cli_open_sweep_study_as(sw, storage, name, "--study NAME", has_seed, seed, heartbeats,
                                   out);
}

int cli_open_sweep_study_as(const sweep *sw, const char *storage, const char *name,
                            const char *fresh, bool has_seed, uint64_t seed, bool heartbeats,
                            study_ref *out)
{
    knob_sampler *sampler = NULL;
    knob_pruner *pruner = NULL;
    memset(out, 0, sizeof *out);
    if (make_sampler(sw, storage, name, has_seed, seed, &sampler, &out->grid) ||
        make_pruner(sw, &pruner)) {
        knob_sampler_free(sampler);
        return -1;
    }
    knob_direction dirs[SWEEP_MAX_OBJECTIVES];
    for (size_t i = 0; i < sw->n_objectives && i < SWEEP_MAX_OBJECTIVES; i++)
        dirs[i] = sw->objectives[i].goal;
    /* Workers beat for their trials; a trial whose worker died is failed after a minute
     * and run once more. knob ask leaves them off: its trials wait for a tell that may come
     * much later, and must not be failed for their silence. */
    /* run_cap is the study's max_trials: decided where the storage numbers the trials, so
     * every process sharing the study stops at exactly run_cap. A sweep without a metric
     * makes a study without objective. */
    knob_study_options o = {.directions = dirs,
                            .n_objectives = sw->n_objectives,
                            .sampler = sampler,
                            .pruner = pruner,
                            .max_trials = sw->run_cap,
                            .no_objective = sw->n_objectives == 0};
    if (heartbeats) {
        o.heartbeat_interval = CLI_HEARTBEAT;
        o.grace_period = sw->grace > 0 ? sw->grace : CLI_GRACE;
        o.max_retry = 1;
        if (sw->pbt) { /* PBT resumes a member itself, from its last checkpoint */
            o.heartbeat_interval = pbt_heartbeat(sw->pbt);
            o.grace_period = sw->pbt->grace;
            o.max_retry = 0;
        }
    }
    if (knob_storage_open(storage, &out->st)) {
        knob_sampler_free(sampler);
        knob_pruner_free(pruner);
        return fail("storage");
    }
    if (knob_study_create(out->st, name, &o, &out->s)) {
        char *msg = strdup(knob_errmsg());
        bool mismatch = dirs_mismatch(sw, out->st, name, dirs);
        if (!mismatch)
            fprintf(stderr, "knob: study: %s\n", msg ? msg : "out of memory");
        free(msg);
        knob_storage_close(out->st);
        return mismatch ? CLI_SWEEP_MISMATCH : -1;
    }
    if (check_sweep_change(sw, name, fresh, out->s)) { /* the sweep's mistake: exit status 2 */
        cli_close(out);
        return CLI_SWEEP_MISMATCH;
    }
    out->stored = store_sweep(sw, name, out->s);
    store_run_cap(sw, name, out->s);
    store_objective_names(sw, out->s);
    store_program_distributions(sw, name, out->s);
    return 0;
}

bool cli_sqlite_missing(const char *url, char *msg, size_t size)
{
    struct stat st;
    char path[4096];
    if (!knobx_sqlite_path(url, path, sizeof path))
        return false; /* the storage says what else is wrong */
    if (stat(path, &st) == 0 || errno != ENOENT)
        return false;
    /* knob run creates the file, not its directory */
    char dir[4096], cwd[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    bool no_dir = slash && stat(dir, &st) != 0 && errno == ENOENT;
    const char *why = no_dir ? "its directory does not exist" : "knob run creates it";
    if (*path != '/' && getcwd(cwd, sizeof cwd))
        snprintf(msg, size, "no file '%s' in %s (%s)", path, cwd, why);
    else
        snprintf(msg, size, "no file '%s' (%s)", path, why);
    return true;
}

int cli_refuse_missing(const char *url, const char *study)
{
    char why[4400];
    if (!cli_sqlite_missing(url, why, sizeof why))
        return 0;
    if (study)
        fprintf(stderr, "knob: study '%s': storage %s: %s\n", study, url, why);
    else
        fprintf(stderr, "knob: storage %s: %s\n", url, why);
    return -1;
}

int cli_open_study(const char *storage, const char *name, study_ref *out)
{
    memset(out, 0, sizeof *out);
    if (cli_refuse_missing(storage, name))
        return CLI_NO_STUDY;
    if (knob_storage_open(storage, &out->st))
        return fail("storage");
    int rc = knob_study_load(out->st, name, NULL, &out->s);
    if (rc) {
        fprintf(stderr, "knob: %s\n", knob_errmsg()); /* it names the study and the storage */
        knob_storage_close(out->st);
        return rc == KNOB_ENOTFOUND ? CLI_NO_STUDY : -1;
    }
    return 0;
}

bool cli_constraints_missing(knob_study *s, const char *study, int64_t number,
                             knob_trial_state state, size_t n_given, const char *how, char *msg,
                             size_t size)
{
    if (state == KNOB_TRIAL_FAIL || (state != KNOB_TRIAL_COMPLETE && !n_given))
        return false;
    const char *text = knob_study_system_attr(s, "sweep");
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    sweep sw;
    bool missing = false;
    if (j && j->type == KNOBX_JSON_STRING &&
        !sweep_load_constraints("(the sweep stored with the study)", j->str, &sw)) {
        if (sw.n_constraints && n_given != sw.n_constraints) {
            knobx_buf b = {0};
            constraints_text(&b, &sw);
            snprintf(msg, size,
                     "the sweep of study '%s' has %zu constraint%s %s, and %zu constraint "
                     "value%s %s given: give one for each with %s, in that order (metric - max, "
                     "or min - metric: <= 0 satisfied); nothing was written",
                     study, sw.n_constraints, sw.n_constraints == 1 ? "" : "s",
                     b.oom ? "(?)" : knobx_buf_cstr(&b), n_given, n_given == 1 ? "" : "s",
                     n_given == 1 ? "was" : "were", how);
            knobx_buf_free(&b);
            missing = true;
        }
        sweep_free(&sw);
    }
    knobx_json_free(j);
    /* no such trial: the tell says so (404, "no trial"), not this. Read only then: a tell
     * reads no trial of the study but its own (a large study's tells stay cheap) */
    return missing && cli_trial_state(s, number) >= 0;
}

int cli_open_study_pruner(const char *storage, const char *name, study_ref *out)
{
    if (cli_open_study(storage, name, out))
        return -1;
    const char *text = knob_study_system_attr(out->s, "sweep");
    knobx_json *j = text ? knobx_json_parse(text, (size_t)-1, NULL, 0) : NULL;
    sweep sw;
    knob_pruner *pruner = NULL;
    int rc = 0;
    if (j && j->type == KNOBX_JSON_STRING &&
        !(rc = sweep_load_stored("(the sweep stored with the study)", j->str, &sw))) {
        rc = make_pruner(&sw, &pruner);
        sweep_free(&sw);
    }
    knobx_json_free(j);
    if (!rc && pruner) { /* loaded again, with it */
        knob_study_options o = {.pruner = pruner};
        knob_study *s;
        if ((rc = knob_study_load(out->st, name, &o, &s)))
            fprintf(stderr, "knob: %s\n", knob_errmsg());
        else {
            knob_study_free(out->s);
            out->s = s;
        }
    }
    if (rc)
        cli_close(out);
    return rc ? -1 : 0;
}

void cli_close(study_ref *r)
{
    knob_study_free(r->s);
    knob_storage_close(r->st);
    memset(r, 0, sizeof *r);
}

/* A JSON object's text (after spaces), else NULL. */
static const char *object_text(const char *json)
{
    while (json && isspace((unsigned char)*json))
        json++;
    return json && *json == '{' ? json : NULL;
}

bool cli_trial_params_attr_is_knobs(const knob_trial_info *t, const cli_params_view *v)
{
    /* a study of knob run or knob ask: an older knob's trials have no system record, and
     * kept the params as the user attribute; with the system record, or in a study no
     * sweep made, a user attribute "params" is the user's */
    return v->swept && !knob_trial_info_attr(t, CLI_GIVEN_PARAMS, true) &&
           object_text(knob_trial_info_attr(t, "params", false));
}

const char *cli_trial_given_params(const knob_trial_info *t, const cli_params_view *v)
{
    const char *given = object_text(knob_trial_info_attr(t, CLI_GIVEN_PARAMS, true));
    if (!given && cli_trial_params_attr_is_knobs(t, v))
        given = object_text(knob_trial_info_attr(t, "params", false));
    return given;
}

const char *cli_trial_params_text(const knob_trial_info *t, const cli_params_view *v)
{
    const char *given = cli_trial_given_params(t, v);
    if (!given && t->state == KNOB_TRIAL_WAITING) /* as knob enqueue was given them */
        given = knob_trial_info_attr(t, "enqueued_params", true);
    const char *fixed = knob_trial_info_attr(t, "fixed_params", true);
    if (given || (!t->n_params && fixed)) /* fixed: an enqueued trial not yet run */
        return given ? given : fixed;
    return NULL;
}

static int add_record(void *ctx, const char *key, const char *json)
{
    cli_params_view *v = ctx;
    static const char prefix[] = "knob:float_choices:";
    if (strncmp(key, prefix, sizeof prefix - 1))
        return KNOB_OK;
    knobx_json *j = knobx_json_parse(json, (size_t)-1, NULL, 0);
    /* {"param": name, "choices": [...]}, or an older knob's list of choices */
    const knobx_json *c = j && j->type == KNOBX_JSON_OBJECT ? knobx_json_get(j, "choices") : j;
    knobx_json **grown =
        c && c->type == KNOBX_JSON_ARRAY ? realloc(v->recs, (v->n + 1) * sizeof *v->recs) : NULL;
    if (!grown) {
        knobx_json_free(j);
        return KNOB_OK;
    }
    v->recs = grown;
    v->recs[v->n++] = j;
    return KNOB_OK;
}

void cli_params_view_read(knob_study *s, cli_params_view *v)
{
    memset(v, 0, sizeof *v);
    v->swept = knob_study_system_attr(s, "sweep") != NULL;
    knob_study_attrs(s, true, add_record, v); /* none read: the library's values */
}

void cli_params_view_free(cli_params_view *v)
{
    for (size_t i = 0; i < v->n; i++)
        knobx_json_free(v->recs[i]);
    free(v->recs);
    memset(v, 0, sizeof *v);
}

/* Whether the recorded choice r is the choice c as the library holds it. */
static bool recorded_is(const knobx_json *r, const knob_choice *c)
{
    switch (r->type) {
    case KNOBX_JSON_NUMBER:
        return c->type == KNOB_CHOICE_NUMBER && c->num == r->num;
    case KNOBX_JSON_STRING:
        return c->type == KNOB_CHOICE_STRING && !strcmp(c->str, r->str);
    case KNOBX_JSON_BOOL:
        return c->type == KNOB_CHOICE_BOOL && (c->num != 0) == r->b;
    case KNOBX_JSON_NULL:
        return c->type == KNOB_CHOICE_NULL;
    default:
        return false;
    }
}

const char *cli_recorded_choice(const cli_params_view *v, const char *name,
                                const knob_distribution *d, size_t k)
{
    if (!v || !v->n || !d || d->kind != KNOB_DIST_CATEGORICAL || k >= d->n_choices ||
        d->choices[k].type != KNOB_CHOICE_NUMBER)
        return NULL;
    const char *unnamed = NULL;
    for (size_t i = 0; i < v->n; i++) {
        const knobx_json *j = v->recs[i], *param = NULL, *c = j;
        if (j->type == KNOBX_JSON_OBJECT) {
            param = knobx_json_get(j, "param");
            c = knobx_json_get(j, "choices");
            if (!param || param->type != KNOBX_JSON_STRING || strcmp(param->str, name))
                continue;
        }
        bool same = c->n == d->n_choices;
        for (size_t m = 0; same && m < c->n; m++)
            same = recorded_is(c->kids[m], &d->choices[m]);
        if (same && param)
            return c->kids[k]->big;
        if (same && !unnamed)
            unnamed = c->kids[k]->big;
    }
    return unnamed;
}

/* The text of the choice the categorical param p took, as cli_recorded_choice gives it. */
static const char *recorded_big(const cli_params_view *v, const knob_param *p)
{
    double x = p->internal;
    if (!p->dist || !(x >= 0) || x >= (double)p->dist->n_choices)
        return NULL;
    return cli_recorded_choice(v, p->name, p->dist, (size_t)x);
}

void cli_trial_params_json(knobx_buf *b, const knob_trial_info *t, const cli_params_view *pv)
{
    const char *text = cli_trial_params_text(t, pv);
    if (text) {
        knobx_buf_puts(b, text);
        return;
    }
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < t->n_params; i++) {
        /* a long choice (600 characters; control bytes, 6 a byte escaped) in a buffer of
         * its length: a fixed one cut it, and the JSON with it */
        char v[512], *big = NULL;
        const char *full = recorded_big(pv, &t->params[i]);
        int len = full ? (int)strlen(full) : knob_param_format(&t->params[i], v, sizeof v);
        if (!full && len >= (int)sizeof v && (big = malloc((size_t)len + 1)))
            knob_param_format(&t->params[i], big, (size_t)len + 1);
        if (i)
            knobx_buf_puts(b, ",");
        knobx_json_add_string(b, t->params[i].name);
        knobx_buf_puts(b, ":");
        if (full)
            knobx_buf_puts(b, full);
        else if (len < 0 || (len >= (int)sizeof v && !big))
            knobx_buf_puts(b, "null"); /* a param the library cannot write, or no memory */
        else
            knobx_buf_puts(b, big ? big : v);
        free(big);
    }
    knobx_buf_puts(b, "}");
}

int cli_refuse_unset_env(const sweep *sw)
{
    char env[256];
    size_t elem = 0;
    const char *missing = sweep_env_missing(sw, env, sizeof env, &elem);
    if (missing) /* at the element, as the sweep's other errors of the command are */
        fprintf(stderr,
                "%s:%d:%d: key 'command[%zu]': ${envvar:%s} names an environment variable that "
                "is not set (the element takes its value, as W&B's macro does)\n",
                sw->path, sw->command_at[elem][0], sw->command_at[elem][1], elem, missing);
    return missing ? -1 : 0;
}

int cli_print_buf(const char *command, knobx_buf *b)
{
    if (b->oom) {
        fprintf(stderr, "knob %s: out of memory\n", command);
        return EXIT_FAIL;
    }
    /* said here, where errno is the write's: once the stream has failed, a later flush has
     * nothing left to write and no reason to give */
    errno = 0;
    if ((b->len && fwrite(b->data, 1, b->len, stdout) != b->len) || fflush(stdout) != 0) {
        fprintf(stderr, "knob %s: cannot write to stdout: %s\n", command,
                errno ? strerror(errno) : "write error");
        return EXIT_FAIL;
    }
    return 0;
}

int cli_stdout_written(const char *command)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "knob%s%s: cannot write to stdout: %s\n", command ? " " : "",
            command ? command : "", errno ? strerror(errno) : "write error");
    return EXIT_FAIL;
}

void cli_name_cell(knobx_buf *b, const char *name, int width)
{
    int shown = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            char esc[8];
            int n = *p == '\n'   ? snprintf(esc, sizeof esc, "\\n")
                    : *p == '\t' ? snprintf(esc, sizeof esc, "\\t")
                                 : snprintf(esc, sizeof esc, "\\x%02x", *p);
            knobx_buf_puts(b, esc);
            shown += n;
        } else {
            knobx_buf_add(b, (const char *)p, 1);
            shown += (*p & 0xc0) != 0x80; /* a continuation byte is no new character */
        }
    }
    for (; shown < width; shown++)
        knobx_buf_puts(b, " ");
}

int cli_name_shown(const char *name)
{
    knobx_buf t = {0};
    cli_name_cell(&t, name, 0);
    int n = 0;
    for (const char *c = knobx_buf_cstr(&t); *c; c++)
        n += (*c & 0xc0) != 0x80;
    knobx_buf_free(&t);
    return n;
}

void cli_json_value(knobx_buf *b, double v)
{
    if (isinf(v))
        knobx_buf_puts(b, v > 0 ? "1e999" : "-1e999");
    else
        knobx_json_add_number(b, v);
}

static bool is_number_arg(const char *s)
{
    char *end;
    strtod(s, &end);
    return end != s && !*end;
}

/* Whether `arg` is the option `name` ("--seed" or "--seed=..."), its value not read yet. */
static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == 0 || arg[n] == '=');
}

/* Whether the command's list of options ("--storage --json") holds `name`: an option of
 * another command is refused, not ignored. */
static bool takes(const char *option_list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(option_list, name); p; p = strstr(p + 1, name))
        if ((p == option_list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return true;
    return false;
}

/* One option of cli_parse_args at argv[*i]: 1 taken, 0 not an option (a positional
 * argument), -1 refused (said). An option the command does not take is refused before its
 * value is read: `knob best S --seed` is told --seed is not best's, not that it needs a
 * value. */
static int parse_option(int argc, char **argv, int *i, cli_args *a, const char *option_list,
                        const char *usage)
{
    static const char *const names[] = {"--storage", "--format", "--sweep",      "--state",
                                        "--seed",    "--step",   "--constraints"};
    const char **slots[] = {&a->storage, &a->format, &a->sweep,      &a->state,
                            &a->seed,    &a->step,   &a->constraints};
    const int n_names = (int)(sizeof names / sizeof *names);
    if (!strcmp(argv[*i], "-h") || !strcmp(argv[*i], "--help")) {
        printf("usage: %s\n", usage);
        /* the usage starts "knob COMMAND": its second word names the command that failed */
        char command[32] = "";
        sscanf(usage, "knob %31s", command);
        exit(cli_stdout_written(command[0] ? command : NULL));
    }
    int k = 0;
    while (k < n_names && !is_option(argv[*i], names[k]))
        k++;
    bool json = k == n_names && !strcmp(argv[*i], "--json");
    if ((k < n_names || json) && !takes(option_list, json ? "--json" : names[k])) {
        fprintf(stderr, "knob: option '%s' is not one of this command's\nusage: %s\n", argv[*i],
                usage);
        return -1;
    }
    if (json)
        a->json = true;
    else if (k < n_names)
        cli_opt(argc, argv, i, names[k], slots[k]);
    if (k < n_names || json)
        return 1;
    if (argv[*i][0] == '-' && argv[*i][1] && !is_number_arg(argv[*i])) {
        fprintf(stderr,
                "knob: unknown option '%s' (an argument of that name goes after '--')\nusage: %s\n",
                argv[*i], usage);
        return -1;
    }
    return 0;
}

int cli_parse_args(int argc, char **argv, cli_args *a, const char *option_list, const char *usage)
{
    memset(a, 0, sizeof *a);
    bool options = true; /* until "--": after it, a study named "-x" is a name */
    for (int i = 0; i < argc; i++) {
        if (options && !strcmp(argv[i], "--")) {
            options = false;
            continue;
        }
        int rc = options ? parse_option(argc, argv, &i, a, option_list, usage) : 0;
        if (rc < 0)
            return -1;
        if (rc)
            continue;
        if (a->n_pos >= 64) {
            fprintf(stderr, "knob: too many arguments\nusage: %s\n", usage);
            return -1;
        }
        a->pos[a->n_pos++] = argv[i];
    }
    return 0;
}

int cli_check_count(const cli_args *a, const char *names, int lo, int hi, const char *usage)
{
    if (a->n_pos > hi && hi >= 0) {
        fprintf(stderr, "knob: unexpected argument '%s'\nusage: %s\n", a->pos[hi], usage);
        return -1;
    }
    if (a->n_pos >= lo)
        return 0;
    const char *w = names; /* the first name not given */
    for (int k = 0; k < a->n_pos && strchr(w, ' '); k++)
        w = strchr(w, ' ') + 1;
    fprintf(stderr, "knob: missing %.*s\nusage: %s\n", (int)strcspn(w, " "), w, usage);
    return -1;
}

int cli_trial_state(knob_study *s, int64_t number)
{
    const knob_trial_info *const *trials;
    size_t n;
    if (knob_study_trials(s, &trials, &n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (trials[i]->number == number)
            return (int)trials[i]->state;
    return -1;
}

bool cli_trial_waiting(study_ref *r, int64_t number)
{
    return cli_trial_state(r->s, number) == KNOB_TRIAL_WAITING;
}

const char *cli_storage(const cli_args *a, const sweep *sw)
{
    if (a->storage)
        return a->storage;
    return sw && sw->storage ? sw->storage : KNOB_DEFAULT_STORAGE;
}

bool cli_target_reached(const sweep *sw, knob_study *s, double *best)
{
    if (!sw->has_target || sw->n_objectives != 1 || knob_study_best_value(s, best))
        return false;
    return sw->objectives[0].goal == KNOB_MAXIMIZE ? *best >= sw->target : *best <= sw->target;
}

/* The list names (n of them, strings) as a new NULL-terminated list, or NULL when one is
 * no string, is empty, or is another's too. */
static char **distinct_names(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return NULL;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(names[i], names[k]))
                return NULL;
    }
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        out[i] = strdup(names[i]);
        if (!out[i]) {
            cli_objective_names_free(out);
            return NULL;
        }
    }
    return out;
}

char **cli_sweep_objective_names(const char *attr, size_t *n)
{
    knobx_json *j = attr ? knobx_json_parse(attr, (size_t)-1, NULL, 0) : NULL;
    const char *names[SWEEP_MAX_OBJECTIVES];
    char **out = NULL;
    sweep sw;
    *n = 0;
    if (j && j->type == KNOBX_JSON_STRING &&
        !sweep_load_objectives("(the sweep stored with the study)", j->str, &sw)) {
        for (size_t i = 0; i < sw.n_objectives && i < SWEEP_MAX_OBJECTIVES; i++)
            names[i] = sw.objectives[i].name;
        if (sw.n_objectives && sw.n_objectives <= SWEEP_MAX_OBJECTIVES &&
            (out = distinct_names(names, sw.n_objectives)))
            *n = sw.n_objectives;
        sweep_free(&sw);
    }
    knobx_json_free(j);
    return out;
}

char **cli_objective_names_with(knob_study *s, char *const *from_sweep, size_t n_sweep)
{
    size_t n = knob_study_n_objectives(s);
    char **out = NULL;
    if (!n)
        return NULL;
    const char *attr = knob_study_system_attr(s, "study:metric_names");
    knobx_json *j = attr ? knobx_json_parse(attr, (size_t)-1, NULL, 0) : NULL;
    /* as many as the study has objectives: Python's studies have no bound on them */
    const char **names =
        j && j->type == KNOBX_JSON_ARRAY && j->n == n ? malloc(n * sizeof *names) : NULL;
    for (size_t i = 0; names && i < n; i++)
        names[i] = j->kids[i]->type == KNOBX_JSON_STRING ? j->kids[i]->str : NULL;
    if (names)
        out = distinct_names(names, n);
    free(names);
    knobx_json_free(j);
    if (!out && from_sweep && n_sweep == n)
        out = distinct_names((const char *const *)from_sweep, n);
    return out;
}

char **cli_objective_names(knob_study *s)
{
    size_t n;
    char **from_sweep = cli_sweep_objective_names(knob_study_system_attr(s, "sweep"), &n);
    char **out = cli_objective_names_with(s, from_sweep, n);
    cli_objective_names_free(from_sweep);
    return out;
}

void cli_objective_names_free(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}
