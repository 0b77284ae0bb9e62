/* The random and grid samplers: golden sequences, distributions, grid coverage,
 * workers in several processes. */
#include "testutil.h"
#include "knob.h"

#include <inttypes.h>
#include <math.h>
#include <sys/wait.h>

static knob_study *study_with(knob_storage *st, const char *name, knob_sampler *sampler)
{
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    if (knob_study_create(st, name, &o, &s))
        fail_msg("create: %s", knob_errmsg());
    return s;
}

/* The first suggestions of seed 42, frozen: a change here changes every user's
 * reproduced study, so it must be deliberate. */
static void random_golden_sequence(void **state)
{
    (void)state;
    static const double golden[4][3] = {
        {-0.37004761581807144, 0.021564734556383591, 80},
        {-0.039690814003472186, 0.00032432172267481303, 35},
        {0.64770519689505535, 0.17954743353927013, 15},
        {-0.35148785307837538, 0.0022198950593254477, 15},
    };
    for (int run = 0; run < 2; run++) {
        knob_storage *st = knob_test_memory();
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create("random", "seed=42", &sp), KNOB_OK);
        knob_study *s = study_with(st, "g", sp);
        for (int i = 0; i < 4; i++) {
            knob_trial *t;
            double x, lr;
            int64_t n;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-5, 1, 0, KNOB_LOG, &lr), 0);
            assert_int_equal(knob_trial_suggest_int(t, "n", 0, 100, 5, 0, &n), KNOB_OK);
            if (getenv("KNOB_PRINT_GOLDEN"))
                printf("{%.17g, %.17g, %lld},\n", x, lr, (long long)n);
            else {
                assert_true(x == golden[i][0]);
                assert_true(lr == golden[i][1]);
                assert_true((double)n == golden[i][2]);
            }
            double y = x;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Suggestions depend on (seed, trial number, name) only: the order of suggestions
 * within a trial does not change them. */
static void random_order_independent(void **state)
{
    (void)state;
    double a1, b1, a2, b2;
    for (int run = 0; run < 2; run++) {
        knob_storage *st = knob_test_memory();
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create("random", "seed=9", &sp), KNOB_OK);
        knob_study *s = study_with(st, "o", sp);
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        if (run == 0) {
            knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a1);
            knob_trial_suggest_float(t, "b", 0, 1, 0, 0, &b1);
        } else {
            knob_trial_suggest_float(t, "b", 0, 1, 0, 0, &b2);
            knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a2);
        }
        knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
        knob_study_free(s);
        knob_storage_close(st);
    }
    assert_true(a1 == a2 && b1 == b2 && a1 != b1);
}

static void random_distributions(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("random", "seed=11", &sp), KNOB_OK);
    knob_study *s = study_with(st, "d", sp);
    int n = 4000, below_geo = 0, cat[3] = {0}, ints[4] = {0}, logint_small = 0;
    bool on_step = true;
    knob_choice ch[3] = {
        {KNOB_CHOICE_STRING, "a", 0}, {KNOB_CHOICE_NUMBER, NULL, 2}, {KNOB_CHOICE_BOOL, NULL, 1}};
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double lr, q;
        int64_t k, m;
        size_t c;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        knob_trial_suggest_float(t, "lr", 1e-6, 1, 0, KNOB_LOG, &lr);
        below_geo += lr < 1e-3;
        knob_trial_suggest_float(t, "q", 0, 1, 0.1, 0, &q);
        on_step &= fabs(q * 10 - round(q * 10)) < 1e-9 && q >= 0 && q <= 1;
        knob_trial_suggest_choice(t, "c", ch, 3, &c);
        cat[c]++;
        knob_trial_suggest_int(t, "k", 1, 7, 2, 0, &k);
        assert_true(k == 1 || k == 3 || k == 5 || k == 7);
        ints[(k - 1) / 2]++;
        knob_trial_suggest_int(t, "m", 1, 1000, 1, KNOB_LOG, &m);
        logint_small += m <= 31;
        knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
    }
    assert_true(on_step);
    /* Log-uniform: half the mass below the geometric mean 1e-3. */
    assert_true(abs(below_geo - n / 2) < 200);
    for (int i = 0; i < 3; i++)
        assert_true(abs(cat[i] - n / 3) < 200);
    for (int i = 0; i < 4; i++)
        assert_true(abs(ints[i] - n / 4) < 200);
    /* log(31.5/0.5) / log(1000.5/0.5) = 0.545 of the mass lies at 1..31. */
    assert_true(fabs((double)logint_small / n - 0.545) < 0.04);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Every sampler's stepped floats are the decimals written: [0, 0.7] by 0.1 gives 0.3, never
 * 0.30000000000000004 (what low + k * step makes, and TPE's kernels, GP's and CMA-ES's
 * proposals gave), whether the value comes from sample_independent or a proposal. */
