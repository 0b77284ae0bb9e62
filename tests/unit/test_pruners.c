/* Pruners on hand-made curves, rung promotion, bracket assignment, and pruning across
 * processes. */
#include "testutil.h"
#include "knob.h"
#include "pruners/common.h"
#include "util/hyperband.h"

#include <math.h>
#include <sys/wait.h>

typedef struct env {
    knob_storage *st;
    knob_study *s;
} env;

static env make(const char *url, const char *name, const char *pruner, const char *opts,
                knob_direction dir)
{
    env e;
    knob_pruner *p;
    if (knob_storage_open(url, &e.st) || knob_pruner_create(pruner, opts, &p))
        fail_msg("setup: %s", knob_errmsg());
    knob_study_options o = {.directions = &dir, .n_objectives = 1, .pruner = p};
    if (knob_study_create(e.st, name, &o, &e.s))
        fail_msg("create: %s", knob_errmsg());
    return e;
}

static void done(env *e)
{
    knob_study_free(e->s);
    knob_storage_close(e->st);
}

/* A finished trial with values curve[0..n) at steps 0..n-1. */
static void complete(knob_study *s, const double *curve, size_t n)
{
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(knob_trial_report(t, (int64_t)i, curve[i]), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &curve[n - 1], 1), KNOB_OK);
}

/* Reports curve step by step; returns the first step at which the pruner says stop, or
 * -1. The trial is then told PRUNED (or COMPLETE). */
static int64_t run(knob_study *s, const double *curve, size_t n)
{
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    for (size_t i = 0; i < n; i++) {
        bool stop;
        assert_int_equal(knob_trial_report(t, (int64_t)i, curve[i]), KNOB_OK);
        assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
        if (stop) {
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
            return (int64_t)i;
        }
    }
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &curve[n - 1], 1), KNOB_OK);
    return -1;
}

static void median_decisions(void **state)
{
    (void)state;
    env e = make("memory:", "m", "median", "n_startup_trials=3,n_warmup_steps=1", KNOB_MINIMIZE);
    const double a[] = {10, 8, 6, 4}, b[] = {9, 7, 5, 3}, c[] = {12, 10, 8, 6};
    const double worse[] = {11, 9.5, 9, 9}, better[] = {5, 4, 3, 2};
    /* Too few completed trials: nothing is pruned. */
    assert_int_equal(run(e.s, worse, 4), -1);
    complete(e.s, a, 4);
    complete(e.s, b, 4);
    complete(e.s, c, 4);
    /* Medians at steps 1..3 (of the 4 complete: worse, a, b, c): 9.25, 7, 5. At step 0 the
     * warmup holds; at step 1 the trial's best 9.5 > 9.25. */
    assert_int_equal(run(e.s, worse, 4), 1);
    assert_int_equal(run(e.s, better, 4), -1);
    done(&e);
}

/* A diverged run (NaN, or an infinite loss) is pruned by every pruner but none, even before
 * any trial completes or the warmup ends, as Optuna's pruners prune a NaN; a later finite
 * report (the run recovered) leaves it to the pruner again; an infinite gain is ignored. */
static void diverged_runs_are_pruned(void **state)
{
    (void)state;
    const char *pruners[] = {"median",    "percentile", "successive_halving",
                             "hyperband", "threshold",  "patient",
                             "wilcoxon"};
    const char *opts[] = {"n_warmup_steps=5", "percentile=50", "", "",
                          "upper=100",        "patience=3",    ""};
    for (size_t k = 0; k < sizeof pruners / sizeof *pruners; k++) {
        env e = make("memory:", pruners[k], pruners[k], opts[k], KNOB_MINIMIZE);
        const double nan_curve[] = {3, 2, NAN}, inf_curve[] = {3, INFINITY};
        if (run(e.s, nan_curve, 3) != 2 || run(e.s, inf_curve, 2) != 1)
            fail_msg("%s did not prune a diverged run", pruners[k]);
        done(&e);
    }
    env e = make("memory:", "none", "none", "", KNOB_MINIMIZE);
    const double nan_curve[] = {3, NAN, 2};
    assert_int_equal(run(e.s, nan_curve, 3), -1);
    done(&e);
    /* maximizing: -inf diverged, +inf not; NaN then a finite value: recovered */
    e = make("memory:", "max", "median", "n_startup_trials=5", KNOB_MAXIMIZE);
    const double down[] = {0.5, -INFINITY}, up[] = {0.5, INFINITY, 0.6}, back[] = {0.5, NAN, 0.7};
    assert_int_equal(run(e.s, down, 2), 1);
    assert_int_equal(run(e.s, up, 3), -1);
    assert_int_equal(run(e.s, back, 3), 1);
    done(&e);
}

static void percentile_maximize(void **state)
{
    (void)state;
    env e = make("memory:", "p", "percentile", "percentile=25,n_startup_trials=2", KNOB_MAXIMIZE);
    const double a[] = {0.1, 0.5, 0.7}, b[] = {0.2, 0.6, 0.8}, c[] = {0.0, 0.2, 0.3};
    complete(e.s, a, 3);
    complete(e.s, b, 3);
    complete(e.s, c, 3);
    /* 75th percentiles: 0.15 at step 0, 0.55 at step 1 ({0.5, 0.6, 0.2}), 0.75 at step 2:
     * x's best 0.5 falls short at step 1, y's 0.58 does not. */
    const double x[] = {0.25, 0.5, 0.9}, y[] = {0.25, 0.58, 0.9};
    assert_int_equal(run(e.s, y, 3), -1);
    assert_int_equal(run(e.s, x, 3), 1);
    done(&e);
}

/* A completed trial with values curve[0..n) at steps 0..n-1, added as one made elsewhere
 * (knob_study_add_trial keeps infinite intermediate values, which a report does not). */
static void add_complete(knob_study *s, const double *curve, size_t n)
{
    knob_step_value iv[8];
    double value = 1;
    for (size_t i = 0; i < n; i++)
        iv[i] = (knob_step_value){(int64_t)i, curve[i]};
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE,
                            .n_values = 1,
                            .values = &value,
                            .n_intermediate = n,
                            .intermediate = iv,
                            .start_time = NAN,
                            .end_time = NAN};
    assert_int_equal(knob_study_add_trial(s, &info, NULL), KNOB_OK);
}

/* Other trials' infinite intermediate values: the percentile is their interpolation's
 * limit, never NaN from inf - inf or inf * 0 (a NaN threshold pruned nothing). */
static void percentile_infinite_values(void **state)
{
    (void)state;
    env e = make("memory:", "m", "median", "n_startup_trials=1", KNOB_MINIMIZE);
    const double a[] = {1, 1}, b[] = {2, 2}, c[] = {INFINITY, INFINITY};
    add_complete(e.s, a, 2);
    add_complete(e.s, b, 2);
    add_complete(e.s, c, 2);
    /* the median of {1, 2, inf} is 2 */
    const double worse[] = {5, 5}, better[] = {1.5, 1.5};
    assert_int_equal(run(e.s, worse, 2), 0);
    assert_int_equal(run(e.s, better, 2), -1);
    done(&e);
    /* all infinite: the median is inf, which nothing finite is worse than */
    e = make("memory:", "i", "median", "n_startup_trials=1", KNOB_MINIMIZE);
    add_complete(e.s, c, 2);
    add_complete(e.s, c, 2);
    assert_int_equal(run(e.s, worse, 2), -1);
    done(&e);
    /* maximizing, 75th percentile of {-inf, 0.5, +inf} at 1.5 of the way: +inf, so a
     * trial at 0.9 is below it; of {-inf, -inf, 0.6}: -inf, so 0.1 is kept */
    e = make("memory:", "p", "percentile", "percentile=25,n_startup_trials=1", KNOB_MAXIMIZE);
    const double lo[] = {-INFINITY, -INFINITY}, mid[] = {0.5, 0.5}, hi[] = {INFINITY, INFINITY};
    add_complete(e.s, lo, 2);
    add_complete(e.s, mid, 2);
    add_complete(e.s, hi, 2);
    const double up[] = {0.9, 0.9};
    assert_int_equal(run(e.s, up, 2), 0);
    done(&e);
    e = make("memory:", "q", "percentile", "percentile=25,n_startup_trials=1", KNOB_MAXIMIZE);
    const double six[] = {0.6, 0.6};
    add_complete(e.s, lo, 2);
    add_complete(e.s, lo, 2);
    add_complete(e.s, six, 2);
    const double low[] = {0.1, 0.1};
    assert_int_equal(run(e.s, low, 2), -1);
    done(&e);
}

