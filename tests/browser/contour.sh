#!/usr/bin/env bash
# The contour plots of knob report and knob dashboard are on Optuna's grid, as
# knob.visualization.plot_contour's: the objective at the params' distinct values, a numeric
# axis padded by 5% of its range at both ends, a categorical one at the choices' indices,
# the points without a trial filled with the mean of their neighbours, drawn between the
# grid's points by bilinear interpolation. They drew the mean of the trials in each of 24 x 24
# bins over the distributions' bounds, empty bins filled by inverse distance weighting: not
# the picture Python and Optuna show. On an objective linear in the params (x + 10 y) over a
# grid with one point missing (its trial failed), headless Chromium (contour.mjs) reads each
# contour's cells and axes; in node, contour_parts.mjs checks the grid's axis, its fill (kept
# between draws, small grids only) and its raster against the code before them, on random
# grids. Screenshots of failed pages (all: KNOB_SCREENSHOTS=1):
# $KNOB_BUILD/browser-artifacts/contour-*.
source "$KNOB_SRC/tests/integration/lib.bash"
# the grid's parts in node, against the code they replaced (contour_parts.mjs): no browser
# needed, so before lib.bash, which skips the test without one
node "$KNOB_SRC/tests/browser/contour_parts.mjs" "$KNOB_SRC/web" "$T" "$KNOB_BUILD/web" ||
    fail "the contour's grid differs from the code before"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/contour.db"
trial_program <<'PY'
import json, os, sys
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
x = p["x"] if "x" in p else ["lo", "mid", "hi"].index(p["c"])
if x == 1 and p["y"] == 1:
    sys.exit("no value at x = 1, y = 1")
print(json.dumps({"loss": x + 10 * p["y"]}))
PY
sweep num grid <<'YAML'
  x: {distribution: int_uniform, min: 0, max: 4}
  y: {distribution: int_uniform, min: 0, max: 2}
YAML
sweep cat grid <<'YAML'
  c: {values: [lo, mid, hi]}
  y: {distribution: int_uniform, min: 0, max: 2}
YAML
for s in num cat; do
    run_study $s # one trial fails (x = 1, y = 1): knob run says so and exits 0
    report_study $s
    expect_eq "$(py '[t["state"] for t in d].count("fail")' < $s.json)" 1 "$s's failed trials"
done
start_dashboard "$db"
page_test contour.mjs "$artifacts" "$T" "$url" "$web"
echo ok