static void stepped_floats_are_decimals(void **state)
{
    (void)state;
    static const char *names[] = {"random", "tpe", "gp", "cmaes", "qmc", "smac", "evolution",
                                  "auto"};
    for (size_t n = 0; n < sizeof names / sizeof *names; n++) {
        knob_storage *st = knob_test_memory();
        knob_sampler *sp;
        assert_int_equal(knob_sampler_create(names[n], "seed=3", &sp), KNOB_OK);
        knob_study *s = study_with(st, "d", sp);
        for (int i = 0; i < 30; i++) {
            knob_trial *t;
            double x, y;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 0.7, 0.1, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0.05, 0.95, 0.15, 0, &y), KNOB_OK);
            if (x != round(x * 10) / 10 || y != round(y * 100) / 100)
                fail_msg("sampler %s, trial %d: x = %.17g, y = %.17g", names[n], i, x, y);
            double v = (x - 0.6) * (x - 0.6) + (y - 0.5) * (y - 0.5);
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

static knob_sampler *grid3x2(const char *opts)
{
    knob_sampler *g;
    assert_int_equal(knob_sampler_create("grid", opts, &g), KNOB_OK);
    assert_int_equal(
        knob_sampler_set_option(g, "search_space",
                                "{\"lr\": [0.001, 0.01, 0.1], \"opt\": [\"adam\", \"sgd\"]}"),
        KNOB_OK);
    return g;
}

static knob_trial_state grid_objective(knob_trial *t, void *ctx, double *values)
{
    int *seen = ctx;
    double lr;
    size_t c;
    const char *opts[] = {"adam", "sgd"};
    if (knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &lr) ||
        knob_trial_suggest_categorical(t, "opt", opts, 2, &c))
        return KNOB_TRIAL_FAIL;
    int i = (int)lround(log10(lr)) + 3;
    if (seen) /* NULL: values off the grid too */
        seen[i * 2 + (int)c]++;
    values[0] = lr;
    return KNOB_TRIAL_COMPLETE;
}

static void grid_runs_every_point_once(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "grid", grid3x2("seed=1"));
    int seen[6] = {0};
    assert_int_equal(knob_study_optimize(s, grid_objective, seen, 100), KNOB_OK);
    for (int i = 0; i < 6; i++)
        assert_int_equal(seen[i], 1);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
    assert_non_null(strstr(knob_errmsg(), "every point of the grid (6)"));
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 6);
    knob_study_free(s);
    knob_storage_close(st);
}

/* order=product: the points in the product's order, the last param fastest, whatever the
 * seed (as W&B's grid runs them); another word is refused naming the choices. */
static void grid_product_order(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    for (int seed = 1; seed <= 2; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "order=product,seed=%d", seed);
        knob_study *s = study_with(st, seed == 1 ? "p1" : "p2", grid3x2(opts));
        int seen[6] = {0};
        assert_int_equal(knob_study_optimize(s, grid_objective, seen, 100), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 6);
        for (size_t i = 0; i < n; i++) { /* the value is lr */
            const knob_param *opt = knob_trial_info_param(trials[i], "opt");
            assert_int_equal(trials[i]->n_values, 1);
            assert_true(fabs(trials[i]->values[0] - pow(10, (double)(i / 2) - 3)) < 1e-12);
            assert_non_null(opt);
            assert_int_equal((size_t)opt->internal, i % 2);
        }
        knob_study_free(s);
    }
    knob_storage_close(st);
    knob_sampler *g;
    assert_int_equal(knob_sampler_create("grid", "order=sorted", &g), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "product"));
}

