#!/usr/bin/env bash
# A trial's program is knob run's own child (no process between them), started with the
# signals knob run handles or ignores back at their defaults, nothing blocked, no descriptor
# of knob run's beyond stdin (/dev/null), stdout and stderr, and knob's environment with the
# KNOB_* variables. stdout.log and stderr.log are created at their first byte: a trial quiet
# on stderr has no stderr.log. A program that cannot be run fails with exit status 127 and
# the reason in stderr.log. When the run ends, nothing it started is left running.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/spawn_probe.sh
method: grid
metric: {name: loss, goal: minimize}
parameters:
  quiet: {values: [1, 0]}
YAML
export KNOB_SPAWN_TEST_VAR=kept KNOB_TRIAL_NUMBER=stale
timeout 60 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study p --parallel 2 > out.txt 2>&1 ||
    fail "run: $(cat out.txt)"
"$KNOB" trials p --storage "sqlite:///$T/s.db" --format json > t.json
knob_pid=$(py 'json.loads(d[0]["system_attrs"]["runner"])["pid"] if isinstance(d[0]["system_attrs"]["runner"], str) else d[0]["system_attrs"]["runner"]["pid"]' < t.json)
for n in 0 1; do
    log="knob-runs/p/$n/stdout.log"
    [ -f "$log" ] || fail "trial $n: no stdout.log"
    expect_eq "$(sed -n 's/^ppid=//p' "$log")" "$knob_pid" "trial $n: the program's parent"
    expect_eq "$(sed -n 's/^sigign=//p' "$log")" 0000000000000000 "trial $n: ignored signals"
    expect_eq "$(sed -n 's/^sigblk=//p' "$log")" 0000000000000000 "trial $n: blocked signals"
    # sh holds 0, 1, 2 and, while it runs ls, perhaps the pipe to it: no other of knob's
    fds=$(sed -n 's/^fds=//p' "$log")
    case "$fds" in
    "0 1 2 "*) ;;
    *) fail "trial $n: descriptors $fds" ;;
    esac
    [ "$(echo $fds | wc -w)" -le 5 ] || fail "trial $n: descriptors $fds"
    expect_eq "$(sed -n 's/^stdin=//p' "$log")" /dev/null "trial $n: stdin"
    expect_eq "$(sed -n 's/^inherited=//p' "$log")" kept "trial $n: knob's environment"
    grep -q "^number=$n dir=$T/knob-runs/p/$n study=p params={\"quiet\":" "$log" ||
        fail "trial $n: KNOB_* variables: $(grep '^number' "$log")"
done
q=$(py '[t["number"] for t in d if t["params"]["quiet"] == 1][0]' < t.json)
l=$(py '[t["number"] for t in d if t["params"]["quiet"] == 0][0]' < t.json)
[ ! -e "knob-runs/p/$q/stderr.log" ] || fail "a quiet trial has a stderr.log"
grep -q "a line on stderr" "knob-runs/p/$l/stderr.log" || fail "stderr.log of trial $l"
[ -f "knob-runs/p/$q/params.json" ] || fail "no params.json"

# params.json is the params' JSON and a newline, byte for byte what KNOB_PARAMS_JSON holds,
# short or over 4 KiB
pad=$(head -c 5000 /dev/zero | tr '\0' p)
cat > long.yaml <<YAML
program: $PROGS/spawn_probe.sh
method: grid
metric: {name: loss, goal: minimize}
parameters:
  quiet: {values: [1]}
  pad: {values: ["$pad", "short"]}
YAML
timeout 60 "$KNOB" run long.yaml --storage "sqlite:///$T/s.db" --study l --parallel 2 > l.txt 2>&1 ||
    fail "run: $(cat l.txt)"
for dir in knob-runs/p/0 knob-runs/p/1 knob-runs/l/0 knob-runs/l/1; do
    want=$(sed -n 's/^number=.* params=//p' "$dir/stdout.log")
    [ -n "$want" ] || fail "$dir: no params line in stdout.log"
    printf '%s\n' "$want" | cmp -s - "$dir/params.json" ||
        fail "$dir/params.json: $(head -c 300 "$dir/params.json")"
done
expect_eq "$(cat knob-runs/l/[01]/params.json | sort | tr -d '\n' | wc -c)" \
    "$(printf '{"quiet":1,"pad":"%s"}{"quiet":1,"pad":"short"}' "$pad" | wc -c)" \
    "the sizes of params.json"

# a program that cannot be run
cat > missing.yaml <<YAML
command: [$T/no-such-program, x]
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
rc=0 # its only trial failed to run: exit status 1, saying so
timeout 60 "$KNOB" run missing.yaml --storage "sqlite:///$T/s.db" --study m --trials 1 > m.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "run: $(cat m.txt)"
grep -q "every trial of this run that ended by itself failed to run (1:" m.txt || fail "run: $(cat m.txt)"
grep -q "knob: cannot run '$T/no-such-program': No such file or directory" knob-runs/m/0/stderr.log ||
    fail "stderr.log: $(cat knob-runs/m/0/stderr.log 2>&1)"
"$KNOB" trials m --storage "sqlite:///$T/s.db" --format json > m.json
case "$(py 'd[0]["system_attrs"]["fail_reason"]' < m.json)" in
"exit status 127"*) ;;
*) fail "reason: $(py 'd[0]["system_attrs"]' < m.json)" ;;
esac

# nothing of the runs is left: no process whose command line names this test's files
sleep 0.2
left=$(pgrep -f "$T/" || true)
[ -z "$left" ] || fail "left running: $(ps -o pid,ppid,args -p "$(echo $left | tr ' ' ,)")"
echo ok
