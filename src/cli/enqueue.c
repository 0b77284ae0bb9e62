/* knob enqueue STUDY key=value ...: a trial with given params, taken by the next ask. The
 * values are what the program should get; for params the library holds in another form
 * (quantiles of the normal family and of probabilities, reciprocals), the sweep stored
 * with the study says how to convert them. */
#include "cli/cli.h"
#include "cli/params.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "lr=0.01" -> "lr": 0.01; numbers, true/false and null stay typed, the rest are strings. */
static void typed_value(knob__buf *b, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (*v && !*end && isfinite(d))
        knob__json_add_number(b, d);
    else if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null"))
        knob__buf_puts(b, v);
    else
        knob__json_add_string(b, v);
}

/* The key=value arguments as one JSON object of what the program gets. */
static int given_json(const cli_args *a, knob__buf *b)
{
    knob__buf_puts(b, "{");
    for (int i = 1; i < a->n_pos; i++) {
        const char *eq = strchr(a->pos[i], '=');
        if (!eq || eq == a->pos[i]) {
            fprintf(stderr, "knob enqueue: '%s' is not key=value\n", a->pos[i]);
            return -1;
        }
        char *key = strndup(a->pos[i], (size_t)(eq - a->pos[i]));
        knob__buf_puts(b, i > 1 ? "," : "");
        knob__json_add_string(b, key ? key : "");
        knob__buf_puts(b, ":");
        typed_value(b, eq + 1);
        free(key);
    }
    knob__buf_puts(b, "}");
    return b->oom ? -1 : 0;
}

/* The sweep stored with the study, if any (studies made by knob run or knob ask). */
static int stored_sweep(study_ref *r, sweep *sw, bool *have)
{
    const char *text = knob_study_system_attr(r->s, "sweep");
    knob__json *j = text ? knob__json_parse(text, (size_t)-1, NULL, 0) : NULL;
    int rc = 0;
    *have = false;
    if (j && j->type == KNOB__JSON_STRING) {
        rc = sweep_load_text("(the sweep stored with the study)", j->str, sw);
        *have = rc == 0;
    }
    knob__json_free(j);
    return rc;
}

/* The given values in the form the library holds them under each name. */
static int library_json(const sweep *sw, bool grid, const knob__json *given, knob__buf *b)
{
    knob__buf_puts(b, "{");
    for (size_t i = 0; i < given->n; i++) {
        const knob__json *v = given->kids[i];
        const sweep_param *p = sweep_find(sw, v->key);
        knob__buf_puts(b, i ? "," : "");
        knob__json_add_string(b, v->key);
        knob__buf_puts(b, ":");
        if (!p)
            fprintf(stderr, "knob enqueue: warning: '%s' is not a parameter of the sweep\n",
                    v->key);
        else if (p->kind == PK_CONSTANT)
            fprintf(stderr,
                    "knob enqueue: warning: '%s' is a constant of the sweep: the "
                    "program gets its value from the sweep\n",
                    v->key);
        if (!p) {
            knob__json_add_node(b, v);
        } else if (params_fixed_json(p, grid, v, b)) {
            return -1;
        }
    }
    knob__buf_puts(b, "}");
    return b->oom ? -1 : 0;
}

static int enqueue(study_ref *r, const char *given_text)
{
    sweep sw;
    bool have;
    knob__buf lib = {0};
    knob__json *given = knob__json_parse(given_text, (size_t)-1, NULL, 0);
    int rc = given ? stored_sweep(r, &sw, &have) : -1;
    if (!rc && have) {
        rc = library_json(&sw, sweep_is_grid(&sw), given, &lib);
        sweep_free(&sw);
    } else if (!rc) {
        knob__buf_puts(&lib, given_text);
    }
    if (!rc && knob_study_enqueue(r->s, knob__buf_cstr(&lib))) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        rc = -1;
    }
    knob__json_free(given);
    knob__buf_free(&lib);
    return rc;
}

int cmd_enqueue(int argc, char **argv)
{
    cli_args a;
    study_ref r;
    const char *usage = "knob enqueue STUDY key=value ... [--storage URL]";
    if (cli_parse_args(argc, argv, &a, usage))
        return EXIT_USAGE;
    if (a.n_pos < 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return EXIT_USAGE;
    }
    knob__buf b = {0};
    if (given_json(&a, &b)) {
        knob__buf_free(&b);
        return EXIT_USAGE;
    }
    int rc = EXIT_FAIL;
    if (!cli_open_study(cli_storage(&a, NULL), a.pos[0], &r)) {
        rc = enqueue(&r, knob__buf_cstr(&b)) ? EXIT_FAIL : 0;
        cli_close(&r);
    }
    if (!rc)
        printf("enqueued %s in study '%s'\n", knob__buf_cstr(&b), a.pos[0]);
    knob__buf_free(&b);
    return rc;
}
