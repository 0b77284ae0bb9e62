/* Starting a trial as a child process in its own process group, and finishing it with the
 * state its exit, its output and the runner's decisions give. */
#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* In the child: its own process group, stdin from /dev/null (a trial in a background
 * group that reads the terminal would be stopped), stdout and stderr to the pipes. */
static void child(char **argv, int out_w, int err_w, char **env)
{
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    dup2(out_w, STDOUT_FILENO);
    dup2(err_w, STDERR_FILENO);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    for (char **e = env; *e; e++)
        putenv(*e);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], argv);
    fprintf(stderr, "knob: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void fail_now(runner *r, slot *sl, const char *why)
{
    knob__buf b = {0};
    knob__json_add_string(&b, why);
    knob_trial_set_system_attr(sl->t, "fail_reason", knob__buf_cstr(&b));
    knob__buf_free(&b);
    knob_study_tell(r->ref.s, sl->t, KNOB_TRIAL_FAIL, NULL, 0);
    sl->t = NULL;
    params_free(&sl->tp);
}

/* The trial's directory with its params.json and log files. */
static int prepare_dir(runner *r, slot *sl, char *dir, size_t size, char *json_file,
                       size_t json_size)
{
    snprintf(dir, size, "%s/%lld", r->trial_root, (long long)sl->number);
    snprintf(json_file, json_size, "%s/params.json", dir);
    FILE *jf = mkdirs(dir) ? NULL : fopen(json_file, "w");
    if (!jf) {
        fprintf(stderr, "knob: cannot create the trial directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    fputs(sl->tp.json, jf);
    fputc('\n', jf);
    fclose(jf);
    char path[4200];
    snprintf(path, sizeof path, "%s/stdout.log", dir);
    sl->out_log = fopen(path, "w");
    snprintf(path, sizeof path, "%s/stderr.log", dir);
    sl->err_log = fopen(path, "w");
    return 0;
}

/* Forks and execs; the parent keeps the read ends of the pipes, non-blocking. */
static int spawn(runner *r, slot *sl, char **argv, const char *dir)
{
    knob__buf env[4] = {{0}};
    knob__buf_printf(&env[0], "KNOB_PARAMS_JSON=%s", sl->tp.json);
    knob__buf_printf(&env[1], "KNOB_TRIAL_NUMBER=%lld", (long long)sl->number);
    knob__buf_printf(&env[2], "KNOB_TRIAL_DIR=%s", dir);
    knob__buf_printf(&env[3], "KNOB_STUDY=%s", r->study_name);
    char *envp[5] = {env[0].data, env[1].data, env[2].data, env[3].data, NULL};
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    pid_t pid = -1;
    if (pipe(out) == 0 && pipe(err) == 0) {
        fflush(NULL);
        pid = fork();
        if (pid == 0)
            child(argv, out[1], err[1], envp);
    }
    int saved = errno;
    for (int i = 0; i < 4; i++)
        knob__buf_free(&env[i]);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        fprintf(stderr, "knob: cannot start a trial: %s\n", strerror(saved));
        return -1;
    }
    setpgid(pid, pid); /* both sides set it: no race with an early kill */
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    sl->pid = pid;
    sl->out_fd = out[0];
    sl->err_fd = err[0];
    return 0;
}

int run_launch(runner *r, slot *sl)
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
    char dir[4200], json_file[4300];
    char **argv = NULL;
    const char *why = NULL;
    if (params_suggest(r->sw, t, r->ref.grid, &sl->tp))
        why = "its params could not be suggested";
    else if (knob_trial_set_user_attr(t, "params", sl->tp.json))
        fprintf(stderr, "knob: trial %lld: %s\n", (long long)sl->number, knob_errmsg());
    if (!why && prepare_dir(r, sl, dir, sizeof dir, json_file, sizeof json_file))
        why = "its trial directory could not be created";
    if (!why && !(argv = run_argv(r->sw, &sl->tp, json_file)))
        why = "its command could not be built";
    if (!why && spawn(r, sl, argv, dir))
        why = "its process could not be started";
    run_argv_free(argv);
    if (why) {
        if (sl->out_log)
            fclose(sl->out_log);
        if (sl->err_log)
            fclose(sl->err_log);
        fail_now(r, sl, why);
        return -1;
    }
    sl->used = true;
    sl->started = sl->last_beat = run_now();
    r->running++;
    r->launched++;
    return 1;
}

void run_kill_group(slot *sl, int sig)
{
    if (sl->pid > 0)
        kill(-sl->pid, sig);
}

void run_stop(slot *sl, int why)
{
    if (sl->why != WHY_NONE)
        return;
    sl->why = why;
    sl->term_sent = run_now();
    run_kill_group(sl, SIGTERM);
}

/* ---------------------------------------------------------------- finishing */

/* The reason a trial failed, or nothing (why->len 0) when it is complete or pruned. */
static void failure(const runner *r, const slot *sl, knob__buf *why, double *values)
{
    const sweep *sw = r->sw;
    int st = sl->status;
    if (sl->why == WHY_PRUNE)
        return;
    if (sl->why == WHY_INTERRUPT)
        knob__buf_puts(why, "interrupted (knob run was stopped)");
    else if (sl->why == WHY_TIMEOUT)
        knob__buf_printf(why, "timed out after %gs", r->trial_timeout);
    else if (WIFSIGNALED(st))
        knob__buf_printf(why, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        knob__buf_printf(why, "exit status %d", WEXITSTATUS(st));
    for (size_t i = 0; i < sw->n_objectives && !why->len; i++) {
        if (!sl->have[i])
            knob__buf_printf(why, "no metric '%s' in stdout", sw->objectives[i].name);
        else if (!isfinite(sl->last[i]))
            knob__buf_printf(why, "metric '%s' is %s", sw->objectives[i].name,
                             isnan(sl->last[i]) ? "nan"
                             : sl->last[i] > 0  ? "inf"
                                                : "-inf");
        values[i] = sl->last[i];
    }
    if (why->len && sl->why != WHY_INTERRUPT)
        run_stderr_tail(sl, why, 20);
}

/* W&B's metric.target: the run starts no more trials once one reaches it. */
static void check_target(runner *r, knob_trial_state state, const double *values)
{
    const sweep *sw = r->sw;
    if (state != KNOB_TRIAL_COMPLETE || !sw->has_target || sw->n_objectives != 1)
        return;
    if (sw->objectives[0].goal == KNOB_MAXIMIZE ? values[0] >= sw->target : values[0] <= sw->target)
        r->target_reached = true;
}

void run_finish(runner *r, slot *sl)
{
    knob__buf why = {0};
    double values[SWEEP_MAX_OBJECTIVES] = {0};
    knob_trial_state state = sl->why == WHY_PRUNE ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE;
    failure(r, sl, &why, values);
    if (why.len) {
        state = KNOB_TRIAL_FAIL;
        knob__buf js = {0};
        knob__json_add_string(&js, knob__buf_cstr(&why));
        if (knob_trial_set_system_attr(sl->t, "fail_reason", knob__buf_cstr(&js)))
            fprintf(stderr, "knob: trial %lld: %s\n", (long long)sl->number, knob_errmsg());
        knob__buf_free(&js);
    }
    int rc = knob_study_tell(r->ref.s, sl->t, state, values, r->sw->n_objectives);
    if (rc)
        fprintf(stderr, "knob: tell trial %lld: %s\n", (long long)sl->number, knob_errmsg());
    sl->t = NULL;
    check_target(r, state, values);
    r->running--;
    r->done++;
    r->failed += state == KNOB_TRIAL_FAIL;
    r->pruned += state == KNOB_TRIAL_PRUNED;
    run_progress_trial(r, sl, state, knob__buf_cstr(&why));
    knob__buf_free(&why);
    if (sl->out_log)
        fclose(sl->out_log);
    if (sl->err_log)
        fclose(sl->err_log);
    params_free(&sl->tp);
    sl->used = false;
}
