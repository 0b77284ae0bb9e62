/* The "auto" sampler (knob's default): which sampler it hands each trial to, that it
 * beats random search on a noisy function, and that trials asked together differ. */
#include "testutil.h"
#include "terrace.h"
#include "knob.h"

#include <math.h>
#include <string.h>

static knob_sampler *sampler(const char *name, const char *opts)
{
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create(name, opts, &sp), 0);
    return sp;
}

/* ---------------------------------------------------------------- histories */

static double branin(double x0, double x1)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = x1 - b * x0 * x0 + c * x0 - 6;
    return u * u + 10 * (1 - t) * cos(x0) + 10;
}

/* kind 0: flat (x0, x1 in Branin's box); 1: conditional (a choice, then x or y); 2: flat,
 * every fifth trial pruned; 3: flat, Branin in steps of 50 (a terrace: trials tie); 4: flat,
 * feasible where x0 <= 0 (the constraint x0 <= 0). */
static knob_trial_state history_objective(knob_trial *t, void *ctx, double *values)
{
    int kind = *(int *)ctx;
    double x0, x1;
    if (kind == 1) {
        const char *arms[] = {"a", "b"};
        size_t arm;
        if (knob_trial_suggest_categorical(t, "arm", arms, 2, &arm))
            return KNOB_TRIAL_FAIL;
        if (knob_trial_suggest_float(t, arm ? "y" : "x", -5, 10, 0, 0, &x0))
            return KNOB_TRIAL_FAIL;
        values[0] = (x0 - 1) * (x0 - 1) + (double)arm;
        return KNOB_TRIAL_COMPLETE;
    }
    if (knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x0) ||
        knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x1))
        return KNOB_TRIAL_FAIL;
    values[0] = kind == 3 ? floor(branin(x0, x1) / 50) : branin(x0, x1);
    if (kind == 4 && knob_trial_set_constraints(t, &x0, 1))
        return KNOB_TRIAL_FAIL;
    if (kind == 2 && knob_trial_number(t) % 5 == 4)
        return KNOB_TRIAL_PRUNED;
    return KNOB_TRIAL_COMPLETE;
}

/* The point sampler sp (the study's to free) asks after `history` random trials of history
 * `kind` (one objective, or two with `two`): x[0..n) in the order the objective suggests them. */
static void next_after_history(int kind, bool two, int history, knob_sampler *sp, double *x,
                               int n)
{
    knob_storage *st;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options o = {
        .sampler = sampler("random", "seed=1"), .directions = dirs, .n_objectives = two ? 2 : 1};
    assert_int_equal(knob_study_create(st, "h", &o, &s), 0);
    for (int i = 0; i < history; i++) {
        knob_trial *t;
        double v[2];
        assert_int_equal(knob_study_ask(s, &t), 0);
        knob_trial_state state = history_objective(t, &kind, v);
        v[1] = -v[0];
        assert_int_equal(knob_study_tell(s, t, state, state == KNOB_TRIAL_COMPLETE ? v : NULL,
                                         state == KNOB_TRIAL_COMPLETE ? (two ? 2 : 1) : 0),
                         0);
    }
    knob_study_free(s);
    knob_study_options lo = {.sampler = sp};
    assert_int_equal(knob_study_load(st, "h", &lo, &s), 0);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), 0);
    if (kind == 1) {
        const char *arms[] = {"a", "b"};
        size_t arm;
        assert_int_equal(knob_trial_suggest_categorical(t, "arm", arms, 2, &arm), 0);
        x[0] = (double)arm;
        assert_int_equal(knob_trial_suggest_float(t, arm ? "y" : "x", -5, 10, 0, 0, &x[1]), 0);
    } else {
        assert_int_equal(knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x[0]), 0);
        assert_int_equal(knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x[1]), 0);
    }
    assert_int_equal(n, 2);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The same after 12 trials. */
static void next_after_sampler(int kind, bool two, knob_sampler *sp, double *x, int n)
{
    next_after_history(kind, two, 12, sp, x, n);
}

/* The same for the sampler `name` with `opts`. */
static void next_after(int kind, bool two, const char *name, const char *opts, double *x, int n)
{
    next_after_sampler(kind, two, sampler(name, opts), x, n);
}

