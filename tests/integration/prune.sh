#!/usr/bin/env bash
# A pruned trial's process really dies and the trial ends PRUNED with its last value, which its
# progress line shows with its step;
# W&B's early_terminate maps to Hyperband.
source "$(dirname "$0")/lib.bash"
for mode in ok bad; do
    cat > $mode.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
pruner: {name: median, options: {n_startup_trials: 1}}
parameters:
  mode: {value: $mode}
  epochs: {value: 30}
YAML
done
# trial 0 sets the curve; trial 1 is worse from its first epoch (and sleeps 0.3 s per
# epoch, so that it is stopped long before its 30 epochs)
"$KNOB" run ok.yaml --storage "sqlite:///$T/s.db" --study p --trials 1 > out0.txt
"$KNOB" run bad.yaml --storage "sqlite:///$T/s.db" --study p --trials 1 > out1.txt
# the process was stopped: it would have printed 30 epochs
[ "$(grep -c loss knob-runs/p/1/stdout.log)" -lt 10 ] || fail "the pruned process ran on"
"$KNOB" trials p --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "pruned"]' "states"
expect_eq "$(py 'len(d[1]["intermediate"]) < 5 and d[1]["values"][0] > 10' < t.json)" True \
    "pruned early with its last value"
# its progress line shows its last intermediate value and step, as a complete one its metric
line=$(py '"trial 1 pruned loss=%.6g at step %s" % (d[1]["values"][0], max(d[1]["intermediate"], key=int))' < t.json)
grep -qF "$line  [" out1.txt || fail "progress line, not '$line': $(cat out1.txt)"
expect_dead knob-runs/p/*

cat > hb.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
early_terminate: {type: hyperband, min_iter: 1, eta: 3}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  epochs: {value: 9}
  mode: {value: slow}
YAML
# slow: 0.2 s an epoch, so that a trial is still running when it is judged (one that has
# exited ran through, and is not pruned)
"$KNOB" run hb.yaml --storage "sqlite:///$T/s.db" --study hb --trials 12 --seed 1 > hb.txt
"$KNOB" trials hb --storage "sqlite:///$T/s.db" --format json > hb.json
[ "$(py 'sum(t["state"]=="pruned" for t in d)' < hb.json)" -ge 1 ] || fail "hyperband pruned nothing"
echo ok

# A diverged run (the metric printed as nan) is pruned at that record, even as the study's
# first trial (before the median has anything to compare), with its last finite value; one
# printing nan without a pruner runs to its end.
cat > nan.sh <<'SH'
#!/bin/sh
echo "step=0 loss=1.5"
echo "step=1 loss=nan"
sleep 3
echo "step=2 loss=0.5"
SH
chmod +x nan.sh
for p in median none; do
    cat > nan-$p.yaml <<YAML
program: ./nan.sh
command: ["\${program}"]
metric: {name: loss, goal: minimize}
method: random
pruner: $p
parameters:
  x: {min: 0.0, max: 1.0}
YAML
    "$KNOB" run nan-$p.yaml --storage "sqlite:///$T/s.db" --study nan-$p --trials 1 > nan-$p.txt 2>&1 ||
        fail "run: $(cat nan-$p.txt)"
    "$KNOB" trials nan-$p --storage "sqlite:///$T/s.db" --format json > nan-$p.json
done
expect_eq "$(py '[d[0]["state"], d[0]["values"], d[0]["intermediate"]]' < nan-median.json)" \
    '["pruned", [1.5], {"0": 1.5}]' "the diverged trial"
expect_eq "$(py '[d[0]["state"], d[0]["values"]]' < nan-none.json)" '["complete", [0.5]]' \
    "without a pruner"

# A trial finished elsewhere (knob tell) while its program still prints: its next record is
# refused (it went into the finished trial, and successive halving was asked, refused, at
# each record), knob run says so once and stops the program. The running trial's first
# lines are in its logs while it runs (the logs are written as the trial prints, not when it
# ends).
cat > late.sh <<'SH'
#!/bin/sh
echo "step=1 loss=1"
echo "warming up" >&2
while [ ! -e "$GO" ]; do sleep 0.02; done
for i in 2 3 4 5 6 7 8 9 10 11 12; do echo "step=$i loss=$i"; done
SH
chmod +x late.sh
cat > late.yaml <<YAML
program: $T/late.sh
metric: {name: loss, goal: minimize}
method: random
pruner: {name: successive_halving, options: {min_resource: 1, reduction_factor: 2}}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
GO=$T/go "$KNOB" run late.yaml --storage "sqlite:///$T/s.db" --study late --trials 1 > late.out 2> late.err &
run=$!
for _ in $(seq 500); do [ -s knob-runs/late/0/stdout.log ] && [ -s knob-runs/late/0/stderr.log ] && break; sleep 0.02; done
grep -q "step=1 loss=1" knob-runs/late/0/stdout.log || fail "the running trial's stdout.log: '$(cat knob-runs/late/0/stdout.log)'"
grep -q "warming up" knob-runs/late/0/stderr.log || fail "the running trial's stderr.log: '$(cat knob-runs/late/0/stderr.log)'"
"$KNOB" tell late 0 --state fail --storage "sqlite:///$T/s.db" > /dev/null || fail "knob tell"
touch go
wait "$run" || true
expect_eq "$(grep -c 'cannot record' late.err)" 1 "the refusals said: $(cat late.err)"
grep -q "trial 0: its value at step 2: .*cannot record a value of trial 0 .*already failed; its program is stopped" late.err ||
    fail "the refusal: $(cat late.err)"
expect_eq "$(grep -c 'pruner:' late.err)" 0 "the pruner asked: $(cat late.err)"
