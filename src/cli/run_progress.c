/* What knob run shows: on a terminal one live line rewritten in place, otherwise one plain
 * line per finished trial; a summary at the end. */
#include "cli/run.h"
#include "util/json.h"
#include "util/url.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The terminal's width, so that the live line never wraps (\r would then redraw only its
 * last row). */
static size_t live_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return (size_t)ws.ws_col - 1;
    return 99;
}

/* The study's COMPLETE trials, as the last sync read them. */
static size_t n_complete(knob_study *s)
{
    const knob_trial_info *const *all;
    size_t n, c = 0;
    if (knob_study_trials(s, &all, &n))
        return 0;
    for (size_t i = 0; i < n; i++)
        c += all[i] && all[i]->state == KNOB_TRIAL_COMPLETE;
    return c;
}

/* The best value and its params (or the Pareto front's size) of study s, read from the
 * storage. */
static void refresh_best(runner *r, knob_study *s)
{
    knobx_buf b = {0};
    int rc;
    if (knob_study_n_objectives(s) == 0)
        return; /* a study without a metric has no best (the summary says why) */
    if (knob_study_n_objectives(s) != 1) {
        const knob_trial_info *const *front;
        size_t n;
        if (!(rc = knob_study_best_trials(s, &front, &n)) && n) {
            knobx_buf_printf(&b, "Pareto front: %zu trial%s", n, n == 1 ? "" : "s");
        }
    } else {
        const knob_trial_info *best;
        if (!(rc = knob_study_best_trial(s, &best))) {
            knobx_buf_printf(&b, "best %.6g (trial %lld) ", best->values[0],
                             (long long)best->number);
            /* a study of the sweep's: its trials' params as the program got them (no
             * study record read at each trial's end) */
            static const cli_params_view swept = {.swept = true};
            cli_trial_params_json(&b, best, &swept);
        }
    }
    /* trials complete, none feasible: not "no complete trial yet" */
    size_t c = rc == KNOB_ENOTFOUND ? n_complete(s) : 0;
    if (c)
        knobx_buf_printf(&b, "no feasible trial yet: %s %zu complete trial%s violates a constraint",
                         c == 1 ? "the" : "each of the", c, c == 1 ? "" : "s");
    else if (rc && rc != KNOB_ENOTFOUND && !r->best) /* not "no complete trial yet" either */
        knobx_buf_printf(&b, "the best trial could not be read: %s", knob_errmsg());
    if (b.len && !b.oom) {
        free(r->best);
        r->best = strdup(knobx_buf_cstr(&b));
    }
    knobx_buf_free(&b);
}

static void clock_text(knobx_buf *b, double s)
{
    long t = (long)s;
    if (t >= 3600)
        knobx_buf_printf(b, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        knobx_buf_printf(b, "%ldm%02lds", t / 60, t % 60);
}

/* "[12/50 done, 1 failed, 0 pruned, 2 running, 1m10s elapsed, ~4m30s left] best ..." */
static void status_text(runner *r, knobx_buf *b)
{
    double elapsed = run_now() - r->started;
    /* the budget, or the grid's trials left when fewer: a grid ends there */
    int64_t total = r->limit;
    if (r->expected && (!total || r->expected < total))
        total = r->expected;
    knobx_buf_printf(b, "[%lld", (long long)r->done);
    if (total)
        knobx_buf_printf(b, "/%lld", (long long)total);
    knobx_buf_printf(b, " done, %lld failed, %lld pruned, ", (long long)r->failed,
                     (long long)r->pruned);
    if (r->unsaved)
        knobx_buf_printf(b, "%lld not saved, ", (long long)r->unsaved);
    knobx_buf_printf(b, "%d running, ", r->running + r->told_running);
    clock_text(b, elapsed);
    knobx_buf_puts(b, " elapsed");
    /* no time left while the run stops (Ctrl-C, SIGTERM, a storage failure, its first
     * trials failing to run): the trials to come will not */
    bool stopping = run_stopped() || r->broken;
    double left = -1;
    if (total && r->done && !stopping)
        left = elapsed / (double)r->done * (double)(total > r->done ? total - r->done : 0);
    if (r->deadline > 0 && !stopping && (left < 0 || r->deadline - run_now() < left))
        left = r->deadline - run_now();
    if (left >= 0) {
        knobx_buf_puts(b, ", ~");
        clock_text(b, left > 0 ? left : 0);
        knobx_buf_puts(b, " left");
    }
    knobx_buf_puts(b, "]");
    if (r->best && !r->storage_failed) /* the study read since may hold writes undone */
        knobx_buf_printf(b, " %s", r->best);
}

/* The live line: \r, the status cut to the terminal's usual width, clear to the end. */
static void live_line(runner *r)
{
    knobx_buf b = {0};
    size_t width = live_width();
    status_text(r, &b);
    if (b.len > width && width > 3) {
        b.data[width - 3] = 0; /* bytes, not columns: params are mostly ASCII */
        b.len = width - 3;
        knobx_buf_puts(&b, "...");
    }
    printf("\r%s\033[K", knobx_buf_cstr(&b));
    fflush(stdout);
    knobx_buf_free(&b);
    r->last_tick = run_now();
}

/* Up to n bytes of s, control bytes as \xNN: a program's stderr must not drive the
 * terminal (an escape sequence, a carriage return over the live line). */
static void add_printable(knobx_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            knobx_buf_printf(b, "\\x%02x", c);
        else
            knobx_buf_add(b, s + i, 1);
    }
}

