# Sourced by the integration tests: a scratch directory, failing or skipping with a message,
# and reading JSON with python3. Wait for a background job by its pid and check its status
# (`wait "$pid" || fail ...`): a bare `wait` returns 0 whatever the jobs returned.
set -euo pipefail
: "${KNOB:?KNOB must name the knob binary}"
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
PROGS="$KNOB_SRC/tests/integration/programs"
T="${KNOB_TEST_TMP:-/tmp}/it-$(basename "$0" .sh)-$$"
rm -rf "$T"
mkdir -p "$T"
cd "$T"

# Trials start many Python processes: use the system's python3 directly when there is one
# (a version manager's shim on PATH costs far more than the trial itself).
if [ -x /usr/bin/python3 ]; then
    mkdir -p "$T/bin"
    ln -s /usr/bin/python3 "$T/bin/python3"
    export PATH="$T/bin:$PATH"
fi

fail() {
    echo "FAIL ($(basename "$0")): $*" >&2
    exit 1
}

# A test that cannot run here says why and exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE in tests/CMakeLists.txt), never as passed.
skip() {
    echo "SKIP ($(basename "$0")): $*" >&2
    exit 77
}

# jq-like: py 'expression over d' < file.json
py() {
    python3 -c "import json,sys; d=json.load(sys.stdin); r=($1); print(r if not isinstance(r,(dict,list)) else json.dumps(r))"
}

expect_eq() { # actual expected what
    [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# Fails when a trial's process (from its pid file) is still alive.
expect_dead() { # trial-dir...
    local d
    for d in "$@"; do
        [ -f "$d/pid" ] || continue
        if kill -0 "$(cat "$d/pid")" 2>/dev/null; then fail "the process of $d is alive"; fi
    done
}
