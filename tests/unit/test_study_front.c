/* The Pareto front (knob_study_best_trials, src/math/nondominated.c) against a brute-force
 * O(n^2) reference, and the hypervolume history of 2 objectives against the trial-by-trial
 * computation (each new point's gain from the hypervolume of the front limited to its box),
 * on random studies: ties, duplicates, infinities, mixed directions, infeasible trials. */
#include "testutil.h"
#include "knob.h"
#include "math/hypervolume.h"
#include "math/nondominated.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OK(call) assert_int_equal((call), KNOB_OK)

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* A value from a small set (ties), now and then an infinity. */
static double value(uint64_t *x, int levels, bool inf)
{
    uint64_t u = next(x) % 100;
    if (inf && u < 3)
        return u < 2 ? INFINITY : -INFINITY;
    return (double)(next(x) % (uint64_t)levels) * 0.5 - 1;
}

static bool ref_dominates(const double *a, const double *b, size_t m)
{
    bool better = false;
    for (size_t j = 0; j < m; j++) {
        if (a[j] > b[j])
            return false;
        if (a[j] < b[j])
            better = true;
    }
    return better;
}

static bool same(const double *a, const double *b, size_t m)
{
    for (size_t j = 0; j < m; j++)
        if (a[j] != b[j])
            return false;
    return true;
}

/* knob__nondominated against every pair, NaN-free; and with NaN against the running front.
 * knob__nondominated_first the same, with a point equal to an earlier one left out. */
static void nondominated_points(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int round = 0; round < 6000; round++) {
        size_t m = 1 + next(&x) % 5, n = next(&x) % 60;
        int levels = 2 + (int)(next(&x) % 12);
        double pts[60 * 5];
        bool keep[60], nan = round % 10 == 9, first = round % 2;
        for (size_t i = 0; i < n * m; i++)
            pts[i] = nan && next(&x) % 20 == 0 ? NAN : value(&x, levels, round % 3 == 0);
        for (size_t i = 0; n && i < (size_t)(next(&x) % 5); i++) /* duplicates */
            memcpy(pts + (next(&x) % n) * m, pts + (next(&x) % n) * m, m * sizeof *pts);
        if (round % 7 == 0 && n > 1) /* -0 and 0 are equal */
            pts[0] = 0, pts[m] = -0.0;
        size_t count = 99, want_count = 0;
        if (first)
            OK(knob__nondominated_first(pts, n, m, keep, &count));
        else
            OK(knob__nondominated(pts, n, m, keep, &count));
        bool want[60];
        if (!nan) {
            for (size_t i = 0; i < n; i++) {
                want[i] = true;
                for (size_t j = 0; j < n && want[i]; j++)
                    want[i] = !ref_dominates(pts + j * m, pts + i * m, m) &&
                              !(first && j < i && same(pts + j * m, pts + i * m, m));
            }
        } else { /* the running front, in order */
            size_t front[60], k = 0;
            for (size_t i = 0; i < n; i++) {
                bool dom = false;
                for (size_t j = 0; j < k && !dom; j++)
                    dom = ref_dominates(pts + front[j] * m, pts + i * m, m) ||
                          (first && same(pts + front[j] * m, pts + i * m, m));
                if (dom)
                    continue;
                size_t left = 0;
                for (size_t j = 0; j < k; j++)
                    if (!ref_dominates(pts + i * m, pts + front[j] * m, m))
                        front[left++] = front[j];
                k = left;
                front[k++] = i;
            }
            memset(want, 0, sizeof want);
            for (size_t j = 0; j < k; j++)
                want[front[j]] = true;
        }
        for (size_t i = 0; i < n; i++) {
            want_count += want[i];
            if (keep[i] != want[i])
                fail_msg("round %d (n %zu, m %zu, first %d): point %zu kept %d, want %d", round, n,
                         m, first, i, keep[i], want[i]);
        }
        assert_int_equal(count, want_count);
    }
}

