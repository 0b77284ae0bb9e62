/* knob_study_importance: fANOVA and PED-ANOVA on functions of known structure, and against
 * the shares Optuna's evaluators give the studies of data/importance.txt (made by
 * data/make_importance.py). */
#include "testutil.h"
#include "knob.h"

#include <math.h>

typedef double (*fn3)(const double *x);

/* A study of n random trials of f over x0, x1, x2 in [lo, hi]. */
static knob_study *random_study(knob_storage **st, fn3 f, int n, double lo, double hi,
                                knob_direction dir)
{
    knob_sampler *smp;
    assert_int_equal(knob_sampler_create("random", "seed=5", &smp), KNOB_OK);
    assert_int_equal(knob_storage_open("memory:", st), KNOB_OK);
    knob_study_options o = {0};
    o.directions = &dir;
    o.n_objectives = 1;
    o.sampler = smp;
    knob_study *s;
    assert_int_equal(knob_study_create(*st, "s", &o, &s), KNOB_OK);
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x[3], y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int k = 0; k < 3; k++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, name, lo, hi, 0, 0, &x[k]), KNOB_OK);
        }
        y = f(x);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    return s;
}

static double share_of(const knob_importance *imp, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(imp[i].name, name) == 0)
            return imp[i].share;
    fail_msg("no share for %s", name);
    return NAN;
}

static double linear(const double *x)
{
    return 10 * x[0] + x[1] + 0 * x[2];
}

static double product(const double *x)
{
    return x[0] * x[1];
}

static const char *const methods[] = {"fanova", "ped-anova"};

