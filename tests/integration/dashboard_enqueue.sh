#!/usr/bin/env bash
# knob dashboard's POST /api/enqueue takes the values the program should get, as knob
# enqueue does: the sweep stored with the study converts them to the form the library holds
# (a weighted choice and a normal param as quantiles, inv_log_uniform_values as the
# reciprocal) and it answers with the stored trial's number and values; values outside the
# space are refused with 400 naming the param; the study's listing (/api/study, knob trials)
# shows the enqueued trial's params as given, then the program's values once it ran.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  opt: {values: [adam, sgd]}
  layers: {min: 1, max: 4}
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  p: {values: [red, green, blue], probabilities: [0.2, 0.5, 0.3]}
  n: {distribution: normal, mu: 5, sigma: 2}
  momentum: {values: [0.9, 0.99], when: {opt: sgd}}
  net:
    parameters:
      width: {values: [16, 32]}
YAML
"$KNOB" run s.yaml --storage "$db" --study e --trials 1 --seed 3 > run.txt

dashboard_start "$db" --allow-write
n_trials() { "$KNOB" trials e --storage "$db" --format json | py 'len(d)'; }

# The given values (a number as text too, as a form sends it), listed as given; the answer
# is the record knob enqueue prints: the trial's number and its values as stored, typed.
given='{"opt": "sgd", "layers": "3", "lr": 0.01, "inv": 0.04, "p": "blue", "n": 6.5, "momentum": 0.99, "net": {"width": 32}}'
expect_eq "$(dashboard_request "/api/enqueue?name=e" "{\"params\": $given}")" \
    '200 {"ok":true,"trial":1,"params":{"opt":"sgd","layers":3,"lr":0.01,"inv":0.04,"p":"blue","n":6.5,"momentum":0.99,"net":{"width":32}}}' \
    "enqueue"
want='{"opt": "sgd", "layers": 3, "lr": 0.01, "inv": 0.04, "p": "blue", "n": 6.5, "momentum": 0.99, "net.width": 32}'
dashboard_json "/api/study?name=e&since=0" > listing.json
python3 - listing.json "$want" <<'PY' || fail "the listing of the enqueued trial"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["trials"]
assert t["s"] == "cw", t["s"]
assert t["g"]["1"] == json.loads(sys.argv[2]), t["g"]
assert all(col[1] is None for col in t["p"]), t["p"]  # no library params until it is asked
PY
"$KNOB" trials e --storage "$db" --format json > t.json
expect_eq "$(py 'd[1]["params"]' < t.json)" \
    '{"opt": "sgd", "layers": 3, "lr": 0.01, "inv": 0.04, "p": "blue", "n": 6.5, "momentum": 0.99, "net": {"width": 32}}' \
    "knob trials of the enqueued trial"

# Values outside the space: 400 naming the param, and nothing enqueued.
refuse() { # body expected-error-part
    local out
    out=$(dashboard_request "/api/enqueue?name=e" "$1")
    case "$out" in
    "400 "*"$2"*) ;;
    *) fail "enqueue $1: expected 400 with \"$2\", got $out" ;;
    esac
}
refuse '{"params": {"nope": 1}}' "'nope' is not a parameter of the sweep"
refuse '{"params": {"opt": "rmsprop"}}' "'opt' cannot be rmsprop: the sweep's 'opt' is one of [adam, sgd]"
refuse '{"params": {"layers": 9}}' "'layers' cannot be 9: the sweep's 'layers' is a whole number in [1, 4]"
refuse '{"params": {"layers": 2.5}}' "'layers' cannot be 2.5"
refuse '{"params": {"lr": 5}}' "'lr' cannot be 5: the sweep's 'lr' is a number in [0.0001, 0.1]"
refuse '{"params": {"inv": 2}}' "'inv' cannot be 2: the sweep's 'inv' is a number in [0.01, 1]"
refuse '{"params": {"inv": -1}}' "'inv' needs a value > 0"
refuse '{"params": {"p": "purple"}}' "'purple' is not one of the values of 'p'"
refuse '{"params": {"n": "x"}}' "'n' needs a number"
refuse '{"params": {"n": 1e300}}' "'n' cannot be 1e300"
refuse '{"params": {"opt": "adam", "momentum": 0.9}}' "'momentum' is not active with these values"
refuse '{"params": {"momentum": 0.9}}' "'momentum' is active only for some values of 'opt': give 'opt' too"
refuse '{"params": {"net": {"width": 20}}}' "'net.width' cannot be 20"
refuse '{"params": {"score": 2}}' "'score' cannot be 2: the sweep's 'score' is the constant 1"
expect_eq "$(n_trials)" 2 "trials after the refused ones"

