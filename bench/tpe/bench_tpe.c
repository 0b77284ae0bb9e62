/* bench_tpe: knob's side of the TPE benchmark, on the public API only.
 *
 *   bench_tpe quality --func NAME --sampler NAME [--options "k=v,..."] [--seeds S]
 *                     [--trials T]
 *       one JSON line per seed (0..S-1): the best value and its regret after T trials.
 *   bench_tpe warm --func NAME [--sampler tpe|gp] [--source shifted|negated|other|same]
 *                  [--seeds S] [--first-seed F] [--trials T] [--options "k=v,..."]
 *                  [--warm-options "k=v,...|k=v,...|..."] [--trace 1]
 *       warm start on a pair, one JSON line per seed: a source study of T trials (of the
 *       same sampler) of the function with its optimum moved by 10% of each range
 *       (shifted, the default), of its negation (negated: an anti-correlated source), of
 *       a bowl with its minimum at 90% of each range (other: an unrelated function) or of
 *       the function itself (same: the ceiling of a warm start, a source that did not move),
 *       a cold run of T trials (its best, and the trial that first reached it), and a run
 *       warm-started from the source: the trials it needs to reach the cold run's best
 *       (T + 1: never). --trace 1 adds each run's improvements, [trial, regret] pairs
 *       (the trial that lowered the best and the best's distance to the function's minimum),
 *       as cold_trace and warm_trace: when a run found the optimum's basin, and how fast it
 *       refined it after. --warm-options gives variants for the warm run alone, separated by
 *       '|' (an empty one: as --options): the source and the cold run are made once a seed,
 *       and each variant's warm run prints a line, its "options" the two lists joined.
 *       Seeds F .. F+S-1 (F: 0 unless given).
 *   bench_tpe speed --n N [--sampler NAME] [--measure M] [--warmup W]
 *                   [--history self|random] [--options "k=v,..."]
 *       microseconds of one ask (5 suggest_float in [-10, 10]) + tell after N finished
 *       trials: the history is made by the sampler itself (default tpe; "tpe" is taken
 *       for "self"), or drawn at random (then W untimed trials, default 0, let the
 *       sampler read the history first), then M more trials are timed one by one; prints
 *       the median wall and thread-CPU times and the mean wall time as one JSON line.
 */
#include "knob.h"
#include "funcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct args {
    const char *mode, *func, *sampler, *options, *history, *source, *warm_options;
    int seeds, first_seed, trials, measure, warmup, trace;
    long n;
} args;

static void die(const char *what)
{
    fprintf(stderr, "bench_tpe: %s: %s\n", what, knob_errmsg());
    exit(1);
}

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

static knob_study *open_study(knob_storage *st, const char *sampler, const char *opts, bool load)
{
    knob_sampler *sp;
    if (knob_sampler_create(sampler, opts, &sp))
        die("sampler");
    knob_study_options o = {.sampler = sp};
    knob_study *s;
    if ((load ? knob_study_load : knob_study_create)(st, "bench", &o, &s))
        die("study");
    return s;
}

/* One trial of f: ask, suggest each coordinate, tell. Returns the value. */
static double run_trial(knob_study *s, const bench_func *f)
{
    knob_trial *t;
    double x[8];
    char name[8];
    if (knob_study_ask(s, &t))
        die("ask");
    for (int i = 0; i < f->dim; i++) {
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, f->low[i], f->high[i], 0, 0, &x[i]))
            die("suggest");
    }
    double y = f->f(x, f->dim);
    if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
        die("tell");
    return y;
}

