/* A trial's output: stdout read line by line as it comes (records of the metric go to the
 * library at once, and to the pruner), stderr kept with its tail for failure reasons. Both
 * are copied to the trial's log files. Reads are sliced (bytes and time), so that a
 * program that floods its pipes cannot keep the loop from signals, timeouts and the other
 * trials. */
#include "cli/records.h"
#include "cli/run.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLICE_BYTES 65536  /* read from one pipe in one turn of the loop */
#define SLICE_SECONDS 0.02 /* spent on one pipe in one turn: each record may write */

static const char *const step_keys[] = {"step", "epoch", "iteration", "iter", NULL};

/* The largest step a record may give (SWEEP_EXACT_INT, 2^53; knob intermediate's too). */
#define MAX_STEP ((double)SWEEP_EXACT_INT)

/* Writes knob's own note (`what` it says) below a line of the trial's stdout.log. Its write
 * may be the one that meets a failure (a full disk, a file size limit), when it flushes the
 * stream's buffer; the stream keeps no errno, only its error flag, which the next write of
 * the program's bytes took for an I/O error: the errno is kept here, with the note, for
 * close_log to say. */
__attribute__((format(printf, 3, 4))) static void log_note(slot *sl, const char *what,
                                                           const char *fmt, ...)
{
    if (!run_log(sl, false))
        return;
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    bool failed = vfprintf(sl->out_log, fmt, ap) < 0 || ferror(sl->out_log);
    va_end(ap);
    if (failed && !sl->out_werr) {
        sl->out_werr = errno ? errno : -1;
        sl->out_wnote = what;
    }
}

/* The line's n bytes as a message quotes them, in at most `room` bytes and its NUL: a
 * control byte escaped (\t, \x1b), since a terminal would act on it, not show it; cut at a
 * character's start with "..." when it does not fit. */
static void quote_line(char *to, size_t room, const char *line, size_t n)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0, i = 0, fit = pass ? room - 3 : room; /* the second: with "..." */
        while (i < n) {
            unsigned char c = (unsigned char)line[i];
            char esc[8];
            size_t len = 1;
            const char *piece = line + i;
            if (c == '\t' || c == '\r' || c == '\n') {
                snprintf(esc, sizeof esc, "\\%c", c == '\t' ? 't' : c == '\r' ? 'r' : 'n');
                piece = esc;
            } else if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
                piece = esc;
            } else {
                while (i + len < n && ((unsigned char)line[i + len] & 0xC0) == 0x80 && len < 4)
                    len++;
            }
            size_t out = piece == esc ? strlen(esc) : len;
            if (at + out > fit)
                break;
            memcpy(to + at, piece, out);
            at += out;
            i += len;
        }
        to[at] = 0;
        if (i == n)
            return;
        if (pass)
            strcpy(to + at, "...");
    }
}

/* A record whose step is no step (-1, 2.5, past 2^53): its value is not an intermediate
 * value, since a negative step is refused by the library and a fractional or larger one
 * would be cut to another step, silently taking its place. Said below the line in the
 * trial's stdout.log, and once per trial on stderr, with the line. */
static void bad_step(slot *sl, double step)
{
    log_note(sl, "that a record's step is no step",
             "knob: the line above has step %.17g, not a whole number from 0 to 2^53: not "
             "reported as an intermediate value\n",
             step);
    char quoted[204];
    if (!sl->warned_step) {
        quote_line(quoted, sizeof quoted - 1, sl->line, strlen(sl->line));
        fprintf(stderr,
                "knob: trial %lld: a record has step %.17g, not a whole number from 0 to 2^53: "
                "it is not reported as an intermediate value, nor is any such record of this "
                "trial (see its stdout.log): \"%s\"\n",
                (long long)sl->number, step, quoted);
    }
    sl->warned_step = true;
}

/* The objective whose metric is the intermediate value of a record: the one the sweep's
 * pruner reads (sweep_load refused a sweep whose pruner reads none of its objectives). */
static size_t reported_objective(const sweep *sw)
{
    size_t k = 0;
    return sweep_pruner_objective(sw, &k) ? 0 : k;
}

/* Whether the trial's program has exited, reaped or not (its status is left for reap). */
static bool exited(const slot *sl)
{
    if (!sl->pid)
        return true;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)sl->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           si.si_pid == sl->pid;
}