/* The first line of a failure's reason and the last line of the stderr tail after it. */
static void short_reason(knobx_buf *b, const char *reason)
{
    const char *nl = strchr(reason, '\n'), *last = strrchr(reason, '\n');
    size_t n = nl ? (size_t)(nl - reason) : strlen(reason);
    if (n >= 9 && !strncmp(reason + n - 9, "; stderr:", 9))
        n -= 9;
    add_printable(b, reason, n > 200 ? 200 : n);
    if (last && last[1]) {
        knobx_buf_puts(b, " (stderr: ");
        add_printable(b, last + 1, 200);
        knobx_buf_puts(b, ")");
    }
}

void run_progress_trial(runner *r, int64_t number, knob_trial_state state, const char *reason,
                        const double *last, bool infeasible)
{
    knobx_buf b = {0};
    bool saved = state != KNOB_TRIAL_RUNNING;
    if (saved) {
        /* once for the trials a batch's commit shows together; not after a storage failure,
         * when the run's study may show writes the storage undid (see run_summary) */
        if (!r->best_fresh && !r->storage_failed)
            refresh_best(r, r->ref.s);
        r->best_fresh = true;
        knobx_buf_printf(&b, "trial %lld %s", (long long)number, knob_trial_state_str(state));
    } else {
        knobx_buf_printf(&b, "trial %lld not saved (%s)", (long long)number, reason);
    }
    if (state == KNOB_TRIAL_COMPLETE)
        for (size_t i = 0; i < r->sw->n_objectives; i++)
            knobx_buf_printf(&b, " %s=%.6g", r->sw->objectives[i].name, last[i]);
    if (state == KNOB_TRIAL_PRUNED && reason && reason[0]) /* "loss=0.9 at step 3" */
        knobx_buf_printf(&b, " %s", reason);
    /* its value counts for no best (knob_study_best_trial passes over it) */
    if (state == KNOB_TRIAL_COMPLETE && infeasible)
        knobx_buf_puts(&b, " infeasible (violates a constraint)");
    if (state == KNOB_TRIAL_FAIL) {
        knobx_buf_puts(&b, ": ");
        short_reason(&b, reason);
    }
    if (r->tty) {
        /* failures stay on screen above the live line; the rest only update it */
        if (state == KNOB_TRIAL_FAIL || !saved)
            printf("\r\033[K%s\n", knobx_buf_cstr(&b));
        live_line(r);
    } else {
        knobx_buf_puts(&b, "  ");
        status_text(r, &b);
        printf("%s\n", knobx_buf_cstr(&b));
        fflush(stdout);
    }
    knobx_buf_free(&b);
}

void run_progress_tick(runner *r)
{
    if (r->tty && run_now() - r->last_tick >= 1.0)
        live_line(r);
}

/* Whether `said` (a sentence of warm_start_skipped: "SAMPLER: warm_start_study 'NAME'...")
 * is of this run's sampler and source: the attribute is the study's, so it may hold what an
 * earlier run with another sampler or source left out. auto's sentences are its delegates'. */
static bool warm_said_here(const char *said, const char *sampler, const char *study)
{
    size_t n = strcspn(said, ":");
    if (!said[n] || strncmp(said + n, ": warm_start_study '", 20) != 0 ||
        strncmp(said + n + 20, study, strlen(study)) != 0 || said[n + 20 + strlen(study)] != '\'')
        return false;
    if (strcmp(sampler, "auto") == 0)
        return true;
    return strlen(sampler) == n && strncmp(said, sampler, n) == 0;
}

/* The study the sampler warm-starts from: the key warm_start's, else the sampler's own
 * option warm_start_study (NULL: none). */
static const char *warm_source(const sweep *sw)
{
    return sw->warm_study ? sw->warm_study : sweep_sampler_option(sw, "warm_start_study");
}

