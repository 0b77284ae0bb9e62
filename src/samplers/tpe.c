/* TPE (Tree-structured Parzen Estimator), the algorithm of Optuna 3.x's TPESampler with
 * two defaults of its own.
 *
 * Every call reads the history (a reading is reused while no trial changed): COMPLETE
 * trials and PRUNED ones (ranked after every complete one, a further step first, then by
 * the last intermediate value), and with constant_liar the RUNNING ones (always bad; under
 * auto, a trial of a batch that has not suggested the point gp or smac proposed to it counts
 * at that point: with_proposed); FAIL trials are ignored. The best gamma(n) =
 * min(ceil(gamma_beta n), 25) are good (gamma_beta 0.1), the rest bad; several objectives
 * choose the good ones by nondominated fronts (MOTPE). Tied losses are never split between the
 * sides (plateaus: see split_single), and a trial that repeats a good one is bad (drop_repeats).
 * Infeasible trials (a constraint value > 0, knob_trial_set_constraints) rank after every feasible
 * one, by their summed violation, so they are good only while fewer feasible trials than gamma(n)
 * exist (Optuna's constrained TPE). A Parzen estimator is fitted to each side (math/tpe_parzen.h),
 * n_ei_candidates points are drawn from the good one l(x), and the one with the largest log l(x) -
 * log g(x) wins.
 *
 * Long histories (one objective): the observations, the best ones and, per param on a
 * continuous axis or a categorical, the sums of the merged bad side (math/tpe_cells.h) are
 * kept between asks, and per int or stepped float of few values the positions of each value
 * (math/tpe_bins.h: the bad side is then the estimator of the trials one by one, from a few
 * kernels per value); only the trials from the first that changed are read again, and the sums
 * cover the observations before the first unfinished trial (they never change). The merged bad
 * side's weights then ramp over every observation of the param (see gather_merged).
 *
 * Where the defaults differ from Optuna's, and why (bench/tpe, 300 seeds a setting,
 * median regrets after 100 trials on six test functions):
 * - weights=ei: with one objective a good trial weighs as much as it beats the best bad
 *   one (the "EI" weighting of Watanabe 2023), and the prior as their mean times
 *   prior_weight; Optuna weighs good trials equally. prior_weight=2 (Optuna: 1). Together
 *   they were better on all six functions than Optuna's settings (Ackley 7.17 -> 6.80,
 *   Mann-Whitney p = 0.004; Rosenbrock 41.5 -> 38.2; the others within 5%);
 *   weights=optuna,prior_weight=1 gives Optuna's rules exactly.
 * - sigma_weighted scores continuous kernels by weight x bandwidth, as Optuna 3.1 to 3.4
 *   did (their truncated normal density left out 1/sigma; fixed in 3.5). It searched
 *   better here, and makes knob follow the Optuna that Debian ships; sigma_weighted=false
 *   gives normalized kernels.
 * - Several objectives (bench/multiobjective: ZDT1-3, DTLZ2, C2-DTLZ2, Binh-Korn, 200 and
 *   1,000 trials): the good trials weigh the same (mo_weights=uniform, as Optuna >= 4;
 *   Optuna 3's MOTPE weighed them by hypervolume contribution, which searched worse on five
 *   of the six problems), and sigma_weighted holds only for the first
 *   mo_sigma_weighted_per_param = 20 finished trials per param. Its lean to the prior
 *   explores while the trials are few; with many it kept the good estimator from narrowing,
 *   and the hypervolume stalled after 200 trials. The good side holds at most 25 trials
 *   per objective past the first (mo_gamma_cap), not 25: on three objectives 50 did better
 *   at 1,000 trials (DTLZ2), on two the cap of 25 did (ZDT2). One objective is not affected.
 *
 * Draws come from knob_rng_derive(seed, trial number, param name), so the first
 * n_startup_trials are exactly the random sampler's (startup=sobol: points of one
 * scrambled Sobol sequence instead), and the same history gives the same suggestion in
 * every process. */
#include "internal.h"
#include "math/tpe_bins.h"
#include "math/tpe_cells.h"
#include "math/tpe_front.h"
#include "math/tpe_parzen.h"
#include "math/sobol.h"
#include "samplers/cost.h"
#include "samplers/proposed.h"
#include "samplers/random.h"
#include "samplers/tpe_state.h"
#include "samplers/transform.h"
#include "space.h"
#include "samplers/warm_start.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Salts the seed of joint (multivariate) draws, apart from the per-param streams. */
#define RELATIVE_SALT 0x9e3779b97f4a7c15ull

typedef struct obs {
    const knob_param *params; /* a copy of the trial's params (the sampler's pool) */
    size_t n_params;
    int64_t number;
    double step_key; /* -inf complete, -step pruned, 1 pruned without values, inf running */
    double loss;     /* the first objective, minimized */
    double w_good;   /* MOTPE weight when good */
    bool good;
    uint32_t rec; /* its index in rec[] */
} obs;

/* What the sampler keeps of one trial of the history between asks: the view block it was
 * read from and its signature, its rank key, and its params copied into one pool, so
 * that a long history is read from dense memory. A finished trial never changes (a tell
 * is final), so while the view keeps its block it is not read again. */
typedef struct trial_rec {
    const knob_trial_info *info;
    knob_trial_state state;
    size_t n_params, n_intermediate, n_values;
    size_t at; /* its params: pool[at .. at + n_params) */
    obs o;     /* valid when is_obs */
    bool is_obs;
    bool proposed; /* read with the point proposed to it (see with_proposed): read again */
} trial_rec;

/* One param's values in the kernel space, by index in rec[] (NaN: the trial has no value
 * that counts for the distribution), so that gathering a long history reads one dense
 * array instead of every trial's params. An entry holds while gen[i] equals the
 * generation of rec i's last read (rgen): a trial read again is recomputed. */
typedef struct column {
    char *name;
    knob_distribution *dist; /* the distribution the values count for */
    double *val;
    uint32_t *gen;
    size_t cap;
    /* A long history on a continuous axis (see gather_merged): the cells' sums of the
     * frozen observations obs[0 .. acc_k), and by obs index the position of each value
     * among the observations that have one (NO_POS: none) */
    knob__tpe_cells acc;
    size_t acc_k;
    uint32_t *pos;
    size_t cap_pos;
    /* A long history of an int or a stepped float (see gather_binned): the positions of each
     * value, kept for the frozen observations obs[0 .. bin_k); bin_off once it held too many
     * values (its bad side is then fitted from every observation) */
    knob__tpe_bins bins;
    size_t bin_k;
    bool bin_off;
    /* The bad side's fit with the default weights, kept for the next ask to extend
     * (knob__tpe_mix1_fit_ramp) */
    knob__tpe_mix1 above;
} column;

#define NO_POS UINT32_MAX
/* The best observations split keeps between asks (more than the 25 good ones, so that
 * ties at the boundary are seen). */
#define TOP 64

typedef struct space_param {
    const char *name;
    const knob_distribution *dist;
    size_t group;
    bool usable; /* one distribution everywhere, and more than one value */
} space_param;

typedef struct tpe {
    /* options */
    int64_t n_startup_trials, n_ei_candidates;
    double prior_weight, min_bandwidth, gamma_beta;
    char *weights, *gamma_strategy, *startup;
    bool ei_weights, sqrt_gamma;
    double ei_threshold; /* EI weights: the best loss of the bad side */
    bool consider_endpoints, consider_magic_clip, multivariate, group, constant_liar;
    bool sigma_weighted;
    char *mo_weights;           /* several objectives: the good trials' weights */
    int64_t mo_gamma_cap;       /* several objectives: the good side's cap (0: 25 (m - 1)) */
    int64_t mo_sigma_per_param; /* several objectives: sigma_weighted's end, trials per param */
    size_t mo_params;           /* several objectives: the params of the widest observation */
    /* the history as last read; arrays reused from call to call */
    obs *obs;
    size_t n_obs, n_done, cap_obs; /* n_done: observations that are not running */
    size_t n_objectives;
    trial_rec *rec; /* the history as last read, by trial number */
    size_t n_rec, cap_rec;
    knob_param *pool; /* the params of rec[] */
    size_t n_pool, cap_pool, pool_waste;
    uint32_t *rgen; /* per rec: the generation of its last read, never 0 */
    size_t cap_rgen;
    /* per rec: its view block when it is finished (then it is current while the view
     * keeps that block), else NULL; dense, so that an unchanged history is compared fast */
    const knob_trial_info **rdone;
    size_t cap_rdone;
    uint32_t next_gen;
    column *cols; /* per param asked, see column */
    size_t n_cols, cap_cols;
    double *wbad; /* knob__tpe_default_weights(n_wbad), kept for the next param and ask */
    size_t n_wbad, cap_wbad;
    bool cache; /* option: keep rec[] between asks (false: read every trial every time) */
    /* What changed since the last reading: rec[first_changed ..) was read again or is new
     * (sync_recs); the pool moved (its params pointers are refreshed). */
    size_t first_changed;
    bool pool_moved;
    /* Observations kept between asks: obs[] is rebuilt only from the first trial that
     * changed (or the last or this asking trial). rec[0 .. settled) are all finished, so
     * obs[0 .. n_frozen), drawn from them, never change; in_order: obs[] is kept so (one
     * objective, no Hyperband bracket; without the history cache it is rebuilt every time,
     * by the same rules). */
    size_t settled, n_frozen;
    int64_t last_self;
    bool have_last_self, in_order;
    /* the best TOP of obs[0 .. top_upto), best first (obs indices), as split_single
     * orders them */
    size_t top[TOP], n_top, top_upto;
    /* the observations split made good, ascending (cleared by the next split) */
    size_t *good_idx;
    size_t n_good_idx, cap_good_idx;
    knob__tpe_cells tail;        /* a column's sums plus the unfrozen observations */
    knob__tpe_cell_obs *special; /* the observations the merge corrects */
    size_t cap_special;
    size_t *good_pos; /* the good observations' positions in a column (gather_binned) */
    size_t cap_good_pos;
    double *cell_y;    /* 2 x KNOB__TPE_CELLS, then KNOB__TPE_CELLS weights */
    size_t n_cells;    /* the merged kernels of a categorical in cell_y (see gather_merged) */
    int64_t snap_self; /* for this trial */
    bool have_snap, split_done;
    bool explore; /* the split found every observation tied: no model, random draws */
    /* warm start: the good trials of warm_start_study, read at the first ask */
    char *ws_study, *ws_storage;
    bool ws_read;
    bool ws_checked; /* the source could be opened (before_trial) */
    knob_param *ws; /* their params (names and distributions owned) */
    size_t *ws_of;  /* the good trial (0 .. ws_k) each of ws[] is of */
    size_t n_ws;
    /* What the source's good trials hold that this study's space cannot read, known only as
     * its params are suggested (source_values): ws_fit[i], whether ws[i] fit the
     * distribution it was last suggested under (0: not suggested yet, 1: fits, 2: does not),
     * so that a range that changes (define-by-run) changes the verdict; of the ws_k good
     * trials, n_none with no suggested param that fits and n_partly with one that does not
     * and one that does, the first such param (a name of ws[]); of the source's ws_total
     * finished trials, ws_others with another count of values. ws_tell: (re)said in
     * warm_start_skipped at the next suggestion (kept when the write fails: a diagnostic
     * never fails a suggestion); ws_said: this process said something, and may take its
     * sentence back; ws_last: 1 + the trial of the last suggestion, 0 for none (another
     * process asked in between when the next is not the one after: its sentence may have
     * replaced ours). */
    unsigned char *ws_fit;
    size_t ws_k, n_none, n_partly, ws_total, ws_others;
    const char *ws_unfit_param;
    bool ws_tell, ws_said;
    int64_t ws_last;
    /* Whether this study shares a param with the source (a source that shares none is said,
     * knob__warm_say_unshared): ws_names, the params of the source's finished trials
     * (sorted, owned); ws_shared, once a finished trial of this study has one of them
     * (judged from ws_scan on, the first trial not finished at the last look); ws_own, once
     * one has a param (the verdict, none shared: ws_own && !ws_shared). */
    char **ws_names;
    size_t n_ws_names, ws_scan;
    bool ws_shared, ws_own, ws_unsay; /* ws_unsay: take back a sentence of that */
    int64_t ws_judged;           /* 1 + the trial whose suggestions judged it last, 0: none */
    int64_t ws_first;            /* option warm_start_first */
    int64_t ws_local;            /* option warm_start_local: every N-th trial near the best */
    bool ws_model;               /* option warm_start_model: every second of them a model's */
    knob__warm_firsts ws_firsts; /* the source's best configurations, for the first trials */
    double *loss;                /* n_obs x n_objectives, MOTPE only */
    size_t cap_loss;
    double *buf; /* 4 arrays of cap_buf: good values, good weights, bad values, bad weights */
    size_t cap_buf;
    double *probs; /* 2 x n_choices of a categorical param */
    size_t cap_probs;
    knob__tpe_mix1 below, above;
    knob__tpe_mixn jbelow, jabove;
    space_param *space;
    size_t n_space, cap_space;
    size_t *scratch; /* 4 x cap_space: group ids, their renumbering, a stamp, members */
    size_t cap_scratch;
    knob__tpe_axis *axes; /* of one group */
    double *point;        /* 3 x cap_axes: a draw, its kernel form, the best so far */
    size_t cap_axes;
    double *rows; /* 2 x cap_rows: the good and the bad observations of a group */
    size_t cap_rows;
    /* cost-aware search (option cost): a model of the log cost per param or group */
    char *cost;
    double cost_budget;
    int cost_settled; /* knob__cost_note's state: 1 nothing more to say, -1 said */
    double alpha;    /* the log cost's weight this ask (0: cost-blind) */
    double *kx, *kl; /* kn x kd scaled coordinates; kn log costs, then kd bandwidths */
    double kfloor;   /* what a cost of 0 counts as (knob__cost_floor; NaN: left out) */
    size_t kn, kd, cap_kx, cap_kl;
    double kmean;              /* the mean log cost */
    const knob__tpe_axis *kax; /* the kd axes */
    /* The kept state of a long history (samplers/tpe_state.h), saved with the study: a
     * record loaded at the first ask (read at the first sample), the state it gives, and
     * the stamp of the trials observe last read (for a state built from them). */
    void *kept_rec;
    size_t kept_len;
    knob__tpe_kept *kept;
    bool kept_off; /* a sample could not use it: this handle reads every trial */
    int64_t kept_self, kept_split_self;
    int64_t full_stamp;
    /* Under auto: the points gp and smac proposed to running trials that do not show them yet
     * (samplers/proposed.h, borrowed), and what observe reads instead of such trials (see
     * with_proposed): the trials' pointers, and the trials as they would show their points. */
    knob__proposed *shared_proposed;
    const knob_trial_info **as_tr;
    size_t cap_as_tr;
    knob_trial_info *as_info;
    size_t cap_as_info;
    knob_param *as_params;
    size_t cap_as_params;
    size_t *as_at; /* the index of each in the trials */
    size_t n_as, cap_as_at;
} tpe;

