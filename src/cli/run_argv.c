/* A trial's argv from the command template: W&B's macros, each element one argument, never
 * a shell. */
#include "cli/run.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t run_max_arg_len(void)
{
#ifdef __linux__
    long page = sysconf(_SC_PAGESIZE);
    return (size_t)(page > 0 ? page : 4096) * 32 - 1;
#else
    return SIZE_MAX;
#endif
}

typedef struct strv {
    char **v;
    size_t n, cap;
    bool oom;
} strv;

static void push(strv *a, const char *s)
{
    if (a->oom)
        return;
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        char **v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            a->oom = true;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n] = strdup(s);
    a->oom = !a->v[a->n];
    a->n += !a->oom;
    a->v[a->n] = NULL;
}

static const char *interpreter(const sweep *sw)
{
    size_t n = sw->program ? strlen(sw->program) : 0;
    return n > 3 && !strcmp(sw->program + n - 3, ".py") ? "python3" : NULL;
}

/* The program as a command: "train.sh" in this directory becomes "./train.sh", since
 * execvp (and env) would look for it on PATH; so too an executable .py program where it is
 * the command (no interpreter before it), and a directory of the name stays a name. */
static void push_program(strv *a, const sweep *sw)
{
    const char *p = sw->program ? sw->program : "";
    bool command = true; /* nothing before it but env */
    for (size_t k = 0; k < a->n && command; k++)
        command = !strcmp(a->v[k], "/usr/bin/env") || !strcmp(a->v[k], "env");
    struct stat st;
    /* a file: a directory of that name is no program (python -m ${program}, a package) */
    if ((!interpreter(sw) || (command && access(p, X_OK) == 0)) && *p && !strchr(p, '/') &&
        stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
        knobx_buf b = {0};
        knobx_buf_printf(&b, "./%s", p);
        push(a, knobx_buf_cstr(&b));
        knobx_buf_free(&b);
        return;
    }
    push(a, p);
}

/* True when the file `name` (no '/') is in a directory of PATH with the access `mode`. */
static bool on_path_as(const char *name, int mode)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        knobx_buf b = {0};
        knobx_buf_printf(&b, "%.*s/%s", (int)n, n ? p : ".", name);
        bool found = !b.oom && access(knobx_buf_cstr(&b), mode) == 0;
        knobx_buf_free(&b);
        if (found)
            return true;
        p += n + (end != NULL);
    }
    return false;
}

/* True when the file `name` (no '/') is an executable in a directory of PATH, as execvp
 * finds it. */
static bool on_path(const char *name)
{
    return on_path_as(name, X_OK);
}

/* True when the script `p` of an interpreter named `base` (as the command names it) is
 * there for it: Python, dash, perl, ruby, Rscript and julia look for it here alone; bash
 * looks on PATH too for a bare name, and so may sh (bash on some systems); node adds .js, or
 * takes a directory. */
static bool script_found(const char *base, const char *p)
{
    if (access(p, F_OK) == 0)
        return true;
    if (!strcmp(base, "bash") || !strcmp(base, "sh")) /* sh may be bash */
        return !strchr(p, '/') && on_path_as(p, R_OK);
    if (!strcmp(base, "node") || !strcmp(base, "nodejs")) {
        knobx_buf b = {0};
        knobx_buf_printf(&b, "%s.js", p);
        bool there = !b.oom && access(knobx_buf_cstr(&b), F_OK) == 0;
        knobx_buf_free(&b);
        return there;
    }
    return false;
}

/* The interpreter the command element `e` names, whose script ${program} is when it comes
 * next (python3, /usr/bin/python3.12, bash, node, ...), as its base name; NULL for another. */
static const char *interpreter_named(const char *e)
{
    static const char *const names[] = {"python", "sh",      "dash",  "bash", "perl",
                                        "ruby",   "Rscript", "julia", "node", "nodejs"};
    const char *base = strrchr(e, '/') ? strrchr(e, '/') + 1 : e;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t n = strlen(names[k]);
        /* python3, python3.12 too */
        if (!strncmp(base, names[k], n) &&
            (!base[n] ||
             (!strcmp(names[k], "python") && strspn(base + n, "0123456789.") == strlen(base + n))))
            return names[k];
    }
    return NULL;
}

