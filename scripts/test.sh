#!/usr/bin/env bash
# Runs every test, warnings as errors (-DKNOB_WERROR=ON), in three builds: the normal one
# (RelWithDebInfo), Release, and one with AddressSanitizer and UndefinedBehaviorSanitizer;
# then runs each fuzz target (tests/fuzz, clang's libFuzzer) for a bounded time from its
# seed corpus. A fuzz target that crashes fails the run and leaves its input in
# build-fuzz/artifacts/.
#
# With CI=true (.ci/run) or KNOB_REQUIRE_ALL=1, a test that ctest reports as skipped (no
# PostgreSQL server, a missing tool) fails the run: CI runs every test or says why not.
#
#   KNOB_BUILD_DIR=dir        the builds' directories: dir, dir-release, dir-asan, dir-fuzz
#                             (default build)
#   KNOB_TEST_PG_URL=url      use that PostgreSQL server instead of starting one (the test
#                             postgres.server_restart_loses_nothing restarts scripts/pg.sh's
#                             server: KNOB_TEST_PG_NO_RESTART=1 skips it)
#   KNOB_SKIP_RELEASE=1, KNOB_SKIP_SANITIZE=1, KNOB_SKIP_FUZZ=1   leave a stage out
#   KNOB_FUZZ_SECONDS=n       seconds per fuzz target (default 20)
#   KNOB_CTEST_ARGS="-R re"   more arguments for every ctest run (a subset, by hand)
#   KNOB_CTEST_JOBS=n         tests at once (default one a core)
#
# Tests with the ctest label "once" (the Python package's pytest, the browser tests: they
# drive the library through an interpreter or a page, not the build's C code paths) run in
# the first build only; the Release and sanitizer builds leave them out with -LE once.
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

run_suite() { # dir ctest-label-args cmake-args...
    local dir=$1 labels=$2
    shift 2
    # KNOB_WEB=ON: the page of knob report and knob dashboard is built, never left out.
    cmake -S . -B "$dir" -DKNOB_WERROR=ON -DKNOB_WEB=ON "$@" > /dev/null
    cmake --build "$dir" -j"$jobs"
    # shellcheck disable=SC2086 # KNOB_CTEST_ARGS and labels are words
    ctest --test-dir "$dir" -j"$test_jobs" --output-on-failure --timeout 600 $labels ${KNOB_CTEST_ARGS:-} |
        tee "$dir/ctest.log"
    check_skips "$dir/ctest.log"
}

stage "build and test: $b (RelWithDebInfo)"
run_suite "$b" "" -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${KNOB_SKIP_RELEASE:-0}" != 1 ]; then
    stage "build and test: $b-release (Release)"
    # The benchmarks are compiled (warnings as errors) in the first build; here they would
    # only cost build time: no test runs them.
    run_suite "$b-release" "-LE once" -DCMAKE_BUILD_TYPE=Release -DKNOB_BENCH=OFF
fi

if [ "${KNOB_SKIP_SANITIZE:-0}" != 1 ]; then
    stage "build and test with AddressSanitizer + UndefinedBehaviorSanitizer: $b-asan"
    # The examples are built here too: the tests that run them (cli.digits_pbt,
    # cli.nas_example) run under the sanitizers like the rest.
    # -O1, as AddressSanitizer's documentation advises: the tests' sum of times 665 -> 557 s
    # against -O0. GCC 12 reports a false maybe-uninitialized there with the sanitizers on
    # (a local array passed by pointer, trial.c): that one warning is left to the two
    # other builds, which keep it as an error.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_suite "$b-asan" "-LE once" -DCMAKE_BUILD_TYPE=Debug \
        "-DCMAKE_C_FLAGS_DEBUG=-g -O1 -Wno-maybe-uninitialized" -DKNOB_SANITIZE=ON -DKNOB_BENCH=OFF
fi

if [ "${KNOB_SKIP_FUZZ:-0}" != 1 ]; then
    secs=${KNOB_FUZZ_SECONDS:-20}
    f=$b-fuzz
    stage "fuzz: $f (clang, libFuzzer), ${secs} s per target"
    CC=clang cmake -S . -B "$f" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNOB_FUZZ=ON \
        -DKNOB_TESTS=OFF -DKNOB_BENCH=OFF -DKNOB_EXAMPLES=OFF > /dev/null
    cmake --build "$f" -j"$jobs" --target fuzz_sweep fuzz_records
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
