#!/usr/bin/env bash
# A grid of q_log_uniform_values by a step that needs more than 15 digits: an older knob held
# its multiples in 15 digits (0.333333333333333), knob now holds the doubles (0.3333333333333333);
# a study begun by the older knob and resumed runs each point once (its points ran again: 415
# trials for 287 points).
source "$(dirname "$0")/lib.bash"
cat > g.yaml <<'YAML'
command: [sh, -c, 'echo loss=1']
metric: {name: loss, goal: minimize}
method: grid
parameters:
  q: {distribution: q_uniform, min: -1, max: 1, q: 0.05}
  w: {distribution: q_log_uniform_values, min: 0.1, max: 2, q: 0.3333333333333333}
YAML
S="--storage sqlite:///$T/g.db"
"$KNOB" run g.yaml $S --study g --trials 150 > run1.txt 2>&1 || fail "run: $(cat run1.txt)"
# the study as the older knob wrote it: the choices of w in 15 digits
python3 - "$T/g.db" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT DISTINCT dist FROM params WHERE name = 'w'").fetchall()
assert len(rows) == 1, rows
d = json.loads(rows[0][0])
assert 0.3333333333333333 in d["choices"], d
old = dict(d, choices=[float("%.15g" % c) for c in d["choices"]])
db.execute("UPDATE params SET dist = ? WHERE name = 'w'", (json.dumps(old),))
# its claims of points name the points by their values: none is a point of the grid now
db.execute("DELETE FROM claims")
db.commit()
PY
"$KNOB" run g.yaml $S --study g > run2.txt 2>&1 || fail "resumed: $(cat run2.txt)"
"$KNOB" trials g $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 287 "trials of the 287 points"
echo ok