int run_shebang(const char *path, char *interp, size_t size, bool *cr)
{
    char head[512] = "";
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    head[n] = 0;
    *cr = false;
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return 0;
    const char *p = head + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t len = strcspn(p, " \t\n");
    *cr = memchr(p, '\r', len) != NULL; /* in the interpreter's path: after it, an argument's */
    size_t at = 0;
    for (size_t i = 0; i < len && at + 3 < size; i++) {
        if (p[i] == '\r') {
            interp[at++] = '\\';
            interp[at++] = 'r';
        } else {
            interp[at++] = p[i];
        }
    }
    interp[at] = 0;
    return 1;
}

/* Whether the script p, run as the command (not by an interpreter the command names), has a
 * #! line that cannot run: an interpreter that is not there, or a line with a Windows line
 * end (every trial would fail to start, the default command's /usr/bin/env naming the script
 * itself as missing). */
static bool shebang_fails(const char *p, knobx_buf *why)
{
    char interp[600];
    bool cr;
    if (access(p, X_OK) != 0 || !run_shebang(p, interp, sizeof interp, &cr))
        return false;
    /* as the kernel reads it: a \r in the path is part of it (no file), one after it is its
     * argument's, which env -S and perl take; an empty #! line runs as a shell script
     * (execvp's fallback) */
    if (!interp[0] || (!cr && access(interp, X_OK) == 0))
        return false;
    knobx_buf_printf(why, "program '%s': its #! line names '%s', which is not there", p, interp);
    if (cr)
        knobx_buf_puts(why, ": its \\r is a Windows line end (CRLF) the script was saved with; "
                            "save it with Unix line ends (sed -i 's/\\r$//' FILE)");
    else
        knobx_buf_puts(why, " (a removed environment?)");
    return true;
}

int run_check_program(const sweep *sw, knobx_buf *why)
{
    static const char *const dflt[] = {"${env}", "${interpreter}", "${program}"};
    const char *const *c = sw->command ? (const char *const *)sw->command : dflt;
    size_t n = sw->command ? sw->n_command : 3, i = 0;
    /* ${program} where it is what runs (execvp, or env, finds a bare name here, as knob
     * gives it, or on PATH), or the script of ${interpreter} or of an interpreter the
     * command names: not an argument of something else (python -m ${program}, a module) */
    const char *by = NULL;
    while (i < n && (!strcmp(c[i], "${env}") || !strcmp(c[i], "env") ||
                     !strcmp(c[i], "/usr/bin/env") || !strcmp(c[i], "${interpreter}"))) {
        if (!strcmp(c[i], "${interpreter}") && interpreter(sw))
            by = "python";
        i++;
    }
    if (!by && i + 1 < n && !strcmp(c[i + 1], "${program}") && (by = interpreter_named(c[i])))
        i++;
    const char *p = sw->program;
    if (!p || i >= n || strcmp(c[i], "${program}"))
        return 0;
    if (!by && access(p, F_OK) == 0)
        return shebang_fails(p, why) ? -1 : 0;
    if (by ? script_found(by, p) : !strchr(p, '/') && on_path(p))
        return 0;
    bool file = by || strchr(p, '/');
    char cwd[4096];
    const char *here = getcwd(cwd, sizeof cwd) ? cwd : "the current directory";
    knobx_buf_printf(why,
                     "program '%s' is %s in %s, where each trial runs%s: run knob from the "
                     "directory that holds it, or give program as an absolute path",
                     p, file ? "no file" : "neither a file nor a command on PATH", here,
                     p[0] == '/' ? "" : " (a relative program is found from there)");
    return -1;
}

/* ${args}, ${args_no_hyphens}, ${args_no_boolean_flags}: one argument per param. As flags,
 * a true boolean is "--name" alone and a false one no argument at all (W&B's
 * store_true style), every other value "--name=value". ${args_no_equals}: two per param,
 * "--name" and "value". */
typedef enum { ARGS_HYPHENS, ARGS_NO_HYPHENS, ARGS_FLAGS, ARGS_NO_EQUALS } args_style;

static void push_args(strv *a, const trial_params *tp, args_style style)
{
    for (size_t i = 0; i < tp->n; i++) {
        const knob_choice *v = &tp->v[i].value;
        knobx_buf b = {0};
        if (style == ARGS_FLAGS && v->type == KNOB_CHOICE_BOOL && v->num == 0)
            continue;
        knobx_buf_printf(&b, "%s%s", style == ARGS_NO_HYPHENS ? "" : "--", tp->v[i].name);
        if (style == ARGS_NO_EQUALS) {
            push(a, knobx_buf_cstr(&b));
            knobx_buf_reset(&b);
        } else if (style != ARGS_FLAGS || v->type != KNOB_CHOICE_BOOL) {
            knobx_buf_puts(&b, "=");
        }
        if (style != ARGS_FLAGS || v->type != KNOB_CHOICE_BOOL)
            params_value_text(&b, v);
        push(a, knobx_buf_cstr(&b));
        knobx_buf_free(&b);
    }
}

