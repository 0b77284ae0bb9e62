#!/usr/bin/env bash
# Conditional params (`when`): only active ones are suggested, reach the program (argv,
# KNOB_PARAMS_JSON, params.json) and are shown by knob trials, best and ask; a grid
# enumerates only valid points; knob enqueue refuses inactive ones; mistakes in `when`
# are reported at their line and column.
source "$(dirname "$0")/lib.bash"
space() {
    cat <<YAML
parameters:
  momentum: {values: [0.5, 0.9], when: {optimizer: sgd}}
  optimizer: {values: [sgd, adam, rms]}
  nesterov: {values: [true, false], when: {optimizer: sgd, momentum: 0.9}}
  beta: {values: [0.9, 0.99], when: {optimizer: [adam, rms]}}
  k: {value: 3, when: {optimizer: adam}}
  layers: {min: 1, max: 3}
  net:
    when: {layers: [2, 3]}
    parameters:
      width2: {values: [8, 16]}
      width3: {values: [8, 16], when: {layers: 3}}
YAML
}
{ echo "program: $PROGS/cond_prog.sh"; echo "method: grid"; echo "metric: {name: loss}"; space; } > grid.yaml
{ echo "program: $PROGS/cond_prog.sh"; echo "sampler: {name: tpe, options: {n_startup_trials: 4}}"
  echo "metric: {name: loss}"; space; } > tpe.yaml
S="--storage sqlite:///$T/s.db"

# The rule each trial's params must follow, checked on what the program got.
cat > check.py <<'PY'
import json, sys
def check(p):
    o = p["optimizer"]
    want = {"optimizer", "layers"}
    if o == "sgd":
        want |= {"momentum"} | ({"nesterov"} if p["momentum"] == 0.9 else set())
    else:
        want |= {"beta"} | ({"k"} if o == "adam" else set())
    if p["layers"] >= 2:
        want |= {"net"}
        net = {"width2"} | ({"width3"} if p["layers"] == 3 else set())
        assert set(p["net"]) == net, p
    assert set(p) == want, (sorted(p), sorted(want))
    return p
PY

# grid: each valid point once, no other (sgd 3 x adam 2 x rms 2, times layers 1 + 2 + 4)
"$KNOB" run grid.yaml $S --study g --parallel 8 > out.txt || fail "grid run: $(cat out.txt)"
grep -q "the grid is done" out.txt || fail "grid end: $(cat out.txt)"
"$KNOB" trials g $S --format json > g.json
python3 - g.json <<'PY' || fail "grid points: $(cat g.json)"
import json, sys
exec(open("check.py").read())
d = json.load(open(sys.argv[1]))
pts = [json.dumps(check(t["params"]), sort_keys=True) for t in d]
assert len(pts) == 49 and len(set(pts)) == 49, len(pts)
PY

# grid with enqueued points (whole, and one with its child left open): each takes a point
# of the grid, which then runs every valid point once and no other
"$KNOB" run grid.yaml $S --study ge --trials 0 > /dev/null 2>&1
"$KNOB" enqueue ge optimizer=sgd momentum=0.9 nesterov=true layers=1 $S > /dev/null ||
    fail "enqueue of a grid point"
"$KNOB" enqueue ge optimizer=adam layers=2 beta=0.99 $S > /dev/null || fail "enqueue of a partial point"
"$KNOB" run grid.yaml $S --study ge --parallel 4 > out.txt || fail "grid run: $(cat out.txt)"
"$KNOB" trials ge $S --format json > ge.json
python3 - ge.json <<'PY' || fail "grid points with enqueued ones: $(cat ge.json)"
import json, sys
exec(open("check.py").read())
d = json.load(open(sys.argv[1]))
pts = [json.dumps(check(t["params"]), sort_keys=True) for t in d]
assert len(pts) == 49 and len(set(pts)) == 49, (len(pts), len(set(pts)))
assert d[0]["params"] == {"optimizer": "sgd", "momentum": 0.9, "nesterov": True, "layers": 1}, d[0]
assert d[1]["params"]["optimizer"] == "adam" and d[1]["params"]["beta"] == 0.99, d[1]
PY

