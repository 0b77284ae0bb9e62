/* Cost-aware search (option cost of gp and tpe): a trial's cost, and the weight of the
 * predicted cost in the acquisition, cooled as the budget is spent (CArBO, Lee et al.
 * 2020). Each sampler predicts the cost with its own model. */
#ifndef KNOB_SAMPLERS_COST_H
#define KNOB_SAMPLERS_COST_H

#include "knob.h"

#include <stddef.h>
#include <stdint.h>

/* A trial's cost for option cost: with "duration" its end minus start time, else the
 * number in the user attr so named (a JSON number, or a number written as a JSON
 * string); 0 for one of 0 or below (it cost nothing: a cached result, a time printed in
 * whole seconds); NaN when it has none or it is not a finite number. */
double knob__trial_cost(const char *cost, const knob_trial_info *t);

/* What a cost of 0 counts as in a model of the log cost: a hundredth of the least positive
 * cost of k[0..n) (NaN entries ignored), far cheaper than any trial that cost something;
 * NaN when none is positive (the zeros are then left out: nothing tells them apart). */
double knob__cost_floor(const double *k, size_t n);

/* The weight alpha of the log cost in the acquisition (log acquisition - alpha log cost):
 * with a budget (> 0), (budget - spent) / (budget - spent_startup), spent_startup being
 * the startup trials' costs; without, 1 falling linearly to 0 over the 9 x n_startup
 * trials after the startup (n_seen trials seen so far). Clipped to [0, 1]. */
double knob__cost_alpha(double budget, double spent, double spent_startup, int64_t n_seen,
                        int64_t n_startup);

/* cost_budget without cost is refused (KNOB_EINVAL, naming the sampler and both options): a
 * budget alone (a misspelt or forgotten cost) would be a cost-blind search without a word, as
 * warm_start_storage without warm_start_study would be a cold start. `sampler` as
 * "sampler 'gp'". */
int knob__cost_options_check(const char *sampler, const char *cost, double budget);

/* The study's system attribute cost_unseen, which the library writes where it cannot print:
 * once at least max(1, n_startup) trials are complete and none of them has a cost for option
 * cost (a user attr that no trial sets: a typo, or a program that does not report it), this
 * sampler's sentence ("gp: cost 'NAME': none of the first 12 complete trials has it ...": the
 * search is cost-blind), written once; null once a trial has one, if the attribute holds this
 * sampler's sentence. The scan stops at the first complete trial with a cost. A diagnostic: a
 * failed read or write never fails the ask, and the caller's error message is left as it
 * was. `sampler` is its bare name ("gp"). *settled is the sampler's, 0 at first: 1 once a
 * complete trial has a cost and the attribute is as it should stay (the calls after it read
 * nothing: the study's attributes are a storage read, a round trip on PostgreSQL); -1 while
 * the sentence stands said and no trial has a cost (the calls scan the trials alone, until
 * one has, and then clear it). */
void knob__cost_note(knob_study *s, const char *sampler, const char *cost, int64_t n_startup,
                     int *settled);

/* The option row cost_budget of every cost-aware sampler (`type` its state, `field` the
 * member), for its option table. */
#define KNOB__COST_BUDGET_OPTION(type, field)                                                      \
    {                                                                                              \
        "cost_budget", KNOB_OPT_DOUBLE, offsetof(type, field), "0", 0, 1e300,                      \
            "cost: the total the study will spend, over which the cost's weight cools from 1 to "  \
            "0 (0: over the 9 x n_startup_trials trials after the startup; needs cost)",           \
            NULL                                                                                   \
    }

#endif
