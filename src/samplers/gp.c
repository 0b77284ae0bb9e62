/* Bayesian optimization with a Gaussian process (math/gp.h) and log expected improvement
 * or an upper confidence bound (math/acq.h).
 *
 * The space is the params every completed trial has with one distribution; each becomes
 * one dimension of the unit cube (log params on their log scale, ints and steps as bins of
 * equal width, rounded after the search) or a categorical dimension under a Hamming
 * kernel; at most MAX_DIMS (512) params (refuse_wide). Losses (the objective, negated when
 * maximized; an infinite one clipped to the worst or best finite one, as Optuna's GPSampler
 * clips them) are divided by a power of two (exact: losses of any magnitude alike), warped by
 * a Yeo-Johnson transform fitted to them, then standardized. Trials still running elsewhere
 * enter as fantasies: at the model's own mean (kriging believer) or at the worst loss seen
 * (constant liar), so K parallel workers get K different points; so do this process's
 * trials asked before their params were suggested, at the points proposed to them
 * (gp_pending.c), so a batch of K asks gets K different points too.
 *
 * The acquisition is maximized over n_candidates scrambled Sobol points plus a quarter as
 * many around the best trials, then by L-BFGS (NLopt, in units of the length scales) over
 * the continuous dimensions from the n_local_search best of them and from the incumbent,
 * then one pass over the values of every discrete dimension (categories, and ints or steps
 * of at most 64 values, rounded) that skips points asked before: every trial's in a space
 * of discrete params alone (a Bayesmark kNN space of 100 points got 20 distinct points in
 * 64 trials before), the running and failed ones' otherwise. Draws derive from (seed,
 * trial number); kernel hyperparameters start from the previous fit, stored with the
 * study (FIT_KEY), so a process that asks in the same order gets the same suggestions, and
 * so does a new process that asks next (knob ask, a study resumed).
 *
 * Defaults, measured on bench/samplers (100 trials, median regret of 20 seeds, with and
 * without the warp): Rosenbrock 1.7 / 31.6, Ackley 2.6 / 5.2, Levy 0.40 / 0.51,
 * Styblinski-Tang 58 / 93. A noise floor of 1e-10 rather than 1e-6 took Branin from 3e-5
 * to 3e-7 and Hartmann from 9e-5 to 1.5e-6: deterministic objectives interpolate, noisy
 * ones fit their noise above the floor.
 *
 * Stalls: when the last asks all landed next to the incumbent (STALL_TRIALS) and none of
 * them lowered the best, the next is the most uncertain point a little way off it, so an
 * overconfident model sees its neighbourhood again instead of asking for one point to the
 * end.
 *
 * Repeats (one objective): an ask of a point asked before (within 1e-7) is a draw near the
 * best instead (a warm run's refinement point first, gp_warm.c): near the optimum of a
 * deterministic objective the acquisition settles on the best point itself
 * (knob__bo_unrepeat).
 *
 * Plateaus: when 3 of the last 5 observations tie exactly with the best loss (a decision
 * tree that predicts one class over most of its space), the next point is the study's
 * next scrambled Sobol point instead of the acquisition's best: a stationary kernel sees
 * no flat region, and expected improvement kept asking the plateau (gp left a 3-D test
 * plateau on 4 of 10 seeds in 64 trials, random search on 9; now on 10).
 *
 * Steps (option step_mask=k, 3 in the default auto): the acquisition's asks leave out points
 * whose k nearest observations (in the model's length scales) tie exactly. A staircase loss
 * (a decision tree's) gives that loss again there; the steps' edges are where other values
 * lie. Without two tied observations, or beside running trials (in 16 rounds of 8 it did
 * worse), nothing changes: a smooth loss asks as before. On bench/bayesmark's DT-breast-nll
 * (64 trials, seeds 0-9) gp asked one step (a stump's log loss) on 23-42 of its trials
 * before, and its mean best log loss went from 0.2977 to 0.2895 with the mask (random
 * search 0.2929).
 *
 * Scale: at most max_observations (256) trials go into the model, the best half and the
 * most recent; an ask then costs about as much at 10,000 trials as at 300 (11 ms of CPU
 * at 1,000, 15 ms at 10,000, against 146 ms at 1,000 with every trial in the model).
 *
 * Constraints: one more model per constraint value (standardized, no warp); the acquisition
 * adds log Phi((0 - mean) / sd) of each (math/acq.h), so log EI becomes log EI plus the log
 * probability of feasibility (Gardner et al. 2014). Only feasible trials are incumbents;
 * while none is, the acquisition is that log probability alone.
 *
 * Several objectives (two or three): one model per objective, each warped and standardized
 * as the one objective is; the acquisition is log EHVI, computed exactly by box
 * decomposition of the feasible front's non-dominated region (math/ehvi.h) below the
 * reference point, plus the constraints' log probability of feasibility, maximized as above
 * (knob__bo_suggest_mo, gp_mo.c). The reference point is the option reference_point
 * (objective units, mapped into each model's) or else the feasible front's nadir pushed out
 * by a fiftieth of the front's range, never beyond Optuna's point (the worst feasible
 * standardized loss pushed out by a tenth; knob__bo_mo_default_ref). Optuna's point alone
 * is far from a front that is still poor, and there extreme points and uncertain corners
 * weigh most: on DTLZ2 with 12 params 56% of the ten distance coordinates asked after the
 * startup were within 0.01 of a bound (bench/README.md, "multiobjective").
 *
 * The files of this sampler and what each holds: samplers/gp_internal.h. */