# tpe: define-by-run through the model-based sampler; what the program got, three ways
"$KNOB" run tpe.yaml $S --study t --trials 12 --seed 3 > /dev/null || fail "tpe run"
"$KNOB" trials t $S --format json > t.json
python3 - t.json knob-runs/t <<'PY' || fail "tpe trials"
import json, sys, os
exec(open("check.py").read())
d = json.load(open(sys.argv[1]))
assert len(d) == 12 and all(t["state"] == "complete" for t in d), d
for t in d:
    got = check(t["params"])
    dr = os.path.join(sys.argv[2], str(t["number"]))
    assert json.load(open(dr + "/env.json")) == got
    assert json.load(open(dr + "/params.json")) == got
    argv = open(dr + "/argv.txt").read().split()
    flat = {}
    for k, v in got.items():
        for k2, v2 in (v.items() if isinstance(v, dict) else [(None, v)]):
            flat[k + "." + k2 if k2 else k] = v2
    assert sorted(a.split("=")[0][2:] for a in argv) == sorted(flat), (argv, flat)
assert len({t["params"]["optimizer"] for t in d}) == 3
PY
# the storage holds the active params only (the constant k is not searched), in the order
# they were suggested: parents first
python3 - "$T/s.db" t.json <<'PY' || fail "stored params"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in json.load(open(sys.argv[2])):
    rows = db.execute("select p.name from params p join trials r on p.trial = r.id join studies s on "
                      "r.study = s.id where s.name = 't' and r.number = ? order by p.position",
                      (t["number"],)).fetchall()
    names = [r[0] for r in rows]
    flat = [k for k in t["params"] if k not in ("k", "net")] + ["net." + k for k in t["params"].get("net", {})]
    assert sorted(names) == sorted(flat), (names, flat)
    assert names.index("optimizer") < names.index("momentum" if "momentum" in names else "beta"), names
    assert "net.width2" not in names or names.index("layers") < names.index("net.width2"), names
PY
"$KNOB" best t $S --json > best.json
python3 -c "exec(open('check.py').read()); import json; check(json.load(open('best.json'))['params'])" ||
    fail "best: $(cat best.json)"

# knob ask shows the active params only
for i in 1 2 3 4 5 6; do
    "$KNOB" ask a --sweep tpe.yaml $S --seed 5 >> asks.jsonl
done
python3 -c "
import json; exec(open('check.py').read())
for l in open('asks.jsonl'): check(json.loads(l)['params'])" || fail "ask: $(cat asks.jsonl)"

# enqueue: inactive params and params whose parents are left open are refused
"$KNOB" enqueue t optimizer=adam momentum=0.9 layers=1 $S 2> e1.txt && fail "inactive enqueued"
grep -q "'momentum' is not active" e1.txt || fail "enqueue inactive: $(cat e1.txt)"
"$KNOB" enqueue t momentum=0.9 layers=1 $S 2> e2.txt && fail "open parent enqueued"
grep -q "give 'optimizer' too" e2.txt || fail "enqueue parent: $(cat e2.txt)"
"$KNOB" enqueue t optimizer=sgd momentum=0.9 nesterov=false layers=2 net.width2=16 $S > /dev/null ||
    fail "enqueue of active params"
"$KNOB" run tpe.yaml $S --study t --trials 1 > /dev/null
"$KNOB" trials t $S --format json > t2.json
expect_eq "$(py 'json.dumps(d[-1]["params"], sort_keys=True)' < t2.json)" \
    '{"layers": 2, "momentum": 0.9, "nesterov": false, "net": {"width2": 16}, "optimizer": "sgd"}' \
    "the enqueued trial"

# a parent of the normal family rounded to q takes values that compare exactly: its child is
# active where it takes one of them; a value off its q is refused
printf '%s\n' "program: $PROGS/cond_prog.sh" "method: random" "metric: {name: loss}" "parameters:" \
    "  c: {distribution: q_normal, mu: 0, sigma: 1, q: 1}" \
    "  l: {distribution: q_log_normal, mu: 1, sigma: 0.5, q: 0.5}" \
    "  d: {values: [u, v], when: {c: [0, 1]}}" "  e: {values: [u, v], when: {l: 2.5}}" \
    "  n: {distribution: q_uniform, min: 0, max: 10000000000, q: 1}" \
    "  f: {values: [u], when: {n: 5000000000}}" > qn.yaml
