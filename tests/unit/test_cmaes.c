/* CMA-ES: solves a rotated ellipsoid, handles ints, reproduces, restarts, starts warm from
 * another study. */
#include "testutil.h"
#include "knob.h"

#include <math.h>

#define DIM 5

/* A rotated, shifted ellipsoid with condition number 1e4 on [-5, 5]^5. */
static double ellipsoid(const double *x)
{
    static const double shift[DIM] = {1.0, -2.0, 0.5, 3.0, -1.5};
    double y[DIM], f = 0;
    for (int i = 0; i < DIM; i++)
        y[i] = x[i] - shift[i];
    /* rotation: a fixed product of Givens rotations by 0.5 rad in each plane (i, i+1) */
    for (int i = 0; i + 1 < DIM; i++) {
        double c = cos(0.5), s = sin(0.5), a = y[i], b = y[i + 1];
        y[i] = c * a - s * b;
        y[i + 1] = s * a + c * b;
    }
    for (int i = 0; i < DIM; i++)
        f += pow(1e4, (double)i / (DIM - 1)) * y[i] * y[i];
    return f;
}

static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    double x[DIM];
    char name[8];
    (void)ctx;
    for (int i = 0; i < DIM; i++) {
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 5, 0, 0, &x[i]))
            return KNOB_TRIAL_FAIL;
    }
    values[0] = ellipsoid(x);
    return KNOB_TRIAL_COMPLETE;
}

