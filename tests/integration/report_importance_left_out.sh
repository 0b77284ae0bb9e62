#!/usr/bin/env bash
# The importance of knob report and knob dashboard names the params fanova left out, and why,
# in the words of knob importance's warnings: a param that is a number in some trials and a
# categorical in others (o), and one some trials lack (c). The page's plot showed 'a 1.000'
# alone, which read as though o and c did not matter, while knob importance warned of both.
source "$(dirname "$0")/lib.bash"
cat > ab.sh <<'SH'
#!/bin/sh
a=0
for x in "$@"; do case $x in --a=*) a=${x#--a=} ;; esac; done
awk -v a="$a" 'BEGIN { printf "loss=%.17g\n", a * a }'
SH
chmod +x ab.sh
printf 'program: ./ab.sh\nmetric: {name: loss, goal: minimize}\nmethod: random\nseed: 1\nparameters:\n  a: {min: 0.0, max: 1.0}\n  o: {values: [p, q]}\n' > o1.yaml
printf 'program: ./ab.sh\nmetric: {name: loss, goal: minimize}\nmethod: random\nseed: 2\nparameters:\n  a: {min: 0.0, max: 1.0}\n  o: {min: 0.0, max: 1.0}\n  c: {min: 0.0, max: 1.0}\n' > o2.yaml
db="sqlite:///$T/s.db"
"$KNOB" run o1.yaml --storage "$db" --study o --trials 6 > /dev/null 2>&1 || fail "o1"
"$KNOB" run o2.yaml --storage "$db" --study o --trials 6 > /dev/null 2>&1 || fail "o2"
"$KNOB" run o1.yaml --storage "$db" --study plain --trials 6 > /dev/null 2>&1 || fail "plain"
"$KNOB" importance o --storage "$db" > imp.txt 2> imp.err || fail "importance: $(cat imp.err)"

O="it is a number in 6 trials and a categorical in 6, and fanova cannot evaluate it as one"
C="it is in 6 of the 12 complete trials with a value of objective 0 'loss', and fanova evaluates the params every one of them holds"
want=$(python3 -c 'import json, sys; print(json.dumps([[{"name": "o", "why": sys.argv[1]}, {"name": "c", "why": sys.argv[2]}]]))' "$O" "$C")
# knob importance says the same of each (naming the study too)
grep -qF "param 'o' left out: $O (" imp.err || fail "importance of o: $(cat imp.err)"
grep -qF "param 'c' left out: it is in 6 of the 12 complete trials with a value of objective 0 'loss' of study 'o', and fanova evaluates the params every one of them holds (" imp.err ||
    fail "importance of c: $(cat imp.err)"

"$KNOB" report o --storage "$db" -o - 2> report.err | report_data > o.json
expect_eq "$(py 'd["importance"]' < o.json)" '[[{"name": "a", "share": 1}]]' "the report's importance"
expect_eq "$(py 'd["importance_left_out"]' < o.json)" "$want" "the report's params left out"
"$KNOB" report plain --storage "$db" -o - 2> /dev/null | report_data > plain.json
expect_eq "$(py 'd["importance_left_out"]' < plain.json)" '[[]]' "none left out"

dashboard_start "$db"
dashboard_json "/api/study?name=o&since=0" > dash.json
expect_eq "$(py 'd["importance"]' < dash.json)" '[[{"name": "a", "share": 1}]]' "the dashboard's importance"
expect_eq "$(py 'd["importance_left_out"]' < dash.json)" "$want" "the dashboard's params left out"
dashboard_stop
echo ok