/* A study of random trials: complete (some infeasible), pruned, failed, running. */
static knob_study *random_study(knob_storage *st, uint64_t *x, size_t m, size_t n, int levels,
                                knob_direction *dirs)
{
    for (size_t j = 0; j < m; j++)
        dirs[j] = next(x) % 2 ? KNOB_MAXIMIZE : KNOB_MINIMIZE;
    knob_study_options o = {.directions = dirs, .n_objectives = m, .infinite_values = true};
    knob_study *s;
    OK(knob_study_create(st, "front", &o, &s));
    for (size_t i = 0; i < n; i++) {
        double v[4], c = next(x) % 6 == 0 ? 1 : -1;
        for (size_t j = 0; j < m; j++)
            v[j] = value(x, levels, true);
        uint64_t kind = next(x) % 20;
        knob_trial_state state = kind == 0   ? KNOB_TRIAL_PRUNED
                                 : kind == 1 ? KNOB_TRIAL_FAIL
                                 : kind == 2 ? KNOB_TRIAL_RUNNING
                                             : KNOB_TRIAL_COMPLETE;
        bool done = state == KNOB_TRIAL_COMPLETE;
        /* end times out of number order, with ties (the history orders by them) */
        double end = state == KNOB_TRIAL_RUNNING ? 0 : 1e6 + (double)(next(x) % (n + 1));
        knob_trial_info info = {.state = state,
                                .n_values = done ? m : 0,
                                .values = v,
                                .start_time = 1e6 - 1,
                                .end_time = end,
                                .n_constraints = next(x) % 2 ? 1 : 0,
                                .constraints = &c};
        OK(knob_study_add_trial(s, &info, NULL));
    }
    return s;
}

static bool feasible_complete(const knob_trial_info *t, size_t m)
{
    return t->state == KNOB_TRIAL_COMPLETE && t->n_values == m && knob_trial_info_feasible(t);
}

static void loss_of(const knob_trial_info *t, const knob_direction *dirs, size_t m, double *p)
{
    for (size_t j = 0; j < m; j++)
        p[j] = dirs[j] == KNOB_MAXIMIZE ? -t->values[j] : t->values[j];
}

