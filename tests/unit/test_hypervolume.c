/* knob_study_hypervolume and its history: directions, the default reference point,
 * feasibility, and the errors. */
#include "testutil.h"
#include "knob.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#define OK(call) assert_int_equal((call), KNOB_OK)

static knob_study *study(knob_storage **st, knob_direction d0, knob_direction d1)
{
    knob_direction dirs[2] = {d0, d1};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    knob_study *s;
    OK(knob_storage_open("memory:", st));
    OK(knob_study_create(*st, "hv", &o, &s));
    return s;
}

static void add(knob_study *s, double a, double b, double violation)
{
    knob_trial *t;
    double v[2] = {a, b};
    OK(knob_study_ask(s, &t));
    if (!isnan(violation))
        OK(knob_trial_set_constraints(t, &violation, 1));
    OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2));
}

static void given_reference(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MAXIMIZE);
    /* As losses (a, -b): (1,-3)... written in the study's directions: minimize a,
     * maximize b. Points (1,1) (2,2) (3,3) with ref (4, 0): losses (1,-1) (2,-2) (3,-3)
     * below (4, 0): 3*1 + 2*1 + 1*1 = 6. */
    add(s, 1, 1, NAN);
    add(s, 2, 2, NAN);
    add(s, 3, 3, NAN);
    add(s, 3.5, 0.5, NAN); /* dominated: adds nothing */
    double hv, ref[2] = {4, 0};
    OK(knob_study_hypervolume(s, ref, &hv));
    assert_true(hv == 6);
    /* Default: nadir (3, 1) pushed out by 10% of the ranges (2 and 2): (3.2, 0.8):
     * losses (1,-1) (2,-2) (3,-3) below (3.2, -0.8): 2.2*0.2 + 1.2*1 + 0.2*1 = 1.84. */
    OK(knob_study_hypervolume(s, NULL, &hv));
    assert_true(fabs(hv - 1.84) < 1e-12);
    /* A reference the front does not dominate: named, refused. */
    double bad[2] = {1, 5};
    assert_int_equal(knob_study_hypervolume(s, bad, &hv), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "(1, 5)"));
    assert_non_null(strstr(knob_errmsg(), "bounds nothing"));
    double nan_ref[2] = {NAN, 0};
    assert_int_equal(knob_study_hypervolume(s, nan_ref, &hv), KNOB_EINVAL);
    assert_true(hv == 1.84 || fabs(hv - 1.84) < 1e-12); /* untouched */
    knob_study_free(s);
    knob_storage_close(st);
}

/* The history with a reference point that no trial dominates, or of a study with no
 * feasible trial: 0 after each finished trial, as Optuna's plot_hypervolume_history (it was
 * KNOB_EINVAL, and KNOB_ENOTFOUND); the single value still refuses such a point. */
static void history_of_nothing_dominated(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MAXIMIZE);
    add(s, 1, 1, NAN);
    add(s, 2, 3, NAN);
    add(s, 0.5, 0.2, NAN);
    const double *h;
    size_t n;
    double beyond[2] = {0.1, 5};
    OK(knob_study_hypervolume_history(s, beyond, &h, &n));
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_true(h[i] == 0);
    double hv;
    assert_int_equal(knob_study_hypervolume(s, beyond, &hv), KNOB_EINVAL);
    /* a point some trials dominate: the history grows from 0 once one does */
    double ref[2] = {1.5, 0.5};
    OK(knob_study_hypervolume_history(s, ref, &h, &n));
    assert_int_equal(n, 3);
    assert_true(h[0] == 0.25 && h[1] == 0.25 && h[2] == 0.25);
    double nan_ref[2] = {NAN, 0};
    assert_int_equal(knob_study_hypervolume_history(s, nan_ref, &h, &n), KNOB_EINVAL);
    knob_study_free(s);
    knob_storage_close(st);

    s = study(&st, KNOB_MINIMIZE, KNOB_MINIMIZE);
    add(s, 1, 1, 2.0);
    add(s, 2, 0, 1.0);
    double far[2] = {10, 10};
    OK(knob_study_hypervolume_history(s, far, &h, &n));
    assert_int_equal(n, 2);
    assert_true(h[0] == 0 && h[1] == 0);
    assert_int_equal(knob_study_hypervolume_history(s, NULL, &h, &n), KNOB_ENOTFOUND);
    knob_study_free(s);
    knob_storage_close(st);
}

