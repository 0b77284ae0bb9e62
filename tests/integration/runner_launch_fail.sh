#!/usr/bin/env bash
# A trial whose params cannot be suggested (a queued trial whose value is on no point of the
# grid it runs in: queued while the sweep had that value, run after the value was taken
# out) fails with the reason, and the summary counts it: every trial this run created, by
# state. The run starts no more trials and exits 1.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  loss: {values: [1, 2]}
  exit: {values: [0]}
YAML
sed 's/values: \[1, 2\]/values: [1, 2, 3]/' sweep.yaml > wide.yaml
timeout 60 "$KNOB" run wide.yaml --storage "sqlite:///$T/s.db" --study g > a.txt 2>&1 ||
    fail "first run: $(cat a.txt)"
"$KNOB" enqueue g loss=3 --storage "sqlite:///$T/s.db" > /dev/null || fail "enqueue"
status=0
timeout 60 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study g > out.txt 2> err.txt || status=$?
expect_eq "$status" 1 "exit status ($(cat out.txt err.txt))"
grep -q "^trial 3 fail: its params could not be suggested: .*grid" out.txt ||
    fail "progress: $(cat out.txt)"
grep -q "this run: 1 trials (0 complete, 1 failed, 0 pruned)" out.txt || fail "summary: $(cat out.txt)"
"$KNOB" trials g --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py 'd[3]["state"]' < t.json)" fail "state"
expect_eq "$(py '"could not be suggested: trial 3" in d[3]["system_attrs"]["fail_reason"]' < t.json)" \
    True "reason: $(py 'd[3]["system_attrs"]' < t.json)"

# The same while points remain: the queued trial runs a point's value (its own is on no
# point), and that point is its, run once (not left to run a second time)
sed 's/values: \[1, 2\]/values: [1, 2, 3, 4]/' sweep.yaml > four.yaml
sed 's/values: \[1, 2\]/values: [1, 2, 3]/' sweep.yaml > three.yaml
"$KNOB" run four.yaml --storage "sqlite:///$T/h.db" --study h --trials 0 > /dev/null 2>&1 ||
    fail "the study h"
"$KNOB" enqueue h loss=1 --storage "sqlite:///$T/h.db" > /dev/null || fail "enqueue 1"
timeout 60 "$KNOB" run four.yaml --storage "sqlite:///$T/h.db" --study h --trials 1 > h1.txt 2>&1 ||
    fail "the first point: $(cat h1.txt)"
"$KNOB" enqueue h loss=4 --storage "sqlite:///$T/h.db" > /dev/null || fail "enqueue 4"
timeout 60 "$KNOB" run three.yaml --storage "sqlite:///$T/h.db" --study h > h2.txt 2>&1 ||
    fail "the narrowed grid: $(cat h2.txt)"
"$KNOB" trials h --storage "sqlite:///$T/h.db" --format json > h.json
expect_eq "$(py 'sorted(t["params"]["loss"] for t in d)' < h.json)" "[1, 2, 3]" \
    "the narrowed grid's points, each once"
echo ok
