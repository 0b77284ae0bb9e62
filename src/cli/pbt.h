/* Population-based training (method: pbt): a population of members trained interval by
 * interval, each interval one trial of the study. The population lives in the storage
 * alone (each trial's system attribute "pbt", and claims that hand each member's next
 * interval to exactly one worker), so any number of knob workers share it. */
#ifndef KNOB_CLI_PBT_H
#define KNOB_CLI_PBT_H

#include "cli/sweep.h"
#include "util/json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PBT_MAX_PERTURB 16
#define PBT_MAX_POPULATION 4096

typedef enum { PBT_EXPLORE_PERTURB, PBT_EXPLORE_PB2 } pbt_explore;

/* The sweep's `pbt:` block. */
typedef struct pbt_config {
    int64_t population, interval, max_steps;
    double quantile, resample_probability;
    double perturb[PBT_MAX_PERTURB];
    size_t n_perturb;
    pbt_explore explore;
    /* Seconds a member's interval may go without a heartbeat before another worker takes
     * the member over from its last checkpoint. */
    double grace;
    bool keep_checkpoints; /* true: never delete a checkpoint */
    /* A member whose program failed this often (in all its intervals) is left dead. */
    int64_t max_failures;
} pbt_config;

/* One interval of one member, as its trial's system attribute "pbt" holds it. */
typedef struct pbt_record {
    int64_t member, interval, attempt;
    int64_t start, end;  /* steps: the interval trains [start, end) */
    int64_t parent;      /* the trial whose checkpoint it starts from; -1: none */
    int64_t donor;       /* the member it copied (exploit); -1: its own */
    int64_t donor_trial; /* that member's trial it copied; -1: none */
} pbt_record;

/* The record's JSON text (appended to b), and back; -1 when malformed. */
void pbt_record_json(knobx_buf *b, const pbt_record *rec);
int pbt_record_parse(const char *json, pbt_record *out);

/* The "pbt" attribute of a trial, parsed; false when it has none. */
bool pbt_record_of(const knob_trial_info *t, pbt_record *out);

/* The heartbeat interval and grace period the study's workers use. */
double pbt_heartbeat(const pbt_config *c);

/* Exploration of one param from a member's value (internal form, knob_param), for the
 * next interval: resampled from its distribution with probability resample_probability,
 * else multiplied by one of the perturb factors drawn at random (floats on a log scale in
 * log space, so the factor is a step of log(factor); a linear value at 0 moved by (factor -
 * 1) of the range; ints rounded to their step, moved by at least one step the way the factor
 * moved the value; categoricals are kept: they have no factor); kept in bounds. */
double pbt_explore_value(const pbt_config *c, const knob_distribution *d, double x, knob_rng *rng);

/* Prints the schedule of trial number `t` (the params of each interval along its lineage,
 * with the members it copied) to f; nothing for a trial without a pbt record. Syncs the
 * study (trial views taken before are stale). */
void pbt_print_schedule(FILE *f, knob_study *s, int64_t t);
/* The same as a JSON array appended to b ("[]" without a record). */
void pbt_schedule_json(knobx_buf *b, knob_study *s, int64_t t);

#endif
