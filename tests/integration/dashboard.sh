#!/usr/bin/env bash
# knob dashboard's JSON API and knob report, without a browser (tests/browser has the page):
# polls read only what changed since their stamp, malformed requests get 4xx and the
# server goes on, writes need --allow-write, the token is checked, a bad URL is a 404 page.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  epochs: {value: 2}
YAML
"$KNOB" run s.yaml --storage "$db" --study w --trials 2 --seed 1 > run.txt

# The report: one file, the data inlined, the page's script with it.
"$KNOB" report w --storage "$db" -o r.html 2> report.err
grep -q '<script id="knob-data" type="application/json">{"name":"w"' r.html || fail "no data in the report"
[ "$(grep -c '<script' r.html)" = 2 ] || fail "the report should hold its data and its script"
if grep -q 'src="http' r.html; then fail "the report loads something from the network"; fi
"$KNOB" report nope --storage "$db" -o x.html 2> nope.err && fail "a report of no study"
grep -q "no study named 'nope'" nope.err || fail "message: $(cat nope.err)"
# One trial tells nothing of importance: null, not a plot of shares that are all 0.
"$KNOB" run s.yaml --storage "sqlite:///$T/one.db" --study one --trials 1 --seed 1 > run1.txt
"$KNOB" report one --storage "sqlite:///$T/one.db" -o - 2> /dev/null | report_data > one.json
expect_eq "$(py 'd["importance"]' < one.json)" '[null]' "the importance of one trial"
expect_eq "$(py 'len(d["trials"]["n"])' < one.json)" 1 "one trial in the report"

dashboard_start "$db"
grep -q "read-only" dash.out || fail "start line: $(cat dash.out)"
[ ! -s dash.err ] || fail "warnings on 127.0.0.1: $(cat dash.err)"
expect_eq "$(dashboard_body /api/studies | py '[s["name"] for s in d]')" '["w"]' "studies"
dashboard_body "/api/study?name=w&since=0" > all.json
expect_eq "$(py 'len(d["trials"]["n"])' < all.json)" 2 "every trial at stamp 0"
expect_eq "$(py '[p["name"] for p in d["params"]]' < all.json)" '["lr"]' "params"
expect_eq "$(py 'd["trials"]["s"]' < all.json)" cc "states, one letter each"
expect_eq "$(py 'len(d["trials"]["rk"]) == 1 and d["trials"]["r"] == [0, 0]' < all.json)" True "runner lanes"
expect_eq "$(dashboard_body "/api/log?name=w&trial=0" | py 'd["dir"].endswith("knob-runs/w/0")')" True "runner dir"
stamp=$(py 'd["stamp"]' < all.json)
expect_eq "$(dashboard_body "/api/study?name=w&since=$stamp" | py 'len(d["trials"]["n"])')" 0 "nothing new"
# A trial finished meanwhile by another process: the next poll has it alone.
"$KNOB" run s.yaml --storage "$db" --study w --trials 1 --seed 2 > run2.txt
dashboard_body "/api/study?name=w&since=$stamp" > new.json
expect_eq "$(py 'd["trials"]["n"]' < new.json)" '[2]' "the new trial only"
expect_eq "$(py 'd["stamp"] > '"$stamp" < new.json)" True "the stamp moved"
expect_eq "$(dashboard_body "/api/log?name=w&trial=0" | py '"loss" in d["stdout"]')" True "stdout tail"
expect_eq "$(dashboard_body "/api/sweep?name=w" | py '"curve.py" in d["sweep"]')" True "sweep file"
# Malformed requests: 4xx, and the server goes on.
expect_eq "$(dashboard_status "/api/study?name=w&since=x")" 400 "bad stamp"
expect_eq "$(dashboard_status "/api/study")" 400 "no name"
expect_eq "$(dashboard_status "/api/study?name=nope")" 404 "unknown study"
expect_eq "$(dashboard_status "/api/study?name=%ff")" 400 "a name that is not UTF-8 (was 500)"
# a NUL ends a C string: ?name=w%00x acted on study w
expect_eq "$(dashboard_status "/api/study?name=w%00x")" 400 "a NUL in a query argument"
expect_eq "$(dashboard_body "/api/study?name=w%00x")" '{"error":"a query argument holds a NUL (%00)"}' \
    "the NUL's message"
