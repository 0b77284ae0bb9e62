#!/usr/bin/env bash
# knob report and knob dashboard on odd studies in headless Chromium (odd.mjs): names and
# values that are HTML or script must stay text, whatever is shown and hovered; params named
# as JavaScript's own members draw like any other; the plots of one objective stay right
# after those of another are drawn; a study deleted and made again under the same name while
# the dashboard shows it is shown anew; values of inf show as knob trials prints them; a
# study of several objectives without a complete trial has no empty plot. Screenshots: $KNOB_BUILD/browser-artifacts/odd-*.
source "$KNOB_SRC/tests/integration/lib.bash"
chromium=${KNOB_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/deps.sh installs Debian's chromium)"
web="$KNOB_SRC/web"
[ -d "$web/node_modules/playwright-core" ] ||
    skip "no playwright-core in $web/node_modules (the build installs it: npm ci)"
: "${KNOB_LIBRARY:?KNOB_LIBRARY must name the libknob.so of this build}"
artifacts="$KNOB_BUILD/browser-artifacts"
mkdir -p "$artifacts"
db="sqlite:///$T/odd.db"
evil=$(python3 "$KNOB_SRC/tests/browser/odd_fixtures.py" "$db" 2> fixtures.err | tail -n 1) ||
    fail "the fixtures: $(cat fixtures.err)"
"$KNOB" report "$evil" --storage "$db" -o evil.html
"$KNOB" report proto --storage "$db" -o proto.html
"$KNOB" report multi --storage "$db" -o multi.html
"$KNOB" report inf --storage "$db" -o inf.html
"$KNOB" report mfail --storage "$db" -o mfail.html
"$KNOB" report mrun --storage "$db" -o mrun.html
"$KNOB" dashboard --storage "$db" --port 0 > dash.out 2> dash.err &
pid=$!
trap 'kill "$pid" 2> /dev/null || true' EXIT # a failing check leaves no server behind
url=
for _ in $(seq 100); do
    url=$(grep -o 'http://[^/ ]*' dash.out || true)
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || fail "the dashboard did not start: $(cat dash.err)"
rc=0
node "$KNOB_SRC/tests/browser/odd.mjs" "$artifacts" "$T" "$url" "$evil" "$web" "$db" || rc=$?
kill "$pid"
wait "$pid" || fail "the dashboard exited with $? on SIGTERM"
[ "$rc" = 0 ] || fail "the browser test failed (screenshots in $artifacts)"
echo ok
