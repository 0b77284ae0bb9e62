#!/usr/bin/env bash
# cost: with two objectives: gp (log EHVI less the cooled log cost) and tpe (MOTPE) take the
# cost metric, store it as the trial's user attr, and after the startup ask for cheaper
# trials than the same sweep without cost when the objectives do not care what x (the
# cost) is.
source "$(dirname "$0")/lib.bash"
write() {
    cat > s.yaml <<YAML
command: [/bin/sh, -c, 'x=\${1#x=}; y=\${2#y=}; echo "a=\$y b=\$(awk "BEGIN { print 1 - \$y }") gpu_s=\$(awk "BEGIN { print exp(\$x * log(10)) }")"', sh, "\${args_no_hyphens}"]
sampler: {name: $1, options: {n_startup_trials: 4}}
objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}]
$2
trials: 14
seed: 5
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
YAML
}
S="--storage sqlite:///$T/s.db"
# the cost of trials 4-13
spent() {
    "$KNOB" trials "$1" $S --format json > t.json
    expect_eq "$(py 'sorted(set(t["state"] for t in d))' < t.json)" '["complete"]' "states of $1"
    py 'round(sum(10 ** t["params"]["x"] for t in d if t["number"] >= 4), 3)' < t.json
}
for sampler in gp tpe; do
    write $sampler 'cost: gpu_s'
    "$KNOB" run s.yaml $S --study "$sampler-aware" > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
    grep -q "warning: cost" run.err && fail "$sampler takes a cost: $(cat run.err)"
    aware=$(spent "$sampler-aware")
    expect_eq "$(py 'all(abs(t["user_attrs"]["gpu_s"] - 10 ** t["params"]["x"]) < 1e-4 * t["user_attrs"]["gpu_s"] for t in d)' < t.json)" \
        'True' "the cost metric as a user attr ($sampler)"
    write $sampler ''
    "$KNOB" run s.yaml $S --study "$sampler-blind" > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
    blind=$(spent "$sampler-blind")
    echo "$sampler: trials 4-13 cost $aware cost-aware, $blind cost-blind"
    expect_eq "$(python3 -c "print($aware < 0.75 * $blind)")" 'True' "$sampler: cheaper asks with cost"
done
echo ok
