/* Shared by the knob subcommands. */
#ifndef KNOB_CLI_H
#define KNOB_CLI_H

#include "cli/sweep.h"
#include "knob.h"

#include <stdbool.h>
#include <stdint.h>

#define KNOB_DEFAULT_STORAGE "sqlite:///knob.db"

/* Heartbeats of the trials the CLI runs (seconds), and how long a trial may go without
 * one before another worker fails and retries it. */
#define CLI_HEARTBEAT 10.0
#define CLI_GRACE 60.0

/* Exit statuses: usage or sweep errors, and failures at run time. */
#define EXIT_USAGE 2
#define EXIT_FAIL 1

typedef struct study_ref {
    knob_storage *st;
    knob_study *s;
    bool grid;
} study_ref;

/* Opens the storage and creates or loads the study a sweep describes (sampler, pruner,
 * directions; the sweep text stored with the study). Prints errors; -1 on failure. */
int cli_open_sweep_study(const sweep *sw, const char *storage, const char *name, bool has_seed,
                         int64_t seed, study_ref *out);

/* Opens the storage and loads an existing study. Prints errors; -1 on failure. */
int cli_open_study(const char *storage, const char *name, study_ref *out);
void cli_close(study_ref *r);

/* The study name a sweep gets when none is given: its file name without extension. */
char *cli_default_study(const char *sweep_path);

/* Seconds from "90", "30s", "5m", "2h", "1h30m"; -1 when malformed. */
double cli_duration(const char *text);

/* The params of a trial as JSON for people: its "params" user attribute (what the
 * program got) or else its params' external values. Appends to b. */
struct knob__buf;
void cli_trial_params_json(struct knob__buf *b, const knob_trial_info *t);

/* Finds "--name value" or "--name=value" in argv[i]; advances *i. */
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

int cmd_run(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_tell(int argc, char **argv);
int cmd_studies(int argc, char **argv);
int cmd_trials(int argc, char **argv);
int cmd_best(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_enqueue(int argc, char **argv);
int cmd_samplers(int argc, char **argv);
int cmd_worker(int argc, char **argv);

#endif
