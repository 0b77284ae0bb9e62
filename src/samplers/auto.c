/* knob's default sampler: per trial, the Gaussian process (gp) or TPE, by what the study
 * looks like, as Optuna's AutoSampler reasons:
 *
 * - gp while the study has one objective, its completed trials all carry the same params
 *   (the space is not conditional), at most gp_params of them, no trial was pruned (gp
 *   learns nothing from a pruned trial, TPE models them) and fewer than gp_trials
 *   trials completed (gp's ask costs about 13.5 ms of CPU at 1,000 trials and 19 ms at
 *   10,000, TPE's 0.6 and 0.8 ms);
 * - tpe otherwise (several objectives, conditional or large spaces, pruning, long
 *   studies), with constant_liar so that trials running at once differ.
 *
 * While two trials or more tie at the best value (explore_ties), gp's every fourth trial
 * (explore_every) is the next point of a scrambled Sobol sequence, not the model's: SMAC
 * interleaves random configurations so. Scores of models are terraces (a decision tree's
 * log loss is one value over a wide region of its params), and a model sure of a terrace
 * kept asking it; on bench/bayesmark's decision trees and random forest (64 trials) the
 * interleaved points did better than none. Without ties (a smooth loss) gp asks as before:
 * there the blind quarter looked costly (SVM-wine-nll, 16 rounds of 8, two seeds). gp's
 * model asks no point whose three nearest trials tie exactly (step_mask=3: inside a step of
 * a staircase loss, where a deterministic objective repeats itself); without ties, and
 * beside running trials, it asks as gp does.
 *
 * Where gp is used, a trial asked while others of its batch run (asked after the last trial
 * that ended: 16 rounds of 8 asks, parallel workers) is smac's (smac_running; but while a
 * cost is set or a trial carries constraints, gp's): smac, whose asks skip the points running
 * trials hold, scored above this mix in 16 rounds of 8 on bench/bayesmark in three runs, and
 * with it the mix scored 93.3 against 91.8 on four seeds of one run (2026-12-07). But a trial
 * whose number is a multiple of gp_running_every stays gp's (but smac_every's turns), with
 * gp's handling of the running trials' points (2: 2 or 3 of a round of 8 gp's, where 0 or 1
 * were, the round's first): with only the first of a round gp's, the mix was behind
 * random search on DT-breast-nll and linear-diabetes-mse (16 rounds of 8, seeds 0-9), where
 * gp's refinement had helped; with gp_running_every=2, ahead on both over seeds 0-19, 92.2
 * against 91.5 (tuned half 91.6 against 90.5, held-out half 93.5 against 93.7).
 *
 * Where gp is used, every third trial (smac_every) is smac's (but while a cost is set or a
 * trial carries constraints: smac handles neither, and its turns are gp's, which does): a
 * random forest over the same
 * trials, which models the steps of a decision tree's or a boosted model's loss that gp's
 * stationary kernel smooths over, while gp keeps refining smooth losses between its turns. On
 * bench/bayesmark (15 problems, seeds 0-9) the mix scored 88.6 at 64 sequential trials and
 * 91.3 in 16 rounds of 8, the default before it 88.4 / 90.0, gp 87.0 / 90.0, smac 86.0 /
 * 91.7 (bench/bayesmark/README.md, 2026-12-03).
 *
 * On bench/bayesmark (scikit-learn models, 64 trials) gp scored above TPE; on spaces
 * where some params exist only in some trials gp models the shared ones alone and draws
 * the rest at random, where TPE models each param where it exists.
 *
 * Both delegates draw from this sampler's seed and derive everything from the study's
 * trials, so switching between them as the study grows loses nothing. A warm start
 * (warm_start_study, warm_start_storage, warm_start_first) is each delegate's own: gp's
 * source model as prior mean, smac's source trials in the forest (without smac's local
 * phase, warm_start_local=0), tpe's good source trials.
 *
 * gp and smac remember the points they proposed to trials that have not suggested them yet
 * (a batch asked first, suggested after) in one list (samplers/proposed.h), so that a gp turn
 * counts the trials smac's turns asked and the reverse: such a batch gets the points that
 * asking and suggesting one trial at a time gets. With their own lists, a gp turn took a trial
 * of a smac turn for one without params, and the two could ask one configuration. tpe reads
 * the list too (a trial told pruned between the asks of a batch hands the rest to tpe): its
 * constant liar counts those trials at their points, where it took them for trials without
 * params and asked one of their points again. */
