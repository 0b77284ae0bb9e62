/* Studies: create or load, ask and tell, the best trials, attributes. */
#include "math/nondominated.h"
#include "space.h"
#include "study.h"
#include "util/url.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir_name(knob_direction d)
{
    return d == KNOB_MAXIMIZE ? "maximize" : "minimize";
}

const char *knob__state_word(knob_trial_state state)
{
    return state == KNOB_TRIAL_FAIL ? "failed" : knob_trial_state_str(state);
}

static void dirs_text(char *buf, size_t size, const knob_direction *d, size_t n)
{
    size_t used = 0;
    snprintf(buf, size, "%s", n ? "" : "no objective");
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", dir_name(d[i]));
}

static int check_dirs(const knob_direction *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d[i] != KNOB_MINIMIZE && d[i] != KNOB_MAXIMIZE)
            return knob__error(KNOB_EINVAL,
                               "direction %zu is %d, not KNOB_MINIMIZE or "
                               "KNOB_MAXIMIZE",
                               i, (int)d[i]);
    return KNOB_OK;
}

/* The options' numbers, each refused by name where it has no meaning: a NaN or a negative
 * interval (a setting read wrong) would turn heartbeats off without a word, and an infinite
 * grace would never fail a silent trial. */
static int check_numbers(const char *name, const knob_study_options *o)
{
    static const char *const what[2] = {"heartbeat_interval", "grace_period"};
    static const char *const zero[2] = {"no heartbeats", "2 x heartbeat_interval"};
    const double x[2] = {o->heartbeat_interval, o->grace_period};
    for (int i = 0; i < 2; i++)
        if (!(x[i] >= 0 && isfinite(x[i])))
            return knob__error(KNOB_EINVAL,
                               "study '%s': %s is %g; it is a number of seconds, finite and "
                               ">= 0 (0: %s)",
                               name, what[i], x[i], zero[i]);
    if (o->max_trials < 0)
        return knob__error(KNOB_EINVAL, "study '%s': max_trials is %lld; it is >= 0 (0: no limit)",
                           name, (long long)o->max_trials);
    return KNOB_OK;
}

/* Takes ownership of the sampler and pruner in opts (or makes the defaults). */
static int study_alloc(knob_storage *st, const char *name, const knob_study_options *opts,
                       knob_study **out)
{
    knob_sampler *sampler = opts ? opts->sampler : NULL;
    knob_pruner *pruner = opts ? opts->pruner : NULL;
    int rc = opts ? check_numbers(name, opts) : KNOB_OK;
    knob_study *s = rc ? NULL : calloc(1, sizeof *s);
    if (rc)
        goto fail;
    if (!s || !(s->name = knob__strdup(name))) {
        rc = knob__oom("study");
        goto fail;
    }
    if (!sampler && (rc = knob_sampler_create("random", NULL, &sampler)))
        goto fail;
    if (!pruner && (rc = knob_pruner_create("none", NULL, &pruner)))
        goto fail;
    s->st = st;
    s->sampler = sampler;
    s->pruner = pruner;
    s->view.best = -1;
    if (opts) {
        s->heartbeat_interval = opts->heartbeat_interval;
        s->grace_period = opts->grace_period > 0 ? opts->grace_period : 2 * s->heartbeat_interval;
        s->max_retry = opts->max_retry > 0 ? opts->max_retry : 0;
        s->max_trials = opts->max_trials > 0 ? opts->max_trials : 0;
        s->infinite_values = opts->infinite_values;
    }
    *out = s;
    return KNOB_OK;
fail:
    knob_sampler_free(sampler);
    knob_pruner_free(pruner);
    if (s)
        free(s->name);
    free(s);
    return rc;
}

static int check_name(knob_storage *st, const char *name, knob_study **out)
{
    if (!st || !name || !out)
        return knob__error(KNOB_EINVAL, "study: NULL argument");
    if (!name[0])
        return knob__error(KNOB_EINVAL, "a study needs a non-empty name");
    if (!knobx_utf8_valid(name))
        return knob__error(KNOB_EINVAL, "study name '%s' is not valid UTF-8", name);
    return KNOB_OK;
}

static void drop_opts(const knob_study_options *opts)
{
    if (opts) {
        knob_sampler_free(opts->sampler);
        knob_pruner_free(opts->pruner);
    }
}

/* A pruner's `objective` past the study's objectives would fail the first trial that asks
 * whether to stop, its work lost: refused where the study is opened with it. A study without
 * an objective (no_objective) has no values to prune by, and is not checked. */
static int check_pruner(const char *name, const knob_pruner *p, size_t n_dirs)
{
    int64_t obj = knob__pruner_objective(p);
    if (!n_dirs || (obj >= 0 && (uint64_t)obj < n_dirs))
        return KNOB_OK;
    return knob__error(KNOB_EINVAL,
                       "study '%s': pruner '%s' has option objective=%" PRId64
                       ", but the study has %zu objective(s), numbered from 0",
                       name, p->plugin->name, obj, n_dirs);
}

/* knob_study_create, and knob_study_create_new when !load: a study of the name that exists
 * is then KNOB_EEXIST, not loaded. */
static int create(knob_storage *st, const char *name, const knob_study_options *opts, bool load,
                  knob_study **out)
{
    static const knob_direction minimize = KNOB_MINIMIZE;
    const knob_direction *dirs = opts && opts->n_objectives ? opts->directions : &minimize;
    size_t n_dirs = opts && opts->n_objectives ? opts->n_objectives : 1;
    if (opts && opts->no_objective)
        n_dirs = 0;
    int rc = check_name(st, name, out);
    if (!rc && !dirs)
        rc = knob__error(KNOB_EINVAL, "study '%s': n_objectives is %zu but directions is NULL",
                         name, n_dirs);
    /* Directions without their count would be read as one minimized objective: a
     * maximized study would silently minimize. */
    if (!rc && opts && !opts->no_objective && opts->directions && !opts->n_objectives)
        rc = knob__error(KNOB_EINVAL,
                         "study '%s': directions is given but n_objectives is 0 (set it to "
                         "the number of directions)",
                         name);
    if (!rc)
        rc = check_dirs(dirs, n_dirs);
    if (!rc && opts && opts->pruner)
        rc = check_pruner(name, opts->pruner, n_dirs);
    if (rc) {
        drop_opts(opts);
        return rc;
    }
    knob_study *s;
    if ((rc = study_alloc(st, name, opts, &s)))
        return rc;
    rc = knob__store_create_study(st, name, dirs, n_dirs, &s->id);
    if (rc == KNOB_EEXIST && !load) {
        rc = knob__error(KNOB_EEXIST, "study '%s' exists", name);
    } else if (rc == KNOB_EEXIST) {
        rc = knob__store_find_study(st, name, &s->id, &s->dirs, &s->n_dirs);
        if (!rc &&
            (s->n_dirs != n_dirs || (n_dirs && memcmp(s->dirs, dirs, n_dirs * sizeof *dirs)))) {
            char have[256], want[256];
            dirs_text(have, sizeof have, s->dirs, s->n_dirs);
            dirs_text(want, sizeof want, dirs, n_dirs);
            rc = knob__error(KNOB_EINVAL, "study '%s' exists with directions [%s], not [%s]", name,
                             have, want);
        }
    } else if (!rc) {
        if ((s->dirs = malloc((n_dirs ? n_dirs : 1) * sizeof *dirs))) {
            memcpy(s->dirs, dirs, n_dirs * sizeof *dirs);
            s->n_dirs = n_dirs;
        } else {
            rc = knob__oom("study directions");
        }
    }
    /* The trials are read when something first needs them (an ask, a list, the best):
     * a process that only tells a trial never reads a study of 100,000. */
    if (rc) {
        knob_study_free(s);
        return rc;
    }
    *out = s;
    return KNOB_OK;
}

