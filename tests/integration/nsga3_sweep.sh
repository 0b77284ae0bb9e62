#!/usr/bin/env bash
# nsga3 from a sweep file: three objectives, a constraint, user reference points given as a
# YAML list; each trial records its generation under nsga3's keys, the children record their
# parents, and knob best shows feasible trials only. A reference point of the wrong size is
# refused with the option's name.
source "$(dirname "$0")/lib.bash"
write() {
    cat > s.yaml <<YAML
command: [/bin/sh, -c, 'x=\${1#x=}; y=\${2#y=}; echo "a=\$x b=\$(awk "BEGIN { print 1 - \$x + \$y }") c=\$y d=\$(awk "BEGIN { print \$x * \$y }")"', sh, "\${args_no_hyphens}"]
sampler: {name: nsga3, options: {population_size: 4, crossover: sbx, reference_points: $1}}
objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}, {name: d, goal: maximize}]
constraints: [{name: c, max: 0.5}]
trials: 12
seed: 3
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
YAML
}
write '[[1, 0, 0], [0, 1, 0], [0, 0, 1]]'
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study n > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials n $S --format json > t.json
expect_eq "$(py 'sorted(t["system_attrs"]["nsga3:generation"] for t in d)' < t.json)" \
    '[0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]' "generations of 4"
expect_eq "$(py '[("nsga3:parents" in t["system_attrs"]) for t in d if t["system_attrs"]["nsga3:generation"] > 0]' < t.json)" \
    '[true, true, true, true, true, true, true, true]' "parents recorded"
"$KNOB" best n $S --json > best.json || fail "best"
expect_eq "$(python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; print(len(r) > 0 and all(t["feasible"] and t["params"]["y"] <= 0.5 for t in r))' < best.json)" \
    'True' "the front is feasible"
write '[[1, 0], [0, 1]]'
if "$KNOB" run s.yaml $S --study w > run2.txt 2> run2.err; then
    fail "reference points of 2 objectives in a study of 3 were accepted"
fi
grep -q "reference_points" run2.err run2.txt || fail "no word of reference_points: $(cat run2.txt run2.err)"
echo ok
