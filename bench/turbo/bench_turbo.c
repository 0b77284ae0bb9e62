/* Many params: Ackley 20-D on [-5, 10]^20 and Levy 60-D on [-10, 10]^60 (both minimum 0),
 * one knob sampler per run, the best value after each trial; one JSON line per run.
 * optuna_cmaes.py is the peer's side on the same functions.
 *
 *   bench_turbo --func ackley20|levy60 --sampler NAME [--options "k=v,..."] [--seeds S]
 *               [--seed0 S0] [--trials T]
 */
#include "knob.h"

#include "../tpe/funcs.h" /* ackley, levy (any dimension) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what)
{
    fprintf(stderr, "bench_turbo: %s: %s\n", what, knob_errmsg());
    exit(1);
}

int main(int argc, char **argv)
{
    const char *func = "ackley20", *sampler = "gp", *options = "";
    int seeds = 1, seed0 = 0, trials = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--func"))
            func = argv[i + 1];
        else if (!strcmp(argv[i], "--sampler"))
            sampler = argv[i + 1];
        else if (!strcmp(argv[i], "--options"))
            options = argv[i + 1];
        else if (!strcmp(argv[i], "--seeds"))
            seeds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed0"))
            seed0 = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--trials"))
            trials = atoi(argv[i + 1]);
    }
    bool is_ackley = !strcmp(func, "ackley20");
    if (!is_ackley && strcmp(func, "levy60")) {
        fprintf(stderr, "bench_turbo: --func ackley20 or levy60\n");
        return 2;
    }
    int d = is_ackley ? 20 : 60;
    double lo = is_ackley ? -5 : -10, hi = 10;
    for (int seed = seed0; seed < seed0 + seeds; seed++) {
        char opts[512], name[16];
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed, options[0] ? "," : "", options);
        knob_storage *st;
        knob_sampler *sp;
        knob_study *s;
        if (knob_storage_open("memory:", &st))
            die("storage");
        if (knob_sampler_create(sampler, opts, &sp))
            die("sampler");
        knob_study_options o = {.sampler = sp};
        if (knob_study_create(st, "s", &o, &s))
            die("study");
        struct timespec c0, c1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        printf("{\"func\": \"%s\", \"sampler\": \"%s\", \"options\": \"%s\", \"seed\": %d, "
               "\"best\": [",
               func, sampler, options, seed);
        double best = INFINITY, x[60];
        for (int i = 0; i < trials; i++) {
            knob_trial *t;
            if (knob_study_ask(s, &t))
                die("ask");
            for (int k = 0; k < d; k++) {
                snprintf(name, sizeof name, "x%02d", k);
                if (knob_trial_suggest_float(t, name, lo, hi, 0, 0, &x[k]))
                    die("suggest");
            }
            double y = is_ackley ? ackley(x, d) : levy(x, d);
            if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
                die("tell");
            best = fmin(best, y);
            printf("%s%.6g", i ? ", " : "", best);
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        printf("], \"cpu_s\": %.3f}\n",
               (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec));
        fflush(stdout);
        knob_study_free(s);
        knob_storage_close(st);
    }
    return 0;
}
