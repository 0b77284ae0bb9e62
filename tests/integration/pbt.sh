#!/usr/bin/env bash
# method pbt on a fixture population (programs/pbt_toy.sh): who copies whom (a member of the
# bottom quantile copies one of the top, never a better one), what is perturbed (floats by
# exactly a perturb factor, ints rounded and moved, categoricals kept), bounds kept, each
# interval started from its parent's checkpoint at the parent's last step, checkpoints no
# member can start from deleted, a member whose program crashes fails alone (and is given a
# better top member's checkpoint), knob best and knob trials show the best member's schedule; the
# pbt block's errors.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 6, interval: 1, max_steps: 6, quantile: 0.25, perturb: [0.8, 1.2],
      resample_probability: 0}
seed: 7
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  width: {distribution: int_uniform, min: 1, max: 20}
  opt: {values: [sgd, adam]}
YAML
S="--storage sqlite:///$T/s.db"
TOY_CRASH=3:2 "$KNOB" run sweep.yaml $S --study p --parallel 3 > out.txt 2> err.txt ||
    fail "run: $(cat out.txt err.txt)"
grep -q "every member of the population reached max_steps" out.txt || fail "summary: $(cat out.txt)"
"$KNOB" trials p $S --format json > t.json
python3 - "$T" <<'PY' || fail "population: $(cat out.txt err.txt)"
import json, os, sys
T = sys.argv[1]
d = {t["number"]: t for t in json.load(open(T + "/t.json"))}
rec = {n: json.loads(json.dumps(t["system_attrs"]["pbt"])) for n, t in d.items()}
failed = [n for n, t in d.items() if t["state"] == "fail"]
assert len(failed) == 1, failed
f = d[failed[0]]
assert rec[f["number"]]["member"] == 3 and rec[f["number"]]["start"] >= 2, rec[f["number"]]
assert "exit status 1" in f["system_attrs"]["fail_reason"], f
assert all(t["state"] == "complete" for n, t in d.items() if n != f["number"])
# every member reaches max_steps; the crashed one goes on from a copy
ends = {}
for n, r in rec.items():
    if d[n]["state"] == "complete":
        ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {m: 6 for m in range(6)}, ends
after = [r for n, r in rec.items() if r["member"] == 3 and r["interval"] > rec[f["number"]]["interval"]]
assert after and min(after, key=lambda r: r["interval"])["donor"] >= 0, after
copies = 0
for n, r in rec.items():
    t = d[n]
    assert r["end"] - r["start"] == 1, r
    p = t["params"]
    assert 0.01 <= p["lr"] <= 0.45 and 1 <= p["width"] <= 20, p
    got = open(f"{T}/knob-runs/p/{n}/from.txt").read().split()
    assert int(got[0]) == r["parent"] and int(got[1]) == r["start"], (n, got, r)
    if r["parent"] < 0:
        assert r["interval"] == 0 and r["start"] == 0, r
        continue
    parent = d[r["parent"]]
    assert rec[r["parent"]]["end"] == r["start"], (r, rec[r["parent"]])
    if r["donor"] < 0:
        assert parent["params"] == p, (n, parent["params"], p)
        assert rec[r["parent"]]["member"] == r["member"], r
        continue
    copies += 1
    assert r["donor_trial"] == r["parent"] and rec[r["parent"]]["member"] == r["donor"], r
    assert r["donor"] != r["member"], r
    q = parent["params"]
    ratio = p["lr"] / q["lr"]
    assert abs(ratio - 0.8) < 1e-9 or abs(ratio - 1.2) < 1e-9 or p["lr"] in (0.01, 0.45), (p, q)
    assert p["width"] != q["width"] or q["width"] in (1, 20), (p, q)
    assert abs(p["width"] - q["width"]) <= max(1, round(q["width"] * 0.2) + 1), (p, q)
    assert p["opt"] == q["opt"], (p, q)
    # the copier's last complete value was no better than what it copied
    # (a member whose program failed copies one that scores better than its last interval)
    own = [m for m, s in rec.items() if s["member"] == r["member"] and s["interval"] == r["interval"] - 1]
    last = max(own, key=lambda m: rec[m]["attempt"])
    if d[last]["state"] == "complete":
        assert d[last]["values"][0] <= parent["values"][0], (n, r)