static void grid_errors(void **state)
{
    (void)state;
    knob_sampler *g, *r;
    /* A bad search space given at creation is refused there, naming what is wrong. */
    const char *key = "search_space";
    const char *bad[][2] = {
        {"{\"x\": []}", "non-empty"},
        {"{\"x\": [0.1, [1]]}", "param 'x': its value at index 1 is a JSON array, not a string"},
        {"oops", "must be a JSON object"},
        {"[1, 2]", "must be a JSON object"},
        {"{\"x\": [0, NaN]}", "NaN and infinities are not JSON values"},
        /* products that share a point ran it twice and counted it twice */
        {"[{\"opt\": [\"sgd\"], \"m\": [0.5, 0.9], \"l\": [1, 2]}, {\"l\": [2.0], \"opt\": "
         "[\"sgd\"], \"m\": [0.9]}]",
         "products 0 and 1 (from 0) share points"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(knob_sampler_create_pairs("grid", &key, &bad[i][0], 1, &r), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), bad[i][1]));
    }
    /* disjoint: another param set, or no value in common in one param */
    const char *fine[] = {"[{\"a\": [1, 2]}, {\"a\": [3], \"b\": [1]}]",
                          "[{\"a\": [1, 2], \"b\": [1]}, {\"a\": [2], \"b\": [2]}]"};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
        assert_int_equal(knob_sampler_create_pairs("grid", &key, &fine[i], 1, &r), KNOB_OK);
        knob_sampler_free(r);
    }
    /* Set later, it is read at the first ask. */
    assert_int_equal(knob_sampler_create("grid", NULL, &r), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(r, key, "{\"x\": []}"), KNOB_OK);
    knob_storage *st = knob_test_memory();
    knob_study *bs = study_with(st, "bad", r);
    knob_trial *bt;
    assert_int_equal(knob_study_ask(bs, &bt), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "non-empty"));
    knob_study_free(bs);
    assert_int_equal(knob_sampler_create("random", NULL, &r), KNOB_OK);
    assert_int_equal(knob_sampler_set_option(r, key, "{\"x\": [1]}"), KNOB_EINVAL);
    knob_sampler_free(r);
    assert_int_equal(knob_sampler_create("grid", NULL, &g), KNOB_OK);
    knob_study *s = study_with(st, "empty", g);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "no grid"));
    knob_study_free(s);
    s = study_with(st, "g2", grid3x2(NULL));
    double x;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "other", 0, 1, 0, 0, &x), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "not in the grid"));
    assert_int_equal(knob_trial_suggest_float(t, "lr", 0.5, 1, 0, 0, &x), KNOB_EINVAL);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A conditional space: m exists only with sgd. */
static knob_trial_state cond_objective(knob_trial *t, void *ctx, double *values)
{
    int *seen = ctx;
    const char *opts[] = {"adam", "sgd"};
    size_t c;
    double m = 0;
    if (knob_trial_suggest_categorical(t, "opt", opts, 2, &c) ||
        (c == 1 && knob_trial_suggest_float(t, "m", 0, 1, 0, 0, &m)))
        return KNOB_TRIAL_FAIL;
    seen[c == 0 ? 0 : m < 0.7 ? 1 : 2]++;
    values[0] = m;
    return KNOB_TRIAL_COMPLETE;
}

/* Runs the grid of study s (3 x 2 points) to its end, counting its points in seen: each
 * runs once, and the study then holds n trials; returns them. */
