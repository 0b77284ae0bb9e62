/*
 * bench_pruners: what knob's pruners save and what they cost, on a learning-curve problem
 * of up to 81 epochs (curve.h; README.md has the model). optuna_pruners.py does the same
 * with Optuna's pruners; run.sh runs both and prints one table.
 *
 *     bench_pruners [--trials N] [--seeds K] [--first-seed S] [--only NAME,...] [--json]
 *                   [--paired] [--budget E]
 *     bench_pruners --dump-curves
 *
 * For each configuration (none, median, asha, hyperband, hyperband_tpe) and each seed
 * S = first-seed .. first-seed + K - 1 (default 1..10), a fresh in-memory study named
 * "bench-pruners-seed<S>" runs N trials (default 100). A trial suggests lr, width,
 * weight_decay and dropout, then trains epoch by epoch: it reports the epoch's validation
 * error (curve_value with seed S) at step = epoch, and after every epoch but the last asks
 * the pruner whether to stop; stopped, it is told PRUNED; after epoch 81 it is told COMPLETE
 * with its epoch-81 value. Asking after the last epoch would save nothing, so every trial
 * that runs 81 epochs is COMPLETE, and only those have a final value.
 *
 * Measured per run: the epochs spent (the sum over trials of the epochs each ran), the best
 * final value (the least epoch-81 value of the COMPLETE trials; a pruned trial's last value
 * is not a final value), the noise-free epoch-81 error of that trial, and the trial counts.
 * --json prints one JSON line per run; otherwise a table of medians over the seeds.
 * --dump-curves prints configurations and their values for run.sh's check that curve.py
 * computes the same doubles.
 *
 * --paired enqueues every trial's params from curve_draw(seed, trial number) instead of
 * sampling them, for the configurations with the random sampler: optuna_pruners.py
 * --paired enqueues the same, so both frameworks' pruners judge the very same curves, and
 * their decisions can be compared trial by trial (JSON field trial_epochs).
 *
 * --budget E runs each study until its trials have spent E epochs (the last trial runs to
 * its end, so a study overshoots by less than 81), up to --trials trials (without
 * --trials: as many as it takes): the best final value at equal compute.
 *
 * Only the public API (include/knob.h) is used. The sampler of hyperband_tpe is "tpe" when
 * knob has it; otherwise the row runs with "random" and says so (on stderr and in its
 * "sampler" field).
 */
#include <knob.h>

#include "curve.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SEEDS 1000
#define MAX_BRACKETS 16

typedef struct bench_config {
    const char *name;
    const char *pruner;
    const char *pruner_options;
    const char *sampler;
} bench_config;

/* Optuna's defaults where the issue names none: median keeps n_startup_trials=5,
 * n_warmup_steps=0; Hyperband and ASHA get the min_resource, max_resource and
 * reduction_factor, with bootstrap_count=0 and min_early_stopping_rate=0 as in Optuna. */
static const bench_config configs[] = {
    {"none", "none", "", "random"},
    {"median", "median", "", "random"},
    {"asha", "successive_halving", "min_resource=1,reduction_factor=3", "random"},
    {"hyperband", "hyperband", "min_resource=1,max_resource=81,reduction_factor=3", "random"},
    {"hyperband_tpe", "hyperband", "min_resource=1,max_resource=81,reduction_factor=3", "tpe"},
};
#define N_CONFIGS (sizeof configs / sizeof configs[0])

typedef struct run_result {
    long epochs;
    int n_complete, n_pruned, n_fail;
    double best_final, best_true; /* NaN when no trial completed */
    int64_t best_number;
    double seconds;
    char sampler[64];
    int brackets[MAX_BRACKETS]; /* trials per Hyperband bracket */
    int n_brackets;
    int *trial_epochs; /* [n_trials]: the epochs each trial ran; owned by main */
} run_result;

/* Paired mode: every trial's params are enqueued from curve_draw, not sampled. */
static bool paired;
/* With a budget > 0, a study asks trials (up to n_trials) until its trials have spent
 * this many epochs; the last one runs to its end, so a study may overshoot by < 81. */
static long budget;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "bench_pruners: %s: %s: %s\n", what, knob_status_str(rc), knob_errmsg());
    return rc ? rc : 1;
}

