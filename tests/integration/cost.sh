#!/usr/bin/env bash
# cost: in a sweep: a metric's last value is stored as the trial's user attr of that name
# and the sampler's option cost is set when it has one (gp, tpe); a sampler without it
# warns and searches cost-blind; a trial that never prints the cost metric fails.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "loss=$x gpu_s=$(awk "BEGIN { print $x * 3 + 1 }")"', sh, "${args_no_hyphens}"]
sampler: {name: gp, options: {n_startup_trials: 3}}
metric: {name: loss, goal: minimize}
cost: gpu_s
trials: 6
parameters:
  x: {min: 0.0, max: 1.0}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study c > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
grep -q "warning: cost" run.err && fail "gp takes a cost: $(cat run.err)"
"$KNOB" trials c $S --format json > t.json
expect_eq "$(py 'sorted(set(t["state"] for t in d))' < t.json)" '["complete"]' "states"
expect_eq "$(py 'all(abs(t["user_attrs"]["gpu_s"] - (1 + 3 * t["params"]["x"])) < 1e-5 for t in d)' < t.json)" \
    'True' "the cost metric as a user attr"
# random takes no cost: a warning, and the trials run.
sed -i 's/sampler: .*/sampler: random/' s.yaml
"$KNOB" run s.yaml $S --study r > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
grep -q "warning: cost: sampler 'random' takes no cost" run.err || fail "warning: $(cat run.err)"
# never printed: the trial fails with that reason
sed -i 's/^cost: .*/cost: energy/' s.yaml
"$KNOB" run s.yaml $S --study e > run.txt 2> run.err || true
"$KNOB" trials e $S --format json > t.json
py 'd[0]["system_attrs"]["fail_reason"]' < t.json | grep -q "no cost metric 'energy' in stdout" \
    || fail "reason: $(py 'd[0]["system_attrs"]' < t.json)"
# printed as no number: the reason says so (it said the metric was never printed)
printf 'command: [/bin/sh, -c, "echo loss=0.5 gpu_s=abc"]\nmetric: {name: loss}\ncost: gpu_s\nsampler: tpe\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > nn.yaml
"$KNOB" run nn.yaml $S --study nn --trials 1 > run.txt 2> run.err || true
"$KNOB" trials nn $S --format json > t.json
py 'd[0]["system_attrs"]["fail_reason"]' < t.json \
    | grep -qF "no cost metric 'gpu_s' in stdout: its value 'abc' is not a number" \
    || fail "reason of a cost that is no number: $(py 'd[0]["system_attrs"]' < t.json)"
