/* knob run: trials as child processes, K at a time, in one poll() loop. */
#include "cli/cli.h"
#include "cli/params.h"
#include "cli/records.h"
#include "util/json.h"
#include "util/url.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARALLEL 256
#define KILL_GRACE 5.0

enum { WHY_NONE, WHY_PRUNE, WHY_TIMEOUT, WHY_INTERRUPT };

typedef struct slot {
    bool used;
    pid_t pid; /* 0 once reaped */
    int status;
    int out_fd, err_fd;
    knob_trial *t;
    int64_t number;
    trial_params tp;
    FILE *out_log, *err_log;
    char line[16384];
    size_t line_len;
    char tail[4096]; /* the end of stderr, a ring */
    size_t tail_len, tail_at;
    double started, term_sent, last_beat;
    int why;
    int64_t n_records;
    double last[16];
    bool have[16];
} slot;

typedef struct runner {
    const sweep *sw;
    study_ref ref;
    const char *study_name, *storage;
    char trial_root[4000];
    slot slots[MAX_PARALLEL];
    int parallel, running;
    int64_t limit, launched, done, failed, pruned; /* limit 0: none */
    double started, deadline, trial_timeout;
    bool exhausted, tty;
} runner;

static int wake[2] = {-1, -1};
static volatile sig_atomic_t interrupted;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGINT || sig == SIGTERM)
        interrupted = 1;
    if (write(wake[1], "x", 1) < 0) {
        /* the pipe is full: poll wakes anyway */
    }
    errno = saved;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/* ---------------------------------------------------------------- argv */

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void push(strv *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = strdup(s);
    a->v[a->n] = NULL;
}

static void strv_free(strv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

static const char *interpreter(const sweep *sw)
{
    size_t n = sw->program ? strlen(sw->program) : 0;
    return n > 3 && !strcmp(sw->program + n - 3, ".py") ? "python3" : NULL;
}

static void push_args(strv *a, const trial_params *tp, bool hyphens)
{
    for (size_t i = 0; i < tp->n; i++) {
        knob__buf b = {0};
        knob__buf_printf(&b, "%s%s=", hyphens ? "--" : "", tp->v[i].name);
        params_value_text(&b, &tp->v[i].value);
        push(a, knob__buf_cstr(&b));
        knob__buf_free(&b);
    }
}

/* Expands one element of the command template; the list macros stand alone. */
static void expand(strv *a, const char *elem, const sweep *sw, const trial_params *tp,
                   const char *json_file)
{
    if (!strcmp(elem, "${args}"))
        return push_args(a, tp, true);
    if (!strcmp(elem, "${args_no_hyphens}"))
        return push_args(a, tp, false);
    if (!strcmp(elem, "${env}"))
        return push(a, "/usr/bin/env");
    if (!strcmp(elem, "${interpreter}")) {
        if (interpreter(sw))
            push(a, interpreter(sw));
        return;
    }
    knob__buf b = {0};
    for (const char *s = elem; *s;) {
        const char *m = strstr(s, "${");
        if (!m) {
            knob__buf_puts(&b, s);
            break;
        }
        knob__buf_add(&b, s, (size_t)(m - s));
        if (!strncmp(m, "${program}", 10)) {
            knob__buf_puts(&b, sw->program ? sw->program : "");
            s = m + 10;
        } else if (!strncmp(m, "${args_json_file}", 17)) {
            knob__buf_puts(&b, json_file);
            s = m + 17;
        } else if (!strncmp(m, "${args_json}", 12)) {
            knob__buf_puts(&b, tp->json);
            s = m + 12;
        } else {
            knob__buf_add(&b, m, 2);
            s = m + 2;
        }
    }
    push(a, knob__buf_cstr(&b));
    knob__buf_free(&b);
}

static void build_argv(strv *a, const sweep *sw, const trial_params *tp, const char *json_file)
{
    static const char *const dflt[] = {"${env}", "${interpreter}", "${program}", "${args}"};
    size_t n = sw->command ? sw->n_command : 4;
    for (size_t i = 0; i < n; i++)
        expand(a, sw->command ? sw->command[i] : dflt[i], sw, tp, json_file);
}

/* ---------------------------------------------------------------- launching */

static void child(const strv *argv, int out_w, int err_w, char **env)
{
    setpgid(0, 0);
    dup2(out_w, STDOUT_FILENO);
    dup2(err_w, STDERR_FILENO);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    for (char **e = env; *e; e++)
        putenv(*e);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv->v[0], argv->v);
    fprintf(stderr, "knob: cannot run '%s': %s\n", argv->v[0], strerror(errno));
    _exit(127);
}

