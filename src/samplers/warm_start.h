/* Warm starts: the source study of a sampler's warm_start_study option, opened to read
 * (knob_study_open_related), checked, and its finished trials as losses. tpe, gp, smac and
 * cmaes read their sources through these, so the errors and what counts as a usable
 * source trial are written once. */
#ifndef KNOB_WARM_START_H
#define KNOB_WARM_START_H

#include "knob.h"

#include <stdbool.h>
#include <stddef.h>

/* One finished trial of a source: complete with a finite first value. loss is that
 * value, negated when the source maximizes; the trial is borrowed from the source study. */
typedef struct knob__warm_trial {
    const knob_trial_info *trial;
    double loss;
    bool feasible; /* every constraint satisfied (knob_trial_info_feasible) */
} knob__warm_trial;

/* Opens study `name` from storage `url` (NULL or "": the storage of s) for `sampler`'s
 * warm start and checks that it has one objective, and, when s has no stored sweep (a
 * study of Python or C), that the source holds no param as a quantile or a reciprocal (its
 * system attribute "program_distributions", stored by knob run). On failure *out is NULL and the
 * error names the sampler, the option, the study and the storage option when given (KNOB_ENOTFOUND
 * for a missing study, KNOB_EINVAL for several objectives or a param held otherwise, naming it, or
 * the storage's code). The caller frees *out with knob_study_free (which closes a storage opened
 * for it). */
int knob__warm_open(knob_study *s, const char *sampler, const char *name, const char *url,
                    knob_study **out);

/* Checks a warm-starting sampler's options when it is made (its init): warm_start_storage
 * or warm_start_first (first > 0) without warm_start_study `study` would be a cold start
 * without a word, so they are refused (KNOB_EINVAL naming `sampler`, "sampler 'tpe'", and
 * the option). Returns KNOB_OK or KNOB_EINVAL. */
int knob__warm_options_check(const char *sampler, const char *study, const char *storage,
                             int64_t first);

/* Checks the options that act only with a source, when the sampler is made (its init): each
 * option of `table` named warm_start_* (but warm_start_study, warm_start_storage and
 * warm_start_first, which knob__warm_options_check reads) that holds in `state` another value
 * than its default while `study` is empty would be accepted and left unused without a word,
 * so it is refused (KNOB_EINVAL naming `sampler`, the option and its value). */
int knob__warm_only_check(const char *sampler, const char *study, const knob_option *table,
                          const void *state);

/* Checks at a sampler's first ask that its source can be opened (knob__warm_open's
 * errors), so that a misspelt study or storage fails the first trial, not the first trial
 * the model asks after the startup trials have run. *checked true once it could. */
int knob__warm_check(knob_study *s, const char *sampler, const char *name, const char *url,
                     bool *checked);

/* The finished trials of src with a finite value (with `infinite`, an infinite one too: a
 * source with infinite_values, whose -inf, minimized, is its best configuration), in trial
 * order, in *out (malloc'd, the caller frees it; NULL when there are none), their count in
 * *n. The trials are borrowed from src: valid until src is synced again or freed. Returns
 * KNOB_OK, KNOB_ENOMEM or the storage's code. */
int knob__warm_trials(knob_study *src, bool infinite, knob__warm_trial **out, size_t *n);

/* Whether a source trial's param q can stand for a value of this study's param of
 * distribution d, and which (d's internal value, into *v): a number (an int or a float, on
 * any scale or step) inside d's range as it is; a categorical's choice by its value, as
 * the index of the same choice among d's. A number for a categorical or the reverse, a
 * number outside d's range, a choice d lacks do not fit: a source trial whose param does
 * not fit is not used (its value would be read on another scale, or clamped to a bound). */
bool knob__warm_value(const knob_param *q, const knob_distribution *d, double *v);
bool knob__warm_fits(const knob_param *q, const knob_distribution *d);

/* Says what a warm start left out of source `name`, of its `of` finished trials:
 * `objectives` with another count of objective values than this study's objectives, `dists`
 * with a param of this study under another kind of distribution or outside its range,
 * `missing` without a param of this study that others of the source's trials have; `param`
 * (NULL: none) names the param that left out the first of them. As
 * the library prints nothing, the sentence goes to this study's system attribute
 * "warm_start_skipped" (a JSON string: knob run and the Python package show it as a warning),
 * written only when something was left out and the sentence changed; when nothing was, a
 * sentence of this sampler's from an earlier read is set to null. Returns KNOB_OK or the
 * storage's code. */