"$KNOB" run qn.yaml $S --study qn --trials 30 --seed 4 > out.txt 2>&1 || fail "q_normal parent: $(cat out.txt)"
"$KNOB" trials qn $S --format json > qn.json
python3 - qn.json <<'PY' || fail "q_normal parent: $(cat qn.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 30
for t in d:
    p = t["params"]
    assert ("d" in p) == (p["c"] in (0, 1)), p
    assert ("e" in p) == (p["l"] == 2.5), p
assert any("d" in t["params"] for t in d) and any("d" not in t["params"] for t in d)
PY
# on a large grid, neighbours differ: n = 5000000003 is not 5000000000 (a relative 1e-9
# joined them)
"$KNOB" enqueue qn n=5000000003 f=u $S 2> e1.txt && fail "f enqueued where n is not 5000000000"
grep -q "'f' is not active" e1.txt || fail "enqueue near a large grid value: $(cat e1.txt)"
# neighbours in a list of values stay apart, however close relative to their size: seeds
# 1234567890 and 1234567891, epsilons 1e-9 and 1e-10 (a relative 1e-9 joined them)
printf '%s\n' "program: $PROGS/cond_prog.sh" "method: grid" "parameters:" \
    "  seed: {values: [1234567890, 1234567891]}" "  x: {values: [a], when: {seed: 1234567891}}" \
    "  eps: {values: [1.0e-9, 1.0e-10]}" "  y: {values: [a], when: {eps: 1.0e-9}}" \
    "  i: {min: 1, max: 2}" "  j: {values: [a], when: {i: [1, 2]}}" > near.yaml
"$KNOB" run near.yaml $S --study near --parallel 4 > out.txt 2>&1 || fail "near values: $(cat out.txt)"
"$KNOB" trials near $S --format json > near.json
python3 - near.json <<'PY' || fail "near values: $(cat near.json)"
import json, sys
d = [t["params"] for t in json.load(open(sys.argv[1]))]
assert len(d) == 8 and all(("x" in p) == (p["seed"] == 1234567891) and
                           ("y" in p) == (p["eps"] == 1e-9) and "j" in p for p in d), d
PY
"$KNOB" enqueue near seed=1234567890 x=a $S 2> e1.txt && fail "x enqueued where seed is not 1234567891"
grep -q "'x' is not active" e1.txt || fail "enqueue near a listed value: $(cat e1.txt)"
# a when that names every value of a range holds whatever the sampler draws: its parent
# need not be given (it was: "give 'i' too, with i in [1, 2]")
"$KNOB" enqueue near j=a $S > /dev/null 2> e1.txt || fail "enqueue under every value: $(cat e1.txt)"

# knob lr-find passes the active params only, and refuses to test an inactive one
cat > lr.yaml <<'YAML'
command: [sh, -c, 'while read -r s r; do echo "step=$s loss=1"; done', x, "${args}"]
metric: {name: loss}
parameters:
  opt: {values: [adam, sgd]}
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1, when: {opt: sgd}}
  beta: {min: 0.0, max: 0.99, when: {opt: adam}}
  s: {values: ["1", "2"]}
  t: {values: [a, b], when: {s: "2"}}
  flag: {values: [yes, no]}
  w: {values: [1], when: {flag: true}}
  m: {values: [1, 2], when: {t: b}}
YAML
# a --set value of a list of values is the value it spells, of the list's type: s=2 is
# the string "2", flag=yes the boolean (they were the number 2 and the string "yes")
"$KNOB" lr-find lr.yaml --param lr --steps 3 --set opt=sgd --set s=2 --set t=b --set flag=yes \
    > out.txt 2>&1 || fail "lr-find: $(cat out.txt)"
grep -qF 'params {"opt":"sgd","lr":1e-07,"s":"2","t":"b","flag":true,"w":1,"m":1};' out.txt ||
    fail "lr-find params: $(cat out.txt)"
"$KNOB" lr-find lr.yaml --param lr --steps 3 > out.txt 2>&1 && fail "lr-find of an inactive param"
grep -qF "'lr' is not active: its \`when\` (line 5 of lr.yaml) needs 'opt' to be \"sgd\", not \"adam\"" out.txt ||
    fail "lr-find inactive: $(cat out.txt)"
