#!/usr/bin/env bash
# The command's macros: a whole element that names no macro is refused at its line and
# column (a typo would reach the program as written), a list macro must stand alone, and
# ${env} and ${interpreter} work within an element as the other single macros do. An
# unknown ${name} within a longer element is left for a shell the command may run.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > head.yaml <<YAML
program: $PROGS/argv.py
method: random
parameters:
  lr: {value: 0.5}
command:
  - /usr/bin/env
  - python3
  - \${program}
YAML
check() { # element expected-message
    { cat head.yaml; printf '  - "%s"\n' "$1"; } > bad.yaml
    rc=0
    "$KNOB" run bad.yaml $S --study bad --trials 1 > /dev/null 2> bad.err || rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2: $(cat bad.err)"
    grep -qF "$2" bad.err || fail "$1: expected '$2', got: $(cat bad.err)"
}
check '${args_no_boolean_flag}' \
    "bad.yaml:9:5: key 'command[3]': unknown macro '\${args_no_boolean_flag}'; did you mean '\${args_no_boolean_flags}'?"
check '${HOME}' "bad.yaml:9:5: key 'command[3]': unknown macro '\${HOME}' (macros: \${env},"
check '--flags=${args}' \
    "bad.yaml:9:5: key 'command[3]': \${args} is one argument per parameter, so it stands alone as an element"
[ ! -e knob-runs/bad ] || fail "a refused sweep ran a trial"

{ cat head.yaml; printf '  - "%s"\n' '--python=${interpreter}' '--env=${env}' 'echo ${HOME} ${args_json}'; } > ok.yaml
sed -i "s|^program: .*|program: $PROGS/argv.py|" ok.yaml
"$KNOB" run ok.yaml $S --study ok --trials 1 > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "argv: $(cat $T/knob-runs/ok/0/argv.json)"
import json, sys
a = json.load(open(sys.argv[1] + "/knob-runs/ok/0/argv.json"))
assert a["argv"] == ["--python=python3", "--env=/usr/bin/env", 'echo ${HOME} {"lr":0.5}'], a["argv"]
PY

# W&B's ${envvar:NAME}: the variable's value, whole or within an element (it was refused
# whole, and passed on as written within one); an unset one stops the run before any trial
{ cat head.yaml; printf '  - "%s"\n' '${envvar:KNOB_TEST_DIR}' '--data=${envvar:KNOB_TEST_DIR}/x'; } > env.yaml
sed -i "s|^program: .*|program: $PROGS/argv.py|" env.yaml
KNOB_TEST_DIR=/data/set "$KNOB" run env.yaml $S --study env --trials 1 > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "argv: $(cat $T/knob-runs/env/0/argv.json)"
import json, sys
a = json.load(open(sys.argv[1] + "/knob-runs/env/0/argv.json"))
assert a["argv"] == ["/data/set", "--data=/data/set/x"], a["argv"]
PY
rc=0
env -u KNOB_TEST_DIR "$KNOB" run env.yaml $S --study env2 --trials 1 > /dev/null 2> env.err || rc=$?
[ $rc = 2 ] || fail "unset variable: exit $rc, not 2: $(cat env.err)"
# at the element, as the command's other errors are (it was "knob run: env.yaml: the
# command's ${envvar:...}", without line, column or key)
grep -qF "env.yaml:9:5: key 'command[3]': \${envvar:KNOB_TEST_DIR} names an environment variable that is not set" env.err ||
    fail "unset variable: $(cat env.err)"
[ ! -e knob-runs/env2 ] || fail "a run with an unset variable ran a trial"
check '${envvar:2x}' "bad.yaml:9:5: key 'command[3]': \${envvar:2x}: expected \${envvar:NAME}"
echo ok