static void front_matches_brute_force(void **state)
{
    (void)state;
    uint64_t x = 0x2545f4914f6cdd1du;
    for (int round = 0; round < 400; round++) {
        size_t m = 2 + (size_t)round % 3, n = 1 + next(&x) % 120;
        knob_direction dirs[4];
        knob_storage *st;
        OK(knob_storage_open("memory:", &st));
        knob_study *s = random_study(st, &x, m, n, 2 + (int)(next(&x) % 10), dirs);
        const knob_trial_info *const *all;
        size_t n_all;
        OK(knob_study_trials(s, &all, &n_all));
        int64_t want[200];
        size_t n_want = 0, n_complete = 0;
        for (size_t i = 0; i < n_all; i++) { /* knob_study_trials: number order */
            n_complete += all[i]->state == KNOB_TRIAL_COMPLETE;
            if (!feasible_complete(all[i], m))
                continue;
            double p[4], q[4];
            loss_of(all[i], dirs, m, p);
            bool dominated = false;
            for (size_t j = 0; j < n_all && !dominated; j++) {
                if (!feasible_complete(all[j], m))
                    continue;
                loss_of(all[j], dirs, m, q);
                dominated = ref_dominates(q, p, m);
            }
            if (!dominated)
                want[n_want++] = all[i]->number;
        }
        const knob_trial_info *const *front;
        size_t n_front = 0;
        int rc = knob_study_best_trials(s, &front, &n_front);
        if (!n_want) {
            assert_int_equal(rc, n_complete ? KNOB_ENOTFOUND : KNOB_OK);
        } else {
            OK(rc);
            if (n_front != n_want)
                fail_msg("round %d (n %zu, m %zu): %zu on the front, want %zu", round, n, m,
                         n_front, n_want);
            for (size_t i = 0; i < n_front; i++)
                assert_int_equal(front[i]->number, want[i]);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* The history as computed trial by trial: a running front of losses; a point the front
 * does not cover adds its box less the hypervolume of the front limited to the box. */
static double ref_gain(const double *pts, size_t k, const double *p, const double *r)
{
    double box = 1, lim[2 * 200];
    for (size_t j = 0; j < 2; j++)
        box *= p[j] < r[j] ? r[j] - p[j] : 0;
    if (!(box > 0))
        return 0;
    if (isinf(box))
        return INFINITY;
    for (size_t i = 0; i < 2 * k; i++)
        lim[i] = fmax(pts[i], p[i % 2]);
    double inner = 0;
    if (k)
        OK(knob__hv(lim, k, 2, r, &inner));
    return box - inner;
}

static int by_end(const void *a, const void *b)
{
    const knob_trial_info *x = *(const knob_trial_info *const *)a;
    const knob_trial_info *y = *(const knob_trial_info *const *)b;
    if (x->end_time != y->end_time)
        return x->end_time < y->end_time ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

static void history2_matches_trial_by_trial(void **state)
{
    (void)state;
    uint64_t x = 0xda3e39cb94b95bdbu;
    for (int round = 0; round < 400; round++) {
        size_t n = 1 + next(&x) % 150;
        knob_direction dirs[2];
        knob_storage *st;
        OK(knob_storage_open("memory:", &st));
        /* few levels: ties and duplicates; many: a long front */
        int levels = round % 2 ? 2 + (int)(next(&x) % 8) : 1000;
        knob_study *s = random_study(st, &x, 2, n, levels, dirs);
        double ref[2], r[2];
        for (size_t j = 0; j < 2; j++) {
            ref[j] = (double)(next(&x) % 9) * 0.5 - 1.5;
            r[j] = dirs[j] == KNOB_MAXIMIZE ? -ref[j] : ref[j];
        }
        const double *h;
        size_t n_h;
        OK(knob_study_hypervolume_history(s, ref, &h, &n_h));
        const knob_trial_info *const *all;
        size_t n_all;
        OK(knob_study_trials(s, &all, &n_all));
        const knob_trial_info *done[200];
        size_t n_done = 0;
        for (size_t i = 0; i < n_all; i++)
            if (all[i]->state != KNOB_TRIAL_RUNNING && all[i]->state != KNOB_TRIAL_WAITING)
                done[n_done++] = all[i];
        qsort(done, n_done, sizeof *done, by_end);
        assert_int_equal(n_h, n_done);
        double pts[2 * 200], cur = 0;
        size_t k = 0;
        for (size_t i = 0; i < n_done; i++) {
            if (feasible_complete(done[i], 2)) {
                double p[2];
                loss_of(done[i], dirs, 2, p);
                bool covered = false;
                for (size_t a = 0; a < k && !covered; a++)
                    covered = pts[2 * a] <= p[0] && pts[2 * a + 1] <= p[1];
                if (!covered) {
                    cur += ref_gain(pts, k, p, r);
                    size_t left = 0;
                    for (size_t a = 0; a < k; a++)
                        if (!(p[0] <= pts[2 * a] && p[1] <= pts[2 * a + 1]))
                            memmove(pts + 2 * left++, pts + 2 * a, 2 * sizeof *pts);
                    memcpy(pts + 2 * left, p, 2 * sizeof *pts);
                    k = left + 1;
                }
            }
            /* the same up to rounding: the sums go in another order */
            bool same = h[i] == cur || fabs(h[i] - cur) <= 1e-12 * fmax(1, fabs(cur));
            if (!same)
                fail_msg("round %d (n %zu): after %zu trials %.17g, want %.17g", round, n, i + 1,
                         h[i], cur);
        }
        knob_study_free(s);
        knob_storage_close(st);
    }
}

/* Every point of a large 2-D front on it, in number order, and its history's last value the
 * hypervolume (the sweep and the staircase, not their quadratic forerunners: fast). */
static void large_front(void **state)
{
    (void)state;
    knob_direction dirs[2] = {KNOB_MINIMIZE, KNOB_MAXIMIZE};
    knob_study_options o = {.directions = dirs, .n_objectives = 2};
    knob_storage *st;
    knob_study *s;
    OK(knob_storage_open("memory:", &st));
    OK(knob_study_create(st, "big", &o, &s));
    size_t n = 20000;
    OK(knob_storage_batch_begin(st));
    for (size_t i = 0; i < n; i++) {
        double t = ((double)((i * 7919) % n) + 0.5) / (double)n * M_PI / 2;
        double v[2] = {cos(t), -sin(t)};
        knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 2, .values = v};
        OK(knob_study_add_trial(s, &info, NULL));
    }
    OK(knob_storage_batch_end(st));
    const knob_trial_info *const *front;
    size_t n_front;
    OK(knob_study_best_trials(s, &front, &n_front));
    assert_int_equal(n_front, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(front[i]->number, (int64_t)i);
    const double *h;
    size_t n_h;
    double ref[2] = {1, -1}, hv; /* losses (cos t, sin t) below (1, 1) */
    OK(knob_study_hypervolume_history(s, ref, &h, &n_h));
    OK(knob_study_hypervolume(s, ref, &hv));
    assert_int_equal(n_h, n);
    assert_true(fabs(h[n - 1] - hv) <= 1e-12);
    assert_true(fabs(hv - (1 - M_PI / 4)) < 1e-3);
    knob_study_free(s);
    knob_storage_close(st);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(nondominated_points),
    cmocka_unit_test(front_matches_brute_force),
    cmocka_unit_test(history2_matches_trial_by_trial),
    cmocka_unit_test(large_front),
};

KNOB_TEST_MAIN(tests)
