/* Starting a trial as a child process in its own process group, and finishing it with the
 * state its exit, its output and the runner's decisions give. */
#define _GNU_SOURCE /* pipe2, execvpe */
#include "cli/pbt_run.h"
#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static int mkdirs(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0; /* the usual case: the study's directory is there */
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

/* ---------------------------------------------------------------- trial directories */

/* FNV-1a, 64 bits: a stable hash for names too long to keep whole. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static bool unsafe(unsigned char c)
{
    return c == '/' || c == '%' || c < 0x20 || c == 0x7f;
}

void run_dir_name(const char *study, knobx_buf *out)
{
    /* Injective: '%' is always escaped, so an escape, "%empty" and "%~" (a cut name) come
     * from nothing else. A name without '/', '%' or control bytes, other than "." and "..",
     * stays as it is, so the trial directories of existing studies stay where they are. */
    knobx_buf b = {0};
    if (!*study)
        knobx_buf_puts(&b, "%empty");
    else if (!strcmp(study, ".") || !strcmp(study, ".."))
        knobx_buf_puts(&b, study[1] ? "%2E%2E" : "%2E");
    else
        for (const unsigned char *p = (const unsigned char *)study; *p; p++)
            if (unsafe(*p))
                knobx_buf_printf(&b, "%%%02X", *p);
            else
                knobx_buf_add(&b, (const char *)p, 1);
    const char *name = knobx_buf_cstr(&b);
    size_t n = strlen(name);
    if (n > 255) { /* NAME_MAX: the start (whole escapes and characters) and a hash */
        size_t cut = 200;
        if (name[cut - 1] == '%')
            cut -= 1;
        else if (name[cut - 2] == '%')
            cut -= 2;
        while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80)
            cut--;
        knobx_buf_add(out, name, cut);
        knobx_buf_printf(out, "%%~%016llx", (unsigned long long)fnv1a(study));
    } else {
        knobx_buf_puts(out, name);
    }
    knobx_buf_free(&b);
}

int run_trial_root(runner *r)
{
    const char *dir = r->sw->trial_dir ? r->sw->trial_dir : "knob-runs";
    char cwd[4096];
    if (dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "knob: getcwd: %s\n", strerror(errno));
        return -1;
    }
    knobx_buf b = {0};
    if (dir[0] != '/')
        knobx_buf_printf(&b, "%s/", cwd);
    knobx_buf_printf(&b, "%s/", dir);
    run_dir_name(r->study_name, &b);
    int rc = 0;
    if (b.oom || b.len >= sizeof r->trial_root) {
        fprintf(stderr,
                "knob: the trial directories' path is too long (%zu bytes, at most %zu): "
                "%.200s...\n",
                b.len, sizeof r->trial_root - 1, knobx_buf_cstr(&b));
        rc = -1;
    } else {
        memcpy(r->trial_root, b.data, b.len + 1);
    }
    knobx_buf_free(&b);
    return rc;
}

/* Where the trial runs, as the system attribute "runner": this host and process (the
 * dashboard's timeline lanes) and the trial directory (its stdout/stderr tails). A failure
 * to save it is said and the trial goes on. */
static void record_runner(runner *r, slot *sl, const char *dir)
{
    static char host[256]; /* this host and process: asked once, not once per trial */
    static long pid;
    if (!pid) {
        if (gethostname(host, sizeof host - 1))
            snprintf(host, sizeof host, "?");
        pid = (long)getpid();
    }
    knobx_buf b = {0};
    knobx_buf_puts(&b, "{\"host\":");
    knobx_json_add_string(&b, host);
    knobx_buf_printf(&b, ",\"pid\":%ld,\"dir\":", pid);
    knobx_json_add_string(&b, dir);
    knobx_buf_puts(&b, "}");
    if (!b.oom)
        run_saved(r, sl->number, knob_trial_set_system_attr(sl->t, "runner", knobx_buf_cstr(&b)),
                  "where it runs");
    knobx_buf_free(&b);
}

/* ---------------------------------------------------------------- the child */

/* What the child of vfork() needs, prepared by the parent: the child only makes system
 * calls (no malloc, no stdio: it shares the parent's memory until it execs). */
typedef struct spawn_plan {
    char **argv, **envp;
    int out_w, err_w, guard;
    const int *reset; /* the signals knob run handles or ignores, n_reset of them */
    int n_reset;
    pid_t parent;
    volatile int exec_errno; /* set by the child when execvpe fails; read by the parent */
} spawn_plan;

/* In the child: its own process group, listed with the guard (run_guard.c) before it can
 * start anything; PR_SET_PDEATHSIG as a second line for the program itself; stdin from
 * /dev/null (a trial in a background group that reads the terminal would be stopped),
 * stdout and stderr to the pipes; knob's signal handlers and mask undone. */
static _Noreturn void child(spawn_plan *p)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != p->parent) /* knob run died before the line above */
        _exit(125);
    int32_t me = (int32_t)getpid();
    if (p->guard >= 0 && write(p->guard, &me, sizeof me) < 0) {
        /* the guard is gone: PDEATHSIG still stops the program itself */
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0 && null != STDIN_FILENO) {
        dup2(null, STDIN_FILENO);
        close(null);
    }
    dup2(p->out_w, STDOUT_FILENO);
    dup2(p->err_w, STDERR_FILENO);
    run_close_fds_from(3);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int i = 0; i < p->n_reset; i++)
        sigaction(p->reset[i], &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvpe(p->argv[0], p->argv, p->envp);
    p->exec_errno = errno;
    _exit(127);
}

