#!/usr/bin/env bash
# Mappings as values, as W&B takes them (a model's settings chosen together): `values` of
# mappings and a `value` that is a mapping reach the program as JSON objects in ${args_json}
# and KNOB_PARAMS_JSON and as their JSON text in ${args}; a child names them in a list in
# `when`; knob enqueue takes the JSON text. They were refused ("each value must be a scalar
# or a list, got a mapping").
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: grid
parameters:
  model:
    values:
      - {name: resnet, depth: 18}
      - &vit {name: vit, depth: 12, patch: [16, 16]}
  extra: {value: {dropout: 0.1}}
  lr: {values: [0.5], when: {model: [*vit]}}
YAML
"$KNOB" run sweep.yaml $S --study m > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "mapping values: $(cat $T/knob-runs/m/*/argv.json)"
import glob, json, sys
seen = []
for f in sorted(glob.glob(sys.argv[1] + "/knob-runs/m/*/argv.json")):
    a = json.load(open(f))
    p = json.loads(a["env"]["KNOB_PARAMS_JSON"])
    assert p["extra"] == {"dropout": 0.1}, p
    text = json.dumps(p["model"], separators=(",", ":"))
    want = ["--model=" + text, '--extra={"dropout":0.1}']
    if p["model"]["name"] == "vit":
        want.append("--lr=0.5")
    else:
        assert "lr" not in p, p
    assert a["argv"] == want, a["argv"]
    seen.append(p["model"]["name"])
assert sorted(seen) == ["resnet", "vit"], seen
PY
"$KNOB" enqueue m 'model={"name":"resnet","depth":18}' $S > /dev/null 2> err.txt ||
    fail "enqueue: $(cat err.txt)"
"$KNOB" trials m $S --format json > t.json
expect_eq "$(py 'json.dumps(d[-1]["params"], sort_keys=True)' < t.json)" \
    '{"model": {"depth": 18, "name": "resnet"}}' "the enqueued trial"
echo ok
