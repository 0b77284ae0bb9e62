#!/usr/bin/env bash
# The plots of params a sweep converts (the library holds a normal one as a quantile,
# inv_log_uniform_values as the reciprocal, q_log_uniform_values unrounded, weighted choices as
# a quantile) show the program's values, as knob trials does: in knob report and in knob
# dashboard, headless Chromium (converted.mjs) reads every plot's points and axes.
# Screenshots of failed pages (all: KNOB_SCREENSHOTS=1): $KNOB_BUILD/browser-artifacts/converted-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/conv.db"
trial_program <<'PY'
import json, math, sys
a = dict(x.split("=", 1) for x in (s[2:] for s in sys.argv[1:]))
loss = ((float(a["x"]) - 50) / 5) ** 2 + math.log10(float(a["y"])) + math.log(float(a["z"])) \
    + 0.001 * float(a["w"]) + float(a["v"]) + (0.5 if a["opt"] == "sgd" else 0.0)
print(json.dumps({"loss": loss}))
PY
sweep conv random <<'YAML'
  x: {distribution: normal, mu: 50, sigma: 5}
  y: {distribution: inv_log_uniform_values, min: 10, max: 1000}
  z: {distribution: log_normal, mu: 3, sigma: 1}
  w: {distribution: q_log_uniform_values, min: 1, max: 1000, q: 1}
  opt: {values: [adam, sgd], probabilities: [0.3, 0.7]}
  v: {distribution: q_uniform, min: 0.05, max: 1, q: 0.1}
YAML
run_study conv --trials 16 --seed 11
grep -q "warning: key 'parameters.v.q'" run.err || fail "knob run did not warn of v's q: $(cat run.err)"
# The page reads the stored sweep's params, quietly: its warnings are knob run's to give.
report_study conv
grep -q warning conv.report.err && fail "knob report: $(cat conv.report.err)"
start_dashboard "$db"
page_test converted.mjs "$artifacts" "$T/conv.html" "$url" "$web" "$T/conv.json"
grep -q warning dash.err && fail "knob dashboard: $(cat dash.err)"
echo ok
