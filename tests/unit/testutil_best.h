/* Shared by the unit tests of a study's best trial and best value (test_best_record.c,
 * test_best_index.c, test_listing_best.c): one process's answer for the best trial, read
 * with snapshots (the record, the index) and from every trial (KNOB_SNAPSHOT=off), the
 * studies they are asked of, and another writer's changes to a SQLite file. */
#ifndef KNOB_TESTUTIL_BEST_H
#define KNOB_TESTUTIL_BEST_H

#include "testutil.h"
#include "testutil_sqlite.h"

#include <float.h>

#define KNOB_TEST_MAX_FRONT 512

/* One process's answer: status, the best trial's number and what it holds (one objective),
 * or the front's numbers in order (several). */
typedef struct knob_test_best {
    int rc;
    size_t n;
    int64_t numbers[KNOB_TEST_MAX_FRONT];
    double value;
    size_t n_params, n_values, n_inter, n_user, n_system;
    double x;
} knob_test_best;

/* The best trial (one objective) or the front (several) of study `name` at url, as a new
 * process reads it: loaded, asked, closed. every_trial: with KNOB_SNAPSHOT=off. again: the
 * best asked a second time in the same process (the same trial), then every trial listed
 * (the whole study, numbered 0, 1, ..., not the best alone). */
static inline knob_test_best knob_test_best_of(const char *url, const char *name, bool every_trial,
                                               bool again)
{
    knob_test_best a = {0};
    if (every_trial)
        setenv("KNOB_SNAPSHOT", "off", 1);
    else
        unsetenv("KNOB_SNAPSHOT");
    knob_storage *st;
    knob_study *s;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    if (knob_study_load(st, name, NULL, &s))
        fail_msg("load %s: %s", name, knob_errmsg());
    if (knob_study_n_objectives(s) == 1) {
        const knob_trial_info *b = NULL;
        a.rc = knob_study_best_trial(s, &b);
        if (!a.rc) {
            a.n = 1;
            a.numbers[0] = b->number;
            a.value = b->values[0];
            a.n_params = b->n_params;
            a.n_values = b->n_values;
            a.n_inter = b->n_intermediate;
            a.n_user = b->n_user_attrs;
            a.n_system = b->n_system_attrs;
            a.x = b->n_params ? b->params[0].internal : NAN;
        }
        if (!a.rc && again) {
            const knob_trial_info *b2 = NULL;
            assert_int_equal(knob_study_best_trial(s, &b2), KNOB_OK);
            assert_int_equal(b2->number, a.numbers[0]);
        }
        if (again) {
            const knob_trial_info *const *all;
            size_t n_all;
            assert_int_equal(knob_study_trials(s, &all, &n_all), KNOB_OK);
            for (size_t i = 0; i < n_all; i++)
                assert_int_equal(all[i]->number, (int64_t)i);
        }
    } else {
        const knob_trial_info *const *front = NULL;
        a.rc = knob_study_best_trials(s, &front, &a.n);
        assert_true(a.n <= KNOB_TEST_MAX_FRONT);
        for (size_t i = 0; !a.rc && i < a.n; i++)
            a.numbers[i] = front[i]->number;
    }
    knob_study_free(s);
    knob_storage_close(st);
    unsetenv("KNOB_SNAPSHOT");
    return a;
}

/* The same answer: status and numbers, and of a best trial its value's bits, its params'
 * first value and how many params, values, intermediate values and attributes it holds. */
static inline bool knob_test_best_same(const knob_test_best *x, const knob_test_best *y)
{
    if (x->rc != y->rc || x->n != y->n)
        return false;
    if (x->n == 1 &&
        (!knob_test_same_bits(x->value, y->value) || x->n_params != y->n_params ||
         x->n_values != y->n_values || x->n_inter != y->n_inter || x->n_user != y->n_user ||
         x->n_system != y->n_system || !knob_test_same_bits(x->x, y->x)))
        return false;
    for (size_t i = 0; i < x->n; i++)
        if (x->numbers[i] != y->numbers[i])
            return false;
    return true;
}

/* The answer with snapshots (the record or the index, where they answer) and every trial's
 * (knob_test_best_of): the same, or the case fails naming `what`. Returns the first. */
static inline knob_test_best knob_test_best_agree(const char *url, const char *name,
                                                  const char *what, bool again)
{
    knob_test_best first = knob_test_best_of(url, name, false, again),
                   rows = knob_test_best_of(url, name, true, again);
    if (!knob_test_best_same(&first, &rows))
        fail_msg("%s, study '%s': with snapshots status %d, %zu trials (first %lld, value "
                 "%.17g); every trial status %d, %zu trials (first %lld, value %.17g)",
                 what, name, first.rc, first.n, (long long)(first.n ? first.numbers[0] : -1),
                 first.value, rows.rc, rows.n, (long long)(rows.n ? rows.numbers[0] : -1),
                 rows.value);
    return first;
}

