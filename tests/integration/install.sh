#!/usr/bin/env bash
# `cmake --install` gives a library people can use, as C libraries are installed: knob.h,
# libknob.so.0.1.0 (soname libknob.so.0) and libknob.a exporting the public API only, knob.pc,
# the CMake package (knob::knob, knob::knob_static), the knob binary that finds the
# installed libknob by itself, and its man page. Clients are built the three ways a user
# would (pkg-config shared and static, find_package), examples/plugin is built against the
# installed tree with its Makefile (pkg-config) and run, and the installed knob uses that
# plugin from a sweep file. Then the prefix is moved: the CMake package and the knob binary
# are relocatable.
#
# A build with the sanitizers installs a sanitized libknob: knob.pc and the CMake targets
# then carry -fsanitize=..., so the clients here link the runtime they need without help.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
for tool in cmake pkg-config make nm readelf; do
    command -v "$tool" > /dev/null || fail "$tool is not installed (scripts/deps.sh installs it)"
done
command -v groff > /dev/null || fail "groff is not installed (Debian package groff-base)"
CC=${CC:-cc}
cache() { # name: a value of the build's CMakeCache.txt
    sed -n "s/^$1:[A-Z]*=//p" "$KNOB_BUILD/CMakeCache.txt"
}
libdir=$(cache CMAKE_INSTALL_LIBDIR)
[ -n "$libdir" ] || fail "no CMAKE_INSTALL_LIBDIR in $KNOB_BUILD/CMakeCache.txt"
version=$("$KNOB" --version | sed -n 's/^knob //p')
[ -n "$version" ] || fail "knob --version: $("$KNOB" --version)"

P=$T/prefix
L=$P/$libdir
cmake --install "$KNOB_BUILD" --prefix "$P" > install.txt 2>&1 || fail "install: $(cat install.txt)"
for f in include/knob.h "$libdir/libknob.so.$version" "$libdir/libknob.a" \
    "$libdir/pkgconfig/knob.pc" "$libdir/cmake/knob/knobConfig.cmake" \
    "$libdir/cmake/knob/knobConfigVersion.cmake" bin/knob share/man/man1/knob.1; do
    [ -f "$P/$f" ] || fail "not installed: $f ($(cat install.txt))"
done
expect_eq "$(readlink "$L/libknob.so.0")" "libknob.so.$version" "libknob.so.0"
expect_eq "$(readlink "$L/libknob.so")" "libknob.so.0" "libknob.so"
readelf -d "$L/libknob.so.$version" | grep -q 'SONAME.*\[libknob\.so\.0\]' ||
    fail "soname: $(readelf -d "$L/libknob.so.$version" | grep SONAME)"

# Both libraries define the public API and nothing else: the same knob_* names, no
# knob__* helper and no name without the prefix that could clash with a program's own.
nm -D --defined-only "$L/libknob.so" | awk '{print $NF}' | sort > so.txt
nm -g --defined-only "$L/libknob.a" | awk 'NF == 3 {print $3}' | sort > a.txt
grep -qx knob_study_create so.txt || fail "libknob.so does not export knob_study_create"
grep -v '^knob_' so.txt > other.txt && fail "libknob.so exports: $(head -20 other.txt)"
grep '^knob__' so.txt > other.txt && fail "libknob.so exports: $(head -20 other.txt)"
grep -v '^knob_' a.txt > other.txt && fail "libknob.a defines: $(head -20 other.txt)"
grep '^knob__' a.txt > other.txt && fail "libknob.a defines: $(head -20 other.txt)"
cmp -s so.txt a.txt || fail "libknob.a and libknob.so differ: $(diff so.txt a.txt | head -20)"

# A client, the README's example with a model to train and the storage in memory.
cat > client.c <<'C'
#include <knob.h>
#include <stdio.h>
#include <string.h>

/* The model: best at lr = 0.01, depth 3, adam. */
static double train_and_validate(double lr, int64_t depth, const char *optimizer)
{
    double d = (double)(depth - 3), l = lr - 0.01;
    return 1.0 - d * d / 49.0 - l * l * 50.0 - (strcmp(optimizer, "adam") ? 0.1 : 0.0);
}

static knob_trial_state objective(knob_trial *t, void *ctx, double *values)
{
    double lr;
    int64_t depth;
    const char *opts[] = {"adam", "sgd"};
    size_t opt;
    (void)ctx;
    if (knob_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, KNOB_LOG, &lr) ||
        knob_trial_suggest_int(t, "depth", 1, 8, 1, 0, &depth) ||
        knob_trial_suggest_categorical(t, "optimizer", opts, 2, &opt))
        return KNOB_TRIAL_FAIL;
    values[0] = train_and_validate(lr, depth, opts[opt]);
    return KNOB_TRIAL_COMPLETE;
}

