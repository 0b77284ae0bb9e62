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
# where an unclosed quote or bracket began, and a tab in the indentation, are said
printf 'program: "x\nparameters:\n  lr: {min: 0, max: 1}\n' > quote.yaml
check quote.yaml "quote.yaml:4:1: YAML error: found unexpected end of stream while scanning a quoted scalar that began at line 1, column 10"
printf 'program: x\nparameters:\n  lr: {values: [1, 2}\n' > bracket.yaml
check bracket.yaml "bracket.yaml:3:21: YAML error: did not find expected ',' or ']' while parsing a flow sequence that began at line 3, column 16"
printf 'program: x\nparameters:\n\tlr: {min: 0, max: 1}\n' > tab.yaml
check tab.yaml "tab.yaml:3:1: YAML error: found character that cannot start any token" "(a tab in the indentation: YAML indents with spaces)"
printf '%s\nparameters:\n  lr: {min: abc, max: 1}\n' "$head" > num.yaml
check num.yaml "num.yaml:4:13: key 'parameters.lr.min': expected a number, got \"abc\""
printf 'program: x\nmetric: {name: a, goal: minimize}\nparamters:\n  lr: {min: 0, max: 1}\n' > typo.yaml
check typo.yaml "typo.yaml:3:1: unknown key 'paramters'; did you mean 'parameters'?"
printf '%s\nparameters:\n  lr: {min: 0, max: 1, sigm: 2}\n' "$head" > pkey.yaml
check pkey.yaml "pkey.yaml:4:24: unknown key 'sigm' in parameters.lr; did you mean 'sigma'?"
printf 'program: x\nmetric: {name: a, goal: up}\nparameters:\n  lr: {min: 0, max: 1}\n' > goal.yaml
check goal.yaml "goal.yaml:2:25: key 'metric.goal': expected minimize or maximize, got \"up\""
# an empty group of parameters, top or nested, is refused where it is (a nested one
# vanished without a word, and the top one was "missing" at 1:1)
printf 'program: x\nmetric: {name: a}\nparameters: {}\n' > noparams0.yaml
check noparams0.yaml "noparams0.yaml:3:13: key 'parameters': empty (the sweep has no parameters)"
printf 'program: x\nmetric: {name: a}\nparameters:\n  lr: {min: 0, max: 1}\n  a: {parameters: {}}\n' > emptygroup.yaml
check emptygroup.yaml "emptygroup.yaml:5:19: key 'parameters.a.parameters': empty (a group of nested parameters holds one at least)"
# a byte that is no UTF-8 is named where it is (it was said at 1:1)
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {values: [caf\351]}\n' > latin1.yaml
check latin1.yaml "latin1.yaml:4:20: YAML error: invalid trailing UTF-8 octet"
# YAML's infinities and NaN as values reached the program as the strings ".inf", ".nan"
# (Python's float() refuses them); as bounds they were "expected a number"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {values: [1.0, -.inf]}\n' > infval.yaml
check infval.yaml "infval.yaml:4:21: key 'parameters.a.values': -.inf is YAML's infinity, which a parameter's value cannot be: quote it (\"-inf\")"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {values: [[1, .inf], 2]}\n' > inflist.yaml
check inflist.yaml "inflist.yaml:4:20: key 'parameters.a.values': .inf is YAML's infinity, which a value within a list or mapping cannot be"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {value: .NaN}\n' > nanval.yaml
check nanval.yaml "nanval.yaml:4:14: key 'parameters.a.value': .NaN is YAML's NaN"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {min: 0.0, max: .inf}\n' > infmax.yaml
check infmax.yaml "infmax.yaml:4:22: key 'parameters.a.max': expected a finite number, got .inf (YAML's infinity)"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {min: 1.0e-400, max: 1.0}\n' > tiny.yaml
check tiny.yaml "tiny.yaml:4:12: key 'parameters.a.min': 1.0e-400 is beyond a double's range (it reads as 0)"
printf 'program: x\nmetric: {name: a}\nparameters:\n  a: {min: 0.0, max: 1e400}\n' > huge.yaml
check huge.yaml "huge.yaml:4:22: key 'parameters.a.max': 1e400 is beyond a double's range"
# grace: the heartbeat silence before a trial is failed; at least two heartbeats (20 s)
printf 'program: x\nmetric: {name: a}\ngrace: 15s\nparameters:\n  lr: {min: 0, max: 1}\n' > grace.yaml
check grace.yaml "grace.yaml:3:8: key 'grace': at least 20 s (two heartbeats: a trial's worker beats every 10 s), got 15 s"
# a blank metric name names nothing a program prints (every trial failed for its lack)
printf 'program: x\nmetric: {name: " ", goal: maximize}\nparameters:\n  lr: {min: 0, max: 1}\n' > blank.yaml
check blank.yaml "blank.yaml:2:16: key 'metric.name': empty (the key the program prints)"
printf 'program: x\nparameters:\n  lr: {min: 0, max: 1}\n' > nometric.yaml
check nometric.yaml "nometric.yaml:1:1: key 'metric': missing" "method bayes (the default)"
printf '%s\n' "$head" > noparams.yaml
check noparams.yaml "key 'parameters': missing"
printf '%s\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n' "$head" > log.yaml
check log.yaml "log.yaml:4:47: key 'parameters.lr.min': expected a number > 0"
printf '%s\nparameters:\n  lr: {distribution: lognormal, mu: 0}\n' "$head" > dist.yaml
check dist.yaml "key 'parameters.lr.distribution': unknown distribution 'lognormal'; did you mean 'log_normal'?"
printf '%s\nparameters:\n  c: {values: [a, b], probabilities: [0.5]}\n' "$head" > probs.yaml
check probs.yaml "key 'parameters.c.probabilities': expected one probability per value (2), got 1"
printf '%s\nparameters:\n  c: {values: [a, b], probabilities: [0.5, 0.6]}\n' "$head" > probs2.yaml
check probs2.yaml "probabilities must add up to 1"
# the sum in its fewest digits that read back as it (0.5 + 0.3 + 0.3 is 1.1, not 1.1000000000000001)
printf '%s\nparameters:\n  c: {values: [a, b, c], probabilities: [0.5, 0.3, 0.3]}\n' "$head" > probs11.yaml
check probs11.yaml "key 'parameters.c.probabilities': probabilities must add up to 1, got 1.1"
grep -q "got 1.1000" err.txt && fail "the sum in more digits than it needs: $(cat err.txt)"
# a parameter with nothing after its key is YAML's null, and is said to be (not "a scalar")
printf '%s\nparameters:\n  lr:\n  x: {min: 0, max: 1}\n' "$head" > nullparam.yaml
check nullparam.yaml "nullparam.yaml:" "got null (an empty value)"
# a grid with probabilities: W&B refuses it, and so does knob (it ran every value, weights
# unsaid)
printf '%s\nmethod: grid\nparameters:\n  c: {values: [a, b], probabilities: [0.9, 0.1]}\n' "$head" > gridp.yaml
check gridp.yaml "gridp.yaml:5:6: key 'parameters.c.probabilities': method grid runs each value once, so probabilities mean nothing (W&B refuses them in a grid); remove them"
# W&B's tolerance: 1e-5 of 1 (numpy's isclose); 0.99998 is refused, thirds to 5 digits taken
printf '%s\nparameters:\n  c: {values: [a, b], probabilities: [0.99998, 0]}\n' "$head" > probs3.yaml
check probs3.yaml "key 'parameters.c.probabilities': probabilities must add up to 1, got 0.99998"
printf 'program: %s\nmethod: random\nmetric: {name: loss}\nparameters:\n  c: {values: [a, b, c], probabilities: [0.33333, 0.33333, 0.33333]}\n' \
    "$PROGS/argv.py" > thirds.yaml