static bool grow(void *arr, size_t *cap, size_t need, size_t size)
{
    return need <= *cap || knob__grow(arr, cap, need, size) == 0;
}

/* Whether continuous kernels are scored by weight x bandwidth in this ask: sigma_weighted,
 * which with several objectives holds only while the finished trials are fewer than
 * mo_sigma_weighted_per_param per param (split_multi counts the params). */
static bool sigma_weighted_now(const tpe *p)
{
    if (!p->sigma_weighted || p->n_objectives < 2 || p->mo_sigma_per_param <= 0)
        return p->sigma_weighted;
    return (double)p->n_done < (double)p->mo_sigma_per_param * (double)p->mo_params;
}

static knob__tpe_settings settings(const tpe *p)
{
    return (knob__tpe_settings){.prior_weight = p->prior_weight,
                                .smoothing = p->prior_weight,
                                .consider_endpoints = p->consider_endpoints,
                                .magic_clip = p->consider_magic_clip,
                                .sigma_weighted = sigma_weighted_now(p),
                                .min_bandwidth = p->min_bandwidth};
}

static bool single(const knob_distribution *d)
{
    return d->kind == KNOB_DIST_CATEGORICAL ? d->n_choices <= 1 : d->low >= d->high;
}

/* The estimators' axis of a param (math/tpe_parzen.h takes its numbers). */
static void axis_of(knob__tpe_axis *a, const knob_distribution *d)
{
    if (d->kind == KNOB_DIST_CATEGORICAL)
        knob__tpe_axis_choice(a, d->n_choices);
    else
        knob__tpe_axis_number(a, d->low, d->high, d->step, d->kind == KNOB_DIST_INT,
                              (d->flags & KNOB_LOG) != 0);
}

/* The estimators fail only when memory runs out (math/status.h). */
static int estimator_failed(size_t n)
{
    return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: an estimator of %zu observations)", n);
}

/* ---------------------------------------------------------------- the history */

/* The rank key of an infeasible trial: after every feasible complete or pruned one. */
#define INFEASIBLE_KEY 2.0

/* The rank key of a trial, or false when it is not an observation. Infeasible trials
 * (a constraint > 0) rank after the feasible ones, by their summed violation, as in
 * Optuna's constrained TPE. */
static bool rank_key(const tpe *p, const knob_trial_info *info, double sign, obs *o)
{
    bool mo = p->n_objectives > 1;
    if ((info->state == KNOB_TRIAL_COMPLETE || info->state == KNOB_TRIAL_PRUNED) &&
        info->n_constraints && !knob_trial_info_feasible(info)) {
        double v = 0;
        for (size_t i = 0; i < info->n_constraints; i++) {
            double c = info->constraints[i];
            if (!(c <= 0))
                v += isnan(c) ? INFINITY : c;
        }
        o->step_key = INFEASIBLE_KEY;
        o->loss = v;
        return true;
    }
    switch (info->state) {
    case KNOB_TRIAL_COMPLETE:
        if (info->n_values != p->n_objectives)
            return false;
        o->step_key = -INFINITY;
        o->loss = sign * info->values[0];
        return true;
    case KNOB_TRIAL_PRUNED:
        if (mo)
            return false;
        if (info->n_intermediate) {
            const knob_step_value *last = &info->intermediate[info->n_intermediate - 1];
            o->step_key = -(double)last->step;
            o->loss = isnan(last->value) ? INFINITY : sign * last->value;
        } else {
            o->step_key = 1;
            o->loss = 0;
        }
        return true;
    case KNOB_TRIAL_RUNNING:
        if (!p->constant_liar)
            return false;
        o->step_key = o->loss = INFINITY;
        return true;
    default:
        return false;
    }
}

static bool settled(knob_trial_state st)
{
    return st == KNOB_TRIAL_COMPLETE || st == KNOB_TRIAL_PRUNED || st == KNOB_TRIAL_FAIL;
}

/* Whether rec still describes the view's block: a finished trial whose block is the
 * same, or an unfinished one whose block, state and counts are (a changed trial gets a
 * new block; the counts guard against a new block at a freed one's address). */
static bool rec_current(const trial_rec *r, const knob_trial_info *info)
{
    if (r->info != info)
        return false;
    if (settled(r->state))
        return true;
    return r->state == info->state && r->n_params == info->n_params &&
           r->n_intermediate == info->n_intermediate && r->n_values == info->n_values;
}

/* Copies the pool without the params of superseded reads. */
static int compact_pool(tpe *p)
{
    size_t total = 0;
    for (size_t i = 0; i < p->n_rec; i++)
        total += p->rec[i].n_params;
    knob_param *q = malloc((total ? total : 1) * sizeof *q);
    if (!q)
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu params)", total);
    size_t at = 0;
    for (size_t i = 0; i < p->n_rec; i++) {
        trial_rec *r = &p->rec[i];
        if (r->n_params)
            memcpy(q + at, p->pool + r->at, r->n_params * sizeof *q);
        r->at = at;
        at += r->n_params;
    }
    free(p->pool);
    p->pool = q;
    p->n_pool = p->cap_pool = at;
    p->pool_waste = 0;
    p->pool_moved = true;
    return KNOB_OK;
}

/* Reads one trial into rec (fresh: rec holds nothing yet). */
static int read_rec(tpe *p, trial_rec *r, const knob_trial_info *info, double sign, bool fresh)
{
    size_t np = info->n_params;
    if (!fresh)
        p->pool_waste += r->n_params;
    knob_param *was = p->pool;
    if (!grow(&p->pool, &p->cap_pool, p->n_pool + np, sizeof *p->pool))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu params)", p->n_pool + np);
    p->pool_moved |= p->pool != was;
    if (np) /* the pool may still be NULL */
        memcpy(p->pool + p->n_pool, info->params, np * sizeof *p->pool);
    *r = (trial_rec){info, info->state, np,   info->n_intermediate, info->n_values, p->n_pool,
                     {0},  false,       false};
    p->n_pool += np;
    if (++p->next_gen == 0) { /* wrapped: every column entry is recomputed */
        for (size_t c = 0; c < p->n_cols; c++)
            memset(p->cols[c].gen, 0, p->cols[c].cap * sizeof *p->cols[c].gen);
        p->next_gen = 1;
    }
    p->rgen[r - p->rec] = p->next_gen;
    p->rdone[r - p->rec] = settled(info->state) ? info : NULL;
    r->o.number = info->number;
    r->is_obs = rank_key(p, info, sign, &r->o);
    return KNOB_OK;
}

/* Brings rec[] up to the view's trials; *changed tells whether anything was read. */
static int sync_recs(tpe *p, const knob_trial_info *const *tr, size_t n, double sign, bool *changed)
{
    if (!grow(&p->rec, &p->cap_rec, n, sizeof *p->rec) ||
        !grow(&p->rgen, &p->cap_rgen, n, sizeof *p->rgen) ||
        !grow(&p->rdone, &p->cap_rdone, n, sizeof *p->rdone))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu trials)", n);
    p->first_changed = n;
    if (!p->cache || n < p->n_rec) { /* read everything again */
        p->n_rec = p->n_pool = p->pool_waste = 0;
        p->first_changed = 0;
        *changed = true;
    }
    size_t known = n < p->n_rec ? n : p->n_rec;
    for (size_t i = 0; i < n; i++) {
        /* finished trials whose blocks are unchanged, 64 at a time */
        while (i + 64 <= known && memcmp(tr + i, p->rdone + i, 64 * sizeof *tr) == 0)
            i += 64;
        if (i >= n)
            break;
        bool fresh = i >= p->n_rec;
        if (!fresh && !p->rec[i].proposed &&
            (tr[i] == p->rdone[i] || rec_current(&p->rec[i], tr[i])))
            continue;
        int rc = read_rec(p, &p->rec[i], tr[i], sign, fresh);
        if (rc)
            return rc;
        if (fresh)
            p->n_rec = i + 1;
        if (i < p->first_changed)
            p->first_changed = i;
        *changed = true;
    }
    p->n_rec = n;
    for (size_t j = 0; j < p->n_as; j++) /* (each was read: none is current) */
        p->rec[p->as_at[j]].proposed = true;
    if (p->pool_waste > 1024 && p->pool_waste > p->n_pool / 2)
        return compact_pool(p);
    return KNOB_OK;
}

/* Forgets what was drawn from obs[keep ..): columns' sums that went past it, the best
 * list when it lost a member it needed, the good flags. */
static void drop_obs(tpe *p, size_t keep)
{
    for (size_t i = keep; i < p->n_obs && keep; i++)
        p->n_done -= p->obs[i].step_key < INFINITY;
    if (!keep)
        p->n_done = 0;
    p->n_obs = keep;
    for (size_t c = 0; c < p->n_cols; c++)
        if (p->cols[c].acc_k > keep)
            p->cols[c].acc_k = 0, p->cols[c].acc.n = 0;
    for (size_t c = 0; c < p->n_cols; c++)
        if (p->cols[c].bin_k > keep) {
            knob__tpe_bins_clear(&p->cols[c].bins);
            p->cols[c].bin_k = 0;
        }
    size_t kept = 0;
    bool all = p->n_top == p->top_upto; /* the list holds every one of obs[0 .. top_upto) */
    for (size_t j = 0; j < p->n_top; j++)
        if (p->top[j] < keep)
            p->top[kept++] = p->top[j];
    bool lost = kept < p->n_top;
    p->n_top = kept;
    if (p->top_upto > keep)
        p->top_upto = keep;
    if (lost && !all) /* it may miss some of the best of obs[0 .. keep): rebuilt */
        p->n_top = p->top_upto = 0;
    size_t g = 0;
    for (size_t j = 0; j < p->n_good_idx; j++)
        if (p->good_idx[j] < keep)
            p->good_idx[g++] = p->good_idx[j];
    p->n_good_idx = g;
}

/* The first observation drawn from rec[cut ..). */
static size_t obs_from(const tpe *p, size_t cut)
{
    size_t lo = 0, hi = p->n_obs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->obs[mid].rec < cut)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Under auto (shared_proposed): the trials *tr[0 .. n), with each running trial that gp or
 * smac proposed a point to and that does not show it yet as it will show it (its params, then
 * the point's it has not suggested), as a running trial with params counts (constant_liar).
 * A batch asked first and suggested after (a trial told pruned between its asks hands the
 * rest to tpe) then gets what asking and suggesting one trial at a time gets; else a trial of
 * the batch counted as one without params, and tpe could ask its point again. */
static int with_proposed(tpe *p, const knob_trial_info *const **tr, size_t n)
{
    knob__proposed *l = p->shared_proposed;
    p->n_as = 0;
    if (!l || !p->constant_liar)
        return KNOB_OK;
    knob__proposed_prune(l, *tr, n); /* those left run, among tr, and miss a param of their point */
    if (l->n == 0)
        return KNOB_OK;
    size_t total = 0;
    for (size_t j = 0; j < l->n; j++)
        total += (*tr)[knob__trial_index(*tr, n, l->at[j].number)]->n_params + l->at[j].n;
    if (!grow(&p->as_tr, &p->cap_as_tr, n, sizeof *p->as_tr) ||
        !grow(&p->as_info, &p->cap_as_info, l->n, sizeof *p->as_info) ||
        !grow(&p->as_at, &p->cap_as_at, l->n, sizeof *p->as_at) ||
        !grow(&p->as_params, &p->cap_as_params, total, sizeof *p->as_params))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the points of %zu trials)", l->n);
    memcpy(p->as_tr, *tr, n * sizeof *p->as_tr);
    knob_param *q = p->as_params;
    for (size_t j = 0; j < l->n; j++) {
        const knob__proposed_point *pt = &l->at[j];
        size_t i = knob__trial_index(*tr, n, pt->number);
        const knob_trial_info *ti = (*tr)[i];
        knob_trial_info *as = &p->as_info[j];
        *as = *ti;
        as->params = q;
        if (ti->n_params)
            memcpy(q, ti->params, ti->n_params * sizeof *q);
        for (size_t k = 0; k < pt->n; k++)
            if (!knob_trial_info_param(ti, pt->params[k].name))
                q[as->n_params++] = pt->params[k];
        q += as->n_params;
        p->as_tr[i] = as;
        p->as_at[p->n_as++] = i;
    }
    *tr = p->as_tr;
    return KNOB_OK;
}

/* Reads the observations, unless the history is unchanged since the last call for
 * this trial (the params of one trial are sampled from one reading, then). With one
 * objective and no bracket, only those of the trials from the first that changed are
 * read again (the finished trials before it are final). */
static int observe(tpe *p, knob_study *s, knob_trial *t)
{
    const knob_trial_info *const *tr;
    size_t n;
    int rc = knob_study_trials(s, &tr, &n);
    if (!rc)
        rc = with_proposed(p, &tr, n);
    if (rc)
        return rc;
    p->full_stamp = knob__study_trials_stamp(s);
    int64_t self = knob_trial_number(t);
    size_t m = p->n_objectives = knob_study_n_objectives(s);
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    bool changed = !p->have_snap || p->snap_self != self;
    p->have_snap = false;
    p->pool_moved = false;
    if ((rc = sync_recs(p, tr, n, sign, &changed)))
        return rc;
    if (p->pool_moved) /* the kept observations' params moved with the pool */
        for (size_t i = 0; i < p->n_obs; i++)
            p->obs[i].params = p->obs[i].n_params ? p->pool + p->rec[p->obs[i].rec].at : NULL;
    if (!changed) {
        p->have_snap = true;
        return KNOB_OK;
    }
    if (!grow(&p->obs, &p->cap_obs, n, sizeof *p->obs) ||
        (m > 1 && !grow(&p->loss, &p->cap_loss, n * m, sizeof *p->loss)))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu trials)", n);
    /* With Hyperband, a trial is modelled on the trials of its own bracket only, whose
     * budgets are comparable (BOHB); the startup count is per bracket too. */
    int64_t bracket = knob_pruner_bracket(knob_study_pruner(s), s, self);
    bool in_order = m == 1 && bracket < 0;
    size_t cut = p->first_changed;
    if (!in_order || !p->in_order)
        cut = 0;
    if (p->have_last_self && p->last_self >= 0 && (uint64_t)p->last_self < cut)
        cut = (size_t)p->last_self;
    if (self >= 0 && (uint64_t)self < cut)
        cut = (size_t)self;
    if (cut < p->settled)
        p->settled = cut;
    drop_obs(p, cut ? obs_from(p, cut) : 0);
    p->in_order = in_order;
    for (size_t i = cut; i < n; i++) {
        const trial_rec *r = &p->rec[i];
        if (!r->is_obs || r->o.number == self)
            continue;
        if (bracket >= 0 && knob_pruner_bracket(knob_study_pruner(s), s, r->o.number) != bracket)
            continue;
        obs *o = &p->obs[p->n_obs];
        *o = r->o;
        o->params = r->n_params ? p->pool + r->at : NULL;
        o->n_params = r->n_params;
        o->rec = (uint32_t)i;
        o->good = false;
        o->w_good = 1;
        /* an infeasible observation may be a pruned trial with fewer values (none): its
         * losses are never read (split_multi ranks it by its violation), and none is read
         * past them */
        for (size_t j = 0; m > 1 && j < m; j++)
            p->loss[p->n_obs * m + j] =
                j >= r->info->n_values
                    ? NAN
                    : (knob_study_direction(s, j) == KNOB_MAXIMIZE ? -1 : 1) * r->info->values[j];
        p->n_done += o->step_key < INFINITY;
        p->n_obs++;
    }
    while (p->settled < n && settled(p->rec[p->settled].state))
        p->settled++;
    p->n_frozen = in_order ? obs_from(p, p->settled) : 0;
    p->snap_self = self;
    p->last_self = self;
    p->have_last_self = true;
    p->have_snap = true;
    p->split_done = false;
    return KNOB_OK;
}

