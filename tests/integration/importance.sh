#!/usr/bin/env bash
# knob importance: bars and JSON by both methods, a param subset, usage errors.
source "$(dirname "$0")/lib.bash"
cat > lin.sh <<'SH'
#!/usr/bin/env bash
# loss = 4 x0 + 2 x1 + 0 x2, from --x0=V --x1=V --x2=V
for a in "$@"; do declare "${a#--}"; done
awk -v a="$x0" -v b="$x1" 'BEGIN { printf "loss=%.17g\n", 4 * a + 2 * b }'
SH
chmod +x lin.sh
cat > sweep.yaml <<YAML
program: $T/lin.sh
command: ["\${program}", "\${args}"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x0: {min: -1.0, max: 1.0}
  x1: {min: -1.0, max: 1.0}
  x2: {min: -1.0, max: 1.0}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --trials 60 --parallel 4 --study lin --seed 3 > /dev/null
"$KNOB" importance lin $S > bars.txt
grep -q "importance in study 'lin' (fanova, objective 0 'loss')" bars.txt || fail "title: $(cat bars.txt)"
expect_eq "$(sed -n 2p bars.txt | awk '{print $1}')" "x0" "fanova: x0 first"
expect_eq "$(sed -n 3p bars.txt | awk '{print $1}')" "x1" "fanova: x1 second"
sed -n 2p bars.txt | grep -q "##########" || fail "a bar: $(cat bars.txt)"
"$KNOB" importance lin $S --method ped-anova --json > imp.json
expect_eq "$(py 'list(d["importance"])' < imp.json)" '["x0", "x1", "x2"]' "ped-anova order"
expect_eq "$(py 'round(sum(d["importance"].values()), 9)' < imp.json)" "1.0" "shares sum to 1"
expect_eq "$(py 'd["method"]' < imp.json)" "ped-anova" "method in the JSON"
# --raw: the method's own numbers (Optuna's normalize=False), which divided by their sum
# are the shares, in the same order; said in the title and the JSON.
for m in fanova ped-anova; do
    "$KNOB" importance lin $S --method $m --json > norm.json
    "$KNOB" importance lin $S --method $m --json --raw > raw.json
    expect_eq "$(py 'd.get("raw")' < raw.json)" "True" "$m: raw in the JSON"
    expect_eq "$(py 'list(d["importance"])' < raw.json)" "$(py 'list(d["importance"])' < norm.json)" "$m: raw order"
    expect_eq "$(py 'round(sum(d["importance"].values()), 6) != 1' < raw.json)" "True" "$m: raw numbers are not shares"
    expect_eq "$(py '[round(v / sum(d["importance"].values()), 9) for v in d["importance"].values()]' < raw.json)" \
        "$(py '[round(v, 9) for v in d["importance"].values()]' < norm.json)" "$m: raw / sum"
done
"$KNOB" importance lin $S --method ped-anova --raw > raw.txt
head -n 1 raw.txt | grep -q "(ped-anova, objective 0 'loss', raw)" || fail "raw title: $(head -n 1 raw.txt)"
sed -n 2p raw.txt | grep -q "########################################" || fail "raw: the largest a full bar: $(cat raw.txt)"
"$KNOB" importance --help | grep -q -- "--raw" || fail "help of --raw"
"$KNOB" importance lin x2 x1 $S --json > sub.json
expect_eq "$(py 'list(d["importance"])' < sub.json)" '["x1", "x2"]' "a subset"
# An empty method is the default, and says so.
"$KNOB" importance lin $S --method '' > empty.txt
head -n 1 empty.txt | grep -q "(fanova, objective 0 'loss')" || fail "an empty method: $(head -n 1 empty.txt)"
expect_eq "$(sed -n 2p empty.txt)" "$(sed -n 2p bars.txt)" "an empty method is fanova"
expect_eq "$("$KNOB" importance lin $S --method '' --json | py 'd["method"]')" fanova "an empty method in the JSON"
if "$KNOB" importance lin $S --method mdi 2> err.txt; then fail "unknown method accepted"; fi
grep -q "unknown method 'mdi' (choices: fanova, ped-anova)" err.txt || fail "method: $(cat err.txt)"
if "$KNOB" importance lin $S --objective 1 2> err.txt; then fail "objective 1 accepted"; fi
grep -q "objective 1 is out of range" err.txt || fail "objective: $(cat err.txt)"
if "$KNOB" importance lin nope $S 2> err.txt; then fail "unknown param accepted"; fi
grep -q "param 'nope'" err.txt || fail "param: $(cat err.txt)"
if "$KNOB" importance missing $S 2> err.txt; then fail "missing study accepted"; fi
grep -q "missing" err.txt || fail "study: $(cat err.txt)"
"$KNOB" importance --help | grep -q "ped-anova" || fail "help"
# Two objectives: the first moved by x0, the second by x1; --objective picks one.
cat > two.sh <<'SH'
#!/usr/bin/env bash
for a in "$@"; do declare "${a#--}"; done
awk -v a="$x0" -v b="$x1" 'BEGIN { printf "a=%.17g\nb=%.17g\n", 4 * a, -3 * b * b }'
SH
chmod +x two.sh
cat > two.yaml <<YAML
program: $T/two.sh
command: ["\${program}", "\${args}"]
objectives: [{name: a, goal: minimize}, {name: b, goal: maximize}]
method: random
parameters:
  x0: {min: -1.0, max: 1.0}
  x1: {min: -1.0, max: 1.0}
  x2: {min: -1.0, max: 1.0}
YAML
"$KNOB" run two.yaml $S --trials 40 --parallel 4 --study two --seed 3 > /dev/null
expect_eq "$("$KNOB" importance two $S --json | py 'list(d["importance"])[0]')" x0 "objective 0: x0"
"$KNOB" importance two $S --objective 1 --json > one.json
expect_eq "$(py 'list(d["importance"])[0]' < one.json)" x1 "objective 1: x1"
expect_eq "$(py 'd["objective"]' < one.json)" 1 "objective 1 in the JSON"
"$KNOB" importance two $S --objective 1 --method ped-anova | grep -q "(ped-anova, objective 1 'b')" ||
    fail "objective 1 by ped-anova"
if "$KNOB" importance two $S --objective 2 2> err.txt; then fail "objective 2 accepted"; fi
grep -q "objective 2 is out of range" err.txt || fail "objective 2: $(cat err.txt)"
# --objective pareto: PED-ANOVA of reaching the Pareto front (x0 and x1 set it, x2 does not);
# it was refused as not a whole number. fanova evaluates one objective only.
"$KNOB" importance two $S --objective pareto --method ped-anova --json > front.json ||
    fail "pareto: $(cat front.json)"
expect_eq "$(py '[d["objective"], list(d["importance"])[2], round(sum(d["importance"].values()), 9)]' < front.json)" \
    '["pareto", "x2", 1.0]' "the Pareto front's importance"
"$KNOB" importance two $S --objective pareto --method ped-anova | grep -q "(ped-anova, objective pareto)" ||
    fail "pareto in the bars' title"
if "$KNOB" importance two $S --objective pareto 2> err.txt; then fail "fanova of the fronts accepted"; fi
grep -q "fanova evaluates one objective of study 'two' (it has 2)" err.txt || fail "fanova: $(cat err.txt)"

# shares of nothing are said: an objective that never varied gave 0.000 for every param, and a
# study without complete trials "(no params)", without a word
printf '#!/bin/sh\necho loss=1\n' > flat.sh
chmod +x flat.sh
printf 'program: ./flat.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  a: {min: 0.0, max: 1.0}\n  b: {min: 0.0, max: 1.0}\n' > flat.yaml
"$KNOB" run flat.yaml $S --study flat --trials 8 > /dev/null 2>&1 || fail "the flat study"
"$KNOB" run flat.yaml $S --study empty --trials 0 > /dev/null 2>&1 || fail "the empty study"
"$KNOB" importance flat $S > flat.out 2> flat.err || fail "importance of a flat objective"
grep -q "every share is 0: the objective did not vary across the 8 complete trials" flat.err ||
    fail "a flat objective: $(cat flat.out flat.err)"
"$KNOB" importance empty $S > empty.out 2> empty.err || fail "importance without trials"
grep -q "no param to measure (study 'empty' has 0 complete trials" empty.err ||
    fail "no complete trial: $(cat empty.out empty.err)"
# a name of several bytes per character is padded by its characters: the shares stand in one
# column (padded by bytes, "längé" took two columns more than "b")
printf '#!/bin/sh\necho "loss=${1#*=}"\n' > u.sh
chmod +x u.sh
printf 'program: ./u.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  längé: {min: 0.0, max: 1.0}\n  b: {min: 0.0, max: 1.0}\n' > u.yaml
"$KNOB" run u.yaml $S --study u --trials 12 > /dev/null 2>&1 || fail "the study of a unicode name"
"$KNOB" importance u $S > u.out 2> u.err || fail "importance of a unicode name: $(cat u.err)"
expect_eq "$(python3 -c '
import sys
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:] if l.strip()]
print(len(set(l.index(".") for l in rows)), len(rows))' u.out)" "1 2" "the shares in one column: $(cat u.out)"
echo ok
