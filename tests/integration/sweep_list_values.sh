#!/usr/bin/env bash
# Lists as values, as W&B takes them (layer widths): `values` of lists and a `value` that is
# a list reach the program as JSON arrays in ${args_json} and KNOB_PARAMS_JSON and as their
# JSON text in ${args}; a quoted "[1]" stays a string; `when` compares them. Mappings:
# sweep_mapping_values.sh.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: grid
parameters:
  layers: {values: [[64, 64], [128, 128, 128], "[1]"]}
  arch: {value: [300, relu]}
YAML
"$KNOB" run sweep.yaml $S --study l > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "list values: $(cat $T/knob-runs/l/*/argv.json)"
import glob, json, sys
seen = []
for f in sorted(glob.glob(sys.argv[1] + "/knob-runs/l/*/argv.json")):
    a = json.load(open(f))
    p = json.loads(a["env"]["KNOB_PARAMS_JSON"])
    assert p["arch"] == [300, "relu"], p
    text = p["layers"] if isinstance(p["layers"], str) else json.dumps(p["layers"], separators=(",", ":"))
    assert a["argv"] == ["--layers=" + text, '--arch=[300,"relu"]'], a["argv"]
    seen.append(p["layers"])
assert sorted(map(json.dumps, seen)) == sorted(map(json.dumps, [[64, 64], [128, 128, 128], "[1]"])), seen
PY
"$KNOB" trials l $S --format json > t.json
expect_eq "$(py 'sorted(json.dumps(t["params"]["layers"]) for t in d)' < t.json)" \
    '["\"[1]\"", "[128, 128, 128]", "[64, 64]"]' "recorded params"

# a list-valued parent: `when` names its list values in a list
printf 'program: %s\nmethod: grid\nparameters:\n  layers: {values: [[64, 64], [1]]}\n  d: {values: [1], when: {layers: [[64, 64]]}}\n' \
    "$PROGS/argv.py" > cond.yaml
"$KNOB" run cond.yaml $S --study c > out.txt 2>&1 || fail "conditional run failed: $(cat out.txt)"
"$KNOB" trials c $S --format json > c.json
expect_eq "$(py 'sorted(json.dumps(t["params"], sort_keys=True) for t in d)' < c.json)" \
    '["{\"d\": 1, \"layers\": [64, 64]}", "{\"layers\": [1]}"]' "a list-valued parent"

echo ok
