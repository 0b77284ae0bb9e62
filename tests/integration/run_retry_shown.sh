#!/usr/bin/env bash
# The retry of a trial that knob run's SIGTERM stopped is listed, while it waits, with the
# params its source's program got (knob trials, knob report), not with the values the library
# holds for them: a quantile for the normal family, the reciprocal for
# inv_log_uniform_values.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: normal, mu: 50, sigma: 5}
  y: {distribution: inv_log_uniform_values, min: 2, max: 20}
  mode: {value: MODE}
YAML
sed 's/MODE/hang/' sweep.yaml > slow.yaml
sed 's/MODE/ok/' sweep.yaml > fast.yaml
db="sqlite:///$T/s.db"
"$KNOB" run slow.yaml --storage "$db" --study r --trials 1 > run.txt 2> run.err &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/r/0/pid ] && break
    sleep 0.1
done
[ -f knob-runs/r/0/pid ] || fail "trial 0 did not start: $(cat run.err)"
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGTERM"

"$KNOB" trials r --storage "$db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["fail", "waiting"]' "states"
expect_eq "$(py 'd[1]["system_attrs"]["retry_of"]' < t.json)" 0 "the retry"
x=$(py 'd[0]["params"]["x"]' < t.json)
y=$(py 'd[0]["params"]["y"]' < t.json)
expect_eq "$(py '30 < d[0]["params"]["x"] < 70 and 2 <= d[0]["params"]["y"] <= 20' < t.json)" True \
    "the program's values (x=$x, y=$y)"
expect_eq "$(py 'd[1]["params"]' < t.json)" "$(py 'd[0]["params"]' < t.json)" \
    "the waiting retry's params, as its source's"
"$KNOB" report r --storage "$db" -o - 2> report.err | report_data > data.json ||
    fail "report: $(cat report.err)"
expect_eq "$(py 'd["trials"]["g"].get("1")' < data.json)" "$(py 'd[0]["params"]' < t.json)" \
    "the report's waiting retry"

# run, it gets the same values, and lists them as it did
"$KNOB" run fast.yaml --storage "$db" --study r --trials 1 > run2.txt
"$KNOB" trials r --storage "$db" --format json > t2.json
expect_eq "$(py '[t["state"] for t in d]' < t2.json)" '["fail", "complete"]' "the retry ran"
expect_eq "$(py '{k: v for k, v in d[1]["params"].items() if k != "mode"}' < t2.json)" \
    "$(py '{k: v for k, v in d[0]["params"].items() if k != "mode"}' < t.json)" "the retry's params"
