/* knob run: the runner's state, shared by run*.c. One process runs up to `parallel` trials
 * at once as child processes, in one poll() loop. */
#ifndef KNOB_CLI_RUN_H
#define KNOB_CLI_RUN_H

#include "cli/cli.h"
#include "cli/params.h"
#include "cli/records.h"
#include "util/json.h"

#include <stdio.h>
#include <sys/types.h>

#define RUN_MAX_PARALLEL 256
#define RUN_KILL_GRACE 5.0 /* seconds from SIGTERM to SIGKILL */
#define RUN_PIPE_GRACE 2.0 /* seconds a dead trial's pipes may stay open (escaped children) */
#define RUN_STOP_GRACE 2.0 /* seconds from SIGTERM to SIGKILL after Ctrl-C or a storage failure */
/* Seconds a trial whose program died of SIGTERM, SIGINT or SIGHUP (not sent by knob) waits to
 * be recorded, for knob's own stop sent with it (Slurm signals every process of the step) */
#define RUN_STOP_TOGETHER 1.0
#define RUN_MAX_LINE (1 << 20) /* a longer stdout line is skipped whole, never parsed */
#define RUN_BATCH_SECONDS 0.05 /* a batch of writes is committed at least this often */
/* Seconds a program the pruner stopped may still exit in and count as run through: output
 * that comes only at a program's exit (Python's block-buffered stdout, flushed before its
 * interpreter's teardown) or from a fast program is read after it has done its work. */
#define RUN_PRUNE_WAIT 0.5

/* W&B's agent stops after as many failures when no run has succeeded yet. */
#define RUN_MAX_INITIAL_FAILURES 5

/* A trial's end not written: once a write found the storage locked past its timeout, none
 * is tried again (each would wait the whole timeout). */
#define RUN_LOCKED "not written: another process holds the storage's lock"

#define RUN_UNREAD_MAX 104 /* the bytes of a line kept to name in a failure, with "..." */

/* Why the runner stopped a trial. */
enum { WHY_NONE, WHY_PRUNE, WHY_TIMEOUT, WHY_INTERRUPT, WHY_STORAGE, WHY_ELSEWHERE };

/* A trial's values as of one of its records: each objective's, constraint metric's and the
 * cost metric's last value. */
typedef struct run_values {
    double last[SWEEP_MAX_OBJECTIVES];
    bool have[SWEEP_MAX_OBJECTIVES];
    double clast[SWEEP_MAX_CONSTRAINTS];
    bool chave[SWEEP_MAX_CONSTRAINTS];
    double cost_last;
    bool cost_have;
} run_values;

/* An intermediate value read while a stop the pruner asked for waits (run_output.c). */
typedef struct run_held {
    int64_t step;
    double value;
} run_held;