int knob__warm_say_skipped(knob_study *s, const char *sampler, const char *name, size_t of,
                           size_t objectives, size_t dists, size_t missing, const char *param);

/* As knob__warm_say_skipped, for a sampler that reads only the source's `good` best trials
 * and leaves out a trial's param that does not fit, using its others (tpe): `objectives` of
 * the source's `of` finished trials with another count of values (none of them read), and
 * of the good trials, `none` of which no param of this study fits ("not used") and `partly`
 * with one that does not and one that does ("not used in full"); `param` names the first
 * param that does not fit. The sentence begins as knob__warm_say_skipped's ("SAMPLER:
 * warm_start_study 'NAME': "); all zero sets this sampler's earlier sentence to null. */
int knob__warm_say_good_skipped(knob_study *s, const char *sampler, const char *name, size_t of,
                                size_t objectives, size_t good, size_t none, size_t partly,
                                const char *param);

/* As knob__warm_say_skipped, for a sampler whose model of the source needs `need` trials
 * and got `few` (fewer) that fit: those are not used either, and the sentence says so and
 * how to use them (warm_start_first), or that they are evaluated first (its warm_start_first
 * `first` at least `few`), so that a cold start is never silent. */
int knob__warm_say_too_few(knob_study *s, const char *sampler, const char *name, size_t of,
                           size_t dists, size_t missing, const char *param, size_t few, size_t need,
                           int64_t first);

/* Says that source `name` shares no param with the params `sampler` models (`what`:
 * "numerical param" for a sampler of numbers alone; `why`, NULL or a reason said in
 * parentheses), so that none of its `of` finished trials is used and the study starts cold:
 * a sentence in warm_start_skipped as knob__warm_say_skipped writes ("SAMPLER:
 * warm_start_study 'NAME': ..."), which knob run shows as a warning. Returns KNOB_OK,
 * KNOB_ENOMEM or the storage's code. */
int knob__warm_say_unshared(knob_study *s, const char *sampler, const char *name, size_t of,
                            const char *what, const char *why);

/* Says that none of source `name`'s trials is used because the sampler runs no model of this
 * study (`why`, said in parentheses: a conditional space whose numbers are not in every trial,
 * for cmaes), a sentence in warm_start_skipped as knob__warm_say_unshared writes. Returns
 * KNOB_OK, KNOB_ENOMEM or the storage's code. */
int knob__warm_say_modelless(knob_study *s, const char *sampler, const char *name, const char *why);

/* Says that source `name`, of n trials, has no complete trial with a value the sampler
 * reads (empty, or every trial failed): a cold start ("... has no complete trial with a
 * value (N trials); starting cold"), as knob run's key warm_start says of such a source.
 * Returns KNOB_OK, KNOB_ENOMEM or the storage's code. */
int knob__warm_say_empty(knob_study *s, const char *sampler, const char *name, size_t n);

/* The trials of source src (opened) as it reads them now; 0 when they cannot be read. */
size_t knob__warm_n_trials(knob_study *src);

/* Whether warm_start_skipped holds `sampler`'s sentence that source `name` is empty
 * (knob__warm_say_empty), for a sampler that takes it back once the source has trials. */
bool knob__warm_said_empty(knob_study *s, const char *sampler, const char *name);

/* Says that source `name` has params of this study, but each in fewer than half of its `of`
 * finished trials (`most` at most; `param`, the first), too few for a model of them: a cold
 * start (gp). Returns KNOB_OK, KNOB_ENOMEM or the storage's code. */
int knob__warm_say_sparse(knob_study *s, const char *sampler, const char *name, size_t of,
                          size_t most, const char *param);

/* Takes back a sentence of any sampler that source `name` shares no param with this study
 * (knob__warm_say_unshared), when warm_start_skipped holds one: tpe calls it once the study
 * comes to share a param, so that gp's or smac's sentence (auto's turns before tpe took the
 * study over) does not outlive their turns. Returns KNOB_OK or the storage's code. */
int knob__warm_unsay_unshared(knob_study *s, const char *name);

/* Whose sentence warm_start_skipped holds: 0 none of `sampler`'s, 1 `sampler`'s of source
 * `name`, 2 `sampler`'s of another source. Read from the attribute's JSON string, so that a
 * name with a quote or a backslash (escaped there) is its own source's. */