#include "math/sobol.h"
#include "samplers/cost.h"
#include "samplers/gp_internal.h"
#include "samplers/random.h"
#include "util/json.h"
#include "util/lazy.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* More params in the model's space than it takes, in words. */
static int too_many(knob_study *s, size_t nd)
{
    return knob_set_error(KNOB_EINVAL,
                          "sampler 'gp': the completed trials of study '%s' share %zu params; gp "
                          "models at most %d (tpe and smac take more)",
                          knob_study_name(s), nd, MAX_DIMS);
}

/* The params every completed trial has with one distribution, in name order, and their
 * kinds (p->cat). */
static int infer_space(bo *p, knob_study *s, const knob_trial_info *const *tr, size_t n)
{
    knob__dim *dims;
    size_t nd;
    int rc = knob__intersection(tr, n, 0, &dims, &nd);
    if (rc)
        return rc;
    free(p->dims);
    p->dims = dims;
    p->n_dims = 0;
    if (nd > MAX_DIMS)
        return too_many(s, nd);
    bool *cat = realloc(p->cat, (nd + 1) * sizeof *cat);
    if (!cat)
        return knob__oom("gp: the space's kinds");
    p->cat = cat;
    for (size_t k = 0; k < nd; k++)
        cat[k] = dims[k].cat;
    p->n_dims = (int)nd;
    return KNOB_OK;
}

/* A space of more than MAX_DIMS params, refused when the model would first see it (its
 * startup trials complete), before the trial's row exists: at the model's ask it failed a
 * trial, and each ask after it another. Only when every completed trial has that many
 * params is the space (their shared params) read. */
static int refuse_wide(const bo *p, knob_study *s)
{
    const knob_trial_info *const *tr;
    size_t n, done = 0, wide = 0;
    int rc = knob_study_trials(s, &tr, &n);
    for (size_t i = 0; !rc && i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values >= 1 &&
            !isnan(tr[i]->values[0])) {
            done++;
            wide += tr[i]->n_params > MAX_DIMS;
        }
    if (rc || wide < done || done < 2 || ((int64_t)done < p->n_startup_trials && !p->ws_study[0]))
        return rc;
    knob__dim *dims;
    size_t nd;
    if ((rc = knob__intersection(tr, n, 0, &dims, &nd)))
        return rc;
    free(dims);
    return nd > MAX_DIMS ? too_many(s, nd) : KNOB_OK;
}