/* auto's next point equals the delegate's, and differs from the other one's. */
static void expect_delegate(int kind, bool two, const char *same, const char *same_opts,
                            const char *other, const char *other_opts)
{
    double a[2], b[2], c[2];
    next_after(kind, two, "auto", "seed=7", a, 2);
    next_after(kind, two, same, same_opts, b, 2);
    next_after(kind, two, other, other_opts, c, 2);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
}

/* One objective, a fixed space, nothing pruned: the Gaussian process. While two trials tie
 * at the best (history 3, a terrace) its every fourth trial (the next, number 12) is the
 * study's Sobol point (explore_every=4, explore_ties=2); on Branin (no ties) it asks as gp
 * does; options set after creation reach gp too. */
static void auto_uses_gp_on_a_fixed_space(void **state)
{
    (void)state;
    expect_delegate(0, false, "gp", "seed=7", "tpe", "seed=7,constant_liar=true");
    expect_delegate(3, false, "gp", "seed=7,explore_every=4,explore_ties=2,step_mask=3", "gp",
                    "seed=7");
    double a[2], b[2];
    next_after(3, false, "auto", "seed=7,explore_every=0,step_mask=0", a, 2);
    next_after(3, false, "gp", "seed=7", b, 2);
    assert_memory_equal(a, b, sizeof a);
    knob_sampler *sp = sampler("auto", "seed=7");
    assert_int_equal(knob_sampler_set_option(sp, "explore_ties", "1"), 0);
    next_after_sampler(0, false, sp, a, 2);
    next_after(0, false, "gp", "seed=7,explore_every=4", b, 2);
    assert_memory_equal(a, b, sizeof a);
}

/* Where gp is used, every third trial (numbers 2, 5, 8, ...: smac_every=3) is smac's (a
 * random forest), on Branin and on a terrace: the next trial after 14 (number 14) is the one
 * smac asks, not gp's; number 12 stays gp's (above). */
static void auto_interleaves_smac(void **state)
{
    (void)state;
    for (int kind = 0; kind <= 3; kind += 3) {
        double a[2], b[2], c[2];
        next_after_history(kind, false, 14, sampler("auto", "seed=7"), a, 2);
        next_after_history(kind, false, 14, sampler("smac", "seed=7"), b, 2);
        next_after_history(kind, false, 14, sampler("auto", "seed=7,smac_every=0"), c, 2);
        assert_memory_equal(a, b, sizeof a);
        assert_true(memcmp(a, c, sizeof a) != 0);
    }
}

/* While the trials carry constraints smac's turns are gp's, which honours them (smac has no
 * constraint handling): trial 14 on a constrained Branin is the one auto asks without smac,
 * not smac's. */
static void auto_gives_smac_turns_to_gp_under_constraints(void **state)
{
    (void)state;
    double a[2], b[2], c[2];
    next_after_history(4, false, 14, sampler("auto", "seed=7"), a, 2);
    next_after_history(4, false, 14, sampler("auto", "seed=7,smac_every=0"), b, 2);
    next_after_history(4, false, 14, sampler("smac", "seed=7"), c, 2);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
}

/* A conditional space: TPE (with constant_liar). */
static void auto_uses_tpe_on_a_conditional_space(void **state)
{
    (void)state;
    expect_delegate(1, false, "tpe", "seed=7,constant_liar=true", "gp", "seed=7");
}

/* A pruned trial: TPE, which models them. */
static void auto_uses_tpe_once_trials_are_pruned(void **state)
{
    (void)state;
    expect_delegate(2, false, "tpe", "seed=7,constant_liar=true", "gp", "seed=7");
}

/* Two objectives: TPE (gp models one). */
static void auto_uses_tpe_for_two_objectives(void **state)
{
    (void)state;
    double a[2], b[2];
    next_after(0, true, "auto", "seed=7", a, 2);
    next_after(0, true, "tpe", "seed=7,constant_liar=true", b, 2);
    assert_memory_equal(a, b, sizeof a);
}

