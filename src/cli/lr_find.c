/* knob lr-find SWEEP.yaml --param lr: the learning-rate range test (Smith 2015) on the
 * sweep's program, through knob_lr_finder. One run: knob writes the rate of each step on
 * the program's stdin ("STEP RATE", one line per step, the next only after the loss of
 * the last came back), and also gives the whole schedule in KNOB_LR_SCHEDULE; the program
 * prints its loss per step as a record. knob smooths it, stops the run on divergence, and
 * prints the rates and a plot of loss against rate. */
#include "cli/cli.h"
#include "cli/params.h"
#include "cli/records.h"
#include "cli/run.h"
#include "util/num.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SETS 64

typedef struct lr_args {
    const char *path, *param, *min, *max, *steps, *metric, *smoothing, *out;
    const char *sets[MAX_SETS];
    int n_sets;
    bool json;
} lr_args;

static void usage(FILE *f)
{
    fputs("usage: knob lr-find SWEEP.yaml --param NAME [--min 1e-7] [--max 10] [--steps 200]\n"
          "                    [--metric NAME] [--smoothing 0.98] [--set NAME=VALUE]... "
          "[--out CURVE.csv] [--json]\n\n"
          "The learning-rate range test: runs the sweep's program once while the rate of "
          "NAME rises\nexponentially from --min to --max, one step at a time. The program "
          "reads \"STEP RATE\" lines\non stdin (or the whole schedule from KNOB_LR_SCHEDULE, "
          "comma-separated) and prints its\nloss per step as a record (the metric: --metric, "
          "else the sweep's when it is minimized,\nelse \"loss\"). knob smooths the loss, "
          "stops the run when it diverges (4x its lowest),\nand prints the steepest-descent "
          "rate, the divergence rate, a suggested rate and a plot.\nThe other params take "
          "--set values, else their constant, else their middle (the geometric\nmiddle on a "
          "log scale; the first choice). See docs/lr_find.md.\n",
          f);
}

static int parse(int argc, char **argv, lr_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *set = NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            exit(cli_stdout_written("lr-find"));
        }
        if (!strcmp(argv[i], "--json")) {
            a->json = true;
            continue;
        }
        if (cli_opt(argc, argv, &i, "--set", &set)) {
            if (a->n_sets == MAX_SETS) {
                fprintf(stderr, "knob lr-find: at most %d --set\n", MAX_SETS);
                return -1;
            }
            a->sets[a->n_sets++] = set;
            continue;
        }
        if (cli_opt(argc, argv, &i, "--param", &a->param) ||
            cli_opt(argc, argv, &i, "--min", &a->min) ||
            cli_opt(argc, argv, &i, "--max", &a->max) ||
            cli_opt(argc, argv, &i, "--steps", &a->steps) ||
            cli_opt(argc, argv, &i, "--metric", &a->metric) ||
            cli_opt(argc, argv, &i, "--smoothing", &a->smoothing) ||
            cli_opt(argc, argv, &i, "--out", &a->out))
            continue;
        if (argv[i][0] == '-' || a->path) {
            fprintf(stderr, "knob lr-find: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return -1;
        }
        a->path = argv[i];
    }
    if (!a->path || !a->param) {
        fprintf(stderr, "knob lr-find: %s\n", !a->path ? "which sweep file?" : "which --param?");
        usage(stderr);
        return -1;
    }
    return 0;
}

static int number(const char *text, const char *what, double *out)
{
    char *end;
    errno = 0;
    double v = text ? strtod(text, &end) : 0;
    if (text && (end == text || *end || errno || !isfinite(v))) {
        fprintf(stderr, "knob lr-find: %s must be a number, got '%s'\n", what, text);
        return -1;
    }
    if (text)
        *out = v;
    return 0;
}

/* ---------------------------------------------------------------- the run's params */

static knob_choice num(double v)
{
    return (knob_choice){KNOB_CHOICE_NUMBER, NULL, v};
}

/* x on q's grid as the sweep draws it (params_round_q): a multiple of q, the double nearest
 * that decimal (0.3, not 0.30000000000000004). */
static double on_q(const sweep_param *p, double x)
{
    return p->has_q ? knobx_step_point(0, p->q, round(x / p->q)) : x;
}

/* The value a param takes during the test when --set does not give one: one the sweep
 * could draw, on its q (a middle off the grid was a value no trial ever sees). */
static knob_choice middle(const sweep_param *p)
{
    if (p->kind == PK_CONSTANT || p->kind == PK_CATEGORICAL)
        return p->choices[0];
    switch (p->kind) {
    case PK_LOG_UNIFORM:
        return num(exp((p->min + p->max) / 2));
    case PK_LOG_UNIFORM_VALUES:
    case PK_INV_LOG_UNIFORM_VALUES:
        return num(sqrt(p->min * p->max));
    case PK_Q_LOG_UNIFORM_VALUES:
        return num(on_q(p, sqrt(p->min * p->max)));
    case PK_NORMAL:
        return num(p->mu);
    case PK_Q_NORMAL:
        return num(on_q(p, p->mu));
    case PK_LOG_NORMAL:
        return num(exp(p->mu));
    case PK_Q_LOG_NORMAL:
        return num(on_q(p, exp(p->mu)));
    default: {
        double m = (p->min + p->max) / 2;
        if (p->kind == PK_Q_UNIFORM && p->has_q) { /* q_uniform's steps are from min */
            double k = fmin(floor((p->max - p->min) / p->q), round((m - p->min) / p->q));
            return num(knobx_step_point(p->min, p->q, k));
        }
        return num(sweep_param_is_int(p) ? floor(m) : m);
    }
    }
}