int knob_study_create(knob_storage *st, const char *name, const knob_study_options *opts,
                      knob_study **out)
{
    return create(st, name, opts, true, out);
}

int knob_study_create_new(knob_storage *st, const char *name, const knob_study_options *opts,
                          knob_study **out)
{
    return create(st, name, opts, false, out);
}

int knob_study_load(knob_storage *st, const char *name, const knob_study_options *opts,
                    knob_study **out)
{
    int rc = check_name(st, name, out);
    if (rc) {
        drop_opts(opts);
        return rc;
    }
    knob_study *s;
    if ((rc = study_alloc(st, name, opts, &s)))
        return rc;
    rc = knob__store_find_study(st, name, &s->id, &s->dirs, &s->n_dirs);
    if (!rc)
        rc = check_pruner(name, s->pruner, s->n_dirs);
    if (rc) {
        knob_study_free(s);
        return rc;
    }
    *out = s;
    return KNOB_OK;
}

void knob_study_free(knob_study *s)
{
    if (!s)
        return;
    knob_storage *own = s->own_st;
    /* Trials still open keep their handles (the caller's), without the study: their params
     * go to the storage as knob_trial_detach writes them, and then the handle lets go of
     * what the study owns (interned names and distributions); calls on it are refused. */
    for (size_t i = 0; i < s->n_open; i++) {
        knob_trial *t = s->open[i];
        knob__trial_flush_params(t); /* a failure leaves them unwritten; nothing to report */
        t->s = NULL;
        t->n_params = t->n_written = t->n_proposals = 0;
    }
    knob__view_free(&s->view);
    knob_sampler_free(s->sampler);
    knob_pruner_free(s->pruner);
    free(s->dirs);
    free(s->name);
    free(s->attr_value);
    free(s->front);
    free(s->hv_history);
    free(s->open);
    free(s->detached);
    knobx_json_free(s->fixed);
    free(s);
    knob_storage_close(own);
}

/* Whether url opens the storage `st` was opened from (knobx_same_storage): the same SQLite
 * file, its path as it was when st was opened (the process may have changed directory
 * since), or the same PostgreSQL URL ("memory:" opens a new storage, never this one). */
static bool same_storage(const knob_storage *st, const char *url)
{
    return knobx_same_storage(st->abs_url ? st->abs_url : st->url, url);
}

int knob_study_open_related(knob_study *s, const char *name, const char *url, knob_study **out)
{
    if (!s || !name || !out)
        return knob__error(KNOB_EINVAL, "knob_study_open_related: NULL argument");
    bool own = url && url[0];
    knob_storage *st = s->st, *opened = NULL;
    knob_study *r = NULL;
    char path[4096];
    struct stat info;
    int rc = KNOB_OK;
    /* a related study is read, never made: a SQLite file that is not there is not created
     * (an empty one would be left behind, and the next look would find a storage), and an
     * empty file (SQLite's empty database) is not made a storage */
    bool file = own && knobx_sqlite_path(url, path, sizeof path);
    bool seen = file && stat(path, &info) == 0;
    bool absent = file && !seen && errno == ENOENT; /* before getcwd sets errno */
    char cwd[4096];
    /* a relative path is the working directory's (not the sweep's nor the script's): the
     * message says which directory that was */
    if (absent && path[0] != '/' && getcwd(cwd, sizeof cwd))
        rc = knob__error(KNOB_ENOTFOUND, "no file '%s' in %s", path, cwd);
    else if (absent)
        rc = knob__error(KNOB_ENOTFOUND, "no file '%s'", path);
    else if (seen && S_ISREG(info.st_mode) && info.st_size == 0)
        rc = knob__error(KNOB_ENOTFOUND, "'%s' is an empty file, not a storage", path);
    /* the study itself is no other study: its own trials would count twice */
    else if (strcmp(name, s->name) == 0 && (!own || same_storage(st, url)))
        rc = knob__error(KNOB_EINVAL, "it is this study itself");
    if (!rc && own)
        rc = knob_storage_open(url, &opened);
    if (!rc)
        rc = knob_study_load(own ? opened : st, name, NULL, &r);
    if (!rc && own && strcmp(name, s->name) == 0 && knob__store_same(st, opened, &rc))
        rc = knob__error(KNOB_EINVAL, "it is this study itself");
    if (rc) {
        knob_study_free(r);
        r = NULL;
        knob_storage_close(opened);
        char *shown = knobx_redact_url(own ? url : st->url);
        knob__error_prefix(rc, "study '%s' in storage '%s'", name, shown ? shown : "?");
        free(shown);
        return rc;
    }
    r->own_st = opened;
    *out = r;
    return KNOB_OK;
}

const char *knob_study_name(const knob_study *s)
{
    return s ? s->name : NULL;
}

size_t knob_study_n_objectives(const knob_study *s)
{
    return s ? s->n_dirs : 0;
}

knob_direction knob_study_direction(const knob_study *s, size_t i)
{
    /* an objective the study does not have has no direction: KNOB_MINIMIZE here turned a
     * caller's wrong index into a silently minimized objective */
    return s && i < s->n_dirs ? s->dirs[i] : KNOB_DIRECTION_NOT_SET;
}

knob_sampler *knob_study_sampler(knob_study *s)
{
    return s ? s->sampler : NULL;
}

knob_pruner *knob_study_pruner(knob_study *s)
{
    return s ? s->pruner : NULL;
}

/* ---------------------------------------------------------------- ask */

static int load_fixed(knob_trial *t, bool popped)
{
    const knob_trial_info *info = knob__view_trial(&t->s->view, t->number);
    /* the user attributes it was enqueued with (knob_study_add_trial), as Optuna's trial
     * has them */
    int rc = knob__trial_keep_user_attrs(t, info);
    /* and a popped trial's system attributes, to read (fixed_params, retry_of); a trial
     * opened by number has them all from knob__trial_load */
    if (!rc && popped)
        rc = knob__trial_keep_stored(t, info);
    const char *json = knob_trial_info_attr(info, "fixed_params", true);
    if (rc || !json)
        return rc;
    t->fixed = knobx_json_parse(json, (size_t)-1, NULL, 0);
    if (!t->fixed && knobx_json_check(json) <= 0)
        return knob__oom("fixed params");
    if (!t->fixed || t->fixed->type != KNOBX_JSON_OBJECT)
        return knob__error(KNOB_ECORRUPT, "study '%s': trial %lld has unreadable fixed params",
                           t->s->name, (long long)t->number);
    return KNOB_OK;
}

