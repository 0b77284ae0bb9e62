/* One generic plugin handle (state block, options, seed), written once; knob_sampler and
 * knob_pruner are typed views of it. */
#include "options.h"
#include "plugin.h"
#include "study.h"
#include "util/json.h"
#include "util/num.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint64_t knob__seed_from_os(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, 0) == (ssize_t)sizeof seed)
        return seed;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
}

/* ---------------------------------------------------------------- the generic handle */

int knob__plugin_check(const knob__plugin_kind *k, const void *table)
{
    if (!table)
        return knob__error(KNOB_EINVAL, "%s plugin: the table is NULL", k->noun);
    knob__plugin_head h = k->head(table);
    if (h.version < k->min_version || h.version > k->version) {
        char takes[32];
        if (k->min_version < k->version)
            snprintf(takes, sizeof takes, "versions %d to %d", k->min_version, k->version);
        else
            snprintf(takes, sizeof takes, "version %d", k->version);
        return knob__error(KNOB_EUNSUPPORTED,
                           "%s plugin '%s' has version %d; this library "
                           "takes %s (rebuild it against this knob.h)",
                           k->noun, h.name ? h.name : "?", h.version, takes);
    }
    if (!h.name)
        return knob__error(KNOB_EINVAL, "%s plugin: the table has no name", k->noun);
    char who[96];
    snprintf(who, sizeof who, "%s '%s'", k->noun, h.name);
    int rc = k->methods(table, who);
    if (!rc)
        rc = knob__options_check(h.options, h.state_size, k->takes_seed ? "seed" : NULL, who);
    const knob_option *o = k->int_option ? knob__option_find(h.options, k->int_option) : NULL;
    if (!rc && o && o->type != KNOB_OPT_INT)
        rc = knob__error(KNOB_EINVAL,
                         "%s: option '%s' is read by the library as an index (which "
                         "objective's intermediate values the %s reads): declare it "
                         "KNOB_OPT_INT",
                         who, o->name, k->noun);
    return rc;
}

int knob__plugin_set_option(knob__plugin *h, const char *key, const char *value)
{
    if (h->kind->takes_seed && strcmp(key, "seed") == 0) {
        uint64_t seed;
        int bad = knobx_parse_seed(value, &seed);
        if (bad)
            return knob__error(
                KNOB_EINVAL,
                "%s: option 'seed' %s (" KNOBX_SEED_RANGE ", a negative one modulo 2^64), got '%s'",
                h->who, bad == KNOBX_SEED_OUT_OF_RANGE ? "is out of range" : "needs an integer",
                value);
        h->seed = seed;
        return KNOB_OK;
    }
    return knob__option_set(h->head.options, h->state, key, value, h->who,
                            h->kind->takes_seed ? "seed" : NULL);
}

/* The options string of a create, item by item. An option whose value holds options of its
 * own ("wrapped_options=a=1,b=2", a patient pruner's for the pruner it wraps) gets only
 * what comes before the next comma outside brackets: b=2 is then an item of the string,
 * and an unknown option of the plugin. Such a run of unknown items after a value that
 * starts with "name=" is said to be that value's cut-off part, with the brackets that keep
 * it whole; the string is not read another way, since an item there may also be an option
 * of the plugin's own. */
typedef struct opt_reader {
    knob__plugin *h;
    char *nested;   /* the key of the last item when its value starts with "name=", or NULL */
    knobx_buf cut;  /* that value, then ",k=v" for each unknown item after it */
    char *unknown;  /* the first of those unknown keys, or NULL */
    bool run_ended; /* a known option came after them: nothing more is collected */
} opt_reader;

/* True when text starts with an option name and '=' ("n_startup_trials=5"), as an
 * options string does and a URL ("sqlite:///a.db?mode=ro") does not. */
static bool starts_with_pair(const char *text)
{
    size_t n = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    return n > 0 && text[n] == '=';
}

