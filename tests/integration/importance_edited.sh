#!/usr/bin/env bash
# knob importance of a study resumed with an edited sweep (a range widened, as docs/sweep.md
# allows; a PBT sweep's bound lowered): each param is evaluated over every trial, its values
# compared as numbers. a was left out without a word ('b 1.000' alone), with a and b named the
# first run was read alone, and the PBT study had '(no params)' with the false reason that no
# complete trial held one. A param that fanova still cannot evaluate is named, with the reason.
source "$(dirname "$0")/lib.bash"
cat > ab.sh <<'SH'
#!/bin/sh
a=0 b=0
for x in "$@"; do case $x in --a=*) a=${x#--a=} ;; --b=*) b=${x#--b=} ;; esac; done
awk -v a="$a" -v b="$b" 'BEGIN { printf "loss=%.17g\n", a * a + 0.1 * b }'
SH
chmod +x ab.sh
printf 'program: ./ab.sh\nmetric: {name: loss, goal: minimize}\nmethod: random\nseed: 1\nparameters:\n  a: {min: 0.0, max: 1.0}\n  b: {min: 0.0, max: 1.0}\n' > s1.yaml
sed 's/a: {min: 0.0, max: 1.0}/a: {min: 0.0, max: 2.0}/' s1.yaml > s2.yaml
S="--storage sqlite:///$T/s.db"
"$KNOB" run s1.yaml $S --study e --trials 10 > /dev/null 2>&1 || fail "the first run"
"$KNOB" run s2.yaml $S --study e --trials 10 > /dev/null 2>&1 || fail "the edited run"
for m in fanova ped-anova; do
    "$KNOB" importance e $S --method $m --json > all.json 2> all.err || fail "$m: $(cat all.err)"
    [ ! -s all.err ] || fail "$m: a warning: $(cat all.err)"
    expect_eq "$(py 'sorted(d["importance"])' < all.json)" '["a", "b"]' "$m: both params"
    expect_eq "$(py 'list(d["importance"])[0]' < all.json)" a "$m: a matters most"
    # named, the same trials (the edited run's among them): the same shares
    "$KNOB" importance e a b $S --method $m --json > named.json 2> named.err || fail "$(cat named.err)"
    expect_eq "$(py 'd["importance"]' < named.json)" "$(py 'd["importance"]' < all.json)" \
        "$m: a and b named"
done

# PBT: the second run lowers lr's max (and the population grows)
cp "$PROGS/pbt_toy.sh" .
printf 'program: pbt_toy.sh\nmethod: pbt\nmetric: {name: score, goal: maximize}\nseed: 3\npbt: {population: 4, interval: 1, max_steps: 3}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.01, max: 0.9}\n' > p1.yaml
sed -e 's/max: 0.9}/max: 0.3}/' -e 's/population: 4/population: 5/' -e 's/max_steps: 3/max_steps: 5/' \
    p1.yaml > p2.yaml
"$KNOB" run p1.yaml $S --study p > /dev/null 2>&1 || fail "the PBT run"
sleep 2.5 # every member free for the resumed run (PBT_STEAL_AFTER in pbt_run.c)
"$KNOB" run p2.yaml $S --study p > out.txt 2>&1 || fail "the edited PBT run: $(cat out.txt)"
"$KNOB" importance p $S > p.txt 2> p.err || fail "PBT: $(cat p.txt p.err)"
[ ! -s p.err ] || fail "PBT: a warning: $(cat p.err)"
grep -q "^  lr    1.000" p.txt || fail "PBT: lr: $(cat p.txt)"

# a param made a range where it was a list of values (o), and one some trials lack (c): fanova
# leaves them out, saying which and why; PED-ANOVA evaluates both; named, fanova refuses o
printf 'program: ./ab.sh\nmetric: {name: loss, goal: minimize}\nmethod: random\nparameters:\n  a: {min: 0.0, max: 1.0}\n  o: {values: [p, q]}\n' > o1.yaml
printf 'program: ./ab.sh\nmetric: {name: loss, goal: minimize}\nmethod: random\nparameters:\n  a: {min: 0.0, max: 1.0}\n  o: {min: 0.0, max: 1.0}\n  c: {min: 0.0, max: 1.0}\n' > o2.yaml
"$KNOB" run o1.yaml $S --study o --trials 6 > /dev/null 2>&1 || fail "o1"
"$KNOB" run o2.yaml $S --study o --trials 6 > /dev/null 2>&1 || fail "o2"
"$KNOB" importance o $S --json > o.json 2> o.err || fail "mixed: $(cat o.err)"
expect_eq "$(py 'list(d["importance"])' < o.json)" '["a"]' "fanova of a alone"
grep -q "warning: param 'o' left out: it is a number in 6 trials and a categorical in 6, and fanova cannot evaluate it as one" o.err ||
    fail "o left out: $(cat o.err)"
grep -q "warning: param 'c' left out: it is in 6 of the 12 complete trials with a value of objective 0 'loss' of study 'o', and fanova evaluates the params every one of them holds" o.err ||
    fail "c left out: $(cat o.err)"
expect_eq "$(grep -c warning o.err)" 2 "two warnings"
"$KNOB" importance o $S --method ped-anova --json > o.json 2> o.err || fail "ped-anova: $(cat o.err)"
expect_eq "$(py 'sorted(d["importance"])' < o.json)" '["a", "c", "o"]' "ped-anova of every param"
[ ! -s o.err ] || fail "ped-anova: a warning: $(cat o.err)"
rc=0
"$KNOB" importance o a o $S > o.txt 2> o.err || rc=$?
expect_eq "$rc" 1 "fanova of o named"
grep -q "param 'o' is a number in 6 trials and a categorical in 6: fanova cannot evaluate it as one" o.err ||
    fail "o named: $(cat o.err)"
echo ok
