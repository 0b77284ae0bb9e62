/*
 * NSGA-III (Deb and Jain 2014) as Optuna's NSGAIIISampler runs it: NSGA-II's generations,
 * parents, tournaments, crossovers and mutation (samplers/genetic.c, shared with nsga2:
 * one population in the storage for every worker, constrained domination), with another
 * survival rule for the last non-dominated front that does not fit whole:
 *
 * - reference points: Das-Dennis points with dividing_parameter divisions, or the user's
 *   (option reference_points, a list of points of as many objectives as the study);
 * - the elite and that front, infinite objectives clipped to 3 ranges beyond the finite
 *   ones, are normalised by the ideal point and the intercepts of the hyperplane through
 *   the extreme points (the nadir when there is no such hyperplane);
 * - each point is associated with the nearest reference line; the niche count of a line
 *   is the number of elite members on it; the front's members join one at a time: on a
 *   line of the smallest niche count (at random among those), the member nearest to the
 *   line when the count is 0, else a random one of its members.
 *
 * The draws of the niching come from (seed, generation), so every worker that chooses
 * the parents of a generation chooses the same ones; the first one records them.
 */
#include "samplers/genetic.h"
#include "samplers/nsga3.h"
#include "samplers/random.h"
#include "util/json.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REF_POINTS 100000

typedef struct nsga3 {
    knob__ga ga; /* first: the genetic machinery hands it back to cut() */
    char *reference_points;
    int64_t dividing_parameter;
    /* the reference points in use: h rows of ref_m, from the option or Das-Dennis */
    double *ref;
    size_t h, ref_m;
    bool user_ref;
} nsga3;

/* ---------------------------------------------------------------- reference points */

int knob__nsga3_das_dennis(size_t m, size_t p, double **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (m == 0 || p == 0)
        return knob_set_error(KNOB_EINVAL,
                              "Das-Dennis points: %zu objectives, %zu divisions "
                              "(both must be at least 1)",
                              m, p);
    /* C(m + p - 1, p), stopping once it passes the limit */
    double count = 1;
    for (size_t i = 1; i <= p && count <= MAX_REF_POINTS; i++)
        count = count * (double)(m - 1 + i) / (double)i;
    count = round(count);
    if (count > MAX_REF_POINTS)
        return knob_set_error(KNOB_EINVAL,
                              "Das-Dennis points: %zu objectives and %zu divisions make more "
                              "than %d reference points",
                              m, p, MAX_REF_POINTS);
    size_t total = (size_t)count, *idx = calloc(p, sizeof *idx);
    double *pts = calloc(total * m, sizeof *pts);
    if (!idx || !pts) {
        free(idx), free(pts);
        return knob_set_error(KNOB_ENOMEM, "out of memory (Das-Dennis points)");
    }
    /* the non-decreasing index tuples of length p in lexicographic order */
    for (size_t row = 0; row < total; row++) {
        for (size_t i = 0; i < p; i++)
            pts[row * m + idx[i]] += 1.0 / (double)p;
        size_t i = p;
        while (i > 0 && idx[i - 1] == m - 1)
            i--;
        if (i == 0)
            break;
        size_t v = idx[i - 1] + 1;
        for (size_t j = i - 1; j < p; j++)
            idx[j] = v;
    }
    free(idx);
    *out = pts;
    *n = total;
    return KNOB_OK;
}

/* Reads the option reference_points: a list of lists of as many finite numbers each. */
static int parse_reference_points(nsga3 *st)
{
    const char *text = st->reference_points;
    char err[128];
    knobx_json *j = knobx_json_parse(text, (size_t)-1, err, sizeof err);
    int rc = KNOB_OK;
    if (!j || j->type != KNOBX_JSON_ARRAY || j->n == 0)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'nsga3': option 'reference_points' must be a list of "
                            "points such as [[1,0],[0,1]], got %.80s",
                            text);
    size_t m = rc ? 0 : j->kids[0]->type == KNOBX_JSON_ARRAY ? j->kids[0]->n : 0;
    if (!rc && m == 0)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'nsga3': option 'reference_points': point 1 is not a "
                            "non-empty list of numbers");
    if (!rc && !(st->ref = malloc(j->n * m * sizeof *st->ref)))
        rc = knob_set_error(KNOB_ENOMEM, "out of memory (nsga3)");
    for (size_t i = 0; !rc && i < j->n; i++) {
        const knobx_json *row = j->kids[i];
        if (row->type != KNOBX_JSON_ARRAY || row->n != m) {
            rc = knob_set_error(KNOB_EINVAL,
                                "sampler 'nsga3': option 'reference_points': point %zu is not "
                                "a list of %zu numbers like point 1",
                                i + 1, m);
            break;
        }
        double norm = 0;
        for (size_t k = 0; !rc && k < m; k++) {
            const knobx_json *x = row->kids[k];
            if (x->type != KNOBX_JSON_NUMBER || !isfinite(x->num))
                rc = knob_set_error(KNOB_EINVAL,
                                    "sampler 'nsga3': option 'reference_points': point %zu, "
                                    "coordinate %zu is not a finite number",
                                    i + 1, k + 1);
            else
                st->ref[i * m + k] = x->num, norm += x->num * x->num;
        }
        if (!rc && norm == 0)
            rc = knob_set_error(KNOB_EINVAL,
                                "sampler 'nsga3': option 'reference_points': point %zu is the "
                                "origin, which gives no direction",
                                i + 1);
    }
    if (!rc) {
        st->h = j->n;
        st->ref_m = m;
        st->user_ref = true;
    } else {
        free(st->ref); /* init failed: fini is not called */
        st->ref = NULL;
    }
    knobx_json_free(j);
    return rc;
}