static void interval_steps_skip(void **state)
{
    (void)state;
    env e = make("memory:", "i", "median", "n_startup_trials=1,interval_steps=3", KNOB_MINIMIZE);
    const double good[] = {1, 1, 1, 1, 1, 1}, bad[] = {5, 5, 5, 5, 5, 5};
    complete(e.s, good, 6);
    /* Checked at steps 0 and 3 only: stops at 0. */
    assert_int_equal(run(e.s, bad, 6), 0);
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("median", "interval_steps=0", &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "interval_steps"));
    done(&e);
}

static void threshold_bounds(void **state)
{
    (void)state;
    env e = make("memory:", "t", "threshold", "lower=0.1,upper=2,n_warmup_steps=1", KNOB_MINIMIZE);
    const double low[] = {0.05, 0.05, 0.5}, high[] = {1, 3, 1}, ok[] = {1, 1, 1};
    assert_int_equal(run(e.s, low, 3), 1);
    assert_int_equal(run(e.s, high, 3), 1);
    assert_int_equal(run(e.s, ok, 3), -1);
    /* an infinity on the winning side is not stored, but it is below lower (Optuna's
     * ThresholdPruner prunes it too) */
    const double to_minus_inf[] = {1, 1, -INFINITY};
    assert_int_equal(run(e.s, to_minus_inf, 3), 2);
    done(&e);
    /* ... but only at a step it checks: with interval_steps 2, step 1 and step 3 are not (a
     * value was reported at 0 and at 2), as a finite value below lower there is not */
    e = make("memory:", "ti", "threshold", "lower=0,interval_steps=2", KNOB_MINIMIZE);
    const double at_1[] = {1, -INFINITY, 0.5, 0.4}, at_3[] = {1, 0.9, 0.8, -INFINITY, 0.5},
                 finite_1[] = {1, -1, 0.5};
    assert_int_equal(run(e.s, at_1, 4), -1);
    assert_int_equal(run(e.s, at_3, 5), -1);
    assert_int_equal(run(e.s, finite_1, 3), -1);
    done(&e);
    e = make("memory:", "tx", "threshold", "upper=1", KNOB_MAXIMIZE);
    const double to_inf[] = {0.5, INFINITY}, fine[] = {0.5, 0.9};
    assert_int_equal(run(e.s, to_inf, 2), 1);
    assert_int_equal(run(e.s, fine, 2), -1);
    done(&e);
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("threshold", "lower=2,upper=1", &p), KNOB_EINVAL);
}

/* Neither lower nor upper: a pruner that prunes no finite value, refused when made, as
 * Optuna's ThresholdPruner refuses it (it was made, and never pruned); bounds set infinite
 * after that are refused at its first use. */
static void threshold_needs_a_bound(void **state)
{
    (void)state;
    knob_pruner *p = NULL;
    const char *none[] = {NULL, "", "n_warmup_steps=2", "lower=-inf,upper=inf"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        assert_int_equal(knob_pruner_create("threshold", none[i], &p), KNOB_EINVAL);
        assert_non_null(strstr(knob_errmsg(), "pruner 'threshold': neither option lower nor "
                                              "option upper is given"));
        assert_non_null(strstr(knob_errmsg(), "give lower, upper or both"));
    }
    assert_int_equal(knob_pruner_create_pairs("threshold", NULL, NULL, 0, &p), KNOB_EINVAL);
    assert_int_equal(knob_pruner_create("threshold", "lower=0", &p), KNOB_OK);
    knob_pruner_free(p);
    /* made with a bound, then set infinite: refused at the first report's question */
    env e = make("memory:", "t", "threshold", "upper=1", KNOB_MINIMIZE);
    knob_pruner *q;
    assert_int_equal(knob_pruner_create("threshold", "upper=1", &q), KNOB_OK);
    assert_int_equal(knob_pruner_set_option(q, "upper", "inf"), KNOB_OK);
    knob_trial *t;
    bool stop = true;
    assert_int_equal(knob_study_ask(e.s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 5), KNOB_OK);
    assert_int_equal(knob_pruner_prune(q, e.s, t, &stop), KNOB_EINVAL);
    assert_false(stop);
    assert_non_null(strstr(knob_errmsg(), "neither option lower nor option upper"));
    assert_int_equal(knob_pruner_set_option(q, "upper", "4"), KNOB_OK);
    assert_int_equal(knob_pruner_prune(q, e.s, t, &stop), KNOB_OK);
    assert_true(stop);
    knob_pruner_free(q);
    assert_int_equal(knob_study_tell(e.s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    done(&e);
}

static void patient_waits(void **state)
{
    (void)state;
    env e = make("memory:", "pa", "patient", "patience=2,min_delta=0.1", KNOB_MINIMIZE);
    /* At step 4 the best before the last 3 steps is 5, and the best of the last 3 (5.2)
     * is worse than 5 + min_delta. */
    const double stall[] = {9, 5, 5.3, 5.2, 5.4, 5.15};
    assert_int_equal(run(e.s, stall, 6), 4);
    const double improving[] = {9, 8, 7, 6, 5, 4};
    assert_int_equal(run(e.s, improving, 6), -1);
    done(&e);
    /* Wrapping another pruner: patience runs out, then the median decides. */
    e = make("memory:", "pw", "patient",
             "patience=1,wrapped=median,wrapped_options=[n_startup_trials=1]", KNOB_MINIMIZE);
    const double good[] = {1, 1, 1, 1};
    complete(e.s, good, 4);
    const double flat_bad[] = {3, 3.1, 3.2, 3.3};
    assert_int_equal(run(e.s, flat_bad, 4), 2);
    done(&e);
}

/* A pruner that fails whenever it is asked, to wrap. */
static int refuses_prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    (void)state;
    (void)t;
    *out = false;
    return knob_set_error(KNOB_EUNSUPPORTED, "pruner 'refuses': cannot judge study '%s'",
                          knob_study_name(s));
}

static const knob_pruner_plugin refuses_plugin = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "refuses",
    .help = "fails when asked",
    .prune = refuses_prune,
};

/* The errors of a patient pruner name it and its wrapped pruner: the wrapped one's own
 * message named only itself, an unclosed bracket was read as part of an option's name,
 * a mapping (a sweep's {k: v}) as one option without '=', and wrapped_options without a
 * wrapped pruner was ignored. */