static int remember(knob_study *s, knob_trial *t)
{
    if (knob__grow(&s->open, &s->cap_open, s->n_open + 1, sizeof *s->open))
        return knob__oom("open trials");
    s->open[s->n_open++] = t;
    return KNOB_OK;
}

void knob__study_forget(knob_study *s, knob_trial *t)
{
    /* the first asked trial leaves: the sampler's state is as it sampled it (a failed
     * ask's trial has no number and saves nothing) */
    if (s->state_save && t->number >= 0)
        knob__sampler_state_save(s);
    for (size_t i = 0; i < s->n_open; i++) {
        if (s->open[i] == t) {
            s->open[i] = s->open[--s->n_open];
            return;
        }
    }
}

/* A sampler with none of the methods that see a trial before its params are drawn, or
 * after it ends (random search), takes nothing from the study at an ask: whatever its
 * sample_independent reads, it reads through knob_study_trials. */
static bool reads_no_trials(const knob_sampler_plugin *sp)
{
    return !sp->before_trial && !sp->sample_relative && !sp->after_trial && !sp->save_state &&
           !sp->load_state;
}

/* Takes the oldest enqueued trial into t (*queued), or with `or_create` a new one when none
 * waits, and reads it; *taken: what a trial taken from the queue held, to put it back as it
 * was should the ask fail after this. A retry that need not run (knob__retry_unneeded: the
 * trial it runs again was finished by its worker after all, late) is failed, saying so, and
 * the next is taken. */
/* With heartbeats, the first beat of a trial that turns RUNNING (made, or taken from the
 * queue) goes in the same write: a worker killed between two writes left a RUNNING trial
 * without one, which no failer of silent trials takes (heartbeat.c), for good. *beat: the
 * attribute (its text in json), and how many (0 without heartbeats); *now its time. */
static size_t first_beat(const knob_study *s, char json[40], knob_attr *beat, double *now)
{
    *now = knob__now();
    snprintf(json, 40, "%.6f", *now);
    *beat = (knob_attr){"heartbeat", json};
    return s->heartbeat_interval > 0;
}

static int create_running(knob_study *s, knob_trial *t)
{
    char json[40];
    knob_attr beat;
    double now;
    size_t n = first_beat(s, json, &beat, &now);
    int rc = knob__store_new_trial(s, KNOB_TRIAL_RUNNING, n ? &beat : NULL, n, &t->id, &t->number);
    if (!rc && n)
        t->last_beat = now;
    return rc;
}

static int pop(knob_study *s, knob_trial *t, bool or_create, bool *queued, knob__taken **taken)
{
    for (;;) {
        char json[40];
        knob_attr beat;
        double now;
        /* pop_or_create serves studies without heartbeats only (ask's `lean`) */
        size_t n = or_create ? 0 : first_beat(s, json, &beat, &now);
        int rc = or_create ? knob__store_pop_or_create(s, &t->id, &t->number, queued)
                           : knob__store_pop_waiting(s, &beat, n, &t->id, &t->number, queued);
        if (!rc && *queued && n)
            t->last_beat = now;
        if (rc || !*queued || (rc = knob__view_sync(s)))
            return rc;
        const knob_trial_info *info = knob__view_trial(&s->view, t->number);
        int64_t of;
        if (!info || !knob__retry_unneeded(s, info, &of)) {
            rc = load_fixed(t, true);
            return rc || !info ? rc : knob__taken_copy(info, taken);
        }
        char why[160];
        snprintf(why, sizeof why,
                 "not run: trial %lld, which it was to run again, was finished by its own "
                 "worker after all",
                 (long long)of);
        if ((rc = knob__store_fail(s, t->id, why, "retry_unneeded")))
            return rc;
        t->id = t->number = -1;
        *queued = false;
    }
}

/* How many of the trials this handle let go (knob_trial_detach) are running, as the view
 * has them; those that are not any more are forgotten. */
static size_t detached_running(knob_study *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n_detached; i++) {
        const knob_trial_info *info = knob__view_trial(&s->view, s->detached[i]);
        if (info && info->state == KNOB_TRIAL_RUNNING)
            s->detached[k++] = s->detached[i];
    }
    return s->n_detached = k;
}

/* After an ask that failed with rc once its trial's row existed (t->id): a trial it took from
 * the queue (taken) goes back there as it was, so that the configuration enqueued runs at the
 * next ask that works (a sampler's options set right); one it made is failed with the reason,
 * so no trial is left RUNNING. Either keeps the ask's message. Frees t. */
static void ask_failed(knob_study *s, knob_trial *t, const knob__taken *taken, int rc)
{
    char why[512];
    snprintf(why, sizeof why, "%s", knob_errmsg());
    /* A storage error too may put the trial back: the write changes nothing unless the trial
     * is still this take's (RUNNING, with its start time), and undoes whatever the ask wrote,
     * even a write that failed without telling whether it was done. A storage still out
     * refuses it as well, and the trial is left RUNNING, as one the ask made is (not failed:
     * the storage is what failed, and a failer of stale trials takes it, where heartbeats
     * are on); not trying left the enqueued trial RUNNING with no one to run it, for good. */
    int back = t->id >= 0 && taken ? knob__store_requeue(s, t->id, taken) : KNOB_EUNSUPPORTED;
    /* KNOB_ESTATE: no longer this take's (a failer found it stale, or it was told by number) */
    if (t->id >= 0 && back && back != KNOB_ESTATE && rc != KNOB_ESTORAGE)
        knob__store_fail(s, t->id, why, NULL);
    knob__error(rc, "%s", why);
    knob__trial_free(t);
}

/* knob_study_ask, and with a key knob_study_ask_claimed: the new trial's row is created
 * with the claim of `claim`, its system attributes and its first heartbeat in one write. */
