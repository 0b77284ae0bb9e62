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
assert env["KNOB_TRIAL_DIR"] == f"{T}/knob-runs/m/{n}", env   # absolute
PY
done
grep -q "the grid is done" out.txt || fail "grid end not reported"

# the default command, [${env}, ${interpreter}, ${program}, ${args}], and trial_dir
cat > dflt.yaml <<YAML
program: $PROGS/argv.py
metric: {name: score, goal: maximize}
trial_dir: runs
parameters:
  s: {values: ["a b"]}
  n: {value: 3}
  opt:
    parameters:
      lr: {values: [0.125]}
      on: {values: [true]}
YAML
"$KNOB" run dflt.yaml --storage "sqlite:///$T/s.db" --study d --trials 1 > /dev/null
python3 - "$T" <<'PY' || fail "default command: $(cat $T/runs/d/0/argv.json)"
import json, sys
a = json.load(open(sys.argv[1] + "/runs/d/0/argv.json"))
assert a["argv"] == ["--s=a b", "--n=3", "--opt.lr=0.125", "--opt.on=true"], a["argv"]
assert json.loads(a["env"]["KNOB_PARAMS_JSON"]) == {"s": "a b", "n": 3, "opt": {"lr": 0.125, "on": True}}
PY
echo ok
