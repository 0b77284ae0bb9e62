#!/usr/bin/env bash
# ${args_no_boolean_flags}: W&B's macro for argparse's store_true flags. A true boolean is
# "--name" alone, a false one no argument; every other value is "--name=value".
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
command: ["\${env}", python3, "\${program}", "\${args_no_boolean_flags}", "--end"]
method: grid
metric: {name: score, goal: maximize}
parameters:
  amp: {values: [true, false]}
  lr: {value: 0.5}
  name: {value: "true"}
  opt:
    parameters:
      nesterov: {value: true}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study f > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
for n in 0 1; do
    python3 - "$T" "$n" <<'PY' || fail "argv of trial $n is wrong: $(cat $T/knob-runs/f/$n/argv.json)"
import json, sys
T, n = sys.argv[1], sys.argv[2]
a = json.load(open(f"{T}/knob-runs/f/{n}/argv.json"))
amp = json.loads(a["env"]["KNOB_PARAMS_JSON"])["amp"]
want = (["--amp"] if amp else []) + ["--lr=0.5", "--name=true", "--opt.nesterov", "--end"]
assert a["argv"] == want, (a["argv"], want)
PY
done
echo ok