static int ask(knob_study *s, const char *claim, const knob_attr *attrs, size_t n_attrs,
               knob_trial **out, bool *won)
{
    *out = NULL;
    /* The params of trials still open in this process go to the storage first, so the
     * sampler sees them (constant liar, for one). A trial finished meanwhile through another
     * handle refuses them (KNOB_ESTATE): they are lost, as knob.h says, and the handle's own
     * calls say so; the ask goes on. */
    for (size_t i = 0; i < s->n_open; i++) {
        int frc = knob__trial_flush_params(s->open[i]);
        if (frc && frc != KNOB_ESTATE)
            return frc;
    }
    const knob_sampler_plugin *sp = s->sampler->plugin;
    knob_trial *t = knob__trial_new(s);
    if (!t)
        return knob__oom("trial");
    bool queued = false;
    knob__taken *taken = NULL;
    /* A handle's first ask without heartbeats (knob ask: one trial per process) reads no
     * trials unless its sampler does: it looks for an enqueued trial in the storage
     * instead of in the study's trials, so it costs the same at 100,000 trials as at 10. */
    bool first = !s->view.loaded && !s->asked && s->heartbeat_interval <= 0;
    /* So does every ask of a sampler that reads no trials, where the storage takes an
     * enqueued trial or else makes a new one in one round trip (pop_or_create): with many
     * workers, reading what the others changed since the last ask was most of a random
     * search's trial on PostgreSQL. A sampler reads what it needs through
     * knob_study_trials, which reads what changed first. */
    bool lean =
        s->heartbeat_interval <= 0 && reads_no_trials(sp) && knob__store_has_pop_or_create(s);
    bool unread = first || lean, fused = lean && !claim;
    s->asked = true;
    if (first)
        knob__sampler_state_load(s);
    int rc = unread ? KNOB_OK : knob__view_sync(s);
    if (!rc && s->heartbeat_interval > 0 && !(rc = knob__fail_stale(s)))
        rc = knob__view_sync(s);
    /* a running trial but those this handle let go (another worker's, whose samplers read
     * this handle's trials too; another of this handle's open: threads, a batch): judged at
     * each ask, from the trials as the sync read them */
    if (!rc)
        s->params_at_once = !unread && s->view.n_running > detached_running(s);
    /* Enqueued trials are seen by the sync; one enqueued since then waits a turn. A
     * claimed trial is always a new one. */
    if (!rc && !claim && !fused && (unread || s->view.n_waiting))
        rc = pop(s, t, false, &queued, &taken);
    if (!rc && fused) /* no before_trial: the trial can be made now */
        rc = pop(s, t, true, &queued, &taken);
    /* The sampler prepares the trial before its row exists, so an exhausted search
     * space leaves no empty trial behind. A queued trial runs whatever it says. */
    if (!rc && sp->before_trial) {
        knob__kept_error k;
        knob__plugin_call_begin(&k);
        rc = sp->before_trial(s->sampler->state, s, t);
        if (rc == KNOB_EDONE && queued)
            rc = KNOB_OK;
        rc = knob__plugin_call_end(&k, rc, "sampler", sp->name, "before_trial");
    }
    if (!rc && claim) {
        /* the caller's attributes join the sampler's, and the first heartbeat, in the
         * trial's handle and in its creation */
        for (size_t i = 0; !rc && i < n_attrs; i++)
            rc = knob_trial_set_system_attr(t, attrs[i].key, attrs[i].json);
        char json[40];
        knob_attr beat;
        double now;
        if (!rc && first_beat(s, json, &beat, &now) &&
            !(rc = knob_trial_set_system_attr(t, beat.key, beat.json)))
            t->last_beat = now;
        if (!rc)
            rc = knob__store_new_trial_claimed(s, claim, t->attrs[1], t->n_attrs[1], won, &t->id,
                                               &t->number);
        if (!rc && !*won) {
            knob__trial_free(t);
            return KNOB_OK;
        }
    } else if (!rc) {
        /* with heartbeats, its first beat written with it (first_beat) */
        if (!queued && !fused)
            rc = create_running(s, t);
        if (!rc)
            rc = knob__trial_flush_attrs(t);
    }
    if (!rc && sp->sample_relative) {
        knob__kept_error k;
        knob__plugin_call_begin(&k);
        rc = sp->sample_relative(s->sampler->state, s, t);
        rc = knob__plugin_call_end(&k, rc, "sampler", sp->name, "sample_relative");
    }
    /* the first beat was written before the sampler ran: a sampler slower than the beats
     * (a model over a long history) would leave the trial to other workers as stale */
    if (!rc && s->heartbeat_interval > 0 && t->id >= 0 &&
        knob__now() - t->last_beat >= s->heartbeat_interval)
        rc = knob_trial_heartbeat(t);
    if (!rc)
        rc = remember(s, t);
    if (rc)
        ask_failed(s, t, taken, rc);
    else
        *out = t;
    knob__taken_free(taken);
    return rc;
}

int knob_study_ask(knob_study *s, knob_trial **out)
{
    if (!s || !out)
        return knob__error(KNOB_EINVAL, "knob_study_ask: NULL argument");
    bool won;
    return ask(s, NULL, NULL, 0, out, &won);
}

int knob_study_trials_left(knob_study *s, int64_t *left)
{
    if (!s || !left)
        return knob__error(KNOB_EINVAL, "knob_study_trials_left: NULL argument");
    const knob_sampler_plugin *sp = s->sampler->plugin;
    /* a table of version 3 ends at load_state: nothing past it is read */
    int (*fn)(void *, knob_study *, int64_t *) = sp->version >= 4 ? sp->trials_left : NULL;
    if (!fn)
        return knob__error(KNOB_EUNSUPPORTED,
                           "knob_study_trials_left: sampler '%s' does not say how many trials "
                           "it runs (it has no end, or does not count them)",
                           sp->name);
    int64_t n = -1;
    knob__kept_error k;
    knob__plugin_call_begin(&k);
    int rc = fn(s->sampler->state, s, &n);
    if (!rc && n < 0)
        rc = knob__error(KNOB_EINVAL, "sampler '%s': trials_left gave %lld (a count is 0 or more)",
                         sp->name, (long long)n);
    rc = knob__plugin_call_end(&k, rc, "sampler", sp->name, "trials_left");
    /* max_trials counts every trial the study holds, the waiting ones too: those all run,
     * and new ones only while the study holds fewer than max_trials */
    const knob_trial_info *const *trials;
    size_t n_trials = 0;
    if (!rc && s->max_trials > 0 && !(rc = knob_study_trials(s, &trials, &n_trials))) {
        int64_t waiting = 0;
        for (size_t i = 0; i < n_trials; i++)
            waiting += trials[i]->state == KNOB_TRIAL_WAITING;
        int64_t room = s->max_trials - (int64_t)n_trials;
        int64_t most = waiting + (room > 0 ? room : 0);
        n = n < most ? n : most;
    }
    if (!rc)
        *left = n;
    return rc;
}

int knob_study_ask_claimed(knob_study *s, const char *key, const knob_attr *attrs, size_t n_attrs,
                           knob_trial **out, bool *won)
{
    if (out)
        *out = NULL;
    if (won)
        *won = false;
    if (!s || !key || !out || !won || (n_attrs && !attrs))
        return knob__error(KNOB_EINVAL, "knob_study_ask_claimed: NULL argument");
    if (!key[0])
        return knob__error(KNOB_EINVAL, "knob_study_ask_claimed: the key is empty");
    for (size_t i = 0; i < n_attrs; i++) {
        if (!attrs[i].key || !attrs[i].key[0] || !attrs[i].json)
            return knob__error(KNOB_EINVAL,
                               "knob_study_ask_claimed: attribute %zu has a NULL or empty key "
                               "or value",
                               i);
        int bad = knob__attr_json_check(attrs[i].key, attrs[i].json);
        if (bad)
            return bad == KNOB_EINVAL ? knob__error_prefix(bad, "knob_study_ask_claimed") : bad;
    }
    return ask(s, key, attrs, n_attrs, out, won);
}

