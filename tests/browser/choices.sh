#!/usr/bin/env bash
# Categorical choices the plots once dropped, split or merged: the choice null (a grid's plain
# values, and weighted values, which the library holds as a quantile) is a value of its own,
# drawn in its own column, apart from trials without the param (a conditional one); an
# integer beyond 2^53 among weighted values is one choice with the trials' values, not a
# second column; the empty string and null, the string "5" and the number 5, and two
# integers beyond 2^53 that a double cannot tell apart (9007199254740993 and
# 9007199254740992, plain and weighted values) are each a column of its own, labelled so
# that a user tells them apart, and the trials table and the tooltips label them as the plots
# do (the empty string and the string '""', `""` and `"" #2`). In knob report and knob
# dashboard, headless Chromium (choices.mjs) reads the slices, contours and parallel
# coordinates; in node (no browser needed, so before lib.bash's check for one),
# choices_parts.mjs checks that a sweep's repeated values (["x", "x", "y"]) and 0 beside -0
# are labelled apart ("x", "x #2"; "0", "-0"), a column each. Screenshots of the pages that
# failed (of all with KNOB_SCREENSHOTS=1):
# $KNOB_BUILD/browser-artifacts/choices-*.
source "$KNOB_SRC/tests/integration/lib.bash"
node "$KNOB_SRC/tests/browser/choices_parts.mjs" "$KNOB_SRC/web" "$T" "$KNOB_BUILD/web" ||
    fail "repeated choices, or 0 and -0, share a label"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/choices.db"
trial_program <<'PY'
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
md = p.get("max_depth", 1)
loss = (0.5 if md is None else md / 100) + p.get("lr", 0) + (0.25 if p.get("seed") == 3 else 0)
loss += 0.01 * len(json.dumps([p.get("a"), p.get("b")]))
print(json.dumps({"loss": loss}))
PY
sweep plain grid <<'YAML'
  max_depth: {values: [null, 5, 10]}
  lr: {values: [0.1, 0.2]}
YAML
sweep weighted random <<'YAML'
  max_depth: {values: [null, 5, 10], probabilities: [0.4, 0.3, 0.3]}
  seed: {values: [12345678901234567890, 3, 9], probabilities: [0.4, 0.3, 0.3]}
YAML
sweep cond random <<'YAML'
  lr: {values: [0.1, 0.2]}
  max_depth: {values: [null, 5], when: {lr: 0.2}}
YAML
sweep kinds grid <<'YAML'
  a: {values: ["", null, "5", 5, "x"]}
  b: {values: [9007199254740993, 9007199254740992]}
YAML
sweep wkinds random <<'YAML'
  a: {values: ["", null, "5", 5], probabilities: [0.25, 0.25, 0.25, 0.25]}
  b: {values: [9007199254740993, 9007199254740992], probabilities: [0.5, 0.5]}
YAML
sweep same grid <<'YAML'
  a: {values: ["", '""']}
  b: {values: [1, 2, 3]}
YAML
run_study same
run_study kinds
run_study wkinds --trials 24 --seed 5
run_study plain
run_study weighted --trials 16 --seed 7
run_study cond --trials 12 --seed 3
# NAME.labels.json: each complete trial's params as the plots must label them, from knob
# trials' JSON read exactly (Python's integers): null as null; a string in quotes where it
# would read as another value without them (empty, blank at an end, a number, null, true,
# false); numbers as knob trials prints them. Of two values that would share a label, the
# one later in the sweep's values (ORDER, a JSON object of each such param's values) is
# numbered: same's empty string `""`, its string '""' `"" #2`.
labels() {
    python3 -c '
import json, re, sys
other = re.compile(r"(-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?|null|true|false)?")
def label(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v) if other.fullmatch(v) or v.strip() != v else v
    return json.dumps(v)
def numbered(values):
    out, seen = [], set()
    for v in values:
        l = label(v)
        out.append((v, l + " #2" if l in seen else l))
        seen.add(l)
    return out
order = {k: numbered(vs) for k, vs in json.loads(sys.argv[1]).items()}
def text(name, v):
    return next((l for c, l in order.get(name, []) if type(c) is type(v) and c == v), label(v))
print(json.dumps({t["number"]: {k: text(k, v) for k, v in t["params"].items()}
                  for t in json.load(sys.stdin) if t["state"] == "complete"}))' "$1"
}
for s in plain weighted cond kinds wkinds same; do
    report_study "$s"
    order='{}'
    [ "$s" = same ] && order='{"a": ["", "\"\""]}'
    labels "$order" < "$s.json" > "$s.labels.json"
done
expect_eq "$(py 'len([t for t in d if t["state"] == "complete"])' < plain.json)" 6 "plain's complete trials"
start_dashboard "$db"
page_test choices.mjs "$artifacts" "$T" "$url" "$web"
echo ok