int main(void)
{
    knob_storage *st = NULL;
    knob_study *s = NULL;
    knob_sampler *sampler = NULL;
    knob_direction dir = KNOB_MAXIMIZE;
    double best;
    int rc = 1;
    if (knob_storage_open("memory:", &st) || knob_sampler_create("tpe", "seed=42", &sampler)) {
        fprintf(stderr, "knob: %s\n", knob_errmsg());
        knob_storage_close(st);
        return 1;
    }
    knob_study_options o = {.directions = &dir, .n_objectives = 1, .sampler = sampler};
    if (knob_study_create(st, "client", &o, &s) || knob_study_optimize(s, objective, NULL, 40) ||
        knob_study_best_value(s, &best))
        fprintf(stderr, "knob: %s\n", knob_errmsg());
    else {
        printf("%s best %.6f\n", KNOB_VERSION_STRING, best);
        rc = 0;
    }
    knob_study_free(s);
    knob_storage_close(st);
    return rc;
}
C
# Prints what a client printed, after checking that it ran and found a good value.
run_client() { # executable
    "$1" > "$1.out" 2> "$1.err" || fail "$1: $(cat "$1.out" "$1.err")"
    python3 -c "import sys; w = open(sys.argv[1]).read().split(); \
sys.exit(not (len(w) == 3 and w[:2] == ['$version', 'best'] and 0.5 < float(w[2]) <= 1))" \
        "$1.out" || fail "$1 printed: $(cat "$1.out")"
    cat "$1.out"
}
# Which libknob an executable loads: 'static' when it needs none.
libknob_of() { # executable
    if readelf -d "$1" | grep -q 'NEEDED.*libknob'; then
        realpath -s "$(ldd "$1" | sed -n 's/^.*libknob\.so\.0 => \([^ ]*\) .*$/\1/p')"
    else
        echo static
    fi
}

# (a) shared, with pkg-config; (b) static, with pkg-config --static (-l:libknob.a, as the
# README says, for the linker would take libknob.so for -lknob).
export PKG_CONFIG_PATH=$L/pkgconfig
expect_eq "$(pkg-config --modversion knob)" "$version" "pkg-config --modversion knob"
expect_eq "$(pkg-config --variable=libdir knob)" "$L" "knob.pc's libdir"
warn=(-std=c11 -Wall -Wextra -Werror)
# shellcheck disable=SC2046 # pkg-config prints words
"$CC" "${warn[@]}" client.c -o client_shared $(pkg-config --cflags --libs knob) \
    -Wl,-rpath,"$(pkg-config --variable=libdir knob)" > cc.txt 2>&1 ||
    fail "cc with pkg-config --libs knob: $(cat cc.txt)"
# shellcheck disable=SC2046
"$CC" "${warn[@]}" client.c -o client_static $(pkg-config --cflags knob) \
    $(pkg-config --static --libs knob | sed 's/-lknob\b/-l:libknob.a/') > cc.txt 2>&1 ||
    fail "cc with pkg-config --static --libs knob: $(cat cc.txt)"
# The shared link needs no .pc but knob's (libknob.so names its own libraries): where the
# libraries' -dev packages are not installed, pkg-config --libs knob failed for want of
# sqlite3.pc. PKG_CONFIG_LIBDIR holds knob.pc alone here.
cflags_libs=$(PKG_CONFIG_LIBDIR=$L/pkgconfig pkg-config --cflags --libs knob 2> err.txt) ||
    fail "pkg-config --cflags --libs knob with no other .pc: $(cat err.txt)"
expect_eq "$cflags_libs" "$(pkg-config --cflags --libs knob)" \
    "pkg-config --cflags --libs knob with no other .pc"
expect_eq "$(libknob_of client_shared)" "$L/libknob.so.0" "the libknob client_shared loads"
expect_eq "$(libknob_of client_static)" static "the libknob client_static loads"
shared_out=$(run_client ./client_shared)
expect_eq "$(run_client ./client_static)" "$shared_out" "the static client's study"

# (f) examples/plugin with its own Makefile, against the installed tree found by pkg-config.
mkdir plugin
make -f "$KNOB_SRC/examples/plugin/Makefile" OUT="$T/plugin" CFLAGS="-O2 -Wall -Wextra -Werror" \
    > make.txt 2>&1 || fail "make: $(cat make.txt)"
if ! grep -q -- "-I$P/include " make.txt || ! grep -q -- "-L$L -lknob" make.txt; then
    fail "the plugin's build did not use the installed tree: $(cat make.txt)"
