#!/usr/bin/env bash
# method pbt's explore moves each value the way its factor does: an inv_log_uniform_values
# param's value is multiplied (its reciprocal, which knob searches, was: x0.5 doubled it),
# and an int or q_uniform value that the factor alone cannot move takes one step the way the
# factor moved it (x1.2 took -1 up to 0, x0.8 took it down to -2: the step followed the
# factor's side of 1, not the value's move). One factor per run, so the move is known.
source "$(dirname "$0")/lib.bash"
cat > toy.sh <<'SH'
#!/bin/sh
# members at low k and qu score best: they are the donors, so negative values get explored
k=0 qu=0
for a in "$@"; do
    case $a in
    --k=*) k=${a#--k=} ;;
    --qu=*) qu=${a#--qu=} ;;
    esac
done
echo "$KNOB_PBT_END_STEP" > "$KNOB_CHECKPOINT_OUT/state"
awk -v k="$k" -v q="$qu" -v s="$KNOB_PBT_END_STEP" 'BEGIN { printf "step=%d score=%.10g\n", s, -(4 * k + q) }'
SH
chmod +x toy.sh
S="--storage sqlite:///$T/s.db"
for f in 0.5 0.8 1.2; do
    cat > sweep-$f.yaml <<YAML
command: [$T/toy.sh, "\${args}"]
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 6, interval: 1, max_steps: 6, quantile: 0.5, perturb: [$f],
      resample_probability: 0}
seed: 3
parameters:
  k: {distribution: int_uniform, min: -2, max: 5}
  qu: {distribution: q_uniform, min: -3, max: 4, q: 0.5}
  x: {min: -2.0, max: 5.0}
  beta: {distribution: inv_log_uniform_values, min: 0.001, max: 100}
YAML
    "$KNOB" run sweep-$f.yaml $S --study "s$f" > "out-$f.txt" 2>&1 || fail "run x$f: $(cat "out-$f.txt")"
    "$KNOB" trials "s$f" $S --format json > "t-$f.json"
    python3 - "$T/t-$f.json" "$f" <<'PY' || fail "explored with x$f: $(cat "$T/t-$f.json")"
import json, math, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
f = float(sys.argv[2])
rnd = lambda v: math.copysign(math.floor(abs(v) + 0.5), v)  # C's round

def stepped(x, lo, hi, step):
    """An int or q_uniform value times f, at least one step the way f moved it."""
    y = x * f if x != 0 else (f - 1) * (hi - lo)
    k, k0 = rnd((y - lo) / step), rnd((x - lo) / step)
    if k == k0 and y != x:
        k += 1 if y > x else -1
    return min(hi, max(lo, lo + k * step))

copies = stuck = 0
for t in d.values():
    donor = t["system_attrs"]["pbt"].get("donor_trial", -1)
    if donor < 0:
        continue
    was, now = d[donor]["params"], t["params"]
    copies += 1
    for name, lo, hi, step in (("k", -2, 5, 1), ("qu", -3, 4, 0.5)):
        want = stepped(was[name], lo, hi, step)
        assert math.isclose(now[name], want, abs_tol=1e-9), (t["number"], name, was[name], now[name], want)
        y = was[name] * f
        stuck += was[name] < 0 and rnd((y - lo) / step) == rnd((was[name] - lo) / step)
    want = min(5.0, max(-2.0, was["x"] * f if was["x"] != 0 else (f - 1) * 7))
    assert math.isclose(now["x"], want, rel_tol=1e-9), (t["number"], "x", was["x"], now["x"])
    want = min(100, max(0.001, was["beta"] * f))
    assert math.isclose(now["beta"], want, rel_tol=1e-9), (t["number"], "beta", was["beta"], now["beta"], want)
assert copies >= 4, copies
# a negative value the factor alone does not move was explored (what the step's sign decides)
assert f == 0.5 or stuck >= 1, stuck
PY
done
echo ok
