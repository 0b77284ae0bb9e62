/* knob_study_open_related: another study opened to read, from the storage of a study or
 * from a storage URL of its own, which the related study then closes when it is freed. */
#include "testutil.h"

#include "knob.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static knob_study *new_study(knob_storage *st, const char *name)
{
    knob_sampler *sampler;
    assert_int_equal(knob_sampler_create("random", "seed=1", &sampler), KNOB_OK);
    knob_study_options o = {.sampler = sampler};
    knob_study *s;
    assert_int_equal(knob_study_create(st, name, &o, &s), KNOB_OK);
    return s;
}

/* n trials of x in [0, 10], valued x. */
static void run_trials(knob_study *s, int n)
{
    for (int i = 0; i < n; i++) {
        knob_trial *t;
        double x;
        assert_int_equal(knob_study_ask(s, &t), KNOB_OK);
        assert_int_equal(knob_trial_suggest_float(t, "x", 0, 10, 0, 0, &x), KNOB_OK);
        assert_int_equal(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &x, 1), KNOB_OK);
    }
}

/* The related study holds the n trials of run_trials. */
static void check_related(knob_study *r, const char *name, size_t n)
{
    assert_string_equal(knob_study_name(r), name);
    const knob_trial_info *const *trials;
    size_t got;
    assert_int_equal(knob_study_trials(r, &trials, &got), KNOB_OK);
    assert_int_equal(got, n);
    for (size_t i = 0; i < got; i++) {
        const knob_param *x = knob_trial_info_param(trials[i], "x");
        assert_non_null(x);
        assert_int_equal(trials[i]->n_values, 1);
        assert_true(trials[i]->values[0] == x->internal);
    }
}

/* File descriptors this process has open. */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* With no URL (NULL or ""), the study comes from the storage of s, which stays open when
 * the related study is freed. */
static void same_storage(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *src = new_study(st, "source");
    run_trials(src, 7);
    knob_study_free(src);
    knob_study *s = new_study(st, "target");
    const char *none[] = {NULL, ""};
    for (int k = 0; k < 2; k++) {
        knob_study *r = NULL;
        assert_int_equal(knob_study_open_related(s, "source", none[k], &r), KNOB_OK);
        check_related(r, "source", 7);
        knob_study_free(r);
    }
    /* "memory:" is a storage of its own, empty */
    knob_study *r = NULL;
    assert_int_equal(knob_study_open_related(s, "source", "memory:", &r), KNOB_ENOTFOUND);
    assert_null(r);
    /* the shared storage is still open: both studies go on */
    run_trials(s, 2);
    knob_study *again;
    assert_int_equal(knob_study_load(st, "source", NULL, &again), KNOB_OK);
    run_trials(again, 1);
    knob_study_free(again);
    knob_study_free(s);
    knob_storage_close(st);
}

