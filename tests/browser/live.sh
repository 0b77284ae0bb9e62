#!/usr/bin/env bash
# knob dashboard clicked through in headless Chromium (live.mjs): with --token, the studies
# page opened once with ?token=T leads to a study and back by its links; the panel of a running
# trial follows it (its stdout's latest lines, its end, the form to finish it gone); a trial of
# a sweep with constraints is finished by hand with them (a value of 1e400 refused in the
# server's words, by the form to finish it and the one to enqueue); the report of a running trial, read
# a week later, draws its bar to the time the report was made; trials of one runner back to
# back share a lane of the timeline, whatever their times' rounding; the studies page shows a
# study made and deleted, and the page of a study deleted says it is gone.
# Screenshots of failed pages: $KNOB_BUILD/browser-artifacts/live-*.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
db="sqlite:///$T/live.db"
trial_program <<PY
import json, os, sys, time
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
k = 0
while not os.path.exists("$T/go"):
    k += 1
    print("tick %d" % k, flush=True)
    time.sleep(0.2)
print(json.dumps({"loss": float(args.get("x", 0.5))}), flush=True)
PY
sweep quick random <<'YAML'
  x: {min: 0.0, max: 1.0}
YAML
touch go
run_study quick --trials 3
"$KNOB" report quick --storage "$db" -o quick.html
rm go
start_dashboard "$db" --token s3cret
page_test live.mjs token "$artifacts" "$url" "$web"
# a trial that runs until $T/go exists (live.mjs makes it)
sweep slow random <<'YAML'
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run slow.yaml --storage "$db" --study slow --trials 1 > slow.log 2> slow.err &
slow_pid=$!
printf 'command: [/bin/true]\nmetric: {name: loss, goal: minimize}\nconstraints: [{name: size, max: 10}]\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > cons.yaml
"$KNOB" run cons.yaml --storage "$db" --study cons --trials 0 > cons.log
"$KNOB" ask cons --storage "$db" > cons.ask
"$KNOB" report cons --storage "$db" -o cons.html
start_dashboard "$db" --allow-write
page_test live.mjs live,cons,report,lanes,studies "$artifacts" "$url" "$web" "$T" "$KNOB" "$db"
expect_eq "$("$KNOB" trials cons --storage "$db" | grep -c infeasible)" 1 "the trial told infeasible by hand"
touch go
wait "$slow_pid" || fail "knob run slow: $(cat slow.err)"
echo ok
