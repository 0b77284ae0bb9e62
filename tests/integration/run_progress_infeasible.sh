#!/usr/bin/env bash
# knob run's line per finished trial marks a complete trial that violates a constraint
# ("infeasible"; it was shown as any complete trial), and its best is never such a trial,
# although the infeasible ones have the lowest losses here.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "loss=$((10 - x)) size=$((x * 10))"', sh, "${args_no_hyphens}"]
method: grid
metric: {name: loss, goal: minimize}
constraints: [{name: size, max: 45}]
parameters:
  x: {values: [1, 3, 5, 7, 9]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study c > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials c $S --format json > t.json
# number -> feasible, as stored (x=5, 7, 9 are infeasible: size > 45)
py '" ".join("%d:%d" % (t["number"], t["feasible"]) for t in d)' < t.json > feasible.txt
expect_eq "$(py 'sorted((t["params"]["x"], t["feasible"]) for t in d)' < t.json)" \
    '[[1, true], [3, true], [5, false], [7, false], [9, false]]' "stored feasibility"
for nf in $(cat feasible.txt); do
    n=${nf%:*} f=${nf#*:}
    line=$(grep "^trial $n complete " run.txt) || fail "no line for trial $n: $(cat run.txt)"
    if [ "$f" = 1 ]; then
        case "$line" in *infeasible*) fail "feasible trial $n marked: $line" ;; esac
    else
        case "$line" in
        "trial $n complete loss="*" infeasible (violates a constraint)  ["*) ;;
        *) fail "infeasible trial $n not marked: $line" ;;
        esac
    fi
    # the best a line shows is a feasible trial's
    best=$(sed -n 's/.*\] best [^ ]* (trial \([0-9]*\)).*/\1/p' <<< "$line")
    if [ -n "$best" ]; then
        grep -qw "$best:1" feasible.txt || fail "trial $n's line names infeasible trial $best best: $line"
    fi
done
expect_eq "$(grep -c ' infeasible (violates a constraint)' run.txt)" 3 "marked lines: $(cat run.txt)"
grep -q '^best 7 (trial [0-9]*) {"x":3}$' run.txt || fail "summary: $(cat run.txt)"
echo ok
