#!/usr/bin/env bash
# The quantized forms without q round to multiples of 1, W&B's default for q: whole numbers.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: random
metric: {name: score, goal: maximize}
parameters:
  qn: {distribution: q_normal, mu: 10, sigma: 5}
  qln: {distribution: q_log_normal, mu: 2, sigma: 1}
  qluv: {distribution: q_log_uniform_values, min: 1, max: 1000}
  qu: {distribution: q_uniform, min: 0.5, max: 10.5}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study q --trials 8 > out.txt 2>&1 ||
    fail "run failed: $(cat out.txt)"
"$KNOB" trials q --storage "sqlite:///$T/s.db" --format json > trials.json
python3 - trials.json <<'PY' || fail "a value is not on its q grid: $(cat trials.json)"
import json, sys
trials = json.load(open(sys.argv[1]))
assert len(trials) == 8, trials
for t in trials:
    p = t["params"]
    for k in ("qn", "qln", "qluv"):
        assert p[k] == round(p[k]), (k, p)
    assert p["qu"] - 0.5 == round(p["qu"] - 0.5) and 0.5 <= p["qu"] <= 10.5, p
PY
echo ok