/* The reference points for m objectives, made on first use. */
static int reference_points(nsga3 *st, size_t m)
{
    if (st->user_ref) {
        if (st->ref_m != m)
            return knob_set_error(KNOB_EINVAL,
                                  "sampler 'nsga3': option 'reference_points' has points of %zu "
                                  "objectives; the study has %zu",
                                  st->ref_m, m);
        return KNOB_OK;
    }
    if (st->ref && st->ref_m == m)
        return KNOB_OK;
    free(st->ref);
    st->ref = NULL;
    st->ref_m = 0;
    int rc = knob__nsga3_das_dennis(m, (size_t)st->dividing_parameter, &st->ref, &st->h);
    if (!rc)
        st->ref_m = m;
    else if (rc == KNOB_EINVAL)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'nsga3': option 'dividing_parameter' %lld with %zu "
                            "objectives makes more than %d Das-Dennis reference points "
                            "(C(objectives + p - 1, p)); lower it, or give reference_points",
                            (long long)st->dividing_parameter, m, MAX_REF_POINTS);
    return rc;
}

/* ---------------------------------------------------------------- normalisation */

/* Solves a x = b (m by m, row-major; a and b are overwritten) by Gaussian elimination with
 * partial pivoting; false when a is singular. */
static bool solve(double *a, double *b, size_t m, double *x)
{
    double scale = 0;
    for (size_t i = 0; i < m * m; i++)
        scale = fmax(scale, fabs(a[i]));
    if (!(scale > 0) || !isfinite(scale))
        return false;
    for (size_t c = 0; c < m; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(a[r * m + c]) > fabs(a[piv * m + c]))
                piv = r;
        if (fabs(a[piv * m + c]) <= 1e-12 * scale)
            return false;
        if (piv != c) {
            for (size_t k = 0; k < m; k++) {
                double t = a[c * m + k];
                a[c * m + k] = a[piv * m + k];
                a[piv * m + k] = t;
            }
            double t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        for (size_t r = c + 1; r < m; r++) {
            double f = a[r * m + c] / a[c * m + c];
            for (size_t k = c; k < m; k++)
                a[r * m + k] -= f * a[c * m + k];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = m; c-- > 0;) {
        double v = b[c];
        for (size_t k = c + 1; k < m; k++)
            v -= a[c * m + k] * x[k];
        x[c] = v / a[c * m + c];
    }
    return true;
}

int knob__nsga3_normalize(double *f, size_t n, size_t m)
{
    if (n == 0 || m == 0)
        return 0;
    for (size_t j = 0; j < m; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, f[i * m + j]), hi = fmax(hi, f[i * m + j]);
        /* Objectives near the largest double: f - lo (and the scalarising weights of 1e6
         * below) would overflow. Scaled by a power of two to at most 1, which the division by
         * an intercept or a nadir takes out. */
        if (!(hi - lo <= 0x1p980)) {
            int e;
            frexp(fmax(fabs(lo), fabs(hi)), &e);
            for (size_t i = 0; i < n; i++)
                f[i * m + j] = ldexp(f[i * m + j], -e);
            lo = ldexp(lo, -e);
        }
        for (size_t i = 0; i < n; i++)
            f[i * m + j] -= lo;
    }
    double *e = malloc((m * m + 2 * m) * sizeof *e), *b = e ? e + m * m : NULL,
           *inv = e ? b + m : NULL;
    bool hyperplane = e != NULL;
    for (size_t d = 0; hyperplane && d < m; d++) {
        /* the extreme point of axis d: least max_j f_j / w_j, w_d = 1, the others 1e-6 */
        size_t best = 0;
        double best_asf = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double asf = -INFINITY;
            for (size_t j = 0; j < m; j++)
                asf = fmax(asf, f[i * m + j] * (j == d ? 1 : 1e6));
            if (asf < best_asf)
                best_asf = asf, best = i;
        }
        memcpy(e + d * m, f + best * m, m * sizeof *e);
        b[d] = 1;
    }
    hyperplane = hyperplane && solve(e, b, m, inv);
    for (size_t j = 0; hyperplane && j < m; j++)
        hyperplane = isfinite(inv[j]) && inv[j] > 0;
    for (size_t j = 0; j < m; j++) {
        double scale = 1;
        if (hyperplane) {
            scale = inv[j];
        } else {
            double hi = 0;
            for (size_t i = 0; i < n; i++)
                hi = fmax(hi, f[i * m + j]);
            scale = hi > 0 ? 1 / hi : 1;
        }
        for (size_t i = 0; i < n; i++)
            f[i * m + j] *= scale;
    }
    free(e);
    return hyperplane;
}

