/* Trials per second with N worker processes on one study, with a cheap objective.
 *
 *   bench_workers URL N TRIALS_PER_WORKER
 *
 * Prints "workers=N trials=T seconds=S trials_per_s=R". Each worker opens its own
 * connection, creates or loads the study "bench", and runs ask, two suggestions, tell. */
#include "knob.h"
#include "trials.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int worker(const char *url, int n, int seed)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, &st) || knob_sampler_create("random", opts, &sp)) {
        fprintf(stderr, "worker: %s\n", knob_errmsg());
        return 1;
    }
    knob_study_options o = {.sampler = sp};
    if (knob_study_create(st, "bench", &o, &s)) {
        fprintf(stderr, "worker: %s\n", knob_errmsg());
        return 1;
    }
    if (run_trials(s, n))
        return 1;
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_workers URL N TRIALS_PER_WORKER\n");
        return 2;
    }
    int n = atoi(argv[2]), m = atoi(argv[3]), failed = 0;
    /* Create the study first so the workers only load it. */
    if (worker(argv[1], 0, 0))
        return 1;
    double t0 = now();
    for (int w = 0; w < n; w++)
        if (fork() == 0)
            _exit(worker(argv[1], m, w + 1));
    for (int w = 0; w < n; w++) {
        int status;
        wait(&status);
        failed += !WIFEXITED(status) || WEXITSTATUS(status);
    }
    double dt = now() - t0;
    printf("workers=%d trials=%d seconds=%.3f trials_per_s=%.1f failed_workers=%d\n", n, n * m, dt,
           n * m / dt, failed);
    return failed ? 1 : 0;
}
