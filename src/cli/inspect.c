/* knob studies / trials / best / delete: what a storage holds, for people and scripts. */
#include "cli/cli.h"
#include "cli/pbt.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *dirs_text(const knob_direction *d, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    snprintf(buf, size, "%s", n ? "" : "(no metric)");
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

static void study_json(knobx_buf *b, const knob_study_summary *st)
{
    knobx_buf_puts(b, "{\"name\":");
    knobx_json_add_string(b, st->name);
    knobx_buf_puts(b, ",\"directions\":[");
    for (size_t k = 0; k < st->n_objectives; k++)
        knobx_buf_printf(b, "%s\"%s\"", k ? "," : "",
                         st->directions[k] == KNOB_MAXIMIZE ? "maximize" : "minimize");
    knobx_buf_printf(b, "],\"n_trials\":%lld,\"n_complete\":%lld,\"best_value\":",
                     (long long)st->n_trials, (long long)st->n_complete);
    cli_json_value(b, st->best_value); /* null: no complete trial with a value */
    knobx_buf_printf(b, ",\"created\":%.3f}", st->created);
}

static void study_row(knobx_buf *b, const knob_study_summary *st, int width)
{
    char d[256], created[64], best[32] = "-";
    dirs_text(st->directions, st->n_objectives, d, sizeof d);
    time_text(st->created, created, sizeof created);
    if (!isnan(st->best_value))
        snprintf(best, sizeof best, "%.6g", st->best_value);
    cli_name_cell(b, st->name, width);
    knobx_buf_printf(b, " %-20s %8lld %9lld %14s  %s\n", d, (long long)st->n_trials,
                     (long long)st->n_complete, best, created);
}

int cmd_studies(int argc, char **argv)
{
    cli_args a;
    const char *usage = "knob studies [--storage URL] [--json]";
    knob_storage *st = NULL;
    const knob_study_summary *list;
    size_t n;
    if (cli_parse_args(argc, argv, &a, "--storage --json", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "", 0, 0, usage))
        return EXIT_USAGE;
    if (cli_refuse_missing(cli_storage(&a, NULL), NULL))
        return EXIT_FAIL;
    if (knob_storage_open(cli_storage(&a, NULL), &st) || knob_storage_studies(st, &list, &n)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        knob_storage_close(st);
        return EXIT_FAIL;
    }
    knobx_buf b = {0};
    /* the names' column as wide as the longest (up to 80; 24 at least), so that the rows
     * stay aligned */
    int width = 24;
    for (size_t i = 0; !a.json && i < n; i++) {
        int w = cli_name_shown(list[i].name);
        width = w > width ? (w < 80 ? w : 80) : width;
    }
    if (a.json)
        knobx_buf_puts(&b, "[");
    else
        knobx_buf_printf(&b, "%-*s %-20s %8s %9s %14s  %s\n", width, "STUDY", "DIRECTIONS",
                         "TRIALS", "COMPLETE", "BEST", "CREATED");
    for (size_t i = 0; i < n; i++) {
        if (a.json) {
            knobx_buf_puts(&b, i ? ",\n" : "");
            study_json(&b, &list[i]);
        } else {
            study_row(&b, &list[i], width);
        }
    }
    if (a.json)
        knobx_buf_puts(&b, "]\n");
    int rc = cli_print_buf("studies", &b);
    knobx_buf_free(&b);
    knob_storage_close(st);
    return rc;
}

static void values_json(knobx_buf *b, const knob_trial_info *t)
{
    knobx_buf_puts(b, "[");
    for (size_t i = 0; i < t->n_values; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        cli_json_value(b, t->values[i]);
    }
    knobx_buf_puts(b, "]");
}

static void attrs_json(knobx_buf *b, const knob_attr *a, size_t n)
{
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        knobx_json_add_string(b, a[i].key);
        knobx_buf_puts(b, ":");
        knobx_buf_puts(b, a[i].json);
    }
    knobx_buf_puts(b, "}");
}

