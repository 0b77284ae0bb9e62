#!/usr/bin/env bash
# A user attribute named "params" (a natural key for a config dict; Optuna allows it) is the
# user's: knob trials (every format) and knob best show the trial's params, and the report
# keeps it among the user attributes. knob run and knob ask keep the params as the program got
# them in the system attribute program_params; a trial an older knob ran (a study with a sweep
# stored, the user attribute "params" an object, no program_params) is read as it was. The
# user's "params" replaced the trial's params everywhere, and the report dropped it.
source "$(dirname "$0")/lib.bash"
cat > mk.c <<'C'
#include "knob.h"
#include <stdio.h>
#define CHECK(x) do { if ((x) != KNOB_OK) { fprintf(stderr, "%s: %s\n", #x, knob_errmsg()); return 1; } } while (0)
/* "ua": no sweep, the user's "params"; "old": a sweep stored, the params as an older knob
 * kept them (with a constant the library does not hold); "new": a sweep stored, program_params
 * and the user's own "params" */
int main(int argc, char **argv)
{
    (void)argc;
    knob_storage *st;
    CHECK(knob_storage_open(argv[1], &st));
    knob_distribution d = {.kind = KNOB_DIST_FLOAT, .low = 0, .high = 1};
    knob_param p = {"lr", &d, 0.25};
    double v = 0.25;
    knob_attr user[] = {{"params", "{\"note\": \"my loader config\"}"}};
    knob_attr old[] = {{"params", "{\"lr\": 0.25, \"epochs\": 10}"}};
    knob_attr sys[] = {{"program_params", "{\"lr\": 0.25, \"epochs\": 12}"}};
    const char *names[] = {"ua", "old", "new"};
    for (int k = 0; k < 3; k++) {
        knob_study *s;
        CHECK(knob_study_create(st, names[k], NULL, &s));
        if (k)
            CHECK(knob_study_set_system_attr(s, "sweep", "\"metric: {name: loss}\\n\""));
        knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_params = 1, .params = &p,
                                .n_values = 1, .values = &v, .n_user_attrs = 1,
                                .user_attrs = k == 1 ? old : user,
                                .n_system_attrs = k == 2, .system_attrs = sys};
        CHECK(knob_study_add_trial(s, &info, NULL));
        knob_study_free(s);
    }
    knob_storage_close(st);
    return 0;
}
C
cc_knob mk mk.c
U="sqlite:///$T/s.db"
S="--storage $U"
./mk "$U" || fail "the studies"

# the user's own "params": the trial's params shown, the attribute kept
"$KNOB" trials ua $S > t.txt || fail "trials"
grep -q '{"lr":0.25}' t.txt || fail "table: $(cat t.txt)"
! grep -q 'loader' t.txt || fail "table shows the user's attribute as the params: $(cat t.txt)"
"$KNOB" trials ua $S --format csv > t.csv || fail "csv"
expect_eq "$(python3 -c 'import csv,sys; print([r["params"] for r in csv.DictReader(open(sys.argv[1]))])' t.csv)" \
    "['{\"lr\":0.25}']" "csv params"
"$KNOB" trials ua $S --json > t.json || fail "json"
expect_eq "$(py 'd[0]["params"]' < t.json)" '{"lr": 0.25}' "json params"
expect_eq "$(py 'd[0]["user_attrs"]' < t.json)" '{"params": {"note": "my loader config"}}' "json user_attrs"
"$KNOB" best ua $S > b.txt || fail "best"
grep -q 'params: {"lr":0.25}' b.txt || fail "best: $(cat b.txt)"
expect_eq "$("$KNOB" best ua $S --json | py 'd["params"]')" '{"lr": 0.25}' "best --json"
"$KNOB" report ua $S -o - 2> /dev/null | report_data > ua.json
expect_eq "$(py 'd["trials"]["u"]' < ua.json)" '{"0": {"params": {"note": "my loader config"}}}' \
    "the report's user attributes"

# an older knob's record: the params as the program got them, not a user attribute
expect_eq "$("$KNOB" trials old $S --json | py 'd[0]["params"]')" '{"lr": 0.25, "epochs": 10}' \
    "an older knob's params"
"$KNOB" report old $S -o - 2> /dev/null | report_data > old.json
expect_eq "$(py 'd["trials"]["u"]' < old.json)" '{}' "an older knob's params among user attributes"

# program_params: the params; the user's own "params" stays theirs, even in a study of a sweep
"$KNOB" trials new $S --json > n.json || fail "json of new"
expect_eq "$(py 'd[0]["params"]' < n.json)" '{"lr": 0.25, "epochs": 12}' "program_params"
"$KNOB" report new $S -o - 2> /dev/null | report_data > new.json
expect_eq "$(py 'd["trials"]["u"]' < new.json)" '{"0": {"params": {"note": "my loader config"}}}' \
    "the user's params beside program_params"

# knob run and knob ask write program_params, and no user attribute
cat > s.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {min: 0.0, max: 1.0}
  epochs: {value: 3}
YAML
"$KNOB" run s.yaml $S --study run --trials 1 > /dev/null || fail "run"
"$KNOB" ask run --sweep s.yaml $S > /dev/null || fail "ask"
"$KNOB" trials run $S --json > r.json || fail "json of run"
python3 - r.json <<'PY' || fail "run's records: $(cat r.json)"
import json, sys
for t in json.load(open(sys.argv[1])):
    assert t["user_attrs"] == {}, t
    assert t["system_attrs"]["program_params"] == t["params"], t
    assert t["params"]["epochs"] == 3, t
PY
echo ok
