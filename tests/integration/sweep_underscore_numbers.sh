#!/usr/bin/env bash
# Numbers with digits grouped by underscores, as YAML 1.1 (PyYAML, and so W&B) reads them:
# 1_000 is 1000 in bounds, run_cap and values; a quoted "2_048" and a word like a_b stay
# strings. So in a sampler's or pruner's number options (n_startup_trials: 1_0 was refused,
# "needs an integer, got '1_0'"); a quoted one stays text, refused as before.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
method: grid
run_cap: 1_000
parameters:
  n: {distribution: int_uniform, min: 1_000, max: 1_002}
  v: {values: [1_024, "2_048", a_b]}
YAML
S="--storage sqlite:///$T/s.db"
for i in 1 2 3 4 5 6 7 8 9; do
    "$KNOB" ask u --sweep sweep.yaml $S >> asks.txt 2> err.txt || fail "ask refused: $(cat err.txt)"
done
python3 - asks.txt <<'PY' || fail "params: $(cat asks.txt)"
import json, sys
seen = {(json.dumps(d["params"]["n"]), json.dumps(d["params"]["v"])) for d in map(json.loads, open(sys.argv[1]))}
want = {(json.dumps(n), json.dumps(v)) for n in (1000, 1001, 1002) for v in (1024, "2_048", "a_b")}
assert seen == want, seen
PY
# sampler and pruner options: the study runs with them as 10, 1.5 and 1000
cat > opts.yaml <<YAML
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss}
sampler: {name: tpe, options: {n_startup_trials: 1_0, gamma_beta: 1_0.5, seed: 1_000}}
pruner: {name: median, options: {n_warmup_steps: 1_000}}
parameters:
  x: {min: 0, max: 1}
YAML
"$KNOB" run opts.yaml $S --trials 2 > out.txt 2>&1 || fail "options with grouped digits: $(cat out.txt)"
sed -i 's/n_startup_trials: 1_0,/n_startup_trials: "1_0",/' opts.yaml
set +e
"$KNOB" run opts.yaml $S --trials 1 > out.txt 2>&1
status=$?
set -e
expect_eq "$status" 2 "a quoted 1_0 ($(cat out.txt))"
grep -qF "opts.yaml:3:" out.txt && grep -qF "needs an integer, got '1_0'" out.txt ||
    fail "a quoted 1_0: $(cat out.txt)"
echo ok