/* The good side's size: at most 25, with several objectives at most mo_gamma_cap (0: 25 per
 * objective past the first, as the top says). */
static size_t gamma_of(const tpe *p, size_t n)
{
    double g = ceil(p->gamma_beta * (p->sqrt_gamma ? sqrt((double)n) : (double)n)), cap = 25;
    if (p->n_objectives > 1)
        cap = p->mo_gamma_cap > 0    ? (double)p->mo_gamma_cap
              : p->mo_gamma_cap == 0 ? 25.0 * (double)(p->n_objectives - 1)
                                     : g;
    return g < cap ? (size_t)g : (size_t)cap;
}

static bool ranks_before(const obs *a, const obs *b)
{
    if (a->step_key != b->step_key)
        return a->step_key < b->step_key;
    return a->loss < b->loss; /* ties keep the older trial first */
}

/* One objective: the k best by (step key, loss), tied ones never split (below). */
static void split_single(tpe *p, size_t k)
{
    size_t best[25], got = 0;
    if (k == 0) /* nothing finished yet (a warm start asks before any trial ends) */
        return;
    for (size_t i = 0; i < p->n_obs; i++) {
        if (got == k && !ranks_before(&p->obs[i], &p->obs[best[got - 1]]))
            continue;
        size_t j = got < k ? got++ : k - 1;
        while (j > 0 && ranks_before(&p->obs[i], &p->obs[best[j - 1]])) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = i;
    }
    if (got == 0)
        return;
    /* Ties at the boundary: the split goes at a value boundary, so that equal losses are
     * never on both sides (an arbitrary choice among tied trials, on a plateau, is what
     * kept TPE there). Strictly better trials alone are good when there are some; else
     * the best block of tied trials is good as a whole, unless every trial is in it: then
     * nothing is known, and the trial explores (draws as the random sampler). */
    const obs *edge = &p->obs[best[got - 1]];
    size_t tied = 0, better = 0, done = 0;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key == INFINITY)
            continue;
        done++;
        if (ranks_before(o, edge))
            better++;
        else if (!ranks_before(edge, o))
            tied++;
    }
    if (better + tied <= got) { /* no tie across the boundary */
        for (size_t j = 0; j < got; j++)
            p->obs[best[j]].good = true;
        return;
    }
    if (better > 0) {
        for (size_t j = 0; j < got; j++)
            p->obs[best[j]].good = ranks_before(&p->obs[best[j]], edge);
        return;
    }
    if (tied == done) {
        p->explore = true;
        return;
    }
    for (size_t i = 0; i < p->n_obs; i++)
        p->obs[i].good = p->obs[i].step_key != INFINITY && !ranks_before(edge, &p->obs[i]);
}

/* An infeasible observation and its summed violation, to sort them by. */
typedef struct violator {
    double v;
    size_t i;
} violator;

static int cmp_violator(const void *a, const void *b)
{
    const violator *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i); /* ties keep the older trial first */
}

/* Several objectives, the rest of the good side when fewer than k feasible trials are
 * good: the infeasible trials with the least summed violation (o->loss), the older first
 * among equal ones, each weighing 1 (the most a feasible good one weighs). So the search
 * is steered towards the feasible region before it has found enough of it, as with one
 * objective. Optuna's constrained TPE splits so for any number of objectives, but weighs
 * such trials 1e-12 in its good estimator (they leave the bad one, and the prior shapes
 * the good); weighing them 1, knob's search drew about as many feasible trials as Optuna 5
 * on a 2-objective problem whose feasible corner holds 2% of the space (103 and 100 of 400
 * over seeds 0-9, tpe.tpe_constraints_multi_objective's problem). at[0 ..
 * n_inf) holds the infeasible observations. Returns 0, or -1 when out of memory. */
static int fill_infeasible(tpe *p, const size_t *at, size_t n_inf, size_t need)
{
    if (need == 0 || n_inf == 0)
        return 0;
    violator *vs = malloc(n_inf * sizeof *vs);
    if (!vs)
        return -1;
    for (size_t j = 0; j < n_inf; j++)
        vs[j] = (violator){p->obs[at[j]].loss, at[j]};
    qsort(vs, n_inf, sizeof *vs, cmp_violator);
    for (size_t j = 0; j < need && j < n_inf; j++) {
        p->obs[vs[j].i].good = true;
        p->obs[vs[j].i].w_good = 1;
    }
    free(vs);
    return 0;
}

/* Several objectives: nondominated fronts of the feasible trials, then weights by
 * hypervolume contribution (or uniform); infeasible trials fill what remains of the good
 * side (fill_infeasible). Running trials (constant_liar) have no values: they stay bad, as
 * in Optuna 5's split. */
static int split_multi(tpe *p, size_t k)
{
    size_t n = p->n_obs, m = p->n_objectives, nf = 0, ni = 0;
    bool *sel = malloc((n ? n : 1) * sizeof *sel);
    double *good = malloc((k ? k : 1) * m * sizeof *good), *w = malloc((k ? k : 1) * sizeof *w);
    /* Fronts of the feasible trials (moved to the front of p->loss, their obs in at[]); the
     * infeasible ones' obs are at the end of at[], from the last slot down. */
    size_t *at = malloc((n ? n : 1) * sizeof *at);
    int rc = sel && good && w && at ? 0 : -1;
    bool hv = strcmp(p->mo_weights, "hypervolume") == 0;
    p->mo_params = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (p->obs[i].step_key == INFINITY) /* running (constant_liar): always bad */
            continue;
        if (p->obs[i].n_params > p->mo_params)
            p->mo_params = p->obs[i].n_params;
        if (p->obs[i].step_key == INFEASIBLE_KEY) {
            at[n - ++ni] = i;
            continue;
        }
        memmove(p->loss + nf * m, p->loss + i * m, m * sizeof *p->loss);
        at[nf++] = i;
    }
    if (!rc)
        rc = knob__tpe_select(p->loss, nf, m, k < nf ? k : nf, sel);
    size_t g = 0;
    for (size_t i = 0; !rc && i < nf; i++)
        if (sel[i] && g < k)
            memcpy(good + g++ * m, p->loss + i * m, m * sizeof *good);
    if (!rc && hv)
        rc = knob__tpe_hv_weights(good, g, m, w);
    for (size_t j = 0; !rc && !hv && j < g; j++)
        w[j] = 1;
    for (size_t i = 0, j = 0; !rc && i < nf; i++) {
        if (sel[i] && j < g) {
            p->obs[at[i]].good = true;
            p->obs[at[i]].w_good = w[j++];
        }
    }
    if (!rc)
        rc = fill_infeasible(p, at + n - ni, ni, k - g);
    if (rc)
        p->have_snap = false; /* rows moved: the next call reads them again */
    free(at);
    free(sel);
    free(good);
    free(w);
    return rc ? knob_set_error(KNOB_ENOMEM, "out of memory (tpe: fronts of %zu trials)", n)
              : KNOB_OK;
}

/* Brings the best list up to obs[0 .. n_obs), inserting as split_single does. */
static void top_update(tpe *p)
{
    for (size_t i = p->top_upto; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (p->n_top == TOP && !ranks_before(o, &p->obs[p->top[TOP - 1]]))
            continue;
        size_t j = p->n_top < TOP ? p->n_top++ : TOP - 1;
        while (j > 0 && ranks_before(o, &p->obs[p->top[j - 1]])) {
            p->top[j] = p->top[j - 1];
            j--;
        }
        p->top[j] = i;
    }
    p->top_upto = p->n_obs;
}

static bool add_good(tpe *p, size_t i)
{
    if (!grow(&p->good_idx, &p->cap_good_idx, p->n_good_idx + 1, sizeof *p->good_idx))
        return false;
    p->obs[i].good = true;
    p->good_idx[p->n_good_idx++] = i;
    return true;
}

/* Whether b observed what a did: the same params (names, distributions, values), the same
 * rank key and loss. A deterministic objective asked a point again. */
static const knob_param *find_param(const obs *o, const char *name, size_t hint);
static bool same_observation(const obs *a, const obs *b)
{
    if (a->step_key != b->step_key || a->loss != b->loss || a->n_params != b->n_params)
        return false;
    for (size_t i = 0; i < a->n_params; i++) {
        const knob_param *q = &a->params[i], *r = find_param(b, q->name, i);
        if (!r || r->internal != q->internal ||
            !(r->dist == q->dist || knob__dist_equal(r->dist, q->dist)))
            return false;
    }
    return true;
}

/* Whether o repeats one of the good observations. */
static bool repeats_good(const tpe *p, const obs *o)
{
    for (size_t j = 0; j < p->n_good_idx; j++)
        if (same_observation(&p->obs[p->good_idx[j]], o))
            return true;
    return false;
}

/* One objective: a trial that repeats a good one (the same params and loss, an earlier
 * trial's) is not good a second time; it is bad, as a point with nothing left to learn.
 * Counted each time, the repeats of the best trial made the good side that one point,
 * which the next asks then repeated again: on a conditional space with a good but not
 * the best branch (bench/README.md, "tpe: repeats of a good trial"), a third of the
 * trials were repeats, and the better branch was found on fewer seeds than by random
 * search. good_idx stays ascending, the first of each repeat kept. */
static void drop_repeats(tpe *p)
{
    size_t g = 0;
    for (size_t a = 0; a < p->n_good_idx; a++) {
        size_t i = p->good_idx[a];
        bool rep = false;
        for (size_t b = 0; b < g && !rep; b++)
            rep = same_observation(&p->obs[p->good_idx[b]], &p->obs[i]);
        if (rep)
            p->obs[i].good = false;
        else
            p->good_idx[g++] = i;
    }
    p->n_good_idx = g;
}

/* split_single from the best list kept between asks, and the EI threshold: false when
 * the list cannot decide (tied trials run past its end), then nothing is marked. */
static bool split_top(tpe *p, size_t k, bool *oom)
{
    top_update(p);
    size_t got = k < p->n_top ? k : p->n_top;
    bool all = p->n_top == p->n_obs;
    const obs *last = p->n_top ? &p->obs[p->top[p->n_top - 1]] : NULL;
    if (got && !all && !ranks_before(&p->obs[p->top[got - 1]], last))
        return false;
    size_t better = 0, tied = 0;
    const obs *edge = got ? &p->obs[p->top[got - 1]] : NULL;
    for (size_t j = 0; j < p->n_top && edge; j++) {
        const obs *o = &p->obs[p->top[j]];
        if (o->step_key == INFINITY)
            continue;
        if (ranks_before(o, edge))
            better++;
        else if (!ranks_before(edge, o))
            tied++;
    }
    bool ok = true;
    if (!edge) {
        /* nothing finished: nothing is good */
    } else if (better + tied <= got) {
        for (size_t j = 0; j < got && ok; j++)
            ok = add_good(p, p->top[j]);
    } else if (better > 0) {
        for (size_t j = 0; j < got && ok; j++)
            if (ranks_before(&p->obs[p->top[j]], edge))
                ok = add_good(p, p->top[j]);
    } else if (tied == p->n_done) {
        p->explore = true;
    } else {
        for (size_t j = 0; j < p->n_top && ok; j++) {
            const obs *o = &p->obs[p->top[j]];
            if (o->step_key != INFINITY && !ranks_before(edge, o))
                ok = add_good(p, p->top[j]);
        }
    }
    *oom = !ok;
    /* good_idx ascending, as gather takes the good side in time order */
    for (size_t i = 1; i < p->n_good_idx; i++) {
        size_t v = p->good_idx[i], j = i;
        for (; j > 0 && p->good_idx[j - 1] > v; j--)
            p->good_idx[j] = p->good_idx[j - 1];
        p->good_idx[j] = v;
    }
    drop_repeats(p);
    /* The best complete trial that is not good (nor a good one's repeat): the first in
     * rank order. Past the list every trial ranks after its last, which is not good (it
     * ranks after the edge): so either the list holds that trial or no complete trial that
     * is not a repeat lies past it (past it, the losses are larger still). */
    p->ei_threshold = INFINITY;
    for (size_t j = 0; j < p->n_top; j++) {
        const obs *o = &p->obs[p->top[j]];
        if (o->step_key != -INFINITY)
            break;
        if (!o->good && !repeats_good(p, o)) {
            p->ei_threshold = o->loss;
            break;
        }
    }
    return true;
}

static int split(tpe *p)
{
    size_t k = gamma_of(p, p->n_done);
    int rc = KNOB_OK;
    bool oom = false;
    if (p->split_done)
        return KNOB_OK;
    p->explore = false;
    for (size_t j = 0; j < p->n_good_idx; j++)
        p->obs[p->good_idx[j]].good = false;
    p->n_good_idx = 0;
    if (p->in_order && k <= TOP / 2 && split_top(p, k, &oom)) {
        if (oom)
            return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the good trials)");
        p->split_done = true;
        return KNOB_OK;
    }
    if (p->n_objectives > 1)
        rc = split_multi(p, k);
    else
        split_single(p, k);
    for (size_t i = 0; i < p->n_obs; i++)
        if (p->obs[i].good && !add_good(p, i))
            return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the good trials)");
    if (p->n_objectives == 1)
        drop_repeats(p);
    p->ei_threshold = INFINITY;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (!o->good && o->step_key == -INFINITY && o->loss < p->ei_threshold &&
            (p->n_objectives > 1 || !repeats_good(p, o)))
            p->ei_threshold = o->loss;
    }
    p->split_done = rc == KNOB_OK;
    return rc;
}

/* The param `name` of a trial (hint: its likely position), or NULL. Names are interned
 * by the study, so the pointer test nearly always decides. */
static const knob_param *find_param(const obs *o, const char *name, size_t hint)
{
    const knob_param *q = o->params;
    if (hint < o->n_params && q[hint].name == name)
        return &q[hint];
    for (size_t i = 0; i < o->n_params; i++)
        if (q[i].name == name)
            return &q[i];
    for (size_t i = 0; i < o->n_params; i++)
        if (strcmp(q[i].name, name) == 0)
            return &q[i];
    return NULL;
}

