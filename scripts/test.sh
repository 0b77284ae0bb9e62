#!/usr/bin/env bash
# Runs every test, warnings as errors (-DKNOB_WERROR=ON), in two builds: the normal one,
# Release (-O3, as scripts/setup.sh and a build with no type given make it), and one with
# AddressSanitizer and UndefinedBehaviorSanitizer (-O1, assertions on); then runs each fuzz
# target (tests/fuzz, clang's libFuzzer) for a bounded time from its seed corpus. A fuzz
# target that crashes fails the run and leaves its input in build-fuzz/artifacts/. Each
# build after the first is compiled, at the lowest priority, while the tests of the build
# before it run (its output in DIR.build.log).
#
# With CI=true (.ci/run) or KNOB_REQUIRE_ALL=1, a test that ctest reports as skipped (no
# PostgreSQL server, a missing tool) fails the run: CI runs every test or says why not.
#
#   KNOB_BUILD_DIR=dir        the builds' directories: dir, dir-asan, dir-fuzz (default build)
#   KNOB_TEST_PG_URL=url      use that PostgreSQL server instead of starting one (the test
#                             postgres.server_restart_loses_nothing restarts scripts/pg.sh's
#                             server: KNOB_TEST_PG_NO_RESTART=1 skips it)
#   KNOB_SKIP_SANITIZE=1, KNOB_SKIP_FUZZ=1   leave a stage out
#   KNOB_FUZZ_SECONDS=n       seconds per fuzz target (default 20)
#   KNOB_CTEST_ARGS="-R re"   more arguments for every ctest run (a subset, by hand)
#   KNOB_CTEST_JOBS=n         tests at once (default one a core)
#   KNOB_CTEST_WAIT_JOBS=n    tests that mostly wait (tests/CMakeLists.txt) at once beside
#                             them (default 2; at least 1)
#
# Tests with the ctest label "once" (the Python package's pytest, the browser tests: they
# drive the library through an interpreter or a page, not the build's C code paths) run in
# the first build only; the sanitizer build leaves them out with -LE once.
set -euo pipefail
cd "$(dirname "$0")/.."
b=${KNOB_BUILD_DIR:-build}

bash scripts/deps.sh
jobs=$(nproc)
# Tests at once: one a core. Twice the cores was measured in full runs on a quiet 2-core
# machine and gained nothing: the three builds' tests took 338, 215 and 411 s against 356,
# 225 and 393 s at one a core (the tests keep the cores busy; PostgreSQL's work is the
# server's). Tests that restart the shared server run alone (RUN_SERIAL) whatever this is.
test_jobs=${KNOB_CTEST_JOBS:-$jobs}
# Beside them, tests that mostly wait (tests/CMakeLists.txt's knob_waiting_tests: Chromium's
# round trips, timeouts, sleeps): ctest's resource allocation gives each other test a slot of
# "cores" and each of these one of "waits", so a core is not left idle while they wait.
wait_jobs=${KNOB_CTEST_WAIT_JOBS:-2}
require_all=0
if [ "${CI:-}" = true ] || [ "${KNOB_REQUIRE_ALL:-0}" = 1 ]; then
    require_all=1
fi
start=$SECONDS
n_skipped=0

# A PostgreSQL server of the tests' own on 127.0.0.1, run by the unprivileged user
# "postgres" (scripts/pg.sh); stopped at the end only if this run started it.
if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    port=${KNOB_PG_PORT:-54329}
    if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
        trap 'bash scripts/pg.sh stop' EXIT
    fi
    KNOB_TEST_PG_URL=$(bash scripts/pg.sh start)
fi
export KNOB_TEST_PG_URL

stage() {
    echo "== $* ($((SECONDS - start)) s) =="
}

# Fails when ctest reported a test as skipped and every test must run.
check_skips() { # ctest-log
    local skipped
    skipped=$(grep -E '\*\*\*Skipped' "$1" | sed -E 's/^.*Test +#[0-9]+: ([^ ]+) .*$/\1/' || true)
    [ -z "$skipped" ] && return 0
    n_skipped=$((n_skipped + $(echo "$skipped" | wc -l)))
    echo "skipped: $(echo "$skipped" | wc -l) test(s): $(echo "$skipped" | tr '\n' ' ')" >&2
    if [ "$require_all" = 1 ]; then
        echo "FAIL: with CI=true or KNOB_REQUIRE_ALL=1 every test must run (a skipped test" \
            "prints why in its output: ctest --test-dir <build> -R <name> -V)" >&2
        return 1
    fi
}

