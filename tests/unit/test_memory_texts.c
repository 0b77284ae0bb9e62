/* The memory: storage keeps one copy of each param name and distribution JSON and finds it
 * by the address the text last came from (src/storage/memory.c, text_of): the same address
 * bringing another text, a text changed in place, and many distinct texts must each read
 * back as written. */
#include "testutil.h"
#include "internal.h"
#include "storage/backend.h"

#include <stdio.h>

#define OK KNOB_TEST_OK

typedef struct rows {
    int n;
    char name[64][32], dist[64][64];
    int trial[64];
} rows;

static int collect(void *ctx, const knob__trial_rec *r)
{
    rows *g = ctx;
    for (size_t i = 0; i < r->n_params && g->n < 64; i++, g->n++) {
        snprintf(g->name[g->n], sizeof g->name[g->n], "%s", r->params[i].name);
        snprintf(g->dist[g->n], sizeof g->dist[g->n], "%s", r->params[i].dist_json);
        g->trial[g->n] = (int)r->number;
    }
    return KNOB_OK;
}

static void same_address_other_text(void **state)
{
    (void)state;
    const knob__backend *be = &knob__backend_memory;
    void *h = NULL;
    OK(be->open("memory:", "", &h));
    knob_direction dir = KNOB_MINIMIZE;
    int64_t s, id[3], number;
    OK(be->create_study(h, "texts", &dir, 1, &s));
    for (int k = 0; k < 3; k++)
        OK(be->create_trial(h, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id[k], &number));
    /* one buffer for the name and one for the JSON, their texts changed between writes */
    char name[32], dist[64];
    const char *names[3] = {"alpha", "beta", "alpha"};
    const char *dists[3] = {"{\"type\":\"float\",\"low\":0,\"high\":1}",
                            "{\"type\":\"int\",\"low\":1,\"high\":9}",
                            "{\"type\":\"float\",\"low\":0,\"high\":2}"};
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s", names[k]);
        snprintf(dist, sizeof dist, "%s", dists[k]);
        knob__param_rec rec = {name, dist, (double)k};
        OK(be->set_params(h, s, id[k], &rec, 1));
    }
    /* a trial that has params already takes one by one (set_param), from the same buffers */
    snprintf(name, sizeof name, "gamma");
    snprintf(dist, sizeof dist, "{\"type\":\"cat\"}");
    knob__param_rec more = {name, dist, 7};
    OK(be->set_params(h, s, id[0], &more, 1));
    /* many distinct texts through one buffer (more than the storage's table of addresses) */
    int64_t many, n_many;
    OK(be->create_trial(h, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &many, &n_many));
    knob__param_rec recs[40];
    char bufs[40][16];
    for (int i = 0; i < 40; i++) {
        snprintf(bufs[i], sizeof bufs[i], "p%d", i);
        recs[i] = (knob__param_rec){bufs[i], dist, i};
    }
    OK(be->set_params(h, s, many, recs, 40));
    rows g = {0};
    int64_t seq = 0;
    OK(be->sync(h, s, 0, collect, &g, &seq));
    assert_int_equal(g.n, 2 + 1 + 1 + 40);
    int seen_gamma = 0, seen_many = 0;
    for (int i = 0; i < g.n; i++) {
        if (g.trial[i] == n_many) {
            char want[16];
            snprintf(want, sizeof want, "p%d", seen_many++);
            assert_string_equal(g.name[i], want);
            assert_string_equal(g.dist[i], "{\"type\":\"cat\"}");
        } else if (strcmp(g.name[i], "gamma") == 0) {
            assert_int_equal(g.trial[i], 0);
            assert_string_equal(g.dist[i], "{\"type\":\"cat\"}");
            seen_gamma++;
        } else {
            assert_string_equal(g.name[i], names[g.trial[i]]);
            assert_string_equal(g.dist[i], dists[g.trial[i]]);
        }
    }
    assert_int_equal(seen_gamma, 1);
    assert_int_equal(seen_many, 40);
    be->close(h);
}

/* Distinct texts through the same buffers, one by one (set_param's path after a trial's
 * first param). */
static void many_names(void **state)
{
    (void)state;
    const knob__backend *be = &knob__backend_memory;
    void *h = NULL;
    OK(be->open("memory:", "", &h));
    knob_direction dir = KNOB_MINIMIZE;
    int64_t s, id, number;
    OK(be->create_study(h, "many", &dir, 1, &s));
    char name[16], dist[32];
    for (int t = 0; t < 3; t++) {
        OK(be->create_trial(h, s, KNOB_TRIAL_RUNNING, 0, NULL, 0, &id, &number));
        for (int i = 0; i < 20; i++) { /* one by one after the first: set_param's path */
            snprintf(name, sizeof name, "t%dp%d", t, i);
            snprintf(dist, sizeof dist, "{\"n\":%d}", t * 100 + i);
            knob__param_rec rec = {name, dist, i};
            OK(be->set_params(h, s, id, &rec, 1));
        }
    }
    rows g = {0};
    int64_t seq = 0;
    OK(be->sync(h, s, 0, collect, &g, &seq));
    assert_int_equal(g.n, 60);
    for (int i = 0; i < 60; i++) {
        char want[16], want_dist[32];
        snprintf(want, sizeof want, "t%dp%d", g.trial[i], i % 20);
        snprintf(want_dist, sizeof want_dist, "{\"n\":%d}", g.trial[i] * 100 + i % 20);
        assert_string_equal(g.name[i], want);
        assert_string_equal(g.dist[i], want_dist);
    }
    be->close(h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(same_address_other_text),
    cmocka_unit_test(many_names),
};

KNOB_TEST_MAIN(tests)
