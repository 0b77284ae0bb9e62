#!/usr/bin/env bash
# A grid stopped by Ctrl-C runs its interrupted points again when the study is resumed,
# however often they were interrupted, each once; "every point has run" is then true. A
# point whose program failed (exit status 1) ran, as Optuna's GridSampler counts it, and
# does not run again. After SIGTERM the retries run the interrupted points, and the grid
# runs none of them twice.
source "$(dirname "$0")/lib.bash"
cat > g.sh <<'SH'
#!/bin/sh
echo $$ > "$KNOB_TRIAL_DIR/pid"
v=${1#--v=}
[ "$v" = 2 ] && exit 1
[ "$v" -le 2 ] || [ -e "$FAST" ] || sleep 30
echo "loss=$v"
SH
chmod +x g.sh
cat > g.yaml <<YAML
program: g.sh
method: grid
metric: {name: loss}
parameters:
  v: {values: [1, 2, 3, 4, 5, 6]}
YAML
export FAST=$T/fast
S="sqlite:///$T/s.db"
stop() { # STUDY FIRST SIGNAL: runs the grid 4 at a time, stops it with SIGNAL once trials
    # FIRST .. FIRST+3 run, and checks it exits 130 and leaves no process
    "$KNOB" run g.yaml --storage "$S" --study "$1" --parallel 4 --max-initial-failures 0 \
        > "stop-$1-$2.txt" 2>&1 &
    local pid=$! status=0 i n
    for _ in $(seq 150); do
        n=0
        for i in 0 1 2 3; do [ -f "knob-runs/$1/$(($2 + i))/pid" ] && n=$((n + 1)); done
        [ $n = 4 ] && break
        sleep 0.1
    done
    expect_eq "$n" 4 "$1: the trials from $2 that run"
    sleep 0.3
    kill -"$3" $pid
    wait $pid || status=$?
    expect_eq "$status" 130 "$1: exit status after SIG$3 ($(cat "stop-$1-$2.txt"))"
    sleep 0.3
    expect_dead knob-runs/"$1"/*
}
# per value of v: how many trials ran it, and how many completed
count() { # STUDY
    "$KNOB" trials "$1" --storage "$S" --format json |
        py '[[sum(t["params"]["v"] == v for t in d), sum(t["params"]["v"] == v and t["state"] == "complete" for t in d)] for v in range(1, 7)]'
}
stop i 2 INT
expect_eq "$(count i)" "[[1, 1], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0]]" "after the first Ctrl-C"
"$KNOB" trials i --storage "$S" --format json > t.json
expect_eq "$(py 'sorted(set(t["system_attrs"].get("fail_cause") for t in d if t["params"]["v"] > 2))' < t.json)" \
    '["interrupted"]' "fail_cause of an interrupted trial"
expect_eq "$(py '"fail_cause" in d[1]["system_attrs"]' < t.json)" False "a failed program's trial"
stop i 6 INT # the same points, interrupted again
expect_eq "$(count i)" "[[1, 1], [1, 0], [2, 0], [2, 0], [2, 0], [2, 0]]" "after the second Ctrl-C"
touch fast
"$KNOB" run g.yaml --storage "$S" --study i --parallel 4 > i.txt 2>&1 || fail "resume: $(cat i.txt)"
expect_eq "$(count i)" "[[1, 1], [1, 0], [3, 1], [3, 1], [3, 1], [3, 1]]" "resumed"
grep -q "the grid is done: every point has run" i.txt || fail "summary: $(cat i.txt)"
"$KNOB" run g.yaml --storage "$S" --study i --parallel 4 > again.txt 2>&1 || fail "again: $(cat again.txt)"
expect_eq "$(count i)" "[[1, 1], [1, 0], [3, 1], [3, 1], [3, 1], [3, 1]]" "nothing more to run"

rm fast
stop t 2 TERM
touch fast
"$KNOB" run g.yaml --storage "$S" --study t --parallel 4 > t.txt 2>&1 || fail "resume: $(cat t.txt)"
expect_eq "$(count t)" "[[1, 1], [1, 0], [2, 1], [2, 1], [2, 1], [2, 1]]" "after SIGTERM, resumed"
"$KNOB" trials t --storage "$S" --format json > t.json
expect_eq "$(py 'sum("retry_of" in t["system_attrs"] for t in d)' < t.json)" 4 "the retries ran them"
echo ok