/* Replaces the macros inside one element ("--config=${args_json}"). */
static void push_text(strv *a, const char *elem, const sweep *sw, const trial_params *tp,
                      const char *json_file)
{
    static const char *const names[] = {"${program}", "${args_json_file}", "${args_json}", "${env}",
                                        "${interpreter}"};
    enum { N_NAMES = sizeof names / sizeof *names };
    knobx_buf b = {0};
    for (const char *s = elem; *s;) {
        const char *m = strstr(s, "${");
        if (!m) {
            knobx_buf_puts(&b, s);
            break;
        }
        knobx_buf_add(&b, s, (size_t)(m - s));
        const char *with[] = {sw->program ? sw->program : "", json_file, tp->json, "/usr/bin/env",
                              interpreter(sw) ? interpreter(sw) : ""};
        /* W&B's ${envvar:NAME}: the variable's value (knob run refuses to start when one is
         * not set) */
        char name[256];
        size_t len = sweep_envvar_at(m, name, sizeof name);
        const char *value = len ? getenv(name) : NULL;
        if (value) {
            knobx_buf_puts(&b, value);
            s = m + len;
            continue;
        }
        size_t i = 0;
        while (i < N_NAMES && strncmp(m, names[i], strlen(names[i])))
            i++;
        knobx_buf_puts(&b, i < N_NAMES ? with[i] : "${");
        s = m + (i < N_NAMES ? strlen(names[i]) : 2);
    }
    push(a, knobx_buf_cstr(&b));
    knobx_buf_free(&b);
}

/* One element of the template; the list macros stand alone. */
static void expand(strv *a, const char *elem, const sweep *sw, const trial_params *tp,
                   const char *json_file)
{
    if (!strcmp(elem, "${args}"))
        push_args(a, tp, ARGS_HYPHENS);
    else if (!strcmp(elem, "${args_no_hyphens}"))
        push_args(a, tp, ARGS_NO_HYPHENS);
    else if (!strcmp(elem, "${args_no_boolean_flags}"))
        push_args(a, tp, ARGS_FLAGS);
    else if (!strcmp(elem, "${args_no_equals}"))
        push_args(a, tp, ARGS_NO_EQUALS);
    else if (!strcmp(elem, "${env}"))
        push(a, "/usr/bin/env");
    else if (!strcmp(elem, "${interpreter}")) {
        if (interpreter(sw))
            push(a, interpreter(sw));
    } else if (!strcmp(elem, "${program}"))
        push_program(a, sw);
    else
        push_text(a, elem, sw, tp, json_file);
}

char **run_argv(const sweep *sw, const trial_params *tp, const char *json_file, knobx_buf *why)
{
    static const char *const dflt[] = {"${env}", "${interpreter}", "${program}", "${args}"};
    size_t n = sw->command ? sw->n_command : 4;
    strv a = {0};
    for (size_t i = 0; i < n && !a.oom; i++) {
        const char *elem = sw->command ? sw->command[i] : dflt[i];
        size_t from = a.n;
        expand(&a, elem, sw, tp, json_file);
        /* An argument execve would refuse (E2BIG: "Argument list too long", as if the
         * program could not run): the trial fails naming the command's element. */
        for (size_t k = from; k < a.n && !a.oom; k++) {
            size_t len = strlen(a.v[k]);
            if (len <= run_max_arg_len())
                continue;
            if (why) {
                knobx_buf_printf(why, "its command's argument %zu (", k);
                if (sw->command)
                    knobx_buf_printf(why, "command[%zu] '%.100s%s'", i, elem,
                                     strlen(elem) > 100 ? "..." : "");
                else
                    knobx_buf_printf(why, "'%s' of the default command", elem);
                knobx_buf_printf(why,
                                 ") is %zu bytes, more than a program can be given (%zu, "
                                 "Linux's MAX_ARG_STRLEN)%s",
                                 len, run_max_arg_len(),
                                 strstr(elem, "${args_json}")
                                     ? "; ${args_json_file} passes the path of a file that "
                                       "holds the same JSON"
                                     : "");
            }
            run_argv_free(a.v);
            return NULL;
        }
    }
    if (a.oom || !a.n) {
        run_argv_free(a.v);
        return NULL;
    }
    return a.v;
}

void run_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}