static void patient_messages(void **state)
{
    (void)state;
    static const struct {
        const char *opts, *want;
    } cases[] = {
        {"wrapped=median,wrapped_options=[n_startup=3]",
         "pruner 'patient': wrapped=median: pruner 'median': unknown option 'n_startup'"},
        {"wrapped=medain", "pruner 'patient': wrapped=medain: unknown pruner 'medain'"},
        {"wrapped=hyperband,wrapped_options=[min_resource=10,max_resource=5]",
         "pruner 'patient': wrapped=hyperband: pruner 'hyperband': max_resource (5) must be >= "
         "min_resource (10)"},
        {"wrapped=median,wrapped_options=[n_startup_trials=3",
         "pruner 'patient': option wrapped_options takes the options of the wrapped pruner in "
         "brackets, [k=v,k=v]; got [n_startup_trials=3 (a '[' that is not closed)"},
        {"wrapped=median,wrapped_options={\"n_startup_trials\":3}",
         "got {\"n_startup_trials\":3} (a mapping)"},
        {"wrapped_options=[n_startup_trials=3]",
         "pruner 'patient': option wrapped_options=[n_startup_trials=3] is for a wrapped "
         "pruner, and wrapped is none"},
        {"wrapped=patient", "pruner 'patient' cannot wrap itself"},
        /* the wrapped pruner's options without brackets: the string splits at the comma,
         * and the error named only n_warmup_steps, as an option of patient */
        {"wrapped=median,wrapped_options=n_startup_trials=1,n_warmup_steps=2",
         "pruner 'patient': unknown option 'n_warmup_steps' after "
         "wrapped_options=n_startup_trials=1: the options string splits at each comma outside "
         "brackets, so wrapped_options took only 'n_startup_trials=1'; a value of several k=v "
         "goes in brackets: wrapped_options=[n_startup_trials=1,n_warmup_steps=2]"},
        {"wrapped=median,wrapped_options=n_startup_trials=1,n_warmup_steps=2,interval_steps=3,"
         "patience=2,bogus=1",
         "so wrapped_options took only 'n_startup_trials=1'; a value of several k=v goes in "
         "brackets: wrapped_options=[n_startup_trials=1,n_warmup_steps=2,interval_steps=3]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        knob_pruner *p = NULL;
        assert_int_equal(knob_pruner_create("patient", cases[i].opts, &p), KNOB_EINVAL);
        if (!strstr(knob_errmsg(), cases[i].want))
            fail_msg("%s: expected '%s' in: %s", cases[i].opts, cases[i].want, knob_errmsg());
    }
    /* one option of the wrapped pruner needs no brackets, and an option of patient's after
     * it is patient's, as the string splits; a sweep's value (knob_pruner_create_pairs) is
     * whole, brackets or not */
    knob_pruner *p = NULL;
    assert_int_equal(
        knob_pruner_create("patient", "wrapped=median,wrapped_options=n_startup_trials=1", &p),
        KNOB_OK);
    knob_pruner_free(p);
    assert_int_equal(knob_pruner_create("patient",
                                        "wrapped=median,wrapped_options=n_startup_trials=1,"
                                        "patience=3",
                                        &p),
                     KNOB_OK);
    knob_pruner_free(p);
    const char *keys[] = {"wrapped", "wrapped_options"};
    const char *whole[] = {"median", "n_startup_trials=1,n_warmup_steps=2"};
    assert_int_equal(knob_pruner_create_pairs("patient", keys, whole, 2, &p), KNOB_OK);
    knob_pruner_free(p);
    const char *typo[] = {"median", "n_startup_trials=1,n_warmup=2"};
    assert_int_equal(knob_pruner_create_pairs("patient", keys, typo, 2, &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'patient': wrapped=median: pruner 'median': "
                                          "unknown option 'n_warmup'"));
    /* an error of the wrapped pruner when it is asked (an objective it is given in
     * wrapped_options is refused at once: patient_wrapped_objective) */
    assert_int_equal(knob_pruner_register(&refuses_plugin), KNOB_OK);
    env e = make("memory:", "pe", "patient", "patience=0,wrapped=refuses", KNOB_MINIMIZE);
    knob_trial *t;
    bool stop;
    assert_int_equal(knob_study_ask(e.s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 1, 2), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "pruner 'patient': wrapped=refuses: pruner 'refuses': "
                                          "cannot judge study 'pe'"));
    assert_int_equal(knob_study_tell(e.s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    done(&e);
}

/* ASHA with eta 2: rungs at steps 1, 2, 4. Trials arrive one after another. */
static void asha_promotion_order(void **state)
{
    (void)state;
    env e = make("memory:", "sh", "successive_halving", "reduction_factor=2", KNOB_MINIMIZE);
    const double t0[] = {5, 5, 5, 5, 5}, t1[] = {6, 6, 6, 6, 6}, t2[] = {4, 4, 4, 4, 4};
    const double t3[] = {4.5, 4.5, 4.5, 4.5, 4.5}, t4[] = {4.8, 3, 3, 3, 3};
    /* The first trial is alone at every rung: it goes on. */
    assert_int_equal(run(e.s, t0, 5), -1);
    /* Rung 0 (step 1) holds {5, 6}: top 1/2 is 5, so 6 stops there. */
    assert_int_equal(run(e.s, t1, 5), 1);
    /* 4 is the best everywhere. */
    assert_int_equal(run(e.s, t2, 5), -1);
    /* Rung 0: {5,6,4,4.5} top 2 are 4 and 4.5: goes on; rung 1 (step 2): {5,4,4.5} top 1
     * is 4: stops at step 2. */
    assert_int_equal(run(e.s, t3, 5), 2);
    /* Value 3 at step 1 beats rung 0; at step 2 (rung 1) 3 is the best; step 4 too. */
    assert_int_equal(run(e.s, t4, 5), -1);
    done(&e);
}

/* A second handle on a trial, asked to prune after the trial was told through the first
 * (Python's should_prune after the tell): successive halving, which would record the
 * trial's rung, refuses the finished trial (KNOB_ESTATE) and records nothing, as Optuna's
 * storages refuse to update a finished trial. A rung the trial recorded while it ran
 * stays, and a step before the next rung answers go on. */
static void asha_finished_trial_records_no_rung(void **state)
{
    (void)state;
    env e = make("memory:", "sh", "successive_halving", "reduction_factor=2", KNOB_MINIMIZE);
    knob_trial *t, *kept;
    bool stop = true;
    double v = 1;
    assert_int_equal(knob_study_ask(e.s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 2, 1.0), KNOB_OK);
    assert_int_equal(knob_study_open_trial(e.s, 0, &kept), KNOB_OK);
    assert_int_equal(knob_study_tell(e.s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(kept, &stop), KNOB_ESTATE);
    assert_non_null(strstr(knob_errmsg(), "trial 0 of study 'sh' has finished"));
    assert_null(knob_trial_system_attr(kept, "sh_rung_0"));
    const knob_trial_info *const *trials;
    size_t n;
    assert_int_equal(knob_study_trials(e.s, &trials, &n), KNOB_OK);
    assert_int_equal(n, 1);
    assert_null(knob_trial_info_attr(trials[0], "sh_rung_0", true));
    knob_trial_detach(kept);
    /* rung 0 (step 1) recorded while running; told at step 2, before rung 1 (step 2 is
     * rung 1's: step 1 here) */
    assert_int_equal(knob_study_ask(e.s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 1, 1.0), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_false(stop);
    assert_int_equal(knob_study_open_trial(e.s, 1, &kept), KNOB_OK);
    assert_int_equal(knob_study_tell(e.s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    stop = true;
    assert_int_equal(knob_trial_should_prune(kept, &stop), KNOB_OK);
    assert_false(stop);
    knob_trial_detach(kept);
    done(&e);
}

/* Brackets match Optuna 3.1's HyperbandPruner(1, 81, 3) for study "hb", trials 0..19. */
static void hyperband_brackets(void **state)
{
    (void)state;
    static const int64_t optuna[20] = {0, 1, 0, 3, 0, 0, 0, 1, 1, 1, 1, 0, 3, 3, 0, 0, 0, 2, 0, 0};
    env e = make("memory:", "hb", "hyperband", "min_resource=1,max_resource=81,reduction_factor=3",
                 KNOB_MINIMIZE);
    for (int64_t i = 0; i < 20; i++)
        assert_int_equal(knob_pruner_bracket(knob_study_pruner(e.s), e.s, i), optuna[i]);
    done(&e);
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("hyperband", "min_resource=10,max_resource=5", &p),
                     KNOB_EINVAL);
}

/* A trial at max_resource ran in full: no rung there prunes it (both brackets of 1..3 with
 * eta 3 have a rung at 3), as W&B's early_terminate checks only the bands below max_iter;
 * it pruned trials at their last step, worse there than the others. */
static void hyperband_top_rung_prunes_nothing(void **state)
{
    (void)state;
    env e = make("memory:", "hbtop", "hyperband",
                 "min_resource=1,max_resource=3,reduction_factor=3", KNOB_MINIMIZE);
    const double good[] = {5, 5, 5, 1}, worst[] = {5, 5, 5, 100};
    for (int i = 0; i < 6; i++)
        assert_int_equal(run(e.s, good, 4), -1);
    assert_int_equal(run(e.s, worst, 4), -1);
    assert_int_equal(run(e.s, worst, 4), -1);
    done(&e);
    /* below max_resource the rung prunes as before */
    e = make("memory:", "hbtop", "hyperband", "min_resource=1,max_resource=9,reduction_factor=3",
             KNOB_MINIMIZE);
    const double good9[] = {5, 5, 5, 1, 1}, worst9[] = {5, 5, 5, 100, 100};
    for (int i = 0; i < 6; i++)
        assert_int_equal(run(e.s, good9, 5), -1);
    int64_t pruned = 0;
    for (int i = 0; i < 4; i++)
        pruned += run(e.s, worst9, 5) == 3;
    assert_true(pruned > 0);
    done(&e);
    /* rungs_past_max: max_resource counts the brackets alone, and the rung at it prunes (W&B's
     * bands from min_iter, which have no top; Python's max_resource "auto") */
    e = make("memory:", "hbtop", "hyperband",
             "min_resource=1,max_resource=3,reduction_factor=3,rungs_past_max=true", KNOB_MINIMIZE);
    for (int i = 0; i < 6; i++)
        assert_int_equal(run(e.s, good, 4), -1);
    pruned = 0;
    for (int i = 0; i < 4; i++)
        pruned += run(e.s, worst, 4) == 3;
    assert_true(pruned > 0);
    done(&e);
}

/* Brackets where the budgets add up past 2^32 (max_resource 2^31 with eta 2), for trial
 * numbers past 2^32 too, and for a study name longer than any fixed key buffer: Python's
 * zlib.crc32(f"{name}_{number}") % total, as Optuna computes them. */
static void hyperband_brackets_past_2_32(void **state)
{
    (void)state;
    static const int64_t numbers[10] = {
        0, 1, 2, 3, 4, 5, (1LL << 32) + 5, 1LL << 40, 1LL << 62, 9007199254740993LL};
    static const int64_t big[10] = {1, 4, 0, 0, 1, 5, 0, 0, 0, 0};
    static const int64_t small[10] = {0, 1, 0, 3, 0, 0, 3, 0, 1, 4};
    env e = make("memory:", "hb", "hyperband",
                 "min_resource=1,max_resource=2147483648,reduction_factor=2", KNOB_MINIMIZE);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(knob_pruner_bracket(knob_study_pruner(e.s), e.s, numbers[i]), big[i]);
    done(&e);
    e = make("memory:", "hb", "hyperband", "min_resource=1,max_resource=81,reduction_factor=3",
             KNOB_MINIMIZE);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(knob_pruner_bracket(knob_study_pruner(e.s), e.s, numbers[i]), small[i]);
    done(&e);
    static const int64_t long_name[12] = {1, 1, 0, 0, 2, 0, 0, 0, 0, 1, 0, 1};
    char name[601];
    memset(name, 's', 600);
    name[600] = 0;
    e = make("memory:", name, "hyperband", "min_resource=1,max_resource=81,reduction_factor=3",
             KNOB_MINIMIZE);
    for (int64_t i = 0; i < 12; i++)
        assert_int_equal(knob_pruner_bracket(knob_study_pruner(e.s), e.s, i), long_name[i]);
    done(&e);
}

/* The bracket arithmetic written once (util/hyperband.h), as the pruner and knob's
 * reading of W&B's early_terminate use it, against Optuna's rule in exact integers
 * (n_brackets = floor(log_eta(max / min)) + 1, budgets ceil(n * eta^s / (s + 1)), bracket
 * of trial t: zlib.crc32(f"hb_{t}") % sum(budgets) walked through them; computed in Python
 * with whole numbers): equal resources, max not a power of eta times min, eta 2 to 1000.
 * The pruner took the logarithm in doubles with an epsilon, which counted 32 brackets for
 * 1 .. 2^31 - 1 with eta 2 (2^31 - 1 is not 2^31) and spread the trials by them. */
static void hyperband_brackets_by_one_rule(void **state)
{
    (void)state;
    static const struct {
        int64_t min, max, eta, n, budget[6];
        const char *brackets; /* of trials 0..39 */
    } cases[] = {
        {1LL, 1LL, 2, 1, {1LL}, "0000000000000000000000000000000000000000"},
        {5LL, 5LL, 3, 1, {1LL}, "0000000000000000000000000000000000000000"},
        {1LL, 81LL, 3, 5, {81LL, 34LL, 15LL, 8LL, 5LL}, "0103000111103300020001100100001001200002"},
        {1LL, 80LL, 3, 4, {27LL, 12LL, 6LL, 4LL}, "0110100101303200110310120000113201010310"},
        {1LL, 82LL, 3, 5, {81LL, 34LL, 15LL, 8LL, 5LL}, "0103000111103300020001100100001001200002"},
        {2LL, 100LL, 4, 3, {16LL, 6LL, 3LL}, "0000011100100010000110000002000120021121"},
        {3LL, 26LL, 3, 2, {3LL, 2LL}, "0101100001000011010000111111110010011110"},
        {1LL,
         1000LL,
         10,
         4,
         {1000LL, 134LL, 20LL, 4LL},
         "0010000012100000000000010000000000000000"},
        {1LL,
         2147483647LL,
         2,
         31,
         {1073741824LL, 554766610LL, 286948247LL, 148598199LL, 77050918LL, 40007208LL},
         "0320032052300140023010011001101001100110"},
        {1LL,
         1000000000000000LL,
         1000,
         6,
         {1000000000000000LL, 1200000000000LL, 1500000000LL, 2000000LL, 3000LL, 6LL},
         "0000000000000000000000000000000000000000"},
        {7LL,
         7167LL,
         4,
         5,
         {256LL, 80LL, 27LL, 10LL, 5LL},
         "1101001012000100001030000000010000011200"},
        {1LL,
         1099511627775LL,
         2,
         40,
         {549755813888LL, 281926058405LL, 144672582603LL, 74291326202LL, 38177487076LL,
          19634136211LL},
         "0000000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t n = knobx_hyperband_brackets(cases[i].min, cases[i].max, cases[i].eta);
        if (n != cases[i].n)
            fail_msg("(%lld, %lld, %lld): %lld brackets, expected %lld", (long long)cases[i].min,
                     (long long)cases[i].max, (long long)cases[i].eta, (long long)n,
                     (long long)cases[i].n);
        for (int64_t b = 0; b < n && b < 6; b++)
            assert_int_equal(knobx_hyperband_budget(n, cases[i].eta, b), cases[i].budget[b]);
        assert_int_equal(knobx_hyperband_budget(n, cases[i].eta, n - 1), n);
        assert_int_equal(knobx_hyperband_budget(n, cases[i].eta, n), 0);
        char opts[128];
        snprintf(opts, sizeof opts, "min_resource=%lld,max_resource=%lld,reduction_factor=%lld",
                 (long long)cases[i].min, (long long)cases[i].max, (long long)cases[i].eta);
        env e = make("memory:", "hb", "hyperband", opts, KNOB_MINIMIZE);
        for (int64_t t = 0; t < 40; t++) {
            char c = cases[i].brackets[t];
            int64_t want = c <= '9' ? c - '0' : c - 'a' + 10;
            int64_t got = knob_pruner_bracket(knob_study_pruner(e.s), e.s, t);
            if (got != want)
                fail_msg("%s: trial %lld in bracket %lld, expected %lld", opts, (long long)t,
                         (long long)got, (long long)want);
        }
        done(&e);
    }
    assert_int_equal(knobx_hyperband_brackets(2, 1, 3), 0);
    assert_int_equal(knobx_hyperband_brackets(0, 1, 3), 0);
    assert_int_equal(knobx_hyperband_brackets(1, 9, 1), 0);
    assert_int_equal(knobx_hyperband_brackets(1, INT64_MAX, 2), 63);
    assert_int_equal(knobx_hyperband_brackets(1, INT64_MAX, 1000), 7);
}

/* W&B's early termination (wandb_hyperband) as W&B's sweeps library stops runs today
 * (hyperband_stopping.py): band b is a trial's b-th value; a trial is judged at the last
 * band it reached, against every trial's b-th value (itself among them), and stops when
 * worse than the value ranked n / eta (from 0). On the runs of the library's example (max_iter
 * 5, eta 2, s 2: bands 1 and 2): b stops at its 2nd value, c (8 against 6, 7, 8, 9, 10) goes
 * on. Before, early_terminate made Optuna's bracketed Hyperband, where a trial is judged
 * only at its bracket's rungs, among that bracket's trials: with min_iter 3 and eta 3, a
 * trial worse at every step than ten others ran to its end. */
static void wandb_hyperband_stops_as_wandb(void **state)
{
    (void)state;
    env e = make("memory:", "wb", "wandb_hyperband", "max_iter=5,eta=2,s=2", KNOB_MINIMIZE);
    const double a[] = {10, 9}, d[] = {10, 7, 7}, ee[] = {10, 6, 6};
    const double b[] = {10, 10}, c[] = {10, 8, 8};
    complete(e.s, a, 2);
    complete(e.s, d, 3);
    complete(e.s, ee, 3);
    /* band 2: 6, 7, 9 and b's 10: the value ranked 4 / 2 = 2 is 9 */
    assert_int_equal(run(e.s, b, 2), 1);
    /* band 2: 6, 7, 8, 9, 10: c's 8 is no worse than the value ranked 2, 8 */
    assert_int_equal(run(e.s, c, 3), -1);
    done(&e);
    /* the probe's case: min_iter 3, eta 3 (bands 3, 9, 27, ...), ten trials at 1.0 then ten
     * at 5.0 at every step of 30: every one of the ten stops at its 3rd value */
    e = make("memory:", "wb3", "wandb_hyperband", "min_iter=3,eta=3", KNOB_MINIMIZE);
    double good[30], bad[30];
    for (int i = 0; i < 30; i++)
        good[i] = 1, bad[i] = 5;
    for (int k = 0; k < 10; k++)
        assert_int_equal(run(e.s, good, 30), -1);
    for (int k = 0; k < 10; k++)
        assert_int_equal(run(e.s, bad, 30), 2);
    done(&e);
    /* strict (the default) judges the value at the band; strict false the best so far, as
     * W&B's min(history): a trial good at band 1 and bad at band 2 goes on there */
    const double r1[] = {1, 5}, r2[] = {2, 6}, r3[] = {3, 7}, turn[] = {0.5, 9};
    for (int strict = 1; strict >= 0; strict--) {
        e = make("memory:", strict ? "ws" : "wl", "wandb_hyperband",
                 strict ? "max_iter=5,eta=2,s=2" : "max_iter=5,eta=2,s=2,strict=false",
                 KNOB_MINIMIZE);
        complete(e.s, r1, 2);
        complete(e.s, r2, 2);
        complete(e.s, r3, 2);
        assert_int_equal(run(e.s, turn, 2), strict ? 1 : -1);
        done(&e);
    }
    /* maximizing; a trial that has not reached the band does not count */
    e = make("memory:", "wbx", "wandb_hyperband", "min_iter=1,eta=2", KNOB_MAXIMIZE);
    const double hi[] = {0, 0.9, 0.9}, hi2[] = {0, 0.8}, lo[] = {0, 0.1, 0.1};
    const double best[] = {0, 0.95, 0.95}, short_run[] = {0};
    complete(e.s, hi, 3);
    complete(e.s, hi2, 2);
    complete(e.s, short_run, 1);
    /* band 1: 0.9, 0.8 and 0.1: the value ranked 3 / 2 = 1 is 0.8 (of 2 values, both go on,
     * as W&B's int(n / eta) keeps them) */
    assert_int_equal(run(e.s, lo, 3), 1);
    assert_int_equal(run(e.s, best, 3), -1);
    done(&e);
    /* bands: none from max_iter below eta (nothing to judge), or all below min_iter */
    knob_pruner *p;
    assert_int_equal(knob_pruner_create("wandb_hyperband", "max_iter=2,eta=3", &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "no band"));
    /* min_iter beside max_iter is ignored, as W&B ignores it: bands 1 (27 / 27), 3 and 9 */
    assert_int_equal(knob_pruner_create("wandb_hyperband", "min_iter=20,max_iter=27", &p), KNOB_OK);
    knob_pruner_free(p);
    assert_int_equal(knob_pruner_create("wandb_hyperband", "", &p), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "give min_iter, max_iter or both"));
    assert_int_equal(knob_pruner_create("wandb_hyperband", "min_iter=3,max_iter=27", &p), KNOB_OK);
    knob_pruner_free(p);
}

/* Bounds changed after the study was made (knob_pruner_set_option takes each option on
 * its own): max_resource below min_resource leaves no bracket, and no budget to take the
 * hash modulo. Refused where the pruner is used, never a division by zero. */
static void hyperband_options_set_later(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *tpe;
    knob_pruner *p;
    knob_study *s;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create("tpe", "seed=1,n_startup_trials=1", &tpe), KNOB_OK);
    assert_int_equal(knob_pruner_create("hyperband", "max_resource=81", &p), KNOB_OK);
    knob_study_options o = {.sampler = tpe, .pruner = p};
    assert_int_equal(knob_study_create(st, "later", &o, &s), KNOB_OK);
    const double curve[] = {3, 2, 1};
    complete(s, curve, 3);
    assert_int_equal(knob_pruner_set_option(p, "min_resource", "100"), KNOB_OK);
    assert_int_equal(knob_pruner_bracket(p, s, 1), -1);
    knob_trial *t;
    double x;
    bool stop = true;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 1.5), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_EINVAL);
    assert_false(stop);
    assert_non_null(strstr(knob_errmsg(), "max_resource (81) must be >= min_resource (100)"));
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

static void hyperband_prunes_within_bracket(void **state)
{
    (void)state;
    env e = make("memory:", "hb", "hyperband", "min_resource=1,max_resource=9,reduction_factor=3",
                 KNOB_MINIMIZE);
    double curve[10];
    int pruned = 0;
    for (int i = 0; i < 30; i++) {
        for (int k = 0; k < 10; k++)
            curve[k] = (double)((i * 7) % 11) + 1.0 / (k + 1);
        pruned += run(e.s, curve, 10) >= 0;
    }
    assert_true(pruned >= 10 && pruned < 30);
    done(&e);
}

/* BOHB: with Hyperband, TPE models a trial on its bracket's trials only, so a trial
 * whose bracket has fewer than n_startup_trials finished trials still gets the random
 * sampler's draw, however many the study has. */
static void hyperband_tpe_models_each_bracket(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *tpe, *rnd;
    knob_pruner *hb;
    knob_study *s, *r;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_sampler_create("tpe", "seed=5,n_startup_trials=3", &tpe), KNOB_OK);
    assert_int_equal(knob_sampler_create("random", "seed=5", &rnd), KNOB_OK);
    assert_int_equal(knob_pruner_create("hyperband",
                                        "min_resource=1,max_resource=27,"
                                        "reduction_factor=3",
                                        &hb),
                     KNOB_OK);
    knob_study_options o = {.sampler = tpe, .pruner = hb}, ro = {.sampler = rnd};
    assert_int_equal(knob_study_create(st, "bohb", &o, &s), KNOB_OK);
    assert_int_equal(knob_study_create(st, "rnd", &ro, &r), KNOB_OK);
    int done_in[8] = {0}, checked = 0;
    for (int i = 0; i < 40; i++) {
        knob_trial *t, *u;
        double x, xr, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_study_ask(r, &u), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(u, "x", -5, 5, 0, 0, &xr), KNOB_OK);
        int64_t b = knob_pruner_bracket(knob_study_pruner(s), s, i);
        assert_true(b >= 0 && b < 8);
        if (done_in[b] < 3 && i >= 3) {
            assert_true(x == xr); /* still a startup trial of its bracket */
            checked++;
        }
        y = x * x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        assert_int_equal(knob_study_tell(r, u, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        done_in[b]++;
    }
    assert_true(checked >= 3); /* the check did bite */
    knob_study_free(s);
    knob_study_free(r);
    knob_storage_close(st);
}

static void wilcoxon_p_values(void **state)
{
    (void)state;
    /* Reference p-values of scipy's wilcoxon (alternative="greater", zsplit): d1 and d3
     * from scipy 1.10 (the exact table; the normal approximation); with ties or a zero
     * (d2, and the rest), the share of the 2^n sign flips whose statistic reaches the
     * observed one, each counted by a brute-force enumeration in Python (scipy 1.15's
     * permutation test for n <= 13; the normal approximation gave d2 0.0047887, and four
     * equal differences 0.023, not 1/16). */
    const double d1[] = {1.0, 2.0, -0.5, 3.0, 4.0, 0.25};
    const double d2[] = {0.3, -0.1, 0.2, 0.5, 0.0, 0.4, 0.4, -0.2, 0.9, 1.1, 0.7, 0.6};
    const double equal[] = {0.01, 0.01, 0.01, 0.01}, four[] = {0.02, 0.02, 0.01, 0.02},
                 two[] = {0.01, 0.01}, five[] = {0.01, 0.02, 0.01, 0.02, 0.01},
                 zeros[] = {0.0, 0.0, 0.1}, mixed[] = {1, 1, -1, 2, 2, 2, 0, 3};
    double d3[60];
    for (int i = 0; i < 60; i++)
        d3[i] = -1 + 3.0 * i / 59;
    assert_true(fabs(knob__wilcoxon_greater(d1, 6) - 0.046875) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(d2, 12) - 0.00341796875) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(d3, 60) - 0.00013422010817876632) < 1e-9);
    assert_true(fabs(knob__wilcoxon_greater(equal, 4) - 0.0625) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(four, 4) - 0.0625) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(two, 2) - 0.25) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(five, 5) - 0.03125) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(zeros, 3) - 0.5) < 1e-12);
    assert_true(fabs(knob__wilcoxon_greater(mixed, 8) - 0.03125) < 1e-12);
}