/* A trial's values by the objectives' names (cli_objective_names), beside its list of
 * values: {"acc":0.9,"latency":18.7}, {} when it has none. */
static void named_values_json(knobx_buf *b, const knob_trial_info *t, char *const *names)
{
    knobx_buf_puts(b, "{");
    for (size_t i = 0; i < t->n_values && names[i]; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        knobx_json_add_string(b, names[i]);
        knobx_buf_puts(b, ":");
        cli_json_value(b, t->values[i]);
    }
    knobx_buf_puts(b, "}");
}

/* A trial as a JSON object; written without printf's format parsing (`knob trials --format
 * json` writes 100,000 of them). With the objectives' names (names: NULL without), its
 * values by name too ("named_values"), after "values", which stays as it was. */
static void trial_json(knobx_buf *b, const knob_trial_info *t, const cli_params_view *pv,
                       char *const *names)
{
    knobx_buf_puts(b, "{\"number\":");
    knobx_json_add_number(b, (double)t->number);
    knobx_buf_puts(b, ",\"state\":\"");
    knobx_buf_puts(b, knob_trial_state_str(t->state));
    knobx_buf_puts(b, "\",\"values\":");
    values_json(b, t);
    if (names) {
        knobx_buf_puts(b, ",\"named_values\":");
        named_values_json(b, t, names);
    }
    knobx_buf_puts(b, ",\"params\":");
    cli_trial_params_json(b, t, pv);
    knobx_buf_puts(b, ",\"intermediate\":{");
    for (size_t i = 0; i < t->n_intermediate; i++) {
        knobx_buf_printf(b, "%s\"%lld\":", i ? "," : "", (long long)t->intermediate[i].step);
        cli_json_value(b, t->intermediate[i].value);
    }
    knobx_buf_puts(b, "},\"user_attrs\":");
    attrs_json(b, t->user_attrs, t->n_user_attrs);
    knobx_buf_puts(b, ",\"system_attrs\":");
    attrs_json(b, t->system_attrs, t->n_system_attrs);
    knobx_buf_puts(b, ",\"start\":");
    knobx_json_add_number(b, t->start_time);
    knobx_buf_puts(b, ",\"end\":");
    knobx_json_add_number(b, t->end_time);
    knobx_buf_puts(b, ",\"constraints\":[");
    for (size_t i = 0; i < t->n_constraints; i++) {
        if (i)
            knobx_buf_puts(b, ",");
        cli_json_value(b, t->constraints[i]); /* as stored: 1e999 reads back as inf */
    }
    knobx_buf_puts(b,
                   knob_trial_info_feasible(t) ? "],\"feasible\":true}" : "],\"feasible\":false}");
}

/* A CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(knobx_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) { /* a bare CR ends a row too (RFC 4180) */
        knobx_buf_puts(b, s);
        return;
    }
    knobx_buf_puts(b, "\"");
    for (; *s; s++)
        knobx_buf_add(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    knobx_buf_puts(b, "\"");
}

static void duration_text(const knob_trial_info *t, char *buf, size_t size)
{
    if (isnan(t->start_time) || isnan(t->end_time))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1fs", t->end_time - t->start_time);
}

/* A trial's values as the table or the CSV writes them: CSV is for programs, every digit,
 * as JSON has them, an infinity as inf or -inf (as Python's float() reads it); the table 8.
 * Several objectives' are joined by ';'. */
static void value_text(knobx_buf *v, double x, bool csv)
{
    if (csv && isinf(x))
        knobx_buf_puts(v, x > 0 ? "inf" : "-inf");
    else if (csv)
        knobx_json_add_number(v, x);
    else
        knobx_buf_printf(v, "%.8g", x);
}

static void values_text(knobx_buf *v, const knob_trial_info *t, bool csv)
{
    for (size_t k = 0; k < t->n_values; k++) {
        knobx_buf_puts(v, k ? ";" : "");
        value_text(v, t->values[k], csv);
    }
}