"$KNOB" ask t --sweep thirds.yaml --storage "sqlite:///$T/t.db" > t.txt 2>&1 || fail "thirds: $(cat t.txt)"
printf '%s\nparameters:\n  opt:\n    parameters:\n      lr: {min: 1, max: x}\n' "$head" > nested.yaml
check nested.yaml "nested.yaml:6:25: key 'parameters.opt.lr.max': expected a number, got \"x\""
printf '%s\nparameters:\n  lr: {min: 2, max: 1}\n' "$head" > range.yaml
check range.yaml "key 'parameters.lr': min (2) must be <= max (1)"
printf '%s\ntrial_timeout: soon\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > dur.yaml
check dur.yaml "dur.yaml:3:16: key 'trial_timeout': expected a duration"
printf '%s\nsampler: {name: rnadom}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sampler.yaml
check sampler.yaml "sampler.yaml:3:10: key 'sampler':" "rnadom"
printf '%s\npruner: {name: median, options: {n_startup: 3}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > pruner.yaml
check pruner.yaml "pruner.yaml:3:34: key 'pruner.options.n_startup': pruner 'median': unknown option 'n_startup'"
# an option's wrong value is said at the value, in block and flow style alike (it was at the
# key 'sampler' or 'pruner', lines above it); a refusal no option gives alone stays there
printf '%s\nsampler:\n  name: tpe\n  options:\n    n_startup_trials: 10\n    consider_endpoints: maybe\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sopt.yaml
check sopt.yaml "sopt.yaml:7:25: key 'sampler.options.consider_endpoints': sampler 'tpe': option 'consider_endpoints' needs true or false, got 'maybe'"
printf '%s\npruner:\n  name: median\n  options:\n    n_startup_trials: 2\n    n_warmup_steps: -4\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > popt.yaml
check popt.yaml "popt.yaml:7:21: key 'pruner.options.n_warmup_steps': pruner 'median': option 'n_warmup_steps' must be in"
printf '%s\nsampler: {name: tpe, options: {seed: 1, multivariate: maybe}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sflow.yaml
check sflow.yaml "sflow.yaml:3:55: key 'sampler.options.multivariate': sampler 'tpe': option 'multivariate' needs true or false"
printf '%s\nsampler: {name: rnadom, options: {seed: 1}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sname.yaml
check sname.yaml "sname.yaml:3:10: key 'sampler': unknown sampler 'rnadom'"
# a threshold pruner without lower or upper prunes no finite value: refused, as Optuna does
# (it was run, and never pruned)
printf '%s\npruner: {name: threshold, options: {}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > thr.yaml
check thr.yaml "thr.yaml:3:9: key 'pruner': pruner 'threshold': neither option lower nor option upper is given (both infinite), so it would prune no finite value: give lower, upper or both"
printf '%s\npruner: {name: threshold, options: {n_warmup_steps: 2}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > thr2.yaml
check thr2.yaml "thr2.yaml:3:9: key 'pruner': pruner 'threshold': neither option lower nor option upper"
printf '%s\npruner: {name: threshold, options: {upper: 2}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > thr3.yaml
"$KNOB" ask t --sweep thr3.yaml --storage memory: > out.txt 2>&1 || fail "thr3.yaml: $(cat out.txt)"
# an unknown sampler or pruner name gets the hint unknown keys get
check sampler.yaml "; did you mean 'random'?"
printf '%s\npruner: medain\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > pname.yaml
check pname.yaml "pname.yaml:3:9: key 'pruner': unknown pruner 'medain' (pruners: " "); did you mean 'median'?"
printf '%s\npruner: {name: hyprband, options: {min_resource: 1}}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > pname2.yaml
check pname2.yaml "pname2.yaml:3:9: key 'pruner': unknown pruner 'hyprband'" "); did you mean 'hyperband'?"
printf '%s\nsampler: zzzzzz\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > sname2.yaml
check sname2.yaml "sname2.yaml:3:10: key 'sampler': unknown sampler 'zzzzzz'"
if grep -q "did you mean" err.txt; then fail "a hint for a name near none: $(cat err.txt)"; fi
printf '%s\nmethod: grdi\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > method.yaml
check method.yaml "key 'method': expected grid, random, bayes, pbt, nsga2 or nsga3, got grdi; did you mean 'grid'?"
printf '%s\ncommand: [python3, {args}]\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > cmd.yaml
check cmd.yaml "key 'command[1]': expected a string, got a mapping"
# an empty or blank program, or an empty element where the command's program is, names no
# file: every trial failed with exit status 127 (an empty command was refused)
printf 'program: ""\nmethod: random\nparameters:\n  a: {values: [1, 2]}\n' > prog0.yaml
check prog0.yaml "prog0.yaml:1:10: key 'program': empty (the script or executable to run)"
printf 'program: "   "\nmethod: random\nparameters:\n  a: {values: [1, 2]}\n' > prog1.yaml
check prog1.yaml "prog1.yaml:1:10: key 'program': empty (the script or executable to run)"
printf 'command: ["", "${args}"]\nmethod: random\nparameters:\n  a: {values: [1, 2]}\n' > cmd0.yaml
check cmd0.yaml "cmd0.yaml:1:11: key 'command[0]': empty (the script or executable to run)"
printf 'command: ["${env}", "${interpreter}", " ", x]\nmethod: random\nparameters:\n  a: {values: [1]}\n' > cmd1.yaml
check cmd1.yaml "cmd1.yaml:1:39: key 'command[2]': empty (the script or executable to run)"
# YAML's null or a blank value for a name or a path (trial_dir: ~ made a directory named '~'
# in the working directory, program: null ran a program named null)
printf 'program: x\nmetric: {name: a}\ntrial_dir: ~\nparameters:\n  lr: {min: 0, max: 1}\n' > td.yaml
check td.yaml "td.yaml:3:12: key 'trial_dir': null: expected a directory"
printf 'program: x\nmetric: {name: a}\nstudy: "  "\nparameters:\n  lr: {min: 0, max: 1}\n' > sn.yaml
check sn.yaml "sn.yaml:3:8: key 'study': empty: expected a study's name"
printf 'program: null\nmetric: {name: a}\nparameters:\n  lr: {min: 0, max: 1}\n' > pn.yaml
check pn.yaml "pn.yaml:1:10: key 'program': empty (the script or executable to run)"
# the params' arguments where the program is: every trial ran "--a=1" as its program
printf 'command: ["${args}", python3, t.py]\nmethod: random\nparameters:\n  a: {values: [1, 2]}\n' > cmd2.yaml
check cmd2.yaml "cmd2.yaml:1:11: key 'command[0]': \${args} stands where the program to run is"
printf 'command: ["${env}", "${args_json}"]\nmethod: random\nparameters:\n  a: {values: [1]}\n' > cmd3.yaml
check cmd3.yaml "cmd3.yaml:1:21: key 'command[1]': \${args_json} stands where the program to run is"
# an empty argument after the program is an argument
printf 'command: [/bin/true, "", "${args}"]\nmethod: random\nparameters:\n  a: {values: [1]}\n' > cmdarg.yaml
"$KNOB" run cmdarg.yaml --storage "sqlite:///$T/arg.db" --trials 1 > out.txt 2> err.txt ||
    fail "an empty argument refused: $(cat err.txt)"
