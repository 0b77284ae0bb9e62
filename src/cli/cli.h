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
    bool stored; /* cli_open_sweep_study stored the sweep: a new study, or another sweep */
} study_ref;

/* Opens the storage and creates or loads the study a sweep describes (sampler, pruner,
 * directions; the sweep's text stored with the study, again when it differs from what the
 * study holds). The seed (has_seed) wins over the sweep's. With heartbeats, the trials
 * asked beat and stale ones of dead workers are failed and retried. Prints errors; -1 on
 * failure, CLI_SWEEP_MISMATCH when the study exists with other directions than the sweep's,
 * or holds its objectives in another order, or trials with values of other constraints (a
 * mistake of the sweep or the study's name: exit status 2). */
#define CLI_SWEEP_MISMATCH (-2)
int cli_open_sweep_study(const sweep *sw, const char *storage, const char *name, bool has_seed,
                         uint64_t seed, bool heartbeats, study_ref *out);
/* The same for a command that takes the study's name its own way: `fresh` is how it is given
 * a new study's ("knob ask NAME --sweep FILE"; cli_open_sweep_study: "--study NAME", knob run's
 * and knob worker's), which the refusal of a sweep changed in a way the study cannot keep
 * names. */
int cli_open_sweep_study_as(const sweep *sw, const char *storage, const char *name,
                            const char *fresh, bool has_seed, uint64_t seed, bool heartbeats,
                            study_ref *out);

/* The points a grid sweep's study (cli_open_sweep_study) has left, as its grid sampler counts
 * them (knob_study_trials_left) but for the study's run_cap: the points past it too, its
 * waiting trials included. `seed` is the study's sampler's. -1 when it cannot be told (no
 * message). */
int64_t cli_grid_left(const sweep *sw, knob_storage *st, const char *name, uint64_t seed);

/* W&B's metric.target: true when the study's best value (of any worker's trials) reaches
 * the sweep's target (<= when minimizing, >= when maximizing), then *best holds it. */
bool cli_target_reached(const sweep *sw, knob_study *s, double *best);

/* Opens the storage and loads an existing study. Prints errors; -1 on failure,
 * CLI_NO_STUDY when the study is not there (no study of that name, or no SQLite file: that
 * file is not created, as a mistyped path, or the wrong directory, would leave an empty
 * database behind). */
#define CLI_NO_STUDY (-2)
int cli_open_study(const char *storage, const char *name, study_ref *out);

/* cli_open_study, with the pruner of the sweep stored with the study (by knob run or
 * knob ask), if it has one, for the trials' intermediate values. Prints errors; -1 on
 * failure. */
int cli_open_study_pruner(const char *storage, const char *name, study_ref *out);

/* Whether trial `number`, told `state` with n_given constraint values, falls short of the sweep
 * stored with the study: a complete trial of a sweep with `constraints` needs one value
 * each (without them it counted as feasible), and a count given must be theirs. False
 * when it does, or when there is no sweep or it says nothing of constraints; true with
 * the reason in msg ("the sweep of study 'S' has 2 constraints (a <= 1, b >= 2), and 0
 * constraint values were given: ..."), naming how to give them: `how` (e.g. "--constraints
 * V,V"). False for a trial the study does not have: the tell names that. A tell whose count
 * of objective values is wrong as well says that first, and this after it. */
bool cli_constraints_missing(knob_study *s, const char *study, int64_t number,
                             knob_trial_state state, size_t n_given, const char *how, char *msg,
                             size_t size);

/* The names of study s's objectives, as the web page names them: those Python's
 * set_metric_names stored (Optuna's study system attribute "study:metric_names"), else those
 * of the sweep stored with the study (`objectives`, or `metric`'s name), also where
 * set_metric_names's do not tell the objectives apart. A new list of
 * knob_study_n_objectives(s) strings and a NULL, freed by cli_objective_names_free; NULL
 * when neither names each objective, or when the names do not tell the objectives apart (one
 * empty, two alike), or out of memory. */