static const knob_trial_info *const *run_grid(knob_study *s, int *seen, size_t n)
{
    assert_int_equal(knob_study_optimize(s, grid_objective, seen, 100), KNOB_OK);
    for (int i = 0; i < 6; i++)
        assert_int_equal(seen[i], 1);
    const knob_trial_info *const *trials;
    size_t got;
    assert_int_equal(knob_study_trials(s, &trials, &got), KNOB_OK);
    assert_int_equal(got, n);
    return trials;
}

/* Enqueued trials whose params agree with grid points take those points: the grid runs
 * each point once, the enqueued ones included, and ends with exactly its points. A point
 * named whole (numbers as strings too) is that point; a partial one, one of its points. */
static void grid_enqueued_takes_point(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "grid", grid3x2("seed=1"));
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.01, \"opt\": \"sgd\"}"), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": \"0.001\", \"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1}"), KNOB_OK);
    int seen[6] = {0};
    const knob_trial_info *const *trials = run_grid(s, seen, 6);
    char lr[32];
    assert_true(knob_param_format(knob_trial_info_param(trials[2], "lr"), lr, sizeof lr) > 0);
    assert_string_equal(lr, "0.1");
    /* every point has run: a point enqueued again runs (the queue asked for it) and takes
     * no other */
    assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.1, \"opt\": \"adam\"}"), KNOB_OK);
    assert_int_equal(knob_study_optimize(s, grid_objective, seen, 100), KNOB_OK);
    assert_int_equal(seen[4], 2);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Enqueued trials whose values lie off the grid (a baseline beside it) claim no point: the
 * grid still runs each of its points, and ends with them and the baselines. Each such
 * trial took a point and left it unrun, and the grid said it was done. */
static void grid_enqueued_off_grid_claims_no_point(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 3; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%" PRIu64, seed);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "grid", grid3x2(opts));
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.05}"), KNOB_OK);
        assert_int_equal(knob_study_enqueue(s, "{\"lr\": 0.5, \"opt\": \"sgd\"}"), KNOB_OK);
        assert_int_equal(knob_study_optimize(s, grid_objective, NULL, 100), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 8);
        int seen[6] = {0}, off = 0;
        for (size_t i = 0; i < n; i++) {
            const knob_param *lr = knob_trial_info_param(trials[i], "lr");
            const knob_param *o = knob_trial_info_param(trials[i], "opt");
            assert_non_null(lr);
            assert_non_null(o);
            double v = lr->internal;
            int k = v == 0.001 ? 0 : v == 0.01 ? 1 : v == 0.1 ? 2 : -1;
            if (k < 0)
                off++;
            else
                seen[k * 2 + (int)o->internal]++;
        }
        assert_int_equal(off, 2);
        for (int i = 0; i < 6; i++)
            assert_int_equal(seen[i], 1);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* An enqueued true for a grid param of 0 and 1 is the point of 1, as the library takes the
 * value (a bool fits a number as 1 or 0): the trial claims that point, and the grid runs
 * each point once. It ran 1 on an unclaimed point, which then ran again. */
static knob_trial_state flag_objective(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    int64_t flag, x;
    if (knob_trial_suggest_int(t, "flag", 0, 1, 1, 0, &flag) ||
        knob_trial_suggest_int(t, "x", 1, 2, 1, 0, &x))
        return KNOB_TRIAL_FAIL;
    values[0] = (double)(flag * 10 + x);
    return KNOB_TRIAL_COMPLETE;
}

