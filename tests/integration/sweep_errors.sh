#!/usr/bin/env bash
# Broken sweep files: exit status 2 and a message naming file, line and key.
source "$(dirname "$0")/lib.bash"
check() { # file expected-text
    set +e
    "$KNOB" run "$1" --storage "sqlite:///$T/s.db" > out.txt 2> err.txt
    local status=$?
    set -e
    expect_eq "$status" 2 "exit status for $1"
    grep -qF "$2" err.txt || fail "$1: expected '$2' in: $(cat err.txt)"
}
printf 'program: x\nmetric: {name: a\nparameters: [\n' > yaml.yaml
check yaml.yaml "yaml.yaml:"
printf 'program: x\nmetric: {name: a, goal: minimize}\nparameters:\n  lr: {min: abc, max: 1}\n' > num.yaml
check num.yaml "num.yaml:4:"
grep -q "parameters.lr.min': expected a number, got \"abc\"" err.txt || fail "key path: $(cat err.txt)"
printf 'program: x\nmetric: {name: a, goal: minimize}\nparamters:\n  lr: {min: 0, max: 1}\n' > typo.yaml
check typo.yaml "did you mean 'parameters'"
printf 'program: x\nmetric: {name: a, goal: up}\nparameters:\n  lr: {min: 0, max: 1}\n' > goal.yaml
check goal.yaml "expected minimize or maximize"
printf 'program: x\nparameters:\n  lr: {min: 0, max: 1}\n' > nometric.yaml
check nometric.yaml "key 'metric': missing"
printf 'program: x\nmetric: {name: a}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n' > log.yaml
check log.yaml "a log scale needs min > 0"
printf 'program: x\nmetric: {name: a}\nparameters:\n  lr: {distribution: lognormal, mu: 0}\n' > dist.yaml
check dist.yaml "did you mean 'log_normal'"
printf 'program: x\nmethod: grid\nmetric: {name: a}\nparameters:\n  lr: {min: 0.1, max: 1.0}\n' > grid.yaml
set +e; "$KNOB" run grid.yaml --storage "sqlite:///$T/s.db" 2> err.txt; set -e
grep -q "grid.yaml:5: method grid needs values for parameter 'lr'" err.txt || fail "grid: $(cat err.txt)"
check /nonexistent.yaml "cannot read sweep file"
echo ok
