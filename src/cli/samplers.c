/* knob samplers: every built-in sampler and pruner with its options, defaults and help. */
#include "cli/cli.h"

#include <stdio.h>

static void print_options(const knob_option *o)
{
    static const char *const types[] = {"int", "number", "bool", "string"};
    for (; o && o->name; o++) {
        printf("    %-24s %-7s default %-10s", o->name,
               o->type <= KNOB_OPT_STRING ? types[o->type] : "?",
               o->def && o->def[0] ? o->def : "-");
        if ((o->type == KNOB_OPT_INT || o->type == KNOB_OPT_DOUBLE) && (o->min || o->max))
            printf(" [%g, %g]", o->min, o->max);
        printf(" %s\n", o->help ? o->help : "");
    }
}

int cmd_samplers(int argc, char **argv)
{
    cli_args a;
    if (cli_parse_args(argc, argv, &a, "knob samplers") || a.n_pos) {
        fputs("usage: knob samplers\n", stderr);
        return EXIT_USAGE;
    }
    printf("samplers (in a sweep: sampler: NAME or {name: NAME, options: {key: value}}; every "
           "one takes seed):\n");
    for (const knob_sampler_plugin *const *p = knob_sampler_builtins(); *p; p++) {
        printf("  %s\n    %s\n", (*p)->name, (*p)->help ? (*p)->help : "");
        print_options((*p)->options);
    }
    printf("\npruners (in a sweep: pruner: NAME or {name: NAME, options: {key: value}}):\n");
    for (const knob_pruner_plugin *const *p = knob_pruner_builtins(); *p; p++) {
        printf("  %s\n    %s\n", (*p)->name, (*p)->help ? (*p)->help : "");
        print_options((*p)->options);
    }
    return 0;
}
