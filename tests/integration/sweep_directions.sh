#!/usr/bin/env bash
# A sweep whose metric.goal (or objectives) differs from the directions of the study it names
# is a mistake of the sweep, said in its terms, exit status 2, by knob ask and knob run alike
# (the library's "study: study 'ps' exists with directions [minimize], not [maximize]" named
# neither the file nor its key, and exited 1, as a storage failure does).
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
printf 'metric: {name: loss, goal: minimize}\nmethod: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > p.yaml
printf 'program: /bin/true\nmetric: {name: acc, goal: maximize}\nmethod: random\nparameters:\n  z: {values: [a, b]}\n' > p2.yaml
printf 'program: /bin/true\nobjectives: [{name: a, goal: maximize}, {name: b}]\nmethod: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > mo.yaml
printf 'program: /bin/true\nmethod: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > nm.yaml
"$KNOB" ask ps --sweep p.yaml $S > /dev/null || fail "ask"
"$KNOB" ask nm --sweep nm.yaml $S > /dev/null || fail "ask without a metric"
refused() { # expected-message command...
    local want=$1 rc=0
    shift
    "$KNOB" "$@" $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$*: exit status ($(cat err.txt))"
    grep -qF -- "$want" err.txt || fail "$*: expected '$want' in: $(cat err.txt)"
}
keeps=": a study keeps its directions (mend the sweep, or give another study's name)"
refused "knob: study 'ps' exists with directions [minimize], and p2.yaml's metric.goal is maximize$keeps" \
    ask ps --sweep p2.yaml
refused "knob: study 'ps' exists with directions [minimize], and p2.yaml's metric.goal is maximize$keeps" \
    run p2.yaml --study ps --trials 1
refused "knob: study 'ps' exists with directions [minimize], and mo.yaml's objectives give [maximize, minimize]$keeps" \
    run mo.yaml --study ps --trials 1
refused "knob: study 'ps' exists with directions [minimize], and nm.yaml has no metric$keeps" \
    ask ps --sweep nm.yaml
refused "knob: study 'nm' exists without a metric, and p.yaml's metric.goal is minimize$keeps" \
    ask nm --sweep p.yaml
# the study is as it was: one trial, asked by the first ask
"$KNOB" trials ps $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 1 "the study's trials"
echo ok