/* The signals whose disposition is not the default in knob run: a handler (which must not
 * run in the child, sharing knob run's memory until it execs) or SIG_IGN (which exec
 * keeps). knob run sets them before its first trial (run_loop.c) and never after, so they
 * are read once, by the parent, instead of asking the kernel about every signal in each
 * child (64 system calls per trial). */
static int signals_to_reset(const int **out)
{
    static int list[NSIG];
    static int n = -1;
    if (n < 0) {
        n = 0;
        struct sigaction cur;
        for (int sig = 1; sig < NSIG; sig++)
            if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &cur) == 0 &&
                cur.sa_handler != SIG_DFL)
                list[n++] = sig;
    }
    *out = list;
    return n;
}

/* One in knob's own environment (a nested sweep, a shell where resume code was tried) would
 * have a trial that is no retry resume from another trial's checkpoint. */
const char *const run_own_vars[] = {"KNOB_PARAMS_JSON", /* left out when too long */
                                    "KNOB_RETRY_OF",
                                    "KNOB_RETRY_OF_DIR",
                                    "KNOB_CHECKPOINT_IN",
                                    "KNOB_CHECKPOINT_OUT",
                                    "KNOB_PBT_MEMBER",
                                    "KNOB_PBT_START_STEP",
                                    "KNOB_PBT_END_STEP",
                                    "KNOB_LR_SCHEDULE",
                                    "KNOB_LR_PARAM",
                                    "KNOB_LR_STEPS",
                                    NULL};

static bool knob_trial_var(const char *var, size_t len)
{
    for (size_t i = 0; run_own_vars[i]; i++)
        if (strlen(run_own_vars[i]) == len && !strncmp(run_own_vars[i], var, len))
            return true;
    return false;
}

/* The environment of a trial: knob's, less run_own_vars and the names `add` sets, then
 * `add`. Returns a malloc'd NULL-terminated array of borrowed strings, or NULL. */
static char **trial_env(char *const *add)
{
    extern char **environ;
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    while (add[k])
        k++;
    char **env = malloc((n + k + 1) * sizeof *env);
    if (!env)
        return NULL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool replaced = knob_trial_var(environ[i], len);
        for (size_t j = 0; j < k && !replaced; j++)
            replaced = !strncmp(add[j], environ[i], len) && add[j][len] == '=';
        if (!replaced)
            env[m++] = environ[i];
    }
    for (size_t j = 0; j < k; j++)
        env[m++] = add[j];
    env[m] = NULL;
    return env;
}

/* ---------------------------------------------------------------- storage failures */

void run_storage_failed(runner *r, int64_t number)
{
    if (!r->storage_failed) {
        r->storage_failed = true;
        /* the SQLite storage's word for its file gone from its path (its writes lost) */
        r->storage_gone =
            strstr(knob_errmsg(), "the file was deleted or replaced while open") != NULL;
        r->lost_trial = number;
        fprintf(stderr, "knob: the storage failed: no new trial starts, the running ones are "
                        "stopped\n");
    }
    r->broken = true;
    for (int i = 0; i < r->parallel; i++)
        if (r->slots[i].used)
            run_stop(&r->slots[i], WHY_STORAGE);
}

bool run_saved(runner *r, int64_t number, int rc, const char *what)
{
    if (rc == KNOB_OK) {
        run_batch_wrote(r, number);
        return true;
    }
    if (rc == KNOB_ESTATE) {
        fprintf(stderr, "knob: trial %lld: %s: %s\n", (long long)number, what, knob_errmsg());
        return false;
    }
    fprintf(stderr, "knob: trial %lld: %s was not saved: %s\n", (long long)number, what,
            knob_errmsg());
    r->storage_locked |= rc == KNOB_EBUSY; /* the lock was waited for the whole timeout */
    run_storage_failed(r, number);
    return false;
}

/* ---------------------------------------------------------------- starting */

/* A trial that never ran: FAIL with the reason, counted as this run's. */
static void fail_now(runner *r, slot *sl, const char *why)
{
    /* the tell frees the handle whatever the storage answers: detached only when no tell is
     * made (a tell refused for the lock sets storage_locked, and its handle is gone) */
    bool locked = r->storage_locked;
    bool saved =
        !locked &&
        run_saved(r, sl->number, knob_study_tell_fail(r->ref.s, sl->t, why, NULL), "its state");
    if (locked)
        knob_trial_detach(sl->t);
    sl->t = NULL;
    r->launched++;
    run_ended(r, sl->number, saved ? KNOB_TRIAL_FAIL : KNOB_TRIAL_RUNNING,
              saved               ? why
              : r->storage_locked ? RUN_LOCKED
                                  : "the storage failed",
              sl->last, false, false);
    params_free(&sl->tp);
}

/* Writes all of data to fd; 0, or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

void run_trial_dir_claim(const runner *r, int64_t number)
{
    char dir[4200], json[4300], aside[4300];
    snprintf(dir, sizeof dir, "%s/%lld", r->trial_root, (long long)number);
    snprintf(json, sizeof json, "%s/params.json", dir);
    if (access(json, F_OK) != 0)
        return;
    for (int k = 1; k < 1000; k++) {
        snprintf(aside, sizeof aside, "%s.replaced-%d", dir, k);
        if (access(aside, F_OK) == 0)
            continue;
        if (rename(dir, aside) == 0)
            fprintf(stderr,
                    "knob: trial %lld: its directory held another trial's files (a trial "
                    "whose creation the storage lost took this number before, or a study of "
                    "the same name, deleted since or in another storage, ran there); they are "
                    "kept in %s\n",
                    (long long)number, aside);
        else
            fprintf(stderr,
                    "knob: trial %lld: its directory %s holds another trial's files, which "
                    "could not be moved aside (%s): the trial may find them\n",
                    (long long)number, dir, strerror(errno));
        return;
    }
}

/* The trial's directory with its params.json; the log files come with their first byte.
 * 0, or the errno of what failed (said on stderr, and kept in the trial's reason). */
