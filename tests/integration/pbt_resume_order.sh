#!/usr/bin/env bash
# method pbt resumed by one worker (the study's knob process was stopped or killed, and
# knob run is started again): the members it takes over move on together, the member
# furthest behind first, as in a fresh run; none is trained to max_steps while the others
# wait at their first checkpoint.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 3, interval: 1, max_steps: 6, resample_probability: 0}
seed: 11
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
S="--storage sqlite:///$T/s.db"
# the first interval of each member, then the process ends
"$KNOB" run sweep.yaml $S --study r --trials 3 > run1.txt 2>&1 || fail "run 1: $(cat run1.txt)"
# another process takes the population over: three intervals more. A member another
# worker left is taken over once it has been free 2 s (PBT_STEAL_AFTER in pbt_run.c):
# wait that out, so that every member is free when the second run starts, whatever the
# machine's load made of the first run's last interval.
sleep 2.5
timeout 120 "$KNOB" run sweep.yaml $S --study r --trials 3 > run2.txt 2>&1 ||
    fail "run 2: $(cat run2.txt)"
"$KNOB" trials r $S --format json > t.json
python3 - "$T" <<'PY' || fail "order: $(cat t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
assert sorted(d) == list(range(6)), sorted(d)
assert all(t["state"] == "complete" for t in d.values()), d
assert sorted(rec[n]["member"] for n in range(3)) == [0, 1, 2], rec
# the resumed run gave each member one interval (a member is never picked while another
# is further behind), not three to one member
assert sorted(rec[n]["member"] for n in range(3, 6)) == [0, 1, 2], [rec[n] for n in range(3, 6)]
PY
echo ok
