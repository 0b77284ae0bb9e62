/* The gp sampler's own header, shared by its files and by nothing else:
 *
 *   gp.c              the plugin table and options, the ask (sample_relative), one objective's flow
 *   gp_fit.c          the data of an ask: encoding, thinning, stalls and plateaus, the warp,
 *                     standardization, the model's fit, fantasies
 *   gp_acq.c          one objective's acquisition, candidates, local search, the discrete pass,
 *                     the plateau's exploration, asks that would repeat a trial
 *   gp_mo.c           several objectives: log EHVI, the reference point, the models' fits
 *   gp_constraints.c  one model per constraint and the log probability of feasibility
 *   gp_cost.c         option cost: the log cost's model and its weight (CArBO)
 *   gp_terrace.c      option terrace: the model of the step the best's ties lie on
 *   gp_warm.c         warm start: the source study's model as the prior mean
 *   gp_pending.c      the points proposed to this process's trials that do not show them yet
 *                     (kept in samplers/proposed.h's list)
 *
 * The state of one sampler (bo), of one maximization (ctx) and of one ask's data (data). */
#ifndef KNOB_SAMPLERS_GP_INTERNAL_H
#define KNOB_SAMPLERS_GP_INTERNAL_H

#include "internal.h"
#include "math/ehvi.h"
#include "math/gp.h"
#include "samplers/proposed.h"
#include "samplers/transform.h"
#include "samplers/turbo.h"
#include "samplers/warm_start.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most params gp models. Only the sampler's state (on the heap) holds arrays of this
 * size: an ask's per-dimension arrays are sized by the space's dimensions and allocated once
 * an ask (or kept in the state), so that its stack does not grow with the limit (an ask runs
 * in a thread of 64 KiB of stack). */
#define MAX_DIMS KNOB__GP_MAX_DIMS
#define REFIT_ALWAYS 200

/* Stalled: the last STALL_TRIALS observations all lie within STALL_NEAR of the incumbent
 * (Euclidean, in the unit cube; another category is distance 1). The next point is then
 * the acquisition's best farther than STALL_AWAY from it. */
#define STALL_TRIALS 5
#define STALL_NEAR 0.01
#define STALL_AWAY 0.05
#define STALL_FAR 0.2

/* On a plateau: at least PLATEAU_TIES of the last PLATEAU_WINDOW observations tie exactly
 * with the best loss (a decision tree that predicts one class, a diverged run). See
 * detect_plateau (gp_fit.c). */
#define PLATEAU_WINDOW 5
#define PLATEAU_TIES 3

/* How losses become a model's data: multiplied by 2^-e2 (exact: math/scale.h, so that
 * losses of any magnitude standardize alike); with yj, centred by m0, scaled by s0 and
 * through the Yeo-Johnson transform of lambda (the `warp`); then centred by m1 and scaled by
 * s1. */
typedef struct knob__bo_scale {
    bool yj;
    int e2;
    double m0, s0, lambda, m1, s1;
} knob__bo_scale;