char **cli_objective_names(knob_study *s);
void cli_objective_names_free(char **names);
/* cli_objective_names with the stored sweep's names read already (the dashboard keeps them
 * between polls): from_sweep, n_sweep of them, as cli_sweep_objective_names gives them (NULL:
 * none). */
char **cli_objective_names_with(knob_study *s, char *const *from_sweep, size_t n_sweep);
/* The objectives' names of the sweep stored with a study, its system attribute "sweep" (the
 * JSON text attr; NULL: none): `objectives`, or `metric`'s name, as a new NULL-terminated
 * list (freed by cli_objective_names_free) of *n strings; NULL (*n 0) when there is no sweep,
 * it names no objective, its names do not tell the objectives apart, or out of memory. */
char **cli_sweep_objective_names(const char *attr, size_t *n);

/* True, with the reason in msg, when `url` names a SQLite file that does not exist: what
 * only reads or changes existing studies opens nothing there. */
bool cli_sqlite_missing(const char *url, char *msg, size_t size);

/* Prints "knob: [study 'NAME': ]storage URL: no file ..." and returns -1 when `url` names a
 * SQLite file that does not exist (study may be NULL); 0 otherwise. */
int cli_refuse_missing(const char *url, const char *study);
void cli_close(study_ref *r);

/* The study name a sweep gets when none is given: its file name without extension. */
char *cli_default_study(const char *sweep_path);

/* A whole number (int64); -1 when malformed. */
int cli_int(const char *text, int64_t *out);

/* The value of `cmd`'s --seed: an integer from -2^63 to 2^64 - 1, a negative one modulo 2^64
 * (as the sampler option seed= takes it). -1, with a message on stderr naming cmd, when it
 * is no integer or one out of that range. */
int cli_seed(const char *cmd, const char *text, uint64_t *out);

/* Seconds from "90", "30s", "5m", "2h", "1h30m", "250ms", "1d": decimal numbers, each with
 * its unit, added up in any order ("30s5m" is 5m30s, as Go's ParseDuration reads it); a
 * number alone is seconds. -1 when malformed; -2 when a number without a unit follows one
 * with a unit ("1h30"), and then hint[0 .. size), when hint is not NULL, holds what was
 * likely meant, the text with the unit below the last one ("1h30m"), or "" after "ms"; and
 * *as_before, when as_before is not NULL, what knob read before it refused the form (the last
 * number as seconds: "1h30" 3630), -1 when that is no finite number. */
double cli_duration(const char *text, char *hint, size_t size, double *as_before);

/* Whether the exact hypervolume of a front of n_front points in m objectives is cheap
 * enough (about a second at most, the hypervolume history included) to compute unasked, for
 * knob best and the web page: any front of up to 3 objectives; beyond, a front of at most
 * 1,500 points (4 objectives) down to 70 (10) and 40 (more), as its cost grows
 * exponentially with the objectives. */
bool cli_hv_affordable(size_t m, size_t n_front);

/* An objective's value, an intermediate or a best value as JSON: an infinity as 1e999 or
 * -1e999 (as constraints are written: JSON numbers that Python's json and JavaScript's
 * JSON.parse read as infinities), NaN (no value) as null, others exactly. */
struct knobx_buf;
void cli_json_value(struct knobx_buf *b, double v);

/* A name (a study's, a param's) as a cell of a table: a control character (a newline would
 * break the row) written \n, \t or \xNN, padded to `width` characters (UTF-8 counted by
 * characters, not bytes). */
void cli_name_cell(struct knobx_buf *b, const char *name, int width);
/* The characters cli_name_cell shows of a name (unpadded). */
int cli_name_shown(const char *name);

