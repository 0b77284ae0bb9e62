#!/usr/bin/env bash
# Bytes that are not text in a trial's output: a NUL in stderr cut the failure's reason
# there (the stderr tail was a C string), losing the error after it; it is U+FFFD now, as a
# byte that is not UTF-8 is. A JSON record with a byte that is not UTF-8 in a string of it
# was dropped, the trial failing with "a line names it but gives no value of it" (or keeping
# an older value without a word); it is read, the byte as U+FFFD.
source "$(dirname "$0")/lib.bash"
sweep() { # file script
    printf 'command: [./%s]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' "$2" > "$1"
}
S="--storage sqlite:///$T/s.db"
cat > nul.sh <<'SCRIPT'
#!/bin/sh
printf 'progress \000\000 garbage\n' >&2
printf 'Traceback (most recent call last):\nValueError: the real error\n' >&2
exit 1
SCRIPT
chmod +x nul.sh
sweep nul.yaml nul.sh
"$KNOB" run nul.yaml $S --study nul --trials 1 > nul.txt 2>&1 && fail "the run succeeded"
grep -q "^trial 0 fail: exit status 1 (stderr: ValueError: the real error)" nul.txt ||
    fail "shown: $(cat nul.txt)"
"$KNOB" trials nul $S --format json > t.json
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < t.json)" \
    "$(printf 'exit status 1; stderr:\nprogress \xef\xbf\xbd\xef\xbf\xbd garbage\nTraceback (most recent call last):\nValueError: the real error')" \
    "the reason"

cat > latin.sh <<'SCRIPT'
#!/bin/sh
echo loss=0.6
printf '{"loss": 0.55, "s": "caf\351"}\n'
printf "{'loss': 0.5, 's': 'caf\351'}\n"
SCRIPT
chmod +x latin.sh
sweep latin.yaml latin.sh
"$KNOB" run latin.yaml $S --study latin --trials 1 > latin.txt 2>&1 || fail "run: $(cat latin.txt)"
"$KNOB" trials latin $S --format json > t.json
expect_eq "$(py '[d[0]["values"], d[0]["intermediate"]]' < t.json)" '[[0.5], {"0": 0.6, "1": 0.55, "2": 0.5}]' \
    "records with Latin-1 strings"
echo ok