/* Whether a trial's value of a param counts for distribution d: under an equal
 * distribution, or for numbers under another range of the same kind when it lies in
 * d's range (categoricals only under an equal one). */
static bool counts(const knob_param *q, const knob_distribution *d)
{
    if (q->dist == d || knob__dist_equal(q->dist, d))
        return true;
    return d->kind != KNOB_DIST_CATEGORICAL && q->dist->kind == d->kind &&
           (q->dist->flags & KNOB_LOG) == (d->flags & KNOB_LOG) && q->internal >= d->low &&
           q->internal <= d->high;
}

static int reserve_buf(tpe *p, size_t n)
{
    if (n <= p->cap_buf && p->buf)
        return KNOB_OK;
    size_t cap = n + n / 2 + 16;
    double *b = malloc(4 * cap * sizeof *b);
    if (!b)
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu observations)", n);
    free(p->buf);
    p->buf = b;
    p->cap_buf = cap;
    return KNOB_OK;
}

/* What side_weights takes of a good observation: its MOTPE weight, its loss, or NaN
 * when it is infeasible. */
static double good_weight(const tpe *p, const obs *o)
{
    if (p->n_objectives > 1)
        return o->w_good;
    return o->step_key == INFEASIBLE_KEY ? NAN : o->loss;
}

/* knob__tpe_default_weights(n) into w, computed once for each n. */
static void default_weights(tpe *p, size_t n, double *w)
{
    if (n != p->n_wbad || !p->wbad) {
        if (!grow(&p->wbad, &p->cap_wbad, n ? n : 1, sizeof *p->wbad)) {
            knob__tpe_default_weights(n, w);
            return;
        }
        knob__tpe_default_weights(n, p->wbad);
        p->n_wbad = n;
    }
    if (n)
        memcpy(w, p->wbad, n * sizeof *w);
}

/* Weights of the bad side, and of the good side with one objective (wg holds the good
 * losses on entry then, NaN for infeasible ones). Returns the prior's weight on the good
 * side. */
static double side_weights(tpe *p, double *wg, size_t ng, double *wb, size_t nb)
{
    bool uniform = strcmp(p->weights, "uniform") == 0;
    if (uniform)
        for (size_t i = 0; i < nb; i++)
            wb[i] = 1;
    else
        default_weights(p, nb, wb);
    if (p->n_objectives > 1)
        return p->prior_weight;
    if (p->ei_weights && isfinite(p->ei_threshold) && ng > 0) {
        /* NaN: an infeasible good trial, which weighs as much as the others on average. A
         * trial at the threshold weighs a 1e-12th of the good side's span (only the weights'
         * ratios count: a floor in the losses' unit, so that a loss in any unit weighs
         * alike), or 1 when every good trial is at the threshold. */
        double sum = 0, low = INFINITY;
        size_t nv = 0;
        for (size_t i = 0; i < ng; i++)
            if (!isnan(wg[i]))
                low = fmin(low, wg[i]);
        double span = p->ei_threshold - low, floor = span > 0 ? 1e-12 * span : 1;
        for (size_t i = 0; i < ng; i++) {
            if (!isnan(wg[i])) {
                sum += fmax(floor, p->ei_threshold - wg[i]);
                nv++;
            }
        }
        if (nv > 0 && isfinite(sum)) { /* else a loss of -inf: uniform below */
            double mean = sum / (double)nv;
            for (size_t i = 0; i < ng; i++)
                wg[i] = isnan(wg[i]) ? mean : fmax(floor, p->ei_threshold - wg[i]);
            return p->prior_weight * mean;
        }
    }
    if (uniform || p->ei_weights)
        for (size_t i = 0; i < ng; i++)
            wg[i] = 1;
    else
        knob__tpe_default_weights(ng, wg);
    return p->prior_weight;
}

/* ---------------------------------------------------------------- warm start */

static void free_ws(tpe *p)
{
    for (size_t i = 0; i < p->n_ws; i++) {
        free((char *)p->ws[i].name);
        free((knob_distribution *)p->ws[i].dist);
    }
    free(p->ws);
    free(p->ws_of);
    free(p->ws_fit);
    p->ws = NULL;
    p->ws_of = NULL;
    p->ws_fit = NULL;
    p->n_ws = p->ws_k = p->n_none = p->n_partly = 0;
    p->ws_unfit_param = NULL;
    p->ws_tell = false;
    for (size_t i = 0; i < p->n_ws_names; i++)
        free(p->ws_names[i]);
    free(p->ws_names);
    p->ws_names = NULL;
    p->n_ws_names = p->ws_scan = 0;
    p->ws_shared = p->ws_own = p->ws_unsay = false;
    p->ws_judged = 0;
    knob__warm_firsts_free(&p->ws_firsts);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the params of the source's trials w[0 .. n) with `values` objective values,
 * sorted, each once, in ws_names. */
static int source_names(tpe *p, const knob__warm_trial *w, size_t n, size_t values)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i].trial->n_values == values ? w[i].trial->n_params : 0;
    if (total == 0)
        return KNOB_OK;
    const char **all = malloc(total * sizeof *all);
    if (!all)
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: warm start)");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; w[i].trial->n_values == values && j < w[i].trial->n_params; j++)
            all[k++] = w[i].trial->params[j].name;
    qsort(all, total, sizeof *all, cmp_name);
    size_t u = 0;
    for (size_t i = 0; i < total; i++)
        u += i == 0 || strcmp(all[i], all[i - 1]) != 0;
    p->ws_names = malloc(u * sizeof *p->ws_names);
    for (size_t i = 0; p->ws_names && i < total; i++)
        if (i == 0 || strcmp(all[i], all[i - 1]) != 0) {
            if (!(p->ws_names[p->n_ws_names] = strdup(all[i])))
                break;
            p->n_ws_names++;
        }
    free(all);
    return p->ws_names && p->n_ws_names == u
               ? KNOB_OK
               : knob_set_error(KNOB_ENOMEM, "out of memory (tpe: warm start)");
}

/* How many of the source's m trials (sorted, best first) are good, k of them by gamma: the
 * split at a value boundary as this study's own (split_single), so that tied losses are
 * never on both sides: the strictly better ones when there are some (a +inf trial, a run
 * that diverged, is never good beside finite ones), else the tied block as a whole, or
 * none when every trial is in it (the source then tells nothing). */
static size_t source_good(const knob__warm_trial *w, size_t m, size_t k)
{
    if (k == 0 || k >= m || w[k].loss != w[k - 1].loss)
        return k < m ? k : m;
    size_t better = 0, tied = k;
    while (better < k && w[better].loss < w[k - 1].loss)
        better++;
    if (better > 0)
        return better;
    while (tied < m && w[tied].loss == w[k - 1].loss)
        tied++;
    return tied == m ? 0 : tied;
}

/* Copies the params of the good trials of src (gamma of its complete feasible ones, best
 * first). Only trials with as many values as this study has objectives are used (a source
 * of one objective says nothing of a study of several); the others are said
 * (say_unfit, at the next suggestion). A source param whose value does not fit this
 * study's distribution is left out where it is read (knob__warm_value), and said once this
 * study suggests the param (source_values). Nothing is set to null here: the space is not
 * known yet, and another process of this study (a knob ask, a run beside) that found a
 * param that does not fit said so; only a sentence naming another source is stale. */
static int copy_source(tpe *p, knob_study *s, knob_study *src)
{
    knob__warm_trial *w;
    size_t n, m = 0, k, total = 0, others = 0;
    int rc = knob__warm_trials(src, true, &w, &n); /* params only: -inf is the best */
    if (!rc)
        rc = source_names(p, w, n, knob_study_n_objectives(s));
    if (rc) {
        free(w);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        bool same = w[i].trial->n_values == knob_study_n_objectives(s);
        others += !same;
        if (same && w[i].feasible)
            w[m++] = w[i];
    }
    if (knob__warm_said_of(s, "tpe", p->ws_study) == 2 ||
        (n && knob__warm_said_empty(s, "tpe", p->ws_study)))
        p->ws_said = p->ws_tell = true; /* taken back (or replaced) at the next suggestion */
    if (n == 0 && (rc = knob__warm_say_empty(s, "tpe", p->ws_study, knob__warm_n_trials(src)))) {
        free(w);
        return rc;
    }
    p->ws_tell |= others > 0;
    knob__warm_sort(w, m);
    if ((rc = knob__warm_firsts_make(&p->ws_firsts, w, m, (size_t)p->ws_first))) {
        free(w);
        return rc;
    }
    k = source_good(w, m, gamma_of(p, m));
    for (size_t i = 0; i < k; i++)
        total += w[i].trial->n_params;
    p->ws_total = n;
    p->ws_others = others;
    p->ws_k = k;
    p->ws = calloc(total ? total : 1, sizeof *p->ws);
    p->ws_of = malloc((total ? total : 1) * sizeof *p->ws_of);
    p->ws_fit = calloc(total ? total : 1, sizeof *p->ws_fit);
    if (!p->ws_of || !p->ws_fit) {
        free(w);
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: warm start)");
    }
    for (size_t i = 0; p->ws && i < k; i++) {
        for (size_t j = 0; j < w[i].trial->n_params; j++) {
            const knob_param *q = &w[i].trial->params[j];
            p->ws_of[p->n_ws] = i;
            knob_param *c = &p->ws[p->n_ws++];
            c->name = strdup(q->name);
            c->dist = knob__dist_clone(q->dist);
            c->internal = q->internal;
            if (!c->name || !c->dist) {
                free(w);
                return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: warm start)");
            }
        }
    }
    free(w);
    return p->ws ? KNOB_OK : knob_set_error(KNOB_ENOMEM, "out of memory (tpe: warm start)");
}

/* Reads warm_start_study once (its trials are not this study's: they only enter the good
 * estimator). A study that shares no param with this one contributes nothing: a cold
 * start. */
static int read_source(tpe *p, knob_study *s)
{
    if (p->ws_read || !p->ws_study[0])
        return KNOB_OK;
    knob_study *src = NULL;
    int rc = knob__warm_open(s, "sampler 'tpe'", p->ws_study, p->ws_storage, &src);
    if (!rc)
        rc = copy_source(p, s, src);
    knob_study_free(src);
    if (rc)
        free_ws(p);
    p->ws_read = rc == KNOB_OK;
    return rc;
}

/* Counts the good trials with a param that does not fit (ws_fit: as last suggested), and
 * marks the sentence to be said again when that changed. */
static void count_unfit(tpe *p)
{
    size_t none = 0, partly = 0;
    const char *first = NULL;
    for (size_t i = 0; i < p->n_ws;) {
        size_t seen = 0, bad = 0, of = p->ws_of[i];
        for (; i < p->n_ws && p->ws_of[i] == of; i++) {
            seen += p->ws_fit[i] != 0;
            bad += p->ws_fit[i] == 2;
            if (p->ws_fit[i] == 2 && !first)
                first = p->ws[i].name;
        }
        none += bad && bad == seen;
        partly += bad && bad < seen;
    }
    if (none != p->n_none || partly != p->n_partly ||
        (first != p->ws_unfit_param &&
         (!first || !p->ws_unfit_param || strcmp(first, p->ws_unfit_param) != 0)))
        p->ws_tell = true;
    p->n_none = none;
    p->n_partly = partly;
    p->ws_unfit_param = first;
}

/* How many of the source's good trials have the param `name` with a value that fits d
 * (knob__warm_value: an int for a float, a choice by its value). Whether each fits is noted
 * (ws_fit), to be said (say_unfit): this study's space is known only now, as its params are
 * suggested, and the loop reads the values anyway. */
static size_t source_values(tpe *p, const char *name, const knob_distribution *d)
{
    size_t c = 0;
    double v;
    bool changed = false;
    for (size_t i = 0; i < p->n_ws; i++) {
        if (strcmp(p->ws[i].name, name))
            continue;
        bool fits = knob__warm_value(&p->ws[i], d, &v);
        unsigned char now = fits ? 1 : 2;
        c += fits;
        changed |= p->ws_fit[i] != now;
        p->ws_fit[i] = now;
    }
    if (changed)
        count_unfit(p);
    return c;
}

/* Judges the source params not suggested yet in this process (a value fixed by
 * enqueue_trial is not sampled) against the distribution this study knows them by: trial t's
 * own, or its history's; so that a good trial is said "not used" only when none of the params
 * it shares with this study fits. Run before the sentence is written, not at each
 * suggestion. */
static void judge_known(tpe *p, const knob_trial *t)
{
    bool changed = false;
    double v;
    for (size_t i = 0; i < p->n_ws; i++) {
        if (p->ws_fit[i])
            continue;
        const knob_distribution *d = NULL;
        for (size_t k = 0; k < knob_trial_n_params(t) && !d; k++)
            if (strcmp(knob_trial_param(t, k)->name, p->ws[i].name) == 0)
                d = knob_trial_param(t, k)->dist;
        for (size_t k = 0; k < p->n_cols && !d; k++)
            if (strcmp(p->cols[k].name, p->ws[i].name) == 0)
                d = p->cols[k].dist;
        if (d) {
            p->ws_fit[i] = knob__warm_value(&p->ws[i], d, &v) ? 1 : 2;
            changed = true;
        }
    }
    if (changed)
        count_unfit(p);
}

/* Judges whether the source shares no param with this study (ws_own && !ws_shared): a
 * finished trial of this study has a param, and none has one the source's finished trials
 * have (the source then tells the model nothing). From the trials finished since the last
 * look (their params are final); once one shares a param, the verdict stays. */
static int judge_unshared(tpe *p, knob_study *s)
{
    if (!p->n_ws_names || p->ws_shared)
        return KNOB_OK;
    const knob_trial_info *const *tr;
    size_t n;
    int rc = knob_study_trials(s, &tr, &n);
    if (rc)
        return rc;
    size_t scan = p->ws_scan;
    bool waiting = false;
    for (size_t i = scan; i < n && !p->ws_shared; i++) {
        knob_trial_state st = tr[i]->state;
        if (st == KNOB_TRIAL_RUNNING || st == KNOB_TRIAL_WAITING) {
            waiting = true; /* read again at the next look */
            continue;
        }
        if (!waiting)
            p->ws_scan = i + 1;
        for (size_t j = 0; j < tr[i]->n_params && !p->ws_shared; j++) {
            const char *name = tr[i]->params[j].name;
            p->ws_own = true;
            p->ws_shared =
                bsearch(&name, p->ws_names, p->n_ws_names, sizeof *p->ws_names, cmp_name) != NULL;
        }
    }
    return KNOB_OK;
}

/* Says the good trials of the source with a param this study reads under another
 * distribution (source_values noted them), in warm_start_skipped as gp, smac and cmaes say
 * theirs, at the suggestion of trial `number`: when the verdict changed, and when another
 * process asked since this one's last suggestion while this one has something to say (it
 * may have written its own sentence: one read of the attribute, a write only when it
 * differs). Only a process that has said something takes its sentence back (null). Storing
 * this diagnostic never fails the suggestion: a failed write is tried again at the next
 * one, and the caller's error message is left as it was. */