/* A param of the trials an importance reads that fanova left out (cli_importance_gaps). */
typedef struct cli_left_out {
    const char *name; /* borrowed from the study's trials: valid until it syncs again */
    size_t held, cat; /* the trials read that hold it, and those that hold it as a categorical */
} cli_left_out;

/* What an importance of a study read, and what it could not evaluate. */
typedef struct cli_importance_gaps {
    size_t complete;    /* the study's complete trials */
    size_t used;        /* those the importance reads: with a finite value of the objective */
    cli_left_out *left; /* the params of those trials it left out (n_left), in the order the
                         * trials first hold them; the caller's, cli_importance_gaps_free */
    size_t n_left;
} cli_importance_gaps;

/* Reads into *g the trials knob_study_importance reads for objective obj (of every objective
 * when pareto) and, when `left_out`, the params those trials hold that are not among imp's n
 * (its answer for no param named): fanova makes one feature of a param, over the trials that
 * hold every param it evaluates. 0, or -1 when the trials cannot be read or memory ran out
 * (*g then holds what was found). */
int cli_importance_gaps_read(knob_study *s, bool pareto, size_t obj, bool left_out,
                             const knob_importance *imp, size_t n, cli_importance_gaps *g);
void cli_importance_gaps_free(cli_importance_gaps *g);

/* The values an importance reads, as its warnings name them: "every objective" (pareto),
 * "objective 1 'latency'" or "objective 1" (obj_name NULL), in what (size bytes). */
void cli_importance_what(char *what, size_t size, bool pareto, size_t obj, const char *obj_name);

/* Appends why fanova left l out of an importance that read `used` trials of `what`
 * (cli_importance_what) of study `study` (NULL: not named): "it is a number in 6 trials and a
 * categorical in 6, and fanova cannot evaluate it as one", or "it is in 27 of the 60 complete
 * trials with a value of objective 0 of study 's', and fanova evaluates the params every one
 * of them holds". knob importance's warnings and the web page's note say the same. */
void cli_left_out_why(struct knobx_buf *b, const cli_left_out *l, size_t used, const char *what,
                      const char *study);

/* Writes b to stdout and flushes it, for `knob COMMAND`: 0, or EXIT_FAIL said with the reason
 * of the failed write (`No space left on device`; out of memory when b could not be built
 * whole). */
int cli_print_buf(const char *command, struct knobx_buf *b);

/* Flushes stdout: 0, or EXIT_FAIL after saying why it could not all be written (a full
 * disk), as "knob COMMAND: cannot write to stdout: ..." ("knob: ..." when command is NULL).
 * For what a command printed with printf, its --help too. */
int cli_stdout_written(const char *command);

/* Says a ${envvar:NAME} of the sweep's command whose variable is not set, at its element
 * (the program would get an empty value); -1 then, else 0. */
int cli_refuse_unset_env(const sweep *sw);

/* The system attribute where knob run and knob ask keep a trial's params as the program
 * got them (a JSON object). An older knob kept them as the user attribute "params", which
 * is the user's own key in Optuna: see cli_trial_given_params. */
#define CLI_GIVEN_PARAMS "program_params"

/* What a study's records say of how its trials' params are shown, read once for a listing
 * (cli_params_view_read): whether the study has a sweep stored (knob run and knob ask store
 * it), and the categorical choices Python's knob records in study system attributes
 * "knob:float_choices:..." (an int beyond 2^53, which the library holds as a double). */
struct knobx_json;
typedef struct cli_params_view {
    bool swept;
    size_t n;
    struct knobx_json **recs; /* each a record's value as stored ({"param", "choices"}) */
} cli_params_view;
/* Reads them from s; a record that cannot be read is left out (the params are then shown
 * as the library holds them). cli_params_view_free frees what it read. */
void cli_params_view_read(knob_study *s, cli_params_view *v);
void cli_params_view_free(cli_params_view *v);

/* The params of a trial as JSON for people: what the program got (cli_trial_given_params),
 * else its params' external values (an int choice beyond 2^53 in full, from v's records),
 * else (an enqueued trial) its given or fixed params. Appends to b. */