/* Whether names name several objectives: the text forms (knob best's line, the table's
 * header) name them then only, and say one objective's value as they always did ("value
 * 0.25", VALUE), which scripts read; JSON and CSV add the names for one objective too. */
static bool several(char *const *names)
{
    return names && names[0] && names[1];
}

/* The table's header of its values: VALUE, or the objectives' names joined by ';' as the
 * values are (acc;latency), for several objectives. */
static void values_header(knobx_buf *h, char *const *names)
{
    if (!several(names)) {
        knobx_buf_puts(h, "VALUE");
        return;
    }
    for (size_t k = 0; names[k]; k++) {
        knobx_buf_puts(h, k ? ";" : "");
        cli_name_cell(h, names[k], 0);
    }
}

/* The table, or the CSV. With the objectives' names (names: NULL without), the table's
 * header names its values' column by them, and the CSV adds a column of each objective's
 * values after its others, values_NAME (as Python's trials_dataframe names it): its
 * columns before stay as they were. */
static void trials_table(knobx_buf *b, const knob_trial_info *const *tr, size_t n, bool csv,
                         const cli_params_view *pv, char *const *names)
{
    /* the table's VALUE column as wide as its widest (several objectives' values joined
     * passed the 16 it had, and shifted that row's DURATION and PARAMS), its header too */
    int width = 16;
    knobx_buf h = {0};
    values_header(&h, names);
    if (!csv && !h.oom && cli_name_shown(knobx_buf_cstr(&h)) > width &&
        cli_name_shown(knobx_buf_cstr(&h)) < 4096)
        width = cli_name_shown(knobx_buf_cstr(&h));
    for (size_t i = 0; !csv && i < n; i++) {
        knobx_buf v = {0};
        values_text(&v, tr[i], false);
        if (v.len > (size_t)width && v.len < 4096)
            width = (int)v.len;
        knobx_buf_free(&v);
    }
    if (csv) {
        knobx_buf_puts(b, "number,state,values,duration_s,params,fail_reason,feasible");
        for (size_t k = 0; names && names[k]; k++) {
            knobx_buf c = {0};
            knobx_buf_printf(&c, "values_%s", names[k]);
            knobx_buf_puts(b, ",");
            csv_field(b, knobx_buf_cstr(&c));
            knobx_buf_free(&c);
        }
        knobx_buf_puts(b, "\n");
    } else {
        /* the header padded by the characters it shows, as the rows are by their bytes
         * (digits) */
        int pad = width - cli_name_shown(knobx_buf_cstr(&h));
        knobx_buf_printf(b, "%6s  %-10s %s%*s %9s  %s\n", "NUMBER", "STATE", knobx_buf_cstr(&h),
                         pad > 0 ? pad : 0, "", "DURATION", "PARAMS");
    }
    knobx_buf_free(&h);
    for (size_t i = 0; i < n; i++) {
        const knob_trial_info *t = tr[i];
        knobx_buf v = {0}, p = {0};
        values_text(&v, t, csv);
        cli_trial_params_json(&p, t, pv);
        char dur[32];
        duration_text(t, dur, sizeof dur);
        const char *reason = knob_trial_info_attr(t, "fail_reason", true);
        if (csv) {
            knobx_buf_printf(b, "%lld,%s,%s,", (long long)t->number, knob_trial_state_str(t->state),
                             knobx_buf_cstr(&v));
            /* duration_s: a number of seconds, as the column's name says */
            if (!isnan(t->start_time) && !isnan(t->end_time))
                knobx_buf_printf(b, "%.3f", t->end_time - t->start_time);
            knobx_buf_puts(b, ",");
            csv_field(b, knobx_buf_cstr(&p));
            knobx_buf_puts(b, ",");
            knobx_json *r = reason ? knobx_json_parse(reason, (size_t)-1, NULL, 0) : NULL;
            csv_field(b, r && r->str ? r->str : "");
            knobx_json_free(r);
            knobx_buf_puts(b, knob_trial_info_feasible(t) ? ",true" : ",false");
            for (size_t k = 0; names && names[k]; k++) {
                knobx_buf_puts(b, ",");
                if (k < t->n_values)
                    value_text(b, t->values[k], true);
            }
            knobx_buf_puts(b, "\n");
        } else {
            /* a complete trial that violates a constraint shows as infeasible */
            bool infeasible = t->state == KNOB_TRIAL_COMPLETE && !knob_trial_info_feasible(t);
            knobx_buf_printf(b, "%6lld  %-10s %-*s %9s  %s\n", (long long)t->number,
                             infeasible ? "infeasible" : knob_trial_state_str(t->state), width,
                             v.len ? knobx_buf_cstr(&v) : "-", dur, knobx_buf_cstr(&p));
        }
        knobx_buf_free(&v);
        knobx_buf_free(&p);
    }
}

