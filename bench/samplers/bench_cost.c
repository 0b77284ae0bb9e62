/* Cost-aware search at equal total cost: each trial costs 10^u, u the first param's place
 * in its range (1 to 10 across the space), given to the sampler as the user attr "cost";
 * trials run while their costs fit in the budget. One JSON line per seed: the best regret
 * within the budget and the trials it bought.
 *
 *   bench_cost --func branin|hartmann6 --budget B [--sampler S] [--options O] [--seeds N]
 */
#include "knob.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct func {
    const char *name;
    int dim;
    double (*f)(const double *x);
    double low[6], high[6], fmin;
} func;

static double branin(const double *x)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
    return u * u + 10 * (1 - t) * cos(x[0]) + 10;
}

static double hartmann6(const double *x)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double s = 0;
    for (int i = 0; i < 4; i++) {
        double e = 0;
        for (int j = 0; j < 6; j++)
            e += A[i][j] * (x[j] - P[i][j]) * (x[j] - P[i][j]);
        s -= alpha[i] * exp(-e);
    }
    return s;
}

static const func funcs[] = {
    {"branin", 2, branin, {-5, 0}, {10, 15}, 0.397887357729739},
    {"hartmann6", 6, hartmann6, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1}, -3.32236801141551},
};

static void die(const char *what)
{
    fprintf(stderr, "bench_cost: %s: %s\n", what, knob_errmsg());
    exit(1);
}

int main(int argc, char **argv)
{
    const char *fname = "branin", *sampler = "gp", *options = "";
    double budget = 100;
    int seeds = 10;
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
    }
    const func *f = NULL;
    for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++)
        if (!strcmp(funcs[i].name, fname))
            f = &funcs[i];
    if (!f) {
        fprintf(stderr, "bench_cost: unknown function '%s'\n", fname);
        return 2;
    }
    for (int seed = 0; seed < seeds; seed++) {
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
            double x[6];
            char name[8], json[32];
            if (knob_study_ask(s, &t))
                die("ask");
            for (int k = 0; k < f->dim; k++) {
                snprintf(name, sizeof name, "x%d", k);
                if (knob_trial_suggest_float(t, name, f->low[k], f->high[k], 0, 0, &x[k]))
                    die("suggest");
            }
            double u = (x[0] - f->low[0]) / (f->high[0] - f->low[0]), cost = pow(10, u);
            double y = f->f(x);
            snprintf(json, sizeof json, "%.17g", cost);
            if (knob_trial_set_user_attr(t, "cost", json) ||
                knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
                die("tell");
            if (spent + cost > budget)
                break;
            spent += cost;
            trials++;
            best = y < best ? y : best;
        }
        printf("{\"func\": \"%s\", \"sampler\": \"%s\", \"options\": \"%s\", \"seed\": %d, "
               "\"budget\": %g, \"trials\": %d, \"regret\": %.10g}\n",
               f->name, sampler, options, seed, budget, trials, best - f->fmin);
        fflush(stdout);
        knob_study_free(s);
        knob_storage_close(st);
    }
    return 0;
}
