#!/usr/bin/env bash
# A sampler's or pruner's option in a sweep: a misspelt name gets the library's "did you
# mean" at the option's line (the names of samplers and the sweep's keys got one, options
# did not); patient's wrapped_options written unquoted, [k=v, k=v], which YAML reads as a
# list, is taken as the bracketed string it reads as in the docs (it reached the wrapped
# pruner as JSON and was refused naming an option '"n_warmup_steps' with a stray quote).
source "$(dirname "$0")/lib.bash"
S="--storage memory:"
head='program: echo
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}'
printf '%s\nsampler: {name: tpe, options: {n_startup_trails: 20}}\n' "$head" > t.yaml
rc=0
"$KNOB" ask t --sweep t.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "a misspelt option ($(cat out.txt err.txt))"
grep -qF "t.yaml:5:32: key 'sampler.options.n_startup_trails': sampler 'tpe': unknown option 'n_startup_trails' (options: seed, " err.txt ||
    fail "a misspelt option: $(cat err.txt)"
grep -qF "); did you mean 'n_startup_trials'?" err.txt || fail "no guess: $(cat err.txt)"

patient() { # WRAPPED_OPTIONS: the sweep p.yaml with patient wrapping median with them
    printf '%s\npruner: {name: patient, options: {patience: 2, wrapped: median, wrapped_options: %s}}\n' \
        "$head" "$1" > p.yaml
}
for w in "[n_warmup_steps=3]" "[n_warmup_steps=3, n_startup_trials=2]" '"[n_warmup_steps=3,n_startup_trials=2]"' "[]"; do
    patient "$w"
    "$KNOB" ask p --sweep p.yaml $S > /dev/null 2> err.txt || fail "wrapped_options: $w: $(cat err.txt)"
done
# the list's items reach the wrapped pruner, each its option
patient "[n_warmup_steps=3, n_startup_trials=x]"
rc=0
"$KNOB" ask p --sweep p.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "a wrapped option's wrong value ($(cat out.txt err.txt))"
grep -qF "pruner 'median': option 'n_startup_trials' needs an integer, got 'x'" err.txt ||
    fail "a wrapped option's wrong value: $(cat err.txt)"
patient "[n_warmup_step=3]"
rc=0
"$KNOB" ask p --sweep p.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "a misspelt wrapped option ($(cat out.txt err.txt))"
grep -qF "pruner 'median': unknown option 'n_warmup_step' (options: " err.txt ||
    fail "a misspelt wrapped option: $(cat err.txt)"
grep -qF '"n_warmup' err.txt && fail "a stray quote: $(cat err.txt)"
# an item that is no k=v: refused at it
patient "[n_warmup_steps=3, 4]"
rc=0
"$KNOB" ask p --sweep p.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "an item that is no k=v ($(cat out.txt err.txt))"
grep -qF "p.yaml:5:101: key 'pruner.options.wrapped_options': takes the options of the wrapped pruner as [k=v, k=v] (or \"[k=v,k=v]\"); item 1 is 4" err.txt ||
    fail "an item that is no k=v: $(cat err.txt)"
