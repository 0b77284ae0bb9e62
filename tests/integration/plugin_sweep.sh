#!/usr/bin/env bash
# A sampler written outside the tree, used from a sweep file: the `plugins` key loads the
# example's liblocalsearch.so (a path relative to the sweep file) before the sampler is made,
# options included; knob samplers lists it with KNOB_PLUGINS; a worker joining the stored
# sweep finds it from its working directory; broken plugins are errors at their line.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
mkdir -p sweeps
san="" # a sanitized libknob needs its runtime linked into what loads it
if grep -q '^KNOB_SANITIZE:BOOL=ON' "$KNOB_BUILD/CMakeCache.txt" 2> /dev/null; then
    san="-fsanitize=address,undefined"
fi
make -s -f "$KNOB_SRC/examples/plugin/Makefile" KNOB_INCLUDE="$KNOB_SRC/include" \
    KNOB_LIB="$KNOB_BUILD/src" OUT="$T/sweeps" LDFLAGS="$san" > make.txt 2>&1 ||
    fail "make: $(cat make.txt)"
cat > bowl.py <<'PY'
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print(f"loss={(p['x'] - 2) ** 2 + (p['y'] + 1) ** 2!r}")
PY
cat > sweeps/ls.yaml <<YAML
program: $T/bowl.py
metric: {name: loss}
sampler: {name: localsearch, options: {n_startup_trials: 5, shape: cauchy}}
plugins: [liblocalsearch.so]
parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweeps/ls.yaml $S --study ls --trials 40 --seed 2 > run.txt 2>&1 || fail "run: $(cat run.txt)"
best=$("$KNOB" best ls $S --json | py 'd["values"][0]')
python3 -c "import sys; sys.exit(0 if $best < 0.5 else 1)" || fail "localsearch's best after 40 trials: $best"

# An option of the plugin's that is not among its choices is refused at its line.
sed 's/shape: cauchy/shape: uniform/' sweeps/ls.yaml > sweeps/bad_option.yaml
rc=0
"$KNOB" ask b --sweep sweeps/bad_option.yaml $S 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of a bad plugin option"
grep -q "bad_option.yaml:3:.*'shape' must be one of gaussian or cauchy" err.txt || fail "option: $(cat err.txt)"

# knob samplers lists it with KNOB_PLUGINS, and not without.
KNOB_PLUGINS="$T/sweeps/liblocalsearch.so" "$KNOB" samplers > list.txt || fail "samplers"
grep -q "^  localsearch" list.txt || fail "KNOB_PLUGINS: $(head -c 2000 list.txt)"
grep -q "shape .*enum .*{gaussian, cauchy}" list.txt || fail "the plugin's enum option"
"$KNOB" samplers | grep -q "^  localsearch" && fail "listed without KNOB_PLUGINS"

# A copy of the plugin in KNOB_PLUGINS registers its name first: the sweep's plugin is refused,
# naming the file loaded before it (it said only that the name was taken)
cp sweeps/liblocalsearch.so "$T/copy.so"
rc=0
KNOB_PLUGINS="$T/copy.so" "$KNOB" ask cp --sweep sweeps/ls.yaml $S 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of a plugin whose name is taken"
grep -q "there is a sampler named 'localsearch' already (already exists); loaded before it: $T/copy.so" err.txt ||
    fail "a name taken: $(cat err.txt)"

# A worker reads the stored sweep; its plugin path resolves from the working directory.
(cd sweeps && "$KNOB" worker --study ls $S --trials 3 > ../w.txt 2>&1) || fail "worker: $(cat w.txt)"
"$KNOB" trials ls $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 43 "trials after the worker"

# Broken plugins: a missing file, a shared object without knob_plugin_init.
printf 'plugins: [nowhere.so]\n' > sweeps/missing.yaml
sed -n '/^program/,/^metric/p;/^parameters/,$p' sweeps/ls.yaml >> sweeps/missing.yaml
rc=0
"$KNOB" ask m --sweep sweeps/missing.yaml $S 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of a missing plugin"
grep -q "missing.yaml:1:11: key 'plugins': plugin '.*nowhere.so': no such file" err.txt ||
    fail "missing: $(cat err.txt)"
printf 'int nothing(void) { return 0; }\n' > none.c
cc -shared -fPIC $san -o sweeps/libnone.so none.c || fail "cc"
sed 's/nowhere.so/libnone.so/' sweeps/missing.yaml > sweeps/none.yaml
rc=0
"$KNOB" ask n --sweep sweeps/none.yaml $S 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of a plugin without knob_plugin_init"
grep -q "no function knob_plugin_init() in it" err.txt || fail "no init: $(cat err.txt)"
rc=0
KNOB_PLUGINS="$T/sweeps/libnone.so" "$KNOB" samplers > /dev/null 2> err.txt || rc=$?
expect_eq "$rc" 2 "exit status of a broken KNOB_PLUGINS"
grep -q "KNOB_PLUGINS: plugin" err.txt || fail "KNOB_PLUGINS error: $(cat err.txt)"
echo ok