/* Reports the intermediate value v at step; false when the trial can take no more (it was
 * ended elsewhere, or the write failed). */
static bool report(runner *r, slot *sl, int64_t step, double v)
{
    char what[64];
    snprintf(what, sizeof what, "its value at step %lld", (long long)step);
    int rrc = knob_trial_report(sl->t, step, v);
    if (rrc == KNOB_ESTATE && sl->why == WHY_NONE) {
        /* the trial was ended elsewhere (knob tell, the dashboard): what its program says
         * now has no trial to go to, and it is stopped */
        fprintf(stderr, "knob: trial %lld: %s: %s; its program is stopped\n", (long long)sl->number,
                what, knob_errmsg());
        run_stop(sl, WHY_ELSEWHERE);
        return false;
    }
    return rrc != KNOB_ESTATE && run_saved(r, sl->number, rrc, what);
}

static void values_of(const slot *sl, run_values *v)
{
    memcpy(v->last, sl->last, sizeof v->last);
    memcpy(v->have, sl->have, sizeof v->have);
    memcpy(v->clast, sl->clast, sizeof v->clast);
    memcpy(v->chave, sl->chave, sizeof v->chave);
    v->cost_last = sl->cost_last;
    v->cost_have = sl->cost_have;
}

/* values_of's other way: the slot's values as v holds them. */
static void put_values(slot *sl, const run_values *v)
{
    memcpy(sl->last, v->last, sizeof v->last);
    memcpy(sl->have, v->have, sizeof v->have);
    memcpy(sl->clast, v->clast, sizeof v->clast);
    memcpy(sl->chave, v->chave, sizeof v->chave);
    sl->cost_last = v->cost_last;
    sl->cost_have = v->cost_have;
}

static void drop_held(slot *sl)
{
    free(sl->held);
    sl->held = NULL;
    sl->n_held = sl->cap_held = 0;
    sl->prune_due = 0;
}

/* The program exited while its stop waited: it ran through, and is not judged again. */
static void ran_through(runner *r, slot *sl)
{
    size_t i = 0;
    while (i < sl->n_held && report(r, sl, sl->held[i].step, sl->held[i].value))
        i++;
    drop_held(sl);
    sl->ran_through = true;
}

void run_prune_settle(runner *r, slot *sl)
{
    if (sl->prune_due <= 0)
        return;
    if (sl->why != WHY_NONE) { /* stopped meanwhile (timeout, Ctrl-C): not for the pruner */
        drop_held(sl);
        return;
    }
    if (exited(sl)) {
        ran_through(r, sl);
        return;
    }
    if (run_now() < sl->prune_due)
        return;
    put_values(sl, &sl->pruned_at);
    drop_held(sl);
    run_stop(sl, WHY_PRUNE);
}

/* Keeps an intermediate value read while a stop waits, to report if the program exits. */
static void hold(runner *r, slot *sl, int64_t step, double v)
{
    if (sl->n_held == sl->cap_held) {
        size_t cap = sl->cap_held ? 2 * sl->cap_held : 64;
        run_held *p = realloc(sl->held, cap * sizeof *p);
        if (!p) { /* no room to wait in: the stop is made now */
            sl->prune_due = run_now();
            run_prune_settle(r, sl);
            return;
        }
        sl->held = p;
        sl->cap_held = cap;
    }
    sl->held[sl->n_held++] = (run_held){step, v};
}

