#!/usr/bin/env bash
# W&B keys that a sweep may leave out: `metric` (needed only by bayes and early
# termination) and `program` (ask/tell, or W&B driven from Python, run none).
source "$(dirname "$0")/lib.bash"
n=0
asks() { # file: knob ask gives a trial of it
    n=$((n + 1))
    "$KNOB" ask s$n --sweep "$1" --storage "sqlite:///$T/s.db" > out.txt 2> err.txt ||
        fail "$1 refused: $(cat err.txt)"
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert "a" in d["params"], d' < out.txt ||
        fail "$1: $(cat out.txt)"
}
refused() { # file expected-text...
    local f=$1 status
    shift
    set +e
    "$KNOB" ask s --sweep "$f" --storage "sqlite:///$T/r.db" > out.txt 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "$f: exit status ($(cat err.txt))"
    for want in "$@"; do
        grep -qF -- "$want" err.txt || fail "$f: expected '$want' in: $(cat err.txt)"
    done
}
sweep() { # file top-level-lines...
    local f=$1
    shift
    { printf '%s\n' "$@"; printf 'parameters:\n  a: {min: 0.0, max: 1.0}\n  b: {values: [1, 2]}\n'; } > "$f"
}

# 7. no metric: random and grid search, and so do the samplers that need no values
sweep random.yaml 'program: train.py' 'method: random'
asks random.yaml
printf 'method: grid\nparameters:\n  a: {values: [x, y]}\n' > grid.yaml
asks grid.yaml
sweep qmc.yaml 'method: bayes' 'sampler: qmc'
asks qmc.yaml
sweep none.yaml 'method: random' 'pruner: none'
asks none.yaml
# ... what learns from values says which key is missing
sweep bayes.yaml 'program: train.py' 'method: bayes'
refused bayes.yaml "bayes.yaml:2:9: key 'metric': missing" "method bayes learns from it; method random or grid searches without one"
sweep dflt.yaml 'program: train.py'
refused dflt.yaml "dflt.yaml:1:1: key 'metric': missing" "method bayes (the default)"
sweep early.yaml 'method: random' 'early_terminate: {type: hyperband, min_iter: 3}'
refused early.yaml "early.yaml:2:1: key 'early_terminate': stops trials by their metric, and key 'metric' is missing"
sweep pruner.yaml 'method: random' 'pruner: median'
refused pruner.yaml "pruner.yaml:2:1: key 'pruner': median stops trials by their metric, and key 'metric' is missing"
for s in tpe gp cmaes; do
    sweep "$s.yaml" 'method: random' "sampler: {name: $s}"
    refused "$s.yaml" "$s.yaml:2:1: key 'sampler': $s learns from the metric, and key 'metric' is missing" \
        "random, grid and qmc search without one"
done

# 8. no program (nor command): ask/tell runs none
sweep noprog.yaml 'metric: {name: loss, goal: minimize}' 'method: bayes'
asks noprog.yaml
"$KNOB" tell s$n 0 0.5 --storage "sqlite:///$T/s.db" || fail "tell after an ask without program"
asks noprog.yaml

# 9. knob run without a metric: its progress lines say nothing of a best (each said "the
# best trial could not be read: study 'r' has no objective, so no Pareto front")
printf 'command: [/bin/true]\nmethod: grid\nparameters:\n  a: {values: [1, 2]}\n' > run.yaml
"$KNOB" run run.yaml --storage "sqlite:///$T/run.db" > out.txt 2> err.txt ||
    fail "run without a metric: $(cat out.txt err.txt)"
expect_eq "$(grep -c '^trial [01] complete  \[[12]/2 done, 0 failed, 0 pruned, [01] running, [^]]*\]$' out.txt)" 2 \
    "the progress lines ($(cat out.txt))"
if grep -qi "best\|pareto\|could not be read" out.txt err.txt; then
    fail "a best without a metric: $(cat out.txt err.txt)"
fi
grep -qx "the study has no metric: a trial completes when its program exits 0" out.txt ||
    fail "the summary: $(cat out.txt)"
echo ok
