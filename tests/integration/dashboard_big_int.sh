#!/usr/bin/env bash
# The dashboard's display values (/api/study's g: the params as knob trials shows them)
# write an integer beyond 2^53 exactly, as knob trials and ${args} do; they wrote the
# double, 1.2345678901234567e+19, also inside a mapping value and for an enqueued trial.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'echo "$0" > "$KNOB_TRIAL_DIR/args.txt"; echo loss=1', "${args}"]
method: grid
metric: {name: loss, goal: minimize}
parameters:
  seed: {values: [12345678901234567890, 3]}
  x: {values: [{a: 12345678901234567891}]}
YAML
"$KNOB" run s.yaml --storage "$db" --study b > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" enqueue b --storage "$db" seed=12345678901234567890 > enq.txt 2>&1 || fail "enqueue: $(cat enq.txt)"
"$KNOB" trials b --storage "$db" > trials.txt
expect_eq "$(grep -c '"seed":12345678901234567890' trials.txt)" 2 "knob trials: $(cat trials.txt)"
grep -q '^--seed=12345678901234567890$' knob-runs/b/*/args.txt || fail "\${args}: $(cat knob-runs/b/*/args.txt)"

# An int param up to 2^53, in a study of its own with no trial yet.
cat > k.yaml <<'YAML'
command: [/bin/sh, -c, 'echo loss=1']
metric: {name: loss, goal: minimize}
parameters:
  k: {min: 0, max: 9007199254740992}
  f: {min: 0.0, max: 1.0}
YAML
"$KNOB" run k.yaml --storage "$db" --study k --trials 0 > run_k.txt 2>&1 || fail "run k: $(cat run_k.txt)"
# Neighbour choices beyond 2^53.
cat > n.yaml <<'YAML'
command: [/bin/sh, -c, 'echo loss=1']
metric: {name: loss, goal: minimize}
parameters:
  n: {values: [9007199254740992, 9007199254740993]}
YAML
"$KNOB" run n.yaml --storage "$db" --study n --trials 0 > run_n.txt 2>&1 || fail "run n: $(cat run_n.txt)"

dashboard_start "$db" --allow-write
dashboard_json "/api/study?name=b" > study.json
# POST /api/enqueue takes an integer beyond 2^53 given as a JSON number by its digits, as
# knob enqueue and a JSON string do; a neighbour, which a double cannot tell from it, is
# refused naming the param, and so is an int param's value past its range (as a double it
# was 2^53, the range's end, and was taken so). One python3 for the requests and knob trials.
python3 - "$url" "$KNOB" "$db" <<'PY' || fail "POST /api/enqueue of integers beyond 2^53"
import json, subprocess, sys, urllib.error, urllib.request
url, knob, db = sys.argv[1:4]
def enqueue(study, body, want):
    req = urllib.request.Request(f"{url}/api/enqueue?name={study}", headers={"Content-Type": "application/json"}, data=body.encode())
    try:
        r = urllib.request.urlopen(req, timeout=10)
        got = f"{r.status} {r.read().decode()}"
    except urllib.error.HTTPError as e:
        got = f"{e.code} {e.read().decode()}"
    assert got == want, f"enqueue {body}: expected {want}, got {got}"
enqueue("b", '{"params": {"seed": 12345678901234567890, "x": {"a": 12345678901234567891}}}',
        '200 {"ok":true,"trial":3,"params":{"seed":12345678901234567890,"x":{"a":12345678901234567891}}}')
enqueue("b", '{"params": {"seed": 12345678901234567891}}',
        """400 {"error":"enqueue: 'seed' cannot be 12345678901234567891: the sweep's 'seed' is one of [12345678901234567890, 3]"}""")
out_of_range = """400 {"error":"enqueue: 'k' cannot be 9007199254740993: the sweep's 'k' is a whole number in [0, 9007199254740992]"}"""
enqueue("k", '{"params": {"k": 9007199254740993}}', out_of_range)
enqueue("k", '{"params": {"k": "9007199254740993"}}', out_of_range)
enqueue("k", '{"params": {"k": 9007199254740992}}', '200 {"ok":true,"trial":0,"params":{"k":9007199254740992}}')
# Other spellings of 2^53 + 1 (a sign, a leading zero, a fraction of zeros) are that integer,
# not the double strtod makes of them (2^53): refused for k, and knob enqueue's seed takes
# the choice 9007199254740993 itself. They were taken as 2^53.
for text in ("+9007199254740993", "09007199254740993", "9007199254740993.0"):
    enqueue("k", '{"params": {"k": "%s"}}' % text, out_of_range.replace("be 9007199254740993", "be " + text))
def cli_enqueue(study, arg):
    r = subprocess.run([knob, "enqueue", study, "--storage", db, arg], capture_output=True, text=True)
    return (r.stdout + r.stderr).strip()
assert cli_enqueue("k", "k=+9007199254740993") == out_of_range[
    len('400 {"error":"'):-2].replace("enqueue:", "knob enqueue:"), cli_enqueue("k", "k=+9007199254740993")
