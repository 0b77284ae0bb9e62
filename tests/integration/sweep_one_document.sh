#!/usr/bin/env bash
# A sweep file is one YAML document: a second one (after ---) is refused at its line, as W&B
# (PyYAML) refuses it, instead of left unread; a file that starts with --- or ends with ...
# is one document.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
body='program: x.py\nmethod: random\nparameters:\n  a: {values: [1]}\n'
printf -- "---\n$body...\n" > one.yaml
"$KNOB" ask one --sweep one.yaml $S > out.txt 2> err.txt || fail "one document refused: $(cat err.txt)"
grep -q '"a":1' out.txt || fail "ask: $(cat out.txt)"
printf -- "$body---\nparameters:\n  b: {values: [2]}\n" > two.yaml
rc=0
"$KNOB" ask two --sweep two.yaml $S > /dev/null 2> err.txt || rc=$?
[ $rc = 2 ] || fail "two documents: exit $rc, not 2: $(cat err.txt)"
grep -qF "two.yaml:5:1: a sweep file is one YAML document, and a second one starts here" err.txt ||
    fail "two documents: $(cat err.txt)"
echo ok
