#!/usr/bin/env bash
# method pbt resumed with an edited sweep file (bounds narrowed, a choice dropped and the
# others reordered, max_steps raised): a member that goes on from its own checkpoint keeps
# its params, clipped into the new bounds (a choice found among the new choices), a
# conditional param (when) as the others; only a choice that is gone is drawn afresh.
# They were all drawn afresh: the proposals, made under the old distributions, did not
# match the ones the trial suggested.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 1, max_steps: 2, resample_probability: 0}
seed: 3
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  width: {distribution: int_uniform, min: 1, max: 20}
  opt: {values: [sgd, adam, lamb]}
  beta: {min: 0.5, max: 0.99, when: {opt: [adam, lamb]}}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study p > out.txt 2> err.txt || fail "run: $(cat out.txt err.txt)"
sed -e 's/max_steps: 2/max_steps: 4/' -e 's/max: 0.45/max: 0.2/' -e 's/max: 20}/max: 10}/' \
    -e 's/\[sgd, adam, lamb\]/[lamb, adam, rmsprop]/' -e 's/max: 0.99/max: 0.7/' \
    sweep.yaml > edited.yaml
# every member free for another worker (2 s after the first run left it: PBT_STEAL_AFTER in
# pbt_run.c), whatever the machine's load made of the first run's end
sleep 2.5
# all four at once, each planned from the population at step 2: only the bottom one copies
# (one at a time, a member furthest behind is ranked below those that went on already)
"$KNOB" run edited.yaml $S --study p --parallel 4 > out2.txt 2> err2.txt ||
    fail "resumed: $(cat out2.txt err2.txt)"
"$KNOB" trials p $S --format json > t.json
python3 - "$T" <<'PY' || fail "resumed population: $(cat out2.txt err2.txt)"
import json, sys
T = sys.argv[1]
d = {t["number"]: t for t in json.load(open(T + "/t.json"))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
assert all(t["state"] == "complete" for t in d.values()), [t["state"] for t in d.values()]
own = cond = 0
for n, r in rec.items():
    p = d[n]["params"]
    if r["start"] < 2:
        continue
    # the edited sweep's bounds and choices hold in every interval after the edit
    assert 0.01 <= p["lr"] <= 0.2 and 1 <= p["width"] <= 10, p
    assert p["opt"] in ("lamb", "adam", "rmsprop"), p
    if r["donor"] >= 0 or r["start"] != 2:
        continue
    # the first interval after the edit, from the member's own checkpoint
    own += 1
    q = d[r["parent"]]["params"]
    assert p["lr"] == min(q["lr"], 0.2), (n, p, q)
    assert p["width"] == min(q["width"], 10), (n, p, q)
    if q["opt"] != "sgd":
        assert p["opt"] == q["opt"], (n, p, q)
        # a conditional param too
        assert p["beta"] == min(q["beta"], 0.7), (n, p, q)
        cond += 1
assert own >= 2 and cond >= 1, (own, cond)
PY
echo ok