struct knobx_buf;
struct trial_params;
void cli_trial_params_json(struct knobx_buf *b, const knob_trial_info *t, const cli_params_view *v);
/* The stored JSON text cli_trial_params_json gives as it is (what the program got, an
 * enqueued trial's given or fixed params), borrowed from t; NULL when it writes the params'
 * external values instead. */
const char *cli_trial_params_text(const knob_trial_info *t, const cli_params_view *v);
/* The params as the program got them (a JSON object), borrowed from t, or NULL: the system
 * attribute CLI_GIVEN_PARAMS; for a trial without it in a study with a sweep stored
 * (v->swept), the user attribute "params" when it is a JSON object, where a knob older than
 * this record kept them. A user attribute "params" is otherwise the user's own (a Python
 * objective's set_user_attr("params", {...})), not the params. */
const char *cli_trial_given_params(const knob_trial_info *t, const cli_params_view *v);
/* The text of choice k of the categorical d of param `name` as the study records it (an int
 * beyond 2^53 of a Python-made study: its digits; the param's own record, else an older
 * unnamed one, as Python's knob reads them), or NULL: the library's value is the choice. */
const char *cli_recorded_choice(const cli_params_view *v, const char *name,
                                const knob_distribution *d, size_t k);
/* Whether t's user attribute "params" is the params cli_trial_given_params reads (an older
 * knob's record), not the user's own. */
bool cli_trial_params_attr_is_knobs(const knob_trial_info *t, const cli_params_view *v);

/* knob enqueue's write, which knob dashboard's POST /api/enqueue shares: a waiting trial in
 * s with the params of given_json (a JSON object of what the program should get). With a
 * sweep stored with the study, each value is converted to the form the library holds it in
 * (params_fixed_json: a categorical by its value, a quantile, a reciprocal), and a name the
 * sweep lacks, an inactive param or a value its space cannot hold is refused; the given
 * values are kept as the trial's "enqueued_params", which knob trials and the web page show
 * while it waits, and appended to `enqueued` (NULL: not wanted), with the trial's number in
 * *number (NULL: not wanted): the record knob enqueue prints and POST /api/enqueue answers.
 * Returns CLI_ENQUEUE_OK; else appends why to err, one line per reason,
 * each naming the param: CLI_ENQUEUE_REFUSED (values), CLI_ENQUEUE_FULL (the sweep's run_cap
 * is reached), CLI_ENQUEUE_FAILED (the storage, memory). */
typedef enum {
    CLI_ENQUEUE_OK,
    CLI_ENQUEUE_REFUSED,
    CLI_ENQUEUE_FULL,
    CLI_ENQUEUE_FAILED
} cli_enqueue_status;
/* The stored sweep's warnings are printed unless `warned` (NULL: none) says they were
 * (sweep_load_stored_once). The trial is added through a handle of study s in st that
 * holds the study to the sweep's run_cap where the storage numbers the trial, so that
 * enqueues at once from several processes stop at exactly run_cap. */
cli_enqueue_status cli_enqueue(knob_storage *st, knob_study *s, const char *given_json,
                               sweep_warned *warned, struct knobx_buf *enqueued, int64_t *number,
                               struct knobx_buf *err);

/* Finds "--name value" or "--name=value" in argv[i]; advances *i. No value, or "--" (which
 * ends the options) for it, is said and exits with EXIT_USAGE. */
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

/* The options and positional arguments of the commands other than run. */
typedef struct cli_args {
    const char *storage, *format, *sweep, *state, *seed, *step, *constraints;
    const char *pos[64];
    int n_pos;
    bool json;
} cli_args;

/* Parses argv into a, the command taking the options of `option_list` ("--storage
 * --json": of --storage, --format, --sweep, --state, --seed, --step, --constraints and
 * --json; "" for none); --help prints `usage` to stdout and exits 0 (1 when it could not be
 * written); another option, another command's too, prints it to stderr and returns -1.
 * Numbers such as -1.5 are positional. */
