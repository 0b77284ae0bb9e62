#!/usr/bin/env bash
# examples/slurm/knob-workers.sbatch on a real Slurm: a one-node cluster (munged,
# slurmctld and slurmd from Debian's slurm-wlm, on this machine, with a configuration,
# ports, state and munge key of the test's own) runs an array of 4 knob workers on one
# PostgreSQL study, to completion, with exactly the sweep's run_cap of trials.
source "$(dirname "$0")/lib.bash"
for c in munged mungekey slurmctld slurmd sbatch sinfo; do
    command -v "$c" > /dev/null || skip "$c is missing (Debian packages slurm-wlm and munge: scripts/deps.sh)"
done
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs; this test is not root"
[ -n "${KNOB_TEST_PG_URL:-}" ] || skip "KNOB_TEST_PG_URL is not set (scripts/pg.sh start)"

daemons=()
cleanup() {
    local p
    for p in "${daemons[@]}"; do
        [ -f "$p" ] && kill "$(cat "$p")" 2> /dev/null || true
    done
    if [ -n "${schema:-}" ]; then
        PGOPTIONS="-c client_min_messages=warning" psql "$KNOB_TEST_PG_URL" -qc \
            "DROP SCHEMA IF EXISTS $schema CASCADE" || true
    fi
}
trap cleanup EXIT

# munge, with a key and a socket of our own: the machine's munged (if any) is left alone.
mkdir -m 700 munge state spool
mungekey -c -k munge/munge.key
munged --force --socket="$T/munge/sock" --key-file="$T/munge/munge.key" \
    --pid-file="$T/munge/pid" --log-file="$T/munge/log" --seed-file="$T/munge/seed" ||
    fail "munged did not start: $(cat munge/log 2> /dev/null)"
daemons+=("$T/munge/pid")

host=$(hostname -s)
port=$((20000 + $$ % 20000 * 2))
cat > slurm.conf <<CONF
ClusterName=knobtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=knob Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(cat slurmctld.log 2> /dev/null)"
daemons+=("$T/slurmctld.pid")
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(cat slurmd.log 2> /dev/null)"
daemons+=("$T/slurmd.pid")
for _ in $(seq 100); do
    sinfo -h -o %t 2> /dev/null | grep -qx idle && break
    sleep 0.1
done
sinfo -h -o %t | grep -qx idle ||
    fail "the node never became idle: $(sinfo 2>&1); $(tail -n 20 slurmctld.log slurmd.log)"

# The study, created once as docs/workers.md says; the array's workers read its sweep.
schema="slurm_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
cat > tune.yaml <<YAML
name: slurmed
command: [/bin/sh, -c, "sleep 0.05; echo loss=1"]
metric: {name: loss, goal: minimize}
method: random
run_cap: 40
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run tune.yaml --storage "$URL" --trials 0 > create.txt 2>&1 || fail "create: $(cat create.txt)"

rc=0
KNOB="$KNOB" sbatch --wait --array=0-3 --output="$T/worker-%a.out" \
    "$KNOB_SRC/examples/slurm/knob-workers.sbatch" slurmed "$URL" > sbatch.txt 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "sbatch --wait: exit $rc: $(cat sbatch.txt) $(tail -n 20 worker-*.out)"
for i in 0 1 2 3; do
    [ -s "worker-$i.out" ] || fail "array task $i left no output"
    grep -q "knob worker $i of job" "worker-$i.out" || fail "task $i: $(cat "worker-$i.out")"
done
"$KNOB" trials slurmed --storage "$URL" --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 40 "trials of an array of 4 workers with run_cap 40"
expect_eq "$(py 'sum(t["state"] == "complete" for t in d)' < t.json)" 40 "complete trials"
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(40))' < t.json)" True "numbers"
ran=0
for i in 0 1 2 3; do
    grep -q "run_cap" "worker-$i.out" && ran=$((ran + 1))
done
expect_eq "$ran" 4 "workers that say the study holds its run_cap"

# A missing argument is a usage error, not a worker on a default study.
rc=0
sbatch --wait --output="$T/bad.out" "$KNOB_SRC/examples/slurm/knob-workers.sbatch" > /dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "the sbatch script without arguments succeeded"
grep -q "usage: sbatch" bad.out || fail "no usage message: $(cat bad.out)"
echo ok
