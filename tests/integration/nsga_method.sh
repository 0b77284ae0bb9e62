#!/usr/bin/env bash
# method: nsga2 and method: nsga3 (knob's own keys; W&B has no genetic method) choose those
# samplers with their default options: the trials record their generation under the
# sampler's keys, the second generation's children their parents. Without a metric or
# objectives they are refused at the key's line; a misspelt method is named with its
# nearest.
source "$(dirname "$0")/lib.bash"
write() {
    cat > s.yaml <<YAML
command: [/bin/sh, -c, 'x=\${1#x=}; y=\${2#y=}; echo "a=\$x b=\$(awk "BEGIN { print 1 - \$x + \$y }") c=\$y"', sh, "\${args_no_hyphens}"]
method: $1
$2
trials: $3
seed: 7
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
YAML
}
S="--storage sqlite:///$T/s.db"
# nsga2's population is 50 by default: 55 trials are two generations
write nsga2 'objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}]' 55
"$KNOB" run s.yaml $S --study n2 > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials n2 $S --format json > t.json
expect_eq "$(py '[sum(1 for t in d if t["system_attrs"].get("nsga2:generation") == g) for g in (0, 1)]' < t.json)" \
    '[50, 5]' "nsga2's generations"
expect_eq "$(py 'all("nsga2:parents" in t["system_attrs"] for t in d if t["system_attrs"]["nsga2:generation"] == 1)' < t.json)" \
    'True' "nsga2's children record their parents"
write nsga3 'objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}, {name: c, goal: maximize}]' 6
"$KNOB" run s.yaml $S --study n3 > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials n3 $S --format json > t.json
expect_eq "$(py '[t["system_attrs"].get("nsga3:generation") for t in d]' < t.json)" \
    '[0, 0, 0, 0, 0, 0]' "nsga3's generation"
"$KNOB" best n3 $S --json > best.json || fail "best: $(cat best.json)"
# one objective: nsga2 is an elitist genetic algorithm
write nsga2 'metric: {name: a, goal: minimize}' 3
"$KNOB" run s.yaml $S --study n1 > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials n1 $S --format json > t.json
expect_eq "$(py '[t["system_attrs"].get("nsga2:generation") for t in d]' < t.json)" '[0, 0, 0]' "one objective"
# no metric: refused at the method's line, before anything runs
write nsga3 '' 3
if "$KNOB" run s.yaml $S --study none > run.txt 2> run.err; then
    fail "method nsga3 without a metric ran"
fi
grep -q "s.yaml:2:9: key 'metric': missing .*method nsga3 learns from it" run.err || fail "error: $(cat run.err)"
write nsga4 'metric: {name: a}' 3
if "$KNOB" run s.yaml $S --study bad > run.txt 2> run.err; then
    fail "method nsga4 ran"
fi
grep -q "expected grid, random, bayes, pbt, nsga2 or nsga3, got nsga4; did you mean 'nsga" run.err || fail "error: $(cat run.err)"
echo ok