/* Beyond gp_trials completed trials, and beyond gp_params params: TPE. */
static void auto_uses_tpe_beyond_its_limits(void **state)
{
    (void)state;
    double a[2], b[2], c[2];
    next_after(0, false, "auto", "seed=7,gp_trials=12", a, 2);
    next_after(0, false, "tpe", "seed=7,constant_liar=true", b, 2);
    assert_memory_equal(a, b, sizeof a);
    next_after(0, false, "auto", "seed=7,gp_params=1", c, 2);
    assert_memory_equal(c, b, sizeof c);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("auto", "gp_params=65", &sp), KNOB_EINVAL);
}

/* ---------------------------------------------------------------- search quality */

/* Branin with normal noise of standard deviation 1 (deterministic per trial number and
 * seed); ctx: the seed. The noise-free value goes into the trial's user attr "true". */
static knob_trial_state noisy_branin(knob_trial *t, void *ctx, double *values)
{
    double x0, x1;
    if (knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x0) ||
        knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x1))
        return KNOB_TRIAL_FAIL;
    knob_rng r;
    knob_rng_seed(&r, (uint64_t)knob_trial_number(t) * 7919 + *(uint64_t *)ctx);
    char text[64];
    double f = branin(x0, x1);
    snprintf(text, sizeof text, "%.17g", f);
    if (knob_trial_set_user_attr(t, "true", text))
        return KNOB_TRIAL_FAIL;
    values[0] = f + knob_rng_normal(&r);
    return KNOB_TRIAL_COMPLETE;
}

/* The noise-free Branin value, minus its minimum 0.397887, of the trial with the best
 * noisy value after `trials` trials of `name` with seed `seed`. */
static double noisy_regret(const char *name, uint64_t seed, int trials)
{
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%llu", (unsigned long long)seed);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options o = {.sampler = sampler(name, opts)};
    assert_int_equal(knob_study_create(st, "noisy", &o, &s), 0);
    assert_int_equal(knob_study_optimize(s, noisy_branin, &seed, trials), 0);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), 0);
    const char *v = knob_trial_info_attr(best, "true", false);
    assert_non_null(v);
    double f = strtod(v + (*v == '"'), NULL) - 0.397887;
    knob_study_free(s);
    knob_storage_close(st);
    return f;
}

/* Of seeds 0 .. NOISY_SEEDS-1, how many end (40 trials, noise sd 1) with a best trial whose
 * noise-free value is within 0.5 of the minimum. */
#define NOISY_SEEDS 30
static int noisy_good(const char *name)
{
    int good = 0;
    for (uint64_t seed = 0; seed < NOISY_SEEDS; seed++)
        good += noisy_regret(name, seed, 40) < 0.5;
    return good;
}

/* knob's default against random search on a noisy 2-D function, seeds 0..29: the default
 * gets within 0.5 of the minimum (its best noisy trial, judged noise-free) on at least 14;
 * random search does not (the same check fails for it: 8). Each run's path hangs on the
 * last bits of its floating-point sums, so the count moves with the build: 24 in the
 * Release and plain builds, 23 under valgrind, 18 with the sanitizers; over seeds 0..9 it
 * was 10 in one and 6 in another, which a bound of 8 of 10 could not hold. */
static void default_beats_random_on_noisy_branin(void **state)
{
    (void)state;
    int a = noisy_good("auto"), r = noisy_good("random");
    print_message("within 0.5 of the minimum: auto %d of %d, random %d of %d\n", a, NOISY_SEEDS, r,
                  NOISY_SEEDS);
    assert_true(a >= 14);
    assert_true(r < 14);
}

/* Of seeds 0..9, how many runs of `trials` trials of `name` leave the plateau (reach the
 * box). */
static int plateau_left(const char *name, int trials)
{
    int left = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        char opts[32];
        snprintf(opts, sizeof opts, "seed=%llu", (unsigned long long)seed);
        knob_storage *st;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), 0);
        knob_study_options o = {.sampler = sampler(name, opts)};
        assert_int_equal(knob_study_create(st, "plateau", &o, &s), 0);
        assert_int_equal(knob_study_optimize(s, knob_test_terrace, NULL, trials), 0);
        const knob_trial_info *best;
        assert_int_equal(knob_study_best_trial(s, &best), 0);
        left += best->values[0] < 0.5;
        knob_study_free(s);
        knob_storage_close(st);
    }
    return left;
}

