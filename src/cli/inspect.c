/* knob studies / trials / best / delete / enqueue / ask / tell / samplers. */
#include "cli/cli.h"
#include "cli/params.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Parses "--storage URL" and the positional arguments every command takes. */
typedef struct args {
    const char *storage, *format, *sweep, *state, *seed;
    const char *pos[64];
    int n_pos;
    bool json;
} args;

static int parse(int argc, char **argv, args *a, const char *usage)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fprintf(stderr, "usage: %s\n", usage);
            exit(0);
        }
        if (cli_opt(argc, argv, &i, "--storage", &a->storage) ||
            cli_opt(argc, argv, &i, "--format", &a->format) ||
            cli_opt(argc, argv, &i, "--sweep", &a->sweep) ||
            cli_opt(argc, argv, &i, "--state", &a->state) ||
            cli_opt(argc, argv, &i, "--seed", &a->seed))
            continue;
        if (!strcmp(argv[i], "--json")) {
            a->json = true;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9') &&
            argv[i][1] != '.') {
            fprintf(stderr, "knob: unknown option '%s'\nusage: %s\n", argv[i], usage);
            return -1;
        }
        if (a->n_pos < 64)
            a->pos[a->n_pos++] = argv[i];
    }
    if (!a->storage)
        a->storage = KNOB_DEFAULT_STORAGE;
    return 0;
}

static const char *dirs_text(const knob_direction *d, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && used + 10 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                                 d[i] == KNOB_MAXIMIZE ? "maximize" : "minimize");
    return buf;
}

