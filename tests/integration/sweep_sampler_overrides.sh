#!/usr/bin/env bash
# A sampler option that another key of the sweep sets when the sampler is made is refused at
# the option's line, naming that key: a grid's search_space (made of the parameters' values)
# and the seed beside the top-level seed. Both were overridden without a word (the grid ran
# the parameters' values, the top-level seed drew). A sweep an older knob stored with its
# study runs as it ran, with the key's value, and says so.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
S="--storage sqlite:///$T/s.db"
cat > g.yaml <<'YAML'
program: echo
metric: {name: loss}
parameters:
  x: {values: [1, 2, 3]}
sampler: {name: grid, options: {search_space: {x: [7, 8]}, order: product}}
YAML
rc=0
"$KNOB" ask g --sweep g.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "grid search_space beside parameters ($(cat out.txt err.txt))"
grep -qF "g.yaml:5:33: key 'sampler.options.search_space': a sweep's grid is made of the values of the key 'parameters'" err.txt ||
    fail "grid search_space: $(cat err.txt)"
# the grid's other options stay taken
sed 's/search_space: {x: \[7, 8\]}, //' g.yaml > g2.yaml
"$KNOB" ask g2 --sweep g2.yaml $S > a.json 2> err.txt || fail "grid order: $(cat err.txt)"
expect_eq "$(py 'd["params"]["x"]' < a.json)" 1 "the first point of the grid"

printf 'program: echo\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\nseed: 5\nsampler: {name: random, options: {seed: 6}}\n' > s.yaml
rc=0
"$KNOB" ask s --sweep s.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "two seeds ($(cat out.txt err.txt))"
grep -qF "s.yaml:6:35: key 'sampler.options.seed': the top-level key 'seed' (line 5) sets the sampler's seed too" err.txt ||
    fail "two seeds: $(cat err.txt)"
# either alone is taken, and draws as its seed
printf 'program: echo\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\nseed: 5\nsampler: random\n' > k5.yaml
printf 'program: echo\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\nsampler: {name: random, options: {seed: 5}}\n' > o5.yaml
printf 'program: echo\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\nsampler: {name: random, options: {seed: 6}}\n' > o6.yaml
"$KNOB" ask k5 --sweep k5.yaml $S > k5.json 2> err.txt || fail "seed key: $(cat err.txt)"
"$KNOB" ask o5 --sweep o5.yaml $S > o5.json 2> err.txt || fail "seed option: $(cat err.txt)"
"$KNOB" ask o6 --sweep o6.yaml $S > o6.json 2> err.txt || fail "seed option 6: $(cat err.txt)"
expect_eq "$(py 'd["params"]' < o5.json)" "$(py 'd["params"]' < k5.json)" "seed 5 by the key and the option"
[ "$(py 'd["params"]' < o6.json)" != "$(py 'd["params"]' < o5.json)" ] || fail "seeds 5 and 6 drew alike"

# stored by an older knob: the key's seed, as it ran, and a warning
store_sweep() { # FILE STUDY
    local json
    json=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1")
    sqlite3 "$T/s.db" "UPDATE study_attrs SET json = '${json//\'/\'\'}' WHERE key = 'sweep' AND study = (SELECT id FROM studies WHERE name = '$2')" ||
        fail "could not store the older sweep of $2"
}
store_sweep s.yaml k5
"$KNOB" ask k5 $S > k5b.json 2> err.txt || fail "stored two seeds: $(cat err.txt)"
grep -qF "warning: key 'sampler.options.seed': set by the key 'seed' too, whose value is applied" err.txt ||
    fail "stored two seeds: no warning: $(cat err.txt)"
"$KNOB" ask o5 $S > o5b.json 2> err.txt || fail "o5 again: $(cat err.txt)"
expect_eq "$(py 'd["params"]' < k5b.json)" "$(py 'd["params"]' < o5b.json)" "the stored sweep's seed"
# a named sampler without a metric (a search that learns nothing from values): its dry ask
# at load tells its first trial with the study's one value (it told none, was refused, and
# left the trial unfreed: LeakSanitizer's in the sanitizers' build)
cat > nometric.yaml <<'YAML'
program: x.sh
sampler: {name: random}
parameters:
  lr: {min: 0, max: 1}
YAML
"$KNOB" run nometric.yaml --storage memory: --trials 0 > err.txt 2>&1 || fail "no metric: $(cat err.txt)"
