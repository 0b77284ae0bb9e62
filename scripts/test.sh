#!/usr/bin/env bash
# Runs every test: unit tests (cmocka) and integration tests (the knob binary) in a
# normal build, then the same tests in a build with AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
jobs=$(nproc)

# A PostgreSQL server of the tests' own on 127.0.0.1, run by the unprivileged user
# "postgres"; stopped when the tests end.
KNOB_TEST_PG_URL=$(bash scripts/pg.sh start)
export KNOB_TEST_PG_URL
trap 'bash scripts/pg.sh stop' EXIT

run_suite() {
    local dir=$1; shift
    cmake -S . -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
    ctest --test-dir "$dir" -j"$jobs" --output-on-failure --timeout 600
}

echo "== build and test: ${KNOB_BUILD_DIR:-build} =="
run_suite "${KNOB_BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${KNOB_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer: build-asan =="
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DKNOB_SANITIZE=ON
fi
