/* knob intermediate: an intermediate value of a trial driven by knob ask / knob tell, and
 * the pruner's answer, as Optuna's trial.report and trial.should_prune. */
#include "cli/cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define EXIT_PRUNE 3 /* the pruner says stop: the script tells the trial --state pruned */

/* The step a value without --step takes: one past the trial's last (0 for its first). */
static int64_t next_step(knob_trial *t)
{
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    /* a step of INT64_MAX (added by knob_study_add_trial) has no next: the report refuses it */
    return !n ? 0 : v[n - 1].step < INT64_MAX ? v[n - 1].step + 1 : INT64_MAX;
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
    if (step < 0)
        step = next_step(t);
    const knob_step_value *v;
    size_t n = knob_trial_intermediate(t, &v);
    for (size_t i = 0; i < n; i++)
        if (v[i].step == step) /* as Optuna warns: the first value stays */
            fprintf(stderr,
                    "knob intermediate: trial %lld of study '%s' has a value at step %lld "
                    "already (%.17g): %.17g is ignored\n",
                    (long long)number, study, (long long)step, v[i].value, value);
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
    if (cli_parse_args(argc, argv, &a, usage))
        return EXIT_USAGE;
    if (cli_check_count(&a, "STUDY NUMBER VALUE", 3, 3, usage))
        return EXIT_USAGE;
    if (cli_int(a.pos[1], &number) || number < 0) {
        fprintf(stderr, "knob intermediate: '%s' is not a trial number\n", a.pos[1]);
        return EXIT_USAGE;
    }
    if (a.step && (cli_int(a.step, &step) || step < 0)) {
        fprintf(stderr, "knob intermediate: --step is a whole number >= 0, got '%s'\n", a.step);
        return EXIT_USAGE;
    }
    char *end;
    double value = strtod(a.pos[2], &end);
    if (*end || end == a.pos[2] || !isfinite(value)) {
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
