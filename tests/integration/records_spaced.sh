#!/usr/bin/env bash
# Records with spaces around '=' (print(f"loss = {loss}")) and a word before a
# "key: value" pair ("train loss: 0.5" names 'loss'): they were not records, and the trial
# failed with "no metric 'loss' in stdout". So did Keras' "- loss: 1.5 - accuracy: 0.9".
# A value with a comma inside ("loss=0,5") is no number.
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

# A comma inside a value (a thousands separator, a decimal comma) is no number: "loss=0,5"
# was read as 0 and "loss=1,234" as 1. Commas between pairs still part them.
cat > comma.sh <<'SH'
#!/bin/sh
case "$1" in
*pairs*) echo "epoch=1,loss=2.5,acc=1"; echo "epoch=2,loss=0.5" ;;
*dec*) echo "loss=0,5" ;;
*) echo "loss=1,234" ;;
esac
SH
chmod +x comma.sh
cat > comma.yaml <<YAML
program: ./comma.sh
metric: {name: loss, goal: minimize}
method: grid
parameters:
  m: {values: [pairs, dec, thousands]}
YAML
"$KNOB" run comma.yaml --storage "sqlite:///$T/c.db" --study c > c.txt 2>&1 || fail "run: $(cat c.txt)"
"$KNOB" trials c --storage "sqlite:///$T/c.db" --format json > c.json
expect_eq "$(py 'sorted((t["params"]["m"], t["state"], t["values"]) for t in d)' < c.json)" \
    '[["dec", "fail", []], ["pairs", "complete", [0.5]], ["thousands", "fail", []]]' "commas"
expect_eq "$(py 'sorted(t["system_attrs"].get("fail_reason", "") for t in d)' < c.json)" \
    "[\"\", \"no metric 'loss' in stdout: its value '0,5' is not a number\", \"no metric 'loss' in stdout: its value '1,234' is not a number\"]" \
    "the reasons"

# Log lines whose word before the key ends in ':' (Python's logging, "INFO:root:"), a
# Keras progress bar holding '=' (it made the line '=' pairs, none of them a pair), a tab
# after the ':', and a key given twice in a line (its last value, as json.loads reads it):
# each gave "no metric 'loss' in stdout", or the first value.
cat > logs.sh <<'SH'
#!/bin/sh
case "$1" in
*info*) echo "INFO: loss: 0.25" ;;
*root*) echo "INFO:root:loss: 0.5" ;;
*keras*) echo "10/10 [==============================] - 0s 2ms/step - loss: 0.2500 - accuracy: 0.9000" ;;
*tab*) printf 'loss:\t0.75\n' ;;
*twice*) echo "loss=0.1 loss=0.9" ;;
*json*) echo '{"loss": 0.3, "loss": 0.6}' ;;
esac
SH
chmod +x logs.sh
cat > logs.yaml <<YAML
program: ./logs.sh
metric: {name: loss, goal: minimize}
method: grid
parameters:
  m: {values: [info, root, keras, tab, twice, json]}
YAML
"$KNOB" run logs.yaml --storage "sqlite:///$T/l.db" --study l > l.txt 2>&1 || fail "run: $(cat l.txt)"
"$KNOB" trials l --storage "sqlite:///$T/l.db" --format json > l.json
expect_eq "$(py 'sorted((t["params"]["m"], t["state"], t["values"]) for t in d)' < l.json)" \
    '[["info", "complete", [0.25]], ["json", "complete", [0.6]], ["keras", "complete", [0.25]], ["root", "complete", [0.5]], ["tab", "complete", [0.75]], ["twice", "complete", [0.9]]]' \
    "log lines"
echo ok
