#!/usr/bin/env bash
# method pbt with several workers: a worker killed (SIGKILL) in the middle of its members'
# intervals has them taken over by another worker once their heartbeat is older than
# pbt.grace, each from the checkpoint its killed interval started from, with the same
# params; on PostgreSQL two workers share one population and no interval runs twice.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: $T/pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 3, interval: 2, max_steps: 6, grace: 2s}
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
  width: {distribution: int_uniform, min: 1, max: 20}
YAML
check() { # study storage-url killed(0|1)
    "$KNOB" trials "$1" --storage "$2" --format json > "t-$1.json"
    python3 - "$T" "$1" "$3" <<'PY' || fail "population $1: $(cat "t-$1.json")"
import json, sys
T, study, killed = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
d = {t["number"]: t for t in json.load(open(f"{T}/t-{study}.json"))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items() if "pbt" in t["system_attrs"]}
# a worker killed after asking for an interval's trial and before writing its record
# leaves a trial without one: never complete, and failed as lost when it is failed
for n, t in d.items():
    if n not in rec:
        assert t["state"] == "running" or t["system_attrs"].get("fail_cause") == "worker_lost", t
keys = [(r["member"], r["interval"], r["attempt"]) for r in rec.values()]
assert len(keys) == len(set(keys)), keys
ends = {}
for n, r in rec.items():
    if d[n]["state"] == "complete":
        ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {0: 6, 1: 6, 2: 6}, ends
lost = [n for n, t in d.items() if t["state"] == "fail"]
assert all(d[n]["system_attrs"].get("fail_cause") == "worker_lost" for n in lost), lost
assert bool(lost) == killed, lost
for n in [n for n in lost if n in rec]:
    r = rec[n]
    again = [m for m, s in rec.items() if (s["member"], s["interval"], s["attempt"]) ==
             (r["member"], r["interval"], r["attempt"] + 1)]
    assert len(again) == 1, (n, r)
    s = rec[again[0]]
    assert (s["parent"], s["start"], s["end"]) == (r["parent"], r["start"], r["end"]), (r, s)
    # a trial lost before its params were written (killed between its record and its
    # params) is planned again from its record: a member that kept its params (no donor)
    # has its parent's
    want = d[n]["params"]
    if not want and r["donor"] == -1 and r["parent"] >= 0:
        want = d[r["parent"]]["params"]
    if want:
        assert d[again[0]]["params"] == want, (d[n], d[again[0]])
    assert d[again[0]]["state"] == "complete", d[again[0]]
PY
}

# SQLite: a worker killed while its three members run
S="sqlite:///$T/s.db"
TOY_SLEEP=0.5 "$KNOB" run sweep.yaml --storage "$S" --study k --parallel 3 > run1.txt 2>&1 &
pid=$!
# Killed as soon as two of the second intervals run: at any moment of the third's start,
# between its claim, its trial and its pbt record too (pbt_dead_claim.sh kills exactly
# there).
for _ in $(seq 100); do
    [ "$(ls -d knob-runs/k/[3-9] 2> /dev/null | wc -l)" -ge 2 ] && break
    sleep 0.1
done
kill -9 $pid
wait $pid 2> /dev/null && fail "the killed run exited 0"
timeout 60 "$KNOB" worker --study k --storage "$S" --parallel 3 > w.txt 2>&1 ||
    fail "worker: $(cat w.txt)"
check k "$S" 1

# PostgreSQL: two workers on one population from the start
if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    skip "KNOB_TEST_PG_URL is not set (scripts/test.sh starts a server)"
fi
schema="pbt_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
"$KNOB" run sweep.yaml --storage "$URL" --study pg --trials 0 > /dev/null || fail "setup"
pids=()
for i in 1 2; do
    TOY_SLEEP=0.05 timeout 60 "$KNOB" worker --study pg --storage "$URL" --parallel 2 > "pg$i.txt" 2>&1 &
    pids+=($!)
done
for i in 1 2; do
    wait "${pids[i - 1]}" || fail "worker $i: $(cat "pg$i.txt")"
done
check pg "$URL" 0
echo ok
