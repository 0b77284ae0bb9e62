/* The guard of knob run: one small process, started once per run, that stops every trial's
 * process group when knob run dies (SIGKILL, the OOM killer, a crash), so that a killed
 * knob run leaves nothing running. It replaces a supervisor process per trial: each trial's
 * first process writes its group id to the guard's pipe before it execs the program, and
 * knob run writes the id again, negated, once the trial is reaped and its group killed.
 * When the pipe's last write end closes (knob run is gone: its trials hold no copy, the
 * pipe is close-on-exec) the guard sends SIGTERM to every group still listed and SIGKILL
 * to what is left RUN_STOP_GRACE seconds later. */
#define _GNU_SOURCE /* pipe2 */
#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

static int guard_fd = -1;
static pid_t guard_pid = -1;

void run_close_fds_from(int low)
{
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)low, ~0u, 0u) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = low; fd < (max > 0 && max < 65536 ? max : 1024); fd++)
        close(fd);
}

/* The groups still listed; a group's id appears once (added by its trial, removed by knob
 * run after the trial's end). */
typedef struct groups {
    pid_t *id;
    size_t n, cap;
} groups;

static void groups_add(groups *g, pid_t id)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        pid_t *p = realloc(g->id, cap * sizeof *p);
        if (!p)
            return; /* out of memory: that group is not guarded (PDEATHSIG still is) */
        g->id = p;
        g->cap = cap;
    }
    g->id[g->n++] = id;
}

static void groups_remove(groups *g, pid_t id)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->id[i] == id) {
            g->id[i] = g->id[--g->n];
            return;
        }
}

static bool groups_alive(const groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        if (kill(-g->id[i], 0) == 0)
            return true;
    return false;
}

static void groups_signal(const groups *g, int sig)
{
    for (size_t i = 0; i < g->n; i++)
        kill(-g->id[i], sig);
}

static _Noreturn void guard_main(int in)
{
    /* Ctrl-C and a SIGTERM are knob run's to handle (it stops its trials and exits, and
     * the pipe's end then finds nothing listed). */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    groups g = {0};
    int32_t buf[1024];
    size_t have = 0; /* bytes in buf */
    for (;;) {
        ssize_t n = read(in, (char *)buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        size_t k = have / sizeof *buf;
        for (size_t i = 0; i < k; i++)
            if (buf[i] > 0)
                groups_add(&g, (pid_t)buf[i]);
            else if (buf[i] < 0)
                groups_remove(&g, (pid_t)-buf[i]);
        have -= k * sizeof *buf;
        memmove(buf, (char *)buf + k * sizeof *buf, have);
    }
    if (g.n) {
        groups_signal(&g, SIGTERM);
        struct timespec tick = {0, 50 * 1000 * 1000};
        for (int i = 0; i < (int)(RUN_STOP_GRACE * 20) && groups_alive(&g); i++)
            nanosleep(&tick, NULL);
        groups_signal(&g, SIGKILL);
    }
    _exit(0);
}

int run_guard_start(void)
{
    int p[2];
#ifdef __linux__
    if (pipe2(p, O_CLOEXEC))
        return -1;
#else
    if (pipe(p))
        return -1;
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
#endif
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(p[0]);
        close(p[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Its own group: a Ctrl-C or a kill of knob run's group leaves it to do its job. */
        setpgid(0, 0);
        if (p[0] != 3) {
            dup2(p[0], 3);
        }
        run_close_fds_from(4);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
            if (devnull > 3)
                close(devnull);
        }
        guard_main(3);
    }
    close(p[0]);
    guard_fd = p[1];
    guard_pid = pid;
    return 0;
}

int run_guard_fd(void)
{
    return guard_fd;
}

bool run_guard_is(pid_t pid)
{
    return pid > 0 && pid == guard_pid;
}

void run_guard_release(const pid_t *group, size_t n)
{
    /* One write for all (at most RUN_MAX_PARALLEL ids, under PIPE_BUF: never split), so the
     * guard wakes once per turn of the loop, not once per trial. */
    int32_t id[RUN_MAX_PARALLEL];
    size_t k = 0;
    for (size_t i = 0; i < n && k < RUN_MAX_PARALLEL; i++)
        id[k++] = -(int32_t)group[i];
    if (k && guard_fd >= 0 && write(guard_fd, id, k * sizeof *id) < 0) {
        /* the guard is gone: nothing to tell it */
    }
}

void run_guard_stop(void)
{
    if (guard_fd < 0)
        return;
    close(guard_fd);
    guard_fd = -1;
    if (guard_pid > 0)
        waitpid(guard_pid, NULL, 0); /* ECHILD when the loop reaped it already */
    guard_pid = -1;
}
