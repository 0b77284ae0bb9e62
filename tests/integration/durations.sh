#!/usr/bin/env bash
# Durations (--trial-timeout, --timeout, the sweep's trial_timeout) are decimal: nan, inf,
# infinity, hexadecimal and past the doubles' range are refused with the usual message
# (nan and inf meant no timeout at all, 0x2 two seconds); decimal forms still count.
source "$(dirname "$0")/lib.bash"
printf 'program: %s\nmethod: random\nmetric: {name: loss}\nparameters:\n  lr: {min: 0.0, max: 1.0}\n' \
    "$PROGS/curve.py" > s.yaml
for v in nan NaN inf -inf infinity 0x2 0X1p1 1e400 .; do
    for opt in --trial-timeout --timeout; do
        rc=0
        "$KNOB" run s.yaml --storage memory: --trials 0 "$opt" "$v" > out.txt 2> err.txt || rc=$?
        expect_eq "$rc" 2 "$opt $v: exit status ($(cat out.txt err.txt))"
        grep -qF "knob run: $opt is a duration (90, 30s, 5m, 2h, 1h30m), got '$v'" err.txt ||
            fail "$opt $v: $(cat err.txt)"
    done
    { cat s.yaml; echo "trial_timeout: \"$v\""; } > t.yaml
    rc=0
    "$KNOB" run t.yaml --storage memory: --trials 0 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "trial_timeout: $v: exit status ($(cat out.txt err.txt))"
    grep -qF "key 'trial_timeout': expected a duration (90, 30s, 5m, 2h, 1h30m), got \"$v\"" err.txt ||
        fail "trial_timeout: $v: $(cat err.txt)"
done
for v in 90 1.5 .5 2.5m 1h30m 1e3 250ms; do
    "$KNOB" run s.yaml --storage memory: --trials 0 --trial-timeout "$v" --timeout "$v" \
        > out.txt 2>&1 || fail "$v refused: $(cat out.txt)"
done
echo ok