typedef struct knob__bo {
    /* options */
    int64_t n_startup_trials, n_candidates, n_local_search, fit_max_evals, max_observations;
    char *acquisition, *pending, *startup, *failed, *cost, *ws_study, *ws_storage, *ref_text;
    double beta, min_noise, cost_budget;
    int cost_settled; /* knob__cost_note's state: 1 nothing more to say, -1 said */
    bool warp;
    bool warp_inputs;  /* Kumaraswamy warping of the continuous params (math/gp.h) */
    double tie_margin; /* expected improvement's margin below a best tied by several trials */
    int64_t explore_every, explore_ties; /* interleaved exploration (knob__bo_interleaved) */
    double explore_local;                /* exploration near the best (sd in the cube; 0: Sobol) */
    int64_t step_mask;       /* asks off points whose this many nearest observations tie (0: off) */
    int64_t terrace;         /* ties at the best from which the terrace model acts (0: never) */
    char *batch_acquisition; /* option: same, or hedge (knob__bo_hedge_kind) */
    bool hedge;              /* batch_acquisition is hedge */
    bool round_inside;       /* option: binned params rounded inside the acquisition's search */
    char *incumbent; /* option: observed or mean (the best posterior mean at an observation) */
    bool inc_mean;   /* incumbent is mean */
    /* state */
    bool ucb;
    int pending_mode; /* 0 ignore, 1 believer, 2 liar */
    bool failed_worst;
    knob__dim *dims; /* the space (samplers/transform.h) */
    int n_dims;
    bool *cat; /* n_dims: each dimension is categorical (the models' kinds) */
    knob__gp gp;
    int n_fitted;         /* observations at the last fit of the hyperparameters */
    /* The models' last fits stored with the study (system attribute FIT_KEY), so that a
     * process that asks next (knob ask, a resumed study) starts each fit where this one left
     * it: while fit_study is set (an ask of the model), the first fit of each model in the
     * process starts from the stored one (knob__bo_fit_start), and the fits are stored after
     * the ask (knob__bo_fit_store). */
    knob_study *fit_study;
    bool fit_looked;              /* the stored fits were read in this process */
    struct knobx_json *fit_saved; /* ... those of this space's params (NULL: none) */
    char *fit_text;               /* the fits as last read or stored (NULL: none) */
    uint32_t (*dirs)[32]; /* Sobol directions of the candidate dimensions */
    unsigned n_dirs;
    double *buf; /* observations and candidates */
    size_t cap_buf;
    double *scratch; /* the acquisition's, kept between asks (megabytes: faulting them in
                        again at each ask cost a seventh of its time) */
    size_t cap_scratch;
    knob__gp *cgp;   /* one model per constraint (knob_trial_set_constraints) */
    double *cthr;    /* each constraint's bound 0, standardized as its model's data */
    bool *cok;       /* the constraint has a model (two trials or more carry it) */
    int nc, cap_cgp; /* constraints of this ask; models allocated */
    int n_cfitted;   /* observations at the constraint models' last fit */
    knob__gp kgp;    /* the log cost's model (option cost) */
    bool kok;        /* it has one (two trials or more with a cost) */
    double ksd;      /* the log costs' standard deviation: the model's unit */
    double alpha;    /* the cost's weight this ask (CArBO's cooling: 1 down to 0) */
    /* warm start: the source study's model, as this study's prior mean */
    bool ws_loaded, ws_on;      /* looked for; found with shared params */
    bool ws_checked;            /* the source opened at the first ask (knob__warm_check) */
    knob__gp sgp;               /* the source's model over the shared dimensions */
    double *ws_work;            /* 3 ns: a point of sgp's and its gradients (the prior mean's; */
    size_t cap_ws_work;         /* grown by knob__bo_fit_prior_scale, a warm ask's first use) */
    int s_dims[MAX_DIMS], ns;   /* this space's dimension of each of the source model's */
    char s_names[MAX_DIMS][64]; /* their names, to find them again if the space changes */
    double ws_a, ws_b;          /* prior mean = a x the source's mean + b (fitted each ask) */
    double ws_shift[MAX_DIMS];  /* ... at x - ws_shift (option warm_start_shift; fitted) */
    bool ws_shift_on;           /* option warm_start_shift */
    double ws_sbest[MAX_DIMS];  /* the source's best trial, in the source model's dims */
    int64_t ws_first;           /* option warm_start_first */
    int64_t ws_refine;          /* option warm_start_refine: every k-th trial the mean's minimum */
    int64_t ws_local;           /* option warm_start_local: the local model's trials a param */
    knob__gp lgp;               /* ... that model, of the trials nearest the best (gp_warm.c) */
    bool ws_task;               /* option warm_start_task: one model of both studies' trials */
    bool ws_firsts_read;
    knob__warm_firsts ws_firsts; /* the source's best configurations, for the first trials */
    double ws_region;        /* option warm_start_region: the acquisition's box, its half side */
    bool ws_scale_on;        /* option warm_start_scale */
    knob__bo_scale ws_scale; /* the source's losses' warp and standardization */
    double ws_ylo, ws_yhi;   /* the source's lowest and highest loss */
    bool ws_box_on;          /* this ask's acquisition searches [ws_lo, ws_hi] alone (gp_warm.c) */
    double ws_lo[MAX_DIMS], ws_hi[MAX_DIMS];
    bool ws_rank_on;  /* option warm_start_rank */
    knob__gp rgp;     /* ... this study's own model, whose ranking the source's is tested against */
    double ws_w;      /* ... the source's weight this ask (1 without the option) */
    uint64_t ws_seed; /* ... this ask's draws: the sampler's seed and the trial's number */
    int64_t ws_self;
    /* several objectives: objective 0's model is gp, the others' mgp (gp_mo.c) */
    int n_obj;
    knob__gp mgp[KNOB__EHVI_MAX_OBJ - 1];
    knob__ehvi ehvi;                     /* the non-dominated region of this ask's feasible front */
    double user_ref[KNOB__EHVI_MAX_OBJ]; /* option reference_point, in objective units */
    int n_user_ref;                      /* its coordinates (0: Optuna's reference point) */
    char *mo_acquisition;                /* option: logehvi or parego */
    bool parego;                         /* mo_acquisition is parego (mo_parego) */
    bool trust_region;                   /* option: TuRBO-1 (samplers/turbo.c) */
    knob__turbo turbo;
    knob__gp tgp; /* the terrace model (gp_terrace.c) */
    bool tok;     /* it acts this ask */
    double tthr;  /* the indicator's 1/2, standardized as its model's data */
    /* the points proposed to trials still running without them in the trials read
     * (gp_pending.c): in own_proposed, or in the list auto shares with smac (shared_proposed,
     * borrowed: knob__gp_share_proposed) */
    knob__proposed own_proposed, *shared_proposed;
} bo;