int knob_study_open_trial(knob_study *s, int64_t number, knob_trial **out)
{
    if (out)
        *out = NULL;
    if (!s || !out)
        return knob__error(KNOB_EINVAL, "knob_study_open_trial: NULL argument");
    int rc = knob__view_sync(s);
    if (rc)
        return rc;
    const knob_trial_info *info = knob__view_trial(&s->view, number);
    if (!info)
        return knob__error(KNOB_ENOTFOUND, "study '%s' has no trial %lld", s->name,
                           (long long)number);
    if (info->state == KNOB_TRIAL_WAITING)
        return knob__error(KNOB_ESTATE,
                           "study '%s': trial %lld is waiting (enqueued, not asked yet): a "
                           "trial is opened once it has been asked",
                           s->name, (long long)number);
    if (info->state != KNOB_TRIAL_RUNNING && !knob__trial_lost(info))
        return knob__error(KNOB_ESTATE, "study '%s': trial %lld is already %s", s->name,
                           (long long)number, knob__state_word(info->state));
    knob_trial *t = knob__trial_new(s);
    if (!t)
        return knob__oom("trial");
    rc = knob__trial_load(t, info);
    if (!rc)
        rc = load_fixed(t, false);
    if (!rc)
        rc = remember(s, t);
    if (rc) {
        knob__trial_free(t);
        return rc;
    }
    *out = t;
    return KNOB_OK;
}

int knob_study_adopt_trial(knob_study *s, knob_trial *t)
{
    if (!s || !t)
        return knob__error(KNOB_EINVAL, "knob_study_adopt_trial: NULL argument");
    knob_study *from = t->s;
    if (!from)
        return knob__error(KNOB_ESTATE,
                           "knob_study_adopt_trial: trial %lld was left open when its study "
                           "was freed",
                           (long long)t->number);
    if (from == s)
        return KNOB_OK;
    if (from->st != s->st)
        return knob__error(KNOB_EINVAL,
                           "knob_study_adopt_trial: trial %lld of study '%s' was asked or "
                           "opened through another storage handle than the study handle on "
                           "'%s' given: a trial handle moves only between handles of one "
                           "storage handle (open the trial through this one with "
                           "knob_study_open_trial)",
                           (long long)t->number, from->name, s->name);
    if (from->id != s->id)
        return knob__error(KNOB_EINVAL,
                           "knob_study_adopt_trial: trial %lld is of study '%s', not of the "
                           "study '%s'",
                           (long long)t->number, from->name, s->name);
    /* The names and distributions of its params and proposals are interned in the view of
     * the handle it leaves, freed with it: interned in that of `s` first, all of them, so
     * that a failure leaves `t` as it was. */
    size_t n = t->n_params + t->n_proposals;
    const void **moved = n ? malloc(2 * n * sizeof *moved) : NULL;
    if (n && !moved)
        return knob__oom("trial");
    for (size_t i = 0; i < n; i++) {
        const char *name = i < t->n_params ? t->params[i].name : t->proposals[i - t->n_params].name;
        const knob_distribution *d =
            i < t->n_params ? t->params[i].dist : t->proposals[i - t->n_params].dist;
        moved[2 * i] = knob__view_name(&s->view, name);
        moved[2 * i + 1] = knob__view_dist(&s->view, d, NULL);
        if (!moved[2 * i] || !moved[2 * i + 1]) {
            free(moved);
            return knob__oom("trial params");
        }
    }
    int rc = remember(s, t);
    if (rc) {
        free(moved);
        return rc;
    }
    knob__study_forget(from, t);
    t->s = s;
    for (size_t i = 0; i < n; i++) {
        if (i < t->n_params) {
            t->params[i].name = moved[2 * i];
            t->params[i].dist = moved[2 * i + 1];
        } else {
            t->proposals[i - t->n_params].name = moved[2 * i];
            t->proposals[i - t->n_params].dist = moved[2 * i + 1];
        }
    }
    free(moved);
    return KNOB_OK;
}

/* ---------------------------------------------------------------- tell */

/* The sampler's after_trial, its failure worded as any plugin method's. */
static int after_trial(knob_study *s, knob_trial *t, knob_trial_state state)
{
    const knob_sampler_plugin *sp = s->sampler->plugin;
    knob__kept_error k;
    knob__plugin_call_begin(&k);
    int rc = sp->after_trial(s->sampler->state, s, t, state);
    return knob__plugin_call_end(&k, rc, "sampler", sp->name, "after_trial");
}

static int fail_with(knob_study *s, int64_t trial, int status, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    int rc = knob__store_fail(s, trial, reason, NULL);
    if (rc)
        return rc;
    return knob__error(status, "study '%s': %s", s->name, reason);
}

/* A COMPLETE tell with another count of values than the study's objectives is the
 * caller's mistake, not the trial's: refused before anything is written. */
static int check_count(const knob_study *s, int64_t number, knob_trial_state state,
                       const double *values, size_t n)
{
    if (state != KNOB_TRIAL_COMPLETE || (n == s->n_dirs && (values || !n)))
        return KNOB_OK;
    size_t given = values ? n : 0;
    return knob__error(KNOB_EINVAL,
                       "study '%s': trial %lld told COMPLETE with %zu value%s; the "
                       "study has %zu objective%s (the trial is still running)",
                       s->name, (long long)number, given, given == 1 ? "" : "s", s->n_dirs,
                       s->n_dirs == 1 ? "" : "s");
}

/* A tell's state must finish the trial; RUNNING, WAITING or another number is the
 * caller's mistake: refused before anything is written. */
static int check_told_state(const knob_study *s, int64_t number, knob_trial_state state)
{
    if (state == KNOB_TRIAL_COMPLETE || state == KNOB_TRIAL_PRUNED || state == KNOB_TRIAL_FAIL)
        return KNOB_OK;
    return knob__error(KNOB_EINVAL,
                       "study '%s': trial %lld told with state %d (%s); expected COMPLETE, "
                       "PRUNED or FAIL (the trial is still running)",
                       s->name, (long long)number, (int)state, knob_trial_state_str(state));
}

/* check_count, after the trial's state: a finished (or waiting) trial told with a wrong
 * count is refused for its state (KNOB_ESTATE), not for the count. The study is read only
 * when the count is wrong; when it cannot be read, the count's refusal stands. */
static int check_count_after_state(knob_study *s, int64_t number, knob_trial_state state,
                                   const double *values, size_t n)
{
    if (!check_count(s, number, state, values, n))
        return KNOB_OK;
    if (knob__view_sync(s) == KNOB_OK) {
        int rc = knob__refuse_unless_running(s, number, knob__view_trial(&s->view, number),
                                             ": a trial is told once it has been asked", "");
        if (rc)
            return rc;
    }
    return check_count(s, number, state, values, n);
}