/* Interpolating between values of opposite signs near 1.7e308: b - a overflowed, so the
 * median of -1.7e308 and 1.7e308 was inf, and a trial reporting 1e308 was kept (the
 * percentile pruner too, with the 25th percentile of -1.7e308, 1.7e308, 1.7e308). */
static void percentile_between_huge_values(void **state)
{
    (void)state;
    double two[] = {1.7e308, -1.7e308}, three[] = {1.7e308, -1.7e308, 1.7e308};
    assert_true(knob__percentile(two, 2, 50) == 0);
    assert_true(fabs(knob__percentile(two, 2, 75) - 0.85e308) < 1e294);
    assert_true(knob__percentile(three, 3, 25) == 0);
    const double lo[] = {-1.7e308}, hi[] = {1.7e308}, mid[] = {1e308};
    env e = make("memory:", "mh", "median", "n_startup_trials=2", KNOB_MINIMIZE);
    complete(e.s, lo, 1);
    complete(e.s, hi, 1);
    assert_int_equal(run(e.s, mid, 1), 0);
    done(&e);
    e = make("memory:", "ph", "percentile", "percentile=25,n_startup_trials=3", KNOB_MINIMIZE);
    complete(e.s, lo, 1);
    complete(e.s, hi, 1);
    complete(e.s, hi, 1);
    assert_int_equal(run(e.s, mid, 1), 0);
    done(&e);
}