/* A --set value: a number when it reads as one, else the string. */
static knob_choice given(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && !*end)
        return num(v);
    if (!strcmp(text, "true") || !strcmp(text, "false"))
        return (knob_choice){KNOB_CHOICE_BOOL, NULL, !strcmp(text, "true")};
    return (knob_choice){KNOB_CHOICE_STRING, text, 0};
}

/* A value as messages show it: a string in quotes ("2", not the number 2). */
static void value_text(knobx_buf *b, const knob_choice *v, bool json)
{
    if (v->type == KNOB_CHOICE_STRING && !json)
        knobx_buf_printf(b, "\"%s\"", v->str);
    else
        params_value_text(b, v);
}

/* The choice of a list of values (or a constant) that a --set text names: the one of the
 * type the text reads as (2 the number where "2" is a value too), else the one printed as
 * the text ("2" where the values are strings), else, for a boolean value, a word YAML reads
 * as it (yes, On). Taking the choice itself keeps its type in the program's params. */
static bool choice_of(const sweep_param *p, const char *text, knob_choice *out)
{
    knob_choice g = given(text);
    int word = sweep_bool_word(text);
    for (int pass = 0; pass < 3; pass++) {
        for (size_t k = 0; k < p->n_choices; k++) {
            const knob_choice *c = &p->choices[k];
            bool json = p->is_json && p->is_json[k], hit;
            if (pass == 0)
                hit = c->type == g.type && !json &&
                      (c->type == KNOB_CHOICE_STRING ? !strcmp(c->str, g.str) : c->num == g.num);
            else if (pass == 1) {
                knobx_buf b = {0};
                params_value_text(&b, c);
                hit = !b.oom && !strcmp(knobx_buf_cstr(&b), text);
                knobx_buf_free(&b);
            } else
                hit = c->type == KNOB_CHOICE_BOOL && word >= 0 && (c->num != 0) == (word == 1);
            if (hit) {
                *out = *c;
                return true;
            }
        }
    }
    return false;
}

/* What the params' functions return for a mistake of the command line (exit status 2). */
#define LR_USAGE (-2)
#define LR_STOPPED (-3) /* by Ctrl-C, SIGTERM or SIGHUP: the user's stop, status 130 */

/* Keeps in tp the params active with the values chosen (vals, in the sweep's order), as a
 * trial would get them: a conditional param (its `when`) whose parents' values rule it out
 * is not passed. The tested param, or one given by --set, that is not active is an error
 * naming the parent that rules it out. */
static int keep_active(const sweep *sw, const lr_args *a, const knob_choice *vals, const bool *set,
                       trial_params *tp)
{
    bool *act = calloc(sw->n_params ? sw->n_params : 1, sizeof *act);
    if (!act)
        return -1;
    for (size_t o = 0; o < sw->n_params; o++)
        act[sw->order[o]] = sweep_param_active(sw, sw->order[o], vals, act);
    int rc = 0;
    for (size_t i = 0; !rc && i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        if (act[i]) {
            tp->v[tp->n++] = (param_value){p->name, p->path, p->n_path, vals[i]};
            continue;
        }
        if (!set[i] && strcmp(p->name, a->param))
            continue;
        /* the condition that fails: p's own, or, where it names an inactive parent, the
         * first up the chain whose parent is active with another value */
        const sweep_cond *own = p->when;
        while (act[own->parent] && sweep_cond_holds(own, &vals[own->parent]))
            own++;
        const sweep_param *q = p;
        const sweep_cond *w = own;
        while (!act[w->parent]) {
            q = &sw->params[w->parent];
            w = q->when;
            while (act[w->parent] && sweep_cond_holds(w, &vals[w->parent]))
                w++;
        }
        knobx_buf v = {0}, want = {0};
        value_text(&v, &vals[w->parent], false);
        for (size_t k = 0; k < w->n_allowed; k++) {
            knobx_buf_puts(&want, k ? ", " : w->n_allowed > 1 ? "one of " : "");
            value_text(&want, &w->allowed[k], false);
        }
        fprintf(stderr, "knob lr-find: %s %s: '%s' is not active: its `when` (line %d of %s) ",
                set[i] ? "--set" : "--param", p->name, p->name, own->line, sw->path);
        if (q != p)
            fprintf(stderr,
                    "names '%s', which is not active: up the chain, the `when` of '%s' (line %d) ",
                    own->parent_name, q->name, w->line);
        if (!strcmp(sw->params[w->parent].name, a->param))
            /* the tested param's value is each step's rate, not one a `when` can ask for */
            fprintf(stderr,
                    "needs '%s', the param under test, to be %s: it cannot be active while "
                    "'%s' is tested\n",
                    w->parent_name, knobx_buf_cstr(&want), a->param);
        else
            fprintf(stderr, "needs '%s' to be %s, not %s (--set %s=VALUE)\n", w->parent_name,
                    knobx_buf_cstr(&want), knobx_buf_cstr(&v), w->parent_name);
        knobx_buf_free(&v);
        knobx_buf_free(&want);
        rc = LR_USAGE;
    }
    free(act);
    return rc;
}

