/* knob intermediate: an intermediate value of a trial driven by knob ask / knob tell, and
 * the pruner's answer, as Optuna's trial.report and trial.should_prune. */
#include "cli/cli.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_PRUNE 3 /* the pruner says stop: the script tells the trial --state pruned */

/* The largest step (SWEEP_EXACT_INT, 2^53), as knob run reads steps from records. */
#define MAX_STEP SWEEP_EXACT_INT

/* The step a value without --step takes: one past the trial's last (0 for its first);
 * false, with *step the last, when that is at MAX_STEP or past it already (reported
 * through the C API or Python, whose steps go to 2^63 - 1). */
static bool next_step(knob_trial *t, int64_t *step)
{
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    if (n && v[n - 1].step >= MAX_STEP) {
        *step = v[n - 1].step;
        return false;
    }
    *step = n ? v[n - 1].step + 1 : 0;
    return true;
}

/* Reports `value` at `step` (next_step when < 0) and prints the pruner's answer. */
static int report(study_ref *r, const char *study, int64_t number, int64_t step, double value)
{
    knob_trial *t;
    int rc = knob_study_open_trial(r->s, number, &t);
    if (rc) {
        fprintf(stderr, "knob intermediate: %s\n", knob_errmsg());
        /* a waiting trial is a mistake in the call, as knob tell has it */
        return rc == KNOB_ESTATE && cli_trial_waiting(r, number) ? EXIT_USAGE : EXIT_FAIL;
    }
    if (step < 0 && !next_step(t, &step)) {
        fprintf(stderr,
                "knob intermediate: trial %lld of study '%s' is at step %lld: the next step "
                "is past the largest, 2^53 (%lld); give --step\n",
                (long long)number, study, (long long)step, (long long)MAX_STEP);
        knob_trial_detach(t);
        return EXIT_USAGE;
    }
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    for (size_t i = 0; i < n; i++)
        if (v[i].step == step) {              /* as Optuna warns: the first value stays */
            knobx_buf had = {0}, given = {0}; /* in their fewest digits: 0.6, as typed */
            /* a stored infinity or NaN (knob_study_add_trial takes them) said as such */
            if (isfinite(v[i].value))
                knobx_json_add_number(&had, v[i].value);
            else
                knobx_buf_puts(&had, isnan(v[i].value) ? "nan" : v[i].value > 0 ? "inf" : "-inf");
            knobx_json_add_number(&given, value);
            fprintf(stderr,
                    "knob intermediate: trial %lld of study '%s' has a value at step %lld "
                    "already (%s): %s is ignored\n",
                    (long long)number, study, (long long)step, had.oom ? "?" : knobx_buf_cstr(&had),
                    given.oom ? "?" : knobx_buf_cstr(&given));
            knobx_buf_free(&had);
            knobx_buf_free(&given);
        }
    bool prune = false;
    if (!(rc = knob_trial_report(t, step, value)))
        rc = knob_trial_should_prune(t, &prune);
    if (rc)
        fprintf(stderr, "knob intermediate: %s\n", knob_errmsg());
    knob_trial_detach(t);
    if (rc)
        return EXIT_FAIL;
    printf("%s\n", prune ? "prune" : "continue");
    return prune ? EXIT_PRUNE : 0;
}

/* --step: a whole number from 0 to MAX_STEP. One past it (9.3e18, 1e30, or digits past
 * int64) is named as such, not as a malformed number. */
static int parse_step(const char *text, int64_t *step)
{
    char *end;
    double v = strtod(text, &end);
    bool is_int = !cli_int(text, step);
    if (is_int && *step >= 0 && *step <= MAX_STEP)
        return 0;
    if ((is_int && *step > MAX_STEP) ||
        (end != text && !*end && !strpbrk(text, "xX") && v > (double)MAX_STEP))
        fprintf(stderr, "knob intermediate: --step %s is past the largest step, 2^53 (%lld)\n",
                text, (long long)MAX_STEP);
    else
        fprintf(stderr, "knob intermediate: --step is a whole number >= 0, got '%s'\n", text);
    return -1;
}

int cmd_intermediate(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage =
        "knob intermediate STUDY NUMBER VALUE [--step N] [--storage URL]\n"
        "Records an intermediate value of trial NUMBER (asked with knob ask) at step N (by "
        "default one past its last), then prints the pruner's answer: 'continue' (exit status "
        "0) or 'prune' (exit status 3: tell it with knob tell STUDY NUMBER --state pruned).";
    int64_t number, step = -1;
    if (cli_parse_args(argc, argv, &a, "--step --storage", usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY NUMBER VALUE", 3, 3, usage))
        return EXIT_USAGE;
    if (cli_int(a.pos[1], &number) || number < 0) {
        fprintf(stderr, "knob intermediate: '%s' is not a trial number\n", a.pos[1]);
        return EXIT_USAGE;
    }
    if (a.step && parse_step(a.step, &step))
        return EXIT_USAGE;
    char *end;
    double value = strtod(a.pos[2], &end);
    if (*end || end == a.pos[2] || !isfinite(value) || strpbrk(a.pos[2], "xX")) {
        fprintf(stderr,
                "knob intermediate: the value must be a finite number, got '%s' (a trial whose "
                "value is no number any more is told --state fail)\n",
                a.pos[2]);
        return EXIT_USAGE;
    }
    if (cli_open_study_pruner(cli_storage(&a, NULL), a.pos[0], &r))
        return EXIT_FAIL;
    int rc = report(&r, a.pos[0], number, step, value);
    cli_close(&r);
    return rc;
}
