/* knob run SWEEP.yaml: creates or resumes the study and runs trials until the budget is
 * spent (--trials, run_cap, --timeout, an exhausted grid, or metric.target). */
#include "cli/pbt_run.h"
#include "cli/run.h"
#include "util/url.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct run_args {
    const char *cmd; /* "knob run" or "knob worker": what messages say */
    const char *path, *storage, *study, *trials, *parallel, *timeout, *trial_timeout, *seed,
        *max_initial_failures;
    /* the flags' values, read by check_flags where given */
    int64_t n_trials, n_parallel, n_max_initial_failures;
    double s_timeout, s_trial_timeout;
    uint64_t seed_value;
} run_args;

static void usage(FILE *f)
{
    fputs("usage: knob run SWEEP.yaml [--storage URL] [--study NAME] [--trials N] "
          "[--parallel K]\n"
          "                [--timeout DURATION] [--trial-timeout DURATION] [--seed S]\n"
          "                [--max-initial-failures N]\n\n"
          "Runs the sweep's program once per trial until the budget is spent: --trials (trials "
          "of\nthis process), run_cap (trials of the whole study, however many processes share "
          "it),\n--timeout (no new trial after it), an exhausted grid, or metric.target reached. "
          "Running it\nagain resumes the study. --trials 0 creates the study (with its sweep) "
          "and runs nothing.\nOnce the first N trials of this run (5) failed to run (exit "
          "status, signal, no metric)\nbefore any ran through, no new trial starts "
          "(--max-initial-failures 0: never).\n--parallel is 1 to 256. Durations: 90, 30s, "
          "5m, 2h, 1h30m. Storage default: " KNOB_DEFAULT_STORAGE ".\nSee docs/cli.md and "
          "docs/sweep.md.\n",
          f);
}

/* `stored`: the sweep is the one stored with the study (knob worker --study), so a sweep
 * file is one argument too many. */
static int parse_run_args(int argc, char **argv, run_args *a, bool stored, const char *cmd)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    bool options = true; /* until "--": after it, a sweep file named "-x.yaml" is a path */
    for (int i = 0; i < argc; i++) {
        if (options && !strcmp(argv[i], "--")) {
            options = false;
            continue;
        }
        if (options && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
            usage(stdout);
            exit(cli_stdout_written("run"));
        }
        if (options &&
            (cli_opt(argc, argv, &i, "--storage", &a->storage) ||
             cli_opt(argc, argv, &i, "--study", &a->study) ||
             cli_opt(argc, argv, &i, "--trials", &a->trials) ||
             cli_opt(argc, argv, &i, "--parallel", &a->parallel) ||
             cli_opt(argc, argv, &i, "--timeout", &a->timeout) ||
             cli_opt(argc, argv, &i, "--trial-timeout", &a->trial_timeout) ||
             cli_opt(argc, argv, &i, "--seed", &a->seed) ||
             cli_opt(argc, argv, &i, "--max-initial-failures", &a->max_initial_failures)))
            continue;
        if ((options && argv[i][0] == '-') || a->path || stored) {
            fprintf(stderr, "%s: unexpected argument '%s'\n", cmd, argv[i]);
            usage(stderr);
            return -1;
        }
        a->path = argv[i];
    }
    if (!a->path && !stored) {
        fprintf(stderr, "%s: which sweep file?\n", cmd);
        usage(stderr);
        return -1;
    }
    return 0;
}

