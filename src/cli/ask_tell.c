/* knob ask / knob tell: a study driven one step at a time from a shell or any program. */
#include "cli/cli.h"
#include "cli/params.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_DONE 3 /* knob ask: the sampler has nothing left (an exhausted grid) */

/* Asks one trial, suggests the sweep's params in it, prints them, leaves it RUNNING. */
static int ask_one(const sweep *sw, study_ref *r)
{
    knob_trial *t = NULL;
    trial_params tp = {0};
    double best;
    if (cli_target_reached(sw, r->s, &best)) { /* W&B's sweep creates no more runs then */
        fprintf(stderr,
                "knob ask: nothing left to ask: the study's best %s, %g, reaches the target "
                "%g of key 'metric.target'\n",
                sw->objectives[0].name, best, sw->target);
        return EXIT_DONE;
    }
    int rc = knob_study_ask(r->s, &t);
    if (rc == KNOB_EDONE) {
        /* the sampler's reason: a grid's points, brute_force's combinations, a cap */
        fprintf(stderr, "knob ask: nothing left to ask: %s\n", knob_errmsg());
        return EXIT_DONE;
    }
    if (rc) {
        fprintf(stderr, "knob: ask: %s\n", knob_errmsg());
        return EXIT_FAIL;
    }
    if (params_suggest(sw, t, sweep_enumerates(sw), &tp) ||
        knob_trial_set_system_attr(t, CLI_GIVEN_PARAMS, tp.json)) {
        if (tp.json)
            fprintf(stderr, "knob: %s\n", knob_errmsg());
        knob_study_tell(r->s, t, KNOB_TRIAL_FAIL, NULL, 0);
        params_free(&tp);
        return EXIT_FAIL;
    }
    cli_enqueued_taken(sw, t, &tp);
    printf("{\"number\": %lld, \"params\": %s}\n", (long long)knob_trial_number(t), tp.json);
    int64_t number = knob_trial_number(t);
    params_free(&tp);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* nobody got its params: not left RUNNING for good */
        int e = errno;
        knob_study_tell_fail(r->s, t, "knob ask could not print its params", NULL);
        fprintf(
            stderr,
            "knob ask: cannot write the params of trial %lld to stdout: %s; the trial is failed\n",
            (long long)number, strerror(e));
        return EXIT_FAIL;
    }
    knob_trial_detach(t);
    return 0;
}

/* The sweep stored with an existing study, as knob worker reads it: a W&B user's agent
 * needs only the sweep's id, and knob ask only the study's name. -1 after saying why. */
static int load_stored(const cli_args *a, sweep *sw)
{
    study_ref r;
    char label[300];
    memset(sw, 0, sizeof *sw);
    int open = cli_open_study(cli_storage(a, NULL), a->pos[0], &r);
    if (open) {
        if (open == CLI_NO_STUDY) /* not when the storage failed: the study may be there */
            fprintf(stderr, "knob ask: a new study needs its sweep: knob ask %s --sweep FILE\n",
                    a->pos[0]);
        return -1;
    }
    const char *json = knob_study_system_attr(r.s, "sweep");
    knobx_json *j = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    int rc = -1;
    snprintf(label, sizeof label, "(the sweep stored with study '%.200s')", a->pos[0]);
    if (!j || j->type != KNOBX_JSON_STRING)
        fprintf(stderr, "knob ask: study '%s' has no stored sweep: give it with --sweep FILE\n",
                a->pos[0]);
    else
        rc = sweep_load_stored(label, j->str, sw);
    knobx_json_free(j);
    cli_close(&r);
    return rc;
}