void knob__nsga3_associate(const double *f, size_t n, size_t m, const double *ref, size_t h,
                           size_t *closest, double *dist)
{
    for (size_t i = 0; i < n; i++) {
        const double *x = f + i * m;
        closest[i] = 0;
        dist[i] = INFINITY;
        for (size_t r = 0; r < h; r++) {
            const double *w = ref + r * m;
            double ww = 0, xw = 0, d2 = 0;
            for (size_t j = 0; j < m; j++)
                ww += w[j] * w[j], xw += x[j] * w[j];
            for (size_t j = 0; j < m; j++) {
                double v = x[j] - xw / ww * w[j];
                d2 += v * v;
            }
            double d = sqrt(d2);
            if (d < dist[i])
                dist[i] = d, closest[i] = r;
        }
    }
}

int knob__nsga3_niche(size_t h, const size_t *elite_ref, size_t n_elite, const size_t *cand_ref,
                      const double *cand_dist, size_t k, size_t need, knob_rng *r, size_t *out)
{
    size_t *count = calloc(h + 1, sizeof *count), *left = calloc(h + 1, sizeof *left),
           *lines = malloc((h + 1) * sizeof *lines), *pick = malloc((k + 1) * sizeof *pick);
    bool *taken = calloc(k + 1, sizeof *taken);
    if (!count || !left || !lines || !pick || !taken) {
        free(count), free(left), free(lines), free(pick), free(taken);
        return knob_set_error(KNOB_ENOMEM, "out of memory (nsga3)");
    }
    for (size_t i = 0; i < n_elite; i++)
        count[elite_ref[i]]++;
    for (size_t i = 0; i < k; i++)
        left[cand_ref[i]]++;
    for (size_t step = 0; step < need; step++) {
        /* the lines with candidates left and the fewest members */
        size_t least = SIZE_MAX, nl = 0;
        for (size_t l = 0; l < h; l++)
            if (left[l] && count[l] < least)
                least = count[l];
        for (size_t l = 0; l < h; l++)
            if (left[l] && count[l] == least)
                lines[nl++] = l;
        size_t line = lines[knob_rng_below(r, nl)], np = 0, at = SIZE_MAX;
        for (size_t i = 0; i < k; i++)
            if (!taken[i] && cand_ref[i] == line)
                pick[np++] = i;
        if (least == 0) {
            at = pick[0];
            for (size_t i = 1; i < np; i++)
                if (cand_dist[pick[i]] < cand_dist[at])
                    at = pick[i];
        } else {
            at = pick[knob_rng_below(r, np)];
        }
        taken[at] = true;
        out[step] = at;
        left[line]--;
        count[line]++;
    }
    free(count), free(left), free(lines), free(pick), free(taken);
    return KNOB_OK;
}

/* ---------------------------------------------------------------- survival */