# an empty list or mapping is named so (the message said "expected a non-empty list ...,
# got a list")
printf '%s\nparameters:\n  opt: {values: []}\n' "$head" > emptyvalues.yaml
check emptyvalues.yaml "emptyvalues.yaml:4:17: key 'parameters.opt.values': expected a non-empty list of values, got an empty list"
printf '%s\nparameters:\n  opt: {values: [a, b]}\n  lr: {min: 0.0, max: 1.0, when: {}}\n' "$head" > emptywhen.yaml
check emptywhen.yaml "key 'parameters.lr.when': expected a mapping of parent parameters to their values" "got an empty mapping"
printf '%s\nmethod: grid\nparameters:\n  lr: {min: 0.1, max: 1.0}\n' "$head" > grid.yaml
check grid.yaml "grid.yaml:5:7: key 'parameters.lr': method grid needs values to enumerate"
printf '%s\nparameters:\n  lr: {min: 0, max: 1}\n  lr: {min: 0, max: 2}\n' "$head" > twice.yaml
check twice.yaml "twice.yaml:5:3: key 'lr' is given twice in this mapping (first at line 4, column 3)"
check /nonexistent.yaml "cannot read sweep file"
# a q that does not divide the range, or leaves one value, runs (as in W&B) with a warning
# at its line (it was silent: Optuna warns of such a step)
printf '%s\nparameters:\n  a: {distribution: q_uniform, min: 0, max: 1, q: 0.3}\n  b: {distribution: q_uniform, min: 0, max: 1, q: 2}\n  c: {distribution: q_uniform, min: 0, max: 100, q: 5}\n  d: {distribution: q_log_uniform_values, min: 1, max: 3, q: 20}\n' "$head" > q.yaml
"$KNOB" run q.yaml --storage memory: --trials 0 > out.txt 2> err.txt || fail "q.yaml: $(cat err.txt)"
grep -qF "q.yaml:4:51: warning: key 'parameters.a.q': q (0.3) does not divide max - min (1): the values are min + k q up to 0.9" err.txt ||
    fail "q.yaml: $(cat err.txt)"
