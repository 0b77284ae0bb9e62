/* Cost-aware tpe (option cost, src/samplers/tpe.c with src/samplers/cost.c): cheaper trials
 * early on where cost and quality pull apart, the cooling of the cost's weight, and a cost
 * the trials never report leaving the search cost-blind, which tpe and gp say in the study's
 * system attribute cost_unseen; cost_budget without cost refused by every cost-aware
 * sampler. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define OK(call) assert_int_equal((call), KNOB_OK)

/* The best point, x = 0.85, is near the dear end: the cost is 10^x (1 to 10), in the user
 * attr "cost" (ctx non-NULL) or nowhere. */
static knob_trial_state dear_best(knob_trial *t, void *ctx, double *v)
{
    double x, y;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y))
        return KNOB_TRIAL_FAIL;
    v[0] = (x - 0.85) * (x - 0.85) + (y - 0.5) * (y - 0.5);
    char json[32];
    snprintf(json, sizeof json, "%.17g", pow(10, x));
    if (ctx && knob_trial_set_user_attr(t, (const char *)ctx, json))
        return KNOB_TRIAL_FAIL;
    return KNOB_TRIAL_COMPLETE;
}

/* Runs `trials` trials; the costs of trials [from, to) summed into *spent, and the params x
 * of all into xs (may be NULL). */
static void run(const char *opts, const char *attr, int trials, int from, int to, double *spent,
                double *xs)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_sampler_create("tpe", opts, &sp));
    knob_study_options o = {.sampler = sp};
    OK(knob_study_create(st, "cost", &o, &s));
    OK(knob_study_optimize(s, dear_best, (void *)attr, trials));
    const knob_trial_info *const *tr;
    size_t n;
    OK(knob_study_trials(s, &tr, &n));
    *spent = 0;
    for (int i = 0; i < trials; i++) {
        double x = knob_trial_info_param(tr[i], "x")->internal;
        if (i >= from && i < to)
            *spent += pow(10, x);
        if (xs)
            xs[i] = x;
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* After the 10 startup trials, the next 30 of cost-aware tpe cost less than cost-blind
 * tpe's on every seed (blind tpe closes in on x = 0.85, cost 7; aware tpe weighs the
 * cost at first). */
static void tpe_cost_cheaper_early(void **state)
{
    (void)state;
    for (int seed = 0; seed < 4; seed++) {
        char blind[32], aware[64];
        snprintf(blind, sizeof blind, "seed=%d", seed);
        snprintf(aware, sizeof aware, "seed=%d,cost=cost", seed);
        double cb, ca;
        run(blind, "cost", 40, 10, 40, &cb, NULL);
        run(aware, "cost", 40, 10, 40, &ca, NULL);
        print_message("seed %d: trials 10-39 cost %.1f blind, %.1f cost-aware\n", seed, cb, ca);
        assert_true(ca < 0.85 * cb);
    }
}

/* With a budget the weight cools to 0 as it is spent: past it, the asks are the blind
 * ones' (the same history gives the same score); and a cost no trial reports leaves the
 * search blind from the start. */
static void tpe_cost_cools_and_needs_costs(void **state)
{
    (void)state;
    double xb[30], xa[30], spent;
    run("seed=3", "cost", 30, 0, 30, &spent, xb);
    run("seed=3,cost=price", "cost", 30, 0, 30, &spent, xa);
    assert_memory_equal(xb, xa, sizeof xb);
    /* a budget already spent by the startup: alpha 0 at once */
    run("seed=3,cost=cost,cost_budget=1", "cost", 30, 0, 30, &spent, xa);
    assert_memory_equal(xb, xa, sizeof xb);
    /* a budget ahead: the asks differ */
    run("seed=3,cost=cost,cost_budget=1000", "cost", 30, 0, 30, &spent, xa);
    assert_true(memcmp(xb + 10, xa + 10, 20 * sizeof *xb) != 0);
}

/* dear_best, but the first 5 trials cost 100 each and fail. */
static knob_trial_state dear_failures(knob_trial *t, void *ctx, double *v)
{
    knob_trial_state state = dear_best(t, ctx, v);
    if (state != KNOB_TRIAL_COMPLETE || knob_trial_number(t) >= 5)
        return state;
    return knob_trial_set_user_attr(t, "cost", "100") ? KNOB_TRIAL_COMPLETE : KNOB_TRIAL_FAIL;
}

/* What failed trials cost counts against cost_budget: 5 failed trials of cost 100 have spent
 * a budget of 300, so the asks are the blind ones (only complete and pruned trials were
 * counted: the budget was far from spent). */
