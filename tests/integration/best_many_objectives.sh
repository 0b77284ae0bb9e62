#!/usr/bin/env bash
# knob best and knob report of a study of 10 objectives whose 150 trials all lie on its
# Pareto front: the exact hypervolume of such a front takes hours (exponential in the
# objectives; knob computes it for at most 70 points in 10 objectives), so knob best lists
# the front and says the hypervolume was not computed, and the report has no hypervolume
# history; both finish at once. A small front of as many objectives still gets its
# hypervolume.
source "$(dirname "$0")/lib.bash"
objs=""
for j in 0 1 2 3 4 5 6 7 8 9; do objs="$objs{name: f$j, goal: minimize}, "; done
# each trial a point of the unit sphere's positive part, 1 - u / |u|: none dominates another
cat > sweep.yaml <<YAML
command: [awk, 'BEGIN { for (i = 1; i < ARGC; i++) { split(ARGV[i], kv, "="); u[i] = kv[2]; s += u[i] * u[i] }
  for (i = 1; i < ARGC; i++) printf "f%d=%.17g ", i - 1, 1 - u[i] / sqrt(s); print "" }', "\${args_no_hyphens}"]
method: random
objectives: [${objs%, }]
parameters:
YAML
for j in 0 1 2 3 4 5 6 7 8 9; do echo "  u$j: {min: 0.01, max: 1.0}" >> sweep.yaml; done
S="sqlite:///$T/m.db"
"$KNOB" run sweep.yaml --storage "$S" --study small --trials 20 --seed 1 > /dev/null 2> run.err ||
    fail "run: $(cat run.err)"
"$KNOB" best small --storage "$S" > best.txt || fail "best: $(cat best.txt)"
grep -q "^Pareto front: 20 feasible trials, hypervolume [0-9]" best.txt || fail "small: $(tail -1 best.txt)"
# the trials table of 10 objectives: its columns line up in every row (the VALUE column
# was 16 characters wide whatever the values, and shifted each row's DURATION and PARAMS)
"$KNOB" trials small --storage "$S" > table.txt || fail "trials small"
python3 - table.txt <<'PY' || fail "table of 10 objectives: $(head -3 table.txt)"
import sys
lines = open(sys.argv[1]).read().splitlines()
at = lines[0].index("PARAMS")
assert len(lines) == 21 and all(l[at] == "{" and l[at - 2:at] == "  " for l in lines[1:]), lines[:3]
PY
"$KNOB" run sweep.yaml --storage "$S" --study big --trials 150 --parallel 2 --seed 2 > /dev/null 2> run.err ||
    fail "run: $(cat run.err)"
"$KNOB" best big --storage "$S" > best.txt || fail "best: $(cat best.txt)"
expect_eq "$(grep -c '^trial' best.txt)" 150 "every trial on the front"
grep -q "^Pareto front: 150 feasible trials (hypervolume not computed: .*10 objectives" best.txt ||
    fail "big: $(tail -1 best.txt)"
"$KNOB" report big --storage "$S" -o - 2> report.err | report_data > data.json
expect_eq "$(py '[len(d["pareto"]), d["hypervolume"]]' < data.json)" '[150, null]' "report"
echo ok