grep -qF "q.yaml:5:51: warning: key 'parameters.b.q': q (2) is more than max - min (1): min, 0, is the only value" err.txt ||
    fail "q.yaml: $(cat err.txt)"
grep -qF "warning: key 'parameters.d.q': q (20) rounds every value in [1, 3] to 0 (which no log scale gives), the only value" err.txt ||
    fail "q.yaml: $(cat err.txt)"
if grep -q "parameters.c" err.txt; then fail "q.yaml: a q that divides warned: $(cat err.txt)"; fi
# a q that does not divide the range, from a min that is no multiple of it: both said (the
# second was not, though W&B's points differ: knob 10, 26, ...; W&B 16, 32, ...)
printf '%s\nparameters:\n  a: {distribution: q_uniform, min: 10, max: 200, q: 16}\n' "$head" > q2.yaml
"$KNOB" run q2.yaml --storage memory: --trials 0 > out.txt 2> err.txt || fail "q2.yaml: $(cat err.txt)"
grep -qF "q (16) does not divide max - min (190): the values are min + k q up to 186, and min is not a multiple of q: knob's values are min + k q, where W&B's agent rounds to the multiples of q" err.txt ||
    fail "q2.yaml: $(cat err.txt)"
# q_log_uniform(_values) keeps W&B's rounding, round(x / q) q, and says a q that takes the
# values outside [min, max] (0 among them) at its line: {min: 1, max: 10, q: 20} gave 0 to
# every trial without a word
printf '%s\nparameters:\n  a: {distribution: q_log_uniform_values, min: 1, max: 10, q: 20}\n  b: {distribution: q_log_uniform_values, min: 1, max: 100, q: 8}\n  c: {distribution: q_log_uniform_values, min: 10, max: 16, q: 8}\n  d: {distribution: q_log_uniform_values, min: 0.001, max: 0.1}\n  e: {distribution: q_log_uniform, min: 0, max: 1, q: 2}\n  f: {distribution: q_log_uniform_values, min: 16, max: 512, q: 16}\n' "$head" > qlog.yaml
"$KNOB" run qlog.yaml --storage memory: --trials 0 > out.txt 2> err.txt || fail "qlog.yaml: $(cat err.txt)"
for want in "qlog.yaml:4:63: warning: key 'parameters.a.q': q (20) rounds the values in [1, 10] to the multiples of q from 0 (which no log scale gives) to 20, both outside [1, 10]" \
    "qlog.yaml:5:64: warning: key 'parameters.b.q': q (8) rounds the values in [1, 100] to the multiples of q from 0 (which no log scale gives) to 104, both outside [1, 100]" \
    "qlog.yaml:6:64: warning: key 'parameters.c.q': q (8) rounds the values in [10, 16] to the multiples of q from 8 to 16: 8 is outside [10, 16]" \
    "qlog.yaml:7:6: warning: key 'parameters.d.q': q (1 by default) rounds every value in [0.001, 0.1] to 0 (which no log scale gives), the only value" \
    "qlog.yaml:8:55: warning: key 'parameters.e.q': q (2) rounds every value in [1, 2.71828] to 2, the only value"; do
    grep -qF "$want" err.txt || fail "qlog.yaml: expected '$want' in: $(cat err.txt)"
