/* PBT's records, its explore step, and the schedule of a member's lineage. */
#include "cli/pbt.h"
#include "cli/cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double pbt_heartbeat(const pbt_config *c)
{
    double beat = c->grace / 4;
    return beat < CLI_HEARTBEAT ? beat : CLI_HEARTBEAT;
}

void pbt_record_json(knobx_buf *b, const pbt_record *rec)
{
    knobx_buf_printf(b,
                     "{\"member\":%lld,\"interval\":%lld,\"attempt\":%lld,\"start\":%lld,"
                     "\"end\":%lld,\"parent\":%lld,\"donor\":%lld,\"donor_trial\":%lld}",
                     (long long)rec->member, (long long)rec->interval, (long long)rec->attempt,
                     (long long)rec->start, (long long)rec->end, (long long)rec->parent,
                     (long long)rec->donor, (long long)rec->donor_trial);
}

static int field(const knobx_json *o, const char *key, int64_t *out)
{
    const knobx_json *v = knobx_json_get(o, key);
    if (!v || v->type != KNOBX_JSON_NUMBER || v->num != floor(v->num))
        return -1;
    *out = (int64_t)v->num;
    return 0;
}

int pbt_record_parse(const char *json, pbt_record *out)
{
    knobx_json *j = json ? knobx_json_parse(json, (size_t)-1, NULL, 0) : NULL;
    int rc = j && j->type == KNOBX_JSON_OBJECT ? 0 : -1;
    if (!rc)
        rc = field(j, "member", &out->member) || field(j, "interval", &out->interval) ||
                     field(j, "attempt", &out->attempt) || field(j, "start", &out->start) ||
                     field(j, "end", &out->end) || field(j, "parent", &out->parent) ||
                     field(j, "donor", &out->donor) || field(j, "donor_trial", &out->donor_trial)
                 ? -1
                 : 0;
    knobx_json_free(j);
    return rc;
}

bool pbt_record_of(const knob_trial_info *t, pbt_record *out)
{
    const char *json = knob_trial_info_attr(t, "pbt", true);
    return json && pbt_record_parse(json, out) == 0;
}

/* ---------------------------------------------------------------- explore */

static double resample(const knob_distribution *d, knob_rng *rng)
{
    double u = knob_rng_uniform(rng);
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return (double)knob_rng_below(rng, d->n_choices);
    if (d->kind == KNOB_DIST_INT) {
        uint64_t steps = (uint64_t)((d->high - d->low) / d->step) + 1;
        if (d->flags & KNOB_LOG) {
            double x = exp(log(d->low - 0.5) + u * (log(d->high + 0.5) - log(d->low - 0.5)));
            return fmin(d->high, fmax(d->low, round(x)));
        }
        return d->low + (double)knob_rng_below(rng, steps) * d->step;
    }
    double x = d->flags & KNOB_LOG ? exp(log(d->low) + u * (log(d->high) - log(d->low)))
                                   : d->low + u * (d->high - d->low);
    if (d->step > 0)
        x = d->low + round((x - d->low) / d->step) * d->step;
    return fmin(d->high, fmax(d->low, x));
}

/* x times f for a float or int; on a linear scale a value at 0 (where a factor does
 * nothing) moves by (f - 1) of the range instead. */
static double scale(const knob_distribution *d, double x, double f)
{
    if (d->flags & KNOB_LOG)
        return exp(log(x) + log(f));
    if (x == 0)
        return (f - 1) * (d->high - d->low);
    return x * f;
}

double pbt_explore_value(const pbt_config *c, const knob_distribution *d, double x, knob_rng *rng)
{
    if (knob_rng_uniform(rng) < c->resample_probability)
        return resample(d, rng);
    if (d->kind == KNOB_DIST_CATEGORICAL)
        return x;
    double f = c->perturb[knob_rng_below(rng, c->n_perturb)];
    double y = scale(d, x, f);
    if (d->kind == KNOB_DIST_INT || d->step > 0) {
        double step = d->step > 0 ? d->step : 1;
        double k = round((y - d->low) / step);
        double k0 = round((x - d->low) / step);
        /* a factor too small to move an int still moves it, the way the factor moved the
         * value: x1.2 takes -1 down to -2 (the factor's side of 1 took it up to 0), and 0,
         * which scale() moves by (f - 1) of the range, up for f > 1 and down for f < 1 */
        if (k == k0 && y != x)
            k += y > x ? 1 : -1;
        y = d->low + k * step;
    }
    return fmin(d->high, fmax(d->low, y));
}

