#!/usr/bin/env bash
# Infinite objective values (a study that takes them, as Optuna's; a pruned trial's last
# intermediate value) in the outputs that programs read: 1e999 and -1e999 in JSON, as
# constraints are written (JSON numbers that Python's json reads as infinities), inf and -inf
# in CSV (as Python's float() reads them). Each was null, as no value is: +inf, -inf and a
# study without a complete trial could not be told apart.
source "$(dirname "$0")/lib.bash"
cat > mk.c <<'C'
#include "knob.h"
#include <math.h>
#include <stdio.h>
#define CHECK(x) do { if ((x) != KNOB_OK) { fprintf(stderr, "%s: %s\n", #x, knob_errmsg()); return 1; } } while (0)
/* study "s": values inf, -inf, 1 (complete); study "p": one complete trial of value inf (its best); study "n": no complete trial */
int main(int argc, char **argv)
{
    (void)argc;
    knob_storage *st;
    CHECK(knob_storage_open(argv[1], &st));
    knob_study_options o = {0};
    o.infinite_values = true;
    const char *names[] = {"s", "p", "n"};
    const double values[] = {INFINITY, -INFINITY, 1};
    for (int k = 0; k < 3; k++) {
        knob_study *s;
        CHECK(knob_study_create(st, names[k], &o, &s));
        for (int i = 0; i < (k == 0 ? 3 : 1); i++) {
            knob_trial *t;
            double a;
            CHECK(knob_study_ask(s, &t));
            CHECK(knob_trial_suggest_float(t, "a", 0, 1, 0, 0, &a));
            double v = k == 1 ? INFINITY : values[i];
            CHECK(knob_study_tell(s, t, k == 2 ? KNOB_TRIAL_FAIL : KNOB_TRIAL_COMPLETE, &v,
                                  k == 2 ? 0 : 1));
        }
        knob_study_free(s);
    }
    /* study "i": a trial added with intermediate values inf, -inf, 0.5 (as Python's
     * add_trial takes them) */
    knob_study *s;
    CHECK(knob_study_create(st, "i", &o, &s));
    knob_step_value iv[] = {{0, INFINITY}, {1, -INFINITY}, {3, 0.5}};
    double one = 1;
    knob_trial_info info = {.state = KNOB_TRIAL_COMPLETE, .n_values = 1, .values = &one,
                            .n_intermediate = 3, .intermediate = iv};
    CHECK(knob_study_add_trial(s, &info, NULL));
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
C
cc_knob mk mk.c
U="sqlite:///$T/s.db"
./mk "$U" || fail "the studies"
S="--storage $U"
"$KNOB" trials s $S --json > t.json || fail "trials --json"
grep -q '"values":\[1e999\]' t.json || fail "inf: $(cat t.json)"
grep -q '"values":\[-1e999\]' t.json || fail "-inf: $(cat t.json)"
expect_eq "$(py '[t["values"] for t in d]' < t.json)" '[[Infinity], [-Infinity], [1]]' "values read back"
"$KNOB" trials i $S --json > i.json || fail "trials --json of i"
grep -q '"intermediate":{"0":1e999,"1":-1e999,"3":0.5}' i.json ||
    fail "intermediate values: $(cat i.json)"
"$KNOB" trials s $S --format csv > t.csv || fail "csv"
python3 - t.csv <<'PY' || fail "csv: $(cat t.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [float(r["values"]) for r in rows] == [float("inf"), float("-inf"), 1.0], rows
PY
"$KNOB" best s $S --json > best.json || fail "best"
expect_eq "$(py 'd["values"]' < best.json)" '[-Infinity]' "the best value, -inf"
"$KNOB" studies $S --json > studies.json || fail "studies"
expect_eq "$(py '{s["name"]: s["best_value"] for s in d}' < studies.json)" \
    '{"s": -Infinity, "p": Infinity, "n": null, "i": 1}' "best_value of each study"
grep -q '"best_value":-1e999' studies.json || fail "best_value as a number: $(cat studies.json)"
# the report's data and the dashboard's API: numbers that JSON.parse reads as infinities (the
# study's values were the strings "inf" and "-inf", its best value null)
"$KNOB" report s $S -o - 2> /dev/null | report_data > r.json
expect_eq "$(py 'd["trials"]["v"]' < r.json)" '[[Infinity, -Infinity, 1]]' "the report's values"
dashboard_start "$U"
curl -sf "$url/api/studies" > api.json || fail "/api/studies"
grep -q '"name":"s",.*"best_value":-1e999' api.json || fail "/api/studies: $(cat api.json)"
grep -q '"name":"p",.*"best_value":1e999' api.json || fail "/api/studies: $(cat api.json)"
curl -sf "$url/api/study?name=s" > study.json || fail "/api/study"
grep -q '"v":\[\[1e999,-1e999,1\]\]' study.json || fail "/api/study: $(cat study.json)"
dashboard_stop
echo ok
