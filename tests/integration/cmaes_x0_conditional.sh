#!/usr/bin/env bash
# cmaes's x0 naming a conditional param of the sweep (momentum, only with optimizer sgd):
# after a first trial of the other branch (adam), the asks go on, momentum's x0 value unused
# while the trials do not all have it. The ask after that trial was refused ("no trial of
# this study has a param 'momentum' ... (misspelt?)"), a failed trial at each run after it,
# so the study could not go on.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
study: c
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss}
sampler: {name: cmaes, options: {x0: {momentum: 0.9, lr: 0.01}}}
parameters:
  optimizer: {values: [sgd, adam]}
  momentum: {min: 0.0, max: 0.99, when: {optimizer: sgd}}
  beta2: {min: 0.9, max: 0.999, when: {optimizer: adam}}
  lr: {min: 0.001, max: 0.1}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --trials 0 > out.txt 2>&1 || fail "run of no trials: $(cat out.txt)"
"$KNOB" enqueue c optimizer=adam beta2=0.95 lr=0.05 $S > /dev/null || fail "enqueue"
for i in 1 2; do
    "$KNOB" run sweep.yaml $S --trials 3 > out.txt 2>&1 || fail "run $i: $(cat out.txt)"
done
"$KNOB" trials c $S --format json > trials.json || fail "trials"
python3 - trials.json <<'PY' || fail "trials: $(cat trials.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 6 and all(t["state"] == "complete" for t in d), d
PY
echo ok
