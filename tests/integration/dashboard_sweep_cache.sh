#!/usr/bin/env bash
# knob dashboard keeps the stored sweep it read for /api/study (the axes of the params the
# sweep converts) by its text: a poll reads it again only when the text changed. The params
# /api/study gives must be those of the sweep stored now: the same at each poll, those of
# the new sweep after the stored one was edited (as knob report, which reads it anew, gives
# them), the first again when the first text is back; and the sweep's warnings are not said
# by these polls (the run said them).
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'echo loss=1']
method: random
metric: {name: loss, goal: minimize}
parameters:
  opt: {values: [adam, sgd, 9007199254740993], probabilities: [0.4, 0.3, 0.3]}
  wd: {distribution: inv_log_uniform_values, min: 0.001, max: 1}
  x: {distribution: q_uniform, min: 0, max: 1, q: 0.3}
YAML
"$KNOB" run s.yaml --storage "$db" --study w --trials 6 --seed 1 > run.txt 2> run.err ||
    fail "run: $(cat run.txt run.err)"
grep -q "warning: key 'parameters.x.q'" run.err || fail "the sweep has no warning: $(cat run.err)"

# edit_sweep FROM TO: replaces the text FROM by TO in study w's stored sweep
edit_sweep() {
    python3 - "$T/d.db" "$1" "$2" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
sid = c.execute("SELECT id FROM studies WHERE name = 'w'").fetchone()[0]
(text,) = c.execute("SELECT json FROM study_attrs WHERE study = ? AND key = 'sweep'", (sid,)).fetchone()
old = json.loads(text)
assert sys.argv[2] in old, old
c.execute("UPDATE study_attrs SET json = ? WHERE study = ? AND key = 'sweep'",
          (json.dumps(old.replace(sys.argv[2], sys.argv[3])), sid))
c.commit()
PY
}

dashboard_start "$db"
# params NAME: /api/study's params, as JSON text with Python's exact integers
params() {
    python3 - "$url/api/study?name=w" > "$1.json" <<'PY'
import json, sys, urllib.request
d = json.loads(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())
print(json.dumps(d["params"], sort_keys=True))
PY
}
# report_params NAME: the params of knob report's data (the sweep read anew)
report_params() {
    "$KNOB" report w --storage "$db" -o "$1.html" 2> /dev/null
    python3 - "$1.html" > "$1.json" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
m = re.search(r'<script[^>]*id="knob-data"[^>]*>(.*?)</script>', html, re.S)
print(json.dumps(json.loads(m.group(1))["params"], sort_keys=True))
PY
}
shown() { # NAME PARAM: the param's shown axis in NAME.json
    py "[p.get('shown') for p in d if p['name'] == '$2'][0]" < "$1.json"
}

params p1
params p1b
expect_eq "$(cat p1b.json)" "$(cat p1.json)" "the params at the second poll"
report_params r1
expect_eq "$(cat p1.json)" "$(cat r1.json)" "the params as knob report gives them"
python3 - p1.json <<'PY' || fail "the first sweep's axes: $(cat p1.json)"
import json, sys
p = {q["name"]: q for q in json.load(open(sys.argv[1]))}
assert p["opt"]["shown"]["choices"] == ["adam", "sgd", 9007199254740993], p["opt"]
assert p["wd"]["shown"]["high"] == 1, p["wd"]
PY

edit_sweep "values: [adam, sgd, 9007199254740993]" "values: [adam, lamb, 9007199254740992]"
edit_sweep "max: 1}" "max: 10}"
params p2
report_params r2
expect_eq "$(cat p2.json)" "$(cat r2.json)" "the params after the sweep changed, as knob report gives them"
python3 - p2.json <<'PY' || fail "the edited sweep's axes: $(cat p2.json)"
import json, sys
p = {q["name"]: q for q in json.load(open(sys.argv[1]))}
assert p["opt"]["shown"]["choices"] == ["adam", "lamb", 9007199254740992], p["opt"]
assert p["wd"]["shown"]["high"] == 10, p["wd"]
PY
params p2b
expect_eq "$(cat p2b.json)" "$(cat p2.json)" "the params at the next poll"

edit_sweep "values: [adam, lamb, 9007199254740992]" "values: [adam, sgd, 9007199254740993]"
edit_sweep "max: 10}" "max: 1}"
params p3
expect_eq "$(cat p3.json)" "$(cat p1.json)" "the params with the first sweep back"

# a study without a stored sweep, and one whose stored sweep cannot be read, beside it
edit_sweep "min: 0.001, max: 1" "min: 2, max: 1"
params p4
[ "$(shown p4 wd)" = None ] || fail "a sweep that cannot be read gave the axes $(cat p4.json)"
report_params r4
expect_eq "$(cat p4.json)" "$(cat r4.json)" "the params of an unreadable sweep, as knob report gives them"

dashboard_stop
if grep -q "warning:" dash.err; then fail "the polls said the sweep's warnings: $(cat dash.err)"; fi
echo ok
