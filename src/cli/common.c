/* Opening studies from sweep files, durations, option parsing. */
#include "cli/cli.h"
#include "util/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (*i + 1 >= argc) {
        fprintf(stderr, "knob: option %s needs a value\n", name);
        exit(EXIT_USAGE);
    }
    *value = argv[++*i];
    return true;
}

double cli_duration(const char *text)
{
    double total = 0;
    const char *s = text;
    if (!*s)
        return -1;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0)
            return -1;
        s = end;
        double unit = 1;
        if (*s == 'h')
            unit = 3600;
        else if (*s == 'm' && s[1] == 's')
            unit = 0.001, s++;
        else if (*s == 'm')
            unit = 60;
        else if (*s == 's')
            unit = 1;
        else if (*s == 'd')
            unit = 86400;
        else if (*s)
            return -1;
        if (*s)
            s++;
        total += v * unit;
    }
    return total;
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

/* A sampler for the sweep: knob's `sampler:` key, else its method. */
static int make_sampler(const sweep *sw, bool has_seed, int64_t seed, knob_sampler **out,
                        bool *grid)
{
    const char *name = sw->sampler;
    if (!name) {
        if (!strcmp(sw->method, "grid"))
            name = "grid";
        else if (!strcmp(sw->method, "random"))
            name = "random";
        else if (knob_sampler_create("tpe", sw->sampler_options, out) == KNOB_OK)
            goto made;
        else {
            fprintf(stderr, "knob: method bayes: the tpe sampler is not available here; "
                            "using random search\n");
            name = "random";
        }
    }
    if (knob_sampler_create(name, sw->sampler ? sw->sampler_options : NULL, out))
        return fail("sampler");
made:
    *grid = !strcmp(knob_sampler_name(*out), "grid");
    if (has_seed) {
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)seed);
        if (knob_sampler_set_option(*out, "seed", text))
            return fail("sampler");
    } else if (sw->has_seed) {
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)sw->seed);
        knob_sampler_set_option(*out, "seed", text);
    }
    if (!*grid)
        return 0;
    for (size_t i = 0; i < sw->n_params; i++) {
        char *json;
        if (!sweep_grid_values(&sw->params[i], &json)) {
            fprintf(stderr, "%s:%d: method grid needs values for parameter '%s' (values, value, "
                            "int_uniform or q_uniform)\n", sw->path, sw->params[i].line,
                    sw->params[i].name);
            return -1;
        }
        int rc = knob_sampler_grid_add(*out, sw->params[i].name, json);
        free(json);
        if (rc)
            return fail("grid");
    }
    return 0;
}

static int make_pruner(const sweep *sw, knob_pruner **out)
{
    *out = NULL;
    if (sw->pruner) {
        if (knob_pruner_create(sw->pruner, sw->pruner_options, out))
            return fail("pruner");
        return 0;
    }
    if (!sw->early_type)
        return 0;
    /* W&B's hyperband: brackets from min_iter (or max_iter / eta^s) up with eta. */
    int64_t eta = sw->early_eta ? sw->early_eta : 3, lo = sw->early_min_iter, hi = sw->early_max_iter;
    if (!lo) {
        lo = hi;
        for (int64_t k = 0; k < (sw->early_s ? sw->early_s : 3) && lo > 1; k++)
            lo /= eta;
    }
    if (!hi) {
        hi = lo;
        for (int64_t k = 0; k < (sw->early_s ? sw->early_s : 3); k++)
            hi *= eta;
    }
    char opts[128];
    snprintf(opts, sizeof opts, "min_resource=%lld,max_resource=%lld,reduction_factor=%lld",
             (long long)lo, (long long)hi, (long long)eta);
    if (knob_pruner_create("hyperband", opts, out))
        return fail("early_terminate");
    return 0;
}

int cli_open_sweep_study(const sweep *sw, const char *storage, const char *name, bool has_seed,
                         int64_t seed, study_ref *out)
{
    knob_sampler *sampler = NULL;
    knob_pruner *pruner = NULL;
    memset(out, 0, sizeof *out);
    if (make_sampler(sw, has_seed, seed, &sampler, &out->grid) || make_pruner(sw, &pruner)) {
        knob_sampler_free(sampler);
        return -1;
    }
    knob_direction dirs[64];
    for (size_t i = 0; i < sw->n_objectives && i < 64; i++)
        dirs[i] = sw->objectives[i].goal;
    /* Workers beat for their trials; a trial whose worker died is failed after a minute
     * and run once more. */
    knob_study_options o = {.directions = dirs, .n_directions = sw->n_objectives,
                            .sampler = sampler, .pruner = pruner,
                            .heartbeat_interval = CLI_HEARTBEAT, .grace_period = CLI_GRACE,
                            .max_retry = 1};
    if (knob_storage_open(storage, &out->st)) {
        knob_sampler_free(sampler);
        knob_pruner_free(pruner);
        return fail("storage");
    }
    if (knob_study_create(out->st, name, &o, &out->s)) {
        fail("study");
        knob_storage_close(out->st);
        return -1;
    }
    if (!knob_study_system_attr(out->s, "sweep")) {
        knob__buf b = {0};
        knob__json_add_string(&b, sw->text);
        if (b.oom || knob_study_set_system_attr(out->s, "sweep", knob__buf_cstr(&b)))
            fprintf(stderr, "knob: warning: could not store the sweep with the study: %s\n",
                    knob_errmsg());
        knob__buf_free(&b);
    }
    return 0;
}

int cli_open_study(const char *storage, const char *name, study_ref *out)
{
    memset(out, 0, sizeof *out);
    if (knob_storage_open(storage, &out->st))
        return fail("storage");
    if (knob_study_load(out->st, name, NULL, &out->s)) {
        fail("study");
        knob_storage_close(out->st);
        return -1;
    }
    return 0;
}

void cli_close(study_ref *r)
{
    knob_study_free(r->s);
    knob_storage_close(r->st);
    memset(r, 0, sizeof *r);
}

void cli_trial_params_json(knob__buf *b, const knob_trial_info *t)
{
    const char *given = knob_trial_info_attr(t, "params", false);
    if (given) {
        knob__buf_puts(b, given);
        return;
    }
    knob__buf_puts(b, "{");
    for (size_t i = 0; i < t->n_params; i++) {
        char v[512];
        knob_param_format(&t->params[i], v, sizeof v);
        knob__buf_printf(b, "%s", i ? "," : "");
        knob__json_add_string(b, t->params[i].name);
        knob__buf_printf(b, ":%s", v);
    }
    knob__buf_puts(b, "}");
}