# The program gets the given values (the library held their converted forms); the listing
# shows them, the page's params (p) being the library's.
"$KNOB" run s.yaml --storage "$db" --study e --trials 1 > run2.txt
python3 - "$T" <<'PY' || fail "the program's params: $(cat "$T/knob-runs/e/1/params.json")"
import json, sys
got = json.load(open(sys.argv[1] + "/knob-runs/e/1/params.json"))
want = {"score": 1, "opt": "sgd", "layers": 3, "lr": 0.01, "inv": 0.04, "p": "blue", "n": 6.5, "momentum": 0.99, "net": {"width": 32}}
for k, v in want.items():
    if isinstance(v, float):
        assert abs(got[k] - v) <= 1e-9 * abs(v), (k, got[k], v)
    else:
        assert got[k] == v, (k, got[k], v)
PY
dashboard_json "/api/study?name=e&since=0" > listing2.json
python3 - listing2.json <<'PY' || fail "the listing of the trial that ran"
import json, sys
d = json.load(open(sys.argv[1]))
t, names = d["trials"], [p["name"] for p in d["params"]]
assert t["s"] == "cc", t["s"]
g = t["g"]["1"]
assert abs(g["inv"] - 0.04) < 1e-12 and g["p"] == "blue" and abs(g["n"] - 6.5) < 1e-9, g
assert abs(t["p"][names.index("inv")][1] - 25) < 1e-9, t["p"]  # the library's: 1 / 0.04
PY
# A study without a sweep (its sweep removed, as a study of the C API or Python has none)
# stores the numbers as they read back, as knob enqueue does: 3, not the 3.0 given
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
"$KNOB" ask bare --sweep s.yaml --storage "$db" > /dev/null
sqlite3 "$T/d.db" "DELETE FROM study_attrs WHERE key = 'sweep' AND study = (SELECT id FROM studies WHERE name = 'bare')"
expect_eq "$(dashboard_request "/api/enqueue?name=bare" '{"params": {"k": 3.0, "x": 0.250, "y": 1e300}}')" \
    '200 {"ok":true,"trial":1,"params":{"k":3,"x":0.25,"y":1e+300}}' "enqueue without a sweep"
expect_eq "$("$KNOB" trials bare --storage "$db" --format json | py 'd[1]["params"]')" \
    '{"k": 3, "x": 0.25, "y": 1e+300}' "stored without a sweep"
dashboard_stop
# no trial of the study has k, x or y: said as a warning (a define-by-run space may have them
# later), and nothing else is said
grep -q "warning: study 'bare' has no sweep stored, and no trial of it has 'k', 'x', 'y'" dash.err ||
    fail "no warning of the params the study's trials lack: $(cat dash.err)"
[ "$(grep -vc "warning: study 'bare' has no sweep stored" dash.err)" = 0 ] ||
    fail "the dashboard wrote to stderr: $(cat dash.err)"

# A sweep without converted params: the listing repeats nothing of p.
cat > plain.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {min: 0.0, max: 1.0}
  k: {values: [a, b]}
YAML
"$KNOB" run plain.yaml --storage "$db" --study plain --trials 2 > run3.txt
"$KNOB" report plain --storage "$db" -o - 2> /dev/null | report_data > plain.json
expect_eq "$(py 'd["trials"]["g"]' < plain.json)" '{}' "no shown params where p says it all"
echo ok