static void say_unfit(tpe *p, knob_study *s, const knob_trial *t)
{
    int64_t number = knob_trial_number(t);
    knob__kept_error kept;
    knob__error_keep(&kept);
    bool was_shared = p->ws_shared, was_unshared = p->ws_own && !p->ws_shared;
    /* once a trial (at its first param), not at each: an O(n) scan while nothing is shared
     * and a trial still running holds ws_scan back */
    if (number + 1 != p->ws_judged && judge_unshared(p, s) == KNOB_OK)
        p->ws_judged = number + 1;
    bool unshared = p->ws_own && !p->ws_shared;
    p->ws_tell |= unshared != was_unshared;
    /* the study came to share a param: a sentence that it shares none goes, this sampler's
     * or another's (gp's and smac's, auto's turns before tpe took the study over) */
    if (p->ws_shared && !was_shared)
        p->ws_unsay = true;
    if (p->ws_unsay && knob__warm_unsay_unshared(s, p->ws_study) == KNOB_OK)
        p->ws_unsay = false;
    knob__error_put(&kept);
    if (p->ws_tell && p->n_none)
        judge_known(p, t);
    bool has = unshared || p->n_none + p->n_partly + p->ws_others > 0;
    if (has && p->ws_last > 0 && number != p->ws_last - 1 && number != p->ws_last)
        p->ws_tell = true;
    p->ws_last = number + 1;
    if (!p->ws_tell)
        return;
    if (!has && !p->ws_said) {
        p->ws_tell = false;
        return;
    }
    knob__error_keep(&kept);
    int rc = unshared
                 ? knob__warm_say_unshared(s, "tpe", p->ws_study, p->ws_total, "param", NULL)
                 : knob__warm_say_good_skipped(s, "tpe", p->ws_study, p->ws_total, p->ws_others,
                                               p->ws_k, p->n_none, p->n_partly, p->ws_unfit_param);
    knob__error_put(&kept);
    if (rc == KNOB_OK) {
        p->ws_tell = false;
        p->ws_said = has;
    }
}

/* A source trial's weight, for n of them: together they weigh as much as this study's
 * good trials (as n trials of weight 1 without any), times n_startup / (n_startup + own
 * finished trials), so that they fade as this study's own trials arrive. */
static double source_weight(const tpe *p, const double *wg, size_t ng, size_t n)
{
    double total = ng ? 0 : (double)n,
           tau = p->n_startup_trials > 0 ? (double)p->n_startup_trials : 1;
    for (size_t i = 0; i < ng; i++)
        total += wg[i];
    return total / (double)n * tau / (tau + (double)p->n_done);
}

/* ---------------------------------------------------------------- one param at a time */

/* The column of param `name` under distribution d, grown to the history; NULL when
 * memory runs out (the error is set). */
static column *column_of(tpe *p, const char *name, const knob_distribution *d)
{
    column *c = NULL;
    for (size_t i = 0; i < p->n_cols && !c; i++)
        if (strcmp(p->cols[i].name, name) == 0 && knob__dist_equal(p->cols[i].dist, d))
            c = &p->cols[i];
    if (!c) {
        if (!grow(&p->cols, &p->cap_cols, p->n_cols + 1, sizeof *p->cols))
            goto oom;
        c = &p->cols[p->n_cols];
        *c = (column){.name = strdup(name), .dist = knob__dist_clone(d)};
        if (!c->name || !c->dist) {
            free(c->name);
            free(c->dist);
            goto oom;
        }
        p->n_cols++;
    }
    if (c->cap < p->n_rec) {
        size_t cap = p->n_rec + p->n_rec / 2 + 64;
        double *v = realloc(c->val, cap * sizeof *v);
        if (v)
            c->val = v;
        uint32_t *g = v ? realloc(c->gen, cap * sizeof *g) : NULL;
        if (!g)
            goto oom;
        memset(g + c->cap, 0, (cap - c->cap) * sizeof *g);
        c->gen = g;
        c->cap = cap;
    }
    return c;
oom:
    knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the values of param '%s')", name);
    return NULL;
}

/* The value of an observation in column c of param `name` (kernel space; NaN: it has
 * none that counts for c's distribution d), recomputed when its trial was read again.
 * name is the study's (interned: find_param compares pointers first). */
static double value_read(const tpe *p, column *c, const obs *o, const char *name,
                         const knob_distribution *d, const knob__tpe_axis *ax, size_t *hint)
{
    uint32_t ri = o->rec;
    const knob_param *q = find_param(o, name, *hint);
    if (q)
        *hint = (size_t)(q - o->params);
    c->val[ri] = q && counts(q, d) ? knob__tpe_to_kernel(ax, q->internal) : NAN;
    c->gen[ri] = p->rgen[ri];
    return c->val[ri];
}

static inline double value_of(const tpe *p, column *c, const obs *o, const char *name,
                              const knob_distribution *d, const knob__tpe_axis *ax, size_t *hint)
{
    uint32_t ri = o->rec;
    return c->gen[ri] == p->rgen[ri] ? c->val[ri] : value_read(p, c, o, name, d, ax, hint);
}

/* The warm start's good trials of param `name` after this study's g good ones. */
static size_t add_source(tpe *p, const char *name, const knob_distribution *d,
                         const knob__tpe_axis *ax, size_t g)
{
    double *yg = p->buf, *wg = yg + p->cap_buf;
    size_t n_src = p->n_ws ? source_values(p, name, d) : 0;
    if (n_src) {
        double w = source_weight(p, wg, g, n_src);
        for (size_t i = 0; i < p->n_ws; i++) {
            double v;
            if (strcmp(p->ws[i].name, name) || !knob__warm_value(&p->ws[i], d, &v))
                continue;
            yg[g] = knob__tpe_to_kernel(ax, v);
            wg[g++] = w;
        }
    }
    return g;
}

/* The values of one param (of distribution d) on each side, in time order, in the kernel
 * space, and the prior's weight on the good side. Returns KNOB_OK or KNOB_ENOMEM. */
static int gather(tpe *p, const char *name, const knob_distribution *d, const knob__tpe_axis *ax,
                  size_t *ng, size_t *nb, double *prior)
{
    double *yg = p->buf, *wg = yg + p->cap_buf, *yb = wg + p->cap_buf, *wb = yb + p->cap_buf;
    size_t g = 0, b = 0, hint = 0;
    column *c = column_of(p, name, d);
    if (!c)
        return KNOB_ENOMEM;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        double v = value_of(p, c, o, name, d, ax, &hint);
        if (isnan(v))
            continue;
        if (o->good) {
            wg[g] = good_weight(p, o);
            yg[g++] = v;
        } else {
            yb[b++] = v;
        }
    }
    double prior_g = side_weights(p, wg, g, wb, b);
    *ng = add_source(p, name, d, ax, g);
    *nb = b;
    *prior = prior_g;
    return KNOB_OK;
}

/* Adds obs[from .. to) that have a value to the sums s, noting their positions. */
static void add_cells(const tpe *p, column *c, const char *name, const knob_distribution *d,
                      const knob__tpe_axis *ax, knob__tpe_cells *s, size_t from, size_t to)
{
    size_t hint = 0;
    for (size_t i = from; i < to; i++) {
        double v = value_of(p, c, &p->obs[i], name, d, ax, &hint);
        c->pos[i] = isnan(v) ? NO_POS : (uint32_t)s->n;
        if (!isnan(v))
            knob__tpe_cells_add(s, v);
    }
}

/* The observations the merge corrects: the good ones (g of them, in special[0 .. g)) and
 * those at the last 26 positions, merged by position; their number. */
static size_t last_positions(tpe *p, column *c, const char *name, const knob_distribution *d,
                             const knob__tpe_axis *ax, size_t g)
{
    knob__tpe_cell_obs last[26], *sp = p->special;
    size_t nl = 0, hint = 0, from = p->tail.n - 26;
    for (size_t i = p->n_obs; i-- > 0;) {
        if (c->pos[i] == NO_POS)
            continue;
        if (c->pos[i] < from)
            break;
        if (!p->obs[i].good) /* the good ones are in special[] already */
            last[nl++] = (knob__tpe_cell_obs){
                c->pos[i], value_of(p, c, &p->obs[i], name, d, ax, &hint), false};
    }
    /* last[] is in descending positions; merge it in from the end */
    size_t n = g + nl, a = g, b = 0;
    for (size_t k = n; k-- > 0;) {
        if (b < nl && (a == 0 || last[b].j > sp[a - 1].j))
            sp[k] = last[b++];
        else
            sp[k] = sp[--a];
    }
    return n;
}

/* gather for a long history on a continuous axis or a categorical (one objective, the
 * default weights): the bad side is merged into cells (as knob__tpe_mix1_fit would merge
 * it; a categorical's choices each have a cell of their own) from the column's sums of the
 * frozen observations, kept between asks, plus the rest, and fitted here (a categorical's
 * merged kernels, one per choice with its summed weight, go to p->cell_y for categorical());
 * the good side goes to the buffer as gather's. *fitted false (and nothing fitted) when
 * the bad side is too short to merge. Binned axes (ints, stepped floats) are not merged into
 * cells: their kernels' bandwidths are distances to neighbouring values, and a cell of equal
 * values would have one wide kernel where the observations have narrow ones (gather_binned
 * merges them by value instead, keeping those bandwidths). */
static int gather_merged(tpe *p, const char *name, const knob_distribution *d,
                         const knob__tpe_axis *ax, size_t *ng, size_t *nb, double *prior,
                         bool *fitted)
{
    double *yg = p->buf, *wg = yg + p->cap_buf, *wb = wg + 2 * p->cap_buf;
    *fitted = false;
    column *c = column_of(p, name, d);
    if (!c)
        return KNOB_ENOMEM;
    /* a categorical's grid: choice k in cell k * KNOB__TPE_CELLS / n_choices and up */
    double lo = ax->n_choices ? -0.5 : ax->low;
    double hi = ax->n_choices ? (double)ax->n_choices - 0.5 : ax->high;
    if (!grow(&c->pos, &c->cap_pos, p->n_obs + 1, sizeof *c->pos) ||
        !grow(&p->special, &p->cap_special, p->n_good_idx + 27, sizeof *p->special) ||
        (!p->cell_y && !(p->cell_y = malloc(3 * KNOB__TPE_CELLS * sizeof *p->cell_y))) ||
        (c->acc_k == 0 && knob__tpe_cells_reset(&c->acc, lo, hi)))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the cells of param '%s')", name);
    if (c->acc_k < p->n_frozen) {
        add_cells(p, c, name, d, ax, &c->acc, c->acc_k, p->n_frozen);
        c->acc_k = p->n_frozen;
    }
    if (knob__tpe_cells_copy(&p->tail, &c->acc))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the cells of param '%s')", name);
    add_cells(p, c, name, d, ax, &p->tail, c->acc_k, p->n_obs);
    size_t g = 0, hint = 0;
    for (size_t k = 0; k < p->n_good_idx; k++) {
        size_t i = p->good_idx[k];
        double v = value_of(p, c, &p->obs[i], name, d, ax, &hint);
        if (isnan(v))
            continue;
        p->special[g] = (knob__tpe_cell_obs){c->pos[i], v, true};
        wg[g] = good_weight(p, &p->obs[i]);
        yg[g++] = v;
    }
    size_t bad = p->tail.n - g;
    if (bad <= KNOB__TPE_MERGE_MIN || p->tail.n <= 26)
        return KNOB_OK;
    size_t ns = last_positions(p, c, name, d, ax, g);
    double *cy = p->cell_y, *cw = cy + 2 * KNOB__TPE_CELLS;
    size_t k = knob__tpe_cells_merge(&p->tail, p->special, ns, hi, cy, cw);
    knob__tpe_settings set = settings(p);
    if (ax->n_choices) { /* a cell's mean is its choice, up to rounding */
        for (size_t j = 0; j < k; j++)
            cy[j] = round(cy[j]);
        p->n_cells = k;
    } else if (knob__tpe_mix1_fit_merged(&p->above, ax, cy, cw, k, bad, &set)) {
        return estimator_failed(bad);
    }
    *prior = side_weights(p, wg, g, wb, 0);
    *ng = add_source(p, name, d, ax, g);
    *nb = bad;
    *fitted = true;
    return KNOB_OK;
}

/* Adds obs[from .. to) that have a value to column c's positions of each value (a failure
 * leaves some added). */