/* ---------------------------------------------------------------- schedules */

/* The lineage of t: t, its parent, its parent's parent ... (at most cap), newest first. */
static const knob_trial_info *by_number(const knob_trial_info *const *tr, size_t n, int64_t at)
{
    return at >= 0 && (size_t)at < n && tr[at]->number == at ? tr[at] : NULL;
}

static size_t lineage(knob_study *s, int64_t number, const knob_trial_info **out, pbt_record *recs,
                      size_t cap)
{
    const knob_trial_info *const *tr;
    size_t n = 0, k = 0;
    if (knob_study_trials(s, &tr, &n))
        return 0;
    const knob_trial_info *t = by_number(tr, n, number);
    while (t && k < cap && pbt_record_of(t, &recs[k])) {
        out[k] = t;
        int64_t parent = recs[k++].parent;
        t = by_number(tr, n, parent);
    }
    return k;
}

#define PBT_MAX_LINEAGE 100000

void pbt_schedule_json(knobx_buf *b, knob_study *s, int64_t t)
{
    const knob_trial_info **chain = calloc(PBT_MAX_LINEAGE, sizeof *chain);
    pbt_record *recs = calloc(PBT_MAX_LINEAGE, sizeof *recs);
    size_t n = chain && recs ? lineage(s, t, chain, recs, PBT_MAX_LINEAGE) : 0;
    cli_params_view pv;
    cli_params_view_read(s, &pv);
    knobx_buf_puts(b, "[");
    for (size_t i = n; i-- > 0;) {
        knobx_buf_printf(b, "%s{\"trial\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld,",
                         i + 1 < n ? "," : "", (long long)chain[i]->number,
                         (long long)recs[i].member, (long long)recs[i].start,
                         (long long)recs[i].end);
        if (recs[i].donor >= 0)
            knobx_buf_printf(b, "\"copied_member\":%lld,\"copied_trial\":%lld,",
                             (long long)recs[i].donor, (long long)recs[i].donor_trial);
        knobx_buf_puts(b, "\"params\":");
        cli_trial_params_json(b, chain[i], &pv);
        knobx_buf_puts(b, ",\"value\":");
        if (chain[i]->n_values)
            cli_json_value(b, chain[i]->values[0]);
        else
            knobx_buf_puts(b, "null");
        knobx_buf_puts(b, "}");
    }
    knobx_buf_puts(b, "]");
    cli_params_view_free(&pv);
    free(chain);
    free(recs);
}

void pbt_print_schedule(FILE *f, knob_study *s, int64_t t)
{
    const knob_trial_info **chain = calloc(PBT_MAX_LINEAGE, sizeof *chain);
    pbt_record *recs = calloc(PBT_MAX_LINEAGE, sizeof *recs);
    size_t n = chain && recs ? lineage(s, t, chain, recs, PBT_MAX_LINEAGE) : 0;
    cli_params_view pv;
    cli_params_view_read(s, &pv);
    if (n)
        fprintf(f,
                "schedule (population-based training, oldest interval first):\n"
                "  %-15s %6s %7s  %-10s %s\n",
                "steps", "trial", "member", "value", "params");
    for (size_t i = n; i-- > 0;) {
        char steps[48], value[32] = "-";
        snprintf(steps, sizeof steps, "%lld-%lld", (long long)recs[i].start,
                 (long long)recs[i].end);
        if (chain[i]->n_values)
            snprintf(value, sizeof value, "%.6g", chain[i]->values[0]);
        knobx_buf p = {0};
        cli_trial_params_json(&p, chain[i], &pv);
        fprintf(f, "  %-15s %6lld %7lld  %-10s %s", steps, (long long)chain[i]->number,
                (long long)recs[i].member, value, knobx_buf_cstr(&p));
        if (recs[i].donor >= 0)
            fprintf(f, "  (copied member %lld, trial %lld)", (long long)recs[i].donor,
                    (long long)recs[i].donor_trial);
        fputc('\n', f);
        knobx_buf_free(&p);
    }
    cli_params_view_free(&pv);
    free(chain);
    free(recs);
}