static void time_text(double t, char *buf, size_t size)
{
    if (isnan(t)) {
        snprintf(buf, size, "-");
        return;
    }
    time_t s = (time_t)t;
    struct tm tm;
    localtime_r(&s, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

int cmd_studies(int argc, char **argv)
{
    args a;
    if (parse(argc, argv, &a, "knob studies [--storage URL] [--json]"))
        return EXIT_USAGE;
    knob_storage *st;
    knob_study_summary *list;
    size_t n;
    if (knob_storage_open(a.storage, &st) || knob_storage_studies(st, &list, &n)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        return EXIT_FAIL;
    }
    knob__buf b = {0};
    if (a.json)
        knob__buf_puts(&b, "[");
    else
        knob__buf_printf(&b, "%-24s %-20s %8s %9s %14s  %s\n", "STUDY", "DIRECTIONS", "TRIALS",
                         "COMPLETE", "BEST", "CREATED");
    for (size_t i = 0; i < n; i++) {
        char d[256], created[64];
        dirs_text(list[i].directions, list[i].n_directions, d, sizeof d);
        time_text(list[i].created, created, sizeof created);
        if (a.json) {
            knob__buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
            knob__json_add_string(&b, list[i].name);
            knob__buf_printf(&b, ",\"directions\":\"%s\",\"n_trials\":%lld,\"n_complete\":%lld,"
                                 "\"best_value\":", d, (long long)list[i].n_trials,
                             (long long)list[i].n_complete);
            knob__json_add_number(&b, list[i].best_value);
            knob__buf_printf(&b, ",\"created\":%.3f}", list[i].created);
        } else {
            knob__buf_printf(&b, "%-24s %-20s %8lld %9lld %14.6g  %s\n", list[i].name, d,
                             (long long)list[i].n_trials, (long long)list[i].n_complete,
                             list[i].best_value, created);
        }
    }
    if (a.json)
        knob__buf_puts(&b, "]\n");
    fputs(knob__buf_cstr(&b), stdout);
    knob__buf_free(&b);
    knob_study_summaries_free(list, n);
    knob_storage_close(st);
    return 0;
}

static void values_json(knob__buf *b, const knob_trial_info *t)
{
    knob__buf_puts(b, "[");
    for (size_t i = 0; i < t->n_values; i++) {
        if (i)
            knob__buf_puts(b, ",");
        knob__json_add_number(b, t->values[i]);
    }
    knob__buf_puts(b, "]");
}

static void attrs_json(knob__buf *b, const knob_attr *a, size_t n)
{
    knob__buf_puts(b, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            knob__buf_puts(b, ",");
        knob__json_add_string(b, a[i].key);
        knob__buf_printf(b, ":%s", a[i].json);
    }
    knob__buf_puts(b, "}");
}

static void trial_json(knob__buf *b, const knob_trial_info *t)
{
    knob__buf_printf(b, "{\"number\":%lld,\"state\":\"%s\",\"values\":", (long long)t->number,
                     knob_trial_state_str(t->state));
    values_json(b, t);
    knob__buf_puts(b, ",\"params\":");
    cli_trial_params_json(b, t);
    knob__buf_puts(b, ",\"intermediate\":{");
    for (size_t i = 0; i < t->n_intermediate; i++) {
        knob__buf_printf(b, "%s\"%lld\":", i ? "," : "", (long long)t->intermediate[i].step);
        knob__json_add_number(b, t->intermediate[i].value);
    }
    knob__buf_puts(b, "},\"user_attrs\":");
    attrs_json(b, t->user_attrs, t->n_user_attrs);
    knob__buf_puts(b, ",\"system_attrs\":");
    attrs_json(b, t->system_attrs, t->n_system_attrs);
    knob__buf_puts(b, ",\"start\":");
    knob__json_add_number(b, t->start_time);
    knob__buf_puts(b, ",\"end\":");
    knob__json_add_number(b, t->end_time);
    knob__buf_puts(b, "}");
}

/* A CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(knob__buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        knob__buf_puts(b, s);
        return;
    }
    knob__buf_puts(b, "\"");
    for (; *s; s++)
        knob__buf_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    knob__buf_puts(b, "\"");
}

static void duration_text(const knob_trial_info *t, char *buf, size_t size)
{
    if (isnan(t->start_time) || isnan(t->end_time))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1fs", t->end_time - t->start_time);
}

static void trials_table(knob__buf *b, const knob_trial_info *const *tr, size_t n, bool csv)
{
    if (csv)
        knob__buf_puts(b, "number,state,values,duration_s,params,fail_reason\n");
    else
        knob__buf_printf(b, "%6s  %-9s %-16s %9s  %s\n", "NUMBER", "STATE", "VALUE", "DURATION",
                         "PARAMS");
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = tr[i];
        knob__buf v = {0}, p = {0};
        for (size_t k = 0; k < t->n_values; k++)
            knob__buf_printf(&v, "%s%.8g", k ? ";" : "", t->values[k]);
        cli_trial_params_json(&p, t);
        char dur[32];
        duration_text(t, dur, sizeof dur);
        const char *reason = knob_trial_info_attr(t, "fail_reason", true);
        if (csv) {
            knob__buf_printf(b, "%lld,%s,%s,", (long long)t->number,
                             knob_trial_state_str(t->state), knob__buf_cstr(&v));
            knob__buf_printf(b, "%s,", dur[0] == '-' ? "" : dur);
            csv_field(b, knob__buf_cstr(&p));
            knob__buf_puts(b, ",");
            knob__json *r = reason ? knob__json_parse(reason, (size_t)-1, NULL, 0) : NULL;
            csv_field(b, r && r->str ? r->str : "");
            knob__json_free(r);
            knob__buf_puts(b, "\n");
        } else {
            knob__buf_printf(b, "%6lld  %-9s %-16s %9s  %s\n", (long long)t->number,
                             knob_trial_state_str(t->state), v.len ? knob__buf_cstr(&v) : "-",
                             dur, knob__buf_cstr(&p));
        }
        knob__buf_free(&v);
        knob__buf_free(&p);
    }
}

int cmd_trials(int argc, char **argv)
{
    args a;
    study_ref r;
    if (parse(argc, argv, &a, "knob trials STUDY [--storage URL] [--format table|csv|json]"))
        return EXIT_USAGE;
    const char *fmt = a.format ? a.format : a.json ? "json" : "table";
    if (a.n_pos != 1 || (strcmp(fmt, "table") && strcmp(fmt, "csv") && strcmp(fmt, "json"))) {
        fputs("usage: knob trials STUDY [--storage URL] [--format table|csv|json]\n", stderr);
        return EXIT_USAGE;
    }
    if (cli_open_study(a.storage, a.pos[0], &r))
        return EXIT_FAIL;
    const knob_trial_info *const *tr;
    size_t n;
    if (knob_study_trials(r.s, &tr, &n)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        cli_close(&r);
        return EXIT_FAIL;
    }
    knob__buf b = {0};
    if (!strcmp(fmt, "json")) {
        knob__buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                knob__buf_puts(&b, ",\n");
            trial_json(&b, tr[i]);
        }
        knob__buf_puts(&b, "]\n");
    } else {
        trials_table(&b, tr, n, !strcmp(fmt, "csv"));
    }
    fputs(knob__buf_cstr(&b), stdout);
    knob__buf_free(&b);
    cli_close(&r);
    return 0;
}

int cmd_best(int argc, char **argv)
{
    args a;
    study_ref r;
    if (parse(argc, argv, &a, "knob best STUDY [--storage URL] [--json]"))
        return EXIT_USAGE;
    if (a.n_pos != 1) {
        fputs("usage: knob best STUDY [--storage URL] [--json]\n", stderr);
        return EXIT_USAGE;
    }
    if (cli_open_study(a.storage, a.pos[0], &r))
        return EXIT_FAIL;
    const knob_trial_info **front = NULL, *one;
    size_t n = 0;
    int rc = knob_study_n_objectives(r.s) == 1 ? knob_study_best_trial(r.s, &one)
                                               : knob_study_best_trials(r.s, &front, &n);
    if (rc) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        cli_close(&r);
        return EXIT_FAIL;
    }
    if (!front) {
        front = &one;
        n = 1;
    }
    knob__buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (a.json) {
            trial_json(&b, front[i]);
            knob__buf_puts(&b, "\n");
            continue;
        }
        knob__buf_printf(&b, "trial %lld: value", (long long)front[i]->number);
        for (size_t k = 0; k < front[i]->n_values; k++)
            knob__buf_printf(&b, " %.10g", front[i]->values[k]);
        knob__buf_puts(&b, "\n  params: ");
        cli_trial_params_json(&b, front[i]);
        knob__buf_puts(&b, "\n");
    }
    fputs(knob__buf_cstr(&b), stdout);
    knob__buf_free(&b);
    if (front != &one)
        free(front);
    cli_close(&r);
    return 0;
}

int cmd_delete(int argc, char **argv)
{
    args a;
    knob_storage *st;
    if (parse(argc, argv, &a, "knob delete STUDY [--storage URL]") || a.n_pos != 1) {
        fputs("usage: knob delete STUDY [--storage URL]\n", stderr);
        return EXIT_USAGE;
    }
    if (knob_storage_open(a.storage, &st) || knob_storage_delete_study(st, a.pos[0])) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        return EXIT_FAIL;
    }
    knob_storage_close(st);
    printf("deleted study '%s'\n", a.pos[0]);
    return 0;
}

/* "lr=0.01" -> "lr": 0.01; numbers, true/false and null stay typed. */
static void enqueue_value(knob__buf *b, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (*v && !*end && isfinite(d))
        knob__json_add_number(b, d);
    else if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null"))
        knob__buf_puts(b, v);
    else
        knob__json_add_string(b, v);
}

int cmd_enqueue(int argc, char **argv)
{
    args a;
    study_ref r;
    const char *usage = "knob enqueue STUDY key=value ... [--storage URL]";
    if (parse(argc, argv, &a, usage) || a.n_pos < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    knob__buf b = {0};
    knob__buf_puts(&b, "{");
    for (int i = 1; i < a.n_pos; i++) {
        const char *eq = strchr(a.pos[i], '=');
        if (!eq || eq == a.pos[i]) {
            fprintf(stderr, "knob enqueue: '%s' is not key=value\n", a.pos[i]);
            knob__buf_free(&b);
            return EXIT_USAGE;
        }
        char key[512];
        snprintf(key, sizeof key, "%.*s", (int)(eq - a.pos[i]), a.pos[i]);
        if (i > 1)
            knob__buf_puts(&b, ",");
        knob__json_add_string(&b, key);
        knob__buf_puts(&b, ":");
        enqueue_value(&b, eq + 1);
    }
    knob__buf_puts(&b, "}");
    int rc = cli_open_study(a.storage, a.pos[0], &r) ? EXIT_FAIL : 0;
    if (!rc && knob_study_enqueue(r.s, knob__buf_cstr(&b))) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        rc = EXIT_FAIL;
    }
    if (!rc)
        printf("enqueued %s in study '%s'\n", knob__buf_cstr(&b), a.pos[0]);
    if (r.s)
        cli_close(&r);
    knob__buf_free(&b);
    return rc;
}

int cmd_ask(int argc, char **argv)
{
    args a;
    const char *usage = "knob ask STUDY --sweep FILE [--storage URL] [--seed S]";
    if (parse(argc, argv, &a, usage) || a.n_pos != 1 || !a.sweep) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    sweep sw;
    if (sweep_load(a.sweep, &sw))
        return EXIT_USAGE;
    char *end = NULL;
    long long seed = a.seed ? strtoll(a.seed, &end, 10) : 0;
    if (a.seed && (end == a.seed || *end)) {
        fprintf(stderr, "knob ask: --seed must be an integer\n");
        sweep_free(&sw);
        return EXIT_USAGE;
    }
    study_ref r;
    const char *storage = strcmp(a.storage, KNOB_DEFAULT_STORAGE) ? a.storage
                          : sw.storage                         ? sw.storage
                                                               : a.storage;
    int rc = cli_open_sweep_study(&sw, storage, a.pos[0], a.seed != NULL, seed, &r) ? EXIT_FAIL : 0;
    knob_trial *t = NULL;
    trial_params tp = {0};
    if (!rc && knob_study_ask(r.s, &t)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        rc = knob_errmsg()[0] && strstr(knob_errmsg(), "grid") ? 3 : EXIT_FAIL;
    }
    if (!rc && params_suggest(&sw, t, r.grid, &tp)) {
        knob_study_tell(r.s, t, KNOB_TRIAL_FAIL, NULL, 0);
        t = NULL;
        rc = EXIT_FAIL;
    }
    if (!rc) {
        knob_trial_set_user_attr(t, "params", tp.json);
        printf("{\"number\": %lld, \"params\": %s}\n", (long long)knob_trial_number(t), tp.json);
        knob_trial_detach(t);
    }
    params_free(&tp);
    if (r.s)
        cli_close(&r);
    sweep_free(&sw);
    return rc;
}

int cmd_tell(int argc, char **argv)
{
    args a;
    study_ref r;
    const char *usage = "knob tell STUDY NUMBER VALUE... [--state complete|pruned|fail] "
                        "[--storage URL]";
    if (parse(argc, argv, &a, usage) || a.n_pos < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    knob_trial_state state = KNOB_TRIAL_COMPLETE;
    if (a.state && !strcmp(a.state, "pruned"))
        state = KNOB_TRIAL_PRUNED;
    else if (a.state && !strcmp(a.state, "fail"))
        state = KNOB_TRIAL_FAIL;
    else if (a.state && strcmp(a.state, "complete")) {
        fprintf(stderr, "knob tell: --state is complete, pruned or fail\n");
        return EXIT_USAGE;
    }
    char *end;
    long long number = strtoll(a.pos[1], &end, 10);
    double values[64];
    int n = 0;
    if (*end || end == a.pos[1]) {
        fprintf(stderr, "knob tell: '%s' is not a trial number\n", a.pos[1]);
        return EXIT_USAGE;
    }
    for (int i = 2; i < a.n_pos && n < 64; i++) {
        values[n++] = strtod(a.pos[i], &end);
        if (*end || end == a.pos[i]) {
            fprintf(stderr, "knob tell: '%s' is not a number\n", a.pos[i]);
            return EXIT_USAGE;
        }
    }
    if (state == KNOB_TRIAL_COMPLETE && n == 0) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    if (cli_open_study(a.storage, a.pos[0], &r))
        return EXIT_FAIL;
    int rc = knob_study_tell_number(r.s, number, state, values, (size_t)n,
                                    state == KNOB_TRIAL_FAIL ? "told fail by knob tell" : NULL);
    if (rc)
        fprintf(stderr, "knob: %s\n", knob_errmsg());
    cli_close(&r);
    return rc ? EXIT_FAIL : 0;
}

static void print_options(const knob_option *o)
{
    static const char *const types[] = {"int", "number", "bool", "string"};
    for (; o && o->name; o++)
        printf("    %-24s %-7s default %-10s %s\n", o->name, types[o->type],
               o->def && o->def[0] ? o->def : "-", o->help ? o->help : "");
}

int cmd_samplers(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("samplers (sampler: {name: NAME, options: {...}} in a sweep; every one takes seed):\n");
    for (const knob_sampler_plugin *const *p = knob_sampler_builtins(); *p; p++) {
        printf("  %s\n    %s\n", (*p)->name, (*p)->help ? (*p)->help : "");
        print_options((*p)->options);
    }
    printf("\npruners (pruner: {name: NAME, options: {...}}):\n");
    for (const knob_pruner_plugin *const *p = knob_pruner_builtins(); *p; p++) {
        printf("  %s\n    %s\n", (*p)->name, (*p)->help ? (*p)->help : "");
        print_options((*p)->options);
    }
    return 0;
}