static void on_record(runner *r, slot *sl, const record *rec)
{
    const sweep *sw = r->sw;
    double v, step = -1;
    /* A pruned trial keeps the objectives, constraints and cost it printed up to the record
     * it was pruned on: what it prints once stopped is not its result. */
    bool pruned = sl->why == WHY_PRUNE;
    for (size_t i = 0; i < sw->n_objectives && !pruned; i++) {
        if (record_get(rec, sw->objectives[i].name, &v)) {
            sl->last[i] = v;
            sl->have[i] = true;
        }
    }
    if (sw->cost && strcmp(sw->cost, "duration") && !pruned && record_get(rec, sw->cost, &v)) {
        sl->cost_last = v;
        sl->cost_have = true;
    }
    for (size_t i = 0; i < sw->n_constraints && !pruned; i++) {
        if (record_get(rec, sw->constraints[i].name, &v)) {
            sl->clast[i] = v;
            sl->chave[i] = true;
        }
    }
    if (!sw->n_objectives || !record_get(rec, sw->objectives[reported_objective(sw)].name, &v))
        return;
    bool has_step = false;
    for (const char *const *k = step_keys; *k && !has_step; k++)
        has_step = record_get(rec, *k, &step);
    if (!has_step)
        step = (double)sl->n_records;
    sl->n_records++;
    if (sl->why != WHY_NONE)
        return;
    if (!(step >= 0) || step > MAX_STEP || step != floor(step)) {
        bad_step(sl, step);
        return;
    }
    if (sl->prune_due > 0 && exited(sl))
        ran_through(r, sl);
    if (sl->prune_due > 0) { /* a stop waits: the value counts only if the program exits */
        hold(r, sl, (int64_t)step, v);
        return;
    }
    /* NaN and infinities are reported too: the library prunes a diverged run on them */
    if (!report(r, sl, (int64_t)step, v) || sl->prune_off || sl->ran_through)
        return;
    bool prune = false;
    int rc = knob_trial_should_prune(sl->t, &prune);
    if (rc) {
        /* KNOB_ESTATE: the trial was finished elsewhere (knob tell, the dashboard); the
         * pruner would refuse each later record alike: said once */
        sl->prune_off = rc == KNOB_ESTATE;
        fprintf(stderr, "knob: trial %lld: pruner: %s%s\n", (long long)sl->number, knob_errmsg(),
                sl->prune_off ? " (the pruner is not asked again for this trial)" : "");
    }
    if (!prune)
        return;
    /* A record read after its program exited (all of its output came at its exit, or it is
     * that fast) is no moment to stop it at: it has run through, and its end decides. One
     * that still runs is stopped RUN_PRUNE_WAIT later unless it exits by then (a program
     * whose block-buffered output came as it exits, before its teardown). */
    if (exited(sl)) {
        sl->ran_through = true;
        return;
    }
    sl->prune_due = run_now() + RUN_PRUNE_WAIT;
    values_of(sl, &sl->pruned_at);
    sl->prune_key = sw->objectives[reported_objective(sw)].name;
}

/* A line that gave a metric under two forms ("epoch 3 train loss: 0.25 val loss: 0.30" of
 * loss, the word before a key passed over): its last value is taken, as of a key given
 * twice, but a program that prints a train and a validation loss so would have the trial's
 * value and intermediate values switch between them. Said once per run, on stderr. */
static void warn_clash(runner *r, const slot *sl, const record *rec)
{
    const sweep *sw = r->sw;
    const record_field *f = NULL;
    for (size_t i = 0; i < sw->n_objectives && !f; i++)
        f = record_clash(rec, sw->objectives[i].name);
    for (size_t i = 0; i < sw->n_constraints && !f; i++)
        f = record_clash(rec, sw->constraints[i].name);
    if (!f && sw->cost)
        f = record_clash(rec, sw->cost);
    if (!f)
        return;
    char quoted[204];
    quote_line(quoted, sizeof quoted - 1, sl->line, strlen(sl->line));
    fprintf(stderr,
            "knob: warning: trial %lld: a line gives %s twice, as '%s%s%s' (%.6g) and '%s%s%s' "
            "(%.6g): the word before a key is passed over, and the last value, %.6g, is "
            "taken; if they are two metrics, print them under names of their own "
            "(train_%s=..., val_%s=...); said once per run: \"%s\"\n",
            (long long)sl->number, f->key, f->clash_word, *f->clash_word ? " " : "", f->key,
            f->clash_value, f->word, *f->word ? " " : "", f->key, f->value, f->value, f->key,
            f->key, quoted);
    r->warned_clash = true;
}

/* Whether a word before a key names a split of the data ("train loss", "Validation loss"):
 * other words there are a unit ("3.2 s loss: 0.5", then "65 ms loss: 0.3"), a log's level
 * (INFO, WARNING) or a description ("mean", "best"), which vary from line to line of one
 * metric. */
static bool split_word(const char *w)
{
    static const char *const splits[] = {"train", "training", "val",        "valid", "validation",
                                         "test",  "eval",     "evaluation", "dev",   NULL};
    for (const char *const *k = splits; *k; k++)
        if (!strcasecmp(w, *k))
            return true;
    return false;
}

