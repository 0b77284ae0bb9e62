#!/usr/bin/env bash
# knob dashboard on a SQLite file that is deleted and made again while it serves it (rm
# knob.db; knob run ...): it reads the new file, where it kept serving the deleted one's
# studies for as long as it ran; while no file is there, it answers 503 saying so, and says
# it once on stderr. And a port in use is said once, in knob's words with the reason
# (libmicrohttpd said it too, in its own words).
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/k.db"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'echo loss=1']
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run s.yaml --storage "$db" --study first --trials 2 > run1.txt 2> run1.err ||
    fail "run: $(cat run1.err)"
dashboard_start "$db"
expect_eq "$(dashboard_body /api/studies | py '[s["name"] for s in d]')" '["first"]' "the studies at first"
expect_eq "$(dashboard_status "/api/study?name=first")" 200 "study first"

rm -f k.db k.db-wal k.db-shm
expect_eq "$(dashboard_status /api/studies)" 503 "the studies of a file deleted"
dashboard_body /api/studies | grep -q "k.db is gone" || fail "503's message: $(dashboard_body /api/studies)"
expect_eq "$(grep -c "is gone" dash.err)" 1 "stderr's words on the file gone, once"

"$KNOB" run s.yaml --storage "$db" --study second --trials 3 > run2.txt 2> run2.err ||
    fail "run: $(cat run2.err)"
expect_eq "$(dashboard_body /api/studies | py '[s["name"] for s in d]')" '["second"]' "the new file's studies"
expect_eq "$(dashboard_status "/api/study?name=first")" 404 "the deleted file's study"
expect_eq "$(dashboard_body "/api/study?name=second&since=0" | py 'len(d["trials"]["n"])')" 3 \
    "the new file's trials"
grep -q "k.db is there again" dash.err || fail "stderr: $(cat dash.err)"

# replaced without a request between (no 503 seen): still another file, read anew
rm -f k.db k.db-wal k.db-shm
"$KNOB" run s.yaml --storage "$db" --study third --trials 1 > run3.txt 2> run3.err ||
    fail "run: $(cat run3.err)"
expect_eq "$(dashboard_body /api/studies | py '[s["name"] for s in d]')" '["third"]' "a file replaced at once"
grep -q "k.db is another file now" dash.err || fail "stderr: $(cat dash.err)"
port=${url##*:}
dashboard_stop

# A port in use: one message, knob's, with the system's reason.
python3 - > busy.txt <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(30)
PY
holder=$!
trap 'kill "$holder" 2> /dev/null || true' EXIT
for _ in $(seq 100); do [ -s busy.txt ] && break; sleep 0.05; done
busy=$(cat busy.txt)
"$KNOB" dashboard --storage "$db" --port "$busy" > busy.out 2> busy.err && fail "a dashboard on a port in use"
expect_eq "$(wc -l < busy.err)" 1 "the lines said on a port in use ($(cat busy.err))"
grep -q "^knob dashboard: cannot listen on 127.0.0.1 port $busy: Address already in use$" busy.err ||
    fail "the message on a port in use: $(cat busy.err)"
kill "$holder"
echo ok