# along a chain, the ancestor whose condition fails is named
"$KNOB" lr-find lr.yaml --param lr --steps 3 --set opt=sgd --set m=1 > out.txt 2>&1 && fail "lr-find of m"
grep -qF "names 't', which is not active: up the chain, the \`when\` of 't' (line 8) needs 's' to be \"2\", not \"1\"" out.txt ||
    fail "lr-find chain: $(cat out.txt)"

# a param whose `when` names the tested one cannot be active in the test (it said --set it)
printf '%s\n' "command: [sh, -c, 'cat > /dev/null']" "metric: {name: loss}" "parameters:" \
    "  lr: {distribution: q_log_uniform_values, min: 0.0001, max: 1, q: 0.0001}" \
    "  warm: {values: [1, 2], when: {lr: 0.001}}" > lrq.yaml
"$KNOB" lr-find lrq.yaml --param lr --steps 3 --set warm=1 > out.txt 2>&1 && fail "lr-find of warm"
grep -qF "needs 'lr', the param under test, to be 0.001: it cannot be active while 'lr' is tested" out.txt ||
    fail "lr-find when on the tested param: $(cat out.txt)"

# mistakes, at their line and column
err() { # expected-message yaml-lines...
    local want=$1
    shift
    printf '%s\n' "program: x" "method: random" "parameters:" "$@" > e.yaml
    if "$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt; then fail "accepted: $*"; fi
    grep -qF "$want" e.txt || fail "expected '$want', got: $(cat e.txt)"
}
err "e.yaml:5:34: key 'parameters.b.when.aa': unknown parameter 'aa'; did you mean 'a'?" \
    "  a: {values: [x, y]}" "  b: {min: 0.0, max: 1.0, when: {aa: x}}"
err "e.yaml:5:30: key 'parameters.b.when.a': a cycle of conditions (a -> b -> a)" \
    "  a: {values: [x, y], when: {b: 1}}" "  b: {values: [1, 2], when: {a: x}}"
err "e.yaml:4:30: key 'parameters.a.when.a': a cycle of conditions (a -> a)" \
    "  a: {values: [x, y], when: {a: x}}"
err "e.yaml:5:34: key 'parameters.b.when.a': 'a' never takes \"z\" (a string)" \
    "  a: {values: [x, y]}" "  b: {min: 0.0, max: 1.0, when: {a: [x, z]}}"
err "e.yaml:5:34: key 'parameters.b.when.a': 'a' never takes 5" \
    "  a: {min: 1, max: 4}" "  b: {min: 0.0, max: 1.0, when: {a: 5}}"
err "e.yaml:5:34: key 'parameters.b.when.a': 'a' takes continuous values; a parent must take values that compare exactly (values, value, int_uniform, q_uniform, q_log_uniform, q_log_uniform_values, q_normal, q_log_normal); {min: 1, max: 4}, written as integers, is an int_uniform" \
    "  a: {min: 1.0, max: 4.0}" "  b: {min: 0.0, max: 1.0, when: {a: 2}}"
# a uniform named so is not said to be an int_uniform
err "e.yaml:5:34: key 'parameters.b.when.a': 'a' takes continuous values; a parent must take values that compare exactly (values, value, int_uniform, q_uniform, q_log_uniform, q_log_uniform_values, q_normal, q_log_normal)" \
    "  a: {distribution: uniform, min: 1, max: 4}" "  b: {min: 0.0, max: 1.0, when: {a: 2}}"
! grep -q "written as integers" e.txt || fail "uniform named so: $(cat e.txt)"
# a nested parent named by its own key: its full name is suggested, as among many params
err "e.yaml:8:34: key 'parameters.net.v.when.w': unknown parameter 'w'; did you mean 'net.w'? (a nested parameter is named outer.inner)" \
    "  n: {values: [1, 2]}" "  net:" "    parameters:" "      w: {values: [8, 16]}" \
    "      v: {values: [1, 2], when: {w: 8}}"
# a group named as a parent: it takes no value (it was an unknown parameter, "did you mean 'a'")
err "e.yaml:5:27: key 'parameters.b.when.g': 'g' is a group of nested parameters, which takes no value: a \`when\` names a parameter of it ('g.w')" \
    "  a: {values: [1, 2]}" "  b: {values: [1], when: {g: 1}}" "  g:" "    parameters:" "      w: {values: [1, 2]}"