static FILE *open_log(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fopen(path, "w");
}

static void fail_now(runner *r, slot *sl, const char *why)
{
    knob__buf b = {0};
    knob__json_add_string(&b, why);
    knob_trial_set_system_attr(sl->t, "fail_reason", knob__buf_cstr(&b));
    knob__buf_free(&b);
    knob_study_tell(r->ref.s, sl->t, KNOB_TRIAL_FAIL, NULL, 0);
    sl->t = NULL;
}

/* Starts one trial; 1 when started, 0 when the search is done, -1 on error. */
static int launch(runner *r, slot *sl)
{
    knob_trial *t;
    int rc = knob_study_ask(r->ref.s, &t);
    if (rc == KNOB_EDONE)
        return 0;
    if (rc) {
        fprintf(stderr, "knob: ask: %s\n", knob_errmsg());
        return -1;
    }
    memset(sl, 0, sizeof *sl);
    sl->t = t;
    sl->number = knob_trial_number(t);
    sl->out_fd = sl->err_fd = -1;
    if (params_suggest(r->sw, t, r->ref.grid, &sl->tp)) {
        fail_now(r, sl, "its params could not be suggested");
        return -1;
    }
    knob_trial_set_user_attr(t, "params", sl->tp.json);
    char dir[4200], json_file[4300], num[32];
    snprintf(dir, sizeof dir, "%s/%lld", r->trial_root, (long long)sl->number);
    snprintf(json_file, sizeof json_file, "%s/params.json", dir);
    snprintf(num, sizeof num, "%lld", (long long)sl->number);
    FILE *jf = mkdirs(dir) ? NULL : fopen(json_file, "w");
    if (!jf) {
        fprintf(stderr, "knob: cannot create the trial directory %s: %s\n", dir, strerror(errno));
        fail_now(r, sl, "cannot create its trial directory");
        return -1;
    }
    fputs(sl->tp.json, jf);
    fclose(jf);
    sl->out_log = open_log(dir, "stdout.log");
    sl->err_log = open_log(dir, "stderr.log");
    strv argv = {0};
    build_argv(&argv, r->sw, &sl->tp, json_file);
    knob__buf env[4] = {{0}};
    knob__buf_printf(&env[0], "KNOB_PARAMS_JSON=%s", sl->tp.json);
    knob__buf_printf(&env[1], "KNOB_TRIAL_NUMBER=%s", num);
    knob__buf_printf(&env[2], "KNOB_TRIAL_DIR=%s", dir);
    knob__buf_printf(&env[3], "KNOB_STUDY=%s", r->study_name);
    char *envp[5] = {env[0].data, env[1].data, env[2].data, env[3].data, NULL};
    int out[2], err[2];
    if (pipe(out) || pipe(err)) {
        perror("knob: pipe");
        exit(EXIT_FAIL);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        child(&argv, out[1], err[1], envp);
    strv_free(&argv);
    for (int i = 0; i < 4; i++)
        knob__buf_free(&env[i]);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        fail_now(r, sl, "fork failed");
        return -1;
    }
    setpgid(pid, pid);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    sl->used = true;
    sl->pid = pid;
    sl->out_fd = out[0];
    sl->err_fd = err[0];
    sl->started = sl->last_beat = now();
    r->running++;
    r->launched++;
    return 1;
}

/* ---------------------------------------------------------------- output of trials */

static void kill_group(slot *sl, int sig)
{
    if (sl->pid > 0)
        kill(-sl->pid, sig);
}

static void stop(slot *sl, int why)
{
    if (sl->why != WHY_NONE)
        return;
    sl->why = why;
    sl->term_sent = now();
    kill_group(sl, SIGTERM);
}

static void on_record(runner *r, slot *sl, const record *rec)
{
    const sweep *sw = r->sw;
    double v, step;
    for (size_t i = 0; i < sw->n_objectives && i < 16; i++) {
        if (record_get(rec, sw->objectives[i].name, &v)) {
            sl->last[i] = v;
            sl->have[i] = true;
        }
    }
    if (!record_get(rec, sw->objectives[0].name, &v))
        return;
    if (!record_get(rec, "step", &step) && !record_get(rec, "epoch", &step) &&
        !record_get(rec, "iteration", &step) && !record_get(rec, "iter", &step))
        step = (double)sl->n_records;
    sl->n_records++;
    if (!isfinite(v) || !(step >= 0) || sl->why != WHY_NONE)
        return;
    bool prune = false;
    if (knob_trial_report(sl->t, (int64_t)step, v) || knob_trial_should_prune(sl->t, &prune))
        fprintf(stderr, "knob: trial %lld: %s\n", (long long)sl->number, knob_errmsg());
    if (prune)
        stop(sl, WHY_PRUNE);
}

