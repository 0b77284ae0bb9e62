#!/usr/bin/env bash
# Forms W&B's schema refuses: those knob takes run with a warning at their line and column
# that says "(W&B refuses it)" (an int_uniform's bounds written as floats; a number, boolean
# or null where W&B wants a string; a scheduler beside early_terminate or a local
# controller; a scheduler's optimizer without its source); a list or mapping where W&B
# wants a string (project: [a]) is refused, as is `method: custom`, with a pointer to knob's
# `objectives`. Each was taken without a word, or refused naming knob's methods only.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
n=0
warned() { # body expected-warning ("": none checked)
    n=$((n + 1))
    printf '%s\n' "$1" > w$n.yaml
    "$KNOB" ask w$n --sweep w$n.yaml $S > out.txt 2> err.txt || fail "$1: refused: $(cat err.txt)"
    grep -q '"number": 0' out.txt || fail "$1: ask: $(cat out.txt)"
    [ -z "$2" ] || grep -qF "w$n.yaml:$2" err.txt ||
        fail "$1: expected 'w$n.yaml:$2', got: $(cat err.txt)"
}
refused() { # body expected-error
    printf '%s\n' "$1" > bad.yaml
    rc=0
    "$KNOB" ask bad --sweep bad.yaml $S > /dev/null 2> err.txt || rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2: $(cat err.txt)"
    grep -qF "bad.yaml:$2" err.txt || fail "$1: expected 'bad.yaml:$2', got: $(cat err.txt)"
}
params='parameters: {a: {values: [1, 2]}}'

# int_uniform takes whole bounds written as floats; W&B's takes integers only
warned "method: random
parameters:
  a: {distribution: int_uniform, min: 0.0, max: 1.0}" \
    "3:39: warning: key 'parameters.a.min': 0.0 is written as a float, read as the integer 0 (W&B refuses it; write 0)"
grep -qF "w$n.yaml:3:49: warning: key 'parameters.a.max': 1.0 is written" err.txt ||
    fail "int_uniform max: $(cat err.txt)"
warned "method: random
parameters:
  a: {distribution: int_uniform, min: 0, max: 4}
  b: {min: 0, max: 4}" "" # no warning for integers
[ ! -s err.txt ] || fail "int_uniform written as integers: $(cat err.txt)"

# A number, boolean or null where W&B wants a string: taken as its text, and said
for kv in "description: 5|2:14" "project: 5|2:10" "entity: true|2:9" "apiVersion: 3|2:13" \
    "name: 123|2:7" "program: 123|2:10"; do
    key=${kv%%:*}
    warned "method: random
${kv%|*}
$params" "${kv#*|}: warning: key '$key': "
    grep -qF "(W&B refuses it: a string is expected" err.txt || fail "$kv: $(cat err.txt)"
done
warned "method: random
metric: {name: 5}
$params" "2:16: warning: key 'metric.name': 5 is a number to YAML, taken as the text \"5\" (W&B refuses it"
warned "method: random
description: \"5\"
name: None
$params" "" # strings, as PyYAML reads them
[ ! -s err.txt ] || fail "strings: $(cat err.txt)"

# A list or mapping where W&B wants a string is a mistake: refused at its line
refused "method: random
project: [a]
$params" "2:10: key 'project': expected a string, got a list"
refused "method: random
entity: {team: a}
$params" "2:9: key 'entity': expected a string, got a mapping"
refused "method: random
description: [a, b]
$params" "2:14: key 'description': expected a string, got a list"
refused "method: random
name: [a]
$params" "2:7: key 'name': expected a string, got a list"
refused "method: random
metric: {name: [a]}
$params" "2:16: key 'metric.name': expected a string, got a list"

# W&B's method custom (its schedulers' search, and `metrics`) points at knob's objectives
refused "method: custom
metrics: [{name: a, goal: minimize}, {name: b, goal: maximize}]
$params" "1:9: key 'method': custom is W&B's method for the search of a scheduler"
grep -qF "write \`objectives\`" err.txt || fail "method custom: $(cat err.txt)"

# A scheduler beside early_terminate or a local controller; its optimizer without source
warned "method: random
metric: {name: loss}
scheduler: {engine: wandb}
early_terminate: {type: hyperband, min_iter: 3}
$params" "4:1: warning: key 'early_terminate': beside 'scheduler', W&B refuses it"
warned "method: random
scheduler: {engine: wandb}
controller: {type: local}
$params" "3:20: warning: key 'controller.type': local beside 'scheduler', W&B refuses it"
warned "method: random
scheduler: {engine: wandb, optimizer: build_study}
$params" "2:28: warning: key 'scheduler.optimizer': ignored, and without 'source'"
warned "method: random
scheduler: {engine: wandb}
controller: {type: cloud}
$params" ""
[ ! -s err.txt ] || fail "scheduler with the cloud controller: $(cat err.txt)"
echo ok
