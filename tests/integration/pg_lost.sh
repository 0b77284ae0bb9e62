#!/usr/bin/env bash
# knob run on a PostgreSQL server that goes away while it runs (here a TCP relay between
# knob and the server is stopped: the server itself stays up for the other tests).
# - A write that cannot reach the server fails after the retries, and its message names
#   the storage once, then what failed and why the waiting ended.
# - A single SIGTERM while knob run waits for the server stops the waiting: knob exits
#   with status 130 instead of retrying for minutes (KNOB_PG_RETRY_SECONDS, 600 here).
source "$(dirname "$0")/lib.bash"
if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    skip "KNOB_TEST_PG_URL is not set (scripts/test.sh starts a server)"
fi
schema="lost_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
cat > relay.py <<'PY'
# Relays TCP connections from a free port of 127.0.0.1 to HOST:PORT; prints its port.
import asyncio, sys
host, port = sys.argv[1], int(sys.argv[2])
async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data)
            await w.drain()
    finally:
        w.close()
async def serve(r, w):
    sr, sw = await asyncio.open_connection(host, port)
    await asyncio.gather(pipe(r, sw), pipe(sr, w), return_exceptions=True)
async def main():
    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await srv.serve_forever()
asyncio.run(main())
PY
read -r host port < <(python3 -c '
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); print(u.hostname, u.port or 5432)' "$KNOB_TEST_PG_URL")
relay() { # starts a relay; sets relay_pid and URL (through it, in the test's schema)
    python3 relay.py "$host" "$port" > relay.port &
    relay_pid=$!
    for _ in $(seq 100); do
        [ -s relay.port ] && break
        sleep 0.05
    done
    [ -s relay.port ] || fail "the relay did not start"
    URL=$(python3 -c '
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
netloc = u.netloc.rsplit("@", 1)[0] + "@127.0.0.1:" + sys.argv[2] if "@" in u.netloc else "127.0.0.1:" + sys.argv[2]
q = (u.query + "&" if u.query else "") + "options=-csearch_path%3D" + sys.argv[3]
print(urllib.parse.urlunsplit((u.scheme, netloc, u.path, q, "")))' "$KNOB_TEST_PG_URL" "$(cat relay.port)" "$schema")
    rm relay.port
}
trap 'kill $relay_pid 2> /dev/null || true' EXIT
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {value: wait}
  loss: {values: [1, 2]}
YAML
# run STUDY: knob run in the background (pid in $run), its trial 0 started
run() {
    "$KNOB" run sweep.yaml --storage "$URL" --study "$1" --parallel 1 > "$1.out" 2>&1 &
    run=$!
    for _ in $(seq 300); do
        [ -f "knob-runs/$1/0/pid" ] && break
        sleep 0.1
    done
    [ -f "knob-runs/$1/0/pid" ] || fail "trial 0 of $1 did not start: $(cat "$1.out")"
}

# 1. The server away for good: trial 0's value cannot be written.
relay
KNOB_PG_RETRY_SECONDS=1 run gone
kill $relay_pid
wait $relay_pid || true
touch go.0
timeout 120 tail --pid=$run -s 0.1 -f /dev/null || kill -9 $run # a guard, not a measure
status=0
wait $run || status=$?
expect_eq "$status" 1 "exit status after a lost server ($(cat gone.out))"
grep -q "trial 0: .* not saved: postgresql storage '" gone.out || fail "no word of trial 0: $(cat gone.out)"
grep "not saved: " gone.out > lines.txt
while read -r line; do
    expect_eq "$(grep -o "postgresql storage '" <<< "$line" | wc -l)" 1 "the storage named once in: $line"
done < lines.txt
grep -q "; the connection was lost and did not come back in 1 s" gone.out || fail "why: $(cat gone.out)"
# the later writes (the trial's failure, the summary's read) each tried once, not a second
# and a third whole wait
expect_eq "$(grep -c "did not come back in 1 s" gone.out)" 1 "one whole wait in: $(cat gone.out)"
grep -q "did not come back (tried once: an earlier wait of 1 s ran out)" gone.out ||
    fail "the later writes: $(cat gone.out)"
# 2. The same, stopped by one SIGTERM while it waits for the server (600 s).
rm -f go.0
relay
KNOB_PG_RETRY_SECONDS=600 run stopped
kill $relay_pid
wait $relay_pid || true
touch go.0
sleep 1.5 # trial 0 has ended; its value is waiting for the server
kill -0 $run || fail "knob run did not wait for the server: $(cat stopped.out)"
kill -TERM $run
timeout 60 tail --pid=$run -s 0.1 -f /dev/null || { # a guard, not a measure
    kill -9 $run
    fail "a single SIGTERM did not stop the waiting for the server: $(cat stopped.out)"
}
status=0
wait $run || status=$?
expect_eq "$status" 130 "exit status after SIGTERM ($(cat stopped.out))"
grep -q "waiting for the server was interrupted" stopped.out ||
    fail "no word of the interrupted wait: $(cat stopped.out)"
if grep -q "stopped again" stopped.out; then fail "a second stop was needed: $(cat stopped.out)"; fi
psql "$KNOB_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE" > /dev/null 2>&1 || true
echo ok