static bool all_finite(const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]))
            return false;
    return true;
}

/* Whether v is an objective value the study stores: finite, or infinite too with
 * infinite_values; never NaN. */
static bool storable(const knob_study *s, double v)
{
    return s->infinite_values ? !isnan(v) : isfinite(v);
}

/* Whether the values told with a PRUNED trial are kept as its values: in a study of several
 * objectives, one per objective, each a value a COMPLETE trial would store (its last value
 * of each objective; the study has no intermediate values of each to take them from). A
 * study of one objective takes its last intermediate value instead, as Optuna's does. */
static bool pruned_values_kept(const knob_study *s, const double *values, size_t n)
{
    if (s->n_dirs < 2 || n != s->n_dirs || !values)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!storable(s, values[i]))
            return false;
    return true;
}

/* Checks the values of a COMPLETE trial; records it FAIL with the reason if wrong. */
static int finish_checked(knob_study *s, int64_t trial, int64_t number, knob_trial_state state,
                          const double *values, size_t n, const knob_step_value *inter,
                          size_t n_inter)
{
    switch (state) {
    case KNOB_TRIAL_COMPLETE:
        for (size_t i = 0; i < n; i++)
            if (!storable(s, values[i]))
                return fail_with(s, trial, KNOB_EINVAL, "trial %lld: objective %zu is %g, not %s",
                                 (long long)number, i, values[i],
                                 s->infinite_values ? "a number" : "a finite number");
        return knob__store_finish(s, trial, state, values, n);
    case KNOB_TRIAL_PRUNED:
        /* A pruned trial counts by its last intermediate value (one objective), or by the
         * last values told of its objectives (several). */
        if (pruned_values_kept(s, values, n))
            return knob__store_finish(s, trial, state, values, n);
        if (n_inter && s->n_dirs == 1)
            return knob__store_finish(s, trial, state, &inter[n_inter - 1].value, 1);
        return knob__store_finish(s, trial, state, NULL, 0);
    case KNOB_TRIAL_FAIL:
        return knob__store_finish(s, trial, state, NULL, 0);
    default:
        return fail_with(s, trial, KNOB_EINVAL,
                         "trial %lld told with state %d; expected "
                         "COMPLETE, PRUNED or FAIL",
                         (long long)number, (int)state);
    }
}

/* Whether the study handles a and b name one study: the same row of one storage, reached
 * through one storage handle or through two on the same data (the same SQLite file, or a
 * PostgreSQL database by its identity). */
static bool same_study(const knob_study *a, const knob_study *b)
{
    /* the name too: a study made at an id a deleted one had (a file made anew at the path)
     * is another study */
    if (a->id != b->id || strcmp(a->name, b->name) != 0)
        return false;
    if (a->st == b->st)
        return true;
    const knob_storage *sb = b->st;
    /* the data's identity where the backend tells it (a SQLite file's inode: a file made
     * anew at the path is another storage), else the URL */
    return knob__store_same_or(a->st, sb, same_storage(a->st, sb->abs_url ? sb->abs_url : sb->url));
}

/* A trial told through `s`, a handle other than the one it was asked or opened through:
 * another handle on the same study tells it through the trial's own handle (*own), so its
 * params are written and its sampler's after_trial runs, as if told there. A trial of
 * another study, or one left open when its study was freed, is the caller's mistake:
 * KNOB_EINVAL, and the trial and its handle stay as they were. */
static int own_handle(knob_study *s, knob_trial *t, const char *call, knob_study **own)
{
    if (!t->s)
        return knob__error(KNOB_EINVAL,
                           "%s: trial %lld was left open when its study was freed; "
                           "tell it by number (knob_study_tell_number), then free its handle "
                           "with knob_trial_detach",
                           call, (long long)t->number);
    if (same_study(t->s, s)) {
        *own = t->s;
        return KNOB_OK;
    }
    if (!strcmp(t->s->name, s->name)) /* a study of that name made since, or elsewhere */
        return knob__error(KNOB_EINVAL,
                           "%s: trial %lld is of another study named '%s' (one "
                           "deleted since, or of another storage); tell it through the handle "
                           "it was asked from (the trial is still running)",
                           call, (long long)t->number, s->name);
    return knob__error(KNOB_EINVAL,
                       "%s: trial %lld is of study '%s', not of study '%s'; tell it "
                       "through a handle on its own study (the trial is still running)",
                       call, (long long)t->number, t->s->name, s->name);
}

int knob_study_tell(knob_study *s, knob_trial *t, knob_trial_state state, const double *values,
                    size_t n_values)
{
    if (!s || !t)
        return knob__error(KNOB_EINVAL, "knob_study_tell: NULL argument");
    int rc = t->s == s ? KNOB_OK : own_handle(s, t, "knob_study_tell", &s);
    if (rc)
        return rc; /* t stays valid and untouched */
    rc = check_told_state(s, t->number, state);
    if (!rc)
        rc = check_count_after_state(s, t->number, state, values, n_values);
    if (rc == KNOB_ESTATE)
        knob__trial_free(t); /* finished already: as the storage's refusal below */
    if (rc)
        return rc; /* t stays open, to be told again */
    const knob_sampler_plugin *sp = s->sampler->plugin;
    if (!sp->after_trial && state == KNOB_TRIAL_COMPLETE && all_finite(values, n_values)) {
        /* The common case: params and finish in one write (one stamp). */
        rc = knob__trial_finish_params(t, state, values, n_values);
        knob__trial_free(t);
        return rc;
    }
    rc = knob__trial_flush_for(t, "knob_study_tell");
    if (!rc && sp->after_trial)
        rc = after_trial(s, t, state);
    if (!rc)
        rc = finish_checked(s, t->id, t->number, state, values, n_values, t->inter, t->n_inter);
    knob__trial_free(t);
    return rc;
}

int knob_study_tell_fail(knob_study *s, knob_trial *t, const char *reason, const char *cause)
{
    if (!s || !t)
        return knob__error(KNOB_EINVAL, "knob_study_tell_fail: NULL argument");
    int rc = t->s == s ? KNOB_OK : own_handle(s, t, "knob_study_tell_fail", &s);
    if (rc)
        return rc; /* t stays valid and untouched */
    int64_t id = t->id, number = t->number;
    rc = knob__trial_flush_for(t, "knob_study_tell_fail");
    if (!rc && s->sampler->plugin->after_trial)
        rc = after_trial(s, t, KNOB_TRIAL_FAIL);
    knob__trial_free(t);
    knobx_buf b = {0};
    if (cause)
        knobx_json_add_string(&b, cause);
    if (!rc && b.oom)
        rc = knob__oom("fail cause");
    /* the reason in the FAIL's own write; the cause after it, only once the FAIL is this
     * call's: a trial another worker failed as lost keeps its cause (KNOB__LOST_JSON), by
     * which its worker's late end is taken */
    if (!rc)
        rc = knob__store_fail(s, id, reason, NULL);
    if (!rc && cause &&
        (rc = knob__store_trial_attr(s, id, true, "fail_cause", knobx_buf_cstr(&b))))
        knob__error_prefix(rc, "study '%s': trial %lld is FAIL, but without its fail_cause",
                           s->name, (long long)number);
    knobx_buf_free(&b);
    return rc;
}

