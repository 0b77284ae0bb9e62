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
  lr.decay: {value: 0.1}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study m > out.txt || fail "run failed: $(cat out.txt)"
[ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ] || fail "a param value was run by a shell"
for n in 0 1; do
    python3 - "$T" "$n" <<'PY' || fail "argv of trial $n is wrong: $(cat $T/knob-runs/m/$n/argv.json)"
import json, sys
T, n = sys.argv[1], sys.argv[2]
a = json.load(open(f"{T}/knob-runs/m/{n}/argv.json"))
argv, env = a["argv"], a["env"]
def flat(text):  # a dotted name is one flat key: no key twice, lr.decay not nested in lr
    def pairs(kv):
        assert len(kv) == len(dict(kv)), kv
        return dict(kv)
    return json.loads(text, object_pairs_hook=pairs)
params = flat(env["KNOB_PARAMS_JSON"])
evil = params["evil"]
assert evil in (f"a; touch {T}/pwned", f"$(touch {T}/pwned2)"), params
assert params == {"evil": evil, "lr": 0.5, "lr.decay": 0.1}, params
assert argv[0:3] == [f"--evil={evil}", "--lr=0.5", "--lr.decay=0.1"], argv
assert argv[3:7] == ["--", f"evil={evil}", "lr=0.5", "lr.decay=0.1"], argv
assert flat(argv[7][len("json="):]) == params, argv
assert flat(open(argv[8]).read()) == params and argv[8].startswith(env["KNOB_TRIAL_DIR"]), argv
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
  opt.momentum: {values: [0.9]}
YAML
"$KNOB" run dflt.yaml --storage "sqlite:///$T/s.db" --study d --trials 1 > /dev/null
python3 - "$T" <<'PY' || fail "default command: $(cat $T/runs/d/0/argv.json)"
import json, sys
a = json.load(open(sys.argv[1] + "/runs/d/0/argv.json"))
assert a["argv"] == ["--s=a b", "--n=3", "--opt.lr=0.125", "--opt.on=true", "--opt.momentum=0.9"], a["argv"]
assert json.loads(a["env"]["KNOB_PARAMS_JSON"]) == {"s": "a b", "n": 3, "opt": {"lr": 0.125, "on": True},
                                                    "opt.momentum": 0.9}
PY
echo ok
