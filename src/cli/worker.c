/* knob worker: joins a study by name, with the sweep stored in it, and runs trials. Start
 * it on any number of machines pointed at one storage. */
#include "cli/cli.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: knob worker [SWEEP.yaml] [--study NAME] [--storage URL] [--trials N] "
          "[--parallel K] [--timeout D] [--trial-timeout D] [--seed S]\n"
          "                   [--max-initial-failures N]\n"
          "With a sweep file it is knob run; with only --study it reads the sweep stored with "
          "the study.\nA worker whose trials stop beating (killed, machine gone) has them "
          "failed and retried once by the others.\n",
          f);
}

/* The text of the sweep stored with the study (free it); NULL after saying why. */
static char *stored_sweep(const char *storage, const char *study)
{
    study_ref r;
    if (cli_open_study(storage, study, &r))
        return NULL;
    const char *json = knob_study_system_attr(r.s, "sweep");
    knobx_json *j = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    char *text = NULL;
    if (!j || j->type != KNOBX_JSON_STRING)
        fprintf(stderr,
                "knob worker: study '%s' has no stored sweep (start it once with knob "
                "run SWEEP.yaml, or give the sweep file)\n",
                study);
    else if (!(text = strdup(j->str)))
        fprintf(stderr, "knob worker: out of memory\n");
    knobx_json_free(j);
    cli_close(&r);
    return text;
}

int cmd_worker(int argc, char **argv)
{
    run_signals_early();
    /* knob run's other options, a worker's too: any other is refused here, in the worker's
     * terms (knob run's parser named knob run and its SWEEP.yaml) */
    static const char *const run_options[] = {"--trials",  "--parallel",
                                              "--timeout", "--trial-timeout",
                                              "--seed",    "--max-initial-failures"};
    const char *study = NULL, *storage = NULL, *sweep_path = NULL, *value;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { /* what follows is the sweep file (knob run's "--") */
            if (i + 1 < argc)
                sweep_path = argv[i + 1];
            break;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return cli_stdout_written("worker");
        }
        if (cli_opt(argc, argv, &i, "--study", &study) ||
            cli_opt(argc, argv, &i, "--storage", &storage))
            continue;
        bool taken = false;
        for (size_t k = 0; k < sizeof run_options / sizeof *run_options && !taken; k++)
            taken = cli_opt(argc, argv, &i, run_options[k], &value);
        if (taken)
            continue;
        if (argv[i][0] == '-' || sweep_path) {
            fprintf(stderr, "knob worker: %s '%s'\n",
                    argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
        sweep_path = argv[i];
    }
    if (sweep_path)
        return cli_run_worker(argc, argv);
    if (!study) {
        fputs("knob worker: give the study to join (--study NAME, whose stored sweep it runs) "
              "or a sweep file\n",
              stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_run_check_flags(argc, argv))
        return EXIT_USAGE;
    char *text = stored_sweep(storage ? storage : KNOB_DEFAULT_STORAGE, study);
    if (run_stopped()) { /* stopped while it opened: no trial asked yet */
        free(text);
        return 130;
    }
    if (!text)
        return EXIT_FAIL;
    char label[300];
    snprintf(label, sizeof label, "(the sweep stored with study '%.200s')", study);
    int rc = cli_run_stored(argc, argv, label, text);
    free(text);
    return rc;
}