static int prepare_dir(runner *r, slot *sl, char *dir, size_t size, char *json_file,
                       size_t json_size)
{
    snprintf(dir, size, "%s/%lld", r->trial_root, (long long)sl->number);
    snprintf(json_file, json_size, "%s/params.json", dir);
    run_trial_dir_claim(r, sl->number);
    /* open and one write: no stdio buffer to allocate and no stat of the new file */
    int fd = mkdirs(dir) ? -1 : open(json_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, "knob: cannot create the trial directory %s: %s\n", dir, strerror(e));
        return e ? e : EIO;
    }
    size_t len = strlen(sl->tp.json);
    char small[4096], *text = len < sizeof small ? small : malloc(len + 1);
    int err = ENOMEM;
    if (text) {
        memcpy(text, sl->tp.json, len);
        text[len] = '\n';
        err = write_all(fd, text, len + 1) ? errno : 0;
        if (text != small)
            free(text);
    }
    if (close(fd) && !err)
        err = errno;
    if (err) {
        fprintf(stderr, "knob: cannot write %s: %s\n", json_file, strerror(err));
        return err;
    }
    sl->dir = strdup(dir);
    return 0;
}

FILE *run_log(slot *sl, bool err)
{
    FILE **f = err ? &sl->err_log : &sl->out_log;
    bool *failed = err ? &sl->err_failed : &sl->out_failed;
    if (*f || *failed || !sl->dir)
        return *f;
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", sl->dir, err ? "stderr.log" : "stdout.log");
    *f = fopen(path, "w");
    if (!*f) {
        *failed = true;
        fprintf(stderr, "knob: trial %lld: cannot create %s: %s\n", (long long)sl->number, path,
                strerror(errno));
    }
    return *f;
}

/* Closes the trial's stdout.log or stderr.log, saying when it is cut short (a full disk, a
 * file size limit), and at which write: the program's output, or knob's own note in the
 * log (run_output.c: log_note); the program's records were read whole all the same. */
static void close_log(slot *sl, bool err)
{
    FILE **f = err ? &sl->err_log : &sl->out_log;
    int *werr = err ? &sl->err_werr : &sl->out_werr;
    if (!*f)
        return;
    errno = 0;
    bool failed = ferror(*f) != 0;
    if ((fclose(*f) || failed) && !*werr)
        *werr = errno ? errno : -1;
    *f = NULL;
    const char *note = err ? NULL : sl->out_wnote;
    knobx_buf why = {0};
    if (note) /* the stream's buffer, flushed by the note, may have held the program's bytes */
        knobx_buf_printf(&why, "knob's note in it %s could not be written", note);
    else if (*werr < 0)
        knobx_buf_puts(&why, "a write to it failed (the system gave no reason)");
    if (*werr > 0)
        knobx_buf_printf(&why, "%s%s", note ? ": " : "", strerror(*werr));
    if (*werr)
        fprintf(stderr,
                "knob: trial %lld: %s/%s is cut short: %s (what the program printed was "
                "read whole all the same)\n",
                (long long)sl->number, sl->dir ? sl->dir : "?", err ? "stderr.log" : "stdout.log",
                knobx_buf_cstr(&why));
    knobx_buf_free(&why);
    *werr = 0;
    if (!err)
        sl->out_wnote = NULL;
}

/* The trial's log files and directory name, when it does not start. */
static void drop_files(slot *sl)
{
    if (sl->out_log)
        fclose(sl->out_log);
    if (sl->err_log)
        fclose(sl->err_log);
    sl->out_log = sl->err_log = NULL;
    free(sl->dir);
    sl->dir = NULL;
}

/* A retry (knob_study_retry_trial, a lost heartbeat, a stop by SIGTERM): the number of the
 * trial it runs again, the last of its chain, and that trial's directory when this machine
 * sees it (a shared trial_dir, or the same machine), in env[0] and env[1] (KNOB_RETRY_OF,
 * KNOB_RETRY_OF_DIR): its checkpoint is there. Left empty for a trial that is no retry. */
static void retry_env(slot *sl, knob_study *s, knobx_buf env[2])
{
    const char *of = knob_trial_system_attr(sl->t, "retry_of"),
               *nth = knob_trial_system_attr(sl->t, "retry_count");
    long long origin, count;
    if (!of || !nth || sscanf(of, "%lld", &origin) != 1 || sscanf(nth, "%lld", &count) != 1 ||
        count < 1)
        return;
    const knob_trial_info *const *tr;
    size_t n;
    const knob_trial_info *last = NULL;
    if (knob_study_trials(s, &tr, &n) == KNOB_OK)
        for (size_t i = 0; i < n && !last; i++) {
            const char *o = knob_trial_info_attr(tr[i], "retry_of", true),
                       *c = knob_trial_info_attr(tr[i], "retry_count", true);
            if (count == 1 ? tr[i]->number == origin
                           : o && c && atoll(o) == origin && atoll(c) == count - 1)
                last = tr[i];
        }
    knobx_buf_printf(&env[0], "KNOB_RETRY_OF=%lld", last ? (long long)last->number : origin);
    const char *where = last ? knob_trial_info_attr(last, "runner", true) : NULL;
    knobx_json *j = where ? knobx_json_parse(where, (size_t)-1, NULL, 0) : NULL;
    const knobx_json *d = knobx_json_get(j, "dir");
    if (d && d->type == KNOBX_JSON_STRING && access(d->str, F_OK) == 0)
        knobx_buf_printf(&env[1], "KNOB_RETRY_OF_DIR=%s", d->str);
    knobx_json_free(j);
}

