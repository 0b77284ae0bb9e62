/* Cost-aware search at equal total cost: each trial costs 10^u, u the first param's place
 * in its range (1 to 10 across the space), given to the sampler as the user attr "cost";
 * trials run while their costs fit in the budget. One JSON line per seed: the best regret
 * within the budget and the trials it bought.
 *
 * With --duration UNIT (seconds) the cost is time instead: a trial sleeps 10^u * UNIT
 * between its suggests and its tell, the sampler sees only the trial's duration (give it
 * cost=duration), and the budget B (in units) is spent by the durations the study stored
 * (end - start, so the sampler's own time counts too, for every variant alike).
 *
 *   bench_cost --func branin|hartmann6|... (bench/tpe/funcs.h) --budget B [--sampler S] [--options
 * O] [--seeds N] [--first-seed K] [--duration UNIT]
 */
#include "knob.h"

#include "../tpe/funcs.h" /* the test functions of bench_tpe */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what)
{
    fprintf(stderr, "bench_cost: %s: %s\n", what, knob_errmsg());
    exit(1);
}

int main(int argc, char **argv)
{
    const char *fname = "branin", *sampler = "gp", *options = "";
    double budget = 100, unit = 0;
    int seeds = 10, first = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--func"))
            fname = argv[i + 1];
        else if (!strcmp(argv[i], "--budget"))
            budget = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--sampler"))
            sampler = argv[i + 1];
        else if (!strcmp(argv[i], "--options"))
            options = argv[i + 1];
        else if (!strcmp(argv[i], "--seeds"))
            seeds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--first-seed"))
            first = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--duration"))
            unit = atof(argv[i + 1]);
    }
    const bench_func *f = bench_func_find(fname);
    if (!f) {
        fprintf(stderr, "bench_cost: unknown function '%s'\n", fname);
        return 2;
    }
    for (int seed = first; seed < first + seeds; seed++) {
        char opts[512];
        snprintf(opts, sizeof opts, "seed=%d%s%s", seed, options[0] ? "," : "", options);
        knob_storage *st;
        knob_sampler *sp;
        knob_study *s;
        if (knob_storage_open("memory:", &st) || knob_sampler_create(sampler, opts, &sp))
            die("setup");
        knob_study_options o = {.sampler = sp};
        if (knob_study_create(st, "cost", &o, &s))
            die("study");
        double spent = 0, best = INFINITY;
        int trials = 0;
        for (;;) {
            knob_trial *t;
            double x[8];
            char name[8], json[32];
            if (knob_study_ask(s, &t))
                die("ask");
            for (int k = 0; k < f->dim; k++) {
                snprintf(name, sizeof name, "x%d", k);
                if (knob_trial_suggest_float(t, name, f->low[k], f->high[k], 0, 0, &x[k]))
                    die("suggest");
            }
            double u = (x[0] - f->low[0]) / (f->high[0] - f->low[0]), cost = pow(10, u);
            double y = f->f(x, f->dim);
            if (unit > 0) { /* the cost is the time the trial takes */
                double wait = cost * unit;
                struct timespec ts = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
                while (nanosleep(&ts, &ts))
                    ;
            } else {
                snprintf(json, sizeof json, "%.17g", cost);
                if (knob_trial_set_user_attr(t, "cost", json))
                    die("cost");
            }
            int64_t number = knob_trial_number(t);
            if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
                die("tell");
            if (unit > 0) { /* what the study stored: end - start, in units */
                const knob_trial_info *const *tr;
                size_t n;
                if (knob_study_trials(s, &tr, &n) || (size_t)number >= n)
                    die("trials");
                cost = (tr[number]->end_time - tr[number]->start_time) / unit;
            }
            if (spent + cost > budget)
                break;
            spent += cost;
            trials++;
            best = y < best ? y : best;
        }
        printf("{\"func\": \"%s\", \"sampler\": \"%s\", \"options\": \"%s\", \"seed\": %d, "
               "\"budget\": %g, \"duration_unit\": %g, \"trials\": %d, \"spent\": %.4g, "
               "\"regret\": %.10g}\n",
               f->name, sampler, options, seed, budget, unit, trials, spent, best - f->fmin);
        fflush(stdout);
        knob_study_free(s);
        knob_storage_close(st);
    }
    return 0;
}
