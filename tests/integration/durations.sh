#!/usr/bin/env bash
# Durations (--trial-timeout, --timeout, the sweep's trial_timeout) are decimal: nan, inf,
# infinity, hexadecimal and past the doubles' range are refused with the usual message
# (nan and inf meant no timeout at all, 0x2 two seconds); decimal forms still count. A
# number without a unit after one with a unit is refused, naming what was likely meant
# (1h30 was 1 h 0 min 30 s, 0h2 two seconds, silently: Go's ParseDuration refuses them);
# a number alone is seconds, and units add up in any order, as Go's: 30s5m is 5m30s.
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
for v in 1h30:1h30m 0h2:0h2m 1m2:1m2s 1s500:1s500ms 1d3:1d3h 1.5h2:1.5h2m 1ms5:; do
    text=${v%%:*} meant=${v#*:}
    hint=${meant:+": did you mean $meant?"}
    for opt in --trial-timeout --timeout; do
        rc=0
        "$KNOB" run s.yaml --storage memory: --trials 0 "$opt" "$text" > out.txt 2> err.txt || rc=$?
        expect_eq "$rc" 2 "$opt $text: exit status ($(cat out.txt err.txt))"
        expect_eq "$(cat err.txt)" "knob run: $opt '$text': its last number has no unit, and after \
one with a unit each needs its own (a number alone is seconds)$hint" "$opt $text"
    done
    { cat s.yaml; echo "trial_timeout: $text"; } > t.yaml
    rc=0
    "$KNOB" run t.yaml --storage memory: --trials 0 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "trial_timeout: $text: exit status ($(cat out.txt err.txt))"
    hint=${meant:+": did you mean \"$meant\"?"}
    expect_eq "$(cat err.txt)" "t.yaml:6:16: key 'trial_timeout': \"$text\": its last number has no \
unit, and after one with a unit each needs its own (a number alone is seconds)$hint" \
        "trial_timeout: $text"
done
# in any order, repeated: added up (the run's deadline of 5m30s is no test's to wait for)
for v in 30s5m 1m1m 2h30m10s; do
    "$KNOB" run s.yaml --storage memory: --trials 0 --trial-timeout "$v" --timeout "$v" \
        > out.txt 2>&1 || fail "$v refused: $(cat out.txt)"
    { cat s.yaml; echo "trial_timeout: $v"; } > t.yaml
    "$KNOB" run t.yaml --storage memory: --trials 0 > out.txt 2>&1 || fail "trial_timeout: $v: $(cat out.txt)"
done
echo ok
