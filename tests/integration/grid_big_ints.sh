#!/usr/bin/env bash
# A grid over an int range of 16 digits (below 2^53, which the library holds exactly) runs
# each point once. Its points were written in 15 digits: 1700000000000000 to ...004 ran
# ...000 six times, then failed a trial off the distribution; knob ask counted 4 points of
# 3 and handed out one. A decimal step still gives its decimals (0.1 by 0.1: 0.3, not
# 0.30000000000000004).
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/g.db"
cat > big.yaml <<YAML
command: [/bin/sh, -c, "echo loss=1"]
method: grid
metric: {name: loss}
parameters:
  seed: {min: 1700000000000000, max: 1700000000000004}
  q: {distribution: q_uniform, min: 0.1, max: 0.3, q: 0.1}
YAML
"$KNOB" run big.yaml $S --study big > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
"$KNOB" trials big $S --format json > t.json
python3 - t.json <<'PY' || fail "grid points: $(cat t.json)"
import json, sys
d = json.load(open(sys.argv[1]))
pts = sorted((t["params"]["seed"], t["params"]["q"]) for t in d)
want = sorted((1700000000000000 + k, q) for k in range(5) for q in (0.1, 0.2, 0.3))
assert all(t["state"] == "complete" for t in d), [t["state"] for t in d]
assert pts == want, pts
PY
S2="--storage sqlite:///$T/a.db"
cat > ask.yaml <<YAML
method: grid
metric: {name: loss}
parameters:
  n: {min: 1000000000000000, max: 1000000000000002}
YAML
seen=""
for i in 1 2 3; do
    "$KNOB" ask a --sweep ask.yaml $S2 > o.json 2> err.txt || fail "ask $i: $(cat err.txt)"
    seen="$seen $(py 'str(d["params"]["n"])' < o.json)"
    "$KNOB" tell a "$(py 'str(d["number"])' < o.json)" 1 $S2 > /dev/null || fail "tell $i"
done
expect_eq "$seen" " 1000000000000000 1000000000000001 1000000000000002" "the asks"
set +e
"$KNOB" ask a --sweep ask.yaml $S2 > o.json 2> err.txt
rc=$?
set -e
expect_eq "$rc" 3 "the fourth ask's status"
grep -q "every point of the grid (3)" err.txt || fail "the grid's count: $(cat err.txt)"
echo ok