/* The same ellipsoid without the rotation: separable. */
static knob_trial_state axis_objective(knob_trial *t, void *ctx, double *values)
{
    double f = 0;
    char name[8];
    (void)ctx;
    for (int i = 0; i < DIM; i++) {
        double x;
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 5, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        f += pow(1e4, (double)i / (DIM - 1)) * (x - 1) * (x - 1);
    }
    values[0] = f;
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *cma_study(knob_storage *st, const char *opts)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_sampler_create("cmaes", opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    assert_int_equal(knob_study_create(st, "cma", &o, &s), KNOB_OK);
    return s;
}

static void solves_rotated_ellipsoid(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=1,restart_strategy=none");
    assert_int_equal(knob_study_optimize(s, objective, NULL, 1500), KNOB_OK);
    double best;
    assert_int_equal(knob_study_best_value(s, &best), KNOB_OK);
    print_message("cmaes best after 1500 trials: %g\n", best);
    assert_true(best < 1e-6);
    knob_study_free(s);
    knob_storage_close(st);
}

static void separable_makes_progress(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *r;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=2,separable=true,restart_strategy=none");
    assert_int_equal(knob_study_optimize(s, axis_objective, NULL, 400), KNOB_OK);
    knob_sampler *rs;
    knob_sampler_create("random", "seed=2", &rs);
    knob_study_options o = {.sampler = rs};
    assert_int_equal(knob_study_create(st, "rnd", &o, &r), KNOB_OK);
    assert_int_equal(knob_study_optimize(r, axis_objective, NULL, 400), KNOB_OK);
    double bc, br;
    knob_study_best_value(s, &bc);
    knob_study_best_value(r, &br);
    print_message("sep-cmaes %g, random %g after 400 trials\n", bc, br);
    assert_true(bc < br / 100);
    knob_study_free(s);
    knob_study_free(r);
    knob_storage_close(st);
}

/* Integers: the margin keeps the search moving to the optimum 7 of each coordinate. */
static knob_trial_state int_objective(knob_trial *t, void *ctx, double *values)
{
    (void)ctx;
    double f = 0;
    char name[8];
    for (int i = 0; i < 4; i++) {
        int64_t k;
        snprintf(name, sizeof name, "k%d", i);
        if (knob_trial_suggest_int(t, name, 0, 20, 1, 0, &k))
            return KNOB_TRIAL_FAIL;
        f += (double)((k - 7) * (k - 7)) * (i + 1);
    }
    values[0] = f;
    return KNOB_TRIAL_COMPLETE;
}

static void integers_reach_optimum(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=3");
    assert_int_equal(knob_study_optimize(s, int_objective, NULL, 300), KNOB_OK);
    double best;
    knob_study_best_value(s, &best);
    assert_true(best == 0);
    knob_study_free(s);
    knob_storage_close(st);
}

/* How many trials each generation has ("cma:gen" of the trials); returns the number of
 * generations. */
static int generation_sizes(knob_study *s, int *size, int cap)
{
    const knob_trial_info *const *tr;
    size_t n;
    int gens = 0;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    memset(size, 0, (size_t)cap * sizeof *size);
    for (size_t i = 0; i < n; i++) {
        const char *g = knob_trial_info_attr(tr[i], "cma:gen", true);
        if (!g)
            continue;
        int k = atoi(g);
        assert_true(k >= 0 && k < cap);
        size[k]++;
        gens = k + 1 > gens ? k + 1 : gens;
    }
    return gens;
}

/* On this integer problem the run stalls at the optimum; after 10 + 30 n / lambda = 25
 * generations without a change in the best value (Hansen's rule) IPOP starts a new run
 * with twice the population. So the generations of 8 trials (lambda = 4 + 3 ln 4) are
 * followed by generations of 16: with seed 4 the first of them starts at trial 337.
 * Without restarts every generation has 8 trials. The same seed replays the same trials. */
enum { RESTART_TRIALS = 400 };

static void reproducible_and_restarts(void **state)
{
    (void)state;
    static double first[RESTART_TRIALS][4];
    int size[512];
    for (int k = 0; k < 3; k++) {
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study *s =
            cma_study(st, k < 2 ? "seed=4,restart_strategy=ipop" : "seed=4,restart_strategy=none");
        assert_int_equal(knob_study_optimize(s, int_objective, NULL, RESTART_TRIALS), KNOB_OK);
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, RESTART_TRIALS);
        for (size_t i = 0; k < 2 && i < n; i++)
            for (int j = 0; j < 4; j++) {
                char name[8];
                snprintf(name, sizeof name, "k%d", j);
                double v = knob_trial_info_param(tr[i], name)->internal;
                if (k == 1)
                    assert_true(v == first[i][j]);
                first[i][j] = v;
            }
        int gens = generation_sizes(s, size, 512), restarted = -1;
        for (int g = 0; g < gens && restarted < 0; g++)
            if (size[g] != 8)
                restarted = g;
        print_message("%s: %d generations, the first not of 8 trials: %d (%d trials)\n",
                      k < 2 ? "ipop" : "none", gens, restarted,
                      restarted < 0 ? 0 : size[restarted]);
        if (k < 2) {
            /* the first run's generations have 8 trials, then complete ones of 16 */
            assert_true(restarted > 25);
            assert_true(restarted + 1 < gens - 1);
            assert_int_equal(size[restarted], 16);
            assert_int_equal(size[restarted + 1], 16);
        } else {
            /* the last generation may be unfinished */
            assert_true(restarted < 0 || restarted == gens - 1);
            for (int g = 0; g < gens; g++)
                assert_true(size[g] <= 8);
        }
        double best;
        assert_int_equal(knob_study_best_value(s, &best), KNOB_OK);
        assert_true(best == 0);
        knob_study_free(s);
        knob_storage_close(st);
    }
    knob_sampler *bad;
    assert_int_equal(knob_sampler_create("cmaes", "restart_strategy=often", &bad), KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("cmaes", "x0=notjson", &bad), KNOB_EINVAL);
}

/* Trials 1..12 of seed 7 on a 2-D bowl (trial 0 is random, then two generations of six,
 * the second after one update), frozen: printed
 * by this implementation (KNOB_PRINT_GOLDEN=1) and pasted here. The eigendecomposition
 * may differ in the last bits between LAPACK builds, hence the tolerance. */
static knob_trial_state bowl2(knob_trial *t, void *ctx, double *values)
{
    double x, y;
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", -3, 3, 0, 0, &x) ||
        knob_trial_suggest_float(t, "y", 1e-3, 1e3, 0, KNOB_LOG, &y))
        return KNOB_TRIAL_FAIL;
    values[0] = (x - 1) * (x - 1) + pow(log10(y) - 1, 2);
    return KNOB_TRIAL_COMPLETE;
}

