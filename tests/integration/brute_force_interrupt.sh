#!/usr/bin/env bash
# sampler brute_force stopped by Ctrl-C: the combinations of the interrupted trials run again
# when the study is resumed (a stop ran none of them), each once; a combination whose
# program failed ran, and does not run again.
source "$(dirname "$0")/lib.bash"
cat > b.sh <<'SH'
#!/bin/sh
echo $$ > "$KNOB_TRIAL_DIR/pid"
v=${1#--v=}
[ "$v" = 1 ] && exit 1
[ -e "$FAST" ] || { touch "$KNOB_TRIAL_DIR/sleeps"; sleep 30; }
echo "loss=$v"
SH
chmod +x b.sh
cat > b.yaml <<YAML
program: b.sh
metric: {name: loss}
sampler: {name: brute_force, options: {seed: 4}}
parameters:
  v: {values: [1, 2, 3, 4]}
YAML
export FAST=$T/fast
S="sqlite:///$T/s.db"
"$KNOB" run b.yaml --storage "$S" --study b --parallel 2 --max-initial-failures 0 > stop.txt 2>&1 &
pid=$! status=0
for _ in $(seq 150); do # two programs that sleep
    n=$( (ls knob-runs/b/*/sleeps 2> /dev/null || true) | wc -l)
    [ "$n" = 2 ] && break
    sleep 0.1
done
expect_eq "$n" 2 "programs running"
kill -INT $pid
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGINT ($(cat stop.txt))"
sleep 0.3
expect_dead knob-runs/b/*
touch fast
"$KNOB" run b.yaml --storage "$S" --study b > resumed.txt 2>&1 || fail "resume: $(cat resumed.txt)"
grep -q "brute_force has tried every combination" resumed.txt || fail "end: $(cat resumed.txt)"
"$KNOB" trials b --storage "$S" --format json > t.json
expect_eq "$(py 'sum(t["system_attrs"].get("fail_cause") == "interrupted" for t in d)' < t.json)" 2 \
    "interrupted trials"
# per value of v: how many trials ran it, and how many completed; the two interrupted
# values ran twice
expect_eq "$(py 'sorted([sum(t["params"]["v"] == v for t in d), sum(t["params"]["v"] == v and t["state"] == "complete" for t in d)] for v in range(1, 5))' < t.json)" \
    "[[1, 0], [1, 1], [2, 1], [2, 1]]" "resumed"
echo ok