/* The answer has status rc and, when KNOB_OK, the one trial `number`. */
static inline void knob_test_best_expect(knob_test_best a, int rc, int64_t number)
{
    assert_int_equal(a.rc, rc);
    if (!rc) {
        assert_int_equal(a.n, 1);
        assert_int_equal(a.numbers[0], number);
    }
}

/* A new study `name` in st: d0 its first direction, the second (n_obj 2) maximized. */
static inline knob_study *knob_test_best_create(knob_storage *st, const char *name,
                                                knob_direction d0, size_t n_obj)
{
    knob_direction dirs[2] = {d0, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = n_obj};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* Adds one finished trial (param x) to s, as the test file writes one: its values, state
 * and constraints (JSON text, or NULL). */
typedef void knob_test_best_add_fn(knob_study *s, knob_trial_state state, const double *v, size_t n,
                                   double x, const char *constraints);

/* A study `name` of 120 trials written by add: every 11th failed, every 13th pruned with a
 * value better than any, every `every`th infeasible (better than the feasible ones); values
 * from a fixed sequence, with ties (37 values). */
static inline void knob_test_best_make(knob_storage *st, const char *name, knob_direction d0,
                                       size_t n_obj, int every, knob_test_best_add_fn *add)
{
    knob_study *s = knob_test_best_create(st, name, d0, n_obj);
    double sign = d0 == KNOB_MAXIMIZE ? -1 : 1;
    for (int k = 0; k < 120; k++) {
        double x = (double)((k * 7919) % 37) - 18;
        double v[2] = {sign * (x * x + 1), 10 - (x - 1) * (x - 1)};
        double px = x / 4;
        if (k % 13 == 6) {
            double better = sign * -1000;
            add(s, KNOB_TRIAL_PRUNED, &better, 1, px, NULL);
        } else if (k % 11 == 5) {
            add(s, KNOB_TRIAL_FAIL, NULL, 0, px, NULL);
        } else if (k % every == 3 % every) {
            double w[2] = {v[0] - sign * 500, v[1]};
            add(s, KNOB_TRIAL_COMPLETE, w, n_obj, px, k % 2 ? "[1.5, -1]" : "[-1, 0.25]");
        } else {
            add(s, KNOB_TRIAL_COMPLETE, v, n_obj, px, k % 3 ? NULL : "[0, -2]");
        }
    }
    knob_study_free(s);
}

/* A study "told" in st, asked and told: 13 trials with a user attribute, constraints set
 * before the tell on every second (feasible or not), trial 4 pruned, trial 12 left
 * running. */
static inline void knob_test_best_told(knob_storage *st)
{
    knob_study *s = knob_test_best_create(st, "told", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 13; k++) {
        knob_trial *t;
        double x, c = k % 3 == 0 ? 1 : -1;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", -5, 5, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_trial_set_user_attr(t, "k", "1"), KNOB_OK);
        if (k == 12) {
            knob_trial_detach(t);
            break;
        }
        if (k % 2)
            assert_int_equal(knob_trial_set_constraints(t, &c, 1), KNOB_OK);
        double y = k % 3 == 0 ? -100 + k : (double)((k * 5) % 7);
        assert_int_equal(
            knob_study_tell(s, t, k == 4 ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE, &y, 1),
            KNOB_OK);
    }
    knob_study_free(s);
}

/* The studies the best's tests share, written by add into st: "min", "max", "two",
 * "two_max", "half_infeasible" (knob_test_best_make), "none_feasible" (a complete trial
 * infeasible, a failed one, a pruned one), "empty" (maximized, no trial), "extreme"
 * (maximized: -DBL_MAX, 3, and DBL_MAX infeasible) and "told" (knob_test_best_told). */
static inline void knob_test_best_studies(knob_storage *st, knob_test_best_add_fn *add)
{
    knob_test_best_make(st, "min", KNOB_MINIMIZE, 1, 7, add);
    knob_test_best_make(st, "max", KNOB_MAXIMIZE, 1, 5, add);
    knob_test_best_make(st, "two", KNOB_MINIMIZE, 2, 7, add);
    knob_test_best_make(st, "two_max", KNOB_MAXIMIZE, 2, 4, add);
    knob_test_best_make(st, "half_infeasible", KNOB_MINIMIZE, 1, 2, add);
    knob_study *s = knob_test_best_create(st, "none_feasible", KNOB_MINIMIZE, 1);
    double v = 1;
    add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, "[2]");
    add(s, KNOB_TRIAL_FAIL, NULL, 0, 0, NULL);
    add(s, KNOB_TRIAL_PRUNED, &v, 1, 0, NULL);
    knob_study_free(s);
    knob_study_free(knob_test_best_create(st, "empty", KNOB_MAXIMIZE, 1));
    s = knob_test_best_create(st, "extreme", KNOB_MAXIMIZE, 1); /* knob takes finite values */
    double ext[3] = {-DBL_MAX, 3, DBL_MAX};
    add(s, KNOB_TRIAL_COMPLETE, &ext[0], 1, 0, NULL);
    add(s, KNOB_TRIAL_COMPLETE, &ext[1], 1, 1, NULL);
    add(s, KNOB_TRIAL_COMPLETE, &ext[2], 1, 2, "[1]");
    knob_study_free(s);
    knob_test_best_told(st);
}

