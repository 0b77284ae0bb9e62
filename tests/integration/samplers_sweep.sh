#!/usr/bin/env bash
# Samplers through a sweep file: cmaes warm-started from an earlier study in the same
# storage, and gp, each finding the bowl's minimum at (2, -1) with the program below.
source "$(dirname "$0")/lib.bash"
cat > bowl.py <<'PY'
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print(f"loss={(p['x'] - 2) ** 2 + (p['y'] + 1) ** 2!r}")
PY
space='parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}'
printf 'program: bowl.py\nmethod: random\nmetric: {name: loss}\n%s\n' "$space" > first.yaml
printf 'program: bowl.py\nmetric: {name: loss}\nsampler: {name: cmaes, options: {warm_start_study: first}}\n%s\n' \
    "$space" > warm.yaml
printf 'program: bowl.py\nmetric: {name: loss}\nsampler: {name: cmaes, options: {warm_start_study: none}}\n%s\n' \
    "$space" > missing.yaml
printf 'program: bowl.py\nmethod: bayes\nmetric: {name: loss}\n%s\n' "$space" > gp.yaml
db="sqlite:///$T/s.db"
"$KNOB" run first.yaml --storage "$db" --study first --trials 40 --seed 1 > out1.txt ||
    fail "random study failed: $(cat out1.txt)"
"$KNOB" run warm.yaml --storage "$db" --study warm --trials 7 --seed 1 > out2.txt ||
    fail "warm-started cmaes failed: $(cat out2.txt)"
# Trial 0 is random; trials 1..6 are CMA-ES's first generation, centred near the best of
# the first study, not at the centre of the space (0, 0), 2.2 away from the minimum.
"$KNOB" trials warm --storage "$db" --format json > warm.json
d=$(py 'sum(((t["params"]["x"] - 2) ** 2 + (t["params"]["y"] + 1) ** 2) ** 0.5 for t in d[1:7]) / 6' < warm.json)
python3 -c "import sys; sys.exit(0 if $d < 1.5 else 1)" ||
    fail "the first generation lies $d from the minimum on average"
# A warm start from a study that does not exist stops the run before its first ask (not
# after a first, random trial ran for nothing), saying which study at the option's line; and
# no trial is left (each run left a failed one without params)
if "$KNOB" run missing.yaml --storage "$db" --study missing --trials 3 --seed 1 > out3.txt 2>&1; then
    fail "a missing warm start study did not stop the run: $(cat out3.txt)"
fi
grep -q "missing.yaml:3:[0-9]*: key 'sampler.options.warm_start_study': study 'none' in .*no study named 'none'" out3.txt ||
    fail "no word of the missing study: $(cat out3.txt)"
if "$KNOB" trials missing --storage "$db" --format json > missing.json 2>&1; then
    fail "a study was created for the stopped run: $(cat missing.json)"
fi
"$KNOB" run gp.yaml --storage "$db" --study gp --trials 20 --seed 1 > out4.txt ||
    fail "gp failed: $(cat out4.txt)"
best=$("$KNOB" best gp --storage "$db" --json | py 'd["values"][0] if "values" in d else d["value"]')
python3 -c "import sys; sys.exit(0 if $best < 0.05 else 1)" || fail "gp's best after 20 trials: $best"
# Options a sampler reads when it is created reach it from a sweep file: qmc with
# qmc_type halton runs other points than its default (sobol), on the same seed (qmc's
# points start with the second trial, once the first has shown the space).
for q in sobol halton; do
    printf 'program: bowl.py\nmethod: random\nmetric: {name: loss}\nsampler: {name: qmc, options: {qmc_type: %s}}\n%s\n' \
        "$q" "$space" > "$q.yaml"
done
for q in sobol halton; do
    "$KNOB" run "$q.yaml" --storage "sqlite:///$T/$q.db" --study q --trials 4 --seed 3 > /dev/null
    "$KNOB" trials q --storage "sqlite:///$T/$q.db" --format json | py '[t["params"] for t in d[1:]]' > "$q.txt"
done
if cmp -s sobol.txt halton.txt; then fail "qmc_type from a sweep file was ignored: $(cat halton.txt)"; fi
"$KNOB" run halton.yaml --storage "sqlite:///$T/h2.db" --study q --trials 4 --seed 3 > /dev/null
expect_eq "$("$KNOB" trials q --storage "sqlite:///$T/h2.db" --format json | py '[t["params"] for t in d[1:]]')" \
    "$(cat halton.txt)" "halton, again"
# A sampler of one objective (cmaes, smac, evolution) on a study of two is refused when the
# sweep is read, at the key, before a study is created: each run left a failed trial without
# params behind, and later an empty study
for smp in cmaes smac evolution; do
    printf 'program: bowl.py\nsampler: %s\nobjectives: [{name: loss}, {name: loss2}]\n%s\n' \
        "$smp" "$space" > "two-$smp.yaml"
    rc=0
    "$KNOB" run "two-$smp.yaml" --storage "sqlite:///$T/two.db" --study "two-$smp" --trials 2 \
        > /dev/null 2> two.err || rc=$?
    expect_eq "$rc" 2 "exit status of $smp on two objectives ($(cat two.err))"
    grep -qF "two-$smp.yaml:2:1: key 'sampler': sampler '$smp' optimizes one objective; the sweep has 2" two.err ||
        fail "$smp on two objectives: $(cat two.err)"
    [ ! -e "$T/two.db" ] || fail "$smp on two objectives: the storage was opened"
done
echo ok
