/* Trials per second with N worker processes on one study, with a cheap objective.
 *
 *   bench_workers URL N TRIALS_PER_WORKER
 *
 *   bench_workers URL N TRIALS_PER_WORKER read   (each worker reads the study's trials before
 *                                                each ask, as a sampler that reads them does)
 *
 * Prints "workers=N trials=T seconds=S trials_per_s=R failed_workers=F statements_prepared=P"
 * (P: statements the workers prepared on their connections), then on PostgreSQL
 * what the workers' syncs did, summed: looks (one indexed look for a change), syncs (the
 * pipeline reading the changes), lock_reads (syncs whose watermark read pg_locks),
 * stamped_by (syncs that looked up writers that ended meanwhile), read (the trials the
 * syncs read) and unfinished (those read while running or waiting); then the study
 * snapshot's writes begun, written, written whole, and the megabytes encoded for them. Each worker
 * opens its own connection, creates or loads the study "bench", and runs ask, two suggestions,
 * tell. */
#include "knob.h"
#include "storage/postgres.h"
#include "trials.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool read_trials;

/* The workers' counts, summed in memory shared with the parent. */
static knob__pg_counts *shared_counts;

static void add_counts(void)
{
    knob__pg_counts c;
    knob__pg_counts_get(&c);
    if (!shared_counts)
        return;
    __atomic_add_fetch(&shared_counts->looks, c.looks, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->syncs, c.syncs, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->lock_reads, c.lock_reads, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->stamped_by, c.stamped_by, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->trials, c.trials, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->unfinished, c.unfinished, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->snap_tries, c.snap_tries, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->snap_written, c.snap_written, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->snap_whole, c.snap_whole, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->snap_bytes, c.snap_bytes, __ATOMIC_RELAXED);
    __atomic_add_fetch(&shared_counts->parses, c.parses, __ATOMIC_RELAXED);
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
    if (run_trials(s, n, read_trials))
        return 1;
    if (n)
        add_counts();
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "read"))) {
        fprintf(stderr, "usage: bench_workers URL N TRIALS_PER_WORKER [read]\n");
        return 2;
    }
    read_trials = argc == 5;
    int n = atoi(argv[2]), m = atoi(argv[3]), failed = 0;
    shared_counts = mmap(NULL, sizeof *shared_counts, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared_counts == MAP_FAILED)
        shared_counts = NULL;
    else
        *shared_counts = (knob__pg_counts){0};
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
    printf("workers=%d trials=%d seconds=%.3f trials_per_s=%.1f failed_workers=%d "
           "statements_prepared=%lld\n",
           n, n * m, dt, n * m / dt, failed,
           shared_counts ? (long long)shared_counts->parses : 0LL);
    if (shared_counts && (shared_counts->looks || shared_counts->syncs))
        printf("looks=%lld syncs=%lld lock_reads=%lld stamped_by=%lld read=%lld unfinished=%lld\n",
               (long long)shared_counts->looks, (long long)shared_counts->syncs,
               (long long)shared_counts->lock_reads, (long long)shared_counts->stamped_by,
               (long long)shared_counts->trials, (long long)shared_counts->unfinished);
    if (shared_counts && shared_counts->snap_tries)
        printf("snap_tries=%lld snap_written=%lld snap_whole=%lld snap_mb=%.1f\n",
               (long long)shared_counts->snap_tries, (long long)shared_counts->snap_written,
               (long long)shared_counts->snap_whole, shared_counts->snap_bytes / 1e6);
    return failed ? 1 : 0;
}
