#!/usr/bin/env bash
# Names as W&B means them: a dotted name is one flat name, only nested `parameters` nest;
# names and strings kept whole or refused with the reason; no key given twice.
source "$(dirname "$0")/lib.bash"
n=0
refused() { # file expected-text...: exit status 2, the message, no study created
    local f=$1 status
    shift
    n=$((n + 1))
    set +e
    timeout 10 "$KNOB" run "$f" --storage "sqlite:///$T/r$n.db" > out.txt 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "$f: exit status ($(head -c 300 err.txt))"
    for want in "$@"; do
        grep -qF -- "$want" err.txt || fail "$f: expected '$want' in: $(head -c 400 err.txt)"
    done
    [ ! -e "$T/r$n.db" ] || fail "$f: a storage was opened"
}
# A JSON object with no key twice, at any depth: prints it as Python sees it.
strict_json='
import json, sys
def pairs(kv):
    keys = [k for k, _ in kv]
    assert len(keys) == len(set(keys)), "a key twice: %s" % keys
    return dict(kv)
print(json.dumps(json.loads(sys.stdin.read(), object_pairs_hook=pairs), sort_keys=True))'
head='program: x
method: random
metric: {name: loss}'

# 6. Hydra-style dotted names beside a param named like their first part, and nesting
cat > dots.yaml <<YAML
$head
parameters:
  optimizer: {values: [adam]}
  optimizer.config.learning_rate: {values: [0.01]}
  model:
    parameters:
      depth: {values: [3]}
      head.width: {values: [64]}
      block:
        parameters:
          kind: {values: [res]}
YAML
"$KNOB" ask s --sweep dots.yaml --storage "sqlite:///$T/a.db" > ask.json || fail "ask refused dots.yaml"
got=$(python3 -c "$strict_json" < ask.json) || fail "knob ask printed a key twice: $(cat ask.json)"
expect_eq "$got" '{"number": 0, "params": {"model": {"block": {"kind": "res"}, "depth": 3, "head.width": 64}, "optimizer": "adam", "optimizer.config.learning_rate": 0.01}}' "knob ask"
# a dotted name and a nested one of the same library name
cat > clash.yaml <<YAML
$head
parameters:
  a.b: {min: 0, max: 1}
  a:
    parameters:
      b: {min: 0, max: 1}
YAML
refused clash.yaml "clash.yaml:8:10: key 'parameters.a.b': defined twice (first at line 5, column 8)"

# 12. names and strings that cannot be kept
long() { python3 -c "print('$1' * $2, end='')"; }
printf '%s\nparameters:\n  %s: {min: 0, max: 1}\n  %s: {min: 0, max: 1}\n' "$head" \
    "$(long x 600)a" "$(long x 600)b" > longname.yaml
refused longname.yaml "longname.yaml:5:3: key 'parameters': the name 'xxxxx" "' is 601 bytes long, at most 255"
printf '%s\nparameters:\n  %s:\n    parameters:\n      %s: {min: 0, max: 1}\n' "$head" \
    "$(long o 200)" "$(long i 100)" > longnested.yaml
refused longnested.yaml "longnested.yaml:7:7: key 'parameters': the name 'iiii" \
    "' is 301 bytes long with the keys it is nested in, at most 255"
printf '%s\nparameters:\n  %s: {min: 0, max: 1}\n' "$head" "$(long n 255)" > name255.yaml
"$KNOB" ask s --sweep name255.yaml --storage "sqlite:///$T/n.db" > /dev/null || fail "a name of 255 bytes was refused"
printf '%s\nstudy: %s\nparameters:\n  a: {min: 0, max: 1}\n' "$head" "$(long s 256)" > study.yaml
refused study.yaml "study.yaml:4:8: key 'study': the string is 256 bytes long, at most 255"
printf 'program: x\nmethod: random\nmetric: {name: %s}\nparameters:\n  a: {min: 0, max: 1}\n' "$(long m 128)" > metric.yaml
refused metric.yaml "metric.yaml:3:16: key 'metric.name': the string is 128 bytes long, at most 127"
printf 'program: %s\nmethod: random\nmetric: {name: l}\nparameters:\n  a: {min: 0, max: 1}\n' "$(long p 4096)" > prog.yaml
refused prog.yaml "prog.yaml:1:10: key 'program': the string is 4096 bytes long, at most 4095"
printf '%s\nparameters:\n  a: {values: [ok, %s]}\n' "$head" "$(long v 65537)" > value.yaml
refused value.yaml "value.yaml:5:20: key 'parameters.a.values': the string is 65537 bytes long, at most 65536"
printf '%s\ncommand: [a, %s]\nparameters:\n  a: {min: 0, max: 1}\n' "$head" "$(long c 65537)" > cmd.yaml
refused cmd.yaml "cmd.yaml:4:14: key 'command[1]': the string is 65537 bytes long, at most 65536"
# a NUL inside a string (YAML's "\0"): in a name, a value, a study, a program, a command
nul() { # name yaml-line line:col
    printf '%s\n%s\n' "$head" "$2" > "$1.yaml"
    refused "$1.yaml" "$1.yaml:$3: a string holds a NUL byte (\\0)"
}
nul nulname 'parameters: {"a\0b": {min: 0, max: 1}}' 4:14
nul nulvalue 'parameters: {a: {values: [x, "y\0"]}}' 4:30
nul nulstudy 'study: "s\0t"
parameters: {a: {min: 0, max: 1}}' 4:8
nul nulcmd 'command: [python3, "train.py\0--x"]
parameters: {a: {min: 0, max: 1}}' 4:20
printf 'program: "t\\0.py"\nmethod: random\nparameters: {a: {min: 0, max: 1}}\n' > nulprog.yaml
refused nulprog.yaml "nulprog.yaml:1:10: a string holds a NUL byte (\\0)"

# 13. a key given twice, anywhere: the second one is reported
printf 'program: x\nmethod: random\nmetric: {name: loss}\nprogram: y\nparameters:\n  a: {min: 0, max: 1}\n' > dprog.yaml
refused dprog.yaml "dprog.yaml:4:1: key 'program' is given twice in this mapping (first at line 1, column 1)"
printf '%s\nparameters:\n  a: {values: [1, 2], values: [3]}\n' "$head" > dvalues.yaml
refused dvalues.yaml "dvalues.yaml:5:23: key 'values' is given twice in this mapping (first at line 5, column 7)"
printf '%s\nparameters:\n  a: {min: 0, max: 1}\n  b: {min: 0, max: 1}\n  a: {values: [1]}\n' "$head" > dparam.yaml
refused dparam.yaml "dparam.yaml:7:3: key 'a' is given twice in this mapping (first at line 5, column 3)"
printf 'program: x\nmethod: random\nmetric: {name: loss, goal: maximize, goal: minimize}\nparameters:\n  a: {min: 0, max: 1}\n' > dgoal.yaml
refused dgoal.yaml "dgoal.yaml:3:38: key 'goal' is given twice"
printf '%s\nparameters:\n  m:\n    parameters:\n      x: {min: 0, max: 1}\n      x: {min: 0, max: 2}\n' "$head" > dnested.yaml
refused dnested.yaml "dnested.yaml:8:7: key 'x' is given twice in this mapping (first at line 7, column 7)"
echo ok