#include "internal.h"
#include "samplers/cost.h"
#include "samplers/proposed.h"
#include "samplers/warm_start.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const knob_sampler_plugin knob__sampler_gp;
extern const knob_sampler_plugin knob__sampler_tpe;
extern const knob_sampler_plugin knob__sampler_smac;

typedef struct auto_state {
    int64_t gp_trials, gp_params, explore_every, explore_ties, step_mask, smac_every; /* options */
    /* options: a trial asked while others of its batch run is smac's, but one whose number
     * is a multiple of gp_running_every, which stays gp's */
    bool smac_running;
    int64_t gp_running_every;
    knob_sampler *gp, *tpe, *smac;
    knob__proposed proposed; /* the points gp and smac proposed to running trials (one list) */
    int64_t decided; /* the trial number the choice was made for (-1: none) */
    bool use_gp, use_smac;
    /* gp's explore options as gp has them (-1: not set yet) */
    int64_t gp_explore_every, gp_explore_ties, gp_step_mask;
    char *ws_study, *ws_storage; /* options: the warm start, given to every delegate */
    int64_t ws_first;
    char *ws_had_study, *ws_had_storage; /* as the delegates have them (NULL: not given yet) */
    int64_t ws_had_first;
    bool ws_checked; /* the source could be opened (before_trial) */
    char *cost;      /* options: cost-aware search, given to gp and tpe */
    double cost_budget;
    char *cost_had; /* as gp and tpe have it (NULL: not given yet) */
    double cost_budget_had;
} auto_state;

/* gp fits the study as it stands (see the comment at the top). */
static int gp_fits(const auto_state *a, knob_study *s, bool *use_gp)
{
    *use_gp = false;
    if (knob_study_n_objectives(s) != 1)
        return KNOB_OK;
    const knob_trial_info *const *tr;
    size_t n;
    int rc = knob_study_trials(s, &tr, &n);
    if (rc)
        return rc;
    const knob_trial_info *first = NULL;
    int64_t complete = 0;
    for (size_t i = 0; i < n; i++) {
        if (tr[i]->state == KNOB_TRIAL_PRUNED)
            return KNOB_OK;
        if (tr[i]->state != KNOB_TRIAL_COMPLETE)
            continue;
        complete++;
        if (!first) {
            first = tr[i];
            if ((int64_t)first->n_params > a->gp_params)
                return KNOB_OK;
            continue;
        }
        /* the same params under the same distributions (interned: equal pointers) */
        if (tr[i]->n_params != first->n_params)
            return KNOB_OK;
        for (size_t k = 0; k < first->n_params; k++) {
            const knob_param *q = knob_trial_info_param(tr[i], first->params[k].name);
            if (!q || q->dist != first->params[k].dist)
                return KNOB_OK;
        }
    }
    *use_gp = complete < a->gp_trials;
    return KNOB_OK;
}

/* gp's option `key` is this sampler's value v (set when it changed: options may be set
 * after init); *had is what gp has. */
static int sync_option(auto_state *a, const char *key, int64_t v, int64_t *had)
{
    if (*had == v)
        return KNOB_OK;
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    int rc = knob_sampler_set_option(a->gp, key, text);
    if (!rc)
        *had = v;
    return rc;
}

static int sync_gp(auto_state *a)
{
    int rc = sync_option(a, "explore_every", a->explore_every, &a->gp_explore_every);
    if (!rc)
        rc = sync_option(a, "explore_ties", a->explore_ties, &a->gp_explore_ties);
    return rc ? rc : sync_option(a, "step_mask", a->step_mask, &a->gp_step_mask);
}

