#!/usr/bin/env bash
# knob dashboard reads a study's stored sweep again at each /api/log and /api/enqueue
# request; the sweep's warnings went to its stderr at every one of them. They are said once
# per distinct stored sweep now; a stored sweep that cannot be read says why at each
# request (study c: min above max).
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
for s in a b c; do
    cat > $s.yaml <<YAML
command: [/bin/sh, -c, 'echo loss=1']
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: q_uniform, min: 0, max: 1, q: 0.3}
  tag: {value: $s}
YAML
    "$KNOB" run $s.yaml --storage "$db" --study $s --trials 1 > run.txt 2> run.err ||
        fail "run: $(cat run.txt run.err)"
    grep -q "warning: key 'parameters.x.q'" run.err || fail "the sweep has no warning: $(cat run.err)"
done
python3 - "$T/d.db" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
sid = c.execute("SELECT id FROM studies WHERE name = 'c'").fetchone()[0]
(text,) = c.execute("SELECT json FROM study_attrs WHERE study = ? AND key = 'sweep'", (sid,)).fetchone()
text = json.loads(text).replace("min: 0, max: 1", "min: 2, max: 1")
c.execute("UPDATE study_attrs SET json = ? WHERE study = ? AND key = 'sweep'", (json.dumps(text), sid))
c.commit()
PY

dashboard_start "$db" --allow-write
for s in a b; do
    for _ in 1 2 3; do
        expect_eq "$(dashboard_status "/api/log?name=$s&trial=0")" 200 "log of study $s"
        expect_eq "$(dashboard_status "/api/enqueue?name=$s" '{"params": {"x": 0.3}}')" 200 "enqueue in study $s"
    done
done
for _ in 1 2 3; do
    expect_eq "$(dashboard_status "/api/enqueue?name=c" '{"params": {"x": 0.3}}')" 500 "enqueue in study c"
done
dashboard_stop
# two stored sweeps (their texts differ in tag), each warned of once
expect_eq "$(grep -c "warning: key 'parameters.x.q'" dash.err)" 2 "warnings: $(cat dash.err)"
expect_eq "$(grep -c "warning:" dash.err)" 2 "warnings: $(cat dash.err)"
expect_eq "$(grep -c "must be <= max" dash.err)" 3 "study c's errors: $(cat dash.err)"
"$KNOB" trials a --storage "$db" --format json | py '[t["state"] for t in d]' > states.txt
expect_eq "$(cat states.txt)" '["complete", "waiting", "waiting", "waiting"]' "study a's trials"
echo ok