expect_eq "$(dashboard_status "/api/log?name=w&trial=0%00")" 400 "a NUL after a number"
expect_eq "$(dashboard_status "/api/log?name=w&trial=99")" 404 "unknown trial"
expect_eq "$(dashboard_status "/api/log?name=w&trial=-1")" 400 "bad trial"
expect_eq "$(dashboard_status "/api/nothing")" 404 "unknown call"
expect_eq "$(dashboard_status "/no/such/page")" 404 "unknown page"
dashboard_request "/no/such/<page>" | grep -q '404: not found.*no page /no/such/&#60;page&#62;' || fail "404 page"
expect_eq "$(dashboard_status "/api/note?name=w" '{"note": "x"}')" 403 "read-only"
expect_eq "$(dashboard_status "/api/studies" 'x')" 405 "POST to a GET call"
expect_eq "$(dashboard_status /)" 200 "the page"
dashboard_stop

dashboard_start "$db" --allow-write --token s3cret --host localhost
expect_eq "$(dashboard_status /api/studies)" 401 "no token"
expect_eq "$(dashboard_status "/api/studies?token=wrong")" 401 "wrong token"
expect_eq "$(dashboard_status "/api/studies?token=s3cret")" 200 "token in the query"
auth="Authorization: Bearer s3cret"
expect_eq "$(dashboard_status /api/studies "" "$auth")" 200 "token in the header"
expect_eq "$(dashboard_status "/api/note?name=w" '{"note": "look at lr"}' "$auth")" 200 "note"
expect_eq "$(dashboard_body "/api/study?name=w" "" "$auth" | py 'd["note"]')" "look at lr" "the note back"
expect_eq "$(dashboard_status "/api/note?name=w" '{"note": 3}' "$auth")" 400 "note not text"
# A write whose body is not said to be JSON (a form or text/plain, which a page of another
# site sends without asking) is refused, and a request whose Host names another machine (a
# name rebound to 127.0.0.1) is not answered; 500 query arguments are (no answer for 30 s)
python3 - "$url" <<'PY' || fail "cross-site requests"
import sys, urllib.request, urllib.error
url = sys.argv[1]
def status(path, body=None, headers={}):
    req = urllib.request.Request(url + path, data=body, headers=headers)
    try:
        return urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code
auth = {"Authorization": "Bearer s3cret"}
for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
    h = dict(auth, **({"Content-Type": ctype} if ctype else {}))
    got = status("/api/note?name=w", b'{"note": "pwned"}', h)
    assert got == 415, (ctype, got)
got = status("/api/note?name=w", b'{"note": "look at lr"}', dict(auth, **{"Content-Type": "application/json; charset=utf-8"}))
assert got == 200, got
assert status("/api/studies", headers=dict(auth, Host="evil.example")) == 403
assert status("/api/studies", headers=dict(auth, Host="evil.example:80")) == 403
assert status("/api/studies", headers=dict(auth, Host="127.0.0.1")) == 200
assert status("/api/studies", headers=dict(auth, Host="[::1]:8080")) == 200
# other spellings of this machine (the review found them refused): the --host given
# (localhost here), with a dot, 127.0.1.1 (a hostname's address in Debian's /etc/hosts),
# an IPv6 loopback written out
for ok in ("localhost.:8080", "LOCALHOST", "127.0.1.1:80", "[0:0:0:0:0:0:0:1]:8080"):
    assert status("/api/studies", headers=dict(auth, Host=ok)) == 200, ok
for bad in ("[::2]:80", "127.0.0.1.evil.example", "[::1]x"):
    assert status("/api/studies", headers=dict(auth, Host=bad)) == 403, bad
args = "&".join("a%d=1" % i for i in range(500))
assert status("/api/studies?" + args, headers=auth) == 200
PY
expect_eq "$(dashboard_body "/api/study?name=w" "" "$auth" | py 'd["note"]')" "look at lr" \
    "the note after the refused writes"