static int cut(knob__ga *g, const knob__ga_pop *p, size_t m, const size_t *elite, size_t n_elite,
               const size_t *front, size_t k, size_t need, knob_rng *r, size_t *out)
{
    nsga3 *st = (nsga3 *)g;
    int rc = reference_points(st, m);
    if (rc)
        return rc;
    size_t n = n_elite + k;
    double *f = malloc((n * m + n + 1) * sizeof *f), *dist = f ? f + n * m : NULL;
    size_t *closest = malloc((n + k + 1) * sizeof *closest), *sel = closest ? closest + n : NULL;
    if (!f || !closest) {
        free(f), free(closest);
        return knob_set_error(KNOB_ENOMEM, "out of memory (nsga3)");
    }
    for (size_t i = 0; i < n; i++) {
        size_t at = i < n_elite ? elite[i] : front[i - n_elite];
        memcpy(f + i * m, p->loss + at * m, m * sizeof *f);
    }
    /* infinite objectives: clipped to 3 ranges beyond the finite ones (Optuna's _filter_inf) */
    for (size_t j = 0; j < m; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (isfinite(f[i * m + j]))
                lo = fmin(lo, f[i * m + j]), hi = fmax(hi, f[i * m + j]);
        if (lo > hi)
            lo = hi = 0;
        double margin = 3 * (hi - lo);
        for (size_t i = 0; i < n; i++) {
            double v = f[i * m + j];
            f[i * m + j] = isnan(v) ? hi + margin : fmin(fmax(v, lo - margin), hi + margin);
        }
    }
    knob__nsga3_normalize(f, n, m);
    knob__nsga3_associate(f, n, m, st->ref, st->h, closest, dist);
    rc = knob__nsga3_niche(st->h, closest, n_elite, closest + n_elite, dist + n_elite, k, need, r,
                           sel);
    for (size_t i = 0; !rc && i < need; i++)
        out[i] = front[sel[i]];
    free(f), free(closest);
    return rc;
}

/* ---------------------------------------------------------------- the plugin */

static int check_unused(const nsga3 *st);

static int init(void *state)
{
    nsga3 *st = state;
    int rc = knob__ga_init(&st->ga, "nsga3", cut);
    if (!rc)
        rc = check_unused(st);
    if (!rc && st->reference_points && st->reference_points[0])
        rc = parse_reference_points(st);
    return rc;
}

static void fini(void *state)
{
    nsga3 *st = state;
    knob__ga_fini(&st->ga);
    free(st->ref);
}

static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    nsga3 *st = state;
    /* a study without objectives: the genetic part's "needs an objective", not the
     * reference points' message of 0 objectives */
    if (knob_study_n_objectives(s) == 0)
        return knob__ga_before_trial(state, s, t);
    /* the reference points are made (the user's checked against the study) before the
     * first trial, not when the first generation ends */
    int rc = reference_points(st, knob_study_n_objectives(s));
    return rc ? rc : knob__ga_before_trial(state, s, t);
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    return knob__ga_sample_relative(state, s, t);
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    return knob__ga_sample_independent(state, s, t, name, d, internal);
}

static const knob_option options[] = {
    KNOB__GA_OPTIONS(nsga3, ga),
    KNOB__GA_MUTATION_OPTIONS(nsga3, ga, "random"),
    KNOB__GA_INITIAL_OPTION(nsga3, ga, "random"),
    KNOB__GA_TOURNAMENT_OPTION(nsga3, ga),
    KNOB__GA_CLONES_OPTION(nsga3, ga),
    KNOB__GA_SELECTION_OPTION(nsga3, ga, "dominance"),
    {"reference_points", KNOB_OPT_STRING, offsetof(nsga3, reference_points), "", 0, 0,
     "the reference points, a list of points of as many objectives as the study, such as "
     "[[1,0,0],[0,1,0],[0,0,1]] (empty: Das-Dennis points)",
     NULL},
    {"dividing_parameter", KNOB_OPT_INT, offsetof(nsga3, dividing_parameter), "3", 1, 1000,
     "divisions of each axis for the Das-Dennis points: C(objectives + p - 1, p) points", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int check_unused(const nsga3 *st)
{
    return knob__ga_check_unused(&st->ga, options, st);
}

const knob_sampler_plugin knob__sampler_nsga3 = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "nsga3",
    .help = "NSGA-III (Optuna's NSGAIIISampler), for three or more objectives: nsga2's "
            "generations shared by every worker through the storage, crossovers, mutation and "
            "constrained domination, with survival by reference points (Das-Dennis points or "
            "the user's, normalisation by the ideal point and the intercepts of the extreme "
            "points, niching). Options: population_size, crossover, crossover_prob, "
            "swapping_prob, mutation_prob, mutation (random, as Optuna's, by default), "
            "mutation_eta, selection (dominance, as Optuna's, by default), initial (random, as "
            "Optuna's, by default), tournament_size (2 with dominance), avoid_clones (0 with "
            "random mutation), reference_points, "
            "dividing_parameter, seed.",
    .state_size = sizeof(nsga3),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
};