/* The same across lines: an objective's key under two splits' words ("train loss: 0.25" on
 * one line, "val loss: 0.30" on the next), each line's value taken in turn, so the trial's
 * value is whichever the program printed last. A key with no such word before it ("loss:
 * 0.5", "step 1 loss: 0.5", "INFO loss: 0.5") is no such pair. Said once per run, as
 * warn_clash. */
static void warn_clash_lines(runner *r, slot *sl, const record *rec)
{
    const sweep *sw = r->sw;
    for (size_t i = 0; i < sw->n_objectives; i++) {
        const record_field *f = record_field_of(rec, sw->objectives[i].name);
        if (!f || !split_word(f->word))
            continue;
        const char *was = sl->word[i];
        if (!r->warned_clash && was[0] && strcmp(was, f->word)) {
            fprintf(stderr,
                    "knob: warning: trial %lld: lines give %s under two words, '%s %s' (%.6g) "
                    "and then '%s %s' (%.6g): the word before a key is passed over, and each "
                    "line's value is taken in turn, the trial's the last; if they are two "
                    "metrics, print them under names of their own (train_%s=..., val_%s=...); "
                    "said once per run\n",
                    (long long)sl->number, f->key, was, f->key, sl->word_value[i], f->word, f->key,
                    f->value, f->key, f->key);
            r->warned_clash = true;
        }
        memcpy(sl->word[i], f->word, sizeof sl->word[i]);
        sl->word_value[i] = f->value;
    }
}

/* A line has ended: parsed, unless it was too long (then it is skipped whole, and the
 * trial's stdout.log says so below it). A line holding a NUL is not text: no record. */
static void on_line(runner *r, slot *sl)
{
    record rec;
    if (sl->line_skip) {
        log_note(sl, "that an over-long line was skipped",
                 "knob: the line above (%zu bytes) is longer than %d bytes: skipped, not read "
                 "as a record\n",
                 sl->line_skip, RUN_MAX_LINE);
        if (!sl->warned_long)
            fprintf(stderr,
                    "knob: trial %lld: a stdout line of more than %d bytes was skipped, not "
                    "read as a record (see its stdout.log)\n",
                    (long long)sl->number, RUN_MAX_LINE);
        sl->warned_long = true;
        sl->line_skip = 0;
        sl->line_len = 0;
        return;
    }
    size_t n = sl->line_len;
    sl->line_len = 0;
    if (!n || memchr(sl->line, 0, n))
        return;
    /* take() kept a line the program overwrote with '\r' from its last '\r' on (as a terminal
     * shows it): the '\r's that end it are a "\r\n" line end's, or nothing more to show */
    while (n && sl->line[n - 1] == '\r')
        n--;
    if (!n)
        return;
    sl->line[n] = 0;
    /* only the keys on_record reads: the metric may come after any number of others */
    const sweep *sw = r->sw;
    const char *keys[SWEEP_MAX_OBJECTIVES + SWEEP_MAX_CONSTRAINTS + 8];
    size_t n_keys = 0;
    for (size_t i = 0; i < sw->n_objectives; i++)
        keys[n_keys++] = sw->objectives[i].name;
    for (size_t i = 0; i < sw->n_constraints; i++)
        keys[n_keys++] = sw->constraints[i].name;
    if (sw->cost)
        keys[n_keys++] = sw->cost;
    for (const char *const *k = step_keys; *k; k++)
        keys[n_keys++] = *k;
    bool is_record = record_parse_keys(sl->line, keys, n_keys, &rec);
    if (is_record && !r->warned_clash)
        warn_clash(r, sl, &rec);
    if (is_record)
        warn_clash_lines(r, sl, &rec);
    if (is_record)
        on_record(r, sl, &rec);
    for (size_t i = 0; i < r->sw->n_objectives; i++) {
        /* kept for the reason of a trial that prints no number for it */
        const char *key = r->sw->objectives[i].name, *text = record_bad(&rec, key);
        double v;
        if (text)
            snprintf(sl->bad[i], sizeof sl->bad[i], "%s", text);
        else if (!(is_record && record_get(&rec, key, &v)) && record_mentions(sl->line, key))
            quote_line(sl->unread[i], RUN_UNREAD_MAX - 1, sl->line, n);
    }
    for (size_t i = 0; i < r->sw->n_constraints; i++) {
        const char *text = record_bad(&rec, r->sw->constraints[i].name);
        if (text)
            snprintf(sl->cbad[i], sizeof sl->cbad[i], "%s", text);
    }
    const char *text = r->sw->cost ? record_bad(&rec, r->sw->cost) : NULL;
    if (text)
        snprintf(sl->cost_bad, sizeof sl->cost_bad, "%s", text);
}