int cli_parse_args(int argc, char **argv, cli_args *a, const char *option_list, const char *usage);

/* Checks that the command got from `lo` to `hi` (-1: any number) positional arguments,
 * `names` naming them in order ("STUDY NUMBER VALUE"); else prints which is missing or
 * which one is too many, then `usage`, and returns -1. */
int cli_check_count(const cli_args *a, const char *names, int lo, int hi, const char *usage);

/* Says on stderr (warnings) what of an enqueued trial's given params (its system attribute
 * "enqueued_params") its params tp do not hold: a param the sweep no longer gives the
 * trial, or a value it can no longer hold (drawn by the sampler instead): a sweep edited
 * after the trial was enqueued. Nothing for a trial not enqueued by knob enqueue or the
 * dashboard. */
void cli_enqueued_taken(const sweep *sw, knob_trial *t, const struct trial_params *tp);

/* Whether trial `number` of the study is WAITING (enqueued, not asked yet): after a
 * refusal (KNOB_ESTATE), to tell that mistake in the call from a finished trial. Reads the
 * study. */
bool cli_trial_waiting(study_ref *r, int64_t number);

/* Trial `number`'s state (a knob_trial_state), or -1 when the study has no such trial (or
 * cannot be read). Reads the study. */
int cli_trial_state(knob_study *s, int64_t number);

/* The storage: --storage, else the sweep's (sw may be NULL), else the default. */
const char *cli_storage(const cli_args *a, const sweep *sw);

/* cli_enqueue's checks and conversions for a study with no sweep stored (made from Python
 * or C), whose space is what its trials have used: each given param against the
 * distribution of the latest trial that has it (a choice, a number in its range and steps,
 * whole for an int), a number that is not finite refused for any param, a name no trial has
 * said as a warning on stderr. given's values may be retyped ("3" for an int param is 3);
 * the values the library is to hold are appended to lib as JSON. Returns as cli_enqueue
 * does, with why in err. */
struct knobx_json;
cli_enqueue_status cli_enqueue_unswept(knob_study *s, struct knobx_json *given,
                                       struct knobx_buf *lib, struct knobx_buf *err);

int cmd_run(int argc, char **argv);
/* run_loop.c: knob run's and knob worker's handler of SIGINT and SIGTERM, installed first
 * thing: until the storage's handle is the run's, a stop exits at once with 130 (no trial
 * of the run exists); run_stopped says whether a stop came. */
void run_signals_early(void);
bool run_stopped(void);
/* knob run with the arguments of knob worker --study (no sweep file) on the sweep `text`
 * stored with the study; `label` names it in errors. */
int cli_run_stored(int argc, char **argv, const char *label, const char *text);
/* knob run from a sweep file, as knob worker SWEEP.yaml runs it (its messages say knob
 * worker). */
int cli_run_worker(int argc, char **argv);
/* knob worker --study's flags (those of knob run) checked before the storage is opened:
 * -1 with the message said (a usage error), else 0. */
int cli_run_check_flags(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_tell(int argc, char **argv);
int cmd_intermediate(int argc, char **argv);
int cmd_studies(int argc, char **argv);
int cmd_trials(int argc, char **argv);
int cmd_best(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_enqueue(int argc, char **argv);
int cmd_samplers(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_importance(int argc, char **argv);
int cmd_lr_find(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_dashboard(int argc, char **argv);

/* plugins.c: loads a plugin (a shared object whose knob_plugin_init registers samplers and
 * pruners) once per real path; -1 with the reason in err. */
int cli_load_plugin(const char *path, char *err, size_t errsz);
/* Loads the plugins of KNOB_PLUGINS (paths separated by ':'); -1 after printing why. */
int cli_load_env_plugins(void);

#endif