static bool is_option(const knob__plugin *h, const char *key)
{
    return knob__option_find(h->head.options, key) ||
           (h->kind->takes_seed && strcmp(key, "seed") == 0);
}

static int set_option_cb(void *ctx, const char *key, const char *value)
{
    opt_reader *r = ctx;
    if (r->unknown || (r->nested && !is_option(r->h, key))) {
        if (r->run_ended || is_option(r->h, key)) {
            r->run_ended = true;
            return KNOB_OK;
        }
        if (!r->unknown && !(r->unknown = knob__strdup(key)))
            return knob__oom("options");
        knobx_buf_printf(&r->cut, ",%s=%s", key, value);
        return KNOB_OK;
    }
    free(r->nested);
    r->nested = NULL;
    int rc = knob__plugin_set_option(r->h, key, value);
    if (!rc && starts_with_pair(value)) {
        r->cut.len = 0;
        knobx_buf_puts(&r->cut, value);
        if (!(r->nested = knob__strdup(key)))
            rc = knob__oom("options");
    }
    return rc;
}

/* Sets the options of the string `text` (NULL: none) on h. */
static int read_options(knob__plugin *h, const char *text)
{
    opt_reader r = {.h = h};
    int rc = knob__options_each(text, h->who, set_option_cb, &r);
    if (!rc && r.unknown) {
        const char *cut = r.cut.oom ? "..." : knobx_buf_cstr(&r.cut);
        size_t first = strcspn(cut, ",");
        rc = knob__error(KNOB_EINVAL,
                         "%s: unknown option '%s' after %s=%.*s: the options string splits at "
                         "each comma outside brackets, so %s took only '%.*s'; a value of "
                         "several k=v goes in brackets: %s=[%s]",
                         h->who, r.unknown, r.nested, (int)first, cut, r.nested, (int)first, cut,
                         r.nested, cut);
    }
    free(r.nested);
    free(r.unknown);
    knobx_buf_free(&r.cut);
    return rc;
}

/* The options, the state block and the handle: what a failed create and a free (after
 * fini) both release. */
static void release(knob__plugin *h)
{
    knob__options_free(h->head.options, h->state);
    free(h->state);
    free(h);
}

int knob__plugin_create(const knob__plugin_kind *k, const void *table, const char *options,
                        const char *const *keys, const char *const *values, size_t n,
                        knob__plugin **out)
{
    if (!out || (n && (!keys || !values)))
        return knob__error(KNOB_EINVAL, "knob_%s_create: NULL argument", k->noun);
    int rc = knob__plugin_check(k, table);
    if (rc)
        return rc;
    knob__plugin_head head = k->head(table);
    knob__plugin *h = calloc(1, sizeof *h + k->view_size);
    if (!h || !(h->state = calloc(1, head.state_size ? head.state_size : 1))) {
        free(h);
        return knob__oom(k->noun);
    }
    h->kind = k;
    h->table = table;
    h->head = head;
    h->seed = k->takes_seed ? knob__seed_from_os() : 0;
    snprintf(h->who, sizeof h->who, "%s '%s'", k->noun, head.name);
    rc = knob__options_defaults(head.options, h->state, h->who);
    if (!rc)
        rc = read_options(h, options);
    for (size_t i = 0; !rc && i < n; i++)
        rc = keys[i] && values[i] ? knob__plugin_set_option(h, keys[i], values[i])
                                  : knob__error(KNOB_EINVAL, "%s: option %zu is NULL", h->who, i);
    if (!rc && head.init) {
        knob__kept_error kept;
        knob__plugin_call_begin(&kept);
        rc = knob__plugin_call_end(&kept, head.init(h->state), k->noun, head.name, "init");
    }
    if (rc) {
        release(h);
        return rc;
    }
    *out = h;
    return KNOB_OK;
}