/* One running trial. */
typedef struct slot {
    bool used;
    pid_t pid; /* 0 once reaped */
    int status;
    int out_fd, err_fd;
    knob_trial *t;
    int64_t number;
    trial_params tp;
    FILE *out_log, *err_log;     /* opened at the first byte (run_log); NULL before */
    char *dir;                   /* the trial's directory (malloc'd) */
    bool out_failed, err_failed; /* the log could not be opened: not tried again */
    int out_werr, err_werr;      /* errno of the log's first write that failed, or 0; -1:
                                  * one failed without an errno (the stream's error flag) */
    const char *out_wnote;       /* knob's note in stdout.log whose write failed first, or
                                  * NULL: the program's bytes (out_werr) */
    char *line; /* the stdout line being read, up to RUN_MAX_LINE bytes (malloc'd) */
    size_t line_len, line_cap;
    size_t line_skip; /* > 0: the bytes of an over-long line being skipped */
    bool line_cr;     /* the line so far ends at a '\r' (a "\r\n", or a rewrite to come) */
    bool warned_long; /* the trial was told once that a line was skipped */
    bool prune_off;   /* the pruner refused the trial (finished elsewhere): not asked again */
    bool warned_step; /* ... and once that a record's step was no step */
    /* Once the program has exited: the bytes its stdout and stderr pipes held then, left
     * to read (SIZE_MAX: unknown, or still running); the pipes end there. */
    size_t out_owed, err_owed;
    char in[8192]; /* stdout read but not yet taken (the read is sliced) */
    size_t in_at, in_len;
    char tail[4096]; /* the end of stderr, a ring */
    size_t tail_len, tail_at;
    double started, exited, term_sent, last_beat;
    int why;
    int64_t n_records;
    double last[SWEEP_MAX_OBJECTIVES]; /* each objective's last value */
    bool have[SWEEP_MAX_OBJECTIVES];
    char bad[SWEEP_MAX_OBJECTIVES][RECORD_TEXT_MAX]; /* its last value that was no number */
    /* the word an objective's key last came with on a line ("train" of "train loss: 0.25";
     * "" none yet), and that value: the key under another word on a later line is warned of */
    char word[SWEEP_MAX_OBJECTIVES][RECORD_WORD_MAX];
    double word_value[SWEEP_MAX_OBJECTIVES];
    /* the last line that names the objective's key but gave no value of it (cut) */
    char unread[SWEEP_MAX_OBJECTIVES][RUN_UNREAD_MAX];
    double clast[SWEEP_MAX_CONSTRAINTS];             /* each constraint metric's last value */
    bool chave[SWEEP_MAX_CONSTRAINTS];
    double cost_last; /* the cost metric's last value (sweep key cost: METRIC) */
    bool cost_have;
    /* the last value of each constraint metric, and of the cost metric, that was no number */
    char cbad[SWEEP_MAX_CONSTRAINTS][RECORD_TEXT_MAX], cost_bad[RECORD_TEXT_MAX];
    char **argv; /* asked in the open batch: started once the batch is committed */
    /* The pruner said stop on a record while the program was still running: it is stopped
     * at prune_due (RUN_PRUNE_WAIT later) with the values as of that record (pruned_at),
     * unless it exits first: then it ran through, and the intermediate values read
     * meanwhile (held, malloc'd) are reported. 0: no stop waits. */
    double prune_due;
    run_values pruned_at;
    /* the key of the metric the pruner judged, which a pruned trial's progress line shows
     * with its last intermediate value (NULL: none) */
    const char *prune_key;
    run_held *held;
    size_t n_held, cap_held;
    bool ran_through; /* the program had exited when the pruner said stop: not judged again */
} slot;

/* A trial's end (or a trial lost) said to the storage in the open batch: shown and counted
 * once the batch is committed, or as not saved when it is not. */
typedef struct run_told {
    int64_t number;
    knob_trial_state state; /* RUNNING: not saved */
    char *reason;           /* malloc'd; NULL: none */
    double last[SWEEP_MAX_OBJECTIVES];
    bool infeasible; /* complete, and a constraint is violated */
    bool ran;        /* its program ran: it was counted running until its end */
} run_told;

typedef struct runner {
    const sweep *sw;
    study_ref ref;
    const char *study_name, *storage;
    char trial_root[4096]; /* absolute: <trial_dir>/<study> */
    slot slots[RUN_MAX_PARALLEL];
    int parallel, running;
    int64_t limit;    /* trials this run may start; 0: no limit */
    int64_t expected; /* the trials a grid will run (0: unknown), for the progress line */
    int64_t launched, done, failed, pruned;
    double started, deadline, trial_timeout, last_tick;
    bool exhausted, target_reached, broken, tty;
    bool storage_failed;       /* a write was lost: no new trial, the running ones stopped */
    bool storage_gone;         /* ... because the database file was deleted or replaced */
    /* ... because another process held the storage's lock past the URL's timeout: nothing
     * more is written, since each write would wait the whole timeout again */
    bool storage_locked;
    int64_t lost_trial;        /* the first trial a storage failure touched */
    int64_t complete, unsaved; /* this run's trials by outcome (beside failed, pruned) */
    bool setup_only;           /* --trials 0: create the study, run nothing */
    int stop_signal;           /* the signal that stopped the run (SIGINT, SIGTERM); 0: none */
    char done_why[512];        /* why the study gives no more trials (exhausted), or "" */
    char *best;            /* the best value and params, for the progress line; NULL: none yet */
    bool waiting;          /* nothing to start now, but later (PBT): the loop goes on */
    double beat;           /* seconds between heartbeats of a running trial */
    struct pbt_state *pbt; /* method pbt (pbt_run.c) */
    /* The storage writes of one turn of the loop go in one batch (run_batch.c), but for
     * PBT, whose trials are long. */
    bool batching, in_batch;
    double batch_opened;
    run_told *told; /* the ends said in the open batch, to show once it is committed */
    size_t n_told, cap_told;
    /* While the ends of a committed batch are shown: the trials among the later ones whose
     * programs ran, still running as far as the lines shown so far tell */
    int told_running;
    int64_t *wrote; /* the trials written in the open batch, each once */
    size_t n_wrote, cap_wrote;
    bool best_fresh; /* r->best was read since the last trial ended */
    /* The first trials of this run that failed to run (exit status, signal, no metric)
     * before any ran through; at max_initial_failures (0: never) no new trial starts. */
    int64_t max_initial_failures, initial_failures;
    bool ran_through;  /* a trial of this run gave its metric (or was pruned) */
    /* run_summary: a trial of the study, of any run, is complete or pruned (true when its
     * trials could not be read) */
    bool study_ran_through;
    bool initial_stop; /* max_initial_failures was reached: to be said once shown */
    bool warned_clash; /* a line gave a metric under two forms (run_output.c): said once */
} runner;

