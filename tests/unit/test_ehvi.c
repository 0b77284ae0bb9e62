/* Expected hypervolume improvement (src/math/ehvi.c): the box decomposition against exact
 * hypervolumes, the expectation against closed forms, hand-computed cases and Monte-Carlo
 * estimates in 2-D and 3-D, its gradient against finite differences, and the log-space
 * form where the improvement underflows. */
#include "testutil.h"
#include "knob.h"
#include "math/ehvi.h"
#include "math/hypervolume.h"

#include <math.h>

#define OK(call) assert_int_equal((call), 0)

static double hv(const double *p, size_t n, size_t m, const double *ref)
{
    double v;
    OK(knob__hv(p, n, m, ref, &v));
    return v;
}

/* The hypervolume improvement of y over the front: HV(front + y) - HV(front). */
static double hvi(const double *front, size_t n, int m, const double *y, const double *ref)
{
    double all[64 * KNOB__EHVI_MAX_OBJ];
    memcpy(all, front, n * (size_t)m * sizeof *all);
    memcpy(all + n * (size_t)m, y, (size_t)m * sizeof *all);
    return hv(all, n + 1, (size_t)m, ref) - hv(front, n, (size_t)m, ref);
}

/* An empty front: one box (-inf, ref), and E[(ref - Y)_+] = sd h((ref - mean) / sd) per
 * objective; at mean = ref, sd 1: h(0) = phi(0) = 1 / sqrt(2 pi). */
static void closed_form_one_box(void **state)
{
    (void)state;
    knob__ehvi e = {0};
    double ref[3] = {0, 0, 0}, mean[3] = {0, 0, 0}, sd[3] = {1, 1, 1};
    double beyond[3] = {0.5, -1, -1}; /* not below ref in objective 0: left out */
    for (int m = 2; m <= 3; m++) {
        OK(knob__ehvi_init(&e, beyond, 1, m, ref));
        assert_int_equal(e.n_front, 0);
        assert_int_equal(e.n_boxes, 1);
        double want = m * log(1 / sqrt(2 * M_PI));
        assert_true(fabs(knob__ehvi_log(&e, mean, sd, NULL, NULL) - want) < 1e-14);
    }
    /* sd 2, mean 1 below ref 0: 2 h(-0.5) per objective, h(-0.5) = phi(0.5) - 0.5 Phi(-0.5) */
    double h = exp(-0.125) / sqrt(2 * M_PI) - 0.5 * 0.5 * erfc(0.5 / sqrt(2));
    double mean1[3] = {1, 1, 1}, sd2[3] = {2, 2, 2};
    assert_true(fabs(knob__ehvi_log(&e, mean1, sd2, NULL, NULL) - 3 * log(2 * h)) < 1e-13);
    assert_int_equal(knob__ehvi_init(&e, ref, 0, 1, ref), KNOB__MATH_EDIMS);
    assert_int_equal(knob__ehvi_init(&e, ref, 0, KNOB__EHVI_MAX_OBJ + 1, ref), KNOB__MATH_EDIMS);
    knob__ehvi_free(&e);
}

/* A point known exactly (sd -> 0) improves the front by its hypervolume improvement. 2-D:
 * front (1,2) (2,1) below (3,3) has HV 3; (0,0) makes it 9: 6. 3-D: (1,1,1) below (2,2,2)
 * has 1; (0,0,0) makes it 8: 7. (1.5, 0.5) in 2-D: HV 3 + 0.5*0.5 + ... = boxes above it
 * not yet dominated: [1.5,2)x[0.5,2) minus what (1,2) holds (nothing below 2) = 0.75, and
 * [2,3)x[0.5,1) = 0.5: 1.25. */
static void hand_cases(void **state)
{
    (void)state;
    knob__ehvi e = {0};
    const double f2[2][2] = {{1, 2}, {2, 1}}, r2[2] = {3, 3};
    OK(knob__ehvi_init(&e, &f2[0][0], 2, 2, r2));
    assert_int_equal(e.n_front, 2);
    assert_int_equal(e.n_boxes, 3); /* n + 1 in 2-D */
    double sd[3] = {1e-9, 1e-9, 1e-9}, y0[3] = {0, 0, 0}, y1[2] = {1.5, 0.5};
    assert_true(fabs(exp(knob__ehvi_log(&e, y0, sd, NULL, NULL)) - 6) < 1e-7);
    assert_true(fabs(exp(knob__ehvi_log(&e, y1, sd, NULL, NULL)) - 1.25) < 1e-7);
    /* dominated by the front: nothing to gain, log far below */
    double y2[2] = {2.5, 2.5};
    assert_true(knob__ehvi_log(&e, y2, sd, NULL, NULL) < -1e6);
    const double f3[1][3] = {{1, 1, 1}}, r3[3] = {2, 2, 2};
    OK(knob__ehvi_init(&e, &f3[0][0], 1, 3, r3));
    assert_true(fabs(exp(knob__ehvi_log(&e, y0, sd, NULL, NULL)) - 7) < 1e-7);
    knob__ehvi_free(&e);
}