static void infeasible_left_out(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MINIMIZE);
    double hv, ref[2] = {4, 4};
    assert_int_equal(knob_study_hypervolume(s, ref, &hv), KNOB_ENOTFOUND);
    add(s, 0, 0, 1); /* the best point, infeasible */
    assert_int_equal(knob_study_hypervolume(s, ref, &hv), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "no feasible trial"));
    add(s, 2, 2, -1);
    OK(knob_study_hypervolume(s, ref, &hv));
    assert_true(hv == 4);
    /* One point: the default reference moves by 10% of max(|value|, 1). */
    OK(knob_study_hypervolume(s, NULL, &hv));
    assert_true(fabs(hv - 0.2 * 0.2) < 1e-12);
    knob_study_free(s);
    knob_storage_close(st);
}

static void history_after_each_trial(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MINIMIZE);
    knob_trial *t;
    add(s, 3, 1, NAN);         /* 1 */
    OK(knob_study_ask(s, &t)); /* a failure: no change */
    OK(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0));
    add(s, 1, 3, NAN); /* 1 + 1 = 2 ... */
    add(s, 0, 0, 2);   /* infeasible: no change */
    add(s, 2, 2, NAN); /* 3 */
    const double *h;
    size_t n;
    double ref[2] = {4, 4};
    OK(knob_study_hypervolume_history(s, ref, &h, &n));
    assert_int_equal(n, 5);
    /* (3,1): 1*3 = 3; (1,3) adds 3*1 - overlap 1*1 = 2: 5; (2,2) adds 1: 6. */
    const double want[5] = {3, 3, 5, 5, 6};
    for (size_t i = 0; i < n; i++)
        if (h[i] != want[i])
            fail_msg("history[%zu] = %g, want %g", i, h[i], want[i]);
    double hv;
    OK(knob_study_hypervolume(s, ref, &hv));
    assert_true(hv == h[n - 1]);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trials that end out of their numbers' order: the history by their ends and the one by
 * their numbers (Optuna's plot_hypervolume_history reads the trials so). */
static void history_by_number(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MINIMIZE);
    knob_trial *t[3];
    for (int i = 0; i < 3; i++)
        OK(knob_study_ask(s, &t[i]));
    const double v[3][2] = {{1, 1}, {0, 2}, {2, 0}};
    for (int i = 2; i >= 0; i--) /* 2 ends first, 0 last */
        OK(knob_study_tell(s, t[i], KNOB_TRIAL_COMPLETE, v[i], 2));
    const double *h;
    size_t n;
    double ref[2] = {3, 3};
    /* by number: (1,1) 4; (0,2) adds 1: 5; (2,0) adds 1: 6 */
    OK(knob_study_hypervolume_history_by_number(s, ref, &h, &n));
    assert_int_equal(n, 3);
    const double want[3] = {4, 5, 6}, ended[3] = {3, 5, 6};
    for (size_t i = 0; i < n; i++)
        if (h[i] != want[i])
            fail_msg("by number: history[%zu] = %g, want %g", i, h[i], want[i]);
    /* by end: (2,0) 3; (0,2) adds 2: 5; (1,1) adds 1: 6 */
    OK(knob_study_hypervolume_history(s, ref, &h, &n));
    for (size_t i = 0; i < n; i++)
        if (h[i] != ended[i])
            fail_msg("by end: history[%zu] = %g, want %g", i, h[i], ended[i]);
    assert_int_equal(knob_study_hypervolume_history_by_number(NULL, ref, &h, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "knob_study_hypervolume_history_by_number"));
    knob_study_free(s);
    knob_storage_close(st);
}

