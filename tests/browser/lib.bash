# What the browser tests share (sourced after tests/integration/lib.bash): Chromium and
# playwright-core (the build's web/node_modules, in $web) or a skip that says which is missing; the artifacts' directory; a
# dashboard started on a free port; the fixture studies' sweeps, runs and reports in $db; a
# page test run against the dashboard, which is then stopped.
chromium=${KNOB_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/deps.sh installs Debian's chromium)"
web="$KNOB_BUILD/web" # where the build installed the npm packages (web/build.sh)
[ -d "$web/node_modules/playwright-core" ] ||
    skip "no playwright-core in $web/node_modules (the build installs it: npm ci)"
artifacts="$KNOB_BUILD/browser-artifacts"
mkdir -p "$artifacts"

# knob dashboard on STORAGE, port chosen by the system: sets url, and kills it on exit (a
# failing check leaves no server behind): dashboard_start of tests/integration/lib.bash.
start_dashboard() { # STORAGE [OPTION...]
    dashboard_start "$@"
}

# $T/prog.py, the trials' program (Python, from stdin).
trial_program() {
    { echo '#!/usr/bin/env python3'; cat; } > "$T/prog.py"
    chmod +x "$T/prog.py"
}

# NAME.yaml: a sweep of $T/prog.py that minimizes its loss by METHOD, the parameters (YAML,
# indented under parameters:) from stdin.
sweep() {
    { printf 'program: %s\nmetric: {name: loss, goal: minimize}\nmethod: %s\nparameters:\n' "$T/prog.py" "$2"
      cat; } > "$1.yaml"
}

# knob run NAME.yaml into the study NAME of $db, ARGS more of knob run's flags; its stderr in
# run.err.
run_study() {
    local name=$1
    shift
    "$KNOB" run "$name.yaml" --storage "$db" --study "$name" "$@" > run.log 2> run.err ||
        fail "knob run $name: $(cat run.err)"
}

# The study NAME of $db as knob trials' JSON (NAME.json) and knob report (NAME.html; its
# stderr in NAME.report.err).
report_study() {
    "$KNOB" trials "$1" --storage "$db" --json > "$1.json" || fail "knob trials $1"
    "$KNOB" report "$1" --storage "$db" -o "$1.html" 2> "$1.report.err" ||
        fail "knob report $1: $(cat "$1.report.err")"
}

# node tests/browser/SCRIPT ARGS (a page test, the dashboard of start_dashboard running),
# then the dashboard stopped: fails when either failed.
page_test() {
    local rc=0
    node "$KNOB_SRC/tests/browser/$1" "${@:2}" || rc=$?
    dashboard_stop
    [ "$rc" = 0 ] || fail "the browser test failed (screenshots in $artifacts)"
}