# The builds, each: its directory, the targets to build (all when empty), the C compiler
# (the default when empty) and cmake's arguments. KNOB_WEB=ON: the page of knob report and
# knob dashboard is built, never left out.
builds=()
declare -A targets cc args labels
add_build() { # dir targets cc ctest-labels cmake-args...
    local dir=$1
    builds+=("$dir")
    targets[$dir]=$2
    cc[$dir]=$3
    labels[$dir]=$4
    shift 4
    local IFS=$'\x1f' # the arguments kept apart, spaces and all
    args[$dir]="$*"
}
# Release is the normal build. A third build, RelWithDebInfo (-O2 -g; NDEBUG as Release),
# was tested beside these until 2026-12-05: it differed from Release only in the optimizer's
# level, at about a fourth of the run's time (the second build's tests: 247 s of a 1,127 s run).
add_build "$b" "" "" "" -DCMAKE_BUILD_TYPE=Release -DKNOB_WERROR=ON -DKNOB_WEB=ON
if [ "${KNOB_SKIP_SANITIZE:-0}" != 1 ]; then
    # The examples are built here too: the tests that run them (cli.digits_pbt,
    # cli.nas_example) run under the sanitizers like the rest.
    # -O1, as AddressSanitizer's documentation advises: the tests' sum of times 665 -> 557 s
    # against -O0. GCC 12 reports a false maybe-uninitialized there with the sanitizers on
    # (a local array passed by pointer, trial.c): that one warning is left to the two
    # other builds, which keep it as an error. -g1: the line tables the sanitizers' reports
    # and addr2line need, without the variables' descriptions (a fourth less compiler time
    # than -g: 5.4 -> 4.1 s for five of the largest files).
    add_build "$b-asan" "" "" "-LE once" -DCMAKE_BUILD_TYPE=Debug \
        "-DCMAKE_C_FLAGS_DEBUG=-g1 -O1 -Wno-maybe-uninitialized" -DKNOB_SANITIZE=ON -DKNOB_WERROR=ON \
        -DKNOB_WEB=ON -DKNOB_BENCH=OFF
fi
if [ "${KNOB_SKIP_FUZZ:-0}" != 1 ]; then
    # -g1 (clang's -gline-tables-only) for the crash reports' lines, as the sanitizer build
    add_build "$b-fuzz" "fuzz_sweep fuzz_records" clang "" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DKNOB_FUZZ=ON -DKNOB_TESTS=OFF -DKNOB_BENCH=OFF \
        -DKNOB_EXAMPLES=OFF
fi

build() { # dir: configure and build it
    local dir=$1 a t=()
    IFS=$'\x1f' read -r -a a <<< "${args[$dir]}"
    # shellcheck disable=SC2206 # the targets are words
    [ -n "${targets[$dir]}" ] && t=(--target ${targets[$dir]})
    # Ninja, not make, on 2 cores (2026-12-06): the Release build took 48-51 s of wall
    # time and 88-95 s of CPU time against make's 58-60 s and 109-113 s; the sanitizer
    # build 54 s and 102 s against 69-139 s and 131-141 s (make's recursive dependency
    # scans). The builds after the first run beside the tests, so their CPU time is the
    # tests'. A directory configured before keeps its generator.
    local g=()
    if [ ! -f "$dir/CMakeCache.txt" ] && command -v ninja > /dev/null; then
        g=(-G Ninja)
    fi
    env ${cc[$dir]:+CC=${cc[$dir]}} cmake "${g[@]}" -S . -B "$dir" "${a[@]}" > /dev/null
    cmake --build "$dir" -j"$jobs" "${t[@]}"
}

