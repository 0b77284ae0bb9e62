#!/usr/bin/env bash
# The sampler options that act only with a warm start's source (gp's warm_start_shift and
# the like, tpe's warm_start_local, cmaes's warm_start_gamma) are refused without one at the
# option's line, as warm_start_first is; they were taken and left unused without a word.
# Beside the key warm_start, which gives the sampler its source, they are taken: with a
# source that teaches nothing the study starts cold (as without them), with one they act.
# cmaes's sigma0 beside a warm start (which sets the first step size) is refused as x0 is.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > g.py <<'PY'
import os, json
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print('{"loss": %r}' % ((p["a"] - 3) ** 2))
PY
space='parameters:
  a: {min: 0.0, max: 10.0}'
printf 'program: g.py\nmethod: random\nmetric: {name: loss}\n%s\n' "$space" > src.yaml
"$KNOB" run src.yaml $S --study src --trials 6 > /dev/null 2> err.txt || fail "source: $(cat err.txt)"
printf 'program: g.py\nmethod: random\nmetric: {name: loss}\n%s\n' "$space" > empty.yaml
"$KNOB" ask empty --sweep empty.yaml $S > /dev/null 2> err.txt || fail "empty: $(cat err.txt)"

# without a source: refused at the option
for case in "gp warm_start_shift true" "gp warm_start_refine 5" "tpe warm_start_local 3" \
    "cmaes warm_start_gamma 0.5"; do
    set -- $case
    printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: %s, options: {%s: %s}}\n' \
        "$space" "$1" "$2" "$3" > cold.yaml
    rc=0
    "$KNOB" ask c --sweep cold.yaml $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$case without a source ($(cat out.txt err.txt))"
    col=$((31 + ${#1} + ${#2}))
    grep -qF "cold.yaml:5:$col: key 'sampler.options.$2': sampler '$1': option '$2' ($3) acts only with 'warm_start_study'" err.txt ||
        fail "$case without a source: $(cat err.txt)"
done
# gp's beta acts with acquisition ucb alone
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: gp, options: {beta: 4}}\n' "$space" > beta.yaml
rc=0
"$KNOB" ask b --sweep beta.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "beta without ucb ($(cat out.txt err.txt))"
grep -qF "beta.yaml:5:37: key 'sampler.options.beta': sampler 'gp': option 'beta' (4) acts only with acquisition=ucb" err.txt ||
    fail "beta without ucb: $(cat err.txt)"
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: gp, options: {acquisition: ucb, beta: 4}}\n' "$space" > ucb.yaml
"$KNOB" ask u --sweep ucb.yaml $S > /dev/null 2> err.txt || fail "beta with ucb: $(cat err.txt)"

# beside the key warm_start: taken, cold with an empty source, warm with one
for src in empty src; do
    printf 'program: g.py\nmetric: {name: loss}\n%s\nwarm_start: %s\nsampler: {name: gp, options: {warm_start_shift: true, warm_start_refine: 3}}\n' \
        "$space" "$src" > key-$src.yaml
    "$KNOB" run key-$src.yaml $S --study key-$src --trials 2 > out.txt 2> err.txt ||
        fail "warm_start_shift beside the key ($src): $(cat err.txt)"
done
grep -qF "starting cold" err.txt && fail "the source taught nothing: $(cat err.txt)"
# the option's own source
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: tpe, options: {warm_start_study: src, warm_start_local: 3}}\n' \
    "$space" > own.yaml
"$KNOB" run own.yaml $S --study own --trials 2 > /dev/null 2> err.txt || fail "warm_start_local with its source: $(cat err.txt)"

# cmaes: sigma0 beside a warm start, from the key or the option, refused at the option
printf 'program: g.py\nmetric: {name: loss}\n%s\nwarm_start: src\nsampler: {name: cmaes, options: {sigma0: 0.3}}\n' "$space" > cs.yaml
rc=0
"$KNOB" ask cs --sweep cs.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "cmaes sigma0 beside warm_start ($(cat out.txt err.txt))"
grep -qF "cs.yaml:6:42: key 'sampler.options.sigma0': sampler 'cmaes': sigma0 (0.3) and warm_start_study both set the first step size; give one" err.txt ||
    fail "cmaes sigma0 beside warm_start: $(cat err.txt)"
printf 'program: g.py\nmetric: {name: loss}\n%s\nsampler: {name: cmaes, options: {warm_start_study: src, sigma0: 0.3}}\n' "$space" > cs2.yaml
rc=0
"$KNOB" ask cs2 --sweep cs2.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "cmaes sigma0 beside warm_start_study ($(cat out.txt err.txt))"
grep -qF "key 'sampler.options.sigma0': sampler 'cmaes': sigma0 (0.3) and warm_start_study both set" err.txt ||
    fail "cmaes sigma0 beside warm_start_study: $(cat err.txt)"
