#!/usr/bin/env bash
# A pruned trial's process really dies and the trial ends PRUNED with its last value;
# W&B's early_terminate maps to Hyperband.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: grid
pruner: {name: median, options: {n_startup_trials: 1}}
parameters:
  mode: {values: [ok, bad]}
  epochs: {value: 30}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study p > out.txt
"$KNOB" trials p --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "pruned"]' "states"
expect_eq "$(py 'len(d[1]["intermediate"]) < 5 and d[1]["values"][0] > 10' < t.json)" True "pruned early with its last value"
# the process was stopped: it would have printed 30 epochs
[ "$(grep -c loss knob-runs/p/1/stdout.log)" -lt 10 ] || fail "the pruned process ran on"
expect_dead knob-runs/p/*
cat > hb.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
early_terminate: {type: hyperband, min_iter: 1, eta: 3}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  epochs: {value: 9}
YAML
"$KNOB" run hb.yaml --storage "sqlite:///$T/s.db" --study hb --trials 12 > hb.txt
"$KNOB" trials hb --storage "sqlite:///$T/s.db" --format json > hb.json
[ "$(py 'sum(t["state"]=="pruned" for t in d)' < hb.json)" -ge 1 ] || fail "hyperband pruned nothing"
echo ok
