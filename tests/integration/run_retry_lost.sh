#!/usr/bin/env bash
# A trial that another worker failed as lost (its heartbeat silent past the grace) while
# knob run still ran it stays lost when knob run is then stopped by SIGTERM: knob run's FAIL
# is refused, and its reason and cause ("interrupted") are not written over the failer's
# ("worker_lost"), by which the trial's late end would be taken and which keeps its point
# of a grid from being run again. The retry the failer enqueued is listed, while it waits,
# with the params its source's program got.
source "$(dirname "$0")/lib.bash"
# the other worker: fails the silent trials of STUDY as its ask does (a grace of 0.5 s, one
# retry each), takes a new trial of its own (a claimed one: the retry is left waiting), and
# fails it
cat > failer.c <<'C'
#include <knob.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    knob_storage *st = NULL;
    knob_study *s = NULL;
    knob_trial *t = NULL;
    bool won = false;
    knob_study_options o = {.heartbeat_interval = 0.2, .grace_period = 0.5, .max_retry = 1};
    int rc = argc != 3 || knob_storage_open(argv[1], &st) || knob_study_load(st, argv[2], &o, &s) ||
             knob_study_ask_claimed(s, "failer", NULL, 0, &t, &won) || !won ||
             knob_study_tell(s, t, KNOB_TRIAL_FAIL, NULL, 0);
    if (rc)
        fprintf(stderr, "failer: %s\n", knob_errmsg());
    knob_study_free(s);
    knob_storage_close(st);
    return rc ? 1 : 0;
}
C
cc_knob failer failer.c
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: normal, mu: 50, sigma: 5}
  mode: {value: hang}
YAML
db="sqlite:///$T/s.db"
"$KNOB" run sweep.yaml --storage "$db" --study l --trials 1 > run.txt 2> run.err &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/l/0/pid ] && break
    sleep 0.1
done
[ -f knob-runs/l/0/pid ] || fail "trial 0 did not start: $(cat run.err)"
sleep 1 # past the failer's grace: knob run beats every 10 s
./failer "$db" l || fail "the failer"
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGTERM"
expect_dead knob-runs/l/*

"$KNOB" trials l --storage "$db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["fail", "waiting", "fail"]' "states"
expect_eq "$(py 'd[0]["system_attrs"]["fail_cause"]' < t.json)" worker_lost "trial 0's cause"
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"].startswith("no heartbeat for")' < t.json)" True \
    "trial 0's reason: $(py 'd[0]["system_attrs"]["fail_reason"]' < t.json)"
expect_eq "$(py '[d[1]["system_attrs"][k] for k in ("retry_of", "retry_count")]' < t.json)" "[0, 1]" \
    "the failer's retry"
expect_eq "$(py '30 < d[0]["params"]["x"] < 70' < t.json)" True "the program's x"
expect_eq "$(py 'd[1]["params"]' < t.json)" "$(py 'd[0]["params"]' < t.json)" \
    "the waiting retry's params, as its source's"
grep -q "trial 0" run.err || fail "knob run does not say trial 0 was ended elsewhere: $(cat run.err)"