static void tpe_cost_counts_failures(void **state)
{
    (void)state;
    double x[2][30];
    const char *opts[2] = {"seed=3,cost=cost,cost_budget=300", "seed=3"};
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        knob_sampler *sp;
        knob_study *s;
        OK(knob_storage_open("memory:", &st));
        OK(knob_sampler_create("tpe", opts[k], &sp));
        knob_study_options o = {.sampler = sp};
        OK(knob_study_create(st, "cost", &o, &s));
        OK(knob_study_optimize(s, dear_failures, (void *)"cost", 30));
        const knob_trial_info *const *tr;
        size_t n;
        OK(knob_study_trials(s, &tr, &n));
        assert_int_equal(n, 30);
        assert_int_equal(tr[0]->state, KNOB_TRIAL_FAIL);
        for (size_t i = 0; i < n; i++)
            x[k][i] = knob_trial_info_param(tr[i], "x")->internal;
        knob_study_free(s);
        knob_storage_close(st);
    }
    for (int i = 0; i < 30; i++)
        if (x[0][i] != x[1][i])
            fail_msg("trial %d: x %.17g with the cost, %.17g without", i, x[0][i], x[1][i]);
}

/* cost_budget without cost is refused when gp, tpe or auto is made, naming both options (a
 * budget alone searched cost-blind without a word); with cost, or a budget of 0, it is taken. */
static void cost_budget_needs_cost(void **state)
{
    (void)state;
    static const char *const names[] = {"gp", "tpe", "auto"};
    for (size_t i = 0; i < 3; i++) {
        knob_sampler *sp = NULL;
        assert_int_equal(knob_sampler_create(names[i], "cost_budget=50", &sp), KNOB_EINVAL);
        assert_null(sp);
        assert_non_null(strstr(knob_errmsg(), "option 'cost_budget' (50) is set without 'cost'"));
        assert_non_null(strstr(knob_errmsg(), names[i]));
        OK(knob_sampler_create(names[i], "cost_budget=50,cost=duration", &sp));
        knob_sampler_free(sp);
        OK(knob_sampler_create(names[i], "cost_budget=0", &sp));
        knob_sampler_free(sp);
    }
}

/* The study's system attribute cost_unseen after `trials` trials of sampler `name` with
 * cost=price, the trials from `priced` on setting the user attr price (NULL: none). */
static char *unseen_after(const char *name, int trials, int priced)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_sampler_create(name, "seed=3,cost=price,n_startup_trials=4", &sp));
    knob_study_options o = {.sampler = sp};
    OK(knob_study_create(st, "cost", &o, &s));
    for (int i = 0; i < trials; i++) {
        knob_trial *t;
        double v;
        OK(knob_study_ask(s, &t));
        OK(dear_best(t, i >= priced ? "price" : NULL, &v) == KNOB_TRIAL_COMPLETE ? 0 : -1);
        OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1));
    }
    const char *said = knob_study_system_attr(s, "cost_unseen");
    char *out = said ? strdup(said) : NULL;
    knob_study_free(s);
    knob_storage_close(st);
    return out;
}

/* A cost that no trial has (a misspelt attr, one never set) leaves the search cost-blind:
 * tpe and gp say so in the study's system attribute cost_unseen once the startup trials are
 * complete (the library prints nothing; knob run and Python show it), nothing before, and
 * take it back (null) once a trial has the cost. */
static void cost_unseen_is_said(void **state)
{
    (void)state;
    static const char *const names[] = {"tpe", "gp"};
    for (size_t i = 0; i < 2; i++) {
        char *said = unseen_after(names[i], 4, 1000);
        assert_null(said); /* the startup: the next ask is the first to model */
        said = unseen_after(names[i], 8, 1000);
        assert_non_null(said);
        char want[64];
        snprintf(want, sizeof want, "\"%s: cost 'price': none of the first 4 complete", names[i]);
        if (strncmp(said, want, strlen(want)) != 0)
            fail_msg("%s said %s", names[i], said);
        free(said);
        said = unseen_after(names[i], 10, 6); /* said at trial 4, taken back once priced */
        assert_non_null(said);
        assert_string_equal(said, "null");
        free(said);
        assert_null(unseen_after(names[i], 10, 0)); /* every trial has it */
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tpe_cost_cheaper_early),   cmocka_unit_test(tpe_cost_cools_and_needs_costs),
    cmocka_unit_test(tpe_cost_counts_failures), cmocka_unit_test(cost_budget_needs_cost),
    cmocka_unit_test(cost_unseen_is_said),
};

KNOB_TEST_MAIN(tests)
