/* Shared by the unit tests of a study synced again (test_sqlite_sync.c, test_postgres_sync.c):
 * the study "sync" at a storage's URL, a writer and a reader handle on it, the check that a
 * handle synced holds what a fresh one reads whole, and the backend opened under the library
 * to count what a sync reads. */
#ifndef KNOB_TESTUTIL_SYNC_H
#define KNOB_TESTUTIL_SYNC_H

#include "testutil.h"

#include "knob.h"
#include "storage/backend.h"

/* The study "sync" of storage st, loaded. */
static inline knob_study *knob_test_sync_load(knob_storage *st)
{
    knob_study *s;
    assert_int_equal(knob_study_load(st, "sync", NULL, &s), KNOB_OK);
    return s;
}

/* The trials `held` holds (synced now) are those a fresh handle on url reads whole. */
static inline void knob_test_sync_same_as_whole(const char *url, knob_study *held)
{
    knob_storage *st;
    assert_int_equal(knob_storage_open(url, &st), KNOB_OK);
    knob_study *whole = knob_test_sync_load(st);
    const knob_trial_info *const *a, *const *b;
    size_t na, nb;
    assert_int_equal(knob_study_trials(held, &a, &na), KNOB_OK);
    assert_int_equal(knob_study_trials(whole, &b, &nb), KNOB_OK);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i]->number, b[i]->number);
        assert_int_equal(a[i]->state, b[i]->state);
        if (a[i]->n_intermediate != b[i]->n_intermediate)
            fail_msg("trial %lld: %zu intermediate values held, %zu stored",
                     (long long)a[i]->number, a[i]->n_intermediate, b[i]->n_intermediate);
        for (size_t k = 0; k < a[i]->n_intermediate; k++) {
            assert_int_equal(a[i]->intermediate[k].step, b[i]->intermediate[k].step);
            if (!knob_test_same_bits(a[i]->intermediate[k].value, b[i]->intermediate[k].value))
                fail_msg("trial %lld step %lld: %g held, %g stored", (long long)a[i]->number,
                         (long long)a[i]->intermediate[k].step, a[i]->intermediate[k].value,
                         b[i]->intermediate[k].value);
        }
    }
    knob_study_free(whole);
    knob_storage_close(st);
}

/* Syncs reader, and checks it against what a fresh handle on url reads. */
static inline void knob_test_sync_check(const char *url, knob_study *reader)
{
    assert_int_equal(knob_study_sync(reader), KNOB_OK);
    knob_test_sync_same_as_whole(url, reader);
}

/* The backend be opened on url, and the id of its study "sync" in *study. */
static inline void *knob_test_sync_backend(const knob__backend *be, const char *url, int64_t *study)
{
    void *h;
    knob_direction *dirs;
    size_t n_dirs;
    assert_int_equal(be->open(url, strchr(url, ':') + 1, &h), KNOB_OK);
    assert_int_equal(be->find_study(h, "sync", study, &dirs, &n_dirs), KNOB_OK);
    free(dirs);
    return h;
}

/* A writer handle and a reader handle on the new storage at url, the study made. */
static inline void knob_test_sync_open_two(const char *url, knob_storage **wst, knob_study **w,
                                           knob_storage **rst, knob_study **r)
{
    assert_int_equal(knob_storage_open(url, wst), KNOB_OK);
    *w = knob_test_study(*wst, "sync", "random", "seed=3");
    assert_int_equal(knob_storage_open(url, rst), KNOB_OK);
    *r = knob_test_sync_load(*rst);
}

static inline void knob_test_sync_close_two(knob_storage *wst, knob_study *w, knob_storage *rst,
                                            knob_study *r)
{
    knob_study_free(w);
    knob_study_free(r);
    knob_storage_close(wst);
    knob_storage_close(rst);
}

/* The new storage at url holding study "sync" with one running trial, its steps 0..n-1
 * reported as step x scale: the trial, its study in *s, the storage in *st. */
static inline knob_trial *knob_test_sync_reported(const char *url, int n, double scale,
                                                  knob_storage **st, knob_study **s)
{
    assert_int_equal(knob_storage_open(url, st), KNOB_OK);
    *s = knob_test_study(*st, "sync", "random", "seed=3");
    knob_trial *t;
    assert_int_equal(knob_study_ask(*s, &t), KNOB_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(knob_trial_report(t, i, i * scale), KNOB_OK);
    return t;
}

/* What a backend's sync gave: trials, intermediate values, and whether the last trial came
 * as values added (knob_test_sync_count counts into it). */
typedef struct knob_test_seen {
    size_t trials, values;
    bool added;
} knob_test_seen;

static inline int knob_test_sync_count(void *ctx, const knob__trial_rec *rec)
{
    knob_test_seen *g = ctx;
    g->trials++;
    g->values += rec->n_intermediate;
    g->added = rec->added;
    return KNOB_OK;
}

#endif
