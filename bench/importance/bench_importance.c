/* bench_importance: knob's side of the importance benchmark, on the public API only.
 *
 *   bench_importance N [METHOD...]
 *
 * Makes a memory study of N random trials of f(x) = x0^2 + 0.5 x1^2 + 0.1 x2 + (c == "b")
 * (x0..x3 floats in [-10, 10], c one of "a", "b", "c"), then times knob_study_importance for
 * each method (default: fanova ped-anova) and prints one JSON line per method: the wall
 * seconds and the shares. */
#include "knob.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "bench_importance: %s: %s\n", what, knob_errmsg());
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_importance N [fanova|ped-anova ...]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    check(knob_storage_open("memory:", &st), "storage");
    check(knob_sampler_create("random", "seed=1", &sp), "sampler");
    knob_study_options o = {.sampler = sp};
    check(knob_study_create(st, "bench", &o, &s), "study");
    const char *cs[] = {"a", "b", "c"};
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x[4], y;
        size_t c;
        check(knob_study_ask(s, &t), "ask");
        for (int k = 0; k < 4; k++) {
            char name[4] = {'x', (char)('0' + k), 0};
            check(knob_trial_suggest_float(t, name, -10, 10, 0, 0, &x[k]), "suggest");
        }
        check(knob_trial_suggest_categorical(t, "c", cs, 3, &c), "suggest");
        y = x[0] * x[0] + 0.5 * x[1] * x[1] + 0.1 * x[2] + (c == 1);
        check(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), "tell");
    }
    const char *defaults[] = {"fanova", "ped-anova"};
    int n_methods = argc > 2 ? argc - 2 : 2;
    for (int m = 0; m < n_methods; m++) {
        const char *method = argc > 2 ? argv[2 + m] : defaults[m];
        knob_importance *imp;
        size_t k;
        double t0 = now();
        check(knob_study_importance(s, method, 0, NULL, 0, &imp, &k), method);
        double secs = now() - t0;
        printf("{\"impl\": \"knob\", \"method\": \"%s\", \"n\": %d, \"seconds\": %.4f, "
               "\"shares\": {",
               method, n, secs);
        for (size_t i = 0; i < k; i++)
            printf("%s\"%s\": %.4f", i ? ", " : "", imp[i].name, imp[i].share);
        printf("}}\n");
        knob_importance_free(imp);
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
