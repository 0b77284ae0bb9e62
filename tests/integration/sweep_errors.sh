#!/usr/bin/env bash
# Broken sweep files: exit status 2 and a message naming file, line, column and key path.
source "$(dirname "$0")/lib.bash"
check() { # file expected-text...
    local f=$1 status
    shift
    set +e
    "$KNOB" run "$f" --storage "sqlite:///$T/s.db" > out.txt 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "exit status for $f ($(cat err.txt))"
    for want in "$@"; do
        grep -qF -- "$want" err.txt || fail "$f: expected '$want' in: $(cat err.txt)"
    done
}
head='program: x
metric: {name: a, goal: minimize}'
printf 'program: x\nmetric: {name: a\nparameters: [\n' > yaml.yaml
check yaml.yaml "yaml.yaml:" "YAML error"
printf '%s\nparameters:\n  lr: {min: abc, max: 1}\n' "$head" > num.yaml
check num.yaml "num.yaml:4:13: key 'parameters.lr.min': expected a number, got \"abc\""
printf 'program: x\nmetric: {name: a, goal: minimize}\nparamters:\n  lr: {min: 0, max: 1}\n' > typo.yaml
check typo.yaml "typo.yaml:3:1: unknown key 'paramters'; did you mean 'parameters'?"
printf '%s\nparameters:\n  lr: {min: 0, max: 1, sigm: 2}\n' "$head" > pkey.yaml
check pkey.yaml "pkey.yaml:4:24: unknown key 'sigm' in parameters.lr; did you mean 'sigma'?"
printf 'program: x\nmetric: {name: a, goal: up}\nparameters:\n  lr: {min: 0, max: 1}\n' > goal.yaml
check goal.yaml "goal.yaml:2:25: key 'metric.goal': expected minimize or maximize, got \"up\""
printf 'program: x\nparameters:\n  lr: {min: 0, max: 1}\n' > nometric.yaml
check nometric.yaml "nometric.yaml:1:1: key 'metric': missing" "method bayes (the default)"
printf '%s\n' "$head" > noparams.yaml
check noparams.yaml "key 'parameters': missing"
printf '%s\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n' "$head" > log.yaml
check log.yaml "log.yaml:4:7: key 'parameters.lr.min': expected a number > 0"
printf '%s\nparameters:\n  lr: {distribution: lognormal, mu: 0}\n' "$head" > dist.yaml
check dist.yaml "key 'parameters.lr.distribution': unknown distribution 'lognormal'; did you mean 'log_normal'?"
printf '%s\nparameters:\n  c: {values: [a, b], probabilities: [0.5]}\n' "$head" > probs.yaml
check probs.yaml "key 'parameters.c.probabilities': expected one probability per value (2), got 1"
printf '%s\nparameters:\n  c: {values: [a, b], probabilities: [0.5, 0.6]}\n' "$head" > probs2.yaml
check probs2.yaml "probabilities must add up to 1"
printf '%s\nparameters:\n  opt:\n    parameters:\n      lr: {min: 1, max: x}\n' "$head" > nested.yaml
check nested.yaml "nested.yaml:6:25: key 'parameters.opt.lr.max': expected a number, got \"x\""
printf '%s\nparameters:\n  lr: {min: 2, max: 1}\n' "$head" > range.yaml
check range.yaml "key 'parameters.lr': min (2) must be <= max (1)"
printf '%s\ntrial_timeout: soon\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > dur.yaml
check dur.yaml "dur.yaml:3:16: key 'trial_timeout': expected a duration"
printf '%s\nsampler: {name: rnadom}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sampler.yaml
check sampler.yaml "sampler.yaml:3:10: key 'sampler':" "rnadom"
printf '%s\npruner: {name: median, options: {n_startup: 3}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > pruner.yaml
check pruner.yaml "pruner.yaml:3:9: key 'pruner':" "n_startup"
printf '%s\nmethod: grdi\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > method.yaml
check method.yaml "key 'method': expected grid, random, bayes, pbt, nsga2 or nsga3, got grdi; did you mean 'grid'?"
printf '%s\ncommand: [python3, {args}]\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > cmd.yaml
check cmd.yaml "key 'command[1]': expected a string, got a mapping"
printf '%s\nmethod: grid\nparameters:\n  lr: {min: 0.1, max: 1.0}\n' "$head" > grid.yaml
check grid.yaml "grid.yaml:5:7: key 'parameters.lr': method grid needs values to enumerate"
printf '%s\nparameters:\n  lr: {min: 0, max: 1}\n  lr: {min: 0, max: 2}\n' "$head" > twice.yaml
check twice.yaml "twice.yaml:5:3: key 'lr' is given twice in this mapping (first at line 4, column 3)"
check /nonexistent.yaml "cannot read sweep file"
# usage errors are status 2 as well
set +e
"$KNOB" run > /dev/null 2>&1; s1=$?
"$KNOB" run num.yaml --trials zero > /dev/null 2>&1; s2=$?
"$KNOB" run num.yaml --timeout 5x > /dev/null 2>&1; s3=$?
"$KNOB" frobnicate > /dev/null 2>&1; s4=$?
set -e
expect_eq "$s1 $s2 $s3 $s4" "2 2 2 2" "usage errors"
echo ok
