#!/usr/bin/env bash
# An integer beyond 2^53 in `values` or `value` (a seed) reaches the program exactly, as
# W&B's Python passes it: in ${args}, ${args_json} and KNOB_PARAMS_JSON, inside a list too;
# `when` and knob enqueue compare it exactly. It was a double: 12345678901234567890 became
# --s=1.2345678901234567e+19 (which int() refuses) and 9007199254740993 became ...992.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: grid
command: ["\${env}", "\${interpreter}", "\${program}", "\${args}", "\${args_json}"]
parameters:
  s: {values: [12345678901234567890, 3]}
  t: {value: 9007199254740993}
  l: {value: [-99999999999999999999, 1]}
  u: {values: [1], when: {s: 12345678901234567890}}
YAML
"$KNOB" run sweep.yaml $S --study b > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "big integers: $(cat $T/knob-runs/b/*/argv.json)"
import glob, json, sys
seen = []
for f in sorted(glob.glob(sys.argv[1] + "/knob-runs/b/*/argv.json")):
    a = json.load(open(f))
    p = json.loads(a["env"]["KNOB_PARAMS_JSON"])
    assert p["t"] == 9007199254740993 and p["l"] == [-99999999999999999999, 1], p
    want = ["--s=%d" % p["s"], "--t=9007199254740993", "--l=[-99999999999999999999,1]"]
    if p["s"] == 12345678901234567890:
        want.append("--u=1")
    assert a["argv"][:-1] == want, a["argv"]
    assert json.loads(a["argv"][-1]) == p, a["argv"]
    seen.append(p["s"])
assert sorted(seen) == [3, 12345678901234567890], seen
PY
"$KNOB" enqueue b s=12345678901234567890 $S > /dev/null 2> err.txt || fail "enqueue: $(cat err.txt)"
"$KNOB" trials b $S --format json > t.json
expect_eq "$(py 'd[-1]["params"]["s"]' < t.json)" 12345678901234567890 "the enqueued value"
echo ok