/* The default leaves a plateau at its best value as often as random search does, seeds
 * 0..9, 64 trials: gp kept asking the plateau (where every trial ties with the incumbent)
 * and reached the box on 4 of 10 seeds where random search reached it on 9. */
static void default_leaves_a_plateau_as_random_does(void **state)
{
    (void)state;
    int a = plateau_left("auto", 64), r = plateau_left("random", 64);
    print_message("left the plateau: auto %d of 10, random %d of 10\n", a, r);
    assert_true(r >= 9);
    assert_true(a >= r - 1);
}

/* bench/bayesmark's plateau6: 0.9 outside a box holding 4.5% of [0,1]^6 (side 0.045^(1/6),
 * lower corner 0.3), inside a bowl from 0.1 (its centre) to 0.9 (its corners). */
static knob_trial_state plateau6(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double side = pow(0.045, 1.0 / 6), sum = 0;
    bool in = true;
    for (int k = 0; k < 6; k++) {
        char name[8];
        double x;
        snprintf(name, sizeof name, "x%d", k);
        if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        double u = (x - 0.3) / side;
        in &= u >= 0 && u <= 1;
        sum += (2 * u - 1) * (2 * u - 1);
    }
    values[0] = in ? 0.1 + 0.8 * sum / 6 : 0.9;
    return KNOB_TRIAL_COMPLETE;
}

/* The best value `name` with `opts` (and the seed) reaches on f in 64 trials. */
static double best_of(knob_objective_fn f, const char *name, const char *opts, uint64_t seed)
{
    char o[128];
    snprintf(o, sizeof o, "%s%sseed=%llu", opts, *opts ? "," : "", (unsigned long long)seed);
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options so = {.sampler = sampler(name, o)};
    assert_int_equal(knob_study_create(st, "f", &so, &s), 0);
    assert_int_equal(knob_study_optimize(s, f, NULL, 64), 0);
    const knob_trial_info *best;
    assert_int_equal(knob_study_best_trial(s, &best), 0);
    double v = best->values[0];
    knob_study_free(s);
    knob_storage_close(st);
    return v;
}

/* A staircase in 6-D, as a decision tree's loss over its params: 0.3 (a stump) wherever x0 >
 * 0.4, below that a bowl around (0.25, 0.4, 0.6, 0.5) in x1..x4 (x5 is not used) in steps:
 * 0.1 + 0.01 per 0.004 of squared distance from the centre, never above 0.29. */
static knob_trial_state staircase6(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    const double c[6] = {0, 0.25, 0.4, 0.6, 0.5, 0};
    double x[6], r = 0;
    for (int k = 0; k < 6; k++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", k);
        if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[k]))
            return KNOB_TRIAL_FAIL;
        if (k >= 1 && k <= 4)
            r += (x[k] - c[k]) * (x[k] - c[k]);
    }
    values[0] = x[0] > 0.4 ? 0.3 : fmin(0.29, 0.1 + 0.01 * floor(r / 0.004));
    return KNOB_TRIAL_COMPLETE;
}

/* On the staircase (64 trials, seeds 0..19) the default and gp alone (smac_every=0) each
 * end lower than random search on average, and each reaches the bowl's floor (0.11 or
 * less) on at least five seeds more than random search does (9 and 7 seeds; random search
 * on none). With gp's interleaved explorations in one orthant the default also led gp
 * alone here (9 seeds lower, 4 higher); with explorations that fill the cube the two are
 * even (7 / 6 on seeds 0..19, 17 / 17 on seeds 0..59). */
static void default_on_a_staircase(void **state)
{
    (void)state;
    int found_now = 0, found_before = 0, found_random = 0;
    double sum_now = 0, sum_before = 0, sum_random = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        double now = best_of(staircase6, "auto", "", seed);
        double before = best_of(staircase6, "auto", "smac_every=0", seed);
        double random = best_of(staircase6, "random", "", seed);
        print_message("seed %d: default %.2f, gp alone %.2f, random %.2f\n", (int)seed, now,
                      before, random);
        found_now += now <= 0.11;
        found_before += before <= 0.11;
        found_random += random <= 0.11;
        sum_now += now;
        sum_before += before;
        sum_random += random;
    }
    print_message("at the floor: default %d, gp alone %d, random %d of 20 seeds\n", found_now,
                  found_before, found_random);
    assert_true(found_now >= found_random + 5);
    assert_true(found_before >= found_random + 5);
    assert_true(sum_now < sum_random);
    assert_true(sum_before < sum_random);
}

