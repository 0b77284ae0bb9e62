#!/usr/bin/env bash
# What a sweep file may not ask for: YAML nested or expanded without bound, numbers beyond
# what the library holds, files that are not sweep files, more trials at once than the
# runner has slots. Each is refused at its line and column with exit status 2, quickly,
# before a study is created.
source "$(dirname "$0")/lib.bash"
n=0
refused() { # file expected-text...: knob run and knob ask refuse it, and create no study
    local f=$1 status
    shift
    n=$((n + 1))
    for cmd in run ask; do
        set +e
        if [ $cmd = run ]; then
            timeout 120 "$KNOB" run "$f" --storage "sqlite:///$T/r$n.db" > out.txt 2> err.txt
        else
            timeout 120 "$KNOB" ask s --sweep "$f" --storage "sqlite:///$T/a$n.db" > out.txt 2> err.txt
        fi
        status=$?
        set -e
        expect_eq "$status" 2 "knob $cmd $f: exit status ($(head -c 300 err.txt))"
        for want in "$@"; do
            grep -qF -- "$want" err.txt || fail "knob $cmd $f: expected '$want' in: $(head -c 300 err.txt)"
        done
        [ ! -e "$T/r$n.db" ] && [ ! -e "$T/a$n.db" ] || fail "$f: a storage was opened"
    done
}
accepted() { # file: knob ask gives a trial
    n=$((n + 1))
    timeout 120 "$KNOB" ask s --sweep "$1" --storage "sqlite:///$T/a$n.db" > out.txt 2> err.txt ||
        fail "$1 refused: $(cat err.txt)"
}
head='program: x
method: random
metric: {name: loss}'

# 9. nesting: 5,000 levels of parameters, 40 levels, a list nested 100,000 deep
python3 - <<'PY'
head = "program: x\nmethod: random\nmetric: {name: loss}\n"
n = 5000
open("deep.yaml", "w").write(head + "parameters: " + "{a: {parameters: " * n
                             + "{x: {min: 0, max: 1}}" + "}}" * n + "\n")
s, ind = head + "parameters:\n", "  "
for i in range(40):
    s += ind + "a:\n" + ind + "  parameters:\n"
    ind += "    "
open("deep40.yaml", "w").write(s + ind + "x: {min: 0, max: 1}\n")
s, ind = head + "parameters:\n", "  "
for i in range(32):
    s += ind + "a:\n" + ind + "  parameters:\n"
    ind += "    "
open("deep32.yaml", "w").write(s + ind + "x: {min: 0, max: 1}\n")
open("deeplist.yaml", "w").write(head + "parameters:\n  a: {values: " + "[" * 100000
                                 + "]" * 100000 + "}\n")
PY
refused deep.yaml "deep.yaml:4:850: nested deeper than 100 levels of lists and mappings"
refused deep40.yaml "deep40.yaml:71:135: key 'parameters.a.a.a" "parameters': nested deeper than 32 levels"
accepted deep32.yaml
python3 -c 'import json,sys; d=json.load(sys.stdin)["params"]
for i in range(33): d = d["a"] if i < 32 else d
assert set(d) == {"x"}, d' < out.txt || fail "32 levels: $(cat out.txt)"
refused deeplist.yaml "deeplist.yaml:5:112: nested deeper than 100 levels"
# an alias inside the node it names: a cycle, in parameters and in a sampler's options
printf '%s\nparameters: &p\n  a: {parameters: *p}\n' "$head" > cycle.yaml
refused cycle.yaml "cycle.yaml:5:19: alias '*p' is inside the node it names (a recursive alias)"
printf '%s\nsampler: {name: cmaes, options: {x0: &x [*x]}}\nparameters:\n  a: {min: 0.0, max: 1.0}\n' \
    "$(printf 'program: x\nmetric: {name: loss}')" > cycle2.yaml
