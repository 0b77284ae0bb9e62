#!/usr/bin/env bash
# A sweep an older knob stored with its study, which this knob refuses in a file (a
# ${program} without program; an early_terminate whose max_iter below eta leaves no band,
# which the older knob ran (with one bracket from 1); a condition beyond a q_normal parent's draws):
# the study's knob ask, intermediate and enqueue go on, each such key said once as a warning
# (the condition, which never holds, without one). They failed, every command that
# read the stored sweep, and knob intermediate inside a running training loop.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
S="--storage sqlite:///$T/s.db"
printf 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > ok.yaml
"$KNOB" ask a --sweep ok.yaml $S > a0.json 2> err.txt || fail "first ask: $(cat err.txt)"
# what the older knob stored
cat > older.yaml <<'YAML'
command: ["${env}", python3, "${program}", "${args}"]
method: random
metric: {name: loss, goal: minimize}
early_terminate: {type: hyperband, max_iter: 2}
parameters:
  lr: {min: 0.001, max: 0.1}
YAML
# store_sweep FILE STUDY: FILE as the sweep STUDY's rows hold, as an older knob stored it
store_sweep() {
    local json
    json=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1")
    sqlite3 "$T/s.db" "UPDATE study_attrs SET json = '${json//\'/\'\'}' WHERE key = 'sweep' AND study = (SELECT id FROM studies WHERE name = '$2')" ||
        fail "could not store the older sweep of $2"
}
store_sweep older.yaml a
# this knob refuses both in a file
rc=0
"$KNOB" ask b --sweep older.yaml $S > /dev/null 2> ferr.txt || rc=$?
[ $rc != 0 ] || fail "the file was taken: $(cat ferr.txt)"
"$KNOB" intermediate a 0 0.5 $S > out.txt 2> err.txt || fail "intermediate: $(cat err.txt)"
grep -q "continue" out.txt || fail "intermediate: $(cat out.txt err.txt)"
grep -q "warning: key 'command\[2\]': uses \${program}, and key 'program' is missing" err.txt ||
    fail "no warning of the command: $(cat err.txt)"
grep -q "warning: key 'early_terminate': .*; it is not applied" err.txt ||
    fail "no warning of early_terminate: $(cat err.txt)"
[ "$(grep -c "warning: key 'early_terminate'" err.txt)" = 1 ] || fail "said twice: $(cat err.txt)"
"$KNOB" tell a 0 0.5 $S 2> err.txt || fail "tell: $(cat err.txt)"
"$KNOB" ask a $S > a1.json 2> err.txt || fail "ask: $(cat err.txt)"
expect_eq "$(py 'd["number"]' < a1.json)" 1 "the next trial"
"$KNOB" enqueue a lr=0.01 $S > /dev/null 2> err.txt || fail "enqueue: $(cat err.txt)"
# An older knob also took `target` in an objective of several, which this knob refuses in
# a file: from the stored sweep, a warning, and the commands go on. (`cost: params` it
# refused too, for the params knob kept under that name, now a system attribute: taken.)
printf 'method: random\nobjectives: [{name: a}, {name: b}]\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > mo.yaml
"$KNOB" ask m --sweep mo.yaml $S > m0.json 2> err.txt || fail "first ask of m: $(cat err.txt)"
cat > older_mo.yaml <<'YAML'
method: random
objectives: [{name: a, target: 0.1}, {name: b}]
cost: params
parameters:
  lr: {min: 0.001, max: 0.1}
YAML
store_sweep older_mo.yaml m
"$KNOB" ask m $S > m1.json 2> err.txt || fail "ask m: $(cat err.txt)"
grep -q "warning: key 'objectives\[0\].target': 'target' is a key of 'metric'; it is not applied" err.txt ||
    fail "no warning of target: $(cat err.txt)"