static void grid_enqueued_bool_is_one(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 4; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%" PRIu64, seed);
        knob_sampler *g;
        assert_int_equal(knob_sampler_create("grid", opts, &g), KNOB_OK);
        assert_int_equal(knob_sampler_set_option(g, "search_space", "{\"flag\": [0, 1], \"x\": [1, 2]}"),
                         KNOB_OK);
        knob_storage *st = knob_test_memory();
        knob_study *s = study_with(st, "flags", g);
        assert_int_equal(knob_study_enqueue(s, "{\"flag\": true}"), KNOB_OK);
        assert_int_equal(knob_study_optimize(s, flag_objective, NULL, 100), KNOB_OK);
        const knob_trial_info *const *trials;
        size_t n;
        assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
        assert_int_equal(n, 4);
        int seen[4] = {0};
        for (size_t i = 0; i < n; i++)
            seen[(int)(trials[i]->values[0] == 1    ? 0
                       : trials[i]->values[0] == 2  ? 1
                       : trials[i]->values[0] == 11 ? 2
                                                    : 3)]++;
        for (int i = 0; i < 4; i++)
            assert_int_equal(seen[i], 1);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Runs the grid of study s (3 x 2 points, trial 0 failed and its retry enqueued) to its
 * end: each point runs once, the study holds 7 trials, trial 1 is the retry of trial 0;
 * returns its trials. */
static const knob_trial_info *const *run_grid_with_retry(knob_study *s)
{
    int seen[6] = {0};
    const knob_trial_info *const *trials = run_grid(s, seen, 7);
    assert_string_equal(knob_trial_info_attr(trials[1], "retry_of", true), "0");
    return trials;
}

/* A failed trial run again (knob_study_retry_trial) runs its own point again, even when it
 * failed before suggesting all of its params: the grid ends with exactly its points. */
static void grid_retry_keeps_point(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = grid3x2("seed=4"), .max_retry = 1};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "grid", &o, &s), KNOB_OK);
    knob_trial *t;
    double lr;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &lr), KNOB_OK);
    char id[32];
    snprintf(id, sizeof id, "%s", knob_trial_system_attr(t, "grid_id"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    bool enqueued;
    assert_int_equal(knob_study_retry_trial(s, 0, &enqueued), KNOB_OK);
    assert_true(enqueued);
    const knob_trial_info *const *trials = run_grid_with_retry(s);
    assert_string_equal(knob_trial_info_attr(trials[1], "grid_id", true), id);
    assert_true(knob_trial_info_param(trials[1], "lr")->internal == lr);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A retry after the sweep was edited (its values reordered) runs its original's point, by
 * its params: it took its original's index, another point of the new grid, and the run
 * ended with a point never run. */
static void grid_retry_after_an_edit(void **state)
{
    (void)state;
    knob_storage *st = knob_test_memory();
    knob_study_options o = {.sampler = grid3x2("seed=4"), .max_retry = 1};
    knob_study *s;
    assert_int_equal(knob_study_create(st, "grid", &o, &s), KNOB_OK);
    knob_trial *t;
    double lr, v;
    size_t c;
    const char *opts[] = {"adam", "sgd"};
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "lr", 1e-4, 1, 0, KNOB_LOG, &lr), KNOB_OK);
    assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 2, &c), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    bool enqueued;
    assert_int_equal(knob_study_retry_trial(s, 0, &enqueued), KNOB_OK);
    assert_true(enqueued);
    knob_study_free(s);
    knob_sampler *g;
    assert_int_equal(knob_sampler_create("grid", "seed=4", &g), KNOB_OK);
    assert_int_equal(
        knob_sampler_set_option(g, "search_space",
                                "{\"lr\": [0.1, 0.01, 0.001], \"opt\": [\"sgd\", \"adam\"]}"),
        KNOB_OK);
    knob_study_options o2 = {.sampler = g, .max_retry = 1};
    assert_int_equal(knob_study_load(st, "grid", &o2, &s), KNOB_OK);
    const knob_trial_info *const *trials = run_grid_with_retry(s);
    v = knob_trial_info_param(trials[1], "lr")->internal;
    assert_true(v == lr && knob_trial_info_param(trials[1], "opt")->internal == (double)c);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An array of products: their union is the grid, each point once; a param of another
 * product than the trial's is refused. */