/* The boxes are the non-dominated region exactly: with their open lower ends cut at L,
 * their volumes sum to vol([L, ref)) - HV(front), and a point known exactly improves by
 * hypervolume's own measure; random sets with ties and duplicates in 2, 3 and 4-D. */
static void boxes_against_hypervolume(void **state)
{
    (void)state;
    knob_rng r;
    knob_rng_seed(&r, 11);
    knob__ehvi e = {0};
    double p[12 * 4], ref[4] = {1, 1, 1, 1}, sd[4] = {1e-10, 1e-10, 1e-10, 1e-10}, y[4];
    for (int trial = 0; trial < 150; trial++) {
        int m = 2 + trial % 3;
        size_t n = knob_rng_below(&r, 12);
        for (size_t i = 0; i < n * (size_t)m; i++)
            p[i] = (double)knob_rng_below(&r, 12) / 10;
        OK(knob__ehvi_init(&e, p, n, m, ref));
        double total = 0;
        for (int k = 0; k < e.n_boxes; k++) {
            double v = 1;
            for (int j = 0; j < m; j++) {
                const int *q = e.pair[j] + 2 * e.box[k * m + j];
                double lo = fmax(e.coord[j][q[0]], -1), hi = e.coord[j][q[1]];
                assert_true(lo < hi);
                v *= hi - lo;
            }
            total += v;
        }
        double want = pow(2, m) - hv(p, n, (size_t)m, ref);
        if (fabs(total - want) > 1e-12)
            fail_msg("case %d (n %zu, m %d): boxes %.17g, want %.17g", trial, n, m, total, want);
        for (int j = 0; j < m; j++)
            y[j] = knob_rng_uniform(&r) * 1.1 - 0.05;
        double got = exp(knob__ehvi_log(&e, y, sd, NULL, NULL)), exact = hvi(p, n, m, y, ref);
        if (fabs(got - exact) > 1e-8)
            fail_msg("case %d: ehvi at sd 0 %.12g, hvi %.12g", trial, got, exact);
    }
    knob__ehvi_free(&e);
}

/* Against the mean of the improvement over many draws of the normals. */
static void monte_carlo(int m, uint64_t seed)
{
    knob_rng r;
    knob_rng_seed(&r, seed);
    knob__ehvi e = {0};
    double p[8 * 3], ref[3] = {1, 1, 1}, mean[3], sd[3], y[3];
    for (int trial = 0; trial < 6; trial++) {
        size_t n = 2 + knob_rng_below(&r, 7);
        for (size_t i = 0; i < n * (size_t)m; i++)
            p[i] = knob_rng_uniform(&r);
        for (int j = 0; j < m; j++) {
            mean[j] = knob_rng_uniform(&r) * 1.2 - 0.1;
            sd[j] = 0.05 + 0.3 * knob_rng_uniform(&r);
        }
        OK(knob__ehvi_init(&e, p, n, m, ref));
        double want = exp(knob__ehvi_log(&e, mean, sd, NULL, NULL));
        int draws = 40000;
        double s = 0, s2 = 0;
        for (int i = 0; i < draws; i++) {
            for (int j = 0; j < m; j++)
                y[j] = mean[j] + sd[j] * knob_rng_normal(&r);
            double v = hvi(p, n, m, y, ref);
            s += v;
            s2 += v * v;
        }
        double mc = s / draws, se = sqrt(fmax(s2 / draws - mc * mc, 0) / draws);
        /* (an improvement below 1e-6 is out of the draws' sight) */
        if (fabs(mc - want) > 4 * se + 1e-6)
            fail_msg("m %d case %d: ehvi %.8g, Monte-Carlo %.8g +- %.2g", m, trial, want, mc, se);
    }
    knob__ehvi_free(&e);
}

static void monte_carlo_2d(void **state)
{
    (void)state;
    monte_carlo(2, 5);
}

static void monte_carlo_3d(void **state)
{
    (void)state;
    monte_carlo(3, 6);
}

