#!/usr/bin/env bash
# A grid whose trials are stopped by SIGTERM (a cluster taking the worker's place back):
# each one's retry runs its own point again, so the next run ends the grid with every point
# complete exactly once. A retry is told what it runs again, and where that ran (its
# checkpoint is there): KNOB_RETRY_OF, KNOB_RETRY_OF_DIR (it started from nothing).
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.001, 0.01, 0.1]}
  mode: {value: MODE}
YAML
sed 's/MODE/ok/' sweep.yaml > fast.yaml
sed 's/MODE/hang/' sweep.yaml > slow.yaml
S="--storage sqlite:///$T/s.db"
"$KNOB" run slow.yaml $S --study g --parallel 2 > stop.txt &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/g/0/pid ] && [ -f knob-runs/g/1/pid ] && break
    sleep 0.1
done
[ -f knob-runs/g/0/pid ] && [ -f knob-runs/g/1/pid ] ||
    { kill -TERM $pid; fail "the two trials did not start within 30 s: $(cat stop.txt)"; }
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGTERM"
sleep 0.5
expect_dead knob-runs/g/*
"$KNOB" trials g $S --format json > t1.json
expect_eq "$(py '[t["state"] for t in d]' < t1.json)" '["fail", "fail", "waiting", "waiting"]' \
    "states after SIGTERM"
"$KNOB" run fast.yaml $S --study g > run.txt || fail "the grid's second run: $(cat run.txt)"
grep -q "the grid is done" run.txt || fail "grid end: $(cat run.txt)"
"$KNOB" trials g $S --format json > t2.json
python3 - t2.json <<'PY' || fail "grid after retries: $(cat t2.json)"
import json, sys
d = json.load(open(sys.argv[1]))
done = sorted(t["params"]["lr"] for t in d if t["state"] == "complete")
assert done == [0.001, 0.01, 0.1], done
assert len(d) == 5, len(d)
for t in d[2:4]:  # each retry at its original's point
    orig = d[int(t["system_attrs"]["retry_of"])]
    assert t["params"]["lr"] == orig["params"]["lr"], (t, orig)
    assert t["system_attrs"]["grid_id"] == orig["system_attrs"]["grid_id"], (t, orig)
    told = open("knob-runs/g/%d/retry_of" % t["number"]).read()
    assert told == "%d %s" % (orig["number"], orig["system_attrs"]["runner"]["dir"]), (told, orig)
for t in d[:2] + d[4:]:  # no retry
    assert not __import__("os").path.exists("knob-runs/g/%d/retry_of" % t["number"]), t
PY
echo ok
