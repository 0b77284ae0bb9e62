/* The ceiling of bench/run: a program started N times, up to P at once, by the cheapest
 * means this system has (posix_spawn: vfork and exec in glibc), its stdout on a pipe read
 * to the end, and nothing else: no storage, no files, no parsing. What a trial costs
 * beyond this is the runner's.
 *   spawn_ceiling N P PROGRAM [ARG...]
 * Prints: spawns_per_s=... cpu_ms_per_spawn=... parent_cpu_ms=... (CPU: user + sys of this
 * process and of its children, per spawn). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_P 256

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_s(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: spawn_ceiling N P PROGRAM [ARG...]\n");
        return 2;
    }
    long n = atol(argv[1]), p = atol(argv[2]);
    if (n < 1 || p < 1 || p > MAX_P) {
        fprintf(stderr, "spawn_ceiling: N >= 1 and P in 1..%d\n", MAX_P);
        return 2;
    }
    int fds[MAX_P];
    pid_t pids[MAX_P];
    for (int i = 0; i < MAX_P; i++)
        fds[i] = -1;
    long started = 0, running = 0;
    double t0 = now();
    while (started < n || running) {
        for (int i = 0; i < p && started < n; i++) {
            if (fds[i] >= 0)
                continue;
            int pipefd[2];
            posix_spawn_file_actions_t fa;
            if (pipe2(pipefd, O_CLOEXEC)) {
                perror("spawn_ceiling: pipe");
                return 1;
            }
            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
            int rc = posix_spawn(&pids[i], argv[3], &fa, NULL, argv + 3, environ);
            posix_spawn_file_actions_destroy(&fa);
            close(pipefd[1]);
            if (rc) {
                fprintf(stderr, "spawn_ceiling: %s: %s\n", argv[3], strerror(rc));
                return 1;
            }
            fds[i] = pipefd[0];
            started++;
            running++;
        }
        struct pollfd pf[MAX_P];
        int at[MAX_P], k = 0;
        for (int i = 0; i < p; i++)
            if (fds[i] >= 0) {
                at[k] = i;
                pf[k++] = (struct pollfd){fds[i], POLLIN, 0};
            }
        if (poll(pf, (nfds_t)k, -1) < 0 && errno != EINTR) {
            perror("spawn_ceiling: poll");
            return 1;
        }
        for (int j = 0; j < k; j++) {
            if (!pf[j].revents)
                continue;
            char buf[4096];
            ssize_t got = read(fds[at[j]], buf, sizeof buf);
            if (got > 0 || (got < 0 && errno == EINTR))
                continue;
            close(fds[at[j]]);
            fds[at[j]] = -1;
            int st;
            waitpid(pids[at[j]], &st, 0);
            running--;
        }
    }
    double wall = now() - t0;
    double self = cpu_s(RUSAGE_SELF), kids = cpu_s(RUSAGE_CHILDREN);
    printf("spawns_per_s=%.1f cpu_ms_per_spawn=%.3f parent_cpu_ms=%.3f\n", (double)n / wall,
           1000 * (self + kids) / (double)n, 1000 * self / (double)n);
    return 0;
}
