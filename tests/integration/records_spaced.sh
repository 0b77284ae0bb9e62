#!/usr/bin/env bash
# Records with spaces around '=' (print(f"loss = {loss}")) and a word before a
# "key: value" pair ("train loss: 0.5" names 'loss'): they were not records, and the trial
# failed with "no metric 'loss' in stdout". So did Keras' "- loss: 1.5 - accuracy: 0.9".
source "$(dirname "$0")/lib.bash"
cat > prog.py <<'PY'
print("epoch = 1 loss = 3.0")
print("epoch = 2, loss = 2.5, acc = 0.25")
print("epoch: 3  train loss: 2.0")
print("epoch: 4 - 12s 3ms/step - loss: 1.5 - accuracy: 0.9")  # Keras' progress line
PY
cat > sweep.yaml <<YAML
program: prog.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study r --trials 1 > out.txt 2> err.txt ||
    fail "run failed: $(cat out.txt err.txt)"
"$KNOB" trials r --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[d[0]["state"], d[0]["values"], d[0]["intermediate"]]' < t.json)" \
    '["complete", [1.5], {"1": 3, "2": 2.5, "3": 2, "4": 1.5}]' "spaced records"
echo ok