/* The warm start's options given to gp, tpe and smac when they changed. */
static int sync_warm(auto_state *a)
{
    const char *study = a->ws_study ? a->ws_study : "",
               *storage = a->ws_storage ? a->ws_storage : "";
    if (a->ws_had_study && !strcmp(a->ws_had_study, study) && a->ws_had_storage &&
        !strcmp(a->ws_had_storage, storage) && a->ws_had_first == a->ws_first)
        return KNOB_OK;
    char first[32];
    snprintf(first, sizeof first, "%lld", (long long)a->ws_first);
    knob_sampler *const all[] = {a->gp, a->tpe, a->smac};
    int rc = KNOB_OK;
    for (size_t i = 0; i < sizeof all / sizeof *all && !rc; i++) {
        rc = knob_sampler_set_option(all[i], "warm_start_study", study);
        if (!rc)
            rc = knob_sampler_set_option(all[i], "warm_start_storage", storage);
        if (!rc)
            rc = knob_sampler_set_option(all[i], "warm_start_first", first);
    }
    if (rc)
        return rc;
    free(a->ws_had_study);
    free(a->ws_had_storage);
    a->ws_had_study = strdup(study);
    a->ws_had_storage = strdup(storage);
    a->ws_had_first = a->ws_first;
    if (!a->ws_had_study || !a->ws_had_storage)
        return knob__error(KNOB_ENOMEM, "out of memory");
    return KNOB_OK;
}

/* The cost options given to gp and tpe when they changed (smac has none: while a cost is
 * set, its turns are gp's). */
static int sync_cost(auto_state *a)
{
    const char *cost = a->cost ? a->cost : "";
    if (a->cost_had && !strcmp(a->cost_had, cost) && a->cost_budget_had == a->cost_budget)
        return KNOB_OK;
    char budget[40];
    snprintf(budget, sizeof budget, "%.17g", a->cost_budget);
    knob_sampler *const both[] = {a->gp, a->tpe};
    int rc = KNOB_OK;
    for (size_t i = 0; i < 2 && !rc; i++) {
        rc = knob_sampler_set_option(both[i], "cost", cost);
        if (!rc)
            rc = knob_sampler_set_option(both[i], "cost_budget", budget);
    }
    if (rc)
        return rc;
    free(a->cost_had);
    if (!(a->cost_had = strdup(cost)))
        return knob__error(KNOB_ENOMEM, "out of memory");
    a->cost_budget_had = a->cost_budget;
    return KNOB_OK;
}

/* Whether a trial of the study carries constraints (knob_trial_set_constraints): smac has
 * no constraint handling, so while one does its turns are gp's. */
static int constrained(knob_study *s, bool *yes)
{
    const knob_trial_info *const *tr;
    size_t n;
    *yes = false;
    int rc = knob_study_trials(s, &tr, &n);
    for (size_t i = 0; !rc && i < n && !*yes; i++)
        *yes = tr[i]->n_constraints > 0;
    return rc;
}

/* Whether another trial than number runs (asked, not yet told) that was asked after the
 * last trial that ended: the ask is one of a batch or of parallel workers. A trial left
 * running by a process that died long ago (asked before trials that ended since) does not
 * make a sequential study's asks smac's. */
static int others_running(knob_study *s, int64_t number, bool *yes)
{
    const knob_trial_info *const *tr;
    size_t n;
    *yes = false;
    int rc = knob_study_trials(s, &tr, &n);
    if (rc)
        return rc;
    int64_t last_ended = -1;
    for (size_t i = 0; i < n; i++)
        if (tr[i]->state == KNOB_TRIAL_COMPLETE || tr[i]->state == KNOB_TRIAL_PRUNED ||
            tr[i]->state == KNOB_TRIAL_FAIL)
            last_ended = tr[i]->number > last_ended ? tr[i]->number : last_ended;
    for (size_t i = 0; i < n && !*yes; i++)
        *yes = tr[i]->state == KNOB_TRIAL_RUNNING && tr[i]->number != number &&
               tr[i]->number > last_ended;
    return KNOB_OK;
}