typedef struct knob__bo_ctx {
    bo *p;
    double best; /* the incumbent's standardized loss */
    double *x;   /* the full point of a local search */
    /* n_dims long each (n_obj x n_dims: dm, dv), from one allocation of the maximization */
    int *free, n_free;
    double *scale;              /* of the free dimensions in a local search */
    double *u, *lo, *hi, *keep; /* a local search's point, its bounds and its start */
    double *dm, *dv, *pg;       /* the gradients of the models' means and variances, of the
                                   prior mean (the local search's objective) */
    double *tdm, *tdv;          /* the same of a cost, constraint or terrace model */
    double *work;
    int n_evals;
    const double *away; /* when stalled: the incumbent, whose neighbourhood is out */
    bool no_incumbent;  /* no trial is feasible yet: feasibility alone counts */
    double *cm, *cv;    /* m constraint means and variances (acq_batch) */
    bool mo;            /* several objectives: log EHVI (knob__bo_mo_batch, knob__bo_mo_local_fn) */
    int kind;           /* ACQ_* of this ask (one objective) */
} ctx;

/* The acquisitions of one objective: the option's (log EI or UCB), and the batch hedge's
 * others (log PI, UCB with sqrt(beta) HEDGE_UCB_KAPPA). */
enum { ACQ_OPTION, ACQ_LOG_PI, ACQ_UCB_WIDE };
#define HEDGE_UCB_KAPPA 3.0

typedef struct knob__bo_item {
    double v;
    int i;
} item;

/* The data of one suggestion. */
typedef struct knob__bo_data {
    double *X;    /* rows in the cube (p->buf): observations, then failed and pending trials */
    double *y;    /* their standardized losses */
    int n;        /* observations, after thinning */
    int n_seen;   /* observations before thinning: what the refit schedule counts */
    int n_extra;  /* failed and pending rows after the observations */
    int n_pend;   /* of which running trials */
    double best;  /* the lowest standardized loss */
    double worst; /* the highest */
    int top[5];   /* the best few observations, centres of the local candidates */
    int n_top;
    bool stalled;            /* see STALL_TRIALS */
    bool plateau;            /* see PLATEAU_TIES */
    int best_ties;           /* observations tied with the best loss (1: the best alone) */
    double *center;          /* n_dims: the incumbent's row, when stalled */
    double *C;               /* n x nc constraint values of the observations (NaN: none) */
    bool *feas;              /* each observation is feasible */
    double *cost;            /* n costs of the observations (option cost; NaN: none) */
    double spent, spent0;    /* the costs of all trials, and of the startup trials */
} data;

/* ---------------------------------------------------------------- gp_fit.c */

/* qsort's order of items by value, the highest first. */
int knob__bo_cmp_item_desc(const void *a, const void *b);

/* Row of a trial's params in the cube; false when it lacks one. */
bool knob__bo_encode(const bo *p, const knob_trial_info *t, double *row);

