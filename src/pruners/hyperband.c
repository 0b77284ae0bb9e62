/* Hyperband: several brackets of successive halving with growing first rungs. Each
 * trial's bracket is a hash of the study name and the trial number, the same in every
 * process and on every machine (and the same as Optuna's, which also uses CRC-32). */
#include "pruners/common.h"
#include "util/hyperband.h"

#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct hb {
    int64_t min_resource, max_resource, reduction_factor, bootstrap_count, objective;
    bool rungs_past_max;
} hb;

/* CRC-32 of s appended to a running CRC: begin with 0xFFFFFFFF, end with ~. */
static uint32_t crc32_add(uint32_t c, const char *s)
{
    for (; *s; s++) {
        c ^= (unsigned char)*s;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c;
}

/* Checked when the pruner is made and again at each use, since knob_pruner_set_option
 * may change either bound later: with max_resource below min_resource there are no
 * brackets, and the budget the hash is taken modulo is 0. */
static bool valid(const hb *p)
{
    return p->max_resource >= p->min_resource;
}

static int init(void *state)
{
    const hb *p = state;
    if (!valid(p))
        return knob_set_error(KNOB_EINVAL, "pruner 'hyperband': max_resource (%lld) must be >= "
                              "min_resource (%lld)", (long long)p->max_resource,
                              (long long)p->min_resource);
    return KNOB_OK;
}

static int64_t n_brackets(const hb *p)
{
    return knobx_hyperband_brackets(p->min_resource, p->max_resource, p->reduction_factor);
}

static int64_t budget(const hb *p, int64_t n, int64_t bracket)
{
    return knobx_hyperband_budget(n, p->reduction_factor, bracket);
}

static int64_t bracket_of(void *state, knob_study *s, int64_t number)
{
    const hb *p = state;
    if (!valid(p))
        return -1; /* prune says why */
    int64_t n = n_brackets(p), total = 0;
    for (int64_t b = 0; b < n; b++)
        total += budget(p, n, b);
    /* The CRC of "<study>_<number>", as Optuna hashes it, taken piece by piece so that no
     * length of name is cut; the modulo in 64 bits, since the budgets add up past 2^32
     * (max_resource 2^31 with eta 2). */
    char num[32];
    snprintf(num, sizeof num, "_%lld", (long long)number);
    uint32_t crc = ~crc32_add(crc32_add(0xFFFFFFFFu, knob_study_name(s)), num);
    int64_t h = (int64_t)((uint64_t)crc % (uint64_t)total);
    for (int64_t b = 0; b < n; b++) {
        h -= budget(p, n, b);
        if (h < 0)
            return b;
    }
    return n - 1;
}

typedef struct same_ctx {
    hb *p;
    int64_t bracket;
} same_ctx;

static bool same_bracket(const void *ctx, knob_study *s, const knob_trial_info *other)
{
    const same_ctx *c = ctx;
    return bracket_of(c->p, s, other->number) == c->bracket;
}

static int prune(void *state, knob_study *s, knob_trial *t, bool *out)
{
    hb *o = state;
    *out = false;
    if (!valid(o))
        return init(o);
    same_ctx ctx = {o, bracket_of(o, s, knob_trial_number(t))};
    knob__sh p = {o->min_resource,
                  o->reduction_factor,
                  ctx.bracket,
                  o->bootstrap_count,
                  KNOB_MINIMIZE,
                  ctx.bracket,
                  same_bracket,
                  &ctx,
                  o->rungs_past_max ? 0 : o->max_resource};
    int rc = knob__prune_direction(s, o->objective, "hyperband", &p.dir);
    return rc ? rc : knob__sh_prune(&p, s, t, out);
}

static const knob_option options[] = {
    {"min_resource", KNOB_OPT_INT, offsetof(hb, min_resource), "1", 1, 1e15,
     "steps every trial gets before its first rung", NULL},
    {"max_resource", KNOB_OPT_INT, offsetof(hb, max_resource), "81", 1, 1e15,
     "the most steps a trial runs (its last epoch); no rung at or past it", NULL},
    {"reduction_factor", KNOB_OPT_INT, offsetof(hb, reduction_factor), "3", 2, 1000,
     "eta: rungs at min_resource * eta^k; the top 1/eta go on", NULL},
    {"bootstrap_count", KNOB_OPT_INT, offsetof(hb, bootstrap_count), "0", 0, 1e9,
     "trials a rung needs before any goes on", NULL},
    {"objective", KNOB_OPT_INT, offsetof(hb, objective), "0", 0, 1000,
     "which objective's intermediate values to read", NULL},
    {"rungs_past_max", KNOB_OPT_BOOL, offsetof(hb, rungs_past_max), "false", 0, 0,
     "rungs at and past max_resource too (a bound only for the brackets; as Optuna's)", NULL},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

const knob_pruner_plugin knob__pruner_hyperband = {
    .version = KNOB_PRUNER_PLUGIN_VERSION,
    .name = "hyperband",
    .help = "Hyperband: trials are spread over brackets of successive halving whose first "
            "rungs start later and later; with a model-based sampler each bracket is "
            "modelled on its own trials (BOHB).",
    .state_size = sizeof(hb),
    .options = options,
    .init = init,
    .prune = prune,
    .bracket = bracket_of,
};
