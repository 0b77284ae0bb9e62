#!/usr/bin/env bash
# The sampler's own options warm_start_study and warm_start_storage name a source that is
# checked as the key warm_start's is, when the storage is known and before a study is
# created: a missing one is an error at the option's line and column. They were read only
# at the first ask, which failed and left a failed trial without params each time, until
# run_cap was used up.
source "$(dirname "$0")/lib.bash"
cat > g.py <<'PY'
print('{"loss": 1.0}')
PY
space='parameters:
  a: {min: 0, max: 10}'
for smp in gp tpe smac cmaes; do
    printf 'program: g.py\nmetric: {name: loss}\nrun_cap: 2\nsampler: {name: %s, options: {warm_start_study: srcx, warm_start_storage: "sqlite:///%s/src.db"}}\n%s\n' \
        "$smp" "$T" "$space" > "rc-$smp.yaml"
    for k in 1 2 3; do
        if "$KNOB" run "rc-$smp.yaml" --storage "sqlite:///$T/rc.db" > out.txt 2> err.txt; then
            fail "$smp with a missing source ran: $(cat err.txt)"
        fi
        grep -qF "rc-$smp.yaml:4:$((29 + ${#smp})): key 'sampler.options.warm_start_study': study 'srcx' in sqlite:///$T/src.db: no file '$T/src.db'" err.txt ||
            fail "$smp, run $k: $(cat err.txt)"
    done
    [ ! -e "$T/rc.db" ] || fail "$smp: the study's storage was created"
    [ ! -e "$T/src.db" ] || fail "$smp: the source's file was created"
done

# the source's storage defaults to the study's own, which --storage gives
printf 'program: g.py\nmethod: random\nmetric: {name: loss}\n%s\n' "$space" > src.yaml
"$KNOB" run src.yaml --storage "sqlite:///$T/own.db" --study src --trials 3 > /dev/null
printf 'program: g.py\nmetric: {name: loss}\nsampler: {name: tpe, options: {warm_start_study: %s}}\n%s\n' \
    nope "$space" > nope.yaml
if "$KNOB" run nope.yaml --storage "sqlite:///$T/own.db" --study me --trials 1 > out.txt 2> err.txt; then
    fail "a source missing from the study's storage ran"
fi
grep -qF "nope.yaml:3:32: key 'sampler.options.warm_start_study': study 'nope' in sqlite:///$T/own.db:" err.txt ||
    fail "missing source in the study's storage: $(cat err.txt)"
grep -qF "no study named 'nope'" err.txt || fail "no word of the missing study: $(cat err.txt)"
if "$KNOB" trials me --storage "sqlite:///$T/own.db" > /dev/null 2>&1; then
    fail "a study was created for a missing source"
fi
sed 's/nope/src/' nope.yaml > me.yaml
"$KNOB" run me.yaml --storage "sqlite:///$T/own.db" --trials 2 > out.txt 2> err.txt ||
    fail "a source in the study's storage was refused: $(cat err.txt)"
expect_eq "$("$KNOB" trials me --storage "sqlite:///$T/own.db" --format json | py '[t["state"] for t in d]')" \
    '["complete", "complete"]' "trials warm-started from the study's storage"
# the study itself, through the options
sed 's/nope/own/' nope.yaml > own.yaml
if "$KNOB" run own.yaml --storage "sqlite:///$T/own.db" --trials 1 > out.txt 2> err.txt; then
    fail "a study warm-started from itself ran"
fi
grep -qF "own.yaml:3:32: key 'sampler.options.warm_start_study': study 'own' in sqlite:///$T/own.db is this study itself; name another study, or another storage with 'warm_start_storage'" err.txt ||
    fail "itself: $(cat err.txt)"

# a source given by the options that shares no param: the sampler's warning, by knob run (it
# was said to the study's attribute, and knob run printed only the key warm_start's)
printf 'program: g.py\nmethod: random\nmetric: {name: loss}\nparameters:\n  b: {min: 0, max: 1}\n' \
    > bsrc.yaml
"$KNOB" run bsrc.yaml --storage "sqlite:///$T/own.db" --study bsrc --trials 3 > /dev/null
for smp in gp tpe smac; do
    printf 'program: g.py\nmetric: {name: loss}\nsampler: {name: %s, options: {warm_start_study: bsrc}}\n%s\n' \
        "$smp" "$space" > "b-$smp.yaml"
    "$KNOB" run "b-$smp.yaml" --storage "sqlite:///$T/own.db" --study "b-$smp" --trials 3 \
        > out.txt 2> err.txt || fail "$smp, a disjoint source: $(cat err.txt)"
    grep -qF "knob: warning: warm_start: $smp: warm_start_study 'bsrc': shares no param with this study, so none of its 3 finished trials is used; starting cold" err.txt ||
        fail "$smp, a disjoint source given by the options: $(cat err.txt)"
done
echo ok