static int choose(auto_state *a, knob_study *s, knob_trial *t)
{
    int64_t number = knob_trial_number(t);
    if (a->decided == number)
        return KNOB_OK;
    int rc = sync_warm(a);
    if (!rc)
        rc = sync_cost(a);
    if (!rc)
        rc = gp_fits(a, s, &a->use_gp);
    a->use_smac = a->use_gp && a->smac_every > 0 && number % a->smac_every == a->smac_every - 1 &&
                  !(a->cost && a->cost[0]);
    if (!rc && a->use_gp && !a->use_smac && a->smac_running && !(a->cost && a->cost[0]) &&
        !(a->gp_running_every > 0 && number % a->gp_running_every == 0))
        rc = others_running(s, number, &a->use_smac);
    if (!rc && a->use_smac) {
        bool c;
        rc = constrained(s, &c);
        a->use_smac = !c;
    }
    if (!rc && a->use_gp)
        rc = sync_gp(a);
    if (!rc)
        a->decided = number;
    return rc;
}

static const knob_sampler_plugin *delegate(const auto_state *a, void **state)
{
    if (a->use_smac) {
        *state = knob_sampler_state(a->smac);
        return &knob__sampler_smac;
    }
    *state = knob_sampler_state(a->use_gp ? a->gp : a->tpe);
    return a->use_gp ? &knob__sampler_gp : &knob__sampler_tpe;
}

/* The warm start's source opened before the trial's row exists (knob__warm_check): a
 * misspelt study or a missing file fails the ask without leaving a failed trial. */
static int before_trial(void *state, knob_study *s, knob_trial *t)
{
    auto_state *a = state;
    (void)t;
    return knob__warm_check(s, "auto", a->ws_study, a->ws_storage, &a->ws_checked);
}

static int sample_relative(void *state, knob_study *s, knob_trial *t)
{
    auto_state *a = state;
    int rc = choose(a, s, t);
    if (rc)
        return rc;
    void *ds;
    const knob_sampler_plugin *d = delegate(a, &ds);
    return d->sample_relative(ds, s, t);
}

static int sample_independent(void *state, knob_study *s, knob_trial *t, const char *name,
                              const knob_distribution *dist, double *internal)
{
    auto_state *a = state;
    int rc = choose(a, s, t);
    if (rc)
        return rc;
    void *ds;
    const knob_sampler_plugin *d = delegate(a, &ds);
    return d->sample_independent(ds, s, t, name, dist, internal);
}

static int init(void *state)
{
    auto_state *a = state;
    a->decided = -1;
    a->gp_explore_every = a->gp_explore_ties = a->gp_step_mask = -1;
    int rc = knob__warm_options_check("sampler 'auto'", a->ws_study, a->ws_storage, a->ws_first);
    if (!rc)
        rc = knob__cost_options_check("sampler 'auto'", a->cost, a->cost_budget);
    if (!rc)
        rc = knob_sampler_create_plugin(&knob__sampler_gp, NULL, &a->gp);
    if (!rc)
        rc = knob_sampler_create_plugin(&knob__sampler_tpe, "constant_liar=true", &a->tpe);
    if (!rc)
        /* smac's turns keep the forest without its warm local phase: gp's refinement takes
         * the last digits in auto's warm runs, and smac's local steps on its third of the
         * trials beside it made Rosenbrock-4 slower (bench/README.md, 2026-12-07) */
        rc = knob_sampler_create_plugin(&knob__sampler_smac, NULL, &a->smac);
    /* set after its init, which refuses a warm_start_local without warm_start_study: auto's
     * warm start is given to it later (sync_warm) */
    if (!rc)
        rc = knob_sampler_set_option(a->smac, "warm_start_local", "0");
    if (!rc) {
        a->proposed.max = KNOB__PROPOSED_MAX;
        knob__gp_share_proposed(knob_sampler_state(a->gp), &a->proposed);
        knob__smac_share_proposed(knob_sampler_state(a->smac), &a->proposed);
        knob__tpe_share_proposed(knob_sampler_state(a->tpe), &a->proposed);
    }
    return rc;
}

static void fini(void *state)
{
    auto_state *a = state;
    knob_sampler_free(a->gp);
    knob_sampler_free(a->tpe);
    knob_sampler_free(a->smac);
    knob__proposed_free(&a->proposed);
    free(a->ws_had_study);
    free(a->ws_had_storage);
    free(a->cost_had);
}