int knob__warm_said_of(knob_study *s, const char *sampler, const char *name);

/* Orders warm trials best (lowest loss) first; equal losses keep trial order. */
void knob__warm_sort(knob__warm_trial *w, size_t n);

/* The first trials of a warm start: the configurations of the source's best trials, one
 * per trial number (trial i gets configuration i), so that a warm study evaluates where
 * the source did best before its model takes over, as transfer-learning baselines do.
 * Configurations are distinct: each differs from every one before it by more than
 * KNOB__WARM_APART (1 / KNOB__WARM_APART_PARTS) of some param's range (log scale for log
 * params; another category); an int's or a stepped float's on a linear scale counted in
 * whole steps, so that an int from 0 to 10 needs 2 (6 and 7 are as close as 3 and 4). */
#define KNOB__WARM_APART_PARTS 10
#define KNOB__WARM_APART (1.0 / KNOB__WARM_APART_PARTS)
typedef struct knob__warm_firsts {
    knob_param *params; /* copies (name, distribution), owned */
    size_t *start;      /* configuration i is params[start[i] .. start[i + 1]) */
    size_t n;           /* configurations: the feasible ones, best first */
    size_t n_params;    /* entries of params */
    size_t k;           /* the distinct ones wanted, for the first k trials */
    /* the distinct ones chosen so far, and the space they were judged in, which the next
     * knob__warm_firsts_nth goes on from while this study's trials show the same (owned;
     * NULL before the first) */
    struct knob__warm_picks *picks;
} knob__warm_firsts;

/* Copies the configurations of the feasible trials of w (sorted best first) into *f, which
 * must be zeroed or freed, for the first k trials (none when k is 0). Which are distinct is
 * judged when a trial takes one, in this study's space as its trials show it then: on the
 * params the two studies share, on this study's ranges, as the values the trial would take
 * (the source's own params and ranges made its other params' differences count, so that the
 * first trials repeated one configuration of the shared params); in the source's space while
 * this study's trials hold none of its params. KNOB_OK or KNOB_ENOMEM (then *f is empty). */
int knob__warm_firsts_make(knob__warm_firsts *f, const knob__warm_trial *w, size_t n, size_t k);

/* The index in f of the distinct configuration `want` (from 0), into *at: chosen greedily,
 * best first, each apart from every one chosen before it, in the space of this study's
 * trials tr[0 .. n) (knob__warm_firsts_make); *has false when fewer are distinct. KNOB_OK or
 * KNOB_ENOMEM. */
int knob__warm_firsts_nth(const knob__warm_firsts *f, const knob_trial_info *const *tr, size_t n,
                          size_t want, size_t *at, bool *has);

/* Proposes distinct configuration k of f (knob__warm_firsts_nth) to t when t is the k-th
 * (from 0) trial of study s that is not enqueued (no system attribute fixed_params:
 * knob_study_enqueue's, add_trial's), k < f->k and there are so many, by value
 * (knob__trial_propose_by_value: a param the trial suggests under another distribution than
 * the source's takes the source's value mapped to it, snapped into its range or the same
 * choice, when it fits); *took says whether it did. An enqueued trial (fixed params, all or
 * some) takes none, so no configuration is lost under the user's values. Returns KNOB_OK,
 * KNOB_ENOMEM, the storage's code, or knob_trial_propose's. */
int knob__warm_firsts_propose(const knob__warm_firsts *f, knob_study *s, knob_trial *t, bool *took);

/* Opens the source (knob__warm_open, `sampler` naming the sampler in errors), reads its
 * finished trials and keeps the configurations of its k best distinct feasible ones in *f
 * (knob__warm_firsts_make; *f zeroed or freed before). k == 0: nothing is read. A source
 * sharing no param with this study yields configurations no trial takes: a cold start. */
int knob__warm_firsts_read(knob__warm_firsts *f, knob_study *s, const char *sampler,
                           const char *name, const char *url, size_t k);