done
if grep -q "parameters.f" err.txt; then fail "qlog.yaml: a q within the range warned: $(cat err.txt)"; fi
# one objective or several, never both, and none twice: each made a study of more
# objectives than the file meant (a metric beside objectives was objective 0 of them)
printf 'program: x\nmetric: {name: a}\nobjectives: [{name: a}, {name: b}]\nparameters:\n  lr: {min: 0, max: 1}\n' > both.yaml
check both.yaml "both.yaml:3:1: key 'objectives': 'metric' (one objective) and 'objectives' (several) are both given ('metric' at line 2, column 1)"
printf 'program: x\nobjectives:\n  - {name: a, goal: minimize}\n  - {name: a, goal: maximize}\nparameters:\n  lr: {min: 0, max: 1}\n' > objtwice.yaml
check objtwice.yaml "objtwice.yaml:4:5: key 'objectives[1]': objective 'a' is given twice (first as objectives[0])"
# metric's own keys in an objective of several: said so (it was "unknown key 'target' in
# objectives[0]; did you mean 'target'?")
printf 'program: x\nobjectives:\n  - {name: a, goal: minimize, target: 0.1}\n  - {name: b}\nparameters:\n  lr: {min: 0, max: 1}\n' > objtarget.yaml
check objtarget.yaml "objtarget.yaml:3:31: key 'objectives[0].target': 'target' is a key of 'metric' (one objective); an objective of several takes name and goal"
printf 'program: x\nobjectives:\n  - {name: a, goall: minimize}\n  - {name: b}\nparameters:\n  lr: {min: 0, max: 1}\n' > objgoal.yaml
check objgoal.yaml "objgoal.yaml:3:15: unknown key 'goall' in objectives[0]; did you mean 'goal'?"
# a block-style min > max points at max, not at the mapping's first key
printf '%s\nparameters:\n  lr:\n    distribution: uniform\n    min: 3\n    max: 2\n' "$head" > block.yaml
check block.yaml "block.yaml:7:10: key 'parameters.lr': min (3) must be <= max (2)"
# a long key three edits off gets its suggestion too
printf '%s\nearly_termination: {type: hyperband, min_iter: 3}\nparameters:\n  lr: {min: 0, max: 1}\n' "$head" > et.yaml
check et.yaml "et.yaml:3:1: unknown key 'early_termination'; did you mean 'early_terminate'?"
# what W&B refuses and knob reads is said: a range of one value, a quoted bound,
# categorical_w_probabilities without probabilities (the study is made all the same)
printf '%s\nparameters:\n  a: {min: 1, max: 1}\n  b: {min: "0.5", max: 2}\n  c: {distribution: categorical_w_probabilities, values: [x, y]}\n  d: {min: 0, max: 1}\n' "$head" > wb.yaml
"$KNOB" run wb.yaml --storage memory: --trials 0 > out.txt 2> err.txt || fail "wb.yaml: $(cat err.txt)"
for want in "wb.yaml:4:20: warning: key 'parameters.a': min equals max (1): the range holds one value (W&B refuses it; \`value: 1\` says so)" \
    "wb.yaml:5:12: warning: key 'parameters.b.min': \"0.5\" is a string (in quotes), read as the number 0.5 (W&B refuses a string here)" \
    "wb.yaml:6:21: warning: key 'parameters.c.distribution': categorical_w_probabilities without probabilities: each value is drawn as often (W&B refuses it)"; do
    grep -qF -- "$want" err.txt || fail "wb.yaml: expected '$want' in: $(cat err.txt)"