static const knob_option options[] = {
    {"gp_trials", KNOB_OPT_INT, offsetof(auto_state, gp_trials), "1000", 0, 1e12,
     "completed trials from which tpe takes over from gp (an ask of gp costs 13.5 ms of CPU at "
     "1,000 trials, of tpe 0.6 ms)",
     NULL},
    {"gp_params", KNOB_OPT_INT, offsetof(auto_state, gp_params), "32", 0, 64,
     "params at most for gp; more, tpe", NULL},
    {"explore_every", KNOB_OPT_INT, offsetof(auto_state, explore_every), "4", 0, 1e9,
     "gp's explore_every: every explore_every-th trial is a Sobol point (a sequence of its own) "
     "instead of the model's, while explore_ties trials tie at the best (0: never)",
     NULL},
    {"explore_ties", KNOB_OPT_INT, offsetof(auto_state, explore_ties), "2", 1, 1e9,
     "gp's explore_ties: explore_every applies while at least this many trials tie at the best "
     "value (a terrace; 1: always)",
     NULL},
    {"step_mask", KNOB_OPT_INT, offsetof(auto_state, step_mask), "3", 0, 8,
     "gp's step_mask: the model's asks avoid points whose step_mask nearest trials tie exactly "
     "(inside a step of a staircase loss; 0: never)",
     NULL},
    {"smac_every", KNOB_OPT_INT, offsetof(auto_state, smac_every), "3", 0, 1e9,
     "while gp is used, every smac_every-th trial is asked by smac (a random forest) instead "
     "(0: none of these turns; a batch's trials are smac's by smac_running; gp's while a cost "
     "is set or trials carry constraints)",
     NULL},
    {"smac_running", KNOB_OPT_BOOL, offsetof(auto_state, smac_running), "true", 0, 0,
     "while gp is used, a trial asked while another trial asked after the last one that ended "
     "runs (a batch, parallel workers) is smac's (gp's while a cost is set or trials carry "
     "constraints)",
     NULL},
    {"gp_running_every", KNOB_OPT_INT, offsetof(auto_state, gp_running_every), "2", 0, 1e9,
     "with smac_running, a trial asked while others of its batch run whose number is a "
     "multiple of gp_running_every stays gp's (0: smac asks them all)",
     NULL},
    {"warm_start_study", KNOB_OPT_STRING, offsetof(auto_state, ws_study), "", 0, 0,
     "a related study each delegate learns from as with its own warm_start_study (gp: the "
     "source's model as prior mean; smac: its trials in the forest; tpe: its good trials)",
     NULL},
    KNOB__WARM_STORAGE_OPTION(auto_state, ws_storage),
    KNOB__WARM_FIRST_OPTION(auto_state, ws_first),
    {"cost", KNOB_OPT_STRING, offsetof(auto_state, cost), "", 0, 0,
     "cost-aware search, given to gp and tpe as their own cost (\"duration\" or the user attr "
     "holding each trial's cost); while it is set, smac's turns are gp's",
     NULL},
    KNOB__COST_BUDGET_OPTION(auto_state, cost_budget),
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_sampler_plugin knob__sampler_auto = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "auto",
    .help = "knob's default: gp (Gaussian process) while the study has one objective, a "
            "fixed space of at most gp_params params, no pruned trial and fewer than "
            "gp_trials completed trials, every explore_every-th trial a Sobol point while "
            "explore_ties trials tie at the best, no ask inside a step (step_mask), every "
            "smac_every-th trial smac's (a random forest; gp's while a cost is set or trials "
            "carry constraints), and so is a trial asked while others of its batch run "
            "(smac_running) but every gp_running_every-th; tpe (with "
            "constant_liar) otherwise; a cost is given to gp and tpe. "
            "Options: gp_trials, gp_params, explore_every, explore_ties, step_mask, smac_every, "
            "smac_running, gp_running_every, "
            "warm_start_study, warm_start_storage, warm_start_first, cost, cost_budget, seed.",
    .state_size = sizeof(auto_state),
    .options = options,
    .init = init,
    .fini = fini,
    .before_trial = before_trial,
    .sample_relative = sample_relative,
    .sample_independent = sample_independent,
};
