#!/usr/bin/env bash
# Categorical choices the plots once dropped or split: the choice null (a grid's plain values,
# and weighted values, which the library holds as a quantile) is a value of its own, drawn in
# its own column, apart from trials without the param (a conditional one); an integer beyond 2^53 among weighted
# values is one choice with the trials' values, not a second column. In knob report and knob
# dashboard, headless Chromium (choices.mjs) reads the slices, contours and parallel
# coordinates. Screenshots: $KNOB_BUILD/browser-artifacts/choices-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/choices.db"
cat > prog.py <<'PY'
#!/usr/bin/env python3
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
md = p.get("max_depth", 1)
loss = (0.5 if md is None else md / 100) + p.get("lr", 0) + (0.25 if p.get("seed") == 3 else 0)
print(json.dumps({"loss": loss}))
PY
chmod +x prog.py
cat > plain.yaml <<YAML
program: $T/prog.py
metric: {name: loss, goal: minimize}
method: grid
parameters:
  max_depth: {values: [null, 5, 10]}
  lr: {values: [0.1, 0.2]}
YAML
cat > weighted.yaml <<YAML
program: $T/prog.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  max_depth: {values: [null, 5, 10], probabilities: [0.4, 0.3, 0.3]}
  seed: {values: [12345678901234567890, 3], probabilities: [0.5, 0.5]}
YAML
cat > cond.yaml <<YAML
program: $T/prog.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {values: [0.1, 0.2]}
  max_depth: {values: [null, 5], when: {lr: 0.2}}
YAML
"$KNOB" run plain.yaml --storage "$db" --study plain > run.log 2> run.err ||
    fail "knob run plain: $(cat run.err)"
"$KNOB" run weighted.yaml --storage "$db" --study weighted --trials 16 --seed 7 > run.log 2> run.err ||
    fail "knob run weighted: $(cat run.err)"
"$KNOB" run cond.yaml --storage "$db" --study cond --trials 12 --seed 3 > run.log 2> run.err ||
    fail "knob run cond: $(cat run.err)"
for s in plain weighted cond; do
    "$KNOB" trials "$s" --storage "$db" --json > "$s.json"
    "$KNOB" report "$s" --storage "$db" -o "$s.html"
done
expect_eq "$(py 'len([t for t in d if t["state"] == "complete"])' < plain.json)" 6 "plain's complete trials"
start_dashboard "$db"
rc=0
node "$KNOB_SRC/tests/browser/choices.mjs" "$artifacts" "$T" "$url" "$web" || rc=$?
kill "$pid"
wait "$pid" || fail "the dashboard exited with $? on SIGTERM"
[ "$rc" = 0 ] || fail "the browser test failed (screenshots in $artifacts)"
echo ok
