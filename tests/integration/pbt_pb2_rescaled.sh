#!/usr/bin/env bash
# method pbt, explore pb2, resumed after the sweep file switched a param from a log scale to
# a linear one: the trials made before the edit are placed by their values on the new
# scale. They were placed by the old scale's logs, clipped into the new bounds (every one at
# lr's lower bound), and the GP sent the explored members to the low rates, where the toy's
# score grows least (programs/pbt_toy.sh: a step adds lr (1 + width / 10) under 0.5).
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 1, max_steps: 8, explore: pb2, resample_probability: 0}
seed: 4
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study p > out.txt 2>&1 || fail "run: $(cat out.txt)"
sed -e 's/max_steps: 8/max_steps: 14/' -e 's/distribution: log_uniform_values/distribution: uniform/' \
    sweep.yaml > edited.yaml
sleep 2.5 # every member free for this worker (PBT_STEAL_AFTER in pbt_run.c)
"$KNOB" run edited.yaml $S --study p > out2.txt 2>&1 || fail "resumed: $(cat out2.txt)"
"$KNOB" trials p $S --format json > t.json
python3 - "$T/t.json" <<'PY' || fail "after the edit: $(cat t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
assert all(t["state"] == "complete" for t in d.values()), d
after = [n for n in sorted(d) if rec[n]["start"] >= 8 and rec[n]["donor"] >= 0]
assert after, "no member explored after the edit"
lrs = [d[n]["params"]["lr"] for n in after]
# the old trials' changes grew with lr: the explored rates are high ones, the first (made
# from the old trials alone) too
assert lrs[0] > 0.3 and sum(x > 0.3 for x in lrs) * 4 >= 3 * len(lrs), lrs
PY
echo ok