/* p->buf holds at least `need` doubles; false when out of memory. */
bool knob__bo_reserve(bo *p, size_t need);

/* Keeps at most `max` of the n rows of X (d columns), y, C (nc columns), feas and cost (when
 * not NULL), in their order: the best half by y and the most recent others. */
int knob__bo_thin(double *X, double *y, double *C, bool *feas, int nc, double *cost, int *n, int d,
                  int max);

/* Distance of two rows of the cube: Euclidean, another category counting 1. */
double knob__bo_cube_dist(const bo *p, const double *a, const double *b);

/* A status of math/gp.h in words (knob_set_error); n observations, d dimensions. */
int knob__bo_failed(int status, int n, int d);

/* The completed trials as rows of the cube and their losses (one objective). */
int knob__bo_observe(bo *p, double sign, const knob_trial_info *const *tr, size_t n_tr, data *D);

/* Observation D->n's constraint values (nc of them; NAN where the trial has another count)
 * and feasibility, and its cost: shared by one objective and several. */
void knob__bo_observe_extra(const bo *p, const knob_trial_info *ti, data *D, int nc);

/* Room for n_tr trials' rows in p->buf and D's arrays as the options need them (KNOB_ENOMEM
 * with the error set); D's arrays are the caller's to free (knob__bo_data_free), also after
 * a failure. */
int knob__bo_alloc_rows(bo *p, size_t n_tr, data *D);

/* Frees D's arrays (knob__bo_alloc_rows). */
void knob__bo_data_free(data *D);

/* Warps and standardizes D->y; notes the best, the worst and the best few. */
void knob__bo_standardize(const bo *p, data *D);

/* The same by the scale `use` when not NULL, else by one fitted to D->y (into *fitted when
 * not NULL). */
void knob__bo_standardize_by(const bo *p, data *D, const knob__bo_scale *use,
                             knob__bo_scale *fitted);

/* The scale of this ask's losses in a warm run (option warm_start_scale): the source's, so
 * that its model as prior mean and these losses share one, while the median of D->y (raw
 * losses) lies within the source's losses; else NULL (fit their own). */
const knob__bo_scale *knob__bo_warm_scale(const bo *p, const data *D);

/* The study's system attribute holding the one-objective model's last fit. */
#define FIT_KEY "gp:fit"

/* The model of the observations, refit on its schedule (REFIT_ALWAYS). */
int knob__bo_fit_model(bo *p, const data *D, const bool *cat);

/* The stored fits (FIT_KEY) read for this ask, once a process, when they are of the params
 * of the space as now; with the counts of observations at the last fits (n_fitted,
 * n_cfitted). Called with fit_study set, before the ask's first fit. */
void knob__bo_fit_load(bo *p);
/* Model g (named `name`: objective, o1, c0, cost ...), just given its data and not fitted
 * in this process, starts from its stored fit when there is one of its shape (the
 * process goes on as the one that stored it would have): its hyperparameters, and
 * fitted set. Nothing without fit_study. */
void knob__bo_fit_start(bo *p, knob__gp *g, const char *name);
/* Stores every fitted model's hyperparameters with fit_study (every digit: the next process
 * starts from the same doubles), when they changed since read or stored. Only a start for
 * the next process: a model with a non-finite hyperparameter is left out (it starts from
 * the priors there), fits that cannot be written (the storage busy) are not stored, and
 * the ask goes on; out of memory fails it. */
int knob__bo_fit_store(bo *p);

/* Failed and running trials' rows after the n observed ones of X. */
void knob__bo_encode_extra(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                           double *X, int n, int *n_fail, int *n_pend);

/* Failed and running trials as fantasies in the model (one objective). */
int knob__bo_add_fantasies(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                           const bool *cat, data *D);

/* ---------------------------------------------------------------- gp_pending.c */

/* Proposes xbest (rounded, in place) to trial t, and remembers it as the trial's point
 * while the trial runs without showing it (knob__bo_encode_proposals). */
int knob__bo_propose(bo *p, knob_trial *t, double *xbest);

/* Forgets the points of trials that are not running any more, or not among tr[0, n_tr),
 * or that show every param of their point. */
void knob__bo_proposals_prune(bo *p, const knob_trial_info *const *tr, size_t n_tr);