int cmd_trials(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage = "knob trials STUDY [--storage URL] [--format table|csv|json] [--json]";
    if (cli_parse_args(argc, argv, &a, "--storage --format --json", usage))
        return EXIT_USAGE;
    const char *fmt = a.format ? a.format : a.json ? "json" : "table";
    if (cli_check_count(&a, "STUDY", 1, 1, usage))
        return EXIT_USAGE;
    if (strcmp(fmt, "table") && strcmp(fmt, "csv") && strcmp(fmt, "json")) {
        fprintf(stderr, "knob trials: unknown format '%s' (table, csv or json)\nusage: %s\n", fmt,
                usage);
        return EXIT_USAGE;
    }
    if (a.json && strcmp(fmt, "json")) { /* --json is --format json: not silently the other */
        fprintf(stderr, "knob trials: --json and --format %s ask for two formats\nusage: %s\n", fmt,
                usage);
        return EXIT_USAGE;
    }
    if (cli_open_study(cli_storage(&a, NULL), a.pos[0], &r))
        return EXIT_FAIL;
    const knob_trial_info *const *tr;
    size_t n;
    if (knob_study_trials(r.s, &tr, &n)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        cli_close(&r);
        return EXIT_FAIL;
    }
    knobx_buf b = {0};
    cli_params_view pv;
    cli_params_view_read(r.s, &pv);
    char **names = cli_objective_names(r.s);
    if (!strcmp(fmt, "json")) {
        knobx_buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                knobx_buf_puts(&b, ",\n");
            trial_json(&b, tr[i], &pv, names);
        }
        knobx_buf_puts(&b, "]\n");
    } else {
        trials_table(&b, tr, n, !strcmp(fmt, "csv"), &pv, names);
    }
    cli_objective_names_free(names);
    cli_params_view_free(&pv);
    int rc = cli_print_buf("trials", &b);
    knobx_buf_free(&b);
    const knob_trial_info *best = NULL;
    if (!rc && !strcmp(fmt, "table") && knob_study_n_objectives(r.s) == 1 &&
        !knob_study_best_trial(r.s, &best) && knob_trial_info_attr(best, "pbt", true)) {
        printf("\nbest trial %lld: ", (long long)best->number);
        pbt_print_schedule(stdout, r.s, best->number);
    }
    cli_close(&r);
    return rc;
}

/* A best trial: "trial 3: value 0.25" or, with several objectives' names (names: NULL
 * without), each value after its name as knob run's lines say them ("trial 3: value acc=0.9
 * latency=18.7"); then its params. */
static void best_text(knobx_buf *b, const knob_trial_info *t, bool json, const cli_params_view *pv,
                      char *const *names)
{
    if (json) {
        trial_json(b, t, pv, names);
        knobx_buf_puts(b, "\n");
        return;
    }
    knobx_buf_printf(b, "trial %lld: value", (long long)t->number);
    for (size_t k = 0; k < t->n_values; k++) {
        knobx_buf_puts(b, " ");
        if (several(names) && names[k]) {
            cli_name_cell(b, names[k], 0);
            knobx_buf_puts(b, "=");
        }
        knobx_buf_printf(b, "%.10g", t->values[k]);
    }
    knobx_buf_puts(b, "\n  params: ");
    cli_trial_params_json(b, t, pv);
    knobx_buf_puts(b, "\n");
}