/* What the sampler's warm start left out of its source (the library prints nothing: it
 * says so in the study's system attribute warm_start_skipped), as a warning: by a run that
 * asked trials, and only a sentence of its own sampler and source, given by the key
 * warm_start or by the sampler's options (those were not said). (The attribute is not
 * cleared when a run starts: a run beside this one, or one that asks nothing, would take
 * away what this run's sampler said once.) */
static void warm_skipped(runner *r)
{
    const char *source = warm_source(r->sw);
    const char *said =
        source && r->launched ? knob_study_system_attr(r->ref.s, "warm_start_skipped") : NULL;
    knobx_json *j = said ? knobx_json_parse(said, (size_t)-1, NULL, 0) : NULL;
    const char *sampler = knob_sampler_name(knob_study_sampler(r->ref.s));
    if (j && j->type == KNOBX_JSON_STRING && sampler && warm_said_here(j->str, sampler, source))
        fprintf(stderr, "knob: warning: warm_start: %s\n", j->str);
    knobx_json_free(j);
}

/* What the sampler said of its option cost (the library prints nothing: gp and tpe write the
 * study's system attribute cost_unseen once the startup trials are complete and none has a
 * cost, a misspelt user attr or one the program never sets), as a warning: by a run that
 * asked trials, and only a sentence of this run's sampler (auto's: its delegates') and cost.
 * A cost metric of the key cost is always set (a trial without it fails): this is the
 * sampler's own option cost naming an attr. */
static void cost_unseen(runner *r)
{
    const char *cost = r->sw->cost ? r->sw->cost : sweep_sampler_option(r->sw, "cost");
    const char *said =
        cost && cost[0] && r->launched ? knob_study_system_attr(r->ref.s, "cost_unseen") : NULL;
    knobx_json *j = said ? knobx_json_parse(said, (size_t)-1, NULL, 0) : NULL;
    const char *sampler = knob_sampler_name(knob_study_sampler(r->ref.s));
    if (j && j->type == KNOBX_JSON_STRING && sampler) {
        size_t n = strcspn(j->str, ":"), k = strlen(cost);
        bool ours = strcmp(sampler, "auto") == 0 ||
                    (strlen(sampler) == n && strncmp(j->str, sampler, n) == 0);
        if (ours && strncmp(j->str + n, ": cost '", 8) == 0 &&
            strncmp(j->str + n + 8, cost, k) == 0 && j->str[n + 8 + k] == '\'')
            fprintf(stderr, "knob: warning: cost: %s\n", j->str);
    }
    knobx_json_free(j);
}

/* Whether the run's study is gone from its storage (another process deleted it): what
 * failed the run's reads and writes then is that, which the storage's own message ("no
 * study with id 1") does not say. */
static bool study_deleted(runner *r)
{
    knob_study *s = NULL;
    int rc = knob_study_load(r->ref.st, r->study_name, NULL, &s);
    knob_study_free(s);
    return rc == KNOB_ENOTFOUND;
}

/* A grid that ends at its run_cap with points it never ran says how many, as the grid sampler
 * counts them, and the run_cap that runs them: a trial a stop interrupted counts in run_cap
 * (the study holds it, as a W&B sweep counts a crashed run) though its point runs again, so a
 * grid of 6 points at a run_cap of 6 interrupted once leaves points to run, and nothing else
 * would say so. */
static void grid_unrun(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    int64_t left;
    if (!r->ref.grid || !r->sw->run_cap || knob_study_trials(r->ref.s, &tr, &n) ||
        (int64_t)n < r->sw->run_cap)
        return;
    /* The grid's count past the run_cap (the run's handle counts up to it), which holds the
     * waiting trials: they run (the study holds them already, so its run_cap does not keep
     * them from running), and the points never ran are the rest. */
    left = cli_grid_left(r->sw, r->ref.st, r->study_name,
                         knob_sampler_seed(knob_study_sampler(r->ref.s)));
    if (left <= 0)
        return;
    int64_t interrupted = 0;
    for (size_t i = 0; i < n; i++) {
        const char *cause = tr[i]->state == KNOB_TRIAL_FAIL
                                ? knob_trial_info_attr(tr[i], "fail_cause", true)
                                : NULL;
        interrupted += cause && !strcmp(cause, "\"interrupted\"");
        left -= tr[i]->state == KNOB_TRIAL_WAITING;
    }
    if (left <= 0)
        return;
    printf("%lld grid point%s never ran: the study holds its run_cap of %lld trials",
           (long long)left, left == 1 ? "" : "s", (long long)r->sw->run_cap);
    if (interrupted)
        printf(", %lld of them interrupted (a stop's trial counts, and its point ran again)",
               (long long)interrupted);
    printf("; run_cap: %lld runs %s\n", (long long)((int64_t)n + left), left == 1 ? "it" : "them");
}