fi
grep -qF -e "-I$KNOB_SRC/include " -e "-L$KNOB_BUILD/src " make.txt && fail "built against the tree: $(cat make.txt)"
expect_eq "$(libknob_of plugin/run_study)" "$L/libknob.so.0" "the libknob run_study loads"
./plugin/run_study 100 2 > study.txt 2> err.txt || fail "run_study: $(cat study.txt err.txt)"
grep -Eq '^seed 1: localsearch [0-9.e+-]+ random [0-9.e+-]+$' study.txt ||
    fail "run_study printed: $(cat study.txt)"
expect_eq "$(wc -l < study.txt)" 2 "run_study's lines"
# The plugin in a program linked to libknob.a (pkg-config --static): its registration lands
# in the program's libknob, which exports knob_* for it (knob_plugin_init said 0, and the
# sampler was unknown: it had registered in a libknob.so.0 loaded for it)
cat > plugload.c <<'C'
#include <dlfcn.h>
#include <stdio.h>

#include <knob.h>

int main(int argc, char **argv)
{
    void *so = argc == 2 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
    knob_plugin_init_fn init = NULL;
    if (so)
        *(void **)&init = dlsym(so, KNOB_PLUGIN_INIT_SYMBOL);
    knob_sampler *s;
    if (!init || init() != KNOB_OK || knob_sampler_create("localsearch", NULL, &s) != KNOB_OK) {
        fprintf(stderr, "%s\n", so ? knob_errmsg() : dlerror());
        return 1;
    }
    knob_sampler_free(s);
    puts("localsearch");
    return 0;
}
C
"$CC" "${warn[@]}" plugload.c -o plugload_static $(pkg-config --cflags knob) \
    $(pkg-config --static --libs knob | sed 's/-lknob\b/-l:libknob.a/') -ldl > cc.txt 2>&1 ||
    fail "cc plugload.c with pkg-config --static: $(cat cc.txt)"
expect_eq "$(./plugload_static "$T/plugin/liblocalsearch.so" 2>&1)" localsearch "the plugin in a static program"

# The prefix moves (as a package's tree is unpacked elsewhere): from here on the installed
# knob and the CMake package are used from where they are now.
Q=$T/moved
mv "$P" "$Q"
unset PKG_CONFIG_PATH
QL=$Q/$libdir

# (d) the installed knob finds the installed libknob by its RUNPATH, with no
# LD_LIBRARY_PATH, and nothing of the build tree; with KNOB_STATIC_CLI (the default) it
# holds libknob itself, needs no libknob and has no RUNPATH.
K=$Q/bin/knob
readelf -d "$K" | grep -q "$KNOB_BUILD" && fail "knob's RUNPATH names the build tree"
if [ "$(cache KNOB_STATIC_CLI)" = ON ]; then
    expect_eq "$(libknob_of "$K")" static "the libknob the installed knob loads"
    readelf -d "$K" | grep -q "PATH" && fail "a static knob with a RUNPATH: $(readelf -d "$K" | grep PATH)"
else
    readelf -d "$K" | grep -q "RUNPATH.*\[\$ORIGIN/" || fail "knob's RUNPATH: $(readelf -d "$K" | grep PATH)"
    expect_eq "$(libknob_of "$K")" "$QL/libknob.so.0" "the libknob the installed knob loads"
fi
expect_eq "$(env -u LD_LIBRARY_PATH "$K" --version)" "knob $version" "installed knob --version"
env -u LD_LIBRARY_PATH "$K" samplers > samplers.txt 2>&1 || fail "knob samplers: $(cat samplers.txt)"
grep -q "^  tpe" samplers.txt || fail "knob samplers: $(head -c 2000 samplers.txt)"

# The installed knob uses the plugin from a sweep file (a path relative to the file).
mkdir sweeps
cp plugin/liblocalsearch.so sweeps/
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
# shellcheck disable=SC2086 # $S is two words
env -u LD_LIBRARY_PATH "$K" run sweeps/ls.yaml $S --study ls --trials 30 --seed 2 > run.txt 2>&1 ||
    fail "installed knob run with the plugin: $(cat run.txt)"
# shellcheck disable=SC2086
"$K" trials ls $S --format json > trials.json || fail "knob trials"
expect_eq "$(py 'sum(t["state"] == "complete" for t in d)' < trials.json)" 30 "complete trials"
# shellcheck disable=SC2086
best=$("$K" best ls $S --json | py 'd["values"][0]')
python3 -c "import sys; sys.exit(0 if $best < 1 else 1)" || fail "localsearch's best after 30 trials: $best"
KNOB_PLUGINS=$T/sweeps/liblocalsearch.so "$K" samplers > list.txt 2>&1 || fail "KNOB_PLUGINS: $(cat list.txt)"
grep -q "^  localsearch" list.txt || fail "KNOB_PLUGINS: $(head -c 2000 list.txt)"