many=()
for i in $(seq 1 70); do many+=("  p$i: {values: [1, 2]}"); done
err "key 'parameters.x.when.q69': unknown parameter 'q69'; did you mean 'p69'?" \
    "${many[@]}" "  x: {values: [1, 2], when: {q69: 1}}"
# a list value of a parent written as a list of scalars: the message says how to write it,
# with the list given (it was one fixed example, {layers: [[64, 64], [128]]}, whatever the
# values), or the parent's first list when it takes no such list
err "e.yaml:5:27: key 'parameters.d.when.layers': 'layers' never takes 128, so 'd' would never be active there (parent defined at line 4, column 11); its values are lists: write the list inside the list of values, {layers: [[128]]}" \
    "  layers: {values: [[64, 64], [128]]}" "  d: {values: [1], when: {layers: [128]}}"
err "e.yaml:5:32: key 'parameters.pad.when.kernel': 'kernel' never takes 5, so 'pad' would never be active there (parent defined at line 4, column 11); its values are lists: write the list inside the list of values, {kernel: [[5, 5]]}" \
    "  kernel: {values: [[3, 3], [5, 5]]}" "  pad: {values: [0, 1], when: {kernel: [5, 5]}}"
err "'kernel' never takes 5, so 'pad' would never be active there (parent defined at line 4, column 11); its values are lists: write each inside the list of values, as {kernel: [[3,3]]}" \
    "  kernel: {values: [[3, 3], [5, 5]]}" "  pad: {values: [0, 1], when: {kernel: [5, 7]}}"
# an integer beyond 2^53 (held as its text) written with a fraction: not said to be a list
err "e.yaml:5:27: key 'parameters.x.when.seed': 'seed' never takes 12345678901234567891.0, so 'x' would never be active there (parent defined at line 4, column 9); an integer beyond 2^53 among its values is that integer exactly" \
    "  seed: {values: [12345678901234567890, 12345678901234567891]}" "  x: {values: [a], when: {seed: 12345678901234567891.0}}"
# a value the parent never takes: the one meant, a typo away or written in quotes
err "e.yaml:5:27: key 'parameters.m.when.opt': 'opt' never takes \"sdg\" (a string), so 'm' would never be active there (parent defined at line 4, column 8); did you mean \"sgd\"?" \
    "  opt: {values: [sgd, adam]}" "  m: {values: [1], when: {opt: sdg}}"
err "'f' never takes \"true\" (a string), so 'm' would never be active there (parent defined at line 4, column 6); did you mean true, unquoted?" \
    "  f: {values: [true, false]}" "  m: {values: [1], when: {f: \"true\"}}"
err "'f' never takes \"yes\" (a string), so 'm' would never be active there (parent defined at line 4, column 6); did you mean yes, unquoted? (unquoted, it is the boolean true)" \
    "  f: {values: [true, false]}" "  m: {values: [1], when: {f: \"yes\"}}"
err "'f' never takes \"2\" (a string), so 'm' would never be active there (parent defined at line 4, column 6); did you mean 2, unquoted?" \
    "  f: {min: 1, max: 5}" "  m: {values: [1], when: {f: \"2\"}}"
err "'f' never takes true, so 'm' would never be active there (parent defined at line 4, column 6); did you mean \"yes\", in quotes? (unquoted, it is the boolean true)" \
    "  f: {values: [\"yes\", \"no\"]}" "  m: {values: [1], when: {f: yes}}"
# conditions that can never hold together: b exists only when a is x, c asks for b and a = y
err "e.yaml:6:30: key 'parameters.c.when': 'c' can never be active" \
    "  a: {values: [x, y]}" "  b: {values: [1, 2], when: {a: x}}" "  c: {values: [1, 2], when: {b: 2, a: y}}"
err "e.yaml:9:34: key 'parameters.d.when': 'd' can never be active" \
    "  n: {min: 1, max: 1000000}" "  g:" "    when: {n: [5, 7]}" "    parameters:" \
    "      w: {values: [1, 2]}" "  d: {min: 0.0, max: 1.0, when: {g.w: 1, n: 6}}"
# beside many optional params, each with its own switch (2^17 products together, which
# left the space unchecked)
toggles=()
for i in $(seq 1 17); do toggles+=("  u$i: {values: [true, false]}" "  x$i: {values: [1, 2], when: {u$i: true}}"); done
err "key 'parameters.c.when': 'c' can never be active" "${toggles[@]}" \
    "  a: {values: [x, y]}" "  b: {values: [1, 2], when: {a: x}}" "  c: {values: [1, 2], when: {b: 2, a: y}}"