/* f = 10 x0 + x1 + 0 x2: x0 > x1 > x2 by both methods; shares sum to 1, sorted. */
static void linear_ranks_x0_x1_x2(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = random_study(&st, linear, 300, -1, 1, KNOB_MINIMIZE);
    for (int m = 0; m < 2; m++) {
        knob_importance *imp;
        size_t n;
        assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(n, 3);
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += imp[i].share;
            if (i > 0)
                assert_true(imp[i - 1].share >= imp[i].share);
        }
        assert_true(fabs(sum - 1) < 1e-9);
        assert_string_equal(imp[0].name, "x0");
        assert_string_equal(imp[1].name, "x1");
        assert_string_equal(imp[2].name, "x2");
        knob_importance_free(imp);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* f = x0 x1 on [0, 1]^3: no additive term, yet each of x0, x1 has a main effect (3/7 of the
 * variance each) and x2 none; maximized too, for PED-ANOVA's top trials. */
static void interaction_only(void **state)
{
    (void)state;
    for (int dir = 0; dir < 2; dir++) {
        knob_storage *st;
        knob_study *s = random_study(&st, product, 300, 0, 1, (knob_direction)dir);
        for (int m = 0; m < 2; m++) {
            knob_importance *imp;
            size_t n;
            assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), 0);
            double a = share_of(imp, n, "x0"), b = share_of(imp, n, "x1");
            double c = share_of(imp, n, "x2");
            assert_true(a > 4 * c && b > 4 * c);
            assert_true(a < 3 * b && b < 3 * a);
            knob_importance_free(imp);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* ---- the fixture studies */

typedef struct fparam {
    char name[32];
    knob_distribution dist;
    knob_choice choices[8];
    char labels[8][16];
} fparam;

static double spearman(const double *a, const double *b, int n)
{
    double ra[16], rb[16], d2 = 0;
    for (int i = 0; i < n; i++) {
        ra[i] = rb[i] = 0;
        for (int j = 0; j < n; j++) {
            ra[i] += a[j] < a[i] ? 1 : a[j] == a[i] && j != i ? 0.5 : 0;
            rb[i] += b[j] < b[i] ? 1 : b[j] == b[i] && j != i ? 0.5 : 0;
        }
        d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
    }
    return 1 - 6 * d2 / (n * ((double)n * n - 1));
}

/* Reads one study of the fixture into a memory storage; its Optuna shares into want. */
static bool read_study(FILE *f, knob_storage *st, knob_study **out, fparam *ps, int *np,
                       double want[2][16])
{
    char line[8192], name[64], dir[16];
    do {
        if (!fgets(line, sizeof line, f))
            return false;
    } while (line[0] == '#');
    assert_int_equal(sscanf(line, "study %63s %15s", name, dir), 2);
    knob_direction d = strcmp(dir, "maximize") == 0 ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
    knob_study_options o = {0};
    o.directions = &d;
    o.n_objectives = 1;
    assert_int_equal(knob_study_create(st, name, &o, out), KNOB_OK);
    *np = 0;
    while (fgets(line, sizeof line, f) && strncmp(line, "end", 3) != 0) {
        char *save, *tok = strtok_r(line, " \n", &save);
        if (strcmp(tok, "param") == 0) {
            fparam *p = &ps[(*np)++];
            memset(p, 0, sizeof *p);
            snprintf(p->name, sizeof p->name, "%s", strtok_r(NULL, " \n", &save));
            char *kind = strtok_r(NULL, " \n", &save);
            if (strcmp(kind, "cat") == 0) {
                p->dist.kind = KNOB_DIST_CATEGORICAL;
                while ((tok = strtok_r(NULL, " \n", &save))) {
                    snprintf(p->labels[p->dist.n_choices], 16, "%s", tok);
                    p->choices[p->dist.n_choices] =
                        (knob_choice){KNOB_CHOICE_STRING, p->labels[p->dist.n_choices], 0};
                    p->dist.n_choices++;
                }
                p->dist.choices = p->choices;
            } else {
                p->dist.kind = strcmp(kind, "int") == 0 ? KNOB_DIST_INT : KNOB_DIST_FLOAT;
                p->dist.low = atof(strtok_r(NULL, " \n", &save));
                p->dist.high = atof(strtok_r(NULL, " \n", &save));
                p->dist.step = atof(strtok_r(NULL, " \n", &save));
                p->dist.flags = atoi(strtok_r(NULL, " \n", &save)) ? KNOB_LOG : 0;
            }
        } else if (strcmp(tok, "trial") == 0) {
            double y = atof(strtok_r(NULL, " \n", &save)), got;
            knob_trial *t;
            assert_int_equal(knob_study_ask(*out, &t), KNOB_OK);
            for (int k = 0; k < *np; k++) {
                double x = atof(strtok_r(NULL, " \n", &save));
                assert_int_equal(knob_trial_propose(t, ps[k].name, &ps[k].dist, x), KNOB_OK);
                assert_int_equal(knob_trial_suggest(t, ps[k].name, &ps[k].dist, &got), KNOB_OK);
                /* Optuna's low + k * step (0.30000000000000004) is knob's decimal (0.3) */
                assert_true(fabs(got - x) <= 1e-12 * fmax(1, fabs(x)));
            }
            assert_int_equal(knob_study_tell(*out, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        } else {
            int m = strcmp(tok, "fanova") == 0 ? 0 : 1;
            while ((tok = strtok_r(NULL, " \n", &save))) {
                double v = atof(strtok_r(NULL, " \n", &save));
                for (int k = 0; k < *np; k++)
                    if (strcmp(ps[k].name, tok) == 0)
                        want[m][k] = v;
            }
        }
    }
    return true;
}

/* knob ranks the fixture studies' params as Optuna's evaluators do (Spearman >= 0.9). */
static void fixture_ranks_as_optuna(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/unit/data/importance.txt", getenv("KNOB_SRC"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s;
    fparam ps[16];
    int np, studies = 0;
    double want[2][16];
    while (read_study(f, st, &s, ps, &np, want)) {
        studies++;
        for (int m = 0; m < 2; m++) {
            knob_importance *imp;
            size_t n;
            assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), 0);
            assert_int_equal(n, (size_t)np);
            double got[16];
            for (int k = 0; k < np; k++)
                got[k] = share_of(imp, n, ps[k].name);
            double rho = spearman(got, want[m], np);
            print_message("%s %s: spearman %.3f\n", knob_study_name(s), methods[m], rho);
            for (int k = 0; k < np; k++)
                print_message("  %-4s knob %.4f optuna %.4f\n", ps[k].name, got[k], want[m][k]);
            assert_true(rho >= 0.9);
            /* PED-ANOVA is deterministic: the same numbers as Optuna's */
            for (int k = 0; m == 1 && k < np; k++)
                assert_true(fabs(got[k] - want[m][k]) < 1e-3);
            knob_importance_free(imp);
        }
        knob_study_free(s);
    }
    assert_int_equal(studies, 3);
    fclose(f);
    knob_storage_close(st);
}

/* A subset of params; errors name what is wrong; too few trials give zeros. */
static void subsets_and_errors(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = random_study(&st, linear, 40, -1, 1, KNOB_MINIMIZE);
    knob_importance *imp = NULL;
    size_t n = 0;
    const char *two[] = {"x2", "x0"};
    assert_int_equal(knob_study_importance(s, "fanova", 0, two, 2, &imp, &n), KNOB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(imp[0].name, "x0");
    knob_importance_free(imp);
    const char *bad[] = {"x9"};
    assert_int_equal(knob_study_importance(s, "ped-anova", 0, bad, 1, &imp, &n), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "'x9'"));
    assert_int_equal(knob_study_importance(s, "mdi", 0, NULL, 0, &imp, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "fanova, ped-anova"));
    assert_int_equal(knob_study_importance(s, NULL, 1, NULL, 0, &imp, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "objective 1"));
    knob_importance_free(NULL);
    knob_study_free(s);
    knob_storage_close(st);

    s = random_study(&st, linear, 1, -1, 1, KNOB_MINIMIZE);
    for (int m = 0; m < 2; m++) {
        assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++)
            assert_true(imp[i].share == 0);
        knob_importance_free(imp);
    }
    knob_study_free(s);
    knob_storage_close(st);
}

/* A conditional param (active in half the trials, and the one that matters there): fanova
 * reads the trials that hold every param, PED-ANOVA each param where it is active. */
static void conditional_params(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s;
    assert_int_equal(knob_study_create(st, "c", NULL, &s), KNOB_OK);
    const char *kinds[] = {"lin", "flat"};
    for (int i = 0; i < 200; i++) {
        knob_trial *t;
        size_t k;
        double a, b = 0, y;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "kind", kinds, 2, &k), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a), KNOB_OK);
        if (k == 0)
            assert_int_equal(knob_trial_suggest_float(t, "b", 0, 1, 0, 0, &b), KNOB_OK);
        y = 5 * b + 0.1 * a + (k == 0 ? 0 : 6);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_importance *imp;
    size_t n;
    assert_int_equal(knob_study_importance(s, "ped-anova", 0, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_true(share_of(imp, n, "b") > share_of(imp, n, "a"));
    knob_importance_free(imp);
    assert_int_equal(knob_study_importance(s, "fanova", 0, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, 2); /* b is not in every trial */
    assert_string_equal(imp[0].name, "kind");
    knob_importance_free(imp);
    /* kind "flat" without b, and a param c of kind "flat" alone: fanova's trials would hold
     * both b and c, and none does (it gave both shares 0, as if nothing could be told) */
    for (int i = 0; i < 2; i++) {
        knob_trial *t;
        double c, y = 1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "c", 0, 1, 0, 0, &c), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    const char *apart[] = {"b", "c"};
    assert_int_equal(knob_study_importance(s, "fanova", 0, apart, 2, &imp, &n), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "holds every one of the params 'b', 'c'"));
    assert_int_equal(knob_study_importance(s, "ped-anova", 0, apart, 2, &imp, &n), KNOB_OK);
    assert_int_equal(n, 2); /* PED-ANOVA judges each param where it is active */
    knob_importance_free(imp);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Trial i of edited_distributions: fixed values, enqueued, suggested under the run's
 * distributions (edited: i >= 40), or under their union (union_dists). Returns the objective. */
static double edited_trial(knob_study *s, int i, bool union_dists)
{
    static const char *first[] = {"x", "y"}, *second[] = {"y", "z", "x"}, *all[] = {"x", "y", "z"};
    bool edited = i >= 40;
    unsigned h = (unsigned)i * 2654435761u;
    double a = (h % 1000) / (edited ? 500.0 : 1000.0), b = (h / 1000 % 4) * 0.25;
    int64_t n = 1 + (int64_t)(h / 4000 % 10);
    const char *o = edited ? second[h / 40000 % 3] : first[h / 40000 % 2];
    char json[160];
    snprintf(json, sizeof json, "{\"a\": %.17g, \"b\": %.17g, \"n\": %lld, \"o\": \"%s\"}", a, b,
             (long long)n, o);
    assert_int_equal(knob_study_enqueue(s, json), KNOB_OK);
    knob_trial *t;
    double x;
    int64_t k;
    size_t c;
    assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
    bool u = union_dists;
    assert_int_equal(knob_trial_suggest_float(t, "a", 0, edited || u ? 2 : 1, 0, 0, &x), 0);
    assert_true(x == a);
    assert_int_equal(knob_trial_suggest_float(t, "b", 0, 1, edited && !u ? 0.25 : 0, 0, &x), 0);
    assert_true(x == b);
    if (u)
        assert_int_equal(knob_trial_suggest_float(t, "n", 1, 100, 0, 0, &x), KNOB_OK);
    else if (edited)
        assert_int_equal(knob_trial_suggest_float(t, "n", 1, 100, 0, KNOB_LOG, &x), KNOB_OK);
    else
        assert_int_equal(knob_trial_suggest_int(t, "n", 1, 10, 1, 0, &k), KNOB_OK);
    const char **choices = u ? all : edited ? second : first;
    assert_int_equal(knob_trial_suggest_categorical(t, "o", choices, u || edited ? 3 : 2, &c), 0);
    assert_string_equal(choices[c], o);
    double y = 2 * a * a + (strcmp(o, "x") == 0 ? 4 : 0) + 0.01 * b + 0 * (double)n;
    assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    return y;
}

/* A study resumed with its params edited (a range widened, a step given, an int made a float
 * on a log scale, a categorical's choices reordered and extended) is evaluated as the study of
 * the same values under the union of the distributions (a float over both ranges, the choices
 * by value): fanova left a, b, n and o out (not one distribution in every trial) and, with
 * them named, read the first run alone; PED-ANOVA judged each run apart. */
static void edited_distributions(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s, *u;
    assert_int_equal(knob_study_create(st, "e", NULL, &s), KNOB_OK);
    assert_int_equal(knob_study_create(st, "u", NULL, &u), KNOB_OK);
    for (int i = 0; i < 120; i++)
        edited_trial(s, i, false), edited_trial(u, i, true);
    const char *named[] = {"a", "b", "n", "o"};
    for (int m = 0; m < 2; m++) {
        knob_importance *imp, *sub, *ref;
        size_t n, n_sub, n_ref;
        assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(knob_study_importance(u, methods[m], 0, NULL, 0, &ref, &n_ref), 0);
        assert_int_equal(knob_study_importance(s, methods[m], 0, named, 4, &sub, &n_sub), 0);
        assert_int_equal(n, 4);
        assert_int_equal(n_sub, 4);
        assert_int_equal(n_ref, 4);
        assert_string_equal(imp[0].name, "a");
        if (m == 0) /* fanova: o, by its values; x costs 4 */
            assert_string_equal(imp[1].name, "o");
        for (size_t i = 0; i < n; i++) {
            assert_true(fabs(share_of(ref, n_ref, imp[i].name) - imp[i].share) < 1e-12);
            assert_true(fabs(share_of(sub, n_sub, imp[i].name) - imp[i].share) < 1e-12);
        }
        knob_importance_free(ref);
        knob_importance_free(sub);
        knob_importance_free(imp);
    }
    /* a param that is a categorical in some trials and a number in others: PED-ANOVA judges
     * each apart; fanova leaves it out, and refuses it named, saying why */
    for (int i = 0; i < 4; i++) {
        knob_trial *t;
        double x, y = i;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "a", 0, 2, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "b", 0, 1, 0.25, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "n", 1, 100, 0, KNOB_LOG, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "o", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
    }
    knob_importance *imp;
    size_t n;
    assert_int_equal(knob_study_importance(s, "ped-anova", 0, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, 4);
    knob_importance_free(imp);
    assert_int_equal(knob_study_importance(s, "fanova", 0, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(imp[0].name, "a");
    knob_importance_free(imp);
    assert_int_equal(knob_study_importance(s, "fanova", 0, named, 4, &imp, &n), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "param 'o' is a number in 4 trials and a categorical "
                                          "in 120"));
    knob_study_free(u);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Two objectives: the first moved by x0 alone, the second (maximized) by x1 alone; each
 * objective's importance names its own param, by both methods. */
static void per_objective(void **state)
{
    (void)state;
    knob_storage *st;
    knob_sampler *smp;
    assert_int_equal(knob_sampler_create("random", "seed=9", &smp), KNOB_OK);
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o = {0};
    o.directions = dirs;
    o.n_objectives = 2;
    o.sampler = smp;
    knob_study *s;
    assert_int_equal(knob_study_create(st, "two", &o, &s), KNOB_OK);
    for (int i = 0; i < 80; i++) {
        knob_trial *t;
        double x[3], y[2];
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        for (int k = 0; k < 3; k++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", k);
            assert_int_equal(knob_trial_suggest_float(t, name, -1, 1, 0, 0, &x[k]), KNOB_OK);
        }
        y[0] = 5 * x[0] + 0.1 * x[2];
        y[1] = -3 * x[1] * x[1] + 0.1 * x[2];
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, y, 2), KNOB_OK);
    }
    for (int m = 0; m < 2; m++) {
        knob_importance *imp;
        size_t n;
        assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(n, 3);
        assert_string_equal(imp[0].name, "x0");
        knob_importance_free(imp);
        assert_int_equal(knob_study_importance(s, methods[m], 1, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(n, 3);
        assert_string_equal(imp[0].name, "x1");
        assert_true(share_of(imp, n, "x1") > 0.5);
        knob_importance_free(imp);
    }
    assert_int_equal(
        knob_study_importance(s, "fanova", 2, NULL, 0, &(knob_importance *){0}, &(size_t){0}),
        KNOB_EINVAL);
    /* The Pareto fronts (PED-ANOVA's best 10% by nondomination rank): x0 and x1 set the
     * front, x2 next to nothing; fanova evaluates one objective only. (Before, an
     * objective past the study's was EINVAL for both methods.) */
    knob_importance *imp;
    size_t n;
    assert_int_equal(
        knob_study_importance(s, "ped-anova", KNOB_IMPORTANCE_PARETO, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(imp[2].name, "x2");
    assert_true(share_of(imp, n, "x1") > 0.1); /* x0 0.84, x1 0.16, x2 0.005 */
    assert_true(fabs(imp[0].share + imp[1].share + imp[2].share - 1) < 1e-12);
    knob_importance_free(imp);
    assert_int_equal(knob_study_importance(s, "fanova", KNOB_IMPORTANCE_PARETO, NULL, 0, &imp, &n),
                     KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "fanova evaluates one objective"));
    knob_study_free(s);

    /* one objective: KNOB_IMPORTANCE_PARETO is that objective */
    knob_storage *st1;
    s = random_study(&st1, linear, 60, 0, 1, KNOB_MINIMIZE);
    knob_importance *one;
    size_t n_one;
    assert_int_equal(knob_study_importance(s, "ped-anova", 0, NULL, 0, &one, &n_one), KNOB_OK);
    assert_int_equal(
        knob_study_importance(s, "ped-anova", KNOB_IMPORTANCE_PARETO, NULL, 0, &imp, &n), KNOB_OK);
    assert_int_equal(n, n_one);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(imp[i].name, one[i].name);
        assert_true(imp[i].share == one[i].share);
    }
    knob_importance_free(imp);
    knob_importance_free(one);
    knob_study_free(s);
    knob_storage_close(st1);
    knob_storage_close(st);
}

static double scale = 1, offset = 0;

static double scaled(const double *x)
{
    return offset + scale * (x[0] * x[0] * 4 + 0.5 * x[1]);
}

/* fANOVA's shares are ratios of variances: the objective's unit or offset changes nothing.
 * Runtimes in seconds of a fast kernel (1e-9), huge values (1e200, whose variance overflows)
 * and a small spread on a large offset give the shares of the plain objective. */
static void fanova_scale_free(void **state)
{
    (void)state;
    const double cases[][2] = {{1, 0}, {1e-9, 0}, {1e-300, 0}, {1e200, 0}, {1e-4, 1e3}};
    double want[3] = {0};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        scale = cases[c][0];
        offset = cases[c][1];
        knob_storage *st;
        knob_study *s = random_study(&st, scaled, 200, -1, 1, KNOB_MINIMIZE);
        knob_importance *imp;
        size_t n;
        assert_int_equal(knob_study_importance(s, "fanova", 0, NULL, 0, &imp, &n), KNOB_OK);
        assert_int_equal(n, 3);
        for (int k = 0; k < 3; k++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", k);
            double got = share_of(imp, n, name);
            if (c == 0)
                want[k] = got;
            else if (!(fabs(got - want[k]) < 1e-3))
                fail_msg("objective %g + %g f: share of %s %g, %g for f", offset, scale, name, got,
                         want[k]);
        }
        assert_true(want[0] > 0.8);
        knob_importance_free(imp);
        knob_study_free(s);
        knob_storage_close(st);
    }
    scale = 1;
    offset = 0;
}

/* KNOB_IMPORTANCE_RAW: fanova's numbers are the variance fractions of the main effects,
 * each in [0, 1], summing to less than 1 under an interaction (f = x0 x1: 3/7 each in
 * theory, 1/7 left to the interaction); ped-anova's are its own; both, divided by their
 * sum, are knob_study_importance's shares, in the same order. An unknown flag is refused. */
static void raw_importances(void **state)
{
    (void)state;
    knob_storage *st;
    knob_study *s = random_study(&st, product, 300, 0, 1, KNOB_MINIMIZE);
    for (int m = 0; m < 2; m++) {
        knob_importance *raw, *imp;
        size_t n, n2;
        assert_int_equal(
            knob_study_importance_v2(s, methods[m], 0, NULL, 0, KNOB_IMPORTANCE_RAW, &raw, &n),
            KNOB_OK);
        assert_int_equal(knob_study_importance(s, methods[m], 0, NULL, 0, &imp, &n2), KNOB_OK);
        assert_int_equal(n, 3);
        assert_int_equal(n2, 3);
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += raw[i].share;
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(raw[i].name, imp[i].name);
            assert_true(raw[i].share >= 0);
            assert_true(fabs(raw[i].share / sum - imp[i].share) < 1e-12);
        }
        if (m == 0) { /* fanova: the interaction's variance is no param's */
            assert_true(sum > 0.6 && sum < 0.95);
            assert_true(fabs(share_of(raw, n, "x0") - 3.0 / 7) < 0.1);
            assert_true(fabs(share_of(raw, n, "x1") - 3.0 / 7) < 0.1);
        } else {
            assert_true(sum < 0.5); /* not shares */
        }
        knob_importance_free(raw);
        knob_importance_free(imp);
    }
    knob_importance *imp = NULL;
    size_t n;
    assert_int_equal(knob_study_importance_v2(s, "fanova", 0, NULL, 0, 6, &imp, &n), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "unknown flags 0x6"));
    assert_null(imp);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A categorical of 63, 64 or 100 choices moves f by +-1 (its choice's parity), a float y by
 * 2 y on [0, 1]: the main effects' variances are 1 and 1/3, so fanova's shares are 3/4 and
 * 1/4, as categories whatever their count (past 63 choices they were ordered by index, which
 * hid the parity: c 0.15, y 0.85). */
static void fanova_many_choices(void **state)
{
    (void)state;
    static char text[100][8];
    const char *choices[100];
    for (int c = 0; c < 100; c++) {
        snprintf(text[c], sizeof text[c], "c%d", c);
        choices[c] = text[c];
    }
    const size_t counts[] = {63, 64, 100};
    for (size_t q = 0; q < sizeof counts / sizeof *counts; q++) {
        knob_sampler *smp;
        assert_int_equal(knob_sampler_create("random", "seed=3", &smp), KNOB_OK);
        knob_storage *st;
        assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
        knob_study_options o = {0};
        o.sampler = smp;
        knob_study *s;
        assert_int_equal(knob_study_create(st, "many", &o, &s), KNOB_OK);
        for (int i = 0; i < 500; i++) {
            knob_trial *t;
            size_t c;
            double y, v;
            assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
            assert_int_equal(knob_trial_suggest_categorical(t, "c", choices, counts[q], &c),
                             KNOB_OK);
            assert_int_equal(knob_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), KNOB_OK);
            v = (c % 2 ? 1 : -1) + 2 * y;
            assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
        }
        knob_importance *imp;
        size_t n;
        assert_int_equal(
            knob_study_importance_v2(s, "fanova", 0, NULL, 0, KNOB_IMPORTANCE_RAW, &imp, &n),
            KNOB_OK);
        assert_int_equal(n, 2);
        print_message("%zu choices: c %.4f, y %.4f\n", counts[q], share_of(imp, n, "c"),
                      share_of(imp, n, "y"));
        assert_string_equal(imp[0].name, "c");
        assert_true(fabs(share_of(imp, n, "c") - 0.75) < 0.04);
        assert_true(fabs(share_of(imp, n, "y") - 0.25) < 0.04);
        knob_importance_free(imp);
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* A categorical of 200 choices of no effect, in 300 trials (about 1.5 a choice), beside
 * y = sin(6x): read as categories, a subset split sorts the trials by value and the choice
 * took 0.17 of the shares (above y's); with fewer than 4 trials a choice it is read as its
 * choice's position, and takes almost none. */
static void fanova_many_choices_few_trials(void **state)
{
    (void)state;
    static char text[200][8];
    const char *choices[200];
    for (int c = 0; c < 200; c++) {
        snprintf(text[c], sizeof text[c], "c%d", c);
        choices[c] = text[c];
    }
    knob_sampler *smp;
    assert_int_equal(knob_sampler_create("random", "seed=5", &smp), KNOB_OK);
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study_options o = {0};
    o.sampler = smp;
    knob_study *s;
    assert_int_equal(knob_study_create(st, "few", &o, &s), KNOB_OK);
    for (int i = 0; i < 300; i++) {
        knob_trial *t;
        size_t c;
        double x, y, v;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_categorical(t, "c", choices, 200, &c), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "y", -1, 1, 0, 0, &y), KNOB_OK);
        v = sin(6 * x) + y * y;
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1), KNOB_OK);
    }
    knob_importance *imp;
    size_t n;
    assert_int_equal(knob_study_importance_v2(s, "fanova", 0, NULL, 0, 0, &imp, &n), KNOB_OK);
    print_message("200 choices, 300 trials: c %.4f, x %.4f, y %.4f\n", share_of(imp, n, "c"),
                  share_of(imp, n, "x"), share_of(imp, n, "y"));
    assert_true(share_of(imp, n, "c") < 0.03);
    assert_true(share_of(imp, n, "y") > share_of(imp, n, "c"));
    knob_importance_free(imp);
    knob_study_free(s);
    knob_storage_close(st);
}

/* The same trials with their params suggested in another order, or named in another order,
 * give the same fanova numbers: the forest's features are the params by name (they were
 * in suggestion order, and other trees moved the shares by about 1e-3). */
static void fanova_ignores_param_order(void **state)
{
    (void)state;
    static const char *const orders[2][3] = {{"x", "y", "z"}, {"z", "y", "x"}};
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s[2];
    for (int q = 0; q < 2; q++) {
        assert_int_equal(knob_study_create(st, orders[q][0], NULL, &s[q]), KNOB_OK);
        for (int i = 0; i < 80; i++) {
            unsigned h = (unsigned)i * 2654435761u;
            double v[3] = {(h % 1000) / 1000.0, (h / 1000 % 1000) / 1000.0,
                           (h / 1000000 % 1000) / 1000.0}; /* x, y, z */
            char json[128];
            snprintf(json, sizeof json, "{\"x\": %.17g, \"y\": %.17g, \"z\": %.17g}", v[0], v[1],
                     v[2]);
            assert_int_equal(knob_study_enqueue(s[q], json), KNOB_OK);
            knob_trial *t;
            assert_int_equal(knob_study_ask(s[q], &t), KNOB_OK);
            for (int k = 0; k < 3; k++) {
                double x;
                assert_int_equal(knob_trial_suggest_float(t, orders[q][k], 0, 1, 0, 0, &x), 0);
            }
            double y = 3 * v[0] + 2 * v[1] + v[2] + 2 * v[0] * v[1];
            assert_int_equal(knob_study_tell(s[q], t, KNOB_TRIAL_COMPLETE, &y, 1), KNOB_OK);
        }
    }
    knob_importance *want, *got;
    size_t n, m;
    assert_int_equal(
        knob_study_importance_v2(s[0], "fanova", 0, NULL, 0, KNOB_IMPORTANCE_RAW, &want, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(
        knob_study_importance_v2(s[1], "fanova", 0, NULL, 0, KNOB_IMPORTANCE_RAW, &got, &m), 0);
    assert_int_equal(m, 3);
    for (size_t i = 0; i < n; i++)
        assert_true(share_of(got, m, want[i].name) == want[i].share);
    knob_importance_free(got);
    assert_int_equal(
        knob_study_importance_v2(s[0], "fanova", 0, orders[1], 3, KNOB_IMPORTANCE_RAW, &got, &m),
        0);
    for (size_t i = 0; i < n; i++)
        assert_true(share_of(got, m, want[i].name) == want[i].share);
    knob_importance_free(got);
    knob_importance_free(want);
    knob_study_free(s[0]);
    knob_study_free(s[1]);
    knob_storage_close(st);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_ranks_x0_x1_x2),
        cmocka_unit_test(interaction_only),
        cmocka_unit_test(fixture_ranks_as_optuna),
        cmocka_unit_test(subsets_and_errors),
        cmocka_unit_test(conditional_params),
        cmocka_unit_test(per_objective),
        cmocka_unit_test(fanova_scale_free),
        cmocka_unit_test(raw_importances),
        cmocka_unit_test(edited_distributions),
        cmocka_unit_test(fanova_many_choices),
        cmocka_unit_test(fanova_many_choices_few_trials),
        cmocka_unit_test(fanova_ignores_param_order),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