/* The params of the test in tp: 0, -1 on OOM, or LR_USAGE after saying what of --param or
 * --set the sweep does not take. */
static int make_params(const sweep *sw, const lr_args *a, double first_rate, trial_params *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->v = calloc(sw->n_params ? sw->n_params : 1, sizeof *tp->v);
    if (!tp->v)
        return -1;
    const sweep_param *tested = sweep_find(sw, a->param);
    if (!tested) {
        fprintf(stderr, "knob lr-find: %s has no parameter '%s'\n", sw->path, a->param);
        return LR_USAGE;
    }
    /* the rates are positive reals: a list of values, an int or a word would be given
     * numbers it never takes (a constant number is a rate fixed so far) */
    const char *not_rate =
        tested->kind == PK_CATEGORICAL ? "a list of values"
        : sweep_param_is_int(tested)   ? "an int"
        : tested->kind == PK_CONSTANT && tested->choices[0].type != KNOB_CHOICE_NUMBER
            ? "a constant that is no number"
            : NULL;
    if (not_rate) {
        fprintf(stderr,
                "knob lr-find: --param %s: %s in %s, not a float: the test gives it rates "
                "from --min to --max\n",
                a->param, not_rate, sw->path);
        return LR_USAGE;
    }
    for (int k = 0; k < a->n_sets; k++) {
        const char *eq = strchr(a->sets[k], '=');
        size_t len = eq ? (size_t)(eq - a->sets[k]) : 0;
        bool found = false;
        for (size_t i = 0; eq && i < sw->n_params; i++)
            found |=
                strlen(sw->params[i].name) == len && !strncmp(sw->params[i].name, a->sets[k], len);
        /* a text without its '=' (or its name) is misspelt; a name the sweep does not have
         * is said as --param says it */
        if (!len) {
            fprintf(stderr, "knob lr-find: --set %s: expected NAME=VALUE\n", a->sets[k]);
            return LR_USAGE;
        }
        if (!found) {
            fprintf(stderr, "knob lr-find: --set %s: %s has no parameter '%.*s'\n", a->sets[k],
                    sw->path, (int)len, a->sets[k]);
            return LR_USAGE;
        }
        /* the tested param's value is the schedule's: a --set of it would be what the
         * program's params say (KNOB_PARAMS_JSON, its argv) against the rates it is fed */
        if (strlen(a->param) == len && !strncmp(a->param, a->sets[k], len)) {
            fprintf(stderr,
                    "knob lr-find: --set %s: '%s' is the param under test (--param); its "
                    "rates go from --min to --max\n",
                    a->sets[k], a->param);
            return LR_USAGE;
        }
    }
    knob_choice *vals = calloc(sw->n_params ? sw->n_params : 1, sizeof *vals);
    bool *set = calloc(sw->n_params ? sw->n_params : 1, sizeof *set);
    int rc = vals && set ? 0 : -1;
    for (size_t i = 0; !rc && i < sw->n_params; i++) {
        const sweep_param *p = &sw->params[i];
        knob_choice c = !strcmp(p->name, a->param) ? num(first_rate) : middle(p);
        const char *text = NULL;
        for (int k = 0; k < a->n_sets; k++) {
            size_t len = strlen(p->name);
            if (!strncmp(a->sets[k], p->name, len) && a->sets[k][len] == '=')
                c = given(text = a->sets[k] + len + 1);
        }
        /* a list of values takes one of its values, whatever the text's spelling */
        if (text && (p->kind == PK_CONSTANT || p->kind == PK_CATEGORICAL) &&
            !choice_of(p, text, &c)) {
            knobx_buf b = {0};
            for (size_t k = 0; k < p->n_choices; k++) {
                knobx_buf_puts(&b, k ? ", " : "");
                value_text(&b, &p->choices[k], p->is_json && p->is_json[k]);
            }
            fprintf(stderr, "knob lr-find: --set %s=%s: '%s' takes %s%s in %s\n", p->name, text,
                    p->name, p->n_choices > 1 ? "one of " : "", b.oom ? "" : knobx_buf_cstr(&b),
                    sw->path);
            knobx_buf_free(&b);
            rc = LR_USAGE;
        }
        /* a number param given a word (or an int param a fraction) is a typo: the program
         * would get a value its sweep never gives it */
        bool is_int = sweep_param_is_int(p);
        if (text && p->kind != PK_CONSTANT && p->kind != PK_CATEGORICAL &&
            (c.type != KNOB_CHOICE_NUMBER || !isfinite(c.num) ||
             (is_int && c.num != floor(c.num)))) {
            fprintf(stderr, "knob lr-find: --set %s=%s: '%s' is %s in %s\n", p->name, text, p->name,
                    is_int ? "a whole number" : "a finite number", sw->path);
            rc = LR_USAGE;
        }
        vals[i] = c;
        set[i] = text != NULL;
    }
    if (!rc)
        rc = keep_active(sw, a, vals, set, tp);
    free(vals);
    free(set);
    if (rc)
        return rc;
    knobx_buf b = {0};
    params_json(&b, tp->v, tp->n);
    tp->json = b.oom ? NULL : strdup(knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return tp->json ? 0 : -1;
}

/* ---------------------------------------------------------------- the program */

typedef struct child {
    pid_t pid;
    int in; /* the program's stdin, non-blocking; -1 once closed */
    FILE *out;
    bool deaf;    /* its stdin filled up: it reads no rates from knob */
    bool stopped; /* knob ended the test at a record without the loss */
    bool killed;  /* knob signalled it (reap): a signal it died of is knob's, not its own */
} child;

/* Starts the program in a process group of its own, its stdin and stdout piped to knob;
 * `mask`: the signal mask it starts with (knob blocks its stop signals meanwhile). */
static int spawn(char **argv, char **env, child *c, const sigset_t *mask)
{
    int in[2], out[2];
    if (pipe(in))
        return -1;
    if (pipe(out)) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    fflush(NULL);
    c->pid = fork();
    if (c->pid == 0) {
        sigprocmask(SIG_SETMASK, mask, NULL);
        setpgid(0, 0);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        /* knob's own variables that do not hold for this test (a nested sweep's, or one
         * left out here as too long) are not passed on, as knob run passes none */
        for (size_t i = 0; run_own_vars[i]; i++)
            unsetenv(run_own_vars[i]);
        unsetenv("KNOB_TRIAL_NUMBER"); /* a trial's, which this test is not */
        unsetenv("KNOB_STUDY");
        for (char **e = env; *e; e++)
            putenv(*e);
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv);
        fprintf(stderr, "knob lr-find: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (c->pid < 0) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    setpgid(c->pid, c->pid);
    /* A program that takes its rates from KNOB_LR_SCHEDULE never reads stdin: a blocking
     * write there, once the pipe is full, would wait for it while it waits for knob to
     * read its output. */
    c->in = in[1];
    fcntl(c->in, F_SETFL, fcntl(c->in, F_GETFL) | O_NONBLOCK);
    c->out = fdopen(out[0], "r");
    if (!c->out) { /* the program is not left running, nor unreaped */
        int e = errno;
        close(out[0]);
        close(c->in);
        c->in = -1;
        kill(-c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
        errno = e;
        return -1;
    }
    return 0;
}

/* Writes "STEP RATE" to the program's stdin, unless it has shown it does not read it: a
 * line (shorter than PIPE_BUF, so written whole or not at all) that does not fit in the
 * pipe means the program has not read the ones before, and then no more are written, so
 * a program never sees a line missing. */
static void feed(child *c, size_t step, double rate)
{
    char line[64];
    int len = snprintf(line, sizeof line, "%zu %.17g\n", step, rate);
    if (c->deaf || c->in < 0)
        return;
    ssize_t w;
    do
        w = write(c->in, line, (size_t)len);
    while (w < 0 && errno == EINTR);
    if (w != len)
        c->deaf = true; /* EAGAIN: a full pipe; EPIPE: stdin closed */
}

/* Feeds the rates and reads the losses until the finder is done or the program ends;
 * the steps recorded. */
static size_t drive(child *c, knob_lr_finder *f, const char *metric)
{
    char *line = NULL;
    size_t cap = 0, steps = 0;
    bool done = false;
    feed(c, 0, knob_lr_finder_rate(f));
    const char *keys[] = {metric, "step"};
    double last_step = -INFINITY;
    while (!done && getline(&line, &cap, c->out) >= 0) {
        record rec;
        double loss, step;
        /* only the loss and its step are read: they may come after any number of other
         * numbers */
        if (!record_parse_keys(line, keys, 2, &rec))
            continue; /* a log line */
        /* a step out of turn (printed twice, or two swapped) would pair each later loss
         * with another step's rate: the curve would be wrong without a word. The program's
         * own count may start at 1 or count samples: only its order is checked. */
        if (record_get(&rec, metric, &loss) && record_get(&rec, "step", &step)) {
            if (!(step > last_step)) {
                line[strcspn(line, "\r\n")] = 0;
                fprintf(stderr,
                        "knob lr-find: step %zu: the record '%.200s' is of step %.17g, after "
                        "step %.17g: the losses must come once per step, in order; the test "
                        "ends there\n",
                        steps, line, step, last_step);
                c->stopped = true;
                break;
            }
            last_step = step;
        }
        if (!record_get(&rec, metric, &loss)) {
            /* a record without the loss: the program waits for no rate from knob */
            line[strcspn(line, "\r\n")] = 0;
            fprintf(stderr,
                    "knob lr-find: step %zu: the record '%.200s' has no number '%s': the test "
                    "ends there\n",
                    steps, line, metric);
            c->stopped = true;
            break;
        }
        if (!isfinite(loss)) /* said: the summary says only "diverged" */
            fprintf(stderr, "knob lr-find: step %zu: the loss '%s' is %s: the test ends there\n",
                    steps, metric,
                    isnan(loss) ? "nan"
                    : loss > 0  ? "inf"
                                : "-inf");
        knob_lr_finder_step(f, loss, &done);
        steps++;
        if (!done)
            feed(c, steps, knob_lr_finder_rate(f));
    }
    free(line);
    return steps;
}

/* Stopping the test from outside: Ctrl-C, SIGTERM, or the sweep's trial_timeout (SIGALRM).
 * The handler sends SIGTERM to the program's group, whose output then ends (drive
 * returns), and SIGKILL at the next signal or 5 s later. Without it knob died alone and
 * left the program running, and a program that hung was waited for forever. */
static volatile sig_atomic_t stop_signal, stop_group;

static void on_stop(int sig)
{
    if (stop_group <= 0)
        return;
    if (stop_signal) {
        kill(-(pid_t)stop_group, SIGKILL);
        return;
    }
    stop_signal = sig;
    kill(-(pid_t)stop_group, SIGTERM);
    alarm(5);
}

static void catch_stops(pid_t group, double timeout)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    stop_group = (sig_atomic_t)group;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    if (timeout > 0)
        alarm(timeout < 1 ? 1 : (unsigned)ceil(timeout));
}

/* Ends the program: EOF on its stdin, then SIGTERM to its group, SIGKILL after 5 s. */
static int reap(child *c)
{
    int st = 0;
    if (c->in >= 0)
        close(c->in);
    c->in = -1;
    if (c->out)
        fclose(c->out);
    for (int i = 0; i < 50; i++) {
        if (waitpid(c->pid, &st, WNOHANG) == c->pid)
            return st;
        if (i == 10) {
            c->killed = true;
            kill(-c->pid, SIGTERM);
        }
        usleep(100000);
    }
    c->killed = true;
    kill(-c->pid, SIGKILL);
    waitpid(c->pid, &st, 0);
    return st;
}

/* ---------------------------------------------------------------- output */

#define PLOT_W 64
#define PLOT_H 16

static void plot(const knob_lr_finder *f, const knob_lr_finder_result *res)
{
    const double *rate, *smooth;
    size_t n = knob_lr_finder_curve(f, &rate, NULL, &smooth);
    size_t m = res->diverged ? n - 1 : n;
    if (m < 2) { /* one step before the divergence: no curve to draw */
        printf("\n(no plot: one step before the loss diverged)\n");
        return;
    }
    double lo = res->min_loss, hi = smooth[0];
    for (size_t i = 0; i < m; i++)
        hi = smooth[i] > hi && smooth[i] < lo + 3 * (smooth[0] - lo) ? smooth[i] : hi;
    if (!(hi > lo))
        hi = lo + 1;
    double x0 = log10(rate[0]), x1 = log10(rate[m - 1]);
    char grid[PLOT_H][PLOT_W + 1];
    memset(grid, ' ', sizeof grid);
    int mark = (int)lround((log10(res->suggested_rate) - x0) / (x1 - x0) * (PLOT_W - 1));
    for (int y = 0; y < PLOT_H; y++) {
        grid[y][PLOT_W] = 0;
        if (mark >= 0 && mark < PLOT_W)
            grid[y][mark] = ':';
    }
    for (size_t i = 0; i < m; i++) {
        int x = (int)lround((log10(rate[i]) - x0) / (x1 - x0) * (PLOT_W - 1));
        double v = smooth[i] > hi ? hi : smooth[i];
        int y = (int)lround((hi - v) / (hi - lo) * (PLOT_H - 1));
        if (x >= 0 && x < PLOT_W && y >= 0 && y < PLOT_H)
            grid[y][x] = '*';
    }
    printf("\nsmoothed loss against rate (':' the suggested rate)\n");
    for (int y = 0; y < PLOT_H; y++)
        if (y == 0 || y == PLOT_H - 1)
            printf("%10.4g |%s\n", y == 0 ? hi : lo, grid[y]);
        else
            printf("%10s |%s\n", "", grid[y]);
    printf("%10s +", "");
    for (int x = 0; x < PLOT_W; x++)
        putchar('-');
    printf("\n%11s %-10.3g%*s%10.3g\n", "", rate[0], PLOT_W - 20, "", rate[m - 1]);
}

/* ended: the program ended before the last rate without diverging (0: it did not) */
static void report(const knob_lr_finder *f, const knob_lr_finder_result *res, bool json,
                   int64_t ended)
{
    if (json) {
        knobx_buf b = {0};
        const double *rate, *loss, *smooth;
        size_t n = knob_lr_finder_curve(f, &rate, &loss, &smooth);
        knobx_buf_puts(&b, "{\"suggested_rate\":");
        knobx_json_add_number(&b, res->suggested_rate);
        knobx_buf_puts(&b, ",\"steepest_rate\":");
        knobx_json_add_number(&b, res->steepest_rate);
        knobx_buf_puts(&b, ",\"min_loss_rate\":");
        knobx_json_add_number(&b, res->min_loss_rate);
        knobx_buf_puts(&b, ",\"diverge_rate\":");
        if (res->diverged)
            knobx_json_add_number(&b, res->diverge_rate);
        else
            knobx_buf_puts(&b, "null");
        knobx_buf_printf(&b, ",\"steps\":%zu,\"curve\":[", n);
        for (size_t i = 0; i < n; i++) {
            knobx_buf_puts(&b, i ? ",[" : "[");
            knobx_json_add_number(&b, rate[i]);
            knobx_buf_puts(&b, ",");
            cli_json_value(&b, loss[i]); /* a diverged step's inf as 1e999, not null */
            knobx_buf_puts(&b, ",");
            cli_json_value(&b, smooth[i]);
            knobx_buf_puts(&b, "]");
        }
        knobx_buf_puts(&b, "]}\n");
        fputs(knobx_buf_cstr(&b), stdout);
        knobx_buf_free(&b);
        return;
    }
    printf("steps:            %zu%s\n", res->n_steps, res->diverged ? " (stopped: diverged)" : "");
    printf("steepest descent: %.4g\n", res->steepest_rate);
    printf("lowest loss:      %.4g (smoothed loss %.4g)\n", res->min_loss_rate, res->min_loss);
    if (res->diverged)
        printf("diverged at:      %.4g\n", res->diverge_rate);
    else if (ended)
        printf("diverged at:      - (the program ended after %zu of %lld steps)\n", res->n_steps,
               (long long)ended);
    else
        printf("diverged at:      - (not up to the last rate)\n");
    printf("suggested rate:   %.4g\n", res->suggested_rate);
    plot(f, res);
}

/* Whether --out can be written, checked before the test runs (it took the whole test to
 * learn that /nonexistent/x.csv cannot be): a file that exists is writable and no directory,
 * or the directory it would go in is. Nothing is written. */
static int check_out(const char *path)
{
    struct stat sb;
    int err = 0;
    if (stat(path, &sb) == 0) {
        err = S_ISDIR(sb.st_mode) ? EISDIR : access(path, W_OK) ? errno : 0;
    } else if (errno != ENOENT) {
        err = errno;
    } else {
        knobx_buf dir = {0};
        const char *slash = strrchr(path, '/');
        if (!slash)
            knobx_buf_puts(&dir, ".");
        else if (slash == path)
            knobx_buf_puts(&dir, "/");
        else
            knobx_buf_add(&dir, path, (size_t)(slash - path));
        err = dir.oom ? ENOMEM : access(knobx_buf_cstr(&dir), W_OK | X_OK) ? errno : 0;
        knobx_buf_free(&dir);
    }
    if (err)
        fprintf(stderr, "knob lr-find: --out %s cannot be written: %s (nothing was run)\n", path,
                strerror(err));
    return err ? -1 : 0;
}

static int write_curve(const knob_lr_finder *f, const char *path)
{
    const double *rate, *loss, *smooth;
    size_t n = knob_lr_finder_curve(f, &rate, &loss, &smooth);
    FILE *o = fopen(path, "w");
    if (!o) {
        fprintf(stderr, "knob lr-find: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(o, "step,rate,loss,smoothed\n");
    for (size_t i = 0; i < n; i++)
        fprintf(o, "%zu,%.17g,%.17g,%.17g\n", i, rate[i], loss[i], smooth[i]);
    return fclose(o) ? -1 : 0;
}

/* ---------------------------------------------------------------- the command */

/* "KNOB_LR_SCHEDULE=r0,r1,...", the rates as knob_lr_finder gives them (in log space); NULL
 * with *too_long when it would pass the longest environment string a program can be given
 * (run_max_arg_len(): about 5,000 steps with 4 KiB pages), or on OOM. */
static char *schedule_env(const knob_lr_finder_options *o, bool *too_long)
{
    knobx_buf b = {0};
    double lo = log(o->min_rate), span = log(o->max_rate) - lo;
    knobx_buf_puts(&b, "KNOB_LR_SCHEDULE=");
    *too_long = false;
    for (int64_t i = 0; i < o->steps && !b.oom && !*too_long; i++) {
        double t = (double)i / (double)(o->steps - 1);
        knobx_buf_printf(&b, "%s%.17g", i ? "," : "", i ? exp(lo + t * span) : o->min_rate);
        *too_long = b.len > run_max_arg_len();
    }
    char *s = b.oom || *too_long ? NULL : strdup(knobx_buf_cstr(&b));
    knobx_buf_free(&b);
    return s;
}

/* The test: 0, -1 when it failed or was cut short, LR_STOPPED when knob was stopped
 * (trial_timeout is -1), LR_USAGE for a mistake of --param or --set. */
static int run_test(const sweep *sw, const lr_args *a, const knob_lr_finder_options *o,
                    knob_lr_finder *f)
{
    trial_params tp;
    int rc = make_params(sw, a, o->min_rate, &tp);
    char dir[] = "/tmp/knob-lr-find-XXXXXX", json_file[64];
    char **argv = NULL;
    if (!rc && !mkdtemp(dir)) {
        fprintf(stderr, "knob lr-find: mkdtemp: %s\n", strerror(errno));
        rc = -1;
    }
    snprintf(json_file, sizeof json_file, "%s/params.json", dir);
    FILE *jf = rc ? NULL : fopen(json_file, "w");
    if (jf) {
        fprintf(jf, "%s\n", tp.json);
        fclose(jf);
    }
    knobx_buf unbuilt = {0};
    if (!rc && !(argv = run_argv(sw, &tp, json_file, &unbuilt))) {
        fprintf(stderr, "knob lr-find: %s\n",
                unbuilt.len ? knobx_buf_cstr(&unbuilt) : "the command could not be built");
        rc = -1;
    }
    knobx_buf_free(&unbuilt);
    knobx_buf env[5] = {{0}};
    /* left out past what a program can be given, as knob run leaves it out: params.json and
     * ${args_json_file} hold the same */
    if (!tp.json || strlen(tp.json) + strlen("KNOB_PARAMS_JSON=") <= run_max_arg_len())
        knobx_buf_printf(&env[0], "KNOB_PARAMS_JSON=%s", tp.json ? tp.json : "{}");
    knobx_buf_printf(&env[1], "KNOB_TRIAL_DIR=%s", dir);
    knobx_buf_printf(&env[2], "KNOB_LR_PARAM=%s", a->param);
    knobx_buf_printf(&env[3], "KNOB_LR_STEPS=%lld", (long long)o->steps);
    bool too_long;
    char *sched = schedule_env(o, &too_long);
    /* too long for the environment: the program reads its rates from stdin */
    char *envp[6], *own[] = {env[0].data, env[1].data, env[2].data, env[3].data, sched};
    size_t n_env = 0;
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (own[i])
            envp[n_env++] = own[i];
    envp[n_env] = NULL;
    child c = {.in = -1};
    /* the stop signals wait from the program's start until the handler knows its group: one
     * in between killed knob alone and left the program running */
    sigset_t stops, mask;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigaddset(&stops, SIGALRM);
    sigprocmask(SIG_BLOCK, &stops, &mask);
    if (!rc && ((!sched && !too_long) || spawn(argv, envp, &c, &mask))) {
        fprintf(stderr, "knob lr-find: cannot start the program: %s\n", strerror(errno));
        rc = -1;
    }
    if (rc)
        sigprocmask(SIG_SETMASK, &mask, NULL);
    if (!rc) {
        const char *metric = a->metric ? a->metric
                             : sw->n_objectives == 1 && sw->objectives[0].goal == KNOB_MINIMIZE
                                 ? sw->objectives[0].name
                                 : "loss";
        catch_stops(c.pid, sw->trial_timeout);
        sigprocmask(SIG_SETMASK, &mask, NULL); /* before a write that may block */
        if (!a->json)
            printf("knob lr-find: '%s' from %g to %g in %lld steps; params %s; metric '%s'\n",
                   a->param, o->min_rate, o->max_rate, (long long)o->steps, tp.json, metric);
        fflush(stdout);
        size_t steps = drive(&c, f, metric);
        alarm(0);
        int st = reap(&c);
        int why = stop_signal;
        stop_group = 0;
        if (why) {
            if (why == SIGALRM)
                fprintf(stderr, "knob lr-find: the program ran past trial_timeout (%gs)",
                        sw->trial_timeout);
            else
                fprintf(stderr, "knob lr-find: stopped by %s", strsignal(why));
            fprintf(stderr, " after %zu steps\n", steps);
            rc = -1;
        }
        knob_lr_finder_result res;
        if (knob_lr_finder_result_get(f, &res)) {
            fprintf(stderr, "knob lr-find: %s", knob_errmsg());
            bool crashed = WIFSIGNALED(st) && !why && !c.killed; /* SIGSEGV, SIGKILL */
            if (WIFEXITED(st) && WEXITSTATUS(st))
                fprintf(stderr, " (the program exited with status %d)", WEXITSTATUS(st));
            else if (crashed)
                fprintf(stderr, " (the program was killed by signal %d, %s)", WTERMSIG(st),
                        strsignal(WTERMSIG(st)));
            /* a loss that diverged at once came back each step: it needs a lower --min */
            if (knob_lr_finder_curve(f, NULL, NULL, NULL) < 2 && !crashed)
                fprintf(stderr, "; it must print its '%s' once per step", metric);
            fputc('\n', stderr);
            rc = -1;
        } else {
            /* the program ended on its own before the last rate, the loss not diverged: a
             * crash is a failure, and either way the curve stops short of the range */
            bool cut = !why && !c.stopped && !res.diverged && res.n_steps < (size_t)o->steps;
            report(f, &res, a->json, cut ? o->steps : 0);
            const double *rate;
            knob_lr_finder_curve(f, &rate, NULL, NULL);
            /* a loss that never fell: the suggestion (a tenth of the first rate) lies
             * below every rate tried */
            fflush(stdout);
            if (res.min_loss_rate == rate[0])
                fprintf(stderr,
                        "knob lr-find: the smoothed loss was lowest at the first rate, %g: "
                        "it never fell, and the suggested rate %g lies below the range "
                        "tried; try a lower --min\n",
                        rate[0], res.suggested_rate);
            else if (res.suggested_rate < rate[0]) /* lowest a step or two in: hardly fell */
                fprintf(stderr,
                        "knob lr-find: the smoothed loss was lowest at %g, near the first rate "
                        "%g, and the suggested rate %g lies below the range tried; try a lower "
                        "--min\n",
                        res.min_loss_rate, rate[0], res.suggested_rate);
            if (cut) {
                bool failed = !WIFEXITED(st) || WEXITSTATUS(st);
                fprintf(stderr,
                        "knob lr-find: the program ended after %zu of %lld steps, before its "
                        "loss diverged",
                        res.n_steps, (long long)o->steps);
                if (WIFSIGNALED(st))
                    fprintf(stderr, " (killed by %s)", strsignal(WTERMSIG(st)));
                else if (failed)
                    fprintf(stderr, " (exit status %d)", WEXITSTATUS(st));
                fprintf(stderr, ": the rates come from the steps it ran\n");
                if (failed)
                    rc = -1;
            }
            if (a->out && write_curve(f, a->out))
                rc = -1;
            /* knob ended the test at a record it could not use: its curve is reported, but a
             * script must not take it for a whole test */
            if (c.stopped)
                rc = -1;
        }
        if (why && why != SIGALRM)
            rc = LR_STOPPED; /* the steps before are reported, and the stop was asked for */
    }
    for (int i = 0; i < 4; i++)
        knobx_buf_free(&env[i]);
    free(sched);
    run_argv_free(argv);
    params_free(&tp);
    unlink(json_file);
    rmdir(dir);
    return rc;
}

int cmd_lr_find(int argc, char **argv)
{
    lr_args a;
    if (parse(argc, argv, &a))
        return EXIT_USAGE;
    knob_lr_finder_options o = {0};
    double steps = 0;
    if (number(a.min, "--min", &o.min_rate) || number(a.max, "--max", &o.max_rate) ||
        number(a.steps, "--steps", &steps) || number(a.smoothing, "--smoothing", &o.smoothing))
        return EXIT_USAGE;
    if (steps != floor(steps) || steps < 0 || steps == 1 || steps > 1e8) {
        fprintf(stderr, "knob lr-find: --steps must be a whole number from 2 to 10^8, got '%s'\n",
                a.steps);
        return EXIT_USAGE;
    }
    /* 0 means "the default" to the library; given here, it is a mistake */
    const char *zero = a.min && o.min_rate == 0   ? "--min must be > 0"
                       : a.max && o.max_rate == 0 ? "--max must be > --min"
                       : a.steps && steps == 0    ? "--steps must be at least 2"
                                                  : NULL;
    if (zero) {
        fprintf(stderr, "knob lr-find: %s, got 0\n", zero);
        return EXIT_USAGE;
    }
    o.steps = (int64_t)steps;
    /* the library reads a negative smoothing as none: given here, it is a mistake */
    if (a.smoothing && !(o.smoothing >= 0 && o.smoothing < 1)) {
        fprintf(stderr, "knob lr-find: --smoothing must be in [0, 1) (0: none), got '%s'\n",
                a.smoothing);
        return EXIT_USAGE;
    }
    if (a.smoothing && o.smoothing == 0)
        o.smoothing = -1; /* --smoothing 0: none */
    /* the library's own checks, in the command's terms (it names min_rate and max_rate) */
    double lo = o.min_rate ? o.min_rate : 1e-7, hi = o.max_rate ? o.max_rate : 10;
    if (!(lo > 0)) {
        fprintf(stderr, "knob lr-find: --min must be > 0, got '%s'\n", a.min);
        return EXIT_USAGE;
    }
    if (!(hi > lo)) {
        fprintf(stderr, "knob lr-find: --max (%g%s) must be > --min (%g%s)\n", hi,
                a.max ? "" : ", the default", lo, a.min ? "" : ", the default");
        return EXIT_USAGE;
    }
    knob_lr_finder *f;
    if (knob_lr_finder_create(&o, &f)) {
        fprintf(stderr, "knob lr-find: %s\n", knob_errmsg());
        return EXIT_USAGE;
    }
    knob_lr_finder_options eff = {o.min_rate ? o.min_rate : 1e-7, o.max_rate ? o.max_rate : 10,
                                  o.steps ? o.steps : 200, 0, 0};
    sweep sw;
    if (sweep_load(a.path, &sw)) {
        knob_lr_finder_free(f);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    int rc = 0;
    if (!sw.program && !sw.command) {
        fprintf(stderr, "knob lr-find: %s has no program or command\n", sw.path);
        rc = EXIT_USAGE;
    } else if (cli_refuse_unset_env(&sw)) { /* as knob run refuses it */
        rc = EXIT_USAGE;
    } else if (a.out && check_out(a.out)) {
        rc = EXIT_USAGE;
    } else if ((rc = run_test(&sw, &a, &eff, f))) {
        rc = rc == LR_USAGE ? EXIT_USAGE : rc == LR_STOPPED ? 130 : EXIT_FAIL;
    }
    sweep_free(&sw);
    knob_lr_finder_free(f);
    return rc;
}
