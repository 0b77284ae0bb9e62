/* gp (and auto, which asks gp) in a thread of a small stack. A gp ask's per-dimension arrays
 * are sized by the space's params, on the heap, not by KNOB__GP_MAX_DIMS on the stack: when
 * that limit went from 64 to 512 params they took 64-100 KiB of stack, and a thread of 64 KiB
 * (half of musl's default for a thread) crashed at the first model ask. Each study here runs
 * in a thread of SMALL_STACK and on this thread, and both ask the same points, bit for bit. */
#include "testutil.h"
#include "knob.h"

#include <pthread.h>

/* An ask now needs about 20 KiB of it, 40 KiB with AddressSanitizer's red zones. */
#define SMALL_STACK (64 * 1024)

#define N_TRIALS 16
#define N_PARAMS 5

typedef struct run {
    const char *sampler, *options;
    int n_obj;
    bool constrained; /* one constraint value a trial */
    bool warm;        /* a source study "source" of random trials first */
    bool bound;       /* knob_study_regret_bound after the trials */
    /* what the run gives */
    int rc, bound_rc;
    double params[N_TRIALS][N_PARAMS];
    double bound_value;
} run;

/* A float, a log float, an int, a stepped float and a categorical, as the space's kinds. */
static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    run *r = ctx;
    static const char *const choices[] = {"a", "b", "c"};
    double x, y, z;
    int64_t k;
    size_t c;
    if (knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 1e-4, 1, 0, KNOB_LOG, &y) ||
        knob_trial_suggest_int(t, "k", 0, 20, 1, 0, &k) ||
        knob_trial_suggest_float(t, "z", 0, 1, 0.1, 0, &z) ||
        knob_trial_suggest_categorical(t, "c", choices, 3, &c))
        return KNOB_TRIAL_FAIL;
    int64_t i = knob_trial_number(t);
    if (i >= 0 && i < N_TRIALS) {
        double *p = r->params[i];
        p[0] = x;
        p[1] = y;
        p[2] = (double)k;
        p[3] = z;
        p[4] = (double)c;
    }
    values[0] = (x - 1.3) * (x - 1.3) + 3 * fabs(log10(y) + 2) + 0.1 * (double)((k - 7) * (k - 7)) +
                z + 0.5 * (double)c;
    if (r->n_obj > 1)
        values[1] = x * x + (double)k;
    double cv = x - 2;
    if (r->constrained && knob_trial_set_constraints(t, &cv, 1))
        return KNOB_TRIAL_FAIL;
    return KNOB_TRIAL_COMPLETE;
}

/* The source of a warm start: random trials of the same objective. */
static int source(knob_storage *st, run *r)
{
    knob_sampler *sp;
    knob_study *s;
    run scratch = {.n_obj = r->n_obj};
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = (size_t)r->n_obj};
    int rc = knob_sampler_create("random", "seed=11", &sp);
    if (rc)
        return rc;
    o.sampler = sp;
    if ((rc = knob_study_create(st, "source", &o, &s)))
        return rc;
    rc = knob_study_optimize(s, objective, &scratch, 24);
    knob_study_free(s);
    return rc;
}

static void study_run(run *r)
{
    knob_storage *st;
    knob_sampler *sp;
    knob_study *s;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = (size_t)r->n_obj};
    r->bound_rc = -1;
    if ((r->rc = knob_storage_open("memory:", &st)))
        return;
    if (r->warm && (r->rc = source(st, r))) {
        knob_storage_close(st);
        return;
    }
    if ((r->rc = knob_sampler_create(r->sampler, r->options, &sp))) {
        knob_storage_close(st);
        return;
    }
    o.sampler = sp;
    if (!(r->rc = knob_study_create(st, "study", &o, &s))) {
        r->rc = knob_study_optimize(s, objective, r, N_TRIALS);
        if (!r->rc && r->bound)
            r->bound_rc = knob_study_regret_bound(s, (size_t)-1, 7, &r->bound_value);
        knob_study_free(s);
    }
    knob_storage_close(st);
}

static void *study_thread(void *arg)
{
    study_run(arg);
    return NULL;
}

/* The run of *r in a thread of SMALL_STACK bytes of stack, and on this thread: both succeed
 * and ask alike. */
static void small_stack_asks_alike(run *r)
{
    run big = *r;
    study_run(&big);
    assert_int_equal(big.rc, KNOB_OK);
    pthread_attr_t attr;
    pthread_t th;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
    assert_int_equal(pthread_create(&th, &attr, study_thread, r), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
    print_message("%s (%s): %d objective(s)%s%s, in %d KiB of stack\n", r->sampler, r->options,
                  r->n_obj, r->constrained ? ", constrained" : "", r->warm ? ", warm" : "",
                  SMALL_STACK / 1024);
    assert_int_equal(r->rc, KNOB_OK);
    assert_memory_equal(r->params, big.params, sizeof r->params);
    if (r->bound) {
        assert_int_equal(r->bound_rc, KNOB_OK);
        assert_int_equal(big.bound_rc, KNOB_OK);
        assert_true(r->bound_value == big.bound_value);
    }
}

static void gp_in_a_small_stack(void **state)
{
    (void)state;
    run runs[] = {
        {.sampler = "gp", .options = "seed=3", .n_obj = 1, .bound = true},
        {.sampler = "gp",
         .options = "seed=4,warp_inputs=true,terrace=2",
         .n_obj = 1,
         .constrained = true},
        {.sampler = "gp", .options = "seed=5", .n_obj = 2, .constrained = true},
        {.sampler = "gp", .options = "seed=6,trust_region=true", .n_obj = 1},
        {.sampler = "gp",
         .options = "seed=7,warm_start_study=source,warm_start_shift=true,warm_start_refine=2,"
                    "warm_start_local=1,warm_start_rank=true",
         .n_obj = 1,
         .warm = true},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        small_stack_asks_alike(&runs[i]);
}

static void auto_in_a_small_stack(void **state)
{
    (void)state;
    run runs[] = {
        {.sampler = "auto", .options = "seed=3", .n_obj = 1},
        {.sampler = "auto", .options = "seed=8,warm_start_study=source", .n_obj = 1, .warm = true},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        small_stack_asks_alike(&runs[i]);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gp_in_a_small_stack),
        cmocka_unit_test(auto_in_a_small_stack),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
