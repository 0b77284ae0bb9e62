#!/usr/bin/env bash
# The plots of params a sweep converts (the library holds a normal one as a quantile,
# inv_log_uniform_values as the reciprocal, q_log_uniform_values unrounded, weighted choices as
# a quantile) show the program's values, as knob trials does: in knob report and in knob
# dashboard, headless Chromium (converted.mjs) reads every plot's points and axes.
# Screenshots: $KNOB_BUILD/browser-artifacts/converted-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/conv.db"
cat > prog.py <<'PY'
#!/usr/bin/env python3
import json, math, sys
a = dict(x.split("=", 1) for x in (s[2:] for s in sys.argv[1:]))
loss = ((float(a["x"]) - 50) / 5) ** 2 + math.log10(float(a["y"])) + math.log(float(a["z"])) \
    + 0.001 * float(a["w"]) + float(a["v"]) + (0.5 if a["opt"] == "sgd" else 0.0)
print(json.dumps({"loss": loss}))
PY
chmod +x prog.py
cat > conv.yaml <<YAML
program: $T/prog.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: normal, mu: 50, sigma: 5}
  y: {distribution: inv_log_uniform_values, min: 10, max: 1000}
  z: {distribution: log_normal, mu: 3, sigma: 1}
  w: {distribution: q_log_uniform_values, min: 1, max: 1000, q: 1}
  opt: {values: [adam, sgd], probabilities: [0.3, 0.7]}
  v: {distribution: q_uniform, min: 0.05, max: 1, q: 0.1}
YAML
"$KNOB" run conv.yaml --storage "$db" --study conv --trials 16 --seed 11 > run.log 2> run.err ||
    fail "knob run: $(cat run.err)"
"$KNOB" trials conv --storage "$db" --json > trials.json
grep -q "warning: key 'parameters.v.q'" run.err || fail "knob run did not warn of v's q: $(cat run.err)"
# The page reads the stored sweep's params, quietly: its warnings are knob run's to give.
"$KNOB" report conv --storage "$db" -o conv.html 2> report.err
grep -q warning report.err && fail "knob report: $(cat report.err)"
start_dashboard "$db"
rc=0
node "$KNOB_SRC/tests/browser/converted.mjs" "$artifacts" "$T/conv.html" "$url" "$web" "$T/trials.json" || rc=$?
kill "$pid"
wait "$pid" || fail "the dashboard exited with $? on SIGTERM"
grep -q warning dash.err && fail "knob dashboard: $(cat dash.err)"
[ "$rc" = 0 ] || fail "the browser test failed (screenshots in $artifacts)"
echo ok