# a lone surrogate: stored as U+FFFD (was a 500)
expect_eq "$(dashboard_status "/api/note?name=w" '{"note": "a\ud800b"}' "$auth")" 200 "a lone surrogate"
expect_eq "$(dashboard_body "/api/study?name=w" "" "$auth" | py 'ascii(d["note"])')" "'a\\ufffdb'" \
    "one U+FFFD for the lone surrogate (was three)"
# a NUL: the note was stored cut at it ("c")
expect_eq "$(dashboard_status "/api/note?name=w" '{"note": "c\u0000d"}' "$auth")" 200 "a NUL in a note"
expect_eq "$(dashboard_body "/api/study?name=w" "" "$auth" | py 'ascii(d["note"])')" "'c\\ufffdd'" \
    "the NUL as U+FFFD"
expect_eq "$(dashboard_status "/api/note?name=w" '{not json' "$auth")" 400 "body not JSON"
expect_eq "$(dashboard_status "/api/enqueue?name=w" '{"params": {"lr": 0.01}}' "$auth")" 200 "enqueue"
expect_eq "$(dashboard_status "/api/enqueue?name=w" '{"params": 1}' "$auth")" 400 "enqueue without params"
expect_eq "$(dashboard_body "/api/enqueue?name=w" '{"params": {"lr": 1e400}}' "$auth")" \
    '{"error":"enqueue: param '"'lr'"' is beyond a double'"'"'s range: values must be finite"}' "enqueue of 1e400"
# nested, it was refused as "'net.lr' cannot be null"
expect_eq "$(dashboard_body "/api/enqueue?name=w" '{"params": {"net": {"lr": [0.1, 1e400]}}}' "$auth")" \
    '{"error":"enqueue: param '"'net.lr'"' is beyond a double'"'"'s range: values must be finite"}' "enqueue of a nested 1e400"
# trial 3, enqueued and not asked yet, has no params: no tell, in any state, until an ask takes it
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 3, "state": "fail"}' "$auth")" 409 "tell of a waiting trial"
expect_eq "$(dashboard_body "/api/tell?name=w" '{"trial": 3, "state": "complete", "values": [1]}' "$auth" |
    py '"waiting" in d["error"]')" True "the message of a waiting trial"
"$KNOB" ask w --sweep s.yaml --storage "$db" > ask.json
expect_eq "$(py '[d["number"], d["params"]["lr"]]' < ask.json)" "[3, 0.01]" "the enqueued trial asked"
# another count of values than the study's objectives is the request's fault: 400 (was a
# 409, said of finished or waiting trials), and the trial goes on running
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 3, "state": "complete", "values": [1, 2]}' "$auth")" \
    400 "a tell of two values for one objective"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 3, "state": "complete"}' "$auth")" \
    400 "a complete tell without values"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 3, "state": "fail"}' "$auth")" 200 "fail by hand"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 3, "state": "fail"}' "$auth")" 409 "told twice"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 1.5, "state": "fail"}' "$auth")" 400 "bad number"
# values for a pruned or failed trial are refused, as knob tell refuses them (they were
# dropped, the tell answered ok)
for st in pruned fail; do
    expect_eq "$(dashboard_status "/api/tell?name=w" "{\"trial\": 0, \"state\": \"$st\", \"values\": [1]}" "$auth")" \
        400 "a $st trial told with values"
done
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 0, "state": "won"}' "$auth")" 400 "bad state"
# A value beyond a double's range (inf once read) is refused, the trial left running; a trial
# number past 2^53 is none.
"$KNOB" ask w --sweep s.yaml --storage "$db" > ask4.json
expect_eq "$(py 'd["number"]' < ask4.json)" 4 "trial 4 asked"
expect_eq "$(dashboard_body "/api/tell?name=w" '{"trial": 4, "state": "complete", "values": [1e400]}' "$auth")" \
    '{"error":"tell: value 0 is beyond a double'"'"'s range: \"values\" must be finite"}' "a value of 1e400"
# NaN and Infinity (as Python's json.dumps writes them) are no JSON: refused as knob tell
# refuses them, saying so, the trial left running
for v in NaN Infinity -Infinity; do
    expect_eq "$(dashboard_body "/api/tell?name=w" "{\"trial\": 4, \"state\": \"complete\", \"values\": [$v]}" "$auth")" \
        '{"error":"the body holds NaN, Infinity or -Infinity, which are no JSON numbers: values must be finite (to fail a trial on purpose, tell it \"state\": \"fail\")"}' \
        "a value of $v"