/* The file execvpe ran for `name`: the name itself when it holds a '/', else the first
 * regular file of that name on PATH that may be executed, into path; false when none. */
static bool exec_path(const char *name, char *path, size_t size)
{
    struct stat st;
    if (strchr(name, '/')) {
        snprintf(path, size, "%s", name);
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }
    const char *dirs = getenv("PATH");
    for (const char *d = dirs ? dirs : "/bin:/usr/bin"; *d;) {
        size_t n = strcspn(d, ":");
        snprintf(path, size, "%.*s%s%s", (int)n, n ? d : ".", "/", name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return true;
        d += n + (d[n] == ':');
    }
    return false;
}

/* What a failed exec's errno leaves unsaid, after "cannot run 'NAME': <strerror>": the
 * interpreter of a script that is there (ENOENT names the script, not its #! line's
 * interpreter that is missing: a removed environment, or a "#!/bin/sh\r" of a file with
 * Windows line ends), or the size of what E2BIG found too long. */
static void exec_error_detail(knobx_buf *m, char *const *argv, char *const *envp, int err)
{
    char path[4200];
    if (err == ENOENT && exec_path(argv[0], path, sizeof path)) {
        char interp[600];
        bool cr;
        if (!run_shebang(path, interp, sizeof interp, &cr)) {
            knobx_buf_puts(m, " (the file is there, not what it needs to run: its ELF "
                              "interpreter, the dynamic loader)");
            return;
        }
        knobx_buf_printf(m, " (the script is there, not the interpreter its #! line names: '%s'",
                         interp);
        if (cr)
            knobx_buf_puts(m, ", whose \\r is a Windows line end (CRLF) the script was "
                              "saved with");
        knobx_buf_puts(m, ")");
    } else if (err == E2BIG) {
        size_t args = 0, bytes = 0, vars = 0;
        for (; argv[args]; args++)
            bytes += strlen(argv[args]) + 1 + sizeof(char *);
        for (; envp && envp[vars]; vars++)
            bytes += strlen(envp[vars]) + 1 + sizeof(char *);
        knobx_buf_printf(m,
                         " (its %zu arguments and %zu environment variables take %zu bytes, "
                         "more than the system passes to a program: the command or "
                         "knob's environment is too long, not the program at fault)",
                         args, vars, bytes);
    }
}

/* Starts the program with vfork() (no copy of knob's memory, which made the start of a
 * trial cost milliseconds); the parent keeps the read ends of the pipes, non-blocking. */
static int spawn(runner *r, slot *sl, char **argv, const char *dir, char *const *extra_env)
{
    knobx_buf env[6] = {{0}};
    /* A program of thousands of params: a KNOB_PARAMS_JSON past run_max_arg_len() is left out
     * (execve would refuse it, and so run no trial); params.json holds the same. */
    if (strlen(sl->tp.json) + strlen("KNOB_PARAMS_JSON=") <= run_max_arg_len())
        knobx_buf_printf(&env[0], "KNOB_PARAMS_JSON=%s", sl->tp.json);
    knobx_buf_printf(&env[1], "KNOB_TRIAL_NUMBER=%lld", (long long)sl->number);
    knobx_buf_printf(&env[2], "KNOB_TRIAL_DIR=%s", dir);
    knobx_buf_printf(&env[3], "KNOB_STUDY=%s", r->study_name);
    retry_env(sl, r->ref.s, env + 4);
    char *add[7 + RUN_MAX_EXTRA_ENV] = {env[1].data, env[2].data, env[3].data};
    size_t n_add = 3;
    for (int i = 0; i < 6; i++)
        if ((i == 0 || i >= 4) && env[i].len && !env[i].oom)
            add[n_add++] = env[i].data;
    for (size_t i = 0; extra_env && extra_env[i] && i < RUN_MAX_EXTRA_ENV; i++)
        add[n_add++] = extra_env[i];
    add[n_add] = NULL;
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    pid_t pid = -1;
    int saved = ENOMEM;
    static pid_t self;
    if (!self)
        self = getpid();
    spawn_plan plan = {.argv = argv, .guard = run_guard_fd(), .parent = self};
    plan.n_reset = signals_to_reset(&plan.reset);
    plan.envp = env[0].oom || env[1].oom || env[2].oom || env[3].oom ? NULL : trial_env(add);
    if (plan.envp && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0) {
        plan.out_w = out[1];
        plan.err_w = err[1];
        /* No handler may run in the child, which shares this memory until it execs. */
        sigset_t all, old;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &old);
        pid = vfork();
        if (pid == 0)
            child(&plan);
        saved = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
    } else if (plan.envp) {
        saved = errno;
    }
    if (pid > 0 && plan.exec_errno) {
        /* The child exits 127 at once; its stderr says why, as the shell would. */
        knobx_buf m = {0};
        knobx_buf_printf(&m, "knob: cannot run '%s': %s", argv[0], strerror(plan.exec_errno));
        exec_error_detail(&m, argv, plan.envp, plan.exec_errno);
        knobx_buf_puts(&m, "\n");
        if (!m.oom && write(err[1], m.data, m.len) < 0) {
            /* the reason is then only the exit status */
        }
        knobx_buf_free(&m);
    }
    free(plan.envp);
    for (int i = 0; i < 6; i++)
        knobx_buf_free(&env[i]);
    if (out[1] >= 0)
        close(out[1]);
    if (err[1] >= 0)
        close(err[1]);
    if (pid < 0) {
        if (out[0] >= 0)
            close(out[0]);
        if (err[0] >= 0)
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

/* The study holds its run_cap of trials (every process's, as the storage counts them). */
static bool at_run_cap(runner *r)
{
    const knob_trial_info *const *tr;
    size_t n = 0;
    return r->sw->run_cap && !knob_study_trials(r->ref.s, &tr, &n) && (int64_t)n >= r->sw->run_cap;
}

int run_launch(runner *r, slot *sl)
{
    if (r->sw->pbt)
        return pbt_launch(r, sl);
    knob_trial *t;
    int rc = knob_study_ask(r->ref.s, &t);
    if (rc == KNOB_EDONE) {
        /* An exhausted grid, or a study at its run_cap (perhaps filled by other workers): the
         * storage's refusal says so, and a read of the trials when that read is not kept from
         * the file by the other writers. */
        bool capped = r->sw->run_cap && strstr(knob_errmsg(), "its limit (max_trials, run_cap)");
        char why[sizeof r->done_why];
        snprintf(why, sizeof why, "%s", knob_errmsg());
        if (capped || at_run_cap(r))
            snprintf(r->done_why, sizeof r->done_why, "the study holds its run_cap of %lld trials",
                     (long long)r->sw->run_cap);
        else if (!r->ref.grid) /* the sampler's reason (brute_force: every combination ran) */
            snprintf(r->done_why, sizeof r->done_why, "%s", why);
        return 0;
    }
    if (rc) {
        fprintf(stderr, "knob: ask: %s\n", knob_errmsg());
        return -1;
    }
    return run_start(r, sl, t, NULL);
}

int run_start(runner *r, slot *sl, knob_trial *t, char *const *extra_env)
{
    memset(sl, 0, sizeof *sl);
    sl->t = t;
    sl->number = knob_trial_number(t);
    sl->out_fd = sl->err_fd = -1;
    sl->out_owed = sl->err_owed = SIZE_MAX; /* running: no end known */
    char dir[4200], json_file[4300];
    char **argv = NULL;
    knobx_buf why = {0};
    if (params_suggest(r->sw, t, sweep_enumerates(r->sw), &sl->tp)) {
        knobx_buf_printf(&why, "its params could not be suggested: %s", knob_errmsg());
    } else {
        cli_enqueued_taken(r->sw, t, &sl->tp);
        if (!run_saved(r, sl->number, knob_trial_set_system_attr(t, CLI_GIVEN_PARAMS, sl->tp.json),
                       "its params"))
            knobx_buf_puts(&why, "its params could not be saved");
    }
    int dir_err = why.len ? 0 : prepare_dir(r, sl, dir, sizeof dir, json_file, sizeof json_file);
    if (dir_err)
        knobx_buf_printf(&why, "its trial directory %s could not be created: %s", dir,
                         strerror(dir_err));
    if (!why.len)
        record_runner(r, sl, dir);
    if (!why.len && !(argv = run_argv(r->sw, &sl->tp, json_file, &why)) && !why.len)
        knobx_buf_puts(&why, "its command could not be built");
    bool later = !why.len && r->in_batch && !extra_env;
    if (!why.len && !later && spawn(r, sl, argv, dir, extra_env))
        knobx_buf_puts(&why, "its process could not be started");
    if (later)
        sl->argv = argv; /* started by run_start_asked once the batch is committed */
    else
        run_argv_free(argv);
    if (why.len) {
        drop_files(sl);
        fail_now(r, sl, knobx_buf_cstr(&why));
        knobx_buf_free(&why);
        return -1;
    }
    sl->used = true;
    sl->started = sl->last_beat = run_now();
    r->running++;
    r->launched++;
    return 1;
}

void run_start_asked(runner *r, slot *sl, bool committed)
{
    char **argv = sl->argv;
    sl->argv = NULL;
    if (committed && sl->why == WHY_NONE && spawn(r, sl, argv, sl->dir, NULL) == 0) {
        sl->started = sl->last_beat = run_now();
        run_argv_free(argv);
        return;
    }
    run_argv_free(argv);
    if (committed && sl->why != WHY_NONE) {
        run_finish(r, sl); /* stopped before it started (the storage failed): FAIL */
        return;
    }
    /* Counted again below, as a trial that did not start, or was lost with its batch. */
    r->running--;
    r->launched--;
    sl->used = false;
    drop_files(sl);
    if (committed) {
        fail_now(r, sl, "its process could not be started");
        return;
    }
    knob_trial_detach(sl->t);
    sl->t = NULL;
    r->launched++;
    run_ended(r, sl->number, KNOB_TRIAL_RUNNING,
              "the storage failed: its creation was not committed", sl->last, false, false);
    params_free(&sl->tp);
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

/* The reason a trial failed, or nothing (why->len 0) when it is complete or pruned. A
 * pruned trial's values are its objectives' last ones (NaN where it printed none): a study
 * of several objectives keeps them when each is there (knob_study_tell); one of one
 * objective takes its last intermediate value. */
static void failure(const runner *r, const slot *sl, knobx_buf *why, double *values)
{
    const sweep *sw = r->sw;
    int st = sl->status;
    if (sl->why == WHY_PRUNE) {
        for (size_t i = 0; i < sw->n_objectives; i++)
            values[i] = sl->have[i] ? sl->last[i] : NAN;
        return;
    }
    if (sl->why == WHY_INTERRUPT && r->stop_signal == SIGTERM)
        knobx_buf_puts(why, "interrupted (knob run was stopped by SIGTERM)");
    else if (sl->why == WHY_INTERRUPT && r->stop_signal == SIGHUP)
        knobx_buf_puts(why, "interrupted (knob run was stopped by SIGHUP)");
    else if (sl->why == WHY_INTERRUPT)
        knobx_buf_puts(why, "interrupted (knob run was stopped)");
    else if (sl->why == WHY_STORAGE && r->lost_trial < 0) /* no trial's write: a batch's */
        knobx_buf_puts(why, "stopped: the storage failed");
    else if (sl->why == WHY_STORAGE)
        knobx_buf_printf(why, "stopped: the storage failed (trial %lld was not saved)",
                         (long long)r->lost_trial);
    else if (sl->why == WHY_TIMEOUT)
        knobx_buf_printf(why, "timed out after %gs", r->trial_timeout);
    else if (sl->why == WHY_ELSEWHERE)
        knobx_buf_puts(why, "stopped: the trial was ended elsewhere");
    else if (WIFSIGNALED(st))
        knobx_buf_printf(why, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        knobx_buf_printf(why, "exit status %d", WEXITSTATUS(st));
    for (size_t i = 0; i < sw->n_objectives && !why->len; i++) {
        if (!sl->have[i] && !strcmp(sl->bad[i], "null"))
            knobx_buf_printf(why, "no metric '%s' in stdout: its value was null (not measured)",
                             sw->objectives[i].name);
        else if (!sl->have[i] && sl->bad[i][0])
            knobx_buf_printf(why, "no metric '%s' in stdout: its value '%s' is not a number%s",
                             sw->objectives[i].name, sl->bad[i],
                             strncmp(sl->bad[i], "tensor(", 7)
                                 ? ""
                                 : " (a torch tensor, which prints rounded: print its .item())");
        else if (!sl->have[i] && sl->unread[i][0])
            knobx_buf_printf(why,
                             "no metric '%s' in stdout: a line names it but gives no value "
                             "of it: \"%s\"",
                             sw->objectives[i].name, sl->unread[i]);
        else if (!sl->have[i])
            knobx_buf_printf(why, "no metric '%s' in stdout", sw->objectives[i].name);
        else if (!isfinite(sl->last[i]))
            knobx_buf_printf(why, "metric '%s' is %s", sw->objectives[i].name,
                             isnan(sl->last[i]) ? "nan"
                             : sl->last[i] > 0  ? "inf"
                                                : "-inf");
        values[i] = sl->last[i];
    }
    for (size_t i = 0; i < sw->n_constraints && !why->len; i++) {
        if (!sl->chave[i] && sl->cbad[i][0])
            knobx_buf_printf(why,
                             "no constraint metric '%s' in stdout: its value '%s' is not a "
                             "number",
                             sw->constraints[i].name, sl->cbad[i]);
        else if (!sl->chave[i])
            knobx_buf_printf(why, "no constraint metric '%s' in stdout", sw->constraints[i].name);
        else if (isnan(sl->clast[i])) /* an infinite one is a bound far passed or kept */
            knobx_buf_printf(why, "constraint metric '%s' is nan", sw->constraints[i].name);
    }
    if (!why->len && sw->cost && strcmp(sw->cost, "duration")) {
        if (!sl->cost_have && sl->cost_bad[0])
            knobx_buf_printf(why, "no cost metric '%s' in stdout: its value '%s' is not a number",
                             sw->cost, sl->cost_bad);
        else if (!sl->cost_have)
            knobx_buf_printf(why, "no cost metric '%s' in stdout", sw->cost);
        else if (!isfinite(sl->cost_last))
            knobx_buf_printf(why, "cost metric '%s' is not a finite number", sw->cost);
    }
    if (why->len && sl->why != WHY_INTERRUPT && sl->why != WHY_STORAGE)
        run_stderr_tail(sl, why, 20);
}

/* The trial's constraint values, each <= 0 when satisfied: metric - max, or min - metric.
 * A difference past the doubles' range (a metric of 1.5e308 against a max of -1e308) is
 * saturated at +-DBL_MAX, which says as much (the stored values stay those of the finite
 * metrics), as is the difference of an infinite metric (inf against a max: violated; -inf:
 * satisfied, as knob tell --constraints takes them); a NaN metric fails the trial. */
static void constraint_values(const sweep *sw, const slot *sl, double *c)
{
    for (size_t i = 0; i < sw->n_constraints; i++) {
        const sweep_constraint *k = &sw->constraints[i];
        c[i] = k->is_min ? k->bound - sl->clast[i] : sl->clast[i] - k->bound;
        if (isinf(c[i]))
            c[i] = c[i] > 0 ? DBL_MAX : -DBL_MAX;
    }
}

/* Whether the trial's constraint values make it infeasible, as knob_trial_info_feasible
 * reads them once stored: one above 0 (or NaN). */
static bool violates(const sweep *sw, const slot *sl)
{
    double c[SWEEP_MAX_CONSTRAINTS];
    constraint_values(sw, sl, c);
    for (size_t i = 0; i < sw->n_constraints; i++)
        if (!(c[i] <= 0))
            return true;
    return false;
}

/* W&B's metric.target: the run starts no more trials once one reaches it, a feasible one
 * (an infeasible trial is never the study's best, as knob best and knob ask count it). */
static void check_target(runner *r, const slot *sl, knob_trial_state state, const double *values)
{
    const sweep *sw = r->sw;
    if (state != KNOB_TRIAL_COMPLETE || !sw->has_target || sw->n_objectives != 1 ||
        violates(sw, sl))
        return;
    if (sw->objectives[0].goal == KNOB_MAXIMIZE ? values[0] >= sw->target : values[0] <= sw->target)
        r->target_reached = true;
}

/* Why the library refused the trial's constraint values, naming the constraint (or, for a
 * refusal of them all, such as a count unlike the study's earlier trials', every one). */
static void refused_constraints(const sweep *sw, const double *c, knobx_buf *why)
{
    size_t i = 0;
    while (i < sw->n_constraints && isfinite(c[i]))
        i++;
    if (i < sw->n_constraints) {
        knobx_buf_printf(why, "constraint metric '%s' refused: ", sw->constraints[i].name);
    } else {
        knobx_buf_puts(why, "constraints");
        for (i = 0; i < sw->n_constraints; i++)
            knobx_buf_printf(why, "%s'%s'", i ? ", " : " ", sw->constraints[i].name);
        knobx_buf_puts(why, " refused: ");
    }
    knobx_buf_puts(why, knob_errmsg());
}

/* Whether a pruned trial has constraint values to store: each constraint metric printed
 * before it was pruned, none NaN. One stopped before it printed them all has none (as knob
 * tell takes a pruned trial without --constraints): it is not failed for the lack. */
static bool pruned_constraints(const sweep *sw, const slot *sl)
{
    for (size_t i = 0; i < sw->n_constraints; i++)
        if (!sl->chave[i] || isnan(sl->clast[i]))
            return false;
    return sw->n_constraints > 0;
}

/* Stores the constraint values of a complete or pruned trial. A complete trial whose values
 * the library refuses (not the storage's failure) is to fail, why said in `why`; a pruned one
 * stays pruned without them, said on stderr. Returns the storage's status. */
static int store_constraints(runner *r, slot *sl, knob_trial_state *state, knobx_buf *why)
{
    const sweep *sw = r->sw;
    if (!(*state == KNOB_TRIAL_COMPLETE && sw->n_constraints) &&
        !(*state == KNOB_TRIAL_PRUNED && pruned_constraints(sw, sl)))
        return KNOB_OK;
    double c[SWEEP_MAX_CONSTRAINTS];
    constraint_values(sw, sl, c);
    int crc = knob_trial_set_constraints(sl->t, c, sw->n_constraints);
    if (crc != KNOB_EINVAL)
        return crc;
    if (*state == KNOB_TRIAL_PRUNED) {
        knobx_buf msg = {0};
        refused_constraints(sw, c, &msg);
        fprintf(stderr, "knob: trial %lld is pruned without its constraints: %s\n",
                (long long)sl->number, msg.oom ? knob_errmsg() : knobx_buf_cstr(&msg));
        knobx_buf_free(&msg);
        return KNOB_OK;
    }
    refused_constraints(sw, c, why);
    *state = KNOB_TRIAL_FAIL;
    return KNOB_OK;
}

/* Writes the trial's end; NULL when saved, else why not (the trial is not changed in the
 * storage). A value the library refuses as not finite makes the trial FAIL there, as it
 * does here. */
static const char *tell(runner *r, slot *sl, knob_trial_state *state, double *values,
                        knobx_buf *why)
{
    static const char lost[] = "the storage failed",
                      elsewhere[] =
                          "it was ended elsewhere: knob tell, the dashboard or another worker";
    if (sl->why == WHY_ELSEWHERE) { /* its end is another's: nothing of this run is written */
        knob_trial_detach(sl->t);
        return elsewhere;
    }
    if (r->storage_locked) { /* each write would wait the whole timeout again */
        knob_trial_detach(sl->t);
        return RUN_LOCKED;
    }
    const sweep *sw = r->sw;
    if (*state != KNOB_TRIAL_FAIL && sw->cost && sl->cost_have) {
        /* the cost-aware samplers read it as the user attr of the metric's name */
        char num[64];
        snprintf(num, sizeof num, "%.17g", sl->cost_last);
        int crc = knob_trial_set_user_attr(sl->t, sw->cost, num);
        if (!run_saved(r, sl->number, crc, "its cost")) {
            knob_trial_detach(sl->t);
            return crc == KNOB_ESTATE ? elsewhere : lost;
        }
    }
    int crc = store_constraints(r, sl, state, why);
    if (!run_saved(r, sl->number, crc, "its constraints")) {
        knob_trial_detach(sl->t);
        return crc == KNOB_ESTATE ? elsewhere : lost;
    }
    if (*state == KNOB_TRIAL_FAIL) {
        /* the reason and cause only with a FAIL the storage takes: a trial another worker
         * failed as lost keeps its own (written first, they would make it a plain interrupted
         * failure); an interrupted trial's point of a grid is run again */
        int rc = knob_study_tell_fail(r->ref.s, sl->t, why->len ? knobx_buf_cstr(why) : NULL,
                                      sl->why == WHY_INTERRUPT ? "interrupted" : NULL);
        return run_saved(r, sl->number, rc, "its state") ? NULL
               : rc == KNOB_ESTATE                       ? elsewhere
                                                         : lost;
    }
    int rc = knob_study_tell(r->ref.s, sl->t, *state, values, r->sw->n_objectives);
    if (rc == KNOB_EINVAL && *state == KNOB_TRIAL_COMPLETE) {
        *state = KNOB_TRIAL_FAIL;
        knobx_buf_puts(why, knob_errmsg());
        return NULL;
    }
    return run_saved(r, sl->number, rc, "its state") ? NULL : rc == KNOB_ESTATE ? elsewhere : lost;
}

/* Whether the trial's program failed to run: a signal or exit status of its own, or no
 * value of an objective (not a value that is not finite, a timeout, a stop by knob). */
static bool failed_to_run(const runner *r, const slot *sl)
{
    int st = sl->status;
    if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0))
        return true;
    for (size_t i = 0; i < r->sw->n_objectives; i++)
        if (!sl->have[i])
            return true;
    return false;
}

/* Counts the run's first trials that failed to run; at max_initial_failures before any
 * trial ran through, no new trial starts (W&B's agent does as much). */
static void count_initial(runner *r, const slot *sl, knob_trial_state state)
{
    if (sl->why != WHY_NONE && sl->why != WHY_PRUNE)
        return; /* timed out, or stopped by knob: says nothing of the program */
    if (state != KNOB_TRIAL_FAIL || !failed_to_run(r, sl)) {
        r->ran_through = true;
        return;
    }
    if (r->ran_through || ++r->initial_failures != r->max_initial_failures || r->broken)
        return;
    r->broken = true;
    r->initial_stop = true;
}

void run_say_initial_stop(runner *r)
{
    if (!r->initial_stop)
        return;
    r->initial_stop = false;
    fprintf(stderr,
            "knob: the first %lld trials of this run failed to run (exit status, signal or no "
            "metric) and none ran through, so no new trial starts%s; check the program and "
            "the reasons above (--max-initial-failures 0 goes on regardless)\n",
            (long long)r->initial_failures, r->running ? " (the running ones finish)" : "");
}

void run_finish(runner *r, slot *sl)
{
    knobx_buf why = {0};
    double values[SWEEP_MAX_OBJECTIVES] = {0};
    knob_trial_state state = sl->why == WHY_PRUNE ? KNOB_TRIAL_PRUNED : KNOB_TRIAL_COMPLETE;
    failure(r, sl, &why, values);
    if (why.len)
        state = KNOB_TRIAL_FAIL;
    /* a pruned trial's line shows its last intermediate value and step, the value it ends
     * with, as a complete trial's shows its metric */
    knobx_buf at = {0};
    const knob_step_value *iv = NULL;
    size_t n_iv =
        state == KNOB_TRIAL_PRUNED && sl->prune_key ? knob_trial_intermediate(sl->t, &iv) : 0;
    if (n_iv) /* sorted by step */
        knobx_buf_printf(&at, "%s=%.6g at step %lld", sl->prune_key, iv[n_iv - 1].value,
                         (long long)iv[n_iv - 1].step);
    const char *unsaved = tell(r, sl, &state, values, &why);
    sl->t = NULL;
    r->running--;
    if (!unsaved) {
        check_target(r, sl, state, values);
        count_initial(r, sl, state);
    }
    /* SIGTERM is how a cluster takes a worker's place back (Slurm's preemption and time
     * limit, a Kubernetes pod deleted), and SIGHUP says the terminal is gone, not that the
     * user wanted the stop: the trial is run again as a lost worker's is (Ctrl-C, a user's
     * stop, is not) */
    if (!unsaved && state == KNOB_TRIAL_FAIL && sl->why == WHY_INTERRUPT &&
        (r->stop_signal == SIGTERM || r->stop_signal == SIGHUP)) {
        bool again = true;
        if (run_saved(r, sl->number, knob_study_retry_trial(r->ref.s, sl->number, &again),
                      "its retry") &&
            !again && !r->sw->pbt) /* said: a point the study will not run, at its run_cap
                                    * say (PBT runs a stopped interval again itself) */
            fprintf(stderr, "knob: trial %lld, stopped by %s, is not run again: %s\n",
                    (long long)sl->number, r->stop_signal == SIGHUP ? "SIGHUP" : "SIGTERM",
                    at_run_cap(r) ? "the study holds its run_cap"
                                  : "its retry was spent (one a trial)");
    }
    if (unsaved)
        run_ended(r, sl->number, KNOB_TRIAL_RUNNING, unsaved, sl->last, false, true);
    else
        run_ended(r, sl->number, state,
                  state == KNOB_TRIAL_PRUNED && !why.len ? knobx_buf_cstr(&at)
                                                         : knobx_buf_cstr(&why),
                  sl->last, state == KNOB_TRIAL_COMPLETE && violates(r->sw, sl), true);
    knobx_buf_free(&at);
    knobx_buf_free(&why);
    close_log(sl, false);
    close_log(sl, true);
    free(sl->dir);
    sl->dir = NULL;
    free(sl->line);
    sl->line = NULL;
    free(sl->held);
    sl->held = NULL;
    params_free(&sl->tp);
    sl->used = false;
}