static void quality(const args *a)
{
    const bench_func *f = bench_func_find(a->func);
    if (!f) {
        fprintf(stderr, "bench_tpe: unknown function '%s'\n", a->func);
        exit(2);
    }
    for (int seed = 0; seed < a->seeds; seed++) {
        char opts[512];
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed, a->options[0] ? "," : "", a->options);
        knob_storage *st;
        if (knob_storage_open("memory:", &st))
            die("storage");
        knob_study *s = open_study(st, a->sampler, opts, false);
        double best = INFINITY, t0 = now_us();
        for (int i = 0; i < a->trials; i++) {
            double y = run_trial(s, f);
            best = y < best ? y : best;
        }
        printf("{\"func\": \"%s\", \"sampler\": \"%s\", \"options\": \"%s\", \"seed\": %d, "
               "\"trials\": %d, \"best\": %.10g, \"regret\": %.10g, \"seconds\": %.3f}\n",
               f->name, a->sampler, a->options, seed, a->trials, best, best - f->fmin,
               (now_us() - t0) / 1e6);
        fflush(stdout);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* The function of a warm start's source: f with its optimum moved by 10% of each range,
 * -f, or a bowl with its minimum at 90% of each range (scaled to f's range of values:
 * 100 at the far corner). */
static const bench_func *shift_base;
static double shifted(const double *x, int d)
{
    double y[8];
    for (int i = 0; i < d; i++)
        y[i] = x[i] - 0.1 * (shift_base->high[i] - shift_base->low[i]);
    return shift_base->f(y, d);
}

static double negated(const double *x, int d)
{
    return -shift_base->f(x, d);
}

static double other(const double *x, int d)
{
    double s = 0;
    for (int i = 0; i < d; i++) {
        double u = (x[i] - shift_base->low[i]) / (shift_base->high[i] - shift_base->low[i]);
        s += (u - 0.9) * (u - 0.9);
    }
    return 100 * s / (0.81 * d);
}

/* The improvements of a run (--trace): the trial that lowered the best, and the best's
 * regret then. */
typedef struct trace {
    int *trial;
    double *regret;
    int n;
} trace;

/* Runs trials of f on s until `trials` or until the best reaches `target`; returns the
 * number of trials run, the best in *best and the trial that first reached it in *at; each
 * improvement into tr when it is not NULL (room for `trials` of them). */
static int run_until(knob_study *s, const bench_func *f, int trials, double target, double *best,
                     int *at, trace *tr)
{
    *best = INFINITY;
    if (tr)
        tr->n = 0;
    for (int i = 0; i < trials; i++) {
        double y = run_trial(s, f);
        if (y < *best) {
            *best = y;
            *at = i + 1;
            if (tr) {
                tr->trial[tr->n] = i + 1;
                tr->regret[tr->n++] = y - f->fmin;
            }
        }
        if (*best <= target)
            return i + 1;
    }
    return trials;
}

/* The options without the warm_start_* ones (k=v,k=v): the source and the cold run take no
 * source, and the sampler refuses an option that acts only with one. */
static void cold_options(const char *in, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    while (*in) {
        size_t len = strcspn(in, ",");
        if (strncmp(in, "warm_start_", 11) != 0 && used + len + 2 < size) {
            used +=
                (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "," : "", (int)len, in);
        }
        in += len + (in[len] == ',');
    }
}

static void warm(const args *a)
{
    const bench_func *f = bench_func_find(a->func);
    if (!f) {
        fprintf(stderr, "bench_tpe: unknown function '%s'\n", a->func);
        exit(2);
    }
    bench_func src = *f;
    shift_base = f;
    src.f = !strcmp(a->source, "negated") ? negated
            : !strcmp(a->source, "other") ? other
            : !strcmp(a->source, "same")  ? f->f
                                          : shifted;
    if (strcmp(a->source, "shifted") && strcmp(a->source, "negated") &&
        strcmp(a->source, "other") && strcmp(a->source, "same")) {
        fprintf(stderr, "bench_tpe: unknown source '%s' (shifted, negated, other, same)\n",
                a->source);
        exit(2);
    }
    trace runs[2] = {{0}, {0}}, *tr_cold = NULL, *tr_warm = NULL;
    if (a->trace) {
        for (int k = 0; k < 2; k++) {
            runs[k].trial = malloc((size_t)(a->trials > 0 ? a->trials : 1) * sizeof(int));
            runs[k].regret = malloc((size_t)(a->trials > 0 ? a->trials : 1) * sizeof(double));
            if (!runs[k].trial || !runs[k].regret) {
                fprintf(stderr, "bench_tpe: out of memory\n");
                exit(1);
            }
        }
        tr_cold = &runs[0];
        tr_warm = &runs[1];
    }
    for (int seed = a->first_seed; seed < a->first_seed + a->seeds; seed++) {
        char opts[600], cold[512];
        knob_storage *st;
        if (knob_storage_open("memory:", &st))
            die("storage");
        cold_options(a->options, cold, sizeof cold);
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed + 1000, cold[0] ? "," : "", cold);
        knob_sampler *sp;
        knob_study *s;
        if (knob_sampler_create(a->sampler, opts, &sp))
            die("sampler");
        knob_study_options o = {.sampler = sp};
        if (knob_study_create(st, "source", &o, &s))
            die("study");
        double best_src, best_cold, best_warm;
        int at_src = 0, at_cold = 0, at_warm = 0;
        run_until(s, &src, a->trials, -INFINITY, &best_src, &at_src, NULL);
        knob_study_free(s);
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed, cold[0] ? "," : "", cold);
        if (knob_sampler_create(a->sampler, opts, &sp))
            die("sampler");
        o.sampler = sp;
        if (knob_study_create(st, "cold", &o, &s))
            die("study");
        run_until(s, f, a->trials, -INFINITY, &best_cold, &at_cold, tr_cold);
        knob_study_free(s);
        const char *variant = a->warm_options;
        for (;;) {
            const char *bar = strchr(variant, '|');
            int len = bar ? (int)(bar - variant) : (int)strlen(variant);
            char all[512], name[64];
            snprintf(all, sizeof all, "%s%s%.*s", a->options, a->options[0] && len ? "," : "",
                     len, variant);
            snprintf(opts, sizeof opts, "seed=%d,warm_start_study=source%s%s", seed,
                     all[0] ? "," : "", all);
            if (knob_sampler_create(a->sampler, opts, &sp))
                die("sampler");
            o.sampler = sp;
            snprintf(name, sizeof name, "warm%d", (int)(variant - a->warm_options));
            if (knob_study_create(st, name, &o, &s))
                die("study");
            int n = run_until(s, f, a->trials, best_cold, &best_warm, &at_warm, tr_warm);
            knob_study_free(s);
            printf("{\"func\": \"%s\", \"sampler\": \"%s\", \"source\": \"%s\", \"seed\": %d, "
                   "\"trials\": %d, \"options\": \"%s\", "
                   "\"source_best\": %.10g, \"cold_best\": %.10g, \"cold_trials\": %d, "
                   "\"warm_trials\": %d",
                   f->name, a->sampler, a->source, seed, a->trials, all, best_src, best_cold,
                   at_cold, best_warm <= best_cold ? n : a->trials + 1);
            for (int k = 0; a->trace && k < 2; k++) {
                const trace *tr = k ? tr_warm : tr_cold;
                printf(", \"%s_trace\": [", k ? "warm" : "cold");
                for (int i = 0; i < tr->n; i++)
                    printf("%s[%d, %.6g]", i ? ", " : "", tr->trial[i], tr->regret[i]);
                printf("]");
            }
            printf("}\n");
            fflush(stdout);
            if (!bar)
                break;
            variant = bar + 1;
        }
        knob_storage_close(st);
    }
    for (int k = 0; k < 2; k++) {
        free(runs[k].trial);
        free(runs[k].regret);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static const bench_func sphere5 = {
    "sphere5", 5, NULL, {-10, -10, -10, -10, -10}, {10, 10, 10, 10, 10}, 0};

static double sphere(const double *x, int d)
{
    double s = 0;
    for (int i = 0; i < d; i++)
        s += x[i] * x[i];
    return s;
}

/* The timed trials, apart so that callgrind can count only them
 * (--toggle-collect=measured_trials). */
__attribute__((noinline)) static void measured_trials(knob_study *s, const bench_func *f,
                                                      double *us, double *cpu, int n)
{
    for (int i = 0; i < n; i++) {
        double t = now_us(), c = clock_us(CLOCK_THREAD_CPUTIME_ID);
        run_trial(s, f);
        us[i] = now_us() - t;
        cpu[i] = clock_us(CLOCK_THREAD_CPUTIME_ID) - c;
    }
}

static void speed(const args *a)
{
    bench_func f = sphere5;
    f.f = sphere;
    knob_storage *st;
    if (knob_storage_open("memory:", &st))
        die("storage");
    bool random_history = strcmp(a->history, "random") == 0;
    char opts[512];
    snprintf(opts, sizeof opts, "seed=1%s%s", a->options[0] ? "," : "", a->options);
    knob_study *s = open_study(st, random_history ? "random" : a->sampler,
                               random_history ? "seed=1" : opts, false);
    double t0 = now_us();
    for (long i = 0; i < a->n; i++)
        run_trial(s, &f);
    double fill = now_us() - t0;
    if (random_history) {
        knob_study_free(s);
        s = open_study(st, a->sampler, opts, true);
    }
    for (int i = 0; i < a->warmup; i++) /* untimed: the first reads of the reopened study */
        run_trial(s, &f);
    double *us = malloc(2 * (size_t)a->measure * sizeof *us), *cpu = us + a->measure, sum = 0;
    measured_trials(s, &f, us, cpu, a->measure);
    for (int i = 0; i < a->measure; i++)
        sum += us[i];
    qsort(us, (size_t)a->measure, sizeof *us, cmp_double);
    qsort(cpu, (size_t)a->measure, sizeof *cpu, cmp_double);
    printf("{\"n\": %ld, \"sampler\": \"%s\", \"history\": \"%s\", \"options\": \"%s\", "
           "\"measure\": %d, "
           "\"us_per_trial\": %.2f, \"cpu_us_per_trial\": %.2f, \"mean_us\": %.2f, "
           "\"fill_s\": %.3f}\n",
           a->n, a->sampler, a->history, a->options, a->measure, us[a->measure / 2],
           cpu[a->measure / 2], sum / a->measure, fill / 1e6);
    free(us);
    knob_study_free(s);
    knob_storage_close(st);
}

static args parse(int argc, char **argv)
{
    args a = {.mode = argc > 1 ? argv[1] : "",
              .func = "branin",
              .sampler = "tpe",
              .options = "",
              .history = "tpe",
              .source = "shifted",
              .warm_options = "",
              .seeds = 10,
              .trials = 100,
              .measure = 20,
              .n = 1000};
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--func"))
            a.func = v;
        else if (!strcmp(k, "--sampler"))
            a.sampler = v;
        else if (!strcmp(k, "--options"))
            a.options = v;
        else if (!strcmp(k, "--history"))
            a.history = v;
        else if (!strcmp(k, "--source"))
            a.source = v;
        else if (!strcmp(k, "--seeds"))
            a.seeds = atoi(v);
        else if (!strcmp(k, "--first-seed"))
            a.first_seed = atoi(v);
        else if (!strcmp(k, "--warm-options"))
            a.warm_options = v;
        else if (!strcmp(k, "--trials"))
            a.trials = atoi(v);
        else if (!strcmp(k, "--measure"))
            a.measure = atoi(v);
        else if (!strcmp(k, "--warmup"))
            a.warmup = atoi(v);
        else if (!strcmp(k, "--trace"))
            a.trace = atoi(v);
        else if (!strcmp(k, "--n"))
            a.n = atol(v);
        else {
            fprintf(stderr, "bench_tpe: unknown argument '%s'\n", k);
            exit(2);
        }
    }
    return a;
}

int main(int argc, char **argv)
{
    args a = parse(argc, argv);
    if (!strcmp(a.mode, "quality"))
        quality(&a);
    else if (!strcmp(a.mode, "warm"))
        warm(&a);
    else if (!strcmp(a.mode, "speed") && a.measure > 0)
        speed(&a);
    else {
        fprintf(stderr, "usage: bench_tpe quality|warm|speed [--func F] [--sampler S] "
                        "[--options O] [--seeds N] [--trials T] [--n N] [--measure M] "
                        "[--warmup W] [--history tpe|random] [--source shifted|negated|other|same] "
                        "[--first-seed F] [--warm-options \"A|B\"] [--trace 1]\n");
        return 2;
    }
    return 0;
}
