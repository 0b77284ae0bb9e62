/* The event loop of knob run: poll() over every trial's stdout and stderr and a self-pipe
 * that SIGCHLD, SIGINT, SIGTERM and SIGHUP write to; one storage handle, no threads. */
#include "cli/pbt.h"
#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int wake[2] = {-1, -1};
static volatile sig_atomic_t interrupted;
static knob_storage *volatile stopping; /* the run's storage, for the first stop */

double run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A stop: Ctrl-C, SIGTERM, or SIGHUP (its terminal closed), which is taken as SIGTERM. */
static bool is_stop(int sig)
{
    return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

static void on_signal(int sig)
{
    int saved = errno;
    /* A stop before the storage is open (run_signals_early) ends knob at once with the status
     * of a stop: no trial of this run exists yet, and an open may wait a minute for another
     * process's lock, or longer for a server that is away. What the open wrote is committed
     * or rolled back whole, as after kill -9. */
    if (is_stop(sig) && !stopping)
        _exit(130);
    /* A second stop while the first is under way ends knob at once, as kill -9 would: the
     * storage may be held by another process's lock (SQLite waits for it). What was
     * committed stays; the guard stops the trials; those not saved stay RUNNING until a
     * worker fails them for their lost heartbeat. */
    if (is_stop(sig) && interrupted) {
        static const char msg[] = "\nknob: stopped again: exiting at once; trials not saved stay "
                                  "RUNNING until their heartbeat is missed\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
            /* nothing more to do */
        }
        _exit(130);
    }
    /* The first stop ends the waits for a storage that is away (a PostgreSQL server down
     * is retried for minutes): what is written still is, what cannot be is left to the
     * heartbeats. knob_storage_interrupt only sets a flag. */
    if (is_stop(sig)) {
        interrupted = sig;
        knob_storage_interrupt(stopping);
    }
    if (write(wake[1], "x", 1) < 0) {
        /* the pipe is full: poll wakes anyway */
    }
    errno = saved;
}

static void handle(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* SIGHUP, unless knob was started with it ignored (nohup: the run is to outlive its
 * terminal). */
static void handle_hangup(void)
{
    struct sigaction old;
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;
    handle(SIGHUP);
}

void run_signals_early(void)
{
    /* Before the storage is open a stop exits at once with 130 (on_signal). Installed later,
     * a stop in the first moments (opening a PostgreSQL study takes a few round trips) killed
     * knob by the signal: status 143, not the 130 of a stop. */
    handle(SIGINT);
    handle(SIGTERM);
    handle_hangup();
}

bool run_stopped(void)
{
    return interrupted != 0;
}

static int install_signals(knob_storage *st)
{
    stopping = st;
    if (interrupted) /* a stop before now: the storage's waits end at once too */
        knob_storage_interrupt(st);
    if (pipe(wake))
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(wake[i], F_SETFL, O_NONBLOCK);
        fcntl(wake[i], F_SETFD, FD_CLOEXEC);
    }
    handle(SIGINT);
    handle(SIGTERM);
    handle_hangup();
    handle(SIGCHLD);
    signal(SIGPIPE, SIG_IGN);
    /* A file size limit (ulimit -f) makes a write fail, which is said, not kill knob
     * silently with the study's writes half done. */
    signal(SIGXFSZ, SIG_IGN);
    return 0;
}

static slot *slot_of(runner *r, pid_t pid)
{
    for (int i = 0; i < r->parallel; i++)
        if (r->slots[i].used && r->slots[i].pid == pid)
            return &r->slots[i];
    return NULL;
}

static void reap(runner *r)
{
    int st;
    pid_t pid, ended[RUN_MAX_PARALLEL];
    size_t n = 0;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        slot *sl = slot_of(r, pid);
        if (!sl)
            continue;
        sl->status = st;
        sl->pid = 0;
        sl->exited = run_now();
        kill(-pid, SIGKILL); /* what the trial left running in its group */
        run_output_owed(sl);
        if (n < RUN_MAX_PARALLEL)
            ended[n++] = pid; /* each slot's pid once: at most `parallel` */
    }
    run_guard_release(ended, n);
}

static bool may_launch(runner *r)
{
    if (interrupted || r->exhausted || r->broken || r->target_reached)
        return false;
    if (r->limit && r->launched >= r->limit)
        return false;
    return !(r->deadline > 0 && run_now() >= r->deadline);
}