/* The remembered points of the running trials of tr[0, n_tr) (but self) that lack a param
 * of the space, as rows X[*n_rows], X[*n_rows + 1] ... (*n_rows counts them on). */
void knob__bo_encode_proposals(bo *p, const knob_trial_info *const *tr, size_t n_tr, int64_t self,
                               double *X, int *n_rows);

/* Frees the points gp remembers in a list of its own (a shared list is its owner's). */
void knob__bo_proposals_free(bo *p);

/* ---------------------------------------------------------------- gp_acq.c */

/* The Sobol directions of the first d dimensions in p->dirs. */
int knob__bo_ensure_dirs(bo *p, unsigned d);

/* Coordinate `axis` of point `index` of the scrambled Sobol sequence `salt`. */
double knob__bo_sobol_u(const bo *p, unsigned axis, uint64_t index, uint64_t salt);

/* The point of the cube where the acquisition is highest, into xbest. */
int knob__bo_maximize(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest);

/* Row x is among rows[0, n), or so near one (every coordinate within REPEAT_NEAR of it)
 * that a deterministic objective would only repeat itself. */
#define REPEAT_NEAR 1e-7
bool knob__bo_asked(const bo *p, const double *rows, int n, const double *x);

/* When xbest (the acquisition's) repeats an observation or a pending point: a warm run's
 * refinement point instead (knob__bo_warm_unseen), else a draw near the best observation
 * (gp_acq.c, near_best). */
int knob__bo_unrepeat(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest);

/* On a plateau or an interleaved trial: a Sobol point (the plateau's at the trial's number,
 * the interleaved trials' of a sequence of their own; or, with explore_local, a draw near
 * one of the best observations), unless observed or pending (*explored). */
int knob__bo_explore(bo *p, uint64_t seed, int64_t self, const data *D, double *xbest,
                     bool *explored);

/* The acquisition of an ask with n_pending running trials beside it (ACQ_*): with option
 * batch_acquisition=hedge the asks of a batch take log EI (or UCB), log PI and a wide UCB in
 * turn; else always the option's. */
int knob__bo_hedge_kind(const bo *p, int n_pending);

/* Expected improvement's incumbent (standardized): with incumbent=mean the lowest
 * posterior mean at the n feasible observations (the model's belief, not a lucky draw of a
 * noisy objective), else D->best. */
int knob__bo_incumbent(bo *p, const data *D, double *best);

/* This trial explores instead of maximizing the acquisition (options explore_every and
 * explore_ties): every explore_every-th trial while the best loss is tied by explore_ties
 * observations or more. */
bool knob__bo_interleaved(const bo *p, int64_t self, const data *D);

/* The local search's value from the acquisition's value v at c->x (gradient in grad): with
 * the cost and feasibility terms, counted, and the worst where it is not finite. */
double knob__bo_local_value(ctx *c, unsigned n, double v, double *grad);

/* ---------------------------------------------------------------- gp_mo.c */

/* log EHVI plus the log probability of feasibility at m points. */
void knob__bo_mo_batch(ctx *c, const double *x, int m, double *out);

/* The same at one point with its gradient: the local search's objective (NLopt's form). */
double knob__bo_mo_local_fn(unsigned n, const double *u, double *grad, void *cv);

/* A suggestion for two or three objectives. */
int knob__bo_suggest_mo(bo *p, knob_study *s, knob_trial *t, const knob_trial_info *const *tr,
                        size_t n_tr);

/* What several objectives do not combine with, as an error; KNOB_OK if nothing. */
int knob__bo_mo_refused(const bo *p, knob_study *s);

/* The default reference point's coordinate j in the models' units, from the nf feasible
 * losses F (nf x no) of which front marks the non-dominated ones, worst being the worst of
 * them in objective j: the front's nadir pushed out by MO_REF_MARGIN of the front's range,
 * never beyond Optuna's point (worst pushed out by a tenth); Optuna's point while the front
 * has one point or no range in j. */
double knob__bo_mo_default_ref(const double *F, const bool *front, int nf, int no, int j,
                               double worst);

/* Reads the option reference_point into p->user_ref and p->n_user_ref. */
int knob__bo_parse_reference_point(bo *p);

/* ---------------------------------------------------------------- gp_constraints.c */

/* Adds each constraint's log probability of feasibility to out (m points). */
void knob__bo_feasibility_batch(ctx *c, const double *x, int m, double *out);

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
double knob__bo_feasibility_grad(ctx *c, unsigned n, double *grad);

