#!/usr/bin/env bash
# An int categorical choice beyond 2^53 of a study made from Python (which records its choices
# in the study system attribute knob:float_choices:[<param>, <choices>]) is shown in full by
# knob trials (table, CSV, JSON) and knob best, as for a study of a sweep: it was the double
# 1.152921504606847e+18, not the seed the trial used. The record is the param's own: another
# param with the same doubles and no record shows the library's value.
source "$(dirname "$0")/lib.bash"
cat > mk.c <<'C'
#include "knob.h"
#include <stdio.h>
#define CHECK(x) do { if ((x) != KNOB_OK) { fprintf(stderr, "%s: %s\n", #x, knob_errmsg()); return 1; } } while (0)
/* study "bi" as Python's knob writes it: suggest_categorical("seed", [2**60 + 1, 3]) */
int main(int argc, char **argv)
{
    (void)argc;
    knob_storage *st;
    knob_study *s;
    CHECK(knob_storage_open(argv[1], &st));
    CHECK(knob_study_create(st, "bi", NULL, &s));
    CHECK(knob_study_set_system_attr(s, "knob:float_choices:[\"seed\", [1152921504606846977, 3]]",
                                     "{\"param\": \"seed\", \"choices\": [1152921504606846977, 3]}"));
    knob_choice c[] = {{KNOB_CHOICE_NUMBER, NULL, 1152921504606846977.0},
                       {KNOB_CHOICE_NUMBER, NULL, 3}};
    knob_distribution d = {.kind = KNOB_DIST_CATEGORICAL, .n_choices = 2, .choices = c};
    knob_param p[] = {{"seed", &d, 0}, {"other", &d, 0}};
    double v = 1;
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_params = 2, .params = p,
                            .n_values = 1, .values = &v};
    CHECK(knob_study_add_trial(s, &info, NULL));
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
C
cc_knob mk mk.c
U="sqlite:///$T/s.db"
S="--storage $U"
./mk "$U" || fail "the study"
want='{"seed":1152921504606846977,"other":1.152921504606847e+18}'
"$KNOB" best bi $S > b.txt || fail "best"
grep -qF "params: $want" b.txt || fail "best: $(cat b.txt)"
"$KNOB" trials bi $S > t.txt || fail "trials"
grep -qF "$want" t.txt || fail "table: $(cat t.txt)"
"$KNOB" trials bi $S --format csv > t.csv || fail "csv"
grep -qF "\"${want//\"/\"\"}\"" t.csv || fail "csv: $(cat t.csv)"
"$KNOB" trials bi $S --json > t.json || fail "json"
expect_eq "$(py 'd[0]["params"]["seed"] == 2**60 + 1' < t.json)" True "json: $(cat t.json)"
expect_eq "$("$KNOB" best bi $S --json | py 'd["params"]["seed"] == 2**60 + 1')" True "best --json"
# the choice is known: enqueued by its digits, and its neighbour (the same double) refused
"$KNOB" enqueue bi seed=1152921504606846977 $S > e.txt || fail "enqueue the choice"
grep -qF '{"seed":1152921504606846977}' e.txt || fail "enqueued: $(cat e.txt)"
rc=0
"$KNOB" enqueue bi seed=1152921504606846976 $S 2> err.txt || rc=$?
expect_eq "$rc" 2 "the neighbour of a choice"
grep -qF "'seed' cannot be 1152921504606846976: in the trials of study 'bi' (which has no sweep stored), 'seed' is one of [1152921504606846977, 3]" err.txt ||
    fail "the neighbour: $(cat err.txt)"
echo ok
