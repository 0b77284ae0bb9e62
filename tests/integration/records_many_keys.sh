#!/usr/bin/env bash
# A record may hold any number of other numbers before the metric (a JSON log line of
# per-class scores, a key=value line of many counters): the metric, its step and the
# constraints are read wherever they stand in the line. A record kept only its first 64
# numbers, and a trial whose metric came later failed with "no metric 'loss' in stdout".
source "$(dirname "$0")/lib.bash"
cat > many.py <<'PY'
import json
scores = {"acc_class_%d" % i: i / 100 for i in range(100)}
for epoch in range(3):
    print(json.dumps(dict(scores, epoch=10 + epoch, val_loss=1.0 - epoch / 10, mem=0.5)))
print(" ".join("c%d=%d" % (i, i) for i in range(80)) + " val_loss=0.25 mem=-1")
PY
cat > many.yaml <<'YAML'
command: [python3, many.py]
metric: {name: val_loss, goal: minimize}
constraints: [{name: mem, max: 0}]
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run many.yaml $S --trials 1 > run.txt 2>&1 || fail "run: $(cat run.txt)"
"$KNOB" trials many $S --format json > t.json
expect_eq "$(py 'd[0]["state"]' < t.json)" complete "the trial ($(cat run.txt))"
expect_eq "$(py 'd[0]["values"]' < t.json)" "[0.25]" "its value"
expect_eq "$(py 'sorted(d[0]["intermediate"].items())' < t.json)" \
    '[["10", 1], ["11", 0.9], ["12", 0.8], ["3", 0.25]]' "its intermediate values"
expect_eq "$(py 'd[0]["constraints"]' < t.json)" "[-1]" "its constraint"
echo ok