/* The default's model asks no point inside a step (step_mask=3: where the three nearest
 * trials tie). On plateau6 (64 trials, seeds 0..9) the default before it (gp with
 * explore_every=4, explore_ties=2 alone) kept asking the plateau beside the box; the
 * default now ends lower on at least 7 of the 10 seeds, is worse on at most 2, and beats
 * random search on at least 9. */
static void default_asks_off_steps(void **state)
{
    (void)state;
    int better = 0, worse = 0, beats_random = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        double now = best_of(plateau6, "auto", "smac_every=0", seed);
        double before = best_of(plateau6, "gp", "explore_every=4,explore_ties=2", seed);
        double random = best_of(plateau6, "random", "", seed);
        print_message("seed %d: default %.4f, before %.4f, random %.4f\n", (int)seed, now, before,
                      random);
        better += now < before;
        worse += now > before;
        beats_random += now < random;
    }
    assert_true(better >= 7);
    assert_true(worse <= 2);
    assert_true(beats_random >= 9);
}

/* ---------------------------------------------------------------- batches */

/* kNN-like: two ints (25 x 4 = 100 points). */
static knob_trial_state int_objective(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    int64_t k, p;
    if (knob_trial_suggest_int(t, "k", 1, 25, 1, 0, &k) ||
        knob_trial_suggest_int(t, "p", 1, 4, 1, 0, &p))
        return KNOB_TRIAL_FAIL;
    values[0] = (double)((k - 9) * (k - 9)) / 10 + (double)(p == 2 ? 0 : 1);
    return KNOB_TRIAL_COMPLETE;
}

/* 8 trials asked together (none told yet) are 8 distinct points, three rounds each, by the
 * default and by gp with batch_acquisition=hedge, on a continuous space and on a space of 100
 * integer points, where none was seen before either (in a continuous space gp may ask a point
 * again: a bound the local search settles on). */
static void auto_batches_are_distinct(void **state)
{
    (void)state;
    for (int run = 0; run < 4; run++) {
        /* runs 2 and 3: gp with the batch hedge (log EI, log PI, a wide UCB in turn) */
        int space = run % 2;
        bool hedge = run >= 2;
        knob_storage *st;
        knob_study *s;
        assert_int_equal(knob_storage_open("memory:", &st), 0);
        knob_study_options o = {.sampler = hedge ? sampler("gp", "seed=2,batch_acquisition=hedge")
                                                 : sampler("auto", "seed=2")};
        assert_int_equal(knob_study_create(st, "batch", &o, &s), 0);
        int kind = 0;
        assert_int_equal(
            knob_study_optimize(s, space ? int_objective : history_objective, &kind, 10), 0);
        for (int round = 0; round < 3; round++) {
            knob_trial *t[8];
            double x[8][2], v[8];
            for (int i = 0; i < 8; i++) {
                assert_int_equal(knob_study_ask(s, &t[i]), 0);
                if (space) {
                    int64_t k, p;
                    assert_int_equal(knob_trial_suggest_int(t[i], "k", 1, 25, 1, 0, &k), 0);
                    assert_int_equal(knob_trial_suggest_int(t[i], "p", 1, 4, 1, 0, &p), 0);
                    x[i][0] = (double)k;
                    x[i][1] = (double)p;
                    v[i] = (double)((k - 9) * (k - 9)) / 10 + (double)(p == 2 ? 0 : 1);
                } else {
                    assert_int_equal(knob_trial_suggest_float(t[i], "x0", -5, 10, 0, 0, &x[i][0]),
                                     0);
                    assert_int_equal(knob_trial_suggest_float(t[i], "x1", 0, 15, 0, 0, &x[i][1]),
                                     0);
                    v[i] = branin(x[i][0], x[i][1]);
                }
            }
            const knob_trial_info *const *tr;
            size_t n;
            assert_int_equal(knob_study_trials(s, &tr, &n), 0);
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < i; j++)
                    assert_true(x[i][0] != x[j][0] || x[i][1] != x[j][1]);
                for (size_t q = 0; space && q < n; q++)
                    if (tr[q]->state == KNOB_TRIAL_COMPLETE)
                        assert_true(tr[q]->params[0].internal != x[i][0] ||
                                    tr[q]->params[1].internal != x[i][1]);
            }
            for (int i = 0; i < 8; i++)
                assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v[i], 1), 0);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* The points of 6 trials of the default sampler (seed 3) after 12 told trials of Branin: each
 * trial suggesting right after its ask, or the 6 asked first and suggesting after (a batch). */