/* The four params of trial t, suggested in the same order as optuna_pruners.py. */
static int suggest(knob_trial *t, curve_config *c)
{
    int64_t width;
    int rc = knob_trial_suggest_float(t, "lr", CURVE_LR_LOW, CURVE_LR_HIGH, 0, KNOB_LOG, &c->lr);
    if (!rc)
        rc = knob_trial_suggest_int(t, "width", CURVE_WIDTH_LOW, CURVE_WIDTH_HIGH, 1, KNOB_LOG,
                                    &width);
    if (!rc)
        rc = knob_trial_suggest_float(t, "weight_decay", CURVE_WD_LOW, CURVE_WD_HIGH, 0, KNOB_LOG,
                                      &c->wd);
    if (!rc)
        rc = knob_trial_suggest_float(t, "dropout", CURVE_DROPOUT_LOW, CURVE_DROPOUT_HIGH, 0, 0,
                                      &c->dropout);
    c->width = (double)width;
    return rc;
}

/* One trial: train epoch by epoch until the pruner stops it or it reaches the last epoch. */
static int run_trial(knob_study *s, uint64_t seed, run_result *r)
{
    knob_trial *t;
    curve_config c;
    int rc;
    if (paired) {
        /* The next trial's number is the count of trials run so far. */
        int64_t next = r->n_complete + r->n_pruned;
        char json[256];
        curve_draw(seed, next, &c);
        snprintf(json, sizeof json,
                 "{\"lr\": %.17g, \"width\": %.0f, \"weight_decay\": %.17g, "
                 "\"dropout\": %.17g}",
                 c.lr, c.width, c.wd, c.dropout);
        if ((rc = knob_study_enqueue(s, json)))
            return fail("enqueue", rc);
    }
    rc = knob_study_ask(s, &t);
    if (rc)
        return fail("ask", rc);
    int64_t number = knob_trial_number(t);
    if ((rc = suggest(t, &c))) {
        fail("suggest", rc);
        knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
        return rc;
    }
    double v = 0;
    for (int e = 1; e <= CURVE_EPOCHS; e++) {
        v = curve_value(seed, &c, e);
        r->epochs++;
        r->trial_epochs[number] = e;
        if ((rc = knob_trial_report(t, e, v))) {
            fail("report", rc);
            knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
            return rc;
        }
        if (e == CURVE_EPOCHS)
            break;
        bool stop = false;
        if ((rc = knob_trial_should_prune(t, &stop))) {
            fail("should_prune", rc);
            knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
            return rc;
        }
        if (stop) {
            r->n_pruned++;
            rc = knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0);
            return rc ? fail("tell pruned", rc) : 0;
        }
    }
    if ((rc = knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1)))
        return fail("tell complete", rc);
    r->n_complete++;
    if (isnan(r->best_final) || v < r->best_final) {
        r->best_final = v;
        r->best_true = curve_clean(&c, CURVE_EPOCHS);
        r->best_number = number;
    }
    return 0;
}

static int make_sampler(const bench_config *cf, uint64_t seed, knob_sampler **out, char *used,
                        size_t used_size)
{
    char opts[64];
    snprintf(opts, sizeof opts, "seed=%" PRIu64, seed);
    int rc = knob_sampler_create(cf->sampler, opts, out);
    if (rc && strcmp(cf->sampler, "random") != 0) {
        static int warned;
        if (!warned++)
            fprintf(stderr,
                    "bench_pruners: sampler '%s' is not available (%s): the %s row runs with "
                    "the random sampler instead\n",
                    cf->sampler, knob_errmsg(), cf->name);
        snprintf(used, used_size, "random (no %s)", cf->sampler);
        return knob_sampler_create("random", opts, out);
    }
    snprintf(used, used_size, "%s", cf->sampler);
    return rc;
}

