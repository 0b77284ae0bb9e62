#!/usr/bin/env bash
# The budget of knob run: --timeout (no new trial after it; running ones finish),
# metric.target (stop once a trial reaches it), --trials counting this run only.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > target.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: x, goal: minimize, target: 0.5}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run target.yaml $S --study t --trials 50 --seed 5 > t.txt || fail "run: $(cat t.txt)"
grep -q "the target 0.5 of 'x' is reached" t.txt || fail "target not reported: $(cat t.txt)"
"$KNOB" trials t $S --format json > t.json
python3 - "$T" <<'PY' || fail "target: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
v = [t["values"][0] for t in d]
assert 1 <= len(v) < 50 and v[-1] <= 0.5 and all(x > 0.5 for x in v[:-1]), v
PY
# a rerun of a study that reached its target starts nothing
"$KNOB" run target.yaml $S --study t --trials 5 > t2.txt
grep -q "this run: 0 trials" t2.txt || fail "target rerun: $(cat t2.txt)"

cat > slow.yaml <<YAML
program: $PROGS/echo_params.py
command: ["\${env}", python3, "\${program}", --sleep=0.7]
method: random
metric: {name: x, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
# no budget but the time: trials of 0.7 s, 2 at once, none started after 2 s (a slow
# machine makes fewer, never more), the running ones finish
"$KNOB" run slow.yaml $S --study slow --timeout 2s --parallel 2 > slow.txt
"$KNOB" trials slow $S --format json > slow.json
python3 - "$T" <<'PY' || fail "timeout: $(cat $T/slow.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/slow.json"))
assert 2 <= len(d) <= 8 and all(t["state"] == "complete" for t in d), d
PY
"$KNOB" run slow.yaml $S --study slow --trials 2 > more.txt
n=$(py 'len(d)' < slow.json)
"$KNOB" trials slow $S --format json > slow2.json
expect_eq "$(py 'len(d)' < slow2.json)" "$((n + 2))" "--trials counts this run"
# --timeout 0 (a script's time left, run out) starts no trial, as --trials 0: it ran
# until Ctrl-C, as if no budget were given
timeout 60 "$KNOB" run slow.yaml $S --study slow --timeout 0 > zero.txt 2> zero.err ||
    fail "--timeout 0: status $? $(cat zero.txt zero.err)"
grep -q "this run: 0 trials" zero.txt || fail "--timeout 0: $(cat zero.txt)"
if grep -q "no budget" zero.err; then fail "--timeout 0: $(cat zero.err)"; fi
echo ok
