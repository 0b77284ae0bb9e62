#!/usr/bin/env bash
# A seed is an integer from -2^63 to 2^64 - 1, a negative one modulo 2^64, wherever it is
# given (--seed of knob run and knob ask, the sweep's seed key), as the library's option
# seed= takes it: 18446744073709551615 draws as -1 does. An integer beyond that range is said
# to be out of range, with the range; other text is no integer.
source "$(dirname "$0")/lib.bash"
printf 'command: [echo, loss=1]\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > s.yaml
ask() { # STUDY SEED-ARGS...: the first trial's params of a new study
    local study=$1
    shift
    "$KNOB" ask "$study" --sweep "${SWEEP:-s.yaml}" --storage "sqlite:///$T/s.db" "$@" |
        py 'd["params"]'
}
minus=$(ask m --seed -1)
expect_eq "$(ask u --seed 18446744073709551615)" "$minus" "--seed 2^64 - 1 and -1"
expect_eq "$(ask v --seed 9223372036854775808)" "$(ask w --seed -9223372036854775808)" \
    "--seed 2^63 and -2^63"
{ cat s.yaml; echo "seed: 18446744073709551615"; } > k.yaml
expect_eq "$(SWEEP=k.yaml ask k)" "$minus" "seed: 2^64 - 1 in the sweep"
"$KNOB" run s.yaml --storage "sqlite:///$T/r.db" --trials 1 --seed 18446744073709551615 > run.txt ||
    fail "run: $(cat run.txt)"
for cmd in run ask; do
    for seed in 18446744073709551616 99999999999999999999 -9223372036854775809; do
        set +e
        if [ $cmd = run ]; then
            "$KNOB" run s.yaml --storage "sqlite:///$T/x.db" --seed $seed > out.txt 2> err.txt
        else
            "$KNOB" ask x --sweep s.yaml --storage "sqlite:///$T/x.db" --seed $seed > out.txt 2> err.txt
        fi
        status=$?
        set -e
        expect_eq "$status" 2 "knob $cmd --seed $seed: exit status"
        expect_eq "$(cat err.txt)" "knob $cmd: --seed $seed is out of range: a seed is an integer from -9223372036854775808 to 18446744073709551615 (a negative one is taken modulo 2^64)" \
            "knob $cmd --seed $seed"
    done
done
set +e
"$KNOB" ask x --sweep s.yaml --storage "sqlite:///$T/x.db" --seed 1.5 > out.txt 2> err.txt
set -e
expect_eq "$(cat err.txt)" "knob ask: --seed must be an integer, got '1.5'" "--seed 1.5"
# the sweep's seed: a fraction is refused with the range a seed has (18446744073709551615 is
# taken above), not the 2^53 of a whole number written otherwise (7.0, 1e3), which is said too
for bad in 1.5 1e300; do
    { cat s.yaml; echo "seed: $bad"; } > f.yaml
    set +e
    "$KNOB" ask f --sweep f.yaml --storage "sqlite:///$T/f.db" > out.txt 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "seed: $bad: exit status ($(cat err.txt))"
    grep -qF "f.yaml:5:7: key 'seed': expected an integer from -9223372036854775808 to 18446744073709551615 (or a whole number written otherwise, as 7.0 or 1e3, within 2^53), got $bad" err.txt ||
        fail "seed: $bad: $(cat err.txt)"
done
{ cat s.yaml; echo "seed: 1e3"; } > e.yaml
expect_eq "$(SWEEP=e.yaml ask e)" "$(ask e2 --seed 1000)" "seed: 1e3 is 1000"
[ ! -e "$T/x.db" ] || fail "a storage was opened"
echo ok
