#!/usr/bin/env bash
# knob ask --sweep with a sweep the study cannot keep (objectives swapped, constraints dropped,
# moved or given another bound while its trials hold values of them) is refused, naming the
# way to a new study as knob ask takes one, by the name after `ask` (it said `--study NAME`,
# knob run's option, which knob ask refuses); knob run and knob worker still name --study.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > mo.yaml <<'YAML'
program: unused
method: random
objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}]
constraints: [{name: c, min: 2}]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" ask s --sweep mo.yaml $S > a0.json 2> err.txt || fail "first ask: $(cat err.txt)"
"$KNOB" tell s 0 1 2 --constraints 3 $S 2> err.txt || fail "tell: $(cat err.txt)"
way="a new study: knob ask NAME --sweep FILE)"
refused() { # FILE WHAT: knob ask --sweep FILE is refused with exit status 2, naming the way on
    local rc=0
    "$KNOB" ask s --sweep "$1" $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "exit status of knob ask with $2 ($(cat out.txt err.txt))"
    grep -qF "$way" err.txt || fail "$2: the way to a new study: $(cat err.txt)"
    grep -q -- "--study" err.txt && fail "$2: knob run's option named: $(cat err.txt)"
    return 0
}
sed 's/^objectives: .*/objectives: [{name: b, goal: minimize}, {name: a, goal: minimize}]/' \
    mo.yaml > swapped.yaml
refused swapped.yaml "the objectives swapped"
grep -qF "keeps its objectives in their order ($way" err.txt || fail "swapped: $(cat err.txt)"
sed '/^constraints:/d' mo.yaml > dropped.yaml
refused dropped.yaml "the constraints dropped"
grep -qF "(give them in dropped.yaml again, or $way" err.txt || fail "dropped: $(cat err.txt)"
sed 's/^constraints: .*/constraints: [{name: c, min: 3}]/' mo.yaml > bound.yaml
refused bound.yaml "a bound changed"
grep -qF "(give 'c >= 2' in bound.yaml again, or $way" err.txt || fail "bound: $(cat err.txt)"
sed 's/^constraints: .*/constraints: [{name: c, min: 2}, {name: d, max: 1}]/' mo.yaml > added.yaml
refused added.yaml "a constraint added"
grep -qF "refused at its end; a study keeps its constraints ($way" err.txt ||
    fail "added: $(cat err.txt)"
sed 's/^constraints: .*/constraints: [{name: d, max: 1}, {name: c, min: 2}]/' mo.yaml > one.yaml
"$KNOB" ask t --sweep one.yaml $S > /dev/null 2> err.txt || fail "ask t: $(cat err.txt)"
"$KNOB" tell t 0 1 2 --constraints 0,3 $S 2> err.txt || fail "tell t: $(cat err.txt)"
sed 's/^constraints: .*/constraints: [{name: c, min: 2}, {name: d, max: 1}]/' one.yaml > moved.yaml
rc=0
"$KNOB" ask t --sweep moved.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of knob ask with the constraints moved ($(cat out.txt err.txt))"
grep -qF "keeps its constraints in their order ($way" err.txt || fail "moved: $(cat err.txt)"
expect_eq "$("$KNOB" trials s $S --format json | py 'len(d)')" 1 "trials of s after the refusals"
# the way named is one knob ask takes: a new name after `ask`, with the edited file
"$KNOB" ask s2 --sweep swapped.yaml $S > /dev/null 2> err.txt || fail "a new study: $(cat err.txt)"
# knob run and knob worker (a sweep file) take --study NAME, and name it
for cmd in run worker; do
    rc=0
    "$KNOB" $cmd swapped.yaml --study s $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "knob $cmd with the objectives swapped: exit status ($(cat out.txt err.txt))"
    grep -qF "keeps its objectives in their order (a new study: --study NAME)" err.txt ||
        fail "knob $cmd: $(cat err.txt)"
done
echo ok