/* Heartbeats, timeouts, Ctrl-C, SIGKILL after the grace period, pipes held open by
 * processes that left the trial's group. */
static void check_clocks(runner *r)
{
    double t = run_now();
    for (int i = 0; i < r->parallel; i++) {
        slot *sl = &r->slots[i];
        if (!sl->used)
            continue;
        run_prune_settle(r, sl);
        if (!sl->pid) {
            /* the rest of what the program left in its pipes, then their end, though a
             * process that left its group holds them (poll would not wake for an end) */
            if (sl->out_fd >= 0)
                run_read_stdout(r, sl);
            if (sl->err_fd >= 0)
                run_read_stderr(sl);
            if (t - sl->exited > RUN_PIPE_GRACE)
                run_output_close(r, sl);
            continue;
        }
        if (t - sl->last_beat >= r->beat && !r->storage_failed) {
            sl->last_beat = t;
            run_saved(r, sl->number, knob_trial_heartbeat(sl->t), "its heartbeat");
        }
        if (r->trial_timeout > 0 && t - sl->started > r->trial_timeout)
            run_stop(sl, WHY_TIMEOUT);
        if (interrupted) {
            r->stop_signal = interrupted;
            run_stop(sl, WHY_INTERRUPT);
        }
        double grace =
            sl->why == WHY_INTERRUPT || sl->why == WHY_STORAGE ? RUN_STOP_GRACE : RUN_KILL_GRACE;
        if (sl->why != WHY_NONE && t - sl->term_sent > grace)
            run_kill_group(sl, SIGKILL);
    }
}

/* W&B's metric.target is the study's: a trial of another worker that reached it stops this
 * one from starting more, as a W&B sweep stops every agent. */
static bool target_reached(runner *r)
{
    double best;
    if (r->sw->has_target && cli_target_reached(r->sw, r->ref.s, &best))
        r->target_reached = true;
    return r->target_reached;
}

static void launch_some(runner *r)
{
    while (r->running < r->parallel && may_launch(r) && !target_reached(r)) {
        slot *free_slot = NULL;
        for (int i = 0; i < r->parallel && !free_slot; i++)
            if (!r->slots[i].used)
                free_slot = &r->slots[i];
        int rc = run_launch(r, free_slot);
        if (rc == 2)
            break; /* r->waiting: tried again after the next wait */
        if (rc == 0)
            r->exhausted = true;
        if (rc < 0)
            r->broken = true; /* no more trials; the running ones finish */
        run_batch_tick(r);
    }
}

/* The pipes poll() found ready, read in the next turn of the loop. */
typedef struct ready {
    bool out[RUN_MAX_PARALLEL], err[RUN_MAX_PARALLEL];
} ready;

/* Waits for output or a signal: 200 ms at most (less when a pruner's stop falls due), not
 * at all while read output waits to be taken. No batch is open here: the storage is not held while
 * knob run waits. */
static void wait_ready(runner *r, ready *rd)
{
    struct pollfd fds[2 * RUN_MAX_PARALLEL + 1];
    int out_at[RUN_MAX_PARALLEL], err_at[RUN_MAX_PARALLEL];
    nfds_t n = 0;
    bool pending = false;
    fds[n++] = (struct pollfd){wake[0], POLLIN, 0};
    for (int i = 0; i < r->parallel; i++) {
        slot *sl = &r->slots[i];
        out_at[i] = err_at[i] = -1;
        rd->out[i] = rd->err[i] = false;
        if (!sl->used)
            continue;
        pending |= run_pending(sl);
        if (sl->out_fd >= 0) {
            out_at[i] = (int)n;
            fds[n++] = (struct pollfd){sl->out_fd, POLLIN, 0};
        }
        if (sl->err_fd >= 0) {
            err_at[i] = (int)n;
            fds[n++] = (struct pollfd){sl->err_fd, POLLIN, 0};
        }
    }
    /* 200 ms, or until the first stop the pruner asked for is due */
    int ms = 200;
    for (int i = 0; i < r->parallel; i++) {
        const slot *sl = &r->slots[i];
        if (sl->used && sl->prune_due > 0) {
            double left = (sl->prune_due - run_now()) * 1000 + 1;
            ms = left < 0 ? 0 : left < ms ? (int)left : ms;
        }
    }
    if (poll(fds, n, pending ? 0 : ms) < 0)
        return;
    if (fds[0].revents) {
        char junk[256];
        while (read(wake[0], junk, sizeof junk) > 0) {
        }
    }
    for (int i = 0; i < r->parallel; i++) {
        rd->out[i] = out_at[i] >= 0 && fds[out_at[i]].revents;
        rd->err[i] = err_at[i] >= 0 && fds[err_at[i]].revents;
    }
}

