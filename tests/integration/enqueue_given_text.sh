#!/usr/bin/env bash
# A refused value is named as it was given, with a sweep stored and without (one text of a
# given value for both): a list or mapping with its numbers as written ([1.0, 2] keeps its
# 1.0, as the dashboard's JSON sends it), a whole number past 2^53 by all its digits.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  lr: {min: 0.0, max: 1.0}
  layers: {min: 1, max: 4}
YAML
"$KNOB" run s.yaml --storage "$db" --study swept --trials 0 > /dev/null
cat > mk.c <<'C'
#include "knob.h"
#include <stdio.h>
/* "plain", no sweep stored: a trial with lr in [0, 1] */
int main(int argc, char **argv)
{
    (void)argc;
    knob_storage *st;
    knob_study *s;
    knob_trial *t;
    double x, v = 1;
    if (knob_storage_open(argv[1], &st) || knob_study_create(st, "plain", NULL, &s) ||
        knob_study_ask(s, &t) || knob_trial_suggest_float(t, "lr", 0, 1, 0, 0, &x) ||
        knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1)) {
        fprintf(stderr, "%s\n", knob_errmsg());
        return 1;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
C
cc_knob mk mk.c
./mk "$db" || fail "the study without a sweep"
dashboard_start "$db" --allow-write
refuse() { # study body expected-error-part
    local out
    out=$(dashboard_request "/api/enqueue?name=$1" "$2")
    case "$out" in
    "400 "*"$3"*) ;;
    *) fail "enqueue $2 in $1: expected 400 with \"$3\", got $out" ;;
    esac
}
refuse swept '{"params": {"lr": [1.0, 2]}}' "'lr' cannot be [1.0,2]: the sweep's 'lr'"
refuse swept '{"params": {"lr": {"a": 2.0}}}' "'lr' cannot be {\\\"a\\\":2.0}: the sweep's 'lr'"
refuse plain '{"params": {"lr": [1.0, 2]}}' "'lr' cannot be [1.0,2]: in the trials of study 'plain'"
refuse swept '{"params": {"layers": 1e16}}' "'layers' cannot be 1e16: the sweep's"
refuse plain '{"params": {"lr": 2e16}}' "'lr' cannot be 2e16: in the trials"
refuse swept '{"params": {"layers": "20000000000000000"}}' "'layers' cannot be 20000000000000000:"
dashboard_stop