/* Values near 1e308: their sum overflowed, so the average of a worse trial and of the best
 * were both inf, "as good as the best's", and the trial was never stopped; two differences
 * overflowed to infinities of both signs, tied, and the p-value was 0.5 where it is 3/8. */
static void wilcoxon_values_near_the_largest_double(void **state)
{
    (void)state;
    double best[10], worse[10];
    for (int i = 0; i < 10; i++) {
        best[i] = 1e308;
        worse[i] = 1.5e308;
    }
    env e = make("memory:", "wh", "wilcoxon", "p_threshold=0.1", KNOB_MINIMIZE);
    complete(e.s, best, 10);
    assert_int_equal(run(e.s, worse, 10), 3); /* p = 1/16 at the fourth step */
    done(&e);
    /* differences 3.2e308, -2.2e308 and 1: ranks 3, 2 and 1 */
    const double b[] = {-1.7e308, 1.7e308, 0, 0}, v[] = {1.5e308, -0.5e308, 1, 1};
    e = make("memory:", "wd", "wilcoxon", "p_threshold=0.45", KNOB_MINIMIZE);
    complete(e.s, b, 4);
    assert_int_equal(run(e.s, v, 3), 2);
    done(&e);
}

static void wilcoxon_prunes_worse_instances(void **state)
{
    (void)state;
    env e = make("memory:", "w", "wilcoxon", "p_threshold=0.1", KNOB_MINIMIZE);
    double best[20], worse[20], same[20];
    for (int i = 0; i < 20; i++) {
        best[i] = 1 + 0.1 * (i % 5);
        worse[i] = best[i] + 0.05 + 0.01 * (i % 3);
        same[i] = best[i] + (i % 2 ? 0.02 : -0.02);
    }
    complete(e.s, best, 20);
    int64_t at = run(e.s, worse, 20);
    assert_true(at >= 3 && at < 8);
    assert_int_equal(run(e.s, same, 20), -1);
    done(&e);
}

