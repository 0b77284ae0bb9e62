#!/usr/bin/env bash
# knob enqueue: the given values reach the program as they are, also for the forms the
# library holds in another shape (normal family and probabilities as quantiles,
# inv_log_uniform_values as the reciprocal), nested names, typed values.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  n: {distribution: normal, mu: 5, sigma: 2}
  ln: {distribution: log_normal, mu: 0, sigma: 1}
  qn: {distribution: q_normal, mu: 0, sigma: 3, q: 0.5}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  lu: {distribution: log_uniform, min: -4.6, max: 0}
  p: {values: [red, green, blue], probabilities: [0.2, 0.5, 0.3]}
  flag: {values: [true, false]}
  name: {values: ["adam", "sgd"]}
  lst: {values: [[3], [4, 5]]}
  num: {values: [1, "3"]}
  i: {min: 1, max: 5}
  opt:
    parameters:
      momentum: {values: [0.9, 0.99]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" enqueue e n=6.5 ln=2.5 qn=-1.5 inv=0.04 lu=0.1 p=blue flag=no name='"sgd"' 'lst=[3]' \
    num=3 i=3.0 opt.momentum=0.99 $S > enq.txt 2> enq.err || fail "enqueue: $(cat enq.err)"
grep -q "enqueued" enq.txt || fail "enqueue output: $(cat enq.txt)"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" trials e $S --format json > t.json
python3 - "$T" <<'PY' || fail "enqueued params: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
p = d[1]["params"]
want = {"score": 1, "n": 6.5, "ln": 2.5, "qn": -1.5, "inv": 0.04, "lu": 0.1, "p": "blue",
        "flag": False, "name": "sgd", "lst": [3], "num": "3", "i": 3, "opt": {"momentum": 0.99}}
for k, v in want.items():
    if isinstance(v, float):
        assert abs(p[k] - v) < 1e-9 * max(1, abs(v)), (k, p[k], v)
    else:
        assert p[k] == v, (k, p[k], v)
a = json.load(open(sys.argv[1] + "/knob-runs/e/1/params.json"))
assert a == p, (a, p)
# what knob enqueue printed is what the program got, exactly
e = open(sys.argv[1] + "/enq.txt").read().split("enqueued ", 1)[1].rsplit(" in study", 1)[0]
e = json.loads(e)
assert set(e) == set(want) - {"score"} and e == {k: p[k] for k in e}, (e, p)
PY
# values in the normal family's tails come back exactly as given (the quantile the library
# holds of 13.6 under N(5, 2) gave 13.5999999999993 back, log-normal 100 100.000000000542)
"$KNOB" enqueue e n=13.6 ln=100 qn=-1.5 $S > tail.txt 2> tail.err || fail "enqueue: $(cat tail.err)"
grep -q 'enqueued {"n":13.6,"ln":100.0,' tail.txt || grep -q 'enqueued {"n":13.6,"ln":100,' tail.txt ||
    fail "enqueued tails: $(cat tail.txt)"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" trials e $S --format json > t.json
python3 - "$T" <<'PY' || fail "tail params: $(cat $T/t.json)"
import json, sys
p = json.load(open(sys.argv[1] + "/t.json"))[2]["params"]
assert p["n"] == 13.6 and p["ln"] == 100, p
PY
# Values the space cannot hold are refused with exit 2, naming the param and its space,
# and nothing is enqueued: a name the sweep does not know, a value outside the choices or
# the range, a whole number that is not whole, a value off the steps, a constant changed.
before=$("$KNOB" trials e $S --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
refuse() {
    local want=$1; shift
    local rc=0
    "$KNOB" enqueue "${R:-e}" "$@" $S > /dev/null 2> bad.err || rc=$?
    [ $rc = 2 ] || fail "enqueue $* exited $rc, not 2: $(cat bad.err)"
    grep -q -- "$want" bad.err || fail "enqueue $*: $(cat bad.err)"
}
refuse "'nope' is not a parameter of the sweep" nope=1
refuse "'purple' is not one of the values of 'p' (red, green, blue)" p=purple
refuse "'name' cannot be rmsprop: the sweep's 'name' is one of \[adam, sgd\]" name=rmsprop
refuse "'opt.momentum' cannot be 0.5" opt.momentum=0.5
refuse "'inv' cannot be 2" inv=2
refuse "'lu' cannot be 3" lu=3
refuse "'score' cannot be 2: the sweep's 'score' is the constant 1" score=2
# a refused number is named as written (it was 1e+300, as the dashboard names it 1e300)
refuse "'n' cannot be 1e300:" n=1e300
refuse "'n' cannot be 1E300:" n=1E300
refuse "'inv' cannot be 2.0:" inv=2.0
refuse "'flag' cannot be maybe" flag=maybe
refuse "'name' cannot be empty: " name=
refuse "'i' is given twice" i=3 i=4
# near a whole number is not one: 2.0000000000000001 is 2 as a double, and was taken so
refuse "'i' cannot be 2.0000000000000001: the sweep's 'i' is a whole number in \[1, 5\]" i=2.0000000000000001
refuse "'lu' cannot be inf" lu=inf
refuse "'i' cannot be 0x3: " i=0x3
cat > grid.yaml <<YAML
program: $PROGS/echo_params.py
method: grid
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  k: {min: 1, max: 3}
  q: {min: 0, max: 1, q: 0.25, distribution: q_uniform}
  lr: {distribution: q_log_uniform_values, min: 0.01, max: 0.1, q: 0.03}
YAML
"$KNOB" run grid.yaml $S --study g --trials 1 > /dev/null
"$KNOB" enqueue g k=7 $S > /dev/null 2> bad.err && fail "grid: k=7 enqueued"
grep -q "'k' cannot be 7: the sweep's 'k' is a whole number in \[1, 3\]" bad.err || fail "grid k: $(cat bad.err)"
"$KNOB" enqueue g q=0.3 $S > /dev/null 2> bad.err && fail "grid: q=0.3 enqueued"
grep -q "on steps of 0.25" bad.err || fail "grid q: $(cat bad.err)"
# a q_log_uniform_values grid is round(x / q) * q, 0 to 0.09 here: 0.1 is not in it, and
# the message says what is (it said "[0.01, 0.1] on steps of 0.03")
"$KNOB" enqueue g lr=0.1 $S > /dev/null 2> bad.err && fail "grid: lr=0.1 enqueued"
grep -qF "'lr' cannot be 0.1: the sweep's 'lr' is a number in [0, 0.09] on steps of 0.03 (min 0.01 and max 0.1 rounded to steps of 0.03)" bad.err ||
    fail "grid lr: $(cat bad.err)"
"$KNOB" enqueue g k=2 q=0.75 lr=0.09 $S > /dev/null || fail "grid: a point of the grid was refused"
# q_log_uniform_values and q_log_uniform round their draw to a multiple of q, which may lie
# outside [min, max]: 0 and 32 here, which the sampler gives, were refused ("'qlu' cannot
# be 0: the sweep's 'qlu' is a number in [0, 32] on steps of 8"); a value off the steps or
# past the rounded ends still is
cat > qlog.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  qlu: {distribution: q_log_uniform_values, min: 1, max: 32, q: 8}
  ql: {distribution: q_log_uniform, min: 0, max: 3.4657359, q: 8}
YAML
"$KNOB" run qlog.yaml $S --study ql --trials 0 > /dev/null 2>&1 || fail "the q_log study"
"$KNOB" enqueue ql qlu=0 ql=32 $S > /dev/null 2> bad.err || fail "qlu=0 ql=32: $(cat bad.err)"
"$KNOB" enqueue ql qlu=32 ql=0 $S > /dev/null 2> bad.err || fail "qlu=32 ql=0: $(cat bad.err)"
"$KNOB" enqueue ql qlu=16 ql=8 $S > /dev/null 2> bad.err || fail "qlu=16 ql=8: $(cat bad.err)"
R=ql
refuse "'qlu' cannot be 5: the sweep's 'qlu' is a number in \[0, 32\] on steps of 8" qlu=5
refuse "'qlu' cannot be 40: " qlu=40
refuse "'ql' cannot be -8: " ql=-8
refuse "'qlu' needs a number" qlu=abc
R=
"$KNOB" run qlog.yaml $S --study ql --trials 3 > ql.out 2> ql.err || fail "ql run: $(cat ql.err)"
if grep -q "enqueued" ql.err; then fail "a warning for an enqueued q_log value: $(cat ql.err)"; fi
"$KNOB" trials ql $S --format json |
    py '[[t["params"]["qlu"], t["params"]["ql"]] for t in d]' > ql.txt
expect_eq "$(cat ql.txt)" "[[0, 32], [32, 0], [16, 8]]" "the q_log values enqueued"
# q_log_normal gives 0 (every draw below q / 2): taken, as a q_log_uniform's (it was refused:
# "it needs a value > 0"), where no quantile knob draws gives it, refused; a q_normal value
# off its steps is refused naming the steps (the message spoke of the quantiles alone)
printf 'program: %s\nmethod: random\nmetric: {name: score}\nparameters:\n  score: {value: 1}\n  qn: {distribution: q_log_normal, mu: 0, sigma: 2, q: 1}\n  far: {distribution: q_log_normal, mu: 20, sigma: 1, q: 1}\n  qs: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}\n' \
    "$PROGS/echo_params.py" > qnorm.yaml
"$KNOB" run qnorm.yaml $S --study qn --trials 0 > /dev/null 2>&1 || fail "the q normal study"
R=qn
refuse "'far' cannot be 0: the sweep's 'far' is a log-normal number with mu 20 and sigma 1, within its 1e-6 and 1 - 1e-6 quantiles, on steps of 1" far=0
refuse "'qs' cannot be 0.25: .* on steps of 0.5$" qs=0.25
R=
"$KNOB" enqueue qn qn=0 $S > /dev/null 2> bad.err || fail "qn=0: $(cat bad.err)"
"$KNOB" run qnorm.yaml $S --study qn --trials 1 > /dev/null 2>&1 || fail "the q normal run"
expect_eq "$("$KNOB" trials qn $S --format json | py 'd[0]["params"]["qn"]')" 0 "q_log_normal 0 enqueued"
# a value of probability 0 is never drawn: refused saying so (it said "'a' cannot be x: the
# sweep's 'a' is one of [x, y, z]", x among them)
printf 'command: [/bin/true]\nmethod: random\nparameters:\n  a: {values: [x, y, z], probabilities: [0.0, 1.0, 0.0]}\n  b: {values: [u, v, w], probabilities: [0.0000001, 0.9999998, 0.0000001]}\n' > zero.yaml
"$KNOB" run zero.yaml $S --study zp --trials 0 > /dev/null 2>&1 || fail "the zero-probability study"
R=zp
refuse "^knob enqueue: 'a' cannot be x: its probability in the sweep is 0, so no trial gets it$" a=x
refuse "^knob enqueue: 'a' cannot be z: its probability in the sweep is 0, so no trial gets it$" a=z
refuse "'b' cannot be w: its probability in the sweep (1e-07) puts it outside the quantiles searched" b=w
R=
"$KNOB" enqueue zp a=y b=v $S > /dev/null 2> bad.err || fail "a=y b=v: $(cat bad.err)"
# A param active only for some values of others names the params to give, down through
# constants (k follows from o), with the values that make it active.
printf '%s\n' 'metric: {name: score}' 'parameters:' '  o: {values: [a, b, c]}' \
    '  k: {value: 1, when: {o: [a, b]}}' '  kk: {min: 0, max: 3, when: {k: 1}}' \
    '  w: {values: [x, y], when: {k: 1, o: [b, c]}}' '  e: {min: 0, max: 3, when: {kk: [1, 2]}}' \
    '  z: {values: [p, q], when: {o: [a, b, c]}}' > cond.yaml
"$KNOB" ask c --sweep cond.yaml $S > /dev/null
R=c
refuse "'kk' is active only for some values of 'o': give 'o' too, with o in \[a, b\]$" kk=1
refuse "'w' is active only for some values of 'o': give 'o' too, with o=b$" w=x
refuse "of 'o' and 'kk': give 'o' and 'kk' too, with o in \[a, b\] and kk in \[1, 2\]$" e=1
refuse "'w' is not active with these values (o=a), so .*: it needs o=b " w=x o=a
"$KNOB" enqueue c e=2 kk=1 o=a $S > /dev/null || fail "cond: an active chain was refused"
"$KNOB" ask c $S | grep -qF '"params": {"o":"a","k":1,"kk":1,"e":2,"z":' || fail "cond: ask"
# z is active for every value of o: no need to give o
"$KNOB" enqueue c z=p $S > /dev/null || fail "cond: z=p refused"
after=$("$KNOB" trials e $S --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$before" = "$after" ] || fail "a refused enqueue left a trial: $before -> $after"
if "$KNOB" enqueue e lr $S 2> usage.err; then fail "enqueue without '='"; fi
grep -q "not key=value" usage.err || fail "usage: $(cat usage.err)"

# A nested param enqueued reaches the program, and no warning says it does not: the
# check looked for 'net' among the trial's params, which are by dotted name (net.width)
cat > nest.sh <<'SH'
#!/bin/sh
echo "$@" > nest-args.txt
echo loss=1
SH
chmod +x nest.sh
printf 'program: ./nest.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  net:\n    parameters:\n      width: {values: [64, 128]}\n  lr: {min: 0.1, max: 0.2}\n' > nest.yaml
N="--storage sqlite:///$T/nest.db"
"$KNOB" run nest.yaml $N --study nest --trials 0 > /dev/null 2>&1 || fail "the nested study"
"$KNOB" enqueue nest net.width=128 lr=0.15 $N > /dev/null || fail "enqueue nested"
"$KNOB" run nest.yaml $N --study nest --trials 1 > nest.out 2> nest.err || fail "run: $(cat nest.err)"
expect_eq "$(cat nest-args.txt)" "--net.width=128 --lr=0.15" "the nested param enqueued"
if grep -q "warning" nest.err; then fail "a warning for a nested param: $(cat nest.err)"; fi

# Enqueues at once stop at exactly run_cap: the count was read before the write, and ten
# enqueues at once made studies of 4 to 9 trials with run_cap 3 (the rest waiting for good)
printf 'program: x\nmethod: random\nmetric: {name: loss}\nrun_cap: 3\nparameters: {x: {min: 0.0, max: 1.0}}\n' > cap.yaml
for rep in 1 2 3 4 5 6; do
    C="--storage sqlite:///$T/cap$rep.db"
    "$KNOB" run cap.yaml $C --study c --trials 0 > /dev/null 2>&1 || fail "the capped study"
    for i in 0 1 2 3 4 5 6 7 8 9; do "$KNOB" enqueue c x=0.$i $C > /dev/null 2>> cap.err & done
    wait
    n=$("$KNOB" trials c $C --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    expect_eq "$n" 3 "trials after ten enqueues at once (run_cap 3), round $rep"
done
grep -q "holds 3 trials" cap.err || fail "the refusals: $(cat cap.err)"
echo ok
