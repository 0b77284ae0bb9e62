#!/usr/bin/env bash
# libpq, LAPACKE/OpenBLAS, NLopt and libmicrohttpd are opened when first needed
# (src/util/lazy.h): knob runs with them broken (a file that is not a library under each
# SONAME, first on LD_LIBRARY_PATH) as long as it does not need them, and says which
# library failed and what needed it when it does, never crashing; `knob tell`, `ask`,
# `best` and `--version` on SQLite do not map them at all (LD_DEBUG=files).
. "$(dirname "$0")/lib.bash"
libs="${KNOB_BUILD:?KNOB_BUILD must name the build tree}/lazy_libs.txt"
[ -f "$libs" ] || skip "knob was built with KNOB_LAZY_LIBS=OFF (no $libs): the libraries are linked"
soname() { awk -v k="$1" '$1 == k {print $2}' "$libs"; }
PQ=$(soname pq) LAPACKE=$(soname lapacke) OPENBLAS=$(soname openblas)
NLOPT=$(soname nlopt) MHD=$(soname mhd)
[ -n "$PQ" ] && [ -n "$LAPACKE" ] && [ -n "$OPENBLAS" ] && [ -n "$NLOPT" ] && [ -n "$MHD" ] ||
    fail "$libs lacks a library: $(cat "$libs")"

mkdir broken nlopt_only
for so in "$PQ" "$LAPACKE" "$OPENBLAS" "$NLOPT" "$MHD"; do
    echo "not a library" >"broken/$so"
done
echo "not a library" >"nlopt_only/$NLOPT"
broken() { LD_LIBRARY_PATH="$T/broken${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$KNOB" "$@"; }

sweep() { # FILE SAMPLER
    cat >"$1" <<EOF
program: unused
metric: {name: loss, goal: minimize}
sampler: $2
parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}
EOF
}
sweep random.yaml random
sweep gp.yaml "{name: gp, options: {n_startup_trials: 2, seed: 1}}"
sweep cmaes.yaml "{name: cmaes, options: {n_startup_trials: 2, seed: 1}}"
db="sqlite:///$T/study.db"

# ask_tell STUDY SWEEP [LIBRARY-PATH]: one trial asked and told (x^2 + y^2), with
# LD_LIBRARY_PATH set when given; prints its number
ask_tell() {
    local out n v
    out=$(env ${3:+LD_LIBRARY_PATH="$3"} "$KNOB" ask "$1" --sweep "$2" --storage "$db") ||
        fail "ask $1: $out"
    n=$(echo "$out" | py 'd["number"]')
    v=$(echo "$out" | py 'd["params"]["x"] ** 2 + d["params"]["y"] ** 2')
    env ${3:+LD_LIBRARY_PATH="$3"} "$KNOB" tell "$1" "$n" "$v" --storage "$db" >/dev/null ||
        fail "tell $1 $n"
    echo "$n"
}

# expect_missing WHAT-NEEDS LIBRARY FILE CMD...: CMD fails with a knob error (status 1 or
# 2, no signal) whose message names what needed the library, the library and the file.
expect_missing() {
    local needs=$1 so=$2 file=$3 rc=0
    shift 3
    "$@" >out.txt 2>err.txt || rc=$?
    [ "$rc" -ge 1 ] && [ "$rc" -le 2 ] ||
        fail "$*: status $rc (expected a knob error, 1 or 2): $(cat err.txt)"
    grep -qF "$needs needs $so: $file" err.txt ||
        fail "$*: the message does not say '$needs needs $so: $file...': $(cat err.txt)"
}

# 1. Without them: --version, and a study on SQLite asked, told and read.
broken --version >/dev/null || fail "knob --version with the lazily opened libraries broken"
for i in 1 2 3; do
    ask_tell rand random.yaml "$T/broken" >/dev/null
done
LD_LIBRARY_PATH="$T/broken" "$KNOB" best rand --storage "$db" >best.txt ||
    fail "knob best with the libraries broken: $(cat best.txt)"
n=$(LD_LIBRARY_PATH="$T/broken" "$KNOB" trials rand --format json --storage "$db" | py 'len(d)')
expect_eq "$n" 3 "trials of the study asked and told with the libraries broken"

# 2. When needed, an error naming the library, the file found and what needed it.
expect_missing "postgresql storage" "$PQ" "$T/broken/$PQ" \
    broken ask pg --sweep random.yaml --storage "postgresql://knob@127.0.0.1:1/none"
expect_missing "postgresql storage" "$PQ" "$T/broken/$PQ" \
    broken trials pg --storage "postgresql://knob@127.0.0.1:1/none"
for s in gp cmaes; do
    ask_tell "$s" "$s.yaml" >/dev/null
    ask_tell "$s" "$s.yaml" >/dev/null
    # the first model needs OpenBLAS (opened before LAPACKE)
    expect_missing "sampler '$s'" "$OPENBLAS" "$T/broken/$OPENBLAS" \
        broken ask "$s" --sweep "$s.yaml" --storage "$db"
done
expect_missing "sampler 'gp'" "$NLOPT" "$T/nlopt_only/$NLOPT" \
    env LD_LIBRARY_PATH="$T/nlopt_only" "$KNOB" ask gp --sweep gp.yaml --storage "$db"
expect_missing "knob dashboard" "$MHD" "$T/broken/$MHD" \
    broken dashboard --storage "$db" --port 0
# and the same study goes on where the libraries are whole
n=$(ask_tell gp gp.yaml)
[ "$n" -ge 2 ] || fail "gp's third trial is number $n"

# 3. Not mapped when not needed: LD_DEBUG=files lists every object the loader opens.
mapped() { # CMD...: the objects CMD's process loads, one a line
    LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\).*/\1/p' | sort -u
}
n=$("$KNOB" ask rand --sweep random.yaml --storage "$db" | py 'd["number"]')
for cmd in "--version" "tell rand $n 1.5 --storage $db" "ask rand --sweep random.yaml --storage $db" \
    "best rand --storage $db"; do
    # shellcheck disable=SC2086 # the command's words
    mapped "$KNOB" $cmd >maps.txt
    grep -q "libc\.so" maps.txt || fail "LD_DEBUG=files shows no libc for 'knob $cmd': $(cat maps.txt)"
    for so in "$PQ" "$LAPACKE" "$OPENBLAS" "$NLOPT" "$MHD"; do
        ! grep -qF "$so" maps.txt || fail "'knob $cmd' maps $so: $(tr '\n' ' ' <maps.txt)"
    done
done
# the check sees a library that is opened: gp's model opens OpenBLAS and NLopt
mapped "$KNOB" ask gp --sweep gp.yaml --storage "$db" >maps.txt
for so in "$OPENBLAS" "$LAPACKE" "$NLOPT"; do
    grep -qF "$so" maps.txt || fail "gp's ask does not map $so: $(tr '\n' ' ' <maps.txt)"
done
echo ok