int knob__plugin_create_named(const knob__plugin_kind *k, const char *name, const char *options,
                              const char *const *keys, const char *const *values, size_t n,
                              knob__plugin **out)
{
    if (!name)
        return knob__error(KNOB_EINVAL, "knob_%s_create: name is NULL", k->noun);
    const void *table = knob__registry_find(k, name);
    if (table)
        return knob__plugin_create(k, table, options, keys, values, n, out);
    char names[512] = "";
    size_t used = 0;
    for (size_t i = 0; (table = knob__registry_at(k, i)) && used < sizeof names; i++) {
        int w =
            snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", k->head(table).name);
        used += w > 0 ? (size_t)w : 0;
    }
    return knob__error(KNOB_EINVAL, "unknown %s '%s' (%ss: %s)", k->noun, name, k->noun, names);
}

void knob__plugin_free(knob__plugin *h)
{
    if (!h)
        return;
    if (h->head.fini)
        h->head.fini(h->state);
    release(h);
}

/* ---------------------------------------------------------------- samplers */

/* The view's fields mirror the handle's; study.c and trial.c read them. */
static knob_sampler *sampler_view(knob__plugin *h)
{
    knob_sampler *s = knob__plugin_view(h);
    s->plugin = h->table;
    s->state = h->state;
    s->seed = h->seed;
    return s;
}

static int sampler_made(int rc, knob__plugin *h, knob_sampler **out)
{
    if (!rc)
        *out = sampler_view(h);
    return rc;
}

int knob_sampler_create(const char *name, const char *options, knob_sampler **out)
{
    knob__plugin *h = NULL;
    int rc = knob__plugin_create_named(&knob__sampler_kind, name, options, NULL, NULL, 0,
                                       out ? &h : NULL);
    return sampler_made(rc, h, out);
}

int knob_sampler_create_pairs(const char *name, const char *const *keys, const char *const *values,
                              size_t n, knob_sampler **out)
{
    knob__plugin *h = NULL;
    int rc = knob__plugin_create_named(&knob__sampler_kind, name, NULL, keys, values, n,
                                       out ? &h : NULL);
    return sampler_made(rc, h, out);
}

int knob_sampler_create_plugin(const knob_sampler_plugin *plugin, const char *options,
                               knob_sampler **out)
{
    knob__plugin *h = NULL;
    int rc =
        knob__plugin_create(&knob__sampler_kind, plugin, options, NULL, NULL, 0, out ? &h : NULL);
    return sampler_made(rc, h, out);
}

void knob_sampler_free(knob_sampler *s)
{
    if (s)
        knob__plugin_free(knob__plugin_of(s));
}

int knob_sampler_set_option(knob_sampler *s, const char *key, const char *value)
{
    if (!s || !key || !value)
        return knob__error(KNOB_EINVAL, "knob_sampler_set_option: NULL argument");
    knob__plugin *h = knob__plugin_of(s);
    int rc = knob__plugin_set_option(h, key, value);
    sampler_view(h);
    return rc;
}

const char *knob_sampler_name(const knob_sampler *s)
{
    return s ? knob__plugin_of(s)->head.name : NULL;
}

uint64_t knob_sampler_seed(const knob_sampler *s)
{
    return s ? knob__plugin_of(s)->seed : 0;
}

void *knob_sampler_state(knob_sampler *s)
{
    return s ? knob__plugin_of(s)->state : NULL;
}

int knob_sampler_register(const knob_sampler_plugin *plugin)
{
    int rc = knob__plugin_check(&knob__sampler_kind, plugin);
    return rc ? knob__error_prefix(rc, "knob_sampler_register")
              : knob__registry_add(&knob__sampler_kind, plugin);
}

size_t knob_sampler_list(const knob_sampler_plugin **out, size_t cap)
{
    size_t n = 0;
    for (const void *p; (p = knob__registry_at(&knob__sampler_kind, n)); n++)
        if (out && n < cap)
            out[n] = p;
    return n;
}

