#!/usr/bin/env bash
# W&B's `controller: {type: local}` and `{type: cloud}` (its default) are accepted (knob runs
# its search where it runs); another type, or another key in it, is an error at its line and
# column.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
printf 'program: %s\nmethod: random\ncontroller:\n  type: local\nparameters:\n  a: {min: 0.0, max: 1.0}\n' \
    "$PROGS/argv.py" > ok.yaml
"$KNOB" ask ok --sweep ok.yaml $S > out.txt 2> err.txt || fail "controller refused: $(cat err.txt)"
grep -q '"a"' out.txt || fail "ask: $(cat out.txt)"
sed 's/type: local/type: cloud/' ok.yaml > cloud.yaml
"$KNOB" ask ok --sweep cloud.yaml $S > out.txt 2> err.txt || fail "cloud refused: $(cat err.txt)"
grep -q '"a"' out.txt || fail "ask (cloud): $(cat out.txt)"
refused() { # controller-value expected
    printf 'method: random\ncontroller: %s\nparameters:\n  a: {min: 0.0, max: 1.0}\n' "$1" > bad.yaml
    rc=0
    "$KNOB" ask bad --sweep bad.yaml $S > /dev/null 2> err.txt || rc=$?
    [ $rc = 2 ] || fail "controller $1: exit $rc, not 2: $(cat err.txt)"
    grep -qF "$2" err.txt || fail "controller $1: expected '$2', got: $(cat err.txt)"
}
refused '{type: remote}' "bad.yaml:2:20: key 'controller': expected {type: local} or {type: cloud}"
refused '{tpye: local}' "bad.yaml:2:14: unknown key 'tpye' in controller; did you mean 'type'?"
echo ok
