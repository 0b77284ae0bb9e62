#!/usr/bin/env bash
# pg_absent: knob against a PostgreSQL URL where nothing listens fails at once (not after
# 30 s of silent retrying), naming the host and port and saying the connection was
# refused; needs no server.
source "$(dirname "$0")/lib.bash"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
unset KNOB_PG_RETRY_SECONDS
start=$(date +%s.%N)
rc=0
"$KNOB" studies --storage "postgresql://knob:s3cret@127.0.0.1:$PORT/knob" > out.txt 2> err.txt || rc=$?
took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
[ "$rc" -ne 0 ] || fail "knob studies succeeded: $(cat out.txt err.txt)"
python3 -c "import sys; sys.exit($took > 2)" || fail "knob studies failed after $took s: $(cat err.txt)"
grep -q "127.0.0.1:$PORT" err.txt || fail "the message names no host and port: $(cat err.txt)"
grep -q "Connection refused" err.txt || fail "the message says nothing of the refusal: $(cat err.txt)"
grep -q s3cret err.txt && fail "the password is shown: $(cat err.txt)"
# a URL libpq cannot read (a '%' in the password not written %25, an unclosed '['): its
# message quotes the URL or the piece it stopped at, the password taken out
for url in "postgresql://knob:s3cret%pw@127.0.0.1:$PORT/knob" "postgresql://knob:s3cret@[::1:$PORT/knob"; do
    "$KNOB" studies --storage "$url" > out.txt 2> err.txt && fail "knob studies succeeded: $url"
    grep -q "cannot connect" err.txt || fail "no word of the connection: $(cat err.txt)"
    grep -q s3cret err.txt && fail "the password is shown: $(cat err.txt)"
done
# a password with an unescaped '/' or '@' (libpq read its rest as the port or the host and
# quoted it): refused before libpq sees it, saying how to write it, the password not shown
for pw in s3cret/pw s3cret@pw; do
    "$KNOB" studies --storage "postgresql://knob:$pw@127.0.0.1:$PORT/knob" > out.txt 2> err.txt &&
        fail "knob studies succeeded: $pw"
    grep -q "the user name or password holds '${pw:6:1}'" err.txt || fail "$pw: $(cat err.txt)"
    grep -q "postgresql://knob@127.0.0.1:$PORT/knob" err.txt || fail "$pw: $(cat err.txt)"
    grep -q s3cret err.txt && fail "the password is shown: $(cat err.txt)"
done
exit 0