static void six_asks(bool batch, double (*x)[2])
{
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options o = {.sampler = sampler("auto", "seed=3")};
    assert_int_equal(knob_study_create(st, "batch", &o, &s), 0);
    int kind = 0;
    assert_int_equal(knob_study_optimize(s, history_objective, &kind, 12), 0);
    knob_trial *t[6];
    for (int i = 0; i < 6; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        for (int k = 0; !batch && k < 2; k++)
            assert_int_equal(knob_trial_suggest_float(t[i], k ? "x1" : "x0", k ? 0 : -5,
                                                      k ? 15 : 10, 0, 0, &x[i][k]),
                             0);
    }
    for (int i = 0; batch && i < 6; i++)
        for (int k = 0; k < 2; k++)
            assert_int_equal(knob_trial_suggest_float(t[i], k ? "x1" : "x0", k ? 0 : -5,
                                                      k ? 15 : 10, 0, 0, &x[i][k]),
                             0);
    for (int i = 0; i < 6; i++) {
        double v = branin(x[i][0], x[i][1]);
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A batch asked first and suggested after gets the points that asking and suggesting one
 * trial at a time gets, smac's turns (trials 14 and 17) among gp's: each counts the points the
 * other proposed to the trials that have not suggested yet. Before, a gp turn took a trial of
 * a smac turn for one without params (and the reverse), and the two could ask one point. */
static void auto_batch_asked_then_suggested(void **state)
{
    (void)state;
    double batch[6][2], one[6][2];
    six_asks(true, batch);
    six_asks(false, one);
    for (int i = 0; i < 6; i++) {
        print_message("trial %d: batch (%.6f, %.6f), one at a time (%.6f, %.6f)\n", 12 + i,
                      batch[i][0], batch[i][1], one[i][0], one[i][1]);
        for (int k = 0; k < 2; k++)
            assert_true(fabs(batch[i][k] - one[i][k]) < 1e-9);
    }
}

/* Trial t suggests int_objective's params into x[2]. */
static void suggest_ints(knob_trial *t, double *x)
{
    int64_t k, p;
    assert_int_equal(knob_trial_suggest_int(t, "k", 1, 25, 1, 0, &k), 0);
    assert_int_equal(knob_trial_suggest_int(t, "p", 1, 4, 1, 0, &p), 0);
    x[0] = (double)k;
    x[1] = (double)p;
}

/* The default sampler (seed `seed`) after `history` told trials of int_objective and one left
 * running: trials 0-2 of a batch asked (gp's and smac's turns), the running trial told pruned
 * (auto hands the next trials to tpe), trials 3-5 asked and suggested one by one, and only then
 * trials 0-2 suggested (batch); or every trial suggesting right after its ask. x[6][2]: the
 * points of trials 0-5. */
static void prune_mid_batch(bool batch, int seed, int history, double (*x)[2])
{
    knob_storage *st;
    knob_study *s;
    char opts[32];
    snprintf(opts, sizeof opts, "seed=%d", seed);
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options o = {.sampler = sampler("auto", opts)};
    assert_int_equal(knob_study_create(st, "batch", &o, &s), 0);
    assert_int_equal(knob_study_optimize(s, int_objective, NULL, history), 0);
    knob_trial *held, *t[6];
    double xh[2];
    assert_int_equal(knob_study_ask(s, &held), 0);
    suggest_ints(held, xh);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        if (!batch)
            suggest_ints(t[i], x[i]);
    }
    assert_int_equal(knob_trial_report(held, 1, 5), 0);
    assert_int_equal(knob_study_tell(s, held, KNOB_TRIAL_PRUNED, NULL, 0), 0);
    for (int i = 3; i < 6; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        suggest_ints(t[i], x[i]);
    }
    for (int i = 0; batch && i < 3; i++)
        suggest_ints(t[i], x[i]);
    for (int i = 0; i < 6; i++) {
        double v = (x[i][0] - 9) * (x[i][0] - 9) / 10 + (x[i][1] == 2 ? 0 : 1);
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A batch that moves from gp and smac to tpe partway (a trial told pruned between its asks)
 * gets the points that asking and suggesting one trial at a time gets: tpe (constant_liar)
 * counts the trials gp and smac proposed points to, which have not suggested them yet, as
 * running trials at those points. Before, tpe took them for trials without params: on these
 * seeds one of its three trials asked a point of trials 0-2 again, which one at a time it did
 * not (and on each of seeds 0-39 a tpe trial of the batch asked another point than one at a
 * time). */
static void auto_batch_moves_to_tpe(void **state)
{
    (void)state;
    static const int seeds[] = {8, 12, 15, 27, 31};
    for (size_t r = 0; r < sizeof seeds / sizeof *seeds; r++) {
        int seed = seeds[r];
        double batch[6][2], one[6][2];
        prune_mid_batch(true, seed, 12, batch);
        prune_mid_batch(false, seed, 12, one);
        for (int i = 0; i < 6; i++) {
            bool repeat = false;
            for (int j = 0; j < 3 && i >= 3; j++)
                repeat |= batch[i][0] == batch[j][0] && batch[i][1] == batch[j][1];
            print_message("seed %d, trial %d: batch (%g, %g)%s, one at a time (%g, %g)\n", seed, i,
                          batch[i][0], batch[i][1], repeat ? " (a repeat)" : "", one[i][0],
                          one[i][1]);
        }
        for (int i = 0; i < 6; i++)
            for (int k = 0; k < 2; k++)
                assert_true(batch[i][k] == one[i][k]);
    }
}

/* 14 trials of Branin asked by random search, then the study opened again with sp; with
 * `zombie`, trial 0 was asked first and left running. */
static knob_study *branin_history(bool zombie, knob_sampler *sp, knob_storage **stp)
{
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), 0);
    knob_study_options o = {.sampler = sampler("random", "seed=1")};
    assert_int_equal(knob_study_create(st, "h", &o, &s), 0);
    knob_trial *left = NULL;
    int kind = 0;
    for (int i = 0; i < 14; i++) {
        knob_trial *t;
        double v[2];
        assert_int_equal(knob_study_ask(s, &t), 0);
        knob_trial_state state = history_objective(t, &kind, v);
        if (zombie && i == 0) {
            assert_int_equal(knob_trial_flush(t), 0);
            left = t;
            continue;
        }
        assert_int_equal(knob_study_tell(s, t, state, v, 1), 0);
    }
    if (left)
        knob_trial_detach(left);
    knob_study_free(s);
    knob_study_options lo = {.sampler = sp};
    assert_int_equal(knob_study_load(st, "h", &lo, &s), 0);
    *stp = st;
    return s;
}

/* After 14 trials of Branin, the point of trial 15 (a gp turn) asked by sp while trial 14,
 * asked by sp before it, runs; with `zombie`, trial 0 was asked first and left running, and
 * trial 14 is told before trial 15 is asked (trial 0 alone runs then). */
static void second_of_a_batch(bool zombie, knob_sampler *sp, double *x)
{
    knob_storage *st;
    knob_study *s = branin_history(zombie, sp, &st);
    knob_trial *a, *b;
    double y[2];
    assert_int_equal(knob_study_ask(s, &a), 0);
    assert_int_equal(knob_trial_suggest_float(a, "x0", -5, 10, 0, 0, &y[0]), 0);
    assert_int_equal(knob_trial_suggest_float(a, "x1", 0, 15, 0, 0, &y[1]), 0);
    if (zombie)
        assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_FAIL, NULL, 0), 0);
    assert_int_equal(knob_study_ask(s, &b), 0);
    assert_int_equal(knob_trial_number(b), 15);
    assert_int_equal(knob_trial_suggest_float(b, "x0", -5, 10, 0, 0, &x[0]), 0);
    assert_int_equal(knob_trial_suggest_float(b, "x1", 0, 15, 0, 0, &x[1]), 0);
    if (!zombie)
        assert_int_equal(knob_study_tell(s, a, KNOB_TRIAL_FAIL, NULL, 0), 0);
    assert_int_equal(knob_study_tell(s, b, KNOB_TRIAL_FAIL, NULL, 0), 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A trial asked while another of its batch runs is smac's (smac_running): trial 15, a gp
 * turn, asked while trial 14 runs, is what smac alone asks there, not what auto without
 * smac_running asks; a trial left running since before the last trial that ended (a dead
 * process's) does not make it so. */
static void auto_gives_batches_to_smac(void **state)
{
    (void)state;
    double a[2], b[2], c[2];
    second_of_a_batch(false, sampler("auto", "seed=7"), a);
    second_of_a_batch(false, sampler("smac", "seed=7"), b);
    second_of_a_batch(false, sampler("auto", "seed=7,smac_running=false"), c);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
    second_of_a_batch(true, sampler("auto", "seed=7"), a);
    second_of_a_batch(true, sampler("auto", "seed=7,smac_running=false"), c);
    assert_memory_equal(a, c, sizeof a);
}

/* After 14 trials of Branin, the points of trials 14, 15 and 16 asked by sp in one batch
 * (each asked while the ones before it run). */
static void batch_of_three(knob_sampler *sp, double x[3][2])
{
    knob_storage *st;
    knob_study *s = branin_history(false, sp, &st);
    knob_trial *t[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        assert_int_equal(knob_trial_number(t[i]), 14 + i);
        assert_int_equal(knob_trial_suggest_float(t[i], "x0", -5, 10, 0, 0, &x[i][0]), 0);
        assert_int_equal(knob_trial_suggest_float(t[i], "x1", 0, 15, 0, 0, &x[i][1]), 0);
    }
    for (int i = 0; i < 3; i++)
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_FAIL, NULL, 0), 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Of the trials asked while others of the batch run, those whose number is a multiple of
 * gp_running_every (2) stay gp's: with it, trials 14 (smac_every's turn: 14 % 3 == 2) and 15
 * (asked beside 14: smac's) are asked as with gp_running_every=0 (smac's every one beside
 * running trials), and trial 16 is not what smac asks there (on this fixed space of one
 * objective auto's other delegate is gp). */
static void auto_keeps_a_batchs_even_trials_for_gp(void **state)
{
    (void)state;
    double a[3][2], c[3][2];
    batch_of_three(sampler("auto", "seed=7"), a);
    batch_of_three(sampler("auto", "seed=7,gp_running_every=0"), c);
    assert_memory_equal(a, c, sizeof a[0] * 2);
    assert_true(memcmp(a[2], c[2], sizeof a[2]) != 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auto_uses_gp_on_a_fixed_space),
        cmocka_unit_test(auto_interleaves_smac),
        cmocka_unit_test(auto_gives_smac_turns_to_gp_under_constraints),
        cmocka_unit_test(auto_uses_tpe_on_a_conditional_space),
        cmocka_unit_test(auto_uses_tpe_once_trials_are_pruned),
        cmocka_unit_test(auto_uses_tpe_for_two_objectives),
        cmocka_unit_test(auto_uses_tpe_beyond_its_limits),
        cmocka_unit_test(default_beats_random_on_noisy_branin),
        cmocka_unit_test(default_leaves_a_plateau_as_random_does),
        cmocka_unit_test(default_asks_off_steps),
        cmocka_unit_test(default_on_a_staircase),
        cmocka_unit_test(auto_batches_are_distinct),
        cmocka_unit_test(auto_batch_asked_then_suggested),
        cmocka_unit_test(auto_batch_moves_to_tpe),
        cmocka_unit_test(auto_gives_batches_to_smac),
        cmocka_unit_test(auto_keeps_a_batchs_even_trials_for_gp),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