void run_summary(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n = 0, by[5] = {0};
    if (r->tty)
        fputs("\r\033[K", stdout);
    /* After a storage failure the run's study may still show writes the storage undid (a
     * batch whose commit failed, read back by an ask in it: a trial shown complete and best
     * that the storage holds RUNNING): the study is read again, as another process finds it. */
    knob_study *fresh = NULL, *s = r->ref.s;
    int loaded = KNOB_OK;
    if (r->storage_failed &&
        (loaded = knob_study_load(r->ref.st, r->study_name, NULL, &fresh)) == KNOB_OK)
        s = fresh;
    bool read = loaded == KNOB_OK && knob_study_trials(s, &tr, &n) == KNOB_OK;
    char unread[4608] = ""; /* a message naming a path of up to 4096 bytes */
    if (!read)
        snprintf(unread, sizeof unread, "%s", knob_errmsg());
    for (size_t i = 0; read && i < n; i++)
        by[tr[i]->state <= KNOB_TRIAL_WAITING ? tr[i]->state : 0]++;
    r->study_ran_through = !read || by[KNOB_TRIAL_COMPLETE] || by[KNOB_TRIAL_PRUNED];
    if (r->storage_failed) { /* the best shown so far was of the study before its reading */
        free(r->best);
        r->best = NULL;
    }
    if (loaded == KNOB_OK)
        refresh_best(r, s);
    char *where = knobx_redact_url(r->storage);
    knobx_buf b = {0};
    clock_text(&b, run_now() - r->started);
    printf("\nstudy '%s' in %s\n", r->study_name, where ? where : "?");
    if (read)
        printf("%zu trials (%zu complete, %zu pruned, %zu failed, %zu running, %zu waiting)\n", n,
               by[KNOB_TRIAL_COMPLETE], by[KNOB_TRIAL_PRUNED], by[KNOB_TRIAL_FAIL],
               by[KNOB_TRIAL_RUNNING], by[KNOB_TRIAL_WAITING]);
    else
        printf("its trials could not be read: %s\n", unread);
    /* every trial this run created, by how it ended (launch failures too) */
    printf("this run: %lld trials (%lld complete, %lld failed, %lld pruned", (long long)r->launched,
           (long long)r->complete, (long long)r->failed, (long long)r->pruned);
    if (r->unsaved)
        printf(", %lld not saved", (long long)r->unsaved);
    printf(") in %s\n", knobx_buf_cstr(&b));
    /* after a storage failure the study was just loaded: its absence is known */
    bool deleted =
        (!read || r->storage_failed) &&
        (r->storage_gone || (r->storage_failed ? loaded == KNOB_ENOTFOUND : study_deleted(r)));
    if (r->storage_gone)
        printf("the storage's file was deleted or replaced during the run: what the run wrote "
               "to it is lost with it\n");
    else if (deleted)
        printf("study '%s' was deleted (knob delete) while this run used it: its trials are "
               "gone with it\n",
               r->study_name);
    else if (r->storage_failed) {
        knobx_buf at = {0};
        if (r->storage_locked)
            knobx_buf_puts(&at, " (another process held its lock past the timeout)");
        else if (r->lost_trial >= 0)
            knobx_buf_printf(&at, " (at trial %lld)", (long long)r->lost_trial);
        printf("the storage failed%s, so the run stopped%s\n", knobx_buf_cstr(&at),
               r->unsaved ? "; a trial not saved stays RUNNING until a worker fails it for its "
                            "lost\nheartbeat (and runs it again)"
                          : "");
        knobx_buf_free(&at);
    }
    if (deleted)
        ; /* no best: its trial is gone */
    else if (knob_study_n_objectives(r->ref.s) == 0)
        printf("the study has no metric: a trial completes when its program exits 0\n");
    else if (r->best || read)
        printf("%s\n", r->best ? r->best : "no complete trial yet");
    printf("trial logs: %s/<number>/\n", r->trial_root);
    if (r->exhausted && r->done_why[0])
        printf("%s\n", r->done_why);
    else if (r->exhausted && read && by[KNOB_TRIAL_RUNNING])
        printf("the grid has no point left to start: %zu of its trials %s RUNNING in other "
               "processes (one whose\nworker died is failed after its grace, and run again by "
               "the next knob run or knob worker)\n",
               by[KNOB_TRIAL_RUNNING], by[KNOB_TRIAL_RUNNING] == 1 ? "is" : "are");
    else if (r->exhausted)
        printf("the grid is done: every point has run\n");
    if (read && !r->storage_failed)
        grid_unrun(r);
    if (r->target_reached)
        printf("the target %g of '%s' is reached\n", r->sw->target, r->sw->objectives[0].name);
    fflush(stdout);
    warm_skipped(r);
    cost_unseen(r);
    knob_study_free(fresh);
    free(where);
    knobx_buf_free(&b);
}
