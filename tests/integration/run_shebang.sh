#!/usr/bin/env bash
# A script whose #! interpreter is missing (a removed environment; "#!/bin/sh\r" of a script
# saved with Windows line ends) made execve fail with ENOENT, said as the script missing
# ("cannot run './b.sh': No such file or directory"): the interpreter is named, its \r shown.
source "$(dirname "$0")/lib.bash"
sweep() { # file script
    printf 'command: [./%s]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' "$2" > "$1"
}
S="--storage sqlite:///$T/s.db"
reason() { "$KNOB" trials "$1" $S --format json | py 'd[0]["system_attrs"]["fail_reason"]'; }
printf '#!/nonexistent/interp -u\necho loss=0.5\n' > b.sh
printf '#!/bin/sh\r\necho loss=0.5\r\n' > c.sh
chmod +x b.sh c.sh
sweep b.yaml b.sh
sweep c.yaml c.sh
"$KNOB" run b.yaml $S --study b --trials 1 > b.txt 2>&1 && fail "b ran"
expect_eq "$(reason b)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './b.sh': No such file or directory (the script is there, not the interpreter its #! line names: '/nonexistent/interp')")" \
    "a missing interpreter"
"$KNOB" run c.yaml $S --study c --trials 1 > c.txt 2>&1 && fail "c ran"
expect_eq "$(reason c)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './c.sh': No such file or directory (the script is there, not the interpreter its #! line names: '/bin/sh\\r', whose \\r is a Windows line end (CRLF) the script was saved with)")" \
    "a CRLF #! line"
# a script that is not there is said as before
sweep gone.yaml gone.sh
"$KNOB" run gone.yaml $S --study gone --trials 1 > gone.txt 2>&1 && fail "gone ran"
expect_eq "$(reason gone)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './gone.sh': No such file or directory")" "a missing script"
# as the program of the default command (through /usr/bin/env, which named the script as
# missing in every trial's reason): refused before any trial, naming the #! line
for f in b c; do
    printf 'program: %s.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' "$f" > p$f.yaml
    rc=0
    "$KNOB" run p$f.yaml $S --study p$f --trials 1 > p$f.txt 2>&1 || rc=$?
    expect_eq "$rc" 2 "program $f.sh: exit status ($(cat p$f.txt))"
    expect_eq "$("$KNOB" trials p$f $S --format json 2>/dev/null | py 'len(d)' 2>/dev/null || echo 0)" 0 \
        "program $f.sh: no trial"
done
grep -qF "program 'b.sh': its #! line names '/nonexistent/interp', which is not there" pb.txt ||
    fail "a missing interpreter, before any trial: $(cat pb.txt)"
grep -qF "program 'c.sh': its #! line names '/bin/sh\\r', which is not there: its \\r is a Windows line end" pc.txt ||
    fail "a CRLF #! line, before any trial: $(cat pc.txt)"
# a \r after the interpreter's path is its argument's, which env -S takes: the script runs
printf '#!/usr/bin/env -S sh\r\necho loss=0.5\r\n' > e.sh
chmod +x e.sh
printf 'program: e.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > pe.yaml
"$KNOB" run pe.yaml $S --study pe --trials 1 > pe.txt 2>&1 || fail "env -S with a CRLF line: $(cat pe.txt)"
echo ok