/* Monotonic seconds. */
double run_now(void);

/* run_loop.c: runs trials until the budget is spent; 0, EXIT_FAIL, or 130 (interrupted). */
int run_loop(runner *r);

/* run_batch.c: the batch of one turn of the loop. Open begins it (without batching, or when
 * the storage cannot begin one, the writes go one by one); close commits it, then shows
 * the trials told in it (as not saved when the commit failed: the storage failed) and
 * starts the trials asked in it; tick closes and opens it again once it is older than
 * RUN_BATCH_SECONDS. */
void run_batch_open(runner *r);
bool run_batch_close(runner *r); /* false: the batch was not committed */
void run_batch_tick(runner *r);
/* Trial `number` wrote in the open batch (if one is open): named if its commit fails. */
void run_batch_wrote(runner *r, int64_t number);
/* The end of trial `number` (state RUNNING: not saved, `reason` why; FAIL: `reason` the
 * failure), with its objectives' last values and whether it violates a constraint
 * (`infeasible`, for a COMPLETE one): counted and shown now, or at the batch's commit when
 * one is open. `ran`: its program ran (it was counted in r->running until now). */
void run_ended(runner *r, int64_t number, knob_trial_state state, const char *reason,
               const double *last, bool infeasible, bool ran);

/* run_trial.c */
/* 1 started, 0 nothing left to ask, -1 error, 2 nothing to start now (r->waiting: PBT
 * members busy elsewhere) */
int run_launch(runner *r, slot *sl);
/* Starts the asked trial t in sl (params suggested, directory, process), with up to
 * RUN_MAX_EXTRA_ENV more NAME=value strings (NULL-terminated; NULL: none) in its
 * environment; 1 started, -1 failed (the trial is then failed with the reason). */
#define RUN_MAX_EXTRA_ENV 8
int run_start(runner *r, slot *sl, knob_trial *t, char *const *extra_env);
/* The process of a trial asked in a batch (sl->argv), once the batch is over: started when
 * `committed`, else dropped (the trial is not in the storage). */
void run_start_asked(runner *r, slot *sl, bool committed);
void run_finish(runner *r, slot *sl);
void run_stop(slot *sl, int why); /* SIGTERM to the trial's group, once */
void run_kill_group(slot *sl, int sig);
/* Whether a storage call (rc) for the trial `number` worked. A failure other than
 * KNOB_ESTATE (the trial finished elsewhere) is a lost write: it is said on stderr with
 * the trial and `what`, and the run stops (run_storage_failed). */
bool run_saved(runner *r, int64_t number, int rc, const char *what);
void run_storage_failed(runner *r, int64_t number);
/* Sets trial_root: the absolute path of trial_dir (default knob-runs, in the current
 * directory) and the study's directory name (run_dir_name); -1 when it cannot (said). */
int run_trial_root(runner *r);
/* Before trial `number` makes its directory: one that holds another trial's files (its
 * params.json: a study of the same name, deleted since or in another storage, ran there) is
 * moved aside as <number>.replaced-<k> and said on stderr, so the new trial never takes the
 * old one's checkpoint for its own. */
