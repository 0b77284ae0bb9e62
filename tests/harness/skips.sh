#!/usr/bin/env bash
# A test that cannot run is reported as skipped (exit 77, ctest's SKIP_RETURN_CODE), never
# as passed; a PostgreSQL server that is named but unreachable is a failure, not a skip.
set -euo pipefail
: "${KNOB:?}" "${KNOB_SRC:?}" "${KNOB_UNIT_BIN:?KNOB_UNIT_BIN must name the directory of the unit tests}"
T="${KNOB_TEST_TMP:-/tmp}/harness-skips-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
failed=0

expect_status() { # want what command...
    local want=$1 what=$2 rc=0
    shift 2
    "$@" > "$T/out.txt" 2>&1 || rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: $what: exit status $rc, expected $want; output:" >&2
        sed 's/^/    /' "$T/out.txt" >&2
        failed=1
    else
        echo "ok: $what: exit status $rc"
    fi
}

closed=postgresql://knob:knob@127.0.0.1:1/knob # nothing listens on port 1
for c in "test_postgres eight_workers" "test_study ask_tell_round_trip" \
    "test_storage postgresql_studies"; do
    read -r exe name <<< "$c"
    expect_status 77 "$exe $name without KNOB_TEST_PG_URL" \
        env -u KNOB_TEST_PG_URL "$KNOB_UNIT_BIN/$exe" "$name"
    expect_status 1 "$exe $name with KNOB_TEST_PG_URL on a closed port" \
        env KNOB_TEST_PG_URL=$closed "$KNOB_UNIT_BIN/$exe" "$name"
done
expect_status 0 "test_storage memory_studies (needs no server)" \
    env -u KNOB_TEST_PG_URL "$KNOB_UNIT_BIN/test_storage" memory_studies

it="$KNOB_SRC/tests/integration"
expect_status 77 "worker_pg.sh without KNOB_TEST_PG_URL" env -u KNOB_TEST_PG_URL bash "$it/worker_pg.sh"
expect_status 1 "worker_pg.sh with KNOB_TEST_PG_URL on a closed port" \
    env KNOB_TEST_PG_URL=$closed bash "$it/worker_pg.sh"

# progress.sh on a PATH that has every command of this one but `script`.
mkdir "$T/path"
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
    [ -d "$d" ] && { ln -s "$d"/* "$T/path/" 2> /dev/null || true; }
done
rm -f "$T/path/script"
expect_status 77 "progress.sh without 'script'" env PATH="$T/path" bash "$it/progress.sh"

exit $failed