/* The benchmark is the best feasible trial, as Optuna's study.best_trial: a lower curve
 * whose trial violates a constraint prunes nothing (it pruned the worse one at step 3-7);
 * with a feasible one beside it, the same curve prunes as before. */
static void wilcoxon_compares_with_a_feasible_trial(void **state)
{
    (void)state;
    env e = make("memory:", "wf", "wilcoxon", "p_threshold=0.1", KNOB_MINIMIZE);
    double best[20], worse[20];
    for (int i = 0; i < 20; i++) {
        best[i] = 1 + 0.1 * (i % 5);
        worse[i] = best[i] + 0.05 + 0.01 * (i % 3);
    }
    knob_trial *t;
    const double violated = 1;
    assert_int_equal(knob_study_ask(e.s, &t), KNOB_OK);
    for (int i = 0; i < 20; i++)
        assert_int_equal(knob_trial_report(t, i, best[i]), KNOB_OK);
    assert_int_equal(knob_trial_set_constraints(t, &violated, 1), KNOB_OK);
    assert_int_equal(knob_study_tell(e.s, t, KNOB_TRIAL_COMPLETE, &best[19], 1), KNOB_OK);
    assert_int_equal(run(e.s, worse, 20), -1);
    complete(e.s, best, 20);
    int64_t at = run(e.s, worse, 20);
    assert_true(at >= 3 && at < 8);
    done(&e);
}