! grep -q "warning: key 'cost'" err.txt || fail "cost: params warned of: $(cat err.txt)"
"$KNOB" tell m "$(py 'd["number"]' < m1.json)" 0.5 0.5 $S 2> err.txt || fail "tell m: $(cat err.txt)"
# ... and the cost key beside the sampler's own option cost (it ran with the key's)
printf 'method: random\nmetric: {name: loss}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > cc.yaml
"$KNOB" ask cc --sweep cc.yaml $S > /dev/null 2> err.txt || fail "first ask of cc: $(cat err.txt)"
printf 'metric: {name: loss}\ncost: a\nsampler: {name: tpe, options: {cost: b}}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > older_cc.yaml
store_sweep older_cc.yaml cc
"$KNOB" ask cc $S > /dev/null 2> err.txt || fail "ask cc with both costs stored: $(cat err.txt)"
# ... and a sampler's cost_budget without any cost (it ran cost-blind; refused in a file
# now): said, not applied, and every command goes on (enqueue, ask and worker failed)
printf 'method: random\nmetric: {name: loss}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > cb.yaml
"$KNOB" ask cb --sweep cb.yaml $S > /dev/null 2> err.txt || fail "first ask of cb: $(cat err.txt)"
printf 'metric: {name: loss}\nsampler: {name: tpe, options: {cost_budget: 100}}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n' > older_cb.yaml
store_sweep older_cb.yaml cb
"$KNOB" enqueue cb lr=0.01 $S > /dev/null 2> err.txt || fail "enqueue cb: $(cat err.txt)"
grep -q "warning: key 'sampler.options.cost_budget': set without 'cost'; it is not applied" err.txt ||
    fail "no warning of cost_budget: $(cat err.txt)"
"$KNOB" ask cb $S > /dev/null 2> err.txt || fail "ask cb: $(cat err.txt)"
# An older knob took a condition on a q_normal parent beyond its draws (5.5, where q takes
# -5 to 5), which this knob refuses in a file: from the stored sweep, the study's asks go
# on, the condition never holding (they failed at the stored sweep's line), and a warning
# says so once, naming the param, the parent and the value (it was silent).
printf 'method: random\nmetric: {name: loss}\nparameters:\n  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}\n' > qn.yaml
"$KNOB" ask q --sweep qn.yaml $S > q0.json 2> err.txt || fail "first ask of q: $(cat err.txt)"
cp qn.yaml older_qn.yaml
printf '  extra: {values: [1, 2], when: {q: 5.5}}\n' >> older_qn.yaml
rc=0
"$KNOB" ask r --sweep older_qn.yaml $S > /dev/null 2> ferr.txt || rc=$?
[ $rc != 0 ] || fail "the file's condition beyond the draws was taken: $(cat ferr.txt)"
store_sweep older_qn.yaml q
"$KNOB" ask q $S > q1.json 2> err.txt || fail "ask q: $(cat err.txt)"
expect_eq "$(py '"extra" in d["params"]' < q1.json)" False "the condition beyond the draws"
said="warning: key 'parameters.extra.when.q': 'q' never takes 5.5, so the condition never holds, and 'extra' is never active"
grep -qF "$said" err.txt || fail "no warning of the condition beyond the draws: $(cat err.txt)"
grep -qF "takes the multiples of 0.5 from -5 to 5" err.txt || fail "the draws unsaid: $(cat err.txt)"
[ "$(grep -c "when.q'" err.txt)" = 1 ] || fail "said more than once: $(cat err.txt)"
# beside a value the parent takes, the condition holds there: the warning names the other
cp qn.yaml older_qn2.yaml
printf '  extra: {values: [1, 2], when: {q: [0.5, -6, 7]}}\n' >> older_qn2.yaml
"$KNOB" ask q2 --sweep qn.yaml $S > /dev/null 2> err.txt || fail "first ask of q2: $(cat err.txt)"
store_sweep older_qn2.yaml q2
"$KNOB" ask q2 $S > /dev/null 2> err.txt || fail "ask q2: $(cat err.txt)"
grep -qF "'q' never takes -6, 7, so the condition never holds at those values" err.txt ||
    fail "no warning of the values beyond the draws: $(cat err.txt)"
echo ok