static int suggest(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                   size_t n_tr)
{
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    int64_t self = knob_trial_number(t);
    const bool *cat = p->cat;
    data D = {0};
    double *xbest = malloc(((size_t)p->n_dims + 1) * sizeof *xbest);
    if (!xbest)
        return knob__oom("gp: the ask's point");
    int rc = knob__bo_observe(p, sign, tr, n_tr, &D);
    if (!rc) {
        knob__bo_standardize_by(p, &D, knob__bo_warm_scale(p, &D), NULL);
        rc = knob__bo_fit_model(p, &D, cat);
    }
    if (!rc)
        rc = knob__bo_fit_constraints(p, &D, cat);
    if (!rc)
        rc = knob__bo_fit_cost(p, &D, cat);
    if (!rc)
        rc = knob__bo_fit_terrace(p, &D, cat);
    if (!rc)
        rc = knob__bo_add_fantasies(p, tr, n_tr, self, cat, &D);
    bool explored = false;
    if (!rc && (D.plateau || knob__bo_interleaved(p, self, &D)))
        rc = knob__bo_explore(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest,
                              &explored);
    if (!rc && !explored && knob__bo_warm_refines(p, self, &D))
        rc = knob__bo_warm_refine(p, &D, xbest, &explored);
    if (!rc && !explored) {
        /* warm: the acquisition near the source's best (gp_warm.c) */
        rc = knob__bo_warm_box(p, &D);
        if (!rc)
            rc = knob__bo_maximize(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
        p->ws_box_on = false;
        /* the point of the value asked (a log int's is continuous until rounded), so that
         * a point asked before is seen to be one */
        for (int k = 0; !rc && k < p->n_dims; k++)
            xbest[k] = knob__dim_round(&p->dims[k], xbest[k]);
        if (!rc) /* not a point asked before */
            rc = knob__bo_unrepeat(p, knob_sampler_seed(knob_study_sampler(s)), self, &D, xbest);
    }
    if (!rc)
        rc = knob__bo_propose(p, t, xbest);
    knob__bo_data_free(&D);
    free(xbest);
    return rc;
}

/* The trust region's model starts from its stored fit (knob__bo_fit_start). */
static void turbo_start(void *sampler, knob__gp *g)
{
    knob__bo_fit_start(sampler, g, "turbo");
}

/* TuRBO-1 (trust_region): its box and local model replace the global one. */
static int trust_region(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                        size_t n)
{
    if (p->n_obj > 1)
        return knob_set_error(KNOB_EUNSUPPORTED,
                              "sampler 'gp': trust_region optimizes one objective; study '%s' "
                              "has %d",
                              knob_study_name(s), p->n_obj);
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    int d = p->n_dims, nc = 100 * d < 5000 ? 100 * d : 5000;
    int threads = openblas_get_num_threads();
    if (threads > 1)
        openblas_set_num_threads(1);
    p->turbo.start = turbo_start;
    p->turbo.start_ctx = p;
    p->fit_study = s;
    knob__bo_fit_load(p);
    int rc =
        knob__turbo_suggest(&p->turbo, p->dims, d, tr, n, sign, (int)p->n_startup_trials, nc,
                            (int)p->fit_max_evals, knob_sampler_seed(knob_study_sampler(s)), t);
    if (!rc)
        rc = knob__bo_fit_store(p);
    p->fit_study = NULL;
    if (threads > 1)
        openblas_set_num_threads(threads);
    return rc;
}

/* The study's objectives against the options, the warm start's source opened
 * (knob__warm_check) and the space's width (refuse_wide), before the trial's row exists (a
 * study gp cannot search, or a misspelt source, was left a failed trial without params at
 * each ask); sample_relative
 * checks them too, for auto, which calls it alone. */
static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    (void)t;
    if (knob_study_n_objectives(s) == 0)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'gp': study '%s' has no objective to model "
                              "(give it a metric, or use random, grid or qmc)",
                              knob_study_name(s));
    bo *p = state;
    p->n_obj = (int)knob_study_n_objectives(s);
    int rc = p->n_obj > 1 ? knob__bo_mo_refused(p, s) : KNOB_OK;
    if (!rc && p->n_obj == 1 && p->n_user_ref)
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'gp': option 'reference_point' is for several objectives; "
                            "study '%s' has one",
                            knob_study_name(s));
    /* as reference_point: taken and ignored, it said nothing (the default, logehvi, is
     * every study's) */
    if (!rc && p->n_obj == 1 && strcmp(p->mo_acquisition, "logehvi"))
        rc = knob_set_error(KNOB_EINVAL,
                            "sampler 'gp': option 'mo_acquisition' (%s) is for several "
                            "objectives; study '%s' has one",
                            p->mo_acquisition, knob_study_name(s));
    if (!rc)
        rc = knob__warm_check(s, "gp", p->ws_study, p->ws_storage, &p->ws_checked);
    if (!rc)
        rc = refuse_wide(p, s);
    return rc;
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    bo *p = state;
    int rc = before_trial(state, s, t);
    if (rc)
        return rc;
    if (p->ws_study[0] && p->ws_first > 0 && !p->ws_firsts_read &&
        (rc = knob__bo_read_firsts(p, s)))
        return rc;
    bool first = false;
    if ((rc = knob__warm_firsts_propose(&p->ws_firsts, s, t, &first)) || first)
        return rc;
    const knob_trial_info *const *tr;
    size_t n, n_complete = 0;
    rc = knob_study_trials(s, &tr, &n);
    if (!rc) /* what the trials show now counts by itself */
        knob__bo_proposals_prune(p, tr, n);
    p->nc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        /* an infinite value is an observation too (knob__bo_observe) */
        bool done =
            tr[i]->state == KNOB_TRIAL_COMPLETE && tr[i]->n_values >= 1 && !isnan(tr[i]->values[0]);
        n_complete += done;
        if (done && tr[i]->n_constraints > (size_t)p->nc)
            p->nc = tr[i]->n_constraints > 1000 ? 1000 : (int)tr[i]->n_constraints;
    }
    if (rc || n_complete < 2)
        return rc;
    if ((int64_t)n_complete < p->n_startup_trials && !p->ws_study[0])
        return KNOB_OK;
    knob__cost_note(s, "gp", p->cost, p->n_startup_trials, &p->cost_settled);
    if ((rc = infer_space(p, s, tr, n)) || p->n_dims == 0)
        return rc;
    /* the model's libraries are opened now, when it is first needed */
    if ((rc = knob__needs("sampler 'gp'", knobx_lazy_lapack())) ||
        (rc = knob__needs("sampler 'gp'", knobx_lazy_nlopt())))
        return rc;
    if (p->trust_region)
        return trust_region(p, s, t, tr, n);
    if (p->ws_study[0] && !p->ws_loaded && (rc = knob__bo_warm_start(p, s)))
        return rc;
    for (int k = 0; p->ws_on && k < p->ns; k++) {
        /* the space may have changed since: the shared params by name; one gone, cold */
        int j = 0;
        while (j < p->n_dims && strcmp(p->dims[j].name, p->s_names[k]) != 0)
            j++;
        p->s_dims[k] = j;
        p->ws_on = j < p->n_dims;
    }
    /* warm, the source's model stands in for the startup trials */
    if ((int64_t)n_complete < p->n_startup_trials && !p->ws_on)
        return KNOB_OK;
    /* OpenBLAS threads gain little on matrices of a thousand rows at most, and on a busy
     * machine their spinning made an ask at 100 trials 47 times slower (0.9 s, not 20
     * ms): one thread while the model works, then the caller's setting again. */
    int threads = openblas_get_num_threads();
    if (threads > 1)
        openblas_set_num_threads(1);
    p->ws_seed = knob_sampler_seed(knob_study_sampler(s));
    p->ws_self = knob_trial_number(t);
    p->fit_study = s; /* each model starts from its stored fit, and is stored after */
    knob__bo_fit_load(p);
    rc = p->n_obj > 1 ? knob__bo_suggest_mo(p, s, t, tr, n) : suggest(p, s, t, tr, n);
    if (!rc)
        rc = knob__bo_fit_store(p);
    p->fit_study = NULL;
    if (threads > 1)
        openblas_set_num_threads(threads);
    return rc;
}

