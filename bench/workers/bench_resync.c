/* What a poll gives again: W worker processes run trials on one study while a reader polls
 * it with knob_study_trials_since as fast as it can (a live view, or a worker's ask), with
 * or without another program's transaction left open on the server all along.
 *
 *   bench_resync URL WORKERS TRIALS_PER_WORKER [stranger]
 *
 * "stranger": before the study is written, a connection of its own writes a table of its
 * own in a transaction it keeps open to the end (a batch job, a psql session idle in a
 * transaction). Prints "polls=P delivered=D again=A again_per_poll=R trials=T seconds=S
 * reader_cpu_ms_per_poll=C": D trials given by all polls, A of them unchanged since the
 * same reader was given them last (given again), the reader's CPU per poll (user+sys). */
#include "knob.h"
#include "trials.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec * 1e-6;
}

static int open_study(const char *url, int seed, knob_storage **st, knob_study **s)
{
    knob_sampler *sp;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    if (knob_storage_open(url, st) || knob_sampler_create("random", opts, &sp))
        return 1;
    knob_study_options o = {.sampler = sp};
    return knob_study_create(*st, "resync", &o, s) ? 1 : 0;
}

static int worker(const char *url, int n, int seed)
{
    knob_storage *st;
    knob_study *s;
    if (open_study(url, seed, &st, &s)) {
        fprintf(stderr, "worker: %s\n", knob_errmsg());
        return 1;
    }
    if (run_trials(s, n, false))
        return 1;
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}

static PGconn *stranger_begin(const char *url)
{
    static const char *const steps[] = {
        "SET client_min_messages = warning",
        "CREATE TABLE IF NOT EXISTS stranger_rows(v INTEGER)",
        "BEGIN",
        "INSERT INTO stranger_rows VALUES (1)",
    };
    PGconn *c = PQconnectdb(url);
    for (size_t i = 0; PQstatus(c) == CONNECTION_OK && i < sizeof steps / sizeof *steps; i++) {
        PGresult *r = PQexec(c, steps[i]);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            break;
        if (i + 1 == sizeof steps / sizeof *steps)
            return c;
    }
    fprintf(stderr, "stranger: %s\n", PQerrorMessage(c));
    PQfinish(c);
    return NULL;
}

/* What the reader was last given of each trial, to tell a change from a trial given again. */
typedef struct last {
    int state, n_params, n_values;
} last;

int main(int argc, char **argv)
{
    if (argc < 4 || (argc == 5 && strcmp(argv[4], "stranger")) || argc > 5) {
        fprintf(stderr, "usage: bench_resync URL WORKERS TRIALS_PER_WORKER [stranger]\n");
        return 2;
    }
    const char *url = argv[1];
    int n = atoi(argv[2]), m = atoi(argv[3]), failed = 0, running = n;
    PGconn *stranger = argc == 5 ? stranger_begin(url) : NULL;
    knob_storage *st;
    knob_study *s;
    if ((argc == 5 && !stranger) || open_study(url, 0, &st, &s)) {
        fprintf(stderr, "reader: %s\n", knob_errmsg());
        return 1;
    }
    last *seen = calloc((size_t)n * m + 1, sizeof *seen);
    if (!seen)
        return 1;
    for (int i = 0; i < n * m; i++)
        seen[i].state = -1;
    double t0 = now(), c0 = cpu_seconds();
    for (int w = 0; w < n; w++)
        if (fork() == 0)
            _exit(worker(url, m, w + 1));
    long polls = 0, delivered = 0, again = 0;
    int64_t stamp = 0;
    for (bool last_poll = false;;) {
        const knob_trial_info *const *got;
        size_t k;
        if (knob_study_trials_since(s, stamp, &got, &k, &stamp)) {
            fprintf(stderr, "reader: %s\n", knob_errmsg());
            return 1;
        }
        polls++;
        delivered += (long)k;
        for (size_t i = 0; i < k; i++) {
            last *l = &seen[got[i]->number < n * m ? got[i]->number : n * m];
            last now_ = {(int)got[i]->state, (int)got[i]->n_params, (int)got[i]->n_values};
            again += memcmp(l, &now_, sizeof now_) == 0;
            *l = now_;
        }
        if (last_poll)
            break;
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            running--;
            failed += !WIFEXITED(status) || WEXITSTATUS(status);
        }
        last_poll = running == 0;
    }
    double dt = now() - t0, cpu = cpu_seconds() - c0;
    printf("polls=%ld delivered=%ld again=%ld again_per_poll=%.2f trials=%d seconds=%.3f "
           "reader_cpu_ms_per_poll=%.3f failed_workers=%d\n",
           polls, delivered, again, (double)again / (double)polls, n * m, dt,
           cpu * 1000 / (double)polls, failed);
    knob_study_free(s);
    knob_storage_close(st);
    if (stranger) {
        PGresult *r = PQexec(stranger, "ROLLBACK");
        PQclear(r);
        PQfinish(stranger);
    }
    free(seen);
    return failed ? 1 : 0;
}
