/* knob samplers: every sampler and pruner, built in or loaded as a plugin (KNOB_PLUGINS),
 * with its options: type, default, range or choices, and help. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

static void print_options(const knob_option *o)
{
    static const char *const types[] = {"int", "number", "bool", "string", "enum"};
    for (; o && o->name; o++) {
        printf("    %-24s %-7s default %-10s", o->name,
               o->type <= KNOB_OPT_ENUM ? types[o->type] : "?", o->def && o->def[0] ? o->def : "-");
        if (o->type == KNOB_OPT_INT && (o->min || o->max))
            printf(" [%.0f, %.0f]", o->min, o->max); /* every digit of 16777216 */
        else if (o->type == KNOB_OPT_DOUBLE && (o->min || o->max))
            printf(" [%g, %g]", o->min, o->max);
        if (o->type == KNOB_OPT_ENUM && o->choices) {
            printf(" {");
            for (const char *const *c = o->choices; *c; c++)
                printf("%s%s", c == o->choices ? "" : ", ", *c);
            printf("}");
        }
        printf(" %s\n", o->help ? o->help : "");
    }
}

int cmd_samplers(int argc, char **argv)
{
    cli_args a;
    const char *usage = "knob samplers   (KNOB_PLUGINS=a.so:b.so lists their samplers and "
                        "pruners too)";
    if (cli_parse_args(argc, argv, &a, "", usage) || cli_check_count(&a, "", 0, 0, usage))
        return EXIT_USAGE;
    size_t ns = knob_sampler_list(NULL, 0), np = knob_pruner_list(NULL, 0);
    const knob_sampler_plugin **s = calloc(ns ? ns : 1, sizeof *s);
    const knob_pruner_plugin **p = calloc(np ? np : 1, sizeof *p);
    if (!s || !p) {
        free(s);
        free(p);
        fputs("knob: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    ns = knob_sampler_list(s, ns);
    np = knob_pruner_list(p, np);
    printf("samplers (in a sweep: sampler: NAME or {name: NAME, options: {key: value}}; every "
           "one takes seed):\n");
    for (size_t i = 0; i < ns; i++) {
        printf("  %s\n    %s\n", s[i]->name, s[i]->help ? s[i]->help : "");
        print_options(s[i]->options);
    }
    printf("\npruners (in a sweep: pruner: NAME or {name: NAME, options: {key: value}}):\n");
    for (size_t i = 0; i < np; i++) {
        printf("  %s\n    %s\n", p[i]->name, p[i]->help ? p[i]->help : "");
        print_options(p[i]->options);
    }
    free(s);
    free(p);
    return 0;
}