done
# elsewhere than a tell the hint of a tell is no help
expect_eq "$(dashboard_body "/api/enqueue?name=w" '{"params": {"lr": NaN}}' "$auth")" \
    '{"error":"the body holds NaN, Infinity or -Infinity, which are no JSON numbers: values must be finite"}' \
    "an enqueue of NaN"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 1e300, "state": "fail"}' "$auth")" 400 "trial 1e300"
expect_eq "$(dashboard_status "/api/tell?name=w" '{"trial": 9007199254740996, "state": "fail"}' "$auth")" 400 "trial 2^53+4"
big=$(python3 -c 'print("{\"note\": \"" + "x" * 70000 + "\"}")')
expect_eq "$(dashboard_status "/api/note?name=w" "$big" "$auth")" 413 "a body too large"
"$KNOB" trials w --storage "$db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d][3]' < t.json)" fail "trial 3 failed by hand"
expect_eq "$(py '[t["state"] for t in d][4]' < t.json)" running "trial 4 after a tell of 1e400"
# A study whose sweep has constraints: a complete trial needs their values ("constraints");
# without them it was told feasible.
sed 's/^method: random/method: random\nconstraints: [{name: mb, max: 10}]/' s.yaml > c.yaml
"$KNOB" ask cw --sweep c.yaml --storage "$db" > /dev/null
"$KNOB" ask cw --storage "$db" > /dev/null
expect_eq "$(dashboard_body "/api/tell?name=cw" '{"trial": 0, "state": "complete", "values": [1]}' "$auth" |
    py '"1 constraint (mb <= 10), and 0 constraint values were given" in d["error"]')" True "constraints missing"
# a wrong count of values as well: said first (the error said "0 values were given" alone)
expect_eq "$(dashboard_body "/api/tell?name=cw" '{"trial": 0, "state": "complete", "values": [1, 2]}' "$auth" | py 'd["error"]')" \
    "study 'cw': trial 0 told COMPLETE with 2 values; the study has 1 objective (the trial is still running); also, the sweep of study 'cw' has 1 constraint (mb <= 10), and 0 constraint values were given: give one for each with \"constraints\": [V, ...], in that order (metric - max, or min - metric: <= 0 satisfied); nothing was written" \
    "values and constraints missing"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 0, "state": "complete", "values": [1, 2]}' "$auth")" \
    400 "values and constraints missing: the request's fault"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 0, "state": "complete", "values": [1], "constraints": "x"}' "$auth")" \
    400 "constraints not a list"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 0, "state": "fail", "constraints": [1]}' "$auth")" \
    400 "constraints of a failed trial"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 99, "state": "complete", "values": [1]}' "$auth")" \
    404 "no such trial, before its constraints"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 0, "state": "complete", "values": [1], "constraints": [2]}' "$auth")" \
    200 "with constraints"
"$KNOB" ask cw --storage "$db" > /dev/null
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 2, "state": "pruned", "constraints": [2, 3]}' "$auth")" \
    400 "another count of constraints than the earlier trials'"
expect_eq "$(dashboard_status "/api/tell?name=cw" '{"trial": 1, "state": "fail"}' "$auth")" 200 "failed: none needed"
"$KNOB" trials cw --storage "$db" --format json > cw.json
expect_eq "$(py '[(t["state"], t["constraints"], t["feasible"]) for t in d]' < cw.json)" \
    '[["complete", [2], false], ["fail", [], true], ["running", [], true]]' "the constraints told"
dashboard_stop

# Told to listen beyond this machine, it warns.
dashboard_start "$db" --host 0.0.0.0
grep -q "warning: listening on 0.0.0.0" dash.err || fail "no warning: $(cat dash.err)"
dashboard_stop
"$KNOB" dashboard --storage "$db" --port 70000 2> port.err && fail "port 70000"
grep -q "not a port" port.err || fail "message: $(cat port.err)"
echo ok