static void grid_union_of_products(void **state)
{
    (void)state;
    const char *key = "search_space";
    const char *space = "[{\"opt\": [\"sgd\"], \"m\": [0.5, 0.9]}, {\"opt\": [\"adam\"]}]";
    knob_sampler *g;
    assert_int_equal(knob_sampler_create_pairs("grid", &key, &space, 1, &g), KNOB_OK);
    knob_storage *st = knob_test_memory();
    knob_study *s = study_with(st, "union", g);
    int seen[3] = {0};
    assert_int_equal(knob_study_optimize(s, cond_objective, seen, 10), KNOB_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(seen[i], 1);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EDONE);
    assert_non_null(strstr(knob_errmsg(), "every point of the grid (3)"));
    knob_study_free(s);
    /* The adam point has no m. */
    assert_int_equal(knob_sampler_create_pairs("grid", &key, &space, 1, &g), KNOB_OK);
    s = study_with(st, "union2", g);
    for (int i = 0; i < 3; i++) {
        size_t c;
        double m;
        const char *opts[] = {"adam", "sgd"};
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "opt", opts, 2, &c), KNOB_OK);
        if (c == 0) {
            assert_int_equal(knob_trial_suggest_float(t, "m", 0, 1, 0, 0, &m), KNOB_EINVAL);
            assert_non_null(strstr(knob_errmsg(), "inactive there"));
        }
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
    const char *bad[][2] = {{"[]", "empty array"},
                            {"[{\"x\": [1]}, 3]", "item 1 of the array"},
                            {"[{\"x\": []}]", "non-empty"}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(knob_sampler_create_pairs("grid", &key, &bad[i][0], 1, &g), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), bad[i][1]));
    }
}

/* 4 processes share a grid of 60 points on one SQLite file: each point runs once. */
static void grid_workers_never_repeat(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("grid.db"));
    for (int w = 0; w < 4; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid)
            continue;
        knob_storage *st;
        knob_sampler *g;
        char seed[32];
        snprintf(seed, sizeof seed, "seed=%d", w); /* each worker its own order */
        if (knob_storage_open(url, &st) || knob_sampler_create("grid", seed, &g) ||
            knob_sampler_set_option(g, "search_space",
                                    "{\"a\": [0,1,2,3,4,5,6,7,8,9], \"b\": [0,1,2,3,4,5]}"))
            _exit(2);
        knob_study_options o = {.sampler = g};
        knob_study *s;
        if (knob_study_create(st, "shared-grid", &o, &s))
            _exit(3);
        for (;;) {
            knob_trial *t;
            int64_t a, b;
            int rc = knob_study_ask(s, &t);
            if (rc == KNOB_EDONE)
                break;
            if (rc || knob_trial_suggest_int(t, "a", 0, 9, 1, 0, &a) ||
                knob_trial_suggest_int(t, "b", 0, 5, 1, 0, &b))
                _exit(4);
            double y = (double)(a * 6 + b);
            if (knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1))
                _exit(5);
        }
        knob_study_free(s);
        knob_storage_close(st);
        _exit(0);
    }
    for (int w = 0; w < 4; w++) {
        int status;
        wait(&status);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    assert_int_equal(knob_study_load(st, "shared-grid", NULL, &s), KNOB_OK);
    const knob_trial_info *const *trials;
    size_t n;
    int seen[60] = {0};
    assert_int_equal(knob_study_trials(s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 60);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(trials[i]->state, KNOB_TRIAL_COMPLETE);
        seen[(int)trials[i]->values[0]]++;
    }
    for (int i = 0; i < 60; i++)
        assert_int_equal(seen[i], 1);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_golden_sequence),
        cmocka_unit_test(random_order_independent),
        cmocka_unit_test(random_distributions),
        cmocka_unit_test(stepped_floats_are_decimals),
        cmocka_unit_test(grid_runs_every_point_once),
        cmocka_unit_test(grid_product_order),
        cmocka_unit_test(grid_errors),
        cmocka_unit_test(grid_enqueued_takes_point),
        cmocka_unit_test(grid_enqueued_off_grid_claims_no_point),
        cmocka_unit_test(grid_enqueued_bool_is_one),
        cmocka_unit_test(grid_retry_keeps_point),
        cmocka_unit_test(grid_retry_after_an_edit),
        cmocka_unit_test(grid_union_of_products),
        cmocka_unit_test(grid_workers_never_repeat),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