static int run_study(const bench_config *cf, uint64_t seed, int n_trials, run_result *r)
{
    int *trial_epochs = r->trial_epochs;
    memset(r, 0, sizeof *r);
    r->trial_epochs = trial_epochs;
    r->best_final = r->best_true = NAN;
    r->best_number = -1;
    knob_sampler *sampler = NULL;
    knob_pruner *pruner = NULL;
    int rc = make_sampler(cf, seed, &sampler, r->sampler, sizeof r->sampler);
    if (rc)
        return fail("sampler", rc);
    if ((rc = knob_pruner_create(cf->pruner, cf->pruner_options, &pruner))) {
        knob_sampler_free(sampler);
        return fail("pruner", rc);
    }
    knob_storage *st;
    if ((rc = knob_storage_open("memory:", &st))) {
        knob_sampler_free(sampler);
        knob_pruner_free(pruner);
        return fail("storage", rc);
    }
    /* The study's name is Optuna's too: Hyperband's bracket of a trial hashes it. */
    char name[64];
    snprintf(name, sizeof name, "bench-pruners-seed%" PRIu64, seed);
    knob_study_options so = {0};
    so.sampler = sampler;
    so.pruner = pruner;
    knob_study *s;
    if ((rc = knob_study_create(st, name, &so, &s))) {
        knob_storage_close(st);
        return fail("study", rc);
    }
    double t0 = now();
    for (int i = 0; i < n_trials && !rc && (budget <= 0 || r->epochs < budget); i++)
        rc = run_trial(s, seed, r);
    int ran = r->n_complete + r->n_pruned;
    r->seconds = now() - t0;
    for (int i = 0; i < ran && !rc; i++) {
        int64_t b = knob_pruner_bracket(knob_study_pruner(s), s, i);
        if (b >= 0 && b < MAX_BRACKETS) {
            r->brackets[b]++;
            if (b + 1 > r->n_brackets)
                r->n_brackets = (int)b + 1;
        }
    }
    knob_study_free(s);
    knob_storage_close(st);
    return rc;
}

