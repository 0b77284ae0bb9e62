/*
 * bench_ask_tell: the overhead of knob's ask and tell, per trial, with the random sampler.
 *
 * Each trial is what a tuning loop costs besides the objective itself: knob_study_ask,
 * five knob_trial_suggest_float (x0..x4 in [-10, 10]), knob_study_tell with the sum of
 * their squares. Only the public API (include/knob.h) is used. optuna_ask_tell.py does the
 * same work with Optuna; run.sh runs both and prints the table.
 *
 *     bench_ask_tell [--storage URL] [--trials N] [--repeat R]
 *     bench_ask_tell memory|sqlite|URL [N]
 *
 * --storage "memory:" (default) or "sqlite:///path.db": each run makes a fresh study
 * (a fresh in-memory storage, or a new study name in the SQLite file; run.sh gives a new
 * file). The short form takes the backend and the number of trials; its "sqlite" is a
 * fresh file under /tmp for each run, deleted after it. Prints one JSON line:
 *
 *     {"impl": "knob", "storage": "memory", "n_trials": 1000, "runs": 3,
 *      "us_per_trial": 5.1, "us_per_trial_min": 5.0, "tail_us_per_trial": 5.2,
 *      "setup_ms": 0.1}
 *
 * us_per_trial is the median over the runs of (time of the N trials) / N; tail_us_per_trial
 * the same over the last tenth of the trials only (does the cost grow with the study?);
 * setup_ms the median time to open the storage and create the study, not counted above.
 * The timed loop is the function bench_trials, which `run.sh --callgrind` counts alone.
 */
#include <knob.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_PARAMS 5
#define MAX_REPEAT 100

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "bench_ask_tell: %s: %s: %s\n", what, knob_status_str(rc), knob_errmsg());
    return 1;
}

/* Runs trials [from, to) of study s: ask, suggest N_PARAMS floats, tell. */
static NOINLINE int bench_trials(knob_study *s, long from, long to)
{
    static const char *const names[N_PARAMS] = {"x0", "x1", "x2", "x3", "x4"};
    for (long i = from; i < to; i++) {
        knob_trial *t;
        double x, value = 0;
        int rc = knob_study_ask(s, &t);
        if (rc)
            return fail("knob_study_ask", rc);
        for (int p = 0; p < N_PARAMS; p++) {
            rc = knob_trial_suggest_float(t, names[p], -10.0, 10.0, 0, 0, &x);
            if (rc) {
                knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
                return fail("knob_trial_suggest_float", rc);
            }
            value += x * x;
        }
        rc = knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &value, 1);
        if (rc)
            return fail("knob_study_tell", rc);
    }
    return 0;
}

typedef struct result {
    double per_trial, tail_per_trial, setup;
} result;

/* One run on a fresh study: times the setup, all trials, and the last tenth alone. */
static int run_once(const char *url, long n, int run, result *out)
{
    knob_storage *st = NULL;
    knob_sampler *smp = NULL;
    knob_study *s = NULL;
    char name[64];
    snprintf(name, sizeof name, "bench-ask-tell-%d", run);
    double t0 = now();
    int rc = knob_storage_open(url, &st);
    if (rc)
        return fail(url, rc);
    rc = knob_sampler_create("random", "seed=1", &smp);
    if (rc) {
        knob_storage_close(st);
        return fail("knob_sampler_create", rc);
    }
    knob_study_options opts;
    memset(&opts, 0, sizeof opts);
    opts.sampler = smp; /* the study owns it from here, even on failure */
    rc = knob_study_create(st, name, &opts, &s);
    if (rc) {
        knob_storage_close(st);
        return fail("knob_study_create", rc);
    }
    long tail_from = n - n / 10;
    double t1 = now();
    rc = bench_trials(s, 0, tail_from);
    double t2 = now();
    if (!rc)
        rc = bench_trials(s, tail_from, n);
    double t3 = now();
    knob_study_free(s);
    knob_storage_close(st);
    out->setup = t1 - t0;
    out->per_trial = (t3 - t1) / (double)n;
    out->tail_per_trial = n > tail_from ? (t3 - t2) / (double)(n - tail_from) : 0;
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_ask_tell [--storage memory:|sqlite:///path.db] [--trials N] "
                    "[--repeat R]\n"
                    "       bench_ask_tell memory|sqlite|URL [N]   (sqlite: a fresh file "
                    "under /tmp per run)\n");
    return 2;
}

static int parse_long(const char *v, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end)
        return -1;
    *out = x;
    return 0;
}

/* The short form: a backend ("memory", "sqlite" or a URL), then optionally N. */
static int parse_positional(const char *a, int pos, const char **url, long *n)
{
    if (pos == 0) {
        *url = !strcmp(a, "memory") ? "memory:" : !strcmp(a, "sqlite") ? NULL : a;
        return 0;
    }
    return pos == 1 && !parse_long(a, n) ? 0 : -1;
}

/* *url is NULL for the short form's "sqlite" (a temporary file per run). */
static int parse_args(int argc, char **argv, const char **url, long *n, int *repeat)
{
    int pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long x = 0;
        if (strncmp(a, "--", 2)) {
            if (parse_positional(a, pos++, url, n))
                return usage();
            continue;
        }
        if (!v)
            return usage();
        if (!strcmp(a, "--storage"))
            *url = v;
        else if (!strcmp(a, "--trials") && !parse_long(v, &x))
            *n = x;
        else if (!strcmp(a, "--repeat") && !parse_long(v, &x) && x >= 1 && x <= MAX_REPEAT)
            *repeat = (int)x;
        else
            return usage();
        i++;
    }
    if (*n < 1)
        return usage();
    return 0;
}

static void remove_db(const char *path)
{
    char buf[512];
    remove(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    remove(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    remove(buf);
}

int main(int argc, char **argv)
{
    const char *url = "memory:";
    long n = 1000;
    int repeat = 1;
    if (parse_args(argc, argv, &url, &n, &repeat))
        return 2;
    double per[MAX_REPEAT], tail[MAX_REPEAT], setup[MAX_REPEAT];
    const int temp_file = url == NULL;
    const char *backend = temp_file || !strncmp(url, "sqlite:", 7) ? "sqlite"
                          : !strcmp(url, "memory:")                ? "memory"
                                                                   : "other";
    char path[256], temp_url[300];
    for (int r = 0; r < repeat; r++) {
        result res;
        if (temp_file) {
            snprintf(path, sizeof path, "/tmp/knob-bench-ask-tell-%ld-%d.db", (long)getpid(), r);
            snprintf(temp_url, sizeof temp_url, "sqlite:///%s", path);
            remove_db(path);
            url = temp_url;
        }
        int rc = run_once(url, n, r, &res);
        if (temp_file)
            remove_db(path);
        if (rc)
            return 1;
        per[r] = res.per_trial;
        tail[r] = res.tail_per_trial;
        setup[r] = res.setup;
    }
    double min = per[0];
    for (int r = 1; r < repeat; r++)
        min = per[r] < min ? per[r] : min;
    printf("{\"impl\": \"knob\", \"storage\": \"%s\", \"n_trials\": %ld, \"runs\": %d, "
           "\"us_per_trial\": %.3f, \"us_per_trial_min\": %.3f, \"tail_us_per_trial\": %.3f, "
           "\"setup_ms\": %.3f}\n",
           backend, n, repeat, 1e6 * median(per, repeat), 1e6 * min, 1e6 * median(tail, repeat),
           1e3 * median(setup, repeat));
    return 0;
}