static void curve_extrapolation(void **state)
{
    (void)state;
    env e = make("memory:", "c", "curve", "n_startup_trials=1,min_points=5", KNOB_MAXIMIZE);
    double good[40], poor[40], rising[40];
    for (int k = 0; k < 40; k++) {
        good[k] = 0.95 - 0.5 * exp(-0.2 * k);
        poor[k] = 0.60 - 0.3 * exp(-0.3 * k) + 0.002 * ((k * 7) % 3);
        rising[k] = 1.05 - 0.6 * pow(k + 1, -0.5);
    }
    complete(e.s, good, 40);
    /* Saturates near 0.6, far below 0.95: stopped early. */
    int64_t at = run(e.s, poor, 40);
    assert_true(at >= 4 && at < 15);
    /* A power law that ends at 1.05 - 0.6/sqrt(40) = 0.955, just above the best: kept
     * although it starts far below. */
    assert_int_equal(run(e.s, rising, 40), -1);
    done(&e);
}

/* A noisy curve that saturates slowly and ends above the best trial: a single fit of its
 * first points (noise of +-0.02 over a rise of 0.07) extrapolated an early plateau with
 * confidence and stopped it at step 4. Leaving points out moves that extrapolation a
 * lot, so the jackknife's band reaches the best and the trial is kept. A curve that
 * stays far below is still stopped early. */
static void curve_jackknife_keeps_a_noisy_curve(void **state)
{
    (void)state;
    env e = make("memory:", "cj", "curve", "n_startup_trials=1,min_points=5", KNOB_MAXIMIZE);
    double good[40], noisy[40], flat[40];
    for (int k = 0; k < 40; k++) {
        good[k] = 0.90 - 0.5 * exp(-0.2 * k);
        noisy[k] = 0.95 - 0.8 * exp(-0.088 * k) + 0.02 * ((k * 7) % 3 - 1);
        flat[k] = 0.30 - 0.1 * exp(-0.3 * k) + 0.002 * ((k * 7) % 3);
    }
    assert_true(noisy[39] > good[39]);
    complete(e.s, good, 40);
    assert_int_equal(run(e.s, noisy, 40), -1);
    int64_t at = run(e.s, flat, 40);
    assert_true(at >= 4 && at < 15);
    done(&e);
}

static void several_objectives(void **state)
{
    (void)state;
    knob_storage *st;
    knob_pruner *p;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_pruner_create("median", "n_startup_trials=1,objective=1", &p), 0);
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .pruner = p};
    assert_int_equal(knob_study_create(st, "mo", &o, &s), KNOB_OK);
    knob_trial *t;
    bool stop;
    double v[2] = {1, 0.9};
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_trial_report(t, 0, 0.9);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
    /* Objective 1 is maximized: 0.5 at step 0 is below the median 0.9. */
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_trial_report(t, 0, 0.5);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_true(stop);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    knob_study_free(s);
    /* An objective past the study's is refused where the study is made or loaded with the
     * pruner (it failed the first trial that asked should_prune), and a new study is not
     * stored. */
    const char *how[] = {"create", "create_new", "load"};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(knob_pruner_create("median", "objective=2", &p), KNOB_OK);
        o.pruner = p;
        s = NULL;
        int rc = k == 0   ? knob_study_create(st, "mo", &o, &s)
                 : k == 1 ? knob_study_create_new(st, "mo_new", &o, &s)
                          : knob_study_load(st, "mo", &o, &s);
        if (rc != KNOB_EINVAL)
            fail_msg("%s: rc %d", how[k], rc);
        assert_null(s);
        assert_non_null(strstr(knob_errmsg(), "pruner 'median' has option objective=2, but "
                                              "the study has 2 objective(s)"));
    }
    assert_int_equal(knob_study_load(st, "mo_new", NULL, &s), KNOB_ENOTFOUND);
    /* An objective set on the study's pruner later is still checked when it is used. */
    o.pruner = NULL;
    assert_int_equal(knob_pruner_create("median", NULL, &o.pruner), KNOB_OK);
    assert_int_equal(knob_study_create(st, "mo", &o, &s), KNOB_OK);
    assert_int_equal(knob_pruner_set_option(knob_study_pruner(s), "objective", "2"), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    knob_trial_report(t, 0, 0.5);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "objective=2"));
    knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Reports curve[0..n) at steps 0..n-1 as the values of the objective the pruner reads;
 * true when the pruner says stop at the last one. The trial is then told PRUNED. */
static bool stops_at_end(knob_study *s, const double *curve, size_t n)
{
    knob_trial *t;
    bool stop = false;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(knob_trial_report(t, (int64_t)i, curve[i]), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_PRUNED, NULL, 0), KNOB_OK);
    return stop;
}

/* A patient pruner's wrapped pruner judges the objective patient reads: it read its own
 * option objective (0 by default) whatever patient's was, so with objective 1 maximized
 * the median compared a falling gain as a falling loss and let it run. An objective given
 * to the wrapped pruner that is not patient's is an error naming both. */