static void print_json(const bench_config *cf, uint64_t seed, int n_trials, const run_result *r)
{
    printf("{\"impl\": \"knob\", \"config\": \"%s\", \"sampler\": \"%s\", \"paired\": %s, "
           "\"seed\": %" PRIu64 ", \"budget\": %ld, \"n_trials\": %d, \"epochs\": %ld, "
           "\"n_complete\": %d, \"n_pruned\": %d, ",
           cf->name, r->sampler, paired ? "true" : "false", seed, budget,
           r->n_complete + r->n_pruned, r->epochs, r->n_complete, r->n_pruned);
    if (isnan(r->best_final))
        printf("\"best_final\": null, \"best_true\": null, ");
    else
        printf("\"best_final\": %.17g, \"best_true\": %.17g, ", r->best_final, r->best_true);
    printf("\"best_number\": %" PRId64 ", \"brackets\": [", r->best_number);
    for (int b = 0; b < r->n_brackets; b++)
        printf("%s%d", b ? ", " : "", r->brackets[b]);
    printf("], \"trial_epochs\": [");
    for (int i = 0; i < r->n_complete + r->n_pruned; i++)
        printf("%s%d", i ? ", " : "", r->trial_epochs[i]);
    printf("], \"seconds\": %.4f}\n", r->seconds);
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n), NaNs left out (NaN when all are). Sorts v. */
static double median(double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[k++] = v[i];
    if (!k)
        return NAN;
    qsort(v, k, sizeof *v, cmp_double);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

/* Prints a line of medians over the seeds of one configuration. */
static void print_row(const bench_config *cf, const run_result *rs, size_t n, double base_epochs)
{
    double ep[MAX_SEEDS], best[MAX_SEEDS], tru[MAX_SEEDS], done[MAX_SEEDS];
    for (size_t i = 0; i < n; i++) {
        ep[i] = (double)rs[i].epochs;
        best[i] = rs[i].best_final;
        tru[i] = rs[i].best_true;
        done[i] = rs[i].n_complete;
    }
    double e = median(ep, n);
    printf("%-14s %-18s %9.0f %7.2fx %10.4f %10.4f %9.1f\n", cf->name, rs[0].sampler, e,
           base_epochs > 0 ? base_epochs / e : 1.0, median(best, n), median(tru, n),
           median(done, n));
}

static int dump_curves(void)
{
    /* 60 configurations of the paired mode's stream, for three seeds, at every epoch. */
    printf("# seed number lr width weight_decay dropout epoch value clean\n");
    for (int i = 0; i < 60; i++) {
        uint64_t seed = (uint64_t)(i % 3) * 1000003u + 1u;
        curve_config c;
        curve_draw(seed, i, &c);
        for (int e = 1; e <= CURVE_EPOCHS; e++)
            printf("%" PRIu64 " %d %.17g %.17g %.17g %.17g %d %.17g %.17g\n", seed, i, c.lr,
                   c.width, c.wd, c.dropout, e, curve_value(seed, &c, e), curve_clean(&c, e));
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_pruners [--trials N] [--seeds K] [--first-seed S] "
                    "[--only NAME,...] [--json] [--paired] [--budget E]\n"
                    "       bench_pruners --dump-curves\n"
                    "configurations: none median asha hyperband hyperband_tpe\n");
    return 2;
}

static bool selected(const char *only, const char *name)
{
    if (!only)
        return true;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

int main(int argc, char **argv)
{
    int n_trials = 100, n_seeds = 10;
    long first_seed = 1;
    bool json = false;
    const char *only = NULL;
    int trials_given = 0; /* 1: --trials; -1: --budget alone, trials capped by the budget */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dump-curves") == 0)
            return dump_curves();
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--paired") == 0) {
            paired = true;
        } else if (i + 1 < argc && strcmp(a, "--budget") == 0) {
            budget = atol(argv[++i]);
            trials_given = trials_given ? trials_given : -1;
        } else if (i + 1 < argc && strcmp(a, "--trials") == 0) {
            n_trials = atoi(argv[++i]);
            trials_given = 1;
        } else if (i + 1 < argc && strcmp(a, "--seeds") == 0) {
            n_seeds = atoi(argv[++i]);
        } else if (i + 1 < argc && strcmp(a, "--first-seed") == 0) {
            first_seed = atol(argv[++i]);
        } else if (i + 1 < argc && strcmp(a, "--only") == 0) {
            only = argv[++i];
        } else {
            return usage();
        }
    }
    if (trials_given < 0)
        n_trials = (int)(budget < 1 ? 1 : budget > 1000000 ? 1000000 : budget);
    if (n_trials < 1 || n_seeds < 1 || n_seeds > MAX_SEEDS || first_seed < 0 || budget < 0)
        return usage();

    static run_result results[MAX_SEEDS];
    int *trial_epochs = calloc((size_t)n_seeds * (size_t)n_trials, sizeof *trial_epochs);
    if (!trial_epochs)
        return fail("calloc", KNOB_ENOMEM);
    for (int i = 0; i < n_seeds; i++)
        results[i].trial_epochs = trial_epochs + (size_t)i * (size_t)n_trials;
    double base_epochs = 0;
    if (!json) {
        printf("knob pruners: %s%d trials x %d seeds (%ld..%ld), up to %d epochs a trial; "
               "medians over seeds%s\n",
               budget > 0 ? "up to " : "", n_trials, n_seeds, first_seed, first_seed + n_seeds - 1,
               CURVE_EPOCHS, paired ? "; paired configurations (curve_draw)" : "");
        if (budget > 0)
            printf("each study stops asking trials once it has spent %ld epochs\n", budget);
        printf("\n");
        printf("%-14s %-18s %9s %8s %10s %10s %9s\n", "config", "sampler", "epochs", "fewer",
               "best final", "true err", "complete");
    }
    for (size_t k = 0; k < N_CONFIGS; k++) {
        if (!selected(only, configs[k].name) ||
            (paired && strcmp(configs[k].sampler, "random") != 0))
            continue;
        for (int i = 0; i < n_seeds; i++) {
            uint64_t seed = (uint64_t)(first_seed + i);
            if (run_study(&configs[k], seed, n_trials, &results[i])) {
                free(trial_epochs);
                return 1;
            }
            if (json)
                print_json(&configs[k], seed, n_trials, &results[i]);
        }
        if (!json) {
            if (k == 0) {
                double ep[MAX_SEEDS];
                for (int i = 0; i < n_seeds; i++)
                    ep[i] = (double)results[i].epochs;
                base_epochs = median(ep, (size_t)n_seeds);
            }
            print_row(&configs[k], results, (size_t)n_seeds, base_epochs);
        }
    }
    free(trial_epochs);
    return 0;
}