/* Reads a slice of what came from each trial. */
static void read_ready(runner *r, const ready *rd)
{
    for (int i = 0; i < r->parallel; i++) {
        slot *sl = &r->slots[i];
        if (!sl->used)
            continue;
        if (run_pending(sl) || rd->out[i])
            run_read_stdout(r, sl);
        if (rd->err[i])
            run_read_stderr(sl);
        run_batch_tick(r);
    }
}

/* Whether the trial's program finished by itself: exit status 0 and a value of each
 * objective. */
static bool ran_to_end(const runner *r, const slot *sl)
{
    if (!WIFEXITED(sl->status) || WEXITSTATUS(sl->status) != 0)
        return false;
    for (size_t i = 0; i < r->sw->n_objectives; i++)
        if (!sl->have[i])
            return false;
    return true;
}

/* Whether the program died of a stop's signal (or exited with its shell status, 128 + it)
 * that knob did not send: a stop sent to the whole job (Slurm signals every process of the
 * step) may reach the program before knob, whose own signal then comes a moment later. */
static bool died_of_a_stop(const slot *sl)
{
    int st = sl->status;
    int sig = WIFSIGNALED(st) ? WTERMSIG(st) : WIFEXITED(st) ? WEXITSTATUS(st) - 128 : 0;
    return sl->why == WHY_NONE && is_stop(sig);
}

/* The trials whose process has ended and whose output is all read. Once knob is stopped,
 * one not yet recorded is interrupted, as a running one is (check_clocks), unless its
 * program finished by itself: its retry is enqueued. One that died of a stop's signal
 * waits RUN_STOP_TOGETHER for knob's own to come with it. */
static void finish_ended(runner *r)
{
    double t = run_now();
    for (int i = 0; i < r->parallel; i++) {
        slot *sl = &r->slots[i];
        if (!sl->used || sl->pid || sl->argv)
            continue;
        if (interrupted && sl->why == WHY_NONE && !ran_to_end(r, sl)) {
            r->stop_signal = interrupted;
            sl->why = WHY_INTERRUPT;
        }
        if (sl->out_fd < 0 && sl->err_fd < 0 && !run_pending(sl) &&
            !(died_of_a_stop(sl) && t - sl->exited < RUN_STOP_TOGETHER))
            run_finish(r, sl);
    }
}

int run_loop(runner *r)
{
    if (install_signals(r->ref.st)) {
        perror("knob: pipe");
        return EXIT_FAIL;
    }
    if (run_trial_root(r))
        return EXIT_FAIL;
    if (run_guard_start()) {
        perror("knob: cannot start the trials' guard process");
        return EXIT_FAIL;
    }
    r->beat = r->sw->pbt ? pbt_heartbeat(r->sw->pbt) : CLI_HEARTBEAT;
    r->batching = !r->sw->pbt;
    ready rd;
    bool polled = false;
    for (;;) {
        /* One batch: what came, the trials that ended, and the trials that start. */
        run_batch_open(r);
        if (polled) {
            read_ready(r, &rd);
            reap(r);
            check_clocks(r);
            finish_ended(r);
        }
        r->waiting = false;
        launch_some(r);
        run_batch_close(r);
        run_progress_tick(r);
        if (r->running == 0 && !(r->waiting && may_launch(r)))
            break;
        wait_ready(r, &rd);
        polled = true;
    }
    free(r->told);
    free(r->wrote);
    r->told = NULL;
    r->wrote = NULL;
    r->cap_told = r->cap_wrote = 0;
    run_guard_stop();
    /* The handlers stay (a late Ctrl-C only sets the flag); the pipe stays open for them. */
    /* Stopped: 130, also when the storage then failed (the first stop gives up waiting
     * for it, and says what was not saved). */
    if (interrupted)
        return 130;
    if (r->storage_failed)
        return EXIT_FAIL;
    return r->broken ? EXIT_FAIL : 0;
}
