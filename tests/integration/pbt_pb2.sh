#!/usr/bin/env bash
# method pbt with pbt.explore: pb2 on the fixture population (programs/pbt_toy.sh, whose
# score grows by lr (1 + width / 10) a step: the best params are the largest of each): the
# explore step's params come from PB2's GP bandit, within bounds (ints whole, categoricals
# kept or resampled), not from a perturb factor, and they move to the high-change corner;
# every member reaches max_steps; the key's error names both choices. The move to the corner
# is checked on a run one interval at a time (it repeats with the seed): with two at once the
# order the intervals end in, and so the GP's data, depends on the machine's timing.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 1, max_steps: 8, explore: pb2, resample_probability: 0}
seed: 2
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  width: {distribution: int_uniform, min: 1, max: 20}
  opt: {values: [sgd, adam]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study p --parallel 2 > out.txt 2>&1 || fail "run: $(cat out.txt)"
"$KNOB" run sweep.yaml $S --study seq > seq.txt 2>&1 || fail "run: $(cat seq.txt)"
for study in p seq; do
"$KNOB" trials $study $S --format json > t.json
python3 - "$T/t.json" $study <<'PY' || fail "population of $study: $(cat t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
assert all(t["state"] == "complete" for t in d.values()), d
ends = {}
for n, r in rec.items():
    ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {0: 8, 1: 8, 2: 8, 3: 8}, ends
ex = [n for n in sorted(d) if rec[n]["donor"] >= 0]
assert len(ex) >= 4, ex
perturbed = 0
for n in ex:
    p, donor = d[n]["params"], d[rec[n]["donor_trial"]]["params"]
    assert 0.01 - 1e-12 <= p["lr"] <= 0.45 + 1e-12, p
    assert p["width"] == int(p["width"]) and 1 <= p["width"] <= 20, p
    assert p["opt"] == donor["opt"], (p, donor)  # resample_probability 0: kept
    by_factor = any(abs(p["lr"] - min(0.45, max(0.01, donor["lr"] * f))) < 1e-9 for f in (0.8, 1.2))
    perturbed += by_factor
assert perturbed < len(ex), "every explored lr is the donor's times a perturb factor"
late = ex[len(ex) // 2:]  # once the GP has data: the corner of the largest changes
if sys.argv[2] == "seq":
    assert sum(d[n]["params"]["lr"] > 0.4 for n in late) * 2 >= len(late), [d[n]["params"] for n in late]
PY
done
# one interval at a time (it repeats with the seed): the GP's choice at a bound of a
# log-scale param is that bound, 0.45, not exp(log(0.45)) = 0.44999999999999996
cat > bound.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 1, max_steps: 8, explore: pb2}
seed: 5
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
# (and minimized, the lower bound 0.01, not exp(log(0.01)) = 0.010000000000000004)
sed 's/goal: maximize/goal: minimize/' bound.yaml > low.yaml
for study in bound low; do
    "$KNOB" run $study.yaml $S --study $study > $study.txt 2>&1 || fail "$study: $(cat $study.txt)"
    "$KNOB" trials $study $S --format json > $study.json
    python3 - "$T/$study.json" $study <<'PY' || fail "$study: $(cat $study.json)"
import json, sys
lr = sorted({t["params"]["lr"] for t in json.load(open(sys.argv[1]))})
assert (0.45 if sys.argv[2] == "bound" else 0.01) in lr, lr
assert all(x == 0.45 or x < 0.45 * (1 - 1e-9) for x in lr), lr
assert all(x == 0.01 or x > 0.01 * (1 + 1e-9) for x in lr), lr
PY
done
# more numerical params than PB2 takes (KNOB_PB2_MAX_PARAMS, 1,111): PB2 chooses the first
# 1,111 and the rest are explored as pbt explores; every member reaches max_steps
python3 - > wide.yaml <<'PY'
print("program: pbt_toy.sh\nmethod: pbt\nmetric: {name: score, goal: maximize}")
print("pbt: {population: 3, interval: 1, max_steps: 4, explore: pb2}\nseed: 1\nparameters:")
print("  lr: {min: 0.01, max: 0.45}")
for i in range(1200):
    print(f"  p{i:04d}: {{min: 0.0, max: 1.0}}")
PY
"$KNOB" run wide.yaml $S --study wide > wide.txt 2>&1 || fail "1,201 params: $(tail -5 wide.txt)"
"$KNOB" trials wide $S --format json > wide.json
python3 - "$T/wide.json" <<'PY' || fail "1,201 params: $(head -c 2000 wide.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(t["state"] == "complete" for t in d), [t["state"] for t in d]
ends = {}
for t in d:
    r = t["system_attrs"]["pbt"]
    ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {0: 4, 1: 4, 2: 4}, ends
assert all(len(t["params"]) == 1201 for t in d)
PY
sed 's/explore: pb2/explore: bandit/' sweep.yaml > bad.yaml
"$KNOB" run bad.yaml $S --study bad > bad.txt 2>&1 && fail "explore: bandit accepted"
grep -q "pbt.explore': expected perturb or pb2, got bandit" bad.txt || fail "error: $(cat bad.txt)"
echo ok