/* Room for `need` bytes in the line buffer, which grows up to RUN_MAX_LINE + 1. */
static bool line_room(slot *sl, size_t need)
{
    if (need <= sl->line_cap)
        return true;
    size_t cap = sl->line_cap ? sl->line_cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > RUN_MAX_LINE + 1)
        cap = RUN_MAX_LINE + 1;
    char *p = realloc(sl->line, cap);
    if (!p)
        return false;
    sl->line = p;
    sl->line_cap = cap;
    return true;
}

/* Takes bytes from buf up to the end of its first line (or all of it); returns how many,
 * and whether a line ended. */
static size_t take(runner *r, slot *sl, const char *buf, size_t n, bool *ended)
{
    const char *start = buf;
    const char *nl = memchr(buf, '\n', n);
    size_t k = nl ? (size_t)(nl - buf) : n, end = nl != NULL;
    if (run_log(sl, false)) {
        size_t len = k + end;
        errno = 0;
        /* a failed flush of the stream's buffer may leave the count whole: its error flag */
        if ((fwrite(buf, 1, len, sl->out_log) < len || ferror(sl->out_log)) && !sl->out_werr)
            sl->out_werr = errno ? errno : -1;
    }
    /* What a '\r' rewrites (one not of a "\r\n") is dropped as it comes, so that a progress
     * loop's line of any length is read: its part after the last '\r' (on_line) */
    const char *from = buf;
    size_t text = k; /* up to the '\r's that end the chunk, which may be a line end's */
    while (text && buf[text - 1] == '\r')
        text--;
    if (text && sl->line_cr)
        sl->line_len = sl->line_skip = 0;
    for (const char *p = buf + text; p > buf; p--)
        if (p[-1] == '\r') {
            from = p;
            sl->line_len = sl->line_skip = 0;
            break;
        }
    if (k)
        sl->line_cr = buf[k - 1] == '\r';
    k -= (size_t)(from - buf);
    buf = from;
    if (!sl->line_skip &&
        (sl->line_len + k > RUN_MAX_LINE || !line_room(sl, sl->line_len + k + 1))) {
        sl->line_skip = sl->line_len;
        sl->line_len = 0;
    }
    if (sl->line_skip) {
        sl->line_skip += k;
    } else {
        memcpy(sl->line + sl->line_len, buf, k);
        sl->line_len += k;
    }
    *ended = nl != NULL;
    if (nl) {
        sl->line_cr = false;
        on_line(r, sl);
    }
    return (size_t)(buf - start) + k + end;
}

bool run_pending(const slot *sl)
{
    return sl->in_at < sl->in_len;
}

/* The end of stdout: its last line, even without a newline, is read. */
static void stdout_ended(runner *r, slot *sl)
{
    /* the output ended inside an over-long line: its note on a line of its own */
    if (sl->line_skip && run_log(sl, false))
        fputc('\n', sl->out_log);
    if (sl->line_len || sl->line_skip)
        on_line(r, sl);
    close(sl->out_fd);
    sl->out_fd = -1;
}

/* At most `want` bytes, and no more than the pipe held when the program exited (owed). */
static size_t owed_cap(size_t want, size_t owed)
{
    return owed < want ? owed : want;
}

void run_output_owed(slot *sl)
{
    int held;
    sl->out_owed = sl->err_owed = SIZE_MAX;
    if (sl->out_fd >= 0 && ioctl(sl->out_fd, FIONREAD, &held) == 0 && held >= 0)
        sl->out_owed = (size_t)held;
    if (sl->err_fd >= 0 && ioctl(sl->err_fd, FIONREAD, &held) == 0 && held >= 0)
        sl->err_owed = (size_t)held;
}