/* A URL opens another storage: a study in an SQLite file, read from a study in memory. */
static void another_sqlite_file(void **state)
{
    (void)state;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("related"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    knob_storage *file;
    assert_int_equal(knob_storage_open(url, &file), KNOB_OK);
    knob_study *src = new_study(file, "far");
    run_trials(src, 5);
    knob_study_free(src);
    knob_storage_close(file);
    knob_storage *mem;
    assert_int_equal(knob_storage_open("memory:", &mem), KNOB_OK);
    knob_study *s = new_study(mem, "near");
    knob_study *r = NULL;
    assert_int_equal(knob_study_open_related(s, "far", url, &r), KNOB_OK);
    check_related(r, "far", 5);
    /* this storage has no study "far": the file's was read */
    knob_study *here;
    assert_int_equal(knob_study_load(mem, "far", NULL, &here), KNOB_ENOTFOUND);
    knob_study_free(r);
    run_trials(s, 1);
    knob_study_free(s);
    knob_storage_close(mem);
    unlink(path);
}

/* No such study: KNOB_ENOTFOUND, naming the study and the storage. */
static void missing_study(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "target");
    knob_study *r = s; /* left as it is on failure */
    assert_int_equal(knob_study_open_related(s, "nowhere", NULL, &r), KNOB_ENOTFOUND);
    assert_ptr_equal(r, s);
    assert_non_null(strstr(knob_errmsg(), "study 'nowhere' in storage 'memory:'"));
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("related"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    int fds = open_fds();
    assert_int_equal(knob_study_open_related(s, "nowhere", url, &r), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "study 'nowhere'"));
    assert_non_null(strstr(knob_errmsg(), url));
    assert_int_equal(open_fds(), fds); /* the storage opened for it was closed again */
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

/* An empty file named as the source's storage: KNOB_ENOTFOUND naming it, and the file left
 * empty (SQLite takes an empty file as an empty database, where the storage's tables were
 * made: the user's file became a knob storage). */
static void empty_file_stays_empty(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "target"), *r = NULL;
    char path[4096], url[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("related-empty"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(knob_study_open_related(s, "far", url, &r), KNOB_ENOTFOUND);
    assert_non_null(strstr(knob_errmsg(), "is an empty file, not a storage"));
    assert_non_null(strstr(knob_errmsg(), "study 'far'"));
    assert_null(r);
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    assert_int_equal(info.st_size, 0);
    knob_study_free(s);
    knob_storage_close(st);
    unlink(path);
}

/* Bad URLs and arguments: the status of knob_storage_open, the study and the URL named,
 * a password never shown. */
static void bad_url(void **state)
{
    (void)state;
    knob_storage *st;
    assert_int_equal(knob_storage_open("memory:", &st), KNOB_OK);
    knob_study *s = new_study(st, "target"), *r = NULL;
    assert_int_equal(knob_study_open_related(s, "far", "nosuch:///x", &r), KNOB_EUNSUPPORTED);
    assert_non_null(strstr(knob_errmsg(), "study 'far' in storage 'nosuch:///x'"));
    assert_int_equal(knob_study_open_related(s, "far", "no scheme", &r), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "study 'far'"));
    /* nothing listens on port 1; not waiting for a server to come up */
    setenv("KNOB_PG_RETRY_SECONDS", "0", 1);
    assert_int_equal(
        knob_study_open_related(s, "far", "postgresql://knob:secret@127.0.0.1:1/db", &r),
        KNOB_ESTORAGE);
    unsetenv("KNOB_PG_RETRY_SECONDS");
    assert_non_null(strstr(knob_errmsg(), "study 'far' in storage 'postgresql://knob@127.0.0.1"));
    assert_null(strstr(knob_errmsg(), "secret"));
    assert_null(r); /* untouched by every failure */
    assert_int_equal(knob_study_open_related(NULL, "far", NULL, &r), KNOB_EINVAL);
    assert_int_equal(knob_study_open_related(s, NULL, NULL, &r), KNOB_EINVAL);
    assert_int_equal(knob_study_open_related(s, "far", NULL, NULL), KNOB_EINVAL);
    knob_study_free(s);
    knob_storage_close(st);
}

/* knob_study_free of a study opened from a URL closes the storage opened for it: the
 * process's file descriptors are back to what they were (the file, its write-ahead log and
 * its shared memory closed; the WAL itself stays beside the file, src/storage/sqlite.c). */
static void free_closes_owned_storage(void **state)
{
    (void)state;
    char path[4096], url[4200], wal[4200];
    snprintf(path, sizeof path, "%s.db", knob_test_path("related"));
    snprintf(url, sizeof url, "sqlite:///%s", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    knob_storage *file;
    assert_int_equal(knob_storage_open(url, &file), KNOB_OK);
    knob_study *src = new_study(file, "far");
    run_trials(src, 3);
    knob_study_free(src);
    knob_storage_close(file);
    knob_storage *mem;
    assert_int_equal(knob_storage_open("memory:", &mem), KNOB_OK);
    knob_study *s = new_study(mem, "near");
    int fds = open_fds();
    for (int round = 0; round < 3; round++) {
        knob_study *r;
        assert_int_equal(knob_study_open_related(s, "far", url, &r), KNOB_OK);
        check_related(r, "far", 3);
        assert_true(open_fds() > fds); /* the file is open while r lives */
        knob_study_free(r);
        assert_int_equal(open_fds(), fds);
    }
    knob_study_free(s);
    knob_storage_close(mem);
    unlink(path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

/* A study `name` of n trials in a SQLite file of its own, closed again. */
static void study_in_file(const char *url, const char *name, int n)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *s = new_study(st, name);
    run_trials(s, n);
    knob_study_free(s);
    knob_storage_close(st);
}

/* Study `name` in url is s itself (refused), or another study of n trials (related). */
static void is_itself(knob_study *s, const char *name, const char *url)
{
    knob_study *r = NULL;
    assert_int_equal(knob_study_open_related(s, name, url, &r), KNOB_EINVAL);
    assert_non_null(strstr(knob_errmsg(), "this study itself"));
}

static void is_related(knob_study *s, const char *name, const char *url, int n)
{
    knob_study *r = NULL;
    assert_int_equal(knob_study_open_related(s, name, url, &r), KNOB_OK);
    check_related(r, name, (size_t)n);
    knob_study_free(r);
}

/* A study is not related to itself (its trials would count twice): the same SQLite file
 * however its path is spelt ("./a.db", "d/../a.db", a symbolic link), and a relative path
 * read against the directory the storage was opened in, after the process changed
 * directory. A file of the same name in the new directory is another file: related. (The
 * check compared the paths as they read now: after chdir, sqlite:///a.db named the new
 * directory's file for both, and sqlite:///../a.db, the study's own, was another file.) */
static void itself_by_any_spelling(void **state)
{
    (void)state;
    char dir[4096], sub[4200], cwd[4096];
    snprintf(dir, sizeof dir, "%s", knob_test_path("itself"));
    snprintf(sub, sizeof sub, "%s/d", dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(sub), 0);
    study_in_file("sqlite:///a.db", "s", 2); /* d/a.db: a study of the same name, in another file */
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(symlink("a.db", "link.db"), 0);
    knob_storage *st;
    assert_int_equal(knob_storage_open("sqlite:///a.db", &st), KNOB_OK);
    knob_study *s = new_study(st, "s");
    run_trials(s, 3);
    const char *same[] = {"sqlite:///a.db", "sqlite:///./a.db", "sqlite:///d/../a.db",
                          "sqlite:///link.db", "sqlite:///a.db?timeout=5"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        is_itself(s, "s", same[i]);
    is_related(s, "s", "sqlite:///d/a.db", 2);
    assert_int_equal(chdir(sub), 0); /* sqlite:///a.db is d/a.db now; the study's is ../a.db */
    is_itself(s, "s", "sqlite:///../a.db");
    is_itself(s, "s", "sqlite:///../link.db");
    is_related(s, "s", "sqlite:///a.db", 2);
    knob_study_free(s);
    knob_storage_close(st);
    /* opened through a link to a directory and "..": lnk/../x.db is real/x.db, not the x.db
     * beside lnk (which the path's text names) */
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(mkdir("real", 0755), 0);
    assert_int_equal(mkdir("real/sub", 0755), 0);
    assert_int_equal(symlink("real/sub", "lnk"), 0);
    study_in_file("sqlite:///x.db", "t", 2);
    assert_int_equal(knob_storage_open("sqlite:///lnk/../x.db", &st), KNOB_OK);
    s = new_study(st, "t");
    run_trials(s, 3);
    is_itself(s, "t", "sqlite:///real/x.db");
    is_related(s, "t", "sqlite:///x.db", 2);
    knob_study_free(s);
    knob_storage_close(st);
    assert_int_equal(chdir(cwd), 0);
    char rm[4400];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_storage),
        cmocka_unit_test(another_sqlite_file),
        cmocka_unit_test(missing_study),
        cmocka_unit_test(empty_file_stays_empty),
        cmocka_unit_test(bad_url),
        cmocka_unit_test(free_closes_owned_storage),
        cmocka_unit_test(itself_by_any_spelling),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
