/* knob report: the study as one self-contained HTML file (the dashboard's page with the
 * study's data inlined), to open from disk, mail or archive. */
#include "cli/cli.h"
#include "cli/web.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *usage_text = "knob report STUDY [--storage URL] [-o|--output FILE]\n"
                                "  writes the study's report: one HTML file with every plot and "
                                "the trials table,\n"
                                "  no network needed to open it (FILE: default report.html; - for "
                                "stdout)";

/* The page with the data where the mark is. '<' never appears raw in the JSON (it is
 * \u003c in strings, the only place it can be), so the data cannot end its script. */
static int render(knobx_buf *out, const char *page, size_t len, const knobx_buf *data)
{
    const char *mark = strstr(page, CLI_WEB_DATA_MARK);
    if (!mark)
        return knob_set_error(KNOB_ECORRUPT, "the embedded page has no %s", CLI_WEB_DATA_MARK);
    knobx_buf_add(out, page, (size_t)(mark - page));
    knobx_buf_puts(out, "<script id=\"knob-data\" type=\"application/json\">");
    for (size_t i = 0; i < data->len; i++) {
        if (data->data[i] == '<')
            knobx_buf_puts(out, "\\u003c");
        else
            knobx_buf_add(out, &data->data[i], 1);
    }
    knobx_buf_puts(out, "</script>");
    const char *rest = mark + strlen(CLI_WEB_DATA_MARK);
    knobx_buf_add(out, rest, len - (size_t)(rest - page));
    return out->oom ? knob_set_error(KNOB_ENOMEM, "the report: out of memory") : 0;
}

/* Writes b whole to fd; false on an error (errno says which). */
static bool write_all(int fd, const knobx_buf *b)
{
    for (size_t done = 0; done < b->len;) {
        ssize_t n = write(fd, b->data + done, b->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* The report into `path`: a regular file (or a new one) is replaced whole, by a file of a
 * unique name beside it (O_EXCL: never one planted there) renamed over it, with the old
 * file's mode (a new one's: 0666 less the umask); anything else (a symbolic link, a device,
 * a FIFO) is written into as it is, as a shell's > writes, never replaced; a link to no
 * file yet makes its target, as > does. */
static int write_file(const char *path, const knobx_buf *b)
{
    if (!strcmp(path, "-"))
        return fwrite(b->data, 1, b->len, stdout) == b->len && fflush(stdout) == 0 ? 0 : -1;
    struct stat st, lst;
    size_t len = strlen(path);
    bool exists = stat(path, &st) == 0;
    if ((len && path[len - 1] == '/') || (exists && S_ISDIR(st.st_mode))) {
        fprintf(stderr, "knob report: cannot write %s: it is a directory (-o names the file)\n",
                path);
        return -1;
    }
    bool replace = lstat(path, &lst) != 0 || S_ISREG(lst.st_mode);
    int rc = -1, fd;
    if (!replace) {
        /* O_CREAT: a link to a file not made yet makes it (0666 less the umask) */
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) >= 0) {
            bool ok = write_all(fd, b);
            rc = (close(fd) == 0 && ok) ? 0 : -1;
        }
        if (rc)
            fprintf(stderr, "knob report: cannot write %s: %s\n", path, strerror(errno));
        return rc;
    }
    knobx_buf tmp = {0};
    knobx_buf_printf(&tmp, "%s.XXXXXX", path);
    char *name = tmp.oom ? NULL : (char *)knobx_buf_cstr(&tmp);
    if (name && (fd = mkstemp(name)) >= 0) {
        mode_t mask = umask(0);
        umask(mask);
        /* a file system without modes (vfat) refuses it: the file is written all the same */
        (void)fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
        bool ok = write_all(fd, b);
        ok = (close(fd) == 0) && ok;
        rc = ok && rename(name, path) == 0 ? 0 : -1;
        if (rc) {
            int e = errno;
            remove(name);
            errno = e;
        }
    }
    if (rc)
        fprintf(stderr, "knob report: cannot write %s: %s\n", path,
                tmp.oom ? "out of memory" : strerror(errno));
    knobx_buf_free(&tmp);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    const char *storage = NULL, *out = "report.html", *name = NULL;
    bool options = true; /* until "--": after it, a study named "-x" is a name */
    for (int i = 0; i < argc; i++) {
        if (options && !strcmp(argv[i], "--")) {
            options = false;
            continue;
        }
        if (options && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
            printf("usage: %s\n", usage_text);
            return 0;
        }
        if (options &&
            (cli_opt(argc, argv, &i, "--storage", &storage) ||
             cli_opt(argc, argv, &i, "-o", &out) || cli_opt(argc, argv, &i, "--output", &out)))
            continue;
        if ((options && argv[i][0] == '-') || name) {
            fprintf(stderr, "knob report: unexpected argument '%s'\nusage: %s\n", argv[i],
                    usage_text);
            return EXIT_USAGE;
        }
        name = argv[i];
    }
    if (!name) {
        fprintf(stderr, "usage: %s\n", usage_text);
        return EXIT_USAGE;
    }
    /* `-o --storage=URL`: the value was left out, and the option taken for a file name */
    if (!*out || !strncmp(out, "--", 2)) {
        fprintf(stderr, "knob report: -o takes a file name, got '%s'%s%s%s\nusage: %s\n", out,
                *out ? " (a file of that name: -o ./" : "", out, *out ? ")" : "", usage_text);
        return EXIT_USAGE;
    }
    /* A file size limit (ulimit -f) is an EFBIG that is said, and the temporary file is
     * removed: SIGXFSZ killed the process without a word and left it. */
    signal(SIGXFSZ, SIG_IGN);
    size_t len;
    const char *page = cli_web_page(&len);
    if (!page) {
        cli_web_missing("report");
        return EXIT_FAIL;
    }
    study_ref r;
    if (cli_open_study(storage ? storage : KNOB_DEFAULT_STORAGE, name, &r))
        return EXIT_FAIL;
    knobx_buf data = {0}, html = {0}, extra = {0};
    knobx_buf_printf(&extra, "\"generated\":%.0f", (double)time(NULL));
    knobx_buf_puts(&extra, ",");
    if (cli_web_importance_json(&extra, r.s))
        fprintf(stderr, "knob report: warning: no importance: %s\n", knob_errmsg());
    int rc = cli_web_study_json(&data, r.s, 0, knobx_buf_cstr(&extra), NULL);
    if (!rc)
        rc = render(&html, page, len, &data);
    if (rc)
        fprintf(stderr, "knob report: study '%s': %s\n", name, knob_errmsg());
    else
        rc = write_file(out, &html);
    if (!rc && strcmp(out, "-"))
        fprintf(stderr, "knob: wrote %s (%zu bytes)\n", out, html.len);
    knobx_buf_free(&data);
    knobx_buf_free(&html);
    knobx_buf_free(&extra);
    cli_close(&r);
    return rc ? EXIT_FAIL : 0;
}
