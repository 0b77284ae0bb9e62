/* The knob command: tunes any program from a sweep file, and inspects studies. */
#include "cli/cli.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef KNOB_STATIC_CLI
#include <sqlite3.h>
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"run", cmd_run, "run SWEEP.yaml        tune a program: run trials until the budget is spent"},
    {"worker", cmd_worker,
     "worker --study NAME   join a study (its stored sweep) from any machine"},
    {"ask", cmd_ask,
     "ask STUDY [--sweep F] start a trial, print {\"number\": N, \"params\": {...}}"},
    {"tell", cmd_tell, "tell STUDY N VALUE... finish trial N (--state pruned|fail)"},
    {"intermediate", cmd_intermediate,
     "intermediate STUDY N VALUE  report a value of trial N at a step: continue or prune"},
    {"studies", cmd_studies, "studies               list the studies in the storage"},
    {"trials", cmd_trials, "trials STUDY          list a study's trials (--format table|csv|json)"},
    {"best", cmd_best, "best STUDY            the best trial (--json)"},
    {"importance", cmd_importance,
     "importance STUDY      how much each param matters (--method fanova|ped-anova)"},
    {"delete", cmd_delete, "delete STUDY          delete a study and its trials"},
    {"enqueue", cmd_enqueue, "enqueue STUDY k=v...  queue a trial with given params"},
    {"samplers", cmd_samplers, "samplers              list samplers and pruners with options"},
    {"lr-find", cmd_lr_find,
     "lr-find SWEEP --param P  the learning-rate range test: loss against a rising rate"},
    {"report", cmd_report, "report STUDY -o F     write the study's report: one HTML file"},
    {"dashboard", cmd_dashboard, "dashboard             serve a live web view of the studies"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: knob COMMAND [ARGS]   (knob COMMAND --help for more)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %s\n", commands[i].help);
    fprintf(f,
            "\nEvery command but samplers and lr-find takes --storage URL (default %s: the\n"
            "file knob.db here).\n"
            "KNOB_PLUGINS=a.so:b.so loads plugins (samplers, pruners) for every command.\n",
            KNOB_DEFAULT_STORAGE);
}

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* The heap's first 2 MB as one transparent huge page: one fault (about 70 us here, the
 * kernel zeroing 2 MB) instead of a fault for each 4 KB page the process touches (15-20
 * us each; a `knob tell` touched about 40). Before malloc's first use only: the break
 * is moved up to a page below a 2 MB boundary, so that malloc's first block (its own
 * header and the top chunk's, written at once) is in that page and the 2 MB above it are
 * still untouched when they are marked; a huge page needs the whole 2 MB range inside
 * one mapping, untouched. Where the kernel has no huge page to give, or THP is off, the
 * pages are faulted as before. */
static void huge_heap(void)
{
    struct mallinfo2 mi = mallinfo2();
    char *cur = sbrk(0);
    if (mi.arena != 0 || cur == (void *)-1)
        return; /* malloc has its heap already */
    uintptr_t start = ((uintptr_t)cur + 4096 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (sbrk((intptr_t)(start - 4096 - (uintptr_t)cur)) == (void *)-1)
        return;
    mallopt(M_TOP_PAD, (int)(HUGE_PAGE + 4096));
    void *volatile first = malloc(1); /* volatile: a malloc freed at once is optimized out */
    free(first);
    /* glibc's default again: a block that outgrows the top is carved from memory the break
     * has just added, which calloc knows to be zero and leaves untouched (a study's index of
     * 100,000 trials, 800 KB, is such a calloc); a top pad of 2 MB left for later would make
     * calloc zero it, page by page. */
    mallopt(M_TOP_PAD, 128 << 10);
    if ((uintptr_t)sbrk(0) >= start + HUGE_PAGE)
        madvise((void *)start, HUGE_PAGE, MADV_HUGEPAGE);
}

/* A knob process is short, and on a virtual machine each page it touches for the first
 * time costs tens of microseconds (bench/README.md, startup): memory freed is kept and
 * used again instead of going back to the kernel and being faulted in afresh. Blocks up
 * to 32 MB come from the heap (not from an mmap of their own, zeroed anew each time; a
 * TPE state or a study snapshot of 100,000 trials is read, copied and freed), and the
 * heap's top is given back only past 64 MB free.
 *
 * The SQLite linked into knob (KNOB_STATIC_CLI) allocates its page cache's pages as they
 * are read, not 20 at once: that first block (85 KB, each page's header written at once,
 * and two of them in a `knob tell`) was most of what a tell touched of the heap. This
 * process's own SQLite, configured before its first use. Nor does it count its memory
 * (knob reads no SQLite memory statistic): each of SQLite's allocations and frees took a
 * mutex and updated the counts, about 11% of a `knob tell`'s instructions at 100,000 trials
 * (1.51 M -> 1.34 M, callgrind, from one state of the file). */
static void keep_memory(void)
{
    huge_heap();
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#ifdef KNOB_STATIC_CLI
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#endif
}

/* EXIT_FAIL, said, when what a command printed could not all be written (a full disk:
 * `knob trials s --format csv > out.csv` exited 0). Not for the commands that run trials
 * or serve pages, whose output is their progress (`knob run ... | head` is fine). */
static int stdout_written(const char *command)
{
    if (!strcmp(command, "run") || !strcmp(command, "worker") || !strcmp(command, "dashboard"))
        return 0;
    return cli_stdout_written(command);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    /* `knob help COMMAND` is `knob COMMAND --help`; `knob help help` (or --help, -h) lists
     * the commands, as `knob help` does */
    bool help = !strcmp(argv[1], "help") && argc > 2 && strcmp(argv[2], "help") &&
                strcmp(argv[2], "--help") && strcmp(argv[2], "-h");
    if (!strcmp(argv[1], "help") && argc > 3) {
        fprintf(stderr, "knob help: unexpected argument '%s'\n", argv[3]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!help &&
        (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        usage(stdout);
        return cli_stdout_written(NULL);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("knob %s\n", KNOB_VERSION_STRING);
        return cli_stdout_written(NULL);
    }
    const char *name = argv[help ? 2 : 1];
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(name, commands[i].name))
            continue;
        if (help) {
            char arg[] = "--help", *args[] = {arg, NULL};
            int rc = commands[i].fn(1, args);
            return rc ? rc : cli_stdout_written(name);
        }
        keep_memory();
        if (cli_load_env_plugins())
            return EXIT_USAGE;
        int rc = commands[i].fn(argc - 2, argv + 2);
        return rc ? rc : stdout_written(name);
    }
    fprintf(stderr, "knob: unknown command '%s'\n", name);
    usage(stderr);
    return EXIT_USAGE;
}
