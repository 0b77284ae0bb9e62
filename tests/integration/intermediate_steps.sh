#!/usr/bin/env bash
# knob intermediate's steps stop at 2^53, as knob run's records do: a --step past it
# (9.3e18, 1e30, 2^63 - 1, digits past int64) is refused with exit status 2 and a message
# naming the step, and nothing is stored; a value without --step after a trial's step
# 2^53 is refused too (one past 2^63 - 1 wrapped to a negative step).
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/i.db"
printf 'metric: {name: loss}\nmethod: random\npruner: median\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > sweep.yaml
n=$("$KNOB" ask demo --sweep sweep.yaml --storage "$db" | py 'd["number"]')
for step in 1e30 9.3e18 9223372036854775807 99999999999999999999 9007199254740993; do
    set +e
    "$KNOB" intermediate demo "$n" 1.5 --step "$step" --storage "$db" > out.txt 2> err.txt
    s=$?
    set -e
    expect_eq "$s" 2 "--step $step: exit status ($(cat err.txt))"
    grep -qF -- "knob intermediate: --step $step is past the largest step, 2^53 (9007199254740992)" err.txt ||
        fail "--step $step: $(cat err.txt)"
done
"$KNOB" trials demo --storage "$db" --format json > t.json
expect_eq "$(py 'd[0]["intermediate"]' < t.json)" '{}' "nothing stored"
"$KNOB" intermediate demo "$n" 1.5 --step 9007199254740992 --storage "$db" > out.txt ||
    fail "step 2^53: $(cat out.txt)"
set +e
"$KNOB" intermediate demo "$n" 1.25 --storage "$db" > out.txt 2> err.txt
s=$?
set -e
expect_eq "$s" 2 "the step after 2^53: exit status ($(cat err.txt))"
grep -qF "trial $n of study 'demo' is at step 9007199254740992: the next step is past the largest, 2^53" err.txt ||
    fail "the step after 2^53: $(cat err.txt)"
"$KNOB" trials demo --storage "$db" --format json > t.json
expect_eq "$(py 'd[0]["intermediate"]' < t.json)" '{"9007199254740992": 1.5}' "the steps stored"
echo ok