/* One model per constraint, on the observations that carry it. */
int knob__bo_fit_constraints(bo *p, const data *D, const bool *cat);

/* ---------------------------------------------------------------- gp_terrace.c */

/* Two standardized losses are one value (a tie): within 1e-12 of the losses' standard
 * deviation, or of the larger of the two when that is above 1. Raw losses tie by their
 * range instead (detect_plateau), so that a loss in any unit ties alike. */
bool knob__bo_tied(double a, double b);

/* The model of the indicator "ties the best" when at least p->terrace observations do
 * (p->tok), else none. */
int knob__bo_fit_terrace(bo *p, const data *D, const bool *cat);

/* Adds the log probability of lying off the best's step to out (m points). */
void knob__bo_terrace_batch(ctx *c, const double *x, int m, double *out);

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
double knob__bo_terrace_grad(ctx *c, unsigned n, double *grad);

/* ---------------------------------------------------------------- gp_cost.c */

/* Notes observation D->n's cost (option cost) and what the trials spent. */
void knob__bo_observe_cost(const bo *p, const knob_trial_info *ti, data *D);
/* What a finished trial that is no observation spent, counted against cost_budget. */
void knob__bo_observe_spent(const bo *p, const knob_trial_info *ti, data *D);

/* Subtracts alpha x the predicted log cost from out (m points). */
void knob__bo_cost_batch(ctx *c, const double *x, int m, double *out);

/* The same at c->x, returned, with its gradient over the free dimensions added to grad. */
double knob__bo_cost_grad(ctx *c, unsigned n, double *grad);

/* The model of the log cost and the cost's weight p->alpha. */
int knob__bo_fit_cost(bo *p, const data *D, const bool *cat);

/* ---------------------------------------------------------------- gp_warm.c */

/* The prior mean at m rows of x (0 without a warm start), with a gradient at one row when
 * grad is not NULL. */
void knob__bo_prior_mean(const bo *p, const double *x, int m, double *out, double *grad,
                         double *work);

/* The prior mean's scale fitted to own losses; the residuals into resid. The ask's first use
 * of the prior mean: it grows p->ws_work, which the prior mean works in. KNOB_OK or
 * KNOB_ENOMEM. */
int knob__bo_fit_prior_scale(bo *p, const data *D, double *resid, double *work);

/* Option warm_start_task acts: a warm run whose source shares every param. The model is
 * then one GP of the source's and the own rows with a task kernel, and the prior mean 0. */
bool knob__bo_task_on(const bo *p);

/* The model's data: the n own rows of X and y; with knob__bo_task_on, the source's rows
 * (its losses at this study's scale, a x its standardized loss + b) before them. */
int knob__bo_set_model_data(bo *p, const double *X, const double *y, int n, const bool *cat);

/* The source study (warm_start_study) and its model, once. */
int knob__bo_warm_start(bo *p, knob_study *s);

/* The source's best distinct configurations, once, for the first trials. */
int knob__bo_read_firsts(bo *p, knob_study *s);

/* This trial refines (option warm_start_refine): warm, every k-th trial, not stalled. */
bool knob__bo_warm_refines(const bo *p, int64_t self, const data *D);

/* The lowest local minimum of the model's full mean from the best observations, into
 * xbest; *refined false (xbest to be overwritten) when each is a point asked before or
 * the model sees no gain there. With warm_start_local, the local model's minimum instead
 * when the global model's point lies in the local model's box (or there is none). */
int knob__bo_warm_refine(bo *p, const data *D, double *xbest, bool *refined);

/* Warm with warm_start_refine, for an ask xbest that repeats an observation: the
 * refinement's point instead, when it has one (*replaced). */
int knob__bo_warm_unseen(bo *p, const data *D, double *xbest, bool *replaced);

/* This ask's region (option warm_start_region) into p->ws_box_on, ws_lo and ws_hi: in a warm
 * run, the box of half side ws_region (unit cube) around the source's best trial until one of
 * this study's trials lies in that box, then around this study's best trial; off (the whole
 * cube) in a cold run. KNOB_OK or KNOB_ENOMEM. */
int knob__bo_warm_box(bo *p, const data *D);

#endif