static void on_line(runner *r, slot *sl, char *line)
{
    record rec;
    if (record_parse(line, &rec))
        on_record(r, sl, &rec);
}

static void read_stdout(runner *r, slot *sl)
{
    char buf[8192];
    for (;;) {
        ssize_t n = read(sl->out_fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) {
            if (sl->line_len) {
                sl->line[sl->line_len] = 0;
                on_line(r, sl, sl->line);
                sl->line_len = 0;
            }
            close(sl->out_fd);
            sl->out_fd = -1;
            return;
        }
        if (sl->out_log)
            fwrite(buf, 1, (size_t)n, sl->out_log);
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || sl->line_len + 1 >= sizeof sl->line) {
                sl->line[sl->line_len] = 0;
                on_line(r, sl, sl->line);
                sl->line_len = 0;
            }
            if (buf[i] != '\n')
                sl->line[sl->line_len++] = buf[i];
        }
    }
}

static void read_stderr(slot *sl)
{
    char buf[8192];
    for (;;) {
        ssize_t n = read(sl->err_fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
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

/* The last lines of stderr, for a failure's reason. */
static void stderr_tail(const slot *sl, knob__buf *b, int max_lines)
{
    char text[sizeof sl->tail + 1];
    size_t start = (sl->tail_at + sizeof sl->tail - sl->tail_len) % sizeof sl->tail;
    for (size_t i = 0; i < sl->tail_len; i++)
        text[i] = sl->tail[(start + i) % sizeof sl->tail];
    text[sl->tail_len] = 0;
    size_t n = sl->tail_len;
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = 0;
    const char *p = text + n;
    int lines = 0;
    while (p > text && lines < max_lines)
        if (*--p == '\n')
            lines++;
    if (*p == '\n')
        p++;
    if (*p)
        knob__buf_printf(b, "; stderr: %s", p);
}

/* ---------------------------------------------------------------- finishing */

static void print_result(runner *r, const slot *sl, knob_trial_state state, const char *reason);

static void finish(runner *r, slot *sl)
{
    const sweep *sw = r->sw;
    knob__buf why = {0};
    knob_trial_state state = KNOB_TRIAL_COMPLETE;
    double values[16];
    int st = sl->status;
    if (sl->why == WHY_PRUNE) {
        state = KNOB_TRIAL_PRUNED;
    } else if (sl->why == WHY_INTERRUPT) {
        knob__buf_puts(&why, "interrupted (knob run was stopped)");
    } else if (sl->why == WHY_TIMEOUT) {
        knob__buf_printf(&why, "timed out after %gs", r->trial_timeout);
    } else if (WIFSIGNALED(st)) {
        knob__buf_printf(&why, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        knob__buf_printf(&why, "exit status %d", WEXITSTATUS(st));
    } else {
        for (size_t i = 0; i < sw->n_objectives && !why.len; i++) {
            if (!sl->have[i])
                knob__buf_printf(&why, "no metric '%s' in stdout", sw->objectives[i].name);
            else if (!isfinite(sl->last[i]))
                knob__buf_printf(&why, "metric '%s' is %g", sw->objectives[i].name, sl->last[i]);
            values[i] = sl->last[i];
        }
    }
    if (why.len) {
        state = KNOB_TRIAL_FAIL;
        if (sl->why == WHY_NONE || sl->why == WHY_TIMEOUT)
            stderr_tail(sl, &why, 20);
        knob__buf js = {0};
        knob__json_add_string(&js, knob__buf_cstr(&why));
        knob_trial_set_system_attr(sl->t, "fail_reason", knob__buf_cstr(&js));
        knob__buf_free(&js);
    }
    int rc = knob_study_tell(r->ref.s, sl->t, state, values, sw->n_objectives);
    if (rc && rc != KNOB_EINVAL)
        fprintf(stderr, "knob: tell trial %lld: %s\n", (long long)sl->number, knob_errmsg());
    r->done++;
    r->failed += state == KNOB_TRIAL_FAIL;
    r->pruned += state == KNOB_TRIAL_PRUNED;
    print_result(r, sl, state, knob__buf_cstr(&why));
    knob__buf_free(&why);
    if (sl->out_log)
        fclose(sl->out_log);
    if (sl->err_log)
        fclose(sl->err_log);
    params_free(&sl->tp);
    sl->used = false;
    r->running--;
}

static slot *slot_of(runner *r, pid_t pid)
{
    for (int i = 0; i < r->parallel; i++)
        if (r->slots[i].used && r->slots[i].pid == pid)
            return &r->slots[i];
    return NULL;
}

static void reap(runner *r)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        slot *sl = slot_of(r, pid);
        if (sl) {
            sl->status = st;
            sl->pid = 0;
            /* The process is gone; kill what it left in its group. */
            kill(-pid, SIGKILL);
        }
    }
}

/* ---------------------------------------------------------------- progress */

static void best_text(runner *r, knob__buf *b)
{
    const knob_trial_info *best;
    if (knob_study_n_objectives(r->ref.s) != 1) {
        const knob_trial_info **front;
        size_t n;
        if (!knob_study_best_trials(r->ref.s, &front, &n)) {
            knob__buf_printf(b, "Pareto front: %zu trials", n);
            free(front);
        }
        return;
    }
    if (knob_study_best_trial(r->ref.s, &best))
        return;
    knob__buf_printf(b, "best %.6g (trial %lld) ", best->values[0], (long long)best->number);
    cli_trial_params_json(b, best);
}

static void clock_text(knob__buf *b, double s)
{
    long t = (long)s;
    if (t >= 3600)
        knob__buf_printf(b, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        knob__buf_printf(b, "%ldm%02lds", t / 60, t % 60);
}

static void print_result(runner *r, const slot *sl, knob_trial_state state, const char *reason)
{
    double elapsed = now() - r->started;
    knob__buf b = {0};
    if (r->tty)
        knob__buf_puts(&b, "\r\033[K");
    if (!r->tty || state == KNOB_TRIAL_FAIL) {
        knob__buf_printf(&b, "trial %lld %s", (long long)sl->number, knob_trial_state_str(state));
        if (state == KNOB_TRIAL_COMPLETE)
            for (size_t i = 0; i < r->sw->n_objectives; i++)
                knob__buf_printf(&b, " %s=%.6g", r->sw->objectives[i].name, sl->last[i]);
        if (state == KNOB_TRIAL_FAIL)
            knob__buf_printf(&b, ": %.300s", reason);
        knob__buf_puts(&b, r->tty ? "\n" : "  ");
    }
    knob__buf_printf(&b, "[%lld", (long long)r->done);
    if (r->limit)
        knob__buf_printf(&b, "/%lld", (long long)r->limit);
    knob__buf_printf(&b, " done, %lld failed, %lld pruned, ", (long long)r->failed,
                     (long long)r->pruned);
    clock_text(&b, elapsed);
    if (r->limit && r->done)
        knob__buf_puts(&b, " elapsed, ~"), clock_text(&b, elapsed / r->done * (r->limit - r->done)),
            knob__buf_puts(&b, " left");
    knob__buf_puts(&b, "] ");
    best_text(r, &b);
    if (r->tty && b.len > 400) {
        b.data[400] = 0;
        b.len = 400;
    }
    fputs(knob__buf_cstr(&b), stdout);
    if (!r->tty)
        fputc('\n', stdout);
    fflush(stdout);
    knob__buf_free(&b);
}

static void summary(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n, by[5] = {0};
    if (r->tty)
        fputs("\r\033[K", stdout);
    if (knob_study_trials(r->ref.s, &tr, &n) == KNOB_OK)
        for (size_t i = 0; i < n; i++)
            by[tr[i]->state < 5 ? tr[i]->state : 0]++;
    char *where = knob__redact_url(r->storage);
    printf("\nstudy '%s' in %s: %zu trials (%zu complete, %zu pruned, %zu failed, %zu running, "
           "%zu waiting); this run: %lld trials in ",
           r->study_name, where ? where : "?", n, by[KNOB_TRIAL_COMPLETE], by[KNOB_TRIAL_PRUNED],
           by[KNOB_TRIAL_FAIL], by[KNOB_TRIAL_RUNNING], by[KNOB_TRIAL_WAITING],
           (long long)r->done);
    free(where);
    knob__buf b = {0};
    clock_text(&b, now() - r->started);
    knob__buf_puts(&b, "\n");
    best_text(r, &b);
    printf("%s\n", knob__buf_cstr(&b));
    knob__buf_free(&b);
    if (r->exhausted)
        printf("the grid is done: every point has run\n");
}

/* ---------------------------------------------------------------- the loop */

static bool may_launch(runner *r)
{
    if (interrupted || r->exhausted)
        return false;
    if (r->limit && r->launched >= r->limit)
        return false;
    return !(r->deadline > 0 && now() >= r->deadline);
}

static void check_clocks(runner *r)
{
    double t = now();
    for (int i = 0; i < r->parallel; i++) {
        slot *sl = &r->slots[i];
        if (!sl->used || !sl->pid)
            continue;
        if (t - sl->last_beat >= CLI_HEARTBEAT) {
            sl->last_beat = t;
            knob_trial_heartbeat(sl->t);
        }
        if (r->trial_timeout > 0 && t - sl->started > r->trial_timeout)
            stop(sl, WHY_TIMEOUT);
        if (interrupted)
            stop(sl, WHY_INTERRUPT);
        if (sl->why != WHY_NONE && t - sl->term_sent > (interrupted ? 2.0 : KILL_GRACE))
            kill_group(sl, SIGKILL);
    }
}

static int loop(runner *r)
{
    struct pollfd fds[2 * MAX_PARALLEL + 1];
    slot *owner[2 * MAX_PARALLEL + 1];
    for (;;) {
        while (r->running < r->parallel && may_launch(r)) {
            slot *free_slot = NULL;
            for (int i = 0; i < r->parallel && !free_slot; i++)
                if (!r->slots[i].used)
                    free_slot = &r->slots[i];
            int rc = launch(r, free_slot);
            if (rc == 0)
                r->exhausted = true;
            if (rc < 0)
                return EXIT_FAIL;
        }
        if (r->running == 0)
            return interrupted ? 130 : 0;
        int n = 0;
        fds[n] = (struct pollfd){wake[0], POLLIN, 0};
        owner[n++] = NULL;
        for (int i = 0; i < r->parallel; i++) {
            slot *sl = &r->slots[i];
            if (!sl->used)
                continue;
            if (sl->out_fd >= 0) {
                fds[n] = (struct pollfd){sl->out_fd, POLLIN, 0};
                owner[n++] = sl;
            }
            if (sl->err_fd >= 0) {
                fds[n] = (struct pollfd){sl->err_fd, POLLIN, 0};
                owner[n++] = sl;
            }
        }
        poll(fds, (nfds_t)n, 200);
        if (fds[0].revents) {
            char junk[256];
            while (read(wake[0], junk, sizeof junk) > 0) {
            }
        }
        for (int i = 1; i < n; i++) {
            if (!fds[i].revents)
                continue;
            if (fds[i].fd == owner[i]->out_fd)
                read_stdout(r, owner[i]);
            else if (fds[i].fd == owner[i]->err_fd)
                read_stderr(owner[i]);
        }
        reap(r);
        check_clocks(r);
        for (int i = 0; i < r->parallel; i++) {
            slot *sl = &r->slots[i];
            if (sl->used && !sl->pid && sl->out_fd < 0 && sl->err_fd < 0)
                finish(r, sl);
            else if (sl->used && !sl->pid && now() - sl->started > 0 && sl->why == WHY_NONE) {
                /* exited: drain what is left in the pipes without blocking */
                if (sl->out_fd >= 0)
                    read_stdout(r, sl);
                if (sl->err_fd >= 0)
                    read_stderr(sl);
            }
        }
    }
}

/* ---------------------------------------------------------------- the command */

static void usage(void)
{
    fputs("usage: knob run SWEEP.yaml [--storage URL] [--study NAME] [--trials N] "
          "[--parallel K]\n"
          "                [--timeout DURATION] [--trial-timeout DURATION] [--seed S]\n"
          "Runs the sweep's program once per trial until the budget is spent: --trials (this "
          "run),\nrun_cap (the whole study), --timeout, or an exhausted grid. See docs/cli.md.\n",
          stderr);
}

static int64_t study_size(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    knob_study_trials(r->ref.s, &tr, &n);
    return (int64_t)n;
}

static int parse_run_args(int argc, char **argv, const char **path, const char **storage,
                          const char **study, const char **trials, const char **parallel,
                          const char **timeout, const char **trial_timeout, const char **seed)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            exit(0);
        }
        if (cli_opt(argc, argv, &i, "--storage", storage) ||
            cli_opt(argc, argv, &i, "--study", study) ||
            cli_opt(argc, argv, &i, "--trials", trials) ||
            cli_opt(argc, argv, &i, "--parallel", parallel) ||
            cli_opt(argc, argv, &i, "--timeout", timeout) ||
            cli_opt(argc, argv, &i, "--trial-timeout", trial_timeout) ||
            cli_opt(argc, argv, &i, "--seed", seed))
            continue;
        if (argv[i][0] == '-' || *path) {
            fprintf(stderr, "knob run: unexpected argument '%s'\n", argv[i]);
            usage();
            return -1;
        }
        *path = argv[i];
    }
    if (!*path) {
        usage();
        return -1;
    }
    return 0;
}