/* Before the model starts (and for params outside its space): random draws, or the
 * trial's point of one scrambled Sobol sequence, a dimension per param in the order the
 * trial suggests them. */
static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *dist, double *internal)
{
    bo *p = state;
    if (strcmp(p->startup, "sobol") != 0 || dist->kind == KNOB_DIST_CATEGORICAL)
        return knob__random_independent(state, s, t, name, dist, internal);
    size_t dimension = knob_trial_n_params(t);
    if (dimension >= knob__sobol_dims || knob__bo_ensure_dirs(p, (unsigned)dimension + 1))
        return knob__random_independent(state, s, t, name, dist, internal);
    uint64_t salt = knob_sampler_seed(knob_study_sampler(s)) ^ 0x5851F42D4C957F2Dull;
    double u = knob__bo_sobol_u(p, (unsigned)dimension, (uint64_t)knob_trial_number(t) + 1, salt);
    knob__dim d;
    knob__dim_init(&d, name, dist, 0);
    *internal = knob__dim_from_unit(&d, u);
    return KNOB_OK;
}

static int check_unused(const bo *p);

static int init(void *state)
{
    bo *p = state;
    p->ucb = strcmp(p->acquisition, "ucb") == 0;
    p->failed_worst = strcmp(p->failed, "worst") == 0;
    p->pending_mode = 0;
    if (strcmp(p->pending, "believer") == 0)
        p->pending_mode = 1;
    else if (strcmp(p->pending, "liar") == 0)
        p->pending_mode = 2;
    p->parego = strcmp(p->mo_acquisition, "parego") == 0;
    p->hedge = strcmp(p->batch_acquisition, "hedge") == 0;
    p->inc_mean = strcmp(p->incumbent, "mean") == 0;
    p->own_proposed.max = KNOB__PROPOSED_MAX;
    int rc = knob__warm_options_check("sampler 'gp'", p->ws_study, p->ws_storage, p->ws_first);
    if (!rc)
        rc = check_unused(p);
    if (!rc)
        rc = knob__cost_options_check("sampler 'gp'", p->cost, p->cost_budget);
    /* TuRBO's box and local model replace the global model the source informs: the source
     * would be read and left unused, without a word */
    if (!rc && p->trust_region && p->ws_study && p->ws_study[0])
        rc = knob_set_error(KNOB_EINVAL, "sampler 'gp': trust_region does not take a warm start "
                                         "(warm_start_study): give one of them");
    return rc ? rc : knob__bo_parse_reference_point(p);
}

