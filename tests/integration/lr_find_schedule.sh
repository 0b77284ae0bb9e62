#!/usr/bin/env bash
# knob lr-find with long schedules: a program that never reads its stdin (it counts the
# steps itself) and prints more than a pipe holds runs to its end (knob's writes of the
# rates on its stdin waited for it, while it waited for knob to read its output).
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
echo ok
