#!/usr/bin/env bash
# q_uniform draws W&B's round(x / q) q: the multiples of q between min and max, whatever min
# is (batch sizes of 16 from min 10 are 16, 32, ..., 192); it drew min + k q (10, 26, 42,
# ...), which W&B never gives. A grid enumerates the same multiples. A bound that is not a
# multiple is said in a warning at q's line.
source "$(dirname "$0")/lib.bash"
cat > r.yaml <<'YAML'
method: random
parameters:
  batch: {distribution: q_uniform, min: 10, max: 200, q: 16}
  drop: {distribution: q_uniform, min: 0.05, max: 0.5, q: 0.1}
YAML
for seed in 1 2 3 4 5 6 7 8 9 10; do
    "$KNOB" ask r --sweep r.yaml --storage memory: --seed $seed >> out.txt 2> err.txt ||
        fail "ask: $(cat err.txt)"
done
grep -qF "r.yaml:3:58: warning: key 'parameters.batch.q': min (10) and max (200) are not multiples of q (16): the values are the multiples of q in [10, 200], 16 to 192" err.txt ||
    fail "warning: $(cat err.txt)"
python3 - out.txt <<'PY' || fail "not multiples of q: $(cat out.txt)"
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)["params"]
    assert isinstance(p["batch"], int) and p["batch"] % 16 == 0 and 16 <= p["batch"] <= 192, p
    assert abs(p["drop"] * 10 - round(p["drop"] * 10)) < 1e-9 and 0.1 <= p["drop"] <= 0.5, p
    assert p["drop"] == round(p["drop"], 1), p  # written 0.3, not 0.30000000000000004
PY
printf 'method: grid\nparameters:\n  h: {distribution: q_uniform, min: 0.5, max: 3.5, q: 1}\n' > g.yaml
for i in 1 2 3; do
    "$KNOB" ask g --sweep g.yaml --storage "sqlite:///$T/g.db" > /dev/null 2> err.txt ||
        fail "grid ask $i: $(cat err.txt)"
done
rc=0
"$KNOB" ask g --sweep g.yaml --storage "sqlite:///$T/g.db" > /dev/null 2> err.txt || rc=$?
[ $rc = 3 ] || fail "a fourth grid point: exit $rc: $(cat err.txt)"
"$KNOB" trials g --storage "sqlite:///$T/g.db" --format json > t.json
expect_eq "$(py 'sorted(t["params"]["h"] for t in d)' < t.json)" "[1, 2, 3]" "the grid's points"
echo ok
