#!/usr/bin/env bash
# knob report and knob dashboard in a real browser: fixture studies (one objective with
# learning curves, pruned and failed trials, two workers at once; two and three objectives), their
# reports and the dashboard loaded in headless Chromium by playwright-core (browser.mjs).
# Screenshots: $KNOB_BUILD/browser-artifacts/.
source "$KNOB_SRC/tests/integration/lib.bash"
chromium=${KNOB_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/deps.sh installs Debian's chromium)"
web="$KNOB_SRC/web"
[ -d "$web/node_modules/playwright-core" ] ||
    skip "no playwright-core in $web/node_modules (the build installs it: npm ci)"
artifacts="$KNOB_BUILD/browser-artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"
db="$T/fx.db"
bash "$KNOB_SRC/tests/browser/fixtures.sh" "$db"
echo "fixtures: ${SECONDS} s"
"$KNOB" report one --storage "sqlite:///$db" -o one.html
"$KNOB" report two --storage "sqlite:///$db" -o two.html
"$KNOB" report three --storage "sqlite:///$db" -o three.html
"$KNOB" dashboard --storage "sqlite:///$db" --port 0 > dash.out 2> dash.err &
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
node "$KNOB_SRC/tests/browser/browser.mjs" "$artifacts" "$T/one.html" "$T/two.html" "$T/three.html" "$url" "$KNOB" \
    "sqlite:///$db" "$web" || rc=$?
kill "$pid"
wait "$pid" || fail "the dashboard exited with $? on SIGTERM"
[ "$rc" = 0 ] || fail "the browser test failed (screenshots in $artifacts)"
echo ok