# the same below one switch (linked, one group of 2^17 products: it was left unchecked);
# each param is checked over its ancestors only
hub=("  mode: {values: [on, off]}")
for i in $(seq 1 17); do hub+=("  u$i: {values: [true, false], when: {mode: on}}" "  x$i: {values: [1, 2], when: {u$i: true}}"); done
err "key 'parameters.c.when': 'c' can never be active" "${hub[@]}" "  a: {values: [x, y], when: {mode: on}}" \
    "  b: {values: [1, 2], when: {a: x}}" "  c: {values: [1, 2], when: {b: 2, a: y}}"
# a group's `when` is named as the group's key; a param's own, as its
err "e.yaml:6:12: key 'parameters.g.when.a': 'a' never takes \"z\" (a string), so 'g.w' would never" \
    "  a: {values: [x, y]}" "  g:" "    when: {a: z}" "    parameters:" "      w: {values: [1, 2]}"
err "e.yaml:8:34: key 'parameters.g.w.when': 'g.w' can never be active" \
    "  a: {values: [x, y]}" "  g:" "    when: {a: x}" "    parameters:" "      w: {values: [1, 2], when: {a: y}}"
# a chain of layers, each under its own switch and the layer before (2^20 products of the
# ancestors' values, which took 10 s and 370 MB at each load, and left x unchecked): x
# needs skip0 true, where layer0, and so layer19, is absent
chain=()
for i in $(seq 0 19); do
    chain+=("  skip$i: {values: [true, false]}" "  layer$i: {values: [64, 128], when: {skip$i: false$([ "$i" = 0 ] || echo ", layer$((i - 1)): [64, 128]")}}")
done
err "key 'parameters.x.when': 'x' can never be active" "${chain[@]}" "  x: {values: [1], when: {layer19: 64, skip0: true}}"
! grep -q warning e.txt || fail "a chain of layers: $(cat e.txt)"
printf '%s\n' "program: x" "method: random" "parameters:" "  a: {values: [x, y]}" \
    "  b: {values: [1, 2], when: {a: x}}" "  c: {values: [1, 2], when: {b: 2, a: [x, y]}}" > e.yaml
"$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt || fail "conditions that can hold: $(cat e.txt)"
# a condition on values of probability 0 alone: no trial drawn gets them, said at the
# condition (it loaded without a word, and c was never active)
printf '%s\n' "program: x" "method: random" "parameters:" "  a: {values: [x, y, z], probabilities: [1.0, 0.0, 0.0]}" \
    "  c: {min: 0.0, max: 1.0, when: {a: [y, z]}}" "  d: {min: 0.0, max: 1.0, when: {a: [x, y]}}" > e.yaml
"$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt || fail "a condition of probability 0: $(cat e.txt)"
grep -q "e.yaml:5:34: warning: key 'parameters.c.when.a': 'a' takes \"y\" (a string), \"z\" (a string) with probability 0, so no trial drawn gets them and 'c' is active only under method grid" e.txt ||
    fail "a condition of probability 0: $(cat e.txt)"
[ "$(grep -c warning e.txt)" = 1 ] || fail "d, whose x has probability 1, warned: $(cat e.txt)"
# a parent with more values than a grid enumerates takes each multiple of its q all the same
printf '%s\n' "program: x" "method: random" "parameters:" \
    "  q: {distribution: q_uniform, min: 0, max: 100000000, q: 10}" \
    "  l: {distribution: q_log_uniform_values, min: 1, max: 100000000, q: 1}" \
    "  c: {values: [1, 2], when: {q: 5000000, l: [1, 2]}}" \
    "  r: {distribution: q_uniform, min: 0, max: 3000000.3, q: 0.1}" \
    "  d: {values: [1, 2], when: {r: 3000000.3}}" > e.yaml
"$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt || fail "a parent of many values: $(cat e.txt)"
# 0.1 goes 30000003 times into 3000000.3 within the library's rounding: no warning of it
! grep -q warning e.txt || fail "q of many steps: $(cat e.txt)"
err "e.yaml:5:27: key 'parameters.c.when.q': 'q' never takes 5000005" \
    "  q: {distribution: q_uniform, min: 0, max: 100000000, q: 10}" "  c: {values: [1], when: {q: 5000005}}"