# a cost of 0 is a trial that cost nothing: it completes with it (the samplers count it as a
# hundredth of the least positive cost; python.samplers)
printf 'command: [/bin/sh, -c, "echo loss=0.5 gpu_s=0"]\nmetric: {name: loss}\ncost: gpu_s\nsampler: tpe\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > z.yaml
"$KNOB" run z.yaml $S --study z --trials 1 > run.txt 2> run.err || fail "a cost of 0: $(cat run.err)"
"$KNOB" trials z $S --format json > t.json
expect_eq "$(py '[d[0]["state"], d[0]["user_attrs"]["gpu_s"]]' < t.json)" '["complete", 0]' "a cost of 0"
# an empty cost is refused at its line (every trial failed: "no cost metric ''")
printf 'command: [/bin/sh, -c, "echo loss=0.5"]\nmetric: {name: loss}\ncost: ""\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > e.yaml
rc=0
"$KNOB" run e.yaml $S --study ec > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of an empty cost ($(cat run.err))"
grep -qF "e.yaml:3:7: key 'cost': empty" run.err || fail "an empty cost: $(cat run.err)"
# knob ask with a cost metric: knob tell takes none, said at the key (the search was
# cost-blind without a word)
"$KNOB" ask ac --sweep z.yaml $S > /dev/null 2> ask.err || fail "ask: $(cat ask.err)"
grep -qF "z.yaml:3:7: warning: key 'cost': knob tell takes no cost" ask.err || fail "ask with a cost: $(cat ask.err)"
# said once a study, when its sweep is stored, not at each ask of a loop
"$KNOB" ask ac --sweep z.yaml $S > /dev/null 2> ask2.err || fail "ask again: $(cat ask2.err)"
grep -q "takes no cost" ask2.err && fail "the cost warning again at the second ask: $(cat ask2.err)"
# cost: null (or ~), YAML's null, is no metric's name: refused at its line (every trial failed)
printf 'command: [/bin/sh, -c, "echo loss=0.5"]\nmetric: {name: loss}\ncost: ~\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > n.yaml
rc=0
"$KNOB" run n.yaml $S --study nc > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of cost: ~ ($(cat run.err))"
grep -qF "n.yaml:3:7: key 'cost': null" run.err || fail "cost: ~: $(cat run.err)"
# the key beside the sampler's own option cost: refused at the key (the key's overrode it)
printf 'command: [/bin/sh, -c, "echo loss=0.5 a=1 b=2"]\nmetric: {name: loss}\ncost: a\nsampler: {name: tpe, options: {cost: b}}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > two.yaml
rc=0
"$KNOB" run two.yaml $S --study two > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of two costs ($(cat run.err))"
grep -qF "two.yaml:3:7: key 'cost': the sampler's option 'cost' is set too" run.err || fail "two costs: $(cat run.err)"
# a cost metric named params: a user attribute of that name, beside the params the program
# got (a system attribute, program_params), which knob trials shows as before (it was
# refused while knob kept them under that name)
printf 'command: [/bin/sh, -c, "echo loss=0.5 params=7"]\nmetric: {name: loss}\ncost: params\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > p.yaml
"$KNOB" run p.yaml $S --study p --trials 2 > /dev/null 2> run.err || fail "cost: params: $(cat run.err)"
"$KNOB" trials p $S --format json > p.json
expect_eq "$(py 'all(set(t["params"]) == {"x"} and t["user_attrs"]["params"] == 7 for t in d)' < p.json)" True \
    "cost: params beside the params ($(cat p.json))"
# cost_budget needs a cost: beside the key cost it is taken (the key sets the sampler's option
# cost when it is made); without it, refused at the option's line, naming both (a budget
# alone searched cost-blind without a word)
printf 'command: [/bin/sh, -c, "echo loss=0.5 gpu_s=2"]\nmetric: {name: loss}\ncost: gpu_s\nsampler: {name: gp, options: {cost_budget: 50, n_startup_trials: 2}}\ntrials: 3\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > b.yaml
"$KNOB" run b.yaml $S --study b > run.txt 2> run.err || fail "cost with cost_budget: $(cat run.txt run.err)"
sed -i '/^cost:/d' b.yaml
rc=0
"$KNOB" run b.yaml $S --study b2 > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of cost_budget without cost ($(cat run.err))"
grep -qF "b.yaml:3:" run.err && grep -qF "option 'cost_budget' (50) is set without 'cost'" run.err ||
    fail "cost_budget without cost: $(cat run.err)"
# the sampler's own option cost naming a user attr no trial sets (the key cost would have
# stored the metric): the search is cost-blind, said once at the end of the run
printf 'command: [/bin/sh, -c, "echo loss=0.5 gpu_s=2"]\nmetric: {name: loss}\nsampler: {name: tpe, options: {cost: gpu_s, n_startup_trials: 2}}\ntrials: 4\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > u.yaml
"$KNOB" run u.yaml $S --study u > run.txt 2> run.err || fail "u: $(cat run.txt run.err)"
expect_eq "$(grep -c "warning: cost: tpe: cost 'gpu_s': none of the first 2 complete trials has it" run.err)" 1 \
    "the unseen cost ($(cat run.err))"
echo ok