/* d log EHVI / d mean and d sd against central differences. */
static void gradient(void **state)
{
    (void)state;
    knob__ehvi e = {0};
    const double f[4][3] = {{0.1, 0.8, 0.5}, {0.5, 0.4, 0.2}, {0.9, 0.1, 0.6}, {0.3, 0.3, 0.9}};
    double ref[3] = {1.1, 1.1, 1.1};
    double mean[3] = {0.4, 0.5, 0.45}, sd[3] = {0.2, 0.1, 0.3}, gm[3], gs[3];
    for (int m = 2; m <= 3; m++) {
        OK(knob__ehvi_init(&e, &f[0][0], 4, m, ref));
        for (double shift = 0; shift <= 3; shift += 1.5) { /* into the far tail */
            double mu[3];
            for (int j = 0; j < m; j++)
                mu[j] = mean[j] + shift;
            knob__ehvi_log(&e, mu, sd, gm, gs);
            for (int j = 0; j < m; j++) {
                double h = 1e-6, a[3], b[3];
                memcpy(a, mu, sizeof a);
                memcpy(b, mu, sizeof b);
                a[j] += h;
                b[j] -= h;
                double fd = (knob__ehvi_log(&e, a, sd, NULL, NULL) -
                             knob__ehvi_log(&e, b, sd, NULL, NULL)) /
                            (2 * h);
                if (fabs(fd - gm[j]) > 1e-5 * fmax(1, fabs(fd)))
                    fail_msg("m %d shift %g: dmean[%d] %.10g, differences %.10g", m, shift, j,
                             gm[j], fd);
                double sa[3], sb[3];
                memcpy(sa, sd, sizeof sa);
                memcpy(sb, sd, sizeof sb);
                sa[j] += h;
                sb[j] -= h;
                fd = (knob__ehvi_log(&e, mu, sa, NULL, NULL) -
                      knob__ehvi_log(&e, mu, sb, NULL, NULL)) /
                     (2 * h);
                if (fabs(fd - gs[j]) > 1e-5 * fmax(1, fabs(fd)))
                    fail_msg("m %d shift %g: dsd[%d] %.10g, differences %.10g", m, shift, j, gs[j],
                             fd);
            }
        }
    }
    knob__ehvi_free(&e);
}

/* Far beyond the reference point the improvement underflows (exp(-800) and below) but its
 * log stays finite and keeps ordering the points; near the front a box of width 1e-12 to
 * 1e-2 keeps full accuracy (against the same terms in long double). */
static void log_space(void **state)
{
    (void)state;
    knob__ehvi e = {0};
    const double f[2][2] = {{0, 1}, {0.5, 0}};
    double ref[2] = {2, 2}, sd[2] = {0.01, 0.01}, prev = HUGE_VAL;
    OK(knob__ehvi_init(&e, &f[0][0], 2, 2, ref));
    for (double t = 0.5; t <= 60; t *= 1.5) {
        double y[2] = {2 + t, 2 + t};
        double v = knob__ehvi_log(&e, y, sd, NULL, NULL);
        assert_true(isfinite(v));
        assert_true(v < prev);
        prev = v;
    }
    assert_true(prev < -1e6); /* exp of it is 0 */
    /* mean (0, 0), sd 1, front (0, 1) (w, 0) below (2, 2): the boxes [-inf,0)x[-inf,2),
     * [0,w)x[-inf,1), [w,2)x[-inf,0): psi0(0) psi1(2) + (psi0(w) - psi0(0)) psi1(1) +
     * (psi0(2) - psi0(w)) psi1(0), psi(a) = h(a) at sd 1 */
    for (double w = 1e-12; w < 2e-2; w *= 10) {
        const double g[2][2] = {{0, 1}, {w, 0}};
        double y[2] = {0, 0}, one[2] = {1, 1};
        OK(knob__ehvi_init(&e, &g[0][0], 2, 2, ref));
        long double H[5];
        const double at[5] = {0, w, 2, 1, 0};
        for (int i = 0; i < 5; i++) {
            long double z = at[i];
            H[i] = expl(-z * z / 2) / sqrtl(2 * 3.14159265358979323846264338327950L) +
                   z * 0.5L * erfcl(-z / sqrtl(2));
        }
        /* the middle term, integral of Phi over [0, w], by its series (too fine a
         * difference even for long double) */
        long double W = w, phi0 = 1 / sqrtl(2 * 3.14159265358979323846264338327950L);
        long double mid = W / 2 + phi0 * (W * W / 2 - W * W * W * W / 24 + powl(W, 6) / 240);
        long double want = H[0] * H[2] + mid * H[3] + (H[2] - H[1]) * H[4];
        double got = exp(knob__ehvi_log(&e, y, one, NULL, NULL));
        if (fabsl(got - want) > 1e-12L * want)
            fail_msg("w %g: ehvi %.17g, want %.17Lg", w, got, want);
    }
    knob__ehvi_free(&e);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(closed_form_one_box),
    cmocka_unit_test(hand_cases),
    cmocka_unit_test(boxes_against_hypervolume),
    cmocka_unit_test(monte_carlo_2d),
    cmocka_unit_test(monte_carlo_3d),
    cmocka_unit_test(gradient),
    cmocka_unit_test(log_space),
};

KNOB_TEST_MAIN(tests)