static int whole(const char *cmd, const char *text, const char *what, int64_t lo, int64_t hi,
                 int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "%s: %s must be a whole number from %lld to %lld, got '%s'\n", cmd, what,
                (long long)lo, (long long)hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int duration(const char *cmd, const char *text, const char *what, double *out)
{
    char hint[128];
    double v = cli_duration(text, hint, sizeof hint, NULL);
    if (v == -2) {
        fprintf(stderr,
                "%s: %s '%s': its last number has no unit, and after one with a unit "
                "each needs its own (a number alone is seconds)%s%s%s\n",
                cmd, what, text, *hint ? ": did you mean " : "", hint, *hint ? "?" : "");
        return -1;
    }
    if (v < 0) {
        fprintf(stderr, "%s: %s is a duration (90, 30s, 5m, 2h, 1h30m), got '%s'\n", cmd, what,
                text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Each running trial holds up to four files (its two pipes and two logs): at --parallel 256
 * that is past the usual soft limit of 1024 open files, and the trials past it lost their
 * logs or could not start. The soft limit is raised as far as the hard one allows, and a
 * limit still too low is said before any trial starts. */
static void raise_open_files(const char *cmd, int parallel)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)parallel * 4 + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
    if (rl.rlim_cur > was && setrlimit(RLIMIT_NOFILE, &rl) == 0)
        was = rl.rlim_cur;
    if (was < need)
        fprintf(stderr,
                "%s: warning: --parallel %d needs about %llu open files, and this process "
                "may have %llu (ulimit -n): trials past it lose their logs or fail to start\n",
                cmd, parallel, (unsigned long long)need, (unsigned long long)was);
}

/* The flags' values read and checked, before the sweep is read or the storage opened (knob
 * worker --study reads the sweep from the storage): a typo is a usage error at once, not
 * after a connection, or behind a connection's failure. */
static int check_flags(run_args *a)
{
    return (a->trials && whole(a->cmd, a->trials, "--trials", 0, INT64_MAX, &a->n_trials)) ||
                   (a->parallel && whole(a->cmd, a->parallel, "--parallel", 1, RUN_MAX_PARALLEL,
                                         &a->n_parallel)) ||
                   (a->timeout && duration(a->cmd, a->timeout, "--timeout", &a->s_timeout)) ||
                   (a->trial_timeout &&
                    duration(a->cmd, a->trial_timeout, "--trial-timeout", &a->s_trial_timeout)) ||
                   (a->max_initial_failures &&
                    whole(a->cmd, a->max_initial_failures, "--max-initial-failures", 0, INT64_MAX,
                          &a->n_max_initial_failures)) ||
                   (a->seed && cli_seed(a->cmd, a->seed, &a->seed_value))
               ? -1
               : 0;
}

/* The budget and limits from the flags (check_flags read them), over the sweep's keys. */
static void apply_flags(runner *r, const run_args *a, double *total, bool *has_seed, uint64_t *seed)
{
    r->limit = a->trials ? a->n_trials : r->sw->trials;
    r->trial_timeout = a->trial_timeout ? a->s_trial_timeout : r->sw->trial_timeout;
    r->parallel = a->parallel       ? (int)a->n_parallel
                  : r->sw->parallel ? (int)(r->sw->parallel < RUN_MAX_PARALLEL ? r->sw->parallel
                                                                               : RUN_MAX_PARALLEL)
                                    : 1;
    if (a->timeout)
        *total = a->s_timeout;
    raise_open_files(a->cmd, r->parallel);
    r->max_initial_failures =
        a->max_initial_failures ? a->n_max_initial_failures : RUN_MAX_INITIAL_FAILURES;
    r->setup_only = a->trials && r->limit == 0;
    *has_seed = a->seed != NULL;
    *seed = a->seed ? a->seed_value : 0;
}

/* run_cap counts the trials of the whole study, earlier runs and other processes too. The
 * library holds the study to it (max_trials); here it only shortens this run's limit and
 * says at once when nothing is left. A WAITING trial (enqueued, or the retry of a trial
 * whose worker died) is counted but not run yet: it leaves this run one trial more to take.
 * A study at its run_cap with RUNNING trials is still asked once: that ask fails the trials
 * of dead workers (their heartbeats stopped), which would otherwise stay RUNNING for good,
 * and returns KNOB_EDONE (a retry past run_cap is not enqueued). */
static void apply_run_cap(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    if (!r->sw->run_cap || knob_study_trials(r->ref.s, &tr, &n))
        return;
    int64_t waiting = 0, running = 0;
    for (size_t i = 0; i < n; i++) {
        waiting += tr[i]->state == KNOB_TRIAL_WAITING;
        running += tr[i]->state == KNOB_TRIAL_RUNNING;
    }
    int64_t left = r->sw->run_cap - ((int64_t)n - waiting);
    if (left <= 0) {
        printf("study '%s' has reached its run_cap of %lld trials\n", r->study_name,
               (long long)r->sw->run_cap);
        snprintf(r->done_why, sizeof r->done_why, "the study holds its run_cap of %lld trials",
                 (long long)r->sw->run_cap);
        /* PBT resumes its members itself (pbt_run.c) */
        r->exhausted = (!running && !waiting) || r->sw->pbt;
        left = r->exhausted ? 0 : 1;
    }
    /* every waiting trial runs, counted or not: more than run_cap leaves places (a run_cap
     * lowered since, Python's enqueue_trial, an older knob's file) ran one a run */
    if (!r->sw->pbt && waiting > left)
        left = waiting;
    r->limit = r->limit && r->limit < left ? r->limit : left;
}

/* The trials the study's sampler says it will run (-1: it does not say); a grid's (its
 * points no trial has run or runs, but those a stop interrupted, whose points run again, and
 * the waiting trials) are the progress total. */
static int64_t trials_left(runner *r)
{
    int64_t left;
    if (knob_study_trials_left(r->ref.s, &left) != KNOB_OK)
        return -1;
    if (r->ref.grid && left > 0)
        r->expected = left;
    return left;
}

/* A resumed study whose best already reaches metric.target runs nothing. */
static void check_target(runner *r)
{
    double best;
    if (cli_target_reached(r->sw, r->ref.s, &best))
        r->target_reached = true;
}

/* `s` as one word of a POSIX shell's command line: in single quotes, a quote in it as '\''
 * (a study named "it's" is --study 'it'\''s'). */
static void print_shell_word(const char *s)
{
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

static int run(runner *r, const run_args *a, char *dflt_study)
{
    const sweep *sw = r->sw;
    double total = 0;
    bool has_seed;
    uint64_t seed = 0;
    apply_flags(r, a, &total, &has_seed, &seed);
    r->storage = a->storage ? a->storage : sw->storage ? sw->storage : KNOB_DEFAULT_STORAGE;
    r->study_name = a->study ? a->study : sw->study ? sw->study : dflt_study;
    if (!r->setup_only && !sw->program && !sw->command) {
        fprintf(stderr,
                "%s: %s has no program or command, so there is nothing to run "
                "(knob ask and knob tell drive such a sweep)\n",
                a->cmd, sw->path);
        return EXIT_USAGE;
    }
    if (!r->setup_only && cli_refuse_unset_env(sw))
        return EXIT_USAGE;
    int opened = cli_open_sweep_study(sw, r->storage, r->study_name, has_seed, seed, true, &r->ref);
    if (opened) /* stopped while it waited to open: a stop (130) still */
        return run_stopped() ? 130 : opened == CLI_SWEEP_MISMATCH ? EXIT_USAGE : EXIT_FAIL;
    if (run_stopped()) { /* stopped while it opened: no trial asked yet */
        cli_close(&r->ref);
        return 130;
    }
    sweep_warn_kind_changes(sw, r->ref.s, r->study_name);
    if (r->setup_only) {
        char *where = knobx_redact_url(r->storage);
        if (strncmp(r->storage, "memory:", 7) == 0)
            printf("study '%s' is ready in memory:, which ends with this process: no worker "
                   "can join it (a file or a server can: --storage sqlite:///PATH or "
                   "postgresql://...)\n",
                   r->study_name);
        else {
            printf("study '%s' is ready in %s, with its sweep; workers join it with\n"
                   "  knob worker --study ",
                   r->study_name, where ? where : "?");
            print_shell_word(r->study_name);
            /* the URL as it is, unless a password was taken out of it for the message */
            printf(" --storage ");
            if (where && strcmp(where, r->storage) == 0)
                print_shell_word(r->storage);
            else
                printf("URL");
            /* the stored sweep holds a seed of its own, not this flag's: without it each
             * worker would draw from a seed of its own, and none reproduce this run */
            if (has_seed)
                printf(" --seed %llu", (unsigned long long)seed);
            printf("\n");
        }
        free(where);
        cli_close(&r->ref);
        return 0;
    }
    apply_run_cap(r);
    int64_t left = trials_left(r);
    check_target(r);
    /* before any trial, where one would start: each would fail to run, and count in run_cap
     * (a study that is done runs nothing, and says so, wherever it is opened from) */
    knobx_buf why = {0};
    if (!r->exhausted && !r->target_reached && !(a->timeout && total <= 0) && left != 0 &&
        run_check_program(sw, &why)) {
        fprintf(stderr, "%s: %s\n", a->cmd, why.oom ? "out of memory" : knobx_buf_cstr(&why));
        knobx_buf_free(&why);
        cli_close(&r->ref);
        return EXIT_USAGE;
    }
    bool ends = r->ref.grid || (sw->sampler.name && !strcmp(sw->sampler.name, "brute_force"));
    if (!r->limit && !a->timeout && !ends && !r->exhausted && !sw->pbt)
        fprintf(stderr, "knob: no budget (--trials, trials:, run_cap or --timeout): running "
                        "until Ctrl-C\n");
    r->tty = isatty(STDOUT_FILENO);
    r->started = run_now();
    /* --timeout 0: no new trial after 0 s, so none (as --trials 0), never "no timeout" */
    r->deadline = a->timeout ? r->started + total : 0;
    int rc = run_loop(r);
    run_summary(r);
    /* Fewer than max_initial_failures trials (or any number, with 0: the run went on), each
     * failing to run, in a study where no trial ever ran through: the program could not
     * run, as when the count stops a run, whose exit status this gets (it was 0), so that a
     * script can tell such a run from a good one. A study with a trial complete or pruned
     * shows it can: a worker whose few trials crashed (their params) exits 0 as before. */
    if (rc == 0 && r->initial_failures > 0 && !r->ran_through && !r->study_ran_through) {
        fprintf(stderr,
                "knob: every trial of this run that ended by itself failed to run (%lld: exit "
                "status, signal or no metric) and none ran through; check the program and the "
                "reasons above\n",
                (long long)r->initial_failures);
        rc = EXIT_FAIL;
    }
    cli_close(&r->ref);
    return rc;
}

/* The heap of a long run: SQLite takes and gives back a block over the top of the heap in
 * each transaction, and glibc returned it to the system each time (a brk down and up, about
 * four per trial, each a TLB flush on every CPU: knob run's own CPU on SQLite went from
 * 1.54 to 1.43 ms per trial without them, measured at --parallel 64).
 * Up to 64 MiB free at the top is kept instead, and blocks under 4 MiB come from the heap
 * (fixing one threshold stops glibc from raising the mmap threshold by itself, so it is set
 * too: a block mapped and unmapped each time would cost the same flush). */
static void keep_heap(void)
{
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD) && defined(M_TOP_PAD)
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
#endif
}

/* knob run (or knob worker: `cmd`), from a sweep file, or (label and text) from the sweep
 * stored with a study. */
static int run_command(int argc, char **argv, const char *cmd, const char *label, const char *text)
{
    run_signals_early();
    keep_heap();
    run_args a;
    sweep sw;
    if (parse_run_args(argc, argv, &a, text != NULL, cmd) || check_flags(&a))
        return EXIT_USAGE;
    if (text ? sweep_load_stored(label, text, &sw) : sweep_load(a.path, &sw))
        return EXIT_USAGE;
    /* The runner (its slots' buffers: megabytes) on the heap, not static: every knob
     * process, whatever its command, would carry it in its data, which LeakSanitizer scans
     * at each exit. */
    runner *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        sweep_free(&sw);
        return EXIT_FAIL;
    }
    r->sw = &sw;
    char *dflt = cli_default_study(text ? label : a.path);
    int rc = run(r, &a, dflt);
    pbt_free(r->pbt);
    free(r->best);
    free(r);
    free(dflt);
    sweep_free(&sw);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return run_command(argc, argv, "knob run", NULL, NULL);
}

int cli_run_worker(int argc, char **argv)
{
    return run_command(argc, argv, "knob worker", NULL, NULL);
}

int cli_run_check_flags(int argc, char **argv)
{
    run_args a;
    return parse_run_args(argc, argv, &a, true, "knob worker") || check_flags(&a) ? -1 : 0;
}

int cli_run_stored(int argc, char **argv, const char *label, const char *text)
{
    return run_command(argc, argv, "knob worker", label, text);
}