void run_trial_dir_claim(const runner *r, int64_t number);
/* A study's name as one safe directory name (see docs/cli.md, "Trial directories"). */
void run_dir_name(const char *study, knobx_buf *out);

/* run_guard.c: the process that stops the trials' groups when knob run dies. */
int run_guard_start(void); /* once, before the first trial; -1 with errno */
int run_guard_fd(void);    /* the write end a trial lists its group on, or -1 */
/* The trials' groups (n at most RUN_MAX_PARALLEL) were killed after their end. */
void run_guard_release(const pid_t *group, size_t n);
bool run_guard_is(pid_t pid);
void run_guard_stop(void); /* at the end of the run: the guard exits, reaped */
/* Closes every descriptor from `low` up (close_range where the system has it). */
void run_close_fds_from(int low);

/* The longest argument or environment string Linux passes to a program (MAX_ARG_STRLEN: 32
 * pages, its NUL included: 131,071 bytes with 4 KiB pages, more with larger ones): execve
 * refuses a longer one (E2BIG). SIZE_MAX elsewhere (no limit of one string: the system's
 * own E2BIG is said). */
size_t run_max_arg_len(void);

/* The variables knob gives a trial only when they hold for it (a retry's, a PBT member's,
 * the learning-rate test's), NULL-terminated: one in knob's own environment is not passed on
 * to a trial (run_trial.c) nor to knob lr-find's program. */
extern const char *const run_own_vars[];

/* run_argv.c: the argv of a trial from the command template, NULL-terminated; freed with
 * run_argv_free. NULL when memory ran out, or when an argument would be longer than
 * run_max_arg_len(): then `why` (if not NULL) says which and how long. */
char **run_argv(const sweep *sw, const trial_params *tp, const char *json_file, knobx_buf *why);
void run_argv_free(char **argv);
/* -1 with why set when the program the trials would run (${program} where the command runs
 * it, or the interpreter's script) is missing from the directory the trials run in, and,
 * for a bare name, from PATH: each trial would fail to run (and count in run_cap). */
int run_check_program(const sweep *sw, knobx_buf *why);

/* The interpreter a script's #! line names, in interp (size bytes; a \r written as \\r), and
 * in *cr whether its path holds a \r (a Windows line end, which the kernel reads as part of
 * the path): 1, or 0 when the file has no #! line (or cannot be read). */
int run_shebang(const char *path, char *interp, size_t size, bool *cr);

/* The trial's stdout.log (err false) or stderr.log, created at the first byte the trial
 * writes there (a trial that prints nothing has none); NULL when it cannot be (said once). */
FILE *run_log(slot *sl, bool err);

/* run_output.c: each read takes a bounded slice (bytes and time), so that a flooding
 * trial cannot keep the loop from signals and clocks; run_pending says that read data
 * waits to be taken. */
void run_read_stdout(runner *r, slot *sl);
void run_read_stderr(slot *sl);
bool run_pending(const slot *sl);
/* A stop the pruner asked for (sl->prune_due): made once it is due and the program still
 * runs; given up when the program has exited (it ran through: the held values reported). */
void run_prune_settle(runner *r, slot *sl);
void run_stderr_tail(const slot *sl, knobx_buf *b, int max_lines);
/* The program has exited (reaped): what its pipes hold now is all of its output
 * (out_owed, err_owed), read as a pipe's content up to its end. A process that left the
 * trial's group may hold a pipe open and write more: that is not read. */
void run_output_owed(slot *sl);
/* RUN_PIPE_GRACE after the exit: a pipe whose content at the exit could not be told
 * (FIONREAD failed) is closed, stdout's last line read even without its newline. */
void run_output_close(runner *r, slot *sl);

/* Says, once, that max_initial_failures stopped the run (after the trials' ends are shown). */
void run_say_initial_stop(runner *r);

/* run_progress.c; a trial's state RUNNING there means it was not saved, `reason` why. */
void run_progress_trial(runner *r, int64_t number, knob_trial_state state, const char *reason,
                        const double *last, bool infeasible);
void run_progress_tick(runner *r);
void run_summary(runner *r);

#endif
