/* A trial's output: stdout read line by line as it comes (records of the metric go to the
 * library at once, and to the pruner), stderr kept with its tail for failure reasons. Both
 * are copied to the trial's log files. */
#include "cli/records.h"
#include "cli/run.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static const char *const step_keys[] = {"step", "epoch", "iteration", "iter", NULL};

static void on_record(runner *r, slot *sl, const record *rec)
{
    const sweep *sw = r->sw;
    double v, step = -1;
    for (size_t i = 0; i < sw->n_objectives; i++) {
        if (record_get(rec, sw->objectives[i].name, &v)) {
            sl->last[i] = v;
            sl->have[i] = true;
        }
    }
    if (!record_get(rec, sw->objectives[0].name, &v))
        return;
    bool has_step = false;
    for (const char *const *k = step_keys; *k && !has_step; k++)
        has_step = record_get(rec, *k, &step);
    if (!has_step)
        step = (double)sl->n_records;
    sl->n_records++;
    if (!isfinite(v) || !(step >= 0) || step > 9e15 || sl->why != WHY_NONE)
        return;
    bool prune = false;
    if (knob_trial_report(sl->t, (int64_t)step, v) || knob_trial_should_prune(sl->t, &prune))
        fprintf(stderr, "knob: trial %lld: %s\n", (long long)sl->number, knob_errmsg());
    if (prune)
        run_stop(sl, WHY_PRUNE);
}

static void on_line(runner *r, slot *sl)
{
    record rec;
    sl->line[sl->line_len] = 0;
    sl->line_len = 0;
    if (record_parse(sl->line, &rec))
        on_record(r, sl, &rec);
}

static void take_stdout(runner *r, slot *sl, const char *buf, size_t n)
{
    if (sl->out_log)
        fwrite(buf, 1, n, sl->out_log);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            on_line(r, sl);
            continue;
        }
        if (sl->line_len + 1 >= sizeof sl->line)
            on_line(r, sl); /* a very long line: read in pieces */
        sl->line[sl->line_len++] = buf[i];
    }
}

void run_read_stdout(runner *r, slot *sl)
{
    char buf[8192];
    while (sl->out_fd >= 0) {
        ssize_t n = read(sl->out_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            if (sl->line_len)
                on_line(r, sl);
            close(sl->out_fd);
            sl->out_fd = -1;
            return;
        }
        take_stdout(r, sl, buf, (size_t)n);
    }
}

void run_read_stderr(slot *sl)
{
    char buf[8192];
    while (sl->err_fd >= 0) {
        ssize_t n = read(sl->err_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            close(sl->err_fd);
            sl->err_fd = -1;
            return;
        }
        if (sl->err_log)
            fwrite(buf, 1, (size_t)n, sl->err_log);
        for (ssize_t i = 0; i < n; i++) {
            sl->tail[sl->tail_at] = buf[i];
            sl->tail_at = (sl->tail_at + 1) % sizeof sl->tail;
            if (sl->tail_len < sizeof sl->tail)
                sl->tail_len++;
        }
    }
}

void run_stderr_tail(const slot *sl, knob__buf *b, int max_lines)
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
    if (*p)
        knob__buf_printf(b, "; stderr:\n%s", p);
}
