#!/usr/bin/env bash
# early_terminate values that make no bands, or none to judge at: each refused at its line
# and column with exit status 2 (s: 0 was read as "not given", a max_iter under min_iter
# left the run without a pruner and a warning, a quoted number passed for a count); the
# values docs/sweep.md allows run.
source "$(dirname "$0")/lib.bash"
head='program: x
metric: {name: loss, goal: minimize}
parameters:
  a: {min: 0.0, max: 1.0}'
n=0
refused() { # early_terminate-value expected-text
    n=$((n + 1))
    printf '%s\nearly_terminate: %s\n' "$head" "$1" > e$n.yaml
    set +e
    "$KNOB" run e$n.yaml --storage "sqlite:///$T/r$n.db" --trials 0 > out.txt 2> err.txt
    local status=$?
    set -e
    expect_eq "$status" 2 "early_terminate: $1: exit status ($(cat err.txt))"
    grep -qF -- "e$n.yaml:$2" err.txt || fail "early_terminate: $1: expected 'e$n.yaml:$2' in: $(cat err.txt)"
    [ ! -e "$T/r$n.db" ] || fail "early_terminate: $1: a storage was opened"
}
accepted() { # early_terminate-value
    n=$((n + 1))
    printf '%s\nearly_terminate: %s\n' "$head" "$1" > e$n.yaml
    "$KNOB" run e$n.yaml --storage "sqlite:///$T/r$n.db" --trials 0 > out.txt 2> err.txt ||
        fail "early_terminate: $1: $(cat err.txt)"
    if grep -q "warning" err.txt; then fail "early_terminate: $1: $(cat err.txt)"; fi
}
refused '{type: hyperband, min_iter: 1, s: 0}' \
    "5:52: key 'early_terminate.s': expected a whole number in [1, 32], got 0"
refused '{type: hyperband, max_iter: 27, s: 0}' \
    "5:53: key 'early_terminate.s': expected a whole number in [1, 32], got 0"
refused '{type: hyperband, min_iter: 1, eta: 1}' \
    "5:54: key 'early_terminate.eta': expected a whole number in [2, 1000], got 1"
refused '{type: hyperband, min_iter: 0}' \
    "5:46: key 'early_terminate.min_iter': expected a whole number in [1, 9007199254740992], got 0"
refused '{type: hyperband, min_iter: -2}' \
    "5:46: key 'early_terminate.min_iter': expected a whole number in [1, 9007199254740992], got -2"
refused '{type: hyperband, min_iter: ten}' \
    "5:46: key 'early_terminate.min_iter': expected a number, got \"ten\""
refused '{type: hyperband, min_iter: "3"}' \
    "5:46: key 'early_terminate.min_iter': expected a whole number in [1, 9007199254740992], got the string \"3\""
refused "{type: hyperband, min_iter: 3, s: '2'}" \
    "5:52: key 'early_terminate.s': expected a whole number in [1, 32], got the string \"2\""
refused '{type: hyperband, max_iter: 27, strict: maybe}' \
    "5:58: key 'early_terminate.strict': expected true or false, got maybe"
refused '{type: hyperband, max_iter: 27, strict: "true"}' \
    "5:58: key 'early_terminate.strict': expected true or false, got the string \"true\""
# no band: max_iter below eta (W&B refuses such a config: "Bands must be an array of length at
# least 1")
refused '{type: hyperband, max_iter: 2, s: 3}' \
    "5:46: key 'early_terminate.max_iter': pruner 'wandb_hyperband': no band: max_iter / eta (2 / 3) is below 1"
accepted '{type: hyperband, min_iter: 3, max_iter: 3}' # min_iter ignored, as by W&B: band 1
accepted '{type: hyperband, min_iter: 30, max_iter: 27, s: 2}' # so above max_iter too
accepted '{type: hyperband, min_iter: 3, strict: false}'
accepted '{type: hyperband, max_iter: 2000000000000000}'
accepted '{type: hyperband, min_iter: 100000000000000}'
accepted '{type: hyperband, min_iter: 1, s: 1, eta: 2}'
accepted '{type: hyperband, max_iter: 27, s: 3, eta: 3, strict: true}'
accepted '{type: hyperband, max_iter: 10, s: 3}'
accepted '{type: hyperband, max_iter: 3, s: 3}' # one band, at 1
accepted '{type: hyperband, min_iter: 3, max_iter: 27}' # bands 1, 3 and 9
echo ok
