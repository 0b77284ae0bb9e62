#!/usr/bin/env bash
# knob lr-find on a synthetic loss curve (programs/lr_curve.sh) with a known steepest
# descent (10^-3.5), minimum (0.01) and divergence point (the first rate past
# 0.01 * 4^(1/4), where the loss is 4x its lowest): the rates on stdin, or the schedule
# in KNOB_LR_SCHEDULE; the run stops at divergence; the other params' values; errors.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/lr_curve.sh" .
cat > sweep.yaml <<YAML
command: [$T/lr_curve.sh, "\${args}"]
metric: {name: acc, goal: maximize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
  width: {distribution: log_uniform_values, min: 4, max: 64}
  opt: {values: [sgd, adam]}
YAML
expected=$(python3 -c "
i = 0
while 1e-6 * 1e7 ** (i / 140) <= 0.01 * 4 ** 0.25: i += 1
print(i + 1, 1e-6 * 1e7 ** (i / 140))")
n=${expected% *} rate=${expected#* }
"$KNOB" lr-find sweep.yaml --param lr --min 1e-6 --max 10 --steps 141 --smoothing 0 --json \
    > r.json 2> err.txt || fail "lr-find: $(cat err.txt)"
expect_eq "$(py 'd["steps"]' < r.json)" "$n" "steps until divergence"
expect_eq "$(py 'abs(d["diverge_rate"] / '"$rate"' - 1) < 1e-9' < r.json)" True "divergence rate"
expect_eq "$(py 'abs(d["steepest_rate"] / 10 ** -3.5 - 1) < 1e-9' < r.json)" True "steepest"
expect_eq "$(py 'abs(d["min_loss_rate"] / 0.01 - 1) < 1e-9' < r.json)" True "lowest loss"
expect_eq "$(py 'd["suggested_rate"] == d["steepest_rate"]' < r.json)" True "suggested"
expect_eq "$(py 'len(d["curve"])' < r.json)" "$n" "curve"
# the same from the schedule in the environment (the program never reads stdin)
cat > env.yaml <<YAML
command: [$T/lr_curve.sh, env]
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
"$KNOB" lr-find env.yaml --param lr --min 1e-6 --max 10 --steps 141 --smoothing 0 --json \
    > e.json 2> err.txt || fail "lr-find env: $(cat err.txt)"
expect_eq "$(py 'd["steps"]' < e.json)" "$n" "steps (env)"
expect_eq "$(py 'abs(d["steepest_rate"] / 10 ** -3.5 - 1) < 1e-9' < e.json)" True "steepest (env)"
# people's output: the rates, a plot, the curve as CSV; the other params' middles and --set
"$KNOB" lr-find sweep.yaml --param lr --set opt=adam --out curve.csv > out.txt 2> err.txt ||
    fail "lr-find: $(cat err.txt)"
grep -q '"width":16,"opt":"adam"' out.txt || fail "params: $(head -1 out.txt)"
grep -q "^suggested rate: " out.txt || fail "output: $(cat out.txt)"
grep -q "diverged at: " out.txt || fail "output: $(cat out.txt)"
grep -q "smoothed loss against rate" out.txt || fail "no plot: $(cat out.txt)"
[ "$(head -1 curve.csv)" = "step,rate,loss,smoothed" ] || fail "csv: $(head -2 curve.csv)"
# a param with a q takes a middle on its grid, one the sweep could draw (it took 0.5 of
# [0, 0.9] by 0.3, 10 of q_log_uniform_values [1, 100] by 4, 12 of [2, 22] by 4, 1 of a
# q_normal by 0.4)
cat > q.yaml <<YAML
command: [$T/lr_curve.sh, "\${args}"]
metric: {name: loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
  a: {distribution: q_uniform, min: 0, max: 0.9, q: 0.3}
  b: {distribution: q_log_uniform_values, min: 1, max: 100, q: 4}
  c: {distribution: q_uniform, min: 2, max: 22, q: 4}
  d: {distribution: q_normal, mu: 1, sigma: 2, q: 0.4}
YAML
"$KNOB" lr-find q.yaml --param lr --steps 20 > out.txt 2> err.txt || fail "q: $(cat err.txt)"
grep -q '"lr":1e-07,"a":0.6,"b":12,"c":14,"d":1.2}' out.txt || fail "q: $(head -1 out.txt)"
# NAME.yaml: sweep.yaml running the program NAME.sh (made executable)
program_sweep() {
    chmod +x "$1.sh"
    sed "s|command: .*|command: [$T/$1.sh]|" sweep.yaml > "$1.yaml"
}
# a loss that rises from the first step: the suggestion lies below the range, and knob
# says so
cat > rising.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do echo "step=$step loss=$((step + 1))"; done
SH
program_sweep rising
"$KNOB" lr-find rising.yaml --param lr --min 1e-6 --steps 50 > out.txt 2> err.txt ||
    fail "rising: $(cat err.txt)"
grep -q "suggested rate:   1e-07" out.txt || fail "rising: $(cat out.txt)"
grep -q "lowest at the first rate, 1e-06: it never fell.*try a lower --min" err.txt ||
    fail "rising, no word of it: $(cat err.txt)"
"$KNOB" lr-find sweep.yaml --param lr > out.txt 2> err.txt || fail "lr-find: $(cat err.txt)"
if grep -q "never fell" err.txt; then fail "a falling loss said to never fall: $(cat err.txt)"; fi
if grep -q "below the range" err.txt; then fail "a falling loss said to lie below: $(cat err.txt)"; fi
# a flat loss whose smoothed value is lowest a step in (the moving average's rounding): the
# suggestion lies below the range as well, and knob says so (it said nothing)
cat > flat.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do echo "step=$step loss=2.31"; done
SH
program_sweep flat
"$KNOB" lr-find flat.yaml --param lr --min 1e-7 --steps 60 > out.txt 2> err.txt || fail "flat: $(cat err.txt)"
rate=$(sed -n 's/^suggested rate: *//p' out.txt)
python3 -c "import sys; sys.exit(not float('$rate') < 1e-7)" || fail "flat: the suggestion $rate"
grep -q "lies below the range tried; try a lower --min" err.txt || fail "flat, no word of it: $(cat err.txt)"
# a loss that turns NaN: the test ends there as diverged, and knob names it
cat > nan.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do
    if [ "$step" = 3 ]; then echo "step=$step loss=nan"; else echo "step=$step loss=$((100 - step))"; fi
done
SH
program_sweep nan
"$KNOB" lr-find nan.yaml --param lr --steps 20 > out.txt 2> err.txt || fail "nan: $(cat err.txt)"
grep -q "step 3: the loss 'loss' is nan: the test ends there" err.txt || fail "nan, no word of it: $(cat err.txt)"
# a ${envvar:NAME} of the command whose variable is not set: refused at its element, as knob
# run refuses it, before the program runs (it got the macro's text)
sed "s|command: .*|command: [$T/nan.sh, \"--tag=\${envvar:KNOB_LR_UNSET_X}\"]|" sweep.yaml > env_unset.yaml
unset KNOB_LR_UNSET_X
rc=0
"$KNOB" lr-find env_unset.yaml --param lr --steps 20 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of an unset \${envvar} ($(cat err.txt))"
grep -q "env_unset.yaml:[0-9]*:[0-9]*: key 'command\[1\]': \${envvar:KNOB_LR_UNSET_X} names an environment variable that is not set" err.txt ||
    fail "an unset envvar: $(cat err.txt)"
# an infinite loss: --json writes it 1e999 (read back as inf), as knob trials writes values;
# it was null, as no value
sed 's/loss=nan/loss=inf/' nan.sh > inf.sh && chmod +x inf.sh
program_sweep inf
"$KNOB" lr-find inf.yaml --param lr --steps 20 --json > inf.json 2> err.txt || fail "inf: $(cat err.txt)"
expect_eq "$(py 'd["curve"][-1][1]' < inf.json)" inf "the infinite loss in --json"
# a loss that is not a number ends the test there, and knob says so
cat > garbage.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do
    if [ "$step" = 5 ]; then echo "step=$step loss=abc"; else echo "step=$step loss=$((100 - step))"; fi
done
SH
program_sweep garbage
# (exit status 1: the test was cut short by knob; it was 0, as for a whole test)
st=0
"$KNOB" lr-find garbage.yaml --param lr --steps 20 > out.txt 2> err.txt || st=$?
expect_eq "$st" 1 "garbage's exit status ($(cat err.txt))"
grep -q "^steps: *5$" out.txt || fail "garbage: $(cat out.txt)"
grep -q "step 5: the record 'step=5 loss=abc' has no number 'loss': the test ends there" err.txt ||
    fail "garbage, no word of it: $(cat err.txt)"
# a step out of turn (printed twice, or two swapped) ends the test there too: each later
# loss was paired with another step's rate, and the suggestion moved without a word
cat > twice.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do
    echo "step=$step loss=$((100 - step))"
    if [ "$step" = 4 ]; then echo "step=$step loss=$((100 - step))"; fi
done
SH
program_sweep twice
st=0
"$KNOB" lr-find twice.yaml --param lr --steps 20 > out.txt 2> err.txt || st=$?
expect_eq "$st" 1 "a step twice: exit status ($(cat err.txt))"
grep -q "^steps: *5$" out.txt || fail "a step twice: $(cat out.txt)"
grep -q "step 5: the record 'step=4 loss=96' is of step 4, after step 4: the losses must come once per step, in order" err.txt ||
    fail "a step twice, no word of it: $(cat err.txt)"
# a count of the program's own (from 1, or of samples) is no step out of turn, and a log
# line holding neither the loss nor the step ("Epoch 1: lr: 0.001") is no record
cat > own.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do
    echo "Epoch 1: lr: $rate"
    echo "step=$(((step + 1) * 32)) loss=$((100 - step))"
done
SH
program_sweep own
"$KNOB" lr-find own.yaml --param lr --steps 20 > out.txt 2> err.txt || fail "own steps: $(cat err.txt)"
grep -q "^steps: *20$" out.txt || fail "own steps: $(cat out.txt err.txt)"
# a program that ends before the last rate, its loss not diverged: the steps it ran are
# reported, and knob says the curve stops short (said nothing, and exited 0 after a crash)
cat > early.sh <<'SH'
#!/usr/bin/env bash
while read -r step rate; do
    echo "step=$step loss=$((100 - step))"
    if [ "$step" = 30 ]; then exit "$1"; fi
done
SH
chmod +x early.sh
for code in 3 0; do
    sed "s|command: .*|command: [$T/early.sh, \"$code\"]|" sweep.yaml > early.yaml
    status=0
    "$KNOB" lr-find early.yaml --param lr --steps 100 > out.txt 2> err.txt || status=$?
    if [ $code = 3 ]; then [ $status = 1 ] || fail "a crash: status $status"; fi
    if [ $code = 0 ]; then [ $status = 0 ] || fail "an early end: status $status"; fi
    grep -q "^steps: *31$" out.txt || fail "early $code: $(cat out.txt)"
    grep -q "^diverged at: *- (the program ended after 31 of 100 steps)$" out.txt ||
        fail "early $code: $(cat out.txt)"
    grep -q "the program ended after 31 of 100 steps, before its loss diverged" err.txt ||
        fail "early $code, no word of it: $(cat err.txt)"
done
grep -q "diverged (exit status 3)" <(sed "s|command: .*|command: [$T/early.sh, \"3\"]|" sweep.yaml > e3.yaml
    "$KNOB" lr-find e3.yaml --param lr --steps 100 2>&1 > /dev/null) || fail "exit status not named"
# errors of the command line: exit status 2, in its terms (--param, --set, --min, --max,
# --steps: the range said the library's "max_rate must be > min_rate", and a --param or
# --set the sweep does not take exited 1, as a failed test does)
usage() { # expected-message args...
    local want=$1 rc=0
    shift
    "$KNOB" lr-find "$@" > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "lr-find $*: exit status ($(cat err.txt))"
    grep -qF -- "$want" err.txt || fail "lr-find $*: expected '$want' in: $(cat err.txt)"
}
usage "knob lr-find: sweep.yaml has no parameter 'nope'" sweep.yaml --param nope
usage "knob lr-find: --set bogus=1: sweep.yaml has no parameter 'bogus'" sweep.yaml --param lr --set bogus=1
usage "knob lr-find: --set opt: expected NAME=VALUE" sweep.yaml --param lr --set opt
usage "knob lr-find: --set =1: expected NAME=VALUE" sweep.yaml --param lr --set =1
usage "knob lr-find: --set opt=x: 'opt' takes one of \"sgd\", \"adam\"" sweep.yaml --param lr --set opt=x
usage "knob lr-find: --param opt: a list of values in sweep.yaml, not a float" sweep.yaml --param opt
usage "knob lr-find: --max (0.5) must be > --min (1)" sweep.yaml --param lr --min 1 --max 0.5
usage "knob lr-find: --max (1) must be > --min (1)" sweep.yaml --param lr --min 1 --max 1
usage "knob lr-find: --max (10, the default) must be > --min (100)" sweep.yaml --param lr --min 100
usage "knob lr-find: --max (1e-08) must be > --min (1e-07, the default)" sweep.yaml --param lr --max 1e-8
usage "knob lr-find: --min must be > 0, got '-1'" sweep.yaml --param lr --min -1
if grep -q "rate" err.txt; then fail "the library's names: $(cat err.txt)"; fi
# a 0 given is refused, not read as the default (1e-7, 10, 200)
for opt in "--min 0:--min must be > 0" "--max 0:--max must be > --min" \
    "--steps 0:--steps must be at least 2" "--min -0:--min must be > 0"; do
    if "$KNOB" lr-find sweep.yaml --param lr ${opt%%:*} > out.txt 2> err.txt; then
        fail "${opt%%:*} accepted: $(head -1 out.txt)"
    fi
    grep -q -- "${opt#*:}, got 0" err.txt || fail "${opt%%:*}: $(cat err.txt)"
done
usage "--steps must be a whole number from 2 to 10^8, got '1e9'" sweep.yaml --param lr --steps 1e9
usage "--steps must be a whole number from 2 to 10^8, got '1'" sweep.yaml --param lr --steps 1
if "$KNOB" lr-find sweep.yaml --param lr --metric other 2> err.txt; then fail "no metric"; fi
grep -q "must print its 'other' once per step" err.txt || fail "error: $(cat err.txt)"
# a negative --smoothing is refused (the library's "none" is --smoothing 0), as is 1
for sm in -0.5 1 nan; do
    if "$KNOB" lr-find sweep.yaml --param lr --smoothing $sm > out.txt 2> err.txt; then
        fail "--smoothing $sm accepted: $(head -1 out.txt)"
    fi
    grep -q -- "--smoothing must be \(in \[0, 1) (0: none), got '$sm'\|a number, got '$sm'\)" err.txt ||
        fail "--smoothing $sm: $(cat err.txt)"
done
# a --set that is no value of its param: a word or a fraction for an int (they went to the
# program as they were)
for bad in "width=abc:a finite number" "width=nan:a finite number"; do
    if "$KNOB" lr-find sweep.yaml --param lr --set ${bad%%:*} > out.txt 2> err.txt; then
        fail "--set ${bad%%:*} accepted: $(head -1 out.txt)"
    fi
    grep -q -- "--set ${bad%%:*}: 'width' is ${bad#*:} in sweep.yaml" err.txt ||
        fail "--set ${bad%%:*}: $(cat err.txt)"
done
sed 's/width: .*/width: {distribution: int_uniform, min: 4, max: 64}/' sweep.yaml > int.yaml
if "$KNOB" lr-find int.yaml --param lr --set width=2.5 > out.txt 2> err.txt; then
    fail "--set width=2.5 accepted: $(head -1 out.txt)"
fi
grep -q -- "--set width=2.5: 'width' is a whole number in int.yaml" err.txt || fail "$(cat err.txt)"
# --param of a param that takes no rate: a list of values, an int, a word (a constant
# number is a rate fixed so far: tested)
cat > kinds.yaml <<YAML
command: [$T/lr_curve.sh]
metric: {name: loss, goal: minimize}
parameters:
  lr: {value: 0.01}
  opt: {values: [sgd, adam]}
  n: {distribution: int_uniform, min: 1, max: 4}
  w: {value: relu}
YAML
for bad in "opt:a list of values" "n:an int" "w:a constant that is no number"; do
    if "$KNOB" lr-find kinds.yaml --param ${bad%%:*} > out.txt 2> err.txt; then
        fail "--param ${bad%%:*} accepted: $(head -1 out.txt)"
    fi
    grep -q -- "--param ${bad%%:*}: ${bad#*:} in kinds.yaml, not a float" err.txt ||
        fail "--param ${bad%%:*}: $(cat err.txt)"
done
"$KNOB" lr-find kinds.yaml --param lr --steps 20 > out.txt 2> err.txt || fail "constant: $(cat err.txt)"
grep -q '"lr":1e-07,"opt":"sgd","n":2,"w":"relu"}' out.txt || fail "constant: $(head -1 out.txt)"
# --set of the param under test contradicts its schedule
if "$KNOB" lr-find sweep.yaml --param lr --set lr=0.5 > out.txt 2> err.txt; then
    fail "--set of the tested param accepted: $(head -1 out.txt)"
fi
grep -q "\-\-set lr=0.5: 'lr' is the param under test" err.txt || fail "--set lr: $(cat err.txt)"
# a loss that diverges at the second step was lowest at the first rate: the suggestion is a
# tenth of it, and knob asks for a lower --min (it printed each loss, then failed with "1
# steps before divergence"), not for a loss per step
cat > jump.yaml <<YAML
command: [sh, -c, 'while read -r s r; do if [ \$s = 0 ]; then echo "step=0 loss=1"; else echo "step=\$s loss=1e9"; fi; done']
metric: {name: loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
"$KNOB" lr-find jump.yaml --param lr --steps 20 > out.txt 2> err.txt ||
    fail "diverged at once: $(cat out.txt err.txt)"
grep -q "^suggested rate: *1e-08$" out.txt || fail "diverged at once: $(cat out.txt)"
grep -q "^(no plot: one step before the loss diverged)$" out.txt || fail "diverged at once: $(cat out.txt)"
grep -q "the smoothed loss was lowest at the first rate, 1e-07: it never fell, and the suggested rate 1e-08 lies below the range tried; try a lower --min" err.txt ||
    fail "diverged at once: $(cat err.txt)"
if grep -q "once per step" err.txt; then fail "diverged at once: $(cat err.txt)"; fi
echo ok