done
if grep -q "parameters.d" err.txt; then fail "wb.yaml: a plain range warned: $(cat err.txt)"; fi
# so is every other number in quotes, as the bound is (they were read without a word); a
# key W&B does not have is said without W&B's word, and a plain number says nothing
cat > wbq.yaml <<'YAML'
command: [sh, -c, "echo acc=0.95 size=1"]
method: random
run_cap: "2"
trials: '2'
metric: {name: acc, goal: maximize, target: "0.9"}
constraints: [{name: size, max: "3"}]
parameters:
  a: {distribution: q_uniform, min: 0, max: 10, q: "2"}
  b: {distribution: normal, mu: "1", sigma: "2"}
  p: {values: [x, y], probabilities: ["0.5", 0.5]}
  c: {min: 0, max: 1.5}
YAML
"$KNOB" run wbq.yaml --storage memory: --trials 0 > out.txt 2> err.txt || fail "wbq.yaml: $(cat err.txt)"
for want in "wbq.yaml:3:10: warning: key 'run_cap': \"2\" is a string (in quotes), read as the number 2 (W&B refuses a string here)" \
    "wbq.yaml:4:9: warning: key 'trials': \"2\" is a string (in quotes), read as the number 2$" \
    "wbq.yaml:5:45: warning: key 'metric.target': \"0.9\" is a string (in quotes), read as the number 0.9 (W&B refuses a string here)" \
    "wbq.yaml:6:33: warning: key 'constraints\[0\].max': \"3\" is a string (in quotes), read as the number 3$" \
    "wbq.yaml:8:52: warning: key 'parameters.a.q': \"2\" is a string" \
    "wbq.yaml:9:33: warning: key 'parameters.b.mu': \"1\" is a string" \
    "wbq.yaml:9:45: warning: key 'parameters.b.sigma': \"2\" is a string" \
    "wbq.yaml:10:39: warning: key 'parameters.p.probabilities': \"0.5\" is a string"; do
    grep -q -- "$want" err.txt || fail "wbq.yaml: expected '$want' in: $(cat err.txt)"
