#!/usr/bin/env bash
# A program that floods its stdout with records (each one a new step to store) for 30 s
# does not hold up the runner: --trial-timeout 2 ends it FAIL "timed out" long before the
# flood would end, and SIGTERM to knob run ends it FAIL "interrupted" at once (exit 130).
# A flood on stderr times out the same way.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {values: [flood, errflood]}
  seconds: {value: 30}
YAML
start=$(date +%s)
timeout 120 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study t --parallel 2 \
    --trial-timeout 2 > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
took=$(($(date +%s) - start))
[ $took -lt 20 ] || fail "the flooding trials ran ${took}s past their 2 s timeout"
"$KNOB" trials t --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["fail", "fail"]' "states after the timeout"
expect_eq "$(py 'all(t["system_attrs"]["fail_reason"].startswith("timed out after 2s") for t in d)' < t.json)" \
    True "reasons: $(py '[t["system_attrs"]["fail_reason"][:60] for t in d]' < t.json)"
expect_dead knob-runs/t/*

# SIGTERM while a trial floods
sed -e 's/values: \[flood, errflood\]/value: flood/' -e 's/method: grid/method: random/' \
    sweep.yaml > one.yaml
"$KNOB" run one.yaml --storage "sqlite:///$T/s.db" --study i --trials 1 > int.txt 2>&1 &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/i/0/pid ] && break
    kill -0 $pid 2> /dev/null || fail "knob run ended: $(cat int.txt)"
    sleep 0.1
done
sleep 1 # the flood is on
start=$(date +%s)
kill -TERM $pid
timeout 60 tail --pid=$pid -s 0.1 -f /dev/null || kill -9 $pid # a guard, not a measure
status=0
wait $pid || status=$?
took=$(($(date +%s) - start))
expect_eq "$status" 130 "exit status after SIGTERM ($(cat int.txt))"
[ $took -lt 10 ] || fail "SIGTERM took ${took}s to act"
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > i.json
expect_eq "$(py '[t["state"] for t in d]' < i.json)" '["fail", "waiting"]' "state after SIGTERM (the trial failed, its retry enqueued)"
expect_eq "$(py '"interrupted" in d[0]["system_attrs"]["fail_reason"]' < i.json)" True "reason"
expect_dead knob-runs/i/*
echo ok