err "e.yaml:5:27: key 'parameters.b.when.a': 'a' never takes 0.5" \
    "  a: {distribution: q_normal, mu: 0, sigma: 1, q: 1}" "  b: {values: [1], when: {a: 0.5}}"
# a multiple of q beyond the draws (mu -+ 4.75 sigma, e^ of it for the log form, rounded to
# q): refused; the extreme draws themselves taken (5 and -5 are 4.753... rounded to 0.5)
err "e.yaml:5:27: key 'parameters.m.when.q': 'q' never takes 5.5, so 'm' would never be active there (parent defined at line 4, column 6); it takes the multiples of 0.5 from -5 to 5 (its draws, mu -+ 4.75 sigma at most, rounded)" \
    "  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: 5.5}}"
err "e.yaml:5:27: key 'parameters.m.when.q': 'q' never takes 1000" \
    "  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: 1000}}"
err "e.yaml:5:27: key 'parameters.m.when.q': 'q' never takes -5.5" \
    "  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: -5.5}}"
err "e.yaml:5:27: key 'parameters.m.when.q': 'q' never takes 100000, so 'm' would never be active there (parent defined at line 4, column 6); it takes the multiples of 0.5 from 0 to 116 (its draws, e^(mu -+ 4.75 sigma) at most, rounded)" \
    "  q: {distribution: q_log_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: 100000}}"
err "e.yaml:5:27: key 'parameters.m.when.q': 'q' never takes 4" \
    "  q: {distribution: q_log_normal, mu: 5, sigma: 0.1, q: 1}" "  m: {values: [M], when: {q: 4}}"
for v in 5 -5 0 4.5; do
    printf '%s\n' "program: x" "method: random" "parameters:" \
        "  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: [$v, 1]}}" > e.yaml
    "$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt || fail "q_normal parent's $v refused: $(cat e.txt)"
done
for v in 116 0 1; do
    printf '%s\n' "program: x" "method: random" "parameters:" \
        "  q: {distribution: q_log_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: $v}}" > e.yaml
    "$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt || fail "q_log_normal parent's $v refused: $(cat e.txt)"
done
# the bound is drawn: 5 enqueued is the 1 - 1e-6 quantile, 4.7534, rounded, and m is active
printf '%s\n' "program: $PROGS/quad.sh" "method: random" "metric: {name: loss}" "parameters:" \
    "  q: {distribution: q_normal, mu: 0, sigma: 1, q: 0.5}" "  m: {values: [M], when: {q: 5}}" > qb.yaml
"$KNOB" run qb.yaml $S --study qb --trials 0 > /dev/null 2>&1 || fail "q_normal bound: setup"
"$KNOB" enqueue qb q=5 $S > /dev/null || fail "q_normal bound: enqueue"
"$KNOB" run qb.yaml $S --study qb --trials 1 > out.txt 2>&1 || fail "q_normal bound: $(cat out.txt)"
expect_eq "$("$KNOB" trials qb $S --format json | py '[d[0]["params"].get(k) for k in ("q", "m")]')" '[5.0, "M"]' \
    "q_normal's extreme draw and its child"
err "e.yaml:5:33: key 'parameters.c.when.o': expected a value or a non-empty list of values, got a mapping (a parent's value that is a mapping is written in a list: {model: [{name: vit}]})" \
    "  o: {value: {a: 1}}" "  c: {values: [1, 2], when: {o: {a: 1}}}"
err "e.yaml:5:33: key 'parameters.b.when': expected a mapping" \
    "  a: {values: [x, y]}" "  b: {min: 0.0, max: 1.0, when: a}"
# a grid of 17 independent switches, a child under each (3^17 points): refused, naming the file
{ printf '%s\n' "program: x" "method: grid" "parameters:"
  for i in $(seq 17); do printf '%s\n' "  s$i: {values: [a, b]}" "  c$i: {values: [1, 2], when: {s$i: b}}"; done
} > e.yaml
if "$KNOB" run e.yaml --storage memory: --trials 0 2> e.txt; then fail "a grid of 17 switches ran"; fi
grep -qF "e.yaml: method grid: the conditional params split the grid into more than 100000 parts" e.txt ||
    fail "a grid of 17 switches: $(cat e.txt)"
echo ok