refused cycle2.yaml "cycle2.yaml:3:42: alias '*x' is inside the node it names"
# aliases that nest deeper than the file does
python3 - <<'PY'
s = "program: x\nmethod: random\nmetric: {name: loss}\nparameters:\n  p: {values: [1]}\nsampler:\n  name: cmaes\n  options:\n    x0:\n"
s += "      a0: &a0 [[[[[[[[[[1]]]]]]]]]]\n"
for i in range(1, 12):
    s += f"      a{i}: &a{i} [[[[[[[[[[*a{i-1}]]]]]]]]]]\n"
open("aliasdeep.yaml", "w").write(s)
PY
refused aliasdeep.yaml "alias '*a8': nested deeper than 100 levels of lists and mappings"

# 10. a billion laughs: aliases doubling at each level (747 bytes)
python3 - <<'PY'
s = "program: x\nmethod: random\nmetric: {name: loss}\nparameters:\n"
s += "  l0: &l0 {parameters: {x: {min: 0, max: 1}}}\n"
for i in range(1, 19):
    s += f"  l{i}: &l{i} {{parameters: {{a: *l{i-1}, b: *l{i-1}}}}}\n"
open("laughs.yaml", "w").write(s)
PY
# Bounded in CPU time, not wall time (the machine may be busy): unbounded expansion of this
# file cost 27 s of CPU; refused early it costs milliseconds, so 5 CPU seconds for the two
# commands is far beyond need even under the sanitizers, and a killed command fails.
(
    ulimit -t 5
    refused laughs.yaml "laughs.yaml:" "aliases expand the file by more than 100000 nodes"
) || fail "the alias bomb was not refused within 5 s of CPU time"
# aliases as W&B users write them (one definition shared) still work
cat > shared.yaml <<YAML
$head
parameters:
  lr1: &lr {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  lr2: *lr
  block: &b
    parameters:
      width: {values: [16, 32]}
  block2: *b
YAML
accepted shared.yaml
python3 -c 'import json,sys; p=json.load(sys.stdin)["params"]
assert set(p) == {"lr1", "lr2", "block", "block2"} and set(p["block2"]) == {"width"}, p' < out.txt ||
    fail "shared definitions: $(cat out.txt)"
python3 - <<'PY'
s = "program: x\nmethod: random\nmetric: {name: loss}\nparameters:\n"
s += "".join(f"  p{i}: &a{i} {{value: {i}}}\n" for i in range(257))
open("anchors.yaml", "w").write(s)
PY
refused anchors.yaml "anchors.yaml:261:9: anchor '&a256': a sweep file may define at most 256 anchors"
printf '%s\nparameters:\n  a: &x {value: 1}\n  b: &x {value: 2}\n  c: *x\n' "$head" > anchor2.yaml
refused anchor2.yaml "anchor2.yaml:6:6: anchor '&x' is defined twice (first at line 5, column 6)"

# 11. numbers beyond what the library holds
bound() { # name param-yaml expected...
    local f=$1.yaml y=$2
    shift 2
    printf '%s\nparameters:\n  p: %s\n' "$head" "$y" > "$f"
    refused "$f" "$@"
}
bound intbig '{min: 0, max: 99999999999999999999999}' \
    "intbig.yaml:5:20: key 'parameters.p.max': 99999999999999999999999 is beyond 2^53"
bound int64 '{distribution: int_uniform, min: -9223372036854775807, max: 0}' \
    "int64.yaml:5:39: key 'parameters.p.min': -9223372036854775807 is beyond 2^53"
# one past 2^53 reads 2^53 as a double: taken by its text (it was taken, as 2^53)
bound intone '{min: 9007199254740990, max: 9007199254740993}' \
    "intone.yaml:5:35: key 'parameters.p.max': 9007199254740993 is beyond 2^53"
printf '%s\nrun_cap: 9007199254740993\nparameters:\n  p: {min: 0.0, max: 1.0}\n' "$head" > capone.yaml
refused capone.yaml "capone.yaml:4:10: key 'run_cap': expected a whole number in [1, 9007199254740992], got 9007199254740993"
# a seed is a 64-bit integer, as --seed takes it (tests/integration/seed_range.sh)
printf '%s\nseed: -9223372036854775809\nparameters:\n  p: {min: 0.0, max: 1.0}\n' "$head" > seedone.yaml
refused seedone.yaml "seedone.yaml:4:7: key 'seed': -9223372036854775809 is out of range: a seed is an integer from -9223372036854775808 to 18446744073709551615 (a negative one is taken modulo 2^64)"
bound width '{min: -1e308, max: 1e308}' \
    "width.yaml:5:6: key 'parameters.p': max - min overflows (min -1e+308, max 1e+308)"
bound logmax '{distribution: log_uniform, min: 0, max: 800}' \
    "logmax.yaml:5:47: key 'parameters.p.max': log_uniform's bounds are natural logs, and e^800 overflows; at most 709.78"
# both bounds past e^709: said at min, without the warning of the values searched, which
# read "goes from inf to inf"
bound logboth '{distribution: log_uniform, min: 800, max: 900}' \
    "logboth.yaml:5:39: key 'parameters.p.min': log_uniform's bounds are natural logs, and e^800 overflows (as does max's); at most 709.78"
! grep -q "goes from" err.txt || fail "logboth: $(cat err.txt)"
bound qlogboth '{distribution: q_log_uniform, min: 800, max: 900, q: 1}' \
    "qlogboth.yaml:5:41: key 'parameters.p.min': q_log_uniform's bounds are natural logs, and e^800 overflows (as does max's); at most 709.78"
bound logmin '{distribution: log_uniform, min: -800, max: 0}' \
    "logmin.yaml:5:39: key 'parameters.p.min': log_uniform's bounds are natural logs, and e^-800 is 0"
bound qsteps '{distribution: q_uniform, min: 0, max: 1, q: 1e-300}' \
    "qsteps.yaml:5:51: key 'parameters.p.q': q = 1e-300 makes 1e+300 steps from 0 to 1; at most 2^53"
bound qbig '{distribution: q_uniform, min: 0, max: 10, q: 1e300}' \
    "qbig.yaml:5:52: key 'parameters.p.q': 1e300 is beyond 2^53"
bound qlog '{distribution: q_log_uniform_values, min: 1, max: 1e300, q: 1}' \
    "qlog.yaml:5:66: key 'parameters.p.q': q = 1 makes 1e+300 steps"
bound normal '{distribution: normal, mu: 0, sigma: 1e308}' \
    "normal.yaml:5:43: key 'parameters.p': mu +- 4.75 sigma, the farthest value knob draws, overflows"
bound lognormal '{distribution: log_normal, mu: 0, sigma: 200}' \
    "lognormal.yaml:5:47: key 'parameters.p': e^(mu + 4.75 sigma), the farthest value knob draws, overflows"
printf '%s\nparameters:\n  p: {distribution: q_uniform, min: 0, max: 1000000, q: 1}\n' \
    "$(printf 'program: x\nmethod: grid\nmetric: {name: loss}')" > gridq.yaml
refused gridq.yaml "gridq.yaml:5:6: key 'parameters.p': method grid enumerates at most 100000 values, got 1000001"
# a list of values is held to the same limit, at the parameter, as a range (300,000 ran);
# the 10,000,000 points in all are the product's, refused at method
python3 - <<'PY'
head = "program: x\nmethod: grid\nmetric: {name: loss}\nparameters:\n"
open("gridv.yaml", "w").write(head + "  p: {values: [" + ", ".join(map(str, range(100001))) + "]}\n")
open("gridv100k.yaml", "w").write(head + "  p: {values: [" + ", ".join(map(str, range(100000))) + "]}\n")
open("gridall.yaml", "w").write(head + "  p: {values: [" + ", ".join(map(str, range(10000))) + "]}\n"
                                + "  q: {distribution: int_uniform, min: 1, max: 1001}\n")
PY
refused gridv.yaml "gridv.yaml:5:6: key 'parameters.p': method grid enumerates at most 100000 values, got 100001"
accepted gridv100k.yaml
refused gridall.yaml "gridall.yaml:2:9: key 'method': method grid enumerates at most 10000000 points, and the parameters make 10010000"
# the largest that are held, and hyperband brackets that fit
cat > edges.yaml <<YAML
$head
parameters:
  i: {distribution: int_uniform, min: -9007199254740992, max: 9007199254740992}
  w: {min: -8.0e307, max: 8.0e307}
  l: {distribution: log_uniform, min: -700, max: 700}
  n: {distribution: log_normal, mu: 0, sigma: 100}
YAML
accepted edges.yaml
printf 'program: x\nmetric: {name: loss}\nearly_terminate: {type: hyperband, min_iter: 1000000, eta: 1000, s: 32}\nparameters:\n  a: {min: 0.0, max: 1.0}\n' > hb.yaml
accepted hb.yaml # bands up to 2^53 (W&B's 100 of them would pass it)

# 14. not a sweep file
refused "$T" "knob: sweep file '$T': not a regular file (a directory)"
refused /dev/zero "knob: sweep file '/dev/zero': not a regular file (a character device)"
mkfifo fifo.yaml
refused fifo.yaml "knob: sweep file 'fifo.yaml': not a regular file (a FIFO)"
{ printf '%s\nparameters:\n  a: {min: 0, max: 1}\n' "$head"; head -c $((16 << 20)) /dev/zero | tr '\0' ' '; } > big.yaml
refused big.yaml "knob: sweep file 'big.yaml': larger than 16 MiB"
python3 -c "print('''$head
parameters:
  a: {values: [''' + ','.join(['1'] * 1000001) + ']}')" > nodes.yaml
refused nodes.yaml "nodes.yaml:5:1999986: more than 1000000 YAML nodes"
printf '%s\nparameters:\n  a: {min: 0, max: 1}\n  b\0: {min: 0, max: 1}\n' "$head" > nul.yaml
refused nul.yaml "nul.yaml:6:4: the file holds a NUL byte"

# 20. more trials at once than the runner has
printf '%s\nparallel: 1000000\nparameters:\n  a: {min: 0, max: 1}\n' "$head" > par.yaml
refused par.yaml "par.yaml:4:11: key 'parallel': expected a whole number in [1, 256], got 1000000"
sed -i 's/1000000/256/' par.yaml
accepted par.yaml

# 21. a grid of more points than the grid sampler enumerates (10,000,000): refused at the key
# that chose the grid; a conditional grid's points counted as the sampler counts them, the
# valid combinations (9 * 10^6 with a: x, one with a: y), not the product of every list
python3 - <<'PY'
head = "program: x\nmetric: {name: loss}\n"
v = "{values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"
open("grid8.yaml", "w").write(head + "method: grid\nparameters:\n"
                              + "".join("  p%d: %s\n" % (i, v) for i in range(8)))
for n in (7, 8):
    open("gridsampler%d.yaml" % n, "w").write(head + "method: random\nsampler: grid\nparameters:\n"
                                              + "".join("  p%d: %s\n" % (i, v) for i in range(n)))
def cond(last):
    s = head + "method: grid\nparameters:\n  a: {values: [x, y]}\n"
    s += "".join("  p%d: {values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], when: {a: x}}\n" % i
                 for i in range(6))
    return s + "  p6: {values: %s, when: {a: x}}\n" % list(range(last))
open("gridcond10.yaml", "w").write(cond(10))
open("gridcond9.yaml", "w").write(cond(9))
PY
refused grid8.yaml "grid8.yaml:3:9: key 'method': method grid enumerates at most 10000000 points, and the parameters make 100000000"
refused gridsampler8.yaml "gridsampler8.yaml:4:1: key 'sampler': sampler grid enumerates at most 10000000 points, and the parameters make 100000000"
accepted gridsampler7.yaml
refused gridcond10.yaml "gridcond10.yaml:3:9: key 'method': method grid enumerates at most 10000000 points, and the parameters make 10000001 (the valid combinations"
accepted gridcond9.yaml
echo ok