/* Studies "small" and "big" of 100 and 2,000 complete trials (every 5th with a feasible
 * constraint, [-1]) at url, written by add: the statements' plans and steps against the
 * study's size. */
static inline void knob_test_best_seek_studies(const char *url, knob_test_best_add_fn *add)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    for (int m = 0; m < 2; m++) {
        knob_study *s = knob_test_best_create(st, m ? "big" : "small", KNOB_MINIMIZE, 1);
        for (int k = 0; k < (m ? 2000 : 100); k++) {
            double v = (double)((k * 7919) % 1009);
            add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, k % 5 ? NULL : "[-1]");
        }
        knob_study_free(s);
    }
    knob_storage_close(st);
}

/* On the PostgreSQL storage at url: a study "seek" of 200 complete trials written by add,
 * beside 50,000 rows of other studies (a quarter of them not complete), analyzed. Returns
 * a connection of its own, the study's id in *id. */
static inline PGconn *knob_test_best_pg_seek(const char *url, knob_test_best_add_fn *add,
                                             int64_t *id)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = knob_test_best_create(st, "seek", KNOB_MINIMIZE, 1);
    for (int k = 0; k < 200; k++) {
        double v = (double)((k * 7919) % 1009);
        add(s, KNOB_TRIAL_COMPLETE, &v, 1, 0, k % 5 ? NULL : "[-1]");
    }
    knob_study_free(s);
    knob_storage_close(st);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    knob_test_pg_exec(c, "INSERT INTO knob_trials(study, number, state, seq, vals) SELECT 1000 + "
                         "g % 500, g, CASE WHEN g % 4 = 0 THEN 2 ELSE 1 END, 0, ARRAY[g::float8] "
                         "FROM generate_series(1, 50000) g");
    knob_test_pg_exec(c, "VACUUM ANALYZE knob_trials");
    PGresult *r = PQexec(c, "SELECT id FROM knob_studies WHERE name = 'seek'");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    *id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return c;
}

/* Another writer's change to trial `number` of study `name` in the SQLite file at path, as
 * every knob stamps its writes: in one transaction the study's seq counted up, the trial's
 * seq set to it, and `then` (SQL, or "") run. */
static inline void knob_test_best_stamped(const char *path, const char *name, int64_t number,
                                          const char *then)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "BEGIN; UPDATE studies SET seq = seq + 1 WHERE name = '%s'; UPDATE trials SET seq = "
             "(SELECT seq FROM studies WHERE name = '%s') WHERE study = (SELECT id FROM studies "
             "WHERE name = '%s') AND number = %lld; %s; COMMIT",
             name, name, name, (long long)number, then);
    knob_test_sql_exec(path, sql);
}

/* knob_test_best_stamped: the trial's first value rewritten. */
static inline void knob_test_best_set_value(const char *path, const char *name, int64_t number,
                                            double value)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "UPDATE trial_values SET value = %.17g WHERE idx = 0 AND trial = (SELECT t.id FROM "
             "trials t JOIN studies s ON s.id = t.study WHERE s.name = '%s' AND t.number = %lld)",
             value, name, (long long)number);
    knob_test_best_stamped(path, name, number, sql);
}

/* knob_test_best_stamped: the trial's constraints attribute set to `json` (any text). */
static inline void knob_test_best_set_constraints(const char *path, const char *name,
                                                  int64_t number, const char *json)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO trial_attrs(trial, system, key, json) SELECT t.id, 1, 'constraints', "
             "'%s' FROM trials t JOIN studies s ON s.id = t.study WHERE s.name = '%s' AND "
             "t.number = %lld ON CONFLICT DO UPDATE SET json = excluded.json",
             json, name, (long long)number);
    knob_test_best_stamped(path, name, number, sql);
}

/* knob_test_best_stamped: a complete trial `number` written by SQL, as an older knob or
 * bench/scale/make_sqlite.py does, its one value the SQL literal `value` (9e999: +inf,
 * which knob would not take). */
static inline void knob_test_best_sql_trial(const char *path, const char *name, int64_t number,
                                            const char *value)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO trials(study, number, state, seq) SELECT id, %lld, 1, seq FROM studies "
             "WHERE name = '%s'; INSERT INTO trial_values(trial, idx, value) SELECT MAX(id), 0, "
             "%s FROM trials",
             (long long)number, name, value);
    knob_test_best_stamped(path, name, number, sql);
}

#endif