assert copies >= 3, copies
# checkpoints left: each member's last two complete intervals, and the best interval of all, nothing else
left = sorted(int(x) for x in os.listdir(T + "/knob-runs/p")
              if os.path.isdir(f"{T}/knob-runs/p/{x}/checkpoint"))
keep = []
for m in range(6):
    done = sorted((r["interval"], n) for n, r in rec.items()
                  if r["member"] == m and d[n]["state"] == "complete")
    keep += [n for _, n in done[-2:]]
best = max((n for n in d if d[n]["state"] == "complete"), key=lambda n: d[n]["values"][0])
keep = set(keep) | {best}
assert left == sorted(keep), (left, sorted(keep))
PY
"$KNOB" best p $S > best.txt || fail "best"
grep -q "schedule (population-based training" best.txt || fail "best: $(cat best.txt)"
[ "$(grep -c '^  [0-9]-[0-9] ' best.txt)" = 6 ] || fail "best: six intervals: $(cat best.txt)"
"$KNOB" best p $S --json > best.json
expect_eq "$(py '[s["end"] for s in d["schedule"]]' < best.json)" "[1, 2, 3, 4, 5, 6]" "schedule json"
"$KNOB" trials p $S > trials.txt
grep -q "schedule (population-based training" trials.txt || fail "trials: $(cat trials.txt)"
# running it again starts nothing: the population is done
"$KNOB" run sweep.yaml $S --study p > again.txt 2>&1 || fail "again: $(cat again.txt)"
grep -q "every member" again.txt || fail "again: $(cat again.txt)"

# a population whose every member fails has nothing to copy: each member runs its first
# interval again, until the run's first 5 trials have failed to run (max_initial_failures)
cat > crash.yaml <<YAML
command: ["false"]
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 2, interval: 1, max_steps: 3}
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
rc=0 # every member failed to run: exit status 1
timeout 60 "$KNOB" run crash.yaml $S --study crash > crash.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "all failed: $(cat crash.txt)"
grep -q "5 trials (0 complete, 0 pruned, 5 failed" crash.txt || fail "all failed: $(cat crash.txt)"

# a program that saves no checkpoint: the intervals that start from one are run, and knob
# says which checkpoint was empty
cat > nockpt.yaml <<YAML
command: [sh, -c, 'echo "step=\$KNOB_PBT_END_STEP score=1"']
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 1, interval: 1, max_steps: 2}
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
"$KNOB" run nockpt.yaml $S --study nockpt > nockpt.txt 2>&1 || fail "no checkpoint: $(cat nockpt.txt)"
grep -q "2 trials (2 complete" nockpt.txt || fail "no checkpoint: $(cat nockpt.txt)"
grep -q "trial 1 starts from the checkpoint of trial 0, and .*/nockpt/0/checkpoint is empty" \
    nockpt.txt || fail "no checkpoint, no warning: $(cat nockpt.txt)"
# a program that leaves a file where its checkpoint directory was: knob says it cannot be
# read and why (it said "missing")
cat > filed.yaml <<YAML
command: [sh, -c, 'rmdir "\$KNOB_CHECKPOINT_OUT" && echo x > "\$KNOB_CHECKPOINT_OUT"; echo "step=\$KNOB_PBT_END_STEP score=1"']
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 1, interval: 1, max_steps: 2, keep_checkpoints: true}
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
"$KNOB" run filed.yaml $S --study filed > filed.txt 2>&1 || fail "a file: $(cat filed.txt)"
grep -q "trial 1 starts from the checkpoint of trial 0, and .*/filed/0/checkpoint cannot be read: Not a directory" \
    filed.txt || fail "a file, no word of it: $(cat filed.txt)"