static int add_bins(const tpe *p, column *c, const char *name, const knob_distribution *d,
                    const knob__tpe_axis *ax, size_t from, size_t to)
{
    size_t hint = 0;
    for (size_t i = from; i < to; i++) {
        double v = value_of(p, c, &p->obs[i], name, d, ax, &hint);
        c->pos[i] = isnan(v) ? NO_POS : (uint32_t)c->bins.n;
        int rc = isnan(v) ? KNOB__MATH_OK : knob__tpe_bins_add(&c->bins, v);
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

_Static_assert(3 * KNOB__TPE_BINS_MAX <= 2 * KNOB__TPE_CELLS, "gather_binned's kernels fit cell_y");

/* Whether d's values are few enough for gather_binned: an int or a stepped float on a
 * linear axis (ax binned), of at most KNOB__TPE_BINS_MAX values. */
static bool few_values(const knob__tpe_axis *ax)
{
    return !ax->n_choices && ax->q > 0 && ax->high > ax->low &&
           (ax->max - ax->min) / ax->step < KNOB__TPE_BINS_MAX - 0.5;
}

/* gather for a long history of an int or a stepped float of few values (one objective, the
 * default weights): the bad side is the same estimator as gather's one by one, up to
 * rounding, from at most three kernels per value (math/tpe_bins.h) instead of one per
 * observation, fitted here into p->above; the positions of each value among the frozen
 * observations are kept between asks, the rest added again. The good side goes to the
 * buffer as gather's. *fitted false (and nothing fitted) when the bad side is too short to
 * merge, or the column holds more than KNOB__TPE_BINS_MAX values (off the grid: other
 * distributions' values that count, enqueued trials' own). */
static int gather_binned(tpe *p, const char *name, const knob_distribution *d,
                         const knob__tpe_axis *ax, size_t *ng, size_t *nb, double *prior,
                         bool *fitted)
{
    double *yg = p->buf, *wg = yg + p->cap_buf, *wb = wg + 2 * p->cap_buf;
    *fitted = false;
    column *c = column_of(p, name, d);
    if (!c)
        return KNOB_ENOMEM;
    if (c->bin_off)
        return KNOB_OK;
    if (!grow(&c->pos, &c->cap_pos, p->n_obs + 1, sizeof *c->pos) ||
        !grow(&p->good_pos, &p->cap_good_pos, p->n_good_idx + 1, sizeof *p->good_pos) ||
        (!p->cell_y && !(p->cell_y = malloc(3 * KNOB__TPE_CELLS * sizeof *p->cell_y))))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the values of param '%s')", name);
    knob__tpe_bins_rewind(&c->bins);
    int rc = KNOB_OK;
    if (c->bin_k < p->n_frozen && !(rc = add_bins(p, c, name, d, ax, c->bin_k, p->n_frozen))) {
        knob__tpe_bins_keep(&c->bins);
        c->bin_k = p->n_frozen;
    }
    if (!rc)
        rc = add_bins(p, c, name, d, ax, c->bin_k, p->n_obs);
    if (rc) { /* what was added is not known to be whole */
        knob__tpe_bins_clear(&c->bins);
        c->bin_k = 0;
        c->bin_off = rc == KNOB__MATH_EDIMS;
        return rc == KNOB__MATH_EDIMS ? KNOB_OK
                                      : knob_set_error(KNOB_ENOMEM,
                                                       "out of memory (tpe: the "
                                                       "values of param '%s')",
                                                       name);
    }
    size_t g = 0, hint = 0;
    for (size_t k = 0; k < p->n_good_idx; k++) {
        size_t i = p->good_idx[k];
        double v = value_of(p, c, &p->obs[i], name, d, ax, &hint);
        if (isnan(v))
            continue;
        p->good_pos[g] = c->pos[i];
        wg[g] = good_weight(p, &p->obs[i]);
        yg[g++] = v;
    }
    size_t bad = c->bins.n - g;
    if (bad <= KNOB__TPE_MERGE_MIN)
        return KNOB_OK;
    /* at most 3 x KNOB__TPE_BINS_MAX kernels: within cell_y's 2 x KNOB__TPE_CELLS */
    double *ky = p->cell_y, *kw = ky + 2 * KNOB__TPE_CELLS;
    size_t k = knob__tpe_bins_merge(&c->bins, p->good_pos, g, ky, kw);
    knob__tpe_settings set = settings(p);
    if (knob__tpe_mix1_fit_merged(&p->above, ax, ky, kw, k, bad, &set))
        return estimator_failed(bad);
    *prior = side_weights(p, wg, g, wb, 0);
    *ng = add_source(p, name, d, ax, g);
    *nb = bad;
    *fitted = true;
    return KNOB_OK;
}

static double cost_penalty(const tpe *p, const double *y);
static int cost_param(tpe *p, const char *name, const knob_distribution *d,
                      const knob__tpe_axis *ax);
static int cost_group(tpe *p, const size_t *mem, size_t d);

/* The bad side's estimator is p->above when gather_merged fitted it (above_fitted), else
 * the fit into `above`: with the default weights the column's kept one, which the next ask
 * extends. */
static int numerical(tpe *p, const knob__tpe_axis *ax, size_t ng, size_t nb, double prior_g,
                     bool above_fitted, knob__tpe_mix1 *kept, knob_rng *r, double *internal)
{
    double *yg = p->buf, *wg = yg + p->cap_buf, *yb = wg + p->cap_buf, *wb = yb + p->cap_buf;
    knob__tpe_settings set = settings(p), set_g = set;
    set_g.prior_weight = prior_g;
    knob__tpe_mix1 *above = above_fitted || !kept ? &p->above : kept;
    int rc = knob__tpe_mix1_fit(&p->below, ax, yg, wg, ng, &set_g);
    if (!rc && !above_fitted)
        rc = kept ? knob__tpe_mix1_fit_ramp(kept, ax, yb, wb, nb, &set)
                  : knob__tpe_mix1_fit(above, ax, yb, wb, nb, &set);
    if (rc)
        return estimator_failed(ng + nb);
    double best = -INFINITY;
    for (int64_t k = 0; k < p->n_ei_candidates; k++) {
        double x = knob__tpe_from_kernel(ax, knob__tpe_mix1_sample(&p->below, r));
        double y = knob__tpe_to_kernel(ax, x);
        double score = knob__tpe_mix1_logpdf(&p->below, y) - knob__tpe_mix1_logpdf(above, y) -
                       cost_penalty(p, &y);
        if (k == 0 || score > best) {
            best = score;
            *internal = x;
        }
    }
    return KNOB_OK;
}

/* The bad side from gather (nb values in the buffer) or, when `merged`, from gather_merged
 * (nb observations merged into p->n_cells kernels in p->cell_y). */
static int categorical(tpe *p, const knob__tpe_axis *ax, size_t ng, size_t nb, double prior_g,
                       bool merged, knob_rng *r, double *internal)
{
    double *yg = p->buf, *wg = yg + p->cap_buf, *yb = wg + p->cap_buf, *wb = yb + p->cap_buf;
    size_t c = ax->n_choices;
    if (!grow(&p->probs, &p->cap_probs, 2 * c, sizeof *p->probs))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu choices)", c);
    double *pl = p->probs, *pg = pl + c, best = -INFINITY;
    knob__tpe_settings set = settings(p), set_g = set;
    set_g.prior_weight = prior_g;
    knob__tpe_cat_fit(pl, c, yg, wg, ng, &set_g);
    if (merged)
        knob__tpe_cat_fit_merged(pg, c, p->cell_y, p->cell_y + 2 * KNOB__TPE_CELLS, p->n_cells, nb,
                                 &set);
    else
        knob__tpe_cat_fit(pg, c, yb, wb, nb, &set);
    for (int64_t k = 0; k < p->n_ei_candidates; k++) {
        size_t x = knob__tpe_cat_sample(pl, c, r);
        double y = (double)x, score = log(pl[x]) - log(pg[x]) - cost_penalty(p, &y);
        if (k == 0 || score > best) {
            best = score;
            *internal = (double)x;
        }
    }
    return KNOB_OK;
}

/* ---------------------------------------------------------------- the kept state */

/* Whether a kept state can give this study's asks what observe and the merged path give:
 * one objective in trial order, the merged bad side's settings. */
static bool kept_settings(const tpe *p, knob_study *s, int64_t self)
{
    return p->cache && knob_study_n_objectives(s) == 1 && !p->constant_liar && !p->multivariate &&
           !p->cost[0] && !p->ws_study[0] && strcmp(p->weights, "uniform") != 0 &&
           knob_pruner_bracket(knob_study_pruner(s), s, self) < 0;
}

static bool kept_usable(const tpe *p, knob_study *s, int64_t self)
{
    return !p->kept_off && kept_settings(p, s, self);
}

/* The value a trial's params give column c (kernel space; NaN: none counts). */
static double kept_value(const knob_param *params, size_t n_params, const knob__tpe_kept_col *c)
{
    const knob_param *q = NULL;
    for (size_t i = 0; i < n_params && !q; i++)
        if (strcmp(params[i].name, c->name) == 0)
            q = &params[i];
    if (!q || !counts(q, &c->dist))
        return NAN;
    knob__tpe_axis ax;
    axis_of(&ax, &c->dist);
    return knob__tpe_to_kernel(&ax, q->internal);
}

static void kept_drop(tpe *p)
{
    knob__tpe_kept_free(p->kept);
    p->kept = NULL;
    p->kept_off = true;
}

/* Decodes a loaded record and brings the state up to the trials changed since its stamp,
 * once per asking trial; a state that does not read, or that a change makes stale (a
 * trial it froze changed), is dropped. */
static int kept_sync(tpe *p, knob_study *s, int64_t self)
{
    if (p->kept_rec) {
        knob__tpe_kept_free(p->kept);
        p->kept = knob__tpe_kept_decode(p->kept_rec, p->kept_len);
        free(p->kept_rec);
        p->kept_rec = NULL;
        p->kept_self = -1;
        if (!p->kept)
            return KNOB_OK;
    }
    if (!p->kept || p->kept_self == self)
        return KNOB_OK;
    const knob_trial_info *const *tr;
    size_t n;
    int64_t stamp;
    int rc = knob_study_trials_since(s, p->kept->stamp, &tr, &n, &stamp);
    if (rc)
        return rc;
    knob__tpe_kept *k = p->kept;
    double y[64];
    double sign = knob_study_direction(s, 0) == KNOB_MAXIMIZE ? -1 : 1;
    p->n_objectives = 1;
    for (size_t i = 0; i < n; i++) {
        obs o = {0};
        knob__tpe_open e = {{tr[i]->number, 0, 0}, settled(tr[i]->state), false};
        e.is_obs = rank_key(p, tr[i], sign, &o);
        e.r.step_key = o.step_key;
        e.r.loss = o.loss;
        for (size_t c = 0; c < k->n_cols; c++)
            y[c] = kept_value(tr[i]->params, tr[i]->n_params, &k->cols[c]);
        rc = knob__tpe_kept_put(k, &e, y);
        if (rc == KNOB_ECORRUPT) {
            kept_drop(p); /* stale: every trial is read */
            return KNOB_OK;
        }
        if (rc)
            return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the kept state)");
    }
    k->stamp = stamp;
    p->kept_self = self;
    p->kept_split_self = -1;
    return KNOB_OK;
}

/* sample_independent from the kept state: *handled false when it cannot decide (the
 * caller reads every trial then, and this handle from then on). */
static int sample_kept(tpe *p, knob_study *s, knob_trial *t, const char *name,
                       const knob_distribution *d, double *internal, bool *handled)
{
    int64_t self = knob_trial_number(t);
    *handled = false;
    if ((!p->kept && !p->kept_rec) || !kept_usable(p, s, self))
        return KNOB_OK;
    int rc = kept_sync(p, s, self);
    if (rc || !p->kept)
        return rc;
    knob__tpe_kept *k = p->kept;
    knob__tpe_axis ax;
    axis_of(&ax, d);
    int c = knob__tpe_kept_col_of(k, name, d);
    size_t n_obs = knob__tpe_kept_n_obs(k, self);
    if (c < 0 || ax.n_choices || ax.q != 0 || !(ax.high > ax.low) || n_obs <= KNOB__TPE_MERGE_MIN ||
        (int64_t)n_obs < p->n_startup_trials) {
        kept_drop(p);
        return KNOB_OK;
    }
    if (p->kept_split_self != self) {
        if (!knob__tpe_kept_split(k, self, gamma_of(p, n_obs), n_obs, n_obs)) {
            kept_drop(p);
            return KNOB_OK;
        }
        p->kept_split_self = self;
    }
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), self, name);
    if (k->explore) {
        *internal = knob__random_draw(&r, d);
        *handled = true;
        return KNOB_OK;
    }
    if ((rc = reserve_buf(p, KNOB__TPE_KEPT_TOP + 27)))
        return rc;
    if (!grow(&p->special, &p->cap_special, KNOB__TPE_KEPT_TOP + 27, sizeof *p->special) ||
        (!p->cell_y && !(p->cell_y = malloc(3 * KNOB__TPE_CELLS * sizeof *p->cell_y))))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the cells of param '%s')", name);
    double *yg = p->buf, *wg = yg + p->cap_buf, *wb = wg + 2 * p->cap_buf;
    knob__tpe_rank lg[KNOB__TPE_KEPT_TOP];
    size_t ns, g;
    if (knob__tpe_kept_gather(k, (size_t)c, self, &p->tail, p->special, &ns, yg, lg, &g))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the cells of param '%s')", name);
    size_t bad = p->tail.n - g;
    if (bad <= KNOB__TPE_MERGE_MIN || p->tail.n <= 26) {
        kept_drop(p);
        return KNOB_OK;
    }
    for (size_t i = 0; i < g; i++)
        wg[i] = lg[i].step_key == INFEASIBLE_KEY ? NAN : lg[i].loss;
    p->n_objectives = 1;
    p->ei_threshold = k->ei_threshold;
    double *cy = p->cell_y, *cw = cy + 2 * KNOB__TPE_CELLS;
    size_t kc = knob__tpe_cells_merge(&p->tail, p->special, ns, ax.high, cy, cw);
    knob__tpe_settings set = settings(p);
    if (knob__tpe_mix1_fit_merged(&p->above, &ax, cy, cw, kc, bad, &set))
        return estimator_failed(bad);
    double prior_g = side_weights(p, wg, g, wb, 0);
    *handled = true;
    return numerical(p, &ax, g, bad, prior_g, true, NULL, &r, internal);
}

/* The kept state of the history observe read last (see tpe_state.h), or NULL when it
 * cannot hold it: the columns that went through the merged path up to the frozen
 * observations. */
static knob__tpe_kept *kept_build(tpe *p, knob_study *s)
{
    /* A handle that dropped a stale record (kept_off) read every trial: the state built
     * from them replaces it, so that the next process does not drop it again. */
    if (!p->in_order || p->full_stamp <= 0 || p->n_objectives != 1 ||
        !kept_settings(p, s, p->last_self) || p->n_cols > 64)
        return NULL;
    const char *names[64];
    const knob_distribution *dists[64];
    size_t idx[64], nc = 0;
    for (size_t i = 0; i < p->n_cols; i++) {
        column *c = &p->cols[i];
        knob__tpe_axis ax;
        axis_of(&ax, c->dist);
        if (ax.n_choices || ax.q != 0 || !(ax.high > ax.low) || !c->acc.sum ||
            c->acc_k != p->n_frozen || p->n_frozen == 0 || c->cap_pos < p->n_frozen)
            continue;
        names[nc] = c->name;
        dists[nc] = c->dist;
        idx[nc++] = i;
    }
    knob__tpe_kept *k = nc ? knob__tpe_kept_new(nc, names, dists) : NULL;
    if (!k)
        return NULL;
    k->stamp = p->full_stamp;
    k->settled = (int64_t)p->settled;
    k->n_frozen = p->n_frozen;
    uint64_t pos[64];
    double y[64];
    bool ok = true;
    for (size_t j = 0; j < nc && ok; j++) {
        column *c = &p->cols[idx[j]];
        knob__tpe_kept_col *kc = &k->cols[j];
        knob__tpe_axis ax;
        axis_of(&ax, c->dist);
        ok = knob__tpe_cells_copy(&kc->acc, &c->acc) == 0;
        size_t hint = 0, got = 0;
        for (size_t i = p->n_frozen; ok && i-- > 0 && got < KNOB__TPE_KEPT_LAST;) {
            if (c->pos[i] == NO_POS)
                continue;
            size_t at = KNOB__TPE_KEPT_LAST - 1 - got++;
            kc->last_pos[at] = c->pos[i];
            kc->last_y[at] = value_of(p, c, &p->obs[i], c->name, c->dist, &ax, &hint);
            kc->last_num[at] = p->obs[i].number;
        }
        /* oldest first, from the front */
        size_t skip = KNOB__TPE_KEPT_LAST - got;
        memmove(kc->last_pos, kc->last_pos + skip, got * sizeof *kc->last_pos);
        memmove(kc->last_y, kc->last_y + skip, got * sizeof *kc->last_y);
        memmove(kc->last_num, kc->last_num + skip, got * sizeof *kc->last_num);
        kc->n_last = got;
    }
    for (size_t i = 0; ok && i < p->n_frozen; i++) {
        const obs *o = &p->obs[i];
        knob__tpe_rank r = {o->number, o->step_key, o->loss};
        const knob__tpe_rank *end = &k->top[KNOB__TPE_KEPT_TOP - 1];
        if (k->n_top == KNOB__TPE_KEPT_TOP &&
            !(r.step_key != end->step_key ? r.step_key < end->step_key : r.loss < end->loss))
            continue; /* ranks after the list's last: not in it */
        for (size_t j = 0; j < nc; j++) {
            column *c = &p->cols[idx[j]];
            knob__tpe_axis ax;
            size_t hint = 0;
            axis_of(&ax, c->dist);
            pos[j] = c->pos[i] == NO_POS ? UINT64_MAX : c->pos[i];
            y[j] = value_of(p, c, o, c->name, c->dist, &ax, &hint);
        }
        knob__tpe_kept_top_add(k, &r, pos, y);
    }
    for (size_t i = p->settled; ok && i < p->n_rec; i++) {
        const trial_rec *tr = &p->rec[i];
        knob__tpe_open e = {
            {(int64_t)i, tr->o.step_key, tr->o.loss}, settled(tr->state), tr->is_obs};
        if (!e.is_obs)
            e.r.step_key = e.r.loss = 0;
        for (size_t j = 0; j < nc; j++)
            y[j] = kept_value(p->pool + tr->at, tr->n_params, &k->cols[j]);
        ok = knob__tpe_kept_put(k, &e, y) == KNOB_OK;
    }
    if (!ok) {
        knob__tpe_kept_free(k);
        return NULL;
    }
    return k;
}

