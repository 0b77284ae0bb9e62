#!/usr/bin/env bash
# A parameter name outside W&B's pattern, [A-Za-z_][A-Za-z0-9_.-]*, is a warning at its line
# (W&B's schema refuses it, its command line warns and runs on), saying what ${args} makes of
# it when that is ambiguous; the sweep still runs. Names in the pattern give no warning.
source "$(dirname "$0")/lib.bash"
cat > n.yaml <<'YAML'
method: random
parameters:
  "a=b": {value: 1}
  "--lr": {value: 1}
  1x: {value: 1}
  ok_name.x-y: {value: 1}
  _z: {parameters: {"q r": {value: 2}, fine: {value: 3}}}
YAML
"$KNOB" ask n --sweep n.yaml --storage memory: > out.txt 2> err.txt || fail "refused: $(cat err.txt)"
want() { grep -qF -- "$1" err.txt || fail "expected '$1' in: $(cat err.txt)"; }
want "n.yaml:3:3: warning: key 'parameters.a=b': W&B takes names of letters, digits, '_', '.' and '-' (from a letter or '_'): \${args} passes --NAME=VALUE, and a parser splits it at the first '='"
want "n.yaml:4:3: warning: key 'parameters.--lr':"
want "n.yaml:5:3: warning: key 'parameters.1x':"
want "n.yaml:7:21: warning: key 'parameters._z.q r':"
[ "$(grep -c warning err.txt)" = 4 ] || fail "warnings: $(cat err.txt)"
expect_eq "$(py 'd["params"]["_z"]' < out.txt)" '{"q r": 2, "fine": 3}' "the nested params"
echo ok
