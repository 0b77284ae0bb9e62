/* Cost-aware search with two objectives (option cost of gp and tpe, src/samplers/cost.c):
 * cheap regions preferred early, the cooling that leaves the search cost-blind once the
 * budget is spent, and a better front than cost-blind search at equal total cost. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define OK(call) assert_int_equal((call), KNOB_OK)

#define DIMS 8

/* Two objectives over x0..x7 in [0, 1]; the trial's cost, in the user attr "cost":
 * kind 0: the objectives ignore x0 (and x4..x7) and the cost is 10^x0 (1 to 10);
 * kind 1: ZDT1 whose distance params x1..x7 are best at 0.5 instead of 0 (g = 1 + 9 x the
 * mean of |x_i - 0.5|), the cost 10^x1: the front lies where a trial costs 3.2, between
 * the cheap end (1) and the dear one (10). */
typedef struct problem {
    int kind;
} problem;

static knob_trial_state evaluate(knob_trial *t, void *ctx, double *v)
{
    const problem *pr = ctx;
    double x[DIMS], cost;
    for (int i = 0; i < DIMS; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[i]))
            return KNOB_TRIAL_FAIL;
    }
    if (pr->kind == 0) {
        v[0] = x[1] + (x[2] - 0.3) * (x[2] - 0.3);
        v[1] = 1 - x[1] + (x[3] - 0.6) * (x[3] - 0.6);
        cost = pow(10, x[0]);
    } else {
        double g = 0;
        for (int i = 1; i < DIMS; i++)
            g += fabs(x[i] - 0.5);
        g = 1 + 9 * g / (DIMS - 1);
        v[0] = x[0];
        v[1] = g * (1 - sqrt(x[0] / g));
        cost = pow(10, x[1]);
    }
    char json[32];
    snprintf(json, sizeof json, "%.17g", cost);
    return knob_trial_set_user_attr(t, "cost", json) ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE;
}

static knob_study *study(knob_storage **st, const char *sampler, const char *opts)
{
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_sampler *sp;
    knob_study *s;
    OK(knob_storage_open("memory:", st));
    OK(knob_sampler_create(sampler, opts, &sp));
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .sampler = sp};
    OK(knob_study_create(*st, "mo", &o, &s));
    return s;
}

static double trial_cost(const knob_trial_info *t)
{
    const char *v = knob_trial_info_attr(t, "cost", false);
    assert_non_null(v);
    return atof(v);
}

/* Trials of the sampler until the next would pass `budget` in total cost (that one is
 * told FAIL, so it counts for nothing), at most max_trials; the front's hypervolume below
 * ref, or 0. *spent (may be NULL): the total cost of trials [from, to). */
static double run_budget(const char *sampler, const char *opts, problem *pr, double budget,
                         int max_trials, const double *ref, int from, int to, double *spent)
{
    knob_storage *st;
    knob_study *s = study(&st, sampler, opts);
    double total = 0, part = 0;
    for (int i = 0; i < max_trials; i++) {
        knob_trial *t;
        double v[2];
        OK(knob_study_ask(s, &t));
        knob_trial_state state = evaluate(t, pr, v);
        assert_int_equal(state, KNOB_TRIAL_COMPLETE);
        const knob_trial_info *const *tr;
        size_t n;
        OK(knob_study_trials(s, &tr, &n));
        double k = trial_cost(tr[n - 1]);
        if (total + k > budget) {
            OK(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0));
            break;
        }
        total += k;
        part += i >= from && i < to ? k : 0;
        OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2));
    }
    double hv = 0;
    if (ref && knob_study_hypervolume(s, ref, &hv) != KNOB_OK)
        hv = 0;
    if (spent)
        *spent = part;
    knob_study_free(s);
    knob_storage_close(st);
    return hv;
}

/* After the 10 startup trials, the next 20 asks cost less cost-aware than cost-blind, for
 * gp (log EHVI - alpha log cost) and MOTPE (log l/g - alpha log cost), summed over three
 * seeds, when the objectives do not care what x0 (the cost) is. */