static int save_state(void *state, knob_study *s, void **data, size_t *len, int64_t *stamp)
{
    tpe *p = state;
    knob__tpe_kept *built = NULL;
    const knob__tpe_kept *k = p->kept && !p->kept_off ? p->kept : (built = kept_build(p, s));
    if (!k)
        return KNOB_EDONE;
    *data = knob__tpe_kept_encode(k, len);
    *stamp = k->stamp;
    knob__tpe_kept_free(built);
    return *data ? KNOB_OK : KNOB_ENOMEM;
}

static int load_state(void *state, knob_study *s, const void *data, size_t len, int64_t stamp)
{
    (void)s;
    tpe *p = state;
    free(p->kept_rec);
    p->kept_rec = len ? malloc(len) : NULL;
    if (!p->kept_rec)
        return KNOB_OK;
    memcpy(p->kept_rec, data, len);
    p->kept_len = len;
    /* the record's own stamp must be the one the library checked */
    int64_t own;
    if (len < 16 || (memcpy(&own, (const char *)data + 8, sizeof own), own != stamp)) {
        free(p->kept_rec);
        p->kept_rec = NULL;
    }
    return KNOB_OK;
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *d, double *internal)
{
    tpe *p = state;
    if (single(d)) {
        *internal = d->kind == KNOB_DIST_CATEGORICAL ? 0 : d->low;
        return KNOB_OK;
    }
    bool handled = false;
    int rc = sample_kept(p, s, t, name, d, internal, &handled);
    if (rc || handled)
        return rc;
    if ((rc = observe(p, s, t)))
        return rc;
    if ((rc = read_source(p, s)))
        return rc;
    size_t n_src = p->n_ws ? source_values(p, name, d) : 0;
    say_unfit(p, s, t);
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)), knob_trial_number(t), name);
    if ((int64_t)p->n_done < p->n_startup_trials && n_src == 0) {
        size_t axis = knob_trial_n_params(t);
        if (strcmp(p->startup, "sobol") || axis >= knob__sobol_dims) {
            *internal = knob__random_draw(&r, d);
            return KNOB_OK;
        }
        uint32_t dirs[32];
        knob__sobol_directions((unsigned)axis, dirs);
        /* point k for trial k: scrambled, point 0 is no corner */
        uint64_t seed = knob_sampler_seed(knob_study_sampler(s)) ^ 0x5851F42D4C957F2Dull;
        *internal = knob__random_at(
            knob__sobol_scrambled(dirs, (unsigned)axis, (uint64_t)knob_trial_number(t), seed), d);
        return KNOB_OK;
    }
    if ((rc = split(p)) || (rc = reserve_buf(p, p->n_obs + n_src)))
        return rc;
    if (p->explore && n_src == 0) {
        *internal = knob__random_draw(&r, d);
        return KNOB_OK;
    }
    knob__tpe_axis ax;
    size_t ng, nb;
    axis_of(&ax, d);
    double prior_g;
    /* a long history on a continuous axis or a categorical: the bad side from the sums kept
     * between asks */
    bool merged = false;
    bool mergeable = ax.n_choices ? ax.n_choices <= KNOB__TPE_CELLS : ax.q == 0 && ax.high > ax.low;
    bool merging = p->in_order && !p->cost[0] && strcmp(p->weights, "uniform") != 0;
    if (merging && mergeable && p->n_obs > KNOB__TPE_MERGE_MIN &&
        (rc = gather_merged(p, name, d, &ax, &ng, &nb, &prior_g, &merged)))
        return rc;
    /* an int or a stepped float of few values: a few kernels per value */
    if (merging && few_values(&ax) && p->n_obs > KNOB__TPE_MERGE_MIN &&
        (rc = gather_binned(p, name, d, &ax, &ng, &nb, &prior_g, &merged)))
        return rc;
    if ((!merged && (rc = gather(p, name, d, &ax, &ng, &nb, &prior_g))) ||
        (rc = cost_param(p, name, d, &ax)))
        return rc;
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return categorical(p, &ax, ng, nb, prior_g, merged, &r, internal);
    /* the bad side's default weights: its fit is kept for the next ask (freed once the
     * merged cells take over) */
    column *c = NULL;
    if (strcmp(p->weights, "uniform") != 0 && !(c = column_of(p, name, d)))
        return KNOB_ENOMEM;
    if (c && merged)
        knob__tpe_mix1_free(&c->above);
    return numerical(p, &ax, ng, nb, prior_g, merged, c && !merged ? &c->above : NULL, &r,
                     internal);
}

/* ---------------------------------------------------------------- the relative search space */

static size_t space_index(const tpe *p, const char *name)
{
    for (size_t j = 0; j < p->n_space; j++)
        if (p->space[j].name == name)
            return j;
    for (size_t j = 0; j < p->n_space; j++)
        if (strcmp(p->space[j].name, name) == 0)
            return j;
    return p->n_space;
}

/* Every param name of the finished observations, with its distribution; a name seen
 * under two distributions, or with a single value, is left to independent sampling. */
static int collect_names(tpe *p)
{
    p->n_space = 0;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key == INFINITY)
            continue;
        for (size_t k = 0; k < o->n_params; k++) {
            const knob_param *q = &o->params[k];
            size_t j = space_index(p, q->name);
            if (j == p->n_space) {
                if (!grow(&p->space, &p->cap_space, j + 1, sizeof *p->space))
                    return knob_set_error(KNOB_ENOMEM, "out of memory (tpe)");
                p->space[p->n_space++] = (space_param){q->name, q->dist, 0, !single(q->dist)};
            } else if (p->space[j].dist != q->dist &&
                       !knob__dist_equal(p->space[j].dist, q->dist)) {
                p->space[j].usable = false;
            }
        }
    }
    return KNOB_OK;
}

/* Groups (with `group`): names are together when they are present in exactly the same
 * finished trials, as Optuna's group-decomposed space gives. Without it, one group of
 * the names every finished trial has. */
static int group_names(tpe *p)
{
    size_t n = p->n_space;
    if (!grow(&p->scratch, &p->cap_scratch, 4 * n, sizeof *p->scratch))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe)");
    size_t *gid = p->scratch, *renum = gid + n, *stamp = renum + 2 * n;
    bool groups = p->group;
    for (size_t j = 0; j < n; j++) {
        gid[j] = 0;
        stamp[j] = 0;
    }
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key == INFINITY)
            continue;
        for (size_t k = 0; k < o->n_params; k++)
            stamp[space_index(p, o->params[k].name)] = i + 1;
        size_t next = 0;
        for (size_t j = 0; j < 2 * n; j++)
            renum[j] = SIZE_MAX;
        for (size_t j = 0; j < n; j++) {
            bool present = stamp[j] == i + 1;
            if (!groups) {
                p->space[j].usable &= present;
                continue;
            }
            size_t *r = &renum[2 * gid[j] + present];
            if (*r == SIZE_MAX)
                *r = next++;
            gid[j] = *r;
        }
    }
    for (size_t j = 0; j < n; j++)
        p->space[j].group = gid[j];
    return KNOB_OK;
}

/* The usable members of group g, sorted by name, into out; their count. */
static size_t members_of(const tpe *p, size_t g, size_t *out)
{
    size_t d = 0;
    for (size_t j = 0; j < p->n_space; j++) {
        if (!p->space[j].usable || p->space[j].group != g)
            continue;
        size_t k = d++;
        while (k > 0 && strcmp(p->space[out[k - 1]].name, p->space[j].name) > 0) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = j;
    }
    return d;
}

static int reserve_group(tpe *p, size_t d)
{
    size_t need = 2 * p->n_obs * d;
    if ((need > p->cap_rows || !p->rows) &&
        !grow(&p->rows, &p->cap_rows, need ? need : 1, sizeof *p->rows))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: %zu x %zu)", p->n_obs, d);
    if (d > p->cap_axes) {
        knob__tpe_axis *ax = realloc(p->axes, d * sizeof *ax);
        if (ax)
            p->axes = ax;
        double *pt = ax ? realloc(p->point, 3 * d * sizeof *pt) : NULL;
        if (!pt)
            return knob_set_error(KNOB_ENOMEM, "out of memory (tpe)");
        p->point = pt;
        p->cap_axes = d;
    }
    return KNOB_OK;
}

/* One observation's row of the group, or false when it lacks one of its params. */
static bool row_of(const tpe *p, const obs *o, const size_t *mem, size_t d, double *row)
{
    for (size_t k = 0; k < d; k++) {
        const space_param *sp = &p->space[mem[k]];
        const knob_param *q = find_param(o, sp->name, k);
        if (!q || (q->dist != sp->dist && !knob__dist_equal(q->dist, sp->dist)))
            return false;
        row[k] = knob__tpe_to_kernel(&p->axes[k], q->internal);
    }
    return true;
}

/* ---------------------------------------------------------------- cost-aware search */

/* Option cost: the candidates' score log l(x) - log g(x) less alpha times the predicted log
 * cost (its excess over the mean log cost), alpha cooling from 1 to 0 as gp's does (CArBO,
 * samplers/cost.h). The log cost is predicted by TPE's own means: a kernel (Nadaraya-Watson)
 * regression over the params, Gaussian kernels of Silverman's bandwidth in the kernel space
 * scaled to the range (exact-match kernels on choices), shrunk towards the mean by one
 * pseudo-trial. A regression rather than cost-weighted good/bad densities: the ratio l/g says
 * where good trials are, not what a point costs, and weighing the sides by cost would move
 * l and g alike wherever good and bad trials cost the same. Univariate TPE picks each param
 * alone, so each param's term is its own regression of the log cost, and their sum is the
 * additive model of log cost that matches TPE's independent params; multivariate TPE
 * regresses over the group's joint rows. */

/* Coordinate k of a kernel-space value, scaled to the axis' range (choices: the index). */
static double cost_coord(const knob__tpe_axis *a, double y)
{
    return a->n_choices ? y : (y - a->low) / fmax(a->high - a->low, 1e-300);
}

/* Starts the model of one ask: the observations' costs, alpha; *on false when cost-blind. */
static int cost_begin(tpe *p, size_t d, const knob__tpe_axis *axes, bool *on)
{
    p->alpha = 0;
    *on = false;
    if (!p->cost[0])
        return KNOB_OK;
    if (!grow(&p->kx, &p->cap_kx, p->n_obs * d + 1, sizeof *p->kx) ||
        !grow(&p->kl, &p->cap_kl, p->n_obs + d + 1, sizeof *p->kl))
        return knob_set_error(KNOB_ENOMEM, "out of memory (tpe: the costs of %zu trials)",
                              p->n_obs);
    double spent = 0, spent0 = 0, least = INFINITY;
    size_t seen = 0;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key == INFINITY)
            continue;
        double k = knob__trial_cost(p->cost, p->rec[o->rec].info);
        if (isfinite(k)) {
            spent += k;
            spent0 += (int64_t)seen < p->n_startup_trials ? k : 0;
        }
        least = k > 0 && k < least ? k : least;
        seen++;
    }
    /* a failed trial is no observation, but what it cost was spent all the same */
    for (size_t i = 0; i < p->n_rec; i++) {
        const knob_trial_info *t = p->rec[i].info;
        double k = t && t->state == KNOB_TRIAL_FAIL ? knob__trial_cost(p->cost, t) : NAN;
        if (isfinite(k))
            spent += k;
    }
    p->kfloor = knob__cost_floor(&least, 1); /* a hundredth of the least positive cost */
    p->alpha =
        knob__cost_alpha(p->cost_budget, spent, spent0, (int64_t)p->n_done, p->n_startup_trials);
    p->kn = 0;
    p->kd = d;
    p->kax = axes;
    *on = p->alpha > 0;
    return KNOB_OK;
}

/* Adds an observation's row (kernel space) and log cost to the model. */
static void cost_add(tpe *p, const obs *o, const double *row)
{
    double k = knob__trial_cost(p->cost, p->rec[o->rec].info);
    k = k == 0 ? p->kfloor : k; /* it cost nothing: knob__cost_floor */
    if (!isfinite(k))
        return;
    for (size_t j = 0; j < p->kd; j++)
        p->kx[p->kn * p->kd + j] = cost_coord(&p->kax[j], row[j]);
    p->kl[p->kn++] = log(k);
}

/* Ends the model: the mean log cost and each axis' bandwidth (kh, after the log costs). */
static void cost_end(tpe *p)
{
    size_t n = p->kn, d = p->kd;
    if (n < 2) {
        p->alpha = 0;
        return;
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += p->kl[i] / (double)n;
    p->kmean = mean;
    double *h = p->kl + n;
    for (size_t j = 0; j < d; j++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            m += p->kx[i * d + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (p->kx[i * d + j] - m) * (p->kx[i * d + j] - m) / (double)(n - 1);
        h[j] = fmin(fmax(1.06 * sqrt(v) * pow((double)n, -1.0 / ((double)d + 4)), 0.05), 0.5);
    }
}

/* alpha times the predicted log cost at y (kernel space) above the mean; 0 when cost-blind. */
static double cost_penalty(const tpe *p, const double *y)
{
    if (!(p->alpha > 0))
        return 0;
    size_t n = p->kn, d = p->kd;
    const double *h = p->kl + n;
    double sw = 1, sl = p->kmean; /* the pseudo-trial at the mean */
    for (size_t i = 0; i < n; i++) {
        double e = 0;
        bool other = false;
        for (size_t j = 0; j < d; j++) {
            double u = cost_coord(&p->kax[j], y[j]), t = (u - p->kx[i * d + j]) / h[j];
            if (p->kax[j].n_choices)
                other |= u != p->kx[i * d + j];
            else
                e += t * t;
        }
        double w = other ? 0 : exp(-0.5 * e);
        sw += w;
        sl += w * p->kl[i];
    }
    return p->alpha * (sl / sw - p->kmean);
}

/* The model of one param for sample_independent (after gather: the column holds every
 * observation's value). */
static int cost_param(tpe *p, const char *name, const knob_distribution *d,
                      const knob__tpe_axis *ax)
{
    bool on;
    int rc = cost_begin(p, 1, ax, &on);
    if (rc || !on)
        return rc;
    column *c = column_of(p, name, d);
    if (!c)
        return KNOB_ENOMEM;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key != INFINITY && !isnan(c->val[o->rec]))
            cost_add(p, o, &c->val[o->rec]);
    }
    cost_end(p);
    return KNOB_OK;
}

