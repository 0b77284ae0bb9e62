#!/usr/bin/env bash
# Numbers with digits grouped by underscores, as YAML 1.1 (PyYAML, and so W&B) reads them:
# 1_000 is 1000 in bounds, run_cap and values; a quoted "2_048" and a word like a_b stay
# strings.
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
echo ok