done
expect_eq "$(grep -c warning err.txt)" 8 "warnings of wbq.yaml ($(cat err.txt))"
# usage errors are status 2 as well
set +e
"$KNOB" run > /dev/null 2>&1; s1=$?
"$KNOB" run num.yaml --trials zero > /dev/null 2>&1; s2=$?
"$KNOB" run num.yaml --timeout 5x > /dev/null 2>&1; s3=$?
"$KNOB" frobnicate > /dev/null 2>&1; s4=$?
set -e
expect_eq "$s1 $s2 $s3 $s4" "2 2 2 2" "usage errors"
# a list, mapping or integer beyond 2^53 is held as its JSON text: a quoted string of that
# text beside it would be the same choice (the program got the string for both)
printf '%s\nparameters:\n  w: {values: ["[64,64]", [64, 64]]}\n' "$head" > clash.yaml
check clash.yaml "clash.yaml:4:16: key 'parameters.w.values': the string '[64,64]' is the text of another value (line 4, column 27)"
printf '%s\nparameters:\n  s: {values: [9007199254740993, "9007199254740993"]}\n' "$head" > clashint.yaml
check clashint.yaml "clashint.yaml:4:34: key 'parameters.s.values': the string '9007199254740993' is the text of another value (line 4, column 16)"
# a sampler that optimizes one objective, named for a sweep of two, is refused at the key,
# by the sampler itself, before a study is created (it was at the first ask, after)
two='program: x
objectives: [{name: a}, {name: b, goal: maximize}]'
for smp in evolution smac cmaes '{name: gp, options: {acquisition: ucb}}' \
    '{name: gp, options: {trust_region: true}}' \
    '{name: gp, options: {warm_start_study: src, warm_start_storage: "sqlite:///src.db"}}'; do
    printf '%s\nsampler: %s\nparameters:\n  lr: {min: 0, max: 1}\n' "$two" "$smp" > mo.yaml
    rm -f "$T/s.db"
    check mo.yaml "mo.yaml:3:1: key 'sampler': sampler '" "objective; the sweep has 2"
    [ ! -e "$T/s.db" ] && [ ! -e src.db ] || fail "sampler $smp: a storage was opened"
