# Sourced by the integration tests: a scratch directory, failing with a message, and
# reading JSON with python3.
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