static void fini(void *state)
{
    bo *p = state;
    knob__gp_free(&p->gp);
    free(p->dims);
    free(p->cat);
    free(p->dirs);
    free(p->buf);
    free(p->scratch);
    for (int j = 0; j < p->cap_cgp; j++)
        knob__gp_free(&p->cgp[j]);
    free(p->cgp);
    knob__gp_free(&p->kgp);
    knob__gp_free(&p->sgp);
    free(p->ws_work);
    knob__gp_free(&p->lgp);
    knob__gp_free(&p->rgp);
    knobx_json_free(p->fit_saved);
    free(p->fit_text);
    knob__warm_firsts_free(&p->ws_firsts);
    for (int j = 0; j < KNOB__EHVI_MAX_OBJ - 1; j++)
        knob__gp_free(&p->mgp[j]);
    knob__ehvi_free(&p->ehvi);
    knob__turbo_free(&p->turbo);
    knob__gp_free(&p->tgp);
    knob__bo_proposals_free(p);
    free(p->cthr);
    free(p->cok);
}

static const char *const startups[] = {"sobol", "random", NULL};

static const char *const acquisitions[] = {"logei", "ucb", "ei", NULL};

static const char *const failed_modes[] = {"worst", "ignore", NULL};

static const char *const pending_modes[] = {"believer", "liar", "ignore", NULL};
static const char *const mo_acquisitions[] = {"logehvi", "parego", NULL};
static const char *const batch_acquisitions[] = {"same", "hedge", NULL};
static const char *const incumbents[] = {"observed", "mean", NULL};