/* ---------------------------------------------------------------- pruners */

static knob_pruner *pruner_view(knob__plugin *h)
{
    knob_pruner *p = knob__plugin_view(h);
    p->plugin = h->table;
    p->state = h->state;
    return p;
}

static int pruner_made(int rc, knob__plugin *h, knob_pruner **out)
{
    if (!rc)
        *out = pruner_view(h);
    return rc;
}

int knob_pruner_create(const char *name, const char *options, knob_pruner **out)
{
    knob__plugin *h = NULL;
    int rc = knob__plugin_create_named(&knob__pruner_kind, name, options, NULL, NULL, 0,
                                       out ? &h : NULL);
    return pruner_made(rc, h, out);
}

int knob_pruner_create_pairs(const char *name, const char *const *keys, const char *const *values,
                             size_t n, knob_pruner **out)
{
    knob__plugin *h = NULL;
    int rc =
        knob__plugin_create_named(&knob__pruner_kind, name, NULL, keys, values, n, out ? &h : NULL);
    return pruner_made(rc, h, out);
}

int knob_pruner_create_plugin(const knob_pruner_plugin *plugin, const char *options,
                              knob_pruner **out)
{
    knob__plugin *h = NULL;
    int rc =
        knob__plugin_create(&knob__pruner_kind, plugin, options, NULL, NULL, 0, out ? &h : NULL);
    return pruner_made(rc, h, out);
}

void knob_pruner_free(knob_pruner *p)
{
    if (p)
        knob__plugin_free(knob__plugin_of(p));
}

int knob_pruner_set_option(knob_pruner *p, const char *key, const char *value)
{
    if (!p || !key || !value)
        return knob__error(KNOB_EINVAL, "knob_pruner_set_option: NULL argument");
    return knob__plugin_set_option(knob__plugin_of(p), key, value);
}

int knob_pruner_register(const knob_pruner_plugin *plugin)
{
    int rc = knob__plugin_check(&knob__pruner_kind, plugin);
    return rc ? knob__error_prefix(rc, "knob_pruner_register")
              : knob__registry_add(&knob__pruner_kind, plugin);
}

size_t knob_pruner_list(const knob_pruner_plugin **out, size_t cap)
{
    size_t n = 0;
    for (const void *p; (p = knob__registry_at(&knob__pruner_kind, n)); n++)
        if (out && n < cap)
            out[n] = p;
    return n;
}

int64_t knob_pruner_bracket(knob_pruner *p, knob_study *s, int64_t number)
{
    if (!p || !s || !p->plugin->bracket)
        return -1;
    return p->plugin->bracket(p->state, s, number);
}

int knob_pruner_prune(knob_pruner *p, knob_study *s, knob_trial *t, bool *out)
{
    if (!p || !s || !t || !out)
        return knob__error(KNOB_EINVAL, "knob_pruner_prune: NULL argument");
    *out = false;
    if (p->plugin == &knob__pruner_none)
        return KNOB_OK;
    /* The latest report was NaN or an infinite loss (knob_trial_report): a diverged run. */
    if (t->diverged && (!t->n_inter || t->diverged - 1 > t->inter[t->n_inter - 1].step) &&
        t->diverged > t->unbounded) {
        *out = true;
        return KNOB_OK;
    }
    /* The latest report was an infinity on the winning side: the best a trial can report,
     * which no pruner but the threshold (whose bounds are values) stops. */
    if (t->unbounded && (!t->n_inter || t->unbounded - 1 > t->inter[t->n_inter - 1].step) &&
        t->unbounded > t->diverged && strcmp(p->plugin->name, "threshold") != 0)
        return KNOB_OK;
    knob__kept_error k;
    knob__plugin_call_begin(&k);
    int rc = p->plugin->prune(p->state, s, t, out);
    return knob__plugin_call_end(&k, rc, "pruner", p->plugin->name, "prune");
}