/* The local phase of a warm start (option warm_start_local): once the source has pointed
 * the study to its region, every `every`-th trial from trial KNOB__WARM_LOCAL_FROM on is
 * a step from this study's best trial. A (1+1) evolution strategy's step: each continuous or
 * integer param at the best's value plus a normal step on [0, 1] of its range (log scale
 * for log params; reflected at the bounds, then snapped to a value the param can take),
 * categorical params at the best's choice. The step's length follows the one-fifth rule,
 * replayed over the study's trials at each ask (no state is kept): 0.1 of the cube's side
 * at first, longer after a strategy's trial that improved the best, shorter after one that
 * did not. With `model` (option warm_start_model), every second local trial is instead the
 * minimizer of a quadratic model (math/quad.h; full up to 4 params, diagonal beyond) of
 * the losses of the trials nearest the best, twice as many as its coefficients, in the
 * same unit coordinates, within twice the strategy's step length of the best, clipped to
 * the ranges and snapped; when too few trials share the best's params to fit it, or the
 * model gives no step, the strategy's step is taken. It acts only when the best trial has
 * a param named in shared[0, n_shared) (the source's) whose source value fits the best's
 * distribution (knob__warm_fits: a source none of whose values fits is a cold start), and
 * from KNOB__WARM_LOCAL_TOP
 * complete feasible trials. `seed` is the sampler's; the draws come from it and the trial
 * number alone. *proposed tells whether t got proposals. Returns KNOB_OK, KNOB_ENOMEM, or
 * the storage's or knob_trial_propose's code. */
#define KNOB__WARM_LOCAL_FROM 20
#define KNOB__WARM_LOCAL_TOP 5
int knob__warm_local_propose(knob_study *s, knob_trial *t, uint64_t seed, int64_t every, bool model,
                             const knob_param *shared, size_t n_shared, bool *proposed);

/* Frees the copies; f is empty after. */
void knob__warm_firsts_free(knob__warm_firsts *f);

/* The option rows every warm-starting sampler shares, for its option table (`type` its state,
 * `field` the member): where the source study lives, and its best configurations as the first
 * trials (knob__warm_firsts). */
#define KNOB__WARM_STORAGE_OPTION(type, field)                                                     \
    {                                                                                              \
        "warm_start_storage", KNOB_OPT_STRING, offsetof(type, field), "", 0, 0,                    \
            "storage URL of warm_start_study (default: this study's storage)", NULL                \
    }
#define KNOB__WARM_FIRST_OPTION(type, field)                                                       \
    {                                                                                              \
        "warm_start_first", KNOB_OPT_INT, offsetof(type, field), "0", 0, 1000,                     \
            "with warm_start_study: the first N trials not enqueued evaluate the source's N "      \
            "best distinct configurations (0: none)",                                              \
            NULL                                                                                   \
    }

/* The option warm_start_refine of gp. */
#define KNOB__WARM_REFINE_OPTION(type, field)                                                      \
    {                                                                                              \
        "warm_start_refine", KNOB_OPT_INT, offsetof(type, field), "2", 0, 1000,                    \
            "with warm_start_study: every N-th trial, and one whose acquisition maximum was "      \
            "asked before, asks the local minimum of the model's mean near the best trials when "  \
            "that is a gain and not a point asked before (0: off)",                                \
            NULL                                                                                   \
    }

/* The option warm_start_shift of gp. */
#define KNOB__WARM_SHIFT_OPTION(type, field)                                                       \
    {                                                                                              \
        "warm_start_shift", KNOB_OPT_BOOL, offsetof(type, field), "false", 0, 0,                   \
            "with warm_start_study: the source's model as prior mean at x - delta, delta fitted "  \
            "to this study's trials at each ask (a source whose optimum moved)",                   \
            NULL                                                                                   \
    }

/* The option warm_start_local of tpe and smac (knob__warm_local_propose). */
#define KNOB__WARM_LOCAL_OPTION(type, field)                                                       \
    {                                                                                              \
        "warm_start_local", KNOB_OPT_INT, offsetof(type, field), "1", 0, 1000,                     \
            "with warm_start_study: from trial 20 on, every N-th trial is a local step from the "  \
            "best trial (warm_start_model; 0: off)",                                               \
            NULL                                                                                   \
    }

/* The option warm_start_model of tpe and smac (knob__warm_local_propose's `model`). */
#define KNOB__WARM_MODEL_OPTION(type, field)                                                       \
    {                                                                                              \
        "warm_start_model", KNOB_OPT_BOOL, offsetof(type, field), "true", 0, 0,                    \
            "with warm_start_local: every second local step is the minimizer of a quadratic "      \
            "model of the trials nearest the best; the others (all when false) a (1+1) "           \
            "evolution strategy's, its length by the one-fifth rule",                              \
            NULL                                                                                   \
    }

#endif