static const knob_option options[] = {
    {"n_startup_trials", KNOB_OPT_INT, offsetof(bo, n_startup_trials), "10", 2, 1e9,
     "completed trials (Sobol or random) before the model", NULL},
    {"startup", KNOB_OPT_ENUM, offsetof(bo, startup), "sobol", 0, 0,
     "how the first trials are drawn: sobol (scrambled) or random", startups},
    {"acquisition", KNOB_OPT_ENUM, offsetof(bo, acquisition), "logei", 0, 0,
     "logei (log expected improvement), ucb (upper confidence bound), or ei (as logei: the "
     "logarithm keeps the best point)",
     acquisitions},
    {"beta", KNOB_OPT_DOUBLE, offsetof(bo, beta), "2", 0, 1e6,
     "with acquisition=ucb (refused beside another): mean + sqrt(beta) x standard deviation", NULL},
    {"failed", KNOB_OPT_ENUM, offsetof(bo, failed), "worst", 0, 0,
     "failed trials count as: worst (the worst value seen, so their region is avoided; not "
     "those whose worker was lost) or ignore",
     failed_modes},
    {"pending", KNOB_OPT_ENUM, offsetof(bo, pending), "believer", 0, 0,
     "running trials count as: believer (the model's mean), liar (the worst value) or "
     "ignore",
     pending_modes},
    {"n_candidates", KNOB_OPT_INT, offsetof(bo, n_candidates), "0", 0, 1 << 20,
     "Sobol points scored before the local search (0: 256 per param, 512 to 2048)", NULL},
    {"n_local_search", KNOB_OPT_INT, offsetof(bo, n_local_search), "8", 0, 1000,
     "best candidates refined by L-BFGS", NULL},
    {"fit_max_evals", KNOB_OPT_INT, offsetof(bo, fit_max_evals), "60", 0, 100000,
     "likelihood evaluations per kernel fit", NULL},
    {"max_observations", KNOB_OPT_INT, offsetof(bo, max_observations), "256", 10, 1e6,
     "the model's data at most: the best half and the most recent (an ask costs the square of it, "
     "a fit the cube)",
     NULL},
    {"cost", KNOB_OPT_STRING, offsetof(bo, cost), "", 0, 0,
     "cost-aware search: \"\" (cost-blind), \"duration\" (the trial's end minus start time), or "
     "the user attr holding each trial's cost; EI (EHVI with several objectives) per unit cost, "
     "the cost learned by its own model on its log and weighed down to nothing as the budget is "
     "spent (CArBO)",
     NULL},
    KNOB__COST_BUDGET_OPTION(bo, cost_budget),
    {"warm_start_study", KNOB_OPT_STRING, offsetof(bo, ws_study), "", 0, 0,
     "a finished related study whose model (on the params both share) is this one's prior "
     "mean, scaled to this study's trials; the model starts after 2 trials (the other "
     "warm_start_* options act with it alone, and are refused without it)",
     NULL},
    KNOB__WARM_STORAGE_OPTION(bo, ws_storage),
    KNOB__WARM_FIRST_OPTION(bo, ws_first),
    KNOB__WARM_REFINE_OPTION(bo, ws_refine),
    KNOB__WARM_SHIFT_OPTION(bo, ws_shift_on),
    {"warm_start_local", KNOB_OPT_INT, offsetof(bo, ws_local), "6", 0, 200,
     "with warm_start_study: the refinement (warm_start_refine) minimizes the mean of a local "
     "model of the N x params trials nearest the best (at least 10), in their bounding box, "
     "when the global model's refinement lands in that box (0: the global model's alone)",
     NULL},
    {"warm_start_task", KNOB_OPT_BOOL, offsetof(bo, ws_task), "false", 0, 0,
     "with warm_start_study: one model of the source's trials and this study's, with a task "
     "kernel whose correlation is fitted with the other kernel params (a multi-task GP) in "
     "place of the source's model as prior mean (when the two studies share every param)",
     NULL},
    {"warm_start_region", KNOB_OPT_DOUBLE, offsetof(bo, ws_region), "0.1", 0, 1,
     "with warm_start_study: the acquisition searches a box of this half side (a share of each "
     "param's range) around the source's best trial, then around this study's best once one of "
     "its trials lies in the box (0: the whole space)",
     NULL},
    {"warm_start_scale", KNOB_OPT_BOOL, offsetof(bo, ws_scale_on), "true", 0, 0,
     "with warm_start_study: this study's losses are warped and standardized as the source's "
     "were (one scale for the source's model as prior mean and this study's losses) while their "
     "median lies within the source's losses; else by their own",
     NULL},
    {"warm_start_rank", KNOB_OPT_BOOL, offsetof(bo, ws_rank_on), "false", 0, 0,
     "with warm_start_study: the source's mean is weighted in the prior by the probability that "
     "it orders this study's trials better than this study's own model does (RGPE's ranking "
     "weight, leave-one-out for the own model), so a misleading source fades as trials arrive "
     "(from 5 trials; not with warm_start_task)",
     NULL},
    {"trust_region", KNOB_OPT_BOOL, offsetof(bo, trust_region), "false", 0, 0,
     "TuRBO-1 for many params: a local model in a box around the best trial that doubles "
     "after 3 successes, halves after max(4, params) failures, and restarts (n_startup_trials "
     "random trials) below 2^-7; expected improvement inside the box",
     NULL},
    {"min_noise", KNOB_OPT_DOUBLE, offsetof(bo, min_noise), "1e-10", 0, 1,
     "floor of the noise variance (the losses are standardized)", NULL},
    {"warp", KNOB_OPT_BOOL, offsetof(bo, warp), "true", 0, 0,
     "Yeo-Johnson warp of the losses, fitted to each history (false: standardize only)", NULL},
    {"warp_inputs", KNOB_OPT_BOOL, offsetof(bo, warp_inputs), "false", 0, 0,
     "Kumaraswamy warping of each continuous param, fitted with the kernel (HEBO's input "
     "warping; not better on bench/bayesmark's decision trees, so off by default)",
     NULL},
    {"tie_margin", KNOB_OPT_DOUBLE, offsetof(bo, tie_margin), "0", 0, 100,
     "when several trials tie at the best value (a plateau), expected improvement counts only "
     "what lies this far below it (in standard deviations of the warped losses)",
     NULL},
    {"explore_every", KNOB_OPT_INT, offsetof(bo, explore_every), "0", 0, 1e9,
     "every explore_every-th trial after the startup explores (as on a plateau) instead of "
     "maximizing the acquisition, while explore_ties trials tie at the best (0: never)",
     NULL},
    {"explore_ties", KNOB_OPT_INT, offsetof(bo, explore_ties), "1", 1, 1e9,
     "explore_every applies while at least this many observations tie at the best loss (1: "
     "always)",
     NULL},
    {"explore_local", KNOB_OPT_DOUBLE, offsetof(bo, explore_local), "0", 0, 10,
     "an exploring trial (plateau, explore_every) draws near one of the best observations, with "
     "this standard deviation in the unit cube (0: the study's next Sobol point)",
     NULL},
    {"step_mask", KNOB_OPT_INT, offsetof(bo, step_mask), "0", 0, 8,
     "the acquisition's asks avoid points whose step_mask nearest observations (in length "
     "scales) tie exactly (inside a step of a staircase; not beside running trials; 0: never)",
     NULL},
    {"terrace", KNOB_OPT_INT, offsetof(bo, terrace), "0", 0, 1e9,
     "while at least this many trials tie at the best value (a step of a staircase, as a "
     "decision tree's loss), a model of where the ties lie weighs the acquisition by the "
     "probability of leaving their step (0: never)",
     NULL},
    {"batch_acquisition", KNOB_OPT_ENUM, offsetof(bo, batch_acquisition), "same", 0, 0,
     "asks beside running trials (a batch, parallel workers): same (the acquisition's) or hedge "
     "(in turn the acquisition, log probability of improvement and a wide UCB, sqrt(beta) 3: "
     "GP-Hedge's and MACE's portfolio of EI, PI and UCB)",
     batch_acquisitions},
    {"round_inside", KNOB_OPT_BOOL, offsetof(bo, round_inside), "false", 0, 0,
     "ints and stepped floats are rounded inside the acquisition's search (candidates scored at "
     "their values, the local search over the continuous params with the rounded ones held, as "
     "HEBO and Optuna's GPSampler do) instead of searched as continuous and rounded after (worse "
     "on bench/bayesmark's decision trees, so off by default)",
     NULL},
    {"incumbent", KNOB_OPT_ENUM, offsetof(bo, incumbent), "observed", 0, 0,
     "what expected improvement improves on: observed (the best loss seen) or mean (the lowest "
     "posterior mean at an observed point: with a fitted noise, a lucky draw of a noisy "
     "objective does not set the bar; better in batches on a noisy SVM, worse on decision trees "
     "in bench/bayesmark, so observed by default)",
     incumbents},
    {"reference_point", KNOB_OPT_STRING, offsetof(bo, ref_text), "", 0, 0,
     "several objectives: the hypervolume's reference point, a list of one value per objective "
     "such as [1.1, 11] (the worst value of each that still counts: a limit such as 50 MB); log "
     "EHVI counts improvement below it only. \"\": the nadir of the front observed, pushed out "
     "by 2% of its range",
     NULL},
    {"mo_acquisition", KNOB_OPT_ENUM, offsetof(bo, mo_acquisition), "logehvi", 0, 0,
     "several objectives: logehvi (log expected hypervolume improvement, one model per "
     "objective) or parego (each ask one model of a random augmented Chebyshev scalarization "
     "of the objectives and log EI, ParEGO: better where the front lies inside the cube, as "
     "DTLZ2's; half the cost per ask)",
     mo_acquisitions},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

/* Options that act only beside another, set without it: they would be accepted and left
 * unused without a word (the warm_start_* options without warm_start_study, beta without
 * acquisition=ucb). */
static int check_unused(const bo *p)
{
    char value[64];
    if (!p->ucb && knob__option_changed(options, p, "beta", value, sizeof value))
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'gp': option 'beta' (%s) acts only with acquisition=ucb "
                              "(the acquisition is %s); give both, or neither",
                              value, p->acquisition);
    return knob__warm_only_check("sampler 'gp'", p->ws_study, options, p);
}

const knob_sampler_plugin knob__sampler_gp = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "gp",
    .help = "Bayesian optimization with a Gaussian process (Matern 5/2, one length scale per "
            "param) and log expected improvement or UCB (log expected hypervolume improvement with "
            "two or three objectives); running trials as fantasies. "
            "Options: n_startup_trials, startup, acquisition, beta, failed, pending, n_candidates, "
            "n_local_search, fit_max_evals, max_observations, cost, cost_budget, warm_start_study, "
            "warm_start_storage, warm_start_first, warm_start_refine, warm_start_shift, "
            "warm_start_local, warm_start_task, warm_start_region, warm_start_scale, "
            "warm_start_rank, trust_region, min_noise, warp, warp_inputs, "
            "tie_margin, explore_every, explore_ties, explore_local, step_mask, terrace, "
            "batch_acquisition, "
            "round_inside, incumbent, "
            "reference_point, "
            "mo_acquisition, seed.",
    .state_size = sizeof(bo),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
};