static void read_stdout(runner *r, slot *sl)
{
    double until = run_now() + SLICE_SECONDS;
    size_t budget = SLICE_BYTES;
    for (;;) {
        while (sl->in_at < sl->in_len) {
            bool ended;
            sl->in_at += take(r, sl, sl->in + sl->in_at, sl->in_len - sl->in_at, &ended);
            if (ended && run_now() >= until)
                return; /* the rest waits for the next turn of the loop */
        }
        if (sl->out_fd < 0 || !budget || run_now() >= until)
            return;
        /* once the program has exited, what the pipe held then is all of its output: what
         * a process that left its group (and holds the pipe) writes after it is not read */
        size_t want = owed_cap(budget < sizeof sl->in ? budget : sizeof sl->in, sl->out_owed);
        ssize_t n = want ? read(sl->out_fd, sl->in, want) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            stdout_ended(r, sl);
            return;
        }
        if (sl->out_owed != SIZE_MAX)
            sl->out_owed -= (size_t)n;
        sl->in_at = 0;
        sl->in_len = (size_t)n;
        budget -= (size_t)n;
    }
}

void run_output_close(runner *r, slot *sl)
{
    if (sl->out_fd >= 0 && sl->out_owed == SIZE_MAX) {
        sl->out_owed = 0; /* what was read is read whole, its last line too */
        read_stdout(r, sl);
    }
    if (sl->err_fd >= 0 && sl->err_owed == SIZE_MAX) {
        close(sl->err_fd);
        sl->err_fd = -1;
    }
}

/* A slice's output reaches the trial's log when the slice is read (one write a slice, not a
 * line): `tail -f` on a running trial's stdout.log shows its lines as they come, and a knob
 * killed mid-trial loses none of what was read. */
void run_read_stdout(runner *r, slot *sl)
{
    read_stdout(r, sl);
    errno = 0;
    if (sl->out_log && fflush(sl->out_log) && !sl->out_werr)
        sl->out_werr = errno ? errno : -1;
}

void run_read_stderr(slot *sl)
{
    char buf[8192];
    size_t budget = SLICE_BYTES;
    while (sl->err_fd >= 0 && budget) {
        size_t want = owed_cap(sizeof buf, sl->err_owed);
        ssize_t n = want ? read(sl->err_fd, buf, want) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            close(sl->err_fd);
            sl->err_fd = -1;
            return;
        }
        budget -= (size_t)n < budget ? (size_t)n : budget;
        if (sl->err_owed != SIZE_MAX)
            sl->err_owed -= (size_t)n;
        if (run_log(sl, true)) {
            errno = 0;
            if ((fwrite(buf, 1, (size_t)n, sl->err_log) < (size_t)n || fflush(sl->err_log)) &&
                !sl->err_werr)
                sl->err_werr = errno ? errno : -1;
        }
        for (ssize_t i = 0; i < n; i++) {
            sl->tail[sl->tail_at] = buf[i];
            sl->tail_at = (sl->tail_at + 1) % sizeof sl->tail;
            if (sl->tail_len < sizeof sl->tail)
                sl->tail_len++;
        }
    }
}

void run_stderr_tail(const slot *sl, knobx_buf *b, int max_lines)
{
    char text[sizeof sl->tail + 1];
    size_t start = (sl->tail_at + sizeof sl->tail - sl->tail_len) % sizeof sl->tail;
    for (size_t i = 0; i < sl->tail_len; i++)
        text[i] = sl->tail[(start + i) % sizeof sl->tail];
    size_t n = sl->tail_len;
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\r'))
        n--;
    text[n] = 0;
    const char *p = text + n;
    int lines = 0;
    while (p > text) {
        if (p[-1] == '\n' && ++lines >= max_lines)
            break;
        p--;
    }
    /* a full ring that starts the text may start in the middle of a line, or of a UTF-8
     * character (its continuation bytes are left out) */
    bool cut = p == text && sl->tail_len == sizeof sl->tail;
    while (cut && p < text + n && ((unsigned char)*p & 0xC0) == 0x80)
        p++;
    if (p == text + n)
        return;
    /* a NUL (a progress bar's padding, binary output) would end the reason there, and the
     * error after it with it: it is U+FFFD, as a byte that is not UTF-8 is */
    knobx_buf_printf(b, "; stderr:\n%s", cut ? "[...]" : "");
    knobx_buf_add_utf8(b, p, (size_t)(text + n - p));
}