/* The model of a group's joint rows for sample_group. */
static int cost_group(tpe *p, const size_t *mem, size_t d)
{
    bool on;
    int rc = cost_begin(p, d, p->axes, &on);
    if (rc || !on)
        return rc;
    double *row = p->point; /* free until the candidates are drawn */
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->step_key != INFINITY && row_of(p, o, mem, d, row))
            cost_add(p, o, row);
    }
    cost_end(p);
    return KNOB_OK;
}

/* Fits the joint estimators of a group; the good rows first in p->rows, then the bad. */
static int fit_group(tpe *p, const size_t *mem, size_t d)
{
    double *good = p->rows, *bad = p->rows + p->n_obs * d;
    double *wg = p->buf + p->cap_buf, *wb = p->buf + 3 * p->cap_buf;
    size_t ng = 0, nb = 0;
    for (size_t i = 0; i < p->n_obs; i++) {
        const obs *o = &p->obs[i];
        if (o->good && row_of(p, o, mem, d, good + ng * d))
            wg[ng++] = good_weight(p, o);
        else if (!o->good && row_of(p, o, mem, d, bad + nb * d))
            nb++;
    }
    knob__tpe_settings set = settings(p), set_g = set;
    set_g.prior_weight = side_weights(p, wg, ng, wb, nb);
    if (knob__tpe_mixn_fit(&p->jbelow, p->axes, d, good, wg, ng, &set_g) ||
        knob__tpe_mixn_fit(&p->jabove, p->axes, d, bad, wb, nb, &set))
        return estimator_failed(ng + nb);
    return KNOB_OK;
}

static int sample_group(tpe *p, knob_study *s, knob_trial *t, const size_t *mem, size_t d)
{
    int rc = reserve_group(p, d);
    for (size_t k = 0; !rc && k < d; k++)
        axis_of(&p->axes[k], p->space[mem[k]].dist);
    if (rc || (rc = fit_group(p, mem, d)) || (rc = cost_group(p, mem, d)))
        return rc;
    double *draw = p->point, *y = draw + d, *best = y + d, top = -INFINITY;
    knob_rng r;
    knob_rng_derive(&r, knob_sampler_seed(knob_study_sampler(s)) ^ RELATIVE_SALT,
                    knob_trial_number(t), p->space[mem[0]].name);
    for (int64_t c = 0; c < p->n_ei_candidates; c++) {
        knob__tpe_mixn_sample(&p->jbelow, &r, draw);
        for (size_t k = 0; k < d; k++) {
            draw[k] = knob__tpe_from_kernel(&p->axes[k], draw[k]);
            y[k] = knob__tpe_to_kernel(&p->axes[k], draw[k]);
        }
        double score = knob__tpe_mixn_logpdf(&p->jbelow, y) - knob__tpe_mixn_logpdf(&p->jabove, y) -
                       cost_penalty(p, y);
        if (c == 0 || score > top) {
            top = score;
            memcpy(best, draw, d * sizeof *best);
        }
    }
    for (size_t k = 0; !rc && k < d; k++)
        rc = knob_trial_propose(t, p->space[mem[k]].name, p->space[mem[k]].dist, best[k]);
    return rc;
}

/* The warm start's source opened before the trial's row exists (knob__warm_check): a
 * misspelt study or a missing file fails the ask without leaving a failed trial. */
static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    tpe *p = state;
    (void)t;
    return knob__warm_check(s, "tpe", p->ws_study, p->ws_storage, &p->ws_checked);
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    if (knob_study_n_objectives(s) == 0)
        return knob_set_error(KNOB_EINVAL,
                              "sampler 'tpe': study '%s' has no objective to model "
                              "(give it a metric, or use random, grid or qmc)",
                              knob_study_name(s));
    tpe *p = state;
    knob__cost_note(s, "tpe", p->cost, p->n_startup_trials, &p->cost_settled);
    int rc = read_source(p, s);
    if (!rc)
        say_unfit(p, s, t);
    bool first = false;
    if (!rc && p->ws_firsts.n)
        rc = knob__warm_firsts_propose(&p->ws_firsts, s, t, &first);
    bool local = false; /* warm: around the best trial (warm_start.h) */
    if (!rc && p->n_ws && !first)
        rc = knob__warm_local_propose(s, t, knob_sampler_seed(knob_study_sampler(s)), p->ws_local,
                                      p->ws_model, p->ws, p->n_ws, &local);
    if (rc || local || !p->multivariate)
        return rc;
    rc = observe(p, s, t);
    if (rc || (int64_t)p->n_done < p->n_startup_trials || p->n_done == 0)
        return rc;
    if ((rc = collect_names(p)) || (rc = group_names(p)) || (rc = split(p)) ||
        (rc = reserve_buf(p, p->n_obs)))
        return rc;
    if (p->explore) /* every param is drawn at random by sample_independent */
        return KNOB_OK;
    size_t *mem = p->scratch + 3 * p->n_space;
    for (size_t g = 0; !rc && g < p->n_space; g++) {
        size_t d = members_of(p, g, mem);
        if (d)
            rc = sample_group(p, s, t, mem, d);
    }
    return rc;
}

/* ---------------------------------------------------------------- the plugin */

static int warm_only(const tpe *p);

static int init(void *state)
{
    tpe *p = state;
    /* The words of weights, gamma_strategy and startup are checked by the option table. */
    p->ei_weights = strcmp(p->weights, "ei") == 0;
    p->sqrt_gamma = strcmp(p->gamma_strategy, "sqrt") == 0;
    if (p->group && !p->multivariate)
        return knob_set_error(KNOB_EINVAL, "sampler 'tpe': option 'group' needs "
                                           "'multivariate=true'");
    int rc = knob__warm_options_check("sampler 'tpe'", p->ws_study, p->ws_storage, p->ws_first);
    if (!rc)
        rc = warm_only(p);
    return rc ? rc : knob__cost_options_check("sampler 'tpe'", p->cost, p->cost_budget);
}

static void fini(void *state)
{
    tpe *p = state;
    free_ws(p);
    free(p->kept_rec);
    knob__tpe_kept_free(p->kept);
    free(p->obs);
    free(p->rec);
    free(p->pool);
    free(p->rgen);
    free(p->rdone);
    free(p->wbad);
    for (size_t i = 0; i < p->n_cols; i++) {
        free(p->cols[i].name);
        free(p->cols[i].dist);
        free(p->cols[i].val);
        free(p->cols[i].gen);
        free(p->cols[i].pos);
        knob__tpe_cells_free(&p->cols[i].acc);
        knob__tpe_bins_free(&p->cols[i].bins);
        knob__tpe_mix1_free(&p->cols[i].above);
    }
    knob__tpe_cells_free(&p->tail);
    free(p->special);
    free(p->good_pos);
    free(p->cell_y);
    free(p->good_idx);
    free(p->cols);
    free(p->loss);
    free(p->buf);
    free(p->probs);
    free(p->space);
    free(p->scratch);
    free(p->axes);
    free(p->point);
    free(p->rows);
    knob__tpe_mix1_free(&p->below);
    knob__tpe_mix1_free(&p->above);
    knob__tpe_mixn_free(&p->jbelow);
    knob__tpe_mixn_free(&p->jabove);
    free(p->kx);
    free(p->kl);
    free(p->as_tr);
    free(p->as_info);
    free(p->as_params);
    free(p->as_at);
}

/* (samplers/proposed.h) */
void knob__tpe_share_proposed(void *tpe_state, knob__proposed *shared)
{
    tpe *p = tpe_state;
    p->shared_proposed = shared;
}

static const char *const weightings[] = {"optuna", "uniform", "ei", NULL};
static const char *const gamma_strategies[] = {"linear", "sqrt", NULL};
static const char *const startups[] = {"random", "sobol", NULL};
static const char *const mo_weightings[] = {"uniform", "hypervolume", NULL};

static const knob_option options[] = {
    {"n_startup_trials", KNOB_OPT_INT, offsetof(tpe, n_startup_trials), "10", 0, 1e9,
     "finished trials drawn at random (as the random sampler) before TPE starts", NULL},
    {"n_ei_candidates", KNOB_OPT_INT, offsetof(tpe, n_ei_candidates), "24", 1, 1e6,
     "candidates drawn from the good estimator l(x); the best l(x)/g(x) wins", NULL},
    {"weights", KNOB_OPT_ENUM, offsetof(tpe, weights), "ei", 0, 0,
     "weights of the observations: optuna (old ones ramp down after 25), uniform, or ei "
     "(good ones by how far they beat the best bad one)",
     weightings},
    {"gamma_strategy", KNOB_OPT_ENUM, offsetof(tpe, gamma_strategy), "linear", 0, 0,
     "size of the good side: linear (ceil(gamma_beta n)) or sqrt (ceil(gamma_beta sqrt n)), "
     "at most 25",
     gamma_strategies},
    {"gamma_beta", KNOB_OPT_DOUBLE, offsetof(tpe, gamma_beta), "0.1", 1e-6, 100,
     "the factor of gamma_strategy", NULL},
    {"startup", KNOB_OPT_ENUM, offsetof(tpe, startup), "random", 0, 0,
     "how the first n_startup_trials are drawn: random, or sobol (point k of one scrambled "
     "Sobol sequence for trial k, a dimension per param in the order the trial suggests them)",
     startups},
    {"min_bandwidth", KNOB_OPT_DOUBLE, offsetof(tpe, min_bandwidth), "0.01", 0, 1,
     "the magic clip's floor of a kernel's bandwidth, as a fraction of the range", NULL},
    {"prior_weight", KNOB_OPT_DOUBLE, offsetof(tpe, prior_weight), "2.0", 1e-9, 1e9,
     "weight of the prior kernel (centred, as wide as the range) in each estimator", NULL},
    {"consider_endpoints", KNOB_OPT_BOOL, offsetof(tpe, consider_endpoints), "false", 0, 0,
     "let the range's ends bound the bandwidth of the outermost kernels", NULL},
    {"consider_magic_clip", KNOB_OPT_BOOL, offsetof(tpe, consider_magic_clip), "true", 0, 0,
     "keep bandwidths above the larger of min_bandwidth and 1 / (kernels + 1) of the range", NULL},
    {"sigma_weighted", KNOB_OPT_BOOL, offsetof(tpe, sigma_weighted), "true", 0, 0,
     "score continuous kernels by weight x bandwidth, as Optuna 3.1-3.4 did (its density "
     "left out 1/sigma; it favours the prior and isolated trials, and searched better on "
     "bench/tpe); false: normalized kernels, as Optuna >= 3.5",
     NULL},
    {"mo_sigma_weighted_per_param", KNOB_OPT_INT, offsetof(tpe, mo_sigma_per_param), "20", 0, 1e9,
     "with several objectives, sigma_weighted holds only while the finished trials are fewer "
     "than this many per param (the params of the trial that has the most); then kernels are "
     "normalized, so that the good estimator narrows as the trials grow (0: it always holds)",
     NULL},
    {"mo_gamma_cap", KNOB_OPT_INT, offsetof(tpe, mo_gamma_cap), "0", -1, 1e9,
     "with several objectives, the good side holds at most this many trials; 0: 25 per "
     "objective past the first (one objective: 25), -1: no cap (as Optuna >= 4)",
     NULL},
    {"mo_weights", KNOB_OPT_ENUM, offsetof(tpe, mo_weights), "uniform", 0, 0,
     "with several objectives, the good trials' weights: uniform (as Optuna >= 4), or "
     "hypervolume (each one's hypervolume contribution over the largest, MOTPE as in Optuna 3)",
     mo_weightings},
    {"multivariate", KNOB_OPT_BOOL, offsetof(tpe, multivariate), "false", 0, 0,
     "joint kernels over the params every finished trial has (multivariate TPE)", NULL},
    {"group", KNOB_OPT_BOOL, offsetof(tpe, group), "false", 0, 0,
     "with multivariate: joint kernels per group of params that always appear together "
     "(conditional spaces)",
     NULL},
    {"constant_liar", KNOB_OPT_BOOL, offsetof(tpe, constant_liar), "false", 0, 0,
     "count running trials as bad, so parallel workers spread out", NULL},
    {"warm_start_study", KNOB_OPT_STRING, offsetof(tpe, ws_study), "", 0, 0,
     "a study whose good trials (the best gamma of its complete ones) join the good "
     "estimator, weighing less as this study's trials arrive; params are matched by name (the "
     "other warm_start_* options act with it alone, and are refused without it)",
     NULL},
    KNOB__WARM_STORAGE_OPTION(tpe, ws_storage),
    KNOB__WARM_FIRST_OPTION(tpe, ws_first),
    KNOB__WARM_LOCAL_OPTION(tpe, ws_local),
    KNOB__WARM_MODEL_OPTION(tpe, ws_model),
    {"cost", KNOB_OPT_STRING, offsetof(tpe, cost), "", 0, 0,
     "cost-aware search: \"\" (cost-blind), \"duration\" (the trial's end minus start time), or "
     "the user attr holding each trial's cost; the score l(x)/g(x) per unit of predicted cost "
     "(a kernel regression of the log cost over the params), the cost weighed down to nothing "
     "as the budget is spent (CArBO, as gp)",
     NULL},
    KNOB__COST_BUDGET_OPTION(tpe, cost_budget),
    {"cache", KNOB_OPT_BOOL, offsetof(tpe, cache), "true", 0, 0,
     "keep what was read of finished trials between asks (false: read the whole history "
     "on every ask; the same suggestions, slower)",
     NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

/* warm_start_local and warm_start_model act only with warm_start_study */
static int warm_only(const tpe *p)
{
    return knob__warm_only_check("sampler 'tpe'", p->ws_study, options, p);
}

const knob_sampler_plugin knob__sampler_tpe = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "tpe",
    .help = "Tree-structured Parzen Estimator (Optuna's TPESampler, with EI weights and "
            "prior_weight 2 by default): random for "
            "n_startup_trials, then the best of n_ei_candidates draws from the good trials' "
            "estimator by l(x)/g(x); multivariate and grouped variants, constant liar, "
            "several objectives (MOTPE).",
    .state_size = sizeof(tpe),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
    .save_state = save_state,
    .load_state = load_state,
};
