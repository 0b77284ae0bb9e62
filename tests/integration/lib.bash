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

# The sanitizer build: LeakSanitizer's check at the exit of each process costs a short knob
# command more than the rest of it (knob --version: 30 ms without it, 65-70 ms with it), and
# the integration tests start about 1,300 knob processes. It stays on in the unit tests (the
# library's code) and in these integration tests, which run the CLI's long-lived commands
# (run, worker, dashboard) and its main short ones; the other integration tests run mostly
# the same code paths with other input.
case "$(basename "$0" .sh)" in
ask_tell | best_many_objectives | conditional | dashboard | enqueue | failures | grid | \
    importance | inspect | lr_find | parallel | pbt | prune | trials_json | worker_pg) ;;
*)
    if [ -n "${KNOB_SANITIZE_FLAGS:-}" ]; then
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    fi
    ;;
esac

# Trials start many Python processes: use the system's python3 directly when there is one
# (a version manager's shim on PATH costs far more than the trial itself).
if [ -x /usr/bin/python3 ]; then
    mkdir -p "$T/bin"
    ln -s /usr/bin/python3 "$T/bin/python3"
    export PATH="$T/bin:$PATH"
fi

cc_knob() { # OUT SRC: a program of SRC linked to the build's libknob (KNOB_BUILD), with the
    # sanitizers' runtime when the build has them (a sanitized libknob needs it)
    : "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
    local san=""
    if grep -q '^KNOB_SANITIZE:BOOL=ON' "$KNOB_BUILD/CMakeCache.txt" 2> /dev/null; then
        san="-fsanitize=address,undefined"
    fi
    cc $san -I"$KNOB_SRC/include" -o "$1" "$2" -L"$KNOB_BUILD/src" -lknob \
        -Wl,-rpath,"$KNOB_BUILD/src" -lm || fail "cc $2"
}

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

# The data of a knob report (its knob-data script), from the page on stdin, as JSON.
report_data() {
    python3 -c 'import json, re, sys
print(json.dumps(json.loads(re.search(r"<script id=\"knob-data\"[^>]*>(.*?)</script>", sys.stdin.read()).group(1))))'
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

# knob dashboard on STORAGE, port chosen by the system (--port 0), ARGS after: its stdout in
# dash.out, its stderr in dash.err; sets url (http://host:port) and dashboard_pid, and kills
# it on exit (a failing check leaves no server behind).
dashboard_start() { # STORAGE [ARGS...]
    local storage=$1
    shift
    # emptied here, not by the background job's redirections, which may come after the first
    # read below: that read would take the previous dashboard's URL (and its stderr)
    : > dash.out
    : > dash.err
    "$KNOB" dashboard --storage "$storage" --port 0 "$@" > dash.out 2> dash.err &
    dashboard_pid=$!
    trap 'kill "$dashboard_pid" 2> /dev/null || true' EXIT
    # its start line, 30 s at most (a loaded machine may take more than 5 s), or its exit
    for _ in $(seq 600); do
        url=$(grep -o 'http://[^/ ]*' dash.out || true)
        [ -n "$url" ] && return 0
        kill -0 "$dashboard_pid" 2> /dev/null || break
        sleep 0.05
    done
    fail "the dashboard did not start: $(cat dash.err)"
}

# Stops the dashboard of dashboard_start with SIGTERM; it must exit with 130, as a knob
# stopped by Ctrl-C or SIGTERM does (docs/cli.md).
dashboard_stop() {
    local rc=0
    kill "$dashboard_pid"
    wait "$dashboard_pid" || rc=$?
    [ "$rc" = 130 ] || fail "the dashboard exited with $rc on SIGTERM"
}

# A request to the dashboard at $url, a POST when BODY is given (not empty), with one
# HEADER ("Name: value") if given: prints "status body". curl, not python3's urllib: a
# Python process importing urllib.request cost 0.1 s of CPU a request, most of
# tests/integration/dashboard.sh's time.
dashboard_request() { # PATH [BODY] [HEADER]
    local out="$T/response.$BASHPID" code rc=0
    # -g: a path's [] and {} as they are, not curl's globs; the body from stdin, as it is
    # (an argument beginning with @ would name a file)
    local args=(-g -s -S --max-time 10 -o "$out" -w '%{http_code}')
    if [ -n "${2:-}" ]; then # as the page sends it (a write must say its body is JSON)
        args+=(-H "Content-Type: application/json" --data-binary @-)
    fi
    [ -n "${3:-}" ] && args+=(-H "$3")
    code=$(printf '%s' "${2:-}" | curl "${args[@]}" "$url$1") || rc=$?
    if [ "$rc" = 0 ]; then
        printf '%s %s\n' "$code" "$(cat "$out")"
    fi
    rm -f "$out"
    return "$rc"
}
dashboard_status() { dashboard_request "$@" | head -n 1 | cut -d' ' -f1; } # PATH [BODY] [HEADER]
dashboard_body() { dashboard_request "$@" | sed '1s/^[0-9]* //'; }         # PATH [BODY] [HEADER]

# The body of a GET of PATH, which must answer 200.
dashboard_json() { # PATH
    local out
    out=$(dashboard_request "$1")
    [ "${out%% *}" = 200 ] || fail "GET $1: $out"
    printf '%s\n' "${out#* }"
}
