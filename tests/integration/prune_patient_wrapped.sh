#!/usr/bin/env bash
# A sweep's patient pruner with the wrapped pruner's options: the sweep gives each option's
# value whole, so wrapped_options with or without brackets reaches the wrapped pruner with
# all its options (an option string's comma would cut it: tests/unit/test_pruners.c), and
# a wrong one among them is the wrapped pruner's error, at wrapped_options' value.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
sweep() { # file wrapped_options-value
    cat > "$1" <<YAML
program: ./p.sh
metric: {name: loss}
method: random
pruner:
  name: patient
  options: {patience: 0, wrapped: median, wrapped_options: $2}
parameters:
  x: {values: [1, 2]}
YAML
}
cat > p.sh <<'SH'
#!/bin/sh
echo "step=0 loss=5"
echo "step=1 loss=6"
SH
chmod +x p.sh
n=0
for v in '"n_startup_trials=1,n_warmup_steps=1"' '"[n_startup_trials=1,n_warmup_steps=1]"' \
    'n_startup_trials=1'; do
    n=$((n + 1))
    sweep ok$n.yaml "$v"
    "$KNOB" run ok$n.yaml $S --study ok$n --trials 2 > out.txt 2>&1 || fail "wrapped_options $v: $(cat out.txt)"
done
for v in '"n_startup_trials=1,n_warmup=1"' '"[n_startup_trials=1,n_warmup=1]"'; do
    sweep bad.yaml "$v"
    rc=0
    "$KNOB" ask b --sweep bad.yaml $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "wrapped_options $v: exit status ($(cat err.txt))"
    grep -qF "bad.yaml:6:60: key 'pruner.options.wrapped_options': pruner 'patient': wrapped=median: pruner 'median': unknown option 'n_warmup'" err.txt ||
        fail "wrapped_options $v: $(cat err.txt)"
done
echo ok
