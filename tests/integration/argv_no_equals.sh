#!/usr/bin/env bash
# ${args_no_equals}, the W&B agent's macro for programs that take "--name value": two
# arguments per parameter, the value whole (a string with spaces or an empty one included).
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
command: ["\${env}", python3, "\${program}", "\${args_no_equals}", "--end"]
method: grid
parameters:
  lr: {value: 0.5}
  s: {value: "a b"}
  e: {value: ""}
  flag: {value: true}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study n > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "argv: $(cat $T/knob-runs/n/0/argv.json)"
import json, sys
a = json.load(open(sys.argv[1] + "/knob-runs/n/0/argv.json"))
assert a["argv"] == ["--lr", "0.5", "--s", "a b", "--e", "", "--flag", "true", "--end"], a["argv"]
PY
echo ok
