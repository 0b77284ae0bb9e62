#!/usr/bin/env bash
# nsga2 from a sweep file: two objectives, a constraint, a small population; each trial
# records its generation, the children of generation 1 on record their parents, and knob
# best shows feasible trials only.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; y=${2#y=}; echo "a=$x b=$(awk "BEGIN { print 1 - $x + $y }") c=$y"', sh, "${args_no_hyphens}"]
sampler: {name: nsga2, options: {population_size: 4, crossover: sbx}}
objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}]
constraints: [{name: c, max: 0.5}]
trials: 12
seed: 3
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study n > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials n $S --format json > t.json
expect_eq "$(py 'sorted(t["system_attrs"]["nsga2:generation"] for t in d)' < t.json)" \
    '[0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]' "generations of 4"
expect_eq "$(py '[("nsga2:parents" in t["system_attrs"]) for t in d if t["system_attrs"]["nsga2:generation"] > 0]' < t.json)" \
    '[true, true, true, true, true, true, true, true]' "parents recorded"
"$KNOB" best n $S --json > best.json || fail "best"
expect_eq "$(python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; print(len(r) > 0 and all(t["feasible"] and t["params"]["y"] <= 0.5 for t in r))' < best.json)" \
    'True' "the front is feasible"
echo ok
