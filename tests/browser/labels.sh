#!/usr/bin/env bash
# What the axes, captions, menus and table of knob report and knob dashboard say
# (labels.mjs): every objective axis has ticks that say its values in the page's numbers
# (values of 1e-20 and 1e-300 had none, smaller than 1e-10 read as long runs of zeros), log
# axes of params below 1e-20 say their values (they read 0.00000000000000000000), the
# contours' log axes tick at round values (they ticked at half decades, 15.8489), axes of
# trial numbers tick at whole numbers; the objectives' names (Python's set_metric_names, a
# sweep's objectives) name the axes, captions, the menu and the table, and one holding
# markup stays text; the importance's note of the params fanova left out (a conditional
# space: the plot showed model alone, as though the others did not matter), and its panel
# where every param is left out (there was none, so the note had no place); the table's
# filter on odd words; the dashboard's words for a request
# the server refused. Screenshots of failed pages (all: KNOB_SCREENSHOTS=1):
# $KNOB_BUILD/browser-artifacts/labels-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
: "${KNOB_LIBRARY:?KNOB_LIBRARY must name the libknob.so of this build}"
db="sqlite:///$T/labels.db"
python3 "$KNOB_SRC/tests/browser/labels_fixtures.py" "$db" > fixtures.out 2> fixtures.err ||
    fail "the fixtures: $(cat fixtures.err)"
# a sweep of two objectives, named by its objectives key
trial_program <<'PY'
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print(json.dumps({"latency": p["x"], "accuracy": 1 - p["x"] * p["x"]}))
PY
cat > swept.yaml <<YAML
program: $T/prog.py
method: random
objectives: [{name: latency, goal: minimize}, {name: accuracy, goal: maximize}]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
run_study swept --trials 6
for name in tiny e10 e20 e300 near1 steps few named twin swept cond cond0; do
    "$KNOB" report $name --storage "$db" -o $name.html 2> report.err ||
        fail "knob report $name: $(cat report.err)"
done
start_dashboard "$db"
page_test labels.mjs "$artifacts" "$T" "$url" "$web"
echo ok
