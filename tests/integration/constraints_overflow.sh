#!/usr/bin/env bash
# constraints_overflow: a constraint value past the doubles' range (metric - max, or min -
# metric, of metrics near 1.7e308) is stored as +-DBL_MAX, infeasible or feasible as its
# sign says, and the run goes on; constraint values the library refuses (here, more of
# them than the study's earlier trials have) fail that trial, naming the constraints, and
# the run goes on. Such an overflow stopped the whole run as if the storage had failed.
source "$(dirname "$0")/lib.bash"
# a: max -1e308, b: min 1e308, c: max 1e308, from metrics of +-1.5e308:
#   x=1: a overflows to +inf (infeasible); x=2: b does; x=3: neither. c is -inf each time.
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'case ${1#x=} in 1) a=1.5e308 b=1.5e308;; 2) a=-1.5e308 b=-1.5e308;; *) a=-1.5e308 b=1.5e308;; esac; echo "loss=${1#x=} a=$a b=$b c=-1.5e308"', sh, "${args_no_hyphens}"]
method: grid
metric: {name: loss, goal: minimize}
constraints: [{name: a, max: -1e308}, {name: b, min: 1e308}, {name: c, max: 1e308}]
parameters:
  x: {values: [1, 2, 3]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study o > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials o $S --format json > t.json
expect_eq "$(py 'sorted((t["params"]["x"], t["state"], t["feasible"]) for t in d)' < t.json)" \
    '[[1, "complete", false], [2, "complete", false], [3, "complete", true]]' "states"
M=1.7976931348623157e308
expect_eq "$(py "sorted((t['params']['x'], t['constraints'] == [[$M, 1e308 - 1.5e308, -$M], [-1.5e308 + 1e308, $M, -$M], [-1.5e308 + 1e308, 1e308 - 1.5e308, -$M]][t['params']['x'] - 1]) for t in d)" < t.json)" \
    '[[1, true], [2, true], [3, true]]' "constraint values saturated at +-DBL_MAX: $(cat t.json)"
"$KNOB" best o $S > best.txt || fail "best: $(cat best.txt)"
grep -q '"x": *3\|"x":3' best.txt || fail "the best feasible trial is x=3: $(cat best.txt)"

# Two constraints where the study's trials have three.
cat > two.yaml <<'YAML'
command: [/bin/sh, -c, 'echo "loss=1 a=-1.5e308 b=1.5e308"']
method: random
metric: {name: loss, goal: minimize}
constraints: [{name: a, max: -1e308}, {name: b, min: 1e308}]
trials: 2
parameters:
  x: {min: 0.0, max: 1.0}
YAML
# The sweep edited to two constraints: refused before any trial runs (knob run checks the
# stored sweep), the study's trials as they were.
rc=0
"$KNOB" run two.yaml $S --study o > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of the sweep edited to two constraints ($(cat run.err))"
grep -qF "two.yaml has 2 constraints, and the study's trials hold 3 constraint values each" run.err ||
    fail "the sweep edited: $(cat run.err)"
expect_eq "$("$KNOB" trials o $S --format json | py 'len(d)')" 3 "trials after the refusal"
# A study without a stored sweep (made from C or Python; here its sweep is removed): the
# library refuses each trial's two values, the trial fails naming them, the run goes on.
sqlite3 "$T/s.db" "DELETE FROM study_attrs WHERE system = 1 AND key = 'sweep'"
"$KNOB" run two.yaml $S --study o > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials o $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d if t["number"] >= 3]' < t.json)" '["fail", "fail"]' \
    "states: $(cat run.txt run.err)"
py '[t for t in d if t["number"] == 4][0]["system_attrs"]["fail_reason"]' < t.json |
    grep -q "constraints 'a', 'b' refused: .*2 constraint values, but the study's earlier trials have 3" ||
    fail "reason: $(py '[t["system_attrs"] for t in d]' < t.json)"
grep -q "storage failed" run.txt run.err && fail "the run stopped: $(cat run.txt run.err)"
exit 0