static void golden_sequence(void **state)
{
    (void)state;
    static const double golden[12][2] = {
        {-0.27962974486376968, 0.056756152389973183}, {2.0535261188159986, 0.031347852983345567},
        {2.3379797588260605, 0.027542986303189868},   {-1.2226360887627865, 0.28997437039176172},
        {-0.52444376259586045, 5.6694635400943501},   {-0.7144091077353858, 1.009844561121332},
        {0.10618440626433223, 0.33298178780558113},   {0.029969642465417223, 3.951452172102087},
        {-1.192480223128694, 3.0496085316923667},     {-1.1820686508863807, 0.21199549969737666},
        {-2.219335682625593, 1.9236481502730107},     {-1.0156716889206332, 28.089835804825206},
    };
    bool print = getenv("KNOB_PRINT_GOLDEN") != NULL;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=7");
    assert_int_equal(knob_study_optimize(s, bowl2, NULL, 13), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    for (size_t i = 1; i < 13; i++) {
        double x = knob_trial_info_param(tr[i], "x")->internal;
        double y = knob_trial_info_param(tr[i], "y")->internal;
        if (print)
            printf("{%.17g, %.17g},\n", x, y);
        else
            assert_true(fabs(x - golden[i - 1][0]) < 1e-9 && fabs(y / golden[i - 1][1] - 1) < 1e-9);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trials asked together, none told yet, get distinct points (each its own draw of the
 * generation), and so do workers of one study. */
static void parallel_asks_distinct(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=8");
    assert_int_equal(knob_study_optimize(s, bowl2, NULL, 3), KNOB_OK);
    knob_sampler *sp;
    assert_int_equal(knob_sampler_create("cmaes", "seed=8", &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp};
    knob_study *w;
    assert_int_equal(knob_study_create(st, "cma", &o, &w), KNOB_OK);
    knob_trial *t[8];
    double x[8], y[8];
    for (int i = 0; i < 8; i++) {
        assert_int_equal(knob_study_ask(i % 2 ? w : s, &t[i]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t[i], "x", -3, 3, 0, 0, &x[i]), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t[i], "y", 1e-3, 1e3, 0, KNOB_LOG, &y[i]),
                         KNOB_OK);
    }
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < i; j++)
            assert_false(x[i] == x[j] && y[i] == y[j]);
    for (int i = 0; i < 8; i++) {
        double v = x[i] * x[i];
        assert_int_equal(knob_study_tell(i % 2 ? w : s, t[i], KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_study_free(w);
    knob_study_free(s);
    knob_storage_close(st);
}

/* ---------------------------------------------------------------- warm start */

/* A sphere on [-5, 5]^4 centred at ctx->at, negated when ctx->sign is -1 (maximized). */
typedef struct task {
    double at[4], sign;
} task;

static knob_trial_state task_objective(knob_trial *t, void *ctx, double *values)
{
    const task *k = ctx;
    double f = 0;
    char name[8];
    for (int i = 0; i < 4; i++) {
        double x;
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -5, 5, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        f += (x - k->at[i]) * (x - k->at[i]);
    }
    values[0] = k->sign * f;
    return KNOB_TRIAL_COMPLETE;
}

static knob_study *named_study(knob_storage *st, const char *name, const char *sampler,
                               const char *opts, knob_direction dir)
{
    knob_sampler *sp;
    knob_study *s;
    assert_int_equal(knob_sampler_create(sampler, opts, &sp), KNOB_OK);
    knob_study_options o = {.sampler = sp, .directions = &dir, .n_objectives = 1};
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* The mean of the params x0..x3 of trials from..to-1. */
static void centroid(const knob_trial_info *const *tr, size_t from, size_t to, double *c)
{
    for (int j = 0; j < 4; j++) {
        char pn[8];
        snprintf(pn, sizeof pn, "x%d", j);
        c[j] = 0;
        for (size_t i = from; i < to; i++)
            c[j] += knob_trial_info_param(tr[i], pn)->internal / (double)(to - from);
    }
}

/* The centroid of a CMA-ES study's first generation (trial 0 is random, then lambda). */
static void first_generation_centroid(knob_study *s, size_t lambda, double *c)
{
    const knob_trial_info *const *tr;
    size_t n;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    assert_true(n >= lambda + 1);
    for (size_t i = 1; i <= lambda; i++)
        assert_string_equal(knob_trial_info_attr(tr[i], "cma:gen", true), "0");
    centroid(tr, 1, lambda + 1, c);
}

static int by_value(const void *a, const void *b)
{
    double x = (*(const knob_trial_info *const *)a)->values[0];
    double y = (*(const knob_trial_info *const *)b)->values[0];
    return (x > y) - (x < y);
}

/* The mean of the params of a minimizing study's `top` best complete trials. */
static void best_mean(knob_study *s, size_t top, double *c)
{
    const knob_trial_info *const *tr;
    size_t n, m = 0;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    const knob_trial_info **done = malloc((n + 1) * sizeof *done);
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE)
            done[m++] = tr[i];
    assert_true(m >= top);
    qsort(done, m, sizeof *done, by_value);
    centroid(done, 0, top, c);
    free(done);
}

static double distance4(const double *a, const double *b)
{
    double d2 = 0;
    for (int j = 0; j < 4; j++)
        d2 += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(d2);
}

/* A source study (maximizing the negated sphere at (3, -3, 2, -2)) warms a new one on a
 * sphere nearby: the first generation is already centred near the optimum, and after 40
 * trials the warm search is far ahead of a cold one, on every seed. */
static void warm_start_from_another_study(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    task src_task = {{3, -3, 2, -2}, -1}, dst_task = {{3.2, -2.8, 2.1, -2.2}, 1};
    knob_study *src = named_study(st, "source", "random", "seed=9", KNOB_MAXIMIZE);
    assert_int_equal(knob_study_optimize(src, task_objective, &src_task, 300), KNOB_OK);
    knob_study_free(src);
    for (int seed = 1; seed <= 5; seed++) {
        char opts[128];
        double best[2];
        for (int warm = 0; warm < 2; warm++) {
            snprintf(opts, sizeof opts, "seed=%d%s", seed, warm ? ",warm_start_study=source" : "");
            char name[32];
            snprintf(name, sizeof name, "target-%d-%d", seed, warm);
            knob_study *s = named_study(st, name, "cmaes", opts, KNOB_MINIMIZE);
            assert_int_equal(knob_study_optimize(s, task_objective, &dst_task, 40), KNOB_OK);
            assert_int_equal(knob_study_best_value(s, &best[warm]), KNOB_OK);
            if (warm) {
                /* trials 1..8 are the first generation (lambda = 4 + 3 ln 4 = 8) */
                double c[4];
                first_generation_centroid(s, 8, c);
                double d = distance4(c, src_task.at);
                print_message("seed %d: first generation's centroid %.2f from the source "
                              "optimum (the centre of the space is 5.10 from it)\n",
                              seed, d);
                assert_true(d < 2.5);
            }
            knob_study_free(s);
        }
        print_message("seed %d: best after 40 trials, cold %g, warm %g\n", seed, best[0], best[1]);
        assert_true(best[1] < best[0]);
    }
    knob_storage_close(st);
}

static void warm_start_errors(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *bad;
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_study=a,x0={\"x0\":1}", &bad),
                     KNOB_EINVAL);
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_gamma=0", &bad), KNOB_EINVAL);
    /* a param given twice in x0 kept its first value, where a JSON reader keeps the last */
    assert_int_equal(knob_sampler_create("cmaes", "x0={\"x\":1,\"y\":2,\"x\":4}", &bad),
                     KNOB_EINVAL);
    assert_string_equal(knob_errmsg(),
                        "sampler 'cmaes': option 'x0': param 'x' is given twice; give it once");
    /* sigma0 beside a warm start is taken: it is the restarts' step (and the first run's when
     * the source teaches nothing) */
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_study=a,sigma0=0.3", &bad), KNOB_OK);
    knob_sampler_free(bad);
    /* the options of the warm start without one: refused, as they would be unused */
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_gamma=0.5", &bad), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "sampler 'cmaes': option 'warm_start_gamma' (0.5) acts "
                                          "only with 'warm_start_study'"));
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_alpha=0.2", &bad), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "'warm_start_alpha'"));
    assert_int_equal(knob_sampler_create("cmaes", "warm_start_study=a,warm_start_alpha=0.2", &bad),
                     KNOB_OK);
    knob_sampler_free(bad);
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    task t = {{0, 0, 0, 0}, 1};
    /* no such study: the first ask says which (not the first CMA-ES ask, after a trial) */
    knob_study *s =
        named_study(st, "w1", "cmaes", "seed=1,warm_start_study=nowhere", KNOB_MINIMIZE);
    knob_trial *tr;
    assert_int_not_equal(knob_study_ask(s, &tr), KNOB_OK);
    assert_non_null(strstr(knob_errmsg(), "nowhere"));
    knob_study_free(s);
    /* a study without these params */
    knob_study *other = named_study(st, "other", "random", "seed=1", KNOB_MINIMIZE);
    assert_int_equal(knob_study_optimize(other, int_objective, NULL, 5), KNOB_OK);
    knob_study_free(other);
    /* ... or an empty one: a cold start, as gp's, tpe's and smac's (every ask after the
     * first failed) */
    knob_study *empty = named_study(st, "empty", "random", "seed=1", KNOB_MINIMIZE);
    knob_study_free(empty);
    knob_study *cold = named_study(st, "cold", "cmaes", "seed=1", KNOB_MINIMIZE);
    assert_int_equal(knob_study_optimize(cold, task_objective, &t, 12), KNOB_OK);
    const knob_trial_info *const *want, *const *got;
    size_t n_want, n_got;
    assert_int_equal(knob_study_trials(cold, &want, &n_want), KNOB_OK);
    const char *sources[] = {"other", "empty"};
    for (int k = 0; k < 2; k++) {
        char o[64];
        snprintf(o, sizeof o, "seed=1,warm_start_study=%s", sources[k]);
        s = named_study(st, k ? "w2-empty" : "w2", "cmaes", o, KNOB_MINIMIZE);
        if (knob_study_optimize(s, task_objective, &t, 12))
            fail_msg("a warm start from '%s': %s", sources[k], knob_errmsg());
        assert_int_equal(knob_study_trials(s, &got, &n_got), KNOB_OK);
        assert_int_equal(n_got, n_want);
        for (size_t i = 0; i < n_got; i++)
            for (size_t j = 0; j < want[i]->n_params; j++)
                assert_true(got[i]->params[j].internal == want[i]->params[j].internal);
        knob_study_free(s);
    }
    knob_study_free(cold);
    /* The source in another storage (an SQLite file), on a sphere at (3, 3, 3, 3): its
     * best trials lie far from the centre of the space. */
    char url[4200], opts[4300];
    snprintf(url, sizeof url, "sqlite:///%s", knob_test_path("cma-source.db"));
    knob_storage *other_st;
    assert_int_equal(knob_storage_open(url, &other_st), KNOB_OK);
    task off = {{3, 3, 3, 3}, 1};
    knob_study *far_src = named_study(other_st, "far", "random", "seed=2", KNOB_MINIMIZE);
    assert_int_equal(knob_study_optimize(far_src, task_objective, &off, 50), KNOB_OK);
    /* WS-CMA-ES centres the first run on the mean of the source's best ceil(0.1 m) trials */
    double promising[4];
    best_mean(far_src, 5, promising);
    knob_study_free(far_src);
    knob_storage_close(other_st);
    /* A warm start read through warm_start_storage puts the first generation around that
     * mean; a cold start on the same seed puts it around the centre, 4.2 away. With 32
     * points a generation's centroid is within 1.9 of where it is centred (seeds 1..1000:
     * warm 0.05..1.91 from the promising mean, cold 3.2..5.3). */
    double d[2];
    for (int warm = 0; warm < 2; warm++) {
        snprintf(opts, sizeof opts, "seed=1,popsize=32%s%s",
                 warm ? ",warm_start_study=far,warm_start_storage=" : "", warm ? url : "");
        s = named_study(st, warm ? "w3" : "w3-cold", "cmaes", opts, KNOB_MINIMIZE);
        assert_int_equal(knob_study_optimize(s, task_objective, &off, 40), KNOB_OK);
        double c[4];
        first_generation_centroid(s, 32, c);
        d[warm] = distance4(c, promising);
        knob_study_free(s);
    }
    print_message("first generation's centroid from the source's promising mean: warm %.2f, "
                  "cold %.2f\n",
                  d[1], d[0]);
    assert_true(d[1] < 2.5);
    assert_true(d[0] > 2.5);
    s = named_study(st, "w4", "cmaes",
                    "seed=1,warm_start_study=far,"
                    "warm_start_storage=nosuch:///x",
                    KNOB_MINIMIZE);
    assert_int_not_equal(knob_study_ask(s, &tr), KNOB_OK);
    assert_non_null(strstr(knob_errmsg(), "warm_start_storage"));
    knob_study_free(s);
    knob_storage_close(st);
    unlink(url + strlen("sqlite://"));
}

/* More numerical params than CMA-ES takes (64): every ask after the startup refuses with
 * the limit in its message, and a later ask does not go on with the refused space (it
 * wrote past the state's arrays of 64). */
static void too_many_params_refused_every_ask(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = named_study(st, "wide", "cmaes", "seed=1", KNOB_MINIMIZE);
    for (int i = 0; i < 4; i++) {
        knob_trial *t;
        int rc = knob_study_ask(s, &t);
        if (i == 0) { /* the startup trial is drawn at random */
            assert_int_equal(rc, KNOB_OK);
            double y = 0;
            for (int k = 0; k < 70; k++) {
                char name[8];
                double x;
                snprintf(name, sizeof name, "x%d", k);
                assert_int_equal(knob_trial_suggest_float(t, name, -1, 1, 0, 0, &x), KNOB_OK);
                y += x * x;
            }
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
            continue;
        }
        assert_int_equal(rc, KNOB_EINVAL);
        assert_null(t);
        assert_non_null(strstr(knob_errmsg(), "70 numerical params"));
        assert_non_null(strstr(knob_errmsg(), "at most 64"));
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* sep-CMA-ES over 100 params: a diagonal covariance has no 64 x 64 bound (it was refused as
 * the full one is); the asks after the startup go on and the search improves on its first
 * generation. */
static knob_trial_state wide_objective(knob_trial *t, void *ctx, double *values)
{
    double f = 0;
    char name[8];
    (void)ctx;
    for (int i = 0; i < 100; i++) {
        double x;
        snprintf(name, sizeof name, "x%d", i);
        if (knob_trial_suggest_float(t, name, -1, 1, 0, 0, &x))
            return KNOB_TRIAL_FAIL;
        f += (x - 0.6) * (x - 0.6);
    }
    values[0] = f;
    return KNOB_TRIAL_COMPLETE;
}

static void separable_takes_100_params(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = cma_study(st, "seed=4,separable=true");
    assert_int_equal(knob_study_optimize(s, wide_objective, NULL, 40), KNOB_OK);
    double first;
    assert_int_equal(knob_study_best_value(s, &first), KNOB_OK);
    assert_int_equal(knob_study_optimize(s, wide_objective, NULL, 560), KNOB_OK);
    const knob_trial_info *const *tr;
    size_t n, complete = 0;
    assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
    for (size_t i = 0; i < n; i++)
        complete += tr[i]->state == KNOB_TRIAL_COMPLETE;
    assert_int_equal(complete, 600);
    assert_non_null(knob_trial_info_attr(tr[n - 1], "cma:x", true));
    double best;
    assert_int_equal(knob_study_best_value(s, &best), KNOB_OK);
    print_message("sep-cmaes, 100 params: best %g after 40 trials, %g after 600\n", first, best);
    assert_true(best < first / 4);
    knob_study_free(s);
    knob_storage_close(st);
}

/* x0 with a value outside its param's range, a name no trial has beside a searched param
 * it leaves out (misspelt), a categorical param or a value that is not a number: the first
 * ask of the run fails naming it (each was left out, and the run started from the centre
 * without a word), and so does the next, with no trial made; a good x0 starts there, with a name no
 * trial has yet (a conditional param's) too. x0 that is JSON but no object is refused when the
 * sampler is made. */
static void x0_checked(void **state)
{
    (void)state;
    static const char *const ab[] = {"a", "b"};
    const struct {
        const char *x0, *says;
    } cases[] = {
        {"{\"x\": 5}", "option 'x0': param 'x': 5 is outside its distribution [0, 1]"},
        {"{\"X\": 0.9}", "option 'x0': no trial of this study has a param 'X', and x0 gives "
                         "no value of 'x', which it searches (misspelt?)"},
        {"{\"c\": \"a\"}", "option 'x0': param 'c' is categorical"},
        {"{\"x\": \"a\"}", "option 'x0': param 'x': expected a number, got \"a\""},
        {"{\"x\": 0.9, \"y\": 0.1}", NULL},
        /* a param no trial has yet beside every searched one: a conditional param's value */
        {"{\"x\": 0.9, \"y\": 0.1, \"z\": 2}", NULL},
    };
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char opts[128], name[16];
        snprintf(opts, sizeof opts, "seed=1,sigma0=0.01,x0=%s", cases[i].x0);
        snprintf(name, sizeof name, "x0_%zu", i);
        knob_study *s = named_study(st, name, "cmaes", opts, KNOB_MINIMIZE);
        for (int k = 0; k < 3; k++) {
            knob_trial *t;
            int rc = knob_study_ask(s, &t);
            if (k > 0 && cases[i].says) {
                assert_int_equal(rc, KNOB_EINVAL);
                if (!strstr(knob_errmsg(), cases[i].says))
                    fail_msg("x0 %s: %s", cases[i].x0, knob_errmsg());
                continue;
            }
            assert_int_equal(rc, KNOB_OK);
            double x, y;
            size_t c;
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "c", ab, 2, &c), KNOB_OK);
            if (k > 0) /* sigma0 0.01 around (0.9, 0.1) */
                assert_true(fabs(x - 0.9) < 0.1 && fabs(y - 0.1) < 0.1);
            double v = x + y;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        /* a refused ask makes no trial: each left a failed one */
        const knob_trial_info *const *tr;
        size_t n;
        assert_int_equal(knob_study_trials(s, &tr, &n), KNOB_OK);
        assert_int_equal(n, cases[i].says ? 1 : 3);
        knob_study_free(s);
    }
    knob_storage_close(st);
    knob_sampler *bad = NULL;
    assert_int_equal(knob_sampler_create("cmaes", "x0=[0.5]", &bad), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "x0 must be a JSON object"));
}

/* x0 naming a conditional param (m, only in the other branch) while the first trial took
 * the branch without it, leaving its own param (b) out of x0: with x0_checked (knob run
 * checked the names against its sweep) the asks go on, m's value unused and x started at
 * x0's; without it the name is taken for a misspelt one and the ask refused, as before
 * (the run stopped for good: no trial of the other branch could be made). */
static void x0_checked_conditional(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    for (int checked = 0; checked < 2; checked++) {
        char opts[128];
        snprintf(opts, sizeof opts, "seed=1,sigma0=0.01,x0_checked=%s,x0={\"m\": 0.9, \"x\": 0.2}",
                 checked ? "true" : "false");
        knob_study *s = named_study(st, checked ? "on" : "off", "cmaes", opts, KNOB_MINIMIZE);
        for (int k = 0; k < 3; k++) {
            knob_trial *t;
            int rc = knob_study_ask(s, &t);
            if (k > 0 && !checked) {
                assert_int_equal(rc, KNOB_EINVAL);
                assert_non_null(strstr(knob_errmsg(), "no trial of this study has a param 'm'"));
                continue;
            }
            assert_int_equal(rc, KNOB_OK);
            double x, b;
            assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "b", 0, 1, 0, 0, &b), KNOB_OK);
            if (k > 0) /* sigma0 0.01 around x0's x, b at the middle */
                assert_true(fabs(x - 0.2) < 0.1 && fabs(b - 0.5) < 0.1);
            double v = x + b;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* A population of one has no parent to recombine (mu = lambda / 2 = 0): the weights were
 * 0 / 0 and every ask after the first generation failed with "eigendecomposition failed
 * (LAPACK info -5)". Refused when the sampler is made, naming the option; 2 works. */
static void popsize_one_refused(void **state)
{
    (void)state;
    knob_sampler *bad = NULL;
    assert_int_equal(knob_sampler_create("cmaes", "popsize=1", &bad), KNOB_EINVAL);
    assert_null(bad);
    assert_non_null(strstr(knob_errmsg(), "popsize"));
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = named_study(st, "two", "cmaes", "seed=2,popsize=2", KNOB_MINIMIZE);
    for (int i = 0; i < 12; i++) {
        knob_trial *t;
        double x;
        if (knob_study_ask(s, &t))
            fail_msg("ask %d: %s", i, knob_errmsg());
        assert_int_equal(knob_trial_suggest_float(t, "x", -1, 1, 0, 0, &x), KNOB_OK);
        double y = x * x;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    /* set after creation: refused at the ask */
    assert_int_equal(knob_sampler_set_option(knob_study_sampler(s), "popsize", "1"), KNOB_OK);
    knob_trial *t;
    assert_int_equal(knob_study_ask(s, &t), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "popsize"));
    knob_study_free(s);
    knob_storage_close(st);
}

static knob_trial_state flat_objective(knob_trial *t, void *ctx, double *values)
{
    double x;
    (void)ctx;
    if (knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
        return KNOB_TRIAL_FAIL;
    values[0] = 1;
    return KNOB_TRIAL_COMPLETE;
}

/* BIPOP past the largest population (512): the large regime's population grew on (2, 20,
 * 200, 2000, ...) while its runs stayed at 512, so a large run never matched it, counted
 * as a small one, and no small run came again (and after ~22 restarts the population
 * passed an int). Held at 512, the large run of 512 is followed by small runs again. A
 * flat objective restarts every 10 + 30 / lambda generations. */
enum { BIPOP_TRIALS = 11200 };

static void bipop_small_runs_after_the_cap(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s =
        named_study(st, "flat", "cmaes", "seed=1,popsize=2,inc_popsize=10,restart_strategy=bipop",
                    KNOB_MINIMIZE);
    assert_int_equal(knob_study_optimize(s, flat_objective, NULL, BIPOP_TRIALS), KNOB_OK);
    int *size = malloc(8192 * sizeof *size);
    assert_non_null(size);
    int gens = generation_sizes(s, size, 8192), first_large = -1, small_after = -1;
    for (int g = 0; g < gens - 1; g++) {
        if (size[g] == 512 && first_large < 0)
            first_large = g;
        else if (first_large >= 0 && size[g] < 512 && small_after < 0)
            small_after = g;
    }
    print_message("%d generations; the first of 512 trials: %d; a smaller one after it: %d\n", gens,
                  first_large, small_after);
    free(size);
    assert_true(first_large >= 0);
    assert_true(small_after > first_large);
    knob_study_free(s);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solves_rotated_ellipsoid),
        cmocka_unit_test(separable_makes_progress),
        cmocka_unit_test(separable_takes_100_params),
        cmocka_unit_test(integers_reach_optimum),
        cmocka_unit_test(reproducible_and_restarts),
        cmocka_unit_test(golden_sequence),
        cmocka_unit_test(parallel_asks_distinct),
        cmocka_unit_test(warm_start_from_another_study),
        cmocka_unit_test(warm_start_errors),
        cmocka_unit_test(too_many_params_refused_every_ask),
        cmocka_unit_test(popsize_one_refused),
        cmocka_unit_test(x0_checked),
        cmocka_unit_test(x0_checked_conditional),
        cmocka_unit_test(bipop_small_runs_after_the_cap),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
