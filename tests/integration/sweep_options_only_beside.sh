#!/usr/bin/env bash
# A sampler option that acts only beside another, given without it, is refused in a sweep file
# at the option's line, naming the option it needs: gp's beta without acquisition ucb, nsga2's
# mutation_eta without the polynomial mutation, the warm_start_* options of gp, tpe, smac and
# cmaes without a source. Each was taken and left unused without a word. Beside the key
# warm_start, which gives the sampler its source, the warm_start_* options are taken. A sweep
# an older knob stored with its study, holding such an option, runs as it ran (without it),
# and says so.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
S="--storage sqlite:///$T/s.db"
cat > g.py <<'PY'
import os, json
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print('{"loss": %r}' % ((p["a"] - 3) ** 2))
PY
space='parameters:
  a: {min: 0.0, max: 10.0}'
printf 'program: g.py\nmethod: random\nmetric: {name: loss}\n%s\n' "$space" > src.yaml
"$KNOB" run src.yaml $S --study src --trials 4 > /dev/null 2> err.txt || fail "source: $(cat err.txt)"

# without what they need: refused at the option's name, naming what it needs
for case in "gp beta 4 acquisition=ucb" "gp warm_start_shift true 'warm_start_study'" \
    "gp warm_start_refine 5 'warm_start_study'" "tpe warm_start_local 3 'warm_start_study'" \
    "smac warm_start_model false 'warm_start_study'" \
    "cmaes warm_start_gamma 0.5 'warm_start_study'"; do
    set -- $case
    printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: %s, options: {%s: %s}}\n' \
        "$space" "$1" "$2" "$3" > cold.yaml
    rc=0
    "$KNOB" ask c --sweep cold.yaml $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$case ($(cat out.txt err.txt))"
    col=$((29 + ${#1}))
    grep -qF "cold.yaml:5:$col: key 'sampler.options.$2': sampler '$1': option '$2' ($3) acts only with $4" err.txt ||
        fail "$case: $(cat err.txt)"
    rc=0
    "$KNOB" run cold.yaml $S --study c2 --trials 1 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "knob run, $case ($(cat out.txt err.txt))"
done
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: nsga2, options: {mutation: random, mutation_eta: 5}}\n' \
    "$space" > eta.yaml
rc=0
"$KNOB" ask e --sweep eta.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "mutation_eta beside mutation random ($(cat out.txt err.txt))"
grep -qF "eta.yaml:5:52: key 'sampler.options.mutation_eta': sampler 'nsga2': option 'mutation_eta' (5) acts only with mutation=polynomial" err.txt ||
    fail "mutation_eta beside mutation random: $(cat err.txt)"
# with what they need, taken
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: gp, options: {acquisition: ucb, beta: 4}}\n' "$space" > ucb.yaml
"$KNOB" ask u --sweep ucb.yaml $S > /dev/null 2> err.txt || fail "beta with ucb: $(cat err.txt)"
printf 'program: g.py\nmetric: {name: loss}\n%s\nwarm_start: src\nsampler: {name: gp, options: {warm_start_shift: true, warm_start_refine: 3}}\n' \
    "$space" > key.yaml
"$KNOB" run key.yaml $S --study key --trials 2 > /dev/null 2> err.txt ||
    fail "warm_start_shift beside the key: $(cat err.txt)"
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: tpe, options: {warm_start_study: src, warm_start_local: 3}}\n' \
    "$space" > own.yaml
"$KNOB" run own.yaml $S --study own --trials 2 > /dev/null 2> err.txt ||
    fail "warm_start_local with its source: $(cat err.txt)"

# stored by an older knob: run as it ran, without the option, and said
store_sweep() { # FILE STUDY
    local json
    json=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1")
    sqlite3 "$T/s.db" "UPDATE study_attrs SET json = '${json//\'/\'\'}' WHERE key = 'sweep' AND study = (SELECT id FROM studies WHERE name = '$2')" ||
        fail "could not store the older sweep of $2"
}
for case in "gp beta 4" "tpe warm_start_local 3"; do
    set -- $case
    printf 'program: g.py\nmetric: {name: loss}\n%s\nseed: 3\nsampler: {name: %s, options: {n_startup_trials: 2}}\n' \
        "$space" "$1" > plain.yaml
    printf 'program: g.py\nmetric: {name: loss}\n%s\nseed: 3\nsampler: {name: %s, options: {n_startup_trials: 2, %s: %s}}\n' \
        "$space" "$1" "$2" "$3" > older.yaml
    "$KNOB" run plain.yaml $S --study plain-$1 --trials 3 > /dev/null 2> err.txt || fail "plain $1: $(cat err.txt)"
    "$KNOB" run plain.yaml $S --study older-$1 --trials 3 > /dev/null 2> err.txt || fail "older $1: $(cat err.txt)"
    store_sweep older.yaml older-$1
    "$KNOB" ask plain-$1 $S > plain.json 2> err.txt || fail "ask plain $1: $(cat err.txt)"
    "$KNOB" ask older-$1 $S > older.json 2> err.txt || fail "the stored $2: $(cat err.txt)"
    grep -qF "warning: key 'sampler.options.$2': sampler '$1': option '$2' ($3) acts only with" err.txt ||
        fail "the stored $2: no warning: $(cat err.txt)"
    grep -qF "it is not applied (as it was not)" err.txt || fail "the stored $2: $(cat err.txt)"
    expect_eq "$(py 'd["params"]' < older.json)" "$(py 'd["params"]' < plain.json)" "the stored $2's ask"
done