# a trial_dir where no checkpoint directory can be made: the interval fails with the
# reason, in the trial as on stderr, and the run stops
touch notadir
sed "s|^command: .*|&\ntrial_dir: $T/notadir/x|" nockpt.yaml > nodir.yaml
if "$KNOB" run nodir.yaml $S --study nodir > nodir.txt 2>&1; then fail "no trial dir: $(cat nodir.txt)"; fi
grep -q "cannot create $T/notadir/x/nodir/0/checkpoint: Not a directory" nodir.txt ||
    fail "no trial dir: $(cat nodir.txt)"
"$KNOB" trials nodir $S --format json > nodir.json
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < nodir.json)" \
    "pbt: the interval could not start: cannot create $T/notadir/x/nodir/0/checkpoint: Not a directory" \
    "fail_reason of an interval without a checkpoint directory"

# errors of the pbt block, at their line
bad() { # yaml-tail expected-message
    printf 'program: pbt_toy.sh\nmetric: {name: score, goal: maximize}\nparameters:\n  lr: {min: 0.1, max: 1.0}\n%s\n' "$1" > bad.yaml
    if "$KNOB" run bad.yaml $S --study bad > /dev/null 2> e.txt; then fail "accepted: $1"; fi
    grep -qF "$2" e.txt || fail "for '$1': $(cat e.txt)"
}
bad "method: pbt" "method pbt needs a 'pbt' block"
bad $'method: pbt\npbt: {population: 4}' "needs interval and max_steps"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, quantile: 0.7}' "bad.yaml:6:"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, perturb: [0.8, -1]}' "a factor must be > 0"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, quantile: .nan}' "key 'pbt.quantile': expected a finite number, got .nan (YAML's NaN)"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, resample_probability: x}' \
    "key 'pbt.resample_probability': expected a number"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, populaton: 3}' "did you mean 'population'"
# a grace under a second is said at its value (it was said at the key 'pbt', column 1)
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, grace: 0s}' \
    "bad.yaml:6:41: key 'pbt.grace': at least 1 second, got 0s"
bad $'method: pbt\npbt:\n  interval: 1\n  max_steps: 4\n  grace: 0.5' \
    "bad.yaml:9:10: key 'pbt.grace': at least 1 second, got 0.5"
# Ray Tune's names are answered with knob's
bad $'method: pbt\npbt: {perturbation_interval: 2, max_steps: 4}' \
    "unknown key 'perturbation_interval' in pbt; knob's is 'interval'"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4, quantile_fraction: 0.2}' \
    "unknown key 'quantile_fraction' in pbt; knob's is 'quantile'"
# an interval that reaches max_steps at once leaves no interval to copy or explore after
bad $'method: pbt\npbt: {interval: 20, max_steps: 12}' \
    "bad.yaml:6:17: key 'pbt.interval': 20 is not below max_steps 12"
bad $'method: pbt\npbt:\n  max_steps: 4\n  interval: 4' \
    "bad.yaml:8:13: key 'pbt.interval': 4 is not below max_steps 4"
bad $'method: random\npbt: {interval: 1, max_steps: 4}' "only with method: pbt"
bad $'method: pbt\npbt: {interval: 1, max_steps: 4}\nsampler: tpe' "draws its first population"

# q_log_uniform_values: the factor multiplies the value the program got (5 -> 50 or 1 with
# [0.1, 10]), not the unrounded draw the library holds (5 -> 46, 465)
cat > qlog.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 6, interval: 1, max_steps: 5, quantile: 0.5, perturb: [0.1, 10],
      resample_probability: 0}
seed: 5
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  li: {distribution: q_log_uniform_values, min: 1, max: 1000, q: 1}
  ln: {distribution: log_normal, mu: 0, sigma: 1}
  nm: {distribution: normal, mu: 5, sigma: 1}