done
# so is an option that does not fit the sweep's objectives (a reference point of another
# count: gp refused it at the first ask, after the study was created), the sweep named
for smp in '{name: gp, options: {reference_point: [1, 2, 3]}}|has 3 coordinates; the sweep has 2' \
    '{name: nsga3, options: {reference_points: [[1, 0, 0], [0, 1, 0]]}}|has points of 3 objectives'; do
    printf '%s\nsampler: %s\nparameters:\n  lr: {min: 0, max: 1}\n' "$two" "${smp%|*}" > mo.yaml
    rm -f "$T/s.db"
    check mo.yaml "mo.yaml:3:" ": key 'sampler.options.reference_point" "sampler '" \
        "option 'reference_point" "${smp#*|}"
    [ ! -e "$T/s.db" ] || fail "sampler ${smp%|*}: a storage was opened"
done
# so, with one objective, is an option that a sampler refuses only once it knows the space
# (cmaes's x0: at the ask after the startup trials, when they had run), at the option,
# whatever n_startup_trials the sweep gives (with 3, the run's fourth trial refused it); a
# name that is no param of the sweep is refused by name, with the param it is a typo of
for opts in '' ', n_startup_trials: 3'; do
    for x0 in '{y: 0.5}|param '"'y'"' is not a param of the sweep (its key '"'parameters'"')' \
        '{lrr: 0.5}|param '"'lrr'"' is not a param of the sweep; did you mean '"'lr'"'?' \
        '{lr: 5}|sampler '"'cmaes'"': option '"'x0'"': param '"'lr'"': 5 is outside its distribution [0, 1]' \
        '{k: 7.25}|param '"'k'"': 7.25 is outside its distribution [0, 10] or off its step'; do
        printf '%s\nsampler:\n  name: cmaes\n  options: {x0: %s%s}\nparameters:\n  lr: {min: 0.0, max: 1.0}\n  k: {distribution: q_uniform, min: 0, max: 10, q: 0.5}\n' \
            "$head" "${x0%|*}" "$opts" > x0.yaml
        rm -f "$T/s.db"
        check x0.yaml "x0.yaml:5:17: key 'sampler.options.x0': " "${x0#*|}"
        [ ! -e "$T/s.db" ] || fail "cmaes x0 ${x0%|*}$opts: a storage was opened"
    done
done
# an x0 naming a constant ({value: 3}), which no trial searches, and leaving out a searched
# param is refused by cmaes's own check, as before knob run checked x0's names
printf '%s\nsampler:\n  name: cmaes\n  options: {x0: {lr: 0.2, c: 3}}\nparameters:\n  lr: {min: 0.0, max: 1.0}\n  c: {value: 3}\n  w: {min: 0.0, max: 1.0}\n' \
    "$head" > x0.yaml
check x0.yaml "x0.yaml:5:17: key 'sampler.options.x0': " "no trial of this study has a param 'c', and x0 gives no value of 'w'"
printf '%s\ncommand: [echo, a=1]\nsampler:\n  name: cmaes\n  options: {x0: {lr: 0.25}}
parameters:\n  lr: {min: 0.0, max: 1.0}\n' "$head" > x0.yaml
"$KNOB" run x0.yaml --storage "sqlite:///$T/x0.db" --trials 3 > x0.txt 2>&1 ||
    fail "cmaes x0 that fits: $(cat x0.txt)"
# a sampler that fits, and grid (given its points only once it is made), are not refused
k=0
for smp in tpe nsga2 gp grid '{name: gp, options: {reference_point: [1, 2]}}'; do
    printf '%s\nsampler: %s\nparameters:\n  lr: {min: 0, max: 1}\n' "$two" "$smp" > mo.yaml
    k=$((k + 1))
    "$KNOB" ask s --sweep mo.yaml --storage "sqlite:///$T/mo-$k.db" > out.txt 2> err.txt ||
        fail "sampler $smp with two objectives refused: $(cat err.txt)"
done
echo ok