static void cost_mo_cheaper_early(void **state)
{
    (void)state;
    problem pr = {0};
    const char *samplers[] = {"gp", "tpe"};
    for (int k = 0; k < 2; k++) {
        double aware = 0, blind = 0;
        for (int seed = 0; seed < 3; seed++) {
            char opts[64];
            double spent;
            snprintf(opts, sizeof opts, "seed=%d,cost=cost", seed);
            run_budget(samplers[k], opts, &pr, INFINITY, 30, NULL, 10, 30, &spent);
            aware += spent;
            snprintf(opts, sizeof opts, "seed=%d", seed);
            run_budget(samplers[k], opts, &pr, INFINITY, 30, NULL, 10, 30, &spent);
            blind += spent;
        }
        print_message("%s: trials 10-29 cost %.1f aware, %.1f blind\n", samplers[k], aware, blind);
        assert_true(aware < 0.75 * blind);
    }
}

/* The history of a study, copied into a new study of the sampler; the next ask's params. */
static void next_ask(const knob_trial_info *const *tr, size_t n, const char *sampler,
                     const char *opts, double *x)
{
    knob_storage *st;
    knob_study *s = study(&st, sampler, opts);
    for (size_t i = 0; i < n; i++)
        OK(knob_study_add_trial(s, tr[i], NULL));
    knob_trial *t;
    OK(knob_study_ask(s, &t));
    for (int i = 0; i < DIMS; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        OK(knob_trial_suggest_float(t, name, 0, 1, 0, 0, &x[i]));
    }
    OK(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0));
    knob_study_free(s);
    knob_storage_close(st);
}

/* With cost_budget, once the trials have spent it the cost weighs nothing: on the same
 * history a cost-aware sampler asks what a cost-blind one asks; with budget left, not. */
static void cost_mo_cools_to_blind(void **state)
{
    (void)state;
    problem pr = {1};
    const char *samplers[] = {"gp", "tpe"};
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        knob_study *s = study(&st, samplers[k], "seed=4,cost=cost");
        OK(knob_study_optimize(s, evaluate, &pr, 24));
        const knob_trial_info *const *tr;
        size_t n;
        OK(knob_study_trials(s, &tr, &n));
        double spent = 0;
        for (size_t i = 0; i < n; i++)
            spent += trial_cost(tr[i]);
        double blind[DIMS], done[DIMS], ahead[DIMS];
        char opts[96];
        next_ask(tr, n, samplers[k], "seed=4", blind);
        snprintf(opts, sizeof opts, "seed=4,cost=cost,cost_budget=%.17g", spent);
        next_ask(tr, n, samplers[k], opts, done);
        snprintf(opts, sizeof opts, "seed=4,cost=cost,cost_budget=%.17g", 4 * spent);
        next_ask(tr, n, samplers[k], opts, ahead);
        print_message("%s: spent %.1f; x1 blind %.4f, budget spent %.4f, budget ahead %.4f\n",
                      samplers[k], spent, blind[1], done[1], ahead[1]);
        assert_memory_equal(blind, done, sizeof blind);
        assert_true(memcmp(blind, ahead, sizeof blind) != 0);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A shifted ZDT1 (kind 1) whose cost varies 1-10x: at an equal total cost (100, also
 * given as cost_budget) cost-aware gp reaches a larger hypervolume than cost-blind gp,
 * summed over seeds 0-9, and on most of them (8 of 10 when written: more trials for the
 * same cost, the cheap ones first). MOTPE's gain is within its noise there (5 of 10
 * seeds), so it is not asserted. */
static void cost_mo_gp_better_front_at_equal_cost(void **state)
{
    (void)state;
    problem pr = {1};
    const double ref[2] = {1.1, 11};
    double aware = 0, blind = 0;
    int wins = 0;
    for (int seed = 0; seed < 10; seed++) {
        char opts[80];
        snprintf(opts, sizeof opts, "seed=%d,cost=cost,cost_budget=100", seed);
        double a = run_budget("gp", opts, &pr, 100, 1000, ref, 0, 0, NULL);
        snprintf(opts, sizeof opts, "seed=%d", seed);
        double b = run_budget("gp", opts, &pr, 100, 1000, ref, 0, 0, NULL);
        print_message("seed %d: hypervolume %.4f aware, %.4f blind\n", seed, a, b);
        aware += a;
        blind += b;
        wins += a > b;
    }
    print_message("aware ahead on %d of 10 seeds; mean %.4f aware, %.4f blind\n", wins, aware / 10,
                  blind / 10);
    assert_true(aware > blind + 1);
    assert_true(wins >= 7);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(cost_mo_cheaper_early),
    cmocka_unit_test(cost_mo_cools_to_blind),
    cmocka_unit_test(cost_mo_gp_better_front_at_equal_cost),
};

KNOB_TEST_MAIN(tests)