YAML
"$KNOB" run qlog.yaml $S --study qlog > qlog.out 2>&1 || fail "qlog: $(cat qlog.out)"
"$KNOB" trials qlog $S --format json > qlog.json
python3 - "$T" <<'PY' || fail "q_log_uniform_values explored: $(cat $T/qlog.json)"
import json, math, sys
from statistics import NormalDist
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/qlog.json"))}
moved = 0
for t in d.values():
    donor = t["system_attrs"]["pbt"].get("donor_trial", -1)
    if donor < 0:
        continue
    was, now = d[donor]["params"]["li"], t["params"]["li"]
    ok = {min(1000, max(1, math.floor(was * f + 0.5))) for f in (0.1, 10)}
    assert now in ok, (t["number"], was, now, ok)
    # the normal family: the value times the factor, within the values knob draws (the
    # quantile was multiplied, and the value moved by no factor)
    z = NormalDist().inv_cdf(1 - 1e-6)  # the farthest quantile knob draws
    for name, lo, hi in (("ln", math.exp(-z), math.exp(z)), ("nm", 5 - z, 5 + z)):
        was, now = d[donor]["params"][name], t["params"][name]
        assert any(math.isclose(now, min(hi, max(lo, was * f)), rel_tol=1e-6) for f in (0.1, 10)), \
            (t["number"], name, was, now)
    moved += 1
assert moved >= 3, moved
PY

# q_normal, q_log_normal: the factor multiplies the value the program got (a multiple of q),
# and the value moves by one q at least (the unrounded value the library holds was
# multiplied: 1 with factors [0.8, 1.2] stayed 1)
cat > qn.yaml <<YAML
program: pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 6, interval: 1, max_steps: 6, quantile: 0.5, perturb: [0.8, 1.2],
      resample_probability: 0}
seed: 7
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  qn: {distribution: q_normal, mu: 2, sigma: 1, q: 1}
  qln: {distribution: q_log_normal, mu: 1, sigma: 0.5, q: 1}
YAML
"$KNOB" run qn.yaml $S --study qn > qn.out 2>&1 || fail "qn: $(cat qn.out)"
"$KNOB" trials qn $S --format json > qn.json
python3 - "$T" <<'PY' || fail "q_normal explored: $(cat $T/qn.json)"
import json, math, sys
from statistics import NormalDist
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/qn.json"))}
z = NormalDist().inv_cdf(1 - 1e-6)  # the farthest quantile knob draws
rnd = lambda v: math.copysign(math.floor(abs(v) + 0.5), v)  # C's round
def explored(x, f, lo, hi, lg):
    if lg and x == 0:
        return {x}
    y = x * f if lg or x != 0 else min(hi, max(lo, (f - 1) * (hi - lo)))
    k = rnd(y)
    if k == x and y != x:
        k += 1 if y > x else -1
    return {k, rnd(min(hi, max(lo, k)))}
moved = 0
for t in d.values():
    donor = t["system_attrs"]["pbt"].get("donor_trial", -1)
    if donor < 0:
        continue
    for name, lo, hi, lg in (("qn", 2 - z, 2 + z, False),
                             ("qln", math.exp(1 - 0.5 * z), math.exp(1 + 0.5 * z), True)):
        was, now = d[donor]["params"][name], t["params"][name]
        ok = explored(was, 0.8, lo, hi, lg) | explored(was, 1.2, lo, hi, lg)
        assert now in ok, (t["number"], name, was, now, ok)
        moved += now != was
assert moved >= 6, moved
PY

# SIGTERM: the stopped intervals are run again by PBT itself when the study resumes, and
# knob run says nothing of retries (it said each was "not run again: its retry was spent")
TOY_SLEEP=1 "$KNOB" run sweep.yaml $S --study term --parallel 2 > term.out 2> term.err &
pid=$!
for _ in $(seq 100); do
    [ -f knob-runs/term/0/from.txt ] && [ -f knob-runs/term/1/from.txt ] && break
    sleep 0.1
done
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status of a PBT run stopped by SIGTERM"
if grep -q "is not run again" term.err; then fail "PBT after SIGTERM: $(cat term.err)"; fi
echo ok