int cmd_ask(int argc, char **argv)
{
    cli_args a;
    const char *usage = "knob ask STUDY [--sweep FILE] [--storage URL] [--seed S]\n"
                        "Starts a trial and prints {\"number\": N, \"params\": {...}}; exit status "
                        "3 when the grid is done, run_cap is reached or metric.target is "
                        "reached.\nWithout --sweep, the sweep stored with the study (by its first "
                        "ask or run) is used.";
    uint64_t seed = 0;
    if (cli_parse_args(argc, argv, &a, "--sweep --storage --seed", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY", 1, 1, usage))
        return EXIT_USAGE;
    /* A reader that went away (`knob ask S | head -c0`) is an EPIPE, not a SIGPIPE that
     * kills the process after the trial began: the trial is then failed, not left RUNNING
     * for good (an asked trial has no heartbeat). */
    signal(SIGPIPE, SIG_IGN);
    if (a.seed && cli_seed("knob ask", a.seed, &seed))
        return EXIT_USAGE;
    sweep sw;
    study_ref r;
    if (a.sweep ? sweep_load(a.sweep, &sw) : load_stored(&a, &sw))
        return a.sweep ? EXIT_USAGE : EXIT_FAIL;
    int rc = cli_open_sweep_study_as(&sw, cli_storage(&a, &sw), a.pos[0],
                                     "knob ask NAME --sweep FILE", a.seed != NULL, seed, false, &r);
    /* knob tell takes no cost: a metric's cost is knob run's to read. Said when the sweep is
     * stored (the first ask of a study, or another sweep), not at every ask of a loop. */
    if (!rc && r.stored && a.sweep && sw.cost && strcmp(sw.cost, "duration"))
        fprintf(stderr,
                "%s:%d:%d: warning: key 'cost': knob tell takes no cost, so under knob ask and "
                "knob tell the search is cost-blind (cost: duration is read from the trials' "
                "times; knob run reads '%s' from the program's records)\n",
                sw.path, sw.cost_line, sw.cost_col, sw.cost);
    if (!rc) {
        rc = ask_one(&sw, &r);
        cli_close(&r);
    } else {
        rc = rc == CLI_SWEEP_MISMATCH ? EXIT_USAGE : EXIT_FAIL;
    }
    sweep_free(&sw);
    return rc;
}

static int parse_state(const char *text, knob_trial_state *out)
{
    *out = KNOB_TRIAL_COMPLETE;
    if (!text || !strcmp(text, "complete"))
        return 0;
    if (!strcmp(text, "pruned"))
        *out = KNOB_TRIAL_PRUNED;
    else if (!strcmp(text, "fail"))
        *out = KNOB_TRIAL_FAIL;
    else {
        fprintf(stderr, "knob tell: --state is complete, pruned or fail, got '%s'\n", text);
        return -1;
    }
    return 0;
}

static int parse_values(const cli_args *a, double *values, size_t *n)
{
    *n = 0;
    for (int i = 2; i < a->n_pos; i++) {
        char *end;
        if (*n >= SWEEP_MAX_OBJECTIVES) {
            fprintf(stderr, "knob tell: at most %d values\n", SWEEP_MAX_OBJECTIVES);
            return -1;
        }
        errno = 0;
        double v = values[(*n)++] = strtod(a->pos[i], &end);
        if (*end || end == a->pos[i] || strpbrk(a->pos[i], "xX")) { /* decimal: 0x10 is not */
            fprintf(stderr, "knob tell: '%s' is not a number\n", a->pos[i]);
            return -1;
        }
        /* a typo such as 1e400: refused with the trial left running, as the dashboard's
         * tell refuses it (told, it failed the trial for good) */
        if (errno == ERANGE && isinf(v)) {
            fprintf(stderr,
                    "knob tell: '%s' is beyond a double's range (nothing was written; the "
                    "trial keeps running)\n",
                    a->pos[i]);
            return -1;
        }
        /* nan, inf, -inf (a shell variable that holds one): the same, rather than the trial
         * failed for good; a failure on purpose is said as one */
        if (!isfinite(v)) {
            fprintf(stderr,
                    "knob tell: '%s' is not a finite number: a trial's values are finite "
                    "(nothing was written; the trial keeps running; to fail it, knob tell "
                    "%s %s --state fail)\n",
                    a->pos[i], a->pos[0], a->pos[1]);
            return -1;
        }
    }
    return 0;
}

#define MAX_CONSTRAINTS 64

/* --constraints V,V,...: the trial's constraint values, each satisfied when <= 0. */
static int parse_constraints(const char *text, double *out, size_t *n)
{
    *n = 0;
    if (!text)
        return 0;
    const char *p = text;
    for (;;) {
        char *end;
        if (*n >= MAX_CONSTRAINTS) {
            fprintf(stderr, "knob tell: --constraints takes at most %d values\n", MAX_CONSTRAINTS);
            return -1;
        }
        errno = 0;
        double v = strtod(p, &end);
        bool overflow = errno == ERANGE && isinf(v); /* 1e400: a typo, not inf */
        const char *x = strpbrk(p, "xX,");
        if (end == p || (*end && *end != ',') || isnan(v) || overflow || (x && *x != ',')) {
            fprintf(stderr,
                    "knob tell: --constraints is a list of numbers separated by commas (each "
                    "satisfied when <= 0; inf violated, -inf satisfied), got '%s'\n",
                    text);
            return -1;
        }
        out[(*n)++] = v;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

/* " (trial N is still running)", for a message on a tell refused for its values: the
 * library refuses a finished or missing trial for that before it looks at the values. */
static void trial_now(int64_t number, char *out, size_t size)
{
    snprintf(out, size, " (trial %lld is still running)", (long long)number);
}

/* A trial enqueued and not asked has no params: telling it is a mistake in the call, as
 * Optuna's tell refuses it. */
static int refuse_waiting(const char *study, int64_t number)
{
    fprintf(stderr,
            "knob tell: trial %lld of study '%s' is waiting: it was enqueued and has not "
            "been asked, so it has no params yet; the next `knob ask` takes it, and then it "
            "is told (nothing was written)\n",
            (long long)number, study);
    return EXIT_USAGE;
}

int cmd_tell(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage = "knob tell STUDY NUMBER VALUE... [--state complete|pruned|fail] "
                        "[--constraints C,...] [--storage URL]";
    knob_trial_state state;
    double values[SWEEP_MAX_OBJECTIVES], cons[MAX_CONSTRAINTS];
    size_t n, n_cons;
    int64_t number;
    if (cli_parse_args(argc, argv, &a, "--state --constraints --storage", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY NUMBER", 2, -1, usage))
        return EXIT_USAGE;
    if (parse_state(a.state, &state) || parse_values(&a, values, &n) ||
        parse_constraints(a.constraints, cons, &n_cons)) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    if (n && state != KNOB_TRIAL_COMPLETE) { /* as Optuna's tell refuses them */
        fprintf(stderr, "knob tell: a %s trial takes no values, got %zu%s\nusage: %s\n",
                state == KNOB_TRIAL_PRUNED ? "pruned" : "failed", n,
                state == KNOB_TRIAL_PRUNED ? " (with one objective its value is its last "
                                             "intermediate value; with several it has none)"
                                           : "",
                usage);
        return EXIT_USAGE;
    }
    if (n_cons && state == KNOB_TRIAL_FAIL) {
        fprintf(stderr,
                "knob tell: --constraints count for complete and pruned trials, not "
                "for a failed one\nusage: %s\n",
                usage);
        return EXIT_USAGE;
    }
    if (cli_int(a.pos[1], &number) || number < 0) {
        fprintf(stderr, "knob tell: '%s' is not a trial number\n", a.pos[1]);
        return EXIT_USAGE;
    }
    if (cli_open_study(cli_storage(&a, NULL), a.pos[0], &r))
        return EXIT_FAIL;
    /* A wrong count of values is a mistake in the call: the library refuses it and the
     * trial goes on running. Said first, before constraints missing as well (the values
     * are what the call gives first, and "0 constraint values" would read as theirs). */
    size_t want = knob_study_n_objectives(r.s);
    bool bad_count = state == KNOB_TRIAL_COMPLETE && n != want;
    char why[1024];
    bool cons_missing = cli_constraints_missing(r.s, a.pos[0], number, state, n_cons,
                                                "--constraints V,...", why, sizeof why);
    if (cons_missing && !bad_count) {
        fprintf(stderr, "knob tell: %s\n", why);
        cli_close(&r);
        return EXIT_USAGE;
    }
    /* The constraints first (a trial is feasible or not when it finishes), unless the
     * count of values is wrong: then the tell below refuses, and nothing is written (the
     * values are finite: parse_values refused the others). */
    if (n_cons && !bad_count) {
        int crc = knob_study_set_trial_constraints(r.s, number, cons, n_cons);
        if ((crc == KNOB_ESTATE || crc == KNOB_EINVAL) && cli_trial_waiting(&r, number)) {
            cli_close(&r);
            return refuse_waiting(a.pos[0], number);
        }
        if (crc) {
            char now[96] = "";
            if (crc == KNOB_EINVAL)
                trial_now(number, now, sizeof now);
            fprintf(stderr, "knob: %s%s\n", knob_errmsg(), now);
            cli_close(&r);
            return crc == KNOB_EINVAL ? EXIT_USAGE : EXIT_FAIL;
        }
    }
    int rc = knob_study_tell_number(r.s, number, state, values, n,
                                    state == KNOB_TRIAL_FAIL ? "told fail by knob tell" : NULL);
    bool usage_error = rc == KNOB_EINVAL && bad_count;
    if ((rc == KNOB_ESTATE || usage_error) && cli_trial_waiting(&r, number)) {
        cli_close(&r);
        return refuse_waiting(a.pos[0], number);
    }
    char now[96] = "";
    if (usage_error)
        trial_now(number, now, sizeof now);
    if (usage_error && want == 0)
        fprintf(stderr,
                "knob tell: study '%s' has no metric: tell a complete trial without "
                "values%s\n",
                a.pos[0], now);
    else if (usage_error)
        fprintf(stderr,
                "knob tell: study '%s' has %zu objective%s: a complete trial needs %zu "
                "value%s, got %zu%s\n%s%s%susage: %s\n",
                a.pos[0], want, want == 1 ? "" : "s", want, want == 1 ? "" : "s", n, now,
                cons_missing ? "knob tell: also, " : "", cons_missing ? why : "",
                cons_missing ? "\n" : "", usage);
    else if (rc)
        fprintf(stderr, "knob: %s\n", knob_errmsg());
    cli_close(&r);
    /* a finished trial told a wrong count: the message is its state, the call still wrong */
    return usage_error || (rc == KNOB_ESTATE && bad_count) ? EXIT_USAGE : rc ? EXIT_FAIL : 0;
}
