#!/usr/bin/env bash
# knob lr-find with long schedules: a program that never reads its stdin (it counts the
# steps itself) and prints more than a pipe holds runs to its end (knob's writes of the
# rates on its stdin waited for it, while it waited for knob to read its output); a
# schedule too long for one environment variable is left out of the environment (the
# program could not be started: E2BIG) and the rates come on stdin; the rates of a range
# wider than a double's ratio (1e-300 to 1e300) are numbers.
source "$(dirname "$0")/lib.bash"
cat > deaf.sh <<'SH'
#!/usr/bin/env bash
# never reads stdin: a falling loss for each of KNOB_LR_STEPS steps, with a long log field
awk -v n="$KNOB_LR_STEPS" 'BEGIN {
    pad = sprintf("%080d", 0)
    for (i = 0; i < n; i++) printf "step=%d loss=%.17g note=%s\n", i, 2 - i / n, pad
}'
SH
chmod +x deaf.sh
cat > deaf.yaml <<YAML
command: [$T/deaf.sh]
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
timeout 120 "$KNOB" lr-find deaf.yaml --param lr --min 1e-6 --max 1 --steps 4000 --json \
    > d.json 2> err.txt || fail "lr-find (status $?): $(cat err.txt)"
expect_eq "$(py 'd["steps"]' < d.json)" 4000 "steps of a program that never reads stdin"

# 10,000 steps: KNOB_LR_SCHEDULE would be about 230 KB, more than Linux passes
cat > reader.sh <<'SH'
#!/usr/bin/env bash
echo "${KNOB_LR_SCHEDULE-unset}" | cut -c1-30 > schedule.txt
while read -r step rate; do echo "step=$step loss=$((30000 - step))"; done
SH
chmod +x reader.sh
cat > reader.yaml <<YAML
command: [$T/reader.sh]
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
timeout 300 "$KNOB" lr-find reader.yaml --param lr --min 1e-6 --max 1 --steps 10000 --json \
    > r.json 2> err.txt || fail "lr-find, 10000 steps (status $?): $(cat err.txt)"
expect_eq "$(py 'd["steps"]' < r.json)" 10000 "steps of a schedule too long for the environment"
expect_eq "$(cat schedule.txt)" unset "KNOB_LR_SCHEDULE of 10000 steps"
# up to about 5,000 steps it is there
timeout 120 "$KNOB" lr-find reader.yaml --param lr --min 1e-6 --max 1 --steps 4000 --json \
    > r.json 2> err.txt || fail "lr-find, 4000 steps (status $?): $(cat err.txt)"
grep -q "^9.9999999999999995e-07," schedule.txt || fail "KNOB_LR_SCHEDULE of 4000 steps: $(cat schedule.txt)"

# the widest range: every rate a number, in KNOB_LR_SCHEDULE and in the result
cat > wide.sh <<'SH'
#!/usr/bin/env bash
echo "$KNOB_LR_SCHEDULE" > wide.txt
echo "step=0 loss=3"; echo "step=1 loss=2"; echo "step=2 loss=1"
SH
chmod +x wide.sh
sed "s|reader.sh|wide.sh|" reader.yaml > wide.yaml
"$KNOB" lr-find wide.yaml --param lr --min 1e-300 --max 1e300 --steps 3 --json > w.json \
    2> err.txt || fail "lr-find, wide range: $(cat err.txt)"
python3 - "$T" <<'PY' || fail "wide range: $(cat wide.txt) $(cat w.json)"
import json, sys
T = sys.argv[1]
rates = [float(x) for x in open(T + "/wide.txt").read().strip().split(",")]
want = [1e-300, 1.0, 1e300]
assert all(abs(r / w - 1) < 1e-9 for r, w in zip(rates, want)) and len(rates) == 3, rates
d = json.load(open(T + "/w.json"))
assert all(abs(c[0] / w - 1) < 1e-9 for c, w in zip(d["curve"], want)), d["curve"]
PY
echo ok