/* The best trial, or every trial of the Pareto front for several objectives. */
static int print_best(study_ref *r, bool json)
{
    const knob_trial_info *const *front = NULL;
    const knob_trial_info *one = NULL;
    size_t n = 0;
    if (knob_study_n_objectives(r->s) == 0) {
        fprintf(stderr, "knob: study '%s' has no metric, so no best trial (see knob trials)\n",
                knob_study_name(r->s));
        return EXIT_FAIL;
    }
    int rc = knob_study_n_objectives(r->s) == 1 ? knob_study_best_trial(r->s, &one)
                                                : knob_study_best_trials(r->s, &front, &n);
    if (rc || (!one && !n)) {
        if (rc)
            fprintf(stderr, "knob: %s\n", knob_errmsg());
        else /* as the library says it for one objective */
            fprintf(stderr, "knob: study '%s' has no complete trial yet\n", knob_study_name(r->s));
        return EXIT_FAIL;
    }
    knobx_buf b = {0};
    cli_params_view pv;
    cli_params_view_read(r->s, &pv);
    char **names = cli_objective_names(r->s);
    int64_t pbt = one && knob_trial_info_attr(one, "pbt", true) ? one->number : -1;
    if (one)
        best_text(&b, one, json, &pv, names);
    if (pbt >= 0 && json && b.len >= 2) { /* method pbt: the schedule in the trial's object */
        b.len -= 2;
        knobx_buf_puts(&b, ",\"schedule\":");
        pbt_schedule_json(&b, r->s, pbt);
        knobx_buf_puts(&b, "}\n");
    }
    for (size_t i = 0; i < n; i++)
        best_text(&b, front[i], json, &pv, names);
    double hv;
    size_t m = knob_study_n_objectives(r->s);
    if (n && !json && !cli_hv_affordable(m, n))
        knobx_buf_printf(&b,
                         "Pareto front: %zu feasible trial%s (hypervolume not computed: the "
                         "exact hypervolume of %zu points in %zu objectives takes too long; "
                         "knob_study_hypervolume computes it)\n",
                         n, n == 1 ? "" : "s", n, m);
    else if (n && !json && !knob_study_hypervolume(r->s, NULL, &hv))
        knobx_buf_printf(&b,
                         "Pareto front: %zu feasible trial%s, hypervolume %.10g (reference: the "
                         "front's nadir + 10%% of its range)\n",
                         n, n == 1 ? "" : "s", hv);
    cli_objective_names_free(names);
    cli_params_view_free(&pv);
    rc = cli_print_buf("best", &b);
    knobx_buf_free(&b);
    if (!rc && pbt >= 0 && !json)
        pbt_print_schedule(stdout, r->s, pbt);
    return rc;
}

int cmd_best(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage = "knob best STUDY [--storage URL] [--json]";
    if (cli_parse_args(argc, argv, &a, "--storage --json", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY", 1, 1, usage))
        return EXIT_USAGE;
    if (cli_open_study(cli_storage(&a, NULL), a.pos[0], &r))
        return EXIT_FAIL;
    int rc = print_best(&r, a.json);
    cli_close(&r);
    return rc;
}

int cmd_delete(int argc, char **argv)
{
    cli_args a;
    knob_storage *st = NULL;
    const char *usage = "knob delete STUDY [--storage URL]";
    if (cli_parse_args(argc, argv, &a, "--storage", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY", 1, 1, usage))
        return EXIT_USAGE;
    if (cli_refuse_missing(cli_storage(&a, NULL), a.pos[0]))
        return EXIT_FAIL;
    if (knob_storage_open(cli_storage(&a, NULL), &st) || knob_storage_delete_study(st, a.pos[0])) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        knob_storage_close(st);
        return EXIT_FAIL;
    }
    knob_storage_close(st);
    printf("deleted study '%s'\n", a.pos[0]);
    return 0;
}
