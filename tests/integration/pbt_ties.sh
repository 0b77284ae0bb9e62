#!/usr/bin/env bash
# method pbt with tied scores: a member of the bottom quantile copies only a member that
# scores strictly better than it; one tied with the top (ranked above it by its place
# alone) keeps its own checkpoint and params, as the best does.
source "$(dirname "$0")/lib.bash"
cat > ties.sh <<'SH'
#!/bin/sh
# score: TIE_BEST for member 0, 1 for the others
score=1
if [ "$KNOB_PBT_MEMBER" = 0 ]; then score=$TIE_BEST; fi
echo "$KNOB_PBT_END_STEP" > "$KNOB_CHECKPOINT_OUT/state"
echo "step=$KNOB_PBT_END_STEP score=$score"
SH
chmod +x ties.sh
cat > sweep.yaml <<YAML
command: [$T/ties.sh]
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 1, max_steps: 4, quantile: 0.5, perturb: [0.8, 1.2],
      resample_probability: 0}
seed: 3
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
S="--storage sqlite:///$T/s.db"
check() { # study best-score
    TIE_BEST=$2 "$KNOB" run sweep.yaml $S --study "$1" > "out-$1.txt" 2>&1 ||
        fail "run $1: $(cat "out-$1.txt")"
    "$KNOB" trials "$1" $S --format json > "t-$1.json"
    python3 - "$T/t-$1.json" "$2" <<'PY' || fail "study $1: $(cat "out-$1.txt")"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
best = float(sys.argv[2])
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
assert all(t["state"] == "complete" for t in d.values()), d
copies = [r for r in rec.values() if r["donor"] >= 0]
if best == 1:  # every member tied: nothing to gain, no copy
    assert not copies, copies
else:  # member 0 alone is better: the only one copied, by the bottom half each interval
    assert copies and all(r["donor"] == 0 for r in copies), copies
    assert all(r["member"] != 0 for r in copies), copies
    assert len(copies) >= 2, copies
for n, r in rec.items():
    if r["donor"] < 0 and r["parent"] >= 0:
        assert rec[r["parent"]]["member"] == r["member"], r
        assert d[r["parent"]]["params"] == d[n]["params"], (n, r)
PY
}
check tied 1
check best 2
echo ok