# The next build runs while the tests of the one before run, at the lowest priority (nice
# 19): the tests leave a core idle about a fifth of the time (sleeps, waits on PostgreSQL and
# on Chromium), which the compiler takes. The tests beside it still take longer (on a quiet
# 2-core machine, 2026-12-05: 400 s against 341 s with the next build beside them), so the
# run gains less than the build's time (1,127 s against 1,145 s then). Its output goes to
# DIR.build.log, shown when it fails.
build_pid=
build_next() { # dir
    mkdir -p "$1"
    # (niced before it starts anything: the compilers inherit it)
    (renice -n 19 -p "$BASHPID" > /dev/null && build "$1") > "$1.build.log" 2>&1 &
    build_pid=$!
}
await_build() { # dir
    local t0=$SECONDS
    if ! wait "$build_pid"; then
        cat "$1.build.log" >&2
        echo "FAIL: the build of $1 failed (its output above, and in $1.build.log)" >&2
        exit 1
    fi
    echo "built $1 ($((SECONDS - t0)) s waited for it after the tests before; output: $1.build.log)"
}

run_tests() { # dir
    local dir=$1
    printf '{"version": {"major": 1, "minor": 0}, "local": [{"cores": [{"id": "0", "slots": %d}],
 "waits": [{"id": "0", "slots": %d}]}]}\n' "$test_jobs" "$wait_jobs" > "$dir/resources.json"
    # shellcheck disable=SC2086 # KNOB_CTEST_ARGS and labels are words
    # (the spec's path absolute: ctest reads it from inside the test directory)
    ctest --test-dir "$dir" -j"$((test_jobs + wait_jobs))" --resource-spec-file "$(realpath "$dir")/resources.json" \
        --output-on-failure --timeout 600 ${labels[$dir]} ${KNOB_CTEST_ARGS:-} | tee "$dir/ctest.log"
    check_skips "$dir/ctest.log"
}

for ((i = 0; i < ${#builds[@]}; i++)); do
    dir=${builds[i]}
    case $dir in
    "$b") stage "build and test: $dir (Release)" ;;
    "$b-asan") stage "test with AddressSanitizer + UndefinedBehaviorSanitizer: $dir" ;;
    "$b-fuzz") stage "fuzz: $dir (clang, libFuzzer)" ;;
    esac
    if [ "$i" = 0 ]; then
        build "$dir"
    else
        await_build "$dir"
    fi
    [ $((i + 1)) -lt ${#builds[@]} ] && build_next "${builds[i + 1]}"
    [ "$dir" = "$b-fuzz" ] && break
    if [ "$dir" = "$b-asan" ]; then
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            run_tests "$dir"
    else
        run_tests "$dir"
    fi
done

if [ "${KNOB_SKIP_FUZZ:-0}" != 1 ]; then
    secs=${KNOB_FUZZ_SECONDS:-20}
    f=$b-fuzz
    echo "${secs} s per target"
    mkdir -p "$f/artifacts"
    # Each target runs on its own core for its $secs s of wall time: the targets run at
    # once, up to one per core (one after the other, the two cost 2 x $secs s of wall time
    # and left the second core idle).
    fuzz() { # name
        mkdir -p "$f/corpus/$1"
        # Parse errors go to stderr by design: -close_fd_mask=2 keeps them out of the log
        # (libFuzzer and the sanitizers still report on a copy of stderr).
        "$f/tests/fuzz/fuzz_$1" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -close_fd_mask=2 -print_final_stats=1 -dict="tests/fuzz/$1.dict" \
            -artifact_prefix="$f/artifacts/$1-" "$f/corpus/$1" "tests/fuzz/corpus/$1" \
            > "$f/fuzz_$1.log" 2>&1
    }
    fuzz_failed=0
    names=(sweep records)
    for ((i = 0; i < ${#names[@]}; i += jobs)); do
        pids=()
        for name in "${names[@]:i:jobs}"; do
            fuzz "$name" &
            pids+=("$!")
        done
        for k in "${!pids[@]}"; do
            name=${names[i + k]}
            if ! wait "${pids[k]}"; then
                tail -n 60 "$f/fuzz_$name.log" >&2
                echo "FAIL: fuzz_$name found an input that crashes (its log: $f/fuzz_$name.log);" \
                    "reproduce with: $f/tests/fuzz/fuzz_$name $f/artifacts/$name-*" >&2
                fuzz_failed=1
            fi
            grep -E '^(Done|stat::number_of_executed_units)' "$f/fuzz_$name.log" || true
        done
    done
    [ "$fuzz_failed" = 0 ] || exit 1
fi
if [ "$n_skipped" = 0 ]; then
    stage "all tests passed"
else
    stage "the tests that ran passed; $n_skipped skipped (see 'skipped:' above)"
fi
