# What the browser tests share (sourced after tests/integration/lib.bash): Chromium and
# playwright-core or a skip that says which is missing; the artifacts' directory; a
# dashboard started on a free port.
chromium=${KNOB_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/deps.sh installs Debian's chromium)"
web="$KNOB_SRC/web"
[ -d "$web/node_modules/playwright-core" ] ||
    skip "no playwright-core in $web/node_modules (the build installs it: npm ci)"
artifacts="$KNOB_BUILD/browser-artifacts"
mkdir -p "$artifacts"

# knob dashboard on STORAGE, port chosen by the system: sets pid and url, and kills it on exit
# (a failing check leaves no server behind).
start_dashboard() {
    "$KNOB" dashboard --storage "$1" --port 0 > dash.out 2> dash.err &
    pid=$!
    trap 'kill "$pid" 2> /dev/null || true' EXIT
    url=
    for _ in $(seq 100); do
        url=$(grep -o 'http://[^/ ]*' dash.out || true)
        [ -n "$url" ] && break
        sleep 0.05
    done
    [ -n "$url" ] || fail "the dashboard did not start: $(cat dash.err)"
}
