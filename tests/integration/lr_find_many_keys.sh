#!/usr/bin/env bash
# knob lr-find reads the loss wherever it stands in a record, as knob run reads its metric:
# after 100 other numbers of a JSON log line, or 80 counters of a key=value line. A record
# kept only its first 64 numbers, and the test ended at its first step ("the record ...
# has no number 'loss'").
source "$(dirname "$0")/lib.bash"
cat > many.py <<'PY'
import json, os
n = int(os.environ["KNOB_LR_STEPS"])
scores = {"acc_class_%d" % i: i / 100 for i in range(100)}
for step in range(n):
    if step % 2:
        print(" ".join("c%d=%d" % (i, i) for i in range(80)) + " step=%d loss=%r" % (step, 2 - step / n))
    else:
        print(json.dumps(dict(scores, step=step, loss=2 - step / n)))
PY
cat > many.yaml <<'YAML'
command: [python3, many.py]
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
timeout 60 "$KNOB" lr-find many.yaml --param lr --steps 20 --smoothing 0 --json > d.json \
    2> err.txt || fail "lr-find (status $?): $(cat err.txt)"
expect_eq "$(py 'd["steps"]' < d.json)" 20 "steps of records with many numbers"
echo ok