# (c) find_package(knob) from the moved prefix: knob::knob and knob::knob_static.
mkdir cm
cp client.c plugload.c cm/
cat > cm/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(client C)
find_package(knob 0.1 REQUIRED COMPONENTS static)
add_executable(client_cmake client.c)
target_link_libraries(client_cmake PRIVATE knob::knob)
add_executable(client_cmake_static client.c)
target_link_libraries(client_cmake_static PRIVATE knob::knob_static)
add_executable(plugload_cmake_static plugload.c)
target_link_libraries(plugload_cmake_static PRIVATE knob::knob_static ${CMAKE_DL_LIBS})
CMAKE
CC=$CC cmake -S cm -B cm/build -DCMAKE_PREFIX_PATH="$Q" -DCMAKE_BUILD_TYPE=Release \
    > cmake.txt 2>&1 || fail "cmake with find_package(knob): $(cat cmake.txt)"
cmake --build cm/build > build.txt 2>&1 || fail "build with knob::knob: $(cat build.txt)"
expect_eq "$(libknob_of cm/build/client_cmake)" "$QL/libknob.so.0" "the libknob client_cmake loads"
expect_eq "$(libknob_of cm/build/client_cmake_static)" static "client_cmake_static's libknob"
expect_eq "$(run_client cm/build/client_cmake)" "$shared_out" "the find_package client's study"
expect_eq "$(run_client cm/build/client_cmake_static)" "$shared_out" "knob::knob_static's study"
# the plugin, moved with the prefix: its libknob.so.0 found beside where it was built no more,
# so through LD_LIBRARY_PATH; its calls bind to the program's own libknob
expect_eq "$(LD_LIBRARY_PATH=$QL cm/build/plugload_cmake_static "$T/plugin/liblocalsearch.so" 2>&1)" \
    localsearch "the plugin in a knob::knob_static program"

# A version the package does not provide is refused.
sed -i 's/knob 0.1 REQUIRED/knob 1.0 REQUIRED/' cm/CMakeLists.txt
cmake -S cm -B cm/build1 -DCMAKE_PREFIX_PATH="$Q" > cmake1.txt 2>&1 &&
    fail "find_package(knob 1.0) took $version"
grep -q "knobConfig.cmake, version: $version" cmake1.txt || fail "find_package(knob 1.0): $(cat cmake1.txt)"
# Without the pkg-config modules knob::knob_static needs, COMPONENTS static fails naming them
# and the Debian packages that give them, this build's only (a build that opens libpq,
# LAPACKE/OpenBLAS and NLopt when first needed named their four packages too, "for those").
sed -i 's/knob 1.0 REQUIRED/knob 0.1 REQUIRED/' cm/CMakeLists.txt
mkdir nopc
PKG_CONFIG_LIBDIR=$T/nopc cmake -S cm -B cm/build2 -DCMAKE_PREFIX_PATH="$Q" > cmake2.txt 2>&1 &&
    fail "find_package(knob COMPONENTS static) without sqlite3.pc: found"
if [ "$(cache KNOB_LAZY_LIBS)" = OFF ]; then
    want="modules sqlite3 libpq lapacke openblas nlopt (on Debian: pkg-config libsqlite3-dev"
    want="$want libpq-dev liblapacke-dev libopenblas-dev libnlopt-dev)"
else
    want="modules sqlite3 (on Debian: pkg-config libsqlite3-dev)"
fi
tr -s ' \n' '  ' < cmake2.txt | grep -qF "$want" ||
    fail "find_package(knob COMPONENTS static) without sqlite3.pc: $(cat cmake2.txt)"

# (e) the man page renders without a warning.
groff -man -Tutf8 -ww -z "$Q/share/man/man1/knob.1" > man.txt 2>&1 || fail "groff: $(cat man.txt)"
[ -s man.txt ] && fail "groff warns about knob.1: $(cat man.txt)"
groff -man -Tutf8 -P-cbou "$Q/share/man/man1/knob.1" > man.txt 2>&1
for section in NAME SYNOPSIS DESCRIPTION COMMANDS 'SWEEP FILES' ENVIRONMENT 'EXIT STATUS' \
    FILES EXAMPLES 'SEE ALSO'; do
    grep -qx "$section" man.txt || fail "knob.1 has no section $section"
done
grep -q "knob $version" man.txt || fail "knob.1 does not say version $version"
echo "ok: $shared_out; $(head -1 study.txt); localsearch from a sweep: $best"