/* Before trial `id` is told by number: the params that a handle on it, open through s,
 * has not written yet are written, so that the trial is not finished without them. A
 * trial finished already is left to the finish to refuse, in its own words. */
static int flush_open(knob_study *s, int64_t id)
{
    for (size_t i = 0; i < s->n_open; i++) {
        knob_trial *t = s->open[i];
        if (t->id != id || t->n_written == t->n_params)
            continue;
        int rc = knob__trial_flush_params(t);
        if (rc == KNOB_ESTATE)
            return KNOB_OK;
        if (rc)
            return rc;
    }
    return KNOB_OK;
}

int knob_study_tell_number(knob_study *s, int64_t number, knob_trial_state state,
                           const double *values, size_t n_values, const char *fail_reason)
{
    if (!s)
        return knob__error(KNOB_EINVAL, "knob_study_tell_number: NULL study");
    int64_t id;
    int rc = knob__store_trial_id(s, number, &id);
    if (!rc)
        rc = check_told_state(s, number, state);
    if (!rc)
        rc = check_count_after_state(s, number, state, values, n_values);
    /* Without the study read (a process that only tells: knob tell), the storage's finish
     * refuses a finished trial itself; only a pruned trial of one objective needs its
     * intermediate values (it takes no values told), and so the read. */
    bool need_view = s->view.loaded || (state == KNOB_TRIAL_PRUNED && s->n_dirs == 1);
    if (!rc && need_view)
        rc = knob__view_sync(s);
    if (rc)
        return rc;
    const knob_trial_info *info = knob__view_trial(&s->view, number);
    /* An enqueued trial has no params until it is asked: as Optuna's tell, refused (the
     * storage's finish refuses it too, for a process that has not read the study). */
    if ((rc = knob__refuse_unless_running(s, number, info,
                                          ": a trial is told once it has been asked", "")))
        return rc;
    if ((rc = flush_open(s, id)))
        return rc;
    if (state == KNOB_TRIAL_FAIL && fail_reason)
        return knob__store_fail(s, id, fail_reason, NULL);
    return finish_checked(s, id, number, state, values, n_values, info ? info->intermediate : NULL,
                          info ? info->n_intermediate : 0);
}

int knob__refuse_unless_running(const knob_study *s, int64_t number, const knob_trial_info *info,
                                const char *waiting, const char *done)
{
    if (info && info->state == KNOB_TRIAL_WAITING)
        return knob__error(KNOB_ESTATE,
                           "study '%s': trial %lld is waiting (enqueued, not asked yet)%s", s->name,
                           (long long)number, waiting);
    if (info && info->state != KNOB_TRIAL_RUNNING && !knob__trial_lost(info))
        return knob__error(KNOB_ESTATE, "study '%s': trial %lld is already %s%s", s->name,
                           (long long)number, knob__state_word(info->state), done);
    return KNOB_OK;
}

/* An objective that returned no finishing state: knob_study_tell would refuse the state and
 * keep the trial open, so the trial is failed here, as the sampler sees any failure. */
static int fail_returned_state(knob_study *s, knob_trial *t, knob_trial_state state)
{
    const knob_sampler_plugin *sp = s->sampler->plugin;
    int rc = knob__trial_flush_params(t);
    if (!rc && sp->after_trial)
        rc = after_trial(s, t, KNOB_TRIAL_FAIL);
    if (!rc)
        rc = fail_with(s, t->id, KNOB_EINVAL,
                       "trial %lld: the objective returned state %d (%s); expected COMPLETE, "
                       "PRUNED or FAIL",
                       (long long)t->number, (int)state, knob_trial_state_str(state));
    knob__trial_free(t);
    return rc;
}

int knob_study_optimize(knob_study *s, knob_objective_fn fn, void *ctx, int n_trials)
{
    if (!s || !fn || n_trials < 0)
        return knob__error(KNOB_EINVAL, "knob_study_optimize: NULL argument or n_trials < 0");
    double *values = calloc(s->n_dirs ? s->n_dirs : 1, sizeof *values);
    if (!values)
        return knob__oom("objective values");
    int rc = KNOB_OK;
    for (int i = 0; i < n_trials; i++) {
        knob_trial *t;
        if ((rc = knob_study_ask(s, &t)))
            break;
        for (size_t k = 0; k < s->n_dirs; k++)
            values[k] = NAN;
        knob_trial_state st = fn(t, ctx, values);
        if (st == KNOB_TRIAL_COMPLETE || st == KNOB_TRIAL_PRUNED || st == KNOB_TRIAL_FAIL)
            rc = knob_study_tell(s, t, st, values, s->n_dirs);
        else
            rc = fail_returned_state(s, t, st);
        /* A bad value fails that trial only; the study goes on. */
        if (rc == KNOB_EINVAL)
            rc = KNOB_OK;
        if (rc)
            break;
    }
    free(values);
    return rc == KNOB_EDONE ? KNOB_OK : rc;
}

int knob_study_set_fixed_params(knob_study *s, const char *params_json)
{
    if (!s)
        return knob__error(KNOB_EINVAL, "knob_study_set_fixed_params: NULL study");
    knobx_json *j = NULL;
    if (params_json) {
        char err[128];
        j = knobx_json_parse(params_json, (size_t)-1, err, sizeof err);
        if (!j && knobx_json_check(params_json) <= 0)
            return knob__oom("fixed params");
        if (!j || j->type != KNOBX_JSON_OBJECT) {
            knobx_json_free(j);
            return knob__error(KNOB_EINVAL, "study '%s': fixed params must be a JSON object (%s)",
                               s->name, j ? "got another JSON value" : err);
        }
    }
    knobx_json_free(s->fixed);
    s->fixed = j;
    return KNOB_OK;
}

int knob_study_enqueue(knob_study *s, const char *params_json)
{
    if (!s || !params_json)
        return knob__error(KNOB_EINVAL, "knob_study_enqueue: NULL argument");
    char err[128];
    knobx_json *j = knobx_json_parse(params_json, (size_t)-1, err, sizeof err);
    bool object = j && j->type == KNOBX_JSON_OBJECT;
    knobx_json_free(j);
    if (!j && knobx_json_check(params_json) <= 0)
        return knob__oom("enqueued params");
    if (!object)
        return knob__error(KNOB_EINVAL, "study '%s': enqueued params must be a JSON object (%s)",
                           s->name, j ? "got another JSON value" : err);
    return knob__store_enqueue(s, params_json, NULL, 0);
}

/* ---------------------------------------------------------------- best trials */