static void patient_wrapped_objective(void **state)
{
    (void)state;
    knob_storage *st;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    static const char *const made[] = {
        "objective=1,patience=0,wrapped=median,wrapped_options=[n_startup_trials=1]",
        "objective=1,patience=0,wrapped=median,wrapped_options=[n_startup_trials=1,objective=1]",
        "patience=0,wrapped=median,wrapped_options=[n_startup_trials=1]", /* then set to 1 */
    };
    for (size_t k = 0; k < 3; k++) {
        knob_pruner *p;
        knob_study *s;
        char name[16];
        if (knob_pruner_create("patient", made[k], &p))
            fail_msg("%s: %s", made[k], knob_errmsg());
        if (k == 2)
            assert_int_equal(knob_pruner_set_option(p, "objective", "1"), KNOB_OK);
        knob_study_options o = {.directions = dirs, .n_objectives = 2, .pruner = p};
        snprintf(name, sizeof name, "pw%zu", k);
        assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
        knob_trial *t;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 0.9), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, 0.9), KNOB_OK);
        const double v[2] = {1, 0.9};
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, v, 2), KNOB_OK);
        /* the gain falls (patience runs out) and stays below the median's 0.9 */
        const double poor[] = {0.5, 0.4};
        if (!stops_at_end(s, poor, 2))
            fail_msg("%s: the wrapped median did not judge objective 1", made[k]);
        knob_study_free(s);
    }
    static const struct {
        const char *opts, *want;
    } conflicts[] = {
        {"wrapped=median,wrapped_options=[objective=1]",
         "pruner 'patient': its objective is 0 and wrapped_options gives the wrapped pruner "
         "'median' objective=1: the wrapped pruner judges the objective patient reads, so give "
         "objective to patient alone"},
        {"objective=1,wrapped=percentile,wrapped_options=[percentile=25,objective=0]",
         "pruner 'patient': its objective is 1 and wrapped_options gives the wrapped pruner "
         "'percentile' objective=0"},
    };
    for (size_t k = 0; k < 2; k++) {
        knob_pruner *p = NULL;
        assert_int_equal(knob_pruner_create("patient", conflicts[k].opts, &p), KNOB_EINVAL);
        assert_null(p);
        if (!strstr(knob_errmsg(), conflicts[k].want))
            fail_msg("%s: %s", conflicts[k].opts, knob_errmsg());
    }
    knob_storage_close(st);
}

/* A diverged value is judged by the direction of the objective the pruner reads: with
 * objective 1 maximized, -inf is a diverged gain (pruned) and +inf is not, although
 * objective 0 is minimized. */
static void diverged_by_the_pruned_objective(void **state)
{
    (void)state;
    knob_storage *st;
    knob_pruner *p;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    assert_int_equal(knob_pruner_create("median", "n_startup_trials=5,objective=1", &p), KNOB_OK);
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .pruner = p};
    assert_int_equal(knob_study_create(st, "div", &o, &s), KNOB_OK);
    const double values[2] = {-INFINITY, INFINITY};
    const bool pruned[2] = {true, false};
    for (int i = 0; i < 2; i++) {
        knob_trial *t;
        bool stop = !pruned[i];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, values[i]), KNOB_OK);
        assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
        if (stop != pruned[i])
            fail_msg("a report of %g of a maximized objective: pruned %d", values[i], stop);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* The threshold pruner takes `objective` as every other built-in does (it was refused as an
 * unknown option): with objective 1 maximized, +inf is a gain its bounds judge (kept above
 * lower, stopped above upper) and -inf a diverged run, although objective 0 is minimized; an
 * objective the study lacks is an error when it is asked. */
static void threshold_reads_the_objective(void **state)
{
    (void)state;
    knob_storage *st;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    static const struct {
        const char *opts;
        double last;
        bool pruned;
    } cases[] = {
        {"lower=0,objective=1", INFINITY, false}, {"lower=0,objective=1", -INFINITY, true},
        {"upper=1,objective=1", INFINITY, true},  {"lower=0,objective=1", 0.5, false},
        {"lower=0,objective=1", -0.5, true},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        knob_pruner *p = NULL;
        knob_study *s;
        knob_trial *t;
        char name[16];
        bool stop = !cases[k].pruned;
        if (knob_pruner_create("threshold", cases[k].opts, &p))
            fail_msg("%s: %s", cases[k].opts, knob_errmsg());
        knob_study_options o = {.directions = dirs, .n_objectives = 2, .pruner = p};
        snprintf(name, sizeof name, "thr%zu", k);
        assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 0, 0.5), KNOB_OK);
        assert_int_equal(knob_trial_report(t, 1, cases[k].last), KNOB_OK);
        assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_OK);
        if (stop != cases[k].pruned)
            fail_msg("%s, a report of %g: pruned %d", cases[k].opts, cases[k].last, stop);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
        knob_study_free(s);
    }
    knob_pruner *p = NULL;
    knob_study *s;
    knob_trial *t;
    bool stop = true;
    assert_int_equal(knob_pruner_create("threshold", "upper=1,objective=2", &p), KNOB_OK);
    knob_study_options o = {.directions = dirs, .n_objectives = 2, .pruner = p};
    assert_int_equal(knob_study_create(st, "thr_bad", &o, &s), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'threshold' has option objective=2"));
    assert_int_equal(knob_pruner_create("threshold", "upper=1", &o.pruner), KNOB_OK);
    assert_int_equal(knob_study_create(st, "thr_bad", &o, &s), KNOB_OK);
    assert_int_equal(knob_pruner_set_option(knob_study_pruner(s), "objective", "2"), KNOB_OK);
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    assert_int_equal(knob_trial_report(t, 0, 5), KNOB_OK);
    assert_int_equal(knob_trial_should_prune(t, &stop), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "pruner 'threshold': option objective=2"));
    assert_false(stop);
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0), KNOB_OK);
    knob_study_free(s);
    knob_storage_close(st);
}

/* One process finishes trials; another, on its own connection, is pruned by them. */
static void across_processes(void **state)
{
    (void)state;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("prune.db"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        env e = make(url, "mp", "median", "n_startup_trials=2", KNOB_MINIMIZE);
        const double a[] = {3, 2, 1}, b[] = {4, 3, 2};
        complete(e.s, a, 3);
        complete(e.s, b, 3);
        done(&e);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    env e = make(url, "mp", "median", "n_startup_trials=2", KNOB_MINIMIZE);
    const double bad[] = {9, 9, 9};
    assert_int_equal(run(e.s, bad, 3), 0);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(e.s, &tr, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tr[2]->state, KNOB_TRIAL_PRUNED);
    assert_true(tr[2]->values[0] == 9);
    done(&e);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_decisions),
        cmocka_unit_test(diverged_runs_are_pruned),
        cmocka_unit_test(percentile_maximize),
        cmocka_unit_test(percentile_infinite_values),
        cmocka_unit_test(interval_steps_skip),
        cmocka_unit_test(wandb_hyperband_stops_as_wandb),
        cmocka_unit_test(threshold_bounds),
        cmocka_unit_test(threshold_needs_a_bound),
        cmocka_unit_test(patient_waits),
        cmocka_unit_test(patient_messages),
        cmocka_unit_test(patient_wrapped_objective),
        cmocka_unit_test(asha_promotion_order),
        cmocka_unit_test(asha_finished_trial_records_no_rung),
        cmocka_unit_test(hyperband_brackets),
        cmocka_unit_test(hyperband_brackets_past_2_32),
        cmocka_unit_test(hyperband_top_rung_prunes_nothing),
        cmocka_unit_test(hyperband_brackets_by_one_rule),
        cmocka_unit_test(hyperband_options_set_later),
        cmocka_unit_test(hyperband_prunes_within_bracket),
        cmocka_unit_test(hyperband_tpe_models_each_bracket),
        cmocka_unit_test(wilcoxon_p_values),
        cmocka_unit_test(wilcoxon_prunes_worse_instances),
        cmocka_unit_test(wilcoxon_values_near_the_largest_double),
        cmocka_unit_test(percentile_between_huge_values),
        cmocka_unit_test(wilcoxon_compares_with_a_feasible_trial),
        cmocka_unit_test(curve_extrapolation),
        cmocka_unit_test(curve_jackknife_keeps_a_noisy_curve),
        cmocka_unit_test(several_objectives),
        cmocka_unit_test(diverged_by_the_pruned_objective),
        cmocka_unit_test(threshold_reads_the_objective),
        cmocka_unit_test(across_processes),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
