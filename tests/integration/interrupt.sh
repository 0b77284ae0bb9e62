#!/usr/bin/env bash
# Ctrl-C: running trials are killed and marked FAIL, finished ones are kept, and a second
# knob run resumes the study.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  mode: {value: MODE}
YAML
sed 's/MODE/ok/' sweep.yaml > fast.yaml
sed 's/MODE/hang/' sweep.yaml > slow.yaml
"$KNOB" run fast.yaml --storage "sqlite:///$T/s.db" --study i --trials 2 > a.txt
"$KNOB" run slow.yaml --storage "sqlite:///$T/s.db" --study i --trials 5 --parallel 2 > b.txt &
pid=$!
for _ in $(seq 100); do
    [ -f knob-runs/i/2/pid ] && [ -f knob-runs/i/3/pid ] && break
    sleep 0.1
done
kill -INT $pid
set +e
wait $pid
status=$?
set -e
expect_eq "$status" 130 "exit status after Ctrl-C"
sleep 0.5
expect_dead knob-runs/i/*
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "complete", "fail", "fail"]' "states after Ctrl-C"
expect_eq "$(py '"interrupted" in d[2]["system_attrs"]["fail_reason"]' < t.json)" True "reason"
"$KNOB" run fast.yaml --storage "sqlite:///$T/s.db" --study i --trials 3 > c.txt
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > t2.json
expect_eq "$(py 'len(d)' < t2.json)" 7 "trials after resuming"
expect_eq "$(py 'sum(t["state"]=="complete" for t in d)' < t2.json)" 5 "complete after resuming"
echo ok