static void one_objective_and_none(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_study_create(st, "one", NULL, &s));
    knob_trial *t;
    double v = 0.25, hv, ref = 1;
    OK(knob_study_ask(s, &t));
    OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1));
    OK(knob_study_hypervolume(s, &ref, &hv));
    assert_true(hv == 0.75);
    knob_study_free(s);
    knob_study_options o = {.no_objective = true};
    OK(knob_study_create(st, "none", &o, &s));
    assert_int_equal(knob_study_hypervolume(s, NULL, &hv), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "no objective"));
    knob_study_free(s);
    knob_storage_close(st);
}

/* A front whose range in an objective is below the rounding of its values (two trials a
 * unit in the last place apart, or 16 apart at 1e17): the default reference still lies
 * beyond the nadir, so the hypervolume is positive rather than refused. */
static void default_reference_tiny_range(void **state)
{
    (void)state;
    const double lo[2] = {1, 1e17}, hi[2] = {nextafter(1.0, 2), 1e17 + 16};
    for (int k = 0; k < 2; k++) {
        knob_storage *st;
        /* a trade-off: minimize both, or minimize the first and maximize the second */
        knob_study *s = study(&st, KNOB_MINIMIZE, k ? KNOB_MAXIMIZE : KNOB_MINIMIZE);
        add(s, lo[k], k ? lo[k] : hi[k], NAN);
        add(s, hi[k], k ? hi[k] : lo[k], NAN);
        const knob_trial_info *const *front;
        size_t n_front;
        OK(knob_study_best_trials(s, &front, &n_front));
        assert_int_equal(n_front, 2);
        double hv = -1;
        int rc = knob_study_hypervolume(s, NULL, &hv);
        if (rc)
            fail_msg("case %d: %s", k, knob_errmsg());
        assert_true(hv > 0 && isfinite(hv));
        const double *h;
        size_t n;
        OK(knob_study_hypervolume_history(s, NULL, &h, &n));
        assert_int_equal(n, 2);
        assert_true(h[1] == hv);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* With infinite_values, the default reference comes from the finite values: (inf, 0) is on
 * the front (none is better in the second objective) but adds nothing beyond the reference,
 * and a point at -inf makes the volume infinite, not NaN. */
static void default_reference_infinite_values(void **state)
{
    (void)state;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .infinite_values = true};
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_study_create(st, "hv-inf", &o, &s));
    add(s, 1, 3, NAN);
    add(s, 2, 2, NAN);
    add(s, 3, 1, NAN);
    add(s, INFINITY, 0, NAN);
    const knob_trial_info *const *front;
    size_t n_front;
    OK(knob_study_best_trials(s, &front, &n_front));
    assert_int_equal(n_front, 4);
    /* reference (3 + 0.1 * 2, 3 + 0.1 * 3) = (3.2, 3.3):
     * 1 * 0.3 + 1 * 1.3 + 0.2 * 2.3 = 2.06 */
    double hv = -1;
    OK(knob_study_hypervolume(s, NULL, &hv));
    assert_true(fabs(hv - 2.06) < 1e-12);
    const double *h;
    size_t n;
    OK(knob_study_hypervolume_history(s, NULL, &h, &n));
    assert_int_equal(n, 4);
    assert_true(fabs(h[3] - 2.06) < 1e-12);
    add(s, -INFINITY, 5, NAN);
    OK(knob_study_hypervolume(s, NULL, &hv));
    assert_true(isinf(hv) && hv > 0);
    OK(knob_study_hypervolume_history(s, NULL, &h, &n));
    assert_int_equal(n, 5);
    assert_true(isfinite(h[3]) && isinf(h[4]) && h[4] > 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* An infinite value on the winning side with 4 objectives: the hypervolume inf, as the
 * history's last value (it was NaN: inf - inf); and a front infinite on the losing side in
 * every trial, below no default reference: the history fails as the hypervolume does. */
static void infinite_fronts_agree(void **state)
{
    (void)state;
    knob_direction dirs[4] = {KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 4, .infinite_values = true};
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_study_create(st, "hv4", &o, &s));
    const double p[2][4] = {{-INFINITY, 1, 0, 0}, {-INFINITY, 0, 1, 0}}, ref[4] = {2, 2, 2, 2};
    for (int i = 0; i < 2; i++) {
        knob_trial *t;
        OK(knob_study_ask(s, &t));
        OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, p[i], 4));
    }
    double hv = 0;
    OK(knob_study_hypervolume(s, ref, &hv));
    assert_true(isinf(hv) && hv > 0);
    const double *h;
    size_t n;
    OK(knob_study_hypervolume_history(s, ref, &h, &n));
    assert_int_equal(n, 2);
    assert_true(isinf(h[1]) && h[1] > 0);
    knob_study_free(s);
    knob_storage_close(st);

    knob_direction two[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o2 = {.directions = two, .n_objectives = 2, .infinite_values = true};
    OK(knob_storage_open("memory:", &st));
    OK(knob_study_create(st, "hv-lost", &o2, &s));
    add(s, 1, -INFINITY, NAN);
    assert_int_equal(knob_study_hypervolume(s, NULL, &hv), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "default hypervolume reference point (1.1, -0.1)"));
    n = 99;
    assert_int_equal(knob_study_hypervolume_history(s, NULL, &h, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "give a reference point"));
    const double r2[2] = {2, -1};
    OK(knob_study_hypervolume_history(s, r2, &h, &n)); /* a given one: 0 after each */
    assert_int_equal(n, 1);
    assert_true(h[0] == 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The history of studies of 3 to 5 objectives (mixed directions) on an integer grid, against
 * the count of grid cells the feasible trials finished so far dominate, after each trial:
 * ties, duplicates, dominated and infeasible trials, and trials outside the reference. */
static void history_against_cells(void **state)
{
    (void)state;
    enum { N = 40, K = 5 };
    knob_rng r;
    knob_rng_seed(&r, 3);
    for (size_t m = 3; m <= 5; m++) {
        knob_direction dirs[5];
        double ref[5], p[N][5];
        for (size_t j = 0; j < m; j++) {
            dirs[j] = j % 2 ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
            ref[j] = dirs[j] == KNOB_MAXIMIZE ? -(K - 1) : K - 1;
        }
        knob_study_options o = {.directions = dirs, .n_objectives = m};
        knob_storage *st;
        knob_study *s;
        OK(knob_storage_open("memory:", &st));
        OK(knob_study_create(st, "cells", &o, &s));
        bool feasible[N];
        for (size_t i = 0; i < N; i++) {
            knob_trial *t;
            double v[5], c = knob_rng_below(&r, 5) ? -1 : 1;
            OK(knob_study_ask(s, &t));
            OK(knob_trial_set_constraints(t, &c, 1));
            feasible[i] = c < 0;
            for (size_t j = 0; j < m; j++) {
                p[i][j] = (double)knob_rng_below(&r, K); /* K - 1: on the reference */
                v[j] = dirs[j] == KNOB_MAXIMIZE ? -p[i][j] : p[i][j];
            }
            OK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, m));
        }
        const double *h;
        size_t n;
        OK(knob_study_hypervolume_history(s, ref, &h, &n));
        assert_int_equal(n, N);
        size_t cells = 1;
        for (size_t j = 0; j < m; j++)
            cells *= K - 1;
        for (size_t i = 0; i < N; i++) {
            double want = 0;
            for (size_t c = 0; c < cells; c++) {
                for (size_t a = 0; a <= i; a++) {
                    size_t rest = c, j = 0;
                    for (; feasible[a] && j < m; j++, rest /= K - 1)
                        if (p[a][j] > (double)(rest % (K - 1)))
                            break;
                    if (feasible[a] && j == m) {
                        want++;
                        break;
                    }
                }
            }
            if (h[i] != want)
                fail_msg("%zu objectives, after trial %zu: history %g, cells %g", m, i, h[i], want);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A study opened anew reads only its Pareto front's record for knob_study_best_trials (at
 * 100,000 trials, not the whole study): the history asked after it still covers every
 * finished trial. */
/* Areas beyond the largest double: the hypervolume is inf, and so is its history from the
 * trial whose box overflows, never NaN (a box of inf less the inf the front covered in it
 * was NaN), so its last value is the hypervolume's, as the header says. */
static void history_overflows_to_inf(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = study(&st, KNOB_MINIMIZE, KNOB_MINIMIZE);
    add(s, 1e200, 0, NAN);
    add(s, 0, 1e200, NAN);
    add(s, 5e199, 5e199, NAN);
    add(s, 1, 1, NAN);
    double big[2] = {1.5e200, 1.5e200};
    const double *refs[2] = {NULL, big};
    for (int k = 0; k < 2; k++) {
        double hv = 0;
        OK(knob_study_hypervolume(s, refs[k], &hv));
        assert_true(isinf(hv) && hv > 0);
        const double *h;
        size_t n;
        OK(knob_study_hypervolume_history(s, refs[k], &h, &n));
        assert_int_equal(n, 4);
        for (size_t i = 0; i < n; i++) {
            if (isnan(h[i]) || (i && h[i] < h[i - 1]))
                fail_msg("ref %d: history[%zu] = %g after %g", k, i, h[i], i ? h[i - 1] : 0.0);
        }
        assert_true(h[n - 1] == hv);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

static void history_after_front_record(void **state)
{
    (void)state;
    char url[4200];
    const char *path = knob_test_path("hv_record.db");
    unlink(path);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MINIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open(url, &st));
    OK(knob_study_create(st, "rec", &o, &s));
    for (int i = 0; i < 30; i++)
        add(s, (i * 7) % 30, (i * 11) % 30, NAN);
    const double *h;
    size_t n, want_n;
    OK(knob_study_hypervolume_history(s, NULL, &h, &want_n));
    double want[30];
    memcpy(want, h, sizeof want);
    assert_int_equal(want_n, 30);
    knob_study_free(s);
    for (int round = 0; round < 3; round++) {
        /* round 0 writes the front's record; the next read it first */
        OK(knob_study_load(st, "rec", NULL, &s));
        const knob_trial_info *const *front;
        size_t n_front;
        OK(knob_study_best_trials(s, &front, &n_front));
        assert_true(n_front > 0);
        OK(knob_study_hypervolume_history(s, NULL, &h, &n));
        if (n != want_n)
            fail_msg("round %d: %zu values in the history, want %zu", round, n, want_n);
        for (size_t i = 0; i < n; i++)
            assert_true(h[i] == want[i]);
        knob_study_free(s);
    }
    knob_storage_close(st);
    unlink(path);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(given_reference),
    cmocka_unit_test(infeasible_left_out),
    cmocka_unit_test(history_after_each_trial),
    cmocka_unit_test(history_by_number),
    cmocka_unit_test(one_objective_and_none),
    cmocka_unit_test(default_reference_tiny_range),
    cmocka_unit_test(default_reference_infinite_values),
    cmocka_unit_test(infinite_fronts_agree),
    cmocka_unit_test(history_against_cells),
    cmocka_unit_test(history_after_front_record),
    cmocka_unit_test(history_of_nothing_dominated),
    cmocka_unit_test(history_overflows_to_inf),
};

KNOB_TEST_MAIN(tests)
