#!/usr/bin/env bash
# knob report and knob dashboard on odd studies in headless Chromium (odd.mjs): names and
# values that are HTML or script must stay text, whatever is shown and hovered; params named
# as JavaScript's own members draw like any other; the plots of one objective stay right
# after those of another are drawn; a study deleted and made again under the same name while
# the dashboard shows it is shown anew; values of inf show as knob trials prints them, and
# the plots of complete trials valued inf or -inf draw every trial, the infinities at the
# edge of an axis scaled on the finite values (in the report and in the dashboard); a
# study of several objectives without a complete trial has no empty plot; the plots made
# again (another objective picked) while a chart's progressive paint is left for a later
# frame throw nothing; 100 idle connections leave the dashboard answering. Screenshots of
# failed pages (all: KNOB_SCREENSHOTS=1): $KNOB_BUILD/browser-artifacts/odd-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
: "${KNOB_LIBRARY:?KNOB_LIBRARY must name the libknob.so of this build}"
db="sqlite:///$T/odd.db"
evil=$(python3 "$KNOB_SRC/tests/browser/odd_fixtures.py" "$db" 2> fixtures.err | tail -n 1) ||
    fail "the fixtures: $(cat fixtures.err)"
"$KNOB" report "$evil" --storage "$db" -o evil.html
"$KNOB" report proto --storage "$db" -o proto.html
"$KNOB" report multi --storage "$db" -o multi.html
"$KNOB" report inf --storage "$db" -o inf.html
"$KNOB" report mfail --storage "$db" -o mfail.html
"$KNOB" report mrun --storage "$db" -o mrun.html
"$KNOB" report big --storage "$db" -o big.html
for name in neginf posinf allinf moinf hugeinf hugemo; do
    "$KNOB" report $name --storage "$db" -o $name.html
done
start_dashboard "$db"
# 100 connections open and idle, more than the 64 the dashboard once served at once (which
# locked every client out until they timed out, 30 s on): a request is still answered, well
# before the 10 s they now take to time out.
python3 - "$url" <<'PY' || fail "with 100 idle connections open, /api/info was not answered"
import socket, sys, urllib.parse, urllib.request
u = urllib.parse.urlsplit(sys.argv[1])
idle = [socket.create_connection((u.hostname, u.port)) for _ in range(100)]
urllib.request.urlopen(sys.argv[1] + "/api/info", timeout=8).read()
for c in idle:
    c.close()
PY
page_test odd.mjs "$artifacts" "$T" "$url" "$evil" "$web" "$db"
echo ok