for text in ("+9007199254740993", "09007199254740993", "9007199254740993.0", "9.007199254740993e15"):
    got = cli_enqueue("n", "n=" + text)
    assert got == """enqueued {"n":9007199254740993} in study 'n'""", (text, got)
# the dashboard takes such text for the choice as knob enqueue does (it refused it)
for text in ("+9007199254740993", "09007199254740993", "9007199254740993.0"):
    req = urllib.request.Request(f"{url}/api/enqueue?name=n", headers={"Content-Type": "application/json"}, data=('{"params": {"n": "%s"}}' % text).encode())
    got = urllib.request.urlopen(req, timeout=10).read().decode()
    assert json.loads(got)["params"] == {"n": 9007199254740993} and '"n":9007199254740993}' in got, (text, got)
# Past the range of a double (inf, 1e400) or too long for a number of the library (over 63
# characters): refused naming the param. A float param took inf and 1e400 as any number
# (within a relative 1e-9 of inf), and the sampler's draw was enqueued in their place; the
# long number was refused without the param's name.
big = "9" * 70
f_range = "the sweep's 'f' is a number in [0, 1]"
for text in ("inf", "-inf", "1e400"):
    enqueue("k", '{"params": {"f": "%s"}}' % text,
            '400 {"error":"enqueue: \'f\' cannot be %s: %s"}' % (text, f_range))
    assert cli_enqueue("k", "f=" + text) == "knob enqueue: 'f' cannot be %s: %s" % (text, f_range), \
        cli_enqueue("k", "f=" + text)
k_range = "the sweep's 'k' is a whole number in [0, 9007199254740992]"
enqueue("k", '{"params": {"k": "%s"}}' % big, '400 {"error":"enqueue: \'k\' cannot be %s: %s"}' % (big, k_range))
assert cli_enqueue("k", "k=" + big) == "knob enqueue: 'k' cannot be %s: %s" % (big, k_range), cli_enqueue("k", "k=" + big)
# Not whole, yet its double is (2^53 holds no fraction): refused for the int k, which took
# them as 9007199254740992; the message gives the number as written (it gave 4.5035996273705e+15).
for text in ("9007199254740992.5", "9007199254740991.5", "4503599627370495.5"):
    enqueue("k", '{"params": {"k": "%s"}}' % text, '400 {"error":"enqueue: \'k\' cannot be %s: %s"}' % (text, k_range))
    assert cli_enqueue("k", "k=" + text) == "knob enqueue: 'k' cannot be %s: %s" % (text, k_range), cli_enqueue("k", "k=" + text)
# so as JSON numbers, which the dashboard read as doubles (it took each as 9007199254740992);
# the float f takes what its double is
for text in ("9007199254740992.5", "9007199254740991.5"):
    enqueue("k", '{"params": {"k": %s}}' % text, '400 {"error":"enqueue: \'k\' cannot be %s: %s"}' % (text, k_range))
for text in ("9007199254740993.0", "9.007199254740993e15"):
    req = urllib.request.Request(f"{url}/api/enqueue?name=n", headers={"Content-Type": "application/json"}, data=('{"params": {"n": %s}}' % text).encode())
    got = urllib.request.urlopen(req, timeout=10).read().decode()
    assert '"params":{"n":9007199254740993}' in got, (text, got)
req = urllib.request.Request(f"{url}/api/enqueue?name=k", headers={"Content-Type": "application/json"}, data=b'{"params": {"f": 1.0000000000000001}}')
got = urllib.request.urlopen(req, timeout=10).read().decode()
assert '"params":{"f":1.0}' in got, got  # a float param: 1.0, as the program gets it
got = cli_enqueue("n", "n=9007199254740992.5")
assert got.startswith("knob enqueue: 'n' cannot be 9007199254740992.5: "), got
t = json.loads(subprocess.run([knob, "trials", "b", "--storage", db, "--format", "json"],
                              capture_output=True, check=True, text=True).stdout)
got = [t[3]["params"], t[3]["system_attrs"]["fixed_params"]["seed"]]
want = [{"seed": 12345678901234567890, "x": {"a": 12345678901234567891}}, "12345678901234567890"]
assert got == want, f"knob trials of the enqueued trial: {got}"
PY
dashboard_stop
# the digits as written, read from the text (a double would round them)
python3 - study.json <<'PY' || fail "g: $(cat study.json)"
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)  # Python's ints are exact
g = d["trials"]["g"]
numbers = d["trials"]["n"]
by_number = {numbers[int(k)]: v for k, v in g.items()}
assert by_number[0]["seed"] in (12345678901234567890, 3), by_number
seeds = sorted(v["seed"] for v in by_number.values())
assert seeds == [3, 12345678901234567890, 12345678901234567890], seeds
for v in by_number.values():
    if "x" in v:
        assert v["x"] == '{"a":12345678901234567891}', v
assert "e+19" not in text, "a double in the display values"
PY
echo ok
