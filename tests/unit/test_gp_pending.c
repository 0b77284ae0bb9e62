/* The gp sampler's points proposed to trials that do not show them yet (gp_pending.c): a batch
 * asked first and then suggesting gets the points asked one at a time get, and the points
 * remembered are bounded and forgotten. */
#include "testutil.h"
#include "knob.h"
#include "samplers/gp_internal.h"

#include <math.h>

static double branin(double x0, double x1)
{
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = x1 - b * x0 * x0 + c * x0 - 6;
    return u * u + 10 * (1 - t) * cos(x0) + 10;
}

/* Trial t's point: x0 in [-5, 10], and x1 in [0, 15] when dims is 2 (else x[1] is 2.275). */
static void suggest_point(knob_trial *t, int dims, double *x)
{
    x[1] = 2.275;
    assert_int_equal(knob_trial_suggest_float(t, "x0", -5, 10, 0, 0, &x[0]), 0);
    if (dims == 2)
        assert_int_equal(knob_trial_suggest_float(t, "x1", 0, 15, 0, 0, &x[1]), 0);
}

/* Branin (dims 2), or its line x1 = 2.275 (dims 1: its minimum 0.397887 at x0 = pi). */
static knob_trial_state branin_dims(knob_trial *t, void *arg, double *values)
{
    double x[2];
    suggest_point(t, *(const int *)arg, x);
    values[0] = branin(x[0], x[1]);
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *new_study(knob_storage **st, const char *opts)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", st), 0);
    assert_int_equal(knob_sampler_create("gp", opts, &sp), 0);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(*st, "gp", &o, &s), 0);
    return s;
}

/* The points of 4 trials asked beside each other after 8 told trials (5 of them the startup's)
 * of Branin or of its line: each trial suggesting right after its ask, or the 4 asked first
 * and then suggesting (a batch: the points were decided at the asks). */
static void four_asks(const char *opts, int dims, bool batch, double (*x)[2])
{
    knob_storage *st;
    knob_study *s = new_study(&st, opts);
    assert_int_equal(knob_study_optimize(s, branin_dims, &dims, 8), 0);
    knob_trial *t[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        if (!batch)
            suggest_point(t[i], dims, x[i]);
    }
    for (int i = 0; batch && i < 4; i++)
        suggest_point(t[i], dims, x[i]);
    for (int i = 0; i < 4; i++) {
        double v = branin(x[i][0], x[i][1]);
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trials asked together and only then suggesting get 4 distinct points, those they get asked
 * one at a time: the points proposed at the earlier asks count as running trials, with the
 * default fantasies and with the batch hedge, on one param and on two. Before, the 4 asks saw
 * the same data and got one point. */
static void gp_batch_asked_then_suggested(void **state)
{
    (void)state;
    const char *opts[] = {"seed=1,n_startup_trials=5",
                          "seed=1,n_startup_trials=5,batch_acquisition=hedge"};
    for (int o = 0; o < 2; o++)
        for (int dims = 1; dims <= 2; dims++) {
            double batch[4][2], one[4][2];
            four_asks(opts[o], dims, true, batch);
            four_asks(opts[o], dims, false, one);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < i; j++)
                    assert_true(fmax(fabs(batch[i][0] - batch[j][0]),
                                     fabs(batch[i][1] - batch[j][1])) > 1e-3);
                for (int k = 0; k < 2; k++)
                    assert_true(fabs(batch[i][k] - one[i][k]) < 1e-9);
            }
        }
}

/* The points remembered for trials asked before suggesting are at most 256, the oldest going
 * first, and forgotten once their trials are told (pending=ignore keeps each ask's model
 * small: the points are remembered, not used). */
static void gp_batch_proposals_bounded(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = new_study(&st, "seed=1,n_startup_trials=3,pending=ignore");
    int dims = 1;
    assert_int_equal(knob_study_optimize(s, branin_dims, &dims, 3), 0);
    const bo *p = knob_sampler_state(knob_study_sampler(s));
    enum { ASKED = 300 };
    knob_trial *t[ASKED];
    for (int i = 0; i < ASKED; i++) {
        assert_int_equal(knob_study_ask(s, &t[i]), 0);
        assert_int_equal(p->own_proposed.n, i < 256 ? i + 1 : 256);
    }
    assert_int_equal(p->own_proposed.at[0].number, 3 + ASKED - 256);
    for (int i = 0; i < ASKED; i++) {
        double x[2];
        suggest_point(t[i], 1, x);
        double v = branin(x[0], x[1]);
        assert_int_equal(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), 0);
    }
    knob_trial *last;
    assert_int_equal(knob_study_ask(s, &last), 0);
    assert_int_equal(p->own_proposed.n, 1);
    assert_int_equal(p->own_proposed.at[0].number, knob_trial_number(last));
    assert_int_equal(knob_study_tell(s, last, KNOB_TRIAL_FAIL, NULL, 0), 0);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_batch_asked_then_suggested),
        cmocka_unit_test(gp_batch_proposals_bounded),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
