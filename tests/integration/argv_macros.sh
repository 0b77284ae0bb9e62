#!/usr/bin/env bash
# The command template's macros, the environment, and argv safety.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
command:
  - \${env}
  - python3
  - \${program}
  - \${args}
  - "--"
  - \${args_no_hyphens}
  - json=\${args_json}
  - \${args_json_file}
method: grid
metric: {name: score, goal: maximize}
parameters:
  evil: {values: ["a; touch $T/pwned", "\$(touch $T/pwned2)"]}
  lr: {value: 0.5}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study m > out.txt || fail "run failed: $(cat out.txt)"
[ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ] || fail "a param value was run by a shell"
for n in 0 1; do
    python3 - "$T" "$n" <<'PY' || fail "argv of trial $n is wrong: $(cat $T/knob-runs/m/$n/argv.json)"
import json, sys
T, n = sys.argv[1], sys.argv[2]
a = json.load(open(f"{T}/knob-runs/m/{n}/argv.json"))
argv, env = a["argv"], a["env"]
params = json.loads(env["KNOB_PARAMS_JSON"])
evil = params["evil"]
assert evil in (f"a; touch {T}/pwned", f"$(touch {T}/pwned2)"), params
assert argv[0] == f"--evil={evil}" and argv[1] == "--lr=0.5", argv
assert argv[2] == "--" and argv[3] == f"evil={evil}" and argv[4] == "lr=0.5", argv
assert json.loads(argv[5][len("json="):]) == params, argv
assert json.load(open(argv[6])) == params and argv[6].startswith(env["KNOB_TRIAL_DIR"]), argv
assert env["KNOB_TRIAL_NUMBER"] == n and env["KNOB_STUDY"] == "m", env
assert env["KNOB_TRIAL_DIR"].endswith(f"knob-runs/m/{n}"), env
PY
done
grep -q "the grid is done" out.txt || fail "grid end not reported"
echo ok