int knob_study_best_trial(knob_study *s, const knob_trial_info **out)
{
    if (!s || !out)
        return knob__error(KNOB_EINVAL, "knob_study_best_trial: NULL argument");
    if (s->n_dirs == 0)
        return knob__error(KNOB_EINVAL, "study '%s' has no objective, so no best trial", s->name);
    if (s->n_dirs != 1)
        return knob__error(KNOB_EINVAL,
                           "study '%s' has %zu objectives: use "
                           "knob_study_best_trials for its Pareto front",
                           s->name, s->n_dirs);
    int rc = knob__view_sync_best_one(s);
    if (rc)
        return rc;
    const knob_trial_info *best = knob__view_trial(&s->view, s->view.best);
    if (!best && s->view.n_finished[KNOB_TRIAL_COMPLETE])
        return knob__error(KNOB_ENOTFOUND,
                           "study '%s' has no feasible trial: each of its %zu complete trials "
                           "violates a constraint (a value > 0)",
                           s->name, s->view.n_finished[KNOB_TRIAL_COMPLETE]);
    if (!best)
        return knob__error(KNOB_ENOTFOUND, "study '%s' has no complete trial yet", s->name);
    knob__view_best_done(s, &best->number, 1);
    *out = best;
    return KNOB_OK;
}

int knob_study_best_value(knob_study *s, double *out)
{
    const knob_trial_info *best;
    if (!out)
        return knob__error(KNOB_EINVAL, "knob_study_best_value: NULL argument");
    int rc = knob_study_best_trial(s, &best);
    if (!rc)
        *out = best->values[0];
    return rc;
}

/* The feasible complete trials of every objective, in number order, and their objectives as
 * losses (maximized ones negated) for knob__nondominated. */
static void front_candidates(knob_study *s, const knob_trial_info **cand, double *pts,
                             size_t *n_cand, size_t *n_complete)
{
    const knob__view *v = &s->view;
    size_t m = s->n_dirs, c = 0;
    *n_complete = 0;
    for (size_t i = 0; i < v->n; i++) {
        const knob_trial_info *t = v->by_number[i];
        if (!t || t->state != KNOB_TRIAL_COMPLETE || t->n_values != m)
            continue;
        ++*n_complete;
        if (!knob_trial_info_feasible(t))
            continue;
        for (size_t j = 0; j < m; j++)
            pts[c * m + j] = s->dirs[j] == KNOB_MAXIMIZE ? -t->values[j] : t->values[j];
        cand[c++] = t;
    }
    *n_cand = c;
}

int knob_study_best_trials(knob_study *s, const knob_trial_info *const **out, size_t *n)
{
    if (!s || !out || !n)
        return knob__error(KNOB_EINVAL, "knob_study_best_trials: NULL argument");
    if (s->n_dirs == 0)
        return knob__error(KNOB_EINVAL, "study '%s' has no objective, so no Pareto front", s->name);
    int rc = knob__view_sync_best(s);
    if (rc)
        return rc;
    const knob__view *v = &s->view;
    size_t m = s->n_dirs, cap = v->n ? v->n : 1;
    if (knob__grow(&s->front, &s->cap_front, cap, sizeof *s->front))
        return knob__oom("Pareto front");
    const knob_trial_info **front = s->front;
    double *pts = malloc(cap * m * sizeof *pts);
    bool *keep = malloc(cap * sizeof *keep);
    size_t count = 0, n_cand = 0, n_complete = 0;
    /* The candidates go in number order and the kept ones stay in it: no sort after. */
    if (pts && keep)
        front_candidates(s, front, pts, &n_cand, &n_complete);
    if (!pts || !keep || knob__nondominated(pts, n_cand, m, keep, &count)) {
        free(pts);
        free(keep);
        return knob__oom("Pareto front");
    }
    count = 0;
    for (size_t i = 0; i < n_cand; i++)
        if (keep[i])
            front[count++] = front[i];
    free(pts);
    free(keep);
    if (!count && n_complete)
        return knob__error(KNOB_ENOTFOUND,
                           "study '%s' has no feasible trial: each of its %zu complete trials "
                           "violates a constraint (a value > 0), so its Pareto front is empty",
                           s->name, n_complete);
    int64_t *numbers = s->view.best_write ? malloc((count ? count : 1) * sizeof *numbers) : NULL;
    for (size_t i = 0; numbers && i < count; i++)
        numbers[i] = front[i]->number;
    if (numbers)
        knob__view_best_done(s, numbers, count);
    free(numbers);
    *out = front;
    *n = count;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- attributes */

static int set_attr(knob_study *s, bool system, const char *key, const char *json)
{
    if (!s || !key || !json || !key[0])
        return knob__error(KNOB_EINVAL, "study attribute: NULL or empty argument");
    if (!knobx_utf8_valid(key))
        return knob__error(KNOB_EINVAL, "study '%s': attribute key '%s' is not valid UTF-8",
                           s->name, key);
    int bad = knob__attr_json_check(key, json);
    if (bad)
        return bad == KNOB_EINVAL ? knob__error_prefix(bad, "study '%s'", s->name) : bad;
    return knob__store_study_attr(s, system, key, json);
}

typedef struct find_ctx {
    const char *key;
    char *found;
    bool oom;
} find_ctx;

static int find_attr(void *ctx, const char *key, const char *json)
{
    find_ctx *f = ctx;
    if (strcmp(key, f->key) != 0)
        return KNOB_OK;
    f->found = knob__strdup(json);
    f->oom = !f->found;
    return KNOB_EEXIST; /* stop */
}

static const char *get_attr(knob_study *s, bool system, const char *key)
{
    if (!s || !key)
        return NULL;
    find_ctx f = {.key = key};
    int rc = knob__store_study_attrs(s, system, find_attr, &f);
    if (rc && rc != KNOB_EEXIST)
        return NULL;
    free(s->attr_value);
    s->attr_value = f.found;
    return f.found;
}

int knob_study_set_user_attr(knob_study *s, const char *key, const char *json)
{
    return set_attr(s, false, key, json);
}

int knob_study_set_system_attr(knob_study *s, const char *key, const char *json)
{
    return set_attr(s, true, key, json);
}

const char *knob_study_user_attr(knob_study *s, const char *key)
{
    return get_attr(s, false, key);
}

const char *knob_study_system_attr(knob_study *s, const char *key)
{
    return get_attr(s, true, key);
}

int knob_study_claim(knob_study *s, const char *key, knob_trial *t, bool *won)
{
    if (!s || !key || !won)
        return knob__error(KNOB_EINVAL, "knob_study_claim: NULL argument");
    if (!key[0]) /* as knob_study_ask_claimed */
        return knob__error(KNOB_EINVAL, "knob_study_claim: the key is empty");
    return knob__store_claim(s, key, t ? t->id : -1, won);
}

const char *knob_trial_state_str(knob_trial_state state)
{
    switch (state) {
    case KNOB_TRIAL_RUNNING:
        return "running";
    case KNOB_TRIAL_COMPLETE:
        return "complete";
    case KNOB_TRIAL_PRUNED:
        return "pruned";
    case KNOB_TRIAL_FAIL:
        return "fail";
    case KNOB_TRIAL_WAITING:
        return "waiting";
    }
    return "?";
}