static int positive(const char *text, const char *what, int64_t *out)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || v < 1) {
        fprintf(stderr, "knob run: %s must be a whole number >= 1, got '%s'\n", what, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    const char *path = NULL, *storage = NULL, *study = NULL, *trials = NULL, *parallel = NULL,
               *timeout = NULL, *trial_timeout = NULL, *seed = NULL;
    if (parse_run_args(argc, argv, &path, &storage, &study, &trials, &parallel, &timeout,
                       &trial_timeout, &seed))
        return EXIT_USAGE;
    static runner r;
    sweep sw;
    if (sweep_load(path, &sw))
        return EXIT_USAGE;
    memset(&r, 0, sizeof r);
    r.sw = &sw;
    r.parallel = sw.parallel ? (int)sw.parallel : 1;
    r.limit = sw.trials;
    r.trial_timeout = sw.trial_timeout;
    int64_t v, seed_v = 0;
    if ((trials && positive(trials, "--trials", &r.limit)) ||
        (parallel && positive(parallel, "--parallel", &v))) {
        sweep_free(&sw);
        return EXIT_USAGE;
    }
    if (parallel)
        r.parallel = (int)(v > MAX_PARALLEL ? MAX_PARALLEL : v);
    if (seed) {
        char *end;
        seed_v = strtoll(seed, &end, 10);
        if (end == seed || *end) {
            fprintf(stderr, "knob run: --seed must be an integer, got '%s'\n", seed);
            sweep_free(&sw);
            return EXIT_USAGE;
        }
    }
    double total = timeout ? cli_duration(timeout) : 0;
    if (trial_timeout)
        r.trial_timeout = cli_duration(trial_timeout);
    if (total < 0 || r.trial_timeout < 0) {
        fprintf(stderr, "knob run: durations look like 90, 30s, 5m, 2h or 1h30m\n");
        sweep_free(&sw);
        return EXIT_USAGE;
    }
    r.storage = storage ? storage : sw.storage ? sw.storage : KNOB_DEFAULT_STORAGE;
    char *dflt = cli_default_study(path);
    r.study_name = study ? study : sw.study ? sw.study : dflt;
    if (cli_open_sweep_study(&sw, r.storage, r.study_name, seed != NULL, seed_v, &r.ref)) {
        free(dflt);
        sweep_free(&sw);
        return EXIT_FAIL;
    }
    snprintf(r.trial_root, sizeof r.trial_root, "%s/%s", sw.trial_dir ? sw.trial_dir : "knob-runs",
             r.study_name);
    if (sw.run_cap) {
        int64_t left = sw.run_cap - study_size(&r);
        if (left <= 0)
            printf("study '%s' has reached its run_cap of %lld trials\n", r.study_name,
                   (long long)sw.run_cap);
        r.limit = r.limit ? (left < r.limit ? left : r.limit) : left;
        if (r.limit <= 0)
            r.exhausted = true;
    }
    if (!r.limit && !total && !r.ref.grid)
        fprintf(stderr, "knob: no budget (--trials, trials:, run_cap or --timeout): running "
                        "until Ctrl-C\n");
    r.tty = isatty(STDOUT_FILENO);
    r.started = now();
    r.deadline = total > 0 ? r.started + total : 0;
    if (pipe(wake) == 0) {
        fcntl(wake[0], F_SETFL, O_NONBLOCK);
        fcntl(wake[1], F_SETFL, O_NONBLOCK);
    }
    install_signals();
    int rc = loop(&r);
    summary(&r);
    cli_close(&r.ref);
    sweep_free(&sw);
    free(dflt);
    return rc;
}
